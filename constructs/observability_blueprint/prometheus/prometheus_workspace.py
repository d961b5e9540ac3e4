"""An Amazon Managed Service for Prometheus workspace, its logs, and its alert manager."""

from __future__ import annotations

import re
import textwrap
from typing import Final, Protocol, Unpack

import yaml
from aws_cdk import Annotations, Fn, RemovalPolicy, Stack, Token
from aws_cdk import aws_aps as aps
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.logs import LogStorage, ManagedLogGroup, storage_problems
from observability_blueprint.rules import arns
from observability_blueprint.rules.errors import BlueprintError, Problem, cut

LOG_GROUP_PREFIX: Final = "/aws/vendedlogs/prometheus/"
"""Where the workspace's log group is named by default (``<prefix><alias>``).

Managed Prometheus delivers its logs through CloudWatch Logs' vended-logs
delivery, which edits the account's CloudWatch Logs resource policy; AWS
recommends the ``/aws/vendedlogs/`` prefix so that policy stays within its size
limit (https://docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html;
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html).
The Managed Prometheus guide itself names no prefix."""
DEFAULT_REMOVAL_POLICY: Final = RemovalPolicy.RETAIN
"""The workspace and its log group outlive the stack: deleting a stack never deletes metrics."""
REMOTE_WRITE_PATH: Final = "api/v1/remote_write"
QUERY_PATH: Final = "api/v1/query"
REMOTE_WRITE_ACTIONS: Final[tuple[str, ...]] = ("aps:RemoteWrite",)
"""What a collector needs (AmazonPrometheusRemoteWriteAccess, on one workspace)."""
QUERY_ACTIONS: Final[tuple[str, ...]] = (
    "aps:QueryMetrics",
    "aps:GetSeries",
    "aps:GetLabels",
    "aps:GetMetricMetadata",
)
"""What a reader such as Grafana needs (AmazonPrometheusQueryAccess, on one workspace)."""
ALERT_RECEIVER: Final = "blueprint-topic"
DEFAULT_ALERT_SUBJECT: Final = "[{{ .Status | toUpper }}] {{ .GroupLabels.alertname }}"
"""The SNS subject of an alert notification. Without one, the alert manager's default
subject template can exceed what SNS accepts; Managed Prometheus cuts a subject at 100
characters (https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-alertmanager-receiver-validation-truncation.html)."""
ALERT_SUBJECT_MAX: Final = 100
APS_PRINCIPAL: Final = "aps.amazonaws.com"
IMPORTED_TOPIC_WARNING: Final = "observability-blueprint:prometheus-imported-topic"
"""Id of the warning on a topic (or topic key) whose policy this stack cannot extend."""

ALIAS_MAX: Final = 100
"""CreateWorkspace ``alias``: 1 to 100 characters (botocore ``amp`` WorkspaceAlias)."""
# CreateLoggingConfiguration logGroupArn (botocore `amp` LogGroupArn):
# arn:aws...:logs:REGION:ACCOUNT:log-group:[A-Za-z0-9\.\-\_\#/]{1,512}:*
_LOG_GROUP_NAME_RE: Final = re.compile(r"[A-Za-z0-9._#/-]{1,512}")
_WORKSPACE_ID_RE: Final = re.compile(r"ws-[a-zA-Z0-9_-]{1,97}")
"""A workspace id: ``ws-`` and a UUID (the CloudFormation schema's ``WorkspaceId`` pattern,
``[a-zA-Z0-9][a-zA-Z0-9_-]{1,99}``, with the prefix every id has, so an alias given
by mistake is caught)."""


class IPrometheusWorkspace(Protocol):
    """What scrapers, collectors, rules and Grafana need of a workspace.

    :class:`PrometheusWorkspace` is one; :meth:`PrometheusWorkspace.from_workspace_id`
    returns one for a workspace this stack does not manage.
    """

    @property
    def workspace_arn(self) -> str:
        """``arn:aws:aps:REGION:ACCOUNT:workspace/ws-...``."""
        ...

    @property
    def workspace_id(self) -> str:
        """``ws-...``."""
        ...

    @property
    def remote_write_url(self) -> str:
        """Where collectors send samples (``.../workspaces/ID/api/v1/remote_write``)."""
        ...

    @property
    def query_url(self) -> str:
        """The Prometheus query API (``.../workspaces/ID/api/v1/query``)."""
        ...

    @property
    def encrypted(self) -> bool:
        """Whether a customer-managed key encrypts the workspace."""
        ...

    def grant_remote_write(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` write samples to this workspace only."""
        ...

    def grant_query(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` query this workspace only."""
        ...


def _grant(grantee: iam.IGrantable, actions: tuple[str, ...], workspace_arn: str) -> iam.Grant:
    return iam.Grant.add_to_principal(
        grantee=grantee, actions=list(actions), resource_arns=[workspace_arn]
    )


class _ImportedWorkspace(Construct):
    """A workspace this stack does not manage, by id (see ``from_workspace_id``)."""

    def __init__(self, scope: Construct, id: str, *, workspace_id: str, encrypted: bool) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        self.workspace_id = workspace_id
        self.workspace_arn = stack.format_arn(
            service="aps", resource="workspace", resource_name=workspace_id
        )
        # The URL suffix is known with the Region (amazonaws.com.cn in China).
        suffix = (
            stack.url_suffix
            if Token.is_unresolved(stack.region)
            else "amazonaws.com.cn"
            if stack.region.startswith("cn-")
            else "amazonaws.com"
        )
        endpoint = f"https://aps-workspaces.{stack.region}.{suffix}/workspaces/{workspace_id}/"
        self.remote_write_url = endpoint + REMOTE_WRITE_PATH
        self.query_url = endpoint + QUERY_PATH
        self.encrypted = encrypted

    def grant_remote_write(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` write samples to this workspace only."""
        return _grant(grantee, REMOTE_WRITE_ACTIONS, self.workspace_arn)

    def grant_query(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` query this workspace only."""
        return _grant(grantee, QUERY_ACTIONS, self.workspace_arn)


class PrometheusWorkspace(Construct):
    """An ``AWS::APS::Workspace``: Prometheus storage and query with nothing to operate.

    Its rules and alert manager log to a log group it creates, named
    ``/aws/vendedlogs/prometheus/<alias>`` (:data:`LOG_GROUP_PREFIX`), kept for
    ``retention_days`` and retained when the stack is deleted. With
    ``alert_topic`` the alert manager sends every alert to that SNS topic::

        workspace = PrometheusWorkspace(
            self, "Prometheus", alias="shop-dev", encryption_key=key, alert_topic=ops_topic,
        )
        workspace.grant_query(grafana_role)

    The alert manager definition has one route to one ``sns_configs`` receiver
    (the topic's ARN, its Region for SigV4, and a subject). The topic's policy
    gets the statement Managed Prometheus documents: ``aps.amazonaws.com`` may
    ``sns:Publish`` and ``sns:GetTopicAttributes`` for this workspace
    (``aws:SourceArn``) in this account (``aws:SourceAccount``). An encrypted
    topic's key gets ``kms:GenerateDataKey*`` and ``kms:Decrypt`` for
    ``aps.amazonaws.com`` in this account (the key policy cannot name the
    workspace: the workspace's definition names the topic, and with the
    blueprint key the workspace names the key). Managed Prometheus sends only
    to Standard topics in the workspace's account and Region
    (https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-alert-manager.html;
    https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-alertmanager-receiver-AMPpermission.html):
    a FIFO topic, or one known to be elsewhere, is refused.

    The workspace, like its log group, is retained when the stack is deleted
    unless ``removal_policy`` says otherwise: its metrics are data.

    ``encryption_key`` (the blueprint key) encrypts the workspace and its log
    group. The workspace's key is set at creation only: adding, changing or
    removing it later **replaces the workspace**, and the new one starts empty
    (``KmsKeyArn`` is create-only; a workspace cannot switch between an AWS
    owned key and a customer managed key,
    https://docs.aws.amazon.com/prometheus/latest/userguide/encryption-at-rest-Amazon-Service-Prometheus.html);
    the old one is retained (or deleted, with its metrics, under ``DESTROY``).
    Managed Prometheus uses the key through grants it creates with the deploying
    principal's permissions, so the key policy needs no statement for it. A
    managed scraper writes to an encrypted workspace only through roles of its
    own (:class:`PrometheusScraper` creates them).

    Parameters
    ----------
    alias
        The workspace's alias, 1 to 100 characters (the blueprint prefix).
    storage
        ``retention_days``, ``encryption_key``, ``removal_policy`` of the log
        group (see :class:`LogStorage`: a year, retained); ``encryption_key`` also
        encrypts the workspace, and ``removal_policy`` also applies to it.
    log_group_name
        The log group's name. Default: ``/aws/vendedlogs/prometheus/<alias>``.
    metrics_retention_days
        How long the workspace keeps samples, at least 1. Default: Managed
        Prometheus' own (150 days).
    alert_topic
        The Standard SNS topic alerts go to. Default: no alert manager definition.
    alert_topic_key
        The key that encrypts ``alert_topic``. Default: the topic's own ``master_key``.
    alert_subject
        The notification subject, an alert manager template of printable ASCII.
        Default: :data:`DEFAULT_ALERT_SUBJECT`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        alias: str,
        log_group_name: str | None = None,
        metrics_retention_days: int | None = None,
        alert_topic: sns.ITopic | None = None,
        alert_topic_key: kms.IKey | None = None,
        alert_subject: str = DEFAULT_ALERT_SUBJECT,
        **storage: Unpack[LogStorage],
    ) -> None:
        super().__init__(scope, id)
        name = log_group_name or (
            None if Token.is_unresolved(alias) else f"{LOG_GROUP_PREFIX}{alias}"
        )
        self._check(
            alias=alias,
            log_group_name=log_group_name,
            derived_name=name,
            metrics_retention_days=metrics_retention_days,
            alert_topic=alert_topic,
            alert_subject=alert_subject,
            storage=storage,
        )
        encryption_key = storage.get("encryption_key")
        self.alias = alias
        """The workspace's alias."""
        self.encryption_key: kms.IKey | None = encryption_key
        """The customer-managed key of the workspace, if any."""
        self.log_group = ManagedLogGroup(self, "Logs", log_group_name=name, **storage)
        """The log group of the rules and the alert manager."""
        self.resource = aps.CfnWorkspace(
            self,
            "Resource",
            alias=alias,
            kms_key_arn=encryption_key.key_arn if encryption_key else None,
            # The API wants the ARN with ":*"; LogGroup.log_group_arn has it.
            logging_configuration=aps.CfnWorkspace.LoggingConfigurationProperty(
                log_group_arn=self.log_group.log_group_arn
            ),
            workspace_configuration=(
                aps.CfnWorkspace.WorkspaceConfigurationProperty(
                    retention_period_in_days=metrics_retention_days
                )
                if metrics_retention_days is not None
                else None
            ),
        )
        """The ``AWS::APS::Workspace``."""
        self.resource.apply_removal_policy(storage.get("removal_policy", DEFAULT_REMOVAL_POLICY))
        self.workspace_arn: str = self.resource.attr_arn
        """``arn:aws:aps:REGION:ACCOUNT:workspace/ws-...``."""
        self.workspace_id: str = self.resource.attr_workspace_id
        """``ws-...``."""
        self.prometheus_endpoint: str = self.resource.attr_prometheus_endpoint
        """``https://aps-workspaces.REGION.amazonaws.com/workspaces/ID/`` (ends in ``/``)."""
        self.remote_write_url: str = Fn.join("", [self.prometheus_endpoint, REMOTE_WRITE_PATH])
        """Where collectors send samples."""
        self.query_url: str = Fn.join("", [self.prometheus_endpoint, QUERY_PATH])
        """The Prometheus instant-query API."""
        self.alert_topic = alert_topic
        """The topic alerts go to, if any."""
        if alert_topic is not None:
            self.resource.alert_manager_definition = alert_manager_definition(
                topic_arn=alert_topic.topic_arn,
                region=Stack.of(self).region,
                subject=alert_subject,
            )
            self._allow_alert_manager(alert_topic, alert_topic_key or alert_topic.master_key)

    @property
    def encrypted(self) -> bool:
        """Whether a customer-managed key encrypts the workspace."""
        return self.encryption_key is not None

    @staticmethod
    def from_workspace_id(
        scope: Construct, id: str, workspace_id: str, *, encrypted: bool = False
    ) -> IPrometheusWorkspace:
        """Refer to a workspace this stack does not manage, in the stack's account and Region.

        ``encrypted`` says whether a customer-managed key encrypts it (a managed
        scraper then needs roles of its own).
        """
        if not Token.is_unresolved(workspace_id) and not _WORKSPACE_ID_RE.fullmatch(workspace_id):
            raise BlueprintError.at(
                f"{scope.node.path}/{id}.workspace_id",
                f"{cut(workspace_id)!r} is not a workspace id; give one such as "
                "ws-12345678-abcd-1234-abcd-123456789012 (the id, not the alias or the ARN)",
            )
        return _ImportedWorkspace(scope, id, workspace_id=workspace_id, encrypted=encrypted)

    def grant_remote_write(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` write samples (``aps:RemoteWrite``) to this workspace only."""
        return _grant(grantee, REMOTE_WRITE_ACTIONS, self.workspace_arn)

    def grant_query(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` query this workspace only (QueryMetrics, GetSeries, GetLabels,
        GetMetricMetadata)."""
        return _grant(grantee, QUERY_ACTIONS, self.workspace_arn)

    def _allow_alert_manager(self, topic: sns.ITopic, key: kms.IKey | None) -> None:
        """Let this workspace's alert manager publish to ``topic`` (and use its key)."""
        account = Stack.of(self).account
        added = topic.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(APS_PRINCIPAL)],
                actions=["sns:Publish", "sns:GetTopicAttributes"],
                resources=[topic.topic_arn],
                conditions={
                    "ArnEquals": {"aws:SourceArn": self.workspace_arn},
                    "StringEquals": {"aws:SourceAccount": account},
                },
            )
        )
        if not added.statement_added:
            Annotations.of(self).add_warning_v2(
                IMPORTED_TOPIC_WARNING,
                f"The topic {topic.topic_arn} is not managed by this stack: its policy must let "
                f"{APS_PRINCIPAL} use sns:Publish and sns:GetTopicAttributes with aws:SourceArn "
                "this workspace, or alerts are not delivered.",
            )
        if key is None:
            return
        # The same statement for every workspace (a key policy cannot name the
        # workspace without a cycle): identical statements are merged.
        key_added = key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ManagedPrometheusAlertsToEncryptedTopics",
                principals=[iam.ServicePrincipal(APS_PRINCIPAL)],
                actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": account}},
            ),
            allow_no_op=True,
        )
        if not key_added.statement_added:
            Annotations.of(self).add_warning_v2(
                IMPORTED_TOPIC_WARNING,
                f"The key {key.key_arn} is not managed by this stack: its policy must let "
                f"{APS_PRINCIPAL} use kms:GenerateDataKey* and kms:Decrypt, or alerts to the "
                "encrypted topic are not delivered.",
            )

    def _check(
        self,
        *,
        alias: str,
        log_group_name: str | None,
        derived_name: str | None,
        metrics_retention_days: int | None,
        alert_topic: sns.ITopic | None,
        alert_subject: str,
        storage: LogStorage,
    ) -> None:
        at = self.node.path
        problems = storage_problems(at, storage, log_group_names=[derived_name])
        if not Token.is_unresolved(alias) and not 1 <= len(alias.strip()) <= ALIAS_MAX:
            problems.append(
                Problem(
                    f"{at}.alias",
                    f"{cut(alias)!r} is not a workspace alias; use 1 to {ALIAS_MAX} characters "
                    f"(it is {len(alias)})",
                )
            )
        elif (
            log_group_name is None
            and derived_name is not None
            and not _LOG_GROUP_NAME_RE.fullmatch(derived_name)
        ):
            problems.append(
                Problem(
                    f"{at}.alias",
                    f"{cut(alias)!r} cannot name the log group ({LOG_GROUP_PREFIX}<alias>): "
                    "Managed Prometheus logs only to log groups named with letters, digits and "
                    ". - _ # /; give log_group_name, or an alias of those characters",
                )
            )
        if (
            log_group_name is not None
            and not Token.is_unresolved(log_group_name)
            and not _LOG_GROUP_NAME_RE.fullmatch(log_group_name)
        ):
            problems.append(
                Problem(
                    f"{at}.log_group_name",
                    f"{cut(log_group_name)!r} is not a log group Managed Prometheus logs to; use "
                    "1 to 512 letters, digits and . - _ # /",
                )
            )
        if metrics_retention_days is not None and metrics_retention_days < 1:
            problems.append(
                Problem(
                    f"{at}.metrics_retention_days",
                    f"{metrics_retention_days} is not a retention; give at least 1 day, or none "
                    "for Managed Prometheus' default (150 days)",
                )
            )
        if alert_topic is not None:
            problems += [Problem(f"{at}.alert_topic", m) for m in self._topic_problems(alert_topic)]
            if message := check_alert_subject(alert_subject):
                problems.append(Problem(f"{at}.alert_subject", message))
        if problems:
            raise BlueprintError(problems)

    def _topic_problems(self, topic: sns.ITopic) -> list[str]:
        stack = Stack.of(self)
        shown = arns.shown(topic.topic_arn)
        found: list[str] = []
        fifo_name = not Token.is_unresolved(topic.topic_name) and topic.topic_name.endswith(".fifo")
        if topic.fifo or fifo_name:
            found.append(
                f"{shown} is a FIFO topic; the alert manager sends only to Standard topics: "
                "give a Standard topic"
            )
        for part, here, topic_value in (
            ("Region", stack.region, topic.env.region),
            ("account", stack.account, topic.env.account),
        ):
            if not (Token.is_unresolved(here) or Token.is_unresolved(topic_value)) and (
                here != topic_value
            ):
                found.append(
                    f"{shown} is in {part} {topic_value}, the workspace in {here}; the alert "
                    f"manager sends only to topics in its own account and Region: give a topic "
                    f"in {here}"
                )
        return found


def check_alert_subject(subject: str) -> str | None:
    """Return why SNS would refuse ``subject`` (after templating), or None.

    SNS replaces a subject with control or non-ASCII characters by an error text,
    and Managed Prometheus cuts it at 100 characters.
    """
    if not subject.strip() or any(not " " <= char <= "~" for char in subject):
        return (
            f"{cut(subject)!r} is not a subject SNS delivers; use printable ASCII characters "
            "(no line breaks), such as "
            f"{DEFAULT_ALERT_SUBJECT!r}"
        )
    if subject.count("{{") != subject.count("}}"):
        return f"{cut(subject)!r} has unbalanced {{{{ }}}}; close every template action"
    return None


def alert_manager_definition(*, topic_arn: str, region: str, subject: str) -> str:
    """Return the alert manager definition: every alert to one SNS topic.

    The form is the one Managed Prometheus documents: ``alertmanager_config`` holds
    the Alertmanager configuration as a string; the receiver has only
    ``sns_configs`` with the topic, SigV4 in the topic's Region, and a subject
    (https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-alertmanager-config.html).
    ``topic_arn`` and ``region`` may be CDK tokens.
    """
    config = {
        "route": {"receiver": ALERT_RECEIVER, "group_by": ["alertname"]},
        "receivers": [
            {
                "name": ALERT_RECEIVER,
                "sns_configs": [
                    {"topic_arn": topic_arn, "sigv4": {"region": region}, "subject": subject}
                ],
            }
        ],
    }
    inner = yaml.safe_dump(config, sort_keys=False, width=1_000_000)
    return "alertmanager_config: |\n" + textwrap.indent(inner, "  ")
