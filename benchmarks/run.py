"""The benchmark run: what is measured at which size, in which order, and where the results go."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

from . import baseline, batch, builds, history, memory, recording, report, soak, throughput
from .results import Result
from .streams import Blob, configuration_stream, history_stream, queue_stream, statistic_stream

__all__ = ["FULL", "SMOKE", "Config", "main", "run"]

ROOT = Path(__file__).resolve().parent.parent


@attrs.frozen(kw_only=True)
class Config:
    stream_n: int
    repeats: int
    replay_n: int
    sizes: tuple[int, ...]
    op_sizes: tuple[int, int]
    size_stream_n: int
    ops_k: int
    item_memory_n: int
    bounded: tuple[int, int] | None
    soak_n: int
    scrub_sizes: tuple[int, int]


FULL = Config(stream_n=50_000, repeats=5, replay_n=50_000, sizes=(1_000, 10_000, 100_000, 1_000_000),
              op_sizes=(10_000, 1_000_000), size_stream_n=20_000, ops_k=2_000, item_memory_n=1_000_000,
              bounded=(100_000, 1_000_000), soak_n=10_000_000,
              scrub_sizes=(100_000, 1_000_000))
SMOKE = Config(stream_n=2_000, repeats=2, replay_n=2_000, sizes=(1_000, 5_000), op_sizes=(1_000, 5_000),
               size_stream_n=1_000, ops_k=100, item_memory_n=5_000, bounded=None, soak_n=20_000,
               scrub_sizes=(200, 2_000))


@contextmanager
def _step(label: str, own_lines: bool = False) -> Iterator[None]:
    print(f"- {label} ...", end="\n" if own_lines else "", flush=True)
    start = time.perf_counter()
    yield
    print(f"{'  done in' if own_lines else ''} {time.perf_counter() - start:.0f} s", flush=True)


#: The revision the full run compares apply against ("before"): the 0.1 release, before contracts v2 and v3.
BASELINE_REV = "aca257f"


def run(config: Config, baseline_rev: str | None = None) -> tuple[list[Result], list[history.SizePoint]]:
    results: list[Result] = []
    if baseline_rev is not None:
        with _step(f"before and after: history and queue streams against {baseline_rev}"):
            results += baseline.section(baseline_rev, 30_000, 3)
    if config is SMOKE:
        with _step("compiled and pure builds, one turn"):
            results += builds.section(2_000, 1, turns=1, before_rev=None)
    else:
        with _step(f"compiled and pure builds side by side, and the pure build against {builds.PURE_BEFORE_REV}"):
            results += builds.section(30_000, 3)
    with _step(f"history stream, {config.stream_n:,} messages x {config.repeats}"):
        results += throughput.stream_section("history", Blob(history_stream(config.stream_n)), config.repeats)
    with _step(f"queue-contents stream, {config.stream_n:,} messages x {config.repeats}"):
        results += throughput.stream_section("queue-contents", Blob(queue_stream(config.stream_n)), config.repeats)
    with _step(f"configuration stream (5,000 users, then deltas), {config.stream_n:,} messages x {config.repeats}"):
        results += throughput.stream_section("configuration (users list)", Blob(configuration_stream(config.stream_n)),
                                             config.repeats, typed=False)
    with _step(f"statistics stream (200 values, then deltas), {config.stream_n:,} messages x {config.repeats}"):
        results += throughput.stream_section("statistics (200 workgroup values)",
                                             Blob(statistic_stream(config.stream_n)), config.repeats, typed=False)
    with _step(f"replay of {config.replay_n:,} lines x {config.repeats}"):
        results += throughput.replay_section(Blob(history_stream(config.replay_n)), config.repeats)
    points = []
    for size in config.sizes:
        with _step(f"cache of {size:,} history items"):
            points.append(history.size_point(size, config.size_stream_n, config.repeats, config.ops_k,
                                             with_ops=size in config.op_sizes))
    by_size = {p.size: p for p in points}
    results += history.op_ratios(by_size[config.op_sizes[0]], by_size[config.op_sizes[1]])
    with _step(f"memory per item at {config.item_memory_n:,} items"):
        results += memory.item_memory(config.item_memory_n)
    with _step("batch replay: sequential, then process pools of 1 and 2 workers"):
        results += batch.results(smoke=config is SMOKE)
    with _step(f"recording {config.stream_n:,} messages x {config.repeats}"):
        results += recording.record_section(config.stream_n, config.repeats)
    with _step(f"scrub at {config.scrub_sizes[0]:,} and {config.scrub_sizes[1]:,} messages", own_lines=True):
        results += recording.scrub_section(config.scrub_sizes, echo=config is not SMOKE)
    with _step(f"soak: one cache fed {config.soak_n:,} inputs", own_lines=True):
        results += soak.soak_in_child(config.soak_n, echo=config is not SMOKE)
    if config.bounded is not None:
        small, large = config.bounded
        with _step(f"bounded replay at {small:,} and {large:,} messages", own_lines=True):
            results += memory.bounded_replay(config.bounded)
    return results, points


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure icws_state against same-run baselines; the full run writes docs/performance.md.")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny inputs, a few seconds, writes nothing into docs; fails only on a crash")
    parser.add_argument("--baseline", default=BASELINE_REV, metavar="REV",
                        help=f"the revision to compare apply against (full run; default {BASELINE_REV}; '' for none)")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs",
                        help="where performance.md and img/throughput.png go (full run only)")
    args = parser.parse_args(argv)
    config = SMOKE if args.smoke else FULL
    start = time.perf_counter()
    results, points = run(config, None if args.smoke or not args.baseline else args.baseline)
    machine = report.Machine(time.perf_counter() - start)
    print(report.console(results))
    print(f"\n{machine.line()}")
    if args.smoke:
        # Render the page and the plot anyway, into a scratch directory, so a crash there shows up in CI.
        with tempfile.TemporaryDirectory(prefix="icws-bench-") as tmp:
            report.plot_throughput(points, Path(tmp) / "img" / "throughput.png")
            report.markdown(results, points, machine, "img/throughput.png")
        print("smoke run: timings not checked, nothing written")
        return 0
    docs: Path = args.docs
    report.plot_throughput(points, docs / "img" / "throughput.png")
    (docs / "performance.md").write_text(report.markdown(results, points, machine, "img/throughput.png"),
                                         encoding="utf-8")
    print(f"wrote {docs / 'performance.md'} and {docs / 'img' / 'throughput.png'}")
    missed = sum(1 for r in results if r.met is False)
    print(f"targets: {sum(1 for r in results if r.met)} met, {missed} missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
