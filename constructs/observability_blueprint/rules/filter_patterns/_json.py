"""JSON filter patterns: ``{ $.selector OPERATOR value && ... }``.

Source: CloudWatch Logs user guide, "Using filter patterns to match terms in JSON
log events", and its earlier form "Matching Terms in JSON Log Events" (the JSON
special considerations and numeric comparison sections).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, cast

from observability_blueprint.rules.filter_patterns._compiled import Compiled, extract_nothing
from observability_blueprint.rules.filter_patterns._conditions import (
    AllOf,
    AnyOf,
    Condition,
    Leaf,
    compile_condition,
    leaves,
    parse_condition,
)
from observability_blueprint.rules.filter_patterns._operands import (
    NUMERIC_OPERATORS,
    Operand,
    RegexOperand,
    TextOperand,
    read_operand,
    read_operator,
    text_matcher,
    wildcard_core,
)
from observability_blueprint.rules.filter_patterns._raw_json import value_check
from observability_blueprint.rules.filter_patterns._scanner import Scanner

# "You can only use up to one wildcard selector in a property selector, and up to
# three wildcard selectors in a filter pattern with compound expressions."
MAX_WILDCARDS_PER_SELECTOR = 1
MAX_WILDCARD_SELECTORS = 3

# "Property selectors are alphanumeric strings that support hyphen ("-") and
# underscore ("_") characters."
_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_DIGITS = frozenset("0123456789")
# The characters Python's str()/repr() of a finite JSON number can hold.
_NUMBER_TEXT = frozenset("0123456789.e+-")
OPERATOR_EXPECTED = "a comparison operator (=, !=, <, <=, >, >=, IS, NOT EXISTS)"


class _Wildcard(Enum):
    ANY = "*"


Step = str | int | _Wildcard


@dataclass(frozen=True, slots=True)
class Selector:
    """A property selector such as ``$.users[0].email`` or ``$.['cluster.name']``.

    Attributes
    ----------
    text : str
        The selector as written.
    steps : tuple[Step, ...]
        Object keys (str), array indexes (int) and wildcards, from the root.
    position : int
        Column of the ``$``.
    """

    text: str
    steps: tuple[Step, ...]
    position: int

    @property
    def has_wildcard(self) -> bool:
        """True when a step is ``*``."""
        return _Wildcard.ANY in self.steps


@dataclass(frozen=True, slots=True)
class JsonTest:
    """One comparison: a selector, an operator and its value (None for IS / NOT EXISTS)."""

    selector: Selector
    operator: str
    operand: Operand | None


def parse_selector(scanner: Scanner) -> Selector:
    """Read a property selector at the scanner's position.

    Parameters
    ----------
    scanner
        Positioned on the ``$``; left after the selector.

    Returns
    -------
    Selector
        The parsed selector.
    """
    start = scanner.pos
    if not scanner.startswith("$."):
        raise scanner.expected("a selector such as $.field")
    scanner.pos += 2
    steps: list[Step] = []
    after = "$."
    while True:
        step_start = scanner.pos
        steps.append(_read_property(scanner, after=after) if after else _read_bracket(scanner))
        if steps.count(_Wildcard.ANY) > MAX_WILDCARDS_PER_SELECTOR:
            raise scanner.error(
                "a property selector can hold only one wildcard (*)",
                at=scanner.text.index("*", step_start),
            )
        if scanner.startswith("."):
            scanner.pos += 1
            after = "."
        elif scanner.startswith("["):
            after = ""
        else:
            return Selector(scanner.text[start : scanner.pos], tuple(steps), start)


def _read_property(scanner: Scanner, *, after: str) -> Step:
    if scanner.startswith("*"):
        scanner.pos += 1
        return _Wildcard.ANY
    if scanner.peek(2) in ("['", '["'):
        # "If the JSON property contains a period, then the bracket notation may be
        # used to select that property": $.['cluster.name'].
        return _read_bracket(scanner)
    text, start = scanner.text, scanner.pos
    end = start
    while end < len(text) and text[end] in _NAME:
        end += 1
    if end == start:
        raise scanner.expected(
            "a property name (letters, digits, - and _; ['...'] for others) or *", after=after
        )
    scanner.pos = end
    return text[start:end]


def _read_bracket(scanner: Scanner) -> Step:
    opening = scanner.pos
    scanner.pos += 1
    text = scanner.text
    step: Step
    if scanner.startswith("*"):
        scanner.pos += 1
        step = _Wildcard.ANY
    elif scanner.peek() in ("'", '"'):
        quote = scanner.peek()
        closing = text.find(quote, scanner.pos + 1)
        if closing < 0:
            raise scanner.expected(f"a closing {quote} for the property name", at=len(text))
        step = text[scanner.pos + 1 : closing]
        scanner.pos = closing + 1
    else:
        end = scanner.pos
        while end < len(text) and text[end] in _DIGITS:
            end += 1
        if end == scanner.pos:
            raise scanner.expected("an array index, * or a quoted property name", after="[")
        step = int(text[scanner.pos : end])
        scanner.pos = end
    if not scanner.startswith("]"):
        raise scanner.expected(f"] to close the [ at column {opening}")
    scanner.pos += 1
    return step


def parse_json(scanner: Scanner) -> Compiled:
    """Parse a whole JSON pattern, from ``{`` to the end, and compile it.

    Parameters
    ----------
    scanner
        Positioned on the opening ``{``.

    Returns
    -------
    Compiled
        The JSON pattern's tests.
    """
    opening = scanner.pos
    scanner.pos += 1
    condition = parse_condition(scanner, _read_test)
    scanner.skip_spaces()
    if scanner.at_end():
        raise scanner.expected(f"}} to close the JSON pattern opened at column {opening}")
    if not scanner.startswith("}"):
        raise scanner.expected("&&, || or }")
    scanner.pos += 1
    scanner.skip_spaces()
    if not scanner.at_end():
        raise scanner.expected("the end of the pattern after the closing }")
    tests = list(leaves(condition))
    with_wildcards = [test.selector for test in tests if test.selector.has_wildcard]
    if len(with_wildcards) > MAX_WILDCARD_SELECTORS:
        raise scanner.error(
            f"a filter pattern can use at most {MAX_WILDCARD_SELECTORS} wildcard selectors",
            at=with_wildcards[MAX_WILDCARD_SELECTORS].position,
        )
    test = compile_condition(condition, _compile_test)
    matches = _matcher(test, _prefilter(condition))
    return Compiled(
        kind="json",
        matches=matches,
        extract=extract_nothing(matches),
        supplies=_supplies,
        selectors=tuple(dict.fromkeys(test.selector.text for test in tests)),
        reference=_matcher(test, None),
    )


def _read_test(scanner: Scanner) -> JsonTest:
    scanner.skip_spaces()
    selector = parse_selector(scanner)
    scanner.skip_spaces()
    if _keyword(scanner, "IS"):
        scanner.skip_spaces()
        for value in ("TRUE", "FALSE", "NULL"):
            if _keyword(scanner, value):
                return JsonTest(selector, f"IS {value}", None)
        if _keyword(scanner, "NOT", consume=False):
            # "The variables IS NOT and EXISTS currently aren't supported."
            raise scanner.error("IS NOT is not supported by CloudWatch Logs")
        raise scanner.expected("TRUE, FALSE or NULL", after="IS")
    if _keyword(scanner, "NOT"):
        scanner.skip_spaces()
        if _keyword(scanner, "EXISTS"):
            return JsonTest(selector, "NOT EXISTS", None)
        raise scanner.expected("EXISTS", after="NOT")
    if _keyword(scanner, "EXISTS", consume=False):
        raise scanner.error("EXISTS is not supported by CloudWatch Logs; only NOT EXISTS is")
    symbol = read_operator(scanner)
    if symbol is None:
        for keyword in ("IS", "NOT", "EXISTS"):
            if _keyword(scanner, keyword.lower(), consume=False) or _keyword(
                scanner, keyword.capitalize(), consume=False
            ):
                raise scanner.error(f"write the keyword {keyword} in upper case")
        raise scanner.expected(OPERATOR_EXPECTED, after=f"selector {selector.text}")
    return JsonTest(selector, symbol, read_operand(scanner, operator_symbol=symbol))


def _keyword(scanner: Scanner, word: str, *, consume: bool = True) -> bool:
    end = scanner.pos + len(word)
    if not scanner.startswith(word) or scanner.text[end : end + 1] in _WORD:
        return False
    if consume:
        scanner.pos = end
    return True


# --- evaluation ----------------------------------------------------------------

_MISSING: Any = object()
_Doc = dict[str, Any]


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


# Python's json accepts NaN and Infinity; JSON (and so a JSON log event) does not.
# The decoder's scanner, an attribute its __init__ sets (typeshed does not declare it).
_scan_once = cast(
    Callable[[str, int], tuple[Any, int]],
    vars(json.JSONDecoder(parse_constant=_refuse_constant))["scan_once"],
)
# JSON's blanks (RFC 8259), which json.JSONDecoder.decode skips around the value.
_BLANKS = " \t\n\r"


def _decode(message: str) -> Any:
    """``JSONDecoder.decode`` without its two regex calls: the scanner directly.

    Raises ValueError (or RecursionError) for what is not one JSON value.
    """
    try:
        document, end = _scan_once(message, len(message) - len(message.lstrip(_BLANKS)))
    except StopIteration:
        raise ValueError("no JSON value") from None
    if end != len(message) and message[end:].strip(_BLANKS):
        raise ValueError("extra data after the JSON value")
    return document


def _matcher(
    test: Callable[[_Doc], bool], prefilter: Callable[[str], bool] | None
) -> Callable[[str], bool]:
    def matches(message: str) -> bool:
        # A JSON pattern only applies to an event that is a JSON object.
        if message[:1] != "{" and message.lstrip()[:1] != "{":
            return False
        # Unescaped JSON holds its keys and values verbatim, so the raw text can
        # rule the event out without decoding it (see _prefilter).
        if prefilter is not None and "\\" not in message and not prefilter(message):
            return False
        try:
            document = _decode(message)
        except (ValueError, RecursionError):
            return False
        return isinstance(document, dict) and test(document)

    return matches


def _compile_test(test: JsonTest) -> Callable[[_Doc], bool]:
    steps = test.selector.steps
    if test.selector.has_wildcard:
        resolve_all = _all_nodes(steps)
        if test.operator == "NOT EXISTS":
            return lambda document: not resolve_all(document)
        holds = _node_test(test)
        return lambda document: any(map(holds, resolve_all(document)))
    resolve = _one_node(steps)
    if test.operator == "NOT EXISTS":
        return lambda document: resolve(document) is _MISSING
    holds = _node_test(test)
    return lambda document: holds(resolve(document))


def _one_node(steps: tuple[Step, ...]) -> Callable[[_Doc], Any]:
    if len(steps) == 1 and isinstance(steps[0], str):
        key = steps[0]
        return lambda document: document.get(key, _MISSING)

    def resolve(document: _Doc) -> Any:
        node: Any = document
        for step in steps:
            if isinstance(step, str):
                if not isinstance(node, dict):
                    return _MISSING
                node = node.get(step, _MISSING)
                if node is _MISSING:
                    return _MISSING
            elif isinstance(node, list) and isinstance(step, int) and step < len(node):
                node = node[step]
            else:
                return _MISSING
        return node

    return resolve


def _all_nodes(steps: tuple[Step, ...]) -> Callable[[_Doc], list[Any]]:
    def resolve_all(document: _Doc) -> list[Any]:
        nodes: list[Any] = [document]
        for step in steps:
            found: list[Any] = []
            for node in nodes:
                if step is _Wildcard.ANY:
                    if isinstance(node, dict):
                        found.extend(node.values())
                    elif isinstance(node, list):
                        found.extend(node)
                elif isinstance(step, str):
                    if isinstance(node, dict) and step in node:
                        found.append(node[step])
                elif isinstance(node, list) and isinstance(step, int) and step < len(node):
                    found.append(node[step])
            nodes = found
        return nodes

    return resolve_all


def _node_test(test: JsonTest) -> Callable[[Any], bool]:
    """The test of one selected node.

    "The SELECTOR must point to a value node (string or number) in the JSON. If it
    points to an array or object, the filter will not be applied [...] both
    {$.users = 1} and {$.users != 1} will fail to match" (JSON Special
    Considerations): comparisons, ``!=`` included, hold for strings and numbers only,
    never for a missing field, null, a boolean, an array or an object. ``IS``
    tests the JSON literals true, false and null.
    """
    symbol, operand = test.operator, test.operand
    if symbol == "IS TRUE":
        return lambda node: node is True
    if symbol == "IS FALSE":
        return lambda node: node is False
    if symbol == "IS NULL":
        return lambda node: node is None
    if isinstance(operand, RegexOperand):
        search = operand.regex.search
        if symbol == "=":
            return _on_text(search)
        return _on_text(lambda text: not search(text))
    assert operand is not None  # every other operator was read with a value
    number = operand.number
    if number is not None and symbol in NUMERIC_OPERATORS:
        compare = NUMERIC_OPERATORS[symbol]

        def numeric(node: Any) -> bool:
            # _is_number, inlined: json gives exactly int or float for a number
            # (type(True) is bool, so booleans stay out).
            kind = type(node)
            if kind is int:
                return bool(compare(node, number))
            return kind is float and math.isfinite(node) and compare(node, number)

        return numeric
    if number is not None:
        return _number_equality(operand.text, number, negate=symbol == "!=")
    matches = text_matcher(operand.text)
    if symbol == "=":
        return _on_text(matches)
    return _on_text(lambda text: not matches(text))


def _is_number(node: Any) -> bool:
    if isinstance(node, bool):
        return False
    if isinstance(node, int):
        return True
    return isinstance(node, float) and math.isfinite(node)


def _on_text(matches: Callable[[str], bool]) -> Callable[[Any], bool]:
    """Apply a string test to a string node, or to a number node's decimal text."""

    def holds(node: Any) -> bool:
        if isinstance(node, str):
            return matches(node)
        if isinstance(node, bool):
            return False
        if isinstance(node, int):
            return matches(str(node))
        return isinstance(node, float) and math.isfinite(node) and matches(repr(node))

    return holds


def _number_equality(text: str, number: float, *, negate: bool) -> Callable[[Any], bool]:
    """``= 400`` compares a number node by value and a string node by its text.

    A bare number is also a word: "Strings that consist entirely of alphanumeric
    characters do not need to be quoted", so ``$.recipientAccountId = 123456789012``
    matches the CloudTrail string "123456789012".
    """

    def holds(node: Any) -> bool:
        if isinstance(node, str):
            return (node == text) != negate
        return _is_number(node) and (node == number) != negate

    return holds


# --- the pre-check ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Need:
    """Substrings a raw (backslash-free) event must contain to possibly match.

    Every string in ``substrings`` must occur, and for each group in ``choices``
    at least one alternative must hold.
    """

    substrings: frozenset[str] = frozenset()
    choices: tuple[tuple[_Need, ...], ...] = field(default=())

    def is_empty(self) -> bool:
        return not self.substrings and not self.choices


def _need_of(condition: Condition[JsonTest]) -> _Need:
    if isinstance(condition, Leaf):
        return _leaf_need(condition.value)
    needs = [_need_of(part) for part in condition.parts]
    if isinstance(condition, AllOf):
        return _Need(
            frozenset().union(*(need.substrings for need in needs)),
            tuple(group for need in needs for group in need.choices),
        )
    assert isinstance(condition, AnyOf)
    if any(need.is_empty() for need in needs):
        return _Need()
    common = frozenset.intersection(*(need.substrings for need in needs))
    rest = tuple(_Need(need.substrings - common, need.choices) for need in needs)
    if any(need.is_empty() for need in rest):
        return _Need(common)
    return _Need(common, (rest,))


def _leaf_need(test: JsonTest) -> _Need:
    if test.operator == "NOT EXISTS":
        return _Need()
    needed = {f'"{step}"' for step in test.selector.steps if isinstance(step, str)}
    if test.operator.startswith("IS "):
        needed.add(test.operator[3:].lower())
    operand = test.operand
    if test.operator == "=" and isinstance(operand, TextOperand) and operand.number is None:
        leading, core, trailing = wildcard_core(operand.text)
        # Only a string node can hold a character no number is written with, and an
        # unescaped string node appears in the raw event as "value".
        if not set(core) <= _NUMBER_TEXT:
            needed.add(("" if leading else '"') + core + ("" if trailing else '"'))
    return _Need(frozenset(needed))


def _compile_need(need: _Need) -> Callable[[str], bool] | None:
    """The substring test of one comparison's need (which has no choices)."""
    assert not need.choices
    if not need.substrings:
        return None
    # Longer substrings (values) are rarer than keys: test them first.
    substrings = tuple(sorted(need.substrings, key=lambda text: (-len(text), text)))
    if len(substrings) == 1:
        only = substrings[0]
        return lambda message: only in message

    def check(message: str) -> bool:
        return all(map(message.__contains__, substrings))

    return check


def _prefilter(condition: Condition[JsonTest]) -> Callable[[str], bool] | None:
    """A necessary condition on a raw event without backslashes, or None when there is none.

    First the substrings every matching event holds (cheap ``in`` tests, longest
    first), then the values of the compared properties read from the raw text
    (:func:`_raw_json.value_check`), so that ``{ $.latency_ms >= 0 }`` rules out
    an event whose ``latency_ms`` is nested or negative without decoding it.
    """
    required = tuple(sorted(_need_of(condition).substrings, key=lambda text: (-len(text), text)))
    possible = _compile_possible(condition)
    if possible is None:
        if not required:
            return None
        possible = _everything
    if not required:
        return possible

    def prefilter(message: str) -> bool:
        for text in required:
            if text not in message:
                return False
        return possible(message)

    return prefilter


def _everything(message: str) -> bool:
    return True


def _scannable(test: JsonTest) -> bool:
    """A comparison whose property's value can be read from the raw event."""
    steps = test.selector.steps
    return (
        test.operator != "NOT EXISTS"
        and not test.selector.has_wildcard
        and isinstance(steps[-1], str)
    )


def _compile_possible(condition: Condition[JsonTest]) -> Callable[[str], bool] | None:
    """The raw-text test of ``condition``; None when it can rule nothing out."""
    if isinstance(condition, Leaf):
        if _scannable(condition.value):
            return _value_scan([condition.value])
        return _compile_need(_leaf_need(condition.value))
    parts: list[Callable[[str], bool]] = []
    if isinstance(condition, AllOf):
        parts = [part for part in map(_compile_possible, condition.parts) if part is not None]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        every = tuple(parts)

        def all_possible(message: str) -> bool:
            for part in every:  # noqa: SIM110 - no generator frame per event (hot path)
                if not part(message):
                    return False
            return True

        return all_possible
    # Alternatives on the same property share one scan of the event.
    same_property: dict[str, list[JsonTest]] = {}
    for alternative in condition.parts:
        if isinstance(alternative, Leaf) and _scannable(alternative.value):
            same_property.setdefault(alternative.value.selector.text, []).append(alternative.value)
            continue
        part = _compile_possible(alternative)
        if part is None:
            return None
        parts.append(part)
    parts += [_value_scan(tests) for tests in same_property.values()]
    if len(parts) == 1:
        return parts[0]
    some = tuple(parts)

    def any_possible(message: str) -> bool:
        for part in some:  # noqa: SIM110 - no generator frame per event (hot path)
            if part(message):
                return True
        return False

    return any_possible


def _value_scan(tests: list[JsonTest]) -> Callable[[str], bool]:
    """One raw-text scan for comparisons on one selector, any of which may hold."""
    steps = tests[0].selector.steps
    key = steps[-1]
    assert isinstance(key, str)
    depth = len(steps) if all(isinstance(step, str) for step in steps) else None
    if len(tests) == 1:
        return value_check(key, depth, _node_test(tests[0]))
    # "= word" compares a string node by equality: a set lookup decides those.
    exact: set[str] = set()
    others: list[Callable[[Any], bool]] = []
    for test in tests:
        operand = test.operand
        if (
            test.operator == "="
            and isinstance(operand, TextOperand)
            and operand.number is None
            and wildcard_core(operand.text) == (False, operand.text, False)
        ):
            exact.add(operand.text)
        else:
            others.append(_node_test(test))
    every, other_tests, strings = tuple(map(_node_test, tests)), tuple(others), frozenset(exact)

    def holds(node: Any) -> bool:
        return any(test(node) for test in every)

    def text_holds(text: str) -> bool:
        return text in strings or any(test(text) for test in other_tests)

    return value_check(key, depth, holds, text_holds if other_tests else strings.__contains__)


def _supplies(reference: str) -> bool:
    """Any plain selector (no wildcard) can name a metric value of a JSON pattern."""
    scanner = Scanner(reference)
    try:
        selector = parse_selector(scanner)
    except ValueError:
        return False
    return scanner.at_end() and not selector.has_wildcard
