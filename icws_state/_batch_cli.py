"""``icws-state batch``: replay a whole archive of logs, one snapshot each, and a summary."""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import os
import time
from typing import Any, TextIO

from ._batch import run_batch
from ._cli import EXIT_OK, EXIT_USAGE, ProgressBar

__all__ = ["add_batch_command"]



def add_batch_command(subparsers: Any) -> None:
    """Register ``batch`` on the ``icws-state`` sub-command parser."""
    b = subparsers.add_parser(
        "batch",
        help="replay many logs, each on its own, in parallel; write snapshots and a summary",
        description="Replay every log (a directory stands for every file in it, not recursively) into its "
        "own cache, in parallel. Writes OUT/<log>.snapshot.json per log and OUT/summary.jsonl and "
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
    b.set_defaults(handler=_run)


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.jobs is not None and args.jobs < 1:
        err.write("icws-state batch: --jobs must be at least 1\n")
        return EXIT_USAGE
    if args.jobs is not None and args.dask:
        err.write(
            "icws-state batch: --jobs and --dask do not go together (the cluster has its own workers)\n"
        )
        return EXIT_USAGE
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as e:
        err.write(f"icws-state batch: cannot create {args.out}: {e.strerror or e}\n")
        return EXIT_USAGE
    with contextlib.ExitStack() as stack:
        executor: cf.Executor | None = None
        if args.dask:
            try:
                from distributed import Client
            except ImportError:
                err.write("icws-state batch: --dask needs dask.distributed: pip install 'icws-state[dask]'\n")
                return EXIT_USAGE
            try:
                client = stack.enter_context(Client(args.dask, timeout=30))  # type: ignore[no-untyped-call]
            except (OSError, TimeoutError, ValueError) as e:
                err.write(f"icws-state batch: cannot reach the dask scheduler at {args.dask}: {e}\n")
                return EXIT_USAGE
            executor = client.get_executor()
        bar = ProgressBar("batch", err, unit="logs")
        started = time.perf_counter()
        try:
            rows = run_batch(
                args.logs, args.out, executor=executor, jobs=args.jobs, force=args.force, progress=bar
            )
        except OSError as e:
            bar.close()
            err.write(f"icws-state batch: cannot write to {args.out}: {e.strerror or e}\n")
            return EXIT_USAGE
        bar.close()
    seconds = time.perf_counter() - started
    failed = [r for r in rows if r.error]
    skipped = sum(r.skipped for r in rows)
    messages = sum(r.messages or 0 for r in rows if not r.skipped)
    out.write(
        f"{len(rows)} logs: {len(rows) - skipped - len(failed)} replayed, {skipped} skipped, "
        f"{len(failed)} failed; {messages} messages in {seconds:.2f}s\n"
    )
    for r in failed:
        out.write(f"  failed: {r.log}: {r.error}\n")
    out.write(f"summary written to {os.path.join(args.out, 'summary.csv')} and summary.jsonl\n")
    return EXIT_OK
