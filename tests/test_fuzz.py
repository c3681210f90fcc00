"""Fuzzing the entry points: no input makes the library raise anything but its own errors, and nothing is lost.

Lenient mode raises nothing at all (section 3, "Strict mode"); strict mode raises only `IcwsStateError`
subclasses. After every input ``stats.messages == stats.applied + stats.rejected``, and in lenient mode the count
grows by exactly the number of messages the input carried (section 5): one per message or unreadable input, the
array's length for a batch, the response's messages for a messages GET, nothing for other exchanges.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
import strategies as gen
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icws_state import IcwsStateError, InputKind, LogInput, StateCache, feed
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
