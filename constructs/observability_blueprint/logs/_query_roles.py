"""The roles CloudWatch services assume to run Logs Insights queries on a schedule.

Log alarms and scheduled queries both run a query that CloudWatch Logs starts
with a role of the account: the role trusts ``logs.amazonaws.com`` and may query
the named log groups only. The permissions are those AWS lists for the query
execution role ("Alarming on logs",
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Alarm-On-Logs.html;
"Understanding scheduled queries concepts",
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/scheduled-queries-concepts.html),
scoped to the log groups as the first page asks, plus ``kms:Decrypt`` and
``kms:DescribeKey`` on the key of encrypted log groups.

AWS shows these trust policies without a condition; every service principal of
this package carries one (rules/service_principals.py), so the trust is bound to
the stack's account with ``aws:SourceAccount``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Final

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct, IDependable

from observability_blueprint.security import acknowledge_wildcard_resource

QUERY_ACTIONS: Final = (
    "logs:StartQuery",
    "logs:StopQuery",
    "logs:GetQueryResults",
    "logs:DescribeLogGroups",
)
"""What the query execution role may do, on its log groups only."""
_STREAMS_REASON: Final = (
    "a log group's ARN as IAM writes it ends in :* (its log streams); the role queries "
    "this log group only"
)


def service_role(scope: Construct, id: str, *, service: str, description: str) -> iam.Role:
    """Return a role ``service`` assumes for this stack's account only."""
    return iam.Role(
        scope,
        id,
        assumed_by=iam.ServicePrincipal(
            service,
            conditions={"StringEquals": {"aws:SourceAccount": Stack.of(scope).account}},
        ),
        description=description,
    )


def grant_query(
    role: iam.Role,
    log_groups: Sequence[logs.ILogGroup],
    *,
    actions: Sequence[str] = QUERY_ACTIONS,
    encryption_key: kms.IKey | None = None,
) -> IDependable:
    """Let ``role`` query ``log_groups`` (and read what ``encryption_key`` encrypts).

    Returns the policy that holds the permissions, for resources that must wait for it.
    """
    arns = [group.log_group_arn for group in log_groups]
    added = role.add_to_principal_policy(iam.PolicyStatement(actions=list(actions), resources=arns))
    stack = Stack.of(role)
    for arn in arns:
        if "*" in json.dumps(stack.resolve(arn)):
            acknowledge_wildcard_resource(role, arn, reason=_STREAMS_REASON)
    if encryption_key is not None:
        encryption_key.grant(role, "kms:Decrypt", "kms:DescribeKey")
    assert added.policy_dependable is not None  # a role always has a policy to add to
    return added.policy_dependable
