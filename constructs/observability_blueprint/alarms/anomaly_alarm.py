"""An anomaly-detection alarm together with the model it reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.alarms._metrics import metric_facts
from observability_blueprint.alarms.alarm_actions import bind_actions
from observability_blueprint.alarms.alarm_runbook import AlarmRunbook
from observability_blueprint.alarms.static_alarm import check_common, described, treat_missing
from observability_blueprint.rules import alarm_settings as rules
from observability_blueprint.rules.errors import BlueprintError, Problem

_DIRECTIONS = {
    "above": cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
    "below": cloudwatch.ComparisonOperator.LESS_THAN_LOWER_THRESHOLD,
    "both": cloudwatch.ComparisonOperator.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
}

DEFAULT_BAND = 2.0
"""Band width in standard deviations when none is given."""


class AnomalyAlarm(Construct):
    """An alarm on a metric leaving the band of its anomaly-detection model.

    aws-cdk-lib's ``AnomalyDetectionAlarm`` creates no
    ``AWS::CloudWatch::AnomalyDetector``; CloudWatch then trains a default model
    on first use, and excluded time ranges would configure a different model
    than the one the alarm reads. This construct creates the detector for
    exactly the alarm's namespace, metric, dimensions and statistic, with the
    excluded ranges and time zone, and makes the alarm depend on it.

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
    evaluation_periods, datapoints_to_alarm, treat_missing_data, alarm_name,
    description, runbook_url, actions, topics, from_metric_filter
        As for :class:`~observability_blueprint.alarms.static_alarm.StaticAlarm`; Auto
        Scaling actions are refused (CloudWatch does not take them here).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        metric: cloudwatch.Metric,
        band: float = DEFAULT_BAND,
        direction: str = "both",
        excluded_periods: Sequence[tuple[str, str]] = (),
        timezone: str | None = None,
        evaluation_periods: int = 1,
        datapoints_to_alarm: int | None = None,
        treat_missing_data: str | None = None,
        alarm_name: str | None = None,
        description: str | None = None,
        runbook_url: str | None = None,
        actions: rules.ActionSet | None = None,
        topics: Mapping[str, sns.ITopic] | None = None,
        from_metric_filter: bool = False,
    ) -> None:
        super().__init__(scope, id)
        actions = actions or rules.ActionSet()
        topics = topics or {}
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
        if problems:
            raise BlueprintError(problems)
        check_common(
            self.node.path,
            facts,
            kind="anomaly",
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
            alarm_name=alarm_name,
            actions=actions,
            topics=topics,
            from_metric_filter=from_metric_filter,
        )
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
        self.alarm = cloudwatch.AnomalyDetectionAlarm(
            self,
            "Resource",
            metric=metric,
            std_devs=band,
            comparison_operator=_DIRECTIONS[direction],
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
            treat_missing_data=treat_missing(treat_missing_data),
            alarm_name=alarm_name,
            alarm_description=described(self.node.path, description, runbook_url),
        )
        """The underlying aws-cdk-lib alarm."""
        self.alarm.node.add_dependency(self.detector)
        self.runbooks: list[AlarmRunbook] = bind_actions(
            self.alarm, actions, scope=self, topics=topics
        )
        """EventBridge rules that start runbooks on state changes."""
