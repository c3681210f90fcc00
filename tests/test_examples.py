"""The shipped example logs and the conformance logs, replayed end to end.

Each example log has a golden snapshot in ``examples/golden`` that was checked by hand against the spec; these tests
pin it, and check that replay is byte-deterministic and that a snapshot restores to an equal cache. The conformance
logs of ``shared/spec/conformance`` are the contract: each is replayed and compared on the parts its README lists.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import CONFORMANCE, SHARED_CONFORMANCE

from icws_state import StateCache, replay
from icws_state.testing import assert_snapshot_matches

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
GOLDEN = EXAMPLES / "golden"

#: Example log -> its golden snapshot (the HAR capture and the JSON-lines log share the stem "agent-day").
EXAMPLE_LOGS = {
    "agent-day.jsonl": "agent-day.snapshot.json",
    "agent-day.har": "agent-day-har.snapshot.json",
    "polling-response.json": "polling-response.snapshot.json",
    "supervisor.jsonl": "supervisor.snapshot.json",
}


@pytest.fixture(autouse=True)
def _never_update_goldens(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's ICWS_STATE_UPDATE_GOLDEN must not turn these checks into rewrites."""
    monkeypatch.delenv("ICWS_STATE_UPDATE_GOLDEN", raising=False)


def test_every_example_log_has_a_golden() -> None:
    logs = {p.name for p in EXAMPLES.iterdir() if p.suffix in {".jsonl", ".json", ".har"}}
    assert logs == set(EXAMPLE_LOGS)
    assert {p.name for p in GOLDEN.glob("*.snapshot.json")} == set(EXAMPLE_LOGS.values())


@pytest.mark.parametrize("log", sorted(EXAMPLE_LOGS))
def test_example_matches_golden(log: str) -> None:
    assert_snapshot_matches(EXAMPLES / log, GOLDEN / EXAMPLE_LOGS[log], update=False)


@pytest.mark.parametrize("log", sorted(EXAMPLE_LOGS))
def test_example_replay_is_byte_deterministic(log: str) -> None:
    first = replay(EXAMPLES / log).snapshot_json()
    second = replay(EXAMPLES / log).snapshot_json()
    assert first == second
    assert first == (GOLDEN / EXAMPLE_LOGS[log]).read_bytes()


@pytest.mark.parametrize("log", sorted(EXAMPLE_LOGS))
def test_example_snapshot_round_trips(log: str) -> None:
    cache = replay(EXAMPLES / log)
    snap = cache.snapshot()
    restored = StateCache.from_snapshot(snap)
    assert restored == cache
    assert restored.snapshot_json() == cache.snapshot_json()


def test_agent_day_shows_what_the_readme_promises() -> None:
    """The main demo must keep exercising what examples/README.md says it shows."""
    snap = replay(EXAMPLES / "agent-day.jsonl").snapshot()
    assert snap["stats"] == {"messages": 74, "applied": 65, "rejected": 9}
    reasons = " | ".join(r["reason"] for r in snap["rejected"])
    for fragment in ("not valid JSON", "isDelta must be a boolean", "not active", "JSON array"):
        assert fragment in reasons
    history = snap["subscriptions"]["interaction-history"]
    assert history["parameters"] == {"numberOfHistoryMessages": 10}
    assert len(snap["history"]) == 10  # the bound of the re-login PUT, reached and enforced
    assert all(v["state"] == "normal" and not v["stale"] for v in snap["subscriptions"].values())


# --- generate_big_log.py ----------------------------------------------------------------------------------------


def _generate(tmp_path: Path, n: int, seed: int | None = None) -> Path:
    out = tmp_path / f"big-{n}-{seed}.jsonl"
    args = [sys.executable, str(EXAMPLES / "generate_big_log.py"), str(n), str(out)]
    if seed is not None:
        args += ["--seed", str(seed)]
    subprocess.run(args, check=True, capture_output=True, timeout=60)
    return out


def _count_messages(path: Path) -> int:
    """Messages in a generated log, counted independently of the library (bad lines count as one)."""
    n = 0
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        try:
            value: Any = json.loads(raw)
        except ValueError:
            n += 1
            continue
        if isinstance(value, list):
            n += len(value)
        elif "__type" in value:
            n += 1
        elif value.get("path", "").endswith("/messaging/messages") and value.get("status") == 200:
            n += len(value.get("response") or [])
    return n


def test_generated_log_has_n_messages_and_replays(tmp_path: Path) -> None:
    path = _generate(tmp_path, 3000)
    assert _count_messages(path) == 3000
    cache = replay(path)
    snap = cache.snapshot()
    assert snap["stats"]["messages"] == 3000
    assert 0 < snap["stats"]["rejected"] < 100  # a few bad lines, not many
    bound = snap["subscriptions"]["interaction-history"]["parameters"]["numberOfHistoryMessages"]
    assert len(snap["history"]) == bound  # the PUT bound is reached and enforced
    assert snap["subscriptions"]["interactions/agent-assistance"]["state"] in {"normal", "suspended"}
    cache.history._check()


def test_generated_log_is_deterministic_per_seed(tmp_path: Path) -> None:
    a = _generate(tmp_path, 500, seed=7).read_bytes()
    a_again = _generate(tmp_path, 500, seed=7).read_bytes()
    c = _generate(tmp_path, 500, seed=8).read_bytes()
    assert a == a_again
    assert a != c


# --- conformance logs ---------------------------------------------------------------------------------------------

CONFORMANCE_LOGS = (
    sorted(p.name for p in CONFORMANCE.iterdir() if p.name[:2].isdigit() and not p.name.endswith(".expected.json"))
    if CONFORMANCE.is_dir() else []
)


def _parts(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot parts the conformance README compares."""
    return {
        "history": snapshot["history"],
        "assistanceRequests": snapshot["assistanceRequests"],
        "sessionEnded": snapshot["sessionEnded"],
        "subscriptions": snapshot["subscriptions"],
        "other": snapshot["other"],
        "rejectedLines": [r["line"] for r in snapshot["rejected"]],
        "stats": snapshot["stats"],
        "subscriptionData": snapshot.get("subscriptionData") or {},
    }


def test_conformance_logs_are_found() -> None:
    assert len(CONFORMANCE_LOGS) >= 19


@pytest.mark.skipif(not SHARED_CONFORMANCE.is_dir(), reason="the specification is not beside the repository")
def test_the_copy_of_the_conformance_logs_is_the_specifications() -> None:
    theirs = {p.name: p.read_bytes() for p in SHARED_CONFORMANCE.iterdir() if p.name != "README.md"}
    ours = {p.name: p.read_bytes() for p in CONFORMANCE.iterdir() if p.name != "README.md"}
    assert ours == theirs, "tests/conformance differs from shared/spec/conformance: copy the specification's logs"


#: Logs of a contract the library does not meet yet, with what is missing. Each mark is strict: it goes as the
#: part lands, so a log that starts passing fails the suite until its mark is removed.
NOT_YET: dict[str, str] = {
}


def _conformance_param(log: str) -> Any:
    reason = NOT_YET.get(log)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(log, marks=marks, id=log)


@pytest.mark.parametrize("log", [_conformance_param(log) for log in CONFORMANCE_LOGS])
def test_conformance_log(log: str) -> None:
    expected = json.loads((CONFORMANCE / (os.path.splitext(log)[0] + ".expected.json")).read_text("utf-8"))
    assert expected, "an expected file with no parts checks nothing"
    got = _parts(replay(CONFORMANCE / log).snapshot())
    for key, value in expected.items():
        if key == "subscriptionData":
            value = value or {}
        assert got[key] == value, f"{log}: {key} differs"
