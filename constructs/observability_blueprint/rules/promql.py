"""PromQL expressions parsed offline, with a caret under the error.

Pure module: no aws_cdk, pydantic or yaml import. Amazon Managed Service for
Prometheus reads a rule's expression only when it evaluates it, and a Grafana
panel's query only when someone opens the dashboard: a typo deploys fine. This
module parses each expression with ``promql-parser`` (the Python binding of
GreptimeTeam's Rust PromQL parser, which states compliance with Prometheus
2.45) before anything ships.

The parser raises a bare ``ValueError`` without a position, so the column is
found by parsing prefixes of the expression (a parse takes microseconds):

- a lexical or type error (``unexpected character``, ``bad number or duration``,
  ``unknown function``, ``expected type matrix``...) is at the end of the
  shortest prefix that fails with the same message;
- an expression that stops too early (``invalid promql query``, ``unexpected end
  of input``) is located after the longest prefix that parses: the caret goes
  under the first token that cannot follow it, or past the end when adding an
  operand would complete the expression;
- an unclosed ``(`` is found by matching brackets outside strings.

promql-parser reads Prometheus 3's PromQL, while Amazon Managed Service for
Prometheus documents PromQL only by pointing at Prometheus' own pages, with no
version and no feature flags ("For details about PromQL and its syntax, see
Querying Prometheus in the Prometheus documentation",
https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-onboard-query-APIs.html;
rule files have "the same format as a rules file in standalone Prometheus",
https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-Ruler.html). So what
needs more than Prometheus 2's stable language is refused after the parse:

- the experimental functions and aggregations (:data:`EXPERIMENTAL_FUNCTIONS`,
  :data:`EXPERIMENTAL_AGGREGATIONS`), which Prometheus evaluates only with
  ``--enable-feature=promql-experimental-functions``
  (https://prometheus.io/docs/prometheus/latest/querying/functions/, marked
  ``Experimental`` in prometheus/prometheus ``promql/parser/functions.go``);
- quoted metric and label names (``{"http.server.duration"}``,
  ``by ("service.name")``), Prometheus 3.0's UTF-8 syntax: "Versions of
  Prometheus before 3.0 required that metric and label names adhere to a strict
  set of character requirements" (https://prometheus.io/docs/guides/utf8/).

``holt_winters`` (Prometheus 2) is not registered as an extra function:
Prometheus 3 renamed it ``double_exponential_smoothing`` (experimental), and
promql-parser refuses the old name, so an expression using it cannot be checked
here and is refused with that reason. Registering it would also be process-global
(``register_extra_functions``), changing what every other caller accepts.

Examples
--------
>>> promql_problems('sum(rate(http_requests_total[5m])) by (job)')
[]
>>> reason, shown, caret = promql_problems("rate(http_requests_total[5 m])")[0].splitlines()
>>> reason[:62]
"not valid PromQL: unexpected character inside brackets: 'm'; a"
>>> print(shown); print(caret)
  rate(http_requests_total[5 m])
                             ^
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

import promql_parser

from observability_blueprint.rules.text_syntax import caret_lines

GRAFANA_MACROS: Final[dict[str, str]] = {
    "__rate_interval_ms": "300000",
    "__rate_interval": "5m",
    "__interval_ms": "300000",
    "__interval": "5m",
    "__range_ms": "300000",
    "__range_s": "300",
    "__range": "5m",
    "__auto": "5m",
}
"""Grafana's Prometheus macros and what stands for them while parsing: a duration
where Grafana writes a duration, a number where it writes milliseconds or seconds
(https://grafana.com/docs/grafana/latest/datasources/prometheus/template-variables/).
Written ``$__interval`` or ``${__interval}``."""

_MACRO: Final = re.compile(
    r"\$(?:\{(" + "|".join(GRAFANA_MACROS) + r")\}|(" + "|".join(GRAFANA_MACROS) + r"))"
)

# Messages of an expression that stops before it is complete: located after the
# longest prefix that parses, not at the shortest that fails.
_INCOMPLETE: Final = ("invalid promql query", "unexpected end of input", "unclosed")
# What may complete a prefix, before the brackets it leaves open are closed.
_OPERANDS: Final = ("", " 1", " x", "m", ' x="a"', '="a"', " 5m")
_DURATION_HINT: Final = (
    "a duration is a whole number and a unit with no space between them (5m, 1h30m)"
)
_HINTS: Final[tuple[tuple[str, str], ...]] = (
    ("bad number or duration syntax", _DURATION_HINT),
    ("unexpected character inside brackets", _DURATION_HINT),
    (
        "unknown function with name",
        "see https://prometheus.io/docs/prometheus/latest/querying/functions/",
    ),
    ("expected type matrix", "a range vector is a selector with a range, such as x[5m]"),
)
_DOLLAR_HINT: Final = "PromQL has no $ variables: write the value itself"
_GRAFANA_HINT: Final = (
    "of Grafana's variables only the interval and range macros are read here ("
    + ", ".join(f"${name}" for name in GRAFANA_MACROS)
    + ")"
)
_CLOSING: Final = {"(": ")", "[": "]", "{": "}"}


EXPERIMENTAL_FUNCTIONS: Final = frozenset(
    {
        "double_exponential_smoothing",
        "end",
        "first_over_time",
        "histogram_quantiles",
        "info",
        "integral",
        "mad_over_time",
        "range",
        "sort_by_label",
        "sort_by_label_desc",
        "start",
        "step",
        "ts_of_first_over_time",
        "ts_of_last_over_time",
        "ts_of_max_over_time",
        "ts_of_min_over_time",
    }
)
"""Functions Prometheus marks ``Experimental`` (``promql/parser/functions.go``) and
promql-parser accepts: refused, as AMP documents no feature flag that enables them.
(``@ start()`` and ``@ end()`` are the stable ``@`` modifier, not calls.)"""
EXPERIMENTAL_AGGREGATIONS: Final = frozenset({"limitk", "limit_ratio"})
"""Aggregations behind the same feature flag (Prometheus 3)."""
HOLT_WINTERS_HINT: Final = (
    "the offline parser (promql-parser, which reads Prometheus 3's PromQL) does not know "
    "holt_winters, which Prometheus 3 renamed double_exponential_smoothing (experimental), so "
    "the blueprint cannot check this expression: use predict_linear() or deriv() instead"
)
_BEYOND: Final = (
    "not PromQL of Prometheus 2 without feature flags, the PromQL checked for Amazon Managed "
    "Service for Prometheus:"
)
_GROUPING: Final = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})
_MATCH_OPERATORS: Final = frozenset({"=", "!=", "=~", "!~"})
_TWO_CHARACTER_OPERATORS: Final = ("=~", "!~", "!=", "==", ">=", "<=")
_WORD: Final = re.compile(r"[A-Za-z_]+")


def parse_error(expr: str) -> str | None:
    """Return promql-parser's message for ``expr``, or None when it parses."""
    try:
        promql_parser.parse(expr)
    except ValueError as error:
        # The parser quotes what follows a bad number, line breaks included.
        return " ".join(str(error.args[0] if error.args else error).split())
    return None


def promql_problems(expr: str, *, grafana: bool = False) -> list[str]:
    """Return what is wrong with a PromQL expression: empty when it parses.

    Parameters
    ----------
    expr
        The expression as written (a rule's ``expr``, a panel's query).
    grafana
        Whether Grafana's macros (``$__rate_interval``, ``$__interval``,
        ``$__range``, ``$__range_s``, ...) may appear; each is read as a
        duration or a number while parsing (see :data:`GRAFANA_MACROS`).

    Returns
    -------
    list of str
        At most one message (the parser stops at the first error): the reason,
        then the expression with a caret under the offending column.
    """
    found = promql_error(expr, grafana=grafana)
    if found is None:
        return []
    reason, _, caret = found
    return [f"{reason}\n{caret}" if caret else reason]


def promql_error(expr: str, *, grafana: bool = False) -> tuple[str, int, str] | None:
    """Return the first error of ``expr`` as (reason, 0-based column, caret lines), or None.

    The same check as :func:`promql_problems`, in parts, so a caller that knows where
    the expression sits in a file can point at the column there.
    """
    if not expr.strip():
        return "an expression is required; write a PromQL query such as up == 0", 0, ""
    text, origin = _substitute(expr) if grafana else (expr, list(range(len(expr))))
    message = parse_error(text)
    if message is None:
        found = _beyond_prometheus_2(text)
        if found is None:
            return None
        reason, position = found
    else:
        position = _locate(text, message)
        if message.startswith("unexpected character") and message.endswith("'$'"):
            hint: str | None = _GRAFANA_HINT if grafana else _DOLLAR_HINT
        elif message == "unknown function with name 'holt_winters'":
            hint = HOLT_WINTERS_HINT
        else:
            hint = next((h for start, h in _HINTS if message.startswith(start)), None)
        reason = f"not valid PromQL: {message}" + (f"; {hint}" if hint else "")
    column = origin[position] if position < len(origin) else len(expr)
    return reason, column, caret_lines(expr, column)


def _beyond_prometheus_2(text: str) -> tuple[str, int] | None:
    """Return (reason, column) of the first thing in ``text`` (which parses) that needs more
    than Prometheus 2's stable PromQL, or None (see the module docstring).

    Read from the text, in one pass: promql-parser's ``walk`` takes time growing much
    faster than the expression (minutes for a sum of 400 terms). In an expression that
    parses, a word followed by ``(`` outside braces is a call (keywords such as ``by``
    or ``and`` are never among the experimental names).
    """
    for kind, token, position in _tokens(text):
        if kind == "quoted name":
            return (
                f"{_BEYOND} {token} is a quoted name, Prometheus 3's syntax for UTF-8 metric "
                "and label names; write the name unquoted, of letters, digits and _ (and : in "
                "a metric name), the metric name before the braces, such as "
                'http_server_duration_seconds{service_name="checkout"}',
                position,
            )
        if kind == "call" and (
            token in EXPERIMENTAL_FUNCTIONS or token.lower() in EXPERIMENTAL_AGGREGATIONS
        ):
            what = "aggregation" if token.lower() in EXPERIMENTAL_AGGREGATIONS else "function"
            return (
                f"{_BEYOND} {token} is an experimental {what}, which Prometheus evaluates only "
                "with --enable-feature=promql-experimental-functions; write the query with the "
                "stable functions of https://prometheus.io/docs/prometheus/latest/querying/"
                "functions/",
                position,
            )
    return None


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """The quoted names and the calls of ``text`` (outside strings), with their columns.

    A string is a quoted name inside a selector's braces unless a match operator
    precedes it (then it is the value), and anywhere in the label list of ``by``,
    ``without``, ``on``, ``ignoring``, ``group_left`` or ``group_right``. A word is a
    call when ``(`` or, for an aggregation, ``by``/``without`` follows it, outside
    braces and label lists and not after ``@`` (``@ start()``).
    """
    found: list[tuple[str, str, int]] = []
    contexts: list[str] = []
    previous = ""
    position = 0
    while position < len(text):
        char = text[position]
        context = contexts[-1] if contexts else ""
        if char.isspace():
            position += 1
        elif char == "#":
            newline = text.find("\n", position)
            position = len(text) if newline < 0 else newline
        elif char in "\"'`":
            end = _string_end(text, position) or len(text)
            if context == "labels" or (context == "{" and previous not in _MATCH_OPERATORS):
                found.append(("quoted name", text[position:end], position))
            previous = "string"
            position = end
        elif char.isalpha() or char in "_:":
            end = position
            while end < len(text) and (text[end].isalnum() or text[end] in "_:"):
                end += 1
            word = text[position:end]
            after = end
            while after < len(text) and text[after].isspace():
                after += 1
            follows = _WORD.match(text, after)
            if (
                context not in ("{", "labels")
                and previous != "@"
                and (
                    text.startswith("(", after)
                    or (follows is not None and follows.group().lower() in ("by", "without"))
                )
            ):
                found.append(("call", word, position))
            previous = word.lower()
            position = end
        else:
            if char in "{([":
                contexts.append("labels" if char == "(" and previous in _GROUPING else char)
            elif char in ")]}" and contexts:
                contexts.pop()
            operator = next(
                (o for o in _TWO_CHARACTER_OPERATORS if text.startswith(o, position)), char
            )
            previous = operator
            position += len(operator)
    return found


def _substitute(expr: str) -> tuple[str, list[int]]:
    """Replace Grafana's macros; return the text and, per character, its column in ``expr``."""
    parts: list[str] = []
    origin: list[int] = []
    last = 0
    for match in _MACRO.finditer(expr):
        parts.append(expr[last : match.start()])
        origin.extend(range(last, match.start()))
        value = GRAFANA_MACROS[match.group(1) or match.group(2)]
        parts.append(value)
        origin.extend([match.start()] * len(value))
        last = match.end()
    parts.append(expr[last:])
    origin.extend(range(last, len(expr)))
    return "".join(parts), origin


def _locate(text: str, message: str) -> int:
    """Return the column of the error ``message`` in ``text`` (see the module docstring)."""
    if message == "unclosed left parenthesis":
        unclosed = _unclosed_bracket(text, "(")
        if unclosed is not None:
            return unclosed
    if message.startswith(_INCOMPLETE):
        return _after_longest_valid_prefix(text)
    same: Callable[[str | None], bool] = _same_message(message)
    for end in range(1, len(text) + 1):
        if same(parse_error(text[:end])):
            return _start_of_call(text, message, end - 1)
    return _after_longest_valid_prefix(text)


def _same_message(message: str) -> Callable[[str | None], bool]:
    # "bad number or duration syntax: 1h30]" quotes what follows the number, so
    # a prefix ending inside it reports the same error with a shorter quote.
    head, colon, _ = message.partition(": ")
    if colon and head == "bad number or duration syntax":
        return lambda found: found is not None and found.startswith(head)
    return lambda found: found == message


def _start_of_call(text: str, message: str, position: int) -> int:
    """Point an error about a function at its name rather than its closing bracket,
    and a bad duration at its first digit."""
    if message.startswith("bad number or duration syntax"):
        while position > 0 and (text[position - 1].isalnum() or text[position - 1] == "."):
            position -= 1
        return position
    match = re.search(r"function (?:with name )?'([A-Za-z_][A-Za-z0-9_]*)'", message)
    if match is None:
        return position
    start = text.rfind(match.group(1) + "(", 0, position + 1)
    if start < 0:
        start = text.rfind(match.group(1), 0, position + 1)
    return start if start >= 0 else position


def _after_longest_valid_prefix(text: str) -> int:
    """Return the column after the longest prefix some continuation could complete.

    A prefix is taken as completable when it parses as it is, or once an operand
    (``1``, ``x``, a unit, a matcher value) and the brackets and quote it leaves
    open are added. The caret goes under the first token past that prefix.
    """
    end = len(text)
    while end > 0 and (_inside_word(text, end) or not _completable(text[:end])):
        end -= 1
    while end < len(text) and text[end].isspace():
        end += 1
    if 0 < end < len(text) and _is_word(text[end - 1]) and _is_word(text[end]):
        while end > 0 and _is_word(text[end - 1]):
            end -= 1
    return end


def _completable(prefix: str) -> bool:
    closers = _closers(prefix)
    return any(parse_error(prefix + operand + closers) is None for operand in _OPERANDS)


def _inside_word(text: str, end: int) -> bool:
    """Whether ``text[:end]`` ends inside a word (no parse: the caret goes to its start)."""
    return end < len(text) and _is_word(text[end - 1]) and _is_word(text[end])


def _is_word(char: str) -> bool:
    return char.isalnum() or char in "_:"


def _closers(prefix: str) -> str:
    """The quote and brackets that close what ``prefix`` leaves open, innermost first."""
    stack: list[str] = []
    position = 0
    while position < len(prefix):
        char = prefix[position]
        if char in "\"'`":
            end = _string_end(prefix, position)
            if end is None:
                return char + "".join(_CLOSING[c] for c in reversed(stack))
            position = end
            continue
        if char in _CLOSING:
            stack.append(char)
        elif char in ")]}" and stack and _CLOSING[stack[-1]] == char:
            stack.pop()
        position += 1
    return "".join(_CLOSING[c] for c in reversed(stack))


def _unclosed_bracket(text: str, opening: str) -> int | None:
    """Return the column of the first ``opening`` bracket never closed (strings skipped)."""
    stack: list[tuple[str, int]] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char in "\"'`":
            position = _string_end(text, position) or len(text)
            continue
        if char == "#":
            newline = text.find("\n", position)
            position = len(text) if newline < 0 else newline
            continue
        if char in _CLOSING:
            stack.append((char, position))
        elif char in ")]}" and stack and _CLOSING[stack[-1][0]] == char:
            stack.pop()
        position += 1
    return next((at for char, at in stack if char == opening), None)


def _string_end(text: str, opening: int) -> int | None:
    """Return the column past the string opened at ``opening``, or None when it is not closed.

    Backslash escapes apply in double- and single-quoted strings, not in backticks.
    """
    quote = text[opening]
    position = opening + 1
    while position < len(text):
        if text[position] == "\\" and quote != "`":
            position += 2
            continue
        if text[position] == quote:
            return position + 1
        position += 1
    return None
