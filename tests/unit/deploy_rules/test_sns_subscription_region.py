"""OBS-SnsSubscriptionRegion: a subscription to a topic elsewhere names the topic's Region."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_sns as sns
from deploy_support import HOME, Synthesized, synthesize

RULE = "OBS-SnsSubscriptionRegion"
FAR_TOPIC = "arn:aws:sns:us-east-1:111122223333:global-alerts"
FAR_FUNCTION = "arn:aws:lambda:us-east-1:111122223333:function:notifier"


def _subscription(stack: Stack, id: str, topic: str, region: str | None = None) -> None:
    sns.CfnSubscription(
        stack, id, topic_arn=topic, protocol="lambda", endpoint=FAR_FUNCTION, region=region
    )


def _app(make_app: Callable[[], App]) -> tuple[App, Stack]:
    app = make_app()
    stack = Stack(app, "Subscriptions", env=HOME)
    # SNS delivers to a function in another Region: the endpoint's Region is not checked.
    _subscription(stack, "SameRegionTopic", "arn:aws:sns:eu-west-1:111122223333:alerts")
    _subscription(stack, "NamedRegion", FAR_TOPIC, "us-east-1")
    _subscription(stack, "NoRegion", FAR_TOPIC)
    _subscription(stack, "WrongRegion", FAR_TOPIC, "us-west-2")
    return app, stack


@pytest.fixture(scope="module")
def result(make_app: Callable[[], App]) -> Synthesized:
    app, _ = _app(make_app)
    return synthesize(app)


def test_a_topic_in_the_stacks_region_or_with_its_region_passes(result: Synthesized) -> None:
    assert sorted(f.path for f in result.findings) == [
        "Subscriptions/NoRegion",
        "Subscriptions/WrongRegion",
    ]


def test_a_topic_elsewhere_without_region_fails(result: Synthesized) -> None:
    assert result.error is not None
    (found,) = [f for f in result.of(RULE) if f.path == "Subscriptions/NoRegion"]
    assert found.description == (
        f"Subscriptions/NoRegion (NoRegion) Properties/TopicArn: '{FAR_TOPIC}' is a topic in "
        "us-east-1, the stack deploys to eu-west-1 and the subscription names no Region, so "
        "CloudFormation looks for the topic in eu-west-1; allowed: Region: us-east-1 on the "
        "subscription, or a topic in eu-west-1"
    )


def test_a_region_that_is_not_the_topics_fails(result: Synthesized) -> None:
    (found,) = [f for f in result.of(RULE) if f.path == "Subscriptions/WrongRegion"]
    assert (
        f"Properties/Region: 'us-west-2' is not the Region of the topic {FAR_TOPIC} (us-east-1); "
        "allowed: Region: us-east-1"
    ) in found.description


def test_an_acknowledged_finding_passes(make_app: Callable[[], App]) -> None:
    app, stack = _app(make_app)
    Validations.of(stack).acknowledge(
        Acknowledgment(id=f"ObservabilityBlueprint::{RULE}", reason="test: checked with AWS")
    )

    result = synthesize(app)

    assert result.error is None
    assert len(result.acknowledged) == 2
