"""Boolean combinations of comparisons: ``a && (b || c)``, for JSON and space-delimited patterns.

"Compound expressions support the use of parentheses ("()") and the following
standard order of operations: () > && > ||" (Using filter patterns to match terms
in JSON log events); space-delimited fields take the same operators.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeAlias, TypeVar

from observability_blueprint.rules.filter_patterns._scanner import Scanner

T = TypeVar("T")
X = TypeVar("X")

# Deeper nesting than this is surely a mistake, and it keeps both the parser and
# the compiled closures far from Python's recursion limit.
MAX_NESTING = 16


@dataclass(frozen=True, slots=True)
class Leaf(Generic[T]):
    """One comparison."""

    value: T


@dataclass(frozen=True, slots=True)
class AllOf(Generic[T]):
    """Comparisons joined by ``&&``."""

    parts: tuple[Condition[T], ...]


@dataclass(frozen=True, slots=True)
class AnyOf(Generic[T]):
    """Comparisons joined by ``||``."""

    parts: tuple[Condition[T], ...]


Condition: TypeAlias = Leaf[T] | AllOf[T] | AnyOf[T]


def parse_condition(
    scanner: Scanner, parse_leaf: Callable[[Scanner], T], *, depth: int = 0
) -> Condition[T]:
    """Parse comparisons joined by ``&&`` and ``||``, with parentheses.

    Parameters
    ----------
    scanner
        Positioned at the first comparison or ``(``; left after the last comparison.
    parse_leaf
        Reads one comparison.
    depth
        Parentheses already open around this expression.

    Returns
    -------
    Condition[T]
        The expression, ``&&`` binding tighter than ``||``.
    """
    parts = [_parse_all(scanner, parse_leaf, depth)]
    while _next_operator(scanner) == "||":
        scanner.pos += 2
        parts.append(_parse_all(scanner, parse_leaf, depth))
    return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))


def _parse_all(scanner: Scanner, parse_leaf: Callable[[Scanner], T], depth: int) -> Condition[T]:
    parts = [_parse_primary(scanner, parse_leaf, depth)]
    while _next_operator(scanner) == "&&":
        scanner.pos += 2
        parts.append(_parse_primary(scanner, parse_leaf, depth))
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _parse_primary(
    scanner: Scanner, parse_leaf: Callable[[Scanner], T], depth: int
) -> Condition[T]:
    scanner.skip_spaces()
    if not scanner.startswith("("):
        return Leaf(parse_leaf(scanner))
    opening = scanner.pos
    if depth >= MAX_NESTING:
        raise scanner.error(f"parentheses nest deeper than {MAX_NESTING} levels", at=opening)
    scanner.pos += 1
    inner = parse_condition(scanner, parse_leaf, depth=depth + 1)
    scanner.skip_spaces()
    if not scanner.startswith(")"):
        raise scanner.expected(f") to close the parenthesis opened at column {opening}")
    scanner.pos += 1
    return inner


def _next_operator(scanner: Scanner) -> str | None:
    """Peek at ``&&`` or ``||`` after optional whitespace; refuse a lone ``&`` or ``|``."""
    scanner.skip_spaces()
    pair = scanner.peek(2)
    if pair in ("&&", "||"):
        return pair
    if pair[:1] in ("&", "|"):
        raise scanner.error("use && for AND and || for OR")
    return None


def leaves(condition: Condition[T]) -> Iterator[T]:
    """Yield the comparisons of ``condition`` from left to right."""
    if isinstance(condition, Leaf):
        yield condition.value
        return
    for part in condition.parts:
        yield from leaves(part)


def compile_condition(
    condition: Condition[T], compile_leaf: Callable[[T], Callable[[X], bool]]
) -> Callable[[X], bool]:
    """Turn ``condition`` into one predicate built from closures.

    Parameters
    ----------
    condition
        The parsed expression.
    compile_leaf
        Builds the predicate of one comparison.

    Returns
    -------
    Callable[[X], bool]
        Evaluates the expression with short-circuiting ``&&`` and ``||``.
    """
    if isinstance(condition, Leaf):
        return compile_leaf(condition.value)
    tests = tuple(compile_condition(part, compile_leaf) for part in condition.parts)
    if isinstance(condition, AllOf):
        if len(tests) == 2:
            first, second = tests
            return lambda subject: first(subject) and second(subject)

        def all_hold(subject: X) -> bool:
            return all(test(subject) for test in tests)

        return all_hold
    if len(tests) == 2:
        first, second = tests
        return lambda subject: first(subject) or second(subject)

    def any_holds(subject: X) -> bool:
        return any(test(subject) for test in tests)

    return any_holds
