"""What every ``icws-state`` command shares: exit codes, the streams it writes to, the one shape of a file error,
checked inputs and whole-or-absent outputs, and the progress bar.

A command never prints a traceback for a file it cannot use: it raises `CommandError` (``cannot read NAME:
reason``, ``cannot write NAME: reason``), and `main` prints it with `write_error` as ``icws-state COMMAND: ...``
and exits `EXIT_USAGE`. Names are shown with bytes that are not UTF-8 as ``\\xff`` (`shown`), and anything
printed goes through `EscapingStream`, so no name and no string of a log can end a command with a traceback.
"""

from __future__ import annotations

import argparse
import errno
import os
import stat
import time
from types import TracebackType
from typing import Protocol

from .._files import escape_surrogates, name_problem, shown, write_atomic

__all__ = [
    "EXIT_DIFFERENT",
    "EXIT_OK",
    "EXIT_STRICT",
    "EXIT_USAGE",
    "PROG",
    "CommandError",
    "EscapingStream",
    "ProgressBar",
    "Stream",
    "Subparsers",
    "cannot",
    "check_readable",
    "write_error",
    "write_output",
]

#: The command's name, as usage lines and error messages show it.
PROG = "icws-state"

#: The command did its work: logs read (however many inputs were rejected), snapshots equal, files written.
EXIT_OK = 0
#: ``replay --strict`` stopped at an error (and wrote nothing).
EXIT_STRICT = 1
#: ``diff``: the snapshots differ.
EXIT_DIFFERENT = 1
#: A file that cannot be read or written, a file that is not a snapshot, or bad arguments (argparse's own code).
EXIT_USAGE = 2


class Stream(Protocol):
    """What the commands write to: standard output or error (a text stream, or a test's stand-in)."""

    def write(self, s: str, /) -> int: ...

    def flush(self) -> None: ...

    def isatty(self) -> bool: ...


class Subparsers(Protocol):
    """What a command registers itself on: the sub-command table of the ``icws-state`` parser."""

    def add_parser(self, name: str, /, *, help: str | None = ..., description: str | None = ...,
                   epilog: str | None = ...) -> argparse.ArgumentParser: ...


class EscapingStream:
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
    """A command cannot go on: one line for standard error, and `EXIT_USAGE`. Raised by every command, printed by
    `main`."""


def write_error(err: Stream, command: str, text: str) -> None:
    """``icws-state COMMAND: text`` as one line of standard error: every error (and notice) a command prints."""
    err.write(f"{PROG} {command}: {text}\n")


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

    Shows a percentage, or ``done/total <unit>`` when given a unit (the batch counts logs, not bytes). Used as a
    context manager, it clears its line when the block ends, before an error about the block is printed.
    """

    #: Seconds between two redraws (the last one, at 100%, is always drawn).
    REDRAW_INTERVAL = 0.2
    #: Characters of the bar itself, between its brackets.
    BAR_WIDTH = 30
    #: Characters of the label (its end is kept when longer: the file names' last part).
    LABEL_WIDTH = 40
    #: Characters blanked when the bar is cleared: at least the widest line the bar draws.
    CLEAR_WIDTH = 90

    def __init__(self, label: str, stream: Stream, unit: str | None = None, *, quiet: bool = False) -> None:
        self.label, self.stream, self.unit = label, stream, unit
        self.enabled = not quiet and stream.isatty()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < self.REDRAW_INTERVAL and done < total:
            return
        self._last = now
        frac = done / total if total else 1.0
        bar = "#" * int(frac * self.BAR_WIDTH)
        tail = f"{done}/{total} {self.unit}" if self.unit else f"{frac:6.1%}"
        label = self.label[-self.LABEL_WIDTH:]
        self.stream.write(f"\r{label:<{self.LABEL_WIDTH}} [{bar:<{self.BAR_WIDTH}}] {tail}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * self.CLEAR_WIDTH + "\r")
            self.stream.flush()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
