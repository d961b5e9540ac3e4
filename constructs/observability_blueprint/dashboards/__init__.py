"""CloudWatch dashboards laid out from a planned grid."""

from observability_blueprint.dashboards.blueprint_dashboard import BlueprintDashboard

__all__ = ["BlueprintDashboard"]
