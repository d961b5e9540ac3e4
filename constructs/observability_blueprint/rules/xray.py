"""AWS X-Ray: filter expressions, sampling rules, group names, insight events, console links.

Pure module: no aws_cdk import.

X-Ray checks a group's filter expression only when it evaluates traces: "If the
service encounters an error in qualifying a group, that group is no longer
included in processing incoming traces" (Using filter expressions, section
"Using filter expressions with groups"). A typo therefore deploys fine and the
group silently stays empty. This module reads the expression language offline
and checks sampling rules, group names and the Transaction Search indexing
percentage against the limits of the X-Ray API.

Sources
-------
- Filter expressions: https://docs.aws.amazon.com/xray/latest/devguide/xray-console-filters.html
  (read from the last text of ``doc-source/xray-console-filters.md`` in
  github.com/awsdocs/aws-xray-developer-guide, commit 2f4406d).
- Groups: https://docs.aws.amazon.com/xray/latest/devguide/xray-console-groups.html
  ("A group name can have a maximum of 32 characters, and contain alphanumeric
  characters and dashes. Group names are case sensitive.") and CreateGroup
  (``GroupName`` 1 to 32; "Default is a reserved name").
- Sampling rules: botocore ``xray`` model, shape ``SamplingRule`` (the
  CreateSamplingRule API), the ``AWS::XRay::SamplingRule`` CloudFormation schema,
  and https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html
  (wildcards, what the X-Ray SDK can use).
- Segment names and annotation keys:
  https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html
- Insight events: https://docs.aws.amazon.com/xray/latest/devguide/xray-console-insights.html
  (source ``aws.xray``, detail-type ``AWS X-Ray Insight Update``) and the
  EventBridge schema ``aws.xray@AWSXRayInsightUpdate`` (detail field ``GroupName``).

Filter expression syntax
------------------------
- A condition is ``keyword``, ``keyword operator value``, ``!keyword``,
  ``service(...) { filter }``, ``edge(..., ...) { filter }``, or a root-cause
  keyword with ``{ filter }``. Conditions join with ``AND`` and ``OR`` (any
  case: the page writes ``and`` inside root-cause braces), with parentheses, or
  side by side, which means AND (the page's ``ok !partial duration <3``).
- Keywords are matched ignoring case (the page writes ``responseTime``).
- Boolean keywords take no operator, ``!``, or ``= true|false`` / ``!= true|false``;
  number keywords take ``= != < <= > >=`` and a number; string keywords take
  ``= != CONTAINS BEGINSWITH ENDSWITH`` and a double-quoted value ("Values must
  always be specified in quotation marks"); ``annotation.KEY`` takes the
  operators of its value's type. Any keyword alone tests that it is set.
- Inside quotes ``\\"`` stands for a quote and ``\\\\`` for a backslash, as in
  this package's other languages (X-Ray documents no escape).
- ``rootcause.json = #[...]`` takes a JSON array.

Two examples on the page contradict its own rules (a value without quotes, a
``{`` never closed); ``tests/unit/reference/xray_filter_examples.json`` lists them.
The API documents no length limit for ``FilterExpression`` (botocore's shape has
no ``max``), so none is checked here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, TypeGuard

from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.integer_bounds import API_INTEGER_MAX, shown
from observability_blueprint.rules.limits import closest
from observability_blueprint.rules.regions import partition_of
from observability_blueprint.rules.text_syntax import TextSyntaxError, expect_quoted

__all__ = [
    "ANNOTATION_KEY_RE",
    "ATTRIBUTES_MAX",
    "ATTRIBUTE_KEY_MAX",
    "ATTRIBUTE_VALUE_MAX",
    "BOOLEAN_KEYWORDS",
    "BOOST_COOLDOWN_MIN",
    "DEFAULT_RULE_PRIORITY",
    "FREE_INDEXING_PERCENTAGE",
    "GROUP_NAME_MAX",
    "INSIGHT_DETAIL_TYPE",
    "INSIGHT_INPUT_PATHS",
    "INSIGHT_SOURCE",
    "INSIGHT_STATES",
    "MATCH_FIELD_MAX",
    "NUMBER_KEYWORDS",
    "PRIORITY_MAX",
    "PRIORITY_MIN",
    "RESERVED_NAME",
    "ROOT_CAUSE_KEYWORDS",
    "RULE_NAME_MAX",
    "SAMPLING_RULE_VERSION",
    "SEGMENT_NAME_MAX",
    "STRING_KEYWORDS",
    "TRANSACTION_SEARCH_LOG_GROUPS",
    "TRANSACTION_SEARCH_POLICY_NAME",
    "FilterExpressionError",
    "SamplingRateBoost",
    "SamplingRuleSpec",
    "check_filter_expression",
    "check_fixed_rate",
    "check_group_name",
    "check_indexing_percentage",
    "check_latency_bound",
    "check_logs_policy_name",
    "check_priority",
    "check_reservoir_size",
    "check_rule_name",
    "check_service_name",
    "group_filter",
    "insight_event_pattern",
    "normalize_trace_id",
    "sampling_rule_notes",
    "sampling_rule_problems",
    "trace_map_url",
    "trace_url",
    "transaction_search_policy",
    "validate_filter_expression",
]

# --- Names and limits -----------------------------------------------------------------

RESERVED_NAME: Final = "Default"
"""The built-in group and the built-in sampling rule are both called ``Default``."""
GROUP_NAME_MAX: Final = 32
"""CreateGroup ``GroupName``: 1 to 32 characters."""
_GROUP_NAME_RE: Final = re.compile(r"[A-Za-z0-9-]{1,32}")
RULE_NAME_MAX: Final = 32
"""SamplingRule ``RuleName``: 1 to 32 characters (botocore, CloudFormation schema)."""
PRIORITY_MIN: Final = 1
PRIORITY_MAX: Final = 9_999
"""SamplingRule ``Priority``: 1 to 9,999; rules are evaluated in ascending order."""
DEFAULT_RULE_PRIORITY: Final = 10_000
"""The built-in ``Default`` rule's priority: every rule of a blueprint comes before it."""
SAMPLING_RULE_VERSION: Final = 1
"""SamplingRule ``Version``: "The version of the sampling rule format (1)"."""
MATCH_FIELD_MAX: Final[Mapping[str, int]] = {
    "service_name": 64,
    "service_type": 64,
    "host": 64,
    "http_method": 10,
    "url_path": 128,
    "resource_arn": 500,
}
"""Longest value of each match field (SamplingRule ``ServiceName`` ... ``ResourceARN``)."""
_MATCH_FIELD_WHAT: Final[Mapping[str, str]] = {
    "service_name": "service name",
    "service_type": "service type",
    "host": "host name",
    "http_method": "HTTP method",
    "url_path": "URL path",
    "resource_arn": "resource ARN",
}
ATTRIBUTES_MAX: Final = 5
ATTRIBUTE_KEY_MAX: Final = 32
ATTRIBUTE_VALUE_MAX: Final = 32
"""SamplingRule ``Attributes``: at most 5 entries, keys and values 1 to 32 characters."""
BOOST_COOLDOWN_MIN: Final = 1
"""SamplingRateBoost ``CooldownWindowMinutes``: the CloudFormation schema says at least
1; botocore says at least 0. CloudFormation is the caller here, so 1."""
INDEXING_PERCENTAGE_MIN: Final = 0
INDEXING_PERCENTAGE_MAX: Final = 100
"""``AWS::XRay::TransactionSearchConfig`` ``IndexingPercentage``: 0 to 100."""
FREE_INDEXING_PERCENTAGE: Final = 1
"""Transaction Search indexes 1% of spans as trace summaries free of charge
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Transaction-Search-getting-started.html)."""
SEGMENT_NAME_MAX: Final = 200
"""A segment's ``name`` (the service name X-Ray shows): up to 200 characters."""
_SEGMENT_NAME_SYMBOLS: Final = frozenset("_.:/%&#=+-@")
# Segment names may also hold "\"; a filter expression string reads a backslash as an
# escape (here, and perhaps in X-Ray), so a name with one is not written into a filter.
ANNOTATION_KEY_RE: Final = re.compile(r"[A-Za-z0-9_]+")
"""Annotation keys that work with filters: "Keys must be alphanumeric in order to work
with filters. Underscore is allowed." (Segment documents, Annotations)."""

# --- Filter expression keywords ---------------------------------------------------------

BOOLEAN_KEYWORDS: Final = (
    "ok", "error", "throttle", "fault", "partial", "inferred", "first", "last", "remote", "root",
)  # fmt: skip
NUMBER_KEYWORDS: Final = ("responsetime", "duration", "http.status", "index", "coverage")
STRING_KEYWORDS: Final = (
    "http.url", "http.method", "http.useragent", "http.clientip", "user", "name", "type",
    "message", "availabilityzone", "instance.id", "resource.arn", "group.name", "group.arn",
)  # fmt: skip
# ErrorRootCauses, FaultRootCauses and ResponseTimeRootCauses of GetTraceSummaries;
# each is a list of services, their entity paths and exceptions.
ROOT_CAUSE_KEYWORDS: Final = tuple(
    f"rootcause.{kind}.{part}"
    for kind in ("fault", "error", "responsetime")
    for part in ("service", "entity", "exception")
)
_ROOT_CAUSE_JSON: Final = "rootcause.json"
_FUNCTIONS: Final = ("service", "edge")
_ID_ARGUMENTS: Final = ("name", "type", "account.id")
_KNOWN: Final = (
    *BOOLEAN_KEYWORDS,
    *NUMBER_KEYWORDS,
    *STRING_KEYWORDS,
    *ROOT_CAUSE_KEYWORDS,
    _ROOT_CAUSE_JSON,
    *_FUNCTIONS,
)
_NUMBER_OPERATORS: Final = ("=", "!=", "<", "<=", ">", ">=")
_STRING_OPERATORS: Final = ("=", "!=", "CONTAINS", "BEGINSWITH", "ENDSWITH")
_WORD_OPERATORS: Final = ("CONTAINS", "BEGINSWITH", "ENDSWITH")
_CONDITION: Final = 'a condition such as responsetime > 5, fault, or service("name")'
_KEYWORD_LIST: Final = (
    "ok, error, throttle, fault, partial, inferred, first, last, remote, root; "
    "responsetime, duration, http.status, index, coverage; http.url, http.method, "
    "http.useragent, http.clientip, user, name, type, message, availabilityzone, "
    "instance.id, resource.arn, group.name, group.arn; annotation.KEY; service(...), "
    "edge(...), rootcause.fault|error|responsetime.service|entity|exception, rootcause.json"
)

# Deeper nesting than this is surely a mistake, and the limit keeps the recursive
# parser far from Python's recursion limit.
MAX_NESTING: Final = 100
_TOO_DEEP: Final = f"!, parentheses and braces nest deeper than {MAX_NESTING} levels"

_BLANKS: Final = " \t\n\r\f\v"
_WORD: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")
_NUMBER: Final = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_SYMBOL_OPERATORS: Final = ("!=", "<=", ">=", "=", "<", ">")


class FilterExpressionError(TextSyntaxError):
    """An X-Ray filter expression that does not follow the filter expression syntax.

    The message shows the expression with a caret under the offending column::

        expected AND, OR or ) to close the ( at column 0
          (fault OR error
                         ^

    ``expression`` is the text as given; ``position``, ``reason`` and ``expected``
    are those of :class:`TextSyntaxError`.
    """

    @property
    def expression(self) -> str:
        """The filter expression as given."""
        return self.text


def validate_filter_expression(text: str) -> None:
    """Read ``text`` as an X-Ray filter expression; raise if it does not follow the syntax.

    Raises
    ------
    FilterExpressionError
        With the expression and a caret under the offending column.

    Examples
    --------
    >>> validate_filter_expression('service("api") { fault OR responsetime > 2.5 }')
    >>> validate_filter_expression("(fault OR error")
    Traceback (most recent call last):
    ...
    observability_blueprint.rules.xray.FilterExpressionError: expected AND, OR or ) to close \
the ( at column 0
      (fault OR error
                     ^
    """
    _Parser(text).parse()


def check_filter_expression(text: str) -> str | None:
    """Return the caret message when ``text`` is not a valid filter expression, else None."""
    try:
        validate_filter_expression(text)
    except FilterExpressionError as error:
        return str(error)
    return None


class _Parser:
    """Recursive descent over the expression text, one method per grammar rule."""

    __slots__ = ("pos", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    # Grammar: or_chain := and_chain (OR and_chain)*; and_chain := unary ([AND] unary)*;
    # unary := !* primary.

    def parse(self) -> None:
        self.skip()
        if self.at_end():
            raise self.expected(_CONDITION, reason="a filter expression cannot be empty; expected")
        self.or_chain(0)
        self.skip()
        if not self.at_end():
            char = self.peek()
            if char in ")}":
                raise self.error(f"this {char} closes no {'(' if char == ')' else '{'}")
            raise self.expected("AND, OR or the end of the expression")

    def or_chain(self, depth: int) -> None:
        self.and_chain(depth)
        while self.keyword("OR"):
            self.and_chain(depth)

    def and_chain(self, depth: int) -> None:
        self.unary(depth)
        while True:
            if self.keyword("AND"):
                self.unary(depth)
            elif self.starts_condition():
                self.unary(depth)  # side by side: AND
            else:
                return

    def starts_condition(self) -> bool:
        self.skip()
        if self.at_end():
            return False
        char = self.peek()
        if char == "(" or (char == "!" and self.peek(2) != "!="):
            return True
        match = _WORD.match(self.text, self.pos)
        return match is not None and match.group().upper() not in ("AND", "OR")

    def unary(self, depth: int) -> None:
        negations = 0
        while True:
            self.skip()
            if self.peek() != "!" or self.peek(2) == "!=":
                break
            if depth + negations >= MAX_NESTING:
                raise self.error(_TOO_DEEP)
            self.pos += 1
            negations += 1
        self.primary(depth + negations)

    def primary(self, depth: int) -> None:
        self.skip()
        start = self.pos
        if self.at_end():
            raise self.expected(_CONDITION)
        char = self.peek()
        if char == "(":
            self.group(depth)
            return
        if char == '"':
            raise self.error(
                "a quoted value needs a keyword and an operator before it, such as "
                'http.url CONTAINS "/api/"'
            )
        if _NUMBER.match(self.text, self.pos):
            raise self.error(
                "a number needs a keyword and an operator before it, such as responsetime > 5"
            )
        if char == "{":
            raise self.error("a { filter } follows service(...), edge(...) or a rootcause keyword")
        match = _WORD.match(self.text, self.pos)
        if match is None:
            raise self.expected(_CONDITION)
        word = match.group()
        self.pos = match.end()
        lower = word.lower()
        if lower in ("and", "or"):
            raise self.error(f"expected {_CONDITION} before {word}", at=start)
        if lower in _FUNCTIONS:
            self.function(lower, word, depth)
        elif lower in ROOT_CAUSE_KEYWORDS:
            self.braces(word, depth)
        elif lower == _ROOT_CAUSE_JSON:
            self.root_cause_json(word)
        elif lower.startswith("annotation."):
            self.annotation(word, start)
        elif lower in BOOLEAN_KEYWORDS:
            self.comparison(word, "boolean")
        elif lower in NUMBER_KEYWORDS:
            self.comparison(word, "number")
        elif lower in STRING_KEYWORDS:
            self.comparison(word, "string")
        else:
            raise self.unknown(word, start)

    def group(self, depth: int) -> None:
        opening = self.pos
        if depth >= MAX_NESTING:
            raise self.error(_TOO_DEEP)
        self.pos += 1
        self.or_chain(depth + 1)
        self.skip()
        if self.peek() != ")":
            raise self.expected(f"AND, OR or ) to close the ( at column {opening}")
        self.pos += 1

    def braces(self, owner: str, depth: int) -> None:
        """An optional ``{ filter }`` after service(...), edge(...) or a root-cause keyword."""
        self.skip()
        if self.peek() != "{":
            return
        opening = self.pos
        if depth >= MAX_NESTING:
            raise self.error(_TOO_DEEP)
        self.pos += 1
        self.skip()
        if self.peek() == "}":
            raise self.expected(f"a condition inside the braces of {owner}")
        self.or_chain(depth + 1)
        self.skip()
        if self.peek() != "}":
            raise self.expected(f"AND, OR or }} to close the {{ at column {opening}")
        self.pos += 1

    def function(self, lower: str, word: str, depth: int) -> None:
        self.skip()
        if self.peek() != "(":
            usage = 'service("name")' if lower == "service" else 'edge("from", "to")'
            raise self.expected(f"( after {word}, such as {usage}")
        opening = self.pos
        self.pos += 1
        self.skip()
        if lower == "service":
            if self.peek() != ")":
                self.target(word)
        else:
            self.target(word)
            self.skip()
            if self.peek() != ",":
                raise self.expected(f", between the two services of {word}(...)")
            self.pos += 1
            self.target(word)
        self.skip()
        if self.peek() != ")":
            raise self.expected(f") to close {word}( at column {opening}")
        self.pos += 1
        self.braces(f"{word}(...)", depth)

    def target(self, function: str) -> None:
        """A service of service(...) or edge(...): a quoted name or id(...)."""
        self.skip()
        if self.peek() == '"':
            self.string("service name")
            return
        match = _WORD.match(self.text, self.pos)
        if match is not None and match.group().lower() == "id":
            self.pos = match.end()
            self.id_function()
            return
        what = 'a service name in double quotes or id(name: "...", type: "...")'
        if match is not None:
            raise self.error(
                f'expected {what} in {function}(...); write {function}("{match.group()}")',
                expected=what,
            )
        raise self.expected(what)

    def id_function(self) -> None:
        self.skip()
        if self.peek() != "(":
            raise self.expected("( after id")
        opening = self.pos
        self.pos += 1
        while True:
            self.skip()
            start = self.pos
            match = _WORD.match(self.text, self.pos)
            if match is None:
                raise self.expected("name:, type: or account.id: inside id(...)")
            if match.group().lower() not in _ID_ARGUMENTS:
                raise self.error(
                    f"id(...) takes name:, type: and account.id:, not {match.group()}",
                    at=start,
                )
            self.pos = match.end()
            self.skip()
            if self.peek() != ":":
                raise self.expected(f": after {match.group()}")
            self.pos += 1
            self.skip()
            if self.peek() != '"':
                raise self.expected(f"a value in double quotes after {match.group()}:")
            self.string(match.group())
            self.skip()
            if self.peek() == ",":
                self.pos += 1
                continue
            if self.peek() != ")":
                raise self.expected(f", or ) to close id( at column {opening}")
            self.pos += 1
            return

    def annotation(self, word: str, start: int) -> None:
        key = word[len("annotation.") :]
        if self.peek() == "-":
            key += "-..."  # a hyphen ends the word: show that the key goes on
        if not ANNOTATION_KEY_RE.fullmatch(key):
            raise self.error(
                f"annotation key {key!r} cannot be filtered on: keys are letters, digits "
                "and _ only (annotation.KEY)",
                at=start,
            )
        self.comparison(word, "annotation")

    def comparison(self, word: str, kind: str) -> None:
        """After a keyword: nothing (is it set, or true?), or an operator and a value."""
        self.skip()
        at = self.pos
        operator = self.operator()
        if operator is None:
            if not self.at_end() and (self.peek() in "\"'" or _NUMBER.match(self.text, self.pos)):
                raise self.expected(f"an operator between {word} and its value")
            return
        self.skip()
        value_at = self.pos
        value, bare = self.value(word)
        if kind == "boolean" and value != "boolean":
            raise self.error(
                f"{word} is true or false: write {word}, !{word}, {word} = true or {word} = false",
                at=value_at,
            )
        if value == "bare":
            raise self.error(
                f'text goes in double quotes: write "{cut(bare, 40)}" (numbers, true and false '
                "go without)",
                at=value_at,
            )
        if kind == "number" and value != "number":
            raise self.error(
                f"{word} is a number: compare it with a number, such as {word} > 5", at=value_at
            )
        if kind == "string" and value != "string":
            raise self.error(
                f'{word} is text: its value goes in double quotes, such as {word} = "..."',
                at=value_at,
            )
        allowed = _OPERATORS_BY_VALUE[value]
        if operator not in allowed:
            raise self.error(
                f"{operator} does not compare {_VALUE_NAMES[value]}; use {_either(allowed)}",
                at=at,
            )

    def operator(self) -> str | None:
        if self.text.startswith("==", self.pos):
            raise self.error("X-Ray compares with =, not ==")
        for symbol in _SYMBOL_OPERATORS:
            if self.text.startswith(symbol, self.pos):
                self.pos += len(symbol)
                return symbol
        match = _WORD.match(self.text, self.pos)
        if match is not None and match.group().upper() in _WORD_OPERATORS:
            self.pos = match.end()
            return match.group().upper()
        return None

    def value(self, word: str) -> tuple[str, str]:
        """Read a value: its kind (``string``, ``number``, ``boolean``, ``bare``) and text."""
        start = self.pos
        if self.peek() == '"':
            self.string("string")
            return "string", self.text[start : self.pos]
        if self.peek() == "'":
            raise self.error('text goes in double quotes ("), not single quotes')
        number = _NUMBER.match(self.text, self.pos)
        if number is not None:
            self.pos = number.end()
            return "number", number.group()
        match = _WORD.match(self.text, self.pos)
        if match is None:
            raise self.expected(f"a value after the operator of {word}")
        self.pos = match.end()
        if match.group().lower() in ("true", "false"):
            return "boolean", match.group()
        return "bare", match.group()

    def root_cause_json(self, word: str) -> None:
        self.skip()
        operator = self.operator()
        if operator not in ("=", "!="):
            raise self.expected(f"= #[...] after {word}")
        self.skip()
        if not self.text.startswith("#[", self.pos):
            raise self.expected(f"#[ ... ] (a JSON array) after {word} {operator}")
        opening = self.pos + 1
        end = _json_end(self.text, opening)
        if end is None:
            raise self.error(
                f"expected ] to close the JSON [ at column {opening}",
                at=len(self.text),
                expected="]",
            )
        try:
            json.loads(self.text[opening:end])
        except json.JSONDecodeError as error:
            raise self.error(
                f"the root-cause JSON is not valid JSON: {error.msg}", at=opening + error.pos
            ) from None
        except RecursionError:
            raise self.error("the root-cause JSON nests too deep", at=opening) from None
        self.pos = end

    def string(self, what: str) -> None:
        _, self.pos = expect_quoted(self.text, self.pos, error=FilterExpressionError, what=what)

    def unknown(self, word: str, start: int) -> FilterExpressionError:
        lower = word.lower()
        if lower == "not":
            return self.error(
                'NOT is not an X-Ray keyword; negate with !, such as !fault or !service("api")',
                at=start,
            )
        if lower == "id":
            return self.error("id(...) names a service inside service(...) or edge(...)", at=start)
        if lower == "annotation":
            return self.error("write annotation.KEY, such as annotation.customer_id", at=start)
        guess = closest(lower, list(_KNOWN))
        hint = f" (did you mean {guess}?)" if guess else ""
        return self.error(
            f"unknown keyword {cut(word, 40)}{hint}; X-Ray knows {_KEYWORD_LIST}", at=start
        )

    # --- cursor

    def skip(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _BLANKS:
            pos += 1
        self.pos = pos

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self, size: int = 1) -> str:
        return self.text[self.pos : self.pos + size]

    def keyword(self, name: str) -> bool:
        self.skip()
        match = _WORD.match(self.text, self.pos)
        if match is not None and match.group().upper() == name:
            self.pos = match.end()
            return True
        return False

    def error(
        self, reason: str, *, at: int | None = None, expected: str | None = None
    ) -> FilterExpressionError:
        return FilterExpressionError(
            self.text, self.pos if at is None else at, reason, expected=expected
        )

    def expected(self, what: str, *, reason: str = "expected") -> FilterExpressionError:
        return FilterExpressionError(self.text, self.pos, f"{reason} {what}", expected=what)


_OPERATORS_BY_VALUE: Final[Mapping[str, tuple[str, ...]]] = {
    "number": _NUMBER_OPERATORS,
    "string": _STRING_OPERATORS,
    "boolean": ("=", "!="),
}
_VALUE_NAMES: Final[Mapping[str, str]] = {
    "number": "numbers",
    "string": "text",
    "boolean": "true or false",
}


def _either(choices: Sequence[str]) -> str:
    return ", ".join(choices[:-1]) + f" or {choices[-1]}"


def _json_end(text: str, opening: int) -> int | None:
    """Return the position just past the ``]`` that closes the ``[`` at ``opening``."""
    depth = 0
    pos = opening
    while pos < len(text):
        char = text[pos]
        if char == '"':
            pos += 1
            while pos < len(text) and text[pos] != '"':
                pos += 2 if text[pos] == "\\" else 1
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return pos + 1 if char == "]" else None
        pos += 1
    return None


# --- Building a group's filter --------------------------------------------------------


def check_service_name(name: str) -> str | None:
    """Return why ``name`` cannot be a service (segment) name in a filter, or None.

    Segment names are up to 200 Unicode letters, digits, spaces and ``_ . : / % & # = +
    - @`` (and ``\\``, which a quoted filter value would read as an escape).
    """
    allowed = "letters, digits, spaces and _ . : / % & # = + - @"
    if not name:
        return f"a service name cannot be empty; give the name the service records ({allowed})"
    if len(name) > SEGMENT_NAME_MAX:
        return (
            f"{cut(name)!r} has {len(name):,} characters; a service name has at most "
            f"{SEGMENT_NAME_MAX}"
        )
    bad = sorted(
        {c for c in name if not (c.isalnum() or c.isspace() or c in _SEGMENT_NAME_SYMBOLS)}
    )
    if bad:
        return (
            f"{cut(name)!r} holds {', '.join(repr(c) for c in bad)}; a service name has "
            f"{allowed} (the characters of an X-Ray segment name)"
        )
    return None


def check_latency_bound(seconds: object) -> str | None:
    """Return why ``seconds`` cannot bound a response time, or None."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return f"{cut(repr(seconds))} is not a number of seconds; give a number above 0"
    if not math.isfinite(seconds) or seconds <= 0:
        return f"{shown(seconds)} seconds is not a latency bound; give a number of seconds above 0"
    return None


def _number_text(value: float) -> str:
    """Write a number as X-Ray reads it: no exponent, no trailing zeros (2.5, 3, 0.25)."""
    return format(Decimal(repr(float(value))).normalize(), "f")


def group_filter(
    *,
    service: str | None = None,
    errors: bool = False,
    faults: bool = False,
    latency_above_seconds: float | None = None,
) -> str:
    """Write the filter expression of a group from its parts.

    The conditions (fault, error, response time above the bound) are joined with
    OR: the group holds the traces that failed *or* were slow. With ``service`` they
    apply to that service's segments, wherever it is in the trace
    (``service("checkout") { fault OR responsetime > 2 }``); without, to the trace
    as a whole. A service alone gives every trace that reached it.

    Raises
    ------
    ValueError
        When nothing is asked for, or a part is not valid (the message says why).

    Examples
    --------
    >>> group_filter(service="checkout", faults=True, latency_above_seconds=2.5)
    'service("checkout") { fault OR responsetime > 2.5 }'
    >>> group_filter(errors=True, faults=True)
    'fault OR error'
    """
    if service is not None and (message := check_service_name(service)):
        raise ValueError(message)
    conditions = []
    if faults:
        conditions.append("fault")
    if errors:
        conditions.append("error")
    if latency_above_seconds is not None:
        if message := check_latency_bound(latency_above_seconds):
            raise ValueError(message)
        conditions.append(f"responsetime > {_number_text(latency_above_seconds)}")
    if service is None and not conditions:
        raise ValueError(
            "a group needs a service, errors, faults, a latency bound or a filter expression"
        )
    joined = " OR ".join(conditions)
    if service is None:
        return joined
    return f'service("{service}")' + (f" {{ {joined} }}" if joined else "")


# --- Group and sampling rule names ------------------------------------------------------


def check_group_name(name: str) -> str | None:
    """Return why ``name`` cannot name an X-Ray group, or None."""
    if name == RESERVED_NAME:
        return (
            f"{RESERVED_NAME!r} is the name of the built-in group; choose another name "
            f"(1 to {GROUP_NAME_MAX} letters, digits and hyphens)"
        )
    if not _GROUP_NAME_RE.fullmatch(name):
        length = f" ({len(name):,} characters)" if len(name) > GROUP_NAME_MAX else ""
        return (
            f"{cut(name)!r}{length} is not an X-Ray group name; use 1 to {GROUP_NAME_MAX} "
            "letters, digits and hyphens (names are case-sensitive)"
        )
    return None


def check_rule_name(name: str) -> str | None:
    """Return why ``name`` cannot name a sampling rule, or None.

    The API documents only the length (1 to 32) for ``RuleName``; the console guide's
    own examples use spaces and an en dash (``DEBUG - history updates``), so no
    character set is enforced. ``Default`` is the built-in rule.
    """
    if name == RESERVED_NAME:
        return (
            f"{RESERVED_NAME!r} is the name of the built-in sampling rule; choose another "
            f"name (1 to {RULE_NAME_MAX} characters)"
        )
    if not 1 <= len(name) <= RULE_NAME_MAX:
        return (
            f"{cut(name)!r} has {len(name):,} characters; a sampling rule name has 1 to "
            f"{RULE_NAME_MAX}"
        )
    return None


# --- Sampling rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class SamplingRateBoost:
    """A temporary rise of a rule's sampling rate when X-Ray sees anomalies.

    Parameters
    ----------
    max_rate
        The highest rate X-Ray may apply during a boost, a fraction from 0 to 1.
    cooldown_minutes
        At most one boost per this many minutes (1 or more).
    """

    max_rate: float
    cooldown_minutes: int


@dataclass(frozen=True)
class SamplingRuleSpec:
    """An X-Ray sampling rule, as CreateSamplingRule takes it.

    The match fields take ``*`` (any characters) and ``?`` (one character); the
    default ``*`` matches everything. Services evaluate rules from priority 1 up and
    use the first that matches: the rule records ``reservoir_size`` requests per
    second (shared by all instances), then ``fixed_rate`` of the rest.

    Parameters
    ----------
    rule_name
        1 to 32 characters, not ``Default``.
    priority
        1 to 9,999; lower is evaluated first.
    fixed_rate
        Fraction of matching requests recorded after the reservoir, 0 to 1.
    reservoir_size
        Requests per second recorded before the fixed rate applies, 0 or more.
    service_name, service_type, host, http_method, url_path, resource_arn
        What the rule matches (at most 64, 64, 64, 10, 128 and 500 characters).
    attributes
        Segment attributes to match (at most 5; keys and values 1 to 32 characters).
    version
        The rule format; only 1 exists.
    rate_boost
        Temporary rises of the rate during anomalies.
    """

    rule_name: str
    priority: int
    fixed_rate: float
    reservoir_size: int
    service_name: str = "*"
    service_type: str = "*"
    host: str = "*"
    http_method: str = "*"
    url_path: str = "*"
    resource_arn: str = "*"
    attributes: Mapping[str, str] = field(default_factory=dict)
    version: int = SAMPLING_RULE_VERSION
    rate_boost: SamplingRateBoost | None = None


def _is_whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(value: object) -> str:
    """A value as a message echoes it: a number in full or cut, anything else by repr."""
    return shown(value) if _is_number(value) else cut(repr(value))


def _fraction_problem(value: object, what: str) -> str | None:
    if not _is_number(value) or not math.isfinite(value) or not 0 <= value <= 1:
        shown_value = _shown(value)
        return (
            f"{shown_value} is not a {what}; give a fraction of requests from 0 to 1, such as "
            "0.05 for 5%"
        )
    return None


def check_priority(value: object) -> str | None:
    """Return why ``value`` is not a sampling rule priority (1 to 9,999), or None."""
    if _is_whole(value) and PRIORITY_MIN <= value <= PRIORITY_MAX:
        return None
    shown_value = _shown(value)
    return (
        f"{shown_value} is not a sampling rule priority; give a whole number from "
        f"{PRIORITY_MIN} to {PRIORITY_MAX:,} (rules are evaluated from 1 up; the built-in "
        f"Default rule is {DEFAULT_RULE_PRIORITY:,})"
    )


def check_fixed_rate(value: object) -> str | None:
    """Return why ``value`` is not a fixed rate (a fraction from 0 to 1), or None."""
    return _fraction_problem(value, "fixed rate")


def check_reservoir_size(value: object) -> str | None:
    """Return why ``value`` is not a reservoir size (a whole number, 0 or more), or None."""
    if _is_whole(value) and 0 <= value <= API_INTEGER_MAX:
        return None
    shown_value = _shown(value)
    return (
        f"{shown_value} is not a reservoir size; give a whole number of requests per second, "
        f"from 0 to {API_INTEGER_MAX:,}"
    )


def _match_field_problem(name: str, value: object) -> str | None:
    limit = MATCH_FIELD_MAX[name]
    what = _MATCH_FIELD_WHAT[name]
    if not isinstance(value, str):
        return f"{cut(repr(value))} is not text; give a {what}, or * to match any"
    if not value:
        return f"an empty value matches nothing; give a {what}, or * to match any"
    if len(value) > limit:
        return (
            f"{cut(value)!r} has {len(value):,} characters; a {what} to match has at most "
            f"{limit} (* matches any characters, ? one)"
        )
    return None


def _attribute_problems(attributes: Mapping[str, str]) -> list[Problem]:
    problems = []
    if len(attributes) > ATTRIBUTES_MAX:
        problems.append(
            Problem(
                "attributes",
                f"{len(attributes)} attributes; a sampling rule matches at most {ATTRIBUTES_MAX}",
            )
        )
    for key, value in attributes.items():
        if not 1 <= len(key) <= ATTRIBUTE_KEY_MAX:
            problems.append(
                Problem(
                    "attributes",
                    f"key {cut(key)!r} has {len(key):,} characters; attribute keys have 1 to "
                    f"{ATTRIBUTE_KEY_MAX}",
                )
            )
        if not isinstance(value, str) or not 1 <= len(value) <= ATTRIBUTE_VALUE_MAX:
            shown_value = repr(cut(value)) if isinstance(value, str) else cut(repr(value))
            problems.append(
                Problem(
                    f"attributes[{key!r}]" if len(key) <= ATTRIBUTE_KEY_MAX else "attributes",
                    f"{shown_value} is not an attribute value; give 1 to {ATTRIBUTE_VALUE_MAX} "
                    "characters (* and ? match as wildcards)",
                )
            )
    return problems


def _boost_problems(boost: SamplingRateBoost) -> list[Problem]:
    problems = []
    if message := _fraction_problem(boost.max_rate, "boost rate"):
        problems.append(Problem("rate_boost.max_rate", message))
    minutes = boost.cooldown_minutes
    if not (_is_whole(minutes) and BOOST_COOLDOWN_MIN <= minutes <= API_INTEGER_MAX):
        shown_value = _shown(minutes)
        problems.append(
            Problem(
                "rate_boost.cooldown_minutes",
                f"{shown_value} is not a cooldown; give a whole number of minutes, "
                f"{BOOST_COOLDOWN_MIN} or more",
            )
        )
    return problems


def sampling_rule_problems(spec: SamplingRuleSpec) -> list[Problem]:
    """Return every problem of ``spec``; each location is the field name (``priority``)."""
    problems: list[Problem] = []
    if message := check_rule_name(spec.rule_name):
        problems.append(Problem("rule_name", message))
    if message := check_priority(spec.priority):
        problems.append(Problem("priority", message))
    if message := check_fixed_rate(spec.fixed_rate):
        problems.append(Problem("fixed_rate", message))
    if message := check_reservoir_size(spec.reservoir_size):
        problems.append(Problem("reservoir_size", message))
    for name in MATCH_FIELD_MAX:
        if message := _match_field_problem(name, getattr(spec, name)):
            problems.append(Problem(name, message))
    problems += _attribute_problems(spec.attributes)
    if spec.version != SAMPLING_RULE_VERSION or not _is_whole(spec.version):
        problems.append(
            Problem(
                "version",
                f"{cut(repr(spec.version))} is not a sampling rule version; the only version "
                f"is {SAMPLING_RULE_VERSION}",
            )
        )
    if spec.rate_boost is not None:
        problems += _boost_problems(spec.rate_boost)
    return problems


def sampling_rule_notes(spec: SamplingRuleSpec) -> list[str]:
    """Return what keeps some recorders from using ``spec``, as sentences (warnings).

    "X-Ray SDK - Not supported. The SDK can only use rules with Resource ARN set to
    ``*``" and "The SDK ignores rules that specify attributes" (Sampling rule options).
    """
    notes = []
    if spec.resource_arn != "*":
        notes.append(
            "the X-Ray SDKs use only rules whose resource_arn is *: this rule reaches API "
            "Gateway stages and services that match on the resource ARN, not SDK-instrumented "
            "code"
        )
    if spec.attributes:
        notes.append(
            "the X-Ray SDKs ignore rules with attributes: this rule reaches API Gateway "
            "(request headers), not SDK-instrumented code"
        )
    return notes


# --- Transaction Search ---------------------------------------------------------------------


def check_indexing_percentage(value: object) -> str | None:
    """Return why ``value`` is not an indexing percentage (0 to 100), or None."""
    if _is_number(value) and math.isfinite(value) and 0 <= value <= 100:
        return None
    shown_value = _shown(value)
    return (
        f"{shown_value} is not an indexing percentage; give a number from "
        f"{INDEXING_PERCENTAGE_MIN} to {INDEXING_PERCENTAGE_MAX} ({FREE_INDEXING_PERCENTAGE}% "
        "of spans are indexed as trace summaries free of charge)"
    )


TRANSACTION_SEARCH_POLICY_NAME: Final = "TransactionSearchAccess"
"""The name AWS's CloudFormation example gives the Logs resource policy X-Ray needs
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Transaction-Search-Cloudformation.html)."""
TRANSACTION_SEARCH_LOG_GROUPS: Final = ("aws/spans", "/aws/application-signals/data")
"""Where Transaction Search writes: every span in ``aws/spans``; Application Signals data."""
_LOGS_POLICY_NAME_RE: Final = re.compile(r"(?:[^:*/]+/?)*[^:*/]+")


def check_logs_policy_name(name: str) -> str | None:
    """Return why ``name`` cannot name a CloudWatch Logs resource policy, or None.

    ``AWS::Logs::ResourcePolicy`` ``PolicyName``: 1 to 255 characters, no ``:`` or
    ``*``, single ``/`` between parts (the CloudFormation schema's pattern).
    """
    if len(name) > 255 or not _LOGS_POLICY_NAME_RE.fullmatch(name):
        return (
            f"{cut(name)!r} is not a Logs resource policy name; use 1 to 255 characters "
            "without : or *, with single / between parts"
        )
    return None


def transaction_search_policy(*, partition: str, region: str, account: str) -> dict[str, Any]:
    """Return the Logs resource policy that lets X-Ray write spans (AWS's own document).

    The values may be CloudFormation references (``AWS::Region`` ...) rendered as text.
    """
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TransactionSearchXRayAccess",
                "Effect": "Allow",
                "Principal": {"Service": "xray.amazonaws.com"},
                "Action": "logs:PutLogEvents",
                "Resource": [
                    f"arn:{partition}:logs:{region}:{account}:log-group:{group}:*"
                    for group in TRANSACTION_SEARCH_LOG_GROUPS
                ],
                "Condition": {
                    "ArnLike": {"aws:SourceArn": f"arn:{partition}:xray:{region}:{account}:*"},
                    "StringEquals": {"aws:SourceAccount": account},
                },
            }
        ],
    }


# --- Insight notifications ------------------------------------------------------------------

INSIGHT_SOURCE: Final = "aws.xray"
INSIGHT_DETAIL_TYPE: Final = "AWS X-Ray Insight Update"
INSIGHT_STATES: Final = ("ACTIVE", "CLOSED")
"""``State`` of an insight (API ``Insight.State``)."""
INSIGHT_INPUT_PATHS: Final[Mapping[str, str]] = {
    "group": "$.detail.GroupName",
    "state": "$.detail.State",
    "summary": "$.detail.Summary",
    "insight": "$.detail.InsightId",
}
"""Input paths into an insight event for a readable message (fields of the EventBridge
schema ``aws.xray@AWSXRayInsightUpdate``)."""


def insight_event_pattern(
    group_name: str, *, states: Sequence[str] | None = None
) -> dict[str, Any]:
    """Return the EventBridge pattern of the insight notifications of one group.

    X-Ray sends an event when an insight is created, changes significantly or is
    closed, for groups with insights and notifications enabled, on a best-effort
    basis, to the default event bus of the group's account and Region.

    Parameters
    ----------
    group_name
        The group's name (the event's ``detail.GroupName``).
    states
        Only insights in these states (``ACTIVE``, ``CLOSED``). Default: every update,
        so that people also hear when an insight closes.

    Raises
    ------
    ValueError
        When the group name or a state is not valid.

    Examples
    --------
    >>> insight_event_pattern("shop-dev-checkout")
    {'source': ['aws.xray'], 'detail-type': ['AWS X-Ray Insight Update'], \
'detail': {'GroupName': ['shop-dev-checkout']}}
    """
    if message := check_group_name(group_name):
        raise ValueError(message)
    detail: dict[str, list[str]] = {"GroupName": [group_name]}
    if states is not None:
        unknown = [s for s in states if s not in INSIGHT_STATES]
        if unknown or not states:
            raise ValueError(
                f"{', '.join(repr(cut(s)) for s in unknown) or 'no state'}: give insight states "
                f"among {_either(INSIGHT_STATES)}"
            )
        detail["State"] = list(dict.fromkeys(states))
    return {"source": [INSIGHT_SOURCE], "detail-type": [INSIGHT_DETAIL_TYPE], "detail": detail}


# --- Console links ----------------------------------------------------------------------------

_CONSOLES: Final[Mapping[str, str]] = {
    "aws": "https://console.aws.amazon.com",
    "aws-cn": "https://console.amazonaws.cn",
    "aws-us-gov": "https://console.amazonaws-us-gov.com",
}
_TRACE_ID_RE: Final = re.compile(r"1-[0-9a-fA-F]{8}-[0-9a-fA-F]{24}")
_W3C_TRACE_ID_RE: Final = re.compile(r"[0-9a-fA-F]{32}")
_HEADER_ROOT_RE: Final = re.compile(r"(?:^|;)\s*Root=([^;]*)")


def normalize_trace_id(text: str) -> str:
    """Return the X-Ray trace id in ``text``, in X-Ray format (``1-58406520-a006...``).

    Takes an X-Ray trace id, a W3C trace id (32 hex digits, written as the console
    shows it: ``1-`` + 8 digits + ``-`` + 24 digits) or a tracing header
    (``Root=1-...;Parent=...;Sampled=1``, as ``_X_AMZN_TRACE_ID`` holds it).

    Raises
    ------
    ValueError
        When ``text`` holds no trace id.
    """
    candidate = text.strip()
    header = _HEADER_ROOT_RE.search(candidate)
    if header is not None:
        candidate = header.group(1).strip()
    if _TRACE_ID_RE.fullmatch(candidate):
        return candidate.lower()
    if _W3C_TRACE_ID_RE.fullmatch(candidate):
        return f"1-{candidate[:8]}-{candidate[8:]}".lower()
    raise ValueError(
        f"{cut(text)!r} is not an X-Ray trace id; give 1-<8 hex digits>-<24 hex digits> "
        "(such as 1-58406520-a006649127e371903a2de979), a W3C trace id of 32 hex digits, or "
        "a Root=... tracing header"
    )


def _console_home(region: str, partition: str | None) -> str:
    known = partition_of(region)
    if partition is None:
        partition = known
    if partition is None:
        raise ValueError(
            f"{cut(region)!r} is not an AWS Region; give a Region name such as eu-west-1, "
            "or the partition for a Region known only at deployment"
        )
    if known is not None and known != partition:
        raise ValueError(f"{region} is in the {known} partition, not {partition}")
    console = _CONSOLES.get(partition)
    if console is None:
        raise ValueError(
            f"no console link for the {partition} partition; links are made for "
            f"{_either(list(_CONSOLES))}"
        )
    return f"{console}/cloudwatch/home?region={region}"


def trace_map_url(region: str, *, partition: str | None = None) -> str:
    """Return the CloudWatch console URL of the X-Ray trace map in ``region``.

    The CloudWatch console hosts the X-Ray pages since the X-Ray console was merged
    into it; its fragment route (``#xray:service-map/map``) is what the console
    itself shows in the address bar, not a documented interface.

    Parameters
    ----------
    region
        The Region; may be unresolved at synthesis when ``partition`` is given.
    partition
        Default: the Region's partition.
    """
    return f"{_console_home(region, partition)}#xray:service-map/map"


def trace_url(trace_id: str, region: str, *, partition: str | None = None) -> str:
    """Return the CloudWatch console URL of one trace (its map and timeline).

    ``trace_id`` is read by :func:`normalize_trace_id`. The route
    (``#xray:traces/<id>``) is the console's own, not a documented interface.

    Examples
    --------
    >>> trace_url("1-58406520-a006649127e371903a2de979", "eu-west-1")
    'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#xray:traces/\
1-58406520-a006649127e371903a2de979'
    """
    return f"{_console_home(region, partition)}#xray:traces/{normalize_trace_id(trace_id)}"
