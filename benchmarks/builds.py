"""Compiled and pure builds side by side, against the floor of the same run, and the pure build against its past.

Each build runs in its own interpreter (the pure one with ``ICWS_STATE_PURE=1``, which makes ``import icws_state``
take the ``.py`` modules even where compiled ones are installed), alternately, a few turns; every probe measures the
floor in its own process too, so each figure is a ratio taken under the same load. A third probe runs the pure
modules of an earlier revision (``git worktree``): the fallback must not get slower than it was (>= 0.95 of before).

Run alone: ``python -m benchmarks.builds [N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from .results import Result

__all__ = ["COMPILED_STRETCH", "COMPILED_TARGET", "REPLAY_TARGET", "probe", "section"]

ROOT = Path(__file__).resolve().parent.parent
#: Issue 16: the compiled build's apply at >= 0.5 of the floor (stretch 0.7); replay at >= 0.6 of decoding alone.
COMPILED_TARGET, COMPILED_STRETCH = 0.5, 0.7
REPLAY_TARGET = 0.6
PURE_TARGET = 0.95
#: The last revision before the compiled build: what the pure fallback is compared with.
PURE_BEFORE_REV = "94a776f"
STREAMS = ("history", "queues", "statistics")


def probe(n: int, rounds: int) -> dict[str, Any]:
    """apply/floor per stream and replay/decode (stdlib json), one figure per round, with the importable build."""
    import icws_state
    from icws_state import _json, _logs, replay

    from .baseline import apply_all, timed
    from .floor import Floor
    from .streams import Blob, history_stream, queue_stream, statistic_stream

    out: dict[str, Any] = {"compiled": bool(getattr(icws_state, "compiled", False))}
    blobs = {"history": Blob(history_stream(n)), "queues": Blob(queue_stream(n)),
             "statistics": Blob(statistic_stream(n // 5))}
    for name, blob in blobs.items():
        out[name] = [timed(lambda ms: Floor().run(ms), blob) / timed(apply_all, blob) for _ in range(rounds)]
    fd, path = tempfile.mkstemp(suffix=".jsonl", prefix="icws-bench-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for m in blobs["history"].fresh():
                f.write(json.dumps(m, separators=(",", ":")) + "\n")

        def decode(_: object) -> None:
            with open(path, "rb") as f:
                for line in f:
                    json.loads(line)

        def replay_json(_: object) -> None:
            # The library's own reading without orjson. Since the compiled build, `_json._orjson` is the switch
            # (compiled modules call `decode_json` directly, so patching that would not reach them); before it,
            # the reader's `decode_json` is replaced by what its no-orjson branch did.
            if hasattr(icws_state, "compiled"):
                with mock.patch.object(_json, "_orjson", None):
                    replay(path)
                return

            def strict(data: bytes | str) -> Any:
                _json._check_depth(data)
                return _json._std_decode(data)

            with mock.patch.object(_logs, "decode_json", strict):
                replay(path)

        nothing = Blob([])  # the runs below read the file; `timed` hands them an empty list
        out["replay"] = [timed(decode, nothing) / timed(replay_json, nothing) for _ in range(rounds)]
    finally:
        os.unlink(path)
    return out


def _run(bench: str, library: str | None, pure: bool, n: int, rounds: int) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "ICWS_STATE_PURE"}
    if pure:
        env["ICWS_STATE_PURE"] = "1"
    if library is not None:
        env["PYTHONPATH"] = library
    done = subprocess.run([sys.executable, "-m", "benchmarks.builds", "--probe", str(n), str(rounds)], cwd=bench,
                          env=env, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def section(n: int, rounds: int, turns: int = 3, before_rev: str | None = PURE_BEFORE_REV) -> list[Result]:
    """The compiled build, the pure build and (with ``before_rev``) the pure build of that revision, alternately."""
    runs: dict[str, dict[str, list[float]]] = {"compiled": {}, "pure": {}, "pure before": {}}
    compiled_ran = False
    with tempfile.TemporaryDirectory(prefix="icws-builds-") as tmp:
        bench = Path(tmp) / "bench"
        shutil.copytree(ROOT / "benchmarks", bench / "benchmarks", ignore=shutil.ignore_patterns("__pycache__"))
        tree = str(Path(tmp) / "tree")
        if before_rev:
            subprocess.run(["git", "worktree", "add", "--detach", tree, before_rev], cwd=ROOT, check=True,
                           capture_output=True)
        try:
            for _ in range(turns):
                plan: list[tuple[str, str | None, bool]] = [("compiled", None, False), ("pure", None, True)]
                if before_rev:
                    plan.append(("pure before", tree, True))
                for label, library, pure in plan:
                    got = _run(str(bench), library, pure, n, rounds)
                    compiled_ran = compiled_ran or (label == "compiled" and bool(got["compiled"]))
                    for name in (*STREAMS, "replay"):
                        runs[label].setdefault(name, []).extend(got[name])
        finally:
            if before_rev:
                subprocess.run(["git", "worktree", "remove", "--force", tree], cwd=ROOT, capture_output=True,
                               check=False)
    sec = (f"compiled and pure builds, side by side ({n:,} messages; statistics {n // 5:,}; medians of "
           f"{rounds * turns})")
    note = "" if compiled_ran else "no compiled build installed: both rows ran the pure modules"
    out: list[Result] = []
    for name in (*STREAMS, "replay"):
        basis = "of decode" if name == "replay" else "of floor"
        what = "replay() with json" if name == "replay" else f"{name}: apply"
        fast, slow = statistics.median(runs["compiled"][name]), statistics.median(runs["pure"][name])
        target = REPLAY_TARGET if name == "replay" else COMPILED_TARGET
        out.append(Result(section=sec, name=f"{what}, compiled", value=fast, unit=basis, ratio=fast,
                          basis=basis, target=target, stretch=None if name == "replay" else COMPILED_STRETCH,
                          note=note))
        out.append(Result(section=sec, name=f"{what}, pure", value=slow, unit=basis, ratio=slow, basis=basis))
        if runs["pure before"]:
            before = statistics.median(runs["pure before"][name])
            out.append(Result(section=sec, name=f"{what}, pure at {before_rev}", value=before, unit=basis,
                              ratio=slow / before, basis="pure now / pure before", target=PURE_TARGET))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.builds",
                                     description="the compiled and the pure build against the floor, in one run.")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("n", nargs="?", type=int, default=30_000)
    parser.add_argument("rounds", nargs="?", type=int, default=3)
    parser.add_argument("--before", default=PURE_BEFORE_REV, help="the revision the pure build is compared with")
    args = parser.parse_args(argv)
    if args.probe:
        print(json.dumps(probe(args.n, args.rounds)))
        return 0
    for r in section(args.n, args.rounds, before_rev=args.before or None):
        print(f"{r.name:>42}: {r.value:.3f} {r.ratio_text():<26} {r.verdict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
