"""Build: the hot path compiled with mypyc when it can be, the same modules as plain Python when it cannot.

Everything else about the package is declared in pyproject.toml. This file only decides on ``ext_modules``:

- ``ICWS_STATE_PURE=1`` (any value but empty or ``0``) builds the pure-Python package, compiling nothing;
- so does a machine without a C compiler or the Python headers, or a Python that is not CPython;
- and so does any failure while compiling (mypyc's own checks, the C compiler): the build warns and carries on.

The compiled modules are an all-or-nothing group (mypyc links them into one shared library), so a partial build
is removed rather than installed. Either way every module also ships as its ``.py`` file; Python imports the
extension module when there is one. ``icws_state.compiled`` tells which is running.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import sysconfig
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

#: The hot path: validation, the reducer, the stores, history, date-times, JSON values, read-only views, subscription
#: records, the journal and `Changes`, the cache's apply path, the log reader and replay. Modules that define attrs
#: classes for cattrs (events, subscriptions' values, the schema) stay interpreted.
COMPILED = [
    "icws_state/_journal.py",
    "icws_state/_records.py",
    "icws_state/_changes.py",
    "icws_state/_datetimes.py",
    "icws_state/_json.py",
    "icws_state/_readonly.py",
    "icws_state/_stores.py",
    "icws_state/_history.py",
    "icws_state/_validation.py",
    "icws_state/_reducer.py",
    "icws_state/_cache.py",
    "icws_state/_logs.py",
    "icws_state/_replay.py",
]


def _say(text: str) -> None:
    print(f"icws-state build: {text}", file=sys.stderr)


def _why_pure() -> str | None:
    """Why this build cannot (or must not) compile, or None when it can."""
    if os.environ.get("ICWS_STATE_PURE", "") not in ("", "0"):
        return "ICWS_STATE_PURE is set"
    if platform.python_implementation() != "CPython":
        return f"{platform.python_implementation()} is not CPython"
    include = sysconfig.get_paths()["include"]
    if not os.path.exists(os.path.join(include, "Python.h")):
        return f"no Python headers ({include}/Python.h)"
    cc = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(cc) is None:
        return f"no C compiler ({cc})"
    return None


class OptionalBuildExt(build_ext):
    """build_ext that falls back to the pure-Python package when compiling fails, instead of failing the install."""

    def run(self) -> None:
        try:
            super().run()
            # Every extension module, freshly built or found up to date, is now newer than its source: `_build`
            # reads an older one in a source checkout as stale (sources edited since) and runs the sources instead.
            for ext in self.extensions:
                in_place = self.get_ext_filename(ext.name)  # type: ignore[no-untyped-call]  # relative to the checkout
                for path in (self.get_ext_fullpath(ext.name), in_place):
                    if os.path.exists(path):
                        os.utime(path)
        except Exception as e:  # the C compiler, the linker, a missing tool: all mean "ship pure Python"
            _say(f"compiling failed ({type(e).__name__}: {e}); installing the pure-Python modules")
            for path in self.get_outputs():
                if os.path.exists(path):
                    os.remove(path)
            self.extensions = []


def _ext_modules() -> list[Any]:
    reason = _why_pure()
    if reason is None:
        try:
            from mypyc.build import mypycify

            return list(mypycify(COMPILED, opt_level="3", group_name="icws_state"))
        except BaseException as e:  # mypyc exits through SystemExit on a type error
            reason = f"mypyc failed ({type(e).__name__}: {e})"
    _say(f"pure-Python build: {reason}")
    return []


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
