"""The composite-alarm rule language: parsing, rendering, counting, checks and cycles.

Documented examples come from the CloudWatch user guide page "Composite alarms"
(GUIDE), the PutCompositeAlarm API reference (API), the earlier user guide page
"Creating a composite alarm" (CONSOLE) and aws-cdk-lib's composite-alarm tests
(CDK, text that CloudFormation deploys).
"""

from __future__ import annotations

import pickle
import re
import string
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observability_blueprint.rules.alarm_rules import (
    ALARM_RULE_MAX_LENGTH,
    AT_LEAST_STATES,
    CHILD_ALARMS_MAX,
    ELEMENTS_MAX,
    LONGEST_PARTITION,
    LONGEST_REGION,
    STATES,
    AlarmRuleError,
    And,
    AtLeast,
    Constant,
    Not,
    Or,
    Rule,
    StateRef,
    check_rule,
    element_count,
    find_cycles,
    is_alarm_arn,
    parse,
    quieted_alarms,
    references,
    render,
    substitute,
    worst_case_alarm_arn_length,
)
from observability_blueprint.rules.arns import Place

FAST = settings(max_examples=300, deadline=None)

ARN1 = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:Alarm1"
ARN2 = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:Alarm2"
ARN3 = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:Alarm3"
ARN4 = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:Alarm4"
ARN5 = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:Alarm5"


def alarm(name: str, *, quoted: bool = False) -> StateRef:
    return StateRef("ALARM", name, quoted)


def ok(name: str, *, quoted: bool = False) -> StateRef:
    return StateRef("OK", name, quoted)


# --- Documented examples --------------------------------------------------------------

DOCUMENTED: list[tuple[str, Rule]] = [
    # GUIDE and API
    (
        "ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)",
        And((alarm("CPUUtilizationTooHigh"), alarm("DiskReadOpsTooHigh"))),
    ),
    (
        "ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)",
        And((alarm("CPUUtilizationTooHigh"), Not(alarm("DeploymentInProgress")))),
    ),
    # API
    (
        "(ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)) AND OK(NetworkOutTooHigh)",
        And(
            (
                Or((alarm("CPUUtilizationTooHigh"), alarm("DiskReadOpsTooHigh"))),
                ok("NetworkOutTooHigh"),
            )
        ),
    ),
    # GUIDE
    (
        "AT_LEAST(2, ALARM, (WebServer1CPU, WebServer2CPU, WebServer3CPU, WebServer4CPU))",
        AtLeast(
            2,
            False,
            "ALARM",
            ("WebServer1CPU", "WebServer2CPU", "WebServer3CPU", "WebServer4CPU"),
        ),
    ),
    (
        "AT_LEAST(50%, OK, (DatabaseConnection1, DatabaseConnection2, DatabaseConnection3,"
        " DatabaseConnection4))",
        AtLeast(
            50,
            True,
            "OK",
            tuple(f"DatabaseConnection{i}" for i in range(1, 5)),
        ),
    ),
    (
        "AT_LEAST(2, ALARM, (AZ1Health, AZ2Health, AZ3Health)) AND NOT ALARM(MaintenanceWindow)",
        And(
            (
                AtLeast(2, False, "ALARM", ("AZ1Health", "AZ2Health", "AZ3Health")),
                Not(alarm("MaintenanceWindow")),
            )
        ),
    ),
    # GUIDE writes the function descriptions with a blank before the bracket.
    ('ALARM ("alarm-name")', alarm("alarm-name", quoted=True)),
    # CONSOLE: quoted names, over several lines.
    (
        '(ALARM("CPUUtilizationTooHigh") OR \nALARM("DiskReadOpsTooHigh")) AND \n'
        'OK("NetworkOutTooHigh")',
        And(
            (
                Or(
                    (
                        alarm("CPUUtilizationTooHigh", quoted=True),
                        alarm("DiskReadOpsTooHigh", quoted=True),
                    )
                ),
                ok("NetworkOutTooHigh", quoted=True),
            )
        ),
    ),
    # API: "TRUE always evaluates to TRUE. FALSE always evaluates to FALSE."
    ("TRUE", Constant(True)),
    ("FALSE", Constant(False)),
    # CDK: what AlarmRule.anyOf/allOf/not/atLeast render, ARNs substituted.
    (
        f'(((ALARM("{ARN1}") OR OK("{ARN2}") OR ALARM("{ARN3}") OR ALARM("{ARN5}"))'
        f' AND (NOT (INSUFFICIENT_DATA("{ARN4}"))) AND AT_LEAST(2, ALARM, ("{ARN1}",'
        f' "{ARN2}", "{ARN3}")) AND AT_LEAST(60%, NOT OK, ("{ARN1}", "{ARN2}", "{ARN3}")))'
        " OR FALSE)",
        Or(
            (
                And(
                    (
                        Or(
                            (
                                alarm(ARN1, quoted=True),
                                ok(ARN2, quoted=True),
                                alarm(ARN3, quoted=True),
                                alarm(ARN5, quoted=True),
                            )
                        ),
                        Not(StateRef("INSUFFICIENT_DATA", ARN4, quoted=True)),
                        AtLeast(2, False, "ALARM", (ARN1, ARN2, ARN3), quoted=True),
                        AtLeast(60, True, "NOT OK", (ARN1, ARN2, ARN3), quoted=True),
                    )
                ),
                Constant(False),
            )
        ),
    ),
]


@pytest.mark.parametrize(("text", "expected"), DOCUMENTED)
def test_documented_examples_parse_to_their_tree(text: str, expected: Rule) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(("text", "expected"), DOCUMENTED)
def test_documented_examples_render_back_to_an_equal_tree(text: str, expected: Rule) -> None:
    assert parse(render(expected)) == expected


def test_every_at_least_state_is_accepted() -> None:
    for state in AT_LEAST_STATES:
        assert parse(f"AT_LEAST(1, {state}, (a))") == AtLeast(1, False, state, ("a",))


def test_a_blank_between_not_and_the_state_may_be_any_run_of_blanks() -> None:
    assert parse("AT_LEAST(1, NOT \n INSUFFICIENT_DATA, (a))").state == "NOT INSUFFICIENT_DATA"


def test_every_state_function_is_accepted() -> None:
    for state in STATES:
        assert parse(f"{state}(x)") == StateRef(state, "x")


# --- Names and quoting ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ALARM(arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a-b_c.d/e)", None),
        ('ALARM("my alarm (prod), eu")', "my alarm (prod), eu"),
        # GUIDE: names that include double quotes escape them with a backslash.
        (r'ALARM("say \"hi\"")', 'say "hi"'),
        # Not documented by AWS: \\ is one backslash, any other backslash is literal.
        (r'ALARM("C:\temp")', r"C:\temp"),
        (r'ALARM("ends in \\")', "ends in \\"),
        (r"ALARM(back\slash)", r"back\slash"),
        # Keywords are plain names inside the brackets.
        ("ALARM(TRUE)", "TRUE"),
        ("ALARM(AND)", "AND"),
        ("ALARM( padded )", "padded"),
    ],
)
def test_alarm_names(text: str, name: str | None) -> None:
    expected = name or text[len("ALARM(") : -1]
    rule = parse(text)

    assert isinstance(rule, StateRef)
    assert rule.alarm == expected


def test_render_keeps_quotes_where_written_and_adds_them_only_where_needed() -> None:
    assert render(parse('ALARM("CPUHigh") OR OK(DiskFull)')) == 'ALARM("CPUHigh") OR OK(DiskFull)'
    assert render(alarm("my alarm")) == 'ALARM("my alarm")'
    assert render(alarm("a,b")) == 'ALARM("a,b")'
    assert render(alarm("x(y)")) == 'ALARM("x(y)")'
    assert render(alarm('say "hi"')) == r'ALARM("say \"hi\"")'
    assert render(alarm("C:\\temp path")) == r'ALARM("C:\temp path")'
    assert render(alarm("ends in \\")) == r'ALARM("ends in \\")'
    assert render(AtLeast(1, False, "OK", ("a", "b c"))) == 'AT_LEAST(1, OK, ("a", "b c"))'
    assert render(AtLeast(1, False, "OK", ("a", "b"))) == "AT_LEAST(1, OK, (a, b))"


def test_a_name_that_cannot_be_bare_is_always_marked_quoted() -> None:
    assert StateRef("OK", "a b") == StateRef("OK", "a b", quoted=True)
    assert AtLeast(1, True, "OK", ("a b",)).quoted


# --- Operators and precedence ---------------------------------------------------------

A, B, C, D = alarm("a"), alarm("b"), alarm("c"), alarm("d")

PRECEDENCE: list[tuple[str, Rule]] = [
    ("ALARM(a) OR ALARM(b) AND ALARM(c)", Or((A, And((B, C))))),
    ("ALARM(a) AND ALARM(b) OR ALARM(c)", Or((And((A, B)), C))),
    ("NOT ALARM(a) AND ALARM(b)", And((Not(A), B))),
    ("NOT ALARM(a) OR ALARM(b)", Or((Not(A), B))),
    ("NOT (ALARM(a) OR ALARM(b))", Not(Or((A, B)))),
    ("NOT NOT ALARM(a)", Not(Not(A))),
    ("ALARM(a) AND ALARM(b) AND ALARM(c)", And((A, B, C))),
    ("ALARM(a) AND (ALARM(b) AND ALARM(c))", And((A, And((B, C))))),
    ("(ALARM(a) AND ALARM(b)) AND ALARM(c)", And((And((A, B)), C))),
    ("ALARM(a) OR ALARM(b) OR ALARM(c) AND ALARM(d)", Or((A, B, And((C, D))))),
    ("((ALARM(a)))", A),
    ("ALARM(a)AND(OK(b))", And((A, ok("b")))),
    ("ALARM(a) AND TRUE OR NOT FALSE", Or((And((A, Constant(True))), Not(Constant(False))))),
    ("NOT AT_LEAST(1, OK, (a))", Not(AtLeast(1, False, "OK", ("a",)))),
]


@pytest.mark.parametrize(("text", "expected"), PRECEDENCE)
def test_not_binds_tightest_then_and_then_or(text: str, expected: Rule) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (And((A, B, C)), "ALARM(a) AND ALARM(b) AND ALARM(c)"),
        (Or((A, B)), "ALARM(a) OR ALARM(b)"),
        (And((Or((A, B)), C)), "(ALARM(a) OR ALARM(b)) AND ALARM(c)"),
        # AWS documents no precedence between AND and OR: the text does not rely on one.
        (Or((And((A, B)), C)), "(ALARM(a) AND ALARM(b)) OR ALARM(c)"),
        (And((A, And((B, C)))), "ALARM(a) AND (ALARM(b) AND ALARM(c))"),
        (And((Not(A), B)), "NOT ALARM(a) AND ALARM(b)"),
        (Not(And((A, B))), "NOT (ALARM(a) AND ALARM(b))"),
        (Not(Not(A)), "NOT (NOT ALARM(a))"),
        (Not(Constant(True)), "NOT TRUE"),
        (Not(AtLeast(10, True, "NOT ALARM", ("a",))), "NOT AT_LEAST(10%, NOT ALARM, (a))"),
    ],
)
def test_render_writes_the_parentheses_the_tree_needs(rule: Rule, text: str) -> None:
    assert render(rule) == text


# --- Errors ---------------------------------------------------------------------------


def test_the_message_shows_the_rule_and_a_caret_under_the_column() -> None:
    message = (
        "expected ')' to close ALARM( at column 7\n  NOT (  ALARM(CPUHigh\n                      ^"
    )

    with pytest.raises(AlarmRuleError, match=f"^{re.escape(message)}$") as caught:
        parse("NOT (  ALARM(CPUHigh")

    assert caught.value.rule == "NOT (  ALARM(CPUHigh"
    assert caught.value.position == 20
    assert caught.value.expected == "')' to close ALARM( at column 7"


def test_the_error_survives_pickling() -> None:
    with pytest.raises(AlarmRuleError) as caught:
        parse("ALARM(a) and OK(b)")

    copy = pickle.loads(pickle.dumps(caught.value))

    assert (copy.rule, copy.position, copy.expected, str(copy)) == (
        caught.value.rule,
        caught.value.position,
        caught.value.expected,
        str(caught.value),
    )


# (rule, start of the first line of the message, 0-based column of the caret)
SYNTAX_ERRORS = [
    ("(ALARM(a) OR OK(b)", "expected AND, OR or ')' to close the '(' at column 0", 18),
    ("ALARM(a", "expected ')' to close ALARM( at column 0", 7),
    ("ALARM(my alarm)", "expected ')' to close ALARM( at column 0; a name with spaces", 9),
    ("ALARM(a, b)", "expected ')' to close ALARM( at column 0; a name with spaces", 7),
    ('ALARM("a b', 'expected a closing " for the alarm name opened at column 6', 10),
    ("ALARM a", "expected '(' after ALARM", 6),
    ("ALARM()", "expected an alarm name or ARN", 6),
    ('ALARM("")', "an alarm name or ARN cannot be empty", 6),
    ("ALRM(a)", "unknown function ALRM; did you mean ALARM?", 0),
    ("WARNING(a)", "unknown function WARNING (functions: AT_LEAST, ALARM, OK,", 0),
    ("CPUHigh AND OK(b)", "expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), AT_LEAST", 0),
    ("AT_LEAST(0, ALARM, (a, b))", "an AT_LEAST count is at least 1; got 0", 9),
    ("AT_LEAST(0%, ALARM, (a, b))", "an AT_LEAST percentage is from 1% to 100%; got 0%", 9),
    ("AT_LEAST(101%, ALARM, (a, b))", "an AT_LEAST percentage is from 1% to 100%; got 101%", 9),
    ("AT_LEAST(3, ALARM, (a, b))", "AT_LEAST(3, ...) can never be true: its list holds 2", 9),
    ("AT_LEAST(9999999, OK, (a))", "AT_LEAST threshold 9999999 is too large", 9),
    ('AT_LEAST("50%", OK, (a))', "expected a threshold: a count such as 2 or a percentage", 9),
    ("AT_LEAST(2.5, OK, (a, b, c))", "expected ',' after the AT_LEAST threshold", 10),
    ("AT_LEAST(2 ALARM, (a, b))", "expected ',' after the AT_LEAST threshold", 11),
    ("AT_LEAST(2, ALARM (a, b))", "expected ',' after the AT_LEAST state", 18),
    ("AT_LEAST(2, ALARM, (a b))", "expected ',' or ')' in the AT_LEAST list at column 19", 22),
    ("AT_LEAST(2, ALARM, (a, b)", "expected ')' to close AT_LEAST( at column 0", 25),
    ("AT_LEAST(2, ALARM, a, b)", "expected '(' to open the AT_LEAST list of alarms", 19),
    ("AT_LEAST(1, ALARM, ())", "expected an alarm name or ARN", 20),
    ("AT_LEAST(1, NOT, (a))", "expected a state: ALARM, OK, INSUFFICIENT_DATA, NOT ALARM,", 12),
    ("AT_LEAST(1, Alarm, (a))", "expected a state: ALARM, OK, INSUFFICIENT_DATA", 12),
    ("ALARM(a) ALARM(b)", "expected AND, OR or the end of the rule", 9),
    ("ALARM(a) TRUE", "expected AND, OR or the end of the rule", 9),
    ("ALARM(a) NOT OK(b)", "expected AND, OR or the end of the rule; NOT negates", 9),
    ("ALARM(a))", "this ')' closes no '('", 8),
    ("ALARM(a) AND", "expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), AT_LEAST", 12),
    ("AND ALARM(a)", "expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), AT_LEAST", 0),
    ("", "an AlarmRule cannot be empty; expected ALARM(...)", 0),
    (" \n ", "an AlarmRule cannot be empty; expected ALARM(...)", 3),
    ("()", "expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), AT_LEAST", 1),
    ("ALARM(a) and OK(b)", "expected AND, OR or the end of the rule; keywords are upper case:"
     " write AND", 9),
    ("ALARM(a) Or OK(b)", "expected AND, OR or the end of the rule; keywords are upper case:"
     " write OR", 9),
    ("not ALARM(a)", "expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), AT_LEAST(...), TRUE,"
     " FALSE, NOT or (; keywords are upper case: write NOT", 0),
    ("alarm(a)", "expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), AT_LEAST(...), TRUE,"
     " FALSE, NOT or (; keywords are upper case: write ALARM", 0),
    ("true", "expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), AT_LEAST(...), TRUE,"
     " FALSE, NOT or (; keywords are upper case: write TRUE", 0),
    ("(" * 101 + "TRUE" + ")" * 101, "NOT and parentheses nest deeper than 100 levels", 100),
    ("NOT " * 101 + "TRUE", "NOT and parentheses nest deeper than 100 levels", 400),
]  # fmt: skip


@pytest.mark.parametrize(("text", "reason", "column"), SYNTAX_ERRORS)
def test_syntax_errors_say_what_was_expected_where(text: str, reason: str, column: int) -> None:
    with pytest.raises(AlarmRuleError, match=f"^{re.escape(reason)}") as caught:
        parse(text)

    assert caught.value.position == column
    caret_line = str(caught.value).splitlines()[-1]
    assert caret_line.endswith("^")


def test_an_unclosed_paren_error_points_past_the_end_of_the_rule() -> None:
    message = (
        "expected AND, OR or ')' to close the '(' at column 0\n"
        "  (ALARM(a) OR OK(b)\n"
        "                    ^"
    )

    with pytest.raises(AlarmRuleError, match=f"^{re.escape(message)}$"):
        parse("(ALARM(a) OR OK(b)")


def test_a_lowercase_keyword_error_says_to_write_it_in_upper_case() -> None:
    message = (
        "expected AND, OR or the end of the rule; keywords are upper case: write AND\n"
        "  ALARM(a) and OK(b)\n"
        "           ^"
    )

    with pytest.raises(AlarmRuleError, match=f"^{re.escape(message)}$") as caught:
        parse("ALARM(a) and OK(b)")

    assert caught.value.expected == "AND, OR or the end of the rule"


def test_errors_that_are_not_missing_syntax_have_no_expected() -> None:
    with pytest.raises(AlarmRuleError, match="got 101%") as caught:
        parse("AT_LEAST(101%, ALARM, (a))")

    assert caught.value.expected is None


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: And((A,)), "AND joins at least two operands"),
        (lambda: Or(()), "OR joins at least two operands"),
        (lambda: StateRef("ALARM", ""), "cannot be empty"),
        (lambda: StateRef("NOT OK", "a"), "state must be one of ALARM, OK, INSUFFICIENT_DATA"),
        (lambda: AtLeast(1, False, "OK", ()), "AT_LEAST needs at least one alarm"),
        (lambda: AtLeast(0, False, "OK", ("a",)), "count is at least 1"),
        (lambda: AtLeast(2, False, "OK", ("a",)), "can never be true"),
        (lambda: AtLeast(101, True, "OK", ("a",)), "from 1% to 100%"),
        (lambda: AtLeast(1, False, "ALARMS", ("a",)), "state must be one of"),
    ],
)
def test_trees_that_no_text_could_produce_are_refused(
    build: Callable[[], object], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        build()


# --- references, substitute, element_count --------------------------------------------


def test_references_lists_each_name_once_in_order_of_first_appearance() -> None:
    rule = parse('ALARM(b) OR (OK(a) AND NOT AT_LEAST(1, OK, (c, b, "d e"))) OR ALARM(a)')

    assert references(rule) == ("b", "a", "c", "d e")
    assert references(Constant(True)) == ()


def test_substitute_replaces_names_by_arns_and_keeps_the_rest() -> None:
    rule = parse('ALARM(web) AND NOT OK("db") AND AT_LEAST(1, ALARM, (web, cache)) OR TRUE')

    replaced = substitute(rule, {"web": ARN1, "db": ARN2})

    assert render(replaced) == (
        f'(ALARM({ARN1}) AND NOT OK("{ARN2}") AND AT_LEAST(1, ALARM, ({ARN1}, cache))) OR TRUE'
    )
    assert references(replaced) == (ARN1, ARN2, "cache")


def test_substitute_quotes_a_new_name_that_needs_it() -> None:
    assert render(substitute(parse("OK(a)"), {"a": "b c"})) == 'OK("b c")'


def test_element_count_follows_the_documented_definition() -> None:
    # "Elements are child alarms, TRUE or FALSE statements, and parentheses. A pair
    # of parentheses counts as one element."
    assert element_count("ALARM(a)") == 1
    assert element_count("ALARM(a) AND NOT OK(b) OR TRUE") == 3
    assert element_count("(ALARM(a) OR ALARM(b)) AND OK(c)") == 4
    assert element_count("((ALARM(a)))") == 3
    # The same child twice is two elements; AT_LEAST counts its names and its list brackets.
    assert element_count("ALARM(a) OR OK(a)") == 2
    assert element_count("AT_LEAST(2, ALARM, (a, b, c))") == 4


def test_element_count_of_a_tree_counts_the_parentheses_render_writes() -> None:
    rule = Or((And((A, B)), Not(Or((C, D)))))

    assert render(rule) == "(ALARM(a) AND ALARM(b)) OR NOT (ALARM(c) OR ALARM(d))"
    assert element_count(rule) == 6


# --- check_rule -----------------------------------------------------------------------


def test_a_good_rule_has_no_problems() -> None:
    assert check_rule("ALARM(a) AND NOT OK(b)", known={"a", "b"}, own_name="c") == []


def test_check_rule_reports_a_syntax_error_alone() -> None:
    with pytest.raises(AlarmRuleError) as caught:
        parse("ALARM(a")

    assert check_rule("ALARM(a", known=set()) == [str(caught.value)]


def test_unknown_names_are_reported_with_a_suggestion_and_arns_always_pass() -> None:
    problems = check_rule(
        f"ALARM(CpuHigh) OR ALARM({ARN1}) OR OK(zzz)", known=["CPUHigh", "DiskFull"]
    )

    assert problems == [
        "unknown alarm 'CpuHigh' (did you mean 'CPUHigh'?): name an alarm of this blueprint"
        " (CPUHigh, DiskFull) or give an alarm ARN",
        "unknown alarm 'zzz': name an alarm of this blueprint (CPUHigh, DiskFull) or give an"
        " alarm ARN",
    ]


def test_unknown_names_list_at_most_ten_known_alarms_and_never_the_composite_itself() -> None:
    known = [f"alarm-{i:02}" for i in range(12)] + ["self"]
    assert check_rule("ALARM(gone)", known=known, own_name="self") == [
        "unknown alarm 'gone': name an alarm of this blueprint (alarm-00, alarm-01, alarm-02,"
        " alarm-03, alarm-04, alarm-05, alarm-06, alarm-07, alarm-08, alarm-09 and 2 more) or"
        " give an alarm ARN"
    ]
    assert check_rule("ALARM(gone)", known=[]) == [
        "unknown alarm 'gone': name an alarm of this blueprint (there are none) or give an"
        " alarm ARN"
    ]


def test_an_arn_that_is_not_an_alarm_is_named_for_what_it_is() -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:ops"
    assert check_rule(f"ALARM(a) OR ALARM({topic})", known=["a"]) == [
        f"{topic!r} is an SNS topic ARN; expected a CloudWatch alarm "
        "(arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME)"
    ]


def test_an_alarm_arn_without_region_or_account_is_refused() -> None:
    bare = "arn:aws:cloudwatch:::alarm:db"
    assert check_rule(f"ALARM({bare})") == [
        f"{bare!r} names no Region or account; an alarm ARN is "
        "arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME"
    ]


def test_children_by_arn_share_the_composites_region_account_and_partition() -> None:
    # "In a composite alarm, all underlying alarms must be in the same AWS Region and the
    # same account" (CloudWatch user guide, Create_Composite_Alarm).
    here = Place(partition="aws", region="us-east-1", account="123456789012")
    other_region = "arn:aws:cloudwatch:us-west-2:123456789012:alarm:db"
    other_account = "arn:aws:cloudwatch:us-east-1:210987654321:alarm:db"
    china = "arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:db"
    rule = f"ALARM({ARN1}) OR ALARM({other_region}) OR ALARM({other_account}) OR ALARM({china})"

    assert check_rule(rule) == []
    assert check_rule(rule, place=here) == [
        f"{other_region!r} is in the Region us-west-2; a composite alarm watches only alarms of "
        "its own Region and account, so it must be in this stack's Region, us-east-1",
        f"{other_account!r} is in the account 210987654321; a composite alarm watches only "
        "alarms of its own Region and account, so it must be in this stack's account, "
        "123456789012",
        f"{china!r} is in the partition aws-cn, this stack in aws: nothing in AWS reaches "
        "across partitions; use an ARN that starts arn:aws:",
    ]


def test_a_child_arn_made_of_tokens_passes() -> None:
    here = Place(partition="aws", region="us-east-1", account="123456789012")
    arn = "arn:${Token[AWS.Partition.1]}:cloudwatch:${Token[AWS.Region.2]}:1:alarm:x"
    # The account "1" is not an account id: a token-free part is still checked.
    [problem] = check_rule(f'ALARM("{arn}")', place=here)
    assert "the account '1' is not a 12-digit account id" in problem
    tokens = "arn:${Token[AWS.Partition.1]}:cloudwatch:${Token[AWS.Region.2]}:${Token[A.3]}:alarm:x"
    assert check_rule(f'ALARM("{tokens}")', place=here) == []


@pytest.mark.parametrize(
    "rule",
    [
        "ALARM(a) OR ALARM(service-health)",
        "AT_LEAST(1, ALARM, (a, service-health))",
        "ALARM(arn:aws:cloudwatch:us-east-1:123456789012:alarm:service-health)",
    ],
)
def test_a_rule_that_watches_its_own_alarm_is_reported(rule: str) -> None:
    assert check_rule(rule, own_name="service-health") == [
        "the rule refers to its own alarm 'service-health': a composite alarm cannot watch itself"
    ]


def test_at_most_100_distinct_children() -> None:
    names = [f"a{i}" for i in range(CHILD_ALARMS_MAX + 1)]
    at_limit = " OR ".join(f"ALARM({name})" for name in names[:-1]) + " OR OK(a0)"
    over = " OR ".join(f"ALARM({name})" for name in names)

    assert check_rule(at_limit) == []
    assert check_rule(over) == [
        "the rule refers to 101 alarms; a composite alarm watches at most 100: group some of"
        " them under another composite alarm"
    ]


def test_at_most_500_elements() -> None:
    at_limit = " OR ".join(f"ALARM(a{i % 100})" for i in range(ELEMENTS_MAX))

    assert element_count(at_limit) == ELEMENTS_MAX
    assert check_rule(at_limit) == []
    assert check_rule(f"({at_limit})") == [
        "the rule has 501 elements (alarm references, TRUE, FALSE and pairs of parentheses);"
        " AlarmRule allows at most 500"
    ]


def test_the_length_quota_applies_to_the_rule_with_arns_in_place_of_names() -> None:
    names = [f"{i:02d}-" + "x" * 86 for i in range(100)]
    rule = " OR ".join(f'ALARM("{name}")' for name in names)
    with_arns = " OR ".join(f'ALARM("{"a" * worst_case_alarm_arn_length(name)}")' for name in names)

    assert len(rule) <= ALARM_RULE_MAX_LENGTH < len(with_arns)
    assert check_rule(rule) == []
    assert check_rule(rule, arn_length=worst_case_alarm_arn_length) == [
        f"the rule is {len(with_arns):,} characters long once alarm names are replaced by their"
        " ARNs; AlarmRule allows at most 10,240: shorten alarm names or split the rule"
    ]
    assert check_rule(rule, arn_length=89) == []
    assert len(check_rule(rule, arn_length=200)) == 1


def test_the_length_quota_measures_arns_as_written() -> None:
    rule = " OR ".join([f"ALARM({ARN1})"] * 150)

    assert len(rule) < ALARM_RULE_MAX_LENGTH
    assert check_rule(rule, arn_length=worst_case_alarm_arn_length) == []


def test_text_longer_than_the_quota_is_reported_without_arns() -> None:
    rule = " OR ".join(["ALARM(" + "n" * 100 + ")"] * 95)

    assert len(rule) > ALARM_RULE_MAX_LENGTH
    assert check_rule(rule) == [
        f"the rule is {len(rule):,} characters long; AlarmRule allows at most 10,240:"
        " shorten alarm names or split the rule"
    ]


def test_worst_case_arn_length_uses_the_longest_partition_and_region() -> None:
    longest = "arn:aws-us-gov:cloudwatch:us-isof-south-1:123456789012:alarm:service-health"

    assert worst_case_alarm_arn_length("service-health") == len(longest) == 75


def test_the_longest_partition_and_region_match_botocore() -> None:
    from botocore.loaders import Loader  # a dev dependency (boto3, moto): never skipped

    partitions = Loader().load_data("endpoints")["partitions"]

    assert LONGEST_PARTITION in [p["partition"] for p in partitions]
    assert len(LONGEST_PARTITION) == max(len(p["partition"]) for p in partitions)
    assert len(LONGEST_REGION) == max(len(r) for p in partitions for r in p["regions"])


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (ARN1, True),
        ("arn:aws-us-gov:cloudwatch:us-gov-west-1:123456789012:alarm:a b", True),
        ("arn:aws:cloudwatch:us-east-1:123456789012:alarm:", False),
        ("arn:aws:sns:us-east-1:123456789012:alarm:x", False),
        ("arn:aws:cloudwatch:us-east-1:1234:alarm:x", False),
        ("arn:aws:cloudwatch:::alarm:x", False),
        ("arn:aws:cloudwatch:eu-mars:123456789012:alarm:x", False),
        ("Alarm1", False),
    ],
)
def test_is_alarm_arn(reference: str, expected: bool) -> None:
    assert is_alarm_arn(reference) is expected


# --- find_cycles ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("graph", "cycles"),
    [
        ({}, []),
        ({"a": ["b", "m1"], "b": ["m2"]}, []),
        ({"a": ["a"]}, [("a", "a")]),
        ({"b": ["a"], "a": ["b"]}, [("a", "b", "a")]),
        ({"c": ["a"], "a": ["b"], "b": ["c"]}, [("a", "b", "c", "a")]),
        (
            {"a": ["b", "c"], "b": ["a", "c"], "c": ["a"]},
            [("a", "b", "a"), ("a", "b", "c", "a"), ("a", "c", "a")],
        ),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}, "d": {"a"}}, [("b", "c", "b")]),
    ],
)
def test_find_cycles_reports_each_cycle_once_from_its_smallest_name(
    graph: dict[str, list[str]], cycles: list[tuple[str, ...]]
) -> None:
    assert find_cycles(graph) == cycles


def test_find_cycles_stops_at_the_limit_in_a_dense_graph() -> None:
    nodes = [f"n{i:02d}" for i in range(12)]
    complete = dict.fromkeys(nodes, nodes)

    cycles = find_cycles(complete, limit=50)

    assert len(cycles) == 50
    assert cycles == sorted(cycles)
    assert all(cycle[0] == cycle[-1] == min(cycle) for cycle in cycles)


def test_find_cycles_handles_a_long_chain_without_recursion() -> None:
    chain = {f"n{i:04d}": [f"n{i + 1:04d}"] for i in range(3000)}
    chain["n3000"] = ["n0000"]

    (cycle,) = find_cycles(chain)

    assert len(cycle) == 3002


# --- Properties -----------------------------------------------------------------------

SPECIAL_NAMES = [
    "CPUHigh",
    "my alarm",
    "a,b",
    "x(y)",
    'say "hi"',
    "back\\slash",
    "trailing\\",
    '\\"',
    "TRUE",
    "AND",
    "tab\there",
    "nbsp\u00a0here",
    ARN1,
    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:with space",
]
names = st.one_of(st.sampled_from(SPECIAL_NAMES), st.text(min_size=1, max_size=8))


@st.composite
def at_leasts(draw: st.DrawFn) -> AtLeast:
    alarms = tuple(draw(st.lists(names, min_size=1, max_size=4)))
    percent = draw(st.booleans())
    threshold = draw(st.integers(1, 100 if percent else len(alarms)))
    state = draw(st.sampled_from(AT_LEAST_STATES))
    return AtLeast(threshold, percent, state, alarms, draw(st.booleans()))


leaves = st.one_of(
    st.builds(StateRef, st.sampled_from(STATES), names, st.booleans()),
    st.builds(Constant, st.booleans()),
    at_leasts(),
)
rules = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.builds(Not, children),
        st.lists(children, min_size=2, max_size=4).map(lambda ops: And(tuple(ops))),
        st.lists(children, min_size=2, max_size=4).map(lambda ops: Or(tuple(ops))),
    ),
    max_leaves=12,
)


@FAST
@given(rule=rules)
def test_parse_reads_back_what_render_writes(rule: Rule) -> None:
    text = render(rule)

    assert parse(text) == rule
    assert element_count(text) == element_count(rule)
    assert set(references(rule)) <= set(references(parse(text)))


TOKENS = [
    "ALARM", "OK", "INSUFFICIENT_DATA", "AT_LEAST", "AND", "OR", "NOT", "TRUE", "FALSE",
    "(", ")", ",", '"', "\\", "%", " ", "\n", "0", "2", "50", "101", "a", "b c", "and",
]  # fmt: skip
token_soup = st.lists(st.sampled_from(TOKENS), max_size=25).map("".join)
any_text = st.one_of(st.text(max_size=80), st.text(alphabet=string.printable, max_size=80))


def _parse_or_error(text: str) -> Rule | AlarmRuleError:
    try:
        return parse(text)
    except AlarmRuleError as error:
        return error


@FAST
@given(text=st.one_of(any_text, token_soup))
def test_parse_raises_only_alarm_rule_error(text: str) -> None:
    outcome = _parse_or_error(text)

    if isinstance(outcome, AlarmRuleError):
        assert outcome.rule == text
        assert 0 <= outcome.position <= len(text)
        assert str(outcome).startswith(outcome.reason + "\n")
        assert check_rule(text) == [str(outcome)]
    else:
        assert parse(render(outcome)) == outcome


@FAST
@given(
    text=st.lists(
        st.sampled_from(["ALARM(a)", "OK(b)", "TRUE", "AT_LEAST(1, OK, (a, b))", "(", ")"]),
        min_size=1,
        max_size=8,
    ).flatmap(
        lambda parts: st.lists(
            st.sampled_from([" AND ", " OR ", " AND NOT ", " OR NOT ", " "]),
            min_size=len(parts) - 1,
            max_size=len(parts) - 1,
        ).map(
            lambda ops: (
                parts[0] + "".join(op + part for op, part in zip(ops, parts[1:], strict=True))
            )
        )
    )
)
def test_rules_built_from_valid_pieces_round_trip_when_they_parse(text: str) -> None:
    outcome = _parse_or_error(text)

    if not isinstance(outcome, AlarmRuleError):
        assert parse(render(outcome)) == outcome
        assert set(references(outcome)) <= {"a", "b"}


# --- quieted_alarms (noise control) ---------------------------------------------------


def test_a_paging_composite_quiets_every_alarm_below_it() -> None:
    # service-down -> checkout-degraded -> card-declines: the grandchild pages no more
    # than the child does.
    tree = {
        "service-down": ["checkout-degraded", "ledger-host"],
        "checkout-degraded": ["card-declines", "checkout-latency", "payment-errors"],
        "payment-errors": ["gateway-5xx"],
    }

    assert quieted_alarms(tree, speaking=["service-down"]) == {
        "checkout-degraded",
        "ledger-host",
        "card-declines",
        "checkout-latency",
        "payment-errors",
        "gateway-5xx",
    }


def test_a_quiet_composite_still_speaks_for_nothing_when_nobody_pages() -> None:
    tree = {"top": ["mid"], "mid": ["leaf"]}
    assert quieted_alarms(tree, speaking=[]) == set()
    assert quieted_alarms(tree, speaking=["mid"]) == {"leaf"}


def test_a_composite_that_keeps_its_childrens_actions_stops_the_walk() -> None:
    tree = {"top": ["mid", "a"], "mid": ["leaf"]}

    assert quieted_alarms(tree, speaking=["top"], keep_children=["mid"]) == {"mid", "a"}
    assert quieted_alarms(tree, speaking=["top"], keep_children=["top"]) == set()


def test_a_cycle_is_walked_once() -> None:
    tree = {"a": ["b"], "b": ["a", "c"]}
    assert quieted_alarms(tree, speaking=["a"]) == {"a", "b", "c"}
