"""Settings several constructs share: one home, one validation pass, one message."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from observability_blueprint import (
    ActionSet,
    ActionSpec,
    AlarmRuleError,
    AnomalyAlarm,
    Blueprint,
    BlueprintError,
    FilterPatternError,
    RuleCompositeAlarm,
    StaticAlarm,
)
from observability_blueprint.rules import alarm_rules, filter_patterns
from observability_blueprint.rules.text_syntax import TextSyntaxError
from support import new_stack

METRIC = cloudwatch.Metric(
    namespace="Shop", metric_name="Errors", statistic="Sum", period=Duration.minutes(5)
)
DOCUMENT_RULE = (
    "is not an SSM document name; use 3 to 128 letters, digits, '_', '-' and '.' "
    "(the name, such as AWS-RestartEC2Instance, not an ARN)"
)


def test_static_alarm_reports_every_bad_value_at_once() -> None:
    """A bad comparison no longer hides a bad datapoints_to_alarm or missing-data policy."""
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as caught:
        StaticAlarm(
            stack,
            "A",
            metric=METRIC,
            threshold=1,
            comparison="=>",
            evaluation_periods=2,
            datapoints_to_alarm=3,
            treat_missing_data="notbreaching",  # type: ignore[typeddict-item]
        )
    assert str(caught.value).splitlines() == [
        "Test/A.comparison: '=>' is not a comparison; use one of >, >=, <, <=",
        "Test/A.treat_missing_data: 'notbreaching' is not a missing-data policy; use one of "
        "breaching, notBreaching, ignore, missing",
        "Test/A.datapoints_to_alarm: 3 must be between 1 and evaluation_periods (2)",
    ]


def test_anomaly_alarm_refuses_a_bad_missing_data_policy_with_a_message() -> None:
    """It raised a bare KeyError before."""
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as caught:
        AnomalyAlarm(
            stack,
            "A",
            metric=METRIC,
            direction="up",
            treat_missing_data="notbreaching",  # type: ignore[typeddict-item]
        )
    assert str(caught.value).splitlines() == [
        "Test/A.direction: 'up' is not a direction; an anomaly alarm compares with its band: "
        "use one of above, below, both",
        "Test/A.treat_missing_data: 'notbreaching' is not a missing-data policy; use one of "
        "breaching, notBreaching, ignore, missing",
    ]


def test_an_unknown_alarm_option_is_refused() -> None:
    """Keyword options are checked at run time too, not only by a type checker."""
    _, stack = new_stack()
    options: dict[str, Any] = {"evaluation_period": 3}
    with pytest.raises(BlueprintError, match=r"^Test/A\.evaluation_period: is not an option"):
        StaticAlarm(stack, "A", metric=METRIC, threshold=1, comparison=">", **options)


def test_alarm_options_reach_the_template() -> None:
    _, stack = new_stack()
    StaticAlarm(
        stack,
        "A",
        metric=METRIC,
        threshold=5,
        comparison=">=",
        evaluation_periods=3,
        datapoints_to_alarm=2,
        treat_missing_data="notBreaching",
        alarm_name="shop-errors",
        description="Errors",
        runbook_url="https://wiki.example.com/errors",
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": "shop-errors",
            "AlarmDescription": "Errors\nRunbook: https://wiki.example.com/errors",
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "EvaluationPeriods": 3,
            "DatapointsToAlarm": 2,
            "TreatMissingData": "notBreaching",
            "Threshold": 5,
        },
    )


def test_composite_suppressor_periods_are_durations_of_at_least_a_minute() -> None:
    _, stack = new_stack()
    child = StaticAlarm(stack, "Child", metric=METRIC, threshold=1, comparison=">")
    with pytest.raises(BlueprintError) as caught:
        RuleCompositeAlarm(
            stack,
            "C",
            rule="ALARM(child)",
            alarms={"child": child.alarm},
            suppressor=child.alarm,
            suppressor_wait_period=Duration.seconds(30),
        )
    assert str(caught.value) == "Test/C.suppressor_wait_period: 30 s is under the least, 60 s"


# ---------------------------------------------------------- one SSM document-name rule

FILE: dict[str, Any] = {"name": "shop", "stage": "dev"}


def test_alarm_and_event_runbooks_share_the_document_name_rule() -> None:
    """A document given by ARN is refused for alarms as for events (both build the ARN)."""
    arn = "arn:aws:ssm:eu-west-1:111122223333:document/Restart"
    data = {
        **FILE,
        "log_groups": [{"name": "api", "structured_logs": {}}],
        "alarms": [
            {
                "name": "errors",
                "metric": {"namespace": "Shop", "name": "Errors"},
                "threshold": 1,
                "comparison": ">",
                "actions": {"alarm": [{"runbook": {"document": arn}}]},
            }
        ],
        "events": {
            "schedules": [
                {"name": "nightly", "schedule": "rate(1 day)", "runbook": {"document": arn}}
            ]
        },
    }
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict(data)
    found = [str(p) for p in caught.value.problems if DOCUMENT_RULE in str(p)]
    assert found == [
        f"alarms[0].actions.alarm[0].runbook.document: {arn!r} {DOCUMENT_RULE}",
        f"events.schedules[0].runbook.document: {arn!r} {DOCUMENT_RULE}",
    ]


def test_the_python_api_refuses_the_same_document_name() -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as caught:
        StaticAlarm(
            stack,
            "A",
            metric=METRIC,
            threshold=1,
            comparison=">",
            actions=ActionSet(alarm=(ActionSpec(runbook="Restart/Instance"),)),
        )
    assert str(caught.value) == (
        f"Test/A.actions.alarm[0].runbook: 'Restart/Instance' {DOCUMENT_RULE}"
    )


# ------------------------------------------------------- one located syntax error


@pytest.mark.parametrize(
    ("parse", "text", "kind", "alias"),
    [
        (filter_patterns.parse, '{ $.level "ERROR" }', FilterPatternError, "pattern"),
        (alarm_rules.parse, "ALARM(CPUHigh", AlarmRuleError, "rule"),
    ],
)
def test_filter_patterns_and_alarm_rules_raise_one_kind_of_error(
    parse: Any, text: str, kind: type[TextSyntaxError], alias: str
) -> None:
    with pytest.raises(kind) as caught:
        parse(text)
    error = caught.value
    assert isinstance(error, TextSyntaxError)
    assert getattr(error, alias) == error.text == text
    assert str(error).splitlines()[1:] == [f"  {text}", "  " + " " * error.position + "^"]
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is kind
    assert (copy.text, copy.position, copy.reason, copy.expected) == (
        error.text,
        error.position,
        error.reason,
        error.expected,
    )


def test_the_files_structured_log_fields_mirror_the_pure_ones() -> None:
    """The config model restates the field list for the JSON Schema; it cannot drift."""
    from dataclasses import asdict

    from observability_blueprint import StructuredLogFields
    from observability_blueprint.config.blueprint import StructuredLogFieldNames

    assert StructuredLogFieldNames().model_dump() == asdict(StructuredLogFields())


def test_alarm_runbook_checks_its_state_and_document() -> None:
    from observability_blueprint import AlarmRunbook

    _, stack = new_stack()
    alarm = StaticAlarm(stack, "A", metric=METRIC, threshold=1, comparison=">")
    with pytest.raises(BlueprintError) as caught:
        AlarmRunbook(
            stack,
            "R",
            alarm=alarm,
            state="alarm",  # type: ignore[arg-type]
            document="arn:aws:ssm:eu-west-1:111122223333:document/Restart",
        )
    assert str(caught.value).splitlines() == [
        "Test/R.state: 'alarm' is not an alarm state; use one of ALARM, OK, INSUFFICIENT_DATA",
        "Test/R.document: 'arn:aws:ssm:eu-west-1:111122223333:document/Restart' " + DOCUMENT_RULE,
    ]


# ------------------------------------------------------------ one LogStorage


def test_log_storage_is_checked_once_with_the_constructs_own_arguments() -> None:
    """A flow log's bad retention, nameless key-encrypted log group and bad VPC id: one pass."""
    from observability_blueprint import BlueprintKey, VpcFlowLogs

    _, stack = new_stack()
    with pytest.raises(BlueprintError) as caught:
        VpcFlowLogs(
            stack,
            "Flow",
            vpc_ids=["vpc-12345"],
            retention_days=42,
            encryption_key=BlueprintKey(stack, "Key"),
        )
    locations = [p.location for p in caught.value.problems]
    assert locations == [
        "Test/Flow.vpc_ids[0]",
        "Test/Flow.retention_days",
        "Test/Flow.log_group_name",
    ]
    assert caught.value.problems[2].message.startswith(
        "a log group encrypted with a BlueprintKey needs a literal name"
    )


def test_an_unknown_storage_argument_is_refused() -> None:
    from observability_blueprint import ManagedLogGroup

    _, stack = new_stack()
    options: dict[str, Any] = {"retention": 30}
    with pytest.raises(BlueprintError) as caught:
        ManagedLogGroup(stack, "Logs", **options)
    assert str(caught.value) == (
        "Test/Logs.retention: is not an argument here; log storage takes retention_days, "
        "encryption_key, removal_policy"
    )


def test_each_construct_keeps_its_own_retention_default() -> None:
    from observability_blueprint import EcsContainerInsights, ManagedLogGroup

    _, stack = new_stack()
    ManagedLogGroup(stack, "Logs", log_group_name="/shop/api")
    EcsContainerInsights(stack, "Ecs", cluster="shop")
    days = {
        p["LogGroupName"]: p["RetentionInDays"]
        for p in Template.from_stack(stack).find_resources("AWS::Logs::LogGroup").values()
        for p in [p["Properties"]]
    }
    assert days == {"/shop/api": 365, "/aws/ecs/containerinsights/shop/performance": 30}


def test_alarms_a_construct_makes_are_checked_with_it() -> None:
    """The flow log's SSH/RDP alarm and the CIS pack's actions: one pass, their own paths."""
    from observability_blueprint import (
        CisAlarmPack,
        ManagedLogGroup,
        RejectedRemoteAccessAlarm,
        VpcFlowLogs,
    )

    _, stack = new_stack()
    with pytest.raises(BlueprintError) as caught:
        VpcFlowLogs(
            stack,
            "Flow",
            vpc_ids=["vpc-0123456789abcdef0"],
            retention_days=42,
            rejected_remote_access_alarm=RejectedRemoteAccessAlarm(evaluation_periods=0),
        )
    assert [p.location for p in caught.value.problems] == [
        "Test/Flow.retention_days",
        "Test/Flow.rejected_remote_access_alarm.evaluation_periods",
    ]
    trail_logs = ManagedLogGroup(stack, "TrailLogs", log_group_name="/shop/cloudtrail")
    with pytest.raises(BlueprintError) as caught:
        CisAlarmPack(
            stack,
            "Cis",
            log_group=trail_logs,
            namespace="Bad:Namespace",
            actions=ActionSet(alarm=(ActionSpec(topic="nope"),)),
        )
    assert [p.location for p in caught.value.problems] == [
        "Test/Cis.namespace",
        "Test/Cis.actions.alarm[0].topic",
    ]


def test_anomaly_alarm_checks_what_the_file_checks() -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as caught:
        AnomalyAlarm(
            stack,
            "A",
            metric=METRIC,
            excluded_periods=[("2026-12-25T00:00:00", "2026-12-24T00:00:00"), ("today", "x")],
            timezone="Mars/Olympus",
        )
    assert str(caught.value).splitlines() == [
        "Test/A.excluded_periods[0]: the range ends (2026-12-24T00:00:00) before it starts "
        "(2026-12-25T00:00:00)",
        "Test/A.excluded_periods[1]: 'today' to 'x': use the form 2026-12-24T00:00:00",
        "Test/A.timezone: 'Mars/Olympus' is not an IANA time zone; use a name such as "
        "Europe/Berlin or UTC",
    ]


def test_a_statistic_cloudwatch_refuses_is_refused() -> None:
    _, stack = new_stack()
    metric = cloudwatch.Metric(namespace="Shop", metric_name="Errors", statistic="p101")
    with pytest.raises(BlueprintError, match=r"^Test/A\.metric: 'p101' is not a statistic; "):
        StaticAlarm(stack, "A", metric=metric, threshold=1, comparison=">")


# ------------------------------------------------------- values AWS refuses


@pytest.mark.parametrize(
    ("metric", "location", "message"),
    [
        (
            {"namespace": "Shop", "name": "Errors", "dimensions": {"Stra\u00dfe": "a"}},
            "alarms[0].metric",
            "'Straße' is not a dimension name; use printable ASCII with at least one character "
            "that is not a space, not starting with ':'",
        ),
        (
            {"namespace": "Shop", "name": "Errors", "dimensions": {"Service": "x" * 256}},
            "alarms[0].metric",
            f"'{'x' * 57}...' is 256 characters; a dimension value is 1 to 255",
        ),
        (
            {"namespace": "Shop", "name": "E" * 256},
            "alarms[0].metric",
            f"'{'E' * 57}...' is 256 characters; a metric name is 1 to 255",
        ),
    ],
)
def test_alarm_metric_names_and_dimensions_are_what_cloudwatch_takes(
    metric: dict[str, Any], location: str, message: str
) -> None:
    data = {
        **FILE,
        "alarms": [{"name": "a", "metric": metric, "threshold": 1, "comparison": ">"}],
    }
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict(data)
    assert [str(p) for p in caught.value.problems] == [f"{location}: {message}"]


def test_a_log_group_name_may_not_start_with_aws() -> None:
    from observability_blueprint import ManagedLogGroup

    _, stack = new_stack()
    with pytest.raises(BlueprintError) as caught:
        ManagedLogGroup(stack, "Logs", log_group_name="aws/shop")
    assert str(caught.value) == (
        "Test/Logs.log_group_name: 'aws/shop' starts with aws/, which AWS reserves; use "
        "another prefix"
    )
    ManagedLogGroup(stack, "Lambda", log_group_name="/aws/lambda/shop")  # the service's own


def test_a_rejected_traffic_alarm_on_accepted_traffic_only_is_refused() -> None:
    """It could never fire: the file and the Python API say so alike."""
    from observability_blueprint import RejectedRemoteAccessAlarm, VpcFlowLogs

    rule = (
        "counts rejected connections, but traffic_type ACCEPT records none: the alarm could "
        "never fire; use traffic_type ALL or REJECT, or remove the alarm"
    )
    data = {
        **FILE,
        "flow_logs": [
            {
                "name": "main",
                "vpc_ids": ["vpc-0123456789abcdef0"],
                "traffic_type": "ACCEPT",
                "rejected_ssh_rdp_alarm": {},
            }
        ],
    }
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict(data)
    assert [str(p) for p in caught.value.problems] == [
        f"flow_logs[0].rejected_ssh_rdp_alarm: {rule}"
    ]
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as caught:
        VpcFlowLogs(
            stack,
            "Flow",
            vpc_ids=["vpc-0123456789abcdef0"],
            traffic_type="ACCEPT",
            rejected_remote_access_alarm=RejectedRemoteAccessAlarm(),
        )
    assert str(caught.value) == f"Test/Flow.rejected_remote_access_alarm: {rule}"


def test_a_rule_on_global_and_regional_sources_is_refused() -> None:
    """IAM events reach us-east-1 only, EC2's their own Region: no one rule sees both."""
    from observability_blueprint import EventAlert, EventDelivery

    rule = (
        "names aws.iam, whose events reach EventBridge only in us-east-1, with aws.ec2, whose "
        "events arrive in their own Region: no one rule sees both; split it into two rules"
    )
    data = {
        **FILE,
        "notifications": [{"name": "ops", "subscribers": [{"email": "ops@example.com"}]}],
        "events": {
            "delivery": {"alarm_topic": "ops"},
            "alerts": [
                {"name": "mixed", "pattern": {"source": ["aws.iam", "aws.ec2"]}, "topics": ["ops"]}
            ],
        },
    }
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict(data)
    assert [str(p) for p in caught.value.problems] == [f"events.alerts[0].pattern.source: {rule}"]
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as caught:
        EventAlert(
            stack,
            "Alert",
            pattern={"source": ["aws.iam", "aws.ec2"]},
            topics=[sns.Topic(stack, "Ops")],
            delivery=EventDelivery(stack, "Delivery"),
        )
    assert str(caught.value) == f"Test/Alert.pattern.source: {rule}"
