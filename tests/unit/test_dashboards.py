"""Dashboards: the plan (pure), its limits, and the synthesized DashboardBody."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Environment
from aws_cdk.assertions import Template

from observability_blueprint import Blueprint, BlueprintDashboard, BlueprintError, DashboardPlan
from observability_blueprint.blueprint.dashboard_plan import (
    alarm_sections,
    anomaly_detector_name,
    area_alarms,
    insight_rules,
    plan_dashboards,
    service_sections,
)
from observability_blueprint.config.blueprint import LogGroup
from observability_blueprint.config.dashboards import Dashboards
from observability_blueprint.rules import agent_metrics
from observability_blueprint.rules.dashboard_model import (
    ALARMS_PER_STATUS_WIDGET_MAX,
    GRID_WIDTH,
    METRICS_PER_DASHBOARD_MAX,
    METRICS_PER_GRAPH_MAX,
    WIDGETS_PER_DASHBOARD_MAX,
    PlotExpression,
    PlotMetric,
    Section,
    Widget,
    check_dashboard_name,
    estimate_body_bytes,
    logs_insights_link,
    pack,
    plan_dashboard,
)
from observability_blueprint.rules.recommended_alarms import RESOURCE_TYPES, alarms_for
from support import ROOT, Synthesized, new_stack, resources


def body_of(synthesized: Synthesized, key: str) -> dict[str, Any]:
    """Parse a dashboard's body, with the Region token replaced by REGION."""
    for resource in resources(synthesized.template(), "AWS::CloudWatch::Dashboard").values():
        props = resource["Properties"]
        name = props["DashboardName"]
        name_text = (
            name
            if isinstance(name, str)
            else "".join(p if isinstance(p, str) else "REGION" for p in name["Fn::Join"][1])
        )
        if name_text.endswith(f"-{key}"):
            body = props["DashboardBody"]
            text = (
                body
                if isinstance(body, str)
                else "".join(p if isinstance(p, str) else "REGION" for p in body["Fn::Join"][1])
            )
            return dict(json.loads(text))
    raise AssertionError(f"no dashboard {key}")


def graph(title: str, metrics: int = 1, width: int = 8, height: int = 6) -> Widget:
    return Widget(
        kind="graph",
        title=title,
        width=width,
        height=height,
        metrics=tuple(PlotMetric("N", f"M{i}") for i in range(metrics)),
    )


# ---------------------------------------------------------------- layout


def test_pack_fills_rows_left_to_right_without_gaps() -> None:
    rows = pack([graph("a"), graph("b"), graph("c"), graph("d"), graph("e", width=16)])
    assert [[w.title for w in row] for row in rows] == [["a", "b", "c"], ["d", "e"]]
    assert all(sum(w.width for w in row) <= GRID_WIDTH for row in rows)


def test_pack_starts_a_row_when_the_height_changes() -> None:
    rows = pack([graph("a"), graph("b", height=3), graph("c", height=3)])
    assert [[w.title for w in row] for row in rows] == [["a"], ["b", "c"]]


def test_positions_are_left_to_right_top_to_bottom() -> None:
    [plan] = plan_dashboard(
        key="k", name="n", sections=[Section("s", (graph("a"), graph("b"), graph("c", width=24)))]
    )
    assert [(p.widget.title, p.x, p.y) for p in plan.placed()] == [
        ("a", 0, 0),
        ("b", 8, 0),
        ("c", 0, 6),
    ]


def test_a_graph_with_more_than_500_metrics_is_split() -> None:
    [plan] = plan_dashboard(key="k", name="n", sections=[Section("s", (graph("big", 1200),))])
    graphs = plan.widgets
    assert [g.title for g in graphs] == ["big (1/3)", "big (2/3)", "big (3/3)"]
    assert [g.metric_count for g in graphs] == [500, 500, 200]
    assert max(g.metric_count for g in graphs) <= METRICS_PER_GRAPH_MAX


def test_an_alarm_widget_with_more_than_100_alarms_is_split() -> None:
    status = Widget(
        kind="alarm_status",
        title="all",
        width=24,
        height=6,
        alarms=tuple(f"a{i}" for i in range(250)),
    )
    [plan] = plan_dashboard(key="k", name="n", sections=[Section("s", (status,))])
    assert [len(w.alarms) for w in plan.widgets] == [100, 100, 50]
    assert max(len(w.alarms) for w in plan.widgets) <= ALARMS_PER_STATUS_WIDGET_MAX


def test_parts_are_numbered_and_linked() -> None:
    sections = [Section(f"s{i}", (graph(f"g{i}", 1000),)) for i in range(4)]
    plans = plan_dashboard(key="svc", name="shop-dev-eu-west-1-services", sections=sections)
    assert [p.name for p in plans] == [
        "shop-dev-eu-west-1-services-1",
        "shop-dev-eu-west-1-services-2",
    ]
    assert [p.metric_count for p in plans] == [2000, 2000]
    header = plans[0].widgets[0]
    assert header.kind == "text"
    assert header.markdown == (
        "Part 1 of 2: **Part 1** [button:Part 2](#dashboards:name=shop-dev-eu-west-1-services-2)"
    )
    assert plans[1].links == ("shop-dev-eu-west-1-services-1",)


def test_dashboard_names() -> None:
    assert check_dashboard_name("shop-dev-eu-west-1-services") is None
    assert check_dashboard_name("shop dev") == (
        "'shop dev' is not a dashboard name; use 1 to 255 letters, digits, '-' and '_'"
    )


# ------------------------------------------------------------ at scale


def _services(count: int) -> dict[str, Any]:
    return {
        "name": "big",
        "stage": "prod",
        "log_groups": [
            {"name": f"svc{i:04}", "structured_logs": {"namespace": f"Big/Svc{i:04}"}}
            for i in range(count)
        ],
    }


def test_1200_services_split_into_dashboards_within_every_limit() -> None:
    blueprint = Blueprint.from_dict(_services(1200))
    plans = plan_dashboards(blueprint, region="eu-west-1")
    services = [p for p in plans if p.key.startswith("services")]
    assert len(services) > 1
    for plan in services:
        assert len(plan.widgets) <= WIDGETS_PER_DASHBOARD_MAX
        assert plan.metric_count <= METRICS_PER_DASHBOARD_MAX
        assert all(w.metric_count <= METRICS_PER_GRAPH_MAX for w in plan.widgets)
        assert all(sum(w.width for w in row) <= GRID_WIDTH for row in plan.rows), (
            "a row is wider than the grid"
        )
        assert check_dashboard_name(plan.name) is None
        assert plan.widgets[0].markdown.startswith(f"Part {services.index(plan) + 1} of ")
    headers = [w for p in services for w in p.widgets if w.markdown.startswith("# svc")]
    assert len(headers) == 1200, "every service is on exactly one part"


# ----------------------------------------------------------- the examples


def test_service_dashboard_matches_the_plan(small: Synthesized) -> None:
    body = body_of(small, "services")
    [plan] = [p for p in plan_dashboards(small.config, region="REGION") if p.key == "services"]
    placed = plan.placed()
    assert [(w["x"], w["y"], w["width"], w["height"]) for w in body["widgets"]] == [
        (p.x, p.y, p.widget.width, p.widget.height) for p in placed
    ]
    assert body["start"] == "-PT3H"
    assert body["periodOverride"] == "inherit"


def test_error_graph_shows_the_alarm_threshold(small: Synthesized) -> None:
    widgets = body_of(small, "services")["widgets"]
    errors = next(
        w
        for w in widgets
        if w["type"] == "metric"
        and w["properties"]["title"] == "Errors"
        and w["properties"]["view"] == "timeSeries"
    )
    assert errors["properties"]["annotations"]["horizontal"] == [
        {"value": 5, "label": "api-errors threshold (Service=api)", "yAxis": "left"}
    ]
    [[search]] = errors["properties"]["metrics"]
    assert search["expression"] == "SEARCH('{Shop/Api,Service} MetricName=\"Errors\"', 'Sum', 300)"


def test_latency_graph_shows_the_anomaly_band(small: Synthesized) -> None:
    widgets = body_of(small, "services")["widgets"]
    latency = next(w for w in widgets if w["properties"].get("title") == "Latency p99")
    metrics = latency["properties"]["metrics"]
    watched = next(m for m in metrics if m[0] == "Shop/Api")
    assert watched[:4] == ["Shop/Api", "Latency", "Service", "api"]
    assert watched[4]["stat"] == "p90"
    band = next(m[0] for m in metrics if "ANOMALY" in str(m))
    assert band["expression"] == f"ANOMALY_DETECTION_BAND({watched[4]['id']}, 3)"


def test_latest_errors_query_shows_request_and_trace_ids(small: Synthesized) -> None:
    widgets = body_of(small, "services")["widgets"]
    [log] = [w for w in widgets if w["type"] == "log"]
    query = log["properties"]["query"]
    assert query.startswith("SOURCE '/shop/dev/api' | fields @timestamp, service, level, ")
    assert "request_id, xray_trace_id" in query
    assert query.endswith("| limit 20")
    assert log["width"] == 24


def test_alarm_overview_groups_by_composite(small: Synthesized) -> None:
    status, *others = body_of(small, "alarms")["widgets"]
    names = [a.rsplit(":", 1)[1] for a in status["properties"]["alarms"]]
    assert names == [
        "shop-dev-shop-unhealthy",
        "shop-dev-api-errors",
        "shop-dev-api-latency",
        "shop-dev-worker-timeouts",
    ]
    assert status["properties"]["title"] == "shop-unhealthy (composite)"
    # Then the alarms on the log groups' anomalies, by service.
    assert [(w["properties"]["title"], len(w["properties"]["alarms"])) for w in others] == [
        ("Service api", 1),
        ("Service worker", 1),
        ("Security (CIS)", 15),
        ("Event delivery (dead-letter queues)", 1),
    ]


def test_nested_composites_and_loose_alarms(full: Synthesized) -> None:
    widgets = body_of(full, "alarms")["widgets"]
    titles = [w["properties"]["title"] for w in widgets]
    assert titles[:2] == ["payments-down (composite)", "Alarms under no composite"]
    assert {"Security (CIS)", "Network", "Event delivery (dead-letter queues)"} <= set(titles)
    tree = [a.rsplit(":", 1)[1] for a in widgets[0]["properties"]["alarms"]]
    assert tree[:2] == ["payments-prod-payments-down", "payments-prod-checkout-degraded"]
    assert "payments-prod-card-declines" in tree
    loose = [a.rsplit(":", 1)[1] for a in widgets[1]["properties"]["alarms"]]
    assert "payments-prod-workers-busy" in loose
    assert not set(tree) & set(loose)


ALARM_TYPES = (
    "AWS::CloudWatch::Alarm",
    "AWS::CloudWatch::CompositeAlarm",
    "AWS::CloudWatch::LogAlarm",
)


def _alarm_names(template: dict[str, Any]) -> set[str]:
    return {
        r["Properties"]["AlarmName"]
        for r in template["Resources"].values()
        if r["Type"] in ALARM_TYPES
    }


@pytest.mark.parametrize("example", ["blueprint.yaml", "examples/full.yaml"])
def test_alarm_overview_shows_every_alarm_of_its_region(
    examples: dict[str, Synthesized], example: str
) -> None:
    """Every alarm the blueprint creates in the overview's Region, and nothing else."""
    full = examples[example]
    overview: list[str] = []
    region = None

    def text(value: Any) -> str:
        return (
            value
            if isinstance(value, str)
            else "".join(p if isinstance(p, str) else "REGION" for p in value["Fn::Join"][1])
        )

    for stack in full.stacks:
        template = full.template_json(stack)
        for resource in template["Resources"].values():
            if resource["Type"] != "AWS::CloudWatch::Dashboard":
                continue
            name = text(resource["Properties"]["DashboardName"])
            if not (name.endswith("-alarms") or "-alarms-" in name):
                continue
            region = stack.region
            overview += [
                arn.rsplit(":", 1)[1]
                for widget in json.loads(text(resource["Properties"]["DashboardBody"]))["widgets"]
                for arn in widget["properties"].get("alarms", [])
            ]
    assert region is not None
    created = set().union(
        *(_alarm_names(full.template_json(s)) for s in full.stacks if s.region == region)
    )
    assert len(created) > 20
    assert sorted(overview) == sorted(created), "each alarm once, every alarm"


def test_alarm_overview_groups_resource_alarms_by_service() -> None:
    blueprint = Blueprint.from_dict(
        {
            "name": "shop",
            "stage": "dev",
            "log_groups": [{"name": "api", "anomaly_detection": {"enabled": True}}],
        }
    )
    sections = alarm_sections(
        blueprint,
        blueprint.alarm_naming(),
        resource_alarms={"checkout": ["shop-dev-checkout-lambda-errors"]},
    )
    assert [(s.title, s.widgets[0].alarms) for s in sections] == [
        ("Service checkout", ("shop-dev-checkout-lambda-errors",)),
        ("Service api", ("shop-dev-api-log-anomalies",)),
    ]


def test_area_alarms_follow_each_areas_naming() -> None:
    blueprint = Blueprint.from_dict(
        {
            "name": "shop",
            "stage": "dev",
            "log_groups": [{"name": "api"}],
            "notifications": [{"name": "ops"}],
            "events": {
                "alerts": [
                    {"name": "health", "pattern": {"source": ["aws.health"]}, "topics": ["ops"]}
                ],
                "delivery": {"dead_letter_queues": "per_rule", "alarm_topic": "ops"},
            },
        }
    )
    areas = area_alarms(blueprint, blueprint.alarm_naming())
    assert areas == {"Event delivery (dead-letter queues)": ["shop-dev-health-undelivered"]}


def _resources() -> dict[str, Any]:
    from observability_blueprint.rules.resource_refs import identify

    function = identify("lambda_function", "checkout")
    return {"api": [(function, ())], "ledger": [(identify("dynamodb_table", "ledger"), ())]}


def test_resource_graphs_come_above_the_log_graphs() -> None:
    blueprint = Blueprint.from_dict(
        {"name": "shop", "stage": "dev", "log_groups": [{"name": "api", "structured_logs": {}}]}
    )
    [api, ledger] = service_sections(
        blueprint, Dashboards(), region="eu-west-1", resources=_resources()
    )
    titles = [w.title for w in api.widgets]
    assert titles[:3] == ["api", "Lambda function checkout", "Invocations per second"]
    assert titles.index("Duration (ms)") < titles.index("Errors"), "resources first"
    # A service with resources and no log group still gets its section.
    assert ledger.title == "ledger"
    assert ledger.widgets[0].markdown == "# ledger\nAWS resources"
    assert ledger.widgets[1].title == "DynamoDB table ledger"


def test_a_threshold_of_another_period_gets_a_graph_of_its_own() -> None:
    blueprint = Blueprint.from_dict(
        {
            "name": "shop",
            "stage": "dev",
            "log_groups": [{"name": "api", "structured_logs": {}}],
            "alarms": [
                {
                    "name": "api-errors",
                    "metric": {"filter": "errors", "dimensions": {"Service": "api"}},
                    "threshold": 5,
                    "comparison": ">=",
                    "period": 60,
                }
            ],
        }
    )
    [api] = service_sections(blueprint, Dashboards())
    graphs = {w.title: w for w in api.widgets if w.kind == "graph"}
    # The Errors graph sums 300 s: a 60 s threshold there would be five times too low.
    assert graphs["Errors"].thresholds == ()
    own = graphs["api-errors: Errors Sum per 60 s"]
    assert own.period == 60
    assert [(t.value, t.label) for t in own.thresholds] == [
        (5.0, "api-errors threshold (Service=api)")
    ]
    assert own.y_min == 0


def test_dashboard_names_carry_stage_and_region(full: Synthesized) -> None:
    names = sorted(
        r["Properties"]["DashboardName"]
        for r in resources(full.template(), "AWS::CloudWatch::Dashboard").values()
    )
    assert names == [
        "payments-prod-eu-west-1-alarms",
        "payments-prod-eu-west-1-hosts",
        "payments-prod-eu-west-1-services",
    ]


def test_host_dashboard_uses_search_per_fleet(full: Synthesized) -> None:
    widgets = body_of(full, "hosts")["widgets"]
    expressions = [
        m[0]["expression"]
        for w in widgets
        if w["type"] == "metric"
        for m in w["properties"]["metrics"]
    ]
    assert (
        'SEARCH(\'Namespace="CWAgent" MetricName="mem_used_percent" '
        "AutoScalingGroupName=\"payments-workers\"', 'Average', 300)"
    ) in expressions
    assert (
        'SEARCH(\'Namespace="CWAgent" MetricName="Memory % Committed Bytes In Use" '
        "Fleet=\"branch-servers\"', 'Average', 300)"
    ) in expressions
    titles = [w["properties"]["markdown"] for w in widgets if w["type"] == "text"]
    assert [t.splitlines()[0] for t in titles] == [
        "# web",
        "# bastion",
        "# reporting",
        "# branch-servers",
        "# workers",
    ]


def test_fleet_dimension_is_what_the_agent_config_appends(full: Synthesized) -> None:
    """One source of truth: the dashboard searches the dimension the agent adds."""
    assert full.config.hosts is not None
    fleet = full.config.hosts.fleets[0]
    config = fleet.agent_config(name=full.config.name, stage=full.config.stage).to_dict()
    sections = config["metrics"]["metrics_collected"].values()
    assert all(s["append_dimensions"] == {"Fleet": fleet.name} for s in sections)


def _metric_names(plan_widgets: list[Widget]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for widget in plan_widgets:
        for metric in widget.metrics:
            if isinstance(metric, PlotMetric):
                found.add((metric.namespace, metric.name))
            elif isinstance(metric, PlotExpression) and metric.inputs:
                found.update((i.namespace, i.name) for i in metric.inputs)
            elif isinstance(metric, PlotExpression) and metric.expression.startswith("SEARCH"):
                namespace = re.search(r"\{([^,}]+)|Namespace=\\?\"([^\"\\]+)", metric.expression)
                name = re.search(r"MetricName=\"([^\"]+)\"", metric.expression)
                assert namespace is not None, metric.expression
                assert name is not None, metric.expression
                found.add((namespace.group(1) or namespace.group(2), name.group(1)))
    return found


@pytest.mark.parametrize("example", ["blueprint.yaml", "examples/full.yaml"])
def test_every_dashboard_metric_exists(examples: dict[str, Synthesized], example: str) -> None:
    """No typos: each metric is one the blueprint publishes or a CWAgent metric."""
    config = examples[example].config
    produced = {(s.namespace, s.metric_name) for _, s in config.all_filters()}
    agent = {
        (agent_metrics.NAMESPACE, collected.metric_name)
        for m in agent_metrics.HOST_METRICS
        for collected in (m.linux, m.windows)
        if collected is not None
    }
    # What AWS publishes: X-Ray group trace counts, log anomaly detectors' anomalies.
    aws = {("AWS/X-Ray", "ApproximateTraceCount"), ("AWS/Logs", "AnomalyCount")}
    # What AWS publishes for the services' resources: the recommended alarms' metrics,
    # and the traffic and saturation metrics only the dashboards graph (each named in
    # its service's CloudWatch metrics page).
    aws |= {
        (namespace, metric)
        for resource_type in RESOURCE_TYPES
        for alarm in alarms_for(resource_type)
        for namespace in alarm.namespace.split(" | ")
        for metric in (alarm.metric, *(i.metric for i in alarm.inputs))
        if metric is not None
    }
    aws |= {
        ("AWS/ApplicationELB", "ActiveConnectionCount"),
        ("AWS/CloudFront", "CacheHitRate"),
        ("AWS/CloudFront", "Requests"),
        ("AWS/DynamoDB", "ConsumedReadCapacityUnits"),
        ("AWS/DynamoDB", "ConsumedWriteCapacityUnits"),
        ("AWS/Kinesis", "GetRecords.Latency"),
        ("AWS/Kinesis", "IncomingRecords"),
        ("AWS/Kinesis", "PutRecords.Latency"),
        ("AWS/Lambda", "Invocations"),
        ("AWS/SQS", "NumberOfMessagesReceived"),
    }
    widgets = [w for p in plan_dashboards(config, region="r") for w in p.widgets]
    used = _metric_names(widgets)
    assert used
    assert used <= produced | agent | aws, used - produced - agent - aws


def test_layout_picture_renders(tmp_path: Path, small: Synthesized) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("render", ROOT / "docs" / "render_dashboard.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    plan = plan_dashboards(small.config, region="eu-west-1")[0]
    path = module.render(plan, tmp_path / "layout.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- config


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"start": "3 hours"},
            "dashboards: '3 hours' is not a relative time; use an ISO 8601 duration before now",
        ),
        (
            {"hosts": [{"name": "web"}]},
            "dashboards.hosts[0].auto_scaling_group: is required but missing",
        ),
        (
            {"titles": {"ap": "API"}},
            "dashboards.titles.ap: 'ap' is not a service of this blueprint; services: api",
        ),
        ({"period": 90}, "dashboards.period: 90 is not valid"),
    ],
)
def test_bad_dashboard_settings(settings: dict[str, Any], message: str) -> None:
    data = {"name": "shop", "stage": "dev", "log_groups": [{"name": "api"}], "dashboards": settings}
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict(data)
    assert str(caught.value).startswith(message)


def test_large_dashboards_move_to_a_stack_of_their_own() -> None:
    from observability_blueprint.blueprint.stacks import DashboardsStack, build, dashboards_size
    from support import new_app

    config = Blueprint.from_dict(_services(3))
    assert dashboards_size(config) > 1000
    app = new_app()
    _, dashboards = build(app, config, dashboard_budget=1000)
    assert isinstance(dashboards, DashboardsStack)
    assert dashboards.stack_name == "big-prod-dashboards"
    assembly = app.synth()

    def types(stack_name: str) -> list[str]:
        template = assembly.get_stack_by_name(stack_name).template
        return [r["Type"] for r in template["Resources"].values()]

    # The services dashboard and the alarm overview (the log groups' anomaly alarms).
    assert types("big-prod-dashboards") == ["AWS::CloudWatch::Dashboard"] * 2
    assert "AWS::CloudWatch::Dashboard" not in types("big-prod-observability")
    assert "AWS::Logs::LogGroup" in types("big-prod-observability")


def test_estimate_is_an_upper_bound(small: Synthesized) -> None:
    from observability_blueprint.rules.dashboard_model import estimate_body_bytes

    for plan in plan_dashboards(small.config, region="us-east-1"):
        body = json.dumps(body_of(small, plan.key))
        assert estimate_body_bytes(plan) >= len(body)


# ------------------------------------------- traces, anomalies, Contributor Insights


def _traced(**extra: Any) -> Blueprint:
    return Blueprint.from_dict(
        {
            "name": "shop",
            "stage": "dev",
            "log_groups": [{"name": "api", "structured_logs": {}}],
            "tracing": {"groups": {}},
            **extra,
        }
    )


def _services_widgets(blueprint: Blueprint, region: str = "eu-west-1") -> list[Widget]:
    [plan] = [p for p in plan_dashboards(blueprint, region=region) if p.key == "services"]
    return list(plan.widgets)


def test_logs_insights_link_opens_the_query_on_the_log_group() -> None:
    link = logs_insights_link('filter a = "x"\n| sort @timestamp', ["/shop/dev/api"])
    assert link == (
        "#logsV2:logs-insights$3FqueryDetail$3D$257E$2528editorString$257E$2527"
        "filter*20a*20*3d*20*22x*22*0a*7c*20sort*20*40timestamp"
        "$257Esource$257E$2528$257E$2527*2fshop*2fdev*2fapi$2529$2529"
    )
    assert "(" not in link
    assert ")" not in link, "a parenthesis would end the Markdown link"


def test_traced_service_links_the_trace_map_and_the_one_trace_query() -> None:
    widgets = _services_widgets(_traced())
    [links] = [w for w in widgets if w.title == "api traces"]
    home = "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
    assert f"[Trace map]({home}#xray:service-map/map)" in links.markdown
    assert "group `shop-dev-api`" in links.markdown
    assert f"[open in Logs Insights]({home}#logsV2:logs-insights$3FqueryDetail$3D" in (
        links.markdown
    )
    # The saved query's text, its placeholder and the log group travel in the link.
    assert "*22REPLACE-WITH-TRACE-ID*22" in links.markdown
    assert "$2527*2fshop*2fdev*2fapi$2529" in links.markdown
    assert "saved as `shop-dev/api/one-trace`" in links.markdown
    assert "replace `REPLACE-WITH-TRACE-ID` with the trace id" in links.markdown


def test_traced_service_graphs_its_groups_trace_count() -> None:
    [traces] = [w for w in _services_widgets(_traced()) if w.title == "Traces in the X-Ray group"]
    assert traces.metrics == (
        PlotMetric(
            "AWS/X-Ray",
            "ApproximateTraceCount",
            (("GroupName", "shop-dev-api"),),
            "Sum",
            "shop-dev-api",
        ),
    )


def test_links_are_relative_when_the_region_is_a_token() -> None:
    widgets = _services_widgets(_traced(), region="${Token[AWS.Region.9]}")
    [links] = [w for w in widgets if w.title == "api traces"]
    assert "[Trace map](#xray:service-map/map)" in links.markdown
    assert "[open in Logs Insights](#logsV2:logs-insights" in links.markdown


def test_no_trace_widgets_without_tracing_groups() -> None:
    widgets = _services_widgets(_traced(tracing={"groups": None}))
    assert not [w for w in widgets if "trace" in w.title.lower() and w.kind != "log_query"]


def test_a_group_without_the_one_trace_query_links_the_trace_map_only() -> None:
    blueprint = _traced(
        log_groups=[{"name": "api", "structured_logs": {}, "queries": {"defaults": False}}]
    )
    [links] = [w for w in _services_widgets(blueprint) if w.title == "api traces"]
    assert "Trace map" in links.markdown
    assert "Logs Insights" not in links.markdown


def test_anomaly_detector_name_reads_the_log_groups_setting() -> None:
    blueprint = _traced()
    group = blueprint.log_groups[0]
    on = LogGroup(name="api", anomaly_detection={"enabled": True})  # type: ignore[arg-type]
    off = LogGroup(name="api", anomaly_detection={"enabled": False})  # type: ignore[arg-type]
    # No setting: on for the STANDARD class only.
    none = LogGroup(name="api", log_class="INFREQUENT_ACCESS")
    assert anomaly_detector_name(blueprint, on) == "shop-dev-api"
    assert anomaly_detector_name(blueprint, off) is None
    assert anomaly_detector_name(blueprint, none) is None
    assert group.name == "api"


def test_anomaly_count_graph_per_detected_log_group() -> None:
    blueprint = _traced(
        log_groups=[
            {"name": "api", "structured_logs": {}, "anomaly_detection": {"enabled": True}},
            {"name": "worker", "service": "api", "anomaly_detection": {"enabled": False}},
        ]
    )
    graphs = [w for w in _services_widgets(blueprint) if w.title.startswith("Log anomalies")]
    assert [w.title for w in graphs] == ["Log anomalies: api"]
    assert graphs[0].metrics == (
        PlotExpression(
            'SEARCH(\'{AWS/Logs,LogAnomalyDetector,LogAnomalyPriority} MetricName="AnomalyCount" '
            "LogAnomalyDetector=\"shop-dev-api\"', 'Sum', 300)",
            "${PROP('Dim.LogAnomalyPriority')}",
        ),
    )


def test_trail_insight_rules_get_a_section() -> None:
    blueprint = _traced(
        audit_trail={"insights": {"rules": [{"name": "by-ip", "keys": ["$.sourceIPAddress"]}]}}
    )
    assert insight_rules(blueprint) == {
        "audit-trail": ("shop-dev-top-callers", "shop-dev-top-errors", "shop-dev-by-ip")
    }
    widgets = _services_widgets(blueprint)
    insights = [w for w in widgets if w.kind == "insight"]
    assert [w.insight_rule for w in insights] == [
        "shop-dev-top-callers",
        "shop-dev-top-errors",
        "shop-dev-by-ip",
    ]
    assert widgets[-4].markdown.startswith("# Audit trail")
    assert all(w.metric_count == 1 for w in insights)


def test_no_insight_section_without_rules() -> None:
    assert insight_rules(_traced()) == {}
    assert not [w for w in _services_widgets(_traced()) if w.kind == "insight"]


def test_insight_widget_in_the_body() -> None:
    _, stack = new_stack(env=Environment(account="111122223333", region="eu-west-1"))
    insight = Widget(
        kind="insight",
        title="Top callers",
        width=8,
        height=6,
        insight_rule="shop-dev-top-callers",
        period=300,
    )
    BlueprintDashboard(
        stack,
        "Insights",
        plan=DashboardPlan(key="i", name="shop-dev-i", rows=pack([graph("g", width=16), insight])),
    )
    [resource] = resources(Template.from_stack(stack), "AWS::CloudWatch::Dashboard").values()
    body = resource["Properties"]["DashboardBody"]
    text = (
        body
        if isinstance(body, str)
        else "".join(p if isinstance(p, str) else "REGION" for p in body["Fn::Join"][1])
    )
    widget = json.loads(text)["widgets"][1]
    assert widget == {
        "type": "metric",
        "width": 8,
        "height": 6,
        "x": 16,
        "y": 0,
        "properties": {
            "title": "Top callers",
            "view": "timeSeries",
            "region": "REGION",  # the stack's AWS::Region
            "insightRule": {
                "ruleName": "shop-dev-top-callers",
                "maxContributorCount": 10,
                "orderBy": "Sum",
            },
            "legend": {"position": "bottom"},
            "period": 300,
        },
    }


def test_estimate_counts_insight_widgets() -> None:
    insight = Widget(kind="insight", title="t", width=8, height=6, insight_rule="r" * 100)
    plain = Widget(kind="insight", title="t", width=8, height=6, insight_rule="r")
    assert estimate_body_bytes(DashboardPlan("k", "n", ((insight,),))) > estimate_body_bytes(
        DashboardPlan("k", "n", ((plain,),))
    )


def _fleet_graphs(config: Blueprint) -> dict[str, list[str]]:
    """Each host section's graph titles, by the section's name (from its header)."""
    [plan] = [p for p in plan_dashboards(config, region="eu-west-1") if p.key == "hosts"]
    found: dict[str, list[str]] = {}
    current = ""
    for widget in plan.widgets:
        if widget.kind == "text":
            current = widget.title
            found[current] = []
        else:
            found[current].append(widget.title)
    return found


def test_a_fleet_is_graphed_as_its_agent_collects_it(full: Synthesized) -> None:
    graphs = _fleet_graphs(full.config)
    # bastion collects memory and disk, reporting memory and CPU (examples/full.yaml):
    # no empty TCP, disk I/O or network graphs.
    assert graphs["bastion"] == ["Memory used %", "Disk used %"]
    assert graphs["reporting"] == ["Memory used %", "CPU utilisation %"]
    # web collects eleven metrics: the usual seven first, then the others it collects.
    assert graphs["web"] == [
        "Memory used %",
        "CPU utilisation %",
        "Disk I/O time",
        "TCP connections established",
        "Disk used %",
        "Network in (bytes)",
        "Network out (bytes)",
        "CPU I/O wait %",
        "Free inodes",
        "TCP connections in TIME_WAIT",
        "Processes",
    ]
    # An Auto Scaling group of dashboards.hosts has no agent config here: the usual seven.
    assert len(graphs["workers"]) == 7


def test_windows_graphs_say_what_its_counters_count(full: Synthesized) -> None:
    # branch-servers is a Windows fleet collecting memory, CPU and disk: the memory
    # counter is committed bytes (page file included), the logical disk one free space.
    assert _fleet_graphs(full.config)["branch-servers"] == [
        "Memory committed %",
        "CPU utilisation %",
        "Disk free %",
    ]


def test_graphs_keep_their_period_so_threshold_lines_stay_true(
    examples: dict[str, Synthesized],
) -> None:
    # "auto" would let every graph adapt its period to the time range, so a line drawn
    # for a 60 s Sum would sit on 300 s or hourly sums: each graph keeps its own.
    plans = plan_dashboards(examples["examples/full.yaml"].config, region="r")
    assert plans
    assert {plan.period_override for plan in plans} == {"inherit"}


# ------------------------------------------------------ one service at a time


def _switchable(**extra: Any) -> Blueprint:
    """Two services in the default namespace, one in its own, one without structured logs."""
    return Blueprint.from_dict(
        {
            "name": "shop",
            "stage": "dev",
            "log_groups": [
                {"name": "api", "structured_logs": {}},
                {"name": "orders", "structured_logs": {}},
                {"name": "legacy", "structured_logs": {"namespace": "Shop/Legacy"}},
                {"name": "worker"},
            ],
            **extra,
        }
    )


def _one_service(
    blueprint: Blueprint, resource_alarms: dict[str, list[str]] | None = None
) -> DashboardPlan:
    plans = plan_dashboards(
        blueprint, region="eu-west-1", resources={}, resource_alarms=resource_alarms or {}
    )
    [plan] = [p for p in plans if p.key == "service"]
    return plan


def _texts(widget: Widget) -> list[str]:
    """Every text of a widget the dashboard's JSON carries (a pattern variable reaches all)."""
    expressions = [m.expression for m in widget.metrics if isinstance(m, PlotExpression)]
    return [widget.title, widget.markdown, *expressions, *widget.alarms, *widget.log_groups]


def test_services_in_the_default_namespace_are_offered() -> None:
    from observability_blueprint.blueprint.dashboard_plan import switchable_services

    # legacy publishes into Shop/Legacy: no pattern on shop-dev/<service> reaches it;
    # worker has no structured logs at all.
    assert switchable_services(_switchable()) == (["api", "orders"], ["legacy"])


def test_an_explicit_default_namespace_is_offered_too() -> None:
    from observability_blueprint.blueprint.dashboard_plan import switchable_services

    blueprint = Blueprint.from_dict(
        {
            "name": "shop",
            "stage": "dev",
            "log_groups": [
                {"name": "api", "structured_logs": {"namespace": "shop-dev/api"}},
                {"name": "orders", "structured_logs": {"namespace": "shop-dev/api"}},
            ],
        }
    )
    # orders writes into api's namespace: switching to "orders" would find nothing.
    assert switchable_services(blueprint) == (["api"], ["orders"])


def test_the_one_service_dashboard_and_its_variable() -> None:
    from observability_blueprint.rules.dashboard_model import PatternVariable

    plan = _one_service(_switchable())
    assert plan.name == "shop-dev-eu-west-1-service"
    assert plan.variables == (
        PatternVariable(
            id="service",
            pattern="__service__",
            values=("api", "orders"),
            label="Service",
            default="api",
        ),
    )


def test_the_placeholder_is_in_every_switched_widget() -> None:
    plan = _one_service(_switchable())
    assert [w.kind for w in plan.widgets] == [
        "text",
        *["single_value"] * 4,
        *["graph"] * 3,
        "log_query",
    ]
    for widget in plan.widgets:
        assert any("__service__" in text for text in _texts(widget)), widget.title
    searches = [
        m.expression for w in plan.widgets for m in w.metrics if isinstance(m, PlotExpression)
    ]
    assert set(searches) == {
        "SEARCH('{shop-dev/__service__,Service} MetricName=\"Errors\"', 'Sum', 300)",
        "SEARCH('{shop-dev/__service__,Service} MetricName=\"ServerErrors\"', 'Sum', 300)",
        "SEARCH('{shop-dev/__service__,Service} MetricName=\"ClientErrors\"', 'Sum', 300)",
        "SEARCH('{shop-dev/__service__,Service} MetricName=\"Latency\"', 'p99', 300)",
    }
    [logs] = [w for w in plan.widgets if w.kind == "log_query"]
    assert logs.log_groups == ("/shop/dev/__service__",)
    # No threshold lines: each service's alarms are its own.
    assert all(w.thresholds == () for w in plan.widgets)


def test_switching_to_a_service_shows_what_its_section_shows() -> None:
    blueprint = _switchable()
    plan = _one_service(blueprint)
    [api] = [s for s in service_sections(blueprint, Dashboards()) if s.title == "api"]
    section = {(w.kind, e) for w in api.widgets for e in _texts(w)[2:]}
    for widget in plan.widgets[1:]:
        for text in _texts(widget)[2:]:
            assert (widget.kind, text.replace("__service__", "api")) in section, text


def test_a_custom_namespace_service_is_named_not_offered() -> None:
    plan = _one_service(_switchable())
    header = plan.widgets[0].markdown
    assert "Not switchable: custom namespace: `legacy`" in header
    assert "legacy" not in plan.variables[0].values
    assert "[shop-dev-eu-west-1-services](#dashboards:name=shop-dev-eu-west-1-services)" in header


@pytest.mark.parametrize(
    "log_groups",
    [
        [{"name": "api", "structured_logs": {}}, {"name": "worker"}],
        [
            {"name": "api", "structured_logs": {}},
            {"name": "orders", "structured_logs": {"namespace": "Shop/Orders"}},
        ],
    ],
    ids=["one service", "one in the default namespace"],
)
def test_no_one_service_dashboard_below_two_services(log_groups: list[dict[str, Any]]) -> None:
    blueprint = Blueprint.from_dict({"name": "shop", "stage": "dev", "log_groups": log_groups})
    keys = [p.key for p in plan_dashboards(blueprint, region="eu-west-1")]
    assert "services" in keys
    assert "service" not in keys


def test_no_one_service_dashboard_without_the_services_dashboard() -> None:
    blueprint = _switchable(dashboards={"services": False})
    assert "service" not in [p.key for p in plan_dashboards(blueprint, region="eu-west-1")]


def test_the_health_alarm_when_every_service_offered_has_one() -> None:
    alarms = {"api": ["shop-dev-api-lambda-errors", "shop-dev-api-health"]}
    every = _one_service(_switchable(), {**alarms, "orders": ["shop-dev-orders-health"]})
    [health] = [w for w in every.widgets if w.kind == "alarm_status"]
    assert health.alarms == ("shop-dev-__service__-health",)
    assert "its health alarm `shop-dev-__service__-health`" in every.widgets[0].markdown
    # orders has no health alarm: a widget naming one would show a missing alarm for it.
    some = _one_service(_switchable(), alarms)
    assert [w for w in some.widgets if w.kind == "alarm_status"] == []
    assert "No health alarm widget: none in this Region for `orders`" in some.widgets[0].markdown
    # None has one (no services: section): nothing to say.
    none = _one_service(_switchable())
    assert "health" not in none.widgets[0].markdown


def test_the_health_alarm_follows_the_alarm_naming() -> None:
    from observability_blueprint.blueprint.dashboard_plan import service_switch_plan

    class Upper:
        def name(self, alarm: str) -> str:
            return f"SHOP-{alarm.upper()}"

    alarms = {"api": ["SHOP-API-HEALTH"], "orders": ["SHOP-ORDERS-HEALTH"]}
    plan = service_switch_plan(
        _switchable(),
        Dashboards(),
        region="eu-west-1",
        naming=Upper(),
        resource_alarms=alarms,
        services_dashboard="s",
    )
    assert plan is not None
    # "SHOP-__SERVICE__-HEALTH" would never become SHOP-API-HEALTH: no widget.
    assert [w for w in plan.widgets if w.kind == "alarm_status"] == []


def test_no_latest_errors_when_log_group_names_follow_no_pattern() -> None:
    blueprint = Blueprint.from_dict(
        {
            "name": "shop",
            "stage": "dev",
            "log_groups": [
                {"name": "api", "structured_logs": {}},
                {
                    "name": "orders",
                    "log_group_name": "/aws/lambda/orders",
                    "structured_logs": {},
                },
            ],
        }
    )
    plan = _one_service(blueprint)
    assert "log_query" not in [w.kind for w in plan.widgets]
    assert (
        "No latest-errors table: the services' structured logs are not each one log group "
        "`/shop/dev/<service>` with one query"
    ) in plan.widgets[0].markdown


def test_no_latest_errors_when_the_queries_differ() -> None:
    blueprint = Blueprint.from_dict(
        {
            "name": "shop",
            "stage": "dev",
            "log_groups": [
                {"name": "api", "structured_logs": {}},
                {"name": "orders", "structured_logs": {"fields": {"level": "severity"}}},
            ],
        }
    )
    assert "log_query" not in [w.kind for w in _one_service(blueprint).widgets]


def test_a_variable_offers_at_most_500_services() -> None:
    from observability_blueprint.blueprint.dashboard_plan import service_switch_plan

    data = {
        "name": "big",
        "stage": "prod",
        "log_groups": [{"name": f"svc{i:04}", "structured_logs": {}} for i in range(503)],
    }
    plan = service_switch_plan(
        Blueprint.from_dict(data),
        Dashboards(),
        region="eu-west-1",
        naming=Blueprint.from_dict(data).alarm_naming(),
        resource_alarms={},
        services_dashboard="big-prod-eu-west-1-services-1",
    )
    assert plan is not None
    [variable] = plan.variables
    assert len(variable.values) == 500
    assert variable.values[-1] == "svc0499"
    assert (
        "Not offered (a variable takes 500 values): `svc0500`, `svc0501`, `svc0502`"
        in plan.widgets[0].markdown
    )


def _text(body: Any) -> str:
    """A body with its pseudo parameters spelt ``aws``, ``REGION`` and ``ACCOUNT``."""
    if isinstance(body, str):
        return body
    spelt = {"AWS::Partition": "aws", "AWS::Region": "REGION", "AWS::AccountId": "ACCOUNT"}
    return "".join(p if isinstance(p, str) else spelt[p["Ref"]] for p in body["Fn::Join"][1])


def test_the_synthesized_body_has_the_variable() -> None:
    from observability_blueprint.blueprint.dashboards import BlueprintDashboards
    from support import new_stack

    _, stack = new_stack(env=Environment(account="111122223333", region="eu-west-1"))
    BlueprintDashboards(stack, "Dashboards", config=_switchable())
    [resource] = [
        r
        for r in resources(Template.from_stack(stack), "AWS::CloudWatch::Dashboard").values()
        if r["Properties"]["DashboardName"] == "shop-dev-eu-west-1-service"
    ]
    body = json.loads(_text(resource["Properties"]["DashboardBody"]))
    assert body["variables"] == [
        {
            "type": "pattern",
            "pattern": "__service__",
            "inputType": "select",
            "id": "service",
            "label": "Service",
            "defaultValue": "api",
            "values": [{"value": "api"}, {"value": "orders"}],
        }
    ]
    [logs] = [w for w in body["widgets"] if w["type"] == "log"]
    assert logs["properties"]["query"].startswith("SOURCE '/shop/dev/__service__' | ")
    # The services dashboard has no variables.
    [services] = [
        r
        for r in resources(Template.from_stack(stack), "AWS::CloudWatch::Dashboard").values()
        if r["Properties"]["DashboardName"] == "shop-dev-eu-west-1-services"
    ]
    assert "variables" not in json.loads(_text(services["Properties"]["DashboardBody"]))


def test_the_health_alarm_arn_carries_the_placeholder() -> None:
    from observability_blueprint.dashboards.blueprint_dashboard import BlueprintDashboard
    from support import new_stack

    alarms = {"api": ["shop-dev-api-health"], "orders": ["shop-dev-orders-health"]}
    plan = _one_service(_switchable(), alarms)
    _, stack = new_stack()
    BlueprintDashboard(stack, "Service", plan=plan)
    [resource] = resources(Template.from_stack(stack), "AWS::CloudWatch::Dashboard").values()
    text = _text(resource["Properties"]["DashboardBody"])
    body = json.loads(text)
    [health] = [w for w in body["widgets"] if w["type"] == "alarm"]
    # A pattern variable changes text inside ARNs too (AWS's Region tutorial relies on it).
    assert health["properties"]["alarms"] == [
        "arn:aws:cloudwatch:REGION:ACCOUNT:alarm:shop-dev-__service__-health"
    ]
    from observability_blueprint.rules.dashboard_model import estimate_body_bytes

    assert estimate_body_bytes(plan) >= len(text)


def test_grafana_gets_no_template_dashboard() -> None:
    """Grafana has a dashboard per service already: the placeholder must not reach it."""
    import json

    from observability_blueprint.blueprint.grafana_dashboards import grafana_dashboards

    blueprint = _switchable()
    assert any(p.key == "service" for p in plan_dashboards(blueprint, region="eu-west-1"))
    rendered = json.dumps(grafana_dashboards(blueprint, region="eu-west-1"), default=str)
    assert "__service__" not in rendered
