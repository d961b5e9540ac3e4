"""Physical names the blueprint chooses, and the rule their prefix must meet.

Pure module: no aws_cdk import.

Every physical name the blueprint chooses starts with ``<name>-<stage>``. That
prefix must be valid in the strictest of the services it names: dashboards and SNS
topics allow only ``[A-Za-z0-9_-]``, S3 bucket names only lowercase letters, digits
and hyphens, and EventBridge rule names at most 64 characters (so the prefix keeps
at most 30 for itself and leaves the rest to the suffix). IAM roles get no
physical names (CloudFormation generates them, so stacks can be replaced safely);
names a service fixes, such as ``/aws/lambda/<function>``, are used as they are.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final

from observability_blueprint.rules.errors import cut

PART_RE: Final = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
PREFIX_MAX: Final = 30
LOGICAL_NAME_RE: Final = re.compile(r"[a-z0-9][a-z0-9_-]*")
LOGICAL_NAME_MAX: Final = 64

PART_RULE: Final = (
    "use lowercase letters, digits and single hyphens, starting with a letter "
    "(the strictest rule among the names it prefixes: S3 buckets, SNS topics, "
    "dashboards, EventBridge rules)"
)
LOGICAL_RULE: Final = (
    "use 1 to 64 lowercase letters, digits, '-' and '_', starting with a letter or digit"
)


def check_part(value: str) -> str | None:
    """Return why ``value`` cannot be a blueprint name or stage, or None when it can."""
    if not PART_RE.fullmatch(value):
        return f"{cut(value)!r} is not allowed; {PART_RULE}"
    return None


def check_prefix(name: str, stage: str) -> str | None:
    """Return why ``<name>-<stage>`` is too long, or None when it fits.

    The message quotes the whole prefix: only the blueprint file gives a name and
    stage, and config/ cuts long values with their length (``cut_long_values``).
    """
    prefix = f"{name}-{stage}"
    if len(prefix) > PREFIX_MAX:
        return (
            f"the prefix {prefix!r} is {len(prefix)} characters; name and stage together "
            f"(with the hyphen) may be at most {PREFIX_MAX}, so that suffixed names fit "
            "EventBridge's 64-character limit"
        )
    return None


def check_logical(value: str) -> str | None:
    """Return why ``value`` cannot name an item in the blueprint file, or None."""
    if len(value) > LOGICAL_NAME_MAX or not LOGICAL_NAME_RE.fullmatch(value):
        return f"{cut(value)!r} is not allowed; {LOGICAL_RULE}"
    return None


SSM_DOCUMENT_NAME_RE: Final = re.compile(r"[A-Za-z0-9_.\-]{3,128}")
"""SSM ``DocumentName`` (botocore's pattern). Runbooks and commands are named, not given
by ARN: the blueprint builds the ``automation-definition/<name>`` and ``document/<name>``
ARNs EventBridge and IAM take from the name."""


def check_ssm_document_name(name: str) -> str | None:
    """Return why ``name`` cannot name an SSM document (runbook or command), or None."""
    if not SSM_DOCUMENT_NAME_RE.fullmatch(name):
        return (
            f"{cut(name)!r} is not an SSM document name; use 3 to 128 letters, digits, '_', '-' "
            "and '.' (the name, such as AWS-RestartEC2Instance, not an ARN)"
        )
    return None


def prefix(name: str, stage: str) -> str:
    """Return the prefix of every physical name: ``<name>-<stage>``."""
    return f"{name}-{stage}"


def default_log_group_name(name: str, stage: str, log_group: str) -> str:
    """Return the log group name the blueprint chooses: ``/<name>/<stage>/<log_group>``."""
    return f"/{name}/{stage}/{log_group}"


# "General purpose bucket naming rules":
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
_BUCKET_RE: Final = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_BUCKET_PREFIXES: Final = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_SUFFIXES: Final = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def check_bucket_name(name: str) -> str | None:
    """Why ``name`` cannot name a general purpose S3 bucket, or None."""
    rule = (
        "use 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a "
        "letter or digit (the bucket's name, not its ARN)"
    )
    if not _BUCKET_RE.fullmatch(name):
        return f"{cut(name)!r} is not an S3 bucket name; {rule}"
    if ".." in name:
        return f"{cut(name)!r} is not an S3 bucket name: it has two adjacent dots"
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        pass
    else:
        return f"{name!r} is not an S3 bucket name: it is written like an IP address"
    reserved = next((p for p in _BUCKET_PREFIXES if name.startswith(p)), None)
    if reserved is not None:
        return f"{name!r} is not an S3 bucket name: S3 reserves the prefix {reserved}"
    reserved = next((s for s in _BUCKET_SUFFIXES if name.endswith(s)), None)
    if reserved is not None:
        return f"{name!r} is not an S3 bucket name: S3 reserves the suffix {reserved}"
    return None
