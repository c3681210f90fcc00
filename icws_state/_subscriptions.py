"""Subscription lifecycle: section 3 of the spec, as one table and a small class that looks it up.

Theory of operation. Every subscription path the cache has *seen* has a `Record`. Inputs come from two sides:
the client's own HTTP outcomes (PUT/DELETE 2xx, other 4xx/5xx, 410, any 401 or a connection-down message) and
the server's messages (data messages, which infer ``normal`` from ``none``, and subscription-state messages, which
carry the state). `EFFECTS` says, for each input, which fields it sets; `SERVER_TRANSITIONS` says which state
changes the server may report. Client inputs are always allowed (a PUT is the one way out of ``faulted``); a
server-reported change outside the set still takes effect, since the server is the source of truth, and is
reported as an anomaly.

Everything that changes a record lives in this module.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from ._enums import SubscriptionState
from ._json import copy_json
from ._readonly import read_only
from ._records import Record

__all__ = [
    "FIELDS",
    "KEEP",
    "SERVER_TRANSITIONS",
    "Input",
    "SessionEnd",
    "Subscription",
    "Subscriptions",
    "SubscriptionsView",
    "Transition",
    "state_diagram",
]

NONE, NORMAL, SUSPENDED, FAULTED = (
    SubscriptionState.NONE,
    SubscriptionState.NORMAL,
    SubscriptionState.SUSPENDED,
    SubscriptionState.FAULTED,
)


class Input(enum.Enum):
    """What can happen to a subscription path."""

    #: The client's PUT succeeded (any 2xx: ICWS answers 204 for some subscriptions, 200 for others).
    PUT_OK = "PUT 2xx"
    #: The client's DELETE succeeded (any 2xx).
    DELETE_OK = "DELETE 2xx"
    #: A PUT or DELETE failed with a 4xx or 5xx other than 401 and 410.
    FAILED = "PUT/DELETE 4xx or 5xx"
    #: A PUT or DELETE answered 410: the resource is gone from the API.
    GONE = "PUT/DELETE 410"
    #: Any exchange answered 401, or the server said the connection is down (R18): the session has ended.
    SESSION_ENDED = "401 or connection down"
    #: A full data message arrived.
    FULL_DATA = "full data message"
    #: A delta data message arrived.
    DELTA_DATA = "delta data message"
    #: A subscription-state message arrived.
    STATE_MESSAGE = "subscription-state message"

    @property
    def from_client(self) -> bool:
        return self in _CLIENT_INPUTS


#: The seven fields of a subscription record, in the order of section 3 (the snapshot spells them in camelCase).
FIELDS = ("state", "closed", "resync_needed", "stale", "gone", "error", "parameters")
#: The four boolean flags among them.
_FLAGS = FIELDS[1:5]
_fields_of = operator.attrgetter(*FIELDS)

#: How many recent transitions a subscription keeps for inspection (all are counted).

_CLIENT_INPUTS = frozenset({Input.PUT_OK, Input.DELETE_OK, Input.FAILED, Input.GONE, Input.SESSION_ENDED})
#: Pass as ``error`` to leave a record's error alone (a delta state message without one); in `EFFECTS`, a field
#: the input leaves as it is.
KEEP: Any = object()
_INFER = object()
_GIVEN = object()


@attrs.frozen
class Effect:
    """The fields one input sets; `KEEP` leaves a field alone, `_GIVEN` takes the value the input carries."""

    state: object = KEEP
    closed: object = KEEP
    resync_needed: object = KEEP
    stale: object = KEEP
    gone: object = KEEP
    error: object = KEEP
    parameters: object = KEEP
    clears_data: bool = False


#: Section 3's table, one row per input (a blank cell there is `KEEP` here).
EFFECTS: Mapping[Input, Effect] = {
    Input.PUT_OK: Effect(state=NORMAL, closed=False, resync_needed=True, gone=False, error=None,
                         parameters=_GIVEN),
    Input.DELETE_OK: Effect(state=NONE, closed=True, resync_needed=True, stale=False, error=None, clears_data=True),
    Input.FAILED: Effect(error=_GIVEN),
    Input.GONE: Effect(state=NONE, closed=True, gone=True, error=_GIVEN),
    Input.SESSION_ENDED: Effect(state=NONE, closed=True, stale=True, error=_GIVEN),
    Input.FULL_DATA: Effect(state=_INFER, resync_needed=False, stale=False),
    Input.DELTA_DATA: Effect(state=_INFER),
    Input.STATE_MESSAGE: Effect(state=_GIVEN, error=_GIVEN),
}

#: State changes the server may report. Any change to ``none`` is allowed too; ``faulted -> normal`` is not:
#: only the client's new PUT makes a faulted subscription live again.
SERVER_TRANSITIONS: frozenset[tuple[SubscriptionState, SubscriptionState]] = frozenset(
    {(NONE, NORMAL), (NORMAL, SUSPENDED), (SUSPENDED, NORMAL), (NORMAL, FAULTED), (SUSPENDED, FAULTED)}
    | {(s, NONE) for s in SubscriptionState}
)


def allowed(before: SubscriptionState, after: SubscriptionState, via: Input) -> bool:
    return before == after or via.from_client or (before, after) in SERVER_TRANSITIONS


@attrs.frozen(kw_only=True)
class Transition:
    """One change of a subscription's state: from, to, and what caused it."""

    path: str
    before: SubscriptionState
    after: SubscriptionState
    #: The input: "PUT 204", "GET 401", or the ``__type`` of the message that caused it.
    cause: str
    via: Input
    allowed: bool


@attrs.frozen(kw_only=True)
class SessionEnd:
    """Why the session ended: the input that ended it (``"GET 401"``, or the connection-state message's type) and
    the error it carried (a 401's response error, or ``{"message": <reason>}`` of a connection-down message)."""

    cause: str
    error: Mapping[str, Any]


@attrs.frozen(kw_only=True)
class Subscription:
    """A read-only view of one subscription path: the seven snapshot fields, its most recent transitions (the last
    `KEEP_TRANSITIONS`, oldest first), and how many transitions and anomalies it has had in all."""

    path: str
    state: SubscriptionState
    closed: bool
    resync_needed: bool
    stale: bool
    gone: bool
    error: Mapping[str, Any] | None
    parameters: Mapping[str, Any]
    transitions: tuple[Transition, ...] = attrs.field(default=(), repr=False)
    transition_count: int = 0
    anomaly_count: int = 0

    @property
    def active(self) -> bool:
        """Whether messages for this path are accepted (it is not closed)."""
        return not self.closed


def _view_of(path: str, rec: Record) -> Subscription:
    return _view(path, _fields_of(rec), tuple(rec.transitions), rec.count, rec.anomalies)


def _view(path: str, fields: tuple[Any, ...], transitions: tuple[Transition, ...], count: int,
          anomalies: int) -> Subscription:
    # Read-only views: the record replaces these dicts but never changes one in place, and neither may a caller.
    values = {name: read_only(value) for name, value in zip(FIELDS, fields, strict=True)}
    return Subscription(path=path, **values, transitions=transitions, transition_count=count, anomaly_count=anomalies)


class SubscriptionsView(Mapping[str, Subscription]):
    """What a caller sees of the subscriptions: every seen path as a read-only `Subscription` value (built when
    looked up, O(1)), and whether the session has ended. It follows the cache; nothing here changes it."""

    __slots__ = ("_subs",)

    def __init__(self, subs: Subscriptions) -> None:
        self._subs = subs

    def __getitem__(self, path: str) -> Subscription:
        return self._subs[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._subs)

    def __len__(self) -> int:
        return len(self._subs)

    def __contains__(self, path: object) -> bool:
        return path in self._subs

    @property
    def session_ended(self) -> bool:
        """Whether a 401 or a connection-down message ended the session and no PUT has succeeded since."""
        return self._subs.session_ended

    def __repr__(self) -> str:
        return f"<subscriptions: {', '.join(self)}>"


class Subscriptions(Mapping[str, Subscription]):
    """Every seen subscription path, and the session flag, changed only through `apply_input`.

    `apply_input` returns what happened so the cache can turn it into events: the view before and after (or None
    when nothing changed), the transition (or None), and whether the path's data must be cleared.
    """

    def __init__(self) -> None:
        #: Path -> record. The cache reads it directly on the hot path; callers only ever see `SubscriptionsView`.
        self.records: dict[str, Record] = {}
        self.session_ended = False
        self.session_end: SessionEnd | None = None

    # -- Mapping of read-only views ----------------------------------------------------------------------------
    def __getitem__(self, path: str) -> Subscription:
        return _view_of(path, self.records[path])

    def __iter__(self) -> Iterator[str]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    # -- the engine's side -------------------------------------------------------------------------------------
    def see(self, path: str) -> tuple[Record, bool]:
        """The record of ``path``, made on first sight (closed while the session has ended); and whether it is new."""
        rec = self.records.get(path)
        if rec is not None:
            return rec, False
        rec = self.records[path] = Record(closed=self.session_ended)
        return rec, True

    def apply_input(
        self, path: str, via: Input, cause: str, value: Any = None, error: Any = KEEP
    ) -> tuple[Subscription | None, Subscription | None, Transition | None, bool]:
        """Apply one input to ``path`` (which must be seen). ``value`` is the PUT body or the reported state;
        ``error`` the response's error or the message's (`KEEP` for a delta state message without one)."""
        rec = self.records[path]
        effect = EFFECTS[via]
        before_fields = _fields_of(rec)
        old_state = rec.state
        new_state: SubscriptionState
        if effect.state is _INFER:
            new_state = NORMAL if old_state == NONE else old_state
        elif effect.state is _GIVEN:
            new_state = value
        elif effect.state is KEEP:
            new_state = old_state
        else:
            assert isinstance(effect.state, SubscriptionState)
            new_state = effect.state
        rec.state = new_state
        for name in _FLAGS:
            v = getattr(effect, name)
            if v is not KEEP:
                setattr(rec, name, v)
        if effect.error is _GIVEN:
            if error is not KEEP:
                rec.error = copy_json(error)
        elif effect.error is not KEEP:
            rec.error = None
        if effect.parameters is _GIVEN:
            rec.parameters = copy_json(value) if type(value) is dict else {}
        transition = None
        if new_state != old_state:
            transition = Transition(path=path, before=old_state, after=new_state, cause=cause, via=via,
                                    allowed=allowed(old_state, new_state, via))
            before_window = tuple(rec.transitions)
            rec.transitions.append(transition)
            rec.count += 1
            rec.anomalies += not transition.allowed
        if _fields_of(rec) == before_fields and transition is None:
            return None, None, None, effect.clears_data
        if transition is not None:
            before = _view(path, before_fields, before_window, rec.count - 1, rec.anomalies - (not transition.allowed))
        else:
            before = _view(path, before_fields, tuple(rec.transitions), rec.count, rec.anomalies)
        return before, _view_of(path, rec), transition, effect.clears_data

    def end_session(self, cause: str = "401", error: Mapping[str, Any] | None = None) -> None:
        self.session_ended = True
        self.session_end = SessionEnd(cause=cause, error=read_only(copy_json(dict(error or {}))))

    def resume_session(self) -> None:
        self.session_ended = False
        self.session_end = None

    # -- snapshots ---------------------------------------------------------------------------------------------
    def restore(self, path: str, fields: Mapping[str, Any]) -> None:
        """Set one record from a snapshot's seven fields (``state`` a `SubscriptionState`); no transition is kept."""
        rec = self.records[path] = Record(closed=bool(fields["closed"]))
        for name in FIELDS:
            setattr(rec, name, copy_json(fields[name]))
        rec.state = SubscriptionState(fields["state"])


def state_diagram() -> str:
    """A Mermaid state diagram drawn from the table, so the docs cannot disagree with the code."""
    lines = ["stateDiagram-v2"]
    name = {s: s.name.lower() for s in SubscriptionState}
    lines.append(f"    [*] --> {name[NONE]}")
    for before, after in sorted(SERVER_TRANSITIONS):
        if before != after:
            lines.append(f"    {name[before]} --> {name[after]}: server")
    for s in SubscriptionState:
        if s != NORMAL:
            lines.append(f"    {name[s]} --> {name[NORMAL]}: PUT 2xx")
        if s != NONE:
            lines.append(f"    {name[s]} --> {name[NONE]}: DELETE 2xx / 410 / 401 / connection down")
    return "\n".join(lines)
