"""Write a realistic generated ICWS session log of N messages, for load tests of replay.

Usage: ``python examples/generate_big_log.py N OUT.jsonl [--seed S]``

The log looks like a long agent session: a PUT that bounds the history, a full history message, then new
interactions in time order and deltas on recent ones, assistance requests opened and closed, an occasional
suspension of the assistance subscription, polling arrays and messages GETs, and a few bad lines. It counts
exactly N messages as section 5 of the spec counts them (a bad line is one). Lines are written as they are made and
the generator keeps only a bounded window of recent ids, so memory stays constant however large N is. The same seed
gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import deque
from typing import Any, TextIO

SESSION = "1829634410"
HISTORY = "urn:inin.com:interactions:historyMessage"
ALIST = "urn:inin.com:interactions.assistance:assistanceRequestListMessage"
ASTATE = "urn:inin.com:interactions.assistance:assistanceRequestSubscriptionStateMessage"
BOUND = 500
START = 1_773_129_600  # 2026-03-10T08:00:00Z
NAMES = ["Maria Gonzalez", "Daniel Okafor", "Priya Raman", "Helen Brooks", "Tomasz Nowak", "Aisha Bello",
         "Robert Chen", "Grace Kim", "Samuel Ortiz", "Olga Petrova", "Ben Adeyemi", "Unknown"]
NOTES = ["Billing question", "Address change", "Refund approved", "Callback requested", "Order re-shipped",
         "Escalated to supervisor"]


def icws_time(seconds: float) -> str:
    """ICWS basic-form date-time with milliseconds, as the server writes it."""
    whole = int(seconds)
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(whole)) + f".{int((seconds - whole) * 1000):03d}Z"


def iso_time(seconds: float) -> str:
    whole = int(seconds)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{int((seconds - whole) * 1000):03d}Z"


class Generator:
    """Makes messages one event at a time; ``remaining`` counts down to exactly zero."""

    def __init__(self, n: int, out: TextIO, seed: int) -> None:
        self.remaining = n
        self.out = out
        self.rng = random.Random(seed)
        self.clock = float(START)
        self.next_id = 1_001_834_000
        self.recent: deque[str] = deque(maxlen=64)  # ids deltas may touch: bounded, so memory is constant
        self.open_requests: deque[str] = deque(maxlen=8)
        self.suspended = False
        self.forced_bad = {n // 3, 2 * n // 3} if n >= 100 else set()  # so even a small log has its bad lines

    def line(self, value: Any) -> None:
        self.out.write(json.dumps(value, separators=(", ", ": ")))
        self.out.write("\n")

    def exchange(self, method: str, path: str, status: int, **extra: Any) -> None:
        self.line({"method": method, "path": f"/icws/{SESSION}/messaging/{path}", "status": status, **extra,
                   "at": iso_time(self.clock)})

    def new_item(self) -> dict[str, Any]:
        self.clock += self.rng.uniform(5, 90)
        self.next_id += self.rng.randint(1, 40)
        iid = str(self.next_id)
        self.recent.append(iid)
        return {"interactionId": iid, "initiationTime": icws_time(self.clock), "direction": self.rng.choice((1, 2)),
                "interactionHistoryStatus": self.rng.choice((1, 1, 1, 2)), "localId": "jsmith",
                "localName": "Jamie Smith", "remoteName": self.rng.choice(NAMES),
                "remoteAddress": f"tel:+1317555{self.rng.randint(0, 9999):04d}"}

    def message(self) -> dict[str, Any]:
        """One history or assistance message, chosen as a busy agent desktop would see them."""
        r = self.rng.random()
        if r < 0.45 or not self.recent:
            return {"__type": HISTORY, "isDelta": True, "interactionHistory": [self.new_item()]}
        if r < 0.85:
            iid = self.rng.choice(self.recent)
            change: dict[str, Any] = {"interactionId": iid, "terminationTime": icws_time(self.clock + 30)}
            if self.rng.random() < 0.4:
                change["notes"] = self.rng.choice(NOTES)
            return {"__type": HISTORY, "isDelta": True, "interactionHistory": [change]}
        if r < 0.995:
            full = len(self.open_requests) == self.open_requests.maxlen
            if self.open_requests and (full or self.rng.random() < 0.5):  # requests get closed: the set stays small
                return {"__type": ALIST, "isDelta": True, "requestsRemoved": [self.open_requests.popleft()]}
            rid = f"ar-{self.rng.choice(self.recent)}-{self.rng.randint(1, 3)}"
            if rid not in self.open_requests:
                self.open_requests.append(rid)
            return {"__type": ALIST, "isDelta": True, "requestsAdded": [rid]}
        self.suspended = not self.suspended
        if self.suspended:
            return {"__type": ASTATE, "isDelta": False, "state": 2,
                    "error": {"errorId": "error.server.unavailable", "message": "Assistance service unavailable."}}
        return {"__type": ASTATE, "isDelta": False, "state": 1}

    def bad_line(self) -> None:
        if self.rng.random() < 0.5:
            self.out.write('{"__type": "urn:inin.com:interactions:historyMessage", "isDelta": tru\n')
        else:
            self.line({"__type": HISTORY, "isDelta": True,
                       "interactionHistory": [{"interactionId": self.rng.choice(self.recent) if self.recent
                                               else "0", "direction": "2"}]})
        self.remaining -= 1

    def run(self) -> None:
        self.exchange("PUT", "subscriptions/interaction-history", 204, body={"numberOfHistoryMessages": BOUND})
        self.exchange("PUT", "subscriptions/interactions/agent-assistance", 204)
        if self.remaining > 0:
            items = [self.new_item() for _ in range(min(BOUND, 50))]
            self.line({"__type": HISTORY, "isDelta": False, "interactionHistory": items})
            self.remaining -= 1
        if self.remaining > 0:
            self.line({"__type": ALIST, "isDelta": False, "requestsAdded": []})
            self.remaining -= 1
        while self.remaining > 0:
            r = self.rng.random()
            if self.remaining in self.forced_bad:
                self.forced_bad.discard(self.remaining)
                self.bad_line()
            elif r < 0.0001:
                self.bad_line()
            elif r < 0.02:  # a polling response saved by the client: an exchange record
                batch = [self.message() for _ in range(min(self.remaining, self.rng.randint(1, 6)))]
                self.exchange("GET", "messages", 200, response=batch)
                self.remaining -= len(batch)
            elif r < 0.025:  # a poll that found nothing
                self.exchange("GET", "messages", 200)
            elif r < 0.04:  # a bare polling array
                batch = [self.message() for _ in range(min(self.remaining, self.rng.randint(2, 4)))]
                self.line(batch)
                self.remaining -= len(batch)
            else:
                self.line(self.message())
                self.remaining -= 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of messages to write")
    parser.add_argument("out", help="output JSON-lines file")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be non-negative")
    with open(args.out, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        Generator(args.n, out, args.seed).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
