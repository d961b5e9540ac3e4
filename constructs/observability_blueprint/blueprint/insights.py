"""Log intelligence of the blueprint file: what each log group's entries ask for.

Built after every log group exists (a log alarm may read several): per log group
its transformer and field indexes (made with the log group, before its metric
filters, see :func:`prepare_log_group`), log alarms, scheduled queries and
Contributor Insights rules; and the file's ``insights:`` section (the account's
field index policy, DynamoDB Contributor Insights commands).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from aws_cdk import Duration
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.config import blueprint as cfg
from observability_blueprint.logs.contributor_insights import ContributorInsights
from observability_blueprint.logs.field_indexes import AccountFieldIndexPolicy, FieldIndexes
from observability_blueprint.logs.log_alarm import LogInsightsAlarm
from observability_blueprint.logs.managed_log_group import ManagedLogGroup
from observability_blueprint.logs.scheduled_query import ScheduledLogQuery
from observability_blueprint.rules.alarm_settings import ActionSet, AlarmNaming


@dataclass
class LogGroupInsights:
    """What the blueprint built on one log group beyond its filters and queries."""

    field_indexes: FieldIndexes | None = None
    log_alarms: dict[str, LogInsightsAlarm] = field(default_factory=dict)
    scheduled_queries: dict[str, ScheduledLogQuery] = field(default_factory=dict)
    contributor_insights: ContributorInsights | None = None


def prepare_log_group(
    unit: Construct, group: cfg.LogGroup, managed: ManagedLogGroup, config: cfg.Blueprint
) -> FieldIndexes | None:
    """Give a new log group its transformer and field indexes, before its metric filters.

    A metric filter on a transformed log group matches the transformed event, so
    the transformer comes first; the construct IDs are ``<log group>/Transformer``
    and ``<log group>IndexPolicy``.
    """
    if group.transformer is not None:
        managed.add_transformer(processors=group.transformer.to_processors())
    indexed = config.index_fields(group)
    if indexed is None:
        return None
    fields, facets = indexed
    return FieldIndexes(
        unit, f"{group.name}IndexPolicy", log_group=managed, fields=fields, facets=facets
    )


def build_log_group_insights(
    unit: Construct,
    group: cfg.LogGroup,
    *,
    config: cfg.Blueprint,
    log_groups: Mapping[str, ManagedLogGroup],
    alarm_naming: AlarmNaming,
    default_actions: ActionSet,
    topics: Mapping[str, sns.ITopic],
    quiet: Collection[str] = (),
    encryption_key: kms.IKey | None = None,
    encrypted: Collection[str] = (),
    field_indexes: FieldIndexes | None = None,
) -> LogGroupInsights:
    """Build a log group's log alarms, scheduled queries and Contributor Insights rules.

    ``log_groups`` are every log group of the file by name (a log alarm or a
    scheduled query may read several); ``default_actions`` are the file's
    default actions as a log alarm takes them, except for the alarms in ``quiet``
    (a notifying composite speaks for them). ``encryption_key`` encrypts the log
    groups named in ``encrypted``: a query reading one may decrypt with it.
    """
    built = LogGroupInsights(field_indexes=field_indexes)

    def encrypted_read(names: Collection[str]) -> bool:
        return any(name in encrypted for name in names)

    managed = log_groups[group.name]
    for alarm in group.log_alarms:
        names = [group.name, *(n for n in alarm.log_groups if n != group.name)]
        if alarm.actions is not None:
            actions = alarm.actions.to_set()
        else:
            actions = ActionSet() if alarm.name in quiet else default_actions
        built.log_alarms[alarm.name] = LogInsightsAlarm(
            unit,
            f"{group.name}LogAlarm{alarm.name}",
            query=alarm.query,
            log_groups=[log_groups[name] for name in names],
            comparison=alarm.comparison,
            threshold=float(alarm.threshold),
            aggregation=alarm.aggregation,
            schedule=alarm.schedule,
            window=(
                None if alarm.window_minutes is None else Duration.minutes(alarm.window_minutes)
            ),
            ingestion_delay=Duration.minutes(alarm.ingestion_delay_minutes),
            results_to_evaluate=alarm.results_to_evaluate,
            results_to_alarm=alarm.results_to_alarm,
            treat_missing_data=alarm.treat_missing_data,
            alarm_name=alarm_naming.name(alarm.name),
            description=alarm.description,
            runbook_url=alarm.runbook_url,
            actions=actions,
            named_topics=topics,
            log_lines=alarm.log_lines,
            warm_up=(
                None if alarm.warm_up_minutes is None else Duration.minutes(alarm.warm_up_minutes)
            ),
            encryption_key=encryption_key if encrypted_read(names) else None,
        )
    for query in group.scheduled_queries:
        names = [group.name, *(n for n in query.log_groups if n != group.name)]
        bucket = s3.Bucket.from_bucket_name(unit, f"{group.name}Results{query.name}", query.bucket)
        built.scheduled_queries[query.name] = ScheduledLogQuery(
            unit,
            f"{group.name}Scheduled{query.name}",
            query=query.query,
            log_groups=[log_groups[name] for name in names],
            schedule=query.schedule,
            window=Duration.minutes(query.window()),
            bucket=bucket,
            prefix=config.scheduled_query_prefix(group, query),
            language=query.language,
            name=config.scheduled_query_name(group, query),
            timezone=query.timezone,
            description=query.description,
            enabled=query.enabled,
            encryption_key=encryption_key if encrypted_read(names) else None,
        )
    rules = config.insight_rules(group)
    settings = group.contributor_insights
    if rules and settings is not None:
        built.contributor_insights = ContributorInsights(
            unit,
            f"{group.name}Contributors",
            log_groups=[managed],
            rules=rules,
            rule_name_prefix=config.insight_rule_prefix(group),
            enabled=settings.enabled,
            # A transformed log group's rules read the fields its transformer makes.
            apply_on_transformed_logs=True if group.transformer is not None else None,
        )
    return built


def build_account_insights(
    scope: Construct, config: cfg.Blueprint
) -> AccountFieldIndexPolicy | None:
    """Build the account's field index policy when ``insights.field_index_policy`` asks."""
    insights = config.insights
    if insights is None or insights.field_index_policy is None:
        return None
    policy = insights.field_index_policy
    return AccountFieldIndexPolicy(
        scope,
        "FieldIndexPolicy",
        fields=policy.fields,
        facets=policy.facets,
        policy_name=config.field_index_policy_name(),
    )


def dynamodb_commands(config: cfg.Blueprint) -> list[tuple[str, str]]:
    """The commands that turn on DynamoDB Contributor Insights for the file's tables:
    (``table`` or ``table index``, command).

    CloudFormation turns it on only for a table its stack defines; the tables the
    file names belong to other stacks, so the blueprint prints the command (see
    :class:`~observability_blueprint.logs.contributor_insights.ContributorInsights`
    for why not a custom resource).
    """
    insights = config.insights
    if insights is None:
        return []
    return [
        (
            f"table {table.table}" + (f" index {table.index}" if table.index else ""),
            table.command(),
        )
        for table in insights.dynamodb_tables
    ]
