"""Grafana dashboards from the dashboard plan that draws the CloudWatch dashboards.

No aws_cdk here: the plan's widgets (:mod:`observability_blueprint.rules.dashboard_model`)
become panels of Grafana's dashboard JSON model, built with grafana-foundation-sdk
and placed where the plan places them on its 24-column grid, so a service looks
the same in CloudWatch and in Grafana. ``obs-blueprint grafana push``
(:mod:`.provisioning`) uploads them.

Widgets and panels:

- ``graph`` -> a time series; a metric in the query builder (namespace, name,
  dimensions, statistic), an expression (``SEARCH(...)``, metric math) in code
  mode; alarm thresholds become threshold lines.
- ``single_value`` -> a stat panel with the same queries.
- ``log_query`` -> a table of a CloudWatch Logs Insights query on the log groups
  by name (the CloudWatch data source keeps log group names "for backwards
  compatibility", grafana/grafana pkg/tsdb/cloudwatch/log_actions.go).
- ``text`` -> a text panel with the same Markdown.
- ``alarm_status`` -> a text panel listing the alarms with links to the console:
  Grafana's CloudWatch data source has no alarm-status panel.
- ``insight`` -> a time series of the rule's ``UniqueContributors`` and
  ``MaxContributorValue`` (metric math ``INSIGHT_RULE_METRIC``); the top-N
  contributor list is the CloudWatch widget's alone.

Given PromQL for a service (:class:`PrometheusQueries`), a "Prometheus" row
follows with request rate, error ratio and latency quantiles from the
Prometheus data source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote

from grafana_foundation_sdk.builders import cloudwatch as cloudwatch_query
from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.builders import prometheus as prometheus_query
from grafana_foundation_sdk.builders import stat, table, text, timeseries
from grafana_foundation_sdk.builders.dashboard import (
    AnnotationQuery,
    Dashboard,
    Row,
    ThresholdsConfig,
)
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import cloudwatch as cloudwatch_model
from grafana_foundation_sdk.models import common as common_model
from grafana_foundation_sdk.models import dashboard as dashboard_model
from grafana_foundation_sdk.models.text import TextMode

from observability_blueprint.rules.dashboard_model import (
    GRID_WIDTH,
    DashboardPlan,
    PlotExpression,
    PlotMetric,
    Section,
    Widget,
    pack,
)
from observability_blueprint.rules.errors import BlueprintError, Problem, cut
from observability_blueprint.rules.grafana_model import make_uid
from observability_blueprint.rules.promql import promql_problems

DASHBOARD_TAG: Final = "observability-blueprint"
"""The tag every dashboard of the blueprint carries; provisioning touches only those."""
CLOUDWATCH_TYPE: Final = "cloudwatch"
PROMETHEUS_TYPE: Final = "prometheus"
DEFAULT_REGION: Final = "default"
"""A query's Region ``default``: the data source's default Region."""
PROMETHEUS_PANEL_WIDTH: Final = 8
PROMETHEUS_PANEL_HEIGHT: Final = 6


@dataclass(frozen=True)
class GrafanaNames:
    """The uids and names one blueprint uses in a Grafana workspace.

    Every name starts from ``prefix`` (the blueprint's ``<name>-<stage>``), so two
    blueprints, or two stages, share a workspace without touching each other's
    folder, data sources or dashboards.
    """

    prefix: str

    @property
    def folder_uid(self) -> str:
        """The folder that holds the blueprint's dashboards."""
        return make_uid("obs", self.prefix)

    @property
    def folder_title(self) -> str:
        """The folder's title."""
        return f"{self.prefix} (observability-blueprint)"

    @property
    def cloudwatch_uid(self) -> str:
        """The uid of the CloudWatch data source the dashboards query."""
        return make_uid("obs", self.prefix, "cloudwatch")

    @property
    def cloudwatch_name(self) -> str:
        """The CloudWatch data source's name (unique in the workspace)."""
        return f"{self.prefix} CloudWatch"

    @property
    def prometheus_uid(self) -> str:
        """The uid of the Prometheus data source of the Prometheus panels."""
        return make_uid("obs", self.prefix, "prometheus")

    @property
    def prometheus_name(self) -> str:
        """The Prometheus data source's name (unique in the workspace)."""
        return f"{self.prefix} Prometheus"

    def dashboard_uid(self, *key: str) -> str:
        """The uid of the dashboard ``key``: ``service``, NAME for a service's, so that no
        service (``alarms``) takes an overview's (``alarms``, ``hosts``)."""
        return make_uid(self.prefix, *key)


@dataclass(frozen=True)
class PrometheusQueries:
    """A service's PromQL for the Prometheus row of its dashboard.

    Grafana's interval macros (``$__rate_interval``, ``$__interval``,
    ``$__range``...) may be used; every expression is parsed
    (:func:`observability_blueprint.rules.promql.promql_problems`, the macros read as
    ``5m``) before a dashboard is built.

    Parameters
    ----------
    request_rate
        Requests per second, such as
        ``sum(rate(http_requests_total{service="checkout"}[$__rate_interval]))``.
    error_ratio
        Failed requests as a fraction of all (0 to 1).
    latency
        Quantiles as (legend, expression) pairs: ``(("p50", "histogram_quantile(0.5, ...)"), ...)``,
        in seconds.
    """

    request_rate: str | None = None
    error_ratio: str | None = None
    latency: tuple[tuple[str, str], ...] = ()


def grafana_time(start: str) -> str:
    """Return a plan's ISO 8601 start (``-PT3H``, ``-P1D``, ``-P1W``) as Grafana's ``now-3h``."""
    match = re.fullmatch(r"-P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", start)
    if match is None or not any(match.groups()):
        raise ValueError(f"{cut(start)!r} is not a relative start such as -PT3H")
    weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if total % size == 0:
            return f"now-{total // size}{unit}"
    return f"now-{total}s"


def service_dashboards(
    services: Mapping[str, Section],
    *,
    names: GrafanaNames,
    start: str = "-PT3H",
    prometheus: Mapping[str, PrometheusQueries] | None = None,
    console_home: str = "",
) -> list[dict[str, Any]]:
    """Return one Grafana dashboard per service, from the services dashboard's sections.

    Parameters
    ----------
    services
        Each service's section, by service name (the unit ``dashboard_plan.service_sections``
        made it for, in the same order); the name makes the dashboard's uid.
    names
        The blueprint's names in the workspace (:class:`GrafanaNames`).
    start
        The dashboards' time range, as the plan writes it (``-PT3H``).
    prometheus
        PromQL per service name, for a Prometheus row; services without any get none.
    console_home
        The CloudWatch console's address (``https://console.aws.amazon.com/cloudwatch/home?region=...``);
        Markdown links that start with ``#`` (relative to the console) are made absolute with
        it. Default: kept as they are.
    """
    queries = dict(prometheus or {})
    unknown = sorted(set(queries) - set(services))
    if unknown:
        raise BlueprintError.at(
            "service_dashboards.prometheus",
            f"{cut(', '.join(unknown))} {'is' if len(unknown) == 1 else 'are'} not a service "
            f"with a dashboard; services: {cut(', '.join(services)) or 'none'}",
        )
    return [
        render_dashboard(
            uid=names.dashboard_uid("service", service),
            title=f"{names.prefix} {section.title}",
            rows=pack(section.widgets),
            names=names,
            start=start,
            prometheus=queries.get(service),
            location=f"service_dashboards.prometheus[{service!r}]",
            console_home=console_home,
        )
        for service, section in services.items()
    ]


def overview_dashboard(
    plan: DashboardPlan, *, names: GrafanaNames, console_home: str = ""
) -> dict[str, Any]:
    """Return a whole planned dashboard (the alarms or hosts overview) as one Grafana dashboard."""
    return render_dashboard(
        uid=names.dashboard_uid(plan.key),
        title=plan.name,
        rows=plan.rows,
        names=names,
        start=plan.start,
        console_home=console_home,
    )


def render_dashboard(
    *,
    uid: str,
    title: str,
    rows: tuple[tuple[Widget, ...], ...],
    names: GrafanaNames,
    start: str = "-PT3H",
    prometheus: PrometheusQueries | None = None,
    location: str = "prometheus",
    console_home: str = "",
) -> dict[str, Any]:
    """Return the JSON model of a dashboard of ``rows`` of widgets (see the module's mapping).

    Panels are numbered 1, 2, 3... in reading order; each sits at the plan's
    ``x``/``y`` with the widget's width and height. ``annotations`` and ``templating``
    are ``{"list": [...]}`` as the documented model has them (the SDK writes ``{}``
    for an empty one).
    """
    plan = DashboardPlan(key=uid, name=title, rows=rows, start=start)
    cloudwatch = dashboard_model.DataSourceRef(type_val=CLOUDWATCH_TYPE, uid=names.cloudwatch_uid)
    builder = (
        Dashboard(title)
        .uid(uid)
        .tags([DASHBOARD_TAG])
        .time(grafana_time(start), "now")
        .timezone("browser")
        .tooltip(dashboard_model.DashboardCursorSync.CROSSHAIR)
        .annotation(_built_in_annotations())
    )
    bottom = 0
    number = 0
    for placed in plan.placed():
        number += 1
        widget = placed.widget
        grid = dashboard_model.GridPos(h=widget.height, w=widget.width, x=placed.x, y=placed.y)
        builder.with_panel(_panel(widget, number, grid, cloudwatch, console_home))
        bottom = max(bottom, placed.y + widget.height)
    if prometheus is not None:
        for panel in _prometheus_panels(prometheus, names, location, first=number + 1, y=bottom):
            if isinstance(panel, Row):
                builder.with_row(panel)
            else:
                builder.with_panel(panel)
    model: dict[str, Any] = json.loads(JSONEncoder(sort_keys=True).encode(builder.build()))
    if not model.get("templating"):
        model["templating"] = {"list": []}
    return model


def _built_in_annotations() -> AnnotationQuery:
    # The annotation every new Grafana dashboard carries: its own annotations and alerts.
    return (
        AnnotationQuery()
        .name("Annotations & Alerts")
        .built_in(1)
        .datasource(dashboard_model.DataSourceRef(type_val="grafana", uid="-- Grafana --"))
        .enable(True)
        .hide(True)
        .icon_color("rgba(0, 211, 255, 1)")
        .type("dashboard")
    )


def _panel(
    widget: Widget,
    number: int,
    grid: dashboard_model.GridPos,
    cloudwatch: dashboard_model.DataSourceRef,
    console_home: str,
) -> cogbuilder.Builder[dashboard_model.Panel]:
    if widget.kind == "text":
        return _text(widget.title, _absolute(widget.markdown, console_home), number, grid)
    if widget.kind == "alarm_status":
        lines = [
            f"- [{name}]({console_home}#alarmsV2:alarm/{quote(name, safe='')})"
            for name in widget.alarms
        ]
        content = "CloudWatch alarms (their state is shown in the CloudWatch console):\n\n"
        return _text(widget.title, content + "\n".join(lines), number, grid)
    if widget.kind == "log_query":
        query = (
            cloudwatch_query.CloudWatchLogsQuery()
            .query_mode(cloudwatch_model.CloudWatchQueryMode.LOGS)
            .region(DEFAULT_REGION)
            .expression(widget.query)
            .log_group_names(list(widget.log_groups))
            .ref_id("A")
            .datasource(cloudwatch)
        )
        return (
            table.Panel()
            .id(number)
            .title(widget.title)
            .grid_pos(grid)
            .datasource(cloudwatch)
            .with_target(query)
        )
    targets = _metric_targets(widget, cloudwatch)
    if widget.kind == "single_value":
        panel: stat.Panel | timeseries.Panel = stat.Panel()
    else:
        panel = timeseries.Panel()
    panel.id(number).title(widget.title).grid_pos(grid).datasource(cloudwatch)
    for target in targets:
        panel.with_target(target)
    if widget.thresholds and isinstance(panel, timeseries.Panel):
        steps = [dashboard_model.Threshold(color="transparent", value=None)]
        steps += [
            dashboard_model.Threshold(color="red", value=t.value)
            for t in sorted(widget.thresholds, key=lambda t: t.value)
        ]
        panel.thresholds(
            ThresholdsConfig().mode(dashboard_model.ThresholdsMode.ABSOLUTE).steps(steps)
        ).thresholds_style(
            common_builders.GraphThresholdsStyleConfig().mode(
                common_model.GraphThresholdsStyleMode.LINE
            )
        ).description(
            "Alarm thresholds: " + "; ".join(f"{t.label} = {t.value:g}" for t in widget.thresholds)
        )
    return panel


def _text(
    title: str, content: str, number: int, grid: dashboard_model.GridPos
) -> cogbuilder.Builder[dashboard_model.Panel]:
    return (
        text.Panel().id(number).title(title).grid_pos(grid).mode(TextMode.MARKDOWN).content(content)
    )


def _absolute(markdown: str, console_home: str) -> str:
    # Links the plan writes relative to the CloudWatch console (](#xray:...) point
    # into Grafana from a Grafana panel; with the console's address they reach it.
    return markdown.replace("](#", f"]({console_home}#") if console_home else markdown


def _ref_id(index: int) -> str:
    # A, B, ... Z, AA, AB, ...: Grafana's own sequence of query letters.
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _metric_targets(
    widget: Widget, cloudwatch: dashboard_model.DataSourceRef
) -> list[cogbuilder.Builder[cogvariants.Dataquery]]:
    period = str(widget.period) if widget.period else ""
    targets: list[cogbuilder.Builder[cogvariants.Dataquery]] = []
    plotted: Sequence[PlotMetric | PlotExpression] = widget.metrics
    if widget.kind == "insight":
        rule = widget.insight_rule.replace("'", "\\'")
        plotted = [
            PlotExpression(f"INSIGHT_RULE_METRIC('{rule}', '{metric}')", label)
            for metric, label in (
                ("UniqueContributors", "Contributors"),
                ("MaxContributorValue", "Top contributor"),
            )
        ]
    for index, item in enumerate(plotted):
        query = (
            cloudwatch_query.CloudWatchMetricsQuery()
            .query_mode(cloudwatch_model.CloudWatchQueryMode.METRICS)
            .metric_query_type(cloudwatch_model.MetricQueryType.SEARCH)
            .region(DEFAULT_REGION)
            .period(period)
            .ref_id(_ref_id(index))
            .datasource(cloudwatch)
        )
        if item.id:
            query.id(item.id)
        if item.label:
            query.label(item.label)
        if isinstance(item, PlotMetric):
            query.metric_editor_mode(cloudwatch_model.MetricEditorMode.BUILDER).namespace(
                item.namespace
            ).metric_name(item.name).dimensions(dict(item.dimensions)).match_exact(True).statistic(
                item.statistic
            )
        else:
            query.metric_editor_mode(cloudwatch_model.MetricEditorMode.CODE).expression(
                item.expression
            )
        targets.append(query)
    return targets


def _prometheus_panels(
    queries: PrometheusQueries, names: GrafanaNames, location: str, *, first: int, y: int
) -> list[Any]:
    problems = [
        Problem(f"{location}.{field}", message)
        for field, expression in (
            ("request_rate", queries.request_rate),
            ("error_ratio", queries.error_ratio),
            *((f"latency[{legend!r}]", expr) for legend, expr in queries.latency),
        )
        if expression is not None
        for message in promql_problems(expression, grafana=True)
    ]
    if problems:
        raise BlueprintError(problems)
    source = dashboard_model.DataSourceRef(type_val=PROMETHEUS_TYPE, uid=names.prometheus_uid)
    charts: list[tuple[str, str, list[tuple[str, str]]]] = []
    if queries.request_rate:
        charts.append(("Request rate", "reqps", [("requests/s", queries.request_rate)]))
    if queries.error_ratio:
        charts.append(("Error ratio", "percentunit", [("errors", queries.error_ratio)]))
    if queries.latency:
        charts.append(("Latency", "s", list(queries.latency)))
    if not charts:
        return []
    out: list[Any] = [
        Row("Prometheus").id(first).grid_pos(dashboard_model.GridPos(h=1, w=GRID_WIDTH, x=0, y=y))
    ]
    for index, (title, unit, lines) in enumerate(charts):
        panel = (
            timeseries.Panel()
            .id(first + 1 + index)
            .title(title)
            .unit(unit)
            .datasource(source)
            .grid_pos(
                dashboard_model.GridPos(
                    h=PROMETHEUS_PANEL_HEIGHT,
                    w=PROMETHEUS_PANEL_WIDTH,
                    x=index * PROMETHEUS_PANEL_WIDTH,
                    y=y + 1,
                )
            )
        )
        for line, (legend, expression) in enumerate(lines):
            panel.with_target(
                prometheus_query.Dataquery()
                .expr(expression)
                .legend_format(legend)
                .range()
                .ref_id(_ref_id(line))
                .datasource(source)
            )
        out.append(panel)
    return out
