"""The blueprint's one customer-managed KMS key."""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import RemovalPolicy, Stack, Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from observability_blueprint.core import KeyInterface, implements_by_delegation
from observability_blueprint.rules.audit import check_kms_key_arn
from observability_blueprint.rules.errors import BlueprintError

DEFAULT_REMOVAL_POLICY = RemovalPolicy.RETAIN
LOG_GROUPS_LISTED_MAX = 300
"""Log groups the key policy names one by one (more than a one-stack blueprint encrypts
in practice); more share wildcards by path prefix (KMS key policies take at most 32 KB:
https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html)."""
"""The key outlives the stack: data encrypted with it stays readable."""


def publishers_statement() -> iam.PolicyStatement:
    """The key-policy statement that lets alarms and EventBridge rules publish to topics
    encrypted with the key (they cannot publish under ``alias/aws/sns``)."""
    return iam.PolicyStatement(
        sid="AlarmAndRulePublishersToEncryptedTopics",
        principals=[
            iam.ServicePrincipal("cloudwatch.amazonaws.com"),
            iam.ServicePrincipal("events.amazonaws.com"),
        ],
        actions=["kms:Decrypt", "kms:GenerateDataKey*"],
        resources=["*"],
    )


@implements_by_delegation(kms.IKey, to="key")
class BlueprintKey(Construct, KeyInterface):
    """One customer-managed key for a blueprint's log groups and topics.

    One key, not one per log group, keeps the cost flat ($1 a month) and the key
    policy in one place. Rotation is on; the key is retained when the stack is
    deleted unless ``removal_policy`` says otherwise.

    The key policy lets CloudWatch Logs use the key only for the log groups named
    with :meth:`allow_log_groups` (the ``aws:logs:arn`` encryption context), built
    from their names rather than references, so the key and the log groups do
    not depend on each other in a cycle. :meth:`allow_alarm_notifications` lets
    CloudWatch alarms and EventBridge rules publish to topics encrypted with it
    (they cannot publish under the AWS-managed ``alias/aws/sns`` key).

    It is an ``IKey``: pass it wherever aws-cdk-lib takes one; ``key`` is the L2 it
    wraps.

    Parameters
    ----------
    alias
        Alias name without ``alias/``. Default: none.
    removal_policy
        Default: ``RemovalPolicy.RETAIN``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        alias: str | None = None,
        removal_policy: RemovalPolicy = DEFAULT_REMOVAL_POLICY,
    ) -> None:
        super().__init__(scope, id)
        self._log_group_names: list[str] = []
        self._allowed: set[str] = set()
        self._arn_start = ""
        self._logs_operator = "ArnEquals"
        self._publishers_allowed = False
        self._logs_statement: iam.PolicyStatement | None = None
        self.key = kms.Key(
            self,
            "Resource",
            description=f"Observability blueprint key ({self.node.path})",
            enable_key_rotation=True,
            removal_policy=removal_policy,
            alias=f"alias/{alias}" if alias else None,
        )

    @staticmethod
    def from_key_arn(scope: Construct, id: str, key_arn: str) -> kms.IKey:
        """Import a key this stack does not manage, by its ARN (checked; not an alias)."""
        if not Token.is_unresolved(key_arn) and (message := check_kms_key_arn(key_arn)):
            raise BlueprintError.at(f"{scope.node.path}/{id}.key_arn", message)
        return kms.Key.from_key_arn(scope, id, key_arn)

    def allow_log_groups(self, log_group_names: Iterable[str]) -> None:
        """Let CloudWatch Logs encrypt and decrypt for these log groups, by name.

        One statement for every log group, its condition naming each one's ARN
        (``ArnEquals``). When the first call names more than
        :data:`LOG_GROUPS_LISTED_MAX` (a blueprint of hundreds of services: a key
        policy takes at most 32 KB), the condition is ``ArnLike`` instead, with one
        ``<prefix>*`` per shared path prefix (``/shop/prod/*``) and the others listed.
        Pass all names at once where they are known (the blueprint does): a name
        already allowed is not added again.
        """
        new = [name for name in dict.fromkeys(log_group_names) if name not in self._allowed]
        if not new:
            return
        self._log_group_names.extend(new)
        self._allowed.update(new)
        if self._logs_statement is None:
            stack = Stack.of(self)
            self._arn_start = (
                f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:"
            )
            self._logs_operator = (
                "ArnLike" if len(self._log_group_names) > LOG_GROUPS_LISTED_MAX else "ArnEquals"
            )
            self._logs_statement = iam.PolicyStatement(
                sid="CloudWatchLogsForBlueprintLogGroups",
                principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
                actions=[
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                resources=["*"],
            )
            self.key.add_to_resource_policy(self._logs_statement)
        # The condition is replaced with the full list.
        self._logs_statement.add_condition(
            self._logs_operator,
            {"kms:EncryptionContext:aws:logs:arn": self._condition_arns()},
        )

    def _condition_arns(self) -> list[str]:
        names = self._log_group_names
        if self._logs_operator == "ArnEquals":
            return [f"{self._arn_start}{name}" for name in names]
        prefixes: dict[str, int] = {}
        for name in names:
            if (prefix := _shared_prefix(name)) is not None:
                prefixes[prefix] = prefixes.get(prefix, 0) + 1
        wide = [p for p, count in prefixes.items() if count > 1]
        listed = [n for n in names if _shared_prefix(n) not in wide]
        return [f"{self._arn_start}{p}*" for p in wide] + [f"{self._arn_start}{n}" for n in listed]

    def allow_alarm_notifications(self) -> None:
        """Let CloudWatch alarms and EventBridge rules publish to topics under this key."""
        if self._publishers_allowed:
            return
        self._publishers_allowed = True
        self.key.add_to_resource_policy(publishers_statement())

    @property
    def log_group_names(self) -> tuple[str, ...]:
        """Names of the log groups the key policy admits."""
        return tuple(self._log_group_names)


def _shared_prefix(name: str) -> str | None:
    """``/shop/prod/`` of ``/shop/prod/checkout``: the blueprint's own path prefix; None
    for AWS's (``/aws/...``) and for names without two path levels."""
    if not name.startswith("/") or name.startswith("/aws/"):
        return None
    parts = name.split("/")
    if len(parts) < 4 or not parts[1] or not parts[2]:
        return None
    return f"/{parts[1]}/{parts[2]}/"
