"""The shape of a deploy rule, after cdk-nag's: one resource in, compliant or not out.

Pure module: no aws_cdk import. A rule names what it checks (``info``), why
(``explanation``), the AWS page it comes from (``source``) and the resource
types it reads; its ``check`` returns what is wrong with one resource, each
finding naming the property, the offending value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Final, Literal

from observability_blueprint.deploy_rules.template import StackTemplate, TemplateResource
from observability_blueprint.rules.arns import shown

PACK_NAME: Final = "ObservabilityBlueprint"
"""The validation plugin's name; acknowledgements are ``ObservabilityBlueprint::<rule id>``."""


class Compliance(Enum):
    """A rule's verdict on one resource, as cdk-nag's ``NagRuleCompliance``."""

    COMPLIANT = "compliant"
    NON_COMPLIANT = "non-compliant"
    NOT_APPLICABLE = "not-applicable"


@dataclass(frozen=True)
class Finding:
    """One thing a rule refuses in a resource.

    Parameters
    ----------
    location
        The property path in the template (``Properties/Targets/0/Arn``).
    value
        The offending value as written (references rendered as ``${...}``).
    problem
        What is wrong, written to follow the value (``is in us-west-2, ...``).
    allowed
        What is allowed instead.
    """

    location: str
    value: str
    problem: str
    allowed: str


Check = Callable[[TemplateResource, StackTemplate], Sequence[Finding]]


@dataclass(frozen=True)
class Rule:
    """A deploy rule: the constraint, its source and the check of one resource.

    Parameters
    ----------
    id
        ``OBS-<Name>``; acknowledged as ``ObservabilityBlueprint::<id>``.
    info
        What the rule checks, in one line.
    explanation
        Why: what AWS does with a resource that breaks it.
    source
        The AWS page the rule comes from.
    resource_types
        The CloudFormation types the rule reads; other resources are not applicable.
    check
        Returns the findings for one resource of those types.
    """

    id: str
    info: str
    explanation: str
    source: str
    resource_types: frozenset[str]
    check: Check
    level: Literal["error", "warning"] = "error"

    def findings(self, resource: TemplateResource, template: StackTemplate) -> tuple[Finding, ...]:
        """Return what this rule refuses in ``resource`` (nothing when not applicable)."""
        if resource.type not in self.resource_types:
            return ()
        return tuple(self.check(resource, template))

    def compliance(self, resource: TemplateResource, template: StackTemplate) -> Compliance:
        """Return the verdict on ``resource``."""
        if resource.type not in self.resource_types:
            return Compliance.NOT_APPLICABLE
        return (
            Compliance.NON_COMPLIANT if self.findings(resource, template) else Compliance.COMPLIANT
        )


@dataclass(frozen=True)
class Violation:
    """A finding of a rule, placed in a stack."""

    rule: Rule
    template: StackTemplate
    resource: TemplateResource
    finding: Finding

    @property
    def message(self) -> str:
        """Where, the value, what is wrong and what is allowed, in one paragraph."""
        finding = self.finding
        return (
            f"{self.resource.where} {finding.location}: {shown(finding.value)} "
            f"{finding.problem}; allowed: {finding.allowed}"
        )


def evaluate(rules: Iterable[Rule], template: StackTemplate) -> list[Violation]:
    """Run every rule on every resource of ``template``; return the violations in order."""
    listed = tuple(rules)
    return [
        Violation(rule, template, resource, finding)
        for resource in template.resources()
        for rule in listed
        for finding in rule.findings(resource, template)
    ]
