"""The pytest plugin, tested the way a user meets it: test modules run by pytest itself (``pytester``).

Runs are in-process (fast; the plugin is loaded from the installed package's entry point, as in any project),
except the one that shows how it is loaded and what it costs, which needs a fresh interpreter.
"""

from __future__ import annotations

import importlib.metadata
import json
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pytest

import icws_state.pytest_plugin

pytest_plugins = ["pytester"]

HISTORY = "urn:inin.com:interactions:historyMessage"
LOG = [
    {"method": "PUT", "path": "/icws/SESSION/messaging/subscriptions/interaction-history", "status": 204,
     "body": {"numberOfHistoryMessages": 5}},
    {"method": "GET", "path": "/icws/SESSION/messaging/messages", "status": 200, "response": [
        {"__type": HISTORY, "isDelta": False, "interactionHistory": [
            {"interactionId": "1001", "initiationTime": "2026-11-22T09:00:00Z"}]}]},
]
REPLAY_TEST = """
    import pytest

    @pytest.mark.icws_log("logs/agent.jsonl")
    def test_agent(icws_cache, icws_golden):
        assert icws_cache.stats.rejected == 0
        icws_golden.check(icws_cache)
"""


def write_log(path: Path, lines: Sequence[object] = LOG) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def test_loaded_through_the_entry_point_of_the_installed_package(pytester: pytest.Pytester) -> None:
    (entry,) = [e for e in importlib.metadata.entry_points(group="pytest11") if e.name == "icws_state"]
    assert entry.value == "icws_state.pytest_plugin"
    assert entry.dist is not None and entry.dist.name == "icws-state"
    pytester.makepyfile(test_loaded="""
        import sys

        def test_loaded(request):
            plugin = request.config.pluginmanager.get_plugin("icws_state")
            assert plugin is not None and plugin.__name__ == "icws_state.pytest_plugin"
            # Loaded, and costing nothing: no transport, no cache imported for a test that does not use them.
            assert "httpx" not in sys.modules
            assert "icws_state.recording" not in sys.modules
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    help_text = pytester.runpytest("--help").stdout.str()
    assert "--icws-update" in help_text and "--icws-record={none,once,all}" in help_text


def test_marker_cache_and_golden_file(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    log = write_log(pytester.path / "logs" / "agent.jsonl")
    pytester.makepyfile(test_agent=REPLAY_TEST)
    golden = pytester.path / "icws_golden" / "test_agent" / "test_agent.json"

    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*golden file *test_agent.json does not exist; run pytest --icws-update*"])

    result = pytester.runpytest("-p", "no:cacheprovider", "--icws-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*icws_state golden files*", "written: icws_golden/test_agent/test_agent.json"])
    assert json.loads(golden.read_text(encoding="utf-8"))["history"][0]["interactionId"] == "1001"

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)

    write_log(log, [*LOG, {"__type": HISTORY, "isDelta": True, "interactionHistory": [{"interactionId": "1002"}]}])
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*snapshot differs from golden file *test_agent.json (golden -> now):*",
        '*+ history?"1002"?: {"interactionId": "1002"}*',
        "*~ stats.applied: 1 -> 2*",
        "*run pytest --icws-update to accept it*",
    ])

    monkeypatch.setenv("ICWS_STATE_UPDATE_GOLDEN", "1")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    monkeypatch.delenv("ICWS_STATE_UPDATE_GOLDEN")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert len(json.loads(golden.read_text(encoding="utf-8"))["history"]) == 2


def test_unused_golden_files_are_listed_and_deleted_on_update(pytester: pytest.Pytester) -> None:
    write_log(pytester.path / "logs" / "agent.jsonl")
    pytester.makepyfile(test_many="""
        import pytest

        @pytest.mark.icws_log("logs/agent.jsonl")
        def test_a(icws_cache, icws_golden):
            icws_golden.check(icws_cache)

        @pytest.mark.icws_log("logs/agent.jsonl")
        @pytest.mark.parametrize("n", [1, 2])
        def test_b(icws_cache, icws_golden, n):
            icws_golden.check(icws_cache.snapshot(), name="whole")

        def test_c():
            pass
    """)
    pytester.runpytest("-p", "no:cacheprovider", "--icws-update").assert_outcomes(passed=4)
    folder = pytester.path / "icws_golden" / "test_many"
    assert sorted(p.name for p in folder.iterdir()) == [
        "test_a.json", "test_b[1].whole.json", "test_b[2].whole.json"]
    for stale in ("test_gone.json", "test_c.json", "test_a.old.json"):
        (folder / stale).write_text("{}", encoding="utf-8")

    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines([
        "*3 golden files no test used (run with --icws-update to delete them):",
        "  unused: icws_golden/test_many/test_a.old.json",
        "  unused: icws_golden/test_many/test_c.json",
        "  unused: icws_golden/test_many/test_gone.json",
    ])
    # Tests that did not run (deselected here) keep their files, whatever they are.
    result = pytester.runpytest("-p", "no:cacheprovider", "-k", "test_b")
    result.stdout.fnmatch_lines(["*1 golden files no test used*", "  unused: icws_golden/test_many/test_gone.json"])
    # Only some tests collected (named on the command line): a file that belongs to no collected test is left.
    result = pytester.runpytest("-p", "no:cacheprovider", "--icws-update", "test_many.py::test_a")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 golden files no test used; deleted:",
                                 "  deleted: icws_golden/test_many/test_a.old.json"])
    assert (folder / "test_gone.json").exists() and (folder / "test_b[1].whole.json").exists()

    result = pytester.runpytest("-p", "no:cacheprovider", "--icws-update")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*2 golden files no test used; deleted:*"])
    assert sorted(p.name for p in folder.iterdir()) == [
        "test_a.json", "test_b[1].whole.json", "test_b[2].whole.json"]
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert "golden files no test used" not in result.stdout.str()


def test_a_missing_log_fails_saying_how_to_record_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_missing="""
        import pytest

        @pytest.mark.icws_log("logs/not-yet.jsonl")
        def test_client(icws_transport):
            pass

        @pytest.mark.icws_log("logs/not-yet.jsonl")
        def test_replay(icws_cache):
            pass

        def test_unmarked(icws_cache):
            pass
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines([
        "*recorded log *not-yet.jsonl does not exist; record it against a real ICWS server with: "
        "pytest --icws-record=once test_missing.py::test_client",
        "*recorded log *not-yet.jsonl does not exist; a test records its log only through the icws_transport "
        "fixture*",
        "*the icws_state fixtures need the logs they are about: mark the test with @pytest.mark.icws_log*",
    ])


CLIENT_TEST = """
    import httpx
    import pytest
    from fake_icws import FakeIcws

    SESSION = "1234567"


    @pytest.fixture
    def base_url(icws_recording):
        if not icws_recording:
            yield "http://icws.invalid"  # played back: nothing is sent anywhere
            return
        with FakeIcws(session_id=SESSION) as fake:
            yield fake.base_url


    @pytest.mark.icws_log("logs/session.jsonl")
    def test_client(icws_transport, icws_cache, icws_golden, base_url):
        with httpx.Client(base_url=base_url, transport=icws_transport) as client:
            r = client.put(f"/icws/{SESSION}/messaging/subscriptions/interaction-history",
                           json={"numberOfHistoryMessages": 3})
            assert r.status_code == 204
            for _ in range(5):
                client.get(f"/icws/{SESSION}/messaging/messages")
        icws_transport.check()  # played back: every recorded exchange was asked for (recording: nothing to check)
        assert list(icws_cache.history) == ["1002", "1003", "1004"]
        icws_golden.check(icws_cache)
"""


def test_record_once_then_play_back(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_client=CLIENT_TEST)
    log = pytester.path / "logs" / "session.jsonl"

    result = pytester.runpytest("-p", "no:cacheprovider", "--icws-record=once", "--icws-update")
    result.assert_outcomes(passed=1)
    lines = [json.loads(x) for x in log.read_bytes().splitlines()]
    assert len(lines) == 6 and all("/icws/SESSION/" in x["path"] for x in lines)
    assert b"1234567" not in log.read_bytes()
    assert not list(log.parent.glob(".*"))

    # Played back: no server; the same state, the same golden file.
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    before = log.read_bytes()
    pytester.runpytest("-p", "no:cacheprovider", "--icws-record=once").assert_outcomes(passed=1)
    assert log.read_bytes() == before, "once: an existing log is played back, not recorded again"

    # all: recorded again (the times differ); a failing recording is not kept.
    pytester.runpytest("-p", "no:cacheprovider", "--icws-record=all").assert_outcomes(passed=1)
    assert log.read_bytes() != before
    again = log.read_bytes()
    pytester.makepyfile(test_client=CLIENT_TEST.replace('["1002", "1003", "1004"]', '["nope"]'))
    pytester.runpytest("-p", "no:cacheprovider", "--icws-record=all").assert_outcomes(failed=1)
    assert log.read_bytes() == again
    assert not list(log.parent.glob(".*"))


def test_playback_fails_on_a_request_the_log_does_not_answer(pytester: pytest.Pytester) -> None:
    write_log(pytester.path / "logs" / "agent.jsonl")
    pytester.makepyfile(test_wrong="""
        import httpx
        import pytest

        @pytest.mark.icws_log("logs/agent.jsonl")
        def test_wrong_request(icws_transport):
            with httpx.Client(transport=icws_transport) as client:
                client.delete("http://h/icws/s9/messaging/subscriptions/interaction-history")

        @pytest.mark.icws_log("logs/agent.jsonl")
        def test_unused(icws_transport):
            with httpx.Client(transport=icws_transport) as client:
                client.get("http://h/icws/s9/messaging/messages")
            icws_transport.check()
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines([
        "*UnmatchedRequest: no recorded exchange answers DELETE /icws/s9/messaging/subscriptions/interaction-history; "
        "the next recorded one is PUT /icws/SESSION/messaging/subscriptions/interaction-history -> 204 (line 1 of *",
        "*UnusedExchanges: 1 recorded exchanges were never asked for:*",
    ])


def test_golden_keys_are_file_names() -> None:
    key = icws_state.pytest_plugin.golden_key
    assert key("tests/test_x.py::TestA::test_b[1-a/b c]") == "TestA.test_b[1-a_b_c]"
    assert key("test_x.py::test_y") == "test_y"


def test_the_repository_runs_with_the_plugin(pytestconfig: pytest.Config) -> None:
    """This very run: the plugin is loaded next to the suite's own conftest, and its marker is registered."""
    assert pytestconfig.pluginmanager.get_plugin("icws_state") is icws_state.pytest_plugin
    assert any(line.startswith("icws_log(") for line in pytestconfig.getini("markers"))
    assert textwrap.dedent(REPLAY_TEST).startswith("\nimport pytest")
