"""Doctest collection under the compiled build.

pytest reads a module's doctests by importing its ``.py`` file, which a compiled module (mypyc) shadows with its
extension module; collecting it would fail on the mismatch. Under the compiled build those files' doctests are
left to the pure run (`make pytest` runs both), which collects them all.
"""

from __future__ import annotations

import icws_state
from icws_state import _build

collect_ignore: list[str] = (
    [f"icws_state/{name}.py" for name in _build.compiled_modules()] if icws_state.compiled else []
)
