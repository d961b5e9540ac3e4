"""Reliable delivery for event rules and schedules: retries, a dead-letter queue, its alarm.

Also the pieces every rule and schedule target shares: input transformers, the
target with its retry policy and dead-letter queue, and the IAM statements a
task needs (and nothing more).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import jsii
from aws_cdk import Acknowledgment, Annotations, Duration, RemovalPolicy, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.interfaces.aws_events import IRuleRef
from constructs import Construct

from observability_blueprint.alarms import StaticAlarm
from observability_blueprint.core import check_target_input
from observability_blueprint.rules.alarm_settings import ActionSet, check_alarm_name
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.event_patterns import (
    EventExamples,
    example_problems,
    global_services,
    pattern_problems,
    region_split_problem,
)
from observability_blueprint.rules.event_schedules import (
    CommandAction,
)
from observability_blueprint.security import (
    acknowledge_wildcard_resource,
    grant_unscoped,
    service_arn,
)
from observability_blueprint.security import (
    automation_definition_arn as automation_definition_arn,  # re-exported for the areas' tasks
)
from observability_blueprint.security import (
    command_document_arn as command_document_arn,
)
from observability_blueprint.security import (
    grant_runbook as grant_runbook,  # re-exported for the areas' tasks
)

TARGETS_PER_RULE_MAX = 5
"""EventBridge allows five targets per rule."""
DEFAULT_RETRY_ATTEMPTS = 3
"""Retries of a failed delivery before the event is dead-lettered."""
DEFAULT_MAX_EVENT_AGE = Duration.hours(2)
"""An event not delivered within two hours is dead-lettered: a late runbook does harm."""
DEFAULT_RETENTION = Duration.days(14)
"""Dead-lettered events are kept 14 days, the most SQS allows."""
DEFAULT_REMOVAL_POLICY = RemovalPolicy.RETAIN
"""The queue (and the events in it) outlives the stack."""
ALARM_PERIOD = Duration.minutes(5)
"""SQS publishes queue metrics every five minutes."""


class EventDelivery(Construct):
    """A dead-letter queue for rule and schedule targets, and an alarm when it holds messages.

    Every target of the blueprint's rules and schedules retries a failed delivery
    and then sends the event here, so a failing automation is itself seen: the
    alarm fires as soon as the queue holds a message (ApproximateNumberOfMessagesVisible
    above 0). The queue is encrypted with SSE-SQS, refuses requests without TLS,
    keeps messages 14 days and is retained when the stack is deleted; its policy
    lets ``events.amazonaws.com`` send only on behalf of the rules bound to it
    (schedules send with their own role).

    Parameters
    ----------
    topics
        Topics the alarm notifies. Default: none.
    alarm_name
        Physical alarm name. Default: generated.
    retry_attempts
        Retries of a failed delivery (0 to 185). Default: 3.
    max_event_age
        Give up on events this old (1 minute to 24 hours). Default: 2 hours.
    retention
        How long dead-lettered events are kept (up to 14 days). Default: 14 days.
    removal_policy
        Default: ``RemovalPolicy.RETAIN``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        topics: Sequence[sns.ITopic] = (),
        alarm_name: str | None = None,
        retry_attempts: int = DEFAULT_RETRY_ATTEMPTS,
        max_event_age: Duration = DEFAULT_MAX_EVENT_AGE,
        retention: Duration = DEFAULT_RETENTION,
        removal_policy: RemovalPolicy = DEFAULT_REMOVAL_POLICY,
    ) -> None:
        super().__init__(scope, id)
        problems = []
        if not 0 <= retry_attempts <= 185:
            problems.append(
                Problem(
                    f"{self.node.path}.retry_attempts",
                    f"{retry_attempts} retries; EventBridge allows 0 to 185",
                )
            )
        age = max_event_age.to_seconds()
        if not 60 <= age <= 86_400:
            problems.append(
                Problem(
                    f"{self.node.path}.max_event_age",
                    f"{age:,.0f} seconds; EventBridge keeps retrying for 60 to 86,400 seconds",
                )
            )
        retention_seconds = retention.to_seconds()
        if not 60 <= retention_seconds <= 14 * 86_400:
            problems.append(
                Problem(
                    f"{self.node.path}.retention",
                    f"{retention_seconds:,.0f} seconds; SQS keeps messages 1 minute to 14 days",
                )
            )
        if alarm_name is not None and (message := check_alarm_name(alarm_name)):
            problems.append(Problem(f"{self.node.path}.alarm_name", message))
        if problems:
            raise BlueprintError(problems)
        self.retry_attempts = retry_attempts
        """Retries of a failed delivery."""
        self.max_event_age_seconds = int(age)
        """Seconds after which an undelivered event is dead-lettered."""
        self.queue = sqs.Queue(
            self,
            "Queue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=retention,
            removal_policy=removal_policy,
        )
        """The dead-letter queue."""
        Validations.of(self.queue).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-SQS3",
                reason="This queue is the dead-letter queue of EventBridge targets; "
                "a dead-letter queue has no dead-letter queue of its own.",
            )
        )
        self.alarm = StaticAlarm(
            self,
            "Alarm",
            metric=self.queue.metric_approximate_number_of_messages_visible(
                period=ALARM_PERIOD, statistic="Maximum"
            ),
            threshold=0,
            comparison=">",
            treat_missing_data="notBreaching",
            alarm_name=alarm_name,
            description=(
                "Events could not be delivered to their targets after retries and wait in the "
                "dead-letter queue: a rule or scheduled task is failing. Read the messages' "
                "ERROR_CODE and ERROR_MESSAGE attributes, fix the target, then redrive or purge."
            ),
            actions=ActionSet(alarm=tuple(topics)),
        )
        """The alarm on dead-lettered events."""
        self._rules: set[str] = set()

    @property
    def cloudwatch_alarm(self) -> cloudwatch.Alarm:
        """The underlying CloudWatch alarm."""
        return self.alarm.alarm

    def allow_rule(self, rule: IRuleRef) -> None:
        """Let EventBridge send dead-lettered events of ``rule`` (and only that rule)."""
        path = rule.node.path
        if path in self._rules:
            return
        self._rules.add(path)
        rule_arn = rule.rule_ref.rule_arn
        self.queue.add_to_resource_policy(
            iam.PolicyStatement(
                sid=f"DeadLettersOf{len(self._rules)}",
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["sqs:SendMessage"],
                resources=[self.queue.queue_arn],
                conditions={"ArnEquals": {"aws:SourceArn": rule_arn}},
            )
        )

    def retry_policy(self) -> events.CfnRule.RetryPolicyProperty:
        """The retry policy every rule target gets."""
        return events.CfnRule.RetryPolicyProperty(
            maximum_retry_attempts=self.retry_attempts,
            maximum_event_age_in_seconds=self.max_event_age_seconds,
        )


# ------------------------------------------------------------------ targets


class TemplateInput(events.RuleTargetInput):
    """An input transformer exactly as written: input paths and a template.

    aws-cdk-lib's ``EventField`` names placeholders after the last part of the
    path; this keeps the names the user chose, which the template refers to.
    """

    def __init__(self, input_paths: Mapping[str, str], template: str) -> None:
        super().__init__()
        self._paths = dict(input_paths)
        self._template = template

    def bind(self, rule: IRuleRef) -> events.RuleTargetInputProperties:
        """Render the input transformer."""
        return events.RuleTargetInputProperties(
            input_paths_map=self._paths or None, input_template=self._template
        )


def text_input(message: str, input_paths: Mapping[str, str]) -> events.RuleTargetInput:
    """A readable message: a JSON string whose <placeholders> EventBridge fills in."""
    return TemplateInput(_used(input_paths, message), json.dumps(message, ensure_ascii=False))


def json_input(value: Any, input_paths: Mapping[str, str]) -> events.RuleTargetInput:
    """A JSON object; <placeholders> inside its strings are filled in from the event."""
    template = json.dumps(value, ensure_ascii=False, sort_keys=False)
    used = _used(input_paths, template)
    if used:
        return TemplateInput(used, template)
    return events.RuleTargetInput.from_object(value)


def _used(input_paths: Mapping[str, str], template: str) -> dict[str, str]:
    return {name: path for name, path in input_paths.items() if f"<{name}>" in template}


@jsii.implements(events.IRuleTarget)
class DeliveredTarget:
    """A rule target with the delivery's retry policy and dead-letter queue.

    Parameters
    ----------
    arn
        The target's ARN.
    delivery
        Retries and the dead-letter queue.
    role
        The role EventBridge assumes (Automation, Run Command, OpsItem targets).
    input
        What the target receives. Default: the event.
    run_command_targets
        ``(tag key, values)`` for Run Command targets.
    retry
        Give the target the delivery's retry policy. False for an event bus in
        another Region, which takes no retry policy (EventBridge retries it with
        its defaults, 24 hours and 185 attempts, then dead-letters):
        https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_events_targets.EventBusProps.html
    """

    def __init__(
        self,
        arn: str,
        *,
        delivery: EventDelivery,
        role: iam.IRole | None = None,
        input: events.RuleTargetInput | None = None,
        run_command_targets: tuple[str, Sequence[str]] | None = None,
        retry: bool = True,
    ) -> None:
        self._arn = arn
        self._retry = retry
        self._delivery = delivery
        self._role = role
        self._input = input
        self._run_command_targets = run_command_targets

    def bind(self, rule: IRuleRef, id: str | None = None) -> events.RuleTargetConfig:
        """Bind to ``rule``: the dead-letter queue admits this rule's events."""
        self._delivery.allow_rule(rule)
        run_command = None
        if self._run_command_targets is not None:
            key, values = self._run_command_targets
            run_command = events.CfnRule.RunCommandParametersProperty(
                run_command_targets=[
                    events.CfnRule.RunCommandTargetProperty(key=f"tag:{key}", values=list(values))
                ]
            )
        return events.RuleTargetConfig(
            arn=self._arn,
            role=self._role,
            input=self._input,
            run_command_parameters=run_command,
            dead_letter_config=events.CfnRule.DeadLetterConfigProperty(
                arn=self._delivery.queue.queue_arn
            ),
            retry_policy=self._delivery.retry_policy() if self._retry else None,
        )


def add_topic_target(
    owner: Construct,
    rule: events.Rule,
    topic: sns.ITopic,
    *,
    delivery: EventDelivery,
    input: events.RuleTargetInput | None = None,
) -> None:
    """Make ``topic`` a target of ``rule`` that retries and dead-letters through ``delivery``.

    The topic's policy lets ``events.amazonaws.com`` publish on behalf of this
    rule only (``aws:SourceArn``), unlike aws-cdk-lib's ``SnsTopic`` target,
    which lets any rule publish. A topic this stack does not manage gets a
    warning on ``owner`` instead: its own policy must allow the rule.
    """
    added = topic.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={"ArnEquals": {"aws:SourceArn": rule.rule_arn}},
        )
    )
    if not added.statement_added:
        Annotations.of(owner).add_warning_v2(
            "observability-blueprint:imported-topic-policy",
            f"The topic {topic.topic_arn} is not managed by this stack: its policy "
            "must let events.amazonaws.com publish (sns:Publish, with aws:SourceArn "
            "this rule), or the alert is never delivered.",
        )
    add_checked_target(rule, DeliveredTarget(topic.topic_arn, delivery=delivery, input=input))


def add_checked_target(rule: events.Rule, target: events.IRuleTarget) -> None:
    """Add ``target`` to ``rule`` once its input fits what EventBridge takes (8,192 characters).

    Checked here, before aws-cdk-lib binds the target, so the problem reaches the
    caller as a :class:`BlueprintError` rather than through jsii.
    """
    given = getattr(target, "_input", None)
    if isinstance(given, events.RuleTargetInput):
        check_target_input(rule, given)
    rule.add_target(target)


# -------------------------------------------------------------- permissions


def grant_command(role: iam.Role, action: CommandAction) -> None:
    """Let ``role`` send this Command document to the tagged instances, and nothing more."""
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["ssm:SendCommand"], resources=[command_document_arn(role, action.document)]
        )
    )
    instances = service_arn(role, "ec2", "instance/*")
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["ssm:SendCommand"],
            resources=[instances],
            conditions={
                "StringEquals": {
                    f"ssm:resourceTag/{action.targets.tag}": list(action.targets.values)
                }
            },
        )
    )
    acknowledge_wildcard_resource(
        role,
        instances,
        reason=f"Scoped by a condition to instances tagged {action.targets.tag}; the tag, "
        "not an id, chooses the instances.",
    )


def grant_opsitems(role: iam.Role) -> None:
    """Let ``role`` open OpsItems."""
    grant_unscoped(
        role,
        ["ssm:CreateOpsItem"],
        reason="ssm:CreateOpsItem has no resource-level permissions: the OpsItem does not "
        "exist before the call.",
    )


# -------------------------------------------------------------------- rules

_L2_KEYS = {
    "source": "source",
    "detail-type": "detail_type",
    "detail": "detail",
    "account": "account",
    "id": "id",
    "region": "region",
    "resources": "resources",
    "time": "time",
    "version": "version",
}


def rule_problems(
    path: str,
    *,
    pattern: Mapping[str, Any],
    examples: EventExamples | None,
    rule_name: str | None,
    targets: int,
) -> list[Problem]:
    """Check what a rule is built from; locations start with the construct ``path``."""
    problems = [
        Problem(f"{path}.pattern" + (f".{p.location}" if p.location else ""), p.message)
        for p in pattern_problems(pattern)
    ]
    if not problems and (split := region_split_problem(pattern)):
        problems.append(Problem(f"{path}.pattern.{split.location}", split.message))
    if examples is not None and not problems:
        problems += [
            Problem(f"{path}.examples.{p.location}", p.message)
            for p in example_problems(pattern, examples)
        ]
    if targets > TARGETS_PER_RULE_MAX:
        problems.append(
            Problem(
                f"{path}.targets",
                f"{targets} targets; an EventBridge rule has at most {TARGETS_PER_RULE_MAX}",
            )
        )
    if rule_name is not None and not re.fullmatch(r"[.\-_A-Za-z0-9]{1,64}", rule_name):
        problems.append(
            Problem(
                f"{path}.rule_name",
                f"{rule_name!r} is not a rule name; use 1 to 64 letters, digits, '.', '-', '_'",
            )
        )
    return problems


class EventRuleConstruct(Construct):
    """What alerts and responses share: one EventBridge rule on an exact pattern."""

    global_services: tuple[str, ...]
    """Global services whose events the pattern names (IAM, STS, console sign-in)."""
    rule: events.Rule
    """The EventBridge rule."""

    def _create_rule(
        self,
        problems: list[Problem],
        *,
        pattern: Mapping[str, Any],
        rule_name: str | None,
        description: str | None,
        enabled: bool,
    ) -> None:
        """Raise every problem found so far, or create the rule."""
        if problems:
            raise BlueprintError(problems)
        self.global_services = global_services(pattern)
        self.rule = new_rule(
            self,
            "Rule",
            pattern=pattern,
            rule_name=rule_name,
            description=description,
            enabled=enabled,
        )

    @property
    def needs_us_east_1(self) -> bool:
        """True when the rule must live in us-east-1 to see its events."""
        return bool(self.global_services)

    @property
    def rule_arn(self) -> str:
        """The rule's ARN."""
        return self.rule.rule_arn

    @property
    def events_rule(self) -> events.IRule:
        """The rule, as an interface."""
        return self.rule


def new_rule(
    scope: Construct,
    id: str,
    *,
    pattern: Mapping[str, Any],
    rule_name: str | None,
    description: str | None,
    enabled: bool,
) -> events.Rule:
    """Create a rule whose EventPattern is ``pattern`` exactly as written.

    aws-cdk-lib's ``EventPattern`` knows only the top-level fields of an event
    (no top-level ``$or``), so the pattern is written to the template as given.
    """
    known = {_L2_KEYS[k]: v for k, v in pattern.items() if k in _L2_KEYS}
    rule = events.Rule(
        scope,
        id,
        rule_name=rule_name,
        description=description,
        enabled=enabled,
        # Replaced below by the exact pattern; the L2 rule only needs to know it has one.
        event_pattern=events.EventPattern(**known) if known else events.EventPattern(source=["-"]),
    )
    cfn = rule.node.default_child
    assert isinstance(cfn, events.CfnRule)
    # Set, not overridden: an override is merged into the L2's pattern, which would
    # keep the placeholder source of a pattern with only a top-level $or.
    cfn.event_pattern = json.loads(json.dumps(pattern))
    return rule
