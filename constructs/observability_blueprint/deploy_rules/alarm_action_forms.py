"""OBS-AlarmActionForms: each alarm kind and state takes only the action forms its API lists.

PutMetricAlarm (AWS::CloudWatch::Alarm) takes EC2 actions
(``arn:aws:automate:REGION:ec2:stop|terminate|reboot|recover`` and their
``arn:aws:swf:...`` forms), Auto Scaling policies, Lambda functions, SNS topics,
``arn:aws:ssm:REGION:ACCOUNT:opsitem:SEVERITY#CATEGORY=CATEGORY``, Incident
Manager response plans and investigation groups; PutCompositeAlarm takes SNS,
Lambda, ``opsitem:SEVERITY`` without ``#CATEGORY``, Incident Manager response
plans and investigations on ALARM, only SNS and Lambda on OK and
INSUFFICIENT_DATA; PutLogAlarm (AWS::CloudWatch::LogAlarm) takes SNS and Lambda,
and ``opsitem:SEVERITY`` without ``#CATEGORY`` on ALARM. This rule holds no table
of its own: which kind takes what in which state, and the ARN of each action, are
the blueprint's
(``rules.alarm_settings``: ``ACCEPTED_ACTIONS``, ``ACTION_ARNS``,
``OPSITEM_CATEGORY_KINDS``, with their sources), so a user stack is held to what
the blueprint's own alarms are, and ARNs are read by ``rules.arns``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, Literal

from observability_blueprint.deploy_rules.rule import Finding, Rule
from observability_blueprint.deploy_rules.template import (
    StackTemplate,
    TemplateResource,
    arn_of,
    render,
)
from observability_blueprint.rules import arns
from observability_blueprint.rules.alarm_settings import (
    ACCEPTED_ACTIONS,
    ACTION_ARNS,
    OPSITEM_CATEGORY_KINDS,
    ActionKind,
    AlarmKind,
    accepted_forms,
)
from observability_blueprint.rules.arns import PLACEHOLDER, ArnError, Place, parse_arn

METRIC_ALARM: Final = "AWS::CloudWatch::Alarm"
COMPOSITE_ALARM: Final = "AWS::CloudWatch::CompositeAlarm"
LOG_ALARM: Final = "AWS::CloudWatch::LogAlarm"
STATE_PROPERTIES: Final[Mapping[str, str]] = {
    "AlarmActions": "alarm",
    "OKActions": "ok",
    "InsufficientDataActions": "insufficient_data",
}
SOURCE: Final = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html"
)
_NAMES: Final[Mapping[AlarmKind, str]] = {
    "static": "a metric alarm",
    "anomaly": "an anomaly detection alarm",
    "composite": "a composite alarm",
    "log": "a log alarm",
}
_REFERENCED: Final[Mapping[str, ActionKind]] = {
    "AWS::SNS::Topic": "topic",
    "AWS::Lambda::Function": "lambda",
    "AWS::Lambda::Alias": "lambda",
    "AWS::Lambda::Version": "lambda",
    "AWS::AutoScaling::ScalingPolicy": "autoscaling",
}
"""Same-stack resources whose reference (``Ref`` or ``Fn::GetAtt``) is an alarm action."""


def alarm_kind(resource: TemplateResource) -> AlarmKind:
    """Return the kind of an alarm resource: an anomaly alarm compares with a band."""
    if resource.type == COMPOSITE_ALARM:
        return "composite"
    if resource.type == LOG_ALARM:
        return "log"
    return "anomaly" if resource.properties.get("ThresholdMetricId") else "static"


def action_form(text: str, template: StackTemplate) -> ActionKind | Literal[""] | None:
    """Return the kind of alarm action ``text`` is (a key of ``ACTION_ARNS``), if known.

    ``""`` for text that is no alarm action at all (not an ARN, or the ARN of
    something else); None when it cannot be told before deploy (a parameter, a
    value CloudFormation computes, an ARN whose service or type is a placeholder).
    A whole reference to a topic, function or scaling policy of the same stack is
    that kind.
    """
    referenced = template.referenced_resource(text)
    if referenced is not None:
        return _REFERENCED.get(referenced)
    if not text.startswith("arn:"):
        return None if PLACEHOLDER.search(text) or arns.is_unresolved(text) else ""
    arn = arn_of(text)
    if arn is None:
        return ""
    if not (arn.known(arn.service) and arn.known(arn.resource_type)):
        return None
    return next(
        (action for action, kinds in ACTION_ARNS.items() if any(k.matches(arn) for k in kinds)),
        "",
    )


def _label(action: ActionKind) -> str:
    return ACTION_ARNS[action][0].label


def _problem(
    text: str, action: ActionKind | Literal[""], kind: AlarmKind, state: str
) -> str | None:
    """What is wrong with one action of known form: written to follow the value."""
    name = _NAMES[kind]
    if action == "":
        try:
            other = parse_arn(text, placeholders=True)
        except ArnError as error:
            return f"{error.reason}, so not an alarm action"
        return f"is {arns.describe(other)} ARN, which is not an alarm action"
    if action not in ACCEPTED_ACTIONS[kind][state]:
        return f"is {_label(action)}, which {name} does not take on {state.upper()}"
    arn = arn_of(text)
    if arn is None:  # a same-stack reference: its form is right by construction
        return None
    if action == "opsitem" and kind not in OPSITEM_CATEGORY_KINDS and "#" in arn.resource_id:
        return f"names an OpsItem category, which {name} does not take"
    arn_kind = next(k for k in ACTION_ARNS[action] if k.matches(arn))
    return arn_kind.id_reason(arn)


def check(resource: TemplateResource, template: StackTemplate) -> Sequence[Finding]:
    """Refuse each action whose form the alarm's kind does not take in that state."""
    findings: list[Finding] = []
    kind = alarm_kind(resource)
    place = Place.of(region=template.region, account=template.account)
    for prop, state in STATE_PROPERTIES.items():
        actions = resource.properties.get(prop)
        if not isinstance(actions, list):
            continue
        allowed = accepted_forms(kind, state, with_arns=True)
        for index, action in enumerate(actions):
            text = render(action)
            form = None if text is None else action_form(text, template)
            if text is None or form is None:
                continue
            problem = _problem(text, form, kind, state)
            arn = arn_of(text) if problem is None else None
            if arn is not None:
                problem = arns.place_reason(arn, place)
            if problem is not None:
                findings.append(Finding(f"Properties/{prop}/{index}", text, problem, allowed))
    return findings


RULE: Final = Rule(
    id="OBS-AlarmActionForms",
    info="Each alarm action is a form its alarm kind takes in that state.",
    explanation=(
        "CloudFormation refuses an alarm whose actions include an ARN form the PutMetricAlarm, "
        "PutCompositeAlarm or PutLogAlarm API does not list for that state: a composite alarm "
        "takes no OpsItem category and no EC2 or Auto Scaling action; a log alarm takes only "
        "SNS, Lambda and an OpsItem without category; Systems Manager actions and "
        "investigations run only on ALARM."
    ),
    source=SOURCE,
    resource_types=frozenset({METRIC_ALARM, COMPOSITE_ALARM, LOG_ALARM}),
    check=check,
)
