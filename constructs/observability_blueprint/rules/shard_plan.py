"""Which stack (shard) each unit of a blueprint deploys in, stable from one synthesis to the next.

Pure module: no aws_cdk import. A *unit* moves as a whole: a service (its log
groups, filters, alarms, resource monitors and health alarm) or an area (audit,
network, hosts, ..., core = the key and the topics). Moving a resource from one
stack to another replaces it in the account (and a retained, named log group then
blocks the deploy), so a unit, once placed, stays where the lock file says: new
units go to the last shard, gone units leave their place empty, and only an
explicit re-plan moves anything. See docs/sharding.md for the design.

CloudFormation takes at most 500 resources and a 1,000,000-byte template (from
S3) per stack (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html);
shards are filled to softer limits (450, 800,000) so that units can grow in place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.limits import STACK_RESOURCES_MAX, TEMPLATE_BODY_S3_MAX

CORE_UNIT: Final = "area:core"
SHARED_ALARMS_UNIT: Final = "area:shared_resource_alarms"
PINNED_UNITS: Final = (
    CORE_UNIT,
    SHARED_ALARMS_UNIT,
    "area:hosts",
    "area:audit",
    "area:events",
    "area:tracing",
    "area:prometheus",
    "area:grafana",
)
"""Units always in shard 0, in this order. Every other shard refers to the first two (the
key and topics; the alarms on Region-wide metrics that services' health alarms combine).
The sections after them are named by the topics' policies (their rules, workspaces and
roles may publish) or name each other (hosts and prometheus): in a later shard they would
make the first one refer to it while it refers to the first, a cycle no deploy order
resolves. So they stay with the topics."""
"""The unit every other one refers to (the key and the topics): always in shard 0."""
DEFAULT_MAX_RESOURCES: Final = 450
"""Resources a shard is filled to: 50 under CloudFormation's 500, room to grow in place."""
DEFAULT_MAX_TEMPLATE_BYTES: Final = 800_000
"""Template bytes a shard is filled to: 200 KB under CloudFormation's 1,000,000 from S3."""
REPLAN_ADVICE: Final = (
    "re-plan with `cdk synth -c replan=true` (moves units: each moved resource is replaced)"
)
LIMITS_PLACE: Final = "sharding"
"""Where the shard size settings live in the blueprint file."""


@dataclass(frozen=True)
class Unit:
    """What moves between stacks as a whole, with its estimated size.

    Parameters
    ----------
    id
        Stable across syntheses: ``service:checkout``, ``area:audit``; the lock file
        records it, so renaming it moves the unit.
    resources
        CloudFormation resources the unit makes.
    template_bytes
        Bytes the unit adds to its stack's template.
    location
        Where the unit comes from, for messages (``services[3]``); the id without one.
    """

    id: str
    resources: int
    template_bytes: int
    location: str = ""

    @property
    def where(self) -> str:
        """The unit's place in the file, or its id."""
        return self.location or self.id


@dataclass(frozen=True)
class Limits:
    """How full a shard is filled: resources and template bytes, at most CloudFormation's."""

    max_resources: int = DEFAULT_MAX_RESOURCES
    max_template_bytes: int = DEFAULT_MAX_TEMPLATE_BYTES

    def problems(self, place: str = LIMITS_PLACE) -> list[Problem]:
        """Refuse a setting CloudFormation would not hold, or one that holds nothing."""
        found: list[Problem] = []
        for name, value, hard, default, what in (
            (
                "max_resources",
                self.max_resources,
                STACK_RESOURCES_MAX,
                DEFAULT_MAX_RESOURCES,
                "resources per stack",
            ),
            (
                "max_template_bytes",
                self.max_template_bytes,
                TEMPLATE_BODY_S3_MAX,
                DEFAULT_MAX_TEMPLATE_BYTES,
                "template bytes per stack (from S3)",
            ),
        ):
            if value > hard:
                found.append(
                    Problem(
                        f"{place}.{name}",
                        f"{value:,} is above CloudFormation's {hard:,} {what}: use a whole "
                        f"number from 1 to {hard:,} (default {default:,}, which leaves room "
                        "for units to grow in place)",
                    )
                )
            elif value < 1:
                found.append(
                    Problem(
                        f"{place}.{name}",
                        f"{value:,} holds nothing: use a whole number from 1 to {hard:,} "
                        f"(default {default:,})",
                    )
                )
        return found


HARD_LIMITS: Final = Limits(STACK_RESOURCES_MAX, TEMPLATE_BODY_S3_MAX)
"""CloudFormation's own limits per stack."""


@dataclass(frozen=True)
class Lock:
    """The placement a lock file records: per shard, its unit ids in order.

    ``limits`` are the ones the placement was made with. Shards keep their index
    for ever: an emptied shard stays in the list so that later ones keep theirs.
    """

    limits: Limits
    shards: tuple[tuple[str, ...], ...]

    def unit_shards(self) -> dict[str, int]:
        """Return each unit id's shard index."""
        return {unit: index for index, units in enumerate(self.shards) for unit in units}


@dataclass(frozen=True)
class Headroom:
    """How full one shard is, against the soft limits and CloudFormation's."""

    resources: int
    template_bytes: int
    limits: Limits

    @property
    def resources_left(self) -> int:
        """Resources that still fit under the soft limit (negative above it)."""
        return self.limits.max_resources - self.resources

    @property
    def template_bytes_left(self) -> int:
        """Template bytes that still fit under the soft limit (negative above it)."""
        return self.limits.max_template_bytes - self.template_bytes

    @property
    def over_soft(self) -> bool:
        """True when the shard holds more than the soft limits."""
        return self.resources_left < 0 or self.template_bytes_left < 0

    @property
    def over_hard(self) -> bool:
        """True when CloudFormation would refuse the shard's stack."""
        return (
            self.resources > HARD_LIMITS.max_resources
            or self.template_bytes > HARD_LIMITS.max_template_bytes
        )


@dataclass(frozen=True)
class Shard:
    """One stack of the placement: its index, units in order and their size."""

    index: int
    units: tuple[str, ...]
    headroom: Headroom

    def name(self, prefix: str) -> str:
        """Return the shard's stack name (see :func:`shard_name`)."""
        return shard_name(prefix, self.index)


@dataclass(frozen=True)
class Move:
    """A unit a re-plan puts in another shard: its resources are replaced."""

    unit: str
    from_shard: int
    to_shard: int


@dataclass(frozen=True)
class Placement:
    """Where every unit deploys, and what a synthesis should say about it.

    ``warnings`` are for the synth report (a shard above the soft limits, an empty
    shard, the moves of a re-plan); ``moves`` is empty unless re-planned.
    """

    shards: tuple[Shard, ...]
    limits: Limits
    warnings: tuple[str, ...] = ()
    moves: tuple[Move, ...] = ()
    _unit_shards: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    def shard_of(self, unit: str) -> int:
        """Return the index of the shard that holds ``unit`` (KeyError for an unknown one)."""
        return self._unit_shards[unit]

    def unit_shards(self) -> dict[str, int]:
        """Return each unit id's shard index."""
        return dict(self._unit_shards)

    def lock(self) -> Lock:
        """Return the lock to write beside the blueprint: this placement and its limits."""
        return Lock(self.limits, tuple(shard.units for shard in self.shards))


def shard_name(prefix: str, index: int) -> str:
    """Return the stack name of shard ``index``.

    Shard 0 is ``<prefix>-observability``, the stack a blueprint deployed as before
    it was sharded; the others are ``<prefix>-observability-2``, ``-3``, ... so the
    second stack reads as the second.
    """
    base = f"{prefix}-observability"
    return base if index == 0 else f"{base}-{index + 1}"


def plan(
    units: Sequence[Unit],
    *,
    lock: Lock | None,
    limits: Limits,
    replan: bool = False,
    prefix: str | None = None,
) -> Placement | list[Problem]:
    """Place ``units`` (in file order) into shards, following ``lock`` when there is one.

    Without a lock, a blueprint that fits one stack of CloudFormation's limits
    (500 resources, 1,000,000 bytes) stays one stack (shard 0, the blueprint's
    stack of old); a larger one fills shards in file order up to ``limits``, core
    first. With a lock, locked units stay in their shard, gone ones leave their
    place empty and new ones go to the last shard while it has room under
    ``limits``, else to a new one: nothing that exists moves. A shard that units
    grown in place push over CloudFormation's limits is a problem (re-plan to
    move units). ``replan`` makes a fresh plan and reports the moves.

    Parameters
    ----------
    prefix
        The blueprint's name prefix (``shop-dev``), so messages name stacks.
    """
    problems = limits.problems() + _unit_problems(units)
    if problems:
        return problems
    sizes = {unit.id: unit for unit in units}
    layout = _fresh(units, limits) if lock is None or replan else _follow(units, lock, limits)
    shards = tuple(
        Shard(
            index,
            tuple(ids),
            Headroom(
                sum(sizes[u].resources for u in ids),
                sum(sizes[u].template_bytes for u in ids),
                limits,
            ),
        )
        for index, ids in enumerate(layout)
    )
    problems = [
        _over_hard(shard, [sizes[u] for u in shard.units], prefix)
        for shard in shards
        if shard.headroom.over_hard
    ]
    if problems:
        return problems
    unit_shards = {unit: shard.index for shard in shards for unit in shard.units}
    moves: tuple[Move, ...] = ()
    if replan and lock is not None:
        before = lock.unit_shards()
        moves = tuple(
            Move(unit, before[unit], index)
            for unit, index in unit_shards.items()
            if unit in before and before[unit] != index
        )
    followed = lock is not None and not replan
    warnings = _shard_warnings(shards, prefix, single=len(shards) == 1, followed=followed)
    if moves:
        warnings.append(_moves_warning(moves, prefix))
    return Placement(shards, limits, tuple(warnings), moves, unit_shards)


def _unit_problems(units: Sequence[Unit]) -> list[Problem]:
    found: list[Problem] = []
    seen: dict[str, Unit] = {}
    for unit in units:
        if not unit.id:
            found.append(Problem(unit.where, "a unit needs an id (service:<name>, area:<name>)"))
        elif unit.id in seen:
            found.append(
                Problem(
                    unit.where,
                    f"unit id {cut(unit.id)!r} is also {seen[unit.id].where}'s: each unit "
                    "needs its own id (the lock file places units by id)",
                )
            )
        else:
            seen[unit.id] = unit
        if unit.resources < 0 or unit.template_bytes < 0:
            found.append(
                Problem(
                    unit.where,
                    f"{cut(unit.id)} has a negative size ({unit.resources} resources, "
                    f"{unit.template_bytes} bytes): sizes are whole numbers from 0",
                )
            )
        elif unit.resources > STACK_RESOURCES_MAX or unit.template_bytes > TEMPLATE_BODY_S3_MAX:
            found.append(
                Problem(
                    unit.where,
                    f"{cut(unit.id)} alone is {unit.resources:,} resources and "
                    f"{unit.template_bytes:,} template bytes; CloudFormation takes at most "
                    f"{STACK_RESOURCES_MAX} resources and {TEMPLATE_BODY_S3_MAX:,} bytes per "
                    f"stack and a unit is never split: {_split_advice(unit.id)}",
                )
            )
    return found


def _split_advice(unit_id: str) -> str:
    """How to make a unit smaller, by its kind."""
    if unit_id.startswith("service:"):
        return (
            "split the service (give some of its log groups another `service:`, or list some "
            "of its resources under another service)"
        )
    return "split the section across several blueprint files (one per team or service group)"


def _fits(units: Sequence[Unit], limits: Limits) -> bool:
    return (
        sum(u.resources for u in units) <= limits.max_resources
        and sum(u.template_bytes for u in units) <= limits.max_template_bytes
    )


def _fresh(units: Sequence[Unit], limits: Limits) -> list[list[str]]:
    """Fill shards in file order, core first; one stack when CloudFormation takes it."""
    if _fits(units, HARD_LIMITS):
        return [[u.id for u in _pinned_first(units)]]
    layout: list[list[str]] = [[]]
    resources = template_bytes = 0
    for unit in _pinned_first(units):
        full = (
            resources + unit.resources > limits.max_resources
            or template_bytes + unit.template_bytes > limits.max_template_bytes
        )
        if layout[-1] and full:
            layout.append([])
            resources = template_bytes = 0
        layout[-1].append(unit.id)
        resources += unit.resources
        template_bytes += unit.template_bytes
    return layout


def _pinned_first(units: Sequence[Unit]) -> list[Unit]:
    """``units`` with the pinned ones first (in :data:`PINNED_UNITS` order), the rest in order."""
    rank = {unit: index for index, unit in enumerate(PINNED_UNITS)}
    return sorted(units, key=lambda u: rank.get(u.id, len(PINNED_UNITS)))


def _follow(units: Sequence[Unit], lock: Lock, limits: Limits) -> list[list[str]]:
    """Keep locked units in place, drop gone ones, add new ones to the last shard or a new one."""
    present = {unit.id: unit for unit in units}
    layout = [[u for u in ids if u in present] for ids in lock.shards] or [[]]
    locked = lock.unit_shards()
    for unit in units:
        if unit.id in locked:
            continue
        if unit.id in PINNED_UNITS:
            at = sum(1 for u in layout[0] if u in PINNED_UNITS[: PINNED_UNITS.index(unit.id)])
            layout[0].insert(at, unit.id)
            continue
        last = layout[-1]
        room = _fits([*(present[u] for u in last), unit], limits)
        if last and not room:
            layout.append([])
        layout[-1].append(unit.id)
    return layout


def _stack(index: int, prefix: str | None) -> str:
    return f"shard {index} ({shard_name(prefix, index)})" if prefix else f"shard {index}"


def _over_hard(shard: Shard, units: list[Unit], prefix: str | None) -> Problem:
    largest = max(units, key=lambda u: (u.resources, u.template_bytes))
    room = shard.headroom
    return Problem(
        largest.where,
        f"{_stack(shard.index, prefix)} holds {room.resources:,} resources and "
        f"{room.template_bytes:,} template bytes with its units as they are now; "
        f"CloudFormation takes at most {STACK_RESOURCES_MAX} resources and "
        f"{TEMPLATE_BODY_S3_MAX:,} bytes per stack. Its largest unit is {cut(largest.id)} "
        f"({largest.resources:,} resources, {largest.template_bytes:,} bytes); the lock file "
        f"keeps units where they are: make the shard's units smaller, or {REPLAN_ADVICE}",
    )


def _shard_warnings(
    shards: Sequence[Shard], prefix: str | None, *, single: bool, followed: bool
) -> list[str]:
    warnings: list[str] = []
    for shard in shards:
        room = shard.headroom
        if not shard.units and followed:
            warnings.append(
                f"{_stack(shard.index, prefix)} holds no unit now: its stack deploys without "
                "them (their resources are deleted); the shard keeps its number so that "
                "later shards keep theirs"
            )
        elif room.over_soft and not single:
            warnings.append(
                f"{_stack(shard.index, prefix)} holds {room.resources:,} resources and "
                f"{room.template_bytes:,} template bytes, above the shard limits of "
                f"{room.limits.max_resources:,} and {room.limits.max_template_bytes:,}: new "
                "units go to other shards, but its units have little room to grow before "
                f"CloudFormation's {STACK_RESOURCES_MAX} and {TEMPLATE_BODY_S3_MAX:,}"
            )
        elif room.over_soft:
            warnings.append(
                f"{_stack(shard.index, prefix)} is one stack of {room.resources:,} resources "
                f"and {room.template_bytes:,} template bytes, above the shard limits of "
                f"{room.limits.max_resources:,} and {room.limits.max_template_bytes:,} "
                "(kept as one stack: CloudFormation takes it); new units go to a new shard"
            )
    return warnings


def _moves_warning(moves: Sequence[Move], prefix: str | None) -> str:
    shown = ", ".join(f"{cut(m.unit)} {m.from_shard}->{m.to_shard}" for m in moves[:5]) + (
        f" and {len(moves) - 5:,} more" if len(moves) > 5 else ""
    )
    first = shard_name(prefix, 0) if prefix else "shard 0"
    return (
        f"re-plan moves {len(moves):,} unit(s) to another shard ({shown}): each moved "
        "resource is deleted from its old stack and created in the new one (alarm history "
        "restarts); a retained, named log group stays behind and blocks the new stack's "
        "deploy until it is deleted or imported into it. Deploy all stacks together "
        f"(cdk deploy --all, {first} first)"
    )
