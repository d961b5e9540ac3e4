"""The ``cross_account:`` section built for the stack's own account and Region."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from aws_cdk import Annotations, CfnOutput
from constructs import Construct

from observability_blueprint.config.crossaccount import CrossAccount, plan_for
from observability_blueprint.crossaccount import (
    MonitoringSink,
    OrganizationCentralizationRule,
    OrganizationTelemetryRule,
    SourceLink,
)


@dataclass
class BuiltCrossAccount:
    """What this account and Region got of the section."""

    sink: MonitoringSink | None = None
    """The OAM sink (the monitoring account)."""
    link: SourceLink | None = None
    """The OAM link to the monitoring account's sink (a source account)."""
    telemetry_rules: dict[str, OrganizationTelemetryRule] = field(default_factory=dict)
    """Organization telemetry rules by name (the rules account)."""
    centralization: OrganizationCentralizationRule | None = None
    """The organization centralization rule (the rules account)."""


def build_cross_account(
    scope: Construct, section: CrossAccount, *, account: str, region: str
) -> BuiltCrossAccount:
    """Build, under ``scope/CrossAccount``, what ``account`` / ``region`` gets.

    Construct IDs (public API): ``CrossAccount/Sink``, ``CrossAccount/Link``,
    ``CrossAccount/Telemetry/<rule name>``, ``CrossAccount/Centralization``. A source
    whose Region's sink ARN is not in the file yet gets a warning saying what to do.
    """
    plan = plan_for(section, account=account, region=region)
    built = BuiltCrossAccount()
    holder = Construct(scope, "CrossAccount")
    if plan.sink is not None:
        built.sink = MonitoringSink(holder, "Sink", **asdict(plan.sink))
        output = built.sink.node.find_child("SinkArn")
        assert isinstance(output, CfnOutput)
        output.override_logical_id("SinkArn")  # the name the README and the warning use
    if plan.link is not None:
        built.link = SourceLink(holder, "Link", **asdict(plan.link))
    if plan.telemetry_rules:
        rules = Construct(holder, "Telemetry")
        for rule in plan.telemetry_rules:
            built.telemetry_rules[rule.name] = OrganizationTelemetryRule(
                rules,
                rule.name,
                rule_name=rule.name,
                resource_type=rule.resource_type,
                telemetry_type=rule.telemetry_type,
                telemetry_source_types=rule.source_types,
                rule_scope=rule.scope,
                selection_criteria=rule.selection_criteria,
                destination_pattern=rule.destination_pattern,
                retention_days=rule.retention_days,
                traffic_type=rule.traffic_type,
                max_aggregation_interval=rule.max_aggregation_interval,
                log_format=rule.log_format,
                regions=rule.regions,
                all_regions=rule.all_regions,
            )
    if (copy := plan.centralization) is not None:
        built.centralization = OrganizationCentralizationRule(
            holder,
            "Centralization",
            rule_name=copy.name,
            source_regions=copy.source_regions,
            destination_region=copy.destination_region,
            destination_account=section.monitoring_account,
            rule_scope=copy.scope,
            log_group_filter=copy.log_group_filter,
            encrypted_log_groups=copy.encrypted_log_groups,
            log_group_name_pattern=copy.log_group_name_pattern,
            kms_key_arn=copy.kms_key_arn,
            backup_region=copy.backup_region,
        )
    for note in plan.notes:
        Annotations.of(holder).add_warning_v2("observability-blueprint:cross-account-link", note)
    return built
