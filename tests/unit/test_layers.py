"""The package's floors, checked from the code itself: no hand-kept module lists.

rules/ is pure; config/ reads the file with rules/ only; the construct areas
never see the config model; blueprint/ composes; cli/ is the face. Each rule
below walks the package folder, so a new module is checked the day it lands.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import observability_blueprint

PACKAGE = Path(observability_blueprint.__file__).resolve().parent
NAME = "observability_blueprint"
AREAS = (
    "security",
    "notifications",
    "logs",
    "alarms",
    "dashboards",
    "audit",
    "hosts",
    "network",
    "containers",
    "events",
    "deploy_rules",
    "tracing",
    "grafana",
    "prometheus",
    "monitors",
    "crossaccount",
)
FLOORS = ("rules", "config", "core", *AREAS, "blueprint", "cli")
"""Every folder of the package; a new folder must be placed on a floor here."""
ALLOWED: dict[str, set[str]] = {
    "rules": {"rules"},
    "config": {"rules", "config"},
    "core": {"rules", "core"},
    **{area: {"rules", "core", *AREAS} for area in AREAS},
    "blueprint": {"rules", "config", "core", *AREAS, "blueprint"},
    "cli": {"rules", "config", "core", *AREAS, "blueprint", "cli"},
}
"""Which folders a module in each folder may import from (its own and those below)."""


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((NAME, *parts))] = path
    return found


MODULES = _modules()


def _type_only(tree: ast.AST) -> set[int]:
    """The ids of the import nodes under ``if TYPE_CHECKING:`` (never executed)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
            (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
            or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
        ):
            found.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
    return found


def _imports(module: str, *, at_run_time: bool = False) -> Iterator[str]:
    """Yield every module of the package that ``module`` imports, at any depth of its code
    (``at_run_time``: leaving out the imports only a type checker reads)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_only(tree) if at_run_time else set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                ).strip(".")
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != module and target.startswith(f"{NAME}."):
                yield target


def _floor(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def test_every_folder_is_on_a_floor() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(FLOORS), "place the new folder in FLOORS and ALLOWED"
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == {"__init__"}, "modules live in a floor's folder, not beside __init__.py"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _floor(m)))
def test_imports_go_down_or_sideways(module: str) -> None:
    floor = _floor(module)
    wrong = sorted(t for t in _imports(module) if _floor(t) not in ALLOWED[floor] | {""})
    assert wrong == [], f"{floor}/ may import only {sorted(ALLOWED[floor])}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _floor(m) in AREAS))
def test_areas_use_each_other_only_through_public_names(module: str) -> None:
    floor = _floor(module)
    reaching = sorted(
        t
        for t in _imports(module)
        if _floor(t) in AREAS and _floor(t) != floor and t != f"{NAME}.{_floor(t)}"
    )
    assert reaching == [], "import another area's names from its package, not its modules"


def test_the_import_graph_has_no_cycle() -> None:
    # Imports under `if TYPE_CHECKING:` never run, so they cannot make a cycle.
    graph = {module: set(_imports(module, at_run_time=True)) - {NAME} for module in MODULES}
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        path.append(module)
        for target in sorted(graph[module]):
            visit(target)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_the_folders_import_each_other_without_a_cycle() -> None:
    edges = {
        (_floor(m), _floor(t))
        for m in MODULES
        for t in _imports(m)
        if _floor(m) and _floor(t) and _floor(m) != _floor(t)
    }
    backwards = sorted((a, b) for a, b in edges if (b, a) in edges)
    assert backwards == []


_BLOCKER = """
import importlib.abc, sys
BLOCKED = {blocked!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{{name}} is blocked on this floor")
        return None
sys.meta_path.insert(0, Block())
import importlib
for module in {modules!r}:
    importlib.import_module(module)
print("ok")
"""


def _import_with_blocked(modules: list[str], blocked: set[str]) -> subprocess.CompletedProcess[str]:
    code = _BLOCKER.format(blocked=sorted(blocked), modules=modules)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_rules_import_with_aws_cdk_pydantic_and_yaml_blocked() -> None:
    rules = sorted(m for m in MODULES if _floor(m) == "rules")
    result = _import_with_blocked(rules, {"aws_cdk", "jsii", "constructs", "pydantic", "yaml"})
    assert result.stdout.strip() == "ok", result.stderr[-2000:]


def test_config_and_the_command_line_load_without_aws_cdk() -> None:
    """The file's checks and the `obs-blueprint` command start without jsii and Node."""
    fast = sorted(m for m in MODULES if _floor(m) in {"config", "cli"})
    result = _import_with_blocked(fast, {"aws_cdk", "jsii", "constructs"})
    assert result.stdout.strip() == "ok", result.stderr[-2000:]


def test_the_blocker_blocks() -> None:
    """The two tests above would notice: an area module fails with aws_cdk blocked."""
    result = _import_with_blocked([f"{NAME}.logs.managed_log_group"], {"aws_cdk"})
    assert "aws_cdk is blocked on this floor" in result.stderr
