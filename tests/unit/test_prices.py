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


def test_prometheus_ingestion_is_tiered_after_the_free_samples() -> None:
    # 50,000 series every 30 s: 4.32 billion samples a month, 40 million free; the
    # first 2 billion at $0.90 per 10 million ($180), the other 2.28 billion at $0.35
    # ($79.80). Stored at 2 bytes a sample: 8.64e9 bytes, 8.05 GiB, within the 10 GB free.
    workspace = {
        "Type": "AWS::APS::Workspace",
        "Metadata": {
            "ObservabilityBlueprintCost": {"active_series": 50_000, "scrape_interval_seconds": 30}
        },
    }
    assert estimate(of(workspace)) == [
        CostLine("Prometheus samples (millions)", 4320, 259.80),
        CostLine("Prometheus storage, a month (GB)", 8, 0.00),
    ]


def test_prometheus_storage_above_the_free_ten_gigabytes() -> None:
    # 200,000 series every 15 s: 34.56 billion samples, 69.12e9 bytes = 64.37 GiB;
    # 54.37 GiB billed at $0.03 = $1.63.
    usage = {"active_series": 200_000, "scrape_interval_seconds": 15}
    workspace = {"Type": "AWS::APS::Workspace", "Metadata": {"ObservabilityBlueprintCost": usage}}
    assert estimate(of(workspace))[1] == CostLine("Prometheus storage, a month (GB)", 64, 1.63)


def test_a_few_series_cost_cents_and_none_cost_nothing() -> None:
    # 1,000 series a minute: 43.2 million samples, 3.2 million of them billed ($0.29).
    small = {"active_series": 1_000, "scrape_interval_seconds": 60}
    lines = estimate(
        of({"Type": "AWS::APS::Workspace", "Metadata": {"ObservabilityBlueprintCost": small}})
    )
    assert lines[0] == CostLine("Prometheus samples (millions)", 43, 0.29)
    assert estimate(of({"Type": "AWS::APS::Workspace"})) == []


def test_grafana_bills_active_users_and_at_least_one_editor() -> None:
    users = {"ObservabilityBlueprintCost": {"editors": 2, "viewers": 10}}
    assert estimate(of({"Type": "AWS::Grafana::Workspace", "Metadata": users})) == [
        CostLine("Grafana editors and admins", 2, 18.00),
        CostLine("Grafana viewers", 10, 50.00),
    ]
    # No users assumed: the workspace still pays for one editor.
    assert estimate(of({"Type": "AWS::Grafana::Workspace"})) == [
        CostLine("Grafana editors and admins", 1, 9.00)
    ]


def test_a_managed_scraper_costs_its_hours() -> None:
    # $0.04 an hour, 730 hours a month.
    assert estimate(of({"Type": "AWS::APS::Scraper"})) == [
        CostLine("Prometheus managed scrapers", 1, 29.20)
    ]
