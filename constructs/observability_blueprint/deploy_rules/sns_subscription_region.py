"""OBS-SnsSubscriptionRegion: a subscription to a topic in another Region names that Region.

AWS::SNS::Subscription ``Region``: "For cross-region subscriptions, the region in
which the topic resides. If no region is specified, AWS CloudFormation uses the
region of the caller as the default", where the topic does not exist, so the
subscription fails ("Invalid parameter: TopicArn", aws-cdk issue 13707).

Delivery across Regions is itself supported: SNS invokes a Lambda function or
fills an SQS queue in another Region ("Prerequisites for integrating Amazon SNS
with Lambda functions across regions"), so the endpoint's Region is not checked.
The function's permission is OBS-LambdaPermissionRegion's concern.
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

SOURCE: Final = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
    "aws-resource-sns-subscription.html#cfn-sns-subscription-region"
)


def check(resource: TemplateResource, template: StackTemplate) -> Sequence[Finding]:
    """Refuse a subscription to a topic in another Region whose ``Region`` is not that one."""
    text = render(resource.properties.get("TopicArn"))
    if text is None:
        return []
    topic_region = template.other_region(text)
    if topic_region is None:
        return []
    named = render(resource.properties.get("Region"))
    if named == topic_region:
        return []
    if named is None:
        location, value = "Properties/TopicArn", text
        problem = (
            f"is a topic in {topic_region}, the stack deploys to {template.region} and the "
            f"subscription names no Region, so CloudFormation looks for the topic in "
            f"{template.region}"
        )
    else:
        location, value = "Properties/Region", named
        problem = f"is not the Region of the topic {text} ({topic_region})"
    return [
        Finding(
            location,
            value,
            problem,
            f"Region: {topic_region} on the subscription, or a topic in {template.region}",
        )
    ]


RULE: Final = Rule(
    id="OBS-SnsSubscriptionRegion",
    info="A subscription to a topic in another Region sets Region to the topic's Region.",
    explanation=(
        "Without Region, CloudFormation subscribes in the stack's Region, where a topic of "
        "another Region does not exist, and the deploy fails."
    ),
    source=SOURCE,
    resource_types=frozenset({"AWS::SNS::Subscription"}),
    check=check,
)
