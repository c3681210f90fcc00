"""Which build of the hot path runs: compiled (mypyc extension modules) or pure Python. Never compiled itself.

`install` runs first thing on ``import icws_state``. It puts the pure-Python modules in charge, even where compiled
ones are installed beside them, when

- ``ICWS_STATE_PURE`` is set (to anything but empty or ``0``): the same switch that makes ``pip install`` build the
  pure package, so one install can run, and test, both builds; or
- the compiled modules are older than their sources in a source checkout (an editable install whose ``.py`` files
  were edited, or checked out, after the build): running the stale extension would silently run old code, so the
  sources run instead, with a warning, until ``make build`` (or ``pip install -e .``) compiles them again.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import warnings
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

PACKAGE = __name__.rpartition(".")[0]
_DIR = os.path.dirname(os.path.abspath(__file__))
_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)


def pure_requested() -> bool:
    return os.environ.get("ICWS_STATE_PURE", "") not in ("", "0")


class _PureFinder:
    """Finds ``icws_state.<name>`` as its ``.py`` file, ahead of the extension module beside it."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != PACKAGE:
            return None
        source = os.path.join(_DIR, name + ".py")
        if not os.path.exists(source):
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def _extensions() -> list[tuple[str, str]]:
    """(extension module, its source) for every compiled module in the package directory."""
    out = []
    for entry in os.listdir(_DIR):
        for suffix in _SUFFIXES:
            if entry.endswith(suffix):
                source = os.path.join(_DIR, entry[: -len(suffix)] + ".py")
                if os.path.exists(source):
                    out.append((os.path.join(_DIR, entry), source))
    return out


def _stale() -> list[str]:
    """Sources newer than their extension module, checked only in a source checkout (where sources get edited)."""
    if not os.path.exists(os.path.join(os.path.dirname(_DIR), "pyproject.toml")):
        return []
    return sorted(os.path.basename(src) for ext, src in _extensions()
                  if os.path.getmtime(src) > os.path.getmtime(ext))


def install() -> None:
    """Put the pure-Python modules in charge when they must be (see the module docstring)."""
    if pure_requested():
        sys.meta_path.insert(0, _PureFinder())
        return
    stale = _stale()
    if stale:
        warnings.warn(f"{PACKAGE}: the compiled modules are older than {', '.join(stale)}; running the pure-Python "
                      f"modules instead (rebuild with `make build`)", RuntimeWarning, stacklevel=3)
        sys.meta_path.insert(0, _PureFinder())


def compiled_modules() -> list[str]:
    """The names of the package's modules that have an extension module beside their source (built or not run)."""
    return sorted(os.path.basename(src)[:-3] for _, src in _extensions())


def is_compiled(module: ModuleType) -> bool:
    return (module.__file__ or "").endswith(_SUFFIXES)
