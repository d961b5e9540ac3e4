"""Amazon Managed Grafana: the workspace and its role, dashboards as code, ``grafana push``.

The dashboards and the provisioning client load without aws-cdk-lib (the
``obs-blueprint`` command uses them); :class:`GrafanaWorkspace` and
:class:`GrafanaSaml` are imported on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from observability_blueprint.grafana.dashboards import (
    DASHBOARD_TAG,
    GrafanaNames,
    PrometheusQueries,
    overview_dashboard,
    service_dashboards,
)
from observability_blueprint.grafana.provisioning import (
    GrafanaApi,
    GrafanaApiError,
    PrometheusSource,
    PushResult,
    provision,
    push,
)

if TYPE_CHECKING:
    from observability_blueprint.grafana.grafana_workspace import GrafanaSaml, GrafanaWorkspace

_CONSTRUCTS = {"GrafanaSaml", "GrafanaWorkspace"}

__all__ = [
    "DASHBOARD_TAG",
    "GrafanaApi",
    "GrafanaApiError",
    "GrafanaNames",
    "GrafanaSaml",
    "GrafanaWorkspace",
    "PrometheusQueries",
    "PrometheusSource",
    "PushResult",
    "overview_dashboard",
    "provision",
    "push",
    "service_dashboards",
]


def __getattr__(name: str) -> Any:
    if name not in _CONSTRUCTS:
        raise AttributeError(f"module 'observability_blueprint.grafana' has no attribute {name!r}")
    value = getattr(import_module("observability_blueprint.grafana.grafana_workspace"), name)
    globals()[name] = value
    return value
