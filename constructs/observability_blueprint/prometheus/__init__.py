"""Amazon Managed Service for Prometheus: workspace, rules, alert manager, scraper, ADOT."""

from observability_blueprint.prometheus.adot_collector import AdotCollector
from observability_blueprint.prometheus.adot_eks_collector import AdotEksCollector
from observability_blueprint.prometheus.otel_enrichment import OTelEnrichment
from observability_blueprint.prometheus.prometheus_rules import PrometheusRules
from observability_blueprint.prometheus.prometheus_scraper import PrometheusScraper
from observability_blueprint.prometheus.prometheus_workspace import (
    IPrometheusWorkspace,
    PrometheusWorkspace,
)
from observability_blueprint.rules.scrape_config import AuthenticationMode, ScrapeJob

__all__ = [
    "AdotCollector",
    "AdotEksCollector",
    "AuthenticationMode",
    "IPrometheusWorkspace",
    "OTelEnrichment",
    "PrometheusRules",
    "PrometheusScraper",
    "PrometheusWorkspace",
    "ScrapeJob",
]
