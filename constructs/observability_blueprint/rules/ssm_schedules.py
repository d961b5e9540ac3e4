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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final, Literal, get_args

from observability_blueprint.rules.errors import Problem

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
            f"{expression!r} is not a schedule; write rate(...) or cron(...) without spaces around"
        )
    if text.startswith("rate("):
        return _check_rate(text)
    if text.startswith("cron("):
        return _check_cron(text)
    return (
        f"{expression!r} is not an association schedule; write rate(N unit) with N minutes, "
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
            f"{expression!r} is not a rate; write rate(N unit) with a whole number N and "
            "unit minute(s), hour(s) or day(s), such as rate(30 minutes) or rate(1 day)"
        )
    value, unit = int(match.group(1)), match.group(2)
    if value == 0:
        return f"{expression!r} has a zero interval; State Manager needs at least 30 minutes"
    singular = not unit.endswith("s")
    if singular != (value == 1):
        fixed = f"rate({value} {unit.rstrip('s') if value == 1 else unit + 's'})"
        return (
            f"{expression!r} is not accepted: the unit is singular exactly when the value is 1 "
            f"(write {fixed})"
        )
    minutes = value * _UNIT_MINUTES[unit.rstrip("s")]
    if minutes < RATE_MIN_MINUTES:
        return (
            f"{expression!r} is too frequent: State Manager associations run at most every "
            f"{RATE_MIN_MINUTES} minutes (use rate(30 minutes) or longer)"
        )
    if minutes >= RATE_LIMIT_DAYS * 1440:
        return (
            f"{expression!r} is too long: an association's rate must be under "
            f"{RATE_LIMIT_DAYS} days (use rate(30 days) or less, or a weekly cron)"
        )
    return None


def _check_cron(expression: str) -> str | None:
    match = _CRON_RE.fullmatch(expression)
    fields = match.group(1).split() if match else []
    if len(fields) == 7:
        if fields[0] != "0":
            return (
                f"{expression!r} has seconds {fields[0]!r}; an association's optional seconds "
                "field can only be 0"
            )
        fields = fields[1:]
    if len(fields) == 5:
        return (
            f"{expression!r} has 5 fields, like a Unix crontab; State Manager's cron has six: "
            "minutes hours day-of-month month day-of-week year, such as cron(15 13 ? * * *) for "
            "every day at 13:15 UTC"
        )
    if len(fields) != 6:
        return (
            f"{expression!r} is not a cron expression; State Manager's cron has six fields "
            f"(minutes hours day-of-month month day-of-week year): {SUPPORTED_FORMS}"
        )
    minutes, hours, day_of_month, month, day_of_week, year = fields
    if month != "*" or year != "*":
        return (
            f"{expression!r} names a month or year; association crons repeat every month and "
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
            f"{expression!r} is EventBridge's form of a daily schedule ('?' in day-of-week); "
            f"State Manager's dialect puts '?' in day-of-month and '*' or a weekday in "
            f"day-of-week: write {fixed} for every day at {int(hours):02d}:{int(minutes):02d} "
            f"UTC, or cron({minutes} {hours} ? * MON *) for Mondays"
        )
    return (
        f"{expression!r} is not a schedule State Manager accepts for associations; it accepts "
        f"only these cron forms: {SUPPORTED_FORMS}; or a rate from 30 minutes to under 31 days"
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
# botocore `ssm` model: AssociationName, Targets (max 5), TargetValues (max 50),
# MaxConcurrency, MaxErrors, AssociationComplianceSeverity, InstanceId.

ASSOCIATION_NAME_RE: Final = re.compile(r"[a-zA-Z0-9_\-.]{3,128}")
TARGETS_MAX: Final = 5
TARGET_VALUES_MAX: Final = 50
ComplianceSeverity = Literal["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNSPECIFIED"]
"""How State Manager rates a node where the association failed."""
COMPLIANCE_SEVERITIES: Final[tuple[ComplianceSeverity, ...]] = get_args(ComplianceSeverity)
MAX_CONCURRENCY_RE: Final = re.compile(r"[1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%")
MAX_ERRORS_RE: Final = re.compile(r"[1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%")
INSTANCE_ID_RE: Final = re.compile(r"i-(?:\w{8}|\w{17})|mi-\w{17}")
RESOURCE_GROUP_RE: Final = re.compile(r"[a-zA-Z0-9_.-]{1,300}")
TAG_KEY_RE: Final = re.compile(r"[\w.:/=+\-@ ]{1,128}")


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

    def check(self) -> str | None:
        """Return why State Manager would reject this target, or None."""
        if not 1 <= len(self.values) <= TARGET_VALUES_MAX:
            return f"{self.key} has {len(self.values)} values; give 1 to {TARGET_VALUES_MAX}"
        if self.key.startswith("tag:"):
            tag_key = self.key[4:]
            if not TAG_KEY_RE.fullmatch(tag_key) or tag_key.lower().startswith("aws:"):
                return (
                    f"{tag_key!r} is not a tag key; use 1 to 128 letters, digits, spaces "
                    "and _ . : / = + - @, not starting with aws:"
                )
            return None
        if self.key == "InstanceIds":
            bad = [v for v in self.values if v != "*" and not INSTANCE_ID_RE.fullmatch(v)]
            if bad or ("*" in self.values and len(self.values) > 1):
                return (
                    f"{', '.join(map(repr, bad)) or repr('*')} not valid here: give instance ids "
                    "(i-0123456789abcdef0, mi-0123456789abcdef0 for servers) or only '*' for "
                    "every managed node"
                )
            return None
        if self.key == "resource-groups:Name":
            if len(self.values) != 1 or not RESOURCE_GROUP_RE.fullmatch(self.values[0]):
                return (
                    f"{list(self.values)!r} is not a resource group; give one group name of "
                    "letters, digits and _ . -"
                )
            return None
        return (
            f"{self.key!r} is not a target State Manager accepts; target by tag:KEY, "
            "InstanceIds or resource-groups:Name"
        )


def target_problems(targets: Sequence[AssociationTarget]) -> Iterator[Problem]:
    """Yield why State Manager would reject ``targets`` (locations ``targets[i]``)."""
    if not targets:
        yield Problem(
            "targets",
            "an association needs at least one target (tag, instance ids or resource group)",
        )
    if len(targets) > TARGETS_MAX:
        yield Problem(
            "targets",
            f"{len(targets)} targets given; an association takes at most {TARGETS_MAX} "
            "(combine values under one tag key, or tag the instances and target the tag)",
        )
    for index, target in enumerate(targets):
        if message := target.check():
            yield Problem(f"targets[{index}]", message)


def check_association_name(name: str) -> str | None:
    """Return why ``name`` cannot name an association, or None."""
    if not ASSOCIATION_NAME_RE.fullmatch(name):
        return (
            f"{name!r} is not an association name; use 3 to 128 letters, digits and _ - . "
            f"(it is {len(name)} characters)"
        )
    return None


def check_max_concurrency(value: str) -> str | None:
    """Return why ``value`` is not a MaxConcurrency (a count from 1, or 1% to 100%)."""
    if not MAX_CONCURRENCY_RE.fullmatch(value):
        return (
            f"{value!r} is not a max concurrency; give a number from 1 or a percentage 1% to 100%"
        )
    return None


def check_max_errors(value: str) -> str | None:
    """Return why ``value`` is not a MaxErrors (a count from 0, or 0% to 100%)."""
    if not MAX_ERRORS_RE.fullmatch(value):
        return f"{value!r} is not a max errors; give a number from 0 or a percentage 0% to 100%"
    return None


def check_compliance_severity(value: str) -> str | None:
    """Return why ``value`` is not a compliance severity."""
    if value not in COMPLIANCE_SEVERITIES:
        return (
            f"{value!r} is not a compliance severity; use one of {', '.join(COMPLIANCE_SEVERITIES)}"
        )
    return None


BUCKET_NAME_RE: Final = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
OUTPUT_PREFIX_MAX: Final = 500


@dataclass(frozen=True)
class CommandOutput:
    """An S3 location where Run Command writes each node's output.

    The node writes with its own credentials: its instance role needs
    ``s3:PutObject`` there (:class:`~observability_blueprint.hosts.host_identity.HostIdentity`
    grants it when given this location).
    """

    bucket: str
    prefix: str = ""

    def check(self) -> str | None:
        """Return why State Manager could not write here, or None."""
        if not BUCKET_NAME_RE.fullmatch(self.bucket) or ".." in self.bucket:
            return (
                f"{self.bucket!r} is not an S3 bucket name: 3 to 63 lowercase letters, digits, "
                "dots and hyphens"
            )
        if len(self.prefix) > OUTPUT_PREFIX_MAX or self.prefix.startswith("/"):
            return (
                f"{self.prefix[:40]!r} is not a key prefix: at most {OUTPUT_PREFIX_MAX} "
                "characters, not starting with /"
            )
        return None
