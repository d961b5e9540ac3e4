"""Metric-filter settings and the rules CloudWatch Logs holds them to.

Pure module: no aws_cdk import. The config model and the constructs both call
these checks, so a rule is written once and reads the same from YAML or Python.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from observability_blueprint.rules import limits
from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.filter_patterns import FilterPatternError, parse
from observability_blueprint.rules.metric_names import (
    check_custom_namespace,
    check_dimension_name,
    check_metric_name,
)

# A metric value or dimension value is a number, a JSON selector ($.a.b[0]) or a
# named field of a space-delimited pattern ($status).
_NUMBER_RE: Final = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_SELECTOR_RE: Final = re.compile(
    r"\$(?:\.[^.\s\[\]]+|\[\d+\])+|\$[A-Za-z_][A-Za-z0-9_]*|\$[1-9][0-9]*"
)
_DOTTED_RE: Final = re.compile(r"\$((?:\.[^.\s\[\]*'\"]+)+)")
"""A JSON selector made of property names only (``$.http.status``), for messages."""
_ABSENT: Final = object()


@dataclass(frozen=True)
class PatternExamples:
    """Log events a filter pattern must match and must not match.

    Synthesis checks the pattern against them, so a pattern that would never count
    anything stops the deploy instead of failing silently.
    """

    match: tuple[str, ...] = ()
    no_match: tuple[str, ...] = ()
    transformed: bool = False
    """The events are written as a filter on transformed logs sees them (JSON), so a
    log group's transformer is not applied to them. Default: raw lines, as the
    application writes them (see ``MetricFilterSpec.apply_on_transformed_logs``)."""


class TextPattern(Protocol):
    """A filter pattern object, such as aws-cdk-lib's ``logs.IFilterPattern``."""

    @property
    def log_pattern_string(self) -> str:
        """The pattern as CloudWatch Logs reads it."""
        ...


def pattern_text(pattern: str | TextPattern) -> str:
    """Return the text of a pattern given as a string or a pattern object."""
    return pattern if isinstance(pattern, str) else pattern.log_pattern_string


@dataclass(frozen=True, kw_only=True)
class MetricFilterSpec:
    """One metric filter: which events it counts and the metric it publishes.

    Parameters
    ----------
    name
        Logical name, unique within its log group; the construct ID.
    pattern
        CloudWatch Logs filter pattern (term, JSON or space-delimited), as text or as
        a pattern object such as ``logs.FilterPattern.all_terms("ERROR")``; either
        is parsed offline.
    namespace, metric_name
        Where the metric is published.
    metric_value
        What each matching event adds: a number, ``$.json.selector`` or ``$field``.
        Default: ``"1"`` (count events).
    default_value
        Published when a minute has log events but none match. Cannot be combined
        with dimensions. Default: none (no data point for such minutes).
    unit
        A CloudWatch unit. Default: none.
    dimensions
        Up to 3 dimensions, each a selector or field of the pattern.
    filter_name
        Physical filter name. Default: chosen by the caller from the prefix.
    examples
        Events the pattern must (not) match, checked at synthesis. On a filter
        that matches transformed events they are raw lines, as the application
        writes them: the offline engine applies the log group's transformer first
        (unless ``examples.transformed``).
    apply_on_transformed_logs
        Match the events after the log group's transformer has run (CloudWatch
        Logs' ``applyOnTransformedLogs``); only for a log group with a transformer.
        Default (None): on when the log group has a transformer, else off.
    """

    name: str
    pattern: str | TextPattern
    namespace: str
    metric_name: str
    metric_value: str = "1"
    default_value: float | None = None
    unit: str | None = None
    dimensions: Mapping[str, str] = field(default_factory=dict)
    filter_name: str | None = None
    examples: PatternExamples | None = None
    apply_on_transformed_logs: bool | None = None

    @property
    def pattern_text(self) -> str:
        """The pattern as CloudWatch Logs reads it."""
        return pattern_text(self.pattern)


def _is_value_expression(value: str) -> bool:
    return bool(_NUMBER_RE.fullmatch(value) or _SELECTOR_RE.fullmatch(value))


Transform = Callable[[str], str | None]
"""What a filter on transformed logs sees of a raw line: the transformed event as
JSON text, or None when the transformer leaves the line as it came (see
``rules.transformers.offline_transform``)."""


def metric_filter_problems(
    spec: MetricFilterSpec, *, transform: Transform | None = None
) -> list[Problem]:
    """Return what is wrong with one filter, each located by its field name.

    The locations are relative (``dimensions``, ``pattern``); callers prefix them
    with the config path or construct path of the filter. With ``transform``, the
    examples are raw lines that are transformed before the pattern matches them
    (for a filter on a transformed log group:
    ``rules.transformers.transformed_filter_problems`` chooses).
    """
    problems: list[Problem] = []
    if len(spec.pattern_text) > limits.FILTER_PATTERN_MAX:
        problems.append(
            Problem(
                "pattern",
                f"the pattern is {len(spec.pattern_text)} characters; CloudWatch Logs allows at "
                f"most {limits.FILTER_PATTERN_MAX}",
            )
        )
    if spec.filter_name is not None and (
        len(spec.filter_name) > limits.FILTER_NAME_MAX
        or not limits.FILTER_NAME_RE.fullmatch(spec.filter_name)
    ):
        problems.append(
            Problem(
                "filter_name",
                f"{cut(spec.filter_name)!r} is not a valid filter name; use 1 to "
                f"{limits.FILTER_NAME_MAX} characters without ':' or '*'",
            )
        )
    if message := check_custom_namespace(spec.namespace):
        problems.append(Problem("namespace", message))
    if message := check_metric_name(spec.metric_name):
        problems.append(Problem("metric", message))
    if len(spec.metric_value) > limits.METRIC_VALUE_MAX or not _is_value_expression(
        spec.metric_value
    ):
        problems.append(
            Problem(
                "value",
                f"{cut(spec.metric_value)!r} is not a metric value; use a number such as 1, a JSON "
                "selector such as $.latency_ms, or a field of a space-delimited pattern such "
                "as $bytes",
            )
        )
    if spec.unit is not None and spec.unit not in limits.METRIC_UNITS:
        suggestion = limits.closest(spec.unit, limits.METRIC_UNITS)
        hint = f"did you mean {suggestion!r}? " if suggestion else ""
        problems.append(
            Problem(
                "unit",
                f"{cut(spec.unit)!r} is not a CloudWatch unit; {hint}use one of "
                + ", ".join(limits.METRIC_UNITS),
            )
        )
    problems.extend(_dimension_problems(spec))
    if not problems:
        problems.extend(pattern_problems(spec, transform=transform))
    return problems


def check_pattern(pattern: str) -> str | None:
    """Return the caret message when ``pattern`` is not a valid filter pattern."""
    try:
        parse(pattern)
    except FilterPatternError as error:
        return str(error)
    return None


def regex_count(pattern: str) -> int:
    """How many ``%regex%`` a valid pattern holds (0 for one that does not parse)."""
    try:
        return parse(pattern).regex_count
    except FilterPatternError:
        return 0


def regex_budget_problems(patterns: Sequence[tuple[str, str]]) -> list[Problem]:
    """Refuse the patterns that take a log group past five regular expressions.

    ``patterns`` are (location, pattern text) of every metric and subscription
    filter of the log group, in the order they are made. PutMetricFilter and
    PutSubscriptionFilter: "a quota of two regular expression patterns within a
    single filter pattern" and "a quota of five regular expression patterns per
    log group", so the regexes of all filters count together.
    """
    limit = limits.REGEX_PATTERNS_PER_LOG_GROUP
    problems: list[Problem] = []
    total = 0
    for where, text in patterns:
        count = regex_count(text)
        total += count
        if count and total > limit:
            problems.append(
                Problem(
                    where,
                    f"brings the log group's regular expressions to {total}; CloudWatch Logs "
                    f"allows at most {limit} per log group (metric and subscription filters "
                    "together): match with terms, JSON or space-delimited conditions",
                )
            )
    return problems


def pattern_problems(
    spec: MetricFilterSpec, *, transform: Transform | None = None
) -> list[Problem]:
    """Check the pattern offline: its syntax, its examples, and what it can supply.

    A pattern that parses but never matches deploys fine and counts nothing; the
    examples catch that before deploy. A metric value or dimension such as
    ``$.latency_ms`` or ``$bytes`` must be something the pattern can provide.
    With ``transform`` (and examples not marked ``transformed``), each example is
    a raw line matched as the transformer turns it; a failed one is reported as
    written, with what the pattern tests in the transformed event.
    """
    try:
        pattern = parse(spec.pattern_text)
    except FilterPatternError as error:
        return [Problem("pattern", str(error))]
    problems: list[Problem] = []
    if not pattern.can_supply(spec.metric_value):
        problems.append(
            Problem(
                "value",
                f"{cut(spec.metric_value)!r} cannot come from the {pattern.kind} pattern "
                f"{cut(spec.pattern_text)!r}; {_supply_hint(pattern.kind, pattern.fields)}",
            )
        )
    for key, value in spec.dimensions.items():
        if not pattern.can_supply(value):
            problems.append(
                Problem(
                    f"dimensions.{cut(key)}",
                    f"{cut(value)!r} cannot come from the {pattern.kind} pattern "
                    f"{cut(spec.pattern_text)!r}; "
                    f"{_supply_hint(pattern.kind, pattern.fields)}",
                )
            )
    if spec.examples is None:
        return problems
    if spec.examples.transformed:
        transform = None
    shown = cut(spec.pattern_text)
    for wanted, key, events in (
        (True, "match", spec.examples.match),
        (False, "no_match", spec.examples.no_match),
    ):
        for index, line in enumerate(events):
            event = line if transform is None else transform(line)
            if pattern.matches(line if event is None else event) == wanted:
                continue
            verdict = (
                "does not match this {}, which it should"
                if wanted
                else "matches this {}, which it should not"
            )
            if transform is None:
                message = f"the pattern {shown!r} {verdict.format('event')}: {cut(line)!r}"
            else:
                message = (
                    f"the pattern {shown!r} {verdict.format('line')}: {cut(line)!r}; "
                    + _transformed_view(pattern.selectors, event)
                )
            problems.append(Problem(f"examples.{key}[{index}]", message))
    return problems


def _transformed_view(selectors: Sequence[str], event: str | None) -> str:
    """Say what a transformed example became: the fields the pattern tests, or all of it."""
    if event is None:
        return "the transformer cannot parse it, so the filter sees the line as it came"
    try:
        document: Any = json.loads(event)
    except ValueError:  # pragma: no cover - the engine writes JSON
        document = None
    tested: list[str] = []
    for selector in selectors:
        dotted = _DOTTED_RE.fullmatch(selector)
        if dotted is None or not isinstance(document, dict):
            return f"the transformer makes it {cut(event)!r}"
        node: Any = document
        for name in dotted.group(1)[1:].split("."):
            node = node.get(name, _ABSENT) if isinstance(node, dict) else _ABSENT
        tested.append(
            f"{selector} is absent"
            if node is _ABSENT
            else f"{selector} is {cut(json.dumps(node, ensure_ascii=False), 40)}"
        )
    if not tested:
        return f"the transformer makes it {cut(event)!r}"
    return "after the transformer, " + ", ".join(tested)


def _supply_hint(kind: str, fields: tuple[str, ...]) -> str:
    if kind == "json":
        return "use a JSON selector such as $.latency_ms"
    if kind == "space":
        named = cut(", ".join(f"${f}" for f in fields)) or "none"
        return f"use a field the pattern names ({named}) or its position ($1, $2...)"
    return "a term pattern extracts no fields: use a number, or a JSON or space-delimited pattern"


def _dimension_problems(spec: MetricFilterSpec) -> list[Problem]:
    problems: list[Problem] = []
    count = len(spec.dimensions)
    if count > limits.METRIC_FILTER_DIMENSIONS_MAX:
        problems.append(
            Problem(
                "dimensions",
                f"{count} dimensions ({cut(', '.join(spec.dimensions))}); a metric filter takes at "
                f"most {limits.METRIC_FILTER_DIMENSIONS_MAX}",
            )
        )
    if count and spec.default_value is not None:
        problems.append(
            Problem(
                "default_value",
                f"{spec.default_value:g} cannot be combined with dimensions "
                f"({cut(', '.join(spec.dimensions))}); CloudWatch Logs rejects a default value on "
                "a filter with dimensions. Remove default_value (alarms on this metric then "
                "treat missing data as not breaching) or remove the dimensions",
            )
        )
    for key, value in spec.dimensions.items():
        if message := check_dimension_name(key):
            problems.append(Problem(f"dimensions.{cut(key)}", message))
        if not _SELECTOR_RE.fullmatch(value):
            problems.append(
                Problem(
                    f"dimensions.{cut(key)}",
                    f"{cut(value)!r} is not a dimension value; a metric filter's dimension comes "
                    "from the event: use a JSON selector such as $.service or a field of a "
                    "space-delimited pattern such as $status",
                )
            )
    return problems


def log_group_filter_problems(
    specs: Sequence[MetricFilterSpec], *, log_class: str
) -> list[Problem]:
    """Return what is wrong with the set of filters on one log group.

    Locations are relative: ``metric_filters`` or ``metric_filters[i].name``.
    """
    problems: list[Problem] = []
    if specs and log_class != "STANDARD":
        problems.append(
            Problem(
                "metric_filters",
                f"a log group of class {log_class} cannot have metric filters (only STANDARD "
                "log groups can); set log_class: STANDARD or remove the filters. The class "
                "cannot be changed after the log group is created",
            )
        )
    if len(specs) > limits.METRIC_FILTERS_PER_LOG_GROUP:
        problems.append(
            Problem(
                "metric_filters",
                f"{len(specs)} metric filters on one log group; CloudWatch Logs allows at most "
                f"{limits.METRIC_FILTERS_PER_LOG_GROUP}",
            )
        )
    seen: dict[str, int] = {}
    for index, spec in enumerate(specs):
        if spec.name in seen:
            problems.append(
                Problem(
                    f"metric_filters[{index}].name",
                    f"{cut(spec.name)!r} is already the name of metric_filters[{seen[spec.name]}]; "
                    "filter names must be unique within a log group",
                )
            )
        seen.setdefault(spec.name, index)
    return problems


@dataclass(frozen=True)
class PublishedMetric:
    """A metric filter as seen from CloudWatch metrics: where its data points land."""

    location: str
    namespace: str
    metric_name: str
    dimension_keys: frozenset[str]


def metric_collisions(metrics: Iterable[PublishedMetric]) -> list[Problem]:
    """Report filters whose data points land in the same metric and so add up.

    Two filters that publish the same namespace, metric name and dimension names
    write into one metric: their values are silently summed. That is sometimes
    wanted (one error count over several log groups), so it is a warning.
    """
    first: dict[tuple[str, str, frozenset[str]], str] = {}
    problems: list[Problem] = []
    for metric in metrics:
        key = (metric.namespace, metric.metric_name, metric.dimension_keys)
        if key in first:
            dims = ", ".join(sorted(metric.dimension_keys)) or "no dimensions"
            problems.append(
                Problem(
                    metric.location,
                    f"publishes {metric.namespace}/{metric.metric_name} ({dims}) like "
                    f"{first[key]}; their values add up in one metric. Give one of them "
                    "another metric name or dimension if they should be counted apart",
                )
            )
        else:
            first[key] = metric.location
    return problems
