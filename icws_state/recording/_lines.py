"""One log line as bytes: what the recorder and the scrubber write, in the form `icws_state.read_log` reads.

Values are written by `json_text` (no recursion, so a value nested 1,000 levels deep is written like any other)
with the exchange's own keys first, in the order a person reads them (``method``, ``path``, ``status``, ``body``,
``response``, ``at``). A lone surrogate, which a log's ``\\ud800`` escape decodes to and UTF-8 cannot carry, is
written back as that escape; nothing else is escaped, so names read as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import Any

from .._snapshot import json_text

__all__ = ["EXCHANGE_KEYS", "exchange_line", "format_at", "value_line"]

#: The keys of an exchange record, in the order they are written.
EXCHANGE_KEYS = ("method", "path", "status", "body", "response", "at")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "backslashreplace")


def value_line(value: Any) -> bytes:
    """Any JSON value as one line (a message, a polling array)."""
    return _encode(json_text(value)) + b"\n"


def exchange_line(record: Mapping[str, Any]) -> bytes:
    """An exchange record as one line: its `EXCHANGE_KEYS` that are present, in that order, then any others."""
    keys = [k for k in EXCHANGE_KEYS if k in record] + sorted(k for k in record if k not in EXCHANGE_KEYS)
    text = "{" + ", ".join(f"{_text(k)}: {_text(record[k])}" for k in keys) + "}"
    return _encode(text) + b"\n"


def _text(value: Any) -> str:
    """`json_text`, without its machinery for the strings and small integers most of a record is."""
    t = type(value)
    if t is str:
        return encode_basestring(value)
    if t is int and -(10**18) < value < 10**18:
        return int.__repr__(value)
    return json_text(value)


def format_at(when: datetime | str | None = None) -> str:
    """An ICWS date-time (extended form, UTC, milliseconds) for ``when`` (now when None); a string is kept."""
    if isinstance(when, str):
        return when
    moment = datetime.now(UTC) if when is None else when
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
