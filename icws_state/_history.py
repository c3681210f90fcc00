"""The interaction-history store: items by ``interactionId``, kept in R6 order, bounded by R7.

Order is a `SortedList` of ``(instant, interactionId)`` pairs beside a dict of items. The instant is the parsed
``initiationTime`` in microseconds (UTC); an item without one sorts first (R6), so the pair uses -1, below every
real instant. Values stay as received; only the pair is parsed, once per distinct string (`_datetimes`).
An upsert that keeps ``initiationTime`` touches only the dict; one that changes it moves the pair.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from copy import deepcopy
from datetime import datetime
from itertools import islice
from typing import Any, Final, overload

from sortedcontainers import SortedList

from ._datetimes import instant, raw_instant
from ._readonly import read_only_item
from ._stores import Item, KeyedStore, KeyedTable

__all__ = ["HistoryStore", "HistoryTable"]

_NO_TIME: Final = -1


def _as_instant(when: datetime | str) -> int:
    if isinstance(when, datetime):
        offset = when.utcoffset()
        if offset is None:
            raise ValueError("naive datetime: give a timezone-aware one (ICWS instants are absolute)")
        seconds = when.toordinal() * 86400 + when.hour * 3600 + when.minute * 60 + when.second
        return (seconds - int(offset.total_seconds())) * 1_000_000 + when.microsecond
    value = instant(when) if isinstance(when, str) else None
    if value is None:
        raise ValueError(f"not an instant: {when!r} (give an aware datetime or an ICWS date-time string)")
    return value


class _Ordered(Sequence[Mapping[str, Any]]):
    """The items in R6 order as a sequence: ``history.ordered[0]`` is the oldest, ``[-1]`` the newest."""

    __slots__ = ("_table",)

    def __init__(self, table: HistoryTable) -> None:
        self._table = table

    @overload
    def __getitem__(self, index: int) -> Mapping[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Mapping[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> Mapping[str, Any] | Sequence[Mapping[str, Any]]:
        items = self._table.items
        if isinstance(index, slice):
            return [read_only_item(items[k]) for _, k in self._table.order[index]]
        return read_only_item(items[self._table.order[index][1]])

    def __len__(self) -> int:
        return len(self._table.order)


class HistoryTable(KeyedTable):
    """The engine's side of the history store: items by key, and their (instant, key) pairs in a `SortedList`.

    Insert, move and evict are O(log n); an upsert that keeps ``initiationTime`` touches only the dict.
    """

    __slots__ = ("_fields", "_positional", "_sublist_maxes", "_sublists", "_twice_load", "order", "order_by")

    def __init__(self, order_by: str = "initiationTime") -> None:
        super().__init__()
        self.order_by = order_by
        self._bind(SortedList())

    def _bind(self, order: SortedList[tuple[int, str]]) -> None:
        """Keep ``order`` and, for `_insert`, typed references to its layout: sortedcontainers 2.x makes ``_lists``,
        ``_maxes`` and ``_index`` once per instance and changes them only in place, and keeps ``_len`` (rebound)
        in the instance dict. Read through these, an append costs no attribute lookup on the SortedList, which
        from compiled code is a walk of its ABC bases each time."""
        self.order = order
        layout: Any = order
        # Pairs typed Any here: compiled, a tuple[int, str] is an unboxed struct, boxed anew at every list store.
        self._sublists: list[list[Any]] = layout._lists
        self._sublist_maxes: list[Any] = layout._maxes
        self._positional: list[int] = layout._index
        self._fields: dict[str, Any] = layout.__dict__
        self._twice_load: int = layout._load << 1

    def __deepcopy__(self, memo: dict[int, Any]) -> HistoryTable:
        """A copy bound to a sorted list of its own: copied attribute by attribute, its layout references would
        still be the original's lists (a SortedList copies itself through its values, not its layout)."""
        twin = HistoryTable(self.order_by)
        memo[id(self)] = twin
        twin.lookup = self.lookup
        twin.items = deepcopy(self.items, memo)
        twin._bind(SortedList(self.order))
        return twin

    def pair(self, item: Item, key: str) -> tuple[int, str]:
        """The sort key of an item (R6): its instant (-1 without one), then its key."""
        t = item.get(self.order_by)
        return (_NO_TIME if t is None else raw_instant(t), key)  # -1 for no date-time is _NO_TIME

    def put(self, key: str, old: Item | None, new: Item) -> None:
        self.items[key] = new
        if old is None:
            t = new.get(self.order_by)
            pair: Any = (_NO_TIME if t is None else raw_instant(t), key)  # -1 for no date-time is _NO_TIME
            self._insert(pair)
            return
        field = self.order_by
        if old.get(field) != new.get(field):
            self.order.remove(self.pair(old, key))
            self._insert(self.pair(new, key))

    def _insert(self, pair: Any) -> None:
        """`SortedList.add`, with its commonest case done here: a new interaction is nearly always the latest, and
        a pair after all others goes at the end of the last sublist. That is what ``add`` does too, after a bisect
        and two calls which, from compiled code, cost more than the append; done here only when ``add`` would
        neither split the sublist nor update a positional index (the layout `_bind` keeps, whose invariants
        `check` verifies). Anything else is ``add``."""
        maxes = self._sublist_maxes
        if maxes and pair > maxes[-1] and not self._positional:
            last = self._sublists[-1]
            if len(last) < self._twice_load:
                last.append(pair)
                maxes[-1] = pair
                fields = self._fields
                fields["_len"] = fields["_len"] + 1
                return
        self.order.add(pair)

    def pop(self, key: str) -> Item | None:
        old = self.items.pop(key, None)
        if old is not None:
            self.order.remove(self.pair(old, key))
        return old

    def reset(self) -> None:
        self.items = {}
        self._bind(SortedList())

    def evict_to(self, bound: int) -> list[tuple[str, Item]]:
        """Drop the items that sort first until ``bound`` remain (R7); returns them, first evicted first."""
        out = []
        order, items = self.order, self.items
        for _ in range(len(order) - bound):
            _, k = order.pop(0)  # pop(0) needs no positional index, unlike a slice
            out.append((k, items.pop(k)))
        return out

    def keys_in_order(self) -> Iterator[str]:
        return (k for _, k in self.order)

    def ordered_items(self) -> Iterator[tuple[str, Item]]:
        items = self.items
        return ((k, items[k]) for _, k in self.order)

    def check(self) -> None:
        """Invariants, for stress tests: every item has exactly one pair, and pairs are sorted."""
        super().check()
        assert len(self.order) == len(self.items)
        for p in self.order:
            assert p == self.pair(self.items[p[1]], p[1]), p
        self.order._check()  # type: ignore[attr-defined]


class HistoryStore(KeyedStore):
    """History items by ``interactionId``, read-only; iteration, `values` and `items` follow R6 order (oldest first).

    Lookup by id is O(1); `latest` is O(k); `between` is O(log n + k); `index` is O(log n).

    >>> from icws_state import StateCache
    >>> cache = StateCache()
    >>> _ = cache.apply({"__type": "urn:inin.com:interactions:historyMessage", "isDelta": False,
    ...                  "interactionHistory": [{"interactionId": "2", "initiationTime": "2026-11-22T10:00:00Z"},
    ...                                         {"interactionId": "1", "initiationTime": "2026-11-22T09:00:00Z"}]})
    >>> list(cache.history), [i["interactionId"] for i in cache.history.latest(1)]
    (['1', '2'], ['2'])
    """

    __slots__ = ("_history",)

    def __init__(self, table: HistoryTable) -> None:
        super().__init__(table)
        self._history = table

    def __reversed__(self) -> Iterator[str]:
        return (k for _, k in reversed(self._history.order))

    @property
    def ordered(self) -> Sequence[Mapping[str, Any]]:
        """The items as a sequence in R6 order (O(log n) per index)."""
        return _Ordered(self._history)

    def newest_first(self) -> Iterator[Mapping[str, Any]]:
        """Items from the newest (greatest in R6 order) to the oldest."""
        items = self._history.items
        return (read_only_item(items[k]) for _, k in reversed(self._history.order))

    def latest(self, n: int) -> list[Mapping[str, Any]]:
        """The ``n`` newest items, newest first."""
        if n <= 0:
            return []
        items = self._history.items
        # Walk from the end rather than slice: slicing a SortedList builds its positional index, which every
        # later insert and eviction would then have to maintain.
        return [read_only_item(items[k]) for _, k in islice(reversed(self._history.order), n)]

    def between(self, start: datetime | str, end: datetime | str) -> list[Mapping[str, Any]]:
        """Items whose ``initiationTime`` falls in ``[start, end)``, oldest first; items without one are left out."""
        lo, hi = _as_instant(start), _as_instant(end)
        items = self._history.items
        return [read_only_item(items[k]) for _, k in self._history.order.irange((lo, ""), (hi, ""), (True, False))]

    def index(self, interaction_id: str) -> int:
        """Position of an item in R6 order; KeyError when it is not cached."""
        table = self._history
        return int(table.order.index(table.pair(table.items[interaction_id], interaction_id)))
