"""What an alarm needs to know about an aws-cdk-lib metric, read once."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_cloudwatch as cloudwatch


@dataclass(frozen=True)
class MetricFacts:
    """Period, shape and identity of a metric or metric-math expression."""

    period: int
    metric_count: int
    dimensions: tuple[tuple[str, str], ...]
    identity: tuple[object, ...]
    namespace: str | None = None
    metric_name: str | None = None
    statistic: str | None = None

    @property
    def single_instance(self) -> bool:
        """True when the metric is one EC2 instance's (EC2 actions need that)."""
        return self.metric_count == 1 and any(k == "InstanceId" for k, _ in self.dimensions)


def metric_facts(metric: cloudwatch.IMetric) -> MetricFacts:
    """Read a metric's configuration (one jsii call) into plain values."""
    config = metric.to_metric_config()
    stat = config.metric_stat
    if stat is not None:
        dims = tuple(sorted((d.name, str(d.value)) for d in stat.dimensions or []))
        return MetricFacts(
            period=int(stat.period.to_seconds()),
            metric_count=1,
            dimensions=dims,
            identity=(
                stat.namespace,
                stat.metric_name,
                dims,
                stat.statistic,
                stat.period.to_seconds(),
            ),
            namespace=stat.namespace,
            metric_name=stat.metric_name,
            statistic=stat.statistic,
        )
    math = config.math_expression
    assert math is not None, "a metric is either a stat or an expression"
    used = dict(math.using_metrics or {})
    return MetricFacts(
        period=int(math.period),
        metric_count=len(used),
        dimensions=(),
        identity=(math.expression, tuple(sorted(used)), math.period),
    )
