"""The offline Logs Insights query checker: AWS's own examples, broken queries, limits, fields.

Every query the AWS documentation shows as an example must pass (they are kept
in reference/logs_insights_examples.json with the page they come from); each
broken query must stop at the right column, which the tests assert with the
full message as the user reads it.
"""

from __future__ import annotations

import gzip
import json
import pickle
from pathlib import Path
from typing import Any

import botocore
import pytest

from observability_blueprint.rules import logs_insights
from observability_blueprint.rules.logs_insights import (
    LogsInsightsQueryError,
    check_query,
    field_warning,
    log_group_count_problem,
    parse,
    unknown_fields,
)

REFERENCE = Path(__file__).parent / "reference" / "logs_insights_examples.json"
PAGES: list[dict[str, Any]] = json.loads(REFERENCE.read_text(encoding="utf-8"))["pages"]
EXAMPLES = [
    pytest.param(query["query"], id=f"{page['title'][:20]}-{index}")
    for page in PAGES
    for index, query in enumerate(page["queries"])
]


def _logs_model() -> dict[str, Any]:
    folder = Path(botocore.__file__).parent / "data" / "logs"
    (path,) = sorted(folder.glob("*/service-2.json.gz"))[-1:]
    model: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    return model


# ------------------------------------------------------- AWS's own examples


def test_the_reference_names_its_pages() -> None:
    assert len(EXAMPLES) == 65
    for page in PAGES:
        assert page["url"].startswith("https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/")
        assert page["queries"]


@pytest.mark.parametrize("query", EXAMPLES)
def test_every_documented_example_is_valid(query: str) -> None:
    assert check_query(query) is None


# ------------------------------------------------------------ broken queries

BROKEN = [
    (
        "fields @timestamp | srot @timestamp desc",
        "unknown command 'srot'; did you mean 'sort'? Logs Insights QL commands: addtotals, "
        "anomaly, dedup, diff, display, fields, filter, filterIndex, join, limit, lookup, parse, "
        "pattern, sort, SOURCE, stats, unmask, unnest\n"
        "  fields @timestamp | srot @timestamp desc\n"
        "                      ^",
    ),
    (
        "fields @timestamp, @message | | limit 5",
        "no command between this | and the one before it; remove one of them\n"
        "  fields @timestamp, @message | | limit 5\n"
        "                                ^",
    ),
    (
        "fields @timestamp\n| limit 5\n|",
        "nothing follows this |; add a command after it or remove it\n"
        "  fields @timestamp | limit 5 |\n"
        "                              ^",
    ),
    (
        "| fields @timestamp",
        "a query starts with a command, not with |\n  | fields @timestamp\n  ^",
    ),
    (
        "filter level = 'ERROR | limit 5",
        "the string opened with ' at column 16 is never closed; close it with ' "
        "(write \\' for a ' inside it)\n"
        "  filter level = 'ERROR | limit 5\n"
        "                 ^",
    ),
    (
        'fields @timestamp\n| filter level = "ERROR',
        'the string opened with " at line 2, column 18 is never closed; close it with " '
        '(write \\" for a " inside it)\n'
        '  fields @timestamp | filter level = "ERROR\n'
        "                                     ^",
    ),
    (
        "fields `foo-bar, action",
        "the field name opened with ` at column 8 is never closed; close it with ` "
        "(write \\` for a ` inside it)\n"
        "  fields `foo-bar, action\n"
        "         ^",
    ),
    (
        "filter @message like /Exception | limit 5",
        "the regular expression opened with / at column 22 is never closed; end it with / "
        "(write \\/ for a slash inside it)\n"
        "  filter @message like /Exception | limit 5\n"
        "                       ^",
    ),
    (
        "stats count(*) by bin(5m",
        "this ( is never closed; add a )\n  stats count(*) by bin(5m\n                       ^",
    ),
    (
        "filter (duration > 2000 | limit 5",
        "this ( is never closed; add a )\n  filter (duration > 2000 | limit 5\n         ^",
    ),
    (
        "filter statusCode in [300, 400)",
        "expected ] to close the [ at column 22, found )\n"
        "  filter statusCode in [300, 400)\n"
        "                                ^",
    ),
    (
        "filter (f1 = 10 or f3 > 25))",
        "this ) closes nothing; remove it or add the ( it closes\n"
        "  filter (f1 = 10 or f3 > 25))\n"
        "                             ^",
    ),
    (
        "fields f1\n| filter (f1 = 10 | limit 5)",
        "a | inside (...) (opened at line 2, column 10); a | separates commands, so close the "
        "bracket before it (only a subquery, (SOURCE ... | ...), holds |)\n"
        "  fields f1 | filter (f1 = 10 | limit 5)\n"
        "                              ^",
    ),
    (
        "filter requestId in (SOURCE '/aws/lambda/db' | fitler errorType = 'Timeout')",
        "unknown command 'fitler'; did you mean 'filter'? Logs Insights QL commands: addtotals, "
        "anomaly, dedup, diff, display, fields, filter, filterIndex, join, limit, lookup, parse, "
        "pattern, sort, SOURCE, stats, unmask, unnest\n"
        "  filter requestId in (SOURCE '/aws/lambda/db' | fitler errorType = 'Timeout')\n"
        "                                                 ^",
    ),
    (
        "filter requestId in (SOURCE '/aws/lambda/db' |)",
        "nothing follows this |; add a command after it or remove it\n"
        "  filter requestId in (SOURCE '/aws/lambda/db' |)\n"
        "                                               ^",
    ),
    (
        "fields @message | 'stats' count(*)",
        "expected a command (addtotals, anomaly, dedup, diff, display, fields, filter, "
        "filterIndex, join, limit, lookup, parse, pattern, sort, SOURCE, stats, unmask, unnest) "
        "at the start of this stage, found 'stats'\n"
        "  fields @message | 'stats' count(*)\n"
        "                    ^",
    ),
    (
        "fields @message | limit 0",
        "limit takes one whole number of rows from 1 to 100,000 (limit 25, or limit any 25 to "
        "stop at the first 25 found)\n"
        "  fields @message | limit 0\n"
        "                          ^",
    ),
    (
        "fields @message | limit",
        "limit takes one whole number of rows from 1 to 100,000 (limit 25, or limit any 25 to "
        "stop at the first 25 found)\n"
        "  fields @message | limit\n"
        "                         ^",
    ),
    (
        "fields @message | limit 25 desc",
        "limit takes one whole number of rows from 1 to 100,000 (limit 25, or limit any 25 to "
        "stop at the first 25 found)\n"
        "  fields @message | limit 25 desc\n"
        "                          ^",
    ),
    (
        "filter traceId = {{trace id}}",
        "{{trace id}} is not a query parameter; a parameter is written {{name}}: a letter or "
        "underscore, then letters, digits and underscores\n"
        "  filter traceId = {{trace id}}\n"
        "                   ^",
    ),
    (
        "filter traceId = {{traceId",
        "the query parameter opened with {{ at column 18 is never closed\n"
        "  filter traceId = {{traceId\n"
        "                   ^",
    ),
    (
        "# fields @timestamp\n   ",
        "the query has no command; start with one of addtotals, anomaly, dedup, diff, display, "
        "fields, filter, filterIndex, join, limit, lookup, parse, pattern, sort, SOURCE, stats, "
        "unmask, unnest\n"
        "  # fields @timestamp    \n"
        "  ^",
    ),
]


@pytest.mark.parametrize(("query", "message"), BROKEN, ids=[b[0][:30] for b in BROKEN])
def test_a_broken_query_shows_the_caret_under_the_column(query: str, message: str) -> None:
    assert check_query(query) == message
    with pytest.raises(LogsInsightsQueryError) as caught:
        parse(query)
    assert str(caught.value) == message
    assert caught.value.query == query


def test_the_error_keeps_its_position_and_survives_pickling() -> None:
    with pytest.raises(LogsInsightsQueryError) as caught:
        parse("fields a\n| fitler a = 1")
    error = caught.value
    assert (error.position, error.expected) == (11, "a command")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.position) == (str(error), 11)


def test_a_long_query_shows_a_window_around_the_caret() -> None:
    query = "fields " + ", ".join(f"field{i}" for i in range(40)) + " | srot field1"
    message = check_query(query)
    assert message is not None
    text_line, caret_line = message.splitlines()[1:]
    assert text_line.endswith("field37, field38, field39 | srot field1")
    assert text_line[caret_line.index("^") :].startswith("srot field1")


# ---------------------------------------------------------- what is allowed


@pytest.mark.parametrize(
    "query",
    [
        # Commands in any case, as the sample queries page writes them.
        "FIELDS @message | FILTER @message LIKE /x/ | Limit 5",
        # Division is not a regular expression; a regex follows an operator or like.
        "fields @maxMemoryUsed / 1024 / 1024 as mb | filter mb / 2 > 1",
        "filter @message =~ /a|b/ and duration / 2 > 1",
        "fields replace(@message, /[0-9]+/, 'N') as shape",
        # A / inside a character class or escaped does not end the regex.
        r"filter @message like /[^/]+\/x/ | limit 5",
        # A pipe in a string, a regex, a backtick name or a comment separates nothing.
        "filter msg = 'a | b' and `odd|name` = 1 | limit 5",
        "fields @timestamp\n# | filter x = 1 |\n| limit 5",
        "fields @timestamp # what we show\n| limit 5",
        # Subqueries and join.
        "filter requestId in (\n  SOURCE '/aws/lambda/db'\n  | filter errorType = 'T'\n"
        "  | fields requestId\n)\n| sort @timestamp desc",
        # limit any, the largest limit, query parameters.
        "fields @message | limit any 10",
        "fields @message | limit 100000",
        "filter traceId = {{traceId}} | limit {{rows}}",
        # Every command of the reference.
        "fields a | display a | filter a = 1 | filterIndex a = 1 | stats count(*) by a"
        " | sort a | dedup a | pattern @message | diff previousDay | anomaly | unmask @message"
        " | unnest a into b | lookup t a OUTPUT c | addtotals | parse @message '* *' as x, y"
        " | limit 1",
        "SOURCE logGroups(namePrefix: ['/aws/lambda']) | fields @message",
    ],
)
def test_valid_queries_pass(query: str) -> None:
    assert check_query(query) is None


def test_parse_returns_the_stages_with_the_commands_as_documented() -> None:
    query = parse("FIELDS @message | filterindex a = 1 | source logGroups() | LIMIT 5")
    assert [stage.command for stage in query.stages] == ["fields", "filterIndex", "SOURCE", "limit"]
    assert [t.text for t in query.stages[1].tokens] == ["filterindex", "a", "=", "1"]
    assert parse("filter a = {{x}} and b = {{ y }} or c = {{x}}").parameters == ("x", "y")


# -------------------------------------------------------------------- limits


def test_the_limits_are_the_api_s() -> None:
    model = _logs_model()
    shapes = model["shapes"]
    put = shapes[model["operations"]["PutQueryDefinition"]["input"]["shape"]]["members"]
    start = shapes[model["operations"]["StartQuery"]["input"]["shape"]]["members"]
    assert shapes[put["queryString"]["shape"]]["max"] == logs_insights.MAX_QUERY_LENGTH == 10_000
    assert shapes[start["queryString"]["shape"]]["max"] == 10_000
    # StartQuery states the log-group limit in prose, not as a max of the list shape.
    assert "You can include up to 50 log groups." in start["logGroupNames"]["documentation"]
    assert "You can include up to 50 log groups." in start["logGroupIdentifiers"]["documentation"]
    assert logs_insights.MAX_LOG_GROUPS == 50
    assert shapes[start["limit"]["shape"]]["max"] == logs_insights.MAX_LIMIT == 100_000


def test_a_query_of_10000_characters_passes_and_one_more_does_not() -> None:
    head = "fields @message | filter @message like 'x"
    at_limit = head + "x" * (10_000 - len(head) - 1) + "'"
    assert len(at_limit) == 10_000
    assert check_query(at_limit) is None
    over = at_limit[:-1] + "x'"
    message = check_query(over)
    assert message is not None
    assert message.splitlines()[0] == (
        "the query is 10,001 characters long; a Logs Insights query is at most 10,000 "
        "(StartQuery and PutQueryDefinition queryString); the caret marks where the limit falls"
    )
    assert message.splitlines()[2].index("^") == message.splitlines()[1].index("x'") + 1


def test_the_log_group_count() -> None:
    assert log_group_count_problem(0) is None
    assert log_group_count_problem(50) is None
    assert log_group_count_problem(51) == (
        "a query reads at most 50 log groups (StartQuery logGroupNames); got 51: split them "
        "across several saved queries"
    )


def test_limit_up_to_100000() -> None:
    assert check_query("fields a | limit 100000") is None
    assert check_query("fields a | limit 100001") is not None


def test_commands_infrequent_access_log_groups_cannot_run() -> None:
    query = parse("filter a = 1 | pattern @message | diff | unmask @message | pattern @message")
    assert logs_insights.standard_only_commands(query) == ("pattern", "diff", "unmask")
    assert logs_insights.standard_only_commands(parse("fields a | stats count(*)")) == ()


# -------------------------------------------------------------------- fields


@pytest.mark.parametrize(
    ("query", "known", "unknown"),
    [
        ("fields @timestamp, @message, @logStream, @log, @requestId, @aws.region", (), ()),
        ("fields level, msg | filter level = 'ERROR'", ("level",), ("msg",)),
        # parse as, named regex groups, aliases, unnest into: later stages know them.
        ('parse @message "* [*] *" as time, kind, text | filter kind = "ERROR"', (), ()),
        (
            "parse @message /user=(?<user>\\S+) took (?P<took>\\d+)/ | stats avg(took) by user",
            (),
            (),
        ),
        ("stats count(*) as n by bin(1h) as hour | sort n desc | display hour, n", (), ()),
        ("unnest items into item | filter item.price > 1", (), ("items",)),
        # Functions, keywords, numbers and strings are not fields.
        (
            "filter ispresent(a) and not b like /x/ or c in [1, 'd'] | sort a asc",
            ("a",),
            ("b", "c"),
        ),
        ("fields abs(f3 - f4) as d | sort d desc", (), ("f3", "f4")),
        # Backticked names; a known parent covers its nested fields.
        ("fields `foo-bar`, http.status, http.method", ("http",), ("foo-bar",)),
        # Fields a stage reads before the query makes them are unknown there.
        ("filter took > 1 | parse @message 'took *' as took", (), ("took",)),
        # join aliases cover their fields; a subquery's fields are another log group's.
        (
            "filter status >= 500 | join type=inner left=api right=fn where "
            "api.requestId=fn.requestId (SOURCE '/aws/lambda/f' | filter cold = 1) "
            "| fields api.latency, fn.duration",
            ("status",),
            (),
        ),
        ("filter requestId in (SOURCE 'x' | fields other) | fields @message", (), ("requestId",)),
        # Options of addtotals name no field; fieldname= makes one.
        (
            "fields price | addtotals fieldname=Sum row=true col=true price | sort Sum",
            (),
            ("price",),
        ),
        # lookup's words are its table and columns; they are fields after it.
        ("lookup users userId OUTPUT name | fields name", (), ()),
        ("fields b, a, b, c", (), ("b", "a", "c")),
    ],
)
def test_unknown_fields(query: str, known: tuple[str, ...], unknown: tuple[str, ...]) -> None:
    assert unknown_fields(query, known) == unknown


def test_unknown_fields_of_an_invalid_query_raise() -> None:
    with pytest.raises(LogsInsightsQueryError, match="never closed"):
        unknown_fields("fields (a", ())


def test_the_field_warning_names_the_fields_and_why_it_is_only_a_warning() -> None:
    assert field_warning("fields level | filter lvl = 'E'", ("level", "service")) == (
        "reads the field lvl, which neither the log group's fields (level, service) nor a parse "
        "or alias in the query provide; Logs Insights finds JSON fields by itself, so check the "
        "spelling"
    )
    assert field_warning("fields a, b", ()) == (
        "reads the fields a, b, which neither the log group's fields (none declared) nor a parse "
        "or alias in the query provide; Logs Insights finds JSON fields by itself, so check the "
        "spelling"
    )
    many = "fields " + ", ".join(f"f{i}" for i in range(12))
    message = field_warning(many, ())
    assert message is not None
    assert message.startswith("reads the fields f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 and 2 more,")
    assert field_warning("fields level", ("level",)) is None
