"""OBS-LambdaPermissionRegion: a Lambda permission is made in its function's Region.

CloudFormation calls AddPermission in the stack's Region, and Lambda answers
"Functions from 'us-east-1' are not reachable in this region ('eu-west-1')"
(ResourceNotFoundException) for a function elsewhere: aws-cdk issues 10924 and
11826, where a topic in one Region subscribes a function in another. The
subscription itself is legal; its permission belongs in a stack in the
function's Region.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from observability_blueprint.deploy_rules.rule import Finding, Rule
from observability_blueprint.deploy_rules.template import (
    StackTemplate,
    TemplateResource,
    render,
)

SOURCE: Final = "https://github.com/aws/aws-cdk/issues/11826"


def check(resource: TemplateResource, template: StackTemplate) -> Sequence[Finding]:
    """Refuse a permission for a function (by ARN) in another Region than the stack."""
    text = render(resource.properties.get("FunctionName"))
    if text is None:
        return []
    region = template.other_region(text)
    if region is None:
        return []
    return [
        Finding(
            "Properties/FunctionName",
            text,
            f"is a function in {region}, and the permission's stack deploys to "
            f"{template.region}; Lambda answers that functions from {region} are not "
            f"reachable in {template.region}",
            f"a function in {template.region}; grant the permission from a stack in {region} "
            "(the subscription or rule itself may stay where it is)",
        )
    ]


RULE: Final = Rule(
    id="OBS-LambdaPermissionRegion",
    info="A Lambda permission is deployed in its function's Region.",
    explanation=(
        "CloudFormation adds a function permission in the stack's Region; for a function in "
        "another Region the deploy fails with ResourceNotFoundException."
    ),
    source=SOURCE,
    resource_types=frozenset({"AWS::Lambda::Permission"}),
    check=check,
)
