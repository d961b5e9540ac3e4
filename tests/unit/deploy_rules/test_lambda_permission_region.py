"""OBS-LambdaPermissionRegion: a function's permission deploys in the function's Region."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aws_cdk import Acknowledgment, App, Environment, Stack, Validations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from deploy_support import ACCOUNT, HOME, Synthesized, synthesize

RULE = "OBS-LambdaPermissionRegion"
HOME_FUNCTION = "arn:aws:lambda:eu-west-1:111122223333:function:notifier"


def _topic(stack: Stack) -> None:
    topic = sns.Topic(stack, "Topic")
    function = lambda_.Function.from_function_arn(stack, "Notifier", HOME_FUNCTION)
    topic.add_subscription(subscriptions.LambdaSubscription(function))


def _app(make_app: Callable[[], App]) -> tuple[App, Stack]:
    app = make_app()
    _topic(Stack(app, "Home", env=HOME))
    # The us-east-1 copy of the topic subscribes the same function: aws-cdk issue 11826.
    far = Stack(app, "Virginia", env=Environment(account=ACCOUNT, region="us-east-1"))
    _topic(far)
    return app, far


@pytest.fixture(scope="module")
def result(make_app: Callable[[], App]) -> Synthesized:
    app, _ = _app(make_app)
    return synthesize(app)


def test_a_permission_in_the_functions_region_passes(result: Synthesized) -> None:
    assert not [f for f in result.findings if f.path.startswith("Home/")]


def test_a_permission_for_a_function_in_another_region_fails(result: Synthesized) -> None:
    assert result.error is not None
    (found,) = result.of(RULE)
    assert found.path.startswith("Virginia/Notifier/AllowInvoke:VirginiaTopic")
    assert found.description.startswith(f"{found.path} (")
    assert (
        f"Properties/FunctionName: '{HOME_FUNCTION}' is a function in eu-west-1, and the "
        "permission's stack deploys to us-east-1; Lambda answers that functions from eu-west-1 "
        "are not reachable in us-east-1; allowed: a function in us-east-1; grant the permission "
        "from a stack in eu-west-1"
    ) in found.description


def test_an_acknowledged_finding_passes(make_app: Callable[[], App]) -> None:
    app, far = _app(make_app)
    Validations.of(far).acknowledge(
        Acknowledgment(id=f"ObservabilityBlueprint::{RULE}", reason="test: made by hand")
    )

    result = synthesize(app)

    assert result.error is None
    assert [f.rule for f in result.acknowledged] == [RULE]
