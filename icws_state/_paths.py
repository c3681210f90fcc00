"""ICWS request paths: which subscription a PUT or DELETE names, and which GET is the messages queue.

Both the cache (the client's own request outcomes) and the log reader (HAR entries) ask these questions, so the
answers live here once. Nothing here can raise for a string: a path that is no ICWS path is simply not one.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = ["is_messages_path", "subscription_path", "url_path"]

_SUBSCRIPTION = re.compile(r"/icws/[^/]+/messaging/subscriptions/(.+)$")
_MESSAGES = re.compile(r"/icws/[^/]+/messaging/messages$")


def url_path(path: str) -> str:
    """The path part of a request path or a full URL, without query string or fragment."""
    if "://" in path:
        rest = path.split("://", 1)[1]
        path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return path.split("?", 1)[0].split("#", 1)[0]


def subscription_path(path: str) -> str | None:
    """``queues/q 2`` for ``/icws/s1/messaging/subscriptions/queues/q%202``; None for any other path."""
    m = _SUBSCRIPTION.search(path)
    return None if m is None else unquote(m.group(1))


def is_messages_path(path: str) -> bool:
    """Whether ``path`` is ``/icws/{sessionId}/messaging/messages`` (polling and server-sent events)."""
    return _MESSAGES.search(path) is not None
