"""Which AWS service principals must carry a source condition, and the documented exceptions.

Pure module: no aws_cdk import. A statement that lets an AWS service act on a
resource (``"Principal": {"Service": "events.amazonaws.com"}``) lets that service
act for anyone's rule, trail or alarm unless a condition binds it to the caller's
own: ``aws:SourceArn``, ``aws:SourceAccount``, ``aws:SourceOrgID`` (the confused
deputy problem, https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).

A service that does not send those keys in its request fails a statement that
requires them, silently: deliveries stop and nothing reports it. So the rule is
"every service principal gets a source condition" and the exceptions below are
the statements AWS documents without one, each with the page that shows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

PolicyKind = Literal[
    "trust",
    "sns-topic",
    "sqs-queue",
    "s3-bucket",
    "kms-key",
    "logs-resource",
    "logs-destination",
    "logs-delivery-destination",
    "event-bus",
    "lambda-permission",
    "secretsmanager-secret",
    "ecr-repository",
    "apigateway-rest-api",
    "backup-vault",
    "codeartifact-domain",
    "codeartifact-repository",
    "opensearch-domain",
    "efs-file-system",
    "kinesis-stream",
    "dynamodb-table",
    "cloudtrail-resource",
    "xray-resource",
]
"""Where a statement lives: a role's trust policy or a resource's policy."""

POLICY_KINDS: Final[Mapping[PolicyKind, str]] = {
    "trust": "role trust policy",
    "sns-topic": "SNS topic policy",
    "sqs-queue": "SQS queue policy",
    "s3-bucket": "S3 bucket policy",
    "kms-key": "KMS key policy",
    "logs-resource": "CloudWatch Logs resource policy",
    "logs-destination": "CloudWatch Logs destination policy",
    "logs-delivery-destination": "CloudWatch Logs delivery destination policy",
    "event-bus": "EventBridge event bus policy",
    "lambda-permission": "Lambda function permission",
    "secretsmanager-secret": "Secrets Manager secret policy",
    "ecr-repository": "ECR repository policy",
    "apigateway-rest-api": "API Gateway REST API policy",
    "backup-vault": "Backup vault access policy",
    "codeartifact-domain": "CodeArtifact domain policy",
    "codeartifact-repository": "CodeArtifact repository policy",
    "opensearch-domain": "OpenSearch domain access policy",
    "efs-file-system": "EFS file system policy",
    "kinesis-stream": "Kinesis Data Streams resource policy",
    "dynamodb-table": "DynamoDB table or stream policy",
    "cloudtrail-resource": "CloudTrail resource policy",
    "xray-resource": "X-Ray resource policy",
}

SOURCE_CONDITION_KEYS: Final[tuple[str, ...]] = (
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceOwner",
)
"""Global condition keys that bind a service's request to the caller's resource or account
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)."""

KMS_CONTEXT_PREFIX: Final = "kms:EncryptionContext:aws:"
"""In a key policy, an encryption context key the service sets to its own resource's ARN
(``kms:EncryptionContext:aws:logs:arn``) binds the key's use to that resource as well; it is
how CloudWatch Logs documents its key statement
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html)."""

# Operators under which a source key restricts; "...IfExists" does not (a request
# without the key passes) and the negated ones allow every other source.
_RESTRICTING_OPERATORS: Final = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}
)
_REGIONAL_PRINCIPAL_RE: Final = re.compile(
    r"(?P<service>[a-z0-9-]+)\.(?:[a-z]{2}(?:-[a-z]+)+-\d+|\$\{AWS::Region\})"
    r"\.(?P<suffix>amazonaws\.com(?:\.cn)?)"
)


@dataclass(frozen=True)
class Exemption:
    """A statement AWS documents without a source condition.

    Parameters
    ----------
    principal
        The service principal, without a Region (``logs.amazonaws.com``).
    kind
        The kind of policy the statement is in.
    reason
        Why no condition: what the service does with the statement.
    url
        The AWS page that shows the statement without a condition.
    actions
        The actions the exemption covers; empty for any.
    """

    principal: str
    kind: PolicyKind
    reason: str
    url: str
    actions: frozenset[str] = frozenset()

    def covers(self, principal: str, kind: PolicyKind, actions: Iterable[str]) -> bool:
        """Return True when a statement of ``principal`` in a ``kind`` policy is exempt."""
        if normalize_principal(principal) != self.principal or kind != self.kind:
            return False
        wanted = {a.lower() for a in self.actions}
        return not wanted or all(a.lower() in wanted for a in actions)


POD_IDENTITY_PRINCIPAL: Final = "pods.eks.amazonaws.com"
"""The service principal EKS Pod Identity assumes roles as."""

_SNS_ENCRYPTED_TOPICS: Final = (
    "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html"
    "#compatibility-with-aws-services"
)

EXEMPTIONS: Final[tuple[Exemption, ...]] = (
    Exemption(
        "ec2.amazonaws.com",
        "trust",
        "an instance role is assumed by EC2 for the instance profile's instance; the IAM "
        "user guide shows its trust policy without a condition",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html",
    ),
    Exemption(
        "lambda.amazonaws.com",
        "trust",
        "a function's execution role; the Lambda guide shows its trust policy without a condition",
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
    ),
    Exemption(
        "cloudtrail.amazonaws.com",
        "trust",
        "the role CloudTrail assumes to deliver events to CloudWatch Logs; the CloudTrail guide "
        "says confused deputy prevention does not apply to it: the role policy does not "
        "support aws:SourceArn or aws:SourceAccount",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
        "cloudtrail-required-policy-for-cloudwatch-logs.html",
        frozenset({"sts:AssumeRole"}),
    ),
    Exemption(
        "cloudwatch.amazonaws.com",
        "kms-key",
        "alarms publishing to an SNS topic encrypted with this key; the SNS guide shows the "
        "key statement for AWS event sources without a condition",
        _SNS_ENCRYPTED_TOPICS,
        frozenset({"kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKey*"}),
    ),
    Exemption(
        "events.amazonaws.com",
        "kms-key",
        "EventBridge rules publishing to an SNS topic encrypted with this key; the SNS guide "
        "shows the key statement for AWS event sources without a condition (EventBridge "
        "documents aws:SourceArn only for keys that encrypt an event bus)",
        _SNS_ENCRYPTED_TOPICS,
        frozenset({"kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKey*"}),
    ),
)
"""Statements AWS documents without a source condition, each with the page that shows it."""

DOCUMENTED: Final[Mapping[tuple[str, PolicyKind], tuple[str, ...]]] = {
    ("events.amazonaws.com", "sns-topic"): (
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html",
    ),
    ("events.amazonaws.com", "sqs-queue"): (
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html",
    ),
    ("events.amazonaws.com", "trust"): (
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/"
        "cross-service-confused-deputy-prevention.html",
    ),
    ("events.amazonaws.com", "lambda-permission"): (
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html",
    ),
    ("scheduler.amazonaws.com", "trust"): (
        "https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html",
    ),
    ("cloudtrail.amazonaws.com", "s3-bucket"): (
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
        "create-s3-bucket-policy-for-cloudtrail.html",
    ),
    ("cloudtrail.amazonaws.com", "kms-key"): (
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
        "create-kms-key-policy-for-cloudtrail.html",
    ),
    ("cloudwatch.amazonaws.com", "sns-topic"): (
        "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html",
    ),
    ("logs.amazonaws.com", "trust"): (
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Subscriptions-confused-deputy.html",
    ),
    ("logs.amazonaws.com", "kms-key"): (
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    ),
    ("logs.amazonaws.com", "lambda-permission"): (
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html",
    ),
    ("lambda.alarms.cloudwatch.amazonaws.com", "lambda-permission"): (
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html",
    ),
    ("sns.amazonaws.com", "lambda-permission"): (
        "https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html",
    ),
    # The EKS user guide's trust policy has no source key, but the EKS Best Practices
    # Guide documents one: "EKS will pass in a value for aws:SourceOrgId ... when assuming
    # a role with EKS Pod Identities" (Identity and Access Management, "Working with IAM
    # roles for EKS Pod Identities"). The blueprint binds its roles with aws:SourceAccount
    # (an account need not be in an organization) next to the session tags of the user
    # guide; the value of aws:SourceArn is documented nowhere, so it is not used.
    (POD_IDENTITY_PRINCIPAL, "trust"): (
        "https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html",
        "https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html",
    ),
    ("vpc-flow-logs.amazonaws.com", "trust"): (
        "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
    ),
    # Systems Manager assumes a role for two uses, each documented with both keys: an
    # Automation service role (aws:SourceArn arn:aws:ssm:*:ACCOUNT:automation-execution/*)
    # and the service role of a hybrid activation (aws:SourceArn arn:aws:ssm:REGION:ACCOUNT:*).
    ("ssm.amazonaws.com", "trust"): (
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-iam.html",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
        "hybrid-multicloud-service-role.html",
    ),
    ("logging.s3.amazonaws.com", "s3-bucket"): (
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
    ),
    ("delivery.logs.amazonaws.com", "s3-bucket"): (
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html",
    ),
    ("delivery.logs.amazonaws.com", "logs-resource"): (
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html",
    ),
}
"""(principal, policy kind) -> the AWS pages that show the statement with a source condition.

Informational: every principal not exempted needs a condition, listed here or not;
a listed one's message points at the pages that show how (several where the service
assumes or uses the resource for several purposes, each documented on its own page).
"""

GENERAL_GUIDE: Final = "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"


def pod_identity_conditions(
    *, account: str, cluster_name: str, namespace: str, service_account: str
) -> dict[str, dict[str, str]]:
    """Return the trust conditions of a role one service account of one cluster gets
    through EKS Pod Identity (the principal :data:`POD_IDENTITY_PRINCIPAL`, which also
    needs ``sts:TagSession``).

    The session tags EKS Pod Identity sets name the cluster, namespace and service
    account (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html), the
    cluster by name only; ``aws:SourceAccount`` binds the role to clusters of
    ``account`` as well (see :data:`DOCUMENTED`).
    """
    return {
        "StringEquals": {
            "aws:SourceAccount": account,
            "aws:RequestTag/eks-cluster-name": cluster_name,
            "aws:RequestTag/kubernetes-namespace": namespace,
            "aws:RequestTag/kubernetes-service-account": service_account,
        }
    }


def normalize_principal(principal: str) -> str:
    """Return a service principal without its Region: ``logs.eu-west-1.amazonaws.com`` ->
    ``logs.amazonaws.com`` (also ``logs.${AWS::Region}.amazonaws.com``)."""
    match = _REGIONAL_PRINCIPAL_RE.fullmatch(principal)
    if match:
        return f"{match['service']}.{match['suffix']}"
    return principal


def exemption_for(principal: str, kind: PolicyKind, actions: Iterable[str]) -> Exemption | None:
    """Return the exemption that covers the statement, or None."""
    listed = tuple(actions)
    return next((e for e in EXEMPTIONS if e.covers(principal, kind, listed)), None)


def has_source_condition(condition: Any, kind: PolicyKind) -> bool:
    """Return True when ``condition`` (a statement's Condition) binds the service to a source.

    A source key counts under an operator that restricts (``StringEquals``, ``ArnLike``,
    ...; not ``...IfExists`` nor a negated one) with a value other than ``*``. In a key
    policy an ``kms:EncryptionContext:aws:...`` key counts as well.
    """
    if not isinstance(condition, Mapping):
        return False
    for operator, keys in condition.items():
        name = str(operator).lower().split(":")[-1]
        if name not in _RESTRICTING_OPERATORS or not isinstance(keys, Mapping):
            continue
        for key, value in keys.items():
            if _binds(str(key), kind) and _restricts(value):
                return True
    return False


def _binds(key: str, kind: PolicyKind) -> bool:
    lowered = key.lower()
    if lowered in {k.lower() for k in SOURCE_CONDITION_KEYS}:
        return True
    return kind == "kms-key" and lowered.startswith(KMS_CONTEXT_PREFIX.lower())


def _restricts(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return bool(values) and all(v not in ("*", "", None) for v in values)


@dataclass(frozen=True)
class Unconditioned:
    """A service principal allowed without a source condition."""

    principal: str
    actions: tuple[str, ...]


def condition_pages(principal: str, kind: PolicyKind) -> tuple[str, ...]:
    """Return the AWS pages that show the condition for ``principal`` in a ``kind`` policy.

    The general confused deputy guide when no page for the pair is listed.
    """
    return DOCUMENTED.get((normalize_principal(principal), kind), (GENERAL_GUIDE,))


def unconditioned_principals(statement: Mapping[str, Any], kind: PolicyKind) -> list[Unconditioned]:
    """Return the service principals an Allow statement grants without a source condition.

    Exempt principals (:data:`EXEMPTIONS`) are not returned. Principals are read as
    written; one that is not a string (an unresolved reference) is skipped.
    """
    if statement.get("Effect") != "Allow":
        return []
    principal = statement.get("Principal")
    services = principal.get("Service") if isinstance(principal, Mapping) else None
    if services is None:
        return []
    names = [
        s for s in (services if isinstance(services, list) else [services]) if isinstance(s, str)
    ]
    actions = _strings(statement.get("Action"))
    if has_source_condition(statement.get("Condition"), kind):
        return []
    return [
        Unconditioned(name, actions) for name in names if exemption_for(name, kind, actions) is None
    ]


def _strings(value: Any) -> tuple[str, ...]:
    items: Sequence[Any] = value if isinstance(value, list) else [] if value is None else [value]
    return tuple(str(item) for item in items if isinstance(item, str))
