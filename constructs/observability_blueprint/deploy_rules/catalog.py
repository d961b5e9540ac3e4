"""Every deploy rule, and running them on a template.

Pure module: no aws_cdk import, so a template file can be checked without
synthesizing (``check_template(StackTemplate.from_file(...))``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from observability_blueprint.deploy_rules.alarm_action_forms import RULE as ALARM_ACTION_FORMS
from observability_blueprint.deploy_rules.events_target_region import RULE as EVENTS_TARGET_REGION
from observability_blueprint.deploy_rules.lambda_permission_region import (
    RULE as LAMBDA_PERMISSION_REGION,
)
from observability_blueprint.deploy_rules.logs_regex_per_log_group import (
    RULE as LOGS_REGEX_PER_LOG_GROUP,
)
from observability_blueprint.deploy_rules.logs_subscription_destination import (
    RULE as LOGS_SUBSCRIPTION_DESTINATION,
)
from observability_blueprint.deploy_rules.rule import Rule, Violation, evaluate
from observability_blueprint.deploy_rules.service_principal_conditions import (
    RULE as SERVICE_PRINCIPAL_CONDITIONS,
)
from observability_blueprint.deploy_rules.sns_subscription_region import (
    RULE as SNS_SUBSCRIPTION_REGION,
)
from observability_blueprint.deploy_rules.template import StackTemplate

RULES: Final[tuple[Rule, ...]] = (
    LOGS_REGEX_PER_LOG_GROUP,
    ALARM_ACTION_FORMS,
    EVENTS_TARGET_REGION,
    LOGS_SUBSCRIPTION_DESTINATION,
    LAMBDA_PERMISSION_REGION,
    SNS_SUBSCRIPTION_REGION,
    SERVICE_PRINCIPAL_CONDITIONS,
)
"""The deploy rules, one module each."""


def rule(rule_id: str) -> Rule:
    """Return the rule with ``rule_id`` (``OBS-...``)."""
    for candidate in RULES:
        if candidate.id == rule_id:
            return candidate
    raise KeyError(f"no deploy rule {rule_id!r}; the rules are {', '.join(r.id for r in RULES)}")


def check_template(template: StackTemplate, rules: Iterable[Rule] = RULES) -> list[Violation]:
    """Return what ``rules`` refuse in ``template``."""
    return evaluate(rules, template)
