"""Resources in another Region than the home one (issue 15 part 1: saying ``region:`` works).

A resource listed with ``region: R`` gets its alarms in a stack ``<prefix>-monitors-<R>``
in R; its service's health alarm there has no actions and its state changes are
forwarded to the home Region, whose rules notify the service's topics. Expected
values are written out by hand from the file each test builds.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Match, Template

from observability_blueprint.blueprint.regional import RegionalMonitorsStack
from observability_blueprint.blueprint.stacks import build
from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.config.services import (
    plan_resources,
    regional_alarm_names,
    resource_alarm_names,
    service_problems,
)
from observability_blueprint.rules.alarm_settings import ActionSet, ActionSpec
from observability_blueprint.rules.errors import BlueprintError

ACCOUNT = "111122223333"
QUEUE_ARN = f"arn:aws:sqs:us-west-2:{ACCOUNT}:edge-jobs"

FILE: dict[str, Any] = {
    "name": "shop",
    "stage": "dev",
    "env": {"account": ACCOUNT, "region": "eu-west-1"},
    "notifications": [{"name": "ops", "subscribers": [{"email": "ops@example.com"}]}],
    "default_actions": {"alarm": [{"topic": "ops"}], "ok": [{"topic": "ops"}]},
    "services": [
        {
            "name": "edge",
            "resources": [
                {
                    "cloudfront_distribution": "E2QWRUHAPOMQZL",
                    "region": "us-east-1",
                    "alarms": {"5xx_error_rate": {"threshold": 5}},
                },
                {
                    "sqs_queue": QUEUE_ARN,
                    "region": "us-west-2",
                    "alarms": {
                        "approximate_age_of_oldest_message": {"threshold": 900},
                        "approximate_number_of_messages_visible": {"threshold": 1000},
                    },
                },
                {
                    "sqs_queue": "edge-local",
                    "alarms": {
                        "approximate_age_of_oldest_message": {"threshold": 900},
                        "approximate_number_of_messages_visible": {"threshold": 1000},
                    },
                },
            ],
        }
    ],
}


def blueprint(**changes: Any) -> Blueprint:
    data = copy.deepcopy(FILE)
    data.update(changes)
    return Blueprint.from_dict(data)


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict(data)
    return [str(p) for p in caught.value.problems]


@pytest.fixture(scope="module")
def stacks() -> dict[str, Stack]:
    built = build(App(), blueprint())
    return {stack.stack_name: stack for stack in built}


def test_one_stack_per_other_region_in_that_region(stacks: dict[str, Stack]) -> None:
    assert {name: (s.region, s.account) for name, s in stacks.items()} == {
        "shop-dev-observability": ("eu-west-1", ACCOUNT),
        "shop-dev-monitors-us-east-1": ("us-east-1", ACCOUNT),
        "shop-dev-monitors-us-west-2": ("us-west-2", ACCOUNT),
    }


def test_cloudfront_alarms_in_us_east_1_on_the_global_dimension(
    stacks: dict[str, Stack],
) -> None:
    template = Template.from_stack(stacks["shop-dev-monitors-us-east-1"])
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": "shop-dev-edge-cloudfront-E2QWRUHAPOMQZL-5xx-error-rate",
            "Namespace": "AWS/CloudFront",
            "MetricName": "5xxErrorRate",
            "Dimensions": [
                {"Name": "DistributionId", "Value": "E2QWRUHAPOMQZL"},
                {"Name": "Region", "Value": "Global"},
            ],
            "Threshold": 5,
            "AlarmActions": Match.absent(),
        },
    )
    # Only the distribution's alarms are here: the queues are elsewhere.
    for alarm in template.find_resources("AWS::CloudWatch::Alarm").values():
        assert alarm["Properties"].get("Namespace") in ("AWS/CloudFront", "AWS/SQS")
    names = [
        a["Properties"]["AlarmName"]
        for a in template.find_resources("AWS::CloudWatch::Alarm").values()
    ]
    assert not any("edge-jobs" in n or "edge-local" in n for n in names)


def test_the_health_composite_there_has_no_actions(stacks: dict[str, Stack]) -> None:
    template = Template.from_stack(stacks["shop-dev-monitors-us-east-1"])
    composites = template.find_resources("AWS::CloudWatch::CompositeAlarm")
    [composite] = composites.values()
    props = composite["Properties"]
    assert props["AlarmName"] == "shop-dev-edge-health-us-east-1"
    assert "AlarmActions" not in props
    assert "OKActions" not in props
    assert "InsufficientDataActions" not in props


def test_the_composite_state_changes_are_forwarded_home(stacks: dict[str, Stack]) -> None:
    template = Template.from_stack(stacks["shop-dev-monitors-us-east-1"])
    [composite_id] = template.find_resources("AWS::CloudWatch::CompositeAlarm")
    [delivery_alarm_id] = [
        logical_id
        for logical_id, alarm in template.find_resources("AWS::CloudWatch::Alarm").items()
        if alarm["Properties"]["AlarmName"] == "shop-dev-monitors-us-east-1-forwarding-undelivered"
    ]
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "Name": "shop-dev-monitors-forward-health",
            "EventPattern": {
                "source": ["aws.cloudwatch"],
                "detail-type": ["CloudWatch Alarm State Change"],
                "resources": [
                    {"Fn::GetAtt": [composite_id, "Arn"]},
                    {"Fn::GetAtt": [delivery_alarm_id, "Arn"]},
                ],
            },
            "Targets": [
                Match.object_like(
                    {
                        "Arn": {
                            "Fn::Join": [
                                "",
                                [
                                    "arn:",
                                    {"Ref": "AWS::Partition"},
                                    f":events:eu-west-1:{ACCOUNT}:event-bus/default",
                                ],
                            ]
                        },
                        "DeadLetterConfig": Match.any_value(),
                    }
                )
            ],
        },
    )


def test_a_queue_in_another_region_gets_a_stack_there(stacks: dict[str, Stack]) -> None:
    template = Template.from_stack(stacks["shop-dev-monitors-us-west-2"])
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": "shop-dev-edge-queue-edge-jobs-approximate-age-of-oldest-message",
            "Namespace": "AWS/SQS",
            "Dimensions": [{"Name": "QueueName", "Value": "edge-jobs"}],
            "Threshold": 900,
        },
    )
    template.has_resource_properties(
        "AWS::CloudWatch::CompositeAlarm", {"AlarmName": "shop-dev-edge-health-us-west-2"}
    )


def arn(region: str, name: str) -> dict[str, Any]:
    return {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, f":cloudwatch:{region}:{ACCOUNT}:alarm:{name}"],
        ]
    }


def test_the_home_stack_notifies_the_service_topics(stacks: dict[str, Stack]) -> None:
    template = Template.from_stack(stacks["shop-dev-observability"])
    forwarded = [
        arn("us-east-1", "shop-dev-edge-health-us-east-1"),
        arn("us-east-1", "shop-dev-monitors-us-east-1-forwarding-undelivered"),
        arn("us-west-2", "shop-dev-edge-health-us-west-2"),
        arn("us-west-2", "shop-dev-monitors-us-west-2-forwarding-undelivered"),
    ]
    topics = template.find_resources("AWS::SNS::Topic")
    [topic_id] = topics
    for state, suffix in (("ALARM", "alarm"), ("OK", "ok")):
        template.has_resource_properties(
            "AWS::Events::Rule",
            {
                "Name": f"shop-dev-edge-health-{suffix}",
                "EventPattern": {
                    "source": ["aws.cloudwatch"],
                    "detail-type": ["CloudWatch Alarm State Change"],
                    "resources": forwarded,
                    "detail": {"state": {"value": [state]}},
                },
                "Targets": [Match.object_like({"Arn": {"Ref": topic_id}})],
            },
        )
    # default_actions name no INSUFFICIENT_DATA topic: no rule for that state.
    names = [
        r["Properties"].get("Name") for r in template.find_resources("AWS::Events::Rule").values()
    ]
    assert "shop-dev-edge-health-insufficient-data" not in names


def test_the_home_stack_keeps_the_home_resources_and_their_health(
    stacks: dict[str, Stack],
) -> None:
    template = Template.from_stack(stacks["shop-dev-observability"])
    names = [
        a["Properties"]["AlarmName"]
        for a in template.find_resources("AWS::CloudWatch::Alarm").values()
    ]
    assert "shop-dev-edge-queue-edge-local-approximate-age-of-oldest-message" in names
    assert not any("cloudfront" in n or "edge-jobs" in n for n in names)
    template.has_resource_properties(
        "AWS::CloudWatch::CompositeAlarm",
        {"AlarmName": "shop-dev-edge-health", "AlarmActions": [{"Ref": Match.any_value()}]},
    )


def test_alarm_names_are_unique_across_stacks(stacks: dict[str, Stack]) -> None:
    names: list[str] = []
    for stack in stacks.values():
        template = Template.from_stack(stack)
        for kind in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"):
            names += [r["Properties"]["AlarmName"] for r in template.find_resources(kind).values()]
    assert len(names) == len(set(names))


def test_alarm_names_per_stack() -> None:
    config = blueprint()
    planned, naming = config.planned_resources(), config.alarm_naming()
    home = resource_alarm_names(config.services, planned, naming)
    assert home == {
        "edge": [
            "shop-dev-edge-queue-edge-local-approximate-age-of-oldest-message",
            "shop-dev-edge-queue-edge-local-approximate-number-of-messages-not-visible",
            "shop-dev-edge-queue-edge-local-approximate-number-of-messages-visible",
            "shop-dev-edge-health",
            "shop-dev-edge-health-forwarded-undelivered",
        ]
    }
    assert regional_alarm_names(config.services, planned, naming, region="us-east-1") == {
        "edge": [
            "shop-dev-edge-cloudfront-E2QWRUHAPOMQZL-5xx-error-rate",
            "shop-dev-edge-health-us-east-1",
        ]
    }


# ------------------------------------------------------------------ problems


def test_a_said_region_needs_env_region() -> None:
    data = copy.deepcopy(FILE)
    data["env"] = {"account": ACCOUNT}
    assert problems_of(data) == [
        "services[0].resources[0].region: 'us-east-1': resources in another Region need "
        "env.region: the alarms there notify through the home Region; set env.region (the "
        "Region this blueprint's stack is deployed in)",
        "services[0].resources[1].region: 'us-west-2': resources in another Region need "
        "env.region: the alarms there notify through the home Region; set env.region (the "
        "Region this blueprint's stack is deployed in)",
    ]


def test_an_arn_in_another_region_without_saying_it_is_refused() -> None:
    data = copy.deepcopy(FILE)
    del data["services"][0]["resources"][1]["region"]
    assert problems_of(data) == [
        f"services[0].resources[1].sqs_queue: '{QUEUE_ARN}' is in the Region us-west-2 and "
        "this stack in eu-west-1; CloudWatch alarms only watch metrics of their own Region: "
        "say region: us-west-2 (its alarms then go to a stack in us-west-2 that notifies "
        "through eu-west-1), or list it in a blueprint homed in us-west-2"
    ]


def test_a_lambda_action_of_a_service_with_resources_elsewhere_is_refused() -> None:
    data = copy.deepcopy(FILE)
    data["services"][0]["actions"] = {
        "alarm": [
            {"topic": "ops"},
            {"lambda": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:pager"},
        ]
    }
    assert problems_of(data) == [
        "services[0].actions.alarm[1]: lambda action: 'edge' has resources in us-east-1, "
        "us-west-2, whose health alarm there reaches eu-west-1 as forwarded events, and only "
        "topic actions can be taken on those; give services[0].actions with topic actions "
        "only (or list the resources in a blueprint homed in their Region)"
    ]


def test_default_actions_that_are_not_topics_are_refused_for_such_a_service() -> None:
    config = blueprint()
    planned, _ = plan_resources(config.services, region="eu-west-1")
    found = list(
        service_problems(
            config.services,
            planned=planned,
            topics=["ops"],
            naming=config.alarm_naming(),
            region="eu-west-1",
            account=ACCOUNT,
            default_actions=ActionSet(alarm=(ActionSpec(opsitem_severity=2),)),
        )
    )
    assert [str(p) for p in found] == [
        "services[0].actions: opsitem action (default_actions.alarm[0]): 'edge' has "
        "resources in us-east-1, us-west-2, whose health alarm there reaches eu-west-1 as "
        "forwarded events, and only topic actions can be taken on those; give "
        "services[0].actions with topic actions only (or list the resources in a blueprint "
        "homed in their Region)"
    ]


def test_synthesis_refuses_default_actions_that_are_not_topics() -> None:
    data = copy.deepcopy(FILE)
    data["default_actions"] = {"alarm": [{"opsitem": {"severity": 2}}]}
    with pytest.raises(BlueprintError) as caught:
        build(App(), Blueprint.from_dict(data))
    [problem] = caught.value.problems
    assert problem.location == "services[0].actions"
    assert "opsitem action (default_actions.alarm[0])" in problem.message
    assert "topic actions only" in problem.message


def test_the_regional_stack_refuses_the_home_region() -> None:
    with pytest.raises(BlueprintError) as caught:
        RegionalMonitorsStack(App(), "Regional", config=blueprint(), region="eu-west-1")
    [problem] = caught.value.problems
    assert problem.location == "Regional.region"
    assert "'eu-west-1' needs a home Region other than it" in problem.message
    assert "set env.region" in problem.message


def _plain(data: dict[str, Any]) -> Blueprint:
    return Blueprint.from_dict(
        {"name": "shop", "stage": "dev", "env": {"account": ACCOUNT_ID, "region": "eu-west-1"}}
        | data
    )


ACCOUNT_ID = "111122223333"


def test_container_insights_of_the_home_region_stays_there() -> None:
    """containers: sets up clusters of the home Region: a same-named cluster elsewhere
    gets no Container Insights alarms (they would sit in ALARM on missing data)."""
    config = _plain(
        {
            "containers": {"ecs": [{"cluster": "main"}]},
            "services": [
                {
                    "name": "api",
                    "resources": [
                        {
                            "ecs_service": f"arn:aws:ecs:us-west-2:{ACCOUNT_ID}:service/main/api",
                            "region": "us-west-2",
                        },
                        {"ecs_service": "main/worker"},
                    ],
                }
            ],
        }
    )
    west, home = config.planned_resources()
    assert not any(a.namespace == "ECS/ContainerInsights" for a in west.alarms)
    assert any(a.namespace == "ECS/ContainerInsights" for a in home.alarms)


def test_the_same_name_in_two_regions_is_two_resources() -> None:
    queue_alarms = {"sqs.approximate_age_of_oldest_message": {"threshold": 900}}
    config = _plain(
        {
            "services": [
                {"name": "api", "resources": [{"sqs_queue": "orders", "alarms": queue_alarms}]},
                {
                    "name": "api-west",
                    "resources": [
                        {
                            "sqs_queue": f"arn:aws:sqs:us-west-2:{ACCOUNT_ID}:orders",
                            "region": "us-west-2",
                            "alarms": queue_alarms,
                        }
                    ],
                },
            ]
        }
    )
    assert [p.elsewhere for p in config.planned_resources()] == [None, "us-west-2"]
