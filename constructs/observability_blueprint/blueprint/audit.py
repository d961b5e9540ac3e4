"""The ``audit_trail:`` section: the trail, CIS alarms, Contributor Insights, sign-in rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import (
    Duration,
    RemovalPolicy,
)
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from observability_blueprint.audit.audit_trail import AuditTrail
from observability_blueprint.audit.cis_alarm_pack import CisAlarmPack
from observability_blueprint.audit.signin_alerts import SignInAlerts
from observability_blueprint.audit.trail_insights import TrailContributorInsights
from observability_blueprint.config import audit as cfg
from observability_blueprint.events import EventDelivery
from observability_blueprint.logs.managed_log_group import ManagedLogGroup
from observability_blueprint.notifications.notification_topic import NotificationTopic
from observability_blueprint.rules import audit as audit_rules
from observability_blueprint.rules.alarm_settings import AlarmNaming
from observability_blueprint.rules.audit import DataEventSelection
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.security.blueprint_key import BlueprintKey

SIGNIN_UNDELIVERED = "sign-in-undelivered"
"""The alarm on sign-in alerts that could not be delivered (before the alarm naming)."""


@dataclass(frozen=True)
class AuditResources:
    """What :func:`build_audit` created."""

    trail: AuditTrail | None
    """The trail, or None when attached to an existing trail's log group."""
    log_group: logs.ILogGroup
    """The log group the CIS pack and insights read."""
    cis: CisAlarmPack | None
    insights: TrailContributorInsights | None
    signin_alerts: SignInAlerts | None
    """The home-Region sign-in rules (they notify the topic)."""


def build_audit(
    scope: Construct,
    section: cfg.AuditTrail,
    *,
    name: str,
    stage: str,
    encryption_key: BlueprintKey | None,
    topics: Mapping[str, NotificationTopic],
    alarm_naming: AlarmNaming,
    home_region: str | None,
) -> AuditResources:
    """Build the ``audit_trail:`` section under ``scope`` (construct ID ``Audit``).

    Parameters
    ----------
    section
        The validated section (``audit_problems`` already reported nothing).
    name, stage
        The blueprint's name and stage (physical names start with ``<name>-<stage>``).
    encryption_key
        The blueprint key; encrypts the trail's log group when the section asks.
    topics
        The blueprint's topics by name.
    alarm_naming
        Names the CIS alarms (``<name>-<stage>-cis-cloudwatch-1``).
    home_region
        The blueprint's Region, or None when environment-agnostic. When it is not
        us-east-1 and sign-in alerts are on, the caller also builds a us-east-1
        stack with :func:`build_signin_forwarder` (see
        ``config_audit.signin_stack_needed``).
    """
    root = Construct(scope, "Audit")
    prefix = f"{name}-{stage}"
    log_group_name = section.log_group_name(name, stage)
    trail_config = section.created_trail()
    trail: AuditTrail | None = None
    log_group: logs.ILogGroup
    target: ManagedLogGroup | logs.ILogGroup
    if trail_config is not None:
        data = trail_config.data_events
        lifecycle = trail_config.bucket.lifecycle
        encrypt = trail_config.log_group.encrypted
        if encrypt and encryption_key is None:
            raise BlueprintError.at(
                "audit_trail.trail.log_group.encrypted",
                "the blueprint has no key to encrypt the trail's log group with",
            )
        trail = AuditTrail(
            root,
            "Trail",
            trail_name=section.trail_name(name, stage),
            multi_region=trail_config.multi_region,
            organization=trail_config.organization,
            organization_id=trail_config.organization_id,
            management_events=trail_config.management_events,
            data_events=DataEventSelection(
                s3=tuple(data.s3), lambda_functions=tuple(data.lambda_), read_write=data.read_write
            )
            if data
            else None,
            log_group_name=log_group_name,
            retention_days=trail_config.log_group.retention_days,
            encryption_key=encryption_key if encrypt else None,
            existing_bucket=trail_config.bucket.existing,
            access_log_bucket=trail_config.bucket.access_logs_bucket,
            trail_key=(
                kms.Key.from_key_arn(root, "TrailKey", trail_config.kms_key)
                if trail_config.kms_key
                else None
            ),
            glacier_after=_days(lifecycle.glacier_after_days),
            expire_after=_days(lifecycle.expire_after_days),
            removal_policy=(
                RemovalPolicy.DESTROY
                if trail_config.removal_policy == "destroy"
                else RemovalPolicy.RETAIN
            ),
        )
        log_group, target = trail.log_group.log_group, trail.log_group
    else:
        log_group = logs.LogGroup.from_log_group_name(root, "ExistingLogGroup", log_group_name)
        target = log_group

    cis = None
    if section.cis is not None:
        cis_config = section.cis
        cis = CisAlarmPack(
            root,
            "Cis",
            log_group=target,
            standard=cis_config.standard,
            disabled=tuple(cis_config.disabled),
            overrides={k: v.to_override() for k, v in cis_config.overrides.items()},
            claim_compliance=cis_config.claim_compliance,
            namespace=cis_config.namespace,
            topics=[topics[cis_config.topic]],
            alarm_naming=alarm_naming,
            filter_name_prefix=prefix,
            trail_settings=trail.settings if trail else None,
        )

    insights = None
    if section.insights is not None:
        config = section.insights
        rules = [
            rule
            for rule, wanted in (
                (audit_rules.TOP_CALLERS, config.top_callers),
                (audit_rules.TOP_ERRORS, config.top_errors),
            )
            if wanted
        ] + [rule.to_spec() for rule in config.rules]
        insights = TrailContributorInsights(
            root,
            "Insights",
            log_group_name=log_group_name,
            rules=rules,
            rule_name_prefix=prefix,
        )
        if trail is not None:
            insights.node.add_dependency(trail.log_group)

    signin = None
    if section.signin_alerts is not None:
        alerts = section.signin_alerts
        topic = topics[alerts.topic]
        signin = SignInAlerts(
            root,
            "SignInAlerts",
            topics=[topic],
            root=alerts.root,
            failures=alerts.failures,
            rule_name_prefix=prefix,
            delivery=EventDelivery(
                root,
                "SignInDelivery",
                topics=[topic],
                alarm_name=alarm_naming.name(SIGNIN_UNDELIVERED),
            ),
        )
    return AuditResources(trail, log_group, cis, insights, signin)


def _days(days: int | None) -> Duration | None:
    return None if days is None else Duration.days(days)
