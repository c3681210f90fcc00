"""Change events: what each input emits, listeners (order, timing, re-entrancy), and the lazy `Changes`."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from helpers import (
    ALIST,
    ASSIST_PATH,
    DIRECTORY,
    HISTORY,
    HISTORY_PATH,
    MESSAGES,
    T0,
    T1,
    T2,
    alist,
    astate,
    delete,
    details,
    end_session,
    ev,
    generic,
    hist,
    item,
    kinds,
    put,
    queue,
)
from helpers import (
    opened as opened_lean,
)

from icws_state import (
    Anomaly,
    CacheCleared,
    CacheReplaced,
    Changes,
    ChangesNotRecorded,
    Event,
    GenericChanged,
    InvalidMessage,
    ItemAdded,
    ItemChanged,
    ItemEvicted,
    ItemRemoved,
    ItemsAppended,
    PropertiesChanged,
    ReentrantCall,
    Rejected,
    SessionChanged,
    StateCache,
    SubscriptionChanged,
    SubscriptionState,
)


def opened(*paths: str) -> StateCache:
    """The events of these tests are item events: their caches record changes."""
    return opened_lean(*paths, changes=True)


def test_item_added_and_changed_with_old_and_new() -> None:
    cache = opened(HISTORY_PATH)
    c1 = cache.apply(hist(item("1", T0, notes="a")))
    assert list(c1) == [
        ev(
            ItemAdded,
            path=HISTORY_PATH,
            collection="history",
            key="1",
            value={"interactionId": "1", "initiationTime": T0, "notes": "a"},
        )
    ]
    c2 = cache.apply(hist(item("1", notes="b")))
    (changed,) = c2
    assert isinstance(changed, ItemChanged)
    assert (changed.path, changed.collection, changed.key) == (HISTORY_PATH, "history", "1")
    assert changed.old == {"interactionId": "1", "initiationTime": T0, "notes": "a"}
    assert changed.new == {"interactionId": "1", "initiationTime": T0, "notes": "b"}


def test_id_set_events() -> None:
    cache = opened(ASSIST_PATH)
    changes = cache.apply(alist(["a", "b"], ["b", "zz"]))
    assert list(changes) == [
        ev(ItemAdded, path=ASSIST_PATH, collection="assistanceRequests", key="a", value="a"),
        ev(ItemAdded, path=ASSIST_PATH, collection="assistanceRequests", key="b", value="b"),
        ev(ItemRemoved, path=ASSIST_PATH, collection="assistanceRequests", key="b", old="b"),
    ]
    assert kinds(cache.apply(alist(["a"]))) == []  # already there: nothing changed


def test_queue_events_added_changed_removed() -> None:
    cache = opened("queues/q1")
    cache.apply(queue("q1", added=[{"interactionId": "i1"}]))
    changes = cache.apply(
        queue(
            "q1",
            added=[{"interactionId": "i2"}],
            changed=[{"interactionId": "i1", "attributes": {"a": "1"}}],
            removed=["i2", "no"],
        )
    )
    assert kinds(changes) == ["ItemAdded", "ItemChanged", "ItemRemoved"]
    removed = changes[2]
    assert isinstance(removed, ItemRemoved)
    assert removed == ev(
        ItemRemoved, path="queues/q1", collection="interactions", key="i2", old={"interactionId": "i2"}
    )


def test_full_message_emits_cache_replaced_instead_of_items() -> None:
    cache = opened(HISTORY_PATH)
    changes = cache.apply(hist(item("1", T0), item("2", T1), delta=False))
    assert changes.of_type(CacheReplaced) == [ev(CacheReplaced, path=HISTORY_PATH, message_type=HISTORY)]
    assert changes.of_type(ItemAdded, ItemChanged) == []
    assert kinds(changes) == ["SubscriptionChanged", "CacheReplaced"]  # resyncNeeded cleared, then the data
    changes = cache.apply(alist(["a"], delta=False))
    assert ev(CacheReplaced, path=ASSIST_PATH, message_type=ALIST) in list(changes)


def test_eviction_events() -> None:
    cache = StateCache(changes=True)
    put(cache, HISTORY_PATH, body={"numberOfHistoryMessages": 1})
    changes = cache.apply(hist(item("2", T1), item("1", T0), item("3", T2)))
    evicted = changes.of_type(ItemEvicted)
    assert evicted == [
        ev(
            ItemEvicted,
            path=HISTORY_PATH,
            collection="history",
            key="1",
            old={"interactionId": "1", "initiationTime": T0},
        ),
        ev(
            ItemEvicted,
            path=HISTORY_PATH,
            collection="history",
            key="2",
            old={"interactionId": "2", "initiationTime": T1},
        ),
    ]
    assert kinds(changes)[-2:] == ["ItemEvicted", "ItemEvicted"]  # after the items are merged


def test_cache_cleared_on_delete() -> None:
    cache = opened(HISTORY_PATH, "queues/q1")
    cache.apply(queue("q1", added=[]))
    assert ev(CacheCleared, path="queues/q1") in list(delete(cache, "queues/q1"))
    assert ev(CacheCleared, path=HISTORY_PATH) in list(delete(cache, HISTORY_PATH))


def test_appended_and_properties_changed() -> None:
    cache = opened("interactions/agent-assistance/a1")
    changes = cache.apply(details("a1", state=1, messagesAdded=[{"text": "hi"}]))
    appended = changes.of_type(ItemsAppended)
    assert appended == [
        ev(
            ItemsAppended,
            path="interactions/agent-assistance/a1",
            collection="messages",
            values=({"text": "hi"},),
        )
    ]
    (props,) = changes.of_type(PropertiesChanged)
    assert isinstance(props, PropertiesChanged)
    assert props.old == {} and props.new == {"state": 1}
    assert changes.of_type(PropertiesChanged, ItemsAppended) == [appended[0], props]  # journal order kept


def test_generic_changed() -> None:
    cache = StateCache(changes=True)
    c1 = cache.apply(generic(DIRECTORY, subscriptionId="d", a=1))
    assert list(c1) == [ev(GenericChanged, key=f"{DIRECTORY}|d", old=None, new={"subscriptionId": "d", "a": 1})]
    c2 = cache.apply(generic(DIRECTORY, subscriptionId="d", a=None, b=2))
    assert list(c2) == [
        ev(
            GenericChanged,
            key=f"{DIRECTORY}|d",
            old={"subscriptionId": "d", "a": 1},
            new={"subscriptionId": "d", "b": 2},
        )
    ]


def test_session_changed_and_subscription_changed_from_record_response() -> None:
    cache = opened(HISTORY_PATH)
    changes = end_session(cache)
    assert changes[0] == ev(SessionChanged, ended=True, cause="GET 401", error={"message": "HTTP 401"})
    (sc,) = changes.of_type(SubscriptionChanged)
    assert isinstance(sc, SubscriptionChanged)
    assert sc.after.state is SubscriptionState.NONE and sc.after.stale and sc.cause == "GET 401"
    assert ev(SessionChanged, ended=False, cause="PUT 204") in list(put(cache, HISTORY_PATH))


def test_anomaly_event() -> None:
    cache = StateCache()
    changes = cache.apply(astate(3))
    assert kinds(changes) == ["SubscriptionChanged", "Anomaly"]  # seen and changed by one input: one event
    seen = changes[0]
    assert isinstance(seen, SubscriptionChanged) and seen.before is None
    assert seen.after.state is SubscriptionState.FAULTED
    anomaly = changes[1]
    assert isinstance(anomaly, Anomaly)
    assert anomaly.transition.after is SubscriptionState.FAULTED and not anomaly.transition.allowed


def test_rejected_from_each_entry_point() -> None:
    cache = StateCache()
    assert list(cache.apply("junk")) == [
        ev(Rejected, line=None, reason="a message must be a JSON object", message="junk")
    ]
    (r2,) = cache.apply_batch({"not": "a list"})
    assert isinstance(r2, Rejected) and r2.message == {"not": "a list"}
    (r3,) = cache.record_response("GET", MESSAGES, "200")
    assert isinstance(r3, Rejected) and r3.message == {"method": "GET", "path": MESSAGES, "status": "200"}
    (r4,) = cache.record_response("GET", MESSAGES, 200, response=["junk"])
    assert isinstance(r4, Rejected) and r4.message == "junk"
    assert cache.stats.rejected == 4


def test_batch_returns_all_events_in_order() -> None:
    cache = opened(HISTORY_PATH, ASSIST_PATH)
    changes = cache.apply_batch([hist(item("1", T0)), "junk", alist(["a"])])
    assert kinds(changes) == ["ItemAdded", "Rejected", "ItemAdded"]


def test_nothing_changed_gives_empty_changes() -> None:
    cache = opened(HISTORY_PATH)
    empty = cache.record_response("GET", "/icws/s1/other", 200)
    assert len(empty) == 0 and not empty and list(empty) == []


# ----------------------------------------------------------------------------------------------------
# Listeners
# ----------------------------------------------------------------------------------------------------


def test_listeners_called_in_order_after_the_state_change() -> None:
    cache = opened(HISTORY_PATH)
    calls: list[tuple[str, Any, list[str]]] = []

    @cache.add_listener
    def first(event: Event) -> None:
        # the whole input is applied before any listener runs: both items are already there
        calls.append(("first", event, list(cache.history)))

    def second(event: Event) -> None:
        calls.append(("second", event, list(cache.history)))

    cache.add_listener(second)
    changes = cache.apply(hist(item("1", T0), item("2", T1)))
    assert [(n, e) for n, e, _ in calls] == [
        ("first", changes[0]),
        ("second", changes[0]),
        ("first", changes[1]),
        ("second", changes[1]),
    ]
    assert all(seen == ["1", "2"] for _, _, seen in calls)


def test_listeners_get_record_response_and_batch_events() -> None:
    cache = StateCache()
    seen: list[Event] = []
    cache.add_listener(seen.append)
    c1 = put(cache, HISTORY_PATH)
    c2 = cache.apply_batch([hist(item("1", T0))])
    assert seen == [*c1, *c2]


def test_remove_listener() -> None:
    cache = opened(HISTORY_PATH)
    seen: list[Event] = []
    cache.add_listener(seen.append)
    cache.apply(hist(item("1", T0)))
    cache.remove_listener(seen.append)
    cache.apply(hist(item("2", T0)))
    assert len(seen) == 1
    with pytest.raises(ValueError):
        cache.remove_listener(seen.append)


@pytest.mark.parametrize("feed", ["apply", "apply_batch", "record_response"])
def test_listener_feeding_the_cache_raises_reentrant(feed: str) -> None:
    cache = opened(HISTORY_PATH)

    def listener(event: Event) -> None:
        if feed == "apply":
            cache.apply(hist(item("9", T2)))
        elif feed == "apply_batch":
            cache.apply_batch([])
        else:
            cache.record_response("PUT", "/x", 204)

    cache.add_listener(listener)
    with pytest.raises(ReentrantCall):
        cache.apply(hist(item("1", T0)))
    assert list(cache.history) == ["1"]  # the outer input was applied; the inner one was not
    cache.remove_listener(listener)
    cache.apply(hist(item("2", T1)))  # and the cache is usable afterwards
    assert list(cache.history) == ["1", "2"]


def test_listener_may_read_the_cache() -> None:
    cache = opened(ASSIST_PATH)
    snaps: list[list[str]] = []
    cache.add_listener(lambda e: snaps.append(cache.snapshot()["assistanceRequests"]))
    cache.apply(alist(["a"]))
    assert snaps == [["a"]]


# ----------------------------------------------------------------------------------------------------
# Changes and event values
# ----------------------------------------------------------------------------------------------------


def test_changes_is_lazy() -> None:
    cache = opened(HISTORY_PATH)
    changes = cache.apply(hist(item("1", T0), item("2", T1)))
    assert isinstance(changes, Changes)
    assert changes._events is None  # applying builds no event
    assert len(changes) == 2  # counting builds them: a merge that changes nothing is no event
    first = changes[0]
    assert changes[0] is first  # built once
    assert changes[-1] == ev(
        ItemAdded,
        path=HISTORY_PATH,
        collection="history",
        key="2",
        value={"interactionId": "2", "initiationTime": T1},
    )
    assert list(changes[0:1]) == [first]


def test_changes_equality() -> None:
    a, b = opened(HISTORY_PATH), opened(HISTORY_PATH)
    ca = a.apply(hist(item("1", T0)))
    cb = b.apply(hist(item("1", T0)))
    cc = b.apply(hist(item("2", T0)))
    assert ca == cb
    assert ca != cc
    assert ca == [
        ev(
            ItemAdded,
            path=HISTORY_PATH,
            collection="history",
            key="1",
            value={"interactionId": "1", "initiationTime": T0},
        )
    ]
    assert ca != 5
    assert "ItemAdded" in repr(ca)


def test_event_values_are_read_only() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0)))
    (changed,) = cache.apply(hist(item("1", notes="n")))
    assert isinstance(changed, ItemChanged)
    with pytest.raises(TypeError):
        changed.new["notes"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        changed.old["notes"] = "x"  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        changed.key = "2"  # type: ignore[misc]
    assert cache.history["1"]["notes"] == "n"


def test_old_value_survives_later_changes() -> None:
    cache = opened(HISTORY_PATH)
    (added,) = cache.apply(hist(item("1", T0, notes="a")))
    cache.apply(hist(item("1", notes="b")))
    assert isinstance(added, ItemAdded)
    assert added.value["notes"] == "a"


def test_events_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        CacheCleared("p")  # type: ignore[call-arg]


def test_a_delta_that_changes_nothing_is_no_event() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0), delta=False))
    assert list(cache.apply(hist(item("1", T0)))) == []
    assert not cache.apply(hist(item("1", T0)))
    cache.apply(hist({**item("1", T0), "x": 1}))
    (changed,) = cache.apply(hist({**item("1", T0), "x": True}))  # True is not 1: a change
    assert isinstance(changed, ItemChanged)
    other = {"__type": "urn:x:g", "isDelta": True, "a": 1}
    assert len(cache.apply(other)) == 1 and len(cache.apply(other)) == 0


# ----------------------------------------------------------------------------------------------------------------
# A cache nobody asked for events: notices only, and never a partial list passed off as complete
# ----------------------------------------------------------------------------------------------------------------
def test_a_cache_records_changes_when_asked_or_from_its_first_listener_on() -> None:
    assert not StateCache().records_changes
    assert StateCache(changes=True).records_changes
    cache = StateCache()
    listener = cache.add_listener(lambda e: None)
    assert cache.records_changes
    cache.remove_listener(listener)
    assert cache.records_changes  # events handed out point at stored items: they must stay as they were


def test_without_recording_a_call_that_merged_data_gives_notices_and_refuses_the_rest() -> None:
    cache = opened_lean()
    changes = cache.apply(hist(item("1", T0), delta=False))  # first data on the path: the subscription changes too
    assert not changes.recorded
    (notice,) = changes.notices()
    assert isinstance(notice, SubscriptionChanged) and notice.after.state is SubscriptionState.NORMAL
    assert changes.of_type(SubscriptionChanged, Rejected) == [notice]  # notice types only: answered
    assert "not recorded" in repr(changes)
    for read in (list, len, bool, lambda c: c[0], lambda c: c == [], lambda c: c.of_type(CacheReplaced),
                 lambda c: c.of_type(ItemAdded, SubscriptionChanged)):
        with pytest.raises(ChangesNotRecorded, match=r"StateCache\(changes=True\)"):
            read(changes)
    quiet = cache.apply(hist(item("1", notes="x")))  # nothing to notice: still not an empty list
    assert not quiet.recorded and list(quiet.notices()) == []
    with pytest.raises(ChangesNotRecorded):
        len(quiet)
    assert cache.history["1"]["notes"] == "x"


def test_without_recording_calls_that_merge_no_data_give_all_their_events() -> None:
    cache = StateCache()
    assert kinds(put(cache, HISTORY_PATH)) == ["SubscriptionChanged"]
    rejected = cache.apply(hist(item("1", "not a time")))
    assert rejected.recorded and kinds(rejected) == ["Rejected"]
    assert kinds(delete(cache, HISTORY_PATH)) == ["SubscriptionChanged", "CacheCleared"]
    assert kinds(cache.apply_batch([])) == []


def test_without_recording_items_merge_in_place_and_with_it_they_never_change() -> None:
    lean, recording = opened_lean(HISTORY_PATH), opened(HISTORY_PATH)
    for cache in (lean, recording):
        cache.apply(hist(item("1", T0, notes="a"), delta=False))
    held_lean, held = lean.history["1"], recording.history["1"]
    for cache in (lean, recording):
        cache.apply(hist(item("1", notes="b")))
    assert held_lean["notes"] == "b"  # a view of the item as it is now
    assert held["notes"] == "a"  # the item as it was read: the cache stored a new one


def test_recording_from_a_first_listener_gives_true_old_values() -> None:
    cache = opened_lean(HISTORY_PATH)
    cache.apply(hist(item("1", T0, notes="a"), delta=False))
    cache.apply(hist(item("1", notes="b")))  # merged in place: nobody could ask for the old item
    seen: list[Event] = []
    cache.add_listener(seen.append)
    changes = cache.apply(hist(item("1", notes="c")))
    cache.apply(hist(item("1", notes="d")))
    (changed,) = changes
    assert isinstance(changed, ItemChanged) and changed.old["notes"] == "b" and changed.new["notes"] == "c"
    assert seen[0] == changed


def test_a_call_never_returns_an_earlier_calls_events() -> None:
    # `apply` hands each message the journal the previous call left empty: a call that raised after writing to
    # it, or one whose events were returned, must leave the next call a fresh one.
    cache = opened_lean(HISTORY_PATH, strict=True)
    with pytest.raises(InvalidMessage):
        cache.apply(hist(item("1", "not a time")))
    assert cache.apply(hist(item("1", T0), delta=False)).of_type(Rejected) == []
    rejected = StateCache()
    first = rejected.apply({"__type": HISTORY, "isDelta": "no"})
    second = rejected.apply({"__type": HISTORY, "isDelta": "never"})
    assert [(e.reason, e.message["isDelta"]) for e in first.of_type(Rejected)] == [  # type: ignore[attr-defined]
        ("isDelta must be a boolean", "no")]
    assert [e.message["isDelta"] for e in second.of_type(Rejected)] == ["never"]  # type: ignore[attr-defined]
