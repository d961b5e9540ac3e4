"""The file's ``prometheus:`` and ``grafana:`` sections, built under ``Prometheus`` and ``Grafana``.

The workspace (alias ``<name>-<stage>`` unless the file names one), a rule groups
namespace per service for the shipped rules and one per rule file, the managed
scraper, ADOT collectors on fleets and EKS clusters, and the Grafana workspace
that reads it all. Stack outputs name the workspaces, so ``obs-blueprint grafana
push`` finds them in the deployed stack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aws_cdk import CfnOutput, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.config.grafana import Grafana
from observability_blueprint.config.prometheus import Prometheus
from observability_blueprint.grafana import GrafanaSaml, GrafanaWorkspace
from observability_blueprint.hosts import HostIdentity
from observability_blueprint.prometheus import (
    AdotCollector,
    AdotEksCollector,
    OTelEnrichment,
    PrometheusRules,
    PrometheusScraper,
    PrometheusWorkspace,
)
from observability_blueprint.rules.prices import COST_METADATA
from observability_blueprint.rules.prometheus_rules import default_service_rules
from observability_blueprint.rules.ssm_schedules import AssociationTarget

GRAFANA_WORKSPACE_OUTPUT = "GrafanaWorkspaceId"
"""The stack output holding the Grafana workspace's id (``grafana push`` reads it)."""
PROMETHEUS_ENDPOINT_OUTPUT = "PrometheusEndpoint"
"""The stack output holding the Prometheus workspace's endpoint (its query URL base)."""
PROMETHEUS_REMOTE_WRITE_OUTPUT = "PrometheusRemoteWriteUrl"
"""The stack output holding the remote-write URL (``AdotEksCollector.manifest`` needs it)."""


@dataclass
class BuiltPrometheus:
    """What :func:`build_prometheus` created."""

    workspace: PrometheusWorkspace
    rules: dict[str, PrometheusRules] = field(default_factory=dict)
    """Rule groups namespaces, by name (``<service>`` for the shipped ones)."""
    scraper: PrometheusScraper | None = None
    collectors: dict[str, AdotCollector] = field(default_factory=dict)
    """ADOT collectors on fleets, by fleet name."""
    eks_collectors: dict[str, AdotEksCollector] = field(default_factory=dict)
    """ADOT collectors on EKS clusters, by cluster name."""
    otel_enrichment: OTelEnrichment | None = None


def build_prometheus(
    scope: Construct,
    section: Prometheus,
    *,
    prefix: str,
    services: Sequence[str],
    topics: Mapping[str, sns.ITopic],
    encryption_key: kms.IKey | None,
    topic_key: kms.IKey | None,
    fleet_targets: Mapping[str, Sequence[AssociationTarget]],
    host_identity: HostIdentity | None,
    eks_clusters: Mapping[str, str | None],
) -> BuiltPrometheus:
    """Build the ``prometheus:`` section under ``scope/Prometheus``.

    ``encryption_key`` encrypts the workspace and its log group (None: AWS-owned
    keys); ``topic_key`` is the key of the blueprint's topics (the alert manager
    publishes with it). ``fleet_targets`` are each fleet's association targets;
    ``host_identity`` the hosts' roles (the collectors on fleets remote-write with them);
    ``eks_clusters`` maps each cluster of ``containers.eks`` to its OIDC provider
    (None: EKS Pod Identity).
    """
    root = Construct(scope, "Prometheus")
    settings = section.workspace
    topic = topics[settings.alert_topic] if settings.alert_topic else None
    workspace = PrometheusWorkspace(
        root,
        "Workspace",
        alias=settings.alias or prefix,
        alert_topic=topic,
        alert_topic_key=topic_key if topic is not None else None,
        retention_days=settings.log_retention_days,
        encryption_key=encryption_key,
        removal_policy=RemovalPolicy.RETAIN,
    )
    workspace.resource.add_metadata(
        COST_METADATA,
        {
            "active_series": section.usage.active_series,
            "scrape_interval_seconds": section.usage.scrape_interval_seconds,
        },
    )
    built = BuiltPrometheus(workspace)
    _output(
        scope,
        PROMETHEUS_ENDPOINT_OUTPUT,
        value=workspace.prometheus_endpoint,
        description="The Prometheus workspace's endpoint (Grafana's data source URL)",
    )
    _output(
        scope,
        PROMETHEUS_REMOTE_WRITE_OUTPUT,
        value=workspace.remote_write_url,
        description="Where collectors remote-write (AdotEksCollector.manifest takes it)",
    )
    rules = Construct(root, "Rules")
    if section.rules.defaults:
        for service in services:
            built.rules[service] = PrometheusRules(
                rules,
                service,
                workspace=workspace,
                name=service,
                rules=default_service_rules(
                    service,
                    service_label=section.rules.service_label,
                    error_ratio_threshold=section.rules.error_ratio_threshold,
                    p99_latency_seconds=section.rules.p99_latency_seconds,
                ),
                source=f"the shipped rules of {service}",
            )
    for index, rule_file in enumerate(section.rules.files):
        built.rules[rule_file.name] = PrometheusRules(
            rules,
            f"File{rule_file.name}",
            workspace=workspace,
            name=rule_file.name,
            rules=rule_file.text,
            source=rule_file.source(f"prometheus.rules.files[{index}]"),
        )
    if section.scraper is not None:
        scraper = section.scraper
        built.scraper = PrometheusScraper(
            root,
            "Scraper",
            workspace=workspace,
            cluster_arn=scraper.cluster_arn,
            subnet_ids=scraper.subnet_ids,
            security_group_ids=scraper.security_group_ids,
            authentication_mode=scraper.authentication_mode,
            endpoint_private_access=scraper.endpoint_private_access,
            jobs=section.jobs(scraper.jobs),
            alias=f"{prefix}-scraper",
        )
    if section.otel_enrichment:
        built.otel_enrichment = OTelEnrichment(root, "OTelEnrichment")
    adot = section.adot
    if adot is not None:
        jobs = section.jobs(adot.jobs)
        roles = host_identity.roles if host_identity is not None else []
        for fleet in adot.fleets:
            collector = AdotCollector(
                root,
                f"Adot{fleet}",
                workspace=workspace,
                host_role=roles[0],
                targets=fleet_targets[fleet],
                jobs=jobs,
                association_name=f"{prefix}-{fleet}-adot",
            )
            for other in roles[1:]:
                workspace.grant_remote_write(other)
            built.collectors[fleet] = collector
        for eks in adot.eks_clusters():
            built.eks_collectors[eks.cluster] = AdotEksCollector(
                root,
                f"AdotEks{eks.cluster}",
                workspace=workspace,
                cluster_name=eks.cluster,
                jobs=jobs,
                oidc_provider_arn=eks_clusters[eks.cluster],
                install_addon=eks.install_addon,
                addon_version=eks.addon_version,
            )
    return built


def build_grafana(
    scope: Construct,
    section: Grafana,
    *,
    prefix: str,
    topics: Mapping[str, sns.ITopic],
    prometheus: BuiltPrometheus | None,
    log_groups: Sequence[logs.ILogGroup],
) -> GrafanaWorkspace:
    """Build the ``grafana:`` section under ``scope/Grafana``, with its id as a stack output.

    The workspace's role may run Logs Insights queries on ``log_groups`` only: the
    blueprint's, which its dashboards read.
    """
    saml = section.saml
    workspace = GrafanaWorkspace(
        scope,
        "Grafana",
        workspace_name=prefix,
        grafana_version=section.version,
        authentication=section.authentication,
        saml=(
            GrafanaSaml(
                role_attribute=saml.role_attribute,
                admin_role_values=saml.admin_role_values,
                editor_role_values=saml.editor_role_values,
                idp_metadata_url=saml.idp_metadata_url,
                idp_metadata_xml=saml.idp_metadata_xml,
                email_attribute=saml.email_attribute,
                login_attribute=saml.login_attribute,
                name_attribute=saml.name_attribute,
                login_validity_minutes=saml.login_validity_minutes,
            )
            if saml is not None
            else None
        ),
        data_sources=section.data_sources,
        prometheus_workspace_arns=(
            [prometheus.workspace.workspace_arn] if prometheus is not None else []
        ),
        notification_topics=[topics[name] for name in section.notify],
        log_groups=log_groups,
    )
    workspace.workspace.add_metadata(
        COST_METADATA, {"editors": section.users.editors, "viewers": section.users.viewers}
    )
    _output(
        scope,
        GRAFANA_WORKSPACE_OUTPUT,
        value=workspace.workspace_id,
        description="obs-blueprint grafana push pushes the dashboards into this workspace",
    )
    return workspace


def _output(scope: Construct, name: str, *, value: str, description: str) -> CfnOutput:
    """A stack output named ``name`` exactly (not CDK's path-and-hash logical id), so
    ``aws cloudformation describe-stacks`` and ``obs-blueprint`` read it by that name."""
    output = CfnOutput(scope, name, value=value, description=description)
    output.override_logical_id(name)
    return output
