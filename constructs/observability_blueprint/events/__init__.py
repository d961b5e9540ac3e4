"""EventBridge alerts, scheduled tasks and automated responses, with their delivery."""

from observability_blueprint.events.automated_response import AutomatedResponse
from observability_blueprint.events.event_alert import EventAlert
from observability_blueprint.events.event_delivery import (
    DeliveredTarget,
    EventDelivery,
    EventRuleConstruct,
    TemplateInput,
    add_topic_target,
)
from observability_blueprint.events.event_forwarder import (
    EventForwarder,
    ForwardedAlarmActions,
    default_bus_arn,
    forwarding_role,
)
from observability_blueprint.events.scheduled_task import ScheduledAction, ScheduledTask

__all__ = [
    "AutomatedResponse",
    "DeliveredTarget",
    "EventAlert",
    "EventDelivery",
    "EventForwarder",
    "EventRuleConstruct",
    "ForwardedAlarmActions",
    "ScheduledAction",
    "ScheduledTask",
    "TemplateInput",
    "add_topic_target",
    "default_bus_arn",
    "forwarding_role",
]
