"""Stateful tests: random sessions against a deliberately plain model of the spec.

`SpecModel` is section 3's lifecycle table and rules R2-R7 / R12 written out with dicts, sets and `sorted`, from
the spec text alone; it shares no code with the library. The machines drive the real `StateCache` and the model
with the same inputs and compare every observable after each step (history ids in order, their items, the
assistance ids, queue items, every subscription's seven fields, ``sessionEnded``, the counts), calling the
history store's own `_check` too. Bundles carry ids between rules so that later messages hit cached items.
The explicit cases at the end drive the same rules by hand through R7's edges, which a random run may never draw.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import strategies as gen
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from icws_state import InvalidMessage, StateCache, TransitionAnomaly

Message = dict[str, Any]
STATE_NAMES = ("none", "normal", "suspended", "faulted")
#: Server-reported state changes the spec allows (section 3); any change to none is allowed too.
ALLOWED = {("none", "normal"), ("normal", "suspended"), ("suspended", "normal"), ("normal", "faulted"),
           ("suspended", "faulted")}
HISTORY_PATH, ASSIST_PATH = "interaction-history", "interactions/agent-assistance"
QUEUE_PATHS = ("queues/q1", "queues/q 2")


def overlay(old: Message | None, delta: Message) -> Message:
    """R3: present properties set, ``null`` ones cleared, absent ones kept."""
    out = dict(old or {})
    for k, v in delta.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def order_key(item: Message) -> tuple[int, int, str]:
    """R6: no ``initiationTime`` first, then by instant, then by id."""
    t = item.get("initiationTime")
    return (0, 0, item["interactionId"]) if t is None else (1, gen.icws_instant(t), item["interactionId"])


def response_error(status: int, response: Any) -> Message:
    """Section 3's "the response's error"."""
    if type(response) is dict and type(response.get("message")) is str:
        return copy.deepcopy(response)
    return {"message": f"HTTP {status}"}


class SpecModel:
    """Section 3 and the merge rules for history, the assistance list and queue contents, as plain data."""

    def __init__(self) -> None:
        self.session_ended = False
        self.subs: dict[str, dict[str, Any]] = {}
        self.history: dict[str, Message] = {}
        self.requests: set[str] = set()
        self.queues: dict[str, dict[str, Message]] = {}
        self.applied = self.rejected = 0
        #: The last server-reported transition outside the allowed set, if the last input made one.
        self.anomaly = False

    def see(self, path: str) -> dict[str, Any]:
        if path not in self.subs:
            self.subs[path] = {"state": "none", "closed": self.session_ended, "resyncNeeded": True,
                               "stale": False, "gone": False, "error": None, "parameters": {}}
        return self.subs[path]

    def _clear(self, path: str) -> None:
        if path == HISTORY_PATH:
            self.history = {}
        elif path == ASSIST_PATH:
            self.requests = set()
        else:
            self.queues.pop(path, None)

    def record(self, method: str, path: str | None, status: int, body: Any, response: Any) -> None:
        """A PUT/DELETE outcome on subscription ``path`` (``path`` None: another URL, only a 401 matters)."""
        self.anomaly = False
        if path is not None and method in ("PUT", "DELETE"):
            self.see(path)
        if status == 401:
            self.session_ended = True
            for rec in self.subs.values():
                rec.update(state="none", closed=True, stale=True, error=response_error(status, response))
            return
        if path is None:
            return
        rec = self.subs[path]
        if 200 <= status < 300 and method == "PUT":  # v2: any 2xx succeeds
            self.session_ended = False
            rec.update(state="normal", closed=False, resyncNeeded=True, gone=False, error=None,
                       parameters=copy.deepcopy(body) if type(body) is dict else {})
        elif 200 <= status < 300:
            rec.update(state="none", closed=True, resyncNeeded=True, stale=False, error=None)
            self._clear(path)
        elif status == 410:
            rec.update(state="none", closed=True, gone=True, error=response_error(status, response))
        elif 400 <= status < 600:  # v2: any other 4xx or 5xx, not only 400 and 500
            rec["error"] = response_error(status, response)

    def message(self, path: str, msg: Message) -> bool:
        """Apply a valid message for ``path``; False when the lifecycle rejects it."""
        self.anomaly = False
        rec = self.subs.get(path)
        if (rec is None and self.session_ended) or (rec is not None and rec["closed"]):
            self.rejected += 1
            return False
        rec = self.see(path)
        self.applied += 1
        full = not msg["isDelta"]
        if msg["__type"] in (gen.ASSIST_STATE, gen.QUEUE_STATE):
            before, after = rec["state"], STATE_NAMES[msg["state"]]
            self.anomaly = after not in (before, "none") and (before, after) not in ALLOWED
            rec["state"] = after
            if full or "error" in msg:
                rec["error"] = msg.get("error")
            return True
        if rec["state"] == "none":
            rec["state"] = "normal"
        if full:
            rec.update(resyncNeeded=False, stale=False)
        if msg["__type"] == gen.HISTORY:
            self._history(msg, full, rec["parameters"].get("numberOfHistoryMessages"))
        elif msg["__type"] == gen.ASSIST_LIST:
            if full:
                self.requests = set()
            self.requests |= set(msg.get("requestsAdded", []))
            self.requests -= set(msg.get("requestsRemoved", []))
        else:
            self._queue(path, msg, full)
        return True

    def _history(self, msg: Message, full: bool, bound: Any) -> None:
        if full:
            self.history = {}
        for item in msg.get("interactionHistory", []):
            self.history[item["interactionId"]] = overlay(self.history.get(item["interactionId"]), item)
        if type(bound) is int and bound >= 0:  # R7: 2.0, "3", true and -1 are no bound
            ordered = sorted(self.history.values(), key=order_key)
            # The last min(N, count) remain. `[len - N:]` goes negative when N exceeds the count (issue 21) and
            # `[-N:]` keeps everything at N=0; clamping the start to 0..len is right at every N.
            kept = ordered[len(ordered) - min(bound, len(ordered)):]
            self.history = {i["interactionId"]: i for i in kept}

    def _queue(self, path: str, msg: Message, full: bool) -> None:
        items = self.queues.setdefault(path, {})
        if full:
            items.clear()
        for item in msg.get("interactionsAdded", []):
            items[item["interactionId"]] = overlay(None, item)
        for item in msg.get("interactionsChanged", []):
            old = items.get(item["interactionId"])
            new = overlay(old, item)
            if "attributes" in item:  # a map: merged key by key, null removing a key (R12)
                new["attributes"] = overlay((old or {}).get("attributes"), item["attributes"])
            items[item["interactionId"]] = new
        for key in msg.get("interactionsRemoved", []):
            items.pop(key, None)


# -- the machine ------------------------------------------------------------------------------------------------
_paths = st.sampled_from((HISTORY_PATH, ASSIST_PATH, *QUEUE_PATHS))
_bodies = st.one_of(st.none(), st.integers(0, 4).map(lambda n: {"numberOfHistoryMessages": n}),
                    st.sampled_from([{"numberOfHistoryMessages": 2.0}, {"numberOfHistoryMessages": True},
                                     {"numberOfHistoryMessages": -1}, {}, ["not", "an", "object"]]))
_responses = st.one_of(st.none(), st.just({"message": "nope", "errorId": "e1"}), st.just({"errorId": "e2"}),
                       st.just("text"))


class CacheMachine(RuleBasedStateMachine):
    """History, the assistance list and its state message, and two queue subscriptions, under PUT / DELETE /
    400 / 410 / 401 / 500 outcomes."""

    history_ids = Bundle("history_ids")
    request_ids = Bundle("request_ids")
    queue_ids = Bundle("queue_ids")

    def __init__(self) -> None:
        super().__init__()
        self.cache = StateCache()
        self.model = SpecModel()

    # -- ids --------------------------------------------------------------------------------------------------
    @initialize(target=history_ids, key=gen.ids)
    def first_history_id(self, key: str) -> str:
        return key

    @initialize(target=request_ids, key=gen.ids)
    def first_request_id(self, key: str) -> str:
        return key

    @initialize(target=queue_ids, key=gen.ids)
    def first_queue_id(self, key: str) -> str:
        return key

    @rule(target=history_ids, key=gen.ids)
    def history_id(self, key: str) -> str:
        return key

    @rule(target=request_ids, key=gen.ids)
    def request_id(self, key: str) -> str:
        return key

    @rule(target=queue_ids, key=gen.ids)
    def queue_id(self, key: str) -> str:
        return key

    # -- the client's requests ----------------------------------------------------------------------------------
    @rule(path=_paths, body=_bodies)
    def put(self, path: str, body: Any) -> None:
        self.cache.record_response("PUT", gen.sub_url(path), 204, body)
        self.model.record("PUT", path, 204, body, None)

    @rule(path=_paths)
    def delete(self, path: str) -> None:
        self.cache.record_response("DELETE", gen.sub_url(path), 204)
        self.model.record("DELETE", path, 204, None, None)

    @rule(path=_paths, method=st.sampled_from(["PUT", "DELETE"]), status=st.sampled_from([400, 410, 500, 302]),
          response=_responses)
    def failed(self, path: str, method: str, status: int, response: Any) -> None:
        self.cache.record_response(method, gen.sub_url(path) + "?x=1", status, None, response)
        self.model.record(method, path, status, None, response)

    @rule(path=st.one_of(st.none(), _paths), response=_responses)
    def unauthorized(self, path: str | None, response: Any) -> None:
        if path is None:
            self.cache.record_response("GET", "/icws/s1/messaging/messages", 401, None, response)
            self.model.record("GET", None, 401, None, response)
        else:
            self.cache.record_response("PUT", gen.sub_url(path), 401, None, response)
            self.model.record("PUT", path, 401, None, response)

    # -- the server's messages ----------------------------------------------------------------------------------
    def _send(self, path: str, msg: Message) -> None:
        self.cache.apply(msg)
        self.model.message(path, msg)

    @rule(delta=st.booleans(), items=st.lists(st.tuples(history_ids, gen.history_items()), max_size=4),
          poll=st.booleans())
    def history(self, delta: bool, items: list[tuple[str, Message]], poll: bool) -> None:
        msg = {"__type": gen.HISTORY, "isDelta": delta,
               "interactionHistory": [{**item, "interactionId": k} for k, item in items]}
        if poll:  # the same message, delivered by a messages GET
            self.cache.record_response("GET", "/icws/s1/messaging/messages", 200, None, [msg])
            self.model.message(HISTORY_PATH, msg)
        else:
            self._send(HISTORY_PATH, msg)

    @rule(delta=st.booleans(), added=st.lists(request_ids, max_size=3), removed=st.lists(request_ids, max_size=3))
    def assistance_list(self, delta: bool, added: list[str], removed: list[str]) -> None:
        self._send(ASSIST_PATH, {"__type": gen.ASSIST_LIST, "isDelta": delta, "requestsAdded": added,
                                 "requestsRemoved": removed})

    @rule(msg=gen.assistance_state_messages())
    def assistance_state(self, msg: Message) -> None:
        self._send(ASSIST_PATH, msg)

    @rule(sid=st.sampled_from(["q1", "q 2"]), delta=st.booleans(),
          added=st.lists(st.tuples(queue_ids, gen.queue_items(nulls=False)), max_size=3),
          changed=st.lists(st.tuples(queue_ids, gen.queue_items(nulls=True)), max_size=3),
          removed=st.lists(queue_ids, max_size=2))
    def queue_contents(self, sid: str, delta: bool, added: list[tuple[str, Message]],
                       changed: list[tuple[str, Message]], removed: list[str]) -> None:
        msg = {"__type": gen.QUEUE, "isDelta": delta, "subscriptionId": sid,
               "interactionsAdded": [{**i, "interactionId": k} for k, i in added],
               "interactionsChanged": [{**i, "interactionId": k} for k, i in changed],
               "interactionsRemoved": removed}
        self._send("queues/" + sid, msg)

    @rule(sid=st.sampled_from(["q1", "q 2"]), data=st.data())
    def queue_state(self, sid: str, data: st.DataObject) -> None:
        self._send("queues/" + sid, data.draw(gen.queue_state_messages(sid)))

    # -- invariants ---------------------------------------------------------------------------------------------
    @invariant()
    def history_matches(self) -> None:
        history = self.cache.history
        history._check()
        expected = sorted(self.model.history.values(), key=order_key)
        assert list(history) == [i["interactionId"] for i in expected]
        assert [dict(i) for i in history.ordered] == expected

    @invariant()
    def assistance_ids_match(self) -> None:
        assert set(self.cache.assistance_requests) == self.model.requests

    @invariant()
    def queues_match(self) -> None:
        for path in QUEUE_PATHS:
            store = self.cache.keyed(path, "interactions")
            if path not in self.model.queues:
                assert store is None
            else:
                assert store is not None
                store._check()
                assert {k: dict(v) for k, v in store.items()} == self.model.queues[path]

    @invariant()
    def subscriptions_match(self) -> None:
        snap = self.cache.snapshot()
        assert snap["subscriptions"] == self.model.subs
        assert snap["sessionEnded"] is self.model.session_ended is self.cache.session_ended
        for path, fields in self.model.subs.items():
            sub = self.cache.subscriptions[path]
            assert (sub.state.name.lower(), sub.closed, sub.resync_needed, sub.stale, sub.gone) == (
                fields["state"], fields["closed"], fields["resyncNeeded"], fields["stale"], fields["gone"])

    @invariant()
    def counts_match(self) -> None:
        s = self.cache.stats
        assert (s.applied, s.rejected) == (self.model.applied, self.model.rejected)
        assert s.messages == s.applied + s.rejected


TestCacheMachine = CacheMachine.TestCase
TestCacheMachine.settings = settings(stateful_step_count=30)  # the rest comes from the loaded profile


class StrictQueueMachine(RuleBasedStateMachine):
    """One queue subscription in strict mode: an invalid or inactive message raises before anything changes; a
    transition the server may not report raises after it has taken effect (section 3, "Strict mode")."""

    keys = Bundle("keys")

    def __init__(self) -> None:
        super().__init__()
        self.cache = StateCache(strict=True)
        self.model = SpecModel()

    @initialize(target=keys, key=gen.ids)
    def first_key(self, key: str) -> str:
        return key

    @rule(target=keys, key=gen.ids)
    def key(self, key: str) -> str:
        return key

    @rule(status=st.sampled_from([204, 204, 400, 410]))
    def put(self, status: int) -> None:
        self.cache.record_response("PUT", gen.sub_url("queues/q1"), status)
        self.model.record("PUT", "queues/q1", status, None, None)

    @rule()
    def delete(self) -> None:
        self.cache.record_response("DELETE", gen.sub_url("queues/q1"), 204)
        self.model.record("DELETE", "queues/q1", 204, None, None)

    @rule(delta=st.booleans(), added=st.lists(keys, max_size=2), removed=st.lists(keys, max_size=2),
          changed=st.lists(st.tuples(keys, gen.queue_items(nulls=True)), max_size=2))
    def contents(self, delta: bool, added: list[str], removed: list[str],
                 changed: list[tuple[str, Message]]) -> None:
        msg = {"__type": gen.QUEUE, "isDelta": delta, "subscriptionId": "q1",
               "interactionsAdded": [{"interactionId": k, "attributes": {"Eic_State": "A"}} for k in added],
               "interactionsChanged": [{**i, "interactionId": k} for k, i in changed],
               "interactionsRemoved": removed}
        self._send(msg)

    @rule(msg=gen.queue_state_messages("q1"))
    def state(self, msg: Message) -> None:
        self._send(msg)

    @rule(bad=gen.invalid_messages())
    def invalid(self, bad: Any) -> None:
        before = self.cache.snapshot_json()
        with pytest.raises(InvalidMessage):
            self.cache.apply(bad)
        assert self.cache.snapshot_json() == before

    def _send(self, msg: Message) -> None:
        before = self.cache.snapshot_json()
        model_before = copy.deepcopy(self.model.subs), copy.deepcopy(self.model.queues)
        accepted = self.model.message("queues/q1", msg)
        if not accepted:
            self.model.rejected -= 1  # strict mode raises instead of recording
            with pytest.raises(InvalidMessage):
                self.cache.apply(msg)
            assert self.cache.snapshot_json() == before
            assert (self.model.subs, self.model.queues) == model_before
        elif self.model.anomaly:
            with pytest.raises(TransitionAnomaly):
                self.cache.apply(msg)
        else:
            self.cache.apply(msg)

    @invariant()
    def matches(self) -> None:
        snap = self.cache.snapshot()
        assert snap["subscriptions"] == self.model.subs
        store = self.cache.keyed("queues/q1", "interactions")
        got = None if store is None else {k: dict(v) for k, v in store.items()}
        assert got == self.model.queues.get("queues/q1")
        assert snap["stats"]["rejected"] == 0


TestStrictQueueMachine = StrictQueueMachine.TestCase
TestStrictQueueMachine.settings = settings(stateful_step_count=20)


# -- explicit cases ---------------------------------------------------------------------------------------------
# Calling the machine's own rules and invariants keeps the model, the cache and the comparison those of the random
# runs; only the sequence is fixed.
def _item(key: str, at: str | None = None) -> Message:
    return {"interactionId": key} if at is None else {"interactionId": key, "initiationTime": at}


def _check_all(machine: CacheMachine) -> None:
    """Every invariant, as Hypothesis runs them after each step."""
    machine.history_matches()
    machine.assistance_ids_match()
    machine.queues_match()
    machine.subscriptions_match()
    machine.counts_match()


def _drive_history(body: Any, messages: list[tuple[bool, list[Message]]]) -> CacheMachine:
    """PUT with no body, PUT with ``body``, then each (isDelta, items) history message, checking after each."""
    machine = CacheMachine()
    machine.put(HISTORY_PATH, None)
    machine.put(HISTORY_PATH, body)
    _check_all(machine)
    for delta, items in messages:
        machine.history(delta, [(i["interactionId"], i) for i in items], False)
        _check_all(machine)
    machine.teardown()
    return machine


def _ids(machine: CacheMachine) -> tuple[list[str], list[str]]:
    """The cache's history ids and the model's, both in R6 order."""
    return list(machine.cache.history), [i["interactionId"] for i in sorted(machine.model.history.values(),
                                                                            key=order_key)]


def test_issue_21_bound_above_count_keeps_every_item() -> None:
    """The failing run of issue 21: N=3 with two items evicts nothing (R7 keeps *at most* N); the model kept
    only '1002' because its slice start went negative."""
    machine = _drive_history({"numberOfHistoryMessages": 3}, [(False, [_item("1001"), _item("1002")])])
    assert _ids(machine) == (["1001", "1002"], ["1001", "1002"])


TWO = [_item("1001"), _item("1002")]


@pytest.mark.parametrize(("body", "messages", "kept"), [
    pytest.param({"numberOfHistoryMessages": 2}, [(False, TWO)], ["1001", "1002"], id="bound-equals-count"),
    pytest.param({"numberOfHistoryMessages": 1}, [(False, TWO)], ["1002"], id="bound-below-count"),
    pytest.param({"numberOfHistoryMessages": 0}, [(False, TWO)], [], id="bound-zero"),
    pytest.param({"numberOfHistoryMessages": 0}, [(False, [])], [], id="bound-zero-no-items"),
    pytest.param({"numberOfHistoryMessages": 3}, [(False, [])], [], id="bound-above-no-items"),
    pytest.param({"numberOfHistoryMessages": 2}, [(False, TWO), (True, [_item("1003")])], ["1002", "1003"],
                 id="delta-past-bound"),
    pytest.param({"numberOfHistoryMessages": 3}, [(False, TWO), (True, [_item("1003")])],
                 ["1001", "1002", "1003"], id="delta-up-to-bound"),
    pytest.param({"numberOfHistoryMessages": 1}, [(False, [_item("a", "2026-11-22T10:00:00Z"), _item("b")])],
                 ["a"], id="untimed-sorts-first-so-goes-first"),
    pytest.param({"numberOfHistoryMessages": 2.0}, [(False, [*TWO, _item("1003")])], ["1001", "1002", "1003"],
                 id="float-is-no-bound"),
    pytest.param({"numberOfHistoryMessages": -1}, [(False, [*TWO, _item("1003")])], ["1001", "1002", "1003"],
                 id="negative-is-no-bound"),
    pytest.param({"numberOfHistoryMessages": True}, [(False, TWO)], ["1001", "1002"], id="boolean-is-no-bound"),
])
def test_history_bound_edges(body: Any, messages: list[tuple[bool, list[Message]]], kept: list[str]) -> None:
    """R7 at and around its edges: N above, at and below the count, N=0, empty messages, values that are no bound."""
    machine = _drive_history(body, messages)
    assert _ids(machine) == (kept, kept)
