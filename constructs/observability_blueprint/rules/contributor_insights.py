"""Contributor Insights rules: the rule body, its limits, and the rules shipped by default.

Pure module: no aws_cdk import. A rule ranks the contributors (client IPs,
paths, callers) of the log events it matches, by count or by the sum of a
field. The constructs (``logs.contributor_insights``, ``audit.trail_insights``)
and the config models call the same checks, so a rule reads the same from YAML
and from Python.

Sources: "Contributor Insights rule syntax in CloudWatch" (Keys and Filters at
most four each, ``In``/``NotIn``/``StartsWith`` at most 10 strings, CLF
``Fields``), https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContributorInsights-RuleSyntax.html;
the CloudWatch ``PutInsightRule`` API (``RuleName`` 1-128 printable ASCII,
``RuleDefinition`` 1-8,192 ASCII characters),
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutInsightRule.html;
and DynamoDB's ``UpdateContributorInsights``,
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateContributorInsights.html.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.structured_logs import StructuredLogFields

LogFormat = Literal["JSON", "CLF"]
AggregateOn = Literal["Count", "Sum"]

INSIGHT_RULE_BODY_MAX: Final = 8192
INSIGHT_RULE_KEYS_MAX: Final = 4
INSIGHT_RULE_FILTERS_MAX: Final = 4
INSIGHT_RULE_LOG_GROUPS_MAX: Final = 20
INSIGHT_RULE_NAME_MAX: Final = 128
INSIGHT_FILTER_STRINGS_MAX: Final = 10
"""Strings an ``In``, ``NotIn`` or ``StartsWith`` filter compares with, at most."""
INSIGHT_FILTER_OPERATORS: Final[tuple[str, ...]] = (
    "In",
    "NotIn",
    "StartsWith",
    "GreaterThan",
    "LessThan",
    "EqualTo",
    "NotEqualTo",
    "IsPresent",
)
_LIST_OPERATORS: Final = ("In", "NotIn", "StartsWith")
_NUMBER_OPERATORS: Final = ("GreaterThan", "LessThan", "EqualTo", "NotEqualTo")
# A CLF alias is used bare in Keys, ValueOf and Match, so it must not look like JSON notation.
_CLF_ALIAS_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DYNAMODB_TABLE_RE: Final = re.compile(r"[a-zA-Z0-9_.-]{3,255}")


@dataclass(frozen=True, kw_only=True)
class InsightRuleSpec:
    """One Contributor Insights rule over JSON or Common Log Format events.

    Parameters
    ----------
    name
        Logical name; the construct ID and the end of the physical name.
    keys
        1 to 4 fields identifying a contributor: JSON notation for JSON logs
        (``$.userIdentity.arn``), a position (``"1"``) or a ``fields`` alias for CLF.
    filters
        Up to 4 filters as Contributor Insights writes them
        (``{"Match": "$.errorCode", "IsPresent": True}``); all must match.
    aggregate_on
        ``Count`` events or ``Sum`` the field ``value_of``.
    value_of
        The numeric field summed with ``aggregate_on="Sum"`` (and only then).
    log_format
        ``JSON`` or ``CLF``. Default: JSON.
    fields
        CLF only: aliases of positions, ``{"1": "ClientIp", "6": "Status"}``.
    """

    name: str
    keys: tuple[str, ...]
    filters: tuple[Mapping[str, Any], ...] = ()
    aggregate_on: AggregateOn = "Count"
    value_of: str | None = None
    log_format: LogFormat = "JSON"
    fields: Mapping[str, str] | None = None

    def body(self, log_group_names: Sequence[str]) -> dict[str, Any]:
        """Return the rule body reading ``log_group_names``."""
        return insight_rule_body(
            log_group_names=log_group_names,
            keys=self.keys,
            filters=self.filters,
            aggregate_on=self.aggregate_on,
            value_of=self.value_of,
            log_format=self.log_format,
            fields=self.fields,
        )


def insight_rule_body(
    *,
    log_group_names: Sequence[str],
    keys: Sequence[str],
    filters: Sequence[Mapping[str, Any]] = (),
    aggregate_on: AggregateOn = "Count",
    value_of: str | None = None,
    log_format: LogFormat = "JSON",
    fields: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return a Contributor Insights rule body (``Schema`` CloudWatchLogRule, version 1)."""
    contribution: dict[str, Any] = {"Keys": list(keys), "Filters": [dict(f) for f in filters]}
    if value_of is not None:
        contribution["ValueOf"] = value_of
    body: dict[str, Any] = {
        "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
        "LogGroupNames": list(log_group_names),
        "LogFormat": log_format,
    }
    if fields:
        body["Fields"] = dict(fields)
    body["Contribution"] = contribution
    body["AggregateOn"] = aggregate_on
    return body


def _field_problem(value: object, log_format: str, aliases: Mapping[str, str]) -> str | None:
    """Why ``value`` names no field of a log event in ``log_format``, or None."""
    if log_format == "JSON":
        if isinstance(value, str) and value.startswith("$."):
            return None
        return f"{cut(repr(value))} is not a JSON field; use $.field.name"
    if isinstance(value, str) and (
        (value.isdigit() and int(value) >= 1) or value in aliases.values()
    ):
        return None
    known = ", ".join(sorted(aliases.values())) or "none defined"
    return (
        f'{cut(repr(value))} is not a CLF field; use a position ("1" for the first field) '
        f"or an alias from fields ({cut(known)})"
    )


def _operand_problem(operator: str, operand: object) -> str | None:
    """Why ``operand`` does not suit ``operator``, or None."""
    if operator in _LIST_OPERATORS:
        if (
            isinstance(operand, list)
            and 1 <= len(operand) <= INSIGHT_FILTER_STRINGS_MAX
            and all(isinstance(item, str) for item in operand)
        ):
            return None
        return f"{operator} takes a list of 1 to {INSIGHT_FILTER_STRINGS_MAX} strings"
    if operator in _NUMBER_OPERATORS:
        if isinstance(operand, int | float) and not isinstance(operand, bool):
            return None
        return f"{operator} takes one number"
    if isinstance(operand, bool):
        return None
    return f"{operator} takes true or false"


def _filter_problems(
    filters: Sequence[Mapping[str, Any]], log_format: str, aliases: Mapping[str, str]
) -> list[Problem]:
    problems: list[Problem] = []
    for index, item in enumerate(filters):
        where = f"filters[{index}]"
        operators = [k for k in item if k != "Match"]
        match = item.get("Match", "")
        match_ok = _field_problem(match, log_format, aliases) is None
        if not match_ok or len(operators) != 1 or operators[0] not in INSIGHT_FILTER_OPERATORS:
            field = "$.field" if log_format == "JSON" else "a CLF position or alias"
            problems.append(
                Problem(
                    where,
                    f"{cut(repr(dict(item)))} is not a filter; give Match ({field}) and one of "
                    + ", ".join(INSIGHT_FILTER_OPERATORS),
                )
            )
        elif message := _operand_problem(operators[0], item[operators[0]]):
            problems.append(
                Problem(f"{where}.{operators[0]}", f"{cut(repr(item[operators[0]]))}: {message}")
            )
    return problems


def _clf_fields_problems(fields: Mapping[str, Any]) -> list[Problem]:
    return [
        Problem(
            f"fields.{cut(str(position))}",
            f"{cut(repr(alias))} at {cut(repr(position))}: a CLF field alias maps a position "
            '("1", "2", ...) to a name of letters, digits and underscores',
        )
        for position, alias in fields.items()
        if not (str(position).isdigit() and int(position) >= 1)
        or not (isinstance(alias, str) and _CLF_ALIAS_RE.fullmatch(alias))
    ]


def insight_rule_problems(
    body: Mapping[str, Any], *, rendered_length: int | None = None
) -> list[Problem]:
    """Return what is wrong with a Contributor Insights rule body.

    Locations are relative: ``keys``, ``keys[i]``, ``value_of``, ``filters``,
    ``filters[i]``, ``fields``, ``log_groups`` or ``body``. ``rendered_length`` is
    the length of the body as deployed, when the caller knows it better than
    ``json.dumps`` (names resolved later).
    """
    problems: list[Problem] = []
    log_format = body.get("LogFormat", "JSON")
    raw_fields = body.get("Fields") or {}
    if log_format not in ("JSON", "CLF"):
        problems.append(
            Problem("log_format", f"{cut(repr(log_format))} is not a log format; use JSON or CLF")
        )
        log_format = "JSON"
    if raw_fields and log_format != "CLF":
        problems.append(Problem("fields", "names CLF positions; use it with log_format CLF only"))
    aliases: dict[str, str] = {}
    if log_format == "CLF":
        problems += _clf_fields_problems(raw_fields)
        aliases = {str(k): v for k, v in raw_fields.items() if isinstance(v, str)}
    contribution = body.get("Contribution", {})
    keys = contribution.get("Keys", [])
    filters = contribution.get("Filters", [])
    if not 1 <= len(keys) <= INSIGHT_RULE_KEYS_MAX:
        problems.append(
            Problem(
                "keys",
                f"{len(keys)} keys; a Contributor Insights rule takes 1 to {INSIGHT_RULE_KEYS_MAX}",
            )
        )
    for index, key in enumerate(keys):
        if message := _field_problem(key, log_format, aliases):
            problems.append(Problem(f"keys[{index}]", message))
    if (value_of := contribution.get("ValueOf")) is not None and (
        message := _field_problem(value_of, log_format, aliases)
    ):
        problems.append(Problem("value_of", message))
    if len(filters) > INSIGHT_RULE_FILTERS_MAX:
        problems.append(
            Problem(
                "filters",
                f"{len(filters)} filters; a Contributor Insights rule takes at most "
                f"{INSIGHT_RULE_FILTERS_MAX}",
            )
        )
    problems += _filter_problems(filters, log_format, aliases)
    log_groups = body.get("LogGroupNames", [])
    if not 1 <= len(log_groups) <= INSIGHT_RULE_LOG_GROUPS_MAX:
        problems.append(
            Problem(
                "log_groups",
                f"{len(log_groups)} log groups; a rule reads 1 to {INSIGHT_RULE_LOG_GROUPS_MAX}",
            )
        )
    length = rendered_length if rendered_length is not None else len(json.dumps(body))
    if length > INSIGHT_RULE_BODY_MAX:
        problems.append(
            Problem(
                "body",
                f"the rule body is {length} characters; Contributor Insights allows at most "
                f"{INSIGHT_RULE_BODY_MAX}",
            )
        )
    return problems


def rule_spec_problems(spec: InsightRuleSpec, log_group_names: Sequence[str]) -> list[Problem]:
    """Return what is wrong with ``spec`` reading ``log_group_names``.

    The pairing of ``aggregate_on`` and ``value_of``, then :func:`insight_rule_problems`
    on the body. Locations are relative to the spec (``value_of``, ``keys[0]``).
    """
    problems: list[Problem] = []
    if (spec.aggregate_on == "Sum") != (spec.value_of is not None):
        problems.append(Problem("value_of", "is needed with aggregate_on Sum, and only then"))
    return problems + insight_rule_problems(spec.body(log_group_names))


def check_insight_rule_name(name: str) -> str | None:
    """Return why ``name`` cannot name a Contributor Insights rule."""
    if not 1 <= len(name) <= INSIGHT_RULE_NAME_MAX or not re.fullmatch(r"[\x20-\x7E]+", name):
        return (
            f"{cut(name)!r} is not a Contributor Insights rule name; use 1 to "
            f"{INSIGHT_RULE_NAME_MAX} printable ASCII characters"
        )
    return None


# ------------------------------------------------------- access log defaults

FAILING_STATUS_MIN: Final = 500
"""Requests with this status code or above count as failing (server errors)."""


def json_access_log_rules(
    fields: StructuredLogFields | None = None,
    *,
    client_ip: str = "client_ip",
    path: str = "path",
    failing_status_min: int = FAILING_STATUS_MIN,
) -> tuple[InsightRuleSpec, InsightRuleSpec]:
    """Return the default rules for JSON access logs: top client IPs, top failing paths.

    Parameters
    ----------
    fields
        The structured-log field names; ``status_code`` is read from it (it must
        be a JSON number). Default: Powertools-compatible names.
    client_ip
        The field holding the client address. Default: ``client_ip``.
    path
        The field holding the request path. Default: ``path``.
    failing_status_min
        The lowest status code that counts as failing. Default: 500.
    """
    status = (fields or StructuredLogFields()).status_code
    return (
        InsightRuleSpec(name="top-client-ips", keys=(f"$.{client_ip}",)),
        InsightRuleSpec(
            name="top-failing-paths",
            keys=(f"$.{path}", f"$.{status}"),
            # GreaterThan is strict: one below the lowest failing code.
            filters=({"Match": f"$.{status}", "GreaterThan": failing_status_min - 1},),
        ),
    )


def clf_access_log_rules(
    *,
    client_ip_position: int = 1,
    request_position: int = 5,
    status_position: int = 6,
    failing_status_min: int = FAILING_STATUS_MIN,
) -> tuple[InsightRuleSpec, InsightRuleSpec]:
    """Return the default rules for Common Log Format access logs.

    Top client IPs, and top failing requests (the request line, method and path,
    with the status code). The default positions are those of NCSA CLF,
    ``host ident authuser [date] "request" status bytes``, counting the bracketed
    date and the quoted request as one field each; pass others for another layout.
    """
    aliases = {
        str(client_ip_position): "ClientIp",
        str(request_position): "Request",
        str(status_position): "Status",
    }
    return (
        InsightRuleSpec(
            name="top-client-ips", keys=("ClientIp",), log_format="CLF", fields=aliases
        ),
        InsightRuleSpec(
            name="top-failing-paths",
            keys=("Request", "Status"),
            filters=({"Match": "Status", "GreaterThan": failing_status_min - 1},),
            log_format="CLF",
            fields=aliases,
        ),
    )


# ------------------------------------------------------------------ DynamoDB


def check_dynamodb_table_name(name: str, *, kind: str = "table") -> str | None:
    """Return why ``name`` cannot name a DynamoDB table (or ``kind="index"``), or None."""
    if _DYNAMODB_TABLE_RE.fullmatch(name):
        return None
    return (
        f"{cut(name)!r} is not a DynamoDB {kind} name; use 3 to 255 letters, digits, "
        "'_', '-' and '.'"
    )


def dynamodb_contributor_insights_command(table_name: str, *, index_name: str | None = None) -> str:
    """Return the AWS CLI command that turns on DynamoDB Contributor Insights for a table.

    DynamoDB then publishes its own rules (most accessed and most throttled
    partition and sort keys). CloudFormation can enable them only on a table the
    stack defines (``ContributorInsightsSpecification``); for a table that lives
    elsewhere this command is the one step left to the user.

    Raises
    ------
    ValueError
        ``table_name`` or ``index_name`` is not a valid DynamoDB name.
    """
    for kind, value in (("table", table_name), ("index", index_name)):
        if value is not None and (message := check_dynamodb_table_name(value, kind=kind)):
            raise ValueError(message)
    command = [
        "aws",
        "dynamodb",
        "update-contributor-insights",
        "--table-name",
        table_name,
    ]
    if index_name is not None:
        command += ["--index-name", index_name]
    command += ["--contributor-insights-action", "ENABLE"]
    return shlex.join(command)


def rule_list_problems(
    rules: Sequence[InsightRuleSpec], log_group_names: Sequence[str]
) -> list[Problem]:
    """Problems of a list of rules on the same log groups, located at ``rules[i]...``:
    a name used twice, and each rule's own (:func:`rule_spec_problems`)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        where = f"rules[{index}]"
        if rule.name in seen:
            problems.append(Problem(f"{where}.name", f"{rule.name!r} is used twice"))
        seen.add(rule.name)
        problems += [
            Problem(f"{where}.{p.location}", p.message)
            for p in rule_spec_problems(rule, log_group_names)
        ]
    return problems
