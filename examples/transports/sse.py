"""Keep an ICWS session's state from the server-sent-events stream (httpx + httpx-sse).

    python examples/transports/sse.py BASE_URL SESSION_ID [MAX_EVENTS]

The same URL as polling, ``GET /icws/{sessionId}/messaging/messages``, asked for with
``Accept: text/event-stream``, sends each batch of messages as one event whose ``data`` is a JSON array (or a
single message). Subscriptions and their outcomes are handled exactly as in ``polling.py``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
from httpx_sse import connect_sse

# The subscriptions and the body reading are the polling example's: this one differs only in its transport.
from polling import SUBSCRIPTIONS, json_or_none

from icws_state import StateCache


def run(
    base_url: str,
    session_id: str,
    max_events: int | None = None,
    *,
    subscriptions: Sequence[tuple[str, dict[str, Any] | None]] = SUBSCRIPTIONS,
    headers: Mapping[str, str] | None = None,
    cache: StateCache | None = None,
) -> StateCache:
    """Subscribe, then read the event stream until it ends or ``max_events`` data events arrived."""
    cache = cache if cache is not None else StateCache()
    counts: Counter[str] = Counter()
    cache.add_listener(lambda event: counts.update([type(event).__name__]))
    root = f"/icws/{session_id}/messaging"
    # No read timeout: an event stream is quiet for as long as nothing happens.
    timeout = httpx.Timeout(30.0, read=None)
    with httpx.Client(base_url=base_url, headers=dict(headers or {}), timeout=timeout) as c:
        for path, body in subscriptions:
            url = f"{root}/subscriptions/{path}"
            r = c.put(url, json=body) if body is not None else c.put(url)
            cache.record_response("PUT", url, r.status_code, body=body, response=json_or_none(r))
        seen = 0
        with connect_sse(c, "GET", f"{root}/messages") as source:
            if source.response.status_code != 200:  # a 401 here ends the session
                source.response.read()
                cache.record_response("GET", f"{root}/messages", source.response.status_code,
                                      response=json_or_none(source.response))
            else:
                for sse in source.iter_sse():
                    if not sse.data:
                        continue
                    data = json.loads(sse.data)
                    if isinstance(data, list):
                        cache.apply_batch(data)
                    else:
                        cache.apply(data)
                    seen += 1
                    if max_events is not None and seen >= max_events:
                        break
    print(f"{seen} events; {dict(sorted(counts.items()))}")
    print(f"history {list(cache.history)}, assistance requests {sorted(cache.assistance_requests)}")
    return cache


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    run(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None)
