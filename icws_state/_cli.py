"""The ``icws-state`` command: replay logs into snapshots, and compare snapshots.

Exit codes: 0 when the logs were read (however many inputs were rejected); 1 when ``--strict`` stopped at an
error (no snapshot is written); 2 for an unreadable file or bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from ._cache import StateCache
from ._errors import IcwsStateError, InvalidMessage, TransitionAnomaly
from ._replay import replay
from ._snapshot import dumps
from ._summary import diff_snapshots, summarize

__all__ = ["EXIT_OK", "EXIT_STRICT", "EXIT_USAGE", "ProgressBar", "main"]

EXIT_OK, EXIT_STRICT, EXIT_USAGE = 0, 1, 2


class ProgressBar:
    """A one-line progress bar on stderr, drawn only on a terminal and at most a few times a second.

    Shows a percentage, or ``done/total <unit>`` when given a unit (the batch counts logs, not bytes).
    """

    def __init__(self, label: str, stream: TextIO, unit: str | None = None) -> None:
        self.label, self.stream, self.unit = label, stream, unit
        self.enabled = stream.isatty()
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
               "2 unreadable file or bad arguments.",
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
    r.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    d = sub.add_parser("diff", help="show what differs between two snapshots",
                       description="Compare two icws-state/1 snapshots part by part; exit 0 when equal, 1 when not.")
    d.add_argument("a", metavar="A.json")
    d.add_argument("b", metavar="B.json")
    _add_extensions(sub)
    return p


def _add_extensions(sub: Any) -> None:
    """Commands that live in their own modules register here (batch, report)."""
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


def _replay(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    for path in args.logs:
        if not os.path.isfile(path) or not os.access(path, os.R_OK):
            err.write(f"icws-state: cannot read {path}: no such readable file\n")
            return EXIT_USAGE
    progress = ProgressBar(", ".join(args.logs), err)
    cache = StateCache(strict=args.strict)
    started = time.perf_counter()
    try:
        replay(args.logs, cache=cache, progress=progress)
    except OSError as e:
        progress.close()
        err.write(f"icws-state: cannot read {e.filename or ''}: {e.strerror or e}\n")
        return EXIT_USAGE
    except InvalidMessage as e:
        progress.close()
        err.write(f"icws-state: --strict: line {e.line}: {e.reason}\n")
        return EXIT_STRICT
    except TransitionAnomaly as e:
        progress.close()
        err.write(f"icws-state: --strict: {e}\n")
        return EXIT_STRICT
    except IcwsStateError as e:  # pragma: no cover - every raised error is one of the above
        progress.close()
        err.write(f"icws-state: --strict: {e}\n")
        return EXIT_STRICT
    progress.close()
    seconds = time.perf_counter() - started
    snapshot = cache.snapshot()
    if args.snapshot:
        try:
            with open(args.snapshot, "wb") as f:
                f.write(dumps(snapshot))
        except OSError as e:
            err.write(f"icws-state: cannot write {args.snapshot}: {e.strerror or e}\n")
            return EXIT_USAGE
    if not args.quiet:
        out.write(summarize(snapshot, seconds=seconds))
        if args.snapshot:
            out.write(f"snapshot written to {args.snapshot}\n")
    return EXIT_OK


def _diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    snaps = []
    for path in (args.a, args.b):
        try:
            with open(path, encoding="utf-8") as f:
                snaps.append(json.load(f))
        except (OSError, ValueError) as e:
            err.write(f"icws-state: cannot read snapshot {path}: {e}\n")
            return EXIT_USAGE
    lines = diff_snapshots(snaps[0], snaps[1])
    if not lines:
        out.write("snapshots are equal\n")
        return EXIT_OK
    out.write("\n".join(lines) + "\n")
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out, err = sys.stdout, sys.stderr
    if args.command == "replay":
        return _replay(args, out, err)
    if args.command == "diff":
        return _diff(args, out, err)
    handler = getattr(args, "handler", None)
    if handler is not None:
        return int(handler(args, out, err))
    return EXIT_USAGE  # pragma: no cover - argparse requires a command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
