"""The history store as it grows: apply throughput against cache size, and the cost of each store operation.

A cache is prefilled with ``n`` items older than anything in the stream and bounded at ``n`` by a PUT parameter
(R7), so it stays at ``n`` items while the stream inserts newer ones and the oldest are evicted: the steady state
of a long-running client. Each timed pass continues the stream with fresh ids (``start``) instead of replaying ids
the cache already holds. Store operations are timed per call on that same cache; what matters is how they scale,
so they are reported as the time at the largest size over the time at the smallest (target <= 2: lookups by id are
O(1), ordering O(log n)).
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from icws_state import StateCache

from .floor import Floor
from .results import Result, interleaved, timed_loop
from .streams import HISTORY, Blob, history_stream, prefill_items, stamp

__all__ = ["HISTORY_PUT_PATH", "OPS_TARGET", "PLAIN_OP", "SizePoint", "bounded_cache", "op_ratios", "size_point"]

HISTORY_PUT_PATH = "/icws/s1/messaging/subscriptions/interaction-history"
OPS_TARGET = 2.0
PLAIN_OP = "floor: plain dict update of a random id"
Message = dict[str, Any]


def bounded_cache(items: list[Message], bound: int) -> StateCache:
    """A cache holding ``items`` with the history subscription PUT with ``numberOfHistoryMessages=bound``."""
    cache = StateCache()
    cache.record_response("PUT", HISTORY_PUT_PATH, 204, {"numberOfHistoryMessages": bound})
    cache.apply({"__type": HISTORY, "isDelta": False, "interactionHistory": items})
    return cache


class SizePoint:
    """The measurements at one cache size: throughput of apply and of the floor, and per-op times."""

    def __init__(self, size: int, apply_rate: float, floor_rate: float, ops: dict[str, float]) -> None:
        self.size, self.apply_rate, self.floor_rate, self.ops = size, apply_rate, floor_rate, ops


def size_point(size: int, stream_n: int, repeats: int, ops_k: int, with_ops: bool) -> SizePoint:
    items = prefill_items(size)
    floor_base = {it["interactionId"]: dict(it) for it in items}
    cache = bounded_cache(items, size)
    del items
    apply = cache.apply
    blobs = [Blob(history_stream(stream_n, seed=7 + r, start=1_000_000 * (r + 1), full_first=False))
             for r in range(repeats)]
    apply_times, floor_times = [], []
    for blob in blobs:
        messages = blob.fresh()
        apply_times.append(timed_loop(apply, messages))
        floor = Floor(dict(floor_base))
        messages = blob.fresh()
        floor_times.append(timed_loop(floor.run, [messages]))
    n = blobs[0].count
    ops = _store_ops(cache, floor_base, size, ops_k, repeats) if with_ops else {}
    return SizePoint(size, n / statistics.median(apply_times), n / statistics.median(floor_times), ops)


def _store_ops(cache: StateCache, plain: dict[str, Message], size: int, k: int, repeats: int) -> dict[str, float]:
    """Median µs per call of each operation, ``k`` calls per round, on a cache bounded at ``size``.

    ``plain`` (a dict of ``size`` plain items) gives the floor: the same upsert as a bare ``dict.update``, which
    shows how much of any growth is the machine's (memory caches missing more often in a bigger table).
    """
    history = cache.history
    rng = random.Random(size)
    inserted = [0]

    def upsert() -> float:
        ids = rng.sample(list(history), k)
        msgs = [{"__type": HISTORY, "isDelta": True, "interactionHistory": [
            {"interactionId": key, "initiationTime": history[key]["initiationTime"], "notes": f"note {j}"}]}
            for j, key in enumerate(ids)]
        return timed_loop(cache.apply, msgs)

    def move() -> float:
        ordered = history.ordered
        msgs = []
        for key in rng.sample(list(history), k):
            # Somewhere else in the order: another item's second, with a millisecond part no stream item has.
            other = ordered[rng.randrange(len(ordered))]["initiationTime"]
            new = f"{other[:20]}{rng.randrange(1, 1000):03d}Z"
            if new == history[key]["initiationTime"]:
                continue
            msgs.append({"__type": HISTORY, "isDelta": True,
                         "interactionHistory": [{"interactionId": key, "initiationTime": new}]})
        return timed_loop(cache.apply, msgs) * k / len(msgs)

    def insert() -> float:
        base = inserted[0]
        inserted[0] += k
        # Newer than everything, so each one evicts the oldest item to stay within the bound.
        msgs = [{"__type": HISTORY, "isDelta": True, "interactionHistory": [
            {"interactionId": f"3{base + j:09d}", "initiationTime": stamp(400_000_000 + base + j),
             "remoteName": "New caller", "direction": 1}]} for j in range(k)]
        return timed_loop(cache.apply, msgs)

    def plain_update() -> float:
        keys = rng.sample(list(plain), k)
        gc.collect()
        start = time.perf_counter()
        for j, key in enumerate(keys):
            plain[key].update({"interactionId": key, "notes": f"note {j}"})
        return time.perf_counter() - start

    def latest() -> float:
        return timed_loop(history.latest, [50] * k)

    def between() -> float:
        ordered = history.ordered
        ranges = []
        for _ in range(k):
            i = rng.randrange(len(ordered) - 51)
            ranges.append((ordered[i]["initiationTime"], ordered[i + 50]["initiationTime"]))
        gc.collect()
        start = time.perf_counter()
        for lo, hi in ranges:
            history.between(lo, hi)
        return time.perf_counter() - start

    variants: dict[str, Callable[[], float]] = {
        PLAIN_OP: plain_update,
        "upsert (existing id, same time)": upsert,
        "move (initiationTime changed)": move,
        "insert newest, evicting the oldest": insert,
        "latest(50)": latest,
        "between() spanning 50 items": between,
    }
    medians = interleaved(variants, repeats)
    assert len(history) == size, (len(history), size)
    return {name: seconds / k * 1e6 for name, seconds in medians.items()}


def op_ratios(small: SizePoint, large: SizePoint) -> list[Result]:
    section = f"history store operations, {large.size:,} items against {small.size:,}"
    out = []
    for name, large_us in large.ops.items():
        small_us = small.ops[name]
        out.append(Result(section=section, name=f"{name} at {small.size:,}", value=small_us, unit="µs/op"))
        out.append(Result(section=section, name=f"{name} at {large.size:,}", value=large_us, unit="µs/op",
                          ratio=large_us / small_us, basis=f"{_short(large.size)}/{_short(small.size)}",
                          target=None if name == PLAIN_OP else OPS_TARGET, lower_is_better=True))
    return out


def _short(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)
