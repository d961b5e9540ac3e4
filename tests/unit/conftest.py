"""Fixtures shared by the unit tests of several modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from grafana_stub import StubGrafana, serve_grafana


@pytest.fixture
def grafana() -> Iterator[tuple[StubGrafana, str]]:
    """A stub Grafana on 127.0.0.1 (free port), stopped after the test."""
    with serve_grafana() as served:
        yield served
