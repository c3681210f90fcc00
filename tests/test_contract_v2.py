"""Contract v2, rule by rule, with concrete messages: any 2xx succeeds, R16 case-insensitive keys, R17 object keys,
R18 connection state, R8's JSON-value rule and its 500-level boundary, the rejected list's bound."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from enum import IntEnum
from typing import Any

import pytest
from helpers import (
    CONNECTION,
    HISTORY_PATH,
    SMESSAGES,
    STATISTICS,
    USTATUS,
    delete,
    end_session,
    hist,
    item,
    put,
    request,
)

from icws_state import InvalidMessage, SessionChanged, StateCache
from icws_state._rejected import KEEP_REJECTED, KEEP_REJECTED_MESSAGES

STATUSES, CATALOGUE, STATS = USTATUS, SMESSAGES, STATISTICS
STATS_PATH = "statistics/statistic-values"


def deep(levels: int) -> Any:
    """A list nested ``levels`` deep (``deep(1)`` is ``[]``)."""
    value: Any = []
    for _ in range(levels - 1):
        value = [value]
    return value


# --- any 2xx ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [200, 201, 204, 299])
def test_any_2xx_put_opens_and_any_2xx_delete_closes(status: int) -> None:
    cache = StateCache()
    put(cache, "status/user-statuses", status=status, body={"userIds": ["u1"]})
    sub = cache.subscriptions["status/user-statuses"]
    assert sub.state.name == "NORMAL" and not sub.closed and dict(sub.parameters) == {"userIds": ["u1"]}
    assert not cache.apply({"__type": STATUSES, "isDelta": False, "userStatusList": [{"userId": "u1"}]}).of_type()
    assert cache.stats.applied == 1
    delete(cache, "status/user-statuses", status=status)
    assert cache.subscriptions["status/user-statuses"].closed
    assert cache.path_data("status/user-statuses") is None


@pytest.mark.parametrize("status", [100, 199, 300, 304, 399, 600])
def test_statuses_outside_2xx_4xx_5xx_only_make_the_path_seen(status: int) -> None:
    cache = StateCache()
    put(cache, "status/user-statuses", status=status)
    assert cache.subscriptions["status/user-statuses"].closed is False
    assert cache.subscriptions["status/user-statuses"].state.name == "NONE"
    assert cache.subscriptions["status/user-statuses"].error is None


def test_a_put_answered_200_after_a_401_makes_the_session_live() -> None:
    cache = StateCache()
    put(cache, HISTORY_PATH, status=200)
    end_session(cache)
    assert cache.session_ended and cache.session_end is not None
    put(cache, HISTORY_PATH, status=200)
    assert not cache.session_ended and cache.session_end is None
    cache.apply(hist(item("1"), delta=False))
    assert [k for k in cache.history] == ["1"]


def test_a_300_opens_nothing() -> None:
    cache = StateCache()
    put(cache, "status/status-messages", status=300)
    cache.apply({"__type": CATALOGUE, "isDelta": False, "statusMessagesAdded": []})
    assert cache.stats.applied == 1  # the path was seen and not closed, so data is applied and infers normal
    assert cache.subscriptions["status/status-messages"].state.name == "NORMAL"


def test_paths_are_decoded_once_and_matched_after_any_prefix() -> None:
    cache = StateCache()
    cache.record_response("PUT", "/proxy/icws/s1/messaging/subscriptions/queues/a%253Fb?x=1", 204)
    cache.record_response("PUT", "/icws/s1/messaging/subscriptions/queues/q%201#frag", 204)
    cache.record_response("PUT", "/icws/s1/messaging/subscriptions/", 204)
    assert sorted(cache.subscriptions) == ["queues/a%3Fb", "queues/q 1#frag"]


# --- R16 ----------------------------------------------------------------------------------------------------------

def catalogue(delta: bool, **lists: Any) -> dict[str, Any]:
    return {"__type": CATALOGUE, "isDelta": delta, **lists}


def test_status_ids_are_folded_for_added_changed_removed() -> None:
    cache = StateCache()
    cache.apply(catalogue(False, statusMessagesAdded=[{"statusId": "Do Not Disturb", "messageText": "DND"}]))
    cache.apply(catalogue(True, statusMessagesChanged=[{"statusId": "Do not disturb", "iconUri": "x"}]))
    store = cache.keyed("status/status-messages", "statusMessages")
    assert store is not None and len(store) == 1
    assert dict(store["DO NOT DISTURB"]) == {"statusId": "Do not disturb", "messageText": "DND", "iconUri": "x"}
    cache.apply(catalogue(True, statusMessagesRemoved=["do NOT disturb"]))
    assert len(store) == 0


def test_casefold_is_full_unicode_folding() -> None:
    cache = StateCache()
    cache.apply(catalogue(False, statusMessagesAdded=[{"statusId": "Straße"}, {"statusId": "STRASSE", "x": 1}]))
    snap = cache.snapshot()["subscriptionData"]["status/status-messages"]["statusMessages"]
    assert snap == [{"statusId": "STRASSE", "x": 1}]  # one key: "strasse"; the added item replaced the first


def test_user_ids_are_not_folded() -> None:
    cache = StateCache()
    cache.apply({"__type": STATUSES, "isDelta": False,
                 "userStatusList": [{"userId": "Ann", "statusId": "a"}, {"userId": "ann", "statusId": "b"}]})
    snap = cache.snapshot()["subscriptionData"]["status/user-statuses"]["userStatusList"]
    assert [u["userId"] for u in snap] == ["Ann", "ann"]


# --- R17 ----------------------------------------------------------------------------------------------------------

def key(stat: str, *values: str) -> dict[str, Any]:
    return {"statisticIdentifier": stat,
            "parameterValueItems": [{"parameterTypeId": "wg", "value": v} for v in values]}


def value(n: Any) -> dict[str, Any]:
    return {"__type": "urn:inin.com:statistics:statisticIntValue", "value": n, "statisticValueType": 0}


def stats(delta: bool, *changes: dict[str, Any]) -> dict[str, Any]:
    return {"__type": STATS, "isDelta": delta, "statisticValueChanges": list(changes)}


def test_statistics_deltas_keep_the_values_they_do_not_mention() -> None:
    cache = StateCache()
    cache.apply(stats(False, *({"statisticKey": key("s", str(i)), "statisticValue": value(i)} for i in range(15))))
    cache.apply(stats(True, {"statisticKey": key("s", "3"), "statisticValue": value(30)}))
    items = cache.snapshot()["subscriptionData"][STATS_PATH]["statisticValueChanges"]
    assert len(items) == 15
    assert cache.statistic_value(key("s", "3")).value == 30  # type: ignore[union-attr]
    assert cache.statistic_value(key("s", "4")).value == 4  # type: ignore[union-attr]


def test_object_keys_ignore_property_order_but_not_number_spelling() -> None:
    cache = StateCache()
    a = {"statisticIdentifier": "s", "parameterValueItems": [{"parameterTypeId": "p", "value": "v"}]}
    b = {"parameterValueItems": [{"value": "v", "parameterTypeId": "p"}], "statisticIdentifier": "s"}
    cache.apply(stats(False, {"statisticKey": a, "statisticValue": value(1)}))
    cache.apply(stats(True, {"statisticKey": b, "statisticValue": value(2)}))
    cache.apply(stats(True, {"statisticKey": {"n": 2}}, {"statisticKey": {"n": 2.0}}, {"statisticKey": {}}))
    items = cache.snapshot()["subscriptionData"][STATS_PATH]["statisticValueChanges"]
    assert [i["statisticKey"] for i in items] == [{"n": 2}, {"n": 2.0}, a, {}] or len(items) == 4
    assert cache.statistic_value(b).value == 2  # type: ignore[union-attr]


def test_a_null_statistic_value_removes_the_value_not_the_key() -> None:
    cache = StateCache()
    cache.apply(stats(False, {"statisticKey": key("s"), "statisticValue": value(1)}))
    cache.apply(stats(True, {"statisticKey": key("s"), "statisticValue": None}))
    got = cache.statistic_value(key("s"))
    assert got is not None and got.value is None and got.statistic_value is None


@pytest.mark.parametrize("bad, reason", [
    ({"statisticKey": "s"}, "lacks an object statisticKey"),
    ({"statisticValue": value(1)}, "lacks an object statisticKey"),
    ({"statisticKey": key("s"), "statisticValue": 3}, "statisticValue must be an object"),
])
def test_statistics_items_are_typed(bad: dict[str, Any], reason: str) -> None:
    cache = StateCache()
    cache.apply(stats(False, bad))
    assert cache.stats.rejected == 1 and reason in cache.rejected[0].reason


def test_statistics_list_is_required_in_deltas_too() -> None:
    cache = StateCache()
    cache.apply({"__type": STATS, "isDelta": True})
    assert cache.rejected[0].reason == "statisticValueChanges is required"


# --- R18 ----------------------------------------------------------------------------------------------------------

def connection(new: Any, reason: Any = "r", **more: Any) -> dict[str, Any]:
    msg = {"__type": CONNECTION, "isDelta": False, "previousConnectionState": 1, "newConnectionState": new, **more}
    if reason is not None:
        msg["reason"] = reason
    return msg


def test_connection_up_is_cached_and_ends_nothing() -> None:
    cache = StateCache()
    put(cache, HISTORY_PATH)
    cache.apply(connection(1))
    assert not cache.session_ended
    assert cache.connection_state is not None and not cache.connection_state.down
    assert cache.connection_state.new_connection_state.name == "UP"  # type: ignore[union-attr]


def test_connection_down_ends_the_session_as_a_401_does() -> None:
    cache = StateCache()
    put(cache, HISTORY_PATH)
    changes = cache.apply(connection(2, "Switchover in progress", shouldReconnect=True))
    assert cache.session_ended
    (ended,) = changes.of_type(SessionChanged)
    assert isinstance(ended, SessionChanged) and ended.ended and ended.error == {"message": "Switchover in progress"}
    sub = cache.subscriptions[HISTORY_PATH]
    assert sub.closed and sub.stale and sub.error == {"message": "Switchover in progress"}
    assert cache.session_end is not None and cache.session_end.cause == CONNECTION
    assert cache.connection_state is not None and cache.connection_state.down
    assert cache.connection_state.should_reconnect is True
    cache.apply(hist(item("1")))
    assert cache.rejected[-1].reason == "subscription is not active"


@pytest.mark.parametrize("bad", [
    connection(2, None), connection("2"), connection(2, 5), connection(True), connection(2, shouldReconnect="yes"),
    connection(2, subscriptionId=None),
])
def test_connection_messages_are_typed(bad: dict[str, Any]) -> None:
    cache = StateCache()
    put(cache, HISTORY_PATH)
    cache.apply(bad)
    assert cache.stats.rejected == 1 and not cache.session_ended and len(cache.other) == 0


# --- R8: JSON values --------------------------------------------------------------------------------------------

class Color(IntEnum):
    RED = 1


@pytest.mark.parametrize("bad", [
    math.nan, math.inf, -math.inf, 10**4300, -(10**4300), (1, 2), {1, 2}, b"x", Color.RED, OrderedDict(a=1),
    {1: "x"}, {"a": [{"b": {2: 3}}]}, object(),
], ids=lambda v: type(v).__name__)
def test_values_json_cannot_carry_are_rejected_anywhere(bad: Any) -> None:
    for message in (
        {"__type": "urn:x:generic", "isDelta": False, "v": bad},
        hist({**item("1"), "x": bad}),
        {"__type": STATUSES, "isDelta": False, "userStatusList": [{"userId": "u", "until": {"k": bad}}]},
        {"__type": STATUSES, "isDelta": False, "userStatusList": [], "extra": [bad]},
    ):
        cache = StateCache()
        put(cache, HISTORY_PATH)
        cache.apply(message)
        assert cache.stats.rejected == 1, message
        snap = cache.snapshot()
        json.dumps(snap, allow_nan=False)  # the rejected input is kept as something JSON can carry


def test_the_largest_integer_json_can_carry_is_kept() -> None:
    cache = StateCache()
    cache.apply({"__type": "urn:x:g", "isDelta": False, "v": 10**4300 - 1, "w": 1.5e308})
    assert cache.stats.applied == 1


@pytest.mark.parametrize("levels, ok", [(499, True), (500, True), (501, False)])
def test_the_500_level_boundary(levels: int, ok: bool) -> None:
    cache = StateCache()
    # the message is level 1, so its property holds levels - 1
    cache.apply({"__type": "urn:x:g", "isDelta": False, "v": deep(levels - 1)})
    assert (cache.stats.applied == 1) is ok
    if not ok:
        assert "nested more than 500 levels deep" in cache.rejected[0].reason
    restored = StateCache.from_snapshot(cache.snapshot())
    assert restored == cache


def test_deep_item_values_count_from_the_message() -> None:
    cache = StateCache()
    put(cache, HISTORY_PATH)
    # message 1, interactionHistory 2, item 3, "x" 4: a value nested to level 500 holds 497 more lists
    cache.apply(hist({**item("1"), "x": deep(497)}))
    cache.apply(hist({**item("2"), "x": deep(498)}))
    assert cache.stats.applied == 1 and cache.stats.rejected == 1


def test_an_exchange_whose_body_breaks_the_rule_is_one_rejected_input() -> None:
    cache = StateCache()
    request(cache, "PUT", HISTORY_PATH, 204, body={"x": deep(500)})
    assert cache.stats.rejected == 1 and HISTORY_PATH not in cache.subscriptions
    cache.record_response("GET", "/icws/s1/messaging/messages", 401, response={"message": "m", "x": deep(500)})
    assert cache.stats.rejected == 2 and not cache.session_ended


def test_strict_mode_raises_for_a_value_json_cannot_carry() -> None:
    cache = StateCache(strict=True)
    with pytest.raises(InvalidMessage, match="not a JSON value"):
        cache.apply({"__type": "urn:x:g", "isDelta": False, "v": math.nan})
    assert cache.stats.messages == 0


def test_the_rejected_list_is_bounded_and_every_rejection_counted() -> None:
    cache = StateCache()
    for _ in range(KEEP_REJECTED + 5):
        cache.apply(42)
    assert cache.stats.rejected == KEEP_REJECTED + 5
    assert len(cache.rejected) == KEEP_REJECTED
    assert cache.rejected[KEEP_REJECTED_MESSAGES - 1].has_message
    assert not cache.rejected[KEEP_REJECTED_MESSAGES].has_message


# --- queries ----------------------------------------------------------------------------------------------------

def test_users_are_joined_and_grouped_by_status_ignoring_case() -> None:
    cache = StateCache()
    cache.apply(catalogue(False, statusMessagesAdded=[{"statusId": "Do Not Disturb", "messageText": "DND"}]))
    cache.apply({"__type": STATUSES, "isDelta": False, "userStatusList": [
        {"userId": "u1", "statusId": "Do not disturb"}, {"userId": "u2", "statusId": "DO NOT DISTURB"},
        {"userId": "u3", "statusId": "lunch"}, {"userId": "u0", "statusId": "Lunch"}]})
    assert cache.users_by_status() == {"Do Not Disturb": ["u1", "u2"], "Lunch": ["u0", "u3"]}
    presence = cache.user_status("u1")
    assert presence is not None and presence.message is not None and presence.message.message_text == "DND"
    assert list(cache.status_messages()) == ["Do Not Disturb"]


def test_queue_attribute_prefers_the_exact_spelling() -> None:
    cache = StateCache()
    cache.apply({"__type": "urn:inin.com:queues:queueContentsMessage", "isDelta": False, "subscriptionId": "q",
                 "interactionsAdded": [{"interactionId": "i", "attributes": {"Eic_State": "A", "EIC_STATE": "B"}}]})
    q = cache.queue("q")
    assert q is not None
    assert q.attribute("i", "EIC_STATE") == "B" and q.attribute("i", "Eic_State") == "A"
    assert q.attribute("i", "eic_state") == "B"  # no exact hit: the first folding alike in code-point order
    assert q.attribute("i", "Eic_Other") is None


def test_statistic_values_by_id_and_parameter_values() -> None:
    cache = StateCache()
    cache.apply(stats(False, {"statisticKey": key("a", "x"), "statisticValue": value(1)},
                      {"statisticKey": key("a", "y"), "statisticValue": value(2)},
                      {"statisticKey": key("b", "x")}))
    assert [v.value for v in cache.statistic_values("a")] == [1, 2]
    assert len(cache.statistic_values()) == 3
    got = cache.statistic_value("a", "y")
    assert got is not None and got.value == 2 and got.statistic_id == "a"
    assert got.value_type == "urn:inin.com:statistics:statisticIntValue"
    assert cache.statistic_value("a", "z") is None and cache.statistic_value(key("c")) is None


def test_connection_state_messages_are_never_coalesced() -> None:
    from icws_state import coalesce

    with pytest.raises(InvalidMessage, match="not coalesced"):
        coalesce({**connection(2), "isDelta": True}, {**connection(1), "isDelta": True})


# --- hardening of the core (issue 14) ---------------------------------------------------------------------------

def test_the_date_time_memo_keeps_no_long_strings() -> None:
    from icws_state import _datetimes

    big = "2026-11-22T10:00:00." + "1" * 5_000_000 + "Z"
    cache = StateCache()
    for i in range(20):
        cache.apply(hist({**item(str(i)), "initiationTime": big[: len(big) - i]}))
    assert all(len(k) <= 64 for k in _datetimes.MEMO)


def test_transitions_are_a_window_with_a_count() -> None:
    from icws_state._records import KEEP_TRANSITIONS

    cache = StateCache()
    put(cache, "interactions/agent-assistance")
    state = "urn:inin.com:interactions.assistance:assistanceRequestSubscriptionStateMessage"
    for _ in range(1000):
        cache.apply({"__type": state, "isDelta": False, "state": 2})
        cache.apply({"__type": state, "isDelta": False, "state": 1})
    sub = cache.subscriptions["interactions/agent-assistance"]
    assert len(sub.transitions) == KEEP_TRANSITIONS
    assert sub.transition_count == 2001 and sub.anomaly_count == 0
    assert "transitions" not in repr(sub).split("transition_count")[0]


def test_a_failing_listener_does_not_swallow_the_anomaly() -> None:
    from icws_state import TransitionAnomaly

    cache = StateCache(strict=True)
    put(cache, "interactions/agent-assistance")
    state = "urn:inin.com:interactions.assistance:assistanceRequestSubscriptionStateMessage"
    cache.apply({"__type": state, "isDelta": False, "state": 3})

    def boom(_: object) -> None:
        raise KeyError("listener bug")

    cache.add_listener(boom)
    with pytest.raises(TransitionAnomaly) as raised:
        cache.apply({"__type": state, "isDelta": False, "state": 2})  # faulted -> suspended: an anomaly
    assert isinstance(raised.value.__cause__, KeyError)


def test_removing_an_unknown_listener_is_the_librarys_error() -> None:
    from icws_state import IcwsStateError, UnknownListener

    with pytest.raises(UnknownListener) as raised:
        StateCache().remove_listener(print)
    assert isinstance(raised.value, IcwsStateError)


def test_a_big_log_whose_first_line_is_cut_short_is_read_as_lines(tmp_path: Any) -> None:
    from icws_state import _logs, replay

    log = tmp_path / "cut.jsonl"
    line = json.dumps({"__type": "urn:x:g", "isDelta": False, "pad": "x" * 1000}) + "\n"
    log.write_text('{"__type": "urn:x:g", "isDe\n' + line * 50, "utf-8")
    limit = _logs._WHOLE_DOCUMENT_LIMIT
    try:
        _logs._WHOLE_DOCUMENT_LIMIT = 1000
        cache = replay(log)
    finally:
        _logs._WHOLE_DOCUMENT_LIMIT = limit
    assert cache.stats.applied == 50 and [r.line for r in cache.rejected] == [1]
    assert replay(log).stats.applied == 50  # under the limit: tried whole first, then lines; the same result
