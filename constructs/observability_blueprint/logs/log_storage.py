"""How a construct's log groups are kept: the settings every log group shares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from aws_cdk import RemovalPolicy, Token
from aws_cdk import aws_kms as kms

from observability_blueprint.rules import log_groups as log_group_rules
from observability_blueprint.rules.errors import Problem
from observability_blueprint.security import BlueprintKey

DEFAULT_REMOVAL_POLICY = RemovalPolicy.RETAIN
"""Log groups outlive the stack: deleting a stack never deletes logs."""


class LogStorage(TypedDict, total=False):
    """Keyword arguments every construct that makes log groups takes.

    Attributes
    ----------
    retention_days
        Days events are kept, one of the values CloudWatch Logs accepts; None keeps
        them forever. Default: 365, unless the construct says otherwise.
    encryption_key
        Encrypts the log groups. A :class:`BlueprintKey` has its policy extended for
        them, by name, so they need literal names. Default: CloudWatch Logs' own
        encryption.
    removal_policy
        Default: ``RemovalPolicy.RETAIN`` (kept when the stack is deleted).
    """

    retention_days: int | None
    encryption_key: kms.IKey | None
    removal_policy: RemovalPolicy


def with_retention(storage: LogStorage, days: int | None) -> LogStorage:
    """Return ``storage`` with ``days`` as its retention unless it names one."""
    return {"retention_days": days, **storage}


def storage_problems(
    path: str,
    storage: Mapping[str, Any],
    *,
    log_group_names: Sequence[str | None] = (),
    name_argument: str = "log_group_name",
) -> list[Problem]:
    """Return every problem of ``storage`` for a construct at ``path``.

    ``log_group_names`` are the names of the log groups it makes (None: generated),
    checked against a :class:`BlueprintKey`, which admits log groups by name; a
    problem with them is located at ``name_argument``.
    """
    problems = [
        Problem(
            f"{path}.{name}",
            "is not an argument here; log storage takes " + ", ".join(LogStorage.__annotations__),
        )
        for name in sorted(set(storage) - set(LogStorage.__annotations__))
    ]
    if "retention_days" in storage and (
        message := log_group_rules.check_retention(storage["retention_days"])
    ):
        problems.append(Problem(f"{path}.retention_days", message))
    if isinstance(storage.get("encryption_key"), BlueprintKey) and any(
        name is None or Token.is_unresolved(name) for name in log_group_names
    ):
        problems.append(
            Problem(
                f"{path}.{name_argument}",
                "a log group encrypted with a BlueprintKey needs a literal name: the key "
                "policy admits log groups by name (a reference would make the key and "
                "the log group depend on each other)",
            )
        )
    return problems
