"""Rule R8: every invalid case of the spec, one by one; a rejected message changes only `rejected` and `stats`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers import (
    ALIST,
    ASSIST_PATH,
    ASTATE,
    BAD_DATETIMES,
    DIRECTORY,
    HISTORY,
    HISTORY_PATH,
    QSTATE,
    QUEUE,
    SMESSAGES,
    T0,
    USTATUS,
    alist,
    astate,
    core,
    details,
    generic,
    hist,
    item,
    kinds,
    opened,
    put,
    queue,
    statuses,
)
from hypothesis import given
from hypothesis import strategies as st
from strategies import key_like_values, permuted

from icws_state import InvalidMessage, Rejected, StateCache, _validation
from icws_state._validation import _ENCODER, ObjectKeys, canonical_key

ONE_E0 = json.loads("1e0")  # JSON 1e0 decodes to the float 1.0, which is not an integer enum


def seeded(strict: bool = False) -> StateCache:
    """A cache with data in every store, so a rejected message has something to disturb."""
    cache = opened(HISTORY_PATH, ASSIST_PATH, "queues/q1", "status/user-statuses", strict=strict)
    cache.apply(hist(item("1", T0, direction=1), delta=False))
    cache.apply(alist(["r1"], delta=False))
    cache.apply(queue("q1", delta=False, added=[{"interactionId": "i1"}]))
    cache.apply(statuses({"userId": "u1", "statusId": "Available"}, delta=False))
    cache.apply(generic(DIRECTORY, delta=False, subscriptionId="d1", entries=[]))
    return cache


def _history_item_cases() -> list[tuple[str, Any]]:
    cases: list[tuple[str, Any]] = [
        ("string as number", item("9", log=1)),
        ("string as bool", item("9", notes=True)),
        ("string as list", item("9", remoteName=["x"])),
        ("string as object", item("9", localId={"a": "b"})),
        ("enum as bool", item("9", direction=True)),
        ("enum as 1.0", item("9", direction=1.0)),
        ("enum as 1e0", item("9", interactionHistoryStatus=ONE_E0)),
        ("enum as string", item("9", direction="1")),
        ("datetime as number", item("9", initiationTime=20261122)),
        ("null on a known string", item("9", notes=None)),
        ("null on a known enum", item("9", direction=None)),
        ("null on a known date-time", item("9", initiationTime=None)),
        ("no interactionId", {"notes": "no id"}),
        ("numeric interactionId", {"interactionId": 3004}),
        ("null interactionId", {"interactionId": None}),
        ("item not an object", "9"),
    ]
    cases += [(f"terminationTime {t!r}", item("9", terminationTime=t)) for t in BAD_DATETIMES]
    return cases


@pytest.mark.parametrize(("why", "bad_item"), _history_item_cases(), ids=[c[0] for c in _history_item_cases()])
def test_bad_history_item_rejects_whole_message(why: str, bad_item: Any) -> None:
    cache = seeded()
    before = core(cache)
    # A good item before the bad one must not be applied either: validation is whole-message (R8).
    msg = hist(item("8", T0), bad_item)
    changes = cache.apply(msg)
    assert core(cache) == before
    assert kinds(changes) == ["Rejected"]
    assert cache.rejected[-1].message == msg
    assert cache.stats.rejected == 1


@pytest.mark.parametrize(("bad_item", "reason"), [
    ({"notes": "no id"}, "interactionHistory[1] lacks a string interactionId"),
    ({"interactionId": 3004}, "interactionHistory[1] lacks a string interactionId"),
    ({"direction": True}, "interactionHistory[1] lacks a string interactionId"),  # both wrong: the key first
    ({"direction": True, "interactionId": None}, "interactionHistory[1] lacks a string interactionId"),
    ({"interactionId": None, "direction": True}, "interactionHistory[1] lacks a string interactionId"),
    ({"direction": True, "interactionId": "9"}, "interactionHistory[1].direction must be an integer enum, got true"),
])
def test_a_missing_key_is_the_reason_whatever_else_is_wrong(bad_item: dict[str, Any], reason: str) -> None:
    cache = seeded()
    cache.apply(hist(item("8", T0), bad_item))
    assert cache.rejected[-1].reason == reason


@pytest.mark.parametrize("text", BAD_DATETIMES)
def test_bad_initiation_time_rejected(text: str) -> None:
    cache = seeded()
    before = core(cache)
    cache.apply(hist(item("9", text)))
    assert core(cache) == before
    assert cache.stats.rejected == 1


BAD_MESSAGES: list[tuple[str, Any]] = [
    ("a list", [hist(item("9"))]),
    ("a string", "hello"),
    ("a number", 7),
    ("null", None),
    ("a bool", True),
    ("no __type", {"isDelta": True}),
    ("numeric __type", {"__type": 1, "isDelta": True}),
    ("null __type", {"__type": None, "isDelta": True}),
    ("no isDelta", {"__type": HISTORY, "interactionHistory": []}),
    ("string isDelta", {"__type": HISTORY, "isDelta": "false", "interactionHistory": []}),
    ("int isDelta", {"__type": HISTORY, "isDelta": 0, "interactionHistory": []}),
    ("null isDelta", {"__type": DIRECTORY, "isDelta": None}),
    (
        "history list not a list",
        {"__type": HISTORY, "isDelta": True, "interactionHistory": {"interactionId": "9"}},
    ),
    ("history list null", {"__type": HISTORY, "isDelta": True, "interactionHistory": None}),
    ("requestsAdded a string", {"__type": ALIST, "isDelta": True, "requestsAdded": "r9"}),
    ("requestsAdded of numbers", {"__type": ALIST, "isDelta": True, "requestsAdded": [9]}),
    ("requestsRemoved with null", {"__type": ALIST, "isDelta": True, "requestsRemoved": [None]}),
    ("requestsAdded null", {"__type": ALIST, "isDelta": True, "requestsAdded": None}),
    ("state missing", {"__type": ASTATE, "isDelta": False}),
    ("state 4", astate(4)),
    ("state -1", astate(-1)),
    ("state true", astate(True)),
    ("state 1.0", astate(1.0)),
    ("state 1e0", astate(ONE_E0)),
    ("state string", astate("1")),
    ("state null", astate(None)),
    ("error without message", astate(1, {"errorId": "x"})),
    ("error with numeric message", astate(1, {"message": 5})),
    ("error with numeric errorId", astate(1, {"errorId": 5, "message": "m"})),
    ("error with null errorId", astate(1, {"errorId": None, "message": "m"})),
    ("error a string", astate(1, "boom")),
    ("error null", {"__type": ASTATE, "isDelta": True, "state": 1, "error": None}),
    ("history subscriptionId number", hist(item("9"), subscriptionId=1)),
    ("history subscriptionId null", hist(item("9"), subscriptionId=None)),
    ("list subscriptionId null", alist(["r9"], subscriptionId=None)),
    ("state subscriptionId bool", astate(1, subscriptionId=True)),
    ("generic subscriptionId null", generic(DIRECTORY, subscriptionId=None)),
    ("generic subscriptionId number", generic(DIRECTORY, subscriptionId=2)),
    ("queue without subscriptionId", {"__type": QUEUE, "isDelta": True}),
    ("queue subscriptionId empty", queue("", added=[])),
    ("queue subscriptionId null", {"__type": QUEUE, "isDelta": True, "subscriptionId": None}),
    ("queue state without subscriptionId", {"__type": QSTATE, "isDelta": False, "state": 1}),
    ("queue attributes not a map", queue("q1", added=[{"interactionId": "i2", "attributes": {"a": 1}}])),
    ("queue attributes a list", queue("q1", added=[{"interactionId": "i2", "attributes": ["a"]}])),
    ("queue item without key", queue("q1", changed=[{"attributes": {}}])),
    (
        "queue removed not strings",
        {"__type": QUEUE, "isDelta": True, "subscriptionId": "q1", "interactionsRemoved": [1]},
    ),
    ("status list missing", {"__type": USTATUS, "isDelta": True}),
    ("status onPhone a string", statuses({"userId": "u1", "onPhone": "true"})),
    ("status stations not strings", statuses({"userId": "u1", "stations": ["a", 1]})),
    ("status until a string", statuses({"userId": "u1", "until": "soon"})),
    ("status statusChanged bad", statuses({"userId": "u1", "statusChanged": "2026-11-22"})),
    (
        "status messages flag a number",
        {"__type": SMESSAGES, "isDelta": True, "statusMessagesAdded": [{"statusId": "s", "canHaveDate": 1}]},
    ),
    ("details state a bool", details("a1", state=True)),
    ("details action 1.0", details("a1", participantsAdded=[{"userId": "u", "action": 1.0}])),
    ("details timeAdded bad", details("a1", messagesAdded=[{"text": "hi", "timeAdded": "10:00"}])),
    ("details message not an object", details("a1", messagesAdded=["hi"])),
]


@pytest.mark.parametrize(("why", "msg"), BAD_MESSAGES, ids=[c[0] for c in BAD_MESSAGES])
def test_invalid_message_changes_nothing(why: str, msg: Any) -> None:
    cache = seeded()
    before = core(cache)
    stats = cache.stats
    changes = cache.apply(msg)
    assert core(cache) == before
    assert cache.stats.rejected == stats.rejected + 1
    assert cache.stats.applied == stats.applied
    assert cache.stats.messages == stats.messages + 1
    (rejected,) = cache.rejected
    assert rejected.message == msg
    assert rejected.line is None
    assert isinstance(rejected.reason, str) and rejected.reason
    (event,) = changes
    assert isinstance(event, Rejected)
    assert event.reason == rejected.reason


@pytest.mark.parametrize(("why", "msg"), BAD_MESSAGES, ids=[c[0] for c in BAD_MESSAGES])
def test_strict_raises_and_records_nothing(why: str, msg: Any) -> None:
    cache = seeded(strict=True)
    before = cache.snapshot()
    with pytest.raises(InvalidMessage) as info:
        cache.apply(msg)
    assert info.value.message == msg
    assert isinstance(info.value.reason, str) and info.value.reason
    assert cache.snapshot() == before  # rejected and stats untouched too


def test_rejected_message_makes_no_path_seen() -> None:
    cache = StateCache()
    cache.apply(hist(item("1", direction=True)))
    cache.apply(queue("q9", added=[{"interactionId": 5}]))
    assert len(cache.subscriptions) == 0
    assert cache.snapshot()["subscriptions"] == {}


def test_reasons_name_what_is_wrong() -> None:
    cache = StateCache()
    cache.apply({"__type": HISTORY, "isDelta": "no"})
    cache.apply(hist(item("1", direction=True)))
    cache.apply(hist({"notes": "x"}))
    reasons = [r.reason for r in cache.rejected]
    assert "isDelta" in reasons[0]
    assert "direction" in reasons[1]
    assert "interactionId" in reasons[2]


@pytest.mark.parametrize("value", [7, -1, 1000])
def test_enum_out_of_range_is_accepted_and_kept(value: int) -> None:
    cache = opened(HISTORY_PATH, ASSIST_PATH)
    cache.apply(hist(item("1", T0, direction=value, interactionHistoryStatus=value)))
    assert cache.history["1"]["direction"] == value
    assert cache.history["1"]["interactionHistoryStatus"] == value
    cache.apply(details("a1", state=value, participantsAdded=[{"userId": "u", "action": value}]))
    got = cache.path_data("interactions/agent-assistance/a1")
    assert got is not None
    assert got[1]["state"] == value
    assert cache.stats.rejected == 0


def test_unknown_properties_accepted() -> None:
    cache = opened(HISTORY_PATH, ASSIST_PATH)
    cache.apply(hist(item("1", T0, custom={"a": None}, flag=None), futureTopLevel=3, other=None))
    cache.apply(alist(["r1"], novel="x"))
    assert cache.stats.rejected == 0
    assert dict(cache.history["1"]) == {"interactionId": "1", "initiationTime": T0, "custom": {"a": None}}
    assert set(cache.assistance_requests) == {"r1"}
    # The seeded types have no place for unknown top-level properties: accepted, not stored anywhere.
    assert "futureTopLevel" not in json.dumps(cache.snapshot())


@pytest.mark.parametrize(
    "good",
    [
        "20261122T100000Z",
        "2026-11-22T10:00:00.000Z",
        "2026-11-22T10:00:00",
        "2026-11-22T10:00:00+23:59",
        "20261122T100000-2359",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.9999999Z",
        "2028-02-29T10:00:00Z",
    ],
)
def test_valid_datetimes_accepted_as_received(good: str) -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", good, terminationTime=good)))
    assert cache.stats.rejected == 0
    assert cache.history["1"]["initiationTime"] == good
    assert cache.history["1"]["terminationTime"] == good


def test_valid_error_objects_accepted() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(astate(2, {"message": "busy"}))
    cache.apply(astate(2, {"errorId": "e.x", "message": "busy", "extra": None}))
    assert cache.stats.rejected == 0
    assert cache.subscriptions[ASSIST_PATH].error == {"errorId": "e.x", "message": "busy", "extra": None}


def test_null_on_unknown_top_level_of_generic_is_valid() -> None:
    cache = StateCache()
    cache.apply(generic(DIRECTORY, anything=None, state="not typed here"))
    assert cache.stats.rejected == 0
    assert dict(cache.other[DIRECTORY]) == {"state": "not typed here"}


def test_rejected_keeps_a_copy_of_the_message() -> None:
    cache = StateCache()
    msg = hist(item("1", direction=True))
    cache.apply(msg)
    msg["interactionHistory"].append("mutated later")
    assert cache.rejected[0].message == hist(item("1", direction=True))


def test_only_first_hundred_rejected_keep_their_message() -> None:
    cache = StateCache()
    for i in range(102):
        cache.apply({"__type": i, "isDelta": True})
    rejected = cache.rejected
    assert len(rejected) == 102
    assert rejected[99].has_message and rejected[99].message == {"__type": 99, "isDelta": True}
    assert not rejected[100].has_message
    assert all(r.reason for r in rejected)
    entries = cache.snapshot()["rejected"]
    assert "message" in entries[99] and "message" not in entries[100]


def test_put_seeds_nothing_a_rejected_message_could_break() -> None:
    # A failed validation must not seed a path record; a later valid message still makes the path seen.
    cache = StateCache()
    cache.apply(astate(9))
    assert ASSIST_PATH not in cache.subscriptions
    cache.apply(astate(1))
    assert ASSIST_PATH in cache.subscriptions
    put(cache, HISTORY_PATH)
    assert cache.stats.applied == 1


@given(key_like_values())
def test_an_object_keys_text_is_what_the_standard_encoder_writes(value: Any) -> None:
    # R17's identity is the canonical JSON text; the encoder made once must write it exactly as a fresh one does,
    # and refuse what a fresh one refuses (a key that is no string, a set, bytes) with the same error.
    try:
        expected = _ENCODER.encode(value)
    except (TypeError, ValueError) as e:
        with pytest.raises(type(e)):
            canonical_key(value)
        return
    assert canonical_key(value) == expected


def _encoded(value: Any) -> str | None:
    try:
        return _ENCODER.encode(value)
    except (TypeError, ValueError):
        return None


@given(st.lists(key_like_values(), min_size=1, max_size=6), st.data())
def test_remembered_object_keys_are_the_canonical_text(values: list[Any], data: st.DataObject) -> None:
    # One memo sees every value twice, the second time with its objects' properties in another order: a
    # remembered text must be the one the encoder writes for exactly that value (True is not 1, "1" is not 1).
    keys = ObjectKeys()
    for value in values + [data.draw(permuted(v)) for v in values]:
        expected = _encoded(value)
        if expected is None:
            with pytest.raises((TypeError, ValueError)):
                keys.text(value)
        else:
            assert keys.text(value) == expected


def test_remembered_object_keys_keep_lookalikes_apart() -> None:
    keys = ObjectKeys()
    lookalikes = [{"k": v} for v in (1, True, "1", 1.0, "true", None, "null", [1], [True], {}, [], {"": None}, [None])]
    for value in lookalikes * 2:
        assert keys.text(value) == _ENCODER.encode(value)


def test_remembered_object_keys_stay_bounded() -> None:
    keys = ObjectKeys()
    for i in range(_validation._KEY_MEMO_LIMIT + 10):
        assert keys.text({"id": str(i), "on": True}) == f'{{"id":"{i}","on":true}}'
    assert len(keys._memo) <= _validation._KEY_MEMO_LIMIT
    # A key longer than the budget is written every time and never kept.
    long = {"id": "x" * (_validation._KEY_MEMO_CHARS + 1)}
    keys = ObjectKeys()
    assert keys.text(long) == _ENCODER.encode(long)
    assert not keys._memo
    assert keys.text({"id": "short"}) == '{"id":"short"}'
    assert len(keys._memo) == (1 if _validation._COMPILED else 0)


@pytest.mark.parametrize("value", [0, -3, 2**60 - 1, 2**60, -(2**60), 2**61, -(2**70), 10**4299, -(10**4299)],
                         ids=["0", "-3", "2**60-1", "2**60", "-2**60", "2**61", "-2**70", "10**4299", "-10**4299"])
def test_an_enum_is_any_integer_json_can_carry(value: int) -> None:
    # Small ones are decided by the inline test, bigger ones by the general one: the same answer either way.
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0, direction=value)))
    assert cache.stats.rejected == 0 and cache.history["1"]["direction"] == value


@pytest.mark.parametrize("value", [10**4300, -(10**4300), True, 1.0, "1"],
                         ids=["10**4300", "-10**4300", "true", "1.0", "'1'"])
def test_an_enum_json_cannot_carry_or_that_is_no_integer_is_rejected(value: Any) -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0, direction=value)))
    assert [r.reason.split(", got")[0] for r in cache.rejected] == [
        "interactionHistory[0].direction must be an integer enum"]
