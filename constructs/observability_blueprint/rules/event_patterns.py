"""EventBridge event patterns: syntax checks and an offline matcher.

Pure module: no aws_cdk import.

EventBridge refuses a malformed pattern only when the rule is deployed, and a
pattern that is well formed but wrong deploys fine and never fires. This module
catches both before CloudFormation: :func:`pattern_problems` checks the syntax
(every value an array, known operators, operands of the right type, numeric
ranges that make sense) and :func:`matches` evaluates a pattern against an
event the way EventBridge does, so examples written next to a rule are checked
at synthesis.

The matching rules follow the Amazon EventBridge User Guide ("Event patterns",
"Content filtering in Amazon EventBridge event patterns", "Arrays in event
patterns", "Matching null values and empty strings") and the README of
aws/event-ruler, the engine behind EventBridge:

- every field of the pattern must match (AND); a field matches when any value
  in its array matches (OR); ``$or`` takes two or more alternative objects;
- when the event value is an array, the field matches if any element does;
  objects inside an array are matched one element at a time (a match never
  combines fields from different elements);
- strings match character by character; numbers match by their JSON form (an
  integer never equals a decimal number), ``null`` and ``""`` are different;
- ``exists`` looks at leaf values only: a field holding an object "does not exist";
- ignoring case works as event-ruler's ``EqualsIgnoreCaseParser`` does: each
  UTF-16 unit of the pattern's text matches its lower case or its upper case
  (``Locale.ROOT``), each of which may be several characters ('ß' matches "ß" or
  "SS", not "ss"); the event's text is not folded;
- wildcards and case-insensitive text match in time linear in the event value
  (no backtracking regex).

Known limit: YAML and JSON parsers read ``3.0e2`` and ``300.0`` as the same
float, so this matcher cannot tell those two apart (EventBridge can).
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.limits import closest

PATTERN_MAX: Final = 4096
"""Characters in an event pattern (botocore ``events`` model, shape ``EventPattern``)."""
NUMERIC_LIMIT: Final = 5.0e9
"""Numeric matching works between -5.0e9 and +5.0e9 inclusive (event-ruler README)."""

OPERATORS: Final[tuple[str, ...]] = (
    "prefix",
    "suffix",
    "equals-ignore-case",
    "wildcard",
    "anything-but",
    "numeric",
    "cidr",
    "exists",
)
NUMERIC_OPERATORS: Final[tuple[str, ...]] = ("=", "<", "<=", ">", ">=")
ANYTHING_BUT_OPERATORS: Final[tuple[str, ...]] = (
    "prefix",
    "suffix",
    "equals-ignore-case",
    "wildcard",
)
OR_KEY: Final = "$or"
OR_RESERVED_KEYS: Final[tuple[str, ...]] = (
    "exactly",
    "equals-ignore-case",
    "prefix",
    "suffix",
    "anything-but",
    "exists",
    "wildcard",
    "numeric",
    "cidr",
    "=",
    "<",
    "<=",
    ">",
    ">=",
    "regex",
    "not-wildcard",
    "not-equals-ignore-case",
    "date-after",
    "date-on-or-after",
    "date-before",
    "date-on-or-before",
    "in-date-range",
    "ip-address-in-range",
    "ip-address-not-in-range",
)
"""Field names refused anywhere inside a ``$or`` alternative: event-ruler's
``Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP``, checked by
``JsonRuleCompiler.parseObjectInsideOrRelationship``
(https://github.com/aws/event-ruler/blob/main/src/main/software/amazon/event/ruler/Constants.java)."""

# Events of global services reach the default bus in us-east-1 only (IAM and STS
# API calls recorded by CloudTrail, console sign-ins).
GLOBAL_SOURCES: Final[Mapping[str, str]] = {
    "aws.iam": "IAM",
    "aws.sts": "STS",
    "aws.signin": "console sign-in",
}
GLOBAL_EVENT_SOURCES: Final[Mapping[str, str]] = {
    "iam.amazonaws.com": "IAM",
    "sts.amazonaws.com": "STS",
    "signin.amazonaws.com": "console sign-in",
}
CONSOLE_SIGN_IN: Final = "AWS Console Sign In via CloudTrail"

_MISSING: Final = object()
_NUMBER = (int, float)


def _is_number(value: object) -> bool:
    return isinstance(value, _NUMBER) and not isinstance(value, bool)


def _is_scalar(value: object) -> bool:
    return value is None or isinstance(value, str | bool) or _is_number(value)


# ------------------------------------------------------------------- syntax


def pattern_problems(pattern: object) -> list[Problem]:
    """Return what is wrong with an event pattern, each located inside the pattern.

    Locations read like ``detail.state[0]`` (empty for the pattern itself), so a
    caller prefixes its own path: ``events.alerts[2].pattern.detail.state[0]``.
    """
    if not isinstance(pattern, Mapping):
        return [
            Problem(
                "",
                f"{_show(pattern)} is not an event pattern; write a JSON object such as "
                '{"source": ["aws.ec2"]}',
            )
        ]
    if not pattern:
        return [Problem("", "the pattern is empty and would match every event; name a source")]
    problems = list(_object_problems(pattern, ""))
    if not problems:
        size = len(json.dumps(pattern, separators=(",", ":")))
        if size > PATTERN_MAX:
            problems.append(
                Problem(
                    "",
                    f"the pattern is {size} characters as JSON; EventBridge allows at most "
                    f"{PATTERN_MAX}",
                )
            )
    return problems


def check_pattern(pattern: object) -> str | None:
    """Return the first problem of a pattern as one line, or None when it is valid."""
    problems = pattern_problems(pattern)
    return str(problems[0]) if problems else None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _show(value: object) -> str:
    return cut(json.dumps(value) if _is_jsonable(value) else repr(value))


def _is_jsonable(value: object) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _object_problems(node: Mapping[Any, Any], path: str) -> Iterator[Problem]:
    for key, value in node.items():
        if not isinstance(key, str):
            yield Problem(path, f"field names are strings, not {_show(key)}")
            continue
        where = _join(path, key)
        if key == OR_KEY:
            yield from _or_problems(value, where)
        elif isinstance(value, Mapping):
            if not value:
                yield Problem(where, "an empty object matches nothing; give fields or remove it")
            else:
                yield from _object_problems(value, where)
        elif isinstance(value, list):
            if not value:
                yield Problem(where, "an empty array matches nothing; give at least one value")
            for index, matcher in enumerate(value):
                yield from _matcher_problems(matcher, f"{where}[{index}]")
        else:
            yield Problem(
                where,
                f"{_show(value)} must be an array of values, such as [{_show(value)}] "
                "(EventBridge matches a field against the values of an array)",
            )


def _or_problems(value: object, where: str) -> Iterator[Problem]:
    if (
        not isinstance(value, list)
        or len(value) < 2
        or not all(isinstance(alt, Mapping) for alt in value)
    ):
        yield Problem(
            where,
            "$or takes an array of two or more objects, each a pattern of its own, such as "
            '[{"state": ["stopped"]}, {"code": [500]}]',
        )
        return
    for index, alternative in enumerate(value):
        if not alternative:
            yield Problem(f"{where}[{index}]", "an empty alternative matches nothing")
        else:
            reserved = list(_reserved_key_problems(alternative, f"{where}[{index}]"))
            yield from reserved or _object_problems(alternative, f"{where}[{index}]")


def _reserved_key_problems(alternative: Mapping[Any, Any], where: str) -> Iterator[Problem]:
    """Refuse operator names used as field names in a ``$or`` alternative, at any depth."""
    for key, value in alternative.items():
        if key in OR_RESERVED_KEYS:
            yield Problem(
                _join(where, key),
                f"{cut(key)!r} is an operator name, which EventBridge does not take as a field "
                "name inside $or; each alternative is a pattern of fields, such as "
                '{"state": [{"prefix": "run"}]}',
            )
        elif isinstance(value, Mapping) and key != OR_KEY:
            yield from _reserved_key_problems(value, _join(where, key))


def _matcher_problems(matcher: object, where: str) -> Iterator[Problem]:
    if _is_scalar(matcher):
        if isinstance(matcher, float) and not math.isfinite(matcher):
            yield Problem(where, f"{matcher} is not a JSON number")
        return
    if isinstance(matcher, list):
        yield Problem(where, "arrays do not nest in a pattern; list the values in one array")
        return
    if not isinstance(matcher, Mapping):
        yield Problem(where, f"{_show(matcher)} is not a value or an operator object")
        return
    if len(matcher) != 1:
        keys = ", ".join(map(str, matcher)) or "none"
        yield Problem(
            where,
            f"an operator object has exactly one key, the operator (got {keys}); "
            "put each condition in its own object in the array",
        )
        return
    [(operator, operand)] = matcher.items()
    if operator not in OPERATORS:
        hint = closest(str(operator), OPERATORS)
        did_you_mean = f"did you mean {hint!r}? " if hint else ""
        yield Problem(
            where,
            f"unknown operator {cut(operator)!r}; {did_you_mean}EventBridge knows "
            + ", ".join(OPERATORS),
        )
        return
    message = _OPERAND_CHECKS[operator](operand)
    if message:
        yield Problem(f"{where}.{operator}", message)


def _check_string_or_ignore_case(operator: str) -> Any:
    def check(operand: object) -> str | None:
        if isinstance(operand, str):
            return None
        if (
            isinstance(operand, Mapping)
            and list(operand) == ["equals-ignore-case"]
            and isinstance(operand["equals-ignore-case"], str)
        ):
            return ignore_case_problem(operand["equals-ignore-case"])
        return (
            f"{_show(operand)} is not a {operator}; give a string, or "
            f'{{"equals-ignore-case": "..."}} to ignore case'
        )

    return check


def _check_ignore_case(operand: object) -> str | None:
    if isinstance(operand, str):
        return ignore_case_problem(operand)
    return f"{_show(operand)} is not a string; equals-ignore-case compares strings"


def ignore_case_problem(text: str) -> str | None:
    """Return why ``text`` can never match ignoring case in EventBridge, or None.

    event-ruler folds case one UTF-16 unit at a time (``EqualsIgnoreCaseParser``):
    a character outside the Basic Multilingual Plane (an emoji, U+10000 and up) is
    two surrogate units, each of which it encodes alone as "?", so the pattern
    would only match a literal "??" there.
    """
    astral = next((char for char in text if ord(char) > 0xFFFF), None)
    if astral is None:
        return None
    return (
        f"{cut(text)!r} holds {astral!r} (U+{ord(astral):04X}); EventBridge compares "
        "ignoring case one UTF-16 unit at a time and never matches a character above "
        "U+FFFF that way: match it exactly, or with prefix, suffix or wildcard"
    )


def _check_wildcard(operand: object) -> str | None:
    if not isinstance(operand, str):
        return f"{_show(operand)} is not a string; a wildcard is a string with * in it"
    return wildcard_problem(operand)


def wildcard_problem(text: str) -> str | None:
    """Return why ``text`` is not an EventBridge wildcard, or None.

    ``*`` matches any run of characters; ``\\*`` is a literal star and ``\\\\`` a
    literal backslash; two stars in a row and other escapes are refused.
    """
    index = 0
    previous_star = False
    while index < len(text):
        char = text[index]
        if char == "\\":
            following = text[index + 1] if index + 1 < len(text) else ""
            if following not in ("*", "\\"):
                return (
                    f"{cut(text)!r}: a backslash escapes only * or another backslash "
                    f"(position {index + 1})"
                )
            index += 2
            previous_star = False
            continue
        if char == "*":
            if previous_star:
                return f"{cut(text)!r}: consecutive * are not allowed (position {index + 1})"
            previous_star = True
        else:
            previous_star = False
        index += 1
    return None


def _check_anything_but(operand: object) -> str | None:
    if isinstance(operand, str) or _is_number(operand):
        return None
    if isinstance(operand, list):
        if not operand:
            return "an empty list excludes nothing; give the values to exclude"
        if all(isinstance(v, str) for v in operand) or all(_is_number(v) for v in operand):
            return None
        return (
            f"{_show(operand)} mixes kinds; anything-but takes a list of only strings "
            "or only numbers"
        )
    if isinstance(operand, Mapping):
        if len(operand) != 1 or next(iter(operand)) not in ANYTHING_BUT_OPERATORS:
            keys = ", ".join(map(str, operand)) or "none"
            return (
                f"anything-but takes one of {', '.join(ANYTHING_BUT_OPERATORS)} inside an "
                f"object (got {keys})"
            )
        [(inner, value)] = operand.items()
        # "It also may be applied to a prefix, suffix, or equals-ignore-case match of a
        # string or a list of strings" (event-ruler README, "Anything-but matching").
        strings = [value] if isinstance(value, str) else value
        if (
            not isinstance(strings, list)
            or not strings
            or not all(isinstance(v, str) for v in strings)
        ):
            return f"{_show(value)}: anything-but {inner} takes a string or a list of strings"
        if inner in ("prefix", "suffix") and "" in strings:
            # JsonRuleCompiler: "Null prefix/suffix not allowed" (an empty prefix
            # would exclude every string).
            return (
                f"{_show(value)}: an empty anything-but {inner} would exclude every string; "
                f"give a non-empty {inner}"
            )
        if inner == "wildcard":
            return next(filter(None, (wildcard_problem(s) for s in strings)), None)
        if inner == "equals-ignore-case":
            return next(filter(None, (ignore_case_problem(s) for s in strings)), None)
        return None
    return (
        f"{_show(operand)} cannot be excluded; anything-but takes a string, a number, a list "
        "of strings or of numbers, or an object with prefix, suffix, equals-ignore-case or "
        "wildcard (not true, false or null)"
    )


def _check_numeric(operand: object) -> str | None:
    usage = 'use [">", 0, "<=", 5], ["<", 10] or ["=", 301.8]'
    if not isinstance(operand, list) or len(operand) not in (2, 4):
        return f"{_show(operand)} is not a numeric condition; {usage}"
    pairs = list(zip(operand[::2], operand[1::2], strict=True))
    for operator, value in pairs:
        if operator not in NUMERIC_OPERATORS:
            return f"{_show(operator)} is not a numeric operator; use one of " + ", ".join(
                NUMERIC_OPERATORS
            )
        if not _is_number(value) or not math.isfinite(float(value)):
            return f"{_show(value)} after {cut(operator)!r} is not a number; {usage}"
        if abs(value) > NUMERIC_LIMIT:
            return (
                f"{value} is outside the range numeric matching supports "
                f"(-{NUMERIC_LIMIT:.1e} to +{NUMERIC_LIMIT:.1e})"
            )
    if len(pairs) == 2:
        (low_op, low), (high_op, high) = pairs
        if "=" in (low_op, high_op):
            return '"=" stands alone; it cannot be combined with a range'
        if low_op not in (">", ">=") or high_op not in ("<", "<="):
            return (
                f"{_show(operand)}: give the lower bound first (> or >=), then the upper "
                "bound (< or <=)"
            )
        if not low < high:
            return f"{_show(operand)} is an empty range: {low} is not below {high}"
    return None


def _check_cidr(operand: object) -> str | None:
    if not isinstance(operand, str):
        return f"{_show(operand)} is not a CIDR block; use a string such as 10.0.0.0/24"
    try:
        ipaddress.ip_network(operand, strict=False)
    except ValueError:
        return (
            f"{cut(operand)!r} is not an IPv4 or IPv6 CIDR block such as 10.0.0.0/24 or "
            "2001:db8::/32"
        )
    return None


def _check_exists(operand: object) -> str | None:
    if isinstance(operand, bool):
        return None
    return f"{_show(operand)} is not true or false"


_OPERAND_CHECKS: Final[Mapping[str, Any]] = {
    "prefix": _check_string_or_ignore_case("prefix"),
    "suffix": _check_string_or_ignore_case("suffix"),
    "equals-ignore-case": _check_ignore_case,
    "wildcard": _check_wildcard,
    "anything-but": _check_anything_but,
    "numeric": _check_numeric,
    "cidr": _check_cidr,
    "exists": _check_exists,
}


# ----------------------------------------------------------------- matching


def matches(pattern: Mapping[str, Any], event: object) -> bool:
    """Return True when ``event`` (a parsed JSON object) matches a valid ``pattern``."""
    return _object_matches(pattern, event if isinstance(event, Mapping) else {})


def _flatten(value: object) -> Iterator[object]:
    if isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    else:
        yield value


def _object_matches(pattern: Mapping[str, Any], node: Mapping[str, Any]) -> bool:
    for key, spec in pattern.items():
        if key == OR_KEY and _is_or(spec):
            if not any(_object_matches(alternative, node) for alternative in spec):
                return False
            continue
        value = node.get(key, _MISSING)
        if isinstance(spec, Mapping):
            # One element of an array of objects must match the whole sub-pattern.
            candidates = [v for v in _flatten(value) if isinstance(v, Mapping)]
            if not any(_object_matches(spec, c) for c in candidates or [{}]):
                return False
        elif not _leaf_matches(spec, value):
            return False
    return True


def _is_or(spec: object) -> bool:
    return isinstance(spec, list) and len(spec) >= 2 and all(isinstance(a, Mapping) for a in spec)


def _leaf_matches(spec: Sequence[Any], value: object) -> bool:
    values = [] if value is _MISSING else [v for v in _flatten(value) if not isinstance(v, Mapping)]
    present = bool(values)
    for matcher in spec:
        if isinstance(matcher, Mapping) and "exists" in matcher:
            if matcher["exists"] == present:
                return True
        elif any(_value_matches(matcher, v) for v in values):
            return True
    return False


def _same(expected: object, actual: object) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, str) or isinstance(actual, str):
        return expected == actual
    # Numbers compare by their JSON form: 300 and 300.0 differ.
    return type(expected) is type(actual) and expected == actual


def _value_matches(matcher: object, value: object) -> bool:
    if not isinstance(matcher, Mapping):
        return _same(matcher, value)
    [(operator, operand)] = matcher.items()
    if operator == "numeric":
        return _is_number(value) and _numeric(operand, float(value))  # type: ignore[arg-type]
    if operator == "cidr":
        return isinstance(value, str) and _in_network(value, operand)
    if operator == "anything-but":
        return _anything_but(operand, value)
    return isinstance(value, str) and _string_matches(operator, operand, value)


def _string_matches(operator: str, operand: Any, value: str) -> bool:
    if isinstance(operand, Mapping):  # {"prefix": {"equals-ignore-case": "..."}}
        units = _case_units(str(operand["equals-ignore-case"]))
        if operator == "prefix":
            return bool(_ends_after(units, value))
        return bool(_starts_before(units, value))
    if operator == "prefix":
        return value.startswith(operand)
    if operator == "suffix":
        return value.endswith(operand)
    if operator == "equals-ignore-case":
        return equals_ignoring_case(operand, value)
    if operator == "wildcard":
        return wildcard_matches(operand, value)
    raise AssertionError(operator)


def equals_ignoring_case(text: str, value: str) -> bool:
    """True when ``value`` matches ``{"equals-ignore-case": text}`` as EventBridge decides.

    event-ruler's ``EqualsIgnoreCaseParser`` turns each UTF-16 unit ``c`` of the
    pattern into the choice between ``c.toLowerCase(Locale.ROOT)`` and
    ``c.toUpperCase(Locale.ROOT)``, each of which may be several characters ('ß'
    upper-cases to "SS", U+0149 to U+02BC U+004E), and walks the event's text unchanged
    through those choices
    (https://github.com/aws/event-ruler/blob/main/src/main/software/amazon/event/ruler/input/EqualsIgnoreCaseParser.java).
    So "ß" matches "ß" and "SS" but not "ss", and "SS" matches "ss" but not "ß".
    """
    return len(value) in _ends_after(_case_units(text), value)


_Units = tuple[tuple[str, ...], ...]


def _case_units(text: str) -> _Units:
    """The choices of each UTF-16 unit of ``text``, as event-ruler builds them."""
    units: list[tuple[str, ...]] = []
    for char in text:
        if ord(char) > 0xFFFF:
            # Java encodes each half of a surrogate pair alone, as "?".
            units += [("?",), ("?",)]
            continue
        lower, upper = char.lower(), char.upper()
        units.append((lower,) if lower == upper else (lower, upper))
    return tuple(units)


def _ends_after(units: _Units, value: str) -> set[int]:
    """Positions in ``value`` where a run of the units' choices, begun at 0, can end."""
    positions = {0}
    for choices in units:
        positions = {p + len(c) for p in positions for c in choices if value.startswith(c, p)}
        if not positions:
            break
    return positions


def _starts_before(units: _Units, value: str) -> set[int]:
    """Positions in ``value`` where a run of the units' choices, ending at the end, can begin."""
    positions = {len(value)}
    for choices in reversed(units):
        positions = {p - len(c) for p in positions for c in choices if value.endswith(c, 0, p)}
        if not positions:
            break
    return positions


def _wildcard_parts(text: str) -> list[str]:
    """Split an EventBridge wildcard at its unescaped ``*``, unescaping ``\\*`` and ``\\\\``."""
    parts = [""]
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            parts[-1] += text[index + 1]
            index += 2
            continue
        if char == "*":
            parts.append("")
        else:
            parts[-1] += char
        index += 1
    return parts


def wildcard_matches(text: str, value: str) -> bool:
    """True when ``value`` matches the EventBridge wildcard ``text`` (``*`` is any run).

    Linear in the value, whatever the pattern: the first and last literal pieces
    pin the two ends, and every piece between them is taken at its leftmost place
    after the previous one (the greedy glob algorithm), which succeeds whenever
    any placement does. A backtracking regex took exponential time on
    ``*a*a*a*a*b`` against a long run of "a".
    """
    parts = _wildcard_parts(text)
    if len(parts) == 1:
        return value == parts[0]
    first, *middle, last = parts
    if len(value) < len(first) + len(last) or not (
        value.startswith(first) and value.endswith(last)
    ):
        return False
    position, end = len(first), len(value) - len(last)
    for part in middle:
        found = value.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def _anything_but(operand: object, value: object) -> bool:
    if isinstance(operand, Mapping):
        [(inner, excluded)] = operand.items()
        if not isinstance(value, str):
            return True
        texts = excluded if isinstance(excluded, list) else [excluded]
        return not any(_string_matches(inner, t, value) for t in texts)
    excluded_values = operand if isinstance(operand, list) else [operand]
    return not any(_same(e, value) for e in excluded_values)


def _numeric(conditions: Sequence[Any], value: float) -> bool:
    tests = {
        "=": lambda a, b: a == b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }
    return all(
        tests[op](value, float(bound))
        for op, bound in zip(conditions[::2], conditions[1::2], strict=True)
    )


def _in_network(value: str, cidr: str) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


# ----------------------------------------------------------------- examples


@dataclass(frozen=True)
class EventExamples:
    """Events a pattern must match and must not match, checked at synthesis."""

    match: tuple[Mapping[str, Any], ...] = ()
    no_match: tuple[Mapping[str, Any], ...] = ()


def example_problems(pattern: Mapping[str, Any], examples: EventExamples) -> list[Problem]:
    """Return one problem per example the pattern disagrees with (``match[0]``, ...)."""
    problems: list[Problem] = []
    for index, event in enumerate(examples.match):
        if not matches(pattern, event):
            problems.append(
                Problem(
                    f"match[{index}]", f"the pattern does not match this event: {_short(event)}"
                )
            )
    for index, event in enumerate(examples.no_match):
        if matches(pattern, event):
            problems.append(
                Problem(
                    f"no_match[{index}]",
                    f"the pattern matches this event, which it should not: {_short(event)}",
                )
            )
    return problems


def _short(event: object, limit: int = 200) -> str:
    text = json.dumps(event, separators=(",", ":"), sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ----------------------------------------------------------- global services


def _top_level_alternatives(pattern: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The pattern as the patterns its top-level ``$or`` stands for (itself without one)."""
    alternatives = pattern.get("$or")
    if not isinstance(alternatives, list):
        return [pattern]
    rest = {k: v for k, v in pattern.items() if k != "$or"}
    return [{**rest, **a} for a in alternatives if isinstance(a, Mapping)] or [rest]


def global_services(pattern: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the global services (IAM, STS, console sign-in) whose events ``pattern`` names.

    Their events reach EventBridge in us-east-1 only, so a rule on them belongs in
    a stack in us-east-1. Only literal values count: ``source``, ``detail-type``
    (console sign-ins) and ``detail.eventSource``, in the pattern or in any
    alternative of its top-level ``$or``.
    """
    found: dict[str, None] = {}
    for alternative in _top_level_alternatives(pattern):
        for value in _literals(alternative.get("source")):
            if value in GLOBAL_SOURCES:
                found[GLOBAL_SOURCES[value]] = None
        if CONSOLE_SIGN_IN in _literals(alternative.get("detail-type")):
            found["console sign-in"] = None
        detail = alternative.get("detail")
        if isinstance(detail, Mapping):
            for value in _literals(detail.get("eventSource")):
                if value in GLOBAL_EVENT_SOURCES:
                    found[GLOBAL_EVENT_SOURCES[value]] = None
    return tuple(found)


def region_split_problem(pattern: Mapping[str, Any]) -> Problem | None:
    """Refuse a pattern whose sources arrive in different Regions.

    Events of the global services reach EventBridge in us-east-1 only; those of
    other sources arrive in their own Region. A rule naming both (in ``source``,
    or across the alternatives of a top-level ``$or``) would see only one kind
    wherever it is deployed. Located at ``source`` (``$or`` for alternatives).
    """
    alternatives = _top_level_alternatives(pattern)
    sources = list(dict.fromkeys(s for a in alternatives for s in _literals(a.get("source"))))
    global_ = [s for s in sources if s in GLOBAL_SOURCES]
    regional = [s for s in sources if s not in GLOBAL_SOURCES]
    if not global_ or not regional:
        return None
    return Problem(
        "source" if len(alternatives) == 1 else "$or",
        f"names {', '.join(global_)}, whose events reach EventBridge only in us-east-1, "
        f"with {', '.join(regional)}, whose events arrive in their own Region: no one rule "
        "sees both; split it into two rules",
    )


def needs_us_east_1(pattern: Mapping[str, Any]) -> bool:
    """True when the rule must live in us-east-1 to see the events it names."""
    return bool(global_services(pattern))


def _literals(spec: object) -> Iterable[str]:
    if isinstance(spec, list):
        return [v for v in spec if isinstance(v, str)]
    return []


def placeholders(template: str) -> list[str]:
    """Return the ``<name>`` placeholders of an input template, in order, without repeats."""
    return list(dict.fromkeys(re.findall(r"<([A-Za-z0-9_-]+)>", template)))


RESERVED_PLACEHOLDERS: Final[tuple[str, ...]] = (
    "aws.events.rule-arn",
    "aws.events.rule-name",
    "aws.events.event.ingestion-time",
    "aws.events.event",
    "aws.events.event.json",
)
"""Placeholders EventBridge fills in without an input path."""


INPUT_TEMPLATE_MAX: Final = 8192
"""The longest InputTemplate (and Input) PutTargets takes (botocore's events model)."""


def template_problems(template: str, input_paths: Mapping[str, str]) -> list[Problem]:
    """Check an input transformer: every placeholder is an input path, paths are JSON paths.

    Locations are ``message`` (the template) and ``input_paths.<name>``. The
    template is sent as a JSON string, which EventBridge takes up to
    :data:`INPUT_TEMPLATE_MAX` characters long.
    """
    problems: list[Problem] = []
    size = len(json.dumps(template, ensure_ascii=False))
    if size > INPUT_TEMPLATE_MAX:
        problems.append(
            Problem(
                "message",
                f"{template[:60]!r}… is {size:,} characters as EventBridge receives it (a JSON "
                f"string); an input template takes at most {INPUT_TEMPLATE_MAX:,}",
            )
        )
    known = set(input_paths)
    used = re.findall(r"<([^<>\s]+)>", template)
    for name in dict.fromkeys(used):
        if name not in known and name not in RESERVED_PLACEHOLDERS:
            listed = ", ".join(sorted(known)) or "none are defined"
            problems.append(
                Problem(
                    "message",
                    f"<{name}> is not an input path; define it under input_paths "
                    f"(defined: {listed})",
                )
            )
    for name, path in input_paths.items():
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", name):
            problems.append(
                Problem(
                    f"input_paths.{name}",
                    "a placeholder name is 1 to 256 letters, digits, '_' or '-'",
                )
            )
        if not isinstance(path, str) or not re.fullmatch(r"\$(\.[^.\s\[\]]+|\[\d+\])*", path):
            problems.append(
                Problem(
                    f"input_paths.{name}",
                    f"{cut(path)!r} is not a JSON path into the event; use $.detail.instance-id",
                )
            )
    if len(input_paths) > 100:
        problems.append(
            Problem("input_paths", f"{len(input_paths)} input paths; EventBridge allows 100")
        )
    return problems
