"""The ``icws-state/1`` snapshot (section 5): restoring, rejecting malformed snapshots, the bounded rejected list."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from icws_state import SnapshotError, StateCache

SUBS = "/icws/s1/messaging/subscriptions/"
HISTORY = "urn:inin.com:interactions:historyMessage"
ALIST = "urn:inin.com:interactions.assistance:assistanceRequestListMessage"
QUEUE = "urn:inin.com:queues:queueContentsMessage"


def busy_cache() -> StateCache:
    """A cache touching every part of the snapshot."""
    cache = StateCache()
    cache.record_response("PUT", SUBS + "interaction-history", 204, {"numberOfHistoryMessages": 2})
    cache.record_response("PUT", SUBS + "queues/q1", 204, {"queueIds": [{"queueType": 2, "queueName": "Billing"}]})
    cache.record_response("PUT", SUBS + "queues/gone", 410, None, {"message": "removed"})
    cache.apply({"__type": HISTORY, "isDelta": False, "interactionHistory": [
        {"interactionId": "1", "initiationTime": "2026-03-10T08:00:00Z"},
        {"interactionId": "2", "initiationTime": "2026-03-10T09:00:00Z", "custom": "kept"}]})
    cache.apply({"__type": ALIST, "isDelta": False, "requestsAdded": ["r1"]})
    cache.apply({"__type": QUEUE, "isDelta": False, "subscriptionId": "q1",
                 "interactionsAdded": [{"interactionId": "i1", "attributes": {"Eic_State": "A"}}]})
    cache.apply({"__type": "urn:inin.com:directories:directoryMessage", "isDelta": False, "subscriptionId": "d1",
                 "entries": [1]})
    cache.apply({"__type": ALIST, "isDelta": "no"})
    return cache


def test_round_trip_is_equal_and_byte_identical() -> None:
    cache = busy_cache()
    restored = StateCache.from_snapshot(cache.snapshot())
    assert restored == cache
    assert restored.snapshot_json() == cache.snapshot_json()


def test_restored_cache_answers_later_inputs_alike() -> None:
    cache = busy_cache()
    restored = StateCache.from_snapshot(cache.snapshot())
    later = [
        {"__type": HISTORY, "isDelta": True, "interactionHistory": [
            {"interactionId": "3", "initiationTime": "2026-03-10T10:00:00Z"}]},  # the bound of 2 still evicts
        {"__type": QUEUE, "isDelta": True, "subscriptionId": "gone", "interactionsAdded": []},  # closed: rejected
        {"__type": QUEUE, "isDelta": True, "subscriptionId": "q1",
         "interactionsChanged": [{"interactionId": "i1", "attributes": {"Eic_State": None}}]},
    ]
    for message in later:
        cache.apply(message)
        restored.apply(message)
    assert restored == cache
    assert list(restored.history) == ["2", "3"]
    assert restored.rejected[-1].reason == "subscription is not active"


def test_snapshot_json_is_sorted_and_ends_with_a_newline() -> None:
    data = busy_cache().snapshot_json()
    assert data.endswith(b"}\n")
    assert json.loads(data)["format"] == "icws-state/1"
    assert data == json.dumps(json.loads(data), sort_keys=True, indent=2, ensure_ascii=False).encode() + b"\n"


def _broken(mutate: Any) -> dict[str, Any]:
    snap = copy.deepcopy(busy_cache().snapshot())
    mutate(snap)
    return snap


MALFORMED = {
    "not a dict": lambda s: None,
    "no format": lambda s: s.pop("format"),
    "wrong format": lambda s: s.update(format="icws-state/2"),
    "no stats": lambda s: s.pop("stats"),
    "no subscriptions": lambda s: s.pop("subscriptions"),
    "sessionEnded as string": lambda s: s.update(sessionEnded="false"),
    "unknown state": lambda s: s["subscriptions"]["interaction-history"].update(state="paused"),
    "closed as int": lambda s: s["subscriptions"]["interaction-history"].update(closed=0),
    "subscription field missing": lambda s: s["subscriptions"]["interaction-history"].pop("stale"),
    "history not a list": lambda s: s.update(history={"1": {}}),
    "history item without id": lambda s: s["history"].append({"notes": "x"}),
    "history item wrong type": lambda s: s["history"][0].update(direction="1"),
    "assistance ids not strings": lambda s: s.update(assistanceRequests=[1]),
    "stats do not add up": lambda s: s["stats"].update(messages=99),
    "stats count as string": lambda s: s["stats"].update(applied="5"),
    "rejected entry without reason": lambda s: s["rejected"][0].pop("reason"),
    "unknown data type": lambda s: s["subscriptionData"]["queues/q1"].update(type="urn:x"),
    "data path does not fit its type": lambda s: s["subscriptionData"].update(
        {"status/q9": s["subscriptionData"].pop("queues/q1")}),
    "bad queue item": lambda s: s["subscriptionData"]["queues/q1"]["interactions"].append({"attributes": {}}),
}




@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_from_snapshot_rejects_malformed_input(case: str) -> None:
    snap: Any = None if case == "not a dict" else _broken(MALFORMED[case])
    with pytest.raises(SnapshotError):
        StateCache.from_snapshot(snap)


def test_from_snapshot_accepts_a_snapshot_without_subscription_data() -> None:
    cache = StateCache()
    cache.apply({"__type": ALIST, "isDelta": False, "requestsAdded": ["r1"]})
    snap = cache.snapshot()
    snap.pop("subscriptionData", None)  # snapshots of readers of the earlier keys only
    assert StateCache.from_snapshot(snap) == cache


def test_rejected_keeps_the_message_only_for_the_first_100() -> None:
    cache = StateCache()
    for i in range(130):
        cache.apply({"__type": ALIST, "isDelta": i})
    rejected = cache.snapshot()["rejected"]
    assert len(rejected) == 130
    assert all(r["message"] == {"__type": ALIST, "isDelta": i} for i, r in enumerate(rejected[:100]))
    assert all("message" not in r for r in rejected[100:])
    assert all(r["reason"] == "isDelta must be a boolean" and r["line"] is None for r in rejected)
    assert cache.snapshot()["stats"] == {"messages": 130, "applied": 0, "rejected": 130}
    restored = StateCache.from_snapshot(cache.snapshot())
    assert restored == cache
    # the count goes on from the restored state: the 131st rejection keeps no message either
    restored.apply({"__type": ALIST, "isDelta": "x"})
    assert "message" not in restored.snapshot()["rejected"][-1]
