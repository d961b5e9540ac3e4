"""The ``hosts:`` section of the blueprint file: the CloudWatch agent on servers.

Pure module: no aws_cdk import. A *fleet* is a set of servers of one operating
system that share an agent configuration: the blueprint stores the
configuration in an SSM parameter and keeps it applied with one State Manager
association (install, then configure and restart). The section also asks for
the identity servers need (an EC2 instance role and profile, the service role
of an SSM hybrid activation for servers outside AWS) and, for private
subnets, the VPC endpoints Systems Manager and CloudWatch are reached through.

Field rules live on the models; :func:`hosts_problems` checks what needs the
whole section or the blueprint's name and stage (association and parameter
names, the rendered configuration and its size, log group names);
:func:`hosts_warnings` says what is valid but unwise (log files that hold
credentials)::

    hosts:
      fleets:
        - name: web
          targets: [{tag: role, values: [web]}]
          log_files:
            - {name: nginx-error, file_path: /var/log/nginx/error.log}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from observability_blueprint.config.base import LogicalName, StrictModel, checked, fail
from observability_blueprint.rules import compute_optimizer as co
from observability_blueprint.rules import log_groups as log_group_rules
from observability_blueprint.rules import names
from observability_blueprint.rules import ssm_schedules as rules
from observability_blueprint.rules.agent_config import (
    DEFAULT_AGGREGATION_DIMENSIONS,
    DEFAULT_IGNORED_FILE_SYSTEMS,
    DEFAULT_LOG_STREAM_NAME,
    DEFAULT_METRICS_COLLECTION_INTERVAL,
    PARAMETER_NAME_PREFIX,
    AgentConfig,
    LogFile,
    WindowsEventLog,
    check_parameter_name,
    check_parameter_value,
    hashed_parameter_name,
)
from observability_blueprint.rules.agent_metrics import APPENDED_DIMENSIONS
from observability_blueprint.rules.credential_paths import credential_path_warning
from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.host_defaults import (
    DEFAULT_COMPLIANCE_SEVERITY,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_ERRORS,
    DEFAULT_SCHEDULE,
    INTERFACE_ENDPOINT_SERVICES,
    EndpointService,
)
from observability_blueprint.rules.log_groups import DEFAULT_RETENTION_DAYS
from observability_blueprint.rules.time_zones import check_timezone

ON_PREMISES_LOG_STREAM_NAME = "{hostname}"
"""Servers outside AWS have no instance id: their streams are named after the host."""


def _resource_id(prefix: str, what: str) -> Callable[[str], str | None]:
    pattern = re.compile(rf"{prefix}-[0-9a-f]{{8}}(?:[0-9a-f]{{9}})?")

    def check(value: str) -> str | None:
        if pattern.fullmatch(value):
            return None
        return f"{value!r} is not {what} id; give one such as {prefix}-0123456789abcdef0"

    return check


def _check_targets(targets: list[Target]) -> str | None:
    if not targets:
        return "give one target: a tag with values, instance_ids or a resource_group"
    return None


def _in_file_words(target: rules.AssociationTarget) -> str:
    """Name a target by the keys of the blueprint file: ``tag 'role'``, ``instance_ids [...]``."""
    if target.kind == "tag":
        return f"tag {target.key.removeprefix('tag:')[:60]!r}"
    if target.kind == "instance ids":
        shown = [v[:40] for v in target.values[:3]]
        return f"instance_ids {shown!r}" + (" ..." if len(target.values) > 3 else "")
    return f"resource_group {target.values[0][:60]!r}" if target.values else "resource_group"


def _check_version(value: str) -> str | None:
    if re.fullmatch(r"\d+(?:\.\d+){1,4}", value):
        return None
    return f"{value!r} is not an agent version; give one such as 1.300050.0, or leave it out"


def _check_region(value: str) -> str | None:
    if re.fullmatch(r"[a-z]{2}(?:-[a-z]+)+-\d+", value):
        return None
    return f"{value!r} is not an AWS Region; use a name such as eu-west-1"


def _check_output(output: OutputLocation) -> str | None:
    return rules.CommandOutput(output.bucket, output.prefix).check()


VpcId = Annotated[str, checked(_resource_id("vpc", "a VPC"))]
SubnetId = Annotated[str, checked(_resource_id("subnet", "a subnet"))]
RouteTableId = Annotated[str, checked(_resource_id("rtb", "a route table"))]
SecurityGroupId = Annotated[str, checked(_resource_id("sg", "a security group"))]
LogGroupName = Annotated[str, checked(log_group_rules.check_log_group_name)]
Retention = Annotated[int, checked(log_group_rules.check_retention)]


class Target(StrictModel):
    """Which servers a fleet is: exactly one of ``tag`` (with ``values``),
    ``instance_ids`` or ``resource_group``. A fleet's association takes one target
    (:func:`~observability_blueprint.rules.ssm_schedules.target_combination_problems`)."""

    tag: str | None = None
    """Tag key; servers whose tag has one of ``values``."""
    values: list[str] = []
    """Tag values (with ``tag`` only)."""
    instance_ids: list[str] | None = None
    """Instance ids (i-..., mi-... for servers outside AWS), or ['*'] for every managed node."""
    resource_group: str | None = None
    """An AWS Resource Groups group name."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [
            key
            for key in ("tag", "instance_ids", "resource_group")
            if getattr(self, key) is not None
        ]
        if len(given) != 1:
            raise fail(
                "give exactly one of tag (with values), instance_ids, resource_group "
                f"(got {', '.join(given) or 'none'})"
            )
        if self.values and self.tag is None:
            raise fail("values go with tag; instance_ids and resource_group take none")
        if self.tag is not None and not self.values:
            raise fail(f"tag {self.tag!r} needs values: the tag values of the servers")
        message = self.to_target().check()
        if message:
            raise fail(message)
        return self

    def to_target(self) -> rules.AssociationTarget:
        """Return the pure target."""
        if self.tag is not None:
            return rules.AssociationTarget.tag(self.tag, *self.values)
        if self.instance_ids is not None:
            return rules.AssociationTarget.instance_ids(*self.instance_ids)
        assert self.resource_group is not None
        return rules.AssociationTarget.resource_group(self.resource_group)


class OutputLocation(StrictModel):
    """Where Run Command writes each node's output (the instance role may write there)."""

    bucket: str
    """S3 bucket name."""
    prefix: str = ""
    """Key prefix, such as ssm/agent/ (required): the servers may write only under it,
    so it is literal (no * or ?) and not empty."""


class HostLogGroup(StrictModel):
    """Settings of the log group the blueprint creates for one log source."""

    name: LogicalName
    """Short name; the log group is /<name>/<stage>/hosts/<fleet>/<this name>."""
    log_group_name: LogGroupName | None = None
    """Exact log group name instead."""
    retention_days: Retention | None = DEFAULT_RETENTION_DAYS
    """Days events are kept; null keeps them forever. Default: 365."""
    encrypted: bool = False
    """Encrypt with the blueprint's customer-managed KMS key."""
    removal_policy: Literal["retain", "destroy"] = "retain"
    """What happens to the log group when the stack is deleted. Default: retain."""
    log_stream_name: str | None = None
    """Stream name; default {instance_id}, or {hostname} for fleets outside AWS."""


class HostLogFile(HostLogGroup):
    """A log file the agent collects into a log group of its own."""

    file_path: str
    """Absolute path; * wildcards allowed (the newest match is read)."""
    timestamp_format: str | None = None
    """strftime format of each event's timestamp (%Y-%m-%d %H:%M:%S). Default: read time."""
    timezone: Literal["UTC", "Local"] | None = None
    """Time zone of timestamps without one. Default: Local."""
    multi_line_start_pattern: str | None = None
    """Regex that starts an event ({timestamp_format} for the timestamp). Default: per line."""
    encoding: str | None = None
    """File encoding. Default: utf-8."""


class HostEventLog(HostLogGroup):
    """A Windows event log the agent forwards into a log group of its own."""

    event_name: str
    """System, Application, Security or another event log."""
    event_levels: list[Literal["CRITICAL", "ERROR", "WARNING", "INFORMATION", "VERBOSE"]] = Field(
        default=["CRITICAL", "ERROR", "WARNING"], min_length=1
    )
    """Levels forwarded. Default: CRITICAL, ERROR, WARNING."""
    event_format: Literal["xml", "text"] | None = None
    """xml (every field) or text. Default: text."""


class Fleet(StrictModel):
    """Servers of one OS sharing an agent configuration, kept applied by one association."""

    name: LogicalName
    """Short name, used in the association, parameter and log group names."""
    os: Literal["linux", "windows"] = "linux"
    """Operating system: linux, or windows (performance counters, event logs)."""
    mode: Literal["ec2", "onPremise", "auto"] = "ec2"
    """Where the servers run: ec2, onPremise (registered by a hybrid activation), or auto."""
    targets: Annotated[list[Target], checked(_check_targets)]
    """Which servers: one tag key with its values, instance ids or a resource group
    (State Manager takes one kind and one entry per association)."""
    schedule: Annotated[str, checked(rules.check_association_schedule)] = DEFAULT_SCHEDULE
    """When to re-apply: rate(30 minutes) to rate(30 days), or a State Manager cron."""
    association_name: str | None = None
    """Association name. Default: <name>-<stage>-<fleet>-cloudwatch-agent."""
    parameter_name: str | None = None
    """Name of the configuration parameter before its content hash (must start with
    AmazonCloudWatch-). Default: AmazonCloudWatch-<name>-<stage>-<fleet>."""
    compliance_severity: Literal["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNSPECIFIED"] = (
        DEFAULT_COMPLIANCE_SEVERITY
    )
    """Severity reported when the association fails on a node. Default: MEDIUM."""
    max_concurrency: Annotated[str, checked(rules.check_max_concurrency)] = DEFAULT_MAX_CONCURRENCY
    """Nodes at a time: a number or a percentage. Default: 10%."""
    max_errors: Annotated[str, checked(rules.check_max_errors)] = DEFAULT_MAX_ERRORS
    """Failures before the rollout stops: a number or a percentage. Default: 10%."""
    output: Annotated[OutputLocation, checked(_check_output)] | None = None
    """S3 location for each node's command output. Default: none (console only)."""
    agent_version: Annotated[str, checked(_check_version)] | None = None
    """Agent version to install, such as 1.300050.0. Default: the latest."""
    metrics: list[str] | None = None
    """Metric keys of the agent table (memory_used_percent) or agent names
    (mem_used_percent). Default: every metric the table has for the OS; [] for logs only."""
    cpu_per_core: bool = False
    """Also publish CPU per core. Default: total only."""
    metrics_collection_interval: int = DEFAULT_METRICS_COLLECTION_INTERVAL
    """Seconds between samples. Default: 60."""
    append_dimensions: list[str] = list(APPENDED_DIMENSIONS)
    """Dimensions added to every metric. Default: InstanceId, AutoScalingGroupName,
    ImageId, InstanceType."""
    aggregation_dimensions: list[list[str]] = [list(s) for s in DEFAULT_AGGREGATION_DIMENSIONS]
    """Extra dimension sets to publish. Default: [[InstanceId], [AutoScalingGroupName]]."""
    ignore_file_system_types: list[str] = list(DEFAULT_IGNORED_FILE_SYSTEMS)
    """Linux file systems left out of disk metrics."""
    run_as_user: str | None = None
    """Linux user the agent runs as (it must read the log files). Default: root."""
    region: Annotated[str, checked(_check_region)] | None = None
    """Region the agent sends to, for servers whose credentials name none."""
    log_files: list[HostLogFile] = []
    """Log files to collect, each into its own log group."""
    windows_events: list[HostEventLog] = []
    """Windows event logs to collect (Windows fleets)."""
    compute_optimizer: bool = False
    """Publish memory the way AWS Compute Optimizer reads it (Linux mem_used_percent;
    Windows Memory Available MBytes and % Committed Bytes In Use; CWAgent namespace,
    InstanceId dimension). Enrol the account separately: aws compute-optimizer
    update-enrollment-status --status Active. Default: false."""

    def default_log_stream_name(self) -> str:
        """Return the stream name used when a log source names none."""
        return ON_PREMISES_LOG_STREAM_NAME if self.mode == "onPremise" else DEFAULT_LOG_STREAM_NAME

    def log_group_name(self, source: HostLogGroup, *, name: str, stage: str) -> str:
        """Return the physical name of a log source's group."""
        return source.log_group_name or names.default_log_group_name(
            name, stage, f"hosts/{self.name}/{source.name}"
        )

    def agent_config(self, *, name: str, stage: str) -> AgentConfig:
        """Return the pure agent configuration of this fleet."""
        stream = self.default_log_stream_name()
        return AgentConfig(
            fleet=self.name,
            os=self.os,
            metrics=None if self.metrics is None else tuple(self.metrics),
            cpu_per_core=self.cpu_per_core,
            metrics_collection_interval=self.metrics_collection_interval,
            append_dimensions=tuple(self.append_dimensions),
            aggregation_dimensions=tuple(tuple(s) for s in self.aggregation_dimensions),
            ignore_file_system_types=tuple(self.ignore_file_system_types),
            log_files=tuple(
                LogFile(
                    file_path=f.file_path,
                    log_group_name=self.log_group_name(f, name=name, stage=stage),
                    log_stream_name=f.log_stream_name or stream,
                    timestamp_format=f.timestamp_format,
                    timezone=f.timezone,
                    multi_line_start_pattern=f.multi_line_start_pattern,
                    encoding=f.encoding,
                )
                for f in self.log_files
            ),
            windows_events=tuple(
                WindowsEventLog(
                    event_name=e.event_name,
                    event_levels=tuple(e.event_levels),
                    log_group_name=self.log_group_name(e, name=name, stage=stage),
                    log_stream_name=e.log_stream_name or stream,
                    event_format=e.event_format,
                )
                for e in self.windows_events
            ),
            run_as_user=self.run_as_user,
            region=self.region,
            compute_optimizer=self.compute_optimizer,
        )

    def physical_association_name(self, prefix: str) -> str:
        """Return the association's name: given, or ``<prefix>-<fleet>-cloudwatch-agent``."""
        return self.association_name or f"{prefix}-{self.name}-cloudwatch-agent"

    def parameter_base(self, prefix: str) -> str:
        """Return the parameter name before its hash: ``AmazonCloudWatch-<prefix>-<fleet>``."""
        return self.parameter_name or f"{PARAMETER_NAME_PREFIX}{prefix}-{self.name}"

    def sources(self) -> list[HostLogGroup]:
        """Return every log source: the files, then the event logs."""
        return [*self.log_files, *self.windows_events]


class VpcEndpointSettings(StrictModel):
    """Interface endpoints (and the S3 gateway) for servers in private subnets."""

    vpc_id: VpcId
    """The VPC of the servers."""
    subnet_ids: list[SubnetId] = Field(min_length=1)
    """Subnets for the interface endpoints, one per Availability Zone."""
    security_group_ids: list[SecurityGroupId] = Field(min_length=1, max_length=5)
    """Security groups of the endpoints; they must allow HTTPS (443) from the servers."""
    route_table_ids: list[RouteTableId] = []
    """Route tables of the servers' subnets, for the S3 gateway endpoint."""
    services: list[EndpointService] = list(INTERFACE_ENDPOINT_SERVICES)
    """Interface endpoints to create. Default: ssm, ssmmessages, ec2messages, logs,
    monitoring (add ec2 so the agent can read the AutoScalingGroupName tag)."""
    s3_gateway: bool = True
    """Create the S3 gateway endpoint (agent packages and command output)."""


class EbsAutomation(StrictModel):
    """A Compute Optimizer automation rule over EBS volumes (AWS::ComputeOptimizer::AutomationRule).

    Acts in every Region where Compute Optimizer Automation runs unless ``regions``
    narrows it, and needs Automation's own enrollment (see the README).
    """

    name: Annotated[str, checked(co.check_rule_name)] | None = None
    """Rule name. Default: <name>-<stage>-ebs."""
    actions: list[Literal["upgrade_volume_type", "snapshot_and_delete_unattached_volumes"]] = Field(
        default=list(co.DEFAULT_ACTIONS), min_length=1
    )
    """upgrade_volume_type (previous-generation volumes become gp3 / io2) and, only when
    listed, snapshot_and_delete_unattached_volumes, which DELETES volumes unattached for
    32 days after a snapshot. Default: [upgrade_volume_type]."""
    schedule: Annotated[str, checked(co.check_schedule)]
    """Cron fields, at most once a day: minutes hours day_of_month month day_of_week
    [year], such as '30 12 * * *'."""
    timezone: Annotated[str, checked(check_timezone)] | None = None
    """IANA time zone of the schedule. Default: UTC."""
    window_minutes: Annotated[int, checked(co.check_window)] = co.DEFAULT_WINDOW_MINUTES
    """Minutes in which a run may start actions, 60 to 1440. Default: 60."""
    regions: list[str] = []
    """Only volumes in these Regions. Default: every Region."""
    tags: dict[str, list[str]] = {}
    """Only volumes with one of these values of each tag key. Default: any volume."""
    status: Literal["Active", "Inactive"] = "Active"
    """Inactive keeps the rule without running it. Default: Active."""
    description: Annotated[str, checked(co.check_description)] | None = None
    """What the rule is for. Default: none."""

    def rule_name(self, prefix: str) -> str:
        """Return the rule's name: given, or ``<prefix>-ebs``."""
        return self.name or f"{prefix}-ebs"


class Hosts(StrictModel):
    """The CloudWatch agent on servers: fleets, their identity and network access."""

    instance_role: bool = True
    """Create an EC2 instance role and profile with the two policies the agent needs."""
    on_premises: bool = False
    """Create the service role an SSM hybrid activation gives to servers outside AWS."""
    vpc_endpoints: VpcEndpointSettings | None = None
    """Reach Systems Manager and CloudWatch from private subnets. Default: none."""
    fleets: list[Fleet] = []
    """Groups of servers sharing an agent configuration."""
    compute_optimizer_automation: EbsAutomation | None = None
    """A Compute Optimizer automation rule for EBS volumes. Default: none."""


def hosts_problems(hosts: Hosts, *, name: str, stage: str) -> Iterator[Problem]:
    """Yield every problem of the section that needs its whole content (``hosts.`` paths)."""
    prefix = names.prefix(name, stage)
    fleet_names: dict[str, int] = {}
    associations: dict[str, str] = {}
    log_groups: dict[str, str] = {}
    for index, fleet in enumerate(hosts.fleets):
        where = f"hosts.fleets[{index}]"
        if fleet.name in fleet_names:
            yield Problem(
                f"{where}.name",
                f"{fleet.name!r} is already used by hosts.fleets[{fleet_names[fleet.name]}]; "
                "names must be unique",
            )
        fleet_names.setdefault(fleet.name, index)
        association = fleet.physical_association_name(prefix)
        if message := rules.check_association_name(association):
            yield Problem(f"{where}.association_name", message)
        elif association in associations:
            yield Problem(
                f"{where}.association_name",
                f"{association!r} is already the association of {associations[association]}",
            )
        associations.setdefault(association, where)
        for problem in rules.target_combination_problems(
            [t.to_target() for t in fleet.targets], describe=_in_file_words
        ):
            yield Problem(f"{where}.{problem.location}", problem.message)
        if fleet.compute_optimizer and fleet.mode == "onPremise":
            yield Problem(
                f"{where}.compute_optimizer",
                "Compute Optimizer analyses EC2 instances only, and servers outside AWS have no "
                "InstanceId: set compute_optimizer: false, or mode: ec2 or auto",
            )
        if fleet.os == "linux" and fleet.windows_events:
            yield Problem(
                f"{where}.windows_events",
                "Windows event logs exist only on Windows; set os: windows or remove them",
            )
        config = fleet.agent_config(name=name, stage=stage)
        config_problems = config.problems()
        for problem in config_problems:
            if fleet.os == "linux" and problem.location.startswith("windows_events"):
                continue  # reported once above
            yield Problem(f"{where}.{problem.location}", problem.message)
        value = config.to_json()
        parameter = hashed_parameter_name(fleet.parameter_base(prefix), value)
        if message := check_parameter_name(parameter):
            yield Problem(f"{where}.parameter_name", message)
        if not config_problems and (message := check_parameter_value(value)):
            yield Problem(where, message)
        seen: dict[str, str] = {}
        for kind, sources in (
            ("log_files", fleet.log_files),
            ("windows_events", fleet.windows_events),
        ):
            for position, source in enumerate(sources):
                at = f"{where}.{kind}[{position}]"
                if source.name in seen:
                    yield Problem(
                        f"{at}.name",
                        f"{source.name!r} is already used by {seen[source.name]}; names of log "
                        "sources must be unique in a fleet",
                    )
                seen.setdefault(source.name, at)
                physical = fleet.log_group_name(source, name=name, stage=stage)
                if physical in log_groups:
                    yield Problem(
                        f"{at}.log_group_name",
                        f"{physical!r} is already the log group of {log_groups[physical]}; the "
                        "blueprint creates one log group per source",
                    )
                log_groups.setdefault(physical, at)
    automation = hosts.compute_optimizer_automation
    if automation is not None:
        # The fields check themselves; what is left: the default name, Regions, tags and
        # actions listed twice.
        field_checked = {"schedule", "timezone", "window_minutes", "status", "description"}
        if automation.name is not None:
            field_checked.add("name")
        for problem in co.rule_problems(
            name=automation.rule_name(prefix),
            actions=automation.actions,
            schedule=automation.schedule,
            timezone=automation.timezone,
            window_minutes=automation.window_minutes,
            status=automation.status,
            regions=automation.regions,
            tags=automation.tags,
            description=automation.description,
        ):
            if problem.location not in field_checked:
                yield Problem(
                    f"hosts.compute_optimizer_automation.{problem.location}", problem.message
                )
    endpoints = hosts.vpc_endpoints
    if endpoints is not None:
        if endpoints.s3_gateway and not endpoints.route_table_ids:
            yield Problem(
                "hosts.vpc_endpoints.route_table_ids",
                "the S3 gateway endpoint needs the route tables of the servers' subnets; give "
                "route_table_ids or set s3_gateway: false",
            )
        duplicates = {s for s in endpoints.services if endpoints.services.count(s) > 1}
        if duplicates:
            yield Problem(
                "hosts.vpc_endpoints.services",
                f"{', '.join(sorted(duplicates))} listed twice",
            )


def hosts_warnings(hosts: Hosts) -> Iterator[Problem]:
    """Yield what the agent would do although the section is valid (``hosts.`` paths).

    A log file whose path holds credentials (``~/.ssh``, ``~/.aws``, ``/root``,
    ``/etc/shadow``, key files) would put them in CloudWatch Logs; synthesis
    warns about the same paths on the fleet's association.
    """
    for index, fleet in enumerate(hosts.fleets):
        for position, log_file in enumerate(fleet.log_files):
            if message := credential_path_warning(log_file.file_path, fleet.os):
                yield Problem(f"hosts.fleets[{index}].log_files[{position}].file_path", message)
