"""CloudWatch composite-alarm rules: parse, render, count and check ``AlarmRule`` text.

CloudWatch only checks a rule when PutCompositeAlarm runs, so a typo in a child's
name or a rule past a quota fails a deployment half-way. This module reads the
rule language offline.

Sources: the CloudWatch user guide page "Composite alarms" (sections "Rule
expressions", "Alarm references", "Syntax", "Example expressions"), the
PutCompositeAlarm API reference (``AlarmRule``) and the earlier user guide page
"Creating a composite alarm" (element counting).

Syntax
------
- ``ALARM(x)``, ``OK(x)``, ``INSUFFICIENT_DATA(x)``: ``x`` is an alarm name or ARN.
  "If specified without quotes, alarm names or ARNs must not contain spaces, round
  brackets, or commas"; here an unquoted name also stops at ``"`` and at any other
  whitespace character. "If specified within quotes, alarm names or ARNs that
  include double quotes must enclose the " using backslash escape": inside quotes
  ``\\"`` stands for ``"``. AWS documents no other escape; this module also reads
  ``\\\\`` as one backslash (as the filter-pattern parser does) so that a quoted
  name can end in a backslash, and keeps any other backslash as written.
- ``TRUE``, ``FALSE``.
- ``AT_LEAST(M, STATE, (a, b, ...))``: M a count (at least 1, at most the number of
  alarms listed) or a percentage from ``1%`` to ``100%`` (the ranges aws-cdk-lib's
  ``AtLeastThreshold`` enforces); STATE one of ALARM, OK, INSUFFICIENT_DATA, NOT
  ALARM, NOT OK, NOT INSUFFICIENT_DATA.
- ``NOT``, ``AND``, ``OR`` and parentheses. The documentation gives no precedence;
  this parser binds NOT tightest, then AND, then OR, the order of SQL and of most
  languages. ``render`` never relies on that order between AND and OR: it writes
  the parentheses.
- Keywords are upper case, as every AWS page and example writes them; a lower-case
  keyword is an error that says so. Blanks between tokens are optional.

Examples
--------
>>> rule = parse("ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)")
>>> references(rule)
('CPUUtilizationTooHigh', 'DeploymentInProgress')
>>> render(substitute(rule, {"DeploymentInProgress": "Deploying now"}))
'ALARM(CPUUtilizationTooHigh) AND NOT ALARM("Deploying now")'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias, get_args

from observability_blueprint.rules import arns
from observability_blueprint.rules.errors import cut
from observability_blueprint.rules.limits import closest
from observability_blueprint.rules.text_syntax import TextSyntaxError, expect_quoted

__all__ = [
    "ALARM_RULE_MAX_LENGTH",
    "AT_LEAST_STATES",
    "CHILDREN_SAME_PLACE",
    "CHILD_ALARMS_MAX",
    "ELEMENTS_MAX",
    "STATES",
    "AlarmRuleError",
    "And",
    "AtLeast",
    "AtLeastState",
    "Constant",
    "Not",
    "Or",
    "Rule",
    "State",
    "StateRef",
    "check_rule",
    "element_count",
    "find_cycles",
    "is_alarm_arn",
    "parse",
    "quieted_alarms",
    "references",
    "render",
    "substitute",
    "worst_case_alarm_arn_length",
]

State: TypeAlias = Literal["ALARM", "OK", "INSUFFICIENT_DATA"]
AtLeastState: TypeAlias = Literal[
    "ALARM", "OK", "INSUFFICIENT_DATA", "NOT ALARM", "NOT OK", "NOT INSUFFICIENT_DATA"
]
STATES: Final[tuple[State, ...]] = get_args(State)
AT_LEAST_STATES: Final[tuple[AtLeastState, ...]] = get_args(AtLeastState)

# botocore `cloudwatch` model, shape AlarmRule: "max": 10240.
ALARM_RULE_MAX_LENGTH: Final = 10_240
# PutCompositeAlarm AlarmRule: "as many as 100 'children' alarms" and "as many as
# 500 elements".
CHILD_ALARMS_MAX: Final = 100
ELEMENTS_MAX: Final = 500

# The longest partition and the longest region name (botocore endpoints data; a
# test keeps them current). A blueprint stack is region-agnostic until deployed,
# so the ARN that replaces a name is only known to be at most this long.
LONGEST_PARTITION: Final = "aws-us-gov"
LONGEST_REGION: Final = "us-isof-south-1"
_ACCOUNT_ID_LENGTH: Final = 12

# Deeper nesting than this is surely a mistake, and the limit keeps the parser
# and every walk over the tree far from Python's recursion limit.
MAX_NESTING: Final = 100

_BLANKS: Final = " \t\n\r\f\v"
# Characters that end an unquoted name: AWS's spaces, round brackets and commas,
# plus the quote that would start a quoted one.
_NAME_STOPS: Final = frozenset(_BLANKS + '(),"')
_WORD: Final = re.compile(r"[A-Za-z0-9_]+")
_DIGITS: Final = re.compile(r"[0-9]+")
_KEYWORDS: Final = ("AND", "OR", "NOT", "TRUE", "FALSE", "AT_LEAST", *STATES)
_FUNCTIONS: Final = ("AT_LEAST", *STATES)
_OPERAND: Final = (
    "ALARM(...), OK(...), INSUFFICIENT_DATA(...), AT_LEAST(...), TRUE, FALSE, NOT or ("
)
_THRESHOLD: Final = "a threshold: a count such as 2 or a percentage such as 50%"
_STATE_CHOICES: Final = (
    "a state: ALARM, OK, INSUFFICIENT_DATA, NOT ALARM, NOT OK or NOT INSUFFICIENT_DATA"
)
_QUOTE_HINT: Final = "; a name with spaces, round brackets or commas goes in double quotes"


class AlarmRuleError(TextSyntaxError):
    """An ``AlarmRule`` that does not follow the composite-alarm rule syntax.

    The message shows the rule with a caret under the offending column::

        expected ')' to close ALARM( at column 0
          ALARM(CPUHigh
                       ^

    ``rule`` is the rule text as given; ``position``, ``reason`` and ``expected``
    are those of :class:`TextSyntaxError`.
    """

    @property
    def rule(self) -> str:
        """The rule text as given."""
        return self.text


# --- The tree -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StateRef:
    """``ALARM(x)``, ``OK(x)`` or ``INSUFFICIENT_DATA(x)``: one child alarm in one state.

    Parameters
    ----------
    state
        ``"ALARM"``, ``"OK"`` or ``"INSUFFICIENT_DATA"``.
    alarm
        The child's alarm name or ARN, unescaped.
    quoted
        Whether ``render`` writes the name in double quotes. Always True for a name
        that cannot be written bare (spaces, round brackets, commas, quotes), so that
        two equal rules render alike.
    """

    state: State
    alarm: str
    quoted: bool = False

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"state must be one of {', '.join(STATES)}; got {cut(self.state)!r}")
        _check_name(self.alarm)
        if not self.quoted and _needs_quotes(self.alarm):
            object.__setattr__(self, "quoted", True)


@dataclass(frozen=True, slots=True)
class Constant:
    """``TRUE`` or ``FALSE``."""

    value: bool


@dataclass(frozen=True, slots=True)
class AtLeast:
    """``AT_LEAST(M, STATE, (a, b, ...))``: at least M (or M percent) of the alarms in STATE.

    Parameters
    ----------
    threshold
        The count (1 to ``len(alarms)``) or, with ``percent``, the percentage (1 to 100).
    percent
        Whether ``threshold`` is a percentage (``50%``).
    state
        One of ``AT_LEAST_STATES``, e.g. ``"ALARM"`` or ``"NOT OK"``.
    alarms
        Alarm names or ARNs, unescaped, in the order written.
    quoted
        Whether ``render`` writes every name in double quotes; always True when one
        of the names cannot be written bare.
    """

    threshold: int
    percent: bool
    state: AtLeastState
    alarms: tuple[str, ...]
    quoted: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "alarms", tuple(self.alarms))
        if self.state not in AT_LEAST_STATES:
            raise ValueError(
                f"state must be one of {', '.join(AT_LEAST_STATES)}; got {cut(self.state)!r}"
            )
        if not self.alarms:
            raise ValueError("AT_LEAST needs at least one alarm")
        for alarm in self.alarms:
            _check_name(alarm)
        problem = _threshold_problem(self.threshold, self.percent, len(self.alarms))
        if problem:
            raise ValueError(problem)
        if not self.quoted and any(_needs_quotes(alarm) for alarm in self.alarms):
            object.__setattr__(self, "quoted", True)


@dataclass(frozen=True, slots=True)
class Not:
    """``NOT operand``."""

    operand: Rule


@dataclass(frozen=True, slots=True)
class And:
    """Two or more operands joined by ``AND``.

    A chain ``a AND b AND c`` is one ``And`` of three; ``a AND (b AND c)`` keeps its
    parentheses as a nested ``And``, because parentheses count towards the quota.
    """

    operands: tuple[Rule, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "operands", tuple(self.operands))
        if len(self.operands) < 2:
            raise ValueError("AND joins at least two operands")


@dataclass(frozen=True, slots=True)
class Or:
    """Two or more operands joined by ``OR``; nested like ``And``."""

    operands: tuple[Rule, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "operands", tuple(self.operands))
        if len(self.operands) < 2:
            raise ValueError("OR joins at least two operands")


Rule: TypeAlias = StateRef | Constant | AtLeast | Not | And | Or


def _check_name(alarm: str) -> None:
    # botocore `cloudwatch` model, shape AlarmName: "min": 1.
    if not alarm:
        raise ValueError("an alarm name or ARN cannot be empty")


def _needs_quotes(alarm: str) -> bool:
    return any(char in _NAME_STOPS or char.isspace() for char in alarm)


def _threshold_problem(threshold: int, percent: bool, alarms: int | None) -> str | None:
    """Say what is wrong with a threshold; ``alarms`` None skips the comparison with the list."""
    if percent and not 1 <= threshold <= 100:
        return f"an AT_LEAST percentage is from 1% to 100%; got {threshold}%"
    if not percent and threshold < 1:
        return f"an AT_LEAST count is at least 1; got {threshold}"
    if not percent and alarms is not None and threshold > alarms:
        # aws-cdk-lib refuses it too: such a rule can never be true.
        return (
            f"AT_LEAST({threshold}, ...) can never be true:"
            f" its list holds {alarms} alarm{'s' if alarms != 1 else ''}"
        )
    return None


# --- Parsing --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Parsed:
    """A parsed rule and what the text shows beyond the tree."""

    rule: Rule
    # Pairs of parentheses written for grouping (not those of a function call).
    groups: int
    # Every alarm reference, in order, duplicates included.
    names: tuple[str, ...]


def parse(text: str) -> Rule:
    """Parse an ``AlarmRule`` into its tree.

    Parameters
    ----------
    text
        The rule, as it would be given to PutCompositeAlarm.

    Returns
    -------
    Rule
        The tree; ``AND`` and ``OR`` chains become one n-ary node each.

    Raises
    ------
    AlarmRuleError
        When the text does not follow the rule syntax; the message points at the column.

    Examples
    --------
    >>> parse('AT_LEAST(2, ALARM, (a, "b c")) OR TRUE')
    Or(operands=(AtLeast(threshold=2, percent=False, state='ALARM', alarms=('a', 'b c'), \
quoted=True), Constant(value=True)))
    """
    return _Parser(text).parse().rule


class _Parser:
    """Recursive descent over the rule text, one method per grammar rule."""

    __slots__ = ("groups", "names", "pos", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.groups = 0
        self.names: list[str] = []

    def parse(self) -> _Parsed:
        self.skip()
        if self.at_end():
            raise self.expected(_OPERAND, reason="an AlarmRule cannot be empty; expected")
        rule = self.or_chain(0)
        self.skip()
        if not self.at_end():
            if self.peek() == ")":
                raise self.error(
                    "this ')' closes no '('", expected="AND, OR or the end of the rule"
                )
            raise self.expected_operator("the end of the rule")
        return _Parsed(rule, self.groups, tuple(self.names))

    # Grammar: or_chain := and_chain (OR and_chain)*; and_chain := unary (AND unary)*;
    # unary := NOT* primary.

    def or_chain(self, depth: int) -> Rule:
        parts = [self.and_chain(depth)]
        while self.keyword("OR"):
            parts.append(self.and_chain(depth))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_chain(self, depth: int) -> Rule:
        parts = [self.unary(depth)]
        while self.keyword("AND"):
            parts.append(self.unary(depth))
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self, depth: int) -> Rule:
        # A loop, not recursion, so that a long NOT chain cannot exhaust the stack.
        negations = 0
        while True:
            self.skip()
            at = self.pos
            if not self.keyword("NOT"):
                break
            negations += 1
            if depth + negations > MAX_NESTING:
                raise self.error(
                    f"NOT and parentheses nest deeper than {MAX_NESTING} levels", at=at
                )
        rule = self.primary(depth + negations)
        for _ in range(negations):
            rule = Not(rule)
        return rule

    def primary(self, depth: int) -> Rule:
        self.skip()
        start = self.pos
        if self.at_end():
            raise self.expected(_OPERAND)
        if self.peek() == "(":
            return self.group(depth)
        match = _WORD.match(self.text, self.pos)
        if match is None:
            raise self.expected(_OPERAND)
        word = match.group()
        self.pos = match.end()
        if word in ("TRUE", "FALSE"):
            return Constant(word == "TRUE")
        if word in STATES:
            return self.state_function(word, start)
        if word == "AT_LEAST":
            return self.at_least(start)
        raise self.unexpected_word(word, start)

    def group(self, depth: int) -> Rule:
        opening = self.pos
        if depth >= MAX_NESTING:
            raise self.error(f"NOT and parentheses nest deeper than {MAX_NESTING} levels")
        self.pos += 1
        inner = self.or_chain(depth + 1)
        self.skip()
        if self.peek() != ")":
            raise self.expected_operator(f"')' to close the '(' at column {opening}")
        self.pos += 1
        self.groups += 1
        return inner

    def state_function(self, state: State, start: int) -> StateRef:
        self.skip()
        if self.peek() != "(":
            raise self.expected(f"'(' after {state}")
        self.pos += 1
        name, quoted = self.alarm_name()
        self.skip()
        if self.peek() != ")":
            raise self.unclosed(f"')' to close {state}( at column {start}")
        self.pos += 1
        return StateRef(state, name, quoted)

    def at_least(self, start: int) -> AtLeast:
        self.skip()
        if self.peek() != "(":
            raise self.expected("'(' after AT_LEAST")
        self.pos += 1
        self.skip()
        threshold_at = self.pos
        digits = _DIGITS.match(self.text, self.pos)
        if digits is None:
            raise self.expected(_THRESHOLD)
        self.pos = digits.end()
        percent = self.peek() == "%"
        if percent:
            self.pos += 1
        # Python refuses to convert very long digit strings, and no such threshold fits.
        if len(digits.group()) > 6:
            raise self.error(f"AT_LEAST threshold {digits.group()} is too large", at=threshold_at)
        threshold = int(digits.group())
        if problem := _threshold_problem(threshold, percent, alarms=None):
            raise self.error(problem, at=threshold_at)
        self.comma("after the AT_LEAST threshold")
        state = self.at_least_state()
        self.comma("after the AT_LEAST state")
        if self.peek() != "(":
            raise self.expected("'(' to open the AT_LEAST list of alarms")
        list_at = self.pos
        self.pos += 1
        alarms: list[str] = []
        quoted = False
        while True:
            name, name_quoted = self.alarm_name()
            alarms.append(name)
            quoted = quoted or name_quoted
            self.skip()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() == ")":
                self.pos += 1
                break
            else:
                raise self.unclosed(f"',' or ')' in the AT_LEAST list at column {list_at}")
        self.skip()
        if self.peek() != ")":
            raise self.expected(f"')' to close AT_LEAST( at column {start}")
        self.pos += 1
        if problem := _threshold_problem(threshold, percent, len(alarms)):
            raise self.error(problem, at=threshold_at)
        return AtLeast(threshold, percent, state, tuple(alarms), quoted)

    def at_least_state(self) -> AtLeastState:
        self.skip()
        start = self.pos
        words: list[str] = []
        while len(words) < 2 and (match := _WORD.match(self.text, self.pos)) is not None:
            words.append(match.group())
            self.pos = match.end()
            if words[0].upper() != "NOT":
                break
            self.skip()
        written = " ".join(words)
        for state in AT_LEAST_STATES:
            if state == written:
                return state
        hint = ""
        if written.upper() in AT_LEAST_STATES:
            hint = f"; keywords are upper case: write {written.upper()}"
        raise AlarmRuleError(
            self.text, start, f"expected {_STATE_CHOICES}{hint}", expected=_STATE_CHOICES
        )

    def alarm_name(self) -> tuple[str, bool]:
        """Read a quoted or bare alarm name or ARN; return it unescaped and whether quoted."""
        self.skip()
        start = self.pos
        if self.peek() == '"':
            name = self.quoted_name()
            if not name:
                raise self.error("an alarm name or ARN cannot be empty", at=start)
            self.names.append(name)
            return name, True
        text = self.text
        pos = start
        while pos < len(text) and text[pos] not in _NAME_STOPS and not text[pos].isspace():
            pos += 1
        if pos == start:
            raise self.expected("an alarm name or ARN")
        self.pos = pos
        name = text[start:pos]
        self.names.append(name)
        return name, False

    def quoted_name(self) -> str:
        content, self.pos = expect_quoted(
            self.text, self.pos, error=AlarmRuleError, what="alarm name"
        )
        return content

    # --- helpers ---

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self) -> str:
        return self.text[self.pos : self.pos + 1]

    def skip(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _BLANKS:
            pos += 1
        self.pos = pos

    def keyword(self, word: str) -> bool:
        """Consume ``word`` when it is the next whole word."""
        self.skip()
        match = _WORD.match(self.text, self.pos)
        if match is not None and match.group() == word:
            self.pos = match.end()
            return True
        return False

    def comma(self, where: str) -> None:
        self.skip()
        if self.peek() != ",":
            raise self.expected(f"',' {where}")
        self.pos += 1
        self.skip()

    def error(
        self, reason: str, *, at: int | None = None, expected: str | None = None
    ) -> AlarmRuleError:
        return AlarmRuleError(self.text, self.pos if at is None else at, reason, expected=expected)

    def expected(self, what: str, *, reason: str = "expected") -> AlarmRuleError:
        return AlarmRuleError(self.text, self.pos, f"{reason} {what}", expected=what)

    def expected_operator(self, closing: str) -> AlarmRuleError:
        """After an operand: only AND, OR or ``closing`` may follow."""
        what = f"AND, OR or {closing}"
        match = _WORD.match(self.text, self.pos)
        hint = ""
        if match is not None:
            word = match.group()
            if word.upper() in ("AND", "OR", "NOT") and word != word.upper():
                hint = f"; keywords are upper case: write {word.upper()}"
            elif word == "NOT":
                hint = "; NOT negates the operand after it: write AND NOT or OR NOT"
        return AlarmRuleError(self.text, self.pos, f"expected {what}{hint}", expected=what)

    def unclosed(self, what: str) -> AlarmRuleError:
        """A name is not followed by its closing bracket: maybe a bare name with a space."""
        hint = "" if self.at_end() else _QUOTE_HINT
        return AlarmRuleError(self.text, self.pos, f"expected {what}{hint}", expected=what)

    def unexpected_word(self, word: str, start: int) -> AlarmRuleError:
        self.skip()
        call = self.peek() == "("
        if word in ("AND", "OR"):
            reason = f"expected {_OPERAND} before {word}"
        elif word.upper() in _KEYWORDS:
            reason = f"expected {_OPERAND}; keywords are upper case: write {word.upper()}"
        elif call:
            guess = closest(word, _FUNCTIONS)
            hint = f"; did you mean {guess}?" if guess else ""
            reason = f"unknown function {word}{hint} (functions: {', '.join(_FUNCTIONS)})"
        else:
            reason = (
                f"expected {_OPERAND}; an alarm name goes inside ALARM(...), OK(...)"
                " or INSUFFICIENT_DATA(...)"
            )
        return AlarmRuleError(self.text, start, reason, expected=_OPERAND)


# --- Rendering ------------------------------------------------------------------------


def render(rule: Rule) -> str:
    """Write a rule as ``AlarmRule`` text.

    Names are quoted when the tree says so (``quoted``), which it always does for a
    name with spaces, round brackets, commas or quotes. Parentheses are written only
    where the tree needs them, with one exception: an ``AND`` inside an ``OR`` is
    always parenthesized, because AWS documents no precedence between the two.
    ``NOT`` of anything but a single function or constant is parenthesized too.

    Parameters
    ----------
    rule
        The tree to write.

    Returns
    -------
    str
        Text that ``parse`` reads back as an equal tree.

    Examples
    --------
    >>> render(Or((And((StateRef("ALARM", "a"), StateRef("OK", "b"))), Constant(False))))
    '(ALARM(a) AND OK(b)) OR FALSE'
    """
    if isinstance(rule, StateRef):
        return f"{rule.state}({_write_name(rule.alarm, rule.quoted)})"
    if isinstance(rule, Constant):
        return "TRUE" if rule.value else "FALSE"
    if isinstance(rule, AtLeast):
        threshold = f"{rule.threshold}{'%' if rule.percent else ''}"
        alarms = ", ".join(_write_name(alarm, rule.quoted) for alarm in rule.alarms)
        return f"AT_LEAST({threshold}, {rule.state}, ({alarms}))"
    if isinstance(rule, Not):
        operand = render(rule.operand)
        if isinstance(rule.operand, StateRef | Constant | AtLeast):
            return f"NOT {operand}"
        # NOT NOT x is not in any AWS example; NOT (NOT x) is plainly valid.
        return f"NOT ({operand})"
    joiner = " AND " if isinstance(rule, And) else " OR "
    return joiner.join(
        f"({render(operand)})" if isinstance(operand, And | Or) else render(operand)
        for operand in rule.operands
    )


def _write_name(alarm: str, quoted: bool) -> str:
    if not quoted:
        return alarm
    # A backslash is doubled only where the parser would otherwise take it as the
    # start of an escape (before a quote, a backslash or the closing quote), so that
    # names without such runs are written exactly as AWS documents.
    out: list[str] = []
    for index, char in enumerate(alarm):
        if char == '"':
            out.append('\\"')
        elif char == "\\" and (index + 1 == len(alarm) or alarm[index + 1] in '"\\'):
            out.append("\\\\")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# --- Walking the tree -----------------------------------------------------------------


def _walk(rule: Rule) -> Iterator[Rule]:
    """Yield every node, parents before children, left to right."""
    yield rule
    if isinstance(rule, Not):
        yield from _walk(rule.operand)
    elif isinstance(rule, And | Or):
        for operand in rule.operands:
            yield from _walk(operand)


def references(rule: Rule) -> tuple[str, ...]:
    """Return the alarm names and ARNs a rule refers to, in order of first appearance.

    Parameters
    ----------
    rule
        A parsed or built rule.

    Returns
    -------
    tuple[str, ...]
        Each name or ARN once.
    """
    found: dict[str, None] = {}
    for node in _walk(rule):
        if isinstance(node, StateRef):
            found.setdefault(node.alarm)
        elif isinstance(node, AtLeast):
            for alarm in node.alarms:
                found.setdefault(alarm)
    return tuple(found)


def element_count(rule: Rule | str) -> int:
    """Count a rule's elements as the 500-element quota counts them.

    "Elements are child alarms, TRUE or FALSE statements, and parentheses. A pair
    of parentheses counts as one element" (user guide, "Creating a composite
    alarm"). Read here as: one per alarm reference (a state function, or a name in
    an ``AT_LEAST`` list), one per ``TRUE`` or ``FALSE``, one per pair of grouping
    parentheses, and one for the parentheses around an ``AT_LEAST`` list. The
    brackets of a function call belong to its reference; operators are not counted.
    AWS does not say how ``AT_LEAST`` counts, so its list brackets are counted to
    err on the high side.

    Parameters
    ----------
    rule
        Rule text, whose parentheses are counted as written, or a tree, counted as
        ``render`` writes it.

    Returns
    -------
    int
        The number of elements.

    Raises
    ------
    AlarmRuleError
        When ``rule`` is text that does not parse.
    """
    parsed = _Parser(rule if isinstance(rule, str) else render(rule)).parse()
    return _elements(parsed)


def _elements(parsed: _Parsed) -> int:
    count = parsed.groups
    for node in _walk(parsed.rule):
        if isinstance(node, StateRef | Constant):
            count += 1
        elif isinstance(node, AtLeast):
            count += len(node.alarms) + 1
    return count


def substitute(rule: Rule, mapping: Mapping[str, str]) -> Rule:
    """Replace alarm references, e.g. a blueprint's alarm names by their ARNs.

    Parameters
    ----------
    rule
        The rule to rewrite.
    mapping
        Old name or ARN to new; references not in it are kept.

    Returns
    -------
    Rule
        A new tree; quoting follows the original where the new name allows it.
    """
    if isinstance(rule, StateRef):
        return StateRef(rule.state, mapping.get(rule.alarm, rule.alarm), rule.quoted)
    if isinstance(rule, AtLeast):
        alarms = tuple(mapping.get(alarm, alarm) for alarm in rule.alarms)
        return AtLeast(rule.threshold, rule.percent, rule.state, alarms, rule.quoted)
    if isinstance(rule, Not):
        return Not(substitute(rule.operand, mapping))
    if isinstance(rule, And):
        return And(tuple(substitute(operand, mapping) for operand in rule.operands))
    if isinstance(rule, Or):
        return Or(tuple(substitute(operand, mapping) for operand in rule.operands))
    return rule


# --- Checks ---------------------------------------------------------------------------


def _alarm_arn(reference: str) -> arns.Arn | None:
    """The parsed ARN when ``reference`` is an alarm's, with its Region and account."""
    if not reference.startswith("arn:"):
        return None
    try:
        arn = arns.parse_arn(reference)
    except arns.ArnError:
        return None
    if not (arns.CLOUDWATCH_ALARM.matches(arn) and arn.region and arn.account):
        return None
    return arn if arns.CLOUDWATCH_ALARM.id_problem(arn) is None else None


def is_alarm_arn(reference: str) -> bool:
    """Return True for an alarm ARN, ``arn:PARTITION:cloudwatch:REGION:ACCOUNT:alarm:NAME``."""
    return _alarm_arn(reference) is not None


def worst_case_alarm_arn_length(name: str) -> int:
    """Return the longest an alarm's ARN can be, in any partition and region.

    The stack's partition and region are unknown until deployment (an ARN from
    ``Fn::GetAtt`` resolves then), so the longest partition (``aws-us-gov``) and
    the longest region name (``us-isof-south-1``) are combined, even though they
    belong to different partitions: an upper bound is what a length check needs.

    Parameters
    ----------
    name
        The alarm name.

    Returns
    -------
    int
        ``len("arn:aws-us-gov:cloudwatch:us-isof-south-1:123456789012:alarm:") + len(name)``.
    """
    prefix = f"arn:{LONGEST_PARTITION}:cloudwatch:{LONGEST_REGION}:"
    return len(prefix) + _ACCOUNT_ID_LENGTH + len(":alarm:") + len(name)


def check_rule(
    rule_text: str,
    *,
    known: Collection[str] | None = None,
    own_name: str | None = None,
    arn_length: int | Callable[[str], int] = 0,
    place: arns.Place | None = None,
) -> list[str]:
    """Find what PutCompositeAlarm would reject in a rule, or what would break it.

    Parameters
    ----------
    rule_text
        The rule as written.
    known
        Names of the alarms the rule may refer to; None skips the check. Alarm ARNs
        are always accepted.
    own_name
        The composite alarm's own name: a rule that refers to it (by name or by an
        ARN ending in it) is reported. None skips the check.
    arn_length
        How long each name becomes once replaced by its ARN, for the length quota:
        0 measures the text as written; a number is the ARN length for every name;
        a function such as ``worst_case_alarm_arn_length`` is called with each name.
        References that are ARNs already are measured as written.
    place
        The composite alarm's partition, Region and account: an alarm it refers to
        by ARN must be in the same ones. None skips the check.

    Returns
    -------
    list[str]
        One sentence per problem, empty when the rule is fine. A syntax error is the
        only problem reported for text that does not parse.
    """
    try:
        parsed = _Parser(rule_text).parse()
    except AlarmRuleError as error:
        return [str(error)]
    problems: list[str] = []
    children = references(parsed.rule)
    problems += _arn_problems(children, place)
    if known is not None:
        choices = sorted(set(known) - {own_name})
        allowed = set(choices) | {own_name}
        for child in children:
            if child in allowed or child.startswith("arn:"):
                continue
            guess = closest(child, choices)
            hint = f" (did you mean {guess!r}?)" if guess else ""
            problems.append(
                f"unknown alarm {cut(child)!r}{hint}: name an alarm of this blueprint "
                f"({_listed(choices)}) or give an alarm ARN"
            )
    if own_name is not None and any(
        own_name in (child, _arn_alarm_name(child)) for child in children
    ):
        problems.append(
            f"the rule refers to its own alarm {cut(own_name)!r}: a composite alarm cannot watch "
            "itself"
        )
    if len(children) > CHILD_ALARMS_MAX:
        problems.append(
            f"the rule refers to {len(children)} alarms; a composite alarm watches at most"
            f" {CHILD_ALARMS_MAX}: group some of them under another composite alarm"
        )
    elements = _elements(parsed)
    if elements > ELEMENTS_MAX:
        problems.append(
            f"the rule has {elements} elements (alarm references, TRUE, FALSE and pairs of"
            f" parentheses); AlarmRule allows at most {ELEMENTS_MAX}"
        )
    length = _deployed_length(rule_text, parsed.names, arn_length)
    if length > ALARM_RULE_MAX_LENGTH:
        measured = "" if arn_length == 0 else " once alarm names are replaced by their ARNs"
        problems.append(
            f"the rule is {length:,} characters long{measured}; AlarmRule allows at most"
            f" {ALARM_RULE_MAX_LENGTH:,}: shorten alarm names or split the rule"
        )
    return problems


def _listed(names: list[str], most: int = 10) -> str:
    if not names:
        return "there are none"
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most} more"


def _arn_alarm_name(reference: str) -> str | None:
    arn = _alarm_arn(reference)
    return arn.resource_id if arn else None


# "In a composite alarm, all underlying alarms must be in the same AWS Region and the
# same account":
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html
CHILDREN_SAME_PLACE: Final = "a composite alarm watches only alarms of its own Region and account"
"""Why the alarms a composite alarm refers to must be in its Region and account."""


def _arn_problems(children: Collection[str], place: arns.Place | None) -> list[str]:
    """What is wrong with the references that are ARNs: not an alarm's, or elsewhere."""
    problems: list[str] = []
    for child in children:
        if not child.startswith("arn:"):
            continue
        message = arns.arn_problem(
            child,
            [arns.CLOUDWATCH_ALARM],
            place=place,
            same_region=CHILDREN_SAME_PLACE,
            same_account=CHILDREN_SAME_PLACE,
        )
        if message is None and not is_alarm_arn(child):
            message = (
                f"{arns.shown(child)} names no Region or account; an alarm ARN is "
                f"{arns.CLOUDWATCH_ALARM.form}"
            )
        if message:
            problems.append(message)
    return problems


def _deployed_length(
    text: str, names: tuple[str, ...], arn_length: int | Callable[[str], int]
) -> int:
    # Each name keeps its quotes and escapes and gains the ARN prefix, which holds
    # neither quotes nor backslashes, so only the difference in length matters.
    if arn_length == 0:
        return len(text)
    length = len(text)
    for name in names:
        if is_alarm_arn(name):
            continue
        length += (arn_length(name) if callable(arn_length) else arn_length) - len(name)
    return length


def find_cycles(graph: Mapping[str, Collection[str]], *, limit: int = 100) -> list[tuple[str, ...]]:
    """Find the cycles among composite alarms.

    CloudWatch accepts a cycle of composite alarms, then stops evaluating it, and
    none of its alarms can be deleted until the cycle is broken (PutCompositeAlarm).

    Parameters
    ----------
    graph
        Each composite alarm's name mapped to the names of its children. Children
        that are not keys (metric alarms) cannot be on a cycle.
    limit
        Stop after this many cycles: a dense graph has exponentially many, and the
        first ones are enough to report.

    Returns
    -------
    list[tuple[str, ...]]
        Each elementary cycle once, starting and ending at its smallest name, e.g.
        ``("a", "b", "a")``; sorted.

    Examples
    --------
    >>> find_cycles({"a": ["b"], "b": ["a", "c"], "c": ["c"], "d": ["a"]})
    [('a', 'b', 'a'), ('c', 'c')]
    """
    nodes = sorted(graph)
    edges = {node: sorted({child for child in graph[node] if child in graph}) for node in nodes}
    cycles: list[tuple[str, ...]] = []
    # Cycles through `start` whose other nodes all sort after it, as in Johnson's
    # algorithm: each cycle is found once, from its smallest node.
    parents: dict[str, list[str]] = {}
    for node in nodes:
        for child in edges[node]:
            parents.setdefault(child, []).append(node)
    for start in nodes:
        allowed = _reach(start, edges) & _reach(start, parents)
        path = [start]
        stack = [iter(edges[start])]
        while stack:
            for child in stack[-1]:
                if child == start:
                    cycles.append((*path, start))
                    if len(cycles) >= limit:
                        return sorted(cycles)
                elif child in allowed and child not in path:
                    path.append(child)
                    stack.append(iter(edges[child]))
                    break
            else:
                stack.pop()
                path.pop()
    return sorted(cycles)


def _reach(start: str, edges: Mapping[str, list[str]]) -> set[str]:
    """Nodes sorting after ``start`` reachable from it through such nodes only."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for child in edges.get(todo.pop(), []):
            if child > start and child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def quieted_alarms(
    children: Mapping[str, Collection[str]],
    *,
    speaking: Collection[str],
    keep_children: Collection[str] = (),
) -> set[str]:
    """Return the alarms a notifying composite alarm speaks for: all its descendants.

    Noise control: when a composite alarm notifies, the alarms below it should not
    page next to it, whether they are its children or sit further down (a child
    composite's children). A composite in ``keep_children`` lets its own children
    keep their actions, so the walk does not go below it (it stays quiet itself
    when a composite above speaks for it).

    Parameters
    ----------
    children
        Each composite alarm's name mapped to the names of the alarms its rule
        refers to (other names, such as metric alarms, have no children).
    speaking
        The composite alarms that notify and speak for the alarms below them.
    keep_children
        Composite alarms whose children keep their own actions.

    Returns
    -------
    set[str]
        Every alarm below a speaking composite, through composites that do not keep
        their children's actions. Cycles are walked once.

    Examples
    --------
    >>> sorted(quieted_alarms({"top": ["mid", "a"], "mid": ["b"]}, speaking=["top"]))
    ['a', 'b', 'mid']
    """
    kept = set(keep_children)
    quiet: set[str] = set()
    todo = [name for name in speaking if name not in kept]
    walked: set[str] = set()
    while todo:
        name = todo.pop()
        if name in walked:
            continue
        walked.add(name)
        for child in children.get(name, ()):
            quiet.add(child)
            if child not in kept:
                todo.append(child)
    return quiet
