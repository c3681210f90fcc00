"""``icws-state batch``: replay a whole archive of logs, one snapshot each, and a summary."""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import os
import time

from .._files import shown
from .._tools.batch import run_batch
from ._common import EXIT_OK, CommandError, ProgressBar, Stream, Subparsers, cannot

__all__ = ["NAME", "add_parser", "run"]

NAME = "batch"
#: Seconds to wait for the dask scheduler to answer.
DASK_TIMEOUT = 30


def add_parser(subparsers: Subparsers) -> None:
    """Register ``batch`` on the ``icws-state`` sub-command table."""
    b = subparsers.add_parser(
        NAME,
        help="replay many logs, each on its own, in parallel; write snapshots and a summary",
        description="Replay every log (a directory stands for every regular file in it, not recursively) into "
        "its own cache, in parallel. Writes OUT/<log>.snapshot.json per log and OUT/summary.jsonl and "
        "OUT/summary.csv. A log whose snapshot is newer than the log is skipped unless --force.",
        epilog="Exit codes: 0 the batch ran (failed logs are rows of the summary, not errors); 2 bad "
        "arguments, or the output directory or the cluster could not be used.",
    )
    b.add_argument("logs", nargs="+", metavar="LOG_OR_DIR", help="log files and directories of logs")
    b.add_argument("--out", required=True, metavar="DIR", help="where snapshots and the summary are written")
    b.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: one per CPU)")
    b.add_argument(
        "--dask",
        metavar="tcp://HOST:8786",
        help="run on this dask.distributed scheduler (needs icws-state[dask] and a filesystem the "
        "workers share with this machine)",
    )
    b.add_argument("--force", action="store_true", help="replay every log, even when its snapshot is newer")


def _check_arguments(args: argparse.Namespace) -> None:
    if args.jobs is not None and args.jobs < 1:
        raise CommandError("--jobs must be at least 1")
    if args.jobs is not None and args.dask:
        raise CommandError("--jobs and --dask do not go together (the cluster has its own workers)")


def _dask_executor(address: str, stack: contextlib.ExitStack) -> cf.Executor:
    """An executor on the dask.distributed scheduler at ``address``, its client closed with ``stack``."""
    try:
        from distributed import Client
    except ImportError:
        raise CommandError("--dask needs dask.distributed: pip install 'icws-state[dask]'") from None
    try:
        client = stack.enter_context(Client(address, timeout=DASK_TIMEOUT))  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as e:
        raise CommandError(f"cannot reach the dask scheduler at {address}: {e}") from None
    executor: cf.Executor = client.get_executor()
    return executor


def run(args: argparse.Namespace, out: Stream, err: Stream) -> int:
    """Run the batch and print its totals, failed logs and left-out entries; `EXIT_OK` whatever the logs held."""
    _check_arguments(args)
    try:
        os.makedirs(args.out, exist_ok=True)
    except (OSError, ValueError) as e:
        raise cannot("create", args.out, e if isinstance(e, OSError) else str(e)) from None
    left_out: list[tuple[str, str]] = []
    with contextlib.ExitStack() as stack:
        executor = _dask_executor(args.dask, stack) if args.dask else None
        started = time.perf_counter()
        try:
            with ProgressBar("batch", err, unit="logs") as bar:
                rows = run_batch(
                    args.logs, args.out, executor=executor, jobs=args.jobs, force=args.force, progress=bar,
                    on_not_a_log=lambda path, kind: left_out.append((path, kind)),
                )
        except OSError as e:
            raise cannot("write to", args.out, e) from None
    seconds = time.perf_counter() - started
    failed = [r for r in rows if r.error]
    skipped = sum(r.skipped for r in rows)
    messages = sum(r.messages or 0 for r in rows if not r.skipped)
    out.write(
        f"{len(rows)} logs: {len(rows) - skipped - len(failed)} replayed, {skipped} skipped, "
        f"{len(failed)} failed; {messages} messages in {seconds:.2f}s\n"
    )
    for r in failed:
        out.write(f"  failed: {shown(r.log)}: {r.error}\n")
    for path, kind in left_out:
        out.write(f"  left out: {shown(path)}: {kind}, not a log (only regular files are)\n")
    out.write(f"summary written to {shown(os.path.join(args.out, 'summary.csv'))} and summary.jsonl\n")
    return EXIT_OK
