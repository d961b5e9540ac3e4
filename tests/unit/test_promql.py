"""PromQL checked offline: Prometheus' own query examples pass, broken ones get a caret.

The valid expressions are copied from Prometheus' documentation pages
(prometheus/prometheus docs/querying/*.md, named per case). Each broken expression
is asserted with the caret column counted by hand, as the user reads it.
"""

from __future__ import annotations

import doctest

import pytest

from observability_blueprint.rules import promql
from observability_blueprint.rules.promql import promql_error, promql_problems

DOCUMENTED = [
    # docs/querying/examples.md
    ("examples.md: simple selection", "http_requests_total"),
    (
        "examples.md: job and handler",
        'http_requests_total{job="apiserver", handler="/api/comments"}',
    ),
    (
        "examples.md: range vector",
        'http_requests_total{job="apiserver", handler="/api/comments"}[5m]',
    ),
    ("examples.md: regular expression", 'http_requests_total{job=~".*server"}'),
    ("examples.md: all but 4xx", 'http_requests_total{status!~"4.."}'),
    ("examples.md: subquery", "rate(http_requests_total[5m])[30m:1m]"),
    (
        "examples.md: nested subquery",
        "max_over_time(deriv(rate(distance_covered_total[5s])[30s:5s])[10m:])",
    ),
    ("examples.md: rate", "rate(http_requests_total[5m])"),
    ("examples.md: sum by job", "sum by (job) (\n  rate(http_requests_total[5m])\n)"),
    (
        "examples.md: unused memory",
        "(instance_memory_limit_bytes - instance_memory_usage_bytes) / 1024 / 1024",
    ),
    (
        "examples.md: top 3 CPU users",
        "topk(3, sum by (app, proc) (rate(instance_cpu_time_ns[5m])))",
    ),
    ("examples.md: count by app", "count by (app) (instance_cpu_time_ns)"),
    # docs/querying/functions.md
    ("functions.md: absent", 'absent(nonexistent{job="myjob"})'),
    ("functions.md: absent_over_time", 'absent_over_time(nonexistent{job="myjob"}[1h])'),
    ("functions.md: delta", 'delta(cpu_temp_celsius{host="zeus"}[2h])'),
    ("functions.md: increase", 'increase(http_requests_total{job="api-server"}[5m])'),
    ("functions.md: irate", 'irate(http_requests_total{job="api-server"}[5m])'),
    (
        "functions.md: histogram_quantile by job",
        "histogram_quantile(0.9, sum by (job, le) "
        "(rate(http_request_duration_seconds_bucket[10m])))",
    ),
    (
        "functions.md: label_replace",
        'label_replace(up{job="api-server",service="a:c"}, "foo", "$1", "service", "(.*):.*")',
    ),
    (
        "functions.md: label_join",
        'label_join(up{job="api-server",src1="a",src2="b",src3="c"}, "foo", ",", "src1", "src2", '
        '"src3")',
    ),
    # docs/querying/operators.md
    (
        "operators.md: ignoring",
        'method_code:http_errors:rate5m{code="500"} / ignoring(code) method:http_requests:rate5m',
    ),
    (
        "operators.md: group_left",
        "method_code:http_errors:rate5m / ignoring(code) group_left method:http_requests:rate5m",
    ),
    ("operators.md: sum without", "sum without (instance) (memory_consumption_bytes)"),
    ("operators.md: count_values", 'count_values("version", build_version)'),
]


@pytest.mark.parametrize(("source", "expr"), DOCUMENTED, ids=[s for s, _ in DOCUMENTED])
def test_prometheus_documented_queries_parse(source: str, expr: str) -> None:
    assert promql_problems(expr) == [], source


BROKEN = [
    # (expression, start of the reason after "not valid PromQL: ", caret column)
    ("sum(rate(x[5m])", "unclosed left parenthesis", 3),
    ("sum(rate(x[5m])) by (job", "unclosed left parenthesis", 20),
    ("rate(x[5 m])", "unexpected character inside brackets: 'm'", 9),
    ("x[1h30]", "bad number or duration syntax: 1h30]", 2),
    ("rate(hi)", "expected type matrix in call to function 'rate', got vector", 0),
    ("foo(bar)", "unknown function with name 'foo'", 0),
    ('foo{a="b" b="c"}', "invalid promql query", 10),
    ("sum(x) by (job) without (a)", "invalid promql query", 16),
    ("rate(x[5m]) by (a)", "invalid promql query", 12),
    ("x > 1 for 5m", "invalid promql query", 6),
    ("1 +* 2", "invalid promql query", 3),
    ("sum(x) +", "invalid promql query", 8),
    ("x{", "unexpected end of input inside braces", 2),
    ("x)", "unexpected right parenthesis ')'", 1),
    ("x !~ y", "unexpected character after '!': '~'", 3),
]


@pytest.mark.parametrize(("expr", "reason", "column"), BROKEN, ids=[e for e, _, _ in BROKEN])
def test_a_broken_expression_gets_a_caret_under_its_column(
    expr: str, reason: str, column: int
) -> None:
    (message,) = promql_problems(expr)
    first, shown, caret = message.split("\n")
    assert first.startswith(f"not valid PromQL: {reason}")
    assert shown == f"  {expr}"
    assert caret == "  " + " " * column + "^"


def test_the_message_reads_as_the_user_sees_it() -> None:
    assert promql_problems("rate(http_requests_total[5 m])") == [
        "not valid PromQL: unexpected character inside brackets: 'm'; a duration is a whole "
        "number and a unit with no space between them (5m, 1h30m)\n"
        "  rate(http_requests_total[5 m])\n"
        "                             ^"
    ]


def test_a_multi_line_expression_is_shown_on_one_line() -> None:
    (message,) = promql_problems("sum(rate(x[5m]))\n  > 1h30\n")
    assert message.split("\n")[1:] == [
        "  sum(rate(x[5m]))   > 1h30 ",
        "                       ^",
    ]
    assert "1h30;" in message.split("\n")[0]  # the parser's line break is not echoed


def test_an_empty_expression_is_refused() -> None:
    assert promql_problems("  ") == [
        "an expression is required; write a PromQL query such as up == 0"
    ]


def test_error_parts_give_the_column() -> None:
    found = promql_error("sum(x) +")
    assert found is not None
    reason, column, caret = found
    assert (reason, column) == ("not valid PromQL: invalid promql query", 8)
    assert caret == "  sum(x) +\n          ^"
    assert promql_error("up == 0") is None


# ------------------------------------------------------------------ Grafana macros


@pytest.mark.parametrize(
    "expr",
    [
        "sum(rate(http_requests_total[$__rate_interval]))",
        "increase(x[$__range])",
        "increase(x[${__range}]) / $__range_s",
        "avg_over_time(x[$__interval])",
        "x offset $__interval",
        "sum(x) * 1000 / $__interval_ms",
    ],
)
def test_grafana_macros_are_read_only_in_grafana_mode(expr: str) -> None:
    assert promql_problems(expr, grafana=True) == []
    (message,) = promql_problems(expr)
    assert "PromQL has no $ variables" in message


def test_a_caret_after_a_macro_points_into_the_text_as_written() -> None:
    expr = "sum(rate(x[$__rate_interval])) by (job) +"
    (message,) = promql_problems(expr, grafana=True)
    assert message.split("\n")[2] == "  " + " " * len(expr) + "^"
    (message,) = promql_problems("rate(x[$__interval]) and $job", grafana=True)
    reason, _, caret = message.split("\n")
    assert "only the interval and range macros are read here" in reason
    assert caret == "  " + " " * 25 + "^"


def test_holt_winters_is_refused_because_the_offline_parser_cannot_check_it() -> None:
    # Prometheus 3 renamed it and promql-parser knows only the new name: see the module
    # docstring.
    (message,) = promql_problems("holt_winters(x[5m], 0.5, 0.5)")
    reason, _, caret = message.split("\n")
    assert reason == (
        "not valid PromQL: unknown function with name 'holt_winters'; the offline parser "
        "(promql-parser, which reads Prometheus 3's PromQL) does not know holt_winters, which "
        "Prometheus 3 renamed double_exponential_smoothing (experimental), so the blueprint "
        "cannot check this expression: use predict_linear() or deriv() instead"
    )
    assert caret == "  ^"


BEYOND = (
    "not PromQL of Prometheus 2 without feature flags, the PromQL checked for Amazon Managed "
    "Service for Prometheus: "
)
EXPERIMENTAL = [
    # (expression, name, "function" or "aggregation", caret column)
    ("limitk(2, http_requests_total)", "limitk", "aggregation", 0),
    ("sum(limit_ratio by (job) (0.5, x))", "limit_ratio", "aggregation", 4),
    (
        "double_exponential_smoothing(x[1h], 0.3, 0.1)",
        "double_exponential_smoothing",
        "function",
        0,
    ),
    ('sort_by_label(up, "instance")', "sort_by_label", "function", 0),
    ('sort_by_label_desc(up, "instance")', "sort_by_label_desc", "function", 0),
    ("info(rate(x[5m]))", "info", "function", 0),
    ("x - ts_of_max_over_time(x[1h])", "ts_of_max_over_time", "function", 4),
    ("mad_over_time(x[1h])", "mad_over_time", "function", 0),
    ("first_over_time(x[1h])", "first_over_time", "function", 0),
    ("x @ end() + step()", "step", "function", 12),
]


@pytest.mark.parametrize(
    ("expr", "name", "kind", "column"), EXPERIMENTAL, ids=[n for _, n, _, _ in EXPERIMENTAL]
)
def test_experimental_functions_the_parser_accepts_are_refused(
    expr: str, name: str, kind: str, column: int
) -> None:
    (message,) = promql_problems(expr)
    reason, shown, caret = message.split("\n")
    assert reason == (
        f"{BEYOND}{name} is an experimental {kind}, which Prometheus evaluates only with "
        "--enable-feature=promql-experimental-functions; write the query with the stable "
        "functions of https://prometheus.io/docs/prometheus/latest/querying/functions/"
    )
    assert (shown, caret) == ("  " + expr, "  " + " " * column + "^")


QUOTED = [
    ('{"http.server.duration"}', '"http.server.duration"', 1),
    ('up{job="a", "service.name"="checkout"}', '"service.name"', 12),
    ('sum by ("service.name") (x)', '"service.name"', 8),
    ("x / on ('instance') y", "'instance'", 8),
    ('rate({"a.b", job="api"}[5m])', '"a.b"', 6),
]


@pytest.mark.parametrize(("expr", "quoted", "column"), QUOTED, ids=[e for e, _, _ in QUOTED])
def test_quoted_utf8_names_are_refused(expr: str, quoted: str, column: int) -> None:
    (message,) = promql_problems(expr)
    reason, _, caret = message.split("\n")
    assert reason == (
        f"{BEYOND}{quoted} is a quoted name, Prometheus 3's syntax for UTF-8 metric and label "
        "names; write the name unquoted, of letters, digits and _ (and : in a metric name), "
        'the metric name before the braces, such as http_server_duration_seconds{service_name="'
        'checkout"}'
    )
    assert caret == "  " + " " * column + "^"


@pytest.mark.parametrize(
    "expr",
    [
        "x @ start()",  # the @ modifier, not the function
        "x @ end()",
        'label_replace(up, "dst.label", "$1", "src", "(.*)")',  # strings, not names
        'count_values("version", build_version)',
        'up{job=~"a|b", instance!="c"}',
        'x{sum="a", info="b"}',  # keywords and function names as label names
        "sum by (limitk) (x)",
        'info{job="a"} > 0',  # a metric named like a function
        "range > 1",
        "sum(x @ start())",
    ],
)
def test_stable_prometheus_2_syntax_passes(expr: str) -> None:
    assert promql_problems(expr) == []


def test_the_module_examples_hold() -> None:
    result = doctest.testmod(promql)
    assert result.attempted > 0
    assert result.failed == 0
