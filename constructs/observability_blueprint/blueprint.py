"""The whole blueprint file as one construct: one unit per service."""

from __future__ import annotations

from aws_cdk import Annotations, RemovalPolicy, Tags
from aws_cdk import aws_logs as logs

from constructs import Construct
from observability_blueprint import config as cfg
from observability_blueprint.blueprint_key import BlueprintKey
from observability_blueprint.managed_log_group import DataProtectionSettings, ManagedLogGroup
from observability_blueprint.metric_filters import metric_collisions
from observability_blueprint.notification_topic import NotificationTopic, TopicSubscriber
from observability_blueprint.structured_log_metrics import StructuredLogMetrics


class ServiceUnit(Construct):
    """What the blueprint creates for one service: its log groups and their metrics.

    A unit is the grain at which a large blueprint can later be split across
    stacks, so nothing in one unit reaches into another's internals.
    """

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.log_groups: dict[str, ManagedLogGroup] = {}
        """Log groups of the service, by their name in the blueprint file."""
        self.structured_metrics: dict[str, StructuredLogMetrics] = {}
        """Structured-log metrics, by log group name."""


class ObservabilityBlueprint(Construct):
    """Everything a blueprint file describes, built from a validated :class:`Blueprint`.

    Construct IDs are public API (changing one replaces a resource): the key is
    ``Key``, topics live under ``Notifications/<topic name>``, and each service
    is a :class:`ServiceUnit` under ``Services/<service>`` holding its log groups
    by their names in the file.

    Parameters
    ----------
    config
        The validated blueprint file (``Blueprint.from_yaml(path)``).
    """

    def __init__(self, scope: Construct, id: str, *, config: cfg.Blueprint) -> None:
        super().__init__(scope, id)
        self.config = config
        for key, value in config.tags.items():
            Tags.of(self).add(key, value)

        needs_key = bool(config.notifications) or any(g.encrypted for g in config.log_groups)
        self.key: BlueprintKey | None = BlueprintKey(self, "Key") if needs_key else None
        """The blueprint's customer-managed key, when anything needs one."""

        self.topics: dict[str, NotificationTopic] = {}
        """Notification topics, by name."""
        if config.notifications:
            assert self.key is not None
            notifications = Construct(self, "Notifications")
            for topic in config.notifications:
                self.topics[topic.name] = NotificationTopic(
                    notifications,
                    topic.name,
                    key=self.key,
                    topic_name=f"{config.prefix}-{topic.name}",
                    display_name=topic.display_name,
                    subscribers=[
                        TopicSubscriber(s.kind, s.endpoint)  # type: ignore[arg-type]
                        for s in topic.subscribers
                    ],
                )

        self.services: dict[str, ServiceUnit] = {}
        """One unit per service, by name."""
        services = Construct(self, "Services")
        # A log group that receives another's data-protection findings is made
        # first, so the policy can reference it (and CloudFormation orders them).
        audit_names = {
            g.data_protection.audit_log_group for g in config.log_groups if g.data_protection
        }
        ordered = sorted(
            config.log_groups, key=lambda g: g.physical_name(config) not in audit_names
        )
        self._by_physical_name: dict[str, ManagedLogGroup] = {}
        for group in ordered:
            unit_name = group.unit()
            unit = self.services.get(unit_name) or ServiceUnit(services, unit_name)
            self.services[unit_name] = unit
            unit.log_groups[group.name] = self._log_group(unit, group)
            self._by_physical_name[group.physical_name(config)] = unit.log_groups[group.name]
            if group.structured_logs:
                unit.structured_metrics[group.name] = self._structured(unit, group)

        for problem in metric_collisions(
            metric
            for unit in self.services.values()
            for log_group in unit.log_groups.values()
            for metric in log_group.published_metrics
        ):
            Annotations.of(self).add_warning_v2(
                "observability-blueprint:metric-collision", str(problem)
            )

    def _log_group(self, unit: ServiceUnit, group: cfg.LogGroup) -> ManagedLogGroup:
        config = self.config
        data_protection = None
        if group.data_protection:
            dp = group.data_protection
            audit: logs.ILogGroup | None = None
            if dp.audit_log_group in self._by_physical_name:
                audit = self._by_physical_name[dp.audit_log_group].log_group
            elif dp.audit_log_group:
                audit = logs.LogGroup.from_log_group_name(
                    unit, f"{group.name}Audit", dp.audit_log_group
                )
            data_protection = DataProtectionSettings(
                identifiers=tuple(dp.identifiers), custom=dict(dp.custom), audit_log_group=audit
            )
        managed = ManagedLogGroup(
            unit,
            group.name,
            log_group_name=group.physical_name(config),
            retention_days=group.retention_days,
            log_class=group.log_class,
            encryption_key=self.key if group.encrypted else None,
            removal_policy=(
                RemovalPolicy.DESTROY if group.removal_policy == "destroy" else RemovalPolicy.RETAIN
            ),
            deletion_protection=group.deletion_protection,
            data_protection=data_protection,
        )
        for metric_filter in group.metric_filters:
            managed.add_metric_filter(
                metric_filter.to_spec(filter_name=config.filter_name(metric_filter.name))
            )
        for index, subscription in enumerate(group.subscriptions):
            managed.add_subscription(
                f"Subscription{index}",
                destination_arn=subscription.destination_arn,
                pattern=subscription.pattern,
                role_arn=subscription.role_arn,
                filter_name=f"{config.prefix}-{group.name}-{index}",
            )
        return managed

    def _structured(self, unit: ServiceUnit, group: cfg.LogGroup) -> StructuredLogMetrics:
        structured = group.structured_logs
        assert structured is not None
        return StructuredLogMetrics(
            unit,
            f"{group.name}Metrics",
            log_group=unit.log_groups[group.name],
            namespace=self.config.metric_namespace(group),
            fields=structured.to_fields(),
            error_levels=tuple(structured.error_levels),
            filter_name_prefix=self.config.prefix,
            query_name="/".join(
                dict.fromkeys((self.config.prefix, unit.node.id, group.name, "failed-requests"))
            ),
        )
