"""Synthetic message streams with the shapes of real agent and supervisor traffic, generated deterministically.

The shapes match the project's ``perf-ratio`` tool so the figures are comparable: a history stream where
interactions begin in time order and later deltas of one to four items touch recent ones, with assistance requests
added and removed in between; and one supervisor queue whose interactions arrive, change attributes (some cleared
with null) and leave. A third stream is a client's users list (``schemas.md`` 6.4): 5,000 users in one full
message, then deltas of one to twenty users changed, added or removed. A fourth is a supervisor dashboard's
statistics (``schemas.md`` R17): 200 values (5 statistics for each of 40 workgroups) in one full message, then
deltas of one to ten values, about one in twenty of them ``null`` (no current value). Generators yield lazily so the
bounded-memory check can write a million lines without holding them; ``start`` shifts ids and times so that a
second stream continues the first instead of repeating it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

__all__ = [
    "ALIST",
    "CONFIG_USERS",
    "HISTORY",
    "QC",
    "STATISTICS",
    "T0",
    "Blob",
    "configuration_messages",
    "configuration_stream",
    "history_messages",
    "history_stream",
    "prefill_items",
    "queue_messages",
    "queue_stream",
    "stamp",
    "statistic_messages",
    "statistic_stream",
]

HISTORY = "urn:inin.com:interactions:historyMessage"
ALIST = "urn:inin.com:interactions.assistance:assistanceRequestListMessage"
QC = "urn:inin.com:queues:queueContentsMessage"
CONFIG_USERS = "urn:inin.com:configuration.people:usersMessage"
STATISTICS = "urn:inin.com:statistics:statisticValueMessage"
#: What a workgroup dashboard shows; each is asked for once per workgroup.
WORKGROUP_STATISTICS = ("inin.workgroup:AgentsAvailable", "inin.workgroup:AgentsOnACDCall",
                        "inin.workgroup:InteractionsWaiting", "inin.workgroup:LongestWaitTime",
                        "inin.workgroup:ServiceLevel")
QUEUE_ATTRIBUTES = ("Eic_State", "Eic_RemoteName", "Eic_CallDirection", "Eic_WorkgroupName", "Eic_ConferenceId",
                    "Custom_Priority")
UPDATABLE = ("notes", "terminationTime", "interactionHistoryStatus", "log")
DEPARTMENTS = ("Sales", "Support", "Billing", "Field")
#: Stream interactions start here, three seconds apart; prefilled items sit before it, one second apart.
T0 = datetime(2026, 11, 22, 8, tzinfo=UTC)

Message = dict[str, Any]

try:  # orjson round-trips a stream several times faster than json, which keeps untimed set-up short.
    import orjson

    def _dumps(value: Any) -> bytes:
        return orjson.dumps(value)

    def _loads(data: bytes) -> Any:
        return orjson.loads(data)

except ImportError:  # pragma: no cover - orjson is an optional extra

    def _dumps(value: Any) -> bytes:
        return json.dumps(value).encode()

    def _loads(data: bytes) -> Any:
        return json.loads(data)


def stamp(seconds: float) -> str:
    """The ICWS extended date-time ``seconds`` after `T0` (negative is before)."""
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class Blob:
    """A message list serialized once; `fresh` gives a new deep copy for each timed pass (apply may keep refs)."""

    def __init__(self, messages: list[Message]) -> None:
        self.count = len(messages)
        self._data = _dumps(messages)

    def fresh(self) -> list[Message]:
        value: list[Message] = _loads(self._data)
        return value


def history_messages(seed: int = 7, start: int = 0, full_first: bool = True) -> Iterator[Message]:
    """History deltas (70%) and assistance-list deltas (30%), endless.

    Each history delta holds one to four distinct items: a new interaction (30%) or an update of a recent one
    (notes, terminationTime, status, log). With ``full_first`` the stream opens with full messages of both types
    (20 interactions, some requests); without it, it can continue a cache that already holds data.
    """
    rng = random.Random(seed)
    counter = start

    def new_item() -> Message:
        nonlocal counter
        i, counter = counter, counter + 1
        return {"interactionId": f"2{i:09d}", "initiationTime": stamp(3 * i), "direction": rng.randrange(3),
                "remoteAddress": f"+1317555{rng.randrange(10000):04d}", "remoteName": f"Caller {i}",
                "localName": "Agent One", "localId": "agent1"}

    def update() -> Message:
        # Recent interactions are the ones agents still touch: an exponential step back from the newest.
        i = max(start, counter - 1 - int(rng.expovariate(0.05)))
        item: Message = {"interactionId": f"2{i:09d}"}
        for prop in rng.sample(UPDATABLE, rng.randrange(1, 3)):
            if prop == "interactionHistoryStatus":
                item[prop] = rng.randrange(3)
            elif prop == "terminationTime":
                item[prop] = stamp(3 * i + 120)
            else:
                item[prop] = f"text {rng.randrange(99)}"
        return item

    def assistance(full: bool) -> Message:
        msg: Message = {"__type": ALIST, "isDelta": not full}
        if rng.random() < 0.9:
            msg["requestsAdded"] = [f"r{rng.randrange(30)}" for _ in range(rng.randrange(4))]
        if rng.random() < 0.6:
            msg["requestsRemoved"] = [f"r{rng.randrange(30)}" for _ in range(rng.randrange(4))]
        return msg

    if full_first:
        yield {"__type": HISTORY, "isDelta": False, "interactionHistory": [new_item() for _ in range(20)]}
        yield assistance(True)
    else:  # continue a cache: one new interaction first, so the first update has an item to touch
        yield {"__type": HISTORY, "isDelta": True, "interactionHistory": [new_item()]}
    while True:
        if rng.random() < 0.7:
            items: list[Message] = []
            seen: set[str] = set()
            for _ in range(rng.randrange(1, 5)):
                item = new_item() if rng.random() < 0.3 else update()
                if item["interactionId"] not in seen:
                    seen.add(item["interactionId"])
                    items.append(item)
            yield {"__type": HISTORY, "isDelta": True, "interactionHistory": items}
        else:
            yield assistance(False)


def history_stream(n: int, seed: int = 7, start: int = 0, full_first: bool = True) -> list[Message]:
    return list(islice(history_messages(seed, start, full_first), n))


def queue_messages(seed: int = 11, subscription: str = "sup") -> Iterator[Message]:
    """One queue subscription: a full message of 200 interactions, then deltas that add (25%), change attribute
    values, some to null (85%), and remove (20%, while more than 150 remain), often several at once."""
    rng = random.Random(seed)
    live: list[str] = []
    counter = 0

    def arrive() -> Message:
        nonlocal counter
        key, counter = f"10{counter:08d}", counter + 1
        live.append(key)
        return {"interactionId": key,
                "attributes": {a: f"{a[:3]}{rng.randrange(50)}" for a in QUEUE_ATTRIBUTES}}

    yield {"__type": QC, "isDelta": False, "subscriptionId": subscription,
           "interactionsAdded": [arrive() for _ in range(200)]}
    while True:
        msg: Message = {"__type": QC, "isDelta": True, "subscriptionId": subscription}
        r = rng.random()
        if r < 0.25:
            msg["interactionsAdded"] = [arrive() for _ in range(rng.randrange(1, 3))]
        if r > 0.15:
            msg["interactionsChanged"] = [
                {"interactionId": rng.choice(live),
                 "attributes": {a: rng.choice(("A", "C", "H", "Ana", None))
                                for a in rng.sample(QUEUE_ATTRIBUTES, rng.randrange(1, 3))}}
                for _ in range(rng.randrange(1, 4))]
        if r < 0.2 and len(live) > 150:
            msg["interactionsRemoved"] = [live.pop(rng.randrange(len(live)))]
        yield msg


def queue_stream(n: int, seed: int = 11) -> list[Message]:
    return list(islice(queue_messages(seed), n))


def configuration_messages(seed: int = 13, users: int = 5_000, subscription: str = "all") -> Iterator[Message]:
    """One users-list subscription (``configuration/users/<subscription>``): a full message of ``users`` objects
    keyed by ``configurationId.id``, then deltas of one to twenty users each, changed (70%: an extension, a
    workstation, some cleared with null), added (15%) or removed (15%, while more than 90% of ``users`` remain)."""
    rng = random.Random(seed)
    live: list[str] = []
    counter = 0

    def new_user() -> Message:
        nonlocal counter
        uid, counter = f"user{counter:06d}", counter + 1
        live.append(uid)
        return {"configurationId": {"id": uid, "displayName": f"User {counter}", "uri": f"/configuration/users/{uid}"},
                "extension": f"{1000 + counter}", "defaultWorkstation": f"ws{rng.randrange(400)}",
                "homeSite": {"id": str(rng.randrange(4)), "displayName": "HQ"}, "department": rng.choice(DEPARTMENTS)}

    def changed(uid: str) -> Message:
        item: Message = {"configurationId": {"id": uid}}
        for prop in rng.sample(("extension", "defaultWorkstation", "department"), rng.randrange(1, 3)):
            item[prop] = None if rng.random() < 0.1 else f"{prop[:3]}{rng.randrange(500)}"
        return item

    yield {"__type": CONFIG_USERS, "isDelta": False, "subscriptionId": subscription,
           "added": [new_user() for _ in range(users)]}
    while True:
        msg: Message = {"__type": CONFIG_USERS, "isDelta": True, "subscriptionId": subscription}
        for _ in range(rng.randrange(1, 21)):
            r = rng.random()
            if r < 0.7:
                msg.setdefault("changed", []).append(changed(rng.choice(live)))
            elif r < 0.85 or len(live) <= users * 0.9:
                msg.setdefault("added", []).append(new_user())
            else:
                msg.setdefault("removed", []).append(live.pop(rng.randrange(len(live))))
        yield msg


def configuration_stream(n: int, seed: int = 13) -> list[Message]:
    return list(islice(configuration_messages(seed), n))


def statistic_messages(seed: int = 17, workgroups: int = 40) -> Iterator[Message]:
    """One statistics subscription (``statistics/statistic-values``): a full message holding a value for every
    statistic of `WORKGROUP_STATISTICS` in each of ``workgroups`` workgroups, then deltas of one to ten of those
    values (distinct within a delta), each a new integer value or, one time in twenty, ``null``."""
    rng = random.Random(seed)
    count = workgroups * len(WORKGROUP_STATISTICS)

    def key(i: int) -> Message:  # built afresh each time: no two messages share an object, as when decoded
        workgroup, statistic = divmod(i, len(WORKGROUP_STATISTICS))
        return {"statisticIdentifier": WORKGROUP_STATISTICS[statistic],
                "parameterValueItems": [{"parameterTypeId": "ININ.People.WorkgroupStats:Workgroup",
                                         "value": f"Workgroup {workgroup + 1}"}]}

    def value() -> Message:
        return {"__type": "urn:inin.com:statistics:statisticIntValue", "value": rng.randrange(200),
                "statisticValueType": 0}

    yield {"__type": STATISTICS, "isDelta": False,
           "statisticValueChanges": [{"statisticKey": key(i), "statisticValue": value()} for i in range(count)]}
    while True:
        changes = [{"statisticKey": key(i), "statisticValue": None if rng.random() < 0.05 else value()}
                   for i in rng.sample(range(count), rng.randrange(1, 11))]
        yield {"__type": STATISTICS, "isDelta": True, "statisticValueChanges": changes}


def statistic_stream(n: int, seed: int = 17) -> list[Message]:
    return list(islice(statistic_messages(seed), n))


def prefill_items(n: int, seed: int = 3) -> list[Message]:
    """``n`` history items older than any stream item (ids ``1…``, one second apart, ending just before `T0`)."""
    rng = random.Random(seed)
    first = T0 - timedelta(seconds=n)
    step = timedelta(seconds=1)
    return [{"interactionId": f"1{i:09d}",
             "initiationTime": (first + i * step).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
             "direction": rng.randrange(3), "remoteAddress": f"+1317555{rng.randrange(10000):04d}",
             "remoteName": f"Caller {i}", "localName": "Agent One", "localId": "agent1"}
            for i in range(n)]
