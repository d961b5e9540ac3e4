"""The deploy rules as a CDK validation plugin: they run at synthesis and fail it.

cdk-nag 3's packs are validation plugins too; this one reads the synthesized
templates instead of walking the construct tree, so it needs no cdk-nag at run
time and checks any stack of the app, the blueprint's or the user's own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import (
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
    Validations,
)
from constructs import IConstruct

from observability_blueprint.deploy_rules.catalog import RULES
from observability_blueprint.deploy_rules.rule import PACK_NAME, Rule, Violation, evaluate
from observability_blueprint.deploy_rules.template import StackTemplate


def _version() -> str:
    try:
        return metadata.version("observability-blueprint")
    except metadata.PackageNotFoundError:
        return "0.0.0"


@jsii.implements(IPolicyValidationPlugin)
class DeployRulesPack:
    """The deploy rules as a validation plugin: findings fail synthesis unless acknowledged.

    Register it with :func:`add_deploy_checks`. A finding is acknowledged like a
    cdk-nag one, on the resource or any construct above it::

        Validations.of(construct).acknowledge(
            Acknowledgment(id="ObservabilityBlueprint::OBS-EventsTargetRegion", reason="...")
        )

    Parameters
    ----------
    rules
        The rules to run (default: all of them).
    """

    def __init__(self, rules: Sequence[Rule] = RULES) -> None:
        self._rules = tuple(rules)

    @property
    def name(self) -> str:
        """The plugin's name in the validation report, and its acknowledgement prefix."""
        return PACK_NAME

    @property
    def version(self) -> str:
        """The package version."""
        return _version()

    @property
    def rule_ids(self) -> list[str]:
        """The ids of the rules the pack runs."""
        return [rule.id for rule in self._rules]

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        """Run the rules on every template of the app (called by the CDK at synthesis)."""
        violations = [
            _violation(found, stack.template_path)
            for stack in context.stack_templates
            for found in evaluate(
                self._rules,
                StackTemplate.from_file(
                    stack.template_path,
                    region=stack.region,
                    account=stack.account_id,
                    paths=construct_paths(stack.template_path),
                ),
            )
        ]
        return PolicyValidationPluginReport(
            success=all(v.severity != "error" for v in violations), violations=violations
        )


def _violation(found: Violation, template_path: str) -> PolicyViolation:
    resource = PolicyViolatingResource(
        locations=[found.finding.location],
        resource_logical_id=found.resource.logical_id,
        template_path=template_path,
        construct_path=found.resource.path,
    )
    return PolicyViolation(
        rule_name=found.rule.id,
        description=found.message,
        fix=found.rule.source,
        severity=found.rule.level,
        violating_resources=[resource],
    )


def construct_paths(template_path: str) -> Mapping[str, str]:
    """Return logical ID -> construct path for a template, from the cloud assembly's metadata.

    Empty when the assembly does not record them (the messages then name the
    logical ID alone; the CDK still reports the construct path).
    """
    folder = Path(template_path).parent
    try:
        manifest: Any = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        artifact = next(
            a
            for a in manifest.get("artifacts", {}).values()
            if a.get("properties", {}).get("templateFile") == Path(template_path).name
        )
        entries: Any = artifact.get("metadata") or {}
        if "additionalMetadataFile" in artifact:
            extra = folder / artifact["additionalMetadataFile"]
            entries = {**entries, **json.loads(extra.read_text(encoding="utf-8"))}
    except (OSError, ValueError, StopIteration, AttributeError):
        return {}
    return {
        str(entry["data"]): path.lstrip("/")
        for path, items in entries.items()
        for entry in items
        if isinstance(entry, dict) and entry.get("type") == "aws:cdk:logicalId"
    }


def add_deploy_checks(scope: IConstruct, rules: Sequence[Rule] = RULES) -> DeployRulesPack:
    """Run the deploy rules over every stack under ``scope`` (an App or Stage) at synthesis.

    A finding fails synthesis (an error, not a warning) with a message naming the
    construct path, logical ID, property, offending value and what is allowed,
    unless it is acknowledged with a reason.
    """
    pack = DeployRulesPack(rules)
    Validations.of(scope).add_plugins(pack)
    return pack
