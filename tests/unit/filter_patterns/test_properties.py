"""Properties over generated patterns and events."""

from __future__ import annotations

import json
import string
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from observability_blueprint.rules.filter_patterns import FilterPattern, FilterPatternError, parse

FAST = settings(max_examples=300, deadline=None)

# Characters that mean something in some part of the syntax, plus a little text.
SYNTAX = "{}[]()$.*%\"'=!<>&|,?-+\\ \t_aAzZ09eE"
syntax_text = st.text(alphabet=SYNTAX, max_size=60)
any_text = st.text(max_size=120)
messages = st.one_of(any_text, st.text(alphabet=SYNTAX, max_size=60))


def _parse_or_error(pattern: str) -> FilterPattern | FilterPatternError:
    try:
        return parse(pattern)
    except FilterPatternError as error:
        return error


@FAST
@given(pattern=st.one_of(any_text, syntax_text), message=messages)
def test_parse_returns_a_pattern_or_raises_filter_pattern_error(pattern: str, message: str) -> None:
    outcome = _parse_or_error(pattern)

    if isinstance(outcome, FilterPatternError):
        assert 0 <= outcome.position <= len(pattern)
        assert outcome.pattern == pattern
        assert str(outcome).startswith(outcome.reason + "\n")
        return
    # ``is``: matches returns the bool itself, and extracts exactly when it matches.
    assert (outcome.extract(message) is not None) is outcome.matches(message)


@FAST
@given(
    text=st.text(alphabet="{}[]$.=\"' ,&|()*%abc123", min_size=1, max_size=40).map(
        lambda body: "{ $." + body
    )
)
def test_json_like_text_is_a_json_pattern_or_an_error_inside_it(text: str) -> None:
    # Any other exception escapes _parse_or_error and fails the test.
    outcome = _parse_or_error(text)

    if isinstance(outcome, FilterPatternError):
        assert outcome.pattern == text
        assert 0 <= outcome.position <= len(text)
    else:
        assert outcome.kind == "json"  # the leading "{" picks the kind


words = st.text(alphabet=string.ascii_letters + string.digits + "_", min_size=1, max_size=8)


@FAST
@given(terms=st.lists(words, min_size=1, max_size=5), filler=st.text(max_size=10))
def test_a_message_holding_every_term_matches_and_one_missing_a_term_does_not(
    terms: list[str], filler: str
) -> None:
    pattern = parse(" ".join(terms))
    message = filler.join(terms)

    assert pattern.matches(message)
    assert not pattern.matches(message.replace(terms[0], ""))


@FAST
@given(phrase=st.text(alphabet=st.characters(exclude_characters='"\\'), min_size=1, max_size=20))
def test_a_quoted_phrase_matches_itself_inside_any_message(phrase: str) -> None:
    pattern = parse(f'"{phrase}"')

    assert pattern.matches(f"<{phrase}>")


plain_field = st.text(
    alphabet=st.characters(
        exclude_characters='"[', exclude_categories=("Zs", "Zl", "Zp", "Cc", "Cs")
    ),
    min_size=1,
    max_size=10,
)


@FAST
@given(values=st.lists(plain_field, min_size=1, max_size=8), gap=st.sampled_from([" ", "  ", "\t"]))
def test_named_fields_extract_the_event_fields_in_order(values: list[str], gap: str) -> None:
    names = [f"f{index}" for index in range(len(values))]
    pattern = parse("[" + ", ".join(names) + "]")

    assert pattern.fields == tuple(names)
    assert pattern.extract(gap.join(values)) == dict(zip(names, values, strict=True))


@FAST
@given(values=st.lists(plain_field, min_size=2, max_size=8))
def test_an_ellipsis_between_two_names_takes_the_fields_between_them(values: list[str]) -> None:
    extracted = parse("[first, ..., last]").extract(" ".join(values))

    assert extracted is not None
    assert (extracted["first"], extracted["last"]) == (values[0], values[-1])
    assert len(extracted) == len(values)


keys = st.sampled_from(["a", "b-c", "d_e"])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-1000, max_value=1000),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(alphabet="xyé*.1 /ü", max_size=6),
)
documents = st.recursive(
    st.dictionaries(keys, scalars, max_size=4),
    lambda children: st.dictionaries(keys, st.one_of(children, st.lists(children, max_size=3))),
    max_leaves=12,
)


def _json_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


comparisons = st.builds(
    lambda path, operator, value: f"$.{path} {operator} {value}",
    st.lists(keys, min_size=1, max_size=2).map(".".join),
    st.sampled_from(["=", "!="]),
    st.one_of(
        st.text(alphabet="xyé.1 ü/", max_size=4).map(_json_string),
        st.integers(min_value=-5, max_value=5).map(str),
        st.just("*"),
        st.just("x*"),
    ),
)
json_patterns = st.lists(comparisons, min_size=1, max_size=3).flatmap(
    lambda parts: st.sampled_from([" && ", " || "]).map(
        lambda joiner: "{ " + joiner.join(parts) + " }"
    )
)


def _leaves(node: Any, selector: str) -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [pair for key, child in node.items() for pair in _leaves(child, f"{selector}.{key}")]
    if isinstance(node, list):
        return [
            pair
            for index, child in enumerate(node)
            for pair in _leaves(child, f"{selector}[{index}]")
        ]
    return [(selector, node)]


def _comparison_on(data: st.DataObject, selector: str, value: Any) -> str:
    """A comparison on an existing field, often one its value satisfies."""
    if value is None or isinstance(value, bool):
        keyword = data.draw(st.sampled_from(["IS NULL", "IS TRUE", "IS FALSE", "NOT EXISTS"]))
        return f"{selector} {keyword}"
    operator = data.draw(
        st.sampled_from(["=", "!=", ">", "<="] if not isinstance(value, str) else ["=", "!="])
    )
    if isinstance(value, str):
        text = data.draw(st.sampled_from([value, value[:2] + "*", "*" + value[-2:], "x"]))
        return f"{selector} {operator} {_json_string(text)}"
    return f"{selector} {operator} {value!r}"


@FAST
@given(document=documents.filter(lambda document: bool(_leaves(document, "$"))), data=st.data())
def test_escaped_and_unescaped_forms_of_an_event_are_decided_alike(
    document: dict[str, Any], data: st.DataObject
) -> None:
    # ensure_ascii writes non-ASCII characters as \\u escapes, and an event with a
    # backslash is always decoded: the engine's raw-text shortcut for the other
    # form must not decide differently. The extra key, which no pattern tests,
    # makes sure the escaped form has a backslash.
    fields = _leaves(document, "$")
    chosen = data.draw(st.lists(st.sampled_from(fields), min_size=1, max_size=3))
    joiner = data.draw(st.sampled_from([" && ", " || "]))
    compiled = parse("{ " + joiner.join(_comparison_on(data, *field) for field in chosen) + " }")
    marked = {**document, "zé": 0}

    raw = json.dumps(marked, ensure_ascii=False)
    escaped = json.dumps(marked, ensure_ascii=True)

    assert compiled.matches(raw) is compiled.matches(escaped)


@FAST
@given(document=documents, pattern=json_patterns)
def test_spacing_inside_a_json_pattern_does_not_change_its_meaning(
    document: dict[str, Any], pattern: str
) -> None:
    compact = (
        pattern.replace(" = ", "=").replace(" != ", "!=").replace("{ ", "{").replace(" }", "}")
    )
    message = json.dumps(document)

    assert parse(pattern).matches(message) is parse(compact).matches(message)


@FAST
@given(pattern=st.one_of(json_patterns, st.lists(words, max_size=3).map(" ".join)))
def test_a_pattern_keeps_its_text_and_compares_by_it(pattern: str) -> None:
    first, second = parse(pattern), parse(pattern)

    assert str(first) == first.pattern == pattern
    assert first == second
    assert hash(first) == hash(second)
    assert all(selector in pattern for selector in first.selectors)


@FAST
@given(number=st.integers(min_value=-(10**6), max_value=10**6), scale=st.integers(-3, 3))
def test_numbers_in_scientific_notation_compare_by_value(number: int, scale: int) -> None:
    literal = f"{number}e{scale}"
    value = float(literal)
    pattern = parse(f"{{ $.n = {literal} }}")

    assert pattern.matches(json.dumps({"n": value}))
    assert not pattern.matches(json.dumps({"n": value + 1}))


@FAST
@given(
    values=st.lists(st.text(alphabet="ab", min_size=1, max_size=3), max_size=7),
    before=st.integers(min_value=0, max_value=2),
    after=st.integers(min_value=0, max_value=2),
    condition=st.sampled_from(["", " = a*", " != b*", " = %^ab?$%"]),
)
def test_two_adjacent_ellipses_act_as_one(
    values: list[str], before: int, after: int, condition: str
) -> None:
    # Several ellipses take a search over placements; next to each other they can
    # only mean one ellipsis, which the single-regex path decides.
    # One condition on each side at most: a pattern holds two regexes at most.
    head = [f"p{index}{condition if index == 0 else ''}" for index in range(before)]
    tail = [f"s{index}{condition if index == 0 else ''}" for index in range(after)]
    one = parse("[" + ", ".join([*head, "...", *tail]) + "]")
    two = parse("[" + ", ".join([*head, "...", "...", *tail]) + "]")
    message = " ".join(values)

    assert one.extract(message) == two.extract(message)
