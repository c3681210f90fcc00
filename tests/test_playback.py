"""Playback: a client's requests answered from a recorded log, in order, with loud failures where they disagree.

The transport examples run unchanged against a playback of their own recording and must end with the state they
built against the live (fake) server; a request the log cannot answer fails naming it and the next recorded one.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fake_icws import RECORDED_BATCHES, RECORDED_SUBSCRIPTIONS, FakeIcws
from helpers import CONFORMANCE
from recording_helpers import load_example, login, through

from icws_state import IcwsStateError, StateCache, replay
from icws_state.recording import (
    SESSION_PLACEHOLDER,
    AsyncPlaybackTransport,
    AsyncRecordingTransport,
    Playback,
    PlaybackError,
    PlaybackTransport,
    RecordingTransport,
    UnmatchedRequest,
    UnusedExchanges,
    scrub,
)

POLLS = len(RECORDED_BATCHES) + 1
MESSAGES = f"/icws/{SESSION_PLACEHOLDER}/messaging/messages"


@pytest.fixture
def recorded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, StateCache]:
    """A login and the polling example, recorded against the fake server; and the state the example built."""
    log = tmp_path / "polling.jsonl"
    with FakeIcws(require_auth=True) as fake:
        transport = RecordingTransport(log)
        with httpx.Client(base_url=fake.base_url, transport=transport) as client:
            session, headers = login(client)
            live = through(load_example("polling"), transport).run(
                fake.base_url, session, POLLS, headers=headers, subscriptions=RECORDED_SUBSCRIPTIONS)
    capsys.readouterr()
    return log, live


def test_polling_example_plays_back_its_own_recording(recorded: tuple[Path, StateCache]) -> None:
    log, live = recorded
    transport = PlaybackTransport(log)
    with httpx.Client(base_url="http://icws.invalid", transport=transport) as client:
        session, headers = login(client)
        assert session == SESSION_PLACEHOLDER
        played = through(load_example("polling"), transport).run(
            "http://icws.invalid", session, POLLS, headers=headers, subscriptions=RECORDED_SUBSCRIPTIONS)
    assert played.snapshot() == live.snapshot() == replay(log).snapshot()
    transport.check()
    assert transport.unused == []


def test_any_session_id_matches_the_placeholder(recorded: tuple[Path, StateCache]) -> None:
    log, live = recorded
    transport = PlaybackTransport(log)
    with httpx.Client(base_url="http://h", transport=transport) as client:
        login(client)
    played = through(load_example("polling"), transport).run("http://h", "another-session", POLLS,
                                                             subscriptions=RECORDED_SUBSCRIPTIONS)
    assert played == live


def test_a_scrubbed_recording_plays_back_too(recorded: tuple[Path, StateCache], tmp_path: Path) -> None:
    log, live = recorded
    scrubbed = tmp_path / "scrubbed.jsonl"
    scrub(log, scrubbed, key=b"k" * 32)
    transport = PlaybackTransport(scrubbed)
    with httpx.Client(base_url="http://h", transport=transport) as client:
        session, _ = login(client)
    played = through(load_example("polling"), transport).run("http://h", session, POLLS,
                                                             subscriptions=RECORDED_SUBSCRIPTIONS)
    transport.check()
    assert played.stats == live.stats and list(played.history) == list(live.history)
    assert played.history["1002"]["notes"].startswith("anon-") and live.history["1002"]["notes"] == "called back"


def test_asyncio_example_plays_back_its_own_recording(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "async.jsonl"
    with FakeIcws() as fake:
        live = through(load_example("asyncio_polling"), AsyncRecordingTransport(log)).run(
            fake.base_url, fake.session_id, POLLS, subscriptions=RECORDED_SUBSCRIPTIONS)
    transport = AsyncPlaybackTransport(log)
    played = through(load_example("asyncio_polling"), transport).run(
        "http://h", "s", POLLS, subscriptions=RECORDED_SUBSCRIPTIONS)
    assert played == live
    transport.check()


def test_sse_example_plays_back_its_own_recording(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "sse.jsonl"
    with FakeIcws() as fake:
        live = through(load_example("sse"), RecordingTransport(log)).run(
            fake.base_url, fake.session_id, subscriptions=RECORDED_SUBSCRIPTIONS)
    transport = PlaybackTransport(log)
    played = through(load_example("sse"), transport).run("http://h", "s", subscriptions=RECORDED_SUBSCRIPTIONS)
    assert played == live
    transport.check()


def test_an_unmatched_request_fails_naming_it_and_the_next_recorded_one(
        recorded: tuple[Path, StateCache]) -> None:
    log, _ = recorded
    transport = PlaybackTransport(log)
    with httpx.Client(base_url="http://h", transport=transport) as client:
        with pytest.raises(UnmatchedRequest) as failure:
            client.put("/icws/s1/messaging/subscriptions/status/user-statuses", json={"userIds": ["agent1"]})
        message = str(failure.value)
        assert "PUT /icws/s1/messaging/subscriptions/status/user-statuses" in message
        assert "the next recorded one is POST /icws/connection -> 201 (line 1 of" in message
        assert isinstance(failure.value, PlaybackError) and isinstance(failure.value, IcwsStateError)
        login(client)
        with pytest.raises(UnusedExchanges) as unused:
            transport.check()
        assert f"{len(RECORDED_SUBSCRIPTIONS) + POLLS} recorded exchanges were never asked for" in str(unused.value)
        assert "PUT /icws/SESSION/messaging/subscriptions/interaction-history -> 204 (line 2 of" in str(unused.value)
        for _ in range(POLLS):  # the polls are answered in their recorded order, before the subscriptions
            client.get("/icws/x/messaging/messages")
        with pytest.raises(UnmatchedRequest, match=r"the next recorded one is PUT .*interaction-history"):
            client.get("/icws/x/messaging/messages")
    assert [e.line for e in transport.unused] == [2, 3, 4]


def test_a_fully_played_log_says_so(tmp_path: Path) -> None:
    log = tmp_path / "one.jsonl"
    log.write_text('{"method": "GET", "path": "/icws/SESSION/messaging/messages", "status": 200, "response": []}\n',
                   encoding="utf-8")
    transport = PlaybackTransport(log)
    with httpx.Client(transport=transport) as client:
        assert client.get("http://h/icws/s/messaging/messages").json() == []
        with pytest.raises(UnmatchedRequest, match=r"GET /icws/s/messaging/messages: all 1 recorded exchanges"):
            client.get("http://h/icws/s/messaging/messages")


def test_a_real_session_id_is_matched_exactly(tmp_path: Path) -> None:
    log = tmp_path / "real.jsonl"
    log.write_text('{"method": "DELETE", "path": "/icws/abc/messaging/subscriptions/x", "status": 204}\n',
                   encoding="utf-8")
    with httpx.Client(transport=PlaybackTransport(log)) as client:
        with pytest.raises(UnmatchedRequest):
            client.delete("http://h/icws/other/messaging/subscriptions/x")
        assert client.delete("http://h/icws/abc/messaging/subscriptions/x?q=1").status_code == 204


def test_bare_messages_answer_polls_and_a_har_capture_plays_back() -> None:
    har = CONFORMANCE / "11-capture.har"
    saved = CONFORMANCE / "12-saved-response.json"
    if not har.exists() or not saved.exists():
        pytest.skip("the conformance logs are not here")
    playback = Playback([saved, har])
    first = playback.answer("GET", "/icws/s1/messaging/messages")
    assert first.response is not None and first.line == 1 and first.source == str(saved)
    assert all(e.source == str(har) for e in playback.exchanges[len(json.loads(saved.read_text())):])
    assert all(e.method in ("GET", "PUT", "DELETE", "POST") for e in playback.exchanges)


def test_playback_needs_a_log() -> None:
    with pytest.raises(ValueError, match="at least one log"):
        Playback([])
    with pytest.raises(FileNotFoundError):
        Playback("/no/such/log.jsonl")
