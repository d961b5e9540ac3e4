"""A blueprint of 1,000 services placed into stacks, then changed: limits and stability.

One synthesis of N = 1,000 (each service a log group, an error filter and an alarm:
3,000 resources and more) is shared by the tests; one more synthesizes the same file
with a service added at the end and one removed from the middle, following the lock
the first one wrote. Stability is shown by logical ids per stack, read from the
templates: nothing that exists changes stack.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from observability_blueprint import Blueprint, build
from observability_blueprint.blueprint.stacks import synthesize, write_locks
from support import new_app, write_service_blueprint

N = 1_000
SOFT_RESOURCES = 450
SOFT_BYTES = 800_000
REMOVED = "svc500"
ADDED = "svc1000"


def _synthesize(path: Path, outdir: Path) -> dict[str, dict[str, Any]]:
    app = new_app(outdir, **{"aws:cdk:enable-path-metadata": True})
    stacks = build(app, Blueprint.from_yaml(path), lock_file=path.with_name("shop.shards.json"))
    synthesize(app)
    write_locks(stacks)  # as app.py does after a synthesis
    return {
        s.stack_name: {
            "template": json.loads((outdir / f"{s.artifact_id}.template.json").read_text()),
            "bytes": (outdir / f"{s.artifact_id}.template.json").stat().st_size,
        }
        for s in stacks
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("scale")
    path = write_service_blueprint(root / "shop.yaml", N)
    before = _synthesize(path, root / "before")
    lock_before = json.loads((root / "shop.shards.json").read_text())
    data = json.loads(path.read_text())
    data["log_groups"] = [g for g in data["log_groups"] if g["name"] != REMOVED]
    data["alarms"] = [a for a in data["alarms"] if a["name"] != f"{REMOVED}-errors"]
    write_service_blueprint(root / "added.yaml", N + 1)
    added = json.loads((root / "added.yaml").read_text())
    data["log_groups"].append(added["log_groups"][-1])
    data["alarms"].append(added["alarms"][-1])
    path.write_text(json.dumps(data))
    after = _synthesize(path, root / "after")
    lock_after = json.loads((root / "shop.shards.json").read_text())
    return {"before": before, "after": after, "locks": (lock_before, lock_after)}


def _ids(template: dict[str, Any]) -> dict[str, str]:
    """Logical id -> construct path, CDK's own resource aside."""
    return {
        lid: r["Metadata"]["aws:cdk:path"]
        for lid, r in template["Resources"].items()
        if r["Type"] != "AWS::CDK::Metadata"
    }


def test_no_stack_holds_more_than_450_resources_or_800_kb(runs: dict[str, Any]) -> None:
    sizes = {
        name: (len(stack["template"]["Resources"]), stack["bytes"])
        for name, stack in runs["before"].items()
    }
    assert len(sizes) > 1
    assert {
        name: size
        for name, size in sizes.items()
        if size[0] > SOFT_RESOURCES or size[1] > SOFT_BYTES
    } == {}
    # Every resource of the file is placed: three per service, the key, topic and more.
    assert sum(count for count, _ in sizes.values()) > 3 * N


def test_stacks_are_named_after_the_first_in_order(runs: dict[str, Any]) -> None:
    names = list(runs["before"])
    assert names[0] == "shop-dev-observability"
    assert names[1:] == [f"shop-dev-observability-{i}" for i in range(2, len(names) + 1)]


def test_adding_and_removing_a_service_moves_nothing(runs: dict[str, Any]) -> None:
    before = {name: _ids(s["template"]) for name, s in runs["before"].items()}
    after = {name: _ids(s["template"]) for name, s in runs["after"].items()}
    assert list(after) == list(before)  # no stack added or gone
    where_before = {lid: name for name, ids in before.items() for lid in ids}
    where_after = {lid: name for name, ids in after.items() for lid in ids}
    kept = where_before.keys() & where_after.keys()
    assert {lid for lid in kept if where_before[lid] != where_after[lid]} == set()
    gone_ids = where_before.keys() - where_after.keys()
    new_ids = where_after.keys() - where_before.keys()
    # Exactly the removed service's resources leave (its log group, filter and alarm),
    # from one stack; exactly the added one's arrive, in the last stack.
    assert {_service_of(before[where_before[lid]][lid]) for lid in gone_ids} == {REMOVED}
    assert {_service_of(after[where_after[lid]][lid]) for lid in new_ids} == {ADDED}
    assert len(gone_ids) == len(new_ids) == 3
    gone = {where_before[lid] for lid in gone_ids}
    new = {where_after[lid] for lid in new_ids}
    assert len(gone) == 1
    assert new == {list(after)[-1]}
    changed = {name for name in before if set(before[name]) != set(after[name])}
    assert changed == gone | new


def _service_of(path: str) -> str:
    """``svc500`` of ``.../Services/svc500/...`` or ``.../Alarms/svc500-errors/...``."""
    parts = path.split("/")
    if "Services" in parts:
        return parts[parts.index("Services") + 1]
    return parts[parts.index("Alarms") + 1].removesuffix("-errors")


def test_the_lock_records_every_unit_once_and_keeps_their_places(runs: dict[str, Any]) -> None:
    lock_before, lock_after = runs["locks"]
    units = [u for shard in lock_before["shards"] for u in shard]
    assert len(units) == len(set(units))
    assert {f"service:svc{i}" for i in range(N)} <= set(units)
    place_before = {u: i for i, shard in enumerate(lock_before["shards"]) for u in shard}
    place_after = {u: i for i, shard in enumerate(lock_after["shards"]) for u in shard}
    assert {u for u in place_after if u in place_before and place_after[u] != place_before[u]} == (
        set()
    )
    assert f"service:{REMOVED}" not in place_after
    assert place_after[f"service:{ADDED}"] == len(lock_after["shards"]) - 1
