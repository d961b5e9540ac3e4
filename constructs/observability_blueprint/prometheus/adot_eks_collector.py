"""The ADOT collector on EKS: the ``adot`` add-on, the collector's role, and its manifest."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

import yaml
from aws_cdk import Stack, Token
from aws_cdk import aws_eks as eks
from aws_cdk import aws_iam as iam
from constructs import Construct

from observability_blueprint.prometheus._adot import CollectorConfig, collector_config
from observability_blueprint.prometheus.prometheus_workspace import IPrometheusWorkspace
from observability_blueprint.rules import containers
from observability_blueprint.rules.errors import BlueprintError, Problem, cut
from observability_blueprint.rules.scrape_config import ScrapeJob
from observability_blueprint.rules.service_principals import (
    POD_IDENTITY_PRINCIPAL,
    pod_identity_conditions,
)

ADDON_NAME: Final = "adot"
"""The EKS add-on that installs the ADOT operator (https://docs.aws.amazon.com/eks/latest/userguide/add-ons-adot.html)."""
COLLECTOR_API_VERSION: Final = "opentelemetry.io/v1alpha1"
"""The ``OpenTelemetryCollector`` version the ADOT add-on guide deploys, with the
configuration as one string (https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/config-amp)."""
DEFAULT_NAMESPACE: Final = "adot-collector"
DEFAULT_SERVICE_ACCOUNT: Final = "adot-collector"
DEFAULT_COLLECTOR_NAME: Final = "adot-collector"
# Kubernetes object names: a DNS-1123 label (namespaces) or subdomain (the others).
_LABEL_RE: Final = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?")
_SUBDOMAIN_RE: Final = re.compile(
    r"(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*"
)
SCRAPE_RBAC_RULES: Final[tuple[dict[str, Any], ...]] = (
    {
        "apiGroups": [""],
        "resources": ["nodes", "nodes/proxy", "services", "endpoints", "pods"],
        "verbs": ["get", "list", "watch"],
    },
    {"apiGroups": ["extensions"], "resources": ["ingresses"], "verbs": ["get", "list", "watch"]},
    {"nonResourceURLs": ["/metrics"], "verbs": ["get"]},
)
"""What the Prometheus receiver reads for service discovery (the ADOT guide's ClusterRole)."""


class AdotEksCollector(Construct):
    """An ADOT collector on an EKS cluster, writing to Managed Prometheus.

    CloudFormation makes the ``adot`` add-on (the ADOT operator; cert-manager
    must be on the cluster first, Linux nodes only) and the collector's IAM
    role, which may ``aps:RemoteWrite`` to ``workspace`` only. The role is
    given to the collector's service account with EKS Pod Identity (an
    association; the cluster needs the Pod Identity Agent) or, with
    ``oidc_provider_arn``, IRSA (its trust names the service account).

    The collector itself is Kubernetes objects, which CloudFormation cannot
    apply to a cluster it does not define. :meth:`manifest` returns them: the
    namespace, the service account, the ``OpenTelemetryCollector`` (Prometheus
    receiver with ``jobs``, batch processor, ``prometheusremotewrite`` with
    ``sigv4auth``) and the ClusterRole and binding its service discovery needs.
    After the deploy, write them to a file and apply it (values the stack knows
    only once deployed are given from its outputs)::

        Path("collector.yaml").write_text(collector.manifest(remote_write_url=url))
        # then: kubectl apply -f collector.yaml

    The add-on's own Prometheus collector cannot take custom scrape jobs (its
    configuration takes resources, service account annotations and on/off
    switches only), which is why the jobs go into the manifest.

    Parameters
    ----------
    workspace
        Where the samples go.
    cluster_name
        The EKS cluster's name.
    jobs
        The scrape jobs.
    oidc_provider_arn
        The cluster's IAM OIDC provider: use IRSA instead of Pod Identity.
    namespace, service_account, collector_name
        Where the collector runs and under which names. Default: ``adot-collector`` each.
    install_addon
        Make the ``adot`` add-on. Default: yes (turn off when the cluster has it).
    addon_version
        Such as ``v0.109.0-eksbuild.2``. Default: the latest for the cluster.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        workspace: IPrometheusWorkspace,
        cluster_name: str,
        jobs: Sequence[ScrapeJob],
        oidc_provider_arn: str | None = None,
        namespace: str = DEFAULT_NAMESPACE,
        service_account: str = DEFAULT_SERVICE_ACCOUNT,
        collector_name: str = DEFAULT_COLLECTOR_NAME,
        install_addon: bool = True,
        addon_version: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        config, found = collector_config(self, workspace, jobs)
        problems = [Problem(f"{at}.{p.location}", p.message) for p in found]
        problems += self._problems(
            cluster_name=cluster_name,
            oidc_provider_arn=oidc_provider_arn,
            namespace=namespace,
            service_account=service_account,
            collector_name=collector_name,
            addon_version=addon_version,
        )
        if problems:
            raise BlueprintError(problems)
        assert config is not None  # no problems
        self._config: CollectorConfig = config
        self.config: str = config.text
        """The collector configuration (YAML; may hold references resolved at deploy time)."""
        self.cluster_name = cluster_name
        self.namespace = namespace
        self.service_account = service_account
        self.collector_name = collector_name
        self.irsa = oidc_provider_arn is not None
        """Whether the role reaches the collector through IRSA (else Pod Identity)."""
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=_service_account_principal(
                self,
                cluster_name=cluster_name,
                namespace=namespace,
                service_account=service_account,
                oidc_provider_arn=oidc_provider_arn,
            ),
            description=(
                f"ADOT collector {namespace}/{service_account} on EKS cluster {cluster_name}"
            ),
        )
        """The collector's role: aps:RemoteWrite on the workspace."""
        workspace.grant_remote_write(self.role)
        self.pod_identity_association: eks.CfnPodIdentityAssociation | None = None
        """The role's association with the service account (Pod Identity only)."""
        if oidc_provider_arn is None:
            self.pod_identity_association = eks.CfnPodIdentityAssociation(
                self,
                "PodIdentityAssociation",
                cluster_name=cluster_name,
                namespace=namespace,
                service_account=service_account,
                role_arn=self.role.role_arn,
            )
        self.addon: eks.CfnAddon | None = None
        """The ``adot`` add-on, when installed here."""
        if install_addon:
            self.addon = eks.CfnAddon(
                self,
                "Addon",
                addon_name=ADDON_NAME,
                cluster_name=cluster_name,
                addon_version=addon_version,
            )

    def manifest(
        self,
        *,
        remote_write_url: str | None = None,
        region: str | None = None,
        role_arn: str | None = None,
    ) -> str:
        """Return the Kubernetes objects of the collector, as YAML for ``kubectl apply``.

        Values this stack knows only once deployed must be given here, from the
        deployed stack: ``remote_write_url`` (the workspace's), ``region`` (of an
        environment-agnostic stack) and, with IRSA, ``role_arn`` (the collector's role).
        """
        at = self.node.path
        missing = [
            Problem(f"{at}.manifest.{name}", f"is known only after the deploy; {why}")
            for name, given, own, why in (
                (
                    "remote_write_url",
                    remote_write_url,
                    self._config.remote_write_url,
                    "give the workspace's remote-write URL (.../workspaces/ws-ID/api/v1/"
                    "remote_write)",
                ),
                ("region", region, self._config.region, "give the stack's Region"),
                (
                    "role_arn",
                    role_arn,
                    self.role.role_arn if self.irsa else "",
                    "give the ARN of the collector's role (its IRSA annotation)",
                ),
            )
            if given is None and Token.is_unresolved(own)
        ]
        if missing:
            raise BlueprintError(missing)
        try:
            config = self._config.with_values(
                remote_write_url=remote_write_url or self._config.remote_write_url,
                region=region or self._config.region,
            )
        except BlueprintError as error:
            raise BlueprintError(
                [Problem(f"{at}.manifest.{p.location}", p.message) for p in error.problems]
            ) from None
        account: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": self.service_account, "namespace": self.namespace},
        }
        if self.irsa:
            account["metadata"]["annotations"] = {
                "eks.amazonaws.com/role-arn": role_arn or self.role.role_arn
            }
        role_name = f"{self.collector_name}-prometheus"
        objects: list[dict[str, Any]] = [
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.namespace}},
            account,
            {
                "apiVersion": COLLECTOR_API_VERSION,
                "kind": "OpenTelemetryCollector",
                "metadata": {"name": self.collector_name, "namespace": self.namespace},
                "spec": {
                    "mode": "deployment",
                    "serviceAccount": self.service_account,
                    "config": config,
                },
            },
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": role_name},
                "rules": [dict(rule) for rule in SCRAPE_RBAC_RULES],
            },
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRoleBinding",
                "metadata": {"name": role_name},
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": role_name,
                },
                "subjects": [
                    {
                        "kind": "ServiceAccount",
                        "name": self.service_account,
                        "namespace": self.namespace,
                    }
                ],
            },
        ]
        return yaml.dump_all(objects, Dumper=_ManifestDumper, sort_keys=False, width=1_000_000)

    def _problems(
        self,
        *,
        cluster_name: str,
        oidc_provider_arn: str | None,
        namespace: str,
        service_account: str,
        collector_name: str,
        addon_version: str | None,
    ) -> list[Problem]:
        at = self.node.path
        problems: list[Problem] = []
        if not Token.is_unresolved(cluster_name) and (
            message := containers.check_eks_cluster_name(cluster_name)
        ):
            problems.append(Problem(f"{at}.cluster_name", message))
        if oidc_provider_arn is not None and (
            message := containers.check_oidc_provider_arn(oidc_provider_arn)
        ):
            problems.append(Problem(f"{at}.oidc_provider_arn", message))
        if addon_version is not None and (message := containers.check_addon_version(addon_version)):
            problems.append(Problem(f"{at}.addon_version", message))
        for argument, value, pattern, what in (
            ("namespace", namespace, _LABEL_RE, "1 to 63 lower-case letters, digits and -"),
            (
                "service_account",
                service_account,
                _SUBDOMAIN_RE,
                "1 to 253 lower-case letters, digits, - and .",
            ),
            (
                "collector_name",
                collector_name,
                _LABEL_RE,
                "1 to 52 lower-case letters, digits and -",
            ),
        ):
            too_long = argument == "collector_name" and len(value) > 52
            if not pattern.fullmatch(value) or too_long:
                problems.append(
                    Problem(
                        f"{at}.{argument}",
                        f"{cut(value)!r} is not a Kubernetes name; use {what}, starting and "
                        "ending with a letter or digit",
                    )
                )
        return problems


class _ManifestDumper(yaml.SafeDumper):
    """Writes text of several lines (the collector's configuration) as a literal block."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ManifestDumper.add_representer(str, _text)


def _service_account_principal(
    scope: Construct,
    *,
    cluster_name: str,
    namespace: str,
    service_account: str,
    oidc_provider_arn: str | None,
) -> iam.IPrincipal:
    """The principal of a role only one service account of one cluster may use."""
    if oidc_provider_arn is None:
        return iam.SessionTagsPrincipal(
            iam.ServicePrincipal(POD_IDENTITY_PRINCIPAL).with_conditions(
                pod_identity_conditions(
                    account=Stack.of(scope).account,
                    cluster_name=cluster_name,
                    namespace=namespace,
                    service_account=service_account,
                )
            )
        )
    issuer = containers.oidc_issuer(oidc_provider_arn)
    return iam.OpenIdConnectPrincipal(
        iam.OpenIdConnectProvider.from_open_id_connect_provider_arn(
            scope, "OidcProvider", oidc_provider_arn
        ),
        conditions={
            "StringEquals": {
                f"{issuer}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                f"{issuer}:aud": "sts.amazonaws.com",
            }
        },
    )
