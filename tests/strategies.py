"""Hypothesis strategies for icws_state: valid ICWS messages, realistic input sequences, malformed input.

Everything here is written from the spec (``semantics.md`` sections 1-5 and ``schemas.md``), not read from the
library's schema table, so that a mistake in the table shows up as a failing property instead of being copied
into the tests. Ids come from small pools so that keys collide often (merges, removals, re-adds); the pools
mix cases and non-ASCII characters because ordering is by code point.

Besides strategies, this module holds the few oracle helpers the strategies imply: `icws_instant` (the instant
of a date-time, computed with the standard library rather than the library's own parser) and `play` (feed a
generated sequence of steps to a cache).
"""

from __future__ import annotations

import calendar
import contextlib
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from helpers import ALIST as ASSIST_LIST
from helpers import ASTATE as ASSIST_STATE
from helpers import DETAILS, HISTORY, QUEUE
from helpers import QSTATE as QUEUE_STATE
from helpers import SMESSAGES as STATUS_MESSAGES
from helpers import USTATUS as USER_STATUS
from hypothesis import strategies as st

from icws_state import StateCache

__all__ = [
    "ASSIST_LIST",
    "ASSIST_STATE",
    "CONFIG_USERS",
    "DETAILS",
    "HISTORY",
    "QUEUE",
    "QUEUE_STATE",
    "STATUS_MESSAGES",
    "USER_STATUS",
    "Step",
    "assistance_list_messages",
    "assistance_state_messages",
    "bad_datetimes",
    "carried",
    "config_ids",
    "configuration_items",
    "configuration_messages",
    "details_messages",
    "exchange_args",
    "generic_messages",
    "history_items",
    "history_messages",
    "icws_datetimes",
    "icws_instant",
    "invalid_messages",
    "json_values",
    "play",
    "queue_contents_messages",
    "queue_items",
    "queue_state_messages",
    "sequences",
    "status_messages_messages",
    "sub_url",
    "user_status_messages",
    "valid_messages",
]

Json = Any
Message = dict[str, Any]
#: One input of a generated sequence: ("apply", message), ("batch", [messages]) or ("record", (method, path,
#: status, body, response)).
Step = tuple[str, Any]

KNOWN_TYPES = (HISTORY, ASSIST_LIST, ASSIST_STATE, QUEUE, QUEUE_STATE, USER_STATUS, STATUS_MESSAGES, DETAILS)

# Property kinds of the spec's tables.
S, B, E, D, SL, MAP, OBJ = "string", "boolean", "enum", "date-time", "strings", "map", "object"

HISTORY_ITEM = {
    "interactionId": S, "initiationTime": D, "terminationTime": D, "direction": E,
    "interactionHistoryStatus": E,
    "log": S, "notes": S, "localAddress": S, "localId": S, "localName": S, "remoteAddress": S, "remoteId": S,
    "remoteName": S,
}
QUEUE_ITEM = {"interactionId": S, "attributes": MAP, "conferenceParentId": S}
USER_STATUS_ITEM = {
    "userId": S, "statusId": S, "notes": S, "forwardNumber": S, "presenceServer": S, "onPhone": B,
    "loggedIn": B,
    "onPhoneChanged": D, "statusChanged": D, "stations": SL, "icServers": SL, "until": OBJ,
}
STATUS_MESSAGE_ITEM = {
    "statusId": S, "messageText": S, "iconUri": S, "groupTag": S, "systemId": S, "canHaveDate": B,
    "canHaveTime": B, "isDoNotDisturbStatus": B, "isSelectableStatus": B, "isPersistentStatus": B,
    "isForwardStatus": B, "isAfterCallWorkStatus": B, "isAcdStatus": B, "isAllowFollowUpStatus": B,
}
PARTICIPANT = {"userId": S, "displayName": S, "action": E}
CHAT_MESSAGE = {"text": S, "participantId": S, "timeAdded": D}
DETAILS_SCALARS = {"interactionId": S, "state": E}

#: Unknown property names: never a known name of any row, so they are kept (items, scalars) or ignored (seeded
#: top-level), never rejected.
UNKNOWN_NAMES = ("custom", "x-extra", "Eic_Future", "zz")

ID_POOL = ("1001", "1002", "1003", "a", "b", "B", "é", "\U0001d7d8")
SUB_IDS = ("q1", "q 2")
ASSIST_IDS = ("a1", "a2")

# --------------------------------------------------------------------------------------------------
# Plain JSON
# --------------------------------------------------------------------------------------------------
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
)


def json_values(max_leaves: int = 8) -> st.SearchStrategy[Json]:
    """Any JSON value (nulls included; no NaN, which is not JSON and is not equal to itself)."""
    return st.recursive(
        _scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=max_leaves,
    )


#: Cheap JSON for property values: scalars, or one flat list or object of scalars.
small_json = st.one_of(_scalars, st.lists(_scalars, max_size=2),
                       st.dictionaries(st.text(max_size=3), _scalars, max_size=2))


ids = st.sampled_from(ID_POOL)
texts = st.text(max_size=6)


# --------------------------------------------------------------------------------------------------
# Date-times (section 1)
# --------------------------------------------------------------------------------------------------
@st.composite
def icws_datetimes(draw: st.DrawFn) -> str:
    """A valid ICWS date-time: basic or extended, optional fraction (any digits), Z / offset / nothing."""
    year = draw(st.one_of(st.integers(2024, 2027), st.integers(1, 9999)))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    hour, minute, second = draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59))
    basic = draw(st.booleans())
    frac = draw(st.one_of(st.just(""), st.text(alphabet="0123456789", min_size=1, max_size=9).map("."
                                                                                                  .__add__)))
    zone = draw(st.sampled_from(["Z", "", "offset"]))
    if zone == "offset":
        sign = draw(st.sampled_from("+-"))
        oh, om = draw(st.integers(0, 23)), draw(st.integers(0, 59))
        zone = f"{sign}{oh:02d}{om:02d}" if basic else f"{sign}{oh:02d}:{om:02d}"
    if basic:
        return f"{year:04d}{month:02d}{day:02d}T{hour:02d}{minute:02d}{second:02d}{frac}{zone}"
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{frac}{zone}"


_BAD_DATETIME_TEXTS = (
    "", "2026-11-22", "2026-11-22T10:00Z", "2026-11-22T10Z", "2026-11-22 10:00:00Z", "2026-11-22t10:00:00Z",
    "2026-11-22T10:00:00z", "2026-W47-1T10:00:00Z", "2026-11-22T10:00:00+05", "2026-11-22T10:00:00+0500",
    "20261122T100000+05:00", "2026-11-22T100000Z", "20261122T10:00:00Z", "2026-11-22T10:00:00.Z",
    "2026-11-22T10:00:00,5Z", "2026-326T10:00:00Z", "+2026-11-22T10:00:00Z", "26-11-22T10:00:00Z",
    " 2026-11-22T10:00:00Z", "2026-11-22T10:00:00Z ", "2026-11-22T10:00:00UTC", "2026-11-22T10:00:00-5:00",
    "\uff12\uff10\uff12\uff16-11-22T10:00:00Z",  # full-width digits
)


@st.composite
def _out_of_range_datetimes(draw: st.DrawFn) -> str:
    """Right shape, impossible value: month 13, 30 February, hour 24, second 60, offset +24:00, year 0."""
    y, mo, d, h, mi, s, oh, om = 2026, 11, 22, 10, 0, 0, 1, 0
    which = draw(st.sampled_from(["year", "month", "day", "hour", "minute", "second", "oh", "om"]))
    if which == "year":
        y = 0
    elif which == "month":
        mo = draw(st.sampled_from([0, *range(13, 100)]))
    elif which == "day":
        mo = draw(st.integers(1, 12))
        d = draw(st.sampled_from([0, *range(calendar.monthrange(y, mo)[1] + 1, 100)]))
    elif which == "hour":
        h = draw(st.integers(24, 99))
    elif which == "minute":
        mi = draw(st.integers(60, 99))
    elif which == "second":
        s = draw(st.integers(60, 99))
    elif which == "oh":
        oh = draw(st.integers(24, 99))
    else:
        om = draw(st.integers(60, 99))
    zone = which in ("oh", "om") or draw(st.booleans())
    if draw(st.booleans()):
        off = f"+{oh:02d}{om:02d}" if zone else "Z"
        return f"{y:04d}{mo:02d}{d:02d}T{h:02d}{mi:02d}{s:02d}{off}"
    off = f"-{oh:02d}:{om:02d}" if zone else "Z"
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{off}"


def bad_datetimes() -> st.SearchStrategy[Json]:
    """Values that are not ICWS date-times: wrong shapes, impossible dates, and non-strings."""
    return st.one_of(st.sampled_from(_BAD_DATETIME_TEXTS), _out_of_range_datetimes(),
                     _non_string_values())


_EPOCH = datetime(1, 1, 1)


def icws_instant(text: str) -> int:
    """The instant of a valid ICWS date-time in microseconds, by the standard library (an oracle, not the code
    under test). `datetime.fromisoformat` reads both forms in 3.11 and cuts fractions past six digits; the
    offset is applied as an integer so that year 1 and 9999 with an offset do not overflow."""
    dt = datetime.fromisoformat(text)
    off = dt.utcoffset() or timedelta(0)
    return (dt.replace(tzinfo=None) - _EPOCH) // timedelta(microseconds=1) - off // timedelta(microseconds=1)


# --------------------------------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------------------------------
def _error_objects() -> st.SearchStrategy[dict[str, Any]]:
    base = st.fixed_dictionaries({"message": texts}, optional={"errorId": texts})
    return base


def _valid_value(kind: str, *, nulls: bool) -> st.SearchStrategy[Json]:
    if kind == S:
        return texts
    if kind == B:
        return st.booleans()
    if kind == E:
        return st.integers(-2, 9)  # outside the known range is valid and kept (R8)
    if kind == D:
        return icws_datetimes()
    if kind == SL:
        return st.lists(texts, max_size=3)
    if kind == MAP:
        value = st.one_of(st.none(), texts) if nulls else texts
        return st.dictionaries(st.sampled_from(["Eic_State", "Eic_RemoteName", "Eic_Note", "k"]), value,
                               max_size=3)
    if kind == OBJ:
        obj = st.dictionaries(st.text(max_size=4), small_json, max_size=2)
        return st.one_of(st.none(), obj) if nulls else obj
    raise AssertionError(kind)


@st.composite
def _items(draw: st.DrawFn, fields: dict[str, str], key: str | None, *, nulls: bool,
           keys: st.SearchStrategy[str] = ids) -> Message:
    """One item: its key, a random subset of its known properties (valid), and maybe unknown ones.

    ``nulls``: the item is merged (changed, upsert), so ``null`` may clear a nullable or unknown property
    and a map value; a complete (added) item carries no ``null`` in a map. Unknown properties may be ``null``
    anywhere (left out of a complete item, kept in an append item).
    """
    item: Message = {}
    if key is not None:
        item[key] = draw(keys)
    for name, kind in fields.items():
        if name != key and draw(st.integers(0, 2)) == 0:
            item[name] = draw(_valid_value(kind, nulls=nulls))
    if draw(st.integers(0, 3)) == 0:
        item[draw(st.sampled_from(UNKNOWN_NAMES))] = draw(small_json)
    return item


def history_items(nulls: bool = True) -> st.SearchStrategy[Message]:
    return _items(HISTORY_ITEM, "interactionId", nulls=nulls)


def queue_items(nulls: bool) -> st.SearchStrategy[Message]:
    """Queue-interaction properties without the key (the caller sets ``interactionId``)."""
    return _items({k: v for k, v in QUEUE_ITEM.items() if k != "interactionId"}, None, nulls=nulls)


def _is_delta(delta: bool | None) -> st.SearchStrategy[bool]:
    return st.booleans() if delta is None else st.just(delta)


@st.composite
def _unknown_top(draw: st.DrawFn) -> Message:
    if draw(st.integers(0, 3)) > 0:
        return {}
    return {draw(st.sampled_from(UNKNOWN_NAMES)): draw(small_json)}


# --------------------------------------------------------------------------------------------------
# Valid messages, one strategy per type
# --------------------------------------------------------------------------------------------------
@st.composite
def history_messages(draw: st.DrawFn, delta: bool | None = None, min_items: int = 0,
                     max_items: int = 4) -> Message:
    """``historyMessage``: an optional ``interactionHistory`` of items keyed by ``interactionId`` (R4)."""
    msg: Message = {"__type": HISTORY, "isDelta": draw(_is_delta(delta))}
    if min_items > 0 or draw(st.integers(0, 5)) > 0:
        msg["interactionHistory"] = draw(st.lists(history_items(), min_size=min_items, max_size=max_items))
    msg.update(draw(_unknown_top()))
    return msg


@st.composite
def assistance_list_messages(draw: st.DrawFn, delta: bool | None = None) -> Message:
    """``assistanceRequestListMessage``: optional ``requestsAdded`` / ``requestsRemoved`` id lists (R5)."""
    msg: Message = {"__type": ASSIST_LIST, "isDelta": draw(_is_delta(delta))}
    for prop in ("requestsAdded", "requestsRemoved"):
        if draw(st.integers(0, 3)) > 0:
            msg[prop] = draw(st.lists(ids, max_size=4))
    msg.update(draw(_unknown_top()))
    return msg


@st.composite
def _state_messages(draw: st.DrawFn, type_: str, route: dict[str, str], delta: bool | None,
                    states: st.SearchStrategy[int]) -> Message:
    msg: Message = {"__type": type_, "isDelta": draw(_is_delta(delta)), **route, "state": draw(states)}
    if draw(st.booleans()):
        msg["error"] = draw(_error_objects())
    return msg


def assistance_state_messages(delta: bool | None = None,
                              states: st.SearchStrategy[int] | None = None) -> st.SearchStrategy[Message]:
    """``assistanceRequestSubscriptionStateMessage``: ``state`` 0-3 and an optional error object."""
    return _state_messages(ASSIST_STATE, {}, delta, states or st.integers(0, 3))


def queue_state_messages(sid: str = "q1", delta: bool | None = None,
                         states: st.SearchStrategy[int] | None = None) -> st.SearchStrategy[Message]:
    return _state_messages(QUEUE_STATE, {"subscriptionId": sid}, delta, states or st.integers(0, 3))


@st.composite
def _collection_message(draw: st.DrawFn, type_: str, delta: bool | None, route: dict[str, str], *,
                        fields: dict[str, str], key: str, added: str, changed: str, removed: str | None,
                        max_items: int = 4) -> Message:
    msg: Message = {"__type": type_, "isDelta": draw(_is_delta(delta)), **route}
    if draw(st.integers(0, 3)) > 0:
        msg[added] = draw(st.lists(_items(fields, key, nulls=False), max_size=max_items))
    if draw(st.integers(0, 3)) > 0:
        msg[changed] = draw(st.lists(_items(fields, key, nulls=True), max_size=max_items))
    if removed is not None and draw(st.integers(0, 3)) > 0:
        msg[removed] = draw(st.lists(ids, max_size=3))
    msg.update(draw(_unknown_top()))
    return msg


def queue_contents_messages(sid: str = "q1", delta: bool | None = None) -> st.SearchStrategy[Message]:
    """``queueContentsMessage`` for ``queues/<sid>``: added / changed (map ``attributes``) / removed (R12)."""
    return _collection_message(QUEUE, delta, {"subscriptionId": sid}, fields=QUEUE_ITEM, key="interactionId",
                               added="interactionsAdded", changed="interactionsChanged",
                               removed="interactionsRemoved")


def status_messages_messages(delta: bool | None = None) -> st.SearchStrategy[Message]:
    return _collection_message(STATUS_MESSAGES, delta, {}, fields=STATUS_MESSAGE_ITEM, key="statusId",
                               added="statusMessagesAdded", changed="statusMessagesChanged",
                               removed="statusMessagesRemoved")


@st.composite
def user_status_messages(draw: st.DrawFn, delta: bool | None = None) -> Message:
    """``userStatusMessage``: the required upsert list ``userStatusList`` keyed by ``userId`` (R13)."""
    items = st.lists(_items(USER_STATUS_ITEM, "userId", nulls=True), max_size=4)
    msg: Message = {"__type": USER_STATUS, "isDelta": draw(_is_delta(delta)), "userStatusList": draw(items)}
    msg.update(draw(_unknown_top()))
    return msg


@st.composite
def details_messages(draw: st.DrawFn, aid: str = "a1", delta: bool | None = None) -> Message:
    """``assistanceRequestDetailsMessage``: scalars, participants (added, changed), chat messages."""
    msg = draw(_collection_message(DETAILS, delta, {"assistanceId": aid}, fields=PARTICIPANT, key="userId",
                                   added="participantsAdded", changed="participantsChanged", removed=None))
    for name, kind in DETAILS_SCALARS.items():
        if draw(st.booleans()):
            msg[name] = draw(_valid_value(kind, nulls=False))
    if draw(st.booleans()):
        msg["messagesAdded"] = draw(st.lists(_items(CHAT_MESSAGE, None, nulls=True), max_size=3))
    if draw(st.booleans()):
        msg["participantsRemoved"] = draw(small_json)  # not named by the row: an unknown scalar (R15)
    return msg


#: A configuration-list type (``schemas.md`` 6.4); test_configuration holds the whole table of thirty.
CONFIG_USERS = "urn:inin.com:configuration.people:usersMessage"
#: Configuration ids: the shared pool (case pairs, non-ASCII) and the empty string, which is a valid id.
config_ids = st.sampled_from((*ID_POOL, ""))
#: A configuration object: ``configurationId`` (an object with a string ``id``, maybe ``displayName`` and ``uri``)
#: and properties the subscription asked for, unknown to the table: any JSON value, ``null`` included (R3 clears it
#: in a changed object and leaves it out of an added one).
configuration_items = st.fixed_dictionaries(
    {"configurationId": st.fixed_dictionaries({"id": config_ids}, optional={"displayName": texts, "uri": texts})},
    optional={name: small_json for name in ("extension", "displayName", "homeSite", "members", *UNKNOWN_NAMES)},
)


def configuration_messages(type_: str = CONFIG_USERS, sid: str = "all", delta: bool | None = None,
                           max_items: int = 4) -> st.SearchStrategy[Message]:
    """A configuration-list message for ``configuration/<segment>/<sid>``: ``added`` / ``changed`` objects keyed by
    ``configurationId.id`` and ``removed`` ids (R12), each list optional, maybe an unknown scalar (R15)."""
    objects = st.lists(configuration_items, max_size=max_items)
    return st.fixed_dictionaries(
        {"__type": st.just(type_), "isDelta": _is_delta(delta), "subscriptionId": st.just(sid)},
        optional={"added": objects, "changed": objects, "removed": st.lists(config_ids, max_size=3),
                  "revision": small_json},
    )


_GENERIC_TYPES = ("urn:inin.com:directories:directoryMessage",
                  "urn:inin.com:messaging:subscriptionStateMessage",
                  "urn:inin.com:people:chatMessage", "urn:example:x", "")


@st.composite
def generic_messages(draw: st.DrawFn, delta: bool | None = None) -> Message:
    """A message of a type in no row (R1): any properties (``null`` included), maybe a ``subscriptionId``."""
    other = st.text(max_size=8).filter(lambda s: s not in KNOWN_TYPES)
    t = draw(st.one_of(st.sampled_from(_GENERIC_TYPES), other))
    msg: Message = {"__type": t, "isDelta": draw(_is_delta(delta))}
    if draw(st.booleans()):
        msg["subscriptionId"] = draw(st.sampled_from(["d1", "d2", ""]))
    names = draw(st.lists(st.sampled_from(["entries", "state", "error", "name", *UNKNOWN_NAMES]), max_size=4,
                          unique=True))
    for n in names:
        msg[n] = draw(small_json)
    return msg


def valid_messages(delta: bool | None = None) -> st.SearchStrategy[Message]:
    """A valid message of any type: every row of the spec's table, and generic ones."""
    return st.one_of(
        history_messages(delta),
        assistance_list_messages(delta),
        assistance_state_messages(delta),
        st.sampled_from(SUB_IDS).flatmap(lambda s: queue_contents_messages(s, delta)),
        st.sampled_from(SUB_IDS).flatmap(lambda s: queue_state_messages(s, delta)),
        user_status_messages(delta),
        status_messages_messages(delta),
        st.sampled_from(ASSIST_IDS).flatmap(lambda a: details_messages(a, delta)),
        generic_messages(delta),
    )


# --------------------------------------------------------------------------------------------------
# Realistic sequences
# --------------------------------------------------------------------------------------------------
PATHS = ("interaction-history", "interactions/agent-assistance", "queues/q1", "queues/q 2",
         "status/user-statuses", "status/status-messages", "interactions/agent-assistance/a1")


def sub_url(path: str, session: str = "s1") -> str:
    """The request path of a subscription (percent-escaped, as a client sends it)."""
    return f"/icws/{session}/messaging/subscriptions/{quote(path)}"


def _message_for(path: str, delta: bool | None) -> st.SearchStrategy[Message]:
    if path == "interaction-history":
        return history_messages(delta)
    if path == "interactions/agent-assistance":
        return st.one_of(assistance_list_messages(delta), assistance_state_messages(delta))
    if path.startswith("queues/"):
        sid = path.split("/", 1)[1]
        return st.one_of(queue_contents_messages(sid, delta), queue_state_messages(sid, delta))
    if path == "status/user-statuses":
        return user_status_messages(delta)
    if path == "status/status-messages":
        return status_messages_messages(delta)
    return details_messages(path.rsplit("/", 1)[1], delta)


_responses = st.one_of(st.none(), _error_objects(), small_json)


@st.composite
def _record_step(draw: st.DrawFn, path: str) -> Step:
    kind = draw(st.sampled_from(["PUT 204", "PUT 204", "DELETE 204", "400", "500", "410", "401"]))
    url = sub_url(path)
    if kind == "PUT 204":
        body = None
        if path == "interaction-history" and draw(st.booleans()):
            body = {"numberOfHistoryMessages": draw(st.one_of(st.integers(0, 4), st.just(2.0), st.just("3")))}
        return ("record", ("PUT", url, 204, body, None))
    if kind == "DELETE 204":
        return ("record", ("DELETE", url, 204, None, None))
    if kind == "401":
        method, url = draw(st.sampled_from([("GET", "/icws/s1/messaging/messages"), ("PUT", url)]))
        return ("record", (method, url, 401, None, draw(_responses)))
    method = draw(st.sampled_from(["PUT", "DELETE"]))
    return ("record", (method, url, int(kind), None, draw(_responses)))


@st.composite
def sequences(draw: st.DrawFn, paths: Sequence[str] = PATHS, max_steps: int = 8,
              outcomes: bool = True) -> list[Step]:
    """A session as a client sees it: PUTs, a full message per path, then deltas, state messages, generic
    messages, polling batches and (with ``outcomes``) DELETE / 400 / 401 / 410 / 500 outcomes."""
    used = draw(st.lists(st.sampled_from(list(paths)), min_size=1, max_size=3, unique=True))
    steps: list[Step] = []
    for p in used:
        steps.append(("record", ("PUT", sub_url(p), 204, None, None)))
        steps.append(("apply", draw(_message_for(p, False))))
    kinds = ["delta", "delta", "any", "generic", "batch", *(["outcome", "outcome"] if outcomes else [])]
    for _ in range(draw(st.integers(0, max_steps))):
        kind = draw(st.sampled_from(kinds))
        p = draw(st.sampled_from(used))
        if kind == "delta":
            steps.append(("apply", draw(_message_for(p, True))))
        elif kind == "any":
            steps.append(("apply", draw(_message_for(p, None))))
        elif kind == "generic":
            steps.append(("apply", draw(generic_messages())))
        elif kind == "batch":
            steps.append(("batch", [draw(_message_for(p, True)) for _ in range(draw(st.integers(0, 2)))]))
        else:
            steps.append(draw(_record_step(p)))
    return steps


def play(cache: StateCache, steps: Sequence[Step]) -> None:
    """Feed generated steps to ``cache`` (lenient caches only: strict ones may raise on anomalies)."""
    for kind, value in steps:
        if kind == "apply":
            cache.apply(value)
        elif kind == "batch":
            cache.apply_batch(value)
        else:
            method, path, status, body, response = value
            cache.record_response(method, path, status, body, response)


# --------------------------------------------------------------------------------------------------
# Malformed input (every invalid case of R8)
# --------------------------------------------------------------------------------------------------
def _non_string_values() -> st.SearchStrategy[Json]:
    return json_values(4).filter(lambda v: type(v) is not str)


def _wrong_value(kind: str, *, merged: bool) -> st.SearchStrategy[Json]:
    """A value of the wrong JSON type for a known property of ``kind`` (``null`` included: known properties
    are not nullable, R3), e.g. an enum given as a boolean or as ``1.0``."""
    if kind == S:
        return _non_string_values()
    if kind == B:
        return json_values(4).filter(lambda v: type(v) is not bool)
    if kind == E:
        return st.one_of(st.booleans(), st.floats(allow_nan=False, allow_infinity=False), st.just(1.0),
                         json_values(4).filter(lambda v: type(v) is not int))
    if kind == D:
        return bad_datetimes()
    if kind == SL:
        return st.one_of(json_values(4).filter(lambda v: type(v) is not list),
                         st.lists(texts, max_size=2).flatmap(
                             lambda xs: _non_string_values().map(lambda bad: [*xs, bad])))
    if kind == MAP:
        bad_entry = json_values(4).filter(lambda v: type(v) is not str and (v is not None or not merged))
        return st.one_of(json_values(4).filter(lambda v: type(v) is not dict),
                         st.tuples(st.text(max_size=3), bad_entry).map(lambda kv: {kv[0]: kv[1]}))
    if kind == OBJ:  # `until` is nullable: only a non-object, non-null value is wrong
        return json_values(4).filter(lambda v: v is not None and type(v) is not dict)
    raise AssertionError(kind)


def _wrong_list_of_objects() -> st.SearchStrategy[Json]:
    return st.one_of(json_values(4).filter(lambda v: type(v) is not list),
                     _non_object_values().map(lambda v: [v]))


def _wrong_id_list() -> st.SearchStrategy[Json]:
    return st.one_of(json_values(4).filter(lambda v: type(v) is not list),
                     st.lists(ids, max_size=2).flatmap(
                         lambda xs: _non_string_values().map(lambda b: [*xs, b])))


def _non_object_values() -> st.SearchStrategy[Json]:
    return json_values(4).filter(lambda v: type(v) is not dict)


@st.composite
def _corrupt_item(draw: st.DrawFn, base: st.SearchStrategy[Message], prop: str, fields: dict[str, str],
                  merged: bool) -> Message:
    """A valid message whose list ``prop`` gets one item with a wrong-typed known property."""
    msg = draw(base)
    items = list(msg.get(prop) or [])
    bad_item = dict(draw(_items(fields, _key_of(fields), nulls=merged)))
    name = draw(st.sampled_from(sorted(fields)))
    bad_item[name] = draw(_wrong_value(fields[name], merged=merged))
    items.insert(draw(st.integers(0, len(items))), bad_item)
    msg[prop] = items
    return msg


def _key_of(fields: dict[str, str]) -> str | None:
    for k in ("interactionId", "userId", "statusId"):
        if k in fields:
            return k
    return None


@st.composite
def _set(draw: st.DrawFn, base: st.SearchStrategy[Message], prop: str,
         value: st.SearchStrategy[Json]) -> Message:
    msg = dict(draw(base))
    msg[prop] = draw(value)
    return msg


@st.composite
def _drop(draw: st.DrawFn, base: st.SearchStrategy[Message], prop: str) -> Message:
    msg = dict(draw(base))
    msg.pop(prop, None)
    return msg


@st.composite
def _history_without_key(draw: st.DrawFn) -> Message:
    msg = draw(history_messages(min_items=0))
    item = draw(history_items())
    if draw(st.booleans()):
        del item["interactionId"]
    else:
        item["interactionId"] = draw(_non_string_values())
    items = list(msg.get("interactionHistory", []))
    items.insert(draw(st.integers(0, len(items))), item)
    msg["interactionHistory"] = items
    return msg


def invalid_messages() -> st.SearchStrategy[Json]:
    """Input that R8 rejects, one strategy per invalid case of the spec (and of ``schemas.md``)."""
    qc = st.sampled_from(SUB_IDS).flatmap(queue_contents_messages)
    qs = st.sampled_from(SUB_IDS).flatmap(queue_state_messages)
    det = st.sampled_from(ASSIST_IDS).flatmap(details_messages)
    routed = st.one_of(history_messages(), assistance_list_messages(), assistance_state_messages(),
                       user_status_messages(), status_messages_messages(), generic_messages())
    bad_state = st.one_of(st.integers(max_value=-1), st.integers(min_value=4), st.booleans(),
                          st.sampled_from([1.0, 0.0, 2.5]), st.none(), texts,
                          st.lists(st.integers(0, 3), max_size=1))
    cases = [
        # not an object; __type not a string; isDelta not a boolean
        _non_object_values(),
        _set(valid_messages(), "__type", _non_string_values()),
        _drop(valid_messages(), "__type"),
        _set(valid_messages(), "isDelta", json_values(4).filter(lambda v: type(v) is not bool)),
        _drop(valid_messages(), "isDelta"),
        # a subscriptionId that is not a string (null included), on any type; an empty or missing route
        _set(routed, "subscriptionId", _non_string_values()),
        _set(st.one_of(qc, qs), "subscriptionId", st.one_of(_non_string_values(), st.just(""))),
        _drop(st.one_of(qc, qs), "subscriptionId"),
        _set(det, "assistanceId", st.one_of(_non_string_values(), st.just(""))),
        _drop(det, "assistanceId"),
        # subscription-state messages: state missing or outside 0-3; error not an error object
        _set(st.one_of(assistance_state_messages(), qs), "state", bad_state),
        _drop(st.one_of(assistance_state_messages(), qs), "state"),
        _set(st.one_of(assistance_state_messages(), qs), "error", st.one_of(
            _non_object_values(), st.fixed_dictionaries({}, optional={"errorId": texts}),
            st.fixed_dictionaries({"message": _non_string_values()}),
            st.fixed_dictionaries({"message": texts, "errorId": _non_string_values()}))),
        # history: items without a string interactionId; wrong types (bad date-times, enums as bool / float)
        _history_without_key(),
        _set(history_messages(), "interactionHistory", _wrong_list_of_objects()),
        _corrupt_item(history_messages(), "interactionHistory", HISTORY_ITEM, merged=True),
        # assistance list: id lists that are not lists of strings
        _set(assistance_list_messages(), "requestsAdded", _wrong_id_list()),
        _set(assistance_list_messages(), "requestsRemoved", _wrong_id_list()),
        # queue contents: wrong item types, map values that are not strings, removed not a list of strings
        _corrupt_item(qc, "interactionsAdded", QUEUE_ITEM, merged=False),
        _corrupt_item(qc, "interactionsChanged", QUEUE_ITEM, merged=True),
        _set(qc, "interactionsRemoved", _wrong_id_list()),
        _set(qc, "interactionsAdded", _wrong_list_of_objects()),
        # user statuses: required list, item types
        _drop(user_status_messages(), "userStatusList"),
        _set(user_status_messages(), "userStatusList", _wrong_list_of_objects()),
        _corrupt_item(user_status_messages(), "userStatusList", USER_STATUS_ITEM, merged=True),
        # status catalogue
        _corrupt_item(status_messages_messages(), "statusMessagesAdded", STATUS_MESSAGE_ITEM, merged=False),
        _corrupt_item(status_messages_messages(), "statusMessagesChanged", STATUS_MESSAGE_ITEM, merged=True),
        _set(status_messages_messages(), "statusMessagesRemoved", _wrong_id_list()),
        # assistance details: typed scalars (null is wrong there too), participants, chat messages
        _set(det, "interactionId", _non_string_values()),
        _set(det, "state", _wrong_value(E, merged=False)),
        _corrupt_item(det, "participantsAdded", PARTICIPANT, merged=False),
        _corrupt_item(det, "participantsChanged", PARTICIPANT, merged=True),
        _corrupt_item(det, "messagesAdded", CHAT_MESSAGE, merged=True),
        _set(det, "messagesAdded", _wrong_list_of_objects()),
    ]
    return st.one_of(cases)


# --------------------------------------------------------------------------------------------------
# Exchanges with arbitrary arguments (fuzzing record_response)
# --------------------------------------------------------------------------------------------------
_MESSAGES_URL = "/icws/s1/messaging/messages"
_MESSAGES_PATH = re.compile(r"/icws/[^/]+/messaging/messages$")


def exchange_args() -> st.SearchStrategy[tuple[Json, Json, Json, Json, Json]]:
    """(method, path, status, body, response): mostly plausible, sometimes of any JSON type."""
    method = st.one_of(st.sampled_from(["PUT", "DELETE", "GET", "POST", "put"]), json_values(3))
    path = st.one_of(
        st.sampled_from(PATHS).map(sub_url),
        st.sampled_from([_MESSAGES_URL, _MESSAGES_URL + "?x=1", "https://h:8019" + _MESSAGES_URL,
                         "/icws/s1/messaging/subscriptions/", "/icws/s1/other", "", "?",
                         "http://[/icws/s1/messaging/messages", "http://h:99999" + _MESSAGES_URL]),
        st.text(max_size=20),
        json_values(3),
    )
    status = st.one_of(st.sampled_from([200, 204, 400, 401, 410, 500, 302]), st.integers(), json_values(3))
    body = st.one_of(st.none(), st.fixed_dictionaries({"numberOfHistoryMessages": json_values(2)}),
                     json_values(4))
    response = st.one_of(st.none(), st.lists(st.one_of(valid_messages(), invalid_messages()), max_size=3),
                         json_values(4))
    return st.tuples(method, path, status, body, response)


def carried(method: Json, path: Json, status: Json, response: Json) -> int:
    """How many messages an exchange carries for ``stats.messages`` (section 5): a malformed record or a
    messages GET answered with a non-array counts as one rejected input, a well-formed exchange counts the
    messages of its response, and any other exchange nothing (a 401 ends the session and applies nothing)."""
    if type(method) is not str or type(path) is not str or type(status) is not int:
        return 1
    if status == 401 or method != "GET" or status != 200 or response is None:
        return 0
    bare = path.split("?", 1)[0].split("#", 1)[0]
    if "://" in path:
        with contextlib.suppress(ValueError):  # a URL urlsplit refuses (``http://[``) is matched as text
            bare = urlsplit(path).path
    if _MESSAGES_PATH.search(bare) is None:
        return 0
    return len(response) if type(response) is list else 1


