"""Keyed stores: plain dicts underneath, read-only mappings on top.

The engine owns the write side (`put`, `pop`, `reset`); everything a caller gets back is read-only, because the
cache never mutates a stored item after storing it (a merge builds a new dict, copy-on-write). That is what lets
change events hand out the old and the new item without copying either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Set
from typing import Any

from ._enums import SubscriptionState
from ._readonly import read_only_item

__all__ = ["GenericStore", "IdSetView", "KeyedStore", "raw_items"]

Item = dict[str, Any]


class KeyedStore(Mapping[str, Mapping[str, Any]]):
    """Items of one collection by key (R12, R13). Iterates keys in code-point order, as snapshots list them.

    ``store[key]`` is O(1); iteration sorts the keys, O(n log n).
    """

    __slots__ = ("_items", "_lookup")

    def __init__(self, lookup: Callable[[Any], Any] | None = None) -> None:
        self._items: dict[str, Item] = {}
        #: How a caller's key becomes a stored one: casefolded (R16), an object's canonical text (R17).
        self._lookup = lookup

    # -- read side ---------------------------------------------------------------------------------------------
    def __getitem__(self, key: Any) -> Mapping[str, Any]:
        if self._lookup is not None:
            key = self._lookup(key)
        return read_only_item(self._items[key])

    def __contains__(self, key: object) -> bool:
        if self._lookup is not None:
            try:
                key = self._lookup(key)
            except (TypeError, ValueError):
                return False
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self)} items>"

    def _raw_items(self) -> Iterator[tuple[str, Item]]:
        """(key, item) in iteration order, the stored dicts themselves (see `raw_items`)."""
        for k in self:
            yield k, self._items[k]

    # -- engine side: private, called by the reducer only ---------------------------------------------------------
    def _put(self, key: str, old: Item | None, new: Item) -> None:
        self._items[key] = new

    def _pop(self, key: str) -> Item | None:
        return self._items.pop(key, None)

    def _reset(self) -> None:
        self._items = {}

    def _evict_to(self, bound: int) -> list[tuple[str, Item]]:
        return []

    def _check(self) -> None:
        for k, v in self._items.items():
            assert isinstance(k, str) and isinstance(v, dict), (k, v)


def raw_items(store: KeyedStore) -> Iterator[tuple[str, Item]]:
    """(key, stored item) of a store in its order, without read-only views: for the package's own writers
    (snapshots), which copy what they read. Not part of the public API: a caller changing these changes the cache."""
    return store._raw_items()


class IdSetView(Set[str]):
    """A read-only view of an id set (R5); iterates in code-point order."""

    __slots__ = ("_ids",)

    def __init__(self, ids: set[str]) -> None:
        self._ids = ids

    def __contains__(self, value: object) -> bool:
        return value in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._ids))

    def __len__(self) -> int:
        return len(self._ids)

    def __repr__(self) -> str:
        return f"IdSetView({sorted(self._ids)!r})"


class GenericStore(Mapping[str, Mapping[str, Any]]):
    """Messages of types in no schema row (R1), keyed ``__type`` or ``__type|subscriptionId``."""

    __slots__ = ("_entries",)

    def __init__(self, entries: dict[str, Item]) -> None:
        self._entries = entries

    def __getitem__(self, key: str) -> Mapping[str, Any]:
        return read_only_item(self._entries[key])

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def key(message_type: str, subscription_id: str | None = None) -> str:
        return message_type if subscription_id is None else f"{message_type}|{subscription_id}"

    def entry(self, message_type: str, subscription_id: str | None = None) -> Mapping[str, Any] | None:
        e = self._entries.get(self.key(message_type, subscription_id))
        return None if e is None else read_only_item(e)

    def subscription_state(
        self, message_type: str = "urn:inin.com:messaging:subscriptionStateMessage",
        subscription_id: str | None = None,
    ) -> SubscriptionState | None:
        """The ``state`` of a subscription-state message kept here, as a `SubscriptionState`.

        None when there is no such entry or its ``state`` is not an integer 0-3: the generic store keeps what it is
        sent, typed or not.
        """
        e = self._entries.get(self.key(message_type, subscription_id))
        state = None if e is None else e.get("state")
        if type(state) is int and 0 <= state <= 3:
            return SubscriptionState(state)
        return None

    def subscription_error(
        self, message_type: str = "urn:inin.com:messaging:subscriptionStateMessage",
        subscription_id: str | None = None,
    ) -> Mapping[str, Any] | None:
        e = self._entries.get(self.key(message_type, subscription_id))
        err = None if e is None else e.get("error")
        return read_only_item(err) if isinstance(err, dict) else None
