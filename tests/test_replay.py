"""Replay: inputs of one or several logs fed in order into one cache, with lines, sources and callbacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from icws_state import (
    Changes,
    InputKind,
    InvalidMessage,
    ItemAdded,
    LogInput,
    Rejected,
    StateCache,
    SubscriptionState,
    TransitionAnomaly,
    feed,
    replay,
)

SUBS = "/icws/s1/messaging/subscriptions/"
HISTORY = "urn:inin.com:interactions:historyMessage"
ALIST = "urn:inin.com:interactions.assistance:assistanceRequestListMessage"
ASTATE = "urn:inin.com:interactions.assistance:assistanceRequestSubscriptionStateMessage"


def jsonl(path: Path, *lines: object) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    return path


def alist(*added: str, delta: bool = True) -> dict[str, Any]:
    return {"__type": ALIST, "isDelta": delta, "requestsAdded": list(added)}


def test_several_logs_replay_in_order_into_one_cache(tmp_path: Path) -> None:
    morning = jsonl(tmp_path / "morning.jsonl",
                    {"method": "PUT", "path": SUBS + "interaction-history", "status": 204,
                     "body": {"numberOfHistoryMessages": 2}},
                    {"__type": HISTORY, "isDelta": False, "interactionHistory": [
                        {"interactionId": "1", "initiationTime": "2026-03-10T08:00:00Z"}]},
                    "garbage")
    afternoon = jsonl(tmp_path / "afternoon.jsonl",
                      {"__type": HISTORY, "isDelta": True, "interactionHistory": [
                          {"interactionId": "2", "initiationTime": "2026-03-10T13:00:00Z"},
                          {"interactionId": "3", "initiationTime": "2026-03-10T14:00:00Z"}]},
                      {"__type": HISTORY, "isDelta": "x"})
    cache = replay([morning, afternoon])
    assert list(cache.history) == ["2", "3"]  # the bound set in the first log holds in the second
    assert [(r.source, r.line) for r in cache.rejected] == [(str(morning), 3), (str(afternoon), 2)]
    assert cache.stats.messages == 4
    # the order of the logs matters: the same two logs the other way round give a different cache
    assert replay([afternoon, morning]) != cache


def test_one_log_records_no_source(tmp_path: Path) -> None:
    log = jsonl(tmp_path / "a.jsonl", "garbage")
    assert [(r.source, r.line) for r in replay(log).rejected] == [(None, 1)]
    assert [(r.source, r.line) for r in replay([log]).rejected] == [(None, 1)]


def test_replay_into_an_existing_cache(tmp_path: Path) -> None:
    cache = StateCache()
    cache.apply(alist("r0", delta=False))
    same = replay(jsonl(tmp_path / "a.jsonl", alist("r1")), cache=cache)
    assert same is cache
    assert sorted(cache.assistance_requests) == ["r0", "r1"]
    assert cache.stats.messages == 2


def test_on_input_sees_every_input_with_its_changes(tmp_path: Path) -> None:
    log = jsonl(tmp_path / "a.jsonl",
                {"method": "PUT", "path": SUBS + "interaction-history", "status": 204, "at": "2026-03-10T08:00:00Z"},
                "",
                {"__type": HISTORY, "isDelta": True, "interactionHistory": [{"interactionId": "1"}]},
                [alist("r1"), alist("r2")],
                "not json")
    seen: list[tuple[LogInput, Changes]] = []
    replay(log, cache=StateCache(changes=True), on_input=lambda entry, changes: seen.append((entry, changes)))
    assert [(e.line, e.kind) for e, _ in seen] == [(1, InputKind.EXCHANGE), (3, InputKind.MESSAGE),
                                                   (4, InputKind.BATCH), (5, InputKind.INVALID)]
    assert seen[0][0].at == "2026-03-10T08:00:00Z"
    added = [ev for ev in seen[1][1] if isinstance(ev, ItemAdded)]
    assert [ev.key for ev in added] == ["1"]
    assert [(ev.line, ev.reason[:14]) for ev in seen[3][1] if isinstance(ev, Rejected)] == [(5, "not valid JSON")]
    assert len(seen[3][1]) == 1


def test_progress_is_reported(tmp_path: Path) -> None:
    log = jsonl(tmp_path / "a.jsonl", *[alist(f"r{i}") for i in range(10)])
    calls: list[tuple[int, int]] = []
    replay(log, progress=lambda done, total: calls.append((done, total)))
    size = log.stat().st_size
    assert calls
    assert calls[-1] == (size, size)


def test_strict_stops_at_the_first_error_with_its_line(tmp_path: Path) -> None:
    log = jsonl(tmp_path / "a.jsonl", alist("r1"), "", alist("r2"), {"__type": ALIST, "isDelta": 1}, alist("r3"))
    cache = StateCache(strict=True)
    with pytest.raises(InvalidMessage) as info:
        replay(log, cache=cache)
    assert info.value.line == 4
    assert info.value.reason == "isDelta must be a boolean"
    assert info.value.message == {"__type": ALIST, "isDelta": 1}
    assert sorted(cache.assistance_requests) == ["r1", "r2"]  # before the error: applied; after: not read
    assert list(cache.rejected) == []


def test_strict_flag_of_replay_makes_a_strict_cache(tmp_path: Path) -> None:
    log = jsonl(tmp_path / "a.jsonl", alist("r1"), "{bad")
    with pytest.raises(InvalidMessage) as info:
        replay(log, strict=True)
    assert info.value.line == 2


def test_strict_batch_keeps_the_messages_before_the_error(tmp_path: Path) -> None:
    log = jsonl(tmp_path / "a.jsonl", [alist("r1"), {"__type": ALIST, "isDelta": None}, alist("r2")])
    cache = StateCache(strict=True)
    with pytest.raises(InvalidMessage) as info:
        replay(log, cache=cache)
    assert info.value.line == 1
    assert list(cache.assistance_requests) == ["r1"]


def test_strict_anomaly_is_raised_after_it_took_effect(tmp_path: Path) -> None:
    log = jsonl(tmp_path / "a.jsonl",
                {"method": "PUT", "path": SUBS + "interactions/agent-assistance", "status": 204},
                {"__type": ASTATE, "isDelta": False, "state": 3},
                {"__type": ASTATE, "isDelta": False, "state": 2},
                alist("never"))
    cache = StateCache(strict=True)
    with pytest.raises(TransitionAnomaly) as info:
        replay(log, cache=cache)
    assert info.value.transition.before is SubscriptionState.FAULTED
    assert info.value.transition.after is SubscriptionState.SUSPENDED
    assert cache.subscriptions["interactions/agent-assistance"].state is SubscriptionState.SUSPENDED
    assert list(cache.assistance_requests) == []


def test_feed_tags_rejected_inputs_with_line_and_source() -> None:
    cache = StateCache()
    changes = feed(cache, LogInput(7, InputKind.INVALID, "raw", reason="not valid JSON: x"), source="day.jsonl")
    assert [(ev.line, ev.source) for ev in changes if isinstance(ev, Rejected)] == [(7, "day.jsonl")]
    feed(cache, LogInput(8, InputKind.MESSAGE, {"__type": ALIST, "isDelta": 0}))
    assert [(r.line, r.reason, r.source) for r in cache.rejected] == [
        (7, "not valid JSON: x", "day.jsonl"), (8, "isDelta must be a boolean", None)]
    # what is given to the cache directly afterwards has no line
    cache.apply({"__type": ALIST})
    assert cache.rejected[-1].line is None


def test_replay_of_a_missing_log_raises_oserror(tmp_path: Path) -> None:
    good = jsonl(tmp_path / "a.jsonl", alist("r1"))
    with pytest.raises(OSError):
        replay([good, tmp_path / "missing.jsonl"])
