"""Journal codes: the first element of each journal tuple (`_changes.Changes` builds events from them).

A module of their own, with ``Final`` values, so that the compiled modules (mypyc) use them as C constants rather
than looking a name up in another module at every journal entry.
"""

from __future__ import annotations

from typing import Final

J_ADDED: Final = 0
J_CHANGED: Final = 1
J_REMOVED: Final = 2
J_EVICTED: Final = 3
J_APPENDED: Final = 4
J_PROPS: Final = 5
J_REPLACED: Final = 6
J_CLEARED: Final = 7
J_GENERIC: Final = 8
J_EVENT: Final = 9
