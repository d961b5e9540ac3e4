"""Service metrics and a failed-request query from a service's JSON logs."""

from __future__ import annotations

from dataclasses import replace

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_logs as logs
from constructs import Construct

from observability_blueprint.logs.managed_log_group import ManagedLogGroup
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.metric_filters import MetricFilterSpec, metric_filter_problems
from observability_blueprint.rules.structured_logs import (
    DEFAULT_ERROR_LEVELS,
    SERVICE_DIMENSION,
    StructuredLogFields,
    failed_requests_query,
    field_problems,
    structured_log_filters,
)

DEFAULT_PERIOD = Duration.minutes(5)
"""Period of the metrics the ``metric_*`` methods return."""


class StructuredLogMetrics(Construct):
    """Error, latency, 5xx, 4xx and response-size metrics from JSON logs.

    Adds five metric filters to the log group, each with the service (read from
    the events) as dimension, and a saved Logs Insights query listing recent
    failed requests with their request id and trace id.

    The filters have a dimension, so they cannot have a default value: minutes
    without matching events have no data point, and alarms on these metrics
    must treat missing data as not breaching.

    On a log group with a transformer (``ManagedLogGroup.add_transformer``, added
    before this construct) the filters match the transformed events, so lines
    that are not JSON (``key=value``, access logs) count once the transformer
    gives them these fields; latency, status and bytes must then be numbers, as
    in JSON (parsers give text: add a ``TypeConverter``). The filters' examples
    are JSON events, what the filters see after the transformer, so they are
    matched as they are.

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

    The ``metric_*`` methods return the five metrics of one service (the value of
    its service field), for alarms and graphs.
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
        self._check(names, error_levels, namespace, filter_name_prefix)
        self.namespace = namespace
        """The namespace of the five metrics."""
        self.metric_filters: dict[str, logs.MetricFilter] = {}
        """The five filters, by name: errors, latency, status-5xx, status-4xx, response-bytes."""
        for spec in self._specs(names, error_levels, namespace, filter_name_prefix):
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

    @staticmethod
    def _specs(
        fields: StructuredLogFields,
        error_levels: tuple[str, ...],
        namespace: str,
        filter_name_prefix: str | None,
    ) -> list[MetricFilterSpec]:
        specs = structured_log_filters(
            namespace=namespace, fields=fields, error_levels=error_levels
        )
        if filter_name_prefix:
            specs = [replace(s, filter_name=f"{filter_name_prefix}-{s.name}") for s in specs]
        # The examples are JSON events: on a transformed log group, what the filters see.
        return [
            s if s.examples is None else replace(s, examples=replace(s.examples, transformed=True))
            for s in specs
        ]

    def _check(
        self,
        fields: StructuredLogFields,
        error_levels: tuple[str, ...],
        namespace: str,
        filter_name_prefix: str | None,
    ) -> None:
        """Every problem at once: the fields, and the namespace and prefix of the filters."""
        at = self.node.path
        problems = [
            Problem(f"{at}.{p.location}", p.message) for p in field_problems(fields, error_levels)
        ]
        # The namespace and prefix are checked on the filters they make; with the
        # default fields when the given ones are wrong, so one pass finds all.
        valid_fields = fields if not problems else StructuredLogFields()
        own = {"namespace": "namespace", "filter_name": "filter_name_prefix"}
        for spec in self._specs(valid_fields, DEFAULT_ERROR_LEVELS, namespace, filter_name_prefix):
            for p in metric_filter_problems(spec):
                where = (
                    f"{at}.{own[p.location]}"
                    if p.location in own
                    else f"{at}/{spec.name}.{p.location}"
                )
                if all(where != q.location for q in problems):
                    problems.append(Problem(where, p.message))
        if problems:
            raise BlueprintError(problems)

    def _metric(
        self, metric_name: str, service: str, statistic: str, period: Duration
    ) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace=self.namespace,
            metric_name=metric_name,
            dimensions_map={SERVICE_DIMENSION: service},
            statistic=statistic,
            period=period,
        )

    def metric_errors(
        self, service: str, *, statistic: str = "Sum", period: Duration = DEFAULT_PERIOD
    ) -> cloudwatch.Metric:
        """Error-level events of ``service`` (the value of the service field)."""
        return self._metric("Errors", service, statistic, period)

    def metric_latency(
        self, service: str, *, statistic: str = "p99", period: Duration = DEFAULT_PERIOD
    ) -> cloudwatch.Metric:
        """Request latency of ``service`` in milliseconds. Default statistic: p99."""
        return self._metric("Latency", service, statistic, period)

    def metric_server_errors(
        self, service: str, *, statistic: str = "Sum", period: Duration = DEFAULT_PERIOD
    ) -> cloudwatch.Metric:
        """Responses of ``service`` with a 5xx status."""
        return self._metric("ServerErrors", service, statistic, period)

    def metric_client_errors(
        self, service: str, *, statistic: str = "Sum", period: Duration = DEFAULT_PERIOD
    ) -> cloudwatch.Metric:
        """Responses of ``service`` with a 4xx status."""
        return self._metric("ClientErrors", service, statistic, period)

    def metric_response_bytes(
        self, service: str, *, statistic: str = "Sum", period: Duration = DEFAULT_PERIOD
    ) -> cloudwatch.Metric:
        """Bytes ``service`` sent in responses."""
        return self._metric("ResponseBytes", service, statistic, period)
