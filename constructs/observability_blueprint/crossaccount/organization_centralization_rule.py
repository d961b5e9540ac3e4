"""An organization centralization rule: copy member accounts' log groups into one account."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Token
from aws_cdk import aws_observabilityadmin as observabilityadmin
from constructs import Construct

from observability_blueprint.rules import arns
from observability_blueprint.rules import crossaccount as rules
from observability_blueprint.rules.audit import check_kms_key_arn
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.regions import check_region

_Rule = observabilityadmin.CfnOrganizationCentralizationRule


class OrganizationCentralizationRule(Construct):
    """An ``AWS::ObservabilityAdmin::OrganizationCentralizationRule``.

    CloudWatch copies the log events of the member accounts' log groups (those the
    rule selects, from the ``source_regions``) into log groups of one destination
    account and Region: a copy, stored and billed there, that outlives the
    sources' retention and is read without links. Organization rules deploy from
    the management account or a delegated administrator of CloudWatch.
    https://docs.aws.amazon.com/cloudwatch/latest/observabilityadmin/API_CreateCentralizationRuleForOrganization.html

    Parameters
    ----------
    rule_name
        1 to 100 letters, digits or ``-``.
    source_regions
        The Regions whose log groups are copied (at least one).
    destination_region
        Where the copies go.
    destination_account
        The account the copies go to (12 digits). Default: the account deploying the rule.
    rule_scope
        Which accounts, as the rule source's ``Scope`` text. Default: the organization.
    log_group_filter
        Which log groups, in the syntax of OAM link filters
        (``LogGroupName LIKE '/aws/lambda/%'``). Default: all.
    encrypted_log_groups
        ``SKIP`` (default) leaves log groups encrypted with a customer managed key
        where they are; ``ALLOW`` copies them too.
    log_group_name_pattern
        Names of the copies, such as ``${source.accountId}/${source.logGroup}``.
        Default: the source's name.
    kms_key_arn
        A KMS key of the destination account and Region to encrypt the copies.
        Default: AWS owned keys.
    backup_region
        A second Region of the destination account that keeps a backup copy.
        Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        rule_name: str,
        source_regions: Sequence[str],
        destination_region: str,
        destination_account: str | None = None,
        rule_scope: str | None = None,
        log_group_filter: str | None = None,
        encrypted_log_groups: str = "SKIP",
        log_group_name_pattern: str | None = None,
        kms_key_arn: str | None = None,
        backup_region: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        problems: list[Problem] = []
        if not source_regions:
            problems.append(Problem(f"{at}.source_regions", "name at least one source Region"))
        checks: list[tuple[str, str | None, object]] = [
            ("rule_name", rule_name, rules.check_rule_name),
            ("destination_region", destination_region, check_region),
            ("destination_account", destination_account, rules.check_account_id),
            ("rule_scope", rule_scope, rules.check_scope),
            (
                "encrypted_log_groups",
                encrypted_log_groups,
                rules.check_encrypted_log_group_strategy,
            ),
            ("log_group_name_pattern", log_group_name_pattern, rules.check_log_group_name_pattern),
            ("backup_region", backup_region, check_region),
            ("kms_key_arn", kms_key_arn, check_kms_key_arn),
        ]
        checks += [(f"source_regions[{i}]", r, check_region) for i, r in enumerate(source_regions)]
        for key, value, check in checks:
            if value is None or Token.is_unresolved(value):
                continue
            if message := check(value):  # type: ignore[operator]
                problems.append(Problem(f"{at}.{key}", message))
        if (
            log_group_filter is not None
            and not Token.is_unresolved(log_group_filter)
            and (message := rules.check_link_filter(log_group_filter, rules.LOG_GROUP_SUBJECT))
        ):
            problems.append(Problem(f"{at}.log_group_filter", message))
        if kms_key_arn is not None and not any(
            problem.location.endswith(".kms_key_arn") for problem in problems
        ):
            parsed = arns.parse_arn(kms_key_arn)
            failed = {problem.location for problem in problems}
            for part, wanted, what in (
                (parsed.region, destination_region, "Region"),
                (
                    parsed.account,
                    None if f"{at}.destination_account" in failed else destination_account,
                    "account",
                ),
            ):
                if (
                    wanted is not None
                    and parsed.known(part)
                    and not Token.is_unresolved(wanted)
                    and part != wanted
                ):
                    problems.append(
                        Problem(
                            f"{at}.kms_key_arn",
                            f"the key is in {what} {part}, the copies in {wanted}; use a key "
                            f"of the destination {what}",
                        )
                    )
        if backup_region is not None and backup_region == destination_region:
            problems.append(
                Problem(
                    f"{at}.backup_region",
                    f"{backup_region} is the destination Region; a backup goes to another Region",
                )
            )
        if problems:
            raise BlueprintError(problems)
        self.rule = _Rule(
            self,
            "Resource",
            rule_name=rule_name,
            rule=_Rule.CentralizationRuleProperty(
                source=_Rule.CentralizationRuleSourceProperty(
                    regions=list(source_regions),
                    scope=rule_scope,
                    source_logs_configuration=_Rule.SourceLogsConfigurationProperty(
                        encrypted_log_group_strategy=encrypted_log_groups,
                        log_group_selection_criteria=log_group_filter,
                    ),
                ),
                destination=_Rule.CentralizationRuleDestinationProperty(
                    region=destination_region,
                    account=destination_account,
                    destination_logs_configuration=_destination_logs(
                        log_group_name_pattern, kms_key_arn, backup_region
                    ),
                ),
            ),
        )
        """The ``AWS::ObservabilityAdmin::OrganizationCentralizationRule``."""


def _destination_logs(
    pattern: str | None, kms_key_arn: str | None, backup_region: str | None
) -> _Rule.DestinationLogsConfigurationProperty | None:
    if pattern is None and kms_key_arn is None and backup_region is None:
        return None
    return _Rule.DestinationLogsConfigurationProperty(
        log_group_name_configuration=(
            _Rule.LogGroupNameConfigurationProperty(log_group_name_pattern=pattern)
            if pattern is not None
            else None
        ),
        logs_encryption_configuration=(
            _Rule.LogsEncryptionConfigurationProperty(
                encryption_strategy="CUSTOMER_MANAGED", kms_key_arn=kms_key_arn
            )
            if kms_key_arn is not None
            else None
        ),
        backup_configuration=(
            _Rule.LogsBackupConfigurationProperty(region=backup_region)
            if backup_region is not None
            else None
        ),
    )
