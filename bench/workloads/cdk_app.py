"""Variant (b): the reference workload written by hand with aws-cdk-lib's L2 constructs.

python bench/workloads/cdk_app.py N OUTDIR

What a user without this library would write: per service a log group, a
metric filter, a static alarm, an anomaly alarm and a composite alarm; one
dashboard with an alarm overview and an errors / latency / recent-errors row per
service. Stacks of :data:`reference.SERVICES_PER_STACK` services (one stack at
N = 80). Start it from ``bench/run.py`` (which sets ``JSII_NODE`` to the
project's Node) or with ``JSII_NODE`` set.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Before aws_cdk: it counts jsii calls.
from phases import PHASES, synth_by_hand

with PHASES.phase("import"):
    import reference as ref
    from aws_cdk import App, Duration, RemovalPolicy, Stack
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_logs as logs


def add_logs(
    stack: Stack, index: int
) -> tuple[logs.LogGroup, cloudwatch.Metric, cloudwatch.Metric]:
    """Add service ``index``'s log group and ERROR filter; return it, the error and latency metrics.

    (c) makes its log groups and filters with this too.
    """
    name = ref.service_name(index)
    group = logs.LogGroup(
        stack,
        f"{name}Logs",
        log_group_name=f"/bench/test/{name}",
        retention=logs.RetentionDays.ONE_MONTH,
        removal_policy=RemovalPolicy.RETAIN,
    )
    errors_filter = logs.MetricFilter(
        stack,
        f"{name}ErrorsFilter",
        log_group=group,
        filter_pattern=logs.FilterPattern.literal(ref.ERROR_PATTERN),
        metric_namespace=ref.namespace(index),
        metric_name="Errors",
        metric_value="1",
        default_value=0,
        unit=cloudwatch.Unit.COUNT,
    )
    errors = errors_filter.metric(statistic="Sum", period=Duration.seconds(ref.PERIOD_SECONDS))
    latency = cloudwatch.Metric(
        namespace=ref.namespace(index),
        metric_name="Latency",
        statistic="p99",
        period=Duration.seconds(ref.PERIOD_SECONDS),
    )
    return group, errors, latency


def add_service(stack: Stack, index: int, dashboard: cloudwatch.Dashboard) -> cloudwatch.IAlarm:
    """Add service ``index``'s resources and dashboard row to ``stack``; return its composite."""
    name = ref.service_name(index)
    group, errors, latency = add_logs(stack, index)
    errors_alarm = cloudwatch.Alarm(
        stack,
        f"{name}ErrorsAlarm",
        alarm_name=f"bench-test-{name}-errors",
        metric=errors,
        threshold=ref.ERROR_THRESHOLD,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluation_periods=ref.EVALUATION_PERIODS,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    latency_alarm = cloudwatch.AnomalyDetectionAlarm(
        stack,
        f"{name}LatencyAlarm",
        alarm_name=f"bench-test-{name}-latency",
        metric=latency,
        std_devs=ref.LATENCY_BAND,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
        evaluation_periods=ref.EVALUATION_PERIODS,
    )
    unhealthy = cloudwatch.CompositeAlarm(
        stack,
        f"{name}Unhealthy",
        composite_alarm_name=f"bench-test-{name}-unhealthy",
        alarm_rule=cloudwatch.AlarmRule.any_of(errors_alarm, latency_alarm),
    )
    dashboard.add_widgets(
        cloudwatch.TextWidget(markdown=f"## {name}", width=24, height=1),
        cloudwatch.GraphWidget(
            title=f"{name} errors",
            left=[errors],
            left_annotations=[errors_alarm.to_annotation()],
            width=8,
        ),
        cloudwatch.GraphWidget(
            title=f"{name} latency p99",
            left=[
                latency,
                cloudwatch.MathExpression(
                    expression=f"ANOMALY_DETECTION_BAND(m1, {ref.LATENCY_BAND})",
                    using_metrics={"m1": latency},
                    label="expected",
                ),
            ],
            width=8,
        ),
        cloudwatch.LogQueryWidget(
            title=f"{name} latest errors",
            log_group_names=[group.log_group_name],
            query_lines=[
                "fields @timestamp, @message",
                "filter @message like /ERROR/",
                "sort @timestamp desc",
                "limit 20",
            ],
            width=8,
        ),
    )
    return unhealthy


def main(argv: list[str]) -> int:
    """Synthesize variant (b) into OUTDIR."""
    return synth_by_hand(argv, build)


def build(app: App, services: int) -> None:
    """Add the stacks of ``services`` services to ``app``."""
    for number, services_here in enumerate(ref.stack_slices(services)):
        stack = Stack(app, f"bench-cdk-{number}")
        dashboard = cloudwatch.Dashboard(
            stack,
            "Dashboard",
            dashboard_name=f"bench-cdk-{number}",
            default_interval=Duration.hours(3),
        )
        composites = [add_service(stack, i, dashboard) for i in services_here]
        dashboard.add_widgets(
            cloudwatch.AlarmStatusWidget(title="Services", alarms=composites, width=24)
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv))
