"""Griffe extension for the API page: show the library's doctests as code blocks.

The library's docstrings carry plain ``>>>`` doctests (so ``python -m doctest`` and pytest can run them).
Markdown would read their ``>`` as block quotes and their ``[...]`` as link references, so before rendering,
each unindented run of doctest lines (prompt, continuation and output, up to a blank line) is wrapped in a
``pycon`` fence. A reST ``::`` before an indented example becomes ``:``: Markdown already shows indented
text as code.
"""

from __future__ import annotations

from typing import Any

import griffe

__all__ = ["DoctestFences", "fence_doctests"]


def fence_doctests(text: str) -> str:
    """``text`` with every unindented doctest run wrapped in a ```` ```pycon ```` fence."""
    out: list[str] = []
    in_example = False
    for line in text.splitlines():
        if not in_example and line.startswith(">>>"):
            out.append("```pycon")
            in_example = True
        elif in_example and not line.strip():
            out.append("```")
            in_example = False
        if not in_example and line.rstrip().endswith("::") and not line.lstrip().startswith(">>>"):
            line = line.rstrip()[:-1]
        out.append(line)
    if in_example:
        out.append("```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Rewrites every loaded object's docstring with `fence_doctests`."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)
