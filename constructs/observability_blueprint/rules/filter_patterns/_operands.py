"""Comparison operators and the values on their right: strings, wildcards, numbers, regexes.

JSON and space-delimited patterns share this part of the syntax: ``= "text"``,
``= word``, ``= prefix*``, ``!= 123.123.*``, ``> 1000``, ``= %regex%``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from observability_blueprint.rules.filter_patterns._regex import Regex, read_regex
from observability_blueprint.rules.filter_patterns._scanner import WHITESPACE, Scanner

NUMERIC_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
# Two-character operators first so "<=" is not read as "<".
_OPERATORS = ("!=", "<=", ">=", "=", "<", ">")

# "An integer with an optional + or - sign, a decimal with an optional + or - sign,
# or a number in scientific notation" (Numeric Comparisons).
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")

# Characters a value may hold without double quotes. The docs ask for quotes
# around anything but letters, digits and "_" (naming "@", "$" and "\"), yet
# their own unquoted examples hold ".", "*", "-" and "+": "123.123.*",
# "iam.amazonaws.com", "AccessDenied*", "+1000", "1e+3".
_UNQUOTED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.*+-")
# Where an unquoted value ends: the syntax that may follow it.
_VALUE_END = WHITESPACE | frozenset('()&|,]}"')

VALUE_EXPECTED = "a value (a quoted string, a word, a number or a %regex%)"


@dataclass(frozen=True, slots=True)
class TextOperand:
    """A string or number to compare with, as written after the operator.

    Attributes
    ----------
    text : str
        The value without quotes; a leading or trailing ``*`` is a wildcard.
    number : int or float or None
        The numeric value when the value was written as a bare number.
    """

    text: str
    number: int | float | None


@dataclass(frozen=True, slots=True)
class RegexOperand:
    """A ``%regex%`` to search the compared value with.

    Attributes
    ----------
    regex : Regex
        The compiled regex.
    """

    regex: Regex


Operand = TextOperand | RegexOperand


def read_operator(scanner: Scanner) -> str | None:
    """Read a comparison operator, or return None (consuming nothing) when there is none."""
    for symbol in _OPERATORS:
        if scanner.startswith(symbol):
            scanner.pos += len(symbol)
            if symbol == "=" and scanner.startswith("="):
                raise scanner.error("use = to compare, not ==", at=scanner.pos)
            return symbol
    return None


def read_operand(scanner: Scanner, *, operator_symbol: str) -> Operand:
    """Read the value after ``operator_symbol``; numeric operators need a number.

    Parameters
    ----------
    scanner
        Positioned after the operator (whitespace allowed).
    operator_symbol
        The operator just read, for the error messages and the number check.

    Returns
    -------
    Operand
        The value as written.
    """
    scanner.skip_spaces()
    start = scanner.pos
    char = scanner.peek()
    operand: Operand
    if char == '"':
        operand = TextOperand(scanner.read_quoted(what="string"), None)
    elif char == "%":
        operand = RegexOperand(read_regex(scanner))
    else:
        text = scanner.text
        end = start
        while end < len(text) and text[end] not in _VALUE_END:
            end += 1
        word = text[start:end]
        if not word:
            raise scanner.expected(VALUE_EXPECTED, after=operator_symbol)
        if operator_symbol == "=" and word.startswith("!"):
            # A 2021 revision of the guide printed "[w1=!ERROR&&w1=!WARN, w2]".
            raise scanner.error("=! is not an operator; write != for not equal", at=start)
        for offset, letter in enumerate(word):
            if letter not in _UNQUOTED:
                raise scanner.error(
                    f'{letter!r} can only appear in a double-quoted value, e.g. "{word}"',
                    at=start + offset,
                )
        scanner.pos = end
        operand = TextOperand(word, parse_number(word))
    if operator_symbol in NUMERIC_OPERATORS and not (
        isinstance(operand, TextOperand) and operand.number is not None
    ):
        raise scanner.expected("a number", after=operator_symbol, at=start)
    return operand


def parse_number(text: str) -> int | float | None:
    """Return the value of ``text`` when it is a number in the filter syntax, else None.

    Parameters
    ----------
    text
        A bare word, a space-delimited field or a JSON string.

    Returns
    -------
    int or float or None
        An int for integers (exact for any size), a float otherwise.
    """
    if _NUMBER.fullmatch(text) is None:
        return None
    if "." in text or "e" in text or "E" in text:
        return float(text)
    try:
        return int(text)
    except ValueError:
        # Past Python's 4300-digit int/str limit the value is only compared, so a
        # float (inf) keeps the order right.
        return float(text)


def text_matcher(text: str) -> Callable[[str], bool]:
    """Return a test for one string value against ``text`` and its wildcards.

    "You can use the asterisk '*' wildcard character to match any text at, before,
    or after a search term [...] Ev*ent will only match the actual string Ev*ent"
    (Matching JSON Terms Using Metric Filters): only a leading or trailing ``*`` is
    a wildcard; one inside the value is an ordinary character.

    Parameters
    ----------
    text
        The value as written, without quotes.

    Returns
    -------
    Callable[[str], bool]
        True for the strings the value matches.
    """
    leading, core, trailing = wildcard_core(text)
    if not core:
        if leading:
            return _any_text
        return _is_empty
    if leading and trailing:
        return lambda value: core in value
    if leading:
        return lambda value: value.endswith(core)
    if trailing:
        return lambda value: value.startswith(core)
    return lambda value: value == core


def wildcard_core(text: str) -> tuple[bool, str, bool]:
    """Split a value into (leading wildcard, fixed text, trailing wildcard)."""
    return text.startswith("*"), text.strip("*"), text.endswith("*")


def _any_text(value: str) -> bool:
    return True


def _is_empty(value: str) -> bool:
    return value == ""
