"""Syntax errors: the message names the problem and a caret points at its column."""

from __future__ import annotations

import pickle
import re

import pytest

from observability_blueprint.rules.filter_patterns import (
    MAX_PATTERN_LENGTH,
    FilterPatternError,
    parse,
)


def test_the_message_shows_the_pattern_and_a_caret_under_the_column() -> None:
    message = (
        "expected a comparison operator (=, !=, <, <=, >, >=, IS, NOT EXISTS)"
        " after selector $.level\n"
        '  { $.level "ERROR" }\n'
        "            ^"
    )

    with pytest.raises(FilterPatternError, match=f"^{re.escape(message)}$") as caught:
        parse('{ $.level "ERROR" }')

    assert caught.value.pattern == '{ $.level "ERROR" }'
    assert caught.value.position == 10
    assert caught.value.expected == ("a comparison operator (=, !=, <, <=, >, >=, IS, NOT EXISTS)")
    assert caught.value.reason == f"expected {caught.value.expected} after selector $.level"


def test_a_missing_closing_brace_points_past_the_end() -> None:
    message = (
        "expected } to close the JSON pattern opened at column 0\n"
        '  { $.level = "ERROR"\n'
        "                     ^"
    )

    with pytest.raises(FilterPatternError, match=f"^{re.escape(message)}$"):
        parse('{ $.level = "ERROR"')


def test_an_unquoted_special_character_in_a_term_suggests_the_quoted_phrase() -> None:
    message = (
        "a term with characters other than letters, digits and _ must be in double quotes:"
        ' "Exception:"\n'
        "  ERROR Exception: timeout\n"
        "                 ^"
    )

    with pytest.raises(FilterPatternError, match=f"^{re.escape(message)}$") as caught:
        parse("ERROR Exception: timeout")

    assert caught.value.expected is None


# (pattern, first line of the message, 0-based column of the caret)
SYNTAX_ERRORS = [
    # JSON patterns
    ("{ $.a = 1 } tail", "expected the end of the pattern after the closing }", 12),
    ("{ $.a = }", "expected a value (a quoted string, a word, a number or a %regex%) after =", 8),
    ("{ $.latency > fast }", "expected a number after >", 14),
    ('{ $.latency >= "5" }', "expected a number after >=", 15),
    ("{ $.a == 1 }", "use = to compare, not ==", 7),
    ("{ $.a = 1 & $.b = 2 }", "use && for AND and || for OR", 10),
    ("{ $.a = 1 AND $.b = 2 }", "expected &&, || or }", 10),
    ("{ ($.a = 1 }", "expected ) to close the parenthesis opened at column 2", 11),
    ("{ a = 1 }", "expected a selector such as $.field", 2),
    ("{ $a = 1 }", "expected a selector such as $.field", 2),
    ("{ }", "expected a selector such as $.field", 2),
    (
        "{ $. = 1 }",
        "expected a property name (letters, digits, - and _; ['...'] for others) or * after $.",
        4,
    ),
    ("{ $.a[x] = 1 }", "expected an array index, * or a quoted property name after [", 6),
    ("{ $.a[1 = 1 }", "expected ] to close the [ at column 5", 7),
    ("{ $.['a.b = 1 }", "expected a closing ' for the property name", 15),
    ("{ $.a = foo@bar }", "'@' can only appear in a double-quoted value, e.g. \"foo@bar\"", 11),
    ("{ $.a IS MAYBE }", "expected TRUE, FALSE or NULL after IS", 9),
    ("{ $.a NOT THERE }", "expected EXISTS after NOT", 10),
    ("{ $.a is null }", "write the keyword IS in upper case", 6),
    ("{ $.a Not Exists }", "write the keyword NOT in upper case", 6),
    ('{ $.a = "open }', 'expected a closing " for the string opened at column 8', 15),
    ("{ $.a[*].b[*] = 1 }", "a property selector can hold only one wildcard (*)", 11),
    # term patterns
    ('"unterminated', 'expected a closing " for the phrase opened at column 0', 13),
    ("ERROR ?", "expected a term after ?", 7),
    ('ERROR -" "', "expected a non-blank term after -", 7),
    ('"a"b', "expected a space after the closing quote", 3),
    (
        "ERROR [x]",
        "a space-delimited pattern must be the whole filter pattern, not one term among others",
        6,
    ),
    ("ERROR %x%", "a %regex% must be the whole filter pattern, not one term among others", 6),
    ("-{ $.a = 1 }", "a JSON pattern cannot follow a - sign", 1),
    # regular expressions
    ("%abc", "expected a closing % for the regex opened at column 0", 4),
    ("%%", "a regex between % signs cannot be empty", 0),
    (
        "%abc% ERROR",
        "expected the end of the pattern after the regex (a %regex% is a whole pattern)",
        6,
    ),
    ("%a{3,%", "expected a repetition count such as {3}, {3,} or {3,5}", 2),
    ("%a{,}%", "expected a repetition count such as {3}, {3,} or {3,5}", 2),
    ("%a{5,3}%", "the repetition count {5,3} has its minimum above its maximum", 2),
    (
        "%a{99999999999}%",
        "the repetition count 99999999999 is above 1000, the largest the offline matcher"
        " (RE2) takes; use {1,1000} or less",
        2,
    ),
    (
        "%a{2,1001}%",
        "the repetition count 1001 is above 1000, the largest the offline matcher"
        " (RE2) takes; use {1,1000} or less",
        2,
    ),
    ("%*a%", "nothing to repeat before '*'", 1),
    ("%a|+%", "nothing to repeat before '+'", 3),
    ("%a*+%", "'+' cannot follow another repetition", 3),
    ("%[]%", "a character class cannot be empty", 2),
    ("%[z-a]%", "the range z-a is out of order", 3),
    ("%[abc%", "expected ] to close the character class opened at column 1", 5),
    (r"%[\d-z]%", "a range in a character class needs a single character at each end", 4),
    (
        r"%\q%",
        r"unsupported escape \q: CloudWatch Logs knows \d \D \s \S \w \W \xhh and"
        " escaped operators or symbols",
        1,
    ),
    (
        r"%\(%",
        r"unsupported escape \(: CloudWatch Logs knows \d \D \s \S \w \W \xhh and"
        " escaped operators or symbols",
        1,
    ),
    (r"%\x4%", r"expected two hexadecimal digits after \x", 3),
    ("%a\\%", "expected a character after \\", 3),
    ("%a\tb%", "character 0x09 is not supported in a CloudWatch Logs regex", 2),
    ('%say "hi"%', "'\"' is not supported in a CloudWatch Logs regex (use \\x22)", 5),
    # space-delimited patterns
    ("[a, b", "expected ] to close the field list opened at column 0", 5),
    ("[a, a]", "the field name a is used twice", 4),
    ("[1a]", "expected a field name (a letter or _, then letters, digits or _), ... or a comma", 1),
    ("[a = ]", "expected a value (a quoted string, a word, a number or a %regex%) after =", 5),
    ("[a b]", "expected a comparison operator (=, !=, <, <=, >, >=) after field a", 3),
    ("[a = 1 b]", "expected &&, ||, a comma or ]", 7),
    ("[... b]", "expected a comma or ]", 5),
    ("[]", "expected a field name (a letter or _, then letters, digits or _) or ...", 1),
    ("[a] tail", "expected the end of the pattern after the closing ]", 4),
    ("[a, b = x || c = y]", "a condition in field b can only test b; give c its own field", 13),
    ("[w1=ERROR OR w1=WARN, w2]", "expected &&, ||, a comma or ]", 10),
    (
        "[w1 = ERROR && || w1 = WARN, w2]",
        "expected a field name (a letter or _, then letters, digits or _), ... or a comma",
        15,
    ),
]


@pytest.mark.parametrize(("pattern", "reason", "column"), SYNTAX_ERRORS)
def test_syntax_errors_point_at_their_column(pattern: str, reason: str, column: int) -> None:
    with pytest.raises(FilterPatternError, match=f"^{re.escape(reason)}\n") as caught:
        parse(pattern)

    assert caught.value.position == column
    lines = str(caught.value).split("\n")
    assert lines[1] == "  " + pattern.replace("\t", " ")
    assert lines[2] == "  " + " " * column + "^"


def test_a_pattern_over_the_length_limit_is_refused() -> None:
    pattern = "ERROR " * 200

    with pytest.raises(FilterPatternError, match="at most 1024 characters; this one has 1200"):
        parse(pattern)
    assert parse(pattern[:MAX_PATTERN_LENGTH]).matches("ERROR")


def test_deep_parentheses_are_refused_before_the_recursion_limit() -> None:
    pattern = "{ " + "(" * 40 + "$.a = 1" + ")" * 40 + " }"

    with pytest.raises(FilterPatternError, match="parentheses nest deeper than 16 levels"):
        parse(pattern)


def test_a_long_pattern_is_cut_to_a_window_around_the_caret() -> None:
    clauses = " || ".join(f"($.eventName=Action{number})" for number in range(30))
    pattern = "{" + clauses + " || ($.eventName Action30) }"

    with pytest.raises(FilterPatternError) as caught:
        parse(pattern)

    _, shown, caret = str(caught.value).split("\n")
    assert shown.startswith("  ...")
    assert len(shown) < 120
    column = caret.index("^")
    assert shown[column] == "A"
    assert shown[column - len(" Action30") : column] == "$.eventName "[-len(" Action30") :]


def test_tabs_and_line_breaks_are_shown_as_spaces_so_the_caret_lines_up() -> None:
    with pytest.raises(FilterPatternError) as caught:
        parse("{\n\t$.a\t==\t1 }")

    _, shown, caret = str(caught.value).split("\n")
    assert shown == "  {  $.a == 1 }"
    assert shown[caret.index("^")] == "="


def test_the_error_is_a_value_error_that_survives_pickling() -> None:
    with pytest.raises(FilterPatternError, match="expected") as caught:
        parse("{ $.a = }")

    copy = pickle.loads(pickle.dumps(caught.value))

    assert isinstance(caught.value, ValueError)
    assert isinstance(copy, FilterPatternError)
    assert (copy.pattern, copy.position, copy.reason, copy.expected) == (
        caught.value.pattern,
        caught.value.position,
        caught.value.reason,
        caught.value.expected,
    )
    assert str(copy) == str(caught.value)
