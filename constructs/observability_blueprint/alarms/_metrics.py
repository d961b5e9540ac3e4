"""What an alarm needs to know about an aws-cdk-lib metric, read once.

Metrics the package builds itself go through :func:`known_metric`, which keeps
their facts on the Python side: an alarm on such a metric reads nothing back
from Node (reading them costs about 17 jsii round trips an alarm). Any other
metric (a user's, ``Metric.with_()``, a math expression) is read through
``to_metric_config()`` as before.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import Duration
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


def _stat_facts(
    *,
    namespace: str,
    metric_name: str,
    dimensions: tuple[tuple[str, str], ...],
    statistic: str,
    period: int,
) -> MetricFacts:
    return MetricFacts(
        period=period,
        metric_count=1,
        dimensions=dimensions,
        identity=(namespace, metric_name, dimensions, statistic, period),
        namespace=namespace,
        metric_name=metric_name,
        statistic=statistic,
    )


_KNOWN: weakref.WeakKeyDictionary[cloudwatch.IMetric, MetricFacts] = weakref.WeakKeyDictionary()
"""Facts of the metrics :func:`known_metric` built, by metric object."""

_AS_WRITTEN = re.compile(r"SampleCount|Average|Sum|Minimum|Maximum|[a-z]{1,2}\d+(\.\d+)?")
"""Statistics aws-cdk-lib's ``Metric`` keeps exactly as given (its ``normalizeStatistic``
rewrites ``avg``, ``P99``, ``tc(10:20)``...: those are read back instead)."""


def known_metric(
    *,
    namespace: str,
    metric_name: str,
    period: int,
    statistic: str | None = None,
    dimensions: Mapping[str, str] | None = None,
) -> cloudwatch.Metric:
    """Return ``cloudwatch.Metric(...)`` of these values, its facts kept in Python.

    The metric is the one ``cloudwatch.Metric`` builds from the same arguments
    (``period`` in seconds, ``statistic`` default ``Average``); alarms given it
    take its facts from here instead of from Node.
    """
    metric = cloudwatch.Metric(
        namespace=namespace,
        metric_name=metric_name,
        dimensions_map=dict(dimensions) if dimensions else None,
        statistic=statistic,
        period=Duration.seconds(period),
    )
    stat = statistic or "Average"
    if not _AS_WRITTEN.fullmatch(stat):
        stat = metric.statistic  # as aws-cdk-lib normalized it
    _KNOWN[metric] = _stat_facts(
        namespace=namespace,
        metric_name=metric_name,
        dimensions=tuple(sorted((k, str(v)) for k, v in (dimensions or {}).items())),
        statistic=stat,
        period=period,
    )
    return metric


def metric_facts(metric: cloudwatch.IMetric) -> MetricFacts:
    """The facts of a metric built by :func:`known_metric`, else read from its configuration."""
    try:
        known = _KNOWN.get(metric)
    except TypeError:  # not hashable or not weakly referable: a foreign metric
        known = None
    if known is not None:
        return known
    return read_metric_facts(metric)


def read_metric_facts(metric: cloudwatch.IMetric) -> MetricFacts:
    """Read a metric's configuration (``to_metric_config()`` and its fields) into plain values."""
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
