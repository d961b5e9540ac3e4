"""The ``%regex%`` subset CloudWatch Logs supports, checked and compiled with RE2.

Source: CloudWatch Logs user guide, "Supported regular expressions (regex) syntax"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/regex-expressions.html).
Only what that section lists is accepted: letters, digits, the symbols
``: _ # = @ / ; , -``, the operators ``^ $ ? [ ] { } | \\ * + .``, the escapes
``\\d \\D \\s \\S \\w \\W \\xhh`` and escaped operators or symbols. Parentheses and
multi-byte characters are refused, as the section says.

Matching runs on RE2 (``google-re2``), whose time grows linearly with the event
and the compiled program, never exponentially: Python's ``re`` backtracks, and
``%(a*)*b%``-like patterns written with the allowed operators (``%a*a*a*a*b%``)
hung synthesis on a long example. The program itself is bounded
(:data:`MAX_PROGRAM_SIZE`), so a pattern of huge repetition counts cannot make
one example take minutes either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import re2

from observability_blueprint.rules.filter_patterns._scanner import Scanner

# The section's own examples contain spaces ("%^shutting down%", "%.at%" matching
# " at"), so a space is accepted although the symbol list does not name it.
_SYMBOLS = frozenset(":_#=@/;,- ")
_OPERATORS = frozenset("^$?[]{}|\\*+.")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_CLASS_ESCAPES = frozenset("dDsSwW")
_HEX = frozenset("0123456789abcdefABCDEF")
_REPEAT = re.compile(r"\{ *([0-9]*) *(?:(,) *([0-9]*) *)?\}")

MAX_REPEAT: Final = 1000
"""The largest repetition count RE2 takes (``{1001}`` is "invalid repetition size")."""
MAX_PROGRAM_SIZE: Final = 5000
"""Instructions of the compiled RE2 program this engine runs on examples.

Matching costs up to (program size) x (event length) steps: 5,000 keeps a
100 KB example under a second, and every pattern of the CloudWatch Logs pages
is below 200 (``%[0-9a-f]{8}-...%`` for a UUID is about 80; ``.{500}`` is 3,500).
"""


def _options() -> re2.Options:
    options = re2.Options()
    # "." matches any single character, a newline too; "^"/"$" anchor to the
    # start/end of the message (RE2's default without multi-line mode).
    options.dot_nl = True
    options.never_capture = True
    options.log_errors = False
    return options


_OPTIONS: Final = _options()


@dataclass(frozen=True, slots=True)
class Regex:
    """A compiled ``%regex%``: :meth:`search` says whether it matches anywhere in a text.

    Attributes
    ----------
    source : str
        The regex as written between the ``%`` signs.
    translated : str
        The RE2 syntax it was compiled from.
    """

    source: str
    translated: str
    _search: Callable[[str], object]

    def search(self, text: str) -> bool:
        """Return True when the regex matches somewhere in ``text`` (unless anchored)."""
        return self._search(text) is not None


def read_regex(scanner: Scanner) -> Regex:
    """Read ``%...%`` at the scanner's position and return it compiled.

    Parameters
    ----------
    scanner
        Positioned on the opening ``%``; left just after the closing one.

    Returns
    -------
    Regex
        A regex that matches anywhere in a text unless anchored.
    """
    opening = scanner.pos
    scanner.count_regex(opening)
    closing = scanner.text.find("%", opening + 1)
    if closing < 0:
        raise scanner.expected(
            f"a closing % for the regex opened at column {opening}", at=len(scanner.text)
        )
    if closing == opening + 1:
        raise scanner.error("a regex between % signs cannot be empty", at=opening)
    translated = _Translator(scanner, opening + 1, closing).translate()
    scanner.pos = closing + 1
    try:
        compiled = re2.compile(translated, _OPTIONS)
    except re2.error as error:
        detail = error.args[0] if error.args else error
        text = detail.decode() if isinstance(detail, bytes) else str(detail)
        if "too large" not in text:
            raise scanner.error(f"not a valid regex: {text}", at=opening) from error
        size = None
    else:
        size = int(compiled.programsize)
        if size <= MAX_PROGRAM_SIZE:
            return Regex(scanner.text[opening + 1 : closing], translated, compiled.search)
    measured = f"{size:,} instructions" if size is not None else "too many instructions"
    raise scanner.error(
        f"this regex compiles to {measured}; the offline matcher takes at most "
        f"{MAX_PROGRAM_SIZE:,} so that checking an example stays fast: lower the "
        "repetition counts (each repeated character costs a few instructions)",
        at=opening,
    )


def _literal(char: str) -> str:
    """RE2 text for one ASCII character taken literally."""
    return char if char in _ALNUM or char == "_" else f"\\x{ord(char):02X}"


class _Translator:
    """Walk one regex body, refusing what CloudWatch Logs refuses, emitting RE2 syntax."""

    def __init__(self, scanner: Scanner, start: int, end: int) -> None:
        self.scanner = scanner
        self.text = scanner.text
        self.pos = start
        self.end = end
        self.out: list[str] = []
        # What the last emitted piece allows next: a quantifier needs an atom
        # before it; after a quantifier only "?" (lazy) may follow.
        self.repeatable = False
        self.after_quantifier = False

    def translate(self) -> str:
        while self.pos < self.end:
            char = self.text[self.pos]
            if char in "*+?{":
                self._quantifier(char)
                continue
            self.after_quantifier = False
            if char == "\\":
                self._atom(self._escape(in_class=False))
            elif char == "[":
                self._atom(self._char_class())
            elif char == ".":
                self.pos += 1
                self._atom(".")
            elif char in "]}":
                # A lone closing bracket or brace is an ordinary character.
                self.pos += 1
                self._atom(_literal(char))
            elif char == "|":
                self._other("|")
            elif char == "^":
                self._other("^")
            elif char == "$":
                self._other(r"\z")
            else:
                self._atom(_literal(self._plain_char(char)))
        return "".join(self.out)

    def _atom(self, piece: str) -> None:
        self.out.append(piece)
        self.repeatable = True

    def _other(self, piece: str) -> None:
        self.out.append(piece)
        self.pos += 1
        self.repeatable = False

    def _plain_char(self, char: str) -> str:
        at = self.pos
        if char in "()":
            raise self.scanner.error(
                "parentheses are not supported in a CloudWatch Logs regex"
                " (match them with \\x28 and \\x29)",
                at=at,
            )
        if ord(char) > 127:
            raise self.scanner.error(
                "multi-byte characters are not supported in a regex (use \\xhh for ASCII symbols)",
                at=at,
            )
        if char not in _ALNUM and char not in _SYMBOLS:
            raise self.scanner.error(
                f"{char!r} is not supported in a CloudWatch Logs regex (use \\x{ord(char):02X})"
                if char.isprintable()
                else f"character {ord(char):#04x} is not supported in a CloudWatch Logs regex",
                at=at,
            )
        self.pos += 1
        return char

    def _quantifier(self, char: str) -> None:
        at = self.pos
        if self.after_quantifier and char == "?":
            # "a*?" is a lazy repeat: the same matches for a yes/no search.
            self.out.append("?")
            self.pos += 1
            self.after_quantifier = False
            self.repeatable = False
            return
        if self.after_quantifier:
            raise self.scanner.error(f"{char!r} cannot follow another repetition", at=at)
        if not self.repeatable:
            raise self.scanner.error(f"nothing to repeat before {char!r}", at=at)
        if char == "{":
            self.out.append(self._repeat_count())
        else:
            self.out.append(char)
            self.pos += 1
        self.after_quantifier = True
        self.repeatable = False

    def _repeat_count(self) -> str:
        at = self.pos
        match = _REPEAT.match(self.text, at, self.end)
        if match is None or not (match.group(1) or match.group(3)):
            raise self.scanner.expected("a repetition count such as {3}, {3,} or {3,5}", at=at)
        low, comma, high = match.groups()
        self.pos = match.end()
        for count in (low, high):
            if count and int(count) > MAX_REPEAT:
                raise self.scanner.error(
                    f"the repetition count {int(count)} is above {MAX_REPEAT}, the largest the"
                    f" offline matcher (RE2) takes; use {{1,{MAX_REPEAT}}} or less",
                    at=at,
                )
        if not comma:
            return "{" + str(int(low)) + "}"
        lowest = int(low) if low else 0
        if not high:
            return "{" + str(lowest) + ",}"
        if int(high) < lowest:
            raise self.scanner.error(
                f"the repetition count {{{low},{high}}} has its minimum above its maximum", at=at
            )
        return "{" + str(lowest) + "," + str(int(high)) + "}"

    def _escape(self, *, in_class: bool) -> str:
        at = self.pos
        if at + 1 >= self.end:
            raise self.scanner.expected("a character after \\", at=at + 1)
        char = self.text[at + 1]
        if char in _CLASS_ESCAPES:
            self.pos += 2
            return "\\" + char
        if char == "x":
            digits = self.text[at + 2 : min(at + 4, self.end)]
            if len(digits) != 2 or not set(digits) <= _HEX:
                raise self.scanner.expected("two hexadecimal digits after \\x", at=at + 2)
            self.pos += 4
            return "\\x" + digits
        if char in _OPERATORS or char in _SYMBOLS:
            self.pos += 2
            return _literal(char)
        where = " in a character class" if in_class else ""
        raise self.scanner.error(
            f"unsupported escape \\{char}{where}: CloudWatch Logs knows \\d \\D \\s \\S \\w \\W"
            " \\xhh and escaped operators or symbols",
            at=at,
        )

    def _char_class(self) -> str:
        opening = self.pos
        self.pos += 1
        parts = ["["]
        if self.pos < self.end and self.text[self.pos] == "^":
            parts.append("^")
            self.pos += 1
        if self.pos < self.end and self.text[self.pos] == "]":
            raise self.scanner.error("a character class cannot be empty", at=self.pos)
        while self.pos < self.end and self.text[self.pos] != "]":
            first, single = self._class_member()
            if (
                self.pos + 1 < self.end
                and self.text[self.pos] == "-"
                and self.text[self.pos + 1] != "]"
            ):
                dash = self.pos
                self.pos += 1
                last, last_single = self._class_member()
                if single is None or last_single is None:
                    raise self.scanner.error(
                        "a range in a character class needs a single character at each end",
                        at=dash,
                    )
                if ord(last_single) < ord(single):
                    raise self.scanner.error(
                        f"the range {single}-{last_single} is out of order", at=dash
                    )
                parts.append(f"{first}-{last}")
            else:
                parts.append(first)
        if self.pos >= self.end:
            raise self.scanner.expected(
                f"] to close the character class opened at column {opening}", at=self.end
            )
        self.pos += 1
        parts.append("]")
        return "".join(parts)

    def _class_member(self) -> tuple[str, str | None]:
        """Read one member of a character class: (RE2 text, the character or None)."""
        char = self.text[self.pos]
        if char == "\\":
            piece = self._escape(in_class=True)
            if piece[1:2] in _CLASS_ESCAPES:
                return piece, None
            return piece, chr(int(piece[2:], 16)) if piece.startswith("\\x") else piece
        if char in _OPERATORS or char == "[":
            # Operators lose their meaning inside a class ("[.]" is a dot).
            self.pos += 1
            return _literal(char), char
        return _literal(self._plain_char(char)), char
