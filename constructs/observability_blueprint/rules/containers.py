"""Container Insights on EKS and ECS: names, versions and defaults the service fixes."""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

from observability_blueprint.rules import arns
from observability_blueprint.rules.errors import cut

DEFAULT_PERFORMANCE_RETENTION_DAYS: Final = 30
"""Container Insights performance events are kept a month: they are the raw data of
the Container Insights metrics, which CloudWatch keeps for 15 months on its own."""

CONTAINER_INSIGHTS_NAMESPACE: Final = "amazon-cloudwatch"
"""Where the amazon-cloudwatch-observability add-on runs its agent and Fluent Bit."""
CONTAINER_INSIGHTS_SERVICE_ACCOUNT: Final = "cloudwatch-agent"
"""The add-on's service account (the agent's and Fluent Bit's)."""
EKS_LOG_TYPES: Final[tuple[str, ...]] = ("application", "host", "dataplane", "performance")
EcsMode = Literal["enhanced", "enabled"]
"""Container Insights on ECS: with enhanced observability, or the original."""
ECS_MODES: Final[tuple[EcsMode, ...]] = get_args(EcsMode)
POD_IDENTITY_MIN_ADDON_VERSION: Final = (3, 1, 0)
"""The add-on takes EKS Pod Identity from v3.1.0 on (CloudWatch user guide)."""

# EKS CreateCluster: "The name can contain only alphanumeric characters (case-sensitive),
# hyphens, and underscores. It must start with an alphanumeric character and can't be
# longer than 100 characters."
_EKS_CLUSTER_RE: Final = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,99}")
# ECS CreateCluster: "Up to 255 letters (uppercase and lowercase), numbers, underscores,
# and hyphens are allowed."
_ECS_CLUSTER_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,255}")
_ADDON_VERSION_RE: Final = re.compile(r"v(\d+)\.(\d+)\.(\d+)-eksbuild\.\d+")


def check_eks_cluster_name(name: str) -> str | None:
    """Return why ``name`` cannot be an EKS cluster name, or None."""
    if not _EKS_CLUSTER_RE.fullmatch(name):
        return (
            f"{cut(name)!r} is not an EKS cluster name; use 1 to 100 letters, digits, '-' and '_', "
            "starting with a letter or digit"
        )
    return None


def check_ecs_cluster_name(name: str) -> str | None:
    """Return why ``name`` cannot be an ECS cluster name, or None."""
    if not _ECS_CLUSTER_RE.fullmatch(name):
        return (
            f"{cut(name)!r} is not an ECS cluster name; use 1 to 255 letters, digits, '-' and '_' "
            "(the name, not the ARN)"
        )
    return None


def check_addon_version(version: str) -> str | None:
    """Return why ``version`` is not an EKS add-on version, or None."""
    if not _ADDON_VERSION_RE.fullmatch(version):
        return f"{cut(version)!r} is not an add-on version; use the form v4.1.0-eksbuild.1"
    return None


def pod_identity_version_problem(version: str | None) -> str | None:
    """Return why add-on ``version`` cannot use EKS Pod Identity, or None (None: latest)."""
    match = _ADDON_VERSION_RE.fullmatch(version or "")
    if match is None:
        return None
    found = tuple(int(part) for part in match.groups())
    if found < POD_IDENTITY_MIN_ADDON_VERSION:
        minimum = ".".join(map(str, POD_IDENTITY_MIN_ADDON_VERSION))
        return (
            f"add-on {version} takes no EKS Pod Identity (v{minimum} or later does); use a "
            "later version, or IRSA by giving oidc_provider_arn"
        )
    return None


def check_oidc_provider_arn(arn: str) -> str | None:
    """Return why ``arn`` is not the ARN of an EKS cluster's IAM OIDC provider, or None.

    Its issuer (the resource id) goes into the trust policy's condition keys, so it
    must be known at synthesis: a reference (token) for it is refused.
    """
    if arns.arn_problem(arn, [arns.OIDC_PROVIDER]) is not None:
        other = arns.other_kind(arn, [arns.OIDC_PROVIDER])
        return (
            f"{arns.shown(arn)} is not an EKS OIDC provider ARN; use the form "
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID"
            + (f"; this is {other} ARN" if other else "")
        )
    if arns.is_unresolved(arn) and not (
        arn.startswith("arn:") and (parsed := arns.parse_arn(arn)).known(parsed.resource_id)
    ):
        return (
            f"{arns.shown(arn)} is a reference; give the OIDC provider ARN as text: its issuer "
            "(oidc.eks.REGION.amazonaws.com/id/ID) goes into the role's trust policy"
        )
    return None


def oidc_issuer(arn: str) -> str:
    """Return the issuer of an OIDC provider ARN (``oidc.eks.REGION.amazonaws.com/id/ID``)."""
    if message := check_oidc_provider_arn(arn):
        raise ValueError(message)
    return arns.parse_arn(arn).resource_id


def eks_log_group_names(cluster: str) -> dict[str, str]:
    """Return the Container Insights log groups of an EKS cluster, by log type.

    The names are fixed by the service: ``/aws/containerinsights/<cluster>/<type>``.
    """
    return {kind: f"/aws/containerinsights/{cluster}/{kind}" for kind in EKS_LOG_TYPES}


def ecs_log_group_name(cluster: str) -> str:
    """Return the Container Insights log group of an ECS cluster (fixed by the service)."""
    return f"/aws/ecs/containerinsights/{cluster}/performance"
