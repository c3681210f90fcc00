"""icws_state: the client-side state of an ICWS session, kept correctly.

A sans-IO cache: give it the raw message dicts your transport receives and the outcomes of your own subscription
requests; read back history, assistance requests, queue contents, user statuses, every subscription's state, and
the change events each input caused.
"""

from . import _build

_build.install()  # before any other module: ICWS_STATE_PURE, or stale compiled modules, mean pure Python

from . import (
    _cache,
    _changes,
    _datetimes,
    _history,
    _journal,
    _json,
    _logs,
    _readonly,
    _records,
    _reducer,
    _replay,
    _stores,
    _validation,
)
from ._cache import NOT_ACTIVE, RejectedInput, StateCache, Stats
from ._changes import Changes
from ._coalesce import coalesce
from ._config_queries import ConfigurationQueries
from ._datetimes import parse_datetime
from ._enums import (
    AssistanceRequestState,
    ConnectionState,
    InteractionDirection,
    InteractionHistoryStatus,
    ParticipantAction,
    SubscriptionState,
)
from ._errors import (
    ChangesNotRecorded,
    IcwsStateError,
    InvalidMessage,
    ReentrantCall,
    SchemaError,
    SnapshotError,
    TransitionAnomaly,
    UnknownListener,
)
from ._events import (
    Anomaly,
    CacheCleared,
    CacheReplaced,
    Event,
    GenericChanged,
    ItemAdded,
    ItemChanged,
    ItemEvicted,
    ItemRemoved,
    ItemsAppended,
    PropertiesChanged,
    Rejected,
    SessionChanged,
    SubscriptionChanged,
)
from ._history import HistoryStore
from ._logs import InputKind, LogInput, read_log, read_stream
from ._queries import CacheQueries, QueueContents
from ._readonly import ReadOnlyDict, ReadOnlyList
from ._replay import feed, replay
from ._rows import default_schema
from ._schema import AppendList, Collection, GenericType, IdSet, Kind, Row, Schema
from ._snapshot import FORMAT as SNAPSHOT_FORMAT
from ._snapshot import dumps as dump_snapshot
from ._stores import GenericStore, IdSetView, KeyedStore
from ._subscriptions import SessionEnd, Subscription, Transition, state_diagram
from ._tools import BatchRow, SequentialExecutor, render_report, run_batch
from ._views import (
    AssistanceMessage,
    AssistanceParticipant,
    AssistanceRequest,
    ConnectionStateChange,
    HistoryItem,
    QueueInteraction,
    StatisticValue,
    StatusMessage,
    UserPresence,
    UserStatus,
)

__version__ = "0.1.0"

#: Whether the compiled (mypyc) hot path is running: True when every module of it was imported as an extension
#: module, False for the pure-Python modules (no compiler at install time, ``ICWS_STATE_PURE=1``, stale builds).
compiled: bool = all(_build.is_compiled(m) for m in (_cache, _changes, _datetimes, _history, _journal, _json, _logs,
                                                     _readonly, _records, _reducer, _replay, _stores, _validation))

__all__ = [
    "NOT_ACTIVE",
    "SNAPSHOT_FORMAT",
    "Anomaly",
    "AppendList",
    "AssistanceMessage",
    "AssistanceParticipant",
    "AssistanceRequest",
    "AssistanceRequestState",
    "BatchRow",
    "CacheCleared",
    "CacheQueries",
    "CacheReplaced",
    "Changes",
    "ChangesNotRecorded",
    "Collection",
    "ConfigurationQueries",
    "ConnectionState",
    "ConnectionStateChange",
    "Event",
    "GenericChanged",
    "GenericStore",
    "GenericType",
    "HistoryItem",
    "HistoryStore",
    "IcwsStateError",
    "IdSet",
    "IdSetView",
    "InputKind",
    "InteractionDirection",
    "InteractionHistoryStatus",
    "InvalidMessage",
    "ItemAdded",
    "ItemChanged",
    "ItemEvicted",
    "ItemRemoved",
    "ItemsAppended",
    "KeyedStore",
    "Kind",
    "LogInput",
    "ParticipantAction",
    "PropertiesChanged",
    "QueueContents",
    "QueueInteraction",
    "ReadOnlyDict",
    "ReadOnlyList",
    "ReentrantCall",
    "Rejected",
    "RejectedInput",
    "Row",
    "Schema",
    "SchemaError",
    "SequentialExecutor",
    "SessionChanged",
    "SessionEnd",
    "SnapshotError",
    "StateCache",
    "StatisticValue",
    "Stats",
    "StatusMessage",
    "Subscription",
    "SubscriptionChanged",
    "SubscriptionState",
    "Transition",
    "TransitionAnomaly",
    "UnknownListener",
    "UserPresence",
    "UserStatus",
    "__version__",
    "coalesce",
    "compiled",
    "default_schema",
    "dump_snapshot",
    "feed",
    "parse_datetime",
    "read_log",
    "read_stream",
    "render_report",
    "replay",
    "run_batch",
    "state_diagram",
]
