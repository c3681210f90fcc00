"""What a measurement yields (`Result`) and how timings are taken: interleaved rounds, median of each.

Rounds interleave the variants (floor, apply, ...) rather than running each one's repeats back to back, so a burst of
noise on a shared machine lands on all of them alike instead of skewing one; the median then drops it.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from icws_state import _datetimes

__all__ = ["Result", "cold_start", "interleaved", "timed_loop"]


@attrs.frozen(kw_only=True)
class Result:
    """One reported figure and its ratio to the baseline of the same run.

    ``ratio`` is oriented so that the target reads naturally: for rates it is ours/baseline (higher is better),
    for op times and memory it is big/small or ours/plain (lower is better, ``lower_is_better``).
    """

    section: str
    name: str
    value: float
    unit: str
    ratio: float | None = None
    basis: str = ""
    target: float | None = None
    stretch: float | None = None
    lower_is_better: bool = False
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None or self.ratio is None:
            return None
        return self.ratio <= self.target if self.lower_is_better else self.ratio >= self.target

    @property
    def stretch_met(self) -> bool | None:
        if self.stretch is None or self.ratio is None:
            return None
        return self.ratio <= self.stretch if self.lower_is_better else self.ratio >= self.stretch

    def target_text(self) -> str:
        if self.target is None:
            return ""
        op = "<=" if self.lower_is_better else ">="
        text = f"{op} {self.target:g}"
        if self.stretch is not None:
            text += f" (stretch {self.stretch:g})"
        return text

    def verdict(self) -> str:
        met = self.met
        if met is None:
            return ""
        if not met:
            return "missed"
        return "met (stretch too)" if self.stretch_met else "met"

    def value_text(self) -> str:
        v = self.value
        if self.unit in ("msgs/s", "lines/s"):
            return f"{v:,.0f} {self.unit}"
        if self.unit == "µs/op":
            return f"{v:.2f} µs/op"
        if self.unit == "bytes/item":
            return f"{v:,.0f} bytes/item"
        if self.unit == "MiB":
            return f"{v:,.1f} MiB"
        return f"{v:g} {self.unit}"

    def ratio_text(self) -> str:
        return "" if self.ratio is None else f"{self.ratio:.3f} {self.basis}".rstrip()


def interleaved(variants: Mapping[str, Callable[[], float]], repeats: int) -> dict[str, float]:
    """Median seconds per variant; each callable does its own untimed set-up and returns its timed seconds."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, run in variants.items():
            samples[name].append(run())
    return {name: statistics.median(values) for name, values in samples.items()}


def cold_start() -> None:
    """Before a timed pass: collect earlier garbage (so it is not billed) and empty the library's date-time parse
    memo, which lives for the process: otherwise a pass would find the previous pass's strings already parsed and
    look faster than a client's first pass over new traffic ever is."""
    gc.collect()
    _datetimes.MEMO.clear()


def timed_loop(fn: Callable[[Any], object], args: Iterable[Any]) -> float:
    """Seconds to call ``fn(a)`` for each prepared ``a``, starting cold (`cold_start`)."""
    prepared = list(args)
    cold_start()
    start = time.perf_counter()
    for a in prepared:
        fn(a)
    return time.perf_counter() - start
