"""JSON values: reading a JSON text strictly, checking a Python value is one, copying one without recursion.

Three rules of the spec meet here, so they live together:

- *Reading* (section 4): ``NaN``, ``Infinity``, a double out of range (``1e400``) and an integer of more than 4300
  digits are not JSON, and a text nested more than 1,000 levels deep is not valid either, whatever a decoder could
  parse. `decode_json` applies exactly that, with orjson where it gives the same Python value as the standard
  decoder and the standard decoder where it might not (orjson reads integers beyond 64 bits as doubles).
- *Checking* (R8's JSON-value rule): a value the cache keeps must be writable back as JSON: exactly dict, list, str,
  int, float, bool or None, string keys, finite floats, integers of at most 4300 digits, and no more than
  500 levels of arrays and objects. `json_value_problem` walks a value with an explicit stack, so depth costs no
  Python recursion.
- *Copying*: `copy_json` copies dicts and lists at any depth, also without recursion.
"""

from __future__ import annotations

import json
import math
from typing import Any, Final

__all__ = [
    "MAX_DEPTH",
    "MAX_TEXT_DEPTH",
    "copy_json",
    "decode_json",
    "describe",
    "json_value_problem",
    "same_json",
]

#: Arrays and objects nested more deeply than this are not a JSON value the cache keeps (R8; a message is level 1).
MAX_DEPTH: Final = 500
#: A JSON text nested more deeply than this is not valid JSON (section 4; the outermost array or object is level 1).
MAX_TEXT_DEPTH: Final = 1000
#: How many levels `_is_json` looks down before leaving a value to the explicit-stack walk.
_SHALLOW: Final = 16
#: Integers with more digits than this are not JSON here (Python's own limit for converting them to text).
MAX_DIGITS = 4300
_BIG: Final = 10**MAX_DIGITS
_NEG_BIG: Final = -_BIG  # once: negating a 4,300-digit integer on every check allocates it again
_JSON_SCALARS = (str, int, float, bool, type(None))
_SAFE_LEAVES = frozenset({str, bool, type(None)})
#: orjson reads an integer literal of 19 or more digits as a double; such texts go to the standard decoder. Found
#: by mapping every digit to "0" and everything else to a space (one C pass), then looking for 19 zeros: several
#: times faster than a regular expression, which tries each digit run at every position.
_DIGITS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_RUN = b"0" * 19


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text[:40]} is too large for a double")
    return value


_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite_float)


def _text_depth(data: bytes | str) -> int:
    """The deepest nesting of arrays and objects in a JSON text, brackets inside strings not counted."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _could_be_deep(data: bytes | str) -> bool:
    if len(data) <= 2 * MAX_TEXT_DEPTH:  # too short to open and close more levels than allowed
        return False
    if isinstance(data, bytes):
        return data.count(b"[") + data.count(b"{") > MAX_TEXT_DEPTH
    return data.count("[") + data.count("{") > MAX_TEXT_DEPTH


def _std_decode(data: bytes | str) -> Any:
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    try:
        return _DECODER.decode(text)
    except RecursionError:
        # The standard decoder recurses once per level and may give up before 1,000 levels; the caller has
        # already made sure the text is no deeper than that, so give it the room the rule promises.
        import sys

        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, MAX_TEXT_DEPTH * 3 + 200))
        try:
            return _DECODER.decode(text)
        finally:
            sys.setrecursionlimit(limit)


def _check_depth(data: bytes | str) -> None:
    if _could_be_deep(data) and _text_depth(data) > MAX_TEXT_DEPTH:
        raise ValueError(f"nested more than {MAX_TEXT_DEPTH} levels deep")


try:  # orjson is an optional extra, used where it reads the same values as the standard decoder.
    import orjson as _orjson_module

    _orjson: Any = _orjson_module
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None


def decode_json(data: bytes | str) -> Any:
    """Decode one JSON text by the rules of section 4; ValueError (or UnicodeDecodeError) when it is not JSON."""
    _check_depth(data)
    if _orjson is not None and isinstance(data, bytes) and _LONG_RUN not in data.translate(_DIGITS):
        try:
            return _orjson.loads(data)
        except _orjson.JSONDecodeError:
            pass  # what orjson refuses (a lone surrogate escape, say), the standard decoder decides
    return _std_decode(data)


def _scalar_problem(value: Any) -> bool:
    """Whether a non-container value cannot be written as JSON."""
    t = type(value)
    if t is float:
        return not math.isfinite(value)
    if t is int:
        return not _NEG_BIG < value < _BIG
    return t not in _JSON_SCALARS


def json_value_problem(value: Any, depth: int = 1, where: str = "message") -> str | None:
    """None when ``value`` (itself at nesting level ``depth``) is a JSON value the cache can keep; else the reason.

    The reason names where the problem is: ``<where> is not a JSON value`` or ``<where> is nested more than 500
    levels deep``.
    """
    t = type(value)
    if t is not dict and t is not list:
        return f"{where} is not a JSON value" if _scalar_problem(value) else None
    if _is_json(value, depth, min(MAX_DEPTH, depth + _SHALLOW)):
        return None
    # Depth-first with an explicit stack of (container, level); strings, booleans and nulls, by far the most
    # common leaves, cost one set lookup each.
    safe = _SAFE_LEAVES
    stack: list[tuple[Any, int]] = [(value, depth)]
    pop, push = stack.pop, stack.append
    while stack:
        node, level = pop()
        if level > MAX_DEPTH:
            return _locate(value, depth, where)
        if type(node) is dict:
            for k in node:
                if type(k) is not str:
                    return _locate(value, depth, where)
            leaves = node.values()
        else:
            leaves = node
        for v in leaves:
            tv = type(v)
            if tv in safe:
                continue
            if tv is dict or tv is list:
                push((v, level + 1))
            elif _scalar_problem(v):
                return _locate(value, depth, where)
    return None


def _is_json(node: Any, level: int, stop: int) -> bool:
    """Whether a dict or list (at nesting ``level``) holds only JSON values: the common answer, found by recursion
    without allocating (compiled, this is most of what checking a message costs). It gives up (False) below level
    ``stop``, a few levels down, so that it never needs much stack whatever the caller's depth; a deeper value, like
    any problem, goes to the walk with an explicit stack, which decides."""
    if level > stop:
        return False
    if type(node) is dict:
        d: dict[Any, Any] = node  # typed: compiled, iterated natively
        for k, v in d.items():
            if type(k) is not str or not _holds_json(v, level, stop):
                return False
        return True
    values: list[Any] = node
    for v in values:
        if not _holds_json(v, level, stop):
            return False
    return True


def _holds_json(v: Any, level: int, stop: int) -> bool:
    """`_is_json` for one value of a container at ``level``: strings, booleans and nulls (by far the most common)
    at the cost of a type test."""
    tv = type(v)
    if tv is str or tv is bool or v is None:
        return True
    if tv is dict or tv is list:
        return _is_json(v, level + 1, stop)
    return not _scalar_problem(v)


def _locate(value: Any, depth: int, where: str) -> str:
    """The reason for the first problem in ``value``, with its place spelled out (the slow path, after a fail)."""
    stack: list[tuple[Any, int, str]] = [(value, depth, where)]
    while stack:
        node, level, place = stack.pop()
        t = type(node)
        if t is dict or t is list:
            if level > MAX_DEPTH:
                return f"{where} is nested more than {MAX_DEPTH} levels deep"
            if t is dict:
                for k in node:
                    if type(k) is not str:
                        return f"{place} has a key that is not a string: {describe(k)}"
                children = [(v, level + 1, f"{place}.{k}") for k, v in node.items()]
            else:
                children = [(v, level + 1, f"{place}[{i}]") for i, v in enumerate(node)]
            stack.extend(reversed(children))
        elif _scalar_problem(node):
            return f"{place} is not a JSON value: {describe(node)}"
    return f"{where} is not a JSON value"


def describe(value: Any) -> str:
    """A short rendering of an offending value for a reason string (JSON where it can be written as JSON)."""
    if type(value) in (dict, list) and json_value_problem(value) is not None:
        return f"<{type(value).__name__} that is not a JSON value>"
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


def same_json(a: Any, b: Any) -> bool:
    """Whether two JSON values are the same value: `==` but with exact types (``1 == 1.0 == True`` in Python,
    three different JSON values), at any depth without recursion."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if x is y:
            continue
        tx = type(x)
        if tx is not type(y):
            return False
        if tx is dict:
            if x.keys() != y.keys():
                return False
            stack.extend((v, y[k]) for k, v in x.items())
        elif tx is list:
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y, strict=True))
        elif x != y:
            return False
    return True


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
