"""Pseudonyms: one value, one stand-in of the same JSON type, from a keyed hash.

A pseudonym is derived from HMAC-SHA256 of the value under a key, so the same value gets the same pseudonym
wherever it appears (a user id in a status list, a participant and a configuration list stay joined), two values
get two pseudonyms (64 bits of the hash: the cache keys items by them, so they must not collide), and without the
key the original cannot be recovered or confirmed by guessing. The same key gives the same pseudonyms on every
run; a random key (the default) gives pseudonyms that cannot be linked to any other run's.

Types are kept so that the cache treats a scrubbed message exactly as the original (a string stays a string, so
a valid message stays valid; an integer where a string belongs stays an integer, so an invalid one stays
invalid): a string becomes ``anon-`` and 16 hex digits (the empty string stays empty: R11 rejects an empty route
id, and so must the scrubbed log); an integer becomes an integer of the same sign; a float a float; booleans and
null carry nothing and are kept.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from typing import Any

__all__ = ["KEY_BYTES", "PREFIX", "Pseudonymizer", "new_key", "read_key_file"]

#: Every string pseudonym starts with this (so that it is never a number, a date-time or a JSON literal).
PREFIX = "anon-"
#: The size of a random key, and the least a key file must hold.
KEY_BYTES = 32
_MIN_KEY = 16
_MEMO_LIMIT = 65536

OnReplace = Callable[[Any, Any], object]


def new_key() -> bytes:
    """A random key: pseudonyms that no other run can reproduce."""
    return secrets.token_bytes(KEY_BYTES)


def read_key_file(path: str | os.PathLike[str], *, create: bool = False) -> bytes:
    """The key in the file at ``path`` (its bytes, surrounding whitespace removed, at least 16 of them).

    With ``create``, a missing file is created holding a new random key (as 64 hex digits, readable by its owner
    only). OSError when it cannot be read or created; ValueError when it is too short to be a key.
    """
    if create and not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(KEY_BYTES) + "\n")
    with open(path, "rb") as f:
        key = f.read().strip()
    if len(key) < _MIN_KEY:
        raise ValueError(f"a key file must hold at least {_MIN_KEY} bytes, {os.fspath(path)} holds {len(key)}")
    return key


class Pseudonymizer:
    """Pseudonyms under one key. ``on_replace(original, pseudonym)`` sees every replacement (an audit, a test).

    >>> p = Pseudonymizer(b"0123456789abcdef0123456789abcdef")
    >>> p("Ana Lima") == p("Ana Lima") != p("Ana Lime"), p("Ana Lima").startswith("anon-")
    (True, True)
    >>> type(p(5551234)), p(""), p(True), p(None)
    (<class 'int'>, '', True, None)
    """

    def __init__(self, key: bytes | str, on_replace: OnReplace | None = None) -> None:
        self._key = key.encode("utf-8") if isinstance(key, str) else bytes(key)
        if not self._key:
            raise ValueError("a pseudonym key cannot be empty")
        self.on_replace = on_replace
        #: How many values were replaced.
        self.replaced = 0
        self._memo: dict[tuple[type, Any], Any] = {}

    def _digest(self, tag: bytes, text: str) -> bytes:
        return hmac.new(self._key, tag + text.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()

    def __call__(self, value: Any) -> Any:
        """The pseudonym of a scalar JSON value (a string, an integer or a float); anything else as it is."""
        kind = type(value)
        if kind is str:
            if not value:
                return value
        elif kind is not int and kind is not float:
            return value
        memo_key = (kind, value)
        out = self._memo.get(memo_key)
        if out is None:
            out = self._compute(value)
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[memo_key] = out
        self.replaced += 1
        if self.on_replace is not None:
            self.on_replace(value, out)
        return out

    def _compute(self, value: Any) -> Any:
        if type(value) is str:
            return PREFIX + self._digest(b"s\0", value)[:8].hex()
        if type(value) is int:
            n = int.from_bytes(self._digest(b"i\0", str(value))[:6], "big")
            return -n if value < 0 else n
        n = int.from_bytes(self._digest(b"f\0", repr(value))[:6], "big")
        return (-n if value < 0 else n) / 64.0
