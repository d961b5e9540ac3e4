"""Both example files pass cdk-nag AwsSolutions and cfn-lint, and the checks can fail."""

from __future__ import annotations

import json

import pytest
from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_sns as sns
from cfnlint.api import ManualArgs, lint

from observability_blueprint import add_compliance_checks
from support import EXAMPLES, Synthesized, new_app

REGIONS = ["us-east-1", "eu-west-1"]


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_cdk_nag_aws_solutions_has_no_unacknowledged_findings(
    examples: dict[str, Synthesized], example: str
) -> None:
    synthesized = examples[example]
    assert synthesized.nag_error is None
    assert synthesized.nag_violations() == []


def test_cdk_nag_is_really_checking(tmp_path: object) -> None:
    """Negative control: the same registration reports a topic that allows plain HTTP."""
    app = new_app(tmp_path)  # type: ignore[arg-type]
    stack = Stack(app, "Control")
    sns.Topic(stack, "PlainTopic")
    add_compliance_checks(app)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())  # type: ignore[operator]
    rules = {v["ruleName"] for p in report["pluginReports"] for v in p["violations"]}
    assert "AwsSolutions-SNS3" in rules


def test_an_acknowledged_finding_needs_a_reason_and_passes(tmp_path: object) -> None:
    app = new_app(tmp_path)  # type: ignore[arg-type]
    stack = Stack(app, "Control")
    topic = sns.Topic(stack, "PlainTopic")
    Validations.of(topic).acknowledge(
        Acknowledgment(id="AwsSolutions::AwsSolutions-SNS3", reason="test: plain HTTP wanted")
    )
    add_compliance_checks(app)
    app.synth()


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_cfn_lint_reports_nothing(examples: dict[str, Synthesized], example: str) -> None:
    synthesized = examples[example]
    found = []
    for stack in synthesized.stacks:
        template = json.dumps(synthesized.template_json(stack))
        matches = lint(template, config=ManualArgs(regions=REGIONS))
        found += [f"{stack.stack_name}: {m.rule.id}: {m.message}" for m in matches]
    assert len(synthesized.stacks) >= 1
    assert found == []


def test_cfn_lint_is_really_checking() -> None:
    """Negative control: a retention CloudWatch Logs does not accept is reported."""
    template = {
        "Resources": {
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 42}}
        }
    }
    matches = lint(json.dumps(template), config=ManualArgs(regions=REGIONS))
    assert matches


def test_managed_policy_acknowledgement_matches_cdk_nag(tmp_path: object) -> None:
    from aws_cdk import aws_iam as iam

    from observability_blueprint.security.nag import acknowledge_managed_policy

    app = new_app(tmp_path)  # type: ignore[arg-type]
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
