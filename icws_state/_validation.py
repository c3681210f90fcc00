"""Rule R8: a message is checked whole before it touches state.

Each schema row compiles into one `Validator`: a list of checks for the top-level properties the row knows, each
list check walking its items once. Item properties whose type is a plain JSON type (string, boolean, integer enum)
are checked with one ``type(v) is T`` lookup; the rest go through a small table of predicates. Unknown properties
are never rejected (newer servers add them); a ``null`` on an unknown or nullable property is valid and raises the
validator's `nulls` flag, so the merge can take its fast path when a message has none (the usual case).

Reasons name the property and say what was expected, e.g. ``interactionHistory[0].direction must be an integer
enum, got true``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from . import _datetimes
from ._datetimes import instant
from ._schema import Collection, Kind, Row

__all__ = ["MISSING", "Validator", "check_subscription_id", "describe"]

MISSING: Any = object()

_PYTYPE: dict[Kind, type] = {Kind.STRING: str, Kind.BOOLEAN: bool, Kind.ENUM: int}

_EXPECTED: dict[Kind, str] = {
    Kind.STRING: "a string",
    Kind.BOOLEAN: "a boolean",
    Kind.ENUM: "an integer enum",
    Kind.DATETIME: "an ICWS date-time such as 2026-11-22T10:00:00Z",
    Kind.STRING_LIST: "a list of strings",
    Kind.MAP: "an object of string values",
    Kind.OBJECT: "an object",
    Kind.ERROR: 'an error object with a string "message"',
    Kind.STATE: "a subscription state, an integer 0-3",
}

# Item contexts: what a null inside a map property means there.
COMPLETE, MERGE, APPEND = "complete", "merge", "append"

Check = Callable[[Any], "str | None"]


def describe(value: Any) -> str:
    """A short JSON rendering of an offending value for a reason string."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


def _wrong(name: str, kind: Kind, value: Any) -> str:
    return f"{name} must be {_EXPECTED[kind]}, got {describe(value)}"


def _is_map(value: Any, nulls_ok: bool) -> bool:
    if type(value) is not dict:
        return False
    for v in value.values():
        if type(v) is not str and (v is not None or not nulls_ok):
            return False
    return True


def _is_error(value: Any) -> bool:
    return (
        type(value) is dict
        and type(value.get("message")) is str
        and ("errorId" not in value or type(value["errorId"]) is str)
    )


def _is_datetime(value: Any) -> bool:
    return type(value) is str and instant(value) is not None


def _is_string_list(value: Any) -> bool:
    return type(value) is list and all(type(v) is str for v in value)


def _is_object(value: Any) -> bool:
    return type(value) is dict


def _is_state(value: Any) -> bool:
    return type(value) is int and 0 <= value <= 3


def _predicate(kind: Kind, nulls_ok: bool = False) -> Callable[[Any], bool]:
    """The membership test of one `Kind`; map values may be null where a merge gives null a meaning."""
    if kind is Kind.MAP:
        return (lambda v: _is_map(v, True)) if nulls_ok else (lambda v: _is_map(v, False))
    if kind in _PYTYPE:
        t = _PYTYPE[kind]
        return lambda v: type(v) is t
    return {
        Kind.DATETIME: _is_datetime,
        Kind.STRING_LIST: _is_string_list,
        Kind.OBJECT: _is_object,
        Kind.ERROR: _is_error,
        Kind.STATE: _is_state,
    }[kind]


def check_subscription_id(value: Any) -> str | None:
    """R8: a ``subscriptionId``, where present, is a string (``null`` included in 'not a string')."""
    if value is MISSING or type(value) is str:
        return None
    return _wrong("subscriptionId", Kind.STRING, value)


class Validator:
    """The compiled R8 checks of one row. Call it with a message dict; it returns a reason, or None when valid."""

    def __init__(self, row: Row) -> None:
        self._flag = [False]
        checks: list[tuple[str, Check, bool]] = []
        if row.route is not None:
            checks.append((row.route, self._route_check(row.route), True))
        if row.route != "subscriptionId":
            checks.append(("subscriptionId", check_subscription_id, False))
        if row.state:
            checks.append(("state", self._scalar_check("state", Kind.STATE, False), True))
            checks.append(("error", self._scalar_check("error", Kind.ERROR, False), False))
        for c in row.collections:
            for src, ctx in ((c.added, COMPLETE), (c.changed, MERGE), (c.upsert, MERGE)):
                if src is not None:
                    checks.append((src, self._items_check(src, c.item, c.nullable, c.key, ctx),
                                   src in row.required))
            if c.removed is not None:
                checks.append((c.removed, self._strings_check(c.removed), c.removed in row.required))
        for s in row.id_sets:
            for src in s.sources:
                checks.append((src, self._strings_check(src), src in row.required))
        for a in row.appends:
            checks.append((a.source, self._items_check(a.source, a.item, a.nullable, None, APPEND),
                           a.source in row.required))
        for name, kind in row.scalars.items():
            checks.append((name, self._scalar_check(name, kind, name in row.nullable), name in row.required))
        self._checks = tuple(checks)
        self._scan_scalars = row.keeps_properties

        self.validate = self._compile()

    def __call__(self, message: dict[str, Any]) -> str | None:
        return self.validate(message)

    @property
    def nulls(self) -> bool:
        """Whether the last valid message carried a null the merge must act on (R3)."""
        return self._flag[0]

    def _compile(self) -> Callable[[dict[str, Any]], str | None]:
        checks, flag = self._checks, self._flag
        scan = self._scan_scalars

        def validate(message: dict[str, Any]) -> str | None:
            flag[0] = False
            get = message.get
            for name, check, required in checks:
                value = get(name, MISSING)
                if value is MISSING:
                    if required:
                        return f"{name} is required"
                    continue
                reason = check(value)
                if reason is not None:
                    return reason
            # A known property cannot be null here (its check would have failed), so any null is an unknown
            # scalar's: R3 gives it a meaning the merge must act on.
            if scan and not flag[0] and None in message.values():
                flag[0] = True
            return None

        return validate

    # -- check builders ----------------------------------------------------------------------------------------
    @staticmethod
    def _route_check(name: str) -> Check:
        def check(value: Any) -> str | None:
            if type(value) is str and value:
                return None
            return f"{name} must be a non-empty string, got {describe(value)}"

        return check

    def _scalar_check(self, name: str, kind: Kind, nullable: bool) -> Check:
        ok = _predicate(kind)

        def check(value: Any) -> str | None:
            if value is None and nullable:
                self._flag[0] = True
                return None
            return None if ok(value) else _wrong(name, kind, value)

        return check

    @staticmethod
    def _strings_check(name: str) -> Check:
        def check(value: Any) -> str | None:
            if type(value) is not list:
                return _wrong(name, Kind.STRING_LIST, value)
            for i, v in enumerate(value):
                if type(v) is not str:
                    return f"{name}[{i}] must be a string, got {describe(v)}"
            return None

        return check

    def _items_check(
        self, name: str, fields: Mapping[str, Kind], nullable: frozenset[str], key: str | None, ctx: str
    ) -> Check:
        simple = {p: _PYTYPE[k] for p, k in fields.items() if k in _PYTYPE and p not in nullable}
        other = {p: _predicate(k, ctx == MERGE) for p, k in fields.items() if p not in simple}
        key_path = key.split(".") if key else []
        flat_key = key if len(key_path) == 1 else None
        nested_key = key_path if len(key_path) > 1 else None

        flag = self._flag
        dt_cache, dt_miss = _datetimes._cache, _datetimes._MISS
        dates = frozenset(p for p, k in fields.items() if k is Kind.DATETIME and p not in nullable)
        other = {p: ok for p, ok in other.items() if p not in dates}

        def check(items: Any) -> str | None:
            if type(items) is not list:
                return f"{name} must be a list of objects, got {describe(items)}"
            for item in items:
                if type(item) is not dict:
                    return f"{name}[{items.index(item)}] must be an object, got {describe(item)}"
                if flat_key is not None and type(item.get(flat_key)) is not str:
                    return f"{name}[{items.index(item)}] lacks a string {flat_key}"
                if nested_key is not None and type(_dig(item, nested_key)) is not str:
                    return f"{name}[{items.index(item)}] lacks a string {key}"
                for p, v in item.items():
                    t = simple.get(p)
                    if type(v) is t:
                        continue
                    if t is not None:
                        return _wrong(f"{name}[{items.index(item)}].{p}", fields[p], v)
                    if p in dates:
                        if type(v) is str:
                            when = dt_cache.get(v, dt_miss)
                            if when is not None and (when != dt_miss or instant(v) is not None):
                                continue
                        return _wrong(f"{name}[{items.index(item)}].{p}", Kind.DATETIME, v)
                    if v is None:
                        if p in fields and p not in nullable:
                            return _wrong(f"{name}[{items.index(item)}].{p}", fields[p], v)
                        flag[0] = True
                        continue
                    ok = other.get(p)
                    if ok is not None and not ok(v):
                        return _wrong(f"{name}[{items.index(item)}].{p}", fields[p], v)
            return None

        return check


def _dig(item: dict[str, Any], path: list[str]) -> Any:
    value: Any = item
    for part in path:
        if type(value) is not dict:
            return None
        value = value.get(part)
    return value


def key_getter(collection: Collection) -> Callable[[dict[str, Any]], str]:
    """How to read an item's key: a plain lookup, or a walk down a dotted path (``configurationId.id``)."""
    parts = collection.key.split(".")
    if len(parts) == 1:
        k = parts[0]
        return lambda item: item[k]
    return lambda item: _dig(item, parts)
