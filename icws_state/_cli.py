"""The ``icws-state`` command: replay logs into snapshots, and compare snapshots.

Exit codes: 0 when the logs were read (however many inputs were rejected); 1 when ``--strict`` stopped at an
error (no snapshot is written); 2 for a file that cannot be read or written, a file ``diff`` is given that is not a
snapshot, or bad arguments.

Every command reports a file it cannot use the same way: it raises `CommandError` (``cannot read NAME: reason``,
``cannot write NAME: reason``), and `main` prints ``icws-state COMMAND: ...`` and exits 2. Names are shown with
bytes that are not UTF-8 as ``\\xff``, and anything printed has its surrogates escaped, so no name and no string
of a log can end a command with a traceback.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import stat
import sys
import time
from collections.abc import Sequence
from typing import Any, Protocol

from ._cache import StateCache
from ._errors import IcwsStateError, InvalidMessage, SnapshotError, TransitionAnomaly
from ._files import escape_surrogates, name_problem, shown, write_atomic
from ._replay import replay
from ._snapshot import check_snapshot, dumps
from ._summary import diff_snapshots, summarize

__all__ = [
    "EXIT_OK",
    "EXIT_STRICT",
    "EXIT_USAGE",
    "CommandError",
    "ProgressBar",
    "Stream",
    "cannot",
    "check_readable",
    "main",
    "read_snapshot",
    "write_output",
]

EXIT_OK, EXIT_STRICT, EXIT_USAGE = 0, 1, 2


class Stream(Protocol):
    """What the commands write to: standard output or error (a text stream, or a test's stand-in)."""

    def write(self, s: str, /) -> int: ...

    def flush(self) -> None: ...

    def isatty(self) -> bool: ...


class _Escaping:
    """A stream that writes surrogates as ``\\udcff`` escapes: a lone surrogate in a log, or a file name that is not
    UTF-8, would make a UTF-8 stream raise in the middle of a summary."""

    def __init__(self, stream: Stream) -> None:
        self._stream = stream

    def write(self, s: str, /) -> int:
        return self._stream.write(escape_surrogates(s))

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()


class CommandError(Exception):
    """A command cannot go on: one line for standard error, and exit 2. Raised by every command, printed by `main`."""


def cannot(action: str, path: str | os.PathLike[str], reason: str | OSError) -> CommandError:
    """``cannot <action> <name>: <reason>``, the one shape of every file error; ``reason`` may be the OSError."""
    if isinstance(reason, OSError):
        reason = reason.strerror or str(reason)
    return CommandError(f"cannot {action} {shown(path)}: {reason}")


def check_readable(path: str, what: str = "") -> None:
    """CommandError unless ``path`` can be opened for reading as an input: it must name a file, exist, not be a
    directory, and be readable. A FIFO or a device is read as a stream (``<(cat log)``, ``/dev/stdin``).

    Checked without opening it, so a pipe's writer is not cut off by a test open.
    """
    action = f"read {what}".rstrip()
    problem = name_problem(path)
    if problem is not None:
        raise cannot(action, path, problem)
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        raise cannot(action, path, e) from None
    if stat.S_ISDIR(mode):
        raise cannot(action, path, os.strerror(errno.EISDIR))
    if not os.access(path, os.R_OK):
        raise cannot(action, path, os.strerror(errno.EACCES))


def write_output(path: str, data: bytes) -> None:
    """Write one output file as a whole (`write_atomic`); CommandError naming the file (and directory) if it fails."""
    try:
        write_atomic(path, data)
    except OSError as e:
        raise cannot("write", path, e) from None


class ProgressBar:
    """A one-line progress bar on stderr, drawn only on a terminal, never with ``quiet``, a few times a second.

    Shows a percentage, or ``done/total <unit>`` when given a unit (the batch counts logs, not bytes).
    """

    def __init__(self, label: str, stream: Stream, unit: str | None = None, *, quiet: bool = False) -> None:
        self.label, self.stream, self.unit = label, stream, unit
        self.enabled = not quiet and stream.isatty()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.2 and done < total:
            return
        self._last = now
        frac = done / total if total else 1.0
        bar = "#" * int(frac * 30)
        tail = f"{done}/{total} {self.unit}" if self.unit else f"{frac:6.1%}"
        self.stream.write(f"\r{self.label[-40:]:<40} [{bar:<30}] {tail}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 90 + "\r")
            self.stream.flush()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="icws-state",
        description="Replay recorded ICWS traffic into icws-state/1 snapshots, and compare snapshots.",
        epilog="Exit codes: 0 logs read (rejected inputs are reported, not fatal); 1 --strict stopped at an error; "
               "2 a file that cannot be read or written, not a snapshot, or bad arguments.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    r = sub.add_parser(
        "replay", help="replay logs into a cache; print a summary; write the snapshot",
        description="Replay one or more logs, in order, into one cache. A log is JSON lines (messages, polling "
                    "arrays, HTTP exchange records, HAR captures), a whole-file JSON array, or a HAR capture.",
    )
    r.add_argument("logs", nargs="+", metavar="LOG", help="log files, replayed in the order given")
    r.add_argument("--snapshot", metavar="OUT.json", help="write the icws-state/1 snapshot here")
    r.add_argument("--strict", action="store_true",
                   help="stop at the first rejected input or anomaly, print it with its line, exit 1, write nothing")
    r.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors (no progress bar either)")
    d = sub.add_parser("diff", help="show what differs between two snapshots",
                       description="Compare two icws-state/1 snapshots part by part; exit 0 when equal, 1 when not.")
    d.add_argument("a", metavar="A.json")
    d.add_argument("b", metavar="B.json")
    _add_extensions(sub)
    return p


def _add_extensions(sub: Any) -> None:
    """Commands that live in their own modules register here (batch, report, scrub)."""
    try:
        from ._batch_cli import add_batch_command
    except ImportError:
        pass
    else:
        add_batch_command(sub)
    try:
        from ._report_cli import add_report_command
    except ImportError:
        pass
    else:
        add_report_command(sub)
    try:
        from ._scrub_cli import add_scrub_command
    except ImportError:
        pass
    else:
        add_scrub_command(sub)


def _replay(args: argparse.Namespace, out: Stream, err: Stream) -> int:
    for path in args.logs:
        check_readable(path)
    progress = ProgressBar(", ".join(shown(p) for p in args.logs), err, quiet=args.quiet)
    cache = StateCache(strict=args.strict)
    started = time.perf_counter()
    try:
        replay(args.logs, cache=cache, progress=progress)
    except OSError as e:
        progress.close()
        # A failed open names its file; a failed read or seek may not, and then it is the log (or one of them).
        name = e.filename if e.filename is not None else ", ".join(args.logs)
        raise cannot("read", name, e) from None
    except InvalidMessage as e:
        progress.close()
        err.write(f"icws-state replay: --strict: line {e.line}: {e.reason}\n")
        return EXIT_STRICT
    except TransitionAnomaly as e:
        progress.close()
        err.write(f"icws-state replay: --strict: {e}\n")
        return EXIT_STRICT
    except IcwsStateError as e:  # pragma: no cover - every raised error is one of the above
        progress.close()
        err.write(f"icws-state replay: --strict: {e}\n")
        return EXIT_STRICT
    progress.close()
    seconds = time.perf_counter() - started
    snapshot = cache.snapshot()
    if args.snapshot:
        write_output(args.snapshot, dumps(snapshot))
    if not args.quiet:
        out.write(summarize(snapshot, seconds=seconds))
        if args.snapshot:
            out.write(f"snapshot written to {shown(args.snapshot)}\n")
    return EXIT_OK


def read_snapshot(path: str) -> dict[str, Any]:
    """The snapshot in the file at ``path``, checked for the format's shape; CommandError saying why it is not one."""
    check_readable(path, "snapshot")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise cannot("read snapshot", path, e) from None
    try:
        snapshot = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise cannot("read snapshot", path, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    except ValueError as e:
        raise cannot("read snapshot", path, f"not JSON ({e})") from None
    except RecursionError:
        raise cannot("read snapshot", path, "not an icws-state/1 snapshot: JSON nested too deeply") from None
    try:
        check_snapshot(snapshot)
    except SnapshotError as e:
        raise cannot("read snapshot", path, str(e)) from None
    return dict(snapshot)


def _diff(args: argparse.Namespace, out: Stream, err: Stream) -> int:
    a, b = read_snapshot(args.a), read_snapshot(args.b)
    lines = diff_snapshots(a, b)
    if not lines:
        out.write("snapshots are equal\n")
        return EXIT_OK
    out.write("\n".join(lines) + "\n")
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out, err = _Escaping(sys.stdout), _Escaping(sys.stderr)
    try:
        if args.command == "replay":
            return _replay(args, out, err)
        if args.command == "diff":
            return _diff(args, out, err)
        handler = getattr(args, "handler", None)
        if handler is None:  # pragma: no cover - argparse requires a command
            return EXIT_USAGE
        return int(handler(args, out, err))
    except CommandError as e:
        err.write(f"icws-state {args.command}: {e}\n")
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    # Run the package's own module, not this __main__ copy: the commands raise icws_state._cli.CommandError.
    from icws_state._cli import main as _main

    sys.exit(_main())
