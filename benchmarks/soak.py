"""Soak: one cache fed for a long time, with the mix of a client that runs for months, in bounded memory.

The stream is the history benchmark's (history and assistance deltas) under a bounded history subscription, with
1% rejected inputs (each a different invalid message, some carrying a 100 KB date-time string) and a
suspend/recover flap of the assistance subscription every 1,000 messages. What would grow without a bound: the
rejected list (capped at 10,000 listed), each subscription's transitions (a window of 100 and a count), the
date-time memo (only short strings are kept). The resident set size is read at checkpoints; after warm-up it
should stay flat (target: the last checkpoint within 1.2x of the first after warm-up).

Run alone: ``python -m benchmarks.soak [N]`` (default 10,000,000 inputs; about three minutes).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import attrs

from icws_state import StateCache

from .history import HISTORY_PUT_PATH
from .results import Result
from .streams import HISTORY, history_messages

__all__ = ["SOAK_TARGET", "main", "rss_mib", "soak", "soak_in_child", "soak_inputs"]

SOAK_TARGET = 1.2
ROOT = Path(__file__).resolve().parent.parent
_ASSIST_PUT = "/icws/s1/messaging/subscriptions/interactions/agent-assistance"
_ASSIST_STATE = "urn:inin.com:interactions.assistance:assistanceRequestSubscriptionStateMessage"
_LONG_TIME = "2026-11-22T10:00:00." + "1" * 100_000 + "Z"


def rss_mib() -> float:
    """The current resident set size of this process (Linux ``/proc/self/statm``), in MiB."""
    with open("/proc/self/statm", encoding="ascii") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def soak_inputs(seed: int = 11) -> Iterator[tuple[str, Any]]:
    """(kind, value) pairs, endless: ``message`` values for ``apply``, ``rejected`` invalid ones, ``flap`` states."""
    for i, msg in enumerate(history_messages(seed=seed)):
        if i % 100 == 99:
            bad_time = _LONG_TIME if i % 10_000 == 9_999 else f"not a time {i}"
            yield "rejected", {"__type": HISTORY, "isDelta": True,
                               "interactionHistory": [{"interactionId": f"bad{i}", "initiationTime": bad_time}]}
        elif i % 1000 == 500:
            yield "flap", {"__type": _ASSIST_STATE, "isDelta": False, "state": 2 if (i // 1000) % 2 else 1}
        else:
            yield "message", msg


def soak(n: int, checkpoints: int = 10, bound: int = 1000, echo: bool = True) -> list[Result]:
    """Feed ``n`` inputs to one cache; RSS at ``checkpoints`` evenly spaced points; the first after warm-up (10%)
    against the last."""
    cache = StateCache()
    cache.record_response("PUT", HISTORY_PUT_PATH, 204, {"numberOfHistoryMessages": bound})
    cache.record_response("PUT", _ASSIST_PUT, 204)
    step = max(1, n // checkpoints)
    readings: list[tuple[int, float]] = []
    start = time.perf_counter()
    done = 0
    apply = cache.apply
    for done, (_, value) in enumerate(islice(soak_inputs(), n), 1):
        apply(value)
        if done % step == 0:
            gc.collect()
            readings.append((done, rss_mib()))
            if echo:
                print(f"  {done:>12,} inputs  RSS {readings[-1][1]:7.1f} MiB  rejected {cache.stats.rejected:,}",
                      flush=True)
    seconds = time.perf_counter() - start
    sub = cache.subscriptions["interactions/agent-assistance"]
    assert len(cache.rejected) <= 10_000 and len(sub.transitions) <= 100, "a bound did not hold"
    warm = readings[0] if len(readings) < 2 else readings[1]
    last = readings[-1] if readings else (done, rss_mib())
    section = f"soak: one cache, {done:,} inputs (1% rejected, a flap every 1,000), {seconds:.0f} s"
    return [
        Result(section=section, name=f"RSS after {warm[0]:,} inputs", value=warm[1], unit="MiB", ratio=1.0,
               basis=f"of {warm[0]:,}"),
        Result(section=section, name=f"RSS after {last[0]:,} inputs", value=last[1], unit="MiB",
               ratio=last[1] / warm[1], basis=f"of {warm[0]:,}", target=SOAK_TARGET, lower_is_better=True),
    ]


def soak_in_child(n: int, echo: bool = True) -> list[Result]:
    """`soak` in a fresh interpreter, so that its resident set is the cache's and not what ran before it."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.soak", str(n), "--json"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    *progress, last = done.stdout.strip().splitlines()
    if echo:
        print("\n".join(progress), flush=True)
    return [Result(**fields) for fields in json.loads(last)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak",
                                     description="Resident memory of one cache fed a long, mixed stream.")
    parser.add_argument("n", nargs="?", type=int, default=10_000_000, help="inputs (default 10,000,000)")
    parser.add_argument("--json", action="store_true", help="end with the results as one JSON line")
    args = parser.parse_args(argv)
    results = soak(args.n)
    if args.json:
        print(json.dumps([attrs.asdict(r) for r in results]))
        return 0
    for r in results:
        print(f"{r.name:>28}: {r.value_text():>12}  {r.ratio_text():<18} {r.target_text():<8} {r.verdict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
