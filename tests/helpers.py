"""Message builders shared by the unit tests, so each test states only what it is about.

Every builder returns a fresh plain dict (the raw JSON a transport would hand the cache); none touches a cache
except the request helpers (`put`, `delete`, `request`), which report an HTTP outcome the way a client does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import pytest

from icws_state import Changes, Event, StateCache

Message = dict[str, Any]
E = TypeVar("E", bound=Event)

PREFIX = "urn:inin.com:"
HISTORY = PREFIX + "interactions:historyMessage"
ALIST = PREFIX + "interactions.assistance:assistanceRequestListMessage"
ASTATE = PREFIX + "interactions.assistance:assistanceRequestSubscriptionStateMessage"
QUEUE = PREFIX + "queues:queueContentsMessage"
QSTATE = PREFIX + "queues:queueSubscriptionStateMessage"
USTATUS = PREFIX + "status:userStatusMessage"
SMESSAGES = PREFIX + "status:statusMessagesMessage"
DETAILS = PREFIX + "interactions.assistance:assistanceRequestDetailsMessage"
DIRECTORY = PREFIX + "directories:directoryMessage"
GENERIC_STATE = PREFIX + "messaging:subscriptionStateMessage"
STATISTICS = PREFIX + "statistics:statisticValueMessage"
CONNECTION = PREFIX + "connection:connectionStateChangeMessage"

#: The spec's worked logs, the contract every test may use: the copy kept with the tests (tests/conformance), so a
#: clone tests every rule; `SHARED_CONFORMANCE` is the specification's own, beside the repository when checked out.
CONFORMANCE = Path(__file__).resolve().parent / "conformance"
SHARED_CONFORMANCE = Path(__file__).resolve().parents[2] / "shared" / "spec" / "conformance"
needs_conformance = pytest.mark.skipif(not CONFORMANCE.is_dir(), reason=f"conformance logs not found at {CONFORMANCE}")

HISTORY_PATH = "interaction-history"
ASSIST_PATH = "interactions/agent-assistance"
SUBS = "/icws/s1/messaging/subscriptions/"
MESSAGES = "/icws/s1/messaging/messages"

T0 = "2026-11-22T10:00:00Z"
T1 = "2026-11-22T11:00:00Z"
T2 = "2026-11-22T12:00:00Z"
T3 = "2026-11-22T13:00:00Z"

#: Strings that are not ICWS date-times (section 1), each for one reason.
BAD_DATETIMES = [
    "2026-11-22",  # a date alone
    "2026-11-22T10:00Z",  # no seconds
    "2026-11-22T10Z",
    "2026-11-22 10:00:00Z",  # a space
    "2026-11-22t10:00:00Z",  # lower-case t
    "2026-11-22T10:00:00z",  # lower-case z
    "2026-W47-7T10:00:00Z",  # a week date
    "2026-326T10:00:00Z",  # an ordinal date
    "2026-11-22T10:00:00+05",  # offset hours only
    "2026-11-22T10:00:00,5Z",  # comma fraction
    "2026-11-22T10:00:00.Z",  # a dot without digits
    "2026-11-22T24:00:00Z",  # hour 24
    "2026-11-22T10:60:00Z",  # minute 60
    "2026-11-22T10:00:60Z",  # second 60
    "2026-02-30T10:00:00Z",  # 30 February
    "2026-13-01T10:00:00Z",  # month 13
    "2026-11-22T10:00:00+24:00",  # offset hours above 23
    "2026-11-22T10:00:00+23:60",  # offset minutes above 59
    "0000-11-22T10:00:00Z",  # year 0000
    "2026-11-22T100000Z",  # mixed: extended date, basic time
    "20261122T10:00:00Z",  # mixed: basic date, extended time
    "20261122T100000+05:00",  # basic form with an extended offset
    "2026-11-22T10:00:00+0500",  # extended form with a basic offset
    "2026-11-22T10:00:00Z ",  # trailing space
    "",
]


def item(interaction_id: str, initiation_time: str | None = None, **props: Any) -> Message:
    """A history item; ``initiation_time`` None leaves ``initiationTime`` out (such items sort first, R6)."""
    out: Message = {"interactionId": interaction_id}
    if initiation_time is not None:
        out["initiationTime"] = initiation_time
    out.update(props)
    return out


def hist(*items: Message, delta: bool = True, **extra: Any) -> Message:
    """A history message carrying ``items`` (an empty tuple still sends ``interactionHistory: []``)."""
    return {"__type": HISTORY, "isDelta": delta, "interactionHistory": list(items), **extra}


def alist(
    added: tuple[str, ...] | list[str] = (),
    removed: tuple[str, ...] | list[str] = (),
    *,
    delta: bool = True,
    **extra: Any,
) -> Message:
    """An assistance-request list message; empty lists are left out."""
    out: Message = {"__type": ALIST, "isDelta": delta, **extra}
    if added:
        out["requestsAdded"] = list(added)
    if removed:
        out["requestsRemoved"] = list(removed)
    return out


def astate(state: Any, error: Any = None, *, delta: bool = False, **extra: Any) -> Message:
    """An assistance subscription-state message; ``error`` None leaves it out."""
    out: Message = {"__type": ASTATE, "isDelta": delta, "state": state, **extra}
    if error is not None:
        out["error"] = error
    return out


def qstate(sid: str, state: Any, error: Any = None, *, delta: bool = False) -> Message:
    out: Message = {"__type": QSTATE, "isDelta": delta, "subscriptionId": sid, "state": state}
    if error is not None:
        out["error"] = error
    return out


def queue(
    sid: str,
    *,
    delta: bool = True,
    added: list[Message] | None = None,
    changed: list[Message] | None = None,
    removed: list[str] | None = None,
    **extra: Any,
) -> Message:
    out: Message = {"__type": QUEUE, "isDelta": delta, "subscriptionId": sid, **extra}
    if added is not None:
        out["interactionsAdded"] = added
    if changed is not None:
        out["interactionsChanged"] = changed
    if removed is not None:
        out["interactionsRemoved"] = removed
    return out


def statuses(*items: Message, delta: bool = True, **extra: Any) -> Message:
    return {"__type": USTATUS, "isDelta": delta, "userStatusList": list(items), **extra}


def details(aid: str, *, delta: bool = True, **extra: Any) -> Message:
    return {"__type": DETAILS, "isDelta": delta, "assistanceId": aid, **extra}


def generic(type_: str = DIRECTORY, *, delta: bool = True, **props: Any) -> Message:
    return {"__type": type_, "isDelta": delta, **props}


def request(
    cache: StateCache, method: str, path: str, status: int, *, body: Any = None, response: Any = None
) -> Changes:
    """Report one of the client's own requests on ``path`` (relative to ``.../subscriptions/``)."""
    return cache.record_response(method, SUBS + path, status, body=body, response=response)


def put(cache: StateCache, path: str, status: int = 204, body: Any = None, response: Any = None) -> Changes:
    return request(cache, "PUT", path, status, body=body, response=response)


def delete(cache: StateCache, path: str, status: int = 204, response: Any = None) -> Changes:
    return request(cache, "DELETE", path, status, response=response)


def end_session(cache: StateCache, response: Any = None) -> Changes:
    """A 401 on a path that is not a subscription (any exchange ends the session)."""
    return cache.record_response("GET", "/icws/s1/configuration/users", 401, response=response)


def opened(*paths: str, strict: bool = False, changes: bool = False) -> StateCache:
    """A cache with a successful PUT on each path (no parameters); ``changes`` as `StateCache` takes it."""
    cache = StateCache(strict=strict, changes=changes)
    for p in paths:
        put(cache, p)
    return cache


def history_ids(cache: StateCache) -> list[str]:
    return list(cache.history)


def core(cache: StateCache) -> dict[str, Any]:
    """The snapshot without ``rejected`` and ``stats``: what a rejected input must leave untouched."""
    snap = cache.snapshot()
    snap.pop("rejected")
    snap.pop("stats")
    return snap


def data(cache: StateCache) -> dict[str, Any]:
    """The snapshot parts holding cached data only (no lifecycle, no counts), to compare merge outcomes."""
    snap = cache.snapshot()
    return {k: snap[k] for k in ("history", "assistanceRequests", "other", "subscriptionData")}


def kinds(changes: Changes | list[Event]) -> list[str]:
    """The class names of events, in order: a compact way to assert what a call emitted."""
    return [type(e).__name__ for e in changes]


def ev(cls: type[E], **fields: Any) -> E:
    """Build an expected event by keyword.

    The events are declared through an alias of ``attrs.frozen``, which mypy's attrs plugin does not follow, so a
    direct ``ItemAdded(path=...)`` fails ``mypy --strict``; going through ``**fields`` keeps the tests typed.
    """
    return cls(**fields)


def full_replace_three_ways(prior: list[Message], full: Message) -> tuple[StateCache, StateCache, StateCache]:
    """R2's idempotence, set up: caches after ``prior`` then ``full`` once, after ``prior`` then ``full`` twice, and
    after ``full`` alone; a test compares what the full message's type holds in each."""
    once, twice, alone = StateCache(), StateCache(), StateCache()
    for m in prior:
        once.apply(m)
        twice.apply(m)
    once.apply(full)
    twice.apply(full)
    twice.apply(full)
    alone.apply(full)
    return once, twice, alone
