"""The rows the library ships: the seeded types, those of ``schemas.md`` (6.2, with contract v2's statistics row and
the connection-state type of R18) and the thirty configuration lists (6.4, built in `_configuration`).

`default_schema` is built once, when this module is first imported, and shared: a `Schema` is immutable, so every
new `StateCache` can use the same table, and extending it (`Schema.with_row`) makes a new one.
"""

from __future__ import annotations

from ._configuration import CONFIGURATION_ROWS
from ._schema import AppendList, Collection, GenericType, IdSet, Kind, Row, Schema

__all__ = [
    "ASSISTANCE_DETAILS",
    "ASSISTANCE_LIST",
    "ASSISTANCE_STATE",
    "CONNECTION_STATE",
    "HISTORY",
    "QUEUE_CONTENTS",
    "QUEUE_STATE",
    "STATISTIC_VALUES",
    "STATUS_MESSAGES",
    "USER_STATUSES",
    "default_schema",
]

_S, _B, _E, _D = Kind.STRING, Kind.BOOLEAN, Kind.ENUM, Kind.DATETIME
_PREFIX = "urn:inin.com:"

HISTORY = Row(
    type=_PREFIX + "interactions:historyMessage",
    path="interaction-history",
    collections=(
        Collection(
            name="history",
            key="interactionId",
            upsert="interactionHistory",
            order_by="initiationTime",
            bound_parameter="numberOfHistoryMessages",
            item={
                "interactionId": _S,
                "initiationTime": _D,
                "terminationTime": _D,
                "direction": _E,
                "interactionHistoryStatus": _E,
                "log": _S,
                "notes": _S,
                "localAddress": _S,
                "localId": _S,
                "localName": _S,
                "remoteAddress": _S,
                "remoteId": _S,
                "remoteName": _S,
            },
        ),
    ),
    exported_as="history",
)
ASSISTANCE_LIST = Row(
    type=_PREFIX + "interactions.assistance:assistanceRequestListMessage",
    path="interactions/agent-assistance",
    id_sets=(IdSet(name="assistanceRequests", added="requestsAdded", removed="requestsRemoved"),),
    exported_as="assistanceRequests",
)
ASSISTANCE_STATE = Row(
    type=_PREFIX + "interactions.assistance:assistanceRequestSubscriptionStateMessage",
    path="interactions/agent-assistance",
    state=True,
)
QUEUE_CONTENTS = Row(
    type=_PREFIX + "queues:queueContentsMessage",
    path="queues/{subscriptionId}",
    route="subscriptionId",
    collections=(
        Collection(
            name="interactions",
            key="interactionId",
            added="interactionsAdded",
            changed="interactionsChanged",
            removed="interactionsRemoved",
            item={"interactionId": _S, "attributes": Kind.MAP, "conferenceParentId": _S},
        ),
    ),
)
QUEUE_STATE = Row(type=_PREFIX + "queues:queueSubscriptionStateMessage", path="queues/{subscriptionId}",
                  route="subscriptionId", state=True)
USER_STATUSES = Row(
    type=_PREFIX + "status:userStatusMessage",
    path="status/user-statuses",
    collections=(
        Collection(
            name="userStatusList",
            key="userId",
            upsert="userStatusList",
            item={
                "userId": _S, "statusId": _S, "notes": _S, "forwardNumber": _S, "presenceServer": _S,
                "onPhone": _B, "loggedIn": _B, "onPhoneChanged": _D, "statusChanged": _D,
                "stations": Kind.STRING_LIST, "icServers": Kind.STRING_LIST, "until": Kind.OBJECT,
            },
            nullable={"until"},
        ),
    ),
    required={"userStatusList"},
)
STATUS_MESSAGES = Row(
    type=_PREFIX + "status:statusMessagesMessage",
    path="status/status-messages",
    collections=(
        Collection(
            name="statusMessages",
            key="statusId",
            added="statusMessagesAdded",
            changed="statusMessagesChanged",
            removed="statusMessagesRemoved",
            item={
                "statusId": _S, "messageText": _S, "iconUri": _S, "groupTag": _S, "systemId": _S,
                "canHaveDate": _B, "canHaveTime": _B, "isDoNotDisturbStatus": _B, "isSelectableStatus": _B,
                "isPersistentStatus": _B, "isForwardStatus": _B, "isAfterCallWorkStatus": _B, "isAcdStatus": _B,
                "isAllowFollowUpStatus": _B,
            },
            case_insensitive=True,
        ),
    ),
)
STATISTIC_VALUES = Row(
    type=_PREFIX + "statistics:statisticValueMessage",
    path="statistics/statistic-values",
    collections=(
        Collection(
            name="statisticValueChanges",
            key="statisticKey",
            upsert="statisticValueChanges",
            item={"statisticKey": Kind.OBJECT, "statisticValue": Kind.OBJECT},
            nullable={"statisticValue"},
            object_key=True,
        ),
    ),
    required={"statisticValueChanges"},
)
ASSISTANCE_DETAILS = Row(
    type=_PREFIX + "interactions.assistance:assistanceRequestDetailsMessage",
    path="interactions/agent-assistance/{assistanceId}",
    route="assistanceId",
    scalars={"interactionId": _S, "state": _E},
    collections=(
        Collection(
            name="participants",
            key="userId",
            added="participantsAdded",
            changed="participantsChanged",
            item={"userId": _S, "displayName": _S, "action": _E},
        ),
    ),
    appends=(AppendList(name="messages", source="messagesAdded",
                        item={"text": _S, "participantId": _S, "timeAdded": _D}),),
)

#: R18: the server tells the client its session's connection changed; ``newConnectionState`` 2 (Down) ends it.
CONNECTION_STATE = GenericType(
    type=_PREFIX + "connection:connectionStateChangeMessage",
    scalars={"previousConnectionState": _E, "newConnectionState": _E, "reason": _S, "shouldReconnect": _B},
    required={"previousConnectionState", "newConnectionState", "reason"},
    ends_session=("newConnectionState", 2),
    reason="reason",
)


def _build() -> Schema:
    schema = Schema({}, {CONNECTION_STATE.type: CONNECTION_STATE})
    for row in (HISTORY, ASSISTANCE_LIST, ASSISTANCE_STATE, QUEUE_CONTENTS, QUEUE_STATE, USER_STATUSES,
                STATUS_MESSAGES, STATISTIC_VALUES, ASSISTANCE_DETAILS, *CONFIGURATION_ROWS):
        schema = schema.with_row(row)
    return schema


_DEFAULT = _build()


def default_schema() -> Schema:
    """The table the library ships (built once, shared: a `Schema` cannot change)."""
    return _DEFAULT
