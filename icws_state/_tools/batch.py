"""Archive-scale replay: many logs, each replayed on its own, in parallel, with one summary.

Theory of operation. A log is the unit of work: each one is replayed into a fresh cache by `_replay_one`, a
top-level function (so any executor can pickle it) that writes the log's snapshot to ``out_dir`` itself and
returns only a small `BatchRow`. The driver (`run_batch`) never holds a cache; it expands directories, picks
each log's output name, skips logs whose snapshot is already newer than the log, hands the rest to an executor
and writes ``summary.jsonl`` and ``summary.csv`` with the rows in input order. Any executor works:
``ProcessPoolExecutor`` on one machine, ``distributed.Client(...).get_executor()`` on a cluster, an inline one
in tests; the workers need to see the logs and ``out_dir`` at the same paths (a shared filesystem).

A log that cannot be read, or whose replay fails in any way, becomes a row with ``error`` set; the batch goes
on. Only regular files are logs: a FIFO, socket or device found in a directory is left out (and reported through
``on_not_a_log``), since opening a FIFO with no writer would wait forever. Every file is written by `write_atomic`
(a random temporary name, renamed into place), and names that are not UTF-8 are written with escapes, so neither a
planted symbolic link nor an odd file name can make the batch write outside ``out_dir`` or lose its summary.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import hashlib
import io
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from .._files import escape_surrogates, shown, write_atomic
from .._replay import replay
from .._snapshot import dumps

__all__ = [
    "SUMMARY_COLUMNS",
    "BatchRow",
    "SequentialExecutor",
    "expand_logs",
    "output_names",
    "run_batch",
    "subscription_summary",
]

#: Columns of ``summary.csv`` and keys of each ``summary.jsonl`` object, in order.
SUMMARY_COLUMNS = (
    "log",
    "snapshot",
    "messages",
    "applied",
    "rejected",
    "anomalies",
    "subscriptions",
    "sessionEnded",
    "seconds",
    "skipped",
    "error",
)

_SNAPSHOT_SUFFIX = ".snapshot.json"
_ROW_SUFFIX = ".row.json"  # the row beside its snapshot: what a skipped log's summary row is read back from
_OUTPUT_NAMES = ("summary.jsonl", "summary.csv")

BatchProgress = Callable[[int, int], object]
#: Called with the path and kind (``"a FIFO"``) of each directory entry left out because it is not a regular file.
NotALog = Callable[[str, str], object]


@attrs.frozen(kw_only=True)
class BatchRow:
    """One log's line of the batch summary. Picklable and small: it is what a worker sends back."""

    #: The log's path, as given (or as found in a given directory).
    log: str
    #: The snapshot's file name inside ``out_dir``; None when the log failed.
    snapshot: str | None = None
    messages: int | None = None
    applied: int | None = None
    rejected: int | None = None
    #: Anomaly events seen during replay; None for a skipped log whose earlier row is lost.
    anomalies: int | None = None
    #: Final state of every subscription: path -> state name, plus ``+closed`` / ``+stale`` when set.
    subscriptions: dict[str, str] = attrs.field(factory=dict)
    session_ended: bool | None = None
    seconds: float = 0.0
    #: The snapshot was already newer than the log; the row was read back, nothing was replayed.
    skipped: bool = False
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The row as one ``summary.jsonl`` object, keyed by `SUMMARY_COLUMNS`."""
        return {
            "log": self.log,
            "snapshot": self.snapshot,
            "messages": self.messages,
            "applied": self.applied,
            "rejected": self.rejected,
            "anomalies": self.anomalies,
            "subscriptions": dict(self.subscriptions),
            "sessionEnded": self.session_ended,
            "seconds": round(self.seconds, 6),
            "skipped": self.skipped,
            "error": self.error,
        }

    def to_csv(self) -> list[str]:
        """The row as ``summary.csv`` cells; subscriptions as ``path=state;...`` (sorted by path)."""
        d = self.to_json()
        d["subscriptions"] = ";".join(f"{p}={s}" for p, s in sorted(self.subscriptions.items()))
        return [
            "" if d[c] is None else str(d[c]).lower() if isinstance(d[c], bool) else str(d[c])
            for c in SUMMARY_COLUMNS
        ]


class SequentialExecutor(cf.Executor):
    """Runs each task at once, in the calling thread: no pickling, no processes (debugging, baselines)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as e:
            future.set_exception(e)
        return future


def subscription_summary(subscriptions: dict[str, Any]) -> dict[str, str]:
    """``{path: "state[+closed][+stale]"}`` from a snapshot's ``subscriptions`` part."""
    out = {}
    for path, s in sorted(subscriptions.items()):
        text = str(s["state"])
        for flag in ("closed", "stale"):
            if s.get(flag):
                text += "+" + flag
        out[path] = text
    return out


def expand_logs(
    logs: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str] | None = None,
    on_not_a_log: NotALog | None = None,
) -> list[str]:
    """The logs to replay: files as given, directories as every regular file in them (sorted, not recursive).

    Subdirectories are left out, so an output directory inside a log directory is never read back as logs; in
    ``out_dir`` itself our own outputs (and temporary files) are left out. A FIFO, socket or device in a directory
    is left out too, and passed to ``on_not_a_log``: reading one could wait forever. A path given twice is replayed
    once (its first place). A path that does not exist (or a dangling link in a directory) is kept: it becomes an
    error row. A path given by name is kept whatever it is (a FIFO given by name is read as a stream).
    """
    out_real = os.path.realpath(out_dir) if out_dir is not None else None
    found: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    for item in logs:
        path = os.fspath(item)
        if os.path.isdir(path):
            ours = out_real is not None and os.path.realpath(path) == out_real
            for name in sorted(os.listdir(path)):
                full = os.path.join(path, name)
                if ours and (name in _OUTPUT_NAMES or name.endswith((_SNAPSHOT_SUFFIX, _ROW_SUFFIX))
                             or (name.startswith(".") and name.endswith(".tmp"))):
                    continue
                kind = _entry_kind(full)
                if kind == "a directory":
                    continue
                if kind is not None:
                    if on_not_a_log is not None:
                        on_not_a_log(full, kind)
                    continue
                add(full)
        else:
            add(path)
    return found


def _entry_kind(path: str) -> str | None:
    """None for a regular file (or a name that does not resolve: an error row); else what the entry is."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"  # pragma: no cover - no other kind of file on the systems we run on


def output_names(logs: Sequence[str]) -> list[str]:
    """Each log's output stem: its file name, plus a hash of its absolute path when another log shares it.

    Deterministic for a given set of logs; a log's name only changes when a same-named log joins or leaves.
    """
    bases = [os.path.basename(log) or "log" for log in logs]
    counts: dict[str, int] = {}
    for base in bases:
        counts[base] = counts.get(base, 0) + 1
    names = []
    for log, base in zip(logs, bases, strict=True):
        if counts[base] > 1:
            digest = hashlib.sha256(os.path.abspath(log).encode("utf-8", "surrogateescape")).hexdigest()[:10]
            base = f"{base}-{digest}"
        names.append(base)
    return names


@attrs.frozen
class _Task:
    log: str
    out_dir: str
    name: str


def _json_line(value: Any) -> bytes:
    """One JSON object as UTF-8: text as it is, surrogates (names that are not UTF-8) as ``\\udcff`` escapes."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "backslashreplace")


def _row(log: str, name: str, snap: dict[str, Any], *, anomalies: int | None, seconds: float,
         skipped: bool = False) -> BatchRow:
    """A log's row, from its snapshot (``name`` is the log's output stem)."""
    stats = snap["stats"]
    return BatchRow(
        log=log,
        snapshot=name + _SNAPSHOT_SUFFIX,
        messages=stats["messages"],
        applied=stats["applied"],
        rejected=stats["rejected"],
        anomalies=anomalies,
        subscriptions=subscription_summary(snap["subscriptions"]),
        session_ended=bool(snap["sessionEnded"]),
        seconds=seconds,
        skipped=skipped,
    )


def _failed(task: _Task, started: float, error: str) -> BatchRow:
    return BatchRow(log=task.log, seconds=time.perf_counter() - started, error=error)


def _replay_one(task: _Task) -> BatchRow:
    """Replay one log into a new cache; write its snapshot (and row) to ``out_dir``; return the row.

    Runs in a worker: top-level and picklable, and it never raises, so a bad log is a row, not a lost future.
    """
    started = time.perf_counter()
    try:
        cache = replay(task.log)
    except OSError as e:
        return _failed(task, started, f"cannot read: {e.strerror or e}")
    except Exception as e:  # any failure of one log is that log's row, never the end of the batch
        return _failed(task, started, f"{type(e).__name__}: {e}")
    try:
        # Each Anomaly event is a transition recorded with allowed=False; counting those afterwards costs
        # nothing per input, where a listener would make the cache build every event (a fifth of replay time).
        anomalies = sum(s.anomaly_count for s in cache.subscriptions.values())
        snap = cache.snapshot()
        data = dumps(snap)
        row = _row(task.log, task.name, snap, anomalies=anomalies, seconds=time.perf_counter() - started)
        base = os.path.join(task.out_dir, task.name)
        # The row first, the snapshot last: a present, fresh snapshot means both are complete.
        write_atomic(base + _ROW_SUFFIX, json.dumps(row.to_json(), sort_keys=True).encode() + b"\n")
        write_atomic(base + _SNAPSHOT_SUFFIX, data)
        return row
    except OSError as e:
        return _failed(task, started, f"cannot write: {e.strerror or e}")
    except Exception as e:
        return _failed(task, started, f"{type(e).__name__}: {e}")


def _skipped_row(log: str, out_dir: str, name: str) -> BatchRow | None:
    """The row of a log whose snapshot is newer than the log, read back from disk; None to replay it."""
    base = os.path.join(out_dir, name)
    try:
        if os.stat(base + _SNAPSHOT_SUFFIX).st_mtime_ns <= os.stat(log).st_mtime_ns:
            return None
        with open(base + _SNAPSHOT_SUFFIX, encoding="utf-8") as f:
            row = _row(log, name, json.load(f), anomalies=None, seconds=0.0, skipped=True)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None  # no usable earlier snapshot: replay the log
    try:
        with open(base + _ROW_SUFFIX, encoding="utf-8") as f:
            return attrs.evolve(row, anomalies=json.load(f).get("anomalies"))
    except (OSError, ValueError, AttributeError, RecursionError):
        return row  # the earlier row is lost: its anomaly count is unknown


def write_summary(rows: Sequence[BatchRow], out_dir: str | os.PathLike[str]) -> None:
    """``summary.jsonl`` (one object per row) and ``summary.csv`` (a header, then one line per row).

    Both are UTF-8. In the JSON a name that is not UTF-8 keeps its undecodable bytes as ``\\udcff`` escapes (read
    back, ``os.fsencode`` gives the name again); the CSV shows them as ``\\xff``, as the command's output does.
    """
    out = os.fspath(out_dir)
    lines = [_json_line(r.to_json()) for r in rows]
    write_atomic(os.path.join(out, "summary.jsonl"), b"".join(line + b"\n" for line in lines))
    text = io.StringIO(newline="")
    w = csv.writer(text)
    w.writerow(SUMMARY_COLUMNS)
    for r in rows:
        cells = r.to_csv()
        cells[0] = shown(r.log)
        if r.snapshot is not None:
            cells[1] = shown(r.snapshot)
        w.writerow([escape_surrogates(c) for c in cells])
    write_atomic(os.path.join(out, "summary.csv"), text.getvalue().encode("utf-8"))


def run_batch(
    logs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    executor: cf.Executor | None = None,
    jobs: int | None = None,
    force: bool = False,
    progress: BatchProgress | None = None,
    on_not_a_log: NotALog | None = None,
) -> list[BatchRow]:
    """Replay every log (directories expanded) on its own; write snapshots and the summary to ``out_dir``.

    ``executor`` runs the replays (the default is a ``ProcessPoolExecutor`` of ``jobs`` workers, all CPUs
    when None, shut down before returning; a given executor is left open). Without ``force``, a log whose
    snapshot is newer than the log is not replayed: its row is read back and marked ``skipped``.
    ``progress(done, total)`` is called as logs finish. Rows are returned (and written) in input order,
    whatever order they finished in. ``on_not_a_log(path, kind)`` hears of each FIFO, socket or device found in a
    directory and left out.
    """
    out = os.fspath(out_dir)
    os.makedirs(out, exist_ok=True)
    paths = expand_logs(logs, out, on_not_a_log)
    names = output_names(paths)
    rows = [None if force else _skipped_row(log, out, name) for log, name in zip(paths, names, strict=True)]
    tasks = {i: _Task(paths[i], out, names[i]) for i, row in enumerate(rows) if row is None}
    total, done = len(paths), len(paths) - len(tasks)
    if progress is not None:
        progress(done, total)

    def finished(i: int, row: BatchRow) -> None:
        nonlocal done
        rows[i] = row
        done += 1
        if progress is not None:
            progress(done, total)

    if tasks:
        own = executor is None
        ex = cf.ProcessPoolExecutor(max_workers=jobs or os.cpu_count()) if executor is None else executor
        try:
            _replay_on(ex, tasks, finished)
        finally:
            if own:
                ex.shutdown(wait=True, cancel_futures=True)
    result = [r for r in rows if r is not None]
    write_summary(result, out)
    return result


def _replay_on(executor: cf.Executor, tasks: dict[int, _Task], finished: Callable[[int, BatchRow], None]) -> None:
    """Replay each task on ``executor``, in order; ``finished(index, row)`` as each one ends, in any order."""
    futures = {executor.submit(_replay_one, task): i for i, task in tasks.items()}
    for future in cf.as_completed(futures):
        i = futures[future]
        try:
            row = future.result()
        except Exception as e:  # the worker itself died (a killed process, a lost cluster worker)
            row = BatchRow(log=tasks[i].log, error=f"worker failed: {type(e).__name__}: {e}")
        finished(i, row)
