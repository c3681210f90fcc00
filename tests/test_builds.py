"""The compiled build (mypyc) and the pure-Python build are one program: same snapshots, byte for byte.

Each conformance and example log is replayed twice through the CLI, once as installed and once with
``ICWS_STATE_PURE=1``, and the snapshots compared as bytes. Without a compiled build installed both runs are the
pure one and the comparison is trivially true, so it is skipped; CI runs the suite on the compiled build.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import CONFORMANCE

import icws_state

ROOT = Path(__file__).resolve().parents[1]
LOGS = sorted(
    [p for p in (ROOT / "examples").iterdir() if p.suffix in (".jsonl", ".har", ".json")]
    + ([p for p in CONFORMANCE.iterdir() if p.name[:2].isdigit() and not p.name.endswith(".expected.json")]
       if CONFORMANCE.is_dir() else [])
)


def _snapshot(log: Path, out: Path, pure: bool) -> bytes:
    env = {k: v for k, v in os.environ.items() if k != "ICWS_STATE_PURE"}
    if pure:
        env["ICWS_STATE_PURE"] = "1"
    code = ("import sys, icws_state, icws_state._cli as c; "
            "assert icws_state.compiled is (sys.argv[1] == 'compiled'), icws_state.compiled; "
            "sys.exit(c.main(sys.argv[2:]))")
    subprocess.run([sys.executable, "-c", code, "pure" if pure else "compiled", "replay", str(log),
                    "--snapshot", str(out), "--quiet"], env=env, check=False, capture_output=True, timeout=300)
    return out.read_bytes()


@pytest.mark.skipif(not icws_state.compiled, reason="no compiled build installed: nothing to compare with")
@pytest.mark.parametrize("log", LOGS, ids=[p.name for p in LOGS])
def test_compiled_and_pure_snapshots_are_byte_identical(log: Path, tmp_path: Path) -> None:
    compiled = _snapshot(log, tmp_path / "compiled.json", pure=False)
    pure = _snapshot(log, tmp_path / "pure.json", pure=True)
    assert compiled == pure


def test_the_makefile_and_setup_compile_the_same_modules() -> None:
    """`make build` rebuilds when one of the compiled modules' sources changes: its list must be setup.py's."""
    import re

    setup = re.search(r"COMPILED = \[(.*?)\]", (ROOT / "setup.py").read_text(), re.S)
    make = re.search(r"^HOT := \$\(addprefix icws_state/,(.*?)\)$", (ROOT / "Makefile").read_text(), re.S | re.M)
    assert setup is not None and make is not None
    compiled = sorted(re.findall(r'"icws_state/(\w+\.py)"', setup.group(1)))
    hot = sorted(make.group(1).replace("\\", " ").split())
    assert compiled == hot


def _listed() -> list[str]:
    import re

    setup = re.search(r"COMPILED = \[(.*?)\]", (ROOT / "setup.py").read_text(), re.S)
    assert setup is not None
    return sorted(re.findall(r'"icws_state/(\w+)\.py"', setup.group(1)))


@pytest.mark.skipif(not icws_state.compiled, reason="no compiled build installed")
def test_every_module_setup_compiles_runs_compiled() -> None:
    import importlib

    from icws_state._build import is_compiled

    assert [m for m in _listed() if not is_compiled(importlib.import_module(f"icws_state.{m}"))] == []


def test_pure_switch_runs_the_sources() -> None:
    code = "import icws_state, icws_state._cache as c; print(icws_state.compiled, c.__file__.endswith('.py'))"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "ICWS_STATE_PURE": "1"},
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
