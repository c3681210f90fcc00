"""ICWS enumerations. Values outside a known range are kept as plain ints (newer servers add values)."""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "AssistanceRequestState",
    "ConnectionState",
    "InteractionDirection",
    "InteractionHistoryStatus",
    "ParticipantAction",
    "SubscriptionState",
]


class _Named(IntEnum):
    """An ICWS integer enum that prints as its name (``NORMAL``, not ``1``), in ``str()``, ``print`` and f-strings;
    it still compares, hashes and serialises as the integer the wire carries."""

    def __str__(self) -> str:
        return self.name

    def __format__(self, spec: str) -> str:
        return format(self.name, spec) if not spec or spec[-1] not in "bcdoxXn" else format(int(self), spec)


class SubscriptionState(_Named):
    """State of one subscription path (section 3 of the spec)."""

    #: No subscription: never made, deleted, gone, or ended with the session.
    NONE = 0
    #: Working: the server sends its messages.
    NORMAL = 1
    #: Temporarily unable to send; may return to normal.
    SUSPENDED = 2
    #: Ended itself after an unrecoverable problem; only a new PUT brings it back.
    FAULTED = 3

    @classmethod
    def of(cls, value: object) -> SubscriptionState | None:
        """The state a wire value names (an integer 0-3, not a boolean), or None: the one range check."""
        if type(value) is int and 0 <= value <= 3:
            return cls(value)
        return None


class InteractionDirection(_Named):
    """Direction of an interaction in history (``direction``)."""

    NONE = 0
    INCOMING = 1
    OUTGOING = 2


class InteractionHistoryStatus(_Named):
    """How a history interaction ended (``interactionHistoryStatus``)."""

    NONE = 0
    CONNECTED = 1
    FORWARDED = 2


class AssistanceRequestState(_Named):
    """State of an agent-assistance request (``state`` of its details)."""

    NONE = 0
    ACCEPTED = 1
    COMPLETED = 2


class ParticipantAction(_Named):
    """What a participant of an assistance request did (``action``)."""

    NONE = 0
    INITIATED = 1
    IGNORED = 2
    ACCEPTED = 3


class ConnectionState(_Named):
    """State of the session's connection (R18); ``DOWN`` means the server dropped the session."""

    NONE = 0
    UP = 1
    DOWN = 2
