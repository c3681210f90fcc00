"""Memory: bytes per cached history item against plain dicts, and peak RSS of a bounded replay as the log grows.

Per item: `tracemalloc` counts what stays allocated after a million items are applied (the message itself is
dropped), against a dict of plain dicts holding the same decoded properties, so strings count on both sides.

Bounded replay: a log whose history subscription is PUT with ``numberOfHistoryMessages`` (default 1000), followed
by history and assistance churn, is replayed by the ``icws-state replay`` command in a child process at two log
sizes. With the bound honoured and the reader streaming, the larger log should need little more memory than the
smaller (target: peak RSS ratio <= 1.2). Each replay runs under its own small launcher process, which reports
``getrusage(RUSAGE_CHILDREN).ru_maxrss``: the peak of that one replay, whatever ran before it.

Run alone: ``python -m benchmarks.memory [N ...]`` (default 100000 1000000).
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from itertools import islice
from pathlib import Path

from icws_state import StateCache

from .history import HISTORY_PUT_PATH
from .results import Result
from .streams import HISTORY, Blob, history_messages, prefill_items

__all__ = ["ITEM_TARGET", "RSS_TARGET", "bounded_replay", "command_peak_rss", "item_memory", "main", "peak_rss",
           "write_log"]

ITEM_TARGET = 1.3
RSS_TARGET = 1.2


def _traced(build: Callable[[], object]) -> int:
    """Bytes still allocated after ``build()`` returns what it built (kept alive while measuring)."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        kept = build()
        gc.collect()
        used = tracemalloc.get_traced_memory()[0] - base
        del kept
    finally:
        tracemalloc.stop()
    return int(used)


def item_memory(n: int) -> list[Result]:
    """Bytes per history item in a `StateCache` and in a dict of plain dicts, for the same ``n`` decoded items."""
    blob = Blob(prefill_items(n))

    def cache() -> StateCache:
        c = StateCache()
        c.apply({"__type": HISTORY, "isDelta": False, "interactionHistory": blob.fresh()})
        assert len(c.history) == n
        return c

    def plain() -> dict[str, dict[str, object]]:
        return {item["interactionId"]: dict(item) for item in blob.fresh()}

    plain_bytes = _traced(plain) / n
    cache_bytes = _traced(cache) / n
    section = f"memory per history item ({n:,} items, tracemalloc)"
    return [
        Result(section=section, name="plain dicts (id -> dict of the same properties)", value=plain_bytes,
               unit="bytes/item", ratio=1.0, basis="of plain"),
        Result(section=section, name="StateCache history", value=cache_bytes, unit="bytes/item",
               ratio=cache_bytes / plain_bytes, basis="of plain", target=ITEM_TARGET, lower_is_better=True),
    ]


def write_log(path: Path, n: int, bound: int = 1000) -> None:
    """A JSON-lines log: the bounded history PUT, then ``n`` generated history and assistance messages."""
    put = {"method": "PUT", "path": HISTORY_PUT_PATH, "status": 204, "body": {"numberOfHistoryMessages": bound}}
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps(put) + "\n")
        for msg in islice(history_messages(seed=5), n):
            f.write(json.dumps(msg, separators=(",", ":")))
            f.write("\n")


def _command() -> list[str]:
    script = Path(sys.executable).with_name("icws-state")
    found = str(script) if script.exists() else shutil.which("icws-state")
    if found is None:  # installed without its console script: run the CLI module the script would run
        return [sys.executable, "-c", "import sys; from icws_state._cli import main; sys.exit(main())"]
    return [found]


# Runs in a fresh interpreter between us and the replay: a child forked from this (large) process would report
# our own peak as its maxrss, since Linux carries the pre-exec high-water mark across exec.
_LAUNCHER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def command_peak_rss(*args: str) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of ``icws-state ARGS...``, a grandchild started by a small launcher."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, *_command(), *args],
                          capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    maxrss, code = (int(x) for x in done.stdout.split())
    if code != 0:
        raise RuntimeError(f"icws-state {' '.join(args)} exited {code}")
    return maxrss / 1024, seconds  # ru_maxrss is KiB on Linux


def peak_rss(log: Path) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of ``icws-state replay -q LOG``."""
    return command_peak_rss("replay", "-q", str(log))


def bounded_replay(sizes: tuple[int, int], bound: int = 1000, echo: bool = True) -> list[Result]:
    small, large = sizes
    section = f"bounded replay: peak RSS of icws-state replay (history bound {bound:,})"
    out: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="icws-bench-") as tmp:
        peaks = {}
        for n in sizes:
            log = Path(tmp) / f"log-{n}.jsonl"
            write_log(log, n, bound)
            peaks[n], seconds = peak_rss(log)
            log.unlink()
            if echo:
                print(f"  replayed {n:,} messages in {seconds:.1f} s, peak RSS {peaks[n]:.1f} MiB", flush=True)
    out.append(Result(section=section, name=f"{small:,} messages", value=peaks[small], unit="MiB", ratio=1.0,
                      basis=f"of {small:,}"))
    out.append(Result(section=section, name=f"{large:,} messages", value=peaks[large], unit="MiB",
                      ratio=peaks[large] / peaks[small], basis=f"of {small:,}", target=RSS_TARGET,
                      lower_is_better=True))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory",
                                     description="Peak RSS of a bounded icws-state replay at two log sizes.")
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000], metavar="N",
                        help="two log sizes, smaller first (default 100000 1000000)")
    parser.add_argument("--bound", type=int, default=1000, help="numberOfHistoryMessages in the PUT")
    args = parser.parse_args(argv)
    if len(args.sizes) != 2 or args.sizes[0] >= args.sizes[1]:
        parser.error("give two sizes, smaller first")
    results = bounded_replay((args.sizes[0], args.sizes[1]), args.bound)
    for r in results:
        print(f"{r.name:>20}: {r.value_text():>12}  {r.ratio_text():<18} {r.target_text():<8} {r.verdict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
