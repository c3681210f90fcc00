"""``icws_state.testing``: the golden-snapshot helper users put in their own test suites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from icws_state import dump_snapshot, replay
from icws_state.testing import UPDATE_ENV, assert_snapshot_matches, replay_snapshot

ALIST = "urn:inin.com:interactions.assistance:assistanceRequestListMessage"
HISTORY = "urn:inin.com:interactions:historyMessage"


@pytest.fixture(autouse=True)
def _no_update_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(UPDATE_ENV, raising=False)


def jsonl(path: Path, *lines: object) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    return path


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return jsonl(tmp_path / "session.jsonl",
                 {"__type": ALIST, "isDelta": False, "requestsAdded": ["r1", "r2"]},
                 {"__type": HISTORY, "isDelta": False, "interactionHistory": [{"interactionId": "1", "notes": "a"}]})


def test_replay_snapshot_of_one_and_several_logs(tmp_path: Path, log: Path) -> None:
    snap = replay_snapshot(log)
    assert snap == replay(log).snapshot()
    assert snap["assistanceRequests"] == ["r1", "r2"]
    more = jsonl(tmp_path / "more.jsonl", {"__type": ALIST, "isDelta": True, "requestsRemoved": ["r1"]}, "bad")
    both = replay_snapshot(log, more)
    assert both["assistanceRequests"] == ["r2"]
    assert both["rejected"][0]["source"] == str(more)


def test_replay_snapshot_strict_raises(tmp_path: Path) -> None:
    bad = jsonl(tmp_path / "bad.jsonl", "not json")
    assert replay_snapshot(bad)["stats"]["rejected"] == 1
    with pytest.raises(ValueError, match="line 1"):
        replay_snapshot(bad, strict=True)


def test_replay_snapshot_needs_a_log() -> None:
    with pytest.raises(TypeError):
        replay_snapshot()


def test_matching_golden_passes(tmp_path: Path, log: Path) -> None:
    golden = tmp_path / "golden.json"
    golden.write_bytes(dump_snapshot(replay(log).snapshot()))
    assert_snapshot_matches(log, golden)
    assert_snapshot_matches([log], golden, update=False)


def test_mismatch_raises_a_readable_diff(tmp_path: Path, log: Path) -> None:
    golden = tmp_path / "golden.json"
    snap = replay(log).snapshot()
    snap["assistanceRequests"] = ["r1"]
    snap["history"][0]["notes"] = "b"
    golden.write_bytes(dump_snapshot(snap))
    before = golden.read_bytes()
    with pytest.raises(AssertionError) as info:
        assert_snapshot_matches(log, golden)
    text = str(info.value)
    assert str(golden) in text
    assert '~ assistanceRequests: ["r1"] -> ["r1", "r2"]' in text
    assert '"notes": "b"' in text
    assert '"notes": "a"' in text
    assert UPDATE_ENV in text
    assert golden.read_bytes() == before  # comparing never writes


def test_missing_golden_fails_with_a_hint(tmp_path: Path, log: Path) -> None:
    with pytest.raises(AssertionError, match=UPDATE_ENV):
        assert_snapshot_matches(log, tmp_path / "none.json")


def test_update_true_writes_the_golden_and_passes(tmp_path: Path, log: Path) -> None:
    golden = tmp_path / "sub" / "golden.json"
    assert_snapshot_matches(log, golden, update=True)
    assert golden.read_bytes() == replay(log).snapshot_json()
    golden.write_text('{"format": "icws-state/1"}', encoding="utf-8")
    assert_snapshot_matches(log, golden, update=True)  # rewrites a stale golden
    assert golden.read_bytes() == replay(log).snapshot_json()


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_env_variable_updates(tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    golden = tmp_path / "golden.json"
    golden.write_text("{}", encoding="utf-8")
    monkeypatch.setenv(UPDATE_ENV, value)
    assert_snapshot_matches(log, golden)
    assert golden.read_bytes() == replay(log).snapshot_json()


def test_env_variable_off_or_update_false_compares(tmp_path: Path, log: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    golden = tmp_path / "golden.json"
    golden.write_text("{}", encoding="utf-8")
    monkeypatch.setenv(UPDATE_ENV, "0")
    with pytest.raises(AssertionError):
        assert_snapshot_matches(log, golden)
    monkeypatch.setenv(UPDATE_ENV, "1")
    with pytest.raises(AssertionError):
        assert_snapshot_matches(log, golden, update=False)
    assert golden.read_text(encoding="utf-8") == "{}"
