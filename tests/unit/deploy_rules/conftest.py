"""The deploy rules' tests: their helper module on the path, and a fresh app per use."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from aws_cdk import App

from support import new_app

sys.path.insert(0, str(Path(__file__).parent))  # for `import deploy_support`


@pytest.fixture(scope="module")
def make_app(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], App]:
    """Return a function that makes an app with the project's feature flags in a new folder."""
    return lambda: new_app(tmp_path_factory.mktemp("deploy-rules"))
