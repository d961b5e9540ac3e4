"""Acknowledging cdk-nag findings that are intended, each with its reason."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, Stack, Validations
from constructs import IConstruct


def nag_resource_text(scope: IConstruct, value: str) -> str:
    """Render a (possibly tokenized) string the way cdk-nag names it in a finding.

    cdk-nag 3 names an IAM5 finding after the resource as written in the
    template, with references shown as ``<AWS::Region>`` or ``<LogicalId.Arn>``.
    """
    return _render(Stack.of(scope).resolve(value))


def _render(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(_render(part) for part in parts)
    if isinstance(value, dict) and "Ref" in value:
        return f"<{value['Ref']}>"
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        resource, attribute = value["Fn::GetAtt"]
        return f"<{resource}.{attribute}>"
    return str(value)


def acknowledge_wildcard_resource(scope: IConstruct, resource: str, *, reason: str) -> None:
    """Acknowledge AwsSolutions-IAM5 for one wildcard resource of a policy under ``scope``."""
    Validations.of(scope).acknowledge(
        Acknowledgment(
            id=f"AwsSolutions::AwsSolutions-IAM5[Resource::{nag_resource_text(scope, resource)}]",
            reason=reason,
        )
    )


def acknowledge_managed_policy(scope: IConstruct, policy_name: str, *, reason: str) -> None:
    """Acknowledge AwsSolutions-IAM4 for one AWS managed policy attached under ``scope``.

    ``policy_name`` is the managed policy's name or path after ``policy/``
    (``AmazonSSMManagedInstanceCore``, ``service-role/AmazonEKSClusterPolicy``).
    """
    Validations.of(scope).acknowledge(
        Acknowledgment(
            id=(
                "AwsSolutions::AwsSolutions-IAM4"
                f"[Policy::arn:<AWS::Partition>:iam::aws:policy/{policy_name}]"
            ),
            reason=reason,
        )
    )
