"""The error hierarchy: one base class, each error also the builtin it resembles, carrying its context."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import ASSIST_PATH

from icws_state import (
    IcwsStateError,
    InvalidMessage,
    ReentrantCall,
    SchemaError,
    SnapshotError,
    StateCache,
    SubscriptionState,
    Transition,
    TransitionAnomaly,
)
from icws_state._subscriptions import Input


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (InvalidMessage, ValueError),
        (SchemaError, ValueError),
        (SnapshotError, ValueError),
        (ReentrantCall, RuntimeError),
    ],
)
def test_hierarchy(cls: type[Exception], builtin: type[Exception]) -> None:
    assert issubclass(cls, IcwsStateError)
    assert issubclass(cls, builtin)


def test_transition_anomaly_is_only_the_base() -> None:
    assert issubclass(TransitionAnomaly, IcwsStateError)
    assert not issubclass(TransitionAnomaly, ValueError)
    assert issubclass(IcwsStateError, Exception)


def test_invalid_message_carries_context() -> None:
    e = InvalidMessage({"a": 1}, "isDelta must be a boolean", 12)
    assert e.message == {"a": 1} and e.reason == "isDelta must be a boolean" and e.line == 12
    assert str(e) == "line 12: isDelta must be a boolean"
    assert str(InvalidMessage("x", "why")) == "why"
    assert InvalidMessage("x", "why").line is None


def test_transition_anomaly_carries_transition() -> None:
    t = Transition(
        path=ASSIST_PATH,
        before=SubscriptionState.FAULTED,
        after=SubscriptionState.SUSPENDED,
        cause="urn:x",
        via=Input.STATE_MESSAGE,
        allowed=False,
    )
    e = TransitionAnomaly(t)
    assert e.transition is t
    assert "faulted -> suspended" in str(e) and ASSIST_PATH in str(e)


def test_strict_mode_raises_only_library_errors() -> None:
    cache = StateCache(strict=True)
    junks: list[Any] = [None, [], {"__type": 1}, {"__type": "t", "isDelta": "x"}]
    for junk in junks:
        with pytest.raises(IcwsStateError):
            cache.apply(junk)


def test_snapshot_errors() -> None:
    with pytest.raises(SnapshotError):
        StateCache.from_snapshot({"format": "other"})
    with pytest.raises(SnapshotError):
        StateCache.from_snapshot([])  # type: ignore[arg-type]
    snap = StateCache().snapshot()
    del snap["history"]
    with pytest.raises(SnapshotError):
        StateCache.from_snapshot(snap)
    snap = StateCache().snapshot()
    snap["stats"] = {"messages": 2, "applied": 1, "rejected": 0}
    with pytest.raises(SnapshotError):
        StateCache.from_snapshot(snap)


@pytest.mark.parametrize(
    ("where", "value"), [("sessionEnded", "no"), ("stats.messages", "0"), ("subscriptions.x.closed", "no")]
)
def test_snapshot_wrong_scalar_types_rejected(where: str, value: object) -> None:
    snap = StateCache().snapshot()
    snap["subscriptions"] = {
        "x": {
            "state": "normal",
            "closed": False,
            "resyncNeeded": False,
            "stale": False,
            "gone": False,
            "error": None,
            "parameters": {},
        }
    }
    *parents, last = where.split(".")
    target = snap
    for p in parents:
        target = target[p]
    target[last] = value
    with pytest.raises(SnapshotError):
        StateCache.from_snapshot(snap)
