"""Keyed stores: plain dicts underneath (`KeyedTable`, the engine's side), read-only mappings on top (`KeyedStore`).

The engine owns the tables; everything a caller gets back is a read-only view, which keeps the read side from
changing the cache. A cache that records changes never mutates a stored item after storing it (a merge builds a
new dict, copy-on-write), which lets change events hand out the old and the new item without copying either; one
that does not merges in place, and its views show items as they are now (`_reducer`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Set
from typing import Any

from ._enums import SubscriptionState
from ._readonly import read_only_item

__all__ = ["GenericStore", "IdSetView", "KeyedStore", "KeyedTable", "raw_entries", "raw_items"]

Item = dict[str, Any]


class KeyedTable:
    """The engine's side of one keyed collection (R12, R13): a plain dict of stored items by key.

    Only the reducer writes it (`put`, `pop`, `reset`, `evict_to`), reading `items` directly on the hot path; it is
    never handed to a caller, who sees it through a read-only `KeyedStore`. ``lookup`` turns a caller's key into a
    stored one: casefolded (R16), an object's canonical text (R17).
    """

    __slots__ = ("items", "lookup")

    def __init__(self, lookup: Callable[[Any], Any] | None = None) -> None:
        self.items: dict[str, Item] = {}
        self.lookup = lookup

    def put(self, key: str, old: Item | None, new: Item) -> None:
        """Store ``new`` under ``key`` (``old`` is what was there: an ordered table needs it). O(1)."""
        self.items[key] = new

    def pop(self, key: str) -> Item | None:
        """Remove and return the item of ``key``, or None. O(1)."""
        return self.items.pop(key, None)

    def reset(self) -> None:
        """Empty the table (a full message, a DELETE). O(1)."""
        self.items = {}

    def evict_to(self, bound: int) -> list[tuple[str, Item]]:
        """R7 for an ordered table; an unordered one has no first items and evicts nothing."""
        return []

    def keys_in_order(self) -> Iterator[str]:
        """Keys in code-point order, as snapshots list them. O(n log n)."""
        return iter(sorted(self.items))

    def ordered_items(self) -> Iterator[tuple[str, Item]]:
        items = self.items
        return ((k, items[k]) for k in self.keys_in_order())

    def check(self) -> None:
        """Invariants, for stress tests."""
        for k, v in self.items.items():
            assert isinstance(k, str) and isinstance(v, dict), (k, v)


class KeyedStore(Mapping[str, Mapping[str, Any]]):
    """A read-only view of one keyed collection (R12, R13); iterates keys in code-point order, as snapshots list
    them. It follows the cache. Items come back as read-only views.

    ``store[key]`` and ``key in store`` are O(1) (a key is casefolded for a case-insensitive collection, R16; an
    object key is looked up by its canonical text, R17); iteration sorts the keys, O(n log n).
    """

    __slots__ = ("_table",)

    def __init__(self, table: KeyedTable) -> None:
        self._table = table

    def __getitem__(self, key: Any) -> Mapping[str, Any]:
        table = self._table
        if table.lookup is not None:
            key = table.lookup(key)
        return read_only_item(table.items[key])

    def __contains__(self, key: object) -> bool:
        table = self._table
        if table.lookup is not None:
            try:
                key = table.lookup(key)
            except (TypeError, ValueError):
                return False
        return key in table.items

    def __iter__(self) -> Iterator[str]:
        return self._table.keys_in_order()

    def __len__(self) -> int:
        return len(self._table.items)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self)} items>"

    def _check(self) -> None:
        """The table's invariants, for stress tests."""
        self._table.check()


def raw_items(store: KeyedStore) -> Iterator[tuple[str, Item]]:
    """(key, stored item) of a store in its order, without read-only views: for the package's own writers
    (snapshots), which copy what they read. Not part of the public API: a caller changing these changes the cache."""
    return store._table.ordered_items()


def raw_entries(store: GenericStore) -> Iterator[tuple[str, Item]]:
    """(key, stored entry) of the generic store in key order, without read-only views (like `raw_items`)."""
    entries = store._entries
    return ((k, entries[k]) for k in sorted(entries))


class IdSetView(Set[str]):
    """A read-only view of an id set (R5); iterates in code-point order.

    ``id in view`` and ``len`` are O(1); iteration sorts, O(n log n).
    """

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
    """Messages of types in no schema row (R1), keyed ``__type`` or ``__type|subscriptionId``; read-only.

    ``store[key]`` and `entry` are O(1) (an entry comes back as a read-only view); iteration sorts, O(n log n).
    """

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
        """The store's key of a message type (R1): ``__type``, or ``__type|subscriptionId``."""
        return message_type if subscription_id is None else f"{message_type}|{subscription_id}"

    def entry(self, message_type: str, subscription_id: str | None = None) -> Mapping[str, Any] | None:
        """The merged entry of a type (and subscription id), read-only; None when none has arrived. O(1)."""
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
        return SubscriptionState.of(state)

    def subscription_error(
        self, message_type: str = "urn:inin.com:messaging:subscriptionStateMessage",
        subscription_id: str | None = None,
    ) -> Mapping[str, Any] | None:
        """The ``error`` of a subscription-state message kept here (read-only), or None."""
        e = self._entries.get(self.key(message_type, subscription_id))
        err = None if e is None else e.get("error")
        return read_only_item(err) if isinstance(err, dict) else None
