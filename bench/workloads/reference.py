"""The reference workload of issue 16, shared by the three app scripts.

Per service: a log group kept 30 days, a metric filter counting ``ERROR``, a
static alarm on that count, an anomaly alarm on the service's p99 latency (a
metric the service publishes itself), and a composite alarm of the two; for the
whole workload the default dashboards (a section per service, an alarm overview).

No aws_cdk import here: ``bench/run.py`` writes the blueprint file from this
module before the timed runs start.
"""

from __future__ import annotations

from typing import Any

SERVICES_PER_STACK = 80
"""Services per hand-split stack for (b) and (c): five resources each, 400 a stack."""

RETENTION_DAYS = 30
ERROR_PATTERN = '"ERROR"'
ERROR_THRESHOLD = 1
LATENCY_BAND = 2
EVALUATION_PERIODS = 3
PERIOD_SECONDS = 300


def service_name(index: int) -> str:
    """Return the name of service ``index``: ``svc0000``..."""
    return f"svc{index:04}"


def namespace(index: int) -> str:
    """Return the CloudWatch namespace that service ``index`` publishes to."""
    return f"Bench/Svc{index:04}"


def blueprint_config(services: int) -> dict[str, Any]:
    """Return variant (a), the blueprint file of ``services`` services, as a dictionary."""
    log_groups: list[dict[str, Any]] = []
    alarms: list[dict[str, Any]] = []
    for i in range(services):
        name = service_name(i)
        log_groups.append(
            {
                "name": name,
                "retention_days": RETENTION_DAYS,
                # The workload's resources only: the blueprint's default saved
                # queries (6) and log anomaly detector (+ alarm) would make 13
                # resources a service, over 500 in one stack at N = 80.
                "queries": {"defaults": False},
                "anomaly_detection": {"enabled": False},
                "metric_filters": [
                    {
                        "name": f"{name}-errors",
                        "pattern": ERROR_PATTERN,
                        "namespace": namespace(i),
                        "metric": "Errors",
                        "unit": "Count",
                        "default_value": 0,
                    }
                ],
            }
        )
        alarms += [
            {
                "name": f"{name}-errors",
                "metric": {"filter": f"{name}-errors"},
                "threshold": ERROR_THRESHOLD,
                "comparison": ">=",
                "evaluation_periods": EVALUATION_PERIODS,
            },
            {
                "name": f"{name}-latency",
                "type": "anomaly",
                "metric": {"namespace": namespace(i), "name": "Latency", "statistic": "p99"},
                "band": LATENCY_BAND,
                "direction": "above",
                "evaluation_periods": EVALUATION_PERIODS,
            },
            {
                "name": f"{name}-unhealthy",
                "type": "composite",
                "rule": f"ALARM({name}-errors) OR ALARM({name}-latency)",
            },
        ]
    return {"name": "bench", "stage": "test", "log_groups": log_groups, "alarms": alarms}


def stack_slices(services: int, per_stack: int = SERVICES_PER_STACK) -> list[range]:
    """Split ``range(services)`` into consecutive stacks of at most ``per_stack`` services."""
    return [range(s, min(s + per_stack, services)) for s in range(0, services, per_stack)]
