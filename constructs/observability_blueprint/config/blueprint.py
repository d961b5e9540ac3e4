"""The blueprint file: a strict pydantic model of what the workload needs.

The model knows nothing of CDK. Field rules call the pure checks that the
constructs use too, so a rule reads the same from YAML and from Python; rules
that span several items (unique names, limits per log group) run once the
fields are valid. Every problem is reported at once, each with its config path.

Typical use::

    blueprint = Blueprint.from_yaml("blueprint.yaml")   # raises BlueprintError
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from observability_blueprint.config import insights as log_intelligence
from observability_blueprint.config.alarms import Actions, Alarm, alarm_problems
from observability_blueprint.config.audit import AuditTrail, audit_problems, signin_stack_needed
from observability_blueprint.config.base import (
    ERROR_TYPE,
    LogEventExamples,
    LogicalName,
    StrictModel,
    checked,
    fail,
    number_problems,
)
from observability_blueprint.config.crossaccount import CrossAccount, crossaccount_problems
from observability_blueprint.config.dashboards import Dashboards, dashboard_problems
from observability_blueprint.config.environments import Environment, environment_problems
from observability_blueprint.config.events import EventsSection, events_problems
from observability_blueprint.config.grafana import Grafana, grafana_problems
from observability_blueprint.config.hosts import Hosts, hosts_problems
from observability_blueprint.config.insights import (
    ContributorInsightsSettings,
    FieldIndexSettings,
    InsightsSection,
    LogAlarm,
    ScheduledQuery,
    Transformer,
)
from observability_blueprint.config.network import (
    Containers,
    FlowLogs,
    network_problems,
)
from observability_blueprint.config.prometheus import Prometheus, prometheus_problems
from observability_blueprint.config.services import (
    PlannedResource,
    Service,
    plan_resources,
    service_problems,
)
from observability_blueprint.config.sharding import Sharding
from observability_blueprint.config.tracing import Tracing, tracing_problems
from observability_blueprint.rules import arns, cis_controls, limits, names
from observability_blueprint.rules import log_alarms as log_alarm_rules
from observability_blueprint.rules import log_groups as log_group_rules
from observability_blueprint.rules.alarm_settings import LAMBDA_SAME_REGION, PrefixNaming
from observability_blueprint.rules.containers import ecs_log_group_name, eks_log_group_names
from observability_blueprint.rules.contributor_insights import InsightRuleSpec
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.integer_bounds import shown as shown_number
from observability_blueprint.rules.log_groups import DEFAULT_RETENTION_DAYS
from observability_blueprint.rules.metric_filters import (
    MetricFilterSpec,
    check_pattern,
    log_group_filter_problems,
    metric_filter_problems,
    regex_budget_problems,
)
from observability_blueprint.rules.metric_names import check_custom_namespace
from observability_blueprint.rules.saved_queries import (
    FAILED_REQUESTS,
    saved_query_problems,
    service_queries,
)
from observability_blueprint.rules.structured_logs import (
    DEFAULT_ERROR_LEVELS,
    StructuredLogFields,
    field_problems,
    structured_log_filters,
)
from observability_blueprint.rules.subscribers import ENDPOINT_PATTERNS
from observability_blueprint.rules.tags import check_tag_key, check_tag_value
from observability_blueprint.rules.transformers import (
    transformed_filter_problems,
    transformer_problems,
)

if TYPE_CHECKING:
    from observability_blueprint.config.yaml_loading import YamlDocument


class Env(StrictModel):
    """Where the stacks deploy. Without it, the stacks are environment-agnostic."""

    account: str | None = Field(default=None, pattern=r"^\d{12}$")
    """Twelve-digit AWS account id, quoted in YAML."""
    region: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[a-z]+)+-\d+$")
    """AWS Region such as eu-west-1."""


class Subscriber(StrictModel):
    """One subscriber of a topic: exactly one of the keys."""

    email: str | None = Field(default=None, pattern=ENDPOINT_PATTERNS["email"])
    """E-mail address; the recipient must confirm the subscription."""
    https: str | None = Field(default=None, pattern=ENDPOINT_PATTERNS["https"])
    """HTTPS endpoint (for example a chat or paging webhook)."""
    sqs: str | None = Field(default=None, pattern=ENDPOINT_PATTERNS["sqs"])
    """SQS queue ARN."""
    lambda_: str | None = Field(
        default=None,
        alias="lambda",
        pattern=ENDPOINT_PATTERNS["lambda"],
    )
    """Lambda function ARN."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [key for key in ("email", "https", "sqs", "lambda_") if getattr(self, key)]
        if len(given) != 1:
            raise fail(
                f"give exactly one of email, https, sqs, lambda (got {len(given)}: "
                f"{', '.join(k.rstrip('_') for k in given) or 'none'})"
            )
        return self

    @property
    def kind(self) -> str:
        """Which protocol this subscriber uses: email, https, sqs or lambda."""
        return next(k.rstrip("_") for k in ("email", "https", "sqs", "lambda_") if getattr(self, k))

    @property
    def endpoint(self) -> str:
        """The address, URL or ARN of the subscriber."""
        return str(getattr(self, "lambda_" if self.kind == "lambda" else self.kind))


class Topic(StrictModel):
    """A notification topic: SSL-only, encrypted with the blueprint's key."""

    name: LogicalName
    """Name used by alarms to refer to the topic; the physical name is <name>-<stage>-<this>."""
    display_name: str | None = Field(default=None, max_length=100)
    """Shown as the sender of e-mail and SMS notifications."""
    subscribers: list[Subscriber] = []
    """Who is told."""


class MetricFilter(StrictModel):
    """A metric filter on the log group."""

    name: LogicalName
    """Unique within the log group; the physical filter name is <name>-<stage>-<this>."""
    pattern: str
    """CloudWatch Logs filter pattern: terms, JSON ({ $.level = "ERROR" }) or space-delimited."""
    namespace: str
    """Metric namespace."""
    metric: str
    """Metric name."""
    value: str | int | float = "1"
    """What a matching event adds: a number, a JSON selector ($.latency_ms) or a field ($bytes)."""
    default_value: float | int | None = None
    """Published for minutes with events but no match. Not allowed with dimensions."""
    unit: str | None = None
    """CloudWatch unit, such as Count, Milliseconds or Bytes."""
    dimensions: dict[str, str] = {}
    """Up to 3 dimensions, each taken from the event ($.service)."""
    examples: LogEventExamples | None = None
    """Events the pattern must and must not match, checked at synthesis. On a log group
    with a transformer they are raw lines: they are transformed offline first."""
    apply_on_transformed_logs: bool | None = None
    """Match the events after the log group's transformer has run. Default: on when the
    log group has a transformer."""

    def to_spec(self, *, filter_name: str | None = None) -> MetricFilterSpec:
        """Return the construct-level settings of this filter."""
        return MetricFilterSpec(
            name=self.name,
            pattern=self.pattern,
            namespace=self.namespace,
            metric_name=self.metric,
            metric_value=str(self.value),
            default_value=None if self.default_value is None else float(self.default_value),
            unit=self.unit,
            dimensions=dict(self.dimensions),
            filter_name=filter_name,
            examples=(self.examples.to_examples() if self.examples else None),
            apply_on_transformed_logs=self.apply_on_transformed_logs,
        )


# The file's face of StructuredLogFields: its defaults come from there, and a test
# keeps the two field lists equal.
_FIELDS = StructuredLogFields()


class StructuredLogFieldNames(StrictModel):
    """Field names of the service's JSON log events (defaults: Powertools for AWS Lambda)."""

    level: str = _FIELDS.level
    service: str = _FIELDS.service
    xray_trace_id: str = _FIELDS.xray_trace_id
    latency_ms: str = _FIELDS.latency_ms
    status_code: str = _FIELDS.status_code
    response_bytes: str = _FIELDS.response_bytes
    request_id: str = _FIELDS.request_id


class StructuredLogs(StrictModel):
    """Error, latency, 5xx/4xx and response-size metrics from JSON logs, per service."""

    namespace: Annotated[str, checked(check_custom_namespace)] | None = None
    """Metric namespace. Default: <name>-<stage>/<service>."""
    fields: StructuredLogFieldNames = StructuredLogFieldNames()
    """The JSON field names."""
    error_levels: list[str] = list(DEFAULT_ERROR_LEVELS)
    """Levels that count as errors."""

    def to_fields(self) -> StructuredLogFields:
        """Return the pure field-name settings."""
        return StructuredLogFields(**self.fields.model_dump())


class DataProtection(StrictModel):
    """Mask sensitive data in the log group's events."""

    identifiers: list[str] = list(limits.DEFAULT_DATA_IDENTIFIERS)
    """Managed data identifiers to mask. Default: e-mail addresses and credentials."""
    custom: dict[str, str] = {}
    """Custom identifiers: name -> regular expression."""
    audit_log_group: Annotated[str, checked(log_group_rules.check_log_group_name)] | None = None
    """Log group (by name) that receives the audit findings. Default: none."""

    @field_validator("identifiers")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in limits.MANAGED_DATA_IDENTIFIERS]
        if unknown:
            hints = [
                f"{u!r} (did you mean {s!r}?)"
                if (s := limits.closest(u, limits.MANAGED_DATA_IDENTIFIERS))
                else repr(u)
                for u in unknown
            ]
            raise fail(
                f"{', '.join(hints)} {'is' if len(unknown) == 1 else 'are'} not a managed data "
                "identifier; use names such as EmailAddress, AwsSecretKey, IpAddress, "
                "CreditCardNumber (see the CloudWatch Logs list of managed data identifiers)"
            )
        if not value:
            raise fail("name at least one identifier")
        return value

    @field_validator("custom")
    @classmethod
    def _custom(cls, value: dict[str, str]) -> dict[str, str]:
        if message := _custom_identifier_problem(value):
            raise fail(message)
        return value


# CloudWatch Logs custom data identifier constraints:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL-custom-data-identifiers.html
CUSTOM_IDENTIFIERS_MAX = 10
_CUSTOM_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,128}")
_CUSTOM_REGEX_RE = re.compile(r"[A-Za-z0-9_#=@/;, \-^$?\[\]{}|\\*+.]{1,200}")


def _custom_identifier_problem(custom: dict[str, str]) -> str | None:
    """Why a set of custom data identifiers is not one CloudWatch Logs takes, or None."""
    if len(custom) > CUSTOM_IDENTIFIERS_MAX:
        return (
            f"{len(custom)} custom identifiers; a data protection policy takes at most "
            f"{CUSTOM_IDENTIFIERS_MAX}"
        )
    for name, regex in custom.items():
        if not _CUSTOM_NAME_RE.fullmatch(name):
            return (
                f"{_cut(name)} is not a custom identifier name; use 1 to 128 letters, digits, "
                "'_' and '-'"
            )
        if name in limits.MANAGED_DATA_IDENTIFIERS:
            return f"{name!r} is a managed data identifier; give the custom one another name"
        if not _CUSTOM_REGEX_RE.fullmatch(regex):
            return (
                f"the regular expression of {name!r}, {_cut(regex)}, is not one CloudWatch Logs "
                "takes: 1 to 200 characters, letters, digits, spaces and _ # = @ / ; , - with "
                "the regex characters ^ $ ? [ ] { } | \\ * + . (no parentheses)"
            )
        try:
            re.compile(regex)
        except re.error as error:
            return (
                f"the regular expression of {name!r}, {_cut(regex)}, is not a regular "
                f"expression: {error.msg} at position {error.pos}"
            )
    return None


@dataclass(frozen=True)
class SavedQueryRef:
    """A saved query as ``obs-blueprint query`` runs it."""

    query: str
    log_groups: list[str]


def _cut(text: str) -> str:
    return repr(text) if len(text) <= 60 else f"{text[:57]!r}... ({len(text):,} characters)"


class Subscription(StrictModel):
    """A subscription filter streaming matching events elsewhere."""

    destination_arn: Annotated[str, checked(log_group_rules.check_subscription_destination)]
    """Lambda function, Kinesis stream, Firehose delivery stream or Logs destination ARN."""
    pattern: Annotated[str, checked(check_pattern)] = ""
    """Filter pattern; empty forwards every event."""
    role_arn: Annotated[str, checked(log_group_rules.check_role_arn)] | None = None
    """Role CloudWatch Logs assumes for Kinesis or Firehose. Default: one is created."""


class SavedQuery(StrictModel):
    """A Logs Insights query of your own, saved beside the blueprint's."""

    name: str
    """Query name within the log group's folder (no /)."""
    query: str
    """Logs Insights query text; checked offline (commands, quotes, brackets, pipes)."""


class LogQueries(StrictModel):
    """Saved Logs Insights queries of a log group, in the folder <name>-<stage>/<service>."""

    defaults: bool = True
    """Save the blueprint's queries: failed requests, latency percentiles, slowest
    requests, errors by status, one trace, top error messages. Default: true."""
    custom: list[SavedQuery] = []
    """Queries of your own (a name of the blueprint's replaces its query)."""


class AnomalyDetection(StrictModel):
    """CloudWatch Logs anomaly detection on the log group, and an alarm on what it finds."""

    enabled: bool | None = None
    """Detect anomalies. Default: on for log groups of the STANDARD class."""
    evaluation_minutes: Annotated[int, checked(log_alarm_rules.check_evaluation_frequency)] = (
        log_alarm_rules.DEFAULT_EVALUATION_MINUTES
    )
    """Minutes between runs: 5, 10, 15, 30 or 60. Default: 15."""
    visibility_days: Annotated[int, checked(log_alarm_rules.check_visibility_days)] = (
        log_alarm_rules.DEFAULT_VISIBILITY_DAYS
    )
    """Days an anomaly stays one before it is treated as normal, 7 to 90. Default: 21."""
    priority: log_alarm_rules.AnomalyPriority = "HIGH"
    """Anomalies the alarm counts: HIGH, MEDIUM (and high) or LOW (all). Default: HIGH."""

    def on(self, log_class: str) -> bool:
        """Whether the detector is made for a log group of ``log_class``."""
        return self.enabled if self.enabled is not None else log_class == "STANDARD"


class LogGroup(StrictModel):
    """A log group the blueprint owns: retention, retention on delete, filters."""

    name: LogicalName
    """Short name used in construct ids and physical names."""
    log_group_name: Annotated[str, checked(log_group_rules.check_log_group_name)] | None = None
    """Exact physical name, for names a service fixes (/aws/lambda/<function>).
    Default: /<name>/<stage>/<this name>."""
    service: LogicalName | None = None
    """The service (unit) this log group belongs to. Default: its own name."""
    retention_days: Annotated[int, checked(log_group_rules.check_retention)] | None = (
        DEFAULT_RETENTION_DAYS
    )
    """Days events are kept; null keeps them forever. Default: 365."""
    log_class: limits.LogClass = "STANDARD"
    """Log class; INFREQUENT_ACCESS is cheaper but has no metric or subscription filters."""
    encrypted: bool = False
    """Encrypt with the blueprint's customer-managed KMS key."""
    removal_policy: Literal["retain", "destroy"] = "retain"
    """What happens to the log group when the stack is deleted. Default: retain."""
    deletion_protection: bool = False
    """Refuse DeleteLogGroup calls until the protection is turned off."""
    data_protection: DataProtection | None = None
    """Mask sensitive data. Default: off."""
    subscriptions: list[Subscription] = Field(
        default=[], max_length=limits.SUBSCRIPTION_FILTERS_PER_LOG_GROUP
    )
    """Subscription filters, at most 2."""
    metric_filters: list[MetricFilter] = []
    """Metric filters on this log group."""
    structured_logs: StructuredLogs | None = None
    """Derive the standard service metrics from JSON logs."""
    queries: LogQueries = LogQueries()
    """Saved Logs Insights queries. Default: the blueprint's."""
    anomaly_detection: AnomalyDetection = AnomalyDetection()
    """Log anomaly detection with an alarm (the default actions). Default: on (STANDARD)."""
    transformer: Transformer | None = None
    """Turn each event into JSON fields at ingestion (access logs, syslog, key=value).
    STANDARD log groups only. Default: none."""
    field_indexes: FieldIndexSettings | None = None
    """Field indexes of this log group, so queries on them scan less. Default: none (the
    account's index policy, if any, applies)."""
    log_alarms: list[LogAlarm] = []
    """Alarms on Logs Insights queries (AWS::CloudWatch::LogAlarm)."""
    scheduled_queries: list[ScheduledQuery] = []
    """Queries run on a schedule, their results delivered to S3 (AWS::Logs::ScheduledQuery)."""
    contributor_insights: ContributorInsightsSettings | None = None
    """Contributor Insights rules: the top contributors (client IPs, failing paths...).
    Default: none."""

    def physical_name(self, blueprint: Blueprint) -> str:
        """Return the log group's name in AWS."""
        return self.log_group_name or names.default_log_group_name(
            blueprint.name, blueprint.stage, self.name
        )

    def unit(self) -> str:
        """Return the name of the unit (service) the log group belongs to."""
        return self.service or self.name


class Blueprint(StrictModel):
    """A workload's observability baseline, as written in the blueprint file."""

    name: Annotated[str, checked(names.check_part)]
    """Workload name; with stage, the prefix of every physical name the blueprint chooses."""
    stage: Annotated[str, checked(names.check_part)]
    """Deployment stage such as dev or prod."""
    env: Env | None = None
    """Account and Region; with ``environments:``, the default of every environment.
    Default: environment-agnostic stacks."""
    environments: list[Environment] = []
    """Accounts and Regions the blueprint deploys to, each as stacks of its own, with
    per-environment overrides. Default: one deployment, to ``env``."""
    tags: dict[str, str] = {}
    """Tags applied to every taggable resource."""
    notifications: list[Topic] = []
    """SNS topics alarms and rules notify."""
    log_groups: list[LogGroup] = []
    """Log groups with their retention, filters and subscriptions."""
    alarms: list[Alarm] = []
    """Static, anomaly-detection and composite alarms."""
    default_actions: Actions | None = None
    """Actions of every alarm that names none, filtered to what each kind accepts."""
    dashboards: Dashboards | None = None
    """Which dashboards to create. Default: services and alarms."""
    flow_logs: list[FlowLogs] = []
    """VPC flow logs into CloudWatch Logs, with saved queries and an opt-in SSH/RDP alarm."""
    containers: Containers | None = None
    """Container Insights for EKS clusters (the observability add-on) and ECS clusters."""
    hosts: Hosts | None = None
    """The CloudWatch agent on servers, installed and configured by Systems Manager."""
    audit_trail: AuditTrail | None = None
    """CloudTrail into CloudWatch Logs, the CIS alarm pack, Contributor Insights, sign-in alerts."""
    events: EventsSection | None = None
    """EventBridge: alerts on AWS events, scheduled operations, automated responses."""
    tracing: Tracing | None = None
    """X-Ray: a group per service, sampling rules, Transaction Search. Default: off."""
    insights: InsightsSection | None = None
    """The account's field index policy, DynamoDB Contributor Insights. Default: none."""
    prometheus: Prometheus | None = None
    """Amazon Managed Service for Prometheus: a workspace, rules, alert manager, the
    managed scraper and ADOT collectors. Default: none."""
    grafana: Grafana | None = None
    """An Amazon Managed Grafana workspace. Default: none."""
    cross_account: CrossAccount | None = None
    """Cross-account observability: an OAM sink in the monitoring account, links in the
    source accounts, organization telemetry and centralization rules. Default: none."""
    sharding: Sharding | None = None
    """How full each of the blueprint's stacks is filled (a blueprint larger than one
    stack is placed into several). Default: 450 resources and 800,000 template bytes."""
    services: list[Service] = []
    """The AWS resources each service runs on (Lambda functions, queues, tables, APIs,
    load balancers ...): AWS's recommended alarms on each, joined into the service's
    health alarm. Default: none."""

    _planned: tuple[list[PlannedResource], list[Problem]] | None = PrivateAttr(default=None)
    """``services:`` resolved (a Blueprint is not changed once read)."""

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: dict[str, str]) -> dict[str, str]:
        for key, tag_value in value.items():
            if message := check_tag_key(key) or check_tag_value(key, tag_value):
                raise fail(message, at=key)
        return value

    @model_validator(mode="after")
    def _whole_file(self) -> Self:
        problems = list(self._problems())
        named = {p.location for p in problems}
        problems += [p for p in number_problems(self) if p.location not in named]
        if problems:
            raise PydanticCustomError(
                ERROR_TYPE,
                "{message}",
                {"message": "\n".join(map(str, problems)), "problems": problems},
            )
        return self

    @property
    def prefix(self) -> str:
        """``<name>-<stage>``, the start of every physical name the blueprint chooses."""
        return names.prefix(self.name, self.stage)

    def metric_namespace(self, log_group: LogGroup) -> str:
        """Return the namespace of a log group's structured-log metrics."""
        structured = log_group.structured_logs
        # One namespace per service by default, so each service's dashboard section
        # (a SEARCH over the namespace) shows that service alone.
        return (structured.namespace if structured else None) or f"{self.prefix}/{log_group.unit()}"

    def filter_specs(self, log_group: LogGroup) -> list[MetricFilterSpec]:
        """Return every metric filter of a log group: its own, then the structured ones."""
        specs = [f.to_spec() for f in log_group.metric_filters]
        structured = log_group.structured_logs
        if structured:
            specs.extend(
                structured_log_filters(
                    namespace=self.metric_namespace(log_group),
                    fields=structured.to_fields(),
                    error_levels=tuple(structured.error_levels),
                )
            )
        return [replace(spec, filter_name=self.filter_name(spec.name)) for spec in specs]

    def query_folder(self, log_group: LogGroup) -> str:
        """The console folder of a log group's saved queries: ``<prefix>/<service>/<group>``
        (the service once when the group is named after it)."""
        return "/".join(dict.fromkeys((self.prefix, log_group.unit(), log_group.name)))

    def log_group_queries(self, log_group: LogGroup, *, complete: bool = False) -> dict[str, str]:
        """The saved queries of a log group the blueprint saves with them, by name.

        The catalogue (fields from ``structured_logs``, else Powertools' names), then
        the file's own queries. ``failed-requests`` of a structured log group is saved
        by its metrics already, under the same name: left out unless ``complete``.
        """
        structured = log_group.structured_logs
        queries: dict[str, str] = {}
        if log_group.queries.defaults:
            queries = service_queries(
                structured.to_fields() if structured else None,
                tuple(structured.error_levels) if structured else DEFAULT_ERROR_LEVELS,
                infrequent_access=log_group.log_class == "INFREQUENT_ACCESS",
            )
            if structured is not None and not complete:
                del queries[FAILED_REQUESTS]
        queries.update({q.name: q.query for q in log_group.queries.custom})
        return queries

    @property
    def saved_queries(self) -> dict[str, SavedQueryRef]:
        """Every saved query of the file by its full name, with its log groups
        (``obs-blueprint query NAME`` looks names up here)."""
        found: dict[str, SavedQueryRef] = {}
        for group in self.log_groups:
            folder = self.query_folder(group)
            for name, query in self.log_group_queries(group, complete=True).items():
                found[f"{folder}/{name}"] = SavedQueryRef(query, [group.physical_name(self)])
        return found

    def anomaly_detector_name(self, log_group: LogGroup) -> str | None:
        """The name of a log group's anomaly detector, ``<name>-<stage>-<log group>``, or
        None when it has none (``anomaly_detection`` is on by default for STANDARD)."""
        if not log_group.anomaly_detection.on(log_group.log_class):
            return None
        return f"{self.prefix}-{log_group.name}"

    def filter_name(self, metric_filter: str) -> str:
        """Return the physical name of a metric filter: ``<name>-<stage>-<filter>``."""
        return f"{self.prefix}-{metric_filter}"

    def log_anomaly_alarm_key(self, log_group: LogGroup) -> str | None:
        """The name (before the naming strategy) of the alarm on a log group's anomalies,
        ``<log group>-log-anomalies``, or None when it has no anomaly detection."""
        if not log_group.anomaly_detection.on(log_group.log_class):
            return None
        return f"{log_group.name}-log-anomalies"

    # -------------------------------------------------------- log intelligence

    def insight_rules(self, log_group: LogGroup) -> list[InsightRuleSpec]:
        """The Contributor Insights rules of a log group: the shipped ones the blueprint
        knows apply (an access log), then the file's, in order. Empty without
        ``contributor_insights``. On a log group with a transformer they read the
        transformed events."""
        settings = log_group.contributor_insights
        if settings is None:
            return []
        structured = log_group.structured_logs
        shipped = log_intelligence.default_insight_rules(
            settings, log_group.transformer, structured.to_fields() if structured else None
        )
        return [*shipped, *(rule.to_spec() for rule in settings.rules)]

    def insight_rule_prefix(self, log_group: LogGroup) -> str:
        """The start of the physical names of a log group's Contributor Insights rules,
        ``<name>-<stage>-<log group>`` (each rule is ``<that>-<rule>``)."""
        return log_intelligence.insight_rule_prefix(self.prefix, log_group.name)

    def insight_rule_names(self, log_group: LogGroup) -> list[str]:
        """The physical names of a log group's Contributor Insights rules."""
        prefix = self.insight_rule_prefix(log_group)
        return [f"{prefix}-{rule.name}" for rule in self.insight_rules(log_group)]

    def index_fields(self, log_group: LogGroup) -> tuple[list[str], list[str]] | None:
        """A log group's indexed fields and facets, or None when it has no index policy
        of its own (``field_indexes``). Default fields: the request id, trace id and
        service fields of its ``structured_logs``."""
        structured = log_group.structured_logs
        return log_intelligence.index_fields(
            log_group.field_indexes, structured.to_fields() if structured else None
        )

    def log_alarm_name(self, alarm: LogAlarm) -> str:
        """The physical name of a log alarm: ``<name>-<stage>-<alarm>``, as ``alarms:``."""
        return self.alarm_naming().name(alarm.name)

    def log_alarm_names(self) -> list[str]:
        """The names of every log group's log alarms, in file order (composite alarms
        and events may name them as they name the alarms of ``alarms:``)."""
        return [alarm.name for group in self.log_groups for alarm in group.log_alarms]

    def scheduled_query_name(self, log_group: LogGroup, query: ScheduledQuery) -> str:
        """The physical name of a scheduled query: ``<name>-<stage>-<log group>-<query>``."""
        return log_intelligence.scheduled_query_name(self.prefix, log_group.name, query)

    def scheduled_query_prefix(self, log_group: LogGroup, query: ScheduledQuery) -> str:
        """Where in its bucket a scheduled query's results go: its ``prefix``, else
        ``scheduled-queries/<name>-<stage>/<log group>/<query>/``."""
        return log_intelligence.scheduled_query_prefix(self.prefix, log_group.name, query)

    def field_index_policy_name(self) -> str:
        """The name of the account's field index policy (``insights.field_index_policy``):
        as given, else ``<name>-<stage>-field-indexes``."""
        return log_intelligence.field_index_policy_name(self.insights, self.prefix)

    def _group_insights(self, log_group: LogGroup) -> log_intelligence.GroupInsights:
        structured = log_group.structured_logs
        return log_intelligence.GroupInsights(
            name=log_group.name,
            log_class=log_group.log_class,
            structured=structured.to_fields() if structured else None,
            transformer=log_group.transformer,
            field_indexes=log_group.field_indexes,
            log_alarms=log_group.log_alarms,
            scheduled_queries=log_group.scheduled_queries,
            contributor_insights=log_group.contributor_insights,
            anomaly_alarm=self.log_anomaly_alarm_key(log_group),
        )

    def _insight_context(self) -> log_intelligence.FileContext:
        return log_intelligence.FileContext(
            prefix=self.prefix,
            log_groups={
                group.name: log_intelligence.QueryTarget(
                    physical_name=group.physical_name(self), log_class=group.log_class
                )
                for group in self.log_groups
            },
            topics=[t.name for t in self.notifications],
            place=arns.Place.of(
                region=self.home_region, account=self.env.account if self.env else None
            ),
            naming=self.alarm_naming(),
        )

    def _query_problems(self, where: str, group: LogGroup) -> Iterator[Problem]:
        """The saved queries of a log group, checked offline, at the file's own places."""
        queries = self.log_group_queries(group)
        if not queries:
            return
        custom = {q.name: index for index, q in enumerate(group.queries.custom)}
        for problem in saved_query_problems(
            folder=self.query_folder(group),
            queries=queries,
            log_group_count=1,
            infrequent_access=group.log_class == "INFREQUENT_ACCESS",
        ):
            name = problem.location.removeprefix("queries.")
            if name in custom:
                yield Problem(f"{where}.queries.custom[{custom[name]}]", problem.message)
            else:
                yield Problem(f"{where}.queries", problem.message)

    def _lambda_region_problems(self) -> Iterator[Problem]:
        """Lambda functions a topic or a rule calls must be in the stack's Region.

        The blueprint makes their ``AWS::Lambda::Permission`` in its own Region,
        which CloudFormation refuses for another Region's function (aws-cdk issues
        10924 and 11826), and an EventBridge rule targets only event buses in
        other Regions. Alarms' Lambda actions are checked with the alarms.
        """
        place = arns.Place.of(
            region=self.home_region, account=self.env.account if self.env else None
        )
        found: list[tuple[str, str]] = [
            (f"notifications[{i}].subscribers[{j}].lambda", subscriber.lambda_)
            for i, topic in enumerate(self.notifications)
            for j, subscriber in enumerate(topic.subscribers)
            if subscriber.lambda_
        ]
        if self.events is not None:
            found += [
                (f"events.responses[{i}].actions[{j}].lambda.arn", action.lambda_.arn)
                for i, response in enumerate(self.events.responses)
                for j, action in enumerate(response.actions)
                if action.lambda_ is not None
            ]
        for location, arn in found:
            message = arns.arn_problem(
                arn, [arns.LAMBDA_FUNCTION], place=place, same_region=LAMBDA_SAME_REGION
            )
            if message:
                yield Problem(location, message)

    def _problems(self) -> Iterator[Problem]:
        # Far more than the blueprint places (from_yaml says so): the saved queries are not
        # checked one by one, which would take longer than any user waits.
        check_queries = not any(True for _ in self.stack_size_problems())
        message = names.check_prefix(self.name, self.stage)
        if message:
            yield Problem("stage", message)
        yield from _duplicates("notifications", [t.name for t in self.notifications])
        same_name = list(_duplicates("log_groups", [g.name for g in self.log_groups]))
        yield from same_name
        # A second log group of the same name also has the same default physical
        # name: say it once.
        echoed = {p.location.removesuffix(".name") for p in same_name}
        yield from (
            p
            for p in _duplicates(
                "log_groups",
                [g.physical_name(self) for g in self.log_groups],
                key="log_group_name",
            )
            if p.location.removesuffix(".log_group_name") not in echoed
        )
        context = self._insight_context()
        for index, group in enumerate(self.log_groups):
            yield from self._log_group_problems(
                f"log_groups[{index}]", group, check_queries=check_queries, context=context
            )
        yield from log_intelligence.log_alarm_name_problems(
            [self._group_insights(g) for g in self.log_groups], self.alarm_naming()
        )
        if self.insights is not None:
            yield from log_intelligence.insights_section_problems(
                self.insights, prefix=self.prefix, services=self.service_names()
            )
        yield from self._lambda_region_problems()
        if self.prometheus is not None:
            yield from prometheus_problems(
                self.prometheus,
                topics=[t.name for t in self.notifications],
                fleets=[f.name for f in self.hosts.fleets] if self.hosts else [],
                eks_clusters=[c.cluster for c in self.containers.eks] if self.containers else [],
                host_roles=bool(
                    self.hosts and (self.hosts.instance_role or self.hosts.on_premises)
                ),
                region=self.home_region,
                account=self.env.account if self.env else None,
                services=self.service_names(),
            )
        if self.grafana is not None:
            yield from grafana_problems(
                self.grafana,
                topics=[t.name for t in self.notifications],
                prometheus=self.prometheus is not None,
            )
        if self.tracing is not None:
            yield from tracing_problems(
                self.tracing,
                services=self.service_names(),
                prefix=self.prefix,
                topics=[t.name for t in self.notifications],
            )
        yield from alarm_problems(
            self.alarms,
            filters=self.all_filters(),
            topics=[t.name for t in self.notifications],
            default_actions=self.default_actions,
            naming=self.alarm_naming(),
            region=self.home_region,
            account=self.env.account if self.env else None,
            log_alarms=self.log_alarm_names(),
        )
        if self.dashboards is not None:
            yield from dashboard_problems(
                self.dashboards,
                services=self.service_names(),
                fleets=[f.name for f in self.hosts.fleets] if self.hosts else [],
            )
        if self.events is not None:
            yield from events_problems(
                self.events,
                topics=[t.name for t in self.notifications],
                alarms=[a.name for a in self.alarms] + self.log_alarm_names(),
                prefix=self.prefix,
            )
        if self.hosts is not None:
            yield from hosts_problems(self.hosts, name=self.name, stage=self.stage)
        yield from self._physical_name_problems()
        if self.services:
            planned, found = self._plan()
            yield from found
            yield from service_problems(
                self.services,
                planned=planned,
                topics=[t.name for t in self.notifications],
                naming=self.alarm_naming(),
                region=self.home_region,
                account=self.env.account if self.env else None,
                default_actions=self.default_actions.to_set() if self.default_actions else None,
            )
        if self.environments:
            yield from environment_problems(self)
        if self.sharding is not None:
            yield from self.sharding.problems()
        if self.cross_account is not None:
            yield from crossaccount_problems(self.cross_account)
            # With environments, each environment's blueprint is checked with its own.
            if not self.environments and not (self.env and self.env.account and self.env.region):
                yield Problem(
                    "cross_account",
                    "needs env.account and env.region: the stack's account decides whether it "
                    "gets the sink (the monitoring account), a link (a source) or the "
                    "organization rules",
                )
        if self.audit_trail is not None:
            yield from audit_problems(self.audit_trail, topics=[t.name for t in self.notifications])
        yield from network_problems(
            self.flow_logs,
            self.containers,
            name=self.name,
            stage=self.stage,
            topics=[t.name for t in self.notifications],
            alarm_names=[a.name for a in self.alarms],
            naming=self.alarm_naming(),
        )

    def stack_size_problems(self) -> Iterator[Problem]:
        """Say, before anything is built, when the log groups are more than the blueprint places.

        Each log group is one resource, with one per metric filter (structured logs
        add five), saved query and subscription, and two for anomaly detection: a
        lower bound of the blueprint's resources. A blueprint larger than one stack
        is placed into several (``sharding:``), up to
        :data:`~observability_blueprint.rules.limits.BLUEPRINT_RESOURCES_MAX`; a file
        over it would take many minutes to build, so the file's checks stop at it
        and :meth:`from_yaml` says so at once.
        """
        resources = sum(
            1
            + len(self.filter_specs(group))
            + len(group.subscriptions)
            + (1 if group.structured_logs else 0)
            + len(self.log_group_queries(group))
            + (2 if group.anomaly_detection.on(group.log_class) else 0)
            + self._insight_resources(group)
            for group in self.log_groups
        )
        if resources > limits.BLUEPRINT_RESOURCES_MAX:
            yield Problem(
                "log_groups",
                f"{len(self.log_groups):,} log groups with their metric filters, queries and "
                f"subscriptions are {resources:,} resources at least; one blueprint places at "
                f"most {limits.BLUEPRINT_RESOURCES_MAX:,} resources (in stacks of at most "
                f"{limits.STACK_RESOURCES_MAX}): split the workload into several blueprint "
                "files (one per team or service group)",
            )

    def _insight_resources(self, group: LogGroup) -> int:
        """The fewest resources a log group's log intelligence makes: a transformer; per
        log alarm the alarm and its query role with its policy (two more for log lines);
        per scheduled query the query and two roles with their policies; a rule per
        Contributor Insights rule."""
        return (
            (1 if group.transformer is not None else 0)
            + sum(3 + (2 if alarm.log_lines else 0) for alarm in group.log_alarms)
            + 5 * len(group.scheduled_queries)
            + len(self.insight_rules(group))
        )

    @property
    def home_region(self) -> str | None:
        """The Region of the blueprint's stack, or None when environment-agnostic."""
        return self.env.region if self.env else None

    def global_event_rules(self) -> list[str]:
        """Event rules on IAM, STS or console sign-in events (they fire in us-east-1 only)."""
        return self.events.us_east_1_rules() if self.events else []

    def needs_us_east_1_stack(self) -> bool:
        """Whether some rules must live in a us-east-1 stack of their own.

        IAM, STS and console sign-in events reach EventBridge in us-east-1 only;
        a blueprint homed in another Region puts the rules on them there.
        """
        region = self.home_region
        if region is None or region == "us-east-1":
            return False
        signin = self.audit_trail is not None and signin_stack_needed(self.audit_trail, region)
        return signin or bool(self.global_event_rules())

    def _physical_name_problems(self) -> Iterator[Problem]:
        """Report names the blueprint would create twice across its sections.

        Each section checks its own names; these are the ones two sections could
        both choose: log groups, alarm names and EventBridge rule names.
        """
        for kind, entries in (
            ("log group", self._log_group_names()),
            ("alarm", self._alarm_names()),
            ("EventBridge rule", self._rule_names()),
        ):
            first: dict[str, str] = {}
            for location, name in entries:
                if name in first and not _same_section(first[name], location):
                    yield Problem(
                        location,
                        f"the {kind} {name!r} would also be made by {first[name]}; give one "
                        "of them another name",
                    )
                first.setdefault(name, location)

    def _log_group_names(self) -> Iterator[tuple[str, str]]:
        for index, group in enumerate(self.log_groups):
            yield f"log_groups[{index}].log_group_name", group.physical_name(self)
        if self.audit_trail is not None and self.audit_trail.created_trail() is not None:
            yield (
                "audit_trail.trail.log_group.name",
                self.audit_trail.log_group_name(self.name, self.stage),
            )
        for f_index, fleet in enumerate(self.hosts.fleets if self.hosts else []):
            for kind in ("log_files", "windows_events"):
                for index, source in enumerate(getattr(fleet, kind)):
                    yield (
                        f"hosts.fleets[{f_index}].{kind}[{index}].log_group_name",
                        fleet.log_group_name(source, name=self.name, stage=self.stage),
                    )
        for index, entry in enumerate(self.flow_logs):
            yield (
                f"flow_logs[{index}].log_group_name",
                entry.physical_log_group_name(self.name, self.stage),
            )
        containers = self.containers
        for index, eks in enumerate(containers.eks if containers else []):
            for log_group in eks_log_group_names(eks.cluster).values():
                yield f"containers.eks[{index}].cluster", log_group
        for index, ecs in enumerate(containers.ecs if containers else []):
            yield f"containers.ecs[{index}].cluster", ecs_log_group_name(ecs.cluster)

    def _alarm_names(self) -> Iterator[tuple[str, str]]:
        naming = self.alarm_naming()
        for index, alarm in enumerate(self.alarms):
            yield f"alarms[{index}].name", naming.name(alarm.name)
        for g_index, group in enumerate(self.log_groups):
            for index, log_alarm in enumerate(group.log_alarms):
                yield f"log_groups[{g_index}].log_alarms[{index}].name", naming.name(log_alarm.name)
            if key := self.log_anomaly_alarm_key(group):
                yield f"log_groups[{g_index}].anomaly_detection", naming.name(key)
        cis = self.audit_trail.cis if self.audit_trail else None
        if cis is not None:
            selection = cis_controls.select_controls(
                cis.standard,
                disabled=cis.disabled,
                overrides={k: v.to_override() for k, v in cis.overrides.items()},
                claim_compliance=cis.claim_compliance,
            )
            for control in selection.controls:
                yield "audit_trail.cis", naming.name(f"cis-{control.slug}")
        events = self.events
        if events is not None and (events.alerts or events.responses or events.schedules):
            if events.delivery.dead_letter_queues == "shared":
                yield "events.delivery", naming.name("events-undelivered")
            else:
                for kind in ("alerts", "responses", "schedules"):
                    for index, item in enumerate(getattr(events, kind)):
                        yield (
                            f"events.{kind}[{index}].name",
                            naming.name(f"{item.name}-undelivered"),
                        )

    def _rule_names(self) -> Iterator[tuple[str, str]]:
        if self.events is not None:
            for kind in ("alerts", "responses"):
                for index, item in enumerate(getattr(self.events, kind)):
                    yield f"events.{kind}[{index}].name", f"{self.prefix}-{item.name}"
        # A service with resources in another Region is notified by forwarded-state rules
        # named <prefix>-<service>-health-<state> (blueprint.resources).
        elsewhere = {p.service for p in self.planned_resources() if p.elsewhere is not None}
        for index, service in enumerate(self.services):
            if service.name in elsewhere and service.health_alarm:
                for state in ("alarm", "ok", "insufficient-data"):
                    yield f"services[{index}].name", f"{self.prefix}-{service.name}-health-{state}"
        alerts = self.audit_trail.signin_alerts if self.audit_trail else None
        if alerts is not None:
            if alerts.root:
                yield "audit_trail.signin_alerts.root", f"{self.prefix}-root-sign-in"
            if alerts.failures:
                yield "audit_trail.signin_alerts.failures", f"{self.prefix}-sign-in-failures"

    def needs_key(self) -> bool:
        """Whether the blueprint needs its customer-managed key: topics, or anything encrypted."""
        trail = self.audit_trail.created_trail() if self.audit_trail else None
        if self.notifications or (trail and trail.log_group.encrypted):
            return True
        hosts = self.hosts.fleets if self.hosts else []
        return any(
            item.encrypted
            for item in (
                *self.log_groups,
                *self.flow_logs,
                *(source for fleet in hosts for source in fleet.sources()),
                *(self.containers.eks if self.containers else ()),
                *(self.containers.ecs if self.containers else ()),
                *((self.prometheus.workspace,) if self.prometheus else ()),
            )
        )

    def service_names(self) -> list[str]:
        """Return the service (unit) names, in the order they first appear: log groups'
        first, then those only ``services:`` names."""
        return list(
            dict.fromkeys([*(g.unit() for g in self.log_groups), *(s.name for s in self.services)])
        )

    def cluster_features(self) -> dict[tuple[str, str], frozenset[str]]:
        """Return the features ``containers:`` turns on, by (resource type, cluster name).

        Container Insights on an ECS cluster (``enhanced`` adds enhanced observability)
        applies to every ECS service of it that ``services:`` lists; the EKS
        observability add-on is Container Insights on the cluster.
        """
        out: dict[tuple[str, str], frozenset[str]] = {}
        if self.containers is None:
            return out
        for ecs in self.containers.ecs:
            features = {"container_insights"}
            if ecs.mode == "enhanced":
                features.add("enhanced_observability")
            out[("ecs_service", ecs.cluster)] = frozenset(features)
        for eks in self.containers.eks:
            out[("eks_cluster", eks.cluster)] = frozenset({"container_insights"})
        return out

    def planned_resources(self) -> list[PlannedResource]:
        """Return every resource of ``services:`` with its identity and alarms.

        Valid files only (the checks ran when the file was read). Resolved once, when
        the file is read: validation, the stacks and the dashboards share the result.
        """
        return list(self._plan()[0])

    def _plan(self) -> tuple[list[PlannedResource], list[Problem]]:
        if self._planned is None:
            self._planned = plan_resources(
                self.services, region=self.home_region, cluster_features=self.cluster_features()
            )
        return self._planned

    def all_filters(self) -> list[tuple[str, MetricFilterSpec]]:
        """Return every metric filter of the blueprint with its log group's name."""
        return [(g.name, spec) for g in self.log_groups for spec in self.filter_specs(g)]

    def alarm_naming(self) -> PrefixNaming:
        """Return the naming strategy of alarms: ``<name>-<stage>-<alarm>``."""
        return PrefixNaming(self.prefix)

    def _log_group_problems(
        self,
        where: str,
        group: LogGroup,
        *,
        check_queries: bool = True,
        context: log_intelligence.FileContext | None = None,
    ) -> Iterator[Problem]:
        if group.structured_logs:
            structured = group.structured_logs
            for problem in field_problems(structured.to_fields(), tuple(structured.error_levels)):
                yield Problem(f"{where}.structured_logs.{problem.location}", problem.message)
        processors = group.transformer.to_processors() if group.transformer else None
        # A broken transformer is reported with it: examples are not run through it.
        broken = processors is not None and bool(
            transformer_problems(processors, log_class=group.log_class)
        )
        for index, metric_filter in enumerate(group.metric_filters):
            spec = metric_filter.to_spec()
            if broken:
                spec = replace(spec, examples=None)
            for problem in transformed_filter_problems(spec, processors):
                yield Problem(
                    f"{where}.metric_filters[{index}].{problem.location}", problem.message
                )
        yield from log_intelligence.log_group_insight_problems(
            where, self._group_insights(group), context or self._insight_context()
        )
        if check_queries:
            yield from self._query_problems(where, group)
        place = arns.Place.of(
            region=self.home_region, account=self.env.account if self.env else None
        )
        for index, subscription in enumerate(group.subscriptions):
            message = arns.subscription_destination_problem(subscription.destination_arn, place)
            if message:
                yield Problem(f"{where}.subscriptions[{index}].destination_arn", message)
        if group.log_class != "STANDARD" and group.subscriptions:
            yield Problem(
                f"{where}.subscriptions",
                f"a log group of class {group.log_class} cannot have subscription filters; "
                "set log_class: STANDARD or remove them",
            )
        if group.log_class != "STANDARD" and group.structured_logs:
            yield Problem(
                f"{where}.structured_logs",
                f"a log group of class {group.log_class} cannot have metric filters; "
                "set log_class: STANDARD or remove structured_logs",
            )
        specs = self.filter_specs(group)
        own = [f.name for f in group.metric_filters]
        for spec in specs[len(own) :]:
            # The filters structured_logs makes from its settings (error_levels, fields)
            # meet the same limits as the file's own.
            for problem in metric_filter_problems(spec):
                yield Problem(
                    f"{where}.structured_logs",
                    f"the {spec.name!r} filter it makes: {problem.location}: {problem.message}",
                )
        yield from regex_budget_problems(
            [
                (f"{where}.metric_filters[{index}].pattern", spec.pattern_text)
                for index, spec in enumerate(specs)
            ]
            + [
                (f"{where}.subscriptions[{index}].pattern", subscription.pattern)
                for index, subscription in enumerate(group.subscriptions)
            ]
        )
        structured_names = [s.name for s in specs[len(own) :]]
        for problem in log_group_filter_problems(specs, log_class=group.log_class):
            clash = _index_of(problem.location)
            if clash is not None and clash >= len(own):
                # The clash is with a filter structured_logs adds: point at the user's one.
                name = specs[clash].name
                yield Problem(
                    f"{where}.metric_filters[{own.index(name)}].name",
                    f"{name!r} is the name of a filter structured_logs adds "
                    f"({', '.join(structured_names)}); give this filter another name",
                )
            else:
                yield Problem(f"{where}.{problem.location}", problem.message)

    # ----------------------------------------------------------------- loading

    @classmethod
    def from_dict(
        cls,
        data: object,
        *,
        source: str | None = None,
        document: YamlDocument | None = None,
        directory: Path | None = None,
    ) -> Blueprint:
        """Validate parsed data; raise BlueprintError listing every problem.

        ``document`` is the file the data was read from (:func:`read_yaml`): messages
        then quote values as the file writes them. ``directory`` is where files the
        data names (Prometheus rule files) are read from. Default: the current folder.
        """
        context = {"directory": directory or Path.cwd()}
        if data is None:
            raise BlueprintError(
                [Problem("", "the file is empty; it needs at least `name` and `stage`")],
                source=source,
            )
        if not isinstance(data, dict):
            raise BlueprintError(
                [
                    Problem(
                        "",
                        f"the top level is a {type(data).__name__}; a blueprint is a mapping "
                        "with keys such as name, stage, log_groups",
                    )
                ],
                source=source,
            )
        try:
            return cls.model_validate(data, context=context)
        except ValidationError as exc:
            problems = problems_from(exc, document=document)
            seen = {str(p) for p in problems}
            problems += [p for p in _checks_despite(data, exc, context) if str(p) not in seen]
            raise BlueprintError(problems, source=source) from None

    @classmethod
    def from_yaml(cls, path: str | Path) -> Blueprint:
        """Read and validate a blueprint file; raise BlueprintError on any problem."""
        from observability_blueprint.config.yaml_loading import read_yaml

        document = read_yaml(Path(path))
        blueprint = cls.from_dict(
            document.data, source=str(path), document=document, directory=Path(path).parent
        )
        if problems := list(blueprint.stack_size_problems()):
            raise BlueprintError(problems, source=str(path))
        return blueprint


def _checks_despite(
    data: dict[str, Any], exc: ValidationError, context: dict[str, Any]
) -> list[Problem]:
    """Run the whole-file checks even though some fields are wrong.

    The whole-file checks (unknown filters, duplicate names, evaluation windows)
    need a model, which pydantic builds only when every field is valid. To report
    everything at once, the wrong keys are left out (their defaults apply) and
    the file is validated again; problems at or around a left-out key are dropped,
    since they would only echo it. When a wrong value cannot simply be left out
    (a missing key, a whole list item), the whole-file checks wait for the fix.
    """
    errors = exc.errors(include_url=False)
    if any(not e["loc"] or e["type"] == "missing" for e in errors):
        return []
    cleaned = copy.deepcopy(data)
    removed: list[str] = []
    for error in errors:
        loc = [p for p in error["loc"] if not _is_union_tag(p)]
        if error["type"] == "missing" or not loc or isinstance(loc[-1], int):
            return []
        parent: Any = cleaned
        for part in loc[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                return []
        if not isinstance(parent, dict) or loc[-1] not in parent:
            return []
        del parent[loc[-1]]
        removed.append(format_location(tuple(loc)))
    try:
        Blueprint.model_validate(cleaned, context=context)
    except ValidationError as second:
        if any("problems" not in (e.get("ctx") or {}) for e in second.errors()):
            return []
        return [
            p
            for p in problems_from(second)
            if not any(_related(p.location, where) for where in removed)
        ]
    return []


def _related(first: str, second: str) -> bool:
    """Whether one config path is the other or lies inside it."""
    return any(
        a == b or a.startswith((f"{b}.", f"{b}[")) for a, b in ((first, second), (second, first))
    )


def _index_of(location: str) -> int | None:
    """The index in ``metric_filters[i].name``, or None for other locations."""
    match = re.fullmatch(r"metric_filters\[(\d+)\]\.name", location)
    return int(match.group(1)) if match else None


def _same_section(first: str, second: str) -> bool:
    """Whether two locations are in one section that reports its own duplicates."""
    sections = ("log_groups", "alarms", "flow_logs", "containers", "audit_trail.cis", "events")
    return any(first.startswith(s) and second.startswith(s) for s in sections)


def _duplicates(where: str, values: list[str], *, key: str = "name") -> Iterator[Problem]:
    first: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in first:
            yield Problem(
                f"{where}[{index}].{key}",
                f"{value!r} is already used by {where}[{first[value]}]; names must be unique",
            )
        else:
            first[value] = index


# ------------------------------------------------------------ error rendering


_UNION_TAGS = frozenset({"str", "int", "float", "bool", "none", "list", "dict"})


def _is_union_tag(part: int | str) -> bool:
    """Whether a location part names a union member (``int``) rather than a key."""
    return isinstance(part, str) and (
        part in _UNION_TAGS or "[" in part or part.startswith(("function-", "constrained-"))
    )


def format_location(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic location as a config path: ``log_groups[1].retention_days``.

    Union member tags that pydantic adds (``threshold.float``) are left out: they
    are not keys of the file.
    """
    out = ""
    for part in (p for p in loc if not _is_union_tag(p)):
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def problems_from(exc: ValidationError, *, document: YamlDocument | None = None) -> list[Problem]:
    """Turn pydantic's errors into problems that name the path, value and what is allowed.

    With the ``document`` the file was read into, a value is quoted as the file
    writes it (``012345670123``, ``no``), not as YAML read it (an octal number,
    false). Every error type reads in the blueprint's words: never pydantic's
    "Input should be ...".
    """
    problems: list[Problem] = []
    cross: list[Problem] = []
    errors = exc.errors(include_url=False)
    # A union reports once per member: the members' kinds, by location, say what is allowed.
    expected: dict[str, list[str]] = {}
    for error in errors:
        if error["type"] in _TYPE_NAMES:
            kinds = expected.setdefault(format_location(tuple(error["loc"])), [])
            if _TYPE_NAMES[error["type"]] not in kinds:
                kinds.append(_TYPE_NAMES[error["type"]])
    for error in errors:
        loc = tuple(error["loc"])
        where = format_location(loc)
        ctx = error.get("ctx") or {}
        if "problems" in ctx:
            cross.extend(ctx["problems"])
            continue
        value = error.get("input")
        if error["type"] == ERROR_TYPE and ctx.get("at") is not None:
            loc = (*loc, ctx["at"])
            where = format_location(loc)
        parts = [p for p in loc if not _is_union_tag(p)]
        written = document.source_text(parts) if document is not None else None
        plain = document.written_plain(parts) if document is not None else None
        shown = _Shown(value, written, plain)
        message = _message(error["type"], loc, shown, ctx, error, expected.get(where, []))
        problems.append(Problem(where, message))
    unique: dict[str, Problem] = {}
    for problem in problems:
        unique.setdefault(problem.location or str(problem), problem)
    for problem in cross:
        unique.setdefault(str(problem), problem)
    return [Problem(p.location, cut_long_values(p.message)) for p in unique.values()]


# Quoted values, paired from left to right (an apostrophe inside a word is not a quote).
_QUOTED_RE = re.compile(r"(?<![A-Za-z])'([^'\n]*)'(?![A-Za-z])")
_LONG_NUMBER_RE = re.compile(r"\d{41,}")


def cut_long_values(message: str) -> str:
    """Cut the long values a message quotes (``'...'``) or long numbers, to a readable length.

    Rules echo the value they refuse; a hostile file's value may be megabytes long.
    """
    message = _QUOTED_RE.sub(
        lambda m: (
            f"'{m.group(1)[:_SHOWN_CHARACTERS]}...' ({len(m.group(1)):,} characters)"
            if len(m.group(1)) > _ECHOED_IN_FULL
            else m.group(0)
        ),
        message,
    )
    return _LONG_NUMBER_RE.sub(lambda m: shown_number(int(m.group(0))), message)


_TYPE_NAMES: dict[str, str] = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "none_required": "null",
}
"""The kind of value a type error asks for."""

_ECHOED_IN_FULL = 200
"""A value a rule echoes is shown whole up to this length, cut beyond it."""
_YAML_11_WORDS = "YAML 1.1 reads yes, no, on, off, true and false without quotes as booleans"
_SHOWN_CHARACTERS = 60


class _Shown:
    """A bad value as a message shows it: as written in the file, cut."""

    def __init__(self, value: Any, written: str | None, plain: bool | None) -> None:
        self.value = value
        self.written = written
        self.plain = plain

    @property
    def text(self) -> str:
        if self.written is not None:
            return self.written
        return _python_text(self.value)

    @property
    def kind(self) -> str:
        """What YAML made of the value: a number, text, a list..."""
        value = self.value
        if isinstance(value, bool):
            word = (self.written or "").lower()
            read = "true" if value else "false"
            if word and word not in ("true", "false"):
                return f"read as {read} ({_YAML_11_WORDS})"
            return f"{read}, a boolean"
        if isinstance(value, int | float):
            written = (self.written or "").lstrip("+-")
            if isinstance(value, int) and len(written) > 1 and written.startswith("0"):
                return "a number (YAML 1.1 reads a leading zero as an octal number)"
            return "a number"
        if value is None:
            return "null (no value)"
        if isinstance(value, datetime | date):
            return "read as a date"
        if isinstance(value, list | tuple):
            return "a list"
        if isinstance(value, dict):
            return "a mapping"
        if isinstance(value, str):
            return "text (in quotes)" if self.plain is False else "text"
        return f"a {type(value).__name__}"


def _python_text(value: Any) -> str:
    """A value given from Python (no file to quote), cut to a readable length."""
    if isinstance(value, int) and not isinstance(value, bool):
        return shown_number(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and len(value) > _SHOWN_CHARACTERS:
        return f"{value[:_SHOWN_CHARACTERS]!r}... ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARACTERS else f"{text[:_SHOWN_CHARACTERS]}..."


_EXPONENT_RE = re.compile(r"([-+]?)(\d[\d_]*)?(?:\.(\d*))?[eE]([-+]?)(\d+)")


def _yaml11_number(text: str) -> str:
    """``1e400`` as YAML 1.1 reads a number: ``1.0e+400``."""
    match = _EXPONENT_RE.fullmatch(text)
    if match is None:
        return text
    sign, whole, fraction, exponent_sign, exponent = match.groups()
    return f"{sign}{whole or 0}.{fraction or 0}e{exponent_sign or '+'}{exponent}"


def _message(
    kind: str,
    loc: tuple[int | str, ...],
    shown: _Shown,
    ctx: dict[str, Any],
    error: Any,
    expected: list[str],
) -> str:
    """The blueprint's wording of one pydantic error: the value, then what is allowed."""
    value, text = shown.value, shown.text
    if "a number" in expected and "a whole number" in expected:
        expected = [e for e in expected if e != "a whole number"]
    wanted = " or ".join(expected) or _TYPE_NAMES.get(kind, "")
    hint = _field_hint(loc)
    if kind == ERROR_TYPE:
        return _cut_echo(str(ctx["message"]), value)
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind == "missing":
        return f"is required but missing{hint}"
    if kind == "string_type" and wanted == "text":
        if isinstance(value, bool | int | float | date):
            return f'{text} is {shown.kind}; this is text: quote it ("{text}")'
        return f"{text} is {shown.kind}; this is text{hint}"
    if kind in _TYPE_NAMES:
        if isinstance(value, str) and shown.plain and _EXPONENT_RE.fullmatch(value):
            return (
                f"{text} is read as text: YAML 1.1 reads a number with an exponent only with a "
                f"dot and a signed exponent ({_yaml11_number(value)}); give {wanted}{hint}"
            )
        if isinstance(value, str) and shown.plain is False and wanted != "text":
            return f"{text} is text (in quotes); give {wanted} without quotes{hint}"
        if kind == "int_type" and isinstance(value, float) and not isinstance(value, bool):
            return f"{text} is not a whole number; give {wanted}{hint}"
        if kind in ("model_type", "model_attributes_type"):
            return f"{text} is {shown.kind}; give a mapping with the keys {_keys_of(loc)}"
        return f"{text} is {shown.kind}; give {wanted}{hint}"
    if kind in ("literal_error", "enum"):
        options = str(ctx.get("expected", ""))
        choices = re.findall(r"'([^']*)'", options)
        close = limits.closest(str(value), choices) if isinstance(value, str) else None
        suggestion = f" (did you mean {close!r}?)" if close else ""
        return f"{text} is not valid{suggestion}: use {options}"
    if kind in ("too_short", "too_long"):
        count = ctx.get("actual_length", len(value) if hasattr(value, "__len__") else "?")
        items = "item" if count == 1 else "items"
        if kind == "too_short":
            return f"{text} has {count} {items}; give at least {ctx.get('min_length')}"
        return f"{count} {items} is not valid: at most {ctx.get('max_length')}"
    if kind in ("string_too_short", "string_too_long"):
        size = len(value) if isinstance(value, str) else "?"
        if kind == "string_too_short":
            return f"{text} is {size} characters; give at least {ctx.get('min_length')}"
        return f"{text} is {size:,} characters; at most {ctx.get('max_length')}"
    if kind in _BOUNDS:
        word, key = _BOUNDS[kind]
        bound = ctx.get(key)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return f"{text} is not valid: give a number {word} {bound}{hint}"
    if kind == "multiple_of":
        return f"{text} is not valid: give a multiple of {ctx.get('multiple_of')}"
    if kind == "finite_number":
        return f"{text} is not a finite number; give a number"
    if kind == "string_pattern_mismatch":
        hint_text = _PATTERN_HINTS.get(loc[-1])
        if hint_text:
            return f"{text} {hint_text}"
        return f"{text} has the wrong form; it must match {ctx.get('pattern')}{hint}"
    if kind in ("value_error", "assertion_error"):
        return f"{text}: {str(error['msg']).split(', ', 1)[-1]}"
    return f"{text} is not valid here{hint or ': ' + str(error['msg'])}"


_BOUNDS: dict[str, tuple[str, str]] = {
    "greater_than": ("greater than", "gt"),
    "greater_than_equal": ("of at least", "ge"),
    "less_than": ("less than", "lt"),
    "less_than_equal": ("of at most", "le"),
}


def _cut_echo(message: str, value: Any) -> str:
    """Cut a long value a rule's message echoes in full (as ``repr``)."""
    if isinstance(value, str) and len(value) > _ECHOED_IN_FULL and repr(value) in message:
        return message.replace(repr(value), _python_text(value))
    if isinstance(value, int) and not isinstance(value, bool) and str(value) in message:
        return message.replace(str(value), shown_number(value))
    return message


def _field_hint(loc: tuple[int | str, ...]) -> str:
    """``: <the field's description>``, saying what the setting takes (or nothing)."""
    keys = [p for p in loc if not _is_union_tag(p)]
    while keys and isinstance(keys[-1], int):
        keys.pop()
    if not keys:
        return ""
    model = _model_at(tuple(keys[:-1]))
    if model is None:
        return ""
    fields = {f.alias or n: f for n, f in model.model_fields.items()}
    field = fields.get(str(keys[-1]))
    if field is None or not field.description:
        return ""
    first = re.split(r"\n|\. Default", field.description)[0].strip().rstrip(".")
    return f" ({first[0].lower()}{first[1:]})" if first else ""


def _keys_of(loc: tuple[int | str, ...]) -> str:
    model = _model_at(tuple(p for p in loc if not _is_union_tag(p)))
    if model is None:
        return "the section takes"
    return ", ".join(field.alias or name for name, field in model.model_fields.items())


_PATTERN_HINTS: dict[int | str, str] = {
    "account": "is not an AWS account id; use the 12 digits, quoted",
    "region": "is not an AWS Region; use a name such as eu-west-1",
    "email": "is not an e-mail address",
    "https": "is not an HTTPS URL; it must start with https://",
    "sqs": "is not an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)",
    "lambda": "is not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)",
    "runbook_url": "is not a link; give a URL starting with https:// (or http://)",
}


def _unknown_key(loc: tuple[int | str, ...]) -> str:
    key = str(loc[-1])
    shown = key if len(key) <= _SHOWN_CHARACTERS else f"{key[:40]}... ({len(key):,} characters)"
    model = _model_at(loc[:-1])
    if model is None:
        return f"unknown key {shown!r}"
    allowed = [field.alias or name for name, field in model.model_fields.items()]
    suggestion = limits.closest(key, allowed) if len(key) <= 100 else None
    hint = f"did you mean {suggestion!r}? " if suggestion else ""
    return f"unknown key {shown!r}; {hint}allowed keys: {', '.join(allowed)}"


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """Find the model class that validates the mapping at ``loc``."""
    current: Any = Blueprint
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, str) and isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or n: f for n, f in current.model_fields.items()}
            if part not in fields:
                return None
            current = fields[part].annotation
        else:
            current = _element(current)
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    from typing import get_args

    args = [a for a in get_args(annotation) if a is not type(None)]
    origin = getattr(annotation, "__origin__", None)
    if origin in (list, dict) or not args:
        return annotation
    models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
    return models[0] if models else annotation


def _element(annotation: Any) -> Any:
    from typing import get_args

    args = get_args(_unwrap(annotation))
    return args[-1] if args else None
