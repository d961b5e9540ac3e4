"""Alarm settings and the rules CloudWatch holds them to.

Pure module: no aws_cdk import. The config model and the alarm constructs call
the same checks, so a rule reads the same from YAML and from Python. Sources:
the PutMetricAlarm, PutCompositeAlarm and PutLogAlarm API references and the
CloudWatch quotas.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final, Literal, Protocol

from observability_blueprint.rules import arns
from observability_blueprint.rules.alarm_rules import State
from observability_blueprint.rules.errors import Problem, cut
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

AlarmKind = Literal["static", "anomaly", "composite", "log"]
Comparison = Literal[">", ">=", "<", "<="]
"""How a static alarm compares its metric with the threshold."""
AnomalyDirection = Literal["above", "below", "both"]
"""Which side of its band sets an anomaly alarm off."""
AlarmState = State
"""A CloudWatch alarm state (the alarm-rule language's ``State``)."""
ActionKind = Literal[
    "topic", "lambda", "ec2", "autoscaling", "opsitem", "incident", "investigation", "runbook"
]
"""What an action does. ``investigation`` (a CloudWatch investigation group) is taken
by ARN only; ``runbook`` is not an alarm action at all: an EventBridge rule on the
state change starts it."""

# Which actions each alarm kind takes in each state, from the API references of the
# calls CloudFormation makes:
# - PutMetricAlarm (static and anomaly alarms) lists SNS, Lambda, EC2, Auto Scaling,
#   OpsItem (with #CATEGORY=), Incident Manager and, on ALARM, investigations:
#   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
# - PutCompositeAlarm lists SNS, Lambda, the OpsItem form without #CATEGORY= and
#   investigations on ALARM, only SNS and Lambda on OK and INSUFFICIENT_DATA; its
#   description adds Incident Manager incidents:
#   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html
# - Systems Manager actions (OpsItems, incidents) and investigations run "only when
#   the alarm goes into ALARM state", so elsewhere they would never run:
#   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html
# - Anomaly alarms take no Auto Scaling action: a step scaling policy scales by how
#   far the metric is past the alarm's threshold (StepAdjustment,
#   https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StepAdjustment.html),
#   and an anomaly alarm has a band instead of a threshold.
# - PutLogAlarm (log alarms) lists SNS and Lambda in every state and, on ALARM, the
#   OpsItem form without #CATEGORY=; its user guide page adds that Incident Manager and
#   investigation actions are not supported for log alarms:
#   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutLogAlarm.html
#   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-log.html
ACCEPTED_ACTIONS: Final[Mapping[AlarmKind, Mapping[str, frozenset[str]]]] = {
    "static": {
        "alarm": frozenset(
            {"topic", "lambda", "ec2", "autoscaling", "opsitem", "incident", "investigation"}
        ),
        "ok": frozenset({"topic", "lambda", "ec2", "autoscaling"}),
        "insufficient_data": frozenset({"topic", "lambda", "ec2", "autoscaling"}),
    },
    "anomaly": {
        "alarm": frozenset({"topic", "lambda", "ec2", "opsitem", "incident", "investigation"}),
        "ok": frozenset({"topic", "lambda", "ec2"}),
        "insufficient_data": frozenset({"topic", "lambda", "ec2"}),
    },
    "composite": {
        "alarm": frozenset({"topic", "lambda", "opsitem", "incident", "investigation"}),
        "ok": frozenset({"topic", "lambda"}),
        "insufficient_data": frozenset({"topic", "lambda"}),
    },
    "log": {
        "alarm": frozenset({"topic", "lambda", "opsitem"}),
        "ok": frozenset({"topic", "lambda"}),
        "insufficient_data": frozenset({"topic", "lambda"}),
    },
}
OPSITEM_CATEGORY_KINDS: Final[frozenset[AlarmKind]] = frozenset({"static", "anomaly"})
"""The alarm kinds whose OpsItem action takes a category (``#CATEGORY=``): metric alarms."""
ACTION_ARNS: Final[Mapping[ActionKind, tuple[arns.ArnKind, ...]]] = {
    "topic": (arns.SNS_TOPIC,),
    "lambda": (arns.LAMBDA_FUNCTION,),
    "ec2": (arns.EC2_ACTION, arns.SWF_EC2_ACTION),
    "autoscaling": (arns.AUTOSCALING_POLICY,),
    "opsitem": (arns.SSM_OPSITEM,),
    "incident": (arns.INCIDENT_RESPONSE_PLAN,),
    "investigation": (arns.INVESTIGATION_GROUP,),
}
"""The ARN of each kind of alarm action, as the API references write it."""
_COMPOSITE_OPSITEM: Final = "arn:aws:ssm:REGION:ACCOUNT:opsitem:SEVERITY, without #CATEGORY="
_API: Final[Mapping[AlarmKind, str]] = {
    "static": "PutMetricAlarm",
    "anomaly": "PutMetricAlarm",
    "composite": "PutCompositeAlarm",
    "log": "PutLogAlarm",
}
"""The API call CloudFormation makes for each alarm kind, for messages that cite it."""

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
RESPONSE_PLAN_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,200}")


def accepted_forms(kind: AlarmKind, state: str, *, with_arns: bool = False) -> str:
    """Say which actions an alarm of ``kind`` takes on entering ``state``.

    By key (``topic, lambda, opsitem and incident``), or with ``with_arns`` by the
    ARN forms the API reference gives (``topic (arn:aws:sns:REGION:ACCOUNT:NAME); ...``).
    """
    accepted = [a for a in ACTION_ARNS if a in ACCEPTED_ACTIONS[kind][state]]
    no_category = kind not in OPSITEM_CATEGORY_KINDS
    if with_arns:
        forms = {a: ACTION_ARNS[a][0].form for a in accepted}
        if no_category and "opsitem" in forms:
            forms["opsitem"] = _COMPOSITE_OPSITEM
        return "; ".join(f"{a} ({form})" for a, form in forms.items())
    named = [
        "opsitem (a severity, no category)" if a == "opsitem" and no_category else a
        for a in accepted
        if a != "investigation"  # given by ARN only (ArnAlarmAction)
    ]
    return f"{', '.join(named[:-1])} and {named[-1]}" if len(named) > 1 else named[0]


def action_kind_of_arn(text: str) -> ActionKind | None:
    """Return the kind of the alarm action ``text`` is the ARN of; None when none is."""
    try:
        arn = arns.parse_arn(text)
    except arns.ArnError:
        return None
    return next(
        (action for action, kinds in ACTION_ARNS.items() if any(k.matches(arn) for k in kinds)),
        None,
    )


def _cannot_take(kind: AlarmKind, action: str, state: str, *, with_arns: bool = False) -> str:
    forms = accepted_forms(kind, state, with_arns=with_arns)
    return (
        f"{_article(kind)} {kind} alarm cannot take {_article(action)} {action} action on "
        f"{state.upper()}; on {state.upper()} it takes {forms}"
        + ("" if with_arns else ", and runbooks (started through EventBridge)")
    )


def action_arn_problem(
    text: str, *, kind: AlarmKind, state: str, place: arns.Place | None = None
) -> str | None:
    """Return why ``text`` cannot be in the action list of ``state`` of an alarm of ``kind``.

    The check of every ARN that reaches an alarm's ``AlarmActions``, ``OKActions``
    or ``InsufficientDataActions``, however it was given: which kind of action it
    is, whether this alarm kind takes it in this state (:data:`ACCEPTED_ACTIONS`),
    its form, and its partition. A text that is an unresolved token passes.
    """
    if not text.startswith("arn:") and arns.is_unresolved(text):
        return None
    try:
        arn = arns.parse_arn(text)
    except arns.ArnError as error:
        return f"{error}; on {state.upper()} {_article(kind)} {kind} alarm takes " + (
            accepted_forms(kind, state, with_arns=True)
        )
    action = next(
        (a for a, kinds in ACTION_ARNS.items() if any(k.matches(arn) for k in kinds)), None
    )
    if action is None:
        return (
            f"{arns.shown(text)} is {arns.describe(arn)} ARN, which is not an alarm action; "
            f"on {state.upper()} {_article(kind)} {kind} alarm takes "
            + accepted_forms(kind, state, with_arns=True)
        )
    if action not in ACCEPTED_ACTIONS[kind][state]:
        return f"{arns.shown(text)}: {_cannot_take(kind, action, state, with_arns=True)}"
    if action == "opsitem" and kind not in OPSITEM_CATEGORY_KINDS and "#" in arn.resource_id:
        return (
            f"{arns.shown(text)} gives the OpsItem a category; {_article(kind)} {kind} alarm's "
            f"OpsItem action takes a severity only ({_COMPOSITE_OPSITEM}, as "
            f"{_API[kind]} documents it): remove the category"
        )
    arn_kind = next(k for k in ACTION_ARNS[action] if k.matches(arn))
    if message := arn_kind.id_problem(arn):
        return message
    if place is None:
        return None
    return arns.place_problem(arn, place)


# ------------------------------------------------------------------ actions


@dataclass(frozen=True, kw_only=True)
class Permission:
    """Actions a runbook's or task's role may take on resources (no wildcard actions)."""

    actions: tuple[str, ...]
    resources: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ActionSpec:
    """One thing an alarm does on entering a state.

    Exactly one of the fields is set: ``topic`` (a blueprint topic by name, or
    an SNS topic ARN), ``lambda_arn``, ``ec2`` (stop, terminate, reboot, recover),
    ``autoscaling_policy_arn``, ``opsitem_severity`` (1-4, with
    ``opsitem_category``), ``incident_response_plan`` (name) or ``runbook`` (an SSM
    Automation document name, started through EventBridge with ``runbook_parameters``,
    and ``runbook_permissions`` for a document the blueprint does not know).
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
    runbook_permissions: tuple[Permission, ...] = ()

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
        """Drop what an alarm of ``kind`` cannot take: how defaults are applied.

        An OpsItem keeps its severity and loses its category on the kinds whose
        OpsItem action takes none (composite alarms).
        """
        accepted = ACCEPTED_ACTIONS[kind]

        def fit(action: Action) -> Action:
            if (
                isinstance(action, ActionSpec)
                and action.opsitem_category is not None
                and kind not in OPSITEM_CATEGORY_KINDS
            ):
                return replace(action, opsitem_category=None)
            return action

        def keep(state: str, actions: tuple[Action, ...]) -> tuple[Action, ...]:
            return tuple(
                fit(a)
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
    kind: AlarmKind | None,
    topics: Iterable[str] | None = None,
    single_instance: bool = True,
    kind_of: Callable[[Action], ActionKind | None] = lambda _: None,
    place: arns.Place | None = None,
    keys: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Return what is wrong with an alarm's actions, located as ``actions.<state>[i]``.

    A bad value of an :class:`ActionSpec` is located at its field
    (``actions.alarm[0].lambda_arn``), or at the key ``keys`` maps the field to
    (:data:`FILE_KEYS` for the blueprint file: ``actions.alarm[0].lambda``).

    Parameters
    ----------
    kind
        The alarm kind, which decides what is accepted in each state; None checks
        the values only (default actions, which each kind filters).
    topics
        Names of the blueprint's topics; None skips the check.
    single_instance
        Whether the alarm watches one EC2 instance's metric (EC2 actions need it).
    kind_of
        The kind of an action object this module cannot read (the caller knows
        aws-cdk-lib's action classes); None leaves it unchecked.
    place
        Where the alarm is (partition, Region, account), for the ARNs it names;
        None skips those checks.
    keys
        The name of each :class:`ActionSpec` field where the actions were written.
    """
    names = keys or {}
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
            found: list[tuple[str | None, str]] = []
            if kind is not None:
                found = _kind_problems(spec, this_kind, kind, state, single_instance)
            if not found and isinstance(spec, ActionSpec):
                found = list(_action_value_problems(spec, known_topics, place))
            problems += [
                Problem(f"{at}.{names.get(name, name)}" if name else at, message)
                for name, message in found
            ]
    return problems


def _kind_problems(
    spec: Action, action: ActionKind, kind: AlarmKind, state: str, single_instance: bool
) -> list[tuple[str | None, str]]:
    """Whether an alarm of ``kind`` takes the action in ``state``: (field or None, message)."""
    if action != "runbook" and action not in ACCEPTED_ACTIONS[kind][state]:
        return [(None, _cannot_take(kind, action, state))]
    if (
        isinstance(spec, ActionSpec)
        and spec.opsitem_category is not None
        and kind not in OPSITEM_CATEGORY_KINDS
    ):
        message = (
            f"{_article(kind)} {kind} alarm's OpsItem action takes a severity only "
            f"({_COMPOSITE_OPSITEM}, as {_API[kind]} documents it): remove the category "
            f"{cut(spec.opsitem_category)!r}, which only metric alarms take"
        )
        return [("opsitem_category", message)]
    ec2 = spec.ec2 if isinstance(spec, ActionSpec) else "action"
    if action == "ec2" and not single_instance and ec2 in (*EC2_OPERATIONS, "action"):
        message = (
            f"ec2 {ec2} acts on the one instance whose metric the alarm watches; this "
            "alarm's metric is not one instance's (it needs exactly one InstanceId "
            "dimension and no metric math)"
        )
        return [(None, message)]
    return []


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _action_value_problems(
    spec: ActionSpec, topics: set[str] | None, place: arns.Place | None
) -> Iterable[tuple[str, str]]:
    """What is wrong with the values of one action: (field, message)."""
    if spec.topic is not None:
        if spec.topic.startswith("arn:") or arns.is_unresolved(spec.topic):
            if message := arns.arn_problem(spec.topic, [arns.SNS_TOPIC], place=place):
                yield "topic", message
        elif topics is not None and spec.topic not in topics:
            listed = ", ".join(sorted(topics)) or (
                "none (define them under notifications: in the file, or pass named_topics=)"
            )
            yield "topic", f"{cut(spec.topic)!r} is not a blueprint topic; known topics: {listed}"
    if spec.lambda_arn is not None and (
        message := arns.arn_problem(
            spec.lambda_arn,
            [arns.LAMBDA_FUNCTION],
            place=place,
            same_region=LAMBDA_SAME_REGION,
        )
    ):
        yield "lambda_arn", message
    if spec.ec2 is not None and spec.ec2 not in EC2_OPERATIONS:
        yield (
            "ec2",
            f"{cut(spec.ec2)!r} is not an EC2 action; use one of {', '.join(EC2_OPERATIONS)}",
        )
    if spec.autoscaling_policy_arn is not None and (
        message := arns.arn_problem(
            spec.autoscaling_policy_arn, [arns.AUTOSCALING_POLICY], place=place
        )
    ):
        yield "autoscaling_policy_arn", message
    if spec.opsitem_severity is not None and spec.opsitem_severity not in (1, 2, 3, 4):
        yield "opsitem_severity", f"OpsItem severity {spec.opsitem_severity} is not 1, 2, 3 or 4"
    if spec.opsitem_category is not None and spec.opsitem_category not in OPSITEM_CATEGORIES:
        yield (
            "opsitem_category",
            (
                f"OpsItem category {cut(spec.opsitem_category)!r} is not one of "
                + ", ".join(OPSITEM_CATEGORIES)
            ),
        )
    if spec.incident_response_plan is not None and not RESPONSE_PLAN_RE.fullmatch(
        spec.incident_response_plan
    ):
        yield (
            "incident_response_plan",
            (
                f"{cut(spec.incident_response_plan)!r} is not an Incident Manager response plan "
                "name (1 to 200 letters, digits, _ and -)"
            ),
        )
    if spec.runbook is not None and (message := check_ssm_document_name(spec.runbook)):
        yield "runbook", message


LAMBDA_SAME_REGION: Final = (
    "the blueprint lets the service invoke the function with an AWS::Lambda::Permission made "
    "in this stack's Region, and CloudFormation cannot make one for a function of another "
    "Region (aws-cdk issues 10924, 11826)"
)
"""Why a Lambda function an alarm, topic or rule calls must be in the stack's Region."""


FILE_KEYS: Final[Mapping[str, str]] = {
    "lambda_arn": "lambda",
    "autoscaling_policy_arn": "autoscaling",
    "opsitem_severity": "opsitem.severity",
    "opsitem_category": "opsitem.category",
    "incident_response_plan": "incident",
    "runbook": "runbook.document",
}
"""Where each :class:`ActionSpec` field is written in the blueprint file (the rest keep
their names), for :func:`action_problems`' ``keys``."""


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
            f"{cut(statistic)!r} is not a statistic; use SampleCount, Average, Sum, Minimum, "
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
        return f"{cut(start)!r} to {cut(end)!r}: use the form 2026-12-24T00:00:00"
    if ends <= begins:
        return f"the range ends ({end}) before it starts ({start})"
    return None


def check_alarm_name(name: str) -> str | None:
    """Return why ``name`` cannot be a physical alarm name."""
    if not 1 <= len(name) <= ALARM_NAME_MAX:
        return f"the alarm name is {len(name)} characters; CloudWatch allows 1 to {ALARM_NAME_MAX}"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return f"{cut(name)!r} contains control characters"
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
