"""Metric filters and a failed-request query for JSON application logs.

Pure module: no aws_cdk import. Good logging practice for a service is one JSON
object per event carrying a level, the service name, the trace id it propagates,
and for requests the latency, status code, response size and request id. Given
the field names (defaults follow Powertools for AWS Lambda), this module derives
the filters that turn such logs into error, latency, 5xx/4xx and response-size
metrics, with the service as a dimension.

A filter with a dimension cannot have a default value, so these metrics have no
data in minutes without matching events: alarms on them must treat missing data
as not breaching.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from typing import Final

from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.metric_filters import MetricFilterSpec, PatternExamples

FIELD_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
DEFAULT_ERROR_LEVELS: Final[tuple[str, ...]] = ("ERROR", "CRITICAL")
SERVICE_DIMENSION: Final = "Service"


@dataclass(frozen=True, kw_only=True)
class StructuredLogFields:
    """Names of the JSON fields a service writes (Powertools-compatible defaults)."""

    level: str = "level"
    service: str = "service"
    xray_trace_id: str = "xray_trace_id"
    latency_ms: str = "latency_ms"
    status_code: str = "status_code"
    response_bytes: str = "response_bytes"
    request_id: str = "request_id"


def field_problems(names: StructuredLogFields, error_levels: tuple[str, ...]) -> list[Problem]:
    """Return bad field names or levels, located by their attribute name."""
    problems = [
        Problem(
            f"fields.{item.name}",
            f"{cut(getattr(names, item.name))!r} is not a JSON field name; use letters, digits and "
            "underscores, with dots for nested fields (http.status)",
        )
        for item in fields(names)
        if not FIELD_RE.fullmatch(getattr(names, item.name))
    ]
    if not error_levels:
        problems.append(Problem("error_levels", "name at least one level that counts as an error"))
    problems.extend(
        Problem(
            f"error_levels[{i}]",
            f"{cut(level)!r} is not a level; use letters, digits and underscores",
        )
        for i, level in enumerate(error_levels)
        if not re.fullmatch(r"[A-Za-z0-9_]+", level)
    )
    return problems


def _nested(path: str, value: object) -> dict[str, object]:
    head, _, rest = path.partition(".")
    return {head: _nested(rest, value) if rest else value}


def _merge(*parts: dict[str, object]) -> dict[str, object]:
    merged: dict[str, object] = {}
    for part in parts:
        for key, value in part.items():
            existing = merged.get(key)
            if isinstance(existing, dict) and isinstance(value, dict):
                merged[key] = _merge(existing, value)
            else:
                merged[key] = value
    return merged


def _sample(names: StructuredLogFields, **values: object) -> str:
    """A log event with the given fields set, nested where the names are dotted.

    Keys that are not field names of ``names`` (``message``) are used as they are.
    """
    return json.dumps(
        _merge(*(_nested(getattr(names, key, key), value) for key, value in values.items())),
        separators=(",", ":"),
    )


def structured_log_filters(
    *,
    namespace: str,
    fields: StructuredLogFields | None = None,
    error_levels: tuple[str, ...] = DEFAULT_ERROR_LEVELS,
) -> list[MetricFilterSpec]:
    """Return the five filters for a JSON-logging service, each with examples.

    Parameters
    ----------
    namespace
        Metric namespace for all five metrics.
    fields
        The JSON field names. Default: Powertools-compatible names.
    error_levels
        Values of the level field that count as errors. Default: ERROR, CRITICAL.
    """
    f = fields or StructuredLogFields()
    service = {SERVICE_DIMENSION: f"$.{f.service}"}
    level_test = " || ".join(f'$.{f.level} = "{level}"' for level in error_levels)
    ok = _sample(f, level="INFO", service="checkout", status_code=200, latency_ms=12)
    return [
        MetricFilterSpec(
            name="errors",
            pattern=f"{{ {level_test} }}",
            namespace=namespace,
            metric_name="Errors",
            unit="Count",
            dimensions=service,
            examples=PatternExamples(
                match=tuple(_sample(f, level=level, service="checkout") for level in error_levels),
                no_match=(ok, _sample(f, level="WARN", service="checkout")),
            ),
        ),
        MetricFilterSpec(
            name="latency",
            pattern=f"{{ $.{f.latency_ms} >= 0 }}",
            namespace=namespace,
            metric_name="Latency",
            metric_value=f"$.{f.latency_ms}",
            unit="Milliseconds",
            dimensions=service,
            examples=PatternExamples(
                match=(ok,),
                no_match=(_sample(f, level="INFO", service="checkout", message="started"),),
            ),
        ),
        _status_filter(f, namespace, "5xx", "ServerErrors", 500, service),
        _status_filter(f, namespace, "4xx", "ClientErrors", 400, service),
        MetricFilterSpec(
            name="response-bytes",
            pattern=f"{{ $.{f.response_bytes} >= 0 }}",
            namespace=namespace,
            metric_name="ResponseBytes",
            metric_value=f"$.{f.response_bytes}",
            unit="Bytes",
            dimensions=service,
            examples=PatternExamples(
                match=(_sample(f, service="checkout", status_code=200, response_bytes=5120),),
                no_match=(ok,),
            ),
        ),
    ]


def _status_filter(
    f: StructuredLogFields,
    namespace: str,
    name: str,
    metric: str,
    low: int,
    dimensions: dict[str, str],
) -> MetricFilterSpec:
    return MetricFilterSpec(
        name=f"status-{name}",
        pattern=f"{{ $.{f.status_code} >= {low} && $.{f.status_code} <= {low + 99} }}",
        namespace=namespace,
        metric_name=metric,
        unit="Count",
        dimensions=dimensions,
        examples=PatternExamples(
            match=(_sample(f, service="checkout", status_code=low + 3),),
            no_match=(
                _sample(f, service="checkout", status_code=200),
                _sample(f, service="checkout", status_code=low + 100),
            ),
        ),
    )


@dataclass(frozen=True)
class InsightsQuery:
    """A Logs Insights query as its clauses (what aws-cdk-lib's QueryString takes)."""

    fields: tuple[str, ...]
    filter: str
    sort: str
    limit: int

    def render(self) -> str:
        """Return the query text as Logs Insights reads it."""
        return (
            f"fields {', '.join(self.fields)}\n| filter {self.filter}\n"
            f"| sort {self.sort}\n| limit {self.limit}"
        )


def failed_requests_query(
    fields: StructuredLogFields | None = None,
    error_levels: tuple[str, ...] = DEFAULT_ERROR_LEVELS,
) -> InsightsQuery:
    """Return a Logs Insights query listing recent failed requests.

    Shows the request id and trace id of each error-level or 5xx event, newest
    first, so on-call can go from a metric spike to the failing calls and their
    traces.
    """
    f = fields or StructuredLogFields()
    levels = ", ".join(f'"{level}"' for level in error_levels)
    return InsightsQuery(
        fields=(
            "@timestamp",
            f.service,
            f.level,
            f.status_code,
            f.request_id,
            f.xray_trace_id,
            "@message",
        ),
        filter=f"{f.level} in [{levels}] or {f.status_code} >= 500",
        sort="@timestamp desc",
        limit=100,
    )
