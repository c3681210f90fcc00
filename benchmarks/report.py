"""Presenting results: a console table, ``docs/performance.md`` and the throughput-against-size plot."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from .history import SizePoint
from .results import Result
from .why import explain

__all__ = ["Machine", "console", "markdown", "plot_throughput"]


class Machine:
    """Where and when the figures were taken; they mean little without it."""

    def __init__(self, seconds: float) -> None:
        self.date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        self.cores = os.cpu_count() or 0
        affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
        self.nproc = len(affinity) if affinity else self.cores
        self.python = f"{platform.python_implementation()} {platform.python_version()}"
        self.platform = f"{platform.system()} {platform.machine()}"
        self.seconds = seconds
        try:
            import orjson

            self.orjson = f"orjson {orjson.__version__}"
        except ImportError:  # pragma: no cover - orjson is an optional extra
            self.orjson = "orjson not installed"

    def line(self) -> str:
        return (f"{self.date}; {self.nproc} usable cores (nproc); {self.python} on {self.platform}; {self.orjson}; "
                f"whole run {self.seconds:.0f} s")


def _sections(results: Sequence[Result]) -> dict[str, list[Result]]:
    out: dict[str, list[Result]] = {}
    for r in results:
        out.setdefault(r.section, []).append(r)
    return out


def console(results: Sequence[Result]) -> str:
    lines = []
    for section, rows in _sections(results).items():
        lines.append(f"\n{section}")
        width = max(len(r.name) for r in rows)
        for r in rows:
            lines.append(f"  {r.name:<{width}}  {r.value_text():>22}  {r.ratio_text():<16} {r.target_text():<20} "
                         f"{r.verdict()}".rstrip())
    return "\n".join(lines)


def _md_target(r: Result) -> str:
    return r.target_text().replace("<=", "≤").replace(">=", "≥")


def _md_verdict(r: Result) -> str:
    v = r.verdict()
    return f"**{v}**" if v == "missed" else v


def markdown(results: Sequence[Result], points: Sequence[SizePoint], machine: Machine, plot: str | None) -> str:
    """The whole ``performance.md``: results per section, the size table and plot, and a "why" per missed target."""
    out = [
        "# Performance",
        "",
        "Every figure below was measured by `python -m benchmarks` in one process, on the same generated message "
        "streams, and is given as a ratio to a baseline measured in the same run: absolute rates vary from machine "
        "to machine and run to run, ratios much less. Medians of several interleaved repeats. Regenerate this page "
        "with `make bench`; `make bench-smoke` runs the same code on tiny inputs and writes nothing.",
        "",
        f"**Run:** {machine.line()}.",
        "",
        "## Results",
        "",
    ]
    for section, rows in _sections(results).items():
        out += [f"### {section[0].upper()}{section[1:]}", "", "| Measurement | Median | Ratio | Target | Result |",
                "| --- | --- | --- | --- | --- |"]
        for r in rows:
            out.append(f"| {r.name} | {r.value_text()} | {r.ratio_text()} | {_md_target(r)} | {_md_verdict(r)} |")
        out.append("")
    if points:
        out += [
            "## Throughput against cache size",
            "",
            "The history stream applied to a cache already holding *n* items and bounded at *n* "
            "(`numberOfHistoryMessages`), so every new interaction also evicts the oldest; the floor gets a plain "
            "dict of the same *n* items.",
            "",
        ]
        if plot is not None:
            out += [f"![Apply and floor throughput against the number of cached history items]({plot})", ""]
        out += ["| Cached items | apply (lenient) | floor | apply / floor |", "| ---: | ---: | ---: | ---: |"]
        for p in points:
            out.append(f"| {p.size:,} | {p.apply_rate:,.0f} msgs/s | {p.floor_rate:,.0f} msgs/s | "
                       f"{p.apply_rate / p.floor_rate:.3f} |")
        out.append("")
    missed = [r for r in results if r.met is False]
    out += ["## Why targets were missed", ""]
    if not missed:
        out += ["Every target was met in this run.", ""]
    for r in missed:
        out += [f"### {r.section[0].upper()}{r.section[1:]}: {r.name}", "",
                f"Measured {r.ratio_text()} against a target of {_md_target(r)}.", "",
                explain(r.section, r.name), ""]
    out += [
        "## What is measured",
        "",
        "- **Floor**: dispatch on `__type`, then plain dict work: a full message starts afresh, history items are "
        "copied in or merged with `dict.update`, assistance ids kept in a set, queue attributes merged one level "
        "down with null clearing, configuration objects keyed by `configurationId.id` and merged property by "
        "property, statistic values keyed by the canonical JSON text of their `statisticKey` object (R17) and "
        "merged property by property. No validation, ordering, lifecycle or events. The history and queue streams "
        "and their floor match the shapes of the project's `perf-ratio` tool (seed for seed); the configuration "
        "stream is a users list of 5,000 objects, then deltas of 1 to 20 objects changed, added or removed; the "
        "statistics stream is a workgroup dashboard's 200 values (5 statistics for 40 workgroups), then deltas of 1 "
        "to 10 values, about 5% of them `null`.",
        "- **Builds**: the section *compiled and pure builds* runs each build in its own interpreter (the pure one "
        "with `ICWS_STATE_PURE=1`), alternately, with the floor measured in the same process; a third probe runs "
        "the pure modules of the last revision before the compiled build. Every other section measures the build "
        "installed in the benchmark's environment (compiled, where a C compiler was present at install).",
        "- **apply**: `StateCache().apply` per message, lenient and strict, with and without a no-op listener "
        "(which makes the cache record, build and deliver every event), and lenient with `changes=True` (events "
        "recorded and returned, nobody listening). The targets apply to `StateCache()` without a listener.",
        "- **typed**: the naive typed design for scale: each message structured into attrs classes by a cattrs "
        "converter, instances replaced with `attrs.evolve` on deltas.",
        "- **replay**: `icws_state.replay(path)` of a JSON-lines file against reading the file and decoding each "
        "line alone, once with the standard `json` decoder and once with orjson (the library's default when "
        "installed).",
        "- **History operations**: per call, on a cache bounded at its size; upsert and move are one-item delta "
        "messages through `apply`, insert adds a newer item that evicts the oldest; `latest(50)` and `between()` "
        "are reads. A plain dict update at both sizes shows how much of any growth is the machine's.",
        "- **Memory per item**: `tracemalloc`, bytes still allocated after a million items are applied, against a "
        "dict of plain dicts decoded from the same JSON (strings counted on both sides).",
        "- **Bounded replay**: `icws-state replay` in a child process on logs of two sizes whose history "
        "subscription is bounded; peak RSS of each replay (`getrusage(RUSAGE_CHILDREN)` in a small launcher).",
        "",
    ]
    return "\n".join(out)


def plot_throughput(points: Sequence[SizePoint], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    sizes = [p.size for p in points]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    ax.plot(sizes, [p.floor_rate for p in points], marker="s", linestyle="--", label="floor (plain dicts)")
    ax.plot(sizes, [p.apply_rate for p in points], marker="o", label="StateCache.apply (lenient)")
    for p in points:
        ax.annotate(f"{p.apply_rate / p.floor_rate:.2f}x", (p.size, p.apply_rate), textcoords="offset points",
                    xytext=(0, -14), ha="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel("cached history items (bounded at that number)")
    ax.set_ylabel("messages per second")
    ax.set_title("History stream throughput against cache size")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.text(0.99, 0.01, f"Python {sys.version.split()[0]}", ha="right", fontsize=7, alpha=0.6)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
