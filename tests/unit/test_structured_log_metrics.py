"""StructuredLogMetrics, through the construct API: its filters, its saved query, its checks.

One stack holds a log group with the default fields and one with custom fields,
levels, filter names and query name; it is synthesized once for the module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk.assertions import Match, Template

from observability_blueprint import (
    BlueprintError,
    ManagedLogGroup,
    Problem,
    StructuredLogFields,
    StructuredLogMetrics,
)
from observability_blueprint.rules.metric_filters import PublishedMetric
from support import new_stack

# Logical IDs: the filters are children of the log group (their construct ID is
# the filter's name), the saved query a child of StructuredLogMetrics.
API_LOG_GROUP = "Api9AF3637B"
CHECKOUT_LOG_GROUP = "CheckoutD3E33D9B"
SERVICE_DIMENSION = [{"Key": "Service", "Value": "$.service"}]


@dataclass
class Built:
    stack: Stack
    template: Template
    api_group: ManagedLogGroup
    api: StructuredLogMetrics
    checkout: StructuredLogMetrics

    def resource(self, logical_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.template.to_json()["Resources"][logical_id]
        return found


@pytest.fixture(scope="module")
def built() -> Built:
    _, stack = new_stack()
    api_group = ManagedLogGroup(stack, "Api", log_group_name="/shop/api")
    api = StructuredLogMetrics(stack, "ApiMetrics", log_group=api_group, namespace="Shop/Api")
    checkout = StructuredLogMetrics(
        stack,
        "CheckoutMetrics",
        log_group=ManagedLogGroup(stack, "Checkout"),
        namespace="Payments/Checkout",
        fields=StructuredLogFields(
            level="severity",
            latency_ms="duration_ms",
            status_code="http.status",
            response_bytes="http.response_bytes",
            request_id="function_request_id",
        ),
        error_levels=("ERROR", "FATAL"),
        filter_name_prefix="payments-checkout",
        query_name="payments/checkout/failed",
    )
    return Built(stack, Template.from_stack(stack), api_group, api, checkout)


# ------------------------------------------------------------ the filters


def test_five_filters_on_each_log_group(built: Built) -> None:
    built.template.resource_count_is("AWS::Logs::MetricFilter", 10)
    assert list(built.api.metric_filters) == [
        "errors",
        "latency",
        "status-5xx",
        "status-4xx",
        "response-bytes",
    ]
    # The construct's filters are the log group's: one set of names per log group.
    assert built.api.metric_filters == built.api_group.metric_filters
    assert built.api.metric_filters["errors"].node.path == "Test/Api/errors"


def test_error_filter_counts_error_levels_per_service(built: Built) -> None:
    assert built.resource("Apierrors7DB1AEBD") == {
        "Type": "AWS::Logs::MetricFilter",
        "Properties": {
            "FilterPattern": '{ $.level = "ERROR" || $.level = "CRITICAL" }',
            "LogGroupName": {"Ref": API_LOG_GROUP},
            "MetricTransformations": [
                {
                    "Dimensions": SERVICE_DIMENSION,
                    "MetricName": "Errors",
                    "MetricNamespace": "Shop/Api",
                    "MetricValue": "1",
                    "Unit": "Count",
                }
            ],
        },
    }


def test_latency_filter_publishes_the_latency_field(built: Built) -> None:
    assert built.resource("Apilatency31C44D07")["Properties"] == {
        "FilterPattern": "{ $.latency_ms >= 0 }",
        "LogGroupName": {"Ref": API_LOG_GROUP},
        "MetricTransformations": [
            {
                "Dimensions": SERVICE_DIMENSION,
                "MetricName": "Latency",
                "MetricNamespace": "Shop/Api",
                "MetricValue": "$.latency_ms",
                "Unit": "Milliseconds",
            }
        ],
    }


@pytest.mark.parametrize(
    ("logical_id", "pattern", "metric"),
    [
        (
            "Apistatus5xx81B13533",
            "{ $.status_code >= 500 && $.status_code <= 599 }",
            "ServerErrors",
        ),
        (
            "Apistatus4xxFA5D8689",
            "{ $.status_code >= 400 && $.status_code <= 499 }",
            "ClientErrors",
        ),
    ],
)
def test_status_filters_count_one_class_of_status_codes(
    built: Built, logical_id: str, pattern: str, metric: str
) -> None:
    assert built.resource(logical_id)["Properties"] == {
        "FilterPattern": pattern,
        "LogGroupName": {"Ref": API_LOG_GROUP},
        "MetricTransformations": [
            {
                "Dimensions": SERVICE_DIMENSION,
                "MetricName": metric,
                "MetricNamespace": "Shop/Api",
                "MetricValue": "1",
                "Unit": "Count",
            }
        ],
    }


def test_response_size_filter_publishes_the_bytes_field(built: Built) -> None:
    assert built.resource("Apiresponsebytes14C94E83")["Properties"] == {
        "FilterPattern": "{ $.response_bytes >= 0 }",
        "LogGroupName": {"Ref": API_LOG_GROUP},
        "MetricTransformations": [
            {
                "Dimensions": SERVICE_DIMENSION,
                "MetricName": "ResponseBytes",
                "MetricNamespace": "Shop/Api",
                "MetricValue": "$.response_bytes",
                "Unit": "Bytes",
            }
        ],
    }


def test_no_filter_has_a_default_value(built: Built) -> None:
    # A filter with a dimension cannot have one: CloudWatch Logs would refuse it.
    found = built.template.find_resources(
        "AWS::Logs::MetricFilter",
        {
            "Properties": {
                "MetricTransformations": [
                    {"Dimensions": SERVICE_DIMENSION, "DefaultValue": Match.absent()}
                ]
            }
        },
    )
    assert len(found) == 10


def test_filter_names_are_generated_without_a_prefix(built: Built) -> None:
    found = built.template.find_resources(
        "AWS::Logs::MetricFilter",
        {"Properties": {"LogGroupName": {"Ref": API_LOG_GROUP}, "FilterName": Match.absent()}},
    )
    assert len(found) == 5


@pytest.mark.parametrize(
    ("filter_name", "pattern", "metric", "value", "unit"),
    [
        (
            "payments-checkout-errors",
            '{ $.severity = "ERROR" || $.severity = "FATAL" }',
            "Errors",
            "1",
            "Count",
        ),
        (
            "payments-checkout-latency",
            "{ $.duration_ms >= 0 }",
            "Latency",
            "$.duration_ms",
            "Milliseconds",
        ),
        (
            "payments-checkout-status-5xx",
            "{ $.http.status >= 500 && $.http.status <= 599 }",
            "ServerErrors",
            "1",
            "Count",
        ),
        (
            "payments-checkout-status-4xx",
            "{ $.http.status >= 400 && $.http.status <= 499 }",
            "ClientErrors",
            "1",
            "Count",
        ),
        (
            "payments-checkout-response-bytes",
            "{ $.http.response_bytes >= 0 }",
            "ResponseBytes",
            "$.http.response_bytes",
            "Bytes",
        ),
    ],
)
def test_custom_fields_levels_and_filter_names(
    built: Built, filter_name: str, pattern: str, metric: str, value: str, unit: str
) -> None:
    built.template.has_resource_properties(
        "AWS::Logs::MetricFilter",
        Match.object_equals(
            {
                "FilterName": filter_name,
                "FilterPattern": pattern,
                "LogGroupName": {"Ref": CHECKOUT_LOG_GROUP},
                "MetricTransformations": [
                    {
                        "Dimensions": SERVICE_DIMENSION,
                        "MetricName": metric,
                        "MetricNamespace": "Payments/Checkout",
                        "MetricValue": value,
                        "Unit": unit,
                    }
                ],
            }
        ),
    )


def test_published_metrics_are_registered_on_the_log_group(built: Built) -> None:
    # What the blueprint's collision check reads.
    service = frozenset({"Service"})
    assert built.api_group.published_metrics == [
        PublishedMetric("Test/Api/errors", "Shop/Api", "Errors", service),
        PublishedMetric("Test/Api/latency", "Shop/Api", "Latency", service),
        PublishedMetric("Test/Api/status-5xx", "Shop/Api", "ServerErrors", service),
        PublishedMetric("Test/Api/status-4xx", "Shop/Api", "ClientErrors", service),
        PublishedMetric("Test/Api/response-bytes", "Shop/Api", "ResponseBytes", service),
    ]


# -------------------------------------------------------- the saved query


def test_failed_requests_query_with_the_default_name(built: Built) -> None:
    assert built.resource("ApiMetricsFailedRequestsC27B7F83") == {
        "Type": "AWS::Logs::QueryDefinition",
        "Properties": {
            "LogGroupNames": [{"Ref": API_LOG_GROUP}],
            "Name": "Test/ApiMetrics/failed-requests",
            "QueryString": (
                "fields @timestamp, service, level, status_code, request_id, xray_trace_id, "
                "@message\n"
                '| filter level in ["ERROR", "CRITICAL"] or status_code >= 500\n'
                "| sort @timestamp desc\n"
                "| limit 100"
            ),
        },
    }


def test_failed_requests_query_follows_the_fields_and_name(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Logs::QueryDefinition",
        {
            "LogGroupNames": [{"Ref": CHECKOUT_LOG_GROUP}],
            "Name": "payments/checkout/failed",
            "QueryString": (
                "fields @timestamp, service, severity, http.status, function_request_id, "
                "xray_trace_id, @message\n"
                '| filter severity in ["ERROR", "FATAL"] or http.status >= 500\n'
                "| sort @timestamp desc\n"
                "| limit 100"
            ),
        },
    )


def test_the_query_is_exposed(built: Built) -> None:
    query = built.checkout.failed_requests.node.default_child
    assert built.stack.get_logical_id(query) == "CheckoutMetricsFailedRequestsF5B3CC75"  # type: ignore[arg-type]
    built.template.resource_count_is("AWS::Logs::QueryDefinition", 2)


# ------------------------------------------------------------ the checks

FIELD_HINT = "use letters, digits and underscores, with dots for nested fields (http.status)"


def build_metrics(*, log_class: str = "STANDARD", **kwargs: Any) -> None:
    """Add StructuredLogMetrics to a new log group in a new stack."""
    _, stack = new_stack()
    log_group = ManagedLogGroup(stack, "Api", log_class=log_class)
    StructuredLogMetrics(stack, "Metrics", log_group=log_group, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"fields": StructuredLogFields(latency_ms="latency ms")},
            f"Test/Metrics.fields.latency_ms: 'latency ms' is not a JSON field name; {FIELD_HINT}",
        ),
        (
            {"fields": StructuredLogFields(level="")},
            f"Test/Metrics.fields.level: '' is not a JSON field name; {FIELD_HINT}",
        ),
        (
            {"fields": StructuredLogFields(status_code="http..status")},
            f"Test/Metrics.fields.status_code: 'http..status' is not a JSON field name; "
            f"{FIELD_HINT}",
        ),
        (
            {"error_levels": ()},
            "Test/Metrics.error_levels: name at least one level that counts as an error",
        ),
        (
            {"error_levels": ("ERROR", "ERR OR")},
            "Test/Metrics.error_levels[1]: 'ERR OR' is not a level; use letters, digits and "
            "underscores",
        ),
        (
            {"error_levels": ('ERROR"',)},
            "Test/Metrics.error_levels[0]: 'ERROR\"' is not a level; use letters, digits and "
            "underscores",
        ),
    ],
)
def test_bad_fields_and_levels_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(BlueprintError, match=f"^{re.escape(message)}$"):
        build_metrics(namespace="Shop/Api", **kwargs)


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(BlueprintError) as raised:
        build_metrics(
            namespace="Shop/Api",
            fields=StructuredLogFields(service="svc-name", latency_ms="latency ms"),
            error_levels=("ERR OR",),
        )
    assert raised.value.problems == (
        Problem(
            "Test/Metrics.fields.service", f"'svc-name' is not a JSON field name; {FIELD_HINT}"
        ),
        Problem(
            "Test/Metrics.fields.latency_ms", f"'latency ms' is not a JSON field name; {FIELD_HINT}"
        ),
        Problem(
            "Test/Metrics.error_levels[0]",
            "'ERR OR' is not a level; use letters, digits and underscores",
        ),
    )


# The namespace and filter-name prefix are reported at the construct's own arguments.
NS_RULE = (
    "use printable ASCII without ':', '*' or '$', not starting with AWS/ (reserved for AWS "
    "services)"
)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"namespace": "Shop:Api"},
            "Test/Metrics.namespace: 'Shop:Api' is not a custom metric namespace; " + NS_RULE,
        ),
        (
            {"namespace": "Shop$Api"},
            "Test/Metrics.namespace: 'Shop$Api' is not a custom metric namespace; " + NS_RULE,
        ),
        (
            {"namespace": ""},
            "Test/Metrics.namespace: '' is 0 characters; a namespace is 1 to 255",
        ),
        (
            {"namespace": "N" * 256},
            f"Test/Metrics.namespace: '{'N' * 57}...' is 256 characters; a namespace is 1 to 255",
        ),
        (
            {"namespace": "Shop/Api", "filter_name_prefix": "shop:api"},
            "Test/Metrics.filter_name_prefix: 'shop:api-errors' is not a valid filter name; use 1 "
            "to 512 characters without ':' or '*'",
        ),
    ],
)
def test_bad_namespace_and_filter_names_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(BlueprintError, match=f"^{re.escape(message)}$"):
        build_metrics(**kwargs)


def test_log_group_of_the_infrequent_access_class_is_refused() -> None:
    message = (
        "Test/Api.metric_filters: a log group of class INFREQUENT_ACCESS cannot have metric "
        "filters (only STANDARD log groups can); set log_class: STANDARD or remove the filters. "
        "The class cannot be changed after the log group is created"
    )
    with pytest.raises(BlueprintError, match=f"^{re.escape(message)}$"):
        build_metrics(namespace="Shop/Api", log_class="INFREQUENT_ACCESS")


def test_a_second_set_on_the_same_log_group_is_refused() -> None:
    _, stack = new_stack()
    log_group = ManagedLogGroup(stack, "Api")
    StructuredLogMetrics(stack, "Metrics", log_group=log_group, namespace="Shop/Api")
    message = (
        "Test/Api.metric_filters[5].name: 'errors' is already the name of metric_filters[0]; "
        "filter names must be unique within a log group"
    )
    with pytest.raises(BlueprintError, match=f"^{re.escape(message)}$"):
        StructuredLogMetrics(stack, "Again", log_group=log_group, namespace="Shop/Other")


def test_bad_fields_and_a_bad_namespace_are_reported_together() -> None:
    with pytest.raises(BlueprintError) as caught:
        build_metrics(namespace="Shop:Api", error_levels=("ERR OR",))
    assert [p.location for p in caught.value.problems] == [
        "Test/Metrics.error_levels[0]",
        "Test/Metrics.namespace",
    ]


def test_metric_methods_name_the_filters_metrics() -> None:
    _, stack = new_stack()
    log_group = ManagedLogGroup(stack, "Api")
    metrics = StructuredLogMetrics(stack, "Metrics", log_group=log_group, namespace="Shop/Api")
    found = {
        (
            m.namespace,
            m.metric_name,
            m.statistic,
            m.period.to_seconds(),
            *m.dimensions.items(),
        )
        for m in (
            metrics.metric_errors("checkout"),
            metrics.metric_latency("checkout"),
            metrics.metric_server_errors("checkout"),
            metrics.metric_client_errors("checkout"),
            metrics.metric_response_bytes("checkout", period=Duration.minutes(1)),
        )
    }
    assert found == {
        ("Shop/Api", "Errors", "Sum", 300, ("Service", "checkout")),
        ("Shop/Api", "Latency", "p99", 300, ("Service", "checkout")),
        ("Shop/Api", "ServerErrors", "Sum", 300, ("Service", "checkout")),
        ("Shop/Api", "ClientErrors", "Sum", 300, ("Service", "checkout")),
        ("Shop/Api", "ResponseBytes", "Sum", 60, ("Service", "checkout")),
    }
