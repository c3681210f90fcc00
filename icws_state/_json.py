"""Copying decoded JSON values without recursion.

The cache keeps copies of some values it is given (PUT bodies, error objects, rejected inputs) so that a caller
changing its own objects later cannot change the cache. `copy.deepcopy` recurses once per nesting level and so
fails on values the JSON decoder reads without complaint (a few hundred levels deep); lenient mode must raise
nothing for any JSON value, so the copy here walks with an explicit stack instead.
"""

from __future__ import annotations

from typing import Any

__all__ = ["copy_json"]


def copy_json(value: Any) -> Any:
    """A deep copy of a JSON value (dicts and lists copied, everything else shared), at any depth."""
    if type(value) is not dict and type(value) is not list:
        return value
    root: Any = {} if type(value) is dict else []
    stack: list[tuple[Any, Any]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        if type(source) is dict:
            for k, v in source.items():
                if type(v) is dict or type(v) is list:
                    child: Any = {} if type(v) is dict else []
                    target[k] = child
                    stack.append((v, child))
                else:
                    target[k] = v
        else:
            for v in source:
                if type(v) is dict or type(v) is list:
                    child = {} if type(v) is dict else []
                    target.append(child)
                    stack.append((v, child))
                else:
                    target.append(v)
    return root
