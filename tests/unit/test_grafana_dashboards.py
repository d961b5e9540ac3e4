"""Grafana dashboards from the dashboard plan, and the checker of Grafana's JSON model.

The checker (rules/grafana_model.py) is written from Grafana's documented
dashboard JSON model (grafana/grafana
docs/sources/dashboards/build-dashboards/view-dashboard-json-model/index.md), not
from grafana-foundation-sdk, which builds the dashboards: every rendered
dashboard must pass it, and the page's own example must too.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from observability_blueprint import Blueprint
from observability_blueprint.blueprint.dashboard_plan import (
    console_home,
    plan_dashboards,
    service_sections,
)
from observability_blueprint.config.dashboards import Dashboards
from observability_blueprint.grafana import (
    DASHBOARD_TAG,
    GrafanaNames,
    PrometheusQueries,
    overview_dashboard,
    service_dashboards,
)
from observability_blueprint.grafana.dashboards import grafana_time
from observability_blueprint.rules.dashboard_model import (
    PlotExpression,
    PlotMetric,
    Section,
    Threshold,
    Widget,
)
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.rules.grafana_model import (
    UID_MAX,
    grafana_dashboard_problems,
    make_uid,
)
from support import ROOT

NAMES = GrafanaNames("shop-dev")
SEARCH = "SEARCH('{Shop/Api,Service} MetricName=\"Errors\"', 'Sum', 300)"
HOME = "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1"


def _section() -> Section:
    """A service section with one widget of every kind, laid out by hand."""
    return Section(
        "Checkout",
        (
            Widget(
                kind="text",
                title="Checkout",
                width=24,
                height=2,
                markdown="# Checkout\n[Trace map](#xray:service-map/map)",
            ),
            Widget(
                kind="single_value",
                title="Errors",
                width=6,
                height=3,
                metrics=(PlotExpression(SEARCH, "Errors"),),
                period=300,
            ),
            Widget(
                kind="graph",
                title="Errors",
                width=8,
                height=6,
                metrics=(
                    PlotMetric("Shop/Api", "Errors", (("Service", "checkout"),), "Sum", None, "m0"),
                    PlotExpression("ANOMALY_DETECTION_BAND(m0, 2)", "expected band"),
                ),
                thresholds=(Threshold(5.0, "api-errors threshold"),),
                period=300,
            ),
            Widget(
                kind="insight",
                title="Top contributors: shop-dev-api-top",
                width=8,
                height=6,
                insight_rule="shop-dev-api-top",
                period=300,
            ),
            Widget(
                kind="alarm_status",
                title="Alarms",
                width=24,
                height=3,
                alarms=("shop-dev-api errors",),
            ),
            Widget(
                kind="log_query",
                title="Latest errors",
                width=24,
                height=6,
                log_groups=("/shop/dev/api",),
                query="fields @timestamp, @message | limit 20",
            ),
        ),
    )


PROMQL = PrometheusQueries(
    request_rate='sum(rate(http_requests_total{service="checkout"}[$__rate_interval]))',
    error_ratio=(
        'sum(rate(http_requests_total{service="checkout",code=~"5.."}[$__rate_interval])) / '
        'sum(rate(http_requests_total{service="checkout"}[$__rate_interval]))'
    ),
    latency=(
        (
            "p50",
            "histogram_quantile(0.5, sum by (le) "
            '(rate(http_request_duration_seconds_bucket{service="checkout"}[$__rate_interval])))',
        ),
        (
            "p99",
            "histogram_quantile(0.99, sum by (le) "
            '(rate(http_request_duration_seconds_bucket{service="checkout"}[$__rate_interval])))',
        ),
    ),
)


@pytest.fixture(scope="module")
def checkout() -> dict[str, Any]:
    [model] = service_dashboards(
        {"checkout": _section()},
        names=NAMES,
        prometheus={"checkout": PROMQL},
        console_home=HOME,
    )
    return model


def _panel(model: dict[str, Any], title: str, kind: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        p for p in model["panels"] if p["title"] == title and p["type"] == kind
    ]
    assert len(found) == 1, found
    return found[0]


# ----------------------------------------------------------- from the shipped example


@pytest.fixture(scope="module")
def full_dashboards() -> list[dict[str, Any]]:
    """Every dashboard examples/full.yaml gets in Grafana: one per service, alarms, hosts."""
    blueprint = Blueprint.from_yaml(ROOT / "examples" / "full.yaml")
    sections = service_sections(blueprint, blueprint.dashboards or Dashboards(), region="eu-west-1")
    units = list(dict.fromkeys(group.unit() for group in blueprint.log_groups))
    names = GrafanaNames(blueprint.prefix)
    home = console_home("eu-west-1")
    services = service_dashboards(
        dict(zip(units, sections, strict=True)), names=names, console_home=home
    )
    others = [
        overview_dashboard(plan, names=names, console_home=home)
        for plan in plan_dashboards(blueprint, region="eu-west-1")
        if plan.key != "services"
    ]
    return services + others


def test_every_rendered_dashboard_follows_grafanas_documented_model(
    full_dashboards: list[dict[str, Any]],
) -> None:
    assert len(full_dashboards) == 6  # four services, the alarms and the hosts overviews
    for model in full_dashboards:
        assert grafana_dashboard_problems(model) == [], model["uid"]


def test_a_service_named_like_an_overview_keeps_a_uid_of_its_own() -> None:
    names = GrafanaNames("shop-dev")
    assert names.dashboard_uid("service", "alarms") == "shop-dev-service-alarms"
    assert names.dashboard_uid("alarms") == "shop-dev-alarms"


def test_every_rendered_dashboard_is_tagged_and_has_a_short_unique_uid(
    full_dashboards: list[dict[str, Any]],
) -> None:
    uids = [model["uid"] for model in full_dashboards]
    assert uids == [
        "payments-prod-service-checkout",
        "payments-prod-service-edge",
        "payments-prod-service-web",
        "payments-prod-service-batch",
        "payments-prod-alarms",
        "payments-prod-hosts",
    ]
    assert all(DASHBOARD_TAG in model["tags"] for model in full_dashboards)
    assert full_dashboards[0]["title"] == "payments-prod Checkout (card payments)"


# ------------------------------------------------------------------- the layout


def test_panels_sit_where_the_plan_places_the_widgets(checkout: dict[str, Any]) -> None:
    placed = [(p["id"], p["type"], p["gridPos"]) for p in checkout["panels"]]
    assert placed == [
        (1, "text", {"x": 0, "y": 0, "w": 24, "h": 2}),
        (2, "stat", {"x": 0, "y": 2, "w": 6, "h": 3}),
        (3, "timeseries", {"x": 0, "y": 5, "w": 8, "h": 6}),
        (4, "timeseries", {"x": 8, "y": 5, "w": 8, "h": 6}),
        (5, "text", {"x": 0, "y": 11, "w": 24, "h": 3}),
        (6, "table", {"x": 0, "y": 14, "w": 24, "h": 6}),
        (7, "row", {"x": 0, "y": 20, "w": 24, "h": 1}),
        (8, "timeseries", {"x": 0, "y": 21, "w": 8, "h": 6}),
        (9, "timeseries", {"x": 8, "y": 21, "w": 8, "h": 6}),
        (10, "timeseries", {"x": 16, "y": 21, "w": 8, "h": 6}),
    ]


def test_annotations_and_templating_are_lists_as_the_model_documents(
    checkout: dict[str, Any],
) -> None:
    assert checkout["templating"] == {"list": []}
    [annotation] = checkout["annotations"]["list"]
    assert annotation["builtIn"] == 1
    assert annotation["name"] == "Annotations & Alerts"
    assert checkout["time"] == {"from": "now-3h", "to": "now"}
    assert checkout["uid"] == "shop-dev-service-checkout"
    assert checkout["tags"] == ["observability-blueprint"]


# ------------------------------------------------------------------ the queries


def test_a_metric_is_built_and_an_expression_is_written_in_code_mode(
    checkout: dict[str, Any],
) -> None:
    graph = _panel(checkout, "Errors", "timeseries")
    metric, band = graph["targets"]
    assert graph["datasource"] == {"type": "cloudwatch", "uid": "obs-shop-dev-cloudwatch"}
    assert {k: metric[k] for k in ("namespace", "metricName", "dimensions", "statistic")} == {
        "namespace": "Shop/Api",
        "metricName": "Errors",
        "dimensions": {"Service": "checkout"},
        "statistic": "Sum",
    }
    assert (metric["id"], metric["metricEditorMode"], metric["metricQueryType"]) == ("m0", 0, 0)
    assert (band["expression"], band["metricEditorMode"]) == ("ANOMALY_DETECTION_BAND(m0, 2)", 1)
    assert (metric["refId"], band["refId"]) == ("A", "B")
    assert metric["period"] == "300"
    number = _panel(checkout, "Errors", "stat")
    assert number["targets"][0]["expression"] == SEARCH
    assert number["targets"][0]["label"] == "Errors"


def test_alarm_thresholds_become_threshold_lines(checkout: dict[str, Any]) -> None:
    graph = _panel(checkout, "Errors", "timeseries")
    defaults = graph["fieldConfig"]["defaults"]
    assert defaults["thresholds"]["steps"][1] == {"color": "red", "value": 5.0}
    assert defaults["custom"]["thresholdsStyle"] == {"mode": "line"}
    assert graph["description"] == "Alarm thresholds: api-errors threshold = 5"


def test_a_contributor_insights_widget_graphs_the_rule_with_metric_math(
    checkout: dict[str, Any],
) -> None:
    panel = _panel(checkout, "Top contributors: shop-dev-api-top", "timeseries")
    assert [t["expression"] for t in panel["targets"]] == [
        "INSIGHT_RULE_METRIC('shop-dev-api-top', 'UniqueContributors')",
        "INSIGHT_RULE_METRIC('shop-dev-api-top', 'MaxContributorValue')",
    ]


def test_a_log_query_is_a_cloudwatch_logs_table(checkout: dict[str, Any]) -> None:
    [target] = _panel(checkout, "Latest errors", "table")["targets"]
    assert target["queryMode"] == "Logs"
    assert target["expression"] == "fields @timestamp, @message | limit 20"
    assert target["logGroupNames"] == ["/shop/dev/api"]


def test_text_keeps_its_markdown_with_console_links_made_absolute(
    checkout: dict[str, Any],
) -> None:
    header = _panel(checkout, "Checkout", "text")
    assert header["options"] == {
        "mode": "markdown",
        "content": f"# Checkout\n[Trace map]({HOME}#xray:service-map/map)",
    }
    alarms = _panel(checkout, "Alarms", "text")
    assert (
        f"[shop-dev-api errors]({HOME}#alarmsV2:alarm/shop-dev-api%20errors)"
        in (alarms["options"]["content"])
    )


def test_the_prometheus_row_queries_the_prometheus_data_source(checkout: dict[str, Any]) -> None:
    row = _panel(checkout, "Prometheus", "row")
    assert row["collapsed"] is False
    rate = _panel(checkout, "Request rate", "timeseries")
    latency = _panel(checkout, "Latency", "timeseries")
    ratio = _panel(checkout, "Error ratio", "timeseries")
    assert rate["datasource"] == {"type": "prometheus", "uid": "obs-shop-dev-prometheus"}
    assert rate["targets"][0]["expr"] == PROMQL.request_rate
    assert ratio["fieldConfig"]["defaults"]["unit"] == "percentunit"
    assert [(t["legendFormat"], t["refId"]) for t in latency["targets"]] == [
        ("p50", "A"),
        ("p99", "B"),
    ]
    assert latency["fieldConfig"]["defaults"]["unit"] == "s"


def test_a_service_without_promql_gets_no_prometheus_row() -> None:
    [model] = service_dashboards({"checkout": _section()}, names=NAMES)
    assert [p for p in model["panels"] if p["type"] == "row"] == []
    assert model["panels"][-1]["title"] == "Latest errors"


# -------------------------------------------------------------------- refusals


def test_broken_promql_is_refused_with_the_service_the_field_and_a_caret() -> None:
    with pytest.raises(BlueprintError) as raised:
        service_dashboards(
            {"checkout": _section()},
            names=NAMES,
            prometheus={
                "checkout": PrometheusQueries(
                    request_rate="rate(http_requests_total)",
                    latency=(
                        ("p99", "histogram_quantile(0.99, sum by (le) (rate(h[$__rate_interval]))"),
                    ),
                )
            },
        )
    rate, latency = str(raised.value).split("\nservice_dashboards")
    # Where, what the parser says (rules/promql.py words it), the value and a caret under it.
    assert rate.startswith(
        "service_dashboards.prometheus['checkout'].request_rate: not valid PromQL: expected "
        "type matrix in call to function 'rate', got vector"
    )
    assert rate.endswith("\n  rate(http_requests_total)\n  ^")
    assert latency.startswith(
        ".prometheus['checkout'].latency['p99']: not valid PromQL: unclosed left parenthesis"
    )
    assert "\n  histogram_quantile(0.99, sum by (le) (rate(h[$__rate_interval]))\n" in latency


def test_promql_for_a_service_without_a_dashboard_is_refused() -> None:
    with pytest.raises(BlueprintError) as raised:
        service_dashboards(
            {"checkout": _section()},
            names=NAMES,
            prometheus={"chekout": PrometheusQueries(request_rate="up")},
        )
    assert str(raised.value) == (
        "service_dashboards.prometheus: chekout is not a service with a dashboard; "
        "services: checkout"
    )


# ------------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("start", "grafana"),
    [
        ("-PT3H", "now-3h"),
        ("-P1D", "now-1d"),
        ("-P1W", "now-1w"),
        ("-PT90M", "now-90m"),
        ("-P1DT12H", "now-36h"),
    ],
)
def test_the_plans_start_becomes_grafanas_relative_time(start: str, grafana: str) -> None:
    assert grafana_time(start) == grafana


def test_a_long_name_gets_a_40_character_uid_that_stays_unique() -> None:
    names = GrafanaNames("a-very-long-application-name-production")
    first = names.dashboard_uid("checkout-service-with-a-long-name")
    second = names.dashboard_uid("checkout-service-with-a-long-name-2")
    assert len(first) == UID_MAX
    assert len(second) == UID_MAX
    assert first != second
    assert re.fullmatch(r"[a-z][a-z0-9-]+", first)
    assert make_uid("Shop", "Check Out") == "shop-check-out"
    assert len(make_uid("a")) >= 8


def test_the_dashboards_and_the_push_client_load_without_aws_cdk() -> None:
    """The command line renders and pushes without starting jsii."""
    code = (
        "import importlib.abc, sys\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'aws_cdk', 'jsii', 'constructs'}:\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import observability_blueprint.grafana.dashboards\n"
        "import observability_blueprint.grafana.provisioning\n"
        "from observability_blueprint.grafana import push, service_dashboards\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr[-2000:]


# ---------------------------------------------------- the checker, from the docs

DOCUMENTED: dict[str, Any] = {
    # The page's "new dashboard" JSON, with the text panel of its Panels section.
    "id": None,
    "uid": "cLV5GDCkz",
    "title": "New dashboard",
    "tags": [],
    "style": "dark",
    "timezone": "browser",
    "editable": True,
    "graphTooltip": 1,
    "panels": [
        {
            "type": "text",
            "title": "Panel Title",
            "gridPos": {"x": 0, "y": 0, "w": 12, "h": 9},
            "id": 4,
            "mode": "markdown",
            "content": "# title",
        }
    ],
    "time": {"from": "now-6h", "to": "now"},
    "timepicker": {"time_options": [], "refresh_intervals": []},
    "templating": {"list": []},
    "annotations": {"list": []},
    "refresh": "5s",
    "schemaVersion": 17,
    "version": 0,
    "links": [],
}


def test_the_documented_example_passes() -> None:
    assert grafana_dashboard_problems(DOCUMENTED) == []


def _panel_copy(m: dict[str, Any], **changes: Any) -> None:
    m["panels"].append({**m["panels"][0], **changes})


def _grid(m: dict[str, Any], key: str, value: Any) -> None:
    m["panels"][0]["gridPos"][key] = value


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda m: m.update(uid="x" * 41),
            f"uid: '{'x' * 41}' is not a Grafana uid; use 8 to 40 letters, digits, '-' and '_'",
        ),
        (
            lambda m: m.update(uid="short"),
            "uid: 'short' is not a Grafana uid; use 8 to 40 letters, digits, '-' and '_'",
        ),
        (
            lambda m: m.update(templating={}),
            'templating.list: missing; templating is {"list": [...]}',
        ),
        (
            lambda m: m.update(annotations={"list": [{}]}),
            "annotations.list[0].name: missing or not a string",
        ),
        (
            lambda m: m.pop("schemaVersion"),
            "schemaVersion: missing; a dashboard has a whole number here",
        ),
        (lambda m: m.update(schemaVersion=True), "schemaVersion: True is not a whole number"),
        (
            lambda m: m.update(graphTooltip=3),
            "graphTooltip: 3 is not a tooltip mode; use 0 (none), 1 (shared crosshair) or 2 "
            "(shared crosshair and tooltip)",
        ),
        (
            lambda m: m.update(time={"from": "now-6h"}),
            "time.to: missing or not a string; give a time such as now-6h or now",
        ),
        (
            lambda m: _grid(m, "w", 25),
            "panels[0].gridPos.w: 25 is not a width; use 1 to 24 columns",
        ),
        (
            lambda m: _grid(m, "x", 16),
            "panels[0].gridPos.x: 16 with width 12 leaves the 24 columns; x + w is at most 24",
        ),
        (
            lambda m: _grid(m, "h", "tall"),
            "panels[0].gridPos.h: 'tall' is not a whole number",
        ),
        (
            lambda m: m["panels"][0].pop("type"),
            "panels[0].type: missing; a panel has a type (timeseries, text...)",
        ),
        (
            lambda m: _panel_copy(m, gridPos={"x": 12, "y": 0, "w": 12, "h": 9}),
            "panels[1].id: 4 is already the id of panels[0]",
        ),
        (
            lambda m: _panel_copy(m, id=5, gridPos={"x": 6, "y": 3, "w": 12, "h": 9}),
            "panels[1].gridPos: overlaps panels[0] at x 6, y 3",
        ),
        (lambda m: m.update(tags=["ok", 7]), "tags[1]: 7 is not a string"),
    ],
)
def test_the_checker_names_each_departure_from_the_model(
    change: Callable[[dict[str, Any]], object], problem: str
) -> None:
    model = copy.deepcopy(DOCUMENTED)
    change(model)
    assert grafana_dashboard_problems(model) == [problem]


def test_a_collapsed_rows_panels_do_not_collide_with_the_grid() -> None:
    model = copy.deepcopy(DOCUMENTED)
    model["panels"].append(
        {
            "type": "row",
            "title": "Collapsed",
            "id": 5,
            "collapsed": True,
            "gridPos": {"x": 0, "y": 9, "w": 24, "h": 1},
            "panels": [
                {
                    "type": "text",
                    "title": "Inside",
                    "id": 6,
                    "gridPos": {"x": 0, "y": 0, "w": 12, "h": 9},
                }
            ],
        }
    )
    assert grafana_dashboard_problems(model) == []
    model["panels"][1]["panels"][0]["id"] = 4
    assert grafana_dashboard_problems(model) == [
        "panels[1].panels[0].id: 4 is already the id of panels[0]"
    ]
