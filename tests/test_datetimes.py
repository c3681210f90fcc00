"""ICWS date-times (section 1): which strings are valid, and the instant (µs, UTC) each names."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from helpers import BAD_DATETIMES
from hypothesis import given
from hypothesis import strategies as st
from strategies import common_form_datetimes

from icws_state import parse_datetime
from icws_state._datetimes import _EPOCH, _common_instant, _parse, _Recent, instant, is_datetime

GOOD = [
    "20261122T100000Z",
    "2026-11-22T10:00:00.000Z",
    "2026-11-22T10:00:00Z",
    "2026-11-22T10:00:00",
    "20261122T100000",
    "2026-11-22T10:00:00.1234567890Z",
    "2026-11-22T10:00:00+05:30",
    "2026-11-22T10:00:00-23:59",
    "20261122T100000+0530",
    "20261122T100000.5-0000",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "2028-02-29T00:00:00Z",
]


@pytest.mark.parametrize("text", GOOD)
def test_valid_forms(text: str) -> None:
    assert is_datetime(text)
    assert instant(text) is not None
    assert parse_datetime(text).tzinfo is not None


@pytest.mark.parametrize(
    "text",
    [
        *BAD_DATETIMES,
        "2027-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2026-11-22T10:00:00+5:00",
        "+2026-11-22T10:00:00Z",
        "2026-11-22T10:00:00ZZ",
    ],
)
def test_invalid_forms(text: str) -> None:
    assert not is_datetime(text)
    assert instant(text) is None
    with pytest.raises(ValueError):
        parse_datetime(text)


@pytest.mark.parametrize("value", [None, 20261122, b"2026-11-22T10:00:00Z", ["2026-11-22T10:00:00Z"]])
def test_non_strings_are_not_datetimes(value: object) -> None:
    assert not is_datetime(value)
    with pytest.raises(ValueError):
        parse_datetime(value)


def test_basic_and_extended_name_the_same_instant() -> None:
    assert instant("20261122T100000Z") == instant("2026-11-22T10:00:00.000Z") == instant("2026-11-22T10:00:00")
    assert instant("20261122T153000+0530") == instant("2026-11-22T15:30:00+05:30") == instant("2026-11-22T10:00:00Z")


def test_offsets_shift_the_instant() -> None:
    base = instant("2026-11-22T10:00:00Z")
    assert base is not None
    assert instant("2026-11-22T10:00:00+01:00") == base - 3_600_000_000
    assert instant("2026-11-22T10:00:00-00:30") == base + 1_800_000_000
    assert instant("2026-11-22T10:00:00-23:59") == base + (23 * 60 + 59) * 60_000_000


def test_fraction_truncated_to_microseconds() -> None:
    base = instant("2026-11-22T10:00:00Z")
    assert base is not None
    assert instant("2026-11-22T10:00:00.5Z") == base + 500_000
    assert instant("2026-11-22T10:00:00.000001Z") == base + 1
    assert instant("2026-11-22T10:00:00.0000009Z") == base  # not rounded up
    assert instant("2026-11-22T10:00:00.9999999Z") == base + 999_999
    assert parse_datetime("2026-11-22T10:00:00.9999999Z").microsecond == 999_999


def test_instants_order_like_datetimes() -> None:
    texts = [
        "0001-01-01T00:00:00Z",
        "2000-01-01T00:00:00+00:01",
        "1999-12-31T23:59:59.999999Z",
        "2000-01-01T00:00:00Z",
        "2026-11-22T10:00:00Z",
        "9999-12-31T23:59:59Z",
    ]
    instants = [instant(t) for t in texts]
    assert instants == sorted(instants)  # type: ignore[type-var]
    datetimes = [parse_datetime(t) for t in texts]
    assert datetimes == sorted(datetimes)


def test_parse_datetime_keeps_offset() -> None:
    d = parse_datetime("2026-11-22T10:00:00.25+05:30")
    assert d == datetime(2026, 11, 22, 4, 30, 0, 250_000, tzinfo=UTC)
    assert d.utcoffset() == timedelta(hours=5, minutes=30)
    assert parse_datetime("20261122T100000").tzinfo == UTC
    assert parse_datetime("20261122T100000-0100") == datetime(2026, 11, 22, 10, tzinfo=timezone(-timedelta(hours=1)))


@given(common_form_datetimes())
def test_the_common_form_is_read_by_arithmetic_as_the_parser_reads_it(text: str) -> None:
    # The arithmetic shortcut for what servers send agrees with the general parser, valid or not; -1 is "no".
    general = _parse(text)
    expected = -1 if general is None else (general - _EPOCH) // timedelta(microseconds=1) + 86_400_000_000
    assert _common_instant(text) == expected
    assert instant(text) == (None if expected == -1 else expected)


@given(st.lists(common_form_datetimes(), max_size=12), st.randoms())
def test_recently_read_instants_are_matched_by_identity_only(texts: list[str], rng: random.Random) -> None:
    # Read once, then again in another order, as the same objects and as equal copies: the few strings the
    # compiled build remembers by identity never answer for another string.
    expected = [_common_instant(t) for t in texts]
    for t in texts:
        instant(t)
    order = list(range(len(texts)))
    rng.shuffle(order)
    for i in order:
        for t in (texts[i], "".join(list(texts[i]))):
            assert instant(t) == (None if expected[i] == -1 else expected[i])


@given(st.lists(st.tuples(common_form_datetimes(), st.integers(0, 3)), min_size=1, max_size=16))
def test_strings_of_one_hour_read_as_the_parser_reads_them(drawn: list[tuple[str, int]]) -> None:
    # The hour of the last string read is remembered by its text: strings that share it (valid or not in the rest,
    # and a valid rest after an invalid hour) must read exactly as the general parser reads them.
    hours = [text[:14] for text, _ in drawn]
    for text, pick in drawn:
        shared = hours[pick % len(hours)] + text[14:]
        # Each string right after one that shares its hour and one that differs in a single character of it.
        near = [shared[:i] + c + shared[i + 1:] for i in range(14) for c in ("x", ":", "0")]
        for t in (shared, text, *(x for one in near for x in (one, shared))):
            general = _parse(t)
            expected = -1 if general is None else (general - _EPOCH) // timedelta(microseconds=1) + 86_400_000_000
            assert _common_instant(t) == expected, t


def test_the_recent_strings_are_the_last_four_kept() -> None:
    recent = _Recent()
    texts = [f"2026-11-22T10:00:0{i}Z" for i in range(6)]
    for i, t in enumerate(texts):
        recent.keep(t, i)
    assert [recent.get(t) for t in texts] == [-1, -1, 2, 3, 4, 5]
    assert recent.get("".join(list(texts[5]))) == -1  # an equal string that is another object


def test_instant_is_memoised_consistently() -> None:
    # repeated lookups (served from the memo) agree with the first, valid or not
    for text in ("2026-11-22T10:00:00Z", "nope"):
        assert instant(text) == instant(text)
    for i in range(5000):  # fill past the memo's limit; results stay right
        instant(f"2026-11-22T10:00:{i % 60:02d}.{i}Z")
    assert instant("2026-11-22T10:00:00.5Z") == instant("2026-11-22T10:00:00Z") + 500_000  # type: ignore[operator]
