"""An operational task on a schedule: EventBridge Scheduler runs a runbook, command or Lambda."""

from __future__ import annotations

import re
from typing import Any

import jsii
from aws_cdk import Duration, Stack, TimeZone
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct

from observability_blueprint.events.event_delivery import (
    EventDelivery,
    grant_command,
    grant_runbook,
)
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.event_schedules import (
    CommandAction,
    InstanceTargets,
    LambdaAction,
    RunbookAction,
    action_kind,
    action_problems,
    check_schedule,
)
from observability_blueprint.rules.time_zones import check_timezone

ScheduledAction = RunbookAction | CommandAction | LambdaAction


class ScheduledTask(Construct):
    """Runs an operational task on a cron or rate schedule.

    Built on EventBridge Scheduler (``AWS::Scheduler::Schedule``) rather than a
    scheduled EventBridge rule: Scheduler takes a time zone (a 02:00 task stays
    at 02:00 local time across daylight saving), and its universal targets call
    the Systems Manager API with what a rule's Automation target lacks: instance
    targeting by tag and rate control.

    - ``RunbookAction``: ``ssm:StartAutomationExecution``. With ``targets`` the
      runbook runs once per tagged instance (``TargetParameterName``,
      ``Targets``, ``MaxConcurrency``, ``MaxErrors``); without, a runbook that
      acts on instances names them by id (lower case), so its role is scoped
      to them.
    - ``CommandAction``: ``ssm:SendCommand`` to the tagged instances, with rate control.
    - ``LambdaAction``: the function, with the payload (default ``{}``).

    The schedule's role may do exactly that (and send to the dead-letter
    queue). Failed starts are retried and then dead-lettered through ``delivery``.

    Parameters
    ----------
    schedule
        ``cron(0 2 * * ? *)`` or ``rate(1 day)``, in EventBridge's dialect.
    action
        What to run.
    delivery
        Retries and the dead-letter queue.
    timezone
        IANA time zone of a cron schedule. Default: UTC.
    schedule_name
        Physical name. Default: generated.
    description
        What the task does.
    flexible_window
        Let the task start up to this late, to spread load. Default: on time.
    enabled
        Create the schedule enabled. Default: True.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        schedule: str,
        action: ScheduledAction,
        delivery: EventDelivery,
        timezone: str | None = None,
        schedule_name: str | None = None,
        description: str | None = None,
        flexible_window: Duration | None = None,
        enabled: bool = True,
    ) -> None:
        super().__init__(scope, id)
        path = self.node.path
        problems: list[Problem] = []
        message = check_schedule(schedule)
        if message:
            problems.append(Problem(f"{path}.schedule", message))
        if timezone is not None:
            message = check_timezone(timezone)
            if message:
                problems.append(Problem(f"{path}.timezone", message))
            elif schedule.startswith("rate("):
                problems.append(
                    Problem(f"{path}.timezone", "a rate schedule has no time zone; use cron(...)")
                )
        problems += [
            Problem(f"{path}.action.{p.location}" if p.location else f"{path}.action", p.message)
            for p in action_problems(action, on_schedule=True)
        ]
        if schedule_name is not None and not _NAME.fullmatch(schedule_name):
            problems.append(
                Problem(
                    f"{path}.schedule_name",
                    f"{schedule_name!r} is not a schedule name; use 1 to 64 letters, digits, "
                    "'.', '-', '_'",
                )
            )
        if flexible_window is not None and not 60 <= flexible_window.to_seconds() <= 86_400:
            problems.append(
                Problem(f"{path}.flexible_window", "give 1 minute to 1,440 minutes (one day)")
            )
        if problems:
            raise BlueprintError(problems)
        stack = Stack.of(self)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            ),
            description=f"EventBridge Scheduler runs the {action_kind(action)} task {path}",
        )
        """The role the schedule assumes to run the task."""
        # Scheduler sends dead letters with the schedule's role: SendMessage, nothing more.
        self.role.add_to_policy(
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[delivery.queue.queue_arn])
        )
        target_arn, payload = self._target(action)
        self.schedule = scheduler.Schedule(
            self,
            "Schedule",
            schedule=scheduler.ScheduleExpression.expression(
                schedule, TimeZone.of(timezone) if timezone else None
            ),
            target=_ScheduleTarget(target_arn, role=self.role, payload=payload, delivery=delivery),
            schedule_name=schedule_name,
            description=description,
            enabled=enabled,
            time_window=(
                scheduler.TimeWindow.flexible(flexible_window)
                if flexible_window
                else scheduler.TimeWindow.off()
            ),
        )
        """The EventBridge Scheduler schedule."""

    def _target(self, action: ScheduledAction) -> tuple[str, dict[str, Any]]:
        partition = Stack.of(self).partition
        if isinstance(action, RunbookAction):
            parameters = grant_runbook(self.role, action)
            request: dict[str, Any] = {"DocumentName": action.document, "Parameters": parameters}
            if action.targets is not None:
                request["TargetParameterName"] = action.target_parameter
                request |= _fleet(action.targets)
            return f"arn:{partition}:scheduler:::aws-sdk:ssm:startAutomationExecution", request
        if isinstance(action, CommandAction):
            grant_command(self.role, action)
            request = {"DocumentName": action.document, **_fleet(action.targets)}
            if action.parameters:
                request["Parameters"] = {k: list(v) for k, v in action.parameters.items()}
            return f"arn:{partition}:scheduler:::aws-sdk:ssm:sendCommand", request
        self.role.add_to_policy(
            iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[action.function_arn])
        )
        return action.function_arn, dict(action.payload or {})


def _fleet(targets: InstanceTargets) -> dict[str, Any]:
    return {
        "Targets": [{"Key": f"tag:{targets.tag}", "Values": list(targets.values)}],
        "MaxConcurrency": targets.max_concurrency,
        "MaxErrors": targets.max_errors,
    }


_NAME = re.compile(r"[0-9a-zA-Z\-_.]{1,64}")


@jsii.implements(scheduler.IScheduleTarget)
class _ScheduleTarget:
    """A universal (or Lambda) target with the delivery's retries and dead-letter queue."""

    def __init__(
        self,
        arn: str,
        *,
        role: iam.IRole,
        payload: dict[str, Any],
        delivery: EventDelivery,
    ) -> None:
        self._arn = arn
        self._role = role
        self._payload = payload
        self._delivery = delivery

    def bind(self, schedule: scheduler.ISchedule) -> scheduler.ScheduleTargetConfig:
        return scheduler.ScheduleTargetConfig(
            arn=self._arn,
            role=self._role,
            input=scheduler.ScheduleTargetInput.from_object(self._payload),
            retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                maximum_retry_attempts=self._delivery.retry_attempts,
                maximum_event_age_in_seconds=self._delivery.max_event_age_seconds,
            ),
            dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(
                arn=self._delivery.queue.queue_arn
            ),
        )
