"""Forwarding global-service events from us-east-1 to the home Region (issue 12, A1 and B8)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from observability_blueprint import BlueprintError
from observability_blueprint.events import EventDelivery, EventForwarder, ForwardedAlarmActions
from observability_blueprint.events.event_forwarder import alarm_arn
from observability_blueprint.rules.event_forwarding import forwarding_groups, group_problems
from observability_blueprint.rules.event_patterns import matches

SIGN_IN = "AWS Console Sign In via CloudTrail"
ROOT = {
    "source": ["aws.signin"],
    "detail-type": [SIGN_IN],
    "detail": {"userIdentity": {"type": ["Root"]}},
}
FAILURES = {
    "source": ["aws.signin"],
    "detail-type": [SIGN_IN],
    "detail": {"responseElements": {"ConsoleLogin": ["Failure"]}},
}
IAM = {"source": ["aws.iam"], "detail-type": ["AWS API Call via CloudTrail"]}
STS_OR_IAM = {"source": ["aws.sts", "aws.iam"], "detail": {"eventName": ["AssumeRoleWithSAML"]}}


def event(source: str, detail: dict[str, Any], detail_type: str = SIGN_IN) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "1",
        "source": source,
        "detail-type": detail_type,
        "account": "111122223333",
        "region": "us-east-1",
        "time": "2026-11-30T00:00:00Z",
        "resources": [],
        "detail": detail,
    }


# ------------------------------------------------------------------ pure grouping


def test_patterns_on_one_source_merge_into_one_rule_and_identical_ones_are_kept_once() -> None:
    groups = forwarding_groups([ROOT, FAILURES, dict(ROOT)])
    assert [g.name for g in groups] == ["forward-signin"]
    assert groups[0].pattern == {"$or": [FAILURES, ROOT]} or groups[0].pattern == {
        "$or": [ROOT, FAILURES]
    }
    assert len(groups[0].pattern["$or"]) == 2


def test_a_root_failure_matching_both_patterns_is_forwarded_once() -> None:
    [group] = forwarding_groups([ROOT, FAILURES])
    root_failure = event(
        "aws.signin",
        {"userIdentity": {"type": "Root"}, "responseElements": {"ConsoleLogin": "Failure"}},
    )
    # Both patterns match it: as two forwarding rules, it would be forwarded twice.
    assert matches(ROOT, root_failure)
    assert matches(FAILURES, root_failure)
    # Merged, one rule matches it, and EventBridge delivers an event once per rule.
    assert group.pattern == {"$or": [FAILURES, ROOT]}
    assert matches(group.pattern, root_failure)
    rules_matching = [
        g for g in forwarding_groups([ROOT, FAILURES]) if matches(g.pattern, root_failure)
    ]
    assert len(rules_matching) == 1


def test_patterns_on_different_sources_stay_apart_and_sources_shared_join_them() -> None:
    groups = forwarding_groups([ROOT, IAM])
    assert [g.name for g in groups] == ["forward-iam", "forward-signin"]
    assert [g.pattern for g in groups] == [IAM, ROOT]
    joined = forwarding_groups([ROOT, IAM, STS_OR_IAM])
    assert [g.name for g in joined] == ["forward-iam-sts", "forward-signin"]
    assert joined[0].sources == ("aws.iam", "aws.sts")


def test_a_top_level_or_is_flattened_into_the_group() -> None:
    [group] = forwarding_groups([{"$or": [ROOT, FAILURES]}, ROOT])
    assert len(group.pattern["$or"]) == 2


def test_a_pattern_without_a_plain_source_joins_every_group() -> None:
    prefixed = {"source": [{"prefix": "aws.s"}], "detail-type": [SIGN_IN]}
    [group] = forwarding_groups([ROOT, IAM, prefixed])
    assert group.name == "forward-all"
    assert len(group.pattern["$or"]) == 3


def test_the_grouping_does_not_depend_on_the_order_of_the_rules() -> None:
    assert forwarding_groups([ROOT, IAM, FAILURES]) == forwarding_groups([FAILURES, IAM, ROOT])


def test_a_merged_pattern_over_4096_characters_is_refused_with_what_to_do() -> None:
    many = [
        {"source": ["aws.iam"], "detail": {"eventName": [f"Action{i:04d}" * 3]}} for i in range(200)
    ]
    [problem] = group_problems(forwarding_groups(many))
    assert problem.location == "forward-iam"
    assert "the rules on aws.iam events" in problem.message
    assert "EventBridge takes 4,096" in problem.message
    assert "merge or shorten those rules' patterns" in problem.message


# ------------------------------------------------------------------ constructs


BUS = {
    "Fn::Join": [
        "",
        ["arn:", {"Ref": "AWS::Partition"}, ":events:eu-west-1:111122223333:event-bus/default"],
    ]
}


def _stacks() -> tuple[Stack, Stack]:
    app = App()
    env = {"account": "111122223333"}
    return (
        Stack(app, "Global", env=Environment(region="us-east-1", **env)),
        Stack(app, "Home", env=Environment(region="eu-west-1", **env)),
    )


def test_a_forwarder_targets_the_home_bus_with_a_dead_letter_queue_and_a_scoped_role() -> None:
    global_stack, _ = _stacks()
    forwarder = EventForwarder(
        global_stack, "Forwarder", to_region="eu-west-1", rule_name_prefix="shop-dev"
    )
    forwarder.forward("forward-signin", ROOT)
    template = Template.from_stack(global_stack)
    [rule] = template.find_resources("AWS::Events::Rule").values()
    assert rule["Properties"]["Name"] == "shop-dev-forward-signin"
    assert rule["Properties"]["EventPattern"] == ROOT
    [target] = rule["Properties"]["Targets"]
    assert target["Arn"] == BUS
    assert "Fn::GetAtt" in target["DeadLetterConfig"]["Arn"]
    # An event bus target takes no retry policy; EventBridge retries it 24 hours.
    assert "RetryPolicy" not in target
    [role] = template.find_resources("AWS::IAM::Role").values()
    [trust] = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "111122223333"}}
    [policy] = template.find_resources("AWS::IAM::Policy").values()
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Action": "events:PutEvents",
            "Effect": "Allow",
            "Resource": BUS,
        }
    ]


def test_a_pattern_with_only_a_top_level_or_is_written_as_given() -> None:
    global_stack, _ = _stacks()
    forwarder = EventForwarder(global_stack, "Forwarder", to_region="eu-west-1")
    pattern = {"$or": [ROOT, IAM]}
    forwarder.forward("both", pattern)
    [rule] = Template.from_stack(global_stack).find_resources("AWS::Events::Rule").values()
    assert rule["Properties"]["EventPattern"] == pattern


def test_forwarder_refuses_its_own_region_a_bad_region_and_a_bad_name() -> None:
    global_stack, _ = _stacks()
    with pytest.raises(BlueprintError) as own:
        EventForwarder(global_stack, "Own", to_region="us-east-1")
    assert str(own.value) == (
        "Global/Own.to_region: us-east-1 is this stack's own Region: events need no forwarding "
        "there"
    )
    with pytest.raises(BlueprintError) as bad:
        EventForwarder(global_stack, "Bad", to_region="eu-mars-1")
    assert str(bad.value).startswith(
        "Global/Bad.to_region: 'eu-mars-1' is not an AWS Region (did you mean "
    )
    assert "use a Region name such as eu-west-1" in str(bad.value)
    with pytest.raises(BlueprintError) as other:
        EventForwarder(global_stack, "China", to_region="cn-north-1")
    assert str(other.value) == (
        "Global/China.to_region: cn-north-1 is in the partition aws-cn, this stack in aws: "
        "events cannot cross partitions"
    )
    forwarder = EventForwarder(global_stack, "Forwarder", to_region="eu-west-1")
    with pytest.raises(BlueprintError) as name:
        forwarder.forward("bad name!", ROOT)
    assert str(name.value).startswith(
        "Global/Forwarder.name: 'bad name!': use 1 to 64 letters, digits, '.', '-' or '_'"
    )
    forwarder.forward("once", ROOT)
    with pytest.raises(BlueprintError, match="'once' is forwarded already"):
        forwarder.forward("once", IAM)


def test_forwarded_alarm_state_changes_notify_home_topics_once_per_state() -> None:
    global_stack, home = _stacks()
    delivery = EventDelivery(global_stack, "Delivery", alarm_name="shop-dev-undelivered")
    forwarder = EventForwarder(global_stack, "Forwarder", to_region="eu-west-1", delivery=delivery)
    forwarder.forward_alarm_states("alarms", [delivery.cloudwatch_alarm.alarm_arn])
    topic = sns.Topic(home, "Topic")
    arn = alarm_arn(home, region="us-east-1", alarm_name="shop-dev-undelivered")
    ForwardedAlarmActions(
        home,
        "Forwarded",
        alarm_arns=[arn],
        delivery=EventDelivery(home, "HomeDelivery"),
        alarm=[topic],
        rule_name_prefix="shop-dev-forwarded",
    )
    [forward_rule] = Template.from_stack(global_stack).find_resources("AWS::Events::Rule").values()
    assert forward_rule["Properties"]["EventPattern"]["detail-type"] == [
        "CloudWatch Alarm State Change"
    ]
    template = Template.from_stack(home)
    rules = template.find_resources("AWS::Events::Rule")
    [rule] = [
        r for r in rules.values() if r["Properties"].get("Name") == "shop-dev-forwarded-alarm"
    ]
    pattern = rule["Properties"]["EventPattern"]
    assert pattern["resources"] == [
        {
            "Fn::Join": [
                "",
                [
                    "arn:",
                    {"Ref": "AWS::Partition"},
                    ":cloudwatch:us-east-1:111122223333:alarm:shop-dev-undelivered",
                ],
            ]
        }
    ]
    assert pattern["detail"] == {"state": {"value": ["ALARM"]}}
    [target] = rule["Properties"]["Targets"]
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 7200}
    assert "<alarm> in <region> is <state>" in json.loads(
        target["InputTransformer"]["InputTemplate"]
    )
    # The topic admits this rule only.
    [policy] = template.find_resources("AWS::SNS::TopicPolicy").values()
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert "aws:SourceArn" in statement["Condition"]["ArnEquals"]


def test_forwarded_alarm_actions_need_an_alarm_and_a_topic() -> None:
    _, home = _stacks()
    with pytest.raises(BlueprintError) as caught:
        ForwardedAlarmActions(home, "Nothing", alarm_arns=[], delivery=EventDelivery(home, "D"))
    assert str(caught.value).splitlines() == [
        "Home/Nothing.alarm_arns: name at least one alarm",
        "Home/Nothing: give topics for at least one of alarm, ok, insufficient_data",
    ]


def test_a_target_input_over_8192_characters_is_refused_before_it_is_bound() -> None:
    """Issue 12, A4: EventBridge takes a target Input of at most 8,192 characters."""
    from aws_cdk import aws_events as events

    from observability_blueprint.events import DeliveredTarget
    from observability_blueprint.events.event_delivery import add_checked_target

    global_stack, _ = _stacks()
    delivery = EventDelivery(global_stack, "Delivery")
    rule = events.Rule(global_stack, "Rule", event_pattern=events.EventPattern(source=["aws.ec2"]))
    big = events.RuleTargetInput.from_object({"Message": ["x" * 8200]})
    with pytest.raises(BlueprintError) as caught:
        add_checked_target(
            rule, DeliveredTarget("arn:aws:sns:us-east-1:1:t", delivery=delivery, input=big)
        )
    message = str(caught.value)
    assert message.startswith("Global/Rule.targets.input: ")
    assert "is about 8,216 characters; EventBridge takes a target input of at most 8,192" in message
    fits = events.RuleTargetInput.from_object({"Message": ["x" * 8000]})
    add_checked_target(
        rule, DeliveredTarget("arn:aws:sns:us-east-1:1:t", delivery=delivery, input=fits)
    )
