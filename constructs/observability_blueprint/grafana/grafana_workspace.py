"""An Amazon Managed Grafana workspace with a least-privilege role of its own."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from aws_cdk import Fn, Stack, Token
from aws_cdk import aws_grafana as grafana
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.rules import grafana_model as rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.security import (
    acknowledge_wildcard_resource,
    grant_unscoped,
    service_arn,
)

GRAFANA_PRINCIPAL: Final = "grafana.amazonaws.com"
DEFAULT_AUTHENTICATION: Final = ("AWS_SSO",)

# The actions of AmazonGrafanaCloudWatchAccess
# (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonGrafanaCloudWatchAccess.html),
# split by what IAM can scope them to (the Service Authorization Reference's
# resource types, as cfn-lint's Policies.json carries them).
CLOUDWATCH_UNSCOPED: Final = (
    "cloudwatch:DescribeAlarmsForMetric",
    "cloudwatch:GetMetricData",
    "cloudwatch:GetMetricStatistics",
    "cloudwatch:ListMetrics",
    "ec2:DescribeInstances",
    "ec2:DescribeRegions",
    "ec2:DescribeTags",
    "logs:DescribeLogGroups",
    "logs:StopQuery",
    "oam:ListSinks",
    "tag:GetResources",
)
"""No resource-level permission: metrics are not resources (GetMetricData and
ListMetrics take only CloudWatch *datasets*, which the data source does not read),
and the rest list or describe."""
CLOUDWATCH_ALARM_ACTIONS: Final = ("cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms")
CLOUDWATCH_INSIGHT_ACTIONS: Final = ("cloudwatch:GetInsightRuleReport",)
LOGS_QUERY_ACTIONS: Final = (
    "logs:GetLogGroupFields",
    "logs:GetQueryResults",
    "logs:StartQuery",
)
LOGS_EVENTS_ACTIONS: Final = ("logs:GetLogEvents",)
OAM_LINK_ACTIONS: Final = ("oam:ListAttachedLinks",)
PROMETHEUS_QUERY_ACTIONS: Final = (
    "aps:GetLabels",
    "aps:GetMetricMetadata",
    "aps:GetSeries",
    "aps:QueryMetrics",
)
"""The query actions of AmazonPrometheusQueryAccess, on the given workspaces only."""
XRAY_UNSCOPED: Final = (
    "xray:BatchGetTraceSummaryById",
    "xray:BatchGetTraces",
    "xray:GetDistinctTraceGraphs",
    "xray:GetGroups",
    "xray:GetInsight",
    "xray:GetInsightEvents",
    "xray:GetInsightImpactGraph",
    "xray:GetInsightSummaries",
    "xray:GetServiceGraph",
    "xray:GetTimeSeriesServiceStatistics",
    "xray:GetTraceGraph",
    "xray:GetTraceSummaries",
)
"""The trace, graph, group and insight reads of AWSXrayReadOnlyAccess (v8,
https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSXrayReadOnlyAccess.html);
its sampling calls (GetSamplingTargets hands out sampling quota to tracing SDKs),
tag and resource-policy reads are left out: a dashboard needs none of them."""
XRAY_GROUP_ACTIONS: Final = ("xray:GetGroup",)


@dataclass(frozen=True)
class GrafanaSaml:
    """How a workspace signs users in with SAML 2.0.

    SAML users whose role attribute matches none of ``admin_role_values`` and
    ``editor_role_values`` are viewers ("SAML authenticated users not part of
    Admin or Editor role groups have Viewer permissions", ``RoleValues`` in the API
    reference), so an admin role value is required.

    Parameters
    ----------
    role_attribute
        The assertion attribute that carries the user's roles or groups.
    admin_role_values
        Values of that attribute that make a Grafana Admin (at least one).
    idp_metadata_url, idp_metadata_xml
        The identity provider's metadata: its https:// address, or the XML (one of them).
    editor_role_values
        Values that make a Grafana Editor.
    email_attribute, groups_attribute, login_attribute, name_attribute, org_attribute
        Other assertion attributes Grafana reads.
    allowed_organizations
        Organizations (of ``org_attribute``) allowed in. Default: every one.
    login_validity_minutes
        How long a SAML sign-in lasts. Default: Amazon Managed Grafana's.
    """

    role_attribute: str
    admin_role_values: Sequence[str]
    idp_metadata_url: str | None = None
    idp_metadata_xml: str | None = None
    editor_role_values: Sequence[str] = ()
    email_attribute: str | None = None
    groups_attribute: str | None = None
    login_attribute: str | None = None
    name_attribute: str | None = None
    org_attribute: str | None = None
    allowed_organizations: Sequence[str] = ()
    login_validity_minutes: int | None = None

    def problems(self, at: str) -> list[Problem]:
        """Return every bad value, each located under ``at`` (``<path>.saml``)."""
        out: list[Problem] = []
        if (self.idp_metadata_url is None) == (self.idp_metadata_xml is None):
            out.append(
                Problem(
                    at,
                    "give the identity provider's metadata as idp_metadata_url or "
                    "idp_metadata_xml (one of them)",
                )
            )
        url = self.idp_metadata_url
        if (
            url is not None
            and not Token.is_unresolved(url)
            and (message := rules.check_idp_metadata_url(url))
        ):
            out.append(Problem(f"{at}.idp_metadata_url", message))
        if self.idp_metadata_xml is not None and not self.idp_metadata_xml.strip():
            out.append(Problem(f"{at}.idp_metadata_xml", "empty; give the IdP's SAML metadata XML"))
        if not self.admin_role_values:
            out.append(
                Problem(
                    f"{at}.admin_role_values",
                    "empty; give at least one value of the role attribute that makes a "
                    "Grafana Admin (SAML users matching no role value are viewers)",
                )
            )
        attributes = {
            "role_attribute": self.role_attribute,
            "email_attribute": self.email_attribute,
            "groups_attribute": self.groups_attribute,
            "login_attribute": self.login_attribute,
            "name_attribute": self.name_attribute,
            "org_attribute": self.org_attribute,
        }
        for field, value in attributes.items():
            if value is not None and (
                message := rules.check_saml_value(value, "a SAML assertion attribute name")
            ):
                out.append(Problem(f"{at}.{field}", message))
        for field, values, what in (
            ("admin_role_values", self.admin_role_values, "a SAML role value"),
            ("editor_role_values", self.editor_role_values, "a SAML role value"),
            ("allowed_organizations", self.allowed_organizations, "a SAML organization"),
        ):
            for index, value in enumerate(values):
                if message := rules.check_saml_value(value, what):
                    out.append(Problem(f"{at}.{field}[{index}]", message))
        if self.login_validity_minutes is not None and (
            message := rules.check_login_validity(self.login_validity_minutes)
        ):
            out.append(Problem(f"{at}.login_validity_minutes", message))
        return out

    def to_property(self) -> grafana.CfnWorkspace.SamlConfigurationProperty:
        """Return the ``SamlConfiguration`` property."""
        return grafana.CfnWorkspace.SamlConfigurationProperty(
            idp_metadata=grafana.CfnWorkspace.IdpMetadataProperty(
                url=self.idp_metadata_url, xml=self.idp_metadata_xml
            ),
            assertion_attributes=grafana.CfnWorkspace.AssertionAttributesProperty(
                role=self.role_attribute,
                email=self.email_attribute,
                groups=self.groups_attribute,
                login=self.login_attribute,
                name=self.name_attribute,
                org=self.org_attribute,
            ),
            role_values=grafana.CfnWorkspace.RoleValuesProperty(
                admin=list(self.admin_role_values),
                editor=list(self.editor_role_values) or None,
            ),
            allowed_organizations=list(self.allowed_organizations) or None,
            login_validity_duration=self.login_validity_minutes,
        )


class GrafanaWorkspace(Construct):
    """An Amazon Managed Grafana workspace (``AWS::Grafana::Workspace``) and its role.

    The workspace reads this account only (``CURRENT_ACCOUNT``) with a role of
    its own (``CUSTOMER_MANAGED``: "Use only the CUSTOMER_MANAGED permission type
    when creating a workspace with the API, CLI or CloudFormation",
    https://docs.aws.amazon.com/grafana/latest/APIReference/API_CreateWorkspace.html).
    The role trusts ``grafana.amazonaws.com`` for this account only
    (``aws:SourceAccount``) and holds the least each data source needs:

    - ``CLOUDWATCH``: the actions of AmazonGrafanaCloudWatchAccess, on ``*`` only
      where IAM has no resource for them (metrics, describes, lists); alarms,
      Contributor Insights rules and Observability Access Manager sinks of this
      account and Region; Logs Insights on ``log_groups`` (default: every log
      group of the account and Region).
    - ``PROMETHEUS``: the query actions on ``prometheus_workspace_arns`` only.
    - ``XRAY``: the trace, service graph, group and insight reads.
    - ``sns:Publish`` on ``notification_topics`` only (``NotificationDestinations: [SNS]``),
      and ``kms:GenerateDataKey`` / ``kms:Decrypt`` on their keys.

    The ``DataSources`` property is not set: it is "for internal use only". The data
    sources and dashboards are created through the Grafana HTTP API by
    ``obs-blueprint grafana push`` (:func:`observability_blueprint.grafana.push`).
    CloudFormation cannot assign users or admins: do it in IAM Identity Center (see
    the README).

    Cost: $9 per active editor or admin and $5 per active viewer, per workspace and
    month (https://aws.amazon.com/grafana/pricing/).

    Parameters
    ----------
    workspace_name
        1 to 255 letters, digits and ``. _ ~ -``. Default: none (the console shows the id).
    description
        Up to 2,048 characters.
    grafana_version
        ``major.minor``, 9 or later (``9.4``, ``10.4``, ``12.4``; service-account tokens
        need 9). Default: the latest Amazon Managed Grafana offers.
    authentication
        ``AWS_SSO`` (IAM Identity Center), ``SAML`` or both. Default: ``AWS_SSO``.
    saml
        The SAML settings; required with ``SAML``, refused without it.
    data_sources
        Which data sources the role may read: ``CLOUDWATCH``, ``PROMETHEUS``, ``XRAY``.
        Default: CloudWatch and X-Ray, and Prometheus when workspaces are given.
    prometheus_workspace_arns
        The Amazon Managed Service for Prometheus workspaces to query (needed for
        ``PROMETHEUS``).
    log_groups
        The log groups Logs Insights may query. Default: every log group.
    notification_topics
        SNS topics alerts may publish to. Default: none. A topic imported by ARN does
        not know its key: grant ``kms:GenerateDataKey`` and ``kms:Decrypt`` on it to
        ``role`` yourself.
    plugin_admin_enabled
        Let workspace admins install plugins. Default: False.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        workspace_name: str | None = None,
        description: str | None = None,
        grafana_version: str | None = None,
        authentication: Sequence[str] = DEFAULT_AUTHENTICATION,
        saml: GrafanaSaml | None = None,
        data_sources: Sequence[str] | None = None,
        prometheus_workspace_arns: Sequence[str] = (),
        log_groups: Sequence[logs.ILogGroup] | None = None,
        notification_topics: Sequence[sns.ITopic] = (),
        plugin_admin_enabled: bool = False,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        sources = (
            tuple(data_sources)
            if data_sources is not None
            else ("CLOUDWATCH", "XRAY", *(("PROMETHEUS",) if prometheus_workspace_arns else ()))
        )
        problems = _problems(
            at,
            workspace_name=workspace_name,
            description=description,
            grafana_version=grafana_version,
            authentication=authentication,
            saml=saml,
            data_sources=sources,
            prometheus_workspace_arns=prometheus_workspace_arns,
        )
        if problems:
            raise BlueprintError(problems)

        self.data_sources: tuple[str, ...] = tuple(dict.fromkeys(sources))
        """The data sources the role may read."""
        stack = Stack.of(self)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal(
                GRAFANA_PRINCIPAL,
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            ),
            description=f"Amazon Managed Grafana reads data sources for {at}",
        )
        """The workspace's role: what Grafana may read and publish to."""
        self._grant_reads(log_groups, prometheus_workspace_arns)
        if notification_topics:
            self._grant_topics(notification_topics)

        self.workspace = grafana.CfnWorkspace(
            self,
            "Resource",
            account_access_type="CURRENT_ACCOUNT",
            permission_type="CUSTOMER_MANAGED",
            authentication_providers=list(dict.fromkeys(authentication)),
            role_arn=self.role.role_arn,
            name=workspace_name,
            description=description,
            grafana_version=grafana_version,
            notification_destinations=["SNS"] if notification_topics else None,
            saml_configuration=saml.to_property() if saml is not None else None,
            plugin_admin_enabled=plugin_admin_enabled or None,
        )
        """The ``AWS::Grafana::Workspace``."""
        self.workspace_id: str = self.workspace.attr_id
        """The workspace id (``g-`` and ten hex digits), which ``grafana push`` takes."""
        self.endpoint: str = Fn.join("", ["https://", self.workspace.attr_endpoint])
        """The workspace's address: ``https://`` and the endpoint CloudFormation returns."""

    def _grant_reads(
        self, log_groups: Sequence[logs.ILogGroup] | None, prometheus: Sequence[str]
    ) -> None:
        unscoped: list[str] = []
        scoped: list[tuple[tuple[str, ...], str, str, str]] = []
        if "CLOUDWATCH" in self.data_sources:
            unscoped += CLOUDWATCH_UNSCOPED
            scoped += [
                (CLOUDWATCH_ALARM_ACTIONS, "cloudwatch", "alarm:*", "alarms"),
                (
                    CLOUDWATCH_INSIGHT_ACTIONS,
                    "cloudwatch",
                    "insight-rule/*",
                    "Contributor Insights rules",
                ),
                (OAM_LINK_ACTIONS, "oam", "sink/*", "Observability Access Manager sinks"),
            ]
        if "XRAY" in self.data_sources:
            unscoped += XRAY_UNSCOPED
            scoped.append((XRAY_GROUP_ACTIONS, "xray", "group/*", "X-Ray groups"))
        if unscoped:
            grant_unscoped(
                self.role,
                sorted(unscoped),
                reason="CloudWatch metric reads and X-Ray trace reads, describes and lists "
                "have no resource-level permissions (the Service Authorization Reference "
                "gives them no resource type, or only CloudWatch datasets, which Grafana "
                "does not read).",
            )
        for actions, service, resource, what in scoped:
            arn = service_arn(self.role, service, resource)
            self.role.add_to_policy(iam.PolicyStatement(actions=list(actions), resources=[arn]))
            acknowledge_wildcard_resource(
                self.role,
                arn,
                reason=f"Grafana lists and reads the {what} of this account and Region; "
                "which ones a dashboard shows is chosen in Grafana.",
            )
        if "CLOUDWATCH" in self.data_sources:
            self._grant_log_queries(log_groups)
        if "PROMETHEUS" in self.data_sources:
            self.role.add_to_policy(
                iam.PolicyStatement(
                    sid="QueryPrometheus",
                    actions=list(PROMETHEUS_QUERY_ACTIONS),
                    resources=list(prometheus),
                )
            )

    def _grant_log_queries(self, log_groups: Sequence[logs.ILogGroup] | None) -> None:
        # A log group's ARN as IAM writes it (log-group:NAME:*) also covers its
        # streams (log-group:NAME:log-stream:ID), which GetLogEvents reads.
        if log_groups is None:
            arns = [service_arn(self.role, "logs", "log-group:*")]
            reason = (
                "Logs Insights queries any log group of this account and Region that a "
                "dashboard names (pass log_groups to narrow it)."
            )
        else:
            arns = [group.log_group_arn for group in log_groups]
            reason = (
                "A log group's ARN as IAM writes it ends in :* (its log streams); the role "
                "queries this log group only."
            )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="QueryLogGroups",
                actions=sorted((*LOGS_QUERY_ACTIONS, *LOGS_EVENTS_ACTIONS)),
                resources=arns,
            )
        )
        stack = Stack.of(self)
        for arn in arns:
            if "*" in json.dumps(stack.resolve(arn)):
                acknowledge_wildcard_resource(self.role, arn, reason=reason)

    def _grant_topics(self, topics: Sequence[sns.ITopic]) -> None:
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="PublishAlerts",
                actions=["sns:Publish"],
                resources=[topic.topic_arn for topic in topics],
            )
        )
        for topic in topics:
            if topic.master_key is not None:
                topic.master_key.grant(self.role, "kms:GenerateDataKey", "kms:Decrypt")


def _problems(
    at: str,
    *,
    workspace_name: str | None,
    description: str | None,
    grafana_version: str | None,
    authentication: Sequence[str],
    saml: GrafanaSaml | None,
    data_sources: Sequence[str],
    prometheus_workspace_arns: Sequence[str],
) -> list[Problem]:
    problems: list[Problem] = []
    checks = (
        ("workspace_name", workspace_name, rules.check_workspace_name),
        ("description", description, rules.check_workspace_description),
        ("grafana_version", grafana_version, rules.check_grafana_version),
    )
    for field, value, check in checks:
        if value is not None and not Token.is_unresolved(value) and (message := check(value)):
            problems.append(Problem(f"{at}.{field}", message))
    if not authentication:
        problems.append(
            Problem(
                f"{at}.authentication", "empty; give AWS_SSO (IAM Identity Center), SAML or both"
            )
        )
    for index, provider in enumerate(authentication):
        if message := rules.check_authentication_provider(provider):
            problems.append(Problem(f"{at}.authentication[{index}]", message))
    if "SAML" in authentication and saml is None:
        problems.append(
            Problem(
                f"{at}.saml",
                "SAML authentication needs saml=GrafanaSaml(...): the IdP's "
                "metadata, the role attribute and the admin role values",
            )
        )
    if saml is not None:
        if "SAML" not in authentication:
            problems.append(
                Problem(
                    f"{at}.saml",
                    "given, but authentication does not list SAML; add it or leave saml out",
                )
            )
        problems += saml.problems(f"{at}.saml")
    for index, source in enumerate(data_sources):
        if message := rules.check_data_source(source):
            problems.append(Problem(f"{at}.data_sources[{index}]", message))
    if "PROMETHEUS" in data_sources and not prometheus_workspace_arns:
        problems.append(
            Problem(
                f"{at}.prometheus_workspace_arns",
                "empty; the PROMETHEUS data source reads the Amazon Managed Service for "
                "Prometheus workspaces given here (their ARNs), and no other",
            )
        )
    for index, arn in enumerate(prometheus_workspace_arns):
        if message := rules.check_prometheus_workspace_arn(arn):
            problems.append(Problem(f"{at}.prometheus_workspace_arns[{index}]", message))
    return problems
