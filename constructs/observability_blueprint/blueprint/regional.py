"""Alarms on a service's resources in another Region: one stack per Region, notified home.

CloudWatch alarms watch only metrics of their own Region
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Cross-Account-Cross-Region.html:
cross-Region is for dashboards, not alarms), and a CloudFront distribution's
metrics exist only in us-east-1
(https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html).
So a resource listed with ``region: R`` (R not the home Region) gets its
alarms in a stack ``<name>-<stage>-monitors-<R>`` in R.

Its health alarm ``<service>-health-<R>`` there has no actions. An alarm's SNS
action names a topic of the alarm's own Region: PutMetricAlarm and
PutCompositeAlarm take ``arn:aws:sns:region:account-id:sns-topic-name``
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html,
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html)
and document no cross-Region topic; CloudWatch refuses one ("Invalid region
ca-central-1 specified. Only us-west-2 is supported.", as reported in
cds-snc/notification-terraform pull request 128). Copying the topics, keys and
subscribers into R is what :mod:`observability_blueprint.events.event_forwarder`
avoids for us-east-1 already; the same mechanism is used here: the stack
forwards its health alarms' state changes to the home Region's default event
bus, and the home stack's ``Services/<service>/ForwardedHealth`` rules notify
the service's topics (topics only: see
:func:`observability_blueprint.config.services.forwarding_action_problems`).

Construct IDs are public: ``Services/<service>/Resources/<label>`` and
``Services/<service>/Health`` as in the home stack, ``Delivery`` (the forwarding
targets' dead-letter queue and its alarm) and ``Forwarder`` (rule
``forward-health``), as in :class:`~observability_blueprint.blueprint.stacks.GlobalEventsStack`.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, Environment, Stack
from constructs import Construct

from observability_blueprint.blueprint.resources import (
    BuiltService,
    build_service_monitors,
    undelivered_alarm_name,
)
from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.config.services import by_region
from observability_blueprint.events import EventDelivery, EventForwarder
from observability_blueprint.events.event_delivery import DEFAULT_RETENTION
from observability_blueprint.rules.errors import BlueprintError


def regional_stack_id(config: Blueprint, region: str) -> str:
    """The construct ID and name of the stack in ``region``: ``<prefix>-monitors-<region>``."""
    return f"{config.prefix}-monitors-{region}"


def monitored_regions(config: Blueprint) -> list[str]:
    """The Regions other than the home one whose resources ``services:`` lists, sorted."""
    return list(by_region(config.planned_resources()))


class RegionalMonitorsStack(Stack):
    """The alarms of the resources a blueprint lists in one other Region.

    One per Region (``<name>-<stage>-monitors-<Region>``), in the file's account.
    Per service: the resources' recommended alarms and a health composite
    ``<name>-<stage>-<service>-health-<Region>`` without actions, whose state
    changes (and those of ``Delivery``'s alarm, on changes it could not forward)
    go to the home Region's default bus, where the home stack notifies the
    service's topics.

    For CloudFront (metrics in us-east-1 only) this is ``<prefix>-monitors-us-east-1``,
    a stack apart from :class:`~observability_blueprint.blueprint.stacks.GlobalEventsStack`:
    that stack exists only while sign-in or other global-service rules need it and
    its construct IDs are public; keeping monitors apart keeps both stable when
    either set changes, and gives every Region the same stack (at the cost of a
    second forwarding role and queue in us-east-1).

    Parameters
    ----------
    config
        The validated blueprint file (with ``env.region``).
    region
        The Region of the resources (not the home one).
    stack_kwargs
        Passed on to :class:`aws_cdk.Stack`.
    """

    def __init__(
        self, scope: Construct, id: str, *, config: Blueprint, region: str, **stack_kwargs: Any
    ) -> None:
        home = config.home_region
        if home is None or home == region:
            raise BlueprintError.at(
                f"{scope.node.path}/{id}.region" if scope.node.path else f"{id}.region",
                f"{region!r} needs a home Region other than it: set env.region to the Region "
                "the blueprint's own stack is in (the alarms here notify through it)",
            )
        super().__init__(
            scope,
            id,
            env=Environment(account=config.env.account if config.env else None, region=region),
            description=(
                f"Alarms of {config.name} ({config.stage}) on resources in {region}, "
                f"notified through {home}, made by observability-blueprint"
            ),
            **stack_kwargs,
        )
        naming = config.alarm_naming()
        planned = by_region(config.planned_resources()).get(region, [])
        self.services: dict[str, BuiltService] = {}
        """Each service's monitors and health alarm here, by service name."""
        holder = Construct(self, "Services")
        for service in config.services:
            mine = [p for p in planned if p.service == service.name]
            if mine:
                self.services[service.name] = build_service_monitors(
                    Construct(holder, service.name),
                    service,
                    mine,
                    naming=naming,
                    region=region,
                    actions=None,
                    topics={},
                )
        healths = [built.health for built in self.services.values() if built.health]
        self.delivery: EventDelivery | None = None
        """The dead-letter queue of the forwarding rule and its alarm (no actions here)."""
        self.forwarder: EventForwarder | None = None
        """The rule ``forward-health`` that forwards the health alarms' state changes."""
        if not healths:
            return
        settings = config.events.delivery if config.events else None
        self.delivery = EventDelivery(
            self,
            "Delivery",
            alarm_name=undelivered_alarm_name(naming, region),
            retention=Duration.days(settings.retention_days) if settings else DEFAULT_RETENTION,
        )
        self.forwarder = EventForwarder(
            self,
            "Forwarder",
            to_region=home,
            delivery=self.delivery,
            rule_name_prefix=f"{config.prefix}-monitors",
        )
        self.forwarder.forward_alarm_states(
            "forward-health",
            [
                *(health.alarm.alarm_arn for health in healths),
                self.delivery.cloudwatch_alarm.alarm_arn,
            ],
        )
