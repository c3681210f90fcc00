"""Change events: what `Changes` (`_changes`) builds from the cache's journal when someone reads it, so that a
cache that records changes pays for a few tuples per call, not for attrs instances, when nobody reads them (and
one that does not record them pays for none: `StateCache`).

Events are frozen, slotted and keyword-only; they are not meant to be subclassed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ._readonly import read_only
from ._subscriptions import Subscription, Transition

__all__ = [
    "Anomaly",
    "CacheCleared",
    "CacheReplaced",
    "Event",
    "GenericChanged",
    "ItemAdded",
    "ItemChanged",
    "ItemEvicted",
    "ItemRemoved",
    "ItemsAppended",
    "PropertiesChanged",
    "Rejected",
    "SessionChanged",
    "SubscriptionChanged",
]

@attrs.frozen(kw_only=True)
class Event:
    """Base of every change event."""


@attrs.frozen(kw_only=True)
class ItemAdded(Event):
    """A keyed item (or an id, for an id set) appeared in ``collection`` of ``path``."""

    path: str
    collection: str
    key: str
    value: Any


@attrs.frozen(kw_only=True)
class ItemChanged(Event):
    """A keyed item was merged into or replaced: its value before and after."""

    path: str
    collection: str
    key: str
    old: Mapping[str, Any]
    new: Mapping[str, Any]


@attrs.frozen(kw_only=True)
class ItemRemoved(Event):
    """A keyed item (or an id) was removed by a message."""

    path: str
    collection: str
    key: str
    old: Any


@attrs.frozen(kw_only=True)
class ItemEvicted(Event):
    """A history item was dropped to keep the bound of R7."""

    path: str
    collection: str
    key: str
    old: Mapping[str, Any]


@attrs.frozen(kw_only=True)
class ItemsAppended(Event):
    """Items were appended to an append list (R14)."""

    path: str
    collection: str
    values: tuple[Mapping[str, Any], ...]


@attrs.frozen(kw_only=True)
class PropertiesChanged(Event):
    """The scalar properties (R15) of a path's data changed."""

    path: str
    old: Mapping[str, Any]
    new: Mapping[str, Any]


@attrs.frozen(kw_only=True)
class CacheReplaced(Event):
    """A full message replaced the cache of ``message_type`` on ``path`` (R2); read the store again."""

    path: str
    message_type: str


@attrs.frozen(kw_only=True)
class CacheCleared(Event):
    """A DELETE 204 cleared the data of ``path``."""

    path: str


@attrs.frozen(kw_only=True)
class GenericChanged(Event):
    """An entry of the generic store (R1) was made, replaced or merged; ``old`` is None for a new entry."""

    key: str
    old: Mapping[str, Any] | None
    new: Mapping[str, Any]


@attrs.frozen(kw_only=True)
class SubscriptionChanged(Event):
    """A subscription record changed (state or any flag); ``before`` is None for a path seen for the first time."""

    path: str
    before: Subscription | None
    after: Subscription
    cause: str


def _ro_or_none(value: Any) -> Any:
    return None if value is None else read_only(value)


@attrs.frozen(kw_only=True)
class SessionChanged(Event):
    """The session ended (``ended``: a 401, or the server dropped it with a connection-down message, R18), or a
    successful PUT made it live again. ``error`` is what ended it (None when it resumes)."""

    ended: bool
    cause: str
    error: Mapping[str, Any] | None = attrs.field(default=None, converter=_ro_or_none)


@attrs.frozen(kw_only=True)
class Anomaly(Event):
    """A subscription moved along a transition the lifecycle does not allow; it has taken effect."""

    transition: Transition


@attrs.frozen(kw_only=True)
class Rejected(Event):
    """An input was rejected (R8, or its subscription is not active) and changed nothing."""

    line: int | None
    reason: str
    message: Any
    source: str | None = None
