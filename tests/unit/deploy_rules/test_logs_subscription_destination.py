"""OBS-LogsSubscriptionDestination: delivery in the log group's Region and account."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_logs as logs
from deploy_support import HOME, Synthesized, synthesize

RULE = "OBS-LogsSubscriptionDestination"
FAR_FUNCTION = "arn:aws:lambda:us-east-1:111122223333:function:shipper"
OTHER_ACCOUNT_STREAM = "arn:aws:kinesis:eu-west-1:444455556666:stream/central"
DESTINATIONS = {
    "SameRegionFunction": "arn:aws:lambda:eu-west-1:111122223333:function:shipper",
    "Firehose": "arn:aws:firehose:eu-west-1:111122223333:deliverystream/archive",
    # Another account takes a CloudWatch Logs destination in the log group's Region.
    "CrossAccountDestination": "arn:aws:logs:eu-west-1:444455556666:destination:central",
    "FarFunction": FAR_FUNCTION,
    "OtherAccountStream": OTHER_ACCOUNT_STREAM,
}


def _app(make_app: Callable[[], App]) -> tuple[App, Stack]:
    app = make_app()
    stack = Stack(app, "Logs", env=HOME)
    for id, arn in DESTINATIONS.items():
        logs.CfnSubscriptionFilter(
            stack, id, log_group_name=f"/shop/{id}", filter_pattern="", destination_arn=arn
        )
    return app, stack


@pytest.fixture(scope="module")
def result(make_app: Callable[[], App]) -> Synthesized:
    app, _ = _app(make_app)
    return synthesize(app)


def test_destinations_the_api_takes_pass(result: Synthesized) -> None:
    assert result.error is not None
    assert sorted(f.path for f in result.findings) == [
        "Logs/FarFunction",
        "Logs/OtherAccountStream",
    ]


def test_a_function_in_another_region_fails(result: Synthesized) -> None:
    (found,) = [f for f in result.of(RULE) if f.path == "Logs/FarFunction"]
    assert found.description == (
        f"Logs/FarFunction (FarFunction) Properties/DestinationArn: '{FAR_FUNCTION}' is a Lambda "
        "function in us-east-1, and the log group's stack deploys to eu-west-1; CloudWatch Logs "
        "delivers only in the log group's Region; allowed: a Lambda function, Kinesis or "
        "Firehose stream of this account in eu-west-1, or a CloudWatch Logs destination in "
        "eu-west-1 (which may forward to another Region)"
    )


def test_a_stream_of_another_account_fails(result: Synthesized) -> None:
    (found,) = [f for f in result.of(RULE) if f.path == "Logs/OtherAccountStream"]
    assert (
        f"'{OTHER_ACCOUNT_STREAM}' is a Kinesis stream of account 444455556666, and the log "
        "group's stack deploys to 111122223333"
    ) in found.description
    assert (
        "allowed: a Kinesis stream of account 111122223333, or for another account a CloudWatch "
        "Logs destination (arn:aws:logs:REGION:ACCOUNT:destination:NAME)"
    ) in found.description


def test_an_acknowledged_finding_passes(make_app: Callable[[], App]) -> None:
    app, stack = _app(make_app)
    Validations.of(stack).acknowledge(
        Acknowledgment(id=f"ObservabilityBlueprint::{RULE}", reason="test: checked with AWS")
    )

    result = synthesize(app)

    assert result.error is None
    assert len(result.acknowledged) == 2
