"""The library's own errors: one base class, each subclass saying what was expected.

Lenient mode raises none of these for any input; strict mode raises `InvalidMessage` before a rejected input changes
anything and `TransitionAnomaly` after an out-of-table transition has taken effect (the server is the source of
truth, the error only tells the caller it happened).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._subscriptions import Transition

__all__ = [
    "ChangesNotRecorded",
    "IcwsStateError",
    "InvalidMessage",
    "ReentrantCall",
    "SchemaError",
    "SnapshotError",
    "TransitionAnomaly",
    "UnknownListener",
]


class IcwsStateError(Exception):
    """Base of every error icws_state raises on purpose."""


class InvalidMessage(IcwsStateError, ValueError):
    """A message or exchange was rejected (rule R8, or its subscription is not active).

    Carries the offending value as received and the reason; ``line`` is its 1-based log line when replayed.
    """

    def __init__(self, message: Any, reason: str, line: int | None = None) -> None:
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{reason}")
        self.message = message
        self.reason = reason
        self.line = line


class TransitionAnomaly(IcwsStateError):
    """A subscription moved along a transition the lifecycle table does not allow; it has taken effect."""

    def __init__(self, transition: Transition) -> None:
        super().__init__(
            f"{transition.path}: {transition.before.name.lower()} -> {transition.after.name.lower()} "
            f"({transition.cause}) is not an allowed transition"
        )
        self.transition = transition


class SchemaError(IcwsStateError, ValueError):
    """A schema row is not well-formed, or clashes with a row already in the table."""


class SnapshotError(IcwsStateError, ValueError):
    """A value given to ``StateCache.from_snapshot`` is not an ``icws-state/1`` snapshot."""


class ReentrantCall(IcwsStateError, RuntimeError):
    """A listener tried to feed the cache while it was dispatching events; listeners may only read."""


class UnknownListener(IcwsStateError, ValueError):
    """`StateCache.remove_listener` was given a listener that is not registered."""

    def __init__(self, listener: object) -> None:
        self.listener = listener
        super().__init__(f"not a registered listener: {listener!r} (add_listener returns what to remove)")


class ChangesNotRecorded(IcwsStateError, RuntimeError):
    """The events of a call that merged data were read from a cache that does not record item events (made with
    ``StateCache(changes=True)``, or given a listener, it does); its `Changes.notices` are always there."""

    def __init__(self) -> None:
        super().__init__("this call merged data, and the cache does not record item events: create it with "
                         "StateCache(changes=True), or add a listener, to have its calls return them "
                         "(changes.notices() needs neither)")
