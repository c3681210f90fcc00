"""Recording and scrubbing: what keeping a session costs, beside what replaying it costs.

- Recording: the history stream's messages, grouped into polling responses of about ten, written through
  `Recorder.record` (redaction, one JSON line per exchange, unbuffered), against applying the same messages to a
  `StateCache`. Target: recording costs no more per message than applying (ratio of times >= 1, apply over record).
- Scrubbing: `scrub` of a JSON-lines log against `replay` of the same log, throughput in messages per second, and
  the peak RSS of ``icws-state scrub`` at two log sizes (target: the larger within 1.2x of the smaller).

Run alone: ``python -m benchmarks.recording [N]`` (default 1,000,000 lines for the scrub sizes).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from icws_state import StateCache, replay
from icws_state.recording import Recorder, scrub

from .memory import command_peak_rss, write_log
from .results import Result
from .streams import history_messages

__all__ = ["RECORD_TARGET", "main", "record_section", "scrub_section"]

RECORD_TARGET = 1.0
SCRUB_RSS_TARGET = 1.2
_MESSAGES = "/icws/s1/messaging/messages"
_KEY = b"benchmark key, fixed so that runs compare"


def _polls(n: int, per_poll: int = 10) -> list[list[dict[str, object]]]:
    msgs = list(islice(history_messages(seed=9), n))
    return [msgs[i:i + per_poll] for i in range(0, len(msgs), per_poll)]


def record_section(n: int, repeats: int) -> list[Result]:
    """Seconds per message to record ``n`` messages as polling exchanges, and to apply them, medians."""
    data = json.dumps(_polls(n))
    record_times, apply_times = [], []
    with tempfile.TemporaryDirectory(prefix="icws-bench-") as tmp:
        for _ in range(repeats):
            polls = json.loads(data)
            start = time.perf_counter()
            with Recorder(Path(tmp) / "session.jsonl") as recorder:
                for poll in polls:
                    recorder.record("GET", _MESSAGES, 200, response=poll, at="2026-11-22T10:00:00.000Z")
            record_times.append(time.perf_counter() - start)
            polls = json.loads(data)
            cache = StateCache()
            start = time.perf_counter()
            for poll in polls:
                cache.apply_batch(poll)
            apply_times.append(time.perf_counter() - start)
    rec, app = sorted(record_times)[len(record_times) // 2], sorted(apply_times)[len(apply_times) // 2]
    section = f"recording: {n:,} messages as polling exchanges (median of {repeats})"
    return [
        Result(section=section, name="StateCache.apply_batch (the baseline)", value=n / app, unit="msgs/s",
               ratio=1.0, basis="of apply"),
        Result(section=section, name="Recorder.record (redact, write a line, unbuffered)", value=n / rec,
               unit="msgs/s", ratio=app / rec, basis="apply time / record time", target=RECORD_TARGET),
    ]


def scrub_section(sizes: tuple[int, int], echo: bool = True) -> list[Result]:
    """Scrub against replay throughput on the larger log; scrub's peak RSS at both sizes."""
    small, large = sizes
    out: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="icws-bench-") as tmp:
        key_file = Path(tmp) / "key"
        key_file.write_bytes(_KEY)
        peaks = {}
        for n in sizes:
            log = Path(tmp) / f"log-{n}.jsonl"
            write_log(log, n)
            peaks[n], _ = command_peak_rss("scrub", str(log), "--out", str(Path(tmp) / f"scrubbed-{n}.jsonl"),
                                           "--key-file", str(key_file))
            if echo:
                print(f"  scrubbed {n:,} messages, peak RSS {peaks[n]:.1f} MiB", flush=True)
            if n == large:
                start = time.perf_counter()
                replay(log)
                replay_s = time.perf_counter() - start
                start = time.perf_counter()
                scrub(log, Path(tmp) / "again.jsonl", key=_KEY)
                scrub_s = time.perf_counter() - start
            log.unlink()
    section = f"scrub of a {large:,}-message JSON-lines log, beside replay of it"
    out.append(Result(section=section, name="replay (read, decode, apply)", value=large / replay_s,
                      unit="msgs/s", ratio=1.0, basis="of replay"))
    out.append(Result(section=section, name="scrub (read, pseudonymize, write)", value=large / scrub_s,
                      unit="msgs/s", ratio=replay_s / scrub_s, basis="of replay"))
    rss = f"scrub: peak RSS of icws-state scrub at {small:,} and {large:,} messages"
    out.append(Result(section=rss, name=f"{small:,} messages", value=peaks[small], unit="MiB", ratio=1.0,
                      basis=f"of {small:,}"))
    out.append(Result(section=rss, name=f"{large:,} messages", value=peaks[large], unit="MiB",
                      ratio=peaks[large] / peaks[small], basis=f"of {small:,}", target=SCRUB_RSS_TARGET,
                      lower_is_better=True))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.recording",
                                     description="Recording cost against apply; scrub against replay.")
    parser.add_argument("n", nargs="?", type=int, default=1_000_000, help="the larger scrub log (default 1,000,000)")
    args = parser.parse_args(argv)
    results = record_section(50_000, 3) + scrub_section((args.n // 10, args.n))
    for r in results:
        print(f"{r.name:>50}: {r.value_text():>14}  {r.ratio_text():<26} {r.target_text():<8} {r.verdict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
