"""Replay: log inputs fed into a cache, in order, with their line numbers.

This is the only place that connects the log reader (`_logs`) to the cache. It sets the cache's notion of the
current input's line and source so that rejected inputs carry them, and hands each input to the matching entry
point: a message to ``apply``, an array to ``apply_batch``, an exchange to ``record_response``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from ._cache import StateCache
from ._changes import Changes
from ._logs import InputKind, LogInput, ProgressFn, read_log

__all__ = ["feed", "replay"]


def feed(cache: StateCache, entry: LogInput, source: str | None = None) -> Changes:
    """Apply one log input to ``cache``; its rejected inputs get ``entry.line`` (and ``source``, when given)."""
    cache.set_position(entry.line, source)
    try:
        kind = entry.kind
        if kind is InputKind.MESSAGE:
            return cache.apply(entry.value)
        if kind is InputKind.BATCH:
            return cache.apply_batch(entry.value)
        if kind is InputKind.EXCHANGE:
            return cache.record_exchange(entry.value)
        return cache.reject(entry.value, entry.reason or "unreadable input")
    finally:
        cache.set_position(None)


def replay(
    logs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    cache: StateCache | None = None,
    strict: bool = False,
    progress: ProgressFn | None = None,
    on_input: Callable[[LogInput, Changes], object] | None = None,
) -> StateCache:
    """Replay one log, or several in order, into ``cache`` (a new one by default) and return it.

    With several logs each rejected input also records its log's path as ``source``. ``on_input`` sees every
    input with the changes it caused (reports use it). OSError if a log cannot be opened; in strict mode the
    first rejected input raises `InvalidMessage` (with its line) and the first anomaly `TransitionAnomaly`.
    """
    paths = [logs] if isinstance(logs, (str, os.PathLike)) else list(logs)
    if cache is None:
        cache = StateCache(strict=strict)
    several = len(paths) > 1
    for p in paths:
        source = os.fspath(p) if several else None
        try:
            for entry in read_log(p, progress=progress):
                changes = feed(cache, entry, source)
                if on_input is not None:
                    on_input(entry, changes)
        except OSError as e:
            if e.filename is None:  # a failure while reading, not opening: say which log it was
                e.filename = os.fspath(p)
            raise
    return cache

