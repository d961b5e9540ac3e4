"""observability-blueprint: a workload's whole observability baseline as CDK constructs.

The package re-exports its public API; each construct lives in its own module.
Names are imported on first use, so the pure modules (config, filter patterns,
limits) and the command line load without starting aws-cdk-lib's jsii runtime.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from observability_blueprint.blueprint import ObservabilityBlueprint, ServiceUnit
    from observability_blueprint.blueprint_key import BlueprintKey
    from observability_blueprint.blueprint_stack import (
        BlueprintStack,
        add_compliance_checks,
        build,
    )
    from observability_blueprint.config import Blueprint
    from observability_blueprint.errors import BlueprintError, Problem
    from observability_blueprint.managed_log_group import (
        DataProtectionSettings,
        ManagedLogGroup,
    )
    from observability_blueprint.metric_filters import MetricFilterSpec, PatternExamples
    from observability_blueprint.notification_topic import NotificationTopic, TopicSubscriber
    from observability_blueprint.structured_log_metrics import StructuredLogMetrics
    from observability_blueprint.structured_logs import StructuredLogFields

_EXPORTS = {
    "Blueprint": "config",
    "BlueprintError": "errors",
    "BlueprintKey": "blueprint_key",
    "BlueprintStack": "blueprint_stack",
    "DataProtectionSettings": "managed_log_group",
    "ManagedLogGroup": "managed_log_group",
    "MetricFilterSpec": "metric_filters",
    "NotificationTopic": "notification_topic",
    "ObservabilityBlueprint": "blueprint",
    "PatternExamples": "metric_filters",
    "Problem": "errors",
    "ServiceUnit": "blueprint",
    "StructuredLogFields": "structured_logs",
    "StructuredLogMetrics": "structured_log_metrics",
    "TopicSubscriber": "notification_topic",
    "add_compliance_checks": "blueprint_stack",
    "build": "blueprint_stack",
}

__all__ = [
    "Blueprint",
    "BlueprintError",
    "BlueprintKey",
    "BlueprintStack",
    "DataProtectionSettings",
    "ManagedLogGroup",
    "MetricFilterSpec",
    "NotificationTopic",
    "ObservabilityBlueprint",
    "PatternExamples",
    "Problem",
    "ServiceUnit",
    "StructuredLogFields",
    "StructuredLogMetrics",
    "TopicSubscriber",
    "add_compliance_checks",
    "build",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'observability_blueprint' has no attribute {name!r}")
    value = getattr(import_module(f"observability_blueprint.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
