"""A source account's OAM link to the monitoring account's sink."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Stack, Token
from aws_cdk import aws_oam as oam
from constructs import Construct

from observability_blueprint.rules import crossaccount as rules
from observability_blueprint.rules.errors import BlueprintError, Problem


class SourceLink(Construct):
    """An ``AWS::Oam::Link`` sharing this account's data with a monitoring account.

    The link names the sink by ARN (the ``SinkArn`` output of the monitoring
    account's :class:`MonitoringSink`), so the monitoring account deploys first.
    Links are per Region: the sink must be in the link's Region, and in another
    account (a monitoring account sees its own data without a link). A source
    account links to at most five monitoring accounts.
    https://docs.aws.amazon.com/OAM/latest/APIReference/API_CreateLink.html

    Parameters
    ----------
    sink_arn
        The sink's ARN, ``arn:aws:oam:REGION:ACCOUNT:sink/ID``.
    resource_types
        What to share; the sink policy must allow each one.
    label_template
        How the monitoring account labels this account: custom text and
        ``$AccountName``, ``$AccountEmail``, ``$AccountEmailNoDomain`` (in
        GovCloud the variables resolve to the account id). 1 to 64 characters,
        fixed once created. Default: ``$AccountName``.
    log_group_filter
        Which log groups to share, such as ``LogGroupName LIKE '/aws/lambda/%'``
        (needs ``AWS::Logs::LogGroup`` shared). Default: all.
    metric_filter
        Which namespaces to share, such as ``Namespace NOT LIKE 'AWS/%'``
        (needs ``AWS::CloudWatch::Metric`` shared). Default: all.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        sink_arn: str,
        resource_types: Sequence[str],
        label_template: str = rules.DEFAULT_LABEL_TEMPLATE,
        log_group_filter: str | None = None,
        metric_filter: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        stack = Stack.of(self)
        problems = link_problems(
            at,
            sink_arn=sink_arn,
            resource_types=resource_types,
            label_template=label_template,
            log_group_filter=log_group_filter,
            metric_filter=metric_filter,
            account=None if Token.is_unresolved(stack.account) else stack.account,
            region=None if Token.is_unresolved(stack.region) else stack.region,
        )
        if problems:
            raise BlueprintError(problems)
        configuration: oam.CfnLink.LinkConfigurationProperty | None = None
        if log_group_filter is not None or metric_filter is not None:
            configuration = oam.CfnLink.LinkConfigurationProperty(
                log_group_configuration=(
                    oam.CfnLink.LinkFilterProperty(filter=log_group_filter)
                    if log_group_filter is not None
                    else None
                ),
                metric_configuration=(
                    oam.CfnLink.LinkFilterProperty(filter=metric_filter)
                    if metric_filter is not None
                    else None
                ),
            )
        self.link = oam.CfnLink(
            self,
            "Resource",
            sink_identifier=sink_arn,
            resource_types=list(resource_types),
            label_template=label_template,
            link_configuration=configuration,
        )
        """The ``AWS::Oam::Link``."""


def link_problems(
    at: str,
    *,
    sink_arn: str,
    resource_types: Sequence[str],
    label_template: str,
    log_group_filter: str | None,
    metric_filter: str | None,
    account: str | None,
    region: str | None,
) -> list[Problem]:
    """Return what is wrong with a link's settings in ``account`` and ``region``."""
    problems: list[Problem] = []
    if not Token.is_unresolved(sink_arn):
        if message := rules.check_sink_arn(sink_arn):
            problems.append(Problem(f"{at}.sink_arn", message))
        else:
            sink = rules.parse_sink_arn(sink_arn)
            if account is not None and sink.account == account:
                problems.append(
                    Problem(
                        f"{at}.sink_arn",
                        f"the sink is in this link's own account {account}; a monitoring "
                        "account sees its own data without a link: link only source accounts",
                    )
                )
            if region is not None and sink.region != region:
                problems.append(
                    Problem(
                        f"{at}.sink_arn",
                        f"the sink is in {sink.region} and this link in {region}; links are "
                        f"per Region: use the sink of {region}",
                    )
                )
    if message := rules.check_resource_types(list(resource_types)):
        problems.append(Problem(f"{at}.resource_types", message))
    if not Token.is_unresolved(label_template) and (
        message := rules.check_label_template(label_template)
    ):
        problems.append(Problem(f"{at}.label_template", message))
    for key, text, subject, needs in (
        ("log_group_filter", log_group_filter, rules.LOG_GROUP_SUBJECT, "AWS::Logs::LogGroup"),
        ("metric_filter", metric_filter, rules.METRIC_SUBJECT, "AWS::CloudWatch::Metric"),
    ):
        if text is None or Token.is_unresolved(text):
            continue
        if message := rules.check_link_filter(text, subject):
            problems.append(Problem(f"{at}.{key}", message))
        if needs not in resource_types:
            problems.append(
                Problem(
                    f"{at}.{key}",
                    f"filters what {needs} shares, which this link does not share: "
                    f"add {needs} or drop the filter",
                )
            )
    return problems
