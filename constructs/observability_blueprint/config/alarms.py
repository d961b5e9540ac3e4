"""The ``alarms:`` and ``default_actions:`` sections of the blueprint file.

Pure module: no aws_cdk import. Field rules live on the models; the checks that
need the whole file (does the filter exist, is the topic defined, is a composite
rule's child an alarm of this file, cycles) are in :func:`alarm_problems`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, Any, Literal, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from observability_blueprint.config.base import LogicalName, StrictModel, checked, fail
from observability_blueprint.rules import alarm_rules, arns, event_schedules
from observability_blueprint.rules import alarm_settings as rules
from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.metric_filters import MetricFilterSpec
from observability_blueprint.rules.metric_names import (
    check_dimension_name,
    check_dimension_value,
    check_metric_name,
)
from observability_blueprint.rules.time_zones import check_timezone

DEFAULT_PERIOD = 300
"""Alarm period when none is given: five minutes."""

_METRIC_ID_RE = re.compile(r"[a-z][A-Za-z0-9_]*")


OpsItemCategory = Literal["Availability", "Cost", "Performance", "Recovery", "Security"]
"""OpsItem categories (``rules.alarm_settings.OPSITEM_CATEGORIES``)."""


class OpsItem(StrictModel):
    """A Systems Manager OpsCenter item opened when the alarm fires (or an event arrives)."""

    severity: int = Field(ge=1, le=4)
    """1 (critical) to 4 (low)."""
    category: OpsItemCategory | None = None
    """OpsItem category. Default: none."""


class PermissionModel(StrictModel):
    """What a runbook the blueprint does not know needs: actions on resources."""

    actions: list[str] = Field(min_length=1)
    """Actions in full (ec2:StartInstances); no wildcards."""
    resources: list[str] = Field(min_length=1)
    """Resource ARNs; * only for actions without resource-level permissions."""

    def to_permission(self) -> rules.Permission:
        """Return the pure settings."""
        return rules.Permission(actions=tuple(self.actions), resources=tuple(self.resources))


class Runbook(StrictModel):
    """An SSM Automation runbook, started through EventBridge (the name is checked by
    ``rules.names.check_ssm_document_name`` for alarms and events alike).

    It runs with an automation role of its own holding what the document needs:
    the blueprint knows the AWS documents it offers; any other lists ``permissions``.
    """

    document: str
    """Automation document name, such as AWS-RestartEC2Instance."""
    parameters: dict[str, list[str]] = {}
    """Document parameters (AutomationAssumeRole names a role of your own)."""
    permissions: list[PermissionModel] = []
    """What the runbook needs, for documents the blueprint does not know."""


class Action(StrictModel):
    """One action: exactly one of the keys."""

    topic: str | None = None
    """A topic of this blueprint by name (or an SNS topic ARN)."""
    lambda_: str | None = Field(default=None, alias="lambda")
    """Lambda function ARN."""
    ec2: Literal["stop", "terminate", "reboot", "recover"] | None = None
    """Act on the one EC2 instance the alarm watches."""
    autoscaling: str | None = None
    """Auto Scaling policy ARN."""
    opsitem: OpsItem | None = None
    """Open an OpsItem."""
    incident: str | None = None
    """Start an incident with this Incident Manager response plan (by name)."""
    runbook: Runbook | None = None
    """Run an SSM Automation runbook (through an EventBridge rule)."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [name.rstrip("_") for name, value in self._values() if value is not None]
        if len(given) != 1:
            raise fail(
                "give exactly one of topic, lambda, ec2, autoscaling, opsitem, incident, runbook "
                f"(got {len(given)}: {', '.join(given) or 'none'})"
            )
        return self

    def _values(self) -> list[tuple[str, object]]:
        return [(name, getattr(self, name)) for name in type(self).model_fields]

    def to_spec(self) -> rules.ActionSpec:
        """Return the pure action settings."""
        return rules.ActionSpec(
            topic=self.topic,
            lambda_arn=self.lambda_,
            ec2=self.ec2,
            autoscaling_policy_arn=self.autoscaling,
            opsitem_severity=self.opsitem.severity if self.opsitem else None,
            opsitem_category=self.opsitem.category if self.opsitem else None,
            incident_response_plan=self.incident,
            runbook=self.runbook.document if self.runbook else None,
            runbook_parameters=dict(self.runbook.parameters) if self.runbook else {},
            runbook_permissions=(
                tuple(p.to_permission() for p in self.runbook.permissions) if self.runbook else ()
            ),
        )


class Actions(StrictModel):
    """What happens on entering each state."""

    alarm: list[Action] = []
    ok: list[Action] = []
    insufficient_data: list[Action] = []

    def to_set(self) -> rules.ActionSet:
        """Return the pure action settings."""
        return rules.ActionSet(
            alarm=tuple(a.to_spec() for a in self.alarm),
            ok=tuple(a.to_spec() for a in self.ok),
            insufficient_data=tuple(a.to_spec() for a in self.insufficient_data),
        )


class MetricRef(StrictModel):
    """A metric: a metric filter of this blueprint, or namespace and name."""

    filter: LogicalName | None = None
    """Name of a metric filter in this blueprint (structured-log filters included)."""
    log_group: LogicalName | None = None
    """The log group of the filter, when several have one of that name."""
    namespace: str | None = None
    """Metric namespace, such as AWS/EC2."""
    name: str | None = None
    """Metric name, such as CPUUtilization."""
    dimensions: dict[str, str] = {}
    """Dimension values; a filter metric needs one for every dimension the filter emits."""
    statistic: Annotated[str, checked(rules.check_statistic)] | None = None
    """Statistic. Default: the alarm's, else Sum for filter metrics and Average otherwise."""

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if self.filter is None and not (self.namespace and self.name):
            raise fail("name a metric filter (filter) or a metric (namespace and name)")
        if self.filter is not None and (self.namespace or self.name):
            raise fail("give either filter or namespace and name, not both")
        if self.log_group is not None and self.filter is None:
            raise fail("log_group only goes with filter")
        message = rules.check_dimensions(self.dimensions)
        if message:
            raise fail(message)
        checks: list[tuple[Callable[[str], str | None], str]] = [
            (check_dimension_name, key) for key in self.dimensions
        ]
        checks += [(check_dimension_value, value) for value in self.dimensions.values()]
        if self.name is not None:
            checks.append((check_metric_name, self.name))
        for check, value in checks:
            if message := check(value):
                raise fail(message)
        return self


class TimeRange(StrictModel):
    """A period the anomaly model leaves out (a deploy window, a holiday)."""

    start: str
    """Start, yyyy-MM-ddTHH:mm:ss in the model's time zone."""
    end: str
    """End, same format."""

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if message := rules.time_range_problem(self.start, self.end):
            raise fail(message)
        return self


class Suppressor(StrictModel):
    """An alarm whose ALARM state suppresses the composite's actions."""

    alarm: str
    """Alarm of this blueprint by name, or an alarm ARN."""
    wait_period: int = Field(default=60, ge=60)
    """Seconds to wait for the suppressor to go into ALARM."""
    extension_period: int = Field(default=60, ge=60)
    """Seconds actions stay suppressed after the suppressor leaves ALARM."""


_METRIC_ALARMS = ("static", "anomaly")
_USED_BY: dict[str, tuple[str, ...]] = {
    "metric": _METRIC_ALARMS,
    "expression": ("static",),
    "metrics": ("static",),
    "threshold": ("static",),
    "comparison": ("static",),
    "period": _METRIC_ALARMS,
    "statistic": _METRIC_ALARMS,
    "evaluation_periods": _METRIC_ALARMS,
    "datapoints_to_alarm": _METRIC_ALARMS,
    "treat_missing_data": _METRIC_ALARMS,
    "band": ("anomaly",),
    "direction": ("anomaly",),
    "excluded_periods": ("anomaly",),
    "timezone": ("anomaly",),
    "rule": ("composite",),
    "suppressor": ("composite",),
    "children_keep_actions": ("composite",),
}
"""The alarm types that use each type-specific key."""


class Alarm(StrictModel):
    """A static, anomaly-detection or composite alarm."""

    name: LogicalName
    """Name in this file; the physical name is <name>-<stage>-<this>."""
    type: Literal["static", "anomaly", "composite"] = "static"
    """static (threshold), anomaly (band around a learned model) or composite (rule)."""
    description: str | None = Field(default=None, max_length=900)
    """What the alarm means and what to do."""
    runbook_url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    """Link added to the description."""
    metric: MetricRef | None = None
    """The metric (static and anomaly alarms)."""
    expression: str | None = None
    """Metric math over `metrics` (static alarms), such as 100 * errors / requests."""
    metrics: dict[str, MetricRef] = {}
    """The metrics the expression names, by id."""
    period: int = DEFAULT_PERIOD
    """Seconds: 10, 20, 30 (high resolution) or a multiple of 60. Default: 300."""
    statistic: Annotated[str, checked(rules.check_statistic)] | None = None
    """Statistic for the metric. Default: Sum on filter metrics, Average otherwise."""
    threshold: float | int | None = None
    """Static alarms: the threshold."""
    comparison: rules.Comparison | None = None
    """Static alarms: how the metric is compared with the threshold."""
    evaluation_periods: int = 1
    """Periods evaluated."""
    datapoints_to_alarm: int | None = None
    """Breaching periods among them that set ALARM. Default: all."""
    treat_missing_data: Literal["breaching", "notBreaching", "ignore", "missing"] | None = None
    """Default: notBreaching on filter metrics (no events, no data), missing otherwise."""
    band: float = Field(default=2.0, gt=0)
    """Anomaly alarms: band width in standard deviations."""
    direction: rules.AnomalyDirection = "both"
    """Anomaly alarms: which side of the band alarms."""
    excluded_periods: list[TimeRange] = []
    """Anomaly alarms: periods the model must not learn from, at most 10."""
    timezone: str | None = None
    """Anomaly alarms: the metric's time zone, for daylight-saving shifts (Europe/Berlin)."""
    rule: str | None = None
    """Composite alarms: ALARM(a) AND (ALARM(b) OR NOT OK(c)), AT_LEAST(2, ALARM, (a, b, c))."""
    suppressor: Suppressor | None = None
    """Composite alarms: suppress actions while this alarm is in ALARM."""
    children_keep_actions: bool = False
    """Composite alarms: let child alarms keep their own actions (default: the composite
    notifies, its children stay quiet)."""
    actions: Actions | None = None
    """Actions per state. Default: default_actions, filtered to what this kind accepts."""

    @field_validator(*_USED_BY)
    @classmethod
    def _used_by_the_type(cls, value: Any, info: ValidationInfo) -> Any:
        # A field validator, so the message points at the key (alarms[2].comparison);
        # `type` comes earlier in the model, so it is validated already.
        kind = info.data.get("type")
        key = info.field_name
        assert key is not None
        if kind is not None and kind not in _USED_BY[key]:
            hint = ""
            if key == "comparison" and kind == "anomaly":
                hint = (
                    "; an anomaly alarm compares with its band: use direction (above, below, both)"
                )
            given = f" {value!r}" if isinstance(value, str | int | float) else ""
            raise fail(f"{key}{given} is not used by {kind} alarms{hint}")
        return value

    @model_validator(mode="after")
    def _fields_fit_the_type(self) -> Self:
        if (
            self.type in ("static", "anomaly")
            and "metric" not in self.model_fields_set
            and not (self.type == "static" and self.expression)
        ):
            raise fail(
                f"{'an' if self.type == 'anomaly' else 'a'} {self.type} alarm needs a metric"
                + (" or an expression" if self.type == "static" else "")
            )
        if self.metric is not None and self.expression is not None:
            raise fail("give either metric or expression, not both")
        if self.type == "static" and (self.threshold is None or self.comparison is None):
            raise fail("a static alarm needs threshold and comparison")
        if self.type == "composite" and not self.rule:
            raise fail("a composite alarm needs a rule")
        return self


def _filters_by_name(
    filters: Sequence[tuple[str, MetricFilterSpec]],
) -> dict[str, list[tuple[str, MetricFilterSpec]]]:
    index: dict[str, list[tuple[str, MetricFilterSpec]]] = {}
    for log_group, spec in filters:
        index.setdefault(spec.name, []).append((log_group, spec))
    return index


def resolve_filter(
    ref: MetricRef, filters: Sequence[tuple[str, MetricFilterSpec]]
) -> tuple[str, MetricFilterSpec] | str:
    """Return (log group, filter) for a filter reference, or why it cannot be resolved."""
    assert ref.filter is not None
    candidates = _filters_by_name(filters).get(ref.filter, [])
    if ref.log_group is not None:
        candidates = [c for c in candidates if c[0] == ref.log_group]
    if not candidates:
        known = sorted({spec.name for _, spec in filters})
        return (
            f"{ref.filter!r} is not a metric filter of this blueprint"
            + (f" on log group {ref.log_group!r}" if ref.log_group else "")
            + f"; known filters: {', '.join(known) or 'none'}"
        )
    if len(candidates) > 1:
        groups = ", ".join(group for group, _ in candidates)
        return f"{ref.filter!r} names a filter on several log groups ({groups}); add log_group"
    return candidates[0]


def runbook_problems(where: str, actions: rules.ActionSet) -> Iterator[Problem]:
    """What a runbook's automation role could not be scoped by (see ``runbook_problems``)."""
    for state, specs in actions.by_state().items():
        for index, spec in enumerate(specs):
            if not isinstance(spec, rules.ActionSpec) or spec.runbook is None:
                continue
            action = event_schedules.RunbookAction(
                document=spec.runbook,
                parameters={k: tuple(v) for k, v in spec.runbook_parameters.items()},
                permissions=spec.runbook_permissions,
            )
            for problem in event_schedules.runbook_problems(action, on_schedule=True):
                yield Problem(
                    f"{where}.{state}[{index}].runbook.{problem.location}", problem.message
                )


def alarm_problems(
    alarms: Sequence[Alarm],
    *,
    filters: Sequence[tuple[str, MetricFilterSpec]],
    topics: Sequence[str],
    default_actions: Actions | None,
    naming: rules.AlarmNaming,
    region: str | None = None,
    account: str | None = None,
    log_alarms: Sequence[str] = (),
) -> Iterator[Problem]:
    """Return every problem of the alarms that needs the whole file to see.

    ``region`` and ``account`` are the stack's (``env:``); without them the ARNs
    the alarms name are checked for their kind only, not for their partition,
    Region and account. ``log_alarms`` are the names of the log groups' log
    alarms: a composite's rule may name them as it names the alarms of
    ``alarms:`` (PutCompositeAlarm documents metric and composite children; the
    blueprint lets log alarms join a service's composite as well).
    """
    place = arns.Place.of(region=region, account=account)
    names = [a.name for a in alarms]
    seen: dict[str, int] = {}
    for index, alarm in enumerate(alarms):
        where = f"alarms[{index}]"
        if alarm.name in seen:
            yield Problem(
                f"{where}.name",
                f"{alarm.name!r} is already used by alarms[{seen[alarm.name]}]; names must be "
                "unique",
            )
        seen.setdefault(alarm.name, index)
        message = rules.check_alarm_name(naming.name(alarm.name))
        if message:
            yield Problem(f"{where}.name", message)
        try:
            rules.describe(alarm.description, runbook_url=alarm.runbook_url)
        except ValueError as error:
            yield Problem(f"{where}.description", str(error))
        yield from _metric_problems(where, alarm, filters)
        yield from _kind_problems(where, alarm, names, naming, place, log_alarms=log_alarms)
        actions = alarm.actions.to_set() if alarm.actions else None
        if actions is not None:
            for problem in rules.action_problems(
                actions,
                kind=alarm.type,
                topics=topics,
                single_instance=is_single_instance(alarm),
                place=place,
                keys=rules.FILE_KEYS,
            ):
                yield Problem(f"{where}.{problem.location}", problem.message)
            yield from runbook_problems(f"{where}.actions", actions)
    if default_actions is not None:
        defaults = default_actions.to_set()
        yield from runbook_problems("default_actions", defaults)
        # Each kind keeps the defaults it takes: only the values are checked here.
        for problem in rules.action_problems(
            defaults, kind=None, topics=topics, place=place, keys=rules.FILE_KEYS
        ):
            yield Problem(f"default_{problem.location}", problem.message)
        for state, specs in defaults.by_state().items():
            taken = set().union(*(rules.ACCEPTED_ACTIONS[k][state] for k in rules.ACCEPTED_ACTIONS))
            for i, spec in enumerate(specs):
                kind = rules.action_kind(spec)
                if kind is not None and kind != "runbook" and kind not in taken:
                    yield Problem(
                        f"default_actions.{state}[{i}]",
                        f"no alarm takes {kind} actions on {state.upper()}, so this default "
                        f"would be dropped everywhere; on {state.upper()} alarms take "
                        f"{', '.join(sorted(taken))}",
                    )
    yield from _anomaly_model_problems(alarms, filters)
    yield from _composite_graph_problems(alarms)


def is_single_instance(alarm: Alarm) -> bool:
    """True when the alarm watches one EC2 instance's metric (EC2 actions need that)."""
    return (
        alarm.type != "composite"
        and alarm.metric is not None
        and alarm.metric.filter is None
        and "InstanceId" in alarm.metric.dimensions
    )


def _metric_problems(
    where: str, alarm: Alarm, filters: Sequence[tuple[str, MetricFilterSpec]]
) -> Iterator[Problem]:
    if alarm.type == "composite":
        return
    refs: dict[str, MetricRef] = {}
    if alarm.metric is not None:
        refs["metric"] = alarm.metric
    if alarm.expression is not None:
        if not alarm.metrics:
            yield Problem(f"{where}.metrics", "an expression needs the metrics it names")
        if len(alarm.metrics) > rules.METRICS_PER_MATH_ALARM_MAX:
            yield Problem(
                f"{where}.metrics",
                f"{len(alarm.metrics)} metrics; a metric-math alarm takes at most "
                f"{rules.METRICS_PER_MATH_ALARM_MAX}",
            )
        for metric_id, ref in alarm.metrics.items():
            if not _METRIC_ID_RE.fullmatch(metric_id):
                yield Problem(
                    f"{where}.metrics.{metric_id}",
                    f"{metric_id!r} is not a metric id; start with a lowercase letter, then "
                    "letters, digits and underscores",
                )
            elif not re.search(rf"\b{re.escape(metric_id)}\b", alarm.expression):
                yield Problem(
                    f"{where}.metrics.{metric_id}",
                    f"{metric_id!r} is not used by the expression {alarm.expression!r}",
                )
            refs[f"metrics.{metric_id}"] = ref
    from_filter = False
    for path, ref in refs.items():
        if ref.filter is None:
            continue
        resolved = resolve_filter(ref, filters)
        if isinstance(resolved, str):
            yield Problem(f"{where}.{path}.filter", resolved)
            continue
        from_filter = True
        _, spec = resolved
        emitted, given = set(spec.dimensions), set(ref.dimensions)
        if emitted - given:
            yield Problem(
                f"{where}.{path}.dimensions",
                f"the filter {spec.name!r} publishes with dimensions "
                f"{', '.join(sorted(emitted))}; give a value for "
                f"{', '.join(sorted(emitted - given))}, or the alarm watches a metric that "
                "never has data",
            )
        if given - emitted:
            yield Problem(
                f"{where}.{path}.dimensions",
                f"the filter {spec.name!r} publishes no dimension "
                f"{', '.join(sorted(given - emitted))}"
                + (f"; it has {', '.join(sorted(emitted))}" if emitted else ""),
            )
    message = rules.check_period(alarm.period, from_metric_filter=from_filter)
    if message:
        yield Problem(f"{where}.period", message)
    for problem in rules.evaluation_problems(
        period=alarm.period,
        evaluation_periods=alarm.evaluation_periods,
        datapoints_to_alarm=alarm.datapoints_to_alarm,
    ):
        yield Problem(f"{where}.{problem.location}", problem.message)


def _kind_problems(
    where: str,
    alarm: Alarm,
    names: Sequence[str],
    naming: rules.AlarmNaming,
    place: arns.Place,
    *,
    log_alarms: Sequence[str] = (),
) -> Iterator[Problem]:
    if alarm.type == "anomaly":
        if len(alarm.excluded_periods) > rules.EXCLUDED_RANGES_MAX:
            yield Problem(
                f"{where}.excluded_periods",
                f"{len(alarm.excluded_periods)} excluded periods; an anomaly detector takes at "
                f"most {rules.EXCLUDED_RANGES_MAX}",
            )
        if alarm.timezone is not None and (message := check_timezone(alarm.timezone)):
            yield Problem(f"{where}.timezone", message)
        if alarm.metric is not None and alarm.metric.filter is None and alarm.expression:
            yield Problem(
                f"{where}.expression", "anomaly alarms take one metric, not an expression"
            )
    if alarm.type == "composite" and alarm.rule is not None:
        known = [n for n in (*names, *log_alarms) if n != alarm.name] + [alarm.name]
        for message in alarm_rules.check_rule(
            alarm.rule,
            known=known,
            own_name=alarm.name,
            arn_length=lambda n: alarm_rules.worst_case_alarm_arn_length(naming.name(n)),
            place=place,
        ):
            yield Problem(f"{where}.rule", message)
        if alarm.suppressor is not None:
            target = alarm.suppressor.alarm
            if target.startswith("arn:"):
                message = arns.arn_problem(target, [arns.CLOUDWATCH_ALARM], place=place)
                if message:
                    yield Problem(f"{where}.suppressor.alarm", message)
            elif target not in names:
                yield Problem(
                    f"{where}.suppressor.alarm",
                    f"{target!r} is not an alarm of this blueprint (or give an alarm ARN)",
                )
            elif target == alarm.name:
                yield Problem(f"{where}.suppressor.alarm", "a composite cannot suppress itself")


def _anomaly_model_problems(
    alarms: Sequence[Alarm], filters: Sequence[tuple[str, MetricFilterSpec]]
) -> Iterator[Problem]:
    """CloudWatch keeps one anomaly model per metric and statistic: one alarm per model."""
    first: dict[tuple[object, ...], int] = {}
    for index, alarm in enumerate(alarms):
        if alarm.type != "anomaly" or alarm.metric is None:
            continue
        ref = alarm.metric
        if ref.filter is not None:
            resolved = resolve_filter(ref, filters)
            if isinstance(resolved, str):
                continue  # reported with the metric
            identity: tuple[object, ...] = (resolved[1].namespace, resolved[1].metric_name)
        else:
            identity = (ref.namespace, ref.name)
        identity += (tuple(sorted(ref.dimensions.items())), statistic(alarm, ref))
        if identity in first:
            yield Problem(
                f"alarms[{index}].metric",
                f"alarms[{first[identity]}] already has the anomaly model of this metric and "
                "statistic; CloudWatch keeps one model per metric and statistic, so the "
                "two would share (and overwrite) its excluded periods and time zone. Use one "
                "alarm (direction: both), or another statistic",
            )
        else:
            first[identity] = index


def _composite_graph_problems(alarms: Sequence[Alarm]) -> Iterator[Problem]:
    graph: dict[str, list[str]] = {}
    index = {a.name: i for i, a in enumerate(alarms)}
    for alarm in alarms:
        if alarm.type == "composite" and alarm.rule:
            try:
                parsed = alarm_rules.parse(alarm.rule)
            except alarm_rules.AlarmRuleError:
                continue  # reported by check_rule
            graph[alarm.name] = [r for r in alarm_rules.references(parsed) if r in index]
            # A composite suppressor must exist first too: the same ordering rules apply.
            if alarm.suppressor is not None and alarm.suppressor.alarm in index:
                graph[alarm.name].append(alarm.suppressor.alarm)
    for cycle in alarm_rules.find_cycles(graph):
        if len(cycle) > 2:  # a self-reference is reported by check_rule
            yield Problem(
                f"alarms[{index[cycle[0]]}].rule",
                "composite alarms refer to each other (by rule or suppressor) in a cycle: "
                + " -> ".join(cycle),
            )


def treat_missing_data(alarm: Alarm, *, from_filter: bool) -> str | None:
    """Return the missing-data policy: notBreaching on filter metrics unless given."""
    if alarm.treat_missing_data is not None:
        return alarm.treat_missing_data
    return "notBreaching" if from_filter else None


def statistic(alarm: Alarm, ref: MetricRef) -> str:
    """Return the statistic for one metric of an alarm."""
    return ref.statistic or alarm.statistic or ("Sum" if ref.filter else "Average")
