"""EventBridge alerts, scheduled tasks and automated responses, with their delivery."""

from observability_blueprint.events.automated_response import AutomatedResponse
from observability_blueprint.events.event_alert import EventAlert
from observability_blueprint.events.event_delivery import (
    EventDelivery,
    EventRuleConstruct,
    TemplateInput,
)
from observability_blueprint.events.scheduled_task import ScheduledAction, ScheduledTask

__all__ = [
    "AutomatedResponse",
    "EventAlert",
    "EventDelivery",
    "EventRuleConstruct",
    "ScheduledAction",
    "ScheduledTask",
    "TemplateInput",
]
