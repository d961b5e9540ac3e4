"""AWS Compute Optimizer: what it reads from the CloudWatch agent, and its EBS automation rules.

Pure module: no aws_cdk import.

*Memory.* Compute Optimizer recommends instance sizes from utilisation, and
reads memory only when the agent publishes it the way it expects: on Linux
``mem_used_percent``, on Windows ``Available MBytes`` (preferred) or
``% Committed Bytes In Use`` of the ``Memory`` object, in the ``CWAgent``
namespace, with the ``InstanceId`` dimension; names are case-sensitive
(https://docs.aws.amazon.com/compute-optimizer/latest/ug/ec2-metrics-analyzed.html).
The CloudWatch agent publishes a Windows counter as ``<object> <counter>``
(``Memory Available MBytes``), the name the guide gives for
``Memory % Committed Bytes In Use``.

*Enrollment* is an API call, not a CloudFormation resource
(https://docs.aws.amazon.com/compute-optimizer/latest/ug/account-opt-in.html):
:data:`ENROLLMENT_COMMAND`.

*Automation rules* (``AWS::ComputeOptimizer::AutomationRule``) apply EBS
recommended actions on a schedule; one of the two actions deletes unattached
volumes after a snapshot. The checks follow the Compute Optimizer Automation
API (botocore ``compute-optimizer-automation`` 2025-09-22, CreateAutomationRule)
and the CloudFormation schema of the resource.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Final, Literal

from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.time_zones import check_timezone

# ------------------------------------------------------------------ memory

MEMORY_NAMESPACE: Final = "CWAgent"
"""The only agent namespace Compute Optimizer reads memory from."""
INSTANCE_DIMENSION: Final = "InstanceId"
"""The dimension Compute Optimizer finds an instance's memory by."""
LINUX_MEMORY_METRIC: Final = "mem_used_percent"
"""What Compute Optimizer reads on Linux."""
WINDOWS_MEMORY_COUNTERS: Final[tuple[str, ...]] = ("Available MBytes", "% Committed Bytes In Use")
"""``Memory`` counters Compute Optimizer reads on Windows, preferred first."""

# ---------------------------------------------------------------- metadata

FLEET_METADATA: Final = "observability-blueprint:compute-optimizer"
"""Template metadata on the agent parameter of a fleet that publishes memory for Compute
Optimizer (value: the OS); the synth report reminds to enrol the account."""
DELETES_VOLUMES_METADATA: Final = "observability-blueprint:deletes-volumes"
"""Template metadata on an automation rule that deletes volumes; the synth report names it."""

# -------------------------------------------------------------- enrollment

ENROLLMENT_COMMAND: Final = "aws compute-optimizer update-enrollment-status --status Active"
"""Opts the account in (the console's "Opt in" does the same)."""
ORGANIZATION_FLAG: Final = "--include-member-accounts"
"""Added from an organization's management account: opts every member account in."""
AUTOMATION_ENROLLMENT_COMMAND: Final = (
    "aws compute-optimizer-automation update-enrollment-configuration --status Active"
)
"""Turns on Compute Optimizer Automation, which automation rules need (its own enrollment)."""

# ------------------------------------------------------- automation rules

EbsAction = Literal["upgrade_volume_type", "snapshot_and_delete_unattached_volumes"]
"""The EBS actions an automation rule can apply, by the blueprint's names."""
EBS_ACTIONS: Final[Mapping[str, str]] = {
    "upgrade_volume_type": "UpgradeEbsVolumeType",
    "snapshot_and_delete_unattached_volumes": "SnapshotAndDeleteUnattachedEbsVolume",
}
"""Blueprint name -> the API's RecommendedActionType."""
DESTRUCTIVE_ACTION: Final = "snapshot_and_delete_unattached_volumes"
"""Deletes EBS volumes unattached for 32 days or more, after a snapshot
(https://docs.aws.amazon.com/compute-optimizer/latest/ug/automation-rec.html)."""
DEFAULT_ACTIONS: Final[tuple[EbsAction, ...]] = ("upgrade_volume_type",)
"""Only the action that keeps data: volumes of a previous generation become gp3 / io2."""
RuleStatus = Literal["Active", "Inactive"]
RULE_STATUSES: Final[tuple[str, ...]] = ("Active", "Inactive")
RULE_NAME_MAX: Final = 128
RULE_DESCRIPTION_MAX: Final = 1_024
WINDOW_MIN: Final = 60
WINDOW_MAX: Final = 1_440
DEFAULT_WINDOW_MINUTES: Final = WINDOW_MIN
"""Minutes in which a run may start actions (the shortest the API allows)."""
CRITERIA_VALUE_MAX: Final = 512
CRITERIA_VALUES_MAX: Final = 20
"""Values per condition, and conditions per attribute (automation-rules.html)."""
_NAME_RE: Final = re.compile(r"[a-zA-Z0-9_-]+")
_DESCRIPTION_RE: Final = re.compile(r"[a-zA-Z0-9_\-\s@.]*")
_CRITERIA_VALUE_RE: Final = re.compile(r"[\w\s.\-:/=+@*?]+")
_REGION_RE: Final = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+")
_LATER_FIELD_RE: Final = re.compile(r"[0-9A-Za-z*?,/#LW-]+")
_CRON_FIELDS: Final = "minutes hours day_of_month month day_of_week year"


def action_types(actions: Sequence[str]) -> list[str]:
    """Return the API's RecommendedActionTypes of ``actions`` (checked first)."""
    return [EBS_ACTIONS[a] for a in actions]


def check_rule_name(name: str) -> str | None:
    """Return why ``name`` cannot name an automation rule."""
    if _NAME_RE.fullmatch(name) and len(name) <= RULE_NAME_MAX:
        return None
    return (
        f"{cut(name)!r} is not an automation rule name: use 1 to {RULE_NAME_MAX} letters, "
        "digits, _ and -"
    )


def check_description(text: str) -> str | None:
    """Return why ``text`` cannot describe an automation rule."""
    if _DESCRIPTION_RE.fullmatch(text) and len(text) <= RULE_DESCRIPTION_MAX:
        return None
    return (
        f"{cut(text)!r} is not an automation rule description: up to {RULE_DESCRIPTION_MAX:,} "
        "letters, digits, spaces and _ - @ ."
    )


def check_schedule(expression: str) -> str | None:
    """Return why ``expression`` is not an automation rule schedule.

    The API reference (Schedule.scheduleExpression) documents a bare cron
    expression, "minutes hours day_of_month month day_of_week year", that runs
    at most once a day, with specific values for minutes and hours, and gives
    ``30 12 * * *`` (five fields) as its example: both lengths are accepted.
    The CloudFormation schema's "cron or rate expression" is not what the API
    reference says (the documentation wins): rate() is refused.
    https://docs.aws.amazon.com/compute-optimizer/latest/APIReference/API_automation_Schedule.html
    """
    example = "such as '30 12 * * *' (daily at 12:30) or '0 3 ? * SUN *' (Sundays at 03:00)"
    text = expression.strip()
    if re.fullmatch(r"(?:cron|rate)\(.*\)", text, flags=re.DOTALL):
        return (
            f"{cut(expression)!r}: automation rules take a bare cron expression ({_CRON_FIELDS}) "
            f"that runs at most once a day, {example}"
        )
    fields = text.split()
    if len(fields) not in (5, 6):
        return (
            f"{cut(expression)!r} is not a cron expression of 5 or 6 fields ({_CRON_FIELDS}); "
            f"give one {example}"
        )
    minutes, hours, *later = fields
    if not (minutes.isdigit() and int(minutes) <= 59 and hours.isdigit() and int(hours) <= 23):
        return (
            f"{cut(expression)!r}: minutes and hours must be single numbers (0-59, 0-23), "
            f"since a rule runs at most once a day; give one {example}"
        )
    bad = [f for f in later if not _LATER_FIELD_RE.fullmatch(f)]
    if bad:
        return f"{cut(expression)!r}: {bad[0]!r} is not a cron field; give one {example}"
    return None


def check_window(minutes: int) -> str | None:
    """Return why ``minutes`` is not an execution window (60 to 1,440 minutes)."""
    if WINDOW_MIN <= minutes <= WINDOW_MAX:
        return None
    return (
        f"{minutes} is not an execution window; use {WINDOW_MIN} to {WINDOW_MAX:,} minutes "
        "(one hour to one day)"
    )


def check_status(status: str) -> str | None:
    """Return why ``status`` is not a rule status."""
    if status in RULE_STATUSES:
        return None
    return f"{cut(status)!r} is not a rule status; use {' or '.join(RULE_STATUSES)}"


def _check_criteria_value(value: str, what: str) -> str | None:
    if len(value) <= CRITERIA_VALUE_MAX and _CRITERIA_VALUE_RE.fullmatch(value):
        return None
    return (
        f"{cut(value)!r} is not {what}: 1 to {CRITERIA_VALUE_MAX} letters, digits, spaces and "
        "_ . - : / = + @ * ?"
    )


def rule_problems(
    *,
    name: str,
    actions: Sequence[str],
    schedule: str,
    timezone: str | None,
    window_minutes: int,
    status: str,
    regions: Sequence[str],
    tags: Mapping[str, Sequence[str]],
    description: str | None,
) -> Iterator[Problem]:
    """Yield what CreateAutomationRule would refuse (locations are argument names)."""
    if message := check_rule_name(name):
        yield Problem("name", message)
    if not actions:
        yield Problem("actions", f"give at least one action: {', '.join(EBS_ACTIONS)}")
    for index, action in enumerate(actions):
        if action not in EBS_ACTIONS:
            yield Problem(
                f"actions[{index}]",
                f"{cut(action)!r} is not an EBS action; use {', '.join(EBS_ACTIONS)}",
            )
        elif action in actions[:index]:
            yield Problem(f"actions[{index}]", f"{action!r} is listed twice")
    if message := check_schedule(schedule):
        yield Problem("schedule", message)
    if timezone is not None and (message := check_timezone(timezone)):
        yield Problem("timezone", message)
    if message := check_window(window_minutes):
        yield Problem("window_minutes", message)
    if message := check_status(status):
        yield Problem("status", message)
    if description is not None and (message := check_description(description)):
        yield Problem("description", message)
    if len(regions) > CRITERIA_VALUES_MAX:
        yield Problem("regions", f"{len(regions)} Regions; a rule takes at most 20")
    for index, region in enumerate(regions):
        if not _REGION_RE.fullmatch(region):
            yield Problem(
                f"regions[{index}]",
                f"{cut(region)!r} is not an AWS Region; use a name such as eu-west-1",
            )
        elif region in regions[:index]:
            yield Problem(
                f"regions[{index}]",
                f"{region!r} is listed already at regions[{list(regions).index(region)}]; "
                "list each Region once",
            )
    if len(tags) > CRITERIA_VALUES_MAX:
        yield Problem("tags", f"{len(tags)} tag keys; a rule takes at most 20")
    for key, values in tags.items():
        if message := _check_criteria_value(key, "a tag key"):
            yield Problem(f"tags.{cut(key, 40)}", message)
        if not values or len(values) > CRITERIA_VALUES_MAX:
            yield Problem(
                f"tags.{cut(key, 40)}",
                f"{len(values)} values; give 1 to {CRITERIA_VALUES_MAX} tag values",
            )
        for value in values:
            if message := _check_criteria_value(value, "a tag value"):
                yield Problem(f"tags.{cut(key, 40)}", message)


def describe_actions(actions: Sequence[str]) -> str:
    """Say in words what ``actions`` do, the destructive one named as such."""
    words = {
        "upgrade_volume_type": "upgrades previous-generation EBS volumes (gp3, io2)",
        DESTRUCTIVE_ACTION: "DELETES unattached EBS volumes after taking a snapshot",
    }
    return "; ".join(words[a] for a in actions if a in words)
