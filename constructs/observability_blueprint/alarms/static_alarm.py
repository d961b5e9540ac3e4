"""A threshold alarm on a metric or metric-math expression, with checked settings."""

from __future__ import annotations

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

_COMPARISON = {
    ">": cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    ">=": cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    "<": cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    "<=": cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
}


@implements_by_delegation(cloudwatch.IAlarm, to="alarm")
class StaticAlarm(Construct, AlarmInterface):
    """A CloudWatch alarm comparing a metric with a fixed threshold.

    Checks what CloudWatch would refuse or silently mishandle: the period
    (10, 20, 30 or a multiple of 60 s; at least 60 on metric-filter metrics,
    which publish one-minute data), the evaluation window (one day for periods
    under an hour, seven days otherwise), datapoints to alarm, at most 10
    metrics in an expression, and the actions this kind of alarm accepts in
    each state (EC2 actions only on one instance's metric).

    It is an ``IAlarm``: pass it wherever aws-cdk-lib takes one (alarm widgets,
    ``AlarmRule.from_alarm``, composite alarms); ``alarm`` is the L2 it wraps.

    Parameters
    ----------
    metric
        A metric or metric-math expression; its period is the alarm's.
    threshold, comparison
        ``comparison`` is ``>``, ``>=``, ``<`` or ``<=``.
    options
        What static and anomaly alarms share: see :class:`AlarmOptions`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        metric: cloudwatch.IMetric,
        threshold: float,
        comparison: rules.Comparison,
        **options: Unpack[AlarmOptions],
    ) -> None:
        super().__init__(scope, id)
        self.facts = metric_facts(metric)
        """Period, shape and identity of the watched metric."""
        problems: list[Problem] = []
        if comparison not in _COMPARISON:
            problems.append(
                Problem(
                    f"{self.node.path}.comparison",
                    f"{comparison!r} is not a comparison; use one of {', '.join(_COMPARISON)}",
                )
            )
        checked = check_options(
            self.node.path, self.facts, options, kind="static", problems=problems, scope=self
        )
        if problems:
            raise BlueprintError(problems)
        self.comparison = comparison
        self.threshold = threshold
        self.alarm = own_alarm(
            cloudwatch.Alarm(
                self,
                "Resource",
                metric=metric,
                threshold=threshold,
                comparison_operator=_COMPARISON[comparison],
                **checked.alarm_props(),
            )
        )
        """The underlying aws-cdk-lib alarm."""
        self.runbooks: list[AlarmRunbook] = bind_actions(
            self.alarm,
            checked.actions,
            scope=self,
            named_topics=checked.named_topics,
            kind="static",
        )
        """EventBridge rules that start runbooks on state changes."""
