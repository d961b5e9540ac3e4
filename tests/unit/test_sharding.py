"""A blueprint placed into several stacks: the stacks, their references and the lock file.

The placement rules themselves are tested in test_shard_plan.py (pure, N = 1,000);
here the placement becomes stacks. A lock file written by the test puts units in a
second shard, so a small blueprint exercises everything a large one does; the
large one (N = 1,000) is in test_sharding_scale.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from observability_blueprint import Blueprint, BlueprintError, add_compliance_checks, build
from observability_blueprint.blueprint.stacks import placements, synthesize, write_locks
from observability_blueprint.cli.main import validate_file
from observability_blueprint.cli.report import read_assembly, read_shards, record_shards, render
from support import assert_compliant, new_app, write_service_blueprint, write_shard_lock

PREFIX = "shop-dev"


def _file(tmp_path: Path, services: int = 3) -> Path:
    return write_service_blueprint(tmp_path / "shop.yaml", services)


def _lock(tmp_path: Path, shards: list[list[str]]) -> Path:
    return write_shard_lock(tmp_path / "shop.shards.json", shards)


def _synth(path: Path, outdir: Path, *, checks: bool = False, **kwargs: Any) -> dict[str, Any]:
    """Synthesize the file following its lock; return the templates by stack name."""
    app = new_app(outdir, **{"aws:cdk:enable-path-metadata": True})
    lock_file = path.with_name("shop.shards.json")
    stacks = build(app, Blueprint.from_yaml(path), lock_file=lock_file, **kwargs)
    if checks:
        add_compliance_checks(app)
    synthesize(app)
    record_shards(outdir, dict(placements(stacks)))  # as app.py does
    return {
        s.stack_name: json.loads((outdir / f"{s.artifact_id}.template.json").read_text())
        for s in stacks
    }


def _paths(template: dict[str, Any]) -> dict[str, str]:
    """Logical id -> construct path below the stack, for every resource but CDK's own."""
    return {
        lid: r["Metadata"]["aws:cdk:path"].split("/", 1)[1]
        for lid, r in template["Resources"].items()
        if r["Type"] != "AWS::CDK::Metadata"
    }


TWO_SHARDS = [
    ["area:core", "service:svc0", "alarm:svc0-errors", "dashboard:services"],
    ["service:svc1", "alarm:svc1-errors", "service:svc2", "alarm:svc2-errors", "dashboard:alarms"],
]


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The three-service file in one stack (no lock) and in two (a lock), synthesized."""
    root = tmp_path_factory.mktemp("two")
    path = _file(root)
    one = _synth(path, root / "one")
    _lock(root, TWO_SHARDS)
    sharded = _synth(path, root / "sharded", checks=True)
    return {"root": root, "one": one, "sharded": sharded}


def test_a_lock_places_units_in_a_second_stack_named_after_the_first(two: dict[str, Any]) -> None:
    assert list(two["one"]) == [f"{PREFIX}-observability"]
    assert sorted(two["sharded"]) == [f"{PREFIX}-observability", f"{PREFIX}-observability-2"]
    second = _paths(two["sharded"][f"{PREFIX}-observability-2"])
    assert sorted({p.split("/")[1] + "/" + p.split("/")[2] for p in second.values()}) == [
        "Alarms/svc1-errors",
        "Alarms/svc2-errors",
        "Dashboards/alarms",
        "Services/svc1",
        "Services/svc2",
    ]


def test_every_resource_keeps_its_logical_id_in_whichever_stack_holds_it(
    two: dict[str, Any],
) -> None:
    """Moving nothing is the point: a unit's resources have the logical ids they have in
    one stack, so a blueprint that grows into shards keeps what it deployed."""
    one = _paths(two["one"][f"{PREFIX}-observability"])
    sharded: dict[str, str] = {}
    for template in two["sharded"].values():
        sharded.update(_paths(template))
    assert sharded == one


def test_the_second_stack_reads_the_key_and_topic_weakly_without_exports(
    two: dict[str, Any],
) -> None:
    first = two["sharded"][f"{PREFIX}-observability"]
    second = json.dumps(two["sharded"][f"{PREFIX}-observability-2"])
    assert "Fn::ImportValue" not in second
    assert all("Export" not in o for o in first.get("Outputs", {}).values())
    reads = {
        (ref["StackName"], ref["OutputName"])
        for ref in _find(two["sharded"][f"{PREFIX}-observability-2"], "Fn::GetStackOutput")
    }
    assert {name for name, _ in reads} == {f"{PREFIX}-observability"}
    assert {output for _, output in reads} <= set(first["Outputs"])
    # The key (for the log groups) and the topic (for the alarms): one output each.
    assert len(reads) == 2


def _find(value: Any, key: str) -> list[Any]:
    if isinstance(value, dict):
        return ([value[key]] if key in value else []) + [
            f for v in value.values() for f in _find(v, key)
        ]
    if isinstance(value, list):
        return [f for v in value for f in _find(v, key)]
    return []


def test_sharded_stacks_pass_cdk_nag_and_cfn_lint(two: dict[str, Any]) -> None:
    assert_compliant(two["root"] / "sharded")


def test_the_second_stack_deploys_after_the_first(two: dict[str, Any]) -> None:
    manifest = json.loads((two["root"] / "sharded" / "manifest.json").read_text())
    artifact = manifest["artifacts"][f"{PREFIX}-observability-2"]
    assert f"{PREFIX}-observability" in artifact["dependencies"]
    assert f"{PREFIX}-observability-2" not in manifest["artifacts"][f"{PREFIX}-observability"].get(
        "dependencies", []
    )


def test_a_shard_whose_units_are_all_gone_keeps_a_placeholder(tmp_path: Path) -> None:
    """CloudFormation refuses a template without resources: the emptied shard keeps one
    that creates nothing, so deploying it deletes what it held, and later shards keep
    their names."""
    path = _file(tmp_path, services=1)
    kept = ["area:core", "service:svc0", "alarm:svc0-errors"]
    _lock(tmp_path, [[*kept, "dashboard:services", "dashboard:alarms"], ["service:gone"], []])
    templates = _synth(path, tmp_path / "out")
    assert sorted(templates) == [
        f"{PREFIX}-observability",
        f"{PREFIX}-observability-2",
        f"{PREFIX}-observability-3",
    ]
    for name in (f"{PREFIX}-observability-2", f"{PREFIX}-observability-3"):
        assert {
            lid: r["Type"]
            for lid, r in templates[name]["Resources"].items()
            if r["Type"] != "AWS::CDK::Metadata"
        } == {"EmptyShard": "AWS::CloudFormation::WaitConditionHandle"}


def test_synthesis_writes_the_lock_and_a_second_one_changes_nothing(tmp_path: Path) -> None:
    path = _file(tmp_path, services=2)
    app = new_app(tmp_path / "out")
    stacks = build(app, Blueprint.from_yaml(path), lock_file=tmp_path / "shop.shards.json")
    synthesize(app)
    assert write_locks(stacks) == [tmp_path / "shop.shards.json"]
    assert json.loads((tmp_path / "shop.shards.json").read_text()) == {
        "limits": {"max_resources": 450, "max_template_bytes": 800_000},
        "shards": [
            [
                "area:core",
                "service:svc0",
                "alarm:svc0-errors",
                "service:svc1",
                "alarm:svc1-errors",
                "dashboard:services",
                "dashboard:alarms",
            ]
        ],
        "version": 1,
    }
    assert list(placements(stacks)) == [f"{PREFIX}-observability"]
    again = new_app(tmp_path / "again")
    stacks = build(again, Blueprint.from_yaml(path), lock_file=tmp_path / "shop.shards.json")
    assert write_locks(stacks) == []


def test_validate_follows_the_lock_and_refuses_a_damaged_one(tmp_path: Path) -> None:
    path = _file(tmp_path, services=1)
    (tmp_path / "shop.shards.json").write_text('{"version": 2, "shards": [], "limits": {}}')
    with pytest.raises(BlueprintError) as caught:
        validate_file(path, compliance_checks=False)
    assert str(caught.value).startswith(
        f"{tmp_path / 'shop.shards.json'}: version: version 2 is not a lock file"
    )
    assert not (tmp_path / "out").exists()


def test_a_shard_limit_above_cloudformations_is_refused_at_its_place(tmp_path: Path) -> None:
    path = _file(tmp_path, services=1)
    data = json.loads(path.read_text())
    data["sharding"] = {"max_resources": 501}
    path.write_text(json.dumps(data))
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_yaml(path)
    assert [str(p) for p in caught.value.problems] == [
        "sharding.max_resources: 501 is above CloudFormation's 500 resources per stack: use a "
        "whole number from 1 to 500 (default 450, which leaves room for units to grow in place)"
    ]


def test_the_report_lists_each_shard_with_its_headroom(two: dict[str, Any]) -> None:
    outdir = two["root"] / "sharded"
    first = two["sharded"][f"{PREFIX}-observability"]
    second = two["sharded"][f"{PREFIX}-observability-2"]
    text = render(read_assembly(outdir), shards=read_shards(outdir))
    sizes = {
        name: (
            len(t["Resources"]),
            (outdir / f"{name}.template.json").stat().st_size,
        )
        for name, t in ((f"{PREFIX}-observability", first), (f"{PREFIX}-observability-2", second))
    }
    lines = [
        "Shards of shop-dev-observability (filled to 450 resources and 800,000 template bytes; "
        "CloudFormation's limits 500 and 1,000,000)",
        *(
            f"  {name}: {units} unit(s), {count} resources ({450 - count} left), "
            f"{size:,} bytes ({800_000 - size:,} left)"
            for (name, (count, size)), units in zip(sizes.items(), (4, 5), strict=True)
        ),
    ]
    assert "\n".join(lines) in text


def test_stacks_that_would_refer_to_each_other_both_ways_are_refused(tmp_path: Path) -> None:
    """A composite in the first stack naming an alarm of the second, which uses the
    first stack's key and topic: neither could deploy first."""
    path = _file(tmp_path, services=2)
    data = json.loads(path.read_text())
    data["alarms"].append(
        {"name": "both", "type": "composite", "rule": "ALARM(svc0-errors) OR ALARM(svc1-errors)"}
    )
    path.write_text(json.dumps(data))
    first = ["area:core", "service:svc0", "alarm:svc0-errors", "alarm:both"]
    _lock(tmp_path, [[*first, "dashboard:services", "dashboard:alarms"], ["service:svc1"]])
    with pytest.raises(BlueprintError) as caught:
        _synth(path, tmp_path / "out")
    message = str(caught.value)
    assert message.startswith(
        f"DependencyCycle: '{PREFIX}-observability' depends on '{PREFIX}-observability-2' "
        f"(alarms named by {PREFIX}-observability/Blueprint/Alarms/bothChildren)."
    )
    assert message.endswith(
        "Re-plan with `cdk synth -c replan=true` (moves units: each moved resource is "
        "replaced), or name the alarm from the later stack's units"
    )
