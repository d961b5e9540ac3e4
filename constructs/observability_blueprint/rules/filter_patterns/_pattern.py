"""``parse()`` and the compiled ``FilterPattern``."""

from __future__ import annotations

from collections.abc import Callable

from observability_blueprint.rules.filter_patterns._compiled import Compiled, PatternKind
from observability_blueprint.rules.filter_patterns._errors import FilterPatternError
from observability_blueprint.rules.filter_patterns._json import parse_json
from observability_blueprint.rules.filter_patterns._operands import parse_number
from observability_blueprint.rules.filter_patterns._scanner import Scanner
from observability_blueprint.rules.filter_patterns._space import parse_space
from observability_blueprint.rules.filter_patterns._term import parse_terms

# botocore logs model: filterPattern "Length Constraints: Minimum length of 0.
# Maximum length of 1024."
MAX_PATTERN_LENGTH = 1024


def parse(pattern: str) -> FilterPattern:
    """Parse a CloudWatch Logs filter pattern and compile it for matching.

    The first non-blank character picks the kind, as in CloudWatch Logs: ``{``
    a JSON pattern, ``[`` a space-delimited pattern, anything else terms (``%`` a
    standalone regex). An empty or blank pattern matches every event.

    Parameters
    ----------
    pattern
        The filter pattern, as it would be given to PutMetricFilter.

    Returns
    -------
    FilterPattern
        The compiled pattern.

    Raises
    ------
    FilterPatternError
        When CloudWatch Logs would reject the pattern; the message points at the column.

    Examples
    --------
    >>> parse('{ $.level = "ERROR" && $.latency_ms > 500 }').matches(
    ...     '{"level": "ERROR", "latency_ms": 730}')
    True
    >>> parse("[ip, ..., status_code = 4*, size]").extract('10.0.0.1 "GET /" 404 2326')
    {'ip': '10.0.0.1', '2': 'GET /', 'status_code': '404', 'size': '2326'}
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise FilterPatternError(
            pattern,
            MAX_PATTERN_LENGTH,
            f"a filter pattern is at most {MAX_PATTERN_LENGTH} characters;"
            f" this one has {len(pattern)}",
        )
    scanner = Scanner(pattern)
    scanner.skip_spaces()
    if scanner.startswith("{"):
        compiled = parse_json(scanner)
    elif scanner.startswith("["):
        compiled = parse_space(scanner)
    else:
        compiled = parse_terms(scanner)
    return FilterPattern(pattern, compiled, regex_count=scanner.regex_count)


def reference_matcher(pattern: str) -> Callable[[str], bool]:
    """Return ``parse(pattern).matches`` without its shortcuts, for differential tests.

    JSON patterns then decode every event, space-delimited patterns split every
    event with their line regex; the answers must be the same as ``matches``'.
    """
    compiled = parse(pattern)._compiled
    return compiled.reference or compiled.matches


class FilterPattern:
    """A compiled CloudWatch Logs filter pattern; build one with :func:`parse`.

    Two patterns are equal when their text is equal.

    Parameters
    ----------
    pattern
        The pattern text.
    compiled
        What the parser produced for it.
    """

    __slots__ = ("_compiled", "_matches", "_pattern", "_regex_count")

    def __init__(self, pattern: str, compiled: Compiled, *, regex_count: int = 0) -> None:
        self._pattern = pattern
        self._compiled = compiled
        self._matches = compiled.matches
        self._regex_count = regex_count

    @property
    def pattern(self) -> str:
        """The pattern text as given to :func:`parse`."""
        return self._pattern

    @property
    def kind(self) -> PatternKind:
        """``"term"`` (including ``%regex%`` and match-all), ``"json"`` or ``"space"``."""
        return self._compiled.kind

    @property
    def regex_count(self) -> int:
        """How many ``%regex%`` the pattern holds (CloudWatch Logs counts them per log group)."""
        return self._regex_count

    @property
    def selectors(self) -> tuple[str, ...]:
        """The JSON selectors the pattern tests, such as ``$.latency_ms``; empty for other kinds."""
        return self._compiled.selectors

    @property
    def fields(self) -> tuple[str, ...]:
        """The named fields of a space-delimited pattern, in order; empty for other kinds."""
        return self._compiled.fields

    @property
    def warnings(self) -> tuple[str, ...]:
        """Valid syntax that does not do what it seems to, e.g. ignored ``?terms``."""
        return self._compiled.warnings

    def matches(self, message: str) -> bool:
        """Decide one log event message as CloudWatch Logs does.

        Parameters
        ----------
        message
            The event's message, without the timestamp CloudWatch Logs keeps apart.

        Returns
        -------
        bool
            True when a metric filter with this pattern would count the event.
        """
        return self._matches(message)

    def extract(self, message: str) -> dict[str, str] | None:
        """Return the values a matching event yields, like TestMetricFilter's ``extractedValues``.

        For a space-delimited pattern: each named field under its name, and unnamed
        fields (``...`` or an empty entry) under their 1-based position, in event
        order. Term and JSON patterns extract nothing: ``{}``.

        Parameters
        ----------
        message
            One log event message.

        Returns
        -------
        dict[str, str] or None
            The values (keys without the ``$``), or None when the event does not match.
        """
        return self._compiled.extract(message)

    def can_supply(self, value: str) -> bool:
        """Say whether a metric value or dimension expression can come from this pattern.

        A number (``1``, ``"1"``) always can. ``$.selector`` can with a JSON pattern
        (any plain selector; the field may still be absent from an event);
        ``$name`` with a space-delimited pattern naming that field, and ``$7`` when
        a matching event can have a 7th field. Term patterns supply only numbers.

        Parameters
        ----------
        value
            The MetricValue or a dimension's value, as written for PutMetricFilter.

        Returns
        -------
        bool
            False when the expression can never take a value from a matching event.
        """
        text = value.strip()
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1]
        if parse_number(text) is not None:
            return True
        return self._compiled.supplies(text)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FilterPattern):
            return NotImplemented
        return self._pattern == other._pattern

    def __hash__(self) -> int:
        return hash(self._pattern)

    def __repr__(self) -> str:
        return f"FilterPattern(kind={self.kind!r}, pattern={self._pattern!r})"

    def __str__(self) -> str:
        return self._pattern
