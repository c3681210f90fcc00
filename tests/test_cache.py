"""`StateCache` as a whole: routing (R1), replace (R2), merge (R3), uninitialised deltas (R9), batches, strict
mode, and the read side (stores, snapshot, equality)."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import (
    ASSIST_PATH,
    DIRECTORY,
    GENERIC_STATE,
    HISTORY,
    HISTORY_PATH,
    MESSAGES,
    T0,
    T1,
    alist,
    astate,
    core,
    delete,
    generic,
    hist,
    history_ids,
    item,
    opened,
    put,
    queue,
)

from icws_state import (
    NOT_ACTIVE,
    SNAPSHOT_FORMAT,
    IcwsStateError,
    InvalidMessage,
    StateCache,
    SubscriptionState,
)

# ----------------------------------------------------------------------------------------------------
# R1 routing
# ----------------------------------------------------------------------------------------------------


def test_seeded_types_route_to_their_stores() -> None:
    cache = StateCache()
    cache.apply(hist(item("1", T0), delta=False))
    cache.apply(alist(["r1"], delta=False))
    cache.apply(astate(2))
    assert history_ids(cache) == ["1"]
    assert set(cache.assistance_requests) == {"r1"}
    assert cache.subscriptions[ASSIST_PATH].state is SubscriptionState.SUSPENDED
    assert set(cache.subscriptions) == {HISTORY_PATH, ASSIST_PATH}
    assert len(cache.other) == 0


def test_queue_type_routes_by_subscription_id() -> None:
    cache = StateCache()
    cache.apply(queue("q1", delta=False, added=[{"interactionId": "i1"}]))
    cache.apply(queue("q2", delta=False, added=[{"interactionId": "i2"}]))
    assert cache.data_paths() == ["queues/q1", "queues/q2"]
    q1 = cache.keyed("queues/q1", "interactions")
    assert q1 is not None and list(q1) == ["i1"]
    assert cache.keyed("queues/q1", "nope") is None
    assert cache.keyed("queues/q3", "interactions") is None
    assert cache.path_data("queues/q3") is None
    assert len(cache.other) == 0


def test_unknown_type_goes_to_generic_store_keyed_by_type() -> None:
    cache = StateCache()
    cache.apply(generic(GENERIC_STATE, delta=False, state=2, error={"message": "x"}))
    assert list(cache.other) == [GENERIC_STATE]
    assert dict(cache.other[GENERIC_STATE]) == {"state": 2, "error": {"message": "x"}}
    assert cache.other.subscription_state(GENERIC_STATE) is SubscriptionState.SUSPENDED
    assert cache.other.subscription_error() == {"message": "x"}
    assert len(cache.subscriptions) == 0  # the generic store belongs to no subscription path


def test_generic_keyed_by_type_and_subscription_id() -> None:
    cache = StateCache()
    cache.apply(generic(DIRECTORY, delta=False, subscriptionId="d1", entries=[1]))
    cache.apply(generic(DIRECTORY, delta=False, subscriptionId="d2", entries=[2]))
    cache.apply(generic(DIRECTORY, delta=False, entries=[3]))
    assert list(cache.other) == [DIRECTORY, f"{DIRECTORY}|d1", f"{DIRECTORY}|d2"]
    assert cache.other.entry(DIRECTORY, "d1") == {"subscriptionId": "d1", "entries": [1]}
    assert cache.other.entry(DIRECTORY) == {"entries": [3]}
    assert cache.other.entry(DIRECTORY, "zz") is None
    assert cache.snapshot()["other"][f"{DIRECTORY}|d2"] == {"subscriptionId": "d2", "entries": [2]}


def test_generic_merges_property_by_property() -> None:
    cache = StateCache()
    cache.apply(generic(DIRECTORY, delta=False, a=1, b={"x": 1}, c="keep"))
    cache.apply(generic(DIRECTORY, a=2, b={"y": None}, c=None, d=[None]))
    # a replaced, b replaced whole (nested null kept), c cleared by null, d new, isDelta/__type never stored
    assert dict(cache.other[DIRECTORY]) == {"a": 2, "b": {"y": None}, "d": [None]}


def test_generic_full_replaces_and_drops_nulls() -> None:
    cache = StateCache()
    cache.apply(generic(DIRECTORY, delta=False, a=1, b=2))
    cache.apply(generic(DIRECTORY, delta=False, a=3, c=None))
    assert dict(cache.other[DIRECTORY]) == {"a": 3}


def test_generic_delta_without_entry_creates_it_without_nulls() -> None:
    cache = StateCache()
    cache.apply(generic(DIRECTORY, a=1, b=None))
    assert dict(cache.other[DIRECTORY]) == {"a": 1}


def test_generic_subscription_state_of_untyped_state_is_none() -> None:
    cache = StateCache()
    cache.apply(generic(GENERIC_STATE, state="2"))
    assert cache.other.subscription_state() is None
    assert cache.other.subscription_state(DIRECTORY) is None
    assert cache.other.subscription_error() is None


# ----------------------------------------------------------------------------------------------------
# R2 replace
# ----------------------------------------------------------------------------------------------------


def test_full_history_replaces_whatever_was_there() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0, notes="a"), item("2", T1), delta=False))
    cache.apply(hist(item("3", T0), delta=False))
    assert history_ids(cache) == ["3"]
    cache.apply(hist(delta=False))
    assert history_ids(cache) == []


def test_full_assistance_list_replaces() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(alist(["r1", "r2"], delta=False))
    cache.apply(alist(["r3"], delta=False))
    assert set(cache.assistance_requests) == {"r3"}


def test_state_message_never_wipes_the_assistance_set() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(alist(["r1", "r2"], delta=False))
    cache.apply(astate(2, {"message": "paused"}))
    cache.apply(astate(1))
    assert set(cache.assistance_requests) == {"r1", "r2"}
    cache.apply(alist(["r3"]))  # and the list keeps merging afterwards
    assert set(cache.assistance_requests) == {"r1", "r2", "r3"}


def test_list_message_never_touches_state_or_error() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(astate(2, {"message": "paused"}))
    cache.apply(alist(["r1"], delta=False))
    sub = cache.subscriptions[ASSIST_PATH]
    assert sub.state is SubscriptionState.SUSPENDED
    assert sub.error == {"message": "paused"}


def test_same_full_message_twice_equals_once() -> None:
    msgs: list[dict[str, Any]] = [
        hist(item("1", T0, notes="n"), item("2"), delta=False),
        alist(["a", "b"], ["b"], delta=False),
        queue("q1", delta=False, added=[{"interactionId": "i", "attributes": {"k": "v"}}], extra=1),
        generic(DIRECTORY, delta=False, subscriptionId="d", x=1),
    ]
    once, twice = StateCache(), StateCache()
    for m in msgs:
        once.apply(m)
        twice.apply(m)
        twice.apply(m)
    assert core(once) == core(twice)


def test_full_message_null_property_left_out() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0, custom=None), delta=False))
    assert dict(cache.history["1"]) == {"interactionId": "1", "initiationTime": T0}


# ----------------------------------------------------------------------------------------------------
# R3 merge
# ----------------------------------------------------------------------------------------------------


def test_delta_absent_properties_unchanged() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0, notes="a", direction=1), delta=False))
    cache.apply(hist(item("1", log="l")))
    assert dict(cache.history["1"]) == {
        "interactionId": "1",
        "initiationTime": T0,
        "notes": "a",
        "direction": 1,
        "log": "l",
    }


def test_delta_null_clears_unknown_property() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0, custom="x", other="y"), delta=False))
    cache.apply(hist(item("1", custom=None)))
    assert dict(cache.history["1"]) == {"interactionId": "1", "initiationTime": T0, "other": "y"}
    assert cache.snapshot()["history"] == [{"interactionId": "1", "initiationTime": T0, "other": "y"}]


def test_nested_nulls_are_kept() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0, custom={"a": 1, "b": None}, lst=[None, 1])))
    assert cache.history["1"]["custom"] == {"a": 1, "b": None}
    assert cache.history["1"]["lst"] == [None, 1]


def test_object_values_replaced_whole() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0, custom={"a": 1, "b": 2})))
    cache.apply(hist(item("1", custom={"c": 3})))
    assert cache.history["1"]["custom"] == {"c": 3}


def test_null_on_known_property_rejected_not_cleared() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0, notes="a")))
    cache.apply(hist(item("1", notes=None)))
    assert cache.history["1"]["notes"] == "a"
    assert cache.stats.rejected == 1


def test_stored_values_are_copies_of_the_input() -> None:
    cache = opened(HISTORY_PATH)
    msg = hist(item("1", T0, custom={"a": 1}))
    cache.apply(msg)
    msg["interactionHistory"][0]["notes"] = "mutated"
    assert "notes" not in cache.history["1"]


def test_read_side_is_read_only() -> None:
    cache = opened(HISTORY_PATH, ASSIST_PATH)
    cache.apply(hist(item("1", T0)))
    cache.apply(alist(["r1"]))
    with pytest.raises(TypeError):
        cache.history["1"]["notes"] = "x"  # type: ignore[index]
    assert not hasattr(cache.assistance_requests, "add")
    assert repr(cache.assistance_requests) == "IdSetView(['r1'])"


# ----------------------------------------------------------------------------------------------------
# R9 uninitialised delta
# ----------------------------------------------------------------------------------------------------


def test_delta_on_new_subscription_needs_resync_until_full() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0)))
    assert history_ids(cache) == ["1"]
    assert cache.subscriptions[HISTORY_PATH].resync_needed is True
    cache.apply(hist(item("2", T1)))
    assert cache.subscriptions[HISTORY_PATH].resync_needed is True
    cache.apply(hist(item("3", T1), delta=False))
    assert cache.subscriptions[HISTORY_PATH].resync_needed is False
    assert history_ids(cache) == ["3"]
    cache.apply(hist(item("4", T1)))
    assert cache.subscriptions[HISTORY_PATH].resync_needed is False


def test_delta_without_put_is_applied_and_flags_resync() -> None:
    cache = StateCache()
    cache.apply(alist(["r1"]))
    sub = cache.subscriptions[ASSIST_PATH]
    assert set(cache.assistance_requests) == {"r1"}
    assert sub.resync_needed is True and sub.state is SubscriptionState.NORMAL


def test_re_put_keeps_data_and_delta_applies_onto_it() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0), delta=False))
    put(cache, HISTORY_PATH)
    assert cache.subscriptions[HISTORY_PATH].resync_needed is True
    assert history_ids(cache) == ["1"]
    cache.apply(hist(item("2", T1)))
    assert history_ids(cache) == ["1", "2"]
    assert cache.subscriptions[HISTORY_PATH].resync_needed is True


def test_delta_after_delete_and_re_put_applies_onto_nothing() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0), delta=False))
    delete(cache, HISTORY_PATH)
    put(cache, HISTORY_PATH)
    cache.apply(hist(item("2", T1)))
    assert history_ids(cache) == ["2"]
    assert cache.subscriptions[HISTORY_PATH].resync_needed is True


def test_state_message_does_not_clear_resync() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(astate(1))
    assert cache.subscriptions[ASSIST_PATH].resync_needed is True


# ----------------------------------------------------------------------------------------------------
# Batches, exchanges, strict mode
# ----------------------------------------------------------------------------------------------------


def test_apply_batch_applies_in_order() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply_batch([hist(item("1", T0), delta=False), hist(item("1", notes="n")), {"bad": 1}])
    assert cache.history["1"]["notes"] == "n"
    assert cache.stats.messages == 3 and cache.stats.rejected == 1 and cache.stats.applied == 2


def test_apply_batch_non_list_is_one_rejected_input() -> None:
    cache = StateCache()
    before = core(cache)
    cache.apply_batch({"__type": HISTORY, "isDelta": False})
    assert core(cache) == before
    assert cache.stats.rejected == 1 and cache.stats.messages == 1


def test_messages_get_applies_response() -> None:
    cache = opened(HISTORY_PATH)
    cache.record_response("GET", MESSAGES, 200, response=[hist(item("1", T0), delta=False)])
    assert history_ids(cache) == ["1"]
    cache.record_response("GET", MESSAGES + "?x=1", 200, response=None)  # 200 with an empty body: no messages
    assert cache.stats.messages == 1
    cache.record_response("GET", MESSAGES, 200, response={"not": "a list"})
    assert cache.stats.rejected == 1 and cache.stats.messages == 2
    assert cache.rejected[0].message["response"] == {"not": "a list"}


def test_other_exchanges_ignored() -> None:
    cache = StateCache()
    before = cache.snapshot()
    cache.record_response("GET", "/icws/s1/configuration/users", 200, response=[hist(item("1"))])
    cache.record_response("GET", MESSAGES, 500, response=[hist(item("1"))])
    cache.record_response("POST", MESSAGES, 200, response=[hist(item("1"))])
    assert cache.snapshot() == before


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [(1, MESSAGES, 200), ("GET", None, 200), ("GET", MESSAGES, "200"), ("PUT", MESSAGES, 204.0)],
)
def test_malformed_exchange_is_one_rejected_input(method: Any, path: Any, status: Any) -> None:
    cache = StateCache()
    before = core(cache)
    cache.record_response(method, path, status)
    assert core(cache) == before
    assert cache.stats.rejected == 1


def test_strict_batch_stops_at_first_error() -> None:
    cache = opened(HISTORY_PATH, strict=True)
    batch = [hist(item("1", T0)), hist(item("2", direction=True)), hist(item("3", T1))]
    with pytest.raises(InvalidMessage) as info:
        cache.apply_batch(batch)
    assert info.value.message == batch[1]
    assert history_ids(cache) == ["1"]
    assert cache.stats.applied == 1 and cache.stats.rejected == 0
    assert cache.rejected == ()


def test_strict_batch_through_messages_get() -> None:
    cache = opened(HISTORY_PATH, strict=True)
    batch = [hist(item("1", T0)), "junk", hist(item("3", T1))]
    with pytest.raises(IcwsStateError):
        cache.record_response("GET", MESSAGES, 200, response=batch)
    assert history_ids(cache) == ["1"]


def test_strict_closed_subscription_raises_not_active() -> None:
    cache = opened(HISTORY_PATH, strict=True)
    delete(cache, HISTORY_PATH)
    with pytest.raises(InvalidMessage) as info:
        cache.apply(hist(item("1", T0)))
    assert info.value.reason == NOT_ACTIVE
    assert cache.rejected == ()


def test_lenient_never_raises_for_garbage() -> None:
    cache = StateCache()
    junks: list[Any] = [None, [], [[1]], {"__type": {}}, {"__type": HISTORY, "isDelta": True, "interactionHistory": 1}]
    for junk in junks:
        cache.apply(junk)
        cache.apply_batch(junk)
        cache.record_response(junk, junk, junk, junk, junk)
    assert cache.stats.applied == 0
    assert cache.stats.messages == cache.stats.rejected > 0


# ----------------------------------------------------------------------------------------------------
# Read side, snapshot and equality
# ----------------------------------------------------------------------------------------------------


def test_stats_add_up() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0)))
    cache.apply("junk")
    cache.apply(generic())
    s = cache.stats
    assert (s.messages, s.applied, s.rejected) == (3, 2, 1)
    assert "3 messages (1 rejected)" in repr(cache)


def test_snapshot_shape() -> None:
    cache = opened(HISTORY_PATH)
    put(cache, HISTORY_PATH, body={"numberOfHistoryMessages": 50})
    cache.apply(hist(item("1001", T0, direction=1), delta=False))
    snap = cache.snapshot()
    assert snap["format"] == SNAPSHOT_FORMAT == "icws-state/1"
    assert snap["sessionEnded"] is False
    assert snap["subscriptions"] == {
        HISTORY_PATH: {
            "state": "normal",
            "closed": False,
            "resyncNeeded": False,
            "stale": False,
            "gone": False,
            "error": None,
            "parameters": {"numberOfHistoryMessages": 50},
        }
    }
    assert snap["history"] == [{"interactionId": "1001", "initiationTime": T0, "direction": 1}]
    assert snap["assistanceRequests"] == [] and snap["other"] == {} and snap["rejected"] == []
    assert snap["stats"] == {"messages": 1, "applied": 1, "rejected": 0}


def test_snapshot_is_a_detached_value() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0)))
    snap = cache.snapshot()
    cache.apply(hist(item("1", notes="later")))
    assert "notes" not in snap["history"][0]


def test_snapshot_json_deterministic_and_restores_equal() -> None:
    cache = opened(HISTORY_PATH, ASSIST_PATH)
    cache.apply(hist(item("2", T1), item("1", T0), delta=False))
    cache.apply(alist(["b", "a"]))
    cache.apply(queue("q1", added=[{"interactionId": "z"}, {"interactionId": "a"}]))
    cache.apply(generic(DIRECTORY, subscriptionId="d", x=1))
    cache.apply("junk")
    again = StateCache.from_snapshot(cache.snapshot())
    assert again == cache
    assert again.snapshot_json() == cache.snapshot_json()
    assert cache.snapshot_json().endswith(b"\n")
    # equal caches answer a later input alike
    for c in (cache, again):
        c.apply(hist(item("1", notes="n")))
    assert again == cache
    assert (cache == 1) is False


def test_caches_differing_in_data_are_unequal() -> None:
    a, b = opened(HISTORY_PATH), opened(HISTORY_PATH)
    a.apply(hist(item("1", T0)))
    b.apply(hist(item("1", T1)))
    assert a != b
