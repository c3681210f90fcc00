"""Secrets that never reach a recorded or scrubbed log: passwords, tokens, session ids.

A log is meant to be committed beside the tests that replay it, so what would let someone act as the recorded user
is removed before a byte is written, by the recorder and by the scrubber alike:

- the session id in a request path (``/icws/{sessionId}/...``) becomes `SESSION_PLACEHOLDER`; playback matches any
  session id against it;
- in request bodies and in responses (but not in the messages a messages GET carries, which are data the cache
  keeps), the value of every property whose name says it is a secret (it contains ``password``, ``token``,
  ``secret``, ``csrf``, ``credential``, ``assertion``, ``apikey`` or ``cookie``, or it is a ``sessionId``) becomes
  `REDACTED` (`SESSION_PLACEHOLDER` for a session id), whatever its type, at any depth; the property is kept, so a
  client that reads it during playback still finds a string there;
- the values of query parameters with such names;
- headers and cookies are never recorded at all (a log has no place for them).

Nothing here can raise for a JSON value; values nested deeper than Python's recursion limit are walked with an
explicit stack.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .._paths import is_messages_path, request_path

__all__ = [
    "REDACTED",
    "SESSION_PLACEHOLDER",
    "is_messages_get",
    "is_secret_name",
    "redact_exchange",
    "redact_path",
    "redact_secrets",
    "secret_marker",
    "split_url",
]

#: What a secret's value is replaced with.
REDACTED = "REDACTED"
#: What a session id is replaced with, in paths and in the connection response's ``sessionId``.
SESSION_PLACEHOLDER = "SESSION"

_SECRET_WORDS = ("password", "passwd", "token", "secret", "csrf", "credential", "assertion", "apikey", "api_key",
                 "cookie", "authorization")
_SESSION_NAMES = frozenset({"sessionid", "session_id", "session-id", "session"})
_SCHEME_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
#: ``/icws/<segment>``: the segment is a session id unless it is ``connection`` (the session-less endpoints).
_SESSION_SEGMENT = re.compile(r"/icws/([^/?#]+)")


def is_secret_name(name: str) -> bool:
    """Whether a property (or query parameter) named ``name`` holds a secret."""
    lowered = name.lower()
    return lowered in _SESSION_NAMES or any(word in lowered for word in _SECRET_WORDS)


def secret_marker(name: str) -> str:
    """What the value of the secret property ``name`` becomes."""
    return SESSION_PLACEHOLDER if name.lower() in _SESSION_NAMES else REDACTED


def split_url(url: str) -> tuple[str, str]:
    """(path, query) of a request path or a full URL: scheme and host dropped, escapes left as they are."""
    m = _SCHEME_HOST.match(url)
    if m is not None:
        url = url[m.end():] or "/"
    path, _, query = url.partition("?")
    return path, query


def redact_path(url: str) -> str:
    """The path of ``url`` (a path or a full URL) with its session id replaced and secret query values redacted."""
    path, query = split_url(url)
    m = _SESSION_SEGMENT.search(path)
    if m is not None and m.group(1) != "connection":
        path = path[: m.start(1)] + SESSION_PLACEHOLDER + path[m.end(1):]
    if not query:
        return path
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(is_secret_name(k) for k, _ in pairs):
        return f"{path}?{query}"
    return f"{path}?{urlencode([(k, secret_marker(k) if is_secret_name(k) else v) for k, v in pairs])}"


def redact_secrets(value: Any) -> tuple[Any, int]:
    """``value`` with every secret property's value replaced (a new value; the input is not changed), and how many
    were replaced."""
    if type(value) is not dict and type(value) is not list:
        return value, 0
    count = 0
    root: Any = {} if type(value) is dict else []
    stack: list[tuple[Any, Any]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        pairs = source.items() if type(source) is dict else enumerate(source)
        for k, v in pairs:
            if type(source) is dict and type(k) is str and is_secret_name(k) and v is not None:
                out: Any = secret_marker(k)
                count += 1
            elif type(v) is dict or type(v) is list:
                out = {} if type(v) is dict else []
                stack.append((v, out))
            else:
                out = v
            if type(target) is dict:
                target[k] = out
            else:
                target.append(out)
    return root, count


def is_messages_get(method: Any, path: Any, status: Any) -> bool:
    """Whether an exchange is a messages GET answered 200, whose response is the messages themselves."""
    return method == "GET" and status == 200 and type(path) is str and is_messages_path(request_path(path))


def redact_exchange(method: Any, path: Any, status: Any, body: Any = None,
                    response: Any = None) -> tuple[Any, Any, Any, int]:
    """(path, body, response, how many secrets were replaced) of one exchange, with its secrets removed.

    The messages of a messages GET are left as they are: they are the data the cache keeps.
    """
    new_path = redact_path(path) if type(path) is str else path
    new_body, n_body = redact_secrets(body)
    if is_messages_get(method, path, status):
        return new_path, new_body, response, n_body
    new_response, n_response = redact_secrets(response)
    return new_path, new_body, new_response, n_body + n_response
