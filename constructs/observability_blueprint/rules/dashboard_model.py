"""Dashboards as plain data: widgets, the grid they sit on, and CloudWatch's limits.

Pure module: no aws_cdk import. A dashboard is planned here (which widgets, in
what order, how big), laid out on CloudWatch's 24-column grid left to right and
top to bottom without gaps, and split into numbered parts when it would pass a
limit. The construct turns a plan into aws-cdk-lib widgets row by row, so the
positions in the template are the ones computed here (a test checks that).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Literal

from observability_blueprint.rules.errors import cut

GRID_WIDTH: Final = 24
WIDGETS_PER_DASHBOARD_MAX: Final = 500
METRICS_PER_DASHBOARD_MAX: Final = 2500
METRICS_PER_GRAPH_MAX: Final = 500
ALARMS_PER_STATUS_WIDGET_MAX: Final = 100
DASHBOARD_NAME_MAX: Final = 255

WidgetKind = Literal["text", "graph", "single_value", "alarm_status", "log_query", "insight"]

VARIABLES_PER_DASHBOARD_MAX: Final = 25
VARIABLE_ID_RE: Final = re.compile(r"[0-9A-Za-z_-]{1,32}")
VARIABLE_LABEL_MAX: Final = 30
VARIABLE_VALUES_MAX: Final = 500
VARIABLE_VALUE_MAX: Final = 255
"""Limits of a dashboard body's ``variables`` array ("Variables Array Structure",
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
0 to 25 variables; an id of up to 32 characters ``0-9A-Za-z-_``; a label of up to 30
characters; a ``values`` array of 1 to 500 items, each value up to 255 characters; a
``select`` input's default must be one of its values."""

INSIGHT_CONTRIBUTORS_DEFAULT: Final = 10
"""Contributors a Contributor Insights widget shows (the console's default)."""


@dataclass(frozen=True)
class PlotMetric:
    """A metric on a graph or single-value widget."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...] = ()
    statistic: str = "Average"
    label: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class PlotExpression:
    """A metric-math or SEARCH expression on a graph.

    ``inputs`` are metrics only the expression uses (named by their ``id``): they
    are not drawn themselves. An expression may also name a :class:`PlotMetric`
    drawn on the same graph by its ``id`` (an anomaly band does).
    """

    expression: str
    label: str
    id: str | None = None
    inputs: tuple[PlotMetric, ...] = ()


@dataclass(frozen=True)
class Threshold:
    """A horizontal line on a graph: an alarm's threshold."""

    value: float
    label: str


@dataclass(frozen=True)
class Series:
    """What one line of a graph, or one alarm, measures.

    ``dimensions`` are (name, value) pairs sorted by name; a value of None stands
    for every value of that dimension (a SEARCH expression over it draws one line
    per value). ``period`` is in seconds.
    """

    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str | None], ...]
    statistic: str
    period: int


def normal_statistic(statistic: str) -> str:
    """Return a statistic as CloudWatch means it: ``P99.0`` and ``p99`` are one statistic."""
    head, _, rest = statistic.partition("(")
    if len(head) > 1 and head[0] in "pP" and head[1:].replace(".", "", 1).isdigit():
        number = float(head[1:])
        return f"p{number:g}" + (f"({rest}" if rest else "")
    return statistic


def threshold_mismatch(alarm: Series, graph: Series) -> str | None:
    """Return why an alarm's threshold must not be drawn on a graph line, or None.

    A threshold is a value of the alarm's series: of its metric, with its dimension
    values, its statistic and its period. On a line of another statistic (p50 against
    p99) or another period (a Sum over 60 s against a Sum over 300 s, five times
    larger) it is a line at the wrong height, so it is drawn only where all five are
    equal. A SEARCH line (a dimension without value) matches any value of it.
    """
    if (alarm.namespace, alarm.metric) != (graph.namespace, graph.metric):
        return (
            f"metric {alarm.namespace} {alarm.metric} is not the graph's "
            f"{graph.namespace} {graph.metric}"
        )
    names = [name for name, _ in alarm.dimensions]
    if sorted(names) != sorted(name for name, _ in graph.dimensions) or any(
        value is not None and dict(alarm.dimensions).get(name) != value
        for name, value in graph.dimensions
    ):
        return f"dimensions {_dims(alarm.dimensions)} are not the graph's {_dims(graph.dimensions)}"
    if normal_statistic(alarm.statistic) != normal_statistic(graph.statistic):
        return f"statistic {alarm.statistic} is not the graph's {graph.statistic}"
    if alarm.period != graph.period:
        return f"period {alarm.period} s is not the graph's {graph.period} s"
    return None


def _dims(dimensions: Sequence[tuple[str, str | None]]) -> str:
    if not dimensions:
        return "(none)"
    return ", ".join(f"{name}={'*' if value is None else value}" for name, value in dimensions)


@dataclass(frozen=True)
class Widget:
    """One widget of a planned dashboard.

    Only the fields of its kind are used: ``markdown`` for text, ``metrics`` and
    ``thresholds`` for graphs and single values (a graph's left y-axis starts at
    ``y_min`` when set, zero for counts, and is labelled ``y_label``; ``region``
    draws metrics of another Region than the dashboard's), ``alarms`` (alarm names) for alarm
    status, ``log_groups`` and ``query`` for Logs Insights, ``insight_rule`` (a
    Contributor Insights rule name) and ``contributors`` for an insight widget: a
    metric widget whose properties name the rule (``"insightRule": {"ruleName": ...,
    "maxContributorCount": ..., "orderBy": "Sum"}``, the metric-widget form of the
    dashboard body, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
    """

    kind: WidgetKind
    title: str
    width: int
    height: int
    markdown: str = ""
    metrics: tuple[PlotMetric | PlotExpression, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    alarms: tuple[str, ...] = ()
    log_groups: tuple[str, ...] = ()
    query: str = ""
    period: int | None = None
    insight_rule: str = ""
    contributors: int = INSIGHT_CONTRIBUTORS_DEFAULT
    y_min: float | None = None
    y_label: str = ""
    region: str | None = None

    @property
    def metric_count(self) -> int:
        """Metrics the widget counts towards the dashboard's limit.

        An insight widget counts as one: its rule's series are drawn like a metric's;
        an expression's inputs count, as the dashboard body lists them.
        """
        inputs = sum(len(m.inputs) for m in self.metrics if isinstance(m, PlotExpression))
        return len(self.metrics) + inputs + (1 if self.kind == "insight" else 0)


@dataclass(frozen=True)
class Placed:
    """A widget and its place on the grid."""

    widget: Widget
    x: int
    y: int


@dataclass(frozen=True)
class PatternVariable:
    """A dashboard variable: a dropdown (``select``) whose choice replaces ``pattern``.

    A *pattern* variable replaces a regular expression everywhere in the dashboard's
    JSON: inside SEARCH expressions, alarm ARNs, the log groups of a Logs Insights
    widget and text (a *property* variable only sets one JSON property, or one
    dimension of every metric). ``values`` are the choices, ``default`` the one shown
    when the dashboard opens (None: the first). See "Creating flexible CloudWatch
    dashboards with dashboard variables",
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_dashboard_variables.html.
    """

    id: str
    pattern: str
    values: tuple[str, ...]
    label: str = ""
    default: str | None = None

    @property
    def default_value(self) -> str | None:
        """The value shown when the dashboard opens."""
        return self.default if self.default is not None else next(iter(self.values), None)


def variable_problems(variables: Sequence[PatternVariable]) -> list[tuple[str, str]]:
    """Return (place, message) for every way ``variables`` break the dashboard body's limits.

    Places are relative to the plan: ``variables``, ``variables[0].id``,
    ``variables[0].values[3]``... (see :data:`VARIABLES_PER_DASHBOARD_MAX` for the limits).
    """
    out: list[tuple[str, str]] = []
    if len(variables) > VARIABLES_PER_DASHBOARD_MAX:
        out.append(
            (
                "variables",
                f"{len(variables)} variables; a dashboard takes at most "
                f"{VARIABLES_PER_DASHBOARD_MAX}",
            )
        )
    seen: set[str] = set()
    for index, variable in enumerate(variables):
        at = f"variables[{index}]"
        if not VARIABLE_ID_RE.fullmatch(variable.id):
            out.append(
                (
                    f"{at}.id",
                    f"{cut(variable.id)!r} is not a variable id; use 1 to 32 letters, digits, "
                    "'-' and '_'",
                )
            )
        elif variable.id in seen:
            out.append((f"{at}.id", f"{variable.id!r} is the id of another variable; use another"))
        seen.add(variable.id)
        if len(variable.label) > VARIABLE_LABEL_MAX:
            out.append(
                (
                    f"{at}.label",
                    f"{cut(variable.label)!r} is {len(variable.label)} characters; a variable "
                    f"label takes at most {VARIABLE_LABEL_MAX}",
                )
            )
        if not variable.pattern:
            out.append((f"{at}.pattern", "'' replaces nothing; give the text to replace"))
        if not 1 <= len(variable.values) <= VARIABLE_VALUES_MAX:
            out.append(
                (
                    f"{at}.values",
                    f"{len(variable.values)} values; a variable takes 1 to {VARIABLE_VALUES_MAX}",
                )
            )
        for number, value in enumerate(variable.values[:VARIABLE_VALUES_MAX]):
            if not 1 <= len(value) <= VARIABLE_VALUE_MAX:
                out.append(
                    (
                        f"{at}.values[{number}]",
                        f"{cut(value)!r} is {len(value)} characters; a value takes 1 to "
                        f"{VARIABLE_VALUE_MAX}",
                    )
                )
        if variable.default is not None and variable.default not in variable.values:
            choices = cut(", ".join(variable.values)) or "none"
            out.append(
                (
                    f"{at}.default",
                    f"{cut(variable.default)!r} is not one of the values; choose one of: {choices}",
                )
            )
    return out


@dataclass(frozen=True)
class DashboardPlan:
    """A dashboard to create: its name, its rows of widgets, its time settings and its
    variables (see :class:`PatternVariable`)."""

    key: str
    name: str
    rows: tuple[tuple[Widget, ...], ...]
    start: str = "-PT3H"
    period_override: Literal["auto", "inherit"] = "inherit"
    links: tuple[str, ...] = field(default=())
    variables: tuple[PatternVariable, ...] = field(default=())

    @property
    def widgets(self) -> tuple[Widget, ...]:
        """All widgets, row by row."""
        return tuple(w for row in self.rows for w in row)

    @property
    def metric_count(self) -> int:
        """Metrics on the whole dashboard."""
        return sum(w.metric_count for w in self.widgets)

    def placed(self) -> list[Placed]:
        """Return every widget with its (x, y) on the 24-column grid."""
        out: list[Placed] = []
        y = 0
        for row in self.rows:
            x = 0
            for widget in row:
                out.append(Placed(widget, x, y))
                x += widget.width
            y += max((w.height for w in row), default=0)
        return out


def pack(widgets: Iterable[Widget]) -> tuple[tuple[Widget, ...], ...]:
    """Pack widgets into rows of at most 24 columns, left to right, top to bottom.

    A widget that does not fit the current row starts the next one; a row's
    widgets keep their order. Widgets planned together have one height, so rows
    have no vertical gaps.
    """
    rows: list[list[Widget]] = []
    used = GRID_WIDTH
    for widget in widgets:
        if widget.width > GRID_WIDTH or widget.width < 1:
            raise ValueError(
                f"widget {cut(widget.title)!r} is {widget.width} columns wide; 1 to 24"
            )
        if used + widget.width > GRID_WIDTH or (rows and rows[-1][0].height != widget.height):
            rows.append([])
            used = 0
        rows[-1].append(widget)
        used += widget.width
    return tuple(tuple(row) for row in rows)


def split_graph(widget: Widget) -> list[Widget]:
    """Split a graph with more than 500 metrics into graphs of at most 500."""
    if widget.metric_count <= METRICS_PER_GRAPH_MAX:
        return [widget]
    parts = math.ceil(widget.metric_count / METRICS_PER_GRAPH_MAX)
    return [
        replace(
            widget,
            title=f"{widget.title} ({i + 1}/{parts})",
            metrics=widget.metrics[i * METRICS_PER_GRAPH_MAX : (i + 1) * METRICS_PER_GRAPH_MAX],
        )
        for i in range(parts)
    ]


def split_alarm_status(widget: Widget) -> list[Widget]:
    """Split an alarm-status widget with more than 100 alarms."""
    if len(widget.alarms) <= ALARMS_PER_STATUS_WIDGET_MAX:
        return [widget]
    size = ALARMS_PER_STATUS_WIDGET_MAX
    parts = math.ceil(len(widget.alarms) / size)
    return [
        replace(
            widget,
            title=f"{widget.title} ({i + 1}/{parts})",
            alarms=widget.alarms[i * size : (i + 1) * size],
        )
        for i in range(parts)
    ]


@dataclass(frozen=True)
class Section:
    """Widgets that belong together (one service): never split across parts."""

    title: str
    widgets: tuple[Widget, ...]

    @property
    def metric_count(self) -> int:
        """Metrics in the section."""
        return sum(w.metric_count for w in self.widgets)


def plan_dashboard(
    *,
    key: str,
    name: str,
    sections: Sequence[Section],
    start: str = "-PT3H",
    max_widgets: int = WIDGETS_PER_DASHBOARD_MAX,
    max_metrics: int = METRICS_PER_DASHBOARD_MAX,
) -> list[DashboardPlan]:
    """Lay sections out on one dashboard, or on numbered parts linked to each other.

    A part holds whole sections while it stays within ``max_widgets`` and
    ``max_metrics`` (one widget is kept for the part's header with the links).
    Part names are ``<name>-1``, ``<name>-2``...; a single part keeps ``name``.
    """
    expanded = [
        Section(
            s.title,
            tuple(
                part
                for w in s.widgets
                for part in (split_alarm_status(w) if w.kind == "alarm_status" else split_graph(w))
            ),
        )
        for s in sections
    ]
    groups: list[list[Section]] = [[]]
    widgets = metrics = 0
    for section in expanded:
        size, count = len(section.widgets), section.metric_count
        if size + 1 > max_widgets or count > max_metrics:
            raise ValueError(
                f"section {cut(section.title)!r} alone has {size} widgets and {count} metrics; a "
                f"dashboard takes {max_widgets} widgets and {max_metrics} metrics"
            )
        if groups[-1] and (widgets + size + 1 > max_widgets or metrics + count > max_metrics):
            groups.append([])
            widgets = metrics = 0
        groups[-1].append(section)
        widgets += size
        metrics += count
    if len(groups) == 1:
        return [
            DashboardPlan(
                key=key,
                name=name,
                rows=pack(w for s in groups[0] for w in s.widgets),
                start=start,
            )
        ]
    names = [part_name(name, i + 1) for i in range(len(groups))]
    plans = []
    for index, group in enumerate(groups):
        header = Widget(
            kind="text",
            title="Parts",
            width=GRID_WIDTH,
            height=1,
            markdown=_links(names, index),
        )
        plans.append(
            DashboardPlan(
                key=f"{key}-{index + 1}",
                name=names[index],
                rows=pack([header, *(w for s in group for w in s.widgets)]),
                start=start,
                links=tuple(n for n in names if n != names[index]),
            )
        )
    return plans


def estimate_body_bytes(plan: DashboardPlan) -> int:
    """Estimate the size of a dashboard's body in the template, in bytes (from above).

    Counts what the body JSON spells out for each widget; the constant covers
    the keys, positions, Region and the escaping a template adds to the string.
    """
    total = 64
    for widget in plan.widgets:
        total += 240 + 2 * (len(widget.title) + len(widget.markdown) + len(widget.query))
        total += 120 + len(widget.insight_rule) if widget.kind == "insight" else 0
        total += sum(60 + 2 * len(repr(metric)) for metric in widget.metrics)
        total += 40 + len(widget.y_label) if widget.y_min is not None or widget.y_label else 0
        total += 30 if widget.region else 0
        total += sum(90 + len(alarm) for alarm in widget.alarms)
        total += sum(40 + len(group) for group in widget.log_groups)
        total += 60 * len(widget.thresholds)
    for variable in plan.variables:
        total += 160 + 2 * (len(variable.id) + len(variable.pattern) + len(variable.label))
        total += sum(20 + 2 * len(value) for value in variable.values)
    return total


def part_name(name: str, number: int) -> str:
    """Return the name of part ``number`` of a dashboard."""
    return f"{name}-{number}"


def _links(names: Sequence[str], current: int) -> str:
    # CloudWatch text widgets link to other dashboards with #dashboards:name=...
    parts = [
        f"**Part {i + 1}**" if i == current else f"[button:Part {i + 1}](#dashboards:name={n})"
        for i, n in enumerate(names)
    ]
    return f"Part {current + 1} of {len(names)}: " + " ".join(parts)


def check_dashboard_name(name: str) -> str | None:
    """Return why ``name`` cannot name a dashboard."""
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    if not 1 <= len(name) <= DASHBOARD_NAME_MAX or not set(name) <= allowed:
        return (
            f"{cut(name)!r} is not a dashboard name; use 1 to {DASHBOARD_NAME_MAX} letters, "
            "digits, '-' and '_'"
        )
    return None


# --- Console links for text widgets -------------------------------------------------------

_INSIGHTS_PLAIN: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._"
)


def _insights_value(text: str) -> str:
    # A value inside queryDetail: every byte but letters, digits and - . _ as *xx.
    return "".join(
        chr(byte) if chr(byte) in _INSIGHTS_PLAIN else f"*{byte:02x}" for byte in text.encode()
    )


def logs_insights_link(query: str, log_groups: Sequence[str], *, home: str = "") -> str:
    """Return a CloudWatch console link that opens Logs Insights with ``query`` on ``log_groups``.

    ``home`` is the console's ``.../cloudwatch/home?region=<region>`` address; empty
    gives a link relative to the page it is on (``#logsV2:...``), which a dashboard's
    text widget opens in the console's current Region.

    The format is the console's own address, not a documented interface (AWS
    documents no deep link into Logs Insights): ``#logsV2:logs-insights`` then
    ``?queryDetail=`` and an object written ``~(key~value~...)``, string values
    after ``'`` with their bytes as ``*xx``, the whole escaped twice with ``$`` for
    ``%``. The escaped form keeps ``(`` and ``)`` out of the link, where Markdown
    would end it. The time range is left to the console's default.
    """
    groups = "".join(f"~'{_insights_value(g)}" for g in log_groups)
    detail = f"~(editorString~'{_insights_value(query)}~source~({groups}))"
    escaped = "".join(f"$25{ord(c):02X}" if c in "~()'" else c for c in detail)
    return f"{home}#logsV2:logs-insights$3FqueryDetail$3D{escaped}"
