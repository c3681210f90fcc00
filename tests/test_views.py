"""Typed views (`icws_state._views`): field names, unknown properties, enums, date-times, immutability."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import cattrs
import pytest
from helpers import CONFORMANCE, needs_conformance

from icws_state import (
    AssistanceRequestState,
    InteractionDirection,
    InteractionHistoryStatus,
    LogInput,
    ParticipantAction,
    StateCache,
    replay,
)
from icws_state import _queries as queries
from icws_state._views import (
    AssistanceMessage,
    AssistanceParticipant,
    AssistanceRequest,
    HistoryItem,
    QueueInteraction,
    StatusMessage,
    UserPresence,
    UserStatus,
    make_view_converter,
    to_view,
)

HISTORY = "urn:inin.com:interactions:historyMessage"
DETAILS = "urn:inin.com:interactions.assistance:assistanceRequestDetailsMessage"




# ----------------------------------------------------------------------------------------------------
# Structuring raw items
# ----------------------------------------------------------------------------------------------------
FULL_HISTORY_ITEM: dict[str, Any] = {
    "interactionId": "100",
    "initiationTime": "2026-11-22T10:00:00.250+01:30",
    "terminationTime": "20261122T101500Z",
    "direction": 1,
    "interactionHistoryStatus": 2,
    "log": "log text",
    "notes": "n",
    "localAddress": "la",
    "localId": "li",
    "localName": "ln",
    "remoteAddress": "ra",
    "remoteId": "ri",
    "remoteName": "Ana",
    "futureProp": {"nested": [1, 2]},
}


def test_history_item_maps_every_camel_case_property_to_its_snake_case_field() -> None:
    item = to_view(FULL_HISTORY_ITEM, HistoryItem)
    assert item == HistoryItem(
        interaction_id="100",
        initiation_time=datetime(2026, 11, 22, 10, 0, 0, 250000,
                                 tzinfo=timezone(timedelta(hours=1, minutes=30))),
        termination_time=datetime(2026, 11, 22, 10, 15, tzinfo=UTC),
        direction=InteractionDirection.INCOMING,
        interaction_history_status=InteractionHistoryStatus.FORWARDED,
        log="log text",
        notes="n",
        local_address="la",
        local_id="li",
        local_name="ln",
        remote_address="ra",
        remote_id="ri",
        remote_name="Ana",
        extra={"futureProp": {"nested": [1, 2]}},
    )


def test_datetimes_are_aware_and_keep_the_offset_they_were_sent_with() -> None:
    item = to_view({"interactionId": "1", "initiationTime": "20261122T100000-0500"}, HistoryItem)
    assert item.initiation_time is not None
    assert item.initiation_time.utcoffset() == timedelta(hours=-5)
    assert item.initiation_time == datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # the same instant
    no_offset = to_view({"interactionId": "1", "initiationTime": "2026-11-22T10:00:00"}, HistoryItem)
    assert no_offset.initiation_time == datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    assert no_offset.initiation_time is not None and no_offset.initiation_time.tzinfo is not None


@pytest.mark.parametrize(
    ("raw", "field", "expected", "expected_type"),
    [
        ({"direction": 2}, "direction", InteractionDirection.OUTGOING, InteractionDirection),
        ({"direction": 3}, "direction", 3, int),
        ({"direction": -1}, "direction", -1, int),
        ({"interactionHistoryStatus": 0}, "interaction_history_status", InteractionHistoryStatus.NONE,
         InteractionHistoryStatus),
        ({"interactionHistoryStatus": 99}, "interaction_history_status", 99, int),
    ],
)
def test_enums_in_range_become_members_and_others_stay_plain_ints(
    raw: dict[str, Any], field: str, expected: int, expected_type: type
) -> None:
    value = getattr(to_view({"interactionId": "1", **raw}, HistoryItem), field)
    assert value == expected
    assert type(value) is expected_type


def test_participant_action_and_request_state_out_of_range_stay_ints() -> None:
    p = to_view({"userId": "u", "action": 4}, AssistanceParticipant)
    assert p.action == 4 and type(p.action) is int
    assert to_view({"userId": "u", "action": 2}, AssistanceParticipant).action is ParticipantAction.IGNORED
    r = to_view({"assistanceId": "a", "state": 7}, AssistanceRequest)
    assert r.state == 7 and type(r.state) is int
    completed = to_view({"assistanceId": "a", "state": 2}, AssistanceRequest).state
    assert completed is AssistanceRequestState.COMPLETED


def test_a_non_integer_enum_is_an_error_not_a_silent_value() -> None:
    with pytest.raises(cattrs.ClassValidationError) as caught:
        to_view({"interactionId": "1", "direction": "1"}, HistoryItem)
    assert any("integer enum" in str(e) for e in caught.value.exceptions)


def test_absent_properties_default_and_unknown_ones_land_in_extra_unchanged() -> None:
    item = to_view({"interactionId": "i", "weird": None, "x": [1]}, QueueInteraction)
    assert item == QueueInteraction(interaction_id="i", extra={"weird": None, "x": [1]})
    assert item.attributes == {} and item.conference_parent_id is None
    status = to_view({"userId": "u"}, UserStatus)
    assert status.stations == () and status.ic_servers == () and status.until is None and status.extra == {}


def test_user_status_lists_become_tuples_and_objects_read_only_mappings() -> None:
    raw = {"userId": "u1", "statusId": "Away", "stations": ["s1", "s2"], "icServers": ["ic1"],
           "until": {"untilDateTime": "20261122T170000Z"}, "onPhone": True, "loggedIn": False,
           "onPhoneChanged": "2026-11-22T09:00:00Z", "forwardNumber": "555", "presenceServer": "p",
           "notes": "n"}
    s = to_view(raw, UserStatus)
    assert s.stations == ("s1", "s2") and s.ic_servers == ("ic1",)
    assert s.until == {"untilDateTime": "20261122T170000Z"}
    assert s.on_phone is True and s.logged_in is False
    assert s.on_phone_changed == datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    assert (s.forward_number, s.presence_server, s.notes) == ("555", "p", "n")
    assert s.until is not None
    with pytest.raises(TypeError):
        s.until["untilDateTime"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        s.extra["y"] = 1  # type: ignore[index]


def test_a_view_does_not_share_its_mappings_with_the_raw_item() -> None:
    raw: dict[str, Any] = {"interactionId": "i", "attributes": {"Eic_State": "A"}, "extra1": "x"}
    view = to_view(raw, QueueInteraction)
    raw["attributes"]["Eic_State"] = "C"
    raw["extra1"] = "changed"
    assert view.attributes == {"Eic_State": "A"}
    assert view.extra == {"extra1": "x"}


def test_status_message_fields() -> None:
    raw = {"statusId": "Available", "messageText": "Available", "iconUri": "/i.png", "groupTag": "G",
           "systemId": "S", "canHaveDate": True, "canHaveTime": False, "isDoNotDisturbStatus": False,
           "isSelectableStatus": True, "isPersistentStatus": False, "isForwardStatus": False,
           "isAfterCallWorkStatus": True, "isAcdStatus": True, "isAllowFollowUpStatus": False,
           "newFlag": True}
    m = to_view(raw, StatusMessage)
    assert (m.status_id, m.message_text, m.icon_uri, m.group_tag, m.system_id) == (
        "Available", "Available", "/i.png", "G", "S")
    assert (m.can_have_date, m.can_have_time, m.is_do_not_disturb_status, m.is_selectable_status) == (
        True, False, False, True)
    assert (m.is_persistent_status, m.is_forward_status, m.is_after_call_work_status, m.is_acd_status,
            m.is_allow_follow_up_status) == (False, False, True, True, False)
    assert m.extra == {"newFlag": True}


def test_append_items_keep_a_null_on_an_unknown_property_in_extra() -> None:
    raw = {"text": "hi", "participantId": "p", "timeAdded": "20261122T100000Z", "mood": None}
    m = to_view(raw, AssistanceMessage)
    assert m == AssistanceMessage(text="hi", participant_id="p",
                                  time_added=datetime(2026, 11, 22, 10, tzinfo=UTC), extra={"mood": None})


def test_views_are_frozen_slotted_keyword_only_and_hashable() -> None:
    item = to_view(FULL_HISTORY_ITEM, HistoryItem)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        item.notes = "x"  # type: ignore[misc]
    assert not hasattr(item, "__dict__")
    with pytest.raises(TypeError):
        HistoryItem("1")  # type: ignore[call-arg]
    twin = to_view(dict(FULL_HISTORY_ITEM), HistoryItem)
    assert {item, twin} == {item}
    other = to_view({**FULL_HISTORY_ITEM, "futureProp": 2}, HistoryItem)
    assert other != item  # extra takes part in equality, though not in the hash
    s = to_view({"userId": "u", "until": {"a": "b"}, "stations": ["x"]}, UserStatus)
    assert hash(s) == hash(to_view({"userId": "u", "until": {"a": "b"}, "stations": ["x"]}, UserStatus))


def test_user_presence_joins_text_and_icon_from_the_catalogue_entry() -> None:
    status = UserStatus(user_id="u1", status_id="Away")
    message = StatusMessage(status_id="Away", message_text="Away from desk", icon_uri="/i/away.png")
    joined = UserPresence(user_id="u1", status=status, message=message)
    assert (joined.status_id, joined.text, joined.icon_uri) == ("Away", "Away from desk", "/i/away.png")
    alone = UserPresence(user_id="u1", status=status)
    assert (alone.status_id, alone.text, alone.icon_uri) == ("Away", None, None)


def test_assistance_request_structures_nested_participants_and_messages_in_order() -> None:
    r = to_view({
        "assistanceId": "a1", "interactionId": "i9", "state": 1,
        "participants": [{"userId": "ag1", "action": 1},
                         {"userId": "sup1", "displayName": "Sam", "action": 3}],
        "messages": [{"text": "one"}, {"text": "two", "timeAdded": "20261122T100000Z"}],
        "properties": {"interactionId": "i9", "state": 1, "futureScalar": "f"},
    }, AssistanceRequest)
    assert r.participants == (AssistanceParticipant(user_id="ag1", action=ParticipantAction.INITIATED),
                              AssistanceParticipant(user_id="sup1", display_name="Sam",
                                                    action=ParticipantAction.ACCEPTED))
    assert [m.text for m in r.messages] == ["one", "two"]
    assert r.state is AssistanceRequestState.ACCEPTED
    assert r.properties == {"interactionId": "i9", "state": 1, "futureScalar": "f"}


def test_each_converter_is_independent() -> None:
    conv = make_view_converter()
    assert conv.structure({"interactionId": "1"}, HistoryItem) == HistoryItem(interaction_id="1")


# ----------------------------------------------------------------------------------------------------
# Views are built on demand from the cache, and are values
# ----------------------------------------------------------------------------------------------------
def test_a_view_is_a_value_taken_when_asked_the_cache_moves_on_without_it() -> None:
    cache = StateCache()
    cache.apply({"__type": HISTORY, "isDelta": False, "interactionHistory": [
        {"interactionId": "1", "initiationTime": "2026-11-22T10:00:00Z", "remoteName": "Ana"}]})
    before = cache.history_item("1")
    cache.apply({"__type": HISTORY, "isDelta": True, "interactionHistory": [
        {"interactionId": "1", "remoteName": "Bea", "direction": 5}]})
    after = cache.history_item("1")
    assert before is not None and after is not None
    assert before.remote_name == "Ana" and before.direction is None
    assert after.remote_name == "Bea" and after.direction == 5 and type(after.direction) is int
    assert after.initiation_time == datetime(2026, 11, 22, 10, tzinfo=UTC)


def test_applying_messages_builds_no_view(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Any] = []

    def counting(raw: Any, cls: Any) -> Any:
        built.append(cls)
        return to_view(raw, cls)

    monkeypatch.setattr(queries, "to_view", counting)
    cache = StateCache()
    cache.apply({"__type": HISTORY, "isDelta": False, "interactionHistory": [{"interactionId": "1"}]})
    cache.apply({"__type": DETAILS, "isDelta": False, "assistanceId": "a1", "state": 1,
                 "participantsAdded": [{"userId": "u"}]})
    assert built == []
    assert cache.history_item("1") == HistoryItem(interaction_id="1")
    assert built == [HistoryItem]


@needs_conformance
def test_conformance_10_enum_out_of_range_and_aware_times_through_the_cache() -> None:
    assert CONFORMANCE is not None
    seen: dict[int | None, AssistanceRequest | None] = {}
    cache = StateCache()

    def look(entry: LogInput, _changes: object) -> None:
        seen[entry.line] = cache.assistance_request("a1")

    replay(CONFORMANCE / "10-assistance-details.jsonl", cache=cache, on_input=look)
    at6, at7 = seen[6], seen[7]
    assert at6 is not None and at7 is not None
    assert at6.state is AssistanceRequestState.ACCEPTED
    assert at7.state == 7 and type(at7.state) is int  # line 7: state 7 is kept (R8), as a plain int
    assert [m.time_added for m in at7.messages] == [
        datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
        datetime(2026, 11, 22, 10, 1, tzinfo=UTC),
        datetime(2026, 11, 22, 10, 1, 5, tzinfo=UTC),
    ]
    assert all(m.time_added is not None and m.time_added.tzinfo is not None for m in at7.messages)
