"""Shifting ICWS date-times by a whole number of seconds, each written back in its own form.

A scrubbed log may move every time by the same amount (``--shift-time``) so that it does not tell when the
session happened. A uniform shift keeps every order (R6 sorts history by instant) and every interval; writing each
value back in its own form (basic or extended, its offset, its fraction digits) keeps what the cache keeps as
received. A string that is not a valid date-time is left as it is (so an invalid message stays invalid), and so is
one the shift would carry outside the years 0001-9999.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from .._datetimes import is_datetime

__all__ = ["shift_datetime"]

_EXTENDED = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(.*)", re.ASCII)
_BASIC = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(.*)", re.ASCII)


def shift_datetime(value: Any, seconds: int) -> Any:
    """``value`` moved by ``seconds`` when it is a valid ICWS date-time, in the same form; otherwise ``value``.

    >>> shift_datetime("2026-11-22T10:00:00.250+01:00", 3600), shift_datetime("20261122T235959Z", 1)
    ('2026-11-22T11:00:00.250+01:00', '20261123T000000Z')
    """
    if not seconds or not is_datetime(value):
        return value
    extended = _EXTENDED.fullmatch(value)
    m = extended or _BASIC.fullmatch(value)
    if m is None:  # pragma: no cover - every valid date-time is one of the two forms
        return value
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    try:
        moved = datetime(y, mo, d, h, mi, s) + timedelta(seconds=seconds)
    except OverflowError:
        return value
    rest = moved.strftime("-%m-%dT%H:%M:%S" if extended else "%m%dT%H%M%S")
    text = f"{moved.year:04d}{rest}"
    return text + m.group(7)
