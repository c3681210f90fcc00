"""``icws-state replay``: logs replayed, in order, into one cache; a summary printed and the snapshot written."""

from __future__ import annotations

import argparse
import time

from .._cache import StateCache
from .._errors import IcwsStateError, InvalidMessage
from .._files import shown
from .._replay import replay
from .._snapshot import dumps
from .._summary import summarize
from ._common import (
    EXIT_OK,
    EXIT_STRICT,
    ProgressBar,
    Stream,
    Subparsers,
    cannot,
    check_readable,
    write_error,
    write_output,
)

__all__ = ["NAME", "add_parser", "run"]

NAME = "replay"


def add_parser(subparsers: Subparsers) -> None:
    """Register ``replay`` on the ``icws-state`` sub-command table."""
    r = subparsers.add_parser(
        NAME, help="replay logs into a cache; print a summary; write the snapshot",
        description="Replay one or more logs, in order, into one cache. A log is JSON lines (messages, polling "
                    "arrays, HTTP exchange records, HAR captures), a whole-file JSON array, or a HAR capture.",
    )
    r.add_argument("logs", nargs="+", metavar="LOG", help="log files, replayed in the order given")
    r.add_argument("--snapshot", metavar="OUT.json", help="write the icws-state/1 snapshot here")
    r.add_argument("--strict", action="store_true",
                   help="stop at the first rejected input or anomaly, print it with its line, exit 1, write nothing")
    r.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors (no progress bar either)")


def run(args: argparse.Namespace, out: Stream, err: Stream) -> int:
    """Replay ``args.logs``; `EXIT_STRICT` when ``--strict`` stopped at an error, else `EXIT_OK`."""
    for path in args.logs:
        check_readable(path)
    cache = StateCache(strict=args.strict)
    started = time.perf_counter()
    try:
        with ProgressBar(", ".join(shown(p) for p in args.logs), err, quiet=args.quiet) as progress:
            replay(args.logs, cache=cache, progress=progress)
    except OSError as e:
        # A failed open names its file; a failed read or seek may not, and then it is the log (or one of them).
        name = e.filename if e.filename is not None else ", ".join(args.logs)
        raise cannot("read", name, e) from None
    except IcwsStateError as e:  # only --strict raises: an InvalidMessage or a TransitionAnomaly
        reason = f"line {e.line}: {e.reason}" if isinstance(e, InvalidMessage) else str(e)
        write_error(err, NAME, f"--strict: {reason}")
        return EXIT_STRICT
    seconds = time.perf_counter() - started
    snapshot = cache.snapshot()
    if args.snapshot:
        write_output(args.snapshot, dumps(snapshot))
    if not args.quiet:
        out.write(summarize(snapshot, seconds=seconds))
        if args.snapshot:
            out.write(f"snapshot written to {shown(args.snapshot)}\n")
    return EXIT_OK
