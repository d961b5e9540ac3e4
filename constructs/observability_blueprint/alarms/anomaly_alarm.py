"""An anomaly-detection alarm together with the model it reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from observability_blueprint.alarms._metrics import metric_facts
from observability_blueprint.alarms.alarm_actions import bind_actions
from observability_blueprint.alarms.alarm_options import AlarmOptions, check_options, own_alarm
from observability_blueprint.alarms.alarm_runbook import AlarmRunbook
from observability_blueprint.core import AlarmInterface, implements_by_delegation
from observability_blueprint.rules import alarm_settings as rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.time_zones import check_timezone

_DIRECTIONS = {
    "above": cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
    "below": cloudwatch.ComparisonOperator.LESS_THAN_LOWER_THRESHOLD,
    "both": cloudwatch.ComparisonOperator.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
}

DEFAULT_BAND = 2.0
"""Band width in standard deviations when none is given."""


@implements_by_delegation(cloudwatch.IAlarm, to="alarm")
class AnomalyAlarm(Construct, AlarmInterface):
    """An alarm on a metric leaving the band of its anomaly-detection model.

    aws-cdk-lib's ``AnomalyDetectionAlarm`` creates no
    ``AWS::CloudWatch::AnomalyDetector``; CloudWatch then trains a default model
    on first use, and excluded time ranges would configure a different model
    than the one the alarm reads. This construct creates the detector for
    exactly the alarm's namespace, metric, dimensions and statistic, with the
    excluded ranges and time zone, and makes the alarm depend on it.

    It is an ``IAlarm``: pass it wherever aws-cdk-lib takes one (alarm widgets,
    ``AlarmRule.from_alarm``, composite alarms); ``alarm`` is the L2 it wraps.

    Parameters
    ----------
    metric
        A single metric (not an expression); its period is the alarm's.
    band
        Band width in standard deviations. Default: 2.
    direction
        ``above``, ``below`` or ``both`` sides of the band alarm. Default: both.
    excluded_periods
        Up to 10 (start, end) pairs, ``yyyy-MM-ddTHH:mm:ss``, the model does not learn from.
    timezone
        IANA time zone of the metric's pattern (for daylight-saving shifts).
    options
        What static and anomaly alarms share: see :class:`AlarmOptions`; Auto
        Scaling actions are refused (CloudWatch does not take them here).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        metric: cloudwatch.IMetric,
        band: float = DEFAULT_BAND,
        direction: rules.AnomalyDirection = "both",
        excluded_periods: Sequence[tuple[str, str]] = (),
        timezone: str | None = None,
        **options: Unpack[AlarmOptions],
    ) -> None:
        super().__init__(scope, id)
        facts = metric_facts(metric)
        problems: list[Problem] = []
        if direction not in _DIRECTIONS:
            problems.append(
                Problem(
                    f"{self.node.path}.direction",
                    f"{direction!r} is not a direction; an anomaly alarm compares with its "
                    f"band: use one of {', '.join(_DIRECTIONS)}",
                )
            )
        if facts.metric_count != 1 or facts.namespace is None:
            problems.append(
                Problem(f"{self.node.path}.metric", "an anomaly alarm takes one metric")
            )
        if len(excluded_periods) > rules.EXCLUDED_RANGES_MAX:
            problems.append(
                Problem(
                    f"{self.node.path}.excluded_periods",
                    f"{len(excluded_periods)} excluded periods; an anomaly detector takes at "
                    f"most {rules.EXCLUDED_RANGES_MAX}",
                )
            )
        if band <= 0:
            problems.append(Problem(f"{self.node.path}.band", f"{band} must be above 0"))
        for index, (start, end) in enumerate(excluded_periods):
            if message := rules.time_range_problem(start, end):
                problems.append(Problem(f"{self.node.path}.excluded_periods[{index}]", message))
        if timezone is not None and (message := check_timezone(timezone)):
            problems.append(Problem(f"{self.node.path}.timezone", message))
        checked = check_options(
            self.node.path, facts, options, kind="anomaly", problems=problems, scope=self
        )
        if problems:
            raise BlueprintError(problems)
        configuration = None
        if excluded_periods or timezone:
            configuration = cloudwatch.CfnAnomalyDetector.ConfigurationProperty(
                excluded_time_ranges=[
                    cloudwatch.CfnAnomalyDetector.RangeProperty(start_time=s, end_time=e)
                    for s, e in excluded_periods
                ]
                or None,
                metric_time_zone=timezone,
            )
        self.detector = cloudwatch.CfnAnomalyDetector(
            self,
            "Detector",
            single_metric_anomaly_detector=cloudwatch.CfnAnomalyDetector.SingleMetricAnomalyDetectorProperty(
                namespace=facts.namespace,
                metric_name=facts.metric_name,
                stat=facts.statistic,
                dimensions=[
                    cloudwatch.CfnAnomalyDetector.DimensionProperty(name=k, value=v)
                    for k, v in facts.dimensions
                ]
                or None,
            ),
            configuration=configuration,
        )
        """The anomaly-detection model the alarm reads."""
        self.alarm = own_alarm(
            cloudwatch.AnomalyDetectionAlarm(
                self,
                "Resource",
                metric=metric,
                std_devs=band,
                comparison_operator=_DIRECTIONS[direction],
                **checked.alarm_props(),
            )
        )
        """The underlying aws-cdk-lib alarm."""
        self.alarm.node.add_dependency(self.detector)
        self.runbooks: list[AlarmRunbook] = bind_actions(
            self.alarm,
            checked.actions,
            scope=self,
            named_topics=checked.named_topics,
            kind="anomaly",
        )
        """EventBridge rules that start runbooks on state changes."""
