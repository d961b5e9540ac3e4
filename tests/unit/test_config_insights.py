"""The file's saved queries (``log_groups[].queries``) and ``tracing:`` (issue 13)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from aws_cdk.assertions import Template

from observability_blueprint import Blueprint, BlueprintError, ObservabilityBlueprint
from support import new_stack, properties

BASE: dict[str, Any] = {
    "name": "shop",
    "stage": "dev",
    "notifications": [{"name": "ops"}],
    "log_groups": [
        {"name": "api", "structured_logs": {}},
        {"name": "worker"},
    ],
}


def data(**top: Any) -> dict[str, Any]:
    found = copy.deepcopy(BASE)
    found.update(top)
    return found


def error_of(value: dict[str, Any]) -> str:
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict(value)
    return str(caught.value)


# ------------------------------------------------------------- saved queries


def test_every_log_group_gets_the_catalogue_in_its_folder() -> None:
    blueprint = Blueprint.from_dict(data())
    assert sorted(blueprint.saved_queries) == [
        "shop-dev/api/errors-by-status",
        "shop-dev/api/failed-requests",
        "shop-dev/api/latency-percentiles",
        "shop-dev/api/one-trace",
        "shop-dev/api/slowest-requests",
        "shop-dev/api/top-error-messages",
        "shop-dev/worker/errors-by-status",
        "shop-dev/worker/failed-requests",
        "shop-dev/worker/latency-percentiles",
        "shop-dev/worker/one-trace",
        "shop-dev/worker/slowest-requests",
        "shop-dev/worker/top-error-messages",
    ]
    assert blueprint.saved_queries["shop-dev/api/one-trace"].log_groups == ["/shop/dev/api"]


def test_a_query_of_your_own_is_saved_and_the_defaults_can_be_turned_off() -> None:
    value = data()
    value["log_groups"][1]["queries"] = {
        "defaults": False,
        "custom": [
            {"name": "restarts", "query": "filter @message like /restart/ | stats count(*)"}
        ],
    }
    blueprint = Blueprint.from_dict(value)
    worker = sorted(n for n in blueprint.saved_queries if n.startswith("shop-dev/worker/"))
    assert worker == ["shop-dev/worker/restarts"]


def test_a_broken_query_stops_with_its_place_and_a_caret() -> None:
    value = data()
    value["log_groups"][0]["queries"] = {
        "custom": [{"name": "broken", "query": 'filter level = "ERROR | limit 5'}]
    }
    assert error_of(value).splitlines() == [
        'log_groups[0].queries.custom[0]: the string opened with " at column 16 is never '
        'closed; close it with " (write \\" for a " inside it)',
        '  filter level = "ERROR | limit 5',
        "                 ^",
    ]


def test_an_unknown_command_is_refused_at_its_place() -> None:
    value = data()
    value["log_groups"][0]["queries"] = {"custom": [{"name": "typo", "query": "feilds @message"}]}
    message = error_of(value)
    assert message.startswith("log_groups[0].queries.custom[0]: ")
    assert "feilds" in message
    assert "fields" in message  # what is allowed: the command it resembles


def test_the_blueprint_saves_each_query_once() -> None:
    _, stack = new_stack()
    ObservabilityBlueprint(stack, "Blueprint", config=Blueprint.from_dict(data()))
    names = sorted(
        p["Name"] for p in properties(Template.from_stack(stack), "AWS::Logs::QueryDefinition")
    )
    assert len(names) == len(set(names)) == 12
    assert "shop-dev/api/failed-requests" in names


# ------------------------------------------------------------------ tracing


def test_tracing_makes_a_group_per_service_and_insight_alerts() -> None:
    value = data(
        tracing={
            "groups": {"latency_above_seconds": 2.5, "insights": True, "notify": "ops"},
            "sampling_rules": [{"name": "api", "priority": 10, "fixed_rate": 0.05}],
            "transaction_search": {"indexing_percentage": 2},
        }
    )
    _, stack = new_stack()
    ObservabilityBlueprint(stack, "Blueprint", config=Blueprint.from_dict(value))
    template = Template.from_stack(stack)
    groups = {g["GroupName"]: g for g in properties(template, "AWS::XRay::Group")}
    assert sorted(groups) == ["shop-dev-api", "shop-dev-worker"]
    assert groups["shop-dev-api"]["FilterExpression"] == (
        'service("api") { fault OR error OR responsetime > 2.5 }'
    )
    assert groups["shop-dev-api"]["InsightsConfiguration"] == {
        "InsightsEnabled": True,
        "NotificationsEnabled": True,
    }
    rules = {r.get("Name"): r for r in properties(template, "AWS::Events::Rule")}
    assert rules["shop-dev-api-xray-insights"]["EventPattern"]["detail"]["GroupName"] == [
        "shop-dev-api"
    ]
    [rule] = properties(template, "AWS::XRay::SamplingRule")
    assert rule["SamplingRule"]["FixedRate"] == 0.05
    [search] = properties(template, "AWS::XRay::TransactionSearchConfig")
    assert search["IndexingPercentage"] == 2


def test_tracing_refuses_what_xray_refuses_at_the_files_places() -> None:
    value = data(
        tracing={
            "groups": {"notify": "pager"},
            "sampling_rules": [
                {"name": "a", "priority": 10000, "fixed_rate": 1.5, "reservoir_size": -1},
                {"name": "x" * 33, "priority": 1, "fixed_rate": 0.1},
            ],
        }
    )
    assert error_of(value).splitlines() == [
        "tracing.sampling_rules[0].priority: 10000 is not a sampling rule priority; give a "
        "whole number from 1 to 9,999 (rules are evaluated from 1 up; the built-in Default "
        "rule is 10,000)",
        "tracing.sampling_rules[0].fixed_rate: 1.5 is not a fixed rate; give a fraction of "
        "requests from 0 to 1, such as 0.05 for 5%",
        "tracing.sampling_rules[0].reservoir_size: -1 is not a reservoir size; give a whole "
        "number of requests per second, from 0 to 2,147,483,647",
        f"tracing.sampling_rules[1].name: {'x' * 33!r} has 33 characters; a sampling rule "
        "name has 1 to 32",
    ]


def test_a_group_name_longer_than_xray_takes_and_an_insight_topic_without_insights() -> None:
    value = data(
        name="a-rather-long-workload",
        tracing={"groups": {"notify": "ops"}},
    )
    value["log_groups"] = [{"name": "checkout-service"}]
    lines = error_of(value).splitlines()
    assert lines[0].startswith(
        "tracing.groups: the group of service 'checkout-service' would be named "
        "'a-rather-long-workload-dev-checkout-service': "
    )
    assert lines[0].endswith("; shorten the blueprint's name, stage or service")
    assert lines[1] == (
        "tracing.groups.notify: insight notifications need insights: set insights: true"
    )


def test_an_insight_topic_must_be_a_blueprint_topic() -> None:
    value = data(tracing={"groups": {"insights": True, "notify": "pager"}})
    assert error_of(value) == (
        "tracing.groups.notify: 'pager' is not a blueprint topic; known topics: ops"
    )


# ------------------------------------------------------- log anomaly detection


def test_anomaly_detection_is_on_for_standard_log_groups_and_can_be_turned_off() -> None:
    value = data()
    value["log_groups"].append({"name": "archive", "log_class": "INFREQUENT_ACCESS"})
    value["log_groups"][1]["anomaly_detection"] = {"enabled": False}
    _, stack = new_stack()
    ObservabilityBlueprint(stack, "Blueprint", config=Blueprint.from_dict(value))
    template = Template.from_stack(stack)
    detectors = properties(template, "AWS::Logs::LogAnomalyDetector")
    assert [d["DetectorName"] for d in detectors] == ["shop-dev-api"]
    assert detectors[0]["EvaluationFrequency"] == "FIFTEEN_MIN"
    assert detectors[0]["AnomalyVisibilityTime"] == 21
    [alarm] = [
        a
        for a in properties(template, "AWS::CloudWatch::Alarm")
        if a.get("AlarmName") == "shop-dev-api-log-anomalies"
    ]
    assert alarm["MetricName"] == "AnomalyCount"
    assert alarm["Namespace"] == "AWS/Logs"


def test_an_evaluation_frequency_aws_does_not_take_is_refused_at_its_place() -> None:
    value = data()
    value["log_groups"][0]["anomaly_detection"] = {"evaluation_minutes": 1}
    assert error_of(value) == (
        "log_groups[0].anomaly_detection.evaluation_minutes: 1 minute is not an anomaly "
        "detector's evaluation frequency; use 5, 10, 15, 30 or 60 minutes (the API's one "
        "minute, ONE_MIN, is not in CloudFormation's AWS::Logs::LogAnomalyDetector)"
    )
