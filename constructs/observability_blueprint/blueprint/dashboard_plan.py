"""Which dashboards a blueprint gets and what is on them, planned from the config.

Pure module: no aws_cdk import. Everything here is derived from the validated
blueprint file, so a 1,200-service blueprint can be planned and checked against
CloudWatch's limits without synthesizing anything.

- The **services** dashboard has a section per service: a header, an errors
  graph and a latency graph with the thresholds of the alarms on them (and the
  anomaly band where an anomaly alarm watches the metric), a row of key numbers,
  a graph per custom metric filter, and a Logs Insights table of the latest
  errors with their request and trace ids. With ``tracing.groups`` a section
  also links to the X-Ray trace map and to every trace's log events (the saved
  ``one-trace`` query: the trace id joins logs and traces) and graphs how many
  traces its X-Ray group counted; a log group with anomaly detection adds the
  anomalies its detector found, and each Contributor Insights rule of the
  service (:func:`insight_rules`) its top contributors. The audit trail's rules
  get a section of their own.
- The **service** dashboard shows one service at a time: a template section whose
  widgets name the service by :data:`SERVICE_PLACEHOLDER`, and a pattern variable
  that replaces it with the service picked from a menu (:func:`service_switch_plan`).
- The **alarms** dashboard shows every alarm's state, a section per composite
  alarm holding it and its descendants, then the alarms under no composite.
- The **hosts** dashboard graphs the CloudWatch agent's metrics per Auto
  Scaling group or tagged fleet with SEARCH expressions, so new instances appear
  without a redeploy.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from observability_blueprint.blueprint.audit import SIGNIN_UNDELIVERED
from observability_blueprint.blueprint.events import forwarded_alarm_topic
from observability_blueprint.config.alarms import Alarm, MetricRef, resolve_filter, statistic
from observability_blueprint.config.blueprint import Blueprint, LogGroup
from observability_blueprint.config.dashboards import Dashboards
from observability_blueprint.config.services import resource_alarm_names
from observability_blueprint.rules import agent_metrics, alarm_rules, cis_controls, names, xray
from observability_blueprint.rules import audit as audit_rules
from observability_blueprint.rules import log_alarms as log_alarm_rules
from observability_blueprint.rules.alarm_settings import AlarmNaming
from observability_blueprint.rules.dashboard_model import (
    GRID_WIDTH,
    VARIABLE_VALUES_MAX,
    DashboardPlan,
    PatternVariable,
    PlotExpression,
    PlotMetric,
    Section,
    Series,
    Threshold,
    Widget,
    logs_insights_link,
    plan_dashboard,
    threshold_mismatch,
)
from observability_blueprint.rules.metric_filters import MetricFilterSpec
from observability_blueprint.rules.regions import partition_of
from observability_blueprint.rules.resource_alarms import ResolvedAlarm
from observability_blueprint.rules.resource_dashboards import resource_section, type_title
from observability_blueprint.rules.resource_refs import ResourceIdentity
from observability_blueprint.rules.saved_queries import ONE_TRACE, TRACE_ID_PLACEHOLDER
from observability_blueprint.rules.service_health import HEALTH_SUFFIX
from observability_blueprint.rules.structured_logs import (
    failed_requests_query,
    structured_log_filters,
)

GRAPH_WIDTH = 8
GRAPH_HEIGHT = 6
NUMBER_WIDTH = 6
NUMBER_HEIGHT = 3
LOG_HEIGHT = 6
HEADER_HEIGHT = 2

TRAIL_INSIGHTS = "audit-trail"
"""The key of :func:`insight_rules` under which the audit trail's rules are listed."""
XRAY_NAMESPACE = "AWS/X-Ray"
XRAY_TRACE_COUNT = "ApproximateTraceCount"
XRAY_GROUP_DIMENSION = "GroupName"
"""X-Ray publishes, every minute, the approximate number of traces each group
matched (the only metric of a group): ``ApproximateTraceCount`` in ``AWS/X-Ray``
with the ``GroupName`` dimension. The metric name and its one-minute cadence are
AWS's ("Configuring groups", https://docs.aws.amazon.com/xray/latest/devguide/xray-console-groups.html,
as AWS's blog on X-Ray groups quotes it); the namespace and dimension name are
those the console and public templates use, not read on an AWS page here."""


@dataclass(frozen=True)
class _Watched:
    """What one metric alarm watches, for annotating graphs."""

    alarm: Alarm
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str
    log_group: str | None
    """The log group of the metric filter watched, or None for another metric."""

    @property
    def series(self) -> Series:
        """The series the alarm evaluates."""
        return Series(
            self.namespace, self.metric, self.dimensions, self.statistic, self.alarm.period
        )


def dashboard_name(blueprint: Blueprint, region: str, key: str) -> str:
    """Return a dashboard's default name: ``<name>-<stage>-<region>-<key>``.

    Dashboard names are account-wide, not per Region: the Region in the name
    keeps two deployments of one blueprint from fighting over one dashboard.
    """
    return f"{blueprint.prefix}-{region}-{key}"


def plan_dashboards(
    blueprint: Blueprint,
    *,
    region: str,
    alarm_naming: AlarmNaming | None = None,
    resources: Mapping[str, Sequence[tuple[ResourceIdentity, Sequence[ResolvedAlarm]]]]
    | None = None,
    resource_alarms: Mapping[str, Sequence[str]] | None = None,
) -> list[DashboardPlan]:
    """Return every dashboard the blueprint asks for, split into parts where needed.

    ``alarm_naming`` must be the strategy the alarms were named with (default:
    ``<name>-<stage>-<alarm>``): the alarm overview finds alarms by name.
    ``resources`` (see :func:`service_sections`) and ``resource_alarms`` (see
    :func:`alarm_sections`) add the services' AWS resources. Default: those of the
    file's ``services:``, named as the blueprint names them.
    """
    naming = alarm_naming or blueprint.alarm_naming()
    if resources is None or resource_alarms is None:
        planned = blueprint.planned_resources()
        if resources is None:
            grouped: dict[str, list[tuple[ResourceIdentity, Sequence[ResolvedAlarm]]]] = {}
            for item in planned:
                grouped.setdefault(item.service, []).append((item.identity, item.alarms))
            resources = grouped
        if resource_alarms is None:
            resource_alarms = resource_alarm_names(blueprint.services, planned, naming)
    settings = blueprint.dashboards or Dashboards()
    plans: list[DashboardPlan] = []
    if settings.services:
        sections = service_sections(blueprint, settings, region=region, resources=resources)
        rules = insight_rules(blueprint).get(TRAIL_INSIGHTS, ())
        if sections and rules:
            sections.append(_insight_section("Audit trail", rules, settings.period))
        if sections:
            services = plan_dashboard(
                key="services",
                name=dashboard_name(blueprint, region, "services"),
                sections=sections,
                start=settings.start,
            )
            plans += services
            switch = service_switch_plan(
                blueprint,
                settings,
                region=region,
                naming=naming,
                resource_alarms=resource_alarms,
                services_dashboard=services[0].name,
            )
            if switch is not None:
                plans.append(switch)
    overview = (
        alarm_sections(
            blueprint,
            naming,
            resource_alarms=resource_alarms,
        )
        if settings.alarms
        else []
    )
    if overview:
        plans += plan_dashboard(
            key="alarms",
            name=dashboard_name(blueprint, region, "alarms"),
            sections=overview,
            start=settings.start,
        )
    fleets = blueprint.hosts.fleets if blueprint.hosts else []
    host_sections = [
        host_section(
            f.name,
            f'Fleet="{f.name}"',
            f.os,
            settings.period,
            collected=f.agent_config(name=blueprint.name, stage=blueprint.stage).metric_keys(),
        )
        for f in fleets
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
        namespace, name, group = _metric_identity(alarm.metric, filters)
        out.append(
            _Watched(
                alarm,
                namespace,
                name,
                tuple(sorted(alarm.metric.dimensions.items())),
                statistic(alarm, alarm.metric),
                group,
            )
        )
    return out


def _metric_identity(
    ref: MetricRef, filters: list[tuple[str, MetricFilterSpec]]
) -> tuple[str, str, str | None]:
    if ref.filter is None:
        assert ref.namespace is not None
        assert ref.name is not None
        return ref.namespace, ref.name, None
    resolved = resolve_filter(ref, filters)
    assert not isinstance(resolved, str), resolved
    return resolved[1].namespace, resolved[1].metric_name, resolved[0]


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
    drawn: set[str] | None = None,
) -> Widget:
    """A graph of a filter's metric; ``drawn`` collects the alarms whose line it carries.

    A static alarm's threshold is drawn only when the graph's line is the alarm's
    series (metric, dimensions, statistic and period: ``threshold_mismatch``).
    """
    metrics: list[PlotMetric | PlotExpression] = []
    graph: Series
    if spec.dimensions:
        metrics.append(
            PlotExpression(
                _search(spec.namespace, spec.metric_name, spec.dimensions, stat, period),
                label or spec.metric_name,
            )
        )
        graph = Series(
            spec.namespace,
            spec.metric_name,
            tuple(sorted((d, None) for d in spec.dimensions)),
            stat,
            period,
        )
    else:
        metrics.append(PlotMetric(spec.namespace, spec.metric_name, (), stat, label))
        graph = Series(spec.namespace, spec.metric_name, (), stat, period)
    thresholds: list[Threshold] = []
    for index, w in enumerate(watched):
        if (w.namespace, w.metric) != (spec.namespace, spec.metric_name):
            continue
        if w.alarm.type == "static" and w.alarm.threshold is not None:
            if threshold_mismatch(w.series, graph) is not None:
                continue
            thresholds.append(_threshold_line(w))
            if drawn is not None:
                drawn.add(w.alarm.name)
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


def _threshold_line(w: _Watched) -> Threshold:
    assert w.alarm.threshold is not None
    where = ", ".join(f"{k}={v}" for k, v in w.dimensions)
    return Threshold(
        float(w.alarm.threshold),
        f"{w.alarm.name} threshold" + (f" ({where})" if where else ""),
    )


def _alarm_graph(w: _Watched) -> Widget:
    """A graph of exactly what a static alarm evaluates (its statistic and period),
    for an alarm no graph of its service matches: on-call sees its line."""
    return Widget(
        kind="graph",
        title=f"{w.alarm.name}: {w.metric} {w.statistic} per {w.alarm.period} s",
        width=GRAPH_WIDTH,
        height=GRAPH_HEIGHT,
        metrics=(PlotMetric(w.namespace, w.metric, w.dimensions, w.statistic, w.metric),),
        thresholds=(_threshold_line(w),),
        period=w.alarm.period,
        y_min=0,
    )


def insight_rules(blueprint: Blueprint) -> dict[str, tuple[str, ...]]:
    """Return the names of the Contributor Insights rules to show, by service.

    Each service's are its log groups' rules (``contributor_insights``, named
    ``<name>-<stage>-<log group>-<rule>`` as :mod:`.insights` names them). The
    audit trail's rules (``audit_trail.insights``, named ``<name>-<stage>-<rule>``
    as the audit area names them) are listed under :data:`TRAIL_INSIGHTS`.
    """
    out: dict[str, tuple[str, ...]] = {}
    for group in blueprint.log_groups:
        if names := blueprint.insight_rule_names(group):
            out[group.unit()] = (*out.get(group.unit(), ()), *names)
    audit = blueprint.audit_trail
    if audit is not None and audit.insights is not None:
        insights = audit.insights
        names = [
            rule.name
            for rule, wanted in (
                (audit_rules.TOP_CALLERS, insights.top_callers),
                (audit_rules.TOP_ERRORS, insights.top_errors),
            )
            if wanted
        ] + [rule.name for rule in insights.rules]
        out[TRAIL_INSIGHTS] = tuple(f"{blueprint.prefix}-{name}" for name in names)
    return out


def anomaly_detector_name(blueprint: Blueprint, group: LogGroup) -> str | None:
    """Return the name of a log group's anomaly detector, or None when it has none."""
    return blueprint.anomaly_detector_name(group)


def _anomaly_graph(detector: str, group_name: str, period: int) -> Widget:
    # Every priority the detector publishes (LogAnomalyPriority is always set), one line each.
    search = (
        f"SEARCH('{{{log_alarm_rules.ANOMALY_NAMESPACE},{log_alarm_rules.DETECTOR_DIMENSION},"
        f'{log_alarm_rules.PRIORITY_DIMENSION}}} MetricName="{log_alarm_rules.ANOMALY_METRIC}" '
        f"{log_alarm_rules.DETECTOR_DIMENSION}=\"{detector}\"', 'Sum', {period})"
    )
    return Widget(
        kind="graph",
        title=f"Log anomalies: {group_name}",
        width=GRAPH_WIDTH,
        height=GRAPH_HEIGHT,
        metrics=(PlotExpression(search, "${PROP('Dim.LogAnomalyPriority')}"),),
        period=period,
    )


def _trace_graph(group: str, period: int) -> Widget:
    return Widget(
        kind="graph",
        title="Traces in the X-Ray group",
        width=GRAPH_WIDTH,
        height=GRAPH_HEIGHT,
        metrics=(
            PlotMetric(
                XRAY_NAMESPACE, XRAY_TRACE_COUNT, ((XRAY_GROUP_DIMENSION, group),), "Sum", group
            ),
        ),
        period=period,
    )


def _insight_widget(rule: str, period: int) -> Widget:
    return Widget(
        kind="insight",
        title=f"Top contributors: {rule}",
        width=GRAPH_WIDTH,
        height=GRAPH_HEIGHT,
        insight_rule=rule,
        period=period,
    )


def _insight_section(title: str, rules: Iterable[str], period: int) -> Section:
    widgets = [
        Widget(
            kind="text",
            title=title,
            width=GRID_WIDTH,
            height=HEADER_HEIGHT,
            markdown=f"# {title}\nContributor Insights rules",
        )
    ]
    widgets += [_insight_widget(rule, period) for rule in rules]
    return Section(title, tuple(widgets))


def console_home(region: str) -> str:
    """The CloudWatch console's address in ``region``, or "" when the Region is not known
    at synthesis (the links are then relative: the console's current Region)."""
    if partition_of(region) is None:
        return ""
    return xray.trace_map_url(region).split("#", 1)[0]


def _trace_links(blueprint: Blueprint, service: str, groups: list[LogGroup], home: str) -> Widget:
    """The links between a service's traces and its logs (``tracing.groups`` is on).

    The trace map link opens the map of every group: the console's address
    takes no group (none is documented), so the text names the group to pick.
    Each log group with the saved ``one-trace`` query gets a link that opens it
    in Logs Insights (see :func:`logs_insights_link`); a saved query's own
    console link needs its id, known only once deployed.
    """
    group_name = f"{blueprint.prefix}-{service}"
    lines = [
        f"**Traces**: [Trace map]({home}#xray:service-map/map), group `{group_name}` "
        "(choose it in the Group menu)"
    ]
    for group in groups:
        query = blueprint.log_group_queries(group).get(ONE_TRACE)
        if query is None:
            continue
        name = group.physical_name(blueprint)
        link = logs_insights_link(query, [name], home=home)
        lines.append(
            f"**One trace in `{name}`**: [open in Logs Insights]({link}), replace "
            f"`{TRACE_ID_PLACEHOLDER}` with the trace id (saved as "
            f"`{blueprint.query_folder(group)}/{ONE_TRACE}`)"
        )
    return Widget(
        kind="text",
        title=f"{service} traces",
        width=GRID_WIDTH,
        height=HEADER_HEIGHT + len(lines) - 1,
        markdown="\n\n".join(lines),
    )


def service_sections(
    blueprint: Blueprint,
    settings: Dashboards,
    *,
    region: str = "",
    resources: Mapping[str, Sequence[tuple[ResourceIdentity, Sequence[ResolvedAlarm]]]] = {},
) -> list[Section]:
    """Return one section per service, in the order services first appear.

    ``region`` makes the console links absolute (default: relative links).
    ``resources`` are the AWS resources each service runs on, with the alarms
    created on them, by service name: their graphs (traffic, errors, latency,
    saturation: :func:`~observability_blueprint.rules.resource_dashboards.resource_section`)
    come first in the service's section, above the log-derived graphs. A service
    with resources and no log group gets a section too (after the others).
    """
    watched = _watched(blueprint)
    tracing = blueprint.tracing is not None and blueprint.tracing.groups is not None
    rules = insight_rules(blueprint)
    home = console_home(region)
    units: dict[str, list[LogGroup]] = {}
    for group in blueprint.log_groups:
        units.setdefault(group.unit(), []).append(group)
    for service in resources:
        units.setdefault(service, [])
    sections = []
    for unit, groups in units.items():
        title = settings.titles.get(unit, unit)
        logs_line = (
            "Log groups: " + ", ".join(f"`{g.physical_name(blueprint)}`" for g in groups)
            if groups
            else "AWS resources"
        )
        widgets = [
            Widget(
                kind="text",
                title=title,
                width=GRID_WIDTH,
                height=HEADER_HEIGHT,
                markdown=f"# {title}\n{logs_line}",
            )
        ]
        for index, (identity, alarms) in enumerate(resources.get(unit, ())):
            section = resource_section(
                identity,
                alarms,
                period=settings.period,
                region=region,
                title=f"{type_title(identity.resource_type)} {identity.name}",
                prefix=f"r{index}",
            )
            widgets += section.widgets
        if tracing and groups:
            widgets.append(_trace_links(blueprint, unit, groups, home))
        numbers: list[Widget] = []
        graphs: list[Widget] = []
        logs: list[Widget] = []
        drawn: set[str] = set()
        for group in groups:
            specs = {s.name: s for s in blueprint.filter_specs(group)}
            period = settings.period
            if group.structured_logs:
                graphs.append(
                    _graph("Errors", specs["errors"], "Sum", period, watched, drawn=drawn)
                )
                graphs.append(
                    _graph(
                        "5xx responses", specs["status-5xx"], "Sum", period, watched, drawn=drawn
                    )
                )
                graphs.append(
                    _graph(
                        "Latency p99",
                        specs["latency"],
                        "p99",
                        period,
                        watched,
                        label="p99",
                        drawn=drawn,
                    )
                )
                numbers += [
                    _number("Errors", specs["errors"], "Sum", period),
                    _number("5xx", specs["status-5xx"], "Sum", period),
                    _number("4xx", specs["status-4xx"], "Sum", period),
                    _number("Latency p99 (ms)", specs["latency"], "p99", period),
                ]
                logs.append(
                    Widget(
                        kind="log_query",
                        title=f"Latest errors: {group.physical_name(blueprint)}",
                        width=GRID_WIDTH,
                        height=LOG_HEIGHT,
                        log_groups=(group.physical_name(blueprint),),
                        query=_latest_errors_query(group),
                    )
                )
            for metric_filter in group.metric_filters:
                spec = specs[metric_filter.name]
                graphs.append(
                    _graph(
                        metric_filter.name,
                        spec,
                        "Sum",
                        period,
                        watched,
                        label=spec.metric_name,
                        drawn=drawn,
                    )
                )
            if detector := anomaly_detector_name(blueprint, group):
                graphs.append(_anomaly_graph(detector, group.name, settings.period))
        # A static alarm on this service's filters that no graph matched gets its own graph.
        names = {g.name for g in groups}
        graphs += [
            _alarm_graph(w)
            for w in watched
            if w.log_group in names
            and w.alarm.type == "static"
            and w.alarm.threshold is not None
            and w.alarm.name not in drawn
        ]
        if tracing and groups:
            graphs.append(_trace_graph(f"{blueprint.prefix}-{unit}", settings.period))
        graphs += [_insight_widget(rule, settings.period) for rule in rules.get(unit, ())]
        widgets += numbers + graphs + logs
        sections.append(Section(title, tuple(widgets)))
    return sections


def _latest_errors_query(group: LogGroup) -> str:
    """The Logs Insights query of a structured-log group's latest failed requests."""
    assert group.structured_logs is not None
    fields = group.structured_logs.to_fields()
    query = failed_requests_query(fields, tuple(group.structured_logs.error_levels))
    return query.render().replace("| limit 100", "| limit 20")


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


# ---------------------------------------------------------- one service at a time


SERVICE_PLACEHOLDER = "__service__"
"""What the one-service dashboard's pattern variable replaces by the service picked.

A pattern variable's pattern is a regular expression; this one has no special
character, so it matches itself and nothing else. No blueprint prefix can hold it
(names and stages take no ``_``); a service whose name holds it is not offered."""
SERVICE_VARIABLE = "service"
"""The id of the one-service dashboard's variable (``?~service=...`` in its address)."""
LISTED_NAMES_MAX = 20
"""Services named in the one-service dashboard's header, per list (then "and N more")."""


def switchable_services(blueprint: Blueprint) -> tuple[list[str], list[str]]:
    """Return the services the one-service dashboard switches between, and the others.

    A service is offered when it has structured logs and each of its structured-log
    groups publishes into the default namespace ``<name>-<stage>/<service>``
    (:meth:`Blueprint.metric_namespace`): the namespace then carries the service, so
    one SEARCH with the service in place of :data:`SERVICE_PLACEHOLDER` finds its
    metrics, whatever its applications write in the ``Service`` dimension. The second
    list names the services with structured logs in a namespace of their own
    (``structured_logs.namespace``): a pattern cannot switch to those. Both in the
    order services first appear.
    """
    groups: dict[str, list[LogGroup]] = {}
    for group in blueprint.log_groups:
        if group.structured_logs is not None:
            groups.setdefault(group.unit(), []).append(group)
    offered: list[str] = []
    custom: list[str] = []
    for service, structured in groups.items():
        if SERVICE_PLACEHOLDER in service:
            continue
        default = f"{blueprint.prefix}/{service}"
        if all(blueprint.metric_namespace(g) == default for g in structured):
            offered.append(service)
        else:
            custom.append(service)
    return offered, custom


def service_switch_plan(
    blueprint: Blueprint,
    settings: Dashboards,
    *,
    region: str,
    naming: AlarmNaming,
    resource_alarms: Mapping[str, Sequence[str]],
    services_dashboard: str,
) -> DashboardPlan | None:
    """Return the dashboard that shows one service at a time, or None below two services.

    One template section names the service by :data:`SERVICE_PLACEHOLDER` wherever it
    appears, and a pattern variable (a menu of the services of
    :func:`switchable_services`, the first shown by default) replaces it everywhere in
    the dashboard's JSON:

    - the structured-log numbers and graphs as SEARCH expressions over the namespace
      ``<name>-<stage>/__service__`` (no threshold lines: each service's alarms differ);
    - the health alarm ``<name>-<stage>-__service__-health`` (an alarm widget holds
      alarm ARNs, which a pattern variable changes too), when every service offered
      has one in this Region and ``naming`` names them all alike;
    - the latest errors of the log group ``/<name>/<stage>/__service__`` when every
      service offered has exactly that one structured-log group and one query.

    The header names what is left out and why; the services dashboard
    (``services_dashboard``) keeps each service's resource graphs and custom filters.
    A variable takes at most 500 values: services past the 500th are named, not offered.
    """
    offered, custom = switchable_services(blueprint)
    if len(offered) < 2:
        return None
    offered, beyond = offered[:VARIABLE_VALUES_MAX], offered[VARIABLE_VALUES_MAX:]
    service = SERVICE_PLACEHOLDER
    period = settings.period
    namespace = f"{blueprint.prefix}/{service}"
    specs = {s.name: s for s in structured_log_filters(namespace=namespace)}
    shown = [f"its structured-log metrics in `{namespace}`"]
    notes: list[str] = []
    widgets: list[Widget] = []
    health = naming.name(f"{service}-{HEALTH_SUFFIX}")
    without = [
        s
        for s in offered
        if naming.name(f"{s}-{HEALTH_SUFFIX}") not in resource_alarms.get(s, ())
        or health.replace(service, s) != naming.name(f"{s}-{HEALTH_SUFFIX}")
    ]
    if not without:
        shown.append(f"its health alarm `{health}`")
        widgets.append(
            Widget(
                kind="alarm_status",
                title=f"{service} health",
                width=GRID_WIDTH,
                height=HEADER_HEIGHT,
                alarms=(health,),
            )
        )
    elif len(without) < len(offered):
        notes.append(f"No health alarm widget: none in this Region for {_listed(without)}")
    widgets += [
        _number("Errors", specs["errors"], "Sum", period),
        _number("5xx", specs["status-5xx"], "Sum", period),
        _number("4xx", specs["status-4xx"], "Sum", period),
        _number("Latency p99 (ms)", specs["latency"], "p99", period),
        _graph("Errors", specs["errors"], "Sum", period, []),
        _graph("5xx responses", specs["status-5xx"], "Sum", period, []),
        _graph("Latency p99", specs["latency"], "p99", period, [], label="p99"),
    ]
    log_group = names.default_log_group_name(blueprint.name, blueprint.stage, service)
    queries: set[str] = set()
    for s in offered:
        structured = [g for g in blueprint.log_groups if g.unit() == s and g.structured_logs]
        expected = names.default_log_group_name(blueprint.name, blueprint.stage, s)
        if len(structured) != 1 or structured[0].physical_name(blueprint) != expected:
            break
        queries.add(_latest_errors_query(structured[0]))
    else:
        if len(queries) == 1:
            shown.append(f"its latest errors in `{log_group}`")
            widgets.append(
                Widget(
                    kind="log_query",
                    title=f"Latest errors: {log_group}",
                    width=GRID_WIDTH,
                    height=LOG_HEIGHT,
                    log_groups=(log_group,),
                    query=queries.pop(),
                )
            )
    if not any(w.kind == "log_query" for w in widgets):
        notes.append(
            "No latest-errors table: the services' structured logs are not each one log "
            f"group `/{blueprint.name}/{blueprint.stage}/<service>` with one query"
        )
    if custom:
        notes.append(f"Not switchable: custom namespace: {_listed(custom)}")
    if beyond:
        notes.append(
            f"Not offered (a variable takes {VARIABLE_VALUES_MAX} values): {_listed(beyond)}"
        )
    lines = [
        f"# Service {service}",
        "Pick the service in the **Service** menu above: "
        + ", ".join(shown)
        + f". Its resources and custom metric filters are on the services dashboard "
        f"[{services_dashboard}](#dashboards:name={services_dashboard}).",
        *notes,
    ]
    header = Widget(
        kind="text",
        title="Service",
        width=GRID_WIDTH,
        height=HEADER_HEIGHT + 1 + len(notes),
        markdown="\n\n".join(lines),
    )
    [plan] = plan_dashboard(
        key="service",
        name=dashboard_name(blueprint, region, "service"),
        sections=[Section("Service", (header, *widgets))],
        start=settings.start,
    )
    variable = PatternVariable(
        id=SERVICE_VARIABLE,
        pattern=service,
        values=tuple(offered),
        label="Service",
        default=offered[0],
    )
    return replace(plan, variables=(variable,))


def _listed(services: Sequence[str]) -> str:
    named = ", ".join(f"`{s}`" for s in services[:LISTED_NAMES_MAX])
    rest = len(services) - LISTED_NAMES_MAX
    return named + (f" and {rest} more" if rest > 0 else "")


# ------------------------------------------------------------------ alarms


AREA_SECURITY = "Security (CIS)"
AREA_NETWORK = "Network"
AREA_DELIVERY = "Event delivery (dead-letter queues)"


def area_alarms(blueprint: Blueprint, naming: AlarmNaming) -> dict[str, list[str]]:
    """Return the physical names of the alarms the areas create, by area title.

    Those are the alarms besides ``alarms:``, log alarms and log anomaly alarms:
    the CIS alarms of the audit trail, the flow logs' rejected SSH/RDP alarms, and
    the dead-letter-queue alarms of every event delivery (``events:`` rules,
    sign-in alerts, X-Ray Insights notifications, forwarded us-east-1 alarms),
    named as each area names them. Only alarms in the blueprint's own stack and
    Region: the us-east-1 forwarding stack's alarm is not on this Region's dashboard.
    """
    out: dict[str, list[str]] = {}
    audit = blueprint.audit_trail
    cis = audit.cis if audit else None
    if cis is not None:
        selection = cis_controls.select_controls(
            cis.standard,
            disabled=cis.disabled,
            overrides={k: v.to_override() for k, v in cis.overrides.items()},
            claim_compliance=cis.claim_compliance,
        )
        out[AREA_SECURITY] = [naming.name(f"cis-{c.slug}") for c in selection.controls]
    network = [
        naming.name(entry.alarm_key())
        for entry in blueprint.flow_logs
        if entry.rejected_ssh_rdp_alarm is not None
    ]
    if network:
        out[AREA_NETWORK] = network
    delivery: list[str] = []
    signin = audit is not None and audit.signin_alerts is not None
    if signin:
        delivery.append(naming.name(SIGNIN_UNDELIVERED))
    events = blueprint.events
    has_events = events is not None and bool(events.alerts or events.responses or events.schedules)
    if events is not None and has_events:
        if events.delivery.dead_letter_queues == "shared":
            delivery.append(naming.name("events-undelivered"))
        else:
            delivery += [
                naming.name(f"{item.name}-undelivered")
                for kind in (events.alerts, events.responses, events.schedules)
                for item in kind
            ]
    groups = blueprint.tracing.groups if blueprint.tracing else None
    if groups is not None and groups.notify is not None and blueprint.service_names():
        delivery.append(naming.name("tracing-insights-undelivered"))
    forwarded = blueprint.needs_us_east_1_stack() and forwarded_alarm_topic(blueprint) is not None
    if forwarded and not signin and not has_events:
        # The forwarded alarms' notifications reuse a delivery when there is one.
        delivery.append(naming.name("forwarded-alarms-undelivered"))
    if delivery:
        out[AREA_DELIVERY] = delivery
    return out


def alarm_sections(
    blueprint: Blueprint,
    naming: AlarmNaming,
    *,
    resource_alarms: Mapping[str, Sequence[str]] = {},
) -> list[Section]:
    """Return the sections of the alarm overview: every alarm the blueprint creates.

    First a section per top-level composite of ``alarms:`` (with its tree), then the
    alarms of ``alarms:`` and the log alarms under no composite, then a section per
    service with its resources' alarms (``resource_alarms``: physical names by
    service) and its log groups' anomaly alarms, then one per area
    (:func:`area_alarms`: security / CIS, network, event delivery).
    """
    anomalies = {
        key: group.unit()
        for group in blueprint.log_groups
        if (key := blueprint.log_anomaly_alarm_key(group)) is not None
    }
    names = [a.name for a in blueprint.alarms] + blueprint.log_alarm_names()
    known = {*names, *anomalies}
    children: dict[str, list[str]] = {}
    for alarm in blueprint.alarms:
        if alarm.type == "composite" and alarm.rule:
            refs = alarm_rules.references(alarm_rules.parse(alarm.rule))
            children[alarm.name] = [r for r in refs if r in known]
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
    rest = [name for name in names if name not in covered]
    if rest:
        title = "Alarms under no composite" if sections else "Alarms"
        sections.append(Section(title, (_status(title, [naming.name(n) for n in rest]),)))
    by_service: dict[str, list[str]] = {}
    for service, physical in resource_alarms.items():
        by_service.setdefault(service, []).extend(physical)
    for key, service in anomalies.items():
        if key not in covered:
            by_service.setdefault(service, []).append(naming.name(key))
    for service, physical in by_service.items():
        if physical:
            title = f"Service {service}"
            sections.append(Section(title, (_status(title, physical),)))
    for area, physical in area_alarms(blueprint, naming).items():
        sections.append(Section(area, (_status(area, physical),)))
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
    name: str,
    selector: str,
    os: agent_metrics.OperatingSystem,
    period: int,
    collected: Collection[str] | None = None,
) -> Section:
    """Return the agent-metric graphs of one fleet, as SEARCH expressions.

    ``selector`` is the search term that picks the fleet's metrics, such as
    ``Fleet="web"`` or ``AutoScalingGroupName="web-asg"``. ``collected`` are the
    metric keys the fleet's agent collects: only those are graphed (the dashboard's
    usual ones first, then the others it collects). Default: unknown, so the usual
    ones. Each graph says what the number is on ``os`` (Windows' counters differ).
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
    keys: list[str] = list(agent_metrics.DASHBOARD_KEYS)
    if collected is not None:
        keys = [k for k in keys if k in collected]
        keys += [
            m.key for m in agent_metrics.HOST_METRICS if m.key in collected and m.key not in keys
        ]
    for key in keys:
        host_metric = agent_metrics.metric(key)
        on_os = host_metric.on(os)
        if on_os is None:
            continue
        search = (
            f'SEARCH(\'Namespace="{agent_metrics.NAMESPACE}" '
            f"MetricName=\"{on_os.metric_name}\" {selector}', 'Average', {period})"
        )
        title = host_metric.title_on(os)
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
