"""Saved Logs Insights queries: the catalogue for a service's logs, and the rules they follow.

Pure module: no aws_cdk import. The catalogue is what on-call opens first for a
service that writes one JSON object per event (see
:mod:`~observability_blueprint.rules.structured_logs`): the failed requests,
latency percentiles, the slowest requests, errors by status code, every record
of one trace, and the most common error messages. Its field names follow the
service's :class:`~observability_blueprint.rules.structured_logs.StructuredLogFields`.

A saved query is an ``AWS::Logs::QueryDefinition`` named ``<folder>/<name>``:
the console shows each ``/`` as a folder.
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-querydefinition.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import fields as dataclass_fields
from typing import Final

from observability_blueprint.rules import logs_insights
from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.structured_logs import (
    DEFAULT_ERROR_LEVELS,
    StructuredLogFields,
    failed_requests_query,
)

MAX_NAME_LENGTH: Final = 255
"""Characters of a query definition's name, folders included (PutQueryDefinition
``name`` and AWS::Logs::QueryDefinition ``Name``: 1 to 255)."""

QUERY_NAME_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]*")
"""A query's own name: no ``/``, which would make it a folder."""

FOLDER_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]*(?:/[A-Za-z0-9][A-Za-z0-9 ._-]*)*")
"""A folder, with ``/`` between nested folders (``shop/api``)."""

_NAME_CHARS: Final = (
    "letters, digits, spaces, dots, underscores and hyphens that start with a letter or digit"
)

TRACE_ID_PLACEHOLDER: Final = "REPLACE-WITH-TRACE-ID"
"""The value the ``one-trace`` query compares the trace-id field with.

A saved query has no input box, so it carries a placeholder the user replaces
with the trace id before running it (the console opens the query text in the
editor). A query parameter (``{{traceId}}``) would ask for it, but
AWS::Logs::QueryDefinition ``Parameters`` is recent and a placeholder works in
every partition, in the console and from the CLI alike.
"""

FAILED_REQUESTS: Final = "failed-requests"
LATENCY_PERCENTILES: Final = "latency-percentiles"
SLOWEST_REQUESTS: Final = "slowest-requests"
ERRORS_BY_STATUS: Final = "errors-by-status"
ONE_TRACE: Final = "one-trace"
TOP_ERROR_MESSAGES: Final = "top-error-messages"
CATALOGUE: Final[tuple[str, ...]] = (
    FAILED_REQUESTS,
    LATENCY_PERCENTILES,
    SLOWEST_REQUESTS,
    ERRORS_BY_STATUS,
    ONE_TRACE,
    TOP_ERROR_MESSAGES,
)
"""The names of :func:`service_queries`, in the order it returns them."""


def service_queries(
    fields: StructuredLogFields | None = None,
    error_levels: tuple[str, ...] = DEFAULT_ERROR_LEVELS,
    *,
    infrequent_access: bool = False,
) -> dict[str, str]:
    """Return the catalogue of saved queries for a service's JSON logs, by name.

    ``failed-requests``
        Error-level or 5xx events, newest first, with request and trace ids
        (the query :class:`StructuredLogMetrics` also saves).
    ``latency-percentiles``
        p50, p90 and p99 latency and the request count by 5 minutes.
    ``slowest-requests``
        The 25 slowest requests with their request and trace ids.
    ``errors-by-status``
        How many 4xx and 5xx responses each status code had.
    ``one-trace``
        Every event of one trace, oldest first: replace
        :data:`TRACE_ID_PLACEHOLDER` with the trace id before running it.
    ``top-error-messages``
        Error-level events clustered into patterns by the ``pattern`` command
        (on ``@message``, the input the pattern reference documents).

    Parameters
    ----------
    fields
        The JSON field names. Default: Powertools-compatible names.
    error_levels
        Values of the level field that count as errors. Default: ERROR, CRITICAL.
    infrequent_access
        The queries read a log group of the Infrequent Access class, which does
        not run ``pattern``: ``top-error-messages`` is left out.
    """
    f = fields or StructuredLogFields()
    levels = ", ".join(f'"{level}"' for level in error_levels)
    queries = {
        FAILED_REQUESTS: failed_requests_query(f, error_levels).render(),
        LATENCY_PERCENTILES: (
            f"filter ispresent({f.latency_ms})\n"
            f"| stats pct({f.latency_ms}, 50) as p50, pct({f.latency_ms}, 90) as p90,\n"
            f"    pct({f.latency_ms}, 99) as p99, count(*) as requests by bin(5m)"
        ),
        SLOWEST_REQUESTS: (
            f"fields @timestamp, {f.service}, {f.request_id}, {f.xray_trace_id}, "
            f"{f.status_code}, {f.latency_ms}\n"
            f"| filter ispresent({f.latency_ms})\n"
            f"| sort {f.latency_ms} desc\n"
            "| limit 25"
        ),
        ERRORS_BY_STATUS: (
            f"filter {f.status_code} >= 400\n"
            f"| stats count(*) as responses by {f.status_code}\n"
            "| sort responses desc"
        ),
        ONE_TRACE: (
            f"fields @timestamp, {f.service}, {f.level}, {f.request_id}, {f.status_code}, "
            f"{f.latency_ms}, @message\n"
            f'| filter {f.xray_trace_id} = "{TRACE_ID_PLACEHOLDER}"\n'
            "| sort @timestamp asc"
        ),
        TOP_ERROR_MESSAGES: f"filter {f.level} in [{levels}]\n| pattern @message",
    }
    if infrequent_access:
        del queries[TOP_ERROR_MESSAGES]
    return queries


def known_fields(fields: StructuredLogFields) -> tuple[str, ...]:
    """The field names a structured log group declares, for :func:`saved_query_warnings`."""
    return tuple(dict.fromkeys(getattr(fields, item.name) for item in dataclass_fields(fields)))


def saved_query_problems(
    *,
    folder: str | None,
    queries: Mapping[str, str | None],
    log_group_count: int,
    infrequent_access: bool = False,
) -> list[Problem]:
    """Return every problem of a folder of saved queries, located relative to its owner.

    Locations: ``folder``, ``log_groups``, ``queries`` (none given) and
    ``queries.<name>`` (a bad name, a name too long with its folder, or a query
    that does not pass
    :func:`~observability_blueprint.rules.logs_insights.check_query`, with the
    caret lines). With ``infrequent_access`` (one of the log groups is of that
    class), a query that uses a command such log groups cannot run is refused.
    A folder or query text of None is not known at synthesis and not checked.
    """
    problems: list[Problem] = []
    if folder is not None and not FOLDER_RE.fullmatch(folder):
        problems.append(
            Problem(
                "folder",
                f"{cut(folder)!r} is not a folder; use names of {_NAME_CHARS}, "
                "joined by / for nested folders (shop/api)",
            )
        )
    if message := logs_insights.log_group_count_problem(log_group_count):
        problems.append(Problem("log_groups", message))
    if not queries:
        problems.append(
            Problem("queries", "no query to save; give queries, or ask for the catalogue")
        )
    for name, query in queries.items():
        where = f"queries.{cut(name, 60)}"
        if not QUERY_NAME_RE.fullmatch(name):
            problems.append(Problem(where, f"{cut(name)!r} is not a query name; use {_NAME_CHARS}"))
        elif folder is not None and len(full := f"{folder}/{name}") > MAX_NAME_LENGTH:
            problems.append(
                Problem(
                    where,
                    f"the saved name {cut(full)!r} is {len(full)} characters long; "
                    f"PutQueryDefinition takes at most {MAX_NAME_LENGTH}: shorten the folder "
                    "or the name",
                )
            )
        if query is not None:
            messages = _query_messages(query, infrequent_access=infrequent_access)
            problems.extend(Problem(where, message) for message in messages)
    return problems


def _query_messages(query: str, *, infrequent_access: bool) -> list[str]:
    try:
        parsed = logs_insights.parse(query)
    except logs_insights.LogsInsightsQueryError as error:
        return [str(error)]
    messages = [
        f"uses the query parameter {{{{{name}}}}}, which a saved query here cannot declare; "
        "write the value into the query"
        for name in parsed.parameters
    ]
    if infrequent_access and (commands := logs_insights.standard_only_commands(parsed)):
        messages.append(
            f"uses {', '.join(commands)}, which Logs Insights does not run on log groups of "
            f"class INFREQUENT_ACCESS ({', '.join(logs_insights.STANDARD_ONLY)} need "
            "STANDARD); drop the command or query STANDARD log groups only"
        )
    return messages


def saved_query_warnings(queries: Mapping[str, str | None], known: Iterable[str]) -> list[Problem]:
    """Return a warning per valid query that reads fields ``known`` does not list.

    Locations are ``queries.<name>``; queries that do not parse are left to
    :func:`saved_query_problems`, and a text of None (unknown at synthesis) is skipped.
    """
    known = tuple(known)
    warnings: list[Problem] = []
    for name, query in queries.items():
        if query is None:
            continue
        try:
            message = logs_insights.field_warning(query, known)
        except logs_insights.LogsInsightsQueryError:
            continue
        if message:
            warnings.append(Problem(f"queries.{cut(name, 60)}", message))
    return warnings
