"""The read side: nothing a listener or a reader can reach changes the cache.

The cache hands out what it stores without copying (events carry the old and the new item, stores return their
items, typed views wrap them), so every value a caller can reach must be read-only all the way down, or a copy.
Each test reaches everything it can (every event type's fields, every store, query and typed view) and tries every
way to change it in place: ``x[k] = v``, ``del x[k]``, ``.update``, ``.pop``, ``.append``, ``+=``, nested
``x["attributes"]["k"] = v``, attribute assignment on frozen values. An attempt must raise `TypeError` or
`AttributeError`, or act on a copy; afterwards the snapshot is byte-identical to that of a cache nobody touched, and
every read gives what it gave before.
"""

from __future__ import annotations

import copy
import enum
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from datetime import datetime
from functools import partial
from typing import Any

import attrs
import pytest
import strategies as gen
from helpers import CONNECTION as _CONNECTION
from helpers import DIRECTORY, MESSAGES, SUBS, T0, T1, T2, T3
from hypothesis import given
from hypothesis import strategies as st

from icws_state import Event, StateCache


def _probe() -> Any:
    """A new value to write with each attempt (a shared one could end up inside itself, or inside the cache)."""
    return {"evil": ["probe"]}


_SCALARS = (str, int, float, bool, type(None), bytes)


# -- touching everything ------------------------------------------------------------------------------------------
def _children(value: Any) -> Iterator[tuple[str, Any]]:
    """What a caller reaches from ``value`` in one step: a mapping's values, a sequence's or set's items, the fields
    of an attrs value (events, subscription records, typed views)."""
    if attrs.has(type(value)):
        for f in attrs.fields(type(value)):
            yield f".{f.name}", getattr(value, f.name)
    elif isinstance(value, Mapping):
        for k in list(value):
            yield f"[{k!r}]", value[k]
    elif isinstance(value, Sequence | Set) and not isinstance(value, str | bytes):
        for i, v in enumerate(value):
            yield f"[{i}]", v


def _call(target: Any, method: str, *args: Any) -> Any:
    """``target.method(*args)``, looked up only when called (a read-only value may have no such method)."""
    return getattr(target, method)(*args)


def _ior(target: Any, other: Any) -> Any:
    target |= other
    return target


def _iadd(target: Any, other: Any) -> Any:
    target += other
    return target


def _attempts(value: Any) -> Iterator[tuple[str, Callable[[], object]]]:
    """Every way to change ``value`` in place that a caller might try (on an empty plain copy, none that would fail
    for being empty)."""
    v: Any = value
    if attrs.has(type(value)):
        for f in attrs.fields(type(value)):
            yield f"set .{f.name}", partial(setattr, v, f.name, _probe())
            yield f"del .{f.name}", partial(delattr, v, f.name)
        yield "set a new attribute", lambda: setattr(v, "evil", _probe())
        return
    if isinstance(value, Mapping):
        keys = list(value)
        k = keys[0] if keys else "evil"
        yield f"[{k!r}] = ...", lambda: operator.setitem(v, k, _probe())
        yield "[new] = ...", lambda: operator.setitem(v, "evil", _probe())
        yield ".update(...)", lambda: v.update({k: _probe()})
        yield ".setdefault(...)", lambda: v.setdefault("evil", _probe())
        if keys:
            yield f"del [{k!r}]", lambda: operator.delitem(v, k)
            yield f".pop({k!r})", lambda: v.pop(k)
            yield ".popitem()", partial(_call, v, "popitem")
        yield ".clear()", partial(_call, v, "clear")
        yield "|= ...", lambda: _ior(v, {"evil": _probe()})
    elif isinstance(value, Set):
        yield ".add(...)", lambda: v.add("evil")
        yield "|= ...", lambda: _ior(v, {"evil"})
        if value:
            first = next(iter(value))
            yield ".discard(...)", lambda: v.discard(first)
            yield ".remove(...)", lambda: v.remove(first)
        yield ".clear()", partial(_call, v, "clear")
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        yield ".append(...)", lambda: v.append(_probe())
        yield ".extend(...)", lambda: v.extend([_probe()])
        yield ".insert(...)", lambda: v.insert(0, _probe())
        yield "+= ...", lambda: _iadd(v, [_probe()])
        if value:
            yield "[0] = ...", lambda: operator.setitem(v, 0, _probe())
            yield "[:] = ...", lambda: operator.setitem(v, slice(None), [])
            yield "del [0]", lambda: operator.delitem(v, 0)
            yield ".pop()", partial(_call, v, "pop")
            yield ".remove(...)", lambda: v.remove(v[0])
            yield ".reverse()", partial(_call, v, "reverse")
        yield ".clear()", partial(_call, v, "clear")


def attack(value: Any, where: str = "", *, problems: list[str] | None = None,
           seen: dict[int, Any] | None = None) -> list[str]:
    """Try every in-place change on ``value`` and everything reachable from it (children first, so that a change
    that a copy allows does not hide them). Returns what went wrong: an attempt that raised anything but
    `TypeError` / `AttributeError` (a plain copy may also say it is empty), or one that changed a frozen value.
    Whether a change that succeeded acted on a copy is for the caller to check: the cache's snapshot tells."""
    problems = [] if problems is None else problems
    seen = {} if seen is None else seen
    if type(value) in _SCALARS or isinstance(value, enum.Enum | datetime) or id(value) in seen:
        return problems
    seen[id(value)] = value  # kept alive, so that no later temporary view reuses its id
    for step, child in list(_children(value)):
        attack(child, where + step, problems=problems, seen=seen)
    for what, attempt in _attempts(value):
        try:
            attempt()
        except (TypeError, AttributeError):
            continue
        except (LookupError, ValueError) as e:
            if type(value) not in (dict, list, set):  # a plain copy, emptied by an earlier attempt, may say so
                problems.append(f"{where} {what}: {type(e).__name__}: {e}")
            continue
        except Exception as e:
            problems.append(f"{where} {what}: {type(e).__name__}: {e}")
            continue
        if attrs.has(type(value)):
            problems.append(f"{where} {what}: changed a frozen {type(value).__name__}")
    return problems


def render(value: Any, depth: int = 0) -> Any:
    """A plain rendering of what a caller reads, to compare reads before and after an attack."""
    if type(value) in _SCALARS or isinstance(value, enum.Enum | datetime) or depth > 40:
        return repr(value)
    if attrs.has(type(value)):
        return {type(value).__name__: [(n, render(c, depth + 1)) for n, c in _children(value)]}
    if isinstance(value, Mapping):
        return {repr(k): render(c, depth + 1) for k, c in _children(value)}
    if isinstance(value, Sequence | Set) and not isinstance(value, str | bytes):
        return [render(c, depth + 1) for _, c in _children(value)]
    return repr(value)


# -- a session with nested values everywhere ----------------------------------------------------------------------
def _put(path: str, body: Any = None) -> tuple[str, Any]:
    return ("record", ("PUT", SUBS + path, 204, body, None))


def _msg(type_: str, delta: bool, **props: Any) -> tuple[str, Any]:
    return ("apply", {"__type": type_, "isDelta": delta, **props})


_NESTED = {"tags": ["a", {"b": [1, {"c": None}]}], "m": {"k": {"deeper": [[], {}]}}}
_STAT_KEY = {"statisticIdentifier": "inin.workgroup:TotalAgents",
             "parameterValueItems": [{"parameterTypeId": "ININ.People.WorkgroupStats:Workgroup", "value": "Sales"}]}
_STAT_VALUE = {"__type": "urn:inin.com:statistics:statisticIntValue", "value": 4, "statisticValueType": 0}


def _session() -> list[tuple[str, Any]]:
    """One session that causes every kind of event, with nested objects and arrays in every value it caches."""
    h, q, u, s, d = gen.HISTORY, gen.QUEUE, gen.USER_STATUS, gen.STATUS_MESSAGES, gen.DETAILS
    return [
        _put("interaction-history", {"numberOfHistoryMessages": 2, "filter": _NESTED}),
        _put("queues/q1", {"attributeNames": ["Eic_State", "Eic_RemoteName"], "nested": _NESTED}),
        _put("queues/q9"),
        _put("status/user-statuses", {"userIds": ["u1", "u2"]}),
        _put("status/status-messages"),
        _put(gen.STATISTICS_PATH, {"statisticKeys": [_STAT_KEY]}),
        _put("interactions/agent-assistance"),
        _put("interactions/agent-assistance/a1"),
        _put("interactions/agent-assistance/a2"),
        _put("configuration/users/all", {"configurationIds": [{"id": "u1"}], "properties": ["displayName"]}),
        # history: replaced, then an item changed, one added, the oldest evicted (bound 2)
        _msg(h, False, interactionHistory=[{"interactionId": "1001", "initiationTime": T0, "custom": _NESTED},
                                           {"interactionId": "1002", "initiationTime": T1, "custom": [_NESTED]}]),
        _msg(h, True, interactionHistory=[{"interactionId": "1002", "notes": "n", "custom": {"x": [_NESTED]}},
                                          {"interactionId": "1003", "initiationTime": T2, "custom": _NESTED}]),
        # queue: attributes maps, unknown nested item properties and scalars (R15)
        _msg(q, False, subscriptionId="q1", view={"columns": ["a", {"b": [1]}]},
             interactionsAdded=[{"interactionId": "i1", "attributes": {"Eic_State": "A", "Eic_RemoteName": "Ana"},
                                 "custom": _NESTED},
                                {"interactionId": "i2", "attributes": {"Eic_State": "I"}}]),
        _msg(q, True, subscriptionId="q1", view={"columns": [{"c": [2]}]},
             interactionsAdded=[{"interactionId": "i3", "attributes": {"Eic_State": "C"}, "custom": [[_NESTED]]}],
             interactionsChanged=[{"interactionId": "i1", "attributes": {"Eic_State": "C", "Eic_Note": "x"}}],
             interactionsRemoved=["i2"]),
        # user statuses: `until` objects and `stations` lists
        _msg(u, False, userStatusList=[{"userId": "u1", "statusId": "Available", "stations": ["s1", "s2"],
                                        "until": {"date": T3, "nested": _NESTED}, "custom": _NESTED}]),
        _msg(u, True, userStatusList=[{"userId": "u1", "until": {"date": T2, "nested": [_NESTED]}},
                                      {"userId": "u2", "statusId": "AVAILABLE", "icServers": ["ic1"]}]),
        _msg(s, False, statusMessagesAdded=[{"statusId": "Available", "messageText": "Available",
                                             "custom": _NESTED}]),
        _msg(s, True, statusMessagesChanged=[{"statusId": "available", "iconUri": "i.png", "custom": [_NESTED]}]),
        _msg(gen.STATISTICS, False, statisticValueChanges=[{"statisticKey": _STAT_KEY, "statisticValue": _STAT_VALUE,
                                                            "custom": _NESTED}]),
        _msg(gen.STATISTICS, True, statisticValueChanges=[{"statisticKey": _STAT_KEY,
                                                           "statisticValue": {**_STAT_VALUE, "value": 5}}]),
        # assistance details: scalars, participants, appended chat messages
        _msg(d, False, assistanceId="a1", interactionId="i9", state=1, custom=_NESTED,
             participantsAdded=[{"userId": "sup1", "displayName": "Sam", "action": 3, "custom": _NESTED}],
             messagesAdded=[{"text": "Can you join?", "participantId": "ag1", "timeAdded": T0, "custom": _NESTED}]),
        _msg(d, True, assistanceId="a1", state=2, custom=[_NESTED],
             participantsChanged=[{"userId": "sup1", "action": 2, "custom": {"n": [_NESTED]}}],
             messagesAdded=[{"text": "On it", "custom": [_NESTED]}, {"text": "Done", "custom": None}]),
        _msg(d, False, assistanceId="a2", messagesAdded=[{"text": "bye"}]),
        ("record", ("DELETE", SUBS + "interactions/agent-assistance/a2", 204, None, None)),
        _msg(gen.ASSIST_LIST, False, requestsAdded=["r1", "r2"]),
        _msg(gen.ASSIST_LIST, True, requestsAdded=["r3"], requestsRemoved=["r1"]),
        _msg(gen.CONFIG_USERS, False, subscriptionId="all",
             added=[{"configurationId": {"id": "u1", "displayName": "Una"}, "displayName": "Una",
                     "roles": [{"id": "r", "rights": ["a", {"b": []}]}]}]),
        _msg(gen.CONFIG_USERS, True, subscriptionId="all",
             changed=[{"configurationId": {"id": "u1"}, "roles": [[_NESTED]]}]),
        # generic store, connection state (typed generic), subscription states, errors
        _msg(DIRECTORY, False, subscriptionId="d1", entries=[_NESTED, {"e": [_NESTED]}]),
        _msg(DIRECTORY, True, subscriptionId="d1", entries=None, more={"x": [_NESTED]}),
        _msg(_CONNECTION, False, previousConnectionState=1, newConnectionState=1, reason="ok", custom=_NESTED),
        _msg(gen.QUEUE_STATE, False, subscriptionId="q9", state=3,
             error={"message": "faulted", "errorId": "e1", "details": _NESTED}),
        _msg(gen.QUEUE_STATE, False, subscriptionId="q9", state=2),  # faulted -> suspended: an anomaly
        ("record", ("PUT", SUBS + "queues/q2", 500, {"nested": _NESTED},
                    {"message": "boom", "errorId": "e2", "details": _NESTED})),
        _msg(gen.HISTORY, True, interactionHistory=[{"direction": True, "custom": _NESTED}]),  # rejected
        ("record", ("GET", MESSAGES, 401, None, {"message": "expired", "errorId": "e3", "details": _NESTED})),
        _msg(q, True, subscriptionId="q1", interactionsChanged=[{"interactionId": "i1", "custom": _NESTED}]),
    ]


def _feed(cache: StateCache, step: tuple[str, Any]) -> Any:
    kind, value = step
    if kind == "apply":
        return cache.apply(value)
    if kind == "batch":
        return cache.apply_batch(value)
    return cache.record_response(*value)


def _copy_step(step: tuple[str, Any]) -> tuple[str, Any]:
    """A step with its own copy of every value: the cache may keep values of a message by reference (`apply`'s
    documented contract), so two caches must not share them."""
    return copy.deepcopy(step)


def _played(steps: list[tuple[str, Any]], listener: Callable[[Event], object] | None = None) -> StateCache:
    cache = StateCache()
    if listener is not None:
        cache.add_listener(listener)
    for step in steps:
        _feed(cache, _copy_step(step))
    return cache


ALL_EVENT_KINDS = {"ItemAdded", "ItemChanged", "ItemRemoved", "ItemEvicted", "ItemsAppended", "PropertiesChanged",
                   "GenericChanged", "Rejected", "SubscriptionChanged", "SessionChanged", "CacheReplaced",
                   "CacheCleared", "Anomaly"}


# -- listeners ----------------------------------------------------------------------------------------------------
def test_listeners_and_callers_cannot_change_the_cache_through_events() -> None:
    """Every event, as a listener gets it and as the caller gets it back, and everything inside it (ItemAdded.value,
    ItemChanged.old/new, ItemRemoved.old, ItemEvicted.old, ItemsAppended.values, PropertiesChanged.old/new,
    GenericChanged.old/new, Rejected.message, SubscriptionChanged.before/after with their error and parameters,
    SessionChanged.error) resists every in-place change."""
    steps = _session()
    problems: list[str] = []
    seen_kinds: set[str] = set()

    def listener(event: Event) -> None:
        seen_kinds.add(type(event).__name__)
        attack(event, type(event).__name__, problems=problems)

    attacked = StateCache()
    attacked.add_listener(listener)
    for step in steps:
        changes = _feed(attacked, _copy_step(step))
        attack(changes, "returned changes", problems=problems)
    assert not problems
    assert seen_kinds >= ALL_EVENT_KINDS, ALL_EVENT_KINDS - seen_kinds
    untouched = _played(steps)
    assert attacked.snapshot_json() == untouched.snapshot_json()
    assert attacked.stats.rejected == 2  # the invalid history message, and the queue delta after the 401


def _events() -> list[Any]:
    events: list[Any] = []
    _played(_session(), events.append)
    return events


def _event_of(kind: str) -> Any:
    return next(e for e in _events() if type(e).__name__ == kind and (kind != "ItemAdded" or isinstance(
        getattr(e, "value", None), Mapping)))


@pytest.mark.parametrize("kind", sorted(ALL_EVENT_KINDS))
def test_events_are_frozen(kind: str) -> None:
    event = _event_of(kind)
    for field in attrs.fields(type(event)):
        with pytest.raises(AttributeError):
            setattr(event, field.name, "changed")
    with pytest.raises(AttributeError):
        event.extra = 1


def test_nested_values_of_events_are_read_only() -> None:
    """The usual attempts, spelled out: a nested map of an item, a list inside an unknown property, a PUT body's
    nested list in a subscription's parameters, the session's error."""
    events = _events()
    added = next(e for e in events if type(e).__name__ == "ItemAdded" and e.key == "i3")
    with pytest.raises(TypeError):
        added.value["attributes"]["Eic_State"] = "X"
    with pytest.raises(TypeError):
        added.value["custom"][0][0]["tags"][1]["b"][0] = 2
    with pytest.raises(AttributeError):
        added.value["custom"].append(1)
    with pytest.raises(AttributeError):
        added.value.update({"interactionId": "x"})
    with pytest.raises(TypeError):
        del added.value["attributes"]
    changed = next(e for e in events if type(e).__name__ == "SubscriptionChanged"
                   and e.path == "interaction-history" and e.after.parameters)
    with pytest.raises(TypeError):
        changed.after.parameters["filter"]["tags"][0] = "b"
    with pytest.raises(AttributeError):
        changed.after.parameters["filter"]["m"].pop("k")
    ended = next(e for e in events if type(e).__name__ == "SessionChanged" and e.ended)
    with pytest.raises(TypeError):
        ended.error["details"]["tags"][1]["b"] = []



# -- readers ------------------------------------------------------------------------------------------------------
def reads(cache: StateCache) -> dict[str, Any]:
    """Everything a reader can get from the cache of `_session`: stores and their items, history queries, the
    generic store, subscription records, path data, rejected inputs, typed views, the session's end."""
    queue = cache.queue("q1")
    assert queue is not None and cache.session_end is not None
    q_store = cache.keyed("queues/q1", "interactions")
    assert q_store is not None
    history = cache.history
    return {
        "keyed(queues/q1)": q_store,
        "keyed(queues/q1) items": [q_store[k] for k in q_store],
        "keyed(queues/q1).get": q_store.get("i1"),
        "keyed(user statuses)": cache.keyed("status/user-statuses", "userStatusList"),
        "keyed(status messages)": cache.keyed("status/status-messages", "statusMessages"),
        "keyed(statistics)": cache.keyed(gen.STATISTICS_PATH, "statisticValueChanges"),
        "keyed(participants)": cache.keyed("interactions/agent-assistance/a1", "participants"),
        "history": history,
        "history.ordered": history.ordered,
        "history.ordered[0]": history.ordered[0],
        "history.ordered[:]": history.ordered[:],
        "history.newest_first()": list(history.newest_first()),
        "history.latest(5)": history.latest(5),
        "history.between(...)": history.between(T0, "2027-01-01T00:00:00Z"),
        "history.get(...)": history.get("1002"),
        "history.values()": list(history.values()),
        "history_items()": cache.history_items(),
        "history_item(...)": cache.history_item("1003"),
        "other": cache.other,
        "other entries": [cache.other[k] for k in cache.other],
        "other.entry(...)": cache.other.entry(DIRECTORY, "d1"),
        "subscriptions": cache.subscriptions,
        "subscriptions[p]": [cache.subscriptions[p] for p in cache.subscriptions],
        "subscriptions[p].parameters": [cache.subscriptions[p].parameters for p in cache.subscriptions],
        "subscriptions[p].error": [cache.subscriptions[p].error for p in cache.subscriptions],
        "path_data(p)": [cache.path_data(p) for p in cache.data_paths()],
        "path_data(history)": cache.path_data("interaction-history"),
        "assistance_requests": cache.assistance_requests,
        "rejected": cache.rejected,
        "rejected[i].message": [r.message for r in cache.rejected],
        "user_status(...)": cache.user_status("u1"),
        "user_statuses()": cache.user_statuses(),
        "status_messages()": cache.status_messages(),
        "status_message(...)": cache.status_message("AVAILABLE"),
        "queue(...)": queue,
        "queue(...).interactions": queue.interactions,
        "queue(...).properties": queue.properties,
        "queue(...).views()": queue.views(),
        "queue(...).interaction(...)": queue.interaction("i1"),
        "queue(...).subscription": queue.subscription,
        "assistance_request(...)": cache.assistance_request("a1"),
        "statistic_values()": cache.statistic_values(),
        "statistic_value(...)": cache.statistic_value(_STAT_KEY),
        "configuration_list(...)": cache.configuration_list("configuration/users/all"),
        "configuration_object(...)": cache.configuration_object("configuration/users/all", "u1"),
        "session_end": cache.session_end,
        "session_end.error": cache.session_end.error,
        "stats": cache.stats,
        "snapshot()": cache.snapshot(),
    }


def test_readers_cannot_change_the_cache() -> None:
    cache = _played(_session())
    before_bytes = cache.snapshot_json()
    before = render(reads(cache))
    problems: list[str] = []
    for name, value in reads(cache).items():
        attack(value, name, problems=problems)
    assert not problems
    assert cache.snapshot_json() == before_bytes
    assert render(reads(cache)) == before
    assert cache.snapshot_json() == _played(_session()).snapshot_json()


def test_typed_views_are_frozen_all_the_way_down() -> None:
    cache = _played(_session())
    presence: Any = cache.user_status("u1")
    with pytest.raises(AttributeError):
        presence.status = None
    with pytest.raises(AttributeError):
        presence.status.until = {}
    with pytest.raises(TypeError):
        presence.status.until["nested"][0]["tags"][0] = "x"
    with pytest.raises(AttributeError):
        presence.status.stations.append("s3")
    queue: Any = cache.queue("q1")
    with pytest.raises(TypeError):
        queue.interaction("i1").attributes["Eic_State"] = "X"
    with pytest.raises(TypeError):
        queue.interactions["i1"]["attributes"]["Eic_State"] = "X"
    request: Any = cache.assistance_request("a1")
    with pytest.raises(AttributeError):
        request.messages[0].extra["custom"]["tags"].append(1)
    with pytest.raises(TypeError):
        request.properties["custom"][0]["m"]["k"] = 1
    value: Any = cache.statistic_values()[0]
    with pytest.raises(TypeError):
        value.statistic_key["parameterValueItems"][0]["value"] = "Support"
    users: Any = cache.configuration_list("configuration/users/all")
    with pytest.raises(TypeError):
        users["u1"]["roles"][0][0] = {}
    assert cache.snapshot_json() == _played(_session()).snapshot_json()


# -- any session ------------------------------------------------------------------------------------------------
@given(steps=gen.sequences(max_steps=6), more=st.lists(gen.valid_messages(), max_size=3))
def test_no_session_lets_a_listener_or_reader_change_the_cache(steps: list[gen.Step],
                                                               more: list[dict[str, Any]]) -> None:
    """Generated sessions (PUTs, full messages, deltas, batches, lifecycle outcomes): a listener that attacks every
    event and a caller that attacks every returned `Changes`, every store and every item leave the cache exactly as
    an untouched one."""
    problems: list[str] = []
    session = [*steps, *(("apply", m) for m in more)]
    attacked = StateCache()
    attacked.add_listener(lambda e: attack(e, type(e).__name__, problems=problems))
    for step in session:
        attack(_feed(attacked, _copy_step(step)), "changes", problems=problems)
    for path in attacked.data_paths():
        attack(attacked.path_data(path), path, problems=problems)
    attack(attacked.history, "history", problems=problems)
    attack(attacked.other, "other", problems=problems)
    attack(attacked.subscriptions, "subscriptions", problems=problems)
    attack(attacked.rejected, "rejected", problems=problems)
    assert not problems
    untouched = StateCache()
    for step in session:
        _feed(untouched, _copy_step(step))
    assert attacked.snapshot_json() == untouched.snapshot_json()


def test_connection_state_view_is_read_only() -> None:
    cache = _played(_session())
    before = cache.snapshot_json()
    state = cache.connection_state
    assert state is not None and not state.down
    assert not attack(state, "connection_state")
    assert cache.snapshot_json() == before
