"""Rule R10: two deltas of one type folded into one that leaves the same cache.

Top-level properties: d2's over d1's (a ``null`` from d2 overwrites too). Keyed items: per key, the net effect of
d1 then d2 (an added item absorbs later changes; a removal followed by a change becomes an added item, since the
change then lands on nothing). Upsert lists: per key, the merged changes with their nulls kept. Id sets: an id's
last add or remove wins. Append lists: d1's items, then d2's. The caveat of the spec holds: if R7 evicts between
d1 and d2, d2 may have merged into an item the coalesced delta re-creates.
"""

from __future__ import annotations

from typing import Any

from ._errors import InvalidMessage
from ._reducer import merge_item, row_engine
from ._rows import default_schema
from ._schema import Collection, Row, Schema
from ._validation import key_getter

__all__ = ["coalesce"]

Item = dict[str, Any]


def _merge_changes(old: Item, new: Item, maps: tuple[str, ...]) -> Item:
    """Two changed items as one: new over old, nulls kept (they still have to clear), maps merged key by key."""
    out = {**old, **new}
    for m in maps:
        a, b = old.get(m), new.get(m)
        if type(a) is dict and type(b) is dict:
            out[m] = {**a, **b}
    return out


def _fold_collection(c: Collection, d1: Item, d2: Item, out: Item) -> None:
    key_of, maps = key_getter(c), c.maps
    ops: dict[str, tuple[str, Item | None]] = {}
    if c.upsert is not None:
        for d in (d1, d2):
            for item in d.get(c.upsert, ()):
                k = key_of(item)
                prev = ops.get(k)
                ops[k] = ("changed", item if prev is None else _merge_changes(prev[1] or {}, item, maps))
        if c.upsert in d1 or c.upsert in d2:
            out[c.upsert] = [item for _, item in ops.values()]
        return
    for d in (d1, d2):
        for item in d.get(c.added, ()) if c.added else ():
            ops[key_of(item)] = ("added", merge_item(None, item, maps, True))
        for item in d.get(c.changed, ()) if c.changed else ():
            k = key_of(item)
            prev = ops.get(k)
            if prev is None:
                ops[k] = ("changed", item)
            elif prev[0] == "added":
                ops[k] = ("added", merge_item(prev[1], item, maps, True))
            elif prev[0] == "changed":
                ops[k] = ("changed", _merge_changes(prev[1] or {}, item, maps))
            else:
                if c.added is None:
                    raise InvalidMessage(d2, f"cannot coalesce: {c.name!r} has no added list to re-create {k!r}")
                ops[k] = ("added", merge_item(None, item, maps, True))
        for k in d.get(c.removed, ()) if c.removed else ():
            ops[k.casefold() if c.case_insensitive else k] = ("removed", None)
    for op, src in (("added", c.added), ("changed", c.changed)):
        if src is not None and (src in d1 or src in d2 or any(o == op for o, _ in ops.values())):
            out[src] = [item for o, item in ops.values() if o == op]
    if c.removed is not None and (c.removed in d1 or c.removed in d2 or any(o == "removed" for o, _ in ops.values())):
        out[c.removed] = [k for k, (o, _) in ops.items() if o == "removed"]


def coalesce(d1: Item, d2: Item, *, schema: Schema | None = None) -> Item:
    """One delta equal in effect to applying delta ``d1`` and then delta ``d2`` of the same type (R10).

    >>> from icws_state import coalesce
    >>> t = "urn:inin.com:interactions.assistance:assistanceRequestListMessage"
    >>> coalesce({"__type": t, "isDelta": True, "requestsAdded": ["a", "b"]},
    ...          {"__type": t, "isDelta": True, "requestsRemoved": ["a"]})["requestsAdded"]
    ['b']

    `InvalidMessage` when either is not a valid delta, their types differ, or they route to different paths.
    """
    table = schema if schema is not None else default_schema()
    for d in (d1, d2):
        if type(d) is not dict or type(d.get("__type")) is not str or d.get("isDelta") is not True:
            raise InvalidMessage(d, "coalesce takes two delta messages (isDelta true) with a string __type")
    t = d1["__type"]
    if d2["__type"] != t:
        raise InvalidMessage(d2, f"cannot coalesce a {d2['__type']!r} into a {t!r}")
    if d1.get("subscriptionId") != d2.get("subscriptionId"):
        raise InvalidMessage(d2, "cannot coalesce deltas of different subscriptionId")
    if t in table.generic:
        raise InvalidMessage(d2, f"{t!r} messages are events of their own (R18): they are not coalesced")
    row = table.row(t)
    if row is None or row.state:
        return {**d1, **d2}
    engine = row_engine(row)
    for d in (d1, d2):
        reason = engine.validate(d)
        if reason is not None:
            raise InvalidMessage(d, reason)
    if row.route is not None and d1[row.route] != d2[row.route]:
        raise InvalidMessage(d2, f"cannot coalesce deltas of different {row.route}")
    return _fold(row, d1, d2)


def _fold(row: Row, d1: Item, d2: Item) -> Item:
    sources = {s for part in row.parts for s in part.sources}
    out: Item = {p: v for p, v in {**d1, **d2}.items() if p not in sources}
    for c in row.collections:
        _fold_collection(c, d1, d2, out)
    for s in row.id_sets:
        last: dict[str, bool] = {}
        for d in (d1, d2):
            for x in d.get(s.added, ()):
                last[x] = True
            for x in d.get(s.removed, ()):
                last[x] = False
        if s.added in d1 or s.added in d2 or any(last.values()):
            out[s.added] = [x for x, added in last.items() if added]
        if s.removed in d1 or s.removed in d2:
            out[s.removed] = [x for x, added in last.items() if not added]
    for a in row.appends:
        if a.source in d1 or a.source in d2:
            out[a.source] = [*d1.get(a.source, ()), *d2.get(a.source, ())]
    return out
