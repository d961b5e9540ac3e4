"""OBS-LogsSubscriptionDestination: a subscription delivers in its log group's Region and account.

PutSubscriptionFilter takes a Kinesis data stream, a Firehose stream or a Lambda
function "belonging to the same account as the subscription filter", and for
another account a CloudWatch Logs destination, which "must be in the same
Region" as the log group (it may point to a stream elsewhere). Anything else is
refused when CloudFormation creates the filter.
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

SOURCE: Final = (
    "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/"
    "API_PutSubscriptionFilter.html"
)
_SAME_ACCOUNT: Final = {
    "lambda": "Lambda function",
    "kinesis": "Kinesis stream",
    "firehose": "Firehose stream",
}


def check(resource: TemplateResource, template: StackTemplate) -> Sequence[Finding]:
    """Refuse a destination in another Region, or a stream or function in another account."""
    text = render(resource.properties.get("DestinationArn"))
    if text is None:
        return []
    arn = arn_of(text)
    what = _SAME_ACCOUNT.get(arn.service, "destination") if arn else "destination"
    location = "Properties/DestinationArn"
    region = template.other_region(text)
    if region is not None:
        return [
            Finding(
                location,
                text,
                f"is a {what} in {region}, and the log group's stack deploys to "
                f"{template.region}; CloudWatch Logs delivers only in the log group's Region",
                f"a Lambda function, Kinesis or Firehose stream of this account in "
                f"{template.region}, or a CloudWatch Logs destination in {template.region} "
                "(which may forward to another Region)",
            )
        ]
    account = template.other_account(text)
    if account is not None and arn is not None and arn.service in _SAME_ACCOUNT:
        return [
            Finding(
                location,
                text,
                f"is a {what} of account {account}, and the log group's stack deploys to "
                f"{template.account}; a {what} must belong to the log group's account",
                f"a {what} of account {template.account}, or for another account a "
                "CloudWatch Logs destination (arn:aws:logs:REGION:ACCOUNT:destination:NAME)",
            )
        ]
    return []


RULE: Final = Rule(
    id="OBS-LogsSubscriptionDestination",
    info=(
        "A log subscription delivers in the log group's Region; streams and functions in its "
        "account."
    ),
    explanation=(
        "CloudWatch Logs refuses a subscription filter whose destination is in another Region, "
        "or whose Lambda, Kinesis or Firehose destination belongs to another account."
    ),
    source=SOURCE,
    resource_types=frozenset({"AWS::Logs::SubscriptionFilter"}),
    check=check,
)
