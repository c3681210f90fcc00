"""Query APIs (`icws_state._queries`) over the conformance logs 08-10, and the events of each collection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from helpers import CONFORMANCE, needs_conformance

from icws_state import (
    AssistanceRequestState,
    CacheReplaced,
    Event,
    InteractionDirection,
    ItemAdded,
    ItemChanged,
    ItemRemoved,
    ItemsAppended,
    LogInput,
    ParticipantAction,
    PropertiesChanged,
    StateCache,
    SubscriptionState,
    replay,
)
from icws_state._queries import QueueContents
from icws_state._views import (
    AssistanceParticipant,
    HistoryItem,
    QueueInteraction,
    StatusMessage,
    UserPresence,
    UserStatus,
    to_view,
)

HISTORY = "urn:inin.com:interactions:historyMessage"
QUEUE = "urn:inin.com:queues:queueContentsMessage"
USERS = "urn:inin.com:status:userStatusMessage"
CATALOGUE = "urn:inin.com:status:statusMessagesMessage"
DETAILS = "urn:inin.com:interactions.assistance:assistanceRequestDetailsMessage"




def replay_watching(name: str, look: Callable[[StateCache], Any]) -> tuple[StateCache, dict[int, Any]]:
    """Replay a conformance log into a `Cache`, recording ``look(cache)`` after every line."""
    assert CONFORMANCE is not None
    cache = StateCache()
    seen: dict[int, Any] = {}

    def on_input(entry: LogInput, _changes: object) -> None:
        assert entry.line is not None
        seen[entry.line] = look(cache)

    replay(CONFORMANCE / name, cache=cache, on_input=on_input)
    return cache, seen


# ----------------------------------------------------------------------------------------------------
# Queues (conformance 08)
# ----------------------------------------------------------------------------------------------------
@needs_conformance
def test_queue_contents_at_the_end_of_log_08() -> None:
    cache, _ = replay_watching("08-queues.jsonl", lambda c: None)
    assert cache.queue_ids() == ["q1"]  # q2 was cleared by its DELETE 204
    assert cache.queue("q2") is None and cache.queue("nope") is None
    q1 = cache.queue("q1")
    assert q1 is not None
    assert (q1.subscription_id, q1.path, len(q1), list(q1)) == ("q1", "queues/q1", 3, ["i1", "i3", "i4"])
    assert "i3" in q1 and "i2" not in q1 and "i9" not in q1
    assert q1.interaction("i3") == QueueInteraction(
        interaction_id="i3", attributes={"Eic_State": "C", "Eic_RemoteName": "Zoë"},
        conference_parent_id="i1")
    i4 = q1.interaction("i4")
    assert i4 is not None and i4.extra == {"futureProp": "x"}  # otherProp: null left nothing behind
    assert q1.interaction("i2") is None
    # line 5 re-added i1 whole: its old Eic_State went with it
    assert q1.attribute("i1", "Custom_Priority") == "1" and q1.attribute("i1", "Eic_State") is None
    assert q1.attribute("missing", "Eic_State") is None
    assert [v.interaction_id for v in q1.views()] == ["i1", "i3", "i4"]
    assert q1.views()[1] == q1.interaction("i3")
    assert dict(q1.interactions["i4"]) == {"interactionId": "i4", "attributes": {"Eic_State": "A"},
                                           "futureProp": "x"}
    sub = q1.subscription
    assert sub is not None and sub.state is SubscriptionState.SUSPENDED
    assert sub.error == {"message": "queue is being rebuilt"}
    assert sub.parameters["attributeNames"] == ["Eic_State", "Eic_RemoteName"]


@needs_conformance
def test_queue_contents_line_by_line_in_log_08() -> None:
    def look(c: StateCache) -> tuple[list[str], QueueInteraction | None, dict[str, Any] | None]:
        q2 = c.queue("q2")
        q1 = c.queue("q1")
        return (c.queue_ids(), None if q1 is None else q1.interaction("i1"),
                None if q2 is None else dict(q2.properties))

    _, seen = replay_watching("08-queues.jsonl", look)
    assert seen[1] == ([], None, None)  # a PUT alone caches no contents
    assert seen[2][1] == QueueInteraction(interaction_id="i1",
                                          attributes={"Eic_State": "A", "Eic_RemoteName": "Ana"})
    # a changed map merges key by key; a null removes the key
    assert seen[3][1] == QueueInteraction(interaction_id="i1", attributes={"Eic_State": "H"})
    assert seen[9] == (["q1", "q2"], seen[5][1], {"queueNote": "unknown scalar"})
    assert seen[14][0] == ["q1"]


@needs_conformance
def test_a_queue_contents_object_is_live_and_reads_empty_once_cleared() -> None:
    kept: dict[str, QueueContents] = {}

    def look(c: StateCache) -> int:
        q = c.queue("q2")
        if q is not None:
            kept.setdefault("q2", q)
        return len(kept["q2"]) if "q2" in kept else -1

    _, seen = replay_watching("08-queues.jsonl", look)
    assert seen[9] == 1 and seen[13] == 1
    assert seen[14] == 0  # the DELETE 204 cleared it; the object held since line 9 now reads empty
    q2 = kept["q2"]
    assert list(q2) == [] and q2.interaction("j1") is None and q2.properties == {}
    assert q2.subscription is not None and q2.subscription.closed


# ----------------------------------------------------------------------------------------------------
# User statuses and the status catalogue (conformance 09)
# ----------------------------------------------------------------------------------------------------
@needs_conformance
def test_user_status_joined_with_the_catalogue_line_by_line_in_log_09() -> None:
    def look(c: StateCache) -> tuple[dict[str, UserPresence], dict[str, list[str]], dict[str, StatusMessage]]:
        return c.user_statuses(), c.users_by_status(), c.status_messages()

    cache, seen = replay_watching("09-statuses.jsonl", look)
    users, _, catalogue = seen[4]
    u1 = users["u1"]
    assert (u1.text, u1.icon_uri, u1.status_id) == ("Available", "/i/avail.png", "Available")
    assert u1.status.logged_in is True and u1.status.on_phone is False
    assert u1.status.until == {"untilDateTime": "20261122T170000Z"}
    assert u1.message == catalogue["Available"]
    assert catalogue["Available"].is_acd_status is True and catalogue["Away"].is_acd_status is False

    users, by_status, _ = seen[5]
    assert (users["u1"].text, users["u1"].icon_uri) == ("Away from desk", "/i/away.png")
    assert users["u1"].status.until is None  # until: null cleared it
    assert users["u1"].status.logged_in is True  # an upsert merges: absent properties stay
    assert users["u3"] == UserPresence(user_id="u3", status=UserStatus(user_id="u3", status_id="Available"),
                                       message=catalogue["Available"])
    assert by_status == {"Available": ["u3"], "Away": ["u1", "u2"]}

    users, _, _ = seen[6]
    u2 = users["u2"].status
    assert u2.status_changed == datetime(2026, 11, 22, 13, 15, tzinfo=UTC)
    assert u2.on_phone is True and u2.notes == "back at 2" and u2.stations == ("st-2",)

    users, _, catalogue = seen[7]
    assert list(catalogue) == ["Away", "Gone Home"]
    assert users["u1"].text == "Out to lunch"  # the join follows the catalogue's changes
    assert users["u3"].message is None and users["u3"].text is None  # "Available" was removed

    assert list(cache.user_statuses()) == ["u2"]  # the last full message replaced the list
    assert cache.user_status("u1") is None
    u2p = cache.user_status("u2")
    assert u2p is not None and u2p.status == UserStatus(user_id="u2", status_id="Available")
    assert cache.users_by_status() == {"Available": ["u2"]}
    assert cache.status_message("Gone Home") == StatusMessage(
        status_id="Gone Home", message_text="Gone home", is_selectable_status=False)
    assert cache.status_message("Available") is None


def test_status_queries_on_an_empty_cache() -> None:
    cache = StateCache()
    assert cache.user_statuses() == {} and cache.users_by_status() == {} and cache.status_messages() == {}
    assert cache.user_status("u1") is None and cache.status_message("Away") is None
    assert cache.queue_ids() == [] and cache.assistance_request_ids() == []
    assert cache.history_items() == [] and cache.history_item("1") is None


def test_users_without_a_status_id_are_left_out_of_users_by_status() -> None:
    cache = StateCache()
    cache.apply({"__type": USERS, "isDelta": False, "userStatusList": [
        {"userId": "b", "statusId": "Away"}, {"userId": "a", "statusId": "Away"}, {"userId": "c"}]})
    assert cache.users_by_status() == {"Away": ["a", "b"]}
    c = cache.user_status("c")
    assert c is not None and c.status_id is None and c.message is None and c.text is None


# ----------------------------------------------------------------------------------------------------
# Assistance-request details (conformance 10)
# ----------------------------------------------------------------------------------------------------
@needs_conformance
def test_assistance_request_line_by_line_in_log_10() -> None:
    cache, seen = replay_watching("10-assistance-details.jsonl",
                                  lambda c: (c.assistance_request_ids(), c.assistance_request("a1")))
    ids, a1 = seen[4]
    assert ids == ["a1"] and a1 is not None
    assert (a1.assistance_id, a1.interaction_id, a1.state) == ("a1", "i9", AssistanceRequestState.NONE)
    assert a1.participants == (AssistanceParticipant(user_id="ag1", display_name="Agent One",
                                                     action=ParticipantAction.INITIATED),)

    _, a1 = seen[6]
    assert a1.state is AssistanceRequestState.ACCEPTED
    assert [p.user_id for p in a1.participants] == ["ag1", "sup1"]  # sorted by user id
    assert a1.participants[1] == AssistanceParticipant(user_id="sup1", display_name="Sam",
                                                       action=ParticipantAction.ACCEPTED)
    assert [(m.participant_id, m.text) for m in a1.messages] == [
        ("ag1", "Can someone help?"), ("sup1", "On my way"), ("ag1", "Thanks")]  # arrival order
    assert a1.messages[2].time_added == datetime(2026, 11, 22, 10, 1, 5, tzinfo=UTC)

    _, a1 = seen[10]  # lines 8-10 are rejected (a null on the known scalar interactionId among them)
    assert a1 == seen[7][1]
    assert a1.interaction_id == "i9" and a1.state == 7
    assert dict(a1.properties) == {"interactionId": "i9", "state": 7}

    ids, _ = seen[11]
    assert ids == ["a1", "a2"]
    assert [m.text for m in seen[12][1].messages] == ["(history trimmed)"]  # a full message replaces the list

    assert cache.assistance_request_ids() == ["a1"]
    assert cache.assistance_request("a2") is None and cache.assistance_request("zz") is None
    final = cache.assistance_request("a1")
    assert final is not None
    assert (final.participants, final.state, final.interaction_id) == ((), None, None)
    assert set(cache.assistance_requests) == {"a1"}


# ----------------------------------------------------------------------------------------------------
# History
# ----------------------------------------------------------------------------------------------------
def test_history_queries_follow_r6_order_and_build_typed_items() -> None:
    cache = StateCache()
    cache.apply({"__type": HISTORY, "isDelta": False, "interactionHistory": [
        {"interactionId": "b", "initiationTime": "2026-11-22T11:00:00Z", "direction": 2},
        {"interactionId": "a", "initiationTime": "2026-11-22T12:00:00+02:00", "remoteName": "Ana"},
        {"interactionId": "c"},
    ]})
    # no time sorts first; "a" is 10:00Z, before "b" at 11:00Z
    assert [i.interaction_id for i in cache.history_items()] == ["c", "a", "b"]
    assert [i.interaction_id for i in cache.history_items(newest_first=True)] == ["b", "a", "c"]
    b = cache.history_item("b")
    assert b is not None and b.direction is InteractionDirection.OUTGOING
    assert cache.history_item("a") == HistoryItem(
        interaction_id="a", initiation_time=datetime(2026, 11, 22, 10, tzinfo=UTC), remote_name="Ana")
    assert cache.history_item("zz") is None


# ----------------------------------------------------------------------------------------------------
# Change events of every collection
# ----------------------------------------------------------------------------------------------------
E = TypeVar("E", bound=Event)


def event(cls: type[E], **fields: Any) -> E:
    """An expected event. (Written ``ItemAdded(path=...)`` mypy rejects the keywords: `_events` applies
    ``attrs.frozen(kw_only=True)`` through an alias, which the attrs mypy plugin does not follow.)"""
    return cast(Any, cls)(**fields)  # type: ignore[no-any-return]


def _events(cache: StateCache, message: dict[str, Any]) -> list[Event]:
    """Apply ``message`` and return its events, checking that listeners got the same ones."""
    heard: list[Event] = []
    cache.add_listener(heard.append)
    try:
        changes = list(cache.apply(message))
    finally:
        cache.remove_listener(heard.append)
    assert heard == changes
    return changes


def test_queue_interaction_events_added_changed_removed() -> None:
    cache = StateCache()
    cache.apply({"__type": QUEUE, "isDelta": False, "subscriptionId": "q1", "interactionsAdded": [
        {"interactionId": "i1", "attributes": {"Eic_State": "A", "Eic_RemoteName": "Ana"}},
        {"interactionId": "i2", "attributes": {"Eic_State": "C"}}]})
    old_i1 = dict(cache.queue("q1").interactions["i1"])  # type: ignore[union-attr]
    change = {"interactionId": "i1", "attributes": {"Eic_State": "H", "Eic_RemoteName": None}}
    got = _events(cache, {"__type": QUEUE, "isDelta": True, "subscriptionId": "q1",
                          "interactionsAdded": [{"interactionId": "i3", "attributes": {}}],
                          "interactionsChanged": [change], "interactionsRemoved": ["i2", "i9"]})
    new_i1 = {"interactionId": "i1", "attributes": {"Eic_State": "H"}}
    assert got == [
        event(ItemAdded, path="queues/q1", collection="interactions", key="i3",
                  value={"interactionId": "i3", "attributes": {}}),
        event(ItemChanged, path="queues/q1", collection="interactions", key="i1", old=old_i1, new=new_i1),
        event(ItemRemoved, path="queues/q1", collection="interactions", key="i2",
                    old={"interactionId": "i2", "attributes": {"Eic_State": "C"}}),
    ]
    assert cache.queue("q1").interaction("i1") == to_view(new_i1, QueueInteraction)  # type: ignore[union-attr]
    full = _events(cache, {"__type": QUEUE, "isDelta": False, "subscriptionId": "q1",
                           "interactionsAdded": []})
    # a full message: one event, no item events
    assert full == [event(CacheReplaced, path="queues/q1", message_type=QUEUE)]
    assert len(cache.queue("q1")) == 0  # type: ignore[arg-type]


def test_status_message_events_added_changed_removed() -> None:
    cache = StateCache()
    cache.apply({"__type": CATALOGUE, "isDelta": False, "statusMessagesAdded": [
        {"statusId": "Away", "messageText": "Away", "iconUri": "/a.png"},
        {"statusId": "Gone", "messageText": "G"}]})
    got = _events(cache, {"__type": CATALOGUE, "isDelta": True,
                          "statusMessagesChanged": [{"statusId": "Away", "messageText": "Lunch"}],
                          "statusMessagesRemoved": ["Gone"],
                          "statusMessagesAdded": [{"statusId": "New", "isAcdStatus": True}]})
    path, name = "status/status-messages", "statusMessages"
    assert got == [  # events name an item by its store key: the folded status id (R16)
        event(ItemAdded, path=path, collection=name, key="new",
              value={"statusId": "New", "isAcdStatus": True}),
        event(ItemChanged, path=path, collection=name, key="away",
                    old={"statusId": "Away", "messageText": "Away", "iconUri": "/a.png"},
                    new={"statusId": "Away", "messageText": "Lunch", "iconUri": "/a.png"}),
        event(ItemRemoved, path=path, collection=name, key="gone",
              old={"statusId": "Gone", "messageText": "G"}),
    ]
    assert list(cache.status_messages()) == ["Away", "New"]


def test_user_status_events_added_and_changed_and_full_replace() -> None:
    cache = StateCache()
    cache.apply({"__type": USERS, "isDelta": False, "userStatusList": [
        {"userId": "u1", "statusId": "Available", "until": {"untilDateTime": "20261122T170000Z"}}]})
    got = _events(cache, {"__type": USERS, "isDelta": True, "userStatusList": [
        {"userId": "u1", "statusId": "Away", "until": None}, {"userId": "u2", "statusId": "Away"}]})
    path, name = "status/user-statuses", "userStatusList"
    assert got == [
        event(ItemChanged, path=path, collection=name, key="u1",
                    old={"userId": "u1", "statusId": "Available",
                         "until": {"untilDateTime": "20261122T170000Z"}},
                    new={"userId": "u1", "statusId": "Away"}),
        event(ItemAdded, path=path, collection=name, key="u2", value={"userId": "u2", "statusId": "Away"}),
    ]
    # R13: nothing is removed except by a full message, which replaces the list in one event
    full = _events(cache, {"__type": USERS, "isDelta": False, "userStatusList": [{"userId": "u2"}]})
    assert full == [event(CacheReplaced, path=path, message_type=USERS)]
    assert list(cache.user_statuses()) == ["u2"]


def test_assistance_details_events_participants_messages_and_scalars() -> None:
    cache = StateCache()
    cache.apply({"__type": DETAILS, "isDelta": False, "assistanceId": "a1", "interactionId": "i9", "state": 0,
                 "participantsAdded": [{"userId": "ag1", "displayName": "Agent One", "action": 1}],
                 "messagesAdded": [{"text": "help?", "participantId": "ag1"}]})
    path = "interactions/agent-assistance/a1"
    msgs = [{"text": "On my way", "participantId": "sup1", "timeAdded": "2026-11-22T10:01:00Z"},
            {"text": "Thanks", "participantId": "ag1"}]
    got = _events(cache, {"__type": DETAILS, "isDelta": True, "assistanceId": "a1", "state": 1,
                          "participantsAdded": [{"userId": "sup1", "displayName": "Sam", "action": 1}],
                          "participantsChanged": [{"userId": "ag1", "action": 3}],
                          "messagesAdded": msgs})
    assert [e for e in got if isinstance(e, ItemAdded)] == [
        event(ItemAdded, path=path, collection="participants", key="sup1",
                  value={"userId": "sup1", "displayName": "Sam", "action": 1})]
    assert [e for e in got if isinstance(e, ItemChanged)] == [
        event(ItemChanged, path=path, collection="participants", key="ag1",
                    old={"userId": "ag1", "displayName": "Agent One", "action": 1},
                    new={"userId": "ag1", "displayName": "Agent One", "action": 3})]
    assert [e for e in got if isinstance(e, ItemsAppended)] == [
        event(ItemsAppended, path=path, collection="messages", values=tuple(msgs))]
    assert [e for e in got if isinstance(e, PropertiesChanged)] == [
        event(PropertiesChanged, path=path, old={"interactionId": "i9", "state": 0},
                          new={"interactionId": "i9", "state": 1})]
    assert len(got) == 4
    request = cache.assistance_request("a1")
    assert request is not None
    assert [m.text for m in request.messages] == ["help?", "On my way", "Thanks"]
    actions = [p.action for p in request.participants]
    assert actions == [ParticipantAction.ACCEPTED, ParticipantAction.INITIATED]
    # a delta that changes no scalar emits no PropertiesChanged
    quiet = _events(cache, {"__type": DETAILS, "isDelta": True, "assistanceId": "a1", "state": 1})
    assert quiet == []


def test_queue_and_assistance_queries_take_the_id_or_the_path() -> None:
    cache = StateCache()
    cache.apply({"__type": QUEUE, "isDelta": False, "subscriptionId": "q1", "interactionsAdded": []})
    by_id, by_path = cache.queue("q1"), cache.queue("queues/q1")
    assert by_id is not None and by_path is not None and by_path.subscription_id == "q1"
    assert cache.queue("queues/q2") is None
    details = "urn:inin.com:interactions.assistance:assistanceRequestDetailsMessage"
    cache.apply({"__type": details, "isDelta": False, "assistanceId": "a1"})
    got = cache.assistance_request("interactions/agent-assistance/a1")
    assert got is not None and got.assistance_id == "a1"
