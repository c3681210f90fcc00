"""ICWS request paths: which subscription a PUT or DELETE names, and which GET is the messages queue.

Both the cache (the client's own request outcomes) and the log reader (HAR entries) ask these questions, so the
answers live here once. A path is matched after its query string (from the first ``?``) is removed and it is
percent-decoded exactly once (section 3); a ``#`` is an ordinary character of an exchange's path. What stands
before ``/messaging/subscriptions/`` (``/icws/{sessionId}``, a reverse proxy's prefix) is not checked. Nothing here
can raise for a string: a path that is no ICWS path is simply not one.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = ["is_messages_path", "request_path", "subscription_path"]

_SUBSCRIPTIONS = "/messaging/subscriptions/"
_MESSAGES = "/messaging/messages"
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/]*")


def request_path(path: str) -> str:
    """The decoded path of a request path or a full URL: scheme and host dropped, query dropped, decoded once."""
    m = _URL.match(path)
    if m is not None:
        path = path[m.end():] or "/"
    return unquote(path.split("?", 1)[0])


def subscription_path(path: str) -> str | None:
    """``queues/q 2`` for the decoded ``/icws/s1/messaging/subscriptions/queues/q 2``; None when it names none."""
    at = path.find(_SUBSCRIPTIONS)
    if at < 0:
        return None
    return path[at + len(_SUBSCRIPTIONS):] or None


def is_messages_path(path: str) -> bool:
    """Whether a decoded path is the messages queue (``/icws/{sessionId}/messaging/messages``)."""
    return path.endswith(_MESSAGES)
