"""An HTML report of one log: what every subscription went through, and when, on one self-contained page.

Theory of operation. The log is replayed once; after each input `_Collector` notes the subscription
changes, anomalies, 401s, connection-down messages (R18) and rejections that input caused (read from its change
journal, so item events are never built; an input's generic-store events are built only when it holds a
connection-state message, which is rare). Inputs are gathered into buckets of equal size as they arrive: when
there are `MAX_BUCKETS` buckets, neighbours are merged pairwise and the bucket size doubles, so memory and page
size stay bounded (between half and all of `MAX_BUCKETS` buckets) whatever the log's length, in one pass. Per
bucket a subscription shows the most severe state it was in (faulted > suspended > normal > none), so a brief
fault is never averaged away, and whether it was closed or stale at any point. Message counts and cache sizes
are read when a bucket closes. Statistic values (R17) are drawn as one cache-size series and listed, as the
final snapshot holds them, in a table.

The page has no script and no external resource: inline CSS and SVG, ``<title>`` tooltips. Elements carry
stable ids and ``data-`` attributes (``data-path``, ``data-final-state``, ``data-count``, ``data-line``) for
tests and tools.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from typing import Any

import attrs

from ._cache import StateCache
from ._datetimes import parse_datetime
from ._events import Anomaly, Changes, GenericChanged, Rejected, SessionChanged, SubscriptionChanged
from ._files import escape_surrogates, shown
from ._logs import InputKind, LogInput
from ._replay import replay
from ._rows import CONNECTION_STATE, STATISTIC_VALUES
from ._summary import statistic_rows, summarize

__all__ = ["MAX_BUCKETS", "Bucket", "ConnectionDown", "ReportData", "collect", "render", "render_report"]

#: Upper bound on the number of time buckets (columns) of a report.
MAX_BUCKETS = 500
#: At most this many rows of the rejected-inputs, anomalies, 401 and connection-down tables; the counts stay exact.
MAX_TABLE_ROWS = 1000
#: The statistics table lists this many values of the final snapshot (a dashboard may hold thousands).
MAX_STATISTIC_ROWS = 50
_CONNECTION = CONNECTION_STATE.type
_STATISTICS_SERIES = "statistic values"

_SEVERITY = {"none": 0, "normal": 1, "suspended": 2, "faulted": 3}
_STATES = tuple(_SEVERITY)
_COLOURS = {"none": "#cfd4da", "normal": "#3a9d5d", "suspended": "#e9a23b", "faulted": "#d64545"}
_SERIES_COLOURS = ("#1f6fb2", "#8e44ad", "#16a085", "#c0392b", "#7f8c8d", "#d35400", "#2c3e50", "#27ae60")


@attrs.define
class _SubCell:
    """One subscription within one bucket."""

    worst: int
    end: str
    closed: bool
    stale: bool


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
    subs: dict[str, _SubCell] = attrs.field(factory=dict)
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
            mine = self.subs.get(path)
            if mine is None:
                self.subs[path] = cell
            else:
                self.subs[path] = _SubCell(
                    max(mine.worst, cell.worst),
                    cell.end,
                    mine.closed or cell.closed,
                    mine.stale or cell.stale,
                )
        self.sizes = later.sizes


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
        self.totals = {"rejected": 0, "anomalies": 0, "unauthorized": 0, "connection-down": 0}
        self.series: dict[str, None] = {"history": None, "assistance requests": None}

    def __call__(self, entry: LogInput, changes: Changes) -> None:
        self.pos += 1
        b = self.open
        if b is None:
            b = self.open = Bucket(self.pos, self.pos, entry.line, entry.line)
            b.subs = {p: _SubCell(_SEVERITY[s], s, c, st) for p, (s, c, st) in self.state.items()}
        b.last, b.last_line = self.pos, entry.line
        if entry.at is not None:
            b.at_first = b.at_first or entry.at
            b.at_last = self.last_at = entry.at
        ended_by_connection: Mapping[str, Any] | None = None  # the error of a session a Down of this input ended
        for event in changes.notices():  # item events are never needed here, so never built
            if isinstance(event, SubscriptionChanged):
                a = event.after
                name = a.state.name.lower()
                self.state[a.path] = (name, a.closed, a.stale)
                cell = b.subs.get(a.path)
                if cell is None:
                    b.subs[a.path] = _SubCell(_SEVERITY[name], name, a.closed, a.stale)
                else:
                    cell.worst, cell.end = max(cell.worst, _SEVERITY[name]), name
                    cell.closed, cell.stale = cell.closed or a.closed, cell.stale or a.stale
            elif isinstance(event, Anomaly):
                b.anomalies += 1
                self.totals["anomalies"] += 1
                t = event.transition
                if len(self.anomalies) < MAX_TABLE_ROWS:
                    self.anomalies.append(
                        (entry.line, t.path, t.before.name.lower(), t.after.name.lower(), t.cause)
                    )
            elif isinstance(event, SessionChanged):
                if event.ended and event.cause == _CONNECTION:
                    ended_by_connection = event.error or {}
                elif event.ended:
                    b.unauthorized += 1
                    self.totals["unauthorized"] += 1
                    if len(self.unauthorized) < MAX_TABLE_ROWS:
                        self.unauthorized.append((entry.line, event.cause))
            elif isinstance(event, Rejected):
                b.rejected += 1
                self.totals["rejected"] += 1
                if len(self.rejected) < MAX_TABLE_ROWS:
                    self.rejected.append((event.line, event.reason))
        if _holds_connection_state(entry):
            self._connection_down(entry, changes, b, ended_by_connection)
        if self.pos % self.width == 0:
            self.close()
            if len(self.buckets) >= MAX_BUCKETS:
                self._halve()

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
            if event.key.partition("|")[0] == _CONNECTION and type(state) is int and state == 2:
                downs.append(event.new)
        if not downs and ended is not None:
            downs.append(self.cache.other.entry(_CONNECTION) or {"reason": ended.get("message")})
        for new in downs:
            b.connection_down += 1
            self.totals["connection-down"] += 1
            if len(self.connection_down) < MAX_TABLE_ROWS:
                reason, again = new.get("reason"), new.get("shouldReconnect")
                self.connection_down.append(ConnectionDown(
                    line=entry.line, at=self.last_at, reason=reason if isinstance(reason, str) else None,
                    should_reconnect=again if isinstance(again, bool) else None, ended_session=ended is not None))
            ended = None  # one input ends the session once, with its first Down

    def close(self) -> None:
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
    cache = StateCache()
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
        "connection-down": collector.totals["connection-down"],
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


# Rendering ------------------------------------------------------------------------------------------------
_W, _LEFT, _PLOT = 1000, 230, 750
_BAND_H, _BAND_GAP = 18, 6

_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2329;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.meta{color:#5b6670;margin:0 0 16px}
dl.counts{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 16px}
dl.counts div{border:1px solid #dde2e6;border-radius:6px;padding:6px 12px;min-width:90px}
dl.counts dt{color:#5b6670;font-size:12px}dl.counts dd{margin:0;font-size:18px;font-weight:600}
svg{max-width:100%;height:auto;display:block;border:1px solid #e5e8eb;border-radius:6px;background:#fcfcfd}
svg text{font:11px system-ui,sans-serif;fill:#33404a}svg .section{font-weight:600;fill:#1d2329}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:8px 0;font-size:12px;color:#33404a}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-2px;margin-right:4px}
table{border-collapse:collapse;font-size:13px;margin-bottom:8px}
th,td{border:1px solid #dde2e6;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f6f8fa;border:1px solid #e5e8eb;border-radius:6px;padding:10px;overflow-x:auto;font-size:12px}
.note{color:#5b6670;font-size:12px}
"""


def _yes_no(flag: bool | None) -> str:
    return "" if flag is None else "yes" if flag else "no"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _bucket_label(b: Bucket) -> str:
    where = (
        f"inputs {b.first}-{b.last} (lines {b.first_line}-{b.last_line})"
        if b.last > b.first
        else f"input {b.first} (line {b.first_line})"
    )
    if b.at_first:
        where += f", {b.at_first}" + (f" - {b.at_last}" if b.at_last and b.at_last != b.at_first else "")
    return where


def _bands(data: ReportData, y0: int, edges: list[float]) -> tuple[list[str], int]:
    parts: list[str] = []
    final = data.snapshot["subscriptions"]
    paths = sorted(final)
    y = y0
    parts.append(f'<text class="section" x="8" y="{y + 12}">Subscriptions</text>')
    y += 20
    for index, path in enumerate(paths):
        f = final[path]
        parts.append(
            f'<g class="band" id="band-{index}" data-path="{_e(path)}" data-final-state="{_e(f["state"])}"'
            f' data-closed="{str(f["closed"]).lower()}" data-stale="{str(f["stale"]).lower()}">'
        )
        parts.append(f'<text x="{_LEFT - 8}" y="{y + 13}" text-anchor="end">{_e(path)}</text>')
        run_start, run_key, run_label = 0, None, ""
        cells: list[tuple[int, int, tuple[int, bool, bool] | None]] = []
        for i, b in enumerate(data.buckets):
            cell = b.subs.get(path)
            key = None if cell is None else (cell.worst, cell.closed, cell.stale)
            if key != run_key:
                if i > 0:
                    cells.append((run_start, i, run_key))
                run_start, run_key = i, key
        if data.buckets:
            cells.append((run_start, len(data.buckets), run_key))
        for start, end, key in cells:
            if key is None:
                continue
            worst, closed, stale = key
            state = _STATES[worst]
            x, w = edges[start], edges[end] - edges[start]
            first, last = data.buckets[start], data.buckets[end - 1]
            flags = "".join(f", {n}" for n, on in (("closed", closed), ("stale", stale)) if on)
            run_label = (
                f"{path}: {state}{flags}; inputs {first.first}-{last.last} (lines {first.first_line}-"
                f"{last.last_line})"
            )
            parts.append(
                f'<rect class="state state-{state}" data-state="{state}" data-closed="{str(closed).lower()}"'
                f' data-stale="{str(stale).lower()}" x="{_num(x)}" y="{y}" width="{_num(w)}"'
                f' height="{_BAND_H}" fill="{_COLOURS[state]}"><title>{_e(run_label)}</title></rect>'
            )
            if stale:
                parts.append(
                    f'<rect class="stale" x="{_num(x)}" y="{y}" width="{_num(w)}" height="{_BAND_H}"'
                    f' fill="url(#hatch)" pointer-events="none"/>'
                )
            if closed:
                parts.append(
                    f'<rect class="closed" x="{_num(x)}" y="{y + _BAND_H - 4}" width="{_num(w)}"'
                    f' height="4" fill="#1d2329" pointer-events="none"/>'
                )
        parts.append("</g>")
        y += _BAND_H + _BAND_GAP
    if not paths:
        parts.append(f'<text x="{_LEFT}" y="{y + 12}" class="note">no subscriptions seen</text>')
        y += 20
    return parts, y


def _markers(data: ReportData, y0: int, edges: list[float]) -> tuple[list[str], int]:
    parts = [f'<text class="section" x="8" y="{y0 + 12}">Events</text>']
    y = y0 + 20
    rows = (
        ("anomalies", "anomalies", "#d64545"),
        ("unauthorized", "401 (session ended)", "#6c3fb5"),
        ("connection_down", "connection down", "#1d2329"),
        ("rejected", "rejected inputs", "#e67e22"),
    )
    for attr, label, colour in rows:
        total = sum(getattr(b, attr) for b in data.buckets)
        parts.append(f'<g class="markers" id="markers-{attr}" data-kind="{attr}" data-count="{total}">')
        parts.append(f'<text x="{_LEFT - 8}" y="{y + 11}" text-anchor="end">{_e(label)} ({total})</text>')
        parts.append(f'<line x1="{_LEFT}" x2="{_LEFT + _PLOT}" y1="{y + 7}" y2="{y + 7}" stroke="#e5e8eb"/>')
        for i, b in enumerate(data.buckets):
            n = getattr(b, attr)
            if n:
                cx = (edges[i] + edges[i + 1]) / 2
                r = min(6.0, 3.0 + n**0.5)
                parts.append(
                    f'<circle class="marker" data-count="{n}" cx="{_num(cx)}" cy="{y + 7}" r="{_num(r)}"'
                    f' fill="{colour}"><title>{_e(f"{n} {label}: {_bucket_label(b)}")}</title></circle>'
                )
        parts.append("</g>")
        y += 18
    return parts, y


def _rate(data: ReportData, y0: int, edges: list[float], timed: bool) -> tuple[list[str], int]:
    """Messages per column; on a time axis, per unit of width (a rate), since columns then differ in width."""
    height = 70
    widths = [max(edges[i + 1] - edges[i], 1.0) for i in range(len(data.buckets))]
    values = [b.messages / w if timed else float(b.messages) for b, w in zip(data.buckets, widths, strict=True)]
    top = max(values, default=0.0)
    most = max((b.messages for b in data.buckets), default=0)
    width = data.buckets[0].last - data.buckets[0].first + 1 if data.buckets else 1
    per = "recorded time" if timed else "input" if width == 1 else f"{width} inputs"
    parts = [
        f'<text class="section" x="8" y="{y0 + 12}">Messages</text>',
        f'<text x="{_LEFT - 8}" y="{y0 + 30}" text-anchor="end">{"rate over" if timed else "per"} {_e(per)}</text>',
        f'<text x="{_LEFT - 8}" y="{y0 + 44}" text-anchor="end">max {most} in a column</text>',
        f'<g class="rate" id="message-rate" data-max="{most}">',
    ]
    base = y0 + 20 + height
    for i, b in enumerate(data.buckets):
        if b.messages and top:
            h = height * values[i] / top
            parts.append(
                f'<rect x="{_num(edges[i])}" y="{_num(base - h)}" width="{_num(max(widths[i] - 0.5, 0.5))}"'
                f' height="{_num(h)}" fill="#1f6fb2" data-messages="{b.messages}">'
                f"<title>{_e(f'{b.messages} messages: {_bucket_label(b)}')}</title></rect>"
            )
    parts.append(f'<line x1="{_LEFT}" x2="{_LEFT + _PLOT}" y1="{base}" y2="{base}" stroke="#9aa5ae"/></g>')
    return parts, base + 10


def _known_times(buckets: list[Bucket]) -> list[str | None]:
    """The recorded time at the start of each column: the last ``at`` at or before it (messages carry none)."""
    known: list[str | None] = []
    last: str | None = None
    for b in buckets:
        last = b.at_first or last
        known.append(last)
        last = b.at_last or last
    return known


def _edges(data: ReportData) -> tuple[list[float], bool]:
    """Column edges (one more than columns) across the plot, and whether they follow recorded time.

    Section 4 of the spec: a log's time is its exchanges' ``at`` or its HAR entries' ``startedDateTime``; columns
    before the first recorded time start at it, and a log with fewer than two distinct times (or none) is drawn
    by input position instead.
    """
    n = max(len(data.buckets), 1)
    even = [_LEFT + _PLOT * i / n for i in range(n + 1)]
    seconds: list[float | None] = []
    for text in [*_known_times(data.buckets), data.buckets[-1].at_last if data.buckets else None]:
        try:
            seconds.append(parse_datetime(text).timestamp() if text else None)
        except ValueError:
            seconds.append(None)
    first = next((t for t in seconds if t is not None), None)
    if first is None:
        return even, False
    points, current = [], first
    for t in seconds:
        current = max(current, t) if t is not None else current
        points.append(current)
    # The last column ends at its last recorded time; give it at least an average column's share so that the
    # final state stays visible.
    if len(points) > 2:
        points[-1] = max(points[-1], points[-2] + (points[-2] - points[0]) / (len(points) - 2))
    span = points[-1] - points[0]
    if span <= 0:
        return even, False
    return [_LEFT + _PLOT * (t - points[0]) / span for t in points], True


def _sizes(data: ReportData, y0: int, edges: list[float]) -> tuple[list[str], int, list[str]]:
    height = 90
    series = data.size_series
    top = max((v for b in data.buckets for v in b.sizes.values()), default=0)
    parts = [
        f'<text class="section" x="8" y="{y0 + 12}">Cache sizes</text>',
        f'<text x="{_LEFT - 8}" y="{y0 + 30}" text-anchor="end">items, max {top}</text>',
    ]
    base = y0 + 20 + height
    legend = []
    for k, name in enumerate(series):
        colour = _SERIES_COLOURS[k % len(_SERIES_COLOURS)]
        points = []
        for i, b in enumerate(data.buckets):
            v = b.sizes.get(name)
            if v is None:
                continue
            yv = base - (height * v / top if top else 0)
            points.append(f"{_num((edges[i] + edges[i + 1]) / 2)},{_num(yv)}")
        final = data.buckets[-1].sizes.get(name, 0) if data.buckets else 0
        parts.append(
            f'<polyline class="size" data-series="{_e(name)}" data-final="{final}" fill="none"'
            f' stroke="{colour}" stroke-width="1.5" points="{" ".join(points)}"/>'
        )
        legend.append(
            f'<span><span class="swatch" style="background:{colour}"></span>{_e(name)} ({final})</span>'
        )
    parts.append(f'<line x1="{_LEFT}" x2="{_LEFT + _PLOT}" y1="{base}" y2="{base}" stroke="#9aa5ae"/>')
    return parts, base + 10, legend


def _axis(data: ReportData, y0: int, edges: list[float]) -> tuple[list[str], int]:
    parts: list[str] = []
    n = len(data.buckets)
    if not n:
        return parts, y0
    # Ticks near five evenly spaced places of the plot (columns differ in width on a time axis), never crowded.
    centres = [(edges[i] + edges[i + 1]) / 2 for i in range(n)]
    picks: list[int] = []
    for k in range(5):
        target = _LEFT + _PLOT * k / 4
        i = min(range(n), key=lambda j: abs(centres[j] - target))
        if not picks or (i != picks[-1] and centres[i] - centres[picks[-1]] >= 110):
            picks.append(i)
    known = _known_times(data.buckets)
    first_day = next((t.split("T")[0] for t in known if t), None)
    if first_day:  # the day once, at the left; each tick shows its time of day
        parts.append(f'<text x="{_LEFT - 8}" y="{y0 + 30}" text-anchor="end">{_e(first_day)}</text>')
    for i in picks:
        b = data.buckets[i]
        x = (edges[i] + edges[i + 1]) / 2
        parts.append(f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{y0}" y2="{y0 + 5}" stroke="#9aa5ae"/>')
        anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
        parts.append(f'<text x="{_num(x)}" y="{y0 + 17}" text-anchor="{anchor}">line {b.first_line}</text>')
        at = known[i]
        if at:
            day, sep, clock = at.partition("T")
            label = clock if sep and day == first_day else at
            parts.append(f'<text x="{_num(x)}" y="{y0 + 30}" text-anchor="{anchor}">{_e(label)}</text>')
    return parts, y0 + 36


def _table(rows: list[list[str]], head: list[str], table_id: str, count: int, row_attr: list[str]) -> str:
    out = [
        f'<table id="{table_id}" data-count="{count}"><thead><tr>'
        + "".join(f"<th>{_e(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
    ]
    for attr, cells in zip(row_attr, rows, strict=True):
        out.append(f"<tr{attr}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if count > len(rows):
        out.append(f'<p class="note">showing the first {len(rows)} of {count}</p>')
    if not count:
        out.append('<p class="note">none</p>')
    return "".join(out)


def render(data: ReportData) -> str:
    """The HTML page for already-collected ``data``; always encodable as UTF-8 (surrogates are escaped)."""
    edges, timed = _edges(data)
    defs = (
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="2.2" height="6" fill="#ffffff" fill-opacity="0.55"/>'
        "</pattern></defs>"
    )
    svg: list[str] = []
    y = 6
    part, y = _bands(data, y, edges)
    svg += part
    part, y = _markers(data, y + 6, edges)
    svg += part
    part, y = _rate(data, y + 6, edges, timed)
    svg += part
    part, y, legend = _sizes(data, y + 6, edges)
    svg += part
    part, y = _axis(data, y, edges)
    svg += part
    height = y + 8
    bucket_note = (
        f"{len(data.buckets)} columns of {data.buckets[0].last - data.buckets[0].first + 1} input(s) each, "
        + ("placed by recorded time" if timed else "placed by input position (the log records no times)")
        if data.buckets
        else "no inputs"
    )
    c = data.counts
    count_items = "".join(
        f'<div><dt>{_e(label)}</dt><dd id="count-{key}" data-count="{c[key]}">{c[key]:,}</dd></div>'
        for key, label in (
            ("inputs", "inputs"),
            ("messages", "messages"),
            ("applied", "applied"),
            ("rejected", "rejected"),
            ("anomalies", "anomalies"),
            ("unauthorized", "401s"),
            ("subscriptions", "subscriptions"),
            ("history", "history items"),
            ("assistance-requests", "assistance requests"),
            ("statistic-values", "statistic values"),
            ("connection-down", "connection down"),
        )
    )
    state_legend = "".join(
        f'<span><span class="swatch" style="background:{_COLOURS[s]}"></span>{s}</span>' for s in _STATES
    )
    state_legend += (
        '<span><span class="swatch" style="background:#1d2329;height:4px;vertical-align:1px"></span>'
        'closed (bar under the band)</span><span><span class="swatch" style="background:repeating-'
        'linear-gradient(45deg,#3a9d5d 0 3px,#a9d8b9 3px 5px)"></span>stale (hatched)</span>'
    )
    rejected = _table(
        [
            [f'<td class="num">{_e(line if line is not None else "")}</td>', f"<td>{_e(reason)}</td>"]
            for line, reason in data.rejected
        ],
        ["line", "reason"],
        "rejected-inputs",
        c["rejected"],
        [f' data-line="{_e(line if line is not None else "")}"' for line, _ in data.rejected],
    )
    anomalies = _table(
        [
            [
                f'<td class="num">{line}</td>',
                f"<td>{_e(path)}</td>",
                f"<td>{_e(before)}</td>",
                f"<td>{_e(after)}</td>",
                f"<td>{_e(cause)}</td>",
            ]
            for line, path, before, after, cause in data.anomalies
        ],
        ["line", "subscription", "from", "to", "cause"],
        "anomalies",
        c["anomalies"],
        [f' data-line="{a[0]}"' for a in data.anomalies],
    )
    unauthorized = _table(
        [[f'<td class="num">{line}</td>', f"<td>{_e(cause)}</td>"] for line, cause in data.unauthorized],
        ["line", "cause"],
        "unauthorized",
        c["unauthorized"],
        [f' data-line="{u[0]}"' for u in data.unauthorized],
    )
    downs = _table(
        [
            [
                f'<td class="num">{d.line}</td>',
                f"<td>{_e(d.at or '')}</td>",
                f"<td>{_e(d.reason or '')}</td>",
                f"<td>{_yes_no(d.should_reconnect)}</td>",
                f"<td>{_yes_no(d.ended_session)}</td>",
            ]
            for d in data.connection_down
        ],
        ["line", "time", "reason", "should reconnect", "ended the session"],
        "connection-down",
        c["connection-down"],
        [f' data-line="{d.line}"' for d in data.connection_down],
    )
    values = statistic_rows(data.snapshot)
    statistics = _table(
        [[f"<td>{_e(sid)}</td>", f"<td>{_e(params)}</td>", f'<td class="num">{_e(value)}</td>']
         for sid, params, value in values[:MAX_STATISTIC_ROWS]],
        ["statistic", "parameter values", "value"],
        "statistic-values",
        len(values),
        [f' data-statistic="{_e(sid)}" data-value="{_e(value)}"' for sid, _, value in values[:MAX_STATISTIC_ROWS]],
    )
    name = shown(data.log)  # a log name that is not UTF-8 shows its bytes as \xff
    title = os.path.basename(name) or name
    page = "".join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<link rel="icon" href="data:,">',
            f"<title>icws-state report: {_e(title)}</title><style>{_CSS}</style></head><body>",
            f"<h1>icws-state report: {_e(title)}</h1>",
            f'<p class="meta" id="log-path">{_e(name)} · {bucket_note}</p>',
            f'<dl class="counts" id="counts">{count_items}</dl>',
            f'<div class="legend" id="state-legend">{state_legend}</div>',
            f'<svg id="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height}" width="{_W}"'
            f' height="{height}" role="img" aria-label="timeline of the log">{defs}{"".join(svg)}</svg>',
            f'<div class="legend" id="size-legend">{"".join(legend)}</div>',
            f"<h2>Rejected inputs ({c['rejected']:,})</h2>{rejected}",
            f"<h2>Anomalies ({c['anomalies']:,})</h2>{anomalies}",
            f"<h2>401s that ended the session ({c['unauthorized']:,})</h2>{unauthorized}",
            f"<h2>Connection down ({c['connection-down']:,})</h2>",
            '<p class="note">connection-state messages whose new state is down (R18); the time is the input\'s, '
            "or the last recorded before it</p>",
            downs,
            f"<h2>Statistic values ({c['statistic-values']:,})</h2>",
            '<p class="note">as the log left them, by statistic id and then parameter values; - where the statistic '
            "has no value</p>",
            statistics,
            f'<h2>Final snapshot</h2><pre id="snapshot-summary">{_e(summarize(data.snapshot))}</pre>',
            "</body></html>\n",
        ]
    )
    # A lone surrogate from the log (a valid JSON escape) is shown as its escape: UTF-8 and HTML cannot carry it.
    return escape_surrogates(page)


def render_report(log_path: str | os.PathLike[str]) -> str:
    """One self-contained HTML page (inline CSS and SVG, no script, no network) describing the log's replay.

    OSError if the log cannot be read. One pass over the log; the page's size is bounded by `MAX_BUCKETS` and
    `MAX_TABLE_ROWS`, not by the log's length.
    """
    return render(collect(log_path))
