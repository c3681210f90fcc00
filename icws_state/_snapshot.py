"""The ``icws-state/1`` snapshot: a typed model and one cattrs converter for it.

Rules of the format (section 5 of the spec, and 6.3 of ``schemas.md``), each enforced here:

- top-level keys ``format``, ``sessionEnded``, ``subscriptions``, ``history``, ``assistanceRequests``, ``other``,
  ``rejected``, ``stats`` and ``subscriptionData``, in camelCase;
- ``subscriptions``: every seen path with exactly seven fields; ``state`` as a lower-case name;
- ``history``: items in R6 order, as merged (never a ``null``); ``assistanceRequests`` sorted by code point;
- ``other``: generic entries keyed ``__type`` or ``__type|subscriptionId``, without ``__type`` and ``isDelta``;
- ``rejected``: ``line``, ``reason``, then ``message`` only where it was kept and ``source`` only where known;
- ``subscriptionData``: per path, ``type``, ``properties``, keyed collections sorted by key, append lists in
  arrival order, every part present even when empty;
- bytes are deterministic: sorted keys everywhere, UTF-8, two-space indent, trailing newline, at any depth (the
  writer keeps its own stack, so neither the value's depth nor the caller's stack changes the bytes);
- strict UTF-8 JSON: a lone surrogate (a valid ``\\ud800`` escape in a log) is written as that escape.

`check_snapshot` structures the same model back (so a malformed snapshot fails with the path of the bad field, in
the format's own camelCase keys), and `restore_plan` turns it into what `StateCache.from_snapshot` applies: each
path's data as a full message for its row's own engine, so restoring shares the merge code. Both raise
`SnapshotError` and nothing else, whatever they are given. This module reads a cache only through its public read
side (`_Readable`) and never imports `_cache`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from json.encoder import encode_basestring
from typing import Any, Protocol, get_origin

import attrs
import cattrs
from cattrs.cols import list_structure_factory, mapping_structure_factory
from cattrs.errors import AttributeValidationNote, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._enums import SubscriptionState
from ._errors import SnapshotError
from ._readonly import thaw
from ._rejected import RejectedInput, Stats
from ._schema import Row, Schema
from ._stores import GenericStore, KeyedStore, raw_entries, raw_items
from ._subscriptions import FIELDS


class _Readable(Protocol):
    """The read side of a cache that `to_snapshot` uses (`StateCache` has it)."""

    @property
    def session_ended(self) -> bool: ...
    @property
    def subscriptions(self) -> Mapping[str, Any]: ...
    @property
    def history(self) -> KeyedStore: ...
    @property
    def assistance_requests(self) -> Set[str]: ...
    @property
    def other(self) -> GenericStore: ...
    @property
    def rejected(self) -> Sequence[RejectedInput]: ...
    @property
    def stats(self) -> Stats: ...
    def data_paths(self) -> list[str]: ...
    def path_data(self, path: str) -> tuple[str, Mapping[str, Any], dict[str, Any]] | None: ...

__all__ = [
    "FORMAT",
    "MAX_SNAPSHOT_DEPTH",
    "PathRestore",
    "RestorePlan",
    "Snapshot",
    "check_snapshot",
    "dumps",
    "json_text",
    "plain_json",
    "restore_plan",
    "to_snapshot",
]

FORMAT = "icws-state/1"


@attrs.frozen(kw_only=True)
class SubscriptionFields:
    state: str
    closed: bool
    resync_needed: bool
    stale: bool
    gone: bool
    error: dict[str, Any] | None
    parameters: dict[str, Any]


@attrs.frozen(kw_only=True)
class StatsFields:
    messages: int
    applied: int
    rejected: int


@attrs.frozen(kw_only=True)
class Snapshot:
    format: str
    session_ended: bool
    subscriptions: dict[str, SubscriptionFields]
    history: list[dict[str, Any]]
    assistance_requests: list[str]
    other: dict[str, dict[str, Any]]
    rejected: list[RejectedInput]
    stats: StatsFields
    subscription_data: dict[str, dict[str, Any]] = attrs.field(factory=dict)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _kind(value: Any) -> str:
    """A value's JSON kind, for messages that say what was found instead of what was expected."""
    if value is None:
        return "null"
    if type(value) is bool:
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, dict) else type(value).__name__


def make_converter() -> cattrs.Converter:
    """The converter between `Snapshot` and its JSON object (the rules in the module docstring).

    Primitive hooks are strict (``"no"`` is not a boolean) and come first: generated class hooks bind them.
    Containers are strict too: an array must be a list and an object a dict, never any iterable or mapping.
    """
    conv = cattrs.Converter(forbid_extra_keys=False)
    # Cached values are JSON already: passed through as they are, not walked (they may be deeply nested).
    conv.register_structure_hook(Any, lambda v, _: v)
    conv.register_unstructure_hook(Any, lambda v: v)

    def strict_bool(v: Any, _: Any) -> bool:
        if type(v) is not bool:
            raise TypeError(f"expected a boolean, got {_kind(v)}")
        return v

    def strict_int(v: Any, _: Any) -> int:
        if type(v) is not int:
            raise TypeError(f"expected an integer, got {_kind(v)}")
        return v

    def strict_str(v: Any, _: Any) -> str:
        if type(v) is not str:
            raise TypeError(f"expected a string, got {_kind(v)}")
        return v

    def checked(expected: type, what: str, hook: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        def structure(v: Any, t: Any) -> Any:
            if type(v) is not expected:
                raise TypeError(f"expected {what}, got {_kind(v)}")
            return hook(v, t)

        return structure

    conv.register_structure_hook(bool, strict_bool)
    conv.register_structure_hook(int, strict_int)
    conv.register_structure_hook(str, strict_str)
    def is_list(t: Any) -> bool:
        return get_origin(t) is list

    def is_dict(t: Any) -> bool:
        return get_origin(t) is dict

    conv.register_structure_hook_factory(is_list, lambda t: checked(list, "an array", list_structure_factory(t, conv)))
    conv.register_structure_hook_factory(
        is_dict, lambda t: checked(dict, "an object", mapping_structure_factory(t, conv))
    )
    for cls in (SubscriptionFields, RejectedInput, StatsFields, Snapshot):
        renames = {a.name: override(rename=_camel(a.name)) for a in attrs.fields(cls) if "_" in a.name}
        if cls is RejectedInput:
            renames["message"] = override(omit_if_default=True)
            renames["source"] = override(omit_if_default=True)
        conv.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, conv, **renames))  # type: ignore[arg-type]
        structure = make_dict_structure_fn(cls, conv, **renames)  # type: ignore[arg-type]
        conv.register_structure_hook(cls, checked(dict, "an object", structure))
    return conv


_CONVERTER = make_converter()


def _part_json(part: Any) -> Any:
    if isinstance(part, KeyedStore):
        return [item for _, item in raw_items(part)]
    if isinstance(part, Set):
        return sorted(part)
    return thaw(part)


def to_snapshot(cache: _Readable) -> dict[str, Any]:
    subs = cache.subscriptions
    model = Snapshot(
        format=FORMAT,
        session_ended=cache.session_ended,
        subscriptions={
            path: SubscriptionFields(**{**{f: thaw(getattr(s, f)) for f in FIELDS}, "state": s.state.name.lower()})
            for path, s in sorted((p, subs[p]) for p in subs)
        },
        history=[item for _, item in raw_items(cache.history)],
        assistance_requests=sorted(cache.assistance_requests),
        other={k: entry for k, entry in raw_entries(cache.other)},
        rejected=list(cache.rejected),
        stats=StatsFields(**attrs.asdict(cache.stats)),
        subscription_data={path: _path_json(cache, path) for path in cache.data_paths()},
    )
    out: dict[str, Any] = _CONVERTER.unstructure(model)
    detached: dict[str, Any] = plain_json(out, strict=False)  # a snapshot is a value, not a view of live stores
    return detached


def _path_json(cache: _Readable, path: str) -> dict[str, Any]:
    got = cache.path_data(path)
    assert got is not None
    message_type, properties, parts = got
    return {"type": message_type, "properties": thaw(properties), **{n: _part_json(p) for n, p in parts.items()}}


# Plain JSON values, copied and written without recursion --------------------------------------------------------
_SCALARS = frozenset({str, int, float, bool, type(None)})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: No JSON text nested deeper than this is read (section 4), so no snapshot file is; cached values are bounded at
#: 500 levels (R8), well inside it. The bound also keeps an indented snapshot's size (quadratic in depth) in check.
MAX_SNAPSHOT_DEPTH = 1000
#: Python does not turn integers of more digits than this into text, so JSON cannot carry them.
_TOO_BIG = 10**4300


class _NotJson(ValueError):
    """A value that is no JSON value, and where it is (``$.a[1]``)."""


def _key(key: Any) -> str:
    """One step of a path: ``.name`` for a key that is a name, ``['a/b']`` for any other key, ``[3]`` for an index."""
    if type(key) is int:
        return f"[{key}]"
    return f".{key}" if _NAME.fullmatch(key) else f"[{key!r}]"


def _where(link: tuple[Any, ...] | None) -> str:
    """``$.other['a|b'][3]`` from a chain of ``(key, parent)`` links (keys of objects as strings, indexes as ints)."""
    keys: list[str | int] = []
    while link is not None:
        key, link = link
        keys.append(key)
    steps = [_key(k) for k in reversed(keys)]
    if len(steps) > 12:  # a path 1,000 levels deep says no more for being written out
        steps = [*steps[:6], "...", *steps[-4:]]
    return "$" + "".join(steps)


def _scalar_problem(value: Any) -> str | None:
    kind = type(value)
    if kind not in _SCALARS:
        return f"{kind.__name__} is not a JSON value"
    if kind is float and not math.isfinite(value):
        return f"{value!r} is not a JSON number"
    if kind is int and not -_TOO_BIG < value < _TOO_BIG:
        return "an integer of more than 4300 digits is not a JSON number"
    return None


def _is_array(value: Any) -> bool:
    """A list, a tuple, or any other sequence but text (read-only views of cached arrays are sequences)."""
    return isinstance(value, (list, tuple)) or (
        isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))
    )


def _container(value: Any) -> tuple[Any, Iterator[tuple[Any, Any]]] | None:
    """A new empty copy of an object or array and an iterator over its (key or index, value) pairs; None if neither."""
    kind = type(value)
    if kind is dict or (kind is not list and isinstance(value, Mapping)):
        return {}, iter(value.items())
    if kind is list or _is_array(value):
        return [], enumerate(value)
    return None


def plain_json(value: Any, *, strict: bool = True) -> Any:
    """A detached copy of a JSON value at any depth, walked with an explicit stack (no recursion).

    Objects (any mapping) become dicts and arrays (any sequence but text) lists; scalars are shared. `_NotJson`, naming
    where, for a value that contains itself and, when ``strict``, for anything JSON cannot carry: a set, a key that
    is not a string, NaN, nesting deeper than `MAX_SNAPSHOT_DEPTH` (the cache's own values were checked when they
    came in, so its snapshot is not).
    """
    opened = _container(value)
    if opened is None:
        problem = _scalar_problem(value) if strict else None
        if problem is not None:
            raise _NotJson(f"{problem} at $")
        return value
    root, items = opened
    active = {id(value)}
    stack: list[tuple[Iterator[tuple[Any, Any]], Any, tuple[Any, ...] | None, int]] = [(items, root, None, id(value))]
    scalars = _SCALARS
    while stack:
        items, target, link, ident = stack[-1]
        is_object = type(target) is dict
        for k, v in items:
            if strict and is_object and type(k) is not str:
                raise _NotJson(f"object key {k!r} is not a string at {_where(link)}")
            kind = type(v)
            opened = None if kind in scalars else _container(v)
            if opened is None:
                if strict and _scalar_problem(v) is not None:
                    raise _NotJson(f"{_scalar_problem(v)} at {_where((k, link))}")
                if is_object:
                    target[k] = v
                else:
                    target.append(v)
                continue
            if id(v) in active:
                raise _NotJson(f"a value that contains itself at {_where((k, link))}")
            if strict and len(stack) >= MAX_SNAPSHOT_DEPTH:
                raise _NotJson(f"nested more than {MAX_SNAPSHOT_DEPTH} levels at {_where((k, link))}")
            child, child_items = opened
            if is_object:
                target[k] = child
            else:
                target.append(child)
            active.add(id(v))
            stack.append((child_items, child, (k, link), id(v)))
            break  # go down first; this container's iterator resumes where it stopped
        else:
            stack.pop()
            active.discard(ident)
    return root


def _scalar_text(value: Any) -> str:
    """A scalar as ``json.dumps`` writes it (``ensure_ascii=False``); TypeError for a value that is no JSON scalar."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return float.__repr__(value)
        # Not JSON; the cache never keeps one (R8), but a caller's own value is written as json.dumps writes it.
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def json_text(value: Any, *, indent: int | None = None) -> str:
    """``json.dumps(value, sort_keys=True, ensure_ascii=False, indent=indent)``, character for character, at any depth.

    The standard encoders recurse (the indenting one in Python), so whether they finish depends on how deep the
    caller's stack already is; this one keeps its own stack, so the same value always gives the same text. It
    tries the standard encoder first (the C one without ``indent``): the text is the same, and for the usual
    shallow value several times faster, which a recorder writing every exchange needs.
    """
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, indent=indent)
    except (RecursionError, TypeError, ValueError):
        pass  # too deep for this stack, read-only views, or an error the walk below reports the same way
    return _json_text_walk(value, indent)


def _json_text_walk(value: Any, indent: int | None) -> str:
    chunks: list[str] = []
    append = chunks.append
    active: set[int] = set()
    # Per open container: its remaining (key, value) pairs (key None in arrays), the text before its first item,
    # the text between items, its closing text, whether an item was written yet, and its id (for the cycle check).
    stack: list[list[Any]] = []
    pending: Any = value
    while True:
        kind = type(pending)
        if kind is str:
            append(encode_basestring(pending))
        elif kind is dict or kind is list or isinstance(pending, Mapping) or _is_array(pending):
            is_object = isinstance(pending, Mapping)
            if not pending:
                append("{}" if is_object else "[]")
            else:
                ident = id(pending)
                if ident in active:
                    raise ValueError("Circular reference detected")
                active.add(ident)
                if is_object:
                    for k in pending:
                        if type(k) is not str:
                            raise TypeError(f"keys must be str, not {type(k).__name__}")
                    items: Iterator[tuple[Any, Any]] = iter(sorted(pending.items()))
                else:
                    items = ((None, v) for v in pending)
                append("{" if is_object else "[")
                close = "}" if is_object else "]"
                if indent is None:
                    stack.append([items, "", ", ", close, False, ident])
                else:
                    inner = "\n" + " " * (indent * (len(stack) + 1))
                    outer = "\n" + " " * (indent * len(stack))
                    stack.append([items, inner, "," + inner, outer + close, False, ident])
        else:
            append(_scalar_text(pending))
        while stack:
            frame = stack[-1]
            nxt = next(frame[0], None)
            if nxt is None:
                stack.pop()
                active.discard(frame[5])
                append(frame[3])
                continue
            append(frame[2] if frame[4] else frame[1])
            frame[4] = True
            key, pending = nxt
            if key is not None:
                append(encode_basestring(key) + ": ")
            break
        else:
            return "".join(chunks)


def dumps(snapshot: Mapping[str, Any]) -> bytes:
    """Deterministic bytes for a snapshot: the same log always gives the same file.

    Sorted keys, two-space indent, a trailing newline: what ``json.dumps(..., sort_keys=True, ensure_ascii=False,
    indent=2)`` writes, at any depth. Strict UTF-8 JSON: a lone surrogate (which a log's ``\\ud800`` escape decodes
    to, and UTF-8 cannot carry) is written back as that escape, in lower-case hex; all other text as it is.
    """
    # Only surrogates fail to encode, and "backslashreplace" writes exactly the JSON escape for each of them.
    return (json_text(snapshot, indent=2) + "\n").encode("utf-8", "backslashreplace")


# Restoring -------------------------------------------------------------------------------------------------------
_STATES = {s.name.lower(): s for s in SubscriptionState}


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else _kind(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _malformed(detail: str) -> SnapshotError:
    return SnapshotError(f"malformed {FORMAT} snapshot: {detail}")


def _validation_errors(exc: BaseException, path: str = "$") -> list[str]:
    """``$.path: what was expected`` for each error cattrs gathered, in the format's own (camelCase) keys."""
    if isinstance(exc, (cattrs.ClassValidationError, cattrs.IterableValidationError)):
        with_notes, without = exc.group_exceptions()
        lines: list[str] = []
        for sub, note in with_notes:
            if isinstance(note, AttributeValidationNote):
                lines += _validation_errors(sub, f"{path}.{_camel(note.name)}")
            elif isinstance(note, IterableValidationNote):
                lines += _validation_errors(sub, path + _key(note.index))
            else:  # pragma: no cover - cattrs notes are one of the two
                lines += _validation_errors(sub, path)
        for sub in without:
            lines += _validation_errors(sub, path)
        return lines
    if isinstance(exc, BaseExceptionGroup):
        return [line for sub in exc.exceptions for line in _validation_errors(sub, path)]
    if isinstance(exc, KeyError):
        return [f"{path}: missing"]
    return [f"{path}: {exc}"]


def check_snapshot(snapshot: Any) -> Snapshot:
    """The typed model of ``snapshot``, checked for the format's shape only (no schema is needed, so snapshots with
    custom rows can be checked too); `SnapshotError`, naming the bad field by the format's key, if it is not one.
    """
    if isinstance(snapshot, (str, bytes, bytearray, memoryview)):
        raise SnapshotError(
            f"expected an {FORMAT} snapshot as a decoded JSON object (a dict), got {type(snapshot).__name__}: "
            "decode the text first (json.loads)"
        )
    if not isinstance(snapshot, Mapping):
        raise SnapshotError(f"expected an {FORMAT} snapshot (a dict), got {_kind(snapshot)}")
    try:
        plain = plain_json(snapshot)
    except _NotJson as e:
        raise SnapshotError(f"not an {FORMAT} snapshot: {e}") from None
    if plain.get("format") != FORMAT:
        got = _short(plain["format"]) if "format" in plain else "nothing"
        raise SnapshotError(f'not an {FORMAT} snapshot: $.format must be "{FORMAT}", got {got}')
    try:
        model: Snapshot = _CONVERTER.structure(plain, Snapshot)
    except cattrs.BaseValidationError as e:
        raise _malformed("; ".join(_validation_errors(e))) from None
    except (TypeError, ValueError, KeyError, AttributeError) as e:  # raised outside cattrs' gathered validation
        raise _malformed(str(e)) from None
    if model.stats.messages != model.stats.applied + model.stats.rejected:
        raise _malformed("$.stats: messages must equal applied + rejected")
    return model


@attrs.frozen(kw_only=True)
class PathRestore:
    """One path's data as the full message that rebuilds it (``row`` is its type's row); ``where`` and ``parts``
    name the snapshot keys its values came from, so that an engine's reason can point into the snapshot."""

    path: str
    row: Row
    message: dict[str, Any]
    where: str
    parts: Mapping[str, str]

    def problem(self, reason: str) -> SnapshotError:
        """The error for an engine's rejection ``reason``, naming the snapshot's key, not the message key."""
        for source, part_where in self.parts.items():
            if reason.startswith(source) and reason[len(source): len(source) + 1] in ("[", " ", "."):
                return _malformed(part_where + reason[len(source):])
        return _malformed(f"{self.where}: {reason}")


@attrs.frozen(kw_only=True)
class RestorePlan:
    """Everything a new cache takes from a checked snapshot (`StateCache.from_snapshot` applies it)."""

    session_ended: bool
    subscriptions: Mapping[str, Mapping[str, Any]]
    data: tuple[PathRestore, ...]
    other: Mapping[str, dict[str, Any]]
    rejected: tuple[RejectedInput, ...]
    applied: int
    rejected_count: int


def restore_plan(model: Snapshot, schema: Schema) -> RestorePlan:
    """What restoring ``model`` into a new cache with ``schema`` means; `SnapshotError` for a state name or a data
    type the schema does not know, or a path its row cannot hold."""
    subscriptions: dict[str, Mapping[str, Any]] = {}
    for path, f in model.subscriptions.items():
        state = _STATES.get(f.state)
        if state is None:
            raise _malformed(
                f"$.subscriptions{_key(path)}.state: expected one of {', '.join(_STATES)}, got {_short(f.state)}"
            )
        subscriptions[path] = {**attrs.asdict(f, recurse=False), "state": state}
    data: list[PathRestore] = []
    rows = {r.exported_as: r for r in schema if r.exported_as is not None}
    seeded = {
        "history": (rows.get("history"), model.history),
        "assistanceRequests": (rows.get("assistanceRequests"), model.assistance_requests),
    }
    for key, (row, items) in seeded.items():
        if row is None or not items:
            continue
        source = row.parts[0].sources[0]
        data.append(_path_restore(row, row.path, {source: items}, f"$.{key}", {source: f"$.{key}"}))
    for path, entry in model.subscription_data.items():
        where = f"$.subscriptionData{_key(path)}"
        message_type, properties = entry.get("type"), entry.get("properties", {})
        if type(message_type) is not str:
            raise _malformed(f"{where}.type: expected a string, got {_kind(message_type)}")
        if type(properties) is not dict:
            raise _malformed(f"{where}.properties: expected an object, got {_kind(properties)}")
        row = schema.row(message_type)
        if row is None or row.state or row.exported_as is not None:
            raise _malformed(f"{where}.type: unknown data type {_short(message_type)}")
        message: dict[str, Any] = dict(properties)
        parts: dict[str, str] = {}
        for part in row.parts:
            first_source = part.added if hasattr(part, "added") and part.added else part.sources[0]
            message[first_source] = entry.get(part.name, [])
            parts[first_source] = where + _key(part.name)
        if row.route is not None:
            message[row.route] = _route_value(row.path, row.route, path, where)
        data.append(_path_restore(row, path, message, where, parts))
    return RestorePlan(session_ended=model.session_ended, subscriptions=subscriptions, data=tuple(data),
                       other=model.other, rejected=tuple(model.rejected), applied=model.stats.applied,
                       rejected_count=model.stats.rejected)


def _path_restore(row: Row, path: str, body: dict[str, Any], where: str, parts: Mapping[str, str]) -> PathRestore:
    return PathRestore(path=path, row=row, message={"__type": row.type, "isDelta": False, **body}, where=where,
                       parts=parts)


def _route_value(template: str, route: str, path: str, where: str) -> str:
    head, _, tail = template.partition("{" + route + "}")
    if not (path.startswith(head) and path.endswith(tail)) or len(path) <= len(head) + len(tail):
        raise _malformed(f"{where}: the path does not fit {template!r}")
    return path[len(head): len(path) - len(tail)]
