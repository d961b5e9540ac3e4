"""What static and anomaly alarms share: their options, checked in one pass."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, TypeVar

from aws_cdk import Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.alarms._metrics import MetricFacts
from observability_blueprint.alarms.alarm_actions import alarm_action_kind, stack_place
from observability_blueprint.rules import alarm_settings as rules
from observability_blueprint.rules.errors import Problem

TreatMissingData = Literal["breaching", "notBreaching", "ignore", "missing"]
"""How an alarm treats a period without data (CloudWatch's own words)."""

_TREAT_MISSING: dict[str, cloudwatch.TreatMissingData] = {
    "breaching": cloudwatch.TreatMissingData.BREACHING,
    "notBreaching": cloudwatch.TreatMissingData.NOT_BREACHING,
    "ignore": cloudwatch.TreatMissingData.IGNORE,
    "missing": cloudwatch.TreatMissingData.MISSING,
}


class AlarmOptions(TypedDict, total=False):
    """Keyword arguments static and anomaly alarms share.

    Attributes
    ----------
    evaluation_periods
        Periods evaluated. Default: 1.
    datapoints_to_alarm
        Breaching periods among them that set ALARM. Default: all.
    treat_missing_data
        ``breaching``, ``notBreaching``, ``ignore`` or ``missing``. Default: missing.
    alarm_name
        Physical name. Default: generated.
    description, runbook_url
        The description; the runbook link is appended (1,024 characters in all).
    actions
        Actions per state: the blueprint's ``ActionSpec``, topics, or aws-cdk-lib's
        own ``IAlarmAction`` (``SnsAction``, ``Ec2Action``...). Default: none.
    named_topics
        Topics that actions name (``ActionSpec(topic="pager")``), by name. Topic
        objects can go in the actions directly instead.
    from_metric_filter
        The metric comes from a metric filter (one-minute data: periods of 60 s or more).
    """

    evaluation_periods: int
    datapoints_to_alarm: int | None
    treat_missing_data: TreatMissingData | None
    alarm_name: str | None
    description: str | None
    runbook_url: str | None
    actions: rules.ActionSet | None
    named_topics: Mapping[str, sns.ITopic] | None
    from_metric_filter: bool


@dataclass(frozen=True)
class CheckedOptions:
    """:class:`AlarmOptions` with their defaults, checked, as aws-cdk-lib takes them."""

    evaluation_periods: int
    datapoints_to_alarm: int | None
    treat_missing_data: cloudwatch.TreatMissingData | None
    alarm_name: str | None
    alarm_description: str | None
    actions: rules.ActionSet
    named_topics: Mapping[str, sns.ITopic]

    def alarm_props(self) -> dict[str, Any]:
        """The keyword arguments aws-cdk-lib's alarm classes take from these options."""
        return {
            "evaluation_periods": self.evaluation_periods,
            "datapoints_to_alarm": self.datapoints_to_alarm,
            "treat_missing_data": self.treat_missing_data,
            "alarm_name": self.alarm_name,
            "alarm_description": self.alarm_description,
        }


def check_options(
    path: str,
    facts: MetricFacts,
    options: AlarmOptions,
    *,
    kind: rules.AlarmKind,
    problems: list[Problem],
    scope: Construct,
) -> CheckedOptions:
    """Check ``options`` for an alarm at ``path``; add every problem found to ``problems``.

    One pass: the caller adds its own problems first and raises once, so a user
    sees every bad value at the same time. The result is meaningful only when
    ``problems`` is still empty.
    """
    unknown = sorted(set(options) - set(AlarmOptions.__annotations__))
    for name in unknown:
        hint = ""
        if kind == "anomaly" and name in ("comparison", "threshold"):
            hint = (
                "; an anomaly alarm compares with its band: use direction (above, below, "
                "both) and band"
            )
        problems.append(
            Problem(
                f"{path}.{name}",
                f"is not an option of {'an' if kind == 'anomaly' else 'a'} {kind} alarm"
                f"{hint}; use one of " + ", ".join(AlarmOptions.__annotations__),
            )
        )
    evaluation_periods = options.get("evaluation_periods", 1)
    datapoints_to_alarm = options.get("datapoints_to_alarm")
    treat_missing_data = options.get("treat_missing_data")
    alarm_name = options.get("alarm_name")
    actions = options.get("actions") or rules.ActionSet()
    named_topics = options.get("named_topics") or {}
    if treat_missing_data is not None and treat_missing_data not in _TREAT_MISSING:
        problems.append(
            Problem(
                f"{path}.treat_missing_data",
                f"{treat_missing_data!r} is not a missing-data policy; use one of "
                + ", ".join(_TREAT_MISSING),
            )
        )
    message = rules.check_period(
        facts.period, from_metric_filter=options.get("from_metric_filter", False)
    )
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
    # An anomaly alarm takes one metric; AnomalyAlarm says so itself.
    if kind != "anomaly" and facts.metric_count > rules.METRICS_PER_MATH_ALARM_MAX:
        problems.append(
            Problem(
                f"{path}.metric",
                f"the expression uses {facts.metric_count} metrics; a metric-math alarm takes "
                f"at most {rules.METRICS_PER_MATH_ALARM_MAX}",
            )
        )
    if facts.statistic is not None and (message := rules.check_statistic(facts.statistic)):
        problems.append(Problem(f"{path}.metric", message))
    if alarm_name is not None and (message := rules.check_alarm_name(alarm_name)):
        problems.append(Problem(f"{path}.alarm_name", message))
    problems += [
        Problem(f"{path}.{p.location}", p.message)
        for p in rules.action_problems(
            actions,
            kind=kind,
            topics=list(named_topics),
            single_instance=facts.single_instance,
            kind_of=alarm_action_kind,
            place=stack_place(scope),
        )
    ]
    return CheckedOptions(
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=datapoints_to_alarm,
        treat_missing_data=_TREAT_MISSING.get(treat_missing_data or ""),
        alarm_name=alarm_name,
        alarm_description=describe(
            path, options.get("description"), options.get("runbook_url"), problems
        ),
        actions=actions,
        named_topics=named_topics,
    )


def describe(
    path: str, description: str | None, runbook_url: str | None, problems: list[Problem]
) -> str | None:
    """Return the description with its runbook link; add a problem when it is too long."""
    try:
        return rules.describe(description, runbook_url=runbook_url)
    except ValueError as error:
        problems.append(Problem(f"{path}.description", str(error)))
        return None


_Alarm = TypeVar("_Alarm", bound=cloudwatch.IAlarm)

_OWN_ARNS: weakref.WeakKeyDictionary[cloudwatch.IAlarm, str | None] = weakref.WeakKeyDictionary()
"""aws-cdk-lib alarms this package made (static, anomaly, composite), with their ARN
once read: their name and ARN are tokens of this stack, so a composite alarm naming
them needs to read nothing else back from Node."""


def own_alarm(alarm: _Alarm) -> _Alarm:
    """Remember ``alarm`` as made here (an L2 alarm or composite alarm, not imported)."""
    _OWN_ARNS[alarm] = None
    return alarm


def alarm_arn(alarm: cloudwatch.IAlarm) -> str:
    """The alarm's ARN: read once for alarms made here, every time for others."""
    try:
        own = alarm in _OWN_ARNS
    except TypeError:  # not weakly referable: not ours
        own = False
    if not own:
        return alarm.alarm_arn
    arn = _OWN_ARNS[alarm]
    if arn is None:
        arn = _OWN_ARNS[alarm] = alarm.alarm_arn
    return arn


def literal_alarm_name(alarm: cloudwatch.IAlarm) -> str | None:
    """The alarm's physical name when it is known at synthesis (not a token).

    None without a jsii call for alarms made here: aws-cdk-lib gives an alarm it
    creates a name that is a token even when the name is set.
    """
    try:
        if alarm in _OWN_ARNS:
            return None
    except TypeError:
        pass
    name = alarm.alarm_name
    return None if Token.is_unresolved(name) else name
