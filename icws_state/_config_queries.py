"""Queries over the configuration lists (``schemas.md`` 6.4): a list by path, an object by id, user display names.

`ConfigurationQueries` is a base of `CacheQueries` (so of `StateCache`). Like the other queries it only reads the
cache's public read side (``data_paths``, ``path_data``, ``keyed``) when asked; nothing here runs while messages are
applied. Configuration objects carry whatever properties their subscription asked for, so they are returned as the
read-only mappings the cache holds, not as typed views. The display-name helpers are also what `CacheQueries` uses
to put names on user statuses (`UserPresence.display_name`, ``users_by_status(names=True)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._configuration import CONFIGURATION_ROWS, USERS
from ._readside import ReadSide
from ._stores import KeyedStore, raw_items

__all__ = ["ConfigurationQueries", "display_name", "display_names"]

#: Message type -> name of its collection, for every shipped configuration-list row.
_COLLECTIONS = {row.type: row.collections[0].name for row in CONFIGURATION_ROWS}
_USERS_PREFIX = USERS.path.partition("{")[0]
_USERS_COLLECTION = USERS.collections[0].name


def _list_at(cache: ReadSide, path: str) -> KeyedStore | None:
    got = cache.path_data(path)
    name = None if got is None else _COLLECTIONS.get(got[0])
    return None if name is None else cache.keyed(path, name)


def _users_lists(cache: ReadSide) -> list[KeyedStore]:
    """Every cached users list (``configuration/users/{id}``), in path order."""
    out = []
    for path in cache.data_paths():
        if path.startswith(_USERS_PREFIX):
            got = cache.path_data(path)
            store = cache.keyed(path, _USERS_COLLECTION) if got is not None and got[0] == USERS.type else None
            if store is not None:
                out.append(store)
    return out


def _name_of(user: Mapping[str, Any]) -> str | None:
    """A user object's ``displayName`` property when the subscription asked for it, else its
    ``configurationId.displayName``: the property is the one a changed item keeps current, while a changed
    item's ``configurationId`` replaces the cached one whole, with or without its display name."""
    name = user.get("displayName")
    if type(name) is str:
        return name
    cid = user.get("configurationId")
    name = cid.get("displayName") if isinstance(cid, Mapping) else None
    return name if type(name) is str else None


def display_name(cache: ReadSide, user_id: str) -> str | None:
    """The display name of ``user_id`` from the first cached users list (in path order) that names it, or None.

    Cost: O(p log p) to find the users lists among the p paths holding data, then O(1) per users list.
    """
    for store in _users_lists(cache):
        user = store.get(user_id)
        name = None if user is None else _name_of(user)
        if name is not None:
            return name
    return None


def display_names(cache: ReadSide) -> dict[str, str]:
    """User id -> display name over every cached users list (the first list in path order wins for an id).

    Cost: O(p log p + n log n) for n cached users objects; it builds one dict, so join many statuses through it.
    """
    out: dict[str, str] = {}
    for store in reversed(_users_lists(cache)):
        for user_id, user in raw_items(store):
            name = _name_of(user)
            if name is not None:
                out[user_id] = name
    return out


class ConfigurationQueries(ReadSide):
    """Queries over the configuration lists; a base of `CacheQueries`.

    A configuration list is read by its subscription path (``configuration/<segment>/<subscriptionId>``, as in
    ``cache.subscriptions``) and holds objects keyed by ``configurationId.id``. What is returned is read-only and
    comes from the cache as it is; after a DELETE clears the path, query again.
    """

    __slots__ = ()

    def configuration_paths(self) -> list[str]:
        """The paths holding a configuration list, sorted. Cost: O(p log p) over the p paths holding data."""
        out = []
        for path in self.data_paths():
            got = self.path_data(path)
            if got is not None and got[0] in _COLLECTIONS:
                out.append(path)
        return out

    def configuration_list(self, path: str) -> Mapping[str, Mapping[str, Any]] | None:
        """The objects of the configuration list at ``path`` by id, iterating in id (code-point) order; None when
        the path holds no configuration list.

        Cost: O(1); the mapping is the cache's own store, read-only (an item lookup is O(1), iterating sorts the
        n ids, O(n log n)). It follows later messages on the path until a DELETE clears it.

        >>> from icws_state import StateCache
        >>> cache = StateCache()
        >>> _ = cache.apply({"__type": "urn:inin.com:configuration.people:skillsMessage", "isDelta": False,
        ...                  "subscriptionId": "s", "added": [{"configurationId": {"id": "fr"}, "level": 3}]})
        >>> {k: dict(v) for k, v in cache.configuration_list("configuration/skills/s").items()}
        {'fr': {'configurationId': {'id': 'fr'}, 'level': 3}}
        """
        return _list_at(self, path)

    def configuration_object(self, path: str, object_id: str) -> Mapping[str, Any] | None:
        """The object ``object_id`` (its ``configurationId.id``) of the list at ``path``, read-only, or None.

        Cost: O(1).
        """
        store = _list_at(self, path)
        return None if store is None else store.get(object_id)

    def user_display_name(self, user_id: str) -> str | None:
        """The display name of ``user_id`` from a cached users list (``configuration/users/<id>``), or None.

        The user object's ``displayName`` property when its subscription asked for one, else the display name in
        its ``configurationId``; with several users lists, the first in path order that names the user.
        Cost: O(p log p) over the p paths holding data; for many users use `user_display_names`.
        """
        return display_name(self, user_id)

    def user_display_names(self) -> dict[str, str]:
        """User id -> display name for every user a cached users list names (as `user_display_name`).

        Cost: O(p log p + n log n) for n cached users objects.
        """
        return display_names(self)
