"""The stack a blueprint file deploys as, and the app that holds it."""

from __future__ import annotations

from typing import Any

from aws_cdk import App, Environment, Stack, Validations
from constructs import Construct

from observability_blueprint.audit_rules import SIGNIN_EVENTS_REGION
from observability_blueprint.audit_trail import build_signin_forwarder
from observability_blueprint.blueprint import ObservabilityBlueprint
from observability_blueprint.blueprint_dashboards import BlueprintDashboards
from observability_blueprint.config import Blueprint
from observability_blueprint.config_audit import signin_stack_needed
from observability_blueprint.dashboard_model import estimate_body_bytes
from observability_blueprint.dashboard_plan import plan_dashboards

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
    home_region = config.env.region if config.env else None
    if config.audit_trail is not None and signin_stack_needed(config.audit_trail, home_region):
        assert home_region is not None
        stacks.append(SignInStack(app, f"{config.prefix}-observability-us-east-1", config=config))
    return stacks


class SignInStack(Stack):
    """The us-east-1 stack that forwards IAM, STS and console sign-in events home.

    Those events reach EventBridge in us-east-1 only; this stack's rules forward
    them to the home Region's default event bus, where the blueprint's rules
    notify its topic.
    """

    def __init__(
        self, scope: Construct, id: str, *, config: Blueprint, **stack_kwargs: Any
    ) -> None:
        assert config.env is not None
        assert config.env.region is not None
        assert config.audit_trail is not None
        super().__init__(
            scope,
            id,
            env=Environment(account=config.env.account, region=SIGNIN_EVENTS_REGION),
            description=(
                f"Sign-in events of {config.name} ({config.stage}) forwarded to "
                f"{config.env.region}, made by observability-blueprint"
            ),
            **stack_kwargs,
        )
        self.forwarder = build_signin_forwarder(
            self,
            config.audit_trail,
            name=config.name,
            stage=config.stage,
            home_region=config.env.region,
        )
        """The rules that forward sign-in events to the home Region."""
