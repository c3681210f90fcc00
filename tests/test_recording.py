"""Recording a real session: every exchange one JSON line, no secret in any byte written, the same state replayed.

The session is real HTTP against the loopback fake ICWS server with its login switched on: a password in the
connection request, a session id in the response and in every path, a CSRF token in the response and a header, a
cookie. The client is the embedding guide's own polling example, run unchanged through `RecordingTransport`.
"""

from __future__ import annotations

import asyncio
import doctest
import gzip
import importlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_icws import CSRF_TOKEN, PASSWORD, RECORDED_BATCHES, RECORDED_SUBSCRIPTIONS, SESSION_COOKIE, FakeIcws
from recording_helpers import load_example, login, through

from icws_state import StateCache, read_log, replay
from icws_state.recording import (
    REDACTED,
    SESSION_PLACEHOLDER,
    AsyncRecordingTransport,
    Recorder,
    RecordingTransport,
    redact_exchange,
    redact_path,
)
from icws_state.testing import assert_snapshot_matches

SESSION = "sess-4b7e90c1-secret"
SECRETS = (PASSWORD, CSRF_TOKEN, SESSION_COOKIE, SESSION)
POLLS = len(RECORDED_BATCHES) + 1


def assert_no_secret(data: bytes, where: str) -> None:
    for secret in SECRETS:
        assert secret.encode() not in data, f"{secret!r} written to {where}"


def record_polling_session(log: Path, cache: StateCache | None = None) -> StateCache:
    """Log in and run the polling example against the fake server, recording through one transport."""
    with FakeIcws(session_id=SESSION, require_auth=True) as fake:
        transport = RecordingTransport(log, cache=cache)
        with httpx.Client(base_url=fake.base_url, transport=transport) as client:
            session, headers = login(client)
            assert session == SESSION
            example = through(load_example("polling"), transport)
            live: StateCache = example.run(fake.base_url, session, POLLS, headers=headers,
                                           subscriptions=RECORDED_SUBSCRIPTIONS)
        assert fake.remaining == 0
        assert all(r.path.startswith(f"/icws/{SESSION}/") for r in fake.requests if r.method != "POST")
    return live


def test_recorded_session_has_no_secret_and_replays_to_the_live_state(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "session.jsonl"
    fed = StateCache()
    live = record_polling_session(log, cache=fed)
    capsys.readouterr()
    data = log.read_bytes()
    assert_no_secret(data, "the log")
    records = [json.loads(line) for line in data.splitlines()]
    # Every exchange, the connection request first, one line each.
    assert [(r["method"], r["path"]) for r in records[:2]] == [
        ("POST", "/icws/connection"),
        ("PUT", f"/icws/{SESSION_PLACEHOLDER}/messaging/subscriptions/interaction-history")]
    assert len(records) == 1 + len(RECORDED_SUBSCRIPTIONS) + POLLS
    assert all(set(r) <= {"method", "path", "status", "body", "response", "at"} for r in records)
    login_record = records[0]
    assert login_record["body"]["password"] == REDACTED and login_record["body"]["userID"] == "agent1"
    assert login_record["response"]["sessionId"] == SESSION_PLACEHOLDER
    assert login_record["response"]["csrfToken"] == REDACTED
    assert login_record["response"]["userDisplayName"] == "Agent One"  # personal, not secret: scrub removes it
    assert all(r["at"].endswith("Z") for r in records)
    # The log replays to the state the client built live, and to the cache the recorder fed as it wrote.
    replayed = replay(log)
    assert replayed == live == fed
    assert replayed.stats.applied == 10 and replayed.stats.rejected == 0
    snapshot = replayed.snapshot_json()
    assert_no_secret(snapshot, "the snapshot")
    golden = tmp_path / "golden" / "session.snapshot.json"
    assert_snapshot_matches(log, golden, update=True)
    assert_no_secret(golden.read_bytes(), "the golden file")
    assert_snapshot_matches(log, golden)


def test_async_recording_replays_to_the_live_state(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "async.jsonl"
    with FakeIcws(session_id=SESSION) as fake:
        transport = AsyncRecordingTransport(log)
        example = through(load_example("asyncio_polling"), transport)
        live = example.run(fake.base_url, SESSION, POLLS, subscriptions=RECORDED_SUBSCRIPTIONS)
    assert transport.recorder.closed, "closing the client closes the log"
    assert_no_secret(log.read_bytes(), "the log")
    assert replay(log) == live
    assert len(list(read_log(log))) == len(RECORDED_SUBSCRIPTIONS) + POLLS


def test_event_stream_is_recorded_as_its_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "sse.jsonl"
    with FakeIcws(session_id=SESSION) as fake:
        transport = RecordingTransport(log)
        live = through(load_example("sse"), transport).run(fake.base_url, SESSION,
                                                            subscriptions=RECORDED_SUBSCRIPTIONS)
    records = [json.loads(line) for line in log.read_bytes().splitlines()]
    stream = records[-1]
    assert (stream["method"], stream["status"]) == ("GET", 200)
    assert len(stream["response"]) == sum(len(b) for b in RECORDED_BATCHES)
    assert replay(log) == live


def test_each_exchange_is_on_disk_as_soon_as_it_completes(tmp_path: Path) -> None:
    log = tmp_path / "crash.jsonl"
    recorder = Recorder(log)
    recorder.record("PUT", "/icws/s1/messaging/subscriptions/interactions/agent-assistance", 204)
    recorder.record("GET", "/icws/s1/messaging/messages", 200, response=[
        {"__type": "urn:inin.com:interactions.assistance:assistanceRequestListMessage", "isDelta": False,
         "requestsAdded": ["r1"]}])
    # No close, no flush: a client that dies now has left both lines behind.
    assert len(log.read_bytes().splitlines()) == 2
    assert sorted(replay(log).assistance_requests) == ["r1"]
    recorder.close()
    with pytest.raises(ValueError, match="closed"):
        recorder.record("GET", "/icws/s1/messaging/messages", 200)


def test_recorder_appends_and_feeds_a_cache(tmp_path: Path) -> None:
    log = tmp_path / "append.jsonl"
    with Recorder(log) as first:
        first.record("PUT", "/icws/s1/messaging/subscriptions/interaction-history", 204, at="2026-11-22T10:00:00Z")
    cache = StateCache()
    with Recorder(log, append=True, cache=cache) as second:
        second.record("DELETE", "/icws/s1/messaging/subscriptions/interaction-history", 204)
    assert len(log.read_bytes().splitlines()) == 2
    assert cache.subscriptions["interaction-history"].closed
    assert replay(log).subscriptions["interaction-history"].closed


def _inner(status: int, content: bytes, headers: dict[str, str]) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, content=content, headers=headers))


@pytest.mark.parametrize(("content", "headers", "expected"), [
    (gzip.compress(b'[{"__type": "x", "isDelta": false}]'), {"content-encoding": "gzip"},
     [{"__type": "x", "isDelta": False}]),
    (b"<html>Service Unavailable</html>", {"content-type": "text/html"}, None),
    (b"", {}, None),
    (b"[NaN]", {}, None),  # not strict JSON: not recorded as a response
], ids=["gzip", "html", "empty", "nan"])
def test_response_bodies_are_recorded_as_json_or_not_at_all(tmp_path: Path, content: bytes,
                                                            headers: dict[str, str], expected: Any) -> None:
    log = tmp_path / "bodies.jsonl"
    with httpx.Client(transport=RecordingTransport(log, transport=_inner(200, content, headers))) as client:
        r = client.get("http://icws.example:8019/icws/s1/messaging/messages?timeout=5")
        assert r.content == gzip.decompress(content) if "content-encoding" in headers else r.content == content
    (record,) = [json.loads(line) for line in log.read_bytes().splitlines()]
    assert record["path"] == f"/icws/{SESSION_PLACEHOLDER}/messaging/messages?timeout=5"
    assert record.get("response") == expected


def test_a_response_closed_early_is_recorded_with_what_arrived(tmp_path: Path) -> None:
    log = tmp_path / "early.jsonl"
    events = b'data: [{"__type": "a", "isDelta": false}]\n\ndata: [{"__type": "b", "isDelta": fa'
    inner = _inner(200, events, {"content-type": "text/event-stream"})
    with httpx.Client(transport=RecordingTransport(log, transport=inner)) as client, \
            client.stream("GET", "http://h/icws/s1/messaging/messages") as r:
        next(r.iter_bytes())
    (record,) = [json.loads(line) for line in log.read_bytes().splitlines()]
    assert record["response"] == [{"__type": "a", "isDelta": False}], "the event cut off is left out"


def test_headers_and_cookies_are_never_recorded(tmp_path: Path) -> None:
    log = tmp_path / "headers.jsonl"
    inner = _inner(200, b"{}", {"set-cookie": f"icws_s1={SESSION_COOKIE}", "ININ-ICWS-CSRF-Token": CSRF_TOKEN})
    with httpx.Client(transport=RecordingTransport(log, transport=inner), cookies={"icws_s1": SESSION_COOKIE},
                      headers={"ININ-ICWS-CSRF-Token": CSRF_TOKEN}) as client:
        client.get("http://h/icws/s1/status/user-statuses")
    assert_no_secret(log.read_bytes(), "the log")


@pytest.mark.parametrize("body", [
    {"__type": "urn:inin.com:connection:icAuthConnectionRequestSettings", "applicationName": "a", "userID": "u",
     "password": "p4ss"},
    {"__type": "urn:inin.com:connection:singleSignOnAuthConnectionRequestSettings", "applicationName": "a",
     "singleSignOnToken": "p4ss", "identityProviderSecret": "p4ss"},
    {"__type": "urn:inin.com:connection:samlConnectionRequestSettings", "applicationName": "a",
     "samlAssertion": "p4ss"},
    {"__type": "urn:inin.com:connection:icAuthConnectionRequestSettings", "applicationName": "a", "userID": "u",
     "password": 1234, "newPassword": "p4ss", "options": {"marketplaceApplicationLicenseToken": "p4ss"}},
])
def test_every_connection_request_type_loses_its_secrets(body: dict[str, Any]) -> None:
    response = {"sessionId": "p4ss", "csrfToken": "p4ss", "accessToken": "p4ss", "userID": "u"}
    path, new_body, new_response, n = redact_exchange("POST", "/icws/connection", 201, body, response)
    assert path == "/icws/connection"
    assert "p4ss" not in json.dumps([new_body, new_response]) and "1234" not in json.dumps(new_body)
    assert new_body["__type"] == body["__type"] and new_body["applicationName"] == "a"
    assert new_response == {"sessionId": SESSION_PLACEHOLDER, "csrfToken": REDACTED, "accessToken": REDACTED,
                            "userID": "u"}
    assert body.get("password", "p4ss") != REDACTED, "the input is not changed"
    assert n >= 4


def test_messages_are_data_and_are_not_redacted() -> None:
    messages = [{"__type": "urn:inin.com:configuration.people:passwordPoliciesMessage", "isDelta": False,
                 "added": [{"configurationId": {"id": "p"}, "minimumPasswordLength": 8, "token": "kept"}]}]
    _, _, response, n = redact_exchange("GET", "/icws/s1/messaging/messages", 200, None, messages)
    assert response == messages and n == 0


@pytest.mark.parametrize(("url", "expected"), [
    ("/icws/1234567/messaging/messages", f"/icws/{SESSION_PLACEHOLDER}/messaging/messages"),
    ("https://icws.example:8019/icws/abc/messaging/subscriptions/queues/q1",
     f"/icws/{SESSION_PLACEHOLDER}/messaging/subscriptions/queues/q1"),
    ("/proxy/icws/abc/connection", f"/proxy/icws/{SESSION_PLACEHOLDER}/connection"),
    ("/icws/connection", "/icws/connection"),
    ("/icws/connection/version", "/icws/connection/version"),
    ("/icws/abc/messaging/messages?csrfToken=x&timeout=5",
     f"/icws/{SESSION_PLACEHOLDER}/messaging/messages?csrfToken={REDACTED}&timeout=5"),
    ("/other/path?a=1", "/other/path?a=1"),
])
def test_session_ids_leave_paths(url: str, expected: str) -> None:
    assert redact_path(url) == expected


@pytest.mark.parametrize("name", ["_recorder", "_pseudonyms", "_times", "_scrub_rules", "_redact"])
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"icws_state.recording.{name}")
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0


def test_transports_are_imported_only_when_used() -> None:
    import subprocess
    import sys

    code = ("import sys, icws_state.recording as r, icws_state.pytest_plugin; "
            "before = 'httpx' in sys.modules; r.PlaybackTransport; print(before, 'httpx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


def test_recording_transport_is_an_httpx_transport() -> None:
    assert issubclass(RecordingTransport, httpx.BaseTransport)
    assert issubclass(AsyncRecordingTransport, httpx.AsyncBaseTransport)
    asyncio.run(AsyncRecordingTransport(Recorder("/dev/null")).aclose())


def test_from_a_recorded_session_to_committed_files_nothing_secret_or_personal_is_written(tmp_path: Path) -> None:
    """The whole path a user takes: record (secrets redacted), scrub (personal data pseudonymized), then every file
    kept in a repository (the scrubbed log, its snapshot, a golden file, an HTML report) holds neither a secret nor
    a customer's name or number."""
    from icws_state import render_report
    from icws_state.recording import scrub

    session, csrf, password = "sess-77b0-secret", "csrf-1d4e-secret", "Pa55-customer-secret"
    name, number, agent = "Ana Customer-Lopez", "+13175550123", "Agent Smith"
    base = f"https://icws.example:8019/icws/{session}"
    log = tmp_path / "session.jsonl"
    with Recorder(log) as recorder:
        recorder.record("POST", "https://icws.example:8019/icws/connection", 201,
                        body={"__type": "urn:inin.com:connection:icAuthConnectionRequestSettings",
                              "userID": "agent7", "password": password},
                        response={"sessionId": session, "csrfToken": csrf, "userDisplayName": agent})
        recorder.record("PUT", f"{base}/messaging/subscriptions/interaction-history", 204)
        recorder.record("PUT", f"{base}/messaging/subscriptions/queues/q1", 204,
                        body={"queueIds": [{"queueType": 1, "queueName": "agent7"}]})
        recorder.record("GET", f"{base}/messaging/messages", 200, response=[
            {"__type": "urn:inin.com:interactions:historyMessage", "isDelta": False, "interactionHistory": [
                {"interactionId": "1001", "initiationTime": "2026-11-22T09:00:00Z", "remoteName": name,
                 "remoteAddress": number, "localName": agent, "notes": f"call {name} back on {number}"}]},
            {"__type": "urn:inin.com:queues:queueContentsMessage", "isDelta": False, "subscriptionId": "q1",
             "interactionsAdded": [{"interactionId": "2001", "attributes": {
                 "Eic_State": "A", "Eic_RemoteName": name, "Eic_RemoteAddress": number}}]}])
    recorded = log.read_bytes()
    for secret in (session, csrf, password):
        assert secret.encode() not in recorded, f"{secret!r} recorded"
    scrubbed = tmp_path / "scrubbed.jsonl"
    scrub(log, scrubbed)
    golden = tmp_path / "golden.json"
    assert_snapshot_matches(scrubbed, golden, update=True)
    written = {
        "the scrubbed log": scrubbed.read_bytes(),
        "the snapshot": replay(scrubbed).snapshot_json(),
        "the golden file": golden.read_bytes(),
        "the report": render_report(scrubbed).encode(),
    }
    for where, data in written.items():
        for value in (session, csrf, password, name, number, "Customer-Lopez", "5550123", agent):
            assert value.encode() not in data, f"{value!r} written to {where}"
    # ... and the scrubbed log still replays to the same shape of state: the same items, the same subscriptions.
    before, after = replay(log), replay(scrubbed)
    assert list(before.history) == list(after.history) and sorted(before.subscriptions) == sorted(after.subscriptions)
