"""Forwarding events to another Region's default bus, and acting there on forwarded alarms.

IAM, STS and console sign-in events reach EventBridge in us-east-1 only, and
alarms on global metrics (CloudFront, Route 53 health checks) live there too.
Rather than copying topics, keys and subscribers into us-east-1 (every e-mail
subscriber would confirm twice, and CloudFormation refuses a Lambda
subscriber's ``AWS::Lambda::Permission`` in another Region: aws-cdk issues
10924 and 11826), the rules in us-east-1 only forward the events, unchanged,
to the home Region's default event bus. Everything else (matching, messages,
notifications, runbooks) happens in the home Region with the home topics.

* :class:`EventForwarder`, in the us-east-1 stack: one rule per forwarded
  pattern, whose target is the home bus, through a role that may put events on
  that bus only. An event bus target takes no retry policy: EventBridge retries
  it with its defaults (24 hours, 185 attempts) and then dead-letters it into
  the forwarder's queue, whose alarm's state changes are forwarded too.
* :class:`ForwardedAlarmActions`, in the home stack: rules on the forwarded
  ``CloudWatch Alarm State Change`` events of named alarms that notify the
  home topics, one rule per state, with a readable message.

Cross-Region event bus targets:
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from aws_cdk import Stack, Token
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.events.event_delivery import (
    DeliveredTarget,
    EventDelivery,
    add_topic_target,
    new_rule,
    rule_problems,
    text_input,
)
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.regions import check_region, partition_of

ALARM_STATE_CHANGE = "CloudWatch Alarm State Change"
"""The detail-type of the events CloudWatch sends when an alarm changes state."""
AlarmStateName = Literal["ALARM", "OK", "INSUFFICIENT_DATA"]
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def default_bus_arn(scope: Construct, region: str) -> str:
    """The ARN of ``region``'s default event bus in ``scope``'s account and partition."""
    stack = Stack.of(scope)
    return f"arn:{stack.partition}:events:{region}:{stack.account}:event-bus/default"


def forwarding_role(scope: Construct, id: str, *, bus_arn: str, description: str) -> iam.Role:
    """A role EventBridge assumes to put events on ``bus_arn`` and nowhere else.

    The trust policy admits EventBridge only on behalf of this account's rules
    (``aws:SourceAccount``), as the EventBridge user guide's confused-deputy
    section shows:
    https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html
    """
    stack = Stack.of(scope)
    role = iam.Role(
        scope,
        id,
        assumed_by=iam.ServicePrincipal(
            "events.amazonaws.com",
            conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
        ),
        description=description,
    )
    role.add_to_policy(iam.PolicyStatement(actions=["events:PutEvents"], resources=[bus_arn]))
    return role


def alarm_state_pattern(
    alarm_arns: Sequence[str], *, states: Sequence[AlarmStateName] = ()
) -> dict[str, Any]:
    """The pattern of state changes of the alarms ``alarm_arns`` (into ``states``, or any)."""
    pattern: dict[str, Any] = {
        "source": ["aws.cloudwatch"],
        "detail-type": [ALARM_STATE_CHANGE],
        "resources": list(alarm_arns),
    }
    if states:
        pattern["detail"] = {"state": {"value": list(states)}}
    return pattern


def alarm_arn(scope: Construct, *, region: str, alarm_name: str) -> str:
    """The ARN of the alarm ``alarm_name`` in ``region``, in ``scope``'s account."""
    stack = Stack.of(scope)
    return f"arn:{stack.partition}:cloudwatch:{region}:{stack.account}:alarm:{alarm_name}"


def _check_region(scope: Construct, path: str, region: str, here: str) -> list[Problem]:
    if Token.is_unresolved(region):
        return []
    if message := check_region(region):
        return [Problem(path, message)]
    stack = Stack.of(scope)
    if not Token.is_unresolved(stack.region) and (
        partition_of(region) != partition_of(stack.region)
    ):
        return [
            Problem(
                path,
                f"{region} is in the partition {partition_of(region)}, this stack in "
                f"{partition_of(stack.region)}: events cannot cross partitions",
            )
        ]
    if not Token.is_unresolved(here) and region == here:
        return [
            Problem(
                path,
                f"{region} is this stack's own Region: events need no forwarding there",
            )
        ]
    return []


class EventForwarder(Construct):
    """Rules that forward events, unchanged, to another Region's default event bus.

    Put it in a stack deployed where the events happen (us-east-1 for IAM, STS
    and console sign-in events); rules in ``to_region`` then match the
    forwarded events as if they had happened there (their ``region`` field
    still says where they came from).

    Parameters
    ----------
    to_region
        The Region whose default bus receives the events (this account's).
    delivery
        The dead-letter queue of the forwarding targets and its alarm. Default:
        a queue of its own (its alarm has no actions: forward its state
        changes with :meth:`forward_alarm_states`).
    rule_name_prefix
        Rule names are ``<prefix>-<name>``. Default: generated.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        to_region: str,
        delivery: EventDelivery | None = None,
        rule_name_prefix: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        problems = _check_region(
            self, f"{self.node.path}.to_region", to_region, Stack.of(self).region
        )
        if problems:
            raise BlueprintError(problems)
        self.to_region = to_region
        """The Region whose default bus receives the events."""
        self.bus_arn = default_bus_arn(self, to_region)
        """The ARN of the receiving bus."""
        self.delivery = delivery if delivery is not None else EventDelivery(self, "Delivery")
        """The dead-letter queue of the forwarding targets."""
        self.role = forwarding_role(
            self,
            "Role",
            bus_arn=self.bus_arn,
            description=f"EventBridge forwards events to the default bus of {to_region}",
        )
        """The role EventBridge uses to put events on the receiving bus."""
        self._prefix = rule_name_prefix
        self.rules: dict[str, events.Rule] = {}
        """The forwarding rules, by name."""

    def target(self) -> events.IRuleTarget:
        """The receiving bus as a rule target, with this forwarder's role and queue."""
        return DeliveredTarget(self.bus_arn, delivery=self.delivery, role=self.role, retry=False)

    def forward(
        self,
        name: str,
        pattern: Mapping[str, Any],
        *,
        description: str | None = None,
        enabled: bool = True,
    ) -> events.Rule:
        """Forward the events ``pattern`` matches; ``name`` is the rule's construct ID."""
        path = f"{self.node.path}/{name}"
        rule_name = f"{self._prefix}-{name}" if self._prefix else None
        problems = rule_problems(
            path, pattern=pattern, examples=None, rule_name=rule_name, targets=1
        )
        if not _ID_RE.fullmatch(name):
            shown = name if len(name) <= 40 else name[:40] + "…"
            problems.insert(
                0,
                Problem(
                    f"{self.node.path}.name",
                    f"{shown!r}: use 1 to 64 letters, digits, '.', '-' or '_', "
                    "starting with a letter or digit",
                ),
            )
        if name in self.rules:
            problems.append(Problem(f"{self.node.path}.name", f"{name!r} is forwarded already"))
        if problems:
            raise BlueprintError(problems)
        rule = new_rule(
            self,
            name,
            pattern=pattern,
            rule_name=rule_name,
            description=description or f"Forwards {name} events to {self.to_region}",
            enabled=enabled,
        )
        rule.add_target(self.target())
        self.rules[name] = rule
        return rule

    def forward_alarm_states(self, name: str, alarm_arns: Sequence[str]) -> events.Rule:
        """Forward the state changes of the alarms ``alarm_arns`` (of this Region)."""
        if not alarm_arns:
            raise BlueprintError.at(
                f"{self.node.path}/{name}.alarm_arns", "name at least one alarm"
            )
        return self.forward(
            name,
            alarm_state_pattern(alarm_arns),
            description=f"Forwards alarm state changes to {self.to_region}",
        )


ALARM_MESSAGE = (
    "CloudWatch alarm <alarm> in <region> is <state> (was <previous>) at <time>: <reason>"
)
ALARM_MESSAGE_PATHS = {
    "alarm": "$.detail.alarmName",
    "region": "$.region",
    "state": "$.detail.state.value",
    "previous": "$.detail.previousState.value",
    "time": "$.time",
    "reason": "$.detail.state.reason",
}


class ForwardedAlarmActions(Construct):
    """Notify topics here when alarms in another Region change state.

    The alarms' state changes must reach this Region's default bus (an
    :class:`EventForwarder` in their Region forwards them). One rule per state
    that has topics; each topic target retries and dead-letters through
    ``delivery``, and each topic's policy admits only these rules.

    Parameters
    ----------
    alarm_arns
        The alarms, by ARN (:func:`alarm_arn` builds one from a name).
    delivery
        Retries and the dead-letter queue of the topic targets.
    alarm, ok, insufficient_data
        Topics to notify when an alarm enters that state.
    rule_name_prefix
        Rule names are ``<prefix>-alarm``, ``<prefix>-ok``,
        ``<prefix>-insufficient-data``. Default: generated.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        alarm_arns: Sequence[str],
        delivery: EventDelivery,
        alarm: Sequence[sns.ITopic] = (),
        ok: Sequence[sns.ITopic] = (),
        insufficient_data: Sequence[sns.ITopic] = (),
        rule_name_prefix: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        wanted: tuple[tuple[AlarmStateName, str, str, Sequence[sns.ITopic]], ...] = (
            ("ALARM", "Alarm", "alarm", alarm),
            ("OK", "Ok", "ok", ok),
            ("INSUFFICIENT_DATA", "InsufficientData", "insufficient-data", insufficient_data),
        )
        problems: list[Problem] = []
        if not alarm_arns:
            problems.append(Problem(f"{self.node.path}.alarm_arns", "name at least one alarm"))
        if not any(topics for *_, topics in wanted):
            problems.append(
                Problem(
                    self.node.path, "give topics for at least one of alarm, ok, insufficient_data"
                )
            )
        if problems:
            raise BlueprintError(problems)
        self.rules: dict[str, events.Rule] = {}
        """The rules, by state."""
        for state, construct_id, suffix, topics in wanted:
            if not topics:
                continue
            path = f"{self.node.path}/{construct_id}"
            rule_name = f"{rule_name_prefix}-{suffix}" if rule_name_prefix else None
            pattern = alarm_state_pattern(alarm_arns, states=[state])
            found = rule_problems(
                path, pattern=pattern, examples=None, rule_name=rule_name, targets=len(topics)
            )
            if found:
                raise BlueprintError(found)
            rule = new_rule(
                self,
                construct_id,
                pattern=pattern,
                rule_name=rule_name,
                description=f"Notifies forwarded alarms entering {state}",
                enabled=True,
            )
            for topic in topics:
                add_topic_target(
                    self,
                    rule,
                    topic,
                    delivery=delivery,
                    input=text_input(ALARM_MESSAGE, ALARM_MESSAGE_PATHS),
                )
            self.rules[state] = rule
