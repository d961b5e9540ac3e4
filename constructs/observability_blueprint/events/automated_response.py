"""An EventBridge rule that acts when an event arrives: runbook, command, Lambda, OpsItem."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.events.event_delivery import (
    DeliveredTarget,
    EventDelivery,
    EventRuleConstruct,
    add_checked_target,
    automation_definition_arn,
    command_document_arn,
    grant_command,
    grant_opsitems,
    grant_runbook,
    json_input,
    rule_problems,
    text_input,
)
from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.event_patterns import (
    EventExamples,
    template_problems,
)
from observability_blueprint.rules.event_schedules import (
    Action,
    CommandAction,
    LambdaAction,
    NotifyAction,
    OpsItemAction,
    RunbookAction,
    action_kind,
    action_problems,
    action_templates,
    event_source_problems,
)

OPSITEM_SOURCE = "EventBridge"
"""The OpsItem's source field: which service opened it."""


class AutomatedResponse(EventRuleConstruct):
    """Acts on an event: an EventBridge rule whose targets do something about it.

    Each action becomes one target (at most 5), with the delivery's retry
    policy and dead-letter queue, and, where EventBridge needs one, a role
    that may do exactly that action:

    - ``RunbookAction``: an SSM Automation target (``automation-definition/DOC``);
      parameters may take ``<placeholders>`` from the event, such as the instance
      of an "EC2 Instance State-change Notification". The role may start only
      that runbook and do what the runbook does. An Automation target cannot
      target instances by tag (use a ``CommandAction`` or a schedule). A runbook
      that stops, starts or images the instance an event names needs a pattern
      whose every ``source`` is an AWS service (``aws.``): only AWS may send
      those, so nobody can make it act on an instance by putting an event.
    - ``CommandAction``: an SSM Run Command target on instances with a tag
      (``RunCommandParameters.RunCommandTargets``).
    - ``LambdaAction``: the function, with a permission for this rule only.
    - ``OpsItemAction``: the Systems Manager OpsItem target
      (``arn:aws:ssm:REGION:ACCOUNT:opsitem``), with title, description, severity,
      category and a deduplication string.
    - ``NotifyAction``: a blueprint topic, with a readable message.

    Parameters
    ----------
    pattern
        EventBridge event pattern, as a JSON object.
    actions
        What to do, at most 5.
    delivery
        Retries and the dead-letter queue.
    named_topics
        Topics that ``NotifyAction`` names, by name.
    input_paths
        Placeholder name -> JSON path into the event.
    rule_name, description, enabled
        The rule's physical name (default: generated), description and state.
    examples
        Events the pattern must and must not match.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        pattern: Mapping[str, Any],
        actions: Sequence[Action],
        delivery: EventDelivery,
        named_topics: Mapping[str, sns.ITopic] | None = None,
        input_paths: Mapping[str, str] | None = None,
        rule_name: str | None = None,
        description: str | None = None,
        enabled: bool = True,
        examples: EventExamples | None = None,
    ) -> None:
        super().__init__(scope, id)
        topics = dict(named_topics or {})
        paths = dict(input_paths or {})
        path = self.node.path
        problems = rule_problems(
            path, pattern=pattern, examples=examples, rule_name=rule_name, targets=len(actions)
        )
        if not actions:
            problems.append(Problem(f"{path}.actions", "give at least one action"))
        for index, action in enumerate(actions):
            where = f"{path}.actions[{index}]"
            problems += [
                Problem(f"{where}.{p.location}" if p.location else where, p.message)
                for p in [
                    *action_problems(action, on_schedule=False),
                    *event_source_problems(action, pattern),
                ]
            ]
            if isinstance(action, NotifyAction) and action.topic not in topics:
                problems.append(
                    Problem(
                        f"{where}.topic",
                        f"{action.topic!r} is not among the topics given "
                        f"({', '.join(sorted(topics)) or 'none'})",
                    )
                )
            for name, template in action_templates(action):
                problems += [
                    Problem(f"{where}.{name}", p.message)
                    for p in template_problems(template, paths)
                    if p.location == "message"
                ]
        self._create_rule(
            problems, pattern=pattern, rule_name=rule_name, description=description, enabled=enabled
        )
        self.roles: dict[int, iam.Role] = {}
        """The role of each action that needs one, by the action's index."""
        self._delivery = delivery
        self._paths = paths
        self._topics = topics
        self._dedup = rule_name or id
        for index, action in enumerate(actions):
            add_checked_target(self.rule, self._target(index, action))

    def _role(self, index: int, action: Action) -> iam.Role:
        account = Stack.of(self).account
        role = iam.Role(
            self,
            f"Action{index}Role",
            assumed_by=iam.ServicePrincipal(
                "events.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": account}},
            ),
            description=f"EventBridge runs the {action_kind(action)} action {index} of "
            f"{self.node.path}",
        )
        self.roles[index] = role
        return role

    def _target(self, index: int, action: Action) -> events.IRuleTarget:
        delivery = self._delivery
        if isinstance(action, RunbookAction):
            role = self._role(index, action)
            parameters = grant_runbook(role, action)
            arn = automation_definition_arn(self, action.document).removesuffix(":*")
            return DeliveredTarget(
                f"{arn}:$DEFAULT",
                delivery=delivery,
                role=role,
                input=json_input(parameters, self._paths),
            )
        if isinstance(action, CommandAction):
            role = self._role(index, action)
            grant_command(role, action)
            return DeliveredTarget(
                command_document_arn(self, action.document),
                delivery=delivery,
                role=role,
                input=events.RuleTargetInput.from_object(
                    {k: list(v) for k, v in action.parameters.items()}
                ),
                run_command_targets=(action.targets.tag, action.targets.values),
            )
        if isinstance(action, LambdaAction):
            lambda_.CfnPermission(
                self,
                f"Action{index}InvokePermission",
                action="lambda:InvokeFunction",
                function_name=action.function_arn,
                principal="events.amazonaws.com",
                source_arn=self.rule.rule_arn,
            )
            payload = (
                json_input(action.payload, self._paths) if action.payload is not None else None
            )
            return DeliveredTarget(action.function_arn, delivery=delivery, input=payload)
        if isinstance(action, OpsItemAction):
            role = self._role(index, action)
            grant_opsitems(role)
            stack = Stack.of(self)
            return DeliveredTarget(
                f"arn:{stack.partition}:ssm:{stack.region}:{stack.account}:opsitem",
                delivery=delivery,
                role=role,
                input=json_input(self._opsitem(action), self._paths),
            )
        assert isinstance(action, NotifyAction)
        topic = self._topics[action.topic]
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={"ArnEquals": {"aws:SourceArn": self.rule.rule_arn}},
            )
        )
        message = text_input(action.message, self._paths) if action.message else None
        return DeliveredTarget(topic.topic_arn, delivery=delivery, input=message)

    def _opsitem(self, action: OpsItemAction) -> dict[str, Any]:
        item: dict[str, Any] = {
            "title": action.title,
            "description": action.description,
            "source": OPSITEM_SOURCE,
            "severity": str(action.severity),
        }
        if action.category:
            item["category"] = action.category
        dedup = json.dumps({"dedupString": action.dedup or self._dedup})
        item["operationalData"] = {"/aws/dedup": {"type": "SearchableString", "value": dedup}}
        return item
