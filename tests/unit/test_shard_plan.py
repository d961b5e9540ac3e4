"""Stable shard placement (rules/shard_plan.py) and its lock file (config/shard_lock.py).

The large cases use N = 1,000 services of 5 to 30 resources made from a fixed seed;
what a shard may hold is added up here from the units themselves, never taken from
the planner.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from observability_blueprint.config.shard_lock import (
    lock_path,
    parse_lock,
    read_lock,
    render_lock,
    write_lock,
)
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.shard_plan import (
    CORE_UNIT,
    Limits,
    Lock,
    Move,
    Placement,
    Unit,
    plan,
    shard_name,
)

SOFT = Limits()
CORE = Unit(CORE_UNIT, 4, 6_000, "notifications")


def _units(n: int = 1_000, seed: int = 16) -> list[Unit]:
    rng = random.Random(seed)
    units = [CORE]
    for i in range(n):
        resources = rng.randint(5, 30)
        units.append(
            Unit(
                f"service:svc-{i:04d}",
                resources,
                resources * rng.randint(1_200, 2_000),
                f"services[{i}]",
            )
        )
    return units


def _placed(units: list[Unit], **kwargs: object) -> Placement:
    found = plan(units, **kwargs)  # type: ignore[arg-type]
    assert isinstance(found, Placement), found
    return found


def _refused(units: list[Unit], **kwargs: object) -> list[Problem]:
    found = plan(units, **kwargs)  # type: ignore[arg-type]
    assert isinstance(found, list), found
    return found


@pytest.fixture(scope="module")
def big() -> tuple[list[Unit], Placement]:
    units = _units()
    return units, _placed(units, lock=None, limits=SOFT, prefix="shop-dev")


def _totals(units: list[Unit], ids: tuple[str, ...]) -> tuple[int, int]:
    by_id = {u.id: u for u in units}
    return sum(by_id[u].resources for u in ids), sum(by_id[u].template_bytes for u in ids)


# --- no lock ------------------------------------------------------------------------------


def test_a_large_blueprint_fills_shards_in_file_order_up_to_the_soft_limits(
    big: tuple[list[Unit], Placement],
) -> None:
    units, placement = big
    assert len(placement.shards) > 30
    assert [u for s in placement.shards for u in s.units] == [u.id for u in units]
    assert placement.shard_of(CORE_UNIT) == 0
    for index, shard in enumerate(placement.shards):
        resources, template_bytes = _totals(units, shard.units)
        assert resources <= 450
        assert template_bytes <= 800_000
        assert (shard.headroom.resources, shard.headroom.template_bytes) == (
            resources,
            template_bytes,
        )
        assert shard.headroom.resources_left == 450 - resources
        if index:
            # Filled: the shard's first unit would not have fitted in the one before.
            before = _totals(units, placement.shards[index - 1].units)
            first = _totals(units, shard.units[:1])
            assert before[0] + first[0] > 450 or before[1] + first[1] > 800_000
    assert placement.warnings == ()
    assert placement.moves == ()


def test_a_blueprint_of_480_resources_stays_the_one_stack_it_is_today() -> None:
    units = [CORE, *(Unit(f"service:s{i}", 17, 20_000) for i in range(28))]  # 4 + 476
    placement = _placed(units, lock=None, limits=SOFT, prefix="shop-dev")
    assert [s.units for s in placement.shards] == [tuple(u.id for u in units)]
    assert placement.shards[0].name("shop-dev") == "shop-dev-observability"
    assert placement.warnings == (
        "shard 0 (shop-dev-observability) is one stack of 480 resources and 566,000 template "
        "bytes, above the shard limits of 450 and 800,000 (kept as one stack: CloudFormation "
        "takes it); new units go to a new shard",
    )


def test_one_resource_over_cloudformations_limit_splits_with_core_in_shard_0() -> None:
    units = [
        Unit("service:a", 200, 1_000),
        Unit("service:b", 200, 1_000),
        CORE,
        Unit("service:c", 97, 1_000),
    ]  # 501 resources
    placement = _placed(units, lock=None, limits=SOFT)
    assert [s.units for s in placement.shards] == [
        (CORE_UNIT, "service:a", "service:b"),
        ("service:c",),
    ]


def test_shard_names_keep_todays_stack_first() -> None:
    assert [shard_name("shop-dev", i) for i in range(3)] == [
        "shop-dev-observability",
        "shop-dev-observability-2",
        "shop-dev-observability-3",
    ]


def test_the_template_byte_limit_splits_too() -> None:
    units = [Unit("service:a", 10, 500_000), Unit("service:b", 10, 600_000)]  # 1.1 MB
    placement = _placed(units, lock=None, limits=SOFT)
    assert [s.units for s in placement.shards] == [("service:a",), ("service:b",)]


# --- with a lock --------------------------------------------------------------------------


def test_adding_one_service_changes_one_shard_and_moves_nothing(
    big: tuple[list[Unit], Placement],
) -> None:
    units, first = big
    lock = first.lock()
    last = len(lock.shards) - 1
    resources, template_bytes = _totals(units, lock.shards[last])
    assert resources < 450
    assert template_bytes < 799_000
    new = Unit("service:new", 1, 1_000, "services[500]")
    # In the middle of the file: file order does not move anything either.
    after = _placed([*units[:501], new, *units[501:]], lock=lock, limits=SOFT)
    before_map = first.unit_shards()
    after_map = after.unit_shards()
    assert {u: after_map[u] for u in before_map} == before_map
    assert [s.units for s in after.shards] == [
        (*ids, "service:new") if i == last else ids for i, ids in enumerate(lock.shards)
    ]


def test_a_service_that_does_not_fit_the_last_shard_opens_a_new_one(
    big: tuple[list[Unit], Placement],
) -> None:
    units, first = big
    lock = first.lock()
    last = len(lock.shards) - 1
    resources, _ = _totals(units, lock.shards[last])
    new = Unit("service:big", 450 - resources + 1, 1_000)
    after = _placed([*units, new], lock=lock, limits=SOFT, prefix="shop-dev")
    assert [s.units for s in after.shards[: last + 1]] == list(lock.shards)
    assert after.shards[last + 1].units == ("service:big",)
    assert after.shards[last + 1].name("shop-dev") == f"shop-dev-observability-{last + 2}"


def test_removing_a_service_empties_its_place_and_moves_nothing(
    big: tuple[list[Unit], Placement],
) -> None:
    units, first = big
    lock = first.lock()
    gone = "service:svc-0500"
    home = first.shard_of(gone)
    after = _placed([u for u in units if u.id != gone], lock=lock, limits=SOFT)
    expected = {u: s for u, s in first.unit_shards().items() if u != gone}
    assert after.unit_shards() == expected
    assert [s.units for s in after.shards] == [
        tuple(u for u in ids if u != gone) if i == home else ids
        for i, ids in enumerate(lock.shards)
    ]


def test_a_shard_whose_services_are_all_gone_stays_empty_with_its_number() -> None:
    lock = Lock(SOFT, ((CORE_UNIT, "service:a"), ("service:b",), ("service:c",)))
    units = [CORE, Unit("service:a", 10, 1), Unit("service:c", 10, 1)]
    after = _placed(units, lock=lock, limits=SOFT, prefix="shop-dev")
    assert [s.units for s in after.shards] == [(CORE_UNIT, "service:a"), (), ("service:c",)]
    assert after.warnings == (
        "shard 1 (shop-dev-observability-2) holds no unit now: its stack deploys without them "
        "(their resources are deleted); the shard keeps its number so that later shards keep "
        "theirs",
    )


def test_changing_the_soft_limits_with_a_lock_moves_nothing(
    big: tuple[list[Unit], Placement],
) -> None:
    units, first = big
    tighter = Limits(300, 500_000)
    after = _placed(units, lock=first.lock(), limits=tighter, prefix="shop-dev")
    assert after.unit_shards() == first.unit_shards()
    assert after.lock().limits == tighter
    over = [i for i, shard in enumerate(first.shards) if _totals(units, shard.units)[0] > 300]
    assert over
    assert len(after.warnings) >= len(over)
    assert after.warnings[0].startswith(f"shard {over[0]} (shop-dev-observability")
    assert "above the shard limits of 300 and 500,000" in after.warnings[0]


def test_a_new_core_goes_to_shard_0() -> None:
    lock = Lock(SOFT, (("service:a",), ("service:b",)))
    units = [Unit("service:a", 10, 1), Unit("service:b", 10, 1), CORE]
    after = _placed(units, lock=lock, limits=SOFT)
    assert [s.units for s in after.shards] == [(CORE_UNIT, "service:a"), ("service:b",)]


def test_shared_resource_alarms_go_to_shard_0_after_core() -> None:
    """Health alarms in every shard combine them, so they live where the key and topics do."""
    shared = Unit("area:shared_resource_alarms", 3, 4_000, "services")
    lock = Lock(SOFT, ((CORE_UNIT, "service:a"), ("service:b",)))
    units = [CORE, Unit("service:a", 10, 1), Unit("service:b", 10, 1), shared]
    after = _placed(units, lock=lock, limits=SOFT)
    assert [s.units for s in after.shards] == [
        (CORE_UNIT, "area:shared_resource_alarms", "service:a"),
        ("service:b",),
    ]


def test_a_fresh_plan_puts_shared_resource_alarms_in_shard_0(
    big: tuple[list[Unit], Placement],
) -> None:
    units = [*big[0], Unit("area:shared_resource_alarms", 3, 4_000, "services")]
    placed = _placed(units, lock=None, limits=SOFT)
    assert placed.shards[0].units[:3] == (
        CORE_UNIT,
        "area:shared_resource_alarms",
        "service:svc-0000",
    )


def test_a_service_grown_over_cloudformations_limit_is_refused_with_the_way_out(
    big: tuple[list[Unit], Placement],
) -> None:
    units, first = big
    shard = first.shard_of("service:svc-0100")
    resources, template_bytes = _totals(units, first.shards[shard].units)
    index = next(i for i, u in enumerate(units) if u.id == "service:svc-0100")
    grown_by = 500 - resources + 1
    grown = replace(units[index], resources=units[index].resources + grown_by)
    problems = _refused(
        [*units[:index], grown, *units[index + 1 :]],
        lock=first.lock(),
        limits=SOFT,
        prefix="shop-dev",
    )
    assert problems == [
        Problem(
            "services[100]",
            f"shard {shard} (shop-dev-observability-{shard + 1}) holds 501 resources and "
            f"{template_bytes:,} template bytes with its units as they are now; CloudFormation "
            "takes at most 500 resources and 1,000,000 bytes per stack. Its largest unit is "
            f"service:svc-0100 ({grown.resources:,} resources, {grown.template_bytes:,} bytes); "
            "the lock file keeps units where they are: make the shard's units smaller, or "
            "re-plan with `cdk synth -c replan=true` (moves units: each moved resource is "
            "replaced)",
        )
    ]


# --- re-plan ------------------------------------------------------------------------------


def test_replan_makes_a_fresh_plan_and_reports_the_moves() -> None:
    units = [
        CORE,
        Unit("service:a", 200, 1_000),
        Unit("service:b", 200, 1_000),
        Unit("service:c", 200, 1_000),
    ]
    lock = Lock(SOFT, ((CORE_UNIT, "service:a", "service:b"), ("service:c",)))
    after = _placed(units, lock=lock, limits=Limits(250, 800_000), replan=True, prefix="shop-dev")
    assert [s.units for s in after.shards] == [
        (CORE_UNIT, "service:a"),
        ("service:b",),
        ("service:c",),
    ]
    assert after.moves == (Move("service:b", 0, 1), Move("service:c", 1, 2))
    assert after.warnings == (
        "re-plan moves 2 unit(s) to another shard (service:b 0->1, service:c 1->2): each moved "
        "resource is deleted from its old stack and created in the new one (alarm history "
        "restarts); a retained, named log group stays behind and blocks the new stack's deploy "
        "until it is deleted or imported into it. Deploy all stacks together (cdk deploy --all, "
        "shop-dev-observability first)",
    )


def test_replan_without_changes_moves_nothing(big: tuple[list[Unit], Placement]) -> None:
    units, first = big
    after = _placed(units, lock=first.lock(), limits=SOFT, replan=True)
    assert after.moves == ()
    assert after.unit_shards() == first.unit_shards()


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        (
            Limits(max_resources=501),
            Problem(
                "sharding.max_resources",
                "501 is above CloudFormation's 500 resources per stack: use a whole number "
                "from 1 to 500 (default 450, which leaves room for units to grow in place)",
            ),
        ),
        (
            Limits(max_template_bytes=1_048_576),
            Problem(
                "sharding.max_template_bytes",
                "1,048,576 is above CloudFormation's 1,000,000 template bytes per stack (from "
                "S3): use a whole number from 1 to 1,000,000 (default 800,000, which leaves "
                "room for units to grow in place)",
            ),
        ),
        (
            Limits(max_resources=0),
            Problem(
                "sharding.max_resources",
                "0 holds nothing: use a whole number from 1 to 500 (default 450)",
            ),
        ),
    ],
)
def test_shard_limits_above_cloudformations_are_refused(limits: Limits, expected: Problem) -> None:
    assert _refused([CORE], lock=None, limits=limits) == [expected]


def test_the_hard_limits_themselves_are_accepted() -> None:
    assert _placed([CORE], lock=None, limits=Limits(500, 1_000_000)).shards[0].units == (CORE_UNIT,)


def test_an_area_larger_than_any_stack_is_refused_with_its_own_advice() -> None:
    units = [CORE, Unit("area:tracing", 10, 1_000_001, "tracing")]
    assert _refused(units, lock=None, limits=SOFT) == [
        Problem(
            "tracing",
            "area:tracing alone is 10 resources and 1,000,001 template bytes; CloudFormation "
            "takes at most 500 resources and 1,000,000 bytes per stack and a unit is never "
            "split: split the section across several blueprint files (one per team or "
            "service group)",
        )
    ]


def test_a_unit_larger_than_any_stack_is_refused() -> None:
    units = [CORE, Unit("service:huge", 501, 10, "services[0]")]
    assert _refused(units, lock=None, limits=SOFT) == [
        Problem(
            "services[0]",
            "service:huge alone is 501 resources and 10 template bytes; CloudFormation takes "
            "at most 500 resources and 1,000,000 bytes per stack and a unit is never split: "
            "split the service (give some of its log groups another `service:`, or list some "
            "of its resources under another service)",
        )
    ]


def test_two_units_with_one_id_are_refused() -> None:
    units = [Unit("service:a", 1, 1, "services[0]"), Unit("service:a", 1, 1, "services[3]")]
    assert _refused(units, lock=None, limits=SOFT) == [
        Problem(
            "services[3]",
            "unit id 'service:a' is also services[0]'s: each unit needs its own id (the lock "
            "file places units by id)",
        )
    ]


# --- the lock file ------------------------------------------------------------------------

LOCK_TEXT = """\
{
  "limits": {
    "max_resources": 450,
    "max_template_bytes": 800000
  },
  "shards": [
    [
      "area:core",
      "service:checkout"
    ],
    [
      "service:search"
    ]
  ],
  "version": 1
}
"""


def test_the_lock_file_is_written_beside_the_blueprint_in_a_stable_form(tmp_path: Path) -> None:
    lock = Lock(SOFT, ((CORE_UNIT, "service:checkout"), ("service:search",)))
    path = lock_path(tmp_path / "shop.yaml")
    assert path == tmp_path / "shop.shards.json"
    assert render_lock(lock) == LOCK_TEXT
    assert write_lock(path, lock) is True
    assert path.read_text(encoding="utf-8") == LOCK_TEXT
    assert write_lock(path, lock) is False
    assert read_lock(path) == lock


def test_a_big_placement_round_trips_through_its_lock_file(
    tmp_path: Path, big: tuple[list[Unit], Placement]
) -> None:
    units, first = big
    path = tmp_path / "shop.shards.json"
    write_lock(path, first.lock())
    again = _placed(units, lock=read_lock(path), limits=SOFT)
    assert again.unit_shards() == first.unit_shards()


def test_no_lock_file_yet_is_no_lock(tmp_path: Path) -> None:
    assert read_lock(tmp_path / "shop.shards.json") is None


def _lock_with(**changes: object) -> str:
    data: dict[str, object] = json.loads(LOCK_TEXT)
    data.update(changes)
    return json.dumps(data)


RESTORE = (
    "restore it from version control (deleting it re-plans every unit, and each unit that "
    "moves has its resources replaced)"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"version": 1, "shards": [',
            Problem("", f"is not valid JSON (line 1, column 27: Expecting value): {RESTORE}"),
        ),
        (
            "[]",
            Problem(
                "",
                f"holds [], not the lock file's object (version, limits, shards): {RESTORE}",
            ),
        ),
        (
            _lock_with(version=2),
            Problem(
                "version",
                "version 2 is not a lock file version this obs-blueprint reads (it reads "
                f"version 1): use the obs-blueprint that wrote it, or {RESTORE}",
            ),
        ),
        (
            _lock_with(version="1"),
            Problem(
                "version",
                'version "1" is not a lock file version this obs-blueprint reads (it reads '
                f"version 1): use the obs-blueprint that wrote it, or {RESTORE}",
            ),
        ),
        (
            '{"limits": {}, "shards": []}',
            Problem(
                "version",
                "no version is not a lock file version this obs-blueprint reads (it reads "
                f"version 1): use the obs-blueprint that wrote it, or {RESTORE}",
            ),
        ),
        (
            _lock_with(shards=[["area:core", "service:a"], ["service:b", "service:a"]]),
            Problem(
                "shards[1][1]",
                "unit 'service:a' is in shards[0][1] too; a unit deploys in one shard: keep "
                "the place its resources are deployed in and delete the other, or " + RESTORE,
            ),
        ),
        (
            _lock_with(shards=[["service:a"], ["area:core"]]),
            Problem(
                "shards[1][0]",
                "area:core (what every shard uses: the key, the topics and the alarms on "
                f"Region-wide metrics) is always in shard 0, not shard 1: {RESTORE}",
            ),
        ),
        (
            _lock_with(shards=[["area:core"], ["area:shared_resource_alarms"]]),
            Problem(
                "shards[1][0]",
                "area:shared_resource_alarms (what every shard uses: the key, the topics and "
                "the alarms on Region-wide metrics) is always in shard 0, not shard 1: "
                f"{RESTORE}",
            ),
        ),
        (
            _lock_with(limits={"max_resources": 600, "max_template_bytes": 800_000}),
            Problem(
                "limits.max_resources",
                "600 is above CloudFormation's 500 resources per stack: use a whole number "
                "from 1 to 500 (default 450, which leaves room for units to grow in place)",
            ),
        ),
        (
            _lock_with(shards=[["area:core", 7]]),
            Problem(
                "shards[0][1]",
                "7 is not allowed: use a list of shards, each a list of unit ids (strings such "
                f"as service:checkout); or {RESTORE}",
            ),
        ),
        (
            _lock_with(units=[]),
            Problem(
                "units",
                "is not a lock file key: the keys are limits, shards, version (limits: "
                f"max_resources, max_template_bytes); {RESTORE}",
            ),
        ),
    ],
)
def test_a_damaged_lock_file_is_refused_with_where_and_how_to_mend_it(
    text: str, expected: Problem
) -> None:
    assert parse_lock(text) == [expected]


def test_reading_a_damaged_lock_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "shop.shards.json"
    path.write_text(_lock_with(version=2), encoding="utf-8")
    with pytest.raises(BlueprintError) as raised:
        read_lock(path)
    assert str(raised.value).startswith(f"{path}: version: version 2 is not a lock file version")


def test_sections_the_topics_policies_name_stay_in_shard_0(
    big: tuple[list[Unit], Placement],
) -> None:
    """A topic policy naming an events rule of a later shard, while that shard reads the
    topic's ARN, would be a cycle: the sections stay with the topics."""
    units = [
        *big[0],
        Unit("area:events", 12, 20_000, "events"),
        Unit("area:hosts", 9, 9_000, "hosts"),
    ]
    placed = _placed(units, lock=None, limits=SOFT)
    assert placed.shards[0].units[:3] == (CORE_UNIT, "area:hosts", "area:events")
    lock = Lock(SOFT, ((CORE_UNIT,), ("service:svc-0000",)))
    followed = _placed(
        [CORE, big[0][1], Unit("area:events", 12, 20_000, "events")], lock=lock, limits=SOFT
    )
    assert followed.shards[0].units == (CORE_UNIT, "area:events")
