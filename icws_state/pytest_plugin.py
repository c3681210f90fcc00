"""pytest plugin: tests that replay recorded ICWS sessions, play them back to a client, and compare golden files.

Loaded through the ``pytest11`` entry point whenever icws-state is installed. This module imports nothing but
pytest (loading it loads the ``icws_state`` package, as importing any of its modules does); httpx, the recorder and
the playback are imported only when a test asks for one of the fixtures, so test runs that do not use them pay
nothing more.

Mark a test with the logs it is about (paths relative to the test file), and ask for fixtures::

    @pytest.mark.icws_log("logs/agent-day.jsonl")
    def test_agent_day(icws_cache, icws_golden):
        assert icws_cache.stats.rejected == 0
        icws_golden.check(icws_cache)

- ``icws_cache``: a `StateCache` replayed from the marked logs (while recording: the cache fed live, exchange by
  exchange, by the recorder);
- ``icws_transport`` / ``icws_async_transport``: an httpx transport for the client under test: a playback of the
  marked logs, or, while recording, the recorder around ``icws_real_transport`` / ``icws_real_async_transport``
  (plain httpx transports; override those fixtures to configure TLS or a proxy);
- ``icws_recording``: whether this test records (so that it can pick the real server's URL);
- ``icws_golden``: ``check(cache_or_snapshot)`` compares with the golden file
  ``icws_golden/<test module>/<test>.json`` beside the test, failing with the part-by-part diff.

Options: ``--icws-update`` (or ``ICWS_STATE_UPDATE_GOLDEN=1``) writes golden files instead of comparing; at the
end of a run the plugin lists golden files no test used, and ``--icws-update`` deletes them.
``--icws-record=none|once|all`` (default ``none``): ``once`` records the log of a test whose log does not exist by
running its client against the real server through ``icws_transport``; ``all`` records every such test again;
``none`` fails a test whose log is missing, saying how to record it. A recording is kept only when the test passes.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import httpx

    from icws_state import StateCache
    from icws_state.recording import Playback, Recorder

__all__ = ["GOLDEN_DIR", "RECORD_MODES", "IcwsGolden", "golden_key"]

#: The folder, beside a test module, that holds one folder of golden files per module.
GOLDEN_DIR = "icws_golden"
RECORD_MODES = ("none", "once", "all")
_UPDATE_ENV = "ICWS_STATE_UPDATE_GOLDEN"
_TRANSPORTS = ("icws_transport", "icws_async_transport")
_UNSAFE = re.compile(r"[^\w.\-\[\]]")
_NAME = re.compile(r"[\w.-]+")


class _Run:
    """What the plugin learns over one session: which tests exist and passed, which golden files they used."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.update = bool(config.getoption("icws_update")) or os.environ.get(_UPDATE_ENV, "").strip().lower() in {
            "1", "true", "yes"}
        self.delete_unused = bool(config.getoption("icws_update"))
        self.items: dict[Path, list[str]] = {}
        self.passed: set[str] = set()
        self.used: set[Path] = set()
        self.written: list[Path] = []
        self.unused: list[Path] = []

    def unused_golden_files(self) -> list[Path]:
        """Golden files of the collected modules that no test owns any more, or that a passing test did not use.

        A file belongs to the test whose key is its name (or the start of it, for named checks); files of tests
        that were deselected, skipped or failed are never reported."""
        # A module named with ``::test`` on the command line had only those tests collected: the files of its other
        # tests are not known to be stale.
        here = self.config.invocation_params.dir
        partial = {(here / arg.split("::", 1)[0]).resolve() for arg in self.config.args if "::" in arg}
        found = []
        for module, nodeids in sorted(self.items.items()):
            folder = module.parent / GOLDEN_DIR / module.stem
            if not folder.is_dir():
                continue
            owners = {golden_key(n): n for n in nodeids}
            for f in sorted(folder.glob("*.json")):
                stem = f.name[: -len(".json")]
                keys = [k for k in owners if stem == k or stem.startswith(k + ".")]
                if not keys:  # its test is gone (renamed, deleted)
                    if module.resolve() not in partial:
                        found.append(f)
                elif owners[max(keys, key=len)] in self.passed and f.resolve() not in self.used:
                    found.append(f)
        return found


_RUN = pytest.StashKey[_Run]()
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def golden_key(nodeid: str) -> str:
    """A test's name as a file name: ``test_x.py::TestA::test_b[1]`` -> ``TestA.test_b[1]``."""
    name = nodeid.split("::", 1)[1] if "::" in nodeid else nodeid
    return _UNSAFE.sub("_", name.replace("::", "."))


# -- Hooks -----------------------------------------------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("icws_state", "icws_state: recorded ICWS sessions")
    group.addoption("--icws-update", action="store_true", dest="icws_update",
                    help="write or rewrite the golden files icws_golden compares with, and delete golden files no "
                         "test used (ICWS_STATE_UPDATE_GOLDEN=1 writes them too)")
    group.addoption("--icws-record", choices=RECORD_MODES, default="none", dest="icws_record",
                    help="none (default): a missing icws_log fails; once: record a missing log through "
                         "icws_transport against the real server; all: record every log again")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "icws_log(*paths): recorded ICWS logs, relative to the test file, for the icws_cache and "
                   "icws_transport fixtures")
    config.stash[_RUN] = _Run(config)


def pytest_itemcollected(item: pytest.Item) -> None:
    run = item.config.stash.get(_RUN, None)
    if run is not None:
        run.items.setdefault(Path(item.path), []).append(item.nodeid)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item: a recording is kept only when the test passed."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = session.config.stash.get(_RUN, None)
    if run is None or hasattr(session.config, "workerinput") or _distributed(session.config):
        return  # a worker sees only its share of the tests
    for item in session.items:
        reports = item.stash.get(_REPORTS, {})
        if "call" in reports and reports["call"].passed:
            run.passed.add(item.nodeid)
    run.unused = run.unused_golden_files()
    if run.delete_unused:
        for f in run.unused:
            f.unlink(missing_ok=True)


def _distributed(config: pytest.Config) -> bool:
    return str(getattr(config.option, "dist", "no")) != "no"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    run = config.stash.get(_RUN, None)
    if run is None or not (run.written or run.unused):
        return
    tr = terminalreporter
    tr.write_sep("-", "icws_state golden files")
    for f in run.written:
        tr.write_line(f"written: {_shown(config, f)}")
    if run.unused:
        what = "deleted" if run.delete_unused else "unused"
        tr.write_line(f"{len(run.unused)} golden files no test used"
                      + ("; deleted" if run.delete_unused else " (run with --icws-update to delete them)") + ":")
        for f in run.unused:
            tr.write_line(f"  {what}: {_shown(config, f)}")


def _shown(config: pytest.Config, path: Path) -> str:
    try:
        return str(path.relative_to(config.rootpath))
    except ValueError:
        return str(path)


# -- The marked logs -------------------------------------------------------------------------------------------------
class _Logs:
    """The logs of one test and how they are used: played back and replayed, or recorded."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request
        marker = request.node.get_closest_marker("icws_log")
        if marker is None or not marker.args:
            pytest.fail(f"{request.node.nodeid}: the icws_state fixtures need the logs they are about: mark the test "
                        "with @pytest.mark.icws_log('path/to/log.jsonl') (relative to the test file)", pytrace=False)
        for p in marker.args:
            if not isinstance(p, (str, os.PathLike)):
                pytest.fail(f"icws_log paths must be strings, got {p!r}", pytrace=False)
        base = Path(request.path).parent
        self.paths = [base / p for p in marker.args]
        mode = request.config.getoption("icws_record")
        missing = [p for p in self.paths if not p.exists()]
        uses_transport = any(name in request.fixturenames for name in _TRANSPORTS)
        self.recording = uses_transport and (mode == "all" or (mode == "once" and bool(missing)))
        if self.recording and len(self.paths) != 1:
            pytest.fail(f"{request.node.nodeid}: recording writes one log, but the test is marked with "
                        f"{len(self.paths)}", pytrace=False)
        if missing and not self.recording:
            how = (f"record it against a real ICWS server with: pytest --icws-record=once {request.node.nodeid}"
                   if uses_transport else
                   "a test records its log only through the icws_transport fixture (its client sends its "
                   "requests through it): give it that fixture and run pytest --icws-record=once")
            pytest.fail(f"recorded log {missing[0]} does not exist; {how}", pytrace=False)
        self._cache: StateCache | None = None
        self._playback: Playback | None = None
        self._recorder: Recorder | None = None
        if self.recording:
            self._start_recording()

    def _start_recording(self) -> None:
        from icws_state import StateCache
        from icws_state.recording import Recorder

        log = self.paths[0]
        log.parent.mkdir(parents=True, exist_ok=True)
        self._partial = log.with_name(f".{log.name}.recording")
        self._cache = StateCache()
        self._recorder = Recorder(self._partial, cache=self._cache)
        self.request.addfinalizer(self._finish_recording)

    def _finish_recording(self) -> None:
        recorder = self._recorder
        assert recorder is not None
        recorder.close()
        reports = self.request.node.stash.get(_REPORTS, {})
        passed = "call" in reports and reports["call"].passed
        if passed and recorder.exchanges:
            os.replace(self._partial, self.paths[0])
            return
        self._partial.unlink(missing_ok=True)
        if passed:
            warnings.warn(pytest.PytestWarning(
                f"{self.request.node.nodeid} recorded nothing: its client must send its requests through the "
                f"icws_transport fixture; {self.paths[0]} was not written"), stacklevel=1)

    @property
    def cache(self) -> StateCache:
        if self._cache is None:
            from icws_state import replay

            self._cache = replay(self.paths)
        return self._cache

    @property
    def recorder(self) -> Recorder:
        assert self._recorder is not None
        return self._recorder

    @property
    def playback(self) -> Playback:
        if self._playback is None:
            from icws_state.recording import Playback

            self._playback = Playback(self.paths)
        return self._playback


@pytest.fixture
def _icws_logs(request: pytest.FixtureRequest) -> _Logs:
    return _Logs(request)


@pytest.fixture
def icws_recording(_icws_logs: _Logs) -> bool:
    """Whether this test records its log (``--icws-record``) rather than playing it back."""
    return _icws_logs.recording


@pytest.fixture
def icws_cache(_icws_logs: _Logs) -> StateCache:
    """The marked logs replayed into a new cache; while recording, the cache the recorder feeds live."""
    return _icws_logs.cache


@pytest.fixture
def icws_real_transport() -> Iterator[httpx.BaseTransport]:
    """The transport a recording sends through: a plain ``httpx.HTTPTransport()`` (override to configure it)."""
    import httpx

    transport = httpx.HTTPTransport()
    yield transport
    transport.close()


@pytest.fixture
def icws_real_async_transport() -> httpx.AsyncBaseTransport:
    """The transport an async recording sends through: ``httpx.AsyncHTTPTransport()`` (override to configure it)."""
    import httpx

    return httpx.AsyncHTTPTransport()


@pytest.fixture
def icws_transport(_icws_logs: _Logs, request: pytest.FixtureRequest) -> httpx.BaseTransport:
    """For an ``httpx.Client``: the marked log played back, or, while recording, the recorder around the real
    transport. A playback's ``check()`` says which recorded exchanges the client never asked for."""
    from icws_state.recording import PlaybackTransport, RecordingTransport

    if _icws_logs.recording:
        real = request.getfixturevalue("icws_real_transport")
        return RecordingTransport(_icws_logs.recorder, transport=real)
    return PlaybackTransport(_icws_logs.playback)


@pytest.fixture
def icws_async_transport(_icws_logs: _Logs, request: pytest.FixtureRequest) -> httpx.AsyncBaseTransport:
    """`icws_transport` for an ``httpx.AsyncClient`` (the same playback or recording when a test asks for both)."""
    from icws_state.recording import AsyncPlaybackTransport, AsyncRecordingTransport

    if _icws_logs.recording:
        real = request.getfixturevalue("icws_real_async_transport")
        return AsyncRecordingTransport(_icws_logs.recorder, transport=real)
    return AsyncPlaybackTransport(_icws_logs.playback)


# -- Golden files ----------------------------------------------------------------------------------------------------
class IcwsGolden:
    """The golden files of one test: ``icws_golden/<module>/<test>.json`` beside the test module."""

    def __init__(self, folder: Path, key: str, run: _Run) -> None:
        self.folder, self.key, self._run = folder, key, run

    def path(self, name: str | None = None) -> Path:
        """The golden file of this test (``name`` tells apart several checks in one test)."""
        if name is None:
            return self.folder / f"{self.key}.json"
        if not _NAME.fullmatch(name):
            raise ValueError(f"a golden file name is letters, digits, '.', '_' and '-', got {name!r}")
        return self.folder / f"{self.key}.{name}.json"

    def check(self, value: Any, *, name: str | None = None) -> None:
        """Compare a cache (or an ``icws-state/1`` snapshot dict) with the golden file; AssertionError listing
        what differs, part by part. With ``--icws-update`` the file is written instead (only when it changed)."""
        __tracebackhide__ = True
        from icws_state._files import write_atomic
        from icws_state._snapshot import dumps
        from icws_state._summary import diff_snapshots

        snapshot = value.snapshot() if callable(getattr(value, "snapshot", None)) else value
        if not isinstance(snapshot, dict):
            raise TypeError(f"icws_golden.check needs a StateCache or a snapshot dict, got {type(value).__name__}")
        data = dumps(snapshot)
        path = self.path(name)
        self._run.used.add(path.resolve())
        if self._run.update:
            if not path.is_file() or path.read_bytes() != data:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(path, data)
                self._run.written.append(path)
            return
        if not path.is_file():
            raise AssertionError(f"golden file {path} does not exist; run pytest --icws-update to write it")
        expected = json.loads(path.read_text(encoding="utf-8"))
        actual = json.loads(data)
        if expected == actual:
            return
        lines = diff_snapshots(expected, actual) or ["(they differ in a way the part-by-part diff does not show)"]
        shown = "\n".join(f"  {line}" for line in lines[:50])
        more = f"\n  ... and {len(lines) - 50} more" if len(lines) > 50 else ""
        raise AssertionError(f"snapshot differs from golden file {path} (golden -> now):\n{shown}{more}\n"
                             "(run pytest --icws-update to accept it)")


@pytest.fixture
def icws_golden(request: pytest.FixtureRequest) -> IcwsGolden:
    """``icws_golden.check(cache_or_snapshot)``: compare with this test's golden file."""
    module = Path(request.path)
    return IcwsGolden(module.parent / GOLDEN_DIR / module.stem, golden_key(request.node.nodeid),
                      request.config.stash[_RUN])
