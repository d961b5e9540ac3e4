"""AWS's recommended alarms per resource type, and ours where AWS has none.

Pure module: no aws_cdk import. The alarms live in one data file,
``data/recommended_alarms.json``, transcribed from the CloudWatch user guide's
"Recommended alarms" page (its URL, the date it was read and its list of
sections are the file's ``source`` block):
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html

Per resource type the file keeps AWS's alarms (``aws``, page order, values as the
page states them) apart from ours (``ours``, each with the ``reason`` we chose it).
The page gives no namespace and no missing-data treatment, so those two are ours
on every alarm; so are ``enabled_by_default`` and ``requires``. Where the page's
threshold "depends on your situation", ``threshold`` is None and
``default_threshold`` holds our suggestion (a value, or a rule to derive one).

Typical use::

    for alarm in alarms_for("sqs_queue"):
        ...
    assert data_problems() == []
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Final, Literal, cast, get_args

from observability_blueprint.rules.alarm_settings import (
    ONE_DAY,
    TREAT_MISSING_DATA,
    Comparison,
    check_dimensions,
    check_period,
    check_statistic,
)
from observability_blueprint.rules.errors import Problem, cut

DATA_FILE: Final = "recommended_alarms.json"
PAGE_URL: Final = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
    "Best_Practice_Recommended_Alarms_AWS_Services.html"
)
"""The AWS page the ``aws`` alarms are transcribed from."""

RESOURCE_TYPES: Final[tuple[str, ...]] = (
    "lambda_function",
    "api_gateway_rest_api",
    "api_gateway_http_api",
    "application_load_balancer",
    "network_load_balancer",
    "elb_target_group",
    "dynamodb_table",
    "sqs_queue",
    "sns_topic",
    "kinesis_stream",
    "step_functions_state_machine",
    "ecs_service",
    "eks_cluster",
    "rds_db_instance",
    "rds_db_cluster",
    "autoscaling_group",
    "cloudfront_distribution",
)
"""The resource types the blueprint monitors, as the data file keys them."""

Source = Literal["aws", "ours"]
"""Who recommends an alarm: AWS's page, or this project where the page has none."""
Scope = Literal["resource", "sub_resource", "cluster", "region"]
"""How many alarms one entry makes: per resource, per GSI / route / container ...,
once per ECS or Aurora cluster, or once per stack Region."""
SCOPES: Final[tuple[str, ...]] = get_args(Scope)

COMPARISON_OPERATORS: Final[Mapping[str, Comparison]] = {
    "GREATER_THAN_THRESHOLD": ">",
    "GREATER_THAN_OR_EQUAL_TO_THRESHOLD": ">=",
    "LESS_THAN_THRESHOLD": "<",
    "LESS_THAN_OR_EQUAL_TO_THRESHOLD": "<=",
}
"""The page's "Comparison Operator" spelling to the project's symbol."""
COMPARISON_SYMBOLS: Final[tuple[str, ...]] = get_args(Comparison)

BASIC_STATISTICS: Final[frozenset[str]] = frozenset(
    {"SampleCount", "Average", "Sum", "Minimum", "Maximum"}
)
"""botocore's ``Statistic`` enum (cloudwatch service-2.json); every other statistic is
an extended one (p90, tm99, IQM ...), which CloudWatch computes only from raw values."""

# Which metrics of each type have percentiles (and the other extended statistics).
# CloudWatch "needs raw data points to calculate percentile statistics" (GetMetricStatistics,
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html);
# a service publishes them only for some metrics. Sources:
# - the page recommends p90 on Lambda Duration, API Gateway Latency and IntegrationLatency,
#   CloudFront OriginLatency and RDS ReadLatency / WriteLatency (PAGE_URL);
# - ALB TargetResponseTime: "The most useful statistics are Average and pNN.NN (percentiles)",
#   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
# - Step Functions ExecutionTime: cdk-monitoring-constructs graphs its p50/p90/p99
#   (lib/monitoring/aws-step-functions/StepFunctionMetricFactory.ts); not confirmed in
#   the Step Functions guide (check).
# DynamoDB SuccessfulRequestLatency is left out on purpose: the DynamoDB guide lists its
# valid statistics as Minimum, Maximum, Average, Sum and SampleCount, no percentiles.
PERCENTILE_METRICS: Final[Mapping[str, frozenset[str]]] = {
    "lambda_function": frozenset({"Duration"}),
    "api_gateway_rest_api": frozenset({"Latency", "IntegrationLatency"}),
    "api_gateway_http_api": frozenset({"Latency", "IntegrationLatency"}),
    "application_load_balancer": frozenset({"TargetResponseTime"}),
    "elb_target_group": frozenset({"TargetResponseTime"}),
    "step_functions_state_machine": frozenset({"ExecutionTime"}),
    "cloudfront_distribution": frozenset({"OriginLatency"}),
    "rds_db_instance": frozenset({"ReadLatency", "WriteLatency"}),
}
"""Per resource type, the metrics a percentile statistic (p90, tm99, ...) works on."""

_REASON_MIN: Final = 10
_ID_RE: Final = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)+")


@dataclass(frozen=True)
class DefaultThreshold:
    """Our suggestion where AWS's threshold depends on the workload.

    Parameters
    ----------
    value
        A fixed suggestion, or None when only ``derive`` can give one.
    derive
        How to compute it from what the blueprint knows (a function's timeout, a
        queue's retention ...), or None.
    reason
        Why this suggestion.
    """

    value: float | None
    derive: str | None
    reason: str | None


@dataclass(frozen=True)
class MathInput:
    """One metric of a metric-math alarm (``expression`` names it by ``id``)."""

    id: str
    metric: str
    statistic: str


@dataclass(frozen=True, kw_only=True)
class RecommendedAlarm:
    """One recommended alarm of one resource type.

    Parameters
    ----------
    resource_type
        Key of the type in the data file (``sqs_queue``).
    id
        Unique within the type (``sqs.approximate_age_of_oldest_message``).
    source
        ``aws`` (the page) or ``ours``.
    section
        The page's section for ``aws`` alarms; None for ours.
    namespace, metric, dimensions
        What is watched. ``metric`` is None for a metric-math alarm, whose metrics
        are ``inputs`` and whose formula is ``expression``.
    statistic
        As the page states it; None for metric math (each input has its own).
    threshold
        The page's threshold, or None when it depends on the workload; then
        ``default_threshold`` is our suggestion.
    comparison
        The page's comparison as the project's symbol; ``comparison_override`` is
        ours where the page's is wrong (see ``page_anomaly``).
    period, evaluation_periods, datapoints_to_alarm
        Seconds, and the M of N.
    treat_missing_data
        Always ours (the page states none); ``missing_data_class`` says why.
    enabled_by_default, enabled_reason
        Ours: whether the alarm is on unless the user turns it off.
    requires
        What must be on for the metric to exist (Container Insights, detailed metrics ...).
    description, intent, justification
        The page's text (rendered, whitespace joined); None for ours.
    reason
        Why we chose an ``ours`` alarm; None for AWS's.
    """

    resource_type: str
    id: str
    source: Source
    section: str | None
    namespace: str
    metric: str | None
    dimensions: tuple[str, ...]
    dimension_values: Mapping[str, str] = field(default_factory=dict)
    scope: Scope = "resource"
    statistic: str | None
    expression: str | None = None
    inputs: tuple[MathInput, ...] = ()
    threshold: float | None
    page_threshold: str | None = None
    default_threshold: DefaultThreshold | None = None
    unit: str | None = None
    comparison: Comparison
    page_comparison_operator: str | None = None
    comparison_override: Comparison | None = None
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: str
    missing_data_class: str | None = None
    enabled_by_default: bool
    enabled_reason: str | None = None
    requires: str | None = None
    applies_to: str | None = None
    sub_resource: str | None = None
    description: str | None = None
    intent: str | None = None
    justification: str | None = None
    reason: str | None = None
    page_anomaly: str | None = None

    @property
    def workload_dependent(self) -> bool:
        """AWS (or we) give no fixed threshold: the user or a derive rule must."""
        return self.threshold is None


@cache
def _data() -> dict[str, Any]:
    text = (
        resources.files("observability_blueprint.rules")
        .joinpath("data", DATA_FILE)
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


def source_info() -> Mapping[str, Any]:
    """Return the data file's ``source`` block: the page's URL, read date, sections."""
    source: Mapping[str, Any] = _data()["source"]
    return source


def _text(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{key} is {type(value).__name__}, not text")
    return value


def _number(value: Any, key: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{key} is {cut(repr(value))}, not a number")
    return float(value)


def _applies_to(raw: Mapping[str, Any]) -> str | None:
    value = raw.get("applies_to")
    if isinstance(value, list):  # a list of API kinds: ["http", "websocket"]
        return ", ".join(str(kind) for kind in value)
    return _text(raw, "applies_to")


def _default_threshold(raw: Mapping[str, Any]) -> DefaultThreshold | None:
    block = raw.get("default_threshold")
    if isinstance(block, Mapping):
        return DefaultThreshold(
            _number(block.get("value"), "default_threshold.value"),
            _text(block, "derive"),
            _text(block, "reason"),
        )
    # Ours entries write their derive rule beside the threshold.
    if raw.get("derive") is not None:
        return DefaultThreshold(None, _text(raw, "derive"), _text(raw, "reason"))
    return None


def _enabled(raw: Mapping[str, Any]) -> tuple[bool, str | None, str | None]:
    """Return (enabled, reason, requires) from the file's three spellings.

    A bool; a block ``{value, reason}``; or a sentence ("only for functions with a
    stream event source"): on, when that prerequisite holds.
    """
    value = raw.get("enabled_by_default")
    requires = _text(raw, "requires")
    if isinstance(value, bool):
        return value, None, requires
    if isinstance(value, Mapping) and isinstance(value.get("value"), bool):
        return value["value"], _text(value, "reason"), requires
    if isinstance(value, str):
        return True, value, requires or value
    raise TypeError(f"enabled_by_default is {cut(repr(value))}")


def _missing_data(raw: Mapping[str, Any]) -> tuple[str, str | None]:
    value = raw.get("treat_missing_data")
    if isinstance(value, str):
        return value, None
    if isinstance(value, Mapping) and isinstance(value.get("value"), str):
        return value["value"], _text(value, "class")
    raise TypeError(f"treat_missing_data is {cut(repr(value))}")


def _alarm(resource_type: str, source: Source, raw: Mapping[str, Any]) -> RecommendedAlarm:
    enabled, enabled_reason, requires = _enabled(raw)
    treat_missing_data, missing_data_class = _missing_data(raw)
    override = raw.get("ours_override")
    threshold = _number(raw.get("threshold"), "threshold")
    inputs = tuple(
        MathInput(name, spec["metric"], spec["statistic"])
        for name, spec in (raw.get("metrics") or {}).items()
    )
    return RecommendedAlarm(
        resource_type=resource_type,
        id=str(raw["id"]),
        source=source,
        section=_text(raw, "section"),
        namespace=str(raw["namespace"]),
        metric=_text(raw, "metric"),
        dimensions=tuple(raw["dimensions"]),
        dimension_values=dict(raw.get("dimension_values") or {}),
        scope=cast(Scope, raw.get("scope", "resource")),
        statistic=_text(raw, "statistic"),
        expression=_text(raw, "expression"),
        inputs=inputs,
        threshold=threshold,
        page_threshold=_text(raw, "page_threshold"),
        default_threshold=_default_threshold(raw),
        unit=_text(raw, "unit"),
        comparison=cast(Comparison, raw["comparison"]),
        page_comparison_operator=_text(raw, "comparison_operator"),
        comparison_override=(
            cast(Comparison, override["comparison"]) if isinstance(override, Mapping) else None
        ),
        period=int(raw["period"]),
        evaluation_periods=int(raw["evaluation_periods"]),
        datapoints_to_alarm=int(raw["datapoints_to_alarm"]),
        treat_missing_data=treat_missing_data,
        missing_data_class=missing_data_class,
        enabled_by_default=enabled,
        enabled_reason=enabled_reason,
        requires=requires,
        applies_to=_applies_to(raw),
        sub_resource=_text(raw, "sub_resource"),
        description=_text(raw, "description"),
        intent=_text(raw, "intent"),
        justification=_text(raw, "justification"),
        reason=_text(raw, "reason"),
        page_anomaly=_text(raw, "page_anomaly"),
    )


@cache
def _alarms() -> Mapping[str, tuple[RecommendedAlarm, ...]]:
    table: dict[str, tuple[RecommendedAlarm, ...]] = {}
    for resource_type, block in _data()["resource_types"].items():
        table[resource_type] = tuple(
            _alarm(resource_type, source, raw)
            for source in ("aws", "ours")
            for raw in block.get(source) or ()
        )
    return table


def alarms_for(resource_type: str) -> tuple[RecommendedAlarm, ...]:
    """Return the recommended alarms of ``resource_type``: AWS's in page order, then ours.

    Raises KeyError, naming the known types, for a type the file does not have.
    """
    table = _alarms()
    if resource_type not in table:
        raise KeyError(
            f"{cut(resource_type)!r} is not a monitored resource type; use one of "
            + ", ".join(RESOURCE_TYPES)
        )
    return table[resource_type]


def is_extended_statistic(statistic: str) -> bool:
    """Say whether ``statistic`` is a percentile-style one (p90, tm99, IQM, TM(10%:90%) ...)."""
    return statistic not in BASIC_STATISTICS


def check_statistic_for(resource_type: str, metric: str, statistic: str) -> str | None:
    """Return why ``statistic`` cannot be used on ``metric`` of ``resource_type``, or None.

    A statistic CloudWatch does not know is refused; so is a percentile (or any
    other extended statistic) on a metric of the type that has none.
    """
    if message := check_statistic(statistic):
        return message
    if not is_extended_statistic(statistic):
        return None
    with_percentiles = PERCENTILE_METRICS.get(resource_type, frozenset())
    if metric in with_percentiles:
        return None
    allowed = ", ".join(sorted(BASIC_STATISTICS))
    where = (
        f"; percentiles exist for {', '.join(sorted(with_percentiles))}"
        if with_percentiles
        else f"; no {resource_type} metric has percentiles"
    )
    return (
        f"{cut(statistic)!r} is a percentile statistic and {cut(metric)} of {resource_type} "
        f"has none: use {allowed}{where}"
    )


# ------------------------------------------------------------ the file's own checks


def _entry_problems(
    at: str, alarm: RecommendedAlarm, page_sections: frozenset[str]
) -> list[Problem]:
    problems: list[Problem] = []
    if not _ID_RE.fullmatch(alarm.id):
        problems.append(Problem(f"{at}.id", f"{cut(alarm.id)!r} is not a dotted lowercase id"))
    statistics = (
        [("statistic", alarm.statistic, alarm.metric)]
        if alarm.metric is not None
        else [(f"metrics.{i.id}.statistic", i.statistic, i.metric) for i in alarm.inputs]
    )
    if alarm.metric is None and (alarm.expression is None or not alarm.inputs):
        problems.append(Problem(at, "neither a metric nor an expression with its metrics"))
    if alarm.metric is not None and alarm.statistic is None:
        problems.append(Problem(f"{at}.statistic", "missing"))
    for key, statistic, metric in statistics:
        if statistic is None or metric is None:
            continue
        if message := check_statistic_for(alarm.resource_type, metric, statistic):
            problems.append(Problem(f"{at}.{key}", message))
    if alarm.comparison not in COMPARISON_SYMBOLS:
        problems.append(
            Problem(
                f"{at}.comparison",
                f"{cut(str(alarm.comparison))!r}; use one of {', '.join(COMPARISON_SYMBOLS)}",
            )
        )
    if alarm.comparison_override is not None and (
        alarm.comparison_override not in COMPARISON_SYMBOLS
    ):
        problems.append(Problem(f"{at}.ours_override.comparison", f"{alarm.comparison_override!r}"))
    if alarm.page_comparison_operator is not None:
        symbol = COMPARISON_OPERATORS.get(alarm.page_comparison_operator)
        if symbol != alarm.comparison:
            problems.append(
                Problem(
                    f"{at}.comparison",
                    f"{alarm.comparison!r} does not match the page's "
                    f"{cut(alarm.page_comparison_operator)} ({symbol or 'not an operator'})",
                )
            )
    if message := check_period(alarm.period):
        problems.append(Problem(f"{at}.period", message))
    if alarm.evaluation_periods < 1:
        problems.append(
            Problem(f"{at}.evaluation_periods", f"{alarm.evaluation_periods} must be at least 1")
        )
    elif alarm.evaluation_periods * alarm.period > ONE_DAY:
        problems.append(
            Problem(
                f"{at}.evaluation_periods",
                f"{alarm.evaluation_periods} periods of {alarm.period} s is "
                f"{alarm.evaluation_periods * alarm.period} s; PutMetricAlarm allows at most "
                f"{ONE_DAY} s",
            )
        )
    if not 1 <= alarm.datapoints_to_alarm <= alarm.evaluation_periods:
        problems.append(
            Problem(
                f"{at}.datapoints_to_alarm",
                f"{alarm.datapoints_to_alarm} must be between 1 and evaluation_periods "
                f"({alarm.evaluation_periods})",
            )
        )
    if alarm.treat_missing_data not in TREAT_MISSING_DATA:
        problems.append(
            Problem(
                f"{at}.treat_missing_data",
                f"{cut(alarm.treat_missing_data)!r}; use one of {', '.join(TREAT_MISSING_DATA)}",
            )
        )
    if alarm.scope not in SCOPES:
        problems.append(Problem(f"{at}.scope", f"{alarm.scope!r}; use one of {', '.join(SCOPES)}"))
    if message := check_dimensions(dict.fromkeys(alarm.dimensions, "")):
        problems.append(Problem(f"{at}.dimensions", message))
    for name in alarm.dimension_values:
        if name not in alarm.dimensions:
            problems.append(
                Problem(f"{at}.dimension_values", f"{cut(name)!r} is not one of its dimensions")
            )
    if alarm.threshold is None and alarm.enabled_by_default:
        default = alarm.default_threshold
        if default is None or (default.value is None and default.derive is None):
            problems.append(
                Problem(
                    f"{at}.threshold",
                    "depends on the workload, is on by default and suggests no default "
                    "(default_threshold.value or derive): every user would have to set it; "
                    "suggest one or turn it off by default",
                )
            )
    elif alarm.page_threshold is not None:
        try:
            stated = float(alarm.page_threshold)
        except ValueError:
            stated = None
        if stated != alarm.threshold:
            problems.append(
                Problem(
                    f"{at}.threshold",
                    f"{alarm.threshold} is not the page's {cut(alarm.page_threshold)!r}",
                )
            )
    if alarm.source == "ours":
        if alarm.reason is None or len(alarm.reason.strip()) < _REASON_MIN:
            problems.append(Problem(f"{at}.reason", "an alarm of ours must say why we chose it"))
        if alarm.section is not None:
            problems.append(
                Problem(f"{at}.section", "an alarm of ours has no section of AWS's page")
            )
    else:
        if alarm.section not in page_sections:
            problems.append(
                Problem(
                    f"{at}.section",
                    f"{cut(str(alarm.section))!r} is not one of the type's page_sections "
                    f"({', '.join(sorted(page_sections)) or 'none'})",
                )
            )
        for key in ("description", "intent", "justification"):
            if not getattr(alarm, key):
                problems.append(Problem(f"{at}.{key}", "missing: copy it from the page"))
        if alarm.reason is not None:
            problems.append(Problem(f"{at}.reason", "AWS's alarms carry the page's text only"))
    return problems


def data_problems() -> list[Problem]:
    """Return what is wrong with the data file itself (an empty list when it is sound).

    Checks every alarm against what PutMetricAlarm accepts (statistic, comparison,
    period, evaluation window, datapoints, missing-data treatment), the percentile
    table, unique ids per type, the page's sections, and that every alarm of ours
    says why. Locations are paths in the file (``resource_types.sqs_queue.aws[2].period``).
    """
    data = _data()
    problems: list[Problem] = []
    source = data.get("source") or {}
    if source.get("url") != PAGE_URL:
        problems.append(Problem("source.url", f"{cut(str(source.get('url')))!r} is not {PAGE_URL}"))
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(source.get("read_on"))):
        problems.append(Problem("source.read_on", "the date the page was read, as YYYY-MM-DD"))
    sections = frozenset(source.get("sections") or ())
    if not sections:
        problems.append(Problem("source.sections", "the page's list of sections is missing"))
    types = data.get("resource_types") or {}
    missing = [t for t in RESOURCE_TYPES if t not in types]
    extra = [t for t in types if t not in RESOURCE_TYPES]
    if missing or extra:
        problems.append(
            Problem(
                "resource_types",
                f"missing {missing or 'none'}, not monitored {extra or 'none'}; "
                f"use exactly {', '.join(RESOURCE_TYPES)}",
            )
        )
    for resource_type, block in types.items():
        for page_section in block.get("page_sections") or ():
            if page_section not in sections:
                problems.append(
                    Problem(
                        f"resource_types.{resource_type}.page_sections",
                        f"{cut(page_section)!r} is not a section of the page",
                    )
                )
        seen: set[str] = set()
        for source_key in ("aws", "ours"):
            for index, raw in enumerate(block.get(source_key) or ()):
                at = f"resource_types.{resource_type}.{source_key}[{index}]"
                if source_key == "ours" and raw.get("source") != "ours":
                    problems.append(Problem(f"{at}.source", "an alarm of ours says source: ours"))
                if source_key == "aws" and raw.get("source") is not None:
                    problems.append(Problem(f"{at}.source", "AWS's alarms carry no source key"))
                try:
                    alarm = _alarm(resource_type, source_key, raw)
                except (KeyError, TypeError, ValueError) as error:
                    problems.append(Problem(at, f"cannot be read: {error}"))
                    continue
                if alarm.id in seen:
                    problems.append(Problem(f"{at}.id", f"{alarm.id!r} is used twice"))
                seen.add(alarm.id)
                problems.extend(
                    _entry_problems(at, alarm, frozenset(block.get("page_sections") or ()))
                )
    return problems
