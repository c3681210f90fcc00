"""Recorded logs (section 4 of the spec): JSON lines, whole-file JSON documents and browser HAR captures.

The reader turns a file into a stream of `LogInput` values, one per line (or per array element or HAR entry),
each carrying its 1-based line number and, where the log has one, the time it was recorded (``at`` of an exchange,
``startedDateTime`` of a HAR entry). It never raises for bad content: a line it cannot read becomes an ``INVALID``
input with a reason, which the cache then counts as a rejected input. Only the file itself being unreadable
(`OSError`) is an error. JSON lines are read one at a time, so memory does not grow with the log; a whole-file
document (the first non-blank line is not a complete JSON value) is necessarily read at once.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import enum
import io
import itertools
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any
from urllib.parse import urlsplit

from ._json import decode_json
from ._paths import is_messages_path, request_path

__all__ = ["InputKind", "LogInput", "decode_json", "har_entries", "read_log", "read_stream", "sse_messages"]


class InputKind(enum.Enum):
    """What one input of a log is, and so which entry point of the cache takes it."""

    #: A message object (it has ``__type``), or any value that is no other kind (rejected by R8).
    MESSAGE = "message"
    #: A JSON array: one polling response.
    BATCH = "batch"
    #: An HTTP exchange record (``method``, ``path``, ``status``, ``body``, ``response``).
    EXCHANGE = "exchange"
    #: Something that could not be read as any of those; ``reason`` says why.
    INVALID = "invalid"


class LogInput:
    """One input of a log, in order; immutable, compared by value.

    A plain class with read-only properties rather than an attrs class: the reader makes one per line, and
    compiled (mypyc) this costs a fifth of what a frozen attrs instance does.
    """

    __slots__ = ("_at", "_kind", "_line", "_reason", "_value")

    def __init__(self, line: int, kind: InputKind, value: Any, reason: str | None = None,
                 at: str | None = None) -> None:
        self._line, self._kind, self._value, self._reason, self._at = line, kind, value, reason, at

    @property
    def line(self) -> int:
        """The 1-based line (or entry) of the log it came from."""
        return self._line

    @property
    def kind(self) -> InputKind:
        return self._kind

    @property
    def value(self) -> Any:
        """The decoded value (for `InputKind.INVALID`, the line's text)."""
        return self._value

    @property
    def reason(self) -> str | None:
        """Why an `InputKind.INVALID` input could not be read; None otherwise."""
        return self._reason

    @property
    def at(self) -> str | None:
        """When the exchange was recorded (``at``, or a HAR entry's ``startedDateTime``), as written in the log."""
        return self._at

    def _fields(self) -> tuple[Any, ...]:
        return (self._line, self._kind, self._value, self._reason, self._at)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LogInput):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (f"LogInput(line={self._line!r}, kind={self._kind!r}, value={self._value!r}, "
                f"reason={self._reason!r}, at={self._at!r})")


ProgressFn = Callable[[int, int], object]
#: Lines between two progress reports: often enough for a bar, rarely enough to cost nothing.
_PROGRESS_EVERY = 4096


def read_log(path: str | os.PathLike[str], *, progress: ProgressFn | None = None) -> Iterator[LogInput]:
    """The inputs of the log at ``path``. OSError (missing, unreadable) is raised before the first input.

    ``path`` may be a pipe or a device (``/dev/stdin``, ``<(cat log)``): nothing here seeks.
    """
    f = open(path, "rb")  # noqa: SIM115 - closed by the generator below
    st = os.fstat(f.fileno())
    size = st.st_size if stat.S_ISREG(st.st_mode) else 0
    return _read_file(f, size, progress)


#: Above this size a file whose first line is no JSON value but whose second line is one is read as JSON lines
#: (a log whose first line was cut short) rather than loaded whole to try it as one document.
_WHOLE_DOCUMENT_LIMIT = 16 * 1024 * 1024


def _read_file(f: IO[bytes], size: int, progress: ProgressFn | None) -> Iterator[LogInput]:
    with f:
        lines = iter(f)
        seen: list[bytes] = []
        for raw in lines:
            seen.append(raw)
            if raw.strip():
                break
        else:
            return
        first_line_no, first = len(seen), seen[-1]
        try:
            decode_json(first)
        except (ValueError, UnicodeDecodeError, RecursionError):
            yield from _not_lines_at_first(f, lines, seen, size, progress)
            return
        yield from _line_inputs(first_line_no, first)
        yield from read_stream(lines, progress=progress, total=size, start=first_line_no)


def _not_lines_at_first(f: IO[bytes], lines: Iterator[bytes], seen: list[bytes], size: int,
                        progress: ProgressFn | None) -> Iterator[LogInput]:
    """Section 4: a first line that is no JSON value makes the file one JSON document, or, failing that, JSON
    lines after all. A big file (or a pipe) whose next line is a JSON value is JSON lines cut short at the start:
    read as lines straight away, so that its size never has to fit in memory twice."""
    if size == 0 or size > _WHOLE_DOCUMENT_LIMIT:
        for raw in lines:
            seen.append(raw)
            if raw.strip():
                break
        if len(seen) > 1 and seen[-1].strip() and _is_json(seen[-1]):
            yield from read_stream(itertools.chain(seen, lines), progress=progress, total=size)
            return
    whole = b"".join(seen) + f.read()
    try:
        document = decode_json(whole)
    except (ValueError, UnicodeDecodeError, RecursionError):
        yield from read_stream(io.BytesIO(whole), progress=progress, total=size or len(whole))
        return
    yield from _document(document)


def _is_json(raw: bytes) -> bool:
    try:
        decode_json(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return True


def _document(document: Any) -> Iterator[LogInput]:
    if type(document) is list:
        for i, message in enumerate(document, 1):
            yield LogInput(i, InputKind.MESSAGE, message)
    else:
        yield from _classify(1, document)


def read_stream(lines: Iterable[bytes], *, progress: ProgressFn | None = None, total: int = 0,
                start: int = 0) -> Iterator[LogInput]:
    """JSON lines from an iterable of byte lines (a binary file, a socket's lines); numbering from ``start + 1``."""
    done = 0
    message, batch = InputKind.MESSAGE, InputKind.BATCH
    for n, raw in enumerate(lines, start + 1):
        if progress is not None:
            done += len(raw)
            if n % _PROGRESS_EVERY == 0:
                progress(done, total)
        try:
            value = decode_json(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            if raw.isspace() or not raw:
                continue
            yield from _line_inputs(n, raw)  # again without the line end, for the reason's sake
            continue
        # The two kinds that make up nearly every log are classified here, without a nested generator.
        if type(value) is dict and "__type" in value:
            yield LogInput(n, message, value)
        elif type(value) is list:
            yield LogInput(n, batch, value)
        else:
            yield from _classify(n, value)
    if progress is not None:
        progress(total or done, total or done)


def _line_inputs(n: int, raw: bytes) -> Iterator[LogInput]:
    try:
        value = decode_json(raw.rstrip(b"\r\n"))
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        yield _unreadable(n, raw, e)
        return
    yield from _classify(n, value)


def _unreadable(n: int, raw: bytes, e: Exception) -> LogInput:
    text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
    return LogInput(n, InputKind.INVALID, text, reason=f"not valid JSON: {_first_line(e)}")


def _first_line(e: Exception) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def _classify(n: int, value: Any) -> Iterator[LogInput]:
    if type(value) is dict:
        if "__type" in value:
            yield LogInput(n, InputKind.MESSAGE, value)
        elif "method" in value:
            at = value.get("at")
            yield LogInput(n, InputKind.EXCHANGE, value, at=at if type(at) is str else None)
        elif type(value.get("log")) is dict and type(value["log"].get("entries")) is list:
            yield from har_entries(value)
        else:
            yield LogInput(n, InputKind.MESSAGE, value)
    elif type(value) is list:
        yield LogInput(n, InputKind.BATCH, value)
    else:
        yield LogInput(n, InputKind.MESSAGE, value)


def har_entries(har: dict[str, Any]) -> Iterator[LogInput]:
    """A HAR capture's entries as exchanges, numbered by position (1-based)."""
    for i, entry in enumerate(har["log"]["entries"], 1):
        yield _har_entry(i, entry)


def _har_entry(i: int, entry: Any) -> LogInput:
    request = entry.get("request") if type(entry) is dict else None
    response = entry.get("response") if type(entry) is dict else None
    method = request.get("method") if type(request) is dict else None
    url = request.get("url") if type(request) is dict else None
    status = response.get("status") if type(response) is dict else None
    if type(method) is not str or type(url) is not str or type(status) is not int:
        return LogInput(i, InputKind.INVALID, entry,
                        reason="a HAR entry needs a string request.method, a string request.url and an integer "
                               "response.status")
    started = entry.get("startedDateTime")
    at = started if type(started) is str else None
    try:
        path = urlsplit(url).path  # escapes left as they are: the cache decodes every exchange's path once
    except ValueError:
        return LogInput(i, InputKind.INVALID, entry, reason=f"request.url is not a URL: {url[:60]!r}", at=at)
    exchange: dict[str, Any] = {"method": method, "path": path, "status": status}
    post = request.get("postData") if type(request) is dict else None
    body_text = post.get("text") if type(post) is dict else None
    if type(body_text) is str and body_text.strip():
        with contextlib.suppress(ValueError, RecursionError):
            exchange["body"] = decode_json(body_text)
    assert type(response) is dict
    content = response.get("content")
    text = content.get("text") if type(content) is dict else None
    is_messages = method == "GET" and status == 200 and is_messages_path(request_path(path))
    if type(text) is str and type(content) is dict and str(content.get("encoding", "")).lower() == "base64":
        try:
            text = base64.b64decode(text, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            if is_messages:
                return LogInput(i, InputKind.INVALID, entry, reason="response content is not valid base64", at=at)
            text = None
    if type(text) is str and text.strip():
        mime = content.get("mimeType") if type(content) is dict else None
        try:
            if type(mime) is str and mime.lower().startswith("text/event-stream"):
                exchange["response"] = sse_messages(text)
            else:
                exchange["response"] = decode_json(text)
        except (ValueError, RecursionError) as e:
            if is_messages:
                return LogInput(i, InputKind.INVALID, entry,
                                reason=f"messages response does not parse: {_first_line(e)}", at=at)
    return LogInput(i, InputKind.EXCHANGE, exchange, at=at)


def sse_messages(text: str) -> list[Any]:
    """The messages of a server-sent-events body: each event's ``data`` is a message or an array of them.

    ValueError when an event's data is not JSON. A last event with no blank line after it is still read.
    """
    out: list[Any] = []
    data: list[str] = []

    def dispatch() -> None:
        if data:
            value = decode_json("\n".join(data))
            if type(value) is list:
                out.extend(value)
            else:
                out.append(value)
            data.clear()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line:
            dispatch()
        elif line.startswith(":"):
            continue
        else:
            field, colon, value = line.partition(":")
            if field == "data":
                data.append(value[1:] if colon and value.startswith(" ") else value)
    dispatch()
    return out
