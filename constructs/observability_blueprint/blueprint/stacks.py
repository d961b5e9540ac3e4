"""The stack a blueprint file deploys as, and the app that holds it."""

from __future__ import annotations

from typing import Any

from aws_cdk import App, Environment, Stack, Tags, Validations, cx_api
from constructs import Construct

from observability_blueprint.audit.signin_alerts import SignInAlerts
from observability_blueprint.blueprint.audit import build_signin_forwarder
from observability_blueprint.blueprint.dashboard_plan import plan_dashboards
from observability_blueprint.blueprint.dashboards import BlueprintDashboards
from observability_blueprint.blueprint.events import EventsUnit, build_events
from observability_blueprint.blueprint.observability_blueprint import (
    ObservabilityBlueprint,
    build_topics,
)
from observability_blueprint.config.audit import signin_stack_needed
from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.rules.audit import SIGNIN_EVENTS_REGION
from observability_blueprint.rules.dashboard_model import estimate_body_bytes
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.rules.limits import STACK_RESOURCES_MAX
from observability_blueprint.security.blueprint_key import BlueprintKey

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


def add_compliance_checks(app: App) -> None:
    """Run cdk-nag's AwsSolutions pack over the app at synthesis.

    cdk-nag 3 is a validation plugin (not an Aspect); findings fail synthesis
    unless acknowledged with ``Validations.of(scope).acknowledge(...)`` and a reason.
    """
    from cdk_nag import AwsSolutionsChecks

    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


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
    **stack_kwargs: Any,
) -> list[Stack]:
    """Add the blueprint's stacks to ``app`` and return them.

    The dashboards move to a stack of their own when their bodies would add more
    than ``dashboard_budget`` bytes to the blueprint's template.
    """
    separate = dashboards_size(config) > dashboard_budget
    stacks: list[Stack] = [
        BlueprintStack(
            app, stack_id(config), config=config, include_dashboards=not separate, **stack_kwargs
        )
    ]
    if separate:
        stacks.append(
            DashboardsStack(app, f"{config.prefix}-dashboards", config=config, **stack_kwargs)
        )
    if config.needs_us_east_1_stack():
        stacks.append(
            GlobalEventsStack(
                app, f"{config.prefix}-observability-us-east-1", config=config, **stack_kwargs
            )
        )
    for stack in stacks[1:]:
        # The blueprint construct tags its own stack's resources; the others' here.
        for key, value in config.tags.items():
            Tags.of(stack).add(key, value)
    return stacks


class GlobalEventsStack(Stack):
    """The us-east-1 stack for rules on IAM, STS and console sign-in events.

    Those events reach EventBridge in us-east-1 only. The audit trail's sign-in
    alerts are forwarded from here to the home Region's default event bus (where
    the blueprint's rules notify its topic); the ``events:`` rules on such events
    live here with topics of their own (same names and subscribers, encrypted with
    a key of this stack), since an SNS target must be in the rule's Region.
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
                f"Rules on global-service events of {config.name} ({config.stage}), homed in "
                f"{home}, made by observability-blueprint"
            ),
            **stack_kwargs,
        )
        self.forwarder: SignInAlerts | None = None
        """The rules that forward sign-in events to the home Region."""
        if config.audit_trail is not None and signin_stack_needed(config.audit_trail, home):
            self.forwarder = build_signin_forwarder(
                self, config.audit_trail, name=config.name, stage=config.stage, home_region=home
            )
        self.events: EventsUnit | None = None
        """The ``events:`` rules on IAM, STS and console sign-in events."""
        if config.events is not None and config.global_event_rules():
            key = BlueprintKey(self, "Key")
            topics = {
                name: topic.topic
                for name, topic in build_topics(self, config, encryption_key=key).items()
            }
            self.events = build_events(
                self,
                config.events,
                prefix=config.prefix,
                topics=topics,
                alarms={},
                alarm_naming=config.alarm_naming(),
                encryption_key=key,
                placement="us-east-1",
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
