"""Saved Logs Insights queries: the catalogue, its rules, and the SavedQueries construct.

The construct's stack (a structured log group with the catalogue and queries of
its own, and a plain log group with one query) is synthesized once for the module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import Fn, Stack
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Annotations, Match, Template

from observability_blueprint.logs.managed_log_group import ManagedLogGroup
from observability_blueprint.logs.saved_queries import WARNING_ID, SavedQueries
from observability_blueprint.rules import saved_queries as rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.logs_insights import check_query, unknown_fields
from observability_blueprint.rules.structured_logs import StructuredLogFields
from support import new_stack

CUSTOM = StructuredLogFields(
    level="severity",
    latency_ms="duration_ms",
    status_code="http.status",
    request_id="function_request_id",
    xray_trace_id="trace.id",
)

# ----------------------------------------------------------------- catalogue

DEFAULT_QUERIES = {
    "failed-requests": (
        "fields @timestamp, service, level, status_code, request_id, xray_trace_id, @message\n"
        '| filter level in ["ERROR", "CRITICAL"] or status_code >= 500\n'
        "| sort @timestamp desc\n"
        "| limit 100"
    ),
    "latency-percentiles": (
        "filter ispresent(latency_ms)\n"
        "| stats pct(latency_ms, 50) as p50, pct(latency_ms, 90) as p90,\n"
        "    pct(latency_ms, 99) as p99, count(*) as requests by bin(5m)"
    ),
    "slowest-requests": (
        "fields @timestamp, service, request_id, xray_trace_id, status_code, latency_ms\n"
        "| filter ispresent(latency_ms)\n"
        "| sort latency_ms desc\n"
        "| limit 25"
    ),
    "errors-by-status": (
        "filter status_code >= 400\n"
        "| stats count(*) as responses by status_code\n"
        "| sort responses desc"
    ),
    "one-trace": (
        "fields @timestamp, service, level, request_id, status_code, latency_ms, @message\n"
        '| filter xray_trace_id = "REPLACE-WITH-TRACE-ID"\n'
        "| sort @timestamp asc"
    ),
    "top-error-messages": 'filter level in ["ERROR", "CRITICAL"]\n| pattern @message',
}


def test_the_catalogue_with_the_default_fields() -> None:
    assert rules.service_queries() == DEFAULT_QUERIES
    assert tuple(DEFAULT_QUERIES) == rules.CATALOGUE


def test_the_catalogue_follows_the_fields_and_levels() -> None:
    queries = rules.service_queries(CUSTOM, ("ERROR", "FATAL"))
    assert queries["latency-percentiles"] == (
        "filter ispresent(duration_ms)\n"
        "| stats pct(duration_ms, 50) as p50, pct(duration_ms, 90) as p90,\n"
        "    pct(duration_ms, 99) as p99, count(*) as requests by bin(5m)"
    )
    assert queries["one-trace"] == (
        "fields @timestamp, service, severity, function_request_id, http.status, duration_ms, "
        "@message\n"
        '| filter trace.id = "REPLACE-WITH-TRACE-ID"\n'
        "| sort @timestamp asc"
    )
    assert queries["errors-by-status"] == (
        "filter http.status >= 400\n| stats count(*) as responses by http.status\n"
        "| sort responses desc"
    )
    assert queries["top-error-messages"] == (
        'filter severity in ["ERROR", "FATAL"]\n| pattern @message'
    )


@pytest.mark.parametrize("fields", [StructuredLogFields(), CUSTOM], ids=["default", "custom"])
@pytest.mark.parametrize("name", rules.CATALOGUE)
def test_every_catalogue_query_passes_the_checker_and_reads_declared_fields(
    fields: StructuredLogFields, name: str
) -> None:
    query = rules.service_queries(fields)[name]
    assert check_query(query) is None
    assert unknown_fields(query, rules.known_fields(fields)) == ()


def test_infrequent_access_log_groups_get_no_pattern_query() -> None:
    assert tuple(rules.service_queries(infrequent_access=True)) == (
        "failed-requests",
        "latency-percentiles",
        "slowest-requests",
        "errors-by-status",
        "one-trace",
    )


def test_known_fields_are_the_declared_names() -> None:
    assert rules.known_fields(CUSTOM) == (
        "severity",
        "service",
        "trace.id",
        "duration_ms",
        "http.status",
        "response_bytes",
        "function_request_id",
    )


# --------------------------------------------------------------------- rules

NAME_HINT = (
    "letters, digits, spaces, dots, underscores and hyphens that start with a letter or digit"
)


def test_saved_query_problems_locate_each_problem() -> None:
    problems = rules.saved_query_problems(
        folder="shop//api",
        queries={
            "ok": "fields @message | limit 5",
            "a/b": "fields @message",
            "broken": "fields @message |",
            "unknown": None,
        },
        log_group_count=51,
    )
    assert problems == [
        Problem(
            "folder",
            f"'shop//api' is not a folder; use names of {NAME_HINT}, joined by / for nested "
            "folders (shop/api)",
        ),
        Problem(
            "log_groups",
            "a query reads at most 50 log groups (StartQuery logGroupNames); got 51: split them "
            "across several saved queries",
        ),
        Problem("queries.a/b", f"'a/b' is not a query name; use {NAME_HINT}"),
        Problem(
            "queries.broken",
            "nothing follows this |; add a command after it or remove it\n"
            "  fields @message |\n"
            "                  ^",
        ),
    ]


def test_the_saved_name_is_at_most_255_characters() -> None:
    folder = "f" * 250
    assert (
        rules.saved_query_problems(folder=folder, queries={"abcd": "fields a"}, log_group_count=1)
        == []
    )
    assert rules.saved_query_problems(
        folder=folder, queries={"abcde": "fields a"}, log_group_count=1
    ) == [
        Problem(
            "queries.abcde",
            f"the saved name '{'f' * 77}...' is 256 characters long; PutQueryDefinition takes "
            "at most 255: shorten the folder or the name",
        )
    ]


def test_no_query_parameter_and_no_standard_only_command_on_infrequent_access() -> None:
    problems = rules.saved_query_problems(
        folder="ops",
        queries={"p": "filter traceId = {{traceId}}", "d": "fields a | diff previousDay"},
        log_group_count=1,
        infrequent_access=True,
    )
    assert problems == [
        Problem(
            "queries.p",
            "uses the query parameter {{traceId}}, which a saved query here cannot declare; "
            "write the value into the query",
        ),
        Problem(
            "queries.d",
            "uses diff, which Logs Insights does not run on log groups of class "
            "INFREQUENT_ACCESS (diff, filterIndex, pattern, unmask need STANDARD); drop the "
            "command or query STANDARD log groups only",
        ),
    ]
    assert rules.saved_query_problems(folder="ops", queries={}, log_group_count=0) == [
        Problem("queries", "no query to save; give queries, or ask for the catalogue")
    ]


def test_warnings_skip_queries_that_do_not_parse() -> None:
    warnings = rules.saved_query_warnings(
        {"bad": "fields (", "unknown": None, "typo": "fields lvl"}, ("level",)
    )
    assert [w.location for w in warnings] == ["queries.typo"]


# ----------------------------------------------------------------- construct


@dataclass
class Built:
    stack: Stack
    template: Template
    api: SavedQueries
    plain: SavedQueries

    def by_name(self, name: str) -> dict[str, Any]:
        [found] = [
            r["Properties"]
            for r in self.template.find_resources("AWS::Logs::QueryDefinition").values()
            if r["Properties"]["Name"] == name
        ]
        return dict(found)


@pytest.fixture(scope="module")
def built() -> Built:
    _, stack = new_stack()
    api_group = ManagedLogGroup(stack, "Api", log_group_name="/shop/api")
    worker = logs.LogGroup(stack, "Worker")
    api = SavedQueries(
        stack,
        "ApiQueries",
        log_groups=[api_group, worker],
        folder="shop/api",
        fields=StructuredLogFields(),
        with_defaults=True,
        queries={
            "slowest-requests": "fields @timestamp, latency_ms | sort latency_ms desc | limit 5",
            "signups": "filter event = 'signup' | stats count(*) by bin(1h)",
        },
    )
    plain = SavedQueries(
        stack,
        "Plain",
        log_groups=[],
        folder="ops",
        queries={"recent": "fields @timestamp, msg | sort @timestamp desc | limit 20"},
    )
    return Built(stack, Template.from_stack(stack), api, plain)


def test_one_query_definition_per_query_in_the_folder(built: Built) -> None:
    built.template.resource_count_is("AWS::Logs::QueryDefinition", 8)
    assert list(built.api.queries) == [*rules.CATALOGUE, "signups"]
    assert built.by_name("shop/api/one-trace") == {
        "Name": "shop/api/one-trace",
        "QueryString": DEFAULT_QUERIES["one-trace"],
        "LogGroupNames": [{"Ref": "Api9AF3637B"}, {"Ref": "Worker11F36D0F"}],
    }
    assert built.api.folder == "shop/api"


def test_a_query_of_the_catalogue_s_name_replaces_it(built: Built) -> None:
    assert built.by_name("shop/api/slowest-requests")["QueryString"] == (
        "fields @timestamp, latency_ms | sort latency_ms desc | limit 5"
    )


def test_without_log_groups_the_console_asks_for_them(built: Built) -> None:
    assert built.by_name("ops/recent") == {
        "Name": "ops/recent",
        "QueryString": "fields @timestamp, msg | sort @timestamp desc | limit 20",
    }


def test_the_queries_are_exposed_with_stable_ids(built: Built) -> None:
    resource = built.api.queries["one-trace"]
    assert resource.node.path == "Test/ApiQueries/one-trace"
    assert isinstance(resource, logs.CfnQueryDefinition)


def test_a_field_the_log_group_does_not_declare_is_a_warning(built: Built) -> None:
    message = (
        "Test/ApiQueries.queries.signups: reads the field event, which neither the log group's "
        "fields (level, service, xray_trace_id, latency_ms, status_code, response_bytes, "
        "request_id) nor a parse or alias in the query provide; Logs Insights finds JSON fields "
        "by itself, so check the spelling"
    )
    assert [str(w) for w in built.api.warnings] == [message]
    annotations = Annotations.from_stack(built.stack)
    annotations.has_warning("/Test/ApiQueries", Match.string_like_regexp("queries.signups: reads"))
    assert WARNING_ID == "observability-blueprint:saved-query-fields"
    # Without fields, nothing is known to compare with: no warning.
    assert built.plain.warnings == ()


def test_an_infrequent_access_log_group_gets_the_catalogue_without_pattern() -> None:
    _, stack = new_stack()
    cold = ManagedLogGroup(stack, "Cold", log_class="INFREQUENT_ACCESS")
    queries = SavedQueries(stack, "Queries", log_groups=[cold], folder="cold", with_defaults=True)
    assert "top-error-messages" not in queries.queries
    Template.from_stack(stack).resource_count_is("AWS::Logs::QueryDefinition", 5)


def test_a_query_known_only_at_deploy_time_is_saved_unchecked() -> None:
    _, stack = new_stack()
    text = Fn.import_value("SharedQuery")
    SavedQueries(stack, "Queries", log_groups=[], folder="ops", queries={"shared": text})
    Template.from_stack(stack).has_resource_properties(
        "AWS::Logs::QueryDefinition",
        {"Name": "ops/shared", "QueryString": {"Fn::ImportValue": "SharedQuery"}},
    )


def build(**kwargs: Any) -> None:
    """Add SavedQueries with ``kwargs`` to a new stack."""
    _, stack = new_stack()
    arguments: dict[str, Any] = {"log_groups": [], "folder": "ops", **kwargs}
    if arguments.pop("log_group_count", None):
        group = logs.LogGroup.from_log_group_name(stack, "Group", "app")
        arguments["log_groups"] = [group] * 51
    SavedQueries(stack, "Queries", **arguments)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"queries": {"errors": "fields @message | filter level = 'ERROR"}},
            "Test/Queries.queries.errors: the string opened with ' at column 34 is never "
            "closed; close it with ' (write \\' for a ' inside it)\n"
            "  fields @message | filter level = 'ERROR\n"
            "                                   ^",
        ),
        (
            {"queries": {"errors": "fields @message | fitler level = 'ERROR'"}},
            "Test/Queries.queries.errors: unknown command 'fitler'; did you mean 'filter'? "
            "Logs Insights QL commands: addtotals, anomaly, dedup, diff, display, fields, filter, "
            "filterIndex, join, limit, lookup, parse, pattern, sort, SOURCE, stats, unmask, "
            "unnest\n"
            "  fields @message | fitler level = 'ERROR'\n"
            "                    ^",
        ),
        (
            {"queries": {"slow": "stats pct(latency, 99 by bin(5m)"}},
            "Test/Queries.queries.slow: this ( is never closed; add a )\n"
            "  stats pct(latency, 99 by bin(5m)\n"
            "           ^",
        ),
        (
            {"queries": {"long": "fields @message | filter @message like 'x" + "x" * 10_000}},
            "Test/Queries.queries.long: the query is 10,041 characters long; a Logs Insights "
            "query is at most 10,000 (StartQuery and PutQueryDefinition queryString); the "
            "caret marks where the limit falls",
        ),
        (
            {"queries": {"q": "fields @message"}, "log_group_count": 51},
            "Test/Queries.log_groups: a query reads at most 50 log groups (StartQuery "
            "logGroupNames); got 51: split them across several saved queries",
        ),
        (
            {"queries": {"q": "fields @message"}, "folder": "/ops"},
            f"Test/Queries.folder: '/ops' is not a folder; use names of {NAME_HINT}, joined by / "
            "for nested folders (shop/api)",
        ),
        (
            {"queries": {"ops/q": "fields @message"}},
            f"Test/Queries.queries.ops/q: 'ops/q' is not a query name; use {NAME_HINT}",
        ),
        (
            {},
            "Test/Queries.queries: no query to save; give queries, or ask for the catalogue",
        ),
        (
            {"with_defaults": True, "fields": StructuredLogFields(latency_ms="latency ms")},
            "Test/Queries.fields.latency_ms: 'latency ms' is not a JSON field name; use letters, "
            "digits and underscores, with dots for nested fields (http.status)",
        ),
        (
            {"with_defaults": True, "error_levels": ('ERR"OR',)},
            "Test/Queries.error_levels[0]: 'ERR\"OR' is not a level; use letters, digits and "
            "underscores",
        ),
    ],
    ids=[
        "unclosed-quote",
        "unknown-command",
        "unclosed-bracket",
        "too-long",
        "too-many-log-groups",
        "bad-folder",
        "bad-name",
        "no-query",
        "bad-field",
        "bad-level",
    ],
)
def test_bad_input_stops_synthesis(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(BlueprintError) as caught:
        build(**kwargs)
    if kwargs.get("queries", {}).get("long"):
        assert str(caught.value).startswith(message + "\n")
    else:
        assert str(caught.value) == message
