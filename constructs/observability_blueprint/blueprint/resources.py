"""The ``services:`` section built: resource monitors per service and its health alarm."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.config.services import PlannedResource
from observability_blueprint.monitors import ResourceMonitor, ServiceHealth
from observability_blueprint.rules.alarm_settings import ActionSet, AlarmNaming
from observability_blueprint.rules.service_health import HEALTH_SUFFIX, SHARED_ALARMS


@dataclass
class BuiltService:
    """One service's resource monitors and its health alarm."""

    monitors: dict[str, ResourceMonitor] = field(default_factory=dict)
    """Resource monitors, by label (``lambda-checkout-api``)."""
    alarms: dict[str, cloudwatch.IAlarm] = field(default_factory=dict)
    """Every resource alarm of the service, by physical name."""
    health: ServiceHealth | None = None
    """The composite alarm ``<service>-health``, unless turned off."""


def health_alarm_name(naming: AlarmNaming, service: str) -> str:
    """The physical name of a service's health alarm."""
    return naming.name(f"{service}-{HEALTH_SUFFIX}")


def build_resource_monitors(
    units: Mapping[str, Construct],
    config: Blueprint,
    *,
    naming: AlarmNaming,
    default_actions: ActionSet,
    topics: Mapping[str, sns.ITopic],
) -> dict[str, BuiltService]:
    """Build every service's resource monitors under its unit (``Services/<service>``).

    Construct IDs are public: each monitor is ``Resources/<label>`` where the label
    is the short type and the resource's name (``lambda-checkout-api``), so the
    order of the list does not matter.
    """
    planned_by_service: dict[str, list[PlannedResource]] = {}
    for planned in config.planned_resources():
        planned_by_service.setdefault(planned.service, []).append(planned)
    built: dict[str, BuiltService] = {}
    for service in config.services:
        unit = units[service.name]
        result = BuiltService()
        planned_list = planned_by_service.get(service.name, [])
        holder = Construct(unit, "Resources") if planned_list else None
        for planned in planned_list:
            assert holder is not None
            prefix = naming.name(f"{service.name}-{planned.label}")
            monitor = ResourceMonitor(
                holder,
                planned.label,
                resource_type=planned.identity.resource_type,
                resource=planned.identity,
                alarms=planned.entry.overrides(),
                facts=planned.entry.facts(),
                alarm_name_prefix=prefix,
                shared_name_prefix=naming.name(SHARED_ALARMS),
            )
            result.monitors[planned.label] = monitor
            for short_name, alarm in monitor.alarms.items():
                result.alarms[monitor.alarm_names[short_name]] = alarm
        if service.health_alarm and result.alarms:
            result.health = ServiceHealth(
                unit,
                "Health",
                alarms=result.alarms,
                alarm_name=health_alarm_name(naming, service.name),
                description=service.description
                or f"{service.name}: in ALARM while any of its resource alarms is.",
                actions=service.actions.to_set() if service.actions else default_actions,
                named_topics=topics,
            )
        built[service.name] = result
    return built
