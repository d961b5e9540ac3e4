"""Log groups kept safe by default, their metric filters, and metrics from structured logs."""

from observability_blueprint.logs.log_storage import (
    LogStorage,
    storage_problems,
    with_retention,
)
from observability_blueprint.logs.managed_log_group import DataProtectionSettings, ManagedLogGroup
from observability_blueprint.logs.structured_log_metrics import StructuredLogMetrics

__all__ = [
    "DataProtectionSettings",
    "LogStorage",
    "ManagedLogGroup",
    "StructuredLogMetrics",
    "storage_problems",
    "with_retention",
]
