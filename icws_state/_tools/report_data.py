"""What an HTML report of one log shows, gathered while the log is replayed once (`collect`).

Theory of operation. After each input `_Collector` notes the subscription changes, anomalies, 401s,
connection-down messages (R18) and rejections that input caused (read from its change journal, so item events are
never built; an input's generic-store events are built only when it holds a connection-state message, which is
rare). Inputs are gathered into buckets of equal size as they arrive: when there are `MAX_BUCKETS` buckets,
neighbours are merged pairwise and the bucket size doubles, so memory and page size stay bounded (between half and
all of `MAX_BUCKETS` buckets) whatever the log's length, in one pass. Per bucket a subscription shows the most
severe state it was in (faulted > suspended > normal > none), so a brief fault is never averaged away, and whether
it was closed or stale at any point. Message counts and cache sizes are read when a bucket closes. Statistic
values (R17) are counted as one cache-size series; the final snapshot holds them for the statistics table.

Drawing the page is `report_html`'s job; nothing here knows about HTML.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from .._cache import StateCache
from .._changes import Changes
from .._events import Anomaly, GenericChanged, Rejected, SessionChanged, SubscriptionChanged
from .._logs import InputKind, LogInput
from .._replay import replay
from .._rows import CONNECTION_STATE, STATISTIC_VALUES
from .._summary import statistic_rows

__all__ = [
    "MAX_BUCKETS",
    "MAX_TABLE_ROWS",
    "STATES",
    "Bucket",
    "ConnectionDown",
    "ReportData",
    "SubCell",
    "collect",
]

#: Upper bound on the number of time buckets (columns) of a report.
MAX_BUCKETS = 500
#: At most this many rows of the rejected-inputs, anomalies, 401 and connection-down tables; the counts stay exact.
MAX_TABLE_ROWS = 1000
#: Subscription states from the least severe to the most: a bucket shows the most severe one it saw.
STATES = ("none", "normal", "suspended", "faulted")
_SEVERITY = {state: rank for rank, state in enumerate(STATES)}
_CONNECTION = CONNECTION_STATE.type
_STATISTICS_SERIES = "statistic values"
#: The ``Down`` value of a connection-state message's ``newConnectionState`` (R18).
_DOWN = 2

_Row = TypeVar("_Row")


@attrs.define
class SubCell:
    """One subscription within one bucket: its most severe state (an index of `STATES`), the state it ended in,
    and whether it was closed or stale at any point."""

    worst: int
    end: str
    closed: bool
    stale: bool

    @classmethod
    def of(cls, state: str, closed: bool, stale: bool) -> SubCell:
        """A cell that saw one state."""
        return cls(_SEVERITY[state], state, closed, stale)

    def merge(self, later: SubCell) -> None:
        """Fold in what the same subscription went through later."""
        self.worst, self.end = max(self.worst, later.worst), later.end
        self.closed, self.stale = self.closed or later.closed, self.stale or later.stale


@attrs.define
class Bucket:
    """A run of consecutive inputs (positions ``first``..``last``, 1-based) and what happened during it."""

    first: int
    last: int
    first_line: int
    last_line: int
    at_first: str | None = None
    at_last: str | None = None
    messages: int = 0
    rejected: int = 0
    anomalies: int = 0
    unauthorized: int = 0
    connection_down: int = 0
    subs: dict[str, SubCell] = attrs.field(factory=dict)
    #: Cache sizes when the bucket closed: history, assistance requests, each queue, statistic values.
    sizes: dict[str, int] = attrs.field(factory=dict)

    def absorb(self, later: Bucket) -> None:
        """Merge the next bucket into this one."""
        self.last, self.last_line = later.last, later.last_line
        self.at_first = self.at_first or later.at_first
        self.at_last = later.at_last or self.at_last
        self.messages += later.messages
        self.rejected += later.rejected
        self.anomalies += later.anomalies
        self.unauthorized += later.unauthorized
        self.connection_down += later.connection_down
        for path, cell in later.subs.items():
            self.note(path, cell)
        self.sizes = later.sizes

    def note(self, path: str, cell: SubCell) -> None:
        """What subscription ``path`` went through next, within this bucket."""
        mine = self.subs.get(path)
        if mine is None:
            self.subs[path] = cell
        else:
            mine.merge(cell)


@attrs.frozen
class ConnectionDown:
    """A connection-state message that said the connection is down (R18), as one row of the report."""

    line: int
    #: The input's recorded time, or the last one before it (a bare message records none); None before any.
    at: str | None
    reason: str | None
    should_reconnect: bool | None
    #: Whether this message ended the session (False when a 401 or an earlier message had already ended it).
    ended_session: bool


@attrs.define
class ReportData:
    """Everything a report shows, gathered in one pass over the log."""

    log: str
    buckets: list[Bucket]
    inputs: int
    #: (line, reason) of the first `MAX_TABLE_ROWS` rejected inputs.
    rejected: list[tuple[int | None, str]]
    #: (line, path, before, after, cause) of the first `MAX_TABLE_ROWS` anomalies.
    anomalies: list[tuple[int, str, str, str, str]]
    #: (line, cause) of each 401 that ended the session (first `MAX_TABLE_ROWS`).
    unauthorized: list[tuple[int, str]]
    counts: dict[str, int]
    snapshot: dict[str, Any]
    size_series: list[str]
    #: The first `MAX_TABLE_ROWS` connection-down messages.
    connection_down: list[ConnectionDown] = attrs.field(factory=list)


def _holds_connection_state(entry: LogInput) -> bool:
    """Whether an input carries a connection-state message: only then are its generic-store events built."""
    value = entry.value
    if entry.kind is InputKind.EXCHANGE:
        value = value.get("response") if isinstance(value, dict) else None
    elif entry.kind is not InputKind.BATCH:
        return type(value) is dict and value.get("__type") == _CONNECTION
    return type(value) is list and any(type(m) is dict and m.get("__type") == _CONNECTION for m in value)


class _Collector:
    """The ``on_input`` callback of the report's replay: buckets inputs as described in the module doc."""

    def __init__(self, cache: StateCache) -> None:
        self.cache = cache
        self.width = 1
        self.pos = 0
        self.buckets: list[Bucket] = []
        self.open: Bucket | None = None
        self.state: dict[str, tuple[str, bool, bool]] = {}
        self.messages_seen = 0
        self.rejected: list[tuple[int | None, str]] = []
        self.anomalies: list[tuple[int, str, str, str, str]] = []
        self.unauthorized: list[tuple[int, str]] = []
        self.connection_down: list[ConnectionDown] = []
        self.last_at: str | None = None
        #: Exact counts of what the tables list (they stop at `MAX_TABLE_ROWS`), by `Bucket` counter name.
        self.totals = {"rejected": 0, "anomalies": 0, "unauthorized": 0, "connection_down": 0}
        self.series: dict[str, None] = {"history": None, "assistance requests": None}

    def __call__(self, entry: LogInput, changes: Changes) -> None:
        b = self._bucket_for(entry)
        ended_by_connection: Mapping[str, Any] | None = None  # the error of a session a Down of this input ended
        for event in changes.notices():  # item events are never needed here, so never built
            if isinstance(event, SubscriptionChanged):
                a = event.after
                name = a.state.name.lower()
                self.state[a.path] = (name, a.closed, a.stale)
                b.note(a.path, SubCell.of(name, a.closed, a.stale))
            elif isinstance(event, Anomaly):
                t = event.transition
                self._count(b, "anomalies", self.anomalies,
                            (entry.line, t.path, t.before.name.lower(), t.after.name.lower(), t.cause))
            elif isinstance(event, SessionChanged):
                if event.ended and event.cause == _CONNECTION:
                    ended_by_connection = event.error or {}
                elif event.ended:
                    self._count(b, "unauthorized", self.unauthorized, (entry.line, event.cause))
            elif isinstance(event, Rejected):
                self._count(b, "rejected", self.rejected, (event.line, event.reason))
        if _holds_connection_state(entry):
            self._connection_down(entry, changes, b, ended_by_connection)
        if self.pos % self.width == 0:
            self.close()
            if len(self.buckets) >= MAX_BUCKETS:
                self._halve()

    def _bucket_for(self, entry: LogInput) -> Bucket:
        """The open bucket, extended to ``entry`` (a new one, starting from the states so far, if none is open)."""
        self.pos += 1
        b = self.open
        if b is None:
            b = self.open = Bucket(self.pos, self.pos, entry.line, entry.line)
            b.subs = {p: SubCell.of(s, c, st) for p, (s, c, st) in self.state.items()}
        b.last, b.last_line = self.pos, entry.line
        if entry.at is not None:
            b.at_first = b.at_first or entry.at
            b.at_last = self.last_at = entry.at
        return b

    def _count(self, b: Bucket, counter: str, table: list[_Row], row: _Row) -> None:
        """One more of ``counter`` (a `Bucket` field) in ``b`` and in the totals; ``row`` listed while there is room."""
        setattr(b, counter, getattr(b, counter) + 1)
        self.totals[counter] += 1
        if len(table) < MAX_TABLE_ROWS:
            table.append(row)

    def _connection_down(self, entry: LogInput, changes: Changes, b: Bucket, ended: Mapping[str, Any] | None) -> None:
        """Each applied connection-state message of the input that says Down (R18's test: the integer 2).

        A message shows as the generic-store change it made. One that changed nothing (the same message as the
        cached one) makes no such event: if it ended the session (``ended``: that session's error) it is still
        counted, read from the store; if the session had already ended it changed nothing at all, and is not counted.
        """
        downs: list[Mapping[str, Any]] = []
        for event in changes.of_type(GenericChanged):
            assert isinstance(event, GenericChanged)
            state = event.new.get("newConnectionState")
            if event.key.partition("|")[0] == _CONNECTION and type(state) is int and state == _DOWN:
                downs.append(event.new)
        if not downs and ended is not None:
            downs.append(self.cache.other.entry(_CONNECTION) or {"reason": ended.get("message")})
        for new in downs:
            reason, again = new.get("reason"), new.get("shouldReconnect")
            self._count(b, "connection_down", self.connection_down, ConnectionDown(
                line=entry.line, at=self.last_at, reason=reason if isinstance(reason, str) else None,
                should_reconnect=again if isinstance(again, bool) else None, ended_session=ended is not None))
            ended = None  # one input ends the session once, with its first Down

    def close(self) -> None:
        """Close the open bucket, reading the message count and cache sizes."""
        b, self.open = self.open, None
        if b is None:
            return
        messages = self.cache.stats.messages
        b.messages, self.messages_seen = messages - self.messages_seen, messages
        cache = self.cache
        sizes = {"history": len(cache.history), "assistance requests": len(cache.assistance_requests)}
        for path in cache.data_paths():
            if path.startswith("queues/"):
                store = cache.keyed(path, "interactions")
                if store is not None:
                    sizes[path] = len(store)
                    self.series.setdefault(path, None)
        statistics = cache.keyed(STATISTIC_VALUES.path, STATISTIC_VALUES.collections[0].name)
        if statistics is not None:
            sizes[_STATISTICS_SERIES] = len(statistics)
            self.series.setdefault(_STATISTICS_SERIES, None)
        b.sizes = sizes
        self.buckets.append(b)

    def _halve(self) -> None:
        merged = []
        for i in range(0, len(self.buckets) - 1, 2):
            first = self.buckets[i]
            first.absorb(self.buckets[i + 1])
            merged.append(first)
        self.buckets = merged
        self.width *= 2


def collect(log_path: str | os.PathLike[str]) -> ReportData:
    """Replay ``log_path`` once and gather the report's data. OSError if the log cannot be read."""
    cache = StateCache(changes=True)  # the generic store's changes are charted
    collector = _Collector(cache)
    replay(log_path, cache=cache, on_input=collector)
    collector.close()
    snapshot = cache.snapshot()
    stats = snapshot["stats"]
    counts = {
        "inputs": collector.pos,
        "messages": stats["messages"],
        "applied": stats["applied"],
        "rejected": stats["rejected"],
        "anomalies": collector.totals["anomalies"],
        "unauthorized": collector.totals["unauthorized"],
        "subscriptions": len(snapshot["subscriptions"]),
        "history": len(snapshot["history"]),
        "assistance-requests": len(snapshot["assistanceRequests"]),
        "statistic-values": len(statistic_rows(snapshot)),
        "connection-down": collector.totals["connection_down"],
    }
    return ReportData(
        log=os.fspath(log_path),
        buckets=collector.buckets,
        inputs=collector.pos,
        rejected=collector.rejected,
        anomalies=collector.anomalies,
        unauthorized=collector.unauthorized,
        counts=counts,
        snapshot=snapshot,
        size_series=list(collector.series),
        connection_down=collector.connection_down,
    )
