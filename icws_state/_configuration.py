"""The thirty ICWS configuration-list types (``schemas.md`` 6.4), as data: one list, one row shape.

ICWS publishes the configuration objects a client shows (users and their display names, workgroups, skills, wrap-up
codes, ...) through thirty subscription types that differ only in their ``__type`` and their path segment. In the
generic store (R1) a delta of one would replace its ``added`` / ``changed`` / ``removed`` lists themselves, so the
cache would not hold the objects at all; each is therefore a row of the table, built here from
`CONFIGURATION_LISTS` by `configuration_row` rather than written out thirty times. `_rows.default_schema` adds
them to the shipped table.

Every row is the same: path ``configuration/<segment>/{subscriptionId}`` routed by ``subscriptionId`` (R11); one
R12 collection keyed by the dotted key ``configurationId.id``, fed by ``added``, ``changed`` and ``removed``;
``configurationId`` typed as an object (replaced whole, not merged: its ``displayName`` and ``uri`` are data like
any other); every other item property is whatever the subscription's ``properties`` asked for, so it is unknown
to the table and kept as received (R8), a ``null`` in a changed item clearing it (R3).
"""

from __future__ import annotations

from ._schema import Collection, Kind, Row

__all__ = [
    "CONFIGURATION_KEY",
    "CONFIGURATION_LISTS",
    "CONFIGURATION_PREFIX",
    "CONFIGURATION_ROWS",
    "USERS",
    "collection_name",
    "configuration_row",
]

#: What every configuration type's ``__type`` starts with.
CONFIGURATION_PREFIX = "urn:inin.com:configuration."
#: The dotted key of every configuration collection (R12).
CONFIGURATION_KEY = "configurationId.id"

#: (``__type`` after `CONFIGURATION_PREFIX`, path segment), in the order of the spec's table.
CONFIGURATION_LISTS: tuple[tuple[str, str], ...] = (
    ("people:usersMessage", "users"),
    ("people:workgroupsMessage", "workgroups"),
    ("people:accessControlGroupsMessage", "access-control-groups"),
    ("people:accountCodesMessage", "account-codes"),
    ("people:clientButtonsMessage", "client-buttons"),
    ("people:clientConfigurationTemplatesMessage", "client-configuration-templates"),
    ("people:clientTemplatesMessage", "client-templates"),
    ("people:passwordPoliciesMessage", "password-policies"),
    ("people:queueColumnsMessage", "queue-columns"),
    ("people:responseManagementDocumentsMessage", "response-management-documents"),
    ("people:rolesMessage", "roles"),
    ("people:schedulesMessage", "schedules"),
    ("people:secureInputFormsMessage", "secure-input-forms"),
    ("people:skillCategoriesMessage", "skill-categories"),
    ("people:skillsMessage", "skills"),
    ("people:statisticParameterGroupsMessage", "statistic-parameter-groups"),
    ("people:wrapUpCategoriesMessage", "wrap-up-categories"),
    ("people:wrapUpCodesMessage", "wrap-up-codes"),
    ("hardware:audioSourcesMessage", "audio-sources"),
    ("hardware:recordingBeepTonesMessage", "recording-beep-tones"),
    ("hardware:structuredParametersMessage", "structured-parameters"),
    ("integrations:salesforceCTIConfigurationsMessage", "salesforce-cti-configurations"),
    ("interactionAnalyzer:keywordSetsMessage", "keyword-sets"),
    ("system:actionsMessage", "actions"),
    ("system:dialPlanClassificationsMessage", "dial-plan-classifications"),
    ("system:imageResourcesMessage", "image-resources"),
    ("system:layoutsMessage", "layouts"),
    ("system:positionsMessage", "positions"),
    ("system:serverParametersMessage", "server-parameters"),
    ("system:systemParametersMessage", "system-parameters"),
)


def collection_name(segment: str) -> str:
    """A path segment in lower camel case, the name of its collection: ``wrap-up-codes`` -> ``wrapUpCodes``."""
    head, *rest = segment.split("-")
    return head + "".join(word.capitalize() for word in rest)


def configuration_row(type_suffix: str, segment: str) -> Row:
    """The row of one configuration-list type: ``configuration/<segment>/{subscriptionId}``, one collection."""
    return Row(
        type=CONFIGURATION_PREFIX + type_suffix,
        path=f"configuration/{segment}/{{subscriptionId}}",
        route="subscriptionId",
        collections=(
            Collection(
                name=collection_name(segment),
                key=CONFIGURATION_KEY,
                added="added",
                changed="changed",
                removed="removed",
                item={"configurationId": Kind.OBJECT},
            ),
        ),
    )


CONFIGURATION_ROWS: tuple[Row, ...] = tuple(configuration_row(t, s) for t, s in CONFIGURATION_LISTS)
#: The users list: where a presence view finds display names.
USERS: Row = CONFIGURATION_ROWS[0]
