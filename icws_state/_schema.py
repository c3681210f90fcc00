"""The schema table: every ICWS message type the cache understands, as data.

Each `Row` names a message type, the subscription path its messages belong to (rule R11), and the shapes of its
properties: keyed collections (R4, R12, R13), id sets (R5), append lists (R14) and typed scalars (R15). One engine
(`_reducer`) runs every row; the seeded types (interaction history, the assistance-request list and its state
message) are rows like any other. A type that is in no row goes to the generic store (R1).

A client that needs a type the library does not ship builds a `Row` and extends the table::

    >>> from icws_state import Collection, Kind, Row, default_schema
    >>> row = Row(
    ...     type="urn:example.com:crm:accountsMessage",
    ...     path="crm/accounts/{subscriptionId}",
    ...     route="subscriptionId",
    ...     collections=(Collection(
    ...         name="accounts", key="accountId.id",
    ...         added="added", changed="changed", removed="removed",
    ...         item={"accountId": Kind.OBJECT, "name": Kind.STRING},
    ...     ),),
    ... )
    >>> schema = default_schema().with_row(row)
    >>> schema.row(row.type).path
    'crm/accounts/{subscriptionId}'
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Mapping

import attrs

from ._errors import SchemaError

__all__ = [
    "AppendList",
    "Collection",
    "GenericType",
    "IdSet",
    "Kind",
    "Row",
    "Schema",
]

_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")
#: Properties every message has; no row may claim them.
RESERVED = frozenset({"__type", "isDelta"})


class Kind(enum.Enum):
    """The JSON type a known property must have (R8)."""

    #: A string.
    STRING = "string"
    #: ``true`` or ``false``.
    BOOLEAN = "boolean"
    #: An integer enum: a JSON integer (not a boolean, not ``1.0``); values outside the known range are kept.
    ENUM = "enum"
    #: An ICWS date-time string (section 1 of the spec).
    DATETIME = "date-time"
    #: A list of strings.
    STRING_LIST = "list of strings"
    #: An object whose own keys are data (string values); merges one level down in changed items (R12).
    MAP = "map"
    #: Any object; replaced whole.
    OBJECT = "object"
    #: An ICWS error object: string ``message`` required, string ``errorId`` optional.
    ERROR = "error object"
    #: A subscription state: integer 0-3, required on the subscription-state rows.
    STATE = "subscription state"


def _fields(value: Mapping[str, Kind]) -> Mapping[str, Kind]:
    return dict(value)


def _names(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _rows(value: Mapping[str, Row]) -> dict[str, Row]:
    return dict(value)


@attrs.frozen
class Collection:
    """Items keyed by a string property, changed by added / changed / removed lists (R12) or one upsert list (R4, R13).

    ``order_by`` (a date-time property) keeps the items sorted by that instant, then by key (R6); ``bound_parameter``
    names the PUT parameter that bounds their number (R7). ``maps`` are the item properties typed `Kind.MAP`.

    The key is a string compared exactly, unless ``case_insensitive`` (R16: keyed by the casefolded string, as ICWS
    status ids are) or ``object_key`` (R17: the key property is an object, keyed by its canonical JSON text, as
    statistic keys are; only an upsert list may have one, since a removed list could not name it).
    """

    name: str
    key: str
    item: Mapping[str, Kind] = attrs.field(factory=dict, converter=_fields)
    nullable: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    added: str | None = None
    changed: str | None = None
    removed: str | None = None
    upsert: str | None = None
    order_by: str | None = None
    bound_parameter: str | None = None
    case_insensitive: bool = False
    object_key: bool = False

    @property
    def sources(self) -> tuple[str, ...]:
        """The message properties that feed this collection."""
        return tuple(p for p in (self.added, self.changed, self.removed, self.upsert) if p is not None)

    @property
    def maps(self) -> tuple[str, ...]:
        """The item properties typed `Kind.MAP` (they merge one level down, R12)."""
        return tuple(p for p, k in self.item.items() if k is Kind.MAP)


@attrs.frozen
class IdSet:
    """A set of string ids: ``added`` then ``removed`` (R5)."""

    name: str
    added: str
    removed: str

    @property
    def sources(self) -> tuple[str, ...]:
        """The message properties that feed this id set."""
        return (self.added, self.removed)


@attrs.frozen
class AppendList:
    """Unkeyed items that accumulate: a delta appends, a full message replaces (R14)."""

    name: str
    source: str
    item: Mapping[str, Kind] = attrs.field(factory=dict, converter=_fields)
    nullable: frozenset[str] = attrs.field(default=frozenset(), converter=_names)

    @property
    def sources(self) -> tuple[str, ...]:
        """The message property that feeds this list."""
        return (self.source,)


@attrs.frozen
class Row:
    """One message type of the table.

    ``path`` is the subscription path, with at most one ``{placeholder}`` filled from the message property
    ``route`` (R11). A ``state`` row is a subscription-state message: it drives the lifecycle of its path and caches
    nothing else. ``exported_as`` places a seeded row's single collection or id set at the top level of the
    snapshot (``history``, ``assistanceRequests``) instead of under ``subscriptionData``; such rows keep no scalars.
    """

    type: str
    path: str
    route: str | None = None
    state: bool = False
    collections: tuple[Collection, ...] = ()
    id_sets: tuple[IdSet, ...] = ()
    appends: tuple[AppendList, ...] = ()
    scalars: Mapping[str, Kind] = attrs.field(factory=dict, converter=_fields)
    nullable: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    required: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    exported_as: str | None = None

    def __attrs_post_init__(self) -> None:
        _check_row(self)

    @property
    def parts(self) -> tuple[Collection | IdSet | AppendList, ...]:
        """Collections, id sets and append lists, in that order (the order of a path's stores)."""
        return (*self.collections, *self.id_sets, *self.appends)

    @property
    def keeps_properties(self) -> bool:
        """Whether the row caches scalar properties (R15): not a state row, not a seeded top-level one."""
        return not self.state and self.exported_as is None

    def path_for(self, route_value: str | None) -> str:
        """The subscription path of a message whose routing property is ``route_value`` (R11)."""
        if self.route is None:
            return self.path
        return self.path.replace("{" + self.route + "}", route_value or "")


def _check_row(row: Row) -> None:
    def bad(why: str) -> SchemaError:
        return SchemaError(f"row {row.type!r}: {why}")

    if not isinstance(row.type, str) or not row.type:
        raise bad("type must be a non-empty string")
    if not isinstance(row.path, str) or not row.path or row.path.startswith("/") or "?" in row.path:
        raise bad("path must be a subscription path such as 'queues/{subscriptionId}' (no leading '/', no query)")
    holes = _PLACEHOLDER.findall(row.path)
    if len(holes) > 1:
        raise bad("path may hold at most one {placeholder}")
    if holes and holes[0] != row.route:
        raise bad(f"path placeholder {{{holes[0]}}} must be named by route=, got route={row.route!r}")
    if row.route is not None and not holes:
        raise bad(f"route={row.route!r} given but the path has no {{{row.route}}} placeholder")
    if row.state and row.parts:
        raise bad("a subscription-state row caches only state and error: no collections, id sets or lists")
    if row.state and row.scalars:
        raise bad("a subscription-state row has no scalars")
    names: set[str] = set()
    sources: set[str] = {row.route} if row.route else set()
    for part in row.parts:
        if not part.name or part.name in names or part.name in ("type", "properties"):
            raise bad(f"part name {part.name!r} is empty, repeated or reserved")
        names.add(part.name)
        for s in part.sources:
            if not s or s in sources or s in RESERVED or s in row.scalars:
                raise bad(f"message property {s!r} is empty, reserved or used twice")
            sources.add(s)
    for c in row.collections:
        if not c.key or any(not seg for seg in c.key.split(".")):
            raise bad(f"collection {c.name!r} needs a key such as 'interactionId' or 'configurationId.id'")
        if not c.sources:
            raise bad(f"collection {c.name!r} has no added, changed, removed or upsert list")
        if c.upsert is not None and (c.added or c.changed or c.removed):
            raise bad(f"collection {c.name!r}: an upsert list stands alone (no added/changed/removed)")
        if c.order_by is not None and c.item.get(c.order_by) is not Kind.DATETIME:
            raise bad(f"collection {c.name!r}: order_by must name a DATETIME item property")
        if c.object_key:
            if c.upsert is None or "." in c.key or c.case_insensitive:
                raise bad(f"collection {c.name!r}: an object key needs an upsert list, a plain property name and "
                          "no case folding")
            if c.item.get(c.key, Kind.OBJECT) is not Kind.OBJECT:
                raise bad(f"collection {c.name!r}: its object key {c.key!r} must be typed OBJECT")
        elif "." not in c.key and c.item.get(c.key, Kind.STRING) is not Kind.STRING:
            raise bad(f"collection {c.name!r}: its key {c.key!r} must be typed STRING")
    for kinds in (row.scalars, *(c.item for c in row.collections), *(a.item for a in row.appends)):
        for p, k in kinds.items():
            if not isinstance(k, Kind) or k in (Kind.STATE,):
                raise bad(f"property {p!r} has no valid Kind: {k!r}")
    for p in row.scalars:
        if p in RESERVED or p == row.route:
            raise bad(f"scalar {p!r} is reserved or the routing property")
    if row.exported_as is not None and (len(row.parts) != 1 or row.appends or row.scalars):
        raise bad("exported_as needs exactly one collection or id set and no scalars")


@attrs.frozen
class GenericType:
    """A type that belongs to no subscription path and is cached in the generic store (R1), but whose known
    properties are typed (R8), and which may end the session (R18: a connection-down message acts as a 401).

    ``ends_session`` is ``(property, value)``: a valid message whose ``property`` equals ``value`` ends the session,
    with the string property ``reason`` (when present) as the error's message.
    """

    type: str
    scalars: Mapping[str, Kind] = attrs.field(factory=dict, converter=_fields)
    required: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    ends_session: tuple[str, int] | None = None
    reason: str | None = None


def _generic_types(value: Mapping[str, GenericType]) -> dict[str, GenericType]:
    return dict(value)


@attrs.frozen
class Schema:
    """An immutable table of rows, keyed by message type. `with_row` returns a new, checked table.

    ``generic`` types stay in the generic store but have typed properties (R18's connection-state message).
    """

    rows: Mapping[str, Row] = attrs.field(converter=_rows)
    generic: Mapping[str, GenericType] = attrs.field(factory=dict, converter=_generic_types)

    def row(self, message_type: str) -> Row | None:
        """The row of ``message_type``, or None for a type the table does not describe (R1)."""
        return self.rows.get(message_type)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows.values())

    def __len__(self) -> int:
        return len(self.rows)

    def with_row(self, row: Row) -> Schema:
        """A new schema with ``row`` added; SchemaError if its type or its data path is already taken."""
        if not isinstance(row, Row):
            raise SchemaError(f"expected a Row, got {type(row).__name__}")
        if row.type in self.rows or row.type in self.generic:
            raise SchemaError(f"type {row.type!r} already has a row")
        if not row.state:
            for other in self.rows.values():
                if not other.state and _same_template(other.path, row.path):
                    raise SchemaError(f"path {row.path!r} already carries the data of {other.type!r}")
        exported = {r.exported_as for r in self.rows.values()} - {None}
        if row.exported_as is not None and row.exported_as in exported:
            raise SchemaError(f"snapshot key {row.exported_as!r} is already taken")
        return Schema({**self.rows, row.type: row}, self.generic)


def _same_template(a: str, b: str) -> bool:
    return _PLACEHOLDER.sub("{}", a) == _PLACEHOLDER.sub("{}", b)
