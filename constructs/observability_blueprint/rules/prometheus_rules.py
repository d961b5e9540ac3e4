"""Prometheus rule files checked offline, the way Prometheus' rule loader checks them.

Pure module: no aws_cdk, pydantic or yaml import. The caller composes the file
with ``yaml.compose(text)`` and passes the node tree; this module reads it
through :class:`YamlNode`, which PyYAML's nodes satisfy, so every problem is
located at the line and column of the node it is about.

The checks are those of Prometheus' ``rulefmt.Parse`` and ``Validate``
(prometheus/prometheus ``model/rulefmt/rulefmt.go``):

- the file is a mapping with ``groups``; unknown keys are refused everywhere
  (Prometheus decodes with ``KnownFields(true)``), and so is a key written twice;
- a group has a non-empty ``name``, unique in the file; ``interval`` is a
  duration and ``limit`` a whole number;
- a rule sets exactly one of ``record`` and ``alert``, and an ``expr`` that
  parses (:mod:`~observability_blueprint.rules.promql`, with a caret);
- a recording rule has no ``annotations``, ``for`` or ``keep_firing_for``, and
  its name is a metric name without braces;
- ``for`` and ``keep_firing_for`` are durations (:func:`parse_duration`);
- label names are label names and not ``__name__``; annotation names are label
  names; label values are valid UTF-8;
- in an alerting rule's labels and annotations every ``{{`` is closed by ``}}``.
  Prometheus parses them as Go templates; a full Go-template parser is out of
  scope here, so an action that is closed but wrong (``{{ $labels.job | }}``)
  passes this check and fails when the alert fires.

Names follow Prometheus' legacy scheme (``[a-zA-Z_:][a-zA-Z0-9_:]*`` for metrics,
``[a-zA-Z_][a-zA-Z0-9_]*`` for labels): Prometheus 3 also takes UTF-8 names, but
the Amazon Managed Service for Prometheus documentation does not say it does, and
its CloudFormation schema checks label names of ``LimitsPerLabelSets`` with the
legacy pattern.

Amazon Managed Service for Prometheus reads "the same format as a rules file in
standalone Prometheus" (https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-Ruler.html)
without naming a Prometheus version. Group ``labels`` (Prometheus 3.0) and
``query_offset`` (2.53) are refused: its documentation shows neither, an unknown
key would fail CreateRuleGroupsNamespace at deploy time (or be ignored, which is
worse), and both have a documented replacement (labels on each rule; the
workspace's ``RuleQueryOffsetInSeconds``). The API's limit on "the combined length
of a rule group namespace and a rule group name" (721 UTF-8 bytes,
https://docs.aws.amazon.com/prometheus/latest/APIReference/API_CreateRuleGroupsNamespace.html)
is checked when the namespace is given.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any, Final, Protocol

from observability_blueprint.rules import limits
from observability_blueprint.rules.errors import BlueprintError, Problem, cut
from observability_blueprint.rules.promql import promql_error
from observability_blueprint.rules.text_syntax import caret_lines
from observability_blueprint.rules.yaml_text import yaml_text

METRIC_NAME_RE: Final = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
"""A metric name in Prometheus' legacy scheme (prometheus/common ``model/metric.go``)."""
LABEL_NAME_RE: Final = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
"""A label name in Prometheus' legacy scheme (prometheus/common ``model/labels.go``)."""
METRIC_NAME_RULE: Final = (
    "a metric name is letters, digits, _ and :, not starting with a digit "
    "(such as job:http_requests:rate5m)"
)
LABEL_NAME_RULE: Final = (
    "a label name is letters, digits and _, not starting with a digit (such as severity)"
)

DURATION_UNITS: Final[tuple[tuple[str, int], ...]] = (
    ("y", 365 * 24 * 3600 * 1000),
    ("w", 7 * 24 * 3600 * 1000),
    ("d", 24 * 3600 * 1000),
    ("h", 3600 * 1000),
    ("m", 60 * 1000),
    ("s", 1000),
    ("ms", 1),
)
"""Prometheus' duration units, largest first, in milliseconds (a year is 365 days)."""
DURATION_RULE: Final = (
    "a Prometheus duration is whole numbers each followed by a unit (ms, s, m, h, d, w, y), "
    "largest unit first and no spaces, such as 30s, 5m or 1h30m"
)
_DURATION_RE: Final = re.compile(
    "".join(rf"(?:([0-9]+){unit})?" for unit, _ in DURATION_UNITS), re.ASCII
)
_MAX_DURATION_MS: Final = (2**63 - 1) // 1_000_000  # a Go time.Duration in nanoseconds

PROMQL_RULE: Final = (
    "write expr: in PromQL, closing every ( [ and { it opens "
    "(https://prometheus.io/docs/prometheus/latest/querying/basics/)"
)
"""What a PromQL error's message asks for when the parser gives no hint of its own."""
YAML_RULE: Final = (
    "write valid YAML here: indent with spaces, close every quote, bracket and brace, and "
    "quote a value that holds ': '"
)
"""What a YAML syntax error's message asks for."""

NAMESPACE_GROUP_BYTES_MAX: Final = 721
"""CreateRuleGroupsNamespace: "The combined length of a rule group namespace and a rule
group name cannot exceed 721 UTF-8 bytes"."""

FILE_KEYS: Final = ("groups",)
GROUP_KEYS: Final = ("name", "interval", "limit", "rules")
RULE_KEYS: Final = ("record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations")
_REFUSED_GROUP_KEYS: Final = {
    "labels": (
        "group labels arrived in Prometheus 3.0 and Amazon Managed Service for Prometheus "
        "does not document them; put the labels under each rule's labels: instead"
    ),
    "query_offset": (
        "a group's query_offset arrived in Prometheus 2.53 and Amazon Managed Service for "
        "Prometheus does not document it; set the workspace's rule query offset "
        "(WorkspaceConfiguration RuleQueryOffsetInSeconds) instead"
    ),
}

_NULL: Final = "tag:yaml.org,2002:null"
_INT: Final = "tag:yaml.org,2002:int"
_MERGE: Final = "tag:yaml.org,2002:merge"
_KINDS: Final = {"mapping": "a mapping", "sequence": "a list", "scalar": "text"}


class YamlMark(Protocol):
    """Where a YAML node starts (PyYAML's ``Mark``): 0-based line and column."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


class YamlNode(Protocol):
    """A node of ``yaml.compose(text)``, read duck-typed (PyYAML's nodes satisfy it).

    Its kind is its ``id`` attribute, ``"scalar"``, ``"mapping"`` or ``"sequence"``
    (read with ``getattr``: PyYAML's stubs declare it on the node classes, not on
    ``yaml.Node``, which ``yaml.compose`` is typed to return); ``value`` is the text
    of a scalar, the ``(key, value)`` node pairs of a mapping, or the nodes of a list.
    """

    @property
    def tag(self) -> str: ...

    @property
    def value(self) -> Any: ...

    @property
    def start_mark(self) -> YamlMark: ...


def _kind(node: YamlNode) -> str:
    kind = getattr(node, "id", "")
    return kind if isinstance(kind, str) else ""


def _what(node: YamlNode) -> str:
    """The node's kind as a message names it: text, a mapping, a list."""
    return _KINDS.get(_kind(node), "an unknown kind of node")


# --- Durations -------------------------------------------------------------------


def _duration_ms(text: str) -> int | None:
    if text == "0":
        return 0
    match = _DURATION_RE.fullmatch(text)
    if not text or match is None:
        return None
    total = sum(
        int(number) * size
        for number, (_, size) in zip(match.groups(), DURATION_UNITS, strict=True)
        if number is not None
    )
    return total if total <= _MAX_DURATION_MS else None


def duration_ms(text: str) -> int | None:
    """Return the milliseconds a Prometheus duration stands for, or None when it is not one."""
    return _duration_ms(text)


def parse_duration(text: str) -> float | None:
    """Return the seconds a Prometheus duration stands for, or None when it is not one.

    Follows prometheus/common ``model.ParseDuration``: ``0`` alone needs no unit;
    otherwise whole numbers each with a unit, units from largest to smallest, each
    at most once, no spaces, signs or decimals.

    >>> parse_duration("1h30m"), parse_duration("500ms"), parse_duration("0")
    (5400.0, 0.5, 0.0)
    >>> parse_duration("5 m") is None and parse_duration("1h30") is None
    True
    """
    milliseconds = _duration_ms(text)
    return None if milliseconds is None else milliseconds / 1000


def check_duration(text: str) -> str | None:
    """Return what is wrong with ``text`` as a Prometheus duration, or None.

    The message starts with the value, quoted, and ends with what is allowed:

    >>> print(check_duration("1h30"))
    '1h30' is not a duration: the number 30 at the end has no unit; a Prometheus duration is ...
    """
    if _duration_ms(text) is not None:
        return None
    shown = repr(cut(text))
    if not text.strip():
        reason = "it is empty"
    elif re.search(r"\s", text):
        reason = "it has a space; write each number and its unit together (5m)"
    elif text[0] in "+-":
        reason = "it has a sign; durations are written without + or -"
    elif re.search(r"[0-9]\.[0-9]", text):
        reason = "it has a decimal point; write whole numbers (1h30m rather than 1.5h)"
    elif re.fullmatch(r"(?:[0-9]+[a-z]+)*[0-9]+", text):
        number = re.search(r"[0-9]+$", text)
        reason = f"the number {number.group() if number else text} at the end has no unit"
    elif unknown := next(
        (u for u in re.findall(r"[0-9]+([^0-9]*)", text) if u not in dict(DURATION_UNITS)),
        None,
    ):
        reason = f"{cut(unknown)!r} is not a unit"
    elif re.fullmatch(r"(?:[0-9]+(?:ms|s|m|h|d|w|y))+", text):
        units = re.findall(r"[0-9]+(ms|s|m|h|d|w|y)", text)
        order = [name for name, _ in DURATION_UNITS]
        if any(order.index(a) >= order.index(b) for a, b in pairwise(units)):
            reason = "its units must go from largest to smallest, each once (1h30m, not 30m1h)"
        else:
            reason = "it is longer than Prometheus can hold (about 292 years)"
    else:
        reason = "it is not a number followed by a unit"
    return f"{shown} is not a duration: {reason}; {DURATION_RULE}"


# --- Names -----------------------------------------------------------------------


def check_metric_name(name: str) -> str | None:
    """Return what is wrong with ``name`` as a Prometheus metric name, or None."""
    if METRIC_NAME_RE.fullmatch(name):
        return None
    return f"{cut(name)!r} is not a metric name; {METRIC_NAME_RULE}"


def check_label_name(name: str) -> str | None:
    """Return what is wrong with ``name`` as a Prometheus label name, or None."""
    if LABEL_NAME_RE.fullmatch(name):
        return None
    return f"{cut(name)!r} is not a label name; {LABEL_NAME_RULE}"


def unclosed_template(text: str) -> int | None:
    """Return the column of the first ``{{`` not closed by ``}}`` before the next ``{{``.

    Go templates treat a lone ``}}`` as text, so only opening delimiters are checked.
    """
    position = 0
    while (opening := text.find("{{", position)) >= 0:
        closing = text.find("}}", opening + 2)
        following = text.find("{{", opening + 2)
        if closing < 0 or 0 <= following < closing:
            return opening
        position = closing + 2
    return None


# --- Reading the node tree -------------------------------------------------------


def _quote(text: str) -> str:
    return json.dumps(cut(text), ensure_ascii=False)


@dataclass
class _Entry:
    """One key of a mapping after merges: its key node and value node."""

    key: YamlNode
    value: YamlNode


@dataclass
class _Checker:
    source: str
    lines: list[str] | None
    namespace: str | None
    problems: list[Problem] = field(default_factory=list)
    keys_reported: set[int] = field(default_factory=set)
    """Key nodes already reported: a mapping merged into others is read at each use."""

    # -- reporting

    def add(self, node: YamlNode | None, message: str, *, quote_line: bool = True) -> None:
        line = node.start_mark.line if node is not None else 0
        column = node.start_mark.column if node is not None else 0
        self.add_at(line, column, message, quote_line=quote_line)

    def add_at(self, line: int, column: int, message: str, *, quote_line: bool = True) -> None:
        if quote_line and self.lines is not None and 0 <= line < len(self.lines):
            message = f"{message}\n{caret_lines(self.lines[line], column)}"
        self.problems.append(Problem(f"{self.source}:{line + 1}:{column + 1}", message))

    # -- shapes

    def entries(
        self,
        node: YamlNode,
        where: str,
        allowed: Sequence[str],
        merging: frozenset[int] = frozenset(),
    ) -> dict[str, _Entry]:
        """Return a mapping node's keys (merges applied), refusing unknown and repeated ones.

        ``merging`` holds the mappings being merged into this one, so a mapping that
        merges itself (``&a {<<: *a}``) is read once.
        """
        found: dict[str, _Entry] = {}
        written: dict[str, int] = {}
        merged: list[YamlNode] = []
        pairs = node.value if isinstance(node.value, list) else []
        for key, value in pairs:
            if key.tag == _MERGE:
                merged.extend(value.value if _kind(value) == "sequence" else [value])
                continue
            if id(key) in self.keys_reported:
                continue
            if _kind(key) != "scalar":
                self.keys_reported.add(id(key))
                self.add(key, f"{where}: a key must be text, not {_what(key)}")
                continue
            name = str(key.value)
            if name in written:
                self.keys_reported.add(id(key))
                self.add(
                    key,
                    f"{where}: the key {name!r} is written twice in this mapping (first on line "
                    f"{written[name]}); write it once",
                )
                continue
            written[name] = key.start_mark.line + 1
            if name not in allowed:
                self.keys_reported.add(id(key))
                self._unknown_key(key, name, where, allowed)
                continue
            found[name] = _Entry(key, value)
        inside = merging | {id(node)}
        for source in merged:
            if _kind(source) != "mapping" or id(source) in inside:
                continue
            for name, entry in self.entries(source, where, allowed, inside).items():
                found.setdefault(name, entry)
        return found

    def _unknown_key(self, key: YamlNode, name: str, where: str, allowed: Sequence[str]) -> None:
        hint = limits.closest(name, list(allowed))
        suggestion = f" (did you mean {hint!r}?)" if hint else ""
        self.add(
            key,
            f"{where}: unknown key {cut(name)!r}{suggestion}; the keys are " + ", ".join(allowed),
        )

    def text(self, node: YamlNode, where: str) -> str | None:
        """Return a scalar's text as Go decodes it into a string ("" for null), else report."""
        if _kind(node) != "scalar":
            self.add(node, f"{where} must be text, not {_what(node)}")
            return None
        return "" if node.tag == _NULL else str(node.value)

    def mapping(self, node: YamlNode, where: str) -> bool:
        if _kind(node) == "mapping":
            return True
        if _kind(node) == "scalar" and node.tag == _NULL:
            return False
        self.add(node, f"{where} must be a mapping, not {_what(node)}")
        return False

    def sequence(self, node: YamlNode, where: str) -> list[YamlNode]:
        if _kind(node) == "sequence":
            return list(node.value) if isinstance(node.value, list) else []
        if not (_kind(node) == "scalar" and node.tag == _NULL):
            self.add(node, f"{where} must be a list, not {_what(node)}")
        return []

    def duration(self, entry: _Entry | None, where: str) -> int:
        if entry is None:
            return 0
        text = self.text(entry.value, where)
        if text is None or text == "":
            return 0
        if (message := check_duration(text)) is not None:
            self.add(entry.value, f"{where}: {message}")
            return 0
        return _duration_ms(text) or 0

    # -- the file

    def file(self, node: YamlNode | None) -> None:
        if node is None or (_kind(node) == "scalar" and node.tag == _NULL):
            self.add_at(
                0,
                0,
                "the rule file is empty; a rule file is a mapping with groups:, a list of "
                "rule groups (https://prometheus.io/docs/prometheus/latest/configuration/"
                "recording_rules/)",
                quote_line=False,
            )
            return
        if _kind(node) != "mapping":
            self.add(
                node,
                f"a rule file is a mapping with groups:, not {_what(node)}",
            )
            return
        keys = self.entries(node, "the rule file", FILE_KEYS)
        if "groups" not in keys:
            self.add(node, "the rule file has no groups:; write groups: with at least one group")
            return
        groups_node = keys["groups"].value
        groups = self.sequence(groups_node, "groups")
        if not groups:
            if _kind(groups_node) == "sequence" or groups_node.tag == _NULL:
                self.add(
                    groups_node,
                    "groups: holds no rule group; a rule file needs at least one group with rules",
                )
            return
        seen: dict[str, int] = {}
        for index, group in enumerate(groups):
            self.group(group, index, seen)

    def group(self, node: YamlNode, index: int, seen: dict[str, int]) -> None:
        if not self.mapping(node, f"groups[{index}]"):
            if _kind(node) == "scalar" and node.tag == _NULL:
                self.add(node, f"groups[{index}] is empty; a group has a name and rules")
            return
        keys = self.entries(node, f"groups[{index}]", (*GROUP_KEYS, *_REFUSED_GROUP_KEYS))
        name = self.text(keys["name"].value, f"groups[{index}].name") if "name" in keys else ""
        label = f"group {_quote(name)}" if name else f"groups[{index}]"
        for refused, why in _REFUSED_GROUP_KEYS.items():
            if refused in keys:
                self.add(keys[refused].key, f"{label}: {why}")
        if name == "":
            self.add(
                keys["name"].value if "name" in keys else node,
                f"groups[{index}]: the group name must not be empty; write name: with a name "
                "unique in the file",
            )
        elif name is not None:
            if name in seen:
                self.add(
                    keys["name"].value,
                    f"group name {_quote(name)} is used twice in this file (first on line "
                    f"{seen[name]}); group names are unique in a rule file",
                )
            else:
                seen[name] = keys["name"].value.start_mark.line + 1
            self._namespace_length(keys["name"].value, name)
        self.duration(keys.get("interval"), f"{label}: interval")
        if "limit" in keys:
            self._limit(keys["limit"].value, label)
        rules = self.sequence(keys["rules"].value, f"{label}: rules") if "rules" in keys else []
        for number, rule in enumerate(rules, start=1):
            self.rule(rule, label, number)

    def _namespace_length(self, node: YamlNode, name: str) -> None:
        if self.namespace is None:
            return
        size = len(self.namespace.encode("utf-8", "surrogatepass")) + len(
            name.encode("utf-8", "surrogatepass")
        )
        if size > NAMESPACE_GROUP_BYTES_MAX:
            self.add(
                node,
                f"group {_quote(name)}: the namespace {_quote(self.namespace)} and this group name "
                f"are {size} UTF-8 bytes together; Amazon Managed Service for Prometheus takes "
                f"at most {NAMESPACE_GROUP_BYTES_MAX} (CreateRuleGroupsNamespace): shorten either",
            )

    def _limit(self, node: YamlNode, label: str) -> None:
        text = self.text(node, f"{label}: limit")
        if text is None or text == "":
            return
        if node.tag == _INT and re.fullmatch(r"-[0-9]+", text.replace("_", "")):
            self.add(
                node,
                f"{label}: limit {cut(text)} is below 0; limit is how many series or alerts a rule "
                "may produce (0 for no limit)",
            )
        elif node.tag != _INT or not re.fullmatch(r"\+?[0-9]+", text.replace("_", "")):
            self.add(
                node,
                f"{label}: limit {cut(text)!r} is not a whole number; limit is how many series "
                "or alerts a rule may produce (0 for no limit)",
            )

    # -- a rule

    def rule(self, node: YamlNode, group: str, number: int) -> None:
        where = f"{group}, rule {number}"
        if not self.mapping(node, where):
            if _kind(node) == "scalar" and node.tag == _NULL:
                self.add(node, f"{where} is empty; a rule has record: or alert:, and expr:")
            return
        keys = self.entries(node, where, RULE_KEYS)
        record = self.text(keys["record"].value, f"{where}: record") if "record" in keys else ""
        alert = self.text(keys["alert"].value, f"{where}: alert") if "alert" in keys else ""
        expr = self.text(keys["expr"].value, f"{where}: expr") if "expr" in keys else ""
        if alert or record:
            where = f"{where} {_quote(alert or record or '')}"
        if record and alert:
            self.add(
                keys["record"].key,
                f"{where}: a rule sets either record: (a recording rule) or alert: (an alerting "
                "rule), not both",
            )
        elif record == "" and alert == "":
            self.add(
                node,
                f"{where}: a rule needs record: (the metric name a recording rule writes) or "
                "alert: (the name of an alerting rule)",
            )
        if expr == "":
            self.add(
                keys["expr"].value if "expr" in keys else node,
                f"{where}: the rule has no expr:; every rule needs a PromQL expression",
            )
        elif expr is not None:
            self._expr(keys["expr"].value, expr, where)
        for_ms = self.duration(keys.get("for"), f"{where}: for")
        keep_ms = self.duration(keys.get("keep_firing_for"), f"{where}: keep_firing_for")
        labels = self.string_map(keys.get("labels"), f"{where}: labels")
        annotations = self.string_map(keys.get("annotations"), f"{where}: annotations")
        if record:
            self._recording(keys, record, where, for_ms=for_ms, keep_ms=keep_ms, notes=annotations)
        for name_node, name, value_node, value in labels:
            if name == "__name__" or not LABEL_NAME_RE.fullmatch(name):
                why = (
                    "__name__ is the metric name and cannot be set as a label"
                    if name == "__name__"
                    else LABEL_NAME_RULE
                )
                self.add(
                    name_node, f"{where}: label {cut(name)!r} is not a valid label name; {why}"
                )
            self._utf8(value_node, value, f"{where}: label {_quote(name)}")
        for name_node, name, _, _ in annotations:
            if not LABEL_NAME_RE.fullmatch(name):
                self.add(
                    name_node,
                    f"{where}: annotation {cut(name)!r} is not a valid annotation name; "
                    f"annotation names follow label names: {LABEL_NAME_RULE}",
                )
        if alert and not record:
            for kind, pairs in (("label", labels), ("annotation", annotations)):
                for _, name, value_node, value in pairs:
                    self._template(value_node, value, f"{where}: {kind} {_quote(name)}")

    def _expr(self, node: YamlNode, expr: str, where: str) -> None:
        found = promql_error(expr)
        if found is None:
            return
        reason, column, caret = found
        # The parser's own hint, when it gives one (after "; "), says what is allowed.
        hint = "" if "; " in reason else f"; {PROMQL_RULE}"
        # Prometheus' loader words a parse error so; what parses but needs more than
        # Prometheus 2 (rules.promql) is said as it is.
        lead = "could not parse expression: " if reason.startswith("not valid PromQL") else ""
        line, at = self._expr_position(node, expr, column)
        self.add_at(
            line,
            at,
            f"{where}: expr: {lead}{reason}{hint}\n{caret}",
            quote_line=False,
        )

    def _expr_position(self, node: YamlNode, expr: str, column: int) -> tuple[int, int]:
        """The file line and column of ``expr[column]`` when the text shows it as written."""
        start = node.start_mark
        style = getattr(node, "style", None)
        if self.lines is None:
            return start.line, start.column
        if "\n" not in expr and style in (None, '"', "'"):
            offset = 0 if style is None else 1
            written = (
                self.lines[start.line][start.column + offset :]
                if start.line < len(self.lines)
                else ""
            )
            if written.startswith(expr):
                return start.line, start.column + offset + column
        if style == "|":
            before = expr[:column]
            line = start.line + 1 + before.count("\n")
            inside = column - (before.rfind("\n") + 1)
            expected = expr.split("\n")[before.count("\n")]
            content = self.lines[line] if line < len(self.lines) else ""
            indent = len(content) - len(expected)
            if expected and content.endswith(expected) and not content[:indent].strip(" "):
                return line, indent + inside
        return start.line, start.column

    def _recording(
        self,
        keys: dict[str, _Entry],
        record: str,
        where: str,
        *,
        for_ms: int,
        keep_ms: int,
        notes: list[tuple[YamlNode, str, YamlNode, str]],
    ) -> None:
        record_node = keys["record"].value
        if notes:
            self.add(
                keys["annotations"].key,
                f"{where}: a recording rule has no annotations (they describe alerts); remove "
                "them or make the rule an alert:",
            )
        for name, milliseconds in (("for", for_ms), ("keep_firing_for", keep_ms)):
            if milliseconds:
                self.add(
                    keys[name].key,
                    f"{where}: a recording rule has no {name}: (it applies to alerts); remove it "
                    "or make the rule an alert:",
                )
        if "{" in record or "}" in record:
            self.add(
                record_node,
                f"{where}: braces in the recording rule name {_quote(record)}: should they be in "
                "expr? record: is the metric name the rule writes; put label matchers in expr: "
                "and extra labels under labels:",
            )
        elif not METRIC_NAME_RE.fullmatch(record):
            self.add(
                record_node,
                f"{where}: {cut(record)!r} is not a valid recording rule name; {METRIC_NAME_RULE}",
            )

    def string_map(
        self, entry: _Entry | None, where: str
    ) -> list[tuple[YamlNode, str, YamlNode, str]]:
        """Return the (key node, name, value node, text) of a mapping of names to text."""
        if entry is None or not self.mapping(entry.value, where):
            return []
        pairs: list[tuple[YamlNode, str, YamlNode, str]] = []
        seen: dict[str, int] = {}
        for key, value in entry.value.value if isinstance(entry.value.value, list) else []:
            name = self.text(key, f"{where}: a name")
            text = self.text(value, f"{where}: {_quote(name or '')}")
            if name is None or text is None:
                continue
            if name in seen:
                self.add(
                    key,
                    f"{where}: {cut(name)!r} is written twice (first on line {seen[name]}); "
                    "write it once",
                )
                continue
            seen[name] = key.start_mark.line + 1
            pairs.append((key, name, value, text))
        return pairs

    def _utf8(self, node: YamlNode, value: str, where: str) -> None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.add(node, f"{where}: the value is not valid UTF-8 (it holds a lone surrogate)")

    def _template(self, node: YamlNode, value: str, where: str) -> None:
        opening = unclosed_template(value)
        if opening is None:
            return
        self.add(
            node,
            f"{where}: the template action {{{{ at column {opening + 1} of the value is never "
            "closed with }}; Prometheus reads alert labels and annotations as Go templates "
            "({{ $labels.job }}, {{ $value }})",
        )


def rule_file_problems(
    node: YamlNode | None,
    *,
    source: str,
    text: str | None = None,
    namespace: str | None = None,
) -> list[Problem]:
    """Return every problem of a Prometheus rule file, in file order.

    Parameters
    ----------
    node
        The root node of ``yaml.compose(text)`` (None for an empty file).
    source
        The file's name or path as messages show it.
    text
        The file's text, when known: messages then quote the offending line with a
        caret, and PromQL errors are located at their own column of the file.
    namespace
        The rule groups namespace the file goes into, when known: each group name is
        then checked against the 721-byte limit of namespace and group name together.

    Returns
    -------
    list of Problem
        Locations are ``<source>:<line>:<column>`` (1-based); messages name the group
        and the rule (``group "api", rule 2 "job:http_requests:rate5m": ...``).
    """
    checker = _Checker(source, text.splitlines() if text is not None else None, namespace)
    checker.file(node)
    # A mapping merged into others (<<: *rule) is read at each use: report it once.
    return sorted(dict.fromkeys(checker.problems), key=_file_order)


def _file_order(problem: Problem) -> tuple[int, int]:
    _, line, column = problem.location.rsplit(":", 2)
    return int(line), int(column)


def yaml_error_problem(error: object, *, source: str) -> Problem:
    """Return the problem a PyYAML ``MarkedYAMLError`` stands for, located in ``source``.

    Reads ``problem``, ``problem_mark``, ``context`` and ``context_mark`` duck-typed, so
    callers of any layer report a rule file or collector configuration that is not
    YAML the same way as :func:`rule_file_problems` reports the rest.
    """
    problem = getattr(error, "problem", None)
    context = getattr(error, "context", None)
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if not isinstance(problem, str):
        problem = str(error)
    if problem.startswith("found character '\\t'"):
        message = "a tab: YAML indents with spaces, never tabs; replace the tab with spaces"
    elif "expected a single document" in problem or problem == "but found another document":
        message = (
            "a second YAML document starts here (---); a rule file holds one document: remove "
            "this line and what follows, or move it to a file of its own"
        )
    else:
        prefix = f"{context}: " if isinstance(context, str) and context else ""
        message = f"not valid YAML: {prefix}{problem}; {YAML_RULE}"
    line = getattr(mark, "line", None)
    column = getattr(mark, "column", None)
    if isinstance(line, int) and isinstance(column, int):
        return Problem(f"{source}:{line + 1}:{column + 1}", message)
    return Problem(source, message)


# --- Shipped defaults ------------------------------------------------------------

REQUEST_DURATION_METRIC: Final = "http_server_request_duration_seconds"
"""The OpenTelemetry HTTP server duration histogram as Prometheus names it.

OpenTelemetry's stable HTTP semantic conventions name the instrument
``http.server.request.duration`` (a histogram in seconds, with the attribute
``http.response.status_code``):
https://opentelemetry.io/docs/specs/semconv/http/http-metrics/#metric-httpserverrequestduration.
Prometheus exporters and remote write replace dots with underscores and append the
unit (``_seconds``), and a histogram's series end in ``_bucket``, ``_count`` and
``_sum``: https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/.
The histogram's ``_count`` is the number of requests, so rate, error ratio and
latency all come from one instrument. (``http_requests_total`` is only a naming
example in Prometheus' documentation, with no agreed labels.)"""
STATUS_CODE_LABEL: Final = "http_response_status_code"
"""``http.response.status_code`` with dots written as underscores."""
QUANTILES: Final = (0.5, 0.9, 0.99)
"""The latency quantiles recorded: p50, p90 and p99."""
SHIPPED_RULE_LABELS: Final[dict[str, str]] = {
    "le": "the histogram's bucket bound, kept by the latency rules",
    "quantile": "written by the latency recording rules",
    STATUS_CODE_LABEL: "the status code the error ratio selects 5xx on",
    "severity": "set by the shipped alerts",
}
"""Labels the shipped rules use themselves, so none of them can name the service:
``sum by (le, le)`` would keep one bucket label, and a recording or alerting rule's own
label replaces the service's."""


def _number(value: float) -> str:
    """A number as PromQL and a person read it: 0.05, 1, 0.25 (never 5e-02)."""
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _promql_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def default_service_rules(
    service: str,
    *,
    service_label: str = "job",
    window: str = "5m",
    error_ratio_threshold: float = 0.05,
    p99_latency_seconds: float = 1.0,
    alert_for: str = "5m",
    severity: str = "critical",
    interval: str | None = None,
) -> str:
    """Return a rule file (YAML text) with the shipped rules for one HTTP service.

    Recording rules, each summed by ``service_label`` for the series where it equals
    ``service``:

    - ``<label>:http_server_requests:rate<window>``: requests per second;
    - ``<label>:http_server_request_errors:ratio_rate<window>``: the share of
      responses with a 5xx status code;
    - ``<label>:http_server_request_duration_seconds:histogram_quantile_rate<window>``,
      with a ``quantile`` label of 0.5, 0.9 and 0.99: latency quantiles from the
      histogram's buckets.

    Alerting rules on them: ``HttpServerErrorRatioHigh`` when the error ratio stays
    above ``error_ratio_threshold`` for ``alert_for``, and ``HttpServerLatencyP99High``
    when p99 latency stays above ``p99_latency_seconds``. The metric names are those of
    :data:`REQUEST_DURATION_METRIC`.

    Parameters
    ----------
    service
        The value of ``service_label`` that selects the service (with the OpenTelemetry
        Prometheus exporter, ``job`` is the service's ``service.name``).
    service_label
        The label that names the service.
    window
        The range of ``rate()``; at least four scrape intervals.
    error_ratio_threshold
        Share of 5xx responses (above 0, at most 1) that fires the error alert.
    p99_latency_seconds
        p99 latency, in seconds, that fires the latency alert.
    alert_for
        How long a condition holds before its alert fires.
    severity
        The ``severity`` label of both alerts (the alert manager routes on it).
    interval
        The group's evaluation interval; default the workspace's (one minute).

    Raises
    ------
    BlueprintError
        When an argument is not one the rules can use (locations are argument names).
    """
    problems = _default_rule_problems(
        service,
        service_label=service_label,
        window=window,
        error_ratio_threshold=error_ratio_threshold,
        p99_latency_seconds=p99_latency_seconds,
        alert_for=alert_for,
        interval=interval,
    )
    if problems:
        raise BlueprintError(problems)
    label = service_label
    selector = f"{label}={_promql_string(service)}"
    requests = f"{REQUEST_DURATION_METRIC}_count{{{selector}}}"
    errors = f'{REQUEST_DURATION_METRIC}_count{{{selector},{STATUS_CODE_LABEL}=~"5.."}}'
    rate_name = f"{label}:http_server_requests:rate{window}"
    error_name = f"{label}:http_server_request_errors:ratio_rate{window}"
    latency_name = f"{label}:{REQUEST_DURATION_METRIC}:histogram_quantile_rate{window}"
    recording: list[dict[str, object]] = [
        {"record": rate_name, "expr": f"sum by ({label}) (rate({requests}[{window}]))"},
        {
            "record": error_name,
            "expr": (
                f"sum by ({label}) (rate({errors}[{window}])) / "
                f"sum by ({label}) (rate({requests}[{window}]))"
            ),
        },
    ]
    recording += [
        {
            "record": latency_name,
            "expr": (
                f"histogram_quantile({_number(quantile)}, sum by ({label}, le) "
                f"(rate({REQUEST_DURATION_METRIC}_bucket{{{selector}}}[{window}])))"
            ),
            "labels": {"quantile": _number(quantile)},
        }
        for quantile in QUANTILES
    ]
    alerting: list[dict[str, object]] = [
        {
            "alert": "HttpServerErrorRatioHigh",
            "expr": f"{error_name}{{{selector}}} > {_number(error_ratio_threshold)}",
            "for": alert_for,
            "labels": {"severity": severity},
            "annotations": {
                "summary": f"{{{{ $labels.{label} }}}}: more than "
                f"{_number(error_ratio_threshold * 100)}% of HTTP requests fail with 5xx",
                "description": "{{ $value | humanizePercentage }} of requests to "
                f"{{{{ $labels.{label} }}}} answered 5xx over the last {window}.",
            },
        },
        {
            "alert": "HttpServerLatencyP99High",
            "expr": f'{latency_name}{{{selector},quantile="0.99"}} > '
            f"{_number(p99_latency_seconds)}",
            "for": alert_for,
            "labels": {"severity": severity},
            "annotations": {
                "summary": f"{{{{ $labels.{label} }}}}: p99 HTTP latency above "
                f"{_number(p99_latency_seconds)}s",
                "description": "p99 latency of {{ $labels."
                + label
                + " }} is {{ $value | humanizeDuration }} over the last "
                + f"{window}.",
            },
        },
    ]
    group: dict[str, object] = {"name": f"{service}-http"}
    if interval is not None:
        group["interval"] = interval
    group["rules"] = recording + alerting
    return yaml_text({"groups": [group]})


def _default_rule_problems(
    service: str,
    *,
    service_label: str,
    window: str,
    error_ratio_threshold: float,
    p99_latency_seconds: float,
    alert_for: str,
    interval: str | None,
) -> list[Problem]:
    problems: list[Problem] = []
    if not service.strip():
        problems.append(Problem("service", "is empty; name the service its series carry"))
    if (message := check_label_name(service_label)) is not None:
        problems.append(Problem("service_label", message))
    elif service_label.startswith("__"):
        # "Label names beginning with __ (two underscores) MUST be reserved for internal
        # Prometheus use" (https://prometheus.io/docs/concepts/data_model/); the rules would
        # select and sum by a label no stored series carries (__name__ aside, which is
        # the metric name itself).
        problems.append(
            Problem(
                "service_label",
                f"{service_label!r} is reserved: label names starting with __ are Prometheus' "
                "own (__name__ is the metric name) and never name a service; give the label "
                "your series carry the service in, such as job or service",
            )
        )
    elif service_label in SHIPPED_RULE_LABELS:
        problems.append(
            Problem(
                "service_label",
                f"{service_label!r} is a label the shipped rules use themselves "
                f"({SHIPPED_RULE_LABELS[service_label]}); give the label your series carry "
                "the service in, such as job or service (not "
                + ", ".join(SHIPPED_RULE_LABELS)
                + ")",
            )
        )
    for where, value in (("window", window), ("alert_for", alert_for), ("interval", interval)):
        if value is not None and (message := check_duration(value)) is not None:
            problems.append(Problem(where, message))
    if window == "0" or parse_duration(window) == 0:
        problems.append(Problem("window", "rate() needs a range above 0, such as 5m"))
    if not 0 < error_ratio_threshold <= 1:
        problems.append(
            Problem(
                "error_ratio_threshold",
                f"{error_ratio_threshold!r} is not a share of requests; use a number above 0 "
                "and at most 1 (0.05 for 5%)",
            )
        )
    if not p99_latency_seconds > 0:
        problems.append(
            Problem(
                "p99_latency_seconds",
                f"{p99_latency_seconds!r} is not a latency; use seconds above 0 (0.5 for 500 ms)",
            )
        )
    return problems


NAMESPACE_NAME_MAX: Final = 64
"""``AWS::APS::RuleGroupsNamespace`` ``Name``: 1 to 64 characters (the CloudFormation
schema; the API allows 128, but CloudFormation is the binding limit here)."""
# The schema's Arn pattern ends .../rulegroupsnamespace/WORKSPACE/[0-9A-Za-z][-.0-9A-Z_a-z]*:
# a name outside that form would give the namespace an ARN the schema refuses.
_NAMESPACE_NAME_RE: Final = re.compile(r"[0-9A-Za-z][-.0-9A-Z_a-z]*")


def check_namespace_name(name: str) -> str | None:
    """Why ``name`` cannot name a rule groups namespace (None: it can)."""
    if not 1 <= len(name) <= NAMESPACE_NAME_MAX or not _NAMESPACE_NAME_RE.fullmatch(name):
        return (
            f"{cut(name)!r} is not a rule groups namespace name; use 1 to {NAMESPACE_NAME_MAX} "
            "letters, digits and - . _, starting with a letter or digit "
            f"(it is {len(name)} characters)"
        )
    return None
