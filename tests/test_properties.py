"""Property tests: the laws of the spec's cache rules (R2-R8, R10, R12-R14) over generated input.

Each law is stated the way the spec states it and checked against a few lines of plain Python, never against
another part of the library: a merge is checked with a dict overlay, an order with `sorted`, an id set with set
algebra. A law that held only for hand-picked examples would be a weak test; these run on generated sessions
(PUTs, full messages, deltas, lifecycle outcomes) from `strategies`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import strategies as gen
from hypothesis import assume, given
from hypothesis import strategies as st

from icws_state import InvalidMessage, StateCache, coalesce, dump_snapshot

Message = dict[str, Any]


# -- helpers ----------------------------------------------------------------------------------------------------
def path_of(msg: Message) -> str:
    """The subscription path a message of a known type belongs to (R1, R11)."""
    t = msg["__type"]
    if t == gen.HISTORY:
        return "interaction-history"
    if t in (gen.ASSIST_LIST, gen.ASSIST_STATE):
        return "interactions/agent-assistance"
    if t in (gen.QUEUE, gen.QUEUE_STATE):
        return "queues/" + str(msg["subscriptionId"])
    if t == gen.USER_STATUS:
        return "status/user-statuses"
    if t == gen.STATUS_MESSAGES:
        return "status/status-messages"
    assert t == gen.DETAILS
    return "interactions/agent-assistance/" + str(msg["assistanceId"])


def type_view(cache: StateCache, msg: Message) -> Any:
    """The cache of ``msg``'s type on ``msg``'s subscription (R2: each message type has its own)."""
    snap = cache.snapshot()
    t = msg["__type"]
    if t not in gen.KNOWN_TYPES:
        sid = msg.get("subscriptionId")
        return snap["other"].get(t if sid is None else f"{t}|{sid}")
    if t == gen.HISTORY:
        return snap["history"]
    if t == gen.ASSIST_LIST:
        return snap["assistanceRequests"]
    if t in (gen.ASSIST_STATE, gen.QUEUE_STATE):
        sub = snap["subscriptions"][path_of(msg)]
        return sub["state"], sub["error"]
    return snap["subscriptionData"].get(path_of(msg))


def without(cache: StateCache, *keys: str) -> bytes:
    """The snapshot's bytes with some top-level keys taken out."""
    snap = json.loads(cache.snapshot_json())
    for k in keys:
        snap.pop(k)
    return dump_snapshot(snap)


def fed(steps: list[gen.Step]) -> StateCache:
    cache = StateCache()
    gen.play(cache, steps)
    return cache


def overlay(old: Message | None, delta: Message, skip: frozenset[str] = frozenset()) -> Message:
    """R3 written out: present properties set, ``null`` ones removed, absent ones kept."""
    out = dict(old or {})
    for k, v in delta.items():
        if k in skip:
            continue
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def order_key(item: Message) -> tuple[int, int, str]:
    """R6: items without ``initiationTime`` first, then by instant, then by id (code point)."""
    t = item.get("initiationTime")
    return (0, 0, item["interactionId"]) if t is None else (1, gen.icws_instant(t), item["interactionId"])


def delta_of(type_: str, route: dict[str, str]) -> st.SearchStrategy[Message]:
    """Deltas of one type for one path."""
    by_type: dict[str, st.SearchStrategy[Message]] = {
        gen.HISTORY: gen.history_messages(True),
        gen.ASSIST_LIST: gen.assistance_list_messages(True),
        gen.QUEUE: gen.queue_contents_messages(route.get("subscriptionId", "q1"), True),
        gen.USER_STATUS: gen.user_status_messages(True),
        gen.STATUS_MESSAGES: gen.status_messages_messages(True),
        gen.DETAILS: gen.details_messages(route.get("assistanceId", "a1"), True),
    }
    if type_ in by_type:
        return by_type[type_]
    return gen.generic_messages(True).map(lambda m: {**m, "__type": type_, **route})


DATA_TYPES = (gen.HISTORY, gen.ASSIST_LIST, gen.QUEUE, gen.USER_STATUS, gen.STATUS_MESSAGES, gen.DETAILS,
              "urn:inin.com:directories:directoryMessage")


def _route(t: str) -> dict[str, str]:
    if t == gen.QUEUE:
        return {"subscriptionId": "q1"}
    if t == gen.DETAILS:
        return {"assistanceId": "a1"}
    if t not in gen.KNOWN_TYPES:
        return {"subscriptionId": "d1"}
    return {}


@st.composite
def full_and_deltas(draw: st.DrawFn, types: tuple[str, ...] = DATA_TYPES, n: int = 2) -> tuple[Message, ...]:
    """A full message of one data type followed by ``n`` deltas of the same type and path."""
    t = draw(st.sampled_from(types))
    route = _route(t)
    full = {**draw(delta_of(t, route)), "isDelta": False}
    return (full, *(draw(delta_of(t, route)) for _ in range(n)))


# -- R2 replace -------------------------------------------------------------------------------------------------
@given(prior=st.lists(gen.valid_messages(), max_size=8), full=gen.valid_messages(delta=False))
def test_replace_law_full_message_is_its_type_cache_alone(prior: list[Message], full: Message) -> None:
    cache = StateCache()
    for m in prior:
        cache.apply(m)
    cache.apply(full)
    alone = StateCache()
    alone.apply(full)
    assert not cache.rejected
    assert type_view(cache, full) == type_view(alone, full)


@given(steps=gen.sequences(), full=gen.valid_messages(delta=False))
def test_full_message_is_idempotent(steps: list[gen.Step], full: Message) -> None:
    once, twice = fed(steps), fed(steps)
    once.apply(full)
    twice.apply(full)
    twice.apply(full)
    assert without(once, "stats", "rejected") == without(twice, "stats", "rejected")


@given(steps=gen.sequences(), delta=gen.valid_messages(delta=True))
def test_delta_is_idempotent_except_append_lists(steps: list[gen.Step], delta: Message) -> None:
    once, twice = fed(steps), fed(steps)
    once.apply(delta)
    assume(len(once.rejected) == len(fed(steps).rejected))  # a delta for a closed path proves nothing here
    twice.apply(delta)
    twice.apply(delta)
    appended = delta["__type"] == gen.DETAILS and delta.get("messagesAdded")
    if not appended:
        assert without(once, "stats", "rejected") == without(twice, "stats", "rejected")
        return
    # R14, the documented exception: the second application appends the items again.
    p = path_of(delta)
    got_once = once.snapshot()["subscriptionData"][p]["messages"]
    got_twice = twice.snapshot()["subscriptionData"][p]["messages"]
    assert got_twice == got_once + got_once[len(got_once) - len(delta["messagesAdded"]):]


# -- R3 / R4 merge ----------------------------------------------------------------------------------------------
@given(base=gen.generic_messages(False), delta=gen.generic_messages(True))
def test_merge_law_generic_store(base: Message, delta: Message) -> None:
    delta = {**delta, "__type": base["__type"]}
    delta.pop("subscriptionId", None)
    if "subscriptionId" in base:
        delta["subscriptionId"] = base["subscriptionId"]
    cache = StateCache()
    cache.apply(base)
    key = base["__type"] if "subscriptionId" not in base else f"{base['__type']}|{base['subscriptionId']}"
    before = dict(cache.other[key])
    cache.apply(delta)
    after = dict(cache.other[key])
    for k, v in before.items():
        if k not in delta:
            assert after[k] == v  # absent: unchanged
    for k, v in delta.items():
        if k in ("__type", "isDelta"):
            continue
        if v is None:
            assert k not in after  # null: cleared
        else:
            assert after[k] == v  # present: set
    assert after == overlay(before, delta, frozenset({"__type", "isDelta"}))


@given(msgs=full_and_deltas(types=(gen.HISTORY,), n=1))
def test_merge_law_history_items(msgs: tuple[Message, Message]) -> None:
    full, delta = msgs
    cache = StateCache()
    cache.apply(full)
    before = {k: dict(v) for k, v in cache.history.items()}
    cache.apply(delta)
    expected = dict(before)
    for item in delta.get("interactionHistory", []):
        expected[item["interactionId"]] = overlay(expected.get(item["interactionId"]), item)
    assert {k: dict(v) for k, v in cache.history.items()} == expected


@given(msgs=full_and_deltas(types=(gen.DETAILS,), n=1))
def test_merge_law_scalar_properties(msgs: tuple[Message, Message]) -> None:
    full, delta = msgs
    cache = StateCache()
    cache.apply(full)
    p = path_of(full)
    before = cache.snapshot()["subscriptionData"][p]["properties"]
    cache.apply(delta)
    skip = frozenset({"__type", "isDelta", "assistanceId", "participantsAdded", "participantsChanged",
                      "messagesAdded"})
    assert cache.snapshot()["subscriptionData"][p]["properties"] == overlay(before, delta, skip)


# Regression: R15 scalars were compared with Python ==, so 0 over false (or 1.0 over 1) was taken for no change.
@pytest.mark.parametrize(("first", "second"), [(False, 0), (1, 1.0), (True, 1), ([0], [False])])
def test_scalar_property_takes_the_delta_value_whatever_its_type(first: Any, second: Any) -> None:
    cache = StateCache()
    cache.apply({"__type": gen.STATUS_MESSAGES, "isDelta": True, "custom": first})
    cache.apply({"__type": gen.STATUS_MESSAGES, "isDelta": True, "custom": second})
    got = cache.snapshot()["subscriptionData"]["status/status-messages"]["properties"]["custom"]
    assert json.dumps(got) == json.dumps(second)


# -- R5 id sets -------------------------------------------------------------------------------------------------
@given(before=st.lists(gen.ids, max_size=5), added=st.lists(gen.ids, max_size=5), removed=st.lists(gen.ids, max_size=5))
def test_id_set_law(before: list[str], added: list[str], removed: list[str]) -> None:
    cache = StateCache()
    cache.apply({"__type": gen.ASSIST_LIST, "isDelta": False, "requestsAdded": before})
    cache.apply({"__type": gen.ASSIST_LIST, "isDelta": True, "requestsAdded": added, "requestsRemoved": removed})
    assert set(cache.assistance_requests) == (set(before) | set(added)) - set(removed)
    assert cache.snapshot()["assistanceRequests"] == sorted((set(before) | set(added)) - set(removed))
    full = StateCache()
    full.apply({"__type": gen.ASSIST_LIST, "isDelta": False, "requestsAdded": added, "requestsRemoved": removed})
    assert set(full.assistance_requests) == set(added) - set(removed)


# -- R6 / R7 order and bound ------------------------------------------------------------------------------------
@given(
    bound=st.one_of(st.none(), st.integers(0, 6)),
    full=gen.history_messages(False, max_items=8),
    deltas=st.lists(gen.history_messages(True), max_size=4),
)
def test_order_law_and_bound(bound: int | None, full: Message, deltas: list[Message]) -> None:
    cache = StateCache()
    body = None if bound is None else {"numberOfHistoryMessages": bound}
    cache.record_response("PUT", gen.sub_url("interaction-history"), 204, body)
    model: dict[str, Message] = {}
    for msg in (full, *deltas):
        cache.apply(msg)
        if not msg["isDelta"]:
            model = {}
        for item in msg.get("interactionHistory", []):
            model[item["interactionId"]] = overlay(model.get(item["interactionId"]), item)
        if bound is not None:  # R7: the N greatest remain
            model = {i["interactionId"]: i for i in sorted(model.values(), key=order_key)[-bound:]} if bound else {}
        cache.history._check()
        expected = [i["interactionId"] for i in sorted(model.values(), key=order_key)]
        assert list(cache.history) == expected
        assert [i["interactionId"] for i in cache.history.newest_first()] == expected[::-1]
        assert [i["interactionId"] for i in cache.history.ordered] == expected
        assert cache.snapshot()["history"] == sorted(model.values(), key=order_key)
    if bound is not None:
        assert len(cache.history) <= bound


# -- R10 coalescing ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("message_type", DATA_TYPES)
@given(data=st.data())
def test_coalescing_law(message_type: str, data: st.DataObject) -> None:
    full, d1, d2 = data.draw(full_and_deltas(types=(message_type,), n=2))
    with_full = data.draw(st.booleans())
    apart, together = StateCache(), StateCache()
    for cache in (apart, together):
        cache.record_response("PUT", gen.sub_url("interaction-history"), 204)  # no bound: R10's caveat
        if with_full:
            cache.apply(full)
    apart.apply(d1)
    apart.apply(d2)
    together.apply(coalesce(d1, d2))
    assert not apart.rejected and not together.rejected
    assert without(apart, "stats") == without(together, "stats")


# -- R8 atomicity -----------------------------------------------------------------------------------------------
@given(steps=gen.sequences(), bad=gen.invalid_messages())
def test_rejected_message_changes_nothing_but_rejected_and_stats(steps: list[gen.Step], bad: Any) -> None:
    cache = fed(steps)
    before, stats = cache.snapshot(), cache.stats
    cache.apply(bad)
    after = cache.snapshot()
    assert without(cache, "rejected", "stats") == dump_snapshot({k: v for k, v in before.items()
                                                                 if k not in ("rejected", "stats")})
    assert after["rejected"][:-1] == before["rejected"]
    assert len(after["rejected"]) == len(before["rejected"]) + 1
    assert after["rejected"][-1]["message"] == bad
    s = cache.stats
    assert (s.messages, s.applied, s.rejected) == (stats.messages + 1, stats.applied, stats.rejected + 1)


@given(steps=gen.sequences(), bad=gen.invalid_messages())
def test_strict_mode_raises_before_anything_changes(steps: list[gen.Step], bad: Any) -> None:
    cache = fed(steps)
    cache.strict = True
    before = cache.snapshot_json()
    with pytest.raises(InvalidMessage) as info:
        cache.apply(bad)
    assert info.value.message == bad
    assert cache.snapshot_json() == before


@given(steps=gen.sequences(), msg=gen.valid_messages())
def test_message_for_closed_subscription_is_rejected_atomically(steps: list[gen.Step], msg: Message) -> None:
    assume(msg["__type"] in gen.KNOWN_TYPES)
    cache = fed(steps)
    cache.record_response("DELETE", gen.sub_url(path_of(msg)), 204)
    before = without(cache, "rejected", "stats")
    cache.apply(msg)
    assert cache.rejected[-1].reason == "subscription is not active"
    assert without(cache, "rejected", "stats") == before


# -- snapshots --------------------------------------------------------------------------------------------------
@given(steps=gen.sequences(), bad=st.lists(gen.invalid_messages(), max_size=2), later=gen.sequences(max_steps=4))
def test_snapshot_round_trip(steps: list[gen.Step], bad: list[Any], later: list[gen.Step]) -> None:
    cache = fed(steps)
    for b in bad:
        cache.apply(b)
    restored = StateCache.from_snapshot(cache.snapshot())
    assert restored == cache
    assert restored.snapshot_json() == cache.snapshot_json()
    # ... and both answer every later input alike.
    gen.play(cache, later)
    gen.play(restored, later)
    assert restored.snapshot_json() == cache.snapshot_json()


# -- R12-R14 ----------------------------------------------------------------------------------------------------
@given(prior=gen.queue_contents_messages("q1", False), msg=gen.queue_contents_messages("q1", True),
       key=gen.ids, split=st.booleans())
def test_added_then_removed_leaves_no_item(prior: Message, msg: Message, key: str, split: bool) -> None:
    cache = StateCache()
    cache.apply(prior)
    added = {**msg, "interactionsAdded": [*msg.get("interactionsAdded", []), {"interactionId": key}]}
    removal = {"__type": gen.QUEUE, "isDelta": True, "subscriptionId": "q1", "interactionsRemoved": [key]}
    if split:
        cache.apply(added)
        cache.apply(removal)
    else:
        removed = [*added.get("interactionsRemoved", []), key]
        cache.apply({**added, "interactionsRemoved": removed})
    store = cache.keyed("queues/q1", "interactions")
    assert store is not None and key not in store


@given(prior=gen.queue_contents_messages("q1", False), msg=gen.queue_contents_messages("q1", True))
def test_changed_items_merge_maps_one_level_down(prior: Message, msg: Message) -> None:
    cache = StateCache()
    cache.apply(prior)
    store = cache.keyed("queues/q1", "interactions")
    assert store is not None
    model = {k: dict(v) for k, v in store.items()}
    for item in msg.get("interactionsAdded", []):
        model[item["interactionId"]] = overlay(None, item)
    for item in msg.get("interactionsChanged", []):
        old = model.get(item["interactionId"])
        new = overlay(old, item)
        if type(item.get("attributes")) is dict:
            attrs = overlay((old or {}).get("attributes"), item["attributes"])
            new["attributes"] = attrs
        model[item["interactionId"]] = new
    for k in msg.get("interactionsRemoved", []):
        model.pop(k, None)
    cache.apply(msg)
    assert {k: dict(v) for k, v in store.items()} == model


@given(prior=gen.user_status_messages(False), msg=gen.user_status_messages(None))
def test_upsert_list_merges_per_key_and_replaces_other_objects_whole(prior: Message, msg: Message) -> None:
    cache = StateCache()
    cache.apply(prior)
    store = cache.keyed("status/user-statuses", "userStatusList")
    assert store is not None
    model = {} if not msg["isDelta"] else {k: dict(v) for k, v in store.items()}
    for item in msg["userStatusList"]:  # R13: a key twice merges, in a full message too; `until` is not a map
        model[item["userId"]] = overlay(model.get(item["userId"]), item)
    cache.apply(msg)
    store = cache.keyed("status/user-statuses", "userStatusList")
    assert store is not None
    assert {k: dict(v) for k, v in store.items()} == model


@given(msgs=full_and_deltas(types=(gen.DETAILS,), n=3))
def test_append_list_accumulates_deltas_and_full_replaces(msgs: tuple[Message, ...]) -> None:
    cache = StateCache()
    expected: list[Message] = []
    for m in msgs:
        cache.apply(m)
        expected = (expected if m["isDelta"] else []) + list(m.get("messagesAdded", []))
        assert cache.snapshot()["subscriptionData"][path_of(m)]["messages"] == expected


@given(msgs=full_and_deltas(n=4), full=st.data())
def test_full_message_after_deltas_equals_full_alone(msgs: tuple[Message, ...], full: st.DataObject) -> None:
    last = {**full.draw(delta_of(msgs[0]["__type"], _route(msgs[0]["__type"]))), "isDelta": False}
    cache = StateCache()
    for m in (*msgs, last):
        cache.apply(m)
    alone = StateCache()
    alone.apply(last)
    assert type_view(cache, last) == type_view(alone, last)
