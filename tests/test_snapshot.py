"""The ``icws-state/1`` snapshot (section 5): restoring, rejecting malformed snapshots, the bounded rejected list."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from helpers import CONFORMANCE
from hypothesis import given
from hypothesis import strategies as st

from icws_state import SnapshotError, StateCache, replay
from icws_state._snapshot import dumps, json_text, plain_json

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


# Hardening: lone surrogates, depth, tampered snapshots ------------------------------------------------------------
CONFORMANCE_16 = CONFORMANCE / "16-connection-and-values.jsonl"
GENERIC = "urn:test:blob"


def _nested(depth: int) -> Any:
    """A message ``depth`` levels deep (the message itself is level 1), its value a chain of arrays."""
    value: Any = "leaf"
    for _ in range(depth - 1):
        value = [value]
    return {"__type": GENERIC, "isDelta": False, "v": value}


def _from_deep_stack(levels: int, fn: Any) -> Any:
    """``fn()`` called ``levels`` Python frames deep: what a caller's own stack adds must not change the result."""
    if levels == 0:
        return fn()
    return _from_deep_stack(levels - 1, fn)


def test_lone_surrogate_is_written_as_a_lower_case_escape() -> None:
    cache = StateCache()
    cache.apply(json.loads('{"__type": "urn:test:blob", "isDelta": false, "s": "\\ud800 lone", "t": "é \\u2028"}'))
    data = cache.snapshot_json()
    text = data.decode("utf-8")  # strict UTF-8
    assert '"s": "\\ud800 lone"' in text
    assert '"t": "é \u2028"' in text  # other non-ASCII stays as it is
    assert json.loads(data)["other"][GENERIC]["s"] == "\ud800 lone"
    assert StateCache.from_snapshot(json.loads(data)) == cache


def test_ordinary_snapshot_bytes_are_what_json_dumps_writes() -> None:
    snap = busy_cache().snapshot()
    assert dumps(snap) == json.dumps(snap, sort_keys=True, ensure_ascii=False, indent=2).encode() + b"\n"


@pytest.mark.skipif(not CONFORMANCE_16.exists(), reason="the shared spec's conformance logs are not here")
def test_conformance_log_with_a_lone_surrogate_writes_its_snapshot() -> None:
    data = replay(CONFORMANCE_16).snapshot_json()
    assert b"\\ud800" in data
    data.decode("utf-8")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=())),  # surrogates too
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)


@given(_JSON)
def test_json_text_is_json_dumps_character_for_character(value: Any) -> None:
    for indent in (None, 2):
        assert json_text(value, indent=indent) == json.dumps(value, sort_keys=True, ensure_ascii=False,
                                                             indent=indent)
    assert dumps({"v": value}) == (json.dumps({"v": value}, sort_keys=True, ensure_ascii=False, indent=2)
                                   + "\n").encode("utf-8", "backslashreplace")
    assert plain_json(value) == value


def test_values_500_levels_deep_snapshot_from_any_stack() -> None:
    cache = StateCache()
    cache.apply(_nested(500))
    assert cache.stats.applied == 1
    shallow = cache.snapshot_json()
    deep = _from_deep_stack(sys.getrecursionlimit() - 150, cache.snapshot_json)
    assert deep == shallow  # deterministic: the caller's stack does not change the bytes
    assert shallow.count(b"\n") > 500  # indented all the way down, never a compact fallback
    snap = _from_deep_stack(sys.getrecursionlimit() - 150, cache.snapshot)
    restored = _from_deep_stack(sys.getrecursionlimit() - 150, lambda: StateCache.from_snapshot(snap))
    assert restored.snapshot_json() == shallow


def test_a_1000_level_line_replays_into_a_snapshot(tmp_path: Path) -> None:
    log = tmp_path / "deep.jsonl"
    log.write_text("[" * 1000 + "]" * 1000 + "\n" + json.dumps(_nested(500)) + "\n", encoding="utf-8")
    cache = replay(log)
    data = _from_deep_stack(sys.getrecursionlimit() - 150, cache.snapshot_json)
    assert data == cache.snapshot_json()
    assert cache.stats.messages == 2 and f'"messages": {cache.stats.messages}'.encode() in data


def _deeply(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def _cyclic(s: dict[str, Any]) -> None:
    s["history"][0]["me"] = s["history"]


TAMPERED: dict[str, tuple[Any, str]] = {
    "a JSON text": (json.dumps, "decode the text first"),
    "JSON bytes": (lambda s: json.dumps(s).encode(), "got bytes"),
    "an array": (lambda s: [s], "got an array"),
    "sessionEnded as a string": (lambda s: s.update(sessionEnded="false"), "$.sessionEnded: expected a boolean"),
    "resyncNeeded as a number": (lambda s: s["subscriptions"]["interaction-history"].update(resyncNeeded=1),
                                 "$.subscriptions['interaction-history'].resyncNeeded: expected a boolean"),
    "stats missing": (lambda s: s.pop("stats") and None, "$.stats: missing"),
    "stats a number": (lambda s: s.update(stats=5), "$.stats: expected an object"),
    "history an object": (lambda s: s.update(history={"1": {}}), "$.history: expected an array"),
    "history a string": (lambda s: s.update(history="abc"), "$.history: expected an array"),
    "subscriptionData a string": (lambda s: s.update(subscriptionData="x"), "$.subscriptionData: expected an"),
    "data type not a string": (lambda s: s["subscriptionData"]["queues/q1"].update(type=["x"]),
                               "$.subscriptionData['queues/q1'].type: expected a string"),
    "data properties a string": (lambda s: s["subscriptionData"]["queues/q1"].update(properties="ab"),
                                 "$.subscriptionData['queues/q1'].properties: expected an object"),
    "data part a string": (lambda s: s["subscriptionData"]["queues/q1"].update(interactions="ab"),
                           "$.subscriptionData['queues/q1'].interactions"),
    "rejected line a string": (lambda s: s["rejected"][0].update(line="5"), "$.rejected[0].line"),
    "a set": (lambda s: s["other"].update(k={"a": {1}}), "set is not a JSON value at $.other.k.a"),
    "NaN": (lambda s: s["history"][0].update(x=float("nan")), "not a JSON number"),
    "a key that is no string": (lambda s: s["other"].update({1: {}}), "key 1 is not a string"),
    "a value that contains itself": (_cyclic, "contains itself"),
    "state in capitals": (lambda s: s["subscriptions"]["interaction-history"].update(state="NORMAL"),
                          "$.subscriptions['interaction-history'].state: expected one of"),
}


@pytest.mark.parametrize("case", sorted(TAMPERED))
def test_tampered_snapshots_raise_only_snapshot_error_naming_the_format_key(case: str) -> None:
    mutate, expected = TAMPERED[case]
    snap = copy.deepcopy(busy_cache().snapshot())
    changed = mutate(snap)
    given_value = snap if changed is None else changed
    with pytest.raises(SnapshotError) as info:
        _from_deep_stack(100, lambda: StateCache.from_snapshot(given_value))
    assert expected in str(info.value)
    assert "session_ended" not in str(info.value) and "resync_needed" not in str(info.value)


@pytest.mark.parametrize("part", ["history", "other"])
def test_a_snapshot_nested_deeper_than_any_json_text_read_is_refused(part: str) -> None:
    snap = busy_cache().snapshot()
    if part == "history":
        snap["history"][0]["deep"] = _deeply(100_000)
    else:
        snap["other"]["deep"] = {"v": _deeply(100_000)}
    with pytest.raises(SnapshotError, match="nested more than 1000 levels at") as info:
        _from_deep_stack(100, lambda: StateCache.from_snapshot(snap))
    assert len(str(info.value)) < 200


def test_a_tuple_or_mapping_snapshot_is_read_as_json() -> None:
    cache = busy_cache()
    snap = cache.snapshot()
    snap["history"] = tuple(snap["history"])
    assert StateCache.from_snapshot(MappingProxyType(snap)) == cache
