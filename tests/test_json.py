"""`copy_json`: deep copies of decoded JSON without recursion."""

from __future__ import annotations

from typing import Any

from icws_state._json import copy_json


def test_copy_is_equal_and_shares_no_container() -> None:
    value: dict[str, Any] = {"a": [1, {"b": [None, "x"]}], "c": {"d": 2.5}, "e": True}
    copied = copy_json(value)
    assert copied == value
    assert copied is not value and copied["a"] is not value["a"] and copied["a"][1] is not value["a"][1]
    copied["a"][1]["b"].append("y")
    assert value["a"][1]["b"] == [None, "x"]


def test_scalars_and_any_depth() -> None:
    assert copy_json("s") == "s" and copy_json(None) is None and copy_json(3) == 3
    deep: list[Any] = []
    for _ in range(5000):  # deeper than any recursive copy (or decoder) goes
        deep = [deep]
    copied = copy_json(deep)
    depth = 0
    while copied:
        copied, depth = copied[0], depth + 1
    assert depth == 5000
