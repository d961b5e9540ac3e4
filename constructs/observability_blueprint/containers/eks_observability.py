"""Container Insights on an EKS cluster: the observability add-on, its role, its log groups."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Unpack

from aws_cdk import Acknowledgment, Stack, Token, Validations
from aws_cdk import aws_eks as eks
from aws_cdk import aws_iam as iam
from constructs import Construct

from observability_blueprint.logs import LogStorage, ManagedLogGroup, storage_problems
from observability_blueprint.rules import containers as rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.log_groups import check_retention
from observability_blueprint.rules.service_principals import (
    POD_IDENTITY_PRINCIPAL,
    pod_identity_conditions,
)

ADDON_NAME = "amazon-cloudwatch-observability"
"""The EKS add-on that runs the CloudWatch agent and Fluent Bit as DaemonSets."""
POD_IDENTITY_AGENT_ADDON = "eks-pod-identity-agent"
AGENT_POLICY = "CloudWatchAgentServerPolicy"
APPLICATION_SIGNALS_POLICY = "AWSXrayWriteOnlyAccess"

_LOG_GROUP_IDS = {
    "application": "Application",
    "host": "Host",
    "dataplane": "Dataplane",
    "performance": "Performance",
}


class EksObservability(Construct):
    """The ``amazon-cloudwatch-observability`` add-on on an EKS cluster, by name.

    Creates the four Container Insights log groups with retention
    (``/aws/containerinsights/<cluster>/{application,host,dataplane,performance}``,
    names fixed by the service) and then the add-on, which depends on them: the
    agent and Fluent Bit would otherwise create them first, without retention,
    and this stack would fail on the names. The agent's IAM role (the managed
    policies the CloudWatch user guide names) is given to the add-on's
    ``cloudwatch-agent`` service account in ``amazon-cloudwatch`` through EKS
    Pod Identity by default (add-on v3.1.0 or later), or through IRSA when an
    OIDC provider ARN is given.

    Pod Identity needs the EKS Pod Identity Agent on the cluster (EKS Auto Mode
    has it built in); ``pod_identity_agent=True`` installs it as an add-on.

    Log groups that exist already (an earlier install of the add-on) stop the
    deploy on their names; adopt them with ``cdk deploy --import-existing-resources``.

    Parameters
    ----------
    cluster_name
        The EKS cluster's name.
    oidc_provider_arn
        The cluster's IAM OIDC provider ARN: use IRSA instead of Pod Identity.
    addon_version
        Such as ``v4.1.0-eksbuild.1``. Default: the latest for the cluster.
    configuration_values
        The add-on's configuration (its JSON schema). Default: its defaults.
    application_signals
        Let the agent send Application Signals traces (AWSXrayWriteOnlyAccess). Default: on.
    pod_identity_agent
        Also install the ``eks-pod-identity-agent`` add-on. Default: off.
    performance_retention_days
        Performance events. Default: 30.
    storage
        ``retention_days`` (of application, host and data-plane logs),
        ``encryption_key``, ``removal_policy`` of the log groups: see
        :class:`LogStorage` (default: a year, AWS-owned key, retained).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_name: str,
        oidc_provider_arn: str | None = None,
        addon_version: str | None = None,
        configuration_values: Mapping[str, Any] | None = None,
        application_signals: bool = True,
        pod_identity_agent: bool = False,
        performance_retention_days: int | None = rules.DEFAULT_PERFORMANCE_RETENTION_DAYS,
        **storage: Unpack[LogStorage],
    ) -> None:
        super().__init__(scope, id)
        self._check(
            cluster_name=cluster_name,
            oidc_provider_arn=oidc_provider_arn,
            addon_version=addon_version,
            pod_identity_agent=pod_identity_agent,
            storage=storage,
            performance_retention_days=performance_retention_days,
        )
        self.cluster_name = cluster_name
        """The cluster's name."""

        self.log_groups: dict[str, ManagedLogGroup] = {}
        """The Container Insights log groups, by log type (application, host, ...)."""
        for kind, name in rules.eks_log_group_names(cluster_name).items():
            self.log_groups[kind] = ManagedLogGroup(
                self,
                _LOG_GROUP_IDS[kind],
                log_group_name=name,
                **(
                    {**storage, "retention_days": performance_retention_days}
                    if kind == "performance"
                    else storage
                ),
            )

        principal: iam.IPrincipal
        if oidc_provider_arn is None:
            # Only the add-on's service account on this cluster of this account gets the role.
            principal = iam.SessionTagsPrincipal(
                iam.ServicePrincipal(POD_IDENTITY_PRINCIPAL).with_conditions(
                    pod_identity_conditions(
                        account=Stack.of(self).account,
                        cluster_name=cluster_name,
                        namespace=rules.CONTAINER_INSIGHTS_NAMESPACE,
                        service_account=rules.CONTAINER_INSIGHTS_SERVICE_ACCOUNT,
                    )
                )
            )
        else:
            issuer = rules.oidc_issuer(oidc_provider_arn)
            principal = iam.OpenIdConnectPrincipal(
                iam.OpenIdConnectProvider.from_open_id_connect_provider_arn(
                    self, "OidcProvider", oidc_provider_arn
                ),
                conditions={
                    "StringEquals": {
                        f"{issuer}:sub": (
                            f"system:serviceaccount:{rules.CONTAINER_INSIGHTS_NAMESPACE}:"
                            f"{rules.CONTAINER_INSIGHTS_SERVICE_ACCOUNT}"
                        ),
                        f"{issuer}:aud": "sts.amazonaws.com",
                    }
                },
            )
        policies = [AGENT_POLICY] + ([APPLICATION_SIGNALS_POLICY] if application_signals else [])
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=principal,
            description=f"CloudWatch agent and Fluent Bit on EKS cluster {cluster_name}",
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(p) for p in policies],
        )
        """The role of the add-on's ``cloudwatch-agent`` service account."""
        for policy in policies:
            Validations.of(self.role).acknowledge(
                Acknowledgment(
                    id=(
                        "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:"
                        f"policy/{policy}]"
                    ),
                    reason=(
                        f"{policy} is what the CloudWatch user guide gives the {ADDON_NAME} "
                        "add-on; AWS keeps it in step with the calls the agent makes"
                    ),
                )
            )

        self.pod_identity_agent: eks.CfnAddon | None = None
        """The eks-pod-identity-agent add-on, when asked for."""
        if pod_identity_agent:
            self.pod_identity_agent = eks.CfnAddon(
                self,
                "PodIdentityAgent",
                addon_name=POD_IDENTITY_AGENT_ADDON,
                cluster_name=cluster_name,
            )
        self.pod_identity_association: eks.CfnPodIdentityAssociation | None = None
        """The association of the role with the service account (Pod Identity only)."""
        if oidc_provider_arn is None:
            self.pod_identity_association = eks.CfnPodIdentityAssociation(
                self,
                "PodIdentityAssociation",
                cluster_name=cluster_name,
                namespace=rules.CONTAINER_INSIGHTS_NAMESPACE,
                service_account=rules.CONTAINER_INSIGHTS_SERVICE_ACCOUNT,
                role_arn=self.role.role_arn,
            )

        self.addon = eks.CfnAddon(
            self,
            "Addon",
            addon_name=ADDON_NAME,
            cluster_name=cluster_name,
            addon_version=addon_version,
            configuration_values=(
                json.dumps(configuration_values, separators=(",", ":"), sort_keys=True)
                if configuration_values
                else None
            ),
            service_account_role_arn=self.role.role_arn if oidc_provider_arn else None,
        )
        """The amazon-cloudwatch-observability add-on."""
        # The log groups first, or the agents create them without retention.
        for log_group in self.log_groups.values():
            self.addon.node.add_dependency(log_group)
        # Credentials before the agents start.
        for dependency in (self.pod_identity_association, self.pod_identity_agent):
            if dependency is not None:
                self.addon.node.add_dependency(dependency)

    def _check(
        self,
        *,
        cluster_name: str,
        oidc_provider_arn: str | None,
        addon_version: str | None,
        pod_identity_agent: bool,
        storage: LogStorage,
        performance_retention_days: int | None,
    ) -> None:
        at = self.node.path
        problems = storage_problems(at, storage)
        if Token.is_unresolved(cluster_name):
            problems.append(
                Problem(
                    f"{at}.cluster_name",
                    "is a reference; give the cluster's name as plain text: it is part of the "
                    "log group names the service fixes",
                )
            )
        elif message := rules.check_eks_cluster_name(cluster_name):
            problems.append(Problem(f"{at}.cluster_name", message))
        if oidc_provider_arn is not None and (
            message := rules.check_oidc_provider_arn(oidc_provider_arn)
        ):
            problems.append(Problem(f"{at}.oidc_provider_arn", message))
        if addon_version is not None:
            message = rules.check_addon_version(addon_version)
            if message is None and oidc_provider_arn is None:
                message = rules.pod_identity_version_problem(addon_version)
            if message:
                problems.append(Problem(f"{at}.addon_version", message))
        if pod_identity_agent and oidc_provider_arn is not None:
            problems.append(
                Problem(
                    f"{at}.pod_identity_agent",
                    "the Pod Identity Agent serves Pod Identity; with oidc_provider_arn the "
                    "add-on uses IRSA and does not need it",
                )
            )
        if message := check_retention(performance_retention_days):
            problems.append(Problem(f"{at}.performance_retention_days", message))
        if problems:
            raise BlueprintError(problems)
