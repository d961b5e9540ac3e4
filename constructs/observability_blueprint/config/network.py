"""The ``flow_logs:`` and ``containers:`` sections of the blueprint file.

Pure module: no aws_cdk import. Field rules live on the models (ids, field names,
intervals, cluster names); the rules that need a whole entry or the whole file
(a query needs a field the format lacks, a topic that does not exist, two log
groups with one name) are in :func:`network_problems`.

Everything here names AWS resources by plain id (``vpc-0123456789abcdef0``, a
cluster name): synthesis looks nothing up and needs no credentials.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Final, Literal

from pydantic import Field, field_validator

from observability_blueprint.config.alarms import Actions
from observability_blueprint.config.base import (
    LogEventExamples,
    LogicalName,
    StrictModel,
    checked,
    fail,
)
from observability_blueprint.rules import alarm_settings as rules
from observability_blueprint.rules import flow_log_fields as flf
from observability_blueprint.rules import log_groups as log_group_rules
from observability_blueprint.rules import names
from observability_blueprint.rules.containers import (
    DEFAULT_PERFORMANCE_RETENTION_DAYS,
    EcsMode,
    check_addon_version,
    check_ecs_cluster_name,
    check_eks_cluster_name,
    check_oidc_provider_arn,
    ecs_log_group_name,
    eks_log_group_names,
    pod_identity_version_problem,
)
from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.log_groups import DEFAULT_RETENTION_DAYS

# ------------------------------------------------------------------ defaults

DEFAULT_ALARM_THRESHOLD: Final = 10
"""Rejected SSH/RDP flow records per period that set the alarm off."""
DEFAULT_ALARM_PERIOD: Final = 300

# ------------------------------------------------------------------- models

Retention = Annotated[int, checked(log_group_rules.check_retention)] | None


def _id_pattern(prefix: str) -> Any:
    # The pattern is for editors (the JSON schema); the check gives the message.
    return Field(json_schema_extra={"pattern": f"^{prefix}-(?:[0-9a-f]{{8}}|[0-9a-f]{{17}})$"})


VpcId = Annotated[str, checked(lambda v: flf.check_resource_id(v, "vpc")), _id_pattern("vpc")]
SubnetId = Annotated[
    str, checked(lambda v: flf.check_resource_id(v, "subnet")), _id_pattern("subnet")
]
EniId = Annotated[str, checked(lambda v: flf.check_resource_id(v, "eni")), _id_pattern("eni")]


def _check_field_name(name: str) -> str | None:
    problems = flf.field_problems([name])
    return problems[0].message if problems else None


class RejectedSshRdpAlarm(StrictModel):
    """A metric filter and alarm on rejected SSH/RDP connection attempts.

    Opt-in: on an internet-facing VPC scanners knock all day, so this is noisy
    there; it suits private VPCs, where a rejected SSH attempt is news.
    """

    ports: list[int] = list(flf.REMOTE_ACCESS_PORTS)
    """Destination ports counted (TCP). Default: 22 (SSH) and 3389 (RDP)."""
    threshold: float | int = DEFAULT_ALARM_THRESHOLD
    """Rejected flow records per period that set the alarm off. Default: 10."""
    period: int = DEFAULT_ALARM_PERIOD
    """Seconds, a multiple of 60. Default: 300."""
    evaluation_periods: int = 1
    """Periods evaluated."""
    datapoints_to_alarm: int | None = None
    """Breaching periods among them that set ALARM. Default: all."""
    description: str | None = Field(default=None, max_length=900)
    """What the alarm means and what to do."""
    runbook_url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    """Link added to the description."""
    actions: Actions | None = None
    """Actions per state. Default: default_actions."""
    examples: LogEventExamples | None = None
    """More records to check the pattern against (built-in examples always run)."""

    @field_validator("ports")
    @classmethod
    def _ports(cls, value: list[int]) -> list[int]:
        message = flf.check_ports(value)
        if message:
            raise fail(message)
        return value


class FlowLogs(StrictModel):
    """VPC flow logs into one CloudWatch Logs log group, with queries and an optional alarm."""

    name: LogicalName
    """Name of this set of flow logs, in construct ids and physical names."""
    vpc_ids: list[VpcId] = []
    """VPCs whose traffic is logged (vpc-0123456789abcdef0)."""
    subnet_ids: list[SubnetId] = []
    """Subnets whose traffic is logged."""
    eni_ids: list[EniId] = []
    """Network interfaces whose traffic is logged."""
    traffic_type: Annotated[
        str,
        checked(flf.check_traffic_type),
        Field(json_schema_extra={"enum": [*flf.TRAFFIC_TYPES]}),
    ] = "ALL"
    """ALL, ACCEPT or REJECT."""
    log_format: (
        list[
            Annotated[
                str,
                checked(_check_field_name),
                Field(json_schema_extra={"enum": [*flf.FIELD_NAMES]}),
            ]
        ]
        | None
    ) = None
    """Record fields in order (version, account-id, ...). Default: AWS's default format."""
    aggregation_interval: Annotated[
        int,
        checked(flf.check_aggregation_interval),
        Field(json_schema_extra={"enum": [*flf.AGGREGATION_INTERVALS]}),
    ] = flf.DEFAULT_AGGREGATION_INTERVAL
    """Seconds a record aggregates: 60 or 600. Default: 600."""
    log_group_name: Annotated[str, checked(log_group_rules.check_log_group_name)] | None = None
    """Exact log group name. Default: /<name>/<stage>/vpc-flow-logs/<this name>."""
    retention_days: Retention = DEFAULT_RETENTION_DAYS
    """Days records are kept; null keeps them forever. Default: 365."""
    encrypted: bool = False
    """Encrypt the log group with the blueprint's customer-managed KMS key."""
    removal_policy: Literal["retain", "destroy"] = "retain"
    """What happens to the log group when the stack is deleted. Default: retain."""
    queries: bool = True
    """Save Logs Insights queries: top talkers, rejected traffic, traffic by port."""
    rejected_ssh_rdp_alarm: RejectedSshRdpAlarm | None = None
    """Opt-in metric filter and alarm on rejected SSH/RDP attempts."""

    @field_validator("log_format")
    @classmethod
    def _each_field_once(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            problems = flf.field_problems(value)
            if problems:
                raise fail("; ".join(str(p) for p in problems))
        return value

    @property
    def fields(self) -> tuple[str, ...]:
        """The record format as field names: the custom one, else the default."""
        return tuple(self.log_format) if self.log_format else flf.DEFAULT_FORMAT

    def physical_log_group_name(self, name: str, stage: str) -> str:
        """Return the log group's name in AWS."""
        return self.log_group_name or names.default_log_group_name(
            name, stage, f"vpc-flow-logs/{self.name}"
        )

    def alarm_key(self) -> str:
        """The alarm's name within the blueprint (the naming strategy prefixes it)."""
        return f"{self.name}-rejected-ssh-rdp"


class EksCluster(StrictModel):
    """Container Insights on an EKS cluster: the observability add-on and its log groups."""

    cluster: Annotated[str, checked(check_eks_cluster_name)]
    """The cluster's name."""
    oidc_provider_arn: Annotated[str, checked(check_oidc_provider_arn)] | None = None
    """The cluster's IAM OIDC provider, for IRSA. Default: EKS Pod Identity."""
    addon_version: Annotated[str, checked(check_addon_version)] | None = None
    """Add-on version (v4.1.0-eksbuild.1). Default: the latest for the cluster."""
    configuration: dict[str, Any] | None = None
    """The add-on's configuration values (its JSON schema), such as
    {containerLogs: {enabled: true}}. Default: the add-on's defaults."""
    application_signals: bool = True
    """Let the agent send Application Signals traces (AWSXrayWriteOnlyAccess)."""
    pod_identity_agent: bool = False
    """Install the eks-pod-identity-agent add-on too (EKS Auto Mode has it built in)."""
    retention_days: Retention = DEFAULT_RETENTION_DAYS
    """Days of application, host and data-plane logs. Default: 365."""
    performance_retention_days: Retention = DEFAULT_PERFORMANCE_RETENTION_DAYS
    """Days of performance events. Default: 30."""
    encrypted: bool = False
    """Encrypt the log groups with the blueprint's customer-managed KMS key."""
    removal_policy: Literal["retain", "destroy"] = "retain"
    """What happens to the log groups when the stack is deleted. Default: retain."""


class EcsCluster(StrictModel):
    """Container Insights on an ECS cluster (by name) and its performance log group."""

    cluster: Annotated[str, checked(check_ecs_cluster_name)]
    """The cluster's name."""
    mode: EcsMode = "enhanced"
    """Container Insights with enhanced observability, or the standard one."""
    retention_days: Retention = DEFAULT_PERFORMANCE_RETENTION_DAYS
    """Days of performance events. Default: 30."""
    encrypted: bool = False
    """Encrypt the log group with the blueprint's customer-managed KMS key."""
    removal_policy: Literal["retain", "destroy"] = "retain"
    """What happens to the log group when the stack is deleted. Default: retain."""


class Containers(StrictModel):
    """Container Insights for EKS and ECS clusters."""

    eks: list[EksCluster] = []
    ecs: list[EcsCluster] = []


# ------------------------------------------------------- whole-file checks


def network_problems(
    flow_logs: Sequence[FlowLogs],
    containers: Containers | None,
    *,
    name: str,
    stage: str,
    topics: Sequence[str],
    log_group_names: Sequence[str] = (),
    alarm_names: Sequence[str] = (),
    naming: rules.AlarmNaming | None = None,
) -> list[Problem]:
    """Return every problem of the two sections that needs a whole entry or the file.

    Parameters
    ----------
    name, stage
        The blueprint's name and stage (default log group names).
    topics
        Names of the blueprint's topics, which alarm actions may name.
    log_group_names
        Physical names of the file's other log groups, which these must not reuse.
    alarm_names
        Names of the file's alarms (``alarms:``), which the flow log alarms must not reuse.
    naming
        The alarm naming strategy. Default: ``<name>-<stage>-<alarm>``.
    """
    naming = naming or rules.PrefixNaming(names.prefix(name, stage))
    problems: list[Problem] = []
    taken = dict.fromkeys(log_group_names, "log_groups")

    def claim(where: str, log_group: str) -> None:
        if log_group in taken:
            problems.append(
                Problem(where, f"log group {log_group!r} is already made by {taken[log_group]}")
            )
        taken.setdefault(log_group, where)

    seen: dict[str, int] = {}
    for index, entry in enumerate(flow_logs):
        where = f"flow_logs[{index}]"
        if entry.name in seen:
            problems.append(
                Problem(
                    f"{where}.name",
                    f"{entry.name!r} is already used by flow_logs[{seen[entry.name]}]; names "
                    "must be unique",
                )
            )
        seen.setdefault(entry.name, index)
        problems += _flow_log_problems(where, entry, topics=topics, naming=naming)
        if entry.rejected_ssh_rdp_alarm is not None and entry.alarm_key() in alarm_names:
            problems.append(
                Problem(
                    f"{where}.name",
                    f"the alarm of these flow logs is named {entry.alarm_key()!r}, like an "
                    "alarm of alarms:; rename one of them",
                )
            )
        claim(f"{where}.log_group_name", entry.physical_log_group_name(name, stage))
    if containers is not None:
        for index, eks in enumerate(containers.eks):
            where = f"containers.eks[{index}]"
            if eks.oidc_provider_arn is None:
                message = pod_identity_version_problem(eks.addon_version)
                if message:
                    problems.append(Problem(f"{where}.addon_version", message))
            for log_group in eks_log_group_names(eks.cluster).values():
                claim(f"{where}.cluster", log_group)
        for index, ecs in enumerate(containers.ecs):
            claim(f"containers.ecs[{index}].cluster", ecs_log_group_name(ecs.cluster))
    return problems


def _flow_log_problems(
    where: str, entry: FlowLogs, *, topics: Sequence[str], naming: rules.AlarmNaming
) -> Iterator[Problem]:
    ids = [*entry.vpc_ids, *entry.subnet_ids, *entry.eni_ids]
    if not ids:
        yield Problem(where, "name at least one of vpc_ids, subnet_ids, eni_ids")
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        yield Problem(where, f"{', '.join(duplicates)} listed more than once")
    fields = entry.fields
    if entry.queries:
        for lacking in flf.query_problems(fields):
            yield Problem(
                f"{where}.queries", f"{lacking}; add them to log_format or set queries: false"
            )
    alarm = entry.rejected_ssh_rdp_alarm
    if alarm is None:
        return
    at = f"{where}.rejected_ssh_rdp_alarm"
    if message := flf.rejected_alarm_traffic_problem(entry.traffic_type):
        yield Problem(at, message)
    missing = flf.missing_fields(fields, flf.REMOTE_ACCESS_FIELDS)
    if missing:
        yield Problem(
            at,
            f"the rejected SSH/RDP filter tests {', '.join(flf.REMOTE_ACCESS_FIELDS)}; the "
            f"format lacks {', '.join(missing)}: add them to log_format or remove the alarm",
        )
    elif alarm.examples is not None:
        examples = alarm.examples.to_examples()
        for problem in flf.record_example_problems(fields, alarm.ports, examples):
            yield Problem(f"{at}.examples.{problem.location}", problem.message)
    if message := rules.check_period(alarm.period, from_metric_filter=True):
        yield Problem(f"{at}.period", message)
    for problem in rules.evaluation_problems(
        period=alarm.period,
        evaluation_periods=alarm.evaluation_periods,
        datapoints_to_alarm=alarm.datapoints_to_alarm,
    ):
        yield Problem(f"{at}.{problem.location}", problem.message)
    if message := rules.check_alarm_name(naming.name(entry.alarm_key())):
        yield Problem(f"{where}.name", message)
    if alarm.actions is not None:
        for problem in rules.action_problems(
            alarm.actions.to_set(), kind="static", topics=topics, single_instance=False
        ):
            yield Problem(f"{at}.{problem.location}", problem.message)
