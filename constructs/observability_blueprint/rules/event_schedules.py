"""Schedules, and the operational tasks that schedules and event rules start.

Pure module: no aws_cdk import.

- :func:`check_schedule` holds a schedule expression to EventBridge's dialect:
  ``cron(minutes hours day-of-month month day-of-week year)`` with ``?`` in
  exactly one of the two day fields, or ``rate(value unit)`` with a singular unit
  for 1 and a plural one otherwise (Amazon EventBridge User Guide, "Schedule
  expressions for rules"; EventBridge Scheduler User Guide, "Schedule types").
- The task settings (:class:`RunbookAction`, :class:`CommandAction`,
  :class:`LambdaAction`, :class:`OpsItemAction`, :class:`NotifyAction`) are what a
  schedule or a rule starts; :data:`DOCUMENT_PERMISSIONS` says what the
  well-known Automation runbooks need, so a task's role gets that and nothing more.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from observability_blueprint.rules import arns
from observability_blueprint.rules.alarm_settings import OPSITEM_CATEGORIES
from observability_blueprint.rules.alarm_settings import (
    Permission as Permission,  # a task's permissions; defined beside the alarm actions
)
from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.names import check_ssm_document_name
from observability_blueprint.rules.ssm_schedules import (
    TAG_KEY_MAX,
    TAG_KEY_SYMBOLS,
    is_target_tag_key,
)

SCHEDULE_EXPRESSION_MAX: Final = 256
"""Characters in a schedule expression (botocore ``events`` and ``scheduler`` models)."""

# --------------------------------------------------------------- cron / rate


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: Mapping[str, int] = field(default_factory=dict)
    special: frozenset[str] = frozenset()


_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}
_DAYS = {d: i for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)}
_FIELDS: Final[tuple[_Field, ...]] = (
    _Field("minutes", 0, 59),
    _Field("hours", 0, 23),
    _Field("day-of-month", 1, 31, special=frozenset("?LW")),
    _Field("month", 1, 12, names=_MONTHS),
    _Field("day-of-week", 1, 7, names=_DAYS, special=frozenset("?L#")),
    _Field("year", 1970, 2199),
)
_RATE_UNITS: Final[Mapping[str, str]] = {"minute": "minutes", "hour": "hours", "day": "days"}
CRON_HELP: Final = (
    "cron(minutes hours day-of-month month day-of-week year), with ? in exactly one of "
    "day-of-month and day-of-week, such as cron(0 2 * * ? *) for 02:00 every day"
)
RATE_HELP: Final = "rate(1 minute), rate(5 minutes), rate(1 hour), rate(12 hours), rate(1 day)"


def check_schedule(expression: str) -> str | None:
    """Return why ``expression`` is not an EventBridge cron or rate expression, or None."""
    if len(expression) > SCHEDULE_EXPRESSION_MAX:
        return f"the expression is {len(expression)} characters; at most {SCHEDULE_EXPRESSION_MAX}"
    if expression.startswith("cron(") and expression.endswith(")"):
        return check_cron(expression)
    if expression.startswith("rate(") and expression.endswith(")"):
        return check_rate(expression)
    return f"{expression!r} is not a schedule; use {CRON_HELP}, or {RATE_HELP}"


def check_rate(expression: str) -> str | None:
    """Return why a ``rate(...)`` expression is wrong, or None."""
    body = expression[len("rate(") : -1]
    match = re.fullmatch(r"(\d+) ([a-z]+)", body)
    if not match:
        return f"{expression!r} is not a rate; write rate(VALUE UNIT) such as {RATE_HELP}"
    value, unit = int(match[1]), match[2]
    singular = unit[:-1] if unit.endswith("s") else unit
    if singular not in _RATE_UNITS:
        return f"{expression!r}: {unit!r} is not a unit; use minute(s), hour(s) or day(s)"
    if value < 1:
        return f"{expression!r}: the value must be a positive whole number"
    right = singular if value == 1 else _RATE_UNITS[singular]
    if unit != right:
        number = "singular" if value == 1 else "plural"
        return (
            f"{expression!r}: with the value {value} the unit is {number}; "
            f"write rate({value} {right})"
        )
    return None


def check_cron(expression: str) -> str | None:
    """Return why a ``cron(...)`` expression is wrong, or None."""
    fields = expression[len("cron(") : -1].split()
    if len(fields) != len(_FIELDS):
        return (
            f"{expression!r} has {len(fields)} fields; EventBridge cron has 6: minutes hours "
            "day-of-month month day-of-week year (the year is required, usually *), "
            f"such as cron(0 2 * * ? *)"
        )
    for spec, text in zip(_FIELDS, fields, strict=True):
        message = _field_problem(spec, text)
        if message:
            return f"{expression!r}: {spec.name} {text!r}: {message}"
    day_of_month, day_of_week = fields[2], fields[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        fixed = list(fields)
        if day_of_month == "?":
            fixed[4] = "*"
            what = "both day-of-month and day-of-week are ?"
        else:
            fixed[4] = "?"
            what = f"day-of-month ({day_of_month}) and day-of-week ({day_of_week}) are both set"
        return (
            f"{expression!r}: {what}; put ? in exactly one of them, such as cron({' '.join(fixed)})"
        )
    return None


def _field_problem(spec: _Field, text: str) -> str | None:
    if text == "?":
        return None if "?" in spec.special else "? is only allowed in day-of-month or day-of-week"
    parts = text.split(",")
    if spec.name == "day-of-week" and len(parts) > 1 and "#" in text:
        # "If you use a '#' character, you can define only one expression in the
        # day-of-week field. For example, "3#1,6#3" is not valid because it is
        # interpreted as two expressions." (EventBridge cron expressions reference,
        # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html)
        return (
            "with # the day-of-week field takes a single expression, such as 3#2 (the "
            "second Tuesday); use one schedule per weekday"
        )
    for part in parts:
        if part == "?":
            return "? stands alone"
        message = _part_problem(spec, part)
        if message:
            return message
    return None


def _value(spec: _Field, text: str) -> int | str:
    """Return the number a field value stands for, or a message."""
    upper = text.upper()
    if upper in spec.names:
        return spec.names[upper]
    if not text.isdigit():
        names = f" or {min(spec.names)}-like names" if spec.names else ""
        return f"{text!r} is not a number{names}"
    number = int(text)
    if not spec.low <= number <= spec.high:
        return f"{number} is out of range {spec.low}-{spec.high}"
    return number


def _part_problem(spec: _Field, part: str) -> str | None:
    special = _special_problem(spec, part)
    if special is not None:
        return special or None
    base, _, step = part.partition("/")
    if "/" in part:
        if not step.isdigit() or int(step) < 1:
            return f"the increment in {part!r} must be a positive whole number"
        if int(step) > spec.high:
            return f"the increment {step} is larger than the field allows ({spec.high})"
    if base == "*":
        return None
    low, dash, high = base.partition("-")
    first = _value(spec, low)
    if isinstance(first, str):
        return first
    if not dash:
        return None
    last = _value(spec, high)
    if isinstance(last, str):
        return last
    if first > last and spec.name == "year":
        earlier = f"{last}-{first}"
        return f"the range {base} runs backwards; write the earlier year first, such as {earlier}"
    # In the other fields a range may wrap: the examples of the EventBridge cron
    # reference list cron(0/30 20-2 ? * MON-FRI *), "every 30 minutes Monday through
    # Friday between 10:00 pm on the starting day to 2:00 am on the following day"
    # (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html),
    # and the current page defines "-" only as "specifies ranges", with no order.
    return None


def _special_problem(spec: _Field, part: str) -> str | None:
    """Check L, W and #; return '' when the part is a valid special, None when not special."""
    upper = part.upper()
    if not any(c in upper for c in "LW#") or upper in spec.names:
        return None
    if spec.name == "day-of-month":
        if upper in ("L", "LW"):
            return ""
        match = re.fullmatch(r"(\d+)W", upper)
        if match:
            day = int(match[1])
            return "" if 1 <= day <= 31 else f"{day}W: the day must be 1-31"
        return f"{part!r}: day-of-month takes L (last day), LW or nW (weekday nearest day n)"
    if spec.name == "day-of-week":
        if upper == "L":
            return ""
        match = re.fullmatch(r"([0-9A-Z]+)(L|#(\d+))", upper)
        if match:
            weekday = _value(spec, match[1])
            if isinstance(weekday, str):
                return weekday
            if match[3] is not None and not 1 <= int(match[3]) <= 5:
                return f"{part!r}: the week of the month after # must be 1-5"
            return ""
        return f"{part!r}: day-of-week takes L, nL (last weekday n) or n#k (k-th weekday n)"
    return f"{part!r}: L, W and # are only allowed in the day fields"


# -------------------------------------------------------------------- tasks

DEFAULT_MAX_CONCURRENCY: Final = "10%"
"""Fleet tasks run on a tenth of the matching instances at a time."""
DEFAULT_MAX_ERRORS: Final = "1"
"""Fleet tasks stop after the second failed instance."""
DEFAULT_TARGET_PARAMETER: Final = "InstanceId"
"""The runbook parameter that receives each targeted instance."""

_MAX_CONCURRENCY_RE: Final = re.compile(r"[1-9][0-9]*|[1-9][0-9]?%|100%")
_MAX_ERRORS_RE: Final = re.compile(r"0|[1-9][0-9]*|[0-9]%|[1-9][0-9]%|100%")
INSTANCE_ID_RE: Final = re.compile(r"i-[0-9a-f]{8}(?:[0-9a-f]{9})?")


@dataclass(frozen=True, kw_only=True)
class InstanceTargets:
    """Instances chosen by a tag, and how fast a task works through them.

    Parameters
    ----------
    tag
        Tag key; instances with this tag and one of ``values`` are targeted.
    values
        Tag values, 1 to 50.
    max_concurrency
        Instances at a time: a number or a percentage. Default: 10%.
    max_errors
        Failures tolerated before the task stops: a number or a percentage. Default: 1.
    """

    tag: str
    values: tuple[str, ...]
    max_concurrency: str = DEFAULT_MAX_CONCURRENCY
    max_errors: str = DEFAULT_MAX_ERRORS


@dataclass(frozen=True, kw_only=True)
class RunbookAction:
    """Start an SSM Automation runbook.

    ``parameters`` values may hold ``<name>`` placeholders filled from the event
    (rules only). ``targets`` runs the runbook once per tagged instance with rate
    control (schedules only: an EventBridge Automation target cannot target).
    ``permissions`` adds what a runbook outside :data:`DOCUMENT_PERMISSIONS` needs.
    """

    document: str
    parameters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    targets: InstanceTargets | None = None
    target_parameter: str = DEFAULT_TARGET_PARAMETER
    permissions: tuple[Permission, ...] = ()


@dataclass(frozen=True, kw_only=True)
class CommandAction:
    """Run an SSM Command document (Run Command) on tagged instances."""

    document: str
    targets: InstanceTargets
    parameters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class LambdaAction:
    """Invoke a Lambda function with a JSON payload (default: the event, or {} on a schedule)."""

    function_arn: str
    payload: Mapping[str, Any] | None = None


@dataclass(frozen=True, kw_only=True)
class OpsItemAction:
    """Open a Systems Manager OpsCenter OpsItem (rules only).

    ``title`` and ``description`` may hold ``<name>`` placeholders. OpsCenter
    does not open a second OpsItem while one with the same deduplication string
    is open; the default string is the rule's name.
    """

    title: str
    description: str
    severity: int = 3
    category: str | None = None
    dedup: str | None = None


@dataclass(frozen=True, kw_only=True)
class NotifyAction:
    """Publish to a blueprint topic (rules only): ``message`` with placeholders, or the event."""

    topic: str
    message: str | None = None


Action = RunbookAction | CommandAction | LambdaAction | OpsItemAction | NotifyAction
ActionKind = Literal["runbook", "run_command", "lambda", "opsitem", "topic"]


def action_kind(action: Action) -> ActionKind:
    """Return the kind name an action goes by in the blueprint file."""
    kinds: dict[type, ActionKind] = {
        RunbookAction: "runbook",
        CommandAction: "run_command",
        LambdaAction: "lambda",
        OpsItemAction: "opsitem",
        NotifyAction: "topic",
    }
    return kinds[type(action)]


# --------------------------------------------------- what runbooks need


@dataclass(frozen=True)
class DocumentGrant:
    """Actions a runbook takes on one kind of resource.

    ``resource`` is ``instance`` (the instances the runbook acts on), ``image``
    or ``snapshot`` (created by the call, so their ids are unknown), ``*``
    for actions without resource-level permissions, or ``parameter``: the ARNs
    the document parameter ``parameter`` holds (``TopicArn``).
    """

    actions: tuple[str, ...]
    resource: Literal["instance", "image", "snapshot", "parameter", "*"]
    parameter: str | None = None


DOCUMENT_PERMISSIONS: Final[Mapping[str, tuple[DocumentGrant, ...]]] = {
    "AWS-RestartEC2Instance": (
        DocumentGrant(("ec2:StopInstances", "ec2:StartInstances"), "instance"),
        DocumentGrant(("ec2:DescribeInstanceStatus",), "*"),
    ),
    "AWS-StopEC2Instance": (
        DocumentGrant(("ec2:StopInstances",), "instance"),
        DocumentGrant(("ec2:DescribeInstanceStatus",), "*"),
    ),
    "AWS-StartEC2Instance": (
        DocumentGrant(("ec2:StartInstances",), "instance"),
        DocumentGrant(("ec2:DescribeInstanceStatus",), "*"),
    ),
    "AWS-CreateImage": (
        DocumentGrant(("ec2:CreateImage",), "instance"),
        DocumentGrant(("ec2:CreateImage",), "image"),
        DocumentGrant(("ec2:CreateImage",), "snapshot"),
        DocumentGrant(("ec2:DescribeImages",), "*"),
    ),
    "AWS-PublishSNSNotification": (
        DocumentGrant(("sns:Publish",), "parameter", parameter="TopicArn"),
    ),
}
"""What the well-known runbooks do, from their steps (aws:changeInstanceState
waits with DescribeInstanceStatus; aws:createImage waits with DescribeImages;
AWS-PublishSNSNotification publishes to its TopicArn, and a topic encrypted with
a customer key also needs kms:GenerateDataKey and kms:Decrypt on that key, which
the runbook's ``permissions`` add). The automation runs with a role of its own
that gets these (security/runbooks.py)."""

NO_RESOURCE_LEVEL_ACTIONS: Final[frozenset[str]] = frozenset(
    {
        "ssm:CreateOpsItem",
        "ssm:DescribeInstanceInformation",
        "tag:GetResources",
        "cloudwatch:PutMetricData",
        "cloudwatch:DescribeAlarms",
    }
)
"""Actions that take no resource ARN (besides EC2's ``Describe*`` calls)."""


def has_no_resource_level(action: str) -> bool:
    """True when IAM cannot scope ``action`` to a resource (EC2 Describe*, ssm:CreateOpsItem)."""
    return (
        bool(re.fullmatch(r"ec2:Describe[A-Za-z]+", action)) or action in NO_RESOURCE_LEVEL_ACTIONS
    )


PRIVILEGED_ACTION_RE: Final = re.compile(
    r"iam:(?:PassRole|Create[A-Za-z]*|Attach[A-Za-z]*|Put[A-Za-z]*Policy|Update[A-Za-z]*Policy"
    r"|SetDefaultPolicyVersion|AddUserToGroup|UpdateAssumeRolePolicy)"
    r"|sts:AssumeRole[A-Za-z]*"
)
"""Actions that let whoever runs the task take more rights than it was given: a task
role never gets them (iam:PassRole would need an iam:PassedToService condition)."""


def permission_problems(permissions: Sequence[Permission]) -> Iterator[Problem]:
    """Refuse wildcard actions, and wildcard resources where IAM could scope the action.

    Locations are ``permissions[i].actions`` and ``permissions[i].resources``.
    """
    for index, permission in enumerate(permissions):
        where = f"permissions[{index}]"
        if not permission.actions:
            yield Problem(f"{where}.actions", "name at least one action")
        for action in permission.actions:
            if (
                "*" in action
                or "?" in action
                or not re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9]+", action)
            ):
                yield Problem(
                    f"{where}.actions",
                    f"{action!r} is not allowed; name each action in full "
                    "(service:Action, such as ec2:StartInstances), no wildcards",
                )
            if PRIVILEGED_ACTION_RE.fullmatch(action):
                yield Problem(
                    f"{where}.actions",
                    f"{action!r} would let the task grant itself more than it is given; "
                    "a task role never gets IAM write actions, iam:PassRole or sts:AssumeRole",
                )
        if not permission.resources:
            yield Problem(f"{where}.resources", "name at least one resource ARN")
        wild = [r for r in permission.resources if "*" in r or "?" in r]
        scoped = [a for a in permission.actions if not has_no_resource_level(a)]
        if wild and scoped:
            yield Problem(
                f"{where}.resources",
                f"{', '.join(map(repr, wild))}: a wildcard resource is only allowed for "
                "actions without resource-level permissions (such as ec2:Describe*); "
                f"name the resources of {', '.join(scoped)} by ARN, or move those actions "
                "to their own permission",
            )


_EVENT_PLACEHOLDER_RE: Final = re.compile(r"<[A-Za-z0-9_.-]+>")
"""A runbook parameter value the event fills (the whole value is one placeholder)."""


def acts_on_instances(document: str) -> bool:
    """True when the blueprint grants ``document`` instance actions (stop, start, image)."""
    return any(g.resource == "instance" for g in DOCUMENT_PERMISSIONS.get(document, ()))


def instance_parameter_problems(action: RunbookAction, *, on_schedule: bool) -> Iterator[Problem]:
    """Refuse instance parameters that would widen a runbook's role to every instance.

    A runbook of :data:`DOCUMENT_PERMISSIONS` that stops, starts or images
    instances gets those actions on the instance ids of its target parameter, on
    the tagged instances (``targets``), or, in a response, on the instance a
    ``<placeholder>`` takes from the event. A value that is none of these (an id
    in upper case, a name, nothing at all) leaves nothing to scope by: the role
    would get ``instance/*``. Location: ``parameters.<target parameter>``.
    """
    if action.targets is not None or not acts_on_instances(action.document):
        return
    name = action.target_parameter
    where = f"parameters.{name}"
    values = action.parameters.get(name, ())
    allowed = (
        "instance ids (i-0123456789abcdef0), or targets to run it on tagged instances"
        if on_schedule
        else "instance ids (i-0123456789abcdef0), or one placeholder the event fills "
        "(['<instance>'] with input_paths {instance: $.detail.instance-id})"
    )
    if not values:
        yield Problem(
            where,
            f"{action.document} acts on the instances in {name}, and its role may act only "
            f"on those: give {allowed}",
        )
        return
    placeholders = [v for v in values if _EVENT_PLACEHOLDER_RE.fullmatch(v)]
    for value in values:
        if value in placeholders:
            if on_schedule:
                yield Problem(
                    where,
                    f"{value[:40]!r}: a schedule has no event to fill a placeholder; "
                    f"give {allowed}",
                )
            continue
        if not INSTANCE_ID_RE.fullmatch(value):
            upper = INSTANCE_ID_RE.fullmatch(value.lower()) is not None
            case = " (instance ids are lower case)" if upper else ""
            yield Problem(
                where,
                f"{value[:40]!r} is not an instance id{case}: the role of {action.document} is "
                f"scoped to the instances named here, and this names none (it would get every "
                f"instance). Give {allowed}",
            )
    literal = [v for v in values if v not in placeholders]
    if placeholders and literal and not on_schedule:
        yield Problem(
            where,
            f"{values[0][:40]!r}, ...: mixes instance ids and placeholders, so the role could "
            f"only be scoped to every instance; give {allowed}",
        )


def event_source_problems(action: Action, pattern: Mapping[str, Any]) -> Iterator[Problem]:
    """Refuse a response that acts on an instance a forgeable event names.

    Only AWS services may send events whose ``source`` starts with ``aws.``
    ("Customer-generated events can have any value here, as long as it doesn't
    begin with 'aws.'": EventBridge events reference, Event structure,
    https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html).
    Any other source, or none, lets whoever may call ``events:PutEvents`` send an
    event naming any instance; a runbook that takes its instance from the event
    would then stop or start it. Partner events (``aws.partner/...``) come from
    third parties and count as forgeable too.

    The rule is the source rather than a tag condition on the role: a response
    to an AWS event (an EC2 state change, a GuardDuty finding) is meant to act on
    whatever instance AWS reports, and a condition the instance lacks would make
    the runbook fail at run time, silently. Location: ``parameters.<target parameter>``.
    """
    if not isinstance(action, RunbookAction) or action.targets is not None:
        return
    if not acts_on_instances(action.document):
        return
    values = action.parameters.get(action.target_parameter, ())
    from_event = [v for v in values if _EVENT_PLACEHOLDER_RE.fullmatch(v)]
    if not from_event or _only_aws_sources(pattern):
        return
    source = pattern.get("source", "none")
    yield Problem(
        f"parameters.{action.target_parameter}",
        f"{from_event[0][:40]!r} takes the instance from the event, but the pattern's source "
        f"{str(source)[:80]} is not only AWS services: anyone who may call events:PutEvents "
        f"could send such an event naming any instance, and {action.document} would act on "
        "it. Match AWS service events only (every source a literal starting with aws., which "
        "only AWS services may send), or name the instance ids",
    )


def _only_aws_sources(pattern: Mapping[str, Any]) -> bool:
    if "source" in pattern:
        sources = pattern["source"]
        return (
            isinstance(sources, list)
            and bool(sources)
            and all(
                isinstance(s, str) and s.startswith("aws.") and not s.startswith("aws.partner/")
                for s in sources
            )
        )
    alternatives = pattern.get("$or")
    return (
        isinstance(alternatives, list)
        and bool(alternatives)
        and all(isinstance(a, Mapping) and _only_aws_sources(a) for a in alternatives)
    )


def targets_problems(targets: InstanceTargets) -> Iterator[Problem]:
    """Check a tag target and its rate control (locations under ``targets``)."""
    # One rule with State Manager's (ssm_schedules): an Automation's Targets are SSM's
    # Target type, whose Key pattern (botocore `ssm`, TargetKey) has no +; EventBridge's
    # RunCommandTargetKey (botocore `events`) takes +, but the command is sent with SSM's
    # SendCommand, whose Targets are that same SSM type, so + would fail every run.
    if not is_target_tag_key(targets.tag):
        yield Problem(
            "targets.tag",
            f"{cut(targets.tag)!r} is not a tag key a Run Command or Automation target takes; "
            f"use 1 to {TAG_KEY_MAX} letters, digits, spaces and {' '.join(TAG_KEY_SYMBOLS)} "
            "(no +), not starting with aws:",
        )
    if not 1 <= len(targets.values) <= 50:
        yield Problem("targets.values", f"{len(targets.values)} values; give 1 to 50")
    for value in targets.values:
        if not 1 <= len(value) <= 256:
            yield Problem("targets.values", f"{cut(value)!r}: a tag value is 1 to 256 characters")
    if not _MAX_CONCURRENCY_RE.fullmatch(targets.max_concurrency):
        yield Problem(
            "targets.max_concurrency",
            f"{cut(targets.max_concurrency)!r} is not a concurrency; use a number of instances "
            "(such as 5) or a percentage from 1% to 100%",
        )
    if not _MAX_ERRORS_RE.fullmatch(targets.max_errors):
        yield Problem(
            "targets.max_errors",
            f"{cut(targets.max_errors)!r} is not an error threshold; use a number (0 stops at the "
            "first failure) or a percentage from 0% to 100%",
        )


_ARN_PARAMETERS: Final = {
    "AutomationAssumeRole": arns.IAM_ROLE,
    "TopicArn": arns.SNS_TOPIC,
}
"""Runbook parameters whose values are ARNs of one kind: the automation role it runs with,
and the topic ``AWS-PublishSNSNotification`` publishes to (its role is granted on them)."""
TARGET_INPUT_MAX: Final = 8192
"""The longest Input an EventBridge rule or Scheduler target takes (botocore's models)."""
_ROLE_ALLOWANCE: Final = 150
"""Characters the automation role's ARN adds to a runbook's parameters."""


def runbook_problems(action: RunbookAction, *, on_schedule: bool) -> Iterator[Problem]:
    """What the automation role of a runbook could not be scoped by.

    A document the blueprint does not know needs ``permissions`` (its automation
    role gets exactly those); the user's permissions are checked; instance
    parameters must name instances (or, in a response, one placeholder); a
    known document that acts on the ARNs of a parameter (``TopicArn``) needs it.
    A runbook given its own ``AutomationAssumeRole`` brings its permissions:
    only the instance check applies. ``on_schedule`` for schedules and alarm
    runbooks (fixed parameters), else a rule's response.
    """
    if "AutomationAssumeRole" not in action.parameters:
        if action.document not in DOCUMENT_PERMISSIONS and not action.permissions:
            known = ", ".join(DOCUMENT_PERMISSIONS)
            yield Problem(
                "permissions",
                f"the blueprint does not know what {action.document} does; list the "
                "actions and resources it needs under permissions (the runbook runs with "
                f"exactly those), or use one of {known}",
            )
        for grant in DOCUMENT_PERMISSIONS.get(action.document, ()):
            if grant.parameter is not None and not action.parameters.get(grant.parameter):
                yield Problem(
                    f"parameters.{grant.parameter}",
                    f"{action.document} needs {grant.parameter}: its automation role may "
                    f"{', '.join(grant.actions)} only on the ARNs given there",
                )
    for name, kind in _ARN_PARAMETERS.items():
        for index, value in enumerate(action.parameters.get(name, ())):
            if _EVENT_PLACEHOLDER_RE.fullmatch(value):
                continue
            if message := arns.arn_problem(value, [kind]):
                yield Problem(f"parameters.{name}[{index}]", message)
    yield from permission_problems(action.permissions)
    yield from instance_parameter_problems(action, on_schedule=on_schedule)
    text = json.dumps({k: list(v) for k, v in action.parameters.items()}, separators=(",", ":"))
    # The automation role's ARN is added when the parameters do not name one.
    size = len(text) + (0 if "AutomationAssumeRole" in action.parameters else _ROLE_ALLOWANCE)
    if size > TARGET_INPUT_MAX:
        yield Problem(
            "parameters",
            f"{cut(text, 60)} makes a target input of about {size:,} characters; EventBridge "
            f"takes at most {TARGET_INPUT_MAX:,}: shorten the parameters",
        )


def action_problems(action: Action, *, on_schedule: bool) -> list[Problem]:
    """Return what is wrong with one action; ``on_schedule`` for schedules, else a rule."""
    problems: list[Problem] = []
    kind = action_kind(action)
    if on_schedule and kind in ("opsitem", "topic"):
        problems.append(
            Problem(
                "",
                f"a schedule cannot take {'an OpsItem' if kind == 'opsitem' else 'a topic'} "
                "action; schedules run runbook, run_command or lambda tasks",
            )
        )
    if isinstance(action, RunbookAction | CommandAction):
        if message := check_ssm_document_name(action.document):
            problems.append(Problem("document", message))
        if action.targets is not None:
            problems += list(targets_problems(action.targets))
    if isinstance(action, RunbookAction):
        if action.targets is not None and not on_schedule:
            problems.append(
                Problem(
                    "targets",
                    "an EventBridge Automation target starts one execution with fixed "
                    "parameters: it cannot target instances by tag or control the rate. Pass "
                    "the event's instance with input_paths (InstanceId: ['<instance>']), use a "
                    "run_command action, or run the runbook from a schedule",
                )
            )
        if action.targets is not None and action.target_parameter in action.parameters:
            problems.append(
                Problem(
                    f"parameters.{action.target_parameter}",
                    f"{action.target_parameter} is filled with each targeted instance; "
                    "do not set it as well",
                )
            )
        problems += list(runbook_problems(action, on_schedule=on_schedule))
    if isinstance(action, LambdaAction) and (
        message := arns.arn_problem(action.function_arn, [arns.LAMBDA_FUNCTION])
    ):
        problems.append(Problem("arn", message))
    if isinstance(action, OpsItemAction):
        if action.severity not in (1, 2, 3, 4):
            problems.append(Problem("severity", f"{action.severity} is not 1, 2, 3 or 4"))
        if action.category is not None and action.category not in OPSITEM_CATEGORIES:
            problems.append(
                Problem(
                    "category",
                    f"{action.category!r} is not one of {', '.join(OPSITEM_CATEGORIES)}",
                )
            )
        if not 1 <= len(action.title) <= 1024:
            problems.append(Problem("title", "an OpsItem title is 1 to 1,024 characters"))
        if not 1 <= len(action.description) <= 2048:
            problems.append(Problem("description", "a description is 1 to 2,048 characters"))
    return problems


def instance_ids(
    action: RunbookAction, parameter: str = DEFAULT_TARGET_PARAMETER
) -> tuple[str, ...]:
    """Return the literal instance ids in a runbook parameter (none if one is a placeholder)."""
    values = action.parameters.get(parameter, ())
    if values and all(INSTANCE_ID_RE.fullmatch(v) for v in values):
        return tuple(values)
    return ()


def action_templates(action: Action) -> list[tuple[str, str]]:
    """Return the texts of an action that may hold ``<placeholders>``, by field name."""
    if isinstance(action, RunbookAction):
        return [
            (f"parameters.{name}", value)
            for name, values in action.parameters.items()
            for value in values
        ]
    if isinstance(action, OpsItemAction):
        return [("title", action.title), ("description", action.description)]
    if isinstance(action, NotifyAction) and action.message is not None:
        return [("message", action.message)]
    return []
