"""httpx transports that record a session to a log, or play a recorded log back.

They wrap, or stand in for, the transport of an ``httpx.Client`` / ``httpx.AsyncClient``, so a client's own code
runs unchanged: ``httpx.Client(base_url=..., transport=RecordingTransport("session.jsonl"))``. This module is the
only one of the package that imports httpx (the ``http`` extra); `icws_state.recording` loads it on first use.

Recording wraps the response's byte stream rather than reading it ahead, so the client reads the response as it
arrives (an event stream included) and the exchange is written when the body has been read to its end or the
response is closed, with what had arrived by then.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from .._json import decode_json
from .._logs import sse_messages
from .._snapshot import json_text
from ._lines import format_at
from ._playback import Playback, RecordedExchange
from ._recorder import Recorder
from ._redact import is_messages_get

if TYPE_CHECKING:
    from .._cache import StateCache

__all__ = ["AsyncPlaybackTransport", "AsyncRecordingTransport", "PlaybackTransport", "RecordingTransport"]

LogPaths = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]


def _json_or_none(data: bytes) -> Any:
    """The JSON of a body, or None for an empty body or one that is not strict JSON (an HTML error page)."""
    if not data.strip():
        return None
    try:
        return decode_json(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _events_or_none(text: str) -> Any:
    """The messages of an event stream, or of its complete events when the last one was cut off."""
    for candidate in (text, text[: text.rfind("\n\n") + 1]):
        try:
            return sse_messages(candidate)
        except ValueError:
            continue
    return None


def _response_value(headers: httpx.Headers, raw: bytes) -> Any:
    try:
        data = httpx.Response(200, headers=headers, content=raw).read()  # undoes any content-encoding
    except httpx.DecodingError:
        return None
    if headers.get("content-type", "").lower().startswith("text/event-stream"):
        return _events_or_none(data.decode("utf-8", "replace"))
    return _json_or_none(data)


class _Exchange:
    """The request half of an exchange, waiting for its response body to complete."""

    def __init__(self, recorder: Recorder, request: httpx.Request, response: httpx.Response) -> None:
        self.recorder, self.request, self.response = recorder, request, response
        self.at = format_at(datetime.now(UTC))
        self.chunks: list[bytes] = []
        self.done = False

    def finish(self) -> None:
        if self.done:
            return
        self.done = True
        self.recorder.record(self.request.method, self.request.url.raw_path.decode("ascii"),
                             self.response.status_code, _json_or_none(self.request.content),
                             _response_value(self.response.headers, b"".join(self.chunks)), at=self.at)


class _RecordingStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, exchange: _Exchange) -> None:
        self._inner, self._exchange = inner, exchange

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._exchange.chunks.append(chunk)
            yield chunk
        self._exchange.finish()

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            self._exchange.finish()


class _AsyncRecordingStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, exchange: _Exchange) -> None:
        self._inner, self._exchange = inner, exchange

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._exchange.chunks.append(chunk)
            yield chunk
        self._exchange.finish()

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            self._exchange.finish()


def _recorder(log: str | os.PathLike[str] | Recorder, cache: StateCache | None, append: bool) -> Recorder:
    if isinstance(log, Recorder):
        if cache is not None:
            log.cache = cache
        return log
    return Recorder(log, cache=cache, append=append)


def _wrapped(response: httpx.Response, stream: httpx.SyncByteStream | httpx.AsyncByteStream) -> httpx.Response:
    return httpx.Response(response.status_code, headers=response.headers, stream=stream,
                          extensions=response.extensions)


class RecordingTransport(httpx.BaseTransport):
    """Pass every request to ``transport`` (a plain ``httpx.HTTPTransport()`` by default) and write each exchange
    to ``log`` as one JSON line: the connection request, subscriptions, message polls, everything.

    ``log`` is a path (replaced, or appended to with ``append=True``) or a `Recorder` to share. ``cache`` is fed
    every exchange as it is written. An exchange is written when its response body has been read to the end or
    the response is closed (a streamed response the client never reads nor closes is not written). Headers and
    cookies are never written; secrets are replaced (see `icws_state.recording`). Closing the transport (closing
    the client does) closes the log.
    """

    def __init__(self, log: str | os.PathLike[str] | Recorder, *, transport: httpx.BaseTransport | None = None,
                 cache: StateCache | None = None, append: bool = False) -> None:
        self.recorder = _recorder(log, cache, append)
        self._owns_recorder = not isinstance(log, Recorder)
        self.transport = transport if transport is not None else httpx.HTTPTransport()

    def check(self) -> None:
        """Nothing to check while recording (a playback's ``check`` has): a test runs unchanged in both modes."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        response = self.transport.handle_request(request)
        assert isinstance(response.stream, httpx.SyncByteStream)
        return _wrapped(response, _RecordingStream(response.stream, _Exchange(self.recorder, request, response)))

    def close(self) -> None:
        try:
            self.transport.close()
        finally:
            if self._owns_recorder:
                self.recorder.close()


class AsyncRecordingTransport(httpx.AsyncBaseTransport):
    """`RecordingTransport` for ``httpx.AsyncClient``: wraps ``transport`` (``httpx.AsyncHTTPTransport()`` by
    default). Writing a line does not await: each is one small write, and the cache feeds in microseconds."""

    def __init__(self, log: str | os.PathLike[str] | Recorder, *,
                 transport: httpx.AsyncBaseTransport | None = None, cache: StateCache | None = None,
                 append: bool = False) -> None:
        self.recorder = _recorder(log, cache, append)
        self._owns_recorder = not isinstance(log, Recorder)
        self.transport = transport if transport is not None else httpx.AsyncHTTPTransport()

    def check(self) -> None:
        """Nothing to check while recording (a playback's ``check`` has): a test runs unchanged in both modes."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response = await self.transport.handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        exchange = _Exchange(self.recorder, request, response)
        return _wrapped(response, _AsyncRecordingStream(response.stream, exchange))

    async def aclose(self) -> None:
        try:
            await self.transport.aclose()
        finally:
            if self._owns_recorder:
                self.recorder.close()


def _playback(logs: LogPaths | Playback) -> Playback:
    return logs if isinstance(logs, Playback) else Playback(logs)


def _answer(playback: Playback, request: httpx.Request) -> httpx.Response:
    exchange = playback.answer(request.method, request.url.raw_path.decode("ascii"))
    return _response(exchange, request)


def _response(exchange: RecordedExchange, request: httpx.Request) -> httpx.Response:
    """The recorded answer as an httpx response: JSON, or an event stream when the client asked for one."""
    value = exchange.response
    if value is None:
        return httpx.Response(exchange.status, request=request)
    text = json_text(value).encode("utf-8", "backslashreplace")
    wants_events = "text/event-stream" in request.headers.get("accept", "")
    if wants_events and type(value) is list and is_messages_get(exchange.method, exchange.path, exchange.status):
        body = b": recorded\n\ndata: " + text + b"\n\n"
        return httpx.Response(exchange.status, headers={"content-type": "text/event-stream"}, content=body,
                              request=request)
    return httpx.Response(exchange.status, headers={"content-type": "application/json"}, content=text,
                          request=request)


class _Playing:
    """What both playback transports share: the `Playback` and its checks."""

    playback: Playback

    @property
    def unused(self) -> list[RecordedExchange]:
        """Recorded exchanges no request has asked for yet."""
        return self.playback.unused

    def check(self) -> None:
        """`UnusedExchanges` when a recorded exchange was never asked for (call it at the end of a test)."""
        self.playback.check()


class PlaybackTransport(_Playing, httpx.BaseTransport):
    """Answer an ``httpx.Client``'s requests from recorded ``logs`` (any log replay reads; one path or several, or
    a `Playback` to share), in order: the recorded status and response for the same method and path, any session
    id matching the recorded placeholder. `UnmatchedRequest` for a request nothing answers; `check` at the end."""

    def __init__(self, logs: LogPaths | Playback) -> None:
        self.playback = _playback(logs)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return _answer(self.playback, request)


class AsyncPlaybackTransport(_Playing, httpx.AsyncBaseTransport):
    """`PlaybackTransport` for ``httpx.AsyncClient``."""

    def __init__(self, logs: LogPaths | Playback) -> None:
        self.playback = _playback(logs)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return _answer(self.playback, request)
