"""ICWS date-times: which strings are valid, and the instant each names.

The accepted forms are exactly those of section 1 of the spec: a full date and time to the second, basic
(``20261122T100000Z``) or extended (``2026-11-22T10:00:00.000Z``), optional ``.fraction``, then ``Z``, an offset in the
form's own style, or nothing (UTC). Instants are integers of microseconds since 0001-01-01T00:00:00Z minus a day,
so they sort without building datetime objects; digits past the sixth fraction digit are cut, not rounded.

Validation runs for every date-time property of every message, so results are memoised per distinct string in a
small table that is simply emptied when it fills: recorded traffic repeats a timestamp many times in a row and
rarely afterwards.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

__all__ = ["instant", "is_datetime", "parse_datetime"]

_EXTENDED = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})?"
)
_BASIC = re.compile(
    r"([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})(?:\.([0-9]+))?(Z|[+-][0-9]{4})?"
)

_CACHE_LIMIT = 4096
_cache: dict[str, int | None] = {}


def _parts(text: str) -> tuple[int, int, int, int, int, int, int, int] | None:
    """Split a valid date-time into (y, m, d, H, M, S, microseconds, offset seconds), or None."""
    m = _EXTENDED.fullmatch(text) or _BASIC.fullmatch(text)
    if m is None:
        return None
    y, mo, d, hh, mi, ss, frac, off = m.groups()
    hour, minute, second = int(hh), int(mi), int(ss)
    if hour > 23 or minute > 59 or second > 59:
        return None
    try:
        date(int(y), int(mo), int(d))
    except ValueError:
        return None
    micro = int((frac or "")[:6].ljust(6, "0"))
    offset = 0
    if off and off != "Z":
        digits = off[1:].replace(":", "")
        oh, om = int(digits[:2]), int(digits[2:])
        if oh > 23 or om > 59:
            return None
        offset = (oh * 3600 + om * 60) * (-1 if off[0] == "-" else 1)
    return int(y), int(mo), int(d), hour, minute, second, micro, offset


def instant(text: str) -> int | None:
    """The instant ``text`` names, in microseconds (UTC), or None when it is not an ICWS date-time."""
    try:
        return _cache[text]
    except KeyError:
        pass
    p = _parts(text)
    value = None
    if p is not None:
        y, mo, d, hour, minute, second, micro, offset = p
        days = date(y, mo, d).toordinal()
        value = (days * 86400 + hour * 3600 + minute * 60 + second - offset) * 1_000_000 + micro
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()
    _cache[text] = value
    return value


def is_datetime(value: object) -> bool:
    """Whether ``value`` is a string in one of the ICWS date-time forms."""
    return type(value) is str and instant(value) is not None


def parse_datetime(text: str) -> datetime:
    """A timezone-aware datetime for a valid ICWS date-time (its own offset kept); ValueError otherwise."""
    p = _parts(text) if type(text) is str else None
    if p is None:
        raise ValueError(f"not an ICWS date-time: {text!r}")
    y, mo, d, hour, minute, second, micro, offset = p
    tz = UTC if offset == 0 else timezone(timedelta(seconds=offset))
    return datetime(y, mo, d, hour, minute, second, micro, tzinfo=tz)
