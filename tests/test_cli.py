"""The ``icws-state`` command: summaries, snapshots, exit codes (section 3, "Strict mode", of the spec)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
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


# Hardening: surrogates, names that are not UTF-8, one error path, written files -----------------------------------
LONE = '{"__type": "urn:test:blob", "isDelta": false, "s": "\\ud800 lone"}'


class _Terminal(io.StringIO):
    """A stand-in for a terminal's standard error."""

    def isatty(self) -> bool:
        return True


def _odd_name(directory: Path) -> str:
    """A file name whose bytes are not UTF-8 (``log\\xff.jsonl``), as Python hands it over: surrogate-escaped."""
    return os.fsdecode(os.fsencode(str(directory)) + b"/log\xff.jsonl")


def test_a_lone_surrogate_is_written_as_an_escape_and_replaces_the_earlier_snapshot(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = write_log(tmp_path / "lone.jsonl", LONE)
    out_path = tmp_path / "snap.json"
    out_path.write_text("an earlier snapshot\n")
    assert main(["replay", str(log), "--snapshot", str(out_path)]) == 0
    text = out_path.read_bytes().decode("utf-8")  # strict UTF-8 JSON
    assert '"s": "\\ud800 lone"' in text
    assert json.loads(text)["other"]["urn:test:blob"]["s"] == "\ud800 lone"
    assert f"snapshot written to {out_path}" in capsys.readouterr().out


def test_a_failed_snapshot_write_leaves_the_earlier_snapshot(small_log: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tmp_path / "snap.json"
    out_path.write_text("an earlier snapshot\n")

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    assert main(["replay", "-q", str(small_log), "--snapshot", str(out_path)]) == 2
    assert out_path.read_text() == "an earlier snapshot\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.jsonl", "snap.json"]  # no temporary left
    assert f"icws-state replay: cannot write {out_path}: No space left on device" in capsys.readouterr().err


def test_quiet_silences_the_progress_bar_on_a_terminal(small_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["replay", "-q", str(small_log)]) == 0
    assert terminal.getvalue() == ""
    assert main(["replay", str(small_log)]) == 0
    assert "[" in terminal.getvalue()  # without -q the bar is drawn


def test_dev_null_and_a_pipe_are_read_as_logs(small_log: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", os.devnull]) == 0
    assert "messages: 0 (0 applied, 0 rejected)" in capsys.readouterr().out
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # what <(cat log) hands over

    def feed() -> None:
        with open(fifo, "wb") as f:
            f.write(small_log.read_bytes())

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        assert main(["replay", str(fifo)]) == 0
    finally:
        writer.join(timeout=10)
    assert "messages: 5 (3 applied, 2 rejected)" in capsys.readouterr().out


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


@pytest.mark.parametrize("command", ["replay", "report", "diff"])
def test_one_error_shape_for_every_command(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def argv(name: str) -> list[str]:
        return {"replay": ["replay", name], "report": ["report", name, "--html", str(tmp_path / "r.html")],
                "diff": ["diff", name, name]}[command]

    what = "read snapshot" if command == "diff" else "read"
    missing = tmp_path / "missing.jsonl"
    assert _usage_error(argv(str(missing)), capsys) == \
        f"icws-state {command}: cannot {what} {missing}: No such file or directory"
    directory = _usage_error(argv(str(tmp_path)), capsys)
    assert directory == f"icws-state {command}: cannot {what} {tmp_path}: Is a directory"
    assert _usage_error(argv("bad\0name"), capsys) == \
        f"icws-state {command}: cannot {what} bad\\x00name: a file name cannot hold a NUL character"
    assert not (tmp_path / "r.html").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_log_is_the_same_error(small_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    small_log.chmod(0)
    try:
        assert _usage_error(["replay", str(small_log)], capsys) == \
            f"icws-state replay: cannot read {small_log}: Permission denied"
    finally:
        small_log.chmod(0o644)


def test_an_unwritable_directory_is_named(small_log: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    line = _usage_error(["replay", str(small_log), "--snapshot", str(tmp_path / "no-dir" / "s.json")], capsys)
    assert line.startswith(f"icws-state replay: cannot write {tmp_path / 'no-dir' / 's.json'}: ")
    assert f"directory {tmp_path / 'no-dir'}" in line


def test_a_link_at_the_snapshot_path_is_replaced_and_a_fifo_written_through(
        small_log: Path, tmp_path: Path) -> None:
    kept = tmp_path / "kept.json"
    kept.write_text("not to be touched\n")
    link = tmp_path / "snap.json"
    link.symlink_to(kept)
    assert main(["replay", "-q", str(small_log), "--snapshot", str(link)]) == 0
    assert kept.read_text() == "not to be touched\n"
    assert not link.is_symlink() and json.loads(link.read_text())["format"] == "icws-state/1"
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert main(["replay", "-q", str(small_log), "--snapshot", str(fifo)]) == 0
    reader.join(timeout=10)
    assert got == [link.read_bytes()]


def test_a_log_name_that_is_not_utf8(tmp_path: Path, small_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = _odd_name(tmp_path)
    with open(odd, "w", encoding="utf-8") as f:
        f.write('{"__type": "broken\n')
    out_path = tmp_path / "snap.json"
    assert main(["replay", str(small_log), odd, "--snapshot", str(out_path)]) == 0
    out = capsys.readouterr().out
    assert "log\\udcff.jsonl:line 1: not valid JSON" in out
    rejected = json.loads(out_path.read_bytes())["rejected"]
    assert rejected[-1]["source"] == odd and os.fsencode(rejected[-1]["source"]).endswith(b"log\xff.jsonl")
    assert main(["replay", odd + ".missing"]) == 2
    assert "cannot read " + str(tmp_path) + "/log\\xff.jsonl.missing: No such file" in capsys.readouterr().err


def test_diff_of_json_that_is_not_a_snapshot_exits_2(tmp_path: Path, small_log: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.json"
    assert main(["replay", "-q", str(small_log), "--snapshot", str(good)]) == 0
    cases: dict[str, tuple[str | bytes, str]] = {
        "array.json": ("[1, 2]", "expected an icws-state/1 snapshot (a dict), got an array"),
        "other.json": ('{"format": "other"}', '$.format must be "icws-state/1"'),
        "partial.json": ('{"format": "icws-state/1", "sessionEnded": "no"}', "$.sessionEnded: expected a boolean"),
        "latin1.json": (b'{"format": "\xe9"}', "not UTF-8 text"),
        "nan.json": ('{"format": "icws-state/1", "x": NaN}', "not a JSON number at $.x"),
        "deep.json": ("[" * 5000 + "]" * 5000, "nested"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        line = _usage_error(["diff", str(good), str(path)], capsys)
        assert line.startswith(f"icws-state diff: cannot read snapshot {path}: "), line
        assert message in line, line
