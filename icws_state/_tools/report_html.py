"""An HTML report of one log: what every subscription went through, and when, on one self-contained page.

`render` draws the page from what `report_data.collect` gathered in its one pass over the log; `render_report`
does both. The page has no script and no external resource: inline CSS and SVG, ``<title>`` tooltips. Elements
carry stable ids and ``data-`` attributes (``data-path``, ``data-final-state``, ``data-count``, ``data-line``) for
tests and tools.

The timeline is one SVG drawn top to bottom: a band per subscription, coloured by the most severe state of each
column (`_bands`), a row of markers per kind of event (`_markers`), the message rate (`_rate`), the cache sizes
(`_sizes`) and the axis (`_axis`). Each part is given the ``y`` it starts at and returns its elements and the ``y``
after it. Columns are placed by recorded time when the log has it (`_edges`), else by input position.
"""

from __future__ import annotations

import html
import os

from .._datetimes import parse_datetime
from .._files import escape_surrogates, shown
from .._summary import statistic_rows, summarize
from .report_data import STATES, Bucket, ReportData, collect

__all__ = ["MAX_STATISTIC_ROWS", "render", "render_report"]

#: The statistics table lists this many values of the final snapshot (a dashboard may hold thousands).
MAX_STATISTIC_ROWS = 50

_COLOURS = {"none": "#cfd4da", "normal": "#3a9d5d", "suspended": "#e9a23b", "faulted": "#d64545"}
_SERIES_COLOURS = ("#1f6fb2", "#8e44ad", "#16a085", "#c0392b", "#7f8c8d", "#d35400", "#2c3e50", "#27ae60")
#: The SVG's width; the left margin, for labels; the plot's width.
_W, _LEFT, _PLOT = 1000, 230, 750
#: A subscription band's height, and the gap below it.
_BAND_H, _BAND_GAP = 18, 6
#: Heights of the message-rate and cache-size plots.
_RATE_H, _SIZES_H = 70, 90
#: Places across the plot the axis puts a tick near, and the least distance between two ticks.
_TICKS, _TICK_GAP = 5, 110

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
_HATCH = (
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="2.2" height="6" fill="#ffffff" fill-opacity="0.55"/>'
    "</pattern></defs>"
)
#: The counts at the top of the page: key of `ReportData.counts`, label.
_COUNTS = (
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
#: The marker rows: `Bucket` counter, label, colour.
_MARKERS = (
    ("anomalies", "anomalies", "#d64545"),
    ("unauthorized", "401 (session ended)", "#6c3fb5"),
    ("connection_down", "connection down", "#1d2329"),
    ("rejected", "rejected inputs", "#e67e22"),
)
#: A part of the timeline: its SVG elements, and the ``y`` below it.
_Part = tuple[list[str], int]


def _yes_no(flag: bool | None) -> str:
    return "" if flag is None else "yes" if flag else "no"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _flag(on: bool) -> str:
    return str(on).lower()


def _inputs_per_column(data: ReportData) -> int:
    return data.buckets[0].last - data.buckets[0].first + 1 if data.buckets else 1


def _bucket_label(b: Bucket) -> str:
    where = (
        f"inputs {b.first}-{b.last} (lines {b.first_line}-{b.last_line})"
        if b.last > b.first
        else f"input {b.first} (line {b.first_line})"
    )
    if b.at_first:
        where += f", {b.at_first}" + (f" - {b.at_last}" if b.at_last and b.at_last != b.at_first else "")
    return where


def _section(title: str, y0: int) -> str:
    return f'<text class="section" x="8" y="{y0 + 12}">{title}</text>'


def _label(text: str, y: int) -> str:
    """A label in the left margin, ending at the plot."""
    return f'<text x="{_LEFT - 8}" y="{y}" text-anchor="end">{text}</text>'


def _baseline(y: int) -> str:
    return f'<line x1="{_LEFT}" x2="{_LEFT + _PLOT}" y1="{y}" y2="{y}" stroke="#9aa5ae"/>'


#: A run of columns in which a subscription's cell looks the same: first column, end column (exclusive), and
#: (severity, closed, stale), or None where the subscription was not seen.
_Run = tuple[int, int, tuple[int, bool, bool] | None]


def _runs(buckets: list[Bucket], path: str) -> list[_Run]:
    runs: list[_Run] = []
    run_start, run_key = 0, None
    for i, b in enumerate(buckets):
        cell = b.subs.get(path)
        key = None if cell is None else (cell.worst, cell.closed, cell.stale)
        if key != run_key:
            if i > 0:
                runs.append((run_start, i, run_key))
            run_start, run_key = i, key
    if buckets:
        runs.append((run_start, len(buckets), run_key))
    return runs


def _run_rects(data: ReportData, path: str, y: int, edges: list[float], run: _Run) -> list[str]:
    """One run of a band: a rectangle in its state's colour, hatched when stale, underlined when closed."""
    start, end, key = run
    if key is None:
        return []
    worst, closed, stale = key
    state = STATES[worst]
    x, w = _num(edges[start]), _num(edges[end] - edges[start])
    first, last = data.buckets[start], data.buckets[end - 1]
    flags = "".join(f", {n}" for n, on in (("closed", closed), ("stale", stale)) if on)
    label = f"{path}: {state}{flags}; inputs {first.first}-{last.last} (lines {first.first_line}-{last.last_line})"
    parts = [
        f'<rect class="state state-{state}" data-state="{state}" data-closed="{_flag(closed)}"'
        f' data-stale="{_flag(stale)}" x="{x}" y="{y}" width="{w}"'
        f' height="{_BAND_H}" fill="{_COLOURS[state]}"><title>{_e(label)}</title></rect>'
    ]
    if stale:
        parts.append(
            f'<rect class="stale" x="{x}" y="{y}" width="{w}" height="{_BAND_H}" fill="url(#hatch)"'
            ' pointer-events="none"/>'
        )
    if closed:
        parts.append(
            f'<rect class="closed" x="{x}" y="{y + _BAND_H - 4}" width="{w}" height="4" fill="#1d2329"'
            ' pointer-events="none"/>'
        )
    return parts


def _bands(data: ReportData, y0: int, edges: list[float]) -> _Part:
    """A band per subscription (sorted by path), labelled, with its final state as ``data-`` attributes."""
    final = data.snapshot["subscriptions"]
    paths = sorted(final)
    parts = [_section("Subscriptions", y0)]
    y = y0 + 20
    for index, path in enumerate(paths):
        f = final[path]
        parts.append(
            f'<g class="band" id="band-{index}" data-path="{_e(path)}" data-final-state="{_e(f["state"])}"'
            f' data-closed="{_flag(f["closed"])}" data-stale="{_flag(f["stale"])}">'
        )
        parts.append(_label(_e(path), y + 13))
        for run in _runs(data.buckets, path):
            parts += _run_rects(data, path, y, edges, run)
        parts.append("</g>")
        y += _BAND_H + _BAND_GAP
    if not paths:
        parts.append(f'<text x="{_LEFT}" y="{y + 12}" class="note">no subscriptions seen</text>')
        y += 20
    return parts, y


def _markers(data: ReportData, y0: int, edges: list[float]) -> _Part:
    """A row per kind of event; a circle, growing with the count, in each column that had any."""
    parts = [_section("Events", y0)]
    y = y0 + 20
    for attr, label, colour in _MARKERS:
        total = sum(getattr(b, attr) for b in data.buckets)
        parts.append(f'<g class="markers" id="markers-{attr}" data-kind="{attr}" data-count="{total}">')
        parts.append(_label(f"{_e(label)} ({total})", y + 11))
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


def _rate(data: ReportData, y0: int, edges: list[float], timed: bool) -> _Part:
    """Messages per column; on a time axis, per unit of width (a rate), since columns then differ in width."""
    widths = [max(edges[i + 1] - edges[i], 1.0) for i in range(len(data.buckets))]
    values = [b.messages / w if timed else float(b.messages) for b, w in zip(data.buckets, widths, strict=True)]
    top = max(values, default=0.0)
    most = max((b.messages for b in data.buckets), default=0)
    width = _inputs_per_column(data)
    per = "recorded time" if timed else "input" if width == 1 else f"{width} inputs"
    parts = [
        _section("Messages", y0),
        _label(f'{"rate over" if timed else "per"} {_e(per)}', y0 + 30),
        _label(f"max {most} in a column", y0 + 44),
        f'<g class="rate" id="message-rate" data-max="{most}">',
    ]
    base = y0 + 20 + _RATE_H
    for i, b in enumerate(data.buckets):
        if b.messages and top:
            h = _RATE_H * values[i] / top
            parts.append(
                f'<rect x="{_num(edges[i])}" y="{_num(base - h)}" width="{_num(max(widths[i] - 0.5, 0.5))}"'
                f' height="{_num(h)}" fill="#1f6fb2" data-messages="{b.messages}">'
                f"<title>{_e(f'{b.messages} messages: {_bucket_label(b)}')}</title></rect>"
            )
    parts.append(_baseline(base) + "</g>")
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
    """A line per cache-size series; also the legend (below the SVG) naming each with its final size."""
    top = max((v for b in data.buckets for v in b.sizes.values()), default=0)
    parts = [_section("Cache sizes", y0), _label(f"items, max {top}", y0 + 30)]
    base = y0 + 20 + _SIZES_H
    legend = []
    for k, name in enumerate(data.size_series):
        colour = _SERIES_COLOURS[k % len(_SERIES_COLOURS)]
        points = []
        for i, b in enumerate(data.buckets):
            v = b.sizes.get(name)
            if v is None:
                continue
            yv = base - (_SIZES_H * v / top if top else 0)
            points.append(f"{_num((edges[i] + edges[i + 1]) / 2)},{_num(yv)}")
        final = data.buckets[-1].sizes.get(name, 0) if data.buckets else 0
        parts.append(
            f'<polyline class="size" data-series="{_e(name)}" data-final="{final}" fill="none"'
            f' stroke="{colour}" stroke-width="1.5" points="{" ".join(points)}"/>'
        )
        legend.append(
            f'<span><span class="swatch" style="background:{colour}"></span>{_e(name)} ({final})</span>'
        )
    parts.append(_baseline(base))
    return parts, base + 10, legend


def _ticks(centres: list[float]) -> list[int]:
    """Columns to tick: near evenly spaced places of the plot (columns differ in width on a time axis), never
    crowded."""
    picks: list[int] = []
    for k in range(_TICKS):
        target = _LEFT + _PLOT * k / (_TICKS - 1)
        i = min(range(len(centres)), key=lambda j: abs(centres[j] - target))
        if not picks or (i != picks[-1] and centres[i] - centres[picks[-1]] >= _TICK_GAP):
            picks.append(i)
    return picks


def _axis(data: ReportData, y0: int, edges: list[float]) -> _Part:
    """Ticks under the plot, each with its line number and recorded time (the day once, at the left)."""
    parts: list[str] = []
    n = len(data.buckets)
    if not n:
        return parts, y0
    centres = [(edges[i] + edges[i + 1]) / 2 for i in range(n)]
    known = _known_times(data.buckets)
    first_day = next((t.split("T")[0] for t in known if t), None)
    if first_day:
        parts.append(_label(_e(first_day), y0 + 30))
    for i in _ticks(centres):
        b = data.buckets[i]
        x = _num(centres[i])
        parts.append(f'<line x1="{x}" x2="{x}" y1="{y0}" y2="{y0 + 5}" stroke="#9aa5ae"/>')
        anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
        parts.append(f'<text x="{x}" y="{y0 + 17}" text-anchor="{anchor}">line {b.first_line}</text>')
        at = known[i]
        if at:
            day, sep, clock = at.partition("T")
            label = clock if sep and day == first_day else at
            parts.append(f'<text x="{x}" y="{y0 + 30}" text-anchor="{anchor}">{_e(label)}</text>')
    return parts, y0 + 36


def _timeline(data: ReportData) -> tuple[str, str, bool]:
    """The timeline's SVG, the size legend that goes under it, and whether columns follow recorded time."""
    edges, timed = _edges(data)
    svg, y = _bands(data, 6, edges)
    part, y = _markers(data, y + 6, edges)
    svg += part
    part, y = _rate(data, y + 6, edges, timed)
    svg += part
    part, y, legend = _sizes(data, y + 6, edges)
    svg += part
    part, y = _axis(data, y, edges)
    svg += part
    height = y + 8
    page = (
        f'<svg id="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height}" width="{_W}"'
        f' height="{height}" role="img" aria-label="timeline of the log">{_HATCH}{"".join(svg)}</svg>'
    )
    return page, "".join(legend), timed


def _table(head: list[str], table_id: str, count: int, rows: list[tuple[str, list[str]]]) -> str:
    """A table of ``rows`` (each its ``<tr>`` attributes and cells) of ``count`` in all, noting what is left out."""
    out = [
        f'<table id="{table_id}" data-count="{count}"><thead><tr>'
        + "".join(f"<th>{_e(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
    ]
    for attr, cells in rows:
        out.append(f"<tr{attr}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if count > len(rows):
        out.append(f'<p class="note">showing the first {len(rows)} of {count}</p>')
    if not count:
        out.append('<p class="note">none</p>')
    return "".join(out)


def _line_cell(line: object) -> str:
    return f'<td class="num">{_e(line)}</td>'


def _data_line(line: object) -> str:
    return f' data-line="{_e(line)}"'


def _cells(*values: object) -> list[str]:
    return [f"<td>{_e(v)}</td>" for v in values]


def _tables(data: ReportData) -> dict[str, str]:
    """The tables under the timeline, by id; each row carries its log line as ``data-line``."""
    c = data.counts
    statistics = statistic_rows(data.snapshot)
    return {
        "rejected-inputs": _table(["line", "reason"], "rejected-inputs", c["rejected"], [
            (_data_line("" if n is None else n), [_line_cell("" if n is None else n), *_cells(reason)])
            for n, reason in data.rejected]),
        "anomalies": _table(["line", "subscription", "from", "to", "cause"], "anomalies", c["anomalies"], [
            (_data_line(n), [_line_cell(n), *_cells(path, before, after, cause)])
            for n, path, before, after, cause in data.anomalies]),
        "unauthorized": _table(["line", "cause"], "unauthorized", c["unauthorized"], [
            (_data_line(n), [_line_cell(n), *_cells(cause)]) for n, cause in data.unauthorized]),
        "connection-down": _table(
            ["line", "time", "reason", "should reconnect", "ended the session"], "connection-down",
            c["connection-down"], [
                (_data_line(d.line), [_line_cell(d.line), *_cells(
                    d.at or "", d.reason or "", _yes_no(d.should_reconnect), _yes_no(d.ended_session))])
                for d in data.connection_down]),
        "statistic-values": _table(["statistic", "parameter values", "value"], "statistic-values", len(statistics), [
            (f' data-statistic="{_e(sid)}" data-value="{_e(value)}"',
             [*_cells(sid, params), f'<td class="num">{_e(value)}</td>'])
            for sid, params, value in statistics[:MAX_STATISTIC_ROWS]]),
    }


def _bucket_note(data: ReportData, timed: bool) -> str:
    if not data.buckets:
        return "no inputs"
    placed = "placed by recorded time" if timed else "placed by input position (the log records no times)"
    return f"{len(data.buckets)} columns of {_inputs_per_column(data)} input(s) each, {placed}"


def _counts(counts: dict[str, int]) -> str:
    return "".join(
        f'<div><dt>{_e(label)}</dt><dd id="count-{key}" data-count="{counts[key]}">{counts[key]:,}</dd></div>'
        for key, label in _COUNTS
    )


def _state_legend() -> str:
    return "".join(
        f'<span><span class="swatch" style="background:{_COLOURS[s]}"></span>{s}</span>' for s in STATES
    ) + (
        '<span><span class="swatch" style="background:#1d2329;height:4px;vertical-align:1px"></span>'
        'closed (bar under the band)</span><span><span class="swatch" style="background:repeating-'
        'linear-gradient(45deg,#3a9d5d 0 3px,#a9d8b9 3px 5px)"></span>stale (hatched)</span>'
    )


def render(data: ReportData) -> str:
    """The HTML page for already-collected ``data``; always encodable as UTF-8 (surrogates are escaped)."""
    timeline, size_legend, timed = _timeline(data)
    tables = _tables(data)
    c = data.counts
    name = shown(data.log)  # a log name that is not UTF-8 shows its bytes as \xff
    title = os.path.basename(name) or name
    page = "".join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<link rel="icon" href="data:,">',
            f"<title>icws-state report: {_e(title)}</title><style>{_CSS}</style></head><body>",
            f"<h1>icws-state report: {_e(title)}</h1>",
            f'<p class="meta" id="log-path">{_e(name)} · {_bucket_note(data, timed)}</p>',
            f'<dl class="counts" id="counts">{_counts(c)}</dl>',
            f'<div class="legend" id="state-legend">{_state_legend()}</div>',
            timeline,
            f'<div class="legend" id="size-legend">{size_legend}</div>',
            f"<h2>Rejected inputs ({c['rejected']:,})</h2>{tables['rejected-inputs']}",
            f"<h2>Anomalies ({c['anomalies']:,})</h2>{tables['anomalies']}",
            f"<h2>401s that ended the session ({c['unauthorized']:,})</h2>{tables['unauthorized']}",
            f"<h2>Connection down ({c['connection-down']:,})</h2>",
            '<p class="note">connection-state messages whose new state is down (R18); the time is the input\'s, '
            "or the last recorded before it</p>",
            tables["connection-down"],
            f"<h2>Statistic values ({c['statistic-values']:,})</h2>",
            '<p class="note">as the log left them, by statistic id and then parameter values; - where the statistic '
            "has no value</p>",
            tables["statistic-values"],
            f'<h2>Final snapshot</h2><pre id="snapshot-summary">{_e(summarize(data.snapshot))}</pre>',
            "</body></html>\n",
        ]
    )
    # A lone surrogate from the log (a valid JSON escape) is shown as its escape: UTF-8 and HTML cannot carry it.
    return escape_surrogates(page)


def render_report(log_path: str | os.PathLike[str]) -> str:
    """One self-contained HTML page (inline CSS and SVG, no script, no network) describing the log's replay.

    OSError if the log cannot be read. One pass over the log (`report_data.collect`); the page's size is bounded by
    `report_data.MAX_BUCKETS` and `report_data.MAX_TABLE_ROWS`, not by the log's length.
    """
    return render(collect(log_path))
