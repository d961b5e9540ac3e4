"""Which dashboards a blueprint gets and what is on them, planned from the config.

Pure module: no aws_cdk import. Everything here is derived from the validated
blueprint file, so a 1,200-service blueprint can be planned and checked against
CloudWatch's limits without synthesizing anything.

- The **services** dashboard has a section per service: a header, an errors
  graph and a latency graph with the thresholds of the alarms on them (and the
  anomaly band where an anomaly alarm watches the metric), a row of key numbers,
  a graph per custom metric filter, and a Logs Insights table of the latest
  errors with their request and trace ids.
- The **alarms** dashboard shows every alarm's state, a section per composite
  alarm holding it and its descendants, then the alarms under no composite.
- The **hosts** dashboard graphs the CloudWatch agent's metrics per Auto
  Scaling group or tagged fleet with SEARCH expressions, so new instances appear
  without a redeploy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from observability_blueprint.config.alarms import Alarm, MetricRef, resolve_filter, statistic
from observability_blueprint.config.blueprint import Blueprint, LogGroup
from observability_blueprint.config.dashboards import Dashboards
from observability_blueprint.rules import agent_metrics, alarm_rules
from observability_blueprint.rules.alarm_settings import AlarmNaming
from observability_blueprint.rules.dashboard_model import (
    GRID_WIDTH,
    DashboardPlan,
    PlotExpression,
    PlotMetric,
    Section,
    Threshold,
    Widget,
    plan_dashboard,
)
from observability_blueprint.rules.metric_filters import MetricFilterSpec
from observability_blueprint.rules.structured_logs import failed_requests_query

GRAPH_WIDTH = 8
GRAPH_HEIGHT = 6
NUMBER_WIDTH = 6
NUMBER_HEIGHT = 3
LOG_HEIGHT = 6
HEADER_HEIGHT = 2


@dataclass(frozen=True)
class _Watched:
    """What one metric alarm watches, for annotating graphs."""

    alarm: Alarm
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str


def dashboard_name(blueprint: Blueprint, region: str, key: str) -> str:
    """Return a dashboard's default name: ``<name>-<stage>-<region>-<key>``.

    Dashboard names are account-wide, not per Region: the Region in the name
    keeps two deployments of one blueprint from fighting over one dashboard.
    """
    return f"{blueprint.prefix}-{region}-{key}"


def plan_dashboards(
    blueprint: Blueprint, *, region: str, alarm_naming: AlarmNaming | None = None
) -> list[DashboardPlan]:
    """Return every dashboard the blueprint asks for, split into parts where needed.

    ``alarm_naming`` must be the strategy the alarms were named with (default:
    ``<name>-<stage>-<alarm>``): the alarm overview finds alarms by name.
    """
    settings = blueprint.dashboards or Dashboards()
    plans: list[DashboardPlan] = []
    if settings.services:
        sections = service_sections(blueprint, settings)
        if sections:
            plans += plan_dashboard(
                key="services",
                name=dashboard_name(blueprint, region, "services"),
                sections=sections,
                start=settings.start,
            )
    if settings.alarms and blueprint.alarms:
        plans += plan_dashboard(
            key="alarms",
            name=dashboard_name(blueprint, region, "alarms"),
            sections=alarm_sections(blueprint, alarm_naming or blueprint.alarm_naming()),
            start=settings.start,
        )
    fleets = blueprint.hosts.fleets if blueprint.hosts else []
    host_sections = [
        host_section(f.name, f'Fleet="{f.name}"', f.os, settings.period) for f in fleets
    ] + [
        host_section(
            g.name, f'AutoScalingGroupName="{g.auto_scaling_group}"', g.os, settings.period
        )
        for g in settings.hosts
    ]
    if host_sections:
        plans += plan_dashboard(
            key="hosts",
            name=dashboard_name(blueprint, region, "hosts"),
            sections=host_sections,
            start=settings.start,
        )
    return plans


# ---------------------------------------------------------------- services


def _watched(blueprint: Blueprint) -> list[_Watched]:
    filters = blueprint.all_filters()
    out: list[_Watched] = []
    for alarm in blueprint.alarms:
        if alarm.metric is None:
            continue
        namespace, name = _metric_identity(alarm.metric, filters)
        out.append(
            _Watched(
                alarm,
                namespace,
                name,
                tuple(sorted(alarm.metric.dimensions.items())),
                statistic(alarm, alarm.metric),
            )
        )
    return out


def _metric_identity(
    ref: MetricRef, filters: list[tuple[str, MetricFilterSpec]]
) -> tuple[str, str]:
    if ref.filter is None:
        assert ref.namespace is not None
        assert ref.name is not None
        return ref.namespace, ref.name
    resolved = resolve_filter(ref, filters)
    assert not isinstance(resolved, str), resolved
    return resolved[1].namespace, resolved[1].metric_name


def _search(namespace: str, metric: str, dims: Iterable[str], stat: str, period: int) -> str:
    schema = ",".join([_quote(namespace), *(_quote(d) for d in sorted(dims))])
    return f"SEARCH('{{{schema}}} MetricName=\"{metric}\"', '{stat}', {period})"


def _quote(text: str) -> str:
    # Schema parts with characters other than letters, digits and . _ - / # : need quotes.
    plain = all(c.isalnum() or c in "._-/#:" for c in text)
    return text if plain else f'"{text}"'


def _graph(
    title: str,
    spec: MetricFilterSpec,
    stat: str,
    period: int,
    watched: list[_Watched],
    *,
    label: str | None = None,
) -> Widget:
    metrics: list[PlotMetric | PlotExpression] = []
    if spec.dimensions:
        metrics.append(
            PlotExpression(
                _search(spec.namespace, spec.metric_name, spec.dimensions, stat, period),
                label or spec.metric_name,
            )
        )
    else:
        metrics.append(PlotMetric(spec.namespace, spec.metric_name, (), stat, label))
    thresholds: list[Threshold] = []
    for index, w in enumerate(watched):
        if (w.namespace, w.metric) != (spec.namespace, spec.metric_name):
            continue
        if w.alarm.type == "static" and w.alarm.threshold is not None:
            where = ", ".join(f"{k}={v}" for k, v in w.dimensions)
            label = f"{w.alarm.name} threshold" + (f" ({where})" if where else "")
            thresholds.append(Threshold(float(w.alarm.threshold), label))
        elif w.alarm.type == "anomaly":
            metric_id = f"m{index}"
            metrics.append(
                PlotMetric(
                    w.namespace, w.metric, w.dimensions, w.statistic, f"{w.alarm.name}", metric_id
                )
            )
            metrics.append(
                PlotExpression(
                    f"ANOMALY_DETECTION_BAND({metric_id}, {w.alarm.band:g})",
                    f"{w.alarm.name} expected band",
                )
            )
    return Widget(
        kind="graph",
        title=title,
        width=GRAPH_WIDTH,
        height=GRAPH_HEIGHT,
        metrics=tuple(metrics),
        thresholds=tuple(thresholds),
        period=period,
    )


def service_sections(blueprint: Blueprint, settings: Dashboards) -> list[Section]:
    """Return one section per service, in the order services first appear."""
    watched = _watched(blueprint)
    units: dict[str, list[LogGroup]] = {}
    for group in blueprint.log_groups:
        units.setdefault(group.unit(), []).append(group)
    sections = []
    for unit, groups in units.items():
        title = settings.titles.get(unit, unit)
        widgets = [
            Widget(
                kind="text",
                title=title,
                width=GRID_WIDTH,
                height=HEADER_HEIGHT,
                markdown=f"# {title}\nLog groups: "
                + ", ".join(f"`{g.physical_name(blueprint)}`" for g in groups),
            )
        ]
        numbers: list[Widget] = []
        graphs: list[Widget] = []
        logs: list[Widget] = []
        for group in groups:
            specs = {s.name: s for s in blueprint.filter_specs(group)}
            period = settings.period
            if group.structured_logs:
                graphs.append(_graph("Errors", specs["errors"], "Sum", period, watched))
                graphs.append(_graph("5xx responses", specs["status-5xx"], "Sum", period, watched))
                graphs.append(
                    _graph("Latency p99", specs["latency"], "p99", period, watched, label="p99")
                )
                numbers += [
                    _number("Errors", specs["errors"], "Sum", period),
                    _number("5xx", specs["status-5xx"], "Sum", period),
                    _number("4xx", specs["status-4xx"], "Sum", period),
                    _number("Latency p99 (ms)", specs["latency"], "p99", period),
                ]
                fields = group.structured_logs.to_fields()
                query = failed_requests_query(fields, tuple(group.structured_logs.error_levels))
                logs.append(
                    Widget(
                        kind="log_query",
                        title=f"Latest errors: {group.physical_name(blueprint)}",
                        width=GRID_WIDTH,
                        height=LOG_HEIGHT,
                        log_groups=(group.physical_name(blueprint),),
                        query=query.render().replace("| limit 100", "| limit 20"),
                    )
                )
            for metric_filter in group.metric_filters:
                spec = specs[metric_filter.name]
                graphs.append(
                    _graph(metric_filter.name, spec, "Sum", period, watched, label=spec.metric_name)
                )
        widgets += numbers + graphs + logs
        sections.append(Section(title, tuple(widgets)))
    return sections


def _number(title: str, spec: MetricFilterSpec, stat: str, period: int) -> Widget:
    metric: PlotMetric | PlotExpression
    if spec.dimensions:
        metric = PlotExpression(
            _search(spec.namespace, spec.metric_name, spec.dimensions, stat, period), title
        )
    else:
        metric = PlotMetric(spec.namespace, spec.metric_name, (), stat, title)
    return Widget(
        kind="single_value",
        title=title,
        width=NUMBER_WIDTH,
        height=NUMBER_HEIGHT,
        metrics=(metric,),
        period=period,
    )


# ------------------------------------------------------------------ alarms


def alarm_sections(blueprint: Blueprint, naming: AlarmNaming) -> list[Section]:
    """Return a section per top-level composite (with its tree), then the rest."""
    by_name = {a.name: a for a in blueprint.alarms}
    children: dict[str, list[str]] = {}
    for alarm in blueprint.alarms:
        if alarm.type == "composite" and alarm.rule:
            refs = alarm_rules.references(alarm_rules.parse(alarm.rule))
            children[alarm.name] = [r for r in refs if r in by_name]
    nested = {c for kids in children.values() for c in kids}
    sections: list[Section] = []
    covered: set[str] = set()
    for name in children:
        if name in nested:
            continue
        tree = _tree(name, children)
        covered.update(tree)
        sections.append(
            Section(name, (_status(f"{name} (composite)", [naming.name(n) for n in tree]),))
        )
    rest = [a.name for a in blueprint.alarms if a.name not in covered]
    if rest:
        title = "Alarms under no composite" if sections else "Alarms"
        sections.append(Section(title, (_status(title, [naming.name(n) for n in rest]),)))
    return sections


def _tree(root: str, children: dict[str, list[str]]) -> list[str]:
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        order.append(name)
        for child in children.get(name, []):
            visit(child)

    visit(root)
    return order


def _status(title: str, alarms: list[str]) -> Widget:
    rows = math.ceil(min(len(alarms), 100) / 4)
    return Widget(
        kind="alarm_status",
        title=title,
        width=GRID_WIDTH,
        height=max(2, min(12, 1 + rows)),
        alarms=tuple(alarms),
    )


# ------------------------------------------------------------------- hosts


def host_section(
    name: str, selector: str, os: agent_metrics.OperatingSystem, period: int
) -> Section:
    """Return the agent-metric graphs of one fleet, as SEARCH expressions.

    ``selector`` is the search term that picks the fleet's metrics, such as
    ``Fleet="web"`` or ``AutoScalingGroupName="web-asg"``.
    """
    widgets = [
        Widget(
            kind="text",
            title=name,
            width=GRID_WIDTH,
            height=HEADER_HEIGHT,
            markdown=f"# {name}\n{os.title()} hosts where {selector}",
        )
    ]
    for key in agent_metrics.DASHBOARD_KEYS:
        host_metric = agent_metrics.metric(key)
        collected = host_metric.on(os)
        if collected is None:
            continue
        search = (
            f'SEARCH(\'Namespace="{agent_metrics.NAMESPACE}" '
            f"MetricName=\"{collected.metric_name}\" {selector}', 'Average', {period})"
        )
        title = host_metric.title
        if os == "windows" and key == "disk_used_percent":
            title = "Disk free %"  # Windows counts free space, not used space
        widgets.append(
            Widget(
                kind="graph",
                title=title,
                width=GRAPH_WIDTH,
                height=GRAPH_HEIGHT,
                metrics=(PlotExpression(search, title),),
                period=period,
            )
        )
    return Section(name, tuple(widgets))
