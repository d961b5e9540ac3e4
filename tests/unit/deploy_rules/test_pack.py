"""The pack: one module per rule, each with its tests, run at synthesis as a plugin."""

from __future__ import annotations

from pathlib import Path

import pytest

from observability_blueprint.deploy_rules import (
    PACK_NAME,
    RULES,
    DeployRulesPack,
    Rule,
    catalog,
    rule,
)
from observability_blueprint.deploy_rules.pack import construct_paths

PACKAGE = Path(catalog.__file__).parent
TESTS = Path(__file__).parent
SHARED = {"__init__", "catalog", "pack", "rule", "template"}
"""The pack's modules that are not rules."""


def _rule_modules() -> list[str]:
    return sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in SHARED)


def test_each_rule_has_a_module_and_each_module_one_rule() -> None:
    modules = _rule_modules()
    assert len(modules) == len(RULES)
    assert sorted(r.check.__module__.rsplit(".", 1)[-1] for r in RULES) == modules


@pytest.mark.parametrize("module", _rule_modules())
def test_each_rule_module_has_its_test_file(module: str) -> None:
    assert (TESTS / f"test_{module}.py").exists()


@pytest.mark.parametrize("checked", RULES, ids=lambda r: r.id)
def test_each_rule_is_named_explained_and_sourced(checked: Rule) -> None:
    assert checked is rule(checked.id)
    assert checked.id.startswith("OBS-")
    assert checked.source.startswith("https://")
    assert checked.info
    assert checked.explanation
    assert checked.level == "error"


def test_an_unknown_rule_id_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="no deploy rule 'OBS-Nope'; the rules are OBS-"):
        rule("OBS-Nope")


def test_the_plugin_names_itself_and_its_rules() -> None:
    pack = DeployRulesPack()
    assert pack.name == PACK_NAME == "ObservabilityBlueprint"
    assert pack.rule_ids == [r.id for r in RULES]


def test_construct_paths_are_empty_without_an_assembly(tmp_path: Path) -> None:
    assert construct_paths(str(tmp_path / "Missing.template.json")) == {}
