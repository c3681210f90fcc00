"""Rule R8: a message is checked whole before it touches state.

Each schema row compiles into one `Validator`: a list of checks for the top-level properties the row knows, each
list check walking its items once, then one pass over the properties the row does not know. Item properties whose
type is a plain JSON type (string, boolean, integer enum) are checked with one ``type(v) is T`` lookup; the rest go
through a small table of predicates. Unknown properties are never rejected for their type (newer servers add them),
but everything the cache keeps must be a JSON value it can write back (`_json.json_value_problem`); a ``null`` on
an unknown or nullable property is valid and sets the `Validator.nulls` flag, so the merge can take its fast path
when a message has none (the usual case).

Reasons name the property and say what was expected, e.g. ``interactionHistory[0].direction must be an integer
enum, got true``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Final

from ._datetimes import is_datetime, raw_instant
from ._enums import SubscriptionState
from ._json import MAX_DIGITS, describe, json_value_problem
from ._readonly import thaw
from ._schema import Collection, GenericType, Kind, Row

__all__ = ["MISSING", "ObjectKeys", "Validator", "canonical_key", "check_subscription_id", "describe", "key_getter"]

MISSING: Final[Any] = object()

#: Codes of the item property kinds `_ItemsCheck.problem` decides inline.
_OTHER: Final = 0
_STRING: Final = 1
_BOOLEAN: Final = 2
_DATETIME: Final = 3
_ENUM: Final = 4
_KEY: Final = 5  # the plain string key of a collection's items
_CODES: Final = {Kind.STRING: _STRING, Kind.BOOLEAN: _BOOLEAN, Kind.DATETIME: _DATETIME, Kind.ENUM: _ENUM}
_BIG: Final = 10**MAX_DIGITS
_NEG_BIG: Final = -_BIG  # once: negating a 4,300-digit integer on every check allocates it again
#: Enums this small are decided inline by native comparisons (compiled, comparing with `_BIG` is a call on int
#: objects); a bigger one goes to `_ItemsCheck._rest`, which compares it with `_BIG`.
_SMALL: Final = 1 << 60
_NEG_SMALL: Final = -(1 << 60)

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
# Nesting levels (the message is level 1): a top-level property's value, an item of a list, an item's property.
_TOP, _ITEM_VALUE = 2, 4



def _wrong(name: str, kind: Kind, value: Any) -> str:
    return f"{name} must be {_EXPECTED[kind]}, got {describe(value)}"


def _is_map(value: Any, nulls_ok: bool) -> bool:
    if type(value) is not dict:
        return False
    d: dict[Any, Any] = value
    for k, v in d.items():
        if type(k) is not str or (type(v) is not str and (v is not None or not nulls_ok)):
            return False
    return True


def _is_error(value: Any) -> bool:
    return (
        type(value) is dict
        and type(value.get("message")) is str
        and ("errorId" not in value or type(value["errorId"]) is str)
    )


def _is_string_list(value: Any) -> bool:
    return type(value) is list and all(type(v) is str for v in value)


def _is_object(value: Any) -> bool:
    return type(value) is dict


def _is_state(value: Any) -> bool:
    return SubscriptionState.of(value) is not None


def _is_enum(value: Any) -> bool:
    return type(value) is int and _NEG_BIG < value < _BIG


_PREDICATES: dict[Kind, Callable[[Any], bool]] = {
    Kind.STRING: lambda v: type(v) is str,
    Kind.BOOLEAN: lambda v: type(v) is bool,
    Kind.ENUM: _is_enum,
    Kind.DATETIME: is_datetime,
    Kind.STRING_LIST: _is_string_list,
    Kind.OBJECT: _is_object,
    Kind.ERROR: _is_error,
    Kind.STATE: _is_state,
}


def _predicate(kind: Kind, nulls_ok: bool = False) -> Callable[[Any], bool]:
    """The membership test of one `Kind`; map values may be null where a merge gives null a meaning."""
    if kind is Kind.MAP:
        return (lambda v: _is_map(v, True)) if nulls_ok else (lambda v: _is_map(v, False))
    return _PREDICATES[kind]


def _kind_problem(name: str, kind: Kind, value: Any, ok: Callable[[Any], bool], depth: int) -> str | None:
    """Why ``value`` is not of ``kind`` (or, for an object, not a JSON value); None when it is."""
    if not ok(value):
        return _wrong(name, kind, value)
    if kind is Kind.OBJECT or kind is Kind.ERROR:  # what it holds is kept as received
        return json_value_problem(value, depth, name)
    return None


def check_subscription_id(value: Any) -> str | None:
    """R8: a ``subscriptionId``, where present, is a string (``null`` included in 'not a string')."""
    if value is MISSING or type(value) is str:
        return None
    return _wrong("subscriptionId", Kind.STRING, value)


def _unknown_problem(message: dict[Any, Any], known: frozenset[str]) -> str | None:
    """R8's JSON-value rule for the top-level properties no check looked at."""
    for p, v in message.items():
        if p in known:
            continue
        if type(p) is not str:
            return f"message has a key that is not a string: {describe(p)}"
        t = type(v)
        if t is str or t is bool or v is None:
            continue
        reason = json_value_problem(v, _TOP, p)
        if reason is not None:
            return reason
    return None


class Validator:
    """The compiled R8 checks of one row (or of one typed generic type).

    `validate` takes a message dict and returns a reason, or None when it is valid; after a valid message `nulls`
    says whether it carried a ``null`` the merge must act on (R3), and `unknown` whether it had a property the row
    does not know.
    """

    __slots__ = ("_checks", "_known", "_scan_scalars", "nulls", "unknown")

    def __init__(self, row: Row | GenericType) -> None:
        self.nulls = False
        #: After a valid message: whether it had a top-level property no check looked at (an unknown scalar, R15).
        self.unknown = False
        checks: list[tuple[str, Check, bool]] = []
        if isinstance(row, GenericType):
            checks.append(("subscriptionId", _SubscriptionIdCheck(), False))
            for name, kind in row.scalars.items():
                checks.append((name, _ScalarCheck(self, name, kind, False), name in row.required))
            self._scan_scalars = True
        else:
            self._row_checks(row, checks)
            self._scan_scalars = row.keeps_properties
        self._checks = tuple(checks)
        self._known = frozenset({"__type", "isDelta", *(name for name, _, _ in checks)})

    def _row_checks(self, row: Row, checks: list[tuple[str, Check, bool]]) -> None:
        if row.route is not None:
            checks.append((row.route, _RouteCheck(row.route), True))
        if row.route != "subscriptionId":
            checks.append(("subscriptionId", _SubscriptionIdCheck(), False))
        if row.state:
            checks.append(("state", _ScalarCheck(self, "state", Kind.STATE, False), True))
            checks.append(("error", _ScalarCheck(self, "error", Kind.ERROR, False), False))
        for c in row.collections:
            for src, ctx in ((c.added, COMPLETE), (c.changed, MERGE), (c.upsert, MERGE)):
                if src is not None:
                    checks.append((src, _ItemsCheck(self, src, c, ctx), src in row.required))
            if c.removed is not None:
                checks.append((c.removed, _StringsCheck(c.removed), c.removed in row.required))
        for s in row.id_sets:
            for src in s.sources:
                checks.append((src, _StringsCheck(src), src in row.required))
        for a in row.appends:
            checks.append((a.source, _ItemsCheck(self, a.source, a, APPEND), a.source in row.required))
        for name, kind in row.scalars.items():
            checks.append((name, _ScalarCheck(self, name, kind, name in row.nullable), name in row.required))
        for name in row.required:
            if not any(name == n for n, _, _ in checks):
                checks.append((name, Check(), True))  # required, of any value

    def validate(self, message: dict[str, Any]) -> str | None:
        """The reason ``message`` is invalid for this row, or None (then `nulls` tells whether it carried a null)."""
        self.nulls = False
        present = 2  # __type and isDelta, which the cache has checked already
        for name, check, required in self._checks:
            value = message.get(name, MISSING)
            if value is MISSING:
                if required:
                    return f"{name} is required"
                continue
            present += 1
            reason = check.problem(value)
            if reason is not None:
                return reason
        self.unknown = len(message) != present
        if self.unknown:  # a property no check looked at (or no __type/isDelta): look at them all
            reason = _unknown_problem(message, self._known)
            if reason is not None:
                return reason
            # A known property cannot be null here (its check would have failed), so any null is an unknown
            # scalar's: R3 gives it a meaning the merge must act on.
            if self._scan_scalars and not self.nulls and None in message.values():
                self.nulls = True
        return None


class Check:
    """The check of one top-level property: `problem` says why a value is wrong, or None. A class rather than a
    closure so that the validator's loop makes native calls when compiled; the subclasses are the kinds below."""

    def problem(self, value: Any) -> str | None:
        return None


class _SubscriptionIdCheck(Check):
    def problem(self, value: Any) -> str | None:
        return check_subscription_id(value)


class _RouteCheck(Check):
    """A routing property (R11): a non-empty string."""

    def __init__(self, name: str) -> None:
        self.name = name

    def problem(self, value: Any) -> str | None:
        if type(value) is str and value:
            return None
        return f"{self.name} must be a non-empty string, got {describe(value)}"


class _ScalarCheck(Check):
    """A typed top-level property; null where the row allows it, which sets the owner's `Validator.nulls`."""

    def __init__(self, owner: Validator, name: str, kind: Kind, nullable: bool) -> None:
        self.owner, self.name, self.kind, self.nullable = owner, name, kind, nullable
        self.ok = _predicate(kind)

    def problem(self, value: Any) -> str | None:
        if value is None and self.nullable:
            self.owner.nulls = True
            return None
        return _kind_problem(self.name, self.kind, value, self.ok, _TOP)


class _StringsCheck(Check):
    """A list of ids (R5, and the removed keys of a collection)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def problem(self, value: Any) -> str | None:
        if type(value) is not list:
            return _wrong(self.name, Kind.STRING_LIST, value)
        ids: list[Any] = value
        for i, v in enumerate(ids):
            if type(v) is not str:
                return f"{self.name}[{i}] must be a string, got {describe(v)}"
        return None


class _ItemsCheck(Check):
    """One list of items: each an object with its key (for a collection) and typed known properties; a null the
    merge must act on sets the owner's `Validator.nulls`."""

    def __init__(self, owner: Validator, name: str, part: Any, ctx: str) -> None:
        self.owner, self.name = owner, name
        fields: Mapping[str, Kind] = part.item
        self.fields = fields
        self.nullable: frozenset[str] = part.nullable
        nullable = self.nullable
        # The kinds `problem` decides inline, one lookup per property: non-nullable strings, booleans and
        # date-times, and enums (an integer of a size JSON can carry; a null one `_rest` decides).
        self.codes: dict[str, int] = {p: _CODES[k] for p, k in fields.items()
                                      if k in _CODES and (k is Kind.ENUM or p not in nullable)}
        self.other = {p: _predicate(k, ctx == MERGE) for p, k in fields.items()
                      if p not in self.codes and k is not Kind.MAP}
        # Maps (queue attributes) are tested here directly: the commonest kind after the ones `problem` inlines.
        self.maps = frozenset(p for p, k in fields.items() if k is Kind.MAP)
        self.map_nulls = ctx == MERGE
        # Objects hold arbitrary JSON below them (R8's JSON-value rule walks them); a map's test covers it whole.
        self.open_kinds = frozenset(p for p, k in fields.items() if k in (Kind.OBJECT, Kind.ERROR))
        key: str | None = part.key if isinstance(part, Collection) else None
        self.key = key
        key_path = key.split(".") if key else []
        self.object_key = isinstance(part, Collection) and part.object_key
        self.flat_key = key if len(key_path) == 1 and not self.object_key else None
        if self.flat_key is not None:
            self.codes[self.flat_key] = _KEY
        self.nested_key = key_path if len(key_path) > 1 else None
        self.key_kind = "an object" if self.object_key else "a string"

    def problem(self, value: Any) -> str | None:
        name = self.name
        if type(value) is not list:
            return f"{name} must be a list of objects, got {describe(value)}"
        items: list[Any] = value  # typed locals: compiled, the loops below then iterate natively
        codes, flat_key, nested_key = self.codes, self.flat_key, self.nested_key
        for each in items:
            if type(each) is not dict:
                return f"{name}[{_position(items, each)}] must be an object, got {describe(each)}"
            item: dict[Any, Any] = each
            # A plain key is checked in the loop below, as the property it is (no lookup of its own); a nested
            # or object key first.
            keyed = flat_key is None
            if nested_key is not None:
                if type(_dig(item, nested_key)) is not str:
                    return f"{name}[{_position(items, item)}] lacks a string {self.key}"
            elif self.object_key and type(item.get(self.key)) is not dict:
                return f"{name}[{_position(items, item)}] lacks {self.key_kind} {self.key}"
            p: Any
            v: Any
            for p, v in item.items():
                code = codes.get(p, _OTHER)
                if code == _STRING:
                    if type(v) is str:
                        continue
                elif code == _KEY:
                    if type(v) is str:
                        keyed = True
                        continue
                    return self._lacks_key(items, item)
                elif code == _DATETIME:
                    if type(v) is str and raw_instant(v) >= 0:
                        continue
                elif code == _ENUM:
                    if type(v) is int and _NEG_SMALL < v < _SMALL:
                        continue
                elif code == _BOOLEAN and type(v) is bool:
                    continue
                reason = self._rest(items, item, p, v, code)
                if reason is not None:
                    # A missing key is the reason whatever else is wrong, as if it had been checked first.
                    if flat_key is not None and type(item.get(flat_key)) is not str:
                        return self._lacks_key(items, item)
                    return reason
            if not keyed:
                return self._lacks_key(items, item)
        return None

    def _lacks_key(self, items: list[Any], item: dict[Any, Any]) -> str:
        return f"{self.name}[{_position(items, item)}] lacks a string {self.flat_key}"

    def _rest(self, items: list[Any], item: dict[Any, Any], p: Any, v: Any, code: int) -> str | None:
        """What `problem` does not decide inline: a value not of its inline kind, and every other kind."""
        name, fields, nullable = self.name, self.fields, self.nullable
        if code == _ENUM and type(v) is int and _NEG_BIG < v < _BIG:
            return None  # an enum too big for `problem`'s inline test, but one JSON can carry
        # A string, boolean or date-time property holding another type (null among them), or an enum that is no
        # integer (a null one is valid where the enum is nullable).
        if code != _OTHER and (code != _ENUM or v is not None or p not in nullable):
            return _wrong(f"{name}[{_position(items, item)}].{p}", fields[p], v)
        if type(p) is not str:
            return f"{name}[{_position(items, item)}] has a key that is not a string: {describe(p)}"
        if v is None:
            if p in fields and p not in nullable:
                return _wrong(f"{name}[{_position(items, item)}].{p}", fields[p], v)
            self.owner.nulls = True
            return None
        if p in self.maps:
            if _is_map(v, self.map_nulls):
                return None
            return _wrong(f"{name}[{_position(items, item)}].{p}", fields[p], v)
        ok = self.other.get(p)
        if ok is not None:
            if not ok(v):
                return _wrong(f"{name}[{_position(items, item)}].{p}", fields[p], v)
            if p not in self.open_kinds or json_value_problem(v, _ITEM_VALUE) is None:
                return None
        else:
            tv = type(v)
            if tv is str or tv is bool or json_value_problem(v, _ITEM_VALUE) is None:
                return None
        # Only now, on the way out, is the reason spelled out with the item's position.
        return json_value_problem(v, _ITEM_VALUE, f"{name}[{_position(items, item)}].{p}")


def _position(items: list[Any], item: Any) -> int:
    """The index of ``item`` in ``items``, by identity (for a reason string: `list.index` compares by value, which
    for deep values costs a walk, and needs none here)."""
    return next(i for i, x in enumerate(items) if x is item)


def _dig(item: dict[str, Any], path: list[str]) -> Any:
    value: Any = item
    for part in path:
        if type(value) is not dict:
            return None
        value = value.get(part)
    return value


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _one_shot_encoder() -> Callable[[Any, int], Any] | None:
    """The standard library's C encoder with `_ENCODER`'s settings, made once; None where there is none, or where it
    does not write what `_ENCODER` writes. ``JSONEncoder.encode`` makes a new one on every call, which costs more
    than the encoding of a small key (a statistic key is encoded for every value a statistics message carries)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has it
        return None
    e = _ENCODER
    try:
        encode: Callable[[Any, int], Any] = make(None, e.default, json.encoder.encode_basestring, None,
                                            e.key_separator, e.item_separator, e.sort_keys, e.skipkeys, e.allow_nan)
        sample = {"b": [1, 2.5, None, True, "\u00e9\"\n"], "a": {"d": False, "c": -0.0}}
        if "".join(encode(sample, 0)) != e.encode(sample):  # pragma: no cover - another Python's encoder
            return None
    except (TypeError, ValueError):  # pragma: no cover - a signature this code does not know
        return None
    return encode


_FAST_ENCODE: Final = _one_shot_encoder()


_QUOTE: Final = json.encoder.encode_basestring
#: Compiled (mypyc), `_write_canonical` is quicker than the encoder; as Python source it is slower, and unused.
_COMPILED: Final = not __file__.endswith(".py")
#: How deep `_write_canonical` goes before leaving a key to the encoder (keys are shallow: two levels, usually).
_CANONICAL_DEPTH: Final = 8


def _write_canonical(value: Any, out: list[str], depth: int) -> bool:
    """Append the canonical text of a key made of objects, arrays, strings, booleans and nulls to ``out``; False
    for anything else (a number, a key that is not a string, a deep value), which the encoder then writes. The
    same text as `_ENCODER`'s, at about a third of its cost on a statistic key (its sort and its accumulator are
    made per call)."""
    t = type(value)
    if t is str:
        out.append(_QUOTE(value))
    elif t is dict:
        if depth > _CANONICAL_DEPTH:
            return False
        d: dict[Any, Any] = value
        keys = list(d)
        for k in keys:
            if type(k) is not str:
                return False
        keys.sort()
        out.append("{")
        for i, k in enumerate(keys):
            if i:
                out.append(",")
            out.append(_QUOTE(k))
            out.append(":")
            if not _write_canonical(d[k], out, depth + 1):
                return False
        out.append("}")
    elif t is list:
        if depth > _CANONICAL_DEPTH:
            return False
        values: list[Any] = value
        out.append("[")
        for i, v in enumerate(values):
            if i:
                out.append(",")
            if not _write_canonical(v, out, depth + 1):
                return False
        out.append("]")
    elif t is bool:
        out.append("true" if value else "false")
    elif value is None:
        out.append("null")
    else:
        return False
    return True


def canonical_key(value: Any) -> str:
    """R17: an object key's identity, its canonical JSON text (sorted keys, no whitespace, non-ASCII as is)."""
    out: list[str] = []
    if _COMPILED and _write_canonical(value, out, 0):
        return "".join(out)
    if _FAST_ENCODE is not None and type(value) is dict:
        return "".join(_FAST_ENCODE(value, 0))
    return _ENCODER.encode(value)


#: Stand-ins for the structure of a key in `_key_tokens`: objects that equal nothing but themselves.
_OBJECT_START: Final = object()
_ARRAY_START: Final = object()
_END: Final = object()
_TRUE: Final = object()
_FALSE: Final = object()
#: How many keys an `ObjectKeys` remembers before it forgets them all, and how many characters a remembered key's
#: strings may hold together (the memo keeps them alive).
_KEY_MEMO_LIMIT: Final = 4096
_KEY_MEMO_CHARS: Final = 1024


def _key_tokens(value: Any, out: list[Any], depth: int, budget: int) -> int:
    """Append ``value`` to ``out`` as a flat token list in its own order (strings and integers as themselves,
    structure and booleans as the markers above); returns the character budget left, or -1 for a value not worth
    remembering (a float, a non-string object key, a deep or long value). Two equal token lists are one value with
    its objects' keys in one order, so they have one canonical text."""
    t = type(value)
    if t is str:
        s: str = value
        out.append(s)
        return budget - len(s)
    if t is dict:
        if depth > _CANONICAL_DEPTH:
            return -1
        d: dict[Any, Any] = value
        out.append(_OBJECT_START)
        for k, v in d.items():
            if type(k) is not str:
                return -1
            out.append(k)
            budget = _key_tokens(v, out, depth + 1, budget - len(k))
            if budget < 0:
                return -1
        out.append(_END)
        return budget
    if t is list:
        if depth > _CANONICAL_DEPTH:
            return -1
        values: list[Any] = value
        out.append(_ARRAY_START)
        for v in values:
            budget = _key_tokens(v, out, depth + 1, budget)
            if budget < 0:
                return -1
        out.append(_END)
        return budget
    if t is bool:
        out.append(_TRUE if value else _FALSE)
    elif value is None or t is int:  # exactly int: True and 1.0 equal 1, and are kept apart above and below
        out.append(value)
    else:
        return -1
    return budget


class ObjectKeys:
    """R17's canonical key text for the items of one collection, remembered by the key's tokens in its own order.

    Statistic keys repeat message after message; their text costs a sort and a quoted copy of every string, while
    the tokens cost a walk and a tuple (compiled; as Python source the walk is slower than the encoder, and is
    skipped). Bounded: `_KEY_MEMO_LIMIT` keys, each at most `_KEY_MEMO_CHARS` characters, then forgotten at once.
    """

    __slots__ = ("_memo",)

    def __init__(self) -> None:
        self._memo: dict[tuple[Any, ...], str] = {}

    def text(self, value: Any) -> str:
        if not _COMPILED:
            return canonical_key(value)
        tokens: list[Any] = []
        if _key_tokens(value, tokens, 0, _KEY_MEMO_CHARS) < 0:
            return canonical_key(value)
        probe = tuple(tokens)
        memo = self._memo
        text = memo.get(probe)
        if text is None:
            text = canonical_key(value)
            if len(memo) >= _KEY_MEMO_LIMIT:
                memo.clear()
            memo[probe] = text
        return text


def key_getter(collection: Collection) -> Callable[[dict[str, Any]], str]:
    """How to read an item's key: a plain lookup, a walk down a dotted path (``configurationId.id``), folded for a
    case-insensitive collection (R16), or the canonical text of an object key (R17)."""
    parts = collection.key.split(".")
    if collection.object_key:
        k0 = parts[0]
        return lambda item: canonical_key(item[k0])
    if len(parts) == 1:
        k = parts[0]
        if collection.case_insensitive:
            return lambda item: item[k].casefold()
        return lambda item: item[k]
    if collection.case_insensitive:
        return lambda item: _dig(item, parts).casefold()
    return lambda item: _dig(item, parts)


def lookup_key(collection: Collection) -> Callable[[Any], str]:
    """How a caller's key becomes the store's: folded (R16), canonical text for an object (R17), else as given."""
    if collection.object_key:
        return lambda k: canonical_key(thaw(k)) if isinstance(k, Mapping) else k
    if collection.case_insensitive:
        return lambda k: k.casefold() if type(k) is str else k
    return lambda k: k
