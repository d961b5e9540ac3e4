"""AWS Regions: which names are Regions, and in which partition.

Pure module: no aws_cdk import, no botocore import at run time. The names are
botocore's partitions data (``botocore/data/partitions.json``, botocore 1.44.8),
without the ``aws-global``-style pseudo Regions; ``tests/unit/test_regions.py``
compares them with the botocore installed (its ``partitions.json`` and
``endpoints.json``), so a new Region fails that test until it is added here.
The Regions an account must opt in to are Regions like any other: a blueprint
may name them (the account owner enables them first).
"""

from __future__ import annotations

from typing import Final

from observability_blueprint.rules.limits import closest

REGIONS: Final[dict[str, tuple[str, ...]]] = {
    "aws": (
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2",
        "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2",
        "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6",
        "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2",
        "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
        "il-central-1", "me-central-1", "me-south-1", "me-west-1", "mx-central-1",
        "sa-east-1", "sa-west-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    ),
    "aws-cn": ("cn-north-1", "cn-northwest-1"),
    "aws-eusc": ("eusc-de-east-1",),
    "aws-iso": ("us-iso-east-1", "us-iso-west-1"),
    "aws-iso-b": ("us-isob-east-1", "us-isob-west-1"),
    "aws-iso-e": ("eu-isoe-west-1",),
    "aws-iso-f": ("us-isof-east-1", "us-isof-south-1"),
    "aws-us-gov": ("us-gov-east-1", "us-gov-west-1"),
}  # fmt: skip
"""Region names by partition, as botocore's partitions data lists them."""

OPT_IN_REGIONS: Final[frozenset[str]] = frozenset(
    {
        "af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3",
        "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-west-1",
        "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1", "me-central-1",
        "me-south-1", "mx-central-1",
    }
)  # fmt: skip
"""Regions an account enables before use ("Regions that are disabled by default",
https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html).
They are in :data:`REGIONS`; the blueprint accepts them like the others."""

ALL_REGIONS: Final[frozenset[str]] = frozenset(r for names in REGIONS.values() for r in names)
"""Every Region of every partition."""


def partition_of(region: str) -> str | None:
    """Return the partition (``aws``, ``aws-cn``, ...) of a Region, or None if unknown."""
    return next((p for p, names in REGIONS.items() if region in names), None)


def check_region(region: str) -> str | None:
    """Return why ``region`` is not an AWS Region, or None when it is one."""
    if region in ALL_REGIONS:
        return None
    shown = region if len(region) <= 40 else f"{region[:40]}..."
    hint = closest(region, sorted(ALL_REGIONS)) if len(region) <= 40 else None
    suggestion = f" (did you mean {hint}?)" if hint else ""
    return (
        f"{shown!r} is not an AWS Region{suggestion}; use a Region name such as eu-west-1 or "
        f"us-east-1 (the {len(ALL_REGIONS)} Regions of botocore's partitions, opt-in Regions "
        "included)"
    )
