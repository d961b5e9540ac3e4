"""``obs-blueprint query``: a Logs Insights query from the terminal.

moto runs what it implements of CloudWatch Logs Insights (StartQuery and
GetQueryResults with fields, sort and limit; queries complete at once). What it
lacks (DescribeQueryDefinitions, StopQuery, statistics, the Scheduled, Running,
Failed and Timeout statuses, MalformedQueryException) is played with botocore's
Stubber. Either way the client is handed in or intercepted: nothing reaches AWS
(tests/conftest.py fails any connection that leaves this machine), and the clock
and the waits between polls are fakes, so no test sleeps.
"""

from __future__ import annotations

import calendar
import io
import json
import subprocess
import sys
import time
import types
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from observability_blueprint.cli import query as query_cli
from observability_blueprint.cli.main import main
from observability_blueprint.cli.query import (
    EXIT_CANNOT_RUN,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TIMEOUT,
    is_query_text,
    query_main,
    render_csv,
    render_table,
)
from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.rules.text_syntax import TextSyntaxError
from support import ROOT

REGION = "eu-west-1"
GROUP = "/shop/dev/api"
TEXT = "fields @timestamp, @message | sort @timestamp desc"
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
END = calendar.timegm((2026, 5, 1, 12, 0, 0))
"""NOW in epoch seconds."""
HOUR = 3600


class FakeTime:
    """A monotonic clock that only the fake sleep moves; records every wait."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Terminal(io.StringIO):
    """An in-memory stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Result:
    """What one run of the command returned and printed."""

    def __init__(self, code: int, stdout: str, stderr: str, regions: list[str | None]) -> None:
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        self.regions = regions
        """The Region the client factory was asked for, once per client made."""


def run(
    argv: list[str],
    client: Any = None,
    *,
    fake_time: FakeTime | None = None,
    stderr: io.StringIO | None = None,
    now: datetime = NOW,
    sleep: Callable[[float], None] | None = None,
) -> Result:
    """Run ``obs-blueprint query ARGV`` with ``client`` (None: a factory that must not be used)."""
    regions: list[str | None] = []

    def factory(profile: str | None, region: str | None) -> Any:
        regions.append(region)
        if client is None:
            raise AssertionError("the command asked for a client although it must not call AWS")
        return client

    clock = fake_time or FakeTime()
    out, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    code = query_main(
        argv,
        client_factory=factory,
        stdout=out,
        stderr=err,
        clock=clock.clock,
        sleep=sleep or clock.sleep,
        now=lambda: now,
    )
    return Result(code, out.getvalue(), err.getvalue(), regions)


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    """A CloudWatch Logs client with a Stubber; every queued response must be used."""
    client = boto3.client("logs", region_name=REGION)
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def expect_start(
    stubber: Stubber,
    *,
    text: str = TEXT,
    groups: list[str] | None = None,
    start: int = END - HOUR,
    end: int = END,
    key: str = "logGroupNames",
    query_id: str = "q-1",
) -> None:
    stubber.add_response(
        "start_query",
        {"queryId": query_id},
        {"startTime": start, "endTime": end, "queryString": text, key: groups or [GROUP]},
    )


def expect_results(
    stubber: Stubber,
    status: str,
    *,
    rows: list[dict[str, str]] | None = None,
    statistics: dict[str, float] | None = None,
    next_token: str | None = None,
    token: str | None = None,
    query_id: str = "q-1",
) -> None:
    response: dict[str, Any] = {
        "status": status,
        "results": [[{"field": k, "value": v} for k, v in row.items()] for row in rows or []],
    }
    if statistics is not None:
        response["statistics"] = statistics
    if next_token is not None:
        response["nextToken"] = next_token
    expected: dict[str, Any] = {"queryId": query_id}
    if token is not None:
        expected["nextToken"] = token
    stubber.add_response("get_query_results", response, expected)


# ------------------------------------------------------------------ against moto


@pytest.fixture
def moto_logs() -> Iterator[tuple[Any, datetime, list[int]]]:
    """moto with log group /shop/dev/api holding three events of the last hour.

    Yields the client, the time to run the query at (moto only accepts events
    of the last 14 days, so it follows the real clock) and the events' times
    (ms), oldest first.
    """
    now = datetime.now(UTC).replace(microsecond=0)
    stamps = [int((now - timedelta(minutes=m)).timestamp() * 1000) for m in (50, 20, 5)]
    with mock_aws():
        client = boto3.client("logs", region_name=REGION)
        client.create_log_group(logGroupName=GROUP)
        client.create_log_stream(logGroupName=GROUP, logStreamName="web-1")
        messages = ['{"level":"INFO"}', '{"level":"ERROR","msg":"card declined"}', "two\nlines"]
        client.put_log_events(
            logGroupName=GROUP,
            logStreamName="web-1",
            logEvents=[
                {"timestamp": t, "message": m} for t, m in zip(stamps, messages, strict=True)
            ],
        )
        yield client, now, stamps


def test_query_text_runs_in_moto_and_prints_a_table(
    moto_logs: tuple[Any, datetime, list[int]],
) -> None:
    client, now, stamps = moto_logs
    result = run([TEXT + " | limit 2", "--log-group", GROUP], client, now=now)
    assert result.code == EXIT_OK, result.stderr
    # Newest first; the line break is shown as \n; @ptr (moto puts it first) is left out.
    assert result.stdout == (
        "   @timestamp  @message\n"
        "-------------  ---------------------------------------\n"
        f"{stamps[2]}  two\\nlines\n"
        f'{stamps[1]}  {{"level":"ERROR","msg":"card declined"}}\n'
        "2 rows\n"
    )
    assert result.stderr == ""  # no progress line: stderr is not a terminal


def test_query_json_and_csv_keep_whole_values_and_ptr(
    moto_logs: tuple[Any, datetime, list[int]],
) -> None:
    client, now, _ = moto_logs
    text = "fields @message | sort @timestamp asc | limit 2"
    as_json = run([text, "-g", GROUP, "--json"], client, now=now)
    assert as_json.code == EXIT_OK, as_json.stderr
    # moto numbers @ptr by event across the run, so only its presence is checked.
    rows = json.loads(as_json.stdout)
    assert [row["@message"] for row in rows] == [
        '{"level":"INFO"}',
        '{"level":"ERROR","msg":"card declined"}',
    ]
    assert all(set(row) == {"@message", "@ptr"} for row in rows)
    as_csv = run([text, "-g", GROUP, "--csv"], client, now=now)
    assert as_csv.code == EXIT_OK, as_csv.stderr
    lines = as_csv.stdout.splitlines()
    assert lines[0] == "@message,@ptr"
    assert lines[1].startswith('"{""level"":""INFO""}",')
    assert lines[2].startswith('"{""level"":""ERROR"",""msg"":""card declined""}",')


def test_query_through_obs_blueprint_with_boto3_in_moto(
    moto_logs: tuple[Any, datetime, list[int]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The subcommand is wired: main() parses it and boto3's own client (moto) runs it."""
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    code = main(["query", "fields @message | limit 1", "-g", GROUP, "--region", REGION, "--json"])
    captured = capsys.readouterr()
    assert code == EXIT_OK, captured.err
    assert [row["@message"] for row in json.loads(captured.out)] == ["two\nlines"]


def test_a_missing_log_group_cannot_run(moto_logs: tuple[Any, datetime, list[int]]) -> None:
    client, now, _ = moto_logs
    result = run([TEXT, "-g", "/shop/dev/nope"], client, now=now)
    assert result.code == EXIT_CANNOT_RUN
    assert result.stderr.startswith("obs-blueprint query: cannot start the query: ")
    assert "is a log group missing from this account and Region?" in result.stderr


# ------------------------------------------------------------------ with the Stubber


def test_progress_line_on_a_terminal_then_the_table(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    expect_start(stubber)
    expect_results(stubber, "Scheduled")
    expect_results(
        stubber,
        "Running",
        statistics={"recordsScanned": 12345.0, "recordsMatched": 7.0, "bytesScanned": 2_500_000.0},
    )
    expect_results(
        stubber,
        "Complete",
        rows=[{"status": "500", "count()": "7", "@ptr": "p1"}],
        statistics={"recordsScanned": 20000.0, "recordsMatched": 7.0, "bytesScanned": 4_000_000.0},
    )
    fake = FakeTime()
    terminal = Terminal()
    result = run([TEXT, "-g", GROUP], client, fake_time=fake, stderr=terminal)
    assert result.code == EXIT_OK
    assert fake.sleeps == [1.0, 1.5, 2.25]  # every second, growing towards 5 s
    assert result.stderr == (
        "query text on 1 log group, 2026-05-01 11:00:00 to 2026-05-01 12:00:00 UTC, "
        "in eu-west-1\n"
        "\rScheduled 1s: 0 records scanned, 0 matched, 0 B\x1b[K"
        "\rRunning 2s: 12,345 records scanned, 7 matched, 2.5 MB\x1b[K"
        "\r\x1b[K"
    )
    assert result.stdout == (
        "status  count()\n"
        "------  -------\n"
        "   500        7\n"
        "1 row; 7 of 20,000 records matched, 4.0 MB scanned\n"
    )


def test_progress_lines_when_asked_off_a_terminal(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    expect_start(stubber)
    expect_results(stubber, "Running", statistics={"recordsScanned": 10.0, "bytesScanned": 999.0})
    expect_results(stubber, "Complete")
    result = run([TEXT, "-g", GROUP, "--progress"], client)
    assert result.code == EXIT_OK
    assert result.stderr.splitlines()[1:] == ["Running 1s: 10 records scanned, 0 matched, 999 B"]
    assert result.stdout == "no rows\n"


def test_no_progress_on_a_terminal_when_told(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    expect_start(stubber)
    expect_results(stubber, "Running")
    expect_results(stubber, "Complete")
    result = run([TEXT, "-g", GROUP, "--no-progress"], client, stderr=Terminal())
    assert (result.code, result.stderr) == (EXIT_OK, "")


def test_a_failed_query_exits_1(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    expect_start(stubber)
    expect_results(stubber, "Running")
    expect_results(stubber, "Failed")
    result = run([TEXT, "-g", GROUP, "--json"], client)
    assert result.code == EXIT_FAILED
    assert result.stdout == ""
    assert result.stderr == (
        "obs-blueprint query: the query ended with status Failed after 2s (query q-1); "
        "CloudWatch Logs gives no reason: try it in the console's Logs Insights page\n"
    )


def test_a_query_cancelled_elsewhere_exits_1(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    expect_start(stubber)
    expect_results(stubber, "Cancelled")
    result = run([TEXT, "-g", GROUP], client)
    assert result.code == EXIT_FAILED
    assert "the query was cancelled after 1s (query q-1)" in result.stderr


def test_a_query_past_timeout_is_stopped_and_exits_3(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    expect_start(stubber)
    for _ in range(3):
        expect_results(stubber, "Running")
    stubber.add_response("stop_query", {"success": True}, {"queryId": "q-1"})
    fake = FakeTime()
    result = run([TEXT, "-g", GROUP, "--timeout", "3s"], client, fake_time=fake)
    assert result.code == EXIT_TIMEOUT
    assert fake.sleeps == [1.0, 1.5, 0.5]  # the last wait ends at the deadline
    assert result.stderr == (
        "obs-blueprint query: the query did not finish within 3s (--timeout); stopped query "
        "q-1; narrow the time range or the log groups, or raise --timeout\n"
    )


def test_the_default_timeout_is_15_minutes(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    expect_start(stubber)
    # Waits of 1, 1.5, 2.25 and 3.375 s (8.125 s), then 178 of 5 s (898.125 s), then the
    # 1.875 s left to 900 s: 183 polls, all Running.
    for _ in range(183):
        expect_results(stubber, "Running")
    stubber.add_response("stop_query", {"success": True}, {"queryId": "q-1"})
    fake = FakeTime()
    result = run([TEXT, "-g", GROUP], client, fake_time=fake)
    assert result.code == EXIT_TIMEOUT
    assert fake.sleeps[:6] == [1.0, 1.5, 2.25, 3.375, 5.0, 5.0]
    assert len(fake.sleeps) == 183
    assert fake.sleeps[-1] == pytest.approx(1.875)
    assert fake.now == pytest.approx(900.0)
    assert "did not finish within 15m (--timeout); stopped query q-1" in result.stderr


def test_the_service_timeout_exits_3(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    expect_start(stubber)
    expect_results(stubber, "Timeout")
    result = run([TEXT, "-g", GROUP], client)
    assert result.code == EXIT_TIMEOUT
    assert "CloudWatch Logs stopped the query at its 60-minute limit after 1s" in result.stderr


def test_ctrl_c_stops_the_query(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    expect_start(stubber)
    expect_results(stubber, "Running")
    stubber.add_response("stop_query", {"success": True}, {"queryId": "q-1"})
    fake = FakeTime()

    def interrupted_second_wait(seconds: float) -> None:
        if fake.sleeps:
            raise KeyboardInterrupt
        fake.sleep(seconds)

    result = run([TEXT, "-g", GROUP], client, fake_time=fake, sleep=interrupted_second_wait)
    assert result.code == EXIT_INTERRUPTED
    assert result.stderr == "obs-blueprint query: interrupted; stopped query q-1\n"


def test_a_query_that_ended_before_stop_still_reports_the_timeout(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stubber = stubbed
    expect_start(stubber)
    expect_results(stubber, "Running")
    stubber.add_client_error(
        "stop_query",
        service_error_code="InvalidParameterException",
        service_message="Query is not running",
        expected_params={"queryId": "q-1"},
    )
    result = run([TEXT, "-g", GROUP, "--timeout", "1"], client)
    assert result.code == EXIT_TIMEOUT
    assert "within 1s (--timeout); query q-1 could not be stopped (" in result.stderr
    assert "Query is not running" in result.stderr


def test_a_query_whose_status_cannot_be_read_is_stopped(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    expect_start(stubber)
    stubber.add_client_error(
        "get_query_results",
        service_error_code="InternalFailure",
        service_message="We encountered an internal error.",
        http_status_code=400,
        expected_params={"queryId": "q-1"},
    )
    stubber.add_response("stop_query", {"success": True}, {"queryId": "q-1"})
    result = run([TEXT, "-g", GROUP], client)
    assert result.code == EXIT_FAILED
    assert result.stderr == (
        "obs-blueprint query: cannot read the query's status: InternalFailure: "
        "We encountered an internal error.; stopped query q-1\n"
    )


def test_the_service_refuses_a_malformed_query(
    stubbed: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(query_cli, "check_offline", lambda text: None)  # the service decides
    client, stubber = stubbed
    text = "fields @message | filtr level = 'ERROR'"
    stubber.add_client_error(
        "start_query",
        service_error_code="MalformedQueryException",
        service_message="unexpected symbol found filtr at line 1 and position 18",
        http_status_code=400,
        expected_params={
            "startTime": END - HOUR,
            "endTime": END,
            "queryString": text,
            "logGroupNames": [GROUP],
        },
        modeled_fields={
            "queryCompileError": {
                "location": {"startCharOffset": 18, "endCharOffset": 23},
                "message": "unexpected symbol found filtr",
            }
        },
    )
    result = run([text, "-g", GROUP], client)
    assert result.code == EXIT_FAILED
    assert result.stderr == (
        "obs-blueprint query: CloudWatch Logs refused the query as malformed: "
        "unexpected symbol found filtr at line 1 and position 18; see "
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html\n"
    )


@pytest.mark.parametrize("raises", [False, True], ids=["returns", "raises"])
def test_a_malformed_query_found_offline_never_reaches_aws(
    monkeypatch: pytest.MonkeyPatch, raises: bool
) -> None:
    """rules/logs_insights.py's check_query (a stand-in here) refuses before any call,
    whether it returns the message or raises it."""
    checker = types.ModuleType("observability_blueprint.rules.logs_insights")

    def check_query(text: str) -> str | None:
        error = TextSyntaxError(text, text.index("'"), "unterminated string")
        if raises:
            raise error
        return str(error)

    checker.check_query = check_query  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "observability_blueprint.rules.logs_insights", checker)
    result = run(["fields @message | filter level = 'ERROR", "-g", GROUP])
    assert result.code == EXIT_FAILED
    assert result.regions == []  # no client was made
    assert result.stderr == (
        "obs-blueprint query: the query is malformed (checked before sending it):\n"
        "unterminated string\n"
        "  fields @message | filter level = 'ERROR\n" + " " * 35 + "^\n"
    )


def test_a_query_the_offline_checker_passes_is_sent(
    stubbed: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch
) -> None:
    checker = types.ModuleType("observability_blueprint.rules.logs_insights")
    checker.check_query = lambda text: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "observability_blueprint.rules.logs_insights", checker)
    client, stubber = stubbed
    expect_start(stubber)
    expect_results(stubber, "Complete")
    assert run([TEXT, "-g", GROUP], client).code == EXIT_OK


def test_the_real_offline_check_refuses_an_unclosed_quote() -> None:
    """Once rules/logs_insights.py ships check_query, a broken query stops before AWS."""
    module = pytest.importorskip("observability_blueprint.rules.logs_insights")
    if not callable(getattr(module, "check_query", None)):
        pytest.skip("rules/logs_insights.py has no check_query yet")
    result = run(["fields @message | filter level = 'ERROR", "-g", GROUP])
    assert result.code == EXIT_FAILED
    assert result.regions == []
    assert "the query is malformed (checked before sending it)" in result.stderr


def test_results_past_the_first_page_are_read(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    expect_start(stubber)
    expect_results(stubber, "Complete", rows=[{"n": "1"}], next_token="page-2")
    expect_results(stubber, "Complete", rows=[{"n": "2"}], token="page-2")
    result = run([TEXT, "-g", GROUP, "--csv"], client)
    assert (result.code, result.stdout) == (EXIT_OK, "n\n1\n2\n")


def test_log_group_arns_go_as_identifiers(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/shop/dev/api"
    expect_start(stubber, groups=[arn, "/shop/dev/worker"], key="logGroupIdentifiers")
    expect_results(stubber, "Complete")
    result = run([TEXT, "-g", arn, "-g", "/shop/dev/worker"], client)
    assert result.code == EXIT_OK, result.stderr


def test_refused_credentials_cannot_run(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_client_error(
        "start_query",
        service_error_code="ExpiredTokenException",
        service_message="The security token included in the request is expired",
        expected_params=None,
    )
    result = run([TEXT, "-g", GROUP], client)
    assert result.code == EXIT_CANNOT_RUN
    assert result.stderr == (
        "obs-blueprint query: AWS refused the credentials or their permissions to start the "
        "query (ExpiredTokenException: The security token included in the request is expired)\n"
    )


def test_too_many_running_queries_cannot_run(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_client_error(
        "start_query",
        service_error_code="LimitExceededException",
        service_message="Account maximum query concurrency limit of [100] reached.",
        expected_params=None,
    )
    result = run([TEXT, "-g", GROUP], client)
    assert result.code == EXIT_CANNOT_RUN
    assert "too many queries are running in the account; try again when some end" in result.stderr


# ------------------------------------------------------------------ saved queries


class StubSavedQuery:
    """What the file model's saved_queries holds: .query and .log_groups."""

    def __init__(self, query: str, log_groups: list[str]) -> None:
        self.query = query
        self.log_groups = log_groups


def stub_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, saved: dict[str, StubSavedQuery]
) -> Path:
    """A blueprint file whose model has ``saved_queries`` (the protocol the command reads)."""
    path = tmp_path / "blueprint.yaml"
    path.write_text("# read through the stand-in model below\n")
    model = types.SimpleNamespace(saved_queries=saved, home_region="eu-west-2")

    def from_yaml(cls: type[Blueprint], source: str | Path) -> Any:
        assert Path(source) == path
        return model

    monkeypatch.setattr(Blueprint, "from_yaml", classmethod(from_yaml))
    return path


def test_a_saved_query_of_the_file_runs_in_the_files_region(
    stubbed: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    client, stubber = stubbed
    text = "stats pct(latency_ms, 90) by bin(5m)"
    path = stub_file(
        monkeypatch, tmp_path, {"api/latency": StubSavedQuery(text, [GROUP, "/shop/dev/worker"])}
    )
    expect_start(stubber, text=text, groups=[GROUP, "/shop/dev/worker"])
    expect_results(stubber, "Complete", rows=[{"bin(5m)": "2026-05-01 11:55:00.000", "p90": "12"}])
    result = run(["api/latency", "--file", str(path)], client)
    assert result.code == EXIT_OK, result.stderr
    assert result.regions == ["eu-west-2"]  # the file's env.region
    assert result.stdout.startswith("bin(5m)" + " " * 18 + "p90\n")


def test_a_name_not_in_the_file_is_looked_up_in_the_files_region(
    stubbed: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    client, stubber = stubbed
    path = stub_file(monkeypatch, tmp_path, {"errors": StubSavedQuery(TEXT, [GROUP])})
    stubber.add_response(
        "describe_query_definitions",
        {"queryDefinitions": [{"name": "latency", "queryString": TEXT, "logGroupNames": [GROUP]}]},
        {"queryDefinitionNamePrefix": "latency", "maxResults": 1000},
    )
    expect_start(stubber)
    expect_results(stubber, "Complete")
    result = run(["latency", "--file", str(path)], client)
    assert result.code == EXIT_OK, result.stderr
    assert result.regions == ["eu-west-2"]


def test_log_groups_on_the_command_line_replace_the_saved_ones(
    stubbed: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    client, stubber = stubbed
    path = stub_file(monkeypatch, tmp_path, {"errors": StubSavedQuery(TEXT, ["/shop/dev/worker"])})
    expect_start(stubber, groups=[GROUP])
    expect_results(stubber, "Complete")
    result = run(["errors", "--file", str(path), "-g", GROUP, "--region", REGION], client)
    assert result.code == EXIT_OK, result.stderr
    assert result.regions == [REGION]  # --region wins over the file's


def test_a_saved_query_without_log_groups_needs_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = stub_file(monkeypatch, tmp_path, {"errors": StubSavedQuery(TEXT, [])})
    result = run(["errors", "--file", str(path)])
    assert result.code == EXIT_CANNOT_RUN
    assert result.stderr == (
        f"obs-blueprint query: the saved query 'errors' of {path} names no log groups: "
        "pass one or more --log-group NAME (or ARN)\n"
    )


def test_a_saved_query_of_the_account_is_found_by_its_exact_name(
    stubbed: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./blueprint.yaml: the account is asked
    client, stubber = stubbed
    name = "shop-dev/api/failed-requests"
    prefix = {"queryDefinitionNamePrefix": name, "maxResults": 1000}
    stubber.add_response(
        "describe_query_definitions",
        {
            "queryDefinitions": [
                {"name": f"{name}-old", "queryString": "fields 1", "queryDefinitionId": "d-1"}
            ],
            "nextToken": "more",
        },
        prefix,
    )
    stubber.add_response(
        "describe_query_definitions",
        {
            "queryDefinitions": [
                {
                    "name": name,
                    "queryString": TEXT,
                    "logGroupNames": [GROUP],
                    "queryDefinitionId": "d-2",
                }
            ]
        },
        {**prefix, "nextToken": "more"},
    )
    expect_start(stubber)
    expect_results(stubber, "Complete")
    result = run([name, "--progress"], client)
    assert result.code == EXIT_OK, result.stderr
    assert result.stderr.startswith(f"saved query '{name}' of the account on 1 log group, ")


def test_a_saved_sql_query_of_the_account_names_its_log_groups_inside(
    stubbed: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    client, stubber = stubbed
    sql = "SELECT `@message` FROM `/shop/dev/api` LIMIT 5"
    stubber.add_response(
        "describe_query_definitions",
        {"queryDefinitions": [{"name": "top", "queryString": sql, "queryLanguage": "SQL"}]},
        {"queryDefinitionNamePrefix": "top", "maxResults": 1000},
    )
    stubber.add_response(
        "start_query",
        {"queryId": "q-1"},
        {"startTime": END - HOUR, "endTime": END, "queryString": sql, "queryLanguage": "SQL"},
    )
    expect_results(stubber, "Complete")
    assert run(["top"], client).code == EXIT_OK


def test_an_unknown_name_cannot_run_and_names_the_near_ones(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stubber = stubbed
    stubber.add_response(
        "describe_query_definitions",
        {"queryDefinitions": [{"name": "shop-dev/api/errors-by-status"}]},
        {"queryDefinitionNamePrefix": "shop-dev/api/errors", "maxResults": 1000},
    )
    blueprint = ROOT / "blueprint.yaml"  # the real file: valid, and no such saved query
    result = run(["shop-dev/api/errors", "--file", str(blueprint)], client)
    assert result.code == EXIT_CANNOT_RUN
    assert result.stderr == (
        f"obs-blueprint query: no saved query is named 'shop-dev/api/errors' in {blueprint} "
        "or in the account's saved queries in eu-west-1; saved queries whose names start "
        "with it: 'shop-dev/api/errors-by-status'\n"
    )


def test_an_unknown_name_hints_at_query_text(
    stubbed: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    client, stubber = stubbed
    stubber.add_response(
        "describe_query_definitions",
        {"queryDefinitions": []},
        {"queryDefinitionNamePrefix": "errors", "maxResults": 1000},
    )
    result = run(["errors"], client)
    assert result.code == EXIT_CANNOT_RUN
    assert result.stderr == (
        "obs-blueprint query: no saved query is named 'errors' in the account's saved queries "
        "in eu-west-1; query text must hold a pipe or start with a command (fields, filter, ...)\n"
    )


def test_two_saved_queries_of_one_name_cannot_run(
    stubbed: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    client, stubber = stubbed
    stubber.add_response(
        "describe_query_definitions",
        {
            "queryDefinitions": [
                {"name": "errors", "queryDefinitionId": "d-1"},
                {"name": "errors", "queryDefinitionId": "d-2"},
            ]
        },
        {"queryDefinitionNamePrefix": "errors", "maxResults": 1000},
    )
    result = run(["errors"], client)
    assert result.code == EXIT_CANNOT_RUN
    assert "2 saved queries in eu-west-1 are named 'errors' (ids d-1, d-2)" in result.stderr


def test_an_invalid_file_named_with_file_cannot_run(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: shop\nstage: dev\nlog_groups: [{name: api, retention_days: 42}]\n")
    result = run(["errors", "--file", str(bad)])
    assert result.code == EXIT_CANNOT_RUN
    assert result.stderr.startswith(f"obs-blueprint query: cannot read saved queries from {bad}:\n")
    assert "log_groups[0].retention_days: 42 is not a CloudWatch Logs retention" in result.stderr


def test_an_invalid_default_file_is_skipped_with_a_note(
    stubbed: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blueprint.yaml").write_text("name: shop\nstage: dev\nlog_groups: 7\n")
    client, stubber = stubbed
    stubber.add_response(
        "describe_query_definitions",
        {"queryDefinitions": [{"name": "errors", "queryString": TEXT, "logGroupNames": [GROUP]}]},
        {"queryDefinitionNamePrefix": "errors", "maxResults": 1000},
    )
    expect_start(stubber)
    expect_results(stubber, "Complete")
    result = run(["errors"], client)
    assert result.code == EXIT_OK
    assert result.stderr.startswith(
        "obs-blueprint query: note: skipped blueprint.yaml, which is not valid: "
    )


# ------------------------------------------------------------------ no AWS to talk to


def test_without_credentials_it_cannot_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """boto3's own client, nothing configured: botocore's NoCredentialsError, no network.

    Instance metadata is off and no container or web-identity variable is set, so
    botocore looks nowhere but here (conftest.py fails any connection that leaves
    the machine, which would also end this test with another message).
    """
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code = main(["query", TEXT, "-g", GROUP, "--region", REGION])
    err = capsys.readouterr().err
    assert code == EXIT_CANNOT_RUN
    assert err == (
        "obs-blueprint query: no AWS credentials found (Unable to locate credentials); "
        "configure them (aws configure, aws sso login, AWS_PROFILE or AWS_ACCESS_KEY_ID) "
        "or pass --profile\n"
    )


def test_an_unknown_profile_cannot_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    code = main(["query", TEXT, "-g", GROUP, "--profile", "nope"])
    assert code == EXIT_CANNOT_RUN
    assert capsys.readouterr().err == (
        "obs-blueprint query: The config profile (nope) could not be found; "
        "name a profile of ~/.aws/config with --profile\n"
    )


def test_without_a_region_it_cannot_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    code = main(["query", TEXT, "-g", GROUP])
    assert code == EXIT_CANNOT_RUN
    assert capsys.readouterr().err == (
        "obs-blueprint query: no AWS Region given: pass --region, set AWS_REGION, "
        "or give the profile a region\n"
    )


def test_without_boto3_it_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 now raises ImportError
    code = main(["query", TEXT, "-g", GROUP])
    assert code == EXIT_CANNOT_RUN
    assert capsys.readouterr().err == (
        "obs-blueprint query: boto3 is not installed; the query command needs it: "
        "pip install 'observability-blueprint[aws]'\n"
    )


# ------------------------------------------------------------------ arguments


def test_the_time_range_is_sent_in_epoch_seconds(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    ranges = [
        (["--since", "90m"], END - 5400, END),
        (["--since", "1h30m", "--end", "2026-05-01T11:00:00Z"], END - 9000, END - 3600),
        (["--since", "2d"], END - 172800, END),
        (["--start", "2026-05-01T10:00"], END - 7200, END),  # no offset: UTC
        (
            ["--start", "2026-05-01T10:00+02:00", "--end", "2026-05-01T09:00:00"],
            END - 14400,
            END - 10800,
        ),
        (["--start", "2026-04-30"], END - 129600, END),
    ]
    for _, start, end in ranges:
        expect_start(stubber, start=start, end=end)
        expect_results(stubber, "Complete")
    for options, _, _ in ranges:
        result = run([TEXT, "-g", GROUP, *options], client)
        assert result.code == EXIT_OK, (options, result.stderr)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--start", "2026-05-01T12:00Z", "--end", "2026-05-01T11:00Z"],
            "the end (2026-05-01T11:00:00+00:00) is not after the start "
            "(2026-05-01T12:00:00+00:00); give an --end later than --start",
        ),
        (
            ["--start", "2026-05-02T00:00Z", "--end", "2026-05-03T00:00Z"],
            "the start (2026-05-02T00:00:00+00:00) is in the future "
            "(now 2026-05-01T12:00:00+00:00): no logs to query yet",
        ),
        (
            ["--start", "yesterday"],
            "'yesterday' is not an ISO 8601 time; write 2026-05-01T12:00:00Z, "
            "2026-05-01T14:00+02:00 or 2026-05-01 (UTC when no offset is given)",
        ),
        (
            ["--since", "1 hour"],
            "'1 hour' is not a duration; write a number and a unit (s, m, h, d, w): "
            "90s, 30m, 1h, 2d, 1h30m",
        ),
        (["--since", "0m"], "--since 0m is no time at all; give a positive duration"),
        (
            ["--since", "3000w"],
            "--since reaches back to 1968-11-01T12:00:00+00:00, before 1970; "
            "StartQuery takes epoch seconds from 0",
        ),
        (["--timeout", "soon"], "--timeout: 'soon' is not a duration; write a number"),
        (["--timeout", "0"], "--timeout 0 leaves the query no time to run"),
    ],
)
def test_bad_times_cannot_run(options: list[str], message: str) -> None:
    result = run([TEXT, "-g", GROUP, *options])
    assert result.code == EXIT_CANNOT_RUN
    assert result.stderr.startswith(f"obs-blueprint query: {message}")
    assert result.regions == []


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([], "query text names no log groups: pass one or more --log-group NAME (or ARN)"),
        (
            ["/shop/dev/api*"],
            "--log-group: '/shop/dev/api*' has characters a log group name cannot have ('*'); "
            "use letters, digits and . - _ / #",
        ),
        (
            ["arn:aws:logs:eu-west-1:111122223333:log-group:/shop/dev/api:*"],
            "--log-group: 'arn:aws:logs:eu-west-1:111122223333:log-group:/shop/dev/api:*' ends "
            "with :*; a query takes the log group ARN without it",
        ),
        (
            ["arn:aws:sns:eu-west-1:111122223333:ops"],
            "--log-group: 'arn:aws:sns:eu-west-1:111122223333:ops' is an SNS topic ARN; "
            "expected a log group (arn:aws:logs:REGION:ACCOUNT:log-group:NAME)",
        ),
        (
            [f"/g/{n}" for n in range(51)],
            "51 log groups; a query takes at most 50 (or select them with the SOURCE command)",
        ),
    ],
)
def test_bad_log_groups_cannot_run(groups: list[str], message: str) -> None:
    options = [option for group in groups for option in ("-g", group)]
    result = run([TEXT, *options])
    assert result.code == EXIT_CANNOT_RUN
    assert result.stderr == f"obs-blueprint query: {message}\n"


def test_a_source_command_needs_no_log_group(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    text = "SOURCE logGroups(namePrefix: ['/shop/dev']) | fields @message"
    stubber.add_response(
        "start_query",
        {"queryId": "q-1"},
        {"startTime": END - HOUR, "endTime": END, "queryString": text},
    )
    expect_results(stubber, "Complete")
    assert run([text], client).code == EXIT_OK


@pytest.mark.parametrize(
    "argv",
    [
        [TEXT, "--json", "--csv"],
        [TEXT, "--since", "1h", "--start", "2026-05-01"],
        [],
    ],
)
def test_conflicting_or_missing_arguments_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["query", *argv])
    assert stopped.value.code == EXIT_CANNOT_RUN
    assert "usage: obs-blueprint query NAME|'QUERY TEXT'" in capsys.readouterr().err


def test_help_documents_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["query", "--help"])
    out = capsys.readouterr().out
    for line in (
        "  0  the query completed",
        "  1  the query failed or was cancelled, or is malformed",
        "  2  it cannot run: no boto3, no credentials or Region",
        "  3  it timed out: it ran past --timeout (default 15m)",
        "  130  interrupted with Ctrl-C",
    ):
        assert line in out


@pytest.mark.parametrize(
    ("argument", "text"),
    [
        ("shop-dev/api/failed-requests", False),
        ("errors", False),
        ("stats", False),  # a lone word names a saved query
        ("latency by status", False),
        ("fields @message", True),
        ("stats count(*) by bin(5m)", True),
        ("FILTER level = 'ERROR'", True),
        ("fields\t@message", True),
        ("@message like /x/ | limit 5", True),  # a pipe
        ("# errors\nfields @message", True),
        ("SOURCE logGroups(namePrefix: ['/shop'])", True),
    ],
)
def test_query_text_or_a_name(argument: str, text: bool) -> None:
    assert is_query_text(argument) is text


# ------------------------------------------------------------------ output


def test_table_drops_ptr_escapes_breaks_cuts_long_values_and_aligns_numbers() -> None:
    rows = [
        {"@timestamp": "2026-05-01 11:59:00.000", "n": "3", "@message": "a\tb\nc", "@ptr": "x"},
        {"@timestamp": "2026-05-01 11:58:00.000", "n": "12.5", "@message": "y" * 130},
        {"extra": "only here"},
    ]
    # Numbers (and their header) align right, the other columns left; @ptr is left out.
    lines = [
        "@timestamp" + " " * 13 + "     n  @message" + " " * 112 + "  extra",
        "-" * 23 + "  ----  " + "-" * 120 + "  ---------",
        "2026-05-01 11:59:00.000     3  a\\tb\\nc",
        "2026-05-01 11:58:00.000  12.5  " + "y" * 117 + "...",
        " " * 151 + "  only here",
    ]
    assert render_table(rows) == "\n".join(lines) + "\n"
    assert render_table([]) == ""


def test_csv_puts_ptr_last_and_quotes() -> None:
    rows = [{"@ptr": "p", "a": "1,2", "b": 'say "hi"'}, {"a": "3"}]
    assert render_csv(rows) == 'a,b,@ptr\n"1,2","say ""hi""",p\n3,,\n'
    assert render_csv([]) == ""


_WITHOUT_AWS_SDK = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"boto3", "botocore"}:
            raise ImportError(f"No module named {name!r}")
        return None
sys.meta_path.insert(0, Block())
from observability_blueprint.cli.main import main
sys.exit(main(["query", "fields @message | limit 1", "-g", "/shop/dev/api"]))
"""


def test_without_boto3_and_botocore_the_command_still_starts_and_explains() -> None:
    """boto3 is optional: a plain install runs the command and says what is missing."""
    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_AWS_SDK], capture_output=True, text=True, check=False
    )
    assert result.returncode == EXIT_CANNOT_RUN
    assert result.stderr == (
        "obs-blueprint query: boto3 is not installed; the query command needs it: "
        "pip install 'observability-blueprint[aws]'\n"
    )
