"""`StateCache`: the sans-IO front door. Raw message dicts and the client's HTTP outcomes in; state and events out.

A message is routed (R1, R11), validated whole (R8), checked against its subscription's lifecycle (section 3),
and only then merged (`_reducer`). Each call collects a journal of what changed and returns it as `Changes`,
built into event objects only when read; listeners, when there are any, get every event once the call's state
changes are complete. Item events are journalled only by a cache that records changes (asked for when it is
made, or from its first listener on): the rest merge in place and journal only the notices, so that an
``apply`` whose events nobody wants costs next to nothing for them. No clock, socket or thread is touched here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs

from ._changes import Changes
from ._enums import SubscriptionState
from ._errors import InvalidMessage, ReentrantCall, SnapshotError, TransitionAnomaly, UnknownListener
from ._events import (
    Anomaly,
    Event,
    Rejected,
    SessionChanged,
    SubscriptionChanged,
)
from ._history import HistoryStore, HistoryTable
from ._journal import J_CLEARED, J_EVENT
from ._json import copy_json, describe, json_value_problem
from ._paths import is_messages_path, request_path, subscription_path
from ._queries import CacheQueries
from ._readonly import read_only
from ._records import Record
from ._reducer import PathData, RowEngine, apply_generic, row_engine
from ._rejected import KEEP_REJECTED, KEEP_REJECTED_MESSAGES, NO_MESSAGE, RejectedInput, Stats
from ._rows import CONNECTION_STATE, default_schema
from ._schema import GenericType, Schema
from ._snapshot import FORMAT, RestorePlan, check_snapshot, dumps, restore_plan, to_snapshot
from ._stores import GenericStore, IdSetView, Item, KeyedStore, KeyedTable
from ._subscriptions import KEEP, Input, SessionEnd, Subscriptions, SubscriptionsView, Transition
from ._validation import MISSING, Validator, check_subscription_id
from ._views import ConnectionStateChange

__all__ = ["NOT_ACTIVE", "RejectedInput", "StateCache", "Stats"]

#: The reason given for a message whose subscription is closed, or unseen while the session has ended.
NOT_ACTIVE: Final = "subscription is not active"
_EMPTY: Final = Changes([])
_UNRECORDED: Final = Changes([], False)
#: Statuses are integers of any size (an exchange record is JSON); one this big is only named, never printed.
_BIG_STATUS = 10**4299
_NONE: Final = SubscriptionState.NONE

Listener = Callable[[Event], object]


class StateCache(CacheQueries):
    """The client-side state of one ICWS session.

    >>> from icws_state import StateCache
    >>> cache = StateCache()
    >>> _ = cache.record_response("PUT", "/icws/s1/messaging/subscriptions/interactions/agent-assistance", 204)
    >>> _ = cache.apply({"__type": "urn:inin.com:interactions.assistance:assistanceRequestListMessage",
    ...                  "isDelta": False, "requestsAdded": ["r1", "r2"]})
    >>> sorted(cache.assistance_requests), cache.subscriptions["interactions/agent-assistance"].state.name
    (['r1', 'r2'], 'NORMAL')

    ``strict=False`` (the default) records invalid input in `rejected` and emits `Rejected`; ``strict=True`` raises
    `InvalidMessage` instead. Either way a rejected input changes nothing. ``schema`` adds rows for message types
    the library does not ship (`Schema.with_row`).

    ``changes=True`` makes every call return the item events of the data it merged (`ItemAdded`, `ItemChanged`,
    ...) in its `Changes`; a cache records them anyway from its first listener on. Without either, the `Changes`
    of a call that merged data hold only its notices (subscription, session, anomaly and rejection events; any
    other read raises `ChangesNotRecorded`), and merges update stored items in place, so an item read from a
    store shows it as it is now (copy what must stay as it was). With them, stored items are never changed once
    stored, and an item read earlier stays as it was read. Calls that merge no data (rejections, your own
    requests' outcomes) return all their events either way.
    """

    def __init__(self, *, strict: bool = False, schema: Schema | None = None, changes: bool = False) -> None:
        self.strict = strict
        #: Whether item events are journalled (`records_changes`); once on, never off again.
        self._record = changes
        self.schema = schema if schema is not None else default_schema()
        #: Row engines by message type, compiled on a type's first message: the table has some forty rows (the
        #: configuration lists among them), and compiling all of them would make every new cache pay for all.
        self._engines: dict[str, RowEngine] = {}
        self._typed_generic = {t: (g, Validator(g)) for t, g in self.schema.generic.items()}
        self._subs = Subscriptions()
        #: The same dict as ``self._subs.records`` (never rebound), read here once per message without going
        #: through the interpreted `Subscriptions` object.
        self._records: dict[str, Record] = self._subs.records
        self._data: dict[str, PathData] = {}
        #: Snapshot key -> path of the seeded rows kept at the top level (``history``, ``assistanceRequests``);
        #: their data always exists, and a DELETE empties it rather than removing it.
        self._exported: dict[str, str] = {}
        for row in self.schema:
            if row.exported_as is not None:
                self._data[row.path] = PathData(row)
                self._exported[row.exported_as] = row.path
        self._generic: dict[str, Item] = {}
        self._rejected: list[RejectedInput] = []
        self._applied = 0
        #: Data messages merged, ever: a call that merged none has every event it caused in its journal.
        self._merges = 0
        self._rejected_count = 0
        self._listeners: list[Listener] = []
        #: The empty journal `apply` hands its next message (see there).
        self._spare: list[tuple[Any, ...]] = []
        self._dispatching = False
        self._anomaly: Transition | None = None
        #: Where the input being applied came from (`set_position`), for rejected inputs.
        self._line: int | None = None
        self._source: str | None = None

    # ------------------------------------------------------------------------------------------------------------
    # Inputs
    # ------------------------------------------------------------------------------------------------------------
    def apply(self, message: Any) -> Changes:
        """Apply one raw message (a decoded JSON value) and return the events it caused.

        The cache copies the message's items but keeps the values nested inside them (lists, objects) by
        reference, as a decoder hands them over: do not change a message after applying it.
        """
        if self._dispatching:
            raise ReentrantCall("a listener may read the cache but not feed it")
        # The journal is a list kept for the next call until something is written to it: most messages in a cache
        # that records no changes write nothing, and then cost no list.
        journal = self._spare
        merges = self._merges
        try:
            self._apply_message(message, journal)
        finally:
            if journal:
                self._spare = []
                if self._listeners or self._anomaly:
                    self._dispatch(journal)
        if self._record or self._merges == merges:  # (with no merge, the notices are all there is)
            return Changes(journal) if journal else _EMPTY
        return Changes(journal, False) if journal else _UNRECORDED

    def apply_batch(self, messages: Any) -> Changes:
        """Apply one polling response (a JSON array of messages) in order; returns all the events.

        A value that is not a list is one rejected input. In strict mode the first error stops the batch: the
        messages before it stay applied, the ones after it are not.
        """
        return self._run(self._apply_batch, messages)

    def record_response(self, method: Any, path: Any, status: Any, body: Any = None, response: Any = None) -> Changes:
        """Tell the cache the outcome of one of the client's own HTTP requests (section 3).

        ``path`` is the request path (a full URL is accepted; the query string is ignored); ``body`` the request's
        JSON body, ``response`` the response's. PUT/DELETE on ``.../messaging/subscriptions/<path>`` drive that
        subscription; a 401 on anything ends the session; a GET of ``.../messaging/messages`` with 200 applies the
        messages in ``response``. Any other exchange is ignored.
        """
        original = {"method": method, "path": path, "status": status}
        if body is not None:
            original["body"] = body
        if response is not None:
            original["response"] = response
        return self._run(self._exchange, method, path, status, body, response, original)

    def record_exchange(self, record: Any) -> Changes:
        """`record_response` for an exchange record as a log holds it (``{"method", "path", "status", "body",
        "response"}``); a record that is not an object with those fields is one rejected input, kept as given."""
        if type(record) is not dict:
            return self._run(self._reject, record, "an exchange record must be a JSON object")
        get = record.get
        return self._run(self._exchange, get("method"), get("path"), get("status"), get("body"), get("response"),
                         record)

    def reject(self, value: Any, reason: str) -> Changes:
        """Count an input the client could not read at all (a line that is not JSON, an event whose data does not
        parse) as rejected with ``reason``: nothing is silently dropped. Raises `InvalidMessage` in strict mode."""
        return self._run(self._reject, value, reason)

    def set_position(self, line: int | None, source: str | None = None) -> None:
        """Where the next inputs come from (a log's 1-based line, and its path when several logs are replayed), so
        that their rejections say so; ``None`` for inputs given directly. Replay sets it for every input."""
        self._line, self._source = line, source

    def _run(self, step: Callable[..., None], *args: Any) -> Changes:
        """One input through ``step(*args, journal)``, then the listeners, then the events it caused.

        (`apply` spells this out itself: it is the hot path, and one call fewer is measurable there.)
        """
        if self._dispatching:
            raise ReentrantCall("a listener may read the cache but not feed it")
        journal: list[tuple[Any, ...]] = []
        merges = self._merges
        try:
            step(*args, journal)
        finally:
            if journal and (self._listeners or self._anomaly):
                self._dispatch(journal)
        if self._record or self._merges == merges:
            return Changes(journal) if journal else _EMPTY
        return Changes(journal, False) if journal else _UNRECORDED

    # ------------------------------------------------------------------------------------------------------------
    # Listeners
    # ------------------------------------------------------------------------------------------------------------
    @property
    def records_changes(self) -> bool:
        """Whether calls return their item events: made with ``changes=True``, or a listener was ever added."""
        return self._record

    def add_listener(self, listener: Listener) -> Listener:
        """Call ``listener(event)`` for every event, after the input that caused it is fully applied.

        A listener may read the cache; feeding it from inside a listener raises `ReentrantCall`. An exception a
        listener raises propagates to the caller of ``apply``; the state change has already happened. Returns the
        listener, so this works as a decorator. From now on the cache records changes (`records_changes`), even
        after the listener is removed: events already handed out point at stored items, which must then stay as
        they were.
        """
        self._listeners.append(listener)
        self._record = True
        return listener

    def remove_listener(self, listener: Listener) -> None:
        """Stop calling ``listener``; `UnknownListener` if it was never added (or already removed). O(listeners)."""
        try:
            self._listeners.remove(listener)
        except ValueError:
            raise UnknownListener(listener) from None

    def _dispatch(self, journal: list[tuple[Any, ...]]) -> None:
        anomaly, self._anomaly = self._anomaly, None
        if self._listeners:
            self._dispatching = True
            try:
                for event in Changes(journal):
                    for listener in tuple(self._listeners):
                        listener(event)
            except BaseException as failure:
                # In strict mode the anomaly is the library's own report and must reach the caller even when a
                # listener fails; the listener's exception stays attached as its cause.
                if anomaly is not None:
                    report = TransitionAnomaly(anomaly)
                    report.__cause__ = failure  # spelled out: compiled (mypyc), `raise ... from` loses it here
                    raise report from failure
                raise
            finally:
                self._dispatching = False
        if anomaly is not None:
            raise TransitionAnomaly(anomaly)

    # ------------------------------------------------------------------------------------------------------------
    # Reading the state
    # ------------------------------------------------------------------------------------------------------------
    @property
    def history(self) -> HistoryStore:
        """The interaction-history store (R4, R6, R7): a read-only view that follows the cache. O(1)."""
        table = self._data[self._exported["history"]].parts[0]
        assert isinstance(table, HistoryTable)
        return HistoryStore(table)

    @property
    def assistance_requests(self) -> IdSetView:
        """The current agent-assistance request ids (R5)."""
        return IdSetView(self._data[self._exported["assistanceRequests"]].parts[0])

    @property
    def subscriptions(self) -> SubscriptionsView:
        """Every seen subscription path, as read-only `Subscription` values (a live mapping, O(1) per lookup)."""
        return SubscriptionsView(self._subs)

    @property
    def session_ended(self) -> bool:
        """Whether a 401 or a connection-down message (R18) ended the session and no PUT has succeeded since."""
        return self._subs.session_ended

    @property
    def session_end(self) -> SessionEnd | None:
        """Why the session ended (what ended it, and the error it carried); None while it is live.

        Not part of snapshots (a restored cache knows that the session ended, not why).
        """
        return self._subs.session_end

    @property
    def connection_state(self) -> ConnectionStateChange | None:
        """The last connection-state message (R18) as a typed value, or None when none has arrived. O(1)."""
        entry = self._generic.get(CONNECTION_STATE.type)
        return None if entry is None else ConnectionStateChange.from_entry(read_only(entry))

    @property
    def other(self) -> GenericStore:
        """The generic store: messages of types in no schema row (R1)."""
        return GenericStore(self._generic)

    @property
    def rejected(self) -> Sequence[RejectedInput]:
        """The rejected inputs, in order: the first 10,000 (each with its offending value for the first 100, as a
        copy). Every rejection is counted in `stats`. O(n) per call."""
        return tuple(r if type(r.message) not in (dict, list) else attrs.evolve(r, message=copy_json(r.message))
                     for r in self._rejected)

    @property
    def stats(self) -> Stats:
        """Counts of the inputs read as messages: ``messages == applied + rejected``. O(1)."""
        n = self._applied + self._rejected_count
        return Stats(messages=n, applied=self._applied, rejected=self._rejected_count)

    def data_paths(self) -> list[str]:
        """Paths holding data of a table type other than the seeded ones, sorted (``subscriptionData``)."""
        exported = set(self._exported.values())
        return sorted(p for p in self._data if p not in exported)

    def path_data(self, path: str) -> tuple[str, Mapping[str, Any], dict[str, Any]] | None:
        """(type, scalar properties, {part name: keyed store, id set view or list}) of a path's data, or None.

        Everything returned is read-only (`KeyedStore`, `IdSetView`, read-only mappings and lists) and live: it
        follows later inputs. O(parts).
        """
        data = self._data.get(path)
        if data is None:
            return None
        row = self.schema.rows[data.type]
        parts = {p.name: _read_part(data.parts[i]) for i, p in enumerate(row.parts)}
        return data.type, read_only(data.properties), parts

    def keyed(self, path: str, collection: str) -> KeyedStore | None:
        """The read-only store of the keyed collection ``collection`` (its snapshot name, such as
        ``"interactions"``) of the data at ``path`` (such as ``"queues/q1"``); None when the path holds no data
        or no such collection. Live: it follows later inputs. O(parts)."""
        got = self.path_data(path)
        if got is None:
            return None
        part = got[2].get(collection)
        return part if isinstance(part, KeyedStore) else None

    # ------------------------------------------------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------------------------------------------------
    def _apply_batch(self, messages: Any, journal: list[tuple[Any, ...]]) -> None:
        if type(messages) is not list:
            self._reject(messages, "a polling response must be a JSON array of messages", journal)
            return
        for message in messages:
            self._apply_message(message, journal)
            if self._anomaly is not None:
                return

    def _apply_message(self, message: Any, journal: list[tuple[Any, ...]]) -> None:
        if type(message) is not dict:
            return self._reject(message, "a message must be a JSON object", journal)
        message_type = message.get("__type")
        if type(message_type) is not str:
            return self._reject(message, "__type must be a string", journal)
        is_delta = message.get("isDelta")
        if is_delta is not True and is_delta is not False:
            return self._reject(message, "isDelta must be a boolean", journal)
        engine = self._engines.get(message_type) or self._engine(message_type)
        if engine is None:
            return self._apply_generic(message, message_type, not is_delta, journal)
        reason = engine.validator.validate(message)  # (not `engine.validate`: one call fewer per message)
        if reason is not None:
            return self._reject(message, reason, journal)
        path = engine.fixed_path or engine.path_of(message)
        rec = self._records.get(path)
        if rec is None:
            if self._subs.session_ended:
                return self._reject(message, NOT_ACTIVE, journal)
            rec = self._see(path, message_type, journal)
        elif rec.closed:
            return self._reject(message, NOT_ACTIVE, journal)
        self._applied += 1
        if engine.state:
            state = SubscriptionState(message["state"])
            error = message.get("error") if not is_delta else message.get("error", KEEP)
            self._lifecycle(path, Input.STATE_MESSAGE, message_type, journal, state, error)
            return None
        if rec.state is _NONE or (not is_delta and (rec.resync_needed or rec.stale)):
            self._lifecycle(path, Input.DELTA_DATA if is_delta else Input.FULL_DATA, message_type, journal)
        data = self._data.get(path)
        if data is None:
            data = self._data[path] = PathData(engine.row)
        self._merges += 1
        engine.apply(data, message, not is_delta, journal if self._record else None, path, rec.parameters)
        return None

    def _engine(self, message_type: str) -> RowEngine | None:
        """The engine of ``message_type``'s row, compiled now; None for a type in no row (R1)."""
        row = self.schema.row(message_type)
        if row is None:
            return None
        engine = self._engines[message_type] = row_engine(row)
        return engine

    def _apply_generic(self, message: Item, message_type: str, full: bool, journal: list[tuple[Any, ...]]) -> None:
        typed = self._typed_generic.get(message_type)
        if typed is not None:
            reason = typed[1].validate(message)
        else:
            reason = check_subscription_id(message.get("subscriptionId", MISSING))
            if reason is None:
                reason = json_value_problem(message)
        if reason is not None:
            return self._reject(message, reason, journal)
        self._applied += 1
        sid = message.get("subscriptionId")
        key = GenericStore.key(message_type, sid)
        self._merges += 1
        apply_generic(self._generic, key, message, full, journal if self._record else None)
        if typed is not None:
            self._generic_effects(typed[0], message, journal)
        return None

    def _generic_effects(self, gt: GenericType, message: Item, journal: list[tuple[Any, ...]]) -> None:
        """R18: a connection-down message has exactly the effects of a 401, with its reason as the error."""
        if gt.ends_session is None:
            return
        prop, value = gt.ends_session
        if message.get(prop) == value and type(message.get(prop)) is int:
            reason = message.get(gt.reason) if gt.reason else None
            error = {"message": reason if type(reason) is str else f"{prop} {value}"}
            self._end_session(gt.type, error, journal)

    def _reject(self, message: Any, reason: str, journal: list[tuple[Any, ...]]) -> None:
        if self.strict:
            raise InvalidMessage(message, reason, self._line)
        self._rejected_count += 1
        listed = len(self._rejected)
        kept = _keepable(message) if listed < KEEP_REJECTED_MESSAGES else NO_MESSAGE
        if listed < KEEP_REJECTED:
            self._rejected.append(RejectedInput(line=self._line, reason=reason, message=kept, source=self._source))
        journal.append((J_EVENT, Rejected(line=self._line, reason=reason,
                                          message=None if kept is NO_MESSAGE else copy_json(kept),
                                          source=self._source)))

    # ------------------------------------------------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------------------------------------------------
    def _see(self, path: str, cause: str, journal: list[tuple[Any, ...]]) -> Any:
        rec, new = self._subs.see(path)
        if new:
            journal.append((J_EVENT, SubscriptionChanged(path=path, before=None, after=self._subs[path],
                                                         cause=cause)))
        return rec

    def _lifecycle(self, path: str, via: Input, cause: str, journal: list[tuple[Any, ...]],
                   value: Any = None, error: Any = KEEP) -> None:
        before, after, transition, clears = self._subs.apply_input(path, via, cause, value, error)
        if after is not None:
            last = journal[-1][1] if journal and journal[-1][0] == J_EVENT else None
            if isinstance(last, SubscriptionChanged) and last.path == path and last.cause == cause:
                # One event per input: a path seen and opened by one PUT (or one first message) changed once.
                journal[-1] = (J_EVENT, SubscriptionChanged(path=path, before=last.before, after=after, cause=cause))
            else:
                journal.append((J_EVENT, SubscriptionChanged(path=path, before=before, after=after, cause=cause)))
        if transition is not None and not transition.allowed:
            journal.append((J_EVENT, Anomaly(transition=transition)))
            if self.strict and self._anomaly is None:
                self._anomaly = transition
        if clears:
            data = self._data.get(path)
            if data is not None:
                if path in self._exported.values():
                    data.reset()
                else:
                    del self._data[path]
                journal.append((J_CLEARED, path))

    def _exchange(self, method: Any, path: Any, status: Any, body: Any, response: Any, original: Any,
                  journal: list[tuple[Any, ...]]) -> None:
        if type(method) is not str or type(path) is not str or type(status) is not int:
            return self._reject(original, "an exchange needs a string method, a string path and an integer status",
                                journal)
        bare = request_path(path)
        messages_get = method == "GET" and status == 200 and is_messages_path(bare)
        # R8's JSON-value rule, for every well-formed exchange: its body, and its response unless that is a
        # messages GET's array, whose messages are checked one by one.
        reason = json_value_problem(body, 1, "body")
        if reason is None and not messages_get:
            reason = json_value_problem(response, 1, "response")
        if reason is not None:
            return self._reject(original, reason, journal)
        cause = f"{method} {status if -_BIG_STATUS < status < _BIG_STATUS else 'status out of range'}"
        sub_path = subscription_path(bare) if method in ("PUT", "DELETE") else None
        if sub_path is not None:
            self._see(sub_path, cause, journal)
        if status == 401:
            return self._end_session(cause, _response_error(status, response), journal)
        if sub_path is not None:
            if 200 <= status <= 299:
                if method == "PUT":
                    if self._subs.session_ended:
                        self._subs.resume_session()
                        journal.append((J_EVENT, SessionChanged(ended=False, cause=cause)))
                    self._lifecycle(sub_path, Input.PUT_OK, cause, journal, body)
                else:
                    self._lifecycle(sub_path, Input.DELETE_OK, cause, journal)
            elif status == 410:
                self._lifecycle(sub_path, Input.GONE, cause, journal, None, _response_error(status, response))
            elif 400 <= status <= 599:
                self._lifecycle(sub_path, Input.FAILED, cause, journal, None, _response_error(status, response))
            return None
        if messages_get and response is not None:
            if type(response) is not list:
                return self._reject(original, "a messages GET with 200 must answer a JSON array of messages",
                                    journal)
            self._apply_batch(response, journal)
        return None

    def _end_session(self, cause: str, error: dict[str, Any], journal: list[tuple[Any, ...]]) -> None:
        """A 401, or a connection-down message (R18): every seen subscription closes, stale, with ``error``."""
        if not self._subs.session_ended:
            self._subs.end_session(cause, error)
            journal.append((J_EVENT, SessionChanged(ended=True, cause=cause, error=copy_json(error))))
        for p in list(self._subs):
            self._lifecycle(p, Input.SESSION_ENDED, cause, journal, None, error)

    # ------------------------------------------------------------------------------------------------------------
    # Snapshots
    # ------------------------------------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """The ``icws-state/1`` snapshot of this cache, as a JSON-ready dict (a copy: changing it changes nothing).
        O(size of the state)."""
        return to_snapshot(self)

    def snapshot_json(self) -> bytes:
        """The snapshot as deterministic JSON bytes (sorted keys, UTF-8, trailing newline)."""
        return dumps(self.snapshot())

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any], *, strict: bool = False,
                      schema: Schema | None = None, changes: bool = False) -> StateCache:
        """A cache equal to the one that produced ``snapshot``; `SnapshotError`, and nothing else, if it is not a
        valid ``icws-state/1`` object (the message names the bad field by its key in the format: ``$.sessionEnded``).
        """
        cache = cls(strict=strict, schema=schema, changes=changes)
        plan = restore_plan(check_snapshot(snapshot), cache.schema)
        try:
            cache._load(plan)
        except SnapshotError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError) as e:
            # A value no check foresaw, met by an engine: still a malformed snapshot, never a crash.
            raise SnapshotError(f"malformed {FORMAT} snapshot: {type(e).__name__}: {e}") from None
        return cache

    def _load(self, plan: RestorePlan) -> None:
        """Fill this new cache from a checked snapshot: each path's data goes through its row's own engine as a
        full message, so restoring shares the merge code."""
        self._subs.session_ended = plan.session_ended
        for path, fields in plan.subscriptions.items():
            self._subs.restore(path, fields)
        for entry in plan.data:
            engine = row_engine(entry.row)
            reason = engine.validate(entry.message)
            if reason is not None:
                raise entry.problem(reason)
            data = self._data.get(entry.path)
            if data is None:
                data = self._data[entry.path] = PathData(entry.row)
            engine.apply(data, entry.message, True, [], entry.path, {})
        self._generic = {k: dict(v) for k, v in plan.other.items()}
        self._rejected = list(plan.rejected)
        self._applied = plan.applied
        self._rejected_count = plan.rejected_count

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StateCache):
            return NotImplemented
        return self.snapshot() == other.snapshot()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        s = self.stats
        return (f"<StateCache {len(self._subs)} subscriptions, {len(self.history)} history items, "
                f"{s.messages} messages ({s.rejected} rejected)>")


def _read_part(part: Any) -> Any:
    if isinstance(part, HistoryTable):
        return HistoryStore(part)
    if isinstance(part, KeyedTable):
        return KeyedStore(part)
    if isinstance(part, set):
        return IdSetView(part)
    return read_only(part)


def _response_error(status: int, response: Any) -> dict[str, Any]:
    if type(response) is dict and type(response.get("message")) is str:
        copied: dict[str, Any] = copy_json(response)
        return copied
    return {"message": f"HTTP {status}"}


def _keepable(value: Any) -> Any:
    """What to keep of a rejected value: a copy, or a short text describing it when it cannot be written as JSON."""
    if json_value_problem(value) is None:
        return copy_json(value)
    return f"<not a JSON value: {describe(value)}>"
