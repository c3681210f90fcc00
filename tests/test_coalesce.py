"""Rule R10: `coalesce(d1, d2)` applied once leaves the same cache as d1 then d2, for every pattern."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import (
    ASSIST_PATH,
    DETAILS,
    DIRECTORY,
    HISTORY_PATH,
    QUEUE,
    T0,
    T1,
    T2,
    alist,
    astate,
    core,
    details,
    generic,
    hist,
    item,
    opened,
    queue,
    statuses,
)

from icws_state import InvalidMessage, StateCache, coalesce

Msg = dict[str, Any]
PATHS = (HISTORY_PATH, ASSIST_PATH, "queues/q1", "status/user-statuses", "interactions/agent-assistance/a1")


def both_ways(setup: list[Msg], d1: Msg, d2: Msg) -> Msg:
    """Apply ``setup``, d1, d2 to one cache and ``setup``, the coalesced delta to another; they must agree."""
    one, two = opened(*PATHS), opened(*PATHS)
    for m in setup:
        one.apply(m)
        two.apply(m)
    one.apply(d1)
    one.apply(d2)
    merged = coalesce(d1, d2)
    two.apply(merged)
    assert one.stats.rejected == two.stats.rejected == 0
    assert core(one) == core(two)
    return merged


def test_id_sets_last_operation_wins() -> None:
    merged = both_ways([alist(["a", "b", "x"], delta=False)], alist(["a", "n"], ["b"]), alist(["b", "c"], ["a", "n"]))
    assert sorted(merged["requestsAdded"]) == ["b", "c"]
    assert sorted(merged["requestsRemoved"]) == ["a", "n"]


def test_id_sets_one_sided() -> None:
    both_ways([alist(["a"], delta=False)], alist(["b"]), alist(removed=["b"]))
    both_ways([alist(["a"], delta=False)], alist(removed=["a"]), alist(["a"]))


def test_keyed_collection_per_key() -> None:
    setup = [
        queue(
            "q1",
            delta=False,
            added=[
                {"interactionId": "i2", "attributes": {"a": "1", "b": "1"}, "x": "1"},
                {"interactionId": "i3", "attributes": {"a": "1"}},
                {"interactionId": "i4"},
            ],
        )
    ]
    d1 = queue(
        "q1",
        added=[{"interactionId": "i1", "attributes": {"a": "1"}}],
        changed=[{"interactionId": "i2", "attributes": {"a": "2", "b": None}, "x": None}],
        removed=["i3"],
    )
    d2 = queue(
        "q1",
        changed=[
            {"interactionId": "i1", "attributes": {"a": None, "c": "3"}},
            {"interactionId": "i3", "attributes": {"z": "9", "n": None}, "y": "y"},
            {"interactionId": "i4", "attributes": {"q": "1"}},
        ],
        removed=["i2"],
    )
    both_ways(setup, d1, d2)


def test_keyed_removed_then_changed_becomes_added() -> None:
    setup = [queue("q1", delta=False, added=[{"interactionId": "i", "old": "stays-gone", "attributes": {"a": "1"}}])]
    d1 = queue("q1", removed=["i"])
    d2 = queue("q1", changed=[{"interactionId": "i", "new": "n", "attributes": {"b": "2"}}])
    merged = both_ways(setup, d1, d2)
    assert merged["interactionsAdded"] == [{"interactionId": "i", "new": "n", "attributes": {"b": "2"}}]


def test_keyed_changed_twice_map_nulls_kept() -> None:
    setup = [queue("q1", delta=False, added=[{"interactionId": "i", "attributes": {"a": "1", "b": "1"}}])]
    d1 = queue("q1", changed=[{"interactionId": "i", "attributes": {"a": None}}])
    d2 = queue("q1", changed=[{"interactionId": "i", "attributes": {"b": None, "c": "3"}}])
    both_ways(setup, d1, d2)


def test_history_upsert_nulls_kept() -> None:
    setup = [hist(item("1", T0, x="old", y="keep"), item("2", T1), delta=False)]
    d1 = hist(item("1", notes="a", x=None), item("3", T2, z="z"))
    d2 = hist(item("1", log="l", x="again", y=None), item("3", z=None), item("2", T0))
    merged = both_ways(setup, d1, d2)
    by_id = {i["interactionId"]: i for i in merged["interactionHistory"]}
    assert by_id["3"] == {"interactionId": "3", "initiationTime": T2, "z": None}


def test_history_null_from_d2_overwrites() -> None:
    setup = [hist(item("1", T0, x="old"), delta=False)]
    both_ways(setup, hist(item("1", x="new")), hist(item("1", x=None)))


def test_user_status_upsert_nulls_kept() -> None:
    setup = [statuses({"userId": "u", "statusId": "A", "until": {"d": 1}}, delta=False)]
    d1 = statuses({"userId": "u", "until": None}, {"userId": "v", "statusId": "B", "x": "1"})
    d2 = statuses({"userId": "u", "notes": "n"}, {"userId": "v", "x": None})
    both_ways(setup, d1, d2)


def test_append_lists_concatenate_and_scalars_overwrite() -> None:
    setup = [
        details(
            "a1",
            delta=False,
            interactionId="i",
            state=0,
            messagesAdded=[{"text": "0"}],
            participantsAdded=[{"userId": "u", "action": 1}],
        )
    ]
    d1 = details(
        "a1",
        state=1,
        messagesAdded=[{"text": "1"}],
        participantsChanged=[{"userId": "u", "action": 2}],
        extra="e",
    )
    d2 = details(
        "a1",
        state=2,
        interactionId="j",
        messagesAdded=[{"text": "2"}, {"text": "3"}],
        extra=None,
        participantsAdded=[{"userId": "w", "displayName": "W"}],
    )
    merged = both_ways(setup, d1, d2)
    assert merged["messagesAdded"] == [{"text": "1"}, {"text": "2"}, {"text": "3"}]
    assert merged["state"] == 2 and merged["extra"] is None


def test_queue_scalars() -> None:
    setup = [queue("q1", delta=False, a=1, b=2)]
    both_ways(setup, queue("q1", a=5, c=3), queue("q1", c=None, b=4))


def test_generic_store() -> None:
    setup = [generic(DIRECTORY, delta=False, subscriptionId="d", a=0, keep=1)]
    merged = both_ways(
        setup,
        generic(DIRECTORY, subscriptionId="d", a=1, b=2, c={"n": None}),
        generic(DIRECTORY, subscriptionId="d", b=None, d=4),
    )
    assert merged["b"] is None and merged["a"] == 1


def test_state_messages() -> None:
    err = {"message": "x"}
    setup = [astate(1)]
    merged = both_ways(setup, astate(2, err, delta=True), astate(1, delta=True))
    assert merged["state"] == 1 and merged["error"] == err
    both_ways(setup, astate(2, delta=True), astate(1, {"message": "y"}, delta=True))


def test_inputs_not_mutated() -> None:
    d1 = queue("q1", added=[{"interactionId": "i", "attributes": {"a": "1"}}])
    d2 = queue("q1", changed=[{"interactionId": "i", "attributes": {"a": None}}])
    c1, c2 = repr(d1), repr(d2)
    coalesce(d1, d2)
    assert (repr(d1), repr(d2)) == (c1, c2)


@pytest.mark.parametrize(
    ("d1", "d2"),
    [
        (alist(["a"]), hist(item("1"))),  # different types
        (alist(["a"], delta=False), alist(["b"])),  # not deltas
        (alist(["a"]), alist(["b"], delta=False)),
        (hist(item("1", direction=True)), hist(item("1"))),  # invalid
        (hist(item("1")), hist({"notes": "no id"})),
        (
            generic(DIRECTORY, subscriptionId="d1"),
            generic(DIRECTORY, subscriptionId="d2"),
        ),  # different subscriptionId
        (generic(DIRECTORY, subscriptionId="d1"), generic(DIRECTORY)),
        (queue("q1", added=[]), queue("q2", added=[])),
        (details("a1"), details("a2")),
        ("junk", alist(["a"])),
        ({"__type": 1, "isDelta": True}, {"__type": 1, "isDelta": True}),
    ],
)
def test_coalesce_errors(d1: Any, d2: Any) -> None:
    with pytest.raises(InvalidMessage):
        coalesce(d1, d2)


def test_coalesced_types_preserved() -> None:
    merged = coalesce(queue("q1", added=[]), queue("q1", removed=["x"]))
    assert merged["__type"] == QUEUE and merged["isDelta"] is True and merged["subscriptionId"] == "q1"
    merged = coalesce(details("a1"), details("a1", messagesAdded=[]))
    assert merged["__type"] == DETAILS and merged["assistanceId"] == "a1"


def test_chain_of_many_deltas() -> None:
    deltas = [alist([f"r{i}"], [f"r{i - 2}"]) for i in range(10)]
    one, two = opened(ASSIST_PATH), opened(ASSIST_PATH)
    acc = deltas[0]
    for d in deltas:
        one.apply(d)
    for d in deltas[1:]:
        acc = coalesce(acc, d)
    two.apply(acc)
    assert set(one.assistance_requests) == set(two.assistance_requests) == {"r8", "r9"}


def test_eviction_caveat_documented_case_still_valid_without_eviction() -> None:
    # With a bound that evicts nothing between d1 and d2, coalescing is exact.
    setup: list[Msg] = [hist(item("1", T0), delta=False)]
    one = StateCache()
    one.record_response(
        "PUT",
        "/icws/s1/messaging/subscriptions/interaction-history",
        204,
        body={"numberOfHistoryMessages": 3},
    )
    two = StateCache.from_snapshot(one.snapshot())
    d1, d2 = hist(item("2", T1)), hist(item("1", notes="n"))
    for m in (*setup, d1, d2):
        one.apply(m)
    for m in (*setup, coalesce(d1, d2)):
        two.apply(m)
    assert core(one) == core(two)
