"""``obs-blueprint query``: run a Logs Insights query from the terminal and print its rows.

The query is a saved one, found by name in the blueprint file or in the account
(``DescribeQueryDefinitions``), or query text given on the command line. It runs
with ``StartQuery`` and is polled with ``GetQueryResults`` until it ends; a run
that outlives ``--timeout`` or is interrupted is stopped with ``StopQuery``, so
it does not keep scanning (and billing) in the background.

boto3 is imported only when the command runs (``pip install
'observability-blueprint[aws]'``), and the client comes from a factory, so tests
hand in a moto or Stubber client and nothing reaches AWS.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import json
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, TextIO, TypeVar

from observability_blueprint.rules import arns
from observability_blueprint.rules.errors import cut
from observability_blueprint.rules.log_groups import check_log_group_name

if TYPE_CHECKING:
    from mypy_boto3_logs.client import CloudWatchLogsClient
    from mypy_boto3_logs.type_defs import (
        GetQueryResultsResponseTypeDef,
        QueryDefinitionTypeDef,
        QueryStatisticsTypeDef,
        ResultFieldTypeDef,
    )

    from observability_blueprint.config.blueprint import Blueprint

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
"""The query failed, was cancelled, or is malformed (offline or as the service says)."""
EXIT_CANNOT_RUN: Final = 2
"""No credentials, no boto3, bad arguments, an unknown name, a refused call."""
EXIT_TIMEOUT: Final = 3
"""The query outlived --timeout (and was stopped) or CloudWatch Logs' own limit."""
EXIT_INTERRUPTED: Final = 130
"""Ctrl-C, as shells report SIGINT (128 + 2); the query is stopped first."""

DEFAULT_SINCE: Final = "1h"
DEFAULT_TIMEOUT: Final = "15m"
POLL_FIRST: Final = 1.0
POLL_MAX: Final = 5.0
POLL_GROWTH: Final = 1.5
CELL_MAX: Final = 120
"""Characters of a value the table shows; --json and --csv keep whole values."""

# StartQuery takes at most 50 log groups (logGroupNames and logGroupIdentifiers):
# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html
LOG_GROUPS_MAX: Final = 50
# The commands of the Logs Insights query language, which make an argument query text:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html
QUERY_COMMANDS: Final = frozenset(
    {
        "fields",
        "display",
        "filter",
        "filterindex",
        "join",
        "stats",
        "sort",
        "limit",
        "parse",
        "dedup",
        "pattern",
        "diff",
        "anomaly",
        "unmask",
        "unnest",
        "lookup",
        "addtotals",
        "source",
    }
)
RUNNING_STATUSES: Final = frozenset({"Scheduled", "Running"})
"""GetQueryResults statuses of a query still under way; Complete, Failed, Cancelled,
Timeout and Unknown end it (the QueryStatus enum of the API)."""
_DURATION: Final = re.compile(r"(\d+)([smhdw])")
_UNITS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_NUMBER: Final = re.compile(r"-?\d+(\.\d+)?")

USAGE: Final = """\
obs-blueprint query NAME|'QUERY TEXT' [--log-group GROUP ...]
         [--since 1h | --start TIME [--end TIME]] [--profile P] [--region R]
         [--timeout 15m] [--json | --csv] [--file FILE] [--[no-]progress]"""
DESCRIPTION: Final = """\
Run a CloudWatch Logs Insights query and print its rows.

NAME is a saved query: looked up first in the blueprint file (--file, by
default ./blueprint.yaml when there is one), then in the account's saved
queries (DescribeQueryDefinitions), by its exact name with its folder
(shop-dev/api/failed-requests). An argument that holds a pipe, or starts with a
query command (fields, filter, stats, parse, sort, ...), is query text and runs
as given. Query text needs --log-group unless it starts with SOURCE; a saved
query runs on the log groups it names unless --log-group replaces them.
"""
EPILOG: Final = """\
time: --since 1h (s, m, h, d, w; combined as 1h30m) is the default; --start and
--end take ISO 8601 times (2026-05-01T12:00, UTC when no offset is given) and
--end defaults to now.

output: a table (values cut at 120 characters, @ptr left out), or --json (a
list of objects) or --csv with whole values and @ptr, for GetLogRecord. A
progress line with the records scanned goes to stderr when it is a terminal
(--progress/--no-progress decide otherwise).

exit status:
  0  the query completed (with or without rows)
  1  the query failed or was cancelled, or is malformed (checked before it is
     sent, then by CloudWatch Logs)
  2  it cannot run: no boto3, no credentials or Region, bad arguments, an
     unknown saved query, a call AWS refused
  3  it timed out: it ran past --timeout (default 15m) and was stopped, or hit
     CloudWatch Logs' 60-minute limit
  130  interrupted with Ctrl-C (the query is stopped)
"""
_T = TypeVar("_T")
NO_BOTO3: Final = (
    "boto3 is not installed; the query command needs it: pip install 'observability-blueprint[aws]'"
)


class QueryCommandError(Exception):
    """Why the command stops, and the exit status that says so."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class SavedQuery(Protocol):
    """A saved query of the blueprint file, as the command reads it.

    The file's model gives ``saved_queries``: a mapping from name to an object
    with these attributes (and optionally ``query_language``: CWLI, SQL or PPL).
    """

    @property
    def query(self) -> str:
        """The query text."""

    @property
    def log_groups(self) -> Sequence[str]:
        """The names (or ARNs) of the log groups it runs on; empty when it names none."""


@dataclass(frozen=True)
class ResolvedQuery:
    """The query to run, where it came from, and what it runs on."""

    text: str
    log_groups: tuple[str, ...]
    source: str
    """``query text``, ``saved query 'NAME' of FILE``, ``saved query 'NAME' of the account``."""
    language: str = "CWLI"


ClientFactory = Callable[[str | None, str | None], "CloudWatchLogsClient"]
"""(profile, region) -> a CloudWatch Logs client; None leaves each to boto3's defaults."""


def boto3_logs_client(profile: str | None, region: str | None) -> CloudWatchLogsClient:
    """Return a CloudWatch Logs client for ``profile`` and ``region`` from boto3."""
    try:
        import boto3
    except ImportError:
        raise QueryCommandError(NO_BOTO3, EXIT_CANNOT_RUN) from None
    return boto3.Session(profile_name=profile, region_name=region).client("logs")


# ------------------------------------------------------------------ arguments


def add_query_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``query`` subcommand to the ``obs-blueprint`` parser."""
    parser = commands.add_parser(
        "query",
        help="run a Logs Insights query (saved, by name, or its text) and print the rows",
        usage=USAGE,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``obs-blueprint query`` to ``parser``."""
    parser.add_argument("query", metavar="NAME|'QUERY TEXT'", help="a saved query or query text")
    parser.add_argument(
        "--log-group",
        "-g",
        dest="log_groups",
        action="append",
        default=[],
        metavar="GROUP",
        help="a log group name or ARN to query (repeat for more, up to 50); "
        "replaces those a saved query names",
    )
    when = parser.add_mutually_exclusive_group()
    when.add_argument(
        "--since", metavar="DURATION", help=f"how far back from --end (default {DEFAULT_SINCE})"
    )
    when.add_argument("--start", metavar="TIME", help="the start of the range, ISO 8601")
    parser.add_argument("--end", metavar="TIME", help="the end of the range, ISO 8601 (now)")
    parser.add_argument("--profile", help="the AWS profile (default: boto3's chain)")
    parser.add_argument(
        "--region",
        help="the AWS Region (default: the env.region of the blueprint file searched for "
        "NAME, then boto3's: AWS_REGION, the profile's)",
    )
    parser.add_argument(
        "--file", help="the blueprint file to find saved queries in (default ./blueprint.yaml)"
    )
    parser.add_argument(
        "--timeout",
        default=DEFAULT_TIMEOUT,
        metavar="DURATION",
        help=f"stop the query after this long (default {DEFAULT_TIMEOUT}; 90 or 90s, 5m, 1h)",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print a JSON list of objects")
    output.add_argument("--csv", action="store_true", help="print CSV with a header row")
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show the progress line on stderr (default: when stderr is a terminal)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return a parser of the arguments that follow ``obs-blueprint query``."""
    parser = argparse.ArgumentParser(
        prog="obs-blueprint query",
        usage=USAGE,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    return parser


def query_main(argv: Sequence[str], **options: Any) -> int:
    """Parse ``argv`` (what follows ``query``) and run it; see :func:`run_query_command`."""
    return run_query_command(build_parser().parse_args(list(argv)), **options)


# ------------------------------------------------------------------ the run


def run_query_command(
    args: argparse.Namespace,
    *,
    client_factory: ClientFactory = boto3_logs_client,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], None] | None = None,
    now: Callable[[], datetime] | None = None,
) -> int:
    """Run ``obs-blueprint query`` with parsed ``args``; return the exit status.

    Parameters
    ----------
    args
        What :func:`add_arguments` parses.
    client_factory
        Makes the CloudWatch Logs client from (profile, region).
    stdout, stderr
        Where the rows and the messages go (default: ``sys.stdout``, ``sys.stderr``).
    clock, sleep
        Monotonic seconds and the wait between polls (default: ``time.monotonic``
        and ``time.sleep``, looked up when the command runs).
    now
        The current time, timezone-aware (default: the system clock in UTC).
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    run = _Run(
        args,
        client_factory,
        out,
        err,
        clock or time.monotonic,
        sleep or time.sleep,
        now or (lambda: datetime.now(UTC)),
    )
    try:
        return run.execute()
    except QueryCommandError as error:
        run.progress.clear()
        # A query still running (its status could not be read) is stopped, not left to scan.
        err.write(f"obs-blueprint query: {error}{run.stop()}\n")
        return error.exit_code
    except KeyboardInterrupt:
        run.progress.clear()
        stopped = run.stop()
        err.write(f"obs-blueprint query: interrupted{stopped}\n")
        return EXIT_INTERRUPTED


class _Run:
    """One run of the command: the parsed arguments, the streams, the client."""

    def __init__(
        self,
        args: argparse.Namespace,
        client_factory: ClientFactory,
        stdout: TextIO,
        stderr: TextIO,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        now: Callable[[], datetime],
    ) -> None:
        self.args = args
        self.client_factory = client_factory
        self.stdout = stdout
        self.clock = clock
        self.sleep = sleep
        self.now = now
        shown = args.progress if args.progress is not None else _is_terminal(stderr)
        self.progress = _Progress(stderr, shown=shown, terminal=_is_terminal(stderr))
        self._client: CloudWatchLogsClient | None = None
        self.query_id: str | None = None
        self.running = False
        """Whether the query was started and has not ended or been stopped."""
        self.file_read: str | None = None
        """The blueprint file searched for the saved query, if one was."""
        self.file_region: str | None = None
        """The Region that file pins (``env.region``): where its stacks, and queries, are."""

    def execute(self) -> int:
        args = self.args
        timeout = _seconds(args.timeout, "--timeout")
        start, end = time_range(args.since, args.start, args.end, self.now())
        query = self.resolve(args.query)
        if query.language == "CWLI":
            check_offline(query.text)
        log_groups = tuple(args.log_groups) or query.log_groups
        check_log_groups(log_groups, query)
        request: dict[str, Any] = {
            "startTime": start,
            "endTime": end,
            "queryString": query.text,
        }
        if log_groups:
            arn_given = any(g.startswith("arn:") for g in log_groups)
            request["logGroupIdentifiers" if arn_given else "logGroupNames"] = list(log_groups)
        if query.language != "CWLI":
            # Sent only when needed: boto3 releases before December 2024 lack the parameter.
            request["queryLanguage"] = query.language
        client = self.client()
        self.progress.note(
            f"{query.source} on {_count(len(log_groups), 'log group') if log_groups else 'SOURCE'}"
            f", {_utc(start)} to {_utc(end)} UTC, in {client.meta.region_name}"
        )
        self.query_id = self.call("start the query", client.start_query, **request)["queryId"]
        self.running = True
        final = self.wait(client, timeout)
        rows = [_row(fields) for fields in final.get("results", [])]
        token = final.get("nextToken")
        while token:
            # GetQueryResults pages beyond 10,000 rows (Logs Insights QL only).
            page = self.call(
                "read the results",
                client.get_query_results,
                failed=EXIT_FAILED,
                queryId=self.query_id,
                nextToken=token,
            )
            rows += [_row(fields) for fields in page.get("results", [])]
            token = page.get("nextToken")
        self.print_rows(rows, final.get("statistics"))
        return EXIT_OK

    # -------------------------------------------------------------- the query

    def resolve(self, argument: str) -> ResolvedQuery:
        """Return the query ``argument`` names or is."""
        if is_query_text(argument):
            return ResolvedQuery(argument, (), "query text")
        found = self.from_file(argument)
        if found is not None:
            return found
        return self.from_account(argument)

    def from_file(self, name: str) -> ResolvedQuery | None:
        """The saved query ``name`` of the blueprint file, or None."""
        config, path = self.blueprint()
        if config is None:
            return None
        saved = saved_queries(config)
        if name not in saved:
            return None
        entry = saved[name]
        language = getattr(entry, "query_language", None) or "CWLI"
        return ResolvedQuery(
            entry.query,
            tuple(entry.log_groups),
            f"saved query {name!r} of {path}",
            language=str(language),
        )

    def blueprint(self) -> tuple[Blueprint | None, str]:
        """The blueprint file's model, or None when there is no file to read."""
        explicit = self.args.file is not None
        path = self.args.file if explicit else "blueprint.yaml"
        if not explicit and not Path(path).is_file():
            return None, path
        from observability_blueprint.config.blueprint import Blueprint
        from observability_blueprint.rules.errors import BlueprintError

        try:
            config = Blueprint.from_yaml(path)
        except BlueprintError as error:
            shown = error if error.source else error.with_source(path)
            if explicit:
                raise QueryCommandError(
                    f"cannot read saved queries from {path}:\n{shown}", EXIT_CANNOT_RUN
                ) from None
            self.progress.warn(f"skipped {path}, which is not valid: {str(shown).splitlines()[0]}")
            return None, path
        self.file_read, self.file_region = path, config.home_region
        return config, path

    def from_account(self, name: str) -> ResolvedQuery:
        """The saved query ``name`` of the account (its exact name, folder included)."""
        client = self.client()
        exact: list[QueryDefinitionTypeDef] = []
        similar: list[str] = []
        for definition in self.definitions(client, name):
            if definition.get("name") == name:
                exact.append(definition)
            else:
                similar.append(str(definition.get("name")))
        if not exact:
            where = f"in {self.file_read} or " if self.file_read else ""
            hint = (
                f"; saved queries whose names start with it: {', '.join(map(repr, similar[:5]))}"
                if similar
                else "; query text must hold a pipe or start with a command (fields, filter, ...)"
            )
            raise QueryCommandError(
                f"no saved query is named {cut(name)!r} {where}in the account's saved queries "
                f"in {client.meta.region_name}{hint}",
                EXIT_CANNOT_RUN,
            )
        if len(exact) > 1:
            ids = ", ".join(str(d.get("queryDefinitionId")) for d in exact)
            raise QueryCommandError(
                f"{len(exact)} saved queries in {client.meta.region_name} are named {cut(name)!r} "
                f"(ids {ids}); rename one of them or pass the query text",
                EXIT_CANNOT_RUN,
            )
        [definition] = exact
        return ResolvedQuery(
            str(definition.get("queryString", "")),
            tuple(definition.get("logGroupNames") or ()),
            f"saved query {name!r} of the account",
            language=str(definition.get("queryLanguage") or "CWLI"),
        )

    def definitions(
        self, client: CloudWatchLogsClient, prefix: str
    ) -> Iterator[QueryDefinitionTypeDef]:
        """Every saved query of the account whose name starts with ``prefix``."""
        token: str | None = None
        while True:
            request: dict[str, Any] = {"queryDefinitionNamePrefix": prefix, "maxResults": 1000}
            if token:
                request["nextToken"] = token
            page = self.call("list the saved queries", client.describe_query_definitions, **request)
            yield from page.get("queryDefinitions", [])
            token = page.get("nextToken")
            if not token:
                return

    # -------------------------------------------------------------- AWS

    def client(self) -> CloudWatchLogsClient:
        """The CloudWatch Logs client, made on first use."""
        if self._client is None:
            region = self.args.region or self.file_region
            self._client = self.call(
                "create a CloudWatch Logs client",
                self.client_factory,
                self.args.profile,
                region,
            )
        return self._client

    def call(
        self,
        action: str,
        function: Callable[..., _T],
        /,
        *args: Any,
        failed: int = EXIT_CANNOT_RUN,
        **kwargs: Any,
    ) -> _T:
        """Return ``function(*args, **kwargs)``; what botocore raises becomes a
        :class:`QueryCommandError` that says what could not be done (``action``).

        ``failed`` is the exit status of a refused call that is not about
        credentials, permissions or the query's syntax.
        """
        try:
            return function(*args, **kwargs)
        except QueryCommandError:
            raise
        except Exception as error:
            translated = _aws_error(error, action, failed)
            if translated is None:
                raise
            raise translated from None

    def wait(self, client: CloudWatchLogsClient, timeout: float) -> GetQueryResultsResponseTypeDef:
        """Poll the query until it ends; return the last GetQueryResults response."""
        query_id = self.query_id or ""
        started = self.clock()
        interval = POLL_FIRST
        while True:
            remaining = started + timeout - self.clock()
            self.sleep(max(min(interval, remaining), 0.0))
            interval = min(interval * POLL_GROWTH, POLL_MAX)
            response = self.call(
                "read the query's status",
                client.get_query_results,
                failed=EXIT_FAILED,
                queryId=query_id,
            )
            status = response.get("status", "Unknown")
            elapsed = self.clock() - started
            if status not in RUNNING_STATUSES:
                self.running = False
                self.progress.clear()
                _check_status(status, elapsed, query_id)
                return response
            self.progress.show(status, response.get("statistics"), elapsed)
            if self.clock() - started >= timeout:
                self.progress.clear()
                stopped = self.stop()
                raise QueryCommandError(
                    f"the query did not finish within {_duration(timeout)} (--timeout){stopped}; "
                    "narrow the time range or the log groups, or raise --timeout",
                    EXIT_TIMEOUT,
                )

    def stop(self) -> str:
        """Stop the running query, if any; return what to add to the message."""
        if not self.running or self.query_id is None or self._client is None:
            return ""
        query_id, self.running = self.query_id, False
        try:
            self._client.stop_query(queryId=query_id)
        except Exception as error:  # the query may have ended meanwhile
            return f"; query {query_id} could not be stopped ({cut(str(error), 200)})"
        return f"; stopped query {query_id}"

    # -------------------------------------------------------------- output

    def print_rows(self, rows: list[dict[str, str]], stats: QueryStatisticsTypeDef | None) -> None:
        """Print the rows as the arguments ask: a table, JSON or CSV."""
        if self.args.json:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        elif self.args.csv:
            self.stdout.write(render_csv(rows))
        else:
            self.stdout.write(render_table(rows))
            self.stdout.write(_summary(len(rows), stats) + "\n")


def _aws_error(error: Exception, action: str, failed: int) -> QueryCommandError | None:
    """The :class:`QueryCommandError` for what botocore raised; None for anything else."""
    try:
        from botocore import exceptions
    except ImportError:
        return None
    if isinstance(error, exceptions.NoCredentialsError | exceptions.PartialCredentialsError):
        return QueryCommandError(
            f"no AWS credentials found ({error}); configure them (aws configure, "
            "aws sso login, AWS_PROFILE or AWS_ACCESS_KEY_ID) or pass --profile",
            EXIT_CANNOT_RUN,
        )
    if isinstance(error, exceptions.ProfileNotFound):
        return QueryCommandError(
            f"{error}; name a profile of ~/.aws/config with --profile", EXIT_CANNOT_RUN
        )
    if isinstance(error, exceptions.NoRegionError):
        return QueryCommandError(
            "no AWS Region given: pass --region, set AWS_REGION, or give the profile a region",
            EXIT_CANNOT_RUN,
        )
    if isinstance(error, exceptions.BotoCoreError):
        return QueryCommandError(f"cannot {action}: {error}", EXIT_CANNOT_RUN)
    if not isinstance(error, exceptions.ClientError):
        return None
    code = str(error.response.get("Error", {}).get("Code", ""))
    message = cut(str(error.response.get("Error", {}).get("Message", "")), 300)
    if code == "MalformedQueryException":
        compile_error = error.response.get("queryCompileError")
        return QueryCommandError(_malformed(message, compile_error), EXIT_FAILED)
    if code in CREDENTIAL_CODES or code.startswith("AccessDenied"):
        return QueryCommandError(
            f"AWS refused the credentials or their permissions to {action} ({code}: {message})",
            EXIT_CANNOT_RUN,
        )
    if code == "ResourceNotFoundException":
        return QueryCommandError(
            f"cannot {action}: {message} (is a log group missing from this account and Region?)",
            EXIT_CANNOT_RUN,
        )
    if code == "LimitExceededException":
        return QueryCommandError(
            f"cannot {action}: {message} (too many queries are running in the account; "
            "try again when some end)",
            EXIT_CANNOT_RUN,
        )
    return QueryCommandError(f"cannot {action}: {code}: {message}", failed)


CREDENTIAL_CODES: Final = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "UnauthorizedOperation",
    }
)


def _check_status(status: str, elapsed: float, query_id: str) -> None:
    """Raise for a query that ended without completing."""
    if status == "Complete":
        return
    after = f"after {_duration(elapsed)} (query {query_id})"
    if status == "Timeout":
        raise QueryCommandError(
            f"CloudWatch Logs stopped the query at its 60-minute limit {after}; "
            "narrow the time range or split the query",
            EXIT_TIMEOUT,
        )
    if status == "Cancelled":
        raise QueryCommandError(f"the query was cancelled {after}", EXIT_FAILED)
    raise QueryCommandError(
        f"the query ended with status {status} {after}; CloudWatch Logs gives no reason: "
        "try it in the console's Logs Insights page",
        EXIT_FAILED,
    )


# ------------------------------------------------------------------ pure parts


def is_query_text(argument: str) -> bool:
    """Whether the command's argument is query text rather than a saved query's name.

    Query text holds a pipe or a line break, starts with a comment, or starts with
    a query command followed by more (a lone word is a name: ``stats`` can name a
    saved query).
    """
    text = argument.strip()
    if "|" in text or "\n" in text or text.startswith("#"):
        return True
    words = text.split(maxsplit=1)
    return len(words) == 2 and words[0].lower() in QUERY_COMMANDS


def saved_queries(config: object) -> Mapping[str, SavedQuery]:
    """The blueprint file's saved queries by name; empty before the file model has them."""
    saved = getattr(config, "saved_queries", None)
    return saved if isinstance(saved, Mapping) else {}


def check_offline(text: str) -> None:
    """Refuse a Logs Insights query that the offline checker finds malformed.

    The checker is ``rules.logs_insights.check_query(text)``: it returns the message
    (the query with a caret under the problem) for a malformed query and None for
    a good one; a ``ValueError`` it raises counts as a message too. Without that
    function the service's MalformedQueryException is the only check.
    """
    try:
        module = importlib.import_module("observability_blueprint.rules.logs_insights")
    except ImportError:
        return
    check = getattr(module, "check_query", None)
    if not callable(check):
        return
    try:
        problem = check(text)
    except ValueError as error:
        problem = str(error)
    if isinstance(problem, str) and problem:
        raise QueryCommandError(
            f"the query is malformed (checked before sending it):\n{problem}", EXIT_FAILED
        )


def check_log_groups(log_groups: Sequence[str], query: ResolvedQuery) -> None:
    """Refuse log groups StartQuery would refuse, or none where the query needs some."""
    if not log_groups:
        if query.language == "SQL" or re.match(r"\s*SOURCE\b", query.text, re.IGNORECASE):
            return  # SQL and the SOURCE command name the log groups inside the query
        what = "query text" if query.source == "query text" else f"the {query.source}"
        raise QueryCommandError(
            f"{what} names no log groups: pass one or more --log-group NAME (or ARN)",
            EXIT_CANNOT_RUN,
        )
    if len(log_groups) > LOG_GROUPS_MAX:
        raise QueryCommandError(
            f"{len(log_groups)} log groups; a query takes at most {LOG_GROUPS_MAX} "
            "(or select them with the SOURCE command)",
            EXIT_CANNOT_RUN,
        )
    for group in log_groups:
        if group.startswith("arn:"):
            if group.endswith(":*"):
                problem: str | None = (
                    f"{cut(group)!r} ends with :*; a query takes the log group ARN without it"
                )
            else:
                problem = arns.arn_problem(group, [arns.LOG_GROUP])
        else:
            problem = check_log_group_name(group)
        if problem:
            raise QueryCommandError(f"--log-group: {problem}", EXIT_CANNOT_RUN)


def parse_duration(text: str) -> timedelta:
    """Return the duration ``30m``, ``1h``, ``2d``, ``1w``, ``1h30m`` or ``90`` (seconds)."""
    compact = text.strip().lower()
    if compact.isdigit():
        return timedelta(seconds=int(compact))
    parts = _DURATION.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise ValueError(
            f"{cut(text)!r} is not a duration; write a number and a unit (s, m, h, d, w): "
            "90s, 30m, 1h, 2d, 1h30m"
        )
    return timedelta(seconds=sum(int(n) * _UNITS[u] for n, u in parts))


def parse_time(text: str) -> datetime:
    """Return the ISO 8601 time ``text`` as an aware datetime (UTC when it has no offset)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{cut(text)!r} is not an ISO 8601 time; write 2026-05-01T12:00:00Z, "
            "2026-05-01T14:00+02:00 or 2026-05-01 (UTC when no offset is given)"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def time_range(
    since: str | None, start: str | None, end: str | None, now: datetime
) -> tuple[int, int]:
    """Return (startTime, endTime) in epoch seconds, as StartQuery takes them.

    ``--since`` counts back from ``--end`` (now by default); the range is inclusive.
    """
    try:
        last = parse_time(end) if end is not None else now
        if start is not None:
            first = parse_time(start)
        else:
            span = parse_duration(since or DEFAULT_SINCE)
            if span <= timedelta(0):
                raise ValueError(f"--since {since} is no time at all; give a positive duration")
            first = last - span
    except (ValueError, OverflowError) as error:
        raise QueryCommandError(str(error), EXIT_CANNOT_RUN) from None
    where = "--start" if start is not None else "--since"
    if last <= first:
        raise QueryCommandError(
            f"the end ({_iso(last)}) is not after the start ({_iso(first)}); "
            "give an --end later than --start",
            EXIT_CANNOT_RUN,
        )
    if first > now:
        raise QueryCommandError(
            f"the start ({_iso(first)}) is in the future (now {_iso(now)}): no logs to query yet",
            EXIT_CANNOT_RUN,
        )
    if first.timestamp() < 0:
        raise QueryCommandError(
            f"{where} reaches back to {_iso(first)}, before 1970; StartQuery takes epoch "
            "seconds from 0",
            EXIT_CANNOT_RUN,
        )
    return int(first.timestamp()), int(last.timestamp())


def _seconds(text: str, option: str) -> float:
    try:
        span = parse_duration(text)
    except (ValueError, OverflowError) as error:
        raise QueryCommandError(f"{option}: {error}", EXIT_CANNOT_RUN) from None
    if span <= timedelta(0):
        raise QueryCommandError(f"{option} {text} leaves the query no time to run", EXIT_CANNOT_RUN)
    return span.total_seconds()


def _malformed(message: str, compile_error: object) -> str:
    """The message for a MalformedQueryException.

    The service's own message comes first: the API reference marks the fields of
    ``queryCompileError`` (location, message) "Reserved", so its offsets are not
    used for a caret and its message only stands in for a missing one.
    https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_QueryCompileError.html
    """
    if not message and isinstance(compile_error, Mapping):
        message = str(compile_error.get("message") or "")
    return (
        f"CloudWatch Logs refused the query as malformed: {message or '(no reason given)'}; "
        "see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html"
    )


def _row(fields: Sequence[ResultFieldTypeDef]) -> dict[str, str]:
    return {f["field"]: f.get("value", "") for f in fields if "field" in f}


def _columns(rows: Sequence[Mapping[str, str]], *, pointer: bool) -> list[str]:
    """Every field of the rows in the order first seen; ``@ptr`` last, or left out."""
    seen = dict.fromkeys(name for row in rows for name in row)
    columns = [name for name in seen if name != "@ptr"]
    return [*columns, "@ptr"] if pointer and "@ptr" in seen else columns


def render_table(rows: Sequence[Mapping[str, str]]) -> str:
    """Return the rows as an aligned text table, without ``@ptr``; empty text for no rows.

    Line breaks and tabs in a value are shown as ``\\n`` and ``\\t``; values are cut
    at :data:`CELL_MAX` characters. Columns whose values are all numbers align right.
    """
    columns = _columns(rows, pointer=False)
    if not columns:
        return ""
    cells = [[_cell(row.get(name, "")) for name in columns] for row in rows]
    widths = [max([len(name)] + [len(line[i]) for line in cells]) for i, name in enumerate(columns)]
    numeric = [
        all(_NUMBER.fullmatch(line[i]) or not line[i] for line in cells)
        for i in range(len(columns))
    ]

    def line(values: Sequence[str]) -> str:
        shown = [
            v.rjust(w) if right else v.ljust(w)
            for v, w, right in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(shown).rstrip() + "\n"

    return (
        line(columns) + line(["-" * w for w in widths]) + "".join(line(values) for values in cells)
    )


def render_csv(rows: Sequence[Mapping[str, str]]) -> str:
    """Return the rows as CSV with a header row (``@ptr`` last); empty text for no rows."""
    columns = _columns(rows, pointer=True)
    if not columns:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _cell(value: str) -> str:
    shown = value.replace("\r", "").replace("\n", "\\n").replace("\t", "\\t")
    return cut(shown, CELL_MAX)


def _summary(count: int, stats: QueryStatisticsTypeDef | None) -> str:
    rows = _count(count, "row") if count else "no rows"
    if not stats:
        return rows
    matched = int(stats.get("recordsMatched", 0))
    scanned = int(stats.get("recordsScanned", 0))
    return (
        f"{rows}; {matched:,} of {scanned:,} records matched, "
        f"{_bytes(stats.get('bytesScanned', 0))} scanned"
    )


class _Progress:
    """The progress line on stderr: redrawn in place on a terminal, a line per poll elsewhere."""

    def __init__(self, stream: TextIO, *, shown: bool, terminal: bool) -> None:
        self.stream = stream
        self.shown = shown
        self.terminal = terminal
        self.drawn = False

    def note(self, text: str) -> None:
        if self.shown:
            self.stream.write(f"{text}\n")

    def warn(self, text: str) -> None:
        self.clear()
        self.stream.write(f"obs-blueprint query: note: {text}\n")

    def show(self, status: str, stats: QueryStatisticsTypeDef | None, elapsed: float) -> None:
        if not self.shown:
            return
        stats = stats or {}
        text = (
            f"{status} {_duration(elapsed)}: {int(stats.get('recordsScanned', 0)):,} records "
            f"scanned, {int(stats.get('recordsMatched', 0)):,} matched, "
            f"{_bytes(stats.get('bytesScanned', 0))}"
        )
        if self.terminal:
            self.stream.write(f"\r{text}\x1b[K")
            self.drawn = True
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def clear(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _bytes(count: float) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def _duration(seconds: float) -> str:
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s" if secs else f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _utc(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")
