"""OBS-EventsTargetRegion: an EventBridge rule's targets are in its Region, buses excepted.

"The targets you associate with a rule must be in the same Region as the rule";
only an event bus may be in another Region (EventBridge user guide, "Sending and
receiving events between AWS Regions"). A Lambda, SQS, SNS or Step Functions
target in another Region is accepted by PutTargets and then never invoked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from observability_blueprint.deploy_rules.rule import Finding, Rule
from observability_blueprint.deploy_rules.template import (
    StackTemplate,
    TemplateResource,
    arn_of,
    render,
)

SOURCE: Final = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html"


def check(resource: TemplateResource, template: StackTemplate) -> Sequence[Finding]:
    """Refuse each target, other than an event bus, in another Region than the stack."""
    targets = resource.properties.get("Targets")
    if not isinstance(targets, list):
        return []
    findings: list[Finding] = []
    for index, target in enumerate(targets):
        text = render(target.get("Arn")) if isinstance(target, dict) else None
        if text is None:
            continue
        arn = arn_of(text)
        if arn is not None and arn.service == "events" and arn.resource_type == "event-bus":
            continue
        region = template.other_region(text)
        if region is None:
            continue
        findings.append(
            Finding(
                f"Properties/Targets/{index}/Arn",
                text,
                f"is in {region}, and the rule's stack deploys to {template.region}; "
                "EventBridge invokes only targets in the rule's own Region",
                f"a target in {template.region}, or an event bus in any Region (send the "
                "events there and add the rule on that bus)",
            )
        )
    return findings


RULE: Final = Rule(
    id="OBS-EventsTargetRegion",
    info="An EventBridge rule's targets are in the rule's Region, except event buses.",
    explanation=(
        "EventBridge delivers to a target in another Region only when it is an event bus; "
        "any other cross-Region target deploys and is never invoked."
    ),
    source=SOURCE,
    resource_types=frozenset({"AWS::Events::Rule"}),
    check=check,
)
