"""`Recorder`: one exchange, one JSON line, written the moment it completes.

Any HTTP client can record through it (the httpx transports of this package do; a ``requests`` session, an
aiohttp client or a server-sent-events loop calls `Recorder.record` itself). Each exchange is redacted first
(`_redact`: session ids in paths, passwords and tokens) and then written as one line and flushed, so a client that
crashes leaves a log of every exchange that completed. A log is appended to as it grows, so it is the one kind of
file this library writes in place rather than through a temporary file and a rename.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from .._files import name_problem
from ._lines import exchange_line, format_at
from ._redact import redact_exchange

if TYPE_CHECKING:
    from .._cache import StateCache

__all__ = ["Recorder"]


class Recorder:
    """Write exchanges to the JSON-lines log at ``log_path`` (replaced, or appended to with ``append=True``).

    ``cache``, when given, is fed every exchange as it is written (the redacted record, exactly what a replay of
    the log will read), so it equals the log's replay at every moment. Safe to share between threads.

    >>> import os, tempfile
    >>> log = os.path.join(tempfile.mkdtemp(), "session.jsonl")
    >>> with Recorder(log) as recorder:
    ...     _ = recorder.record("PUT", "https://icws:8019/icws/98765/messaging/subscriptions/interaction-history",
    ...                         204, body={"numberOfHistoryMessages": 5}, at="2026-11-22T10:00:00.000Z")
    >>> print(open(log, encoding="utf-8").read(), end="")
    {"method": "PUT", "path": "/icws/SESSION/messaging/subscriptions/interaction-history", "status": 204, \
"body": {"numberOfHistoryMessages": 5}, "at": "2026-11-22T10:00:00.000Z"}
    """

    def __init__(self, log_path: str | os.PathLike[str], *, cache: StateCache | None = None,
                 append: bool = False) -> None:
        problem = name_problem(log_path)
        if problem is not None:
            raise ValueError(f"cannot record to {os.fspath(log_path)!r}: {problem}")
        self.path = os.fspath(log_path)
        self.cache = cache
        #: Exchanges written so far, and secrets replaced in them.
        self.exchanges = 0
        self.redacted = 0
        self._lock = threading.Lock()
        # Unbuffered: each line reaches the file in one write, at once.
        self._file: IO[bytes] | None = open(self.path, "ab" if append else "wb", buffering=0)  # noqa: SIM115

    def record(self, method: str, url: str, status: int, body: Any = None, response: Any = None, *,
               at: datetime | str | None = None) -> dict[str, Any]:
        """Write one exchange and return the record as written.

        ``url`` is the request's path or full URL (scheme, host and port are dropped); ``body`` and ``response``
        are the decoded JSON of the request and the response, None when there was none (or it was not JSON).
        ``at`` is when the response arrived (now by default).
        """
        path, body, response, redacted = redact_exchange(method, url, status, body, response)
        record: dict[str, Any] = {"method": method, "path": path, "status": status}
        if body is not None:
            record["body"] = body
        if response is not None:
            record["response"] = response
        record["at"] = format_at(at)
        line = exchange_line(record)
        with self._lock:
            if self._file is None:
                raise ValueError(f"the recorder of {self.path} is closed")
            view = memoryview(line)
            while view:
                written = self._file.write(view)
                view = view[written or 0:]
            self.exchanges += 1
            self.redacted += redacted
            if self.cache is not None:
                self.cache.record_response(method, path, status, body=body, response=response)
        return record

    @property
    def closed(self) -> bool:
        return self._file is None

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Recorder {self.path} {self.exchanges} exchanges{' (closed)' if self.closed else ''}>"
