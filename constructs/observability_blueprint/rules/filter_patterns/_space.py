"""Space-delimited patterns: ``[ip, user, ..., status_code = 4*, bytes > 1000]``.

Source: CloudWatch Logs user guide, "Using filter patterns to match terms in
space-delimited log events" and its earlier form "Using Metric Filters to Extract
Values from Space-Delimited Log Events".

How an event splits into fields: "Characters between brackets ("[]") and double
quotation marks ("") are considered single fields"; other fields are runs of
non-blank characters. The brackets and quotes are not part of the field's value
(the documented extracted value of ``[10/Oct/2000:13:25:15 -0700]`` is
``10/Oct/2000:13:25:15 -0700``).

How fields line up, without an ellipsis: each name takes one field and the last
name takes the rest of the event. The guide says of ``[w1=ERROR, w2]``: "you must
include a blank w2 indicator after the w1 term", which only makes sense if w2
absorbs what follows the first word (without it, w1 would be the whole line and
never equal ERROR), and it presents that pattern as matching events "where the
first word in the log events is ERROR" whatever their length. So an event needs at
least as many fields as the pattern has names. (A 2021 revision of the page
claimed ``[w1=ERROR, w2]`` matches "ERROR message" but not "ERROR WARN message";
the current page dropped that claim and its other claims there contradict
themselves, so it is not followed.)

With an ellipsis, "Elipsis can reference as many fields as needed" (none or
more): the names before it take the first fields, the names after it the last
ones. With several ellipses, which the pages never show, the event matches when
the names can sit between them with every condition holding.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from observability_blueprint.rules.filter_patterns._compiled import Compiled
from observability_blueprint.rules.filter_patterns._conditions import (
    AllOf,
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
    parse_number,
    read_operand,
    read_operator,
    text_matcher,
    wildcard_core,
)
from observability_blueprint.rules.filter_patterns._scanner import Scanner

_FIRST = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_REST = _FIRST | frozenset("0123456789")
_DIGITS = frozenset("0123456789")
NAME_EXPECTED = "a field name (a letter or _, then letters, digits or _)"
OPERATOR_EXPECTED = "a comparison operator (=, !=, <, <=, >, >=)"

# One field of an event, capturing the inside of quotes, the inside of brackets or
# the plain run. Atomic so a line regex splits an event exactly as a
# left-to-right scan with _FIELD does.
_FIELD_ALTERNATIVES = r'"([^"]*)"|\[([^\]]*)\]|(\S+)'
_FIELD = re.compile(_FIELD_ALTERNATIVES)
_ONE_FIELD = r"\s*+(?>" + _FIELD_ALTERNATIVES + ")"
_MORE_FIELDS = r'((?:\s*+(?>"[^"]*"|\[[^\]]*\]|\S+))*)'


@dataclass(frozen=True, slots=True)
class FieldTest:
    """One comparison on a field: ``status_code = 4*``."""

    name: str
    name_position: int
    operator: str
    operand: Operand


@dataclass(frozen=True, slots=True)
class _Item:
    """One comma-separated entry: a field (named or not) or the ellipsis."""

    name: str | None
    position: int
    condition: Condition[FieldTest] | None = None
    is_ellipsis: bool = False


_Getter = Callable[[re.Match[str]], str]


def parse_space(scanner: Scanner) -> Compiled:
    """Parse a whole space-delimited pattern, from ``[`` to the end, and compile it.

    Parameters
    ----------
    scanner
        Positioned on the opening ``[``.

    Returns
    -------
    Compiled
        The pattern's tests and field extraction.
    """
    opening = scanner.pos
    scanner.pos += 1
    items: list[_Item] = []
    while True:
        scanner.skip_spaces()
        item = _read_item(scanner)
        items.append(item)
        scanner.skip_spaces()
        if scanner.startswith(","):
            scanner.pos += 1
            continue
        if scanner.startswith("]"):
            scanner.pos += 1
            break
        if scanner.at_end():
            raise scanner.expected(f"] to close the field list opened at column {opening}")
        raise scanner.expected("a comma or ]" if item.condition is None else "&&, ||, a comma or ]")
    scanner.skip_spaces()
    if not scanner.at_end():
        raise scanner.expected("the end of the pattern after the closing ]")
    if len(items) == 1 and items[0].name is None and not items[0].is_ellipsis:
        raise scanner.expected(f"{NAME_EXPECTED} or ...", at=opening + 1)
    _check_items(scanner, items)
    return _compile(items)


def _read_item(scanner: Scanner) -> _Item:
    start = scanner.pos
    if scanner.startswith("..."):
        scanner.pos += 3
        return _Item(None, start, is_ellipsis=True)
    if scanner.at_end() or scanner.peek() in ",]":
        # "[..., request=*.html*, status_code=4*,]": an empty entry is a field
        # without a name, reported by its position ($7 in the documented output).
        return _Item(None, start)
    if not scanner.startswith("("):
        name = _read_name(scanner)
        after_name = scanner.pos
        scanner.skip_spaces()
        if scanner.at_end() or scanner.peek() in ",]":
            scanner.pos = after_name
            return _Item(name, start)
        scanner.pos = start
    condition = parse_condition(scanner, _read_test)
    tests = list(leaves(condition))
    name = tests[0].name
    for test in tests[1:]:
        if test.name != name:
            raise scanner.error(
                f"a condition in field {name} can only test {name}; give {test.name} its own field",
                at=test.name_position,
            )
    return _Item(name, start, condition)


def _read_name(scanner: Scanner) -> str:
    text, start = scanner.text, scanner.pos
    if start >= len(text) or text[start] not in _FIRST:
        raise scanner.expected(f"{NAME_EXPECTED}, ... or a comma")
    end = start + 1
    while end < len(text) and text[end] in _REST:
        end += 1
    scanner.pos = end
    return text[start:end]


def _read_test(scanner: Scanner) -> FieldTest:
    scanner.skip_spaces()
    name_position = scanner.pos
    name = _read_name(scanner)
    scanner.skip_spaces()
    symbol = read_operator(scanner)
    if symbol is None:
        raise scanner.expected(OPERATOR_EXPECTED, after=f"field {name}")
    return FieldTest(name, name_position, symbol, read_operand(scanner, operator_symbol=symbol))


def _check_items(scanner: Scanner, items: list[_Item]) -> None:
    seen: set[str] = set()
    for item in items:
        if item.name is not None:
            if item.name in seen:
                raise scanner.error(f"the field name {item.name} is used twice", at=item.position)
            seen.add(item.name)


def _compile_test(test: FieldTest) -> Callable[[str], bool]:
    """The test of one field's text.

    "For string fields, you can use = or != operators with an asterisk (*). For
    numeric fields, you can use the >, <, >=, <=, =, and != operators": a bare
    number compares the field by value, so a field that is not a number fails it.
    """
    symbol, operand = test.operator, test.operand
    if isinstance(operand, RegexOperand):
        search = operand.regex.search
        if symbol == "=":
            return search
        return lambda value: not search(value)
    number = operand.number
    if number is not None:
        compare = NUMERIC_OPERATORS.get(symbol) or (operator.eq if symbol == "=" else operator.ne)

        def numeric(value: str) -> bool:
            # Plain digits (status codes, ports, byte counts) are an int as
            # parse_number reads them; short enough to stay below the int/str limit.
            if len(value) < 19 and value.isdigit() and value.isascii():
                return bool(compare(int(value), number))
            parsed = parse_number(value)
            return parsed is not None and compare(parsed, number)

        return numeric
    matches = text_matcher(operand.text)
    if symbol == "=":
        return matches
    return lambda value: not matches(value)


def _field_value(first_group: int) -> _Getter:
    quoted_group, bracketed_group, plain_group = first_group, first_group + 1, first_group + 2

    def value(match: re.Match[str]) -> str:
        quoted, bracketed, plain = match.group(quoted_group, bracketed_group, plain_group)
        if quoted is not None:
            return str(quoted)
        if bracketed is not None:
            return str(bracketed)
        return str(plain)

    return value


def _rest_value(whole_group: int, more_group: int) -> _Getter:
    single = _field_value(whole_group + 1)

    def value(match: re.Match[str]) -> str:
        if match.group(more_group):
            return match.string[match.start(whole_group) : match.end(more_group)]
        return single(match)

    return value


def _compile(items: list[_Item]) -> Compiled:
    tests = [
        None if item.condition is None else compile_condition(item.condition, _compile_test)
        for item in items
    ]
    ellipses = [index for index, item in enumerate(items) if item.is_ellipsis]
    matches: Callable[[str], bool]
    reference: Callable[[str], bool]
    if len(ellipses) > 1:
        extract = _aligning_extractor(items, tests)
        reference = _found_by(extract)
        matches = _with_required(_required_substrings(items), reference)
    else:
        reference, extract = _line_regex(items, tests)
        matches = _with_required(
            _required_substrings(items), _split_matcher(items, tests, reference)
        )
    names = tuple(item.name for item in items if item.name is not None)

    def supplies(reference: str) -> bool:
        # A metric value or dimension names a field as $name, or any field by its
        # position: "The metric value is the value of the seventh matched token.
        # You can see the reference to the token as "$7"" (Example: Extract Fields
        # from an Apache Log, whose pattern names all seven fields).
        if not reference.startswith("$"):
            return False
        key = reference[1:]
        if key in names:
            return True
        if not key or not set(key) <= _DIGITS or key[0] == "0":
            return False
        return bool(ellipses) or int(key) <= len(items)

    return Compiled(
        kind="space",
        matches=matches,
        extract=extract,
        supplies=supplies,
        fields=names,
        reference=reference,
    )


def _required_substrings(items: list[_Item]) -> tuple[str, ...]:
    """Text every matching event contains: the fixed part of each ``field = text`` test.

    A field's value is a piece of the event (quotes and brackets removed), so
    ``action = "REJECT"`` needs "REJECT" in the event and ``request = *.html*``
    needs ".html". Numbers, regexes and ``!=`` need nothing.
    """
    needed: set[str] = set()
    for item in items:
        if item.condition is not None:
            needed |= _condition_substrings(item.condition)
    # Longer substrings are rarer: test them first.
    return tuple(sorted(needed, key=lambda text: (-len(text), text)))


def _condition_substrings(condition: Condition[FieldTest]) -> set[str]:
    if isinstance(condition, Leaf):
        test = condition.value
        operand = test.operand
        if test.operator == "=" and isinstance(operand, TextOperand) and operand.number is None:
            core = wildcard_core(operand.text)[1]
            return {core} if core else set()
        return set()
    parts = [_condition_substrings(part) for part in condition.parts]
    if isinstance(condition, AllOf):
        return set().union(*parts)
    return set.intersection(*parts)


def _with_required(
    required: tuple[str, ...], matches: Callable[[str], bool]
) -> Callable[[str], bool]:
    if not required:
        return matches

    def matches_with_required(message: str) -> bool:
        for text in required:
            if text not in message:
                return False
        return matches(message)

    return matches_with_required


def _split_matcher(
    items: list[_Item],
    tests: list[Callable[[str], bool] | None],
    by_regex: Callable[[str], bool],
) -> Callable[[str], bool]:
    """Match an event without quotes or brackets by ``str.split``; others by the line regex.

    Without a ``"`` or ``[`` every field is a run of non-blank characters, and
    ``str.split`` splits on the same blanks as the regex's ``\\s`` (both use
    Unicode's whitespace), so the fields are the same. Without an ellipsis the
    last name takes the rest of the event from its first field on; with one
    ellipsis the names before it take the first fields and those after it the
    last ones.
    """
    count = len(items)
    ellipsis_at = next((index for index, item in enumerate(items) if item.is_ellipsis), None)
    checks: list[tuple[int, Callable[[str], bool]]] = []
    for index, test in enumerate(tests):
        if test is None:
            continue
        # With an ellipsis, fields after it count from the end: -1 is the last.
        at = index if ellipsis_at is None or index < ellipsis_at else index - count
        checks.append((at, test))
    fixed = tuple(checks)
    if ellipsis_at is None:
        last = count - 1

        def matches(message: str) -> bool:
            if '"' in message or "[" in message:
                return by_regex(message)
            fields = message.split(None, last)
            if len(fields) < count:
                return False
            fields[last] = fields[last].rstrip()
            for at, holds in fixed:  # noqa: SIM110 - no generator frame per event (hot path)
                if not holds(fields[at]):
                    return False
            return True

        return matches
    needed = count - 1

    def matches_around_ellipsis(message: str) -> bool:
        if '"' in message or "[" in message:
            return by_regex(message)
        fields = message.split()
        if len(fields) < needed:
            return False
        for at, holds in fixed:  # noqa: SIM110 - no generator frame per event (hot path)
            if not holds(fields[at]):
                return False
        return True

    return matches_around_ellipsis


def _line_regex(
    items: list[_Item], tests: list[Callable[[str], bool] | None]
) -> tuple[Callable[[str], bool], Callable[[str], dict[str, str] | None]]:
    """Match with one regex over the whole event: no ellipsis, or one.

    The regex splits the event exactly as a left-to-right scan does (its fields are
    atomic), so the fields before the ellipsis are the first ones, those after it
    the last ones, and without an ellipsis the last name takes the rest.
    """
    ellipsis_at = next((index for index, item in enumerate(items) if item.is_ellipsis), None)
    parts: list[str] = []
    getters: list[_Getter | None] = []
    group = 0
    for index, item in enumerate(items):
        if item.is_ellipsis:
            parts.append(_MORE_FIELDS)
            getters.append(None)
            group += 1
        elif ellipsis_at is None and index == len(items) - 1:
            parts.append(r"\s*+((?>" + _FIELD_ALTERNATIVES + "))" + _MORE_FIELDS)
            getters.append(_rest_value(group + 1, group + 5))
            group += 5
        else:
            parts.append(_ONE_FIELD)
            getters.append(_field_value(group + 1))
            group += 3
    parts.append(r"\s*+")
    fullmatch = re.compile("".join(parts)).fullmatch
    ellipsis_group = 1 + sum(1 if item.is_ellipsis else 3 for item in items[: ellipsis_at or 0])
    checks = tuple(
        (getter, test)
        for getter, test in zip(getters, tests, strict=True)
        if getter is not None and test is not None
    )

    def matched(message: str) -> re.Match[str] | None:
        match = fullmatch(message)
        if match is None:
            return None
        for value, holds in checks:
            if not holds(value(match)):
                return None
        return match

    def matches(message: str) -> bool:
        return matched(message) is not None

    def extract(message: str) -> dict[str, str] | None:
        match = matched(message)
        if match is None:
            return None
        values: dict[str, str] = {}
        for item, getter in zip(items, getters, strict=True):
            if getter is None:
                for field in _split(match.group(ellipsis_group)):
                    values[str(len(values) + 1)] = field
            else:
                values[item.name or str(len(values) + 1)] = getter(match)
        return values

    return matches, extract


def _aligning_extractor(
    items: list[_Item], tests: list[Callable[[str], bool] | None]
) -> Callable[[str], dict[str, str] | None]:
    """Match with several ellipses: some placement of the fields must satisfy every test.

    The pages only show one ellipsis; with more, an event matches when the named
    fields can sit somewhere between them with every condition holding, the
    earliest such placement giving the extracted values.
    """
    # Fields still needed after each item, to stop an ellipsis from taking them.
    needed = [sum(not item.is_ellipsis for item in items[index:]) for index in range(len(items))]
    needed.append(0)

    def extract(message: str) -> dict[str, str] | None:
        fields = _split(message)
        dead_ends: set[tuple[int, int]] = set()

        def place(item_index: int, field_index: int) -> list[int] | None:
            """Fields each remaining item takes, or None when they cannot be placed."""
            if item_index == len(items):
                return [] if field_index == len(fields) else None
            if (item_index, field_index) in dead_ends:
                return None
            takes: list[int] | None = None
            if items[item_index].is_ellipsis:
                spare = len(fields) - field_index - needed[item_index + 1]
                for take in range(spare + 1):
                    rest = place(item_index + 1, field_index + take)
                    if rest is not None:
                        takes = [take, *rest]
                        break
            elif field_index < len(fields):
                test = tests[item_index]
                if test is None or test(fields[field_index]):
                    rest = place(item_index + 1, field_index + 1)
                    takes = None if rest is None else [1, *rest]
            if takes is None:
                dead_ends.add((item_index, field_index))
            return takes

        takes = place(0, 0)
        if takes is None:
            return None
        values: dict[str, str] = {}
        position = 0
        for item, count in zip(items, takes, strict=True):
            for field in fields[position : position + count]:
                values[item.name or str(len(values) + 1)] = field
            position += count
        return values

    return extract


def _found_by(extract: Callable[[str], dict[str, str] | None]) -> Callable[[str], bool]:
    return lambda message: extract(message) is not None


def _split(text: str) -> list[str]:
    """The fields of ``text``, quotes and brackets removed."""
    fields = []
    for match in _FIELD.finditer(text):
        quoted, bracketed, plain = match.groups()
        fields.append(
            quoted if quoted is not None else bracketed if bracketed is not None else plain
        )
    return fields
