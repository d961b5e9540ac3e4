"""The ``sharding:`` section: how full the blueprint fills each of its stacks.

A blueprint larger than one stack is placed into several ("shards"); see
docs/sharding.md and :mod:`observability_blueprint.rules.shard_plan`. The limits
here are soft: a shard is filled up to them, and the gap to CloudFormation's own
(500 resources, 1,000,000 template bytes per stack) is room for what is placed to
grow without moving.
"""

from __future__ import annotations

from observability_blueprint.config.base import StrictModel
from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.shard_plan import (
    DEFAULT_MAX_RESOURCES,
    DEFAULT_MAX_TEMPLATE_BYTES,
    LIMITS_PLACE,
    Limits,
)


class Sharding(StrictModel):
    """How many resources and template bytes a stack is filled with, at most."""

    max_resources: int = DEFAULT_MAX_RESOURCES
    """Resources a stack is filled to, from 1 to CloudFormation's 500. Default: 450."""
    max_template_bytes: int = DEFAULT_MAX_TEMPLATE_BYTES
    """Template bytes a stack is filled to, from 1 to CloudFormation's 1,000,000 (from
    S3). Default: 800,000."""

    def limits(self) -> Limits:
        """Return the planner's limits."""
        return Limits(self.max_resources, self.max_template_bytes)

    def problems(self) -> list[Problem]:
        """Refuse limits above CloudFormation's, or below one."""
        return self.limits().problems(LIMITS_PLACE)
