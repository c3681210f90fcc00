"""The schema table: the shipped rows, and `Row` / `Schema.with_row` refusing rows that cannot work."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import ALIST, ASTATE, CONNECTION, DETAILS, HISTORY, QSTATE, QUEUE, SMESSAGES, STATISTICS, USTATUS, put

from icws_state import AppendList, Collection, IdSet, Kind, Row, SchemaError, StateCache, default_schema
from icws_state._configuration import CONFIGURATION_ROWS
from icws_state._rows import HISTORY as HISTORY_ROW

CONFIG = "urn:example.com:configuration:configurationListMessage"


def config_row(**over: Any) -> Row:
    fields: dict[str, Any] = {
        "type": CONFIG,
        "path": "configuration/lists/{subscriptionId}",
        "route": "subscriptionId",
        "collections": (
            Collection(
                name="configurations",
                key="configurationId.id",
                added="added",
                changed="changed",
                removed="removed",
                item={"configurationId": Kind.OBJECT, "name": Kind.STRING},
            ),
        ),
    }
    fields.update(over)
    return Row(**fields)


def test_default_table_has_nine_rows_and_the_configuration_lists() -> None:
    schema = default_schema()
    assert len(schema) == 9 + len(CONFIGURATION_ROWS)  # the configuration lists: tests/test_configuration.py
    assert {r.type for r in schema} - {r.type for r in CONFIGURATION_ROWS} == {
        HISTORY, ALIST, ASTATE, QUEUE, QSTATE, USTATUS, SMESSAGES, DETAILS,
        STATISTICS}
    assert set(schema.generic) == {CONNECTION}
    assert schema.row(HISTORY) is HISTORY_ROW
    assert schema.row("urn:nope") is None
    paths = {r.type: r.path for r in schema}
    assert paths[HISTORY] == "interaction-history"
    assert paths[ALIST] == paths[ASTATE] == "interactions/agent-assistance"
    assert paths[QUEUE] == paths[QSTATE] == "queues/{subscriptionId}"
    assert paths[DETAILS] == "interactions/agent-assistance/{assistanceId}"
    assert [r.type for r in schema if r.state] == [ASTATE, QSTATE]
    assert {r.exported_as for r in schema} == {"history", "assistanceRequests", None}


def test_with_row_returns_new_schema_and_the_cache_uses_it() -> None:
    base = default_schema()
    schema = base.with_row(config_row())
    assert len(schema) == len(base) + 1
    cache = StateCache(schema=schema)
    put(cache, "configuration/lists/c1")
    cache.apply(
        {
            "__type": CONFIG,
            "isDelta": True,
            "subscriptionId": "c1",
            "added": [{"configurationId": {"id": "x", "displayName": "X"}, "name": "n"}],
        }
    )
    cache.apply(
        {
            "__type": CONFIG,
            "isDelta": True,
            "subscriptionId": "c1",
            "changed": [{"configurationId": {"id": "x"}, "name": "m"}],
            "removed": [],
        }
    )
    store = cache.keyed("configuration/lists/c1", "configurations")
    assert store is not None
    assert dict(store["x"]) == {"configurationId": {"id": "x"}, "name": "m"}
    cache.apply({"__type": CONFIG, "isDelta": True, "subscriptionId": "c1", "removed": ["x"]})
    assert len(store) == 0
    cache.apply({"__type": CONFIG, "isDelta": True, "subscriptionId": "c1", "added": [{"configurationId": {}}]})
    assert cache.stats.rejected == 1  # key missing under the dotted path
    assert StateCache().schema is base  # the default cache is unaffected


@pytest.mark.parametrize(
    "over",
    [
        {"type": ""},
        {"path": ""},
        {"path": "/leading/{subscriptionId}"},
        {"path": "a/{subscriptionId}?x=1"},
        {"path": "a/{subscriptionId}/{other}"},
        {"path": "a/{other}"},
        {"path": "a/fixed"},
        {"state": True},
        {"collections": (Collection(name="c", key="k", upsert="u", added="a"),)},
        {"collections": (Collection(name="c", key="k"),)},
        {"collections": (Collection(name="c", key="", added="a"),)},
        {"collections": (Collection(name="c", key="a..b", added="a"),)},
        {"collections": (Collection(name="c", key="k", added="a", order_by="t", item={"t": Kind.STRING}),)},
        {"collections": (Collection(name="c", key="k", added="a", item={"k": Kind.ENUM}),)},
        {"collections": (Collection(name="c", key="k", added="a", item={"s": Kind.STATE}),)},
        {"collections": (Collection(name="c", key="k", added="isDelta"),)},
        {"collections": (Collection(name="c", key="k", added="x"), Collection(name="d", key="k", added="x"))},
        {"collections": (Collection(name="c", key="k", added="x"), Collection(name="c", key="k", added="y"))},
        {"collections": (Collection(name="type", key="k", added="x"),)},
        {"collections": (Collection(name="c", key="k", added="subscriptionId"),)},
        {"scalars": {"isDelta": Kind.BOOLEAN}},
        {"scalars": {"subscriptionId": Kind.STRING}},
        {"scalars": {"n": "string"}},
        {"scalars": {"added": Kind.STRING}},
        {"exported_as": "history"},
        {"id_sets": (IdSet(name="s", added="a", removed="a"),)},
    ],
)
def test_bad_rows_raise_schema_error(over: dict[str, Any]) -> None:
    with pytest.raises(SchemaError):
        default_schema().with_row(config_row(**over))


def test_bad_state_row() -> None:
    with pytest.raises(SchemaError):
        Row(type="urn:x", path="x", state=True, scalars={"a": Kind.STRING})
    with pytest.raises(SchemaError):
        Row(type="urn:x", path="x", state=True, appends=(AppendList(name="m", source="m"),))


def test_with_row_refuses_clashes() -> None:
    schema = default_schema()
    with pytest.raises(SchemaError, match="already has a row"):
        schema.with_row(HISTORY_ROW)
    with pytest.raises(SchemaError, match="path"):
        schema.with_row(
            Row(
                type="urn:x:queueTwo",
                path="queues/{id}",
                route="id",
                collections=(Collection(name="c", key="k", added="a"),),
            )
        )
    with pytest.raises(SchemaError, match="snapshot key"):
        schema.with_row(
            Row(
                type="urn:x:h2",
                path="h2",
                exported_as="history",
                collections=(Collection(name="h", key="k", upsert="u"),),
            )
        )
    with pytest.raises(SchemaError, match="expected a Row"):
        schema.with_row("not a row")  # type: ignore[arg-type]
    # a state row may share its path with a data row
    state = Row(
        type="urn:x:configState",
        path="configuration/lists/{subscriptionId}",
        route="subscriptionId",
        state=True,
    )
    assert len(schema.with_row(config_row()).with_row(state)) == len(schema) + 2


def test_schema_error_is_value_error() -> None:
    with pytest.raises(ValueError):
        Row(type="", path="x")


def test_collection_helpers() -> None:
    c = Collection(name="c", key="k", added="a", changed="b", removed="r", item={"m": Kind.MAP, "s": Kind.STRING})
    assert c.sources == ("a", "b", "r")
    assert c.maps == ("m",)
    assert IdSet(name="s", added="a", removed="r").sources == ("a", "r")
    assert AppendList(name="m", source="x").sources == ("x",)
