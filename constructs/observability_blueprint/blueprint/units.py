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
* ``area:alarms`` (the ``alarms:`` section, kept whole: its composites and
  suppressors name its own alarms), ``area:network``, ``area:containers``,
  ``area:hosts``, ``area:audit``, ``area:dashboards``, ``area:events``,
  ``area:tracing``, ``area:prometheus``, ``area:grafana``,
  ``area:cross_account`` and ``area:shared_resource_alarms`` (the alarms on
  Region-wide metrics that ``services:`` resources share), each when present.

Resource counts follow what the constructs make; template bytes are an average
per resource type measured on the example files (indented as CDK writes
templates, with ``aws:cdk:path`` metadata), plus the dashboards' own body
estimate. CloudFormation's limits: 500 resources and 1,000,000 bytes per stack
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from observability_blueprint.blueprint.dashboard_plan import plan_dashboards
from observability_blueprint.config.blueprint import Blueprint, LogGroup
from observability_blueprint.config.services import PlannedResource, Service, region_alarms
from observability_blueprint.rules.dashboard_model import estimate_body_bytes
from observability_blueprint.rules.shard_plan import CORE_UNIT, Unit

SERVICE_PREFIX: Final = "service:"
AREA_PREFIX: Final = "area:"

TYPE_BYTES: Final[dict[str, int]] = {
    "AWS::APS::RuleGroupsNamespace": 2500,
    "AWS::APS::Scraper": 1950,
    "AWS::APS::Workspace": 1450,
    "AWS::CloudTrail::Trail": 1600,
    "AWS::CloudWatch::Alarm": 1550,
    "AWS::CloudWatch::AnomalyDetector": 750,
    "AWS::CloudWatch::CompositeAlarm": 2600,
    "AWS::CloudWatch::InsightRule": 1400,
    "AWS::CloudWatch::LogAlarm": 1650,
    "AWS::CloudWatch::OTelEnrichment": 230,
    "AWS::ComputeOptimizer::AutomationRule": 1230,
    "AWS::EC2::FlowLog": 1160,
    "AWS::EC2::VPCEndpoint": 900,
    "AWS::EKS::Addon": 820,
    "AWS::EKS::PodIdentityAssociation": 780,
    "AWS::Events::Rule": 1830,
    "AWS::Grafana::Workspace": 910,
    "AWS::IAM::InstanceProfile": 350,
    "AWS::IAM::Policy": 1190,
    "AWS::IAM::Role": 1130,
    "AWS::KMS::Key": 4530,
    "AWS::Lambda::Permission": 590,
    "AWS::Logs::AccountPolicy": 410,
    "AWS::Logs::LogAnomalyDetector": 740,
    "AWS::Logs::LogGroup": 870,
    "AWS::Logs::MetricFilter": 800,
    "AWS::Logs::QueryDefinition": 620,
    "AWS::Logs::ResourcePolicy": 830,
    "AWS::Logs::ScheduledQuery": 1700,
    "AWS::Logs::SubscriptionFilter": 630,
    "AWS::Logs::Transformer": 470,
    "AWS::Oam::Sink": 1160,
    "AWS::ObservabilityAdmin::OrganizationCentralizationRule": 940,
    "AWS::ObservabilityAdmin::OrganizationTelemetryRule": 850,
    "AWS::S3::Bucket": 1720,
    "AWS::S3::BucketPolicy": 2190,
    "AWS::SNS::Subscription": 440,
    "AWS::SNS::Topic": 620,
    "AWS::SNS::TopicPolicy": 4610,
    "AWS::SQS::Queue": 640,
    "AWS::SQS::QueuePolicy": 1470,
    "AWS::SSM::Association": 1320,
    "AWS::SSM::Document": 2870,
    "AWS::SSM::Parameter": 1790,
    "AWS::Scheduler::Schedule": 1420,
    "AWS::XRay::Group": 670,
    "AWS::XRay::SamplingRule": 830,
    "AWS::XRay::TransactionSearchConfig": 370,
}
"""Average bytes one resource of a type adds to a template (measured on the examples)."""
FLOW_LOG_QUERIES: Final = 3
"""Saved queries a flow log makes (top talkers, rejected traffic, traffic by port)."""
DEFAULT_BYTES: Final = 1200
"""Bytes of a resource of a type the table does not list."""
DASHBOARD_OVERHEAD: Final = 600
"""Bytes of a dashboard resource around its body (type, name, metadata, escaping aside)."""
DASHBOARD_BODY_SHARE: Final = 0.55
"""The share of :func:`estimate_body_bytes` (an estimate from above) a body takes in the
template: 0.54 on both examples."""

AREA_PATHS: Final[dict[str, tuple[str, ...]]] = {
    CORE_UNIT: (
        "Blueprint/Key",
        "Blueprint/Notifications",
        "Blueprint/FieldIndexPolicy",
        "Blueprint/ForwardedAlarms",
    ),
    "area:alarms": ("Blueprint/Alarms",),
    "area:network": ("Blueprint/Network",),
    "area:containers": ("Blueprint/Containers",),
    "area:hosts": ("Blueprint/Hosts",),
    "area:audit": ("Blueprint/Audit",),
    "area:dashboards": ("Blueprint/Dashboards",),
    "area:events": ("Blueprint/Events",),
    "area:tracing": ("Blueprint/Tracing",),
    "area:prometheus": ("Blueprint/Prometheus",),
    "area:grafana": ("Blueprint/Grafana",),
    "area:cross_account": ("Blueprint/CrossAccount",),
    "area:shared_resource_alarms": ("SharedResourceAlarms",),
}
"""Construct paths (under the stack) of each area unit."""


class _Count:
    """Resources by type, for the count and the byte estimate."""

    def __init__(self) -> None:
        self.by_type: dict[str, int] = {}
        self.extra_bytes = 0

    def add(self, resource_type: str, count: int = 1) -> None:
        if count > 0:
            self.by_type[resource_type] = self.by_type.get(resource_type, 0) + count

    @property
    def resources(self) -> int:
        return sum(self.by_type.values())

    @property
    def template_bytes(self) -> int:
        return self.extra_bytes + sum(
            TYPE_BYTES.get(t, DEFAULT_BYTES) * n for t, n in self.by_type.items()
        )

    def unit(self, unit_id: str, location: str) -> Unit:
        return Unit(unit_id, self.resources, self.template_bytes, location)


def unit_paths(unit_id: str) -> tuple[str, ...]:
    """Return the construct paths, relative to the blueprint's stack, a unit holds.

    ``service:checkout`` is ``Blueprint/Services/checkout``; an area's are in
    :data:`AREA_PATHS`. Raises KeyError for an unknown area.
    """
    if unit_id.startswith(SERVICE_PREFIX):
        return (f"Blueprint/Services/{unit_id[len(SERVICE_PREFIX) :]}",)
    return AREA_PATHS[unit_id]


def units_of(config: Blueprint) -> list[Unit]:
    """Return the units of ``config`` with their estimated sizes: core first, then one
    per service (in :meth:`Blueprint.service_names` order), then the areas present."""
    planned = config.planned_resources()
    units = [_core(config).unit(CORE_UNIT, "notifications")]
    services = {s.name: (i, s) for i, s in enumerate(config.services)}
    groups = list(enumerate(config.log_groups))
    for name in config.service_names():
        count = _Count()
        for _, group in groups:
            if group.unit() == name:
                _log_group(config, group, count)
        location = next((f"log_groups[{i}]" for i, g in groups if g.unit() == name), "")
        if name in services:
            index, service = services[name]
            _service(service, [p for p in planned if p.service == name], count)
            location = location or f"services[{index}]"
        units.append(count.unit(f"{SERVICE_PREFIX}{name}", location))
    for unit_id, location, count in _areas(config, planned):
        if count.resources:
            units.append(count.unit(unit_id, location))
    return units


def _core(config: Blueprint) -> _Count:
    count = _Count()
    needs_key = config.needs_key()
    count.add("AWS::KMS::Key", 1 if needs_key else 0)
    for topic in config.notifications:
        count.add("AWS::SNS::Topic")
        count.add("AWS::SNS::TopicPolicy")
        count.add("AWS::SNS::Subscription", len(topic.subscribers))
        count.add(
            "AWS::Lambda::Permission", sum(1 for s in topic.subscribers if s.kind == "lambda")
        )
    if config.insights is not None and config.insights.field_index_policy is not None:
        count.add("AWS::Logs::AccountPolicy")
    if config.needs_us_east_1_stack():
        count.add("AWS::Events::Rule")
    return count


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
    alarms = sum(1 for p in home for a in p.alarms if a.region_key is None)
    count.add("AWS::CloudWatch::Alarm", alarms)
    if service.health_alarm and alarms:
        count.add("AWS::CloudWatch::CompositeAlarm")
    if service.health_alarm and any(p.elsewhere is not None for p in planned):
        count.add("AWS::SQS::Queue")
        count.add("AWS::SQS::QueuePolicy")
        count.add("AWS::CloudWatch::Alarm")
        count.add("AWS::Events::Rule", 3)


def _areas(config: Blueprint, planned: list[PlannedResource]) -> Iterator[tuple[str, str, _Count]]:
    yield "area:alarms", "alarms", _alarms(config)
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
            containers.add("AWS::EKS::PodIdentityAssociation", 1 if eks.pod_identity_agent else 0)
        containers.add("AWS::Logs::LogGroup", len(config.containers.ecs))
    yield "area:containers", "containers", containers
    shared = _Count()
    home = [p for p in planned if p.elsewhere is None]
    shared.add("AWS::CloudWatch::Alarm", len(region_alarms(home)))
    yield "area:shared_resource_alarms", "services", shared
    dashboards = _Count()
    plans = plan_dashboards(config, region="us-east-1")
    dashboards.add("AWS::CloudWatch::Dashboard", len(plans))
    dashboards.extra_bytes = sum(
        int(estimate_body_bytes(p) * DASHBOARD_BODY_SHARE) + DASHBOARD_OVERHEAD for p in plans
    )
    yield "area:dashboards", "dashboards", dashboards


def _alarms(config: Blueprint) -> _Count:
    """The ``alarms:`` section: an alarm each (an anomaly alarm adds its detector), a
    Lambda permission per function an alarm invokes, and per runbook action the rule,
    its two roles with their policies and its dead-letter queue with its policy.

    An alarm without actions of its own is counted with the default actions (a
    composite may quiet it): an estimate from above.
    """
    count = _Count()
    defaults = config.default_actions.to_set() if config.default_actions else None
    for alarm in config.alarms:
        count.add(
            "AWS::CloudWatch::CompositeAlarm"
            if alarm.type == "composite"
            else "AWS::CloudWatch::Alarm"
        )
        count.add("AWS::CloudWatch::AnomalyDetector", 1 if alarm.type == "anomaly" else 0)
        actions = alarm.actions.to_set() if alarm.actions is not None else defaults
        if actions is None:
            continue
        specs = [s for state in actions.by_state().values() for s in state]
        lambdas = {getattr(s, "lambda_arn", None) for s in specs} - {None}
        count.add("AWS::Lambda::Permission", len(lambdas))
        runbooks = sum(1 for s in specs if getattr(s, "runbook", None))
        for resource_type in ("AWS::IAM::Role", "AWS::IAM::Policy"):
            count.add(resource_type, 2 * runbooks)
        for resource_type in ("AWS::Events::Rule", "AWS::SQS::Queue", "AWS::SQS::QueuePolicy"):
            count.add(resource_type, runbooks)
    return count
