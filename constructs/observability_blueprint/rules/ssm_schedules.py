"""State Manager association settings: schedules in Systems Manager's dialect, names, targets.

Pure module: no aws_cdk import.

State Manager reads ``cron(...)`` and ``rate(...)`` like EventBridge at first
sight, but accepts far less (Systems Manager User Guide, "Reference: Cron and
rate expressions for Systems Manager", section "Cron and rate expressions for
associations"):

- rate: ``rate(N minute|minutes|hour|hours|day|days)``, the unit singular
  exactly when N is 1, from 30 minutes up to (not including) 31 days;
- cron: six fields ``minutes hours day-of-month month day-of-week year`` (an
  optional leading seconds field must be 0), and only these schedules: every
  30 minutes ``cron(0/30 * * * ? *)``; every 1, 2, 4, 8 or 12 hours
  ``cron(0 0/4 * * ? *)``; every day at a time ``cron(15 13 ? * * *)``; every
  week at a time ``cron(15 13 ? * MON *)``; a weekday of each month
  ``cron(0 0 ? * THU#2 *)``. Times are UTC.

A daily schedule is where the two dialects differ most visibly: EventBridge
writes ``cron(0 12 * * ? *)`` ('?' in day-of-week), State Manager's own form is
``cron(0 12 ? * * *)`` ('?' in day-of-month). Each check returns the message to
show, or None.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal, get_args

from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.names import check_bucket_name

RATE_MIN_MINUTES: Final = 30
"""The shortest rate an association accepts."""
RATE_LIMIT_DAYS: Final = 31
"""Rates must be shorter than this many days."""
HOUR_STEPS: Final[tuple[int, ...]] = (1, 2, 4, 8, 12)
"""The hour intervals an association cron may repeat at."""
WEEKDAYS: Final[tuple[str, ...]] = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")

_RATE_RE: Final = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_CRON_RE: Final = re.compile(r"cron\((.*)\)")
_UNIT_MINUTES: Final = {"minute": 1, "hour": 60, "day": 1440}

SUPPORTED_FORMS: Final = (
    "every 30 minutes cron(0/30 * * * ? *); every 1, 2, 4, 8 or 12 hours "
    "cron(0 0/4 * * ? *); every day at a time cron(15 13 ? * * *); every week at a time "
    "cron(15 13 ? * MON *); a weekday of each month cron(0 0 ? * THU#2 *) (times in UTC)"
)


def check_association_schedule(expression: str) -> str | None:
    """Return why ``expression`` is not a State Manager association schedule, or None."""
    text = expression.strip()
    if text != expression or not text:
        return (
            f"{cut(expression)!r} is not a schedule; write rate(...) or cron(...) without spaces "
            "around"
        )
    if text.startswith("rate("):
        return _check_rate(text)
    if text.startswith("cron("):
        return _check_cron(text)
    return (
        f"{cut(expression)!r} is not an association schedule; write rate(N unit) with N minutes, "
        f"hours or days from {RATE_MIN_MINUTES} minutes to under {RATE_LIMIT_DAYS} days, or a "
        f"cron in State Manager's dialect: {SUPPORTED_FORMS}"
    )


def rate_minutes(expression: str) -> int | None:
    """Return the interval of a well-formed ``rate(...)`` in minutes, or None."""
    match = _RATE_RE.fullmatch(expression)
    if not match:
        return None
    return int(match.group(1)) * _UNIT_MINUTES[match.group(2).rstrip("s")]


def _check_rate(expression: str) -> str | None:
    match = _RATE_RE.fullmatch(expression)
    if not match:
        return (
            f"{cut(expression)!r} is not a rate; write rate(N unit) with a whole number N and "
            "unit minute(s), hour(s) or day(s), such as rate(30 minutes) or rate(1 day)"
        )
    value, unit = int(match.group(1)), match.group(2)
    if value == 0:
        return f"{cut(expression)!r} has a zero interval; State Manager needs at least 30 minutes"
    singular = not unit.endswith("s")
    if singular != (value == 1):
        fixed = f"rate({value} {unit.rstrip('s') if value == 1 else unit + 's'})"
        return (
            f"{cut(expression)!r} is not accepted: the unit is singular exactly when the value is "
            f"1 (write {fixed})"
        )
    minutes = value * _UNIT_MINUTES[unit.rstrip("s")]
    if minutes < RATE_MIN_MINUTES:
        return (
            f"{cut(expression)!r} is too frequent: State Manager associations run at most every "
            f"{RATE_MIN_MINUTES} minutes (use rate(30 minutes) or longer)"
        )
    if minutes >= RATE_LIMIT_DAYS * 1440:
        return (
            f"{cut(expression)!r} is too long: an association's rate must be under "
            f"{RATE_LIMIT_DAYS} days (use rate(30 days) or less, or a weekly cron)"
        )
    return None


def _check_cron(expression: str) -> str | None:
    match = _CRON_RE.fullmatch(expression)
    fields = match.group(1).split() if match else []
    if len(fields) == 7:
        if fields[0] != "0":
            return (
                f"{cut(expression)!r} has seconds {cut(fields[0])!r}; an association's optional "
                "seconds field can only be 0"
            )
        fields = fields[1:]
    if len(fields) == 5:
        return (
            f"{cut(expression)!r} has 5 fields, like a Unix crontab; State Manager's cron has six: "
            "minutes hours day-of-month month day-of-week year, such as cron(15 13 ? * * *) for "
            "every day at 13:15 UTC"
        )
    if len(fields) != 6:
        return (
            f"{cut(expression)!r} is not a cron expression; State Manager's cron has six fields "
            f"(minutes hours day-of-month month day-of-week year): {SUPPORTED_FORMS}"
        )
    minutes, hours, day_of_month, month, day_of_week, year = fields
    if month != "*" or year != "*":
        return (
            f"{cut(expression)!r} names a month or year; association crons repeat every month and "
            f"year (write * for both): {SUPPORTED_FORMS}"
        )
    if _is_interval(minutes, hours, day_of_month, day_of_week):
        return None
    if _is_time_of_day(minutes, hours, day_of_month, day_of_week):
        return None
    if (
        _number(minutes, 59) is not None
        and _number(hours, 23) is not None
        and day_of_week == "?"
        and day_of_month in ("*", "?")
    ):
        fixed = f"cron({minutes} {hours} ? * * *)"
        return (
            f"{cut(expression)!r} is EventBridge's form of a daily schedule ('?' in day-of-week); "
            f"State Manager's dialect puts '?' in day-of-month and '*' or a weekday in "
            f"day-of-week: write {fixed} for every day at {int(hours):02d}:{int(minutes):02d} "
            f"UTC, or cron({minutes} {hours} ? * MON *) for Mondays"
        )
    if message := _day_of_week_problem(day_of_week):
        return f"{cut(expression)!r} {message}"
    if message := _hours_problem(hours):
        return f"{cut(expression)!r} {message}"
    return (
        f"{cut(expression)!r} is not a schedule State Manager accepts for associations; it accepts "
        f"only these cron forms: {SUPPORTED_FORMS}; or a rate from 30 minutes to under 31 days"
    )


# Associations take fewer schedules than EventBridge, and the same gaps read
# differently. "Associations only support the following cron expressions: every 1/2,
# 1, 2, 4, 8, or 12 hours; every day or every week at a specific time" (Systems Manager
# User Guide, "Reference: Cron and rate expressions for Systems Manager", section "Cron
# and rate expressions for associations",
# https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html#reference-cron-and-rate-expressions-association);
# the same page's association example runs on one nth weekday, cron(0 0 ? * THU#2 *).
# - Day-of-week: one weekday (or one nth weekday) at most. EventBridge already refuses
#   more than one expression beside a # ("3#1,6#3" is two; rules/event_schedules.py);
#   State Manager takes no list or range of weekdays at all.
# - Hours: one hour, or an interval of 1, 2, 4, 8 or 12 hours. No hour range is among
#   the association forms, so a range that wraps past midnight (20-2), which
#   EventBridge's own examples use (cron(0/30 20-2 ? * MON-FRI *)), is refused here as
#   any range is; the general examples of that page with a range (0/5 8-17 ...) are
#   maintenance-window schedules.


def _day_of_week_problem(day_of_week: str) -> str | None:
    """Say why ``day_of_week`` names more than one weekday (to follow the expression)."""
    parts = day_of_week.split(",")
    if "#" in day_of_week and len(parts) > 1:
        return (
            f"has {len(parts)} expressions in day-of-week ({cut(day_of_week)!r}); with # an "
            "association's cron takes a single one, such as THU#2 (the second Thursday of the "
            "month): create one association per weekday"
        )
    if len(parts) > 1 or "-" in day_of_week:
        return (
            f"names several weekdays in day-of-week ({cut(day_of_week)!r}); an association's "
            "cron runs every day (*) or on one weekday, such as cron(15 13 ? * MON *): create "
            "one association per weekday, or run every day"
        )
    return None


def _hours_problem(hours: str) -> str | None:
    """Say why ``hours`` is a range or a list of hours (to follow the expression)."""
    if "-" not in hours and "," not in hours:
        return None
    wraps = re.fullmatch(r"(\d+)-(\d+)", hours)
    past_midnight = (
        ", even one that wraps past midnight" if wraps and int(wraps[1]) > int(wraps[2]) else ""
    )
    return (
        f"runs in the hours {cut(hours)!r}; an association's cron takes no range or list of "
        f"hours{past_midnight}: it runs at one time of day, such as cron(15 13 ? * * *), or "
        "every 1, 2, 4, 8 or 12 hours, such as cron(0 0/4 * * ? *). Use a rate, or one "
        "association per time of day"
    )


def _number(field: str, maximum: int) -> int | None:
    if field.isdigit() and int(field) <= maximum:
        return int(field)
    return None


def _step(field: str) -> int | None:
    """Return N for ``0/N`` or ``*/N``; 1 for ``*``; None otherwise."""
    if field == "*":
        return 1
    match = re.fullmatch(r"(?:0|\*)/(\d+)", field)
    return int(match.group(1)) if match else None


def _is_interval(minutes: str, hours: str, day_of_month: str, day_of_week: str) -> bool:
    if day_of_month != "*" or day_of_week != "?":
        return False
    if hours == "*" and _step(minutes) == 30 and minutes != "*":
        return True  # every 30 minutes
    return _number(minutes, 59) is not None and _step(hours) in HOUR_STEPS


def _is_time_of_day(minutes: str, hours: str, day_of_month: str, day_of_week: str) -> bool:
    if _number(minutes, 59) is None or _number(hours, 23) is None or day_of_month != "?":
        return False
    if day_of_week == "*":
        return True  # every day
    day, _, nth = day_of_week.partition("#")
    known_day = day.upper() in WEEKDAYS or (day.isdigit() and 1 <= int(day) <= 7)
    if not known_day:
        return False
    return not nth or (nth.isdigit() and 1 <= int(nth) <= 5)


# ------------------------------------------------------- other association settings
# botocore `ssm` model: AssociationName, Targets (max 5), TargetKey (pattern
# ^[\p{L}\p{Z}\p{N}_.:/=\-@]*$, 1 to 163 characters), TargetValues (max 50),
# MaxConcurrency, MaxErrors, AssociationComplianceSeverity, InstanceId.

ASSOCIATION_NAME_RE: Final = re.compile(r"[a-zA-Z0-9_\-.]{3,128}")
TARGETS_MAX: Final = 5
"""The API's limit on Key/Values pairs; State Manager takes one kind of target (below)."""
TARGET_VALUES_MAX: Final = 50
ComplianceSeverity = Literal["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNSPECIFIED"]
"""How State Manager rates a node where the association failed."""
COMPLIANCE_SEVERITIES: Final[tuple[ComplianceSeverity, ...]] = get_args(ComplianceSeverity)
MAX_CONCURRENCY_RE: Final = re.compile(r"[1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%")
MAX_ERRORS_RE: Final = re.compile(r"[1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%")
INSTANCE_ID_RE: Final = re.compile(r"i-[0-9a-f]{8}(?:[0-9a-f]{9})?|mi-[0-9a-f]{17}")
"""EC2 and hybrid node ids as Systems Manager shows them. The API's own pattern
(``i-\\w{8}|i-\\w{17}|mi-\\w{17}``) also takes upper case, but no node has such an
id: the association would target nothing, silently."""
RESOURCE_GROUP_RE: Final = re.compile(r"[a-zA-Z0-9_.-]{1,300}")
TAG_KEY_MAX: Final = 128
"""Characters in an EC2 tag key."""
TAG_KEY_SYMBOLS: Final = "_.:/=-@"
"""Symbols a target's ``tag:`` key may hold besides letters, digits and spaces: the
TargetKey pattern has no ``+``, although EC2 tag keys may."""

TargetKind = Literal["tag", "instance ids", "resource group"]


@dataclass(frozen=True)
class AssociationTarget:
    """Which managed nodes an association applies to: one ``Key``/``Values`` pair.

    Build one with :meth:`tag`, :meth:`instance_ids` or :meth:`resource_group`.
    """

    key: str
    values: tuple[str, ...]

    @classmethod
    def tag(cls, key: str, *values: str) -> AssociationTarget:
        """Nodes whose tag ``key`` has one of ``values``."""
        return cls(f"tag:{key}", values)

    @classmethod
    def instance_ids(cls, *ids: str) -> AssociationTarget:
        """Nodes by id (``i-...`` for EC2, ``mi-...`` for servers; ``*`` for every node)."""
        return cls("InstanceIds", ids)

    @classmethod
    def resource_group(cls, name: str) -> AssociationTarget:
        """Nodes in an AWS Resource Groups group."""
        return cls("resource-groups:Name", (name,))

    @property
    def kind(self) -> TargetKind | None:
        """What the key targets by: a tag, instance ids, a resource group (None: unknown)."""
        if self.key.startswith("tag:"):
            return "tag"
        if self.key == "InstanceIds":
            return "instance ids"
        if self.key == "resource-groups:Name":
            return "resource group"
        return None

    def check(self) -> str | None:
        """Return why State Manager would reject this target, or None."""
        if not 1 <= len(self.values) <= TARGET_VALUES_MAX:
            return f"{self.key} has {len(self.values)} values; give 1 to {TARGET_VALUES_MAX}"
        if self.key.startswith("tag:"):
            tag_key = self.key[4:]
            if not is_target_tag_key(tag_key):
                return (
                    f"{cut(tag_key)!r} is not a tag key a State Manager target takes; "
                    f"use 1 to {TAG_KEY_MAX} letters, digits, spaces and "
                    f"{' '.join(TAG_KEY_SYMBOLS)} (no +), not starting with aws:"
                )
            return None
        if self.key == "InstanceIds":
            bad = [v for v in self.values if v != "*" and not INSTANCE_ID_RE.fullmatch(v)]
            if bad or ("*" in self.values and len(self.values) > 1):
                return (
                    f"{', '.join(repr(v[:40]) for v in bad[:3]) or repr('*')} not valid here: "
                    "give instance ids (i-0123456789abcdef0, mi-0123456789abcdef0 for servers; "
                    "lower case) or only '*' for every managed node"
                )
            return None
        if self.key == "resource-groups:Name":
            if len(self.values) != 1 or not RESOURCE_GROUP_RE.fullmatch(self.values[0]):
                return (
                    f"{cut(repr(list(self.values)))} is not a resource group; give one group "
                    "name of letters, digits and _ . -"
                )
            return None
        return (
            f"{cut(self.key)!r} is not a target State Manager accepts; target by tag:KEY, "
            "InstanceIds or resource-groups:Name"
        )


def is_target_tag_key(key: str) -> bool:
    """True when ``tag:<key>`` is a TargetKey for an EC2 tag key (not ``aws:``, no ``+``)."""
    return (
        1 <= len(key) <= TAG_KEY_MAX
        and not key.lower().startswith("aws:")
        and all(c in TAG_KEY_SYMBOLS or unicodedata.category(c)[0] in "LNZ" for c in key)
    )


# What one association may target. CreateAssociation takes up to five Key/Values
# pairs (botocore `ssm` model, Targets), but State Manager's own forms are narrower.
# The API reference (Target, "For State Manager") lists Key=InstanceIds (ids, or *)
# and Key=tag:<key>; the Systems Manager User Guide, "Understanding targets and rate
# controls in State Manager associations"
# (https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html),
# offers one of: tags, nodes chosen by id, a resource group, or all nodes, and says
# "When using Amazon EC2 tags, you can use one tag key maximum. If you want to target
# your instances using more than one tag key, use the resource group option" and
# "You can only target a single resource group for an association. Multiple or nested
# groups aren't supported." So an association has exactly one target: one tag key
# (its values are alternatives), one list of ids, or one resource group.
_HOW_TO_COMBINE: Final[Mapping[TargetKind, str]] = {
    "tag": (
        "an association targets one tag key, and a node with any of its values matches. "
        "Put every value under one tag key, or, to require several tags, create a resource "
        "group with a tag query and target the group"
    ),
    "instance ids": "give every instance id in one list",
    "resource group": (
        "an association targets one resource group only (several or nested groups are not "
        "supported); make one group that holds them all"
    ),
}


def describe_target(target: AssociationTarget) -> str:
    """Return a target as the Python API writes it, quoted: ``'tag:role=web,api'``."""
    text = f"{target.key}={','.join(v[:40] for v in target.values[:3])}"
    return repr(text[:120])


def target_combination_problems(
    targets: Sequence[AssociationTarget],
    *,
    describe: Callable[[AssociationTarget], str] = describe_target,
) -> Iterator[Problem]:
    """Yield each target that cannot join the first one in one association (``targets[i]``).

    State Manager takes exactly one target: a tag key with its values, a list of
    instance ids, or a resource group. Kinds are never mixed. ``describe`` names
    a target in the messages (the blueprint file names them by its own keys).
    """
    if not targets:
        return
    first = targets[0]
    for index, target in enumerate(targets[1:], start=1):
        if target.kind is None or first.kind is None:
            continue  # an unknown key is reported by its own check
        if target.kind != first.kind:
            yield Problem(
                f"targets[{index}]",
                f"{describe(target)} cannot be combined with targets[0] ({describe(first)}): "
                "an association targets by one of a tag, instance ids or a resource group, "
                "never a mix. Give these servers an association (a fleet) of their own, or tag "
                "them and target the tag",
            )
        elif target.kind == "tag" and target.key == first.key:
            yield Problem(
                f"targets[{index}]",
                f"{describe(target)} repeats the tag key of targets[0]; put all its values in "
                "targets[0] (a node with any of them matches)",
            )
        else:
            yield Problem(
                f"targets[{index}]",
                f"{describe(target)} is a second {target.kind} target after targets[0] "
                f"({describe(first)}): {_HOW_TO_COMBINE[target.kind]}",
            )


def target_problems(targets: Sequence[AssociationTarget]) -> Iterator[Problem]:
    """Yield why State Manager would reject ``targets`` (locations ``targets[i]``)."""
    if not targets:
        yield Problem(
            "targets",
            "an association needs one target (a tag with values, instance ids or a resource group)",
        )
    for index, target in enumerate(targets):
        if message := target.check():
            yield Problem(f"targets[{index}]", message)
    yield from target_combination_problems(targets)


def check_association_name(name: str) -> str | None:
    """Return why ``name`` cannot name an association, or None."""
    if not ASSOCIATION_NAME_RE.fullmatch(name):
        return (
            f"{cut(name)!r} is not an association name; use 3 to 128 letters, digits and _ - . "
            f"(it is {len(name)} characters)"
        )
    return None


def check_max_concurrency(value: str) -> str | None:
    """Return why ``value`` is not a MaxConcurrency (a count from 1, or 1% to 100%)."""
    if not MAX_CONCURRENCY_RE.fullmatch(value):
        return (
            f"{cut(value)!r} is not a max concurrency; give a number from 1 or a percentage 1% "
            "to 100%"
        )
    return None


def check_max_errors(value: str) -> str | None:
    """Return why ``value`` is not a MaxErrors (a count from 0, or 0% to 100%)."""
    if not MAX_ERRORS_RE.fullmatch(value):
        return (
            f"{cut(value)!r} is not a max errors; give a number from 0 or a percentage 0% to 100%"
        )
    return None


def check_compliance_severity(value: str) -> str | None:
    """Return why ``value`` is not a compliance severity."""
    if value not in COMPLIANCE_SEVERITIES:
        return f"{cut(value)!r} is not a compliance severity; use one of " + ", ".join(
            COMPLIANCE_SEVERITIES
        )
    return None


OUTPUT_PREFIX_MAX: Final = 500


@dataclass(frozen=True)
class CommandOutput:
    """An S3 location where Run Command writes each node's output.

    The node writes with its own credentials: its instance role needs
    ``s3:PutObject`` there (:class:`~observability_blueprint.hosts.host_identity.HostIdentity`
    grants it when given this location, under ``prefix`` only). ``prefix`` is
    required in practice: :meth:`check` refuses an empty or wildcard one.
    """

    bucket: str
    prefix: str = ""

    def check(self) -> str | None:
        """Return why State Manager could not write here, or None.

        The prefix also scopes the nodes' ``s3:PutObject`` (``<bucket>/<prefix>*``):
        an empty one would let every node write anywhere in the bucket, and ``*``
        or ``?`` are wildcards to IAM (``${`` starts a policy variable), so they
        would widen the grant beyond the prefix.
        """
        if message := check_bucket_name(self.bucket):
            return message
        if len(self.prefix) > OUTPUT_PREFIX_MAX or self.prefix.startswith("/"):
            return (
                f"{self.prefix[:40]!r} is not a key prefix: at most {OUTPUT_PREFIX_MAX} "
                "characters, not starting with /"
            )
        if not self.prefix:
            return (
                f"give a key prefix for the output in {cut(self.bucket)!r}, such as ssm/agent/: "
                "the servers may write only under it, and without one they could overwrite any "
                "object in the bucket"
            )
        wild = sorted({w for w in ("*", "?", "${") if w in self.prefix})
        if wild:
            return (
                f"{self.prefix[:40]!r} holds {' and '.join(wild)}, which IAM reads as a "
                "wildcard or a policy variable: the servers could write outside the prefix. "
                "Give a literal prefix such as ssm/agent/"
            )
        return None
