"""OBS-AlarmActionForms: the action forms PutMetricAlarm, PutCompositeAlarm and PutLogAlarm list."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from deploy_support import HOME, Synthesized, synthesize

from observability_blueprint.deploy_rules import StackTemplate
from observability_blueprint.deploy_rules.alarm_action_forms import action_form, check
from observability_blueprint.rules.alarm_settings import ACCEPTED_ACTIONS

RULE = "OBS-AlarmActionForms"
OPSITEM = "arn:aws:ssm:eu-west-1:111122223333:opsitem:2"
OPSITEM_CATEGORY = "arn:aws:ssm:eu-west-1:111122223333:opsitem:1#CATEGORY=Availability"
PLAN = "arn:aws:ssm-incidents::111122223333:responseplan/payments-critical"
STOP = "arn:aws:automate:eu-west-1:ec2:stop"
SCALE = (
    "arn:aws:autoscaling:eu-west-1:111122223333:scalingPolicy:1234-abcd:"
    "autoScalingGroupName/web:policyName/out"
)
FUNCTION = "arn:aws:lambda:eu-west-1:111122223333:function:pager:live"
INVESTIGATION = "arn:aws:aiops:eu-west-1:111122223333:investigation-group:ig-1"
QUEUE = "arn:aws:sqs:eu-west-1:111122223333:alerts"
# What the rule says is allowed: the forms PutMetricAlarm and PutCompositeAlarm list,
# as the API references write them.
TOPIC = "topic (arn:aws:sns:REGION:ACCOUNT:NAME)"
LAMBDA = "lambda (arn:aws:lambda:REGION:ACCOUNT:function:NAME, with :VERSION or :ALIAS if wanted)"
EC2 = "ec2 (arn:aws:automate:REGION:ec2:stop, terminate, reboot or recover)"
COMPOSITE_ON_ALARM = (
    f"allowed: {TOPIC}; {LAMBDA}; opsitem (arn:aws:ssm:REGION:ACCOUNT:opsitem:SEVERITY, without "
    "#CATEGORY=); incident (arn:aws:ssm-incidents::ACCOUNT:responseplan/NAME); investigation "
    "(arn:aws:aiops:REGION:ACCOUNT:investigation-group:ID)"
)


def _metric_alarm(stack: Stack, id: str, **actions: list[str]) -> None:
    cloudwatch.CfnAlarm(
        stack,
        id,
        comparison_operator="GreaterThanThreshold",
        evaluation_periods=1,
        metric_name="Errors",
        namespace="Shop",
        period=60,
        statistic="Sum",
        threshold=1,
        **actions,
    )


def _anomaly_alarm(stack: Stack, id: str, **actions: list[str]) -> None:
    metric = cloudwatch.CfnAlarm.MetricStatProperty(
        metric=cloudwatch.CfnAlarm.MetricProperty(metric_name="Latency", namespace="Shop"),
        period=60,
        stat="p90",
    )
    cloudwatch.CfnAlarm(
        stack,
        id,
        comparison_operator="GreaterThanUpperThreshold",
        evaluation_periods=1,
        threshold_metric_id="band",
        metrics=[
            cloudwatch.CfnAlarm.MetricDataQueryProperty(id="m1", metric_stat=metric),
            cloudwatch.CfnAlarm.MetricDataQueryProperty(
                id="band", expression="ANOMALY_DETECTION_BAND(m1, 2)"
            ),
        ],
        **actions,
    )


def _composite(stack: Stack, id: str, **actions: list[str]) -> None:
    cloudwatch.CfnCompositeAlarm(stack, id, alarm_rule="ALARM(a)", **actions)


def _log_alarm(
    stack: Stack,
    id: str,
    *,
    alarm_actions: list[str],
    ok_actions: list[str],
    insufficient_data_actions: list[str] | None = None,
) -> None:
    cloudwatch.CfnLogAlarm(
        stack,
        id,
        comparison_operator="GreaterThanThreshold",
        threshold=10,
        query_results_to_evaluate=1,
        query_results_to_alarm=1,
        scheduled_query_configuration=cloudwatch.CfnLogAlarm.ScheduledQueryConfigurationProperty(
            query_string="filter event = 'PaymentFailed'",
            aggregation_expression="count_distinct(user_id)",
            log_group_identifiers=["/shop/dev/api"],
            scheduled_query_role_arn="arn:aws:iam::111122223333:role/log-alarm-query",
            schedule_configuration=cloudwatch.CfnLogAlarm.ScheduleConfigurationProperty(
                schedule_expression="rate(5 minutes)",
                start_time_offset=900,
            ),
        ),
        alarm_actions=alarm_actions,
        ok_actions=ok_actions,
        insufficient_data_actions=insufficient_data_actions,
    )


def _app(make_app: Callable[[], App]) -> tuple[App, Stack]:
    app = make_app()
    stack = Stack(app, "Alarms", env=HOME)
    topic = sns.Topic(stack, "Topic")
    everything = [topic.topic_arn, STOP, SCALE, FUNCTION, OPSITEM_CATEGORY, PLAN, INVESTIGATION]
    _metric_alarm(
        stack,
        "MetricGood",
        alarm_actions=everything,
        ok_actions=[topic.topic_arn, SCALE],
        insufficient_data_actions=[STOP],
    )
    _composite(
        stack,
        "CompositeGood",
        alarm_actions=[topic.topic_arn, FUNCTION, OPSITEM, PLAN, INVESTIGATION],
        ok_actions=[topic.topic_arn, FUNCTION],
    )
    _composite(stack, "CompositeBad", alarm_actions=[OPSITEM_CATEGORY, STOP], ok_actions=[OPSITEM])
    _metric_alarm(stack, "MetricBad", alarm_actions=[QUEUE], ok_actions=[INVESTIGATION, OPSITEM])
    _anomaly_alarm(stack, "AnomalyBad", alarm_actions=[topic.topic_arn, SCALE])
    return app, stack


@pytest.fixture(scope="module")
def result(make_app: Callable[[], App]) -> Synthesized:
    app, _ = _app(make_app)
    return synthesize(app)


def _found(result: Synthesized) -> dict[str, str]:
    return {f.description.split(": ", 1)[0]: f.description for f in result.of(RULE)}


def test_every_form_the_api_lists_passes(result: Synthesized) -> None:
    assert result.error is not None  # the bad alarms below
    assert not [f for f in result.of(RULE) if "Good" in f.path]
    assert len(result.findings) == 7


def test_a_composite_alarm_takes_no_category_and_no_ec2_action(result: Synthesized) -> None:
    found = _found(result)

    category = found["Alarms/CompositeBad (CompositeBad) Properties/AlarmActions/0"]
    assert (
        f"'{OPSITEM_CATEGORY}' names an OpsItem category, which a composite alarm does not take"
    ) in category
    assert category.endswith(COMPOSITE_ON_ALARM)
    stop = found["Alarms/CompositeBad (CompositeBad) Properties/AlarmActions/1"]
    assert f"'{STOP}' is an EC2 action, which a composite alarm does not take on ALARM" in stop
    ok = found["Alarms/CompositeBad (CompositeBad) Properties/OKActions/0"]
    assert (
        f"'{OPSITEM}' is a Systems Manager OpsItem action, which a composite alarm does not "
        f"take on OK; allowed: {TOPIC}; {LAMBDA}"
    ) in ok


def test_a_metric_alarm_takes_no_queue_and_no_alarm_only_action_on_ok(
    result: Synthesized,
) -> None:
    found = _found(result)

    queue = found["Alarms/MetricBad (MetricBad) Properties/AlarmActions/0"]
    assert (
        f"'{QUEUE}' is an SQS queue ARN, which is not an alarm action; allowed: {TOPIC}; {LAMBDA}"
    ) in queue
    investigation = found["Alarms/MetricBad (MetricBad) Properties/OKActions/0"]
    assert (
        "is a CloudWatch investigation group, which a metric alarm does not take on OK"
    ) in investigation
    opsitem = found["Alarms/MetricBad (MetricBad) Properties/OKActions/1"]
    assert (
        f"'{OPSITEM}' is a Systems Manager OpsItem action, which a metric alarm does not take on OK"
    ) in opsitem


def test_an_anomaly_alarm_takes_no_scaling_policy(result: Synthesized) -> None:
    found = _found(result)

    scaling = found["Alarms/AnomalyBad (AnomalyBad) Properties/AlarmActions/1"]
    assert (
        f"'{SCALE}' is an Auto Scaling policy, which an anomaly detection alarm does not take "
        f"on ALARM; allowed: {TOPIC}; {LAMBDA}; {EC2}; opsitem"
    ) in scaling


def test_a_log_alarm_is_held_to_what_put_log_alarm_lists(make_app: Callable[[], App]) -> None:
    # PutLogAlarm lists SNS and Lambda in every state and, on ALARM, an OpsItem
    # without #CATEGORY= (rules.alarm_settings.ACCEPTED_ACTIONS["log"]).
    app = make_app()
    stack = Stack(app, "LogAlarms", env=HOME)
    topic = sns.Topic(stack, "Topic")
    _log_alarm(
        stack,
        "LogGood",
        alarm_actions=[topic.topic_arn, FUNCTION, OPSITEM],
        ok_actions=[topic.topic_arn, FUNCTION],
        insufficient_data_actions=[FUNCTION],
    )
    _log_alarm(
        stack,
        "LogBad",
        alarm_actions=[STOP, OPSITEM_CATEGORY, PLAN],
        ok_actions=[OPSITEM],
    )

    result = synthesize(app)

    found = _found(result)
    assert sorted(found) == [
        f"LogAlarms/LogBad (LogBad) Properties/AlarmActions/{index}" for index in range(3)
    ] + ["LogAlarms/LogBad (LogBad) Properties/OKActions/0"]
    log_on_alarm = (
        f"allowed: {TOPIC}; {LAMBDA}; opsitem (arn:aws:ssm:REGION:ACCOUNT:opsitem:SEVERITY, "
        "without #CATEGORY=)"
    )
    stop = found["LogAlarms/LogBad (LogBad) Properties/AlarmActions/0"]
    assert f"'{STOP}' is an EC2 action, which a log alarm does not take on ALARM" in stop
    assert stop.endswith(log_on_alarm)
    category = found["LogAlarms/LogBad (LogBad) Properties/AlarmActions/1"]
    assert (
        f"'{OPSITEM_CATEGORY}' names an OpsItem category, which a log alarm does not take"
    ) in category
    plan = found["LogAlarms/LogBad (LogBad) Properties/AlarmActions/2"]
    assert (
        f"'{PLAN}' is an Incident Manager response plan, which a log alarm does not take on ALARM"
    ) in plan
    ok = found["LogAlarms/LogBad (LogBad) Properties/OKActions/0"]
    assert (
        f"'{OPSITEM}' is a Systems Manager OpsItem action, which a log alarm does not take on "
        f"OK; allowed: {TOPIC}; {LAMBDA}"
    ) in ok


def test_an_acknowledged_finding_passes(make_app: Callable[[], App]) -> None:
    app, stack = _app(make_app)
    Validations.of(stack).acknowledge(
        Acknowledgment(id=f"ObservabilityBlueprint::{RULE}", reason="test: checked with AWS")
    )

    result = synthesize(app)

    assert result.error is None
    assert len(result.acknowledged) == 7


# ------------------------------------------------- the rule on a template, offline


def _alarms(*alarms: tuple[str, str, dict[str, list[str]]]) -> StackTemplate:
    """A template of alarms: (logical id, kind, actions by state property)."""
    resources: dict[str, object] = {}
    for logical_id, kind, actions in alarms:
        if kind == "composite":
            resources[logical_id] = {
                "Type": "AWS::CloudWatch::CompositeAlarm",
                "Properties": {"AlarmRule": "ALARM(a)", **actions},
            }
        elif kind == "log":
            resources[logical_id] = {
                "Type": "AWS::CloudWatch::LogAlarm",
                "Properties": {"ComparisonOperator": "GreaterThanThreshold", **actions},
            }
        else:
            band = {"ThresholdMetricId": "band"} if kind == "anomaly" else {}
            resources[logical_id] = {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {"ComparisonOperator": "GreaterThanThreshold", **band, **actions},
            }
    return StackTemplate("T", {"Resources": resources}, region="eu-west-1", account="111122223333")


def _problems(template: StackTemplate) -> list[str]:
    return [
        f"{f.location}: {f.value} {f.problem}"
        for resource in template.resources()
        for f in check(resource, template)
    ]


def test_a_composite_alarm_takes_an_incident_manager_response_plan() -> None:
    # PutCompositeAlarm's description adds Incident Manager incidents to what a
    # composite alarm starts on ALARM (rules/alarm_settings.py, ACCEPTED_ACTIONS);
    # the pack once refused them.
    template = _alarms(("Composite", "composite", {"AlarmActions": [PLAN]}))

    assert _problems(template) == []


def test_a_composite_alarm_takes_no_response_plan_on_ok() -> None:
    template = _alarms(("Composite", "composite", {"OKActions": [PLAN]}))

    assert _problems(template) == [
        f"Properties/OKActions/0: {PLAN} is an Incident Manager response plan, which a composite "
        "alarm does not take on OK"
    ]


def test_a_metric_alarm_takes_no_opsitem_on_ok() -> None:
    # Systems Manager actions run "only when the alarm goes into ALARM state"
    # (CloudWatch user guide, alarm actions); the pack once accepted them on OK.
    template = _alarms(
        ("Metric", "static", {"OKActions": [OPSITEM, OPSITEM_CATEGORY]}),
        ("Anomaly", "anomaly", {"InsufficientDataActions": [OPSITEM]}),
    )

    assert _problems(template) == [
        f"Properties/OKActions/0: {OPSITEM} is a Systems Manager OpsItem action, which a metric "
        "alarm does not take on OK",
        f"Properties/OKActions/1: {OPSITEM_CATEGORY} is a Systems Manager OpsItem action, which "
        "a metric alarm does not take on OK",
        f"Properties/InsufficientDataActions/0: {OPSITEM} is a Systems Manager OpsItem action, "
        "which an anomaly detection alarm does not take on INSUFFICIENT_DATA",
    ]


@pytest.mark.parametrize("kind", ["static", "anomaly", "composite", "log"])
@pytest.mark.parametrize("state", ["AlarmActions", "OKActions", "InsufficientDataActions"])
def test_the_rule_follows_the_blueprints_table(kind: str, state: str) -> None:
    one_of_each = {
        "topic": "arn:aws:sns:eu-west-1:111122223333:ops",
        "lambda": FUNCTION,
        "ec2": STOP,
        "autoscaling": SCALE,
        "opsitem": OPSITEM,
        "incident": PLAN,
        "investigation": INVESTIGATION,
    }
    template = _alarms(("A", kind, {state: list(one_of_each.values())}))
    state_name = {"AlarmActions": "alarm", "OKActions": "ok"}.get(state, "insufficient_data")

    refused = {p.split(" ", 2)[1] for p in _problems(template)}

    accepted = ACCEPTED_ACTIONS[kind][state_name]  # type: ignore[index]
    assert refused == {arn for action, arn in one_of_each.items() if action not in accepted}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "arn:aws:ssm:eu-west-1:111122223333:opsitem:5",
            "is not a Systems Manager OpsItem action ARN: use arn:aws:ssm:REGION:ACCOUNT:opsitem:"
            "SEVERITY (1 to 4), with #CATEGORY=CATEGORY if wanted",
        ),
        (
            "arn:aws:ssm:eu-west-1:111122223333:opsitem:1#CATEGORY=Fun",
            "is not a Systems Manager OpsItem action ARN: use arn:aws:ssm:REGION:ACCOUNT:opsitem:"
            "SEVERITY (1 to 4), with #CATEGORY=CATEGORY if wanted",
        ),
        (
            "arn:aws:automate:eu-west-1:ec2:hibernate",
            "is not an EC2 action ARN: use arn:aws:automate:REGION:ec2:stop, terminate, reboot "
            "or recover",
        ),
        (
            "not an arn",
            "is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE), so not an alarm action",
        ),
        (
            "arn:aws-cn:sns:cn-north-1:111122223333:ops",
            "is in the partition aws-cn, this stack in aws: nothing in AWS reaches across "
            "partitions; use an ARN that starts arn:aws:",
        ),
    ],
)
def test_a_malformed_action_says_what_is_wrong(text: str, problem: str) -> None:
    template = _alarms(("Metric", "static", {"AlarmActions": [text]}))

    assert _problems(template) == [f"Properties/AlarmActions/0: {text} {problem}"]


def test_placeholders_are_not_judged() -> None:
    template = _alarms(
        (
            "Metric",
            "static",
            {
                "AlarmActions": [
                    "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${TopicName}",
                    "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${F}",
                    "arn:aws:${?}:eu-west-1:111122223333:${?}",
                    "${Parameter}",
                ]
            },
        )
    )

    assert _problems(template) == []


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("${Topic}", "topic"),
        ("${Function.Arn}", "lambda"),
        ("${Parameter}", None),  # not a resource of the template: unknown
        ("arn:${AWS::Partition}:automate:${AWS::Region}:ec2:reboot", "ec2"),
        ("arn:aws:swf:eu-west-1:111122223333:action/actions/AWS_EC2.InstanceId.Stop/1.0", "ec2"),
        # The kind is read from the service and type; the id is checked apart (above).
        ("arn:aws:ssm:eu-west-1:111122223333:opsitem:5", "opsitem"),
        ("arn:aws:ssm-incidents::111122223333:responseplan/critical", "incident"),
        ("arn:aws:sqs:eu-west-1:111122223333:alerts", ""),
        ("arn:${AWS::Partition}:${?}:eu-west-1:111122223333:x", None),
        ("${?}", None),
        ("not an arn", ""),
    ],
)
def test_action_forms_are_read_from_arns_and_references(text: str, form: str | None) -> None:
    template = StackTemplate(
        "T",
        {
            "Resources": {
                "Topic": {"Type": "AWS::SNS::Topic"},
                "Function": {"Type": "AWS::Lambda::Function"},
            }
        },
    )
    assert action_form(text, template) == form
