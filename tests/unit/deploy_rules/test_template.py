"""How the rules read a template: rendered values, ARNs, Regions and accounts (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from observability_blueprint.deploy_rules import Compliance, StackTemplate, rule
from observability_blueprint.deploy_rules.template import OWN, arn_of, render

TEMPLATE = StackTemplate(
    "T",
    {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Rule": {
                "Type": "AWS::Events::Rule",
                "Properties": {"Targets": [{"Id": "a", "Arn": {"Fn::GetAtt": ["Queue", "Arn"]}}]},
            },
        }
    },
    region="eu-west-1",
    account="111122223333",
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("plain", "plain"),
        (42, "42"),
        ({"Ref": "AWS::Region"}, "${AWS::Region}"),
        ({"Fn::GetAtt": ["Queue", "Arn"]}, "${Queue.Arn}"),
        ({"Fn::GetAtt": "Queue.Arn"}, "${Queue.Arn}"),
        (
            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":sns"]]},
            "arn:${AWS::Partition}:sns",
        ),
        ({"Fn::Sub": ["a-${X}", {"X": {"Ref": "Y"}}]}, "a-${Y}"),
        ({"Fn::Sub": "arn:${AWS::Partition}:s3:::b"}, "arn:${AWS::Partition}:s3:::b"),
        ({"Fn::Select": [0, ["a"]]}, "${?}"),
        ({"Fn::ImportValue": "Out"}, "${?}"),
        (["a"], None),
        (True, None),
    ],
)
def test_values_render_with_placeholders(value: Any, text: str | None) -> None:
    assert render(value) == text


def test_an_arn_keeps_the_colons_of_its_placeholders() -> None:
    arn = arn_of("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:ops")
    assert arn is not None
    assert (arn.partition, arn.service, arn.region, arn.account, arn.resource_id) == (
        "${AWS::Partition}",
        "sns",
        "${AWS::Region}",
        "${AWS::AccountId}",
        "ops",
    )
    assert not arn.known(arn.region)
    assert arn.known(arn.service)
    assert arn_of("ops") is None


def test_a_placeholder_in_the_resource_does_not_split_it() -> None:
    arn = arn_of("arn:aws:lambda:eu-west-1:111122223333:${Fn::Sub:a/b}:live")
    assert arn is not None
    assert (arn.resource_type, arn.resource_id) == ("${Fn::Sub:a/b}", "live")
    arn = arn_of("arn:aws:lambda:eu-west-1:111122223333:function:${Name}")
    assert arn is not None
    assert (arn.resource_type, arn.resource_id) == ("function", "${Name}")


@pytest.mark.parametrize(
    ("text", "region", "account"),
    [
        ("${Queue.Arn}", OWN, OWN),  # a resource of the same stack
        ("${Parameter}", None, None),  # a parameter: unknown
        ("arn:aws:sns:${AWS::Region}:${AWS::AccountId}:ops", OWN, OWN),
        ("arn:aws:sns:us-east-1:444455556666:ops", "us-east-1", "444455556666"),
        ("arn:aws:s3:::bucket", None, None),  # global: no Region
        ("arn:aws:sns:${?}:${?}:ops", None, None),
    ],
)
def test_regions_and_accounts_of_arns(text: str, region: str | None, account: str | None) -> None:
    assert TEMPLATE.region_of(text) == region
    assert TEMPLATE.account_of(text) == account


def test_only_a_known_other_region_is_another_region() -> None:
    assert TEMPLATE.other_region("arn:aws:sns:us-east-1:111122223333:ops") == "us-east-1"
    assert TEMPLATE.other_region("arn:aws:sns:eu-west-1:111122223333:ops") is None
    agnostic = StackTemplate("A", TEMPLATE.template)
    assert agnostic.other_region("arn:aws:sns:us-east-1:111122223333:ops") is None


def test_a_rule_answers_compliant_non_compliant_or_not_applicable() -> None:
    targets = rule("OBS-EventsTargetRegion")
    queue, event_rule = TEMPLATE.resources()
    assert targets.compliance(queue, TEMPLATE) is Compliance.NOT_APPLICABLE
    assert targets.compliance(event_rule, TEMPLATE) is Compliance.COMPLIANT
    far = StackTemplate(
        "F",
        {
            "Resources": {
                "Rule": {
                    "Type": "AWS::Events::Rule",
                    "Properties": {
                        "Targets": [{"Id": "a", "Arn": "arn:aws:sqs:us-east-1:111122223333:q"}]
                    },
                }
            }
        },
        region="eu-west-1",
    )
    (far_rule,) = far.resources()
    assert targets.compliance(far_rule, far) is Compliance.NON_COMPLIANT
