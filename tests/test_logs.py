"""The log reader (section 4 of the spec): kinds of line, whole-file documents, HAR captures, event streams."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from icws_state import InputKind, LogInput, read_log, read_stream, replay
from icws_state._logs import sse_messages

SUBS = "/icws/s1/messaging/subscriptions/"
MESSAGES = "/icws/s1/messaging/messages"
HISTORY = "urn:inin.com:interactions:historyMessage"
ALIST = "urn:inin.com:interactions.assistance:assistanceRequestListMessage"
QUEUE = "urn:inin.com:queues:queueContentsMessage"


def alist(*added: str, delta: bool = True) -> dict[str, Any]:
    return {"__type": ALIST, "isDelta": delta, "requestsAdded": list(added)}


def write(tmp_path: Path, text: str, name: str = "log.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(tmp_path: Path, *lines: object, name: str = "log.jsonl") -> Path:
    """A str is written as is (bad or blank lines), anything else as one JSON line."""
    return write(tmp_path, "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), name)


def inputs(path: Path) -> list[LogInput]:
    return list(read_log(path))


def rejected(path: Path) -> list[tuple[int | None, str]]:
    return [(r.line, r.reason) for r in replay(path).rejected]


# --- JSON lines ---------------------------------------------------------------------------------------------------


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    log = jsonl(tmp_path, "", alist("r1"), "   ", "\t", alist("r2"))
    got = inputs(log)
    assert [(i.line, i.kind) for i in got] == [(2, InputKind.MESSAGE), (5, InputKind.MESSAGE)]
    assert replay(log).stats.messages == 2


def test_a_bad_json_line_is_an_invalid_input_with_its_raw_text(tmp_path: Path) -> None:
    log = jsonl(tmp_path, alist("r1"), '{"__type": "urn:x", "isDelta": tru', alist("r2"))
    bad = inputs(log)[1]
    assert bad.kind is InputKind.INVALID
    assert bad.line == 2
    assert bad.value == '{"__type": "urn:x", "isDelta": tru'
    assert bad.reason is not None
    assert bad.reason.startswith("not valid JSON")
    cache = replay(log)
    assert [(r.line, r.message) for r in cache.rejected] == [(2, '{"__type": "urn:x", "isDelta": tru')]
    assert sorted(cache.assistance_requests) == ["r1", "r2"]  # a bad line is not a crash: reading goes on


def test_invalid_utf8_is_a_rejected_line(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(json.dumps(alist("r1")).encode() + b"\n\xff\xfe{}\n")
    got = inputs(path)
    assert [i.kind for i in got] == [InputKind.MESSAGE, InputKind.INVALID]
    assert got[1].line == 2


def test_an_array_line_is_one_polling_response(tmp_path: Path) -> None:
    log = jsonl(tmp_path, [alist("r1", delta=False), alist("r2"), {"__type": ALIST, "isDelta": 1}])
    (only,) = inputs(log)
    assert only.kind is InputKind.BATCH
    cache = replay(log)
    assert sorted(cache.assistance_requests) == ["r1", "r2"]
    assert [r.line for r in cache.rejected] == [1]  # messages of one line keep that line's number
    assert cache.stats.messages == 3


@pytest.mark.parametrize("value", [42, '"text"', None, True, {"neither": "type nor method"}])
def test_other_json_values_are_read_as_messages_and_rejected(tmp_path: Path, value: object) -> None:
    log = jsonl(tmp_path, value)
    assert [i.kind for i in inputs(log)] == [InputKind.MESSAGE]
    assert [line for line, _ in rejected(log)] == [1]


def test_an_object_with_type_and_method_is_a_message(tmp_path: Path) -> None:
    log = jsonl(tmp_path, {**alist("r1"), "method": "PUT"})
    assert [i.kind for i in inputs(log)] == [InputKind.MESSAGE]
    assert list(replay(log).assistance_requests) == ["r1"]


def test_exchange_records_carry_their_time(tmp_path: Path) -> None:
    log = jsonl(tmp_path, {"method": "PUT", "path": SUBS + "interaction-history", "status": 204,
                           "at": "2026-03-10T08:00:02.355Z"},
                {"method": "PUT", "path": SUBS + "interaction-history", "status": 204, "at": 17})
    got = inputs(log)
    assert [i.kind for i in got] == [InputKind.EXCHANGE, InputKind.EXCHANGE]
    assert [i.at for i in got] == ["2026-03-10T08:00:02.355Z", None]


@pytest.mark.parametrize("record", [
    {"method": 1, "path": SUBS + "interaction-history", "status": 204},
    {"method": "PUT", "path": None, "status": 204},
    {"method": "PUT", "path": SUBS + "interaction-history"},
    {"method": "PUT", "path": SUBS + "interaction-history", "status": "204"},
    {"method": "PUT", "path": SUBS + "interaction-history", "status": 204.0},
    {"method": "PUT", "path": SUBS + "interaction-history", "status": True},
])
def test_a_malformed_exchange_record_is_one_rejected_input(tmp_path: Path, record: dict[str, Any]) -> None:
    cache = replay(jsonl(tmp_path, record))
    assert [r.line for r in cache.rejected] == [1]
    assert cache.stats.messages == 1
    assert dict(cache.subscriptions) == {}  # a rejected exchange makes no path seen


@pytest.mark.parametrize("record", [
    {"method": "GET", "path": MESSAGES, "status": 200},
    {"method": "GET", "path": MESSAGES, "status": 200, "response": None},
    {"method": "GET", "path": MESSAGES, "status": 200, "response": []},
    {"method": "GET", "path": MESSAGES, "status": 500, "response": {"message": "server error"}},
    {"method": "POST", "path": "/icws/connection", "status": 201, "response": {"sessionId": "s1"}},
    {"method": "GET", "path": SUBS + "interaction-history", "status": 200},
])
def test_exchanges_that_carry_no_messages_are_not_counted(tmp_path: Path, record: dict[str, Any]) -> None:
    cache = replay(jsonl(tmp_path, record))
    assert cache.stats.messages == 0
    assert list(cache.rejected) == []
    assert dict(cache.subscriptions) == {}


@pytest.mark.parametrize("response", [{"message": "not an array"}, "[]", 3])
def test_a_messages_get_whose_response_is_not_an_array_is_rejected(tmp_path: Path, response: object) -> None:
    cache = replay(jsonl(tmp_path, alist("r1"), {"method": "GET", "path": MESSAGES, "status": 200,
                                                 "response": response}))
    assert [r.line for r in cache.rejected] == [2]
    assert cache.stats.messages == 2


def test_a_messages_get_applies_its_messages_with_its_line(tmp_path: Path) -> None:
    log = jsonl(tmp_path, "", {"method": "GET", "path": MESSAGES, "status": 200,
                               "response": [alist("r1"), {"__type": ALIST, "isDelta": "yes"}]})
    cache = replay(log)
    assert list(cache.assistance_requests) == ["r1"]
    assert [r.line for r in cache.rejected] == [2]


def test_query_strings_are_ignored_in_paths(tmp_path: Path) -> None:
    log = jsonl(tmp_path,
                {"method": "PUT", "path": SUBS + "interaction-history?trace=1", "status": 204,
                 "body": {"numberOfHistoryMessages": 3}},
                {"method": "GET", "path": MESSAGES + "?_=1773129913600", "status": 200, "response": [alist("r1")]})
    cache = replay(log)
    assert list(cache.subscriptions) == ["interaction-history", "interactions/agent-assistance"]
    assert cache.subscriptions["interaction-history"].parameters == {"numberOfHistoryMessages": 3}
    assert list(cache.assistance_requests) == ["r1"]


def test_percent_escapes_in_a_subscription_path_are_decoded(tmp_path: Path) -> None:
    log = jsonl(tmp_path, {"method": "PUT", "path": SUBS + "queues/q%202", "status": 204},
                {"__type": QUEUE, "isDelta": False, "subscriptionId": "q 2",
                 "interactionsAdded": [{"interactionId": "i1"}]})
    cache = replay(log)
    assert list(cache.subscriptions) == ["queues/q 2"]
    assert cache.subscriptions["queues/q 2"].resync_needed is False  # the message reached the PUT's path
    assert cache.data_paths() == ["queues/q 2"]


def test_a_401_on_any_path_ends_the_session(tmp_path: Path) -> None:
    log = jsonl(tmp_path, {"method": "PUT", "path": SUBS + "interactions/agent-assistance", "status": 204},
                {"method": "GET", "path": "/icws/s1/status/user-statuses/jsmith", "status": 401},
                alist("r1"))
    cache = replay(log)
    assert cache.session_ended
    assert [r.line for r in cache.rejected] == [3]


def test_crlf_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"\r\n".join(json.dumps(alist(r)).encode() for r in ("r1", "r2")) + b"\r\n\r\n")
    assert sorted(replay(path).assistance_requests) == ["r1", "r2"]


def test_read_stream_numbers_from_start() -> None:
    got = list(read_stream([b"\n", json.dumps(alist("r1")).encode() + b"\n", b"oops\n"], start=10))
    assert [(i.line, i.kind) for i in got] == [(12, InputKind.MESSAGE), (13, InputKind.INVALID)]


def test_read_log_raises_for_a_missing_file_before_reading(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        read_log(tmp_path / "missing.jsonl")


def test_an_empty_file_has_no_inputs(tmp_path: Path) -> None:
    assert inputs(write(tmp_path, "")) == []
    assert inputs(write(tmp_path, "\n\n  \n", "blank.jsonl")) == []


# --- whole-file documents ---------------------------------------------------------------------------------------


def test_a_whole_file_array_numbers_messages_by_position(tmp_path: Path) -> None:
    text = json.dumps([alist("r1", delta=False), {"__type": ALIST, "isDelta": None}, alist("r2"), 7], indent=2)
    cache = replay(write(tmp_path, text, "saved.json"))
    assert sorted(cache.assistance_requests) == ["r1", "r2"]
    assert [r.line for r in cache.rejected] == [2, 4]
    assert cache.stats.messages == 4


def test_a_pretty_printed_message_file_is_line_1(tmp_path: Path) -> None:
    got = inputs(write(tmp_path, json.dumps(alist("r1"), indent=2), "one.json"))
    assert [(i.line, i.kind) for i in got] == [(1, InputKind.MESSAGE)]
    bad = write(tmp_path, json.dumps({"__type": ALIST, "isDelta": "x"}, indent=2), "bad.json")
    assert [line for line, _ in rejected(bad)] == [1]


def test_a_pretty_printed_exchange_file(tmp_path: Path) -> None:
    text = json.dumps({"method": "GET", "path": MESSAGES, "status": 200, "response": [alist("r1")]}, indent=2)
    assert list(replay(write(tmp_path, text, "exchange.json")).assistance_requests) == ["r1"]


def test_a_file_that_is_no_json_document_is_read_as_lines_after_all(tmp_path: Path) -> None:
    log = jsonl(tmp_path, '{"__type": ', alist("r1"), "[", alist("r2"))
    cache = replay(log)
    assert sorted(cache.assistance_requests) == ["r1", "r2"]
    assert [r.line for r in cache.rejected] == [1, 3]


# --- HAR captures -------------------------------------------------------------------------------------------------


def har_entry(method: str, url: str, status: int, *, post: str | None = None, text: str | None = None,
              mime: str = "application/json", encoding: str | None = None,
              started: str = "2026-03-10T08:00:00.000Z") -> dict[str, Any]:
    request: dict[str, Any] = {"method": method, "url": url, "headers": []}
    if post is not None:
        request["postData"] = {"mimeType": "application/json", "text": post}
    content: dict[str, Any] = {"mimeType": mime, "size": 0}
    if text is not None:
        content["text"] = text
    if encoding is not None:
        content["encoding"] = encoding
    return {"startedDateTime": started, "request": request, "response": {"status": status, "content": content}}


def har(*entries: object) -> dict[str, Any]:
    return {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": list(entries)}}


BASE = "https://cic.example.com:8019"


def test_a_whole_file_har_capture(tmp_path: Path) -> None:
    capture = har(
        har_entry("PUT", BASE + SUBS + "interaction-history?x=1", 204, post='{"numberOfHistoryMessages": 2}',
                  text="", started="2026-03-10T08:00:01.000Z"),
        har_entry("GET", BASE + MESSAGES, 200, text=json.dumps([
            {"__type": HISTORY, "isDelta": False, "interactionHistory": [
                {"interactionId": str(i), "initiationTime": f"2026-03-10T0{i}:00:00Z"} for i in range(1, 4)]}]),
                  started="2026-03-10T08:00:02.000Z"),
    )
    path = write(tmp_path, json.dumps(capture, indent=2), "capture.har")
    got = inputs(path)
    assert [(i.line, i.kind, i.at) for i in got] == [(1, InputKind.EXCHANGE, "2026-03-10T08:00:01.000Z"),
                                                     (2, InputKind.EXCHANGE, "2026-03-10T08:00:02.000Z")]
    assert got[0].value == {"method": "PUT", "path": SUBS + "interaction-history", "status": 204,
                            "body": {"numberOfHistoryMessages": 2}}
    cache = replay(path)
    assert list(cache.history) == ["2", "3"]  # the bound from the PUT body in postData


def test_a_har_capture_on_one_line_of_a_jsonl_log_numbers_entries_by_position(tmp_path: Path) -> None:
    capture = har(har_entry("GET", BASE + MESSAGES, 200, text=json.dumps([alist("r1")])),
                  {"request": {"method": "GET"}, "response": {"status": 200}},
                  har_entry("GET", BASE + MESSAGES, 200, text=json.dumps([{"__type": ALIST, "isDelta": 0}])))
    log = jsonl(tmp_path, alist("r0"), alist("r9"), capture)
    cache = replay(log)
    assert sorted(cache.assistance_requests) == ["r0", "r1", "r9"]
    assert [r.line for r in cache.rejected] == [2, 3]


@pytest.mark.parametrize("entry", [
    {"request": {"url": BASE + MESSAGES}, "response": {"status": 200}},
    {"request": {"method": "GET", "url": 5}, "response": {"status": 200}},
    {"request": {"method": "GET", "url": BASE + MESSAGES}, "response": {"status": "200"}},
    {"request": {"method": "GET", "url": BASE + MESSAGES}},
    "not an entry",
])
def test_a_bad_har_entry_is_one_rejected_input(tmp_path: Path, entry: object) -> None:
    path = write(tmp_path, json.dumps(har(har_entry("GET", BASE + "/index.html", 200, text="<html>"), entry)),
                 "bad.har")
    got = inputs(path)
    assert got[1].kind is InputKind.INVALID
    cache = replay(path)
    assert [r.line for r in cache.rejected] == [2]
    assert cache.stats.messages == 1


def test_har_base64_content_is_decoded(tmp_path: Path) -> None:
    text = base64.b64encode(json.dumps([alist("r1"), alist("ré")]).encode()).decode()
    path = write(tmp_path, json.dumps(har(har_entry("GET", BASE + MESSAGES, 200, text=text, encoding="base64"))),
                 "b64.har")
    assert sorted(replay(path).assistance_requests) == ["r1", "ré"]


def test_har_messages_content_that_does_not_parse_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(har(
        har_entry("GET", BASE + MESSAGES, 200, text="[{oops"),
        har_entry("GET", BASE + MESSAGES, 200, text="abc", encoding="base64"),
        har_entry("GET", BASE + "/app.js", 200, text="var x = 1;", mime="text/javascript"),
        har_entry("GET", BASE + MESSAGES, 200, text="   "),
    )), "bad-content.har")
    cache = replay(path)
    assert [r.line for r in cache.rejected] == [1, 2]
    assert cache.stats.messages == 2


def test_har_post_data_that_does_not_parse_is_no_body(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(har(
        har_entry("PUT", BASE + SUBS + "interaction-history", 204, post="numberOfHistoryMessages=3"))), "post.har")
    (entry,) = inputs(path)
    assert "body" not in entry.value
    assert replay(path).subscriptions["interaction-history"].parameters == {}


def test_har_percent_escapes_are_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(har(har_entry("PUT", BASE + SUBS + "queues/my%20queue?a=b", 204))), "q.har")
    assert list(replay(path).subscriptions) == ["queues/my queue"]


SSE = (
    ":ok\n"
    "\n"
    "event: message\n"
    'data: {"__type": "' + ALIST + '", "isDelta": true, "requestsAdded": ["r1"]}\n'
    "\n"
    ":ping\n"
    "data: [\n"
    'data:{"__type": "' + ALIST + '", "isDelta": true, "requestsAdded": ["r2"]},\n'
    'data:   {"__type": "' + ALIST + '", "isDelta": true, "requestsAdded": ["r3"]}\n'
    "id: 7\n"
    "data: ]\n"
    "\n"
    'data: {"__type": "' + ALIST + '", "isDelta": true, "requestsRemoved": ["r1"]}'
)


def test_sse_messages_reads_events_comments_multiline_data_and_an_unterminated_last_event() -> None:
    got = sse_messages(SSE)
    assert [m.get("requestsAdded", m.get("requestsRemoved")) for m in got] == [["r1"], ["r2"], ["r3"], ["r1"]]


def test_sse_messages_with_crlf_and_no_events() -> None:
    assert sse_messages(":ping\r\n\r\n") == []
    assert sse_messages('data: {"a": 1}\r\n\r\ndata: 2\r\n') == [{"a": 1}, 2]


def test_sse_messages_raises_for_data_that_is_not_json() -> None:
    with pytest.raises(ValueError):
        sse_messages("data: {nope\n\n")


@pytest.mark.parametrize("mime", ["text/event-stream", "Text/Event-Stream; charset=utf-8"])
def test_har_event_stream_response(tmp_path: Path, mime: str) -> None:
    path = write(tmp_path, json.dumps(har(har_entry("GET", BASE + MESSAGES, 200, text=SSE, mime=mime))), "sse.har")
    cache = replay(path)
    assert sorted(cache.assistance_requests) == ["r2", "r3"]
    assert cache.stats.messages == 4


def test_har_event_stream_with_a_bad_event_is_rejected_whole(tmp_path: Path) -> None:
    text = 'data: {"__type": "' + ALIST + '", "isDelta": true, "requestsAdded": ["r1"]}\n\ndata: {cut'
    path = write(tmp_path, json.dumps(har(har_entry("GET", BASE + MESSAGES, 200, text=text,
                                                    mime="text/event-stream"))), "sse-bad.har")
    cache = replay(path)
    assert list(cache.assistance_requests) == []
    assert [r.line for r in cache.rejected] == [1]
