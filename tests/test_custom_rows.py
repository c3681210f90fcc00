"""A client-registered row: a message type the library does not ship, run by the same engine (R11, R12, R15).

The type is a made-up configuration list keyed by a dotted path (``configurationId.id``); nothing in the
engine knows it. Without the row the same messages land in the generic store (R1).
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

import attrs
import pytest

from icws_state import (
    CacheCleared,
    CacheReplaced,
    Collection,
    Event,
    IcwsStateError,
    InvalidMessage,
    ItemAdded,
    ItemChanged,
    ItemRemoved,
    Kind,
    PropertiesChanged,
    Rejected,
    Row,
    SchemaError,
    StateCache,
    SubscriptionState,
    default_schema,
)

TYPE = "urn:inin.com:configuration:configurationListMessage"
PATH = "configuration/lists/c1"
PUT = "/icws/s1/messaging/subscriptions/" + PATH

CONFIGURATIONS = Collection(
    name="configurations",
    key="configurationId.id",
    added="configurationsAdded",
    changed="configurationsChanged",
    removed="configurationsRemoved",
    item={"configurationId": Kind.OBJECT, "name": Kind.STRING, "tags": Kind.STRING_LIST,
          "settings": Kind.MAP},
)
ROW = Row(
    type=TYPE,
    path="configuration/lists/{subscriptionId}",
    route="subscriptionId",
    collections=(CONFIGURATIONS,),
    scalars={"listVersion": Kind.ENUM},
)

E = TypeVar("E", bound=Event)


def event(cls: type[E], **fields: Any) -> E:
    """An expected event, built through ``Any``: the attrs mypy plugin misses `_events`' decorator."""
    return cast(Any, cls)(**fields)  # type: ignore[no-any-return]


def msg(is_delta: bool, **body: Any) -> dict[str, Any]:
    return {"__type": TYPE, "isDelta": is_delta, "subscriptionId": "c1", **body}


def conf(cid: str, **props: Any) -> dict[str, Any]:
    return {"configurationId": {"id": cid}, **props}


FULL = msg(False, listVersion=1, configurationsAdded=[
    {"configurationId": {"id": "b", "displayName": "Bee list"}, "name": "Bee", "tags": ["t1"]},
    conf("a", name="Ay", settings={"x": "1", "y": "2"}),
])


@pytest.fixture
def cache() -> StateCache:
    c = StateCache(schema=default_schema().with_row(ROW), changes=True)
    c.record_response("PUT", PUT, 204, body={"configurationIds": ["a", "b"]})
    return c


def test_full_then_deltas_through_the_same_engine(cache: StateCache) -> None:
    first = cache.apply(FULL)
    # a full message stands for all its items: one CacheReplaced, no item events
    assert first.of_type(CacheReplaced, ItemAdded) == [event(CacheReplaced, path=PATH, message_type=TYPE)]
    store = cache.keyed(PATH, "configurations")
    assert store is not None and list(store) == ["a", "b"]  # keyed by the dotted path, sorted
    assert cache.data_paths() == [PATH]
    got = cache.path_data(PATH)
    assert got is not None and got[0] == TYPE and dict(got[1]) == {"listVersion": 1}

    delta = msg(True, listVersion=2,
                configurationsAdded=[conf("c", name="Sea")],
                configurationsChanged=[conf("a", settings={"x": None, "z": "3"}),
                                       conf("new", name="From a change", note=None)],
                configurationsRemoved=["b", "not-cached"])
    events = list(cache.apply(delta))
    a_old = conf("a", name="Ay", settings={"x": "1", "y": "2"})
    a_new = conf("a", name="Ay", settings={"y": "2", "z": "3"})  # the map merged key by key; null removed x
    assert events == [
        event(ItemAdded, path=PATH, collection="configurations", key="c", value=conf("c", name="Sea")),
        event(ItemChanged, path=PATH, collection="configurations", key="a", old=a_old, new=a_new),
        # a changed item not cached is inserted as if merged into nothing: its null leaves nothing behind
        event(ItemAdded, path=PATH, collection="configurations", key="new",
              value=conf("new", name="From a change")),
        event(ItemRemoved, path=PATH, collection="configurations", key="b",
              old={"configurationId": {"id": "b", "displayName": "Bee list"}, "name": "Bee", "tags": ["t1"]}),
        event(PropertiesChanged, path=PATH, old={"listVersion": 1}, new={"listVersion": 2}),
    ]
    assert list(store) == ["a", "c", "new"] and store["a"] == a_new
    # an OBJECT property (the key's own object) is replaced whole, not merged
    cache.apply(msg(True, configurationsChanged=[{"configurationId": {"id": "a", "v": "2"}}]))
    assert store["a"]["configurationId"] == {"id": "a", "v": "2"}
    assert cache.subscriptions[PATH].state is SubscriptionState.NORMAL
    assert cache.stats.applied == 3 and cache.rejected == ()


def test_snapshot_carries_subscription_data_and_restores(cache: StateCache) -> None:
    cache.apply(FULL)
    cache.apply(msg(True, futureScalar="kept", configurationsRemoved=["b"]))
    snap = cache.snapshot()
    assert snap["subscriptionData"] == {
        PATH: {
            "type": TYPE,
            "properties": {"listVersion": 1, "futureScalar": "kept"},  # unknown scalars are kept too (R15)
            "configurations": [conf("a", name="Ay", settings={"x": "1", "y": "2"})],
        }
    }
    assert snap["subscriptions"][PATH]["parameters"] == {"configurationIds": ["a", "b"]}
    schema = cache.schema
    restored = StateCache.from_snapshot(snap, schema=schema)
    assert restored == cache
    assert restored.snapshot_json() == cache.snapshot_json()


def test_snapshot_lists_an_entry_even_without_items(cache: StateCache) -> None:
    cache.apply(msg(False))
    expected = {PATH: {"type": TYPE, "properties": {}, "configurations": []}}
    assert cache.snapshot()["subscriptionData"] == expected


def test_delete_clears_the_path_data(cache: StateCache) -> None:
    cache.apply(FULL)
    events = list(cache.record_response("DELETE", PUT, 204))
    assert event(CacheCleared, path=PATH) in events
    assert cache.data_paths() == [] and cache.keyed(PATH, "configurations") is None
    assert cache.snapshot()["subscriptionData"] == {}


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (msg(True, configurationsAdded=[{"name": "no key"}]),
         "configurationsAdded[1] lacks a string configurationId.id"),
        (msg(True, configurationsAdded=[{"configurationId": {"id": 7}}]),
         "lacks a string configurationId.id"),
        (msg(True, configurationsChanged=[{"configurationId": "a"}]), "lacks a string configurationId.id"),
        (msg(True, configurationsAdded=["a"]), "configurationsAdded[1] must be an object"),
        (msg(True, configurationsRemoved=[{"id": "a"}]), "configurationsRemoved[0] must be a string"),
        (msg(True, configurationsAdded=[conf("z", tags="t")]), "configurationsAdded[1].tags must be a list"),
        (msg(True, configurationsAdded=[conf("z", name=None)]),
         "configurationsAdded[1].name must be a string"),
        (msg(True, configurationsChanged=[conf("a", settings={"x": 1})]),
         "settings must be an object of string"),
        (msg(True, listVersion="2"), "listVersion must be an integer enum"),
        ({"__type": TYPE, "isDelta": True, "configurationsRemoved": []}, "subscriptionId is required"),
        (msg(True, subscriptionId=""), "subscriptionId must be a non-empty string"),
    ],
)
def test_an_invalid_item_rejects_the_whole_message(
    cache: StateCache, bad: dict[str, Any], reason: str
) -> None:
    cache.apply(FULL)
    before = cache.snapshot()
    # a valid item before the bad one must not be applied either (hence the [1] in the reasons)
    if "configurationsAdded" in bad:
        bad = {**bad, "configurationsAdded": [conf("fine", name="F"), *bad["configurationsAdded"]]}
    events = list(cache.apply(bad))
    assert len(events) == 1 and isinstance(events[0], Rejected)
    assert reason in events[0].reason
    after = cache.snapshot()
    assert after["subscriptionData"] == before["subscriptionData"]
    assert after["stats"]["rejected"] == before["stats"]["rejected"] + 1
    strict = StateCache(strict=True, schema=cache.schema)
    with pytest.raises(InvalidMessage, match=None) as caught:
        strict.apply(bad)
    assert reason in caught.value.reason


def test_without_the_row_the_type_goes_to_the_generic_store() -> None:
    plain = StateCache(changes=True)
    events = list(plain.apply(FULL))
    assert [type(e).__name__ for e in events] == ["GenericChanged"]
    plain.apply(msg(True, configurationsRemoved=["b"], listVersion=None))
    entry = plain.other.entry(TYPE, "c1")
    assert entry is not None
    # R1 with R3: merged property by property, not by item; lists are replaced whole, null removes
    assert dict(entry) == {"subscriptionId": "c1", "configurationsAdded": FULL["configurationsAdded"],
                           "configurationsRemoved": ["b"]}
    assert plain.data_paths() == [] and plain.subscriptions.get(PATH) is None
    assert plain.snapshot()["subscriptionData"] == {}
    # and a message the row would reject is fine here: the generic store checks nothing but subscriptionId
    plain.apply(msg(True, configurationsAdded=[{"name": "no key"}]))
    assert plain.rejected == ()


# ----------------------------------------------------------------------------------------------------
# Registration is checked
# ----------------------------------------------------------------------------------------------------
def test_registration_leaves_the_default_table_unchanged() -> None:
    base = default_schema()
    extended = base.with_row(ROW)
    assert extended.row(TYPE) is ROW and base.row(TYPE) is None
    assert len(extended) == len(base) + 1
    assert StateCache().schema.row(TYPE) is None


def test_duplicate_type_is_rejected() -> None:
    schema = default_schema().with_row(ROW)
    with pytest.raises(SchemaError, match="already has a row"):
        schema.with_row(attrs.evolve(ROW, path="configuration/other/{subscriptionId}"))
    shipped = "urn:inin.com:queues:queueContentsMessage"
    with pytest.raises(SchemaError, match="already has a row"):
        default_schema().with_row(attrs.evolve(ROW, type=shipped))


@pytest.mark.parametrize(
    "path",
    ["configuration/lists/{listId}", "configuration/lists/{subscriptionId}"],
)
def test_a_second_data_row_on_the_same_path_template_is_rejected(path: str) -> None:
    schema = default_schema().with_row(ROW)
    route = path[path.index("{") + 1: -1]
    clash = Row(type="urn:example:other", path=path, route=route, collections=(CONFIGURATIONS,))
    with pytest.raises(SchemaError, match="already carries the data"):
        schema.with_row(clash)


def test_a_path_clash_with_a_shipped_row_is_rejected() -> None:
    with pytest.raises(SchemaError, match="already carries the data"):
        default_schema().with_row(attrs.evolve(ROW, path="queues/{subscriptionId}"))
    with pytest.raises(SchemaError, match="already carries the data"):
        default_schema().with_row(Row(type="urn:example:history2", path="interaction-history",
                                      scalars={"x": Kind.STRING}))


def test_a_state_row_may_share_its_data_rows_path() -> None:
    state = Row(type="urn:inin.com:configuration:configurationSubscriptionStateMessage",
                path="configuration/lists/{subscriptionId}", route="subscriptionId", state=True)
    schema = default_schema().with_row(ROW).with_row(state)
    c = StateCache(schema=schema)
    c.apply(FULL)
    c.apply({"__type": state.type, "isDelta": True, "subscriptionId": "c1", "state": 2,
             "error": {"message": "rebuilding"}})
    assert c.subscriptions[PATH].state is SubscriptionState.SUSPENDED
    assert c.subscriptions[PATH].error == {"message": "rebuilding"}


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"route": "listId"}, "must be named by route"),
        ({"route": None}, "must be named by route"),
        ({"path": "configuration/lists"}, "has no {subscriptionId} placeholder"),
        ({"path": "configuration/{kind}/{subscriptionId}"}, "at most one"),
        ({"path": "/configuration/lists/{subscriptionId}"}, "no leading '/'"),
        ({"path": "configuration/lists/{subscriptionId}?x=1"}, "no query"),
    ],
)
def test_bad_paths_and_placeholders_are_rejected(changes: dict[str, Any], match: str) -> None:
    with pytest.raises(SchemaError, match=match):
        attrs.evolve(ROW, **changes)


@pytest.mark.parametrize("order_by", ["name", "configurationId", "missing"])
def test_order_by_must_name_a_datetime_item_property(order_by: str) -> None:
    with pytest.raises(SchemaError, match="order_by must name a DATETIME"):
        attrs.evolve(ROW, collections=(attrs.evolve(CONFIGURATIONS, order_by=order_by),))
    ordered = attrs.evolve(CONFIGURATIONS, order_by="createdAt",
                           item={**CONFIGURATIONS.item, "createdAt": Kind.DATETIME})
    assert attrs.evolve(ROW, collections=(ordered,)).collections[0].order_by == "createdAt"


def test_exported_as_is_only_for_a_single_part_without_scalars() -> None:
    with pytest.raises(SchemaError, match="exported_as"):
        attrs.evolve(ROW, exported_as="configurations")  # ROW has scalars
    two = (CONFIGURATIONS, attrs.evolve(CONFIGURATIONS, name="more", added="a2", changed="c2", removed="r2"))
    with pytest.raises(SchemaError, match="exported_as"):
        attrs.evolve(ROW, scalars={}, collections=two, exported_as="configurations")
    with pytest.raises(SchemaError, match="already taken"):
        default_schema().with_row(attrs.evolve(ROW, scalars={}, exported_as="history"))


@pytest.mark.parametrize(
    "bad_collection",
    [
        {"key": ""},
        {"key": "configurationId."},
        {"added": None, "changed": None, "removed": None},
        {"upsert": "configurationList"},
        {"changed": "configurationsAdded"},
        {"item": {"configurationId": Kind.STATE}},
    ],
)
def test_bad_collections_are_rejected(bad_collection: dict[str, Any]) -> None:
    with pytest.raises(SchemaError):
        attrs.evolve(ROW, collections=(attrs.evolve(CONFIGURATIONS, **bad_collection),))


def test_reserved_and_routing_properties_cannot_be_scalars_or_sources() -> None:
    for scalars in ({"__type": Kind.STRING}, {"isDelta": Kind.BOOLEAN}, {"subscriptionId": Kind.STRING},
                    {"configurationsAdded": Kind.STRING}):
        with pytest.raises(SchemaError):
            attrs.evolve(ROW, scalars=scalars)
    with pytest.raises(SchemaError):
        attrs.evolve(ROW, collections=(attrs.evolve(CONFIGURATIONS, removed="subscriptionId"),))


def test_schema_error_is_both_the_library_error_and_a_value_error() -> None:
    with pytest.raises(SchemaError) as caught:
        default_schema().with_row(ROW).with_row(ROW)
    assert isinstance(caught.value, IcwsStateError) and isinstance(caught.value, ValueError)
    with pytest.raises(SchemaError, match="expected a Row"):
        default_schema().with_row(cast(Any, {"type": TYPE}))
