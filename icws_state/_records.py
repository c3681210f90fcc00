"""The mutable record behind each subscription path (`_subscriptions` owns and changes them).

A module of its own because the cache reads a record on every message (is the path closed, in which state, with
which PUT parameters): compiled (mypyc) those reads are struct fields; the attrs values and the transition table
built around them stay interpreted in `_subscriptions`.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from ._enums import SubscriptionState

__all__ = ["KEEP_TRANSITIONS", "Record"]

#: How many of a subscription's transitions are kept (the most recent); older ones are only counted.
KEEP_TRANSITIONS = 100


class Record:
    """One subscription path's lifecycle state: the fields a `Subscription` value shows, kept mutable."""

    __slots__ = ("anomalies", "closed", "count", "error", "gone", "parameters", "resync_needed", "stale", "state",
                 "transitions")

    def __init__(self, closed: bool) -> None:
        # Typed loosely on purpose: `_subscriptions` sets fields by name from its table and from snapshots, and a
        # compiled class would check a narrower annotation on every such write.
        self.state: Any = SubscriptionState.NONE
        self.closed: Any = closed
        self.resync_needed: Any = True
        self.stale: Any = False
        self.gone: Any = False
        self.error: dict[str, Any] | None = None
        self.parameters: Any = {}
        #: The recent window only: a subscription that flaps for months must not grow without bound.
        self.transitions: deque[Any] = deque(maxlen=KEEP_TRANSITIONS)
        self.count = 0
        self.anomalies = 0
