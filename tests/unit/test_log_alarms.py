"""Log alarms, scheduled queries and log anomaly detectors: the pure rules (rules/log_alarms.py)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from observability_blueprint.rules import log_alarms as rules
from observability_blueprint.rules.alarm_settings import (
    ActionSet,
    ActionSpec,
    accepted_forms,
    action_arn_problem,
    action_problems,
)
from observability_blueprint.rules.errors import Problem

# ----------------------------------------------------------------- schedules


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(1 minute)", 60),
        ("rate(5 minutes)", 300),
        ("rate(1 hour)", 3600),
        ("rate(12 hours)", 43_200),
        ("rate(1 day)", 86_400),
    ],
)
def test_a_log_alarm_runs_at_a_rate(expression: str, seconds: int) -> None:
    assert rules.check_log_alarm_schedule(expression) is None
    assert rules.rate_seconds(expression) == seconds


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "cron(0/5 * * * ? *)",
            "'cron(0/5 * * * ? *)': a log alarm runs its query at a rate, not on a cron "
            "schedule (PutLogAlarm takes rate() only); use rate(5 minutes), rate(1 hour) "
            "or rate(1 day)",
        ),
        (
            "every 5 minutes",
            "'every 5 minutes' is not a rate; use rate(5 minutes), rate(1 hour) or rate(1 day)",
        ),
        (
            "rate(5 minute)",
            "'rate(5 minute)': with the value 5 the unit is plural; write rate(5 minutes)",
        ),
        (
            "rate(0 minutes)",
            "'rate(0 minutes)': the value must be a positive whole number",
        ),
        (
            "rate(2 weeks)",
            "'rate(2 weeks)': 'weeks' is not a unit; use minute(s), hour(s) or day(s)",
        ),
        ("rate(" + "1" * 260 + " minutes)", "the schedule is 274 characters; at most 256"),
    ],
)
def test_a_log_alarm_refuses_other_schedules(expression: str, message: str) -> None:
    assert rules.check_log_alarm_schedule(expression) == message
    assert rules.rate_seconds(expression) is None


@pytest.mark.parametrize(
    "expression",
    ["cron(0 9 * * ? *)", "cron(0 18 ? * MON-FRI *)", "cron(*/15 * * * ? *)", "cron(0 9 L * ? *)"],
)
def test_a_scheduled_query_runs_on_cron(expression: str) -> None:
    # The examples of the Logs user guide's schedule expression reference.
    assert rules.check_scheduled_query_schedule(expression) is None


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "rate(1 day)",
            "'rate(1 day)': a scheduled query runs on a cron schedule, not at a rate "
            "(CreateScheduledQuery takes a cron expression); use cron(minutes hours "
            "day-of-month month day-of-week year), with ? in exactly one of day-of-month "
            "and day-of-week, such as cron(0 2 * * ? *) for 02:00 every day",
        ),
        (
            "cron(0 6 * * *)",
            "'cron(0 6 * * *)' has 5 fields; EventBridge cron has 6: minutes hours "
            "day-of-month month day-of-week year (the year is required, usually *), such as "
            "cron(0 2 * * ? *)",
        ),
        ("cron(0 25 * * ? *)", "'cron(0 25 * * ? *)': hours '25': 25 is out of range 0-23"),
        (
            "daily",
            "'daily' is not a cron expression; use cron(minutes hours day-of-month month "
            "day-of-week year), with ? in exactly one of day-of-month and day-of-week, such "
            "as cron(0 2 * * ? *) for 02:00 every day",
        ),
    ],
)
def test_a_scheduled_query_refuses_an_invalid_schedule(expression: str, message: str) -> None:
    assert rules.check_scheduled_query_schedule(expression) == message


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (60, "1 minute"),
        (900, "15 minutes"),
        (3600, "1 hour"),
        (172_800, "2 days"),
        (90, "90 seconds"),
    ],
)
def test_durations_read_in_their_largest_unit(seconds: int, text: str) -> None:
    assert rules.duration_text(seconds) == text


# --------------------------------------------------------------- aggregation


@pytest.mark.parametrize(
    "expression",
    [
        "count(*)",
        "avg(latency)",
        "sum(bytesSent)",
        "min(@duration)",
        "max(users)",
        "count(error-codes)",
        "avg(latency) by endpoint | sort desc",
        "count(*) by serviceName",
        "count(*) by a, b, c, d, e",
        "max(`response time`) by `service name` | sort asc",
        "AVG(latency) BY endpoint",
    ],
)
def test_aggregation_expressions_the_user_guide_shows(expression: str) -> None:
    assert rules.check_aggregation(expression) is None


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "p99(latency)",
            "'p99(latency)': 'p99' is not an aggregation function of log alarms; use count, "
            "avg, sum, min, max",
        ),
        (
            "count_distinct(user)",
            "'count_distinct(user)': 'count_distinct' is not an aggregation function of log "
            "alarms; use count, avg, sum, min, max",
        ),
        ("avg(*)", "'avg(*)': only count takes *; avg needs a field, such as avg(latency)"),
        (
            "count(*) by bin(5m)",
            "'count(*) by bin(5m)': bin() is not allowed in the by clause of an aggregation "
            "expression; use it in the query instead",
        ),
        (
            "count(*) by a, b, c, d, e, f",
            "'count(*) by a, b, c, d, e, f' groups by 6 fields; a log alarm takes at most 5",
        ),
        ("count(*) | sort up", "'count(*) | sort up': sort takes asc or desc, not 'up'"),
        ("avg(a b)", "'avg(a b)': 'a b' is not a field name; use * or a field"),
        (
            "stats count(*)",
            "'stats count(*)' is not an aggregation expression; use FUNCTION(FIELD) with "
            "count, avg, sum, min or max, optionally by up to 5 fields and | sort asc or "
            "| sort desc, such as count(*) or avg(latency) by endpoint | sort desc (other "
            "functions go in the query: stats count_distinct(user) as users, then max(users))",
        ),
        ("", "the aggregation expression is 0 characters; CloudWatch takes 1 to 256"),
        (
            "count(*) by " + "f" * 250,
            "the aggregation expression is 262 characters; CloudWatch takes 1 to 256",
        ),
    ],
)
def test_aggregation_expressions_refused(expression: str, message: str) -> None:
    assert rules.check_aggregation(expression) == message


# ----------------------------------------------------------------- log alarm

PAYMENTS = rules.LogAlarmSettings(
    query='filter event = "PaymentFailed" | stats count_distinct(user) as users',
    aggregation="max(users)",
    log_groups=["/shop/dev/api"],
    schedule="rate(5 minutes)",
    start_time_offset=1020,
    end_time_offset=120,
    comparison=">",
    threshold=10,
)


def test_more_than_ten_distinct_users_in_fifteen_minutes_is_a_valid_log_alarm() -> None:
    assert rules.log_alarm_problems(PAYMENTS) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"start_time_offset": 300, "end_time_offset": 120, "schedule": "rate(10 minutes)"},
            Problem(
                "window",
                "each run reads 3 minutes of logs but runs every 10 minutes: the events "
                "between two windows are never evaluated; make the window at least 10 "
                "minutes, or run more often",
            ),
        ),
        (
            {"start_time_offset": 120, "end_time_offset": 120},
            Problem(
                "window",
                "the query would cover nothing: it starts 120 seconds and ends 120 seconds "
                "before each run (EndTimeOffset must be less than StartTimeOffset)",
            ),
        ),
        (
            {"start_time_offset": 2_592_001},
            Problem(
                "window",
                "the query starts 2592001 seconds before each run; CloudWatch takes 1 to "
                "2,592,000 (30 days; StartTimeOffset)",
            ),
        ),
        (
            {"end_time_offset": -1},
            Problem(
                "ingestion_delay",
                "the query ends -1 seconds before each run; CloudWatch takes 0 to 2,592,000 "
                "(EndTimeOffset)",
            ),
        ),
        (
            {"results_to_evaluate": 3, "results_to_alarm": 4},
            Problem("results_to_alarm", "4 must be between 1 and results_to_evaluate (3)"),
        ),
        (
            {"results_to_evaluate": 101},
            Problem(
                "results_to_evaluate",
                "101 query results; a log alarm evaluates 1 to 100 (QueryResultsToEvaluate)",
            ),
        ),
        (
            {"log_groups": []},
            Problem("log_groups", "0 log groups; a query reads 1 to 50 log groups"),
        ),
        (
            {"log_groups": [f"/g/{i}" for i in range(51)]},
            Problem("log_groups", "51 log groups; a query reads 1 to 50 log groups"),
        ),
        (
            {"log_groups": ["/a", ""]},
            Problem("log_groups[1]", "'' is 0 characters; a log group identifier is 1 to 1,024"),
        ),
        (
            {"comparison": "="},
            Problem(
                "comparison",
                "'=' is not a comparison; use one of >, >=, <, <= (a log alarm compares with "
                "a fixed threshold)",
            ),
        ),
        ({"threshold": math.nan}, Problem("threshold", "nan is not a number a threshold can be")),
        (
            {"treat_missing_data": "zero"},
            Problem(
                "treat_missing_data",
                "'zero' is not a missing-data policy; use one of breaching, notBreaching, "
                "ignore, missing",
            ),
        ),
        (
            {"log_lines": 51},
            Problem(
                "log_lines",
                "51 log lines; a notification carries 0 to 50 (ActionLogLineCount)",
            ),
        ),
        (
            {"warm_up_minutes": 2881},
            Problem("warm_up", "2881 minutes; a warm-up lasts 1 to 2,880 minutes (two days)"),
        ),
        (
            {"query": "x" * 10_001},
            Problem(
                "query", "the query is 10,001 characters; CloudWatch Logs takes at most 10,000"
            ),
        ),
        (
            {"schedule": "cron(0 * * * ? *)"},
            Problem(
                "schedule",
                "'cron(0 * * * ? *)': a log alarm runs its query at a rate, not on a cron "
                "schedule (PutLogAlarm takes rate() only); use rate(5 minutes), rate(1 hour) "
                "or rate(1 day)",
            ),
        ),
        (
            {"aggregation": "p99(latency)"},
            Problem(
                "aggregation",
                "'p99(latency)': 'p99' is not an aggregation function of log alarms; use "
                "count, avg, sum, min, max",
            ),
        ),
    ],
)
def test_a_log_alarm_refuses(change: dict[str, Any], problem: Problem) -> None:
    assert rules.log_alarm_problems(dataclasses.replace(PAYMENTS, **change)) == [problem]


def test_a_log_alarms_query_is_read_by_the_logs_insights_checker() -> None:
    [problem] = rules.log_alarm_problems(
        dataclasses.replace(PAYMENTS, query="fields @timestamp | limt 5")
    )
    assert problem.location == "query"
    assert problem.message.startswith("unknown command 'limt'")
    assert problem.message.splitlines()[-2:] == [
        "  fields @timestamp | limt 5",
        "                      ^",
    ]


def test_windows_may_overlap() -> None:
    # 15 minutes read every 5 minutes: each event is seen three times, none is missed.
    assert rules.log_alarm_problems(dataclasses.replace(PAYMENTS, results_to_evaluate=3)) == []


def test_unresolved_log_group_names_are_not_judged() -> None:
    settings = dataclasses.replace(PAYMENTS, log_groups=["${Token[TOKEN.21]}"])
    assert rules.log_alarm_problems(settings) == []


# --------------------------------------------------------- log alarm actions


def test_a_log_alarm_takes_the_actions_put_log_alarm_lists() -> None:
    assert accepted_forms("log", "alarm") == "topic, lambda and opsitem (a severity, no category)"
    assert accepted_forms("log", "ok") == "topic and lambda"
    assert accepted_forms("log", "insufficient_data") == "topic and lambda"


@pytest.mark.parametrize(
    ("arn", "state", "message"),
    [
        (
            "arn:aws:ssm-incidents::111122223333:responseplan/payments",
            "alarm",
            "'arn:aws:ssm-incidents::111122223333:responseplan/payments': a log alarm cannot "
            "take an incident action on ALARM; on ALARM it takes topic "
            "(arn:aws:sns:REGION:ACCOUNT:NAME); lambda (arn:aws:lambda:REGION:ACCOUNT:"
            "function:NAME, with :VERSION or :ALIAS if wanted); opsitem "
            "(arn:aws:ssm:REGION:ACCOUNT:opsitem:SEVERITY, without #CATEGORY=)",
        ),
        (
            "arn:aws:ssm:eu-west-1:111122223333:opsitem:2#CATEGORY=Cost",
            "alarm",
            "'arn:aws:ssm:eu-west-1:111122223333:opsitem:2#CATEGORY=Cost' gives the OpsItem a "
            "category; a log alarm's OpsItem action takes a severity only "
            "(arn:aws:ssm:REGION:ACCOUNT:opsitem:SEVERITY, without #CATEGORY=, as PutLogAlarm "
            "documents it): remove the category",
        ),
        (
            "arn:aws:ssm:eu-west-1:111122223333:opsitem:2",
            "ok",
            "'arn:aws:ssm:eu-west-1:111122223333:opsitem:2': a log alarm cannot take an "
            "opsitem action on OK; on OK it takes topic (arn:aws:sns:REGION:ACCOUNT:NAME); "
            "lambda (arn:aws:lambda:REGION:ACCOUNT:function:NAME, with :VERSION or :ALIAS if "
            "wanted)",
        ),
        (
            "arn:aws:automate:eu-west-1:ec2:stop",
            "insufficient_data",
            "'arn:aws:automate:eu-west-1:ec2:stop': a log alarm cannot take an ec2 action on "
            "INSUFFICIENT_DATA; on INSUFFICIENT_DATA it takes topic "
            "(arn:aws:sns:REGION:ACCOUNT:NAME); lambda (arn:aws:lambda:REGION:ACCOUNT:"
            "function:NAME, with :VERSION or :ALIAS if wanted)",
        ),
    ],
)
def test_a_log_alarm_refuses_actions_put_log_alarm_does_not_list(
    arn: str, state: str, message: str
) -> None:
    assert action_arn_problem(arn, kind="log", state=state) == message


def test_a_log_alarm_takes_an_opsitem_on_alarm_and_topics_everywhere() -> None:
    assert (
        action_arn_problem(
            "arn:aws:ssm:eu-west-1:111122223333:opsitem:1", kind="log", state="alarm"
        )
        is None
    )
    for state in ("alarm", "ok", "insufficient_data"):
        assert (
            action_arn_problem("arn:aws:sns:eu-west-1:111122223333:ops", kind="log", state=state)
            is None
        )


def test_log_alarm_action_specs_are_checked_by_kind() -> None:
    actions = ActionSet(
        alarm=(ActionSpec(incident_response_plan="payments"),),
        ok=(ActionSpec(opsitem_severity=3),),
    )
    assert action_problems(actions, kind="log") == [
        Problem(
            "actions.alarm[0]",
            "a log alarm cannot take an incident action on ALARM; on ALARM it takes topic, "
            "lambda and opsitem (a severity, no category), and runbooks (started through "
            "EventBridge)",
        ),
        Problem(
            "actions.ok[0]",
            "a log alarm cannot take an opsitem action on OK; on OK it takes topic and "
            "lambda, and runbooks (started through EventBridge)",
        ),
    ]


def test_defaults_keep_what_a_log_alarm_takes() -> None:
    defaults = ActionSet(
        alarm=(
            ActionSpec(topic="pager"),
            ActionSpec(incident_response_plan="p"),
            ActionSpec(opsitem_severity=2, opsitem_category="Cost"),
        ),
        ok=(ActionSpec(topic="pager"), ActionSpec(ec2="stop")),
    )
    assert defaults.only_accepted("log") == ActionSet(
        alarm=(ActionSpec(topic="pager"), ActionSpec(opsitem_severity=2)),
        ok=(ActionSpec(topic="pager"),),
    )


# ------------------------------------------------------------ scheduled query

DAILY = rules.ScheduledQuerySettings(
    name="shop-dev-daily-errors",
    query="filter level = 'ERROR' | stats count(*) by service",
    log_groups=["/shop/dev/api", "arn:aws:logs:eu-west-1:111122223333:log-group:/shop/dev/worker"],
    schedule="cron(0 6 * * ? *)",
    start_time_offset=86_400,
    timezone="Europe/Berlin",
    destination="s3://shop-dev-reports/scheduled-queries/",
)


def test_a_daily_report_is_a_valid_scheduled_query() -> None:
    assert rules.scheduled_query_problems(DAILY) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"schedule": "rate(1 day)"},
            Problem(
                "schedule",
                "'rate(1 day)': a scheduled query runs on a cron schedule, not at a rate "
                "(CreateScheduledQuery takes a cron expression); use cron(minutes hours "
                "day-of-month month day-of-week year), with ? in exactly one of day-of-month "
                "and day-of-week, such as cron(0 2 * * ? *) for 02:00 every day",
            ),
        ),
        (
            {"schedule": "cron(0 6 * * * *)"},
            Problem(
                "schedule",
                "'cron(0 6 * * * *)': day-of-month (*) and day-of-week (*) are both set; put "
                "? in exactly one of them, such as cron(0 6 * * ? *)",
            ),
        ),
        (
            {"name": "daily errors"},
            Problem(
                "name",
                "'daily errors' is not a scheduled query name; use 1 to 255 letters, digits "
                "and _ - / . #",
            ),
        ),
        (
            {"name": "n" * 256},
            Problem(
                "name",
                f"'{'n' * 77}...' is not a scheduled query name; use 1 to 255 letters, "
                "digits and _ - / . #",
            ),
        ),
        (
            {"language": "KQL"},
            Problem("language", "'KQL' is not a query language; use one of CWLI, PPL, SQL"),
        ),
        (
            {"timezone": "Berlin"},
            Problem(
                "timezone",
                "'Berlin' is not an IANA time zone (did you mean 'Europe/Berlin'?); use a "
                "name such as Europe/Berlin or UTC",
            ),
        ),
        (
            {"start_time_offset": 0},
            Problem(
                "window",
                "the query starts 0 seconds before each run; use 1 to 2,592,000 (30 days)",
            ),
        ),
        (
            {"description": "d" * 1025},
            Problem("description", "the description is 1,025 characters; at most 1,024"),
        ),
        (
            {"destination": "s3://Shop_Reports/x"},
            Problem(
                "prefix",
                "'s3://Shop_Reports/x' is not an S3 URI a scheduled query delivers to; use "
                "s3://BUCKET/PREFIX with a bucket name of 3 to 63 lowercase letters, digits, "
                "dots and hyphens",
            ),
        ),
        (
            {"log_groups": ["/shop dev/api"]},
            Problem(
                "log_groups[0]",
                "'/shop dev/api' is not a log group name or ARN (letters, digits and "
                "# + = / : , . @ - _)",
            ),
        ),
        (
            {"log_groups": ["/g/" + "x" * 2046]},
            Problem(
                "log_groups[0]",
                f"'/g/{'x' * 74}...' is 2,049 characters; a log group identifier is 1 to 2,048",
            ),
        ),
    ],
)
def test_a_scheduled_query_refuses(change: dict[str, Any], problem: Problem) -> None:
    assert rules.scheduled_query_problems(dataclasses.replace(DAILY, **change)) == [problem]


def test_only_logs_insights_queries_are_read_offline() -> None:
    ppl = dataclasses.replace(
        DAILY, language="PPL", query="source = `/shop/dev/api` | stats count()"
    )
    assert rules.scheduled_query_problems(ppl) == []
    [problem] = rules.scheduled_query_problems(dataclasses.replace(DAILY, query="stats count(*) |"))
    assert problem.location == "query"
    assert problem.message.startswith("nothing follows this |")


def test_an_s3_uri_may_name_the_bucket_alone() -> None:
    assert rules.check_s3_uri("s3://shop-dev-reports") is None
    assert rules.check_s3_uri("s3://" + "b" * 64) is not None


# ------------------------------------------------------- anomaly detection


def test_every_frequency_cloudformation_takes() -> None:
    assert {m: rules.check_evaluation_frequency(m) for m in (5, 10, 15, 30, 60)} == dict.fromkeys(
        (5, 10, 15, 30, 60)
    )
    assert rules.EVALUATION_FREQUENCIES == {
        5: "FIVE_MIN",
        10: "TEN_MIN",
        15: "FIFTEEN_MIN",
        30: "THIRTY_MIN",
        60: "ONE_HOUR",
    }


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(1, "1 minute"), (20, "20 minutes"), (0.5, "30 seconds"), (120, "2 hours")],
)
def test_other_frequencies_are_refused(minutes: float, shown: str) -> None:
    assert rules.check_evaluation_frequency(minutes) == (
        f"{shown} is not an anomaly detector's evaluation frequency; use 5, 10, 15, 30 or 60 "
        "minutes (the API's one minute, ONE_MIN, is not in CloudFormation's "
        "AWS::Logs::LogAnomalyDetector)"
    )


@pytest.mark.parametrize("days", [7, 21, 90])
def test_visibility_runs_from_a_week_to_ninety_days(days: int) -> None:
    assert rules.check_visibility_days(days) is None


@pytest.mark.parametrize("days", [6, 91, 7.5])
def test_other_visibilities_are_refused(days: float) -> None:
    assert rules.check_visibility_days(days) == (
        f"{days} days is not an anomaly visibility time; use whole days from 7 to 90 (after "
        "it an anomaly left unfixed is baselined and no longer reported)"
    )


def test_a_detector_with_defaults_is_valid() -> None:
    assert rules.anomaly_detector_problems(evaluation_minutes=15, visibility_days=21) == []


def test_a_detector_refuses_bad_settings_all_at_once() -> None:
    problems = rules.anomaly_detector_problems(
        evaluation_minutes=1,
        visibility_days=100,
        filter_pattern='{ $.level = "ERROR" ',
        detector_name="d" * 256,
        priority="CRITICAL",
    )
    assert [p.location for p in problems] == [
        "evaluation_frequency",
        "visibility",
        "filter_pattern",
        "detector_name",
        "priority",
    ]
    assert problems[3].message == (
        "the name is 256 characters; use 1 to 255, so the alarm can name the detector in its "
        "LogAnomalyDetector dimension"
    )
    assert problems[4].message == (
        "'CRITICAL' is not an anomaly priority; use HIGH (high-priority anomalies only), "
        "MEDIUM (high and medium) or LOW"
    )
    # The filter pattern is read by the offline engine: its message carries the caret.
    assert problems[2].message.splitlines()[-2:] == [
        '  { $.level = "ERROR" ',
        "                      ^",
    ]


def test_a_filter_pattern_over_the_limit_is_refused() -> None:
    [problem] = rules.anomaly_detector_problems(
        evaluation_minutes=5, visibility_days=7, filter_pattern="ERROR " * 200
    )
    assert problem == Problem("filter_pattern", "the pattern is 1,200 characters; at most 1,024")


def test_the_metric_the_detector_publishes() -> None:
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/LogsAnomalyDetection-Metrics.html
    assert (rules.ANOMALY_NAMESPACE, rules.ANOMALY_METRIC) == ("AWS/Logs", "AnomalyCount")
    assert (rules.DETECTOR_DIMENSION, rules.PRIORITY_DIMENSION) == (
        "LogAnomalyDetector",
        "LogAnomalyPriority",
    )
