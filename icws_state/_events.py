"""Change events, and the journal that makes them cost nothing until someone looks.

While a message is applied the engine appends plain tuples to a journal (`J_*` codes, `_journal`); stored items are
never mutated after being stored, so a tuple can point at the old and the new item without copying. `Changes`
wraps the journal and builds the frozen event objects only when it is read, so ``cache.apply(m)`` with nobody
listening and the result ignored pays for a few tuples, not for attrs instances.

Events are frozen, slotted and keyword-only; they are not meant to be subclassed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

import attrs

from ._journal import (
    J_ADDED,
    J_APPENDED,
    J_CHANGED,
    J_CLEARED,
    J_EVENT,
    J_EVICTED,
    J_GENERIC,
    J_PROPS,
    J_REMOVED,
    J_REPLACED,
)
from ._json import same_json
from ._readonly import read_only
from ._subscriptions import Subscription, Transition

__all__ = [
    "Anomaly",
    "CacheCleared",
    "CacheReplaced",
    "Changes",
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
    return None if value is None else _ro(value)


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




def _ro(value: Any) -> Any:
    return read_only(value)


def _changes_nothing(rec: tuple[Any, ...]) -> bool:
    """A merge that left an item, a path's scalars or a generic entry as it was (a delta repeating what is cached):
    journalled, since finding out costs a comparison nobody may need, but not an event."""
    code = rec[0]
    if code == J_CHANGED:
        return same_json(rec[4], rec[5])
    if code == J_PROPS:
        return same_json(rec[2], rec[3])
    if code == J_GENERIC:
        return rec[2] is not None and same_json(rec[2], rec[3])
    return False


def _build(rec: tuple[Any, ...]) -> Event:
    code = rec[0]
    if code == J_ADDED:
        return ItemAdded(path=rec[1], collection=rec[2], key=rec[3], value=_ro(rec[4]))
    if code == J_CHANGED:
        return ItemChanged(path=rec[1], collection=rec[2], key=rec[3], old=_ro(rec[4]), new=_ro(rec[5]))
    if code == J_REMOVED:
        return ItemRemoved(path=rec[1], collection=rec[2], key=rec[3], old=_ro(rec[4]))
    if code == J_EVICTED:
        return ItemEvicted(path=rec[1], collection=rec[2], key=rec[3], old=_ro(rec[4]))
    if code == J_APPENDED:
        return ItemsAppended(path=rec[1], collection=rec[2], values=tuple(_ro(v) for v in rec[3]))
    if code == J_PROPS:
        return PropertiesChanged(path=rec[1], old=_ro(rec[2]), new=_ro(rec[3]))
    if code == J_REPLACED:
        return CacheReplaced(path=rec[1], message_type=rec[2])
    if code == J_CLEARED:
        return CacheCleared(path=rec[1])
    if code == J_GENERIC:
        return GenericChanged(key=rec[1], old=None if rec[2] is None else _ro(rec[2]), new=_ro(rec[3]))
    event: Event = rec[1]
    return event


class Changes(Sequence[Event]):
    """The events one call caused, in order; built from the journal on first read."""

    __slots__ = ("_events", "_journal")

    def __init__(self, journal: list[tuple[Any, ...]]) -> None:
        self._journal = journal
        self._events: list[Event] | None = None

    def _all(self) -> list[Event]:
        if self._events is None:
            self._events = [_build(r) for r in self._journal if not _changes_nothing(r)]
        return self._events

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Event]: ...
    def __getitem__(self, index: int | slice) -> Event | Sequence[Event]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Event]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __bool__(self) -> bool:
        return bool(self._journal) and bool(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Changes):
            return self._all() == other._all()
        if isinstance(other, Sequence):
            return self._all() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Changes({self._all()!r})"

    def notices(self) -> Iterator[Event]:
        """Only the subscription, session, anomaly and rejection events, which the cache builds as they happen;
        item events are not built. For consumers that follow the lifecycle of a long log (reports)."""
        return (rec[1] for rec in self._journal if rec[0] == J_EVENT)

    def of_type(self, *types: type[Event]) -> list[Event]:
        """The events that are instances of any of ``types``."""
        return [e for e in self._all() if isinstance(e, types)]
