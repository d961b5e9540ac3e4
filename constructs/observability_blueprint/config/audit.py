"""The ``audit_trail:`` section of the blueprint file.

Pure module: no aws_cdk import. Field rules live on the models (through
``checked``); the checks that need several fields or the rest of the file (does
the topic exist, does a disabled control exist, are the lifecycle days in
order, does the trail give the CIS alarms their data) are in
:func:`audit_problems`, and what Security Hub will fail is in
:func:`audit_warnings`.

A small section::

    audit_trail:
      cis: {topic: ops}      # a multi-Region trail and the CIS alarms to the ops topic
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from observability_blueprint.config.base import LogicalName, StrictModel, checked, fail
from observability_blueprint.rules import audit as audit_rules
from observability_blueprint.rules import cis_controls, limits, names
from observability_blueprint.rules import log_groups as log_group_rules
from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.log_groups import DEFAULT_RETENTION_DAYS
from observability_blueprint.rules.metric_filters import check_pattern

SECTION = "audit_trail"
"""The key of the section in the blueprint file; the start of every config path here."""
DEFAULT_GLACIER_AFTER_DAYS = 90
"""Trail log files move to S3 Glacier Flexible Retrieval after 90 days."""
DEFAULT_LOG_GROUP = "cloudtrail"
"""The trail's log group is ``/<name>/<stage>/cloudtrail`` unless named."""
DEFAULT_TRAIL = "audit"
"""The trail is named ``<name>-<stage>-audit`` unless named."""

BucketReference = Annotated[str, checked(audit_rules.check_bucket_reference)]
S3DataResource = Annotated[str, checked(audit_rules.check_s3_data_resource)]
LambdaDataResource = Annotated[str, checked(audit_rules.check_lambda_data_resource)]
LogGroupName = Annotated[str, checked(log_group_rules.check_log_group_name)]


class Lifecycle(StrictModel):
    """When the trail's log files move to Glacier and when they expire."""

    glacier_after_days: int | None = DEFAULT_GLACIER_AFTER_DAYS
    """Days until log files move to S3 Glacier Flexible Retrieval; null: never. Default: 90."""
    expire_after_days: int | None = None
    """Days until log files are deleted; null: kept forever (the default)."""


class TrailBucket(StrictModel):
    """Where the trail delivers its log files."""

    existing: BucketReference | None = None
    """An existing bucket (name or arn:aws:s3:::NAME). Its policy must admit CloudTrail:
    synthesis prints the statements to add. Default: the blueprint creates one."""
    access_logs_bucket: BucketReference | None = None
    """Bucket receiving the server access logs of the created bucket. Default: one is created."""
    lifecycle: Lifecycle = Lifecycle()
    """Transition and expiry of the created bucket's objects."""


class TrailLogGroup(StrictModel):
    """The CloudWatch Logs log group the trail delivers to."""

    name: LogGroupName | None = None
    """Log group name. Default: /<name>/<stage>/cloudtrail."""
    retention_days: Annotated[int, checked(log_group_rules.check_retention)] | None = (
        DEFAULT_RETENTION_DAYS
    )
    """Days events are kept; null keeps them forever. Default: 365."""
    encrypted: bool = True
    """Encrypt the log group with the blueprint's customer-managed key."""


class DataEvents(StrictModel):
    """Data events (object-level S3 and Lambda invocations) the trail records."""

    s3: list[S3DataResource] = []
    """'all', or bucket ARNs with '/' and an optional key prefix (arn:aws:s3:::bucket/)."""
    lambda_: list[LambdaDataResource] = Field(default=[], alias="lambda")
    """'all', or Lambda function ARNs."""
    read_write: Literal["all", "read_only", "write_only"] = "all"
    """Which data events: reads, writes or both."""


class Trail(StrictModel):
    """The trail the blueprint creates: multi-Region, validated, encrypted, to CloudWatch Logs."""

    name: Annotated[str, checked(audit_rules.check_trail_name)] | None = None
    """Trail name. Default: <name>-<stage>-audit."""
    multi_region: bool = True
    """Record events of every Region (the CIS alarms need it)."""
    organization: bool = False
    """An organization trail (only from the management or delegated administrator account)."""
    organization_id: Annotated[str, checked(audit_rules.check_organization_id)] | None = None
    """The organization's id (o-...), needed by the bucket policy of an organization trail."""
    management_events: Literal["all", "read_only", "write_only", "none"] = "all"
    """Which management events: all (the CIS alarms need it), read_only, write_only, none."""
    data_events: DataEvents | None = None
    """Data events to record as well. Default: none (they are billed per event)."""
    kms_key: Annotated[str, checked(audit_rules.check_kms_key_arn)] | None = None
    """An existing KMS key ARN for the log files; its policy must admit CloudTrail (synthesis
    prints the statements). Default: the blueprint creates a key."""
    bucket: TrailBucket = TrailBucket()
    """The S3 bucket of the log files."""
    log_group: TrailLogGroup = TrailLogGroup()
    """The CloudWatch Logs log group of the events."""
    removal_policy: Literal["retain", "destroy"] = "retain"
    """What happens to the bucket, key and log group when the stack is deleted."""

    def settings(self) -> audit_rules.TrailSettings:
        """Return what the trail records, for the CIS requirement checks."""
        return audit_rules.TrailSettings(
            multi_region=self.multi_region,
            management_events=self.management_events,
            organization=self.organization,
        )


class CisOverride(StrictModel):
    """A change to one CIS control."""

    pattern: Annotated[str, checked(check_pattern)] | None = None
    """Another filter pattern. Security Hub then fails the control (a warning says so)."""
    metric: str | None = None
    """Another metric name."""

    def to_override(self) -> cis_controls.ControlOverride:
        """Return the pure override."""
        return cis_controls.ControlOverride(pattern=self.pattern, metric_name=self.metric)


class CisPack(StrictModel):
    """The CIS / Security Hub CloudWatch.1-14 and CIS 4.15 metric filters and alarms."""

    topic: LogicalName
    """The blueprint topic the alarms notify (Security Hub wants a subscribed SNS topic)."""
    standard: Annotated[str, checked(cis_controls.check_standard)] = cis_controls.DEFAULT_STANDARD
    """Pattern set: security-hub (current, default) or cis-1.4 / cis-1.2 (older)."""
    namespace: Annotated[str, checked(cis_controls.check_namespace)] = (
        cis_controls.DEFAULT_NAMESPACE
    )
    """Metric namespace. Default: LogMetrics, as Security Hub's remediation uses."""
    claim_compliance: bool = True
    """The pack is meant to pass Security Hub: changed patterns and disabled controls warn."""
    disabled: list[str] = []
    """Control ids to leave out, such as CloudWatch.12."""
    overrides: dict[str, CisOverride] = {}
    """Control id to another pattern and/or metric name."""


class InsightRule(StrictModel):
    """A custom Contributor Insights rule on the trail's log group."""

    name: LogicalName
    """Unique among the rules; the physical name is <name>-<stage>-<this>."""
    keys: list[str]
    """Up to 4 JSON fields whose values identify a contributor ($.userIdentity.arn)."""
    filters: list[dict[str, Any]] = []
    """Up to 4 Contributor Insights filters, such as {Match: $.errorCode, IsPresent: true}."""
    aggregate_on: Literal["Count", "Sum"] = "Count"
    """Count events, or sum value_of."""
    value_of: str | None = None
    """The JSON field summed when aggregate_on is Sum."""

    def to_spec(self) -> audit_rules.InsightRuleSpec:
        """Return the pure rule settings."""
        return audit_rules.InsightRuleSpec(
            name=self.name,
            keys=tuple(self.keys),
            filters=tuple(self.filters),
            aggregate_on=self.aggregate_on,
            value_of=self.value_of,
        )


class Insights(StrictModel):
    """Contributor Insights rules on the trail's log group."""

    top_callers: bool = True
    """Top API callers by identity ARN and event name."""
    top_errors: bool = True
    """Top error codes by caller."""
    rules: list[InsightRule] = []
    """More rules."""


class SignInAlerts(StrictModel):
    """Real-time notifications of root sign-ins and console sign-in failures."""

    topic: LogicalName
    """The blueprint topic notified."""
    root: bool = True
    """Every root user console sign-in, successful or not."""
    failures: bool = True
    """Every failed console sign-in."""

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not (self.root or self.failures):
            raise fail("root and failures are both false: nothing to alert on; remove the section")
        return self


class AuditTrail(StrictModel):
    """The audit trail, the CIS alarms, Contributor Insights and sign-in alerts."""

    trail: Trail | None = None
    """The trail to create. Default: a multi-Region trail with the safe defaults."""
    existing_log_group: LogGroupName | None = None
    """Attach to an existing trail's log group instead of creating a trail (Control Tower:
    aws-controltower/CloudTrailLogs)."""
    cis: CisPack | None = None
    """The CIS alarm pack. Default: off."""
    insights: Insights | None = None
    """Contributor Insights rules. Default: off."""
    signin_alerts: SignInAlerts | None = None
    """Root sign-in and console sign-in failure notifications. Default: off."""

    def created_trail(self) -> Trail | None:
        """Return the trail the blueprint creates, or None when it attaches to an existing one."""
        if self.existing_log_group is not None:
            return None
        return self.trail or Trail()

    def log_group_name(self, name: str, stage: str) -> str:
        """Return the name of the log group the CIS pack and insights read."""
        if self.existing_log_group is not None:
            return self.existing_log_group
        trail = self.created_trail()
        assert trail is not None
        return trail.log_group.name or names.default_log_group_name(name, stage, DEFAULT_LOG_GROUP)

    def trail_name(self, name: str, stage: str) -> str:
        """Return the name of the created trail."""
        trail = self.created_trail()
        return (trail.name if trail else None) or f"{names.prefix(name, stage)}-{DEFAULT_TRAIL}"


def signin_stack_needed(section: AuditTrail, home_region: str | None) -> bool:
    """Whether the blueprint must add a us-east-1 stack for the sign-in alerts.

    IAM, STS and console sign-in events reach EventBridge in us-east-1 only. A
    blueprint in another Region forwards them from a rule in a us-east-1 stack
    to its home Region's default event bus, where a rule notifies the topic.
    """
    return (
        section.signin_alerts is not None
        and home_region is not None
        and home_region != audit_rules.SIGNIN_EVENTS_REGION
    )


def _at(path: str, location: str) -> str:
    if not location:
        return path
    return path + location if location.startswith("[") else f"{path}.{location}"


def _selection(section: AuditTrail) -> cis_controls.Selection | None:
    cis = section.cis
    if cis is None:
        return None
    return cis_controls.select_controls(
        cis.standard,
        disabled=cis.disabled,
        overrides={k: v.to_override() for k, v in cis.overrides.items()},
        claim_compliance=cis.claim_compliance,
    )


def audit_problems(section: AuditTrail, *, topics: Sequence[str]) -> Iterator[Problem]:
    """Yield what is wrong with the section as a whole, each at its config path.

    Parameters
    ----------
    section
        The validated ``audit_trail:`` section.
    topics
        Names of the blueprint's notification topics.
    """
    here = SECTION
    known = ", ".join(sorted(topics)) or "none are defined under notifications"
    for where, item in (("cis", section.cis), ("signin_alerts", section.signin_alerts)):
        if item is not None and item.topic not in topics:
            yield Problem(
                f"{here}.{where}.topic",
                f"topic {item.topic!r} is not a blueprint topic; known topics: {known}",
            )
    if section.existing_log_group is not None and section.trail is not None:
        yield Problem(
            f"{here}.trail",
            "give either trail (the blueprint creates one) or existing_log_group (attach to a "
            "trail that exists, such as Control Tower's), not both",
        )
    trail = section.created_trail()
    if trail is not None:
        yield from _trail_problems(f"{here}.trail", trail)
        if section.cis is not None:
            for problem in audit_rules.cis_trail_problems(trail.settings()):
                yield Problem(f"{here}.trail.{problem.location}", problem.message)
    selection = _selection(section)
    if selection is not None:
        for problem in selection.problems:
            yield Problem(_at(f"{here}.cis", problem.location), problem.message)
    if section.insights is not None:
        yield from _insight_problems(f"{here}.insights", section.insights)


def audit_warnings(section: AuditTrail) -> Iterator[Problem]:
    """Yield what Security Hub will fail although the section is valid.

    A changed pattern or a disabled control, while the pack claims compliance,
    makes Security Hub report that control as FAILED.
    """
    selection = _selection(section)
    if selection is not None:
        for problem in selection.warnings:
            yield Problem(_at(f"{SECTION}.cis", problem.location), problem.message)


def _trail_problems(here: str, trail: Trail) -> Iterator[Problem]:
    data = trail.data_events
    for problem in audit_rules.management_event_problems(
        trail.management_events, data_events=bool(data and (data.s3 or data.lambda_))
    ):
        yield Problem(f"{here}.{problem.location}", problem.message)
    if data is not None:
        for key, values in (("s3", data.s3), ("lambda", data.lambda_)):
            for problem in audit_rules.data_resource_problems(values, kind=key):
                if problem.location:  # single values are field rules
                    continue
                yield Problem(f"{here}.data_events.{key}", problem.message)
    lifecycle = trail.bucket.lifecycle
    for problem in audit_rules.lifecycle_problems(
        glacier_after_days=lifecycle.glacier_after_days,
        expire_after_days=lifecycle.expire_after_days,
    ):
        yield Problem(f"{here}.bucket.lifecycle.{problem.location}", problem.message)
    if trail.bucket.existing is not None and trail.bucket.access_logs_bucket is not None:
        yield Problem(
            f"{here}.bucket.access_logs_bucket",
            "applies to a bucket the blueprint creates; an existing bucket keeps its own "
            "server access logging",
        )
    if trail.organization and trail.organization_id is None and trail.bucket.existing is None:
        yield Problem(
            f"{here}.organization_id",
            "is required for an organization trail: the bucket policy must let CloudTrail "
            "write under AWSLogs/<organization id>/ (find it with "
            "`aws organizations describe-organization`)",
        )
    if trail.organization_id is not None and not trail.organization:
        yield Problem(
            f"{here}.organization_id",
            "is only used by an organization trail; set organization: true or remove it",
        )


BUILTIN_RULES = (audit_rules.TOP_CALLERS.name, audit_rules.TOP_ERRORS.name)
"""Names of the built-in Contributor Insights rules (custom rules may not reuse them)."""


def _insight_problems(here: str, insights: Insights) -> Iterator[Problem]:
    seen: dict[str, str] = dict.fromkeys(BUILTIN_RULES, "a built-in rule")
    if not (insights.top_callers or insights.top_errors or insights.rules):
        yield Problem(here, "no rule: enable top_callers or top_errors, or add rules")
    for index, rule in enumerate(insights.rules):
        where = f"{here}.rules[{index}]"
        if rule.name in seen:
            yield Problem(f"{where}.name", f"{rule.name!r} is already used by {seen[rule.name]}")
        seen.setdefault(rule.name, f"{here}.rules[{index}]")
        if (rule.aggregate_on == "Sum") != (rule.value_of is not None):
            yield Problem(
                f"{where}.value_of",
                "is needed with aggregate_on: Sum, and only then",
            )
        # The longest log group name stands in: the body must fit with any name.
        body = rule.to_spec().body(["x" * limits.LOG_GROUP_NAME_MAX])
        for problem in audit_rules.insight_rule_problems(body):
            yield Problem(_at(where, problem.location), problem.message)
