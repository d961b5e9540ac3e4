"""CloudWatch Logs transformers: the processors, their rules, and an offline engine.

Pure module: no aws_cdk import. A transformer (``AWS::Logs::Transformer``) turns
each event of a log group into JSON at ingestion, so that queries, metric
filters and field indexes see fields in access logs, syslog or ``key=value``
lines. This module models the processors the blueprint emits, checks them
against CloudWatch Logs' rules, renders them as CloudFormation properties, and
applies them offline so metric filter examples can be written as raw lines.

Sources, checked on the day of writing:

- "Create and manage log transformers" (order and count rules):
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch-Logs-Transformation-Create.html
- "Processors that you can use" and "Configurable parser-type processors"
  (per-processor limits, grok patterns, the examples the tests replay):
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch-Logs-Transformation-Processors.html
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch-Logs-Transformation-Configurable.html
- botocore ``logs`` shapes ``Processors`` (1-20), ``AddKeyEntries`` (1-5),
  ``GrokMatch`` (1-512), ``Columns`` (at most 100) ..., and the CloudFormation
  schema of ``AWS::Logs::Transformer`` (keys must hold a letter or digit).

Where the user guide and the API disagree the stricter figure is used, so
nothing this module accepts is refused at deploy: ``typeConverter`` takes 10
entries by the guide but 5 by the API and the CloudFormation schema.

The offline engine emulates what the guide documents and assumes the rest:
grok matches the whole value (the guide's ``%{DATA:x} %{DATA:y}`` example only
holds anchored), text between ``%{...}`` is literal, a value that does not
parse leaves the event untouched, and a transformer whose first parser fails
leaves the raw line. Grok runs on RE2 (google-re2), in time linear in the line.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import json
import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Final, Literal, get_args

import re2

from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.limits import closest
from observability_blueprint.rules.metric_filters import (
    MetricFilterSpec,
    PatternExamples,
    Transform,
    metric_filter_problems,
)

# "Create and manage log transformers" guidelines.
PROCESSORS_MAX: Final = 20
PARSERS_MAX: Final = 5
# botocore shapes Key, Target, Column, WithKey...; the guide's "Maximum length: 128".
KEY_MAX: Final = 128
ADD_KEY_VALUE_MAX: Final = 256
GROK_MATCH_MAX: Final = 512
GROK_PATTERNS_MAX: Final = 20
CSV_COLUMNS_MAX: Final = 100
MESSAGE: Final = "@message"
"""The source every parser reads by default: the whole raw event."""

# CloudFormation schema of AWS::Logs::Transformer, definition NonEmptyString:
# "^.*[a-zA-Z0-9]+.*$".
_HAS_ALNUM: Final = re.compile(r"[A-Za-z0-9]")

Role = Literal["parser", "vended parser", "mutator"]
"""What a processor is to the ordering rules: a vended parser is also a parser."""


class OfflineUnsupportedError(ValueError):
    """A processor the offline engine cannot apply (its output is not documented enough)."""


# -- JSON paths --------------------------------------------------------------------

_MISSING: Final = object()


def _get(event: Mapping[str, Any], path: str) -> Any:
    node: Any = event
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _set(event: dict[str, Any], path: str, value: Any, *, overwrite: bool = True) -> None:
    *parents, last = path.split(".")
    node = event
    for part in parents:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            return
        node = child
    if overwrite or last not in node:
        node[last] = value


def _pop(event: dict[str, Any], path: str) -> Any:
    *parents, last = path.split(".")
    parent = _get(event, ".".join(parents)) if parents else event
    if isinstance(parent, dict) and last in parent:
        return parent.pop(last)
    return _MISSING


def _source_text(event: Mapping[str, Any], message: str, source: str | None) -> str | None:
    if source is None or source == MESSAGE:
        return message
    value = _get(event, source)
    return value if isinstance(value, str) else None


def _place(event: dict[str, Any], found: Mapping[str, Any], destination: str | None) -> None:
    if destination:
        _set(event, destination, dict(found))
    else:
        event.update(found)


# -- checks shared by the processors ---------------------------------------------


def _key_problems(
    where: str, value: str, *, alnum: bool = True, limit: int = KEY_MAX
) -> list[Problem]:
    if not 1 <= len(value) <= limit:
        return [
            Problem(
                where,
                f"{cut(value)!r} is {len(value)} characters; CloudWatch Logs takes 1 to {limit}",
            )
        ]
    if alnum and not _HAS_ALNUM.search(value):
        return [
            Problem(
                where,
                f"{cut(value)!r} has no letter or digit; CloudFormation requires one in this field",
            )
        ]
    return []


def _count_problems(where: str, count: int, kind: str, limit: int) -> list[Problem]:
    if 1 <= count <= limit:
        return []
    return [Problem(where, f"{count} entries; {kind} takes 1 to {limit}")]


def _duplicate_problems(where: str, values: Sequence[str]) -> list[Problem]:
    seen: set[str] = set()
    problems: list[Problem] = []
    for index, value in enumerate(values):
        if value in seen:
            problems.append(
                Problem(f"{where}[{index}]", f"{cut(value)!r} is listed twice; list each key once")
            )
        seen.add(value)
    return problems


def _optional_key(where: str, value: str | None, *, alnum: bool = True) -> list[Problem]:
    return [] if value is None else _key_problems(where, value, alnum=alnum)


def _without_none(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


# -- the processors ----------------------------------------------------------------


class Processor(ABC):
    """One step of a transformer, as CloudWatch Logs defines it.

    Subclasses are frozen dataclasses; ``kind`` is the name the CloudWatch Logs
    guide and API use (``parseJSON``), ``cfn_key`` the CloudFormation key.
    """

    kind: ClassVar[str]
    cfn_key: ClassVar[str]
    role: ClassVar[Role] = "mutator"

    @abstractmethod
    def cfn_properties(self) -> dict[str, Any]:
        """The processor's CloudFormation properties (PascalCase keys)."""

    @abstractmethod
    def problems(self) -> list[Problem]:
        """What CloudWatch Logs would refuse, located by field (``entries[1].key``)."""

    @abstractmethod
    def apply(self, event: dict[str, Any], message: str) -> bool:
        """Transform ``event`` in place; ``message`` is the raw line (``@message``).

        Returns False when a parser found nothing to parse (the event is unchanged).
        """

    def to_cfn(self) -> dict[str, Any]:
        """The processor as one item of ``TransformerConfig``."""
        return {self.cfn_key: self.cfn_properties()}

    @property
    def is_parser(self) -> bool:
        """True for parsers, vended-log parsers included."""
        return self.role != "mutator"


@dataclass(frozen=True, kw_only=True)
class ParseJSON(Processor):
    """Parse a JSON value (default: the whole event) into fields.

    Parameters
    ----------
    source
        Dotted path of the field to parse. Default: ``@message``.
    destination
        Dotted path to put the parsed object under. Default: the root.
    """

    kind: ClassVar[str] = "parseJSON"
    cfn_key: ClassVar[str] = "ParseJSON"
    role: ClassVar[Role] = "parser"
    source: str | None = None
    destination: str | None = None

    def cfn_properties(self) -> dict[str, Any]:
        return _without_none(Source=self.source, Destination=self.destination)

    def problems(self) -> list[Problem]:
        return _optional_key("source", self.source, alnum=False) + _optional_key(
            "destination", self.destination
        )

    def apply(self, event: dict[str, Any], message: str) -> bool:
        text = _source_text(event, message, self.source)
        if text is None:
            return False
        try:
            parsed = json.loads(text)
        except ValueError:
            return False
        if not isinstance(parsed, dict):
            return False
        _place(event, parsed, self.destination)
        return True


@dataclass(frozen=True, kw_only=True)
class ParseKeyValue(Processor):
    """Parse ``key=value`` pairs into fields.

    Parameters
    ----------
    field_delimiter
        Between pairs. Default (CloudWatch Logs'): ``&``; logfmt lines use ``" "``.
    key_value_delimiter
        Between a key and its value. Default: ``=``.
    key_prefix
        Prepended to every key. Default: none.
    non_match_value
        The value of a pair without a delimiter. Default: such pairs are dropped.
    source, destination
        As for :class:`ParseJSON`.
    overwrite_if_exists
        Replace fields that already exist. Default: keep them.
    """

    kind: ClassVar[str] = "parseKeyValue"
    cfn_key: ClassVar[str] = "ParseKeyValue"
    role: ClassVar[Role] = "parser"
    field_delimiter: str | None = None
    key_value_delimiter: str | None = None
    key_prefix: str | None = None
    non_match_value: str | None = None
    source: str | None = None
    destination: str | None = None
    overwrite_if_exists: bool = False

    def cfn_properties(self) -> dict[str, Any]:
        return _without_none(
            Source=self.source,
            Destination=self.destination,
            FieldDelimiter=self.field_delimiter,
            KeyValueDelimiter=self.key_value_delimiter,
            KeyPrefix=self.key_prefix,
            NonMatchValue=self.non_match_value,
            OverwriteIfExists=self.overwrite_if_exists or None,
        )

    def problems(self) -> list[Problem]:
        return [
            *_optional_key("source", self.source),
            *_optional_key("destination", self.destination),
            *_optional_key("field_delimiter", self.field_delimiter, alnum=False),
            *_optional_key("key_value_delimiter", self.key_value_delimiter, alnum=False),
            *_optional_key("key_prefix", self.key_prefix),
            *_optional_key("non_match_value", self.non_match_value),
        ]

    def apply(self, event: dict[str, Any], message: str) -> bool:
        text = _source_text(event, message, self.source)
        if text is None:
            return False
        pairs = text.split(self.field_delimiter or "&")
        separator = self.key_value_delimiter or "="
        found: dict[str, str] = {}
        for pair in pairs:
            if not pair:
                continue
            key, sep, value = pair.partition(separator)
            if not sep:
                if self.non_match_value is None:
                    continue
                value = self.non_match_value
            if key:
                found[(self.key_prefix or "") + key] = value
        if not found:
            return False
        target = event
        if self.destination:
            _set(event, self.destination, {}, overwrite=False)
            nested = _get(event, self.destination)
            if not isinstance(nested, dict):
                return False
            target = nested
        for key, value in found.items():
            if self.overwrite_if_exists or key not in target:
                target[key] = value
        return True


@dataclass(frozen=True, kw_only=True)
class Csv(Processor):
    """Parse delimiter-separated values into columns.

    Parameters
    ----------
    columns
        Column names. Default: ``column_1``, ``column_2``...
    delimiter
        One character, or ``\\t`` (tab) or ``\\s`` (space). Default: ``,``.
    quote_character
        One character. Default: ``"``.
    source
        As for :class:`ParseJSON`.
    """

    kind: ClassVar[str] = "csv"
    cfn_key: ClassVar[str] = "Csv"
    role: ClassVar[Role] = "parser"
    columns: Sequence[str] = ()
    delimiter: str | None = None
    quote_character: str | None = None
    source: str | None = None

    def cfn_properties(self) -> dict[str, Any]:
        return _without_none(
            Columns=list(self.columns) or None,
            Delimiter=self.delimiter,
            QuoteCharacter=self.quote_character,
            Source=self.source,
        )

    def problems(self) -> list[Problem]:
        problems = _optional_key("source", self.source, alnum=False)
        if (
            self.delimiter is not None
            and self.delimiter not in _CSV_ESCAPES
            and len(self.delimiter) != 1
        ):
            problems.append(
                Problem(
                    "delimiter",
                    f"{cut(self.delimiter)!r} is not a csv delimiter; use one character, or \\t "
                    "for a tab or \\s for a space",
                )
            )
        if self.quote_character is not None and len(self.quote_character) != 1:
            problems.append(
                Problem(
                    "quote_character",
                    f"{cut(self.quote_character)!r} is not one character; a csv quote is one "
                    "character",
                )
            )
        if len(self.columns) > CSV_COLUMNS_MAX:
            problems.append(
                Problem(
                    "columns",
                    f"{len(self.columns)} columns; the csv processor takes at most "
                    f"{CSV_COLUMNS_MAX}",
                )
            )
        for index, column in enumerate(self.columns):
            problems += _key_problems(f"columns[{index}]", column)
        return problems + _duplicate_problems("columns", list(self.columns))

    def apply(self, event: dict[str, Any], message: str) -> bool:
        text = _source_text(event, message, self.source)
        if text is None:
            return False
        delimiter = _CSV_ESCAPES.get(self.delimiter or ",", self.delimiter or ",")
        if len(delimiter) != 1:
            return False
        reader = csv.reader([text], delimiter=delimiter, quotechar=self.quote_character or '"')
        values = next(reader, [])
        if not values:
            return False
        for index, value in enumerate(values):
            name = self.columns[index] if index < len(self.columns) else f"column_{index + 1}"
            _set(event, name, value)
        return True


_CSV_ESCAPES: Final = {"\\t": "\t", "\\s": " "}

VendedLogType = Literal["cloudfront", "vpc", "waf", "route53", "postgres"]
"""AWS vended logs CloudWatch Logs has a built-in parser for."""
_VENDED_KEYS: Final[dict[str, tuple[str, str]]] = {
    "cloudfront": ("parseCloudfront", "ParseCloudfront"),
    "vpc": ("parseVPC", "ParseVPC"),
    "waf": ("parseWAF", "ParseWAF"),
    "route53": ("parseRoute53", "ParseRoute53"),
    "postgres": ("parsePostgres", "ParsePostgres"),
}


@dataclass(frozen=True, kw_only=True)
class VendedLogParser(Processor):
    """A built-in parser for one kind of AWS vended log; it must come first.

    Parameters
    ----------
    log_type
        ``cloudfront``, ``vpc``, ``waf``, ``route53`` or ``postgres``. These read
        only ``@message`` and are not emulated offline.
    """

    kind: ClassVar[str] = "vended"
    cfn_key: ClassVar[str] = "vended"
    role: ClassVar[Role] = "vended parser"
    log_type: VendedLogType

    @property
    def name(self) -> str:
        """The processor's name (``parseVPC``)."""
        return _VENDED_KEYS.get(self.log_type, (f"parse {self.log_type}", ""))[0]

    def to_cfn(self) -> dict[str, Any]:
        return {_VENDED_KEYS[self.log_type][1]: {}}

    def cfn_properties(self) -> dict[str, Any]:
        return {}

    def problems(self) -> list[Problem]:
        if self.log_type in _VENDED_KEYS:
            return []
        return [
            Problem(
                "log_type",
                f"{cut(str(self.log_type))!r} is not a vended log CloudWatch Logs parses; use "
                + ", ".join(_VENDED_KEYS),
            )
        ]

    def apply(self, event: dict[str, Any], message: str) -> bool:
        raise OfflineUnsupportedError(f"{self.name} is not emulated offline")


OcsfEventSource = Literal["CloudTrail", "Route53Resolver", "VPCFlow", "EKSAudit", "AWSWAF"]
OcsfVersion = Literal["V1.1", "V1.5"]
# CloudFormation schema MappingVersion; the parseToOCSF page spells it v1.5.0. (The
# botocore shape omits the v: the documentation and the schema agree, and win.)
_MAPPING_VERSION_RE: Final = re.compile(r"v\d+\.\d+(?:\.\d+)?")


@dataclass(frozen=True, kw_only=True)
class ParseToOCSF(Processor):
    """Convert vended security logs to the Open Cybersecurity Schema Framework.

    Parameters
    ----------
    event_source
        ``CloudTrail``, ``Route53Resolver``, ``VPCFlow``, ``EKSAudit`` or ``AWSWAF``.
    ocsf_version
        ``V1.1`` or ``V1.5``.
    mapping_version
        Such as ``v1.5.0``; only with ``V1.5``. Default: the latest at creation.
    source
        As for :class:`ParseJSON`. Not emulated offline.
    """

    kind: ClassVar[str] = "parseToOCSF"
    cfn_key: ClassVar[str] = "ParseToOCSF"
    role: ClassVar[Role] = "parser"
    event_source: OcsfEventSource
    ocsf_version: OcsfVersion
    mapping_version: str | None = None
    source: str | None = None

    def cfn_properties(self) -> dict[str, Any]:
        return _without_none(
            EventSource=self.event_source,
            OcsfVersion=self.ocsf_version,
            MappingVersion=self.mapping_version,
            Source=self.source,
        )

    def problems(self) -> list[Problem]:
        problems = _optional_key("source", self.source)
        if self.event_source not in get_args(OcsfEventSource):
            problems.append(
                Problem(
                    "event_source",
                    f"{cut(str(self.event_source))!r} is not an OCSF event source; use "
                    + ", ".join(get_args(OcsfEventSource)),
                )
            )
        if self.ocsf_version not in get_args(OcsfVersion):
            problems.append(
                Problem(
                    "ocsf_version",
                    f"{cut(str(self.ocsf_version))!r} is not an OCSF version; use "
                    + " or ".join(get_args(OcsfVersion)),
                )
            )
        if self.mapping_version is not None:
            if not _MAPPING_VERSION_RE.fullmatch(self.mapping_version):
                problems.append(
                    Problem(
                        "mapping_version",
                        f"{cut(self.mapping_version)!r} is not a mapping version; write it like "
                        "v1.5.0",
                    )
                )
            elif self.ocsf_version == "V1.1":
                # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch-Logs-Transformation-parseToOCSF.html
                problems.append(
                    Problem(
                        "mapping_version",
                        f"{cut(self.mapping_version)!r} cannot be combined with OCSF V1.1; "
                        "remove it or use V1.5",
                    )
                )
        return problems

    def apply(self, event: dict[str, Any], message: str) -> bool:
        raise OfflineUnsupportedError(f"{self.kind} is not emulated offline")


@dataclass(frozen=True, kw_only=True)
class Grok(Processor):
    """Parse text with grok patterns (``%{IPORHOST:client} %{NUMBER:bytes}``).

    Only CloudWatch Logs' predefined patterns exist (no custom ones, no type
    conversion); :data:`SHIPPED_PARSERS` has ready matches for common formats.

    Parameters
    ----------
    match
        The grok expression, at most 512 characters and 20 patterns.
    source
        As for :class:`ParseJSON`.
    """

    kind: ClassVar[str] = "grok"
    cfn_key: ClassVar[str] = "Grok"
    role: ClassVar[Role] = "parser"
    match: str
    source: str | None = None

    def cfn_properties(self) -> dict[str, Any]:
        return _without_none(Match=self.match, Source=self.source)

    def problems(self) -> list[Problem]:
        return _optional_key("source", self.source) + [
            Problem("match", message) for message in grok_problems(self.match)
        ]

    def apply(self, event: dict[str, Any], message: str) -> bool:
        text = _source_text(event, message, self.source)
        if text is None:
            return False
        found = _compile_grok(self.match).parse(text)
        if found is None:
            return False
        for name, value in found.items():
            _set(event, name, value)
        return True


@dataclass(frozen=True, kw_only=True)
class AddKey:
    """One key :class:`AddKeys` adds (the value is a string)."""

    key: str
    value: str
    overwrite_if_exists: bool = False


@dataclass(frozen=True, kw_only=True)
class AddKeys(Processor):
    """Add fixed key-value pairs (at most 5; one addKeys per transformer)."""

    kind: ClassVar[str] = "addKeys"
    cfn_key: ClassVar[str] = "AddKeys"
    entries: Sequence[AddKey]

    def cfn_properties(self) -> dict[str, Any]:
        return {
            "Entries": [
                _without_none(
                    Key=e.key, Value=e.value, OverwriteIfExists=e.overwrite_if_exists or None
                )
                for e in self.entries
            ]
        }

    def problems(self) -> list[Problem]:
        problems = _count_problems("entries", len(self.entries), self.kind, 5)
        for index, entry in enumerate(self.entries):
            problems += _key_problems(f"entries[{index}].key", entry.key)
            problems += _key_problems(
                f"entries[{index}].value", entry.value, alnum=False, limit=ADD_KEY_VALUE_MAX
            )
        duplicates = _duplicate_problems("entries", [e.key for e in self.entries])
        return problems + [Problem(f"{p.location}.key", p.message) for p in duplicates]

    def apply(self, event: dict[str, Any], message: str) -> bool:
        for entry in self.entries:
            _set(event, entry.key, entry.value, overwrite=entry.overwrite_if_exists)
        return True


@dataclass(frozen=True, kw_only=True)
class DeleteKeys(Processor):
    """Delete fields (at most 5)."""

    kind: ClassVar[str] = "deleteKeys"
    cfn_key: ClassVar[str] = "DeleteKeys"
    with_keys: Sequence[str]

    def cfn_properties(self) -> dict[str, Any]:
        return {"WithKeys": list(self.with_keys)}

    def problems(self) -> list[Problem]:
        return _with_keys_problems(self.kind, self.with_keys, 5)

    def apply(self, event: dict[str, Any], message: str) -> bool:
        for key in self.with_keys:
            _pop(event, key)
        return True


def _with_keys_problems(kind: str, keys: Sequence[str], limit: int) -> list[Problem]:
    problems = _count_problems("with_keys", len(keys), kind, limit)
    for index, key in enumerate(keys):
        problems += _key_problems(f"with_keys[{index}]", key, alnum=False)
    return problems + _duplicate_problems("with_keys", list(keys))


@dataclass(frozen=True, kw_only=True)
class RenameKey:
    """One rename of :class:`RenameKeys`: ``key`` becomes ``rename_to`` (same parent)."""

    key: str
    rename_to: str
    overwrite_if_exists: bool = False


@dataclass(frozen=True, kw_only=True)
class RenameKeys(Processor):
    """Rename fields (at most 5)."""

    kind: ClassVar[str] = "renameKeys"
    cfn_key: ClassVar[str] = "RenameKeys"
    entries: Sequence[RenameKey]

    def cfn_properties(self) -> dict[str, Any]:
        return {
            "Entries": [
                _without_none(
                    Key=e.key,
                    RenameTo=e.rename_to,
                    OverwriteIfExists=e.overwrite_if_exists or None,
                )
                for e in self.entries
            ]
        }

    def problems(self) -> list[Problem]:
        problems = _count_problems("entries", len(self.entries), self.kind, 5)
        for index, entry in enumerate(self.entries):
            problems += _key_problems(f"entries[{index}].key", entry.key)
            problems += _key_problems(f"entries[{index}].rename_to", entry.rename_to)
        return problems

    def apply(self, event: dict[str, Any], message: str) -> bool:
        for entry in self.entries:
            parent, _, _ = entry.key.rpartition(".")
            target = f"{parent}.{entry.rename_to}" if parent else entry.rename_to
            if _get(event, entry.key) is _MISSING:
                continue
            if not entry.overwrite_if_exists and _get(event, target) is not _MISSING:
                continue
            _set(event, target, _pop(event, entry.key))
        return True


@dataclass(frozen=True, kw_only=True)
class _CaseString(Processor):
    """A string mutator: ``method`` names the ``str`` method it applies to each key."""

    method: ClassVar[str]
    with_keys: Sequence[str]

    def cfn_properties(self) -> dict[str, Any]:
        return {"WithKeys": list(self.with_keys)}

    def problems(self) -> list[Problem]:
        return _with_keys_problems(self.kind, self.with_keys, 10)

    def apply(self, event: dict[str, Any], message: str) -> bool:
        for key in self.with_keys:
            value = _get(event, key)
            if isinstance(value, str):
                _set(event, key, getattr(value, self.method)())
        return True


@dataclass(frozen=True, kw_only=True)
class LowerCaseString(_CaseString):
    """Lower-case string fields (at most 10)."""

    kind: ClassVar[str] = "lowerCaseString"
    cfn_key: ClassVar[str] = "LowerCaseString"
    method: ClassVar[str] = "lower"


@dataclass(frozen=True, kw_only=True)
class UpperCaseString(_CaseString):
    """Upper-case string fields (at most 10)."""

    kind: ClassVar[str] = "upperCaseString"
    cfn_key: ClassVar[str] = "UpperCaseString"
    method: ClassVar[str] = "upper"


@dataclass(frozen=True, kw_only=True)
class TrimString(_CaseString):
    """Strip leading and trailing white space from string fields (at most 10)."""

    kind: ClassVar[str] = "trimString"
    cfn_key: ClassVar[str] = "TrimString"
    method: ClassVar[str] = "strip"


ValueType = Literal["boolean", "integer", "double", "string"]
_INTEGER_RE: Final = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True, kw_only=True)
class TypeConversion:
    """One field :class:`TypeConverter` casts."""

    key: str
    type: ValueType


@dataclass(frozen=True, kw_only=True)
class TypeConverter(Processor):
    """Cast fields to integer, double, string or boolean (at most 5).

    Grok and the other parsers yield strings; a JSON filter pattern compares
    numbers (``$.status >= 500``) only with numbers, so cast before filtering.
    """

    kind: ClassVar[str] = "typeConverter"
    cfn_key: ClassVar[str] = "TypeConverter"
    entries: Sequence[TypeConversion]

    def cfn_properties(self) -> dict[str, Any]:
        return {"Entries": [{"Key": e.key, "Type": e.type} for e in self.entries]}

    def problems(self) -> list[Problem]:
        # The guide says 10 entries; the API (TypeConverterEntries) and the
        # CloudFormation schema say 5, and refuse more.
        problems = _count_problems("entries", len(self.entries), self.kind, 5)
        for index, entry in enumerate(self.entries):
            problems += _key_problems(f"entries[{index}].key", entry.key)
            if entry.type not in get_args(ValueType):
                problems.append(
                    Problem(
                        f"entries[{index}].type",
                        f"{cut(str(entry.type))!r} is not a type; use "
                        + ", ".join(get_args(ValueType)),
                    )
                )
        return problems

    def apply(self, event: dict[str, Any], message: str) -> bool:
        for entry in self.entries:
            value = _get(event, entry.key)
            if value is _MISSING:
                continue
            converted = _convert(value, entry.type)
            if converted is not _MISSING:
                _set(event, entry.key, converted)
        return True


def _convert(value: Any, to: str) -> Any:
    text = value if isinstance(value, str) else json.dumps(value)
    if to == "string":
        return text
    if to == "integer":
        return int(text) if _INTEGER_RE.fullmatch(text.strip()) else _MISSING
    if to == "double":
        try:
            number = float(text)
        except ValueError:
            return _MISSING
        return number if number == number and abs(number) != float("inf") else _MISSING
    if to == "boolean" and text.strip().lower() in ("true", "false"):
        return text.strip().lower() == "true"
    return _MISSING


# -- the transformer as a whole -----------------------------------------------------


def standard_class_problem(
    log_class: str | None, feature: str, *, plural: bool = False
) -> str | None:
    """Why a log group of ``log_class`` cannot have ``feature`` (None: it can).

    Transformers and field indexes exist only in the Standard class (PutTransformer,
    PutIndexPolicy: "only for the log groups in the Standard log class"). ``None``
    stands for a class that is not known (an imported log group).
    """
    if log_class is None or log_class == "STANDARD":
        return None
    return (
        f"a log group of class {cut(log_class)} cannot have {feature} (only STANDARD log groups "
        f"can); set log_class: STANDARD or remove {'them' if plural else 'it'}. The class cannot "
        "be changed after the log group is created"
    )


def processor_name(processor: Processor) -> str:
    """The processor's name as the CloudWatch Logs guide writes it (``parseVPC``)."""
    return processor.name if isinstance(processor, VendedLogParser) else processor.kind


def transformer_problems(
    processors: Sequence[Processor], *, log_class: str | None = "STANDARD"
) -> list[Problem]:
    """Return what CloudWatch Logs would refuse in a transformer.

    Locations are relative: ``log_class``, ``processors`` (order and count rules)
    and ``processors[i].field``; callers prefix them with the config or construct
    path of the transformer.

    Parameters
    ----------
    processors
        The processors in order.
    log_class
        The log group's class; None when it is not known (an imported log group).
    """
    problems: list[Problem] = []
    if message := standard_class_problem(log_class, "a transformer"):
        problems.append(Problem("log_class", message))
    problems += _order_problems(processors)
    for index, processor in enumerate(processors):
        problems += [
            Problem(f"processors[{index}].{p.location}", p.message) for p in processor.problems()
        ]
    return problems


def _order_problems(processors: Sequence[Processor]) -> list[Problem]:
    count = len(processors)
    if not 1 <= count <= PROCESSORS_MAX:
        return [
            Problem(
                "processors",
                f"{count} processors; a transformer takes 1 to {PROCESSORS_MAX}, applied in order",
            )
        ]
    problems: list[Problem] = []
    first = processors[0]
    if not first.is_parser:
        problems.append(
            Problem(
                "processors[0]",
                f"{processor_name(first)} comes first; the first processor of a transformer "
                "must be a parser (parseJSON, parseKeyValue, csv, grok, parseToOCSF or a "
                "parser for AWS vended logs): put the parser first",
            )
        )
    parsers = [p for p in processors if p.is_parser]
    if len(parsers) > PARSERS_MAX:
        problems.append(
            Problem(
                "processors",
                f"{len(parsers)} parsers ({cut(', '.join(map(processor_name, parsers)))}); a "
                f"transformer takes at most {PARSERS_MAX}",
            )
        )
    for index, processor in enumerate(processors):
        if processor.role == "vended parser" and index > 0:
            problems.append(
                Problem(
                    f"processors[{index}]",
                    f"{processor_name(processor)} is processor {index + 1}; a parser for AWS "
                    "vended logs must be the first processor, and a transformer takes only one",
                )
            )
    seen: dict[str, int] = {}
    for index, processor in enumerate(processors):
        # Guidelines: one grok, one addKeys, one copyValue per transformer.
        if processor.kind in ("grok", "addKeys") and processor.kind in seen:
            problems.append(
                Problem(
                    f"processors[{index}]",
                    f"a second {processor.kind} (the first is processors[{seen[processor.kind]}]); "
                    f"a transformer takes only one {processor.kind}: merge them",
                )
            )
        seen.setdefault(processor.kind, index)
    return problems


# -- grok --------------------------------------------------------------------------

# The guide's "Supported grok patterns" tables: pattern -> "Maximum pattern limit".
# NUMBER is missing from the tables but used in the guide's own examples.
_FIVE: Final[tuple[str, ...]] = (
    "NOTSPACE", "SPACE", "DATA", "GREEDYDATA", "ARN", "IPV6", "IP", "HOSTNAME", "HOST",
    "IPORHOST", "HOSTPORT", "URIHOST", "WINPATH", "PATH", "URIPARAM", "URIPATHPARAM", "URI",
    "SYSLOGHOST",
)  # fmt: skip
_TWENTY: Final[tuple[str, ...]] = (
    "USERNAME", "USER", "INT", "NUMBER", "BASE10NUM", "BASE16NUM", "POSINT", "NONNEGINT",
    "WORD", "QUOTEDSTRING", "UUID", "URN", "CISCOMAC", "WINDOWSMAC", "COMMONMAC", "MAC",
    "IPV4", "UNIXPATH", "TTY", "URIPROTO", "URIPATH", "MONTH", "MONTHNUM", "MONTHNUM2",
    "MONTHDAY", "YEAR", "DAY", "HOUR", "MINUTE", "SECOND", "TIME", "DATE_US", "DATE_EU",
    "ISO8601_TIMEZONE", "ISO8601_SECOND", "TIMESTAMP_ISO8601", "DATE", "DATESTAMP", "TZ",
    "DATESTAMP_RFC822", "DATESTAMP_RFC2822", "DATESTAMP_OTHER", "DATESTAMP_EVENTLOG",
    "LOGLEVEL", "HTTPDATE", "SYSLOGTIMESTAMP", "PROG", "SYSLOGPROG", "SYSLOGFACILITY",
)  # fmt: skip
COMMON_LOG_PATTERNS: Final = ("APACHE_ACCESS_LOG", "NGINX_ACCESS_LOG", "SYSLOG5424")
"""Whole-line patterns: first in the match, at most one DATA, GREEDYDATA or
GREEDYDATA_MULTILINE after them."""
GROK_PATTERN_LIMITS: Final[Mapping[str, int]] = {
    **dict.fromkeys(_TWENTY, 20),
    **dict.fromkeys(_FIVE, 5),
    "GREEDYDATA_MULTILINE": 1,
    **dict.fromkeys(COMMON_LOG_PATTERNS, 1),
}
"""Every grok pattern CloudWatch Logs supports, with how often one match may use it."""
_SHARED_BUDGET: Final = (
    "URI",
    "URIPARAM",
    "URIPATHPARAM",
    "SPACE",
    "DATA",
    "GREEDYDATA",
    "GREEDYDATA_MULTILINE",
)
""""Any combination of the following patterns can be used as many as five times"."""
_AFTER_COMMON_LOG: Final = ("DATA", "GREEDYDATA", "GREEDYDATA_MULTILINE")
_TOKEN_RE: Final = re.compile(r"%\{([^{}]*)\}")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    pattern: str
    field: str | None
    conversion: str | None


def _tokens(match: str) -> list[_Token]:
    tokens = []
    for found in _TOKEN_RE.finditer(match):
        pattern, _, rest = found.group(1).partition(":")
        field_name, _, conversion = rest.partition(":")
        tokens.append(
            _Token(found.start(), found.end(), pattern, field_name or None, conversion or None)
        )
    return tokens


def grok_problems(match: str) -> list[str]:
    """Return why CloudWatch Logs would refuse a grok ``match`` (messages only)."""
    if not 1 <= len(match) <= GROK_MATCH_MAX:
        return [
            f"the grok match is {len(match)} characters; CloudWatch Logs takes 1 to "
            f"{GROK_MATCH_MAX}"
        ]
    tokens = _tokens(match)
    problems: list[str] = []
    covered = {i for t in tokens for i in range(t.start, t.end)}
    unclosed = [m.start() for m in re.finditer(r"%\{", match) if m.start() not in covered]
    if unclosed:
        problems.append(
            f"the %{{ at column {unclosed[0] + 1} of {cut(match)!r} is not closed; write "
            "patterns as %{PATTERN} or %{PATTERN:field}"
        )
    if not tokens:
        problems.append(
            f"{cut(match)!r} uses no grok pattern; write patterns as %{{PATTERN:field}}, such as "
            "%{IPORHOST:client} or %{NGINX_ACCESS_LOG}"
        )
    for token in tokens:
        if token.pattern not in GROK_PATTERN_LIMITS:
            hint = _suggest(token.pattern)
            problems.append(
                f"%{{{cut(token.pattern, 40)}}} is not a grok pattern CloudWatch Logs supports "
                f"(custom patterns are not allowed); {hint}"
            )
        if token.conversion is not None:
            problems.append(
                f"%{{{cut(match[token.start + 2 : token.end - 1], 60)}}} converts the type "
                f"({cut(token.conversion, 20)}); CloudWatch Logs grok does not: drop "
                f"':{cut(token.conversion, 20)}' and cast with a typeConverter processor"
            )
    if len(tokens) > GROK_PATTERNS_MAX:
        problems.append(
            f"{len(tokens)} grok patterns in one match; CloudWatch Logs combines at most "
            f"{GROK_PATTERNS_MAX}"
        )
    uses = Counter(t.pattern for t in tokens)
    for pattern, count in uses.items():
        limit = GROK_PATTERN_LIMITS.get(pattern)
        if limit is not None and count > limit:
            times = "once" if limit == 1 else f"{limit} times"
            problems.append(
                f"%{{{pattern}}} is used {count} times; CloudWatch Logs allows it at most {times} "
                "in one match"
            )
    shared = sum(uses[p] for p in _SHARED_BUDGET)
    if shared > 5:
        problems.append(
            f"URI, URIPARAM, URIPATHPARAM, SPACE, DATA, GREEDYDATA and GREEDYDATA_MULTILINE are "
            f"used {shared} times together; CloudWatch Logs allows at most 5 in one match"
        )
    problems += _common_log_problems(tokens)
    return problems


def _common_log_problems(tokens: Sequence[_Token]) -> list[str]:
    positions = [i for i, t in enumerate(tokens) if t.pattern in COMMON_LOG_PATTERNS]
    if not positions:
        return []
    names = ", ".join(COMMON_LOG_PATTERNS)
    if len(positions) > 1:
        return [f"{len(positions)} common log patterns ({names}); a match takes only one"]
    position = positions[0]
    pattern = tokens[position].pattern
    problems = []
    if position > 0:
        problems.append(
            f"%{{{pattern}}} comes after %{{{tokens[0].pattern}}}; a common log pattern must "
            "be the first pattern of the match"
        )
    after = tokens[position + 1 :]
    if len(after) > 1 or any(t.pattern not in _AFTER_COMMON_LOG for t in after):
        problems.append(
            f"%{{{pattern}}} is followed by "
            + ", ".join(f"%{{{t.pattern}}}" for t in after)
            + "; only one DATA, GREEDYDATA or GREEDYDATA_MULTILINE may follow a common log "
            "pattern"
        )
    return problems


def _suggest(name: str) -> str:
    choice = closest(name, sorted(GROK_PATTERN_LIMITS))
    return f"did you mean %{{{choice}}}?" if choice else "use one the CloudWatch Logs guide lists"


# RE2 translations of the patterns the offline engine knows. ``%{NAME}`` refers to
# another pattern; ``(?P<+name>...)`` is a field the pattern adds beside its own
# (HOSTPORT's PORT, SYSLOGPROG's program and pid), emitted when the token is named.
_HEX4: Final = "[0-9A-Fa-f]{1,4}"
_REGEXES: Final[dict[str, str]] = {
    "USERNAME": r"[a-zA-Z0-9._-]+",
    "USER": "%{USERNAME}",
    "INT": r"[+-]?[0-9]+",
    "BASE10NUM": r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)",
    "NUMBER": "%{BASE10NUM}",
    "BASE16NUM": r"[+-]?(?:0[xX])?[0-9A-Fa-f]+",
    "POSINT": r"[1-9][0-9]*",
    "NONNEGINT": r"[0-9]+",
    "WORD": r"\w+",
    "NOTSPACE": r"\S+",
    "SPACE": r"\s*",
    "DATA": r".*?",
    "GREEDYDATA": r".*",
    "GREEDYDATA_MULTILINE": r"(?s:.*)",
    "QUOTEDSTRING": r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'",
    "UUID": r"[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}",
    "CISCOMAC": r"(?:[0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}",
    "WINDOWSMAC": r"(?:[0-9A-Fa-f]{2}-){5}[0-9A-Fa-f]{2}",
    "COMMONMAC": r"(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}",
    "MAC": "%{CISCOMAC}|%{WINDOWSMAC}|%{COMMONMAC}",
    "IPV4": r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}"
    r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])",
    "IPV6": "|".join(
        (
            f"(?:{_HEX4}:){{7}}{_HEX4}",
            f"(?:{_HEX4}:){{1,7}}:",
            f"(?:{_HEX4}:){{1,6}}:{_HEX4}",
            f"(?:{_HEX4}:){{1,5}}(?::{_HEX4}){{1,2}}",
            f"(?:{_HEX4}:){{1,4}}(?::{_HEX4}){{1,3}}",
            f"(?:{_HEX4}:){{1,3}}(?::{_HEX4}){{1,4}}",
            f"(?:{_HEX4}:){{1,2}}(?::{_HEX4}){{1,5}}",
            f"{_HEX4}:(?::{_HEX4}){{1,6}}",
            f":(?:(?::{_HEX4}){{1,7}}|:)",
            "::(?:[Ff]{4}(?::0{1,4})?:)?%{IPV4}",
            f"(?:{_HEX4}:){{1,4}}:%{{IPV4}}",
        )
    ),
    "IP": "%{IPV6}|%{IPV4}",
    "HOSTNAME": r"[0-9A-Za-z][0-9A-Za-z-]*(?:\.[0-9A-Za-z][0-9A-Za-z-]*)*\.?",
    "HOST": "%{HOSTNAME}",
    "IPORHOST": "%{IP}|%{HOSTNAME}",
    "HOSTPORT": "(?:%{IPORHOST}):(?P<+PORT>%{POSINT})",
    "URIHOST": "(?:%{IPORHOST})(?::(?P<+port>%{POSINT}))?",
    "SYSLOGHOST": "%{IPORHOST}",
    "UNIXPATH": r"/[^\s]*",
    "URIPROTO": r"[A-Za-z]+(?:\+[A-Za-z+]+)?",
    "URIPATH": r"(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\-]*)+",
    "URIPARAM": r"\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*",
    "URIPATHPARAM": "%{URIPATH}(?:%{URIPARAM})?",
    "URI": r"%{URIPROTO}://(?:[^\s/@]+@)?(?:%{IPORHOST})(?::[0-9]+)?(?:%{URIPATHPARAM})?",
    "MONTH": "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    "|Sep(?:tember)?|Sept|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?",
    "MONTHNUM": "0?[1-9]|1[0-2]",
    "MONTHNUM2": "0[1-9]|1[0-2]",
    "MONTHDAY": "0[1-9]|[12][0-9]|3[01]|[1-9]",
    "YEAR": "(?:[0-9]{2}){1,2}",
    "DAY": "Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?"
    "|Sun(?:day)?",
    "HOUR": "2[0-3]|[01]?[0-9]",
    "MINUTE": "[0-5][0-9]",
    "SECOND": r"(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?",
    "TIME": "(?:%{HOUR}):(?:%{MINUTE}):(?:%{SECOND})",
    "ISO8601_TIMEZONE": "Z|[+-](?:%{HOUR}):?(?:%{MINUTE})",
    "ISO8601_SECOND": "%{SECOND}",
    "TIMESTAMP_ISO8601": "(?:%{YEAR})-(?:%{MONTHNUM})-(?:%{MONTHDAY})T(?:%{HOUR}):(?:%{MINUTE})"
    "(?::(?:%{SECOND}))?(?:%{ISO8601_TIMEZONE})?",
    "DATE_US": "(?:%{MONTHNUM})[/-](?:%{MONTHDAY})[/-](?:%{YEAR})",
    "DATE_EU": "(?:%{MONTHDAY})[./-](?:%{MONTHNUM})[./-](?:%{YEAR})",
    "DATE": "%{DATE_US}|%{DATE_EU}",
    "DATESTAMP": "(?:%{DATE})[- ](?:%{TIME})",
    "TZ": "[APMCE][SD]T|UTC",
    "LOGLEVEL": "[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo|INFO"
    "|[Ww]arn(?:ing)?|WARN(?:ING)?|[Ee]rr(?:or)?|ERR(?:OR)?|[Cc]rit(?:ical)?|CRIT(?:ICAL)?"
    "|[Ff]atal|FATAL|[Ss]evere|SEVERE|[Ee]merg(?:ency)?|EMERG(?:ENCY)?",
    "HTTPDATE": "(?:%{MONTHDAY})/(?:%{MONTH})/(?:%{YEAR}):(?:%{TIME}) (?:%{INT})",
    "SYSLOGTIMESTAMP": "(?:%{MONTH}) +(?:%{MONTHDAY}) (?:%{TIME})",
    "PROG": r"[A-Za-z0-9._/%-]+",
    "SYSLOGPROG": r"(?P<+program>%{PROG})(?:\[(?P<+pid>%{POSINT})\])?",
    "SYSLOGFACILITY": r"<(?P<+facility>%{NONNEGINT})\.(?P<+priority>%{NONNEGINT})>",
    # The common log patterns, with the fields the guide's examples show.
    "APACHE_ACCESS_LOG": r"(?P<+remote_host>%{IPORHOST}) \S+ \S+ \[(?P<+timestamp>%{HTTPDATE})\] "
    r'"(?P<+http_method>[A-Z]+) (?P<+request>\S+) HTTP/(?P<+http_version>[0-9.]+)" '
    r"(?P<+status_code>[0-9]{3}) (?P<+response_size>[0-9]+|-)",
    "NGINX_ACCESS_LOG": r"(?P<+remote_host>%{IPORHOST}) \S+ (?P<+auth_user>\S+) "
    r'\[(?P<+timestamp>%{HTTPDATE})\] "(?P<+http_method>[A-Z]+) (?P<+request>\S+) '
    r'HTTP/(?P<+http_version>[0-9.]+)" (?P<+status_code>[0-9]{3}) (?P<+response_size>[0-9]+|-)'
    r'(?: "(?P<+referrer>[^"]*)" "(?P<+agent>[^"]*)")?',
    "SYSLOG5424": r"<(?P<+pri>[0-9]{1,3})>(?P<+version>[0-9]{1,2}) "
    r"(?P<+timestamp>%{TIMESTAMP_ISO8601}|-) (?P<+hostname>\S+) (?P<+app>\S+) "
    r"(?P<+procid>\S+) (?P<+msg_id>\S+) "
    r'(?:\[(?P<+structured_data>(?:[^\]"\\]|\\.|"(?:[^"\\]|\\.)*")*)\]|-)(?P<+message>.*)',
}
_INTEGER_FIELDS: Final = frozenset({"status_code", "response_size", "pri", "version"})
"""Fields of the common log patterns the guide shows as numbers."""
_NIL_FIELDS: Final = frozenset({"auth_user", "procid", "response_size"})
"""Fields of the common log patterns dropped when they hold the nil value ``-``."""
_REFERENCE_RE: Final = re.compile(r"%\{([A-Z0-9_]+)\}")
_EXTRA_RE: Final = re.compile(r"\(\?P<\+([A-Za-z_]+)>")


def _expand(name: str, depth: int = 0) -> str:
    if depth > 10:  # pragma: no cover - the table has no cycles
        raise ValueError(f"grok pattern {name} refers to itself")
    return _REFERENCE_RE.sub(lambda m: f"(?:{_expand(m.group(1), depth + 1)})", _REGEXES[name])


@dataclass(frozen=True)
class _Capture:
    field: str
    pattern: str
    common_log: bool = False


@dataclass(frozen=True)
class _CompiledGrok:
    regex: Any
    captures: Mapping[str, _Capture]

    def parse(self, text: str) -> dict[str, Any] | None:
        found = self.regex.fullmatch(text)
        if found is None:
            return None
        values: dict[str, Any] = {}
        for group, capture in self.captures.items():
            value = found.group(group)
            if value is None:
                continue
            values[capture.field] = _typed(capture, value)
        for name in [k for k, v in values.items() if v is _MISSING]:
            del values[name]
        return values


def _typed(capture: _Capture, value: str) -> Any:
    if capture.pattern == "QUOTEDSTRING":
        return value[1:-1]
    if not capture.common_log:
        return value
    if capture.field in _NIL_FIELDS and value == "-":
        return _MISSING
    if capture.field in _INTEGER_FIELDS:
        return int(value)
    if capture.field == "timestamp" and capture.pattern != "SYSLOG5424":
        return _iso_utc(value)
    if capture.field == "message":
        return value[1:] if value.startswith(" ") else value
    return value


def _iso_utc(httpdate: str) -> str:
    """``03/Aug/2023:12:34:56 +0000`` as ``2023-08-03T12:34:56Z``, as the guide shows."""
    for layout in ("%d/%b/%Y:%H:%M:%S %z", "%d/%B/%Y:%H:%M:%S %z"):
        try:
            moment = datetime.strptime(httpdate, layout)
        except ValueError:
            continue
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return httpdate


def _name_extras(body: str, captures: dict[str, _Capture], *, pattern: str, keep: bool) -> str:
    """Give each added field of ``body`` a group (recorded in ``captures``), or drop it."""
    common_log = pattern in COMMON_LOG_PATTERNS

    def group(found: re.Match[str]) -> str:
        if not keep:
            return "(?:"
        name = f"g{len(captures)}"
        captures[name] = _Capture(found.group(1), pattern, common_log)
        return f"(?P<{name}>"

    return _EXTRA_RE.sub(group, body)


@functools.lru_cache(maxsize=256)
def _compile_grok(match: str) -> _CompiledGrok:
    parts: list[str] = []
    captures: dict[str, _Capture] = {}
    position = 0
    for token in _tokens(match):
        parts.append(re2.escape(match[position : token.start]))
        position = token.end
        if token.pattern not in _REGEXES:
            raise OfflineUnsupportedError(
                f"the grok pattern %{{{token.pattern}}} is not emulated offline"
            )
        common_log = token.pattern in COMMON_LOG_PATTERNS
        body = _name_extras(
            _expand(token.pattern),
            captures,
            pattern=token.pattern,
            keep=common_log or token.field is not None,
        )
        if token.field is not None:
            group = f"g{len(captures)}"
            captures[group] = _Capture(token.field, token.pattern)
            parts.append(f"(?P<{group}>{body})")
        else:
            parts.append(f"(?:{body})")
    parts.append(re2.escape(match[position:]))
    return _CompiledGrok(re2.compile("".join(parts)), captures)


# -- the engine and the examples ----------------------------------------------------


def unsupported_offline(processors: Sequence[Processor]) -> str | None:
    """Why the offline engine cannot apply ``processors`` (None: it can)."""
    found = _unsupported(processors)
    return None if found is None else found[0]


def _unsupported(processors: Sequence[Processor]) -> tuple[str, str] | None:
    """Why the engine cannot apply ``processors``, and what it can do instead."""
    for index, processor in enumerate(processors):
        if isinstance(processor, (VendedLogParser, ParseToOCSF)):
            return (
                f"processors[{index}] ({processor_name(processor)}) is not emulated offline",
                "processors the offline engine emulates (any but parseToOCSF and the "
                "vended-log parsers)",
            )
        if isinstance(processor, Grok):
            for token in _tokens(processor.match):
                if token.pattern not in _REGEXES:
                    choice = closest(token.pattern, sorted(_REGEXES))
                    return (
                        f"processors[{index}] uses %{{{token.pattern}}}, which the offline "
                        "grok engine does not emulate",
                        "grok patterns the offline engine emulates"
                        + (f" (such as %{{{choice}}})" if choice else ""),
                    )
    return None


def apply(processors: Sequence[Processor], raw_line: str) -> dict[str, Any] | None:
    """Apply a transformer to one raw line, as CloudWatch Logs would at ingestion.

    Parameters
    ----------
    processors
        A valid transformer (see :func:`transformer_problems`).
    raw_line
        The event as the application wrote it.

    Returns
    -------
    dict or None
        The transformed event, or None when the first parser cannot parse the line
        (CloudWatch Logs then keeps the event as it came).

    Raises
    ------
    OfflineUnsupportedError
        For processors the engine does not emulate (see :func:`unsupported_offline`).

    Examples
    --------
    >>> apply(SHIPPED_PARSERS["key_value"], "level=ERROR service=checkout")
    {'level': 'ERROR', 'service': 'checkout'}
    """
    if reason := unsupported_offline(processors):
        raise OfflineUnsupportedError(reason)
    event: dict[str, Any] = {}
    for index, processor in enumerate(processors):
        if not processor.apply(event, raw_line) and index == 0:
            return None
    return event


def offline_transform(processors: Sequence[Processor]) -> Transform:
    """Return what a filter on transformed logs sees of each raw line.

    The function gives the transformed event as compact JSON text, or None when
    the transformer cannot parse the line (CloudWatch Logs then keeps it as it
    came). It raises :class:`OfflineUnsupportedError` like :func:`apply`.
    """

    def transform(line: str) -> str | None:
        event = apply(processors, line)
        return (
            None if event is None else json.dumps(event, separators=(",", ":"), ensure_ascii=False)
        )

    return transform


def transformed_examples(processors: Sequence[Processor], lines: Iterable[str]) -> tuple[str, ...]:
    """Return the events a metric filter on the transformed log group sees, as JSON text.

    A line the transformer cannot parse is returned unchanged, as CloudWatch
    Logs keeps it. Match each result with the filter pattern.
    """
    transform = offline_transform(processors)
    return tuple(line if (event := transform(line)) is None else event for line in lines)


def with_transformed_examples(
    spec: MetricFilterSpec, processors: Sequence[Processor]
) -> MetricFilterSpec:
    """Return ``spec`` with its raw-line examples replaced by the transformed events.

    Raises :class:`OfflineUnsupportedError` like :func:`apply`. To check a filter,
    prefer :func:`transformed_filter_problems`: its messages show the raw lines.
    """
    if spec.examples is None or spec.examples.transformed:
        return spec
    return dataclasses.replace(
        spec,
        examples=PatternExamples(
            match=transformed_examples(processors, spec.examples.match),
            no_match=transformed_examples(processors, spec.examples.no_match),
            transformed=True,
        ),
    )


def applies_on_transformed_logs(spec: MetricFilterSpec, *, has_transformer: bool) -> bool:
    """Whether a filter matches transformed events: as set, else when there is a transformer."""
    if spec.apply_on_transformed_logs is None:
        return has_transformer
    return spec.apply_on_transformed_logs


def transformed_filter_problems(
    spec: MetricFilterSpec, processors: Sequence[Processor] | None
) -> list[Problem]:
    """Return what is wrong with a filter on a log group with the transformer ``processors``.

    ``processors`` is None for a log group without a transformer. Like
    :func:`~observability_blueprint.rules.metric_filters.metric_filter_problems`
    (relative locations), and:

    - ``apply_on_transformed_logs`` True needs a transformer: PutMetricFilter
      takes it "only for log groups that have an active log transformer"
      (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html);
    - a filter on transformed events (set, or left unset on a transformed log
      group) has its examples, raw lines, transformed by the offline engine before
      the pattern matches them; failed ones are reported as written;
    - when the engine cannot emulate the processors, examples (not marked
      ``transformed``) cannot be checked, and are refused at ``examples``.
    """
    problems: list[Problem] = []
    if spec.apply_on_transformed_logs and processors is None:
        problems.append(
            Problem(
                "apply_on_transformed_logs",
                "True, but this log group has no transformer, so there are no transformed "
                "events to match; add a transformer to the log group before this filter, or "
                "leave it unset",
            )
        )
    if processors is None or not applies_on_transformed_logs(spec, has_transformer=True):
        return problems + metric_filter_problems(spec)
    examples = spec.examples
    raw = (
        examples is not None and not examples.transformed and (examples.match or examples.no_match)
    )
    unsupported = _unsupported(processors) if raw else None
    if unsupported is not None:
        reason, instead = unsupported
        problems.append(
            Problem(
                "examples",
                f"{reason}, so the examples (raw lines) cannot be transformed and matched as "
                f"CloudWatch Logs would; remove the examples, or use {instead}",
            )
        )
        return problems + metric_filter_problems(dataclasses.replace(spec, examples=None))
    return problems + metric_filter_problems(spec, transform=offline_transform(processors))


def cfn_transformer_config(processors: Sequence[Processor]) -> list[dict[str, Any]]:
    """The ``TransformerConfig`` property of ``AWS::Logs::Transformer``."""
    return [processor.to_cfn() for processor in processors]


# -- parsers for common formats -----------------------------------------------------

LogFormat = Literal[
    "json",
    "key_value",
    "apache_common",
    "apache_combined",
    "nginx_combined",
    "syslog_rfc3164",
    "syslog_rfc5424",
]
"""A line format the blueprint ships a parser for."""
SHIPPED_PARSERS: Final[Mapping[LogFormat, tuple[Processor, ...]]] = {
    "json": (ParseJSON(),),
    # logfmt: level=error service=checkout latency_ms=12 (values without spaces).
    "key_value": (ParseKeyValue(field_delimiter=" ", key_value_delimiter="="),),
    # Common Log Format: remote_host, timestamp (UTC), http_method, request,
    # http_version, status_code, response_size (numbers).
    "apache_common": (Grok(match="%{APACHE_ACCESS_LOG}"),),
    # The combined format (Apache's and NGINX's default): also auth_user, referrer, agent.
    "apache_combined": (Grok(match="%{NGINX_ACCESS_LOG}"),),
    "nginx_combined": (Grok(match="%{NGINX_ACCESS_LOG}"),),
    # BSD syslog as rsyslog writes it to files: timestamp, hostname, process
    # (program[pid]), program, pid, message.
    "syslog_rfc3164": (
        Grok(
            match="%{SYSLOGTIMESTAMP:timestamp} %{SYSLOGHOST:hostname} "
            "%{SYSLOGPROG:process}: %{GREEDYDATA:message}"
        ),
    ),
    # pri, version (numbers), timestamp, hostname, app, procid, msg_id,
    # structured_data, message.
    "syslog_rfc5424": (Grok(match="%{SYSLOG5424}"),),
}
"""The processors the blueprint uses for each :data:`LogFormat`; valid transformers."""
LOG_FORMATS: Final[tuple[LogFormat, ...]] = get_args(LogFormat)
