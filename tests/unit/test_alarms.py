"""Alarms: the example files' alarms and the alarm constructs used on their own."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import Duration, Environment
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from observability_blueprint import Blueprint, BlueprintError, ObservabilityBlueprint
from observability_blueprint.alarms.alarm_actions import ArnAlarmAction
from observability_blueprint.alarms.anomaly_alarm import AnomalyAlarm
from observability_blueprint.alarms.composite_alarm import RuleCompositeAlarm
from observability_blueprint.alarms.static_alarm import StaticAlarm
from observability_blueprint.rules.alarm_settings import ActionSet, ActionSpec
from support import Synthesized, assert_blueprint_warns, new_stack, properties, resources


def alarm_named(synthesized: Synthesized, name: str) -> dict[str, Any]:
    for resource in synthesized.template_json()["Resources"].values():
        props = resource.get("Properties", {})
        if props.get("AlarmName") == name:
            return dict(resource)
    raise AssertionError(f"no alarm {name}")


def logical_id(synthesized: Synthesized, name: str) -> str:
    for key, resource in synthesized.template_json()["Resources"].items():
        if resource.get("Properties", {}).get("AlarmName") == name:
            return str(key)
    raise AssertionError(name)


# ------------------------------------------------------------ the examples


def test_static_alarm_on_a_metric_filter(small: Synthesized) -> None:
    props = alarm_named(small, "shop-dev-api-errors")["Properties"]
    assert props["Namespace"] == "Shop/Api"
    assert props["MetricName"] == "Errors"
    assert props["Dimensions"] == [{"Name": "Service", "Value": "api"}]
    assert props["Statistic"] == "Sum"  # the default on filter metrics
    assert props["Period"] == 300
    assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert props["Threshold"] == 5
    assert props["EvaluationPeriods"] == 3
    assert props["DatapointsToAlarm"] == 2
    # Filters with a dimension publish nothing in quiet minutes.
    assert props["TreatMissingData"] == "notBreaching"


def test_anomaly_alarm_reads_the_detector_it_creates(small: Synthesized) -> None:
    alarm = alarm_named(small, "shop-dev-api-latency")
    detectors = resources(small.template(), "AWS::CloudWatch::AnomalyDetector")
    [(detector_id, detector)] = detectors.items()
    assert alarm["DependsOn"] == [detector_id]
    single = detector["Properties"]["SingleMetricAnomalyDetector"]
    stat = next(m for m in alarm["Properties"]["Metrics"] if "MetricStat" in m)["MetricStat"]
    assert single["Namespace"] == stat["Metric"]["Namespace"] == "Shop/Api"
    assert single["MetricName"] == stat["Metric"]["MetricName"] == "Latency"
    assert single["Dimensions"] == stat["Metric"]["Dimensions"]
    assert single["Stat"] == stat["Stat"] == "p90"
    assert detector["Properties"]["Configuration"] == {
        "ExcludedTimeRanges": [
            {"StartTime": "2026-12-24T00:00:00", "EndTime": "2026-12-27T00:00:00"}
        ],
        "MetricTimeZone": "Europe/Berlin",
    }
    band = next(m for m in alarm["Properties"]["Metrics"] if "Expression" in m)
    assert band["Expression"].startswith("ANOMALY_DETECTION_BAND(")
    assert band["Expression"].endswith(", 3)")
    assert alarm["Properties"]["ComparisonOperator"] == "GreaterThanUpperThreshold"
    assert alarm["Properties"]["ThresholdMetricId"] == band["Id"]


def test_composite_references_children_by_arn(small: Synthesized) -> None:
    rule = alarm_named(small, "shop-dev-shop-unhealthy")["Properties"]["AlarmRule"]
    parts = rule["Fn::Join"][1]
    arns = [p["Fn::GetAtt"][0] for p in parts if isinstance(p, dict)]
    assert arns == [
        logical_id(small, "shop-dev-api-errors"),
        logical_id(small, "shop-dev-api-latency"),
        logical_id(small, "shop-dev-worker-timeouts"),
    ]
    text = "".join(p if isinstance(p, str) else "X" for p in parts)
    assert text == "ALARM(X) OR (ALARM(X) AND ALARM(X))"


def test_composite_notifies_and_its_children_stay_quiet(small: Synthesized) -> None:
    composite = alarm_named(small, "shop-dev-shop-unhealthy")["Properties"]
    topic = {"Ref": next(iter(resources(small.template(), "AWS::SNS::Topic")))}
    assert composite["AlarmActions"] == [topic]
    assert composite["OKActions"] == [topic]
    for child in ("api-errors", "api-latency", "worker-timeouts"):
        props = alarm_named(small, f"shop-dev-{child}")["Properties"]
        assert "AlarmActions" not in props
        assert "OKActions" not in props


def test_every_action_type_on_alarm(full: Synthesized) -> None:
    props = alarm_named(full, "payments-prod-card-declines")["Properties"]
    assert props["AlarmActions"][0]["Ref"].startswith("BlueprintNotificationsoncall")
    assert props["AlarmActions"][1:] == [
        "arn:aws:lambda:eu-west-1:111122223333:function:payments-chat-notifier",
        "arn:aws:ssm:eu-west-1:111122223333:opsitem:2#CATEGORY=Availability",
        "arn:aws:ssm-incidents::111122223333:responseplan/payments-critical",
    ]
    assert props["AlarmDescription"] == (
        "Card declines in EUR are unusually high.\n"
        "Runbook: https://wiki.example.com/runbooks/card-declines"
    )


def test_lambda_actions_may_be_invoked_by_their_alarm(full: Synthesized) -> None:
    alarm_id = logical_id(full, "payments-prod-card-declines")
    full.template().has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": "arn:aws:lambda:eu-west-1:111122223333:function:payments-chat-notifier",
            "Principal": "lambda.alarms.cloudwatch.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": [alarm_id, "Arn"]},
            "SourceAccount": "111122223333",
        },
    )


def test_runbook_runs_through_eventbridge(full: Synthesized) -> None:
    alarm_id = logical_id(full, "payments-prod-card-declines")
    [rule] = [
        r
        for r in resources(full.template(), "AWS::Events::Rule").values()
        if r["Properties"]["EventPattern"].get("resources") == [{"Fn::GetAtt": [alarm_id, "Arn"]}]
    ]
    assert rule["Properties"]["EventPattern"] == {
        "source": ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        "resources": [{"Fn::GetAtt": [alarm_id, "Arn"]}],
        "detail": {"state": {"value": ["ALARM"]}},
    }
    [target] = rule["Properties"]["Targets"]
    assert target["Arn"] == (
        "arn:aws:ssm:eu-west-1:111122223333:automation-definition/"
        "AWS-PublishSNSNotification:$DEFAULT"
    )
    separator, (before, role_ref, after) = target["Input"]["Fn::Join"]
    assert separator == ""
    automation_id, attribute = role_ref["Fn::GetAtt"]
    assert attribute == "Arn"
    assert json.loads(before + "ROLE" + after) == {
        "TopicArn": ["arn:aws:sns:eu-west-1:111122223333:payments-status-page"],
        "Message": ["Card declines are high"],
        "AutomationAssumeRole": ["ROLE"],
    }
    assert target["RetryPolicy"]["MaximumRetryAttempts"] == 3
    role_id = target["RoleArn"]["Fn::GetAtt"][0]

    def statements(role: str) -> list[dict[str, Any]]:
        policy = next(
            p
            for p in resources(full.template(), "AWS::IAM::Policy").values()
            if p["Properties"]["Roles"] == [{"Ref": role}]
        )
        found: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
        return found

    assert statements(role_id) == [
        {
            "Action": "ssm:StartAutomationExecution",
            "Effect": "Allow",
            "Resource": "arn:aws:ssm:eu-west-1:111122223333:automation-definition/"
            "AWS-PublishSNSNotification:*",
        },
        {
            "Action": "iam:PassRole",
            "Condition": {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}},
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [automation_id, "Arn"]},
        },
    ]
    # The runbook itself may publish to its topic and nothing else (issue 12, B7).
    assert statements(automation_id) == [
        {
            "Action": "sns:Publish",
            "Effect": "Allow",
            "Resource": "arn:aws:sns:eu-west-1:111122223333:payments-status-page",
        }
    ]


def test_ec2_and_autoscaling_actions(full: Synthesized) -> None:
    status = alarm_named(full, "payments-prod-ledger-host-status")["Properties"]
    assert status["AlarmActions"][0] == "arn:aws:automate:eu-west-1:ec2:recover"
    hung = alarm_named(full, "payments-prod-ledger-host-hung")["Properties"]
    assert hung["AlarmActions"] == ["arn:aws:automate:eu-west-1:ec2:reboot"]
    busy = alarm_named(full, "payments-prod-workers-busy")["Properties"]
    assert busy["AlarmActions"][0].startswith("arn:aws:autoscaling:eu-west-1:111122223333:")


def test_default_actions_are_filtered_by_kind() -> None:
    policy = (
        "arn:aws:autoscaling:eu-west-1:111122223333:scalingPolicy:1f2e3d4c-5b6a-4789-8abc-"
        "def012345678:autoScalingGroupName/w:policyName/out"
    )
    cpu = {"namespace": "AWS/EC2", "name": "CPUUtilization"}
    config = Blueprint.from_dict(
        {
            "name": "shop",
            "stage": "dev",
            "notifications": [{"name": "ops"}],
            "default_actions": {
                "alarm": [
                    {"topic": "ops"},
                    {"autoscaling": policy},
                    {"opsitem": {"severity": 2, "category": "Security"}},
                ],
                "ok": [{"topic": "ops"}, {"autoscaling": policy}],
            },
            "alarms": [
                {"name": "latency", "type": "anomaly", "metric": cpu},
                {"name": "health", "type": "composite", "rule": "TRUE"},
                {
                    "name": "maintenance",
                    "metric": cpu,
                    "threshold": 1,
                    "comparison": ">",
                    "actions": {},
                },
            ],
        }
    )
    _, stack = new_stack()
    ObservabilityBlueprint(stack, "Blueprint", config=config)
    template = Template.from_stack(stack)
    by_name = {
        props["AlarmName"]: props
        for kind in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
        for props in properties(template, kind)
    }
    # An anomaly alarm drops the Auto Scaling action and keeps the OpsItem's category.
    latency = by_name["shop-dev-latency"]
    assert len(latency["AlarmActions"]) == 2
    assert latency["AlarmActions"][1]["Fn::Join"][1][-1] == ":opsitem:2#CATEGORY=Security"
    assert len(latency["OKActions"]) == 1
    # A composite drops Auto Scaling too, and takes the OpsItem by its severity only.
    health = by_name["shop-dev-health"]
    assert len(health["AlarmActions"]) == 2
    assert health["AlarmActions"][1]["Fn::Join"][1][-1] == ":opsitem:2"
    assert len(health["OKActions"]) == 1
    assert "AlarmActions" not in by_name["shop-dev-maintenance"]  # actions: {} means none


def test_metric_math_alarm(full: Synthesized) -> None:
    props = alarm_named(full, "payments-prod-checkout-5xx-rate")["Properties"]
    expression = next(m for m in props["Metrics"] if "Expression" in m)
    assert expression["Expression"] == "100 * errors / requests"
    ids = sorted(m["Id"] for m in props["Metrics"] if "MetricStat" in m)
    assert ids == ["errors", "requests"]
    assert all(m["MetricStat"]["Period"] == 60 for m in props["Metrics"] if "MetricStat" in m)


def test_nested_composite_with_suppressor(full: Synthesized) -> None:
    props = alarm_named(full, "payments-prod-payments-down")["Properties"]
    assert props["ActionsSuppressor"] == {
        "Fn::GetAtt": [logical_id(full, "payments-prod-maintenance-mode"), "Arn"]
    }
    assert props["ActionsSuppressorWaitPeriod"] == 120
    assert props["ActionsSuppressorExtensionPeriod"] == 300
    parts = props["AlarmRule"]["Fn::Join"][1]
    assert parts[1] == {"Fn::GetAtt": [logical_id(full, "payments-prod-checkout-degraded"), "Arn"]}
    degraded = alarm_named(full, "payments-prod-checkout-degraded")["Properties"]["AlarmRule"]
    assert degraded["Fn::Join"][1][0] == "AT_LEAST(2, ALARM, ("


def test_composite_actions(full: Synthesized) -> None:
    props = alarm_named(full, "payments-prod-payments-down")["Properties"]
    assert props["AlarmActions"][1:] == [
        "arn:aws:ssm-incidents::111122223333:responseplan/payments-critical",
        "arn:aws:ssm:eu-west-1:111122223333:opsitem:1",  # a composite's OpsItem: no category
    ]
    assert props["InsufficientDataActions"] == [
        "arn:aws:lambda:eu-west-1:111122223333:function:payments-chat-notifier"
    ]


# ------------------------------------------------------------ blueprint API


def test_duplicate_alarms_are_reported() -> None:
    metric = {"namespace": "AWS/EC2", "name": "CPUUtilization"}
    assert_blueprint_warns(
        {
            "name": "shop",
            "stage": "dev",
            "alarms": [
                {"name": name, "metric": metric, "threshold": 90, "comparison": ">"}
                for name in ("cpu", "cpu-again")
            ],
        },
        r"^Test/Blueprint/Alarms/cpu-again: watches the same metric with the same threshold "
        r"and comparison as Test/Blueprint/Alarms/cpu",
    )


# ---------------------------------------------------------- construct API


@pytest.fixture(scope="module")
def api() -> Template:
    _, stack = new_stack()
    topic = sns.Topic(stack, "Topic")
    cpu = cloudwatch.Metric(
        namespace="AWS/EC2",
        metric_name="CPUUtilization",
        dimensions_map={"InstanceId": "i-1"},
        period=Duration.minutes(1),
    )
    high = StaticAlarm(
        stack,
        "High",
        metric=cpu,
        threshold=90,
        comparison=">",
        evaluation_periods=5,
        treat_missing_data="breaching",
        alarm_name="cpu-high",
        actions=ActionSet(alarm=(ActionSpec(topic="ops"), ActionSpec(ec2="stop"))),
        named_topics={"ops": topic},
    )
    odd = AnomalyAlarm(stack, "Odd", metric=cpu, direction="below", band=1.5)
    RuleCompositeAlarm(
        stack,
        "Both",
        rule="ALARM(high) AND ALARM(odd)",
        alarms={"high": high.alarm, "odd": odd.alarm},
        actions=ActionSet(ok=(ActionSpec(topic="ops"),)),
        named_topics={"ops": topic},
    )
    return Template.from_stack(stack)


def test_static_alarm_construct(api: Template) -> None:
    api.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": "cpu-high",
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "breaching",
            "AlarmActions": [
                {"Ref": Match.string_like_regexp("^Topic")},
                {"Fn::Join": Match.any_value()},
            ],
        },
    )


def test_anomaly_alarm_construct(api: Template) -> None:
    api.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "ComparisonOperator": "LessThanLowerThreshold",
            "Metrics": Match.array_with(
                [Match.object_like({"Expression": Match.string_like_regexp(r", 1\.5\)$")})]
            ),
        },
    )
    api.resource_count_is("AWS::CloudWatch::AnomalyDetector", 1)


def test_composite_alarm_construct(api: Template) -> None:
    api.has_resource_properties(
        "AWS::CloudWatch::CompositeAlarm",
        {"OKActions": [{"Ref": Match.string_like_regexp("^Topic")}]},
    )


def _cpu(period: int = 60, **dims: str) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace="AWS/EC2",
        metric_name="CPUUtilization",
        dimensions_map=dims or None,
        period=Duration.seconds(period),
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": 5}, r"Test/A\.period: 5 is not an alarm period"),
        ({"comparison": "=>"}, r"Test/A\.comparison: '=>' is not a comparison"),
        ({"alarm_name": "x" * 256}, r"Test/A\.alarm_name: the alarm name is 256 characters"),
        (
            {"actions": ActionSet(alarm=(ActionSpec(ec2="stop"),))},
            r"Test/A\.actions\.alarm\[0\]: ec2 stop acts on the one instance",
        ),
        (
            {"actions": ActionSet(alarm=(ActionSpec(topic="ops"),))},
            r"Test/A\.actions\.alarm\[0\]\.topic: 'ops' is not a blueprint topic",
        ),
        (
            {"period": 10, "from_metric_filter": True},
            r"Test/A\.period: 10 seconds is shorter than a metric filter's one-minute data",
        ),
        (
            {"evaluation_periods": 2, "datapoints_to_alarm": 3},
            r"Test/A\.datapoints_to_alarm: 3 must be between 1 and evaluation_periods \(2\)",
        ),
    ],
)
def test_static_alarm_refuses(kwargs: dict[str, Any], message: str) -> None:
    _, stack = new_stack()
    period = kwargs.pop("period", 60)
    settings: dict[str, Any] = {"metric": _cpu(period), "threshold": 1, "comparison": ">", **kwargs}
    with pytest.raises(BlueprintError, match=message):
        StaticAlarm(stack, "A", **settings)


def test_math_alarm_over_ten_metrics_is_refused() -> None:
    _, stack = new_stack()
    using = {f"m{i}": _cpu(InstanceId=f"i-{i}") for i in range(11)}
    expression = cloudwatch.MathExpression(expression="+".join(using), using_metrics=using)
    with pytest.raises(BlueprintError, match=r"Test/A\.metric: the expression uses 11 metrics"):
        StaticAlarm(stack, "A", metric=expression, threshold=1, comparison=">")


def test_anomaly_alarm_refuses_autoscaling_and_too_many_ranges() -> None:
    _, stack = new_stack()
    policy = (
        "arn:aws:autoscaling:eu-west-1:111122223333:scalingPolicy:1f2e3d4c-5b6a-4789-8abc-"
        "def012345678:autoScalingGroupName/w:policyName/out"
    )
    with pytest.raises(BlueprintError, match=r"an anomaly alarm cannot take an autoscaling"):
        AnomalyAlarm(
            stack,
            "A",
            metric=_cpu(),
            actions=ActionSet(alarm=(ActionSpec(autoscaling_policy_arn=policy),)),
        )
    ranges = [(f"2026-01-{d:02}T00:00:00", f"2026-01-{d:02}T01:00:00") for d in range(1, 12)]
    with pytest.raises(BlueprintError, match=r"Test/B\.excluded_periods: 11 excluded periods"):
        AnomalyAlarm(stack, "B", metric=_cpu(), excluded_periods=ranges)
    with pytest.raises(BlueprintError, match=r"Test/C\.direction: 'up' is not a direction"):
        AnomalyAlarm(stack, "C", metric=_cpu(), direction="up")


def test_composite_refuses_unknown_children_and_bad_rules() -> None:
    _, stack = new_stack()
    child = StaticAlarm(stack, "Child", metric=_cpu(), threshold=1, comparison=">")
    with pytest.raises(BlueprintError, match=r"Test/C\.rule: .*'missing'"):
        RuleCompositeAlarm(stack, "C", rule="ALARM(missing)", alarms={"child": child.alarm})
    with pytest.raises(BlueprintError, match=r"(?s)Test/D\.rule: .*\^"):
        RuleCompositeAlarm(stack, "D", rule="ALARM(child", alarms={"child": child.alarm})
    with pytest.raises(BlueprintError, match=r"a composite alarm cannot take an ec2 action"):
        RuleCompositeAlarm(
            stack,
            "E",
            rule="ALARM(child)",
            alarms={"child": child.alarm},
            actions=ActionSet(alarm=(ActionSpec(ec2="stop"),)),
        )


def test_composite_keeps_external_alarm_arns() -> None:
    _, stack = new_stack()
    arn = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:other-team-db"
    RuleCompositeAlarm(stack, "C", rule=f'ALARM("{arn}") OR TRUE', alarms={})
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudWatch::CompositeAlarm", {"AlarmRule": f'ALARM("{arn}") OR TRUE'}
    )


def test_naming_strategy_is_replaceable() -> None:
    class TeamNaming:
        def name(self, alarm: str) -> str:
            return f"PAYMENTS / {alarm.upper()}"

    config = Blueprint.from_dict(
        {
            "name": "shop",
            "stage": "dev",
            "alarms": [
                {
                    "name": "cpu",
                    "metric": {"namespace": "AWS/EC2", "name": "CPUUtilization"},
                    "threshold": 90,
                    "comparison": ">",
                },
                {"name": "any", "type": "composite", "rule": "ALARM(cpu)"},
            ],
        }
    )
    _, stack = new_stack()
    ObservabilityBlueprint(stack, "Blueprint", config=config, alarm_naming=TeamNaming())
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::CloudWatch::Alarm", {"AlarmName": "PAYMENTS / CPU"})
    template.has_resource_properties(
        "AWS::CloudWatch::CompositeAlarm", {"AlarmName": "PAYMENTS / ANY"}
    )


# ------------------------------------------- action forms and ARNs, construct API

IRELAND = Environment(account="111122223333", region="eu-west-1")
INVESTIGATION = "arn:aws:aiops:eu-west-1:111122223333:investigation-group:0123456789abcdef"


def test_composite_refuses_an_opsitem_category_given_as_a_spec() -> None:
    _, stack = new_stack()
    child = StaticAlarm(stack, "Child", metric=_cpu(), threshold=1, comparison=">")
    opsitem = ActionSpec(opsitem_severity=1, opsitem_category="Availability")
    with pytest.raises(BlueprintError) as caught:
        RuleCompositeAlarm(
            stack,
            "C",
            rule="ALARM(child)",
            alarms={"child": child.alarm},
            actions=ActionSet(alarm=(opsitem,)),
        )
    assert str(caught.value) == (
        "Test/C.actions.alarm[0].opsitem_category: a composite alarm's OpsItem action takes a "
        "severity only (arn:aws:ssm:REGION:ACCOUNT:opsitem:SEVERITY, without #CATEGORY=, as "
        "PutCompositeAlarm documents it): remove the category 'Availability', which only metric "
        "alarms take"
    )


def test_composite_refuses_aws_cdk_libs_opsitem_action_with_a_category() -> None:
    _, stack = new_stack()
    child = StaticAlarm(stack, "Child", metric=_cpu(), threshold=1, comparison=">")
    action = cloudwatch_actions.SsmAction(
        cloudwatch_actions.OpsItemSeverity.CRITICAL, cloudwatch_actions.OpsItemCategory.SECURITY
    )
    with pytest.raises(
        BlueprintError,
        match=r"^Test/C\.actions\.alarm\[0\]: 'arn:\$\{Token\[AWS\.Partition\.\d+\]\}:ssm:.*"
        r":opsitem:1#CATEGORY=Security' gives the OpsItem a category; a composite alarm's "
        r"OpsItem action takes a severity only \(arn:aws:ssm:REGION:ACCOUNT:opsitem:SEVERITY, "
        r"without #CATEGORY=, as PutCompositeAlarm documents it\): remove the category$",
    ):
        RuleCompositeAlarm(
            stack,
            "C",
            rule="ALARM(child)",
            alarms={"child": child.alarm},
            actions=ActionSet(alarm=(action,)),
        )


def test_static_alarm_takes_aws_cdk_libs_opsitem_action_with_a_category() -> None:
    _, stack = new_stack()
    action = cloudwatch_actions.SsmAction(
        cloudwatch_actions.OpsItemSeverity.HIGH, cloudwatch_actions.OpsItemCategory.COST
    )
    StaticAlarm(
        stack,
        "A",
        metric=_cpu(),
        threshold=1,
        comparison=">",
        actions=ActionSet(alarm=(action,)),
    )
    [props] = properties(Template.from_stack(stack), "AWS::CloudWatch::Alarm")
    [arn] = props["AlarmActions"]
    assert arn["Fn::Join"][1][-1] == ":opsitem:2#CATEGORY=Cost"


def test_a_queue_given_as_a_topic_is_refused() -> None:
    _, stack = new_stack()
    queue = "arn:aws:sqs:eu-west-1:111122223333:alerts"
    with pytest.raises(BlueprintError) as caught:
        StaticAlarm(
            stack,
            "A",
            metric=_cpu(),
            threshold=1,
            comparison=">",
            actions=ActionSet(alarm=(ActionSpec(topic=queue),)),
        )
    assert str(caught.value) == (
        f"Test/A.actions.alarm[0].topic: {queue!r} is an SQS queue ARN; expected an SNS topic "
        "(arn:aws:sns:REGION:ACCOUNT:NAME)"
    )


def test_a_topic_object_imported_from_a_queue_arn_is_refused() -> None:
    _, stack = new_stack()
    # The service is written out even where partition, Region and account are tokens.
    queue = sns.Topic.from_topic_arn(stack, "Q", stack.format_arn(service="sqs", resource="q"))
    with pytest.raises(
        BlueprintError,
        match=r"^Test/A\.actions\.ok\[0\]: 'arn:\$\{Token\[AWS\.Partition\.\d+\]\}:sqs:.*:q' is "
        r"an SQS queue ARN, which is not an alarm action; on OK a static alarm takes topic "
        r"\(arn:aws:sns:REGION:ACCOUNT:NAME\); lambda ",
    ):
        StaticAlarm(
            stack,
            "A",
            metric=_cpu(),
            threshold=1,
            comparison=">",
            actions=ActionSet(ok=(queue,)),
        )


def test_arn_actions_are_read_by_kind() -> None:
    _, stack = new_stack()
    StaticAlarm(
        stack,
        "A",
        metric=_cpu(),
        threshold=1,
        comparison=">",
        actions=ActionSet(alarm=(ArnAlarmAction(INVESTIGATION),)),
    )
    [props] = properties(Template.from_stack(stack), "AWS::CloudWatch::Alarm")
    assert props["AlarmActions"] == [INVESTIGATION]
    # Investigations start only on ALARM (CloudWatch user guide, Alarm actions).
    with pytest.raises(BlueprintError) as caught:
        StaticAlarm(
            stack,
            "B",
            metric=_cpu(),
            threshold=1,
            comparison=">",
            actions=ActionSet(ok=(ArnAlarmAction(INVESTIGATION),)),
        )
    assert str(caught.value) == (
        "Test/B.actions.ok[0]: a static alarm cannot take an investigation action on OK; on OK "
        "it takes topic, lambda, ec2 and autoscaling, and runbooks (started through EventBridge)"
    )


def test_an_arn_action_that_is_no_alarm_action_is_refused() -> None:
    _, stack = new_stack()
    queue = "arn:aws:sqs:eu-west-1:111122223333:alerts"
    with pytest.raises(BlueprintError) as caught:
        RuleCompositeAlarm(
            stack, "C", rule="TRUE", alarms={}, actions=ActionSet(ok=(ArnAlarmAction(queue),))
        )
    assert str(caught.value) == (
        f"Test/C.actions.ok[0]: {queue!r} is an SQS queue ARN, which is not an alarm action; on "
        "OK a composite alarm takes topic (arn:aws:sns:REGION:ACCOUNT:NAME); lambda "
        "(arn:aws:lambda:REGION:ACCOUNT:function:NAME, with :VERSION or :ALIAS if wanted)"
    )


def test_an_ec2_arn_action_needs_one_instances_metric() -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError, match=r"^Test/A\.actions\.alarm\[0\]: ec2 action acts on"):
        StaticAlarm(
            stack,
            "A",
            metric=_cpu(),
            threshold=1,
            comparison=">",
            actions=ActionSet(alarm=(ArnAlarmAction("arn:aws:automate:eu-west-1:ec2:stop"),)),
        )


def test_an_arn_of_another_partition_is_refused_in_a_stack_with_a_region() -> None:
    china = "arn:aws-cn:lambda:cn-north-1:111122223333:function:notify"
    settings: dict[str, Any] = {
        "metric": _cpu(),
        "threshold": 1,
        "comparison": ">",
        "actions": ActionSet(alarm=(ActionSpec(lambda_arn=china),)),
    }
    _, agnostic = new_stack()
    StaticAlarm(agnostic, "A", **settings)  # the partition is unknown until deployed
    _, ireland = new_stack(env=IRELAND)
    with pytest.raises(BlueprintError) as caught:
        StaticAlarm(ireland, "A", **settings)
    assert str(caught.value) == (
        f"Test/A.actions.alarm[0].lambda_arn: {china!r} is in the partition aws-cn, this stack in "
        "aws: nothing in AWS reaches across partitions; use an ARN that starts arn:aws:"
    )


def test_a_topic_given_as_a_suppressor_is_refused() -> None:
    _, stack = new_stack()
    topic = "arn:aws:sns:eu-west-1:111122223333:ops"
    suppressor = cloudwatch.Alarm.from_alarm_arn(stack, "Suppressor", topic)
    with pytest.raises(BlueprintError) as caught:
        RuleCompositeAlarm(stack, "C", rule="TRUE", alarms={}, suppressor=suppressor)
    assert str(caught.value) == (
        f"Test/C.suppressor: {topic!r} is an SNS topic ARN; expected a CloudWatch alarm "
        "(arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME)"
    )


def test_children_imported_from_another_region_are_refused() -> None:
    _, stack = new_stack(env=IRELAND)
    virginia = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:db"
    db = cloudwatch.Alarm.from_alarm_arn(stack, "Db", virginia)
    with pytest.raises(BlueprintError) as caught:
        RuleCompositeAlarm(stack, "C", rule="ALARM(db)", alarms={"db": db})
    assert str(caught.value) == (
        f"Test/C.alarms.db: {virginia!r} is in the Region us-east-1; a composite alarm watches "
        "only alarms of its own Region and account, so it must be in this stack's Region, "
        "eu-west-1"
    )
    local = cloudwatch.Alarm.from_alarm_arn(
        stack, "Local", "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:db"
    )
    RuleCompositeAlarm(stack, "D", rule="ALARM(db)", alarms={"db": local})


def test_rule_arns_of_another_account_are_refused() -> None:
    _, stack = new_stack(env=IRELAND)
    foreign = "arn:aws:cloudwatch:eu-west-1:999988887777:alarm:db"
    with pytest.raises(BlueprintError) as caught:
        RuleCompositeAlarm(stack, "C", rule=f'ALARM("{foreign}")', alarms={})
    assert str(caught.value) == (
        f"Test/C.rule: {foreign!r} is in the account 999988887777; a composite alarm watches "
        "only alarms of its own Region and account, so it must be in this stack's account, "
        "111122223333"
    )


def test_anomaly_alarm_given_a_comparison_points_at_the_comparison() -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as caught:
        AnomalyAlarm(stack, "A", metric=_cpu(), comparison=">")  # type: ignore[call-arg]
    assert str(caught.value).startswith(
        "Test/A.comparison: is not an option of an anomaly alarm; an anomaly alarm compares "
        "with its band: use direction (above, below, both) and band; use one of "
        "evaluation_periods, "
    )


# ------------------------------------------------------------ noise control


def test_a_paging_composite_quiets_its_grandchildren_too() -> None:
    config = Blueprint.from_dict(
        {
            "name": "shop",
            "stage": "dev",
            "notifications": [{"name": "ops"}],
            "default_actions": {"alarm": [{"topic": "ops"}]},
            "alarms": [
                {
                    "name": "cpu",
                    "metric": {"namespace": "AWS/EC2", "name": "CPUUtilization"},
                    "threshold": 90,
                    "comparison": ">",
                },
                # A silent aggregate between them, as checkout-degraded in examples/full.yaml.
                {"name": "host", "type": "composite", "rule": "ALARM(cpu)", "actions": {}},
                {"name": "service", "type": "composite", "rule": "ALARM(host)"},
            ],
        }
    )
    _, stack = new_stack()
    ObservabilityBlueprint(stack, "Blueprint", config=config)
    template = Template.from_stack(stack)
    by_name = {
        props["AlarmName"]: props
        for kind in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
        for props in properties(template, kind)
    }
    assert "AlarmActions" in by_name["shop-dev-service"]
    assert "AlarmActions" not in by_name["shop-dev-host"]  # a child
    assert "AlarmActions" not in by_name["shop-dev-cpu"]  # a grandchild
