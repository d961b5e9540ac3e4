"""An SSM Automation runbook started when an alarm changes state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import get_args

import jsii
from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk.interfaces.aws_events import IRuleRef
from constructs import Construct

from observability_blueprint.rules.alarm_settings import AlarmState
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.names import check_ssm_document_name
from observability_blueprint.security import acknowledge_wildcard_resource

DEFAULT_RETRY_ATTEMPTS = 3
"""EventBridge retries a failed start this many times."""


class AlarmRunbook(Construct):
    """Starts an SSM Automation runbook when an alarm enters a state.

    CloudWatch alarms cannot start Automation runbooks themselves. This creates
    an EventBridge rule on the alarm's "CloudWatch Alarm State Change" event,
    a role that EventBridge assumes which may start only this document, and
    the target, with retries.

    Parameters
    ----------
    alarm
        The alarm whose state change starts the runbook.
    state
        ``ALARM``, ``OK`` or ``INSUFFICIENT_DATA``.
    document
        Automation document name, such as ``AWS-RestartEC2Instance``.
    parameters
        Document parameters, each a list of strings.
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
        if problems:
            raise BlueprintError(problems)
        stack = Stack.of(self)
        definition = (
            f"arn:{stack.partition}:ssm:{stack.region}:{stack.account}:"
            f"automation-definition/{document}"
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("events.amazonaws.com"),
            description=f"EventBridge starts {document} for {alarm.node.path}",
        )
        """The role EventBridge assumes to start the runbook."""
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["ssm:StartAutomationExecution"],
                resources=[f"{definition}:*"],
            )
        )
        acknowledge_wildcard_resource(
            self.role,
            f"{definition}:*",
            reason=f"Automation definitions are versioned: the role may start any version of "
            f"{document}, and nothing else.",
        )
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
        self.rule.add_target(
            _AutomationTarget(
                f"{definition}:$DEFAULT", role=self.role, parameters=dict(parameters or {})
            )
        )


@jsii.implements(events.IRuleTarget)
class _AutomationTarget:
    """An SSM Automation document as an EventBridge target (no L2 exists)."""

    def __init__(
        self, arn: str, *, role: iam.IRole, parameters: Mapping[str, Sequence[str]]
    ) -> None:
        self._arn = arn
        self._role = role
        self._parameters = {key: list(values) for key, values in parameters.items()}

    def bind(self, rule: IRuleRef, id: str | None = None) -> events.RuleTargetConfig:
        return events.RuleTargetConfig(
            arn=self._arn,
            role=self._role,
            input=events.RuleTargetInput.from_object(self._parameters),
            retry_policy=events.CfnRule.RetryPolicyProperty(
                maximum_retry_attempts=DEFAULT_RETRY_ATTEMPTS,
                maximum_event_age_in_seconds=int(Duration.hours(2).to_seconds()),
            ),
        )
