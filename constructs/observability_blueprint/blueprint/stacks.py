"""The stack a blueprint file deploys as, and the app that holds it."""

from __future__ import annotations

from typing import Any

from aws_cdk import App, Duration, Environment, Stack, Tags, Validations, cx_api
from constructs import Construct

from observability_blueprint.blueprint.dashboard_plan import plan_dashboards
from observability_blueprint.blueprint.dashboards import BlueprintDashboards
from observability_blueprint.blueprint.environments import build_environments
from observability_blueprint.blueprint.events import FORWARDING_UNDELIVERED, forwarded_patterns
from observability_blueprint.blueprint.observability_blueprint import ObservabilityBlueprint
from observability_blueprint.blueprint.regional import (
    RegionalMonitorsStack,
    monitored_regions,
    regional_stack_id,
)
from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.deploy_rules import add_deploy_checks
from observability_blueprint.events import EventDelivery, EventForwarder
from observability_blueprint.events.event_delivery import DEFAULT_RETENTION
from observability_blueprint.rules.audit import SIGNIN_EVENTS_REGION
from observability_blueprint.rules.dashboard_model import estimate_body_bytes
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.event_forwarding import forwarding_groups, group_problems
from observability_blueprint.rules.limits import STACK_RESOURCES_MAX

DASHBOARD_BUDGET_BYTES = 300_000
"""Dashboards whose bodies would add more than this to the blueprint's template get a
stack of their own (CloudFormation takes templates of at most 1,000,000 bytes)."""


def _environment(config: Blueprint) -> Environment | None:
    if config.env and (config.env.account or config.env.region):
        return Environment(account=config.env.account, region=config.env.region)
    return None


class BlueprintStack(Stack):
    """A stack holding one :class:`ObservabilityBlueprint`.

    Its name is ``<name>-<stage>-observability``; its environment comes from the
    file's ``env`` (environment-agnostic without one).

    Parameters
    ----------
    config
        The validated blueprint file.
    stack_kwargs
        Passed on to :class:`aws_cdk.Stack` (a synthesizer, for example).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Blueprint,
        include_dashboards: bool = True,
        **stack_kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            id,
            env=_environment(config),
            description=(
                f"Observability baseline for {config.name} ({config.stage}), "
                "made by observability-blueprint"
            ),
            **stack_kwargs,
        )
        self.blueprint = ObservabilityBlueprint(
            self, "Blueprint", config=config, include_dashboards=include_dashboards
        )
        """The blueprint construct with everything the file describes."""


def stack_id(config: Blueprint) -> str:
    """Return the stack's construct ID and name: ``<name>-<stage>-observability``."""
    return f"{config.prefix}-observability"


def add_compliance_checks(app: App, *, deploy_rules: bool = True) -> None:
    """Run cdk-nag's AwsSolutions pack (and the deploy rules) over the app at synthesis.

    cdk-nag 3 is a validation plugin (not an Aspect); findings fail synthesis
    unless acknowledged with ``Validations.of(scope).acknowledge(...)`` and a reason.
    ``deploy_rules`` also registers :func:`add_deploy_checks` (the constraints
    CloudFormation and the services check only at deploy time); leave it False
    when the app registers them already.
    """
    from cdk_nag import AwsSolutionsChecks

    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    if deploy_rules:
        add_deploy_checks(app)


def add_checks(app: App, *, compliance: bool = True) -> None:
    """Register what synthesis checks: the deploy rules always, cdk-nag when ``compliance``.

    ``app.py`` and ``obs-blueprint validate`` both call this, so they refuse the same.
    """
    if compliance:
        add_compliance_checks(app)
    else:
        add_deploy_checks(app)  # deploy-time constraints are never optional


class DashboardsStack(Stack):
    """A stack holding only a blueprint's dashboards (``<name>-<stage>-dashboards``)."""

    def __init__(
        self, scope: Construct, id: str, *, config: Blueprint, **stack_kwargs: Any
    ) -> None:
        super().__init__(
            scope,
            id,
            env=_environment(config),
            description=(
                f"Dashboards of {config.name} ({config.stage}), made by observability-blueprint"
            ),
            **stack_kwargs,
        )
        self.dashboards = BlueprintDashboards(self, "Dashboards", config=config)
        """The dashboards."""


def dashboards_size(config: Blueprint) -> int:
    """Estimate, from above, the bytes the dashboards add to a template."""
    return sum(estimate_body_bytes(p) for p in plan_dashboards(config, region="us-east-1"))


def build(
    app: App,
    config: Blueprint,
    *,
    dashboard_budget: int = DASHBOARD_BUDGET_BYTES,
    stack_prefix: str | None = None,
    **stack_kwargs: Any,
) -> list[Stack]:
    """Add the blueprint's stacks to ``app`` and return them.

    With ``environments:``, every environment gets its own stacks, named
    ``<name>-<stage>-<environment>-...`` (``stack_prefix``), side by side and
    independent (:mod:`observability_blueprint.blueprint.environments`).

    The dashboards move to a stack of their own when their bodies would add more
    than ``dashboard_budget`` bytes to the blueprint's template. Resources that
    ``services:`` lists in another Region (``region:``) get their alarms in a stack
    per Region (:class:`RegionalMonitorsStack`, ``<prefix>-monitors-<Region>``).
    """
    if stack_prefix is None and config.environments:
        built = build_environments(
            app, config, build=build, dashboard_budget=dashboard_budget, **stack_kwargs
        )
        return [stack for stacks in built.values() for stack in stacks]
    ids = stack_prefix or config.prefix
    separate = dashboards_size(config) > dashboard_budget
    stacks: list[Stack] = [
        BlueprintStack(
            app,
            f"{ids}-observability",
            config=config,
            include_dashboards=not separate,
            **stack_kwargs,
        )
    ]
    if separate:
        stacks.append(DashboardsStack(app, f"{ids}-dashboards", config=config, **stack_kwargs))
    if config.needs_us_east_1_stack():
        stacks.append(
            GlobalEventsStack(app, f"{ids}-observability-us-east-1", config=config, **stack_kwargs)
        )
    for region in monitored_regions(config):
        stacks.append(
            RegionalMonitorsStack(
                app,
                f"{ids}-monitors-{region}" if stack_prefix else regional_stack_id(config, region),
                config=config,
                region=region,
                **stack_kwargs,
            )
        )
    for stack in stacks[1:]:
        # The blueprint construct tags its own stack's resources; the others' here.
        for key, value in config.tags.items():
            Tags.of(stack).add(key, value)
    return stacks


class GlobalEventsStack(Stack):
    """The us-east-1 stack that forwards global-service events to the home Region.

    IAM, STS and console sign-in events reach EventBridge in us-east-1 only.
    This stack holds only forwarding rules: the events that the audit trail's
    sign-in alerts and the ``events:`` rules on such events match go, unchanged,
    to the home Region's default event bus, where the blueprint's own rules
    match them and notify its topics (no topic, key or subscriber is copied
    here). Each event is forwarded once: overlapping patterns are merged into
    one rule per group of sources (``Forwarder/forward-<services>``, see
    :mod:`observability_blueprint.rules.event_forwarding`).
    Events the home bus does not take wait in ``Delivery``'s queue; that
    queue's alarm has no actions here: its state changes are forwarded too,
    and the home stack notifies them (:func:`forwarded_alarm_topic`).
    """

    def __init__(
        self, scope: Construct, id: str, *, config: Blueprint, **stack_kwargs: Any
    ) -> None:
        home = config.home_region
        assert home is not None
        super().__init__(
            scope,
            id,
            env=Environment(
                account=config.env.account if config.env else None, region=SIGNIN_EVENTS_REGION
            ),
            description=(
                f"Forwards global-service events of {config.name} ({config.stage}) to {home}, "
                "made by observability-blueprint"
            ),
            **stack_kwargs,
        )
        settings = config.events.delivery if config.events else None
        self.delivery = EventDelivery(
            self,
            "Delivery",
            alarm_name=config.alarm_naming().name(FORWARDING_UNDELIVERED),
            retention=Duration.days(settings.retention_days) if settings else DEFAULT_RETENTION,
        )
        """The dead-letter queue of every forwarding target, and its alarm."""
        self.forwarder = EventForwarder(
            self,
            "Forwarder",
            to_region=home,
            delivery=self.delivery,
            rule_name_prefix=config.prefix,
        )
        """The forwarding rules: ``forward-<services>`` and the queue alarm's."""
        groups = forwarding_groups(forwarded_patterns(config))
        if problems := group_problems(groups):
            raise BlueprintError(
                [Problem(f"{self.node.path}/Forwarder/{p.location}", p.message) for p in problems]
            )
        for group in groups:
            self.forwarder.forward(group.name, group.pattern)
        self.forwarder.forward_alarm_states(
            "forward-alarms", [self.delivery.cloudwatch_alarm.alarm_arn]
        )


def synthesize(app: App) -> cx_api.CloudAssembly:
    """Synthesize ``app``; raise :class:`BlueprintError` with advice on CloudFormation limits.

    aws-cdk-lib stops synthesis with a ``RuntimeError`` when a stack holds more
    than 500 resources, and cdk-nag with one when a finding is not acknowledged
    (its findings are printed above). Both become one readable problem here, so a
    library user gets the same advice as the app.
    """
    try:
        return app.synth()
    except RuntimeError as error:
        text = str(error)
        if "TooManyResourcesInStack" in text:
            found = text.split("TooManyResourcesInStack: ")[-1].splitlines()[0]
            raise BlueprintError.at(
                "",
                f"{found}. CloudFormation takes at most {STACK_RESOURCES_MAX} resources per stack: "
                "split the workload into several blueprint files "
                "(one per team or service group)",
            ) from None
        if "ValidationFailed" in text:
            raise BlueprintError.at("", f"compliance checks failed: {text}") from None
        raise
