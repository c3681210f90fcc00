"""Queries that read naturally: ``cache.user_status("u1").text``, ``cache.queue("q1").interaction("i3")``.

`CacheQueries` is a mixin of `StateCache`. It only reads, through the cache's public read side (``history``,
``path_data``, ``keyed``, ``data_paths``, ``subscriptions``), and builds typed views (`_views`) for what it
returns at the moment it is asked: nothing here runs while messages are applied. Paths come from the shipped
schema rows, so a query and the engine can never disagree about where a type's data lives.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from ._config_queries import ConfigurationQueries, display_name, display_names
from ._readside import ReadSide
from ._rows import ASSISTANCE_DETAILS, QUEUE_CONTENTS, STATISTIC_VALUES, STATUS_MESSAGES, USER_STATUSES
from ._schema import Row
from ._stores import KeyedStore
from ._subscriptions import Subscription
from ._views import (
    AssistanceRequest,
    HistoryItem,
    QueueInteraction,
    StatisticValue,
    StatusMessage,
    UserPresence,
    UserStatus,
    to_view,
)

__all__ = ["CacheQueries", "QueueContents"]

_NOTHING: Mapping[str, Mapping[str, Any]] = MappingProxyType({})
_NO_PROPERTIES: Mapping[str, Any] = MappingProxyType({})
_QUEUE_PREFIX = QUEUE_CONTENTS.path.partition("{")[0]
_DETAILS_PREFIX = ASSISTANCE_DETAILS.path.partition("{")[0]


def _ids_for(given: str, prefix: str) -> tuple[str, ...]:
    """The ids a query tries for what it was given: the id itself, then, for a path, the id in it."""
    if given.startswith(prefix) and len(given) > len(prefix):
        return (given, given[len(prefix):])
    return (given,)


def _ids_under(cache: ReadSide, row: Row, prefix: str) -> list[str]:
    out = []
    for path in cache.data_paths():
        if path.startswith(prefix):
            got = cache.path_data(path)
            if got is not None and got[0] == row.type:
                out.append(path[len(prefix):])
    return out


class QueueContents:
    """A live, read-only view of one queue subscription's contents (``queues/{subscriptionId}``).

    It reads the cache on every access, so it follows later messages, and reads as empty once a DELETE 204
    has cleared the queue. ``len(q)``, ``"i1" in q`` and ``iter(q)`` (interaction ids, sorted) work as on a
    mapping.
    `interaction` and `views` build typed `QueueInteraction` values, which do not change afterwards.
    """

    __slots__ = ("_cache", "_path", "subscription_id")

    def __init__(self, cache: ReadSide, subscription_id: str) -> None:
        self._cache = cache
        self.subscription_id = subscription_id
        self._path = QUEUE_CONTENTS.path_for(subscription_id)

    @property
    def path(self) -> str:
        """The queue's subscription path (``queues/<subscriptionId>``)."""
        return self._path

    @property
    def subscription(self) -> Subscription | None:
        """The lifecycle record of the queue's path (state, error, parameters), or None if never seen."""
        return self._cache.subscriptions.get(self._path)

    @property
    def interactions(self) -> Mapping[str, Mapping[str, Any]]:
        """Raw items by interaction id (read-only, sorted iteration); empty when the queue holds no data."""
        store = self._cache.keyed(self._path, QUEUE_CONTENTS.collections[0].name)
        return _NOTHING if store is None else store

    @property
    def properties(self) -> Mapping[str, Any]:
        """Unknown top-level properties the queue's messages carried (R15)."""
        got = self._cache.path_data(self._path)
        return _NO_PROPERTIES if got is None else got[1]

    def interaction(self, interaction_id: str) -> QueueInteraction | None:
        """One interaction as a typed view, or None when the queue does not hold it. O(1)."""
        raw = self.interactions.get(interaction_id)
        return None if raw is None else to_view(raw, QueueInteraction)

    def views(self) -> list[QueueInteraction]:
        """Every interaction as a typed view, sorted by interaction id."""
        return [to_view(raw, QueueInteraction) for raw in self.interactions.values()]

    def attribute(self, interaction_id: str, name: str) -> str | None:
        """One attribute value (``q.attribute("i1", "Eic_State")``); None when absent.

        ICWS attribute names are case-insensitive (R16's note): the exact spelling is preferred, then any
        spelling that folds alike (the first in code-point order). O(1) for an exact hit, O(attributes) otherwise.
        """
        raw = self.interactions.get(interaction_id)
        if raw is None:
            return None
        attributes = raw.get("attributes", {})
        value = attributes.get(name)
        if value is None:
            folded = name.casefold()
            value = next((attributes[k] for k in sorted(attributes) if k.casefold() == folded), None)
        return value if isinstance(value, str) else None

    def __len__(self) -> int:
        return len(self.interactions)

    def __contains__(self, interaction_id: object) -> bool:
        return interaction_id in self.interactions

    def __iter__(self) -> Iterator[str]:
        return iter(self.interactions)

    def __repr__(self) -> str:
        return f"<QueueContents {self.subscription_id!r}: {len(self)} interactions>"


class CacheQueries(ConfigurationQueries):
    """Typed queries over the cache's state; mixed into `StateCache`.

    Every method reads the current state and returns new immutable views (or raw read-only mappings where it
    says so); none changes the cache. A lookup by id costs O(1) plus building one view; a listing builds n
    views.
    """

    __slots__ = ()

    # -- interaction history ---------------------------------------------------------------------------------
    def history_item(self, interaction_id: str) -> HistoryItem | None:
        """The history item of ``interaction_id`` as a typed view, or None if it is not cached."""
        raw = self.history.get(interaction_id)
        return None if raw is None else to_view(raw, HistoryItem)

    def history_items(self, newest_first: bool = False) -> list[HistoryItem]:
        """Every history item in R6 order (oldest first), or newest first."""
        raws = self.history.newest_first() if newest_first else self.history.ordered
        return [to_view(raw, HistoryItem) for raw in raws]

    # -- queues ----------------------------------------------------------------------------------------------
    def queue_ids(self) -> list[str]:
        """The subscription ids of the queues whose contents are cached, sorted."""
        return _ids_under(self, QUEUE_CONTENTS, _QUEUE_PREFIX)

    def queue(self, subscription_id: str) -> QueueContents | None:
        """The contents of queue subscription ``subscription_id`` (``"q1"``); None until a contents message
        arrives. O(1).

        Typed queries take the id a message carries (a queue's ``subscriptionId``, an assistance id, a user id);
        the store accessors (`keyed`, `path_data`, ``subscriptions[...]``) take subscription paths. The path
        ``"queues/q1"`` is accepted here too, for an id that is not itself cached.
        """
        for candidate in _ids_for(subscription_id, _QUEUE_PREFIX):
            got = self.path_data(QUEUE_CONTENTS.path_for(candidate))
            if got is not None and got[0] == QUEUE_CONTENTS.type:
                return QueueContents(self, candidate)
        return None

    # -- statuses --------------------------------------------------------------------------------------------
    def status_message(self, status_id: str) -> StatusMessage | None:
        """The catalogue entry of ``status_id``, or None if the catalogue does not hold it."""
        return _status_message(self, status_id)

    def status_messages(self) -> dict[str, StatusMessage]:
        """The whole status-message catalogue by status id as the catalogue spells it, in folded-id order (R16).

        ``status_message(id)`` finds an entry whatever the case of ``id``. O(n) views.
        """
        store = self.keyed(STATUS_MESSAGES.path, STATUS_MESSAGES.collections[0].name)
        if store is None:
            return {}
        return {raw["statusId"]: to_view(raw, StatusMessage) for raw in store.values()}

    def user_status(self, user_id: str) -> UserPresence | None:
        """The status of ``user_id`` joined with the catalogue (``.text``, ``.icon_uri``), or None."""
        store = _user_store(self)
        raw = None if store is None else store.get(user_id)
        if raw is None:
            return None
        return _presence(self, to_view(raw, UserStatus))

    def user_statuses(self) -> dict[str, UserPresence]:
        """Every cached user status, joined with the catalogue and the users lists, by user id in user-id order."""
        store = _user_store(self)
        if store is None:
            return {}
        names = display_names(self)
        catalogue: dict[str, StatusMessage | None] = {}
        out = {}
        for user_id, raw in store.items():
            status = to_view(raw, UserStatus)
            sid = status.status_id
            if sid is not None and sid not in catalogue:
                catalogue[sid] = _status_message(self, sid)
            out[user_id] = UserPresence(user_id=user_id, status=status,
                                        message=None if sid is None else catalogue[sid],
                                        display_name=names.get(user_id))
        return out

    def users_by_status(self, *, names: bool = False) -> dict[str, list[str]]:
        """User ids grouped by status, groups sorted by name, users in user-id order; users without a
        ``statusId`` are left out. O(n log n).

        Status ids are compared ignoring case (R16): a group is named by the catalogue's spelling of its status,
        or, for a status the catalogue lacks, by the spelling of its first user in user-id order. ``names=True``
        shows each user by its display name from a cached users list (`user_display_names`), or by its id where
        none names it, still in user-id order: what a presence view lists.
        """
        store = _user_store(self)
        catalogue = self.keyed(STATUS_MESSAGES.path, STATUS_MESSAGES.collections[0].name)
        groups: dict[str, tuple[str, list[str]]] = {}
        labels = display_names(self) if names and store is not None else {}
        if store is not None:
            for user_id, raw in store.items():
                sid = raw.get("statusId")
                if isinstance(sid, str):
                    folded = sid.casefold()
                    group = groups.get(folded)
                    if group is None:
                        entry = None if catalogue is None else catalogue.get(sid)
                        group = groups[folded] = (sid if entry is None else entry["statusId"], [])
                    group[1].append(labels.get(user_id, user_id))
        return dict(sorted(groups.values()))

    # -- statistics --------------------------------------------------------------------------------------------
    def statistic_value(self, key: Mapping[str, Any] | str, *parameter_values: str) -> StatisticValue | None:
        """One statistic value (R17), by its ``statisticKey`` object (O(1)), or by a statistic id and the values
        of its parameters in order (O(n)); None when it is not cached.

        >>> from icws_state import StateCache
        >>> cache = StateCache()
        >>> k = {"statisticIdentifier": "inin.workgroup:TotalAgents",
        ...      "parameterValueItems": [{"parameterTypeId": "ININ.People.WorkgroupStats:Workgroup", "value": "Sales"}]}
        >>> v = {"__type": "urn:inin.com:statistics:statisticIntValue", "value": 4, "statisticValueType": 0}
        >>> _ = cache.apply({"__type": "urn:inin.com:statistics:statisticValueMessage", "isDelta": False,
        ...                  "statisticValueChanges": [{"statisticKey": k, "statisticValue": v}]})
        >>> cache.statistic_value(k).value
        4
        >>> cache.statistic_value("inin.workgroup:TotalAgents", "Sales").value
        4
        """
        store = _statistics_store(self)
        if store is None:
            return None
        if not isinstance(key, str):
            raw = store.get(key)  # type: ignore[call-overload]  # an object key (R17): looked up by its text
            return None if raw is None else to_view(raw, StatisticValue)
        wanted = list(parameter_values)
        for raw in store.values():
            skey = raw["statisticKey"]
            if skey.get("statisticIdentifier") == key and _parameter_values(skey) == wanted:
                return to_view(raw, StatisticValue)
        return None

    def statistic_values(self, statistic_id: str | None = None) -> list[StatisticValue]:
        """Every cached statistic value, or those of one ``statisticIdentifier``, in canonical-key order. O(n)."""
        store = _statistics_store(self)
        if store is None:
            return []
        return [to_view(raw, StatisticValue) for raw in store.values()
                if statistic_id is None or raw["statisticKey"].get("statisticIdentifier") == statistic_id]

    # -- assistance-request details --------------------------------------------------------------------------
    def assistance_request_ids(self) -> list[str]:
        """Ids of the assistance requests whose details are cached, sorted.

        Not the same as ``cache.assistance_requests``: that is the id set of the list subscription, this is
        which ``interactions/agent-assistance/{id}`` paths hold details.
        """
        return _ids_under(self, ASSISTANCE_DETAILS, _DETAILS_PREFIX)

    def assistance_request(self, assistance_id: str) -> AssistanceRequest | None:
        """The details of one assistance request (participants by user id, messages in order), or None. O(n) in
        its participants and messages. The path ``interactions/agent-assistance/<id>`` is accepted too."""
        for candidate in _ids_for(assistance_id, _DETAILS_PREFIX):
            got = self.path_data(ASSISTANCE_DETAILS.path_for(candidate))
            if got is not None and got[0] == ASSISTANCE_DETAILS.type:
                assistance_id = candidate
                break
        else:
            return None
        _, properties, parts = got
        details: dict[str, Any] = {
            "assistanceId": assistance_id,
            "participants": list(parts[ASSISTANCE_DETAILS.collections[0].name].values()),
            "messages": parts[ASSISTANCE_DETAILS.appends[0].name],
            "properties": properties,
        }
        for name in ("interactionId", "state"):
            if properties.get(name) is not None:
                details[name] = properties[name]
        return to_view(details, AssistanceRequest)


def _statistics_store(cache: ReadSide) -> KeyedStore | None:
    return cache.keyed(STATISTIC_VALUES.path, STATISTIC_VALUES.collections[0].name)


def _parameter_values(statistic_key: Mapping[str, Any]) -> list[Any]:
    items = statistic_key.get("parameterValueItems")
    if not isinstance(items, Sequence) or isinstance(items, str):
        return []
    return [p.get("value") if isinstance(p, Mapping) else None for p in items]


def _user_store(cache: ReadSide) -> KeyedStore | None:
    return cache.keyed(USER_STATUSES.path, USER_STATUSES.collections[0].name)


def _status_message(cache: ReadSide, status_id: str) -> StatusMessage | None:
    store = cache.keyed(STATUS_MESSAGES.path, STATUS_MESSAGES.collections[0].name)
    raw = None if store is None else store.get(status_id)
    return None if raw is None else to_view(raw, StatusMessage)


def _presence(cache: ReadSide, status: UserStatus) -> UserPresence:
    sid = status.status_id
    message = None if sid is None else _status_message(cache, sid)
    return UserPresence(user_id=status.user_id, status=status, message=message,
                        display_name=display_name(cache, status.user_id))
