"""OBS-EventsTargetRegion: targets in the rule's Region; only event buses may be elsewhere."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_sqs as sqs
from deploy_support import HOME, Synthesized, synthesize

RULE = "OBS-EventsTargetRegion"
FAR_FUNCTION = "arn:aws:lambda:us-east-1:111122223333:function:responder"
FAR_BUS = "arn:aws:events:us-east-1:111122223333:event-bus/central"
PATTERN = {"source": ["aws.ec2"]}


def _rule(stack: Stack, id: str, *arns: str) -> events.CfnRule:
    return events.CfnRule(
        stack,
        id,
        event_pattern=PATTERN,
        targets=[
            events.CfnRule.TargetProperty(id=f"T{index}", arn=arn) for index, arn in enumerate(arns)
        ],
    )


def _app(make_app: Callable[[], App]) -> tuple[App, Stack]:
    app = make_app()
    stack = Stack(app, "Events", env=HOME)
    queue = sqs.Queue(stack, "Queue")
    _rule(
        stack,
        "Good",
        queue.queue_arn,  # same stack: its Region
        "arn:aws:sns:eu-west-1:111122223333:ops",
        f"arn:{stack.partition}:states:{stack.region}:{stack.account}:stateMachine:fix",
        FAR_BUS,  # an event bus may be in another Region
    )
    _rule(stack, "Bad", FAR_FUNCTION)
    # Without a Region the stack may deploy anywhere: nothing to compare with.
    _rule(Stack(app, "Agnostic"), "Unknown", FAR_FUNCTION)
    return app, stack


@pytest.fixture(scope="module")
def result(make_app: Callable[[], App]) -> Synthesized:
    app, _ = _app(make_app)
    return synthesize(app)


def test_a_target_in_another_region_fails_synthesis(result: Synthesized) -> None:
    assert result.error is not None
    assert [f.path for f in result.of(RULE)] == ["Events/Bad"]
    assert result.of(RULE)[0].description == (
        f"Events/Bad (Bad) Properties/Targets/0/Arn: '{FAR_FUNCTION}' is in us-east-1, and the "
        "rule's stack deploys to eu-west-1; EventBridge invokes only targets in the rule's own "
        "Region; allowed: a target in eu-west-1, or an event bus in any Region (send the "
        "events there and add the rule on that bus)"
    )


def test_same_region_targets_and_buses_elsewhere_pass(result: Synthesized) -> None:
    assert len(result.findings) == 1


def test_an_acknowledged_finding_passes(make_app: Callable[[], App]) -> None:
    app, stack = _app(make_app)
    Validations.of(stack.node.find_child("Bad")).acknowledge(
        Acknowledgment(id=f"ObservabilityBlueprint::{RULE}", reason="test: a forwarder exists")
    )

    result = synthesize(app)

    assert result.error is None
    assert [f.path for f in result.acknowledged] == ["Events/Bad"]
