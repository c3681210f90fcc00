"""``icws-state report``: one log's replay as a self-contained HTML page."""

from __future__ import annotations

import argparse

from .._files import shown
from .._tools.report_html import render_report
from ._common import EXIT_OK, Stream, Subparsers, cannot, check_readable, write_output

__all__ = ["NAME", "add_parser", "run"]

NAME = "report"


def add_parser(subparsers: Subparsers) -> None:
    """Register ``report`` on the ``icws-state`` sub-command table."""
    r = subparsers.add_parser(
        NAME,
        help="write an HTML report of one log: subscription states over time, events, tables",
        description="Replay LOG and write one self-contained HTML page (inline CSS and SVG, no script, no "
        "network): a band per subscription coloured by state, message rate, cache sizes, markers for "
        "anomalies, 401s, connection-down messages and rejected inputs, then tables of them, the final "
        "statistic values and the final snapshot's summary.",
        epilog="Exit codes: 0 report written; 2 the log could not be read or the page could not be written.",
    )
    r.add_argument("log", metavar="LOG", help="the log to replay")
    r.add_argument("--html", required=True, metavar="OUT.html", help="where to write the page")


def run(args: argparse.Namespace, out: Stream, err: Stream) -> int:
    """Write the page and say where; `EXIT_OK`."""
    check_readable(args.log)
    try:
        page = render_report(args.log)
    except OSError as e:
        raise cannot("read", e.filename if e.filename is not None else args.log, e) from None
    data = page.encode("utf-8")
    write_output(args.html, data)
    out.write(f"report written to {shown(args.html)} ({len(data) / 1024:.0f} KiB)\n")
    return EXIT_OK
