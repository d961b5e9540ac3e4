"""An offline checker of CloudWatch Logs Insights queries (Logs Insights QL).

Pure module: no aws_cdk import. CloudWatch Logs reads a query only when it
runs it (StartQuery): a saved query (PutQueryDefinition) with a typo deploys
fine and fails the day someone needs it. This module checks what can be
checked without AWS, following the query syntax reference
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html:

- every stage (the text between two pipes ``|``) starts with a known command,
  and no stage is empty (``| |``, a ``|`` at either end);
- strings (``'...'``, ``"..."``), backtick field names, regular expressions
  (``/.../``) and query parameters (``{{name}}``) are closed;
- round and square brackets are closed, in order; a ``|`` inside brackets is
  only allowed in a subquery (``(SOURCE ... | ...)``), whose stages are checked
  the same way;
- ``limit`` takes a whole number from 1 to 100,000;
- the query is at most 10,000 characters.

A ``#`` at the start of a token starts a comment that ends with the line.

Separately, :func:`unknown_fields` lists the fields a query reads that neither
a given set of known fields nor the query itself (``parse ... as``, named
regex groups, ``as`` aliases) provides. Logs Insights discovers JSON fields by
itself, so these are warnings, not errors; ``@`` fields are always known.

Examples
--------
>>> check_query("fields @timestamp | sort @timestamp desc | limit 25") is None
True
>>> print(check_query("fields @timestamp | limit 25 |"))
nothing follows this |; add a command after it or remove it
  fields @timestamp | limit 25 |
                               ^
>>> unknown_fields('parse @message "took * ms" as took | stats avg(took) by service')
('service',)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise
from typing import Final, NoReturn

from observability_blueprint.rules import limits
from observability_blueprint.rules.errors import cut
from observability_blueprint.rules.text_syntax import TextSyntaxError

MAX_QUERY_LENGTH: Final = 10_000
"""Characters of a query: StartQuery ``queryString`` and PutQueryDefinition
``queryString`` (and AWS::Logs::QueryDefinition ``QueryString``) take at most 10,000."""

MAX_LOG_GROUPS: Final = 50
"""Log groups one query reads. StartQuery: "You can include up to 50 log groups"
(``logGroupNames`` and ``logGroupIdentifiers``; botocore's model states it in the
documentation, not as a ``max``). A saved query runs through StartQuery, so a
query definition with more log groups cannot run."""

MAX_LIMIT: Final = 100_000
"""Largest ``limit``: "You can specify a limit value of up to 100,000."
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Limit.html"""

COMMANDS: Final[tuple[str, ...]] = (
    "addtotals",
    "anomaly",
    "dedup",
    "diff",
    "display",
    "fields",
    "filter",
    "filterIndex",
    "join",
    "limit",
    "lookup",
    "parse",
    "pattern",
    "sort",
    "SOURCE",
    "stats",
    "unmask",
    "unnest",
)
"""The Logs Insights QL commands of the query syntax reference (read case-insensitively)."""

_COMMANDS_LOWER: Final = {command.lower(): command for command in COMMANDS}
_COMMAND_LIST: Final = ", ".join(COMMANDS)

STANDARD_ONLY: Final[tuple[str, ...]] = ("diff", "filterIndex", "pattern", "unmask")
"""Commands that log groups of the Infrequent Access class do not support: "Log groups
in the Infrequent Access log class support all Logs Insights QL query commands except
pattern, diff, and unmask", and the command table says the same of filterIndex."""

KEYWORDS: Final = frozenset(
    {"and", "or", "not", "like", "in", "as", "by", "asc", "desc", "true", "false", "null"}
)
"""Words of expressions that are never field names (case-insensitive)."""

PARAMETER_NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""A query parameter, written ``{{name}}`` (PutQueryDefinition ``parameters[].name``)."""

# After these words an operand follows, so a / starts a regular expression.
_BEFORE_OPERAND: Final = frozenset({"like", "not", "and", "or", "in"})
# Named groups of a regular expression become fields: (?<name>...) or (?P<name>...).
_NAMED_GROUP: Final = re.compile(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>")
_WORD_START: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_@$")
_WORD_CHARS: Final = _WORD_START | frozenset("0123456789.")
_DIGITS: Final = frozenset("0123456789")
_BLANKS: Final = frozenset(" \t\r\n\f\v")
_TWO_CHAR_OPERATORS: Final = ("=~", "!=", "<=", ">=", "==")
_ONE_CHAR_OPERATORS: Final = frozenset("=<>+-*/^%!")
_CLOSING: Final = {"(": ")", "[": "]"}
_OPENING: Final = {")": "(", "]": "["}


class LogsInsightsQueryError(TextSyntaxError):
    """A query that does not follow the Logs Insights QL syntax.

    The message shows the query with a caret under the offending column (line
    breaks are shown as spaces)::

        unknown command 'srot'; did you mean 'sort'? Logs Insights QL commands: ...
          fields @timestamp | srot @timestamp desc
                              ^

    ``query`` is the text as given; ``position``, ``reason`` and ``expected`` are
    those of :class:`TextSyntaxError`.
    """

    @property
    def query(self) -> str:
        """The query as given."""
        return self.text


class TokenKind(Enum):
    """What a token of a query is."""

    WORD = "word"
    """A command, keyword, function or field name (``@message``, ``http.status``)."""
    FIELD = "field"
    """A field name in backticks (```foo-bar```)."""
    STRING = "string"
    REGEX = "regex"
    NUMBER = "number"
    """A number, possibly with a unit (``5m`` in ``bin(5m)``)."""
    PARAMETER = "parameter"
    """A query parameter, ``{{name}}``."""
    OPERATOR = "operator"
    OPEN = "open"
    CLOSE = "close"
    COMMA = "comma"
    PIPE = "pipe"
    COLON = "colon"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a query: its kind, its text as written and where it starts and ends."""

    kind: TokenKind
    text: str
    start: int
    end: int

    def is_word(self, *words: str) -> bool:
        """Whether this is a word equal to one of ``words`` (case-insensitive)."""
        return self.kind is TokenKind.WORD and self.text.lower() in words


@dataclass(frozen=True, slots=True)
class Stage:
    """One command of a query and its arguments (subqueries included, comments left out)."""

    command: str
    """The command as the reference spells it (``filterIndex``, ``SOURCE``)."""
    tokens: tuple[Token, ...]
    """The command word first, then its arguments."""


@dataclass(frozen=True)
class LogsInsightsQuery:
    """A query that passed :func:`parse`: its text and its top-level stages."""

    text: str
    stages: tuple[Stage, ...]

    @property
    def parameters(self) -> tuple[str, ...]:
        """The query parameters (``{{name}}``) it uses, in order of first use."""
        names = (
            token.text[2:-2].strip()
            for stage in self.stages
            for token in stage.tokens
            if token.kind is TokenKind.PARAMETER
        )
        return tuple(dict.fromkeys(names))


# --- Reading tokens -----------------------------------------------------------------


def _error(text: str, position: int, reason: str, expected: str | None = None) -> NoReturn:
    raise LogsInsightsQueryError(text, position, reason, expected=expected)


def _operand_expected(tokens: list[Token]) -> bool:
    """Whether the next token is an operand: then ``/`` opens a regular expression.

    After a field, a number or a closing bracket, ``/`` divides
    (``@memorySize / 1000``); after an operator, an opening bracket, a comma, a
    pipe or ``like``/``not``/``and``/``or``/``in`` it starts a regex
    (``like /Exception/``). ``parse @message /(?<a>...)/`` reads a regex after
    the field it parses.
    """
    if not tokens:
        return True
    last = tokens[-1]
    if last.kind in (
        TokenKind.OPERATOR,
        TokenKind.OPEN,
        TokenKind.COMMA,
        TokenKind.PIPE,
        TokenKind.COLON,
    ):
        return True
    before = tokens[-2] if len(tokens) > 1 else None
    starts_stage = before is None or before.kind in (TokenKind.PIPE, TokenKind.OPEN)
    if last.kind is TokenKind.WORD:
        word = last.text.lower()
        if word in _BEFORE_OPERAND or (starts_stage and word in _COMMANDS_LOWER):
            return True
    if last.kind in (TokenKind.WORD, TokenKind.FIELD) and before is not None:
        earlier = tokens[-3] if len(tokens) > 2 else None
        head = earlier is None or earlier.kind in (TokenKind.PIPE, TokenKind.OPEN)
        return head and before.is_word("parse")
    return False


def _read_quoted(text: str, start: int, quote: str) -> int:
    """Return the position past the closing ``quote``; a backslash escapes any character."""
    pos = start + 1
    while pos < len(text):
        char = text[pos]
        if char == "\\":
            pos += 2
            continue
        if char == quote:
            return pos + 1
        pos += 1
    what = {"'": "string", '"': "string", "`": "field name"}[quote]
    _error(
        text,
        start,
        f"the {what} opened with {quote} at {_where(text, start)} is never closed; "
        f"close it with {quote} (write \\{quote} for a {quote} inside it)",
        expected=f"a closing {quote}",
    )


def _read_regex(text: str, start: int) -> int:
    """Return the position past the ``/`` that closes the regex opened at ``start``.

    ``\\/`` is a slash inside the regex, and so is a ``/`` inside ``[...]``.
    """
    pos = start + 1
    in_class = False
    while pos < len(text):
        char = text[pos]
        if char == "\\":
            pos += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "/":
            return pos + 1
        pos += 1
    _error(
        text,
        start,
        f"the regular expression opened with / at {_where(text, start)} is never closed; "
        "end it with / (write \\/ for a slash inside it)",
        expected="a closing /",
    )


def _read_parameter(text: str, start: int) -> int:
    end = text.find("}}", start + 2)
    if end < 0:
        _error(
            text,
            start,
            f"the query parameter opened with {{{{ at {_where(text, start)} is never closed",
            expected="}}",
        )
    name = text[start + 2 : end].strip()
    if not PARAMETER_NAME_RE.fullmatch(name):
        _error(
            text,
            start,
            f"{{{{{cut(name, 40)}}}}} is not a query parameter; a parameter is written "
            "{{name}}: a letter or underscore, then letters, digits and underscores",
        )
    return end + 2


def _read_number(text: str, start: int) -> int:
    pos = start
    while pos < len(text) and (text[pos] in _DIGITS or text[pos] == "."):
        pos += 1
    if pos < len(text) and text[pos] in "eE":
        exponent = pos + 1
        if exponent < len(text) and text[exponent] in "+-":
            exponent += 1
        if exponent < len(text) and text[exponent] in _DIGITS:
            pos = exponent
            while pos < len(text) and text[pos] in _DIGITS:
                pos += 1
    # A unit: 5m, 100ms, 1h in bin() and datefloor().
    while pos < len(text) and text[pos].isalpha():
        pos += 1
    return pos


def tokenize(text: str) -> list[Token]:
    """Split a query into tokens, leaving out blanks and comments.

    Raises
    ------
    LogsInsightsQueryError
        When a string, backtick field name, regular expression or query
        parameter is not closed.
    """
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        start = pos
        if char in _BLANKS:
            pos += 1
            continue
        if char == "#":
            newline = text.find("\n", pos)
            pos = len(text) if newline < 0 else newline
            continue
        if char in "'\"`":
            pos = _read_quoted(text, pos, char)
            kind = TokenKind.FIELD if char == "`" else TokenKind.STRING
        elif char == "/" and _operand_expected(tokens):
            pos = _read_regex(text, pos)
            kind = TokenKind.REGEX
        elif text.startswith("{{", pos):
            pos = _read_parameter(text, pos)
            kind = TokenKind.PARAMETER
        elif char in _DIGITS or (char == "." and pos + 1 < len(text) and text[pos + 1] in _DIGITS):
            pos = _read_number(text, pos)
            kind = TokenKind.NUMBER
        elif char in _WORD_START:
            while pos < len(text) and text[pos] in _WORD_CHARS:
                pos += 1
            kind = TokenKind.WORD
        elif text.startswith(_TWO_CHAR_OPERATORS, pos):
            pos += 2
            kind = TokenKind.OPERATOR
        else:
            pos += 1
            kind = {
                "(": TokenKind.OPEN,
                "[": TokenKind.OPEN,
                ")": TokenKind.CLOSE,
                "]": TokenKind.CLOSE,
                ",": TokenKind.COMMA,
                "|": TokenKind.PIPE,
                ":": TokenKind.COLON,
            }.get(char, TokenKind.OPERATOR if char in _ONE_CHAR_OPERATORS else TokenKind.OTHER)
        tokens.append(Token(kind, text[start:pos], start, pos))
    return tokens


def _where(text: str, position: int) -> str:
    """``line 2, column 5`` for a query of several lines, ``column 5`` for one line (1-based)."""
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"line {line}, column {column}" if "\n" in text else f"column {column}"


# --- Brackets, stages, commands -----------------------------------------------------


def _match_brackets(text: str, tokens: list[Token]) -> dict[int, int]:
    """Return the index of each opening bracket's closing one; raise on a mismatch."""
    matches: dict[int, int] = {}
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.kind is TokenKind.OPEN:
            stack.append(index)
        elif token.kind is TokenKind.CLOSE:
            if not stack:
                _error(
                    text,
                    token.start,
                    f"this {token.text} closes nothing; remove it or add the "
                    f"{_OPENING[token.text]} it closes",
                )
            opening = tokens[stack[-1]]
            if _CLOSING[opening.text] != token.text:
                _error(
                    text,
                    token.start,
                    f"expected {_CLOSING[opening.text]} to close the {opening.text} at "
                    f"{_where(text, opening.start)}, found {token.text}",
                    expected=_CLOSING[opening.text],
                )
            matches[stack.pop()] = index
    if stack:
        opening = tokens[stack[-1]]
        _error(
            text,
            opening.start,
            f"this {opening.text} is never closed; add a {_CLOSING[opening.text]}",
            expected=_CLOSING[opening.text],
        )
    return matches


def _is_subquery(tokens: list[Token], index: int) -> bool:
    """Whether the bracket at ``index`` opens a subquery: ``(SOURCE ...)``."""
    return (
        tokens[index].text == "("
        and index + 1 < len(tokens)
        and tokens[index + 1].is_word("source")
    )


def _stages(
    text: str, tokens: list[Token], lo: int, hi: int, matches: dict[int, int]
) -> list[Stage]:
    """Check the stages of tokens ``lo`` to ``hi`` (exclusive), in order, and return them."""
    if lo == hi:
        _error(text, 0, f"the query has no command; start with one of {_COMMAND_LIST}", "a command")
    pipes: list[int] = []
    index = lo
    while index < hi:
        token = tokens[index]
        if token.kind is TokenKind.PIPE:
            pipes.append(index)
        index = matches[index] + 1 if token.kind is TokenKind.OPEN else index + 1
    bounds = [lo - 1, *pipes, hi]
    stages: list[Stage] = []
    for first, last in pairwise(bounds):
        if first + 1 == last:
            _empty_stage(text, tokens, first, last, lo, hi)
        stages.append(_stage(text, tokens[first + 1 : last]))
        index = first + 1
        while index < last:
            if tokens[index].kind is TokenKind.OPEN:
                _inside(text, tokens, index, matches)
                index = matches[index]
            index += 1
    return stages


def _empty_stage(
    text: str, tokens: list[Token], first: int, last: int, lo: int, hi: int
) -> NoReturn:
    if first < lo:
        _error(text, tokens[last].start, "a query starts with a command, not with |", "a command")
    if last == hi:
        _error(
            text,
            tokens[first].start,
            "nothing follows this |; add a command after it or remove it",
            "a command",
        )
    _error(
        text,
        tokens[last].start,
        "no command between this | and the one before it; remove one of them",
        "a command",
    )


def _inside(text: str, tokens: list[Token], opening: int, matches: dict[int, int]) -> None:
    """Check what a bracket holds: a subquery's stages, or no ``|`` at all."""
    closing = matches[opening]
    if _is_subquery(tokens, opening):
        _stages(text, tokens, opening + 1, closing, matches)
        return
    index = opening + 1
    while index < closing:
        token = tokens[index]
        if token.kind is TokenKind.OPEN:
            _inside(text, tokens, index, matches)
            index = matches[index] + 1
            continue
        if token.kind is TokenKind.PIPE:
            _error(
                text,
                token.start,
                f"a | inside {tokens[opening].text}...{_CLOSING[tokens[opening].text]} "
                f"(opened at {_where(text, tokens[opening].start)}); a | separates commands, "
                "so close the bracket before it (only a subquery, (SOURCE ... | ...), holds |)",
            )
        index += 1


def _stage(text: str, tokens: list[Token]) -> Stage:
    head = tokens[0]
    if head.kind is not TokenKind.WORD:
        _error(
            text,
            head.start,
            f"expected a command ({_COMMAND_LIST}) at the start of this stage, "
            f"found {cut(head.text, 40)}",
            expected="a command",
        )
    command = _COMMANDS_LOWER.get(head.text.lower())
    if command is None:
        suggestion = limits.closest(head.text, COMMANDS)
        hint = f"did you mean {suggestion!r}? " if suggestion else ""
        _error(
            text,
            head.start,
            f"unknown command {cut(head.text, 40)!r}; {hint}Logs Insights QL commands: "
            f"{_COMMAND_LIST}",
            expected="a command",
        )
    stage = Stage(command, tuple(tokens))
    if command == "limit":
        _check_limit(text, stage)
    return stage


def _check_limit(text: str, stage: Stage) -> None:
    """``limit N`` or ``limit any N``, N a whole number from 1 to 100,000 (or ``{{name}}``)."""
    arguments = list(stage.tokens[1:])
    if arguments and arguments[0].is_word("any"):
        arguments = arguments[1:]
    if len(arguments) == 1:
        (value,) = arguments
        if value.kind is TokenKind.PARAMETER:
            return
        if value.text.isdigit() and 1 <= int(value.text) <= MAX_LIMIT:
            return
    where = arguments[0].start if arguments else stage.tokens[-1].end
    _error(
        text,
        where,
        f"limit takes one whole number of rows from 1 to {MAX_LIMIT:,} "
        "(limit 25, or limit any 25 to stop at the first 25 found)",
        expected="a number",
    )


def parse(text: str) -> LogsInsightsQuery:
    """Check a Logs Insights QL query and return its stages.

    Raises
    ------
    LogsInsightsQueryError
        With the query and a caret under the first problem found.
    """
    if len(text) > MAX_QUERY_LENGTH:
        _error(
            text,
            MAX_QUERY_LENGTH,
            f"the query is {len(text):,} characters long; a Logs Insights query is at most "
            f"{MAX_QUERY_LENGTH:,} (StartQuery and PutQueryDefinition queryString); "
            "the caret marks where the limit falls",
        )
    tokens = tokenize(text)
    matches = _match_brackets(text, tokens)
    return LogsInsightsQuery(text, tuple(_stages(text, tokens, 0, len(tokens), matches)))


def check_query(text: str) -> str | None:
    """Return the caret message when ``text`` is not a valid query, else None."""
    try:
        parse(text)
    except LogsInsightsQueryError as error:
        return str(error)
    return None


def log_group_count_problem(count: int) -> str | None:
    """Return what is wrong with a query reading ``count`` log groups, or None."""
    if count <= MAX_LOG_GROUPS:
        return None
    return (
        f"a query reads at most {MAX_LOG_GROUPS} log groups (StartQuery logGroupNames); "
        f"got {count}: split them across several saved queries"
    )


def standard_only_commands(query: LogsInsightsQuery) -> tuple[str, ...]:
    """The commands of ``query`` an Infrequent Access log group cannot run (see STANDARD_ONLY)."""
    used = (stage.command for stage in query.stages if stage.command in STANDARD_ONLY)
    return tuple(dict.fromkeys(used))


# --- Fields -------------------------------------------------------------------------


@dataclass
class _Names:
    """What the stages so far provide: fields (``as``, ``parse``) and join aliases."""

    fields: set[str]
    aliases: set[str]

    def provides(self, name: str) -> bool:
        if name.startswith("@") or name in self.fields:
            return True
        parts = name.split(".")
        prefixes = (".".join(parts[:i]) for i in range(1, len(parts)))
        return any(p in self.fields or p in self.aliases for p in prefixes)


# Options written name=value; the value of these names a new field or alias.
_OPTIONS: Final = {
    "join": {"type": None, "left": "alias", "right": "alias"},
    "addtotals": {"fieldname": "field", "row": None, "col": None},
}
# Commands whose arguments name no field of the events.
_NO_FIELDS: Final = frozenset({"SOURCE", "limit", "diff", "anomaly"})


def _top_level(tokens: tuple[Token, ...]) -> Iterator[tuple[int, Token]]:
    """Yield the tokens of a stage, with their index, leaving subqueries out."""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.text == "(" and index + 1 < len(tokens) and tokens[index + 1].is_word("source"):
            index = _after_group(tokens, index)
            continue
        yield index, token
        index += 1


def _after_group(tokens: tuple[Token, ...], opening: int) -> int:
    """Return the index just past the bracket that closes the one at ``opening``."""
    depth = 0
    index = opening
    while index < len(tokens):
        if tokens[index].kind is TokenKind.OPEN:
            depth += 1
        elif tokens[index].kind is TokenKind.CLOSE:
            depth -= 1
            if depth == 0:
                break
        index += 1
    return index + 1


def _stage_fields(stage: Stage, names: _Names) -> list[str]:
    """Add what ``stage`` provides to ``names``; return the fields it reads that are unknown."""
    if stage.command in _NO_FIELDS:
        return []
    tokens = stage.tokens
    if stage.command == "lookup":
        # lookup TABLE KEY OUTPUT a, b: its words name a table and its columns; they
        # are fields after it, never a field it reads that could be misspelt.
        names.fields.update(t.text for t in tokens[1:] if t.kind is TokenKind.WORD)
        return []
    options = _OPTIONS.get(stage.command, {})
    used: list[str] = []
    defined: set[str] = set()
    naming = False  # after parse's "as": every name is a new field
    skip: set[int] = {0}
    for index, token in _top_level(tokens):
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if index in skip:
            continue
        if token.kind is TokenKind.REGEX:
            defined.update(_NAMED_GROUP.findall(token.text))
            continue
        if token.kind is TokenKind.FIELD:
            name = token.text[1:-1]
        elif token.kind is TokenKind.WORD:
            name = token.text
            word = name.lower()
            if word in options and after is not None and after.text == "=":
                skip.update((index + 1, index + 2))
                value = tokens[index + 2] if index + 2 < len(tokens) else None
                if value is not None and options[word] == "alias":
                    names.aliases.add(value.text)
                elif value is not None and options[word] == "field":
                    defined.add(value.text)
                continue
            if word in ("as", "into"):
                naming = stage.command == "parse"
                if after is not None and after.kind in (TokenKind.WORD, TokenKind.FIELD):
                    skip.add(index + 1)
                    defined.add(after.text.strip("`"))
                continue
            if word in KEYWORDS or word == "where" or (after is not None and after.text == "("):
                continue  # a keyword, or a function: count(*), bin(5m), ispresent(x)
        else:
            continue
        if naming:
            defined.add(name)
        else:
            used.append(name)
    names.fields.update(defined)
    return [name for name in used if not names.provides(name)]


def unknown_fields(query: str | LogsInsightsQuery, known: Iterable[str] = ()) -> tuple[str, ...]:
    """Return the fields ``query`` reads that nothing known provides, in order of first use.

    A field is provided by ``known`` (the log group's fields; a known field
    ``http`` also provides ``http.status``), by an earlier part of the query
    (``parse ... as a, b``, a named group of a ``parse`` regex, an ``as`` alias,
    ``unnest ... into x``, a ``lookup`` column, a ``join`` alias ``api`` for
    ``api.requestId``), or is an ``@`` field that Logs Insights makes itself.
    Subqueries read other log groups and are left out.

    Raises
    ------
    LogsInsightsQueryError
        When ``query`` is text that is not a valid query.
    """
    parsed = query if isinstance(query, LogsInsightsQuery) else parse(query)
    names = _Names(fields=set(known), aliases=set())
    found: list[str] = []
    for stage in parsed.stages:
        found.extend(_stage_fields(stage, names))
    return tuple(dict.fromkeys(found))


def field_warning(query: str | LogsInsightsQuery, known: Iterable[str]) -> str | None:
    """Return a warning naming the fields :func:`unknown_fields` finds, or None.

    Only a warning: Logs Insights discovers the fields of JSON events by itself,
    so an unknown field may well be in the events; it may also be misspelt.
    """
    known = tuple(known)
    unknown = unknown_fields(query, known)
    if not unknown:
        return None
    shown = ", ".join(cut(name, 40) for name in unknown[:10])
    more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
    plural = "s" if len(unknown) > 1 else ""
    return (
        f"reads the field{plural} {shown}{more}, which neither the log group's fields "
        f"({', '.join(known) or 'none declared'}) nor a parse or alias in the query provide; "
        "Logs Insights finds JSON fields by itself, so check the spelling"
    )
