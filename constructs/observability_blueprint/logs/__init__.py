"""Log groups kept safe by default, their metric filters, and metrics from structured logs."""

from observability_blueprint.logs.anomaly_detection import LogAnomalyDetection
from observability_blueprint.logs.contributor_insights import (
    ContributorInsights,
    new_insight_rule,
)
from observability_blueprint.logs.field_indexes import AccountFieldIndexPolicy, FieldIndexes
from observability_blueprint.logs.log_alarm import LogInsightsAlarm
from observability_blueprint.logs.log_storage import (
    LogStorage,
    storage_problems,
    with_retention,
)
from observability_blueprint.logs.managed_log_group import DataProtectionSettings, ManagedLogGroup
from observability_blueprint.logs.saved_queries import SavedQueries
from observability_blueprint.logs.scheduled_query import ScheduledLogQuery
from observability_blueprint.logs.structured_log_metrics import StructuredLogMetrics
from observability_blueprint.logs.transformer import LogTransformer

__all__ = [
    "AccountFieldIndexPolicy",
    "ContributorInsights",
    "DataProtectionSettings",
    "FieldIndexes",
    "LogAnomalyDetection",
    "LogInsightsAlarm",
    "LogStorage",
    "LogTransformer",
    "ManagedLogGroup",
    "SavedQueries",
    "ScheduledLogQuery",
    "StructuredLogMetrics",
    "new_insight_rule",
    "storage_problems",
    "with_retention",
]
