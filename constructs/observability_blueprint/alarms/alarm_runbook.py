"""An SSM Automation runbook started when an alarm changes state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import get_args

import jsii
from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from aws_cdk.interfaces.aws_events import IRuleRef
from constructs import Construct

from observability_blueprint.core import check_target_input
from observability_blueprint.rules.alarm_settings import AlarmState
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.event_schedules import (
    Permission,
    RunbookAction,
    runbook_problems,
)
from observability_blueprint.rules.names import check_ssm_document_name
from observability_blueprint.security import automation_definition_arn, grant_runbook

DEFAULT_RETRY_ATTEMPTS = 3
"""EventBridge retries a failed start this many times."""


class AlarmRunbook(Construct):
    """Starts an SSM Automation runbook when an alarm enters a state.

    CloudWatch alarms cannot start Automation runbooks themselves. This creates
    an EventBridge rule on the alarm's "CloudWatch Alarm State Change" event,
    a role that EventBridge assumes which may start only this document and pass
    only its automation role, the automation role holding what the document
    needs (for the AWS documents the blueprint knows, or the ``permissions``
    given), and the target, with retries.

    Parameters
    ----------
    alarm
        The alarm whose state change starts the runbook.
    state
        ``ALARM``, ``OK`` or ``INSUFFICIENT_DATA``.
    document
        Automation document name, such as ``AWS-RestartEC2Instance``.
    parameters
        Document parameters, each a list of strings. ``AutomationAssumeRole``
        names a role of your own to run with; by default the runbook gets one
        (see :func:`~observability_blueprint.security.runbooks.grant_runbook`).
    permissions
        What a document the blueprint does not know needs (its automation
        role gets these and nothing more). Required for such documents.
    dead_letter_queue
        Where EventBridge puts a state change it could not start the runbook
        for, after three retries. Default: a queue of its own (SSE-SQS, TLS
        only, 14 days, retained).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        alarm: cloudwatch.IAlarm,
        state: AlarmState,
        document: str,
        parameters: Mapping[str, Sequence[str]] | None = None,
        permissions: Sequence[Permission] = (),
        dead_letter_queue: sqs.IQueue | None = None,
    ) -> None:
        super().__init__(scope, id)
        problems: list[Problem] = []
        if state not in get_args(AlarmState):
            problems.append(
                Problem(
                    f"{self.node.path}.state",
                    f"{state!r} is not an alarm state; use one of "
                    + ", ".join(get_args(AlarmState)),
                )
            )
        if message := check_ssm_document_name(document):
            problems.append(Problem(f"{self.node.path}.document", message))
            raise BlueprintError(problems)
        action = RunbookAction(
            document=document,
            parameters={k: tuple(v) for k, v in (parameters or {}).items()},
            permissions=tuple(permissions),
        )
        problems += [
            Problem(f"{self.node.path}.{p.location}", p.message)
            for p in runbook_problems(action, on_schedule=True)
        ]
        if problems:
            raise BlueprintError(problems)
        # EventBridge assumes the role for this account's rules only (confused deputy).
        events_for_this_account = iam.ServicePrincipal(
            "events.amazonaws.com",
            conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=events_for_this_account,
            description=f"EventBridge starts {document} for {alarm.node.path}",
        )
        """The role EventBridge assumes to start the runbook (and pass its automation role)."""
        start_parameters = grant_runbook(self.role, action)
        automation = self.role.node.try_find_child("Automation")
        self.automation_role: iam.IRole | None = (
            automation if isinstance(automation, iam.Role) else None
        )
        """The role the automation runs with (None when the parameters name one)."""
        self.rule = events.Rule(
            self,
            "Rule",
            description=f"Start {document} when {alarm.node.path} enters {state}",
            event_pattern=events.EventPattern(
                source=["aws.cloudwatch"],
                detail_type=["CloudWatch Alarm State Change"],
                resources=[alarm.alarm_arn],
                detail={"state": {"value": [state]}},
            ),
        )
        """The EventBridge rule on the alarm's state change."""
        self.dead_letter_queue: sqs.IQueue = dead_letter_queue or self._dead_letters()
        """Where EventBridge puts the state changes it could not start the runbook for."""
        self.dead_letter_queue.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["sqs:SendMessage"],
                resources=[self.dead_letter_queue.queue_arn],
                conditions={"ArnEquals": {"aws:SourceArn": self.rule.rule_arn}},
            )
        )
        target_input = events.RuleTargetInput.from_object(
            {key: list(values) for key, values in start_parameters.items()}
        )
        check_target_input(self.rule, target_input)
        self.rule.add_target(
            _AutomationTarget(
                automation_definition_arn(self, document).removesuffix(":*") + ":$DEFAULT",
                role=self.role,
                input=target_input,
                dead_letter_queue=self.dead_letter_queue,
            )
        )

    def _dead_letters(self) -> sqs.Queue:
        queue = sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
            removal_policy=RemovalPolicy.RETAIN,
        )
        Validations.of(queue).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-SQS3",
                reason="This queue is the dead-letter queue of an EventBridge target; a "
                "dead-letter queue has no dead-letter queue of its own.",
            )
        )
        return queue


@jsii.implements(events.IRuleTarget)
class _AutomationTarget:
    """An SSM Automation document as an EventBridge target (no L2 exists)."""

    def __init__(
        self,
        arn: str,
        *,
        role: iam.IRole,
        input: events.RuleTargetInput,
        dead_letter_queue: sqs.IQueue,
    ) -> None:
        self._arn = arn
        self._role = role
        self._input = input
        self._queue = dead_letter_queue

    def bind(self, rule: IRuleRef, id: str | None = None) -> events.RuleTargetConfig:
        return events.RuleTargetConfig(
            arn=self._arn,
            role=self._role,
            input=self._input,
            dead_letter_config=events.CfnRule.DeadLetterConfigProperty(arn=self._queue.queue_arn),
            retry_policy=events.CfnRule.RetryPolicyProperty(
                maximum_retry_attempts=DEFAULT_RETRY_ATTEMPTS,
                maximum_event_age_in_seconds=int(Duration.hours(2).to_seconds()),
            ),
        )
