"""Find the AWS resources of a CDK scope and give each its recommended alarms."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import jsii
from aws_cdk import Annotations, CfnResource, Stack, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct, IConstruct, IValidation

from observability_blueprint.monitors.resource_monitor import ResourceMonitor
from observability_blueprint.monitors.service_health import ServiceHealth
from observability_blueprint.rules import alarm_settings as rules
from observability_blueprint.rules.errors import BlueprintError, Problem, cut
from observability_blueprint.rules.recommended_alarms import RESOURCE_TYPES, alarms_for
from observability_blueprint.rules.resource_alarms import (
    SUB_RESOURCES,
    AlarmOverride,
    LoadBalancerKind,
    ResourceFacts,
    resolve_alarms,
)
from observability_blueprint.rules.resource_refs import (
    CLOUDFRONT_GLOBAL,
    CLOUDFRONT_REGION,
    HTTP_API_DEFAULT_STAGE,
    ResourceIdentity,
)

UNSET_WARNING: Final = "observability-blueprint:scope-monitoring-alarms-left-out"
"""The ID of the warning, one per resource, that names the alarms discovery left out."""
SKIPPED_WARNING: Final = "observability-blueprint:scope-monitoring-resource-skipped"
"""The ID of the warning for a supported resource that cannot be monitored from here."""
NOTHING_WARNING: Final = "observability-blueprint:scope-monitoring-found-nothing"
"""The ID of the warning for a target without any supported resource."""
HEALTH_ID: Final = "Health"
"""The construct ID of the composite alarm over everything found."""

# CloudFormation type -> the data file's key, for the types that are one resource each.
# API Gateway APIs are monitored per stage, load balancers by kind: see _candidates.
# An aws-eks Cluster (L2) is a custom resource whose Ref is the cluster name
# (aws-cdk-lib aws-eks/lib/cluster.ts: clusterName = getResourceNameAttribute(resource.ref)).
CFN_TYPES: Final[Mapping[str, str]] = {
    "AWS::Lambda::Function": "lambda_function",
    "AWS::DynamoDB::Table": "dynamodb_table",
    "AWS::DynamoDB::GlobalTable": "dynamodb_table",
    "AWS::SQS::Queue": "sqs_queue",
    "AWS::SNS::Topic": "sns_topic",
    "AWS::Kinesis::Stream": "kinesis_stream",
    "AWS::StepFunctions::StateMachine": "step_functions_state_machine",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "elb_target_group",
    "AWS::ECS::Service": "ecs_service",
    "AWS::EKS::Cluster": "eks_cluster",
    "Custom::AWSCDK-EKS-Cluster": "eks_cluster",
    "AWS::RDS::DBInstance": "rds_db_instance",
    "AWS::RDS::DBCluster": "rds_db_cluster",
    "AWS::AutoScaling::AutoScalingGroup": "autoscaling_group",
    "AWS::CloudFront::Distribution": "cloudfront_distribution",
}
"""CloudFormation resource types found by discovery, with the data file's key."""
_API_TYPES: Final = ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api")
_LB_TYPE: Final = "AWS::ElasticLoadBalancingV2::LoadBalancer"
SUPPORTED_CFN_TYPES: Final[frozenset[str]] = frozenset({*CFN_TYPES, *_API_TYPES, _LB_TYPE})
"""Every CloudFormation type discovery looks at."""

# Dimension values from the CloudFormation resource reference's return values
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-<service>-<type>.html,
# "Return values": Ref and Fn::GetAtt), chosen as aws-cdk-lib's L2 metrics choose them:
# lambda.Function.functionName is Ref, sqs.Queue.queueName GetAtt QueueName (Ref is the
# URL), dynamodb.Table.tableName Ref, sns.Topic.topicName GetAtt TopicName (Ref is the
# ARN), kinesis.Stream.streamName Ref, StateMachine metrics StateMachineArn = Ref,
# elbv2 loadBalancerFullName / targetGroupFullName GetAtt, ecs BaseService.serviceName
# GetAtt Name, eks / rds / autoscaling names Ref, cloudfront distributionId Ref,
# apigateway RestApi metrics ApiName = restApiName (the Name property) and Stage =
# stageName, apigatewayv2 HttpApi apiId = Ref.
_REF: Final = "Ref"
_DIMENSION_ATTRIBUTE: Final[Mapping[str, tuple[str, str]]] = {
    "lambda_function": ("FunctionName", _REF),
    "dynamodb_table": ("TableName", _REF),
    "sqs_queue": ("QueueName", "QueueName"),
    "sns_topic": ("TopicName", "TopicName"),
    "kinesis_stream": ("StreamName", _REF),
    "step_functions_state_machine": ("StateMachineArn", _REF),
    "application_load_balancer": ("LoadBalancer", "LoadBalancerFullName"),
    "network_load_balancer": ("LoadBalancer", "LoadBalancerFullName"),
    "elb_target_group": ("TargetGroup", "TargetGroupFullName"),
    "ecs_service": ("ServiceName", "Name"),
    "eks_cluster": ("ClusterName", _REF),
    "rds_db_instance": ("DBInstanceIdentifier", _REF),
    "rds_db_cluster": ("DBClusterIdentifier", _REF),
    "autoscaling_group": ("AutoScalingGroupName", _REF),
    "cloudfront_distribution": ("DistributionId", _REF),
}

# Defaults CloudFormation applies when a property is absent (resource reference pages):
# Lambda Timeout 3 s (aws-resource-lambda-function.html); SQS MessageRetentionPeriod
# 345,600 s (aws-resource-sqs-queue.html); Kinesis RetentionPeriodHours 24
# (aws-resource-kinesis-stream.html); Fargate ephemeral storage 20 GiB
# (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html);
# CloudFront OriginReadTimeout 30 s
# (aws-properties-cloudfront-distribution-customoriginconfig.html).
_LAMBDA_TIMEOUT_DEFAULT: Final = 3
_SQS_RETENTION_DEFAULT: Final = 345_600
_KINESIS_RETENTION_DEFAULT: Final = 24
_FARGATE_EPHEMERAL_DEFAULT: Final = 20
_ORIGIN_READ_TIMEOUT_DEFAULT: Final = 30

_PACKAGE: Final = __name__.split(".", 1)[0]
_INTRINSIC: Final = re.compile(r"^(Ref|Fn::.+|Condition)$")


# ------------------------------------------------------------------ what was found


@dataclass(frozen=True)
class DiscoveredResource:
    """One supported resource found in the target, and how it is monitored.

    Parameters
    ----------
    resource_type
        The data file's key (``lambda_function``).
    path
        The construct path of the resource: the L2 (``MyStack/Orders``) when the
        CloudFormation resource is its default child, else the L1's path.
    cfn_type
        Its CloudFormation type (a stage's type for an API monitored per stage).
    identity
        The dimension values its alarms use: references (``Ref`` / ``Fn::GetAtt``)
        that CloudFormation resolves at deploy time.
    facts
        What its properties say: timeout, retention, indexes, features on ...
    match_paths
        The paths include / exclude patterns and per-path overrides are matched
        against: the resource's and those of every construct above it (and, for a
        stage, its API's).
    """

    resource_type: str
    path: str
    cfn_type: str
    identity: ResourceIdentity
    facts: ResourceFacts
    match_paths: tuple[str, ...]


@dataclass(frozen=True)
class _Candidate:
    resource: DiscoveredResource | None
    path: str
    resource_type: str
    match_paths: tuple[str, ...]
    skip_reason: str | None = None


class ScopeMonitoring(Construct):
    """AWS's recommended alarms on every supported resource of a CDK scope.

    Three lines add observability to an existing app::

        ScopeMonitoring(stack, "Monitoring", target=stack, actions=ActionSet(...))

    Discovery walks ``target`` (a Stack, a Stage or the App; every construct under
    it) and takes each CloudFormation resource of a supported type
    (:data:`SUPPORTED_CFN_TYPES`), so L1, L2, L3 constructs and ``CfnInclude``'d
    templates are all found. A REST or HTTP API is monitored once per stage; a
    target group with the load balancer its listener forwards from. Nothing else
    is taken (not a function's role, not an API's deployment), nor anything under
    this construct or another observability-blueprint construct (the blueprint's
    own topics and queues have their own alarms). Dimension values are references
    (``Ref`` / ``Fn::GetAtt``), and facts come from the resources' properties:
    a function's timeout (its duration alarm is 0.8 times it), a queue's FIFO-ness,
    retention and whether another queue sends it dead letters, a table's indexes ...

    Workload-dependent thresholds
        Where AWS's threshold depends on the workload and nothing found lets it be
        derived (a function's error count, a table's throttles), discovery leaves
        that alarm out and warns once per resource, naming the alarms and how to
        set them: ``alarms={"lambda_function": {"errors": AlarmOverride(threshold=1)}}``.
        So does an alarm that needs what discovery cannot learn (a dimension). The
        blueprint file instead stops synthesis: a resource listed there by hand is
        intent, while discovery must not stop an app that synthesized before.
        What the user writes in ``alarms`` is checked strictly: a bad override
        stops construction.

    Filters (``exclude`` wins)
        A resource is monitored when its type is in ``resource_types`` (all types
        when None), it matches an ``include`` entry (or ``include`` is empty), and
        it matches no ``exclude`` entry. An entry is a resource type key
        (``sqs_queue``) or an ``fnmatch`` glob over construct paths (``MyStack/Legacy*``,
        ``*/Api``); a glob matches a resource when it matches its path or the path of
        any construct above it, so ``MyStack/Legacy`` excludes everything in it. A
        glob or an override path that matches no supported resource stops
        construction (it is a typo, or the resource moved).

    Why discovery runs at construction, not in an Aspect
        So that what it makes (``monitors``, ``health``) is there for the code
        that follows, as with every other construct: an alarm widget or another
        composite can use ``health.alarm``. The price is order: create
        ``ScopeMonitoring`` after the resources, or call :meth:`discover` again. A
        node validation stops synthesis, naming them, when supported resources were
        added to the target after the last discovery, so none goes unmonitored
        silently.

    Construct IDs are each resource's construct path below the target
    (``Orders`` or ``Api--DeploymentStage.prod``; ``/`` becomes ``--``), so they
    do not change when resources are added, removed or reordered.

    Parameters
    ----------
    target
        The Stack, Stage or App whose resources are monitored. Resources in
        another account or Region than this construct's stack are skipped with a
        warning (CloudWatch alarms watch only their own Region's metrics; use one
        ``ScopeMonitoring`` per stack there); so is a CloudFront distribution unless
        this stack is in us-east-1, where its metrics are.
    include, exclude
        Resource type keys or construct-path globs (see Filters). Default: all.
    resource_types
        Only these types (the data file's keys). Default: every supported type.
    alarms
        Changes per alarm (``AlarmOverride``), keyed by resource type
        (``{"lambda_function": {"errors": AlarmOverride(threshold=1)}}``) or by a
        construct-path glob (``{"MyStack/Orders": {"duration": ...}}``); for the same
        alarm a path's override replaces the type's. Alarm keys are the data file's
        ids, or the id without its type prefix when that names one alarm.
    facts
        What discovery cannot read, per resource type or path glob (as ``alarms``):
        replaces the discovered facts of the matching resources. Default: none.
    actions, named_topics
        Actions of the health composite (the resources' alarms have none, so one
        incident pages once). Default: none.
    alarm_name_prefix
        Physical names ``<prefix>-<resource id>-<alarm>``, ``<prefix>-shared-<alarm>``
        for Region-wide ones and ``<prefix>-health``. Default: generated names.
    health_alarm
        Whether to make the composite over every alarm made. Default: True.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        target: IConstruct,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        resource_types: Sequence[str] | None = None,
        alarms: Mapping[str, Mapping[str, AlarmOverride]] | None = None,
        facts: Mapping[str, ResourceFacts] | None = None,
        actions: rules.ActionSet | None = None,
        named_topics: Mapping[str, sns.ITopic] | None = None,
        alarm_name_prefix: str | None = None,
        health_alarm: bool = True,
    ) -> None:
        super().__init__(scope, id)
        self.target = target
        """The scope whose resources are monitored."""
        self._include = tuple(include)
        self._exclude = tuple(exclude)
        self._types = None if resource_types is None else frozenset(resource_types)
        self._alarms = dict(alarms or {})
        self._facts = dict(facts or {})
        self._actions = actions
        self._named_topics = named_topics
        self._prefix = alarm_name_prefix
        self._health_alarm = health_alarm
        self._check_arguments()
        self._seen: set[str] = set()
        self.resources: dict[str, DiscoveredResource] = {}
        """Every monitored resource, by construct ID of its monitor."""
        self.monitors: dict[str, ResourceMonitor] = {}
        """The resource monitors, by construct ID (the resource's path below the target)."""
        self.left_out: dict[str, tuple[str, ...]] = {}
        """Per monitor ID, the alarm ids left out (workload-dependent, or not learnable)."""
        self.health: ServiceHealth | None = None
        """The composite over every alarm made, unless ``health_alarm`` is False or none is."""
        self.node.add_validation(_LateResources(self))
        self.discover()

    # ------------------------------------------------------------ public

    def discover(self) -> list[ResourceMonitor]:
        """Monitor the supported resources added to the target since the last discovery.

        Returns the new monitors; the health composite is rebuilt over every alarm.
        """
        candidates = [c for c in self._candidates() if c.path not in self._seen]
        self._check_patterns(candidates)
        chosen = [c for c in candidates if self._selected(c)]
        plans: list[tuple[str, DiscoveredResource, dict[str, AlarmOverride], list[str]]] = []
        problems: list[Problem] = []
        for candidate in chosen:
            if candidate.resource is None:
                Annotations.of(self).add_warning_v2(
                    SKIPPED_WARNING,
                    f"{candidate.path} ({candidate.resource_type}) is not monitored: "
                    f"{candidate.skip_reason}",
                )
                continue
            resource = self._with_user_facts(candidate.resource)
            overrides = self._overrides_for(resource)
            kept, left_out, found = _plan(resource, overrides)
            problems += found
            plans.append((self._monitor_id(resource.path), resource, kept, left_out))
        if problems:
            raise BlueprintError(problems)
        self._seen.update(c.path for c in candidates)
        made: list[ResourceMonitor] = []
        for monitor_id, resource, kept, left_out in plans:
            monitor = ResourceMonitor(
                self,
                monitor_id,
                resource_type=resource.resource_type,
                resource=resource.identity,
                alarms=kept,
                facts=resource.facts,
                alarm_name_prefix=(
                    f"{self._prefix}-{_fitted(monitor_id, len(self._prefix))}"
                    if self._prefix
                    else None
                ),
                shared_name_prefix=f"{self._prefix}-shared" if self._prefix else None,
            )
            self.resources[monitor_id] = resource
            self.monitors[monitor_id] = monitor
            if left_out:
                self.left_out[monitor_id] = tuple(left_out)
                Annotations.of(monitor).add_warning_v2(
                    UNSET_WARNING, _left_out_message(resource, left_out)
                )
            made.append(monitor)
        if not self.monitors:
            Annotations.of(self).add_warning_v2(
                NOTHING_WARNING,
                f"found no supported resource to monitor in {self.target.node.path or 'the app'}"
                f" (supported: {', '.join(sorted(SUPPORTED_CFN_TYPES))})",
            )
        self._build_health()
        return made

    @property
    def alarm_list(self) -> list[cloudwatch.IAlarm]:
        """Every alarm made on the resources (shared ones once), in discovery order."""
        return list(self._children().values())

    # ------------------------------------------------------------ checks

    def _check_arguments(self) -> None:
        at = self.node.path
        problems: list[Problem] = []
        if not isinstance(self.target, Construct):
            problems.append(
                Problem(f"{at}.target", f"{cut(repr(self.target))} is not a Stack, Stage or App")
            )
        for key in sorted(self._types or ()):
            if key not in RESOURCE_TYPES:
                problems.append(
                    Problem(
                        f"{at}.resource_types",
                        f"{cut(key)!r} is not a monitored resource type; use one of "
                        + ", ".join(RESOURCE_TYPES),
                    )
                )
        for name, entries in (("include", self._include), ("exclude", self._exclude)):
            for index, entry in enumerate(entries):
                if not _is_glob(entry) and entry not in RESOURCE_TYPES:
                    problems.append(
                        Problem(
                            f"{at}.{name}[{index}]",
                            f"{cut(entry)!r} is neither a resource type nor a construct-path "
                            "glob; use a type (" + ", ".join(RESOURCE_TYPES) + ") or a path "
                            "such as MyStack/Orders or */Api*",
                        )
                    )
        for name, table in (("alarms", self._alarms), ("facts", self._facts)):
            for key in table:
                if not _is_glob(key) and key not in RESOURCE_TYPES:
                    problems.append(
                        Problem(
                            f"{at}.{name}.{cut(key)}",
                            f"{cut(key)!r} is neither a resource type nor a construct-path "
                            "glob; key it by a type (" + ", ".join(RESOURCE_TYPES) + ") or a "
                            "path such as MyStack/Orders",
                        )
                    )
        if self._prefix is not None and (message := rules.check_alarm_name(self._prefix)):
            problems.append(Problem(f"{at}.alarm_name_prefix", message))
        if problems:
            raise BlueprintError(problems)

    def _check_patterns(self, candidates: Sequence[_Candidate]) -> None:
        """Refuse a glob that matches no supported resource: a typo, or a moved resource."""
        if self._seen:
            return  # a later discover() sees only the new resources
        at = self.node.path
        problems: list[Problem] = []
        globs = [
            (f"{at}.{name}[{index}]", entry)
            for name, entries in (("include", self._include), ("exclude", self._exclude))
            for index, entry in enumerate(entries)
            if _is_glob(entry)
        ] + [
            (f"{at}.{name}.{cut(key)}", key)
            for name, table in (("alarms", self._alarms), ("facts", self._facts))
            for key in table
            if _is_glob(key)
        ]
        for where, pattern in globs:
            if not any(_matches(pattern, c.match_paths) for c in candidates):
                paths = sorted(c.path for c in candidates)
                problems.append(
                    Problem(
                        where,
                        f"{cut(pattern)!r} matches no supported resource in "
                        f"{self.target.node.path or 'the app'}; construct paths found: "
                        + (cut(", ".join(paths), 400) if paths else "none"),
                    )
                )
        if problems:
            raise BlueprintError(problems)

    # ------------------------------------------------------------ selection

    def _selected(self, candidate: _Candidate) -> bool:
        if self._types is not None and candidate.resource_type not in self._types:
            return False
        if self._include and not any(_entry_matches(e, candidate) for e in self._include):
            return False
        return not any(_entry_matches(e, candidate) for e in self._exclude)

    def _keyed(self, table: Mapping[str, Any], resource: DiscoveredResource) -> list[Any]:
        """Entries of ``table`` for ``resource``: its type's first, then matching paths'."""
        found = [table[resource.resource_type]] if resource.resource_type in table else []
        found += [v for k, v in table.items() if _is_glob(k) and _matches(k, resource.match_paths)]
        return found

    def _overrides_for(self, resource: DiscoveredResource) -> dict[str, AlarmOverride]:
        merged: dict[str, AlarmOverride] = {}
        for table in self._keyed(self._alarms, resource):
            merged.update(table)
        return merged

    def _with_user_facts(self, resource: DiscoveredResource) -> DiscoveredResource:
        given = self._keyed(self._facts, resource)
        return replace(resource, facts=given[-1]) if given else resource

    def _monitor_id(self, path: str) -> str:
        base = self.target.node.path
        relative = path[len(base) + 1 :] if base and path.startswith(base + "/") else path
        return relative.replace("/", "--")

    # ------------------------------------------------------------ discovery

    def _candidates(self) -> list[_Candidate]:
        """Every supported resource of the target, in construct-tree order."""
        return _Discovery(self).run()

    # ------------------------------------------------------------ health

    def _children(self) -> dict[str, cloudwatch.IAlarm]:
        children: dict[str, cloudwatch.IAlarm] = {}
        seen: set[int] = set()
        for monitor_id, monitor in self.monitors.items():
            for short_name, alarm in monitor.alarms.items():
                if id(alarm) in seen:
                    continue  # a Region-wide alarm several resources share
                seen.add(id(alarm))
                key = monitor.alarm_names.get(short_name) or f"{monitor_id}-{short_name}"
                children[key] = alarm
        return children

    def _build_health(self) -> None:
        if not self._health_alarm:
            return
        if self.node.try_find_child(HEALTH_ID) is not None:
            self.node.try_remove_child(HEALTH_ID)
            self.health = None
        children = self._children()
        if not children:
            return
        self.health = ServiceHealth(
            self,
            HEALTH_ID,
            alarms=children,
            alarm_name=f"{self._prefix}-health" if self._prefix else None,
            description=(
                f"In ALARM while any recommended alarm of the {len(self.monitors)} resources "
                f"found in {self.target.node.path or 'the app'} is."
            ),
            actions=self._actions,
            named_topics=self._named_topics,
        )


@jsii.implements(IValidation)
class _LateResources:
    """Fails synthesis when supported resources were added after discovery."""

    def __init__(self, owner: ScopeMonitoring) -> None:
        self._owner = owner

    def validate(self) -> list[str]:
        owner = self._owner
        late = [c for c in owner._candidates() if c.path not in owner._seen and owner._selected(c)]
        if not late:
            return []
        listed = ", ".join(f"{c.path} ({c.resource_type})" for c in late)
        return [
            f"{owner.node.path}: {cut(listed, 600)} were added to "
            f"{owner.target.node.path or 'the app'} after ScopeMonitoring looked, so they "
            "have no alarms; create ScopeMonitoring after the resources it monitors, or call "
            "its discover() once they are added"
        ]


# ------------------------------------------------------------------ planning


def _plan(
    resource: DiscoveredResource, overrides: Mapping[str, AlarmOverride]
) -> tuple[dict[str, AlarmOverride], list[str], list[Problem]]:
    """Return (overrides to create with, alarm ids left out, problems that stop).

    An alarm the user did not touch whose threshold is unset or whose dimensions
    discovery could not learn is left out (turned off); every problem with what the
    user wrote stops.
    """
    where = resource.path
    ids = sorted((a.id for a in alarms_for(resource.resource_type)), key=len, reverse=True)
    by_id = _override_ids(overrides, ids)
    _, problems = resolve_alarms(
        resource.resource_type,
        dimensions=resource.identity.dimensions,
        overrides=overrides,
        facts=resource.facts,
        where=where,
    )
    left_out: list[str] = []
    stopping: list[Problem] = []
    for problem in problems:
        alarm_id, field_name = _alarm_of(problem, where, ids)
        override = by_id.get(alarm_id) if alarm_id else None
        unset = field_name == "threshold" and (
            override is None or (override[1].enabled is not True and override[1].threshold is None)
        )
        unknown = field_name is None and alarm_id is not None and override is None
        if alarm_id is not None and (unset or unknown):
            if alarm_id not in left_out:
                left_out.append(alarm_id)
        else:
            stopping.append(problem)
    if stopping:
        return {}, [], stopping
    kept = dict(overrides)
    # A per-part alarm (GSI, replica Region ...) of a resource without such parts makes
    # nothing either way: turn it off without naming it in the warning.
    left_out, silent = (
        [a for a in left_out if not _without_parts(a, resource.facts)],
        [a for a in left_out if _without_parts(a, resource.facts)],
    )
    for alarm_id in (*left_out, *silent):
        if alarm_id in by_id:
            key, given = by_id[alarm_id]
            kept[key] = replace(given, enabled=False)
        else:
            kept[alarm_id] = AlarmOverride(enabled=False)
    return kept, left_out, []


def _without_parts(alarm_id: str, facts: ResourceFacts) -> bool:
    sub = SUB_RESOURCES.get(alarm_id)
    return sub is not None and not facts.sub_resources.get(sub.key)


def _override_ids(
    overrides: Mapping[str, AlarmOverride], ids: Sequence[str]
) -> dict[str, tuple[str, AlarmOverride]]:
    """The user's override keys by the alarm id they name (full id, or id without its prefix)."""
    found: dict[str, tuple[str, AlarmOverride]] = {}
    for key, override in overrides.items():
        named = [i for i in ids if i == key or i.split(".", 1)[1] == key]
        if len(named) == 1:
            found.setdefault(named[0], (key, override))
    return found


def _alarm_of(problem: Problem, where: str, ids: Sequence[str]) -> tuple[str | None, str | None]:
    """Which alarm a resolver problem is about, and which field: (id, field) or (None, None).

    Problems about one override are at ``<where>.alarms.<key>[.<field>]``; problems the
    resource causes (a dimension it does not give) are at ``<where>`` and start with
    the alarm id.
    """
    prefix = f"{where}.alarms."
    if problem.location.startswith(prefix):
        rest = problem.location[len(prefix) :]
        for alarm_id in ids:  # longest first: "lambda.ours.x" before "lambda.x"
            for key in (alarm_id, alarm_id.split(".", 1)[1]):
                if rest == key:
                    return alarm_id, "override"
                if rest.startswith(key + "."):
                    return alarm_id, rest[len(key) + 1 :]
        return None, None
    if problem.location == where:
        first = problem.message.split(" ", 1)[0]
        if first in ids:
            return first, None
    return None, None


def _left_out_message(resource: DiscoveredResource, left_out: Sequence[str]) -> str:
    kind = resource.resource_type
    suggestions = []
    # Resource-scope alarms first: the example should show this resource's own.
    for alarm in sorted(alarms_for(kind), key=lambda a: a.scope == "region"):
        if alarm.id in left_out:
            value = alarm.default_threshold.value if alarm.default_threshold else None
            shown = "<number>" if value is None else f"{value:g}"
            suggestions.append(f'"{alarm.id.split(".", 1)[1]}": AlarmOverride(threshold={shown})')
    example = f'alarms={{"{kind}": {{{", ".join(suggestions[:2])}}}}}'
    return (
        f"{resource.path} ({kind}): left out {len(left_out)} recommended alarm"
        f"{'s' if len(left_out) > 1 else ''} whose threshold depends on the workload or needs "
        f"what discovery cannot read: {', '.join(left_out)}. Set them on ScopeMonitoring, "
        f"e.g. {example}, or turn them off with AlarmOverride(enabled=False); key by a "
        "construct path instead of the type for this resource only"
    )


# ------------------------------------------------------------------ matching


def _is_glob(entry: str) -> bool:
    return "/" in entry or any(c in entry for c in "*?[")


def _matches(pattern: str, paths: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for path in paths)


def _entry_matches(entry: str, candidate: _Candidate) -> bool:
    if entry in RESOURCE_TYPES:
        return candidate.resource_type == entry
    return _matches(entry, candidate.match_paths)


def _ancestor_paths(path: str) -> tuple[str, ...]:
    parts = path.split("/")
    return tuple("/".join(parts[:n]) for n in range(len(parts), 0, -1))


# ------------------------------------------------------------------ reading resources


def _camel(key: str) -> str:
    """A property key as typed L1s spell it (``fifoQueue``), whatever the spelling given."""
    if _INTRINSIC.match(key):
        return key
    return key[:1].lower() + key[1:]


def _normalise(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {_camel(str(k)): _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def _properties(resource: CfnResource) -> dict[str, Any]:
    """The resource's properties, resolved (references as ``{"Ref": ...}``), camelCase keys.

    Typed L1s keep their properties in camelCase, a plain ``CfnResource`` as given
    (PascalCase); both read the same here. Raw overrides (``add_property_override``)
    are not seen: a fact they change is read from the construct's own properties.
    """
    resolved = Stack.of(resource).resolve(resource._cfn_properties)
    return _normalise(resolved) if isinstance(resolved, Mapping) else {}


def _target_of(value: Any) -> str | None:
    """The logical id a ``Ref`` or ``Fn::GetAtt`` points at, else None."""
    if isinstance(value, Mapping):
        if isinstance(value.get("Ref"), str):
            return str(value["Ref"])
        att = value.get("Fn::GetAtt")
        if isinstance(att, list) and att and isinstance(att[0], str):
            return att[0]
        if isinstance(att, str):
            return att.split(".", 1)[0]
    return None


def _literal_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _literal_str(value: Any) -> str | None:
    return value if isinstance(value, str) and not Token.is_unresolved(value) else None


def _true(value: Any) -> bool:
    return value is True or value == "true"


def _env(stack: Stack) -> tuple[str | None, str | None]:
    def known(value: str) -> str | None:
        return None if Token.is_unresolved(value) else value

    return known(stack.account), known(stack.region)


class _Discovery:
    """One walk of the target: supported resources, with their identities and facts."""

    def __init__(self, owner: ScopeMonitoring) -> None:
        self.owner = owner
        self.home = Stack.of(owner)
        self.resources: list[CfnResource] = []
        self.by_logical: dict[tuple[str, str], CfnResource] = {}
        self.props: dict[int, dict[str, Any]] = {}
        for node in owner.target.node.find_all():
            if isinstance(node, CfnResource):
                stack = Stack.of(node)
                logical = str(stack.resolve(node.logical_id))
                self.by_logical[(stack.node.path, logical)] = node
                self.resources.append(node)

    # ------------------------------------------------------------ helpers

    def properties(self, resource: CfnResource) -> dict[str, Any]:
        key = id(resource)
        if key not in self.props:
            self.props[key] = _properties(resource)
        return self.props[key]

    def referenced(self, source: CfnResource, value: Any) -> CfnResource | None:
        logical = _target_of(value)
        if logical is None:
            return None
        return self.by_logical.get((Stack.of(source).node.path, logical))

    def of_type(self, *cfn_types: str) -> list[CfnResource]:
        return [r for r in self.resources if r.cfn_resource_type in cfn_types]

    def _skipped(self, resource: CfnResource) -> bool:
        """Under this construct, or under another observability-blueprint construct."""
        node: IConstruct | None = resource
        while node is not None:
            if node is self.owner:
                return True
            if node is not resource and type(node).__module__.split(".", 1)[0] == _PACKAGE:
                return True
            node = node.node.scope
        return False

    def _env_problem(self, resource: CfnResource) -> str | None:
        theirs, ours = _env(Stack.of(resource)), _env(self.home)
        if theirs != ours:
            return (
                f"it is in {Stack.of(resource).node.path} (account {theirs[0] or 'any'}, "
                f"Region {theirs[1] or 'any'}) and this construct's stack in account "
                f"{ours[0] or 'any'}, Region {ours[1] or 'any'}; CloudWatch alarms watch only "
                "their own Region's metrics: add a ScopeMonitoring to that stack"
            )
        return None

    # ------------------------------------------------------------ the walk

    def run(self) -> list[_Candidate]:
        found: list[_Candidate] = []
        for resource in self.resources:
            cfn_type = resource.cfn_resource_type
            if cfn_type not in SUPPORTED_CFN_TYPES or self._skipped(resource):
                continue
            path = _owner_path(resource)
            if cfn_type in _API_TYPES:
                found += self._api_stages(resource, path)
                continue
            resource_type = self._resource_type(resource)
            if resource_type is None:
                continue
            match_paths = _ancestor_paths(path)
            reason = self._env_problem(resource) or self._region_problem(resource_type)
            if reason is not None:
                found.append(_Candidate(None, path, resource_type, match_paths, reason))
                continue
            dimensions = {self._dimension_name(resource_type): self._token(resource_type, resource)}
            facts = self._facts(resource_type, resource, dimensions)
            if isinstance(facts, str):  # what the resource lacks to be monitored
                found.append(_Candidate(None, path, resource_type, match_paths, facts))
                continue
            region = CLOUDFRONT_REGION if resource_type == "cloudfront_distribution" else None
            identity = ResourceIdentity(
                resource_type=resource_type,
                name=next(iter(dimensions.values())),
                dimensions=dimensions,
                region=region,
            )
            found.append(
                _Candidate(
                    DiscoveredResource(resource_type, path, cfn_type, identity, facts, match_paths),
                    path,
                    resource_type,
                    match_paths,
                )
            )
        return found

    def _resource_type(self, resource: CfnResource) -> str | None:
        if resource.cfn_resource_type != _LB_TYPE:
            return CFN_TYPES[resource.cfn_resource_type]
        kind = self.properties(resource).get("type", "application")
        return {"application": "application_load_balancer", "network": "network_load_balancer"}.get(
            kind
        )  # gateway load balancers have no recommended alarms

    def _region_problem(self, resource_type: str) -> str | None:
        if resource_type == "cloudfront_distribution" and _env(self.home)[1] != CLOUDFRONT_REGION:
            return (
                "CloudFront publishes its metrics only in us-east-1, and this construct's "
                f"stack is in {_env(self.home)[1] or 'an unknown Region'}: add a "
                "ScopeMonitoring to a stack with env region us-east-1"
            )
        return None

    @staticmethod
    def _dimension_name(resource_type: str) -> str:
        return _DIMENSION_ATTRIBUTE[resource_type][0]

    @staticmethod
    def _token(resource_type: str, resource: CfnResource) -> str:
        attribute = _DIMENSION_ATTRIBUTE[resource_type][1]
        if attribute == _REF:
            return resource.ref
        return Token.as_string(resource.get_att(attribute))

    # ------------------------------------------------------------ per type

    def _facts(
        self, resource_type: str, resource: CfnResource, dimensions: dict[str, str]
    ) -> ResourceFacts | str:
        reader = _FACT_READERS.get(resource_type)
        return ResourceFacts() if reader is None else reader(self, resource, dimensions)

    def _api_stages(self, api: CfnResource, path: str) -> list[_Candidate]:
        props = self.properties(api)
        http = api.cfn_resource_type == "AWS::ApiGatewayV2::Api"
        if http and props.get("protocolType") != "HTTP":
            return []  # WebSocket APIs have no recommended alarms here
        resource_type = "api_gateway_http_api" if http else "api_gateway_rest_api"
        api_paths = _ancestor_paths(path)
        reason = self._env_problem(api)
        if reason is not None:
            return [_Candidate(None, path, resource_type, api_paths, reason)]
        if http:
            name_dimension = {"ApiId": api.ref}
        else:
            name = props.get("name")
            if name is None and isinstance(props.get("body"), Mapping):
                name = props["body"].get("info", {}).get("title")
            if not isinstance(name, str):
                reason = (
                    "its metrics are named by the API's Name (ApiName), which the template "
                    "does not give as text; list it in the blueprint file with its name"
                )
                return [_Candidate(None, path, resource_type, api_paths, reason)]
            name_dimension = {"ApiName": name}
        stages = self._stages(api, http)
        if not stages:
            reason = "it has no stage, and an API without a stage publishes no metrics"
            return [_Candidate(None, path, resource_type, api_paths, reason)]
        found = []
        for stage_path, stage_name, stage_props in stages:
            dimensions = {**name_dimension, "Stage": stage_name}
            features = frozenset({"detailed_metrics"}) if _detailed(stage_props, http) else None
            match_paths = tuple(dict.fromkeys((*_ancestor_paths(stage_path), *api_paths)))
            identity = ResourceIdentity(
                resource_type=resource_type,
                name=f"{name_dimension.get('ApiName', path)}/{stage_name}",
                dimensions=dimensions,
            )
            facts = ResourceFacts(features=features or frozenset())
            stage = DiscoveredResource(
                resource_type, stage_path, api.cfn_resource_type, identity, facts, match_paths
            )
            found.append(_Candidate(stage, stage_path, resource_type, match_paths))
        return found

    def _stages(self, api: CfnResource, http: bool) -> list[tuple[str, str, dict[str, Any]]]:
        """(path, stage name, properties) of the API's stages found in the target."""
        stages: list[tuple[str, str, dict[str, Any]]] = []
        stage_type = "AWS::ApiGatewayV2::Stage" if http else "AWS::ApiGateway::Stage"
        api_key = "apiId" if http else "restApiId"
        for stage in self.of_type(stage_type):
            props = self.properties(stage)
            name = _literal_str(props.get("stageName"))
            if name is not None and self.referenced(stage, props.get(api_key)) is api:
                stages.append((_owner_path(stage), name, props))
        if not http:  # a Deployment with StageName makes that stage itself
            for deployment in self.of_type("AWS::ApiGateway::Deployment"):
                props = self.properties(deployment)
                name = _literal_str(props.get("stageName"))
                if name is not None and self.referenced(deployment, props.get(api_key)) is api:
                    stages.append(
                        (_owner_path(deployment), name, props.get("stageDescription", {}))
                    )
        elif not stages and self.properties(api).get("target") is not None:
            # Quick create: "a default stage, route and integration" ($default).
            stages.append((_owner_path(api), HTTP_API_DEFAULT_STAGE, {}))
        return stages


def _owner_path(resource: CfnResource) -> str:
    """The L2's path when the L1 is its default child, else the L1's."""
    parent = resource.node.scope
    child = parent.node.default_child if parent is not None else None
    if parent is not None and child is not None and child.node.path == resource.node.path:
        return parent.node.path
    return resource.node.path


def _detailed(props: Mapping[str, Any], http: bool) -> bool:
    if http:
        return _true((props.get("defaultRouteSettings") or {}).get("detailedMetricsEnabled"))
    settings = props.get("methodSettings") or []
    if isinstance(props.get("metricsEnabled"), bool):  # a Deployment's StageDescription
        return _true(props.get("metricsEnabled"))
    return any(_true(s.get("metricsEnabled")) for s in settings if isinstance(s, Mapping))


# ------------------------------------------------------------------ facts per type


def _lambda_facts(d: _Discovery, fn: CfnResource, _: dict[str, str]) -> ResourceFacts:
    props = d.properties(fn)
    features: set[str] = set()
    layers = json.dumps(props.get("layers") or [])
    if "LambdaInsightsExtension" in layers:
        features.add("lambda_insights")
    if (props.get("deadLetterConfig") or {}).get("targetArn") is not None:
        features.add("async_failure_destination")
    for config in d.of_type("AWS::Lambda::EventInvokeConfig"):
        cprops = d.properties(config)
        if d.referenced(config, cprops.get("functionName")) is fn and (
            (cprops.get("destinationConfig") or {}).get("onFailure")
        ):
            features.add("async_failure_destination")
    for mapping in d.of_type("AWS::Lambda::EventSourceMapping"):
        mprops = d.properties(mapping)
        if d.referenced(mapping, mprops.get("functionName")) is not fn:
            continue
        source = d.referenced(mapping, mprops.get("eventSourceArn"))
        text = json.dumps(mprops.get("eventSourceArn"))
        if (source is not None and source.cfn_resource_type in _STREAM_TYPES) or (
            ":kinesis:" in text or "/stream/" in text or "StreamArn" in text
        ):
            features.add("stream_event_source")
    timeout = _literal_int(props.get("timeout", _LAMBDA_TIMEOUT_DEFAULT))
    return ResourceFacts(
        features=frozenset(features),
        timeout_seconds=None if timeout is None else float(timeout),
        reserved_concurrency=_literal_int(props.get("reservedConcurrentExecutions")),
    )


_STREAM_TYPES: Final = (
    "AWS::Kinesis::Stream",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
)


def _queue_facts(d: _Discovery, queue: CfnResource, _: dict[str, str]) -> ResourceFacts:
    props = d.properties(queue)
    retention = props.get("messageRetentionPeriod", _SQS_RETENTION_DEFAULT)
    is_dlq = False
    for other in d.of_type("AWS::SQS::Queue", "AWS::SNS::Subscription", "AWS::Lambda::Function"):
        oprops = d.properties(other)
        targets = [
            (oprops.get("redrivePolicy") or {}).get("deadLetterTargetArn"),
            (oprops.get("deadLetterConfig") or {}).get("targetArn"),
        ]
        if any(t is not None and d.referenced(other, t) is queue for t in targets):
            is_dlq = True
    return ResourceFacts(
        is_fifo=_true(props.get("fifoQueue")),
        is_dead_letter_queue=is_dlq,
        retention_seconds=_literal_int(retention),
    )


def _table_facts(d: _Discovery, table: CfnResource, _: dict[str, str]) -> ResourceFacts:
    props = d.properties(table)
    indexes = tuple(
        name
        for index in props.get("globalSecondaryIndexes") or []
        if isinstance(index, Mapping) and (name := _literal_str(index.get("indexName")))
    )
    features = set()
    if props.get("kinesisStreamSpecification") is not None:
        features.add("streaming_destination")
    home_region = _env(d.home)[1]
    regions = tuple(
        region
        for replica in props.get("replicas") or []
        if isinstance(replica, Mapping)
        and (region := _literal_str(replica.get("region")))
        and region != home_region
    )
    sub: dict[str, tuple[str, ...]] = {}
    if indexes:
        sub["global_secondary_index"] = indexes
    if regions and home_region is not None:
        sub["replica_region"] = regions
    return ResourceFacts(features=frozenset(features), sub_resources=sub)


def _stream_facts(d: _Discovery, stream: CfnResource, _: dict[str, str]) -> ResourceFacts:
    props = d.properties(stream)
    consumers = tuple(
        name
        for consumer in d.of_type("AWS::Kinesis::StreamConsumer")
        if d.referenced(consumer, d.properties(consumer).get("streamArn")) is stream
        and (name := _literal_str(d.properties(consumer).get("consumerName")))
    )
    return ResourceFacts(
        stream_retention_hours=_literal_int(
            props.get("retentionPeriodHours", _KINESIS_RETENTION_DEFAULT)
        ),
        sub_resources={"consumer": consumers} if consumers else {},
    )


def _state_machine_facts(d: _Discovery, machine: CfnResource, _: dict[str, str]) -> ResourceFacts:
    props = d.properties(machine)
    definition = props.get("definition")
    if isinstance(props.get("definitionString"), str):
        try:
            definition = json.loads(props["definitionString"])
        except ValueError:
            definition = None
    timeout = (
        _literal_int(definition.get("TimeoutSeconds")) if isinstance(definition, dict) else None
    )
    return ResourceFacts(timeout_seconds=None if timeout is None else float(timeout))


def _target_group_facts(
    d: _Discovery, group: CfnResource, dimensions: dict[str, str]
) -> ResourceFacts | str:
    for balancer in _balancers_of(d, group):
        kind = d.properties(balancer).get("type", "application")
        if kind not in ("application", "network"):
            continue
        dimensions["LoadBalancer"] = Token.as_string(balancer.get_att("LoadBalancerFullName"))
        load_balancer_kind: LoadBalancerKind = kind
        return ResourceFacts(load_balancer_kind=load_balancer_kind)
    return (
        "its metrics are published per target group and load balancer, and no listener in "
        "the target forwards to it; list it in the blueprint file with its load_balancer"
    )


def _balancers_of(d: _Discovery, group: CfnResource) -> list[CfnResource]:
    found: list[CfnResource] = []
    listeners = {id(x): x for x in d.of_type("AWS::ElasticLoadBalancingV2::Listener")}
    for rule in d.of_type("AWS::ElasticLoadBalancingV2::ListenerRule"):
        rprops = d.properties(rule)
        if _forwards_to(d, rule, rprops.get("actions"), group):
            listener = d.referenced(rule, rprops.get("listenerArn"))
            if listener is not None and (b := _balancer(d, listener)) is not None:
                found.append(b)
    for listener in listeners.values():
        lprops = d.properties(listener)
        if _forwards_to(d, listener, lprops.get("defaultActions"), group) and (
            b := _balancer(d, listener)
        ):
            found.append(b)
    return sorted(found, key=lambda b: b.node.path)


def _balancer(d: _Discovery, listener: CfnResource) -> CfnResource | None:
    return d.referenced(listener, d.properties(listener).get("loadBalancerArn"))


def _forwards_to(d: _Discovery, source: CfnResource, actions: Any, group: CfnResource) -> bool:
    for action in actions or []:
        if not isinstance(action, Mapping):
            continue
        targets = [action.get("targetGroupArn")] + [
            t.get("targetGroupArn")
            for t in (action.get("forwardConfig") or {}).get("targetGroups") or []
            if isinstance(t, Mapping)
        ]
        if any(t is not None and d.referenced(source, t) is group for t in targets):
            return True
    return False


def _ecs_facts(
    d: _Discovery, service: CfnResource, dimensions: dict[str, str]
) -> ResourceFacts | str:
    props = d.properties(service)
    cluster_value = props.get("cluster")
    cluster = d.referenced(service, cluster_value)
    features: set[str] = set()
    if cluster is not None:
        dimensions["ClusterName"] = cluster.ref  # Ref of AWS::ECS::Cluster is its name
        for setting in d.properties(cluster).get("clusterSettings") or []:
            if isinstance(setting, Mapping) and setting.get("name") == "containerInsights":
                value = setting.get("value")
                if value in ("enabled", "enhanced"):
                    features.add("container_insights")
                if value == "enhanced":
                    features.add("enhanced_observability")
    elif cluster_value is None:
        dimensions["ClusterName"] = "default"
    elif (literal := _literal_str(cluster_value)) is not None:
        dimensions["ClusterName"] = literal.rsplit("/", 1)[-1]  # a name, or an ARN
    else:
        return (
            "its cluster is neither in the target nor named in the template, so its "
            "ClusterName is unknown; list it in the blueprint file as CLUSTER/SERVICE"
        )
    strategy = json.dumps(props.get("capacityProviderStrategy") or [])
    launch = props.get("launchType")
    fargate = launch == "FARGATE" or '"FARGATE' in strategy
    if fargate:
        features.add("fargate")
    elif launch == "EC2":
        features.add("ec2_launch_type")
    if props.get("volumeConfigurations"):
        features.add("task_ebs_volumes")
    if (props.get("serviceConnectConfiguration") or {}).get("enabled") is True:
        features.add("service_connect")
    task = d.referenced(service, props.get("taskDefinition"))
    containers: tuple[str, ...] = ()
    ephemeral: int | None = _FARGATE_EPHEMERAL_DEFAULT if fargate else None
    if task is not None:
        tprops = d.properties(task)
        containers = tuple(
            name
            for c in tprops.get("containerDefinitions") or []
            if isinstance(c, Mapping) and (name := _literal_str(c.get("name")))
        )
        size = _literal_int((tprops.get("ephemeralStorage") or {}).get("sizeInGiB"))
        if fargate and size is not None:
            ephemeral = size
    return ResourceFacts(
        features=frozenset(features),
        ephemeral_storage_gib=ephemeral,
        sub_resources={"container": containers} if containers else {},
    )


def _rds_instance_facts(d: _Discovery, db: CfnResource, _: dict[str, str]) -> ResourceFacts:
    props = d.properties(db)
    features = set()
    if _true(props.get("enablePerformanceInsights")) or props.get("databaseInsightsMode"):
        features.add("performance_insights")
    engine = _literal_str(props.get("engine"))
    cluster = d.referenced(db, props.get("dBClusterIdentifier"))
    if engine is None and cluster is not None:
        engine = _literal_str(d.properties(cluster).get("engine"))
    return ResourceFacts(
        features=frozenset(features),
        allocated_storage_gib=_literal_int(props.get("allocatedStorage")),
        engine=engine,
        is_read_replica=props.get("sourceDBInstanceIdentifier") is not None,
    )


def _rds_cluster_facts(d: _Discovery, cluster: CfnResource, _: dict[str, str]) -> ResourceFacts:
    props = d.properties(cluster)
    features = set()
    if props.get("serverlessV2ScalingConfiguration") is not None:
        features.add("aurora_serverless_v2")
    return ResourceFacts(features=frozenset(features), engine=_literal_str(props.get("engine")))


def _asg_facts(d: _Discovery, group: CfnResource, _: dict[str, str]) -> ResourceFacts:
    props = d.properties(group)
    features = {"group_metrics"} if props.get("metricsCollection") else set()
    return ResourceFacts(features=frozenset(features), min_size=_literal_int(props.get("minSize")))


def _distribution_facts(
    d: _Discovery, distribution: CfnResource, dimensions: dict[str, str]
) -> ResourceFacts:
    dimensions["Region"] = CLOUDFRONT_GLOBAL
    config = d.properties(distribution).get("distributionConfig") or {}
    features = set()
    for subscription in d.of_type("AWS::CloudFront::MonitoringSubscription"):
        if d.referenced(subscription, d.properties(subscription).get("distributionId")) is (
            distribution
        ):
            features.add("cloudfront_additional_metrics")
    timeouts = [
        _literal_int((o.get("customOriginConfig") or {}).get("originReadTimeout"))
        or _ORIGIN_READ_TIMEOUT_DEFAULT
        for o in config.get("origins") or []
        if isinstance(o, Mapping)
    ]
    behaviours = [config.get("defaultCacheBehavior") or {}, *(config.get("cacheBehaviors") or [])]
    functions: list[str] = []
    for behaviour in behaviours:
        for association in behaviour.get("functionAssociations") or []:
            function = d.referenced(distribution, association.get("functionARN"))
            name = _literal_str(d.properties(function).get("name")) if function else None
            if name and name not in functions:
                functions.append(name)
    return ResourceFacts(
        features=frozenset(features),
        origin_response_timeout_seconds=float(max(timeouts)) if timeouts else None,
        sub_resources={"cloudfront_function": tuple(functions)} if functions else {},
    )


_FactReader = Callable[[_Discovery, CfnResource, dict[str, str]], "ResourceFacts | str"]
_FACT_READERS: Final[Mapping[str, _FactReader]] = {
    "lambda_function": _lambda_facts,
    "sqs_queue": _queue_facts,
    "dynamodb_table": _table_facts,
    "kinesis_stream": _stream_facts,
    "step_functions_state_machine": _state_machine_facts,
    "elb_target_group": _target_group_facts,
    "ecs_service": _ecs_facts,
    "rds_db_instance": _rds_instance_facts,
    "rds_db_cluster": _rds_cluster_facts,
    "autoscaling_group": _asg_facts,
    "cloudfront_distribution": _distribution_facts,
}


_ALARM_NAME_MAX = 255  # PutMetricAlarm AlarmName, botocore cloudwatch model
_SHORT_NAME_ROOM = 64  # the alarm's short name after the resource part


def _fitted(monitor_id: str, prefix_length: int) -> str:
    """Return ``monitor_id``, or its start and a stable hash when a deep construct path
    would make alarm names longer than CloudWatch takes (as CDK's unique ids do)."""
    room = _ALARM_NAME_MAX - prefix_length - 2 - _SHORT_NAME_ROOM
    if len(monitor_id) <= room:
        return monitor_id
    digest = hashlib.sha256(monitor_id.encode("utf-8")).hexdigest()[:8]
    return f"{monitor_id[: max(room - 9, 1)]}-{digest}"
