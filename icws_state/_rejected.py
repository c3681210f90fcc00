"""What the cache keeps of rejected inputs, and its counts: values of their own, shared by the cache and snapshots.

Memory stays bounded however long a client runs (section 5): the first `KEEP_REJECTED` rejected inputs are listed
with their line and reason, the first `KEEP_REJECTED_MESSAGES` of those also with the offending value; every one is
counted in `Stats` and reported as an event (or raised, in strict mode).
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["KEEP_REJECTED", "KEEP_REJECTED_MESSAGES", "NO_MESSAGE", "RejectedInput", "Stats"]

#: Rejected inputs beyond this many keep their line and reason but not the offending value.
KEEP_REJECTED_MESSAGES = 100
#: Rejected inputs beyond this many are counted and reported as events, but not listed.
KEEP_REJECTED = 10_000
#: The `RejectedInput.message` of an input whose value was not kept.
NO_MESSAGE: Any = object()


@attrs.frozen(kw_only=True)
class RejectedInput:
    """One rejected input: where it was (``line``, and ``source`` when several logs were replayed), why, and (for
    the first 100) what it was."""

    line: int | None
    reason: str
    message: Any = NO_MESSAGE
    source: str | None = None

    @property
    def has_message(self) -> bool:
        """Whether the offending value was kept (only the first 100 are)."""
        return self.message is not NO_MESSAGE


@attrs.frozen(kw_only=True)
class Stats:
    """Counts of inputs read as messages (``messages == applied + rejected``)."""

    messages: int
    applied: int
    rejected: int
