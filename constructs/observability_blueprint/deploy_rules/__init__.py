"""Deploy rules: constraints no schema catches, checked on the synthesized templates.

Each rule lives in a module of its own, in cdk-nag's shape (an id, what it
checks, why, its AWS source, and a check of one resource), and the pack runs
them all at synthesis as a CDK validation plugin, on the blueprint's stacks or
on any CDK app (:func:`add_deploy_checks`).
"""

from observability_blueprint.deploy_rules.catalog import RULES, check_template, rule
from observability_blueprint.deploy_rules.pack import DeployRulesPack, add_deploy_checks
from observability_blueprint.deploy_rules.rule import (
    PACK_NAME,
    Compliance,
    Finding,
    Rule,
    Violation,
)
from observability_blueprint.deploy_rules.template import StackTemplate, TemplateResource

__all__ = [
    "PACK_NAME",
    "RULES",
    "Compliance",
    "DeployRulesPack",
    "Finding",
    "Rule",
    "StackTemplate",
    "TemplateResource",
    "Violation",
    "add_deploy_checks",
    "check_template",
    "rule",
]
