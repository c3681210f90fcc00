"""`scrub`: a log made safe to commit, that the cache reads exactly as it read the original.

Every log format replay reads goes in; a JSON-lines log comes out, one input per line, on the same line number
wherever the input had one (JSON lines, a whole-file array, a whole-file HAR capture: blank lines keep the
numbering), so rejected inputs point at the same lines. Messages stay messages, polling arrays stay arrays, HAR
entries become exchange records. On the way:

- secrets are removed as the recorder removes them (`_redact`), and a HAR entry's headers and cookies are dropped;
- personal data is replaced by pseudonyms (`_pseudonyms`) where `_scrub_rules` says it is: names, addresses and
  numbers, user ids, notes and free text, every string of a generic type, and any request or response of an
  endpoint the cache does not read;
- a subscription id that is a user's queue name (a queue subscription's PUT body names the user queue of that
  name anywhere in the run) is replaced in paths and in messages alike, since the cache joins them: a first pass
  over the logs finds those names, so a message that comes before its subscription's PUT is replaced too;
- a line that is not JSON cannot be scrubbed piece by piece: it is replaced whole by its pseudonym, which is not
  JSON either, so it stays a rejected line;
- query strings are dropped (replay ignores them), and so are an exchange record's keys other than its six.

Ids, times and structure are kept, so the scrubbed log gives the same stats, the same rejected lines and the same
subscription states, and a snapshot equal to the original's with each replaced value in its pseudonym's place.
Logs are read one input at a time (twice: the first pass keeps only user queue names) and written as they are
read, to a temporary file beside each destination that is renamed over it once complete (`_files.atomic_stream`);
a pipe, which can be read only once, is first copied to a temporary file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import unquote

import attrs

from .._files import atomic_stream
from .._logs import InputKind, LogInput, read_log
from .._paths import is_messages_path, subscription_path
from ._lines import EXCHANGE_KEYS, exchange_line, value_line
from ._pseudonyms import OnReplace, Pseudonymizer, new_key
from ._redact import is_messages_get, is_secret_name, redact_path, secret_marker, split_url
from ._scrub_rules import (
    ITEMS,
    Mode,
    Pattern,
    ScrubRules,
    body_patterns,
    message_patterns,
    subscription_id_prefixes,
    user_queue_names,
)
from ._times import shift_datetime

__all__ = ["ScrubResult", "Scrubber", "scrub"]

PathLike = str | os.PathLike[str]
_KEEP, _STRINGS, _ALL, _TIME = Mode.KEEP, Mode.STRINGS, Mode.ALL, Mode.TIME
_SUBSCRIPTIONS = "/messaging/subscriptions/"
#: Keys never carried into a scrubbed HAR entry (one that could not be read as an exchange).
_HAR_DROPPED = frozenset({"headers", "cookies"})
#: What such an entry keeps, as an exchange would: its method, status and time (the URL keeps its path, as a path).
_HAR_ENTRY = (
    Pattern(("startedDateTime",), Mode.TIME),
    *(Pattern(("request", k), Mode.KEEP) for k in ("method", "url", "httpVersion")),
    *(Pattern(("response", k), Mode.KEEP) for k in ("status", "statusText", "httpVersion")),
    *(Pattern(("response", "content", k), Mode.KEEP) for k in ("mimeType", "encoding")),
)
_NO_STATES: tuple[tuple[Pattern, int], ...] = ()
#: Never replaced, in any message: what the cache routes and validates every message by.
_ALWAYS_KEPT = frozenset({"__type", "isDelta"})


@attrs.frozen
class ScrubResult:
    """What a `scrub` run wrote."""

    #: The scrubbed logs, one per input log, in order.
    outputs: tuple[str, ...]
    #: Inputs read (lines, array elements, HAR entries).
    inputs: int
    #: Values replaced by their pseudonyms.
    pseudonymized: int
    #: Secrets replaced by a marker (passwords, tokens, session ids in bodies and responses).
    redacted: int


class Scrubber:
    """The scrubbing of single values, under one key and one set of rules (what `scrub` runs for every input)."""

    def __init__(self, key: bytes | str, *, rules: ScrubRules | None = None, shift_time: int = 0,
                 on_replace: OnReplace | None = None, user_queues: Iterable[str] = ()) -> None:
        self.pseudonym = Pseudonymizer(key, on_replace)
        self.rules = rules if rules is not None else ScrubRules()
        self.shift_time = shift_time
        self.redacted = 0
        #: User queue names (user ids): a subscription id that is one of them is replaced.
        self.user_queues = set(user_queues)
        self._prefixes = subscription_id_prefixes()

    def learn(self, entry: LogInput) -> None:
        """The first pass: remember the user queues that a queue subscription's PUT body names."""
        if entry.kind is not InputKind.EXCHANGE or type(entry.value.get("path")) is not str:
            return
        sub = subscription_path(unquote(split_url(entry.value["path"])[0]))
        if sub is not None:
            self.user_queues.update(user_queue_names(sub, entry.value.get("body")))

    def _subscription_id(self, value: str) -> str:
        if value in self.user_queues and "subscriptionId" not in self.rules.keep:
            return str(self.pseudonym(value))
        return value

    # -- Inputs -----------------------------------------------------------------------------------------------------
    def input(self, entry: LogInput) -> bytes:
        """One log input as its scrubbed line."""
        v = entry.value
        if entry.kind is InputKind.MESSAGE:
            return value_line(self.message(v))
        if entry.kind is InputKind.BATCH:
            return value_line([self.message(m) for m in v])
        if entry.kind is InputKind.EXCHANGE:
            if entry.at is not None and "at" not in v:  # a HAR entry's startedDateTime
                v = {**v, "at": entry.at}
            return exchange_line(self.exchange(v))
        if type(v) is str:  # a line that is not JSON: replaced whole, by text that is not JSON either
            return str(self.pseudonym(v)).encode("utf-8", "backslashreplace") + b"\n"
        entry_out = self.walk(v, _STRINGS, _HAR_ENTRY, secrets=True, drop=_HAR_DROPPED)  # a HAR entry
        request = entry_out.get("request") if type(entry_out) is dict else None
        if type(request) is dict and type(request.get("url")) is str:
            request["url"] = self.path(request["url"])
        return value_line(entry_out)

    def message(self, message: Any) -> Any:
        """A message with its personal data replaced (its type's patterns, or every string for a generic type)."""
        if type(message) is dict and type(message.get("__type")) is str:
            patterns = message_patterns(message["__type"])
            if patterns is not None:
                out = self.walk(message, _KEEP, patterns)
                sid = out.get("subscriptionId")
                if type(sid) is str:
                    out["subscriptionId"] = self._subscription_id(sid)
                return out
        return self.walk(message, _STRINGS if self.rules.generic else _KEEP)

    def exchange(self, record: dict[str, Any]) -> dict[str, Any]:
        """An exchange record: path, body and response scrubbed by what the exchange is; other keys dropped."""
        method, path, status = record.get("method"), record.get("path"), record.get("status")
        decoded = unquote(split_url(path)[0]) if type(path) is str else ""
        sub = subscription_path(decoded)
        messaging = sub is not None or is_messages_path(decoded)
        out: dict[str, Any] = {}
        for k in EXCHANGE_KEYS:
            if k not in record:
                continue
            v = record[k]
            if k == "path":
                v = self.path(v) if type(v) is str else v
            elif k == "body":
                patterns = body_patterns(sub) if sub is not None else ()
                v = self.walk(v, _KEEP if messaging else _STRINGS, patterns, secrets=True)
            elif k == "response":
                if is_messages_get(method, path, status):
                    v = [self.message(m) for m in v] if type(v) is list else self.message(v)
                else:
                    success = type(status) is int and 200 <= status <= 299
                    # Error objects are the server's words, kept (they become subscription errors); a successful
                    # answer of an endpoint the cache does not read (the connection, a directory) is scrubbed whole.
                    v = self.walk(v, _STRINGS if success and not messaging else _KEEP, secrets=True)
            elif k == "at":
                v = shift_datetime(v, self.shift_time)
            out[k] = v
        return out

    def path(self, path: str) -> str:
        """A request path: no query, no session id, and a subscription id that is a user's queue name replaced."""
        bare = redact_path(split_url(path)[0])
        decoded = unquote(bare)
        at = decoded.find(_SUBSCRIPTIONS)
        if at < 0:
            return bare
        sub = decoded[at + len(_SUBSCRIPTIONS):]
        for prefix in self._prefixes:
            if sub.startswith(prefix) and len(sub) > len(prefix):
                sid = self._subscription_id(sub[len(prefix):])
                if sid == sub[len(prefix):]:
                    return bare
                new = decoded[: at + len(_SUBSCRIPTIONS)] + prefix + sid
                # Written so that replay's one decoding gives exactly ``new``.
                return new.replace("%", "%25").replace("?", "%3F")
        return bare

    # -- Values -------------------------------------------------------------------------------------------------------
    def _leaf(self, value: Any, mode: Mode) -> Any:
        if mode is _KEEP:
            return value
        if mode is _TIME:
            return shift_datetime(value, self.shift_time) if self.shift_time else value
        if mode is _STRINGS and type(value) is not str:
            return value
        return self.pseudonym(value)

    def _child(self, mode: Mode, states: tuple[tuple[Pattern, int], ...], key: Any,
               parent: Any) -> tuple[Mode, tuple[tuple[Pattern, int], ...]]:
        """The mode and the pattern states below ``key`` (a property name, or `ITEMS` for a list's items)."""
        terminal: Mode | None = None
        advanced = []
        for pattern, i in states:
            step = pattern.steps[i]
            if step is ITEMS:
                hit = key is ITEMS
            elif type(step) is str:
                hit = step == key
            else:
                hit = key is not ITEMS and callable(step) and bool(step(key, parent))
            if hit:
                if i + 1 == len(pattern.steps):
                    if terminal is None or terminal is _TIME:
                        terminal = pattern.mode
                else:
                    advanced.append((pattern, i + 1))
        child = terminal if terminal is not None else mode
        if key is not ITEMS:
            rules = self.rules
            if key in rules.keep or key in _ALWAYS_KEPT:
                return _KEEP, ()
            if key in rules.add:
                return _ALL, ()
        return child, tuple(advanced)

    def walk(self, value: Any, mode: Mode, patterns: Sequence[Pattern] = (), *, secrets: bool = False,
             drop: frozenset[str] = frozenset()) -> Any:
        """A scrubbed copy of ``value``: leaves replaced by ``mode`` and the patterns, secrets redacted (when
        ``secrets``), ``drop`` keys left out. Walks with its own stack: values may be 1,000 levels deep."""
        if type(value) is not dict and type(value) is not list:
            return self._leaf(value, mode)
        holder: list[Any] = [None]
        stack: list[tuple[Any, Any, Any, Mode, tuple[tuple[Pattern, int], ...]]] = [
            (value, holder, 0, mode, tuple((p, 0) for p in patterns))]
        while stack:
            source, target, slot, mode, states = stack.pop()
            if type(source) is dict:
                new: Any = {}
                for k, v in source.items():
                    if k in drop:
                        continue
                    if secrets and type(k) is str and v is not None and is_secret_name(k):
                        new[k] = secret_marker(k)
                        self.redacted += 1
                        continue
                    child_mode, child_states = self._child(mode, states, k, source)
                    if type(v) is dict or type(v) is list:
                        new[k] = None
                        stack.append((v, new, k, child_mode, child_states))
                    else:
                        new[k] = self._leaf(v, child_mode)
            else:
                child_mode, child_states = self._child(mode, states, ITEMS, source) if states else (mode, _NO_STATES)
                new = []
                for i, v in enumerate(source):
                    if type(v) is dict or type(v) is list:
                        new.append(None)
                        stack.append((v, new, i, child_mode, child_states))
                    else:
                        new.append(self._leaf(v, child_mode))
            target[slot] = new
        return holder[0]


def _destinations(logs: Sequence[str], out: str) -> list[str]:
    if len(logs) == 1 and not os.path.isdir(out):
        dests = [out]
    else:
        os.makedirs(out, exist_ok=True)
        dests = [os.path.join(out, os.path.splitext(os.path.basename(p))[0] + ".jsonl") for p in logs]
        seen: dict[str, str] = {}
        for log, dest in zip(logs, dests, strict=True):
            if dest in seen:
                raise ValueError(f"{seen[dest]} and {log} would both be written to {dest}: give them different names")
            seen[dest] = log
    for log, dest in zip(logs, dests, strict=True):
        with contextlib.suppress(OSError):
            if os.path.samefile(log, dest):
                raise ValueError(f"scrubbing {log} would replace it: write the scrubbed log somewhere else")
    return dests


def scrub(logs: PathLike | Sequence[PathLike], out: PathLike, *, key: bytes | str | None = None,
          rules: ScrubRules | None = None, shift_time: int = 0, on_replace: OnReplace | None = None) -> ScrubResult:
    """Scrub ``logs`` (one path or several) and write the results to ``out``.

    With one log, ``out`` is the scrubbed log's path (or an existing directory to write ``<name>.jsonl`` in); with
    several, ``out`` is a directory (created if needed) that gets ``<name>.jsonl`` for each. ``key`` makes the
    pseudonyms (the same key, the same pseudonyms, across runs; a random key by default); ``rules`` changes what is
    replaced; ``shift_time`` moves every date-time by that many seconds; ``on_replace(original, pseudonym)`` sees
    each replacement. OSError when a log cannot be read or an output written (an output that fails is not left
    half-written); ValueError for outputs that would clash or overwrite a log.
    """
    paths = [os.fspath(logs)] if isinstance(logs, (str, os.PathLike)) else [os.fspath(p) for p in logs]
    if not paths:
        raise ValueError("scrub needs at least one log")
    scrubber = Scrubber(key if key is not None else new_key(), rules=rules, shift_time=shift_time,
                        on_replace=on_replace)
    dests = _destinations(paths, os.fspath(out))
    with contextlib.ExitStack() as spools:
        readable = [_spooled(p, spools) for p in paths]
        for log in readable:
            for entry in read_log(log):
                scrubber.learn(entry)
        inputs = 0
        for log, dest in zip(readable, dests, strict=True):
            entries = read_log(log)  # opened now: a log that cannot be read fails before its output is created
            with atomic_stream(dest) as f:
                written = 0
                for entry in entries:
                    inputs += 1
                    if entry.line > written + 1:  # keep the original numbering: readers skip blank lines
                        f.write(b"\n" * (entry.line - written - 1))
                        written = entry.line - 1
                    f.write(scrubber.input(entry))
                    written += 1
    return ScrubResult(outputs=tuple(dests), inputs=inputs, pseudonymized=scrubber.pseudonym.replaced,
                       redacted=scrubber.redacted)


def _spooled(path: str, stack: contextlib.ExitStack) -> str:
    """``path``, or for a pipe or device (read once only) a temporary copy of it, removed when ``stack`` closes."""
    if stat.S_ISREG(os.stat(path).st_mode):
        return path
    fd, copy = tempfile.mkstemp(prefix="icws-scrub-", suffix=".log")
    stack.callback(os.unlink, copy)
    with open(path, "rb") as source, open(fd, "wb") as target:
        shutil.copyfileobj(source, target)
    return copy
