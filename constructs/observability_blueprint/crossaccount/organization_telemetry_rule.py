"""An organization telemetry rule: vended telemetry (VPC flow logs, ...) on in every account."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Token
from aws_cdk import aws_observabilityadmin as observabilityadmin
from constructs import Construct

from observability_blueprint.rules import crossaccount as rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.regions import check_region

_Rule = observabilityadmin.CfnOrganizationTelemetryRule


class OrganizationTelemetryRule(Construct):
    """An ``AWS::ObservabilityAdmin::OrganizationTelemetryRule``.

    The rule turns a kind of vended telemetry on, and keeps it on, for the
    matching resources of every account in its scope, new ones included: VPC
    flow logs of every VPC, EKS control-plane logs, WAF logs and so on. The data
    stays in each account (send it to the monitoring account with a link or a
    centralization rule). Organization rules deploy from the management account
    or a delegated administrator of CloudWatch, after telemetry evaluation is
    turned on for the organization (StartTelemetryEvaluationForOrganization).
    https://docs.aws.amazon.com/cloudwatch/latest/observabilityadmin/API_CreateTelemetryRuleForOrganization.html

    Parameters
    ----------
    rule_name
        1 to 100 letters, digits or ``-`` (the CloudFormation schema; the API
        also takes ``_.#/``, which the schema refuses).
    resource_type
        Such as ``AWS::EC2::VPC``; the schema's 12 types.
    telemetry_type
        ``Logs`` or ``Metrics`` (the schema; the API also lists Traces and Insights).
    telemetry_source_types
        Such as ``VPC_FLOW_LOGS``. Default: none.
    rule_scope
        Which accounts, as the rule's ``Scope`` text (1 to 2,000 characters).
        Default: the whole organization.
    selection_criteria
        Which resources, as the rule's ``SelectionCriteria`` text. Default: all.
    destination_pattern
        The log group name pattern, with ``<resourceId>``, ``<accountId>`` and
        similar macros. Default: the service's.
    retention_days
        Retention of the log groups the rule creates, 1 to 3,653. Default: the service's.
    traffic_type, max_aggregation_interval, log_format
        Flow log settings (``AWS::EC2::VPC`` only): ``ACCEPT``, ``REJECT`` or
        ``ALL``; 60 or 600 seconds; a custom format. Default: the service's.
    regions
        Regions the rule is replicated to. Default: this stack's Region only.
    all_regions
        Replicate to every Region, new ones included (fixed once created).
        Default: False.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        rule_name: str,
        resource_type: str,
        telemetry_type: str,
        telemetry_source_types: Sequence[str] = (),
        rule_scope: str | None = None,
        selection_criteria: str | None = None,
        destination_pattern: str | None = None,
        retention_days: int | None = None,
        traffic_type: str | None = None,
        max_aggregation_interval: int | None = None,
        log_format: str | None = None,
        regions: Sequence[str] = (),
        all_regions: bool = False,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        problems: list[Problem] = []
        checks: list[tuple[str, object, object]] = [
            ("rule_name", rule_name, rules.check_rule_name),
            ("resource_type", resource_type, rules.check_telemetry_resource_type),
            ("telemetry_type", telemetry_type, rules.check_telemetry_type),
            ("rule_scope", rule_scope, rules.check_scope),
            ("retention_days", retention_days, rules.check_telemetry_retention),
            ("traffic_type", traffic_type, rules.check_traffic_type),
            (
                "max_aggregation_interval",
                max_aggregation_interval,
                rules.check_aggregation_interval,
            ),
        ]
        for index, source_type in enumerate(telemetry_source_types):
            checks.append(
                (f"telemetry_source_types[{index}]", source_type, rules.check_telemetry_source_type)
            )
        for index, region in enumerate(regions):
            checks.append((f"regions[{index}]", region, check_region))
        for key, value, check in checks:
            if value is None or Token.is_unresolved(value):
                continue
            if message := check(value):  # type: ignore[operator]
                problems.append(Problem(f"{at}.{key}", message))
        flow_log = traffic_type, max_aggregation_interval, log_format
        if resource_type != "AWS::EC2::VPC" and any(v is not None for v in flow_log):
            problems.append(
                Problem(
                    at,
                    f"flow log settings apply to AWS::EC2::VPC rules, not {resource_type}; "
                    "drop traffic_type, max_aggregation_interval and log_format",
                )
            )
        if regions and all_regions:
            problems.append(
                Problem(f"{at}.regions", "regions and all_regions exclude each other; keep one")
            )
        if problems:
            raise BlueprintError(problems)
        destination = None
        if any(v is not None for v in (destination_pattern, retention_days, *flow_log)):
            destination = _Rule.TelemetryDestinationConfigurationProperty(
                destination_type="cloud-watch-logs",
                destination_pattern=destination_pattern,
                retention_in_days=retention_days,
                vpc_flow_log_parameters=(
                    _Rule.VPCFlowLogParametersProperty(
                        traffic_type=traffic_type,
                        max_aggregation_interval=max_aggregation_interval,
                        log_format=log_format,
                    )
                    if any(v is not None for v in flow_log)
                    else None
                ),
            )
        self.rule = _Rule(
            self,
            "Resource",
            rule_name=rule_name,
            rule=_Rule.TelemetryRuleProperty(
                resource_type=resource_type,
                telemetry_type=telemetry_type,
                telemetry_source_types=list(telemetry_source_types) or None,
                scope=rule_scope,
                selection_criteria=selection_criteria,
                destination_configuration=destination,
                regions=list(regions) or None,
                all_regions=True if all_regions else None,
            ),
        )
        """The ``AWS::ObservabilityAdmin::OrganizationTelemetryRule``."""
