"""Container Insights on an ECS cluster and its performance log group."""

from __future__ import annotations

from typing import Any, Unpack

from aws_cdk import Annotations, Token
from aws_cdk import aws_ecs as ecs
from constructs import Construct

from observability_blueprint.logs import (
    LogStorage,
    ManagedLogGroup,
    storage_problems,
    with_retention,
)
from observability_blueprint.rules import containers as rules
from observability_blueprint.rules.errors import BlueprintError, Problem

DEFAULT_MODE: rules.EcsMode = "enhanced"
"""Container Insights with enhanced observability, which AWS recommends for new clusters."""
SETTING = "containerInsights"
BY_NAME_WARNING = "observability-blueprint:ecs-container-insights-by-name"
"""The ID of the warning for a cluster given by name."""


class EcsContainerInsights(Construct):
    """Container Insights on an ECS cluster, with its performance log group made first.

    Pre-creates ``/aws/ecs/containerinsights/<cluster>/performance`` (the name
    the service fixes) with retention, and turns Container Insights on:

    - for an ``ecs.Cluster`` of the same CDK app, by setting ``containerInsights``
      on its ``AWS::ECS::Cluster``; when the cluster has a literal name the
      cluster also waits for the log group, so ECS cannot create it first (a
      cluster in another stack makes that stack deploy after this one);
    - for a cluster given by name (or imported), it cannot: CloudFormation
      changes only resources its stack manages. The construct then warns, with
      the command that turns the setting on. It deliberately does not call
      UpdateClusterSettings from a custom resource: that would add a Lambda
      function allowed to change the cluster, fight the cluster owner's own
      template or Terraform over the setting (drift, reverted on their next
      deploy), and could not restore anything when this stack is deleted.

    A log group that exists already (Container Insights was on before) stops
    the deploy on its name; adopt it with ``cdk deploy --import-existing-resources``.

    Parameters
    ----------
    cluster
        An ``ecs.ICluster`` or the cluster's name.
    mode
        ``enhanced`` or ``enabled``. Default: ``enhanced``.
    storage
        ``retention_days``, ``encryption_key``, ``removal_policy`` of the performance
        log group: see :class:`LogStorage` (default: 30 days, AWS-owned key, retained).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster: ecs.ICluster | str,
        mode: rules.EcsMode = DEFAULT_MODE,
        **storage: Unpack[LogStorage],
    ) -> None:
        super().__init__(scope, id)
        cfn = None if isinstance(cluster, str) else cluster.node.default_child
        cluster_path = cluster if isinstance(cluster, str) else cluster.node.path
        self._cfn_cluster = cfn if isinstance(cfn, ecs.CfnCluster) else None
        name = self._literal_name(cluster)
        self._check(name=name, mode=mode, storage=storage)
        self.cluster_name: str = name or (
            cluster if isinstance(cluster, str) else cluster.cluster_name
        )
        """The cluster's name (a reference when CloudFormation names the cluster)."""
        self.managed: bool = self._cfn_cluster is not None
        """Whether this construct turned the setting on (False: a cluster given by name)."""

        self.log_group = ManagedLogGroup(
            self,
            "Performance",
            log_group_name=rules.ecs_log_group_name(self.cluster_name),
            **with_retention(storage, rules.DEFAULT_PERFORMANCE_RETENTION_DAYS),
        )
        """The performance log group."""

        if self._cfn_cluster is not None:
            self._enable(self._cfn_cluster, mode)
            if name is not None:
                self._cfn_cluster.node.add_dependency(self.log_group)
            else:
                Annotations.of(self).add_warning_v2(
                    "observability-blueprint:ecs-cluster-without-name",
                    f"the cluster {cluster_path} has no cluster_name, so its log group name "
                    "refers to the cluster and can only be created after it; ECS may "
                    "create the log group first (without retention) and stop the deploy. "
                    "Give the cluster a cluster_name",
                )
        else:
            Annotations.of(self).add_warning_v2(
                BY_NAME_WARNING,
                f"Container Insights is a setting of ECS cluster {self.cluster_name}, which "
                "this stack does not manage, so CloudFormation cannot turn it on; this stack "
                "only pre-creates its performance log group. Turn it on where the cluster is "
                f"defined (ClusterSettings: {SETTING}={mode}) or run: aws ecs "
                f"update-cluster-settings --cluster {self.cluster_name} --settings "
                f"name={SETTING},value={mode}",
            )

    def _literal_name(self, cluster: ecs.ICluster | str) -> str | None:
        if isinstance(cluster, str):
            return cluster
        if self._cfn_cluster is not None:
            name = self._cfn_cluster.cluster_name
            return name if name is not None and not Token.is_unresolved(name) else None
        name = cluster.cluster_name  # imported: the name it was imported with
        return None if Token.is_unresolved(name) else name

    def _check(self, *, name: str | None, mode: str, storage: LogStorage) -> None:
        at = self.node.path
        problems = storage_problems(
            at,
            storage,
            log_group_names=[None if name is None else rules.ecs_log_group_name(name)],
            name_argument="cluster",
        )
        if name is not None and (message := rules.check_ecs_cluster_name(name)):
            problems.append(Problem(f"{at}.cluster", message))
        if mode not in rules.ECS_MODES:
            problems.append(
                Problem(
                    f"{at}.mode",
                    f"{mode!r} is not a Container Insights mode; use one of "
                    + ", ".join(rules.ECS_MODES),
                )
            )
        if problems:
            raise BlueprintError(problems)

    @staticmethod
    def _enable(cluster: ecs.CfnCluster, mode: str) -> None:
        """Set containerInsights on the cluster, keeping its other settings."""
        current: Any = cluster.cluster_settings or []
        kept = [s for s in current if _setting_name(s) != SETTING]
        cluster.cluster_settings = [
            *kept,
            ecs.CfnCluster.ClusterSettingsProperty(name=SETTING, value=mode),
        ]


def _setting_name(setting: Any) -> str | None:
    if isinstance(setting, dict):
        return setting.get("name")
    return getattr(setting, "name", None)
