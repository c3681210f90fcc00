"""The history store: R6 order (instant, then id by code point; no time first) and its query methods."""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from helpers import HISTORY_PATH, T0, T1, T2, T3, hist, history_ids, item, opened, put

from icws_state import HistoryStore, StateCache
from icws_state._history import HistoryTable


def filled(*items: dict[str, object]) -> StateCache:
    cache = opened(HISTORY_PATH)
    cache.apply(hist(*items, delta=False))
    return cache


# ----------------------------------------------------------------------------------------------------
# R6 order
# ----------------------------------------------------------------------------------------------------


def test_ordered_by_instant_then_id() -> None:
    cache = filled(item("c", T1), item("b", T0), item("a", T1), item("d", T0))
    assert history_ids(cache) == ["b", "d", "a", "c"]


def test_ids_compared_by_code_point_not_numerically() -> None:
    cache = filled(item("10", T0), item("9", T0), item("B", T0), item("a", T0), item("É", T0))
    assert history_ids(cache) == ["10", "9", "B", "a", "É"]


def test_items_without_time_come_first() -> None:
    cache = filled(item("a", T0), item("z"), item("m"), item("0", "0001-01-01T00:00:00Z"))
    assert history_ids(cache) == ["m", "z", "0", "a"]


def test_offsets_compare_as_instants() -> None:
    # 10:30+01:00 is 09:30Z (before 10:00Z); 05:00-06:00 is 11:00Z (after).
    cache = filled(
        item("x", "2026-11-22T10:30:00+01:00"),
        item("y", "2026-11-22T10:00:00Z"),
        item("z", "2026-11-22T05:00:00-06:00"),
    )
    assert history_ids(cache) == ["x", "y", "z"]


def test_offset_crossing_a_day() -> None:
    cache = filled(item("late", "2026-11-21T23:30:00-23:59"), item("early", "2026-11-22T12:00:00Z"))
    assert history_ids(cache) == ["early", "late"]


def test_basic_and_extended_forms_compare_alike_and_values_kept() -> None:
    basic, extended = "20261122T100000Z", "2026-11-22T10:00:00.000Z"
    cache = filled(item("b", basic), item("a", extended), item("c", "20261122T093000-0100"))
    # a and b are the same instant, so the id decides; c is 10:30Z
    assert history_ids(cache) == ["a", "b", "c"]
    assert cache.history["b"]["initiationTime"] == basic
    assert cache.history["a"]["initiationTime"] == extended
    assert cache.snapshot()["history"][1] == {"interactionId": "b", "initiationTime": basic}


def test_no_offset_means_utc() -> None:
    cache = filled(item("b", "2026-11-22T10:00:00"), item("a", "2026-11-22T10:00:00+00:01"))
    assert history_ids(cache) == ["a", "b"]


def test_fraction_beyond_six_digits_truncated_not_rounded() -> None:
    # .0000009 truncates to .000000: equal to the whole second, so the id decides (a before b).
    cache = filled(item("b", "2026-11-22T10:00:00.0000009Z"), item("a", "2026-11-22T10:00:00Z"))
    assert history_ids(cache) == ["a", "b"]
    # .9999999 truncates to .999999, still before the next second
    cache = filled(item("a", "2026-11-22T10:00:01Z"), item("b", "2026-11-22T10:00:00.9999999Z"))
    assert history_ids(cache) == ["b", "a"]
    # but microseconds count: .000001 is after .0000009
    cache = filled(item("a", "2026-11-22T10:00:00.000001Z"), item("b", "2026-11-22T10:00:00.0000009Z"))
    assert history_ids(cache) == ["b", "a"]


def test_upsert_changing_initiation_time_moves_item() -> None:
    cache = filled(item("1", T0), item("2", T1), item("3", T2))
    cache.apply(hist(item("1", T3)))
    assert history_ids(cache) == ["2", "3", "1"]
    cache.apply(hist(item("3", "2026-11-22T13:00:00+01:00")))  # 12:00Z: same instant as before, value changes
    assert history_ids(cache) == ["2", "3", "1"]
    assert cache.history["3"]["initiationTime"] == "2026-11-22T13:00:00+01:00"
    cache.apply(hist(item("3", initiationTime="2020-01-01T00:00:00Z", notes="n")))
    assert history_ids(cache) == ["3", "2", "1"]
    cache.apply(hist(item("1", T0, x=None)))
    assert history_ids(cache) == ["3", "1", "2"]
    assert cache.history.index("2") == 2
    cache.history._check()


def test_upsert_without_time_keeps_position() -> None:
    cache = filled(item("1", T2), item("2", T1))
    cache.apply(hist(item("1", notes="x")))
    assert history_ids(cache) == ["2", "1"]
    cache.history._check()


# ----------------------------------------------------------------------------------------------------
# Queries
# ----------------------------------------------------------------------------------------------------

ITEMS = (item("3", T2), item("1", T0), item("4", T3), item("2", T1), item("0"))


def _ids(items: object) -> list[str]:
    return [i["interactionId"] for i in items]  # type: ignore[attr-defined]


def test_mapping_by_id() -> None:
    h = filled(*ITEMS).history
    assert isinstance(h, HistoryStore)
    assert h["2"]["initiationTime"] == T1
    assert "2" in h and "9" not in h
    assert h.get("9") is None
    assert len(h) == 5
    with pytest.raises(KeyError):
        h["9"]
    assert list(h.keys()) == ["0", "1", "2", "3", "4"]
    assert _ids(h.values()) == ["0", "1", "2", "3", "4"]
    assert [k for k, _ in h.items()] == ["0", "1", "2", "3", "4"]
    assert list(reversed(h)) == ["4", "3", "2", "1", "0"]


def test_ordered_sequence_view() -> None:
    h = filled(*ITEMS).history
    o = h.ordered
    assert len(o) == 5
    assert o[0]["interactionId"] == "0"
    assert o[-1]["interactionId"] == "4"
    assert _ids(o[1:3]) == ["1", "2"]
    assert _ids(o[::-2]) == ["4", "2", "0"]
    with pytest.raises(IndexError):
        o[5]
    with pytest.raises(TypeError):
        o[0]["x"] = 1  # type: ignore[index]


def test_newest_first() -> None:
    h = filled(*ITEMS).history
    assert _ids(h.newest_first()) == ["4", "3", "2", "1", "0"]


@pytest.mark.parametrize(
    ("n", "want"),
    [
        (0, []),
        (-3, []),
        (1, ["4"]),
        (2, ["4", "3"]),
        (5, ["4", "3", "2", "1", "0"]),
        (99, ["4", "3", "2", "1", "0"]),
    ],
)
def test_latest(n: int, want: list[str]) -> None:
    assert _ids(filled(*ITEMS).history.latest(n)) == want


def test_between_strings_half_open() -> None:
    h = filled(*ITEMS).history
    assert _ids(h.between(T0, T2)) == ["1", "2"]
    assert _ids(h.between("20261122T100000Z", "2026-11-22T12:00:00.000001Z")) == ["1", "2", "3"]
    assert _ids(h.between(T2, T0)) == []
    assert _ids(h.between("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z")) == ["1", "2", "3", "4"]  # no "0"


def test_between_aware_datetimes() -> None:
    h = filled(*ITEMS).history
    start = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)
    end = datetime(2026, 11, 22, 14, 0, tzinfo=timezone(timedelta(hours=1)))  # 13:00Z, excluded
    assert _ids(h.between(start, end)) == ["2", "3"]
    end_us = datetime(2026, 11, 22, 13, 0, 0, 1, tzinfo=UTC)
    assert _ids(h.between(start, end_us)) == ["2", "3", "4"]


@pytest.mark.parametrize("bad", [datetime(2026, 11, 22, 10, 0), "2026-11-22", "yesterday"])
def test_between_rejects_naive_or_invalid(bad: datetime | str) -> None:
    h = filled(*ITEMS).history
    with pytest.raises(ValueError, match=r"naive|instant"):
        h.between(bad, T3)
    with pytest.raises(ValueError):
        h.between(T0, bad)


def test_index() -> None:
    h = filled(*ITEMS).history
    assert [h.index(k) for k in ("0", "1", "4")] == [0, 1, 4]
    with pytest.raises(KeyError):
        h.index("nope")


def test_empty_store() -> None:
    h = StateCache().history
    assert len(h) == 0 and list(h) == [] and h.latest(3) == [] and list(h.newest_first()) == []
    assert h.between(T0, T3) == []
    h._check()


def test_check_after_many_operations() -> None:
    rng = random.Random(1234)
    cache = StateCache()
    put(cache, HISTORY_PATH, body={"numberOfHistoryMessages": 40})
    times = [None, T0, T1, T2, "20261122T100000Z", "2026-11-22T10:00:00+01:00", "2026-11-22T10:00:00.5Z"]
    model: dict[str, str | None] = {}
    for step in range(600):
        ids = [str(rng.randrange(60)) for _ in range(rng.randrange(1, 5))]
        items = []
        for k in ids:
            t = rng.choice(times)
            items.append(item(k, t, step=step))
        full = rng.random() < 0.05
        cache.apply(hist(*items, delta=not full))
        if full:
            model = {}
        for it in items:
            k = it["interactionId"]
            if "initiationTime" in it:
                model[k] = it["initiationTime"]
            else:
                model.setdefault(k, None)
        cache.history._check()
        model = {k: v for k, v in model.items() if k in cache.history}  # evicted items are forgotten
        if step % 50 == 0:
            put(cache, HISTORY_PATH, body={"numberOfHistoryMessages": rng.randrange(10, 40)})
    assert len(cache.history) <= 40
    got = history_ids(cache)
    assert len(set(got)) == len(got)
    for k in got:  # every kept item carries the latest time it was sent
        assert cache.history[k].get("initiationTime") == model[k]
    assert [cache.history.index(k) for k in got] == list(range(len(got)))


def test_appending_in_time_order_keeps_the_sorted_lists_whole() -> None:
    # New interactions nearly always come latest, and the store appends those without a full insert. Enough of
    # them to split sublists several times (a sublist holds up to 2,000 pairs), some out of order, and reads by
    # position in between (which build the positional index the append must then leave to the full insert).
    cache = StateCache()
    put(cache, HISTORY_PATH)
    start = datetime(2026, 11, 22, tzinfo=UTC)
    rng = random.Random(7)
    expected: list[tuple[datetime, str]] = []
    for n in range(9_000):
        when = start + timedelta(seconds=n if rng.random() < 0.97 else rng.randrange(n + 1))
        key = f"{n:05d}"
        expected.append((when, key))
        cache.apply(hist(item(key, when.strftime("%Y-%m-%dT%H:%M:%SZ"))))
        if n % 1_500 == 0:
            assert cache.history.ordered[len(cache.history) // 2] is not None  # builds the index
            cache.history._check()
    cache.history._check()
    assert list(cache.history) == [k for _, k in sorted(expected)]


def test_a_deep_copy_of_the_table_orders_on_its_own() -> None:
    # The table keeps references into its sorted list's layout for appends; a copy must keep references into its
    # own list, or appends to the copy would land in the original's (and vanish from the copy's order).
    table = HistoryTable()
    for i in range(3):
        new = {"interactionId": str(i), "initiationTime": f"2026-11-22T10:00:0{i}Z"}
        table.put(str(i), None, new)
    twin = copy.deepcopy(table)
    twin.put("3", None, {"interactionId": "3", "initiationTime": "2026-11-22T10:00:03Z"})
    twin.check()
    table.check()
    assert list(twin.keys_in_order()) == ["0", "1", "2", "3"]
    assert list(table.keys_in_order()) == ["0", "1", "2"]
