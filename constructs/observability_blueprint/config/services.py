"""The ``services:`` section: the AWS resources each service runs on, and its health alarm.

Pure module: no aws_cdk import. A service is named by its log groups
(``log_groups[].service``) or here; ``services[].resources`` lists the AWS
resources it runs on, each under the key of its type, by name or ARN::

    services:
      - name: checkout
        resources:
          - lambda_function: checkout-api
            timeout_seconds: 30
            alarms:
              errors: {threshold: 5}
              throttles: {enabled: false}
          - sqs_queue: arn:aws:sqs:eu-west-1:111122223333:checkout-jobs

For each resource the blueprint creates AWS's recommended alarms for its type
(:mod:`observability_blueprint.rules.recommended_alarms`); the checks that need
the whole file are in :func:`service_problems`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Final, Literal, Self

from pydantic import Field, field_validator, model_validator

from observability_blueprint.config.alarms import Actions
from observability_blueprint.config.base import LogicalName, StrictModel, checked, fail
from observability_blueprint.rules import alarm_settings, arns, resource_alarms
from observability_blueprint.rules.alarm_settings import ActionSet, action_kind
from observability_blueprint.rules.arns import is_unresolved
from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.recommended_alarms import RESOURCE_TYPES
from observability_blueprint.rules.regions import check_region
from observability_blueprint.rules.resource_alarms import (
    AlarmOverride,
    ResolvedAlarm,
    ResourceFacts,
    resolve_alarms,
)
from observability_blueprint.rules.resource_refs import (
    ResourceIdentity,
    ResourceRefError,
    identify,
    region_problem,
)
from observability_blueprint.rules.service_health import (
    HEALTH_SUFFIX,
    SHARED_ALARMS,
    shared_alarm_id,
)


class ResourceAlarm(StrictModel):
    """Changes to one recommended alarm of one resource (every key optional)."""

    enabled: bool | None = None
    """Turn the alarm on or off. Default: the data file's (AWS's alarms on, where their
    prerequisite is known to be on)."""
    threshold: float | int | None = None
    """The threshold; required where AWS's depends on the workload and none can be derived."""
    statistic: Annotated[str, checked(alarm_settings.check_statistic)] | None = None
    """Statistic; a percentile only on metrics that have them."""
    period: int | None = None
    """Seconds: 10, 20, 30 or a multiple of 60."""
    evaluation_periods: int | None = Field(default=None, ge=1)
    """Periods evaluated."""
    datapoints_to_alarm: int | None = Field(default=None, ge=1)
    """Breaching periods among them that set ALARM."""
    treat_missing_data: Literal["breaching", "notBreaching", "ignore", "missing"] | None = None
    """What a period without data counts as."""

    def to_override(self) -> AlarmOverride:
        """Return the pure override."""
        return AlarmOverride(
            enabled=self.enabled,
            threshold=float(self.threshold) if self.threshold is not None else None,
            statistic=self.statistic,
            period=self.period,
            evaluation_periods=self.evaluation_periods,
            datapoints_to_alarm=self.datapoints_to_alarm,
            treat_missing_data=self.treat_missing_data,
        )


_ONLY_FOR: dict[str, tuple[str, ...]] = {
    "stage": ("api_gateway_rest_api", "api_gateway_http_api"),
    "load_balancer": ("elb_target_group",),
    "cluster": ("ecs_service",),
    "timeout_seconds": ("lambda_function", "step_functions_state_machine"),
    "reserved_concurrency": ("lambda_function",),
    "fifo": ("sqs_queue",),
    "dead_letter_queue": ("sqs_queue",),
    "retention_seconds": ("sqs_queue",),
    "allocated_storage_gib": ("rds_db_instance",),
    "min_size": ("autoscaling_group",),
    "stream_retention_hours": ("kinesis_stream",),
}
"""The keys that only some resource types take."""


class Resource(StrictModel):
    """One AWS resource a service runs on: exactly one type key, with its name or ARN."""

    lambda_function: str | None = None
    """A Lambda function's name or ARN (unqualified)."""
    api_gateway_rest_api: str | None = None
    """A REST API's name (CloudWatch's ApiName dimension is the name); needs stage."""
    api_gateway_http_api: str | None = None
    """An HTTP API's id or ARN; stage defaults to $default."""
    application_load_balancer: str | None = None
    """An Application Load Balancer's ARN or app/<name>/<id>."""
    network_load_balancer: str | None = None
    """A Network Load Balancer's ARN or net/<name>/<id>."""
    elb_target_group: str | None = None
    """A target group's ARN or targetgroup/<name>/<id>; needs load_balancer."""
    dynamodb_table: str | None = None
    """A DynamoDB table's name or ARN."""
    sqs_queue: str | None = None
    """An SQS queue's name, ARN or URL."""
    sns_topic: str | None = None
    """An SNS topic's name or ARN."""
    kinesis_stream: str | None = None
    """A Kinesis data stream's name or ARN."""
    step_functions_state_machine: str | None = None
    """A Step Functions state machine's name or ARN."""
    ecs_service: str | None = None
    """An ECS service's ARN, <cluster>/<service>, or name with cluster."""
    eks_cluster: str | None = None
    """An EKS cluster's name or ARN."""
    rds_db_instance: str | None = None
    """An RDS or Aurora DB instance's identifier or ARN."""
    rds_db_cluster: str | None = None
    """An Aurora DB cluster's identifier or ARN."""
    autoscaling_group: str | None = None
    """An EC2 Auto Scaling group's name or ARN."""
    cloudfront_distribution: str | None = None
    """A CloudFront distribution's id or ARN (its metrics are in us-east-1 only)."""

    stage: str | None = None
    """API Gateway: the stage whose metrics are watched."""
    load_balancer: str | None = None
    """Target groups: the load balancer in front (host counts need both)."""
    cluster: str | None = None
    """ECS services given by name: their cluster."""
    region: Annotated[str, checked(check_region)] | None = None
    """The resource's Region when it is not the stack's (say it: alarms watch their own
    Region's metrics only)."""
    features: list[str] = []
    """Prerequisites known to be on (container_insights, detailed_metrics ...): the alarms
    that need them are created."""
    timeout_seconds: float | None = Field(default=None, gt=0)
    """A function's or state machine's timeout: derives duration thresholds."""
    reserved_concurrency: int | None = Field(default=None, ge=0)
    """A function's reserved concurrency."""
    fifo: bool | None = None
    """A FIFO queue."""
    dead_letter_queue: bool | None = None
    """The queue is a dead-letter queue: any message in it is an alarm."""
    retention_seconds: int | None = Field(default=None, gt=0)
    """The queue's message retention period."""
    allocated_storage_gib: int | None = Field(default=None, gt=0)
    """A DB instance's allocated storage."""
    min_size: int | None = Field(default=None, ge=0)
    """An Auto Scaling group's minimum size."""
    stream_retention_hours: int | None = Field(default=None, gt=0)
    """A stream's retention period."""
    sub_resources: dict[str, list[str]] = {}
    """Parts with alarms of their own, by kind: global_secondary_index, container ..."""
    alarms: dict[str, ResourceAlarm] = {}
    """Changes per alarm id (``errors`` or ``lambda.errors``); ``false`` turns one off,
    ``true`` on."""

    @field_validator("alarms", mode="before")
    @classmethod
    def _switches(cls, value: object) -> object:
        # `errors: false` is short for `errors: {enabled: false}`: one model, so a bad
        # value gets one message, about the mapping.
        if isinstance(value, dict):
            return {
                key: {"enabled": item} if isinstance(item, bool) else item
                for key, item in value.items()
            }
        return value

    @model_validator(mode="after")
    def _one_type(self) -> Self:
        given = [key for key in RESOURCE_TYPES if getattr(self, key) is not None]
        if len(given) != 1:
            raise fail(
                f"give exactly one resource type key (got {len(given)}: "
                f"{', '.join(given) or 'none'}); the keys are {', '.join(RESOURCE_TYPES)}"
            )
        kind = given[0]
        for key, types in _ONLY_FOR.items():
            value = getattr(self, key)
            if value is not None and kind not in types:
                shown = f" {cut(str(value))!r}" if isinstance(value, str) else ""
                raise fail(
                    f"{key}{shown} does not apply to {kind}; it is for {', '.join(types)}",
                    at=key,
                )
        return self

    @property
    def resource_type(self) -> str:
        """The type key this entry is listed under."""
        return next(key for key in RESOURCE_TYPES if getattr(self, key) is not None)

    @property
    def reference(self) -> str:
        """The name or ARN as written."""
        value = getattr(self, self.resource_type)
        assert isinstance(value, str)
        return value

    def overrides(self) -> dict[str, AlarmOverride]:
        """Return the changes per alarm id, ``true``/``false`` as enabled."""
        return {key: value.to_override() for key, value in self.alarms.items()}

    def facts(self) -> ResourceFacts:
        """Return what the file says of the resource."""
        return ResourceFacts(
            features=frozenset(self.features),
            is_fifo=self.fifo,
            is_dead_letter_queue=self.dead_letter_queue,
            retention_seconds=self.retention_seconds,
            timeout_seconds=self.timeout_seconds,
            reserved_concurrency=self.reserved_concurrency,
            allocated_storage_gib=self.allocated_storage_gib,
            min_size=self.min_size,
            stream_retention_hours=self.stream_retention_hours,
            sub_resources={k: tuple(v) for k, v in self.sub_resources.items()},
        )

    def identity(self) -> ResourceIdentity:
        """Return the resource's identity (raises ResourceRefError for a bad name or ARN)."""
        return identify(
            self.resource_type,
            self.reference,
            stage=self.stage,
            load_balancer=self.load_balancer,
            cluster=self.cluster,
            region=self.region,
        )


class Service(StrictModel):
    """A service: the AWS resources it runs on, and the composite alarm that says it is healthy."""

    name: LogicalName
    """The service's name; log groups join it with ``service: <name>``."""
    resources: list[Resource] = []
    """The AWS resources it runs on."""
    health_alarm: bool = True
    """A composite alarm ``<service>-health`` in ALARM while any of the service's resource
    alarms is; it carries the actions, the resource alarms stay quiet."""
    actions: Actions | None = None
    """The health alarm's actions. Default: default_actions."""
    description: str | None = Field(default=None, max_length=500)
    """What the service does, for the health alarm and the dashboard."""


@dataclass(frozen=True)
class PlannedResource:
    """One resource of a service with its identity and the alarms it gets."""

    service: str
    index: int
    entry: Resource
    identity: ResourceIdentity
    alarms: tuple[ResolvedAlarm, ...]
    home_region: str | None = None
    """The Region of the blueprint's stack (``env.region``)."""
    facts: ResourceFacts | None = None
    """What is known of it: the entry's facts, and features the file turns on elsewhere
    (Container Insights of ``containers:``). Default: the entry's facts."""

    @property
    def known(self) -> ResourceFacts:
        """The facts the alarms were resolved with."""
        return self.facts if self.facts is not None else self.entry.facts()

    @property
    def label(self) -> str:
        """A stable label: ``<type>-<name>`` with characters names take."""
        return resource_label(self.identity)

    @property
    def elsewhere(self) -> str | None:
        """The Region whose stack holds this resource's alarms, when it is not the home one.

        None for the home stack: the resource is in the home Region, or its Region or
        the home Region is unknown (plan_resources refused a said Region without
        ``env.region``).
        """
        where, home = self.identity.region, self.home_region
        if home is None or where is None or where == home:
            return None
        return where


def resource_label(identity: ResourceIdentity) -> str:
    """Return ``<short type>-<name>[-<stage>]`` in characters alarm names and construct
    ids take: ``/`` becomes ``--`` (``ecs-cluster--service``), any other such character
    ``-``, and an API's stage is part of it (one API is often listed per stage)."""
    name = identity.name.replace("/", "--")
    if stage := identity.dimensions.get("Stage"):
        name = f"{name}-{stage.lstrip('$')}"
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
    return f"{SHORT_TYPES[identity.resource_type]}-{safe}".strip("-")


SHORT_TYPES: Mapping[str, str] = {
    "lambda_function": "lambda",
    "api_gateway_rest_api": "rest-api",
    "api_gateway_http_api": "http-api",
    "application_load_balancer": "alb",
    "network_load_balancer": "nlb",
    "elb_target_group": "tg",
    "dynamodb_table": "table",
    "sqs_queue": "queue",
    "sns_topic": "topic",
    "kinesis_stream": "stream",
    "step_functions_state_machine": "sfn",
    "ecs_service": "ecs",
    "eks_cluster": "eks",
    "rds_db_instance": "db",
    "rds_db_cluster": "dbcluster",
    "autoscaling_group": "asg",
    "cloudfront_distribution": "cloudfront",
}
"""The short type in alarm names and construct ids (stable: they are public)."""


def plan_resources(
    services: Sequence[Service],
    *,
    region: str | None = None,
    cluster_features: Mapping[tuple[str, str], frozenset[str]] | None = None,
) -> tuple[list[PlannedResource], list[Problem]]:
    """Resolve every listed resource and its alarms; return them and the problems found.

    ``region`` is the stack's (``env.region``): a resource elsewhere must say so.
    ``cluster_features`` are features the file turns on for a cluster, by (resource
    type, ClusterName): Container Insights of ``containers.ecs`` / ``containers.eks``
    make the alarms that need it on the cluster's ECS services and on the EKS cluster.
    """
    planned: list[PlannedResource] = []
    problems: list[Problem] = []
    for i, service in enumerate(services):
        for j, entry in enumerate(service.resources):
            where = f"services[{i}].resources[{j}]"
            if is_unresolved(entry.reference):
                problems.append(
                    Problem(
                        f"{where}.{entry.resource_type}",
                        f"{cut(entry.reference)!r} looks like a CDK token; the file takes a "
                        "name or ARN as text (tokens are for the Python API)",
                    )
                )
                continue
            try:
                identity = entry.identity()
            except ResourceRefError as error:
                problems.append(Problem(f"{where}.{entry.resource_type}", str(error)))
                continue
            if message := region_problem(identity, stack_region=region, said_region=entry.region):
                problems.append(Problem(f"{where}.{entry.resource_type}", message))
                continue
            if entry.region is not None and region is None:
                problems.append(
                    Problem(
                        f"{where}.region",
                        f"{entry.region!r}: resources in another Region need env.region: the "
                        "alarms there notify through the home Region; set env.region (the "
                        "Region this blueprint's stack is deployed in)",
                    )
                )
                continue
            unknown = [f for f in entry.features if f not in resource_alarms.FEATURES]
            if unknown:
                problems.append(
                    Problem(
                        f"{where}.features",
                        f"{cut(unknown[0])!r} is not a feature; use one of "
                        + ", ".join(sorted(resource_alarms.FEATURES)),
                    )
                )
                continue
            facts = entry.facts()
            cluster = identity.dimensions.get("ClusterName")
            extra = (cluster_features or {}).get((entry.resource_type, cluster or ""))
            # containers: sets up clusters of the home Region only.
            if extra and identity.region in (None, region):
                facts = replace(facts, features=facts.features | extra)
            alarms, found = resolve_alarms(
                entry.resource_type,
                dimensions=identity.dimensions,
                overrides=entry.overrides(),
                facts=facts,
                where=where,
            )
            problems += found
            planned.append(
                PlannedResource(service.name, j, entry, identity, tuple(alarms), region, facts)
            )
    return planned, problems


def service_problems(
    services: Sequence[Service],
    *,
    planned: Sequence[PlannedResource],
    topics: Sequence[str],
    naming: alarm_settings.AlarmNaming,
    region: str | None = None,
    account: str | None = None,
    default_actions: ActionSet | None = None,
) -> Iterator[Problem]:
    """Return what needs the whole file: unique names, resources listed once, alarm names,
    and actions a health alarm in another Region can take (``default_actions``: the
    file's, for services that give none)."""
    place = arns.Place.of(region=region, account=account)
    seen: dict[str, int] = {}
    for i, service in enumerate(services):
        if service.name in seen:
            yield Problem(
                f"services[{i}].name",
                f"{service.name!r} is already used by services[{seen[service.name]}]; "
                "names must be unique",
            )
        seen.setdefault(service.name, i)
        if service.actions is not None:
            for problem in alarm_settings.action_problems(
                service.actions.to_set(),
                kind="composite",
                topics=topics,
                place=place,
                keys=alarm_settings.FILE_KEYS,
            ):
                yield Problem(f"services[{i}].actions.{problem.location}", problem.message)
    listed: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}
    labels: dict[tuple[str, str], str] = {}
    index = {s.name: i for i, s in enumerate(services)}
    for resource in planned:
        where = f"services[{index[resource.service]}].resources[{resource.index}]"
        # Resources of other Regions go to their Region's stack: names and ids differ there.
        stack = resource.elsewhere or ""
        label_key = (resource.service, f"{resource.label}@{stack}")
        if label_key in labels and labels[label_key] != where:
            yield Problem(
                f"{where}.{resource.identity.resource_type}",
                f"{cut(resource.entry.reference)!r} would be named {resource.label!r} like "
                f"{labels[label_key]}; give the two names that differ in more than "
                "punctuation",
            )
            continue
        labels.setdefault(label_key, where)
        key = (
            f"{resource.identity.resource_type}@{stack}",
            tuple(sorted(resource.identity.dimensions.items())),
        )
        if key in listed:
            yield Problem(
                f"{where}.{resource.identity.resource_type}",
                f"{cut(resource.entry.reference)!r} is listed already at {listed[key]}; list a "
                "resource once (its alarms would be made twice)",
            )
            continue
        listed[key] = where
        for alarm in resource.alarms:
            name = naming.name(f"{resource.service}-{resource.label}-{alarm.short_name}")
            if message := alarm_settings.check_alarm_name(name):
                yield Problem(f"{where}.{resource.identity.resource_type}", message)
                break
    yield from forwarding_action_problems(
        services, planned=planned, default_actions=default_actions
    )


def by_region(planned: Sequence[PlannedResource]) -> dict[str, list[PlannedResource]]:
    """Return the resources whose alarms live in another Region's stack, by that Region
    (sorted), each Region's in the file's order."""
    out: dict[str, list[PlannedResource]] = {}
    for resource in planned:
        if (where := resource.elsewhere) is not None:
            out.setdefault(where, []).append(resource)
    return dict(sorted(out.items()))


FORWARDABLE_ACTIONS: Final = ("topic",)
"""What a health alarm in another Region can do: its state changes are forwarded to the
home Region's default event bus, where rules notify the home topics (an SNS action must
be in the alarm's own Region; see :mod:`observability_blueprint.blueprint.regional`)."""


def forwarding_action_problems(
    services: Sequence[Service],
    *,
    planned: Sequence[PlannedResource],
    default_actions: ActionSet | None = None,
) -> Iterator[Problem]:
    """Refuse actions a forwarded health alarm cannot take, at ``services[i].actions``.

    A service with resources in another Region notifies, from the home Region, what its
    health alarm there enters; only topics can be notified that way (EventBridge rules
    on the forwarded state changes). ``default_actions`` are the file's, for services
    that give none.
    """
    regions: dict[str, set[str]] = {}
    home = ""
    for resource in planned:
        if (where := resource.elsewhere) is not None:
            regions.setdefault(resource.service, set()).add(where)
            home = resource.home_region or home
    for i, service in enumerate(services):
        if service.name not in regions or not service.health_alarm:
            continue
        given = service.actions.to_set() if service.actions is not None else default_actions
        found = next(
            (
                (state, j, kind)
                for state, actions in (given.by_state().items() if given else ())
                for j, action in enumerate(actions)
                if (kind := action_kind(action)) not in FORWARDABLE_ACTIONS
            ),
            None,
        )
        if found is None:
            continue
        state, j, kind = found
        place = (
            f"services[{i}].actions.{state}[{j}]"
            if service.actions is not None
            else f"services[{i}].actions"
        )
        source = "" if service.actions is not None else f" (default_actions.{state}[{j}])"
        yield Problem(
            place,
            f"{kind or 'an unknown'} action{source}: {service.name!r} has resources in "
            f"{', '.join(sorted(regions[service.name]))}, whose health alarm there reaches "
            f"{home} as forwarded events, and only topic actions can be taken on those; give "
            f"services[{i}].actions with topic actions only (or list the resources in a "
            "blueprint homed in their Region)",
        )


def region_alarms(planned: Sequence[PlannedResource]) -> dict[str, ResolvedAlarm]:
    """Return the alarms made once per stack (Region-wide metrics), by region key."""
    out: dict[str, ResolvedAlarm] = {}
    for resource in planned:
        for alarm in resource.alarms:
            if alarm.region_key is not None:
                out.setdefault(alarm.region_key, alarm)
    return out


def health_alarm_name(naming: alarm_settings.AlarmNaming, service: str, region: str | None) -> str:
    """The physical name of a service's health alarm: ``<name>-<stage>-<service>-health``,
    with ``-<Region>`` for the one in another Region's stack."""
    suffix = f"-{region}" if region else ""
    return naming.name(f"{service}-{HEALTH_SUFFIX}{suffix}")


def forwarded_undelivered_alarm_name(naming: alarm_settings.AlarmNaming, service: str) -> str:
    """The home stack's alarm on notifications of a service's health alarms in other
    Regions that could not be delivered:
    ``<name>-<stage>-<service>-health-forwarded-undelivered``."""
    return naming.name(f"{service}-{HEALTH_SUFFIX}-forwarded-undelivered")


def shared_alarm_prefix(naming: alarm_settings.AlarmNaming, region: str | None) -> str:
    """The name prefix of alarms made once per stack: ``<name>-<stage>-shared``, with
    ``-<Region>`` in another Region's stack (alarm names stay unique across stacks)."""
    suffix = f"-{region}" if region else ""
    return naming.name(f"{SHARED_ALARMS}{suffix}")


def resource_alarm_names(
    services: Sequence[Service],
    planned: Sequence[PlannedResource],
    naming: alarm_settings.AlarmNaming,
) -> dict[str, list[str]]:
    """Return the physical names of every alarm ``services:`` makes in the home stack,
    by service.

    The names the blueprint gives them (see ``blueprint.resources``): a resource's
    alarms ``<name>-<stage>-<service>-<label>-<alarm>``, alarms on Region-wide
    metrics ``<name>-<stage>-shared-<alarm>`` (listed with the first service that
    has them), and the health alarm ``<name>-<stage>-<service>-health``. Resources
    in another Region (``region:``) have theirs in that Region's stack (shared
    alarms ``<name>-<stage>-shared-<Region>-<alarm>``, the health alarm
    ``<name>-<stage>-<service>-health-<Region>``: :func:`regional_alarm_names`), so
    they are not listed here: the home Region's alarm overview shows its own, and
    ``<name>-<stage>-<service>-health-forwarded-undelivered`` (notifications of those
    health alarms that could not be delivered).
    """
    return regional_alarm_names(services, planned, naming, region=None)


def regional_alarm_names(
    services: Sequence[Service],
    planned: Sequence[PlannedResource],
    naming: alarm_settings.AlarmNaming,
    *,
    region: str | None,
) -> dict[str, list[str]]:
    """Return the physical names of the alarms ``services:`` makes in the stack of
    ``region`` (None: the home stack), by service."""
    out: dict[str, list[str]] = {}
    seen: set[str] = set()
    for resource in planned:
        if resource.elsewhere != region:
            continue
        names = out.setdefault(resource.service, [])
        for alarm in resource.alarms:
            shared = shared_alarm_id(alarm)
            if shared is not None:
                name = f"{shared_alarm_prefix(naming, region)}-{shared}"
            else:
                name = f"{naming.name(f'{resource.service}-{resource.label}')}-{alarm.short_name}"
            if name not in seen:
                seen.add(name)
                names.append(name)
    for service in services:
        if service.health_alarm and out.get(service.name):
            out[service.name].append(health_alarm_name(naming, service.name, region))
    if region is None:
        elsewhere = {r.service for r in planned if r.elsewhere is not None}
        for service in services:
            if service.health_alarm and service.name in elsewhere:
                out.setdefault(service.name, []).append(
                    forwarded_undelivered_alarm_name(naming, service.name)
                )
    return out
