"""`Changes`: the events of one call, built from the cache's journal only when read.

While a message is applied the engine appends plain tuples to a journal (`J_*` codes, `_journal`); in a cache that
records changes, stored items are never mutated after being stored, so a tuple can point at the old and the new
item without copying. `Changes` wraps the journal and makes the frozen event objects (`_events`) on first read. It
is apart from the events because the cache makes one per call that changed something: compiled (mypyc), that costs
half as much.

A cache that does not record changes (the default, see `StateCache`) journals no item events: the `Changes` of a
call that merged data give `notices` and raise `ChangesNotRecorded` for everything else, rather than pass a
partial list off as complete.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final, overload

from ._errors import ChangesNotRecorded
from ._events import (
    Anomaly,
    CacheCleared,
    CacheReplaced,
    Event,
    GenericChanged,
    ItemAdded,
    ItemChanged,
    ItemEvicted,
    ItemRemoved,
    ItemsAppended,
    PropertiesChanged,
    Rejected,
    SessionChanged,
    SubscriptionChanged,
)
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

__all__ = ["Changes"]


#: The events a cache journals whether or not it records changes (`Changes.notices`).
_NOTICES: Final = (SubscriptionChanged, SessionChanged, Anomaly, Rejected)


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
    """The events one call caused, in order; built from the journal on first read. If the call merged data in a
    cache that does not record item events, reading them raises `ChangesNotRecorded`; `notices` and `recorded`
    always work."""

    __slots__ = ("_events", "_journal", "recorded")

    def __init__(self, journal: list[tuple[Any, ...]], recorded: bool = True) -> None:
        self._journal = journal
        self._events: list[Event] | None = None
        #: Whether these are all the call's events (else only its notices were recorded).
        self.recorded = recorded

    def _all(self) -> list[Event]:
        if self._events is None:
            if not self.recorded:
                raise ChangesNotRecorded()
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
        if not self.recorded:
            raise ChangesNotRecorded()
        return bool(self._journal) and bool(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Changes):
            return self._all() == other._all()
        if isinstance(other, Sequence):
            return self._all() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if not self.recorded:
            return f"Changes(not recorded; notices: {list(self.notices())!r})"
        return f"Changes({self._all()!r})"

    def notices(self) -> Iterator[Event]:
        """Only the subscription, session, anomaly and rejection events, which the cache builds as they happen;
        item events are not built. For consumers that follow the lifecycle of a long log (reports)."""
        return (rec[1] for rec in self._journal if rec[0] == J_EVENT)

    def of_type(self, *types: type[Event]) -> list[Event]:
        """The events that are instances of any of ``types``; notice types only are always answered."""
        if not self.recorded and all(t in _NOTICES for t in types):
            return [e for e in self.notices() if isinstance(e, types)]
        return [e for e in self._all() if isinstance(e, types)]
