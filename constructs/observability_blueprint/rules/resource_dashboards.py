"""The graphs that answer on-call's questions about one AWS resource, from its own metrics.

Pure module: no aws_cdk import. Per resource type (the keys of
:data:`~observability_blueprint.rules.recommended_alarms.RESOURCE_TYPES`) a
section answers four questions with metrics the service publishes for free:

- **traffic**: requests (invocations, messages, records ...) per second, the
  period's Sum divided by ``PERIOD()``;
- **errors**: the error rate in percent of requests, with metric math where the
  service publishes counts (``100*Errors/Invocations``), or the service's own
  rate (API Gateway's 4XXError is the Average of 0 or 1 per request, so 100 times
  it is a percentage; CloudFront's 5xxErrorRate is a percentage already);
- **latency**: p50, p90 and p99 where the metric has percentiles
  (:data:`~observability_blueprint.rules.recommended_alarms.PERCENTILE_METRICS`),
  with the unit the service uses (Lambda and API Gateway milliseconds, load
  balancers and RDS seconds);
- **saturation**: throttles, queue depth and age, concurrency, CPU and memory,
  healthy hosts, iterator age.

What the graphs show follows cdk-monitoring-constructs' service dashboards
(cdklabs/cdk-monitoring-constructs, ``lib/monitoring/``) with rates in percent of
requests where it shows errors per second. Metric names and units are those of
each service's CloudWatch metrics page (linked per type in :data:`GRAPHS`).

An alarm's threshold is drawn on a graph line only when the line is the alarm's
series (metric, dimensions, statistic and period: :func:`threshold_mismatch`);
an alarm no graph matches gets a graph of its own, at its statistic and period.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from observability_blueprint.rules import resource_refs, xray
from observability_blueprint.rules.dashboard_model import (
    GRID_WIDTH,
    PlotExpression,
    PlotMetric,
    Section,
    Series,
    Threshold,
    Widget,
    logs_insights_link,
    threshold_mismatch,
)
from observability_blueprint.rules.regions import partition_of
from observability_blueprint.rules.resource_alarms import ResolvedAlarm
from observability_blueprint.rules.resource_refs import RESOURCE_DIMENSIONS, ResourceIdentity

GRAPH_WIDTH: Final = 8
GRAPH_HEIGHT: Final = 6
HEADER_HEIGHT: Final = 2

Question = Literal["traffic", "errors", "latency", "saturation"]
QUESTIONS: Final[tuple[Question, ...]] = ("traffic", "errors", "latency", "saturation")

PERCENTILES: Final = ("p50", "p90", "p99")

LOGS_QUERY: Final = "fields @timestamp, @message, @logStream\n| sort @timestamp desc\n| limit 100"
"""The query the header's logs link opens: the latest events."""


@dataclass(frozen=True)
class Line:
    """One metric of a graph: drawn itself, or an input of a :class:`Math` line.

    ``dimensions`` names the identity's dimensions it takes (default: the type's,
    :data:`DIMENSIONS`); ``search`` adds dimensions without a value, drawn as a
    SEARCH expression with one line per value (DynamoDB's per-operation latency).
    """

    metric: str
    statistic: str
    label: str = ""
    dimensions: tuple[str, ...] | None = None
    namespace: str | None = None
    search: tuple[str, ...] = ()


@dataclass(frozen=True)
class Math:
    """A metric-math line over metrics named ``a``, ``b``, ... in ``expression``."""

    expression: str
    label: str
    inputs: tuple[Line, ...]


@dataclass(frozen=True)
class Graph:
    """One on-call graph of a resource type."""

    question: Question
    title: str
    lines: tuple[Line | Math, ...]
    y_label: str = ""
    from_zero: bool = True


def _per_second(metric: str, label: str) -> Math:
    # The period's Sum divided by its length: a rate that keeps its meaning at any period.
    return Math("a / PERIOD(a)", label, (Line(metric, "Sum"),))


def _percent(errors: str, total: str, label: str) -> Math:
    # FILL: a service publishes no error datapoint in a period without errors.
    return Math("100 * FILL(a, 0) / b", label, (Line(errors, "Sum"), Line(total, "Sum")))


def _percentiles(metric: str) -> tuple[Line, ...]:
    return tuple(Line(metric, p, p) for p in PERCENTILES)


def _rate(metric: str, label: str) -> Math:
    # The Average of a metric that is 0 or 1 per request is the failed fraction.
    return Math("100 * a", label, (Line(metric, "Average"),))


DIMENSIONS: Final[Mapping[str, tuple[str, ...]]] = {
    # The graphs watch AWS's own metrics, not Lambda Insights' (function_name).
    resource_type: tuple(d for d in dimensions if d != "function_name")
    for resource_type, dimensions in RESOURCE_DIMENSIONS.items()
}
"""Per type, the dimensions its graphs take from the resource's identity."""

NAMESPACES: Final[Mapping[str, str]] = {
    "lambda_function": "AWS/Lambda",
    "api_gateway_rest_api": "AWS/ApiGateway",
    "api_gateway_http_api": "AWS/ApiGateway",
    "application_load_balancer": "AWS/ApplicationELB",
    "network_load_balancer": "AWS/NetworkELB",
    "elb_target_group": "AWS/ApplicationELB",
    "dynamodb_table": "AWS/DynamoDB",
    "sqs_queue": "AWS/SQS",
    "sns_topic": "AWS/SNS",
    "kinesis_stream": "AWS/Kinesis",
    "step_functions_state_machine": "AWS/States",
    "ecs_service": "AWS/ECS",
    "eks_cluster": "AWS/EKS",
    "rds_db_instance": "AWS/RDS",
    "rds_db_cluster": "AWS/RDS",
    "autoscaling_group": "AWS/AutoScaling",
    "cloudfront_distribution": "AWS/CloudFront",
}
"""Per type, the namespace of its graphs (a line may name another). A target group
of a Network Load Balancer (``LoadBalancer`` ``net/...``) is in AWS/NetworkELB."""

_CI: Final = "ECS/ContainerInsights"
_EKS_CI: Final = "ContainerInsights"

GRAPHS: Final[Mapping[str, tuple[Graph, ...]]] = {
    # https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html (Duration: ms)
    "lambda_function": (
        Graph("traffic", "Invocations per second", (_per_second("Invocations", "invocations/s"),)),
        Graph("errors", "Error rate (%)", (_percent("Errors", "Invocations", "errors %"),), "%"),
        Graph("latency", "Duration (ms)", _percentiles("Duration"), "ms"),
        Graph("saturation", "Throttles", (Line("Throttles", "Sum", "throttles"),)),
        Graph(
            "saturation",
            "Concurrent executions",
            (Line("ConcurrentExecutions", "Maximum", "maximum"),),
        ),
    ),
    # https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
    # (Latency: ms; 4XXError / 5XXError: the Average is the error rate)
    "api_gateway_rest_api": (
        Graph("traffic", "Requests per second", (_per_second("Count", "requests/s"),)),
        Graph(
            "errors",
            "Error rate (%)",
            (_rate("4XXError", "4xx %"), _rate("5XXError", "5xx %")),
            "%",
        ),
        Graph("latency", "Latency (ms)", _percentiles("Latency"), "ms"),
    ),
    # https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
    "api_gateway_http_api": (
        Graph("traffic", "Requests per second", (_per_second("Count", "requests/s"),)),
        Graph("errors", "Error rate (%)", (_rate("4xx", "4xx %"), _rate("5xx", "5xx %")), "%"),
        Graph("latency", "Latency (ms)", _percentiles("Latency"), "ms"),
        Graph("latency", "Integration latency (ms)", _percentiles("IntegrationLatency"), "ms"),
    ),
    # https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
    # (TargetResponseTime: seconds)
    "application_load_balancer": (
        Graph("traffic", "Requests per second", (_per_second("RequestCount", "requests/s"),)),
        Graph(
            "errors",
            "Error rate (%)",
            (
                _percent("HTTPCode_ELB_5XX_Count", "RequestCount", "load balancer 5xx %"),
                _percent("HTTPCode_Target_5XX_Count", "RequestCount", "target 5xx %"),
            ),
            "%",
        ),
        Graph("latency", "Target response time (s)", _percentiles("TargetResponseTime"), "s"),
        Graph(
            "saturation",
            "Connections",
            (
                Line("ActiveConnectionCount", "Sum", "active"),
                Line("RejectedConnectionCount", "Sum", "rejected"),
            ),
        ),
    ),
    # https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html
    "network_load_balancer": (
        Graph("traffic", "New flows per second", (_per_second("NewFlowCount", "flows/s"),)),
        Graph(
            "errors",
            "Resets",
            (
                Line("TCP_ELB_Reset_Count", "Sum", "by the load balancer"),
                Line("TCP_Target_Reset_Count", "Sum", "by targets"),
            ),
        ),
        Graph(
            "saturation",
            "Flows and port allocation errors",
            (
                Line("ActiveFlowCount", "Average", "active flows"),
                Line("PortAllocationErrorCount", "Sum", "port allocation errors"),
            ),
        ),
    ),
    "elb_target_group": (
        Graph("traffic", "Requests per second", (_per_second("RequestCount", "requests/s"),)),
        Graph(
            "errors",
            "Error rate (%)",
            (_percent("HTTPCode_Target_5XX_Count", "RequestCount", "target 5xx %"),),
            "%",
        ),
        Graph("latency", "Target response time (s)", _percentiles("TargetResponseTime"), "s"),
        Graph(
            "saturation",
            "Hosts",
            (
                Line("HealthyHostCount", "Minimum", "healthy (minimum)"),
                Line("UnHealthyHostCount", "Maximum", "unhealthy (maximum)"),
            ),
        ),
    ),
    # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html
    # (SuccessfulRequestLatency: ms, per Operation, no percentiles)
    "dynamodb_table": (
        Graph(
            "traffic",
            "Consumed capacity per second",
            (
                _per_second("ConsumedReadCapacityUnits", "read units/s"),
                _per_second("ConsumedWriteCapacityUnits", "write units/s"),
            ),
        ),
        Graph("errors", "System errors", (Line("SystemErrors", "Sum", "system errors"),)),
        Graph(
            "latency",
            "Request latency (ms, average)",
            (Line("SuccessfulRequestLatency", "Average", search=("Operation",)),),
            "ms",
        ),
        Graph(
            "saturation",
            "Throttled requests",
            (
                Line("ReadThrottleEvents", "Sum", "read"),
                Line("WriteThrottleEvents", "Sum", "write"),
            ),
        ),
    ),
    # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
    "sqs_queue": (
        Graph(
            "traffic",
            "Messages per second",
            (
                _per_second("NumberOfMessagesSent", "sent/s"),
                _per_second("NumberOfMessagesReceived", "received/s"),
            ),
        ),
        Graph(
            "latency",
            "Age of the oldest message (s)",
            (Line("ApproximateAgeOfOldestMessage", "Maximum", "oldest"),),
            "s",
        ),
        Graph(
            "saturation",
            "Messages waiting and in flight",
            (
                Line("ApproximateNumberOfMessagesVisible", "Average", "waiting"),
                Line("ApproximateNumberOfMessagesNotVisible", "Average", "in flight"),
            ),
        ),
    ),
    # https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html
    "sns_topic": (
        Graph(
            "traffic",
            "Messages published per second",
            (_per_second("NumberOfMessagesPublished", "published/s"),),
        ),
        Graph(
            "errors",
            "Failed deliveries (%)",
            (
                Math(
                    "100 * FILL(a, 0) / (FILL(a, 0) + b)",
                    "failed %",
                    (
                        Line("NumberOfNotificationsFailed", "Sum"),
                        Line("NumberOfNotificationsDelivered", "Sum"),
                    ),
                ),
            ),
            "%",
        ),
    ),
    # https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html
    # (latencies and IteratorAgeMilliseconds: ms)
    "kinesis_stream": (
        Graph("traffic", "Records in per second", (_per_second("IncomingRecords", "records/s"),)),
        Graph(
            "errors",
            "Failed records (%)",
            (_percent("PutRecords.FailedRecords", "PutRecords.TotalRecords", "failed %"),),
            "%",
        ),
        Graph(
            "latency",
            "Put and get latency (ms, average)",
            (
                Line("PutRecords.Latency", "Average", "PutRecords"),
                Line("GetRecords.Latency", "Average", "GetRecords"),
            ),
            "ms",
        ),
        Graph(
            "saturation",
            "Iterator age (ms)",
            (Line("GetRecords.IteratorAgeMilliseconds", "Maximum", "maximum"),),
            "ms",
        ),
        Graph(
            "saturation",
            "Throughput exceeded",
            (
                Line("ReadProvisionedThroughputExceeded", "Sum", "reads"),
                Line("WriteProvisionedThroughputExceeded", "Sum", "writes"),
            ),
        ),
    ),
    # https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
    # (ExecutionTime: ms)
    "step_functions_state_machine": (
        Graph(
            "traffic",
            "Executions started per second",
            (_per_second("ExecutionsStarted", "started/s"),),
        ),
        Graph(
            "errors",
            "Failed executions (%)",
            (
                _percent("ExecutionsFailed", "ExecutionsStarted", "failed %"),
                _percent("ExecutionsTimedOut", "ExecutionsStarted", "timed out %"),
            ),
            "%",
        ),
        Graph("latency", "Execution time (ms)", _percentiles("ExecutionTime"), "ms"),
        Graph("saturation", "Throttled", (Line("ExecutionThrottled", "Sum", "throttled"),)),
    ),
    # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html
    "ecs_service": (
        Graph(
            "saturation",
            "CPU and memory (%)",
            (
                Line("CPUUtilization", "Average", "CPU"),
                Line("MemoryUtilization", "Average", "memory"),
            ),
            "%",
        ),
        Graph(
            "saturation",
            "Tasks (Container Insights)",
            (
                Line("RunningTaskCount", "Average", "running", namespace=_CI),
                Line("DesiredTaskCount", "Average", "desired", namespace=_CI),
            ),
        ),
    ),
    # https://docs.aws.amazon.com/eks/latest/userguide/view-raw-metrics.html (AWS/EKS)
    "eks_cluster": (
        Graph(
            "traffic",
            "API server requests per second",
            (_per_second("apiserver_request_total", "requests/s"),),
        ),
        Graph(
            "errors",
            "API server 5xx (%)",
            (_percent("apiserver_request_total_5XX", "apiserver_request_total", "5xx %"),),
            "%",
        ),
        Graph(
            "saturation",
            "Unschedulable pods",
            (Line("scheduler_pending_pods_UNSCHEDULABLE", "Maximum", "pending"),),
        ),
        Graph(
            "saturation",
            "Node CPU and memory (%, Container Insights)",
            (
                Line("node_cpu_utilization", "Maximum", "CPU", namespace=_EKS_CI),
                Line("node_memory_utilization", "Maximum", "memory", namespace=_EKS_CI),
            ),
            "%",
        ),
    ),
    # https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html
    # (ReadLatency / WriteLatency: seconds; FreeableMemory / FreeStorageSpace: bytes)
    "rds_db_instance": (
        Graph(
            "traffic",
            "I/O operations per second",
            (Line("ReadIOPS", "Average", "read"), Line("WriteIOPS", "Average", "write")),
        ),
        Graph("latency", "Read latency (s)", _percentiles("ReadLatency"), "s"),
        Graph("latency", "Write latency (s)", _percentiles("WriteLatency"), "s"),
        Graph("saturation", "CPU (%)", (Line("CPUUtilization", "Average", "CPU"),), "%"),
        Graph(
            "saturation",
            "Connections",
            (Line("DatabaseConnections", "Average", "connections"),),
        ),
        Graph(
            "saturation",
            "Free memory and storage (bytes)",
            (
                Line("FreeableMemory", "Average", "freeable memory"),
                Line("FreeStorageSpace", "Minimum", "free storage"),
            ),
            "bytes",
        ),
    ),
    # https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
    "rds_db_cluster": (
        Graph(
            "traffic",
            "Commits per second",
            (Line("CommitThroughput", "Average", "commits/s"),),
        ),
        Graph(
            "latency",
            "Commit latency (ms, average)",
            (Line("CommitLatency", "Average", "commit"),),
            "ms",
        ),
        Graph("saturation", "CPU (%)", (Line("CPUUtilization", "Average", "CPU"),), "%"),
        Graph(
            "saturation",
            "Connections",
            (Line("DatabaseConnections", "Average", "connections"),),
        ),
    ),
    # https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html
    # (group metrics need collection turned on)
    "autoscaling_group": (
        Graph(
            "saturation",
            "Instances in service",
            (
                Line("GroupInServiceCapacity", "Average", "in service"),
                Line("GroupDesiredCapacity", "Average", "desired"),
            ),
        ),
        Graph(
            "saturation",
            "CPU (%)",
            (Line("CPUUtilization", "Average", "CPU", namespace="AWS/EC2"),),
            "%",
        ),
    ),
    # https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
    # (metrics in us-east-1 only, Region=Global; 4xx/5xxErrorRate in %; OriginLatency (ms)
    # and CacheHitRate are additional metrics, published once turned on)
    "cloudfront_distribution": (
        Graph("traffic", "Requests per second", (_per_second("Requests", "requests/s"),)),
        Graph(
            "errors",
            "Error rate (%)",
            (
                Line("4xxErrorRate", "Average", "4xx %"),
                Line("5xxErrorRate", "Average", "5xx %"),
            ),
            "%",
        ),
        Graph("latency", "Origin latency (ms)", _percentiles("OriginLatency"), "ms"),
        Graph(
            "saturation", "Cache hit rate (%)", (Line("CacheHitRate", "Average", "hits %"),), "%"
        ),
    ),
}
"""Per resource type, its on-call graphs in question order."""


def namespace_of(identity: ResourceIdentity) -> str:
    """Return the namespace of a resource's graphs."""
    if identity.resource_type == "elb_target_group" and identity.dimensions.get(
        "LoadBalancer", ""
    ).startswith("net/"):
        return "AWS/NetworkELB"
    return NAMESPACES[identity.resource_type]


def _dims(identity: ResourceIdentity, names: Sequence[str]) -> tuple[tuple[str, str], ...] | None:
    # None when the identity lacks one (a state machine named without its ARN).
    if any(name not in identity.dimensions for name in names):
        return None
    return tuple(sorted((name, identity.dimensions[name]) for name in names))


def _line_dims(identity: ResourceIdentity, line: Line) -> tuple[tuple[str, str], ...] | None:
    names = line.dimensions if line.dimensions is not None else DIMENSIONS[identity.resource_type]
    return _dims(identity, names)


def _search(namespace: str, line: Line, dims: tuple[tuple[str, str], ...], period: int) -> str:
    schema = ",".join([namespace, *sorted([*(n for n, _ in dims), *line.search])])
    terms = " ".join(f'{name}="{value}"' for name, value in dims)
    return (
        f"SEARCH('{{{schema}}} MetricName=\"{line.metric}\" {terms}', '{line.statistic}', {period})"
    )


def _plot(
    identity: ResourceIdentity, graph: Graph, period: int, prefix: str
) -> tuple[list[PlotMetric | PlotExpression], list[Series]]:
    """Return a graph's plotted metrics and the series of its drawn plain lines."""
    namespace = namespace_of(identity)
    plotted: list[PlotMetric | PlotExpression] = []
    series: list[Series] = []
    for index, line in enumerate(graph.lines):
        if isinstance(line, Math):
            inputs: list[PlotMetric] = []
            for offset, item in enumerate(line.inputs):
                dims = _line_dims(identity, item)
                if dims is None:
                    break
                inputs.append(
                    PlotMetric(
                        item.namespace or namespace,
                        item.metric,
                        dims,
                        item.statistic,
                        id=f"{prefix}_{index}{chr(ord('a') + offset)}",
                    )
                )
            else:
                ids = {chr(ord("a") + offset): m.id or "" for offset, m in enumerate(inputs)}
                expression = _with_ids(line.expression, ids)
                plotted.append(PlotExpression(expression, line.label, inputs=tuple(inputs)))
            continue
        dims = _line_dims(identity, line)
        if dims is None:
            continue
        line_namespace = line.namespace or namespace
        if line.search:
            plotted.append(
                PlotExpression(
                    _search(line_namespace, line, dims, period),
                    line.label or f"${{PROP('Dim.{line.search[0]}')}}",
                )
            )
            all_dims: tuple[tuple[str, str | None], ...] = tuple(
                sorted([*dims, *((name, None) for name in line.search)])
            )
            series.append(Series(line_namespace, line.metric, all_dims, line.statistic, period))
            continue
        plotted.append(
            PlotMetric(line_namespace, line.metric, dims, line.statistic, line.label or None)
        )
        series.append(Series(line_namespace, line.metric, dims, line.statistic, period))
    return plotted, series


def _with_ids(expression: str, ids: Mapping[str, str]) -> str:
    # The table names inputs a, b, ...; on a dashboard they need ids unique per graph.
    return re.sub(r"\b[a-z]\b", lambda found: ids[found.group(0)], expression)


def alarm_series(alarm: ResolvedAlarm) -> Series | None:
    """Return the series a metric alarm watches, or None for a metric-math alarm."""
    if alarm.metric is None or alarm.statistic is None:
        return None
    return Series(
        alarm.namespace,
        alarm.metric,
        tuple(sorted(alarm.dimensions.items())),
        alarm.statistic,
        alarm.period,
    )


def _threshold(alarm: ResolvedAlarm) -> Threshold:
    return Threshold(
        alarm.threshold, f"{alarm.short_name} ({alarm.comparison} {alarm.threshold:g})"
    )


def thresholds_for(
    series: Sequence[Series], alarms: Sequence[ResolvedAlarm]
) -> tuple[tuple[Threshold, ...], tuple[ResolvedAlarm, ...]]:
    """Return the thresholds to draw on a graph of ``series``, and the alarms drawn.

    An alarm's line is drawn when one of the graph's series is the alarm's own
    (:func:`~observability_blueprint.rules.dashboard_model.threshold_mismatch`).
    """
    lines: list[Threshold] = []
    drawn: list[ResolvedAlarm] = []
    for alarm in alarms:
        watched = alarm_series(alarm)
        if watched is None:
            continue
        if any(threshold_mismatch(watched, s) is None for s in series):
            lines.append(_threshold(alarm))
            drawn.append(alarm)
    return tuple(lines), tuple(drawn)


def _alarm_graph(alarm: ResolvedAlarm, region: str | None, prefix: str) -> Widget:
    """A graph of exactly what ``alarm`` evaluates, with its threshold."""
    dims = tuple(sorted(alarm.dimensions.items()))
    metrics: tuple[PlotMetric | PlotExpression, ...]
    if alarm.metric is not None and alarm.statistic is not None:
        label = f"{alarm.metric} {alarm.statistic}"
        metrics = (PlotMetric(alarm.namespace, alarm.metric, dims, alarm.statistic, label),)
        what = f"{alarm.metric} {alarm.statistic}"
    else:
        expression = alarm.expression or ""
        inputs = []
        for item in alarm.inputs:
            ident = f"{prefix}{item.id}"
            expression = _rename(expression, item.id, ident)
            inputs.append(PlotMetric(alarm.namespace, item.metric, dims, item.statistic, id=ident))
        metrics = (PlotExpression(expression, alarm.expression or "", inputs=tuple(inputs)),)
        what = alarm.expression or ""
    return Widget(
        kind="graph",
        title=f"Alarm {alarm.short_name}: {what} per {alarm.period} s",
        width=GRAPH_WIDTH,
        height=GRAPH_HEIGHT,
        metrics=metrics,
        thresholds=(_threshold(alarm),),
        period=alarm.period,
        y_min=0 if alarm.threshold >= 0 else None,
        region=region,
    )


def _rename(expression: str, old: str, new: str) -> str:
    return re.sub(rf"\b{re.escape(old)}\b", new, expression)


def header(identity: ResourceIdentity, *, region: str, title: str) -> Widget:
    """The section's header: the resource, a link to its console page and to its logs."""
    where = identity.region or region
    lines = [f"# {title}", f"{identity.resource_type} `{identity.name}`"]
    links = [f"[console]({resource_refs.console_url(identity, region=where)})"]
    groups = resource_refs.log_group_names(identity)
    if groups:
        home = _cloudwatch_home(where)
        links.append(f"[logs]({logs_insights_link(LOGS_QUERY, groups, home=home)})")
    lines[-1] += ": " + " · ".join(links)
    return Widget(
        kind="text",
        title=title,
        width=GRID_WIDTH,
        height=HEADER_HEIGHT,
        markdown="\n".join(lines),
    )


def _cloudwatch_home(region: str) -> str:
    # Relative link (the console's current Region) when the Region is not known.
    if partition_of(region) is None:
        return ""
    return xray.trace_map_url(region).split("#", 1)[0]


def resource_graphs(
    identity: ResourceIdentity,
    alarms: Sequence[ResolvedAlarm] = (),
    *,
    period: int,
    prefix: str = "r",
) -> list[Widget]:
    """Return a resource's on-call graphs, then a graph per alarm no graph matched.

    ``prefix`` starts the ids of metric-math inputs (unique on a dashboard).
    """
    if identity.resource_type not in GRAPHS:
        raise ValueError(f"{identity.resource_type!r} is not a monitored resource type")
    region = identity.region
    widgets: list[Widget] = []
    drawn: set[str] = set()
    # A Network Load Balancer's target groups count no requests, statuses or times.
    tcp_only = namespace_of(identity) == "AWS/NetworkELB" and identity.resource_type == (
        "elb_target_group"
    )
    for index, graph in enumerate(GRAPHS[identity.resource_type]):
        if tcp_only and graph.question != "saturation":
            continue
        plotted, series = _plot(identity, graph, period, f"{prefix}g{index}")
        if not plotted:
            continue
        lines, matched = thresholds_for(series, alarms)
        drawn.update(a.alarm_id + (a.sub_resource or "") for a in matched)
        widgets.append(
            Widget(
                kind="graph",
                title=graph.title,
                width=GRAPH_WIDTH,
                height=GRAPH_HEIGHT,
                metrics=tuple(plotted),
                thresholds=lines,
                period=period,
                y_min=0 if graph.from_zero else None,
                y_label=graph.y_label,
                region=region,
            )
        )
    for index, alarm in enumerate(alarms):
        if alarm.alarm_id + (alarm.sub_resource or "") not in drawn:
            widgets.append(_alarm_graph(alarm, region, f"{prefix}a{index}"))
    return widgets


def resource_section(
    identity: ResourceIdentity,
    alarms: Sequence[ResolvedAlarm],
    *,
    period: int,
    region: str,
    title: str,
    prefix: str = "r",
) -> Section:
    """Return a resource's section: header with links, on-call graphs, alarm graphs.

    Parameters
    ----------
    identity
        The resource (its type and CloudWatch dimensions).
    alarms
        The alarms created on it: each threshold is drawn only on a line of its
        own series, and an alarm no graph shows gets a graph at its statistic and period.
    period
        Seconds per datapoint of the on-call graphs.
    region
        The dashboard's Region, for console links (a token or "" gives relative links).
    title
        The section's title.
    prefix
        Starts metric-math ids, which must be unique on a dashboard.
    """
    widgets = [
        header(identity, region=region, title=title),
        *resource_graphs(identity, alarms, period=period, prefix=prefix),
    ]
    return Section(title, tuple(widgets))


TYPE_TITLES: Final[Mapping[str, str]] = {
    "lambda_function": "Lambda function",
    "api_gateway_rest_api": "REST API",
    "api_gateway_http_api": "HTTP API",
    "application_load_balancer": "Application Load Balancer",
    "network_load_balancer": "Network Load Balancer",
    "elb_target_group": "Target group",
    "dynamodb_table": "DynamoDB table",
    "sqs_queue": "SQS queue",
    "sns_topic": "SNS topic",
    "kinesis_stream": "Kinesis stream",
    "step_functions_state_machine": "State machine",
    "ecs_service": "ECS service",
    "eks_cluster": "EKS cluster",
    "rds_db_instance": "RDS instance",
    "rds_db_cluster": "Aurora cluster",
    "autoscaling_group": "Auto Scaling group",
    "cloudfront_distribution": "CloudFront distribution",
}
"""Per resource type, the words a section title starts with."""


def type_title(resource_type: str) -> str:
    """Return how a section title names a resource type (``Lambda function``)."""
    return TYPE_TITLES.get(resource_type, resource_type)
