"""Field indexes, so that Logs Insights queries on request, trace or service scan less.

:class:`FieldIndexes` indexes fields of one log group this app defines (the
``FieldIndexPolicies`` property of its ``AWS::Logs::LogGroup``: CloudFormation
has no separate resource for a log group's index policy).
:class:`AccountFieldIndexPolicy` indexes fields of every log group of the
account (``AWS::Logs::AccountPolicy`` of type ``FIELD_INDEX_POLICY``).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Token
from aws_cdk import aws_logs as logs
from constructs import Construct

from observability_blueprint.core.placement import claim_of
from observability_blueprint.logs.transformer import known_log_class, log_group_resource
from observability_blueprint.rules.errors import BlueprintError, Problem, cut
from observability_blueprint.rules.field_indexes import (
    FieldIndexPolicy,
    check_account_policy_name,
    default_index_fields,
)
from observability_blueprint.rules.placement import single_owner_problems
from observability_blueprint.rules.transformers import standard_class_problem

DEFAULT_ACCOUNT_POLICY_NAME = "observability-blueprint-field-indexes"
"""Name of the account-level policy when none is given."""


def _policy(
    at: str, fields: Sequence[str] | None, facets: Sequence[str]
) -> tuple[FieldIndexPolicy, list[Problem]]:
    policy = FieldIndexPolicy(
        fields=tuple(default_index_fields() if fields is None else fields), facets=tuple(facets)
    )
    return policy, [Problem(f"{at}.{p.location}", p.message) for p in policy.problems()]


class FieldIndexes(Construct):
    """Field indexes on one log group this app defines.

    A Logs Insights query that tests ``field = value`` or ``field IN [...]`` on
    an indexed field skips the events that cannot match: it scans, costs and
    waits less. Index fields that queries filter on and that few events share:
    request ids, trace ids, the service. ``@logStream``, ``@aws.region``,
    ``@aws.account``, ``@source.log`` and ``traceId`` are indexed already.

    The policy is set on the log group's own resource. The log group then
    ignores an account-level index policy (:class:`AccountFieldIndexPolicy`),
    so list here the account's fields it should keep. Standard class only.

    Parameters
    ----------
    log_group
        A log group this app defines (``ManagedLogGroup`` or ``logs.LogGroup``).
    fields
        Field names, case-sensitive as in the events (dots for nested JSON).
        Default: ``request_id``, ``xray_trace_id``, ``service`` (the structured
        log field names).
    facets
        Fields also shown as facets (value counts in the Logs Insights console).
        At most 20 names with ``fields``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        log_group: logs.ILogGroup,
        fields: Sequence[str] | None = None,
        facets: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        policy, problems = _policy(at, fields, facets)
        resource = log_group_resource(log_group)
        if resource is None:
            problems.append(
                Problem(
                    f"{at}.log_group",
                    f"{log_group.node.path} is not a log group this app defines; CloudFormation "
                    "sets a log group's field indexes only on its own AWS::Logs::LogGroup: "
                    "define the log group here (ManagedLogGroup), or use AccountFieldIndexPolicy",
                )
            )
        else:
            if message := standard_class_problem(
                known_log_class(resource, None), "field indexes", plural=True
            ):
                problems.append(Problem(f"{at}.log_group", message))
            if resource.field_index_policies is not None:
                problems.append(
                    Problem(
                        f"{at}.log_group",
                        f"{log_group.node.path} already has a field index policy "
                        f"({cut(str(resource.field_index_policies))}); a log group takes one: "
                        "list all its fields in one FieldIndexes",
                    )
                )
        if problems:
            raise BlueprintError(problems)
        assert resource is not None
        resource.field_index_policies = [policy.document()]
        self.policy = policy
        """The indexed fields."""
        self.log_group = log_group
        """The indexed log group."""


class AccountFieldIndexPolicy(Construct):
    """Field indexes on every Standard log group of the account, in this Region.

    There is one such policy per account and Region: a second one in this app
    whose stack could deploy to the same account and Region is refused (an
    environment-agnostic stack could deploy anywhere). A log group with its own
    :class:`FieldIndexes` ignores this policy.

    Parameters
    ----------
    fields
        Field names, case-sensitive as in the events. Default: ``request_id``,
        ``xray_trace_id``, ``service``.
    facets
        Fields also shown as facets. At most 20 names with ``fields``.
    policy_name
        Unique in the account; 1 to 256 characters without ``:`` or ``*``, not
        starting with ``aws/``. Default: ``observability-blueprint-field-indexes``.
    """

    _built = False
    """True once the checks passed (a refused policy stays in the tree, owning nothing)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        fields: Sequence[str] | None = None,
        facets: Sequence[str] = (),
        policy_name: str = DEFAULT_ACCOUNT_POLICY_NAME,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        policy, problems = _policy(at, fields, facets)
        if not Token.is_unresolved(policy_name) and (
            message := check_account_policy_name(policy_name)
        ):
            problems.append(Problem(f"{at}.policy_name", message))
        others = [
            c
            for c in self.node.root.node.find_all()
            if isinstance(c, AccountFieldIndexPolicy) and c._built
        ]
        claims = [claim_of(c) for c in (*others, self)]
        problems += [
            p
            for p in single_owner_problems("the account-level field index policy", claims)
            if p.location == at
        ]
        if problems:
            raise BlueprintError(problems)
        self.policy = policy
        """The indexed fields."""
        self.resource = logs.CfnAccountPolicy(
            self,
            "Resource",
            policy_name=policy_name,
            policy_type="FIELD_INDEX_POLICY",
            policy_document=policy.document_text(),
        )
        """The ``AWS::Logs::AccountPolicy``."""
        self._built = True
