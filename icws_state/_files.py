"""Writing the files the tools produce (snapshots, reports, batch outputs), and naming files in messages.

Section 5 of the spec: a file is written (`write_atomic` for bytes at hand, `atomic_stream` for a file written piece
by piece, such as a scrubbed log) to a new file in the same directory and renamed over its destination only when
complete, so a run that fails (an encoding error, a full disk, a kill) leaves an earlier file as it was. The
temporary name is random and created with ``O_EXCL`` (and ``O_NOFOLLOW``), so a symbolic link planted there is
never written through; the kernel applies the umask to the mode asked for, so the new file gets the mode a plain
``open`` would give it. The rename replaces the destination path itself: a symbolic link there (to a regular file,
or dangling) is replaced, not followed. A destination that resolves to something else (``/dev/stdout``, a FIFO, a
terminal) cannot be renamed over and is written directly. Everything here raises `OSError` only, naming the
directory when no file can be created in it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterator
from typing import IO

__all__ = ["atomic_stream", "escape_surrogates", "name_problem", "shown", "write_atomic"]

_CREATE = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
)
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Room left for the random part and suffix of a temporary name within a file system's 255-byte limit.
_TEMP_STEM = 100


def escape_surrogates(text: str) -> str:
    """``text`` with each surrogate code point written as a ``\\udcff`` escape: printable and encodable as UTF-8.

    A lone surrogate is a valid JSON string escape, and a file name that is not UTF-8 reaches Python as surrogates;
    neither can be written to a UTF-8 stream as it is.
    """
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shown(path: str | os.PathLike[str]) -> str:
    """A file name as a message shows it: bytes that are not UTF-8 as ``\\xff``, never an unprintable string."""
    text = os.fspath(path).replace("\0", "\\x00")
    try:
        return os.fsencode(text).decode(sys.getfilesystemencoding(), "backslashreplace")
    except UnicodeError:  # a str that no file system name decodes to (a lone surrogate given by a caller)
        return escape_surrogates(text)


def name_problem(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` cannot name a file at all (it is not a file system name), or None when it can."""
    text = os.fspath(path)
    if "\0" in text:
        return "a file name cannot hold a NUL character"
    try:
        os.fsencode(text)
    except UnicodeError:
        return "not a valid file name on this system (it holds a lone surrogate)"
    return None


@contextlib.contextmanager
def atomic_stream(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A file to write into, piece by piece, that replaces ``path`` only once the ``with`` block completes (the
    module docstring says how); if the block raises, the temporary file is removed and ``path`` is left as it was.
    A destination that is not a regular file is opened and written directly. OSError on failure."""
    target = os.fspath(path)
    problem = name_problem(target)
    if problem is not None:
        raise OSError(errno.EINVAL, problem, target)
    if _resolves_to_special(target):
        with open(target, "wb") as f:
            yield f
        return
    directory = os.path.dirname(target) or os.curdir
    fd, temporary = _create_temporary(directory, os.path.basename(target))
    try:
        with open(fd, "wb") as f:
            yield f
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` as a whole or not at all (`atomic_stream`). OSError on failure."""
    with atomic_stream(path) as f:
        f.write(data)


def _resolves_to_special(target: str) -> bool:
    """Whether ``target`` exists and resolves to something that is not a regular file (a device, a FIFO, ...)."""
    try:
        mode = os.stat(target).st_mode
    except OSError:  # missing, a dangling link, a loop of links: the rename creates or replaces it
        return False
    return not stat.S_ISREG(mode)


def _create_temporary(directory: str, base: str) -> tuple[int, str]:
    """A new, empty file with a random name beside the destination; OSError naming ``directory`` if none can be."""
    for _ in range(100):
        name = os.path.join(directory, f".{base[:_TEMP_STEM]}.{secrets.token_hex(8)}.tmp")
        try:
            return os.open(name, _CREATE, 0o666), name
        except FileExistsError:
            continue
        except OSError as e:
            reason = f"cannot create a file in directory {shown(directory)}: {e.strerror or e}"
            raise OSError(e.errno, reason, directory) from e
    raise OSError(errno.EEXIST, f"no unused temporary name in directory {shown(directory)}", directory)
