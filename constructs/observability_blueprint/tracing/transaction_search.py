"""X-Ray Transaction Search: every span into CloudWatch Logs, a share indexed as traces."""

from __future__ import annotations

from aws_cdk import Stack, Token
from aws_cdk import aws_logs as logs
from aws_cdk import aws_xray as xray
from constructs import Construct

from observability_blueprint.core.placement import claim_of
from observability_blueprint.rules import xray as rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.placement import single_owner_problems


class TransactionSearch(Construct):
    """Turns on X-Ray Transaction Search (``AWS::XRay::TransactionSearchConfig``).

    Transaction Search sends every span X-Ray receives to CloudWatch Logs, as
    structured log events in the ``aws/spans`` log group (searchable with Logs
    Insights, billed as CloudWatch Logs), and indexes ``indexing_percentage`` of
    them as X-Ray trace summaries; 1% is indexed free of charge.
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Transaction-Search.html

    **One per account and Region.** It is an account setting, not a resource of
    a stack: exactly one stack must own it. A second ``TransactionSearch`` in
    the same app whose stack could deploy to the same account and Region is
    refused (an environment-agnostic stack could deploy anywhere). Transaction Search must
    be off in the account before CloudFormation turns it on (switch it off in
    the console first if it was turned on there).
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Transaction-Search-Cloudformation.html

    X-Ray writes the spans with a CloudWatch Logs resource policy that lets
    ``xray.amazonaws.com`` put log events into ``aws/spans`` and
    ``/aws/application-signals/data`` for this account only; it is created here
    (an ``AWS::Logs::ResourcePolicy``, one of the 10 an account has per Region)
    unless ``resource_policy`` is False because the account already has one.

    Parameters
    ----------
    indexing_percentage
        Share of spans indexed as trace summaries, 0 to 100. Default: 1 (free).
    resource_policy
        Create the Logs resource policy X-Ray needs. Default: True.
    policy_name
        The resource policy's name. Default: ``TransactionSearchAccess``, as AWS's
        example names it.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        indexing_percentage: float = rules.FREE_INDEXING_PERCENTAGE,
        resource_policy: bool = True,
        policy_name: str = rules.TRANSACTION_SEARCH_POLICY_NAME,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        problems: list[Problem] = []
        if not Token.is_unresolved(indexing_percentage) and (
            message := rules.check_indexing_percentage(indexing_percentage)
        ):
            problems.append(Problem(f"{at}.indexing_percentage", message))
        if resource_policy and (message := rules.check_logs_policy_name(policy_name)):
            problems.append(Problem(f"{at}.policy_name", message))
        others = [
            c
            for c in self.node.root.node.find_all()
            if isinstance(c, TransactionSearch) and hasattr(c, "config")
        ]
        claims = [claim_of(c) for c in (*others, self)]
        problems += [
            p for p in single_owner_problems("Transaction Search", claims) if p.location == at
        ]
        if problems:
            raise BlueprintError(problems)

        stack = Stack.of(self)
        self.resource_policy: logs.CfnResourcePolicy | None = None
        """The Logs resource policy that lets X-Ray write spans, when created here."""
        if resource_policy:
            self.resource_policy = logs.CfnResourcePolicy(
                self,
                "LogsPolicy",
                policy_name=policy_name,
                policy_document=stack.to_json_string(
                    rules.transaction_search_policy(
                        partition=stack.partition, region=stack.region, account=stack.account
                    )
                ),
            )
        self.indexing_percentage = indexing_percentage
        """The share of spans indexed as trace summaries."""
        self.config = xray.CfnTransactionSearchConfig(
            self, "Resource", indexing_percentage=indexing_percentage
        )
        """The ``AWS::XRay::TransactionSearchConfig``."""
        if self.resource_policy is not None:
            self.config.node.add_dependency(self.resource_policy)
