"""Both example files pass cdk-nag AwsSolutions and cfn-lint, and the checks can fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns

from observability_blueprint import add_compliance_checks
from observability_blueprint.security.nag import acknowledge_managed_policy
from support import (
    EXAMPLES,
    Synthesized,
    assert_compliant,
    cfn_lint_findings,
    compliance_findings,
    new_app,
)

# The construct warnings each example carries on purpose (asserted word for word
# by the tests of those constructs); any other warning fails the check.
EXPECTED_WARNINGS = {
    "blueprint.yaml": set(),
    "examples/full.yaml": {
        # An existing SQS queue subscribed to a topic: its policy is not this stack's.
        "Annotation::observability-blueprint:sqs-subscriber-policy",
        # An ECS cluster named, not managed: Container Insights is set where it is defined.
        "Annotation::observability-blueprint:ecs-container-insights-by-name",
        # A DynamoDB table named, not managed: its Contributor Insights is set by hand.
        "Annotation::observability-blueprint:dynamodb-contributor-insights-by-name",
    },
}


def test_every_example_has_its_expected_warnings() -> None:
    assert set(EXPECTED_WARNINGS) == set(EXAMPLES)


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_the_example_passes_cdk_nag_and_cfn_lint(
    examples: dict[str, Synthesized], example: str
) -> None:
    synthesized = examples[example]
    assert_compliant(
        synthesized.outdir,
        nag_error=synthesized.nag_error,
        construct_warnings=EXPECTED_WARNINGS[example],
    )
    # Every stack of the example was linted.
    linted = {path.name for path in synthesized.outdir.glob("*.template.json")}
    assert {f"{s.artifact_id}.template.json" for s in synthesized.stacks} <= linted


def _plain_topic_app(outdir: Path, *, acknowledged: bool) -> str | None:
    """Synthesize a topic that allows plain HTTP (AwsSolutions-SNS3); return the error."""
    app = new_app(outdir)
    stack = Stack(app, "Control")
    topic = sns.Topic(stack, "PlainTopic")
    if acknowledged:
        Validations.of(topic).acknowledge(
            Acknowledgment(id="AwsSolutions::AwsSolutions-SNS3", reason="test: plain HTTP wanted")
        )
    add_compliance_checks(app)
    try:
        app.synth()
    except RuntimeError as error:
        return str(error)
    return None


def test_cdk_nag_is_really_checking(tmp_path: Path) -> None:
    """Negative control: the same registration reports a topic that allows plain HTTP."""
    nag_error = _plain_topic_app(tmp_path, acknowledged=False)

    assert nag_error is not None
    assert "ValidationFailed" in nag_error
    assert compliance_findings(tmp_path) == [
        "AwsSolutions: AwsSolutions-SNS3: Control/PlainTopic/Resource"
    ]
    with pytest.raises(AssertionError, match="AwsSolutions-SNS3"):
        assert_compliant(tmp_path, nag_error=nag_error)


def test_an_acknowledged_finding_passes(tmp_path: Path) -> None:
    nag_error = _plain_topic_app(tmp_path, acknowledged=True)

    assert nag_error is None
    assert compliance_findings(tmp_path) == []
    assert_compliant(tmp_path)


def test_cfn_lint_is_really_checking() -> None:
    """Negative control: a retention CloudWatch Logs does not accept is reported."""
    template = {
        "Resources": {
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 42}}
        }
    }
    findings = cfn_lint_findings(template)

    assert [finding.split(":")[0] for finding in findings] == ["E3030"]
    assert findings[0].startswith("E3030: 42 is not one of [1, 3, 5, 7, 14, 30, 60, 90,")


def test_managed_policy_acknowledgement_matches_cdk_nag(tmp_path: Path) -> None:
    app = new_app(tmp_path)
    stack = Stack(app, "Control")
    role = iam.Role(
        stack,
        "Role",
        assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")
        ],
    )
    acknowledge_managed_policy(
        role, "AmazonSSMManagedInstanceCore", reason="test: the documented policy for SSM"
    )
    add_compliance_checks(app)
    app.synth()  # raises on an unacknowledged finding

    assert_compliant(tmp_path)
