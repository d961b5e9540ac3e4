"""The rules a log group's settings must meet.

Pure module: no aws_cdk import. Each check returns the message to show, or None.
"""

from __future__ import annotations

import re
from typing import Final

from observability_blueprint.rules import limits

DEFAULT_RETENTION_DAYS: Final = 365
"""Days events are kept when no retention is given, for every log group the package
makes (services, hosts, trail, flow logs, containers): one year, the span yearly
audits ask for (PCI DSS 10.5.1 keeps audit trails, network records included, a year).
Container Insights performance events are the exception (see rules/containers.py)."""

# Where a subscription filter may deliver (PutSubscriptionFilter destinationArn).
SUBSCRIPTION_ARN_RE: Final = re.compile(
    r"arn:aws[a-z-]*:(?:"
    r"(?P<lambda>lambda):[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]+)?"
    r"|(?P<kinesis>kinesis):[a-z0-9-]+:\d{12}:stream/[A-Za-z0-9_.-]{1,128}"
    r"|(?P<firehose>firehose):[a-z0-9-]+:\d{12}:deliverystream/[A-Za-z0-9_.-]{1,64}"
    r"|(?P<logs>logs):[a-z0-9-]+:\d{12}:destination:[^:*]{1,512}"
    r")"
)
ROLE_ARN_RE: Final = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")


def check_retention(days: int | None) -> str | None:
    """Return why ``days`` is not a CloudWatch Logs retention (None: never expire)."""
    if days is None or days in limits.RETENTION_DAYS:
        return None
    nearest = " or ".join(str(d) for d in limits.nearest_retention(days))
    return (
        f"{days} is not a CloudWatch Logs retention; use one of "
        f"{', '.join(map(str, limits.RETENTION_DAYS))} (nearest: {nearest}), "
        "or null to keep events forever"
    )


def check_log_group_name(name: str) -> str | None:
    """Return why ``name`` is not a valid log group name."""
    if not 1 <= len(name) <= limits.LOG_GROUP_NAME_MAX:
        return (
            f"{name[:40]!r}... is {len(name)} characters; a log group name is 1 to "
            f"{limits.LOG_GROUP_NAME_MAX} characters"
        )
    if not limits.LOG_GROUP_NAME_RE.fullmatch(name):
        bad = sorted({c for c in name if not limits.LOG_GROUP_NAME_RE.fullmatch(c)})
        return (
            f"{name!r} has characters a log group name cannot have ({''.join(bad)!r}); "
            "use letters, digits and . - _ / #"
        )
    # CreateLogGroup: "Log group names can't start with the string aws/".
    if name.startswith("aws/"):
        return f"{name!r} starts with aws/, which AWS reserves; use another prefix"
    return None


def subscription_kind(arn: str) -> str | None:
    """Return ``lambda``, ``kinesis``, ``firehose`` or ``logs`` for a destination ARN."""
    match = SUBSCRIPTION_ARN_RE.fullmatch(arn)
    if not match:
        return None
    return next(kind for kind, value in match.groupdict().items() if value)


def check_subscription_destination(arn: str) -> str | None:
    """Return why ``arn`` cannot receive a subscription filter's events."""
    if subscription_kind(arn) is None:
        return (
            f"{arn!r} is not a subscription destination; use the ARN of a Lambda function, "
            "a Kinesis data stream, a Firehose delivery stream or a CloudWatch Logs "
            "destination (arn:aws:logs:REGION:ACCOUNT:destination:NAME)"
        )
    return None


def check_role_arn(arn: str) -> str | None:
    """Return why ``arn`` is not an IAM role ARN."""
    if not ROLE_ARN_RE.fullmatch(arn):
        return f"{arn!r} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"
    return None
