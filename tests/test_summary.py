"""The text a person reads: the replay summary and the snapshot diff."""

from __future__ import annotations

import copy
import sys
from typing import Any

from icws_state import StateCache
from icws_state._summary import diff_snapshots, summarize

HISTORY = "urn:inin.com:interactions:historyMessage"


def _snapshot() -> dict[str, Any]:
    cache = StateCache()
    cache.record_response("PUT", "/icws/s1/messaging/subscriptions/interaction-history", 204)
    cache.apply({"__type": HISTORY, "isDelta": False, "interactionHistory": [
        {"interactionId": "1", "initiationTime": "2026-11-22T09:00:00Z"},
        {"interactionId": "2", "initiationTime": "2026-11-22T10:00:00Z"}]})
    cache.apply({"__type": HISTORY, "isDelta": "no"})
    return cache.snapshot()


def test_equal_snapshots_have_no_diff() -> None:
    assert diff_snapshots(_snapshot(), _snapshot()) == []


def test_diff_names_the_changed_item_and_the_counts() -> None:
    a = _snapshot()
    b = copy.deepcopy(a)
    b["history"][1]["notes"] = "x"
    b["stats"]["applied"] += 1
    lines = diff_snapshots(a, b)
    assert any(line.startswith('~ history["2"]') and '"notes": "x"' in line for line in lines)
    assert "~ stats.applied: 1 -> 2" in lines


def test_diff_reports_a_reordered_history_even_after_other_differences() -> None:
    a = _snapshot()
    b = copy.deepcopy(a)
    b["history"].reverse()
    b["assistanceRequests"] = ["r1"]
    lines = diff_snapshots(a, b)
    assert any(line.startswith("~ assistanceRequests") for line in lines)
    assert any(line.startswith("~ history: same entries by interactionId") for line in lines)


def test_summary_lists_states_sizes_and_first_rejections() -> None:
    text = summarize(_snapshot(), seconds=0.5)
    assert "messages: 2 (1 applied, 1 rejected) in 0.50s (4 messages/s)" in text
    assert "interaction-history" in text and "normal" in text
    assert "history items: 2" in text
    assert "given directly: isDelta must be a boolean" in text


def test_diff_shows_values_nested_deeper_than_the_encoder_recurses() -> None:
    def deep(levels: int, fn: Any) -> Any:
        return fn() if levels == 0 else deep(levels - 1, fn)

    a = _snapshot()
    b = copy.deepcopy(a)
    value: Any = "x"
    for _ in range(600):
        value = [value]
    b["other"]["urn:test:deep"] = {"v": value}
    lines = deep(sys.getrecursionlimit() - 200, lambda: diff_snapshots(a, b))
    assert lines == ["+ other.urn:test:deep: " + ("{\"v\": " + "[" * 600)[:97] + "..."]
