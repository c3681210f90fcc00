"""Before and after: the history and queue streams measured against an earlier revision, in the same run.

A change must not make ``StateCache().apply`` slower than before by more than 5% (the issues say so); ratios
against the floor move with the machine's load, so both revisions are measured here, alternately, each in its own
interpreter (the earlier one from a temporary ``git worktree``), against the same floor. The figure reported is
now/before of the apply/floor ratios (1.0: as fast as before; target >= 0.95).

Run alone: ``python -m benchmarks.baseline REV [N]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .results import Result
from .streams import Blob

__all__ = ["BASELINE_TARGET", "apply_all", "main", "probe", "section", "timed"]

ROOT = Path(__file__).resolve().parent.parent
BASELINE_TARGET = 0.95


def timed(run: Callable[[Any], object], blob: Blob) -> float:
    """Seconds for ``run`` over a fresh copy of ``blob``, after a collection and with the date-time memo empty;
    written against every revision a probe may import (the memo had another name before 0.1)."""
    from icws_state import _datetimes

    memo: dict[str, Any] | None = getattr(_datetimes, "MEMO", None)
    if memo is None:  # before the memo had a public name
        memo = _datetimes.__dict__["_cache"]
    messages = blob.fresh()
    gc.collect()
    memo.clear()
    start = time.perf_counter()
    run(messages)
    return time.perf_counter() - start


def apply_all(messages: list[dict[str, Any]]) -> None:
    """``StateCache().apply`` of every message, as a user first calls it."""
    from icws_state import StateCache

    apply = StateCache().apply
    for m in messages:
        apply(m)


def probe(n: int, rounds: int) -> dict[str, list[float]]:
    """apply/floor ratios of the history and queue streams, one per round, with whichever icws_state is importable.

    Written against the oldest API the comparison needs (``StateCache().apply``), so an earlier revision runs it.
    """
    from .floor import Floor
    from .streams import Blob, history_stream, queue_stream

    out: dict[str, list[float]] = {}
    for name, blob in (("history", Blob(history_stream(n))), ("queues", Blob(queue_stream(n)))):
        ratios = []
        for _ in range(rounds):
            floor = timed(lambda ms: Floor().run(ms), blob)
            ratios.append(floor / timed(apply_all, blob))
        out[name] = ratios
    return out


def _run_probe(bench: str, library: str, n: int, rounds: int) -> dict[str, list[float]]:
    """The probe in a fresh interpreter: this run's benchmark code (a copy in ``bench``) and the ``icws_state``
    found in ``library``, so that both revisions are driven by the same streams and floor."""
    env = {**os.environ, "PYTHONPATH": library}
    done = subprocess.run([sys.executable, "-m", "benchmarks.baseline", "--probe", str(n), str(rounds)],
                          cwd=bench, env=env, capture_output=True, text=True, check=True)
    result: dict[str, list[float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def section(rev: str, n: int, rounds: int, turns: int = 3) -> list[Result]:
    """Both revisions, alternately ``turns`` times (``rounds`` passes each); medians of every pass."""
    before: dict[str, list[float]] = {}
    now: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="icws-baseline-") as tmp:
        tree = str(Path(tmp) / "tree")
        bench = Path(tmp) / "bench"
        shutil.copytree(ROOT / "benchmarks", bench / "benchmarks", ignore=shutil.ignore_patterns("__pycache__"))
        subprocess.run(["git", "worktree", "add", "--detach", tree, rev], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            for _ in range(turns):
                for got, library in ((before, tree), (now, str(ROOT))):
                    for name, ratios in _run_probe(str(bench), library, n, rounds).items():
                        got.setdefault(name, []).extend(ratios)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", tree], cwd=ROOT, capture_output=True, check=False)
    sec = f"before and after: apply/floor against revision {rev} ({n:,} messages, medians of {rounds * turns})"
    out = []
    for name, ratios in before.items():
        b, a = statistics.median(ratios), statistics.median(now[name])
        out.append(Result(section=sec, name=f"{name}: before", value=b, unit="of floor", ratio=1.0,
                          basis="of before"))
        out.append(Result(section=sec, name=f"{name}: now", value=a, unit="of floor", ratio=a / b,
                          basis="of before", target=BASELINE_TARGET))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.baseline",
                                     description="apply/floor now against an earlier revision, in one run.")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("rev", help="the earlier revision (a commit, a tag); with --probe: messages")
    parser.add_argument("n", nargs="?", type=int, default=30_000)
    args = parser.parse_args(argv)
    if args.probe:
        print(json.dumps(probe(int(args.rev), args.n)))
        return 0
    for r in section(args.rev, args.n, 3):
        print(f"{r.section[:40]:<40} {r.name:>18}: {r.value:.3f} {r.ratio_text():<16} {r.verdict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
