"""The monthly cost estimate of the synth report (pure)."""

from __future__ import annotations

from typing import Any

from observability_blueprint.rules.prices import CostLine, estimate, render


def alarm(**props: Any) -> dict[str, Any]:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": props}


def of(*resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"R{i}": r for i, r in enumerate(resources)}


def test_alarm_kinds_are_priced_by_metric() -> None:
    stat = {"MetricStat": {"Period": 60}}
    lines = estimate(
        of(
            *[alarm(Period=300) for _ in range(12)],
            alarm(Period=10),
            alarm(
                Metrics=[stat, {"Expression": "ANOMALY_DETECTION_BAND(m1, 2)"}],
                ThresholdMetricId="e",
            ),
            alarm(Metrics=[stat, stat, {"Expression": "a/b"}]),
        )
    )
    assert lines == [
        # 12 static + 3 for the anomaly alarm + 2 for the math alarm, 10 of them free.
        CostLine("alarm metrics", 17, 0.70),
        CostLine("high-resolution alarm metrics", 1, 0.30),
    ]


def test_composites_dashboards_and_filters() -> None:
    lines = estimate(
        of(
            {"Type": "AWS::CloudWatch::CompositeAlarm"},
            *[{"Type": "AWS::CloudWatch::Dashboard"} for _ in range(5)],
            *[{"Type": "AWS::Logs::MetricFilter"} for _ in range(12)],
            {"Type": "AWS::Logs::LogGroup"},
        )
    )
    assert lines == [
        CostLine("composite alarms", 1, 0.50),
        CostLine("custom metrics (at least)", 12, 0.60),
        CostLine("dashboards", 5, 6.00),
    ]


def test_contributor_insights_rules_after_the_free_one() -> None:
    lines = estimate(of(*[{"Type": "AWS::CloudWatch::InsightRule"} for _ in range(4)]))

    # $0.50 a rule a month; the free tier covers one.
    assert lines == [CostLine("Contributor Insights rules", 4, 1.50)]


def test_render_totals_and_names_usage_costs() -> None:
    text = render([CostLine("dashboards", 5, 6.0), CostLine("composite alarms", 1, 0.5)])
    assert text[0] == "  monthly cost (us-east-1 list prices, after the free tier): $6.50"
    assert "log ingestion $0.50/GB" in text[-1]
    assert render([]) == ["  monthly cost: nothing fixed (usage only)"]
