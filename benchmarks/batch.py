"""Batch throughput: the sequential loop against a process pool of 1 and 2 workers, on generated logs.

``run(smoke)`` returns the figures as a dict (the benchmark harness collects it); ``python -m benchmarks.batch
[--smoke]`` prints them as JSON. The logs are generated here, deterministically, into a temporary directory.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.results import Result
from icws_state import SequentialExecutor, run_batch

__all__ = ["results", "run"]

_HISTORY = "urn:inin.com:interactions:historyMessage"
_ASSIST = "urn:inin.com:interactions.assistance:assistanceRequestListMessage"


def _write_logs(directory: Path, count: int, messages: int) -> int:
    """``count`` logs of about ``messages`` messages each; returns the total number of messages."""
    total = 0
    for n in range(count):
        lines = [
            {"method": "PUT", "path": "/icws/s/messaging/subscriptions/interaction-history", "status": 204},
            {
                "method": "PUT",
                "path": "/icws/s/messaging/subscriptions/interactions/agent-assistance",
                "status": 204,
            },
            {"__type": _HISTORY, "isDelta": False, "interactionHistory": []},
            {"__type": _ASSIST, "isDelta": False, "requestsAdded": []},
        ]
        size = messages + (n * 37) % max(messages // 2, 1)  # uneven sizes, as in a real archive
        for i in range(size):
            if i % 3:
                lines.append(
                    {
                        "__type": _HISTORY,
                        "isDelta": True,
                        "interactionHistory": [{"interactionId": f"{n}-{i % 400}", "notes": f"n{i}"}],
                    }
                )
            else:
                lines.append(
                    {
                        "__type": _ASSIST,
                        "isDelta": True,
                        "requestsAdded": [f"r{i % 31}"],
                        "requestsRemoved": [f"r{(i + 7) % 31}"],
                    }
                )
        total += size + 2
        (directory / f"log-{n:04d}.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    return total


def _measure(logs: Path, out: Path, executor: cf.Executor, messages: int, count: int) -> dict[str, float]:
    started = time.perf_counter()
    rows = run_batch([logs], out, executor=executor, force=True)
    seconds = time.perf_counter() - started
    assert len(rows) == count and not any(r.error for r in rows)
    return {
        "seconds": round(seconds, 4),
        "logs_per_s": round(count / seconds, 1),
        "messages_per_s": round(messages / seconds, 0),
    }


def run(smoke: bool = False) -> dict[str, Any]:
    """Figures for the sequential loop and ProcessPoolExecutor(1) and (2); pool start-up is included."""
    count, messages = (10, 30) if smoke else (200, 2000)
    with tempfile.TemporaryDirectory(prefix="icws-batch-bench-") as tmp:
        root = Path(tmp)
        (root / "logs").mkdir()
        total = _write_logs(root / "logs", count, messages)
        figures: dict[str, Any] = {"logs": count, "messages": total, "cpus": os.cpu_count()}
        figures["sequential"] = _measure(root / "logs", root / "seq", SequentialExecutor(), total, count)
        for workers in (1, 2):
            with cf.ProcessPoolExecutor(max_workers=workers) as pool:
                figures[f"process_pool_{workers}"] = _measure(
                    root / "logs", root / f"pool{workers}", pool, total, count
                )
        return figures


def results(smoke: bool = False) -> list[Result]:
    """The figures of `run` as report rows: messages/s of each way, as a ratio to the sequential loop."""
    figures = run(smoke)
    section = f"batch replay of {figures['logs']} logs ({figures['messages']:,} messages, {figures['cpus']} cpus)"
    base = figures["sequential"]["messages_per_s"]
    rows = [("sequential loop (one process)", "sequential"), ("process pool, 1 worker", "process_pool_1"),
            ("process pool, 2 workers", "process_pool_2")]
    return [Result(section=section, name=name, value=figures[key]["messages_per_s"], unit="msgs/s",
                   ratio=figures[key]["messages_per_s"] / base, basis="of sequential") for name, key in rows]


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.batch", description=__doc__)
    p.add_argument("--smoke", action="store_true", help="a few tiny logs: checks the benchmark runs")
    print(json.dumps(run(smoke=p.parse_args().smoke), indent=2))


if __name__ == "__main__":
    main()
