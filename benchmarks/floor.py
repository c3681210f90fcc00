"""The floor: the least dict work any correct reducer must do for the benchmark streams.

Dispatch on ``__type``; a full message starts its part afresh; history items are copied in or merged property by
property; assistance ids are a set; queue items are copied in and their attribute maps merged one level down, null
clearing an attribute; configuration objects are keyed by ``configurationId["id"]``, copied in when added, merged
property by property (null clearing) when changed, and popped when removed; statistic values are keyed by the
canonical JSON text of their ``statisticKey`` object (R17: ``json.dumps`` with sorted keys and no spaces, the one
encoding that makes equal objects equal keys) and merged property by property, null clearing, as an upsert list
(R13). No validation, no ordering, no lifecycle, no events: the cost of these is exactly what the ratios to the
floor show.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from .streams import ALIST, CONFIG_USERS, HISTORY, QC, STATISTICS

__all__ = ["Floor", "run_floor"]

Message = dict[str, Any]
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_MAKE: Any = getattr(json.encoder, "c_make_encoder", None)
#: The standard library's C encoder with those settings, made once (``JSONEncoder.encode`` makes one per call).
_C_ENCODE: Any = None if _MAKE is None else _MAKE(None, _ENCODER.default, json.encoder.encode_basestring, None,
                                                  ":", ",", True, False, True)


def _canonical(value: Any) -> str:
    """R17's canonical key text, by the cheapest means the standard library offers."""
    return "".join(_C_ENCODE(value, 0)) if _C_ENCODE is not None else _ENCODER.encode(value)


class Floor:
    """Plain dicts and a set, updated in place; `history` may be prefilled to compare at a given cache size."""

    def __init__(self, history: dict[str, Message] | None = None) -> None:
        self.history: dict[str, Message] = {} if history is None else history
        self.assistance: set[str] = set()
        self.queues: dict[str, dict[str, Message]] = {}
        self.configurations: dict[str, dict[str, Message]] = {}
        self.statistics: dict[str, Message] = {}
        self.table: dict[str, Callable[[Message], None]] = {HISTORY: self.history_message, ALIST: self.assistance_list,
                                                             QC: self.queue_contents,
                                                             CONFIG_USERS: self.configuration_list,
                                                             STATISTICS: self.statistic_values}

    def run(self, messages: Iterable[Message]) -> None:
        table = self.table
        for msg in messages:
            table[msg["__type"]](msg)

    def history_message(self, msg: Message) -> None:
        if not msg["isDelta"]:
            self.history = {}
        store = self.history
        for item in msg.get("interactionHistory", ()):
            key = item["interactionId"]
            current = store.get(key)
            if current is None:
                store[key] = dict(item)
            else:
                current.update(item)

    def assistance_list(self, msg: Message) -> None:
        ids = self.assistance
        if not msg["isDelta"]:
            ids.clear()
        ids.update(msg.get("requestsAdded", ()))
        ids.difference_update(msg.get("requestsRemoved", ()))

    def queue_contents(self, msg: Message) -> None:
        sid = msg["subscriptionId"]
        queue = self.queues.get(sid)
        if queue is None or not msg["isDelta"]:
            queue = self.queues[sid] = {}
        for item in msg.get("interactionsAdded", ()):
            key = item["interactionId"]
            queue[key] = {"interactionId": key, "attributes": dict(item["attributes"])}
        for item in msg.get("interactionsChanged", ()):
            key = item["interactionId"]
            current = queue.get(key)
            if current is None:
                current = queue[key] = {"interactionId": key, "attributes": {}}
            attributes = current["attributes"]
            for name, value in item.get("attributes", {}).items():
                if value is None:
                    attributes.pop(name, None)
                else:
                    attributes[name] = value
        for key in msg.get("interactionsRemoved", ()):
            queue.pop(key, None)

    def configuration_list(self, msg: Message) -> None:
        sid = msg["subscriptionId"]
        objects = self.configurations.get(sid)
        if objects is None or not msg["isDelta"]:
            objects = self.configurations[sid] = {}
        for item in msg.get("added", ()):
            objects[item["configurationId"]["id"]] = dict(item)
        for item in msg.get("changed", ()):
            key = item["configurationId"]["id"]
            current = objects.get(key)
            if current is None:
                current = objects[key] = {}
            for name, value in item.items():
                if value is None:
                    current.pop(name, None)
                else:
                    current[name] = value
        for key in msg.get("removed", ()):
            objects.pop(key, None)

    def statistic_values(self, msg: Message) -> None:
        if not msg["isDelta"]:
            self.statistics = {}
        values = self.statistics
        canonical = _canonical
        for item in msg["statisticValueChanges"]:
            key = canonical(item["statisticKey"])
            current = values.get(key)
            if current is None:
                current = values[key] = {}
            for name, value in item.items():
                if value is None:
                    current.pop(name, None)
                else:
                    current[name] = value


def run_floor(messages: list[Message]) -> None:
    Floor().run(messages)
