"""Property tests: the laws of the spec's cache rules (R2-R8, R10, R12-R14) over generated input.

Each law is stated the way the spec states it and checked against a few lines of plain Python, never against
another part of the library: a merge is checked with a dict overlay, an order with `sorted`, an id set with set
algebra. A law that held only for hand-picked examples would be a weak test; these run on generated sessions
(PUTs, full messages, deltas, lifecycle outcomes) from `strategies`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
import strategies as gen
from helpers import full_replace_three_ways
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
    if t == gen.STATISTICS:
        return gen.STATISTICS_PATH
    assert t == gen.DETAILS
    return "interactions/agent-assistance/" + str(msg["assistanceId"])


def type_view(cache: StateCache, msg: Message) -> Any:
    """The cache of ``msg``'s type on ``msg``'s subscription (R2: each message type has its own)."""
    snap = cache.snapshot()
    t = msg["__type"]
    if t == gen.STATISTICS:
        return snap["subscriptionData"].get(gen.STATISTICS_PATH)
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
        gen.STATUS_MESSAGES: st.one_of(gen.status_messages_messages(True), gen.case_status_messages(True)),
        gen.DETAILS: gen.details_messages(route.get("assistanceId", "a1"), True),
        gen.STATISTICS: gen.statistics_messages(True),
    }
    if type_ in by_type:
        return by_type[type_]
    return gen.generic_messages(True).map(lambda m: {**m, "__type": type_, **route})


DATA_TYPES = (gen.HISTORY, gen.ASSIST_LIST, gen.QUEUE, gen.USER_STATUS, gen.STATUS_MESSAGES, gen.DETAILS,
              gen.STATISTICS, "urn:inin.com:directories:directoryMessage")


def _route(t: str) -> dict[str, str]:
    if t == gen.QUEUE:
        return {"subscriptionId": "q1"}
    if t == gen.DETAILS:
        return {"assistanceId": "a1"}
    if t not in gen.KNOWN_TYPES and t != gen.STATISTICS:
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


# -- R16 / R17: case-insensitive and object keys -----------------------------------------------------------------
STATUS_PATH = "status/status-messages"


def thaw(value: Any) -> Any:
    """A plain copy of what the cache hands out (read-only mappings and sequences become dicts and lists)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [thaw(v) for v in value]
    return value


def as_json(value: Any) -> str:
    """A value's JSON text, so that ``2`` and ``2.0`` (or ``1`` and ``true``) do not compare equal."""
    return json.dumps(value, sort_keys=True)


def statistics_model(model: dict[str, Message], msg: Message) -> dict[str, Message]:
    """R13 with R17 written out: a full message empties the collection; then each item is merged (R3) into the one
    whose key has the same canonical text, whatever the order of its properties."""
    out = dict(model) if msg["isDelta"] else {}
    for item in msg["statisticValueChanges"]:
        k = gen.canonical_text(item["statisticKey"])
        out[k] = overlay(out.get(k), item)
    return out


def status_model(model: dict[str, Message], msg: Message) -> dict[str, Message]:
    """R12 with R16 written out: added replaces, changed merges, removed removes, each acting on the casefolded id,
    so an item keeps the spelling of its latest change."""
    out = dict(model) if msg["isDelta"] else {}
    for item in msg.get("statusMessagesAdded", []):
        out[item["statusId"].casefold()] = overlay(None, item)
    for item in msg.get("statusMessagesChanged", []):
        k = item["statusId"].casefold()
        out[k] = overlay(out.get(k), item)
    for k in msg.get("statusMessagesRemoved", []):
        out.pop(k.casefold(), None)
    return out


def listed(cache: StateCache, path: str, part: str) -> str:
    data = cache.snapshot()["subscriptionData"].get(path)
    return as_json(None if data is None else data[part])


@given(msgs=st.lists(gen.statistics_messages(), min_size=1, max_size=5))
def test_merge_law_object_keyed_upsert_list(msgs: list[Message]) -> None:
    """R17: items are merged per canonical key text, a delta keeps the values it does not mention, and the snapshot
    lists them sorted by that text."""
    cache = StateCache()
    model: dict[str, Message] = {}
    for m in msgs:
        cache.apply(m)
        model = statistics_model(model, m)
        assert listed(cache, gen.STATISTICS_PATH, "statisticValueChanges") == as_json(
            [model[k] for k in sorted(model)])
    assert not cache.rejected
    store = cache.keyed(gen.STATISTICS_PATH, "statisticValueChanges")
    assert store is not None and list(store) == sorted(model)


@given(msgs=st.lists(gen.case_status_messages(), min_size=1, max_size=5))
def test_merge_law_case_insensitive_collection(msgs: list[Message]) -> None:
    """R16: casefold-equal spellings act on one item, which keeps the spelling of its latest change; the snapshot
    lists items by folded id."""
    cache = StateCache()
    model: dict[str, Message] = {}
    for m in msgs:
        cache.apply(m)
        model = status_model(model, m)
        assert listed(cache, STATUS_PATH, "statusMessages") == as_json([model[k] for k in sorted(model)])
    assert not cache.rejected
    for family in gen.STATUS_ID_FAMILIES:  # any spelling finds the item, as the catalogue spells it
        for spelling in family:
            got = cache.status_message(spelling)
            expected = model.get(spelling.casefold())
            assert (got is None) == (expected is None)
            assert got is None or expected is None or got.status_id == expected["statusId"]


@pytest.mark.parametrize("kind", ["statistics", "status ids in case variants"])
@given(data=st.data())
def test_coalescing_law_for_object_and_folded_keys(kind: str, data: st.DataObject) -> None:
    """R10 over R16 and R17: two deltas coalesced into one leave the same cache, whether their keys are spelled
    alike or only fold alike, and whatever order an object key's properties come in."""
    messages = gen.statistics_messages if kind == "statistics" else gen.case_status_messages
    full, d1, d2 = data.draw(messages(False)), data.draw(messages(True)), data.draw(messages(True))
    if data.draw(st.booleans()):
        d2 = data.draw(gen.permuted(d2))
    apart, together = StateCache(), StateCache()
    if data.draw(st.booleans()):
        apart.apply(full)
        together.apply(full)
    apart.apply(d1)
    apart.apply(d2)
    together.apply(coalesce(d1, d2))
    assert not apart.rejected and not together.rejected
    assert without(apart, "stats") == without(together, "stats")


@given(prior=st.lists(st.one_of(gen.statistics_messages(), gen.case_status_messages()), max_size=4),
       full=st.one_of(gen.statistics_messages(False), gen.case_status_messages(False)))
def test_full_replace_is_idempotent_for_object_and_folded_keys(prior: list[Message], full: Message) -> None:
    """R2: a full message makes its type's cache exactly what it carries, once or twice, whatever was there
    (an object key twice in one full message merges, R13; an id twice in one added list, the later wins)."""
    once, twice, alone = full_replace_three_ways(prior, full)
    assert without(once, "stats", "rejected") == without(twice, "stats", "rejected")
    assert as_json(type_view(once, full)) == as_json(type_view(alone, full))


@given(msgs=st.lists(gen.statistics_messages(), min_size=1, max_size=4), data=st.data())
def test_object_keys_are_the_same_key_in_any_property_order(msgs: list[Message], data: st.DataObject) -> None:
    """R17: a key's identity is its canonical text, so the same messages with the properties of every object (keys
    included, at every level) in another order give byte-identical snapshots, and a key spelled in any order finds,
    and merges into, the item of that key."""
    shuffled = [data.draw(gen.permuted(m)) for m in msgs]
    a, b = StateCache(), StateCache()
    for m, p in zip(msgs, shuffled, strict=True):
        a.apply(m)
        b.apply(p)
    assert a.snapshot_json() == b.snapshot_json()
    store = a.keyed(gen.STATISTICS_PATH, "statisticValueChanges")
    assert store is not None
    keys = [json.loads(k) for k in store]
    for key in keys:
        other_order = data.draw(gen.permuted(key))
        assert other_order in store
        assert as_json(thaw(store[other_order])) == as_json(thaw(store[gen.canonical_text(key)]))
        value = {"__type": "urn:inin.com:statistics:statisticIntValue", "value": 42, "statisticValueType": 0}
        a.apply({"__type": gen.STATISTICS, "isDelta": True,
                 "statisticValueChanges": [{"statisticKey": other_order, "statisticValue": value}]})
        assert len(store) == len(keys)
        assert as_json(thaw(store[key])["statisticValue"]) == as_json(value)
        view = a.statistic_value(other_order)
        assert view is not None and view.value == 42


def test_object_keys_differ_by_their_json_text() -> None:
    """R17: numbers as decoded: ``2`` and ``2.0``, or ``1`` and ``true``, are different keys; ``{}`` is a key."""
    keys: list[dict[str, Any]] = [{"x": 2}, {"x": 2.0}, {"x": 1}, {"x": True}, {}, {"x": [1, 2]}, {"x": [2, 1]}]
    cache = StateCache()
    cache.apply({"__type": gen.STATISTICS, "isDelta": False,
                 "statisticValueChanges": [{"statisticKey": k} for k in keys]})
    store = cache.keyed(gen.STATISTICS_PATH, "statisticValueChanges")
    assert store is not None and list(store) == sorted(gen.canonical_text(k) for k in keys)


@pytest.mark.parametrize("family", [f for f in gen.STATUS_ID_FAMILIES if len(f) > 1])
def test_case_variants_act_on_one_item_spelled_as_its_latest_change(family: tuple[str, ...]) -> None:
    """R16: added as one spelling, changed as another, the item is one and takes the changed spelling (R3: a
    ``null`` clears an unknown property); removed in a third spelling, it is gone; ``İ`` (U+0130) does not fold to
    ``i``, so those stay apart."""
    first, second, third = (family * 3)[:3]
    cache = StateCache()
    cache.apply({"__type": gen.STATUS_MESSAGES, "isDelta": False,
                 "statusMessagesAdded": [{"statusId": first, "messageText": "a", "custom": 1}],
                 "statusMessagesChanged": [{"statusId": "İstanbul", "messageText": "dotted"}]})
    cache.apply({"__type": gen.STATUS_MESSAGES, "isDelta": True,
                 "statusMessagesChanged": [{"statusId": second, "messageText": "b", "custom": None}]})
    assert not cache.rejected
    snap = cache.snapshot()["subscriptionData"][STATUS_PATH]["statusMessages"]
    assert {"statusId": second, "messageText": "b"} in snap and len(snap) == 2
    assert [s["statusId"].casefold() for s in snap] == sorted(s["statusId"].casefold() for s in snap)
    for spelling in family:
        view = cache.status_message(spelling)
        assert view is not None and view.status_id == second and view.message_text == "b"
    dotted = cache.status_message("İstanbul")
    assert dotted is not None and dotted.message_text == "dotted"
    cache.apply({"__type": gen.STATUS_MESSAGES, "isDelta": True, "statusMessagesRemoved": [third]})
    assert [s["statusId"] for s in cache.snapshot()["subscriptionData"][STATUS_PATH]["statusMessages"]] == [
        "İstanbul"]


@pytest.mark.parametrize("source", ["typed view", "stored item"])
def test_an_object_key_read_back_from_the_cache_finds_its_item(source: str) -> None:
    key = {"statisticIdentifier": "inin.workgroup:TotalAgents",
           "parameterValueItems": [{"parameterTypeId": "ININ.People.WorkgroupStats:Workgroup", "value": "Sales"}]}
    cache = StateCache()
    cache.apply({"__type": gen.STATISTICS, "isDelta": False,
                 "statisticValueChanges": [{"statisticKey": key, "statisticValue": {"value": 4}}]})
    store = cache.keyed(gen.STATISTICS_PATH, "statisticValueChanges")
    assert store is not None
    read_back = (cache.statistic_values()[0].statistic_key if source == "typed view"
                 else next(iter(store.values()))["statisticKey"])
    assert read_back == key
    view = cache.statistic_value(read_back)
    assert view is not None and view.value == 4
    assert read_back in store
    assert as_json(thaw(store[read_back])["statisticValue"]) == as_json({"value": 4})


# -- recording changes or not: one merge --------------------------------------------------------------------------
@given(steps=gen.sequences(max_steps=12))
def test_merging_in_place_and_copy_on_write_leave_the_same_cache(steps: list[gen.Step]) -> None:
    """A cache nobody asked for events merges items in place; one that records them copies each changed item.
    Both are R3: every generated session leaves the two with the same snapshot."""
    lean, recording = StateCache(), StateCache(changes=True)
    gen.play(lean, steps)
    gen.play(recording, steps)
    assert lean.snapshot_json() == recording.snapshot_json()


@given(steps=gen.sequences(), more=gen.sequences())
def test_a_recording_cache_never_changes_an_item_it_handed_out(steps: list[gen.Step],
                                                               more: list[gen.Step]) -> None:
    cache = StateCache(changes=True)
    gen.play(cache, steps)
    held = [(item, json.dumps(thaw(item), sort_keys=True)) for item in cache.history.values()]
    gen.play(cache, more)
    assert [json.dumps(thaw(item), sort_keys=True) for item, _ in held] == [text for _, text in held]
