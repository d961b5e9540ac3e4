"""Variant (c): alarms and dashboards by cdk-monitoring-constructs, logs by aws-cdk-lib.

python bench/workloads/monitoring_app.py N OUTDIR

Per service aws-cdk-lib makes the log group and the metric filter, and one
``MonitoringFacade`` a stack makes the static alarm, the anomaly alarm, the
composite alarm (by custom tag, as its README shows) and its default dashboards
(detail, summary and alarm dashboards). Stacks of
:data:`reference.SERVICES_PER_STACK` services. Needs the ``bench`` extra
(``pip install -e '.[bench]'``); start it from ``bench/run.py`` or with
``JSII_NODE`` set.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Before aws_cdk: it counts jsii calls.
from phases import PHASES, synth_by_hand

with PHASES.phase("import"):
    import cdk_monitoring_constructs as mon
    import reference as ref
    from aws_cdk import App, Duration, Stack
    from aws_cdk import aws_cloudwatch as cloudwatch
    from cdk_app import add_logs


def add_service(stack: Stack, index: int, facade: mon.MonitoringFacade) -> None:
    """Add service ``index``'s log group and filter to ``stack``, its monitoring to ``facade``."""
    name = ref.service_name(index)
    group, errors, latency = add_logs(stack, index)
    facade.monitor_custom(
        alarm_friendly_name=name,
        human_readable_name=name,
        metric_groups=[
            mon.CustomMetricGroup(
                title=f"{name} errors",
                metrics=[
                    mon.CustomMetricWithAlarm(
                        alarm_friendly_name="errors",
                        metric=errors,
                        add_alarm={
                            "Critical": mon.CustomThreshold(
                                threshold=ref.ERROR_THRESHOLD,
                                comparison_operator=(
                                    cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
                                ),
                                evaluation_periods=ref.EVALUATION_PERIODS,
                                custom_tags=[name],
                            )
                        },
                    )
                ],
            ),
            mon.CustomMetricGroup(
                title=f"{name} latency p99",
                metrics=[
                    mon.CustomMetricWithAnomalyDetection(
                        alarm_friendly_name="latency",
                        metric=latency,
                        anomaly_detection_standard_deviation_to_render=ref.LATENCY_BAND,
                        add_alarm_on_anomaly={
                            "Warning": mon.AnomalyDetectionThreshold(
                                standard_deviation_for_alarm=ref.LATENCY_BAND,
                                alarm_when_above_the_band=True,
                                alarm_when_below_the_band=False,
                                evaluation_periods=ref.EVALUATION_PERIODS,
                                custom_tags=[name],
                            )
                        },
                    )
                ],
            ),
        ],
    )
    facade.monitor_log(
        log_group_name=group.log_group_name,
        alarm_friendly_name=f"{name}-logs",
        human_readable_name=f"{name} latest errors",
        pattern="ERROR",
    )
    facade.create_composite_alarm_using_tag(
        name, disambiguator="Critical", alarm_name_override=f"{name}-unhealthy"
    )


def main(argv: list[str]) -> int:
    """Synthesize variant (c) into OUTDIR."""
    return synth_by_hand(argv, build)


def build(app: App, services: int) -> None:
    """Add the stacks of ``services`` services to ``app``, one facade a stack."""
    for number, services_here in enumerate(ref.stack_slices(services)):
        stack = Stack(app, f"bench-cmc-{number}")
        facade = mon.MonitoringFacade(
            stack,
            "Monitoring",
            alarm_factory_defaults=mon.AlarmFactoryDefaults(
                alarm_name_prefix=f"bench-cmc-{number}", actions_enabled=True
            ),
            metric_factory_defaults=mon.MetricFactoryDefaults(
                period=Duration.seconds(ref.PERIOD_SECONDS)
            ),
            dashboard_factory=mon.DefaultDashboardFactory(
                stack, "Dashboards", dashboard_name_prefix=f"bench-cmc-{number}"
            ),
        )
        for index in services_here:
            add_service(stack, index, facade)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
