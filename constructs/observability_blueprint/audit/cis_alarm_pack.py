"""The CIS / Security Hub CloudWatch.1-14 and CIS 4.15 metric filters, each with its alarm."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Annotations, Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.alarms import StaticAlarm, alarm_action_kind
from observability_blueprint.logs import ManagedLogGroup
from observability_blueprint.rules import audit as audit_rules
from observability_blueprint.rules import cis_controls
from observability_blueprint.rules.alarm_settings import ActionSet, AlarmNaming, action_problems
from observability_blueprint.rules.cis_controls import CisControl, ControlOverride
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.metric_filters import MetricFilterSpec, metric_filter_problems

DEFAULT_NAMESPACE = cis_controls.DEFAULT_NAMESPACE
"""``LogMetrics``, the namespace of Security Hub's remediation."""
ALARM_PERIOD = Duration.minutes(5)
"""Each alarm sums its metric over five minutes..."""
ALARM_THRESHOLD = 1
"""...and goes to ALARM at one event or more; quiet periods are not breaching."""


class CisAlarmPack(Construct):
    """Metric filters and alarms for Security Hub's CloudWatch controls and CIS 4.15.

    Each control gets a metric filter on the trail's log group with the
    published pattern (byte for byte: Security Hub looks for the exact pattern),
    publishing 1 per matching event to ``namespace``, and an alarm that goes to
    ALARM at one event or more in five minutes (missing data is not breaching),
    notifying the given topics. The alarm's description starts with the control id.

    Security Hub reports the controls as FAILED unless the trail is multi-Region
    and records read and write management events: given ``trail_settings``,
    other settings are an error; without them (a trail this stack does not
    create), an info annotation states the requirement.

    Parameters
    ----------
    log_group
        The trail's log group: a :class:`ManagedLogGroup` (the filters join its
        checked filters) or any log group (``logs.LogGroup.from_log_group_name``
        for Control Tower's ``aws-controltower/CloudTrailLogs``).
    standard
        Pattern set of ``data/cis_controls.json``. Default: ``security-hub``.
    disabled
        Control ids to leave out (``CloudWatch.12``).
    overrides
        Control id to another pattern and/or metric name.
    claim_compliance
        The pack is meant to pass Security Hub: changed patterns and disabled
        controls are reported as warnings naming the control that will fail.
        Default: True.
    namespace
        Metric namespace. Default: ``LogMetrics``.
    topics
        Topics every alarm notifies on ALARM, unless ``actions`` says otherwise.
    actions
        Alarm actions. Default: ALARM notifies ``topics``.
    named_topics
        Topics that ``actions`` name (``ActionSpec(topic="security")``), by name.
    alarm_naming
        Gives each alarm its physical name from ``cis-<control>``. Default: generated.
    filter_name_prefix
        Physical filter names are ``<prefix>-cis-<control>``. Default: generated.
    trail_settings
        What the trail records, when this stack creates it.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        log_group: ManagedLogGroup | logs.ILogGroup,
        standard: str = cis_controls.DEFAULT_STANDARD,
        disabled: Sequence[str] = (),
        overrides: Mapping[str, ControlOverride] | None = None,
        claim_compliance: bool = True,
        namespace: str = DEFAULT_NAMESPACE,
        topics: Sequence[sns.ITopic] = (),
        actions: ActionSet | None = None,
        named_topics: Mapping[str, sns.ITopic] | None = None,
        alarm_naming: AlarmNaming | None = None,
        filter_name_prefix: str | None = None,
        trail_settings: audit_rules.TrailSettings | None = None,
    ) -> None:
        super().__init__(scope, id)
        named_topics = dict(named_topics or {})
        at = self.node.path
        selection = cis_controls.select_controls(
            standard,
            disabled=disabled,
            overrides=overrides,
            claim_compliance=claim_compliance,
        )
        problems = [Problem(_at(at, p.location), p.message) for p in selection.problems]
        if message := cis_controls.check_namespace(namespace):
            problems.append(Problem(f"{at}.namespace", message))
        if trail_settings is not None:
            problems += [
                Problem(f"{at}.trail_settings.{p.location}", p.message)
                for p in audit_rules.cis_trail_problems(trail_settings)
            ]
        actions = actions or ActionSet(alarm=tuple(topics))
        # Checked here, once for all the pack's alarms (CIS alarms watch no instance).
        problems += [
            Problem(f"{at}.{p.location}", p.message)
            for p in action_problems(
                actions,
                kind="static",
                topics=list(named_topics),
                single_instance=False,
                kind_of=alarm_action_kind,
            )
        ]
        if problems:
            raise BlueprintError(problems)
        warnings = [Problem(_at(at, p.location), p.message) for p in selection.warnings]
        if claim_compliance and not any(alarm_action_kind(a) == "topic" for a in actions.alarm):
            warnings.append(
                Problem(
                    f"{at}.actions",
                    "no alarm notifies an SNS topic: Security Hub reports CloudWatch.1-14 as "
                    "FAILED unless each alarm has an SNS action with a subscriber",
                )
            )
        self.warnings: tuple[Problem, ...] = tuple(warnings)
        """What Security Hub will fail although the pack is valid (also construct warnings)."""
        for warning in self.warnings:
            Annotations.of(self).add_warning_v2(
                "observability-blueprint:cis-security-hub", str(warning)
            )
        if trail_settings is None:
            Annotations.of(self).add_info(
                "The CIS alarms read a log group of a trail this stack does not create. "
                "Security Hub's CloudWatch.1-14 pass only if that trail is multi-Region, "
                "records read and write management events, and delivers to this log group."
            )

        self.controls: tuple[CisControl, ...] = selection.controls
        """The controls created, in published order."""
        self.namespace = namespace
        self.metric_filters: dict[str, logs.MetricFilter] = {}
        """Metric filters by control id."""
        self.alarms: dict[str, StaticAlarm] = {}
        """Alarms by control id."""
        filters_scope: Construct | None = None
        for control in self.controls:
            spec = MetricFilterSpec(
                name=f"cis-{control.slug}",
                pattern=control.pattern,
                namespace=namespace,
                metric_name=control.metric_name,
                metric_value=cis_controls.DEFAULT_METRIC_VALUE,
                filter_name=f"{filter_name_prefix}-cis-{control.slug}"
                if filter_name_prefix
                else None,
                examples=control.examples,
            )
            if isinstance(log_group, ManagedLogGroup):
                metric_filter = log_group.add_metric_filter(spec)
            else:
                filters_scope = filters_scope or Construct(self, "Filters")
                metric_filter = _metric_filter(filters_scope, log_group, spec)
            self.metric_filters[control.id] = metric_filter
            self.alarms[control.id] = StaticAlarm(
                self,
                control.slug,
                metric=cloudwatch.Metric(
                    namespace=namespace,
                    metric_name=control.metric_name,
                    statistic="Sum",
                    period=ALARM_PERIOD,
                ),
                threshold=ALARM_THRESHOLD,
                comparison=">=",
                evaluation_periods=1,
                treat_missing_data="notBreaching",
                alarm_name=alarm_naming.name(f"cis-{control.slug}") if alarm_naming else None,
                description=control.describe(),
                actions=actions,
                named_topics=named_topics,
                from_metric_filter=True,
            )


def _at(path: str, location: str) -> str:
    return f"{path}.{location}" if location else path


def _metric_filter(
    scope: Construct, log_group: logs.ILogGroup, spec: MetricFilterSpec
) -> logs.MetricFilter:
    """A checked metric filter on a log group this stack does not manage."""
    problems = [
        Problem(f"{scope.node.path}/{spec.name}.{p.location}", p.message)
        for p in metric_filter_problems(spec)
    ]
    if problems:
        raise BlueprintError(problems)
    return logs.MetricFilter(
        scope,
        spec.name,
        log_group=log_group,
        filter_pattern=logs.FilterPattern.literal(spec.pattern_text),
        metric_namespace=spec.namespace,
        metric_name=spec.metric_name,
        metric_value=spec.metric_value,
        filter_name=spec.filter_name,
    )
