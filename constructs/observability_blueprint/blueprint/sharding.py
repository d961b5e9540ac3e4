"""Placing a blueprint into stacks ("shards"): the plan, its lock file, and the scopes
each unit is built in.

The pure planner (:mod:`observability_blueprint.rules.shard_plan`) decides which
shard holds each unit (:func:`~observability_blueprint.blueprint.units.units_of`);
the lock file beside the blueprint (:mod:`observability_blueprint.config.shard_lock`)
keeps that decision from one synthesis to the next. Here the decision becomes
construct scopes: a unit is built under the ``Blueprint`` construct of its shard's
stack, with the same construct ids in every shard, so its logical ids do not depend
on where it is placed. See docs/sharding.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from constructs import Construct

from observability_blueprint.blueprint.units import DASHBOARD_PREFIX, units_of
from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.config.shard_lock import LOCK_SUFFIX, read_lock
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.rules.shard_plan import Limits, Lock, Placement, plan


def environment_lock_path(lock_file: Path, environment: str) -> Path:
    """Return the lock file of one environment: ``shop.shards.json`` -> ``shop.prod.shards.json``.

    Each environment places its units on its own (its overrides change their sizes)."""
    stem = lock_file.name.removesuffix(LOCK_SUFFIX)
    return lock_file.with_name(f"{stem}.{environment}{LOCK_SUFFIX}")


def place(
    config: Blueprint,
    *,
    lock: Lock | None,
    replan: bool = False,
    include_dashboards: bool = True,
    prefix: str | None = None,
) -> Placement:
    """Place ``config``'s units into shards, following ``lock``.

    Raises :class:`BlueprintError` when the placement is impossible (a unit larger than
    a stack, a shard pushed over CloudFormation's limits by units grown in place);
    each problem names the unit's place in the file and the way out.
    """
    units = [
        u for u in units_of(config) if include_dashboards or not u.id.startswith(DASHBOARD_PREFIX)
    ]
    limits = config.sharding.limits() if config.sharding is not None else Limits()
    found = plan(units, lock=lock, limits=limits, replan=replan, prefix=prefix or config.prefix)
    if isinstance(found, list):
        raise BlueprintError(found)
    return found


def read_placement_lock(lock_file: Path | None) -> Lock | None:
    """Read the lock file, None when there is none (or no file is named)."""
    return read_lock(lock_file) if lock_file is not None else None


@dataclass
class ShardScopes:
    """Where each unit is built: its shard's ``Blueprint`` construct.

    ``roots`` holds the ``Blueprint`` construct of every shard but shard 0, whose
    root is the :class:`ObservabilityBlueprint` itself. A unit the placement does
    not know is built in shard 0.
    """

    placement: Placement
    roots: dict[int, Construct] = field(default_factory=dict)
    _shards: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._shards = self.placement.unit_shards()

    def index(self, unit: str) -> int:
        """Return the shard index of ``unit`` (0 when unplaced)."""
        return self._shards.get(unit, 0)

    def root(self, unit: str, home: Construct) -> Construct:
        """Return the construct ``unit`` is built under; ``home`` is shard 0's."""
        index = self.index(unit)
        return home if index == 0 else self.roots[index]
