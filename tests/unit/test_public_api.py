"""The public API: one import path, everything a construct's arguments need."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from constructs import Construct

import observability_blueprint
from support import ROOT

PACKAGE = Path(observability_blueprint.__file__).resolve().parent
AREAS = sorted(
    p.name
    for p in PACKAGE.iterdir()
    if (p / "__init__.py").exists() and p.name not in {"rules", "config", "core", "cli"}
)
"""Every folder that holds constructs (the areas and blueprint/)."""


def _area_modules() -> list[ModuleType]:
    found = []
    for area in AREAS:
        package = importlib.import_module(f"observability_blueprint.{area}")
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                found.append(importlib.import_module(f"{package.__name__}.{info.name}"))
    return found


def _exported() -> dict[str, Any]:
    return {
        name: getattr(observability_blueprint, name) for name in observability_blueprint.__all__
    }


def test_all_is_sorted_unique_and_resolves() -> None:
    names = observability_blueprint.__all__
    assert names == sorted(set(names))
    assert set(_exported()) == set(names)
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        _ = observability_blueprint.Nope  # type: ignore[attr-defined]


def test_every_public_construct_is_exported() -> None:
    exported = set(observability_blueprint.__all__)
    missing = sorted(
        f"{module.__name__}.{name}"
        for module in _area_modules()
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and value.__module__ == module.__name__
        and issubclass(value, Construct)
        and not name.startswith("_")
        and name not in exported
    )
    assert missing == []


def _package_types(annotation: Any) -> set[type]:
    found: set[type] = set()
    stack = [annotation]
    while stack:
        item = stack.pop()
        if inspect.isclass(item) and item.__module__.startswith("observability_blueprint"):
            found.add(item)
        stack.extend(typing.get_args(item))
    return found


def test_every_argument_type_of_an_exported_construct_is_exported() -> None:
    exported = set(observability_blueprint.__all__)
    missing = set()
    for name, value in _exported().items():
        if inspect.isclass(value) and issubclass(value, Construct):
            for annotation in typing.get_type_hints(value.__init__).values():
                missing |= {f"{name}: {t.__name__}" for t in _package_types(annotation)} - {
                    f"{name}: {e}" for e in exported
                }
    assert sorted(missing) == []


def test_readme_python_imports_only_the_package() -> None:
    """The README shows users the one import path; submodules are not API."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README has Python examples"
    deep = [
        line
        for block in blocks
        for line in block.splitlines()
        if re.match(r"\s*(from|import) observability_blueprint\.", line)
    ]
    assert deep == []
