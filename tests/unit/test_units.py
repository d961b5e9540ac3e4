"""The units of a blueprint and their estimated sizes, against a synthesis of each example."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from observability_blueprint import Blueprint, build
from observability_blueprint.blueprint.units import unit_paths, units_of
from observability_blueprint.rules.shard_plan import Unit
from support import EXAMPLES, new_app

BYTES_TOLERANCE = 0.15


def _bytes(logical_id: str, resource: dict[str, Any]) -> int:
    """Bytes the resource takes in the template file (indented by one, two levels deep)."""
    text = json.dumps({logical_id: resource}, indent=1)
    return len(text) + 2 * text.count("\n")


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[Unit], Any]]:
    """Each example synthesized once, with path metadata (as `cdk synth` writes it)."""
    out: dict[str, tuple[list[Unit], Any]] = {}
    for name, path in EXAMPLES.items():
        outdir: Path = tmp_path_factory.mktemp("units")
        config = Blueprint.from_yaml(path)
        app = new_app(outdir, **{"aws:cdk:enable-path-metadata": True})
        stack = build(app, config)[0]
        app.synth()
        template = json.loads((outdir / f"{stack.artifact_id}.template.json").read_text())
        out[name] = (units_of(config), template)
    return out


def _actual(template: dict[str, Any], unit_id: str) -> tuple[int, int]:
    prefixes = tuple(f"{p}/" for p in unit_paths(unit_id))
    found = [
        (lid, r)
        for lid, r in template["Resources"].items()
        if r["Metadata"]["aws:cdk:path"].split("/", 1)[1].startswith(prefixes)
    ]
    return len(found), sum(_bytes(lid, r) for lid, r in found)


def test_unit_ids_core_services_in_order_then_areas() -> None:
    config = Blueprint.from_yaml(EXAMPLES["examples/full.yaml"])
    assert [u.id for u in units_of(config)] == [
        "area:core",
        "service:checkout",
        "service:edge",
        "service:web",
        "service:batch",
        "area:alarms",
        "area:network",
        "area:containers",
        "area:shared_resource_alarms",
        "area:dashboards",
    ]


def test_unit_paths() -> None:
    assert unit_paths("service:checkout") == ("Blueprint/Services/checkout",)
    assert unit_paths("area:alarms") == ("Blueprint/Alarms",)
    assert unit_paths("area:shared_resource_alarms") == ("SharedResourceAlarms",)


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_resource_estimates_are_exact(
    synthesized: dict[str, tuple[list[Unit], Any]], example: str
) -> None:
    units, template = synthesized[example]
    estimated = {u.id: u.resources for u in units}
    actual = {u.id: _actual(template, u.id)[0] for u in units}
    assert estimated == actual


@pytest.mark.xfail(
    reason="per-type byte averages miss tags and large policies: core, alarms, checkout and "
    "batch are 15-25% off (see the I16-UNITS report)",
    strict=True,
)
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_byte_estimates_are_within_15_percent(
    synthesized: dict[str, tuple[list[Unit], Any]], example: str
) -> None:
    units, template = synthesized[example]
    off = {}
    for unit in units:
        actual = _actual(template, unit.id)[1]
        if abs(unit.template_bytes - actual) > BYTES_TOLERANCE * actual:
            off[unit.id] = (unit.template_bytes, actual)
    assert off == {}


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_units_cover_every_resource_of_the_stack(
    synthesized: dict[str, tuple[list[Unit], Any]], example: str
) -> None:
    """Resources no unit holds yet, by top-level construct (the areas still to estimate)."""
    units, template = synthesized[example]
    prefixes = tuple(f"{p}/" for u in units for p in unit_paths(u.id))
    left = Counter(
        "/".join(r["Metadata"]["aws:cdk:path"].split("/")[1:3])
        for r in template["Resources"].values()
        if not r["Metadata"]["aws:cdk:path"].split("/", 1)[1].startswith(prefixes)
    )
    expected = {
        "blueprint.yaml": {
            "Blueprint/Hosts",
            "Blueprint/Audit",
            "Blueprint/Events",
            "Blueprint/Tracing",
        },
        "examples/full.yaml": {
            "Blueprint/Hosts",
            "Blueprint/Audit",
            "Blueprint/Events",
            "Blueprint/Tracing",
            "Blueprint/Prometheus",
            "Blueprint/Grafana",
            "Blueprint/CrossAccount",
        },
    }[example]
    assert set(left) == expected
