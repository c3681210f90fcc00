"""The ``icws-state`` command: summaries, snapshots, exit codes (section 3, "Strict mode", of the spec)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from icws_state._cli import main

ROOT = Path(__file__).resolve().parents[1]
AGENT_DAY = ROOT / "examples" / "agent-day.jsonl"
SUBS = "/icws/s1/messaging/subscriptions/"
HISTORY = "urn:inin.com:interactions:historyMessage"
ALIST = "urn:inin.com:interactions.assistance:assistanceRequestListMessage"


def write_log(path: Path, *lines: object) -> Path:
    """A JSON-lines log; a str is written as is (so a bad line can be written), anything else as JSON."""
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    return path


@pytest.fixture
def small_log(tmp_path: Path) -> Path:
    return write_log(
        tmp_path / "small.jsonl",
        {"method": "PUT", "path": SUBS + "interaction-history", "status": 204, "body": {"numberOfHistoryMessages": 5}},
        {"method": "PUT", "path": SUBS + "interactions/agent-assistance", "status": 204},
        {"__type": HISTORY, "isDelta": False, "interactionHistory": [
            {"interactionId": "1001", "initiationTime": "2026-03-10T08:00:00Z"},
            {"interactionId": "1002", "initiationTime": "2026-03-10T09:00:00Z"}]},
        {"__type": ALIST, "isDelta": False, "requestsAdded": ["ar-7", "ar-8"]},
        '{"__type": "broken',
        {"__type": HISTORY, "isDelta": "no"},
        {"__type": ALIST, "isDelta": True, "requestsRemoved": ["ar-7"]},
    )


def test_replay_prints_a_summary(small_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(small_log)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"messages: 5 \(3 applied, 2 rejected\) in [\d.]+s \([\d,]+ messages/s\)", out)
    assert re.search(r"interaction-history\s+normal", out)
    assert re.search(r"interactions/agent-assistance\s+normal", out)
    assert "subscriptions: 2" in out
    assert "history items: 2" in out
    assert "assistance requests: 1 (ar-8)" in out
    assert "rejected inputs: 2" in out
    assert "line 5: not valid JSON" in out
    assert "line 6: isDelta must be a boolean" in out
    assert "snapshot written" not in out


def test_replay_writes_the_snapshot(small_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tmp_path / "snap.json"
    assert main(["replay", str(small_log), "--snapshot", str(out_path)]) == 0
    snap = json.loads(out_path.read_text("utf-8"))
    assert snap["format"] == "icws-state/1"
    assert [h["interactionId"] for h in snap["history"]] == ["1001", "1002"]
    assert [r["line"] for r in snap["rejected"]] == [5, 6]
    assert f"snapshot written to {out_path}" in capsys.readouterr().out


def test_quiet_prints_nothing(small_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "-q", str(small_log)]) == 0
    assert capsys.readouterr().out == ""


def test_strict_stops_at_the_first_bad_line(small_log: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tmp_path / "snap.json"
    assert main(["replay", "--strict", str(small_log), "--snapshot", str(out_path)]) == 1
    err = capsys.readouterr().err
    assert "line 5" in err
    assert "not valid JSON" in err
    assert not out_path.exists()


def test_strict_on_a_clean_log_exits_0(tmp_path: Path) -> None:
    log = write_log(tmp_path / "ok.jsonl", {"__type": ALIST, "isDelta": False, "requestsAdded": ["r1"]})
    out_path = tmp_path / "snap.json"
    assert main(["replay", "--strict", "-q", str(log), "--snapshot", str(out_path)]) == 0
    assert json.loads(out_path.read_text("utf-8"))["assistanceRequests"] == ["r1"]


def test_strict_anomaly_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = "urn:inin.com:interactions.assistance:assistanceRequestSubscriptionStateMessage"
    log = write_log(tmp_path / "anomaly.jsonl",
                    {"method": "PUT", "path": SUBS + "interactions/agent-assistance", "status": 204},
                    {"__type": state, "isDelta": False, "state": 3},
                    {"__type": state, "isDelta": False, "state": 2})
    assert main(["replay", "--strict", str(log), "--snapshot", str(tmp_path / "s.json")]) == 1
    assert "faulted -> suspended" in capsys.readouterr().err
    assert not (tmp_path / "s.json").exists()


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(tmp_path / "nope.jsonl")]) == 2
    assert "nope.jsonl" in capsys.readouterr().err


def test_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(tmp_path)]) == 2  # a directory is not a readable log
    assert "cannot read" in capsys.readouterr().err


def test_unwritable_snapshot_exits_2(small_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(small_log), "--snapshot", str(tmp_path / "no-dir" / "s.json")]) == 2
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [[], ["replay"], ["frobnicate"], ["replay", "x.jsonl", "--bogus"], ["diff", "a"]])
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "replay" in out
    assert "diff" in out
    assert "Exit codes" in out


def test_several_logs_tag_rejected_inputs_with_their_source(tmp_path: Path, small_log: Path) -> None:
    second = write_log(tmp_path / "second.jsonl", {"__type": ALIST, "isDelta": True, "requestsAdded": 3})
    out_path = tmp_path / "snap.json"
    assert main(["replay", "-q", str(small_log), str(second), "--snapshot", str(out_path)]) == 0
    rejected = json.loads(out_path.read_text("utf-8"))["rejected"]
    assert [(r["source"], r["line"]) for r in rejected] == [(str(small_log), 5), (str(small_log), 6),
                                                            (str(second), 1)]


def test_several_logs_summary_names_the_source(tmp_path: Path, small_log: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    second = write_log(tmp_path / "second.jsonl", "not json at all")
    assert main(["replay", str(small_log), str(second)]) == 0
    assert f"{second}:line 1: not valid JSON" in capsys.readouterr().out


def _snapshot_of(tmp_path: Path, name: str, *lines: object) -> Path:
    log = write_log(tmp_path / f"{name}.jsonl", *lines)
    out = tmp_path / f"{name}.snapshot.json"
    assert main(["replay", "-q", str(log), "--snapshot", str(out)]) == 0
    return out


def test_diff_of_equal_snapshots(tmp_path: Path, small_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["replay", "-q", str(small_log), "--snapshot", str(a)]) == 0
    assert main(["replay", "-q", str(small_log), "--snapshot", str(b)]) == 0
    assert main(["diff", str(a), str(b)]) == 0
    assert capsys.readouterr().out == "snapshots are equal\n"


def test_diff_shows_the_differences(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _snapshot_of(tmp_path, "a", {"__type": ALIST, "isDelta": False, "requestsAdded": ["r1"]},
                     {"__type": HISTORY, "isDelta": False,
                      "interactionHistory": [{"interactionId": "1", "notes": "old"}]})
    b = _snapshot_of(tmp_path, "b", {"__type": ALIST, "isDelta": False, "requestsAdded": ["r1", "r2"]},
                     {"__type": HISTORY, "isDelta": False,
                      "interactionHistory": [{"interactionId": "1", "notes": "new"}]})
    capsys.readouterr()
    assert main(["diff", str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert '~ assistanceRequests: ["r1"] -> ["r1", "r2"]' in out
    assert "history" in out
    assert '"old"' in out
    assert '"new"' in out


def test_diff_of_an_unreadable_snapshot_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["diff", str(bad), str(bad)]) == 2
    assert main(["diff", str(tmp_path / "missing.json"), str(bad)]) == 2
    assert "cannot read snapshot" in capsys.readouterr().err


def _console_script() -> list[str]:
    script = Path(sys.executable).parent / "icws-state"
    return [str(script)] if script.exists() else [sys.executable, "-m", "icws_state._cli"]


def test_installed_console_script_replays_the_demo(tmp_path: Path) -> None:
    out = tmp_path / "agent-day.snapshot.json"
    proc = subprocess.run([*_console_script(), "replay", str(AGENT_DAY), "--snapshot", str(out)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "messages: 74 (65 applied, 9 rejected)" in proc.stdout
    assert out.read_bytes() == (ROOT / "examples" / "golden" / "agent-day.snapshot.json").read_bytes()


def test_console_script_exit_code_for_a_missing_file(tmp_path: Path) -> None:
    proc = subprocess.run([*_console_script(), "replay", str(tmp_path / "missing.jsonl")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
