"""What a synthesized template costs a month before any log is written.

Pure module: no aws_cdk import. Prices are us-east-1 list prices from
``shared/reference/aws-facts.md`` (check them against the AWS price list before
quoting; other Regions differ). Usage-driven costs (log ingestion and storage,
Logs Insights scans, vended flow logs) depend on volume and are not counted;
the report says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

STANDARD_ALARM_METRIC: Final = 0.10
HIGH_RESOLUTION_ALARM_METRIC: Final = 0.30
ANOMALY_METRICS_PER_ALARM: Final = 3
COMPOSITE_ALARM: Final = 0.50
DASHBOARD: Final = 3.00
FREE_DASHBOARDS: Final = 3
CUSTOM_METRIC: Final = 0.30
FREE_ALARM_METRICS: Final = 10
FREE_CUSTOM_METRICS: Final = 10
INSIGHT_RULE: Final = 0.50
"""A Contributor Insights rule a month (matched events, $0.02 a million, are usage)."""
FREE_INSIGHT_RULES: Final = 1
"""Contributor Insights rules the free tier covers (https://aws.amazon.com/cloudwatch/pricing/)."""


# Amazon Managed Service for Prometheus and Amazon Managed Grafana. The figures come
# from copies of https://aws.amazon.com/prometheus/pricing/ and
# https://aws.amazon.com/grafana/pricing/ (us-east-1); check them against the price list.
PROMETHEUS_INGESTION_TIERS: Final = ((2_000_000_000, 0.90), (250_000_000_000, 0.35), (None, 0.16))
"""Dollars per 10 million samples ingested: the first 2 billion, the next 250 billion, above."""
PROMETHEUS_FREE_SAMPLES: Final = 40_000_000
"""Samples ingested free each month (the free tier)."""
PROMETHEUS_STORAGE_GB_MONTH: Final = 0.03
PROMETHEUS_FREE_STORAGE_GB: Final = 10
"""Gigabytes stored free each month (the free tier)."""
PROMETHEUS_BYTES_PER_SAMPLE: Final = 2
"""Stored bytes per sample, at most ("1 to 2 bytes per sample" plus metadata): an upper bound."""
PROMETHEUS_SCRAPER_HOUR: Final = 0.04
"""The managed collector's hourly fee (its samples are billed as ingestion)."""
HOURS_PER_MONTH: Final = 730
SECONDS_PER_MONTH: Final = 30 * 24 * 3600
GRAFANA_EDITOR: Final = 9.00
"""An active editor or admin of a Grafana workspace a month (every workspace pays one)."""
GRAFANA_VIEWER: Final = 5.00
COST_METADATA: Final = "ObservabilityBlueprintCost"
"""The resource metadata key holding the file's usage assumptions (the report reads it)."""


@dataclass(frozen=True)
class CostLine:
    """One line of the estimate: what, how many, and dollars a month."""

    item: str
    count: int
    monthly: float


def _alarm_lines(props: Mapping[str, Any]) -> tuple[str, int, float]:
    metrics = props.get("Metrics")
    if metrics is None:
        high = int(props.get("Period", 60)) < 60
        price = HIGH_RESOLUTION_ALARM_METRIC if high else STANDARD_ALARM_METRIC
        return ("high-resolution alarm metrics" if high else "alarm metrics", 1, price)
    if "ThresholdMetricId" in props:
        return ("alarm metrics", ANOMALY_METRICS_PER_ALARM, STANDARD_ALARM_METRIC)
    stats = [m for m in metrics if "MetricStat" in m]
    high = any(int(m["MetricStat"].get("Period", 60)) < 60 for m in stats)
    price = HIGH_RESOLUTION_ALARM_METRIC if high else STANDARD_ALARM_METRIC
    return ("high-resolution alarm metrics" if high else "alarm metrics", len(stats), price)


def estimate(resources: Mapping[str, Mapping[str, Any]]) -> list[CostLine]:
    """Return the monthly fixed cost lines of a template's resources.

    Metric filters count one custom metric each; one with dimensions publishes a
    metric per distinct value, so that line is a lower bound. Free-tier
    allowances are subtracted once, as for a single account.
    """
    counts: dict[str, list[float]] = {}

    def add(item: str, count: int, price: float) -> None:
        entry = counts.setdefault(item, [0, price])
        entry[0] += count

    extra: list[CostLine] = []
    for resource in resources.values():
        kind = resource.get("Type")
        props = resource.get("Properties", {})
        usage = resource.get("Metadata", {}).get(COST_METADATA, {})
        if kind == "AWS::APS::Workspace":
            extra += prometheus_lines(
                int(usage.get("active_series", 0)), int(usage.get("scrape_interval_seconds", 30))
            )
        elif kind == "AWS::APS::Scraper":
            add("Prometheus managed scrapers", 1, PROMETHEUS_SCRAPER_HOUR * HOURS_PER_MONTH)
        elif kind == "AWS::Grafana::Workspace":
            editors = max(1, int(usage.get("editors", 1)))
            add("Grafana editors and admins", editors, GRAFANA_EDITOR)
            if viewers := int(usage.get("viewers", 0)):
                add("Grafana viewers", viewers, GRAFANA_VIEWER)
        if kind == "AWS::CloudWatch::Alarm":
            add(*_alarm_lines(props))
        elif kind == "AWS::CloudWatch::CompositeAlarm":
            add("composite alarms", 1, COMPOSITE_ALARM)
        elif kind == "AWS::CloudWatch::Dashboard":
            add("dashboards", 1, DASHBOARD)
        elif kind == "AWS::Logs::MetricFilter":
            add("custom metrics (at least)", 1, CUSTOM_METRIC)
        elif kind == "AWS::CloudWatch::InsightRule":
            add("Contributor Insights rules", 1, INSIGHT_RULE)
    free = {
        "alarm metrics": FREE_ALARM_METRICS,
        "dashboards": FREE_DASHBOARDS,
        "custom metrics (at least)": FREE_CUSTOM_METRICS,
        "Contributor Insights rules": FREE_INSIGHT_RULES,
    }
    lines = []
    for item, (count, price) in sorted(counts.items()):
        billable = max(0, int(count) - free.get(item, 0))
        lines.append(CostLine(item, int(count), round(billable * price, 2)))
    return lines + extra


def prometheus_lines(active_series: int, interval_seconds: int) -> list[CostLine]:
    """Ingestion and storage of ``active_series`` sampled every ``interval_seconds`` for a
    month, after the free samples and storage; nothing when no series are assumed."""
    if active_series <= 0 or interval_seconds <= 0:
        return []
    samples = active_series * SECONDS_PER_MONTH // interval_seconds
    billable = max(0, samples - PROMETHEUS_FREE_SAMPLES)
    ingestion = 0.0
    for size, price in PROMETHEUS_INGESTION_TIERS:
        part = billable if size is None else min(billable, size)
        ingestion += part / 10_000_000 * price
        billable -= part
        if billable <= 0:
            break
    stored_gb = samples * PROMETHEUS_BYTES_PER_SAMPLE / 1024**3
    return [
        CostLine("Prometheus samples (millions)", samples // 1_000_000, round(ingestion, 2)),
        CostLine(
            "Prometheus storage, a month (GB)",
            round(stored_gb),
            round(
                max(0.0, stored_gb - PROMETHEUS_FREE_STORAGE_GB) * PROMETHEUS_STORAGE_GB_MONTH, 2
            ),
        ),
    ]


def render(lines: list[CostLine]) -> list[str]:
    """Return the estimate as report lines."""
    if not lines:
        return ["  monthly cost: nothing fixed (usage only)"]
    total = sum(line.monthly for line in lines)
    out = [f"  monthly cost (us-east-1 list prices, after the free tier): ${total:,.2f}"]
    out += [f"    {line.count:>4} {line.item:<32} ${line.monthly:>8,.2f}" for line in lines]
    out.append("    plus usage: log ingestion $0.50/GB, storage $0.03/GB-month, Insights $0.005/GB")
    return out
