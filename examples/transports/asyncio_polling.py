"""Keep an ICWS session's state with polling under asyncio (httpx.AsyncClient).

    python examples/transports/asyncio_polling.py BASE_URL SESSION_ID [MAX_POLLS]

The cache is synchronous and does no I/O, so an asyncio client calls it directly between awaits: each call
returns before the next ``await``, so the cache is only ever fed from this one task. That is what it needs: it
is not thread-safe, and not meant to be fed from several tasks at once.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

# The subscriptions and the body reading are the polling example's: this one differs only in its transport.
from polling import SUBSCRIPTIONS, json_or_none

from icws_state import StateCache


async def run_async(
    base_url: str,
    session_id: str,
    max_polls: int = 10,
    *,
    subscriptions: Sequence[tuple[str, dict[str, Any] | None]] = SUBSCRIPTIONS,
    headers: Mapping[str, str] | None = None,
    interval: float = 0.0,
    cache: StateCache | None = None,
) -> StateCache:
    """Subscribe (the PUTs run concurrently), then poll up to ``max_polls`` times; return the cache."""
    cache = cache if cache is not None else StateCache()
    root = f"/icws/{session_id}/messaging"
    async with httpx.AsyncClient(base_url=base_url, headers=dict(headers or {}), timeout=30.0) as client:

        async def put(path: str, body: dict[str, Any] | None) -> httpx.Response:
            url = f"{root}/subscriptions/{path}"
            return await (client.put(url, json=body) if body is not None else client.put(url))

        responses = await asyncio.gather(*(put(p, b) for p, b in subscriptions))
        # Outcomes are reported in one task, in request order, once all have arrived.
        for (path, body), r in zip(subscriptions, responses, strict=True):
            cache.record_response("PUT", f"{root}/subscriptions/{path}", r.status_code, body=body,
                                  response=json_or_none(r))
        for _ in range(max_polls):
            r = await client.get(f"{root}/messages")
            # record_response applies a 200's messages (an empty 200 has none) and ends the session on 401.
            cache.record_response("GET", f"{root}/messages", r.status_code, response=json_or_none(r))
            if cache.session_ended:
                break
            if interval:
                await asyncio.sleep(interval)
    print(f"history {list(cache.history)}, assistance requests {sorted(cache.assistance_requests)}, "
          f"session ended: {cache.session_ended}")
    return cache


def run(base_url: str, session_id: str, max_polls: int = 10, **kwargs: Any) -> StateCache:
    """`run_async` from synchronous code."""
    return asyncio.run(run_async(base_url, session_id, max_polls, **kwargs))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    run(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 10)
