"""Read-only views of cached JSON values, all the way down, at no cost until they are read.

The cache hands out the dicts it stores (events carry the old and the new item, stores return items) without
copying them: the cache itself changes a stored item only where nobody asked for events, and then a view shows the
item as it is now (in a cache that records changes, never: copy-on-write); either way sharing them is safe as long
as nobody *else* can change them. `types.MappingProxyType` protects only the top level: a listener could
still change ``event.value["attributes"]["Eic_State"]`` and so the cache. `ReadOnlyDict` and `ReadOnlyList` wrap
a value in O(1) and wrap what they return the same way when it is read, so protecting a value costs one small
object per level actually looked at, and nothing at all for the values nobody reads.

They compare equal to the plain dicts and lists they show (``event.value == {"interactionId": "1"}``), and `thaw`
gives back an independent plain copy (for `json.dumps`, or to build a message from).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

from ._json import copy_json

__all__ = ["ReadOnlyDict", "ReadOnlyList", "read_only", "read_only_item", "thaw"]


def read_only(value: Any) -> Any:
    """``value`` itself when it is no dict or list (JSON scalars are immutable), else a read-only view of it."""
    t = type(value)
    if t is dict:
        return ReadOnlyDict(value)
    if t is list:
        return ReadOnlyList(value)
    return value


def read_only_item(item: dict[str, Any]) -> Mapping[str, Any]:
    """A read-only view of one stored item (an object, by construction)."""
    return ReadOnlyDict(item)


def thaw(value: Any) -> Any:
    """A plain, independent copy (dicts and lists) of a cached value, of a read-only view of one, or of what a typed
    view holds (read-only mappings, tuples)."""
    if isinstance(value, (ReadOnlyDict, ReadOnlyList)):
        return copy_json(value._value)
    t = type(value)
    if t is not dict and t is not list and isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if t is tuple:
        return [thaw(v) for v in value]
    return copy_json(value)


class ReadOnlyDict(Mapping[str, Any]):
    """A read-only view of a cached JSON object; nested objects and arrays come back as read-only views too."""

    __slots__ = ("_value",)

    def __init__(self, value: dict[str, Any]) -> None:
        self._value = value

    def __getitem__(self, key: str) -> Any:
        return read_only(self._value[key])

    def __contains__(self, key: object) -> bool:
        return key in self._value

    def __iter__(self) -> Iterator[str]:
        return iter(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ReadOnlyDict):
            return self._value == other._value
        if isinstance(other, dict):
            return self._value == other
        if isinstance(other, Mapping):
            return self._value == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._value)


class ReadOnlyList(Sequence[Any]):
    """A read-only view of a cached JSON array; nested objects and arrays come back as read-only views too."""

    __slots__ = ("_value",)

    def __init__(self, value: list[Any]) -> None:
        self._value = value

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return ReadOnlyList(self._value[index])
        return read_only(self._value[index])

    def __len__(self) -> int:
        return len(self._value)

    def __iter__(self) -> Iterator[Any]:
        return (read_only(v) for v in self._value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ReadOnlyList):
            return self._value == other._value
        if isinstance(other, (list, tuple)):
            return len(self._value) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._value)
