"""The ``icws-state`` command: replay logs into snapshots, compare snapshots, replay an archive, report on a log,
scrub logs.

Each command is a module of this package (`COMMANDS`, in the order ``--help`` lists them) with a ``NAME``, an
``add_parser(subparsers)`` that registers its arguments, and a ``run(args, out, err)`` that returns the exit code;
`main` parses the arguments, runs the command named, and is the one place a `CommandError` is printed. What the
commands share (exit codes, the error shape, checked inputs, written outputs, the progress bar) is in `_common`.

Exit codes: 0 when the logs were read (however many inputs were rejected); 1 when ``--strict`` stopped at an
error (no snapshot is written), or when ``diff`` finds the snapshots differ; 2 for a file that cannot be read or
written, a file ``diff`` is given that is not a snapshot, or bad arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Protocol

from .. import __version__
from . import batch, diff, replay, report, scrub
from ._common import EXIT_USAGE, PROG, CommandError, EscapingStream, Stream, Subparsers, write_error

__all__ = ["COMMANDS", "Command", "build_parser", "main"]


class Command(Protocol):
    """A command module: its name, how it registers its arguments, and how it runs."""

    NAME: str

    def add_parser(self, subparsers: Subparsers, /) -> None: ...

    def run(self, args: argparse.Namespace, out: Stream, err: Stream, /) -> int: ...


#: Every sub-command, in the order ``icws-state --help`` lists them.
COMMANDS: tuple[Command, ...] = (replay, diff, batch, report, scrub)
_BY_NAME = {command.NAME: command for command in COMMANDS}


def build_parser() -> argparse.ArgumentParser:
    """The ``icws-state`` argument parser, with every command of `COMMANDS` registered."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Replay recorded ICWS traffic into icws-state/1 snapshots, and compare snapshots.",
        epilog="Exit codes: 0 logs read (rejected inputs are reported, not fatal); 1 --strict stopped at an error; "
               "2 a file that cannot be read or written, not a snapshot, or bad arguments.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``icws-state`` with ``argv`` (default: the process's arguments); the exit code."""
    args = build_parser().parse_args(argv)
    out, err = EscapingStream(sys.stdout), EscapingStream(sys.stderr)
    try:
        return _BY_NAME[args.command].run(args, out, err)
    except CommandError as e:
        write_error(err, args.command, str(e))
        return EXIT_USAGE
