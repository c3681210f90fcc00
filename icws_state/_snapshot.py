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
- bytes are deterministic: sorted keys everywhere, UTF-8, two-space indent, trailing newline.

`from_snapshot` structures the same model back (so a malformed snapshot fails with the path of the bad field) and
replays each path's data through its row's own engine as a full message, so restoring shares the merge code.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._cache import RejectedInput
from ._enums import SubscriptionState
from ._errors import SnapshotError
from ._reducer import PathData, RowEngine
from ._stores import KeyedStore

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._cache import StateCache

__all__ = ["FORMAT", "Snapshot", "dumps", "from_snapshot", "to_snapshot"]

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


def make_converter() -> cattrs.Converter:
    """The converter between `Snapshot` and its JSON object (the rules in the module docstring).

    Primitive hooks are strict (``"no"`` is not a boolean) and come first: generated class hooks bind them.
    """
    conv = cattrs.Converter(forbid_extra_keys=False)
    # Cached values are JSON already: passed through as they are, not walked (they may be deeply nested).
    conv.register_structure_hook(Any, lambda v, _: v)
    conv.register_unstructure_hook(Any, lambda v: v)

    def strict_bool(v: Any, _: Any) -> bool:
        if type(v) is not bool:
            raise TypeError(f"expected a boolean, got {v!r}")
        return v

    def strict_int(v: Any, _: Any) -> int:
        if type(v) is not int:
            raise TypeError(f"expected an integer, got {v!r}")
        return v

    def strict_str(v: Any, _: Any) -> str:
        if type(v) is not str:
            raise TypeError(f"expected a string, got {v!r}")
        return v

    conv.register_structure_hook(bool, strict_bool)
    conv.register_structure_hook(int, strict_int)
    conv.register_structure_hook(str, strict_str)
    for cls in (SubscriptionFields, RejectedInput, StatsFields, Snapshot):
        renames = {a.name: override(rename=_camel(a.name)) for a in attrs.fields(cls) if "_" in a.name}
        if cls is RejectedInput:
            renames["message"] = override(omit_if_default=True)
            renames["source"] = override(omit_if_default=True)
        conv.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, conv, **renames))  # type: ignore[arg-type]
        conv.register_structure_hook(cls, make_dict_structure_fn(cls, conv, **renames))  # type: ignore[arg-type]
    return conv


_CONVERTER = make_converter()


def _part_json(part: Any) -> Any:
    if isinstance(part, KeyedStore):
        return [item for _, item in part.raw_items()]
    if isinstance(part, set):
        return sorted(part)
    return list(part)


def to_snapshot(cache: StateCache) -> dict[str, Any]:
    subs = cache.subscriptions
    model = Snapshot(
        format=FORMAT,
        session_ended=cache.session_ended,
        subscriptions={
            path: SubscriptionFields(
                state=s.state.name.lower(), closed=s.closed, resync_needed=s.resync_needed, stale=s.stale,
                gone=s.gone, error=None if s.error is None else dict(s.error), parameters=dict(s.parameters),
            )
            for path, s in sorted((p, subs[p]) for p in subs)
        },
        history=[item for _, item in cache.history.raw_items()],
        assistance_requests=sorted(cache.assistance_requests),
        other={k: cache._generic[k] for k in sorted(cache._generic)},
        rejected=list(cache._rejected),
        stats=StatsFields(**attrs.asdict(cache.stats)),
        subscription_data={path: _path_json(cache, path) for path in cache.data_paths()},
    )
    out: dict[str, Any] = _CONVERTER.unstructure(model)
    detached: dict[str, Any] = json.loads(json.dumps(out))  # a snapshot is a value, not a view of live stores
    return detached


def _path_json(cache: StateCache, path: str) -> dict[str, Any]:
    got = cache.path_data(path)
    assert got is not None
    message_type, properties, parts = got
    return {"type": message_type, "properties": dict(properties), **{n: _part_json(p) for n, p in parts.items()}}


def dumps(snapshot: Mapping[str, Any]) -> bytes:
    """Deterministic bytes for a snapshot: the same log always gives the same file.

    Indented for people; a snapshot holding a value nested too deeply for the indenting encoder (which recurses in
    Python) is written compact instead, by the C encoder, which goes deeper. Either way the same snapshot always
    gives the same bytes.
    """
    try:
        text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, indent=2)
    except RecursionError:
        text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def from_snapshot(cache: StateCache, snapshot: Mapping[str, Any]) -> StateCache:
    """Fill an empty ``cache`` from ``snapshot``; SnapshotError if it is not a valid ``icws-state/1`` object."""
    if not isinstance(snapshot, dict) or snapshot.get("format") != FORMAT:
        raise SnapshotError(f'not an {FORMAT} snapshot: "format" must be "{FORMAT}"')
    try:
        model = _CONVERTER.structure(json.loads(json.dumps(snapshot)), Snapshot)
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError) as e:
        detail = "; ".join(cattrs.transform_error(e)) if isinstance(e, cattrs.BaseValidationError) else str(e)
        raise SnapshotError(f"malformed {FORMAT} snapshot: {detail}") from e
    subs = cache._subs
    subs.session_ended = model.session_ended
    for path, f in model.subscriptions.items():
        try:
            state = SubscriptionState[f.state.upper()]
        except KeyError:
            raise SnapshotError(f"subscriptions.{path}.state: unknown state {f.state!r}") from None
        subs.restore(path, {**attrs.asdict(f, recurse=False), "state": state})
    rows = {r.exported_as: r for r in cache.schema if r.exported_as is not None}
    seeded = {
        "history": (rows.get("history"), model.history),
        "assistanceRequests": (rows.get("assistanceRequests"), model.assistance_requests),
    }
    for key, (row, items) in seeded.items():
        if row is None or not items:
            continue
        part = row.parts[0]
        _restore(cache, row.path, RowEngine(row), {part.sources[0]: items}, key)
    for path, entry in model.subscription_data.items():
        row = cache.schema.row(entry.get("type", ""))
        if row is None or row.state or row.exported_as is not None:
            raise SnapshotError(f"subscriptionData.{path}: unknown data type {entry.get('type')!r}")
        engine = RowEngine(row)
        message: dict[str, Any] = dict(entry.get("properties") or {})
        for part in row.parts:
            first_source = part.added if hasattr(part, "added") and part.added else part.sources[0]
            message[first_source] = entry.get(part.name, [])
        if row.route is not None:
            message[row.route] = _route_value(row.path, row.route, path)
        _restore(cache, path, engine, message, f"subscriptionData.{path}")
    cache._generic = {k: dict(v) for k, v in model.other.items()}
    cache._rejected = list(model.rejected)
    cache._applied = model.stats.applied
    cache._rejected_count = model.stats.rejected
    if model.stats.messages != model.stats.applied + model.stats.rejected:
        raise SnapshotError("stats: messages must equal applied + rejected")
    return cache


def _route_value(template: str, route: str, path: str) -> str:
    head, _, tail = template.partition("{" + route + "}")
    if not (path.startswith(head) and path.endswith(tail)) or len(path) <= len(head) + len(tail):
        raise SnapshotError(f"subscriptionData.{path}: path does not fit {template!r}")
    return path[len(head): len(path) - len(tail)]


def _restore(cache: StateCache, path: str, engine: RowEngine, body: dict[str, Any], where: str) -> None:
    message = {"__type": engine.type, "isDelta": False, **body}
    reason = engine.validate(message)
    if reason is not None:
        raise SnapshotError(f"{where}: {reason}")
    data = cache._data.get(path)
    if data is None:
        data = cache._data[path] = PathData(engine.row)
    engine.apply(data, message, True, [], path, {})
