"""The ``services:`` section built: resource monitors per service and its health alarm.

Resources listed with ``region:`` another Region than the home one get their
alarms in that Region's stack (:mod:`observability_blueprint.blueprint.regional`);
the home stack notifies the service's topics when their health alarm there
changes state (:func:`build_forwarded_health`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.config.services import (
    PlannedResource,
    Service,
    by_region,
    forwarded_undelivered_alarm_name,
    forwarding_action_problems,
    shared_alarm_prefix,
)
from observability_blueprint.config.services import (
    health_alarm_name as _health_alarm_name,
)
from observability_blueprint.events import EventDelivery, ForwardedAlarmActions
from observability_blueprint.events.event_forwarder import alarm_arn
from observability_blueprint.monitors import ResourceMonitor, ServiceHealth
from observability_blueprint.rules.alarm_settings import ActionSet, ActionSpec, AlarmNaming
from observability_blueprint.rules.errors import BlueprintError

FORWARDED_RULE_SUFFIX_MAX = len("-insufficient-data")
"""The longest suffix ForwardedAlarmActions adds to its rule name prefix."""
RULE_NAME_MAX = 64
"""EventBridge rule names: 1 to 64 characters (PutRule, botocore ``RuleName``)."""


@dataclass
class ForwardedHealth:
    """What the home stack makes for a service's health alarms in other Regions."""

    delivery: EventDelivery
    """The dead-letter queue of the notifying rules and its alarm
    (``<service>-health-forwarded-undelivered``)."""
    actions: ForwardedAlarmActions | None
    """The rules that notify the service's topics; None when it has none."""


@dataclass
class BuiltService:
    """One service's resource monitors and its health alarm."""

    monitors: dict[str, ResourceMonitor] = field(default_factory=dict)
    """Resource monitors, by label (``lambda-checkout-api``)."""
    alarms: dict[str, cloudwatch.IAlarm] = field(default_factory=dict)
    """Every resource alarm of the service, by physical name."""
    health: ServiceHealth | None = None
    """The composite alarm ``<service>-health``, unless turned off."""
    forwarded: ForwardedHealth | None = None
    """Home stack only: the rules that notify the service's topics when its health
    alarms in other Regions change state."""


def health_alarm_name(naming: AlarmNaming, service: str, region: str | None = None) -> str:
    """The physical name of a service's health alarm (``-<Region>`` in another Region)."""
    return _health_alarm_name(naming, service, region)


def undelivered_alarm_name(naming: AlarmNaming, region: str) -> str:
    """The alarm on health-alarm state changes the stack in ``region`` could not forward."""
    return naming.name(f"monitors-{region}-forwarding-undelivered")


def service_actions(service: Service, default_actions: ActionSet) -> ActionSet:
    """The actions of a service's health alarm: its own, else the file's defaults."""
    return service.actions.to_set() if service.actions else default_actions


def build_service_monitors(
    unit: Construct,
    service: Service,
    planned: Sequence[PlannedResource],
    *,
    naming: AlarmNaming,
    region: str | None,
    actions: ActionSet | None,
    topics: Mapping[str, sns.ITopic],
    shared_scope: Construct | None = None,
) -> BuiltService:
    """Build one service's monitors under ``unit`` (``Resources/<label>``) and its health
    alarm (``Health``), for the home stack (``region`` None) or another Region's."""
    result = BuiltService()
    holder = Construct(unit, "Resources") if planned else None
    for resource in planned:
        assert holder is not None
        monitor = ResourceMonitor(
            holder,
            resource.label,
            resource_type=resource.identity.resource_type,
            resource=resource.identity,
            alarms=resource.entry.overrides(),
            facts=resource.known,
            alarm_name_prefix=naming.name(f"{service.name}-{resource.label}"),
            shared_name_prefix=shared_alarm_prefix(naming, region),
            resolved=resource.alarms,
            shared_scope=shared_scope,
        )
        result.monitors[resource.label] = monitor
        for short_name, alarm in monitor.alarms.items():
            result.alarms[monitor.alarm_names[short_name]] = alarm
    if service.health_alarm and result.alarms:
        result.health = ServiceHealth(
            unit,
            "Health",
            alarms=result.alarms,
            alarm_name=health_alarm_name(naming, service.name, region),
            description=service.description
            or (
                f"{service.name}: in ALARM while any of its resource alarms"
                + (f" in {region}" if region else "")
                + " is."
            ),
            actions=actions,
            named_topics=topics,
        )
    return result


def build_resource_monitors(
    units: Mapping[str, Construct],
    config: Blueprint,
    *,
    naming: AlarmNaming,
    default_actions: ActionSet,
    topics: Mapping[str, sns.ITopic],
    shared_scope: Construct | None = None,
) -> dict[str, BuiltService]:
    """Build every service's resource monitors under its unit (``Services/<service>``).

    Construct IDs are public: each monitor is ``Resources/<label>`` where the label
    is the short type and the resource's name (``lambda-checkout-api``), so the
    order of the list does not matter. Resources in another Region are built by
    that Region's stack; here, ``ForwardedHealth`` notifies the service's topics of
    their health alarm (see :func:`build_forwarded_health`). The alarms monitors
    share are made under ``shared_scope`` (default: each unit's stack), so services in
    several stacks share one of each.
    """
    planned_all = config.planned_resources()
    planned_by_service: dict[str, list[PlannedResource]] = {}
    for planned in planned_all:
        if planned.elsewhere is None:
            planned_by_service.setdefault(planned.service, []).append(planned)
    regions_by_service: dict[str, list[str]] = {}
    for region, resources in by_region(planned_all).items():
        for resource in resources:
            if region not in regions_by_service.setdefault(resource.service, []):
                regions_by_service[resource.service].append(region)
    built: dict[str, BuiltService] = {}
    for service in config.services:
        unit = units[service.name]
        result = build_service_monitors(
            unit,
            service,
            planned_by_service.get(service.name, []),
            naming=naming,
            region=None,
            actions=service_actions(service, default_actions),
            topics=topics,
            shared_scope=shared_scope,
        )
        regions = regions_by_service.get(service.name, [])
        if service.health_alarm and regions:
            result.forwarded = build_forwarded_health(
                unit,
                config,
                service,
                regions=regions,
                naming=naming,
                default_actions=default_actions,
                topics=topics,
                planned=planned_all,
            )
        built[service.name] = result
    return built


def build_forwarded_health(
    unit: Construct,
    config: Blueprint,
    service: Service,
    *,
    regions: Sequence[str],
    naming: AlarmNaming,
    default_actions: ActionSet,
    topics: Mapping[str, sns.ITopic],
    planned: Sequence[PlannedResource],
) -> ForwardedHealth:
    """Notify the service's topics when its health alarms in ``regions`` change state.

    Under ``ForwardedHealth``: the rules (``Actions``) on the state changes the
    Regions' stacks forward to this Region's default bus, of the health alarms
    ``<service>-health-<Region>`` and of those stacks' forwarding dead-letter alarms
    (when forwarding fails, the service's topics are told), and their own
    dead-letter queue (``Delivery``), whose alarm notifies the same topics.
    Only topics can be notified so; any other action is refused (at
    ``services[i].actions``). No rules when the service has no topic to notify.
    """
    problems = list(
        forwarding_action_problems(
            config.services,
            planned=[p for p in planned if p.service == service.name],
            default_actions=default_actions,
        )
    )
    if problems:
        raise BlueprintError(problems)
    actions = service_actions(service, default_actions)
    scope = Construct(unit, "ForwardedHealth")
    by_state: dict[str, list[sns.ITopic]] = {}
    for state, specs in actions.by_state().items():
        found = by_state.setdefault(state, [])
        for n, action in enumerate(specs):
            topic = _topic(scope, f"{state}{n}", action, topics)
            if all(t.topic_arn != topic.topic_arn for t in found):
                found.append(topic)
    notified = list(
        {t.topic_arn: t for state_topics in by_state.values() for t in state_topics}.values()
    )
    delivery = EventDelivery(
        scope,
        "Delivery",
        topics=by_state["alarm"] or notified,
        alarm_name=forwarded_undelivered_alarm_name(naming, service.name),
    )
    if not notified:
        return ForwardedHealth(delivery, None)
    prefix = f"{config.prefix}-{service.name}-health"
    arns = [
        alarm_arn(unit, region=region, alarm_name=name)
        for region in regions
        for name in (
            health_alarm_name(naming, service.name, region),
            undelivered_alarm_name(naming, region),
        )
    ]
    actions_built = ForwardedAlarmActions(
        scope,
        "Actions",
        alarm_arns=arns,
        delivery=delivery,
        alarm=by_state["alarm"],
        ok=by_state["ok"],
        insufficient_data=by_state["insufficient_data"],
        rule_name_prefix=(
            prefix if len(prefix) + FORWARDED_RULE_SUFFIX_MAX <= RULE_NAME_MAX else None
        ),
    )
    return ForwardedHealth(delivery, actions_built)


def _topic(
    scope: Construct, id: str, action: object, topics: Mapping[str, sns.ITopic]
) -> sns.ITopic:
    """The topic an action notifies (checked to be one by forwarding_action_problems)."""
    if isinstance(action, ActionSpec):
        assert action.topic is not None
        if action.topic.startswith("arn:"):
            return sns.Topic.from_topic_arn(scope, f"Topic-{id}", action.topic)
        return topics[action.topic]
    arn = getattr(action, "topic_arn", None)
    assert isinstance(arn, str)
    return sns.Topic.from_topic_arn(scope, f"Topic-{id}", arn)
