"""Batch replay: the same archive through an inline executor, a process pool and a dask cluster agrees."""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from icws_state import Anomaly, StateCache, replay
from icws_state._cli import main
from icws_state._tools.batch import BatchRow, expand_logs, output_names, run_batch

HISTORY = "urn:inin.com:interactions:historyMessage"
ASSIST = "urn:inin.com:interactions.assistance:assistanceRequestListMessage"
ASSIST_STATE = "urn:inin.com:interactions.assistance:assistanceRequestSubscriptionStateMessage"
OLD = 1_000_000_000  # every generated log's mtime, so "snapshot newer than log" does not hang on clock ticks
N_LOGS = 200


class InlineExecutor(cf.Executor):
    """Runs each task at submit time, in this thread: the sequential reference."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        f: cf.Future[Any] = cf.Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as e:
            f.set_exception(e)
        return f


def _line(value: Any) -> str:
    return json.dumps(value) + "\n"


def generate(directory: Path) -> dict[str, dict[str, Any]]:
    """Write the archive; return what each log's row must say (by log path)."""
    directory.mkdir()
    expected: dict[str, dict[str, Any]] = {}
    for i in range(N_LOGS - 3):
        lines = [
            _line(
                {
                    "method": "PUT",
                    "path": "/icws/s/messaging/subscriptions/interaction-history",
                    "status": 204,
                }
            ),
            _line(
                {
                    "method": "PUT",
                    "path": "/icws/s/messaging/subscriptions/interactions/agent-assistance",
                    "status": 204,
                }
            ),
            _line({"__type": HISTORY, "isDelta": False, "interactionHistory": [{"interactionId": f"{i}-0"}]}),
        ]
        deltas = i % 5 + 1
        lines += [
            _line({"__type": HISTORY, "isDelta": True, "interactionHistory": [{"interactionId": f"{i}-{k}"}]})
            for k in range(1, deltas + 1)
        ]
        lines.append(_line({"__type": ASSIST, "isDelta": False, "requestsAdded": [f"r{i}"]}))
        messages, rejected, anomalies = 2 + deltas, 0, 0
        if i % 7 == 0:
            lines.append(_line({"__type": HISTORY, "isDelta": "yes", "interactionHistory": []}))
            lines.append("this is not json\n")
            messages, rejected = messages + 2, 2
        if i % 13 == 0:  # faulted -> suspended is not a transition the server may make
            lines.append(_line({"__type": ASSIST_STATE, "isDelta": True, "state": 3}))
            lines.append(_line({"__type": ASSIST_STATE, "isDelta": True, "state": 2}))
            messages, anomalies = messages + 2, 1
        ended = i % 11 == 0
        if ended:
            lines.append(_line({"method": "GET", "path": "/icws/s/messaging/messages", "status": 401}))
        path = directory / f"log-{i:03d}.jsonl"
        path.write_text("".join(lines))
        expected[str(path)] = {
            "messages": messages,
            "rejected": rejected,
            "anomalies": anomalies,
            "sessionEnded": ended,
        }
    (directory / "zz-empty.jsonl").write_bytes(b"")
    expected[str(directory / "zz-empty.jsonl")] = {
        "messages": 0,
        "rejected": 0,
        "anomalies": 0,
        "sessionEnded": False,
    }
    (directory / "zz-garbage.jsonl").write_bytes(b"\x00\xff\xfe garbage\n{{{\n")
    expected[str(directory / "zz-garbage.jsonl")] = {
        "messages": 2,
        "rejected": 2,
        "anomalies": 0,
        "sessionEnded": False,
    }
    os.symlink(directory / "no-such-target", directory / "zz-unreadable.jsonl")
    for p in directory.iterdir():
        if p.exists():
            os.utime(p, (OLD, OLD))
    return expected


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    root = tmp_path_factory.mktemp("archive")
    return root / "logs", generate(root / "logs")


def _comparable(out: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (out / "summary.jsonl").read_text().splitlines()]
    for r in rows:
        r.pop("seconds")
    return rows


def _snapshots(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.snapshot.json"))}


def _check_rows(rows: list[BatchRow], expected: dict[str, dict[str, Any]], logs: Path) -> None:
    assert [r.log for r in rows] == [str(p) for p in sorted(logs.iterdir())]  # input order
    for r in rows:
        if r.log.endswith("zz-unreadable.jsonl"):
            assert r.error is not None and "cannot read" in r.error
            assert r.snapshot is None and r.messages is None
            continue
        e = expected[r.log]
        assert r.error is None, r
        assert (r.messages, r.rejected, r.anomalies, r.session_ended) == (
            e["messages"],
            e["rejected"],
            e["anomalies"],
            e["sessionEnded"],
        ), r.log
        assert r.applied == r.messages - r.rejected  # type: ignore[operator]
        if os.path.basename(r.log).startswith("log-"):
            state = "none+closed+stale" if e["sessionEnded"] else "normal"
            assert r.subscriptions["interaction-history"] == state


@pytest.mark.filterwarnings("ignore:Port \\d+ is already in use")  # the scheduler's HTTP port; 127.0.0.1 only
def test_three_executors_agree(archive: tuple[Path, dict[str, dict[str, Any]]], tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    logs, expected = archive
    inline = run_batch([logs], tmp_path / "inline", executor=InlineExecutor())
    _check_rows(inline, expected, logs)
    with cf.ProcessPoolExecutor(2) as pool:
        pooled = run_batch([logs], tmp_path / "pool", executor=pool)
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        clustered = run_batch([logs], tmp_path / "dask", executor=client.get_executor())
    for rows in (pooled, clustered):
        _check_rows(rows, expected, logs)
    reference = _snapshots(tmp_path / "inline")
    assert len(reference) == N_LOGS - 1  # every readable log, empty and garbage included
    assert _snapshots(tmp_path / "pool") == reference
    assert _snapshots(tmp_path / "dask") == reference
    assert _comparable(tmp_path / "pool") == _comparable(tmp_path / "inline")
    assert _comparable(tmp_path / "dask") == _comparable(tmp_path / "inline")
    csv_lines = (tmp_path / "inline" / "summary.csv").read_text().splitlines()
    assert csv_lines[0].split(",")[:3] == ["log", "snapshot", "messages"] and len(csv_lines) == N_LOGS + 1


def test_snapshot_is_the_replay_snapshot(
    archive: tuple[Path, dict[str, dict[str, Any]]], tmp_path: Path
) -> None:
    logs, _ = archive
    log = logs / "log-013.jsonl"
    rows = run_batch([log], tmp_path, executor=InlineExecutor())
    cache = StateCache()
    events: list[object] = []
    cache.add_listener(events.append)
    replay(log, cache=cache)
    assert rows[0].anomalies == sum(isinstance(e, Anomaly) for e in events) == 1
    assert (tmp_path / "log-013.jsonl.snapshot.json").read_bytes() == cache.snapshot_json()


def test_skip_and_force(archive: tuple[Path, dict[str, dict[str, Any]]], tmp_path: Path) -> None:
    logs, expected = archive
    out = tmp_path / "out"
    first = run_batch([logs], out, executor=InlineExecutor())
    seen: list[tuple[int, int]] = []
    again = run_batch([logs], out, executor=InlineExecutor(), progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (N_LOGS - 1, N_LOGS) and seen[-1] == (
        N_LOGS,
        N_LOGS,
    )  # only the unreadable one is retried
    assert [r.skipped for r in again] == [r.error is None for r in first]
    strip = [{k: v for k, v in r.to_json().items() if k not in ("seconds", "skipped")} for r in again]
    assert strip == [{k: v for k, v in r.to_json().items() if k not in ("seconds", "skipped")} for r in first]
    _check_rows(again, expected, logs)  # anomalies too: read back beside the snapshot

    touched = logs / "log-005.jsonl"
    later = os.stat(out / "log-005.jsonl.snapshot.json").st_mtime + 10
    os.utime(touched, (later, later))
    try:
        third = run_batch([logs], out, executor=InlineExecutor())
    finally:
        os.utime(touched, (OLD, OLD))
    assert [r.log for r in third if not r.skipped] == [str(touched), str(logs / "zz-unreadable.jsonl")]
    forced = run_batch([logs], out, executor=InlineExecutor(), force=True)
    assert not any(r.skipped for r in forced)
    summary = [json.loads(x) for x in (out / "summary.jsonl").read_text().splitlines()]
    assert [s["skipped"] for s in summary] == [False] * N_LOGS


def test_same_names_in_different_directories(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.jsonl").write_text(
        _line({"__type": ASSIST, "isDelta": False, "requestsAdded": ["1"]})
    )
    (tmp_path / "b" / "x.jsonl").write_text(
        _line({"__type": ASSIST, "isDelta": False, "requestsAdded": ["2"]})
    )
    logs = expand_logs([tmp_path / "a", tmp_path / "b", tmp_path / "a" / "x.jsonl"])
    assert logs == [str(tmp_path / "a" / "x.jsonl"), str(tmp_path / "b" / "x.jsonl")]  # the repeat dropped
    names = output_names(logs)
    assert names == output_names(logs) and len(set(names)) == 2
    rows = run_batch(logs, tmp_path / "out", executor=InlineExecutor())
    snaps = [json.loads((tmp_path / "out" / str(r.snapshot)).read_text()) for r in rows]
    assert [s["assistanceRequests"] for s in snaps] == [["1"], ["2"]]


def test_cli(
    archive: tuple[Path, dict[str, dict[str, Any]]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs, _ = archive
    out = tmp_path / "cli"
    assert main(["batch", str(logs), "--out", str(out), "--jobs", "2"]) == 0
    text = capsys.readouterr().out
    assert f"{N_LOGS} logs: {N_LOGS - 1} replayed, 0 skipped, 1 failed" in text
    assert "zz-unreadable.jsonl" in text
    assert len((out / "summary.csv").read_text().splitlines()) == N_LOGS + 1
    assert main(["batch", str(logs), "--out", str(out)]) == 0
    assert f"{N_LOGS - 1} skipped" in capsys.readouterr().out
    assert main(["batch", str(logs), "--out", str(out), "--force", "--jobs", "1"]) == 0
    assert "0 skipped" in capsys.readouterr().out


def test_cli_bad_arguments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "o"), "--jobs", "0"]) == 2
    (tmp_path / "file").write_text("")
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "file" / "o")]) == 2
    assert "cannot create" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["batch", str(tmp_path)])  # no --out
    assert e.value.code == 2
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the dask extra were not installed
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "o"), "--dask", "tcp://127.0.0.1:1"]) == 2
    assert "icws-state[dask]" in capsys.readouterr().err


# Hardening: odd names, planted links, FIFOs --------------------------------------------------------------------
def test_a_log_name_that_is_not_utf8_is_a_row_of_the_summary(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    odd = os.fsdecode(os.fsencode(str(logs)) + b"/log\xff.jsonl")
    with open(odd, "w", encoding="utf-8") as f:
        f.write(_line({"__type": ASSIST, "isDelta": False, "requestsAdded": ["\ud800"]}))
    (logs / "plain.jsonl").write_text(_line({"__type": ASSIST, "isDelta": False, "requestsAdded": ["1"]}))
    out = tmp_path / "out"
    assert main(["batch", str(logs), "--out", str(out), "--jobs", "1"]) == 0
    text = capsys.readouterr().out
    assert "2 logs: 2 replayed, 0 skipped, 0 failed" in text
    rows = [json.loads(line) for line in (out / "summary.jsonl").read_bytes().decode("utf-8").splitlines()]
    assert [r["log"] for r in rows] == [odd, str(logs / "plain.jsonl")]  # read back: the name, exactly
    assert os.fsencode(rows[0]["log"]).endswith(b"log\xff.jsonl")
    csv_text = (out / "summary.csv").read_bytes().decode("utf-8")
    assert "log\\xff.jsonl,log\\xff.jsonl.snapshot.json," in csv_text
    snapshot = out / os.fsdecode(b"log\xff.jsonl.snapshot.json")
    assert json.loads(snapshot.read_bytes())["assistanceRequests"] == ["\ud800"]


def test_temporary_files_never_follow_a_planted_link(tmp_path: Path) -> None:
    log = tmp_path / "x.jsonl"
    log.write_text(_line({"__type": ASSIST, "isDelta": False, "requestsAdded": ["1"]}))
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    pid = os.getpid()
    planted = [f"x.jsonl.snapshot.json.{pid}.tmp", f"x.jsonl.row.json.{pid}.tmp", f"summary.jsonl.{pid}.tmp",
               f"summary.csv.{pid}.tmp"]  # every name the batch once wrote to first
    for name in planted:
        (out / name).symlink_to(victim)
    rows = run_batch([log], out, executor=InlineExecutor())
    assert rows[0].error is None
    assert victim.read_text() == "precious\n"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*planted, "x.jsonl.snapshot.json", "x.jsonl.row.json", "summary.jsonl", "summary.csv"]
    )
    assert json.loads((out / "x.jsonl.snapshot.json").read_text())["assistanceRequests"] == ["1"]


def test_only_regular_files_in_a_directory_are_logs(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.jsonl").write_text(_line({"__type": ASSIST, "isDelta": False, "requestsAdded": ["1"]}))
    os.mkfifo(logs / "b.fifo")
    (logs / "c-link-to-fifo").symlink_to(logs / "b.fifo")
    (logs / "d-lost").symlink_to(logs / "no-such-target")
    left_out: list[tuple[str, str]] = []
    found = expand_logs([logs], on_not_a_log=lambda p, k: left_out.append((p, k)))
    assert found == [str(logs / "a.jsonl"), str(logs / "d-lost")]  # a dangling link stays: an error row
    assert left_out == [(str(logs / "b.fifo"), "a FIFO"), (str(logs / "c-link-to-fifo"), "a FIFO")]


def test_a_fifo_in_a_log_directory_does_not_hang_the_batch(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.jsonl").write_text(_line({"__type": ASSIST, "isDelta": False, "requestsAdded": ["1"]}))
    os.mkfifo(logs / "b.fifo")
    proc = subprocess.run(
        [sys.executable, "-m", "icws_state._cli", "batch", str(logs), "--out", str(tmp_path / "out"), "-j", "1"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "1 logs: 1 replayed, 0 skipped, 0 failed" in proc.stdout
    assert f"left out: {logs / 'b.fifo'}: a FIFO" in proc.stdout


def test_a_snapshot_that_cannot_be_written_is_a_write_error_row(tmp_path: Path) -> None:
    log = tmp_path / "x.jsonl"
    log.write_text(_line({"__type": ASSIST, "isDelta": False, "requestsAdded": ["1"]}))
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.jsonl.snapshot.json").mkdir()  # the destination is a directory: nothing can be written there
    rows = run_batch([log], out, executor=InlineExecutor(), force=True)
    assert rows[0].error is not None and rows[0].error.startswith("cannot write: ")
