"""What the scrubber replaces, per message type and per subscription body, as data.

Personal data sits in known places of the schema table's types, so each type gets a list of `Pattern` values:
a path of property names from the message down (`ITEMS` standing for the items of a list, a predicate for a
family of names) and what to do with the value found there (`Mode`). Everything not named is kept, so the ids,
times and structure that decide what the cache does stay as they are. Types in no row of the table (the generic
store) are scrubbed whole: every string leaf but ``__type`` and ``isDelta``.

`ScrubRules` (a rules file) changes this by property name, wherever the name appears: ``keep`` names are never
replaced, ``add`` names always are, and ``"generic": "keep"`` stops scrubbing generic types whole.
"""

from __future__ import annotations

import enum
import functools
import json
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from .. import Kind, Row, _rows, default_schema
from .._configuration import CONFIGURATION_ROWS, USERS
from .._errors import IcwsStateError

__all__ = [
    "ITEMS",
    "Mode",
    "Pattern",
    "ScrubRules",
    "ScrubRulesError",
    "body_patterns",
    "is_personal_attribute",
    "message_patterns",
    "subscription_id_prefixes",
    "user_queue_names",
]


class ScrubRulesError(IcwsStateError, ValueError):
    """A rules file that is not what `ScrubRules.from_json` expects."""


class Mode(enum.Enum):
    """What becomes of the values under a property."""

    #: Kept as they are (the rules' ``add`` names below still apply).
    KEEP = "keep"
    #: Every string replaced by its pseudonym (generic types, free-form configuration properties).
    STRINGS = "strings"
    #: Every string, integer and float replaced (a name, a phone number, even where it has the wrong type).
    ALL = "all"
    #: A date-time, moved by ``--shift-time`` when one is given.
    TIME = "time"


class _Items:
    def __repr__(self) -> str:
        return "ITEMS"


#: A pattern step standing for every item of a list.
ITEMS: Final = _Items()

Predicate = Callable[[Any, Mapping[str, Any]], bool]
Step = str | _Items | Predicate


@attrs.frozen
class Pattern:
    """The values at ``steps`` (from the message, or body, down) get ``mode``."""

    steps: tuple[Step, ...]
    mode: Mode


def _names(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


@attrs.frozen
class ScrubRules:
    """Changes to what is scrubbed, by property name (a queue attribute's name counts as one).

    >>> ScrubRules.from_json({"keep": ["Eic_WorkgroupName"], "add": ["customerEmail"], "generic": "keep"})
    ScrubRules(keep=frozenset({'Eic_WorkgroupName'}), add=frozenset({'customerEmail'}), generic=False)
    """

    #: Never replaced (secrets excepted: they always go).
    keep: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    #: Always replaced, every leaf, wherever the name appears.
    add: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    #: Whether types in no row of the table are scrubbed whole.
    generic: bool = True

    @classmethod
    def from_json(cls, value: Any) -> ScrubRules:
        """Rules from a decoded rules file: ``{"keep": [names], "add": [names], "generic": "scrub" | "keep"}``,
        every key optional. `ScrubRulesError` saying what was expected otherwise."""
        if type(value) is not dict:
            raise ScrubRulesError("a rules file must hold a JSON object with 'keep', 'add' and 'generic'")
        unknown = sorted(set(value) - {"keep", "add", "generic"})
        if unknown:
            raise ScrubRulesError(f"unknown key {unknown[0]!r} in rules: expected 'keep', 'add' or 'generic'")
        lists = {}
        for name in ("keep", "add"):
            names = value.get(name, [])
            if type(names) is not list or any(type(n) is not str or not n for n in names):
                raise ScrubRulesError(f"rules {name!r} must be a list of property names (non-empty strings)")
            lists[name] = names
        both = sorted(set(lists["keep"]) & set(lists["add"]))
        if both:
            raise ScrubRulesError(f"property {both[0]!r} is both in 'keep' and in 'add'")
        generic = value.get("generic", "scrub")
        if generic not in ("scrub", "keep"):
            raise ScrubRulesError(f"rules 'generic' must be \"scrub\" or \"keep\", got {json.dumps(generic)}")
        return cls(keep=lists["keep"], add=lists["add"], generic=generic == "scrub")

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> ScrubRules:
        """Rules from a JSON file; OSError if it cannot be read, `ScrubRulesError` if it is not rules."""
        with open(path, "rb") as f:
            data = f.read()
        try:
            value = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise ScrubRulesError(f"a rules file must be UTF-8 JSON: {e}") from None
        return cls.from_json(value)


# -- Predicates ------------------------------------------------------------------------------------------------------
def _prefixed(*prefixes: str) -> Predicate:
    def match(key: Any, parent: Mapping[str, Any]) -> bool:
        return type(key) is str and key.lower().startswith(prefixes)

    return match


def _one_of(*names: str) -> Predicate:
    chosen = frozenset(names)

    def match(key: Any, parent: Mapping[str, Any]) -> bool:
        return key in chosen

    return match


def _not_one_of(*names: str) -> Predicate:
    chosen = frozenset(names)

    def match(key: Any, parent: Mapping[str, Any]) -> bool:
        return key not in chosen

    return match


#: Parts of queue attribute names (compared in lower case) that mark personal data: the remote and local party's
#: names, addresses and numbers (``Eic_RemoteName``, ``Eic_LocalTn``), users (``Eic_UserQueueNames``), e-mail
#: addresses, subjects and notes. A false positive costs nothing: the cache never reads attribute values.
_ATTRIBUTE_PREFIXES = ("eic_remote", "eic_local")
_ATTRIBUTE_WORDS = ("name", "address", "phone", "email", "note", "subject", "user")


def is_personal_attribute(name: Any, parent: Mapping[str, Any] | None = None) -> bool:
    """Whether a queue attribute named ``name`` holds personal data (names, addresses, numbers, users, notes)."""
    if type(name) is not str:
        return False
    lowered = name.lower()
    return lowered.startswith(_ATTRIBUTE_PREFIXES) or any(w in lowered for w in _ATTRIBUTE_WORDS)


def _user_parameter(key: Any, parent: Mapping[str, Any]) -> bool:
    """A statistic key's parameter ``value`` whose parameter type names a user or agent
    (``ININ.People.AgentStats:User``): the part after the last ``:`` says what the value is."""
    kind = parent.get("parameterTypeId")
    if key != "value" or type(kind) is not str:
        return False
    what = kind.rsplit(":", 1)[-1].lower()
    return "user" in what or "agent" in what


def _user_queue_name(key: Any, parent: Mapping[str, Any]) -> bool:
    """A queue id's ``queueName`` when ``queueType`` is 1 (a user's queue, named by the user id)."""
    return key == "queueName" and parent.get("queueType") == 1 and type(parent.get("queueType")) is int


# -- The table ---------------------------------------------------------------------------------------------------
# The types come from the shipped table, so the scrubber and the cache cannot disagree on a name.
HISTORY = _rows.HISTORY.type
QUEUE = _rows.QUEUE_CONTENTS.type
USER_STATUS = _rows.USER_STATUSES.type
STATISTICS = _rows.STATISTIC_VALUES.type
DETAILS = _rows.ASSISTANCE_DETAILS.type

_ALL, _STRINGS, _TIME = Mode.ALL, Mode.STRINGS, Mode.TIME


def _personal(row: Row) -> list[Pattern]:
    """The personal data of one row's messages (a subscription id named after a user is handled by `Scrubber`)."""
    t = row.type
    if t == HISTORY:
        return [Pattern(("interactionHistory", ITEMS, _prefixed("remote", "local")), _ALL),
                Pattern(("interactionHistory", ITEMS, _one_of("notes", "log")), _ALL)]
    if t == QUEUE:
        return [Pattern((src, ITEMS, "attributes", is_personal_attribute), _ALL)
                for src in ("interactionsAdded", "interactionsChanged")]
    if t == USER_STATUS:
        return [Pattern(("userStatusList", ITEMS, _one_of("userId", "notes", "forwardNumber", "stations")), _ALL)]
    if t == STATISTICS:
        return [Pattern(("statisticValueChanges", ITEMS, "statisticKey", "parameterValueItems", ITEMS,
                         _user_parameter), _ALL)]
    if t == DETAILS:
        return [Pattern((_one_of("participantsAdded", "participantsChanged"), ITEMS,
                         _one_of("userId", "displayName")), _ALL),
                Pattern(("messagesAdded", ITEMS, _one_of("text", "participantId")), _ALL),
                Pattern(("participantsRemoved",), _ALL)]
    if row in CONFIGURATION_ROWS:
        lists = _one_of("added", "changed")
        out = [Pattern((lists, ITEMS, "configurationId", _one_of("displayName", "uri")), _ALL),
               # Every other property is whatever the subscription asked for: free-form, scrubbed whole.
               Pattern((lists, ITEMS, _not_one_of("configurationId")), _STRINGS)]
        if row == USERS:  # a user's configuration id is the user id
            out += [Pattern((lists, ITEMS, "configurationId", "id"), _ALL), Pattern(("removed",), _ALL)]
        return out
    return []


def _times(row: Row) -> list[Pattern]:
    """Where the row's date-times are, for ``--shift-time``: read from the table, not written out again."""
    out = [Pattern((p,), _TIME) for p, k in row.scalars.items() if k is Kind.DATETIME]
    for c in row.collections:
        for src in (c.added, c.changed, c.upsert):
            if src is not None:
                out += [Pattern((src, ITEMS, p), _TIME) for p, k in c.item.items() if k is Kind.DATETIME]
    for a in row.appends:
        out += [Pattern((a.source, ITEMS, p), _TIME) for p, k in a.item.items() if k is Kind.DATETIME]
    return out


def _build() -> dict[str, tuple[Pattern, ...]]:
    table = {}
    for row in default_schema():
        patterns = [*_personal(row), *_times(row)]
        table[row.type] = tuple(patterns)
    return table


@functools.cache
def _table() -> dict[str, tuple[Pattern, ...]]:
    return _build()


def message_patterns(message_type: str) -> tuple[Pattern, ...] | None:
    """The patterns of a type of the table; None for a type in no row (scrubbed whole, as generic)."""
    return _table().get(message_type)


def subscription_id_prefixes() -> tuple[str, ...]:
    """Subscription paths whose rest is a subscription id (``queues/``, ``configuration/users/``, ...), longest
    first."""
    prefixes = {row.path.split("{", 1)[0] for row in default_schema() if row.route == "subscriptionId"}
    return tuple(sorted(prefixes, key=lambda p: (-len(p), p)))


_STATUS_BODY = (Pattern(("userIds",), _ALL),)
_QUEUE_BODY = (Pattern(("queueIds", ITEMS, _user_queue_name), _ALL),)
_STATISTICS_BODY = (Pattern(("statisticKeys", ITEMS, "parameterValueItems", ITEMS, _user_parameter), _ALL),)
_USERS_BODY = (Pattern(("configurationIds",), _ALL),)
_USERS_PREFIX = USERS.path.split("{", 1)[0]


def user_queue_names(subscription: str, body: Any) -> list[str]:
    """The user queues a queue subscription's PUT body names (``queueType`` 1: the queue name is a user id)."""
    if not subscription.startswith("queues/") or type(body) is not dict or type(body.get("queueIds")) is not list:
        return []
    return [q["queueName"] for q in body["queueIds"]
            if type(q) is dict and _user_queue_name("queueName", q) and type(q["queueName"]) is str and q["queueName"]]


def body_patterns(subscription: str) -> tuple[Pattern, ...]:
    """The personal data of a PUT body on subscription path ``subscription``: the users it names."""
    if subscription == "status/user-statuses":
        return _STATUS_BODY
    if subscription.startswith("queues/"):
        return _QUEUE_BODY
    if subscription == "statistics/statistic-values":
        return _STATISTICS_BODY
    if subscription.startswith(_USERS_PREFIX):
        return _USERS_BODY
    return ()
