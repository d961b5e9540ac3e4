"""The stack a blueprint file deploys as, and the app that holds it."""

from __future__ import annotations

from typing import Any

from aws_cdk import App, Environment, Stack, Validations
from constructs import Construct

from observability_blueprint.blueprint import ObservabilityBlueprint
from observability_blueprint.config import Blueprint


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
        self, scope: Construct, id: str, *, config: Blueprint, **stack_kwargs: Any
    ) -> None:
        env = None
        if config.env and (config.env.account or config.env.region):
            env = Environment(account=config.env.account, region=config.env.region)
        super().__init__(
            scope,
            id,
            env=env,
            description=(
                f"Observability baseline for {config.name} ({config.stage}), "
                "made by observability-blueprint"
            ),
            **stack_kwargs,
        )
        self.blueprint = ObservabilityBlueprint(self, "Blueprint", config=config)
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


def build(app: App, config: Blueprint, **stack_kwargs: Any) -> list[Stack]:
    """Add the blueprint's stacks to ``app`` and return them."""
    return [BlueprintStack(app, stack_id(config), config=config, **stack_kwargs)]
