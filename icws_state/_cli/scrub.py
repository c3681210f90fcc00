"""``icws-state scrub``: logs made safe to commit, with secrets removed and personal data pseudonymized."""

from __future__ import annotations

import argparse
import os

from .._files import shown
from ..recording import ScrubRules, ScrubRulesError, read_key_file, scrub
from ._common import EXIT_OK, CommandError, Stream, Subparsers, cannot, check_readable, write_error

__all__ = ["NAME", "add_parser", "run"]

NAME = "scrub"


def add_parser(subparsers: Subparsers) -> None:
    """Register ``scrub`` on the ``icws-state`` sub-command table."""
    s = subparsers.add_parser(
        NAME,
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


def _rules(path: str | None) -> ScrubRules | None:
    """The rules file's rules, or None (the defaults) without one."""
    if path is None:
        return None
    check_readable(path, "rules")
    try:
        return ScrubRules.from_file(path)
    except OSError as e:
        raise cannot("read rules", path, e) from None
    except ScrubRulesError as e:
        raise cannot("read rules", path, str(e)) from None


def _key(path: str | None, err: Stream) -> bytes | None:
    """The key in the key file (created with a random key if missing, which is said on ``err``), or None."""
    if path is None:
        return None
    existed = os.path.exists(path)
    try:
        key = read_key_file(path, create=True)
    except OSError as e:
        raise cannot("read key", path, e) from None
    except ValueError as e:
        raise cannot("read key", path, str(e)) from None
    if not existed:
        write_error(err, NAME, f"wrote a new random key to {shown(path)}")
    return key


def run(args: argparse.Namespace, out: Stream, err: Stream) -> int:
    """Scrub the logs, then list what was written; `EXIT_OK`."""
    for path in args.logs:
        check_readable(path)
    rules = _rules(args.rules)
    key = _key(args.key_file, err)
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
