"""The merge rules through the cache: keyed items (R4, R12, R13), id sets (R5), the bound (R7), append
lists (R14) and scalars (R15)."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import (
    ASSIST_PATH,
    HISTORY_PATH,
    SMESSAGES,
    T0,
    T1,
    T2,
    T3,
    alist,
    delete,
    details,
    hist,
    history_ids,
    item,
    kinds,
    opened,
    put,
    queue,
    statuses,
)

from icws_state import ItemEvicted, StateCache
from icws_state._reducer import merge_item

# ----------------------------------------------------------------------------------------------------
# R4 keyed history items
# ----------------------------------------------------------------------------------------------------


def test_delta_item_with_cached_id_merges() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0, notes="a", remoteName="Ann"), delta=False))
    cache.apply(hist(item("1", notes="b", direction=2)))
    assert dict(cache.history["1"]) == {
        "interactionId": "1",
        "initiationTime": T0,
        "notes": "b",
        "remoteName": "Ann",
        "direction": 2,
    }


def test_delta_item_with_unknown_id_inserted() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0), delta=False))
    cache.apply(hist(item("2", T1, notes="n")))
    assert history_ids(cache) == ["1", "2"]
    assert dict(cache.history["2"]) == {"interactionId": "2", "initiationTime": T1, "notes": "n"}


def test_same_id_twice_in_one_message_merges_later_wins() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0, notes="first", log="l"), item("1", notes="second", direction=1), delta=False))
    assert dict(cache.history["1"]) == {
        "interactionId": "1",
        "initiationTime": T0,
        "notes": "second",
        "log": "l",
        "direction": 1,
    }
    cache.apply(hist(item("1", x="a"), item("1", x=None, y="b")))
    assert "x" not in cache.history["1"] and cache.history["1"]["y"] == "b"


def test_item_without_string_id_rejects_whole_message() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0), delta=False))
    cache.apply(hist(item("2", T1), {"interactionId": 3}, delta=False))
    assert history_ids(cache) == ["1"]
    assert cache.stats.rejected == 1


def test_full_message_replaces_the_whole_set() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0, notes="a"), item("2", T1), delta=False))
    cache.apply(hist(item("1", T2), delta=False))
    assert history_ids(cache) == ["1"]
    assert dict(cache.history["1"]) == {"interactionId": "1", "initiationTime": T2}  # not merged with the old


# ----------------------------------------------------------------------------------------------------
# R5 id sets
# ----------------------------------------------------------------------------------------------------


def test_full_id_set_is_added_minus_removed() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(alist(["old"], delta=False))
    cache.apply(alist(["a", "b", "c"], ["b", "zz"], delta=False))
    assert set(cache.assistance_requests) == {"a", "c"}
    assert cache.snapshot()["assistanceRequests"] == ["a", "c"]


def test_delta_adds_then_removes() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(alist(["a"], delta=False))
    cache.apply(alist(["b", "c"], ["c", "a"]))
    assert set(cache.assistance_requests) == {"b"}


def test_removing_absent_id_is_not_an_error() -> None:
    cache = opened(ASSIST_PATH, changes=True)
    cache.apply(alist(["a"], delta=False))
    changes = cache.apply(alist(removed=["nope"]))
    assert set(cache.assistance_requests) == {"a"}
    assert cache.stats.rejected == 0
    assert len(changes) == 0


def test_id_set_sorted_by_code_point() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(alist(["b", "B", "é", "a"], delta=False))
    assert list(cache.assistance_requests) == ["B", "a", "b", "é"]


# ----------------------------------------------------------------------------------------------------
# R7 bound
# ----------------------------------------------------------------------------------------------------


def _bounded(body: Any) -> StateCache:
    cache = StateCache(changes=True)  # the evictions are read as events
    put(cache, HISTORY_PATH, body=body)
    return cache


FOUR = (item("4", T3), item("1", T0), item("3", T2), item("2", T1))


def test_bound_keeps_newest_and_reports_evictions_in_order() -> None:
    cache = _bounded({"numberOfHistoryMessages": 2})
    changes = cache.apply(hist(*FOUR, delta=False))
    assert history_ids(cache) == ["3", "4"]
    evicted = [e for e in changes if isinstance(e, ItemEvicted)]
    assert [e.key for e in evicted] == ["1", "2"]
    assert evicted[0].old["initiationTime"] == T0
    assert evicted[0].path == HISTORY_PATH


def test_items_without_time_evicted_first() -> None:
    cache = _bounded({"numberOfHistoryMessages": 2})
    cache.apply(hist(item("9", T3), item("b"), item("a"), delta=False))
    assert history_ids(cache) == ["b", "9"]


def test_bound_applies_after_each_delta() -> None:
    cache = _bounded({"numberOfHistoryMessages": 2})
    cache.apply(hist(item("1", T0), item("2", T1), delta=False))
    changes = cache.apply(hist(item("3", T2)))
    assert history_ids(cache) == ["2", "3"]
    assert kinds(changes) == ["ItemAdded", "ItemEvicted"]
    # an older item arriving late is evicted at once
    cache.apply(hist(item("0", "2020-01-01T00:00:00Z")))
    assert history_ids(cache) == ["2", "3"]


@pytest.mark.parametrize("n", [2.0, "3", -1, True, None, [2], {"n": 2}])
def test_non_integer_or_negative_bound_means_no_bound(n: Any) -> None:
    cache = _bounded({"numberOfHistoryMessages": n})
    cache.apply(hist(*FOUR, delta=False))
    assert len(cache.history) == 4


@pytest.mark.parametrize("body", [None, [], "x", {}, {"other": 1}])
def test_no_parameter_means_no_bound(body: Any) -> None:
    cache = _bounded(body)
    cache.apply(hist(*FOUR, delta=False))
    assert len(cache.history) == 4


def test_bound_zero_keeps_nothing() -> None:
    cache = _bounded({"numberOfHistoryMessages": 0})
    changes = cache.apply(hist(item("1", T0), item("2"), delta=False))
    assert len(cache.history) == 0
    assert [e.key for e in changes if isinstance(e, ItemEvicted)] == ["2", "1"]


def test_bound_from_latest_successful_put() -> None:
    cache = _bounded({"numberOfHistoryMessages": 3})
    put(cache, HISTORY_PATH, status=400, body={"numberOfHistoryMessages": 1})
    put(cache, HISTORY_PATH, status=500, body={"numberOfHistoryMessages": 1})
    cache.apply(hist(*FOUR, delta=False))
    assert history_ids(cache) == ["2", "3", "4"]
    put(cache, HISTORY_PATH, body={"numberOfHistoryMessages": 1})
    assert len(cache.history) == 3  # a PUT alone evicts nothing
    cache.apply(hist())
    assert history_ids(cache) == ["4"]
    put(cache, HISTORY_PATH)  # a PUT without a body lifts the bound
    cache.apply(hist(*FOUR))
    assert len(cache.history) == 4


def test_bound_does_not_apply_to_other_paths() -> None:
    cache = _bounded({"numberOfHistoryMessages": 0})
    put(cache, ASSIST_PATH, body={"numberOfHistoryMessages": 0})
    cache.apply(alist(["a", "b"]))
    assert len(cache.assistance_requests) == 2


# ----------------------------------------------------------------------------------------------------
# R12 keyed collections (queues, status messages, participants)
# ----------------------------------------------------------------------------------------------------


def _queue_items(cache: StateCache, sid: str = "q1") -> dict[str, dict[str, Any]]:
    store = cache.keyed(f"queues/{sid}", "interactions")
    assert store is not None
    return {k: dict(v) for k, v in store.items()}


def test_added_item_replaces_whole() -> None:
    cache = opened("queues/q1")
    cache.apply(queue("q1", delta=False, added=[{"interactionId": "i", "attributes": {"a": "1"}, "x": 1}]))
    cache.apply(queue("q1", added=[{"interactionId": "i", "attributes": {"b": "2"}, "gone": None}]))
    assert _queue_items(cache) == {"i": {"interactionId": "i", "attributes": {"b": "2"}}}


def test_changed_merges_and_map_merges_one_level_down() -> None:
    cache = opened("queues/q1")
    cache.apply(
        queue(
            "q1",
            delta=False,
            added=[
                {
                    "interactionId": "i",
                    "attributes": {"a": "1", "b": "2"},
                    "conferenceParentId": "p",
                    "x": {"k": 1},
                }
            ],
        )
    )
    cache.apply(
        queue(
            "q1",
            changed=[
                {
                    "interactionId": "i",
                    "attributes": {"b": None, "c": "3"},
                    "conferenceParentId": "q",
                    "x": {"j": 2},
                }
            ],
        )
    )
    assert _queue_items(cache) == {
        "i": {
            "interactionId": "i",
            "attributes": {"a": "1", "c": "3"},
            "conferenceParentId": "q",
            "x": {"j": 2},
        }
    }


def test_changed_unknown_key_inserted_without_nulls() -> None:
    cache = opened("queues/q1")
    cache.apply(queue("q1", changed=[{"interactionId": "n", "attributes": {"a": None, "b": "1"}, "u": None}]))
    assert _queue_items(cache) == {"n": {"interactionId": "n", "attributes": {"b": "1"}}}


def test_added_then_changed_then_removed_in_that_order() -> None:
    cache = opened("queues/q1")
    cache.apply(queue("q1", delta=False, added=[{"interactionId": "keep"}, {"interactionId": "drop"}]))
    cache.apply(
        queue(
            "q1",
            removed=["drop", "keep2", "never"],
            changed=[{"interactionId": "keep2", "v": "c"}],
            added=[{"interactionId": "keep2", "v": "a"}, {"interactionId": "x"}],
        )
    )
    # keep2: added, changed, then removed (removed runs last); drop removed; unknown removal no error
    assert sorted(_queue_items(cache)) == ["keep", "x"]
    assert cache.stats.rejected == 0


def test_key_repeated_in_one_list_acts_on_the_earlier_result() -> None:
    cache = opened("queues/q1")
    cache.apply(queue("q1", changed=[{"interactionId": "i", "a": "1"}, {"interactionId": "i", "b": "2"}]))
    assert _queue_items(cache) == {"i": {"interactionId": "i", "a": "1", "b": "2"}}


def test_full_queue_message_empties_first_and_scalars_kept() -> None:
    cache = opened("queues/q1")
    cache.apply(queue("q1", delta=False, added=[{"interactionId": "a"}], extra="x"))
    cache.apply(queue("q1", delta=False, changed=[{"interactionId": "b"}]))
    assert sorted(_queue_items(cache)) == ["b"]
    got = cache.path_data("queues/q1")
    assert got is not None and dict(got[1]) == {}


def test_queue_scalars_merge_by_r3() -> None:
    cache = opened("queues/q1")
    cache.apply(queue("q1", delta=False, a=1, b=2))
    cache.apply(queue("q1", a=None, c={"n": None}))
    got = cache.path_data("queues/q1")
    assert got is not None
    assert dict(got[1]) == {"b": 2, "c": {"n": None}}
    assert cache.snapshot()["subscriptionData"]["queues/q1"]["properties"] == {"b": 2, "c": {"n": None}}


def test_status_messages_collection() -> None:
    cache = opened("status/status-messages")
    cache.apply(
        {
            "__type": SMESSAGES,
            "isDelta": False,
            "statusMessagesAdded": [
                {"statusId": "Available", "messageText": "Available", "isAcdStatus": True},
                {"statusId": "Lunch", "messageText": "At lunch"},
            ],
        }
    )
    cache.apply(
        {
            "__type": SMESSAGES,
            "isDelta": True,
            "statusMessagesChanged": [{"statusId": "Available", "messageText": "Free"}],
            "statusMessagesRemoved": ["Lunch"],
        }
    )
    store = cache.keyed("status/status-messages", "statusMessages")
    assert store is not None
    assert {k: dict(v) for k, v in store.items()} == {  # keyed by the folded id (R16)
        "available": {"statusId": "Available", "messageText": "Free", "isAcdStatus": True}
    }


# ----------------------------------------------------------------------------------------------------
# R13 upsert lists (user statuses)
# ----------------------------------------------------------------------------------------------------


def _statuses(cache: StateCache) -> dict[str, dict[str, Any]]:
    store = cache.keyed("status/user-statuses", "userStatusList")
    assert store is not None
    return {k: dict(v) for k, v in store.items()}


def test_upsert_merges_and_inserts_never_removes() -> None:
    cache = opened("status/user-statuses")
    cache.apply(
        statuses(
            {"userId": "u1", "statusId": "Available", "until": {"d": 1}},
            {"userId": "u2", "statusId": "Lunch"},
            delta=False,
        )
    )
    cache.apply(statuses({"userId": "u1", "until": None, "notes": "x"}, {"userId": "u3", "statusId": "Away"}))
    assert _statuses(cache) == {
        "u1": {"userId": "u1", "statusId": "Available", "notes": "x"},
        "u2": {"userId": "u2", "statusId": "Lunch"},
        "u3": {"userId": "u3", "statusId": "Away"},
    }


def test_upsert_full_empties_then_merges_repeats() -> None:
    cache = opened("status/user-statuses")
    cache.apply(statuses({"userId": "u1", "statusId": "A"}, delta=False))
    cache.apply(statuses({"userId": "u2", "statusId": "B"}, {"userId": "u2", "notes": "n"}, delta=False))
    assert _statuses(cache) == {"u2": {"userId": "u2", "statusId": "B", "notes": "n"}}


def test_upsert_object_property_replaced_whole() -> None:
    cache = opened("status/user-statuses")
    cache.apply(statuses({"userId": "u1", "until": {"date": "d", "time": "t"}}, delta=False))
    cache.apply(statuses({"userId": "u1", "until": {"date": "e"}}))
    assert _statuses(cache)["u1"]["until"] == {"date": "e"}


def test_unnamed_scalar_on_status_message_kept() -> None:
    cache = opened("status/user-statuses")
    cache.apply(statuses(delta=False, subscriptionId="s"))
    got = cache.path_data("status/user-statuses")
    assert got is not None and dict(got[1]) == {"subscriptionId": "s"}


# ----------------------------------------------------------------------------------------------------
# R14 append lists, R15 scalars (assistance details)
# ----------------------------------------------------------------------------------------------------

DETAILS_PATH = "interactions/agent-assistance/a1"


def test_details_scalars_collection_and_append_list() -> None:
    cache = opened(DETAILS_PATH)
    cache.apply(
        details(
            "a1",
            delta=False,
            interactionId="i9",
            state=1,
            participantsAdded=[{"userId": "sup", "displayName": "Sam", "action": 1}],
            messagesAdded=[{"text": "hi", "participantId": "ag", "timeAdded": T0, "x": None}],
        )
    )
    msg2 = {"text": "hi", "participantId": "ag", "timeAdded": T0, "x": None}
    cache.apply(
        details(
            "a1",
            state=2,
            participantsChanged=[{"userId": "sup", "action": 3}],
            messagesAdded=[msg2],
            participantsRemoved=["sup"],
        )
    )
    entry = cache.snapshot()["subscriptionData"][DETAILS_PATH]
    assert entry["type"].endswith("assistanceRequestDetailsMessage")
    assert entry["properties"] == {"interactionId": "i9", "state": 2, "participantsRemoved": ["sup"]}
    assert entry["participants"] == [{"userId": "sup", "displayName": "Sam", "action": 3}]
    # append items are stored as received, nulls on unknown properties kept; the same delta twice appends twice
    assert entry["messages"] == [msg2, msg2]


def test_details_full_replaces_append_list() -> None:
    cache = opened(DETAILS_PATH)
    cache.apply(details("a1", messagesAdded=[{"text": "1"}, {"text": "2"}]))
    cache.apply(details("a1", delta=False, messagesAdded=[{"text": "3"}]))
    assert cache.snapshot()["subscriptionData"][DETAILS_PATH]["messages"] == [{"text": "3"}]


def test_data_entry_created_by_empty_message_and_cleared_by_delete() -> None:
    cache = opened(DETAILS_PATH)
    cache.apply(details("a1"))
    assert cache.snapshot()["subscriptionData"][DETAILS_PATH] == {
        "type": cache.path_data(DETAILS_PATH)[0],  # type: ignore[index]
        "properties": {},
        "participants": [],
        "messages": [],
    }
    delete(cache, DETAILS_PATH)
    assert DETAILS_PATH not in cache.snapshot()["subscriptionData"]
    assert cache.path_data(DETAILS_PATH) is None


def test_history_delete_clears_but_410_and_401_keep() -> None:
    cache = opened(HISTORY_PATH, "queues/q1")
    cache.apply(hist(item("1", T0)))
    cache.apply(queue("q1", added=[{"interactionId": "i"}]))
    put(cache, "queues/q1", status=410)
    cache.record_response("GET", "/icws/s1/x", 401)
    assert history_ids(cache) == ["1"]
    assert "queues/q1" in cache.data_paths()
    put(cache, HISTORY_PATH)
    delete(cache, HISTORY_PATH)
    assert history_ids(cache) == []


# ----------------------------------------------------------------------------------------------------
# merge_item directly
# ----------------------------------------------------------------------------------------------------


def test_merge_item_does_not_mutate_inputs() -> None:
    cur = {"k": "1", "a": 1, "m": {"x": "1"}}
    delta = {"k": "1", "a": None, "m": {"x": None, "y": "2"}}
    out = merge_item(cur, delta, ("m",), True)
    assert out == {"k": "1", "m": {"y": "2"}}
    assert cur == {"k": "1", "a": 1, "m": {"x": "1"}}
    assert delta == {"k": "1", "a": None, "m": {"x": None, "y": "2"}}
    assert merge_item(None, delta, ("m",), True) == {"k": "1", "m": {"y": "2"}}
