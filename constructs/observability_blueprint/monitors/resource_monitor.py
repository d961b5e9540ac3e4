"""AWS's recommended alarms (and ours where AWS has none) on one AWS resource."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from aws_cdk import CfnResource, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.alarms import StaticAlarm, TreatMissingData, known_metric
from observability_blueprint.rules import alarm_settings as rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.resource_alarms import (
    AlarmOverride,
    ResolvedAlarm,
    ResourceFacts,
    resolve_alarms,
)
from observability_blueprint.rules.resource_refs import (
    ResourceIdentity,
    ResourceRefError,
    identify,
)
from observability_blueprint.rules.service_health import (
    RECOMMENDED_ALARM_METADATA,
    alarm_metadata,
    construct_id,
    shared_alarm_id,
)

SHARED_ID = "SharedResourceAlarms"
"""The stack-level construct holding the alarms monitors share (Region-wide, per cluster)."""


def metric_of(alarm: ResolvedAlarm) -> cloudwatch.IMetric:
    """Return the aws-cdk-lib metric (or metric-math expression) ``alarm`` watches."""
    period = Duration.seconds(alarm.period)
    if alarm.expression is not None:
        return cloudwatch.MathExpression(
            expression=alarm.expression,
            using_metrics={
                i.id: cloudwatch.Metric(
                    namespace=alarm.namespace,
                    metric_name=i.metric,
                    dimensions_map=dict(alarm.dimensions),
                    statistic=i.statistic,
                    period=period,
                )
                for i in alarm.inputs
            },
            period=period,
            label=alarm.short_name,
        )
    assert alarm.metric is not None
    assert alarm.statistic is not None
    return known_metric(
        namespace=alarm.namespace,
        metric_name=alarm.metric,
        dimensions=dict(alarm.dimensions),
        statistic=alarm.statistic,
        period=alarm.period,
    )


class ResourceMonitor(Construct):
    """The recommended alarms of one AWS resource, with every value checked.

    For each alarm the resource type has in the data file
    (:mod:`observability_blueprint.rules.recommended_alarms`: AWS's "Recommended
    alarms" page, and ours where the page has none), the alarm is created with the
    page's metric, statistic, threshold, period, evaluation periods and datapoints,
    unless ``alarms`` changes or disables it. Where AWS's threshold depends on the
    workload, ``alarms`` must give it (or ``facts`` must let it be derived, such as
    0.8 times a function's timeout): otherwise construction stops, naming the alarm
    and our suggestion.

    Parameters
    ----------
    resource_type
        The data file's key: ``lambda_function``, ``sqs_queue``, ``dynamodb_table`` ...
    resource
        Its name or ARN (checked for the type), or an identity already resolved
        (:class:`~observability_blueprint.rules.resource_refs.ResourceIdentity`, as
        discovery makes from a CDK resource).
    stage, load_balancer, cluster, region
        What some types need besides the name: a REST or HTTP API's stage, a
        target group's load balancer, an ECS service's cluster, the Region.
    alarms
        Changes per alarm id (``errors`` or ``lambda.errors``): enabled, threshold,
        statistic, period, evaluation periods, datapoints, missing data.
    facts
        What is known of the resource: features that are on (Container Insights ...),
        timeout, retention, sub-resources (indexes, consumers ...).
    alarm_name_prefix
        Physical names are ``<prefix>-<alarm>``. Default: generated names.
    shared_name_prefix
        Alarms on Region-wide metrics (Lambda's claimed account concurrency,
        DynamoDB's account capacity) and on a whole ECS or Aurora cluster are made
        once per stack, whichever monitor asks first, under the stack's
        ``SharedResourceAlarms``; their names are ``<prefix>-<alarm>``. Default:
        ``alarm_name_prefix``.
    shared_scope
        Where the shared alarms are made (under its ``SharedResourceAlarms``), when
        monitors in several stacks share them. Default: this monitor's stack.
    resolved
        The alarms already resolved from ``alarms`` and ``facts`` (as the blueprint
        file's checks resolve them), so they are not resolved twice. Default:
        resolved here.
    actions, named_topics
        Actions of every alarm. Default: none (a service's composite notifies).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        resource_type: str,
        resource: str | ResourceIdentity,
        stage: str | None = None,
        load_balancer: str | None = None,
        cluster: str | None = None,
        region: str | None = None,
        alarms: Mapping[str, AlarmOverride] | None = None,
        facts: ResourceFacts | None = None,
        alarm_name_prefix: str | None = None,
        shared_name_prefix: str | None = None,
        resolved: Sequence[ResolvedAlarm] | None = None,
        actions: rules.ActionSet | None = None,
        named_topics: Mapping[str, sns.ITopic] | None = None,
        shared_scope: Construct | None = None,
    ) -> None:
        super().__init__(scope, id)
        self._shared_scope = shared_scope
        at = self.node.path
        if isinstance(resource, ResourceIdentity):
            identity = resource
        else:
            try:
                identity = identify(
                    resource_type,
                    resource,
                    stage=stage,
                    load_balancer=load_balancer,
                    cluster=cluster,
                    region=region,
                )
            except ResourceRefError as error:
                raise BlueprintError([Problem(f"{at}.resource", str(error))]) from None
            except KeyError as error:
                raise BlueprintError([Problem(f"{at}.resource_type", str(error.args[0]))]) from None
        self.identity = identity
        """Which resource, and the dimension values its alarms use."""
        if resolved is None:
            resolved, problems = resolve_alarms(
                resource_type,
                dimensions=identity.dimensions,
                overrides=alarms or {},
                facts=facts or ResourceFacts(),
                where=at,
            )
            if problems:
                raise BlueprintError(problems)
        self.resolved: tuple[ResolvedAlarm, ...] = tuple(resolved)
        """Every alarm's final settings, in the data file's order."""
        self.alarms: dict[str, StaticAlarm] = {}
        """The alarms, by short name (``errors``, ``gsi-by-email-read-throttles`` ...)."""
        self.alarm_names: dict[str, str] = {}
        """Physical names of the alarms, by short name (only when a prefix names them)."""
        for alarm in resolved:
            shared = shared_alarm_id(alarm)
            if shared is not None:
                prefix = shared_name_prefix or alarm_name_prefix
                self.alarms[alarm.short_name] = self._shared(shared, alarm, prefix)
                if prefix:
                    self.alarm_names[alarm.short_name] = f"{prefix}-{shared}"
                continue
            if alarm_name_prefix:
                self.alarm_names[alarm.short_name] = f"{alarm_name_prefix}-{alarm.short_name}"
            self.alarms[alarm.short_name] = StaticAlarm(
                self,
                construct_id(alarm.short_name),
                metric=metric_of(alarm),
                threshold=alarm.threshold,
                comparison=alarm.comparison,
                evaluation_periods=alarm.evaluation_periods,
                datapoints_to_alarm=alarm.datapoints_to_alarm,
                treat_missing_data=cast(TreatMissingData, alarm.treat_missing_data),
                alarm_name=(
                    f"{alarm_name_prefix}-{alarm.short_name}" if alarm_name_prefix else None
                ),
                description=alarm.description,
                actions=actions,
                named_topics=named_topics,
            )
            _mark(self.alarms[alarm.short_name], alarm, identity.name)

    def _shared(self, key: str, alarm: ResolvedAlarm, prefix: str | None) -> StaticAlarm:
        stack = self._shared_scope or Stack.of(self)
        holder = stack.node.try_find_child(SHARED_ID)
        if holder is None:
            holder = Construct(stack, SHARED_ID)
        assert isinstance(holder, Construct)
        existing = holder.node.try_find_child(key)
        if isinstance(existing, StaticAlarm):
            return existing
        shared = StaticAlarm(
            holder,
            key,
            metric=metric_of(alarm),
            threshold=alarm.threshold,
            comparison=alarm.comparison,
            evaluation_periods=alarm.evaluation_periods,
            datapoints_to_alarm=alarm.datapoints_to_alarm,
            treat_missing_data=cast(TreatMissingData, alarm.treat_missing_data),
            alarm_name=f"{prefix}-{key}" if prefix else None,
            description=alarm.description,
        )
        _mark(shared, alarm, "shared by the stack")
        return shared

    @property
    def alarm_list(self) -> Sequence[StaticAlarm]:
        """The alarms, in the data file's order."""
        return list(self.alarms.values())


def _mark(static: StaticAlarm, alarm: ResolvedAlarm, resource: str) -> None:
    """Say in the template's metadata which recommended alarm this is (for the report)."""
    resource_node = static.alarm.node.default_child
    assert isinstance(resource_node, CfnResource)
    resource_node.add_metadata(RECOMMENDED_ALARM_METADATA, alarm_metadata(alarm, resource))
