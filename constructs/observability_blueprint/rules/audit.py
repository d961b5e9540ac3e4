"""The rules an audit trail's settings must meet, and the policies it needs.

Pure module: no aws_cdk import. The config model (``config_audit``) and the
constructs (``audit_trail``, ``cis_alarm_pack``, ``trail_insights``) call the
same checks, so a rule reads the same from YAML and from Python. Sources: the
CloudTrail user guide ("Amazon S3 bucket policy for CloudTrail", "Configure AWS
KMS key policies for CloudTrail", "Sending events to CloudWatch Logs"), the
S3 bucket naming rules and lifecycle configuration rules. The Contributor
Insights rule model is :mod:`observability_blueprint.rules.contributor_insights`;
the trail's own rules (top callers, top errors) are defined here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from observability_blueprint.rules import arns

# The general rule model lives in rules.contributor_insights; these names stay
# importable from here for the trail's config and constructs.
from observability_blueprint.rules.contributor_insights import (
    InsightRuleSpec as InsightRuleSpec,
)
from observability_blueprint.rules.contributor_insights import (
    check_insight_rule_name as check_insight_rule_name,
)
from observability_blueprint.rules.contributor_insights import (
    insight_rule_body as insight_rule_body,
)
from observability_blueprint.rules.contributor_insights import (
    insight_rule_problems as insight_rule_problems,
)
from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.names import check_bucket_name

ManagementEvents = Literal["all", "read_only", "write_only", "none"]
MANAGEMENT_EVENTS: Final[tuple[str, ...]] = ("all", "read_only", "write_only", "none")

TRAIL_NAME_RE: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{1,126})[A-Za-z0-9]")
ORGANIZATION_ID_RE: Final = re.compile(r"o-[a-z0-9]{10,32}")
# A CloudTrail data resource for S3 objects: a bucket ARN, "/" and an optional key
# prefix (DataResource Values, "arn:aws:s3:::bucket_name/" selects every object),
# https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DataResource.html
S3_OBJECTS: Final = arns.ArnKind(
    "an S3 data event resource",
    "s3",
    "",
    "arn:aws:s3:::BUCKET/ or arn:aws:s3:::BUCKET/PREFIX",
    re.compile(r"(?![^/]*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.*", re.DOTALL),
    regional=False,
    in_account=False,
)
DATA_RESOURCES_PER_SELECTOR_MAX: Final = 250

CLOUDTRAIL_PRINCIPAL: Final = "cloudtrail.amazonaws.com"
SIGNIN_EVENTS_REGION: Final = "us-east-1"
"""IAM, STS and console sign-in events reach EventBridge only in this Region."""


# ------------------------------------------------------------------ trail


@dataclass(frozen=True, kw_only=True)
class TrailSettings:
    """What a trail records: enough to tell whether the CIS alarms get their data.

    Parameters
    ----------
    multi_region
        The trail records events of every Region.
    management_events
        ``all``, ``read_only``, ``write_only`` or ``none``.
    organization
        The trail is an organization trail.
    """

    multi_region: bool = True
    management_events: ManagementEvents = "all"
    organization: bool = False


def cis_trail_problems(settings: TrailSettings) -> list[Problem]:
    """Return why Security Hub would fail the CloudWatch controls on this trail.

    Security Hub's CloudWatch.1-14 need a multi-Region trail that records read and
    write management events and delivers to the log group carrying the filters;
    otherwise the controls are FAILED, or the alarms see no data. Locations are
    the settings' names (``multi_region``, ``management_events``).
    """
    problems: list[Problem] = []
    if not settings.multi_region:
        problems.append(
            Problem(
                "multi_region",
                "false: the CIS alarms need a multi-Region trail (Security Hub reports "
                "CloudWatch.1-14 as FAILED otherwise, and console sign-ins and IAM changes, "
                "recorded in us-east-1, would be missed); set multi_region: true or disable "
                "the CIS pack",
            )
        )
    if settings.management_events != "all":
        problems.append(
            Problem(
                "management_events",
                f"{cut(settings.management_events)!r}: the CIS alarms need read and write "
                "management events (Security Hub reports CloudWatch.1-14 as FAILED otherwise, "
                "and the filters count nothing they do not see); set management_events: all "
                "or disable the CIS pack",
            )
        )
    return problems


@dataclass(frozen=True, kw_only=True)
class DataEventSelection:
    """Data events a trail records besides management events.

    Parameters
    ----------
    s3
        ``"all"`` or S3 object resources: a bucket ARN, ``/`` and an optional key
        prefix (``arn:aws:s3:::my-bucket/uploads/``).
    lambda_functions
        ``"all"`` or Lambda function ARNs.
    read_write
        ``all``, ``read_only`` or ``write_only``.
    """

    s3: tuple[str, ...] = ()
    lambda_functions: tuple[str, ...] = ()
    read_write: Literal["all", "read_only", "write_only"] = "all"

    def is_empty(self) -> bool:
        """True when no data event is selected."""
        return not (self.s3 or self.lambda_functions)


def check_trail_name(name: str) -> str | None:
    """Return why ``name`` cannot name a trail, or None."""
    if not TRAIL_NAME_RE.fullmatch(name) or re.search(r"[._-]{2}", name):
        return (
            f"{cut(name)!r} is not a trail name; use 3 to 128 letters, digits, '.', '_' and '-', "
            "starting and ending with a letter or digit, without two separators in a row"
        )
    return None


def check_organization_id(value: str) -> str | None:
    """Return why ``value`` is not an AWS Organizations id (``o-`` and 10-32 characters)."""
    if not ORGANIZATION_ID_RE.fullmatch(value):
        return f"{cut(value)!r} is not an organization id; it looks like o-a1b2c3d4e5"
    return None


def management_event_problems(management_events: str, *, data_events: bool) -> list[Problem]:
    """Return what is wrong with the management event setting of a trail."""
    if management_events not in MANAGEMENT_EVENTS:
        return [
            Problem(
                "management_events",
                f"{cut(management_events)!r} is not a management event setting; use one of "
                + ", ".join(MANAGEMENT_EVENTS),
            )
        ]
    if management_events == "none" and not data_events:
        return [
            Problem(
                "management_events",
                "'none' without data events: the trail would record nothing; record "
                "management events or add data events",
            )
        ]
    return []


def _given(value: str, kind: arns.ArnKind) -> str:
    """``; this is an SQS queue ARN`` when ``value`` is an ARN of another kind, else ``""``."""
    other = arns.other_kind(value, [kind])
    return f"; this is {other} ARN" if other else ""


def check_s3_data_resource(value: str) -> str | None:
    """Return why ``value`` cannot select S3 data events (bucket ARN with ``/`` and prefix)."""
    if value == "all" or arns.arn_problem(value, [S3_OBJECTS]) is None:
        return None
    return (
        f"{arns.shown(value)} is not an S3 data event resource; use 'all' or a bucket ARN "
        "followed by '/' and an optional key prefix (arn:aws:s3:::my-bucket/ or "
        "arn:aws:s3:::my-bucket/logs/)" + _given(value, S3_OBJECTS)
    )


def check_lambda_data_resource(value: str) -> str | None:
    """Return why ``value`` cannot select Lambda data events."""
    if value == "all" or arns.arn_problem(value, [arns.LAMBDA_FUNCTION]) is None:
        return None
    return (
        f"{arns.shown(value)} is not a Lambda data event resource; use 'all' or a function ARN "
        "(arn:aws:lambda:REGION:ACCOUNT:function:NAME)" + _given(value, arns.LAMBDA_FUNCTION)
    )


def data_resource_problems(values: Sequence[str], *, kind: str) -> list[Problem]:
    """Return what is wrong with one list of data event resources (``s3`` or ``lambda``).

    Locations are ``[i]`` (relative to the list) or empty for the list itself.
    """
    check = check_s3_data_resource if kind == "s3" else check_lambda_data_resource
    problems = [
        Problem(f"[{index}]", message)
        for index, value in enumerate(values)
        if (message := check(value))
    ]
    if "all" in values and len(values) > 1:
        problems.append(Problem("", "'all' already selects every resource; list nothing else"))
    if len(values) > DATA_RESOURCES_PER_SELECTOR_MAX:
        problems.append(
            Problem(
                "",
                f"{len(values)} resources; an event selector takes at most "
                f"{DATA_RESOURCES_PER_SELECTOR_MAX}",
            )
        )
    return problems


# ------------------------------------------------------------ bucket and key


def _is_bucket_name(name: str) -> bool:
    return check_bucket_name(name) is None


def bucket_name_of(reference: str) -> str | None:
    """Return the bucket name an S3 bucket name or bucket ARN refers to, or None."""
    if _is_bucket_name(reference):
        return reference
    if arns.is_unresolved(reference) or arns.arn_problem(reference, [arns.S3_BUCKET]):
        return None
    return arns.parse_arn(reference).resource_id


def check_bucket_reference(reference: str) -> str | None:
    """Return why ``reference`` names no S3 bucket (a bucket name or ``arn:aws:s3:::NAME``)."""
    if _is_bucket_name(reference):
        return None
    # A bucket name holds no colon: with one, the reference is meant as an ARN.
    if ":" in reference:
        if arns.arn_problem(reference, [arns.S3_BUCKET]) is None:
            return None
        return (
            f"{arns.shown(reference)} is not an S3 bucket ARN; use arn:aws:s3:::BUCKET (no "
            "Region, no account, no key) or the bucket name alone"
            + _given(reference, arns.S3_BUCKET)
        )
    return (
        f"{arns.shown(reference)} is not an S3 bucket name; use 3 to 63 lowercase letters, digits, "
        "'.' and '-', starting and ending with a letter or digit, or the bucket ARN "
        "(arn:aws:s3:::BUCKET)"
    )


def check_kms_key_arn(arn: str) -> str | None:
    """Return why ``arn`` is not a KMS key ARN."""
    if arns.arn_problem(arn, [arns.KMS_KEY]) is None:
        return None
    return (
        f"{arns.shown(arn)} is not a KMS key ARN; use arn:aws:kms:REGION:ACCOUNT:key/KEY-ID (a "
        "multi-Region key's id starts with mrk-)" + _given(arn, arns.KMS_KEY)
    )


def lifecycle_problems(
    *, glacier_after_days: int | None, expire_after_days: int | None
) -> list[Problem]:
    """Return what is wrong with the trail bucket's lifecycle, located by setting name.

    S3 refuses an expiration that is not later than a transition, and a
    transition that comes after the expiration would never happen.
    """
    problems: list[Problem] = []
    for where, days in (
        ("glacier_after_days", glacier_after_days),
        ("expire_after_days", expire_after_days),
    ):
        if days is not None and days < 1:
            problems.append(Problem(where, f"{days} must be at least 1 day (or null for never)"))
    if (
        glacier_after_days is not None
        and expire_after_days is not None
        and glacier_after_days >= 1
        and expire_after_days >= 1
        and glacier_after_days >= expire_after_days
    ):
        problems.append(
            Problem(
                "glacier_after_days",
                f"{glacier_after_days} is not before expire_after_days ({expire_after_days}): "
                "objects would expire before they reach Glacier; move them to Glacier earlier, "
                "expire them later, or set glacier_after_days: null",
            )
        )
    return problems


def trail_arn(*, partition: str, region: str, account: str, trail_name: str) -> str:
    """Return the ARN of a trail: ``arn:PARTITION:cloudtrail:REGION:ACCOUNT:trail/NAME``."""
    return f"arn:{partition}:cloudtrail:{region}:{account}:trail/{trail_name}"


def bucket_policy_statements(
    *,
    bucket_name: str,
    partition: str,
    account: str,
    trail_arn: str,
    organization_id: str | None = None,
    key_prefix: str | None = None,
) -> list[dict[str, Any]]:
    """Return the bucket policy statements CloudTrail needs to deliver to ``bucket_name``.

    As the CloudTrail user guide writes them, with ``aws:SourceArn`` naming the one
    trail (confused-deputy protection). An organization trail also writes under
    ``AWSLogs/<organization id>/``.
    """
    bucket_arn = f"arn:{partition}:s3:::{bucket_name}"
    prefix = f"{key_prefix}/" if key_prefix else ""
    principal = {"Service": CLOUDTRAIL_PRINCIPAL}
    write_condition = {
        "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}
    }
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AWSCloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        },
        {
            "Sid": "AWSCloudTrailWrite",
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:PutObject",
            "Resource": f"{bucket_arn}/{prefix}AWSLogs/{account}/*",
            "Condition": write_condition,
        },
    ]
    if organization_id:
        statements.append(
            {
                "Sid": "AWSCloudTrailOrganizationWrite",
                "Effect": "Allow",
                "Principal": principal,
                "Action": "s3:PutObject",
                "Resource": f"{bucket_arn}/{prefix}AWSLogs/{organization_id}/*",
                "Condition": write_condition,
            }
        )
    return statements


def key_policy_statements(*, partition: str, account: str, trail_arn: str) -> list[dict[str, Any]]:
    """Return the key policy statements that let CloudTrail encrypt and the account decrypt.

    CloudTrail may generate data keys and describe the key for this one trail
    (``aws:SourceArn``) and only under a CloudTrail encryption context of this
    account; principals of the account (through their IAM policies) may decrypt
    the log files, also only under that context.
    """
    trails_of_account = f"arn:{partition}:cloudtrail:*:{account}:trail/*"
    context = {"kms:EncryptionContext:aws:cloudtrail:arn": trails_of_account}
    principal = {"Service": CLOUDTRAIL_PRINCIPAL}
    return [
        {
            "Sid": "AllowCloudTrailToEncryptLogs",
            "Effect": "Allow",
            "Principal": principal,
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}, "StringLike": context},
        },
        {
            "Sid": "AllowCloudTrailToDescribeKey",
            "Effect": "Allow",
            "Principal": principal,
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        },
        {
            "Sid": "AllowAccountToDecryptLogFiles",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
            "Action": ["kms:Decrypt", "kms:ReEncryptFrom"],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:CallerAccount": account}, "StringLike": context},
        },
    ]


# ----------------------------------------------------- Contributor Insights


TOP_CALLERS: Final = InsightRuleSpec(name="top-callers", keys=("$.userIdentity.arn", "$.eventName"))
"""Who calls which API most: the identity ARN and event name of every CloudTrail record."""
TOP_ERRORS: Final = InsightRuleSpec(
    name="top-errors",
    keys=("$.errorCode", "$.userIdentity.arn"),
    filters=({"Match": "$.errorCode", "IsPresent": True},),
)
"""Which error codes whom most: records that carry an errorCode, by code and caller."""
