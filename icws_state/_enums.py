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


class SubscriptionState(IntEnum):
    """State of one subscription path (section 3 of the spec)."""

    #: No subscription: never made, deleted, gone, or ended with the session.
    NONE = 0
    #: Working: the server sends its messages.
    NORMAL = 1
    #: Temporarily unable to send; may return to normal.
    SUSPENDED = 2
    #: Ended itself after an unrecoverable problem; only a new PUT brings it back.
    FAULTED = 3


class InteractionDirection(IntEnum):
    NONE = 0
    INCOMING = 1
    OUTGOING = 2


class InteractionHistoryStatus(IntEnum):
    NONE = 0
    CONNECTED = 1
    FORWARDED = 2


class AssistanceRequestState(IntEnum):
    NONE = 0
    ACCEPTED = 1
    COMPLETED = 2


class ParticipantAction(IntEnum):
    NONE = 0
    INITIATED = 1
    IGNORED = 2
    ACCEPTED = 3


class ConnectionState(IntEnum):
    """State of the session's connection (R18); ``DOWN`` means the server dropped the session."""

    NONE = 0
    UP = 1
    DOWN = 2
