"""ICWS date-times: which strings are valid, and the instant each names.

The accepted forms are exactly those of section 1 of the spec: a full date and time to the second, basic
(``20261122T100000Z``) or extended (``2026-11-22T10:00:00.000Z``), optional ``.fraction``, then ``Z``, an offset in the
form's own style, or nothing (UTC). One regular expression fixes the form and the field ranges; the calendar (no
30 February, no year 0) is left to `datetime.fromisoformat`, which reads every form the expression lets through
and cuts fraction digits after the sixth without rounding, as the spec asks.

Instants are integers: microseconds since 0001-01-01T00:00:00Z plus one day, so that even year 1 with a positive
offset stays non-negative and -1 can stand for "no time" below all of them. Validation runs for every date-time
property of every message. Compiled, the form servers send (``YYYY-MM-DDTHH:MM:SS[.fff]Z``) is read by arithmetic
each time, its date and hour only when they differ from the last one's (`_Hour`, fourteen characters kept); other
strings, and every string in the pure build, are memoised per distinct string in a small table
that is emptied when it fills: recorded traffic repeats a timestamp many times in a row and rarely afterwards.
The table is process-wide, so it is bounded in bytes, not only in entries: strings longer than any date-time a
server sends are parsed each time and never kept (a 5 MB string in a rejected message must not outlive the cache
that rejected it).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # compiled (mypyc), a native 64-bit integer; as Python source, a plain int
    from mypy_extensions import i64

__all__ = ["MEMO", "instant", "is_datetime", "parse_datetime", "raw_instant"]

_D = r"(?:0[1-9]|[12][0-9]|3[01])"
_M = r"(?:0[1-9]|1[0-2])"
_H = r"(?:[01][0-9]|2[0-3])"
_MS = r"[0-5][0-9]"
_FORM = re.compile(
    rf"[0-9]{{4}}-{_M}-{_D}T{_H}:{_MS}:{_MS}(?:\.[0-9]+)?(?:Z|[+-]{_H}:{_MS})?"
    rf"|[0-9]{{4}}{_M}{_D}T{_H}{_MS}{_MS}(?:\.[0-9]+)?(?:Z|[+-]{_H}{_MS})?",
    re.ASCII,
)
_EPOCH = datetime(1, 1, 1, tzinfo=UTC)
_ONE_DAY_US: Final = 86_400_000_000
_US = timedelta(microseconds=1)

#: At most this many strings are memoised, each at most `_MEMO_TEXT_LIMIT` characters: well under 2 MB in all.
_MEMO_LIMIT: Final = 16384
_MEMO_TEXT_LIMIT: Final = 64
#: The memo: date-time string -> instant, or None for a string that is not one; only `raw_instant` reads and
#: writes it (the benchmarks empty it between passes).
MEMO: Final[dict[str, int | None]] = {}
_MEMO_MISS: Final = -2


def _parse(text: str) -> datetime | None:
    if _FORM.fullmatch(text) is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:  # 30 February, year 0000
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


#: Whether to read the common form by arithmetic: compiled (mypyc) it is quicker than the general parser; as
#: Python source a character loop is several times slower than the regular expression, so the pure build skips it.
_ARITHMETIC: Final = not __file__.endswith(".py")


def _digits(text: str, start: i64, end: i64) -> i64:
    """The number written by ``text[start:end]``, or -1 when a character there is not an ASCII digit."""
    value: i64 = 0
    for i in range(start, end):
        d: i64 = ord(text[i]) - 48
        if d < 0 or d > 9:
            return -1
        value = value * 10 + d
    return value


def _two(text: str, i: i64) -> i64:
    """The two-digit number at ``text[i:i + 2]``, or -1: `_digits` unrolled for the five two-digit fields, which
    compiled saves a loop and its bounds arithmetic per field."""
    a: i64 = ord(text[i]) - 48
    b: i64 = ord(text[i + 1]) - 48
    if a < 0 or a > 9 or b < 0 or b > 9:
        return -1
    return a * 10 + b


class _Hour:
    """The hour the last common-form string fell in: its text up to the hour (``YYYY-MM-DDTHH:``, checked) and the
    instant the hour starts. A session's date-times nearly all share it, and comparing fourteen characters at once
    costs a fraction of reading and checking them one by one (compiled, each character read is a bounds-checked
    call)."""

    __slots__ = ("start", "text")

    def __init__(self) -> None:
        self.text = "\x00"  # no date-time starts with it
        self.start: i64 = 0

    def keep(self, text: str, start: i64) -> None:
        # The text is cleared before the instant changes, so no reader pairs a text with another's instant.
        self.text = "\x00"
        self.start = start
        self.text = text


_HOUR: Final = _Hour()


def _hour_start(text: str) -> i64:
    """The instant at which the hour of ``text[:14]`` (``YYYY-MM-DDTHH:``) starts, or -1 when those characters
    are not a valid date and hour in that form."""
    if text[4] != "-" or text[7] != "-" or text[10] != "T" or text[13] != ":":
        return -1
    year, month, day, hour = _digits(text, 0, 4), _two(text, 5), _two(text, 8), _two(text, 11)
    if year < 1 or not 1 <= month <= 12 or day < 1 or not 0 <= hour <= 23:
        return -1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    # Month lengths and the days before a month by formula: compiled, a constant tuple is built again on each use.
    # (30 or 31 days: months 1-7 alternate from 31, and months 8-12 from 31 again.)
    last: i64 = 30 + ((month + (month >> 3)) & 1)
    before: i64 = (367 * month - 362) // 12
    if month == 2:
        last = 28
        if leap:
            last = 29
    elif month > 2:
        before -= 2
        if leap:
            before += 1
    if day > last:
        return -1
    y: i64 = year - 1
    days: i64 = y * 365 + y // 4 - y // 100 + y // 400 + before + day - 1
    return (days * 86400 + hour * 3600) * 1_000_000 + _ONE_DAY_US


def _common_instant(text: str) -> int:
    """The instant of the form servers send, ``YYYY-MM-DDTHH:MM:SS[.fff]Z``, by arithmetic; -1 for any other text
    (which the general parser then decides). Same result as the general path, without a regular expression or a
    datetime object: every new history item's ``initiationTime`` is a string not seen before. The arithmetic is
    on native 64-bit integers when compiled: tagged integers leave the fast path for any product above 2**31.
    The date and hour are read once per hour (`_Hour`)."""
    # Statements rather than conditional expressions throughout: compiled, a conditional expression of integers
    # is boxed into an int object and unboxed again.
    n: i64 = len(text)
    if n not in (20, 24):
        return -1
    if text[n - 1] != "Z" or text[16] != ":":
        return -1
    millis: i64 = 0
    if n == 24:
        if text[19] != ".":
            return -1
        millis = _digits(text, 20, 23)
    minute, second = _two(text, 14), _two(text, 17)
    if not 0 <= minute <= 59 or not 0 <= second <= 59 or millis < 0:
        return -1
    hour = _HOUR
    known = hour.text
    start: i64 = hour.start
    if not (text.startswith(known) and hour.text is known):  # (the text, then its instant, then the same text)
        start = _hour_start(text)
        if start < 0:
            return -1
        hour.keep(text[:14], start)
    return start + (minute * 60 + second) * 1_000_000 + millis * 1000


class _Recent:
    """The last four strings read by arithmetic and their instants, matched by identity: a new history item's
    ``initiationTime`` is read when the message is checked and again, as the same string object, when the item
    is ordered. Four pointer comparisons cost less than reading it twice; strings are immutable, so a match is
    the same value."""

    __slots__ = ("slot", "t0", "t1", "t2", "t3", "v0", "v1", "v2", "v3")

    def __init__(self) -> None:
        self.t0: object = None
        self.t1: object = None
        self.t2: object = None
        self.t3: object = None
        self.v0: int = -1
        self.v1: int = -1
        self.v2: int = -1
        self.v3: int = -1
        self.slot = 0

    def get(self, text: str) -> int:
        """The instant of ``text`` if it is one of the four, else -1."""
        if text is self.t0:
            return self.v0
        if text is self.t1:
            return self.v1
        if text is self.t2:
            return self.v2
        if text is self.t3:
            return self.v3
        return -1

    def keep(self, text: str, value: int) -> None:
        # Each slot's text is cleared before its value changes, so no reader pairs a text with another's value.
        slot = self.slot
        if slot == 0:
            self.t0 = None
            self.v0 = value
            self.t0 = text
        elif slot == 1:
            self.t1 = None
            self.v1 = value
            self.t1 = text
        elif slot == 2:
            self.t2 = None
            self.v2 = value
            self.t2 = text
        else:
            self.t3 = None
            self.v3 = value
            self.t3 = text
        self.slot = (slot + 1) & 3


_RECENT: Final = _Recent()


def instant(text: str) -> int | None:
    """The instant ``text`` names, in microseconds (UTC, shifted as above), or None when it is not an ICWS date-time."""
    value = raw_instant(text)
    return None if value < 0 else value


def raw_instant(text: str) -> int:
    """`instant`, with -1 for a string that is no ICWS date-time: the hot path's form, since compiled a plain
    integer result makes no integer object (an instant is beyond the small integers Python keeps)."""
    if _ARITHMETIC and type(text) is str:
        # Compiled, the common form is read in less time than the memo takes to hash a new string and keep it.
        recent = _RECENT
        common = recent.get(text)
        if common >= 0:
            return common
        common = _common_instant(text)
        if common >= 0:
            recent.keep(text, common)
            return common
    value = MEMO.get(text, _MEMO_MISS)
    if value != _MEMO_MISS:
        return -1 if value is None else value
    if type(text) is not str:
        return -1
    parsed = _parse(text)
    value = None if parsed is None else (parsed - _EPOCH) // _US + _ONE_DAY_US
    if len(text) <= _MEMO_TEXT_LIMIT:
        if len(MEMO) >= _MEMO_LIMIT:
            MEMO.clear()
        MEMO[text] = value
    return -1 if value is None else value


def is_datetime(value: object) -> bool:
    """Whether ``value`` is a string in one of the ICWS date-time forms."""
    return type(value) is str and instant(value) is not None


def parse_datetime(text: object) -> datetime:
    """A timezone-aware datetime for a valid ICWS date-time (its own offset kept); ValueError otherwise."""
    parsed = _parse(text) if type(text) is str else None
    if parsed is None:
        raise ValueError(f"not an ICWS date-time: {text!r}")
    return parsed
