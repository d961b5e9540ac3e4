"""Log alarms, scheduled queries and log anomaly detection as constructs (logs/)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Duration, Environment, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from observability_blueprint import add_compliance_checks
from observability_blueprint.alarms import RuleCompositeAlarm
from observability_blueprint.logs import ManagedLogGroup
from observability_blueprint.logs.anomaly_detection import LogAnomalyDetection
from observability_blueprint.logs.log_alarm import LogInsightsAlarm
from observability_blueprint.logs.scheduled_query import ScheduledLogQuery
from observability_blueprint.rules.alarm_settings import ActionSet, ActionSpec
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.security import BlueprintKey
from support import assert_compliant, new_app, new_stack, resources

ENV = Environment(account="111122223333", region="eu-west-1")
TOPIC = "arn:aws:sns:eu-west-1:111122223333:shop-dev-pager"
FUNCTION = "arn:aws:lambda:eu-west-1:111122223333:function:chat-notifier"
PAYMENTS_QUERY = 'filter event = "PaymentFailed" | stats count_distinct(user) as users'


@dataclass
class Built:
    outdir: Path
    nag_error: str | None
    template: dict[str, Any]

    def of_type(self, resource_type: str) -> dict[str, Any]:
        return {
            key: value
            for key, value in self.template["Resources"].items()
            if value["Type"] == resource_type
        }

    def one(self, resource_type: str) -> tuple[str, dict[str, Any]]:
        [(key, value)] = self.of_type(resource_type).items()
        return key, value

    def logical_id(self, path: str) -> str:
        """The logical id of the resource at ``path`` (its path without separators)."""
        keys: list[str] = list(self.template["Resources"])
        [key] = [k for k in keys if re.fullmatch(f"{path}[0-9A-F]{{8}}", k)]
        return key


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    outdir = tmp_path_factory.mktemp("log-insights")
    app = new_app(outdir)
    stack = Stack(app, "Test", env=ENV)
    key = BlueprintKey(stack, "Key")
    api = ManagedLogGroup(stack, "Api", log_group_name="/shop/dev/api", encryption_key=key)
    worker = logs.LogGroup.from_log_group_name(stack, "Worker", "/shop/dev/worker")
    pager = sns.Topic.from_topic_arn(stack, "Pager", TOPIC)
    payments = LogInsightsAlarm(
        stack,
        "PaymentFailures",
        query=PAYMENTS_QUERY,
        aggregation="max(users)",
        comparison=">",
        threshold=10,
        log_groups=[api, worker],
        window=Duration.minutes(15),
        results_to_evaluate=3,
        results_to_alarm=2,
        treat_missing_data="notBreaching",
        alarm_name="shop-dev-payment-failures",
        description="More than 10 distinct users saw PaymentFailed in 15 minutes",
        runbook_url="https://wiki.example.com/runbooks/payments",
        actions=ActionSet(
            alarm=(
                ActionSpec(topic="pager"),
                ActionSpec(opsitem_severity=2),
                ActionSpec(lambda_arn=FUNCTION),
                ActionSpec(
                    runbook="AWS-RestartEC2Instance",
                    runbook_parameters={"InstanceId": ["i-0123456789abcdef0"]},
                ),
            ),
            ok=(pager,),
        ),
        named_topics={"pager": pager},
        log_lines=5,
        warm_up=Duration.minutes(30),
        encryption_key=key,
    )
    RuleCompositeAlarm(
        stack,
        "Checkout",
        rule="ALARM(payments)",
        alarms={"payments": payments},
        alarm_name="shop-dev-checkout",
        actions=ActionSet(alarm=(pager,)),
    )
    ScheduledLogQuery(
        stack,
        "DailyErrors",
        query="filter level = 'ERROR' | stats count(*) by service",
        log_groups=[api],
        schedule="cron(0 6 ? * MON-FRI *)",
        window=Duration.days(1),
        bucket=s3.Bucket.from_bucket_name(stack, "Reports", "shop-dev-reports"),
        prefix="reports/daily/",
        name="shop-dev-daily-errors",
        timezone="Europe/Berlin",
        description="Errors by service, every weekday morning",
        encryption_key=key,
    )
    LogAnomalyDetection(
        stack,
        "ApiAnomalies",
        log_group=api,
        evaluation_frequency=Duration.minutes(10),
        visibility=Duration.days(14),
        filter_pattern='{ $.level = "ERROR" }',
        detector_name="shop-dev-api",
        encryption_key=key,
        priority="MEDIUM",
        alarm_name="shop-dev-api-log-anomalies",
        actions=ActionSet(alarm=(pager,)),
    )
    add_compliance_checks(app)
    nag_error = None
    try:
        app.synth()
    except RuntimeError as error:  # cdk-nag findings fail synthesis
        nag_error = str(error)
    template = json.loads((outdir / "Test.template.json").read_text(encoding="utf-8"))
    return Built(outdir, nag_error, template)


# ------------------------------------------------------------------ log alarm


def test_the_log_alarm_runs_its_query_at_a_rate_over_the_window(built: Built) -> None:
    _, alarm = built.one("AWS::CloudWatch::LogAlarm")
    props = alarm["Properties"]
    assert props["ScheduledQueryConfiguration"] == {
        "QueryString": PAYMENTS_QUERY,
        "AggregationExpression": "max(users)",
        "LogGroupIdentifiers": [{"Ref": built.one("AWS::Logs::LogGroup")[0]}, "/shop/dev/worker"],
        "ScheduledQueryRoleARN": {
            "Fn::GetAtt": [built.logical_id("PaymentFailuresQueryRole"), "Arn"]
        },
        # 15 minutes ending 2 minutes before each run, every 5 minutes.
        "ScheduleConfiguration": {
            "ScheduleExpression": "rate(5 minutes)",
            "StartTimeOffset": 1020,
            "EndTimeOffset": 120,
        },
    }
    assert props["AlarmName"] == "shop-dev-payment-failures"
    assert props["AlarmDescription"] == (
        "More than 10 distinct users saw PaymentFailed in 15 minutes\n"
        "Runbook: https://wiki.example.com/runbooks/payments"
    )
    assert props["ComparisonOperator"] == "GreaterThanThreshold"
    assert props["Threshold"] == 10
    assert props["QueryResultsToEvaluate"] == 3
    assert props["QueryResultsToAlarm"] == 2
    assert props["TreatMissingData"] == "notBreaching"
    assert props["WarmUpConfiguration"] == {"WarmUpPeriodDurationInMinutes": 30}
    assert props["ActionLogLineCount"] == 5


def test_the_log_alarm_takes_the_actions_put_log_alarm_lists(built: Built) -> None:
    props = built.one("AWS::CloudWatch::LogAlarm")[1]["Properties"]
    assert props["AlarmActions"] == [
        TOPIC,
        "arn:aws:ssm:eu-west-1:111122223333:opsitem:2",
        FUNCTION,
    ]
    assert props["OKActions"] == [TOPIC]
    assert "InsufficientDataActions" not in props


def test_the_lambda_action_may_be_invoked_by_the_log_alarm(built: Built) -> None:
    alarm_id, _ = built.one("AWS::CloudWatch::LogAlarm")
    [permission] = [
        p["Properties"]
        for p in built.of_type("AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == FUNCTION
    ]
    assert permission == {
        "Action": "lambda:InvokeFunction",
        "FunctionName": FUNCTION,
        "Principal": "lambda.alarms.cloudwatch.amazonaws.com",
        "SourceArn": {"Fn::GetAtt": [alarm_id, "Arn"]},
        "SourceAccount": "111122223333",
    }


def test_a_runbook_starts_on_the_log_alarms_state_change(built: Built) -> None:
    alarm_id, _ = built.one("AWS::CloudWatch::LogAlarm")
    [rule] = [
        r["Properties"]
        for r in built.of_type("AWS::Events::Rule").values()
        if "CloudWatch Alarm State Change" in json.dumps(r["Properties"].get("EventPattern"))
    ]
    assert rule["EventPattern"] == {
        "source": ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        "resources": [{"Fn::GetAtt": [alarm_id, "Arn"]}],
        "detail": {"state": {"value": ["ALARM"]}},
    }


def test_the_query_role_is_assumed_by_cloudwatch_logs_for_this_account(built: Built) -> None:
    role = built.template["Resources"][built.logical_id("PaymentFailuresQueryRole")]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}},
            "Effect": "Allow",
            "Principal": {"Service": "logs.amazonaws.com"},
        }
    ]


def test_the_query_role_may_query_its_log_groups_only(built: Built) -> None:
    policy = built.template["Resources"][built.logical_id("PaymentFailuresQueryRoleDefaultPolicy")]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statements[0] == {
        "Action": [
            "logs:DescribeLogGroups",
            "logs:GetQueryResults",
            "logs:StartQuery",
            "logs:StopQuery",
        ],
        "Effect": "Allow",
        "Resource": [
            "arn:aws:logs:eu-west-1:111122223333:log-group:/shop/dev/worker:*",
            {"Fn::GetAtt": [built.one("AWS::Logs::LogGroup")[0], "Arn"]},
        ],
    }
    # The api log group is encrypted: the query decrypts with its key.
    assert statements[1] == {
        "Action": ["kms:Decrypt", "kms:DescribeKey"],
        "Effect": "Allow",
        "Resource": {"Fn::GetAtt": [built.one("AWS::KMS::Key")[0], "Arn"]},
    }


def test_the_log_lines_role_is_assumed_by_cloudwatch(built: Built) -> None:
    role_id = built.logical_id("PaymentFailuresLogLinesRole")
    alarm = built.one("AWS::CloudWatch::LogAlarm")[1]["Properties"]
    assert alarm["ActionLogLineRoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}
    trust = built.template["Resources"][role_id]["Properties"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert trust["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "111122223333"}
    }
    policy = built.template["Resources"][
        built.logical_id("PaymentFailuresLogLinesRoleDefaultPolicy")
    ]
    assert policy["Properties"]["PolicyDocument"]["Statement"][0]["Action"] == (
        "logs:GetQueryResults"
    )


def test_the_alarm_waits_for_its_query_role(built: Built) -> None:
    alarm = built.one("AWS::CloudWatch::LogAlarm")[1]
    # Its policy, not only the role: a reference to the role already orders those two.
    assert alarm["DependsOn"] == [built.logical_id("PaymentFailuresQueryRoleDefaultPolicy")]


def test_the_log_alarm_joins_the_services_composite_alarm(built: Built) -> None:
    alarm_id, _ = built.one("AWS::CloudWatch::LogAlarm")
    composite = built.one("AWS::CloudWatch::CompositeAlarm")[1]["Properties"]
    assert composite["AlarmRule"] == {
        "Fn::Join": ["", ["ALARM(", {"Fn::GetAtt": [alarm_id, "Arn"]}, ")"]]
    }


# ------------------------------------------------------------ scheduled query


def test_the_scheduled_query_delivers_to_s3_on_a_cron_schedule(built: Built) -> None:
    _, query = built.one("AWS::Logs::ScheduledQuery")
    assert query["Properties"] == {
        "Name": "shop-dev-daily-errors",
        "QueryLanguage": "CWLI",
        "QueryString": "filter level = 'ERROR' | stats count(*) by service",
        "LogGroupIdentifiers": [{"Ref": built.one("AWS::Logs::LogGroup")[0]}],
        "ScheduleExpression": "cron(0 6 ? * MON-FRI *)",
        "Timezone": "Europe/Berlin",
        "StartTimeOffset": 86_400,
        "Description": "Errors by service, every weekday morning",
        "State": "ENABLED",
        "ExecutionRoleArn": {"Fn::GetAtt": [built.logical_id("DailyErrorsExecutionRole"), "Arn"]},
        "DestinationConfiguration": {
            "S3Configuration": {
                "DestinationIdentifier": "s3://shop-dev-reports/reports/daily/",
                "RoleArn": {"Fn::GetAtt": [built.logical_id("DailyErrorsDeliveryRole"), "Arn"]},
            }
        },
    }
    assert sorted(query["DependsOn"]) == [
        built.logical_id("DailyErrorsDeliveryRoleDefaultPolicy"),
        built.logical_id("DailyErrorsExecutionRoleDefaultPolicy"),
    ]


def _role_and_policy(built: Built, prefix: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    roles = built.of_type("AWS::IAM::Role")
    policies = built.of_type("AWS::IAM::Policy")
    [role] = [r for k, r in roles.items() if k.startswith(prefix)]
    [policy] = [p for k, p in policies.items() if k.startswith(prefix)]
    return role["Properties"], policy["Properties"]["PolicyDocument"]["Statement"]


def test_the_execution_role_queries_the_log_groups(built: Built) -> None:
    role, statements = _role_and_policy(built, "DailyErrorsExecutionRole")
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "logs.amazonaws.com"
    }
    assert statements[0]["Resource"] == {"Fn::GetAtt": [built.one("AWS::Logs::LogGroup")[0], "Arn"]}
    assert statements[1]["Action"] == ["kms:Decrypt", "kms:DescribeKey"]


def test_the_delivery_role_writes_under_the_prefix_only(built: Built) -> None:
    role, statements = _role_and_policy(built, "DailyErrorsDeliveryRole")
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "111122223333"}
    }
    assert statements == [
        {
            "Action": "s3:PutObject",
            "Effect": "Allow",
            "Resource": "arn:aws:s3:::shop-dev-reports/reports/daily/*",
        }
    ]


def test_a_bucket_with_its_own_key_lets_the_delivery_role_encrypt() -> None:
    _, stack = new_stack(env=ENV)
    key = kms.Key(stack, "ReportsKey", removal_policy=RemovalPolicy.DESTROY)
    bucket = s3.Bucket(stack, "Reports", encryption_key=key)
    ScheduledLogQuery(
        stack,
        "Weekly",
        query="stats count(*)",
        log_groups=[logs.LogGroup.from_log_group_name(stack, "Api", "/shop/dev/api")],
        schedule="cron(0 6 ? * MON *)",
        window=Duration.days(7),
        bucket=bucket,
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                            "Effect": "Allow",
                            "Resource": {
                                "Fn::GetAtt": [Match.string_like_regexp("^ReportsKey"), "Arn"]
                            },
                        }
                    ]
                )
            },
            "Roles": [{"Ref": Match.string_like_regexp("^WeeklyDeliveryRole")}],
        },
    )
    template.has_resource_properties(
        "AWS::Logs::ScheduledQuery",
        {
            "Name": Match.string_like_regexp("^TestWeekly"),
            "DestinationConfiguration": {
                "S3Configuration": {
                    "DestinationIdentifier": {
                        "Fn::Join": [
                            "",
                            [
                                "s3://",
                                {"Ref": Match.string_like_regexp("^Reports")},
                                "/scheduled-queries/",
                            ],
                        ]
                    },
                    "RoleArn": Match.any_value(),
                }
            },
        },
    )


# ----------------------------------------------------------- anomaly detection


def test_the_detector_watches_the_log_group(built: Built) -> None:
    _, detector = built.one("AWS::Logs::LogAnomalyDetector")
    assert detector["Properties"] == {
        "DetectorName": "shop-dev-api",
        "LogGroupArnList": [
            {
                "Fn::Join": [
                    "",
                    [
                        "arn:aws:logs:eu-west-1:111122223333:log-group:",
                        {"Ref": built.one("AWS::Logs::LogGroup")[0]},
                    ],
                ]
            }
        ],
        "EvaluationFrequency": "TEN_MIN",
        "AnomalyVisibilityTime": 14,
        "FilterPattern": '{ $.level = "ERROR" }',
        "KmsKeyId": {"Fn::GetAtt": [built.one("AWS::KMS::Key")[0], "Arn"]},
    }
    assert "DependsOn" not in detector  # the reference to the log group orders them


def test_the_alarm_counts_the_anomalies_the_detector_reports(built: Built) -> None:
    detector_id, _ = built.one("AWS::Logs::LogAnomalyDetector")
    [alarm] = [
        a
        for a in built.of_type("AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("AlarmName") == "shop-dev-api-log-anomalies"
    ]
    assert alarm["Properties"] == {
        "AlarmName": "shop-dev-api-log-anomalies",
        "Namespace": "AWS/Logs",
        "MetricName": "AnomalyCount",
        "Dimensions": [
            {"Name": "LogAnomalyDetector", "Value": "shop-dev-api"},
            {"Name": "LogAnomalyPriority", "Value": "MEDIUM"},
        ],
        "Statistic": "Sum",
        "Period": 600,
        "EvaluationPeriods": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "Threshold": 1,
        "TreatMissingData": "notBreaching",
        "AlarmActions": [TOPIC],
    }
    assert alarm["DependsOn"] == [detector_id]


def test_the_key_admits_the_accounts_anomaly_detectors(built: Built) -> None:
    statements = built.template["Resources"][built.one("AWS::KMS::Key")[0]]["Properties"][
        "KeyPolicy"
    ]["Statement"]
    by_sid = {s.get("Sid"): s for s in statements}
    detectors = "arn:aws:logs:eu-west-1:111122223333:anomaly-detector:*"
    assert by_sid["CloudWatchLogsAnomalyDetectors"] == {
        "Sid": "CloudWatchLogsAnomalyDetectors",
        "Effect": "Allow",
        "Principal": {"Service": "logs.eu-west-1.amazonaws.com"},
        "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": "111122223333"},
            "StringLike": {"kms:EncryptionContext:aws:logs:arn": detectors},
            "ArnLike": {"aws:SourceArn": detectors},
        },
    }
    assert by_sid["CloudWatchLogsAnomalyDetectorsReEncryption"]["Condition"]["StringLike"] == {
        "kms:EncryptionContext:aws-crypto-ec:aws:logs:arn": detectors
    }
    assert by_sid["CloudWatchLogsAnomalyDetectorsDescribeKey"]["Action"] == "kms:DescribeKey"


def test_two_detectors_on_one_key_add_its_statements_once() -> None:
    _, stack = new_stack(env=ENV)
    key = BlueprintKey(stack, "Key")
    for name in ("api", "worker"):
        group = logs.LogGroup.from_log_group_name(stack, f"{name}Logs", f"/shop/dev/{name}")
        LogAnomalyDetection(stack, name, log_group=group, encryption_key=key)
    key_policy = Template.from_stack(stack).to_json()["Resources"]
    [statements] = [
        r["Properties"]["KeyPolicy"]["Statement"]
        for r in key_policy.values()
        if r["Type"] == "AWS::KMS::Key"
    ]
    sids = [s.get("Sid") for s in statements]
    assert sids.count("CloudWatchLogsAnomalyDetectors") == 1


def test_defaults_detect_every_fifteen_minutes_for_three_weeks_and_alarm_on_high() -> None:
    _, stack = new_stack(env=ENV)
    group = logs.LogGroup.from_log_group_name(stack, "Api", "/shop/dev/api")
    LogAnomalyDetection(stack, "Anomalies", log_group=group)
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::Logs::LogAnomalyDetector",
        {
            "EvaluationFrequency": "FIFTEEN_MIN",
            "AnomalyVisibilityTime": 21,
            "LogGroupArnList": ["arn:aws:logs:eu-west-1:111122223333:log-group:/shop/dev/api"],
            "DetectorName": Match.string_like_regexp("^TestAnomalies"),
        },
    )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Dimensions": Match.array_with([{"Name": "LogAnomalyPriority", "Value": "HIGH"}]),
            "Period": 900,
        },
    )


# --------------------------------------------------------------- compliance


def test_everything_passes_cdk_nag_cfn_lint_and_the_deploy_rules(built: Built) -> None:
    assert_compliant(built.outdir, nag_error=built.nag_error)


# ---------------------------------------------------------------- bad input


def _api(stack: Stack) -> logs.ILogGroup:
    return logs.LogGroup.from_log_group_name(stack, "ApiLogs", "/shop/dev/api")


def _raised(caught: pytest.ExceptionInfo[BlueprintError]) -> list[str]:
    return str(caught.value).splitlines()


def _refused_query(**settings: Any) -> list[str]:
    """Build a daily scheduled query with ``settings``; return the lines it is refused with."""
    _, stack = new_stack(env=ENV)
    with pytest.raises(BlueprintError) as caught:
        ScheduledLogQuery(
            stack,
            "Daily",
            **{
                "query": "stats count(*)",
                "log_groups": [_api(stack)],
                "schedule": "cron(0 6 * * ? *)",
                "window": Duration.days(1),
                "bucket": s3.Bucket.from_bucket_name(stack, "Reports", "shop-dev-reports"),
                **settings,
            },
        )
    return _raised(caught)


def test_a_scheduled_query_with_an_invalid_schedule_is_refused() -> None:
    assert _refused_query(schedule="rate(1 day)") == [
        "Test/Daily.schedule: 'rate(1 day)': a scheduled query runs on a cron schedule, not "
        "at a rate (CreateScheduledQuery takes a cron expression); use cron(minutes hours "
        "day-of-month month day-of-week year), with ? in exactly one of day-of-month and "
        "day-of-week, such as cron(0 2 * * ? *) for 02:00 every day"
    ]


def test_a_scheduled_query_reports_every_bad_value_at_once() -> None:
    lines = _refused_query(
        schedule="cron(0 6 * * *)",
        window=Duration.seconds(0),
        prefix="/reports/",
        name="daily errors",
        timezone="Berlin",
    )
    assert lines == [
        "Test/Daily.name: 'daily errors' is not a scheduled query name; use 1 to 255 letters, "
        "digits and _ - / . #",
        "Test/Daily.schedule: 'cron(0 6 * * *)' has 5 fields; EventBridge cron has 6: minutes "
        "hours day-of-month month day-of-week year (the year is required, usually *), such as "
        "cron(0 2 * * ? *)",
        "Test/Daily.timezone: 'Berlin' is not an IANA time zone (did you mean 'Europe/Berlin'?); "
        "use a name such as Europe/Berlin or UTC",
        "Test/Daily.window: the query starts 0 seconds before each run; use 1 to 2,592,000 "
        "(30 days)",
        "Test/Daily.prefix: '/reports/' starts with /; write the prefix without it, such as "
        "'reports/' (the URI puts one / after the bucket)",
    ]


def test_a_scheduled_query_into_a_bucket_named_wrongly_is_refused() -> None:
    _, stack = new_stack(env=ENV)
    bucket = s3.Bucket.from_bucket_name(stack, "Reports", "Shop_Reports")

    with pytest.raises(BlueprintError) as caught:
        ScheduledLogQuery(
            stack,
            "Daily",
            query="stats count(*)",
            log_groups=[_api(stack)],
            schedule="cron(0 6 * * ? *)",
            window=Duration.days(1),
            bucket=bucket,
        )

    assert _raised(caught) == [
        "Test/Daily.bucket: 'Shop_Reports' is not an S3 bucket name; use 3 to 63 lowercase "
        "letters, digits, '.' and '-', starting and ending with a letter or digit (the bucket's "
        "name, not its ARN)"
    ]


def _refused_alarm(stack: Stack | None = None, **settings: Any) -> list[str]:
    """Build an error-rate log alarm with ``settings``; return the lines it is refused with."""
    stack = stack or new_stack(env=ENV)[1]
    with pytest.raises(BlueprintError) as caught:
        LogInsightsAlarm(
            stack,
            "Errors",
            **{
                "query": "filter level = 'ERROR'",
                "log_groups": [_api(stack)],
                "comparison": ">=",
                "threshold": 5,
                **settings,
            },
        )
    return _raised(caught)


def test_a_log_alarm_on_a_cron_schedule_is_refused() -> None:
    lines = _refused_alarm(schedule="cron(0/5 * * * ? *)", window=Duration.minutes(5))
    assert lines == [
        "Test/Errors.schedule: 'cron(0/5 * * * ? *)': a log alarm runs its query at a rate, "
        "not on a cron schedule (PutLogAlarm takes rate() only); use rate(5 minutes), "
        "rate(1 hour) or rate(1 day)"
    ]


def test_a_log_alarm_whose_windows_leave_gaps_is_refused() -> None:
    assert _refused_alarm(schedule="rate(10 minutes)", window=Duration.minutes(1)) == [
        "Test/Errors.window: each run reads 1 minute of logs but runs every 10 minutes: the "
        "events between two windows are never evaluated; make the window at least 10 minutes, "
        "or run more often"
    ]


def test_a_log_alarm_refuses_actions_it_cannot_take() -> None:
    actions = ActionSet(
        alarm=(ActionSpec(incident_response_plan="payments"),),
        ok=(ActionSpec(opsitem_severity=3),),
        insufficient_data=(ActionSpec(topic="pager"),),
    )
    assert _refused_alarm(actions=actions) == [
        "Test/Errors.actions.alarm[0]: a log alarm cannot take an incident action on ALARM; on "
        "ALARM it takes topic, lambda and opsitem (a severity, no category), and runbooks "
        "(started through EventBridge)",
        "Test/Errors.actions.ok[0]: a log alarm cannot take an opsitem action on OK; on OK it "
        "takes topic and lambda, and runbooks (started through EventBridge)",
        "Test/Errors.actions.insufficient_data[0].topic: 'pager' is not a blueprint topic; "
        "known topics: none (define them under notifications: in the file, or pass "
        "named_topics=)",
    ]


def test_a_log_alarm_refuses_aws_cdk_libs_opsitem_action_with_a_category() -> None:
    ssm = cloudwatch_actions.SsmAction(
        cloudwatch_actions.OpsItemSeverity.HIGH, cloudwatch_actions.OpsItemCategory.AVAILABILITY
    )
    assert _refused_alarm(actions=ActionSet(alarm=(ssm,))) == [
        "Test/Errors.actions.alarm[0]: 'arn:aws:ssm:eu-west-1:111122223333:opsitem:2#CATEGORY="
        "Availability' gives the OpsItem a category; a log alarm's OpsItem action takes a "
        "severity only (arn:aws:ssm:REGION:ACCOUNT:opsitem:SEVERITY, without #CATEGORY=, as "
        "PutLogAlarm documents it): remove the category"
    ]


def test_a_log_alarm_reports_every_bad_value_at_once() -> None:
    _, stack = new_stack(env=ENV)
    lines = _refused_alarm(
        stack,
        log_groups=[
            logs.LogGroup.from_log_group_name(stack, f"G{i}", f"/g/{i}") for i in range(51)
        ],
        aggregation="percentile(latency, 99)",
        comparison="=",
        results_to_evaluate=5,
        results_to_alarm=6,
        log_lines=60,
        warm_up=Duration.days(3),
        alarm_name="x" * 256,
    )
    assert [line.split(":")[0] for line in lines] == [
        "Test/Errors.aggregation",
        "Test/Errors.log_groups",
        "Test/Errors.comparison",
        "Test/Errors.results_to_alarm",
        "Test/Errors.log_lines",
        "Test/Errors.warm_up",
        "Test/Errors.alarm_name",
    ]
    assert lines[-2:] == [
        "Test/Errors.warm_up: 4320 minutes; a warm-up lasts 1 to 2,880 minutes (two days)",
        "Test/Errors.alarm_name: the alarm name is 256 characters; CloudWatch allows 1 to 255",
    ]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"evaluation_frequency": Duration.minutes(1)},
            "Test/Anomalies.evaluation_frequency: 1 minute is not an anomaly detector's "
            "evaluation frequency; use 5, 10, 15, 30 or 60 minutes (the API's one minute, "
            "ONE_MIN, is not in CloudFormation's AWS::Logs::LogAnomalyDetector)",
        ),
        (
            {"evaluation_frequency": Duration.hours(2)},
            "Test/Anomalies.evaluation_frequency: 2 hours is not an anomaly detector's "
            "evaluation frequency; use 5, 10, 15, 30 or 60 minutes (the API's one minute, "
            "ONE_MIN, is not in CloudFormation's AWS::Logs::LogAnomalyDetector)",
        ),
        (
            {"visibility": Duration.days(120)},
            "Test/Anomalies.visibility: 120.0 days is not an anomaly visibility time; use whole "
            "days from 7 to 90 (after it an anomaly left unfixed is baselined and no longer "
            "reported)",
        ),
        (
            {"priority": "CRITICAL"},
            "Test/Anomalies.priority: 'CRITICAL' is not an anomaly priority; use HIGH "
            "(high-priority anomalies only), MEDIUM (high and medium) or LOW",
        ),
        (
            {"threshold": 0},
            "Test/Anomalies.threshold: 0 anomalies; the alarm needs at least 1",
        ),
    ],
)
def test_log_anomaly_detection_refuses(settings: dict[str, Any], message: str) -> None:
    _, stack = new_stack(env=ENV)
    with pytest.raises(BlueprintError) as caught:
        LogAnomalyDetection(stack, "Anomalies", log_group=_api(stack), **settings)
    assert _raised(caught) == [message]


def test_a_bad_filter_pattern_shows_the_column() -> None:
    _, stack = new_stack(env=ENV)
    with pytest.raises(BlueprintError) as caught:
        LogAnomalyDetection(
            stack, "Anomalies", log_group=_api(stack), filter_pattern='{ $.level = "ERROR" '
        )
    lines = _raised(caught)
    assert lines[0].startswith("Test/Anomalies.filter_pattern: ")
    assert lines[-1] == "                      ^"


# ------------------------------------------------------------------- the API


def test_the_log_alarm_is_an_ialarm_and_takes_a_removal_policy() -> None:
    _, stack = new_stack(env=ENV)
    alarm = LogInsightsAlarm(
        stack,
        "Errors",
        query="filter level = 'ERROR'",
        log_groups=[_api(stack)],
        comparison=">=",
        threshold=5,
    )
    alarm.apply_removal_policy(RemovalPolicy.RETAIN)
    resolved = stack.resolve(alarm.alarm_arn)
    assert resolved == {"Fn::GetAtt": [stack.get_logical_id(alarm.resource), "Arn"]}
    assert re.fullmatch(r'ALARM\("\$\{Token\[TOKEN\.\d+\]\}"\)', alarm.render_alarm_rule())
    log_alarm = Template.from_stack(stack).to_json()["Resources"][
        stack.get_logical_id(alarm.resource)
    ]
    assert log_alarm["DeletionPolicy"] == "Retain"
    # Defaults: every 5 minutes over the last 5, ending 2 minutes before each run.
    schedule = log_alarm["Properties"]["ScheduledQueryConfiguration"]["ScheduleConfiguration"]
    assert schedule == {
        "ScheduleExpression": "rate(5 minutes)",
        "StartTimeOffset": 420,
        "EndTimeOffset": 120,
    }
    assert log_alarm["Properties"]["QueryResultsToAlarm"] == 1
    assert "AlarmActions" not in log_alarm["Properties"]
    # Without log_lines no role reads log lines: the query role is the only one.
    assert len(resources(Template.from_stack(stack), "AWS::IAM::Role")) == 1


def test_a_warm_up_is_whole_minutes() -> None:
    assert _refused_alarm(warm_up=Duration.seconds(90)) == [
        "Test/Errors.warm_up: 90 seconds is not whole minutes; a warm-up lasts 1 to 2,880 "
        "whole minutes"
    ]


def test_a_log_alarms_query_with_an_unknown_command_shows_the_column() -> None:
    lines = _refused_alarm(query="filter level = 'ERROR' | stat count(*)")
    assert lines[0].startswith("Test/Errors.query: unknown command 'stat'")
    assert lines[-2:] == [
        "  filter level = 'ERROR' | stat count(*)",
        "                           ^",
    ]
