"""Monitors of the AWS resources a workload runs on: recommended alarms, service health."""

from observability_blueprint.monitors.resource_monitor import ResourceMonitor, metric_of
from observability_blueprint.monitors.scope_monitoring import DiscoveredResource, ScopeMonitoring
from observability_blueprint.monitors.service_health import ServiceHealth
from observability_blueprint.rules.resource_alarms import AlarmOverride, ResourceFacts

__all__ = [
    "AlarmOverride",
    "DiscoveredResource",
    "ResourceFacts",
    "ResourceMonitor",
    "ScopeMonitoring",
    "ServiceHealth",
    "metric_of",
]
