"""Fixtures that synthesize the shipped examples once for the whole test run."""

from __future__ import annotations

import pytest

from support import EXAMPLES, Synthesized, synthesize


@pytest.fixture(scope="session")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synthesized]:
    """Both shipped example files, each synthesized once."""
    return {
        name: synthesize(path, tmp_path_factory.mktemp(name.replace("/", "-")))
        for name, path in EXAMPLES.items()
    }


@pytest.fixture(scope="session")
def full(examples: dict[str, Synthesized]) -> Synthesized:
    """examples/full.yaml, synthesized."""
    return examples["examples/full.yaml"]


@pytest.fixture(scope="session")
def small(examples: dict[str, Synthesized]) -> Synthesized:
    """blueprint.yaml, synthesized."""
    return examples["blueprint.yaml"]
