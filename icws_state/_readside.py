"""The read side of a cache, declared once: what the query mixins (`_queries`, `_config_queries`) may use.

`StateCache` implements each of these; the mixins call only them, so a query can never feed the cache or reach its
private state. Declared as a base class rather than a Protocol on ``self`` so that ``help()`` and the API docs show
plain method signatures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._history import HistoryStore
from ._stores import KeyedStore
from ._subscriptions import Subscription

__all__ = ["ReadSide"]


class ReadSide:
    """The part of a cache that queries read: stores, subscriptions and the data of each path (all read-only)."""

    __slots__ = ()

    @property
    def history(self) -> HistoryStore:
        raise NotImplementedError

    @property
    def subscriptions(self) -> Mapping[str, Subscription]:
        raise NotImplementedError

    def data_paths(self) -> list[str]:
        raise NotImplementedError

    def path_data(self, path: str) -> tuple[str, Mapping[str, Any], dict[str, Any]] | None:
        raise NotImplementedError

    def keyed(self, path: str, collection: str) -> KeyedStore | None:
        raise NotImplementedError
