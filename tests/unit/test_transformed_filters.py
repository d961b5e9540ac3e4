"""Metric filters on a transformed log group: ManagedLogGroup.add_transformer and its filters.

One stack holds the valid variants and is synthesized once for the module; each
bad input gets its own small stack. Filter examples are written as raw lines,
as the application writes them; the offline engine transforms them first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import CfnElement, Stack
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Match, Template

from observability_blueprint import (
    BlueprintError,
    ManagedLogGroup,
    MetricFilterSpec,
    PatternExamples,
    StructuredLogMetrics,
)
from observability_blueprint.logs.contributor_insights import ContributorInsights
from observability_blueprint.logs.transformer import LogTransformer
from observability_blueprint.rules.contributor_insights import json_access_log_rules
from observability_blueprint.rules.structured_logs import StructuredLogFields
from observability_blueprint.rules.transformers import (
    SHIPPED_PARSERS,
    Grok,
    ParseKeyValue,
    TypeConversion,
    TypeConverter,
    VendedLogParser,
)
from support import new_stack

# NGINX's combined format, as the server writes it.
SERVER_ERROR = '10.0.0.1 - - [03/Aug/2023:14:34:56 +0000] "POST /pay HTTP/1.1" 503 12'
HEALTH_CHECK = '10.0.0.7 - - [03/Aug/2023:14:34:57 +0000] "GET /health HTTP/1.1" 200 2'
KV_PROCESSORS = (
    ParseKeyValue(field_delimiter=" ", key_value_delimiter="="),
    TypeConverter(
        entries=[
            TypeConversion(key="latency_ms", type="double"),
            TypeConversion(key="status_code", type="integer"),
            TypeConversion(key="response_bytes", type="integer"),
        ]
    ),
)


def _server_errors(*, match: tuple[str, ...], no_match: tuple[str, ...] = ()) -> MetricFilterSpec:
    return MetricFilterSpec(
        name="ServerErrors",
        pattern="{ $.status_code >= 500 }",
        namespace="Shop/Web",
        metric_name="ServerErrors",
        examples=PatternExamples(match=match, no_match=no_match),
    )


@dataclass
class Built:
    stack: Stack
    template: Template
    access: ManagedLogGroup
    app: ManagedLogGroup

    def logical_id(self, construct: Any) -> str:
        element = construct if isinstance(construct, CfnElement) else construct.node.default_child
        return self.stack.get_logical_id(element)

    def filter(self, group: ManagedLogGroup, name: str) -> dict[str, Any]:
        logical_id = self.logical_id(group.metric_filters[name])
        resource: dict[str, Any] = self.template.to_json()["Resources"][logical_id]
        return resource


@pytest.fixture(scope="module")
def built() -> Built:
    _, stack = new_stack()
    access = ManagedLogGroup(stack, "Access", log_group_name="/shop/dev/access")
    access.add_transformer(log_format="nginx_combined")
    access.add_metric_filter(_server_errors(match=(SERVER_ERROR,), no_match=(HEALTH_CHECK,)))
    access.add_metric_filter(
        "Posts",
        filter_pattern=logs.FilterPattern.literal('{ $.http_method = "POST" }'),
        metric_name="Posts",
        metric_namespace="Shop/Web",
    )
    access.add_metric_filter(
        MetricFilterSpec(
            name="HealthChecks",
            pattern='"GET /health"',
            namespace="Shop/Web",
            metric_name="HealthChecks",
            apply_on_transformed_logs=False,
            examples=PatternExamples(match=(HEALTH_CHECK,), no_match=(SERVER_ERROR,)),
        )
    )
    ContributorInsights(
        stack,
        "AccessInsights",
        log_groups=[access],
        rules=json_access_log_rules(StructuredLogFields(), client_ip="remote_host", path="request"),
        rule_name_prefix="shop-dev-access",
    )

    app = ManagedLogGroup(stack, "App", log_group_name="/shop/dev/app")
    app.add_transformer("KeyValue", processors=KV_PROCESSORS)
    StructuredLogMetrics(stack, "AppMetrics", log_group=app, namespace="Shop/App")

    plain = ManagedLogGroup(stack, "Plain", log_group_name="/shop/dev/plain")
    plain.add_metric_filter(
        MetricFilterSpec(
            name="Errors",
            pattern='"ERROR"',
            namespace="Shop/Plain",
            metric_name="Errors",
            examples=PatternExamples(match=("ERROR payment declined",)),
        )
    )
    ContributorInsights(
        stack,
        "MixedInsights",
        log_groups=[access, plain],
        rules=json_access_log_rules(),
        rule_name_prefix="shop-dev-mixed",
    )
    return Built(stack, Template.from_stack(stack), access, app)


def test_add_transformer_makes_a_log_transformer_on_the_log_group(built: Built) -> None:
    transformer = built.access.transformer
    assert isinstance(transformer, LogTransformer)
    assert transformer.node.path == "Test/Access/Transformer"
    assert transformer.processors == SHIPPED_PARSERS["nginx_combined"]
    built.template.has_resource_properties(
        "AWS::Logs::Transformer",
        {
            "LogGroupIdentifier": {"Ref": built.logical_id(built.access.log_group)},
            "TransformerConfig": [{"Grok": {"Match": "%{NGINX_ACCESS_LOG}"}}],
        },
    )
    assert built.app.transformer is not None
    assert built.app.transformer.node.path == "Test/App/KeyValue"


def test_filters_follow_the_transformer_and_wait_for_it(built: Built) -> None:
    transformer = built.logical_id(built.access.transformer.resource)  # type: ignore[union-attr]
    for name in ("ServerErrors", "Posts"):
        resource = built.filter(built.access, name)
        assert resource["Properties"]["ApplyOnTransformedLogs"] is True
        assert transformer in resource["DependsOn"]
    built.template.has_resource_properties(
        "AWS::Logs::MetricFilter",
        {"FilterPattern": "{ $.status_code >= 500 }", "ApplyOnTransformedLogs": True},
    )


def test_a_filter_can_stay_on_the_raw_lines(built: Built) -> None:
    resource = built.filter(built.access, "HealthChecks")
    assert resource["Properties"]["ApplyOnTransformedLogs"] is False
    assert "DependsOn" not in resource


def test_a_log_group_without_a_transformer_keeps_its_filters_as_they_were(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Logs::MetricFilter",
        {"FilterPattern": '"ERROR"', "ApplyOnTransformedLogs": Match.absent()},
    )


def test_structured_log_metrics_on_a_key_value_log_group(built: Built) -> None:
    transformer = built.logical_id(built.app.transformer.resource)  # type: ignore[union-attr]
    names = ["errors", "latency", "status-5xx", "status-4xx", "response-bytes"]
    assert sorted(built.app.metric_filters) == sorted(names)
    for name in names:
        resource = built.filter(built.app, name)
        assert resource["Properties"]["ApplyOnTransformedLogs"] is True, name
        assert transformer in resource["DependsOn"], name


def test_contributor_insights_follow_the_transformers(built: Built) -> None:
    rules = built.template.find_resources("AWS::CloudWatch::InsightRule")
    by_name = {r["Properties"]["RuleName"]: r for r in rules.values()}
    transformer = built.logical_id(built.access.transformer.resource)  # type: ignore[union-attr]
    transformed = by_name["shop-dev-access-top-client-ips"]
    assert transformed["Properties"]["ApplyOnTransformedLogs"] is True
    assert transformer in transformed["DependsOn"]
    # One of the two log groups has no transformer: the rules read the raw events.
    mixed = by_name["shop-dev-mixed-top-client-ips"]
    assert "ApplyOnTransformedLogs" not in mixed["Properties"]


# -- bad input ---------------------------------------------------------------------


def _access(stack: Stack) -> ManagedLogGroup:
    group = ManagedLogGroup(stack, "Access")
    group.add_transformer(log_format="nginx_combined")
    return group


def test_a_failing_example_is_reported_as_the_raw_line() -> None:
    _, stack = new_stack()
    group = _access(stack)
    with pytest.raises(BlueprintError) as raised:
        group.add_metric_filter(
            _server_errors(
                match=(HEALTH_CHECK, "upstream timed out"),
                no_match=(SERVER_ERROR,),
            )
        )
    assert str(raised.value).splitlines() == [
        "Test/Access/ServerErrors.examples.match[0]: the pattern '{ $.status_code >= 500 }' "
        "does not match this line, which it should: '10.0.0.7 - - [03/Aug/2023:14:34:57 "
        '+0000] "GET /health HTTP/1.1" 200 2\'; after the transformer, $.status_code is 200',
        "Test/Access/ServerErrors.examples.match[1]: the pattern '{ $.status_code >= 500 }' "
        "does not match this line, which it should: 'upstream timed out'; the transformer "
        "cannot parse it, so the filter sees the line as it came",
        "Test/Access/ServerErrors.examples.no_match[0]: the pattern '{ $.status_code >= 500 }' "
        "matches this line, which it should not: '10.0.0.1 - - [03/Aug/2023:14:34:56 +0000] "
        '"POST /pay HTTP/1.1" 503 12\'; after the transformer, $.status_code is 503',
    ]


def test_raw_lines_need_a_transformer_that_gives_numbers() -> None:
    # parseKeyValue gives text: without a typeConverter, 503 is "503" and no
    # numeric comparison matches it. The message shows what the pattern tested.
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "App")
    group.add_transformer(log_format="key_value")
    with pytest.raises(BlueprintError) as raised:
        group.add_metric_filter(_server_errors(match=("level=ERROR status_code=503",)))
    assert str(raised.value) == (
        "Test/App/ServerErrors.examples.match[0]: the pattern '{ $.status_code >= 500 }' does "
        "not match this line, which it should: 'level=ERROR status_code=503'; after the "
        'transformer, $.status_code is "503"'
    )


def test_a_second_transformer() -> None:
    _, stack = new_stack()
    group = _access(stack)
    with pytest.raises(BlueprintError) as raised:
        group.add_transformer("Json", log_format="json")
    assert str(raised.value) == (
        "Test/Access/Json: Test/Access already has a transformer (Test/Access/Transformer); a "
        "log group takes one: put all the processors in one add_transformer"
    )
    with pytest.raises(BlueprintError) as raised:
        LogTransformer(stack, "Other", log_group=group, log_format="json")
    assert str(raised.value) == (
        "Test/Other.log_group: Test/Access already has a transformer (Test/Access/Transformer); "
        "a log group takes one: put all the processors in one LogTransformer"
    )


def test_a_transformer_after_filters_that_follow_it() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Access")
    group.add_metric_filter(
        "Errors",
        filter_pattern=logs.FilterPattern.literal('" 500 "'),
        metric_name="Errors",
        metric_namespace="Shop/Web",
    )
    group.add_metric_filter(
        "Gets",
        filter_pattern=logs.FilterPattern.literal('"GET"'),
        metric_name="Gets",
        metric_namespace="Shop/Web",
        apply_on_transformed_logs=False,
    )
    with pytest.raises(BlueprintError) as raised:
        group.add_transformer(log_format="nginx_combined")
    assert str(raised.value) == (
        "Test/Access/Transformer: Test/Access already has metric filters made for its raw "
        "lines (Errors), their apply_on_transformed_logs unset; add the transformer before the "
        "metric filters, so they match the transformed events, or set "
        "apply_on_transformed_logs=False on them to keep them on the raw lines"
    )
    assert group.transformer is None
    # A LogTransformer given the ManagedLogGroup is held to the same rule.
    with pytest.raises(BlueprintError, match=r"^Test/Parser: Test/Access already has metric"):
        LogTransformer(stack, "Parser", log_group=group, log_format="nginx_combined")


def test_a_filter_kept_on_raw_lines_lets_the_transformer_come_after() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Access")
    group.add_metric_filter(
        MetricFilterSpec(
            name="Gets",
            pattern='"GET"',
            namespace="Shop/Web",
            metric_name="Gets",
            apply_on_transformed_logs=False,
        )
    )
    transformer = group.add_transformer(log_format="nginx_combined")
    assert group.transformer is transformer


def test_a_log_transformer_given_the_managed_log_group_is_recorded() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Access")
    transformer = LogTransformer(stack, "Parser", log_group=group, log_format="nginx_combined")
    assert group.transformer is transformer
    metric_filter = group.add_metric_filter(_server_errors(match=(SERVER_ERROR,)))
    resource = metric_filter.node.default_child
    assert isinstance(resource, logs.CfnMetricFilter)
    assert resource.apply_on_transformed_logs is True


def test_examples_with_processors_the_engine_does_not_emulate() -> None:
    _, stack = new_stack()
    flows = ManagedLogGroup(stack, "Flows")
    flows.add_transformer(processors=[VendedLogParser(log_type="vpc")])
    spec = MetricFilterSpec(
        name="Rejects",
        pattern='{ $.action = "REJECT" }',
        namespace="Shop/Network",
        metric_name="Rejects",
        examples=PatternExamples(match=("2 123456789010 eni-abc123de REJECT OK",)),
    )
    with pytest.raises(BlueprintError) as raised:
        flows.add_metric_filter(spec)
    assert str(raised.value) == (
        "Test/Flows/Rejects.examples: processors[0] (parseVPC) is not emulated offline, so the "
        "examples (raw lines) cannot be transformed and matched as CloudWatch Logs would; "
        "remove the examples, or use processors the offline engine emulates (any but "
        "parseToOCSF and the vended-log parsers)"
    )
    # Without examples the filter is made, on the transformed events.
    made = flows.add_metric_filter(
        MetricFilterSpec(
            name="Rejected",
            pattern='{ $.action = "REJECT" }',
            namespace="Shop/Network",
            metric_name="Rejects",
        )
    )
    resource = made.node.default_child
    assert isinstance(resource, logs.CfnMetricFilter)
    assert resource.apply_on_transformed_logs is True

    app = ManagedLogGroup(stack, "Mail")
    app.add_transformer(processors=[Grok(match="%{DATESTAMP_RFC822:when} %{GREEDYDATA:text}")])
    with pytest.raises(BlueprintError) as raised:
        app.add_metric_filter(
            MetricFilterSpec(
                name="Bounces",
                pattern='{ $.text = "*bounced*" }',
                namespace="Shop/Mail",
                metric_name="Bounces",
                examples=PatternExamples(no_match=("Wed, 02 Aug 23 10:00:00 GMT delivered",)),
            )
        )
    assert str(raised.value) == (
        "Test/Mail/Bounces.examples: processors[0] uses %{DATESTAMP_RFC822}, which the offline "
        "grok engine does not emulate, so the examples (raw lines) cannot be transformed and "
        "matched as CloudWatch Logs would; remove the examples, or use grok patterns the "
        "offline engine emulates (such as %{DATESTAMP})"
    )


def test_transformed_logs_asked_for_without_a_transformer() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Plain")
    expected = (
        "True, but this log group has no transformer, so there are no transformed events to "
        "match; add a transformer to the log group before this filter, or leave it unset"
    )
    with pytest.raises(BlueprintError) as raised:
        group.add_metric_filter(
            MetricFilterSpec(
                name="Errors",
                pattern='{ $.level = "ERROR" }',
                namespace="Shop/Plain",
                metric_name="Errors",
                apply_on_transformed_logs=True,
            )
        )
    assert str(raised.value) == f"Test/Plain/Errors.apply_on_transformed_logs: {expected}"
    with pytest.raises(BlueprintError) as raised:
        group.add_metric_filter(
            "Warnings",
            filter_pattern=logs.FilterPattern.literal('{ $.level = "WARN" }'),
            metric_name="Warnings",
            metric_namespace="Shop/Plain",
            apply_on_transformed_logs=True,
        )
    assert str(raised.value) == f"Test/Plain/Warnings.apply_on_transformed_logs: {expected}"
