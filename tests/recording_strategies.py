"""Hypothesis strategies for the scrubber's tests: whole logs whose personal data is recognisable.

Every value the scrubber is meant to replace is drawn from `PERSONAL` (strings that end in ``·pii``) or
`PERSONAL_NUMBERS` (where a message carries a number in a personal property, as an invalid message may), and
nothing else is: ids, status ids, times, enums and structure come from other pools. So a test can say exactly
what must not survive (no ``·pii`` in any byte written) and predict the scrubbed snapshot (each personal value in
its pseudonym's place). Pools are small so that keys collide: the same user in several messages, a subscription
made, used and deleted.

Logs mix every kind of line replay reads: exchange records (subscriptions with bodies that name users, polls,
401s, a login with a password and tokens, malformed records), bare messages and polling arrays, lines that are not
JSON, blank lines, and invalid messages of every table type.
"""

from __future__ import annotations

import json
from typing import Any

from helpers import (
    ALIST,
    CONNECTION,
    DETAILS,
    DIRECTORY,
    HISTORY,
    PREFIX,
    QSTATE,
    QUEUE,
    SMESSAGES,
    STATISTICS,
    USTATUS,
)
from hypothesis import strategies as st

__all__ = [
    "PERSONAL",
    "PERSONAL_NUMBERS",
    "SECRETS",
    "log_lines",
    "render",
]

Json = Any
USER_STATUS, STATUS_MESSAGES, QUEUE_STATE, ASSIST_LIST, P = USTATUS, SMESSAGES, QSTATE, ALIST, PREFIX
CONFIG_USERS = P + "configuration.people:usersMessage"
CONFIG_SKILLS = P + "configuration.people:skillsMessage"

#: Personal data: names, addresses, numbers, user ids, notes, free text (some non-ASCII, one with a quote).
PERSONAL = (
    "Ana Lima·pii", "agent.smith·pii", "tel:+13175550101·pii", "sip:ana@example.com·pii", "Zoë Ødegård·pii",
    "called back about the bill·pii", "Bob \"the builder\"·pii", "sup1·pii", "ws-ana·pii",
)
USERS = PERSONAL[:4] + PERSONAL[7:8]
#: A subscription named after the user's queue is personal (the run must name that queue in a PUT body,
#: `log_lines` sees to it); the others are the client's own names and are kept.
USER_QUEUE = "agent.smith·pii"
SUB_IDS = ("q1", "q 2", USER_QUEUE)
#: Numbers where personal data belongs (an invalid message's phone number as an integer).
PERSONAL_NUMBERS = (5550100, 5550199, 3175550101)
#: What a login sends and gets: never to be written anywhere.
SECRETS = ("hunter2-secret-pw", "tok-5f2a-secret", "csrf-77c1-secret", "sess-90ab-secret")

INTERACTIONS = ("1001", "1002", "1003", "i4")
ASSISTANCE = ("a1", "a2")
STATUSES = ("Available", "Do Not Disturb", "Away")
TIMES = ("2026-11-22T09:00:00Z", "2026-11-22T09:30:00.250Z", "20261122T100000Z", "2026-11-22T10:15:00+01:00")
SESSION = "s-77"

personal = st.sampled_from(PERSONAL)
users = st.sampled_from(USERS)
#: Mostly a personal string, now and then a number where the string belongs (an invalid message).
personal_or_wrong = st.sampled_from(PERSONAL + PERSONAL_NUMBERS[:1] + PERSONAL[:4] + PERSONAL_NUMBERS[1:])


def _maybe(draw: st.DrawFn, d: dict[str, Any], key: str, values: st.SearchStrategy[Json]) -> None:
    if draw(st.booleans()):
        d[key] = draw(values)


@st.composite
def history_items(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {"interactionId": draw(st.sampled_from(INTERACTIONS))}
    _maybe(draw, item, "initiationTime", st.sampled_from(TIMES))
    _maybe(draw, item, "direction", st.integers(0, 2))
    for prop in ("remoteName", "remoteAddress", "localName", "localId", "notes", "log"):
        _maybe(draw, item, prop, personal_or_wrong if prop == "remoteAddress" else personal)
    return item


@st.composite
def messages(draw: st.DrawFn) -> Json:
    """A message of any kind the cache knows, personal data in its places; now and then an invalid one."""
    kind = draw(st.sampled_from(("history", "history", "queue", "queue_state", "status", "catalogue", "stats",
                                 "details", "list", "config", "skills", "generic", "connection", "junk")))
    delta = draw(st.booleans())
    if kind == "history":
        return {"__type": HISTORY, "isDelta": delta,
                "interactionHistory": draw(st.lists(history_items(), max_size=3))}
    if kind == "queue":
        def item() -> st.SearchStrategy[dict[str, Any]]:
            who = st.sampled_from((*PERSONAL, None))
            attributes = st.fixed_dictionaries({}, optional={
                "Eic_State": st.sampled_from(("A", "C", None)), "Eic_RemoteName": who, "Eic_LocalTn": who,
                "Eic_UserName": who})
            return st.fixed_dictionaries({"interactionId": st.sampled_from(INTERACTIONS), "attributes": attributes})
        m: dict[str, Any] = {"__type": QUEUE, "isDelta": delta, "subscriptionId": draw(st.sampled_from(SUB_IDS))}
        _maybe(draw, m, "interactionsAdded", st.lists(item(), max_size=2))
        _maybe(draw, m, "interactionsChanged", st.lists(item(), max_size=2))
        _maybe(draw, m, "interactionsRemoved", st.lists(st.sampled_from(INTERACTIONS), max_size=2))
        return m
    if kind == "queue_state":
        return {"__type": QUEUE_STATE, "isDelta": delta, "subscriptionId": draw(st.sampled_from(SUB_IDS)),
                "state": draw(st.integers(0, 3))}
    if kind == "status":
        status = st.fixed_dictionaries(
            {"userId": users, "statusId": st.sampled_from(STATUSES)},
            optional={"notes": personal, "forwardNumber": personal_or_wrong, "stations": st.lists(personal, max_size=2),
                      "statusChanged": st.sampled_from(TIMES), "loggedIn": st.booleans()})
        return {"__type": USER_STATUS, "isDelta": delta, "userStatusList": draw(st.lists(status, max_size=3))}
    if kind == "catalogue":
        return {"__type": STATUS_MESSAGES, "isDelta": delta,
                "statusMessagesAdded": [{"statusId": draw(st.sampled_from(STATUSES)), "messageText": "Available"}]}
    if kind == "stats":
        def key() -> st.SearchStrategy[dict[str, Any]]:
            param = st.sampled_from([{"parameterTypeId": "ININ.People.AgentStats:User", "value": u} for u in USERS]
                                    + [{"parameterTypeId": "ININ.Workgroup:Name", "value": "Sales"}])
            return st.fixed_dictionaries({"statisticIdentifier": st.sampled_from(("inin.agent:Calls", "inin.x:Y")),
                                          "parameterValueItems": st.lists(param, min_size=1, max_size=2)})
        change = st.fixed_dictionaries({"statisticKey": key()}, optional={"statisticValue": st.none() | st.just(
            {"__type": P + "statistics:statisticIntValue", "value": 3, "statisticValueType": 0})})
        return {"__type": STATISTICS, "isDelta": delta, "statisticValueChanges": draw(st.lists(change, max_size=2))}
    if kind == "details":
        participant = st.fixed_dictionaries({"userId": users}, optional={"displayName": personal,
                                                                         "action": st.integers(0, 3)})
        chat = st.fixed_dictionaries({"text": personal_or_wrong, "participantId": users,
                                      "timeAdded": st.sampled_from(TIMES)})
        m = {"__type": DETAILS, "isDelta": delta, "assistanceId": draw(st.sampled_from(ASSISTANCE))}
        _maybe(draw, m, "interactionId", st.sampled_from(INTERACTIONS))
        _maybe(draw, m, "participantsAdded", st.lists(participant, max_size=2))
        _maybe(draw, m, "participantsChanged", st.lists(participant, max_size=2))
        _maybe(draw, m, "messagesAdded", st.lists(chat, max_size=2))
        return m
    if kind == "list":
        return {"__type": ASSIST_LIST, "isDelta": delta,
                "requestsAdded": draw(st.lists(st.sampled_from(ASSISTANCE), max_size=2))}
    if kind in ("config", "skills"):
        if kind == "config":
            cid = st.fixed_dictionaries({"id": users}, optional={"displayName": personal})
            extra = {"extension": personal, "homeSite": st.fixed_dictionaries({"id": personal})}
        else:
            cid = st.fixed_dictionaries({"id": st.sampled_from(("skill-1", "skill-2"))},
                                        optional={"displayName": personal})
            extra = {"notes": personal}
        obj = st.fixed_dictionaries({"configurationId": cid}, optional=extra)
        m = {"__type": CONFIG_USERS if kind == "config" else CONFIG_SKILLS, "isDelta": delta,
             "subscriptionId": draw(st.sampled_from(SUB_IDS))}
        _maybe(draw, m, "added", st.lists(obj, max_size=2))
        _maybe(draw, m, "changed", st.lists(obj, max_size=2))
        if kind == "config":
            _maybe(draw, m, "removed", st.lists(users, max_size=1))
        return m
    if kind == "generic":
        return {"__type": DIRECTORY, "isDelta": delta, "subscriptionId": draw(personal),
                "entries": draw(st.lists(st.fixed_dictionaries({"name": personal, "count": st.integers(0, 9)}),
                                         max_size=2))}
    if kind == "connection":
        return {"__type": CONNECTION, "isDelta": False, "previousConnectionState": 1,
                "newConnectionState": draw(st.sampled_from((1, 2))), "reason": draw(personal)}
    # junk: not even a message (rejected by R8), personal strings inside
    return draw(st.sampled_from([{"isDelta": True, "remoteName": "Ana Lima·pii"}, "Zoë Ødegård·pii", 7,
                                 {"__type": HISTORY, "isDelta": "yes", "interactionHistory": []}]))


PATHS = ("interaction-history", "interactions/agent-assistance", "status/user-statuses",
         "statistics/statistic-values", "interactions/agent-assistance/a1")


@st.composite
def subscription_paths(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(("fixed", "queue", "config")))
    if kind == "queue":
        return "queues/" + draw(st.sampled_from(SUB_IDS))
    if kind == "config":
        return "configuration/users/" + draw(st.sampled_from(SUB_IDS))
    return draw(st.sampled_from(PATHS))


def _body(path: str, draw: st.DrawFn) -> Json:
    if path == "interaction-history":
        return {"numberOfHistoryMessages": draw(st.integers(1, 3))}
    if path == "status/user-statuses":
        return {"userIds": draw(st.lists(users, max_size=2))}
    if path.startswith("queues/"):
        return {"queueIds": [{"queueType": 1, "queueName": draw(users)}, {"queueType": 2, "queueName": "Sales"}],
                "attributeNames": ["Eic_State", "Eic_RemoteName"]}
    return _other_body(path, draw)


def _other_body(path: str, draw: st.DrawFn) -> Json:
    if path.startswith("configuration/"):
        return {"configurationIds": draw(st.lists(users, max_size=2)), "properties": ["extension"]}
    if path.startswith("statistics/"):
        return {"statisticKeys": [{"statisticIdentifier": "inin.agent:Calls", "parameterValueItems": [
            {"parameterTypeId": "ININ.People.AgentStats:User", "value": draw(users)}]}]}
    return None


def _url(path: str, quote_space: bool) -> str:
    return f"/icws/{SESSION}/messaging/subscriptions/" + (path.replace(" ", "%20") if quote_space else path)


ERROR = {"errorId": "error.x", "message": "The server said no."}


@st.composite
def lines(draw: st.DrawFn) -> Json:
    """One log line, as a JSON value (or a raw text, for a line that is not JSON)."""
    kind = draw(st.sampled_from(("put", "put", "delete", "poll", "poll", "message", "batch", "unauthorized",
                                 "login", "not-json", "malformed", "blank")))
    if kind in ("put", "delete"):
        path = draw(subscription_paths())
        status = draw(st.sampled_from((204, 200, 204, 400, 410, 500)))
        record: dict[str, Any] = {"method": "PUT" if kind == "put" else "DELETE",
                                  "path": _url(path, draw(st.booleans())), "status": status}
        body = _body(path, draw) if kind == "put" else None
        if body is not None:
            record["body"] = body
        if status >= 400:
            record["response"] = ERROR
        if draw(st.booleans()):
            record["at"] = draw(st.sampled_from(TIMES))
        return record
    if kind == "poll":
        return {"method": "GET", "path": f"/icws/{SESSION}/messaging/messages?x=1", "status": 200,
                "response": draw(st.lists(messages(), max_size=3)), "at": draw(st.sampled_from(TIMES))}
    if kind == "message":
        return draw(messages())
    if kind == "batch":
        return draw(st.lists(messages(), max_size=3))
    if kind == "unauthorized":
        return {"method": "GET", "path": f"/icws/{SESSION}/messaging/messages", "status": 401,
                "response": {"errorId": "error.request.session", "message": "The session is not valid."}}
    if kind == "login":
        password, token, csrf, session = SECRETS
        return {"method": "POST", "path": "/icws/connection", "status": 201,
                "body": {"__type": P + "connection:icAuthConnectionRequestSettings", "applicationName": "tests",
                         "userID": draw(users), "password": password, "marketplaceApplicationToken": token},
                "response": {"sessionId": session, "csrfToken": csrf, "userID": draw(users),
                             "userDisplayName": draw(personal), "alternateHostList": []}}
    if kind == "not-json":
        return {"raw": '{"__type": "' + HISTORY + '", "notes": "' + draw(personal) + '"'}
    if kind == "malformed":
        return {"method": "PUT", "path": _url("status/user-statuses", False), "status": "204",
                "body": {"userIds": [draw(users)]}}
    return {"blank": True}


USER_QUEUE_PUT = {"method": "PUT", "path": f"/icws/{SESSION}/messaging/subscriptions/queues/agent.smith%C2%B7pii",
                  "status": 204, "body": {"queueIds": [{"queueType": 1, "queueName": USER_QUEUE}]}}


@st.composite
def log_lines(draw: st.DrawFn) -> list[Json]:
    """A whole log: a list of lines (see `render`). A log that uses the user-queue subscription names that queue in
    a PUT body somewhere, maybe after the messages (the scrubber reads the whole run before it writes)."""
    values = draw(st.lists(lines(), min_size=1, max_size=16))
    if USER_QUEUE in json.dumps(values, ensure_ascii=False):
        values.insert(draw(st.integers(0, len(values))), USER_QUEUE_PUT)
    return values


def render(values: list[Json]) -> bytes:
    """The log file for `log_lines` values: one JSON text per line; ``{"raw": text}`` is written as the text (a
    line that is not JSON), ``{"blank": True}`` as an empty line."""
    out = []
    for v in values:
        if type(v) is dict and set(v) == {"raw"}:
            out.append(v["raw"])
        elif type(v) is dict and set(v) == {"blank"}:
            out.append("")
        else:
            out.append(json.dumps(v, ensure_ascii=False))
    return ("\n".join(out) + "\n").encode("utf-8")
