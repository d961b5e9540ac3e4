"""The whole blueprint file as one construct: one unit per service."""

from __future__ import annotations

import functools
from typing import Any, cast

from aws_cdk import Annotations, Duration, RemovalPolicy, Stack, Tags, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.alarms import alarm_action_kind
from observability_blueprint.alarms._metrics import known_metric
from observability_blueprint.alarms.anomaly_alarm import AnomalyAlarm
from observability_blueprint.alarms.composite_alarm import RuleCompositeAlarm
from observability_blueprint.alarms.static_alarm import StaticAlarm
from observability_blueprint.blueprint.audit import AuditResources, build_audit
from observability_blueprint.blueprint.crossaccount import BuiltCrossAccount, build_cross_account
from observability_blueprint.blueprint.dashboard_plan import plan_dashboards
from observability_blueprint.blueprint.dashboards import BlueprintDashboards
from observability_blueprint.blueprint.events import (
    FORWARDING_UNDELIVERED,
    EventsUnit,
    build_events,
    forwarded_alarm_topic,
)
from observability_blueprint.blueprint.hosts import BuiltHosts, build_hosts
from observability_blueprint.blueprint.insights import (
    LogGroupInsights,
    build_account_insights,
    build_log_group_insights,
    dynamodb_commands,
    prepare_log_group,
)
from observability_blueprint.blueprint.prometheus import (
    BuiltPrometheus,
    build_grafana,
    build_prometheus,
)
from observability_blueprint.blueprint.resources import BuiltService, build_resource_monitors
from observability_blueprint.blueprint.sharding import ShardScopes
from observability_blueprint.blueprint.tracing import BuiltTracing, build_tracing
from observability_blueprint.blueprint.units import (
    ALARM_PREFIX,
    DASHBOARD_PREFIX,
    SERVICE_PREFIX,
)
from observability_blueprint.config import alarms as cfg_alarms
from observability_blueprint.config import blueprint as cfg
from observability_blueprint.config.network import EcsCluster, EksCluster, FlowLogs
from observability_blueprint.containers.ecs_container_insights import EcsContainerInsights
from observability_blueprint.containers.eks_observability import EksObservability
from observability_blueprint.events import EventDelivery, ForwardedAlarmActions
from observability_blueprint.events.event_forwarder import alarm_arn
from observability_blueprint.grafana import GrafanaWorkspace
from observability_blueprint.logs.anomaly_detection import LogAnomalyDetection
from observability_blueprint.logs.field_indexes import AccountFieldIndexPolicy, FieldIndexes
from observability_blueprint.logs.log_alarm import LogInsightsAlarm
from observability_blueprint.logs.managed_log_group import DataProtectionSettings, ManagedLogGroup
from observability_blueprint.logs.saved_queries import SavedQueries
from observability_blueprint.logs.structured_log_metrics import StructuredLogMetrics
from observability_blueprint.network.vpc_flow_logs import RejectedRemoteAccessAlarm, VpcFlowLogs
from observability_blueprint.notifications.notification_topic import (
    NotificationTopic,
    TopicSubscriber,
)
from observability_blueprint.rules import alarm_rules
from observability_blueprint.rules.alarm_settings import (
    ActionSet,
    AlarmKind,
    AlarmNaming,
    WatchedMetric,
    duplicate_alarms,
)
from observability_blueprint.rules.audit import SIGNIN_EVENTS_REGION
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.rules.flow_log_fields import TrafficType
from observability_blueprint.rules.metric_filters import PatternExamples, metric_collisions
from observability_blueprint.security.blueprint_key import BlueprintKey


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
        self.saved_queries: dict[str, SavedQueries] = {}
        """Saved Logs Insights queries, by log group name."""
        self.anomaly_detection: dict[str, LogAnomalyDetection] = {}
        """Log anomaly detectors and their alarms, by log group name."""
        self.insights: dict[str, LogGroupInsights] = {}
        """Field indexes, log alarms, scheduled queries and Contributor Insights rules,
        by log group name."""
        self.resources: BuiltService | None = None
        """The monitors of the AWS resources it runs on and its health alarm (``services:``)."""


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
    alarm_naming
        Gives alarms their physical names. Default: ``<name>-<stage>-<alarm>``.
    include_dashboards
        Create the dashboards here. Default: yes (``build`` places them in their own
        stack when they would crowd this one's template).
    shards
        Where each unit is built when the blueprint spans several stacks
        (:func:`~observability_blueprint.blueprint.stacks.build` places them). A unit
        keeps its construct ids in any shard: ``Services/<service>`` under the
        ``Blueprint`` construct of its shard's stack. Default: everything here.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: cfg.Blueprint,
        alarm_naming: AlarmNaming | None = None,
        include_dashboards: bool = True,
        shards: ShardScopes | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.config = config
        self._shards = shards
        self.alarm_naming: AlarmNaming = alarm_naming or config.alarm_naming()
        """The naming strategy of alarms."""
        for key, value in config.tags.items():
            Tags.of(self).add(key, value)

        needs_key = config.needs_key()
        self.key: BlueprintKey | None = BlueprintKey(self, "Key") if needs_key else None
        """The blueprint's customer-managed key, when anything needs one."""

        self.topics: dict[str, NotificationTopic] = {}
        """Notification topics, by name."""
        if config.notifications:
            assert self.key is not None
            self.topics = build_topics(self, config, encryption_key=self.key)
        if self.key is not None:
            # All at once (after the topics', as the statements always were): the key
            # policy's condition is written once, not once per log group.
            # In build order: groups receiving data-protection findings first.
            receivers = {
                g.data_protection.audit_log_group for g in config.log_groups if g.data_protection
            }
            first = sorted(
                config.log_groups, key=lambda g: g.physical_name(config) not in receivers
            )
            self.key.allow_log_groups(g.physical_name(config) for g in first if g.encrypted)

        self.services: dict[str, ServiceUnit] = {}
        """One unit per service, by name."""
        # A log group that receives another's data-protection findings is made
        # first, so the policy can reference it (and CloudFormation orders them).
        audit_names = {
            g.data_protection.audit_log_group for g in config.log_groups if g.data_protection
        }
        ordered = sorted(
            config.log_groups, key=lambda g: g.physical_name(config) not in audit_names
        )
        self._by_physical_name: dict[str, ManagedLogGroup] = {}
        indexes: dict[str, FieldIndexes | None] = {}
        for group in ordered:
            unit_name = group.unit()
            unit = self.services.get(unit_name) or self._service_unit(unit_name)
            self.services[unit_name] = unit
            unit.log_groups[group.name], indexes[group.name] = self._log_group(unit, group)
            self._by_physical_name[group.physical_name(config)] = unit.log_groups[group.name]
            if group.structured_logs:
                unit.structured_metrics[group.name] = self._structured(unit, group)
            if group.anomaly_detection.on(group.log_class):
                unit.anomaly_detection[group.name] = self._anomalies(unit, group)
            if queries := config.log_group_queries(group):
                unit.saved_queries[group.name] = SavedQueries(
                    unit,
                    f"{group.name}Queries",
                    log_groups=[unit.log_groups[group.name]],
                    folder=config.query_folder(group),
                    queries=queries,
                    fields=group.structured_logs.to_fields() if group.structured_logs else None,
                )

        self.field_index_policy: AccountFieldIndexPolicy | None = build_account_insights(
            self, config
        )
        """The account's field index policy (``insights.field_index_policy``)."""
        self.log_alarms: dict[str, LogInsightsAlarm] = {}
        """Log alarms of every log group, by name."""
        self._build_log_group_insights(ordered, indexes)

        self.alarms: dict[str, StaticAlarm | AnomalyAlarm | RuleCompositeAlarm] = {}
        """Alarms by name."""
        if config.alarms:
            self._build_alarms()

        if config.services:
            for service in config.services:
                if service.name not in self.services:
                    self.services[service.name] = self._service_unit(service.name)
            built = build_resource_monitors(
                self.services,
                config,
                naming=self.alarm_naming,
                default_actions=self.default_actions("composite"),
                topics={name: topic.topic for name, topic in self.topics.items()},
                shared_scope=Stack.of(self),
            )
            for name, result in built.items():
                self.services[name].resources = result

        self.flow_logs: dict[str, VpcFlowLogs] = {}
        """VPC flow logs, by entry name."""
        if config.flow_logs:
            network = Construct(self._scope("area:network"), "Network")
            for entry in config.flow_logs:
                self.flow_logs[entry.name] = self._flow_logs(network, entry)
        self.eks: dict[str, EksObservability] = {}
        """Container Insights on EKS clusters, by cluster name."""
        self.ecs: dict[str, EcsContainerInsights] = {}
        """Container Insights on ECS clusters, by cluster name."""
        if config.containers and (config.containers.eks or config.containers.ecs):
            containers = Construct(self._scope("area:containers"), "Containers")
            if config.containers.eks:
                eks_scope = Construct(containers, "Eks")
                for eks in config.containers.eks:
                    self.eks[eks.cluster] = self._eks(eks_scope, eks)
            if config.containers.ecs:
                ecs_scope = Construct(containers, "Ecs")
                for ecs in config.containers.ecs:
                    self.ecs[ecs.cluster] = self._ecs(ecs_scope, ecs)

        self.hosts: BuiltHosts | None = None
        """The CloudWatch agent fleets, host identity and VPC endpoints."""
        if config.hosts is not None:
            self.hosts = build_hosts(
                self._scope("area:hosts"),
                config.hosts,
                name=config.name,
                stage=config.stage,
                encryption_key=self.key,
            )

        self.audit: AuditResources | None = None
        """The audit trail, CIS alarms, Contributor Insights and sign-in rules."""
        if config.audit_trail is not None:
            self.audit = build_audit(
                self._scope("area:audit"),
                config.audit_trail,
                name=config.name,
                stage=config.stage,
                encryption_key=self.key,
                topics=self.topics,
                alarm_naming=self.alarm_naming,
                home_region=config.env.region if config.env else None,
            )

        self.dashboards: BlueprintDashboards | None = None
        """The dashboards, unless they were placed in a stack of their own."""
        if include_dashboards and plan_dashboards(config, region="us-east-1"):
            self.dashboards = BlueprintDashboards(
                self,
                "Dashboards",
                config=config,
                alarm_naming=self.alarm_naming,
                parent_of=self._dashboard_parent if self._shards is not None else None,
            )

        self.events: EventsUnit | None = None
        """EventBridge alerts, schedules and responses (also those on global-service
        events: a blueprint homed outside us-east-1 forwards their events here)."""
        if config.events is not None:
            region = config.home_region
            self.events = build_events(
                self._scope("area:events"),
                config.events,
                prefix=config.prefix,
                topics={name: topic.topic for name, topic in self.topics.items()},
                alarms={
                    **{name: alarm.alarm for name, alarm in self.alarms.items()},
                    **{name: alarm.alarm for name, alarm in self.log_alarms.items()},
                },
                alarm_naming=self.alarm_naming,
                encryption_key=self.key,
                placement="all",
            )
            global_rules = config.global_event_rules()
            if region is None and global_rules:
                Annotations.of(self).add_warning_v2(
                    "observability-blueprint:global-event-rules",
                    f"Rules {', '.join(global_rules)} match IAM, STS or console sign-in events, "
                    "which reach EventBridge in us-east-1 only: deploy this stack to us-east-1, "
                    "or set env.region so the blueprint forwards them from a us-east-1 stack.",
                )

        self.tracing: BuiltTracing | None = None
        """X-Ray groups per service, sampling rules and Transaction Search."""
        if config.tracing is not None:
            self.tracing = build_tracing(
                self._scope("area:tracing"),
                config.tracing,
                services=config.service_names(),
                prefix=config.prefix,
                topics={name: topic.topic for name, topic in self.topics.items()},
                alarm_naming=self.alarm_naming,
            )

        for table, command in dynamodb_commands(config):
            Annotations.of(self).add_warning_v2(
                "observability-blueprint:dynamodb-contributor-insights-by-name",
                f"DynamoDB Contributor Insights is a setting of {table}, which this stack "
                "does not manage, so CloudFormation cannot turn it on. Turn it on where the "
                "table is defined (ContributorInsightsSpecification: Enabled: true) or run: "
                f"{command}",
            )

        self.prometheus: BuiltPrometheus | None = None
        """The Prometheus workspace, its rules, the scraper and the ADOT collectors."""
        if config.prometheus is not None:
            fleets = config.hosts.fleets if config.hosts else []
            self.prometheus = build_prometheus(
                self._scope("area:prometheus"),
                config.prometheus,
                prefix=config.prefix,
                services=config.service_names(),
                topics={name: topic.topic for name, topic in self.topics.items()},
                encryption_key=self.key if config.prometheus.workspace.encrypted else None,
                topic_key=self.key,
                fleet_targets={f.name: [t.to_target() for t in f.targets] for f in fleets},
                host_identity=self.hosts.identity if self.hosts else None,
                eks_clusters={
                    c.cluster: c.oidc_provider_arn
                    for c in (config.containers.eks if config.containers else [])
                },
            )
        self.grafana: GrafanaWorkspace | None = None
        """The Grafana workspace."""
        if config.grafana is not None:
            grafana_scope = self._scope("area:grafana")
            self.grafana = build_grafana(
                grafana_scope,
                config.grafana,
                prefix=config.prefix,
                topics={name: topic.topic for name, topic in self.topics.items()},
                prometheus=self.prometheus,
                log_groups=_by_name_elsewhere(grafana_scope, self._log_groups()),
            )

        self.cross_account: BuiltCrossAccount | None = None
        """The OAM sink or link and the organization rules of this account (``cross_account:``)."""
        if config.cross_account is not None and config.env and config.env.account:
            assert config.env.region is not None
            self.cross_account = build_cross_account(
                self._scope("area:cross_account"),
                config.cross_account,
                account=config.env.account,
                region=config.env.region,
            )

        self.forwarded_alarms: ForwardedAlarmActions | None = None
        """Notifications of the us-east-1 stack's alarm (events it could not forward)."""
        topic_name = forwarded_alarm_topic(config)
        if config.needs_us_east_1_stack() and topic_name is not None:
            self.forwarded_alarms = self._forwarded_alarms(self.topics[topic_name].topic)

        for problem in metric_collisions(
            metric
            for unit in self.services.values()
            for log_group in unit.log_groups.values()
            for metric in log_group.published_metrics
        ):
            Annotations.of(self).add_warning_v2(
                "observability-blueprint:metric-collision", str(problem)
            )

    def _scope(self, unit: str) -> Construct:
        """The construct ``unit`` is built under: this one, or its shard's ``Blueprint``."""
        return self if self._shards is None else self._shards.root(unit, self)

    def _alarms_for(
        self, scope: Construct, id: str, alarms: dict[str, cloudwatch.IAlarm]
    ) -> dict[str, cloudwatch.IAlarm]:
        """``alarms`` (by name in the file) as ``scope`` may use them.

        An alarm of another shard is referred to by the ARN its name gives (the blueprint
        names every alarm), under ``scope/<id>``: no output per alarm in its stack (a
        template takes 200), and ``scope``'s stack deploys after that one (a composite
        alarm's children must exist before it).
        """
        if self._shards is None:
            return alarms
        here = Stack.of(scope)
        found: dict[str, cloudwatch.IAlarm] = {}
        holder: Construct | None = None
        for name, alarm in alarms.items():
            there = Stack.of(alarm)
            if there is here:
                found[name] = alarm
                continue
            if holder is None:
                holder = Construct(scope, id)
            try:
                here.add_stack_dependency(there, f"alarms named by {scope.node.path}/{id}")
            except RuntimeError as error:  # jsii: a dependency cycle between the stacks
                raise BlueprintError.at(
                    f"{scope.node.path}/{id}",
                    f"{str(error).splitlines()[0][:300]} The stacks would wait for each other: "
                    "a composite alarm (or its suppressor) names alarms placed after it. "
                    "Re-plan with `cdk synth -c replan=true`, or give the composite its own "
                    "place after its children",
                ) from None
            found[name] = cloudwatch.Alarm.from_alarm_arn(
                holder,
                name,
                alarm_arn(holder, region=here.region, alarm_name=self.alarm_naming.name(name)),
            )
        return found

    def _dashboard_parent(self, key: str) -> Construct | None:
        """Where dashboard ``key`` is built: ``Dashboards`` of its shard's ``Blueprint``, or
        None for this stack's (the dashboards construct itself)."""
        root = self._scope(f"{DASHBOARD_PREFIX}{key}")
        return None if root is self else _holder(root, "Dashboards")

    def _alarms_scope(self, name: str) -> Construct:
        """Where alarm ``name`` of ``alarms:`` is built: ``Alarms`` of its shard's ``Blueprint``
        (each alarm is a unit of its own, ``alarm:<name>``)."""
        return _holder(self._scope(f"{ALARM_PREFIX}{name}"), "Alarms")

    def _service_unit(self, name: str) -> ServiceUnit:
        """A service's unit, under ``Services`` of the ``Blueprint`` of its shard."""
        return ServiceUnit(_holder(self._scope(f"{SERVICE_PREFIX}{name}"), "Services"), name)

    def _log_groups(self) -> list[logs.ILogGroup]:
        """Every log group the blueprint made or reads: services, fleets, flow logs, trail."""
        found: list[logs.ILogGroup] = [
            group.log_group for unit in self.services.values() for group in unit.log_groups.values()
        ]
        if self.hosts is not None:
            found += [
                g.log_group for groups in self.hosts.log_groups.values() for g in groups.values()
            ]
        found += [entry.log_group.log_group for entry in self.flow_logs.values()]
        if self.audit is not None:
            found.append(self.audit.log_group)
        return found

    def _forwarded_alarms(self, topic: sns.ITopic) -> ForwardedAlarmActions:
        """Notify ``topic`` when the us-east-1 stack's forwarding alarm fires."""
        delivery: EventDelivery | None = None
        if self.audit is not None and self.audit.signin_alerts is not None:
            delivery = self.audit.signin_alerts.delivery
        elif self.events is not None and self.events.deliveries:
            delivery = next(iter(self.events.deliveries.values()))
        scope = Construct(self, "ForwardedAlarms")
        if delivery is None:
            delivery = EventDelivery(
                scope,
                "Delivery",
                topics=[topic],
                alarm_name=self.alarm_naming.name("forwarded-alarms-undelivered"),
            )
        return ForwardedAlarmActions(
            scope,
            "Actions",
            alarm_arns=[
                alarm_arn(
                    self,
                    region=SIGNIN_EVENTS_REGION,
                    alarm_name=self.alarm_naming.name(FORWARDING_UNDELIVERED),
                )
            ],
            delivery=delivery,
            alarm=[topic],
            rule_name_prefix=f"{self.config.prefix}-forwarded",
        )

    def _build_log_group_insights(
        self, groups: list[cfg.LogGroup], indexes: dict[str, FieldIndexes | None]
    ) -> None:
        by_name = {
            name: managed
            for unit in self.services.values()
            for name, managed in unit.log_groups.items()
        }
        for group in groups:
            unit = self.services[group.unit()]
            built = build_log_group_insights(
                unit,
                group,
                config=self.config,
                log_groups=by_name,
                alarm_naming=self.alarm_naming,
                default_actions=self.default_actions("log"),
                quiet=self._quiet,
                topics={name: topic.topic for name, topic in self.topics.items()},
                encryption_key=self.key,
                encrypted={g.name for g in groups if g.encrypted},
                field_indexes=indexes[group.name],
            )
            unit.insights[group.name] = built
            self.log_alarms.update(built.log_alarms)

    def _log_group(
        self, unit: ServiceUnit, group: cfg.LogGroup
    ) -> tuple[ManagedLogGroup, FieldIndexes | None]:
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
            removal_policy=_removal(group.removal_policy),
            deletion_protection=group.deletion_protection,
            data_protection=data_protection,
        )
        indexes = prepare_log_group(unit, group, managed, config)
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
        return managed, indexes

    def _anomalies(self, unit: ServiceUnit, group: cfg.LogGroup) -> LogAnomalyDetection:
        settings = group.anomaly_detection
        key = self.config.log_anomaly_alarm_key(group)
        assert key is not None  # built only for log groups with anomaly detection
        return LogAnomalyDetection(
            unit,
            f"{group.name}Anomalies",
            log_group=unit.log_groups[group.name],
            evaluation_frequency=Duration.minutes(settings.evaluation_minutes),
            visibility=Duration.days(settings.visibility_days),
            priority=settings.priority,
            detector_name=self.config.anomaly_detector_name(group),
            encryption_key=self.key if group.encrypted else None,
            alarm_name=self.alarm_naming.name(key),
            actions=self.default_actions("static"),
            named_topics={name: topic.topic for name, topic in self.topics.items()},
        )

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

    # ------------------------------------------------------------------ alarms

    def _metric(self, alarm: cfg_alarms.Alarm, ref: cfg_alarms.MetricRef) -> cloudwatch.Metric:
        namespace, name = ref.namespace, ref.name
        if ref.filter is not None:
            resolved = cfg_alarms.resolve_filter(ref, self._filters)
            assert not isinstance(resolved, str), resolved  # checked by the config model
            namespace, name = resolved[1].namespace, resolved[1].metric_name
        assert namespace is not None
        assert name is not None
        # known_metric keeps the metric's facts in Python: the alarm reads none back.
        return known_metric(
            namespace=namespace,
            metric_name=name,
            dimensions=dict(ref.dimensions),
            statistic=cfg_alarms.statistic(alarm, ref),
            period=alarm.period,
        )

    def default_actions(self, kind: AlarmKind, *, single_instance: bool = False) -> ActionSet:
        """Return the file's default actions as an alarm of ``kind`` can take them.

        EC2 actions are dropped unless the alarm watches one instance's metric.
        """
        defaults = self.config.default_actions
        if defaults is None:
            return ActionSet()
        actions = defaults.to_set().only_accepted(kind)
        if single_instance:
            return actions
        return ActionSet(
            **{
                state: tuple(a for a in specs if alarm_action_kind(a) != "ec2")
                for state, specs in actions.by_state().items()
            }
        )

    def _actions(self, alarm: cfg_alarms.Alarm, quiet: set[str]) -> ActionSet:
        if alarm.actions is not None:
            return alarm.actions.to_set()
        if alarm.name in quiet:
            return ActionSet()
        return self.default_actions(
            alarm.type, single_instance=cfg_alarms.is_single_instance(alarm)
        )

    # ----------------------------------------------------- network, containers

    def _flow_logs(self, scope: Construct, entry: FlowLogs) -> VpcFlowLogs:
        config = self.config
        alarm = None
        settings = entry.rejected_ssh_rdp_alarm
        if settings is not None:
            examples = settings.examples
            alarm = RejectedRemoteAccessAlarm(
                ports=tuple(settings.ports),
                threshold=float(settings.threshold),
                period=Duration.seconds(settings.period),
                evaluation_periods=settings.evaluation_periods,
                datapoints_to_alarm=settings.datapoints_to_alarm,
                namespace=config.prefix,
                metric_name=f"RejectedSshRdp-{entry.name}",
                filter_name=f"{config.prefix}-{entry.alarm_key()}",
                alarm_name=self.alarm_naming.name(entry.alarm_key()),
                description=settings.description,
                runbook_url=settings.runbook_url,
                actions=(
                    settings.actions.to_set()
                    if settings.actions is not None
                    else self.default_actions("static")
                ),
                examples=(
                    PatternExamples(tuple(examples.match), tuple(examples.no_match))
                    if examples
                    else None
                ),
            )
        return VpcFlowLogs(
            scope,
            entry.name,
            vpc_ids=entry.vpc_ids,
            subnet_ids=entry.subnet_ids,
            network_interface_ids=entry.eni_ids,
            traffic_type=cast(TrafficType, entry.traffic_type),  # checked by the model
            log_format=entry.log_format,
            aggregation_interval=Duration.seconds(entry.aggregation_interval),
            log_group_name=entry.physical_log_group_name(config.name, config.stage),
            retention_days=entry.retention_days,
            encryption_key=self.key if entry.encrypted else None,
            removal_policy=_removal(entry.removal_policy),
            queries=entry.queries,
            query_name_prefix=f"{config.prefix}/vpc-flow-logs/{entry.name}",
            rejected_remote_access_alarm=alarm,
            named_topics={name: topic.topic for name, topic in self.topics.items()},
        )

    def _eks(self, scope: Construct, entry: EksCluster) -> EksObservability:
        return EksObservability(
            scope,
            entry.cluster,
            cluster_name=entry.cluster,
            oidc_provider_arn=entry.oidc_provider_arn,
            addon_version=entry.addon_version,
            configuration_values=entry.configuration,
            application_signals=entry.application_signals,
            pod_identity_agent=entry.pod_identity_agent,
            retention_days=entry.retention_days,
            performance_retention_days=entry.performance_retention_days,
            encryption_key=self.key if entry.encrypted else None,
            removal_policy=_removal(entry.removal_policy),
        )

    def _ecs(self, scope: Construct, entry: EcsCluster) -> EcsContainerInsights:
        return EcsContainerInsights(
            scope,
            entry.cluster,
            cluster=entry.cluster,
            mode=entry.mode,
            retention_days=entry.retention_days,
            encryption_key=self.key if entry.encrypted else None,
            removal_policy=_removal(entry.removal_policy),
        )

    def _composite_children(self) -> dict[str, list[str]]:
        """Each composite of ``alarms:`` with the alarms of the file its rule names
        (those of ``alarms:`` and the log groups' ``log_alarms``)."""
        named = {a.name for a in self.config.alarms} | set(self.config.log_alarm_names())
        return {
            a.name: [r for r in alarm_rules.references(alarm_rules.parse(a.rule)) if r in named]
            for a in self.config.alarms
            if a.type == "composite" and a.rule
        }

    @functools.cached_property
    def _quiet(self) -> set[str]:
        """The alarms a notifying composite speaks for: they keep no actions of their own.

        Noise control: a composite that notifies speaks for every alarm below it
        (children, grandchildren...), down to a composite whose children keep theirs.
        """
        by_name = {a.name: a for a in self.config.alarms}
        children = self._composite_children()
        return alarm_rules.quieted_alarms(
            children,
            speaking=[n for n in children if not self._actions(by_name[n], set()).is_empty()],
            keep_children=[n for n in children if by_name[n].children_keep_actions],
        )

    def _build_alarms(self) -> None:
        config = self.config
        self._filters = config.all_filters()
        naming = self.alarm_naming
        topics = {name: topic.topic for name, topic in self.topics.items()}
        by_name = {a.name: a for a in config.alarms}
        children = self._composite_children()
        # A composite comes after the composites its rule names and its suppressor.
        order = {name: [k for k in kids if k in by_name] for name, kids in children.items()}
        for name in order:
            settings = by_name[name].suppressor
            if settings is not None and settings.alarm in by_name:
                order[name].append(settings.alarm)
        quiet = self._quiet
        watched: list[WatchedMetric] = []
        for alarm in config.alarms:
            if alarm.type == "composite":
                continue
            common: dict[str, Any] = {
                "evaluation_periods": alarm.evaluation_periods,
                "datapoints_to_alarm": alarm.datapoints_to_alarm,
                "alarm_name": naming.name(alarm.name),
                "description": alarm.description,
                "runbook_url": alarm.runbook_url,
                "actions": self._actions(alarm, quiet),
                "named_topics": topics,
            }
            refs = [alarm.metric] if alarm.metric else list(alarm.metrics.values())
            from_filter = any(r.filter is not None for r in refs)
            common["from_metric_filter"] = from_filter
            common["treat_missing_data"] = cfg_alarms.treat_missing_data(
                alarm, from_filter=from_filter
            )
            if alarm.type == "anomaly":
                assert alarm.metric is not None
                self.alarms[alarm.name] = AnomalyAlarm(
                    self._alarms_scope(alarm.name),
                    alarm.name,
                    metric=self._metric(alarm, alarm.metric),
                    band=alarm.band,
                    direction=alarm.direction,
                    excluded_periods=[(r.start, r.end) for r in alarm.excluded_periods],
                    timezone=alarm.timezone,
                    **common,
                )
                continue
            assert alarm.threshold is not None
            assert alarm.comparison is not None
            metric: cloudwatch.IMetric
            if alarm.metric is not None:
                metric = self._metric(alarm, alarm.metric)
            else:
                metric = cloudwatch.MathExpression(
                    expression=alarm.expression or "",
                    using_metrics={
                        metric_id: self._metric(alarm, ref)
                        for metric_id, ref in sorted(alarm.metrics.items())
                    },
                    period=Duration.seconds(alarm.period),
                )
            static = StaticAlarm(
                self._alarms_scope(alarm.name),
                alarm.name,
                metric=metric,
                threshold=float(alarm.threshold),
                comparison=alarm.comparison,
                **common,
            )
            self.alarms[alarm.name] = static
            watched.append(
                WatchedMetric(
                    static.node.path,
                    static.facts.identity,
                    alarm.comparison,
                    float(alarm.threshold),
                )
            )
        for problem in duplicate_alarms(watched):
            Annotations.of(self).add_warning_v2(
                "observability-blueprint:duplicate-alarm", str(problem)
            )
        for name in _composites_in_order(order):
            alarm = by_name[name]
            scope = self._alarms_scope(name)
            suppressor: cloudwatch.IAlarm | None = None
            if alarm.suppressor is not None:
                target = alarm.suppressor.alarm
                suppressor = (
                    cloudwatch.Alarm.from_alarm_arn(scope, f"{name}Suppressor", target)
                    if target.startswith("arn:")
                    else self._alarms_for(
                        scope, f"{name}SuppressorElsewhere", {target: self.alarms[target].alarm}
                    )[target]
                )
            self.alarms[name] = RuleCompositeAlarm(
                scope,
                name,
                rule=alarm.rule or "",
                alarms=self._alarms_for(
                    scope,
                    f"{name}Children",
                    {
                        child: (self.alarms.get(child) or self.log_alarms[child]).alarm
                        for child in children.get(name, [])
                    },
                ),
                suppressor=suppressor,
                suppressor_wait_period=Duration.seconds(
                    alarm.suppressor.wait_period if alarm.suppressor else 60
                ),
                suppressor_extension_period=Duration.seconds(
                    alarm.suppressor.extension_period if alarm.suppressor else 60
                ),
                alarm_name=naming.name(name),
                description=alarm.description,
                runbook_url=alarm.runbook_url,
                actions=self._actions(alarm, quiet),
                named_topics=topics,
            )


def build_topics(
    scope: Construct, config: cfg.Blueprint, *, encryption_key: BlueprintKey
) -> dict[str, NotificationTopic]:
    """Build the file's ``notifications:`` under ``scope/Notifications``, by topic name."""
    notifications = Construct(scope, "Notifications")
    return {
        topic.name: NotificationTopic(
            notifications,
            topic.name,
            encryption_key=encryption_key,
            topic_name=f"{config.prefix}-{topic.name}",
            display_name=topic.display_name,
            subscribers=[
                TopicSubscriber(s.kind, s.endpoint)  # type: ignore[arg-type]
                for s in topic.subscribers
            ],
        )
        for topic in config.notifications
    }


def _holder(root: Construct, id: str) -> Construct:
    """The child ``id`` of ``root``, made on first use (one per shard's ``Blueprint``)."""
    found = root.node.try_find_child(id)
    if found is None:
        return Construct(root, id)
    assert isinstance(found, Construct)
    return found


def _by_name_elsewhere(scope: Construct, groups: list[logs.ILogGroup]) -> list[logs.ILogGroup]:
    """``groups``, those of another stack (shard) as references by name.

    A role that may query the log groups of every shard then needs no cross-stack
    reference (no output per log group, no deploy order): the blueprint names its log
    groups, so their ARNs are known. A group without a literal name stays as it is.
    """
    here = Stack.of(scope)
    found: list[logs.ILogGroup] = []
    holder: Construct | None = None
    for group in groups:
        name = getattr(group, "_physical_name", None)
        if Stack.of(group) is here or not isinstance(name, str) or Token.is_unresolved(name):
            found.append(group)
            continue
        if holder is None:
            holder = Construct(scope, "LogGroupsElsewhere")
        found.append(logs.LogGroup.from_log_group_name(holder, str(len(found)), name))
    return found


def _removal(policy: str) -> RemovalPolicy:
    """Map the file's ``retain`` / ``destroy`` to aws-cdk-lib's removal policy."""
    return RemovalPolicy.DESTROY if policy == "destroy" else RemovalPolicy.RETAIN


def _composites_in_order(children: dict[str, list[str]]) -> list[str]:
    """Order composites so each comes after the composites its rule names."""
    ordered: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        done.add(name)
        for child in children.get(name, []):
            if child in children:
                visit(child)
        ordered.append(name)

    for name in children:
        visit(name)
    return ordered
