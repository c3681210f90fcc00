"""The merge rules, all of them, in one place: R2 replace, R3 merge, R4/R12/R13 keyed items, R5 id sets,
R7 bound, R14 append lists, R15 scalars, and the generic store of R1.

Theory of operation. A message has already passed R8 (`_validation`) and the lifecycle (`_cache`) when it gets
here, so nothing below can fail half-way: a rejected message never reaches this module. With a journal (a cache
that records changes) stored items are never mutated once stored: a merge builds a new dict (copy-on-write),
which is what lets the journal record the old and the new item by reference. Without one (``journal`` None)
nobody can ask for the old item, so a merge updates it in place (`merge_into`), as a plain dict cache would.
``null`` follows R3 everywhere: in a merge it removes the property, in a complete item or a full message it is
left out; only properties typed `Kind.MAP` merge one level further down (R12).
"""

from __future__ import annotations

from typing import Any, Final

from ._history import HistoryTable
from ._journal import (
    J_ADDED,
    J_APPENDED,
    J_CHANGED,
    J_EVICTED,
    J_GENERIC,
    J_PROPS,
    J_REMOVED,
    J_REPLACED,
)
from ._schema import RESERVED, Collection, IdSet, Row
from ._stores import Item, KeyedTable
from ._validation import ObjectKeys, Validator, key_getter, lookup_key

__all__ = ["CollectionOps", "IdSetOps", "PathData", "RowEngine", "apply_generic", "merge_into", "merge_item",
           "row_engine"]

Journal = list[tuple[Any, ...]]
#: Routed paths memoised per row (R11), then forgotten all at once: a client rarely has more subscriptions.
_PATH_MEMO_LIMIT: Final = 4096


def merge_item(cur: Item | None, item: Item, maps: tuple[str, ...], nulls: bool) -> Item:
    """R3 for one keyed item: ``item``'s properties over ``cur``'s, ``null`` removing, maps merged key by key.

    With ``cur`` None this is also how a complete (added) item or a full message's item is stored: merged into
    nothing, so its nulls leave nothing behind.
    """
    new = {**cur, **item} if cur is not None else dict(item)
    if nulls:
        for p, v in item.items():
            if v is None:
                del new[p]
    for m in maps:
        delta: dict[str, Any] | None = item.get(m)  # an object of strings and nulls (R8 checked it)
        if delta is not None:
            base = cur.get(m) if cur is not None else None
            merged: dict[str, Any] = dict(base) if base else {}
            for k, v in delta.items():  # one pass: a null removes (R12), anything else is set
                if v is None:
                    merged.pop(k, None)
                else:
                    merged[k] = v
            new[m] = merged
    return new


def merge_into(cur: Item, item: Item, maps: tuple[str, ...], nulls: bool) -> None:
    """`merge_item` in place, for a cache that keeps no old items: ``cur`` becomes what `merge_item` would have
    returned. Its maps are the store's own dicts (every stored map was built by a merge), so they merge in place
    too; nothing the message holds is changed or kept but its values."""
    if not maps:
        cur.update(item)
        if nulls:
            for p, v in item.items():
                if v is None:
                    del cur[p]
        return
    for p, v in item.items():
        if v is None:
            cur.pop(p, None)
        elif p in maps:
            delta: dict[str, Any] = v  # an object of strings and nulls (R8 checked it)
            base = cur.get(p)
            merged: dict[str, Any] = base if base is not None else {}
            for k, x in delta.items():
                if x is None:
                    merged.pop(k, None)
                else:
                    merged[k] = x
            cur[p] = merged
        else:
            cur[p] = v



class PathData:
    """The cache of one data type on one path: scalars (R15) and one container per part of the row."""

    __slots__ = ("parts", "properties", "type")

    def __init__(self, row: Row) -> None:
        self.type = row.type
        self.properties: Item = {}
        self.parts: list[Any] = [
            *(HistoryTable(c.order_by) if c.order_by else KeyedTable(lookup_key(c)) for c in row.collections),
            *(set() for _ in row.id_sets),
            *([] for _ in row.appends),
        ]

    def reset(self) -> None:
        self.properties = {}
        for part in self.parts:
            if isinstance(part, KeyedTable):
                part.reset()
            else:
                part.clear()


class CollectionOps:
    """The applier of one keyed collection: added, changed, removed in that order (R12), or one upsert list
    (R4, R13). ``journal`` is None for a full message, whose single CacheReplaced stands for its items, and in a
    cache that records no changes; without one a changed item is merged in place.

    The loops read and write the store's dict directly; only an insert, or a change of the order field of an
    ordered store (R6), goes through `KeyedTable.put`, which keeps the order.
    """

    def __init__(self, c: Collection) -> None:
        self.name, self.maps = c.name, c.maps
        self.key_of = key_getter(c)
        # The common case, a plain string key compared exactly, reads the key inline; the rest call `key_of`.
        self.flat_key = c.key if "." not in c.key and not (c.case_insensitive or c.object_key) else None
        self.object_key = c.key if c.object_key else None
        self.object_keys = ObjectKeys()
        self.fold = c.case_insensitive
        self.added, self.removed = c.added, c.removed
        self.merged_lists = [src for src in (c.upsert, c.changed) if src is not None]
        self.order_field = c.order_by

    def key(self, item: Item) -> str:
        """The store key of an item whose key is not a plain string property (R16, R17, a dotted path)."""
        if self.object_key is not None:
            return self.object_keys.text(item[self.object_key])
        return self.key_of(item)

    def apply(self, store: KeyedTable, msg: Item, journal: Journal | None, path: str, nulls: bool) -> None:
        items = store.items
        name, maps, flat_key = self.name, self.maps, self.flat_key
        # Typed locals (lists of items, R8 checked them): compiled, the loops then run natively.
        added: list[Item] | None = msg.get(self.added) if self.added is not None else None
        if added is not None:
            for item in added:
                k = item[flat_key] if flat_key is not None else self.key(item)
                old = items.get(k)
                new = merge_item(None, item, maps, nulls)
                store.put(k, old, new)
                if journal is not None:
                    journal.append((J_ADDED, path, name, k, new) if old is None
                                   else (J_CHANGED, path, name, k, old, new))
        plain = not (nulls or maps)
        order_field = self.order_field
        for src in self.merged_lists:
            merged: list[Item] | None = msg.get(src)
            if merged is None:
                continue
            for item in merged:
                k = item[flat_key] if flat_key is not None else self.key(item)
                old = items.get(k)
                if old is None:
                    new = item.copy() if plain else merge_item(None, item, maps, nulls)
                    store.put(k, None, new)
                    if journal is not None:
                        journal.append((J_ADDED, path, name, k, new))
                    continue
                if journal is None and (order_field is None or order_field not in item):
                    # Nobody can ask for the old item (no journal), and the order stays: merge in place.
                    if plain:
                        old.update(item)
                    else:
                        merge_into(old, item, maps, nulls)
                    continue
                new = {**old, **item} if plain else merge_item(old, item, maps, nulls)
                if order_field is None or order_field not in item or item[order_field] == old.get(order_field):
                    items[k] = new
                else:
                    store.put(k, old, new)
                if journal is not None:
                    journal.append((J_CHANGED, path, name, k, old, new))
        removed: list[str] | None = msg.get(self.removed) if self.removed is not None else None
        if removed is not None:
            fold = self.fold
            for k in removed:
                if fold:
                    k = k.casefold()
                gone = store.pop(k)
                if gone is not None and journal is not None:
                    journal.append((J_REMOVED, path, name, k, gone))


class IdSetOps:
    """The applier of one id set (R5): its added ids, then its removed ones (so an id in both ends up removed).
    ``journal`` is None for a full message, which has emptied the set first."""

    def __init__(self, s: IdSet) -> None:
        self.name, self.add_src, self.remove_src = s.name, s.added, s.removed

    def apply(self, ids: set[str], msg: Item, journal: Journal | None, path: str) -> None:
        added: list[str] | None = msg.get(self.add_src)
        removed: list[str] | None = msg.get(self.remove_src)
        if journal is None:
            if added:
                ids.update(added)
            if removed:
                ids.difference_update(removed)
            return
        name = self.name
        if added:
            for x in added:
                if x not in ids:
                    ids.add(x)
                    journal.append((J_ADDED, path, name, x, x))
        if removed:
            for x in removed:
                if x in ids:
                    ids.discard(x)
                    journal.append((J_REMOVED, path, name, x, x))


def _evict(store: KeyedTable, bound: Any, journal: Journal | None, path: str, name: str) -> None:
    """R7: after a message, drop the items that sort first until the PUT's bound remains (when it has one)."""
    if type(bound) is int and bound >= 0 and len(store.items) > bound:
        evicted = store.evict_to(bound)
        if journal is not None:
            for k, old in evicted:
                journal.append((J_EVICTED, path, name, k, old))


class RowEngine:
    """One row of the schema, compiled: its validator, how it finds its path, and how it merges (R2-R5, R12-R15)."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.type = row.type
        self.state = row.state
        self.validator = Validator(row)
        #: The path when it holds no placeholder; None when it comes from the message (R11).
        self.fixed_path: str | None = None if row.route else row.path
        self.route = row.route
        self._paths: dict[str, str] = {}
        self._collections = [(i, CollectionOps(c)) for i, c in enumerate(row.collections)]
        n = len(row.collections)
        self._id_sets = [(n + i, IdSetOps(s)) for i, s in enumerate(row.id_sets)]
        m = n + len(row.id_sets)
        self._appends = [(m + i, a.name, a.source) for i, a in enumerate(row.appends)]
        self._bounds = [(i, c.name, c.bound_parameter) for i, c in enumerate(row.collections) if c.bound_parameter]
        self._keeps_properties = row.keeps_properties
        self._typed_scalars = bool(row.scalars)
        sources = {s for part in row.parts for s in part.sources}
        self._not_scalars = frozenset(RESERVED | sources | ({row.route} if row.route else set()))

    def validate(self, message: Item) -> str | None:
        """R8 for this row: the reason ``message`` is invalid, or None."""
        return self.validator.validate(message)

    def path_of(self, message: Item) -> str:
        """The subscription path of a valid message: fixed, or filled from its routing property (R11)."""
        if self.fixed_path is not None:
            return self.fixed_path
        value = message[self.route]  # type: ignore[index]
        path = self._paths.get(value)
        if path is None:
            if len(self._paths) > _PATH_MEMO_LIMIT:
                self._paths.clear()
            path = self._paths[value] = self.row.path_for(value)
        return path

    def apply(self, data: PathData, msg: Item, full: bool, journal: Journal | None, path: str,
              parameters: Item) -> None:
        """Merge a valid data message into ``data``; ``parameters`` are the path's PUT parameters (for R7).
        ``journal`` is None in a cache that records no changes."""
        nulls = self.validator.nulls
        if full:
            data.reset()
            if journal is not None:
                journal.append((J_REPLACED, path, self.type))
            items_journal = None
        else:
            items_journal = journal
        parts = data.parts
        for i, ops in self._collections:
            ops.apply(parts[i], msg, items_journal, path, nulls)
        for i, id_ops in self._id_sets:
            id_ops.apply(parts[i], msg, items_journal, path)
        for i, name, src in self._appends:
            items = msg.get(src)
            if items:
                copies = [dict(it) for it in items]
                parts[i].extend(copies)
                if items_journal is not None:
                    items_journal.append((J_APPENDED, path, name, copies))
        if self._keeps_properties:
            self._apply_scalars(data, msg, full, items_journal, path)
        for i, name, param in self._bounds:
            _evict(parts[i], parameters.get(param), journal, path, name)

    def _apply_scalars(self, data: PathData, msg: Item, full: bool, journal: Journal | None, path: str) -> None:
        """R15: the row's other top-level properties, replaced (full) or merged (delta) like any cached value."""
        skip = self._not_scalars
        old = data.properties
        if not full and not self._typed_scalars and not self.validator.unknown:
            return  # every property of the message was one of the row's own (the validator counted them)
        if not full:
            for p in msg:
                if p not in skip:
                    break
            else:  # nothing but the row's own properties: no scalar to merge
                return
        new = {} if full else dict(old)
        for p, v in msg.items():
            if p in skip:
                continue
            if v is None:
                new.pop(p, None)
            else:
                new[p] = v
        data.properties = new
        if journal is not None:  # an unchanged result is dropped when the events are built (`_events`)
            journal.append((J_PROPS, path, old, new))


class _CollectionEngine(RowEngine):
    """A row whose only part is one keyed collection and that keeps no scalars (history, queues, statuses,
    statistics, the configuration lists): the same rules as `RowEngine.apply` in a straight line."""

    def __init__(self, row: Row) -> None:
        super().__init__(row)
        self._ops0 = self._collections[0][1]
        self._bound0 = self._bounds[0] if self._bounds else None

    def apply(self, data: PathData, msg: Item, full: bool, journal: Journal | None, path: str,
              parameters: Item) -> None:
        if full:
            data.reset()
            if journal is not None:
                journal.append((J_REPLACED, path, self.type))
            self._ops0.apply(data.parts[0], msg, None, path, self.validator.nulls)
        else:
            self._ops0.apply(data.parts[0], msg, journal, path, self.validator.nulls)
        if self._bound0 is not None:
            _, name, param = self._bound0
            _evict(data.parts[0], parameters.get(param), journal, path, name)


class _IdSetEngine(RowEngine):
    """A row whose only part is one id set (the assistance-request list), in a straight line."""

    def __init__(self, row: Row) -> None:
        super().__init__(row)
        self._id_ops0 = self._id_sets[0][1]

    def apply(self, data: PathData, msg: Item, full: bool, journal: Journal | None, path: str,
              parameters: Item) -> None:
        if full:
            data.reset()
            if journal is not None:
                journal.append((J_REPLACED, path, self.type))
            self._id_ops0.apply(data.parts[0], msg, None, path)
        else:
            self._id_ops0.apply(data.parts[0], msg, journal, path)


def row_engine(row: Row) -> RowEngine:
    """The engine of ``row``: a straight-line one for the common shapes (fewer loops over empty part lists; the
    hot path), the general `RowEngine` otherwise. Same rules either way."""
    if len(row.parts) == 1 and not row.keeps_properties:
        if row.collections:
            return _CollectionEngine(row)
        if row.id_sets:
            return _IdSetEngine(row)
    return RowEngine(row)


def apply_generic(store: dict[str, Item], key: str, msg: Item, full: bool, journal: Journal | None) -> None:
    """R1 with R2/R3: a type in no row is cached whole per key, merged property by property (a new dict each
    time, journalled or not: generic messages are few)."""
    old = store.get(key)
    if full or old is None:
        new = {p: v for p, v in msg.items() if v is not None and p not in RESERVED}
    else:
        new = dict(old)
        for p, v in msg.items():
            if p in RESERVED:
                continue
            if v is None:
                new.pop(p, None)
            else:
                new[p] = v
    store[key] = new
    if journal is not None:
        journal.append((J_GENERIC, key, old, new))
