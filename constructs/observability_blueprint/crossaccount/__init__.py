"""Cross-account observability: an OAM sink and links, organization telemetry and centralization."""

from observability_blueprint.crossaccount.monitoring_sink import MonitoringSink
from observability_blueprint.crossaccount.organization_centralization_rule import (
    OrganizationCentralizationRule,
)
from observability_blueprint.crossaccount.organization_telemetry_rule import (
    OrganizationTelemetryRule,
)
from observability_blueprint.crossaccount.source_link import SourceLink

__all__ = [
    "MonitoringSink",
    "OrganizationCentralizationRule",
    "OrganizationTelemetryRule",
    "SourceLink",
]
