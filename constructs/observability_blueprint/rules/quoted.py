"""Reading a double-quoted string, as filter patterns and alarm rules write them.

Pure module: no aws_cdk import. Inside the quotes ``\\"`` stands for a quote and
``\\\\`` for a backslash; any other backslash is kept as written.
"""

from __future__ import annotations


def read_quoted(text: str, opening: int) -> tuple[str, int] | None:
    """Read the string whose opening quote is at ``opening``.

    Returns the unescaped content and the position just past the closing quote,
    or None when the string is not closed (the caller raises its own error).
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
