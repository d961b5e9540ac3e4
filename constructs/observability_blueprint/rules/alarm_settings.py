"""Alarm settings and the rules CloudWatch holds them to.

Pure module: no aws_cdk import. The config model and the alarm constructs call
the same checks, so a rule reads the same from YAML and from Python. Sources:
the PutMetricAlarm and PutCompositeAlarm API references and the CloudWatch quotas.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal, Protocol

from observability_blueprint.rules.alarm_rules import State
from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.names import check_ssm_document_name

ALARM_NAME_MAX: Final = 255
ALARM_DESCRIPTION_MAX: Final = 1024
ACTIONS_PER_STATE_MAX: Final = 5
METRICS_PER_MATH_ALARM_MAX: Final = 10
DIMENSIONS_PER_METRIC_MAX: Final = 30
EXCLUDED_RANGES_MAX: Final = 10
ONE_DAY: Final = 86_400
SEVEN_DAYS: Final = 604_800
FILTER_METRIC_RESOLUTION: Final = 60

COMPARISONS: Final[Mapping[str, str]] = {
    ">": "GreaterThanThreshold",
    ">=": "GreaterThanOrEqualToThreshold",
    "<": "LessThanThreshold",
    "<=": "LessThanOrEqualToThreshold",
}
ANOMALY_DIRECTIONS: Final[Mapping[str, str]] = {
    "above": "GreaterThanUpperThreshold",
    "below": "LessThanLowerThreshold",
    "both": "LessThanLowerOrGreaterThanUpperThreshold",
}
TREAT_MISSING_DATA: Final[tuple[str, ...]] = ("breaching", "notBreaching", "ignore", "missing")
STATES: Final[tuple[str, ...]] = ("alarm", "ok", "insufficient_data")

AlarmKind = Literal["static", "anomaly", "composite"]
Comparison = Literal[">", ">=", "<", "<="]
"""How a static alarm compares its metric with the threshold."""
AnomalyDirection = Literal["above", "below", "both"]
"""Which side of its band sets an anomaly alarm off."""
AlarmState = State
"""A CloudWatch alarm state (the alarm-rule language's ``State``)."""
ActionKind = Literal["topic", "lambda", "ec2", "autoscaling", "opsitem", "incident", "runbook"]

# Which actions each alarm kind takes in each state (PutMetricAlarm: AlarmActions
# take every kind, OKActions and InsufficientDataActions no Systems Manager ones;
# anomaly alarms take no Auto Scaling action; PutCompositeAlarm: SNS, Lambda,
# OpsItem and Incident Manager on ALARM, only SNS and Lambda otherwise). Runbooks
# are not alarm actions at all: an EventBridge rule on the state change starts them.
ACCEPTED_ACTIONS: Final[Mapping[AlarmKind, Mapping[str, frozenset[str]]]] = {
    "static": {
        "alarm": frozenset({"topic", "lambda", "ec2", "autoscaling", "opsitem", "incident"}),
        "ok": frozenset({"topic", "lambda", "ec2", "autoscaling"}),
        "insufficient_data": frozenset({"topic", "lambda", "ec2", "autoscaling"}),
    },
    "anomaly": {
        "alarm": frozenset({"topic", "lambda", "ec2", "opsitem", "incident"}),
        "ok": frozenset({"topic", "lambda", "ec2"}),
        "insufficient_data": frozenset({"topic", "lambda", "ec2"}),
    },
    "composite": {
        "alarm": frozenset({"topic", "lambda", "opsitem", "incident"}),
        "ok": frozenset({"topic", "lambda"}),
        "insufficient_data": frozenset({"topic", "lambda"}),
    },
}

EC2_OPERATIONS: Final[tuple[str, ...]] = ("stop", "terminate", "reboot", "recover")
OPSITEM_CATEGORIES: Final[tuple[str, ...]] = (
    "Availability",
    "Cost",
    "Performance",
    "Recovery",
    "Security",
)
_STATISTIC_RE: Final = re.compile(
    r"SampleCount|Average|Sum|Minimum|Maximum|IQM"
    r"|(?:p|tm|tc|ts|wm)(?:\d{1,2}(?:\.\d{1,10})?|100)"
    r"|(?:TM|TC|TS|WM|PR)\((?:\d+(?:\.\d+)?%?)?:(?:\d+(?:\.\d+)?%?)?\)"
)
AUTOSCALING_POLICY_RE: Final = re.compile(
    r"arn:aws[a-z-]*:autoscaling:[a-z0-9-]+:\d{12}:scalingPolicy:[0-9a-f-]+:"
    r"autoScalingGroupName/[^:]+:policyName/.+"
)
LAMBDA_ARN_RE: Final = re.compile(
    r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]+)?"
)
RESPONSE_PLAN_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,200}")
ALARM_ARN_RE: Final = re.compile(r"arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+")


# ------------------------------------------------------------------ actions


@dataclass(frozen=True, kw_only=True)
class ActionSpec:
    """One thing an alarm does on entering a state.

    Exactly one of the fields is set: ``topic`` (a blueprint topic by name, or
    an SNS topic ARN), ``lambda_arn``, ``ec2`` (stop, terminate, reboot, recover),
    ``autoscaling_policy_arn``, ``opsitem_severity`` (1-4, with
    ``opsitem_category``), ``incident_response_plan`` (name) or ``runbook`` (an SSM
    Automation document name, started through EventBridge with ``runbook_parameters``).
    """

    topic: str | None = None
    lambda_arn: str | None = None
    ec2: str | None = None
    autoscaling_policy_arn: str | None = None
    opsitem_severity: int | None = None
    opsitem_category: str | None = None
    incident_response_plan: str | None = None
    runbook: str | None = None
    runbook_parameters: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @property
    def kind(self) -> ActionKind:
        """Which kind of action this is."""
        candidates: tuple[tuple[ActionKind, object], ...] = (
            ("topic", self.topic),
            ("lambda", self.lambda_arn),
            ("ec2", self.ec2),
            ("autoscaling", self.autoscaling_policy_arn),
            ("opsitem", self.opsitem_severity),
            ("incident", self.incident_response_plan),
            ("runbook", self.runbook),
        )
        kinds = [kind for kind, value in candidates if value is not None]
        if len(kinds) != 1:
            raise ValueError(f"an action has exactly one kind, not {kinds or 'none'}")
        return kinds[0]


class TopicLike(Protocol):
    """An SNS topic object, such as aws-cdk-lib's ``sns.ITopic``."""

    @property
    def topic_arn(self) -> str:
        """The topic's ARN."""
        ...


class AlarmActionLike(Protocol):
    """An alarm action object, such as aws-cdk-lib's ``cloudwatch.IAlarmAction``."""

    def bind(self, scope: Any, alarm: Any) -> Any:
        """Return the action's configuration for ``alarm``."""
        ...


Action = ActionSpec | TopicLike | AlarmActionLike
"""One action: the blueprint's :class:`ActionSpec`, a topic, or an aws-cdk-lib
``IAlarmAction`` (``SnsAction``, ``Ec2Action``, ``LambdaAction``, ...), bound as given."""


def action_kind(action: Action) -> ActionKind | None:
    """Return the kind of an action; None for an action object this module cannot read."""
    if isinstance(action, ActionSpec):
        return action.kind
    if hasattr(action, "topic_arn"):
        return "topic"
    return None


@dataclass(frozen=True, kw_only=True)
class ActionSet:
    """Actions per state: on entering ALARM, OK and INSUFFICIENT_DATA."""

    alarm: tuple[Action, ...] = ()
    ok: tuple[Action, ...] = ()
    insufficient_data: tuple[Action, ...] = ()

    def by_state(self) -> dict[str, tuple[Action, ...]]:
        """Return the actions keyed by state name (``alarm``, ``ok``, ``insufficient_data``)."""
        return {"alarm": self.alarm, "ok": self.ok, "insufficient_data": self.insufficient_data}

    def only_accepted(self, kind: AlarmKind) -> ActionSet:
        """Drop what an alarm of ``kind`` cannot take: how defaults are applied."""
        accepted = ACCEPTED_ACTIONS[kind]

        def keep(state: str, actions: tuple[Action, ...]) -> tuple[Action, ...]:
            return tuple(
                a
                for a in actions
                if (k := action_kind(a)) is None or k == "runbook" or k in accepted[state]
            )

        return ActionSet(
            alarm=keep("alarm", self.alarm),
            ok=keep("ok", self.ok),
            insufficient_data=keep("insufficient_data", self.insufficient_data),
        )

    def is_empty(self) -> bool:
        """True when no state has an action."""
        return not (self.alarm or self.ok or self.insufficient_data)


def action_problems(
    actions: ActionSet,
    *,
    kind: AlarmKind,
    topics: Iterable[str] | None = None,
    single_instance: bool = True,
    kind_of: Callable[[Action], ActionKind | None] = lambda _: None,
) -> list[Problem]:
    """Return what is wrong with an alarm's actions, located as ``actions.<state>[i]``.

    Parameters
    ----------
    kind
        The alarm kind, which decides what is accepted in each state.
    topics
        Names of the blueprint's topics; None skips the check.
    single_instance
        Whether the alarm watches one EC2 instance's metric (EC2 actions need it).
    kind_of
        The kind of an action object this module cannot read (the caller knows
        aws-cdk-lib's action classes); None leaves it unchecked.
    """
    known_topics = None if topics is None else set(topics)
    problems: list[Problem] = []
    for state, specs in actions.by_state().items():
        where = f"actions.{state}"
        alarm_actions = [s for s in specs if action_kind(s) != "runbook"]
        if len(alarm_actions) > ACTIONS_PER_STATE_MAX:
            problems.append(
                Problem(
                    where,
                    f"{len(alarm_actions)} actions; CloudWatch allows at most "
                    f"{ACTIONS_PER_STATE_MAX} per state (runbooks do not count: EventBridge "
                    "starts them). Send to one topic and fan out from there",
                )
            )
        for index, spec in enumerate(specs):
            at = f"{where}[{index}]"
            this_kind = action_kind(spec) or kind_of(spec)
            if this_kind is None:
                continue
            accepted = ACCEPTED_ACTIONS[kind][state]
            if this_kind != "runbook" and this_kind not in accepted:
                problems.append(
                    Problem(
                        at,
                        f"{_article(kind)} {kind} alarm cannot take {_article(this_kind)} "
                        f"{this_kind} action on "
                        f"{state.upper()}; it accepts {', '.join(sorted(accepted))} and "
                        "runbooks (started through EventBridge)",
                    )
                )
                continue
            if isinstance(spec, ActionSpec):
                problems.extend(
                    Problem(at, message)
                    for message in _action_value_problems(spec, known_topics, single_instance)
                )
    return problems


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _action_value_problems(
    spec: ActionSpec, topics: set[str] | None, single_instance: bool
) -> Iterable[str]:
    unknown_topic = spec.topic is not None and not spec.topic.startswith("arn:")
    if unknown_topic and topics is not None and spec.topic not in topics:
        listed = ", ".join(sorted(topics)) or (
            "none (define them under notifications: in the file, or pass named_topics=)"
        )
        yield f"topic {spec.topic!r} is not a blueprint topic; known topics: {listed}"
    if spec.lambda_arn is not None and not LAMBDA_ARN_RE.fullmatch(spec.lambda_arn):
        yield (
            f"{spec.lambda_arn!r} is not a Lambda function ARN "
            "(arn:aws:lambda:REGION:ACCOUNT:function:NAME)"
        )
    if spec.ec2 is not None:
        if spec.ec2 not in EC2_OPERATIONS:
            yield f"ec2 {spec.ec2!r} is not an EC2 action; use one of {', '.join(EC2_OPERATIONS)}"
        elif not single_instance:
            yield (
                f"ec2 {spec.ec2} acts on the one instance whose metric the alarm watches; this "
                "alarm's metric is not one instance's (it needs exactly one InstanceId "
                "dimension and no metric math)"
            )
    if spec.autoscaling_policy_arn is not None and not AUTOSCALING_POLICY_RE.fullmatch(
        spec.autoscaling_policy_arn
    ):
        yield f"{spec.autoscaling_policy_arn!r} is not an Auto Scaling policy ARN"
    if spec.opsitem_severity is not None:
        if spec.opsitem_severity not in (1, 2, 3, 4):
            yield f"OpsItem severity {spec.opsitem_severity} is not 1, 2, 3 or 4"
        if spec.opsitem_category is not None and spec.opsitem_category not in OPSITEM_CATEGORIES:
            yield (
                f"OpsItem category {spec.opsitem_category!r} is not one of "
                + ", ".join(OPSITEM_CATEGORIES)
            )
    if spec.incident_response_plan is not None and not RESPONSE_PLAN_RE.fullmatch(
        spec.incident_response_plan
    ):
        yield f"{spec.incident_response_plan!r} is not an Incident Manager response plan name"
    if spec.runbook is not None and (message := check_ssm_document_name(spec.runbook)):
        yield message


# ---------------------------------------------------------- metric settings


def check_period(period: int, *, from_metric_filter: bool = False) -> str | None:
    """Return why ``period`` (seconds) cannot be an alarm period."""
    if period not in (10, 20, 30) and (period <= 0 or period % 60):
        return (
            f"{period} is not an alarm period; use 10, 20 or 30 (high resolution) or a "
            "multiple of 60 seconds"
        )
    if from_metric_filter and period < FILTER_METRIC_RESOLUTION:
        return (
            f"{period} seconds is shorter than a metric filter's one-minute data: the alarm "
            "would sit in INSUFFICIENT_DATA at three times the price; use 60 or more"
        )
    return None


def evaluation_problems(
    *, period: int, evaluation_periods: int, datapoints_to_alarm: int | None
) -> list[Problem]:
    """Return what is wrong with the evaluation window of an alarm."""
    problems: list[Problem] = []
    if evaluation_periods < 1:
        problems.append(Problem("evaluation_periods", f"{evaluation_periods} must be at least 1"))
    window = period * evaluation_periods
    limit = ONE_DAY if period < 3600 else SEVEN_DAYS
    if window > limit:
        problems.append(
            Problem(
                "evaluation_periods",
                f"{evaluation_periods} periods of {period} s is {window} s; CloudWatch allows "
                f"at most {limit} s ({'one day' if limit == ONE_DAY else 'seven days'}) "
                f"for periods {'under' if limit == ONE_DAY else 'of'} an hour"
                f"{'' if limit == ONE_DAY else ' or more'}",
            )
        )
    if datapoints_to_alarm is not None and not 1 <= datapoints_to_alarm <= evaluation_periods:
        problems.append(
            Problem(
                "datapoints_to_alarm",
                f"{datapoints_to_alarm} must be between 1 and evaluation_periods "
                f"({evaluation_periods})",
            )
        )
    return problems


def check_statistic(statistic: str) -> str | None:
    """Return why ``statistic`` is not a CloudWatch statistic."""
    if not _STATISTIC_RE.fullmatch(statistic):
        return (
            f"{statistic!r} is not a statistic; use SampleCount, Average, Sum, Minimum, "
            "Maximum, a percentile such as p99 or p99.9, or tm90, TM(10%:90%), wm99, IQM"
        )
    return None


EXCLUDED_TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%S"
"""How an anomaly model's excluded time ranges are written (2026-12-24T00:00:00)."""


def time_range_problem(start: str, end: str) -> str | None:
    """Return why ``start``-``end`` is not an excluded time range, or None."""
    try:
        begins = datetime.strptime(start, EXCLUDED_TIME_FORMAT)
        ends = datetime.strptime(end, EXCLUDED_TIME_FORMAT)
    except ValueError:
        return f"{start!r} to {end!r}: use the form 2026-12-24T00:00:00"
    if ends <= begins:
        return f"the range ends ({end}) before it starts ({start})"
    return None


def check_alarm_name(name: str) -> str | None:
    """Return why ``name`` cannot be a physical alarm name."""
    if not 1 <= len(name) <= ALARM_NAME_MAX:
        return f"the alarm name is {len(name)} characters; CloudWatch allows 1 to {ALARM_NAME_MAX}"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return f"{name!r} contains control characters"
    return None


def check_dimensions(dimensions: Mapping[str, str]) -> str | None:
    """Return why a metric's dimensions are not acceptable."""
    if len(dimensions) > DIMENSIONS_PER_METRIC_MAX:
        return (
            f"{len(dimensions)} dimensions; a CloudWatch metric has at most "
            f"{DIMENSIONS_PER_METRIC_MAX}"
        )
    return None


# ------------------------------------------------------------------ naming


class AlarmNaming(Protocol):
    """Gives an alarm its physical name. Replace it to follow a house convention."""

    def name(self, alarm: str) -> str:
        """Return the physical name of the blueprint alarm ``alarm``."""
        ...


@dataclass(frozen=True)
class PrefixNaming:
    """The default naming: ``<name>-<stage>-<alarm>``, stable across synths."""

    prefix: str

    def name(self, alarm: str) -> str:
        """Return ``<prefix>-<alarm>``."""
        return f"{self.prefix}-{alarm}"


def describe(description: str | None, *, runbook_url: str | None) -> str | None:
    """Return the alarm description with its runbook link, within 1,024 characters."""
    parts = [p for p in (description, f"Runbook: {runbook_url}" if runbook_url else None) if p]
    text = "\n".join(parts) or None
    if text and len(text) > ALARM_DESCRIPTION_MAX:
        raise ValueError(
            f"the description with its runbook link is {len(text)} characters; "
            f"CloudWatch allows {ALARM_DESCRIPTION_MAX}"
        )
    return text


# --------------------------------------------------------------- duplicates


@dataclass(frozen=True)
class WatchedMetric:
    """What a static alarm compares, for finding duplicates."""

    location: str
    metric: tuple[object, ...]
    comparison: str
    threshold: float


def duplicate_alarms(alarms: Iterable[WatchedMetric]) -> list[Problem]:
    """Report alarms that watch the same metric with the same threshold and comparison."""
    first: dict[tuple[object, ...], str] = {}
    problems: list[Problem] = []
    for alarm in alarms:
        key = (alarm.metric, alarm.comparison, alarm.threshold)
        if key in first:
            problems.append(
                Problem(
                    alarm.location,
                    f"watches the same metric with the same threshold and comparison as "
                    f"{first[key]}; one of them is redundant",
                )
            )
        else:
            first[key] = alarm.location
    return problems
