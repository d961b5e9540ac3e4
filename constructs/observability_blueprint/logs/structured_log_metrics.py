"""Service metrics and a failed-request query from a service's JSON logs."""

from __future__ import annotations

from dataclasses import replace

from aws_cdk import aws_logs as logs
from constructs import Construct

from observability_blueprint.logs.managed_log_group import ManagedLogGroup
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.structured_logs import (
    DEFAULT_ERROR_LEVELS,
    StructuredLogFields,
    failed_requests_query,
    field_problems,
    structured_log_filters,
)


class StructuredLogMetrics(Construct):
    """Error, latency, 5xx, 4xx and response-size metrics from JSON logs.

    Adds five metric filters to the log group, each with the service (read from
    the events) as dimension, and a saved Logs Insights query listing recent
    failed requests with their request id and trace id.

    The filters have a dimension, so they cannot have a default value: minutes
    without matching events have no data point, and alarms on these metrics
    must treat missing data as not breaching.

    Parameters
    ----------
    log_group
        The log group the service writes to.
    namespace
        Metric namespace of the five metrics.
    fields
        JSON field names. Default: Powertools for AWS Lambda's names plus
        ``latency_ms``, ``status_code``, ``response_bytes``, ``request_id``.
    error_levels
        Level values that count as errors. Default: ERROR, CRITICAL.
    filter_name_prefix
        Physical filter names are ``<prefix>-<filter>``. Default: generated names.
    query_name
        Name of the saved query (``/`` makes folders).
        Default: ``<construct path>/failed-requests``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        log_group: ManagedLogGroup,
        namespace: str,
        fields: StructuredLogFields | None = None,
        error_levels: tuple[str, ...] = DEFAULT_ERROR_LEVELS,
        filter_name_prefix: str | None = None,
        query_name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        names = fields or StructuredLogFields()
        problems = field_problems(names, error_levels)
        if problems:
            raise BlueprintError(
                [Problem(f"{self.node.path}.{p.location}", p.message) for p in problems]
            )
        self.metric_filters: dict[str, logs.MetricFilter] = {}
        """The five filters, by name: errors, latency, status-5xx, status-4xx, response-bytes."""
        for spec in structured_log_filters(
            namespace=namespace, fields=names, error_levels=error_levels
        ):
            if filter_name_prefix:
                spec = replace(spec, filter_name=f"{filter_name_prefix}-{spec.name}")
            self.metric_filters[spec.name] = log_group.add_metric_filter(spec)
        query = failed_requests_query(names, error_levels)
        self.failed_requests = logs.QueryDefinition(
            self,
            "FailedRequests",
            query_definition_name=query_name or f"{self.node.path}/failed-requests",
            query_string=logs.QueryString(
                fields=list(query.fields),
                filter_statements=[query.filter],
                sort=query.sort,
                limit=query.limit,
            ),
            log_groups=[log_group.log_group],
        )
        """Saved Logs Insights query: recent failed requests with request and trace ids."""
