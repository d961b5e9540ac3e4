"""The blueprint's ``hosts:`` section: agent fleets, host identity and VPC endpoints."""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_cdk import CfnOutput, RemovalPolicy
from constructs import Construct

from observability_blueprint.config.hosts import (
    Fleet,
    Hosts,
)
from observability_blueprint.hosts.agent_association import AgentAssociation
from observability_blueprint.hosts.compute_optimizer import EbsAutomationRule
from observability_blueprint.hosts.host_identity import HostIdentity
from observability_blueprint.hosts.vpc_endpoints import VpcEndpoints
from observability_blueprint.logs.managed_log_group import ManagedLogGroup
from observability_blueprint.rules import ssm_schedules as rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.security.blueprint_key import BlueprintKey


@dataclass
class BuiltHosts:
    """What :func:`build_hosts` created, for the blueprint to wire and report."""

    scope: Construct
    """The ``Hosts`` construct everything lives under."""
    identity: HostIdentity | None = None
    """The instance role and profile, and the hybrid activation role."""
    endpoints: VpcEndpoints | None = None
    """The VPC endpoints, when asked for."""
    agents: dict[str, AgentAssociation] = field(default_factory=dict)
    """Each fleet's agent parameter, document and association, by fleet name."""
    log_groups: dict[str, dict[str, ManagedLogGroup]] = field(default_factory=dict)
    """Each fleet's log groups, by fleet name, then source name."""
    automation: EbsAutomationRule | None = None
    """The Compute Optimizer automation rule on EBS volumes, when asked for."""


def build_hosts(
    scope: Construct,
    section: Hosts,
    *,
    name: str,
    stage: str,
    encryption_key: BlueprintKey | None = None,
) -> BuiltHosts:
    """Build the ``hosts:`` section of a blueprint file under ``scope/Hosts``.

    Construct IDs (public API): ``Hosts/Identity``, ``Hosts/Endpoints`` and, per
    fleet, ``Hosts/Fleets/<fleet>/Agent`` and ``Hosts/Fleets/<fleet>/<source>``
    for its log groups. Outputs name the instance profile and the hybrid role
    (``aws ssm create-activation --iam-role`` needs the latter).

    Parameters
    ----------
    section
        The validated section (``Blueprint.hosts``).
    name, stage
        The blueprint's name and stage: the prefix of physical names.
    encryption_key
        The blueprint's key, required when a log source is ``encrypted``.
    """
    hosts = Construct(scope, "Hosts")
    built = BuiltHosts(scope=hosts)
    prefix = f"{name}-{stage}"
    outputs = [
        rules.CommandOutput(f.output.bucket, f.output.prefix) for f in section.fleets if f.output
    ]
    if section.instance_role or section.on_premises:
        built.identity = HostIdentity(
            hosts,
            "Identity",
            instance_role=section.instance_role,
            hybrid_role=section.on_premises,
            command_outputs=outputs,
        )
        if built.identity.instance_profile is not None:
            CfnOutput(
                hosts,
                "InstanceProfileName",
                value=built.identity.instance_profile.instance_profile_name,
                description="Attach this instance profile to the fleets' EC2 instances",
            )
        if built.identity.hybrid_role is not None:
            CfnOutput(
                hosts,
                "HybridActivationRoleName",
                value=built.identity.hybrid_role.role_name,
                description="aws ssm create-activation --iam-role <this name>",
            )
    endpoints = section.vpc_endpoints
    if endpoints is not None:
        built.endpoints = VpcEndpoints(
            hosts,
            "Endpoints",
            vpc_id=endpoints.vpc_id,
            subnet_ids=endpoints.subnet_ids,
            security_group_ids=endpoints.security_group_ids,
            route_table_ids=endpoints.route_table_ids,
            services=endpoints.services,
            s3_gateway=endpoints.s3_gateway,
        )
    fleets = Construct(hosts, "Fleets")
    for fleet in section.fleets:
        unit = Construct(fleets, fleet.name)
        groups = _log_groups(unit, fleet, name=name, stage=stage, encryption_key=encryption_key)
        built.log_groups[fleet.name] = groups
        built.agents[fleet.name] = AgentAssociation(
            unit,
            "Agent",
            config=fleet.agent_config(name=name, stage=stage),
            targets=[t.to_target() for t in fleet.targets],
            mode=fleet.mode,
            association_name=fleet.physical_association_name(prefix),
            parameter_name=fleet.parameter_base(prefix),
            schedule=fleet.schedule,
            compliance_severity=fleet.compliance_severity,
            max_concurrency=fleet.max_concurrency,
            max_errors=fleet.max_errors,
            output=rules.CommandOutput(fleet.output.bucket, fleet.output.prefix)
            if fleet.output
            else None,
            agent_version=fleet.agent_version,
            log_groups=list(groups.values()),
        )
    if (automation := section.compute_optimizer_automation) is not None:
        built.automation = EbsAutomationRule(
            hosts,
            "ComputeOptimizerAutomation",
            schedule=automation.schedule,
            actions=tuple(automation.actions),
            rule_name=automation.rule_name(f"{name}-{stage}"),
            timezone=automation.timezone,
            window_minutes=automation.window_minutes,
            regions=automation.regions,
            tags=automation.tags,
            status=automation.status,
            description=automation.description,
        )
    return built


def _log_groups(
    unit: Construct, fleet: Fleet, *, name: str, stage: str, encryption_key: BlueprintKey | None
) -> dict[str, ManagedLogGroup]:
    groups: dict[str, ManagedLogGroup] = {}
    for source in fleet.sources():
        if source.encrypted and encryption_key is None:
            raise BlueprintError(
                [
                    Problem(
                        f"{unit.node.path}/{source.name}.encrypted",
                        "an encrypted log group needs the blueprint's key; pass encryption_key=",
                    )
                ]
            )
        groups[source.name] = ManagedLogGroup(
            unit,
            source.name,
            log_group_name=fleet.log_group_name(source, name=name, stage=stage),
            retention_days=source.retention_days,
            encryption_key=encryption_key if source.encrypted else None,
            removal_policy=(
                RemovalPolicy.DESTROY
                if source.removal_policy == "destroy"
                else RemovalPolicy.RETAIN
            ),
        )
    return groups
