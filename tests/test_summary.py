"""The text a person reads: the replay summary and the snapshot diff."""

from __future__ import annotations

import copy
import sys
from typing import Any

from helpers import CONNECTION, STATISTICS

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


# Contract v2 in the summary: statistics, connection state, statuses ignoring case ----------------------------------
WORKGROUP = "ININ.People.WorkgroupStats:Workgroup"


def _key(statistic: str, workgroup: str) -> dict[str, Any]:
    return {"statisticIdentifier": statistic,
            "parameterValueItems": [{"parameterTypeId": WORKGROUP, "value": workgroup}]}


def _int(value: int) -> dict[str, Any]:
    return {"__type": "urn:inin.com:statistics:statisticIntValue", "value": value, "statisticValueType": 0}


def _supervisor() -> StateCache:
    cache = StateCache()
    subs = "/icws/s1/messaging/subscriptions/"
    cache.record_response("PUT", subs + "statistics/statistic-values", 200, body={"statisticKeys": []})
    cache.record_response("PUT", subs + "status/user-statuses", 200, body={"userIds": ["ana", "bo", "cy"]})
    cache.record_response("PUT", subs + "status/status-messages", 204)
    cache.apply({"__type": STATISTICS, "isDelta": False, "statisticValueChanges": [
        {"statisticKey": _key("inin.workgroup:AgentsAvailable", "Sales"), "statisticValue": _int(3)},
        {"statisticKey": _key("inin.workgroup:AgentsAvailable", "Support"), "statisticValue": _int(1)},
        {"statisticKey": _key("inin.workgroup:InteractionsWaiting", "Sales"), "statisticValue": _int(7)}]})
    cache.apply({"__type": STATISTICS, "isDelta": True, "statisticValueChanges": [
        {"statisticKey": _key("inin.workgroup:AgentsAvailable", "Support"), "statisticValue": None},
        {"statisticKey": _key("inin.workgroup:InteractionsWaiting", "Sales"), "statisticValue": _int(8)}]})
    cache.apply({"__type": "urn:inin.com:status:statusMessagesMessage", "isDelta": False,
                 "statusMessagesAdded": [{"statusId": "Do Not Disturb"}, {"statusId": "Available"}]})
    cache.apply({"__type": "urn:inin.com:status:userStatusMessage", "isDelta": False, "userStatusList": [
        {"userId": "ana", "statusId": "Do not disturb"}, {"userId": "bo", "statusId": "DO NOT DISTURB"},
        {"userId": "cy", "statusId": "available"}]})
    cache.apply({"__type": CONNECTION, "isDelta": False, "previousConnectionState": 1, "newConnectionState": 2,
                 "reason": "The server is switching over.", "shouldReconnect": True})
    return cache


def test_summary_shows_statistic_values_and_the_connection() -> None:
    text = summarize(_supervisor().snapshot())
    lines = text.splitlines()
    assert "session ended: yes" in lines
    assert "connection: down (reason: The server is switching over.; should reconnect: yes)" in lines
    start = lines.index("statistic values: 3")
    assert [line.split() for line in lines[start + 1:start + 5]] == [
        ["statistic", "parameters", "value"],
        ["inin.workgroup:AgentsAvailable", "Sales", "3"],
        ["inin.workgroup:AgentsAvailable", "Support", "-"],          # null: the statistic has no value now
        ["inin.workgroup:InteractionsWaiting", "Sales", "8"],        # the delta's value; the others kept (R17)
    ]
    # R16: one group per status whatever the case, named as the catalogue spells it.
    assert "users by status: Available: 1, Do Not Disturb: 2" in lines


def test_summary_lists_the_first_statistic_values_and_counts_all() -> None:
    cache = StateCache()
    cache.apply({"__type": STATISTICS, "isDelta": False, "statisticValueChanges": [
        {"statisticKey": _key("inin.workgroup:AgentsAvailable", f"Workgroup {n:02d}"), "statisticValue": _int(n)}
        for n in range(40)]})
    cache.apply({"__type": STATISTICS, "isDelta": True, "statisticValueChanges": [
        {"statisticKey": {"statisticIdentifier": "inin.odd", "parameterValueItems": []},
         "statisticValue": {"__type": "urn:inin.com:statistics:statisticStringValue", "value": "two\nlines"}}]})
    lines = summarize(cache.snapshot(), first_values=3).splitlines()
    start = lines.index("statistic values: 41; first 3:")                      # by statistic id, then parameters
    assert lines[start + 2].split() == ["inin.odd", "two\\nlines"]               # one line per value, always
    assert lines[start + 3].split() == ["inin.workgroup:AgentsAvailable", "Workgroup", "00", "0"]
    assert lines[start + 4].split()[-1] == "1"
    assert not any(line.startswith("  inin.") for line in lines[start + 5:])


def test_summary_of_a_connection_that_came_back() -> None:
    cache = _supervisor()
    cache.apply({"__type": CONNECTION, "isDelta": False, "previousConnectionState": 2, "newConnectionState": 1,
                 "reason": "Switchover complete"})
    lines = summarize(cache.snapshot()).splitlines()
    assert "connection: up (reason: Switchover complete)" in lines
    assert "session ended: yes" in lines           # an Up does not log the client back in (R18)
