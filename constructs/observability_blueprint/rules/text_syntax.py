"""What the small languages of this package share: quoted strings and located errors.

Filter patterns and composite-alarm rules are both one-line languages parsed
here offline; both read double-quoted strings the same way and report a bad
input with the text and a caret under the offending column.

Pure module: no aws_cdk import.
"""

from __future__ import annotations

# CIS patterns run to 600 characters: past this width the shown text is cut
# to a window around the offending column so the caret line fits a terminal.
_WINDOW = 100
_LEAD = 60
# Tabs and line breaks would shift the caret; they are shown as spaces.
_BLANKS = str.maketrans("\t\n\r\f\v", "     ")


class TextSyntaxError(ValueError):
    """A text that does not follow its language's syntax, located to the column.

    The message shows the text with a caret under the offending column::

        expected ')' to close ALARM( at column 0
          ALARM(CPUHigh
                       ^

    Parameters
    ----------
    text
        The text as given.
    position
        0-based column of the offending character; ``len(text)`` points past the end.
    reason
        One sentence saying what is wrong (the first line of the message).
    expected
        What the parser expected at ``position``, when the error is of that kind.

    Attributes
    ----------
    text : str
        The text as given.
    position : int
        0-based column of the offending character.
    reason : str
        One sentence saying what is wrong.
    expected : str or None
        What was expected at ``position``, or None when something present is wrong
        (an unsupported feature, a quota, a threshold out of range).
    """

    def __init__(
        self, text: str, position: int, reason: str, *, expected: str | None = None
    ) -> None:
        self.text = text
        self.position = position
        self.reason = reason
        self.expected = expected
        super().__init__(f"{reason}\n{caret_lines(text, position)}")

    def __reduce__(self) -> tuple[object, ...]:
        # The default reduce would call __init__ with the rendered message only.
        return (_rebuild, (type(self), self.text, self.position, self.reason, self.expected))


def _rebuild(
    kind: type[TextSyntaxError], text: str, position: int, reason: str, expected: str | None
) -> TextSyntaxError:
    return kind(text, position, reason, expected=expected)


def caret_lines(text: str, position: int) -> str:
    """Render ``text`` and a caret under column ``position``, both indented by two spaces.

    Parameters
    ----------
    text
        The text to show.
    position
        0-based column to point at; may equal ``len(text)``.

    Returns
    -------
    str
        Two lines joined by a newline.
    """
    shown = text.translate(_BLANKS)
    start = 0
    if len(shown) > _WINDOW:
        start = max(0, min(position - _LEAD, len(shown) - _WINDOW))
    end = min(len(shown), start + _WINDOW)
    before = "..." if start > 0 else ""
    after = "..." if end < len(shown) else ""
    caret_column = len(before) + position - start
    return f"  {before}{shown[start:end]}{after}\n  {' ' * caret_column}^"


def expect_quoted(
    text: str, opening: int, *, error: type[TextSyntaxError], what: str
) -> tuple[str, int]:
    """Read the string whose opening quote is at ``opening``; raise ``error`` if unclosed.

    Returns the unescaped content and the position just past the closing quote;
    ``what`` names the string in the error (``alarm name``, ``phrase``).
    """
    found = read_quoted(text, opening)
    if found is None:
        raise error(
            text,
            len(text),
            f'expected a closing " for the {what} opened at column {opening}',
            expected='a closing "',
        )
    return found


def read_quoted(text: str, opening: int) -> tuple[str, int] | None:
    """Read the double-quoted string whose opening quote is at ``opening``.

    Inside the quotes ``\\"`` stands for a quote and ``\\\\`` for a backslash;
    any other backslash is kept as written. Returns the unescaped content and the
    position just past the closing quote, or None when the string is not closed
    (the caller raises its own error).
    """
    pos = opening + 1
    chars: list[str] = []
    while pos < len(text):
        char = text[pos]
        if char == '"':
            return "".join(chars), pos + 1
        if char == "\\" and pos + 1 < len(text) and text[pos + 1] in '"\\':
            chars.append(text[pos + 1])
            pos += 2
            continue
        chars.append(char)
        pos += 1
    return None
