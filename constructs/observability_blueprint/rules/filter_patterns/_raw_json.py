"""Reading one property's values from a raw JSON event without decoding it.

A JSON pattern only matches an event that decodes to a JSON object, so a match
always needs the decoder. Most events do not match, though, and for those the
raw text is enough to be sure: in JSON without a backslash every string is its
characters between two quotes, so a property ``"latency_ms": 730`` appears in the
event as ``"latency_ms"``, optional blanks, ``:``, optional blanks and the value's
text. :func:`value_check` builds a test that is true whenever the decoded event
could satisfy a comparison on the property, and false only when no decoding of
the text can: the caller then skips the decoder, and decodes the rest.

Every test here is a necessary condition and nothing more. It may be true for a
text that is not JSON at all (the decoder then says no); it is never false for a
valid event that matches. Callers must only use it on events without a backslash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

# After the key: blanks as JSON defines them (RFC 8259: space, tab, line feed,
# carriage return), the colon, blanks, and the start of the value. A string is
# whole (no backslash, so the first quote closes it); a number is read as far as
# Python's json module reads it; an object or array is only recognised by its
# opening bracket.
_VALUE: Final = re.compile(
    r'[ \t\n\r]*:[ \t\n\r]*(?:"([^"]*)"'
    r"|(-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)"
    r"|(true|false|null)|[\[{])"
)
_LITERALS: Final[dict[str, Any]] = {"true": True, "false": False, "null": None}


def at_depth(message: str, position: int, depth: int) -> bool:
    """Say whether ``position`` may lie inside exactly ``depth`` objects and no array.

    Counts the brackets outside strings before ``position``; with no backslash a
    quote always opens or closes a string, so the text between the 1st and 2nd,
    3rd and 4th... quote is inside strings. When the text before ``position``
    holds no closing bracket, no ``[`` and ``depth`` times ``{``, the answer is
    True without looking at strings (at worst a brace inside a string makes it a
    needless True: the decoder then decides).
    """
    if (
        message.count("{", 0, position) == depth
        and message.count("}", 0, position) == 0
        and message.count("[", 0, position) == 0
        and message.count("]", 0, position) == 0
    ):
        return True
    outside = "".join(message[:position].split('"')[::2])
    return outside.count("{") - outside.count("}") == depth and outside.count("[") == outside.count(
        "]"
    )


def value_check(
    key: str,
    depth: int | None,
    holds: Callable[[Any], bool],
    text_holds: Callable[[str], bool] | None = None,
) -> Callable[[str], bool]:
    """Return a necessary condition for "the property ``key`` has a value that holds".

    Parameters
    ----------
    key
        The property's name (the last key of the selector).
    depth
        How many objects enclose the property when the selector is keys only
        (``$.a.b``: 2), or None when the selector has array indexes.
    holds
        The comparisons' test of one decoded value. Objects and arrays are
        passed as an empty ``{}`` or ``[]``: the comparisons of a JSON pattern only
        look at their type (none holds for either).
    text_holds
        The same test for a string value, when a faster one exists. Default: ``holds``.

    Returns
    -------
    Callable[[str], bool]
        False only when no occurrence of the key, at that depth, is followed by
        ``:`` and a value that holds. A number past Python's int/str digit limit
        (which json.loads refuses) counts as holding: the decoder then decides.
    """
    needle = f'"{key}"'
    size = len(needle)
    match_value = _VALUE.match
    string_holds = holds if text_holds is None else text_holds

    def possible(message: str) -> bool:
        start = message.find(needle)
        while start >= 0:
            found = match_value(message, start + size)
            # Without a colon after it, the text is not a property name there.
            if found is not None:
                text, number, fraction, exponent, literal = found.groups()
                if text is not None:
                    candidate = string_holds(text)
                elif number is not None:
                    if fraction is not None or exponent is not None:
                        candidate = holds(float(number))
                    else:
                        try:
                            candidate = holds(int(number))
                        except ValueError:
                            candidate = True
                elif literal is not None:
                    candidate = holds(_LITERALS[literal])
                else:
                    candidate = holds({} if message[found.end() - 1] == "{" else [])
                if candidate and (depth is None or at_depth(message, start, depth)):
                    return True
            start = message.find(needle, start + 1)
        return False

    return possible
