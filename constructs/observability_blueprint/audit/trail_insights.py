"""Contributor Insights rules over CloudTrail records: who calls what, who fails most."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Names, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from observability_blueprint.logs import new_insight_rule
from observability_blueprint.rules import contributor_insights as insight_rules
from observability_blueprint.rules import limits
from observability_blueprint.rules.audit import TOP_CALLERS, TOP_ERRORS
from observability_blueprint.rules.contributor_insights import InsightRuleSpec
from observability_blueprint.rules.errors import BlueprintError, Problem

DEFAULT_RULES: tuple[InsightRuleSpec, ...] = (TOP_CALLERS, TOP_ERRORS)
"""Top API callers (identity ARN and event name) and top error codes by caller."""


class TrailContributorInsights(Construct):
    """Contributor Insights rules (``AWS::CloudWatch::InsightRule``) on a trail's log group.

    Each rule body is JSON, checked before synthesis: at most 4 keys and 4
    filters, 8,192 characters (counted with the longest log group name when the
    name is not known yet). Rules are billed per matched event; ``enabled``
    creates them disabled.

    Parameters
    ----------
    log_group_name
        The log group the trail delivers to (an existing trail's works too).
    rules
        Default: top callers and top error codes.
    rule_name_prefix
        Physical names are ``<prefix>-<rule name>``. Default: derived from the path.
    enabled
        Create the rules enabled. Default: True.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        log_group_name: str,
        rules: Sequence[InsightRuleSpec] = DEFAULT_RULES,
        rule_name_prefix: str | None = None,
        enabled: bool = True,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        # An unresolved name is counted at its longest, so the body fits whatever it becomes.
        measured = (
            "x" * limits.LOG_GROUP_NAME_MAX
            if Token.is_unresolved(log_group_name)
            else log_group_name
        )
        prefix = rule_name_prefix or Names.unique_resource_name(self, max_length=64, separator="-")
        problems = [
            Problem(f"{at}.{p.location}", p.message)
            for p in insight_rules.rule_list_problems(rules, [measured])
        ]
        for rule in rules:
            if message := insight_rules.check_insight_rule_name(f"{prefix}-{rule.name}"):
                problems.append(Problem(f"{at}.rule_name_prefix", message))
                break
        if not rules:
            problems.append(Problem(f"{at}.rules", "no rule given"))
        if problems:
            raise BlueprintError(problems)

        self.rules: dict[str, cloudwatch.CfnInsightRule] = {}
        """The rules by name."""
        for rule in rules:
            self.rules[rule.name] = new_insight_rule(
                self, rule, prefix=prefix, enabled=enabled, log_group_names=[log_group_name]
            )
