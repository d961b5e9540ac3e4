"""The filters and query derived for JSON application logs (pure, no synthesis)."""

from __future__ import annotations

import json

import pytest

from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.metric_filters import metric_filter_problems
from observability_blueprint.rules.structured_logs import (
    StructuredLogFields,
    failed_requests_query,
    field_problems,
    structured_log_filters,
)


@pytest.fixture(scope="module")
def by_name() -> dict[str, object]:
    return {s.name: s for s in structured_log_filters(namespace="Shop/Api")}


def test_five_filters_with_the_service_dimension(by_name: dict[str, object]) -> None:
    specs = structured_log_filters(namespace="Shop/Api")
    assert [(s.name, s.metric_name, s.metric_value, s.unit) for s in specs] == [
        ("errors", "Errors", "1", "Count"),
        ("latency", "Latency", "$.latency_ms", "Milliseconds"),
        ("status-5xx", "ServerErrors", "1", "Count"),
        ("status-4xx", "ClientErrors", "1", "Count"),
        ("response-bytes", "ResponseBytes", "$.response_bytes", "Bytes"),
    ]
    for spec in specs:
        assert dict(spec.dimensions) == {"Service": "$.service"}
        assert spec.default_value is None  # not allowed with a dimension
        assert metric_filter_problems(spec) == []


def test_patterns_use_the_given_fields_and_levels() -> None:
    fields = StructuredLogFields(level="severity", status_code="http.status")
    specs = {
        s.name: s
        for s in structured_log_filters(
            namespace="N", fields=fields, error_levels=("ERROR", "FATAL")
        )
    }
    assert specs["errors"].pattern == '{ $.severity = "ERROR" || $.severity = "FATAL" }'
    assert specs["status-5xx"].pattern == "{ $.http.status >= 500 && $.http.status <= 599 }"
    assert specs["status-4xx"].pattern == "{ $.http.status >= 400 && $.http.status <= 499 }"


def test_examples_are_events_with_the_configured_nested_fields() -> None:
    fields = StructuredLogFields(status_code="http.status")
    specs = {s.name: s for s in structured_log_filters(namespace="N", fields=fields)}
    examples = specs["status-5xx"].examples
    assert examples is not None
    event = json.loads(examples.match[0])
    assert event["http"]["status"] == 503
    assert [json.loads(e)["http"]["status"] for e in examples.no_match] == [200, 600]


def test_failed_requests_query_shows_request_and_trace_ids() -> None:
    query = failed_requests_query(StructuredLogFields(request_id="function_request_id"))
    assert query.render() == (
        "fields @timestamp, service, level, status_code, function_request_id, xray_trace_id, "
        "@message\n"
        '| filter level in ["ERROR", "CRITICAL"] or status_code >= 500\n'
        "| sort @timestamp desc\n"
        "| limit 100"
    )


def test_bad_field_names_and_levels() -> None:
    problems = field_problems(StructuredLogFields(latency_ms="latency ms"), ("ERR OR",))
    assert problems == [
        Problem(
            "fields.latency_ms",
            "'latency ms' is not a JSON field name; use letters, digits and underscores, with "
            "dots for nested fields (http.status)",
        ),
        Problem("error_levels[0]", "'ERR OR' is not a level; use letters, digits and underscores"),
    ]
    assert field_problems(StructuredLogFields(), ()) == [
        Problem("error_levels", "name at least one level that counts as an error")
    ]
