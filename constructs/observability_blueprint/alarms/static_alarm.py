"""A threshold alarm on a metric or metric-math expression, with checked settings."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.alarms._metrics import MetricFacts, metric_facts
from observability_blueprint.alarms.alarm_actions import bind_actions
from observability_blueprint.alarms.alarm_runbook import AlarmRunbook
from observability_blueprint.rules import alarm_settings as rules
from observability_blueprint.rules.errors import BlueprintError, Problem

_COMPARISON = {
    ">": cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    ">=": cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    "<": cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    "<=": cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
}
_TREAT_MISSING = {
    "breaching": cloudwatch.TreatMissingData.BREACHING,
    "notBreaching": cloudwatch.TreatMissingData.NOT_BREACHING,
    "ignore": cloudwatch.TreatMissingData.IGNORE,
    "missing": cloudwatch.TreatMissingData.MISSING,
}


def treat_missing(value: str | None) -> cloudwatch.TreatMissingData | None:
    """Map ``notBreaching`` and friends to aws-cdk-lib's enum."""
    return None if value is None else _TREAT_MISSING[value]


def described(path: str, description: str | None, runbook_url: str | None) -> str | None:
    """Return the description with its runbook link; BlueprintError when it is too long."""
    try:
        return rules.describe(description, runbook_url=runbook_url)
    except ValueError as error:
        raise BlueprintError.at(f"{path}.description", str(error)) from None


def check_common(
    path: str,
    facts: MetricFacts,
    *,
    kind: rules.AlarmKind,
    evaluation_periods: int,
    datapoints_to_alarm: int | None,
    alarm_name: str | None,
    actions: rules.ActionSet,
    topics: Mapping[str, sns.ITopic],
    from_metric_filter: bool,
) -> None:
    """Raise BlueprintError (located under ``path``) for bad metric-alarm settings."""
    problems: list[Problem] = []
    message = rules.check_period(facts.period, from_metric_filter=from_metric_filter)
    if message:
        problems.append(Problem(f"{path}.period", message))
    problems += [
        Problem(f"{path}.{p.location}", p.message)
        for p in rules.evaluation_problems(
            period=facts.period,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
        )
    ]
    if facts.metric_count > rules.METRICS_PER_MATH_ALARM_MAX:
        problems.append(
            Problem(
                f"{path}.metric",
                f"the expression uses {facts.metric_count} metrics; a metric-math alarm takes "
                f"at most {rules.METRICS_PER_MATH_ALARM_MAX}",
            )
        )
    if len(facts.dimensions) > rules.DIMENSIONS_PER_METRIC_MAX:
        problems.append(
            Problem(f"{path}.metric", rules.check_dimensions(dict(facts.dimensions)) or "")
        )
    if alarm_name is not None and (message := rules.check_alarm_name(alarm_name)):
        problems.append(Problem(f"{path}.alarm_name", message))
    problems += [
        Problem(f"{path}.{p.location}", p.message)
        for p in rules.action_problems(
            actions, kind=kind, topics=list(topics), single_instance=facts.single_instance
        )
    ]
    if problems:
        raise BlueprintError(problems)


class StaticAlarm(Construct):
    """A CloudWatch alarm comparing a metric with a fixed threshold.

    Checks what CloudWatch would refuse or silently mishandle: the period
    (10, 20, 30 or a multiple of 60 s; at least 60 on metric-filter metrics,
    which publish one-minute data), the evaluation window (one day for periods
    under an hour, seven days otherwise), datapoints to alarm, at most 10
    metrics in an expression, and the actions this kind of alarm accepts in
    each state (EC2 actions only on one instance's metric).

    Parameters
    ----------
    metric
        A metric or metric-math expression; its period is the alarm's.
    threshold, comparison
        ``comparison`` is ``>``, ``>=``, ``<`` or ``<=``.
    evaluation_periods
        Periods evaluated. Default: 1.
    datapoints_to_alarm
        Breaching periods among them that set ALARM. Default: all.
    treat_missing_data
        ``breaching``, ``notBreaching``, ``ignore`` or ``missing``. Default: missing.
    alarm_name
        Physical name. Default: generated.
    description, runbook_url
        The description; the runbook link is appended.
    actions
        Actions per state. Default: none.
    topics
        Topics that actions name, by name.
    from_metric_filter
        The metric comes from a metric filter (one-minute data).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        metric: cloudwatch.IMetric,
        threshold: float,
        comparison: str,
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
        self.facts = metric_facts(metric)
        """Period, shape and identity of the watched metric."""
        problems = []
        if comparison not in _COMPARISON:
            problems.append(
                Problem(
                    f"{self.node.path}.comparison",
                    f"{comparison!r} is not a comparison; use one of {', '.join(_COMPARISON)}",
                )
            )
        if treat_missing_data is not None and treat_missing_data not in _TREAT_MISSING:
            problems.append(
                Problem(
                    f"{self.node.path}.treat_missing_data",
                    f"{treat_missing_data!r} is not a missing-data policy; use one of "
                    + ", ".join(_TREAT_MISSING),
                )
            )
        if problems:
            raise BlueprintError(problems)
        check_common(
            self.node.path,
            self.facts,
            kind="static",
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
            alarm_name=alarm_name,
            actions=actions,
            topics=topics,
            from_metric_filter=from_metric_filter,
        )
        self.comparison = comparison
        self.threshold = threshold
        self.alarm = cloudwatch.Alarm(
            self,
            "Resource",
            metric=metric,
            threshold=threshold,
            comparison_operator=_COMPARISON[comparison],
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
            treat_missing_data=treat_missing(treat_missing_data),
            alarm_name=alarm_name,
            alarm_description=described(self.node.path, description, runbook_url),
        )
        """The underlying aws-cdk-lib alarm."""
        self.runbooks: list[AlarmRunbook] = bind_actions(
            self.alarm, actions, scope=self, topics=topics
        )
        """EventBridge rules that start runbooks on state changes."""
