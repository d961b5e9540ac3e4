"""AWS's recommended alarms (issue 15): the data file, its own checks, and drift tests.

The drift tests hold the data file against values transcribed here, separately,
from AWS's page "Recommended alarms"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html,
read 2026-12-01). Each row is the page's Dimensions, Statistic, Recommended
threshold (None: "Depends on your situation"), Comparison Operator, Period,
Evaluation periods and Datapoints to alarm, with a sentence of the block it was
read from. A data file that drifts from the page fails here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from importlib import resources
from typing import Any, NamedTuple

import pytest

from observability_blueprint.rules import recommended_alarms
from observability_blueprint.rules.recommended_alarms import (
    PAGE_URL,
    RESOURCE_TYPES,
    RecommendedAlarm,
    alarms_for,
    check_statistic_for,
    data_problems,
    source_info,
)


class Row(NamedTuple):
    """One alarm block of the page, as transcribed by hand."""

    metric: str
    dimensions: tuple[str, ...]
    statistic: str
    threshold: float | None
    comparison_operator: str
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    sentence: str


GT = "GREATER_THAN_THRESHOLD"
GE = "GREATER_THAN_OR_EQUAL_TO_THRESHOLD"
LT = "LESS_THAN_THRESHOLD"
LE = "LESS_THAN_OR_EQUAL_TO_THRESHOLD"

# ---------------------------------------------------------------- section "Amazon SQS"
SQS_PAGE = (
    Row(
        "ApproximateAgeOfOldestMessage", ("QueueName",), "Maximum", None, GE, 60, 15, 15,
        "set the threshold to 50% higher than the maximum expected SQS message processing "
        "time by queue consumers.",
    ),
    Row(
        "ApproximateNumberOfMessagesNotVisible", ("QueueName",), "Average", None, GE, 60, 15, 15,
        "This alarm helps to detect a high number of in-flight messages with respect to "
        "QueueName.",
    ),
    Row(
        "ApproximateNumberOfMessagesVisible", ("QueueName",), "Average", None, GE, 60, 15, 15,
        "An unexpectedly high number of messages visible indicates that messages are not "
        "being processed by a consumer at the expected rate.",
    ),
    Row(
        "NumberOfMessagesSent", ("QueueName",), "Sum", 0.0, LE, 60, 15, 15,
        "If the number of messages sent is 0, the producer is not sending any messages.",
    ),
)  # fmt: skip

# ------------------------------------------------- sections "Lambda" and "Lambda Insights"
LAMBDA_PAGE = (
    Row(
        "ClaimedAccountConcurrency", (), "Maximum", None, GT, 60, 10, 10,
        "You should calculate the value of about 90% of the concurrency quota set for the "
        "account in the Region, and use the result as the threshold value.",
    ),
    Row(
        "Errors", ("FunctionName",), "Sum", None, GT, 60, 3, 3,
        "Set the threshold to a number greater than zero. The exact value can depend on the "
        "tolerance for errors in your application.",
    ),
    Row(
        "Throttles", ("FunctionName",), "Sum", None, GE, 60, 5, 5,
        "Set the threshold to a number greater than zero. The exact value of the threshold "
        "can depend on the tolerance of the application.",
    ),
    Row(
        "Duration", ("FunctionName",), "p90", None, GT, 60, 15, 15,
        "Make sure to set the threshold lower than the configured function timeout.",
    ),
    Row(
        "ConcurrentExecutions", ("FunctionName",), "Maximum", None, GT, 60, 10, 10,
        "Set the threshold to about 90% of the concurrency quota set for the account in the "
        "Region.",
    ),
    Row(
        "memory_utilization", ("function_name",), "Average", 90.0, GT, 60, 10, 10,
        "Set the threshold to 90% to get an alert when memory utilization exceeds 90% of the "
        "allocated memory.",
    ),
)  # fmt: skip

# ----------------------------------------------------------- section "Amazon DynamoDB"
DYNAMODB_PAGE = (
    Row(
        "AccountProvisionedReadCapacityUtilization", (), "Maximum", 80.0, GT, 300, 2, 2,
        "Set the threshold to 80%, so that action (such as raising the account limits) can "
        "be taken before it reaches full capacity to avoid throttling.",
    ),
    Row(
        "AccountProvisionedWriteCapacityUtilization", (), "Maximum", 80.0, GT, 300, 2, 2,
        "Set the threshold to 80%, so that the action (such as raising the account limits) "
        "can be taken before it reaches full capacity to avoid throttling.",
    ),
    Row(
        "AgeOfOldestUnreplicatedRecord", ("TableName", "DelegatedOperation"), "Maximum", None,
        GT, 300, 3, 3,
        "Set the threshold according to the desired replication delay measured in "
        "milliseconds.",
    ),
    Row(
        "FailedToReplicateRecordCount", ("TableName", "DelegatedOperation"), "Sum", 0.0,
        GT, 60, 1, 1,
        "Set the threshold to 0 to detect any records that DynamoDB failed to replicate.",
    ),
    Row(
        "ReadThrottleEvents", ("TableName",), "Sum", None, GT, 60, 5, 5,
        "Set the threshold according to the expected read traffic for the DynamoDB table, "
        "accounting for an acceptable level of throttling.",
    ),
    Row(
        "ReadThrottleEvents", ("TableName", "GlobalSecondaryIndexName"), "Sum", None,
        GT, 60, 5, 5,
        "It is important to monitor if you are under provisioned and not causing consistent "
        "throttling.",
    ),
    Row(
        "ReplicationLatency", ("TableName", "ReceivingRegion"), "Average", None, GT, 60, 15, 15,
        "Replication latencies longer than 3 minutes are generally a cause for investigation.",
    ),
    Row(
        "SuccessfulRequestLatency", ("TableName", "Operation"), "Average", None, GT, 60, 10, 10,
        "DynamoDB provides single-digit millisecond latency on average for singleton "
        "operations such as GetItem, PutItem, and so on.",
    ),
    Row(
        "SystemErrors", ("TableName",), "Sum", None, GT, 60, 15, 15,
        "System errors should be retried by the application/service as they are transient.",
    ),
    Row(
        "ThrottledPutRecordCount", ("TableName", "DelegatedOperation"), "Maximum", None,
        GT, 60, 10, 10,
        "Set the threshold to a number which can help you catch regular excessive throttling.",
    ),
    Row(
        "UserErrors", (), "Sum", None, GT, 60, 10, 10,
        "Set the threshold to zero to detect any client side errors.",
    ),
    Row(
        "WriteThrottleEvents", ("TableName",), "Sum", None, GT, 60, 5, 5,
        "Set the threshold according to the expected write traffic for the DynamoDB table, "
        "accounting for an acceptable level of throttling.",
    ),
    Row(
        "WriteThrottleEvents", ("TableName", "GlobalSecondaryIndexName"), "Sum", None,
        GT, 60, 5, 5,
        "Set the threshold according to the expected Write traffic for the DynamoDB table, "
        "accounting for an acceptable level of throttling.",
    ),
)  # fmt: skip

# ------------------------------------------ section "Amazon API Gateway", REST APIs
REST_API_PAGE = (
    Row(
        "4XXError", ("ApiName", "Stage"), "Average", 0.05, GT, 60, 5, 5,
        "The suggested threshold detects when more than 5% of total requests are getting 4XX "
        "errors.",
    ),
    Row(
        "5XXError", ("ApiName", "Stage"), "Average", 0.05, GT, 60, 3, 3,
        "The suggested threshold detects when more than 5% of total requests are getting 5XX "
        "errors.",
    ),
    Row(
        "Count", ("ApiName", "Stage"), "SampleCount", None, LT, 60, 10, 10,
        "Set the threshold based on historical data analysis to determine what the expected "
        "baseline request count for your API is.",
    ),
    Row(
        "Count", ("ApiName", "Stage", "Resource", "Method"), "SampleCount", None, LT, 60, 10, 10,
        "Set the threshold based on historical data analysis to determine what the expected "
        "baseline request count for your API is.",
    ),
    Row(
        "Latency", ("ApiName", "Stage"), "p90", 2500.0, GE, 60, 5, 5,
        "The suggested threshold value does not work for all API workloads. However, you can "
        "use it as a starting point for the threshold.",
    ),
    Row(
        "Latency", ("ApiName", "Stage", "Resource", "Method"), "p90", 2500.0, GE, 60, 5, 5,
        "The suggested threshold value does not work for all the API workloads.",
    ),
)  # fmt: skip

PAGE: dict[str, tuple[Row, ...]] = {
    "sqs_queue": SQS_PAGE,
    "lambda_function": LAMBDA_PAGE,
    "dynamodb_table": DYNAMODB_PAGE,
    "api_gateway_rest_api": REST_API_PAGE,
}


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def _aws(resource_type: str) -> list[RecommendedAlarm]:
    return [a for a in alarms_for(resource_type) if a.source == "aws"]


# ------------------------------------------------------------------ the data file


def test_the_data_file_has_no_problems() -> None:
    assert data_problems() == []


def test_the_source_block_names_the_page_its_read_date_and_sections() -> None:
    source = source_info()
    assert source["url"] == (
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
        "Best_Practice_Recommended_Alarms_AWS_Services.html"
    )
    assert source["url"] == PAGE_URL
    assert source["read_on"] == "2026-12-01"
    sections = source["sections"]
    assert len(sections) == 28
    assert sections[0] == "Amazon API Gateway"
    assert sections[-1] == "Site-to-Site VPN"
    for section in ("Lambda", "Amazon SQS", "Amazon DynamoDB", "Amazon RDS", "Amazon CloudFront"):
        assert section in sections


def test_every_resource_type_of_issue_15_is_in_the_file() -> None:
    assert set(RESOURCE_TYPES) == {
        "lambda_function",
        "api_gateway_rest_api",
        "api_gateway_http_api",
        "application_load_balancer",
        "network_load_balancer",
        "elb_target_group",
        "dynamodb_table",
        "sqs_queue",
        "sns_topic",
        "kinesis_stream",
        "step_functions_state_machine",
        "ecs_service",
        "eks_cluster",
        "rds_db_instance",
        "rds_db_cluster",
        "autoscaling_group",
        "cloudfront_distribution",
    }
    for resource_type in RESOURCE_TYPES:
        assert alarms_for(resource_type), resource_type


def test_an_unknown_type_is_refused_with_the_known_ones() -> None:
    with pytest.raises(KeyError, match="'api_gateway_websocket_api' is not a monitored"):
        alarms_for("api_gateway_websocket_api")


def test_aws_and_ours_are_kept_apart() -> None:
    raw = json.loads(
        resources.files("observability_blueprint.rules")
        .joinpath("data", "recommended_alarms.json")
        .read_text(encoding="utf-8")
    )
    for resource_type in RESOURCE_TYPES:
        block = raw["resource_types"][resource_type]
        assert set(block) >= {"aws", "ours"}
        assert all(entry.get("source") == "ours" for entry in block["ours"])
        assert all("source" not in entry and entry["section"] for entry in block["aws"])
        alarms = alarms_for(resource_type)
        sources = [a.source for a in alarms]
        assert sources == sorted(sources), "AWS's first, then ours"
        for alarm in alarms:
            if alarm.source == "ours":
                assert alarm.reason
                assert alarm.section is None
                assert alarm.description is None
            else:
                assert alarm.section
                assert alarm.description
                assert alarm.reason is None


@pytest.mark.parametrize(
    "resource_type",
    ["application_load_balancer", "network_load_balancer", "elb_target_group",
     "step_functions_state_machine"],
)  # fmt: skip
def test_types_the_page_has_no_section_for_carry_only_ours(resource_type: str) -> None:
    assert _aws(resource_type) == []
    assert all(a.source == "ours" for a in alarms_for(resource_type))


def test_workload_dependent_alarms_carry_our_suggestion_apart_from_aws() -> None:
    errors = next(a for a in alarms_for("lambda_function") if a.metric == "Errors")
    assert errors.threshold is None
    assert errors.workload_dependent
    assert errors.default_threshold is not None
    assert errors.default_threshold.value == 1
    duration = next(a for a in alarms_for("lambda_function") if a.metric == "Duration")
    assert duration.default_threshold is not None
    assert duration.default_threshold.value is None
    assert "timeout" in (duration.default_threshold.derive or "")


def test_a_page_anomaly_is_kept_as_stated_with_our_override_apart() -> None:
    memory = next(
        a for a in alarms_for("ecs_service") if a.id == "ecs_ci_enh.task_memory_utilization"
    )
    assert memory.comparison == "<="  # as the page states it
    assert memory.comparison_override == ">"
    assert memory.page_anomaly


# --------------------------------------------------------- drift: data file vs page


def _page_cases() -> Iterator[tuple[str, Row]]:
    for resource_type, rows in PAGE.items():
        for row in rows:
            yield resource_type, row


@pytest.mark.parametrize("resource_type", list(PAGE))
def test_the_file_has_exactly_the_pages_alarms(resource_type: str) -> None:
    transcribed = sorted((row.metric, row.dimensions) for row in PAGE[resource_type])
    in_file = sorted((a.metric or "", a.dimensions) for a in _aws(resource_type))
    assert in_file == transcribed


@pytest.mark.parametrize(
    ("resource_type", "row"),
    list(_page_cases()),
    ids=[f"{t}-{r.metric}-{len(r.dimensions)}" for t, r in _page_cases()],
)
def test_the_file_holds_the_pages_values(resource_type: str, row: Row) -> None:
    matches = [
        a for a in _aws(resource_type) if a.metric == row.metric and a.dimensions == row.dimensions
    ]
    assert len(matches) == 1
    alarm = matches[0]
    assert (
        alarm.statistic,
        alarm.threshold,
        alarm.page_comparison_operator,
        alarm.period,
        alarm.evaluation_periods,
        alarm.datapoints_to_alarm,
    ) == (
        row.statistic,
        row.threshold,
        row.comparison_operator,
        row.period,
        row.evaluation_periods,
        row.datapoints_to_alarm,
    )
    assert alarm.comparison == {GT: ">", GE: ">=", LT: "<", LE: "<="}[row.comparison_operator]
    page_text = _words(f"{alarm.description} {alarm.intent} {alarm.justification}")
    assert _words(row.sentence) in page_text


# ------------------------------------------------------------ statistics per metric


def test_a_percentile_on_a_metric_that_has_them_is_accepted() -> None:
    assert check_statistic_for("lambda_function", "Duration", "p99") is None
    assert check_statistic_for("api_gateway_http_api", "IntegrationLatency", "p99.9") is None
    assert check_statistic_for("application_load_balancer", "TargetResponseTime", "tm90") is None
    assert check_statistic_for("sqs_queue", "NumberOfMessagesSent", "Sum") is None


def test_a_percentile_on_a_count_is_refused_naming_the_metrics_that_have_them() -> None:
    message = check_statistic_for("lambda_function", "Errors", "p90")
    assert message == (
        "'p90' is a percentile statistic and Errors of lambda_function has none: use "
        "Average, Maximum, Minimum, SampleCount, Sum; percentiles exist for Duration"
    )


def test_a_percentile_on_a_type_without_any_is_refused() -> None:
    message = check_statistic_for("sqs_queue", "ApproximateAgeOfOldestMessage", "p99")
    assert message is not None
    assert "'p99' is a percentile statistic" in message
    assert "no sqs_queue metric has percentiles" in message


def test_dynamodb_latency_has_no_percentiles() -> None:
    # The DynamoDB guide lists Minimum, Maximum, Average, Sum, SampleCount only.
    assert check_statistic_for("dynamodb_table", "SuccessfulRequestLatency", "p90") is not None


def test_a_statistic_cloudwatch_does_not_know_is_refused() -> None:
    message = check_statistic_for("lambda_function", "Duration", "P99")
    assert message is not None
    assert message.startswith("'P99' is not a statistic; use SampleCount, Average")


# ------------------------------------------------------- data_problems on a bad file


@pytest.fixture
def bad_file(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A copy of the data file that a test breaks; data_problems reads it."""
    data = copy.deepcopy(recommended_alarms._data())
    monkeypatch.setattr(recommended_alarms, "_data", lambda: data)
    return data


def _sqs(data: dict[str, Any], source: str, index: int) -> dict[str, Any]:
    entry: dict[str, Any] = data["resource_types"]["sqs_queue"][source][index]
    return entry


@pytest.mark.parametrize(
    ("key", "value", "location", "expected"),
    [
        ("period", 45, "aws[3].period",
         "45 is not an alarm period; use 10, 20 or 30 (high resolution) or a multiple of 60"),
        ("datapoints_to_alarm", 16, "aws[3].datapoints_to_alarm",
         "16 must be between 1 and evaluation_periods (15)"),
        ("evaluation_periods", 1441, "aws[3].evaluation_periods",
         "1441 periods of 60 s is 86460 s; PutMetricAlarm allows at most 86400 s"),
        ("treat_missing_data", "zero", "aws[3].treat_missing_data",
         "'zero'; use one of breaching, notBreaching, ignore, missing"),
        ("comparison", "==", "aws[3].comparison", "'=='; use one of >, >=, <, <="),
        ("statistic", "p90", "aws[3].statistic",
         "'p90' is a percentile statistic and NumberOfMessagesSent of sqs_queue has none"),
        ("statistic", "Median", "aws[3].statistic", "'Median' is not a statistic"),
        ("threshold", 1.0, "aws[3].threshold", "1.0 is not the page's '0.0'"),
        ("section", "Amazon SNS", "aws[3].section",
         "'Amazon SNS' is not one of the type's page_sections (Amazon SQS)"),
    ],
)  # fmt: skip
def test_data_problems_names_the_entry_the_value_and_what_is_allowed(
    bad_file: dict[str, Any], key: str, value: object, location: str, expected: str
) -> None:
    _sqs(bad_file, "aws", 3)[key] = value
    problems = [str(p) for p in data_problems()]
    assert any(
        p.startswith(f"resource_types.sqs_queue.{location}: {expected}") for p in problems
    ), problems


def test_data_problems_finds_an_id_used_twice(bad_file: dict[str, Any]) -> None:
    _sqs(bad_file, "aws", 1)["id"] = _sqs(bad_file, "aws", 0)["id"]
    assert [str(p) for p in data_problems()] == [
        "resource_types.sqs_queue.aws[1].id: 'sqs.approximate_age_of_oldest_message' is used twice"
    ]


def test_data_problems_finds_an_alarm_of_ours_without_a_reason(bad_file: dict[str, Any]) -> None:
    del _sqs(bad_file, "ours", 0)["reason"]
    assert [str(p) for p in data_problems()] == [
        "resource_types.sqs_queue.ours[0].reason: an alarm of ours must say why we chose it"
    ]


def test_data_problems_finds_a_missing_resource_type(bad_file: dict[str, Any]) -> None:
    del bad_file["resource_types"]["eks_cluster"]
    problems = [str(p) for p in data_problems()]
    assert len(problems) == 1
    assert problems[0].startswith("resource_types: missing ['eks_cluster'], not monitored none")


def test_data_problems_finds_an_enabled_workload_alarm_without_a_suggestion(
    bad_file: dict[str, Any],
) -> None:
    entry = _sqs(bad_file, "aws", 2)  # ApproximateNumberOfMessagesVisible, off by default
    entry["enabled_by_default"] = {"value": True, "source": "ours"}
    assert [str(p) for p in data_problems()] == [
        "resource_types.sqs_queue.aws[2].threshold: depends on the workload, is on by default "
        "and suggests no default (default_threshold.value or derive): every user would have "
        "to set it; suggest one or turn it off by default"
    ]
