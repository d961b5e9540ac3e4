"""The AWS managed collector: an EKS cluster's metrics into a workspace, nothing to run."""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from typing import Final

from aws_cdk import Stack, Token
from aws_cdk import aws_aps as aps
from aws_cdk import aws_iam as iam
from constructs import Construct

from observability_blueprint.prometheus.prometheus_workspace import IPrometheusWorkspace
from observability_blueprint.rules import arns
from observability_blueprint.rules.errors import BlueprintError, Problem, cut
from observability_blueprint.rules.scrape_config import (
    AuthenticationMode,
    ScrapeJob,
    scrape_job_problems,
    scraper_cluster_problems,
    scraper_configuration,
)
from observability_blueprint.security import service_arn

SCRAPER_PRINCIPAL: Final = "scraper.aps.amazonaws.com"

ALIAS_MAX: Final = 100

_ALIAS_RE: Final = re.compile(r"[0-9A-Za-z][-.0-9A-Z_a-z]*")


class PrometheusScraper(Construct):
    """An ``AWS::APS::Scraper``: Managed Prometheus scrapes an EKS cluster into a workspace.

    Nothing runs in the cluster: the scraper discovers targets with the
    Kubernetes API, scrapes them from network interfaces in ``subnet_ids`` and
    writes to ``workspace``. Its scrape configuration is generated from
    ``jobs`` (each scrape interval at least 30 seconds, static targets by IP,
    ``kubernetes_sd_configs`` the only discovery; see
    :mod:`observability_blueprint.rules.scrape_config`)::

        PrometheusScraper(
            self, "Scraper", workspace=workspace,
            cluster_arn="arn:aws:eks:eu-west-1:111122223333:cluster/shop",
            subnet_ids=["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
            authentication_mode="API_AND_CONFIG_MAP", endpoint_private_access=True,
            jobs=[ScrapeJob(job_name="pods", kubernetes_sd_roles=("pod",))],
        )

    Synthesis looks nothing up, so the cluster's facts are stated, and checked
    against what the scraper needs (the "Create a scraper" prerequisites of the
    Managed Prometheus guide): its authentication mode must be ``API`` or
    ``API_AND_CONFIG_MAP`` (Managed Prometheus then creates the access entry and
    its Kubernetes permissions; with ``CONFIG_MAP`` CloudFormation cannot grant
    them), its private endpoint access must be on, and the subnets (2 to 5, in
    at least two Availability Zones) and security groups should be the
    cluster's. ``obs-blueprint doctor`` can compare them with the cluster.
    The cluster must be in the stack's account and Region. Changing the
    cluster, subnets or security groups replaces the scraper; jobs and
    workspace change in place.

    A workspace encrypted with a customer-managed key takes samples from a
    scraper only through ``RoleConfiguration`` (guide, "Creating scraper for
    workspaces enabled with customer managed keys"), so for one this construct
    makes two roles: ``source_role``, which only ``scraper.aps.amazonaws.com``
    may assume, for this account's scrapers in this Region, and which may only
    assume ``target_role``; and ``target_role``, which only ``source_role`` may
    assume with a scraper of this account and Region as external id, and which
    may only ``aps:RemoteWrite`` to the workspace. The scraper's ARN exists only
    after the scraper does, so the conditions name ``scraper/*`` of this account
    and Region rather than the one scraper (the guide's policy names it).

    Parameters
    ----------
    workspace
        Where the metrics go.
    cluster_arn
        ``arn:aws:eks:REGION:ACCOUNT:cluster/NAME``.
    subnet_ids
        2 to 5 of the cluster's subnets, in at least two Availability Zones.
    jobs
        The scrape jobs.
    authentication_mode
        The cluster's authentication mode as it is (``API``, ``API_AND_CONFIG_MAP``
        or ``CONFIG_MAP``): required.
    endpoint_private_access
        Whether the cluster's private endpoint access is on: required.
    security_group_ids
        Up to 5 of the cluster's security groups. Default: the VPC's default.
    alias
        The scraper's alias. Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        workspace: IPrometheusWorkspace,
        cluster_arn: str,
        subnet_ids: Sequence[str],
        jobs: Sequence[ScrapeJob],
        authentication_mode: AuthenticationMode | None = None,
        endpoint_private_access: bool | None = None,
        security_group_ids: Sequence[str] = (),
        alias: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        stack = Stack.of(self)
        problems = [
            Problem(f"{at}.{p.location}", p.message)
            for p in scraper_cluster_problems(
                cluster_arn=cluster_arn,
                subnet_ids=subnet_ids,
                security_group_ids=security_group_ids,
                authentication_mode=authentication_mode,
                endpoint_private_access=endpoint_private_access,
                place=arns.Place.of(region=stack.region, account=stack.account),
            )
        ]
        if (
            alias is not None
            and not Token.is_unresolved(alias)
            and not (1 <= len(alias) <= ALIAS_MAX and _ALIAS_RE.fullmatch(alias))
        ):
            problems.append(
                Problem(
                    f"{at}.alias",
                    f"{cut(alias)!r} is not a scraper alias; use 1 to {ALIAS_MAX} letters, "
                    "digits and - . _, starting with a letter or digit",
                )
            )
        problems += [
            Problem(f"{at}.{p.location}", p.message)
            for p in scrape_job_problems(jobs, managed_scraper=True)
        ]
        if problems:
            raise BlueprintError(problems)

        self.configuration: str = scraper_configuration(jobs)
        """The scrape configuration (YAML), as the scraper holds it before base64."""
        self.source_role: iam.Role | None = None
        """The role the scraper assumes for an encrypted workspace."""
        self.target_role: iam.Role | None = None
        """The role that writes to an encrypted workspace."""
        role_configuration = None
        if workspace.encrypted:
            role_configuration = self._roles(workspace)
        self.resource = aps.CfnScraper(
            self,
            "Resource",
            alias=alias,
            source=aps.CfnScraper.SourceProperty(
                eks_configuration=aps.CfnScraper.EksConfigurationProperty(
                    cluster_arn=cluster_arn,
                    subnet_ids=list(subnet_ids),
                    security_group_ids=list(security_group_ids) or None,
                )
            ),
            destination=aps.CfnScraper.DestinationProperty(
                amp_configuration=aps.CfnScraper.AmpConfigurationProperty(
                    workspace_arn=workspace.workspace_arn
                )
            ),
            scrape_configuration=aps.CfnScraper.ScrapeConfigurationProperty(
                configuration_blob=base64.b64encode(self.configuration.encode("utf-8")).decode(
                    "ascii"
                )
            ),
            role_configuration=role_configuration,
        )
        """The ``AWS::APS::Scraper``."""
        # The roles are referenced; their policies must exist before the scraper writes.
        for role in (self.source_role, self.target_role):
            if role is not None and (policy := role.node.try_find_child("DefaultPolicy")):
                self.resource.node.add_dependency(policy)
        self.scraper_arn: str = self.resource.attr_arn
        self.scraper_id: str = self.resource.attr_scraper_id
        self.service_linked_role_arn: str = self.resource.attr_role_arn
        """The role Managed Prometheus made for the scraper (its EKS access entry's principal)."""

    def _roles(self, workspace: IPrometheusWorkspace) -> aps.CfnScraper.RoleConfigurationProperty:
        stack = Stack.of(self)
        scrapers = service_arn(self, "aps", "scraper/*")
        self.source_role = iam.Role(
            self,
            "SourceRole",
            description=f"The managed scraper {self.node.path} assumes it to reach its workspace",
            assumed_by=iam.ServicePrincipal(SCRAPER_PRINCIPAL).with_conditions(
                {
                    "ArnLike": {"aws:SourceArn": scrapers},
                    "StringEquals": {"aws:SourceAccount": stack.account},
                }
            ),
        )
        self.target_role = iam.Role(
            self,
            "TargetRole",
            description=f"The managed scraper {self.node.path} writes to its workspace with it",
            assumed_by=iam.ArnPrincipal(self.source_role.role_arn).with_conditions(
                {"StringLike": {"sts:ExternalId": scrapers}}
            ),
        )
        workspace.grant_remote_write(self.target_role)
        self.source_role.add_to_policy(
            iam.PolicyStatement(actions=["sts:AssumeRole"], resources=[self.target_role.role_arn])
        )
        return aps.CfnScraper.RoleConfigurationProperty(
            source_role_arn=self.source_role.role_arn,
            target_role_arn=self.target_role.role_arn,
        )
