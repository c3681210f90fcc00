"""The transport examples, run against the loopback fake ICWS server.

Each example must leave its cache exactly as replaying the same recorded traffic straight into a cache does:
the transport adds I/O and nothing else. Expected states are also spelled out, so that a bug shared by the
example and the direct replay still fails here.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fake_icws import ENDED_SESSION, RECORDED_BATCHES, RECORDED_SUBSCRIPTIONS, FakeIcws

from icws_state import NOT_ACTIVE, StateCache, SubscriptionState

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "transports"
NAMES = ("polling", "sse", "asyncio_polling")
ROOT = "/icws/{sid}/messaging"


def load(name: str) -> ModuleType:
    """Import an example script by path (examples/ is not a package; the examples import each other as scripts
    do, so their folder goes on the path)."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(f"transport_example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def direct(
    session_id: str,
    batches: Sequence[Sequence[dict[str, Any]]],
    outcomes: dict[tuple[str, str], tuple[int, Any]] | None = None,
    end_session: bool = False,
) -> StateCache:
    """The same traffic fed straight into a cache, without HTTP."""
    cache = StateCache()
    root = ROOT.format(sid=session_id)
    for path, body in RECORDED_SUBSCRIPTIONS:
        status, response = (outcomes or {}).get(("PUT", path), (204, None))
        cache.record_response("PUT", f"{root}/subscriptions/{path}", status, body=body, response=response)
    for batch in batches:
        cache.apply_batch(list(batch))
    if end_session:
        cache.record_response("GET", f"{root}/messages", 401, response=ENDED_SESSION)
    return cache


def run(name: str, fake: FakeIcws, limit: int) -> StateCache:
    module = load(name)
    runner: Callable[..., StateCache] = module.run
    return runner(fake.base_url, fake.session_id, limit, subscriptions=RECORDED_SUBSCRIPTIONS)


@pytest.fixture(scope="module")
def examples() -> dict[str, ModuleType]:
    return {name: load(name) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_example_equals_direct_replay(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with FakeIcws() as fake:
        cache = run(name, fake, len(RECORDED_BATCHES) + 2)
        assert fake.remaining == 0
        puts = [(r.path, r.body) for r in fake.requests if r.method == "PUT"]
    assert cache == direct(fake.session_id, RECORDED_BATCHES)
    # What the recorded session means, spelled out: R7 bound 3 evicted 1001; r1 was removed (R5); the
    # assistance subscription went suspended and back to normal; the queue item was merged (R12).
    assert list(cache.history) == ["1002", "1003", "1004"]
    assert cache.history["1002"]["notes"] == "called back"
    assert sorted(cache.assistance_requests) == ["r2", "r3"]
    assistance = cache.subscriptions["interactions/agent-assistance"]
    assert [t.after for t in assistance.transitions] == [
        SubscriptionState.NORMAL, SubscriptionState.SUSPENDED, SubscriptionState.NORMAL]
    assert assistance.error is None
    queue = cache.keyed("queues/q1", "interactions")
    assert queue is not None and dict(queue["2001"]["attributes"]) == {"Eic_State": "C"}
    subs = cache.subscriptions.values()
    assert all(not s.resync_needed and s.state is SubscriptionState.NORMAL for s in subs)
    assert cache.stats.rejected == 0 and cache.stats.applied == 10
    root = ROOT.format(sid=fake.session_id)
    # Sorted: the asyncio example sends its PUTs concurrently, so they may arrive in any order.
    expected = [(f"{root}/subscriptions/{p}", b) for p, b in RECORDED_SUBSCRIPTIONS]
    assert sorted(puts, key=str) == sorted(expected, key=str)
    assert "r2" in capsys.readouterr().out


@pytest.mark.parametrize("name", NAMES)
def test_failed_put_is_recorded(name: str) -> None:
    gone = {"errorId": "error.queue.gone", "message": "queue subscriptions were removed"}
    outcomes = {("PUT", "queues/q1"): (410, gone)}
    with FakeIcws(outcomes=outcomes) as fake:
        cache = run(name, fake, len(RECORDED_BATCHES) + 1)
    assert cache == direct(fake.session_id, RECORDED_BATCHES, outcomes)
    queue = cache.subscriptions["queues/q1"]
    assert (queue.state, queue.closed, queue.gone, queue.error) == (SubscriptionState.NONE, True, True, gone)
    assert [r.reason for r in cache.rejected] == [NOT_ACTIVE, NOT_ACTIVE]
    assert cache.data_paths() == []


@pytest.mark.parametrize("name", ["polling", "asyncio_polling"])
def test_polling_stops_when_the_session_ends(name: str) -> None:
    with FakeIcws(end_session=True) as fake:
        cache = run(name, fake, 50)
        gets = [r for r in fake.requests if r.method == "GET"]
    assert len(gets) == len(RECORDED_BATCHES) + 1
    assert cache == direct(fake.session_id, RECORDED_BATCHES, end_session=True)
    assert cache.session_ended
    assert all(s.closed and s.stale and s.error == ENDED_SESSION for s in cache.subscriptions.values())
    assert list(cache.history) == ["1002", "1003", "1004"], "data is kept for display after a 401"


def test_sse_stops_after_max_events() -> None:
    with FakeIcws() as fake:
        cache = run("sse", fake, 2)
        accepts = [r.accept for r in fake.requests if r.method == "GET"]
    assert accepts == ["text/event-stream"]
    assert cache == direct(fake.session_id, RECORDED_BATCHES[:2])
    assert sorted(cache.assistance_requests) == ["r2"]


@pytest.mark.parametrize("name", NAMES)
def test_wrong_session_ends_it(name: str) -> None:
    with FakeIcws() as fake:
        cache = load(name).run(fake.base_url, "not-my-session", 3)
        assert fake.remaining == len(RECORDED_BATCHES)
    assert cache.session_ended
    errors = {s.error["message"] for s in cache.subscriptions.values() if s.error}
    assert errors == {"The session is not valid."}


def test_polling_answers_empty_array_after_the_recording() -> None:
    with FakeIcws(batches=[]) as fake:
        r = httpx.get(f"{fake.base_url}/icws/{fake.session_id}/messaging/messages")
        assert (r.status_code, r.json()) == (200, [])
        r = httpx.put(f"{fake.base_url}/icws/{fake.session_id}/messaging/subscriptions/interaction-history")
        assert (r.status_code, r.content) == (204, b"")


def test_server_is_stopped_on_exit() -> None:
    with pytest.raises(RuntimeError), FakeIcws() as fake:
        url = fake.base_url
        raise RuntimeError("a failing test inside the block")
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/icws/{fake.session_id}/messaging/messages", timeout=2)
    with pytest.raises(RuntimeError):
        _ = fake.base_url


def test_examples_import_no_transport_into_the_library(examples: dict[str, ModuleType]) -> None:
    """httpx stays in the examples: the core is sans-IO and must not import it."""
    code = "import sys, icws_state; print(sorted(m for m in ('httpx', 'httpx_sse') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert all(hasattr(m, "run") for m in examples.values())
