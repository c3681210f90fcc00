"""Section 3: the subscription lifecycle, row by row of the spec's table, and the server-reported transitions."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import (
    ASSIST_PATH,
    DIRECTORY,
    HISTORY_PATH,
    SUBS,
    T0,
    T1,
    alist,
    astate,
    core,
    delete,
    end_session,
    ev,
    generic,
    hist,
    history_ids,
    item,
    kinds,
    opened,
    put,
    qstate,
    queue,
    request,
)

from icws_state import (
    NOT_ACTIVE,
    Anomaly,
    InvalidMessage,
    SessionChanged,
    StateCache,
    SubscriptionChanged,
    SubscriptionState,
    TransitionAnomaly,
    state_diagram,
)
from icws_state._subscriptions import SERVER_TRANSITIONS, Input

NONE, NORMAL, SUSPENDED, FAULTED = SubscriptionState

ERR = {"errorId": "error.x", "message": "Boom."}


def fields(cache: StateCache, path: str) -> dict[str, Any]:
    return dict(cache.snapshot()["subscriptions"][path])


FRESH = {
    "state": "none",
    "closed": False,
    "resyncNeeded": True,
    "stale": False,
    "gone": False,
    "error": None,
    "parameters": {},
}


# ----------------------------------------------------------------------------------------------------
# Seeing a path
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [100, 101, 199, 300, 302, 399, 600, 99, -1, 10**30])
@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_other_statuses_only_make_the_path_seen(method: str, status: int) -> None:
    cache = StateCache()
    changes = request(cache, method, HISTORY_PATH, status, body={"numberOfHistoryMessages": 1}, response=ERR)
    assert fields(cache, HISTORY_PATH) == FRESH
    assert kinds(changes) == ["SubscriptionChanged"]
    assert changes[0] == ev(
        SubscriptionChanged,
        path=HISTORY_PATH,
        before=None,
        after=cache.subscriptions[HISTORY_PATH],
        cause=f"{method} {status}",
    )


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "HEAD"])
def test_other_methods_ignored(method: str) -> None:
    cache = StateCache()
    for status in (200, 204, 400, 410, 500):
        request(cache, method, HISTORY_PATH, status)
    assert len(cache.subscriptions) == 0
    assert cache.stats.messages == 0


def test_path_percent_escapes_decoded_and_query_dropped() -> None:
    cache = StateCache()
    cache.record_response("PUT", SUBS + "queues/q%202?select=x", 204)
    cache.record_response(
        "PUT",
        "https://host:8019" + SUBS + "interaction-history?a=1#f",
        204,
        body={"numberOfHistoryMessages": 3},
    )
    assert set(cache.subscriptions) == {"queues/q 2", HISTORY_PATH}
    assert cache.subscriptions[HISTORY_PATH].parameters == {"numberOfHistoryMessages": 3}
    cache.apply(queue("q 2", added=[{"interactionId": "i"}]))
    assert cache.data_paths() == ["queues/q 2"]
    assert cache.stats.rejected == 0


def test_non_subscription_paths_are_not_seen() -> None:
    cache = StateCache()
    cache.record_response("PUT", "/icws/s1/messaging/messages", 204)
    cache.record_response("PUT", "/icws/s1/status/user-statuses/u1", 204)
    assert len(cache.subscriptions) == 0


def test_data_message_makes_path_seen_with_inferred_normal() -> None:
    cache = StateCache()
    cache.apply(hist(item("1", T0)))
    assert fields(cache, HISTORY_PATH) == {**FRESH, "state": "normal"}


# ----------------------------------------------------------------------------------------------------
# PUT / DELETE outcomes
# ----------------------------------------------------------------------------------------------------


def test_put_204_with_object_body() -> None:
    cache = StateCache()
    body: dict[str, Any] = {"numberOfHistoryMessages": 5, "extra": [1]}
    put(cache, HISTORY_PATH, body=body)
    body["extra"].append(2)  # the record keeps its own copy
    assert fields(cache, HISTORY_PATH) == {
        **FRESH,
        "state": "normal",
        "parameters": {"numberOfHistoryMessages": 5, "extra": [1]},
    }


@pytest.mark.parametrize("body", [None, [1], "x", 5, True])
def test_put_204_with_non_object_body_gives_empty_parameters(body: Any) -> None:
    cache = StateCache()
    put(cache, HISTORY_PATH, body={"numberOfHistoryMessages": 5})
    put(cache, HISTORY_PATH, body=body)
    assert cache.subscriptions[HISTORY_PATH].parameters == {}


def test_put_204_resets_error_gone_closed_and_resync() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(alist(["r"], delta=False))
    put(cache, ASSIST_PATH, status=410, response=ERR)
    assert fields(cache, ASSIST_PATH)["gone"] is True
    put(cache, ASSIST_PATH)
    assert fields(cache, ASSIST_PATH) == {**FRESH, "state": "normal"}
    assert set(cache.assistance_requests) == {"r"}  # kept until a full message replaces it


def test_delete_204_clears_data_and_closes() -> None:
    cache = opened(HISTORY_PATH)
    put(cache, HISTORY_PATH, body={"numberOfHistoryMessages": 9})
    cache.apply(hist(item("1", T0), delta=False))
    changes = delete(cache, HISTORY_PATH)
    assert history_ids(cache) == []
    assert fields(cache, HISTORY_PATH) == {
        "state": "none",
        "closed": True,
        "resyncNeeded": True,
        "stale": False,
        "gone": False,
        "error": None,
        "parameters": {"numberOfHistoryMessages": 9},
    }
    assert "CacheCleared" in kinds(changes)


def test_delete_204_clears_stale_and_error() -> None:
    cache = opened(HISTORY_PATH)
    end_session(cache, ERR)
    assert fields(cache, HISTORY_PATH)["stale"] is True
    delete(cache, HISTORY_PATH)
    f = fields(cache, HISTORY_PATH)
    assert f["stale"] is False and f["error"] is None and f["closed"] is True


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
@pytest.mark.parametrize("status", [400, 403, 404, 409, 429, 499, 500, 503, 599])
def test_failure_sets_error_as_received(method: str, status: int) -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(item("1", T0), delta=False))
    before = fields(cache, HISTORY_PATH)
    response = {"errorId": "e", "message": "bad", "extra": {"n": None}}
    request(cache, method, HISTORY_PATH, status, body={"numberOfHistoryMessages": 0}, response=response)
    assert fields(cache, HISTORY_PATH) == {**before, "error": response}
    assert history_ids(cache) == ["1"]


@pytest.mark.parametrize("response", [None, "text", [1], {"message": 5}, {"errorId": "e"}, {}])
@pytest.mark.parametrize("status", [400, 404, 500, 503, 410, 401])
def test_response_error_fallback(status: int, response: Any) -> None:
    cache = opened(HISTORY_PATH)
    put(cache, HISTORY_PATH, status=status, response=response)
    assert cache.subscriptions[HISTORY_PATH].error == {"message": f"HTTP {status}"}


def test_410_gone_keeps_data() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(alist(["r1"], delta=False))
    delete(cache, ASSIST_PATH, status=410, response=ERR)
    assert fields(cache, ASSIST_PATH) == {
        "state": "none",
        "closed": True,
        "resyncNeeded": False,
        "stale": False,
        "gone": True,
        "error": ERR,
        "parameters": {},
    }
    assert set(cache.assistance_requests) == {"r1"}


# ----------------------------------------------------------------------------------------------------
# 401: the session ends
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/icws/s1/messaging/messages"),
        ("POST", "/icws/s1/connection"),
        ("PUT", SUBS + HISTORY_PATH),
        ("DELETE", SUBS + "queues/q1"),
        ("GET", "/anything/at/all?x=1"),
    ],
)
def test_401_on_any_path_and_method_ends_session(method: str, path: str) -> None:
    cache = opened(HISTORY_PATH, ASSIST_PATH)
    cache.apply(hist(item("1", T0), delta=False))
    cache.apply(astate(2))
    changes = cache.record_response(method, path, 401, response=ERR)
    assert cache.session_ended is True
    assert cache.snapshot()["sessionEnded"] is True
    for p in cache.subscriptions:
        f = fields(cache, p)
        assert (f["state"], f["closed"], f["stale"], f["error"]) == ("none", True, True, ERR), p
    assert fields(cache, HISTORY_PATH)["resyncNeeded"] is False  # blank cell: unchanged
    assert history_ids(cache) == ["1"]  # kept for display
    assert sum(isinstance(e, SessionChanged) and e.ended for e in changes) == 1
    assert "Anomaly" not in kinds(changes)


def test_paths_first_seen_after_401_start_closed() -> None:
    cache = opened(HISTORY_PATH)
    end_session(cache)
    put(cache, "queues/q1", status=500)
    f = fields(cache, "queues/q1")
    assert f["closed"] is True and f["state"] == "none"
    # a message for a path not yet seen while the session has ended is rejected and makes nothing seen
    before = core(cache)
    cache.apply(alist(["r1"]))
    assert core(cache) == before
    assert cache.rejected[-1].reason == NOT_ACTIVE
    assert ASSIST_PATH not in cache.subscriptions


def test_put_204_after_401_reopens_and_resets_session_but_keeps_stale() -> None:
    cache = opened(HISTORY_PATH, ASSIST_PATH)
    cache.apply(hist(item("1", T0), delta=False))
    end_session(cache, ERR)
    changes = put(cache, HISTORY_PATH)
    assert cache.session_ended is False
    assert ev(SessionChanged, ended=False, cause="PUT 204") in list(changes)
    assert fields(cache, HISTORY_PATH) == {
        "state": "normal",
        "closed": False,
        "resyncNeeded": True,
        "stale": True,
        "gone": False,
        "error": None,
        "parameters": {},
    }
    # the other path is still closed: only its own PUT opens it
    assert fields(cache, ASSIST_PATH)["closed"] is True
    cache.apply(alist(["x"]))
    assert cache.rejected[-1].reason == NOT_ACTIVE
    # a delta does not clear stale; a full data message does
    cache.apply(hist(item("2", T1)))
    assert fields(cache, HISTORY_PATH)["stale"] is True
    assert history_ids(cache) == ["1", "2"]
    cache.apply(hist(item("3", T1), delta=False))
    f = fields(cache, HISTORY_PATH)
    assert f["stale"] is False and f["resyncNeeded"] is False


def test_put_204_on_new_path_after_401_opens_it() -> None:
    cache = StateCache()
    end_session(cache)
    put(cache, "queues/q1")
    assert fields(cache, "queues/q1")["closed"] is False
    assert cache.session_ended is False
    put(cache, "queues/q2", status=400)
    assert fields(cache, "queues/q2")["closed"] is False  # the session is live again


def test_second_401_emits_no_second_session_event() -> None:
    cache = opened(HISTORY_PATH)
    end_session(cache)
    changes = end_session(cache, {"message": "again"})
    assert not any(isinstance(e, SessionChanged) for e in changes)
    assert cache.subscriptions[HISTORY_PATH].error == {"message": "again"}


def test_generic_store_belongs_to_no_path_and_survives_401() -> None:
    cache = opened(HISTORY_PATH)
    cache.apply(generic(DIRECTORY, delta=False, subscriptionId="d", a=1))
    end_session(cache)
    delete(cache, HISTORY_PATH)
    assert dict(cache.other[f"{DIRECTORY}|d"]) == {"subscriptionId": "d", "a": 1}  # no request outcome touches it
    cache.apply(generic(DIRECTORY, subscriptionId="d", b=2))  # it has no subscription to be closed
    assert dict(cache.other[f"{DIRECTORY}|d"]) == {"subscriptionId": "d", "a": 1, "b": 2}
    assert set(cache.subscriptions) == {HISTORY_PATH}


def test_failed_put_does_not_resume_session() -> None:
    cache = opened(HISTORY_PATH)
    end_session(cache)
    put(cache, HISTORY_PATH, status=500)
    put(cache, HISTORY_PATH, status=410)
    assert cache.session_ended is True


# ----------------------------------------------------------------------------------------------------
# Messages and the lifecycle
# ----------------------------------------------------------------------------------------------------


def test_full_data_clears_resync_and_stale_and_infers_normal() -> None:
    cache = StateCache()
    cache.apply(alist(["a"], delta=False))
    f = fields(cache, ASSIST_PATH)
    assert (f["state"], f["resyncNeeded"], f["stale"]) == ("normal", False, False)


def test_data_message_does_not_change_suspended_or_faulted() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(astate(2))
    cache.apply(alist(["a"], delta=False))
    assert cache.subscriptions[ASSIST_PATH].state is SUSPENDED
    cache.apply(astate(3))
    cache.apply(alist(["b"]))
    assert cache.subscriptions[ASSIST_PATH].state is FAULTED


def test_state_message_full_sets_error_or_null() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(astate(2, ERR))
    assert cache.subscriptions[ASSIST_PATH].error == ERR
    cache.apply(astate(1))
    assert cache.subscriptions[ASSIST_PATH].error is None


def test_state_message_delta_sets_error_only_when_present() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(astate(2, ERR))
    cache.apply(astate(1, delta=True))
    assert cache.subscriptions[ASSIST_PATH].error == ERR
    cache.apply(astate(2, {"message": "new"}, delta=True))
    assert cache.subscriptions[ASSIST_PATH].error == {"message": "new"}


def test_state_zero_makes_none_but_not_closed() -> None:
    cache = opened(ASSIST_PATH)
    cache.apply(astate(0))
    f = fields(cache, ASSIST_PATH)
    assert f["state"] == "none" and f["closed"] is False
    cache.apply(alist(["a"]))  # still accepted, and infers normal again
    assert cache.subscriptions[ASSIST_PATH].state is NORMAL
    assert cache.stats.rejected == 0


def test_state_message_first_is_not_inferred() -> None:
    cache = StateCache()
    changes = cache.apply(astate(2))
    sub = cache.subscriptions[ASSIST_PATH]
    assert sub.state is SUSPENDED
    assert [(t.before, t.after) for t in sub.transitions] == [(NONE, SUSPENDED)]
    assert "Anomaly" in kinds(changes)


def test_queue_state_message_drives_its_own_path() -> None:
    cache = opened("queues/q1", "queues/q2")
    cache.apply(qstate("q1", 2, ERR))
    assert cache.subscriptions["queues/q1"].state is SUSPENDED
    assert cache.subscriptions["queues/q1"].error == ERR
    assert cache.subscriptions["queues/q2"].state is NORMAL


@pytest.mark.parametrize("close", ["delete", "gone", "401"])
def test_messages_for_closed_path_rejected(close: str) -> None:
    cache = opened(HISTORY_PATH, ASSIST_PATH)
    cache.apply(hist(item("1", T0), delta=False))
    cache.apply(alist(["r"], delta=False))
    if close == "delete":
        delete(cache, ASSIST_PATH)
        delete(cache, HISTORY_PATH)
    elif close == "gone":
        delete(cache, ASSIST_PATH, status=410)
        put(cache, HISTORY_PATH, status=410)
    else:
        end_session(cache)
    before = core(cache)
    for msg in (hist(item("2", T1)), hist(delta=False), alist(["x"]), astate(1), astate(3, ERR)):
        changes = cache.apply(msg)
        assert kinds(changes) == ["Rejected"]
    assert core(cache) == before
    assert [r.reason for r in cache.rejected] == [NOT_ACTIVE] * 5
    put(cache, ASSIST_PATH)  # until a PUT 204 opens it again
    cache.apply(astate(2))
    assert cache.subscriptions[ASSIST_PATH].state is SUSPENDED


def test_closed_rejection_strict() -> None:
    cache = opened(ASSIST_PATH, strict=True)
    delete(cache, ASSIST_PATH)
    msg = astate(1)
    with pytest.raises(InvalidMessage) as info:
        cache.apply(msg)
    assert info.value.reason == NOT_ACTIVE and info.value.message == msg


# ----------------------------------------------------------------------------------------------------
# Transitions
# ----------------------------------------------------------------------------------------------------


def _reach(cache: StateCache, state: SubscriptionState) -> None:
    """Bring the assistance path to ``state`` along allowed transitions only."""
    put(cache, ASSIST_PATH)
    if state is NONE:
        cache.apply(astate(0))
    elif state in (SUSPENDED, FAULTED):
        cache.apply(astate(int(state)))


ALLOWED = [
    (NONE, NORMAL),
    (NORMAL, SUSPENDED),
    (SUSPENDED, NORMAL),
    (NORMAL, FAULTED),
    (SUSPENDED, FAULTED),
    (NORMAL, NONE),
    (SUSPENDED, NONE),
    (FAULTED, NONE),
]
DISALLOWED = [(FAULTED, SUSPENDED), (FAULTED, NORMAL), (NONE, SUSPENDED), (NONE, FAULTED)]


def test_tables_agree_with_spec() -> None:
    moves = {(a, b) for a, b in SERVER_TRANSITIONS if a != b}
    assert moves == set(ALLOWED)


@pytest.mark.parametrize(("before", "after"), ALLOWED)
def test_allowed_server_transition_no_anomaly(before: SubscriptionState, after: SubscriptionState) -> None:
    cache = StateCache(strict=True)
    _reach(cache, before)
    assert cache.subscriptions[ASSIST_PATH].state is before
    changes = cache.apply(astate(int(after)))
    sub = cache.subscriptions[ASSIST_PATH]
    assert sub.state is after
    assert not any(isinstance(e, Anomaly) for e in changes)
    assert (sub.transitions[-1].before, sub.transitions[-1].after, sub.transitions[-1].allowed) == (
        before,
        after,
        True,
    )
    assert all(t.allowed for t in sub.transitions)


@pytest.mark.parametrize(("before", "after"), DISALLOWED)
def test_disallowed_transition_takes_effect_and_is_an_anomaly(
    before: SubscriptionState, after: SubscriptionState
) -> None:
    cache = StateCache()
    _reach(cache, before)
    changes = cache.apply(astate(int(after), ERR))
    sub = cache.subscriptions[ASSIST_PATH]
    assert sub.state is after and sub.error == ERR
    (anomaly,) = [e for e in changes if isinstance(e, Anomaly)]
    t = anomaly.transition
    assert (t.path, t.before, t.after, t.allowed, t.via) == (
        ASSIST_PATH,
        before,
        after,
        False,
        Input.STATE_MESSAGE,
    )
    assert t.cause == astate(0)["__type"]
    assert sub.transitions[-1] == t


@pytest.mark.parametrize(("before", "after"), DISALLOWED)
def test_strict_anomaly_raised_after_taking_effect(before: SubscriptionState, after: SubscriptionState) -> None:
    cache = StateCache(strict=True)
    _reach(cache, before)
    seen: list[Any] = []
    cache.add_listener(seen.append)
    with pytest.raises(TransitionAnomaly) as info:
        cache.apply(astate(int(after), ERR))
    assert cache.subscriptions[ASSIST_PATH].state is after
    assert cache.subscriptions[ASSIST_PATH].error == ERR
    assert info.value.transition.before is before and info.value.transition.after is after
    assert any(isinstance(e, Anomaly) for e in seen)  # listeners still heard about it
    assert cache.stats.applied >= 1 and cache.rejected == ()


def test_data_message_on_none_state_after_state_zero_is_allowed() -> None:
    cache = StateCache(strict=True)
    _reach(cache, NONE)
    cache.apply(alist(["a"]))
    assert cache.subscriptions[ASSIST_PATH].state is NORMAL


def test_faulted_to_normal_through_put_is_allowed() -> None:
    cache = StateCache(strict=True)
    _reach(cache, FAULTED)
    changes = put(cache, ASSIST_PATH)
    sub = cache.subscriptions[ASSIST_PATH]
    assert sub.state is NORMAL
    assert not any(isinstance(e, Anomaly) for e in changes)
    assert sub.transitions[-1].cause == "PUT 204" and sub.transitions[-1].allowed


def test_strict_batch_anomaly_stops_after_the_message() -> None:
    cache = StateCache(strict=True)
    _reach(cache, FAULTED)
    with pytest.raises(TransitionAnomaly):
        cache.apply_batch([alist(["a"]), astate(2), alist(["b"])])
    assert set(cache.assistance_requests) == {"a"}
    assert cache.subscriptions[ASSIST_PATH].state is SUSPENDED


def test_transitions_recorded_in_order_with_causes() -> None:
    cache = StateCache()
    put(cache, ASSIST_PATH)
    cache.apply(astate(2))
    cache.apply(astate(1))
    cache.apply(astate(3))
    put(cache, ASSIST_PATH)
    end_session(cache)
    put(cache, ASSIST_PATH)
    delete(cache, ASSIST_PATH, status=410)
    put(cache, ASSIST_PATH)
    cache.apply(astate(1))  # no change: no transition
    delete(cache, ASSIST_PATH)
    st = astate(0)["__type"]
    got = [(t.before.name, t.after.name, t.cause) for t in cache.subscriptions[ASSIST_PATH].transitions]
    assert got == [
        ("NONE", "NORMAL", "PUT 204"),
        ("NORMAL", "SUSPENDED", st),
        ("SUSPENDED", "NORMAL", st),
        ("NORMAL", "FAULTED", st),
        ("FAULTED", "NORMAL", "PUT 204"),
        ("NORMAL", "NONE", "GET 401"),
        ("NONE", "NORMAL", "PUT 204"),
        ("NORMAL", "NONE", "DELETE 410"),
        ("NONE", "NORMAL", "PUT 204"),
        ("NORMAL", "NONE", "DELETE 204"),
    ]
    assert [t.via for t in cache.subscriptions[ASSIST_PATH].transitions][:2] == [
        Input.PUT_OK,
        Input.STATE_MESSAGE,
    ]


def test_inferred_transition_cause_is_the_message_type() -> None:
    cache = StateCache()
    msg = hist(item("1", T0))
    cache.apply(msg)
    (t,) = cache.subscriptions[HISTORY_PATH].transitions
    assert (t.before, t.after, t.cause, t.via, t.allowed) == (
        NONE,
        NORMAL,
        msg["__type"],
        Input.DELTA_DATA,
        True,
    )


def test_subscription_changed_event_per_change() -> None:
    cache = StateCache()
    c1 = put(cache, ASSIST_PATH)
    assert kinds(c1) == ["SubscriptionChanged"]  # seen and opened by one input: one event
    (first,) = c1
    assert isinstance(first, SubscriptionChanged)
    assert first.before is None and first.after.state is NORMAL and first.cause == "PUT 204"
    c2 = cache.apply(astate(2, ERR))
    (moved,) = c2
    assert isinstance(moved, SubscriptionChanged)
    assert moved.before is not None and moved.before.state is NORMAL and moved.after.state is SUSPENDED
    assert moved.after.error == ERR
    assert kinds(cache.apply(astate(2, ERR))) == []  # no change, no event
    assert kinds(put(cache, ASSIST_PATH, status=304)) == []
    assert kinds(put(cache, ASSIST_PATH, status=500, response=ERR)) == []  # the same error: nothing changed
    (ev3,) = put(cache, ASSIST_PATH, status=500)
    assert isinstance(ev3, SubscriptionChanged) and ev3.cause == "PUT 500"
    assert ev3.before is not None and ev3.before.error == ERR and ev3.after.error == {"message": "HTTP 500"}


def test_state_diagram_mentions_every_allowed_edge() -> None:
    text = state_diagram()
    assert text.startswith("stateDiagram-v2")
    for before, after in ALLOWED:
        assert f"{before.name.lower()} --> {after.name.lower()}" in text
    assert "faulted --> normal: PUT 2xx" in text
    assert "faulted --> suspended" not in text
    assert "none --> faulted" not in text


def test_subscription_view_is_frozen() -> None:
    cache = opened(HISTORY_PATH)
    sub = cache.subscriptions[HISTORY_PATH]
    assert sub.active and sub.path == HISTORY_PATH
    with pytest.raises(AttributeError):
        sub.state = FAULTED  # type: ignore[misc]
    delete(cache, HISTORY_PATH)
    assert not cache.subscriptions[HISTORY_PATH].active
    assert sub.state is NORMAL  # an old view does not change
