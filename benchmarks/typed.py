"""The naive typed design, for comparison: structure every message into attrs classes with cattrs, then merge.

This is what a first "typed" implementation tends to look like: one class per message type, a converter that
builds instances from the raw dict (renaming camelCase keys, checking and converting each field), and a reducer
that keeps instances and replaces them with `attrs.evolve` on every delta. An absent property and a null one both
structure to None here, which the real cache must tell apart; the design is measured, not endorsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from .streams import ALIST, HISTORY, QC

__all__ = ["TypedReducer", "run_typed"]

Message = dict[str, Any]


@attrs.define(slots=True)
class HistoryItem:
    interaction_id: str
    initiation_time: str | None = None
    termination_time: str | None = None
    direction: int | None = None
    interaction_history_status: int | None = None
    log: str | None = None
    notes: str | None = None
    local_address: str | None = None
    local_id: str | None = None
    local_name: str | None = None
    remote_address: str | None = None
    remote_id: str | None = None
    remote_name: str | None = None


@attrs.define(slots=True)
class HistoryMessage:
    is_delta: bool
    interaction_history: list[HistoryItem] = attrs.Factory(list)


@attrs.define(slots=True)
class AssistanceRequestList:
    is_delta: bool
    requests_added: list[str] = attrs.Factory(list)
    requests_removed: list[str] = attrs.Factory(list)


@attrs.define(slots=True)
class QueueItem:
    interaction_id: str
    attributes: dict[str, str | None] = attrs.Factory(dict)
    conference_parent_id: str | None = None


@attrs.define(slots=True)
class QueueContents:
    is_delta: bool
    subscription_id: str
    interactions_added: list[QueueItem] = attrs.Factory(list)
    interactions_changed: list[QueueItem] = attrs.Factory(list)
    interactions_removed: list[str] = attrs.Factory(list)


def _camel(name: str) -> str:
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


def make_converter() -> cattrs.Converter:
    """A converter that reads the wire's camelCase keys into the classes' snake_case fields."""
    converter = cattrs.Converter()
    # Called through Any: the typed signature cannot tell field overrides from its own keyword flags.
    make: Callable[..., Any] = make_dict_structure_fn
    for cls in (HistoryItem, HistoryMessage, AssistanceRequestList, QueueItem, QueueContents):
        renames = {f.name: override(rename=_camel(f.name)) for f in attrs.fields(cls) if "_" in f.name}
        converter.register_structure_hook(cls, make(cls, converter, **renames))
    return converter


_HISTORY_FIELDS = tuple(f.name for f in attrs.fields(HistoryItem))


class TypedReducer:
    """Instances by key, replaced with `attrs.evolve` for each delta; the state a typed cache would hold."""

    def __init__(self) -> None:
        self.converter = make_converter()
        self.history: dict[str, HistoryItem] = {}
        self.assistance: set[str] = set()
        self.queues: dict[str, dict[str, QueueItem]] = {}
        self.table: dict[str, Callable[[Message], None]] = {HISTORY: self.history_message, ALIST: self.assistance_list,
                                                             QC: self.queue_contents}

    def run(self, messages: Iterable[Message]) -> None:
        table = self.table
        for msg in messages:
            table[msg["__type"]](msg)

    def history_message(self, raw: Message) -> None:
        msg = self.converter.structure(raw, HistoryMessage)
        if not msg.is_delta:
            self.history = {}
        store = self.history
        for item in msg.interaction_history:
            current = store.get(item.interaction_id)
            if current is None:
                store[item.interaction_id] = item
            else:
                changes = {f: v for f in _HISTORY_FIELDS if (v := getattr(item, f)) is not None}
                store[item.interaction_id] = attrs.evolve(current, **changes)

    def assistance_list(self, raw: Message) -> None:
        msg = self.converter.structure(raw, AssistanceRequestList)
        if not msg.is_delta:
            self.assistance = set()
        self.assistance.update(msg.requests_added)
        self.assistance.difference_update(msg.requests_removed)

    def queue_contents(self, raw: Message) -> None:
        msg = self.converter.structure(raw, QueueContents)
        queue = self.queues.get(msg.subscription_id)
        if queue is None or not msg.is_delta:
            queue = self.queues[msg.subscription_id] = {}
        for item in msg.interactions_added:
            queue[item.interaction_id] = item
        for item in msg.interactions_changed:
            current = queue.get(item.interaction_id)
            attributes = dict(current.attributes) if current is not None else {}
            for name, value in item.attributes.items():
                if value is None:
                    attributes.pop(name, None)
                else:
                    attributes[name] = value
            queue[item.interaction_id] = (QueueItem(item.interaction_id, attributes) if current is None
                                          else attrs.evolve(current, attributes=attributes))
        for key in msg.interactions_removed:
            queue.pop(key, None)


def run_typed(messages: list[Message]) -> None:
    TypedReducer().run(messages)
