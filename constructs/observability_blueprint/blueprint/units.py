"""The units of a blueprint (what the shard planner places) and their estimated sizes.

Pure of CDK: sizes are estimated from the validated file, without building or
synthesizing anything, so a 1,000-service blueprint is planned in milliseconds
(see docs/sharding.md). A *unit* moves between stacks as a whole:

* ``area:core``: the key, the topics, the account's field index policy and the
  forwarded-alarm rule; every other unit refers to it (topic and key ARNs), so it
  stays in shard 0.
* ``service:<name>``: a service's log groups and everything made on them (metric
  filters, saved queries, subscriptions, anomaly detectors, transformers, log
  alarms, scheduled queries, Contributor Insights rules) and its resource monitors
  with its health alarm (and forwarded health), in :meth:`Blueprint.service_names`
  order.
* ``alarm:<name>``: an alarm of ``alarms:`` with what it makes (detector, Lambda
  permissions, runbook rules), right after the service it follows (see
  :func:`_alarm_units`), else after the services.
* ``dashboard:<key>``: a dashboard (or numbered part) by its plan key.
* ``area:network``, ``area:containers``, ``area:shared_resource_alarms`` (the alarms
  on Region-wide metrics that ``services:`` resources share; always in shard 0 with
  core), ``area:hosts``, ``area:audit``, ``area:events``, ``area:tracing``,
  ``area:prometheus``, ``area:grafana`` and ``area:cross_account``, each when
  present.

Resource counts follow what the constructs make. Template bytes (as CDK indents
templates, with ``aws:cdk:path`` metadata) are measured on the example files: an
average per resource type, tags aside; the file's tags on every resource that takes
them; and, for the resources whose size follows the file, a size of their own: an
alarm's description, a health alarm's children, the statements of the topics' and
the keys' policies (larger in a stack without an account), the log groups the
Grafana role reads, the dashboards' bodies. Both examples are within 13% per unit
(tests/unit/test_units.py). CloudFormation's limits: 500 resources and 1,000,000 bytes
per stack
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from observability_blueprint.blueprint.dashboard_plan import plan_dashboards
from observability_blueprint.config.audit import AuditTrail
from observability_blueprint.config.blueprint import Blueprint, LogGroup
from observability_blueprint.config.crossaccount import CrossAccountPlan, plan_for
from observability_blueprint.config.events import EventsSection
from observability_blueprint.config.hosts import Hosts
from observability_blueprint.config.network import EksCluster
from observability_blueprint.config.prometheus import Prometheus
from observability_blueprint.config.services import PlannedResource, Service, region_alarms
from observability_blueprint.config.tracing import Tracing
from observability_blueprint.rules import alarm_rules
from observability_blueprint.rules.alarm_settings import describe
from observability_blueprint.rules.cis_controls import select_controls
from observability_blueprint.rules.dashboard_model import estimate_body_bytes
from observability_blueprint.rules.event_schedules import (
    Action,
    CommandAction,
    LambdaAction,
    OpsItemAction,
    RunbookAction,
)
from observability_blueprint.rules.shard_plan import CORE_UNIT, Unit
from observability_blueprint.security.runbooks import AUTOMATION_ASSUME_ROLE

SERVICE_PREFIX: Final = "service:"
AREA_PREFIX: Final = "area:"
ALARM_PREFIX: Final = "alarm:"
"""Each alarm of ``alarms:`` is a unit of its own (see blueprint/sharding.py)."""
DASHBOARD_PREFIX: Final = "dashboard:"
"""Each dashboard (or numbered part) is a unit of its own, by its plan key: a thousand
services' dashboards are more than one template holds."""

TYPE_BYTES: Final[dict[str, int]] = {
    "AWS::APS::RuleGroupsNamespace": 2260,
    "AWS::APS::Scraper": 1710,
    "AWS::APS::Workspace": 1200,
    "AWS::CloudTrail::Trail": 1390,
    "AWS::CloudWatch::Alarm": 1170,
    "AWS::CloudWatch::AnomalyDetector": 750,
    "AWS::CloudWatch::CompositeAlarm": 1230,
    "AWS::CloudWatch::InsightRule": 1150,
    "AWS::CloudWatch::LogAlarm": 1420,
    "AWS::CloudWatch::OTelEnrichment": 230,
    "AWS::ComputeOptimizer::AutomationRule": 980,
    "AWS::EC2::FlowLog": 920,
    "AWS::EC2::VPCEndpoint": 660,
    "AWS::EKS::Addon": 580,
    "AWS::EKS::PodIdentityAssociation": 540,
    "AWS::Events::Rule": 1590,
    "AWS::Grafana::Workspace": 660,
    "AWS::IAM::InstanceProfile": 350,
    "AWS::IAM::Policy": 1080,
    "AWS::IAM::Role": 900,
    "AWS::KMS::Key": 4720,
    "AWS::Lambda::Permission": 590,
    "AWS::Logs::AccountPolicy": 410,
    "AWS::Logs::LogAnomalyDetector": 740,
    "AWS::Logs::LogGroup": 640,
    "AWS::Logs::MetricFilter": 800,
    "AWS::Logs::QueryDefinition": 620,
    "AWS::Logs::ResourcePolicy": 830,
    "AWS::Logs::ScheduledQuery": 1460,
    "AWS::Logs::SubscriptionFilter": 630,
    "AWS::Logs::Transformer": 470,
    "AWS::Oam::Link": 570,
    "AWS::Oam::Sink": 1040,
    "AWS::ObservabilityAdmin::OrganizationCentralizationRule": 700,
    "AWS::ObservabilityAdmin::OrganizationTelemetryRule": 600,
    "AWS::S3::Bucket": 1520,
    "AWS::S3::BucketPolicy": 2190,
    "AWS::SNS::Subscription": 440,
    "AWS::SNS::Topic": 410,
    "AWS::SNS::TopicPolicy": 1230,
    "AWS::SQS::Queue": 400,
    "AWS::SQS::QueuePolicy": 1470,
    "AWS::SSM::Association": 1090,
    "AWS::SSM::Document": 2640,
    "AWS::SSM::Parameter": 1670,
    "AWS::Scheduler::Schedule": 1420,
    "AWS::XRay::Group": 450,
    "AWS::XRay::SamplingRule": 590,
    "AWS::XRay::TransactionSearchConfig": 370,
}
"""Average bytes one resource of a type adds to a template, its tags aside (measured on
both examples; the resources sized below apart)."""
RESOURCE_ALARM_BYTES: Final = 1190
"""Bytes of an alarm on a resource of ``services:`` besides its description (which runs
from 200 to 1,000 characters)."""
SECTION_ALARM_BYTES: Final = 750
"""Bytes of an alarm of ``alarms:`` besides its description and its metrics."""
METRIC_BYTES: Final = 200
"""Bytes of each entry of an alarm's ``Metrics`` (a math expression and its inputs, an
anomaly band and its metric)."""
CIS_ALARM_BYTES: Final = 690
"""Bytes of a CIS alarm besides its description."""
HEALTH_ALARM_BYTES: Final = 750
"""Bytes of a service's health alarm besides its rule."""
HEALTH_CHILD_BYTES: Final = 195
"""Bytes each alarm adds to a health alarm's rule (``ALARM("<its ARN>") OR``)."""
TOPIC_POLICY_BYTES: Final = 720
"""Bytes of a topic's policy with only its TLS statement."""
TOPIC_STATEMENT_BYTES: Final = 505
"""Bytes of the statement an EventBridge rule (or the Prometheus alert manager) that
publishes to a topic adds to the topic's policy."""
KEY_BYTES: Final = 650
"""Bytes of the blueprint's key with only the account's statement in its policy."""
KEY_PUBLISHERS_BYTES: Final = 350
"""Bytes of the key policy's statement for alarms and rules that publish to topics."""
KEY_LOGS_BYTES: Final = 500
"""Bytes of the key policy's statement for CloudWatch Logs, its log group ARNs aside."""
KEY_LOG_GROUP_BYTES: Final = 90
"""Bytes of each encrypted log group's ARN in that statement."""
KEY_ANOMALY_BYTES: Final = 1810
"""Bytes of the key policy's three statements for log anomaly detectors."""
KEY_ALERT_MANAGER_BYTES: Final = 410
"""Bytes of the key policy's statement for the Prometheus alert manager."""
TRAIL_KEY_BYTES: Final = 2130
"""Bytes of the trail's key."""
AGNOSTIC_KEY_FACTOR: Final = 1.75
"""How much larger a key is in a stack without ``env.account``, where ARNs and service
principals are joined from pseudo parameters: 1.8 to 1.9 on blueprint.yaml without
``env``, 1.5 to 1.6 on examples/full.yaml without its account."""
GRAFANA_POLICY_BYTES: Final = 3150
"""Bytes of the Grafana role's policy besides its log group ARNs."""
LOG_GROUP_ARN_BYTES: Final = 135
"""Bytes of a log group's ARN in the Grafana role's policy."""
UNTAGGED_TYPES: Final = frozenset(
    {
        "AWS::CloudWatch::AnomalyDetector",
        "AWS::CloudWatch::OTelEnrichment",
        "AWS::IAM::InstanceProfile",
        "AWS::IAM::Policy",
        "AWS::Lambda::Permission",
        "AWS::Logs::AccountPolicy",
        "AWS::Logs::LogAnomalyDetector",
        "AWS::Logs::MetricFilter",
        "AWS::Logs::QueryDefinition",
        "AWS::Logs::ResourcePolicy",
        "AWS::Logs::SubscriptionFilter",
        "AWS::Logs::Transformer",
        "AWS::S3::BucketPolicy",
        "AWS::SNS::Subscription",
        "AWS::SNS::TopicPolicy",
        "AWS::SQS::QueuePolicy",
        "AWS::Scheduler::Schedule",
        "AWS::XRay::TransactionSearchConfig",
    }
)
"""Types that carry no ``Tags`` (CloudFormation has none for them, or aws-cdk-lib does not
tag them); every other type gets the file's ``tags``."""
TAGS_AS_MAP: Final = frozenset({"AWS::Oam::Link", "AWS::Oam::Sink", "AWS::SSM::Parameter"})
"""Types whose ``Tags`` is a map (``{key: value}``); the others' is a list of
``{Key, Value}``."""
TAGS_BYTES: Final = 22
"""Bytes of an empty ``Tags`` property (in either form)."""
TAG_BYTES: Final = 54
"""Bytes of one tag in a list, besides its key and value."""
MAP_TAG_BYTES: Final = 14
"""Bytes of one tag in a map, besides its key and value."""
FORWARDED_HEALTH_RULES: Final = 3
"""Rules that notify a service's forwarded health (alarm, OK, insufficient data)."""
FLOW_LOG_QUERIES: Final = 3
"""Saved queries a flow log makes (top talkers, rejected traffic, traffic by port)."""
DEFAULT_BYTES: Final = 1200
"""Bytes of a resource of a type the table does not list."""
DASHBOARD_OVERHEAD: Final = 600
"""Bytes of a dashboard resource around its body (type, name, metadata, escaping aside)."""
DASHBOARD_BODY_SHARE: Final = 1.3
"""What a body takes in the template, as a share of :func:`estimate_body_bytes`: from
0.47 (a services dashboard) to 1.2 (an alarms dashboard, whose many quotes the template
escapes) on the examples; 1.3, so a dashboard is never estimated below its size."""

AREA_PATHS: Final[dict[str, tuple[str, ...]]] = {
    CORE_UNIT: (
        "Blueprint/Key",
        "Blueprint/Notifications",
        "Blueprint/FieldIndexPolicy",
        "Blueprint/ForwardedAlarms",
    ),
    "area:network": ("Blueprint/Network",),
    "area:containers": ("Blueprint/Containers",),
    "area:hosts": ("Blueprint/Hosts",),
    "area:audit": ("Blueprint/Audit",),
    "area:events": ("Blueprint/Events",),
    "area:tracing": ("Blueprint/Tracing",),
    "area:prometheus": ("Blueprint/Prometheus",),
    "area:grafana": ("Blueprint/Grafana",),
    "area:cross_account": ("Blueprint/CrossAccount",),
    "area:shared_resource_alarms": ("SharedResourceAlarms",),
}
"""Construct paths (under the stack) of each area unit."""


class _Count:
    """Resources by type, for the count and the byte estimate.

    ``tagged``: whether the resources get the file's tags (those under the blueprint
    construct do).
    """

    def __init__(self, *, tagged: bool = True) -> None:
        self.by_type: dict[str, int] = {}
        self.averaged: dict[str, int] = {}
        """Resources by type sized by :data:`TYPE_BYTES`."""
        self.extra_bytes = 0
        self.tagged = tagged

    def add(self, resource_type: str, count: int = 1, *, size: int | None = None) -> None:
        """Count ``count`` resources of a type, of ``size`` bytes each (tags aside).
        Default: the type's average."""
        if count <= 0:
            return
        self.by_type[resource_type] = self.by_type.get(resource_type, 0) + count
        if size is None:
            self.averaged[resource_type] = self.averaged.get(resource_type, 0) + count
        else:
            self.extra_bytes += size * count

    @property
    def resources(self) -> int:
        return sum(self.by_type.values())

    def template_bytes(self, tags: Mapping[str, str]) -> int:
        """Estimated bytes in the template, with ``tags`` on each taggable resource."""
        tags = tags if self.tagged else {}
        return (
            self.extra_bytes
            + sum(TYPE_BYTES.get(t, DEFAULT_BYTES) * n for t, n in self.averaged.items())
            + sum(tag_bytes(t, tags) * n for t, n in self.by_type.items())
        )

    def unit(self, unit_id: str, location: str, tags: Mapping[str, str]) -> Unit:
        return Unit(unit_id, self.resources, self.template_bytes(tags), location)


def tag_bytes(resource_type: str, tags: Mapping[str, str]) -> int:
    """Return the bytes ``tags`` add to a resource of ``resource_type`` in a template."""
    if not tags or resource_type in UNTAGGED_TYPES:
        return 0
    each = MAP_TAG_BYTES if resource_type in TAGS_AS_MAP else TAG_BYTES
    return TAGS_BYTES + sum(each + len(key) + len(value) for key, value in tags.items())


def unit_paths(unit_id: str) -> tuple[str, ...]:
    """Return the construct paths, relative to the blueprint's stack, a unit holds.

    ``service:checkout`` is ``Blueprint/Services/checkout``; an area's are in
    :data:`AREA_PATHS`. Raises KeyError for an unknown area.
    """
    if unit_id.startswith(SERVICE_PREFIX):
        return (f"Blueprint/Services/{unit_id[len(SERVICE_PREFIX) :]}",)
    if unit_id.startswith(ALARM_PREFIX):
        return (f"Blueprint/Alarms/{unit_id[len(ALARM_PREFIX) :]}",)
    if unit_id.startswith(DASHBOARD_PREFIX):
        return (f"Blueprint/Dashboards/{unit_id[len(DASHBOARD_PREFIX) :]}",)
    return AREA_PATHS[unit_id]


def units_of(config: Blueprint) -> list[Unit]:
    """Return the units of ``config`` with their estimated sizes: core first, then one
    per service (in :meth:`Blueprint.service_names` order), then the areas present."""
    planned = config.planned_resources()
    tags = config.tags
    alarms = _alarm_units(config)
    units = [_core(config, planned).unit(CORE_UNIT, "notifications", tags)]
    services = {s.name: (i, s) for i, s in enumerate(config.services)}
    # Grouped once: a blueprint may have a thousand services.
    groups: dict[str, list[tuple[int, LogGroup]]] = {}
    for index, group in enumerate(config.log_groups):
        groups.setdefault(group.unit(), []).append((index, group))
    resources: dict[str, list[PlannedResource]] = {}
    for resource in planned:
        resources.setdefault(resource.service, []).append(resource)
    for name in config.service_names():
        count = _Count()
        for _, group in groups.get(name, []):
            _log_group(config, group, count)
        location = next((f"log_groups[{i}]" for i, _ in groups.get(name, [])), "")
        if name in services:
            index, service = services[name]
            _service(service, resources.get(name, []), count)
            location = location or f"services[{index}]"
        units.append(count.unit(f"{SERVICE_PREFIX}{name}", location, tags))
        units += alarms.pop(name, [])
    units += [unit for left in alarms.values() for unit in left]
    for unit_id, location, count in _areas(config, planned):
        if count.resources:
            units.append(count.unit(unit_id, location, tags))
    return units


def _core(config: Blueprint, planned: list[PlannedResource]) -> _Count:
    count = _Count()
    needs_key = config.needs_key()
    count.add("AWS::KMS::Key", 1 if needs_key else 0, size=_key_bytes(config))
    statements = _topic_statements(config, planned)
    for topic in config.notifications:
        count.add("AWS::SNS::Topic")
        # The statements are counted for all topics at once: they share the unit.
        count.add("AWS::SNS::TopicPolicy", size=TOPIC_POLICY_BYTES)
        count.add("AWS::SNS::Subscription", len(topic.subscribers))
        count.add(
            "AWS::Lambda::Permission", sum(1 for s in topic.subscribers if s.kind == "lambda")
        )
    if config.insights is not None and config.insights.field_index_policy is not None:
        count.add("AWS::Logs::AccountPolicy")
    if config.needs_us_east_1_stack():
        count.add("AWS::Events::Rule")
    if config.notifications:
        count.extra_bytes += statements * TOPIC_STATEMENT_BYTES
    return count


def _key_bytes(config: Blueprint) -> int:
    """The blueprint's key: its policy's statements follow what uses the key."""
    size = KEY_BYTES
    if config.notifications or config.events is not None:
        size += KEY_PUBLISHERS_BYTES
    if encrypted := _encrypted_log_groups(config):
        size += KEY_LOGS_BYTES + KEY_LOG_GROUP_BYTES * encrypted
    if any(g.encrypted and g.anomaly_detection.on(g.log_class) for g in config.log_groups):
        size += KEY_ANOMALY_BYTES
    if config.prometheus is not None and config.prometheus.workspace.alert_topic:
        size += KEY_ALERT_MANAGER_BYTES
    return _in_stack(config, size)


def _encrypted_log_groups(config: Blueprint) -> int:
    """The log groups encrypted with the blueprint's key (an EKS cluster has four)."""
    fleets = config.hosts.fleets if config.hosts is not None else []
    containers = config.containers
    trail = config.audit_trail.created_trail() if config.audit_trail is not None else None
    return (
        sum(g.encrypted for g in config.log_groups)
        + sum(f.encrypted for f in config.flow_logs)
        + sum(source.encrypted for fleet in fleets for source in fleet.sources())
        + 4 * sum(c.encrypted for c in (containers.eks if containers else []))
        + sum(c.encrypted for c in (containers.ecs if containers else []))
        + int(config.prometheus is not None and config.prometheus.workspace.encrypted)
        + int(trail is not None and trail.log_group.encrypted)
    )


def _in_stack(config: Blueprint, key_bytes: int) -> int:
    """A key's bytes in this blueprint's stack: larger when its account is unknown."""
    if config.env is not None and config.env.account:
        return key_bytes
    return int(key_bytes * AGNOSTIC_KEY_FACTOR)


def _topic_statements(config: Blueprint, planned: list[PlannedResource]) -> int:
    """The statements of the topics' policies: one per EventBridge rule that notifies a
    topic (alerts, responses, X-Ray insights, sign-in alerts, the forwarded alarm and
    forwarded health) and one for the Prometheus alert manager."""
    statements = 0
    if (events := config.events) is not None:
        statements += sum(len(alert.topics) for alert in events.alerts)
        statements += sum(
            len({a.topic.name for a in response.actions if a.topic is not None})
            for response in events.responses
        )
    tracing = config.tracing
    if tracing is not None and tracing.groups is not None and tracing.groups.notify:
        statements += len(config.service_names())
    if config.audit_trail is not None and (alerts := config.audit_trail.signin_alerts):
        statements += int(alerts.root) + int(alerts.failures)
    if config.needs_us_east_1_stack():
        statements += 1
    forwarding = {p.service for p in planned if p.elsewhere is not None}
    statements += FORWARDED_HEALTH_RULES * sum(
        1 for service in config.services if service.health_alarm and service.name in forwarding
    )
    if config.prometheus is not None and config.prometheus.workspace.alert_topic:
        statements += 1
    return statements


def _log_group(config: Blueprint, group: LogGroup, count: _Count) -> None:
    count.add("AWS::Logs::LogGroup")
    count.add("AWS::Logs::MetricFilter", len(config.filter_specs(group)))
    count.add("AWS::Logs::QueryDefinition", len(config.log_group_queries(group)))
    count.add("AWS::Logs::QueryDefinition", 1 if group.structured_logs else 0)
    if group.anomaly_detection.on(group.log_class):
        count.add("AWS::Logs::LogAnomalyDetector")
        count.add("AWS::CloudWatch::Alarm")
    for subscription in group.subscriptions:
        count.add("AWS::Logs::SubscriptionFilter")
        service = subscription.destination_arn.split(":")[2:3]
        if service == ["lambda"]:
            count.add("AWS::Lambda::Permission")
        elif service in (["kinesis"], ["firehose"]) and subscription.role_arn is None:
            count.add("AWS::IAM::Role")
            count.add("AWS::IAM::Policy")
    count.add("AWS::Logs::Transformer", 1 if group.transformer is not None else 0)
    for alarm in group.log_alarms:
        count.add("AWS::CloudWatch::LogAlarm")
        count.add("AWS::IAM::Role", 2 if alarm.log_lines else 1)
        count.add("AWS::IAM::Policy", 2 if alarm.log_lines else 1)
    count.add("AWS::Logs::ScheduledQuery", len(group.scheduled_queries))
    count.add("AWS::IAM::Role", 2 * len(group.scheduled_queries))
    count.add("AWS::IAM::Policy", 2 * len(group.scheduled_queries))
    count.add("AWS::CloudWatch::InsightRule", len(config.insight_rules(group)))


def _service(service: Service, planned: list[PlannedResource], count: _Count) -> None:
    home = [p for p in planned if p.elsewhere is None]
    alarms = [a for p in home for a in p.alarms if a.region_key is None]
    for alarm in alarms:
        count.add("AWS::CloudWatch::Alarm", size=RESOURCE_ALARM_BYTES + len(alarm.description))
    if service.health_alarm and alarms:
        count.add(
            "AWS::CloudWatch::CompositeAlarm",
            size=HEALTH_ALARM_BYTES + HEALTH_CHILD_BYTES * len(alarms),
        )
    if service.health_alarm and any(p.elsewhere is not None for p in planned):
        count.add("AWS::SQS::Queue")
        count.add("AWS::SQS::QueuePolicy")
        count.add("AWS::CloudWatch::Alarm")
        count.add("AWS::Events::Rule", FORWARDED_HEALTH_RULES)


def _areas(config: Blueprint, planned: list[PlannedResource]) -> Iterator[tuple[str, str, _Count]]:
    network = _Count()
    for entry in config.flow_logs:
        network.add("AWS::Logs::LogGroup")
        network.add("AWS::IAM::Role")
        network.add(
            "AWS::EC2::FlowLog", len(entry.vpc_ids) + len(entry.subnet_ids) + len(entry.eni_ids)
        )
        network.add("AWS::Logs::QueryDefinition", FLOW_LOG_QUERIES if entry.queries else 0)
        if entry.rejected_ssh_rdp_alarm is not None:
            network.add("AWS::Logs::MetricFilter")
            network.add("AWS::CloudWatch::Alarm")
    yield "area:network", "flow_logs", network
    containers = _Count()
    if config.containers is not None:
        for eks in config.containers.eks:
            containers.add("AWS::Logs::LogGroup", 4)
            containers.add("AWS::IAM::Role")
            containers.add("AWS::EKS::Addon", 2 if eks.pod_identity_agent else 1)
            # Without an OIDC provider the agent's role reaches it through Pod Identity.
            containers.add("AWS::EKS::PodIdentityAssociation", 0 if eks.oidc_provider_arn else 1)
        containers.add("AWS::Logs::LogGroup", len(config.containers.ecs))
    yield "area:containers", "containers", containers
    shared = _Count(tagged=False)  # beside the blueprint construct, untagged
    home = [p for p in planned if p.elsewhere is None]
    for alarm in region_alarms(home).values():
        shared.add("AWS::CloudWatch::Alarm", size=RESOURCE_ALARM_BYTES + len(alarm.description))
    yield "area:shared_resource_alarms", "services", shared
    for board in plan_dashboards(config, region="us-east-1"):
        dashboard = _Count()
        dashboard.add("AWS::CloudWatch::Dashboard")
        dashboard.extra_bytes = (
            int(estimate_body_bytes(board) * DASHBOARD_BODY_SHARE) + DASHBOARD_OVERHEAD
        )
        yield f"{DASHBOARD_PREFIX}{board.key}", "dashboards", dashboard
    if config.hosts is not None:
        yield "area:hosts", "hosts", _hosts(config.hosts, config.prometheus)
    if config.audit_trail is not None:
        yield (
            "area:audit",
            "audit_trail",
            _audit(config.audit_trail, key_bytes=_in_stack(config, TRAIL_KEY_BYTES)),
        )
    if config.events is not None:
        yield "area:events", "events", _events(config.events)
    if config.tracing is not None:
        yield "area:tracing", "tracing", _tracing(config.tracing, config.service_names())
    if config.prometheus is not None:
        yield "area:prometheus", "prometheus", _prometheus(config.prometheus, config)
    if config.grafana is not None:
        yield "area:grafana", "grafana", _grafana(log_groups=_log_group_count(config))
    env = config.env
    if config.cross_account is not None and env is not None and env.account:
        # The blueprint builds the section only for a stack with an account (and Region).
        assert env.region is not None
        sink_plan = plan_for(config.cross_account, account=env.account, region=env.region)
        yield "area:cross_account", "cross_account", _cross_account(sink_plan)


def _alarm_units(config: Blueprint) -> dict[str | None, list[Unit]]:
    """The ``alarms:`` section, a unit per alarm (``alarm:<name>``), by the service it
    follows in file order: the service whose log group has the filter it watches; a
    composite, that of the first alarm its rule names that has one, and the alarms its
    rule names without one follow it too (so a composite and its children tend to share
    a stack); else None.

    Each holds the alarm (an anomaly alarm adds its detector), a Lambda permission per
    function it invokes, and per runbook action the rule, its two roles with their
    policies and its dead-letter queue with its policy. An alarm without actions of its
    own is counted with the default actions (a composite may quiet it): an estimate
    from above.
    """
    defaults = config.default_actions.to_set() if config.default_actions else None
    filters: dict[str, set[str]] = {}
    units_of_group = {g.name: g.unit() for g in config.log_groups}
    for group_name, spec in config.all_filters():
        filters.setdefault(spec.name, set()).add(units_of_group[group_name])
    order = {name: index for index, name in enumerate(config.service_names())}
    follows: dict[str, str | None] = {}
    named_by: dict[str, list[str]] = {}
    units: list[Unit] = []
    for index, alarm in enumerate(config.alarms):
        count = _Count()
        if alarm.type == "composite":
            count.add("AWS::CloudWatch::CompositeAlarm")
            named = alarm_rules.references(alarm_rules.parse(alarm.rule)) if alarm.rule else []
            named_by[alarm.name] = list(named)
            # After its latest child's service: a composite's stack deploys after its
            # children's, never before.
            services_named = [s for n in named if (s := follows.get(n)) is not None]
            service = max(services_named, key=lambda s: order.get(s, -1), default=None)
        else:
            description = describe(alarm.description, runbook_url=alarm.runbook_url) or ""
            entries = 2 if alarm.type == "anomaly" else len(alarm.metrics) + bool(alarm.metrics)
            count.add(
                "AWS::CloudWatch::Alarm",
                size=SECTION_ALARM_BYTES + len(description) + METRIC_BYTES * entries,
            )
            refs = [alarm.metric] if alarm.metric else list(alarm.metrics.values())
            services = [
                sorted(filters.get(r.filter, ()))
                if r.log_group is None
                else [units_of_group.get(r.log_group, "")]
                for r in refs
                if r.filter is not None
            ]
            service = next((s[0] for s in services if s and s[0]), None)
        follows[alarm.name] = service
        count.add("AWS::CloudWatch::AnomalyDetector", 1 if alarm.type == "anomaly" else 0)
        actions = alarm.actions.to_set() if alarm.actions is not None else defaults
        if actions is not None:
            specs = [s for state in actions.by_state().values() for s in state]
            lambdas = {getattr(s, "lambda_arn", None) for s in specs} - {None}
            count.add("AWS::Lambda::Permission", len(lambdas))
            runbooks = sum(1 for s in specs if getattr(s, "runbook", None))
            for resource_type in ("AWS::IAM::Role", "AWS::IAM::Policy"):
                count.add(resource_type, 2 * runbooks)
            for resource_type in (
                "AWS::Events::Rule",
                "AWS::SQS::Queue",
                "AWS::SQS::QueuePolicy",
            ):
                count.add(resource_type, runbooks)
        units.append(count.unit(f"{ALARM_PREFIX}{alarm.name}", f"alarms[{index}]", config.tags))
    for composite, named in named_by.items():
        for name in named:
            if name in follows and follows[name] is None:
                follows[name] = follows[composite]
    found: dict[str | None, list[Unit]] = {}
    for alarm, unit in zip(config.alarms, units, strict=True):
        found.setdefault(follows[alarm.name], []).append(unit)
    return found


def _delivery(count: _Count, times: int = 1) -> None:
    """An event delivery: the dead-letter queue, its policy and its alarm."""
    for resource_type in ("AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "AWS::CloudWatch::Alarm"):
        count.add(resource_type, times)


def _hosts(section: Hosts, prometheus: Prometheus | None) -> _Count:
    """The ``hosts:`` section: the roles (each with a policy for command output, and a
    default policy when ADOT collectors on fleets remote-write with them), the instance
    profile, the VPC endpoints, per fleet its log groups and the agent's parameter,
    document and association, and the Compute Optimizer rule."""
    count = _Count()
    roles = int(section.instance_role) + int(section.on_premises)
    count.add("AWS::IAM::Role", roles)
    count.add("AWS::IAM::InstanceProfile", 1 if section.instance_role else 0)
    if any(fleet.output for fleet in section.fleets):
        count.add("AWS::IAM::Policy", roles)
    adot = prometheus.adot if prometheus is not None else None
    if adot is not None and adot.fleets:
        count.add("AWS::IAM::Policy", roles)
    if (endpoints := section.vpc_endpoints) is not None:
        count.add("AWS::EC2::VPCEndpoint", len(endpoints.services) + int(endpoints.s3_gateway))
    for fleet in section.fleets:
        count.add("AWS::Logs::LogGroup", len(fleet.sources()))
        _association(count)
    if section.compute_optimizer_automation is not None:
        count.add("AWS::ComputeOptimizer::AutomationRule")
    return count


def _association(count: _Count) -> None:
    """A collector State Manager installs: its parameter, document and association."""
    for resource_type in ("AWS::SSM::Parameter", "AWS::SSM::Document", "AWS::SSM::Association"):
        count.add(resource_type)


def _audit(section: AuditTrail, *, key_bytes: int) -> _Count:
    """The ``audit_trail:`` section: the trail with its key, buckets (access logs too),
    log group and delivery role; a metric filter and an alarm per CIS control; the
    Contributor Insights rules; the sign-in rules with their delivery."""
    count = _Count()
    trail = section.created_trail()
    if trail is not None:
        count.add("AWS::KMS::Key", 0 if trail.kms_key else 1, size=key_bytes)
        if trail.bucket.existing is None:
            buckets = 1 if trail.bucket.access_logs_bucket else 2
            count.add("AWS::S3::Bucket", buckets)
            count.add("AWS::S3::BucketPolicy", buckets)
        count.add("AWS::Logs::LogGroup")
        count.add("AWS::CloudTrail::Trail")
        count.add("AWS::IAM::Role")
        count.add("AWS::IAM::Policy")
    if (cis := section.cis) is not None:
        controls = select_controls(
            cis.standard,
            disabled=cis.disabled,
            overrides={k: v.to_override() for k, v in cis.overrides.items()},
            claim_compliance=cis.claim_compliance,
        ).controls
        count.add("AWS::Logs::MetricFilter", len(controls))
        for control in controls:
            count.add("AWS::CloudWatch::Alarm", size=CIS_ALARM_BYTES + len(control.describe()))
    if (insights := section.insights) is not None:
        count.add(
            "AWS::CloudWatch::InsightRule",
            int(insights.top_callers) + int(insights.top_errors) + len(insights.rules),
        )
    if (alerts := section.signin_alerts) is not None:
        count.add("AWS::Events::Rule", int(alerts.root) + int(alerts.failures))
        _delivery(count)
    return count


def _events(section: EventsSection) -> _Count:
    """The ``events:`` section (all of it: a us-east-1 stack's rules are counted here
    too, an estimate from above): a rule per alert and response, the roles and Lambda
    permissions of the responses' actions, a schedule with its role per schedule, and
    the deliveries (one shared, or one per rule and schedule)."""
    count = _Count()
    tasks = len(section.alerts) + len(section.responses) + len(section.schedules)
    if not tasks:
        return count
    _delivery(count, 1 if section.delivery.dead_letter_queues == "shared" else tasks)
    count.add("AWS::Events::Rule", len(section.alerts) + len(section.responses))
    for response in section.responses:
        for action in response.actions:
            _action(count, action.to_action())
    for schedule in section.schedules:
        count.add("AWS::Scheduler::Schedule")
        count.add("AWS::IAM::Role")
        count.add("AWS::IAM::Policy")  # the dead-letter queue's SendMessage, at least
        task = schedule.to_action()
        if isinstance(task, RunbookAction):
            _automation_role(count, task)
    return count


def _action(count: _Count, action: Action) -> None:
    """What a response's action adds: a role with its policy (a runbook's own automation
    role too), or a Lambda permission; a topic action adds a statement only."""
    if isinstance(action, LambdaAction):
        count.add("AWS::Lambda::Permission")
    elif isinstance(action, RunbookAction | CommandAction | OpsItemAction):
        count.add("AWS::IAM::Role")
        count.add("AWS::IAM::Policy")
        if isinstance(action, RunbookAction):
            _automation_role(count, action)


def _automation_role(count: _Count, action: RunbookAction) -> None:
    """The role a runbook runs with, with its policy, unless the runbook names its own
    (a runbook always needs something: known grants, or the ``permissions`` the config
    asks of an unknown one)."""
    if not action.parameters.get(AUTOMATION_ASSUME_ROLE):
        count.add("AWS::IAM::Role")
        count.add("AWS::IAM::Policy")


def _tracing(section: Tracing, services: list[str]) -> _Count:
    """The ``tracing:`` section: an X-Ray group per service (with an insight rule each
    and one delivery when they notify), the sampling rules and Transaction Search."""
    count = _Count()
    if section.groups is not None and services:
        count.add("AWS::XRay::Group", len(services))
        if section.groups.notify is not None:
            count.add("AWS::Events::Rule", len(services))
            _delivery(count)
    count.add("AWS::XRay::SamplingRule", len(section.sampling_rules))
    if section.transaction_search is not None:
        count.add("AWS::Logs::ResourcePolicy")
        count.add("AWS::XRay::TransactionSearchConfig")
    return count


def _prometheus(section: Prometheus, config: Blueprint) -> _Count:
    """The ``prometheus:`` section: the workspace and its log group, a rule groups
    namespace per service (shipped rules) and per rule file, the scraper (with its two
    roles for an encrypted workspace), OTel enrichment, and the ADOT collectors: on a
    fleet its parameter, document and association; on an EKS cluster its role with its
    policy, the Pod Identity association (without OIDC) and the add-on."""
    count = _Count()
    count.add("AWS::Logs::LogGroup")
    count.add("AWS::APS::Workspace")
    shipped = len(config.service_names()) if section.rules.defaults else 0
    count.add("AWS::APS::RuleGroupsNamespace", shipped + len(section.rules.files))
    if section.scraper is not None:
        count.add("AWS::APS::Scraper")
        if section.workspace.encrypted:
            count.add("AWS::IAM::Role", 2)
            count.add("AWS::IAM::Policy", 2)
    count.add("AWS::CloudWatch::OTelEnrichment", 1 if section.otel_enrichment else 0)
    if (adot := section.adot) is not None:
        for _ in adot.fleets:
            _association(count)
        oidc = {c.cluster: c.oidc_provider_arn for c in _eks_clusters(config)}
        for eks in adot.eks_clusters():
            count.add("AWS::IAM::Role")
            count.add("AWS::IAM::Policy")
            count.add("AWS::EKS::PodIdentityAssociation", 0 if oidc.get(eks.cluster) else 1)
            count.add("AWS::EKS::Addon", 1 if eks.install_addon else 0)
    return count


def _eks_clusters(config: Blueprint) -> list[EksCluster]:
    return list(config.containers.eks) if config.containers is not None else []


def _grafana(*, log_groups: int) -> _Count:
    """The ``grafana:`` section: the workspace and its role with its policy (the role
    reads CloudWatch at least: the config refuses data_sources without it), which names
    each log group of the blueprint."""
    count = _Count()
    count.add("AWS::Grafana::Workspace")
    count.add("AWS::IAM::Role")
    count.add("AWS::IAM::Policy", size=GRAFANA_POLICY_BYTES + LOG_GROUP_ARN_BYTES * log_groups)
    return count


def _log_group_count(config: Blueprint) -> int:
    """The log groups the blueprint makes or reads: services', fleets', flow logs', the
    trail's."""
    fleets = config.hosts.fleets if config.hosts is not None else []
    return (
        len(config.log_groups)
        + sum(len(fleet.sources()) for fleet in fleets)
        + len(config.flow_logs)
        + (1 if config.audit_trail is not None else 0)
    )


def _cross_account(plan: CrossAccountPlan) -> _Count:
    """The ``cross_account:`` section as the stack's account and Region get it: the sink
    or the link, and the organization rules of the rules account."""
    count = _Count()
    count.add("AWS::Oam::Sink", 1 if plan.sink is not None else 0)
    count.add("AWS::Oam::Link", 1 if plan.link is not None else 0)
    count.add("AWS::ObservabilityAdmin::OrganizationTelemetryRule", len(plan.telemetry_rules))
    count.add(
        "AWS::ObservabilityAdmin::OrganizationCentralizationRule",
        1 if plan.centralization is not None else 0,
    )
    return count
