"""The documentation runs: every ```python block of every page, the strict site build, the generated parts.

Blocks of one page run in order in one namespace (later blocks use what earlier ones defined), in a temporary
working directory. Two marker comments, on a block's first line, change how it runs:

- ``# requires: fake-icws``: a fresh loopback fake ICWS server (`fake_icws.FakeIcws`, serving the recorded
  session) runs for the block, whose namespace gets ``BASE_URL`` and ``SESSION_ID``; ``# requires: fake-icws
  NAME`` serves the session `SESSIONS` names instead (``supervisor``: statistics and user statuses, then the
  server drops the connection);
- ``# docs: not-run <reason>``: the block is not executed, and the test reports it as skipped with that reason
  (never silently).
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fake_icws import FakeIcws
from helpers import STATISTICS
from mkdocs.exceptions import PluginError

from icws_state import _cli, state_diagram

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
#: Pages that are guides: each must show working code.
GUIDES = (
    "index.md", "concepts.md", "rules.md", "embedding.md", "testing.md", "recording.md", "snapshot.md",
    "custom-rows.md",
)
FAKE_ICWS = "# requires: fake-icws"
WORKGROUP = "ININ.People.WorkgroupStats:Workgroup"

USER_STATUSES = "urn:inin.com:status:userStatusMessage"


def _statistic(statistic: str, workgroup: str, value: int | None) -> dict[str, Any]:
    key = {"statisticIdentifier": statistic,
           "parameterValueItems": [{"parameterTypeId": WORKGROUP, "value": workgroup}]}
    return {"statisticKey": key, "statisticValue": None if value is None else
            {"__type": "urn:inin.com:statistics:statisticIntValue", "value": value, "statisticValueType": 0}}


#: A supervisor's session as a real server sends it: the status subscriptions answer 200 (not 204), status ids
#: come in the catalogue's spelling and others, statistics deltas carry only what changed, and the session ends
#: with a connection-down message rather than a 401.
SUPERVISOR_BATCHES: list[list[dict[str, Any]]] = [
    [
        {"__type": "urn:inin.com:status:statusMessagesMessage", "isDelta": False, "statusMessagesAdded": [
            {"statusId": "Available", "messageText": "Available"},
            {"statusId": "At Lunch", "messageText": "At Lunch"},
            {"statusId": "Do Not Disturb", "messageText": "Do Not Disturb", "isDoNotDisturbStatus": True}]},
        {"__type": USER_STATUSES, "isDelta": False, "userStatusList": [
            {"userId": "ana", "statusId": "Available"}, {"userId": "bo", "statusId": "Do not disturb"},
            {"userId": "cy", "statusId": "AVAILABLE"}]},
        {"__type": STATISTICS, "isDelta": False, "statisticValueChanges": [
            _statistic("inin.workgroup:AgentsAvailable", "Sales", 2),
            _statistic("inin.workgroup:InteractionsWaiting", "Sales", 5),
            _statistic("inin.workgroup:AgentsAvailable", "Support", 1),
            _statistic("inin.workgroup:InteractionsWaiting", "Support", 0)]},
    ],
    [
        {"__type": STATISTICS, "isDelta": True, "statisticValueChanges": [
            _statistic("inin.workgroup:InteractionsWaiting", "Sales", 7),
            _statistic("inin.workgroup:AgentsAvailable", "Support", None)]},
        {"__type": USER_STATUSES, "isDelta": True, "userStatusList": [{"userId": "ana", "statusId": "at lunch"}]},
    ],
    [
        {"__type": "urn:inin.com:connection:connectionStateChangeMessage", "isDelta": False,
         "previousConnectionState": 1, "newConnectionState": 2, "reason": "Switchover in progress",
         "shouldReconnect": True},
    ],
]
#: The fake sessions a block can ask for by name: FakeIcws keyword arguments.
SESSIONS: dict[str, dict[str, Any]] = {
    "supervisor": {
        "batches": SUPERVISOR_BATCHES,
        "outcomes": {("PUT", path): (200, None) for path in (
            "status/status-messages", "status/user-statuses", "statistics/statistic-values")},
    },
}
NOT_RUN = "# docs: not-run"
_BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def python_blocks(page: Path) -> list[tuple[int, str]]:
    """(first line number, code) of each fenced python block of ``page``."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in _BLOCK.finditer(text)]


def pages() -> list[str]:
    return sorted(p.name for p in DOCS.glob("*.md"))


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("page", pages())
def test_page_code_runs(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(DOCS / page)
    if page in GUIDES:
        assert blocks, f"{page} is a guide and shows no python code"
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": f"docs_{page[:-3].replace('-', '_')}"}
    not_run = []
    for line, code in blocks:
        first = code.split("\n", 1)[0].strip()
        if first.startswith(NOT_RUN):
            reason = first[len(NOT_RUN):].strip()
            assert reason, f"{page}:{line}: '{NOT_RUN}' needs a reason"
            not_run.append(f"{page}:{line}: {reason}")
            continue
        compiled = compile(code, f"{DOCS / page}:{line}", "exec")
        if first == FAKE_ICWS or first.startswith(FAKE_ICWS + " "):
            name = first[len(FAKE_ICWS):].strip()
            assert not name or name in SESSIONS, f"{page}:{line}: no fake session named {name!r}"
            with FakeIcws(**SESSIONS.get(name, {})) as fake:
                namespace.update(BASE_URL=fake.base_url, SESSION_ID=fake.session_id)
                exec(compiled, namespace)
        else:
            exec(compiled, namespace)
    if not_run:
        pytest.skip("blocks marked not-run: " + "; ".join(not_run))


def test_block_extraction_sees_every_fence() -> None:
    """The extractor must not miss a block (a missed block would be an untested example)."""
    for page in GUIDES:
        text = (DOCS / page).read_text(encoding="utf-8")
        assert len(python_blocks(DOCS / page)) == len(re.findall(r"^```python", text, re.MULTILINE)), page


def test_nav_lists_every_page() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    in_nav = set(re.findall(r":\s+([\w-]+\.md)\s*$", config, re.MULTILINE))
    assert in_nav == set(pages())


def test_site_builds_strict(tmp_path: Path) -> None:
    """``mkdocs build --strict`` passes, and the generated parts show what the code says."""
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    concepts = (site / "concepts" / "index.html").read_text(encoding="utf-8")
    diagram = re.search(r'<pre class="mermaid"><code>(.*?)</code></pre>', concepts, re.DOTALL)
    assert diagram is not None and html.unescape(diagram.group(1)).strip() == state_diagram()
    assert "<!-- generated" not in concepts
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("StateCache", "record_response", "add_listener", "default_schema", "SubscriptionState"):
        assert f'id="icws_state.{name}' in api or f'id="icws_state.StateCache.{name}' in api, name
    cli = (site / "cli" / "index.html").read_text(encoding="utf-8")
    assert "usage: icws-state replay" in cli and "usage: icws-state diff" in cli


def test_cli_page_names_real_commands() -> None:
    parser = _cli.build_parser()
    actions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    commands = set(getattr(actions[0], "choices", {}))
    documented = set(re.findall(r"^\$ icws-state (\w+)", (DOCS / "cli.md").read_text(encoding="utf-8"), re.M))
    assert documented == {"replay", "diff", "batch", "report", "scrub"}
    assert documented == commands


def test_hook_markers() -> None:
    hooks = load(DOCS / "hooks.py", "docs_hooks")
    page = "a\n<!-- generated: state-diagram -->\nb\n<!-- generated: cli-help no-such-command -->\n"
    out = hooks.on_page_markdown(page, page=None, config=None, files=None)
    assert f"```mermaid\n{state_diagram()}\n```" in out
    assert "no `no-such-command` command" in out
    with pytest.raises(PluginError):
        hooks.on_page_markdown("<!-- generated: typo -->", page=None, config=None, files=None)


def test_doctest_fences() -> None:
    fence = load(DOCS / "griffe_doctests.py", "docs_griffe_doctests").fence_doctests
    text = "Summary.\n\n>>> x = [1]\n>>> x\n[1]\n\nMore text::\n\n    >>> indented\n"
    assert fence(text) == (
        "Summary.\n\n```pycon\n>>> x = [1]\n>>> x\n[1]\n```\n\nMore text:\n\n    >>> indented"
    )


def test_readme_code_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's examples are the first code a user copies: they run as written, from the repository root."""
    blocks = python_blocks(ROOT / "README.md")
    assert len(blocks) >= 2
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {"__name__": "readme"}
    for line, code in blocks:
        exec(compile(code, f"README.md:{line}", "exec"), namespace)
    namespace["test_agent_day"]()  # the replay-test example passes against the shipped golden file
    assert "new: 1001" in capsys.readouterr().out
