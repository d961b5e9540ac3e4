"""The blueprint's ``events:`` section: alerts, responses and schedules, with their delivery."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.audit.signin_alerts import (
    root_sign_in_pattern,
    sign_in_failure_pattern,
)
from observability_blueprint.config.audit import signin_stack_needed
from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.config.events import EventsSection
from observability_blueprint.events.automated_response import AutomatedResponse
from observability_blueprint.events.event_alert import EventAlert
from observability_blueprint.events.event_delivery import (
    EventDelivery,
)
from observability_blueprint.events.scheduled_task import ScheduledTask
from observability_blueprint.rules.alarm_settings import AlarmNaming
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.rules.event_schedules import (
    CommandAction,
    LambdaAction,
    RunbookAction,
)
from observability_blueprint.security.blueprint_key import BlueprintKey

Placement = Literal["regional", "us-east-1", "all"]

FORWARDING_UNDELIVERED = "us-east-1-forwarding-undelivered"
"""The alarm on events the us-east-1 stack could not forward (before the alarm naming)."""


def forwarded_patterns(config: Blueprint) -> list[dict[str, Any]]:
    """The patterns of the events a blueprint homed outside us-east-1 forwards from there.

    The sign-in alerts' and those of the enabled ``events:`` rules on IAM, STS or
    console sign-in events (the home stack holds the rules themselves).
    """
    patterns: list[dict[str, Any]] = []
    home = config.home_region
    trail = config.audit_trail
    if trail is not None and trail.signin_alerts is not None and signin_stack_needed(trail, home):
        alerts = trail.signin_alerts
        if alerts.root:
            patterns.append(root_sign_in_pattern())
        if alerts.failures:
            patterns.append(sign_in_failure_pattern(except_root=alerts.root))
    if config.events is not None:
        wanted = set(config.global_event_rules())
        rules = [(a.name, a.pattern, a.enabled) for a in config.events.alerts] + [
            (r.name, r.pattern, r.enabled) for r in config.events.responses
        ]
        patterns += [
            dict(pattern)
            for name, pattern, enabled in rules
            if name in wanted and pattern is not None and enabled
        ]
    return patterns


def forwarded_alarm_topic(config: Blueprint) -> str | None:
    """The topic told when the us-east-1 stack cannot forward events, by name.

    The ``events:`` delivery's ``alarm_topic``, else the sign-in alerts' topic.
    """
    if config.events is not None and config.events.delivery.alarm_topic:
        return config.events.delivery.alarm_topic
    if config.audit_trail is not None and config.audit_trail.signin_alerts is not None:
        return config.audit_trail.signin_alerts.topic
    return None


@dataclass
class EventsUnit:
    """What :func:`build_events` created, by the names in the blueprint file."""

    deliveries: dict[str, EventDelivery] = field(default_factory=dict)
    """Dead-letter queues and their alarms: ``shared``, or one per rule and schedule."""
    alerts: dict[str, EventAlert] = field(default_factory=dict)
    responses: dict[str, AutomatedResponse] = field(default_factory=dict)
    schedules: dict[str, ScheduledTask] = field(default_factory=dict)
    left_out: tuple[str, ...] = ()
    """Rules that belong to the other placement (us-east-1 or regional)."""


def build_events(
    scope: Construct,
    section: EventsSection,
    *,
    prefix: str,
    topics: Mapping[str, sns.ITopic],
    alarms: Mapping[str, cloudwatch.IAlarm],
    alarm_naming: AlarmNaming,
    encryption_key: BlueprintKey | None = None,
    placement: Placement = "regional",
) -> EventsUnit:
    """Build the ``events:`` section under ``scope/Events``.

    Construct IDs (public API): ``Events/Alerts/<name>``, ``Events/Responses/<name>``,
    ``Events/Schedules/<name>``, and ``Events/Delivery`` (shared) or
    ``Events/Delivery/<name>`` (per rule). Physical names are ``<prefix>-<name>``;
    the dead-letter alarm is ``alarm_naming.name("events-undelivered")`` (or
    ``<name>-undelivered`` per rule).

    Parameters
    ----------
    section
        The validated section (``events_problems`` reported nothing).
    prefix
        ``<name>-<stage>``.
    topics
        The blueprint's topics by name (in this stack's Region).
    alarms
        The blueprint's alarms by name (``on_alarm`` responses).
    alarm_naming
        Physical alarm names: the dead-letter alarm's, and the alarm an
        ``on_alarm`` response watches.
    encryption_key
        The key encrypting the topics; EventBridge is allowed to use it.
    placement
        ``regional``: schedules and the rules that are not on IAM, STS or
        console sign-in events; ``us-east-1``: only those global-service rules
        (build them in a stack in us-east-1, with topics there); ``all``: both
        (the stack is in us-east-1).
    """
    unit = EventsUnit()
    if encryption_key is not None:
        encryption_key.allow_alarm_notifications()
    global_rules = set(section.us_east_1_rules())

    def wanted(name: str) -> bool:
        if placement == "all":
            return True
        return (name in global_rules) == (placement == "us-east-1")

    alerts = [a for a in section.alerts if wanted(a.name)]
    responses = [r for r in section.responses if wanted(r.name)]
    schedules = list(section.schedules) if placement != "us-east-1" else []
    names = [a.name for a in section.alerts] + [r.name for r in section.responses]
    unit.left_out = tuple(n for n in names if not wanted(n))
    if not (alerts or responses or schedules):
        return unit
    root = Construct(scope, "Events")
    settings = section.delivery

    def delivery(name: str) -> EventDelivery:
        shared = settings.dead_letter_queues == "shared"
        slot = "shared" if shared else name
        if slot not in unit.deliveries:
            parent = root if shared else _child(root, "Delivery")
            unit.deliveries[slot] = EventDelivery(
                parent,
                "Delivery" if shared else name,
                topics=[topics[settings.alarm_topic]] if settings.alarm_topic else (),
                alarm_name=alarm_naming.name(
                    "events-undelivered" if shared else f"{name}-undelivered"
                ),
                retry_attempts=settings.retry_attempts,
                max_event_age=Duration.seconds(settings.max_event_age_seconds),
                retention=Duration.days(settings.retention_days),
            )
        return unit.deliveries[slot]

    for alert in alerts:
        unit.alerts[alert.name] = EventAlert(
            _child(root, "Alerts"),
            alert.name,
            pattern=alert.pattern,
            topics=[topics[t] for t in alert.topics],
            delivery=delivery(alert.name),
            message=alert.message,
            input_paths=alert.input_paths,
            rule_name=f"{prefix}-{alert.name}",
            description=alert.description,
            enabled=alert.enabled,
            examples=alert.examples.to_examples() if alert.examples else None,
        )
    for response in responses:
        alarm_name = None
        if response.on_alarm is not None:
            if response.on_alarm.alarm not in alarms:
                raise BlueprintError.at(
                    f"events.responses.{response.name}.on_alarm.alarm",
                    f"{response.on_alarm.alarm!r} is not among the alarms given",
                )
            alarm_name = alarm_naming.name(response.on_alarm.alarm)
        unit.responses[response.name] = AutomatedResponse(
            _child(root, "Responses"),
            response.name,
            pattern=response.event_pattern(alarm_name),
            actions=[a.to_action() for a in response.actions],
            delivery=delivery(response.name),
            named_topics=topics,
            input_paths=response.input_paths,
            rule_name=f"{prefix}-{response.name}",
            description=response.description,
            enabled=response.enabled,
            examples=response.examples.to_examples() if response.examples else None,
        )
    for schedule in schedules:
        action = schedule.to_action()
        assert isinstance(action, RunbookAction | CommandAction | LambdaAction)
        unit.schedules[schedule.name] = ScheduledTask(
            _child(root, "Schedules"),
            schedule.name,
            schedule=schedule.schedule,
            action=action,
            delivery=delivery(schedule.name),
            timezone=schedule.timezone,
            schedule_name=f"{prefix}-{schedule.name}",
            description=schedule.description,
            flexible_window=(
                Duration.minutes(schedule.flexible_window_minutes)
                if schedule.flexible_window_minutes
                else None
            ),
            enabled=schedule.enabled,
        )
    return unit


def _child(parent: Construct, id: str) -> Construct:
    found = parent.node.try_find_child(id)
    return found if isinstance(found, Construct) else Construct(parent, id)
