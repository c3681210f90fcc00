"""``icws-state diff``: what differs between two snapshots, part by part."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .._errors import SnapshotError
from .._snapshot import check_snapshot
from .._summary import diff_snapshots
from ._common import EXIT_DIFFERENT, EXIT_OK, Stream, Subparsers, cannot, check_readable

__all__ = ["NAME", "add_parser", "read_snapshot", "run"]

NAME = "diff"


def add_parser(subparsers: Subparsers) -> None:
    """Register ``diff`` on the ``icws-state`` sub-command table."""
    d = subparsers.add_parser(NAME, help="show what differs between two snapshots",
                              description="Compare two icws-state/1 snapshots part by part; exit 0 when equal, 1 "
                                          "when not.")
    d.add_argument("a", metavar="A.json")
    d.add_argument("b", metavar="B.json")


def read_snapshot(path: str) -> dict[str, Any]:
    """The snapshot in the file at ``path``, checked for the format's shape; CommandError saying why it is not one."""
    check_readable(path, "snapshot")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise cannot("read snapshot", path, e) from None
    try:
        snapshot = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise cannot("read snapshot", path, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    except ValueError as e:
        raise cannot("read snapshot", path, f"not JSON ({e})") from None
    except RecursionError:
        raise cannot("read snapshot", path, "not an icws-state/1 snapshot: JSON nested too deeply") from None
    try:
        check_snapshot(snapshot)
    except SnapshotError as e:
        raise cannot("read snapshot", path, str(e)) from None
    return dict(snapshot)


def run(args: argparse.Namespace, out: Stream, err: Stream) -> int:
    """Print the differences (or ``snapshots are equal``); `EXIT_DIFFERENT` when there are any, else `EXIT_OK`."""
    a, b = read_snapshot(args.a), read_snapshot(args.b)
    lines = diff_snapshots(a, b)
    if not lines:
        out.write("snapshots are equal\n")
        return EXIT_OK
    out.write("\n".join(lines) + "\n")
    return EXIT_DIFFERENT
