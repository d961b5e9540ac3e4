"""Cross-account observability: OAM sinks and links, organization telemetry and centralization.

Pure module: no aws_cdk import.

Sources
-------
- Ids: botocore ``organizations`` model, shapes ``AccountId`` (``^\\d{12}$``),
  ``OrganizationId`` (``^o-[a-z0-9]{10,32}$``), ``OrganizationalUnitId``
  (``^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$``) and ``RootId`` (``^r-[0-9a-z]{4,32}$``).
- Sinks and links: botocore ``oam`` model (``SinkName``, ``ResourceType``,
  ``ResourceTypesInput`` 1-50, ``LabelTemplate`` 1-64, ``LogsFilter`` and
  ``MetricsFilter`` 1-2,000, ``ResourceIdentifier``) and the ``AWS::Oam::Sink`` /
  ``AWS::Oam::Link`` CloudFormation schemas, which agree with it.
  https://docs.aws.amazon.com/OAM/latest/APIReference/API_CreateLink.html
  https://docs.aws.amazon.com/OAM/latest/APIReference/API_LinkConfiguration.html
- The sink policy: the examples of
  https://docs.aws.amazon.com/OAM/latest/APIReference/API_PutSinkPolicy.html
  (accounts as principals, or ``"*"`` with ``aws:PrincipalOrgID``; the actions
  ``oam:CreateLink`` and ``oam:UpdateLink``; ``Resource: "*"``; the data shared
  limited by ``ForAllValues:StringEquals`` on ``oam:ResourceTypes``) and the
  organization paths of
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
- Organization rules: the ``AWS::ObservabilityAdmin::OrganizationTelemetryRule``
  and ``...::OrganizationCentralizationRule`` CloudFormation schemas. Where they
  are narrower than botocore's ``observabilityadmin`` model (rule names: the
  schema takes ``[0-9A-Za-z-]``, the API also ``_.#/``; telemetry types: the
  schema takes Logs and Metrics, the API also Traces and Insights; resource
  types: 12 against 25), the schema is what CloudFormation validates the
  template against, so the schema's values are the ones accepted here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.limits import closest

ACCOUNT_ID_RE: Final = re.compile(r"\d{12}")
ORGANIZATION_ID_RE: Final = re.compile(r"o-[a-z0-9]{10,32}")
OU_ID_RE: Final = re.compile(r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}")
ROOT_ID_RE: Final = re.compile(r"r-[0-9a-z]{4,32}")

RESOURCE_TYPES: Final[tuple[str, ...]] = (
    "AWS::CloudWatch::Metric",
    "AWS::Logs::LogGroup",
    "AWS::XRay::Trace",
    "AWS::ApplicationInsights::Application",
    "AWS::InternetMonitor::Monitor",
    "AWS::ApplicationSignals::Service",
    "AWS::ApplicationSignals::ServiceLevelObjective",
)
"""What a link can share (botocore ``oam`` shape ``ResourceType``, in its order)."""

SHARE: Final[Mapping[str, tuple[str, ...]]] = {
    "metrics": ("AWS::CloudWatch::Metric",),
    "logs": ("AWS::Logs::LogGroup",),
    "traces": ("AWS::XRay::Trace",),
    "application_insights": ("AWS::ApplicationInsights::Application",),
    "internet_monitor": ("AWS::InternetMonitor::Monitor",),
    "application_signals": (
        "AWS::ApplicationSignals::Service",
        "AWS::ApplicationSignals::ServiceLevelObjective",
    ),
}
"""The file's names for what is shared, and the resource types each one means."""

DEFAULT_SHARE: Final = ("metrics", "logs", "traces", "application_signals")
"""Shared when the file names nothing: what dashboards, alarms and traces read."""

SINK_ACTIONS: Final = ("oam:CreateLink", "oam:UpdateLink")
"""The only actions a sink policy grants: what a source account does to link."""

SINK_NAME_RE: Final = re.compile(r"[a-zA-Z0-9_.-]{1,255}")
LABEL_TEMPLATE_MAX: Final = 64
LABEL_VARIABLES: Final = ("$AccountName", "$AccountEmail", "$AccountEmailNoDomain")
"""The variables a label template may use (botocore ``oam`` CreateLink LabelTemplate)."""
DEFAULT_LABEL_TEMPLATE: Final = "$AccountName"
LINK_FILTER_MAX: Final = 2000
LINK_FILTER_CONNECTIVES_MAX: Final = 5
"""'Each filter has a limit of five conditional operands. Conditional operands are AND and OR.'"""
LOG_GROUP_SUBJECT: Final = "LogGroupName"
METRIC_SUBJECT: Final = "Namespace"
SINK_ARN_RE: Final = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):oam:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):sink/[A-Za-z0-9_.-]+"
)
"""A sink's ARN, as ListSinks returns it (``arn:aws:oam:REGION:ACCOUNT:sink/ID``)."""

RULE_NAME_RE: Final = re.compile(r"[0-9A-Za-z-]{1,100}")
"""Organization rule names (the CloudFormation schemas' ``RuleName``)."""
SCOPE_MAX: Final = 2000
TELEMETRY_RESOURCE_TYPES: Final = (
    "AWS::EC2::VPC",
    "AWS::WAFv2::WebACL",
    "AWS::CloudTrail",
    "AWS::EKS::Cluster",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::EC2::Instance",
    "AWS::SecurityHub::Hub",
    "AWS::SecurityHub::HubV2",
    "AWS::S3::Bucket",
    "AWS::MSK::Cluster",
    "AWS::CloudFront::Distribution",
    "AWS::CloudWatch::OTelEnrichment",
)
"""``AWS::ObservabilityAdmin::OrganizationTelemetryRule`` ``ResourceType`` (its schema's enum)."""
TELEMETRY_TYPES: Final = ("Logs", "Metrics")
TELEMETRY_SOURCE_TYPES: Final = (
    "VPC_FLOW_LOGS",
    "ROUTE53_RESOLVER_QUERY_LOGS",
    "EKS_AUDIT_LOGS",
    "EKS_AUTHENTICATOR_LOGS",
    "EKS_CONTROLLER_MANAGER_LOGS",
    "EKS_SCHEDULER_LOGS",
    "EKS_API_LOGS",
)
TELEMETRY_RETENTION_MAX: Final = 3653
FLOW_LOG_TRAFFIC_TYPES: Final = ("ACCEPT", "REJECT", "ALL")
FLOW_LOG_AGGREGATION_SECONDS: Final = (60, 600)
"""EC2 CreateFlowLogs ``MaxAggregationInterval``: 60 or 600 seconds."""
ENCRYPTED_LOG_GROUP_STRATEGIES: Final = ("ALLOW", "SKIP")
LOG_GROUP_NAME_PATTERN_RE: Final = re.compile(
    r"(?:[._\-/#A-Za-z0-9]+|\$\{[A-Za-z]+(?:\.[A-Za-z]+){1,2}\})+"
)
LOG_GROUP_NAME_PATTERN_MAX: Final = 512


def _one_of(values: Iterable[str]) -> str:
    return ", ".join(values)


def _refused(value: str, what: str, form: str, example: str) -> str:
    return f"{cut(value)!r} is not {what}; use {form} (for example {example})"


def check_account_id(value: str) -> str | None:
    """Return why ``value`` is not an AWS account id, or None."""
    if ACCOUNT_ID_RE.fullmatch(value):
        return None
    return _refused(value, "an AWS account id", "its 12 digits, quoted", "'111122223333'")


def check_organization_id(value: str) -> str | None:
    """Return why ``value`` is not an AWS Organizations organization id, or None."""
    if ORGANIZATION_ID_RE.fullmatch(value):
        return None
    return _refused(
        value,
        "an organization id",
        "o- and 10 to 32 lower-case letters or digits",
        "o-a1b2c3d4e5",
    )


def check_ou_id(value: str) -> str | None:
    """Return why ``value`` is not an organizational unit id, or None."""
    if OU_ID_RE.fullmatch(value):
        return None
    return _refused(
        value,
        "an organizational unit id",
        "ou-, 4 to 32 lower-case letters or digits (the root's), -, and 8 to 32 more",
        "ou-ab12-11111111",
    )


def check_root_id(value: str) -> str | None:
    """Return why ``value`` is not an organization root id, or None."""
    if ROOT_ID_RE.fullmatch(value):
        return None
    return _refused(
        value, "an organization root id", "r- and 4 to 32 lower-case letters or digits", "r-ab12"
    )


def check_sink_name(value: str) -> str | None:
    """Return why ``value`` cannot name an OAM sink, or None."""
    if SINK_NAME_RE.fullmatch(value):
        return None
    return f"{cut(value)!r} cannot name a sink; use 1 to 255 letters, digits, '_', '.' or '-'"


def check_resource_types(values: Sequence[str]) -> str | None:
    """Return why ``values`` is not a list of OAM resource types to share, or None."""
    if not values:
        return f"share at least one resource type: {_one_of(RESOURCE_TYPES)}"
    for value in values:
        if value not in RESOURCE_TYPES:
            hint = closest(value, list(RESOURCE_TYPES))
            suggestion = f" (did you mean {hint}?)" if hint else ""
            return (
                f"{cut(value)!r} is not a resource type a link shares{suggestion}; "
                f"use {_one_of(RESOURCE_TYPES)}"
            )
    duplicates = sorted({v for v in values if list(values).count(v) > 1})
    if duplicates:
        return f"{', '.join(duplicates)} is listed twice; list each resource type once"
    return None


def check_share(names: Sequence[str]) -> str | None:
    """Return why ``names`` is not a list of the file's share names, or None."""
    if not names:
        return f"share at least one of {_one_of(SHARE)}"
    for name in names:
        if name not in SHARE:
            hint = closest(name, list(SHARE))
            suggestion = f" (did you mean {hint}?)" if hint else ""
            return f"{cut(name)!r} is not something a link shares{suggestion}; use {_one_of(SHARE)}"
    duplicates = sorted({n for n in names if list(names).count(n) > 1})
    if duplicates:
        return f"{', '.join(duplicates)} is listed twice; list each once"
    return None


def resource_types_of(share: Sequence[str]) -> tuple[str, ...]:
    """Return the OAM resource types the file's share names mean, in the API's order."""
    wanted = {t for name in share for t in SHARE[name]}
    return tuple(t for t in RESOURCE_TYPES if t in wanted)


def check_label_template(value: str) -> str | None:
    """Return why ``value`` is not a link label template, or None."""
    if not 1 <= len(value) <= LABEL_TEMPLATE_MAX:
        return (
            f"{cut(value)!r} is {len(value)} characters; a label template has 1 to "
            f"{LABEL_TEMPLATE_MAX}"
        )
    for variable in re.findall(r"\$[A-Za-z]*", value):
        if variable not in LABEL_VARIABLES:
            return (
                f"{cut(value)!r} uses {variable!r}, which is not a label variable; use "
                f"{_one_of(LABEL_VARIABLES)} or custom text"
            )
    return None


def check_sink_arn(value: str) -> str | None:
    """Return why ``value`` is not the ARN of an OAM sink, or None."""
    if SINK_ARN_RE.fullmatch(value) and len(value) <= 2048:
        return None
    return _refused(
        value,
        "the ARN of an OAM sink",
        "the SinkArn output of the monitoring account's stack, arn:aws:oam:REGION:ACCOUNT:sink/ID",
        "arn:aws:oam:eu-west-1:111122223333:sink/a1b2c3d4-5678-90ab-cdef-111122223333",
    )


@dataclass(frozen=True)
class SinkArn:
    """The parts of a sink's ARN that a link depends on."""

    partition: str
    region: str
    account: str


def parse_sink_arn(value: str) -> SinkArn:
    """Split a sink ARN checked by :func:`check_sink_arn`."""
    match = SINK_ARN_RE.fullmatch(value)
    if match is None:
        raise ValueError(check_sink_arn(value))
    return SinkArn(match["partition"], match["region"], match["account"])


# ----------------------------------------------------------------- link filters

_TOKEN_RE: Final = re.compile(
    r"\s*(?:(?P<string>'[^']*')|(?P<op>!=|=)|(?P<punct>[(),])|(?P<word>[^\s'(),=!]+)|(?P<bad>\S))"
)


def check_link_filter(value: str, subject: str) -> str | None:
    """Return why ``value`` is not a link filter on ``subject``, or None.

    ``subject`` is ``LogGroupName`` or ``Namespace``. The grammar is the one the
    API reference documents (LinkConfiguration): conditions ``SUBJECT = 'x'``,
    ``!=``, ``[NOT] IN ('a', 'b')`` and ``[NOT] LIKE 'prefix%'`` (a prefix search:
    ``%`` only at the end), joined by at most five ``AND`` / ``OR``; names in
    single quotes, matched case-sensitively. ``*`` alone only deletes a filter on
    update: leave the filter out to share everything.
    """
    example = (
        "LogGroupName LIKE '/aws/lambda/%' OR LogGroupName IN ('app', 'web')"
        if subject == LOG_GROUP_SUBJECT
        else "Namespace NOT LIKE 'AWS/%' OR Namespace = 'AWS/EC2'"
    )
    shown = cut(value)
    if value.strip() == "*":
        return "'*' only deletes a filter on update; leave the filter out to share everything"
    if not 1 <= len(value) <= LINK_FILTER_MAX:
        return f"the filter is {len(value)} characters; a link filter has 1 to {LINK_FILTER_MAX}"
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN_RE.finditer(value):
        kind = match.lastgroup or "bad"
        if kind == "bad":
            return (
                f"{shown!r}: {match[kind]!r} is not part of a filter (a quote never closed?); "
                f"quote names in single quotes, as in {example}"
            )
        tokens.append((kind, match[kind]))
    problem = _FilterParser(tokens, subject).parse()
    if problem:
        return f"{shown!r}: {problem}; write conditions such as {example}"
    connectives = sum(
        1 for kind, text in tokens if kind == "word" and text.upper() in {"AND", "OR"}
    )
    if connectives > LINK_FILTER_CONNECTIVES_MAX:
        return (
            f"{shown!r} joins conditions with {connectives} AND/OR; a link filter takes at most "
            f"{LINK_FILTER_CONNECTIVES_MAX} (use IN (...) for many names)"
        )
    return None


class _FilterParser:
    def __init__(self, tokens: list[tuple[str, str]], subject: str) -> None:
        self.tokens = tokens
        self.at = 0
        self.subject = subject

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _keyword(self, word: str) -> bool:
        token = self._peek()
        if token and token[0] == "word" and token[1].upper() == word:
            self.at += 1
            return True
        return False

    def parse(self) -> str | None:
        problem = self._expression()
        if problem is None and self._peek() is not None:
            return (
                f"{self._peek()[1]!r} follows a complete condition; join conditions with AND or OR"  # type: ignore[index]
            )
        return problem

    def _expression(self) -> str | None:
        while True:
            if problem := self._condition():
                return problem
            if not (self._keyword("AND") or self._keyword("OR")):
                return None

    def _condition(self) -> str | None:
        token = self._peek()
        if token is None:
            return "the filter ends where a condition should start"
        if token == ("punct", "("):
            self.at += 1
            if problem := self._expression():
                return problem
            if self._peek() != ("punct", ")"):
                return "a '(' is never closed"
            self.at += 1
            return None
        if token != ("word", self.subject):
            return (
                f"a condition starts with {token[1]!r}; this filter's conditions start with "
                f"{self.subject} (case-sensitive)"
            )
        self.at += 1
        negated = self._keyword("NOT")
        if self._keyword("IN"):
            return self._list()
        if self._keyword("LIKE"):
            return self._like()
        token = self._peek()
        if not negated and token is not None and token[0] == "op":
            self.at += 1
            return self._string()
        return f"{self.subject} takes =, !=, IN, NOT IN, LIKE or NOT LIKE"

    def _string(self) -> str | None:
        token = self._peek()
        if token is None or token[0] != "string":
            return "a name in single quotes should follow"
        self.at += 1
        return None

    def _like(self) -> str | None:
        token = self._peek()
        if problem := self._string():
            return problem
        assert token is not None
        text = token[1][1:-1]
        if not text.endswith("%") or "%" in text[:-1]:
            return (
                f"LIKE {token[1]} is not a prefix search; LIKE takes a prefix ending in %, "
                "with no other %"
            )
        return None

    def _list(self) -> str | None:
        if self._peek() != ("punct", "("):
            return "IN takes names in parentheses: IN ('a', 'b')"
        self.at += 1
        while True:
            if problem := self._string():
                return problem
            if self._peek() == ("punct", ","):
                self.at += 1
                continue
            if self._peek() == ("punct", ")"):
                self.at += 1
                return None
            return "IN's list is never closed with ')'"


# ----------------------------------------------------------------- the sink policy


def organization_path(organization_id: str, ou_id: str, root_id: str | None = None) -> str:
    """Return the ``aws:PrincipalOrgPaths`` pattern of every account under an OU.

    An OU sits at any depth below the root, and the path names every OU on the way
    (``o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/``): ``*`` stands for the
    root and parent OUs unless ``root_id`` pins the OU right under the root.
    """
    middle = root_id if root_id else "*"
    return f"{organization_id}/{middle}/{ou_id}/*"


def sink_policy(
    *,
    resource_types: Sequence[str],
    accounts: Sequence[str] = (),
    organization_id: str | None = None,
    organization_paths: Sequence[str] = (),
) -> dict[str, Any]:
    """Return the sink policy letting the sources link, sharing only ``resource_types``.

    One statement per kind of source, as AWS's PutSinkPolicy examples write them:
    accounts as principals; the organization as ``"*"`` with ``aws:PrincipalOrgID``;
    OUs as ``"*"`` with ``aws:PrincipalOrgPaths``. Statements are OR-ed, so a
    principal list and an organization condition in one statement would demand
    both. ``Resource`` is ``"*"`` because a sink policy is a resource policy on
    the sink itself: ``*`` can mean no other resource.
    """
    shared = {"ForAllValues:StringEquals": {"oam:ResourceTypes": list(resource_types)}}
    statements: list[dict[str, Any]] = []
    base = {"Effect": "Allow", "Action": list(SINK_ACTIONS), "Resource": "*"}
    if accounts:
        statements.append(
            {
                "Sid": "SourceAccounts",
                **base,
                "Principal": {"AWS": list(accounts)},
                "Condition": shared,
            }
        )
    if organization_id:
        statements.append(
            {
                "Sid": "Organization",
                **base,
                "Principal": "*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": organization_id}, **shared},
            }
        )
    if organization_paths:
        statements.append(
            {
                "Sid": "OrganizationalUnits",
                **base,
                "Principal": "*",
                "Condition": {
                    "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": list(organization_paths)},
                    **shared,
                },
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


@dataclass(frozen=True)
class Sources:
    """Who may link to a sink: accounts, a whole organization, or OUs of it."""

    accounts: tuple[str, ...] = ()
    organization_id: str | None = None
    organizational_units: tuple[str, ...] = ()
    root_id: str | None = None


def sources_problems(
    sources: Sources, *, monitoring_account: str | None, where: str
) -> list[Problem]:
    """Return the problems of a sink's sources: formats, self-links, contradictions."""
    problems: list[Problem] = []
    for index, account in enumerate(sources.accounts):
        at = f"{where}.accounts[{index}]"
        if message := check_account_id(account):
            problems.append(Problem(at, message))
        elif account == monitoring_account:
            problems.append(
                Problem(
                    at,
                    f"{account} is the monitoring account itself; a monitoring account sees its "
                    "own data without a link (and OAM refuses a link to its own sink): list only "
                    "source accounts",
                )
            )
        elif account in sources.accounts[:index]:
            problems.append(Problem(at, f"{account} is listed twice; list each account once"))
    if sources.organization_id is not None and (
        message := check_organization_id(sources.organization_id)
    ):
        problems.append(Problem(f"{where}.organization_id", message))
    if sources.root_id is not None and (message := check_root_id(sources.root_id)):
        problems.append(Problem(f"{where}.root_id", message))
    for index, ou in enumerate(sources.organizational_units):
        if message := check_ou_id(ou):
            problems.append(Problem(f"{where}.organizational_units[{index}]", message))
    if sources.organizational_units and sources.organization_id is None:
        problems.append(
            Problem(
                f"{where}.organizational_units",
                "OUs are matched by their path in the organization: set organization_id too",
            )
        )
    if not (sources.accounts or sources.organization_id or sources.organizational_units):
        problems.append(
            Problem(where, "name the sources: accounts, organization_id, or organizational_units")
        )
    return problems


def sources_policy(sources: Sources, resource_types: Sequence[str]) -> dict[str, Any]:
    """Return the sink policy of checked ``sources``.

    With OUs, the organization id scopes their paths and grants nothing alone.
    """
    paths = [
        organization_path(sources.organization_id or "", ou, sources.root_id)
        for ou in sources.organizational_units
    ]
    return sink_policy(
        resource_types=resource_types,
        accounts=sources.accounts,
        organization_id=None if paths else sources.organization_id,
        organization_paths=paths,
    )


# ------------------------------------------------------------ organization rules


def check_rule_name(value: str) -> str | None:
    """Return why ``value`` cannot name an organization telemetry or centralization rule."""
    if RULE_NAME_RE.fullmatch(value):
        return None
    return f"{cut(value)!r} cannot name a rule; use 1 to 100 letters, digits or '-'"


def _enum(value: str, allowed: Sequence[str], what: str) -> str | None:
    if value in allowed:
        return None
    hint = closest(value, list(allowed))
    suggestion = f" (did you mean {hint}?)" if hint else ""
    return f"{cut(value)!r} is not {what}{suggestion}; use {_one_of(allowed)}"


def check_telemetry_resource_type(value: str) -> str | None:
    """Return why ``value`` is not a resource type an organization telemetry rule takes."""
    return _enum(value, TELEMETRY_RESOURCE_TYPES, "a resource type of organization telemetry rules")


def check_telemetry_type(value: str) -> str | None:
    """Return why ``value`` is not a telemetry type of organization telemetry rules."""
    return _enum(value, TELEMETRY_TYPES, "a telemetry type of organization telemetry rules")


def check_telemetry_source_type(value: str) -> str | None:
    """Return why ``value`` is not a telemetry source type."""
    return _enum(value, TELEMETRY_SOURCE_TYPES, "a telemetry source type")


def check_telemetry_retention(days: int) -> str | None:
    """Return why ``days`` is not a telemetry rule's retention (1 to 3,653 days)."""
    if 1 <= days <= TELEMETRY_RETENTION_MAX:
        return None
    return f"{days} days is out of range; retention takes 1 to {TELEMETRY_RETENTION_MAX:,} days"


def check_traffic_type(value: str) -> str | None:
    """Return why ``value`` is not a flow log traffic type."""
    return _enum(value, FLOW_LOG_TRAFFIC_TYPES, "a flow log traffic type")


def check_aggregation_interval(seconds: int) -> str | None:
    """Return why ``seconds`` is not a flow log aggregation interval (60 or 600)."""
    if seconds in FLOW_LOG_AGGREGATION_SECONDS:
        return None
    return f"{seconds} seconds is not an aggregation interval; use 60 or 600"


def check_scope(value: str) -> str | None:
    """Return why ``value`` is not a rule scope (1 to 2,000 characters)."""
    if 1 <= len(value) <= SCOPE_MAX:
        return None
    return f"the scope is {len(value)} characters; a scope has 1 to {SCOPE_MAX:,}"


def check_encrypted_log_group_strategy(value: str) -> str | None:
    """Return why ``value`` is not ALLOW or SKIP."""
    return _enum(value, ENCRYPTED_LOG_GROUP_STRATEGIES, "a strategy for encrypted log groups")


def check_log_group_name_pattern(value: str) -> str | None:
    """Return why ``value`` is not a centralization destination log group name pattern."""
    if len(value) <= LOG_GROUP_NAME_PATTERN_MAX and LOG_GROUP_NAME_PATTERN_RE.fullmatch(value):
        return None
    return (
        f"{cut(value)!r} is not a log group name pattern; use up to "
        f"{LOG_GROUP_NAME_PATTERN_MAX} of letters, digits, '._-/#' and variables such as "
        "${source.accountId} or ${source.logGroup}"
    )
