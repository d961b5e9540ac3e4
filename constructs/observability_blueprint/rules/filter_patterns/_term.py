"""Term patterns for unstructured events: ``ERROR``, ``"exact phrase"``, ``?alt``, ``-excluded``.

Source: CloudWatch Logs user guide, "Using filter patterns to match terms in
unstructured log events" and "Using filter patterns to match terms with a regular
expression (regex)"; the earlier "Matching Terms in Log Events" section.
"""

from __future__ import annotations

from collections.abc import Callable

from observability_blueprint.rules.filter_patterns._compiled import (
    Compiled,
    extract_nothing,
    supplies_nothing,
)
from observability_blueprint.rules.filter_patterns._regex import read_regex
from observability_blueprint.rules.filter_patterns._scanner import WHITESPACE, Scanner

# "Metric filter terms that include characters other than alphanumeric or
# underscore must be placed inside double quotes."
_QUOTE_HINT = "a term with characters other than letters, digits and _ must be in double quotes"

IGNORED_OPTIONAL_TERMS = (
    "the ?terms are ignored: CloudWatch Logs disregards question-mark terms in a pattern"
    " that also has terms without a question mark"
)


def parse_terms(scanner: Scanner) -> Compiled:
    """Parse a term pattern (or a standalone ``%regex%``) and compile it.

    Parameters
    ----------
    scanner
        Positioned on the first non-blank character (or the end, for an empty pattern).

    Returns
    -------
    Compiled
        The term pattern's test.
    """
    if scanner.startswith("%"):
        return _standalone_regex(scanner)
    required: list[str] = []
    excluded: list[str] = []
    optional: list[str] = []
    while True:
        scanner.skip_spaces()
        if scanner.at_end():
            break
        prefix = scanner.peek() if scanner.peek() in "?-" else ""
        prefix_at = scanner.pos
        if prefix:
            scanner.pos += 1
            # An earlier revision of the page writes "ERROR" - "Exiting": a space may
            # follow the sign.
            scanner.skip_spaces()
            if scanner.at_end():
                raise scanner.expected("a term", after=prefix, at=len(scanner.text))
        term = _read_term(scanner, after=prefix or None)
        if not term.strip():
            if prefix:
                raise scanner.expected("a non-blank term", after=prefix, at=prefix_at + 1)
            # 'You can match everything in your log events with double quotation
            # marks: " "' - a blank phrase constrains nothing.
            continue
        {"": required, "-": excluded, "?": optional}[prefix].append(term)
    warnings: tuple[str, ...] = ()
    if optional and (required or excluded):
        # "If you combine "?" with other filter patterns, all question mark terms
        # will be ignored" (Match optional terms).
        warnings = (IGNORED_OPTIONAL_TERMS,)
        optional = []
    matches = _compile(tuple(dict.fromkeys(required)), tuple(dict.fromkeys(excluded)), optional)
    return Compiled(
        kind="term",
        matches=matches,
        extract=extract_nothing(matches),
        supplies=supplies_nothing,
        warnings=warnings,
    )


def _read_term(scanner: Scanner, *, after: str | None) -> str:
    start = scanner.pos
    text = scanner.text
    if scanner.startswith('"'):
        phrase = scanner.read_quoted(what="phrase")
        if not scanner.at_end() and scanner.peek() not in WHITESPACE:
            raise scanner.expected("a space after the closing quote")
        return phrase
    if scanner.peek() in ("%", "{", "["):
        # "Regular expressions (regex) can be used to create standalone filter
        # patterns": a regex term, like a JSON or space-delimited pattern, must be
        # the whole pattern.
        kind = {"%": "a %regex%", "{": "a JSON pattern", "[": "a space-delimited pattern"}
        what = kind[scanner.peek()]
        raise scanner.error(
            f"{what} must be the whole filter pattern, not one term among others"
            if after is None
            else f"{what} cannot follow a {after} sign"
        )
    end = start
    while end < len(text) and text[end] not in WHITESPACE:
        if not (text[end].isalnum() or text[end] == "_"):
            word_end = end
            while word_end < len(text) and text[word_end] not in WHITESPACE:
                word_end += 1
            word = text[start:word_end].replace("\\", "\\\\").replace('"', '\\"')
            raise scanner.error(f'{_QUOTE_HINT}: "{word}"', at=end)
        end += 1
    scanner.pos = end
    return text[start:end]


def _standalone_regex(scanner: Scanner) -> Compiled:
    search = read_regex(scanner).search
    scanner.skip_spaces()
    if not scanner.at_end():
        raise scanner.expected(
            "the end of the pattern after the regex (a %regex% is a whole pattern)"
        )

    def matches(message: str) -> bool:
        return search(message)

    return Compiled(
        kind="term", matches=matches, extract=extract_nothing(matches), supplies=supplies_nothing
    )


def _compile(
    required: tuple[str, ...], excluded: tuple[str, ...], optional: list[str]
) -> Callable[[str], bool]:
    """Build the test; terms are case-sensitive substrings ("ERROR" matches "ERRORCODE")."""
    if len(required) == 1 and not excluded:
        term = required[0]
        return lambda message: term in message
    if required or excluded:

        def all_terms(message: str) -> bool:
            return all(term in message for term in required) and not any(
                term in message for term in excluded
            )

        return all_terms
    if optional:
        alternatives = tuple(dict.fromkeys(optional))

        def any_term(message: str) -> bool:
            return any(term in message for term in alternatives)

        return any_term
    return _everything


def _everything(message: str) -> bool:
    return True
