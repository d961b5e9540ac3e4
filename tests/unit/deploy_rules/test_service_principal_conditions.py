"""OBS-ServicePrincipalConditions: service principals carry a source condition, or are exempt."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from deploy_support import ACCOUNT, HOME, Synthesized, synthesize

from observability_blueprint.deploy_rules import StackTemplate, check_template, rule
from support import EXAMPLES
from support import Synthesized as Example

RULE = "OBS-ServicePrincipalConditions"
FUNCTION = "arn:aws:lambda:eu-west-1:111122223333:function:responder"
RULE_ARN = "arn:aws:events:eu-west-1:111122223333:rule/ops"


def _good(stack: Stack) -> None:
    iam.Role(
        stack,
        "EventsConditioned",
        assumed_by=iam.ServicePrincipal(
            "events.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": ACCOUNT}}
        ),
    )
    iam.Role(stack, "InstanceRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
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


def _app(make_app: Callable[[], App]) -> tuple[App, Stack]:
    app = make_app()
    _good(Stack(app, "Good", env=HOME))
    bad = Stack(app, "Bad", env=HOME)
    _bad(bad)
    return app, bad


@pytest.fixture(scope="module")
def result(make_app: Callable[[], App]) -> Synthesized:
    app, _ = _app(make_app)
    return synthesize(app)


def _by_path(result: Synthesized) -> dict[str, str]:
    return {f.path: f.description for f in result.of(RULE)}


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
    assert len(result.of(RULE)) == 5


def test_an_acknowledged_finding_passes(make_app: Callable[[], App]) -> None:
    app, bad = _app(make_app)
    Validations.of(bad).acknowledge(
        Acknowledgment(id=f"ObservabilityBlueprint::{RULE}", reason="test: reviewed")
    )

    result = synthesize(app)

    assert result.error is None
    assert len(result.acknowledged) == 5


def _unconditioned(example: Example) -> list[str]:
    found: list[str] = []
    for stack in example.stacks:
        env = stack.environment.split("/")  # aws://ACCOUNT/REGION
        account, region = env[2], env[3]
        template = StackTemplate(
            stack.stack_name,
            example.template_json(stack),
            region=None if region == "unknown-region" else region,
            account=None if account == "unknown-account" else account,
        )
        found.extend(
            f"{stack.stack_name} {v.resource.logical_id} {v.finding.location}: "
            f"{v.finding.value} {v.finding.problem.split(' with no')[0]}"
            for v in check_template(template, [rule(RULE)])
        )
    return found


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_every_service_principal_of_the_examples_is_conditioned_or_exempt(
    examples: dict[str, Example], example: str
) -> None:
    assert _unconditioned(examples[example]) == []
