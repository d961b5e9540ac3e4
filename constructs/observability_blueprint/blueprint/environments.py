"""One blueprint file, many environments: the stacks of each account and Region.

Each environment of ``environments:`` gets the blueprint's stacks of its own,
named ``<prefix>-<environment>-observability`` (and ``-dashboards``,
``-observability-us-east-1``, ``-monitors-<Region>`` likewise), in its account
and Region, built from the file with that environment's overrides applied
(:func:`~observability_blueprint.config.environments.environment_blueprints`).
No stack of one environment refers to another's, so ``cdk deploy --all
--concurrency N`` deploys them side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from aws_cdk import App, Stack

from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.config.environments import environment_blueprints


def environment_stack_prefix(config: Blueprint, environment: str) -> str:
    """The start of an environment's stack ids: ``<name>-<stage>-<environment>``."""
    return f"{config.prefix}-{environment}"


def fan_out(config: Blueprint, *, directory: Path | None = None) -> dict[str, Blueprint]:
    """Return the blueprint each environment deploys, by environment name, in file order.

    Raises :class:`~observability_blueprint.rules.errors.BlueprintError` with every
    problem of every environment (see ``environment_blueprints``).
    """
    return {
        placed.environment.name: blueprint
        for placed, blueprint in environment_blueprints(config, directory=directory)
    }


def build_environments(
    app: App,
    config: Blueprint,
    *,
    build: Callable[..., list[Stack]],
    directory: Path | None = None,
    lock_files: Mapping[str, Path] | None = None,
    **build_kwargs: Any,
) -> dict[str, list[Stack]]:
    """Add every environment's stacks to ``app``; return them by environment name.

    ``build`` is :func:`~observability_blueprint.blueprint.stacks.build` (passed in,
    so that module can call this one without an import cycle); ``build_kwargs`` go
    to it (``dashboard_budget``, a synthesizer ...), once per environment.
    ``lock_files`` gives each environment's shard lock file, by name.
    """
    return {
        name: build(
            app,
            blueprint,
            stack_prefix=environment_stack_prefix(config, name),
            lock_file=lock_files.get(name) if lock_files else None,
            **build_kwargs,
        )
        for name, blueprint in fan_out(config, directory=directory).items()
    }
