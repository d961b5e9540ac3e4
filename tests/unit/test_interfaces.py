"""The constructs drop into aws-cdk-lib code: they implement the interfaces of what they wrap."""

from __future__ import annotations

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match, Template

from observability_blueprint import (
    ActionSet,
    AnomalyAlarm,
    BlueprintError,
    BlueprintKey,
    ManagedLogGroup,
    MetricFilterSpec,
    NotificationTopic,
    RuleCompositeAlarm,
    StaticAlarm,
)
from observability_blueprint.core.delegation import interface_members
from support import new_stack

METRIC = cloudwatch.Metric(
    namespace="Shop", metric_name="Errors", statistic="Sum", period=Duration.minutes(5)
)


class Built:
    """One stack where each construct is handed to aws-cdk-lib as the interface."""

    def __init__(self) -> None:
        _, self.stack = new_stack()
        stack = self.stack
        self.key = BlueprintKey(stack, "Key")
        self.topic = NotificationTopic(
            stack, "Topic", encryption_key=self.key, topic_name="shop-alerts"
        )
        self.logs = ManagedLogGroup(
            stack, "Logs", log_group_name="/shop/api", encryption_key=self.key
        )
        self.static = StaticAlarm(stack, "Static", metric=METRIC, threshold=1, comparison=">")
        self.anomaly = AnomalyAlarm(stack, "Anomaly", metric=METRIC)
        self.composite = RuleCompositeAlarm(
            stack, "Composite", rule="ALARM(static)", alarms={"static": self.static}
        )
        # aws-cdk-lib takes them where it takes its own types.
        self.static.alarm.add_alarm_action(actions.SnsAction(self.topic))
        cloudwatch.CompositeAlarm(
            stack,
            "Cdk",
            alarm_rule=cloudwatch.AlarmRule.any_of(
                cloudwatch.AlarmRule.from_alarm(self.anomaly, cloudwatch.AlarmState.ALARM),
                cloudwatch.AlarmRule.from_alarm(self.composite, cloudwatch.AlarmState.ALARM),
            ),
        )
        self.role = iam.Role(stack, "Writer", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
        self.logs.grant_write(self.role)
        self.topic.grant_publish(self.role)
        self.key.grant_decrypt(self.role)
        self.logs.add_metric_filter(
            "Timeouts",
            filter_pattern=logs.FilterPattern.all_terms("Task timed out"),
            metric_name="Timeouts",
            metric_namespace="Shop",
        )
        self.template = Template.from_stack(stack)


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


@pytest.mark.parametrize(
    ("attribute", "interface", "wrapped"),
    [
        ("static", cloudwatch.IAlarm, "alarm"),
        ("anomaly", cloudwatch.IAlarm, "alarm"),
        ("composite", cloudwatch.IAlarm, "alarm"),
        ("topic", sns.ITopic, "topic"),
        ("logs", logs.ILogGroup, "log_group"),
        ("key", kms.IKey, "key"),
    ],
)
def test_every_interface_member_is_there(
    built: Built, attribute: str, interface: type, wrapped: str
) -> None:
    construct = getattr(built, attribute)
    missing = [name for name in interface_members(interface) if not hasattr(construct, name)]
    assert missing == []
    assert construct.stack is Stack.of(built.stack)
    inner = getattr(construct, wrapped)
    for name in ("alarm_arn", "topic_arn", "log_group_arn", "key_arn"):
        if hasattr(inner, name):
            assert getattr(construct, name) == getattr(inner, name)


def test_alarms_are_alarms_to_aws_cdk_lib(built: Built) -> None:
    rules = built.template.find_resources("AWS::CloudWatch::CompositeAlarm")
    cdk_rule = next(r for key, r in rules.items() if key.startswith("Cdk"))
    text = str(cdk_rule["Properties"]["AlarmRule"])
    assert "'Fn::GetAtt': ['AnomalyA953C24C', 'Arn']" in text  # the alarm, not the detector
    assert "'Fn::GetAtt': ['Composite7F1A9415', 'Arn']" in text
    built.template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"AlarmActions": [{"Ref": Match.string_like_regexp("^Topic")}]},
    )


def test_grants_reach_the_wrapped_resources(built: Built) -> None:
    statements = str(built.template.find_resources("AWS::IAM::Policy"))
    for action in ("logs:PutLogEvents", "sns:Publish", "kms:Decrypt"):
        assert action in statements


def test_cdk_style_metric_filters_are_checked(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Logs::MetricFilter",
        {
            "FilterPattern": '"Task timed out"',
            "MetricTransformations": [
                {"MetricName": "Timeouts", "MetricNamespace": "Shop", "MetricValue": "1"}
            ],
        },
    )
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs", log_group_name="/shop/api")
    with pytest.raises(BlueprintError) as caught:
        group.add_metric_filter("Bad", filter_pattern=logs.FilterPattern.literal("{ $.a = }"))
    lines = str(caught.value).splitlines()
    assert lines[:2] == [
        "Test/Logs/Bad.metric_name: is required",
        "Test/Logs/Bad.metric_namespace: is required",
    ]
    with pytest.raises(BlueprintError, match=r"^Test/Logs/Bad\.pattern: "):
        group.add_metric_filter(
            "Bad",
            filter_pattern=logs.FilterPattern.literal("{ $.a = }"),
            metric_name="A",
            metric_namespace="Shop",
        )


def test_a_filter_spec_takes_a_pattern_object() -> None:
    spec = MetricFilterSpec(
        name="errors",
        pattern=logs.FilterPattern.string_value("$.level", "=", "ERROR"),
        namespace="Shop",
        metric_name="Errors",
    )
    assert spec.pattern_text == '{ $.level = "ERROR" }'


# ------------------------------------------------- aws-cdk-lib's actions and topics


def test_alarm_actions_take_topics_and_cdk_actions() -> None:
    _, stack = new_stack()
    key = BlueprintKey(stack, "Key")
    topic = NotificationTopic(stack, "Pager", encryption_key=key)
    plain = sns.Topic(stack, "Plain")
    cpu = cloudwatch.Metric(
        namespace="AWS/EC2",
        metric_name="CPUUtilization",
        dimensions_map={"InstanceId": "i-0123456789abcdef0"},
        period=Duration.minutes(5),
    )
    StaticAlarm(
        stack,
        "Hot",
        metric=cpu,
        threshold=95,
        comparison=">=",
        actions=ActionSet(
            alarm=(topic, actions.Ec2Action(actions.Ec2InstanceAction.REBOOT)),
            ok=(actions.SnsAction(plain),),
        ),
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmActions": [
                {"Ref": "PagerEB19BD77"},
                {
                    "Fn::Join": [
                        "",
                        [
                            "arn:",
                            {"Ref": "AWS::Partition"},
                            ":automate:",
                            {"Ref": "AWS::Region"},
                            ":ec2:reboot",
                        ],
                    ]
                },
            ],
            "OKActions": [{"Ref": "Plain295EB121"}],
        },
    )


def test_cdk_actions_are_checked_like_specs() -> None:
    """A composite alarm takes no EC2 action, whichever way it is given."""
    _, stack = new_stack()
    child = StaticAlarm(stack, "Child", metric=METRIC, threshold=1, comparison=">")
    with pytest.raises(BlueprintError) as caught:
        RuleCompositeAlarm(
            stack,
            "C",
            rule="ALARM(child)",
            alarms={"child": child},
            actions=ActionSet(alarm=(actions.Ec2Action(actions.Ec2InstanceAction.STOP),)),
        )
    assert str(caught.value) == (
        "Test/C.actions.alarm[0]: a composite alarm cannot take an ec2 action on ALARM; on "
        "ALARM it takes topic, lambda, opsitem (a severity, no category) and incident, and "
        "runbooks (started through EventBridge)"
    )


def test_importers_check_what_they_import() -> None:
    _, stack = new_stack()
    imported = ManagedLogGroup.from_log_group_name(stack, "Old", "/shop/legacy")
    assert imported.log_group_name == "/shop/legacy"
    with pytest.raises(BlueprintError) as caught:
        ManagedLogGroup.from_log_group_name(stack, "Bad", "/shop/bad name")
    assert str(caught.value).startswith("Test/Bad.log_group_name: '/shop/bad name' ")
    key = BlueprintKey.from_key_arn(
        stack, "Key", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    assert key.key_id == "1234abcd-12ab-34cd-56ef-1234567890ab"
    with pytest.raises(BlueprintError) as caught:
        BlueprintKey.from_key_arn(stack, "Alias", "alias/trail")
    assert str(caught.value) == (
        "Test/Alias.key_arn: 'alias/trail' is not a KMS key ARN; use "
        "arn:aws:kms:REGION:ACCOUNT:key/KEY-ID (a multi-Region key's id starts with mrk-)"
    )


def test_a_subscription_takes_a_pattern_object_checked_offline() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs", log_group_name="/shop/api")
    group.add_subscription(
        "Errors",
        destination_arn="arn:aws:lambda:eu-west-1:111122223333:function:shipper",
        pattern=logs.FilterPattern.string_value("$.level", "=", "ERROR"),
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::Logs::SubscriptionFilter", {"FilterPattern": '{ $.level = "ERROR" }'}
    )
    with pytest.raises(BlueprintError, match=r"^Test/Logs/Bad\.pattern: "):
        group.add_subscription(
            "Bad",
            destination_arn="arn:aws:lambda:eu-west-1:111122223333:function:shipper",
            pattern=logs.FilterPattern.literal("{ $.a = }"),
        )


def test_cdk_style_filter_units_reach_the_template() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs", log_group_name="/shop/api")
    group.add_metric_filter(
        "Latency",
        filter_pattern=logs.FilterPattern.exists("$.latency_ms"),
        metric_name="Latency",
        metric_namespace="Shop",
        metric_value="$.latency_ms",
        unit=cloudwatch.Unit.MILLISECONDS,
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::Logs::MetricFilter",
        {"MetricTransformations": [Match.object_like({"Unit": "Milliseconds"})]},
    )


def test_a_subscriber_is_checked_like_the_files() -> None:
    from observability_blueprint import TopicSubscriber

    _, stack = new_stack()
    key = BlueprintKey(stack, "Key")
    with pytest.raises(BlueprintError) as caught:
        NotificationTopic(
            stack,
            "Topic",
            encryption_key=key,
            subscribers=[
                TopicSubscriber("sms", "+15555550100"),  # type: ignore[arg-type]
                TopicSubscriber("lambda", "notifier"),
            ],
        )
    assert str(caught.value).splitlines() == [
        "Test/Topic.subscribers[0]: 'sms' is not a protocol the blueprint subscribes; use one "
        "of email, https, sqs, lambda",
        "Test/Topic.subscribers[1]: 'notifier' is not a Lambda function ARN "
        "(arn:aws:lambda:REGION:ACCOUNT:function:NAME)",
    ]


def test_a_trail_key_this_stack_manages_gets_cloudtrails_statements() -> None:
    from observability_blueprint import AuditTrail

    _, stack = new_stack()
    key = BlueprintKey(stack, "TrailKey")
    AuditTrail(stack, "Trail", trail_key=key)
    policy = Template.from_stack(stack).find_resources("AWS::KMS::Key")
    statements = next(iter(policy.values()))["Properties"]["KeyPolicy"]["Statement"]
    assert any(
        "cloudtrail.amazonaws.com" in str(s.get("Principal"))
        and "kms:GenerateDataKey*" in s["Action"]
        for s in statements
    )
    Annotations.from_stack(stack).has_no_warning(
        "/Test/Trail", Match.string_like_regexp("CDK cannot change the policy")
    )


def test_cdk_subscription_filters_meet_the_same_checks() -> None:
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_logs_destinations as destinations

    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs", log_group_name="/shop/api")
    shipper = lambda_.Function.from_function_arn(
        stack, "Shipper", "arn:aws:lambda:eu-west-1:111122223333:function:shipper"
    )
    with pytest.raises(BlueprintError, match=r"^Test/Logs/Bad\.filter_pattern: "):
        group.add_subscription_filter(
            "Bad",
            destination=destinations.LambdaDestination(shipper),
            filter_pattern=logs.FilterPattern.literal("{ $.a = }"),
        )
    for index in range(2):
        group.add_subscription_filter(
            f"Ok{index}",
            destination=destinations.LambdaDestination(shipper),
            filter_pattern=logs.FilterPattern.all_events(),
        )
    with pytest.raises(BlueprintError) as caught:
        group.add_subscription(
            "Third", destination_arn="arn:aws:lambda:eu-west-1:111122223333:function:shipper"
        )
    assert str(caught.value) == (
        "Test/Logs/Third: CloudWatch Logs allows at most 2 subscription filters per log group"
    )


def test_an_alert_to_an_imported_topic_says_its_policy_must_admit_eventbridge() -> None:
    from observability_blueprint import EventAlert, EventDelivery

    _, stack = new_stack()
    imported = sns.Topic.from_topic_arn(stack, "Pager", "arn:aws:sns:eu-west-1:111122223333:pager")
    EventAlert(
        stack,
        "Alert",
        pattern={"source": ["aws.ec2"]},
        topics=[imported],
        delivery=EventDelivery(stack, "Delivery"),
    )
    Annotations.from_stack(stack).has_warning(
        "/Test/Alert",
        Match.string_like_regexp("not managed by this stack: its policy must let events"),
    )
