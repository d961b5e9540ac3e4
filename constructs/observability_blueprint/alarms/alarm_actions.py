"""Turning action settings into what CloudWatch alarms call.

Every action is bound by ARN (SNS topics by reference), so the actions need no
lookups and work for resources this stack does not own. Lambda functions get
the permission CloudWatch alarms need to invoke them; runbooks, which an alarm
cannot start, get an :class:`~observability_blueprint.alarms.alarm_runbook.AlarmRunbook`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from typing import cast

import jsii
from aws_cdk import Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.alarms.alarm_runbook import AlarmRunbook
from observability_blueprint.rules import arns
from observability_blueprint.rules.alarm_settings import (
    Action,
    ActionKind,
    ActionSet,
    ActionSpec,
    AlarmKind,
    AlarmState,
    TopicLike,
    action_arn_problem,
    action_kind,
    action_kind_of_arn,
)
from observability_blueprint.rules.errors import BlueprintError, Problem


@jsii.implements(cloudwatch.IAlarmAction)
class ArnAlarmAction:
    """An alarm action given by its ARN."""

    def __init__(self, arn: str) -> None:
        self._arn = arn

    @property
    def arn(self) -> str:
        """The action's ARN, as given."""
        return self._arn

    def bind(self, scope: Construct, alarm: cloudwatch.IAlarm) -> cloudwatch.AlarmActionConfig:
        """Return the ARN for the alarm's action list."""
        return cloudwatch.AlarmActionConfig(alarm_action_arn=self._arn)


_PLACES: weakref.WeakKeyDictionary[Construct, arns.Place] = weakref.WeakKeyDictionary()
"""Each construct's stack place, once asked (a construct never changes stack, and a
stack's Region and account are fixed when it is made)."""


def stack_place(scope: Construct) -> arns.Place:
    """The partition, Region and account of ``scope``'s stack, where known at synthesis.

    Computed once per construct and once per stack (three jsii calls), so the
    alarms of one scope share it.
    """
    place = _PLACES.get(scope)
    if place is None:
        stack = Stack.of(scope)
        place = _PLACES.get(stack)
        if place is None:
            place = arns.Place.of(region=stack.region, account=stack.account)
            _PLACES[stack] = place
        _PLACES[scope] = place
    return place


_TOPIC_ARNS: weakref.WeakKeyDictionary[sns.ITopic, str] = weakref.WeakKeyDictionary()
"""Topic ARNs read once per topic object (fixed when the topic is made)."""


def _topic_arn(topic: sns.ITopic) -> str:
    arn = _TOPIC_ARNS.get(topic)
    if arn is None:
        arn = topic.topic_arn
        _TOPIC_ARNS[topic] = arn
    return arn


def action_arn(
    spec: ActionSpec, *, scope: Construct, named_topics: Mapping[str, sns.ITopic]
) -> str:
    """Return the ARN CloudWatch calls for an action (not for runbooks)."""
    if spec.topic is not None:
        if spec.topic.startswith("arn:"):
            return spec.topic
        if spec.topic not in named_topics:
            raise BlueprintError.at(
                scope.node.path,
                f"topic {spec.topic!r} is not known here; pass it in named_topics= "
                f"(known: {', '.join(sorted(named_topics)) or 'none'})",
            )
        return _topic_arn(named_topics[spec.topic])
    if spec.lambda_arn is not None:
        return spec.lambda_arn
    stack = Stack.of(scope)
    if spec.ec2 is not None:
        return f"arn:{stack.partition}:automate:{stack.region}:ec2:{spec.ec2}"
    if spec.autoscaling_policy_arn is not None:
        return spec.autoscaling_policy_arn
    if spec.opsitem_severity is not None:
        category = f"#CATEGORY={spec.opsitem_category}" if spec.opsitem_category else ""
        return (
            f"arn:{stack.partition}:ssm:{stack.region}:{stack.account}:opsitem:"
            f"{spec.opsitem_severity}{category}"
        )
    if spec.incident_response_plan is not None:
        return (
            f"arn:{stack.partition}:ssm-incidents::{stack.account}:responseplan/"
            f"{spec.incident_response_plan}"
        )
    raise ValueError(f"{spec.kind} is not an alarm action")


_KINDS: tuple[tuple[type, ActionKind], ...] = (
    (cloudwatch_actions.SnsAction, "topic"),
    (cloudwatch_actions.LambdaAction, "lambda"),
    (cloudwatch_actions.Ec2Action, "ec2"),
    (cloudwatch_actions.AutoScalingAction, "autoscaling"),
    (cloudwatch_actions.SsmAction, "opsitem"),
    (cloudwatch_actions.SsmIncidentAction, "incident"),
)


def alarm_action_kind(action: Action) -> ActionKind | None:
    """Return the kind of any action: a spec, a topic or one of aws-cdk-lib's actions.

    None for an action class this package does not know (bound as given, unchecked).
    """
    kind = action_kind(action)
    if kind is not None:
        return kind
    if isinstance(action, ArnAlarmAction):
        return action_kind_of_arn(action.arn)
    return next((k for cls, k in _KINDS if isinstance(action, cls)), None)


_ADDERS: Mapping[str, Callable[[cloudwatch.AlarmBase], Callable[..., None]]] = {
    "alarm": lambda a: a.add_alarm_action,
    "ok": lambda a: a.add_ok_action,
    "insufficient_data": lambda a: a.add_insufficient_data_action,
}
_STATE_VALUES: Mapping[str, AlarmState] = {
    "alarm": "ALARM",
    "ok": "OK",
    "insufficient_data": "INSUFFICIENT_DATA",
}


def bind_actions(
    alarm: cloudwatch.AlarmBase,
    actions: ActionSet,
    *,
    scope: Construct,
    named_topics: Mapping[str, sns.ITopic],
    kind: AlarmKind,
) -> list[AlarmRunbook]:
    """Add the actions to ``alarm``; return the runbook rules created in ``scope``.

    Every action becomes an ARN first (aws-cdk-lib's own actions are bound here,
    as ``add_alarm_action`` would bind them), and each ARN is checked as the API
    of an alarm of ``kind`` takes it (:func:`action_arn_problem`) before any is
    added: an SQS queue given as a topic, an OpsItem category on a composite alarm
    or an ARN of another partition stop synthesis at ``<path>.actions.<state>[i]``.
    """
    runbooks: list[AlarmRunbook] = []
    invoked: set[str] = set()
    place = stack_place(scope)
    bound: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for state, specs in actions.by_state().items():
        for index, spec in enumerate(specs):
            if isinstance(spec, ActionSpec) and spec.runbook is not None:
                runbooks.append(
                    AlarmRunbook(
                        scope,
                        f"Runbook{_STATE_VALUES[state].title().replace('_', '')}{index}",
                        alarm=alarm,
                        state=_STATE_VALUES[state],
                        document=spec.runbook,
                        parameters=spec.runbook_parameters,
                        permissions=spec.runbook_permissions,
                    )
                )
                continue
            arn = _arn_of(spec, alarm=alarm, scope=scope, named_topics=named_topics)
            message = action_arn_problem(arn, kind=kind, state=state, place=place)
            if message:
                problems.append(Problem(f"{scope.node.path}.actions.{state}[{index}]", message))
            bound.append((state, arn))
            lambda_arn = spec.lambda_arn if isinstance(spec, ActionSpec) else None
            if lambda_arn is not None and lambda_arn not in invoked:
                invoked.add(lambda_arn)
                lambda_.CfnPermission(
                    scope,
                    f"InvokePermission{len(invoked)}",
                    action="lambda:InvokeFunction",
                    function_name=lambda_arn,
                    principal="lambda.alarms.cloudwatch.amazonaws.com",
                    source_arn=alarm.alarm_arn,
                    source_account=Stack.of(scope).account,
                )
    if problems:
        raise BlueprintError(problems)
    # One call per action, not one per state with all of them: aws-cdk-lib records
    # each call in the template's CDKMetadata, which must not change.
    for state, arn in bound:
        _ADDERS[state](alarm)(ArnAlarmAction(arn))
    return runbooks


def _arn_of(
    action: Action,
    *,
    alarm: cloudwatch.AlarmBase,
    scope: Construct,
    named_topics: Mapping[str, sns.ITopic],
) -> str:
    """The ARN an action puts in the alarm's action list."""
    if isinstance(action, ActionSpec):
        return action_arn(action, scope=scope, named_topics=named_topics)
    if hasattr(action, "topic_arn"):  # a topic: notified like a topic spec
        return cast(TopicLike, action).topic_arn
    # aws-cdk-lib's own action: bound as AlarmBase.addAlarmAction binds it.
    config = cast(cloudwatch.IAlarmAction, action).bind(alarm, alarm)
    return config.alarm_action_arn
