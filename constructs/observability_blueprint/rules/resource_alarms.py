"""From AWS's recommended alarms and a user's overrides to the alarms to create.

Pure module: no aws_cdk import. :func:`resolve_alarms` takes one resource (its
type, its identity's dimensions, what is known about it) and the user's
overrides, and returns every alarm to create with every value final, or the
problems that stop synthesis. The recommendations come from
``recommended_alarms.py`` (AWS's page, and ours where the page has none).

Which alarms are created
    An alarm is created when the user says ``enabled: true``, or when the user
    says nothing, the data file has it on by default, and its prerequisite
    (``requires``: Container Insights, detailed metrics ...; see
    :data:`REQUIRES` and :data:`FEATURES`) and its applicability (``applies_to``:
    engine family, dead-letter queue ...; see :data:`APPLIES_TO`) are known to
    hold. What is not known is taken as not holding: an alarm on a metric that
    may not exist is not created silently. ``enabled: true`` is the user saying
    it holds.

Overrides
    Keyed by the data file's alarm id (``lambda.errors``), or by the id without
    its first segment (``errors``, ``ours.iterator_age``), or for an alarm of
    ours also without ``ours.`` (``iterator_age``), when that names one alarm of
    the type; otherwise the problem lists the candidates.

Thresholds
    The user's, else AWS's, else derived from the facts by the entry's derive
    rule (:data:`DERIVED_THRESHOLDS`), else a problem: the data file's fixed
    suggestions appear only in that problem's message, never silently.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from observability_blueprint.rules.alarm_settings import (
    ALARM_DESCRIPTION_MAX,
    TREAT_MISSING_DATA,
    Comparison,
    check_period,
    evaluation_problems,
)
from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.recommended_alarms import (
    PAGE_URL,
    MathInput,
    RecommendedAlarm,
    Scope,
    alarms_for,
    check_statistic_for,
)

ThresholdFrom = Literal["aws", "file", "derived"]
"""Where a resolved threshold comes from: AWS's page (or our fixed value for an
alarm of ours), the user's override, or a derive rule applied to the facts."""


@dataclass(frozen=True)
class AlarmOverride:
    """What a user may change of one recommended alarm, on one resource.

    Every field left None keeps the data file's value. ``enabled`` True creates
    the alarm even when its prerequisite is not known to be on; False never
    creates it. When only ``evaluation_periods`` is set, ``datapoints_to_alarm``
    follows it (AWS's page always alarms on N of N).
    """

    enabled: bool | None = None
    threshold: float | None = None
    statistic: str | None = None
    period: int | None = None
    evaluation_periods: int | None = None
    datapoints_to_alarm: int | None = None
    treat_missing_data: str | None = None


LoadBalancerKind = Literal["application", "network"]


@dataclass(frozen=True)
class ResourceFacts:
    """What is known about one resource: prerequisites on, sizes, sub-resources.

    From the blueprint file for a resource listed by name or ARN, or read from
    the CDK resource when it is discovered. None means not known.

    Parameters
    ----------
    features
        Prerequisites known to be on, keys of :data:`FEATURES`.
    is_fifo, is_dead_letter_queue, retention_seconds
        SQS: FIFO queue, some queue's dead-letter target, MessageRetentionPeriod.
    timeout_seconds
        Lambda function timeout, or a state machine's TimeoutSeconds.
    reserved_concurrency, account_concurrency_limit
        Lambda: the function's reserved concurrency; the account's concurrent
        executions quota in the Region (Service Quotas; 1,000 by default).
    allocated_storage_gib, memory_gib, vcpus, max_connections, engine, is_read_replica
        RDS: AllocatedStorage, the instance class's memory and vCPUs, the
        max_connections parameter, the Engine (``postgres``, ``aurora-mysql`` ...),
        whether the instance is a read replica.
    min_size
        Auto Scaling group MinSize.
    stream_retention_hours
        Kinesis RetentionPeriodHours (24 unless set).
    ephemeral_storage_gib
        ECS on Fargate: the task's ephemeral storage (20 GiB unless set).
    origin_response_timeout_seconds
        CloudFront: the origin's response (read) timeout (30 s unless set).
    sms_spend_limit_usd
        SNS: the account's monthly SMS spend limit.
    load_balancer_kind
        Elastic Load Balancing target group: the kind of its load balancer, which
        decides the metric namespace; when None, read from the ``LoadBalancer``
        dimension (``app/...`` or ``net/...``).
    sub_resources
        Per key of :data:`SUB_RESOURCES` (``global_secondary_index``, ``container``
        ...), the names of the resource's parts that sub-resource alarms watch.
    """

    features: frozenset[str] = frozenset()
    is_fifo: bool | None = None
    is_dead_letter_queue: bool | None = None
    retention_seconds: int | None = None
    timeout_seconds: float | None = None
    reserved_concurrency: int | None = None
    account_concurrency_limit: int | None = None
    allocated_storage_gib: int | None = None
    memory_gib: float | None = None
    vcpus: int | None = None
    max_connections: int | None = None
    engine: str | None = None
    is_read_replica: bool | None = None
    min_size: int | None = None
    stream_retention_hours: int | None = None
    ephemeral_storage_gib: int | None = None
    origin_response_timeout_seconds: float | None = None
    sms_spend_limit_usd: float | None = None
    load_balancer_kind: LoadBalancerKind | None = None
    sub_resources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ResolvedAlarm:
    """One CloudWatch alarm to create, every value final.

    ``metric`` with ``statistic``, or ``expression`` over ``inputs`` (metric
    math: each input has its own statistic; all share ``namespace`` and
    ``dimensions``). ``short_name`` is stable and unique per resource
    (``errors``, ``read-throttle-events-gsi-byemail``): use it in the alarm name
    and the construct id. A ``region`` scope alarm has no dimensions and a
    ``region_key``: create it once per stack whichever resources resolve it; a
    ``cluster`` scope alarm is created once per cluster (see :attr:`shared_key`).
    """

    alarm_id: str
    source: Literal["aws", "ours"]
    namespace: str
    metric: str | None
    expression: str | None = None
    inputs: tuple[MathInput, ...] = ()
    dimensions: Mapping[str, str] = field(default_factory=dict)
    statistic: str | None
    threshold: float
    comparison: Comparison
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: str
    description: str
    threshold_from: ThresholdFrom
    scope: Scope = "resource"
    sub_resource: str | None = None
    short_name: str
    region_key: str | None = None

    @property
    def shared_key(self) -> str | None:
        """Key under which one alarm serves every resource that resolves it; None if per resource.

        ``region`` alarms share by id; ``cluster`` alarms by id and cluster.
        """
        if self.scope == "region":
            return self.region_key
        if self.scope == "cluster":
            cluster = ",".join(f"{k}={v}" for k, v in sorted(self.dimensions.items()))
            return f"{self.alarm_id}|{cluster}"
        return None


# ------------------------------------------------------------ prerequisites

FEATURES: Final[Mapping[str, str]] = {
    "lambda_insights": (
        "the Lambda Insights extension is a layer of the function (it publishes the "
        "LambdaInsights metrics)"
    ),
    "async_failure_destination": (
        "the function has an on-failure destination or a dead-letter queue for "
        "asynchronous invocations"
    ),
    "stream_event_source": "the function reads a Kinesis or DynamoDB stream (event source mapping)",
    "detailed_metrics": (
        "detailed CloudWatch metrics are on for the API stage (MethodSettings "
        "MetricsEnabled for REST APIs, DetailedMetricsEnabled for HTTP APIs)"
    ),
    "streaming_destination": "the table has a Kinesis Data Streams streaming destination",
    "task_ebs_volumes": "the service's tasks have Amazon EBS volumes attached",
    "service_connect": "the ECS service uses Service Connect (the AWS/ECS HTTP metrics)",
    "container_insights": (
        "Container Insights is on: the ECS cluster setting containerInsights, or the "
        "Amazon CloudWatch Observability add-on on the EKS cluster"
    ),
    "enhanced_observability": (
        "Container Insights with enhanced observability (ECS containerInsights: enhanced); "
        "implies container_insights"
    ),
    "fargate": "the ECS service runs on AWS Fargate",
    "ec2_launch_type": "the ECS service runs on EC2 container instances",
    "pod_cpu_limits": "the Kubernetes Service's pods set CPU limits",
    "pod_memory_limits": "the Kubernetes Service's pods set memory limits",
    "aurora_serverless_v2": "the Aurora cluster runs Serverless v2 instances",
    "performance_insights": (
        "Performance Insights or Database Insights is on for the DB instance (DBLoad)"
    ),
    "binlog_replication": "the Aurora MySQL cluster replicates through the binary log",
    "group_metrics": (
        "group metrics collection is on for the Auto Scaling group (MetricsCollection)"
    ),
    "cloudfront_additional_metrics": (
        "additional CloudFront metrics are on for the distribution "
        "(AWS::CloudFront::MonitoringSubscription; billed)"
    ),
}
"""Prerequisites a resource may have on, by key: what each means, and how to turn it on."""

_IMPLIED_FEATURES: Final[Mapping[str, frozenset[str]]] = {
    "enhanced_observability": frozenset({"container_insights"}),
}

REQUIRES: Final[Mapping[str, tuple[str, ...]]] = {
    "Lambda Insights extension on the function (otherwise the metric does not exist)": (
        "lambda_insights",
    ),
    "only when the function has an on-failure destination or a DLQ": ("async_failure_destination",),
    "only for functions with a Kinesis or DynamoDB stream event source": ("stream_event_source",),
    "detailed CloudWatch metrics on the stage (MethodSettings MetricsEnabled)": (
        "detailed_metrics",
    ),
    "detailed CloudWatch metrics on the stage": ("detailed_metrics",),
    "detailed metrics on the stage; see page_anomaly": ("detailed_metrics",),
    "a Kinesis Data Streams streaming destination on the table": ("streaming_destination",),
    "EBS volumes attached to the service's tasks": ("task_ebs_volumes",),
    (
        "check: these AWS/ECS HTTP metrics come from ECS Service Connect (the ALB's own are "
        "in AWS/ApplicationELB with LoadBalancer/TargetGroup). Without Service Connect, use "
        "tg.ours.target_5xx_rate."
    ): ("service_connect",),
    "check: Service Connect, as above": ("service_connect",),
    "Container Insights on the cluster; Fargate": ("container_insights", "fargate"),
    "Container Insights on the cluster": ("container_insights",),
    "Container Insights; EC2 launch type": ("container_insights", "ec2_launch_type"),
    "Container Insights with enhanced observability": ("enhanced_observability",),
    "Container Insights with enhanced observability; task-attached EBS volumes": (
        "enhanced_observability",
        "task_ebs_volumes",
    ),
    "Container Insights": ("container_insights",),
    "Container Insights; pods with CPU limits": ("container_insights", "pod_cpu_limits"),
    "Container Insights; pods with memory limits": ("container_insights", "pod_memory_limits"),
    # Every EKS cluster runs 1.28 or later now (1.28's extended support ended in November
    # 2025): "If you haven't updated your cluster before the extended support period ends,
    # your cluster is auto-upgraded to the oldest currently supported extended version."
    # https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
    (
        "Kubernetes 1.28+ (free AWS/EKS vended metrics; EKS user guide 'Monitor cluster data "
        "with Amazon CloudWatch'); metric name and Sum per aws-cdk-lib eks-canned-metrics"
    ): (),
    "Aurora Serverless v2 clusters only": ("aurora_serverless_v2",),
    "group metrics collection enabled": ("group_metrics",),
    (
        "additional CloudFront metrics enabled on the distribution "
        "(AWS::CloudFront::MonitoringSubscription; billed)"
    ): ("cloudfront_additional_metrics",),
}
"""Each ``requires`` text of the data file, as the feature keys that must all be on."""


def _is_aurora(facts: ResourceFacts) -> bool | None:
    return None if facts.engine is None else facts.engine.startswith("aurora")


def _is_aurora_mysql(facts: ResourceFacts) -> bool | None:
    # "aurora" alone is Aurora MySQL 5.6 compatible (the RDS Engine values).
    if facts.engine is None:
        return None
    return facts.engine in ("aurora", "aurora-mysql")


def _not(value: bool | None) -> bool | None:
    return None if value is None else not value


def _both(first: bool | None, second: bool | None) -> bool | None:
    if first is False or second is False:
        return False
    if first is None or second is None:
        return None
    return True


def _feature(key: str) -> Callable[[ResourceFacts], bool | None]:
    return lambda facts: True if key in facts.features else None


APPLIES_TO: Final[Mapping[str, Callable[[ResourceFacts], bool | None]]] = {
    "http, websocket": lambda _: True,
    (
        "queues that are some queue's dead-letter target (RedrivePolicy), or that the user "
        "marks as a DLQ"
    ): lambda facts: facts.is_dead_letter_queue,
    "dead-letter queues": lambda facts: facts.is_dead_letter_queue,
    "all engines": lambda _: True,
    "RDS (not Aurora PostgreSQL, per intent); burstable EBS-backed classes": (
        lambda facts: _not(_is_aurora(facts))
    ),
    "RDS, not Aurora": lambda facts: _not(_is_aurora(facts)),
    "Aurora instances, not Aurora Serverless v2": lambda facts: _both(
        _is_aurora(facts), "aurora_serverless_v2" not in facts.features
    ),
    "RDS (not Aurora)": lambda facts: _not(_is_aurora(facts)),
    "PostgreSQL engines": lambda facts: (
        None if facts.engine is None else "postgres" in facts.engine
    ),
    "read replicas": lambda facts: facts.is_read_replica,
    "provisioned instances with Performance Insights / Database Insights (not serverless)": (
        _feature("performance_insights")
    ),
    "Aurora MySQL instances": _is_aurora_mysql,
    "Aurora instances": _is_aurora,
    "Aurora MySQL": _is_aurora_mysql,
    "Aurora MySQL with binlog replication": lambda facts: _both(
        _is_aurora_mysql(facts), _feature("binlog_replication")(facts)
    ),
    "Aurora": _is_aurora,
}
"""Each ``applies_to`` text of the data file, as a test of the facts: True holds,
False does not, None not known (then the alarm is not created by default)."""


# ------------------------------------------------------------ derived thresholds


@dataclass(frozen=True)
class Derived:
    """A threshold computed from the facts, and how, for the alarm description."""

    value: float
    how: str


def _n(value: float) -> str:
    """Show a number as a person writes it: 24000, not 24000.0; 0.05 stays."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# SQS in-flight quota: "FIFO queues support a maximum of 120,000 in-flight messages"
# (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-fifo.html)
# and about 120,000 for standard queues (sqs-limits.html). The recommended-alarms page still
# says 20,000 for FIFO; the quota page wins, so both kinds get 0.8 * 120,000.
SQS_IN_FLIGHT_QUOTA: Final = 120_000


def _lambda_duration(facts: ResourceFacts) -> Derived | None:
    # Page: "Make sure to set the threshold lower than the configured function timeout."
    if facts.timeout_seconds is None:
        return None
    value = 0.8 * facts.timeout_seconds * 1000
    return Derived(value, f"0.8 x the function's timeout of {_n(facts.timeout_seconds)} s, in ms")


def _account_concurrency(facts: ResourceFacts) -> Derived | None:
    # Page: "about 90% of the concurrency quota set for the account in the Region".
    if facts.account_concurrency_limit is None:
        return None
    return Derived(
        0.9 * facts.account_concurrency_limit,
        f"0.9 x the account's concurrency quota of {facts.account_concurrency_limit}",
    )


def _function_concurrency(facts: ResourceFacts) -> Derived | None:
    # A function with reserved concurrency is throttled at its reservation, not at the
    # account quota (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
    if facts.reserved_concurrency is not None:
        return Derived(
            0.9 * facts.reserved_concurrency,
            f"0.9 x the function's reserved concurrency of {facts.reserved_concurrency}",
        )
    return _account_concurrency(facts)


def _sqs_in_flight(_: ResourceFacts) -> Derived | None:
    return Derived(
        0.8 * SQS_IN_FLIGHT_QUOTA,
        f"0.8 x SQS's in-flight quota of {SQS_IN_FLIGHT_QUOTA:,} messages per queue",
    )


def _dlq_age(facts: ResourceFacts) -> Derived | None:
    if facts.retention_seconds is None:
        return None
    return Derived(
        0.75 * facts.retention_seconds,
        f"0.75 x the queue's message retention of {facts.retention_seconds} s",
    )


def _kinesis_iterator_age(facts: ResourceFacts) -> Derived | None:
    # Page: "If an iterator's age passes 50% of the retention period ... there is a risk
    # for data loss"; ours: never later than one hour.
    if facts.stream_retention_hours is None:
        return None
    half = 0.5 * facts.stream_retention_hours * 3_600_000
    return Derived(
        min(3_600_000.0, half),
        f"the smaller of one hour and half the stream's retention of "
        f"{facts.stream_retention_hours} h, in ms",
    )


def _sfn_execution_time(facts: ResourceFacts) -> Derived | None:
    if facts.timeout_seconds is None:
        return None
    return Derived(
        0.8 * facts.timeout_seconds * 1000,
        f"0.8 x the state machine's TimeoutSeconds of {_n(facts.timeout_seconds)}, in ms",
    )


def _ephemeral_storage(facts: ResourceFacts) -> Derived | None:
    # Page: "Set the threshold to about 90% of the ephemeral storage size."
    if facts.ephemeral_storage_gib is None:
        return None
    return Derived(
        0.9 * facts.ephemeral_storage_gib,
        f"0.9 x the task's ephemeral storage of {facts.ephemeral_storage_gib} GiB",
    )


def _rds_connections(facts: ResourceFacts) -> Derived | None:
    # Page: "a value between 90-95% of the maximum number of connections".
    if facts.max_connections is None:
        return None
    return Derived(0.9 * facts.max_connections, f"0.9 x max_connections of {facts.max_connections}")


def _rds_freeable_memory(facts: ResourceFacts) -> Derived | None:
    # Page: "should not go below 25% of total memory ... For Aurora, you can set the
    # threshold close to 5%".
    aurora = _is_aurora(facts)
    if facts.memory_gib is None or aurora is None:
        return None
    share = 0.05 if aurora else 0.25
    return Derived(
        share * facts.memory_gib * 2**30,
        f"{share} x the instance's {_n(facts.memory_gib)} GiB of memory, in bytes",
    )


def _rds_free_storage(facts: ResourceFacts) -> Derived | None:
    # Page: "calculate the value of 10 percent of the allocated storage space".
    if facts.allocated_storage_gib is None:
        return None
    return Derived(
        0.1 * facts.allocated_storage_gib * 2**30,
        f"0.1 x the allocated storage of {facts.allocated_storage_gib} GiB, in bytes",
    )


def _rds_db_load(facts: ResourceFacts) -> Derived | None:
    # Page: "Ideally, DB load should not go above vCPU line."
    if facts.vcpus is None:
        return None
    return Derived(float(facts.vcpus), f"the instance class's {facts.vcpus} vCPUs")


def _asg_in_service(facts: ResourceFacts) -> Derived | None:
    # Page: "the minimum capacity required to run your workload".
    if facts.min_size is None:
        return None
    return Derived(float(facts.min_size), f"the group's MinSize of {facts.min_size}")


def _origin_latency(facts: ResourceFacts) -> Derived | None:
    # Page: "about 80% of the origin response timeout".
    if facts.origin_response_timeout_seconds is None:
        return None
    return Derived(
        0.8 * facts.origin_response_timeout_seconds * 1000,
        f"0.8 x the origin response timeout of {_n(facts.origin_response_timeout_seconds)} s, "
        "in ms",
    )


def _sms_spend(facts: ResourceFacts) -> Derived | None:
    if facts.sms_spend_limit_usd is None:
        return None
    return Derived(
        0.8 * facts.sms_spend_limit_usd,
        f"0.8 x the account's SMS spend limit of {_n(facts.sms_spend_limit_usd)} USD",
    )


DERIVED_THRESHOLDS: Final[Mapping[str, Callable[[ResourceFacts], Derived | None]]] = {
    "lambda.claimed_account_concurrency": _account_concurrency,
    "lambda.duration": _lambda_duration,
    "lambda.concurrent_executions": _function_concurrency,
    "sqs.approximate_number_of_messages_not_visible": _sqs_in_flight,
    "sqs.ours.dead_letter_queue_age": _dlq_age,
    "kinesis.get_records_iterator_age": _kinesis_iterator_age,
    "sfn.ours.execution_time": _sfn_execution_time,
    "ecs_ci.ephemeral_storage_utilized": _ephemeral_storage,
    "rds.database_connections": _rds_connections,
    "rds.freeable_memory": _rds_freeable_memory,
    "rds.free_storage_space": _rds_free_storage,
    "rds.db_load": _rds_db_load,
    "asg.group_in_service_capacity": _asg_in_service,
    "cloudfront.origin_latency": _origin_latency,
    "sns.sms_month_to_date_spent_usd": _sms_spend,
}
"""Per alarm id, the data file's derive rule as a function of the facts (None: not known)."""

DERIVED_FROM: Final[Mapping[str, str]] = {
    "lambda.claimed_account_concurrency": "the account's Lambda concurrency quota",
    "lambda.duration": "the function's timeout",
    "lambda.concurrent_executions": (
        "the function's reserved concurrency or the account's Lambda concurrency quota"
    ),
    "sqs.approximate_number_of_messages_not_visible": "nothing (SQS's in-flight quota)",
    "sqs.ours.dead_letter_queue_age": "the queue's message retention period",
    "kinesis.get_records_iterator_age": "the stream's retention period",
    "sfn.ours.execution_time": "the state machine's TimeoutSeconds",
    "ecs_ci.ephemeral_storage_utilized": "the task's ephemeral storage size",
    "rds.database_connections": "the instance's max_connections",
    "rds.freeable_memory": "the instance class's memory and the engine",
    "rds.free_storage_space": "the instance's allocated storage",
    "rds.db_load": "the instance class's vCPUs",
    "asg.group_in_service_capacity": "the group's MinSize",
    "cloudfront.origin_latency": "the origin response timeout",
    "sns.sms_month_to_date_spent_usd": "the account's SMS spend limit",
}
"""Per derived alarm id, what the facts must give for the threshold to be derived."""

NOT_DERIVED: Final[Mapping[str, str]] = {
    "rds.free_local_storage": "AWS gives a range (10 to 20% of the class's local storage)",
    "rds.blocked_transactions": "the rule is metric math against ActiveTransactions",
    "aurora.volume_bytes_left_total": "the volume limit (64 or 128 TiB) depends on the version",
    "aurora.storage_network_throughput_writer": "it needs the writer class's bandwidth",
    "ecs.http_code_target_5xx_count": "the rule is a rate alarm, not a threshold",
}
"""Alarm ids whose derive rule the facts cannot compute, and why."""


# ------------------------------------------------------------ sub-resources


@dataclass(frozen=True)
class SubResource:
    """Which parts of a resource a sub-resource alarm is made for, and how one is named.

    ``key`` in :attr:`ResourceFacts.sub_resources`; each entry is written ``form``
    and gives the ``dimensions`` (split once at ``separator`` when there are two).
    """

    key: str
    dimensions: tuple[str, ...]
    form: str
    separator: str | None = None


_GSI: Final = SubResource("global_secondary_index", ("GlobalSecondaryIndexName",), "byEmail")
_METHOD: Final = SubResource("method", ("Method", "Resource"), "GET /pets", " ")
_ROUTE: Final = SubResource("route", ("Method", "Resource"), "GET /pets", " ")
_CONTAINER: Final = SubResource("container", ("ContainerName",), "web")
_K8S_SERVICE: Final = SubResource(
    "kubernetes_service", ("Namespace", "Service"), "default/checkout", "/"
)
_CF_FUNCTION: Final = SubResource("cloudfront_function", ("FunctionName",), "rewrite-index")

SUB_RESOURCES: Final[Mapping[str, SubResource]] = {
    "apigw_rest.count_method": _METHOD,
    "apigw_rest.latency_method": _METHOD,
    # The page lists Resource and Method for HTTP API routes (the data file's
    # page_anomaly: the API Gateway guide says Route); the data file's dimensions win here.
    "apigw_http.count_route": _ROUTE,
    "apigw_http.latency_route": _ROUTE,
    "ddb.read_throttle_events_gsi": _GSI,
    "ddb.write_throttle_events_gsi": _GSI,
    "ddb.replication_latency": SubResource("replica_region", ("ReceivingRegion",), "eu-west-1"),
    "ddb.successful_request_latency": SubResource("operation", ("Operation",), "GetItem"),
    "kinesis.subscribe_to_shard_event_millis_behind_latest": SubResource(
        "consumer", ("ConsumerName",), "analytics"
    ),
    "ecs_ci.instance_filesystem_utilization": SubResource(
        "container_instance",
        ("InstanceId", "ContainerInstanceId"),
        "i-0123456789abcdef0/0d0ff1c3b5e84a1d9f3e4c4a2b1f3e5a",
        "/",
    ),
    "ecs_ci_enh.container_cpu_utilization": _CONTAINER,
    "ecs_ci_enh.container_memory_utilization": _CONTAINER,
    "eks_ci.pod_cpu_utilization_over_pod_limit": _K8S_SERVICE,
    "eks_ci.pod_memory_utilization_over_pod_limit": _K8S_SERVICE,
    "cloudfront.function_validation_errors": _CF_FUNCTION,
    "cloudfront.function_execution_errors": _CF_FUNCTION,
    "cloudfront.function_throttles": _CF_FUNCTION,
}
"""Per sub-resource alarm id, the facts key that lists its parts and how each is written."""

# Lambda Insights names its dimension function_name; the identity gives FunctionName.
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Lambda-Insights-metrics.html
_DIMENSION_ALIASES: Final[Mapping[str, str]] = {"function_name": "FunctionName"}

# AWS publishes its services' metrics at standard (one-minute) resolution at best:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Resolution_definition
_SERVICE_METRIC_RESOLUTION: Final = 60

_NAMESPACE_BY_KIND: Final[Mapping[LoadBalancerKind, str]] = {
    "application": "AWS/ApplicationELB",
    "network": "AWS/NetworkELB",
}
_SLUG_MAX: Final = 40
_JUSTIFICATION_CUT: Final = 160
_SHORT_NAME_RE: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# ------------------------------------------------------------ ids and names


def alarm_ids(resource_type: str) -> tuple[str, ...]:
    """Return the ids of the recommended alarms of ``resource_type``, in data-file order."""
    return tuple(alarm.id for alarm in alarms_for(resource_type))


def _short_id(alarm_id: str) -> str:
    return alarm_id.split(".", 1)[1]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _short_names(resource_type: str) -> dict[str, str]:
    """Per alarm id, its short name: the id without its type prefix, or ``ours.``.

    An alarm of ours keeps ``ours-`` only if dropping it would collide with one of AWS's.
    """
    alarms = alarms_for(resource_type)
    plain = {a.id: _slug(_short_id(a.id).removeprefix("ours.")) for a in alarms}
    counts: dict[str, int] = {}
    for name in plain.values():
        counts[name] = counts.get(name, 0) + 1
    return {
        alarm_id: name if counts[name] == 1 else _slug(_short_id(alarm_id))
        for alarm_id, name in plain.items()
    }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


def _part_names(parts: tuple[str, ...]) -> dict[str, str]:
    """Per part (a GSI, a route ...), its name in short names: a slug, unique among ``parts``.

    A slug that two parts share, or that is cut, or that is empty, gets a digest of
    the part, so each name stays the same whatever else is listed beside it
    (except for the parts that collide).
    """
    slugs = {part: _slug(part) for part in parts}
    counts: dict[str, int] = {}
    for slug in slugs.values():
        counts[slug] = counts.get(slug, 0) + 1
    names: dict[str, str] = {}
    for part, slug in slugs.items():
        if counts[slug] > 1 or len(slug) > _SLUG_MAX or not slug:
            slug = "-".join(s for s in (slug[:_SLUG_MAX].strip("-"), _digest(part)) if s)
        names[part] = slug
    return names


def _resolve_keys(
    resource_type: str, overrides: Mapping[str, AlarmOverride], where: str
) -> tuple[dict[str, tuple[str, AlarmOverride]], list[Problem]]:
    """Map the user's override keys to alarm ids: {alarm id: (key as written, override)}."""
    ids = alarm_ids(resource_type)
    by_short: dict[str, list[str]] = {}
    for alarm_id in ids:
        for short in dict.fromkeys(
            (_short_id(alarm_id), _short_id(alarm_id).removeprefix("ours."))
        ):
            by_short.setdefault(short, []).append(alarm_id)
    found: dict[str, tuple[str, AlarmOverride]] = {}
    problems: list[Problem] = []
    for key, override in overrides.items():
        at = f"{where}.alarms.{cut(key)}"
        if key in ids:
            alarm_id = key
        elif len(by_short.get(key, ())) == 1:
            alarm_id = by_short[key][0]
        elif key in by_short:
            problems.append(
                Problem(
                    at,
                    f"{cut(key)!r} could be {' or '.join(by_short[key])}; write the full id",
                )
            )
            continue
        else:
            problems.append(
                Problem(
                    at,
                    f"{cut(key)!r} is not an alarm of {resource_type}; its alarms are "
                    f"{', '.join(ids)} (the part after the first dot is enough when it names "
                    f"one alarm: {_short_id(ids[0])})",
                )
            )
            continue
        if alarm_id in found:
            problems.append(
                Problem(
                    at,
                    f"{cut(key)!r} and {cut(found[alarm_id][0])!r} both set {alarm_id}; keep one",
                )
            )
            continue
        found[alarm_id] = (key, override)
    return found, problems


# ------------------------------------------------------------ checks of one override


def _override_problems(alarm: RecommendedAlarm, override: AlarmOverride, at: str) -> list[Problem]:
    problems: list[Problem] = []
    if override.threshold is not None and not math.isfinite(override.threshold):
        problems.append(
            Problem(f"{at}.threshold", f"{override.threshold} is not a number; use a finite one")
        )
    if override.statistic is not None:
        if alarm.metric is None:
            statistics = ", ".join(f"{i.id}: {i.metric} {i.statistic}" for i in alarm.inputs)
            problems.append(
                Problem(
                    f"{at}.statistic",
                    f"{cut(override.statistic)!r}: {alarm.id} is metric math "
                    f"({alarm.expression}) and each of its metrics has its own statistic "
                    f"({statistics}); it takes no statistic",
                )
            )
        elif message := check_statistic_for(alarm.resource_type, alarm.metric, override.statistic):
            problems.append(Problem(f"{at}.statistic", message))
    if override.period is not None:
        if message := check_period(override.period):
            problems.append(Problem(f"{at}.period", message))
        elif override.period < _SERVICE_METRIC_RESOLUTION:
            problems.append(
                Problem(
                    f"{at}.period",
                    f"{override.period} seconds is shorter than the one-minute resolution "
                    f"{alarm.namespace} publishes at: the alarm would have no data; use 60 or "
                    "a multiple of 60",
                )
            )
    if override.treat_missing_data is not None and (
        override.treat_missing_data not in TREAT_MISSING_DATA
    ):
        problems.append(
            Problem(
                f"{at}.treat_missing_data",
                f"{cut(override.treat_missing_data)!r} is not a missing-data treatment; use "
                f"one of {', '.join(TREAT_MISSING_DATA)}",
            )
        )
    return problems


def _window(alarm: RecommendedAlarm, override: AlarmOverride) -> tuple[int, int, int]:
    period = override.period if override.period is not None else alarm.period
    evaluation = (
        override.evaluation_periods
        if override.evaluation_periods is not None
        else alarm.evaluation_periods
    )
    if override.datapoints_to_alarm is not None:
        datapoints = override.datapoints_to_alarm
    elif alarm.datapoints_to_alarm == alarm.evaluation_periods:
        datapoints = evaluation  # N of N stays N of N
    else:
        datapoints = min(alarm.datapoints_to_alarm, evaluation)
    return period, evaluation, datapoints


# ------------------------------------------------------------ resolution


def _created(alarm: RecommendedAlarm, override: AlarmOverride | None, facts: ResourceFacts) -> bool:
    if override is not None and override.enabled is not None:
        return override.enabled
    if override is not None and override != AlarmOverride():
        return True  # tuning an alarm (a threshold, a period ...) asks for it
    if not alarm.enabled_by_default:
        return False
    features = set(facts.features)
    for feature in facts.features:
        features |= _IMPLIED_FEATURES.get(feature, frozenset())
    if alarm.requires is not None and not set(REQUIRES[alarm.requires]) <= features:
        return False
    return alarm.applies_to is None or APPLIES_TO[alarm.applies_to](facts) is True


def _threshold_problem(alarm: RecommendedAlarm, at: str, key: str) -> Problem:
    whose = "AWS's" if alarm.source == "aws" else "Our"
    why = alarm.justification if alarm.source == "aws" else alarm.reason
    default = alarm.default_threshold
    example = _n(default.value) if default is not None and default.value is not None else None
    derive = DERIVED_FROM.get(alarm.id)
    message = (
        f"{whose} threshold for {alarm.metric or alarm.expression} depends on the workload"
        + (f" ({cut(' '.join(why.split()), _JUSTIFICATION_CUT)})" if why else "")
        + f"; set it, e.g. alarms: {{{key}: {{threshold: {example or '<number>'}}}}}, or "
        "disable it with enabled: false"
        + (f"; or give {derive}, from which it is derived" if derive else "")
    )
    return Problem(f"{at}.threshold", message)


def _describe(alarm: RecommendedAlarm, threshold: float, how: str) -> str:
    """The alarm description: the page's text (or our reason), then the threshold's origin."""
    if alarm.source == "aws":
        body = " ".join(p for p in (alarm.description, alarm.intent) if p)
        tail = f"Threshold {_n(threshold)}: {how}. AWS recommended alarm {alarm.id}: {PAGE_URL}"
    else:
        body = alarm.reason or ""
        tail = f"Threshold {_n(threshold)}: {how}. Our alarm {alarm.id}; AWS recommends none."
    body = " ".join(body.split())
    room = ALARM_DESCRIPTION_MAX - len(tail) - 1
    if len(body) > room:
        body = body[: max(room - 3, 0)].rsplit(" ", 1)[0].rstrip(" ,;:") + "..."
    return f"{body} {tail}" if body else tail


def _namespace(
    alarm: RecommendedAlarm, dimensions: Mapping[str, str], facts: ResourceFacts, where: str
) -> tuple[str | None, Problem | None]:
    if "|" not in alarm.namespace:
        return alarm.namespace, None
    kind = facts.load_balancer_kind
    balancer = dimensions.get("LoadBalancer", "")
    if kind is None and balancer.startswith(("app/", "net/")):
        kind = "application" if balancer.startswith("app/") else "network"
    if kind is None:
        return None, Problem(
            where,
            f"{alarm.id} watches {alarm.metric} in {alarm.namespace}, which one depends on the "
            f"target group's load balancer, and its LoadBalancer dimension "
            f"{cut(balancer)!r} does not say: give the load balancer kind "
            "(application or network)",
        )
    return _NAMESPACE_BY_KIND[kind], None


def _dimension_sets(
    alarm: RecommendedAlarm,
    identity: Mapping[str, str],
    facts: ResourceFacts,
    where: str,
    explicit: bool,
    key: str,
) -> tuple[list[tuple[str | None, dict[str, str]]], list[Problem]]:
    """Return (sub-resource or None, dimensions) per alarm to make of ``alarm``."""
    if alarm.scope == "region":
        return [(None, {})], []
    known = dict(identity) | dict(alarm.dimension_values)
    sub = SUB_RESOURCES.get(alarm.id)
    parts: list[tuple[str | None, dict[str, str]]] = []
    problems: list[Problem] = []
    if alarm.scope == "sub_resource" and sub is not None:
        listed = tuple(facts.sub_resources.get(sub.key, ()))
        if not listed and explicit:
            problems.append(
                Problem(
                    f"{where}.alarms.{cut(key)}",
                    f"{alarm.id} is made per {alarm.sub_resource or sub.key} and none are "
                    f"known: list them under {sub.key} (written like {sub.form!r})",
                )
            )
        for index, part in enumerate(listed):
            pieces: tuple[str, ...] = (part,)
            if sub.separator is not None:
                first, _, second = part.partition(sub.separator)
                pieces = (first, second.strip())
            if not all(v.strip() for v in pieces) or len(pieces) != len(sub.dimensions):
                problems.append(
                    Problem(
                        f"{where}.{sub.key}[{index}]",
                        f"{cut(part)!r} is not written like {sub.form!r}",
                    )
                )
                continue
            parts.append((part, known | dict(zip(sub.dimensions, pieces, strict=True))))
    else:
        parts.append((None, known))
    resolved: list[tuple[str | None, dict[str, str]]] = []
    for named, given in parts:
        dimensions: dict[str, str] = {}
        missing = []
        for name in alarm.dimensions:
            value = given.get(name, given.get(_DIMENSION_ALIASES.get(name, name)))
            if value is None:
                missing.append(name)
            else:
                dimensions[name] = value
        if missing:
            problems.append(
                Problem(
                    where,
                    f"{alarm.id} needs the dimension{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(missing)}, which the resource does not give (it gives "
                    f"{', '.join(sorted(identity)) or 'none'})",
                )
            )
            continue
        resolved.append((named, dimensions))
    return resolved, problems


def resolve_alarms(
    resource_type: str,
    *,
    dimensions: Mapping[str, str],
    overrides: Mapping[str, AlarmOverride],
    facts: ResourceFacts,
    where: str,
) -> tuple[list[ResolvedAlarm], list[Problem]]:
    """Return the alarms to create on one resource, and what stops it.

    Parameters
    ----------
    resource_type
        A key of ``recommended_alarms.RESOURCE_TYPES`` (``lambda_function``).
    dimensions
        The resource identity's dimensions (``{"FunctionName": "checkout"}``);
        each alarm keeps the ones it names, plus the data file's fixed values
        (``Role=WRITER``, ``Region=Global``) and its sub-resource's.
    overrides
        The user's changes per alarm id (or id without its type prefix).
    facts
        What is known about the resource.
    where
        The resource's location (``services[0].resources[2]``) for problems:
        ``<where>.alarms.<id>.threshold`` and the like.

    Returns
    -------
    tuple
        The alarms in data-file order (sub-resources in the order the facts list
        them), and the problems; when there are problems, do not create the alarms.
    """
    resolved_keys, problems = _resolve_keys(resource_type, overrides, where)
    short_names = _short_names(resource_type)
    alarms: list[ResolvedAlarm] = []
    for alarm in alarms_for(resource_type):
        key, override = resolved_keys.get(alarm.id, (alarm.id, AlarmOverride()))
        at = f"{where}.alarms.{cut(key)}"
        found = _override_problems(alarm, override, at)
        period, evaluation, datapoints = _window(alarm, override)
        found += [
            Problem(f"{at}.{p.location}", p.message)
            for p in evaluation_problems(
                period=period, evaluation_periods=evaluation, datapoints_to_alarm=datapoints
            )
        ]
        problems += found
        if not _created(alarm, override, facts):
            continue
        namespace, problem = _namespace(alarm, dimensions, facts, where)
        sets, dimension_problems = _dimension_sets(
            alarm, dimensions, facts, where, override.enabled is True, key
        )
        problems += dimension_problems + ([problem] if problem else [])
        if not sets:
            continue  # a sub-resource alarm with no parts listed: nothing to make
        threshold_from: ThresholdFrom
        if override.threshold is not None:
            threshold, threshold_from, how = override.threshold, "file", "set in the blueprint"
        elif alarm.threshold is not None:
            threshold, threshold_from = alarm.threshold, "aws"
            how = "as AWS recommends" if alarm.source == "aws" else "our choice"
        elif (rule := DERIVED_THRESHOLDS.get(alarm.id)) and (derived := rule(facts)):
            threshold, threshold_from = derived.value, "derived"
            how = f"derived (ours): {derived.how}"
        else:
            problems.append(_threshold_problem(alarm, at, key))
            continue
        if found or namespace is None:
            continue
        part_names = _part_names(tuple(p for p, _ in sets if p is not None))
        for part, values in sets:
            short = short_names[alarm.id]
            alarms.append(
                ResolvedAlarm(
                    alarm_id=alarm.id,
                    source=alarm.source,
                    namespace=namespace,
                    metric=alarm.metric,
                    expression=alarm.expression,
                    inputs=alarm.inputs,
                    dimensions=values,
                    statistic=override.statistic or alarm.statistic,
                    threshold=threshold,
                    comparison=alarm.comparison_override or alarm.comparison,
                    period=period,
                    evaluation_periods=evaluation,
                    datapoints_to_alarm=datapoints,
                    treat_missing_data=override.treat_missing_data or alarm.treat_missing_data,
                    description=_describe(alarm, threshold, how),
                    threshold_from=threshold_from,
                    scope=alarm.scope,
                    sub_resource=part,
                    short_name=f"{short}-{part_names[part]}" if part is not None else short,
                    region_key=alarm.id if alarm.scope == "region" else None,
                )
            )
    return alarms, problems


def is_short_name(text: str) -> bool:
    """Say whether ``text`` has the form of a short name: lowercase letters, digits, dashes."""
    return _SHORT_NAME_RE.fullmatch(text) is not None
