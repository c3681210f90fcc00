"""Typed, immutable views of cached items, built with cattrs only when a caller asks for one.

The cache stores items as the plain dicts it received (camelCase keys) because that is what merging, events
and snapshots need, and because building objects for every message would cost the hot path for nothing. A
reader who wants attributes, enums and datetimes calls a query (`_queries`), which structures the one item it
returns with the converter below. A view is a value: it does not change when the cache does; query again for
the new state.

Rules of the view converter (`make_view_converter`):

- each view field is the snake_case form of an ICWS property (``interactionId`` -> ``interaction_id``);
- properties the view does not name are kept, untouched, in its read-only ``extra`` mapping (newer servers add
  properties, and R8 keeps them);
- an absent property is ``None`` (``()`` for a list, an empty mapping for a map): deltas may omit anything but
  the key;
- an enum value in its known range becomes the `IntEnum` member, any other integer stays a plain ``int`` (R8);
- a date-time becomes a timezone-aware `datetime` with the offset it was sent with (`parse_datetime`);
- lists of strings become tuples, objects become read-only mappings, so a view is safe to share;
- views are frozen, slotted and keyword-only; mapping fields are left out of ``hash()`` (equality still
  compares them), so a view can go in a set.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from ._datetimes import parse_datetime
from ._enums import (
    AssistanceRequestState,
    ConnectionState,
    InteractionDirection,
    InteractionHistoryStatus,
    ParticipantAction,
)

__all__ = [
    "AssistanceMessage",
    "AssistanceParticipant",
    "AssistanceRequest",
    "HistoryItem",
    "QueueInteraction",
    "StatusMessage",
    "UserPresence",
    "UserStatus",
    "make_view_converter",
    "to_view",
]

T = TypeVar("T")

_EMPTY: Mapping[str, Any] = types.MappingProxyType({})
#: Where the hook passes the unknown properties to the generated structure function; no JSON key can be this.
_EXTRA_KEY = "\x00extra"

def _mapping_field() -> Any:
    return attrs.field(default=_EMPTY, hash=False)


@attrs.frozen(kw_only=True)
class HistoryItem:
    """One interaction-history item (``interactionHistory`` of the history message)."""

    interaction_id: str
    initiation_time: datetime | None = None
    termination_time: datetime | None = None
    direction: InteractionDirection | int | None = None
    interaction_history_status: InteractionHistoryStatus | int | None = None
    log: str | None = None
    notes: str | None = None
    local_address: str | None = None
    local_id: str | None = None
    local_name: str | None = None
    remote_address: str | None = None
    remote_id: str | None = None
    remote_name: str | None = None
    extra: Mapping[str, Any] = _mapping_field()


@attrs.frozen(kw_only=True)
class QueueInteraction:
    """One interaction of a queue; ``attributes`` holds the attribute values the subscription asked for."""

    interaction_id: str
    attributes: Mapping[str, str] = _mapping_field()
    conference_parent_id: str | None = None
    extra: Mapping[str, Any] = _mapping_field()


@attrs.frozen(kw_only=True)
class StatusMessage:
    """One entry of the status-message catalogue: what a user status id means and how to show it."""

    status_id: str
    message_text: str | None = None
    icon_uri: str | None = None
    group_tag: str | None = None
    system_id: str | None = None
    can_have_date: bool | None = None
    can_have_time: bool | None = None
    is_do_not_disturb_status: bool | None = None
    is_selectable_status: bool | None = None
    is_persistent_status: bool | None = None
    is_forward_status: bool | None = None
    is_after_call_work_status: bool | None = None
    is_acd_status: bool | None = None
    is_allow_follow_up_status: bool | None = None
    extra: Mapping[str, Any] = _mapping_field()


@attrs.frozen(kw_only=True)
class UserStatus:
    """One user's status as the server sent it; join it with the catalogue through `UserPresence`."""

    user_id: str
    status_id: str | None = None
    notes: str | None = None
    forward_number: str | None = None
    presence_server: str | None = None
    on_phone: bool | None = None
    logged_in: bool | None = None
    on_phone_changed: datetime | None = None
    status_changed: datetime | None = None
    stations: tuple[str, ...] = ()
    ic_servers: tuple[str, ...] = ()
    until: Mapping[str, Any] | None = attrs.field(default=None, hash=False)
    extra: Mapping[str, Any] = _mapping_field()


@attrs.frozen(kw_only=True)
class UserPresence:
    """A user status joined with the catalogue entry of its ``statusId`` (``message`` None if not cached) and,
    when a users list (``configuration/users/<id>``) is cached, with the user's ``display_name``."""

    user_id: str
    status: UserStatus
    message: StatusMessage | None = None
    display_name: str | None = None

    @property
    def status_id(self) -> str | None:
        """The user's ``statusId`` as the server sent it (any case, R16)."""
        return self.status.status_id

    @property
    def text(self) -> str | None:
        """The text to show for the status (the catalogue's ``messageText``), or None."""
        return None if self.message is None else self.message.message_text

    @property
    def icon_uri(self) -> str | None:
        """The catalogue's icon for the status; None when the catalogue does not hold it."""
        return None if self.message is None else self.message.icon_uri


@attrs.frozen(kw_only=True)
class AssistanceParticipant:
    """A participant of an assistance request, keyed by ``userId``."""

    user_id: str
    display_name: str | None = None
    action: ParticipantAction | int | None = None
    extra: Mapping[str, Any] = _mapping_field()


@attrs.frozen(kw_only=True)
class AssistanceMessage:
    """One chat-like message of an assistance request (R14: they have no key and only accumulate)."""

    text: str | None = None
    participant_id: str | None = None
    time_added: datetime | None = None
    extra: Mapping[str, Any] = _mapping_field()


@attrs.frozen(kw_only=True)
class AssistanceRequest:
    """The details of one assistance request: participants sorted by user id, messages in arrival order.

    ``properties`` holds every scalar the details messages set (R15), known or not.
    """

    assistance_id: str
    interaction_id: str | None = None
    state: AssistanceRequestState | int | None = None
    participants: tuple[AssistanceParticipant, ...] = ()
    messages: tuple[AssistanceMessage, ...] = ()
    properties: Mapping[str, Any] = _mapping_field()


@attrs.frozen(kw_only=True)
class StatisticValue:
    """One statistic value (R17): its key as received, and its polymorphic ``statisticValue`` kept as received.

    ``value`` reads the ``value`` property of that object (an int, a string, ... by its ``__type``); None when the
    statistic has no current value.
    """

    statistic_key: Mapping[str, Any] = _mapping_field()
    statistic_value: Mapping[str, Any] | None = attrs.field(default=None, hash=False)
    extra: Mapping[str, Any] = _mapping_field()

    @property
    def statistic_id(self) -> str | None:
        """The key's ``statisticIdentifier``."""
        sid = self.statistic_key.get("statisticIdentifier")
        return sid if type(sid) is str else None

    @property
    def value(self) -> Any:
        """The current value (``statisticValue.value``), or None when there is none."""
        return None if self.statistic_value is None else self.statistic_value.get("value")

    @property
    def value_type(self) -> str | None:
        """The value object's ``__type`` (``urn:inin.com:statistics:statisticIntValue``, ...)."""
        t = None if self.statistic_value is None else self.statistic_value.get("__type")
        return t if type(t) is str else None


@attrs.frozen(kw_only=True)
class ConnectionStateChange:
    """The last connection-state message (R18): ``new_connection_state`` DOWN means the session is gone."""

    previous_connection_state: ConnectionState | int | None = None
    new_connection_state: ConnectionState | int | None = None
    reason: str | None = None
    should_reconnect: bool | None = None
    extra: Mapping[str, Any] = _mapping_field()

    @property
    def down(self) -> bool:
        """Whether the server dropped the session."""
        return self.new_connection_state == ConnectionState.DOWN

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> ConnectionStateChange:
        """The view of a cached connection-state entry (the generic store keeps it as received)."""
        return to_view(entry, cls)


_STRUCTURED: tuple[type[Any], ...] = (
    HistoryItem, QueueInteraction, StatusMessage, UserStatus, AssistanceParticipant, AssistanceMessage,
    AssistanceRequest, StatisticValue, ConnectionStateChange,
)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.capitalize() for p in rest)


def _enum_of(t: Any) -> type[enum.IntEnum] | None:
    """The IntEnum of a ``SomeEnum | int | None`` annotation, or None for any other type."""
    if typing.get_origin(t) not in (typing.Union, types.UnionType):
        return None
    for arg in typing.get_args(t):
        if isinstance(arg, type) and issubclass(arg, enum.IntEnum):
            return arg
    return None


def _enum_hook(t: Any) -> Callable[[Any, Any], Any]:
    enum_cls = _enum_of(t)
    assert enum_cls is not None

    def structure(value: Any, _: Any) -> Any:
        if value is None:
            return None
        if type(value) is not int:
            raise TypeError(f"expected an integer enum, got {value!r}")
        try:
            return enum_cls(value)
        except ValueError:
            return value  # R8: a value the library does not know yet stays a plain int

    return structure


def _class_hook(conv: cattrs.Converter, cls: type[Any]) -> Callable[[Any, Any], Any]:
    fields = attrs.fields(cls)
    renames = {a.name: override(rename=_camel(a.name)) for a in fields if a.name != "extra"}
    has_extra = any(a.name == "extra" for a in fields)
    if has_extra:
        renames["extra"] = override(rename=_EXTRA_KEY)
    generated = make_dict_structure_fn(cls, conv, **renames)  # type: ignore[arg-type]
    if not has_extra:
        return generated
    known = frozenset(_camel(a.name) for a in fields if a.name != "extra")

    def structure(raw: Mapping[str, Any], _: Any) -> Any:
        given: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for k, v in raw.items():
            if k in known:
                if v is not None:  # a null on a known property means absent (R3); only append items keep one
                    given[k] = v
            else:
                extra[k] = v
        if extra:
            given[_EXTRA_KEY] = extra
        return generated(given, cls)

    return structure


def _is_mapping(t: Any) -> bool:
    return typing.get_origin(t) is Mapping


def make_view_converter() -> cattrs.Converter:
    """A converter from raw cached items (camelCase dicts) to the view classes (rules: the module doc)."""
    conv = cattrs.Converter()
    conv.register_structure_hook(datetime, lambda v, _: parse_datetime(v))
    conv.register_structure_hook_func(_is_mapping, lambda v, _: types.MappingProxyType(dict(v)))
    conv.register_structure_hook_factory(lambda t: _enum_of(t) is not None, _enum_hook)
    for cls in _STRUCTURED:
        attrs.resolve_types(cls)
        conv.register_structure_hook(cls, _class_hook(conv, cls))
    return conv


_CONVERTER = make_view_converter()


def to_view(raw: Mapping[str, Any], cls: type[T]) -> T:
    """Structure one raw cached item (or a details dict) as the view class ``cls``.

    >>> raw = {"interactionId": "i1", "direction": 1, "interactionHistoryStatus": 9, "x": 1}
    >>> item = to_view(raw, HistoryItem)
    >>> item.direction, item.interaction_history_status, dict(item.extra)
    (<InteractionDirection.INCOMING: 1>, 9, {'x': 1})
    """
    return _CONVERTER.structure(raw, cls)
