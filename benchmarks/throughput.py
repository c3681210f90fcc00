"""Message throughput: `StateCache.apply` against the floor and the typed design, and replay against decoding.

Every variant runs on a fresh deep copy of the same generated stream in every round, because ``apply`` may keep
references to the dicts it is given and a second pass over mutated input would measure something else.
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

from icws_state import StateCache, _json, replay

from .floor import Floor
from .results import Result, cold_start, interleaved
from .streams import Blob
from .typed import TypedReducer

__all__ = ["APPLY_STRETCH", "APPLY_TARGET", "REPLAY_TARGET", "replay_section", "stream_section"]

APPLY_TARGET, APPLY_STRETCH = 0.33, 0.6
REPLAY_TARGET = 0.5

try:
    import orjson

    HAVE_ORJSON = True
except ImportError:  # pragma: no cover - orjson is an optional extra
    HAVE_ORJSON = False


def _noop(event: object) -> None:
    """The cheapest listener: what attaching one costs is building and delivering the events."""


def _time_messages(run: Callable[[list[dict[str, Any]]], object], blob: Blob) -> Callable[[], float]:
    def once() -> float:
        messages = blob.fresh()
        cold_start()
        start = time.perf_counter()
        run(messages)
        return time.perf_counter() - start

    return once


def _apply_runner(strict: bool, listener: bool, changes: bool = False) -> Callable[[list[dict[str, Any]]], object]:
    def run(messages: list[dict[str, Any]]) -> None:
        cache = StateCache(strict=strict, changes=changes)
        if listener:
            cache.add_listener(_noop)
        apply = cache.apply
        for m in messages:
            apply(m)

    return run


def stream_section(label: str, blob: Blob, repeats: int, typed: bool = True) -> list[Result]:
    """The floor, ``apply`` lenient/strict with and without a listener, lenient recording changes, and
    (optionally) the typed design."""
    variants: dict[str, Callable[[], float]] = {"floor": _time_messages(lambda ms: Floor().run(ms), blob)}
    for strict in (False, True):
        for listener in (False, True):
            name = f"apply {'strict' if strict else 'lenient'}{' + listener' if listener else ''}"
            variants[name] = _time_messages(_apply_runner(strict, listener), blob)
    # What asking for the events costs (copy-on-write, a journal, a `Changes` per call), with no listener to call.
    variants["apply lenient, changes=True"] = _time_messages(_apply_runner(False, False, changes=True), blob)
    if typed:
        variants["typed (attrs + cattrs)"] = _time_messages(lambda ms: TypedReducer().run(ms), blob)
    medians = interleaved(variants, repeats)
    floor = medians["floor"]
    section = f"{label} stream ({blob.count:,} messages)"
    out = [Result(section=section, name="floor (dispatch + plain dicts)", value=blob.count / floor, unit="msgs/s",
                  ratio=1.0, basis="of floor")]
    for name, seconds in medians.items():
        if name == "floor":
            continue
        # The target is for apply as shipped (validation on, no listener); the others are shown for scale.
        gated = name in ("apply lenient", "apply strict")
        out.append(Result(section=section, name=name, value=blob.count / seconds, unit="msgs/s",
                          ratio=floor / seconds, basis="of floor",
                          target=APPLY_TARGET if gated else None, stretch=APPLY_STRETCH if gated else None))
    return out


def _decode_only(path: str, loads: Callable[[bytes], Any]) -> Callable[[], float]:
    def once() -> float:
        gc.collect()
        start = time.perf_counter()
        with open(path, "rb") as f:
            for line in f:
                loads(line)
        return time.perf_counter() - start

    return once


def _replay_with(path: str, orjson: bool) -> Callable[[], float]:
    def once() -> float:
        cold_start()
        start = time.perf_counter()
        if orjson:
            replay(path)
        else:
            # The library's own reading without orjson, for this pass only: as it runs where orjson is not
            # installed. (The module's switch, not its function: compiled modules call `decode_json` directly.)
            with mock.patch.object(_json, "_orjson", None):
                replay(path)
        return time.perf_counter() - start

    return once


def replay_section(blob: Blob, repeats: int) -> list[Result]:
    """``icws_state.replay`` of a JSON-lines file against reading and decoding each line, per decoder."""
    section = f"replay of a JSON-lines file ({blob.count:,} lines)"
    fd, path = tempfile.mkstemp(suffix=".jsonl", prefix="icws-bench-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for m in blob.fresh():
                f.write(json.dumps(m, separators=(",", ":")))
                f.write("\n")
        variants: dict[str, Callable[[], float]] = {
            "decode json": _decode_only(path, json.loads),
            "replay json": _replay_with(path, orjson=False),
        }
        if HAVE_ORJSON:
            variants["decode orjson"] = _decode_only(path, orjson.loads)
            variants["replay orjson"] = _replay_with(path, orjson=True)
        medians = interleaved(variants, repeats)
    finally:
        os.unlink(path)
    out: list[Result] = []
    for decoder in ("json", "orjson"):
        if f"decode {decoder}" not in medians:
            continue
        decode, end_to_end = medians[f"decode {decoder}"], medians[f"replay {decoder}"]
        out.append(Result(section=section, name=f"decode only ({decoder}.loads per line)",
                          value=blob.count / decode, unit="lines/s", ratio=1.0, basis="of decode"))
        out.append(Result(section=section, name=f"replay() end to end ({decoder})", value=blob.count / end_to_end,
                          unit="lines/s", ratio=decode / end_to_end, basis="of decode", target=REPLAY_TARGET))
    return out
