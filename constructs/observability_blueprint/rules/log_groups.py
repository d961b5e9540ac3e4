"""The rules a log group's settings must meet.

Pure module: no aws_cdk import. Each check returns the message to show, or None.
"""

from __future__ import annotations

from typing import Final

from observability_blueprint.rules import arns, limits
from observability_blueprint.rules.errors import cut

DEFAULT_RETENTION_DAYS: Final = 365
"""Days events are kept when no retention is given, for every log group the package
makes (services, hosts, trail, flow logs, containers): one year, the span yearly
audits ask for (PCI DSS 10.5.1 keeps audit trails, network records included, a year).
Container Insights performance events are the exception (see rules/containers.py)."""


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
            f"{cut(name)!r} has characters a log group name cannot have ({cut(''.join(bad))!r}); "
            "use letters, digits and . - _ / #"
        )
    # CreateLogGroup: "Log group names can't start with the string aws/".
    if name.startswith("aws/"):
        return f"{cut(name)!r} starts with aws/, which AWS reserves; use another prefix"
    return None


def check_subscription_destination(arn: str, place: arns.Place | None = None) -> str | None:
    """Return why ``arn`` cannot receive a subscription filter's events (from ``place``).

    The kinds, their forms and where they may be are
    :func:`arns.subscription_destination_problem`'s.
    """
    problem = arns.subscription_destination_problem(arn, place)
    if problem is None or arns.kind_of(arn, arns.SUBSCRIPTION_DESTINATIONS) is not None:
        return problem
    other = arns.other_kind(arn, arns.SUBSCRIPTION_DESTINATIONS)
    return (
        f"{arns.shown(arn)} is not a subscription destination; use the ARN of a Lambda function, "
        "a Kinesis data stream, a Firehose delivery stream or a CloudWatch Logs "
        "destination (arn:aws:logs:REGION:ACCOUNT:destination:NAME)"
        + (f"; this is {other} ARN" if other else "")
    )


def check_role_arn(arn: str) -> str | None:
    """Return why ``arn`` is not an IAM role ARN."""
    if arns.arn_problem(arn, [arns.IAM_ROLE]) is None:
        return None
    other = arns.other_kind(arn, [arns.IAM_ROLE])
    return f"{arns.shown(arn)} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)" + (
        f"; this is {other} ARN" if other else ""
    )
