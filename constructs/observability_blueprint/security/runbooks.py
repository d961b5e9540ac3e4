"""Systems Manager runbooks: who may start them and the role they run with.

Shared by the areas that start runbooks (alarm runbooks, event responses,
scheduled tasks), so every automation gets the same least-privilege shape.
"""

from __future__ import annotations

from typing import Literal

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from constructs import Construct, IConstruct

from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.event_schedules import (
    DOCUMENT_PERMISSIONS,
    RunbookAction,
    has_no_resource_level,
    instance_ids,
    permission_problems,
)
from observability_blueprint.security.nag import acknowledge_wildcard_resource

AUTOMATION_ASSUME_ROLE = "AutomationAssumeRole"
"""The parameter Automation documents take the role to run with in."""

InstanceScope = Literal["ids", "tagged", "event"]


def service_arn(scope: IConstruct, service: str, resource: str, *, account: bool = True) -> str:
    stack = Stack.of(scope)
    owner = stack.account if account else ""
    return f"arn:{stack.partition}:{service}:{stack.region}:{owner}:{resource}"


def automation_definition_arn(scope: IConstruct, document: str) -> str:
    """The ARN of an Automation definition (any version: ``:*``)."""
    return service_arn(scope, "ssm", f"automation-definition/{document}:*")


def command_document_arn(scope: IConstruct, document: str) -> str:
    """The ARN of a Command document; documents AWS owns have no account in theirs."""
    aws_owned = document.startswith(("AWS-", "AWSEC2-", "AWSSupport-", "Amazon"))
    return service_arn(scope, "ssm", f"document/{document}", account=not aws_owned)


def grant_runbook(role: iam.Role, action: RunbookAction) -> dict[str, list[str]]:
    """Let ``role`` start the runbook with an automation role of its own; return its parameters.

    The automation runs with the role passed as its ``AutomationAssumeRole``
    parameter; without one it would run with only the starter's permissions
    (``ssm:StartAutomationExecution``), and a runbook such as
    ``AWS-PublishSNSNotification`` fails. So the runbook gets a role of its own
    (``<role>/Automation``), which Systems Manager may assume only for this
    account's automations, holding what the document needs and nothing more;
    ``role`` may start only this document and pass only that role, only to
    Systems Manager. For runbooks in :data:`DOCUMENT_PERMISSIONS`, instance
    actions are scoped to the instance ids named in the parameters, to the
    targeted tag (a condition on ``aws:ResourceTag``), or, when the instance
    comes from the event, to instances of this account and Region.

    A runbook given its own ``AutomationAssumeRole`` keeps it: ``role`` may pass
    that role, and the runbook's permissions are its owner's business.

    Returns the document parameters to start it with (``AutomationAssumeRole`` added).

    Service role for Automation, with its trust conditions:
    https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-iam.html
    """
    definition = automation_definition_arn(role, action.document)
    role.add_to_policy(
        iam.PolicyStatement(actions=["ssm:StartAutomationExecution"], resources=[definition])
    )
    acknowledge_wildcard_resource(
        role,
        definition,
        reason=f"Automation definitions are versioned: the role may start any version of "
        f"{action.document}, and no other runbook.",
    )
    problems = list(permission_problems(action.permissions))
    if problems:
        raise BlueprintError(
            [Problem(f"{role.node.path}.{p.location}", p.message) for p in problems]
        )
    if action.targets is not None:
        grant_unscoped(
            role,
            ["tag:GetResources"],
            reason="Automation resolves tag targets with tag:GetResources, which has no "
            "resource-level permissions.",
        )
    parameters = {k: list(v) for k, v in action.parameters.items()}
    given = parameters.get(AUTOMATION_ASSUME_ROLE)
    if given:
        _grant_pass_role(role, given)
        return parameters
    for grant in DOCUMENT_PERMISSIONS.get(action.document, ()):
        if grant.parameter is not None and not parameters.get(grant.parameter):
            raise BlueprintError.at(
                f"{role.node.path}.parameters.{grant.parameter}",
                f"{action.document} needs {grant.parameter}: its automation role may "
                f"{', '.join(grant.actions)} only on the ARNs given there",
            )
    automation = automation_role(role, "Automation", document=action.document)
    _grant_pass_role(role, [automation.role_arn])
    parameters[AUTOMATION_ASSUME_ROLE] = [automation.role_arn]
    _grant_document(automation, action)
    return parameters


def automation_role(scope: Construct, id: str, *, document: str) -> iam.Role:
    """A role Systems Manager Automation assumes to run ``document``, for this account only."""
    stack = Stack.of(scope)
    return iam.Role(
        scope,
        id,
        assumed_by=iam.ServicePrincipal(
            "ssm.amazonaws.com",
            conditions={
                "StringEquals": {"aws:SourceAccount": stack.account},
                "ArnLike": {
                    "aws:SourceArn": f"arn:{stack.partition}:ssm:{stack.region}:"
                    f"{stack.account}:automation-execution/*"
                },
            },
        ),
        description=f"Systems Manager Automation runs {document} with this role",
    )


def _grant_pass_role(role: iam.Role, role_arns: list[str]) -> None:
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["iam:PassRole"],
            resources=role_arns,
            conditions={"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}},
        )
    )


def _grant_document(role: iam.Role, action: RunbookAction) -> None:
    """Give ``role`` what ``action``'s document does: known grants, then the user's."""
    if action.targets is not None:
        grant_unscoped(
            role,
            ["tag:GetResources"],
            reason="Automation resolves tag targets with tag:GetResources, which has no "
            "resource-level permissions.",
        )
    scope: InstanceScope = (
        "tagged"
        if action.targets is not None
        else ("ids" if instance_ids(action, action.target_parameter) else "event")
    )
    for grant in DOCUMENT_PERMISSIONS.get(action.document, ()):
        if grant.resource == "*":
            grant_unscoped(
                role,
                list(grant.actions),
                reason=f"{', '.join(grant.actions)} has no resource-level permissions "
                f"({action.document} waits on it).",
            )
        elif grant.resource == "instance":
            _grant_instances(role, list(grant.actions), action, scope)
        elif grant.resource == "parameter":
            assert grant.parameter is not None
            values = list(action.parameters.get(grant.parameter, ()))
            role.add_to_policy(iam.PolicyStatement(actions=list(grant.actions), resources=values))
        else:
            arn = service_arn(role, "ec2", f"{grant.resource}/*", account=False)
            role.add_to_policy(iam.PolicyStatement(actions=list(grant.actions), resources=[arn]))
            acknowledge_wildcard_resource(
                role,
                arn,
                reason=f"{action.document} creates the {grant.resource}; its id does not "
                "exist before the call.",
            )
    for permission in action.permissions:
        role.add_to_policy(
            iam.PolicyStatement(
                actions=list(permission.actions), resources=list(permission.resources)
            )
        )
        for resource in permission.resources:
            if "*" in resource and all(has_no_resource_level(a) for a in permission.actions):
                acknowledge_wildcard_resource(
                    role,
                    resource,
                    reason=f"{', '.join(permission.actions)} has no resource-level permissions.",
                )


def grant_unscoped(role: iam.Role, actions: list[str], *, reason: str) -> None:
    """Grant ``actions`` on ``*``, acknowledged with ``reason`` (no resource-level permission)."""
    role.add_to_policy(iam.PolicyStatement(actions=actions, resources=["*"]))
    acknowledge_wildcard_resource(role, "*", reason=reason)


def _grant_instances(
    role: iam.Role, actions: list[str], action: RunbookAction, scope: InstanceScope
) -> None:
    if scope == "ids":
        ids = instance_ids(action, action.target_parameter)
        role.add_to_policy(
            iam.PolicyStatement(
                actions=actions,
                resources=[service_arn(role, "ec2", f"instance/{i}") for i in ids],
            )
        )
        return
    arn = service_arn(role, "ec2", "instance/*")
    conditions = None
    reason = (
        f"The instance comes from the event at run time; the rule's pattern decides which "
        f"events start {action.document}."
    )
    if scope == "tagged":
        assert action.targets is not None
        conditions = {
            "StringEquals": {f"aws:ResourceTag/{action.targets.tag}": list(action.targets.values)}
        }
        reason = f"Scoped by a condition to instances tagged {action.targets.tag}."
    role.add_to_policy(iam.PolicyStatement(actions=actions, resources=[arn], conditions=conditions))
    acknowledge_wildcard_resource(role, arn, reason=reason)
