"""VPC flow logs into CloudWatch Logs, with saved queries and an optional SSH/RDP alarm."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Unpack

from aws_cdk import Duration, Stack, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.alarms import StaticAlarm, alarm_action_kind
from observability_blueprint.logs import LogStorage, ManagedLogGroup, storage_problems
from observability_blueprint.rules import alarm_settings as alarm_rules
from observability_blueprint.rules import flow_log_fields as flf
from observability_blueprint.rules.alarm_settings import ActionSet
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.metric_filters import MetricFilterSpec, PatternExamples

DEFAULT_TRAFFIC_TYPE: flf.TrafficType = "ALL"
"""Accepted and rejected traffic."""
DEFAULT_AGGREGATION_INTERVAL = Duration.seconds(flf.DEFAULT_AGGREGATION_INTERVAL)
"""Records are aggregated over ten minutes (the cheaper of the two intervals)."""
DELIVERY_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams")
"""All the delivery role may do, and only on the flow logs' log group."""
FILTER_NAME = "rejected-ssh-rdp"
"""Logical name of the rejected SSH/RDP metric filter (its construct ID)."""

# Argument name -> id prefix.
_KINDS = {"vpc_ids": "vpc", "subnet_ids": "subnet", "network_interface_ids": "eni"}


@dataclass(frozen=True, kw_only=True)
class RejectedRemoteAccessAlarm:
    """Settings of the opt-in metric filter and alarm on rejected SSH/RDP attempts.

    The filter counts flow records of rejected TCP connections to ``ports``; on
    internet-facing VPCs scanners produce such records all day, so the alarm
    suits private networks best.

    Parameters
    ----------
    ports
        Destination ports. Default: 22 (SSH) and 3389 (RDP).
    threshold
        Rejected flow records per period that set the alarm off. Default: 10.
    period, evaluation_periods, datapoints_to_alarm
        The evaluation window. Default: one period of five minutes.
    namespace, metric_name
        The metric the filter publishes. Default: ``VpcFlowLogs/RejectedSshRdp``.
    filter_name, alarm_name
        Physical names. Default: generated.
    description, runbook_url
        The alarm's description; the runbook link is appended.
    actions
        Actions per state. Default: none.
    examples
        Records, in the flow log's format, checked besides the built-in ones.
    """

    ports: tuple[int, ...] = flf.REMOTE_ACCESS_PORTS
    threshold: float = 10
    period: Duration = field(default_factory=lambda: Duration.minutes(5))
    evaluation_periods: int = 1
    datapoints_to_alarm: int | None = None
    namespace: str = "VpcFlowLogs"
    metric_name: str = "RejectedSshRdp"
    filter_name: str | None = None
    alarm_name: str | None = None
    description: str | None = None
    runbook_url: str | None = None
    actions: ActionSet = field(default_factory=ActionSet)
    examples: PatternExamples | None = None


class VpcFlowLogs(Construct):
    """Flow logs of VPCs, subnets or network interfaces (plain ids) into one log group.

    Creates the log group (retention, kept on stack deletion, optionally
    encrypted), one ``AWS::EC2::FlowLog`` per resource with the format written
    out in full, a delivery role that ``vpc-flow-logs.amazonaws.com`` may assume
    only for this account's flow logs and that may only create streams in and
    write to this log group, three saved Logs Insights queries (top talkers,
    rejected traffic, traffic by port) written for the format, and on request a
    metric filter and alarm on rejected SSH/RDP attempts.

    The resources are named by plain id, so synthesis looks nothing up. The
    L1 ``CfnFlowLog`` is used because aws-cdk-lib's ``FlowLog`` wants VPC and
    subnet objects, and adds ``iam:PassRole`` on the role to the role itself.

    Parameters
    ----------
    vpc_ids, subnet_ids, network_interface_ids
        What to log, as ``vpc-...``, ``subnet-...``, ``eni-...`` ids (at least one).
    traffic_type
        ``ALL``, ``ACCEPT`` or ``REJECT``. Default: ``ALL``.
    log_format
        Field names in order (``version``, ``account-id``...). Default: AWS's
        default format (the version 2 fields).
    aggregation_interval
        One or ten minutes (``Duration.minutes(1)``). Default: ten minutes.
    log_group_name
        Physical name. Default: generated (required with a BlueprintKey).
    storage
        ``retention_days``, ``encryption_key``, ``removal_policy`` of the log group:
        see :class:`LogStorage` (default: a year, AWS-owned key, retained).
    queries
        Save the three Logs Insights queries. Default: on.
    query_name_prefix
        Saved queries are named ``<prefix>/<query>``. Default: the construct path.
    rejected_remote_access_alarm
        Settings of the SSH/RDP filter and alarm. Default: none (opt-in).
    named_topics
        Topics that the alarm's actions name, by name.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc_ids: Sequence[str] = (),
        subnet_ids: Sequence[str] = (),
        network_interface_ids: Sequence[str] = (),
        traffic_type: flf.TrafficType = DEFAULT_TRAFFIC_TYPE,
        log_format: Sequence[str] | None = None,
        aggregation_interval: Duration = DEFAULT_AGGREGATION_INTERVAL,
        log_group_name: str | None = None,
        queries: bool = True,
        query_name_prefix: str | None = None,
        rejected_remote_access_alarm: RejectedRemoteAccessAlarm | None = None,
        named_topics: Mapping[str, sns.ITopic] | None = None,
        **storage: Unpack[LogStorage],
    ) -> None:
        super().__init__(scope, id)
        resources = {
            "vpc_ids": tuple(vpc_ids),
            "subnet_ids": tuple(subnet_ids),
            "network_interface_ids": tuple(network_interface_ids),
        }
        fields = tuple(log_format) if log_format is not None else flf.DEFAULT_FORMAT
        self._check(
            resources=resources,
            traffic_type=traffic_type,
            log_format=log_format,
            fields=fields,
            aggregation_interval=aggregation_interval.to_seconds(),
            storage_problems=storage_problems(
                self.node.path, storage, log_group_names=[log_group_name]
            ),
            queries=queries,
            alarm=rejected_remote_access_alarm,
            named_topics=named_topics or {},
        )
        self.fields: tuple[str, ...] = fields
        """The record format, as field names."""
        self.log_format: str = flf.render_format(fields)
        """The LogFormat string: ``${version} ${account-id} ...``."""

        self.log_group = ManagedLogGroup(
            self,
            "LogGroup",
            log_group_name=log_group_name,
            **storage,
        )
        """Where the records land."""
        stack = Stack.of(self)
        self.role = iam.Role(
            self,
            "DeliveryRole",
            assumed_by=iam.ServicePrincipal("vpc-flow-logs.amazonaws.com").with_conditions(
                {
                    # Confused-deputy guard from the VPC user guide: only flow logs
                    # of this account may use the role.
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="ec2", resource="vpc-flow-log", resource_name="*"
                        )
                    },
                }
            ),
            description=f"VPC Flow Logs deliver to the log group of {self.node.path}",
            # Inline, so the permissions exist as soon as the role does: a flow log
            # created before a separate policy is attached starts with delivery errors.
            inline_policies={
                "DeliverToLogGroup": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(
                            actions=list(DELIVERY_ACTIONS),
                            resources=[self.log_group.log_group.log_group_arn],
                        )
                    ]
                )
            },
        )
        """The role VPC Flow Logs assumes to write into the log group."""

        self.flow_logs: dict[str, ec2.CfnFlowLog] = {}
        """One flow log per resource, by resource id (also its construct ID)."""
        for kind, ids in resources.items():
            resource_type = flf.RESOURCE_KINDS[_KINDS[kind]][0]
            for resource_id in ids:
                self.flow_logs[resource_id] = ec2.CfnFlowLog(
                    self,
                    resource_id,
                    resource_id=resource_id,
                    resource_type=resource_type,
                    traffic_type=traffic_type,
                    log_destination_type="cloud-watch-logs",
                    log_group_name=self.log_group.log_group_name,
                    deliver_logs_permission_arn=self.role.role_arn,
                    log_format=self.log_format,
                    max_aggregation_interval=int(aggregation_interval.to_seconds()),
                )

        self.queries: dict[str, logs.QueryDefinition] = {}
        """Saved Logs Insights queries, by name: top-talkers, rejected-traffic, traffic-by-port."""
        if queries:
            prefix = query_name_prefix or self.node.path
            for query in flf.flow_log_queries(fields):
                self.queries[query.name] = logs.QueryDefinition(
                    self,
                    query.name,
                    query_definition_name=f"{prefix}/{query.name}",
                    query_string=logs.QueryString(
                        parse_statements=[query.parse],
                        filter_statements=[query.filter] if query.filter else None,
                        stats_statements=[query.stats],
                        sort=query.sort,
                        limit=query.limit,
                    ),
                    log_groups=[self.log_group.log_group],
                )

        self.metric_filter: logs.MetricFilter | None = None
        """The rejected SSH/RDP metric filter, when the alarm is on."""
        self.alarm: StaticAlarm | None = None
        """The rejected SSH/RDP alarm, when on."""
        if rejected_remote_access_alarm is not None:
            self._add_alarm(rejected_remote_access_alarm, named_topics or {})

    def _check(
        self,
        *,
        resources: Mapping[str, tuple[str, ...]],
        traffic_type: str,
        log_format: Sequence[str] | None,
        fields: tuple[str, ...],
        aggregation_interval: float,
        storage_problems: list[Problem],
        queries: bool,
        alarm: RejectedRemoteAccessAlarm | None,
        named_topics: Mapping[str, sns.ITopic],
    ) -> None:
        at = self.node.path
        problems: list[Problem] = []
        for arg, ids in resources.items():
            for index, resource_id in enumerate(ids):
                if Token.is_unresolved(resource_id):
                    message: str | None = (
                        "is a reference; give the id as plain text (vpc-0123456789abcdef0): "
                        "it is also the flow log's construct ID"
                    )
                else:
                    message = flf.check_resource_id(resource_id, _KINDS[arg])
                if message:
                    problems.append(Problem(f"{at}.{arg}[{index}]", message))
        every_id = [i for ids in resources.values() for i in ids]
        if not every_id:
            problems.append(
                Problem(at, "name at least one of vpc_ids, subnet_ids, network_interface_ids")
            )
        duplicates = sorted({i for i in every_id if every_id.count(i) > 1})
        if duplicates:
            problems.append(Problem(at, f"{', '.join(duplicates)} listed more than once"))
        if message := flf.check_traffic_type(traffic_type):
            problems.append(Problem(f"{at}.traffic_type", message))
        if message := flf.check_aggregation_interval(aggregation_interval):
            problems.append(Problem(f"{at}.aggregation_interval", message))
        problems += storage_problems
        format_problems = [] if log_format is None else flf.field_problems(log_format)
        problems += [Problem(f"{at}.log_format{p.location}", p.message) for p in format_problems]
        if not format_problems:
            if queries:
                problems += [
                    Problem(f"{at}.queries", f"{m}; add them to log_format or set queries=False")
                    for m in flf.query_problems(fields)
                ]
            if alarm is not None:
                problems += self._alarm_problems(alarm, fields)
        if alarm is not None and (message := flf.rejected_alarm_traffic_problem(traffic_type)):
            problems.append(Problem(f"{at}.rejected_remote_access_alarm", message))
        if alarm is not None:
            problems += _alarm_settings_problems(
                f"{at}.rejected_remote_access_alarm", alarm, named_topics
            )
        if problems:
            raise BlueprintError(problems)

    def _alarm_problems(
        self, alarm: RejectedRemoteAccessAlarm, fields: tuple[str, ...]
    ) -> list[Problem]:
        at = f"{self.node.path}.rejected_remote_access_alarm"
        problems: list[Problem] = []
        missing = flf.missing_fields(fields, flf.REMOTE_ACCESS_FIELDS)
        if missing:
            problems.append(
                Problem(
                    at,
                    f"the rejected SSH/RDP filter tests {', '.join(flf.REMOTE_ACCESS_FIELDS)}; "
                    f"the format lacks {', '.join(missing)}: add them to log_format",
                )
            )
        if message := flf.check_ports(alarm.ports):
            problems.append(Problem(f"{at}.ports", message))
        elif alarm.examples is not None and not missing:
            problems += [
                Problem(f"{at}.examples.{p.location}", p.message)
                for p in flf.record_example_problems(fields, alarm.ports, alarm.examples)
            ]
        return problems

    def _add_alarm(
        self, settings: RejectedRemoteAccessAlarm, named_topics: Mapping[str, sns.ITopic]
    ) -> None:
        builtin = flf.rejected_remote_access_examples(self.fields, settings.ports)
        extra = settings.examples or PatternExamples()
        spec = MetricFilterSpec(
            name=FILTER_NAME,
            pattern=flf.rejected_remote_access_pattern(self.fields, settings.ports),
            namespace=settings.namespace,
            metric_name=settings.metric_name,
            unit="Count",
            default_value=0,
            filter_name=settings.filter_name,
            examples=PatternExamples(
                match=builtin.match + extra.match, no_match=builtin.no_match + extra.no_match
            ),
        )
        # The log group checks the pattern and its examples offline before it adds the filter.
        self.metric_filter = self.log_group.add_metric_filter(spec)
        ports = ", ".join(map(str, settings.ports))
        self.alarm = StaticAlarm(
            self,
            "RejectedSshRdp",
            metric=cloudwatch.Metric(
                namespace=settings.namespace,
                metric_name=settings.metric_name,
                statistic="Sum",
                period=settings.period,
            ),
            threshold=settings.threshold,
            comparison=">=",
            evaluation_periods=settings.evaluation_periods,
            datapoints_to_alarm=settings.datapoints_to_alarm,
            treat_missing_data="notBreaching",
            alarm_name=settings.alarm_name,
            description=settings.description
            or (
                f"At least {settings.threshold:g} rejected TCP connection attempts to "
                f"port{'s' if len(settings.ports) > 1 else ''} {ports} in "
                f"{settings.period.to_seconds():g} seconds (VPC flow logs of {self.node.path})"
            ),
            runbook_url=settings.runbook_url,
            actions=settings.actions,
            named_topics=named_topics,
            from_metric_filter=True,
        )


def _alarm_settings_problems(
    at: str, alarm: RejectedRemoteAccessAlarm, named_topics: Mapping[str, sns.ITopic]
) -> list[Problem]:
    """The alarm's own settings, checked with the flow log's (one pass, one path)."""
    period = int(alarm.period.to_seconds(integral=False))
    problems = [
        Problem(f"{at}.{p.location}", p.message)
        for p in alarm_rules.evaluation_problems(
            period=period,
            evaluation_periods=alarm.evaluation_periods,
            datapoints_to_alarm=alarm.datapoints_to_alarm,
        )
    ]
    if message := alarm_rules.check_period(period, from_metric_filter=True):
        problems.append(Problem(f"{at}.period", message))
    if alarm.alarm_name is not None and (message := alarm_rules.check_alarm_name(alarm.alarm_name)):
        problems.append(Problem(f"{at}.alarm_name", message))
    problems += [
        Problem(f"{at}.{p.location}", p.message)
        for p in alarm_rules.action_problems(
            alarm.actions,
            kind="static",
            topics=list(named_topics),
            single_instance=False,
            kind_of=alarm_action_kind,
        )
    ]
    return problems
