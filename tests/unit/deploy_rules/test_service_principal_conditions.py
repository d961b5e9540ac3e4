"""OBS-ServicePrincipalConditions: service principals carry a source condition, or are exempt."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_backup as backup
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from deploy_support import ACCOUNT, HOME, Synthesized, synthesize

from observability_blueprint.deploy_rules import StackTemplate, check_template, rule
from observability_blueprint.deploy_rules.service_principal_conditions import (
    POLICIES,
    policy_statements,
)
from observability_blueprint.rules.service_principals import EXEMPTIONS
from support import EXAMPLES
from support import Synthesized as Example

RULE = "OBS-ServicePrincipalConditions"
FUNCTION = "arn:aws:lambda:eu-west-1:111122223333:function:responder"
RULE_ARN = "arn:aws:events:eu-west-1:111122223333:rule/ops"
CONFUSED_DEPUTY = "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"


def _good(stack: Stack) -> None:
    iam.Role(
        stack,
        "EventsConditioned",
        assumed_by=iam.ServicePrincipal(
            "events.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": ACCOUNT}}
        ),
    )
    iam.Role(stack, "InstanceRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    iam.Role(
        stack,
        "PodIdentityRole",
        assumed_by=iam.SessionTagsPrincipal(
            iam.ServicePrincipal(
                "pods.eks.amazonaws.com",
                conditions={
                    "StringEquals": {
                        "aws:SourceAccount": ACCOUNT,
                        "aws:RequestTag/kubernetes-service-account": "collector",
                    }
                },
            )
        ),
    )
    topic = sns.Topic(stack, "Topic")
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={
                "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:*"}
            },
        )
    )
    key = kms.Key(stack, "Key")
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=["kms:Encrypt*", "kms:Decrypt*"],
            resources=["*"],
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": (
                        f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:*"
                    )
                }
            },
        )
    )
    # Exempt: the SNS guide shows this statement for encrypted topics without a condition.
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],
        )
    )
    lambda_.CfnPermission(
        stack,
        "EventsInvoke",
        action="lambda:InvokeFunction",
        function_name=FUNCTION,
        principal="events.amazonaws.com",
        source_arn=RULE_ARN,
    )


def _bad(stack: Stack) -> None:
    iam.Role(stack, "EventsOpen", assumed_by=iam.ServicePrincipal("events.amazonaws.com"))
    # The session tags alone (the EKS user guide's example) bind no source.
    iam.Role(
        stack,
        "PodIdentityTagsOnly",
        assumed_by=iam.SessionTagsPrincipal(
            iam.ServicePrincipal(
                "pods.eks.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:RequestTag/kubernetes-service-account": "collector"}
                },
            )
        ),
    )
    iam.Role(
        stack,
        "IfExists",
        assumed_by=iam.ServicePrincipal(
            "states.amazonaws.com",
            conditions={"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}},
        ),
    )
    bucket = s3.Bucket(stack, "TrailBucket")
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("cloudtrail.amazonaws.com")],
            actions=["s3:GetBucketAcl"],
            resources=[bucket.bucket_arn],
        )
    )
    lambda_.CfnPermission(
        stack,
        "SnsInvoke",
        action="lambda:InvokeFunction",
        function_name=FUNCTION,
        principal="sns.amazonaws.com",
    )
    logs.CfnResourcePolicy(
        stack,
        "Delivery",
        policy_name="delivery",
        policy_document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "delivery.logs.amazonaws.com"},
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": "*",
                    }
                ],
            }
        ),
    )


def _policies(stack: Stack) -> None:
    """Resource policies of the L2 constructs CDK users have, each letting a service in."""

    def to(service: str, action: str, resource: str = "*") -> iam.PolicyStatement:
        return iam.PolicyStatement(
            principals=[iam.ServicePrincipal(service)], actions=[action], resources=[resource]
        )

    bus = events.EventBus(stack, "Bus")
    bus.add_to_resource_policy(
        iam.PolicyStatement(
            sid="rules",
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["events:PutEvents"],
            resources=[bus.event_bus_arn],
        )
    )
    role = iam.Role(
        stack,
        "DestinationRole",
        assumed_by=iam.ServicePrincipal(
            "logs.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": ACCOUNT}}
        ),
    )
    destination = logs.CrossAccountDestination(
        stack,
        "Destination",
        role=role,
        target_arn="arn:aws:kinesis:eu-west-1:111122223333:stream/logs",
    )
    destination.add_to_policy(to("logs.amazonaws.com", "logs:PutSubscriptionFilter"))
    group = logs.LogGroup(stack, "Group")
    # CDK writes this policy as a Fn::Join of JSON text around the group's ARN.
    group.add_to_resource_policy(
        to("delivery.logs.amazonaws.com", "logs:PutLogEvents", group.log_group_arn)
    )
    secretsmanager.Secret(stack, "Secret").add_to_resource_policy(
        to("lambda.amazonaws.com", "secretsmanager:GetSecretValue")
    )
    ecr.Repository(stack, "Repository").add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("lambda.amazonaws.com")],
            actions=["ecr:BatchGetImage"],
        )
    )
    api = apigateway.RestApi(
        stack,
        "Api",
        cloud_watch_role=False,
        policy=iam.PolicyDocument(
            statements=[to("events.amazonaws.com", "execute-api:Invoke", "execute-api:/*")]
        ),
    )
    api.root.add_method("GET")
    backup.BackupVault(
        stack,
        "Vault",
        access_policy=iam.PolicyDocument(
            statements=[to("backup.amazonaws.com", "backup:CopyIntoBackupVault")]
        ),
    )
    stream = kinesis.Stream(stack, "Stream")
    stream.add_to_resource_policy(
        to("firehose.amazonaws.com", "kinesis:GetRecords", stream.stream_arn)
    )
    dynamodb.TableV2(
        stack,
        "Table",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        resource_policy=iam.PolicyDocument(
            statements=[to("glue.amazonaws.com", "dynamodb:GetItem")]
        ),
    )
    # CDK sets a domain's access policies through a custom resource whose Create and
    # Update are the SDK call as JSON text, the policy a JSON string inside it.
    opensearch.Domain(
        stack,
        "Domain",
        version=opensearch.EngineVersion.OPENSEARCH_2_11,
        access_policies=[to("es.amazonaws.com", "es:ESHttpGet")],
    )


def _app(make_app: Callable[[], App]) -> tuple[App, Stack]:
    app = make_app()
    _good(Stack(app, "Good", env=HOME))
    bad = Stack(app, "Bad", env=HOME)
    _bad(bad)
    return app, bad


@pytest.fixture(scope="module")
def result(make_app: Callable[[], App]) -> Synthesized:
    app, _ = _app(make_app)
    _policies(Stack(app, "Policies", env=HOME))
    return synthesize(app)


def _by_path(result: Synthesized) -> dict[str, str]:
    return {f.path: f.description for f in result.of(RULE)}


def _in(stack: str, result: Synthesized) -> list[str]:
    return sorted(f.path for f in result.of(RULE) if f.path.startswith(f"{stack}/"))


def test_conditioned_and_exempt_statements_pass(result: Synthesized) -> None:
    assert not [f for f in result.findings if f.path.startswith("Good/")]


def test_an_unconditioned_trust_policy_fails(result: Synthesized) -> None:
    assert result.error is not None
    message = _by_path(result)["Bad/EventsOpen/Resource"]
    assert message.startswith("Bad/EventsOpen/Resource (EventsOpen")
    assert (
        "Properties/AssumeRolePolicyDocument/Statement/0: 'events.amazonaws.com' may "
        "sts:AssumeRole in this role trust policy with no aws:SourceArn, aws:SourceAccount or "
        "aws:SourceOrgID condition"
    ) in message
    assert (
        "allowed: aws:SourceArn, aws:SourceAccount or aws:SourceOrgID condition set to this "
        "account's own source (https://docs.aws.amazon.com/eventbridge/latest/userguide/"
        "cross-service-confused-deputy-prevention.html)"
    ) in message


def test_a_condition_that_a_request_without_the_key_passes_does_not_count(
    result: Synthesized,
) -> None:
    message = _by_path(result)["Bad/IfExists/Resource"]
    assert "'states.amazonaws.com' may sts:AssumeRole" in message
    # No page documents Step Functions' trust condition in the table: the general guide.
    assert f"own source ({CONFUSED_DEPUTY})" in message


def test_an_unconditioned_bucket_statement_fails(result: Synthesized) -> None:
    message = _by_path(result)["Bad/TrailBucket/Policy/Resource"]
    assert "'cloudtrail.amazonaws.com' may s3:GetBucketAcl in this S3 bucket policy" in message
    assert "create-s3-bucket-policy-for-cloudtrail.html" in message


def test_a_lambda_permission_without_source_fails(result: Synthesized) -> None:
    message = _by_path(result)["Bad/SnsInvoke"]
    assert (
        "Properties/Principal: 'sns.amazonaws.com' may lambda:InvokeFunction in this Lambda "
        "function permission with no SourceArn or SourceAccount property"
    ) in message


def test_a_policy_written_as_json_text_is_read(result: Synthesized) -> None:
    message = _by_path(result)["Bad/Delivery"]
    assert (
        "Properties/PolicyDocument/Statement/0: 'delivery.logs.amazonaws.com' may "
        "logs:CreateLogStream, logs:PutLogEvents in this CloudWatch Logs resource policy"
    ) in message
    assert len(_in("Bad", result)) == 6


def test_a_pod_identity_trust_needs_a_source_account_beside_its_session_tags(
    result: Synthesized,
) -> None:
    message = _by_path(result)["Bad/PodIdentityTagsOnly/Resource"]
    assert (
        "'pods.eks.amazonaws.com' may sts:AssumeRole, sts:TagSession in this role trust policy "
        "with no aws:SourceArn, aws:SourceAccount or aws:SourceOrgID condition"
    ) in message
    assert (
        "own source (https://docs.aws.amazon.com/eks/latest/best-practices/"
        "identity-and-access-management.html or https://docs.aws.amazon.com/eks/latest/userguide/"
        "pod-id-role.html)"
    ) in message


def test_an_acknowledged_finding_passes(make_app: Callable[[], App]) -> None:
    app, bad = _app(make_app)
    Validations.of(bad).acknowledge(
        Acknowledgment(id=f"ObservabilityBlueprint::{RULE}", reason="test: reviewed")
    )

    result = synthesize(app)

    assert result.error is None
    assert len(result.acknowledged) == 6


# ------------------------------------------------------- resource policies of L2 constructs

SSM_PAGES = (
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-iam.html or "
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
    "hybrid-multicloud-service-role.html"
)

L2_POLICIES = [
    (
        "Policies/Bus/cdk-rules/Resource",
        "Properties/Statement: 'events.amazonaws.com' may events:PutEvents in this "
        "EventBridge event bus policy",
    ),
    (
        "Policies/Destination/Resource",
        "Properties/DestinationPolicy/Statement/0: 'logs.amazonaws.com' may "
        "logs:PutSubscriptionFilter in this CloudWatch Logs destination policy",
    ),
    (
        "Policies/Group/Policy/ResourcePolicy",
        "Properties/PolicyDocument/Statement/0: 'delivery.logs.amazonaws.com' may "
        "logs:PutLogEvents in this CloudWatch Logs resource policy",
    ),
    (
        "Policies/Secret/Policy/Resource",
        "Properties/ResourcePolicy/Statement/0: 'lambda.amazonaws.com' may "
        "secretsmanager:GetSecretValue in this Secrets Manager secret policy",
    ),
    (
        "Policies/Repository/Resource",
        "Properties/RepositoryPolicyText/Statement/0: 'lambda.amazonaws.com' may "
        "ecr:BatchGetImage in this ECR repository policy",
    ),
    (
        "Policies/Api/Resource",
        "Properties/Policy/Statement/0: 'events.amazonaws.com' may execute-api:Invoke in this "
        "API Gateway REST API policy",
    ),
    (
        "Policies/Vault/Resource",
        "Properties/AccessPolicy/Statement/0: 'backup.amazonaws.com' may "
        "backup:CopyIntoBackupVault in this Backup vault access policy",
    ),
    (
        "Policies/Stream/Policy/Resource",
        "Properties/ResourcePolicy/Statement/0: 'firehose.amazonaws.com' may "
        "kinesis:GetRecords in this Kinesis Data Streams resource policy",
    ),
    (
        "Policies/Table/Resource",
        "Properties/Replicas/0/ResourcePolicy/PolicyDocument/Statement/0: "
        "'glue.amazonaws.com' may dynamodb:GetItem in this DynamoDB table or stream policy",
    ),
    (
        "Policies/Domain/AccessPolicy/Resource/Default",
        "Properties/Create/parameters/AccessPolicies/Statement/0: 'es.amazonaws.com' may "
        "es:ESHttpGet in this OpenSearch domain access policy",
    ),
]


@pytest.mark.parametrize(("path", "expected"), L2_POLICIES, ids=[p for p, _ in L2_POLICIES])
def test_the_resource_policies_of_l2_constructs_are_read(
    result: Synthesized, path: str, expected: str
) -> None:
    messages = [f.description for f in result.of(RULE) if f.path == path]
    assert [m for m in messages if expected in m], messages


def test_every_finding_on_the_l2_constructs_is_expected(result: Synthesized) -> None:
    # The domain's custom resource applies the policy on Create and on Update: two findings.
    expected = sorted(
        [p for p, _ in L2_POLICIES] + ["Policies/Domain/AccessPolicy/Resource/Default"]
    )
    assert _in("Policies", result) == expected


# ------------------------------------------------------- every policy-bearing type, as written

STATEMENT: dict[str, Any] = {
    "Effect": "Allow",
    "Principal": {"Service": "events.amazonaws.com"},
    "Action": "x:Act",
    "Resource": "*",
}
CONDITIONED: dict[str, Any] = {
    **STATEMENT,
    "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
}


def _document(statement: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [statement]}


def _joined(statement: dict[str, Any]) -> dict[str, Any]:
    """The document as CDK writes one holding a reference: a Fn::Join of JSON text."""
    before, after = json.dumps(_document({**statement, "Resource": "@"})).split('"@"')
    return {"Fn::Join": ["", [f'{before}"', {"Fn::GetAtt": ["Group", "Arn"]}, f'"{after}']]}


def _sdk_call(statement: dict[str, Any]) -> str:
    parameters = {"DomainName": "search", "AccessPolicies": json.dumps(_document(statement))}
    return json.dumps({"action": "updateDomainConfig", "parameters": parameters})


@dataclass(frozen=True)
class Case:
    """A resource type holding a policy, how it is written, where and what the rule reports."""

    type: str
    properties: Callable[[dict[str, Any]], dict[str, Any]]
    location: str
    policy: str


CASES = [
    Case(
        "AWS::IAM::Role",
        lambda st: {"AssumeRolePolicyDocument": _document(st)},
        "Properties/AssumeRolePolicyDocument/Statement/0",
        "role trust policy",
    ),
    Case(
        "AWS::SNS::TopicPolicy",
        lambda st: {"Topics": ["t"], "PolicyDocument": _document(st)},
        "Properties/PolicyDocument/Statement/0",
        "SNS topic policy",
    ),
    Case(
        "AWS::SNS::TopicInlinePolicy",
        lambda st: {"TopicArn": "t", "PolicyDocument": _document(st)},
        "Properties/PolicyDocument/Statement/0",
        "SNS topic policy",
    ),
    Case(
        "AWS::SQS::QueuePolicy",
        lambda st: {"Queues": ["q"], "PolicyDocument": _document(st)},
        "Properties/PolicyDocument/Statement/0",
        "SQS queue policy",
    ),
    Case(
        "AWS::SQS::QueueInlinePolicy",
        lambda st: {"Queue": "q", "PolicyDocument": _document(st)},
        "Properties/PolicyDocument/Statement/0",
        "SQS queue policy",
    ),
    Case(
        "AWS::S3::BucketPolicy",
        # A single statement, not in a list, is a statement too.
        lambda st: {"Bucket": "b", "PolicyDocument": {"Statement": st}},
        "Properties/PolicyDocument/Statement",
        "S3 bucket policy",
    ),
    Case(
        "AWS::KMS::Key",
        lambda st: {"KeyPolicy": _document(st)},
        "Properties/KeyPolicy/Statement/0",
        "KMS key policy",
    ),
    Case(
        "AWS::KMS::ReplicaKey",
        lambda st: {"PrimaryKeyArn": "k", "KeyPolicy": _document(st)},
        "Properties/KeyPolicy/Statement/0",
        "KMS key policy",
    ),
    Case(
        "AWS::Logs::ResourcePolicy",
        lambda st: {"PolicyName": "p", "PolicyDocument": _joined(st)},
        "Properties/PolicyDocument/Statement/0",
        "CloudWatch Logs resource policy",
    ),
    Case(
        "AWS::Logs::LogGroup",
        lambda st: {"ResourcePolicyDocument": _document(st)},
        "Properties/ResourcePolicyDocument/Statement/0",
        "CloudWatch Logs resource policy",
    ),
    Case(
        "AWS::Logs::Destination",
        lambda st: {"DestinationName": "d", "DestinationPolicy": json.dumps(_document(st))},
        "Properties/DestinationPolicy/Statement/0",
        "CloudWatch Logs destination policy",
    ),
    Case(
        "AWS::Logs::DeliveryDestination",
        lambda st: {
            "Name": "d",
            "DeliveryDestinationPolicy": {
                "DeliveryDestinationName": "d",
                "DeliveryDestinationPolicy": _document(st),
            },
        },
        "Properties/DeliveryDestinationPolicy/DeliveryDestinationPolicy/Statement/0",
        "CloudWatch Logs delivery destination policy",
    ),
    Case(
        "AWS::Events::EventBusPolicy",
        lambda st: {"StatementId": "s", "Statement": json.dumps(st)},
        "Properties/Statement",
        "EventBridge event bus policy",
    ),
    Case(
        "AWS::Events::EventBus",
        lambda st: {"Name": "b", "Policy": json.dumps(_document(st))},
        "Properties/Policy/Statement/0",
        "EventBridge event bus policy",
    ),
    Case(
        "AWS::SecretsManager::ResourcePolicy",
        lambda st: {"SecretId": "s", "ResourcePolicy": _document(st)},
        "Properties/ResourcePolicy/Statement/0",
        "Secrets Manager secret policy",
    ),
    Case(
        "AWS::ECR::Repository",
        lambda st: {"RepositoryPolicyText": _document(st)},
        "Properties/RepositoryPolicyText/Statement/0",
        "ECR repository policy",
    ),
    Case(
        "AWS::ApiGateway::RestApi",
        lambda st: {"Name": "a", "Policy": _document(st)},
        "Properties/Policy/Statement/0",
        "API Gateway REST API policy",
    ),
    Case(
        "AWS::Backup::BackupVault",
        lambda st: {"BackupVaultName": "v", "AccessPolicy": json.dumps(_document(st))},
        "Properties/AccessPolicy/Statement/0",
        "Backup vault access policy",
    ),
    Case(
        "AWS::Backup::LogicallyAirGappedBackupVault",
        lambda st: {"BackupVaultName": "v", "AccessPolicy": _document(st)},
        "Properties/AccessPolicy/Statement/0",
        "Backup vault access policy",
    ),
    Case(
        "AWS::CodeArtifact::Domain",
        lambda st: {"DomainName": "d", "PermissionsPolicyDocument": _document(st)},
        "Properties/PermissionsPolicyDocument/Statement/0",
        "CodeArtifact domain policy",
    ),
    Case(
        "AWS::CodeArtifact::Repository",
        lambda st: {"RepositoryName": "r", "PermissionsPolicyDocument": _document(st)},
        "Properties/PermissionsPolicyDocument/Statement/0",
        "CodeArtifact repository policy",
    ),
    Case(
        "AWS::OpenSearchService::Domain",
        lambda st: {"AccessPolicies": _document(st)},
        "Properties/AccessPolicies/Statement/0",
        "OpenSearch domain access policy",
    ),
    Case(
        "AWS::Elasticsearch::Domain",
        lambda st: {"AccessPolicies": _document(st)},
        "Properties/AccessPolicies/Statement/0",
        "OpenSearch domain access policy",
    ),
    Case(
        "Custom::OpenSearchAccessPolicy",
        lambda st: {"ServiceToken": "f", "Create": _sdk_call(st)},
        "Properties/Create/parameters/AccessPolicies/Statement/0",
        "OpenSearch domain access policy",
    ),
    Case(
        "Custom::ElasticsearchAccessPolicy",
        lambda st: {"ServiceToken": "f", "Update": _sdk_call(st)},
        "Properties/Update/parameters/AccessPolicies/Statement/0",
        "OpenSearch domain access policy",
    ),
    Case(
        "AWS::EFS::FileSystem",
        lambda st: {"FileSystemPolicy": _document(st)},
        "Properties/FileSystemPolicy/Statement/0",
        "EFS file system policy",
    ),
    Case(
        "AWS::Kinesis::ResourcePolicy",
        lambda st: {"ResourceArn": "s", "ResourcePolicy": _document(st)},
        "Properties/ResourcePolicy/Statement/0",
        "Kinesis Data Streams resource policy",
    ),
    Case(
        "AWS::DynamoDB::Table",
        lambda st: {
            "StreamSpecification": {
                "StreamViewType": "NEW_IMAGE",
                "ResourcePolicy": {"PolicyDocument": _document(st)},
            }
        },
        "Properties/StreamSpecification/ResourcePolicy/PolicyDocument/Statement/0",
        "DynamoDB table or stream policy",
    ),
    Case(
        "AWS::DynamoDB::GlobalTable",
        lambda st: {
            "Replicas": [
                {"Region": "eu-west-1"},
                {
                    "Region": "eu-central-1",
                    "ReplicaStreamSpecification": {
                        "ResourcePolicy": {"PolicyDocument": _document(st)}
                    },
                },
            ]
        },
        "Properties/Replicas/1/ReplicaStreamSpecification/ResourcePolicy/PolicyDocument/Statement/0",
        "DynamoDB table or stream policy",
    ),
    Case(
        "AWS::CloudTrail::ResourcePolicy",
        lambda st: {"ResourceArn": "c", "ResourcePolicy": _document(st)},
        "Properties/ResourcePolicy/Statement/0",
        "CloudTrail resource policy",
    ),
    Case(
        "AWS::XRay::ResourcePolicy",
        lambda st: {"PolicyName": "p", "PolicyDocument": json.dumps(_document(st))},
        "Properties/PolicyDocument/Statement/0",
        "X-Ray resource policy",
    ),
]


def _template(case: Case, statement: dict[str, Any]) -> StackTemplate:
    resources = {"Policy": {"Type": case.type, "Properties": case.properties(statement)}}
    return StackTemplate("T", {"Resources": resources}, region="eu-west-1", account=ACCOUNT)


def _findings(template: StackTemplate) -> list[str]:
    return [
        f"{v.finding.location}: {v.finding.value} {v.finding.problem}"
        for v in check_template(template, [rule(RULE)])
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.type for c in CASES])
def test_an_unconditioned_service_principal_fails_in_every_policy_bearing_type(
    case: Case,
) -> None:
    assert _findings(_template(case, STATEMENT)) == [
        f"{case.location}: events.amazonaws.com may x:Act in this {case.policy} with no "
        "aws:SourceArn, aws:SourceAccount or aws:SourceOrgID condition, so the service acts "
        "for any account's resources (confused deputy)"
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.type for c in CASES])
def test_a_conditioned_service_principal_passes_in_every_policy_bearing_type(
    case: Case,
) -> None:
    assert _findings(_template(case, CONDITIONED)) == []


def test_every_type_the_rule_reads_has_a_case() -> None:
    assert sorted({c.type for c in CASES}) == sorted(POLICIES)


def test_the_older_event_bus_policy_form_names_an_account_only() -> None:
    # Principal is a 12-digit account or "*" (the schema's pattern): no service to bind.
    template = StackTemplate(
        "T",
        {
            "Resources": {
                "Policy": {
                    "Type": "AWS::Events::EventBusPolicy",
                    "Properties": {
                        "StatementId": "s",
                        "Principal": "444455556666",
                        "Action": "events:PutEvents",
                    },
                }
            }
        },
    )
    (resource,) = template.resources()
    assert list(policy_statements(resource)) == []
    assert _findings(template) == []


def test_an_automation_role_without_a_condition_is_pointed_at_both_ssm_pages() -> None:
    trust = {**STATEMENT, "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole"}
    template = _template(CASES[0], trust)

    (violation,) = check_template(template, [rule(RULE)])

    assert f"own source ({SSM_PAGES})" in violation.finding.allowed


# ------------------------------------------------------- every policy of both examples
#
# An independent walk: every map anywhere in a resource's Properties that has a
# Principal with a Service, through JSON text (and Fn::Join or Fn::Sub of it) at any
# depth. The rule must read each of them, and each must be conditioned or exempt.

_SOURCE_KEYS = {
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceowner",
}
_RESTRICTING = {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}
# The kinds of policy the examples hold, for the exemption list (a kind not here has no
# exemption, so its statements must be conditioned).
_KINDS = {
    "AWS::IAM::Role": "trust",
    "AWS::KMS::Key": "kms-key",
    "AWS::SNS::TopicPolicy": "sns-topic",
    "AWS::SQS::QueuePolicy": "sqs-queue",
    "AWS::S3::BucketPolicy": "s3-bucket",
}
_REGION = re.compile(r"^([a-z0-9-]+)\.(?:[a-z]{2}(?:-[a-z]+)+-\d+|\{REGION\})\.(amazonaws\.com)$")


def _text(value: Any) -> str | None:
    """A string, or the text of a Fn::Join or Fn::Sub with {REGION} for what is computed."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((name, argument),) = value.items()
        if name == "Fn::Join" and isinstance(argument, list) and isinstance(argument[1], list):
            return str(argument[0]).join(
                p if isinstance(p, str) else "{REGION}" for p in argument[1]
            )
        if name == "Fn::Sub":
            return argument if isinstance(argument, str) else str(argument[0])
    return None


def _parsed(value: Any) -> Any:
    text = _text(value)
    if text is None or not text.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _service_statements(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    parsed = _parsed(value)
    if parsed is not None:
        yield from _service_statements(parsed, path)
    elif isinstance(value, dict):
        principal = value.get("Principal")
        if isinstance(principal, dict) and "Service" in principal:
            yield path, value
        for key, item in value.items():
            yield from _service_statements(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _service_statements(item, f"{path}/{index}")


def _walk(template: dict[str, Any]) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    """(logical ID, location) -> (resource type, statement) of every service statement."""
    return {
        (logical_id, location): (body["Type"], statement)
        for logical_id, body in template["Resources"].items()
        for location, statement in _service_statements(body.get("Properties", {}), "Properties")
    }


def _read_by_rule(template: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (resource.logical_id, found.location)
        for resource in StackTemplate("T", template).resources()
        for found in policy_statements(resource)
        if isinstance(found.statement.get("Principal"), dict)
        and "Service" in found.statement["Principal"]
    }


def _conditioned(statement: dict[str, Any], resource_type: str) -> bool:
    for operator, keys in (statement.get("Condition") or {}).items():
        if operator.lower() not in _RESTRICTING:
            continue
        for key, value in keys.items():
            bound = key.lower() in _SOURCE_KEYS or (
                resource_type == "AWS::KMS::Key"
                and key.lower().startswith("kms:encryptioncontext:aws:")
            )
            if bound and value not in ("*", "", None, []):
                return True
    return False


def _exempt(service: str, resource_type: str, actions: list[str]) -> bool:
    bare = _REGION.sub(r"\1.\2", service)
    wanted = {a.lower() for a in actions}
    return any(
        e.principal == bare
        and e.kind == _KINDS.get(resource_type)
        and (not e.actions or wanted <= {a.lower() for a in e.actions})
        for e in EXEMPTIONS
    )


def _templates(example: Example) -> dict[str, dict[str, Any]]:
    return {stack.stack_name: example.template_json(stack) for stack in example.stacks}


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_the_rule_reads_every_service_statement_of_the_examples(
    examples: dict[str, Example], example: str
) -> None:
    for name, template in _templates(examples[example]).items():
        walked = set(_walk(template))
        assert walked, f"{name}: no service principal found at all"
        assert _read_by_rule(template) == walked, name


def test_the_rule_reads_every_service_statement_of_the_l2_constructs(result: Synthesized) -> None:
    template = result.template("Policies")
    walked = set(_walk(template))
    assert len(walked) >= len(L2_POLICIES)
    assert _read_by_rule(template) == walked


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_every_service_statement_of_the_examples_is_conditioned_or_exempt(
    examples: dict[str, Example], example: str
) -> None:
    open_statements = []
    for name, template in _templates(examples[example]).items():
        for (logical_id, location), (resource_type, statement) in _walk(template).items():
            if statement.get("Effect") != "Allow" or _conditioned(statement, resource_type):
                continue
            services = statement["Principal"]["Service"]
            actions = statement.get("Action", [])
            actions = actions if isinstance(actions, list) else [actions]
            for service in services if isinstance(services, list) else [services]:
                text = _text(service) or repr(service)
                if not _exempt(text, resource_type, actions):
                    open_statements.append(f"{name} {logical_id} {location}: {text}")
    assert open_statements == []


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_every_lambda_permission_of_the_examples_names_its_source(
    examples: dict[str, Example], example: str
) -> None:
    unbound = [
        f"{name} {logical_id}"
        for name, template in _templates(examples[example]).items()
        for logical_id, body in template["Resources"].items()
        if body["Type"] == "AWS::Lambda::Permission"
        and str(_text(body["Properties"].get("Principal"))).endswith(".amazonaws.com")
        and not ({"SourceArn", "SourceAccount"} & set(body["Properties"]))
    ]
    assert unbound == []


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_the_rule_finds_nothing_in_the_examples(examples: dict[str, Example], example: str) -> None:
    found = [
        f"{stack.stack_name} {v.resource.logical_id} {v.finding.location}: {v.finding.value}"
        for stack in examples[example].stacks
        for v in check_template(
            StackTemplate(stack.stack_name, examples[example].template_json(stack)), [rule(RULE)]
        )
    ]
    assert found == []
