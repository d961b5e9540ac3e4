"""The monitoring account's OAM sink and the policy naming who may link to it."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import CfnOutput, Stack, Token
from aws_cdk import aws_oam as oam
from constructs import Construct

from observability_blueprint.core.placement import claim_of
from observability_blueprint.rules import crossaccount as rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.placement import single_owner_problems


class MonitoringSink(Construct):
    """An ``AWS::Oam::Sink`` in the monitoring account, with its sink policy.

    Source accounts link to the sink (:class:`SourceLink`) and the monitoring
    account then reads their metrics, logs, traces and Application Signals data
    in place: dashboards and alarms use the sources' metrics.
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account.html

    **The policy** allows only ``oam:CreateLink`` and ``oam:UpdateLink``, only for
    the ``resource_types`` listed (``ForAllValues:StringEquals`` on
    ``oam:ResourceTypes``), with one statement per kind of source as AWS's
    PutSinkPolicy examples write them: the ``accounts`` as principals, the
    organization (``aws:PrincipalOrgID``), or OUs (``aws:PrincipalOrgPaths``).
    ``Resource`` is ``"*"``: a sink policy is a resource policy on this sink, so
    ``*`` means this sink and nothing else.
    https://docs.aws.amazon.com/OAM/latest/APIReference/API_PutSinkPolicy.html

    **One sink per account and Region** (CreateSink): a second ``MonitoringSink``
    that could deploy to the same account and Region is refused.

    **On delete.** A sink holds no data (the data stays in the source accounts),
    so it is deleted with its stack; but DeleteSink fails while links to it exist,
    so delete the source accounts' links first. The name cannot change
    (replacing the sink gives it a new ARN, and every link names the ARN).

    Parameters
    ----------
    sink_name
        1 to 255 letters, digits, ``_``, ``.`` or ``-``.
    resource_types
        What the sources may share, among
        :data:`~observability_blueprint.rules.crossaccount.RESOURCE_TYPES`.
    accounts
        Source account ids. Default: none.
    organization_id
        The organization whose every account may link (``o-...``). With
        ``organizational_units``, only the path the OUs are matched in. Default: none.
    organizational_units
        OU ids whose accounts (at any depth below the OU) may link. Default: none.
    root_id
        The organization root (``r-...``) when every OU is directly under it,
        which pins their paths. Default: OUs at any depth.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        sink_name: str,
        resource_types: Sequence[str],
        accounts: Sequence[str] = (),
        organization_id: str | None = None,
        organizational_units: Sequence[str] = (),
        root_id: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        stack = Stack.of(self)
        problems: list[Problem] = []
        if not Token.is_unresolved(sink_name) and (message := rules.check_sink_name(sink_name)):
            problems.append(Problem(f"{at}.sink_name", message))
        if message := rules.check_resource_types(list(resource_types)):
            problems.append(Problem(f"{at}.resource_types", message))
        sources = rules.Sources(
            accounts=tuple(accounts),
            organization_id=organization_id,
            organizational_units=tuple(organizational_units),
            root_id=root_id,
        )
        account = None if Token.is_unresolved(stack.account) else stack.account
        problems += rules.sources_problems(sources, monitoring_account=account, where=at)
        others = [
            c
            for c in self.node.root.node.find_all()
            if isinstance(c, MonitoringSink) and hasattr(c, "sink")
        ]
        claims = [claim_of(c) for c in (*others, self)]
        problems += [p for p in single_owner_problems("An OAM sink", claims) if p.location == at]
        if problems:
            raise BlueprintError(problems)

        self.resource_types = tuple(resource_types)
        """What the sources may share."""
        self.policy = rules.sources_policy(sources, self.resource_types)
        """The sink policy, as a JSON-ready dictionary."""
        self.sink = oam.CfnSink(self, "Resource", name=sink_name, policy=self.policy)
        """The ``AWS::Oam::Sink``."""
        self.sink_arn: str = self.sink.attr_arn
        """The sink's ARN, which every source account's link names."""
        CfnOutput(
            self,
            "SinkArn",
            value=self.sink_arn,
            description="The OAM sink's ARN: cross_account.sink_arns of this Region for sources",
        )
