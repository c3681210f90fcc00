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
import enum
import json
import math
import re
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
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
    "CONNECTION_STATE",
    "DETAILS",
    "HISTORY",
    "HOSTILE_KEYS",
    "LONE_SURROGATES",
    "QUEUE",
    "QUEUE_STATE",
    "STATISTICS",
    "STATISTICS_PATH",
    "STATUS_ID_FAMILIES",
    "STATUS_MESSAGES",
    "USER_STATUS",
    "Colour",
    "DictSub",
    "ListSub",
    "Step",
    "StrSub",
    "assistance_list_messages",
    "assistance_state_messages",
    "bad_datetimes",
    "canonical_text",
    "carried",
    "case_status_messages",
    "common_form_datetimes",
    "config_ids",
    "configuration_items",
    "configuration_messages",
    "deep_values",
    "details_messages",
    "exchange_args",
    "generic_messages",
    "history_items",
    "history_messages",
    "hostile_exchanges",
    "hostile_messages",
    "hostile_values",
    "icws_datetimes",
    "icws_instant",
    "invalid_messages",
    "json_value_ok",
    "json_values",
    "key_like_values",
    "permuted",
    "play",
    "queue_contents_messages",
    "queue_items",
    "queue_state_messages",
    "sequences",
    "statistic_items",
    "statistic_keys",
    "statistics_messages",
    "status_ids",
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


def key_like_values() -> st.SearchStrategy[Any]:
    """Values a caller may pass as an object key (R17): JSON values, and some that are not JSON (NaN, infinities,
    keys that are no strings, sets) for which the canonical text must fail or read exactly as the encoder's."""
    odd = st.one_of(st.floats(), st.sets(st.integers(), max_size=2), st.binary(max_size=2))
    leaves = st.one_of(_scalars, odd)
    return st.recursive(leaves, lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.text(max_size=5), st.integers(0, 3), st.none()), inner, max_size=3)),
        max_leaves=10)


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


@st.composite
def common_form_datetimes(draw: st.DrawFn) -> str:
    """The shape servers send, ``YYYY-MM-DDTHH:MM:SS[.fff]Z``, with every field drawn a little past its range (month
    13, 31 April, 29 February of a common year, hour 24, year 0), and now and then one character that is no digit."""
    fields = [draw(st.integers(0, 9999)), draw(st.integers(0, 13)), draw(st.integers(0, 32)),
              draw(st.integers(0, 25)), draw(st.integers(0, 61)), draw(st.integers(0, 61))]
    y, mo, d, h, mi, s = fields
    millis = draw(st.one_of(st.just(""), st.integers(0, 999).map(".{:03d}".format)))
    text = f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{millis}Z"
    if draw(st.integers(0, 9)) == 0:
        i = draw(st.integers(0, len(text) - 1))
        text = text[:i] + draw(st.sampled_from(["x", " ", "\uff11", "-", ":"])) + text[i + 1:]
    return text


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
                        max_items: int = 4, keys: st.SearchStrategy[str] = ids) -> Message:
    msg: Message = {"__type": type_, "isDelta": draw(_is_delta(delta)), **route}
    if draw(st.integers(0, 3)) > 0:
        msg[added] = draw(st.lists(_items(fields, key, nulls=False, keys=keys), max_size=max_items))
    if draw(st.integers(0, 3)) > 0:
        msg[changed] = draw(st.lists(_items(fields, key, nulls=True, keys=keys), max_size=max_items))
    if removed is not None and draw(st.integers(0, 3)) > 0:
        msg[removed] = draw(st.lists(keys, max_size=3))
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




# --------------------------------------------------------------------------------------------------
# Statistics (R17: object keys) and status ids in case variants (R16)
# --------------------------------------------------------------------------------------------------
from helpers import STATISTICS  # noqa: E402

STATISTICS_PATH = "statistics/statistic-values"
from helpers import CONNECTION as CONNECTION_STATE  # noqa: E402

_STATISTIC_IDS = ("inin.workgroup:TotalAgents", "inin.queue:Waiting", "")
_PARAMETER_TYPES = ("ININ.People.WorkgroupStats:Workgroup", "ININ.Queue:Type")
_PARAMETER_VALUES = ("Sales", "sales", "é")
#: Extra key properties: numbers that differ only in their JSON text (2 and 2.0 are different keys, R17), and nested
#: objects whose properties may come in any order (the same key, whatever the order).
_KEY_EXTRAS: tuple[Any, ...] = (2, 2.0, True, None, "", [], {"b": 1, "a": [1, {"d": 0, "c": {"f": 1, "e": 2}}]})


@st.composite
def statistic_keys(draw: st.DrawFn) -> Message:
    """A ``statisticKey`` from small pools, so that keys collide often; ``{}`` is a key too (R17)."""
    key: Message = {}
    if draw(st.integers(0, 5)) > 0:
        key["statisticIdentifier"] = draw(st.sampled_from(_STATISTIC_IDS))
    if draw(st.booleans()):
        key["parameterValueItems"] = draw(st.lists(st.fixed_dictionaries(
            {"parameterTypeId": st.sampled_from(_PARAMETER_TYPES), "value": st.sampled_from(_PARAMETER_VALUES)}),
            max_size=2))
    if draw(st.integers(0, 3)) == 0:
        key[draw(st.sampled_from(["x", "a"]))] = draw(st.sampled_from(_KEY_EXTRAS))
    return key


_statistic_values = st.fixed_dictionaries({
    "__type": st.sampled_from(["urn:inin.com:statistics:statisticIntValue",
                               "urn:inin.com:statistics:statisticStringValue"]),
    "value": st.one_of(st.integers(0, 5), st.sampled_from(["a", "b"])),
    "statisticValueType": st.integers(0, 3),
})


@st.composite
def statistic_items(draw: st.DrawFn, nulls: bool = True) -> Message:
    """One item of ``statisticValueChanges`` (an upsert list, R13): the key, maybe a value (``null``: no current
    value, which R3 removes), maybe an unknown property (``null`` clears it)."""
    item: Message = {"statisticKey": draw(statistic_keys())}
    if draw(st.integers(0, 3)) > 0:
        item["statisticValue"] = draw(st.one_of(st.none(), _statistic_values) if nulls else _statistic_values)
    if draw(st.integers(0, 4)) == 0:
        item[draw(st.sampled_from(UNKNOWN_NAMES))] = draw(st.one_of(st.none(), small_json) if nulls else small_json)
    return item


@st.composite
def statistics_messages(draw: st.DrawFn, delta: bool | None = None, max_items: int = 4) -> Message:
    """``statisticValueMessage``: the required upsert list ``statisticValueChanges``, keyed by an object (R17)."""
    msg: Message = {"__type": STATISTICS, "isDelta": draw(_is_delta(delta)),
                    "statisticValueChanges": draw(st.lists(statistic_items(), max_size=max_items))}
    msg.update(draw(_unknown_top()))
    return msg


def canonical_text(key: Any) -> str:
    """R17's identity of an object key, as the spec spells it out."""
    return json.dumps(key, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@st.composite
def permuted(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with the properties of every object, at every level, in a drawn order (arrays keep theirs)."""
    if type(value) is dict:
        keys = draw(st.permutations(list(value)))
        return {k: draw(permuted(value[k])) for k in keys}
    if type(value) is list:
        return [draw(permuted(v)) for v in value]
    return value


#: Status ids in families whose members fold alike (R16, Python's ``str.casefold``): plain case, ``ß`` and ``SS``,
#: the Kelvin sign (U+212A) and ``K``, a final sigma; and near misses that do not fold alike (``İ``, U+0130, folds
#: to ``i`` plus a combining dot, so ``İstanbul`` is not ``istanbul``).
STATUS_ID_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("Available", "AVAILABLE", "available"),
    ("Do Not Disturb", "Do not disturb", "DO NOT DISTURB"),
    ("Straße", "STRASSE", "strasse"),
    ("Kelvin", "\u212aelvin", "KELVIN"),
    ("ΣΊΣΥΦΟΣ", "σίσυφος", "Σίσυφοσ"),
    ("İstanbul",),
    ("istanbul", "ISTANBUL"),
)
status_ids = st.sampled_from([s for family in STATUS_ID_FAMILIES for s in family])


def case_status_messages(delta: bool | None = None, max_items: int = 4) -> st.SearchStrategy[Message]:
    """``statusMessagesMessage`` whose ids (added, changed and removed) come in case variants (R16)."""
    return _collection_message(STATUS_MESSAGES, delta, {}, fields=STATUS_MESSAGE_ITEM, key="statusId",
                               added="statusMessagesAdded", changed="statusMessagesChanged",
                               removed="statusMessagesRemoved", max_items=max_items, keys=status_ids)


# --------------------------------------------------------------------------------------------------
# Hostile values (R8, v2: the JSON-value rule) and where they may stand
# --------------------------------------------------------------------------------------------------
#: Arrays and objects nested deeper than this are no value the cache keeps (the message is level 1).
MAX_DEPTH = 500
#: The smallest integer of more than 4300 digits.
_TOO_BIG = 10**4300


class StrSub(str):
    """A ``str`` subclass: not exactly a JSON string (R8, v2 settled)."""

    __slots__ = ()


class DictSub(dict[Any, Any]):
    """A ``dict`` subclass: not exactly a JSON object."""


class ListSub(list[Any]):
    """A ``list`` subclass: not exactly a JSON array."""


class Colour(enum.IntEnum):
    """An ``IntEnum`` member is an ``int`` subclass: not exactly a JSON integer."""

    RED = 1


def json_value_ok(value: Any, level: int = 1) -> bool:
    """The oracle of R8's JSON-value rule, from the spec's words: exactly dict, list, str, int, float, bool or None;
    string keys; finite floats; integers of at most 4300 digits; no array or object deeper than level 500
    (``value`` itself standing at ``level``). An explicit stack: the values it judges are deep."""
    stack: list[tuple[Any, int]] = [(value, level)]
    while stack:
        v, at = stack.pop()
        t = type(v)
        if t is dict:
            if at > MAX_DEPTH or any(type(k) is not str for k in v):
                return False
            stack.extend((x, at + 1) for x in v.values())
        elif t is list:
            if at > MAX_DEPTH:
                return False
            stack.extend((x, at + 1) for x in v)
        elif t is float:
            if not math.isfinite(v):
                return False
        elif t is int:
            if not -_TOO_BIG < v < _TOO_BIG:
                return False
        elif t is not str and t is not bool and v is not None:
            return False
    return True


#: Strings with lone surrogates, which a JSON decoder hands over for a ``\ud800`` escape: valid, and written back
#: as escapes. Never a high surrogate right before a low one: that pair is the one value whose file round trip
#: changes it (section 5 documents it), so it is left out here.
LONE_SURROGATES = ("\ud800", "\udfff", "a\udc00b", "\udc00\ud800", "\ud83d!", "x\ude00")
#: Other strings that are valid but easy to get wrong: line and paragraph separators, NEL, NUL, a BOM, the last
#: code point, quotes and backslashes, brackets (which a depth scan must not count inside strings).
_ODD_TEXTS = ("\u2028", "a\u2029b", "\x85", "\x00", "\ufeff", "\U0010ffff", '\\"', "[[{", "")
_CYCLIC_LIST: list[Any] = []
_CYCLIC_LIST.append(_CYCLIC_LIST)
_CYCLIC_DICT: dict[str, Any] = {}
_CYCLIC_DICT["self"] = _CYCLIC_DICT
#: Scalars and Python values that JSON cannot carry (and their valid neighbours): R8 rejects each of the invalid
#: ones wherever it stands. A value that contains itself is nested infinitely deep.
_HOSTILE_ATOMS: tuple[Any, ...] = (
    float("nan"), float("inf"), float("-inf"), -0.0, 1e308, 5e-324,
    _TOO_BIG, -_TOO_BIG, _TOO_BIG + 1, _TOO_BIG - 1, -(_TOO_BIG - 1), 2**64, -(2**63),
    (1, 2), (), {1, 2}, frozenset(), b"bytes", bytearray(b"x"), datetime(2026, 11, 22, 10, 0), Colour.RED,
    Decimal("1.5"), 1 + 2j, StrSub("s"), OrderedDict(a=1), DictSub(a=1), ListSub([1]), object(),
    _CYCLIC_LIST, _CYCLIC_DICT, *LONE_SURROGATES, *_ODD_TEXTS,
)
#: Object keys: not strings, or strings that are not exactly ``str``, or odd but valid ones.
HOSTILE_KEYS: tuple[Any, ...] = (1, 1.5, None, True, (1,), frozenset(), StrSub("k"), Colour.RED,
                                 "\ud800", "\u2028", "")
_keys = st.one_of(st.sampled_from(UNKNOWN_NAMES), st.sampled_from(HOSTILE_KEYS))


@st.composite
def deep_values(draw: st.DrawFn, level: int) -> Any:
    """Arrays and objects whose deepest container stands at level 499, 500, 501 or 502, the value itself standing
    at ``level``: R8's limit is hit from both sides. The innermost container holds a scalar (maybe a hostile one)
    or is empty."""
    deepest = draw(st.sampled_from([MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 2]))
    shape = draw(st.sampled_from(["list", "dict", "mixed"]))
    containers = deepest - level + 1
    value: Any
    if draw(st.booleans()):
        value, containers = ([] if shape == "list" else {}), containers - 1
    else:
        value = draw(st.sampled_from([0, "x", None, *_HOSTILE_ATOMS[:3]]))
    for i in range(containers):
        value = [value] if shape == "list" or (shape == "mixed" and i % 2) else {"k": value}
    return value


@st.composite
def hostile_values(draw: st.DrawFn, level: int = 2) -> Any:
    """A value standing at nesting ``level`` with something hostile in it: a hostile atom or a deep value, wrapped
    in up to two arrays or objects (whose keys may be hostile too)."""
    wraps = draw(st.integers(0, 2))
    value: Any = draw(st.one_of(st.sampled_from(_HOSTILE_ATOMS), deep_values(level + wraps)))
    for _ in range(wraps):
        if draw(st.booleans()):
            key = draw(_keys)
            value = {key: value, "plain": 1} if key != "plain" else {key: value}
        else:
            value = [draw(small_json), value]
    return value


@st.composite
def _entry(draw: st.DrawFn, level: int) -> dict[Any, Any]:
    """One property (``{key: value}``) whose value stands at ``level``; the key may be hostile too (a key that is
    not exactly a string is invalid whatever its value, a string, a boolean or null included)."""
    return {draw(_keys): draw(hostile_values(level))}


@st.composite
def _in_item(draw: st.DrawFn, base: st.SearchStrategy[Message], prop: str, item: st.SearchStrategy[Message],
             entry: st.SearchStrategy[dict[Any, Any]]) -> Message:
    """A valid message whose list ``prop`` holds one more item, carrying ``entry``."""
    msg = dict(draw(base))
    items = list(msg.get(prop) or [])
    items.insert(draw(st.integers(0, len(items))), {**draw(item), **draw(entry)})
    msg[prop] = items
    return msg


def _judged(messages: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, bool]]:
    """Messages whose hostile part stands where only the JSON-value rule judges it: valid exactly when the oracle
    says the whole message is a JSON value."""
    return messages.map(lambda m: (m, json_value_ok(m)))


@st.composite
def _top_level(draw: st.DrawFn) -> tuple[Any, bool]:
    """An unknown top-level property of any type: table types (seeded ones ignore it, the others keep it, R15),
    state messages, generic messages, the typed connection-state message (level 2)."""
    base = draw(st.one_of(valid_messages(), statistics_messages(), configuration_messages(),
                          st.fixed_dictionaries({"__type": st.just(CONNECTION_STATE), "isDelta": st.booleans(),
                                                 "previousConnectionState": st.integers(0, 2),
                                                 "newConnectionState": st.sampled_from([1, 1, 2]),
                                                 "reason": texts})))
    msg = {**base, **draw(_entry(2))}
    return msg, json_value_ok(msg)


@st.composite
def _until(draw: st.DrawFn) -> tuple[Any, bool]:
    """A user status's ``until`` (an object, nullable, kept as received): the hostile value inside it (level 5) or
    as ``until`` itself (level 4); or a hostile string in ``stations`` (a list of strings)."""
    where = draw(st.sampled_from(["inside", "itself", "stations"]))
    if where == "inside":
        value: Any = draw(_entry(5))
    elif where == "itself":
        value = draw(hostile_values(4))
    else:
        value = [draw(st.sampled_from(_HOSTILE_ATOMS))]
    prop = "stations" if where == "stations" else "until"
    msg = draw(_in_item(user_status_messages(), "userStatusList", _items(USER_STATUS_ITEM, "userId", nulls=True),
                        st.just({prop: value})))
    if where == "itself":
        return msg, (value is None or type(value) is dict) and json_value_ok(msg)
    if where == "stations":
        return msg, type(value[0]) is str
    return msg, json_value_ok(msg)


@st.composite
def _statistic(draw: st.DrawFn) -> tuple[Any, bool]:
    """Inside a ``statisticKey`` or a ``statisticValue`` (level 5), the key itself (level 4: it must be an object),
    or an unknown item property (level 4)."""
    where = draw(st.sampled_from(["key", "value", "item", "key itself"]))
    base = statistics_messages()
    if where == "item":
        return draw(_judged(_in_item(base, "statisticValueChanges", statistic_items(), _entry(4))))
    if where == "key itself":
        key = draw(hostile_values(4))
        msg = draw(_in_item(base, "statisticValueChanges", statistic_items(), st.just({"statisticKey": key})))
        return msg, type(key) is dict and json_value_ok(msg)
    inner = draw(statistic_keys()) if where == "key" else {"__type": "urn:inin.com:statistics:statisticIntValue"}
    prop = "statisticKey" if where == "key" else "statisticValue"
    item = {prop: {**inner, **draw(_entry(5))}}
    return draw(_judged(_in_item(base, "statisticValueChanges", statistic_items(), st.just(item))))


_ATTRIBUTE_VALUES = (*LONE_SURROGATES, *_ODD_TEXTS, None, float("nan"), _TOO_BIG, (1,), StrSub("v"), 1, True, ["v"],
                     {"v": "w"})


@st.composite
def _queue(draw: st.DrawFn) -> tuple[Any, bool]:
    """A queue interaction's ``attributes`` (a map: string keys, string values, ``null`` only in a changed item);
    an unknown interaction property (level 4); ids and the routing ``subscriptionId`` holding lone surrogates."""
    sid = draw(st.sampled_from([*SUB_IDS, *LONE_SURROGATES[:3]]))
    base = queue_contents_messages(sid)
    prop = draw(st.sampled_from(["interactionsAdded", "interactionsChanged"]))
    item = st.builds(lambda it, iid: {**it, "interactionId": iid}, queue_items(nulls=prop == "interactionsChanged"),
                     st.one_of(ids, st.sampled_from(LONE_SURROGATES)))
    if draw(st.booleans()):
        return draw(_judged(_in_item(base, prop, item, _entry(4))))
    key = draw(st.one_of(st.sampled_from(["Eic_State", "k"]), st.sampled_from(HOSTILE_KEYS)))
    value = draw(st.sampled_from(_ATTRIBUTE_VALUES))
    msg = draw(_in_item(base, prop, item, st.just({"attributes": {key: value}})))
    ok = type(key) is str and (type(value) is str or (value is None and prop == "interactionsChanged"))
    return msg, ok


@st.composite
def _elsewhere(draw: st.DrawFn) -> tuple[Any, bool]:
    """Unknown properties of history items, assistance participants and chat messages (kept with their nulls,
    R14), and configuration objects (and inside their ``configurationId``): level 4, or 5 inside."""
    which = draw(st.sampled_from(["history", "participant", "chat", "config", "configurationId"]))
    entry = _entry(4)
    if which == "history":
        item = st.builds(lambda it, iid: {**it, "interactionId": iid}, history_items(),
                         st.one_of(ids, st.sampled_from(LONE_SURROGATES)))
        return draw(_judged(_in_item(history_messages(), "interactionHistory", item, entry)))
    if which in ("participant", "chat"):
        base = st.sampled_from(ASSIST_IDS).flatmap(details_messages)
        if which == "participant":
            prop = draw(st.sampled_from(["participantsAdded", "participantsChanged"]))
            return draw(_judged(_in_item(base, prop, _items(PARTICIPANT, "userId", nulls=True), entry)))
        return draw(_judged(_in_item(base, "messagesAdded", _items(CHAT_MESSAGE, None, nulls=True), entry)))
    prop = draw(st.sampled_from(["added", "changed"]))
    base = configuration_messages().map(lambda m: {**m, prop: m.get(prop, [])})
    if which == "config":
        return draw(_judged(_in_item(base, prop, configuration_items, entry)))
    cid = {"id": draw(config_ids), **draw(_entry(5))}
    return draw(_judged(_in_item(base, prop, configuration_items, st.just({"configurationId": cid}))))


@st.composite
def hostile_messages(draw: st.DrawFn) -> tuple[Any, bool]:
    """(message, valid): a message of any type with a hostile value somewhere the cache keeps or ignores it, and
    whether R8 accepts it (the oracle `json_value_ok`, plus the typing of the place it stands in); or a hostile
    value given as the message itself. A valid message may still be rejected for a closed subscription."""
    as_message = st.one_of(
        st.sampled_from(_HOSTILE_ATOMS),
        valid_messages().map(OrderedDict),
        valid_messages().map(DictSub),
        generic_messages().map(lambda m: {**m, "__type": StrSub(m["__type"])}),
    ).map(lambda m: (m, False))
    # A drawn index rather than `one_of`: each place gets its share however large its examples are.
    places = (_top_level, _until, _statistic, _queue, _elsewhere, _top_level, _elsewhere)
    which = draw(st.integers(0, len(places)))
    got: tuple[Any, bool] = draw(as_message if which == len(places) else places[which]())
    return got


#: Request paths for hostile exchanges, raw (``quote`` cannot encode a lone surrogate): subscriptions, the messages
#: queue, and paths that name neither.
_EXCHANGE_PATHS = (*(f"/icws/s1/messaging/subscriptions/{p}" for p in PATHS),
                   "/icws/s1/messaging/subscriptions/queues/\ud800", "/icws/s1/messaging/subscriptions/x\u2028y",
                   _MESSAGES_URL, "/icws/s1/configuration/users", "")


@st.composite
def hostile_exchanges(draw: st.DrawFn) -> tuple[str, str, int, Any, Any]:
    """(method, path, status, body, response) of a well-formed exchange whose ``body`` or ``response`` (each level
    1) may hold a hostile value, or whose response is a polling array of hostile messages."""
    method = draw(st.sampled_from(["PUT", "DELETE", "GET", "POST"]))
    path = draw(st.sampled_from(_EXCHANGE_PATHS))
    status = draw(st.sampled_from([200, 204, 400, 401, 410, 500, 302, 99, 600, -1, _TOO_BIG, -_TOO_BIG]))
    clean = st.one_of(st.none(), _error_objects(), small_json,
                      st.fixed_dictionaries({"numberOfHistoryMessages": st.integers(0, 3)}))
    body = draw(st.one_of(clean, hostile_values(1)))
    if method == "GET" and path == _MESSAGES_URL and draw(st.booleans()):
        status = 200
        response = draw(st.one_of(st.lists(hostile_messages().map(lambda mv: mv[0]), max_size=3),
                                  hostile_values(1), st.none()))
        if draw(st.booleans()):
            body = None
    else:
        response = draw(st.one_of(clean, hostile_values(1),
                                  hostile_values(2).map(lambda v: {"message": "m", "detail": v})))
    return method, path, status, body, response
