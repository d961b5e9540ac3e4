"""OBS-ServicePrincipalConditions: a service principal acts only for this account's sources.

Every Allow statement naming a service principal (a role's trust policy, a topic,
queue, bucket, key, log or event bus policy, a Lambda permission) carries an
``aws:SourceArn``, ``aws:SourceAccount`` or ``aws:SourceOrgID`` condition, as the
confused deputy guidance asks; the statements AWS documents without one are
exempt, each with its page (:mod:`observability_blueprint.rules.service_principals`).
Identity policies (``AWS::IAM::Policy``) name no principal and are not read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from observability_blueprint.deploy_rules.rule import Finding, Rule
from observability_blueprint.deploy_rules.template import (
    StackTemplate,
    TemplateResource,
    render,
)
from observability_blueprint.rules.service_principals import (
    GENERAL_GUIDE,
    POLICY_KINDS,
    PolicyKind,
    condition_page,
    exemption_for,
    unconditioned_principals,
)

POLICIES: Final[Mapping[str, tuple[str, PolicyKind]]] = {
    "AWS::IAM::Role": ("AssumeRolePolicyDocument", "trust"),
    "AWS::SNS::TopicPolicy": ("PolicyDocument", "sns-topic"),
    "AWS::SNS::TopicInlinePolicy": ("PolicyDocument", "sns-topic"),
    "AWS::SQS::QueuePolicy": ("PolicyDocument", "sqs-queue"),
    "AWS::SQS::QueueInlinePolicy": ("PolicyDocument", "sqs-queue"),
    "AWS::S3::BucketPolicy": ("PolicyDocument", "s3-bucket"),
    "AWS::KMS::Key": ("KeyPolicy", "kms-key"),
    "AWS::Logs::ResourcePolicy": ("PolicyDocument", "logs-resource"),
    "AWS::Events::EventBusPolicy": ("Statement", "event-bus"),
}
"""Resource type -> the property holding its policy, and the policy's kind."""
LAMBDA_PERMISSION: Final = "AWS::Lambda::Permission"
_KEYS: Final = "aws:SourceArn, aws:SourceAccount or aws:SourceOrgID"


def _document(value: Any) -> Any:
    if isinstance(value, Mapping):
        return value
    text = render(value)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _statements(resource: TemplateResource) -> Iterator[tuple[str, Mapping[str, Any]]]:
    prop, _ = POLICIES[resource.type]
    document = _document(resource.properties.get(prop))
    if resource.type == "AWS::Events::EventBusPolicy":
        if isinstance(document, Mapping):
            yield f"Properties/{prop}", document
        return
    statements = document.get("Statement") if isinstance(document, Mapping) else None
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list):
        return
    for index, statement in enumerate(statements):
        if isinstance(statement, Mapping):
            yield f"Properties/{prop}/Statement/{index}", _with_rendered_services(statement)


def _with_rendered_services(statement: Mapping[str, Any]) -> Mapping[str, Any]:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping) or "Service" not in principal:
        return statement
    services = principal["Service"]
    listed = services if isinstance(services, list) else [services]
    rendered = [render(service) for service in listed]
    return {**statement, "Principal": {**principal, "Service": rendered}}


def _finding(
    location: str,
    principal: str,
    actions: Sequence[str],
    kind: PolicyKind,
    *,
    binding: str = f"{_KEYS} condition",
) -> Finding:
    return Finding(
        location,
        principal,
        f"may {', '.join(actions) or 'act'} in this {POLICY_KINDS[kind]} with no {binding}, "
        "so the service acts for any account's resources (confused deputy)",
        f"{binding} set to this account's own source ({condition_page(principal, kind)}); "
        "where AWS documents none, an acknowledgement citing the page that shows the "
        "statement without one",
    )


def _permission(resource: TemplateResource) -> Sequence[Finding]:
    principal = render(resource.properties.get("Principal"))
    if principal is None or not principal.endswith((".amazonaws.com", ".amazonaws.com.cn")):
        return []
    if any(resource.properties.get(key) for key in ("SourceArn", "SourceAccount")):
        return []
    action = render(resource.properties.get("Action")) or "lambda:InvokeFunction"
    if exemption_for(principal, "lambda-permission", [action]) is not None:
        return []
    return [
        _finding(
            "Properties/Principal",
            principal,
            [action],
            "lambda-permission",
            binding="SourceArn or SourceAccount property",
        )
    ]


def check(resource: TemplateResource, template: StackTemplate) -> Sequence[Finding]:
    """Return one finding per service principal allowed without a source condition."""
    if resource.type == LAMBDA_PERMISSION:
        return _permission(resource)
    _, kind = POLICIES[resource.type]
    return [
        _finding(location, unconditioned.principal, unconditioned.actions, kind)
        for location, statement in _statements(resource)
        for unconditioned in unconditioned_principals(statement, kind)
    ]


RULE: Final = Rule(
    id="OBS-ServicePrincipalConditions",
    info="A service principal is allowed only with a source condition, unless AWS documents none.",
    explanation=(
        "Without aws:SourceArn or aws:SourceAccount a service principal acts for any account's "
        "rule, trail or alarm on this resource; the statements AWS documents without a "
        "condition are exempt, each with its page."
    ),
    source=GENERAL_GUIDE,
    resource_types=frozenset({*POLICIES, LAMBDA_PERMISSION}),
    check=check,
)
