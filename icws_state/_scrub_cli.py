"""``icws-state scrub``: logs made safe to commit, with secrets removed and personal data pseudonymized."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ._cli import EXIT_OK, CommandError, Stream, cannot, check_readable
from ._files import shown
from .recording import ScrubRules, ScrubRulesError, read_key_file, scrub

__all__ = ["add_scrub_command"]


def add_scrub_command(subparsers: Any) -> None:
    """Register ``scrub`` on the ``icws-state`` sub-command parser."""
    s = subparsers.add_parser(
        "scrub",
        help="write logs with secrets removed and personal data replaced by pseudonyms",
        description="Read logs (any format replay reads) and write JSON-lines logs without passwords, tokens and "
        "session ids, and with names, addresses, phone numbers, user ids, notes and other free text replaced by "
        "keyed pseudonyms (one value, one pseudonym, across every log of the run). Ids, times and structure are "
        "kept, so the scrubbed log replays to the same state but for the replaced values.",
        epilog="With one LOG, OUT is the scrubbed log (or a directory); with several, OUT is a directory that gets "
        "<name>.jsonl for each. Exit codes: 0 written; 2 a log, key or rules file that cannot be read, or an "
        "output that cannot be written.",
    )
    s.add_argument("logs", nargs="+", metavar="LOG", help="the logs to scrub")
    s.add_argument("--out", required=True, metavar="OUT", help="the scrubbed log, or a directory for several")
    s.add_argument("--key-file", metavar="FILE",
                   help="the pseudonym key: the same key gives the same pseudonyms across runs (created with a "
                        "random key if missing; keep it out of version control). Default: a new random key")
    s.add_argument("--rules", metavar="FILE",
                   help='JSON rules: {"keep": [names], "add": [names], "generic": "scrub" | "keep"}')
    s.add_argument("--shift-time", type=int, default=0, metavar="SECONDS",
                   help="move every date-time by this many seconds (default: times are kept)")
    s.set_defaults(handler=_run)


def _run(args: argparse.Namespace, out: Stream, err: Stream) -> int:
    for path in args.logs:
        check_readable(path)
    rules = None
    if args.rules is not None:
        check_readable(args.rules, "rules")
        try:
            rules = ScrubRules.from_file(args.rules)
        except OSError as e:
            raise cannot("read rules", args.rules, e) from None
        except ScrubRulesError as e:
            raise cannot("read rules", args.rules, str(e)) from None
    key = None
    if args.key_file is not None:
        existed = os.path.exists(args.key_file)
        try:
            key = read_key_file(args.key_file, create=True)
        except OSError as e:
            raise cannot("read key", args.key_file, e) from None
        except ValueError as e:
            raise cannot("read key", args.key_file, str(e)) from None
        if not existed:
            err.write(f"icws-state scrub: wrote a new random key to {shown(args.key_file)}\n")
    try:
        result = scrub(args.logs, args.out, key=key, rules=rules, shift_time=args.shift_time)
    except OSError as e:
        if e.filename is not None and os.fspath(e.filename) in args.logs:
            raise cannot("read", e.filename, e) from None
        raise cannot("write", e.filename if e.filename is not None else args.out, e) from None
    except ValueError as e:
        raise CommandError(str(e)) from None
    n = len(result.outputs)
    out.write(f"{n} log{'s' if n != 1 else ''} scrubbed: {result.inputs} inputs, {result.pseudonymized} values "
              f"pseudonymized, {result.redacted} secrets redacted\n")
    for path in result.outputs:
        out.write(f"  written: {shown(path)}\n")
    if key is None:
        out.write("pseudonyms come from a random key: pass --key-file to get the same ones on another run\n")
    return EXIT_OK
