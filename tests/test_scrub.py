"""The scrubber: nothing personal or secret survives, and the cache cannot tell the difference.

For generated logs (`recording_strategies`) and for every conformance log, replaying ``scrub(log)`` must give the
same stats, the same rejected inputs on the same lines, the same subscription states, and a snapshot equal to the
original's with each replaced value in its pseudonym's place. The expected snapshot is computed here from the
original's, by the replacements the scrubber reports, and both are put through ``from_snapshot`` so that
collections sorted by a replaced key compare in their new order.
"""

from __future__ import annotations

import json
import os
import re
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from helpers import CONFORMANCE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from recording_strategies import PERSONAL, PERSONAL_NUMBERS, SECRETS, log_lines, render

from icws_state import StateCache, read_log, replay
from icws_state._cli import main
from icws_state._summary import diff_snapshots
from icws_state.recording import (
    SESSION_PLACEHOLDER,
    ScrubRules,
    ScrubRulesError,
    read_key_file,
    scrub,
)

KEY = b"test-key-0123456789abcdef-0123456789"
_SESSION = re.compile(r"/icws/(?!connection(?:[/?#]|$))[^/?#]+")
_EXCHANGE = ("method", "path", "status", "body", "response", "at")
Replacements = dict[Any, Any]

# -- The expected snapshot -------------------------------------------------------------------------------------------
def _key(k: str, m: Replacements) -> str:
    """A snapshot key with its replaced parts: a subscription id in a path, the id in ``type|subscriptionId``."""
    if k in m:
        return str(m[k])
    if "|" in k:
        t, _, sid = k.partition("|")
        return f"{t}|{m.get(sid, sid)}"
    if k.startswith("queues/") and k[len("queues/"):] in m:
        return "queues/" + str(m[k[len("queues/"):]])
    parts = k.split("/", 2)
    if len(parts) == 3 and parts[0] == "configuration" and parts[2] in m:
        return f"configuration/{parts[1]}/{m[parts[2]]}"
    return k


def _leaf(v: Any, m: Replacements) -> Any:
    if type(v) in (str, int, float) and v in m and type(m[v]) is type(v):
        return m[v]
    return v


def substitute(value: Any, m: Replacements, *, keys: bool = True, drop: tuple[str, ...] = ()) -> Any:
    """``value`` with every replaced leaf (and key part) in its pseudonym's place; at any depth."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    while stack:
        v, target, slot = stack.pop()
        new: Any
        if type(v) is dict:
            new = {}
            for k, x in v.items():
                if k in drop:
                    continue
                nk = _key(k, m) if keys else k
                new[nk] = None
                stack.append((x, new, nk))
        elif type(v) is list:
            new = [None] * len(v)
            for i, x in enumerate(v):
                stack.append((x, new, i))
        else:
            new = _leaf(v, m)
        target[slot] = new
    return root[0]


def _rejected_message(message: Any, m: Replacements) -> Any:
    """A rejected input as the scrubbed log gives it: an exchange record keeps its six keys and loses its session
    id and query; a HAR entry loses its headers and cookies, and its URL is a path like an exchange's."""
    if type(message) is dict and "__type" not in message and "method" in message:
        record = {k: v for k, v in message.items() if k in _EXCHANGE}
        if type(record.get("path")) is str:
            record["path"] = _SESSION.sub(f"/icws/{SESSION_PLACEHOLDER}", record["path"].split("?", 1)[0])
            record["path"] = _key_in_path(record["path"], m)
        for k in ("body", "response"):
            if k in record:
                record[k] = substitute(record[k], m, keys=False)
        return record
    if type(message) is dict and "__type" not in message and "request" in message:
        entry = substitute(message, m, keys=False, drop=("headers", "cookies"))
        request = entry.get("request")
        if type(request) is dict and type(request.get("url")) is str:
            path = re.sub(r"^[a-z]+://[^/]*", "", request["url"]).split("?", 1)[0]
            request["url"] = _key_in_path(_SESSION.sub(f"/icws/{SESSION_PLACEHOLDER}", path), m)
        return entry
    return substitute(message, m, keys=False)


def _key_in_path(path: str, m: Replacements) -> str:
    marker = "/messaging/subscriptions/"
    head, found, sub = path.partition(marker)
    return head + found + _key(sub, m) if found else path


def expected_snapshot(original: dict[str, Any], m: Replacements) -> dict[str, Any]:
    out = dict(original)
    for part in ("history", "other", "subscriptionData", "subscriptions"):
        if part in out:
            out[part] = substitute(out[part], m)
    out["rejected"] = [
        {**r, "message": _rejected_message(r["message"], m)} if "message" in r else r for r in original["rejected"]]
    return out


def normal(snapshot: dict[str, Any], *, reasons: bool) -> dict[str, Any]:
    """A snapshot in a form that compares: collections re-sorted by their (new) keys; rejection reasons without the
    values they quote (a pseudonym is longer than most originals, so the quoted text is cut elsewhere)."""
    rejected = [{**r, "reason": re.split(r", got |: ", r["reason"])[0] if reasons else ""}
                for r in snapshot["rejected"]]
    restored = StateCache.from_snapshot({**snapshot, "rejected": []}).snapshot()
    return {**restored, "rejected": rejected}


def leaves(path: Path) -> set[Any]:
    """Every key and scalar of every input of a log."""
    found: set[Any] = set()
    for entry in read_log(path):
        stack = [entry.value]
        while stack:
            v = stack.pop()
            if type(v) is dict:
                found.update(v)
                stack.extend(v.values())
            elif type(v) is list:
                stack.extend(v)
            else:
                found.add(v)
    return found


def check_scrubbed(log: Path, out: Path, *, json_lines: bool, personal: tuple[Any, ...] = ()) -> dict[Any, Any]:
    replaced: dict[Any, Any] = {}
    scrub(log, out, key=KEY, on_replace=replaced.__setitem__)
    before, after = replay(log).snapshot(), replay(out).snapshot()
    assert after["stats"] == before["stats"]
    assert [r["line"] for r in after["rejected"]] == [r["line"] for r in before["rejected"]]
    expected = expected_snapshot(before, replaced)
    assert after["subscriptions"] == expected["subscriptions"]
    assert after["sessionEnded"] == before["sessionEnded"]
    differences = diff_snapshots(normal(expected, reasons=json_lines), normal(after, reasons=json_lines))
    assert differences == [], "\n".join(differences)
    # Nothing replaced survives: not as a value or key of any input, not in any byte.
    data = out.read_bytes()
    survivors = leaves(out) & {v for v in replaced if type(v) is str and len(v) >= 4}
    assert survivors == set()
    for value in personal:
        assert str(value).encode() not in data and json.dumps(value).encode() not in data
    assert b"\xc2\xb7pii" not in data and b"\\u00b7pii" not in data
    for secret in SECRETS:
        assert secret.encode() not in data
    return replaced


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(values=log_lines())
def test_generated_logs_scrub_to_the_same_state(values: list[Any], tmp_path: Path) -> None:
    log, out = tmp_path / "log.jsonl", tmp_path / "scrubbed.jsonl"
    log.write_bytes(render(values))
    check_scrubbed(log, out, json_lines=True, personal=PERSONAL + PERSONAL_NUMBERS)


def _conformance() -> list[str]:
    if not CONFORMANCE.is_dir():
        return []
    return sorted(p.name for p in CONFORMANCE.iterdir()
                  if p.name != "README.md" and not p.name.endswith(".expected.json"))


@pytest.mark.skipif(not _conformance(), reason="the conformance logs are not here")
@pytest.mark.parametrize("name", _conformance() or ["none"])
def test_conformance_logs_scrub_to_the_same_state(name: str, tmp_path: Path) -> None:
    check_scrubbed(CONFORMANCE / name, tmp_path / "scrubbed.jsonl", json_lines=not name.endswith(".har"))


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=log_lines(), other_key=st.binary(min_size=16, max_size=32))
def test_the_same_key_gives_the_same_output(values: list[Any], other_key: bytes, tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_bytes(render(values))
    outputs: list[bytes] = []
    for key in (KEY, KEY, other_key if other_key != KEY else other_key + b"!"):
        out = tmp_path / f"out{len(outputs)}.jsonl"
        result = scrub(log, out, key=key)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    if result.pseudonymized:
        assert outputs[2] != outputs[0]


def test_one_value_one_pseudonym_across_logs(tmp_path: Path) -> None:
    history = {"__type": "urn:inin.com:interactions:historyMessage", "isDelta": False,
               "interactionHistory": [{"interactionId": "1", "remoteName": "Ana"}]}
    status = {"__type": "urn:inin.com:status:userStatusMessage", "isDelta": False,
              "userStatusList": [{"userId": "Ana", "statusId": "Available"}]}
    (tmp_path / "a.jsonl").write_text(json.dumps(history) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps(status) + "\n", encoding="utf-8")
    result = scrub([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], tmp_path / "out")
    assert result.outputs == (str(tmp_path / "out" / "a.jsonl"), str(tmp_path / "out" / "b.jsonl"))
    a, b = (json.loads((tmp_path / "out" / n).read_text(encoding="utf-8")) for n in ("a.jsonl", "b.jsonl"))
    name = a["interactionHistory"][0]["remoteName"]
    assert name.startswith("anon-") and b["userStatusList"][0]["userId"] == name
    assert b["userStatusList"][0]["statusId"] == "Available"


def test_a_subscription_named_after_a_user_queue_is_replaced_everywhere(tmp_path: Path) -> None:
    queue = "urn:inin.com:queues:queueContentsMessage"
    lines = [  # the messages come first: a capture that starts after the subscription was made
        {"__type": queue, "isDelta": False, "subscriptionId": "ana.lima", "interactionsAdded": []},
        {"__type": queue, "isDelta": False, "subscriptionId": "q7", "interactionsAdded": []},
        {"method": "PUT", "path": "/icws/s/messaging/subscriptions/queues/ana.lima", "status": 204,
         "body": {"queueIds": [{"queueType": 1, "queueName": "ana.lima"}, {"queueType": 2, "queueName": "Sales"}]}},
        {"method": "PUT", "path": "/icws/s/messaging/subscriptions/queues/q7", "status": 204,
         "body": {"queueIds": [{"queueType": 2, "queueName": "Sales"}]}},
    ]
    log, out = tmp_path / "log.jsonl", tmp_path / "out.jsonl"
    log.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    scrub(log, out, key=KEY)
    assert b"ana.lima" not in out.read_bytes()
    paths = sorted(replay(out).subscriptions)
    assert len(paths) == 2 and "queues/q7" in paths and paths[0].startswith("queues/anon-")
    assert sorted(replay(log).subscriptions) == ["queues/ana.lima", "queues/q7"]


def test_a_pipe_is_scrubbed_too(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    text = '{"__type": "x", "isDelta": false, "name": "Ana"}\n'

    def feed() -> None:
        with fifo.open("w", encoding="utf-8") as f:
            f.write(text)

    writer = threading.Thread(target=feed)
    writer.start()
    scrub(fifo, tmp_path / "out.jsonl", key=KEY)
    writer.join(5)
    assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["name"].startswith("anon-")


def test_line_numbers_are_kept_for_whole_files(tmp_path: Path) -> None:
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps([{"__type": "x", "isDelta": False, "name": "Ana"}, 5, {"isDelta": True}],
                                indent=2), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    scrub(saved, out, key=KEY)
    assert [r["line"] for r in replay(out).snapshot()["rejected"]] == [2, 3]
    assert [e.line for e in read_log(out)] == [1, 2, 3]


def test_a_har_capture_becomes_exchange_records_with_their_times(tmp_path: Path) -> None:
    har = CONFORMANCE / "11-capture.har"
    if not har.exists():
        pytest.skip("the conformance logs are not here")
    out = tmp_path / "capture.jsonl"
    scrub(har, out, key=KEY)
    entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(entries)
    readable = [(r, e) for r, e in zip(records, entries, strict=True) if "method" in r]
    assert readable and all(r["at"] == e["startedDateTime"] for r, e in readable)
    assert all(r["method"] == e["request"]["method"] for r, e in readable)


def test_blank_lines_keep_the_numbering(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text('\n\n{"isDelta": true}\n\nnot json\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    scrub(log, out, key=KEY)
    assert [r["line"] for r in replay(out).snapshot()["rejected"]] == [3, 5]
    assert b"not json" not in out.read_bytes()


def test_rules_keep_add_and_generic(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    lines = [
        {"__type": "urn:inin.com:queues:queueContentsMessage", "isDelta": False, "subscriptionId": "q1",
         "interactionsAdded": [{"interactionId": "i1", "attributes": {
             "Eic_WorkgroupName": "Sales", "Eic_RemoteName": "Ana", "Custom_Email": "ana@example.com"}}]},
        {"__type": "urn:example:crmMessage", "isDelta": False, "account": "ACME", "owner": "Ana"},
    ]
    log.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    rules = ScrubRules.from_json({"keep": ["Eic_WorkgroupName", "subscriptionId"], "add": ["Custom_Email", "owner"],
                                  "generic": "keep"})
    out = tmp_path / "out.jsonl"
    scrub(log, out, key=KEY, rules=rules)
    queue, crm = (json.loads(x) for x in out.read_text(encoding="utf-8").splitlines())
    attributes = queue["interactionsAdded"][0]["attributes"]
    assert attributes["Eic_WorkgroupName"] == "Sales" and queue["subscriptionId"] == "q1"
    assert attributes["Eic_RemoteName"].startswith("anon-") and attributes["Custom_Email"].startswith("anon-")
    assert crm["account"] == "ACME" and crm["owner"].startswith("anon-")
    scrub(log, out, key=KEY)  # by default: generic types whole, workgroup names as names, subscription ids too
    queue, crm = (json.loads(x) for x in out.read_text(encoding="utf-8").splitlines())
    assert queue["interactionsAdded"][0]["attributes"]["Eic_WorkgroupName"].startswith("anon-")
    assert crm["account"].startswith("anon-") and crm["__type"] == "urn:example:crmMessage"


@pytest.mark.parametrize(("rules", "message"), [
    ([], "a JSON object"),
    ({"kept": []}, "unknown key 'kept'"),
    ({"keep": "notes"}, "'keep' must be a list"),
    ({"keep": ["x"], "add": ["x"]}, "both in 'keep' and in 'add'"),
    ({"generic": True}, "\"scrub\" or \"keep\""),
])
def test_bad_rules_say_what_was_expected(rules: Any, message: str) -> None:
    with pytest.raises(ScrubRulesError, match=re.escape(message)):
        ScrubRules.from_json(rules)


def test_shift_time_moves_every_time_and_keeps_the_order(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    lines = [
        {"method": "PUT", "path": "/icws/s/messaging/subscriptions/interaction-history", "status": 204,
         "at": "2026-11-22T09:59:59.5Z"},
        {"__type": "urn:inin.com:interactions:historyMessage", "isDelta": False, "interactionHistory": [
            {"interactionId": "b", "initiationTime": "20261122T100000+0100"},
            {"interactionId": "a", "initiationTime": "2026-11-22T09:30:00.123456789Z"}]},
        {"__type": "urn:inin.com:interactions:historyMessage", "isDelta": True, "interactionHistory": [
            {"interactionId": "c", "terminationTime": "soon"}]},
    ]
    log.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    scrub(log, out, key=KEY, shift_time=-86400)
    exchange, message, invalid = (json.loads(x) for x in out.read_text(encoding="utf-8").splitlines())
    assert exchange["at"] == "2026-11-21T09:59:59.5Z"
    items = message["interactionHistory"]
    assert items[0]["initiationTime"] == "20261121T100000+0100"
    assert items[1]["initiationTime"] == "2026-11-21T09:30:00.123456789Z"
    assert invalid["interactionHistory"][0]["terminationTime"] == "soon", "not a date-time: left as it is"
    before, after = replay(log), replay(out)
    assert list(before.history) == list(after.history) == ["b", "a"]
    assert before.stats == after.stats and after.stats.rejected == 1


def test_a_failed_scrub_leaves_the_earlier_output(tmp_path: Path) -> None:
    log, out = tmp_path / "log.jsonl", tmp_path / "out.jsonl"
    log.write_text('{"__type": "x", "isDelta": false, "name": "Ana"}\n', encoding="utf-8")
    out.write_text("earlier\n", encoding="utf-8")

    def fail(original: Any, pseudonym: Any) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        scrub(log, out, key=KEY, on_replace=fail)
    assert out.read_text(encoding="utf-8") == "earlier\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.jsonl", "out.jsonl"]


def test_outputs_that_would_clash_or_overwrite_a_log(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for p in (tmp_path / "a" / "x.jsonl", tmp_path / "b" / "x.har"):
        p.write_text("[]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="would both be written to"):
        scrub([tmp_path / "a" / "x.jsonl", tmp_path / "b" / "x.har"], tmp_path / "out")
    with pytest.raises(ValueError, match="would replace it"):
        scrub(tmp_path / "a" / "x.jsonl", tmp_path / "a" / "x.jsonl")


def test_memory_stays_bounded_on_a_long_log(tmp_path: Path) -> None:
    log = tmp_path / "long.jsonl"
    line = json.dumps({"__type": "urn:inin.com:interactions:historyMessage", "isDelta": True,
                       "interactionHistory": [{"interactionId": "1", "remoteName": "Ana " * 500, "notes": "n" * 2000}]})
    with log.open("w", encoding="utf-8") as f:
        for _ in range(2_000):
            f.write(line + "\n")
    tracemalloc.start()
    try:
        scrub(log, tmp_path / "out.jsonl", key=KEY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert os.path.getsize(log) > 8_000_000
    assert peak < 1_000_000, f"peak {peak} bytes for a {os.path.getsize(log)}-byte log"


# -- The command ---------------------------------------------------------------------------------------------------
def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_command_writes_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "day.jsonl"
    log.write_text('{"__type": "x", "isDelta": false, "name": "Ana"}\n', encoding="utf-8")
    key = tmp_path / "scrub.key"
    code, out, err = run(["scrub", str(log), "--out", str(tmp_path / "s1.jsonl"), "--key-file", str(key)], capsys)
    assert code == 0 and "1 log scrubbed: 1 inputs, 1 values pseudonymized" in out
    assert "wrote a new random key" in err and (key.stat().st_mode & 0o077) == 0
    assert len(read_key_file(key)) == 64
    code, out, err = run(["scrub", str(log), "--out", str(tmp_path / "s2.jsonl"), "--key-file", str(key)], capsys)
    assert code == 0 and err == "" and "random key" not in out
    assert (tmp_path / "s1.jsonl").read_bytes() == (tmp_path / "s2.jsonl").read_bytes()
    code, out, _ = run(["scrub", str(log), "--out", str(tmp_path / "s3.jsonl")], capsys)
    assert code == 0 and "pass --key-file" in out
    assert (tmp_path / "s3.jsonl").read_bytes() != (tmp_path / "s1.jsonl").read_bytes()


@pytest.mark.parametrize("problem", ["missing log", "bad rules", "short key", "unwritable"])
def test_command_problems_exit_2(problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "day.jsonl"
    log.write_text("[]\n", encoding="utf-8")
    (tmp_path / "rules.json").write_text('{"keep": "x"}', encoding="utf-8")
    (tmp_path / "short.key").write_text("abc\n", encoding="utf-8")
    argv: dict[str, list[str]] = {
        "missing log": ["scrub", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o.jsonl")],
        "bad rules": ["scrub", str(log), "--out", str(tmp_path / "o.jsonl"), "--rules", str(tmp_path / "rules.json")],
        "short key": ["scrub", str(log), "--out", str(tmp_path / "o.jsonl"), "--key-file", str(tmp_path / "short.key")],
        "unwritable": ["scrub", str(log), "--out", str(tmp_path / "no" / "such" / "dir" / "o.jsonl")],
    }
    code, _, err = run(argv[problem], capsys)
    assert code == 2 and err.startswith("icws-state scrub: cannot "), err
    assert not (tmp_path / "o.jsonl").exists()


def test_command_is_listed() -> None:
    from icws_state._cli import build_parser

    actions = [a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction"]
    assert "scrub" in getattr(actions[0], "choices", {})

