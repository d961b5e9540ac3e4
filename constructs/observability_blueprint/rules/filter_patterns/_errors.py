"""The error raised for a filter pattern that CloudWatch Logs would reject."""

from __future__ import annotations

# CIS patterns run to 600 characters: past this width the shown pattern is cut
# to a window around the offending column so the caret line fits a terminal.
_WINDOW = 100
_LEAD = 60
# Tabs and line breaks would shift the caret; they are shown as spaces.
_BLANKS = str.maketrans("\t\n\r\f\v", "     ")


class FilterPatternError(ValueError):
    """A filter pattern that does not follow the CloudWatch Logs syntax.

    The message shows the pattern with a caret under the offending column::

        expected a comparison operator (=, !=, <, <=, >, >=, IS, NOT EXISTS) after selector $.level
          { $.level "ERROR" }
                    ^

    Parameters
    ----------
    pattern
        The filter pattern as given.
    position
        0-based column of the offending character; ``len(pattern)`` points past the end.
    reason
        One sentence saying what is wrong (the first line of the message).
    expected
        What the parser expected at ``position``, when the error is of that kind.

    Attributes
    ----------
    pattern : str
        The filter pattern as given.
    position : int
        0-based column of the offending character.
    reason : str
        One sentence saying what is wrong.
    expected : str or None
        What was expected at ``position``, or None when the error is not a
        missing piece of syntax (an unsupported feature, a quota, ...).
    """

    def __init__(
        self, pattern: str, position: int, reason: str, *, expected: str | None = None
    ) -> None:
        self.pattern = pattern
        self.position = position
        self.reason = reason
        self.expected = expected
        super().__init__(f"{reason}\n{caret_lines(pattern, position)}")

    def __reduce__(self) -> tuple[object, ...]:
        # The default reduce would call __init__ with the rendered message only.
        return (_rebuild, (self.pattern, self.position, self.reason, self.expected))


def _rebuild(pattern: str, position: int, reason: str, expected: str | None) -> FilterPatternError:
    return FilterPatternError(pattern, position, reason, expected=expected)


def caret_lines(pattern: str, position: int) -> str:
    """Render ``pattern`` and a caret under column ``position``, both indented by two spaces.

    Parameters
    ----------
    pattern
        The text to show.
    position
        0-based column to point at; may equal ``len(pattern)``.

    Returns
    -------
    str
        Two lines joined by a newline.
    """
    shown = pattern.translate(_BLANKS)
    start = 0
    if len(shown) > _WINDOW:
        start = max(0, min(position - _LEAD, len(shown) - _WINDOW))
    end = min(len(shown), start + _WINDOW)
    before = "..." if start > 0 else ""
    after = "..." if end < len(shown) else ""
    caret_column = len(before) + position - start
    return f"  {before}{shown[start:end]}{after}\n  {' ' * caret_column}^"
