"""OBS-ServicePrincipalConditions: a service principal acts only for this account's sources.

Every Allow statement naming a service principal (a role's trust policy, a
resource's policy, a Lambda permission) carries an ``aws:SourceArn``,
``aws:SourceAccount`` or ``aws:SourceOrgID`` condition, as the confused deputy
guidance asks; the statements AWS documents without one are exempt, each with its
page (:mod:`observability_blueprint.rules.service_principals`).

The policies read are listed in :data:`POLICIES`, one entry per property of a
resource type that holds a policy, whether written as JSON or as a JSON string
(``AWS::Logs::Destination``'s ``DestinationPolicy``, the access policy CDK's
OpenSearch ``Domain`` sets through a custom resource). Not read, because no
statement in them can name a service principal:

- identity policies (``AWS::IAM::Policy``, ``ManagedPolicy``, a role's ``Policies``)
  name no principal;
- the older form of ``AWS::Events::EventBusPolicy`` (``Principal``, ``Action``,
  ``Condition`` instead of ``Statement``) takes an account ID or ``*`` as principal and
  ``AWS::Lambda::LayerVersionPermission`` an account ID, an account's root ARN or ``*``,
  nothing else (the patterns of their CloudFormation schemas);
- a Glue Data Catalog policy has no CloudFormation resource (``glue:PutResourcePolicy``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
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
    condition_pages,
    exemption_for,
    unconditioned_principals,
)

EACH: Final = "*"
"""In a :class:`PolicyProperty` path, every item of a list (``Replicas/*/ResourcePolicy``)."""


@dataclass(frozen=True)
class PolicyProperty:
    """Where a resource type holds a policy, and the policy's kind.

    Parameters
    ----------
    path
        The keys from ``Properties`` down to the policy; :data:`EACH` for every
        item of a list. A step may be a JSON string: it is parsed.
    kind
        The kind of policy, for the exemptions and the message.
    statement
        True when the property is one statement rather than a document
        (``AWS::Events::EventBusPolicy``'s ``Statement``).
    """

    path: tuple[str, ...]
    kind: PolicyKind
    statement: bool = False


def _at(*path: str, kind: PolicyKind) -> tuple[PolicyProperty, ...]:
    return (PolicyProperty(path, kind),)


_CUSTOM_RESOURCE_ACCESS_POLICY: Final = (
    PolicyProperty(("Create", "parameters", "AccessPolicies"), "opensearch-domain"),
    PolicyProperty(("Update", "parameters", "AccessPolicies"), "opensearch-domain"),
)
"""CDK's OpenSearch and Elasticsearch ``Domain`` set ``accessPolicies`` through a custom
resource whose ``Create`` and ``Update`` are the SDK call as a JSON string."""

POLICIES: Final[Mapping[str, tuple[PolicyProperty, ...]]] = {
    "AWS::IAM::Role": _at("AssumeRolePolicyDocument", kind="trust"),
    "AWS::SNS::TopicPolicy": _at("PolicyDocument", kind="sns-topic"),
    "AWS::SNS::TopicInlinePolicy": _at("PolicyDocument", kind="sns-topic"),
    "AWS::SQS::QueuePolicy": _at("PolicyDocument", kind="sqs-queue"),
    "AWS::SQS::QueueInlinePolicy": _at("PolicyDocument", kind="sqs-queue"),
    "AWS::S3::BucketPolicy": _at("PolicyDocument", kind="s3-bucket"),
    "AWS::KMS::Key": _at("KeyPolicy", kind="kms-key"),
    "AWS::KMS::ReplicaKey": _at("KeyPolicy", kind="kms-key"),
    "AWS::Logs::ResourcePolicy": _at("PolicyDocument", kind="logs-resource"),
    "AWS::Logs::LogGroup": _at("ResourcePolicyDocument", kind="logs-resource"),
    "AWS::Logs::Destination": _at("DestinationPolicy", kind="logs-destination"),
    "AWS::Logs::DeliveryDestination": _at(
        "DeliveryDestinationPolicy", "DeliveryDestinationPolicy", kind="logs-delivery-destination"
    ),
    "AWS::Events::EventBusPolicy": (PolicyProperty(("Statement",), "event-bus", statement=True),),
    "AWS::Events::EventBus": _at("Policy", kind="event-bus"),
    "AWS::SecretsManager::ResourcePolicy": _at("ResourcePolicy", kind="secretsmanager-secret"),
    "AWS::ECR::Repository": _at("RepositoryPolicyText", kind="ecr-repository"),
    "AWS::ApiGateway::RestApi": _at("Policy", kind="apigateway-rest-api"),
    "AWS::Backup::BackupVault": _at("AccessPolicy", kind="backup-vault"),
    "AWS::Backup::LogicallyAirGappedBackupVault": _at("AccessPolicy", kind="backup-vault"),
    "AWS::CodeArtifact::Domain": _at("PermissionsPolicyDocument", kind="codeartifact-domain"),
    "AWS::CodeArtifact::Repository": _at(
        "PermissionsPolicyDocument", kind="codeartifact-repository"
    ),
    "AWS::OpenSearchService::Domain": _at("AccessPolicies", kind="opensearch-domain"),
    "AWS::Elasticsearch::Domain": _at("AccessPolicies", kind="opensearch-domain"),
    "Custom::OpenSearchAccessPolicy": _CUSTOM_RESOURCE_ACCESS_POLICY,
    "Custom::ElasticsearchAccessPolicy": _CUSTOM_RESOURCE_ACCESS_POLICY,
    "AWS::EFS::FileSystem": _at("FileSystemPolicy", kind="efs-file-system"),
    "AWS::Kinesis::ResourcePolicy": _at("ResourcePolicy", kind="kinesis-stream"),
    "AWS::DynamoDB::Table": (
        PolicyProperty(("ResourcePolicy", "PolicyDocument"), "dynamodb-table"),
        PolicyProperty(
            ("StreamSpecification", "ResourcePolicy", "PolicyDocument"), "dynamodb-table"
        ),
    ),
    "AWS::DynamoDB::GlobalTable": (
        PolicyProperty(("Replicas", EACH, "ResourcePolicy", "PolicyDocument"), "dynamodb-table"),
        PolicyProperty(
            ("Replicas", EACH, "ReplicaStreamSpecification", "ResourcePolicy", "PolicyDocument"),
            "dynamodb-table",
        ),
    ),
    "AWS::CloudTrail::ResourcePolicy": _at("ResourcePolicy", kind="cloudtrail-resource"),
    "AWS::XRay::ResourcePolicy": _at("PolicyDocument", kind="xray-resource"),
}
"""Resource type -> where it holds policies, and their kind."""
LAMBDA_PERMISSION: Final = "AWS::Lambda::Permission"
_KEYS: Final = "aws:SourceArn, aws:SourceAccount or aws:SourceOrgID"


@dataclass(frozen=True)
class PolicyStatement:
    """One statement of a policy the rule reads, where it is and the policy's kind."""

    location: str
    """The property path in the template (``Properties/PolicyDocument/Statement/1``)."""
    kind: PolicyKind
    statement: Mapping[str, Any]
    """The statement, its service principals rendered as text."""


def _document(value: Any) -> Any:
    """Return a map or list as it is, and text (or a ``Fn::Join`` of text) parsed as JSON.

    CDK writes a policy that holds a reference as a ``Fn::Join`` of JSON text
    (``AWS::Logs::ResourcePolicy``, the custom resource of an OpenSearch domain).
    """
    if isinstance(value, list) or (isinstance(value, Mapping) and not _is_function(value)):
        return value
    text = render(value)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _is_function(value: Mapping[str, Any]) -> bool:
    if len(value) != 1:
        return False
    (name,) = value
    return name == "Ref" or str(name).startswith("Fn::")


def _values(value: Any, path: Sequence[str], where: str) -> Iterator[tuple[str, Any]]:
    if not path:
        yield where, value
        return
    step, rest = path[0], path[1:]
    parsed = _document(value)
    if step == EACH:
        if isinstance(parsed, list):
            for index, item in enumerate(parsed):
                yield from _values(item, rest, f"{where}/{index}")
    elif isinstance(parsed, Mapping) and step in parsed:
        yield from _values(parsed[step], rest, f"{where}/{step}")


def policy_statements(resource: TemplateResource) -> Iterator[PolicyStatement]:
    """Yield every statement of every policy of ``resource`` that the rule reads."""
    for policy in POLICIES.get(resource.type, ()):
        for where, value in _values(resource.properties, policy.path, "Properties"):
            document = _document(value)
            if policy.statement:
                if isinstance(document, Mapping):
                    yield PolicyStatement(where, policy.kind, _with_rendered_services(document))
                continue
            statements = document.get("Statement") if isinstance(document, Mapping) else None
            if isinstance(statements, Mapping):
                yield PolicyStatement(
                    f"{where}/Statement", policy.kind, _with_rendered_services(statements)
                )
            elif isinstance(statements, list):
                for index, statement in enumerate(statements):
                    if isinstance(statement, Mapping):
                        yield PolicyStatement(
                            f"{where}/Statement/{index}",
                            policy.kind,
                            _with_rendered_services(statement),
                        )


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
    pages = " or ".join(condition_pages(principal, kind))
    return Finding(
        location,
        principal,
        f"may {', '.join(actions) or 'act'} in this {POLICY_KINDS[kind]} with no {binding}, "
        "so the service acts for any account's resources (confused deputy)",
        f"{binding} set to this account's own source ({pages}); "
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
    return [
        _finding(found.location, unconditioned.principal, unconditioned.actions, found.kind)
        for found in policy_statements(resource)
        for unconditioned in unconditioned_principals(found.statement, found.kind)
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
