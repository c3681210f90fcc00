"""Golden-snapshot testing for code that records ICWS traffic.

Record a session once, keep its ``icws-state/1`` snapshot next to the test as the golden file, and let a test
replay the log and compare: a change in the library or in your recorder that alters the state shows up as a
readable, part-by-part diff rather than a wall of JSON. Set ``ICWS_STATE_UPDATE_GOLDEN=1`` (or pass
``update=True``) to (re)write the golden files after reviewing the change::

    from icws_state.testing import assert_snapshot_matches

    def test_agent_day():
        assert_snapshot_matches("logs/agent-day.jsonl", "golden/agent-day.snapshot.json")

    # ICWS_STATE_UPDATE_GOLDEN=1 pytest   rewrites the golden files
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._files import write_atomic
from ._replay import replay
from ._snapshot import dumps
from ._summary import diff_snapshots

__all__ = ["UPDATE_ENV", "assert_snapshot_matches", "replay_snapshot"]

#: The environment variable that makes `assert_snapshot_matches` rewrite golden files instead of comparing.
UPDATE_ENV = "ICWS_STATE_UPDATE_GOLDEN"

PathLike = str | os.PathLike[str]


def replay_snapshot(*logs: PathLike, strict: bool = False) -> dict[str, Any]:
    """The snapshot of a new cache after replaying ``logs`` in order (lenient unless ``strict``)."""
    if not logs:
        raise TypeError("replay_snapshot needs at least one log")
    return replay(list(logs), strict=strict).snapshot()


def _update_requested(update: bool | None) -> bool:
    if update is not None:
        return update
    return os.environ.get(UPDATE_ENV, "").strip().lower() in {"1", "true", "yes"}


def assert_snapshot_matches(logs: PathLike | Sequence[PathLike], golden_path: PathLike, *,
                            update: bool | None = None) -> None:
    """Replay ``logs`` and compare the snapshot with the JSON in ``golden_path``.

    AssertionError, listing what differs part by part, when they are not equal (or the golden file is missing).
    With ``update=True``, or ``update=None`` and ``ICWS_STATE_UPDATE_GOLDEN=1`` in the environment, the golden
    file is written with the deterministic snapshot bytes instead, and the assertion passes; ``update=False``
    always compares.
    """
    paths: list[PathLike] = [logs] if isinstance(logs, (str, os.PathLike)) else list(logs)
    snapshot = replay_snapshot(*paths)
    golden = Path(golden_path)
    if _update_requested(update):
        golden.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(golden, dumps(snapshot))  # a failed update never leaves a half-written golden file
        return
    try:
        expected = json.loads(golden.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AssertionError(
            f"golden snapshot {golden} does not exist; run with {UPDATE_ENV}=1 to write it"
        ) from None
    if expected == snapshot:
        return
    lines = diff_snapshots(expected, snapshot) or ["(they differ in a way the part-by-part diff does not show)"]
    shown = "\n".join(f"  {line}" for line in lines[:50])
    more = f"\n  ... and {len(lines) - 50} more" if len(lines) > 50 else ""
    raise AssertionError(
        f"snapshot of {', '.join(os.fspath(p) for p in paths)} differs from {golden} "
        f"(golden -> replayed):\n{shown}{more}\n(run with {UPDATE_ENV}=1 to accept the new snapshot)"
    )
