"""X-Ray rules: filter expressions read offline, sampling rules, names, events and links."""

from __future__ import annotations

import json
import pickle
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observability_blueprint.rules import event_patterns
from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.xray import (
    FilterExpressionError,
    SamplingRateBoost,
    SamplingRuleSpec,
    check_filter_expression,
    check_fixed_rate,
    check_group_name,
    check_indexing_percentage,
    check_latency_bound,
    check_logs_policy_name,
    check_priority,
    check_reservoir_size,
    check_rule_name,
    check_service_name,
    group_filter,
    insight_event_pattern,
    normalize_trace_id,
    sampling_rule_notes,
    sampling_rule_problems,
    trace_map_url,
    trace_url,
    transaction_search_policy,
    validate_filter_expression,
)

REFERENCE = json.loads(
    (Path(__file__).parent / "reference" / "xray_filter_examples.json").read_text(encoding="utf-8")
)
FILTERS_PAGE = "https://docs.aws.amazon.com/xray/latest/devguide/xray-console-filters.html"


# ------------------------------------------------------- the documented examples


def test_the_corpus_names_its_pages_and_holds_the_filters_page_examples() -> None:
    assert FILTERS_PAGE in REFERENCE["pages"]
    assert {case["page"] for case in REFERENCE["cases"]} <= set(REFERENCE["pages"])
    from_filters_page = [c for c in REFERENCE["cases"] if c["page"] == FILTERS_PAGE]
    assert len(from_filters_page) == 31
    assert len(REFERENCE["cases"]) == 36


@pytest.mark.parametrize(
    "case", REFERENCE["cases"], ids=[c["expression"][:50] for c in REFERENCE["cases"]]
)
def test_every_documented_example_is_valid(case: dict[str, Any]) -> None:
    assert check_filter_expression(case["expression"]) is None


@pytest.mark.parametrize(
    "case",
    REFERENCE["contradicting_the_page"],
    ids=[c["section"] for c in REFERENCE["contradicting_the_page"]],
)
def test_the_two_examples_that_break_the_pages_own_rules_are_refused(
    case: dict[str, Any],
) -> None:
    with pytest.raises(FilterExpressionError) as caught:
        validate_filter_expression(case["expression"])

    assert caught.value.reason == case["reason"]
    assert caught.value.position == case["column"]


# ------------------------------------------------------- broken expressions


def test_an_unclosed_quote_points_past_the_end() -> None:
    message = (
        'expected a closing " for the service name opened at column 8\n'
        '  service("api.example.com) { fault }\n'
        "                                     ^"
    )

    with pytest.raises(FilterExpressionError, match=f"^{re.escape(message)}$") as caught:
        validate_filter_expression('service("api.example.com) { fault }')

    assert caught.value.expression == 'service("api.example.com) { fault }'
    assert caught.value.position == 35
    assert caught.value.expected == 'a closing "'


def test_an_unclosed_parenthesis_names_where_it_opened() -> None:
    message = (
        "expected AND, OR or ) to close the ( at column 0\n"
        "  ((fault) OR error\n"
        "                   ^"
    )

    with pytest.raises(FilterExpressionError, match=f"^{re.escape(message)}$"):
        validate_filter_expression("((fault) OR error")


# (expression, the message's first line, 0-based column of the caret)
CONDITION = 'a condition such as responsetime > 5, fault, or service("name")'
QUOTES = "(numbers, true and false go without)"
SYNTAX_ERRORS = [
    ('http.url CONTAINS "/api/', 'expected a closing " for the string opened at column 18', 24),
    ("fault OR error)", "this ) closes no (", 14),
    ('service("a") { fault', "expected AND, OR or } to close the { at column 13", 20),
    ('service("a") { fault }}', "this } closes no {", 22),
    ('service("a" { fault }', "expected ) to close service( at column 7", 12),
    ('edge("a") { fault }', "expected , between the two services of edge(...)", 8),
    (
        "service(api) { fault }",
        'expected a service name in double quotes or id(name: "...", type: "...") in '
        'service(...); write service("api")',
        8,
    ),
    ('service("a") {}', "expected a condition inside the braces of service(...)", 14),
    ("", f"a filter expression cannot be empty; expected {CONDITION}", 0),
    ("fault AND", f"expected {CONDITION}", 9),
    ("fault OR OR error", f"expected {CONDITION} before OR", 9),
    (
        "NOT fault",
        'NOT is not an X-Ray keyword; negate with !, such as !fault or !service("api")',
        0,
    ),
    ("responsetime 5", "expected an operator between responsetime and its value", 13),
    ("fault == true", "X-Ray compares with =, not ==", 6),
    (
        'responsetime CONTAINS "x"',
        "responsetime is a number: compare it with a number, such as responsetime > 5",
        22,
    ),
    (
        "http.url > 5",
        'http.url is text: its value goes in double quotes, such as http.url = "..."',
        11,
    ),
    ("http.url = api", f'text goes in double quotes: write "api" {QUOTES}', 11),
    ("http.url = 'x'", 'text goes in double quotes ("), not single quotes', 11),
    ("ok = yes", "ok is true or false: write ok, !ok, ok = true or ok = false", 5),
    (
        "annotation.age CONTAINS 5",
        "CONTAINS does not compare numbers; use =, !=, <, <=, > or >=",
        15,
    ),
    (
        'annotation.age < "old"',
        "< does not compare text; use =, !=, CONTAINS, BEGINSWITH or ENDSWITH",
        15,
    ),
    (
        'annotation.my-key = "x"',
        "annotation key 'my-...' cannot be filtered on: keys are letters, digits and _ only "
        "(annotation.KEY)",
        0,
    ),
    ('annotation = "x"', "write annotation.KEY, such as annotation.customer_id", 0),
    ('service(id(nam: "x"))', "id(...) takes name:, type: and account.id:, not nam", 11),
    ('service(id(name "x"))', "expected : after name", 16),
    ('id(name: "x")', "id(...) names a service inside service(...) or edge(...)", 0),
    ('rootcause.json = #[{"a": }]', "the root-cause JSON is not valid JSON: Expecting value", 25),
    ('rootcause.json = #[{"a": 1}', "expected ] to close the JSON [ at column 18", 27),
    ("rootcause.json = [1]", "expected #[ ... ] (a JSON array) after rootcause.json =", 17),
    (
        '"checkout"',
        "a quoted value needs a keyword and an operator before it, such as "
        'http.url CONTAINS "/api/"',
        0,
    ),
    (
        "5 < responsetime",
        "a number needs a keyword and an operator before it, such as responsetime > 5",
        0,
    ),
    ("{ fault }", "a { filter } follows service(...), edge(...) or a rootcause keyword", 0),
    ("!" * 101 + "fault", "!, parentheses and braces nest deeper than 100 levels", 100),
    (
        'service("a") {' * 101 + "fault" + "}" * 101,
        "!, parentheses and braces nest deeper than 100 levels",
        100 * len('service("a") {') + len('service("a") '),  # the 101st {
    ),
    ("service fault", 'expected ( after service, such as service("name")', 8),
]


@pytest.mark.parametrize(("expression", "first_line", "column"), SYNTAX_ERRORS)
def test_syntax_errors_name_the_problem_and_point_at_its_column(
    expression: str, first_line: str, column: int
) -> None:
    with pytest.raises(FilterExpressionError) as caught:
        validate_filter_expression(expression)

    assert caught.value.reason == first_line
    assert caught.value.position == column
    assert str(caught.value).split("\n")[0] == first_line


def test_an_unknown_keyword_suggests_the_nearest_and_lists_the_known_ones() -> None:
    message = check_filter_expression("responsetme > 5")

    assert message is not None
    first = message.split("\n")[0]
    assert first.startswith(
        "unknown keyword responsetme (did you mean responsetime?); X-Ray knows ok, error, "
        "throttle, fault,"
    )
    for keyword in ("http.status", "annotation.KEY", "service(...)", "rootcause.json"):
        assert keyword in first


def test_keywords_and_connectives_ignore_case_and_side_by_side_means_and() -> None:
    for text in (
        "ResponseTime > 2 and FAULT",
        'http.url contains "/v2/" Or Error',
        "ok !partial duration <3",
        'SERVICE("a") { fault }',
    ):
        assert check_filter_expression(text) is None, text


def test_the_error_survives_pickling() -> None:
    with pytest.raises(FilterExpressionError) as caught:
        validate_filter_expression("(fault")

    copy = pickle.loads(pickle.dumps(caught.value))

    assert str(copy) == str(caught.value)
    assert copy.position == 6


FAST = settings(max_examples=300, deadline=None)
SYNTAX = "(){}[]#!=<>\"' ,:.-_aAzZ09" + "AND OR fault service"


@FAST
@given(text=st.one_of(st.text(max_size=100), st.text(alphabet=SYNTAX, max_size=80)))
def test_any_text_is_read_or_refused_with_a_located_error(text: str) -> None:
    try:
        validate_filter_expression(text)
    except FilterExpressionError as error:
        caught = error
    else:
        return
    assert 0 <= caught.position <= len(text)
    assert str(caught).startswith(caught.reason + "\n")


def test_long_and_deep_expressions_are_read_quickly() -> None:
    long = " OR ".join(f"annotation.k{i} = {i}" for i in range(20_000))
    deep = "(" * 100 + "fault" + ")" * 100
    started = time.perf_counter()

    assert check_filter_expression(long) is None
    assert check_filter_expression(deep) is None
    assert check_filter_expression("rootcause.json = #[" + "[" * 50_000 + "]" * 50_000 + "]")

    assert time.perf_counter() - started < 5


# ------------------------------------------------------- a group's filter from its parts


def test_a_group_filter_joins_its_conditions_with_or_inside_the_service() -> None:
    assert (
        group_filter(service="checkout", faults=True, errors=True, latency_above_seconds=2.5)
        == 'service("checkout") { fault OR error OR responsetime > 2.5 }'
    )
    assert group_filter(service="checkout") == 'service("checkout")'
    assert group_filter(faults=True) == "fault"
    assert group_filter(latency_above_seconds=3) == "responsetime > 3"
    assert group_filter(latency_above_seconds=0.000001) == "responsetime > 0.000001"
    assert group_filter(latency_above_seconds=1e21) == "responsetime > 1000000000000000000000"


def test_every_built_filter_reads_back() -> None:
    for built in (
        group_filter(service="api.example.com:443/v2", faults=True),
        group_filter(service="Scorekeep & co #1", errors=True, latency_above_seconds=0.25),
        group_filter(errors=True, faults=True, latency_above_seconds=10),
    ):
        assert check_filter_expression(built) is None, built


def test_a_group_filter_refuses_nothing_to_filter_and_bad_parts() -> None:
    with pytest.raises(ValueError, match=r"^a group needs a service, errors, faults, a latency"):
        group_filter()
    with pytest.raises(ValueError, match=r"^'a\"b' holds '\"'; a service name has letters"):
        group_filter(service='a"b')
    with pytest.raises(ValueError, match=r"^0 seconds is not a latency bound"):
        group_filter(faults=True, latency_above_seconds=0)


def test_service_names_follow_the_segment_name_rules() -> None:
    assert check_service_name("checkout-api.example.com") is None
    assert check_service_name("Zahlung Ü:/%&#=+-@_") is None
    assert check_service_name("") == (
        "a service name cannot be empty; give the name the service records (letters, digits, "
        "spaces and _ . : / % & # = + - @)"
    )
    assert check_service_name("x" * 201) == (
        f"{'x' * 77 + '...'!r} has 201 characters; a service name has at most 200"
    )
    assert check_service_name("a\\b(c)") == (
        "'a\\\\b(c)' holds '(', ')', '\\\\'; a service name has letters, digits, spaces and "
        "_ . : / % & # = + - @ (the characters of an X-Ray segment name)"
    )


def test_a_latency_bound_is_a_positive_number_of_seconds() -> None:
    assert check_latency_bound(0.5) is None
    assert check_latency_bound(-1) == (
        "-1 seconds is not a latency bound; give a number of seconds above 0"
    )
    assert check_latency_bound(float("nan")) == (
        "nan seconds is not a latency bound; give a number of seconds above 0"
    )
    assert check_latency_bound("2") == "'2' is not a number of seconds; give a number above 0"
    assert check_latency_bound(True) == "True is not a number of seconds; give a number above 0"


# ------------------------------------------------------- names


def test_group_names_are_1_to_32_letters_digits_and_hyphens_not_default() -> None:
    assert check_group_name("shop-dev-checkout") is None
    assert check_group_name("A" * 32) is None
    assert check_group_name("A" * 33) == (
        f"{'A' * 33!r} (33 characters) is not an X-Ray group name; use 1 to 32 letters, digits "
        "and hyphens (names are case-sensitive)"
    )
    assert check_group_name("shop_dev") == (
        "'shop_dev' is not an X-Ray group name; use 1 to 32 letters, digits and hyphens "
        "(names are case-sensitive)"
    )
    assert check_group_name("") is not None
    assert check_group_name("Default") == (
        "'Default' is the name of the built-in group; choose another name (1 to 32 letters, "
        "digits and hyphens)"
    )
    assert check_group_name("default") is None


def test_sampling_rule_names_are_1_to_32_characters_not_default() -> None:
    # The console guide's example name, with its en dash.
    assert check_rule_name("DEBUG \N{EN DASH} history updates") is None
    assert check_rule_name("x" * 32) is None
    assert check_rule_name("checkout-api-sampling-rule-for-prod") == (
        "'checkout-api-sampling-rule-for-prod' has 35 characters; a sampling rule name has 1 to 32"
    )
    assert check_rule_name("") == "'' has 0 characters; a sampling rule name has 1 to 32"
    assert check_rule_name("Default") == (
        "'Default' is the name of the built-in sampling rule; choose another name (1 to 32 "
        "characters)"
    )


def test_logs_policy_names_follow_the_cloudformation_pattern() -> None:
    assert check_logs_policy_name("TransactionSearchAccess") is None
    assert check_logs_policy_name("team/tracing") is None
    expected = (
        "{!r} is not a Logs resource policy name; use 1 to 255 characters without : or *, with "
        "single / between parts"
    )
    for bad in ("a:b", "a*", "/a", "a//b", "a/", "", "x" * 256):
        assert check_logs_policy_name(bad) == expected.format(
            bad if len(bad) <= 80 else "x" * 77 + "..."
        )


# ------------------------------------------------------- sampling rules

# CreateSamplingRule examples of "Configuring sampling, groups, and encryption settings
# with the X-Ray API" (xray-api-configuration).
BASE_SCOREKEEP = SamplingRuleSpec(
    rule_name="base-scorekeep",
    priority=9000,
    fixed_rate=0.1,
    reservoir_size=5,
    service_name="Scorekeep",
)
POLLING_SCOREKEEP = SamplingRuleSpec(
    rule_name="polling-scorekeep",
    priority=5000,
    fixed_rate=0.003,
    reservoir_size=0,
    service_name="Scorekeep",
    http_method="GET",
    url_path="/api/state/*",
)


def test_the_documented_rules_and_the_bounds_are_valid() -> None:
    assert sampling_rule_problems(BASE_SCOREKEEP) == []
    assert sampling_rule_problems(POLLING_SCOREKEEP) == []
    edges = SamplingRuleSpec(
        rule_name="x" * 32,
        priority=9999,
        fixed_rate=1,
        reservoir_size=2**31 - 1,
        service_name="s" * 64,
        service_type="t" * 64,
        host="h" * 64,
        http_method="M" * 10,
        url_path="/" * 128,
        resource_arn="a" * 500,
        attributes={"k" * 32: "v" * 32, "a": "b", "c": "d", "e": "f", "g": "h"},
        rate_boost=SamplingRateBoost(max_rate=1, cooldown_minutes=1),
    )
    assert sampling_rule_problems(edges) == []
    assert sampling_rule_problems(SamplingRuleSpec("r", 1, 0.0, 0)) == []


def test_a_rate_outside_0_to_1_is_refused() -> None:
    message = "{} is not a fixed rate; give a fraction of requests from 0 to 1, such as 0.05 for 5%"
    assert check_fixed_rate(1.5) == message.format("1.5")
    assert check_fixed_rate(-0.1) == message.format("-0.1")
    assert check_fixed_rate(5) == message.format("5")
    assert check_fixed_rate(float("inf")) == message.format("inf")
    assert check_fixed_rate("0.5") == message.format("'0.5'")
    assert check_fixed_rate(0.05) is None


def test_a_priority_outside_1_to_9999_is_refused() -> None:
    message = (
        "{} is not a sampling rule priority; give a whole number from 1 to 9,999 (rules are "
        "evaluated from 1 up; the built-in Default rule is 10,000)"
    )
    assert check_priority(0) == message.format("0")
    assert check_priority(10_000) == message.format("10000")
    assert check_priority(1.5) == message.format("1.5")
    assert check_priority(True) == message.format("True")
    assert check_priority(10**50) == message.format("100000000000...0000 (51 digits)")
    assert check_priority(1) is None
    assert check_priority(9999) is None


def test_a_negative_or_fractional_reservoir_is_refused() -> None:
    message = (
        "{} is not a reservoir size; give a whole number of requests per second, from 0 to "
        "2,147,483,647"
    )
    assert check_reservoir_size(-1) == message.format("-1")
    assert check_reservoir_size(0.5) == message.format("0.5")
    assert check_reservoir_size(2**31) == message.format("2147483648")
    assert check_reservoir_size(0) is None


def test_every_problem_of_a_rule_is_reported_at_its_field() -> None:
    spec = SamplingRuleSpec(
        rule_name="a-sampling-rule-name-of-33-chars!",
        priority=0,
        fixed_rate=2,
        reservoir_size=-3,
        service_name="",
        host="h" * 65,
        http_method="PROPPATCH-X",
        url_path="/" * 129,
        resource_arn="a" * 501,
        attributes={"k": "", "a": "1", "b": "2", "c": "3", "d": "4", "e": "5"},
        version=2,
        rate_boost=SamplingRateBoost(max_rate=1.2, cooldown_minutes=0),
    )

    problems = sampling_rule_problems(spec)

    assert [p.location for p in problems] == [
        "rule_name",
        "priority",
        "fixed_rate",
        "reservoir_size",
        "service_name",
        "host",
        "http_method",
        "url_path",
        "resource_arn",
        "attributes",
        "attributes['k']",
        "version",
        "rate_boost.max_rate",
        "rate_boost.cooldown_minutes",
    ]
    by_place = {p.location: p.message for p in problems}
    assert by_place["service_name"] == (
        "an empty value matches nothing; give a service name, or * to match any"
    )
    assert by_place["http_method"] == (
        "'PROPPATCH-X' has 11 characters; a HTTP method to match has at most 10 (* matches "
        "any characters, ? one)"
    )
    assert by_place["attributes"] == "6 attributes; a sampling rule matches at most 5"
    assert by_place["attributes['k']"] == (
        "'' is not an attribute value; give 1 to 32 characters (* and ? match as wildcards)"
    )
    assert by_place["version"] == "2 is not a sampling rule version; the only version is 1"
    assert by_place["rate_boost.max_rate"] == (
        "1.2 is not a boost rate; give a fraction of requests from 0 to 1, such as 0.05 for 5%"
    )
    assert by_place["rate_boost.cooldown_minutes"] == (
        "0 is not a cooldown; give a whole number of minutes, 1 or more"
    )


def test_an_attribute_key_over_32_characters_is_refused() -> None:
    spec = SamplingRuleSpec("r", 1, 0.1, 1, attributes={"k" * 33: "v"})

    assert sampling_rule_problems(spec) == [
        Problem(
            "attributes",
            f"key {'k' * 33!r} has 33 characters; attribute keys have 1 to 32",
        )
    ]


def test_rules_the_sdks_cannot_use_are_noted() -> None:
    assert sampling_rule_notes(BASE_SCOREKEEP) == []
    notes = sampling_rule_notes(
        SamplingRuleSpec(
            "r",
            1,
            0.1,
            1,
            resource_arn="arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod",
            attributes={"X-Tenant": "gold"},
        )
    )
    assert notes == [
        "the X-Ray SDKs use only rules whose resource_arn is *: this rule reaches API Gateway "
        "stages and services that match on the resource ARN, not SDK-instrumented code",
        "the X-Ray SDKs ignore rules with attributes: this rule reaches API Gateway (request "
        "headers), not SDK-instrumented code",
    ]


# ------------------------------------------------------- Transaction Search


def test_the_indexing_percentage_is_0_to_100() -> None:
    message = (
        "{} is not an indexing percentage; give a number from 0 to 100 (1% of spans are "
        "indexed as trace summaries free of charge)"
    )
    assert check_indexing_percentage(0) is None
    assert check_indexing_percentage(100) is None
    assert check_indexing_percentage(2.5) is None
    assert check_indexing_percentage(101) == message.format("101")
    assert check_indexing_percentage(-1) == message.format("-1")
    assert check_indexing_percentage("5") == message.format("'5'")


def test_the_spans_policy_is_the_one_aws_documents() -> None:
    # CloudWatch-Transaction-Search-Cloudformation.html, step 1, with the pseudo
    # parameters written out.
    assert transaction_search_policy(
        partition="aws", region="eu-west-1", account="111122223333"
    ) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TransactionSearchXRayAccess",
                "Effect": "Allow",
                "Principal": {"Service": "xray.amazonaws.com"},
                "Action": "logs:PutLogEvents",
                "Resource": [
                    "arn:aws:logs:eu-west-1:111122223333:log-group:aws/spans:*",
                    "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/application-signals/data:*",
                ],
                "Condition": {
                    "ArnLike": {"aws:SourceArn": "arn:aws:xray:eu-west-1:111122223333:*"},
                    "StringEquals": {"aws:SourceAccount": "111122223333"},
                },
            }
        ],
    }


# ------------------------------------------------------- insight events

# An insight event as EventBridge delivers it (fields of the schema
# aws.xray@AWSXRayInsightUpdate).
INSIGHT_DETAIL: dict[str, Any] = {
    "InsightId": "7e3d0bca-1ad3-4a1b-9a3b-2b4c5d6e7f80",
    "GroupName": "shop-dev-checkout",
    "State": "ACTIVE",
    "Categories": ["FAULT"],
    "Summary": "Fault rate of checkout is above the expected range",
}
INSIGHT_EVENT: dict[str, Any] = {
    "version": "0",
    "id": "b7e1a8a1-0000-4000-8000-000000000000",
    "detail-type": "AWS X-Ray Insight Update",
    "source": "aws.xray",
    "account": "111122223333",
    "time": "2026-03-01T10:00:00Z",
    "region": "eu-west-1",
    "resources": [],
    "detail": INSIGHT_DETAIL,
}


def test_the_insight_pattern_selects_one_groups_updates() -> None:
    pattern = insight_event_pattern("shop-dev-checkout")

    assert pattern == {
        "source": ["aws.xray"],
        "detail-type": ["AWS X-Ray Insight Update"],
        "detail": {"GroupName": ["shop-dev-checkout"]},
    }
    assert event_patterns.check_pattern(pattern) is None
    assert event_patterns.matches(pattern, INSIGHT_EVENT)
    other_group = {**INSIGHT_EVENT, "detail": {**INSIGHT_DETAIL, "GroupName": "other"}}
    assert not event_patterns.matches(pattern, other_group)


def test_the_insight_pattern_can_keep_only_some_states() -> None:
    pattern = insight_event_pattern("shop-dev-checkout", states=["CLOSED", "CLOSED"])

    assert pattern["detail"] == {"GroupName": ["shop-dev-checkout"], "State": ["CLOSED"]}
    assert not event_patterns.matches(pattern, INSIGHT_EVENT)
    with pytest.raises(ValueError, match=r"^'OPEN': give insight states among ACTIVE or CLOSED$"):
        insight_event_pattern("g", states=["OPEN"])
    with pytest.raises(ValueError, match=r"^no state: give insight states among ACTIVE or CLOSED$"):
        insight_event_pattern("g", states=[])
    with pytest.raises(ValueError, match="is not an X-Ray group name"):
        insight_event_pattern("a group")


# ------------------------------------------------------- console links


def test_trace_ids_are_read_in_xray_and_w3c_forms_and_from_a_tracing_header() -> None:
    xray_id = "1-58406520-a006649127e371903a2de979"
    assert normalize_trace_id(xray_id) == xray_id
    assert normalize_trace_id("4efaaf4d1e8720b39541901950019ee5") == (
        "1-4efaaf4d-1e8720b39541901950019ee5"
    )
    assert normalize_trace_id(f"Root={xray_id};Parent=53995c3f42cd8ad8;Sampled=1") == xray_id
    assert normalize_trace_id(" 1-58406520-A006649127E371903A2DE979 ") == xray_id
    with pytest.raises(
        ValueError,
        match=re.escape(
            "'1-xyz-123' is not an X-Ray trace id; give 1-<8 hex digits>-<24 hex digits> (such "
            "as 1-58406520-a006649127e371903a2de979), a W3C trace id of 32 hex digits, or a "
            "Root=... tracing header"
        ),
    ):
        normalize_trace_id("1-xyz-123")


def test_console_links_open_the_cloudwatch_xray_pages_of_the_region() -> None:
    assert trace_url("1-58406520-a006649127e371903a2de979", "eu-west-1") == (
        "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
        "#xray:traces/1-58406520-a006649127e371903a2de979"
    )
    assert trace_map_url("us-east-1") == (
        "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#xray:service-map/map"
    )
    assert trace_map_url("cn-north-1") == (
        "https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#xray:service-map/map"
    )
    assert trace_map_url("us-gov-west-1").startswith(
        "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#"
    )
    assert trace_map_url("${Token[AWS.Region.9]}", partition="aws") == (
        "https://console.aws.amazon.com/cloudwatch/home?region=${Token[AWS.Region.9]}"
        "#xray:service-map/map"
    )


def test_console_links_refuse_what_they_cannot_place() -> None:
    with pytest.raises(ValueError, match=r"^'eu-west-9' is not an AWS Region"):
        trace_map_url("eu-west-9")
    with pytest.raises(ValueError, match=r"^cn-north-1 is in the aws-cn partition, not aws$"):
        trace_map_url("cn-north-1", partition="aws")
    with pytest.raises(ValueError, match=r"^no console link for the aws-iso partition"):
        trace_map_url("us-iso-east-1")
