"""A cursor over the pattern text, shared by the term, JSON and space-delimited parsers."""

from __future__ import annotations

from observability_blueprint.rules.filter_patterns._errors import FilterPatternError
from observability_blueprint.rules.text_syntax import expect_quoted

WHITESPACE = frozenset(" \t\n\r\f\v")

# "There is a limit of 2 regex for each filter pattern" (Supported regular
# expressions (regex) syntax, Quotas).
MAX_REGEXES = 2


class Scanner:
    """Position in a filter pattern, with helpers that raise caret-pointed errors.

    Parameters
    ----------
    text
        The whole filter pattern.
    """

    __slots__ = ("pos", "regex_count", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.regex_count = 0

    def at_end(self) -> bool:
        """Return True when the whole pattern has been read."""
        return self.pos >= len(self.text)

    def peek(self, size: int = 1) -> str:
        """Return the next ``size`` characters without consuming them."""
        return self.text[self.pos : self.pos + size]

    def startswith(self, prefix: str) -> bool:
        """Return True when the unread text starts with ``prefix``."""
        return self.text.startswith(prefix, self.pos)

    def skip_spaces(self) -> None:
        """Advance past whitespace."""
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in WHITESPACE:
            pos += 1
        self.pos = pos

    def error(self, reason: str, *, at: int | None = None) -> FilterPatternError:
        """Build an error for ``reason`` pointing at ``at`` (default: the current position)."""
        return FilterPatternError(self.text, self.pos if at is None else at, reason)

    def expected(
        self, what: str, *, after: str | None = None, at: int | None = None
    ) -> FilterPatternError:
        """Build an ``expected <what> [after <after>]`` error."""
        reason = f"expected {what}" if after is None else f"expected {what} after {after}"
        return FilterPatternError(self.text, self.pos if at is None else at, reason, expected=what)

    def count_regex(self, at: int) -> None:
        """Record one more regex in the pattern, refusing a third one."""
        self.regex_count += 1
        if self.regex_count > MAX_REGEXES:
            raise self.error(
                f"a filter pattern can hold at most {MAX_REGEXES} regular expressions", at=at
            )

    def read_quoted(self, *, what: str) -> str:
        """Read a double-quoted string starting at the current position.

        Inside the quotes ``\\"`` stands for a quote and ``\\\\`` for a backslash; any other
        backslash is kept as written.

        Parameters
        ----------
        what
            Names the string in the error for a missing closing quote, e.g. ``"phrase"``.

        Returns
        -------
        str
            The content between the quotes, unescaped.
        """
        content, self.pos = expect_quoted(self.text, self.pos, error=FilterPatternError, what=what)
        return content
