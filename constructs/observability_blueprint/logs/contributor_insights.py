"""Contributor Insights rules over log groups, and DynamoDB's own Contributor Insights.

:class:`ContributorInsights` creates one ``AWS::CloudWatch::InsightRule`` per rule
(top client IPs, top failing paths, or any :class:`InsightRuleSpec`), each reading
the same log groups. It can also turn on DynamoDB Contributor Insights (the most
accessed and throttled partition keys) for tables the same stack defines.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from aws_cdk import Names, Stack, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_logs as logs
from constructs import Construct

from observability_blueprint.logs.transformer import (
    LogTransformer,
    TransformableLogGroup,
    log_group_resource,
)
from observability_blueprint.rules import contributor_insights as insight_rules
from observability_blueprint.rules import limits
from observability_blueprint.rules.contributor_insights import (
    INSIGHT_RULE_LOG_GROUPS_MAX,
    InsightRuleSpec,
)
from observability_blueprint.rules.errors import BlueprintError, Problem, cut

RULE_NAME_PREFIX_MAX = 64
"""Characters of a derived rule name prefix, at most (the rule name follows it)."""


def _table_resource(table: dynamodb.ITable | dynamodb.CfnTable) -> dynamodb.CfnTable | None:
    """The ``AWS::DynamoDB::Table`` behind ``table``, or None for an imported table."""
    if isinstance(table, dynamodb.CfnTable):
        return table
    child = table.node.default_child
    return child if isinstance(child, dynamodb.CfnTable) else None


class ContributorInsights(Construct):
    """Contributor Insights rules (``AWS::CloudWatch::InsightRule``) on log groups.

    Each rule body is checked before synthesis: 1 to 4 keys, at most 4 filters
    (an ``In``, ``NotIn`` or ``StartsWith`` filter with 1 to 10 strings), fields
    in the notation of the log format (``$.field`` for JSON, a position or a
    ``Fields`` alias for CLF), ``value_of`` exactly with ``Sum``, 1 to 20 log
    groups and 8,192 characters (counted with the longest log group name when a
    name is not known yet). Rules are billed per matched event.

    Shipped rules: :func:`~observability_blueprint.rules.contributor_insights.json_access_log_rules`
    and :func:`~observability_blueprint.rules.contributor_insights.clf_access_log_rules`
    (top client IPs, top failing paths).

    ``dynamodb_tables`` turns on DynamoDB's own Contributor Insights
    (``ContributorInsightsSpecification``) on tables this stack defines.
    CloudFormation can set it only on a table in the template; for any other
    table, run the one command of
    :func:`~observability_blueprint.rules.contributor_insights.dynamodb_contributor_insights_command`.
    A custom resource could call ``UpdateContributorInsights`` instead, but it
    would add a Lambda function to maintain and patch, and a role allowed to
    change tables the stack does not own: a printed command keeps the stack
    least-privileged and leaves that change to the table's owner.

    Parameters
    ----------
    log_groups
        The log groups every rule reads (1 to 20).
    rules
        The rules. At least one, names unique.
    rule_name_prefix
        Physical names are ``<prefix>-<rule name>``. Default: derived from the path.
    enabled
        Create the rules enabled. Default: True.
    apply_on_transformed_logs
        Evaluate events after a log transformer has run. Default: on when every
        log group is one that records its transformer (a ``ManagedLogGroup``
        given one by ``add_transformer`` before this construct), else the raw
        events.
    dynamodb_tables
        Tables of this stack (``dynamodb.Table`` or ``dynamodb.CfnTable``) whose
        DynamoDB Contributor Insights to turn on. Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        log_groups: Sequence[logs.ILogGroup],
        rules: Sequence[InsightRuleSpec],
        rule_name_prefix: str | None = None,
        enabled: bool = True,
        apply_on_transformed_logs: bool | None = None,
        dynamodb_tables: Sequence[dynamodb.ITable | dynamodb.CfnTable] = (),
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        stack = Stack.of(self)
        # A log group this app names is read by its literal name (the rule then waits for
        # it explicitly); an unresolved name is counted at its longest, so the body fits
        # whatever it becomes.
        owned = [log_group_resource(group) for group in log_groups]
        names = [
            resource.log_group_name
            if resource is not None
            and isinstance(resource.log_group_name, str)
            and not Token.is_unresolved(resource.log_group_name)
            else group.log_group_name
            for group, resource in zip(log_groups, owned, strict=True)
        ]
        measured = [
            "x" * limits.LOG_GROUP_NAME_MAX if Token.is_unresolved(name) else name for name in names
        ]
        prefix = rule_name_prefix or Names.unique_resource_name(
            self, max_length=RULE_NAME_PREFIX_MAX, separator="-"
        )
        problems: list[Problem] = []
        if not 1 <= len(names) <= INSIGHT_RULE_LOG_GROUPS_MAX:
            problems.append(
                Problem(
                    f"{at}.log_groups",
                    f"{len(names)} log groups; a rule reads 1 to {INSIGHT_RULE_LOG_GROUPS_MAX}",
                )
            )
        if not rules:
            problems.append(Problem(f"{at}.rules", "no rule given; give at least one"))
        by_rule = [
            p
            for p in insight_rules.rule_list_problems(rules, measured)
            if not p.location.endswith(".log_groups")  # reported once, above
        ]
        for index, rule in enumerate(rules):
            if message := insight_rules.check_insight_rule_name(f"{prefix}-{rule.name}"):
                by_rule.append(Problem(f"rules[{index}].name", message))
        by_rule.sort(key=lambda p: _rule_index(p.location))  # in the order of the rules
        problems += [Problem(f"{at}.{p.location}", p.message) for p in by_rule]
        tables: list[dynamodb.CfnTable] = []
        for index, table in enumerate(dynamodb_tables):
            table_resource = _table_resource(table)
            if table_resource is None or Stack.of(table_resource) is not stack:
                problems.append(self._foreign_table(f"{at}.dynamodb_tables[{index}]", table))
            else:
                tables.append(table_resource)
        if problems:
            raise BlueprintError(problems)

        transformers = _transformers(log_groups)
        if apply_on_transformed_logs is None and transformers is not None:
            apply_on_transformed_logs = True
        self.rules: dict[str, cloudwatch.CfnInsightRule] = {}
        """The rules by name."""
        for rule in rules:
            self.rules[rule.name] = new_insight_rule(
                self,
                rule,
                prefix=prefix,
                enabled=enabled,
                log_group_names=names,
                apply_on_transformed_logs=apply_on_transformed_logs,
            )
            for resource in owned:
                if resource is not None:
                    self.rules[rule.name].node.add_dependency(resource)
            if apply_on_transformed_logs and transformers is not None:
                # The rule reads the transformed events once the transformers are active.
                self.rules[rule.name].node.add_dependency(*transformers)
        for table_resource in tables:
            table_resource.contributor_insights_specification = (
                dynamodb.CfnTable.ContributorInsightsSpecificationProperty(enabled=True)
            )
        self.dynamodb_tables: tuple[dynamodb.CfnTable, ...] = tuple(tables)
        """The tables whose DynamoDB Contributor Insights this construct turned on."""

    @staticmethod
    def _foreign_table(where: str, table: dynamodb.ITable | dynamodb.CfnTable) -> Problem:
        name = table.ref if isinstance(table, dynamodb.CfnTable) else table.table_name
        rule = (
            "is not defined in this stack; CloudFormation can turn on DynamoDB Contributor "
            "Insights only for a table the stack defines"
        )
        if Token.is_unresolved(name) or insight_rules.check_dynamodb_table_name(name):
            return Problem(
                where,
                f"the table {rule}: pass it to the stack that defines it, or run the "
                "command of dynamodb_contributor_insights_command(TABLE NAME)",
            )
        command = insight_rules.dynamodb_contributor_insights_command(name)
        return Problem(where, f"table {cut(name)!r} {rule}: run {command}")


def _transformers(log_groups: Sequence[logs.ILogGroup]) -> list[LogTransformer] | None:
    """The transformers of the log groups when every one has a recorded transformer."""
    found = [
        group.transformer if isinstance(group, TransformableLogGroup) else None
        for group in log_groups
    ]
    present = [t for t in found if t is not None]
    return present if log_groups and len(present) == len(found) else None


def new_insight_rule(
    scope: Construct,
    rule: InsightRuleSpec,
    *,
    prefix: str,
    enabled: bool,
    log_group_names: Sequence[str],
    apply_on_transformed_logs: bool | None = None,
) -> cloudwatch.CfnInsightRule:
    """An ``AWS::CloudWatch::InsightRule`` named ``<prefix>-<rule name>`` for a checked rule.

    The body is plain JSON, or joined at deploy time when a log group name is known
    only then.
    """
    body = rule.body(log_group_names)
    unresolved = any(Token.is_unresolved(name) for name in log_group_names)
    return cloudwatch.CfnInsightRule(
        scope,
        rule.name,
        rule_name=f"{prefix}-{rule.name}",
        rule_state="ENABLED" if enabled else "DISABLED",
        rule_body=(
            Stack.of(scope).to_json_string(body)
            if unresolved
            else json.dumps(body, separators=(",", ":"))
        ),
        apply_on_transformed_logs=apply_on_transformed_logs,
    )


def _rule_index(location: str) -> int:
    return int(location.split("]", 1)[0].removeprefix("rules["))
