"""The ``cross_account:`` section in the blueprint file: which account gets what."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App
from aws_cdk.assertions import Annotations, Match, Template

from observability_blueprint import Blueprint, build
from observability_blueprint.rules.errors import BlueprintError

MONITORING, SOURCE = "111122223333", "444455556666"
SINK_ARN = f"arn:aws:oam:eu-west-1:{MONITORING}:sink/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"


def _template(account: str, **section: Any) -> Template:
    config = Blueprint.from_dict(
        {
            "name": "shop",
            "stage": "prod",
            "env": {"account": account, "region": "eu-west-1"},
            "cross_account": {
                "monitoring_account": MONITORING,
                "sources": {"accounts": [SOURCE]},
                **section,
            },
        }
    )
    [stack] = build(App(), config)
    return Template.from_stack(stack)


def test_the_monitoring_account_gets_the_sink_naming_its_sources() -> None:
    template = _template(MONITORING)
    [sink] = template.find_resources("AWS::Oam::Sink").values()
    statement = sink["Properties"]["Policy"]["Statement"][0]
    assert statement["Principal"] == {"AWS": [SOURCE]}
    assert statement["Action"] == ["oam:CreateLink", "oam:UpdateLink"]
    assert template.find_resources("AWS::Oam::Link") == {}


def test_a_source_account_gets_a_link_to_the_sink_of_its_region() -> None:
    template = _template(SOURCE, sink_arns={"eu-west-1": SINK_ARN})
    [link] = template.find_resources("AWS::Oam::Link").values()
    assert link["Properties"]["SinkIdentifier"] == SINK_ARN
    assert "AWS::CloudWatch::Metric" in link["Properties"]["ResourceTypes"]
    assert template.find_resources("AWS::Oam::Sink") == {}


def test_a_source_without_its_sink_arn_is_told_what_to_do() -> None:
    config = Blueprint.from_dict(
        {
            "name": "shop",
            "stage": "prod",
            "env": {"account": SOURCE, "region": "eu-west-1"},
            "cross_account": {"monitoring_account": MONITORING, "sources": {"accounts": [SOURCE]}},
        }
    )
    [stack] = build(App(), config)
    assert Template.from_stack(stack).find_resources("AWS::Oam::Link") == {}
    warnings = Annotations.from_stack(stack).find_warning("*", Match.any_value())
    texts = [str(w.entry.data) for w in warnings]
    assert any(
        "then set cross_account.sink_arns.eu-west-1 to its SinkArn output" in t for t in texts
    ), texts


def test_cross_account_needs_the_stacks_account_and_region() -> None:
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict(
            {
                "name": "shop",
                "stage": "prod",
                "cross_account": {
                    "monitoring_account": MONITORING,
                    "sources": {"accounts": [SOURCE]},
                },
            }
        )
    assert "cross_account: needs env.account and env.region" in str(caught.value)
