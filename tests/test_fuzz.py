"""Fuzzing the entry points: no input makes the library raise anything but its own errors, and nothing is lost.

Lenient mode raises nothing at all (section 3, "Strict mode"); strict mode raises only `IcwsStateError`
subclasses. After every input ``stats.messages == stats.applied + stats.rejected``, and in lenient mode the count
grows by exactly the number of messages the input carried (section 5): one per message or unreadable input, the
array's length for a batch, the response's messages for a messages GET, nothing for other exchanges.

Hostile values (R8, v2: the JSON-value rule) get their own tests: NaN and infinities, integers of 4300 and 4301
digits, nesting at 500 and 501 levels (the message being level 1), keys that are not strings, Python values that are
not exactly JSON types (tuples, sets, bytes, datetimes, IntEnum members, OrderedDicts, subclasses), lone surrogates,
in every place a message or an exchange can carry them; and log lines that are not JSON for the same reasons (NaN,
``1e400``, a text nested 1,001 levels deep), which are one rejected input each.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import strategies as gen
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icws_state import (
    NOT_ACTIVE,
    IcwsStateError,
    InputKind,
    InvalidMessage,
    LogInput,
    StateCache,
    dump_snapshot,
    feed,
    replay,
)
from icws_state._logs import read_log

Input = tuple[str, Any]

_any_message = st.one_of(gen.json_values(), gen.valid_messages(), gen.invalid_messages())
_inputs = st.one_of(
    _any_message.map(lambda m: ("apply", m)),
    st.one_of(st.lists(_any_message, max_size=4), gen.json_values()).map(lambda b: ("batch", b)),
    gen.exchange_args().map(lambda a: ("record", a)),
)


def carried(kind: str, value: Any) -> int:
    if kind == "apply":
        return 1
    if kind == "batch":
        return len(value) if type(value) is list else 1
    method, path, status, _, response = value
    return gen.carried(method, path, status, response)


def feed_input(cache: StateCache, kind: str, value: Any) -> None:
    if kind == "apply":
        cache.apply(value)
    elif kind == "batch":
        cache.apply_batch(value)
    else:
        cache.record_response(*value)


def check_counts(cache: StateCache) -> None:
    s = cache.stats
    assert s.messages == s.applied + s.rejected
    assert len(cache.rejected) == s.rejected


@given(steps=gen.sequences(max_steps=4), inputs=st.lists(_inputs, min_size=1, max_size=6))
def test_lenient_mode_raises_nothing_and_counts_every_message(steps: list[gen.Step],
                                                               inputs: list[Input]) -> None:
    cache = StateCache()
    gen.play(cache, steps)
    for kind, value in inputs:
        before = cache.stats.messages
        feed_input(cache, kind, value)
        check_counts(cache)
        assert cache.stats.messages == before + carried(kind, value)
    cache.snapshot_json()  # and the state it reached can still be written


@given(steps=gen.sequences(max_steps=4), inputs=st.lists(_inputs, min_size=1, max_size=6))
def test_strict_mode_raises_only_library_errors(steps: list[gen.Step], inputs: list[Input]) -> None:
    cache = StateCache()
    gen.play(cache, steps)
    cache.strict = True
    rejected = cache.stats.rejected
    for kind, value in inputs:
        before = cache.stats.messages
        with contextlib.suppress(IcwsStateError):
            feed_input(cache, kind, value)
        check_counts(cache)
        assert before <= cache.stats.messages <= before + carried(kind, value)
    assert cache.stats.rejected == rejected  # strict mode raises instead of recording


# -- the log reader -----------------------------------------------------------------------------------------------
def _json_line(value: Any) -> bytes:
    return json.dumps(value).encode() + b"\n"


_exchange_records = gen.exchange_args().map(
    lambda a: {"method": a[0], "path": a[1], "status": a[2], "body": a[3], "response": a[4]})
_har_entries = st.fixed_dictionaries(
    {"request": st.fixed_dictionaries({"method": st.sampled_from(["GET", "PUT"]),
                                       "url": st.sampled_from(["https://h/icws/s1/messaging/messages",
                                                               "https://h" + gen.sub_url("queues/q1"),
                                                               "http://[/icws/s1/messaging/messages"])}),
     "response": st.fixed_dictionaries({"status": st.sampled_from([200, 204, 401]),
                                        "content": st.fixed_dictionaries(
                                            {"text": st.one_of(st.text(max_size=10),
                                                               st.lists(gen.valid_messages(), max_size=2)
                                                               .map(json.dumps)),
                                             "mimeType": st.sampled_from(["application/json",
                                                                          "text/event-stream"])})})})
_lines = st.one_of(
    _any_message.map(_json_line),
    st.lists(_any_message, max_size=3).map(_json_line),
    _exchange_records.map(_json_line),
    st.lists(_har_entries, max_size=2).map(lambda es: _json_line({"log": {"entries": es}})),
    st.text(max_size=20).map(lambda t: t.encode() + b"\n"),
    st.binary(max_size=20),
    st.sampled_from([b"\n", b"  \n", b"{", b"[1,", b"\r\n", b"null\n"]),
)
_files = st.one_of(
    st.binary(max_size=200),
    st.lists(_lines, max_size=8).map(b"".join),
    st.lists(_any_message, max_size=4).map(lambda ms: json.dumps(ms, indent=2).encode()),  # whole-file document
)


def carried_by(entry: LogInput) -> int:
    if entry.kind is InputKind.MESSAGE or entry.kind is InputKind.INVALID:
        return 1
    if entry.kind is InputKind.BATCH:
        return len(entry.value)
    v = entry.value
    return gen.carried(v.get("method"), v.get("path"), v.get("status"), v.get("response"))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_files, strict=st.booleans())
def test_log_reader_never_crashes_and_loses_nothing(tmp_path: Path, data: bytes, strict: bool) -> None:
    log = tmp_path / "fuzz.jsonl"
    log.write_bytes(data)
    cache = StateCache(strict=strict)
    for entry in read_log(log):
        before = cache.stats.messages
        try:
            feed(cache, entry)
        except IcwsStateError:
            assert strict
        check_counts(cache)
        if strict:
            assert before <= cache.stats.messages <= before + carried_by(entry)
        else:
            assert cache.stats.messages == before + carried_by(entry)
    assert strict or cache.stats.messages == sum(carried_by(e) for e in read_log(log))


# -- regressions: crashes fuzzing found (fixed in ec74363) -------------------------------------------------------
def test_record_response_with_unparsable_url_raises_nothing() -> None:
    cache = StateCache()
    cache.record_response("GET", "http://[/icws/s1/messaging/messages", 200, None, [])
    check_counts(cache)


def test_har_entry_with_unparsable_url_is_not_a_crash(tmp_path: Path) -> None:
    log = tmp_path / "bad.har"
    har = {"log": {"entries": [{"request": {"method": "GET", "url": "http://[/icws/s/messaging/messages"},
                                "response": {"status": 200}}]}}
    log.write_text(json.dumps(har))
    assert len(list(read_log(log))) == 1


def test_deeply_nested_log_line_is_a_rejected_input(tmp_path: Path) -> None:
    log = tmp_path / "deep.jsonl"
    log.write_bytes(b'{"__type": "x", "isDelta": true, "a": ' + b"[" * 3000 + b"]" * 3000 + b"}\n")
    cache = StateCache()
    for entry in read_log(log):
        feed(cache, entry)
    check_counts(cache)
    assert cache.stats.messages == 1


def test_deeply_nested_rejected_value_raises_nothing() -> None:
    value: Any = []
    for _ in range(3000):
        value = [value]
    cache = StateCache()
    cache.apply(value)
    assert cache.stats.rejected == 1


@pytest.mark.parametrize("depth", [600, 900])
def test_deep_values_the_decoder_reads_are_rejected_on_every_path(depth: int) -> None:
    """json.loads reads values some hundreds of levels deep; R8 (v2) rejects those over 500 levels on every path
    (PUT bodies, error responses, messages), each with a reason, and the rejections snapshot and restore."""
    body = json.loads("[" * depth + "]" * depth)
    cache = StateCache()
    sub = "/icws/s/messaging/subscriptions/interaction-history"
    cache.record_response("PUT", sub, 204, {"x": body})
    cache.record_response("PUT", sub, 500, None, {"message": "m", "x": body})
    cache.apply({"__type": "urn:example:deep", "isDelta": False, "v": body})
    cache.apply({"__type": 5, "v": body})
    assert cache.stats.rejected == 4 and len(cache.subscriptions) == 0
    assert all("nested more than 500 levels deep" in r.reason for r in cache.rejected[:3])
    assert StateCache.from_snapshot(cache.snapshot()) == cache
    assert cache.snapshot_json() == StateCache.from_snapshot(cache.snapshot()).snapshot_json()


# -- hostile values (R8, v2: the JSON-value rule) ------------------------------------------------------------------
def core(cache: StateCache) -> bytes:
    """The snapshot's bytes without ``rejected`` and ``stats``: what a rejected input must leave alone."""
    return dump_snapshot({k: v for k, v in cache.snapshot().items() if k not in ("rejected", "stats")})


def round_trips(cache: StateCache) -> None:
    """Everything the cache accepted snapshots and restores byte-identical, as a dict and as the file's JSON
    (strict UTF-8: lone surrogates written as escapes, section 5)."""
    text = cache.snapshot_json()
    text.decode("utf-8")
    assert StateCache.from_snapshot(cache.snapshot()).snapshot_json() == text
    assert StateCache.from_snapshot(json.loads(text)).snapshot_json() == text


def _short(value: Any) -> str:
    text = repr(value) if type(value) in (dict, list) and gen.json_value_ok(value) else f"<{type(value).__name__}>"
    return text[:200]


@given(steps=gen.sequences(max_steps=3), cases=st.lists(gen.hostile_messages(), min_size=1, max_size=4),
       batch=st.booleans())
def test_hostile_messages_are_applied_or_rejected_whole(steps: list[gen.Step], cases: list[tuple[Any, bool]],
                                                        batch: bool) -> None:
    """Lenient mode raises nothing; each message is applied or rejected, never neither; a rejected one changes
    nothing but ``rejected`` and ``stats``; R8 accepts exactly what the oracle accepts (a valid message may still
    be refused for a closed subscription); and what was accepted snapshots and restores byte-identical."""
    cache = StateCache()
    gen.play(cache, steps)
    if batch:
        stats = cache.stats
        cache.apply_batch([m for m, _ in cases])
        check_counts(cache)
        assert cache.stats.messages == stats.messages + len(cases)
        assert cache.stats.rejected - stats.rejected >= sum(not ok for _, ok in cases)
    for message, ok in [] if batch else cases:
        before, stats = core(cache), cache.stats
        cache.apply(message)
        check_counts(cache)
        assert cache.stats.messages == stats.messages + 1
        if cache.stats.rejected > stats.rejected:
            reason = cache.rejected[-1].reason
            assert not ok or reason == NOT_ACTIVE, (reason, _short(message))
            assert core(cache) == before
        else:
            assert ok, f"accepted a value R8 rejects: {_short(message)}"
    round_trips(cache)


@given(steps=gen.sequences(max_steps=3), cases=st.lists(gen.hostile_messages(), min_size=1, max_size=4))
def test_hostile_messages_in_strict_mode_raise_only_library_errors(steps: list[gen.Step],
                                                                   cases: list[tuple[Any, bool]]) -> None:
    cache = StateCache()
    gen.play(cache, steps)
    cache.strict = True
    for message, ok in cases:
        before = cache.snapshot_json()
        try:
            cache.apply(message)
        except InvalidMessage as e:
            assert not ok or e.reason == NOT_ACTIVE, (e.reason, _short(message))
            assert cache.snapshot_json() == before  # raised before anything changed, not listed either
        except IcwsStateError:
            pass  # an anomaly: raised after it took effect
        else:
            assert ok, f"accepted a value R8 rejects: {_short(message)}"
    round_trips(cache)


@given(steps=gen.sequences(max_steps=3), exchanges=st.lists(gen.hostile_exchanges(), min_size=1, max_size=4),
       strict=st.booleans())
def test_hostile_exchanges_are_applied_or_rejected_whole(steps: list[gen.Step],
                                                         exchanges: list[tuple[str, str, int, Any, Any]],
                                                         strict: bool) -> None:
    """R8 (v2, settled): every well-formed exchange's ``body`` and ``response`` (each level 1) are checked, except
    the response of a messages GET with 200, whose messages are checked one by one. An exchange that breaks the
    rule is one rejected input that changes nothing (a 401 among them ends nothing)."""
    cache = StateCache()
    gen.play(cache, steps)
    cache.strict = strict
    for method, path, status, body, response in exchanges:
        messages_get = method == "GET" and status == 200 and path.endswith("/messaging/messages")
        whole_bad = not gen.json_value_ok(body) or (not messages_get and not gen.json_value_ok(response))
        before, before_json, stats = core(cache), cache.snapshot_json(), cache.stats
        try:
            cache.record_response(method, path, status, body, response)
        except InvalidMessage:
            assert strict
            if whole_bad:
                assert cache.snapshot_json() == before_json
            continue
        except IcwsStateError:
            assert strict
            continue
        assert not (strict and whole_bad)
        check_counts(cache)
        if whole_bad:
            assert (cache.stats.messages, cache.stats.rejected) == (stats.messages + 1, stats.rejected + 1)
            assert core(cache) == before
        elif messages_get and response is not None:
            carried_messages = len(response) if type(response) is list else 1
            assert cache.stats.messages == stats.messages + carried_messages
        else:
            assert cache.stats.messages == stats.messages
    round_trips(cache)


def _nest(level: int, deepest: int, leaf: Any = 0) -> Any:
    """A value standing at ``level`` whose deepest array stands at ``deepest``."""
    value: Any = leaf
    for _ in range(deepest - level + 1):
        value = [value]
    return value


_MSG_URL = "/icws/s1/messaging/messages"
_SUB = "/icws/s1/messaging/subscriptions/"


def _history(v: Any) -> dict[str, Any]:
    return {"__type": gen.HISTORY, "isDelta": True, "interactionHistory": [{"interactionId": "1", "v": v}]}


#: Where a value can stand, how to feed it there, and its nesting level there (the message, or an exchange's
#: body or response, is level 1).
_PLACES: dict[str, tuple[int, Callable[[StateCache, Any], object]]] = {
    "generic property": (2, lambda c, v: c.apply({"__type": "urn:example:x", "isDelta": False, "v": v})),
    "seeded type, unknown top level": (2, lambda c, v: c.apply({"__type": gen.HISTORY, "isDelta": False, "v": v})),
    "history item": (4, lambda c, v: c.apply(_history(v))),
    "queue scalar (R15)": (2, lambda c, v: c.apply({"__type": gen.QUEUE, "isDelta": True, "subscriptionId": "q",
                                                      "v": v})),
    "queue interaction": (4, lambda c, v: c.apply({"__type": gen.QUEUE, "isDelta": True, "subscriptionId": "q",
                                                     "interactionsChanged": [{"interactionId": "i", "v": v}]})),
    "inside until": (5, lambda c, v: c.apply({"__type": gen.USER_STATUS, "isDelta": True,
                                               "userStatusList": [{"userId": "u", "until": {"v": v}}]})),
    "inside statisticKey": (5, lambda c, v: c.apply({"__type": gen.STATISTICS, "isDelta": True,
                                                      "statisticValueChanges": [{"statisticKey": {"v": v}}]})),
    "inside statisticValue": (5, lambda c, v: c.apply({
        "__type": gen.STATISTICS, "isDelta": True,
        "statisticValueChanges": [{"statisticKey": {}, "statisticValue": {"value": v}}]})),
    "chat message (R14)": (4, lambda c, v: c.apply({"__type": gen.DETAILS, "isDelta": True, "assistanceId": "a",
                                                      "messagesAdded": [{"text": "t", "v": v}]})),
    "configuration object": (4, lambda c, v: c.apply({"__type": gen.CONFIG_USERS, "isDelta": True,
                                                       "subscriptionId": "s",
                                                       "changed": [{"configurationId": {"id": "u"}, "v": v}]})),
    "inside configurationId": (5, lambda c, v: c.apply({"__type": gen.CONFIG_USERS, "isDelta": True,
                                                         "subscriptionId": "s",
                                                         "added": [{"configurationId": {"id": "u", "v": v}}]})),
    "connection state": (2, lambda c, v: c.apply({"__type": gen.CONNECTION_STATE, "isDelta": False,
                                                   "previousConnectionState": 1, "newConnectionState": 1,
                                                   "reason": "r", "v": v})),
    "inside a state message's error": (3, lambda c, v: c.apply({"__type": gen.QUEUE_STATE, "isDelta": False,
                                                                 "subscriptionId": "q", "state": 1,
                                                                 "error": {"message": "m", "v": v}})),
    "polling array": (2, lambda c, v: c.apply_batch([{"__type": "urn:example:x", "isDelta": True, "v": v}])),
    "PUT body": (2, lambda c, v: c.record_response("PUT", _SUB + "queues/q", 204, {"v": v})),
    "error response": (2, lambda c, v: c.record_response("PUT", _SUB + "queues/q", 500, None,
                                                          {"message": "m", "v": v})),
    "401 response": (3, lambda c, v: c.record_response("GET", _MSG_URL, 401, None, [{"v": v}])),
    "ignored exchange": (2, lambda c, v: c.record_response("POST", "/icws/s1/other", 200, [v])),
    "messages GET": (2, lambda c, v: c.record_response("GET", _MSG_URL, 200, None,
                                                        [{"__type": "urn:example:x", "isDelta": True, "v": v}])),
}


def _values_at(level: int) -> list[tuple[str, Any, bool]]:
    """(name, value, valid) at both sides of every limit of the JSON-value rule, for a value standing at ``level``."""
    big = 10**4300
    itself: list[Any] = []
    itself.append(itself)
    return [
        ("500 levels", _nest(level, 500), True),
        ("501 levels", _nest(level, 501), False),
        ("501 levels, empty", _nest(level, 500, []), False),
        ("500 levels of objects", json.loads('{"k":' * (501 - level) + "0" + "}" * (501 - level)), True),
        ("501 levels of objects", json.loads('{"k":' * (502 - level) + "0" + "}" * (502 - level)), False),
        ("4300 digits", big - 1, True),
        ("-4300 digits", -(big - 1), True),
        ("4301 digits", big, False),
        ("-4301 digits", -big, False),
        ("NaN", float("nan"), False),
        ("inf", float("inf"), False),
        ("-inf", float("-inf"), False),
        ("lone surrogate", "\ud800", True),
        ("lone surrogate key", {"\udfff": "\udc00\ud800"}, True),
        ("U+2028", "a\u2028b", True),
        ("non-string key", {1: [0]}, False),
        ("str subclass key", {gen.StrSub("k"): [0]}, False),
        ("tuple", (1, 2), False),
        ("set", {1}, False),
        ("bytes", b"x", False),
        ("datetime", datetime(2026, 11, 22), False),
        ("IntEnum member", gen.Colour.RED, False),
        ("OrderedDict", OrderedDict(a=1), False),
        ("dict subclass", gen.DictSub(a=1), False),
        ("str subclass", gen.StrSub("s"), False),
        ("list subclass", gen.ListSub([1]), False),
        ("a list that contains itself", itself, False),
    ]


@pytest.mark.parametrize("place", sorted(_PLACES))
def test_json_value_rule_limits_are_exact_wherever_the_value_stands(place: str) -> None:
    """Each limit of R8's JSON-value rule, from both sides, in every place a value can stand (the message, or an
    exchange's body or response, being level 1): valid ones are accepted and round-trip, invalid ones are one
    rejected input with a reason that says why, changing nothing."""
    level, feed_value = _PLACES[place]
    wrong = []
    for name, value, valid in _values_at(level):
        cache = StateCache()
        before = core(cache)
        feed_value(cache, value)
        check_counts(cache)
        if valid:
            if cache.stats.rejected:
                wrong.append(f"{name}: rejected ({cache.rejected[0].reason})")
            round_trips(cache)
        elif cache.stats.rejected != 1 or core(cache) != before:
            wrong.append(f"{name}: not one rejected input changing nothing ({cache.stats})")
        elif not re.search(r"not a JSON value|nested more than 500 levels deep|not a string", cache.rejected[0].reason):
            wrong.append(f"{name}: reason {cache.rejected[0].reason!r}")
    assert not wrong


# -- hostile log lines (section 4) ---------------------------------------------------------------------------------
def _line(n: int, extra: str | bytes = "", end: bytes = b"\n") -> bytes:
    tail = extra.encode() if isinstance(extra, str) else extra
    return b'{"__type":"urn:example:fuzz","isDelta":false,"subscriptionId":"%d"' % n + tail + b"}" + end


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


#: (kind, line for the n-th line) where kind is "good" (one message, applied), "bad" (one rejected input: not
#: JSON, or a message R8 rejects) or "blank" (skipped).
_LINE_KINDS: list[tuple[str, Callable[[int], bytes]]] = [
    ("good", _line),
    ("good", lambda n: _line(n, end=b"\r\n")),  # a \r before the \n is whitespace
    ("good", lambda n: b" \t" + _line(n, end=b" \r\n")),
    ("good", lambda n: _line(n, r',"s":"\ud800","\udc00k":"x\udfff","pair":"\ud83d\ude00","lone":"\udc00\ud800"')),
    ("good", lambda n: _line(n, ',"s":"a\u2028b\u2029c\x85d"')),  # separators inside strings end nothing
    ("good", lambda n: _line(n, ',"s":"\\"' + "[" * 1100 + '{"')),  # brackets in a string are not nesting
    ("good", lambda n: _line(n, ',"n":' + "9" * 4300 + ',"m":-' + "9" * 4300)),
    ("good", lambda n: _line(n, ',"n":12345678901234567890123,"f":1.7976931348623157e308,"z":-0.0')),
    ("good", lambda n: _line(n, ',"d":' + _deep(499))),  # the message at 500 levels
    ("good", lambda n: b"[" + _line(n, ',"d":' + _deep(499), end=b"") + b"]\n"),  # a 501-level text
    ("good", lambda n: b'{"method":"GET","path":"/icws/s1/messaging/messages","status":200,"response":['
     + _line(n, end=b"") + b"]}\n"),
    ("bad", lambda n: _line(n, ',"x":NaN')),
    ("bad", lambda n: _line(n, ',"x":[Infinity]')),
    ("bad", lambda n: _line(n, ',"x":-Infinity')),
    ("bad", lambda n: _line(n, ',"x":1e400')),
    ("bad", lambda n: _line(n, ',"x":-1e400')),
    ("bad", lambda n: _line(n, ',"x":1.8e308')),
    ("bad", lambda n: _line(n, ',"x":1' + "0" * 4300)),
    ("bad", lambda n: _line(n, ',"x":-1' + "0" * 4300)),
    ("bad", lambda n: _deep(1001).encode() + b"\n"),
    ("bad", lambda n: ('{"a":' * 1001 + "1" + "}" * 1001).encode() + b"\n"),
    ("bad", lambda n: _line(n, ',"d":' + _deep(1000))),  # 1,001 levels: not JSON at all
    ("bad", lambda n: _line(n, ',"d":' + _deep(999))),  # 1,000 levels: JSON, but R8 rejects the message
    ("bad", lambda n: _line(n, ',"d":' + _deep(500))),  # the message at 501 levels
    ("bad", lambda n: b"[" + _line(n, ',"d":' + _deep(500), end=b"") + b"]\n"),  # one rejected message
    ("bad", lambda n: b'{"method":"PUT","path":"/icws/s1/messaging/subscriptions/queues/q","status":500,'
     b'"response":{"message":"m","d":' + _deep(500).encode() + b"}}\n"),
    ("bad", lambda n: _line(n, b',"s":"\xed\xa0\x80"')),  # a surrogate encoded as UTF-8: not UTF-8
    ("bad", lambda n: _line(n, end=b"\r") + _line(n)),  # \r ends no line: two values on one line
    ("bad", lambda n: _line(n, ',"s":"a\x0cb"')),  # a raw control character in a string
    ("bad", lambda n: _line(n, end=b"\x0b\n")),
    ("bad", lambda n: b'{"__type":"x",\n'),
    ("blank", lambda n: b"\n"),
    ("blank", lambda n: b"  \t\r\n"),
]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(st.integers(0, len(_LINE_KINDS) - 1), min_size=1, max_size=10))
def test_hostile_log_lines_are_one_rejected_input_each(tmp_path: Path, kinds: list[int]) -> None:
    """Replaying JSON lines never raises; each bad line (NaN, ``1e400``, too many digits, a text nested 1,001
    levels deep, bytes that are not UTF-8, a ``\\r`` that ends no line, a message R8 rejects) is one rejected input
    with its line number, and every other line is applied (lone surrogate escapes, CRLF, U+2028 inside strings)."""
    log = tmp_path / "hostile.jsonl"
    lines = [(_LINE_KINDS[k][0], _LINE_KINDS[k][1](n)) for n, k in enumerate(kinds, 1)]
    log.write_bytes(b"".join(text for _, text in lines))
    cache = replay(log)
    bad = [n for n, (kind, _) in enumerate(lines, 1) if kind == "bad"]
    good = [n for n, (kind, _) in enumerate(lines, 1) if kind == "good"]
    check_counts(cache)
    assert [r.line for r in cache.rejected] == bad
    assert (cache.stats.applied, cache.stats.rejected) == (len(good), len(bad))
    round_trips(cache)


# -- regressions: crashes and leaks the hostile fuzzing found ------------------------------------------------------
_ITEM: dict[Any, Any] = {"interactionId": "1"}
#: Items whose unknown property has a key that is not exactly a string, with a string, boolean or null value.
_NON_STRING_ITEM_KEYS: dict[str, dict[Any, Any]] = {
    "history item, int key, string value": {"__type": gen.HISTORY, "isDelta": False,
                                            "interactionHistory": [{**_ITEM, 5: "x"}]},
    "history item, int key, boolean value": {"__type": gen.HISTORY, "isDelta": True,
                                             "interactionHistory": [{**_ITEM, 5: True}]},
    "history item, str-subclass key": {"__type": gen.HISTORY, "isDelta": False,
                                       "interactionHistory": [{**_ITEM, gen.StrSub("k"): "x"}]},
    "history item, None key, null value": {"__type": gen.HISTORY, "isDelta": True,
                                           "interactionHistory": [{**_ITEM, None: None}]},
    "queue interaction, tuple key": {"__type": gen.QUEUE, "isDelta": False, "subscriptionId": "q",
                                     "interactionsAdded": [{"interactionId": "i", (1,): "x"}]},
    "status message, int key": {"__type": gen.STATUS_MESSAGES, "isDelta": True,
                                "statusMessagesChanged": [{"statusId": "s", 1: False}]},
    "statistic, int key": {"__type": gen.STATISTICS, "isDelta": True,
                           "statisticValueChanges": [{"statisticKey": {}, 7: "x"}]},
    "configuration object, float key": {"__type": gen.CONFIG_USERS, "isDelta": True, "subscriptionId": "s",
                                        "added": [{"configurationId": {"id": "u"}, 1.5: "x"}]},
    "chat message, int key, null value (R14 keeps it)": {"__type": gen.DETAILS, "isDelta": True,
                                                         "assistanceId": "a",
                                                         "messagesAdded": [{"text": "t", 5: None}]},
}


@pytest.mark.parametrize("name", sorted(_NON_STRING_ITEM_KEYS))
def test_item_property_with_a_non_string_key_is_rejected(name: str) -> None:
    """Found by fuzzing: the item check looked at a key only for values other than a string, a boolean or null, so
    such an item was accepted (and, kept, made the snapshot raise TypeError). R8 (v2) rejects any key that is not
    exactly a string, whatever its value."""
    message = _NON_STRING_ITEM_KEYS[name]
    cache = StateCache()
    cache.apply(message)
    assert (cache.stats.applied, cache.stats.rejected) == (0, 1)
    round_trips(cache)
    with pytest.raises(InvalidMessage):
        StateCache(strict=True).apply(message)


@pytest.mark.parametrize(("method", "path"), [("PUT", _SUB + "queues/q"), ("GET", _MSG_URL), ("POST", "/x")])
def test_status_of_more_than_4300_digits_is_not_a_crash(method: str, path: str) -> None:
    """Found by fuzzing: an integer status of more than 4300 digits (a Python caller's, no JSON text holds one)
    raised ValueError where the event's cause was formatted. Lenient mode raises nothing, whatever the input."""
    cache = StateCache()
    cache.record_response(method, path, 10**4300)
    check_counts(cache)
    assert cache.stats.messages <= 1
    round_trips(cache)
    with contextlib.suppress(IcwsStateError):
        StateCache(strict=True).record_response(method, path, -(10**4300))
