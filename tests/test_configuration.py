"""The thirty configuration-list rows (``schemas.md`` 6.4, contract v3): the table, its rules on every row, the R12
merge laws for a dotted key, the queries a client needs, and what the summary and the diff show.

The table below is copied from the spec, not read from the library, so that a slip in `_configuration` fails here.
Laws are checked against a few lines of plain Python (a dict overlay), as in `test_properties`.
"""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path
from typing import Any

import pytest
import strategies as gen
from helpers import CONFORMANCE, SUBS, USTATUS, delete, ev, full_replace_three_ways, kinds, needs_conformance, put
from hypothesis import given
from hypothesis import strategies as st

from icws_state import (
    NOT_ACTIVE,
    CacheCleared,
    InvalidMessage,
    ItemAdded,
    ItemRemoved,
    Kind,
    StateCache,
    coalesce,
    default_schema,
    replay,
)
from icws_state._cli import main as cli_main
from icws_state._configuration import CONFIGURATION_ROWS, collection_name
from icws_state._summary import diff_snapshots, summarize

Message = dict[str, Any]
PREFIX = "urn:inin.com:configuration."

#: schemas.md 6.4: (``__type`` after the prefix, ``<segment>``, the collection's name: the segment in lower camel case).
SPEC: tuple[tuple[str, str, str], ...] = (
    ("people:usersMessage", "users", "users"),
    ("people:workgroupsMessage", "workgroups", "workgroups"),
    ("people:accessControlGroupsMessage", "access-control-groups", "accessControlGroups"),
    ("people:accountCodesMessage", "account-codes", "accountCodes"),
    ("people:clientButtonsMessage", "client-buttons", "clientButtons"),
    ("people:clientConfigurationTemplatesMessage", "client-configuration-templates", "clientConfigurationTemplates"),
    ("people:clientTemplatesMessage", "client-templates", "clientTemplates"),
    ("people:passwordPoliciesMessage", "password-policies", "passwordPolicies"),
    ("people:queueColumnsMessage", "queue-columns", "queueColumns"),
    ("people:responseManagementDocumentsMessage", "response-management-documents", "responseManagementDocuments"),
    ("people:rolesMessage", "roles", "roles"),
    ("people:schedulesMessage", "schedules", "schedules"),
    ("people:secureInputFormsMessage", "secure-input-forms", "secureInputForms"),
    ("people:skillCategoriesMessage", "skill-categories", "skillCategories"),
    ("people:skillsMessage", "skills", "skills"),
    ("people:statisticParameterGroupsMessage", "statistic-parameter-groups", "statisticParameterGroups"),
    ("people:wrapUpCategoriesMessage", "wrap-up-categories", "wrapUpCategories"),
    ("people:wrapUpCodesMessage", "wrap-up-codes", "wrapUpCodes"),
    ("hardware:audioSourcesMessage", "audio-sources", "audioSources"),
    ("hardware:recordingBeepTonesMessage", "recording-beep-tones", "recordingBeepTones"),
    ("hardware:structuredParametersMessage", "structured-parameters", "structuredParameters"),
    ("integrations:salesforceCTIConfigurationsMessage", "salesforce-cti-configurations", "salesforceCtiConfigurations"),
    ("interactionAnalyzer:keywordSetsMessage", "keyword-sets", "keywordSets"),
    ("system:actionsMessage", "actions", "actions"),
    ("system:dialPlanClassificationsMessage", "dial-plan-classifications", "dialPlanClassifications"),
    ("system:imageResourcesMessage", "image-resources", "imageResources"),
    ("system:layoutsMessage", "layouts", "layouts"),
    ("system:positionsMessage", "positions", "positions"),
    ("system:serverParametersMessage", "server-parameters", "serverParameters"),
    ("system:systemParametersMessage", "system-parameters", "systemParameters"),
)


class Kind30:
    """One configuration type of the spec's table, with the builders its tests use."""

    def __init__(self, type_suffix: str, segment: str, name: str) -> None:
        self.type, self.segment, self.name = PREFIX + type_suffix, segment, name

    def path(self, sid: str = "all") -> str:
        return f"configuration/{self.segment}/{sid}"

    def msg(self, delta: bool = True, sid: str | None = "all", **lists: Any) -> Message:
        out: Message = {"__type": self.type, "isDelta": delta, **lists}
        if sid is not None:
            out["subscriptionId"] = sid
        return out

    def objects(self, cache: StateCache, sid: str = "all") -> list[Message]:
        """The collection as the snapshot lists it (sorted by id)."""
        entry = cache.snapshot()["subscriptionData"].get(self.path(sid))
        return [] if entry is None else list(entry[self.name])

    def __repr__(self) -> str:
        return self.segment


ROWS = [pytest.param(Kind30(*spec), id=spec[1]) for spec in SPEC]
USERS = Kind30(*SPEC[0])


def obj(cid: str, **props: Any) -> Message:
    return {"configurationId": {"id": cid}, **props}


def ids(objects: list[Message]) -> list[str]:
    return [o["configurationId"]["id"] for o in objects]


def opened(kind: Kind30, *sids: str, changes: bool = False) -> StateCache:
    cache = StateCache(changes=changes)
    for sid in sids or ("all",):
        put(cache, kind.path(sid), 200, body={"configurationIds": ["*"], "rightsFilter": "view"})
    return cache


# ----------------------------------------------------------------------------------------------------------------
# The table
# ----------------------------------------------------------------------------------------------------------------
def test_the_thirty_rows_are_the_spec_table() -> None:
    assert len(SPEC) == 30 == len(CONFIGURATION_ROWS)
    assert len({s for _, s, _ in SPEC}) == 30
    schema = default_schema()
    for (suffix, segment, name), row in zip(SPEC, CONFIGURATION_ROWS, strict=True):
        assert schema.row(PREFIX + suffix) is row
        assert (row.type, row.path, row.route, row.state) == (
            PREFIX + suffix, f"configuration/{segment}/{{subscriptionId}}", "subscriptionId", False)
        (c,) = row.collections
        assert (c.name, c.key, c.added, c.changed, c.removed, c.upsert) == (
            name, "configurationId.id", "added", "changed", "removed", None)
        assert dict(c.item) == {"configurationId": Kind.OBJECT} and not c.maps
        assert not (row.id_sets or row.appends or row.scalars or row.required or row.exported_as)


@pytest.mark.parametrize(("segment", "name"), [(s, n) for _, s, n in SPEC] + [("a", "a"), ("a-b-c", "aBC")])
def test_collection_name_is_the_segment_in_lower_camel_case(segment: str, name: str) -> None:
    assert collection_name(segment) == name


@pytest.mark.parametrize("suffix", ["configuration:systemMessage", "configuration.people:defaultUserMessage",
                                    "configuration.system:loginAuthenticationMessage"])
def test_single_object_configuration_types_stay_in_the_generic_store(suffix: str) -> None:
    t = "urn:inin.com:" + suffix
    cache = StateCache()
    cache.apply({"__type": t, "isDelta": False, "subscriptionId": "s", "siteName": "HQ", "x": 1})
    cache.apply({"__type": t, "isDelta": True, "subscriptionId": "s", "x": None})
    assert cache.schema.row(t) is None and cache.data_paths() == []
    assert dict(cache.other[f"{t}|s"]) == {"subscriptionId": "s", "siteName": "HQ"}


# ----------------------------------------------------------------------------------------------------------------
# The rules, on every row
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ROWS)
def test_full_message_opens_the_path_and_keeps_the_put_body(kind: Kind30) -> None:
    cache = opened(kind)
    cache.apply(kind.msg(False, added=[obj("b", a=1), obj("a")], revision=3))
    snap = cache.snapshot()
    assert snap["subscriptionData"] == {kind.path(): {
        "type": kind.type, "properties": {"revision": 3}, kind.name: [obj("a"), obj("b", a=1)]}}
    sub = snap["subscriptions"][kind.path()]
    assert (sub["state"], sub["resyncNeeded"], sub["parameters"]) == (
        "normal", False, {"configurationIds": ["*"], "rightsFilter": "view"})
    assert StateCache.from_snapshot(snap) == cache


@pytest.mark.parametrize("kind", ROWS)
def test_a_removed_id_that_is_not_cached_is_no_error(kind: Kind30) -> None:
    cache = opened(kind, changes=True)
    cache.apply(kind.msg(False, added=[obj("a")]))
    changes = cache.apply(kind.msg(removed=["nobody", "a", "a"]))
    assert changes.of_type(ItemRemoved) == [ev(ItemRemoved, path=kind.path(), collection=kind.name, key="a",
                                                old=obj("a"))]
    assert kind.objects(cache) == [] and cache.rejected == ()


@pytest.mark.parametrize("kind", ROWS)
def test_ids_that_differ_only_in_case_are_distinct(kind: Kind30) -> None:
    cache = opened(kind)
    cache.apply(kind.msg(False, added=[obj("bob", n=1), obj("Bob", n=2), obj("BOB", n=3)]))
    cache.apply(kind.msg(changed=[obj("Bob", n=20)], removed=["bob"]))
    assert kind.objects(cache) == [obj("BOB", n=3), obj("Bob", n=20)]
    assert cache.configuration_object(kind.path(), "bob") is None


@pytest.mark.parametrize("kind", ROWS)
def test_an_empty_id_is_a_key_like_any_other(kind: Kind30) -> None:
    cache = opened(kind)
    cache.apply(kind.msg(False, added=[obj(""), obj("a")]))
    cache.apply(kind.msg(changed=[obj("", note="empty")]))
    assert kind.objects(cache) == [obj("", note="empty"), obj("a")]
    cache.apply(kind.msg(removed=[""]))
    assert ids(kind.objects(cache)) == ["a"]


@pytest.mark.parametrize("kind", ROWS)
def test_non_ascii_ids_sort_by_code_point(kind: Kind30) -> None:
    keys = ["é", "z", "Z", "\U0001d7d8", "a", "\u00e9\u0301", "ß", "1"]
    shuffled = keys[:]
    random.Random(3).shuffle(shuffled)
    cache = opened(kind)
    cache.apply(kind.msg(False, added=[obj(k) for k in shuffled]))
    assert ids(kind.objects(cache)) == sorted(keys)
    listing = cache.configuration_list(kind.path())
    assert listing is not None and list(listing) == sorted(keys)


@pytest.mark.parametrize("kind", ROWS)
def test_a_null_clears_a_property(kind: Kind30) -> None:
    cache = opened(kind)
    cache.apply(kind.msg(False, added=[obj("a", extension="101", workstation="ws1", gone=None)]))
    assert kind.objects(cache) == [obj("a", extension="101", workstation="ws1")]  # a full message leaves it out
    cache.apply(kind.msg(changed=[obj("a", workstation=None), obj("new", extension="9", nothing=None)]))
    # the changed item that was not cached is inserted as if merged into nothing: its null leaves nothing behind
    assert kind.objects(cache) == [obj("a", extension="101"), obj("new", extension="9")]


@pytest.mark.parametrize("kind", ROWS)
def test_a_nested_object_is_replaced_whole(kind: Kind30) -> None:
    cache = opened(kind)
    first = {"configurationId": {"id": "b", "displayName": "Bob", "uri": "/configuration/users/b"},
             "homeSite": {"id": "1", "displayName": "HQ"}, "members": ["x", "y"]}
    cache.apply(kind.msg(False, added=[first]))
    cache.apply(kind.msg(changed=[{"configurationId": {"id": "b", "displayName": "Bobby"},
                                   "homeSite": {"id": "2"}, "members": ["z"]}]))
    # neither configurationId nor any other object is a map: no merge one level down (R3, 6.4)
    assert kind.objects(cache) == [{"configurationId": {"id": "b", "displayName": "Bobby"},
                                    "homeSite": {"id": "2"}, "members": ["z"]}]
    cache.apply(kind.msg(changed=[{"configurationId": {"id": "b"}, "homeSite": {"id": "3", "x": None}}]))
    assert kind.objects(cache) == [{"configurationId": {"id": "b"}, "homeSite": {"id": "3", "x": None},
                                    "members": ["z"]}]  # a null nested deeper is part of the value (R3)


@pytest.mark.parametrize("kind", ROWS)
def test_an_added_object_replaces_a_cached_one_whole(kind: Kind30) -> None:
    cache = opened(kind, changes=True)
    cache.apply(kind.msg(False, added=[obj("a", extension="101", workstation="ws1")]))
    changes = cache.apply(kind.msg(added=[obj("a", extension="111")]))
    assert kind.objects(cache) == [obj("a", extension="111")]
    assert kinds(changes) == ["ItemChanged"]


@pytest.mark.parametrize("kind", ROWS)
def test_two_subscriptions_of_one_type_are_two_lists(kind: Kind30) -> None:
    cache = opened(kind, "all", "sales")
    cache.apply(kind.msg(False, "all", added=[obj("a"), obj("b")]))
    cache.apply(kind.msg(False, "sales", added=[obj("ana")]))
    cache.apply(kind.msg(False, "all", added=[obj("c")]))  # replaces its own list only
    assert ids(kind.objects(cache, "all")) == ["c"] and ids(kind.objects(cache, "sales")) == ["ana"]
    assert cache.configuration_paths() == sorted([kind.path("all"), kind.path("sales")])
    assert ev(CacheCleared, path=kind.path("sales")) in list(delete(cache, kind.path("sales")))
    assert cache.configuration_paths() == [kind.path("all")] and cache.configuration_list(kind.path("sales")) is None
    cache.apply(kind.msg(True, "sales", added=[obj("zed")]))
    assert cache.rejected[-1].reason == NOT_ACTIVE and ids(kind.objects(cache, "all")) == ["c"]


REJECTIONS: dict[str, tuple[dict[str, Any], str]] = {
    "changed object without an id": ({"changed": [{"configurationId": {"displayName": "x"}}]},
                                     "changed[0] lacks a string configurationId.id"),
    "an id that is not a string": ({"added": [obj("fine"), {"configurationId": {"id": 7}}]},
                                   "added[1] lacks a string configurationId.id"),
    "configurationId not an object": ({"changed": [{"configurationId": "a"}]}, "lacks a string configurationId.id"),
    "no configurationId": ({"added": [{"extension": "1"}]}, "lacks a string configurationId.id"),
    "a removed id that is not a string": ({"removed": ["dave", 5]}, "removed[1] must be a string"),
    "removed not a list": ({"removed": "dave"}, "removed must be a list of strings"),
    "added not a list of objects": ({"added": ["dave"]}, "added[0] must be an object"),
    "no subscriptionId": ({"subscriptionId": None, "removed": ["dave"]}, "subscriptionId"),
    "an empty subscriptionId": ({"subscriptionId": "", "removed": ["dave"]}, "subscriptionId"),
}


@pytest.mark.parametrize("case", sorted(REJECTIONS))
@pytest.mark.parametrize("kind", ROWS)
def test_each_rejection_of_log_19_changes_nothing(kind: Kind30, case: str) -> None:
    body, reason = REJECTIONS[case]
    bad = kind.msg(**{k: v for k, v in body.items() if k != "subscriptionId"})
    if "subscriptionId" in body:  # None: left out
        bad.pop("subscriptionId")
        if body["subscriptionId"] is not None:
            bad["subscriptionId"] = body["subscriptionId"]
    cache = opened(kind)
    cache.apply(kind.msg(False, added=[obj("dave", extension="104")]))
    before = cache.snapshot()
    assert kinds(cache.apply(bad)) == ["Rejected"]
    after = cache.snapshot()
    assert {k: v for k, v in after.items() if k not in ("rejected", "stats")} == {
        k: v for k, v in before.items() if k not in ("rejected", "stats")}
    assert reason in cache.rejected[-1].reason
    assert (after["stats"]["applied"], after["stats"]["rejected"]) == (1, 1)
    with pytest.raises(InvalidMessage) as caught:
        StateCache(strict=True).apply(bad)
    assert reason in caught.value.reason


@pytest.mark.parametrize("kind", ROWS)
def test_a_message_for_a_deleted_subscription_is_rejected(kind: Kind30) -> None:
    cache = opened(kind)
    cache.apply(kind.msg(False, added=[obj("a")]))
    delete(cache, kind.path())
    before = cache.snapshot()["subscriptionData"]
    assert before == {}
    cache.apply(kind.msg(True, added=[obj("zed")]))
    assert cache.rejected[-1].reason == NOT_ACTIVE and cache.snapshot()["subscriptionData"] == before


# ----------------------------------------------------------------------------------------------------------------
# R12 laws for a dotted key (hypothesis)
# ----------------------------------------------------------------------------------------------------------------
def overlay(old: Message | None, delta: Message) -> Message:
    """R3 written out for a top-level property: present set (objects replaced whole), null removed, absent kept."""
    out = dict(old or {})
    for k, v in delta.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def model_apply(model: dict[str, Message], msg: Message) -> dict[str, Message]:
    """R12 for ``configurationId.id``: a full message empties; added replaces whole, changed merges, removed pops,
    in that order, each list in order."""
    out = {} if not msg["isDelta"] else dict(model)
    for item in msg.get("added", []):
        out[item["configurationId"]["id"]] = overlay(None, item)
    for item in msg.get("changed", []):
        k = item["configurationId"]["id"]
        out[k] = overlay(out.get(k), item)
    for k in msg.get("removed", []):
        out.pop(k, None)
    return out


def store(cache: StateCache, sid: str = "all") -> dict[str, Message]:
    got = cache.configuration_list(f"configuration/users/{sid}")
    return {} if got is None else {k: dict(v) for k, v in got.items()}


kinds_of_rows = st.sampled_from([PREFIX + t for t, _, _ in SPEC])


@given(msgs=st.lists(gen.configuration_messages(), min_size=1, max_size=5))
def test_merge_law_for_dotted_keys(msgs: list[Message]) -> None:
    cache = StateCache()
    model: dict[str, Message] = {}
    for m in msgs:
        cache.apply(m)
        model = model_apply(model, m)
        assert store(cache) == model
        assert list(store(cache)) == sorted(model)
    assert cache.rejected == ()


@given(t=kinds_of_rows, full=gen.configuration_messages(delta=False), d1=gen.configuration_messages(delta=True),
       d2=gen.configuration_messages(delta=True), with_full=st.booleans())
def test_coalescing_law_for_dotted_keys(t: str, full: Message, d1: Message, d2: Message, with_full: bool) -> None:
    full, d1, d2 = ({**m, "__type": t} for m in (full, d1, d2))
    apart, together = StateCache(), StateCache()
    if with_full:
        apart.apply(full)
        together.apply(full)
    apart.apply(d1)
    apart.apply(d2)
    together.apply(coalesce(d1, d2))
    assert not apart.rejected and not together.rejected
    assert apart.snapshot()["subscriptionData"] == together.snapshot()["subscriptionData"]


@given(prior=st.lists(gen.configuration_messages(), max_size=4), full=gen.configuration_messages(delta=False))
def test_full_replace_is_idempotent_and_forgets_what_came_before(prior: list[Message], full: Message) -> None:
    once, twice, alone = full_replace_three_ways(prior, full)
    data = once.snapshot()["subscriptionData"]
    assert data == twice.snapshot()["subscriptionData"] == alone.snapshot()["subscriptionData"]
    assert store(once) == model_apply({}, full)


@given(prior=gen.configuration_messages(delta=False), msg=gen.configuration_messages(delta=True),
       key=gen.config_ids, split=st.booleans())
def test_added_then_removed_leaves_no_object(prior: Message, msg: Message, key: str, split: bool) -> None:
    cache = StateCache()
    cache.apply(prior)
    added = {**msg, "added": [*msg.get("added", []), {"configurationId": {"id": key}}]}
    if split:
        cache.apply(added)
        cache.apply({"__type": gen.CONFIG_USERS, "isDelta": True, "subscriptionId": "all", "removed": [key]})
    else:
        cache.apply({**added, "removed": [*added.get("removed", []), key]})
    assert key not in store(cache)


@given(prior=gen.configuration_messages(delta=False), msg=gen.configuration_messages(delta=True),
       order=st.randoms(use_true_random=False))
def test_lists_apply_added_changed_removed_whatever_their_order_in_the_message(
    prior: Message, msg: Message, order: random.Random
) -> None:
    names = list(msg)
    order.shuffle(names)
    shuffled = {k: msg[k] for k in names}
    one, three = StateCache(), StateCache()
    for cache in (one, three):
        cache.apply(prior)
    one.apply(shuffled)
    head = {k: v for k, v in msg.items() if k not in ("added", "changed", "removed")}
    for part in ("added", "changed", "removed"):
        three.apply({**head, part: msg.get(part, [])})
    assert store(one) == store(three) == model_apply(model_apply({}, prior), msg)


# ----------------------------------------------------------------------------------------------------------------
# Queries
# ----------------------------------------------------------------------------------------------------------------
def users_cache() -> StateCache:
    cache = StateCache()
    cache.apply(USERS.msg(False, "all", added=[
        {"configurationId": {"id": "alice", "displayName": "Alice"}, "extension": "101"},
        {"configurationId": {"id": "bob", "displayName": "Bob (id)"}, "displayName": "Bob"},  # the property wins
        {"configurationId": {"id": "cy"}}]))
    cache.apply(USERS.msg(False, "b-later", added=[{"configurationId": {"id": "alice", "displayName": "Other"}},
                                                   {"configurationId": {"id": "cy", "displayName": "Cy"}}]))
    cache.apply({"__type": USTATUS, "isDelta": False, "userStatusList": [
        {"userId": "alice", "statusId": "Available"}, {"userId": "bob", "statusId": "Away"},
        {"userId": "cy", "statusId": "Available"}, {"userId": "dan", "statusId": "Available"}]})
    return cache


def test_configuration_list_and_object_by_path_and_id() -> None:
    cache = users_cache()
    assert cache.configuration_paths() == ["configuration/users/all", "configuration/users/b-later"]
    listing = cache.configuration_list("configuration/users/all")
    assert listing is not None and list(listing) == ["alice", "bob", "cy"]
    with pytest.raises(TypeError):
        listing["alice"]["extension"] = "x"  # type: ignore[index]
    assert cache.configuration_object("configuration/users/all", "alice") == {
        "configurationId": {"id": "alice", "displayName": "Alice"}, "extension": "101"}
    assert cache.configuration_object("configuration/users/all", "nobody") is None
    for not_a_list in ("configuration/users/none", "status/user-statuses", "queues/all", ""):
        assert cache.configuration_list(not_a_list) is None
        assert cache.configuration_object(not_a_list, "alice") is None


def test_display_names_join_user_statuses_to_the_users_lists() -> None:
    cache = users_cache()
    # the users object's displayName property first, then configurationId.displayName; the first list in path
    # order that names a user wins (cy has no name in "all", so "b-later" names it)
    assert cache.user_display_names() == {"alice": "Alice", "bob": "Bob", "cy": "Cy"}
    assert [cache.user_display_name(u) for u in ("alice", "bob", "cy", "dan")] == ["Alice", "Bob", "Cy", None]
    presence = cache.user_status("alice")
    assert presence is not None and presence.display_name == "Alice"
    assert {u: p.display_name for u, p in cache.user_statuses().items()} == {
        "alice": "Alice", "bob": "Bob", "cy": "Cy", "dan": None}
    assert cache.users_by_status() == {"Available": ["alice", "cy", "dan"], "Away": ["bob"]}
    assert cache.users_by_status(names=True) == {"Available": ["Alice", "Cy", "dan"], "Away": ["Bob"]}


def test_without_a_users_list_there_are_no_display_names() -> None:
    cache = StateCache()
    cache.apply({"__type": USTATUS, "isDelta": False, "userStatusList": [{"userId": "u1", "statusId": "Away"}]})
    put(cache, USERS.path())
    cache.apply({**USERS.msg(False, added=[obj("u1")]), "__type": PREFIX + "people:workgroupsMessage"})
    presence = cache.user_status("u1")
    assert presence is not None and presence.display_name is None
    assert cache.user_display_names() == {} and cache.users_by_status(names=True) == {"Away": ["u1"]}


@needs_conformance
def test_log_19_through_the_queries() -> None:
    cache = replay(CONFORMANCE / "19-configuration.jsonl")
    assert cache.configuration_paths() == ["configuration/users/all", "configuration/workgroups/wg",
                                           "configuration/wrap-up-codes/codes"]
    users = cache.configuration_list("configuration/users/all")
    assert users is not None and list(users) == ["Bob", "alice", "dave"]
    assert cache.user_display_names() == {"Bob": "Bobby"}
    codes = cache.configuration_object("configuration/wrap-up-codes/codes", "Sale")
    assert codes is not None and codes["description"] == "closed a sale"


# ----------------------------------------------------------------------------------------------------------------
# The summary, the diff, the docs
# ----------------------------------------------------------------------------------------------------------------
@needs_conformance
def test_summary_counts_each_configuration_list() -> None:
    text = summarize(replay(CONFORMANCE / "19-configuration.jsonl").snapshot())
    assert "configuration list configuration/users/all: 3 objects" in text
    assert "configuration list configuration/workgroups/wg: 1 objects" in text
    assert "configuration list configuration/wrap-up-codes/codes: 2 objects" in text


def test_diff_names_configuration_objects_by_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = users_cache()
    a = cache.snapshot()
    cache.apply(USERS.msg(True, "all", changed=[obj("alice", extension="202")], removed=["cy"],
                          added=[obj("é")], revision=2))
    b = cache.snapshot()
    lines = diff_snapshots(a, b)
    data = [line for line in lines if line.startswith(("+ subscriptionData", "- subscriptionData",
                                                       "~ subscriptionData"))]
    assert data == [
        '~ subscriptionData.configuration/users/all.properties: {} -> {"revision": 2}',
        '~ subscriptionData.configuration/users/all.users["alice"]: {"configurationId": {"displayName": "Alice", '
        '"id": "alice"}, "extension": "101"} -> {"configurationId": {"id": "alice"}, "extension": "202"}',
        '- subscriptionData.configuration/users/all.users["cy"]: {"configurationId": {"id": "cy"}}',
        '+ subscriptionData.configuration/users/all.users["é"]: {"configurationId": {"id": "é"}}',
    ]
    reordered = json.loads(json.dumps(b))
    reordered["subscriptionData"]["configuration/users/all"]["users"].reverse()
    assert diff_snapshots(b, reordered) == [
        "~ subscriptionData.configuration/users/all.users: same objects by id, in another order or with duplicates"]
    # a path only one side holds, and another type, still read as whole entries
    delete(cache, "configuration/users/b-later")
    assert any(line.startswith("- subscriptionData.configuration/users/b-later: ")
               for line in diff_snapshots(b, cache.snapshot()))
    files = []
    for name, snap in (("a.json", a), ("b.json", b)):
        files.append(str(tmp_path / name))
        (tmp_path / name).write_text(json.dumps(snap), encoding="utf-8")
    assert cli_main(["diff", *files]) == 1
    assert 'users["alice"]' in capsys.readouterr().out


def test_concepts_page_lists_every_shipped_row_from_the_table() -> None:
    """The generated tables of docs/concepts.md cover the whole shipped table, each row once."""
    path = Path(__file__).resolve().parents[1] / "docs" / "hooks.py"
    spec = importlib.util.spec_from_file_location("docs_hooks_for_configuration", path)
    assert spec is not None and spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    concepts = (path.parent / "concepts.md").read_text(encoding="utf-8")
    assert "<!-- generated: schema-table -->" in concepts and "<!-- generated: configuration-table -->" in concepts
    text = hooks.render("schema-table", None) + "\n" + hooks.render("configuration-table", None)
    for row in default_schema():
        assert text.count(f"| `{row.type}` |") == 1, row.type
    config = hooks.render("configuration-table", None)
    for _, segment, name in SPEC:
        assert f"| `configuration/{segment}/{{subscriptionId}}` | `{name}` |" in config


def test_a_put_of_any_2xx_opens_a_configuration_path() -> None:
    cache = StateCache(changes=True)
    cache.record_response("PUT", SUBS + USERS.path(), 200, body={"configurationIds": ["*"]})
    changes = cache.apply(USERS.msg(True, added=[obj("a")]))
    assert changes.of_type(ItemAdded) == [ev(ItemAdded, path=USERS.path(), collection="users", key="a",
                                            value=obj("a"))]
    assert cache.subscriptions[USERS.path()].parameters == {"configurationIds": ["*"]}
