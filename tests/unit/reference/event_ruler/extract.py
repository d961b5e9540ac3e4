"""Rebuild ``byte_machine.json`` from a checkout of github.com/aws/event-ruler.

Usage::

    python tests/unit/reference/event_ruler/extract.py PATH_TO_EVENT_RULER > byte_machine.json

It reads ``ByteMachineTest.java`` and turns every ``testPatternPermutations`` call
into cases: the call adds each pattern to a ByteMachine and asserts, for every
listed value (the values of all its ``PatternMatch`` objects and its
``noMatches``), that exactly the patterns listing that value match it. So each
(pattern, value) pair becomes one case whose expected result is "the value is in
that pattern's own list". A call this small Java reader cannot evaluate, or a
pattern kind that has no EventBridge pattern form (numbers in ByteMachine's
internal encoding), is listed under ``not_imported`` with the reason.

Not run by the test suite (it needs the Java sources); the JSON it wrote is.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SOURCE = "src/test/software/amazon/event/ruler/ByteMachineTest.java"

# Patterns.<method> -> how its single string argument becomes an operator object.
STRING_PATTERNS = {
    "exactMatch": lambda s: s,
    "prefixMatch": lambda s: {"prefix": s},
    "suffixMatch": lambda s: {"suffix": s},
    "equalsIgnoreCaseMatch": lambda s: {"equals-ignore-case": s},
    "prefixEqualsIgnoreCaseMatch": lambda s: {"prefix": {"equals-ignore-case": s}},
    "suffixEqualsIgnoreCaseMatch": lambda s: {"suffix": {"equals-ignore-case": s}},
    "wildcardMatch": lambda s: {"wildcard": s},
}
SET_PATTERNS = {
    "anythingButMatch": lambda v: {"anything-but": v},
    "anythingButPrefix": lambda v: {"anything-but": {"prefix": v}},
    "anythingButSuffix": lambda v: {"anything-but": {"suffix": v}},
}
SKIPPED_KINDS = {
    "numericEquals": "ByteMachine numeric patterns take ComparableNumber strings, not JSON numbers",
    "anythingButNumbersMatch": (
        "ByteMachine numeric patterns take ComparableNumber strings, not JSON numbers"
    ),
}


class UnsupportedError(Exception):
    """A Java construct this reader does not evaluate."""


def methods(java: str) -> Iterator[tuple[str, str]]:
    """Yield (name, body) of every ``@Test`` method."""
    for match in re.finditer(r"@Test\s+public void (\w+)\(\)[^{]*\{", java):
        end = _closing(java, match.end() - 1, "{", "}")
        yield match.group(1), java[match.end() : end]


def _closing(text: str, start: int, opening: str, closing: str) -> int:
    depth, index = 0, start
    while index < len(text):
        char = text[index]
        if char in "\"'":
            index = _string_end(text, index)
            continue
        if text.startswith("//", index):
            index = text.index("\n", index)
            continue
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise UnsupportedError("unbalanced")


def _string_end(text: str, start: int) -> int:
    quote, index = text[start], start + 1
    while text[index] != quote:
        index += 2 if text[index] == "\\" else 1
    return index + 1


class Reader:
    """Evaluate the small Java expressions the tests use."""

    def __init__(self, text: str, variables: dict[str, Any]) -> None:
        self.text, self.pos, self.variables = text, 0, variables

    def skip(self) -> None:
        while True:
            while self.pos < len(self.text) and self.text[self.pos].isspace():
                self.pos += 1
            if self.text.startswith("//", self.pos):
                self.pos = self.text.index("\n", self.pos)
            else:
                return

    def eat(self, token: str) -> bool:
        self.skip()
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False

    def expect(self, token: str) -> None:
        if not self.eat(token):
            raise UnsupportedError(f"expected {token!r} at {self.text[self.pos : self.pos + 40]!r}")

    def expression(self) -> Any:
        value = self.term()
        while self.eat("+"):
            right = self.term()
            if not (isinstance(value, str) and isinstance(right, str)):
                raise UnsupportedError("+ on non-strings")
            value += right
        return value

    def arguments(self) -> list[Any]:
        self.expect("(")
        values: list[Any] = []
        if self.eat(")"):
            return values
        while True:
            values.append(self.expression())
            if self.eat(")"):
                return values
            self.expect(",")

    def term(self) -> Any:
        self.skip()
        if self.text.startswith('"', self.pos):
            end = _string_end(self.text, self.pos)
            literal = self.text[self.pos + 1 : end - 1]
            self.pos = end
            return java_unescape(literal)
        if self.eat("new String[]"):
            return self.array()
        if self.eat("{"):
            self.pos -= 1
            return self.array()
        if self.eat("new PatternMatch"):
            pattern, *values = self.arguments()
            return ("match", pattern, values)
        for wrapper in ("new HashSet<>", "new HashSet<String>", "Arrays.asList"):
            if self.eat(wrapper):
                values = self.arguments()
                if len(values) == 1 and isinstance(values[0], list):
                    return values[0]
                return values
        if self.eat("Collections.singleton"):
            return self.arguments()
        match = re.compile(r"Patterns\.(\w+)").match(self.text, self.pos)
        if match:
            self.pos = match.end()
            return ("pattern", match.group(1), self.arguments())
        match = re.compile(r"[A-Za-z_]\w*").match(self.text, self.pos)
        if match and match.group(0) in self.variables:
            self.pos = match.end()
            return self.variables[match.group(0)]
        raise UnsupportedError(f"cannot read {self.text[self.pos : self.pos + 40]!r}")

    def array(self) -> list[Any]:
        self.expect("{")
        values: list[Any] = []
        while not self.eat("}"):
            values.append(self.expression())
            self.eat(",")
        return values


def java_unescape(literal: str) -> str:
    """The string a Java literal denotes (surrogate pairs joined)."""
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\", "0": "\0"}
    units: list[int] = []
    index = 0
    while index < len(literal):
        char = literal[index]
        if char == "\\":
            following = literal[index + 1]
            if following == "u":
                units.append(int(literal[index + 2 : index + 6], 16))
                index += 6
                continue
            units.append(ord(escapes[following]))
            index += 2
            continue
        units.extend(_utf16(char))
        index += 1
    return bytes(b for unit in units for b in unit.to_bytes(2, "little")).decode(
        "utf-16-le", "surrogatepass"
    )


def _utf16(char: str) -> list[int]:
    data = char.encode("utf-16-le")
    return [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 2)]


def local_arrays(body: str) -> dict[str, Any]:
    """``String[] name = ...;`` and ``String name = ...;`` declared in a method."""
    found: dict[str, Any] = {}
    for match in re.finditer(r"String(\[\])?\s+(\w+)\s*=", body):
        reader = Reader(body[match.end() :], found)
        try:
            found[match.group(2)] = reader.expression()
        except (UnsupportedError, ValueError, KeyError, IndexError):
            continue
    return found


def operator(pattern: Any) -> Any:
    """The EventBridge operator object (or value) of one ``Patterns.x(...)``."""
    if not (isinstance(pattern, tuple) and pattern[0] == "pattern"):
        raise UnsupportedError("not a Patterns call")
    _, kind, arguments = pattern
    if kind in SKIPPED_KINDS:
        raise UnsupportedError(SKIPPED_KINDS[kind])
    if kind == "existencePatterns":
        return {"exists": True}
    if kind in STRING_PATTERNS and len(arguments) == 1 and isinstance(arguments[0], str):
        return STRING_PATTERNS[kind](arguments[0])
    if kind in SET_PATTERNS and len(arguments) == 1:
        value = arguments[0]
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        return SET_PATTERNS[kind](value)
    raise UnsupportedError(f"Patterns.{kind} with {len(arguments)} argument(s)")


def extract(root: Path) -> dict[str, Any]:
    java = (root / SOURCE).read_text(encoding="utf-8")
    cases: list[dict[str, Any]] = []
    not_imported: list[dict[str, str]] = []
    seen: set[str] = set()
    for name, body in methods(java):
        variables = local_arrays(body)
        for call in re.finditer(r"testPatternPermutations\(", body):
            reader = Reader(body[call.end() - 1 :], variables)
            try:
                arguments = reader.arguments()
                no_matches: list[str] = []
                if arguments and isinstance(arguments[0], list):
                    no_matches = arguments.pop(0)
                matchers = [a for a in arguments if isinstance(a, tuple) and a[0] == "match"]
                if len(matchers) != len(arguments):
                    raise UnsupportedError("an argument is not a PatternMatch")
                values = [v for _, _, listed in matchers for v in listed] + no_matches
                for _, pattern, listed in matchers:
                    spec = {"f": [operator(pattern)]}
                    for value in dict.fromkeys(values):
                        case = {
                            "test": name,
                            "pattern": spec,
                            "event": {"f": value},
                            "matches": value in listed,
                        }
                        key = json.dumps([spec, value], sort_keys=True)
                        if key not in seen:
                            seen.add(key)
                            cases.append(case)
            except (UnsupportedError, ValueError, KeyError, IndexError) as error:
                not_imported.append({"test": name, "reason": str(error)})
    return {"source": SOURCE, "cases": cases, "not_imported": not_imported}


def dump(data: dict[str, Any]) -> str:
    """JSON with one case a line, so a diff shows the cases that changed."""
    lines = ["{"]
    for index, (key, value) in enumerate(data.items()):
        comma = "," if index < len(data) - 1 else ""
        if not isinstance(value, list):
            lines.append(f" {json.dumps(key)}: {json.dumps(value)}{comma}")
            continue
        lines.append(f" {json.dumps(key)}: [")
        lines += [f"  {json.dumps(item)}," for item in value]
        if value:
            lines[-1] = lines[-1][:-1]
        lines.append(f" ]{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


ABOUT = (
    "Cases from aws/event-ruler ByteMachineTest.java, written by extract.py: each "
    "testPatternPermutations call gives, for each of its patterns and each value it lists, "
    "whether ByteMachine matches the value (the value is in that pattern's own list). The "
    "field is 'f': ByteMachine matches the value alone."
)

if __name__ == "__main__":
    sys.stdout.write(dump({"about": ABOUT, **extract(Path(sys.argv[1]))}))
