"""The blueprint file's ``cross_account:`` section: a monitoring account and its sources.

Pure module: no aws_cdk import. The checks are
:mod:`observability_blueprint.rules.crossaccount`'s, so the file and the
constructs (``MonitoringSink``, ``SourceLink``, ``OrganizationTelemetryRule``,
``OrganizationCentralizationRule``) refuse the same. Field rules live on the
models; the rules that need the whole section (the monitoring account listed as
a source, a sink ARN of another account, a filter on data not shared) are in
:func:`crossaccount_problems`; :func:`plan_for` says what one environment gets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from pydantic import Field

from observability_blueprint.config.base import StrictModel, checked
from observability_blueprint.rules import crossaccount as rules
from observability_blueprint.rules.audit import check_kms_key_arn
from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.regions import check_region

AccountId = Annotated[str, checked(rules.check_account_id)]
RuleName = Annotated[str, checked(rules.check_rule_name)]
RuleScope = Annotated[str, checked(rules.check_scope)]


class Sources(StrictModel):
    """Who may link to the sink: accounts, the organization, or OUs of it."""

    accounts: list[AccountId] = []
    """Source account ids, quoted."""
    organization_id: Annotated[str, checked(rules.check_organization_id)] | None = None
    """Every account of this organization (``o-...``); with OUs, the path they are in."""
    organizational_units: list[Annotated[str, checked(rules.check_ou_id)]] = []
    """Accounts under these OUs, at any depth (``ou-...``); needs organization_id."""
    root_id: Annotated[str, checked(rules.check_root_id)] | None = None
    """The root (``r-...``) when every OU listed is directly under it. Default: any depth."""

    def to_rules(self) -> rules.Sources:
        """Return the pure settings."""
        return rules.Sources(
            accounts=tuple(self.accounts),
            organization_id=self.organization_id,
            organizational_units=tuple(self.organizational_units),
            root_id=self.root_id,
        )


class Filters(StrictModel):
    """Share only some log groups or namespaces (the link filter syntax)."""

    log_groups: str | None = None
    """Such as ``LogGroupName LIKE '/aws/lambda/%'``. Default: all log groups."""
    metrics: str | None = None
    """Such as ``Namespace NOT LIKE 'AWS/%'``. Default: all namespaces."""


class OrganizationTelemetry(StrictModel):
    """An organization telemetry rule: turn vended telemetry on in every account."""

    name: RuleName
    """The rule's name: letters, digits and '-'."""
    resource_type: Annotated[str, checked(rules.check_telemetry_resource_type)]
    """Such as ``AWS::EC2::VPC``."""
    telemetry_type: Annotated[str, checked(rules.check_telemetry_type)] = "Logs"
    """``Logs`` or ``Metrics``. Default: Logs."""
    source_types: list[Annotated[str, checked(rules.check_telemetry_source_type)]] = []
    """Such as ``VPC_FLOW_LOGS``."""
    scope: RuleScope | None = None
    """Which accounts (the rule's Scope text). Default: the organization."""
    selection_criteria: str | None = None
    """Which resources (the rule's SelectionCriteria text). Default: all."""
    destination_pattern: str | None = None
    """The log group name pattern. Default: the service's."""
    retention_days: Annotated[int, checked(rules.check_telemetry_retention)] | None = None
    """Retention of the log groups it creates, 1 to 3,653 days. Default: the service's."""
    traffic_type: Annotated[str, checked(rules.check_traffic_type)] | None = None
    """Flow logs: ACCEPT, REJECT or ALL. Default: the service's."""
    max_aggregation_interval: Annotated[int, checked(rules.check_aggregation_interval)] | None = (
        None
    )
    """Flow logs: 60 or 600 seconds. Default: the service's."""
    log_format: str | None = None
    """Flow logs: a custom record format. Default: the service's."""
    regions: list[str] = []
    """Regions the rule is replicated to. Default: the deploying stack's Region."""
    all_regions: bool = False
    """Replicate to every Region, new ones included. Default: false."""


class Centralization(StrictModel):
    """An organization centralization rule: copy log groups into the monitoring account."""

    name: RuleName
    """The rule's name: letters, digits and '-'."""
    source_regions: list[str] = Field(min_length=1)
    """The Regions whose log groups are copied."""
    destination_region: str
    """The Region the copies go to (in the monitoring account)."""
    scope: RuleScope | None = None
    """Which accounts (the rule source's Scope text). Default: the organization."""
    log_group_filter: str | None = None
    """Which log groups, in the link filter syntax. Default: all."""
    encrypted_log_groups: Annotated[str, checked(rules.check_encrypted_log_group_strategy)] = "SKIP"
    """SKIP (default) or ALLOW log groups encrypted with a customer managed key."""
    log_group_name_pattern: Annotated[str, checked(rules.check_log_group_name_pattern)] | None = (
        None
    )
    """Names of the copies, such as ``${source.accountId}/${source.logGroup}``."""
    kms_key_arn: Annotated[str, checked(check_kms_key_arn)] | None = None
    """A key of the monitoring account and destination Region for the copies."""
    backup_region: str | None = None
    """A second Region keeping a backup copy. Default: none."""


class CrossAccount(StrictModel):
    """Cross-account observability: one monitoring account, many sources."""

    monitoring_account: AccountId
    """The account whose dashboards and alarms see the sources' data."""
    sink_name: Annotated[str, checked(rules.check_sink_name)] = "observability"
    """The sink's name (one sink per account and Region). Default: observability."""
    sources: Sources
    """Who may link: accounts, organization_id, organizational_units."""
    share: Annotated[list[str], checked(rules.check_share)] = list(rules.DEFAULT_SHARE)
    """What links share: metrics, logs, traces, application_signals, application_insights,
    internet_monitor. Default: metrics, logs, traces, application_signals."""
    label_template: Annotated[str, checked(rules.check_label_template)] = (
        rules.DEFAULT_LABEL_TEMPLATE
    )
    """How the monitoring account labels a source. Default: $AccountName."""
    filters: Filters | None = None
    """Share only some log groups or namespaces. Default: all."""
    sink_arns: dict[str, str] = {}
    """Per Region, the sink's ARN (the monitoring stack's SinkArn output): sources link
    only where it is known, so the monitoring account deploys first."""
    rules_account: AccountId | None = None
    """The management or delegated administrator account that deploys the organization
    rules. Default: the monitoring account."""
    organization_telemetry: list[OrganizationTelemetry] = []
    """Organization telemetry rules. Default: none."""
    centralization: Centralization | None = None
    """An organization centralization rule into the monitoring account. Default: none."""

    @property
    def resource_types(self) -> tuple[str, ...]:
        """The OAM resource types ``share`` means."""
        return rules.resource_types_of([s for s in self.share if s in rules.SHARE])


def crossaccount_problems(section: CrossAccount, where: str = "cross_account") -> list[Problem]:
    """Whole-section problems of ``cross_account:``."""
    problems = rules.sources_problems(
        section.sources.to_rules(),
        monitoring_account=section.monitoring_account,
        where=f"{where}.sources",
    )
    shared = section.resource_types
    if section.filters is not None:
        for key, text, subject, needs in (
            ("log_groups", section.filters.log_groups, rules.LOG_GROUP_SUBJECT, "logs"),
            ("metrics", section.filters.metrics, rules.METRIC_SUBJECT, "metrics"),
        ):
            if text is None:
                continue
            at = f"{where}.filters.{key}"
            if message := rules.check_link_filter(text, subject):
                problems.append(Problem(at, message))
            if not set(rules.SHARE[needs]) <= set(shared):
                problems.append(
                    Problem(
                        at, f"filters {needs}, which share does not list: add {needs} or drop it"
                    )
                )
    problems += _sink_arn_problems(section, where)
    problems += _rule_problems(section, where)
    return problems


def _sink_arn_problems(section: CrossAccount, where: str) -> list[Problem]:
    problems: list[Problem] = []
    for region, arn in section.sink_arns.items():
        at = f"{where}.sink_arns.{region}"
        if message := check_region(region):
            problems.append(Problem(at, message))
            continue
        if message := rules.check_sink_arn(arn):
            problems.append(Problem(at, message))
            continue
        sink = rules.parse_sink_arn(arn)
        if sink.region != region:
            problems.append(
                Problem(
                    at, f"the ARN names a sink in {sink.region}, not {region}; links are per Region"
                )
            )
        if sink.account != section.monitoring_account:
            problems.append(
                Problem(
                    at,
                    f"the ARN names a sink in account {sink.account}, not the monitoring account "
                    f"{section.monitoring_account}",
                )
            )
    return problems


def _rule_problems(section: CrossAccount, where: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, rule in enumerate(section.organization_telemetry):
        at = f"{where}.organization_telemetry[{index}]"
        if rule.name in seen:
            problems.append(
                Problem(
                    f"{at}.name",
                    f"{rule.name!r} is already the name of "
                    f"organization_telemetry[{seen[rule.name]}]",
                )
            )
        seen.setdefault(rule.name, index)
        flow = (rule.traffic_type, rule.max_aggregation_interval, rule.log_format)
        if rule.resource_type != "AWS::EC2::VPC" and any(v is not None for v in flow):
            problems.append(
                Problem(
                    at,
                    f"flow log settings apply to AWS::EC2::VPC rules, not {rule.resource_type}; "
                    "drop traffic_type, max_aggregation_interval and log_format",
                )
            )
        if rule.regions and rule.all_regions:
            problems.append(
                Problem(f"{at}.regions", "regions and all_regions exclude each other; keep one")
            )
        for r_index, region in enumerate(rule.regions):
            if message := check_region(region):
                problems.append(Problem(f"{at}.regions[{r_index}]", message))
    central = section.centralization
    if central is not None:
        at = f"{where}.centralization"
        places: list[tuple[str, str | None]] = [
            *((f"source_regions[{i}]", r) for i, r in enumerate(central.source_regions)),
            ("destination_region", central.destination_region),
            ("backup_region", central.backup_region),
        ]
        for key, place in places:
            if place is not None and (message := check_region(place)):
                problems.append(Problem(f"{at}.{key}", message))
        if central.log_group_filter is not None and (
            message := rules.check_link_filter(central.log_group_filter, rules.LOG_GROUP_SUBJECT)
        ):
            problems.append(Problem(f"{at}.log_group_filter", message))
        if (
            central.backup_region is not None
            and central.backup_region == central.destination_region
        ):
            problems.append(
                Problem(
                    f"{at}.backup_region",
                    f"{central.backup_region} is the destination Region; a backup goes to another "
                    "Region",
                )
            )
        if central.name in seen:
            problems.append(
                Problem(
                    f"{at}.name",
                    f"{central.name!r} is already the name of "
                    f"organization_telemetry[{seen[central.name]}]",
                )
            )
    return problems


# ---------------------------------------------------------------- planning


@dataclass(frozen=True)
class SinkSettings:
    """The keyword arguments of ``MonitoringSink`` for the monitoring account."""

    sink_name: str
    resource_types: tuple[str, ...]
    accounts: tuple[str, ...] = ()
    organization_id: str | None = None
    organizational_units: tuple[str, ...] = ()
    root_id: str | None = None


@dataclass(frozen=True)
class LinkSettings:
    """The keyword arguments of ``SourceLink`` for a source account."""

    sink_arn: str
    resource_types: tuple[str, ...]
    label_template: str
    log_group_filter: str | None = None
    metric_filter: str | None = None


@dataclass(frozen=True)
class CrossAccountPlan:
    """What one environment (account and Region) of the blueprint gets."""

    sink: SinkSettings | None = None
    """The sink, in the monitoring account."""
    link: LinkSettings | None = None
    """A link, in a source account whose Region's sink ARN is known."""
    telemetry_rules: tuple[OrganizationTelemetry, ...] = ()
    """The organization telemetry rules, in the rules account."""
    centralization: Centralization | None = None
    """The centralization rule, in the rules account."""
    notes: tuple[str, ...] = field(default=())
    """Why something expected is missing (a source without its Region's sink ARN)."""


def plan_for(section: CrossAccount, *, account: str, region: str) -> CrossAccountPlan:
    """Return what the environment ``account`` / ``region`` gets of ``section``.

    The monitoring account gets the sink; a source (an account listed, or with an
    organization or OUs as sources any other account: the sink policy decides at
    deploy time) gets a link once ``sink_arns`` knows its Region's sink; the rules
    account gets the organization rules (they replicate to other Regions
    themselves, so only its first environment should create them: the caller
    passes them once).
    """
    shared = section.resource_types
    sources = section.sources
    sink = link = None
    notes: list[str] = []
    if account == section.monitoring_account:
        sink = SinkSettings(
            sink_name=section.sink_name,
            resource_types=shared,
            accounts=tuple(sources.accounts),
            organization_id=sources.organization_id,
            organizational_units=tuple(sources.organizational_units),
            root_id=sources.root_id,
        )
    elif account in sources.accounts or sources.organization_id or sources.organizational_units:
        arn = section.sink_arns.get(region)
        if arn is None:
            notes.append(
                f"no link in {account} {region} yet: deploy the monitoring account "
                f"{section.monitoring_account} in {region}, then set cross_account.sink_arns."
                f"{region} to its SinkArn output"
            )
        else:
            filters = section.filters or Filters()
            link = LinkSettings(
                sink_arn=arn,
                resource_types=shared,
                label_template=section.label_template,
                log_group_filter=filters.log_groups,
                metric_filter=filters.metrics,
            )
    rules_account = section.rules_account or section.monitoring_account
    is_rules = account == rules_account
    return CrossAccountPlan(
        sink=sink,
        link=link,
        telemetry_rules=tuple(section.organization_telemetry) if is_rules else (),
        centralization=section.centralization if is_rules else None,
        notes=tuple(notes),
    )
