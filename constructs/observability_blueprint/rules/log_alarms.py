"""Log alarms, scheduled Logs Insights queries and log anomaly detectors: their rules.

Pure module: no aws_cdk import. The constructs in ``logs/`` and the config model call
the same checks; a problem is located by the keyword argument it comes from
(``schedule``, ``results_to_alarm``), so the file's loader can map it to its keys.

What is checked, and where each rule comes from:

**AWS::CloudWatch::LogAlarm** (PutLogAlarm, botocore ``cloudwatch`` 2010-08-01;
the CloudFormation schema of cfn-lint 1.58.0; the CloudWatch user guide pages
"Log alarms", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-log.html,
and "Alarming on logs",
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Alarm-On-Logs.html):

- the schedule is a ``rate()`` expression ("Specify a rate() expression, for example
  rate(5 minutes)", ScheduleConfiguration), at most 256 characters;
- ``StartTimeOffset`` 1 to 2,592,000 seconds, ``EndTimeOffset`` 0 to 2,592,000 and
  less than ``StartTimeOffset``; the query covers [run - start, run - end];
- ``QueryResultsToEvaluate`` (N) 1 to 100, ``QueryResultsToAlarm`` (M) 1 to N;
- ``ComparisonOperator``: the schema's enum also lists the anomaly-band operators,
  but the API text and the user guide take only the four threshold comparisons;
- ``AggregationExpression``: ``FUNCTION(FIELD) [by FIELD, ...] [| sort asc|desc]``
  with count, avg, sum, min or max, at most 5 ``by`` fields and no ``bin()`` there
  (user guide). Its length: the API reference's constraint and the CloudFormation
  template reference say at most 256 characters, the description text of the same
  pages, botocore and the registry schema say 2,048; the stricter documented bound
  is held (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ScheduledQueryConfiguration.html);
- ``QueryString`` at most 10,000 characters, and a Logs Insights query is read by
  the offline checker (rules/logs_insights.py); 1 to 50 log groups, each identifier
  at most 1,024 characters;
- ``ActionLogLineCount`` 0 to 50; ``WarmUpPeriodDurationInMinutes`` 1 to 2,880;
- actions: ``rules.alarm_settings.ACCEPTED_ACTIONS["log"]`` (SNS and Lambda in
  every state, an OpsItem without category on ALARM).

**AWS::Logs::ScheduledQuery** (CreateScheduledQuery, botocore ``logs`` 2014-03-28;
the registry schema; the CloudWatch Logs user guide "Schedule expression reference",
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/scheduled-queries-schedule-reference.html):

- the schedule is a ``cron()`` expression of six fields (minute hour day-of-month
  month day-of-week year), EventBridge's dialect, at most 256 characters; the API
  text says "a cron expression", and a ``rate()`` is refused rather than left to
  fail at deploy;
- ``Name`` 1 to 255 characters of letters, digits and ``_ - / . #`` (the schema;
  the API allows 300); ``QueryLanguage`` CWLI, PPL or SQL; ``Description`` at most
  1,024; 1 to 50 log groups, each at most 2,048 characters of ``[\\w#+=/:,.@-]``;
  a ``CWLI`` query is read by the offline checker, PPL and SQL are passed as written;
- the S3 destination is ``s3://BUCKET[/PREFIX]`` with the bucket as the pattern
  ``[a-z0-9][.\\-a-z0-9]{1,61}[a-z0-9]`` reads it, at most 1,024 characters.

**AWS::Logs::LogAnomalyDetector** (CreateLogAnomalyDetector; the registry schema;
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/LogsAnomalyDetection.html):

- ``EvaluationFrequency``: the API takes ONE_MIN, FIVE_MIN, TEN_MIN, FIFTEEN_MIN,
  THIRTY_MIN and ONE_HOUR; the CloudFormation schema has no ONE_MIN, so it is
  refused here (CloudFormation would reject the template);
- ``AnomalyVisibilityTime`` 7 to 90 days; ``FilterPattern`` at most 1,024 characters,
  a filter pattern (checked offline like a metric filter's);
- one log group per detector ("You can specify only one log group ARN").

The detector publishes ``AnomalyCount`` in ``AWS/Logs`` with the dimensions
``LogAnomalyDetector`` (the detector's name) and ``LogAnomalyPriority``
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/LogsAnomalyDetection-Metrics.html);
a dimension value is at most 255 characters, so is a detector name the alarm reads.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal, get_args

from observability_blueprint.rules import limits, logs_insights
from observability_blueprint.rules.alarm_settings import COMPARISONS, TREAT_MISSING_DATA
from observability_blueprint.rules.arns import is_unresolved
from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.event_schedules import (
    CRON_HELP,
    SCHEDULE_EXPRESSION_MAX,
    check_cron,
    check_rate,
)
from observability_blueprint.rules.metric_filters import check_pattern
from observability_blueprint.rules.time_zones import check_timezone

# ------------------------------------------------------------------ shared

QUERY_STRING_MAX: Final = 10_000
"""Characters in a Logs Insights, PPL or SQL query (PutLogAlarm, CreateScheduledQuery)."""
LOG_GROUPS_PER_QUERY_MAX: Final = 50
"""Log groups one log alarm or scheduled query reads (``LogGroupIdentifiers``)."""
TIME_OFFSET_MAX: Final = 2_592_000
"""A log alarm's query window reaches back at most 30 days (``StartTimeOffset``)."""
RATE_UNITS: Final = {"minute": 60, "hour": 3600, "day": 86_400}
"""Seconds in each unit a ``rate()`` expression takes."""
DEFAULT_LOG_ALARM_SCHEDULE: Final = "rate(5 minutes)"
"""How often a log alarm's query runs when no schedule is given."""
DEFAULT_INGESTION_DELAY_MINUTES: Final = 2
"""Minutes each log alarm window ends before the run: CloudWatch Logs makes events
queryable a little after they happen, and a window that ends at the run misses the late
ones (the troubleshooting table of
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-log.html)."""
SCHEDULED_QUERY_PREFIX: Final = "scheduled-queries/"
"""Where in the bucket a scheduled query's results go when no prefix is given."""
LOG_ALARM_RATE_HELP: Final = "rate(5 minutes), rate(1 hour) or rate(1 day)"


def query_problems(query: str, *, language: str = "CWLI", where: str = "query") -> list[Problem]:
    """Return what is wrong with a query's text, located at ``where``.

    The length is checked for every language; a Logs Insights query (``CWLI``) is
    also read by the offline checker (:func:`logs_insights.check_query`: commands,
    quotes, brackets, pipes, with a caret under the column). PPL and SQL are
    passed to CloudWatch Logs as written.
    """
    if len(query) > QUERY_STRING_MAX:
        return [
            Problem(
                where,
                f"the query is {len(query):,} characters; CloudWatch Logs takes at most "
                f"{QUERY_STRING_MAX:,}",
            )
        ]
    if language == "CWLI" and (message := logs_insights.check_query(query)):
        return [Problem(where, message)]
    return []


def _count_problem(where: str, count: int, what: str) -> Problem | None:
    if 1 <= count <= LOG_GROUPS_PER_QUERY_MAX:
        return None
    return Problem(
        where,
        f"{count} {what}; a query reads 1 to {LOG_GROUPS_PER_QUERY_MAX} log groups",
    )


def rate_seconds(expression: str) -> int | None:
    """Return how often a valid ``rate()`` expression runs, in seconds; None otherwise."""
    match = re.fullmatch(r"rate\((\d+) (minute|hour|day)s?\)", expression)
    if match is None or check_log_alarm_schedule(expression) is not None:
        return None
    return int(match[1]) * RATE_UNITS[match[2]]


def duration_text(seconds: int) -> str:
    """Return ``seconds`` in the largest whole unit: 900 -> ``15 minutes``."""
    for unit, size in (("day", 86_400), ("hour", 3600), ("minute", 60)):
        if seconds and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


# --------------------------------------------------------------- log alarm

RESULTS_TO_EVALUATE_MAX: Final = 100
AGGREGATION_EXPRESSION_MAX: Final = 256
AGGREGATION_FUNCTIONS: Final[tuple[str, ...]] = ("count", "avg", "sum", "min", "max")
AGGREGATION_BY_FIELDS_MAX: Final = 5
ACTION_LOG_LINES_MAX: Final = 50
WARM_UP_MINUTES_MAX: Final = 2880
LOG_GROUP_IDENTIFIER_MAX: Final = 1024
AGGREGATION_HELP: Final = (
    "FUNCTION(FIELD) with count, avg, sum, min or max, optionally by up to 5 fields and "
    "| sort asc or | sort desc, such as count(*) or avg(latency) by endpoint | sort desc "
    "(other functions go in the query: stats count_distinct(user) as users, then max(users))"
)
_FIELD: Final = r"(?:`[^`]+`|[@A-Za-z_][\w.@-]*)"
_AGGREGATION_RE: Final = re.compile(
    r"\s*(?P<function>\w+)\s*\(\s*(?P<argument>[^()]*?)\s*\)"
    r"(?:\s+by\s+(?P<by>.+?))?"
    r"(?:\s*\|\s*sort\s+(?P<order>\w+))?\s*",
    re.IGNORECASE,
)


def check_log_alarm_schedule(expression: str) -> str | None:
    """Return why ``expression`` is not a log alarm's schedule (a ``rate()``), or None."""
    return _dialect_problem(
        expression,
        takes="rate",
        named="a rate",
        other=(
            "cron",
            "a log alarm runs its query at a rate, not on a cron schedule (PutLogAlarm "
            "takes rate() only)",
        ),
        help=LOG_ALARM_RATE_HELP,
    )


def _dialect_problem(
    expression: str, *, takes: str, named: str, other: tuple[str, str], help: str
) -> str | None:
    """Why ``expression`` is not a ``takes(...)`` schedule: ``other`` is the dialect
    the API does not take and the reason."""
    if len(expression) > SCHEDULE_EXPRESSION_MAX:
        return f"the schedule is {len(expression)} characters; at most {SCHEDULE_EXPRESSION_MAX}"
    dialect, reason = other
    if expression.startswith(f"{dialect}("):
        return f"{cut(expression)!r}: {reason}; use {help}"
    if not (expression.startswith(f"{takes}(") and expression.endswith(")")):
        return f"{cut(expression)!r} is not {named}; use {help}"
    return check_rate(expression) if takes == "rate" else check_cron(expression)


def check_aggregation(expression: str) -> str | None:
    """Return why ``expression`` is not a log alarm's aggregation expression, or None."""
    if not 1 <= len(expression) <= AGGREGATION_EXPRESSION_MAX:
        return (
            f"the aggregation expression is {len(expression)} characters; "
            f"CloudWatch takes 1 to {AGGREGATION_EXPRESSION_MAX}"
        )
    match = _AGGREGATION_RE.fullmatch(expression)
    if match is None:
        return f"{cut(expression)!r} is not an aggregation expression; use {AGGREGATION_HELP}"
    function, argument = match["function"].lower(), match["argument"]
    if function not in AGGREGATION_FUNCTIONS:
        return (
            f"{cut(expression)!r}: {match['function']!r} is not an aggregation function of "
            f"log alarms; use {', '.join(AGGREGATION_FUNCTIONS)}"
        )
    if argument == "*" and function != "count":
        return (
            f"{cut(expression)!r}: only count takes *; {function} needs a field, such as "
            f"{function}(latency)"
        )
    if argument != "*" and not re.fullmatch(_FIELD, argument):
        return f"{cut(expression)!r}: {cut(argument)!r} is not a field name; use * or a field"
    if match["by"] is not None:
        fields = [f.strip() for f in match["by"].split(",")]
        if any(f.lower().startswith("bin(") for f in fields):
            return (
                f"{cut(expression)!r}: bin() is not allowed in the by clause of an aggregation "
                "expression; use it in the query instead"
            )
        bad = next((f for f in fields if not re.fullmatch(_FIELD, f)), None)
        if bad is not None:
            return f"{cut(expression)!r}: {cut(bad)!r} is not a field name"
        if len(fields) > AGGREGATION_BY_FIELDS_MAX:
            return (
                f"{cut(expression)!r} groups by {len(fields)} fields; a log alarm takes at "
                f"most {AGGREGATION_BY_FIELDS_MAX}"
            )
    if match["order"] is not None and match["order"].lower() not in ("asc", "desc"):
        return f"{cut(expression)!r}: sort takes asc or desc, not {cut(match['order'])!r}"
    return None


@dataclass(frozen=True, kw_only=True)
class LogAlarmSettings:
    """What a log alarm is made of, as :func:`log_alarm_problems` checks it.

    Offsets and the warm-up are in seconds and minutes as the API takes them;
    ``log_groups`` are the identifiers (names or ARNs) the query reads.
    """

    query: str
    aggregation: str
    log_groups: Sequence[str]
    schedule: str
    start_time_offset: int
    end_time_offset: int = 0
    comparison: str
    threshold: float
    results_to_evaluate: int = 1
    results_to_alarm: int | None = None
    treat_missing_data: str | None = None
    log_lines: int = 0
    warm_up_minutes: int | None = None


def log_alarm_problems(settings: LogAlarmSettings) -> list[Problem]:
    """Return what is wrong with a log alarm's settings, each located by its argument."""
    problems = query_problems(settings.query)
    if message := check_aggregation(settings.aggregation):
        problems.append(Problem("aggregation", message))
    problems += _log_group_problems(settings.log_groups, LOG_GROUP_IDENTIFIER_MAX)
    schedule_message = check_log_alarm_schedule(settings.schedule)
    if schedule_message:
        problems.append(Problem("schedule", schedule_message))
    problems += _offset_problems(settings, rate_seconds(settings.schedule))
    if settings.comparison not in COMPARISONS:
        problems.append(
            Problem(
                "comparison",
                f"{cut(str(settings.comparison))!r} is not a comparison; use one of "
                f"{', '.join(COMPARISONS)} (a log alarm compares with a fixed threshold)",
            )
        )
    if not math.isfinite(settings.threshold):
        problems.append(
            Problem("threshold", f"{settings.threshold} is not a number a threshold can be")
        )
    evaluate, alarm = settings.results_to_evaluate, settings.results_to_alarm
    if not 1 <= evaluate <= RESULTS_TO_EVALUATE_MAX:
        problems.append(
            Problem(
                "results_to_evaluate",
                f"{evaluate} query results; a log alarm evaluates 1 to "
                f"{RESULTS_TO_EVALUATE_MAX} (QueryResultsToEvaluate)",
            )
        )
    elif alarm is not None and not 1 <= alarm <= evaluate:
        problems.append(
            Problem(
                "results_to_alarm",
                f"{alarm} must be between 1 and results_to_evaluate ({evaluate})",
            )
        )
    if settings.treat_missing_data is not None and (
        settings.treat_missing_data not in TREAT_MISSING_DATA
    ):
        problems.append(
            Problem(
                "treat_missing_data",
                f"{cut(settings.treat_missing_data)!r} is not a missing-data policy; use one of "
                + ", ".join(TREAT_MISSING_DATA),
            )
        )
    if not 0 <= settings.log_lines <= ACTION_LOG_LINES_MAX:
        problems.append(
            Problem(
                "log_lines",
                f"{settings.log_lines} log lines; a notification carries 0 to "
                f"{ACTION_LOG_LINES_MAX} (ActionLogLineCount)",
            )
        )
    warm_up = settings.warm_up_minutes
    if warm_up is not None and not 1 <= warm_up <= WARM_UP_MINUTES_MAX:
        problems.append(
            Problem(
                "warm_up",
                f"{warm_up} minutes; a warm-up lasts 1 to {WARM_UP_MINUTES_MAX:,} minutes "
                "(two days)",
            )
        )
    return problems


def _offset_problems(settings: LogAlarmSettings, period: int | None) -> list[Problem]:
    start, end = settings.start_time_offset, settings.end_time_offset
    problems: list[Problem] = []
    if not 1 <= start <= TIME_OFFSET_MAX:
        problems.append(
            Problem(
                "window",
                f"the query starts {start} seconds before each run; CloudWatch takes 1 to "
                f"{TIME_OFFSET_MAX:,} (30 days; StartTimeOffset)",
            )
        )
    if not 0 <= end <= TIME_OFFSET_MAX:
        problems.append(
            Problem(
                "ingestion_delay",
                f"the query ends {end} seconds before each run; CloudWatch takes 0 to "
                f"{TIME_OFFSET_MAX:,} (EndTimeOffset)",
            )
        )
    if problems:
        return problems
    if end >= start:
        return [
            Problem(
                "window",
                f"the query would cover nothing: it starts {start} seconds and ends {end} "
                "seconds before each run (EndTimeOffset must be less than StartTimeOffset)",
            )
        ]
    if period is not None and start - end < period:
        return [
            Problem(
                "window",
                f"each run reads {duration_text(start - end)} of logs but runs every "
                f"{duration_text(period)}: the events between two windows are never "
                f"evaluated; make the window at least {duration_text(period)}, or run more often",
            )
        ]
    return []


def _log_group_problems(identifiers: Sequence[str], longest: int) -> list[Problem]:
    problems: list[Problem] = []
    if problem := _count_problem("log_groups", len(identifiers), "log groups"):
        problems.append(problem)
    for index, identifier in enumerate(identifiers):
        if is_unresolved(identifier):
            continue
        if not 1 <= len(identifier) <= longest:
            problems.append(
                Problem(
                    f"log_groups[{index}]",
                    f"{cut(identifier)!r} is {len(identifier):,} characters; a log group "
                    f"identifier is 1 to {longest:,}",
                )
            )
    return problems


# ---------------------------------------------------------- scheduled query

QueryLanguage = Literal["CWLI", "PPL", "SQL"]
"""Logs Insights QL, OpenSearch PPL or OpenSearch SQL (CreateScheduledQuery)."""
QUERY_LANGUAGES: Final[tuple[QueryLanguage, ...]] = get_args(QueryLanguage)
SCHEDULED_QUERY_NAME_MAX: Final = 255
SCHEDULED_QUERY_NAME_RE: Final = re.compile(r"[a-zA-Z0-9_\-/.#]+")
SCHEDULED_QUERY_DESCRIPTION_MAX: Final = 1024
SCHEDULED_LOG_GROUP_IDENTIFIER_MAX: Final = 2048
SCHEDULED_LOG_GROUP_IDENTIFIER_RE: Final = re.compile(r"[\w#+=/:,.@-]*")
S3_URI_MAX: Final = 1024
S3_URI_RE: Final = re.compile(r"s3://[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](/.*)?")


def check_scheduled_query_schedule(expression: str) -> str | None:
    """Return why ``expression`` is not a scheduled query's schedule (a ``cron()``), or None."""
    return _dialect_problem(
        expression,
        takes="cron",
        named="a cron expression",
        other=(
            "rate",
            "a scheduled query runs on a cron schedule, not at a rate (CreateScheduledQuery "
            "takes a cron expression)",
        ),
        help=CRON_HELP,
    )


def check_s3_uri(uri: str) -> str | None:
    """Return why ``uri`` is not where a scheduled query can deliver results, or None."""
    if len(uri) > S3_URI_MAX:
        return f"the S3 URI is {len(uri):,} characters; at most {S3_URI_MAX:,}"
    if not S3_URI_RE.fullmatch(uri):
        return (
            f"{cut(uri)!r} is not an S3 URI a scheduled query delivers to; use "
            "s3://BUCKET/PREFIX with a bucket name of 3 to 63 lowercase letters, digits, "
            "dots and hyphens"
        )
    return None


@dataclass(frozen=True, kw_only=True)
class ScheduledQuerySettings:
    """What a scheduled query is made of, as :func:`scheduled_query_problems` checks it."""

    name: str | None
    query: str
    language: str = "CWLI"
    log_groups: Sequence[str]
    schedule: str
    start_time_offset: int
    timezone: str | None = None
    description: str | None = None
    destination: str | None = None
    """The S3 URI, when known at synthesis."""


def check_s3_prefix(prefix: str) -> str | None:
    """Why ``prefix`` cannot follow ``s3://BUCKET/`` in a destination URI (None: it can)."""
    if prefix.startswith("/"):
        return (
            f"{cut(prefix)!r} starts with /; write the prefix without it, such as "
            f"{cut(prefix.lstrip('/'))!r} (the URI puts one / after the bucket)"
        )
    return None


def scheduled_query_problems(settings: ScheduledQuerySettings) -> list[Problem]:
    """Return what is wrong with a scheduled query's settings, each located by its argument."""
    problems: list[Problem] = []
    name = settings.name
    if name is not None and not (
        1 <= len(name) <= SCHEDULED_QUERY_NAME_MAX and SCHEDULED_QUERY_NAME_RE.fullmatch(name)
    ):
        problems.append(
            Problem(
                "name",
                f"{cut(name)!r} is not a scheduled query name; use 1 to "
                f"{SCHEDULED_QUERY_NAME_MAX} letters, digits and _ - / . #",
            )
        )
    if settings.language not in QUERY_LANGUAGES:
        problems.append(
            Problem(
                "language",
                f"{cut(settings.language)!r} is not a query language; use one of "
                f"{', '.join(QUERY_LANGUAGES)}",
            )
        )
    problems += query_problems(settings.query, language=settings.language)
    problems += _log_group_problems(settings.log_groups, SCHEDULED_LOG_GROUP_IDENTIFIER_MAX)
    for index, identifier in enumerate(settings.log_groups):
        if not is_unresolved(identifier) and not SCHEDULED_LOG_GROUP_IDENTIFIER_RE.fullmatch(
            identifier
        ):
            problems.append(
                Problem(
                    f"log_groups[{index}]",
                    f"{cut(identifier)!r} is not a log group name or ARN (letters, digits "
                    "and # + = / : , . @ - _)",
                )
            )
    if message := check_scheduled_query_schedule(settings.schedule):
        problems.append(Problem("schedule", message))
    if settings.timezone is not None and (message := check_timezone(settings.timezone)):
        problems.append(Problem("timezone", message))
    if not 1 <= settings.start_time_offset <= TIME_OFFSET_MAX:
        problems.append(
            Problem(
                "window",
                f"the query starts {settings.start_time_offset} seconds before each run; use "
                f"1 to {TIME_OFFSET_MAX:,} (30 days)",
            )
        )
    description = settings.description
    if description is not None and len(description) > SCHEDULED_QUERY_DESCRIPTION_MAX:
        problems.append(
            Problem(
                "description",
                f"the description is {len(description):,} characters; at most "
                f"{SCHEDULED_QUERY_DESCRIPTION_MAX:,}",
            )
        )
    if settings.destination is not None and (message := check_s3_uri(settings.destination)):
        problems.append(Problem("prefix", message))
    return problems


# ------------------------------------------------------- anomaly detection

EVALUATION_FREQUENCIES: Final = {
    5: "FIVE_MIN",
    10: "TEN_MIN",
    15: "FIFTEEN_MIN",
    30: "THIRTY_MIN",
    60: "ONE_HOUR",
}
"""Minutes between runs of a log anomaly detector, and CloudFormation's name for each."""
DEFAULT_EVALUATION_MINUTES: Final = 15
VISIBILITY_DAYS_MIN: Final = 7
VISIBILITY_DAYS_MAX: Final = 90
DEFAULT_VISIBILITY_DAYS: Final = 21
"""Days an anomaly stays one before it is baselined (treated as normal): three weeks,
time enough to fix a cause found after a holiday."""
AnomalyPriority = Literal["HIGH", "MEDIUM", "LOW"]
"""The ``LogAnomalyPriority`` an alarm counts: HIGH counts high-priority anomalies only,
MEDIUM high and medium ones (LogsAnomalyDetection-Metrics, the console's alarm wizard)."""
ANOMALY_PRIORITIES: Final[tuple[AnomalyPriority, ...]] = get_args(AnomalyPriority)
ANOMALY_NAMESPACE: Final = "AWS/Logs"
ANOMALY_METRIC: Final = "AnomalyCount"
DETECTOR_DIMENSION: Final = "LogAnomalyDetector"
PRIORITY_DIMENSION: Final = "LogAnomalyPriority"
DETECTOR_NAME_MAX: Final = limits.DIMENSION_VALUE_MAX
"""A detector's name is a dimension value of its metric: at most 255 characters."""


def check_evaluation_frequency(minutes: float) -> str | None:
    """Return why ``minutes`` is not how often a log anomaly detector runs, or None."""
    if minutes in EVALUATION_FREQUENCIES:
        return None
    shown = duration_text(int(minutes * 60)) if minutes * 60 == int(minutes * 60) else minutes
    choices = list(EVALUATION_FREQUENCIES)
    return (
        f"{shown} is not an anomaly detector's evaluation frequency; use "
        f"{', '.join(map(str, choices[:-1]))} or {choices[-1]} minutes (the API's one minute, "
        "ONE_MIN, is not in CloudFormation's AWS::Logs::LogAnomalyDetector)"
    )


def check_visibility_days(days: float) -> str | None:
    """Return why ``days`` is not how long an anomaly stays visible, or None."""
    if days == int(days) and VISIBILITY_DAYS_MIN <= days <= VISIBILITY_DAYS_MAX:
        return None
    return (
        f"{days} days is not an anomaly visibility time; use whole days from "
        f"{VISIBILITY_DAYS_MIN} to {VISIBILITY_DAYS_MAX} (after it an anomaly left unfixed "
        "is baselined and no longer reported)"
    )


def anomaly_detector_problems(
    *,
    evaluation_minutes: float,
    visibility_days: float,
    filter_pattern: str | None = None,
    detector_name: str | None = None,
    priority: str = "HIGH",
) -> list[Problem]:
    """Return what is wrong with a log anomaly detector's settings, located by argument."""
    problems: list[Problem] = []
    if message := check_evaluation_frequency(evaluation_minutes):
        problems.append(Problem("evaluation_frequency", message))
    if message := check_visibility_days(visibility_days):
        problems.append(Problem("visibility", message))
    if filter_pattern is not None:
        if len(filter_pattern) > limits.FILTER_PATTERN_MAX:
            problems.append(
                Problem(
                    "filter_pattern",
                    f"the pattern is {len(filter_pattern):,} characters; at most "
                    f"{limits.FILTER_PATTERN_MAX:,}",
                )
            )
        elif message := check_pattern(filter_pattern):
            problems.append(Problem("filter_pattern", message))
    if detector_name is not None and not 1 <= len(detector_name) <= DETECTOR_NAME_MAX:
        problems.append(
            Problem(
                "detector_name",
                f"the name is {len(detector_name)} characters; use 1 to "
                f"{DETECTOR_NAME_MAX}, so the alarm can name the detector in its "
                f"{DETECTOR_DIMENSION} dimension",
            )
        )
    if priority not in ANOMALY_PRIORITIES:
        problems.append(
            Problem(
                "priority",
                f"{cut(str(priority))!r} is not an anomaly priority; use HIGH (high-priority "
                "anomalies only), MEDIUM (high and medium) or LOW",
            )
        )
    return problems
