"""On-call graphs per AWS resource, and threshold lines only where they match (pure)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from observability_blueprint.rules.dashboard_model import (
    PlotExpression,
    PlotMetric,
    Series,
    normal_statistic,
    threshold_mismatch,
)
from observability_blueprint.rules.recommended_alarms import (
    PERCENTILE_METRICS,
    RESOURCE_TYPES,
    MathInput,
)
from observability_blueprint.rules.resource_alarms import ResolvedAlarm
from observability_blueprint.rules.resource_dashboards import (
    GRAPHS,
    Line,
    Math,
    resource_graphs,
    resource_section,
)
from observability_blueprint.rules.resource_refs import ResourceIdentity, identify

FUNCTION = identify("lambda_function", "checkout")


def alarm(
    metric: str | None = "Errors",
    statistic: str | None = "Sum",
    period: int = 60,
    *,
    dimensions: Mapping[str, str] | None = None,
    namespace: str = "AWS/Lambda",
    threshold: float = 1.0,
    alarm_id: str = "lambda.errors",
    expression: str | None = None,
    inputs: tuple[MathInput, ...] = (),
) -> ResolvedAlarm:
    return ResolvedAlarm(
        alarm_id=alarm_id,
        source="aws",
        namespace=namespace,
        metric=metric,
        expression=expression,
        inputs=inputs,
        dimensions={"FunctionName": "checkout"} if dimensions is None else dimensions,
        statistic=statistic,
        threshold=threshold,
        comparison=">",
        period=period,
        evaluation_periods=3,
        datapoints_to_alarm=3,
        treat_missing_data="notBreaching",
        description="",
        threshold_from="file",
        short_name=alarm_id.replace(".", "-"),
    )


def series(
    metric: str = "Errors",
    statistic: str = "Sum",
    period: int = 300,
    dimensions: tuple[tuple[str, str | None], ...] = (("FunctionName", "checkout"),),
    namespace: str = "AWS/Lambda",
) -> Series:
    return Series(namespace, metric, dimensions, statistic, period)


# ------------------------------------------------------------ the matching rule


def test_a_threshold_matches_its_own_series() -> None:
    assert threshold_mismatch(series(period=60), series(period=60)) is None


@pytest.mark.parametrize(
    ("graph", "message"),
    [
        (
            series(metric="Throttles", period=60),
            "metric AWS/Lambda Errors is not the graph's AWS/Lambda Throttles",
        ),
        (
            series(namespace="Shop/Api", period=60),
            "metric AWS/Lambda Errors is not the graph's Shop/Api Errors",
        ),
        (
            series(period=60, dimensions=(("FunctionName", "refund"),)),
            "dimensions FunctionName=checkout are not the graph's FunctionName=refund",
        ),
        (
            series(period=60, dimensions=()),
            "dimensions FunctionName=checkout are not the graph's (none)",
        ),
        (
            series(statistic="Average", period=60),
            "statistic Sum is not the graph's Average",
        ),
        # The cases: a Sum over 60 s on a Sum graph over 300 s (five times off) ...
        (series(period=300), "period 60 s is not the graph's 300 s"),
    ],
)
def test_a_threshold_is_not_drawn_on_another_series(graph: Series, message: str) -> None:
    assert threshold_mismatch(series(period=60), graph) == message


def test_a_p50_threshold_is_not_drawn_on_a_p99_graph() -> None:
    # ... and a p50 / 60 s threshold on a p99 / 300 s graph.
    p50 = series("Duration", "p50", 60)
    assert threshold_mismatch(p50, series("Duration", "p99", 60)) == (
        "statistic p50 is not the graph's p99"
    )
    assert threshold_mismatch(p50, series("Duration", "p50", 300)) == (
        "period 60 s is not the graph's 300 s"
    )


def test_a_search_line_matches_any_value_of_its_dimension() -> None:
    search = series(period=60, dimensions=(("FunctionName", None),))
    assert threshold_mismatch(series(period=60), search) is None
    wider = series(period=60, dimensions=(("FunctionName", None), ("Resource", None)))
    assert threshold_mismatch(series(period=60), wider) == (
        "dimensions FunctionName=checkout are not the graph's FunctionName=*, Resource=*"
    )


def test_percentile_spellings_are_one_statistic() -> None:
    assert normal_statistic("P99.0") == "p99"
    assert normal_statistic("p99.9") == "p99.9"
    assert normal_statistic("Sum") == "Sum"
    assert threshold_mismatch(series(statistic="p90.0"), series(statistic="p90")) is None


# ------------------------------------------------------- graphs per resource type


def _identity(resource_type: str) -> ResourceIdentity:
    examples = {
        "lambda_function": ("checkout", {}),
        "api_gateway_rest_api": ("shop", {"stage": "prod"}),
        "api_gateway_http_api": ("a1b2c3d4e5", {}),
        "application_load_balancer": ("app/shop/50dc6c495c0c9188", {}),
        "network_load_balancer": ("net/shop/50dc6c495c0c9188", {}),
        "elb_target_group": (
            "targetgroup/web/943f017f100becff",
            {"load_balancer": "app/shop/50dc6c495c0c9188"},
        ),
        "dynamodb_table": ("orders", {}),
        "sqs_queue": ("orders", {}),
        "sns_topic": ("orders", {}),
        "kinesis_stream": ("clicks", {}),
        "step_functions_state_machine": (
            "arn:aws:states:eu-west-1:111122223333:stateMachine:orders",
            {},
        ),
        "ecs_service": ("payments/api", {}),
        "eks_cluster": ("main", {}),
        "rds_db_instance": ("ledger", {}),
        "rds_db_cluster": ("ledger", {}),
        "autoscaling_group": ("workers", {}),
        "cloudfront_distribution": ("E2QWRUHAPOMQZL", {}),
    }
    text, options = examples[resource_type]
    return identify(resource_type, text, **options)


# What on-call asks of each type, written out here (not read from GRAPHS).
QUESTIONS = {
    "lambda_function": {"traffic", "errors", "latency", "saturation"},
    "api_gateway_rest_api": {"traffic", "errors", "latency"},
    "api_gateway_http_api": {"traffic", "errors", "latency"},
    "application_load_balancer": {"traffic", "errors", "latency", "saturation"},
    "network_load_balancer": {"traffic", "errors", "saturation"},
    "elb_target_group": {"traffic", "errors", "latency", "saturation"},
    "dynamodb_table": {"traffic", "errors", "latency", "saturation"},
    "sqs_queue": {"traffic", "latency", "saturation"},
    "sns_topic": {"traffic", "errors"},
    "kinesis_stream": {"traffic", "errors", "latency", "saturation"},
    "step_functions_state_machine": {"traffic", "errors", "latency", "saturation"},
    "ecs_service": {"saturation"},
    "eks_cluster": {"traffic", "errors", "saturation"},
    "rds_db_instance": {"traffic", "latency", "saturation"},
    "rds_db_cluster": {"traffic", "latency", "saturation"},
    "autoscaling_group": {"saturation"},
    "cloudfront_distribution": {"traffic", "errors", "latency", "saturation"},
}


def test_every_resource_type_has_graphs() -> None:
    assert set(GRAPHS) == set(RESOURCE_TYPES)
    assert {t: {g.question for g in GRAPHS[t]} for t in RESOURCE_TYPES} == QUESTIONS


@pytest.mark.parametrize("resource_type", RESOURCE_TYPES)
def test_each_type_is_graphed_from_its_identity(resource_type: str) -> None:
    identity = _identity(resource_type)
    widgets = resource_graphs(identity, period=300)
    assert widgets
    for widget in widgets:
        assert widget.kind == "graph"
        assert widget.period == 300
        for plotted in widget.metrics:
            metrics = plotted.inputs if isinstance(plotted, PlotExpression) else (plotted,)
            for metric in metrics:
                assert isinstance(metric, PlotMetric)
                dims = dict(metric.dimensions)
                assert dims, f"{widget.title}: {metric.name} has no dimension"
                assert all(identity.dimensions[k] == v for k, v in dims.items())


@pytest.mark.parametrize("resource_type", RESOURCE_TYPES)
def test_latency_percentiles_only_where_the_metric_has_them(resource_type: str) -> None:
    for graph in GRAPHS[resource_type]:
        for line in graph.lines:
            lines = line.inputs if isinstance(line, Math) else (line,)
            for item in lines:
                assert isinstance(item, Line)
                if item.statistic.startswith("p"):
                    assert item.metric in PERCENTILE_METRICS.get(resource_type, ())


def test_lambda_answers_on_calls_questions() -> None:
    widgets = {w.title: w for w in resource_graphs(FUNCTION, period=300)}
    assert list(widgets) == [
        "Invocations per second",
        "Error rate (%)",
        "Duration (ms)",
        "Throttles",
        "Concurrent executions",
    ]
    dims = (("FunctionName", "checkout"),)
    [rate] = widgets["Invocations per second"].metrics
    assert isinstance(rate, PlotExpression)
    assert rate.expression == "rg0_0a / PERIOD(rg0_0a)"
    assert rate.inputs == (PlotMetric("AWS/Lambda", "Invocations", dims, "Sum", id="rg0_0a"),)
    [errors] = widgets["Error rate (%)"].metrics
    assert isinstance(errors, PlotExpression)
    assert errors.expression == "100 * FILL(rg1_0a, 0) / rg1_0b"
    assert [(m.name, m.statistic) for m in errors.inputs] == [
        ("Errors", "Sum"),
        ("Invocations", "Sum"),
    ]
    assert widgets["Error rate (%)"].y_label == "%"
    latency = widgets["Duration (ms)"]
    assert [(m.name, m.statistic) for m in latency.metrics if isinstance(m, PlotMetric)] == [
        ("Duration", "p50"),
        ("Duration", "p90"),
        ("Duration", "p99"),
    ]
    assert latency.y_label == "ms"
    assert all(w.y_min == 0 for w in widgets.values()), "counts start at zero"


def test_units_are_labelled_per_service() -> None:
    alb = {
        w.title: w.y_label
        for w in resource_graphs(_identity("application_load_balancer"), period=60)
    }
    assert alb["Target response time (s)"] == "s"
    rds = {w.title: w.y_label for w in resource_graphs(_identity("rds_db_instance"), period=60)}
    assert rds["Read latency (s)"] == "s"
    api = {
        w.title: w.y_label for w in resource_graphs(_identity("api_gateway_rest_api"), period=60)
    }
    assert api["Latency (ms)"] == "ms"


def test_api_gateway_error_rate_is_the_average_in_percent() -> None:
    widgets = {w.title: w for w in resource_graphs(_identity("api_gateway_rest_api"), period=60)}
    rates = widgets["Error rate (%)"].metrics
    assert [m.expression for m in rates if isinstance(m, PlotExpression)] == [
        "100 * rg1_0a",
        "100 * rg1_1a",
    ]
    assert [m.inputs[0].name for m in rates if isinstance(m, PlotExpression)] == [
        "4XXError",
        "5XXError",
    ]
    assert all(m.inputs[0].statistic == "Average" for m in rates if isinstance(m, PlotExpression))


def test_cloudfront_is_graphed_in_us_east_1() -> None:
    widgets = resource_graphs(_identity("cloudfront_distribution"), period=60)
    assert {w.region for w in widgets} == {"us-east-1"}
    [errors] = [w for w in widgets if w.title == "Error rate (%)"]
    assert errors.metrics[1] == PlotMetric(
        "AWS/CloudFront",
        "5xxErrorRate",
        (("DistributionId", "E2QWRUHAPOMQZL"), ("Region", "Global")),
        "Average",
        "5xx %",
    )


def test_a_network_target_group_gets_host_counts_only() -> None:
    identity = identify(
        "elb_target_group",
        "targetgroup/tcp/943f017f100becff",
        load_balancer="net/shop/50dc6c495c0c9188",
    )
    [hosts] = resource_graphs(identity, period=60)
    assert hosts.title == "Hosts"
    assert {m.namespace for m in hosts.metrics if isinstance(m, PlotMetric)} == {"AWS/NetworkELB"}


def test_dynamodb_latency_is_a_search_per_operation() -> None:
    widgets = {w.title: w for w in resource_graphs(_identity("dynamodb_table"), period=300)}
    [search] = widgets["Request latency (ms, average)"].metrics
    assert search == PlotExpression(
        'SEARCH(\'{AWS/DynamoDB,Operation,TableName} MetricName="SuccessfulRequestLatency" '
        "TableName=\"orders\"', 'Average', 300)",
        "${PROP('Dim.Operation')}",
    )


def test_a_state_machine_without_its_arn_gets_no_empty_graphs() -> None:
    identity = identify("step_functions_state_machine", "orders")
    assert identity.needs_stack_arn
    assert resource_graphs(identity, period=60) == []


# ---------------------------------------------------------- thresholds on graphs


def test_a_threshold_lands_only_on_its_own_statistic_and_period() -> None:
    p90 = alarm("Duration", "p90", 60, alarm_id="lambda.duration", threshold=800)
    widgets = {w.title: w for w in resource_graphs(FUNCTION, [p90], period=60)}
    assert [t.value for t in widgets["Duration (ms)"].thresholds] == [800]
    assert widgets["Duration (ms)"].thresholds[0].label == "lambda-duration (> 800)"
    assert not widgets["Throttles"].thresholds
    # At 300 s the on-call graph is another series: the alarm gets a graph of its own.
    widgets = {w.title: w for w in resource_graphs(FUNCTION, [p90], period=300)}
    assert not widgets["Duration (ms)"].thresholds
    own = widgets["Alarm lambda-duration: Duration p90 per 60 s"]
    assert own.period == 60
    assert [t.value for t in own.thresholds] == [800]
    assert own.metrics == (
        PlotMetric(
            "AWS/Lambda", "Duration", (("FunctionName", "checkout"),), "p90", "Duration p90"
        ),
    )


def test_a_sum_threshold_is_not_drawn_on_a_rate() -> None:
    # Errors Sum > 1 per 60 s: the error-rate graph is a percentage, never its line.
    errors = alarm()
    widgets = resource_graphs(FUNCTION, [errors], period=60)
    drawn = [w.title for w in widgets if w.thresholds]
    assert drawn == ["Alarm lambda-errors: Errors Sum per 60 s"]


def test_a_matching_saturation_graph_carries_the_line() -> None:
    throttles = alarm("Throttles", alarm_id="lambda.throttles", threshold=5)
    widgets = resource_graphs(FUNCTION, [throttles], period=60)
    assert [(w.title, [t.value for t in w.thresholds]) for w in widgets if w.thresholds] == [
        ("Throttles", [5.0])
    ]
    assert len(widgets) == 5, "no extra graph for an alarm a graph shows"


def test_a_metric_math_alarm_gets_a_graph_of_its_expression() -> None:
    rate = alarm(
        None,
        None,
        60,
        namespace="AWS/ApplicationELB",
        dimensions={"LoadBalancer": "app/shop/50dc6c495c0c9188"},
        alarm_id="alb.ours.elb_5xx_rate",
        threshold=5,
        expression="100 * elb5xx / requests",
        inputs=(
            MathInput("elb5xx", "HTTPCode_ELB_5XX_Count", "Sum"),
            MathInput("requests", "RequestCount", "Sum"),
        ),
    )
    widgets = resource_graphs(_identity("application_load_balancer"), [rate], period=60)
    own = widgets[-1]
    assert own.title == "Alarm alb-ours-elb_5xx_rate: 100 * elb5xx / requests per 60 s"
    [expression] = own.metrics
    assert isinstance(expression, PlotExpression)
    assert expression.expression == "100 * ra0elb5xx / ra0requests"
    assert [m.id for m in expression.inputs] == ["ra0elb5xx", "ra0requests"]
    assert [t.value for t in own.thresholds] == [5]


# ------------------------------------------------------------------- the section


def test_section_header_links_the_console_and_the_logs() -> None:
    section = resource_section(FUNCTION, [], period=300, region="eu-west-1", title="checkout")
    header = section.widgets[0]
    assert header.kind == "text"
    assert header.markdown.startswith("# checkout\nlambda_function `checkout`: [console](")
    assert (
        "(https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/checkout)"
        in header.markdown
    )
    assert (
        "[logs](https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
        "#logsV2:logs-insights$3FqueryDetail$3D" in header.markdown
    )
    assert "*2faws*2flambda*2fcheckout" in header.markdown
    assert [w.title for w in section.widgets[1:]] == [
        w.title for w in resource_graphs(FUNCTION, period=300)
    ]


def test_a_resource_without_conventional_logs_links_its_console_only() -> None:
    section = resource_section(
        _identity("sqs_queue"), [], period=300, region="eu-west-1", title="orders"
    )
    assert "[console](" in section.widgets[0].markdown
    assert "[logs]" not in section.widgets[0].markdown


def test_links_are_relative_when_the_region_is_unknown() -> None:
    section = resource_section(
        FUNCTION, [], period=300, region="${Token[AWS.Region.9]}", title="checkout"
    )
    assert "[logs](#logsV2:logs-insights" in section.widgets[0].markdown
