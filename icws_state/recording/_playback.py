"""`Playback`: a recorded log answering a client's requests, in order, and saying what was never asked for.

The log is any log `icws_state.read_log` reads. Its exchange records (a HAR capture's entries included) are the
answers; a bare message or polling array, which has no request, answers a messages GET
(``GET /icws/{sessionId}/messaging/messages``, status 200). Lines that are not readable are left out.

A request is answered by the first recorded exchange not played yet with the same method and the same path (query
strings ignored, as replay ignores them; the session id in the recorded path may be `SESSION_PLACEHOLDER`, which
matches any). So requests of one kind are answered in the order they were recorded, while independent requests,
such as subscriptions made concurrently, may come in any order. A request that nothing answers raises
`UnmatchedRequest`, naming it and the next recorded exchange; `Playback.check` raises `UnusedExchanges` for
recorded exchanges no request asked for.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import attrs

from .._errors import IcwsStateError
from .._logs import InputKind, read_log
from .._paths import request_path
from ._redact import SESSION_PLACEHOLDER, split_url

__all__ = ["Playback", "PlaybackError", "RecordedExchange", "UnmatchedRequest", "UnusedExchanges"]

_MESSAGES_PATH = f"/icws/{SESSION_PLACEHOLDER}/messaging/messages"
_ICWS = "/icws/"


class PlaybackError(IcwsStateError):
    """A client and its recorded log disagree: a request nothing answers, or recorded exchanges never asked for."""


class UnmatchedRequest(PlaybackError, LookupError):
    """A request that no recorded exchange answers; names the request and the next recorded exchange."""


class UnusedExchanges(PlaybackError, AssertionError):
    """Recorded exchanges that no request asked for (raised by `Playback.check`)."""


@attrs.frozen(kw_only=True)
class RecordedExchange:
    """One recorded answer: the request it answers (method, path) and what the server said."""

    method: str
    path: str
    status: int
    body: Any = None
    response: Any = None
    #: Where it was recorded: the log's path and the input's line (a HAR entry's position).
    source: str = ""
    line: int = 0

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status} (line {self.line} of {self.source})"


def _matches(recorded: str, requested: str) -> bool:
    """Whether a recorded path answers a requested one: equal, or equal but for the session id where the recorded
    path holds the placeholder."""
    if recorded == requested:
        return True
    at = recorded.find(_ICWS)
    if at < 0:
        return False
    start = at + len(_ICWS)
    end = _segment_end(recorded, start)
    if recorded[start:end] != SESSION_PLACEHOLDER or requested[:start] != recorded[:start]:
        return False
    requested_end = _segment_end(requested, start)
    return requested_end > start and requested[requested_end:] == recorded[end:]


def _segment_end(path: str, start: int) -> int:
    slash = path.find("/", start)
    return len(path) if slash < 0 else slash


def _normal(path: str) -> str:
    """A path as requests are compared: scheme, host and query dropped, percent-escapes decoded once."""
    return request_path(split_url(path)[0])


class Playback:
    """The recorded exchanges of ``logs`` (one path or several, in order), ready to answer requests.

    Thread-safe: requests made from several threads (or tasks) take their answers one at a time.
    """

    def __init__(self, logs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> None:
        paths = [logs] if isinstance(logs, (str, os.PathLike)) else list(logs)
        if not paths:
            raise ValueError("Playback needs at least one log")
        self.logs = tuple(os.fspath(p) for p in paths)
        self.exchanges: tuple[RecordedExchange, ...] = tuple(e for p in self.logs for e in _exchanges(p))
        self._keys = tuple((e.method.upper(), _normal(e.path)) for e in self.exchanges)
        self._played = [False] * len(self.exchanges)
        self._next = 0
        self._lock = threading.Lock()

    def answer(self, method: str, url: str) -> RecordedExchange:
        """The recorded exchange that answers ``method url`` (marked played); `UnmatchedRequest` when none does."""
        wanted_method, wanted = method.upper(), _normal(url)
        with self._lock:
            for i in range(self._next, len(self.exchanges)):
                if self._played[i]:
                    continue
                m, p = self._keys[i]
                if m == wanted_method and _matches(p, wanted):
                    self._played[i] = True
                    while self._next < len(self._played) and self._played[self._next]:
                        self._next += 1
                    return self.exchanges[i]
            upcoming = self._first_unplayed()
        shown = f"{method} {split_url(url)[0]}"
        if upcoming is None:
            raise UnmatchedRequest(
                f"no recorded exchange answers {shown}: all {len(self.exchanges)} recorded exchanges of "
                f"{', '.join(self.logs)} have been played"
            )
        raise UnmatchedRequest(f"no recorded exchange answers {shown}; the next recorded one is {upcoming}")

    def _first_unplayed(self) -> RecordedExchange | None:
        for i in range(self._next, len(self.exchanges)):
            if not self._played[i]:
                return self.exchanges[i]
        return None

    @property
    def unused(self) -> list[RecordedExchange]:
        """The recorded exchanges no request has asked for yet, in log order."""
        with self._lock:
            return [e for e, played in zip(self.exchanges, self._played, strict=True) if not played]

    def check(self) -> None:
        """`UnusedExchanges` listing every recorded exchange that was never asked for; nothing when all were."""
        unused = self.unused
        if unused:
            shown = "\n".join(f"  {e}" for e in unused[:20])
            more = f"\n  ... and {len(unused) - 20} more" if len(unused) > 20 else ""
            raise UnusedExchanges(f"{len(unused)} recorded exchanges were never asked for:\n{shown}{more}")

    def __repr__(self) -> str:
        return f"<Playback {', '.join(self.logs)}: {len(self.unused)} of {len(self.exchanges)} left>"


def _exchanges(path: str) -> list[RecordedExchange]:
    out = []
    for entry in read_log(path):
        v = entry.value
        if entry.kind is InputKind.EXCHANGE:
            method, url, status = v.get("method"), v.get("path"), v.get("status")
            if type(method) is not str or type(url) is not str or type(status) is not int:
                continue
            out.append(RecordedExchange(method=method, path=url, status=status, body=v.get("body"),
                                        response=v.get("response"), source=path, line=entry.line))
        elif entry.kind in (InputKind.MESSAGE, InputKind.BATCH):
            response = v if entry.kind is InputKind.BATCH else [v]
            out.append(RecordedExchange(method="GET", path=_MESSAGES_PATH, status=200, response=response,
                                        source=path, line=entry.line))
    return out
