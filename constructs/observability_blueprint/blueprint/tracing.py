"""The blueprint's ``tracing:`` section: X-Ray groups per service, sampling and search."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aws_cdk import Duration
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.config.tracing import Tracing
from observability_blueprint.events import EventAlert, EventDelivery
from observability_blueprint.rules.alarm_settings import AlarmNaming
from observability_blueprint.rules.xray import INSIGHT_INPUT_PATHS
from observability_blueprint.tracing import SamplingRule, TracingGroup, TransactionSearch

INSIGHT_MESSAGE = "X-Ray insight <insight> in group <group> is <state>: <summary>"
"""The readable message of an insight notification."""


@dataclass
class BuiltTracing:
    """What :func:`build_tracing` created."""

    groups: dict[str, TracingGroup] = field(default_factory=dict)
    """X-Ray groups, by service."""
    insight_alerts: dict[str, EventAlert] = field(default_factory=dict)
    """Rules that notify a topic of each group's insights, by service."""
    sampling_rules: dict[str, SamplingRule] = field(default_factory=dict)
    """Sampling rules, by name."""
    transaction_search: TransactionSearch | None = None


def build_tracing(
    scope: Construct,
    section: Tracing,
    *,
    services: Sequence[str],
    prefix: str,
    topics: Mapping[str, sns.ITopic],
    alarm_naming: AlarmNaming,
) -> BuiltTracing:
    """Build ``tracing:`` under ``scope/Tracing``.

    Construct IDs (public API): ``Tracing/Groups/<service>``,
    ``Tracing/Insights/<service>``, ``Tracing/SamplingRules/<name>``,
    ``Tracing/TransactionSearch``. Group names are ``<prefix>-<service>``.
    """
    built = BuiltTracing()
    root = Construct(scope, "Tracing")
    groups = section.groups
    if groups is not None and services:
        group_scope = Construct(root, "Groups")
        delivery: EventDelivery | None = None
        for service in services:
            group = TracingGroup(
                group_scope,
                service,
                service=service,
                errors=groups.errors,
                faults=groups.faults,
                latency_above=(
                    Duration.millis(round(groups.latency_above_seconds * 1000))
                    if groups.latency_above_seconds is not None
                    else None
                ),
                group_name=f"{prefix}-{service}",
                insights=groups.insights,
                notifications=groups.notify is not None,
            )
            built.groups[service] = group
            if groups.notify is None:
                continue
            topic = topics[groups.notify]
            if delivery is None:
                delivery = EventDelivery(
                    root,
                    "Delivery",
                    topics=[topic],
                    alarm_name=alarm_naming.name("tracing-insights-undelivered"),
                )
            built.insight_alerts[service] = EventAlert(
                _child(root, "Insights"),
                service,
                pattern=group.insight_event_pattern(),
                topics=[topic],
                delivery=delivery,
                message=INSIGHT_MESSAGE,
                input_paths=dict(INSIGHT_INPUT_PATHS),
                rule_name=f"{prefix}-{service}-xray-insights",
                description=f"X-Ray insights of {service}",
            )
    if section.sampling_rules:
        rules_scope = Construct(root, "SamplingRules")
        for rule in section.sampling_rules:
            built.sampling_rules[rule.name] = SamplingRule(
                rules_scope,
                rule.name,
                rule_name=rule.name,
                priority=rule.priority,
                fixed_rate=rule.fixed_rate,
                reservoir_size=rule.reservoir_size,
                service_name=rule.service_name,
                http_method=rule.http_method,
                url_path=rule.url_path,
                host=rule.host,
            )
    if section.transaction_search is not None:
        built.transaction_search = TransactionSearch(
            root,
            "TransactionSearch",
            indexing_percentage=section.transaction_search.indexing_percentage,
        )
    return built


def _child(parent: Construct, id: str) -> Construct:
    found = parent.node.try_find_child(id)
    return found if isinstance(found, Construct) else Construct(parent, id)
