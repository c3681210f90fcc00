"""A loopback fake of the ICWS messaging endpoints, serving a recorded session.

Transports (polling, server-sent events, asyncio) are tested against real HTTP on 127.0.0.1 rather than mocks,
so that what they send and parse is what a server would see. The fake knows only the messaging endpoints:

- ``PUT``/``DELETE /icws/{sessionId}/messaging/subscriptions/<path>``: 204, or a configured
  ``(status, body)``;
- ``GET /icws/{sessionId}/messaging/messages``: the next recorded batch as a JSON array, then ``[]`` (or a 401
  once the batches run out, with ``end_session=True``);
- the same URL with ``Accept: text/event-stream``: every remaining batch as one ``data: <json array>`` event,
  after a ``:ping`` comment, then the stream ends.

- ``POST /icws/connection`` (log in): with the right ``userID`` and ``password``, 201 with the session id and a
  CSRF token in the body and in headers, and a session cookie (``Set-Cookie``); otherwise 400. With
  ``require_auth=True`` the messaging endpoints also want that cookie and the ``ININ-ICWS-CSRF-Token`` header,
  and answer 401 without them, as ICWS does.

A wrong session id answers 401, as ICWS does for a missing or expired session. The server binds 127.0.0.1 on
an ephemeral port and is always stopped by its context manager.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Sequence
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = [
    "CONNECTION_TYPE",
    "CSRF_TOKEN",
    "PASSWORD",
    "RECORDED_BATCHES",
    "RECORDED_SUBSCRIPTIONS",
    "SESSION_COOKIE",
    "SESSION_ID",
    "USER_ID",
    "FakeIcws",
    "Request",
]

SESSION_ID = "1234567"
#: The one user the fake knows, and the secrets of a login: none of them may ever reach a recorded log.
USER_ID = "agent1"
PASSWORD = "fake-Pa55word-7c1d"
CSRF_TOKEN = "fake-csrf-token-9e2b41"
SESSION_COOKIE = "fake-session-cookie-5a8f03"
CONNECTION_TYPE = "urn:inin.com:connection:icAuthConnectionRequestSettings"
AUTH_FAILED = {"errorId": "error.request.connection.authenticationFailure",
               "message": "The authentication process failed."}

HISTORY = "urn:inin.com:interactions:historyMessage"
ASSISTANCE = "urn:inin.com:interactions.assistance:assistanceRequestListMessage"
ASSISTANCE_STATE = "urn:inin.com:interactions.assistance:assistanceRequestSubscriptionStateMessage"
QUEUE = "urn:inin.com:queues:queueContentsMessage"

#: The subscriptions a client of the recorded session makes: (subscription path, PUT body or None).
RECORDED_SUBSCRIPTIONS: tuple[tuple[str, dict[str, Any] | None], ...] = (
    ("interaction-history", {"numberOfHistoryMessages": 3}),
    ("interactions/agent-assistance", None),
    ("queues/q1", {"queueIds": [{"queueType": 1, "queueName": "agent1"}], "attributeNames": ["Eic_State"]}),
)

#: One agent's session as the server sent it: each inner list is one polling response (one SSE event).
RECORDED_BATCHES: tuple[tuple[dict[str, Any], ...], ...] = (
    (
        {"__type": HISTORY, "isDelta": False, "interactionHistory": [
            {"interactionId": "1001", "initiationTime": "2026-11-22T09:00:00Z", "direction": 1},
            {"interactionId": "1002", "initiationTime": "2026-11-22T09:30:00Z", "direction": 2},
        ]},
        {"__type": ASSISTANCE, "isDelta": False, "requestsAdded": ["r1"]},
        {"__type": QUEUE, "isDelta": False, "subscriptionId": "q1",
         "interactionsAdded": [{"interactionId": "2001", "attributes": {"Eic_State": "A"}}]},
    ),
    (
        {"__type": HISTORY, "isDelta": True, "interactionHistory": [
            {"interactionId": "1002", "notes": "called back"},
            {"interactionId": "1003", "initiationTime": "2026-11-22T10:00:00Z", "direction": 1},
        ]},
        {"__type": ASSISTANCE, "isDelta": True, "requestsAdded": ["r2"], "requestsRemoved": ["r1"]},
    ),
    (
        {"__type": ASSISTANCE_STATE, "isDelta": False, "state": 2,
         "error": {"errorId": "error.assistance.paused", "message": "paused for maintenance"}},
        {"__type": QUEUE, "isDelta": True, "subscriptionId": "q1",
         "interactionsChanged": [{"interactionId": "2001", "attributes": {"Eic_State": "C"}}]},
    ),
    (
        {"__type": ASSISTANCE_STATE, "isDelta": False, "state": 1},
        {"__type": HISTORY, "isDelta": True, "interactionHistory": [
            {"interactionId": "1004", "initiationTime": "2026-11-22T10:30:00Z", "direction": 2},
        ]},
        {"__type": ASSISTANCE, "isDelta": True, "requestsAdded": ["r3"]},
    ),
)

INVALID_SESSION = {"errorId": "error.request.session", "message": "The session is not valid."}
ENDED_SESSION = {"errorId": "error.request.session", "message": "The session has ended."}
_SUBSCRIPTION = re.compile(r"^/icws/([^/]+)/messaging/subscriptions/(.+)$")
_MESSAGES = re.compile(r"^/icws/([^/]+)/messaging/messages$")


class Request:
    """One request the fake received, for tests to check what a transport sent."""

    def __init__(self, method: str, path: str, body: Any, accept: str) -> None:
        self.method, self.path, self.body, self.accept = method, path, body, accept

    def __repr__(self) -> str:
        return f"Request({self.method} {self.path})"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeIcws


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # HTTP/1.0: every response closes its connection, which is also how an event stream ends.
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `FakeIcws.requests` instead of a log on stderr."""

    def do_PUT(self) -> None:
        self._subscription("PUT")

    def do_POST(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw.strip() else None
        path = urlsplit(self.path).path
        fake._record(Request("POST", path, body, self.headers.get("Accept", "")))
        if path != "/icws/connection":
            return self._json(404, {"message": f"no such resource: {path}"})
        if (not isinstance(body, dict) or body.get("userID") != fake.user_id
                or body.get("password") != fake.password):
            return self._json(400, AUTH_FAILED)
        data = json.dumps({
            "sessionId": fake.session_id, "csrfToken": fake.csrf_token, "alternateHostList": [],
            "userID": fake.user_id, "userDisplayName": "Agent One", "icServer": "fake-icws",
        }).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ININ-ICWS-CSRF-Token", fake.csrf_token)
        self.send_header("ININ-ICWS-Session-ID", fake.session_id)
        self.send_header("Location", f"/icws/{fake.session_id}/connection")
        self.send_header("Set-Cookie", f"icws_{fake.session_id}={fake.cookie}; Path=/icws/{fake.session_id}; HttpOnly")
        self.end_headers()
        self.wfile.write(data)
        return None

    def _authorized(self) -> bool:
        """With ``require_auth``: the session cookie and the CSRF header of the login must both be sent."""
        fake = self.server.fake
        if not fake.require_auth:
            return True
        cookies = SimpleCookie(self.headers.get("Cookie", ""))
        morsel = cookies.get(f"icws_{fake.session_id}")
        return (self.headers.get("ININ-ICWS-CSRF-Token") == fake.csrf_token
                and morsel is not None and morsel.value == fake.cookie)

    def do_DELETE(self) -> None:
        self._subscription("DELETE")

    def do_GET(self) -> None:
        fake = self.server.fake
        path = urlsplit(self.path).path
        accept = self.headers.get("Accept", "")
        fake._record(Request("GET", path, None, accept))
        m = _MESSAGES.match(path)
        if m is None:
            return self._json(404, {"message": f"no such resource: {path}"})
        if m.group(1) != fake.session_id or not self._authorized():
            return self._json(401, INVALID_SESSION)
        if "text/event-stream" in accept:
            return self._events()
        batch = fake._next_batch()
        if batch is None:
            if fake.end_session:
                return self._json(401, ENDED_SESSION)
            batch = []
        return self._json(200, batch)

    def _subscription(self, method: str) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw.strip() else None
        path = urlsplit(self.path).path
        fake._record(Request(method, path, body, self.headers.get("Accept", "")))
        m = _SUBSCRIPTION.match(path)
        if m is None:
            return self._json(404, {"message": f"no such resource: {path}"})
        if m.group(1) != fake.session_id or not self._authorized():
            return self._json(401, INVALID_SESSION)
        outcome = fake.outcomes.get((method, unquote(m.group(2))))
        if outcome is None:
            self.send_response(204)
            self.end_headers()
            return None
        return self._json(*outcome)

    def _events(self) -> None:
        fake = self.server.fake
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        try:
            self.wfile.write(b":ping\n\n")
            while (batch := fake._next_batch()) is not None:
                self.wfile.write(b"data: " + json.dumps(batch).encode() + b"\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (max_events): as a server would, just drop the stream

    def _json(self, status: int, value: Any) -> None:
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakeIcws:
    """A running fake ICWS messaging server; use as a context manager.

    ``batches`` are served in order, each exactly once, whichever transport asks. ``outcomes`` maps
    ``(method, subscription path)`` to the ``(status, JSON body)`` to answer instead of 204. ``end_session``
    makes a messages GET answer 401 once the batches are used up (polling only; an event stream just ends).
    ``user_id`` and ``password`` are what a login must send; ``require_auth`` makes the messaging endpoints want the
    login's cookie and CSRF token (``csrf_token``, ``cookie``) too.
    """

    def __init__(
        self,
        batches: Sequence[Sequence[dict[str, Any]]] = RECORDED_BATCHES,
        *,
        session_id: str = SESSION_ID,
        outcomes: dict[tuple[str, str], tuple[int, Any]] | None = None,
        end_session: bool = False,
        user_id: str = USER_ID,
        password: str = PASSWORD,
        csrf_token: str = CSRF_TOKEN,
        cookie: str = SESSION_COOKIE,
        require_auth: bool = False,
    ) -> None:
        self.user_id, self.password = user_id, password
        self.csrf_token, self.cookie, self.require_auth = csrf_token, cookie, require_auth
        self.session_id = session_id
        self.outcomes = dict(outcomes or {})
        self.end_session = end_session
        self.requests: list[Request] = []
        self._batches = [copy.deepcopy(list(b)) for b in batches]
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``; the endpoints are under ``/icws/{sessionId}/messaging/``."""
        if self._server is None:
            raise RuntimeError("the fake ICWS server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def remaining(self) -> int:
        """How many recorded batches have not been served yet."""
        with self._lock:
            return len(self._batches)

    def _next_batch(self) -> list[dict[str, Any]] | None:
        with self._lock:
            return self._batches.pop(0) if self._batches else None

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def start(self) -> FakeIcws:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-icws", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread, self._server, self._thread = self._server, self._thread, None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeIcws:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
