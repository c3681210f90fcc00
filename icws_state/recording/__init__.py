"""From a real session to a replay test: record, scrub, play back.

- **Record**: `RecordingTransport` / `AsyncRecordingTransport` wrap an httpx client's transport and write every
  exchange (the connection request included) as one JSON line that ``icws-state replay`` reads; `Recorder` does
  the same for any other client. Session ids in paths, passwords, tokens and CSRF tokens are replaced before
  anything is written (`REDACTED`, `SESSION_PLACEHOLDER`); headers and cookies are never written.
- **Scrub**: `scrub` (``icws-state scrub``) rewrites any log replay reads with personal data replaced by keyed
  pseudonyms, so that it can be committed, and replays to the same state but for those values.
- **Play back**: `PlaybackTransport` / `AsyncPlaybackTransport` answer a client's requests from a recorded log,
  in order; `UnmatchedRequest` names a request nothing answers, ``check()`` the exchanges never asked for.

The transports need httpx (``pip install 'icws-state[http]'``); they are imported on first use, so the rest of
this package, and the pytest plugin, cost nothing in a program that does not use them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._playback import Playback, PlaybackError, RecordedExchange, UnmatchedRequest, UnusedExchanges
from ._pseudonyms import Pseudonymizer, new_key, read_key_file
from ._recorder import Recorder
from ._redact import REDACTED, SESSION_PLACEHOLDER, redact_exchange, redact_path
from ._scrub import Scrubber, ScrubResult, scrub
from ._scrub_rules import ScrubRules, ScrubRulesError

if TYPE_CHECKING:
    from ._httpx import AsyncPlaybackTransport, AsyncRecordingTransport, PlaybackTransport, RecordingTransport

__all__ = [
    "REDACTED",
    "SESSION_PLACEHOLDER",
    "AsyncPlaybackTransport",
    "AsyncRecordingTransport",
    "Playback",
    "PlaybackError",
    "PlaybackTransport",
    "Pseudonymizer",
    "RecordedExchange",
    "Recorder",
    "RecordingTransport",
    "ScrubResult",
    "ScrubRules",
    "ScrubRulesError",
    "Scrubber",
    "UnmatchedRequest",
    "UnusedExchanges",
    "new_key",
    "read_key_file",
    "redact_exchange",
    "redact_path",
    "scrub",
]

_HTTPX_NAMES = frozenset({"AsyncPlaybackTransport", "AsyncRecordingTransport", "PlaybackTransport",
                          "RecordingTransport"})


def __getattr__(name: str) -> Any:
    """The httpx transports, imported when first asked for."""
    if name in _HTTPX_NAMES:
        module = importlib.import_module("._httpx", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
