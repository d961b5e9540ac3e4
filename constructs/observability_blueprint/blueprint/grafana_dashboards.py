"""The Grafana dashboards of a blueprint file, as ``obs-blueprint grafana push`` pushes them.

The same plan that draws the CloudWatch dashboards (:mod:`.dashboard_plan`), one
Grafana dashboard per service plus the overviews, with a Prometheus row from the
series the shipped Prometheus rules record. No aws_cdk: the command line loads it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import yaml

from observability_blueprint.blueprint.dashboard_plan import (
    console_home,
    plan_dashboards,
    service_sections,
)
from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.config.dashboards import Dashboards
from observability_blueprint.grafana.dashboards import (
    GrafanaNames,
    PrometheusQueries,
    overview_dashboard,
    service_dashboards,
)
from observability_blueprint.rules.prometheus_rules import default_service_rules


def reads_prometheus(config: Blueprint) -> bool:
    """Whether the file has a Prometheus workspace its Grafana workspace may read."""
    if config.prometheus is None:
        return False
    sources = config.grafana.data_sources if config.grafana is not None else None
    return sources is None or "PROMETHEUS" in sources


def grafana_dashboards(
    config: Blueprint, *, region: str, prometheus: bool = True
) -> list[dict[str, Any]]:
    """Return the Grafana dashboards of a blueprint file, as ``grafana push`` pushes them.

    One dashboard per service (when ``dashboards.services`` is on), then the
    dashboard plan's other dashboards (the alarm and host overviews) whole.
    With ``prometheus`` and the file's shipped Prometheus rules on, each
    service's dashboard gets a Prometheus row (:func:`prometheus_queries`).
    ``region`` makes the console links absolute.
    """
    settings = config.dashboards or Dashboards()
    names = GrafanaNames(config.prefix)
    home = console_home(region)
    dashboards: list[dict[str, Any]] = []
    if settings.services:
        sections = service_sections(config, settings, region=region)
        dashboards += service_dashboards(
            dict(zip(config.service_names(), sections, strict=True)),
            names=names,
            start=settings.start,
            prometheus=prometheus_queries(config) if prometheus else None,
            console_home=home,
        )
    dashboards += [
        overview_dashboard(plan, names=names, console_home=home)
        for plan in plan_dashboards(config, region=region)
        if plan.key != "services" and not plan.key.startswith("services-") and not plan.variables
    ]
    return dashboards


def prometheus_queries(config: Blueprint) -> dict[str, PrometheusQueries]:
    """Return each service's Prometheus panels, from the series the shipped rules record.

    Empty without a ``prometheus:`` section or with its shipped rules off
    (``prometheus.rules.defaults: false``): the series would not exist. Each
    query selects the service by ``prometheus.rules.service_label``, as the
    recording rules keep only that label (and ``quantile``).
    """
    section = config.prometheus
    if section is None or not section.rules.defaults:
        return {}
    return {
        service: service_queries(service, service_label=section.rules.service_label)
        for service in config.service_names()
    }


def service_queries(service: str, *, service_label: str = "job") -> PrometheusQueries:
    """Return the PromQL of one service's Prometheus row, read from its shipped rules.

    The rules are :func:`observability_blueprint.rules.prometheus_rules.default_service_rules`
    as the blueprint deploys them; their recorded series are named
    ``<label>:http_server_requests:rate5m`` (requests per second),
    ``<label>:http_server_request_errors:ratio_rate5m`` (the 5xx share) and
    ``<label>:http_server_request_duration_seconds:histogram_quantile_rate5m``
    with a ``quantile`` label (latency, in seconds).
    """
    document = yaml.safe_load(default_service_rules(service, service_label=service_label))
    recorded = [rule for group in document["groups"] for rule in group["rules"] if "record" in rule]
    selector = f"{service_label}={json.dumps(service, ensure_ascii=False)}"
    request_rate = error_ratio = None
    latency: list[tuple[str, str]] = []
    for rule in recorded:
        name = str(rule["record"])
        middle = name.split(":")[1] if name.count(":") == 2 else ""
        quantile = (rule.get("labels") or {}).get("quantile")
        if quantile is not None:
            legend = f"p{(Decimal(str(quantile)) * 100).normalize():f}"
            latency.append((legend, f'{name}{{{selector},quantile="{quantile}"}}'))
        elif middle == "http_server_requests":
            request_rate = f"{name}{{{selector}}}"
        elif middle == "http_server_request_errors":
            error_ratio = f"{name}{{{selector}}}"
    if request_rate is None or error_ratio is None or not latency:
        # The shipped rules no longer record what the panels read: a bug here, not the file's.
        raise AssertionError(f"unexpected shipped rules: {[r['record'] for r in recorded]}")
    return PrometheusQueries(
        request_rate=request_rate, error_ratio=error_ratio, latency=tuple(latency)
    )
