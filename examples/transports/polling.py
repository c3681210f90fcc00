"""Keep an ICWS session's state with the polling transport (httpx, blocking).

    python examples/transports/polling.py BASE_URL SESSION_ID [MAX_POLLS]

Makes the subscriptions, telling the cache each outcome with ``record_response`` (a PUT 204 opens a path, a
410 closes it, a 401 ends the session), then polls ``GET /icws/{sessionId}/messaging/messages`` and feeds each
response to the cache. The cache does no I/O: everything HTTP stays in this file. A real client also sends its
session's cookie and ``ININ-ICWS-CSRF-Token`` header; pass them as ``headers``.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

# httpx is an optional extra (icws-state[http]): only transports import it, never the library.
import httpx

from icws_state import Event, StateCache

#: (subscription path, PUT body or None): what this client subscribes to.
SUBSCRIPTIONS: tuple[tuple[str, dict[str, Any] | None], ...] = (
    ("interaction-history", {"numberOfHistoryMessages": 3}),
    ("interactions/agent-assistance", None),
    ("queues/q1", {"queueIds": [{"queueType": 1, "queueName": "agent1"}], "attributeNames": ["Eic_State"]}),
)


def json_or_none(response: Any) -> Any:
    """The response's JSON, or None for an empty or non-JSON body (ICWS answers 204 and some 200s empty)."""
    try:
        return response.json() if response.content.strip() else None
    except ValueError:
        return None


def run(
    base_url: str,
    session_id: str,
    max_polls: int = 10,
    *,
    subscriptions: Sequence[tuple[str, dict[str, Any] | None]] = SUBSCRIPTIONS,
    headers: Mapping[str, str] | None = None,
    interval: float = 0.0,
    cache: StateCache | None = None,
) -> StateCache:
    """Subscribe, then poll up to ``max_polls`` times (fewer if the session ends); return the cache."""
    cache = cache if cache is not None else StateCache()
    counts: Counter[str] = Counter()

    @cache.add_listener
    def count(event: Event) -> None:  # listeners may read the cache, never feed it
        counts[type(event).__name__] += 1

    root = f"/icws/{session_id}/messaging"
    with httpx.Client(base_url=base_url, headers=dict(headers or {}), timeout=30.0) as client:
        for path, body in subscriptions:
            url = f"{root}/subscriptions/{path}"
            r = client.put(url, json=body) if body is not None else client.put(url)
            cache.record_response("PUT", url, r.status_code, body=body, response=json_or_none(r))
        for _ in range(max_polls):
            r = client.get(f"{root}/messages")
            if r.status_code == 200:
                messages = json_or_none(r)
                if messages is not None:  # 200 with an empty body carries no messages
                    cache.apply_batch(messages)
            else:  # 401 ends the session; anything else is recorded (and ignored) by the cache
                cache.record_response("GET", f"{root}/messages", r.status_code, response=json_or_none(r))
                if cache.session_ended:
                    break
            if interval:
                time.sleep(interval)
    cache.remove_listener(count)
    print(summary(cache, counts))
    return cache


def summary(cache: StateCache, counts: Mapping[str, int]) -> str:
    """A few lines a person can read: subscriptions, history, assistance requests, events seen."""
    lines = [f"session ended: {cache.session_ended}"]
    for path, sub in sorted(cache.subscriptions.items()):
        lines.append(f"  {path}: {sub.state.name.lower()}{' (closed)' if sub.closed else ''}")
    lines.append(f"history: {list(cache.history)}")
    lines.append(f"assistance requests: {sorted(cache.assistance_requests)}")
    lines.append("events: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    run(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 10)
