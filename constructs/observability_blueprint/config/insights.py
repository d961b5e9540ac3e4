"""Log intelligence in the blueprint file: what a log group's events are turned into.

Per log group (``log_groups[]``): a ``transformer`` (lines into JSON fields),
``field_indexes``, ``log_alarms`` (``AWS::CloudWatch::LogAlarm``),
``scheduled_queries`` (``AWS::Logs::ScheduledQuery``) and ``contributor_insights``
rules; at the top level, ``insights:`` (the account's field index policy, and
DynamoDB Contributor Insights for tables the file names).

Pure module: no aws_cdk import. The checks are the constructs' own rules
(``rules.transformers``, ``rules.field_indexes``, ``rules.log_alarms``,
``rules.contributor_insights``), run here on the file's values and reported at the
file's places (``log_groups[1].log_alarms[0].schedule``); what only the file can
see (a log group named that the file does not have, two names alike) is checked
here too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal, Self, get_args

from pydantic import Field, model_validator

from observability_blueprint.config.alarms import Actions, runbook_problems
from observability_blueprint.config.base import LogicalName, StrictModel, checked, fail
from observability_blueprint.rules import alarm_settings, arns, logs_insights, names
from observability_blueprint.rules import contributor_insights as insight_rules
from observability_blueprint.rules import log_alarms as log_alarm_rules
from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.field_indexes import (
    FieldIndexPolicy,
    check_account_policy_name,
    default_index_fields,
)
from observability_blueprint.rules.structured_logs import FIELD_RE, StructuredLogFields
from observability_blueprint.rules.transformers import (
    SHIPPED_PARSERS,
    AddKey,
    AddKeys,
    Csv,
    DeleteKeys,
    Grok,
    LogFormat,
    LowerCaseString,
    OcsfEventSource,
    OcsfVersion,
    ParseJSON,
    ParseKeyValue,
    ParseToOCSF,
    Processor,
    RenameKey,
    RenameKeys,
    TrimString,
    TypeConversion,
    TypeConverter,
    UpperCaseString,
    ValueType,
    VendedLogParser,
    VendedLogType,
    standard_class_problem,
    transformer_problems,
)

# ------------------------------------------------------------------ transformer


class ParseJSONSettings(StrictModel):
    """parseJSON: parse a JSON value (default: the whole event) into fields."""

    source: str | None = None
    """Dotted path of the field to parse. Default: @message (the whole event)."""
    destination: str | None = None
    """Dotted path to put the parsed object under. Default: the root."""

    def to_processor(self) -> Processor:
        """Return the processor."""
        return ParseJSON(source=self.source, destination=self.destination)


class ParseKeyValueSettings(StrictModel):
    """parseKeyValue: parse key=value pairs into fields."""

    source: str | None = None
    """Dotted path of the field to parse. Default: @message."""
    destination: str | None = None
    """Dotted path to put the pairs under. Default: the root."""
    field_delimiter: str | None = Field(default=None, alias="fieldDelimiter")
    """Between pairs. Default (CloudWatch Logs'): &; logfmt lines use a space."""
    key_value_delimiter: str | None = Field(default=None, alias="keyValueDelimiter")
    """Between a key and its value. Default: =."""
    key_prefix: str | None = Field(default=None, alias="keyPrefix")
    """Prepended to every key. Default: none."""
    non_match_value: str | None = Field(default=None, alias="nonMatchValue")
    """The value of a pair without a delimiter. Default: such pairs are dropped."""
    overwrite_if_exists: bool = Field(default=False, alias="overwriteIfExists")
    """Replace fields that exist already. Default: false."""

    def to_processor(self) -> Processor:
        """Return the processor."""
        return ParseKeyValue(
            source=self.source,
            destination=self.destination,
            field_delimiter=self.field_delimiter,
            key_value_delimiter=self.key_value_delimiter,
            key_prefix=self.key_prefix,
            non_match_value=self.non_match_value,
            overwrite_if_exists=self.overwrite_if_exists,
        )


class CsvSettings(StrictModel):
    """csv: parse delimiter-separated values into columns."""

    columns: list[str] = []
    """Column names, at most 100. Default: column_1, column_2..."""
    delimiter: str | None = None
    """One character, or \\t (tab) or \\s (space). Default: ,."""
    quote_character: str | None = Field(default=None, alias="quoteCharacter")
    """One character. Default: "."""
    source: str | None = None
    """Dotted path of the field to parse. Default: @message."""

    def to_processor(self) -> Processor:
        """Return the processor."""
        return Csv(
            columns=tuple(self.columns),
            delimiter=self.delimiter,
            quote_character=self.quote_character,
            source=self.source,
        )


class GrokSettings(StrictModel):
    """grok: parse text with CloudWatch Logs' grok patterns."""

    match: str
    """The grok expression (%{IPORHOST:client} %{NUMBER:bytes}), at most 512 characters
    and 20 patterns; only CloudWatch Logs' predefined patterns."""
    source: str | None = None
    """Dotted path of the field to parse. Default: @message."""

    def to_processor(self) -> Processor:
        """Return the processor."""
        return Grok(match=self.match, source=self.source)


class ParseToOCSFSettings(StrictModel):
    """parseToOCSF: convert vended security logs to the Open Cybersecurity Schema Framework."""

    event_source: OcsfEventSource = Field(alias="eventSource")
    """CloudTrail, Route53Resolver, VPCFlow, EKSAudit or AWSWAF."""
    ocsf_version: OcsfVersion = Field(alias="ocsfVersion")
    """V1.1 or V1.5."""
    mapping_version: str | None = Field(default=None, alias="mappingVersion")
    """Such as v1.5.0; only with V1.5. Default: the latest when the transformer is made."""
    source: str | None = None
    """Dotted path of the field to parse. Default: @message."""

    def to_processor(self) -> Processor:
        """Return the processor."""
        return ParseToOCSF(
            event_source=self.event_source,
            ocsf_version=self.ocsf_version,
            mapping_version=self.mapping_version,
            source=self.source,
        )


class VendedParserSettings(StrictModel):
    """A parser for one kind of AWS vended log (written {}); it must be the first processor."""


class AddKeyEntry(StrictModel):
    """One key addKeys adds."""

    key: str
    """The key (dots for nested fields)."""
    value: str
    """Its value, text of at most 256 characters."""
    overwrite_if_exists: bool = Field(default=False, alias="overwriteIfExists")
    """Replace the key when the event has it already. Default: false."""


class AddKeysSettings(StrictModel):
    """addKeys: add fixed key-value pairs (1 to 5; one addKeys per transformer)."""

    entries: list[AddKeyEntry]
    """The keys to add."""

    def to_processor(self) -> Processor:
        """Return the processor."""
        return AddKeys(
            entries=tuple(
                AddKey(key=e.key, value=e.value, overwrite_if_exists=e.overwrite_if_exists)
                for e in self.entries
            )
        )


class WithKeysSettings(StrictModel):
    """The fields a deleteKeys (1 to 5), lowerCaseString, upperCaseString or trimString
    (1 to 10) processor acts on."""

    with_keys: list[str] = Field(alias="withKeys")
    """The keys (dots for nested fields)."""


class RenameKeyEntry(StrictModel):
    """One rename of renameKeys: key becomes renameTo, under the same parent."""

    key: str
    """The key to rename."""
    rename_to: str = Field(alias="renameTo")
    """Its new name."""
    overwrite_if_exists: bool = Field(default=False, alias="overwriteIfExists")
    """Replace a field of the new name that exists already. Default: false."""


class RenameKeysSettings(StrictModel):
    """renameKeys: rename fields (1 to 5)."""

    entries: list[RenameKeyEntry]
    """The renames."""

    def to_processor(self) -> Processor:
        """Return the processor."""
        return RenameKeys(
            entries=tuple(
                RenameKey(
                    key=e.key, rename_to=e.rename_to, overwrite_if_exists=e.overwrite_if_exists
                )
                for e in self.entries
            )
        )


class TypeConversionEntry(StrictModel):
    """One field typeConverter casts."""

    key: str
    """The field (dots for nested fields)."""
    type: ValueType
    """boolean, integer, double or string."""


class TypeConverterSettings(StrictModel):
    """typeConverter: cast fields (1 to 5); parsers yield text, and a JSON filter pattern
    compares numbers ($.status >= 500) only with numbers."""

    entries: list[TypeConversionEntry]
    """The fields to cast."""

    def to_processor(self) -> Processor:
        """Return the processor."""
        return TypeConverter(
            entries=tuple(TypeConversion(key=e.key, type=e.type) for e in self.entries)
        )


_BUILT: Final = (
    ParseJSONSettings,
    ParseKeyValueSettings,
    CsvSettings,
    GrokSettings,
    ParseToOCSFSettings,
    AddKeysSettings,
    RenameKeysSettings,
    TypeConverterSettings,
)
"""The settings that make their processor themselves."""
_VENDED: Final[Mapping[str, VendedLogType]] = {
    VendedLogParser(log_type=kind).name: kind for kind in get_args(VendedLogType)
}
"""The processor name of each vended-log parser (parseVPC) and its log type."""
_WITH_KEYS: Final[Mapping[str, Callable[..., Processor]]] = {
    "deleteKeys": DeleteKeys,
    "lowerCaseString": LowerCaseString,
    "upperCaseString": UpperCaseString,
    "trimString": TrimString,
}


class ProcessorEntry(StrictModel):
    """One processor, as the CloudWatch Logs guide and PutTransformer write it: exactly one
    key, the processor's name ({grok: {match: ...}})."""

    parse_json: ParseJSONSettings | None = Field(default=None, alias="parseJSON")
    """Parse JSON."""
    parse_key_value: ParseKeyValueSettings | None = Field(default=None, alias="parseKeyValue")
    """Parse key=value pairs."""
    csv: CsvSettings | None = None
    """Parse delimiter-separated values."""
    grok: GrokSettings | None = None
    """Parse text with grok patterns."""
    parse_to_ocsf: ParseToOCSFSettings | None = Field(default=None, alias="parseToOCSF")
    """Convert vended security logs to OCSF."""
    parse_cloudfront: VendedParserSettings | None = Field(default=None, alias="parseCloudfront")
    """Parse CloudFront access logs (first processor only)."""
    parse_vpc: VendedParserSettings | None = Field(default=None, alias="parseVPC")
    """Parse VPC flow logs (first processor only)."""
    parse_waf: VendedParserSettings | None = Field(default=None, alias="parseWAF")
    """Parse AWS WAF logs (first processor only)."""
    parse_route53: VendedParserSettings | None = Field(default=None, alias="parseRoute53")
    """Parse Route 53 logs (first processor only)."""
    parse_postgres: VendedParserSettings | None = Field(default=None, alias="parsePostgres")
    """Parse PostgreSQL logs (first processor only)."""
    add_keys: AddKeysSettings | None = Field(default=None, alias="addKeys")
    """Add fixed keys."""
    delete_keys: WithKeysSettings | None = Field(default=None, alias="deleteKeys")
    """Delete fields."""
    rename_keys: RenameKeysSettings | None = Field(default=None, alias="renameKeys")
    """Rename fields."""
    lower_case_string: WithKeysSettings | None = Field(default=None, alias="lowerCaseString")
    """Lower-case text fields."""
    upper_case_string: WithKeysSettings | None = Field(default=None, alias="upperCaseString")
    """Upper-case text fields."""
    trim_string: WithKeysSettings | None = Field(default=None, alias="trimString")
    """Strip white space around text fields."""
    type_converter: TypeConverterSettings | None = Field(default=None, alias="typeConverter")
    """Cast fields to integer, double, string or boolean."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [key for key, _ in self._given()]
        if len(given) != 1:
            raise fail(
                "give exactly one processor, such as {grok: {match: '%{NGINX_ACCESS_LOG}'}} "
                f"(got {len(given)}: {', '.join(given) or 'none'}); processors: "
                + ", ".join(processor_names())
            )
        return self

    def _given(self) -> list[tuple[str, StrictModel]]:
        fields = type(self).model_fields
        return [
            (field.alias or name, value)
            for name, field in fields.items()
            if (value := getattr(self, name)) is not None
        ]

    @property
    def name(self) -> str:
        """The processor's name as the file writes it (``grok``, ``parseVPC``)."""
        return self._given()[0][0]

    def to_processor(self) -> Processor:
        """Return the processor."""
        name, settings = self._given()[0]
        if name in _VENDED:
            return VendedLogParser(log_type=_VENDED[name])
        if isinstance(settings, WithKeysSettings):
            return _WITH_KEYS[name](with_keys=tuple(settings.with_keys))
        assert isinstance(settings, _BUILT), name
        return settings.to_processor()


def processor_names() -> list[str]:
    """The processors the file takes, by the name the CloudWatch Logs guide gives them."""
    return [field.alias or name for name, field in ProcessorEntry.model_fields.items()]


class Transformer(StrictModel):
    """A transformer: at ingestion each event becomes JSON, so queries, field indexes
    and metric filters see fields in lines that are not JSON (STANDARD log groups only).

    Give exactly one of ``format`` and ``processors``. Metric filter ``examples`` of
    the log group stay raw lines: they are transformed offline before they are matched.
    """

    format: LogFormat | None = None
    """A format the blueprint ships a parser for: json, key_value (logfmt), apache_common,
    apache_combined, nginx_combined, syslog_rfc3164, syslog_rfc5424."""
    processors: list[ProcessorEntry] = []
    """Processors in order, first a parser, as the CloudWatch Logs guide writes them
    ({grok: {match: ...}}, {addKeys: {entries: [...]}}); 1 to 20."""

    @model_validator(mode="after")
    def _format_or_processors(self) -> Self:
        given = "processors" in self.model_fields_set
        if (self.format is not None) != given:
            return self
        raise fail(
            "give format (one of "
            + ", ".join(get_args(LogFormat))
            + ") or processors, not "
            + ("both" if given else "neither")
        )

    def to_processors(self) -> tuple[Processor, ...]:
        """The processors, in order: the shipped parser of ``format``, or ``processors``."""
        if self.format is not None:
            return SHIPPED_PARSERS[self.format]
        return tuple(entry.to_processor() for entry in self.processors)


_ACCESS_LOG_FORMATS: Final = ("apache_common", "apache_combined", "nginx_combined")
"""The transformer formats that make a log group an access log."""
TRANSFORMED_ACCESS_LOG_FIELDS: Final = {
    "client_ip": "remote_host",
    "path": "request",
    "status_code": "status_code",
}
"""The fields the shipped access-log parsers write (the grok patterns APACHE_ACCESS_LOG
and NGINX_ACCESS_LOG, as the CloudWatch Logs guide shows them and the offline engine
emulates them): the client, the request path, the status code as a number."""


# ---------------------------------------------------------------- field indexes


class FieldIndexSettings(StrictModel):
    """Field indexes on this log group (its own index policy): a Logs Insights query that
    tests field = value or field IN [...] on an indexed field scans less.

    The log group then ignores the account's index policy (insights.field_index_policy).
    STANDARD log groups only.
    """

    fields: list[str] | None = None
    """Field names, case-sensitive as in the events (dots for nested JSON). Default: the
    request id, trace id and service fields of structured_logs (request_id, xray_trace_id,
    service)."""
    facets: list[str] = []
    """Fields also shown as facets (value counts in the Logs Insights console); at most 20
    names with fields."""


# ----------------------------------------------------------------- log alarms

DEFAULT_AGGREGATION: Final = "count(*)"


class LogAlarm(StrictModel):
    """An alarm on a Logs Insights query that CloudWatch runs at a rate
    (AWS::CloudWatch::LogAlarm): "more than 10 distinct users saw PaymentFailed in 15
    minutes". Named <name>-<stage>-<this>, like the alarms of alarms:, which composite
    alarms may name in their rule."""

    name: LogicalName
    """Unique among the file's alarms; the physical name is <name>-<stage>-<this>."""
    query: str
    """The Logs Insights query each run executes (at most 10,000 characters), such as
    filter event = "PaymentFailed" | stats count_distinct(user_id) as users."""
    aggregation: str = DEFAULT_AGGREGATION
    """How the results become the numbers compared: count, avg, sum, min or max of a field,
    by up to 5 fields (max(users), avg(latency) by endpoint). Default: count(*)."""
    comparison: alarm_settings.Comparison
    """How each number is compared with the threshold: >, >=, < or <=."""
    threshold: float | int
    """The threshold."""
    schedule: str = log_alarm_rules.DEFAULT_LOG_ALARM_SCHEDULE
    """How often the query runs, a rate() expression. Default: rate(5 minutes)."""
    window_minutes: int | None = None
    """Minutes of log each run reads. Default: the schedule's interval."""
    ingestion_delay_minutes: int = log_alarm_rules.DEFAULT_INGESTION_DELAY_MINUTES
    """Minutes each window ends before the run, for events that arrive late. Default: 2."""
    results_to_evaluate: int = 1
    """Query results evaluated (N of M-of-N), 1 to 100. Default: 1."""
    results_to_alarm: int | None = None
    """Breaching results among them that set ALARM (M). Default: all."""
    treat_missing_data: Literal["breaching", "notBreaching", "ignore", "missing"] | None = None
    """What a run without results counts as. Default: missing."""
    log_groups: list[LogicalName] = []
    """More log groups of this file (by name) the query reads besides this one. Default:
    none (this log group only)."""
    description: str | None = None
    """What the alarm means and what to do."""
    runbook_url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    """Link added to the description."""
    actions: Actions | None = None
    """Actions per state: topics and Lambda functions in every state, an OpsItem (severity
    only) on ALARM, runbooks. Default: default_actions, as a log alarm takes them."""
    log_lines: int = 0
    """Log lines an e-mail notification carries, 0 to 50 (they may hold sensitive data).
    Default: 0."""
    warm_up_minutes: int | None = None
    """Minutes the alarm stays in INSUFFICIENT_DATA without acting after it is created or
    changed, 1 to 2,880. Default: none."""


# ---------------------------------------------------------- scheduled queries


class ScheduledQuery(StrictModel):
    """A Logs Insights query CloudWatch Logs runs on a cron schedule, its results delivered
    as JSON objects to an S3 bucket (AWS::Logs::ScheduledQuery).

    The window is window_hours or window_minutes: give exactly one.
    """

    name: LogicalName
    """Unique within the log group; the physical name is <name>-<stage>-<log group>-<this>."""
    query: str
    """The query each run executes (at most 10,000 characters)."""
    schedule: str
    """A cron expression of six fields (minute hour day-of-month month day-of-week year),
    such as cron(0 6 ? * MON-FRI *) for 06:00 on weekdays."""
    window_hours: int | None = None
    """Hours of log each run reads, ending at the run. Give this or window_minutes."""
    window_minutes: int | None = None
    """Minutes of log each run reads, ending at the run. Give this or window_hours."""
    bucket: Annotated[str, checked(names.check_bucket_name)]
    """The name of an existing S3 bucket the results go to."""
    prefix: str | None = None
    """Key prefix of the results. Default: scheduled-queries/<name>-<stage>/<log group>/<this>/."""
    language: log_alarm_rules.QueryLanguage = "CWLI"
    """CWLI (Logs Insights), PPL or SQL. Default: CWLI."""
    timezone: str | None = None
    """IANA time zone the schedule is read in (Europe/Berlin). Default: UTC."""
    description: str | None = None
    """What the query is for, at most 1,024 characters."""
    enabled: bool = True
    """Run the query. Default: true."""
    log_groups: list[LogicalName] = []
    """More log groups of this file (by name) the query reads besides this one. Default:
    none (this log group only)."""

    @model_validator(mode="after")
    def _one_window(self) -> Self:
        given = [k for k in ("window_hours", "window_minutes") if getattr(self, k) is not None]
        if len(given) != 1:
            raise fail(
                "give the window as window_hours or window_minutes, exactly one "
                f"(got {len(given)}: {', '.join(given) or 'none'})"
            )
        return self

    def window(self) -> int:
        """Minutes of log each run reads."""
        if self.window_hours is not None:
            return self.window_hours * 60
        assert self.window_minutes is not None  # one of the two: checked
        return self.window_minutes

    @property
    def window_key(self) -> str:
        """The key the window is written with."""
        return "window_hours" if self.window_hours is not None else "window_minutes"


# ------------------------------------------------------- contributor insights


def _check_json_field(value: str) -> str | None:
    if FIELD_RE.fullmatch(value):
        return None
    return (
        f"{cut(value)!r} is not a JSON field name; use letters, digits and underscores, with "
        "dots for nested fields (http.status)"
    )


JsonField = Annotated[str, checked(_check_json_field)]
_JSON_KEYS: Final = ("client_ip", "path", "status_code")
_CLF_KEYS: Final = ("client_ip_position", "request_position", "status_position")


class AccessLog(StrictModel):
    """Where an access log keeps the client, the request path and the status code, for the
    shipped rules (top client IPs, top failing paths). JSON events name fields; Common Log
    Format lines (CLF) give positions, counting a bracketed date and a quoted request as
    one field each."""

    format: insight_rules.LogFormat = "JSON"
    """JSON or CLF. Default: JSON."""
    client_ip: JsonField = "client_ip"
    """JSON: the field holding the client address. Default: client_ip."""
    path: JsonField = "path"
    """JSON: the field holding the request path. Default: path."""
    status_code: JsonField | None = None
    """JSON: the field holding the status code (a number). Default: structured_logs'
    status_code field, else status_code."""
    client_ip_position: int = Field(default=1, ge=1)
    """CLF: the position of the client address. Default: 1."""
    request_position: int = Field(default=5, ge=1)
    """CLF: the position of the request line. Default: 5."""
    status_position: int = Field(default=6, ge=1)
    """CLF: the position of the status code. Default: 6."""
    failing_status_min: int = Field(default=insight_rules.FAILING_STATUS_MIN, ge=100, le=599)
    """The lowest status code that counts as failing. Default: 500."""

    @model_validator(mode="after")
    def _keys_fit_the_format(self) -> Self:
        other = _CLF_KEYS if self.format == "JSON" else _JSON_KEYS
        wrong = [k for k in other if k in self.model_fields_set]
        if wrong:
            takes = ", ".join(_JSON_KEYS if self.format == "JSON" else _CLF_KEYS)
            raise fail(
                f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not used with format "
                f"{self.format}, which takes {takes}"
            )
        return self


class ContributorRule(StrictModel):
    """A Contributor Insights rule of your own: it ranks the contributors (the keys' values)
    of the events its filters match, by count or by the sum of a field."""

    name: LogicalName
    """Unique among the log group's rules (the shipped ones included); the physical name
    is <name>-<stage>-<log group>-<this>."""
    keys: list[str]
    """1 to 4 fields identifying a contributor: $.field for JSON, a position ("1") or a
    fields alias for CLF."""
    filters: list[dict[str, Any]] = []
    """Up to 4 filters, all of which must match, such as {Match: $.status, GreaterThan: 499}
    (In, NotIn, StartsWith, GreaterThan, LessThan, EqualTo, NotEqualTo, IsPresent)."""
    log_format: insight_rules.LogFormat = "JSON"
    """JSON or CLF (space-delimited lines). Default: JSON."""
    fields: dict[str, str] = {}
    """CLF only: aliases of positions, such as {"1": ClientIp, "6": Status}."""
    value_of: str | None = None
    """The numeric field summed when aggregate_on is Sum (and only then)."""
    aggregate_on: insight_rules.AggregateOn = "Count"
    """Count events, or Sum value_of. Default: Count."""

    def to_spec(self) -> insight_rules.InsightRuleSpec:
        """Return the pure rule settings."""
        return insight_rules.InsightRuleSpec(
            name=self.name,
            keys=tuple(self.keys),
            filters=tuple(self.filters),
            aggregate_on=self.aggregate_on,
            value_of=self.value_of,
            log_format=self.log_format,
            fields=dict(self.fields) or None,
        )


class ContributorInsightsSettings(StrictModel):
    """Contributor Insights rules on this log group (AWS::CloudWatch::InsightRule, billed
    per rule and matched event)."""

    defaults: bool = True
    """The shipped rules, top-client-ips and top-failing-paths, when the blueprint knows
    the log group is an access log: a transformer format apache_common, apache_combined
    or nginx_combined, or access_log. Default: true."""
    access_log: AccessLog | None = None
    """Where the access log keeps the client, path and status, for the shipped rules.
    Default: none (only a transformer format tells)."""
    rules: list[ContributorRule] = []
    """Rules of your own."""
    enabled: bool = True
    """Create the rules enabled. Default: true."""


# --------------------------------------------------------- insights: (top level)


class FieldIndexPolicySettings(StrictModel):
    """The account's field index policy (AWS::Logs::AccountPolicy FIELD_INDEX_POLICY): the
    fields every STANDARD log group of the account and Region indexes, unless it has
    field_indexes of its own. One per account and Region: one stack owns it."""

    fields: list[str] | None = None
    """Field names, case-sensitive as in the events. Default: request_id, xray_trace_id,
    service."""
    facets: list[str] = []
    """Fields also shown as facets; at most 20 names with fields."""
    policy_name: str | None = None
    """The policy's name, unique in the account. Default: <name>-<stage>-field-indexes."""


def _check_index_name(value: str) -> str | None:
    return insight_rules.check_dynamodb_table_name(value, kind="index")


class DynamoDbTable(StrictModel):
    """DynamoDB Contributor Insights (the most accessed and throttled keys) for a table the
    blueprint does not define: CloudFormation turns it on only for a table its stack
    defines, so the blueprint prints the one command that does."""

    table: Annotated[str, checked(insight_rules.check_dynamodb_table_name)]
    """The table's name."""
    index: Annotated[str, checked(_check_index_name)] | None = None
    """A global secondary index of the table. Default: the table itself."""
    service: LogicalName | None = None
    """The service of this file the table belongs to (its dashboard section). Default: none."""

    def command(self) -> str:
        """The AWS CLI command that turns DynamoDB Contributor Insights on for the table."""
        return insight_rules.dynamodb_contributor_insights_command(
            self.table, index_name=self.index
        )


class InsightsSection(StrictModel):
    """Log intelligence settings of the account, and DynamoDB Contributor Insights."""

    field_index_policy: FieldIndexPolicySettings | None = None
    """The account-level field index policy. Default: none."""
    dynamodb_tables: list[DynamoDbTable] = []
    """Tables (not in the blueprint's stack) to turn DynamoDB Contributor Insights on for."""


# ----------------------------------------------------------- what the file means


def field_index_policy_name(section: InsightsSection | None, prefix: str) -> str:
    """The account policy's name: as given, else ``<prefix>-field-indexes``."""
    policy = section.field_index_policy if section else None
    return (policy.policy_name if policy else None) or f"{prefix}-field-indexes"


def index_fields(
    settings: FieldIndexSettings | None, structured: StructuredLogFields | None
) -> tuple[list[str], list[str]] | None:
    """A log group's indexed fields and facets, or None when it has no index policy."""
    if settings is None:
        return None
    fields = settings.fields
    if fields is None:
        fields = list(default_index_fields(structured))
    return list(fields), list(settings.facets)


def scheduled_query_name(prefix: str, log_group: str, query: ScheduledQuery) -> str:
    """A scheduled query's physical name: ``<prefix>-<log group>-<query>``."""
    return f"{prefix}-{log_group}-{query.name}"


def scheduled_query_prefix(prefix: str, log_group: str, query: ScheduledQuery) -> str:
    """Where in its bucket a scheduled query's results go: its ``prefix``, else
    ``scheduled-queries/<prefix>/<log group>/<query>/``."""
    if query.prefix is not None:
        return query.prefix
    return f"{log_alarm_rules.SCHEDULED_QUERY_PREFIX}{prefix}/{log_group}/{query.name}/"


def insight_rule_prefix(prefix: str, log_group: str) -> str:
    """The start of a log group's Contributor Insights rule names: ``<prefix>-<log group>``."""
    return f"{prefix}-{log_group}"


def access_log_format(transformer: Transformer | None) -> str | None:
    """The access-log format of a log group's transformer, or None."""
    if transformer is None or transformer.format not in _ACCESS_LOG_FORMATS:
        return None
    return transformer.format


def default_insight_rules(
    settings: ContributorInsightsSettings,
    transformer: Transformer | None,
    structured: StructuredLogFields | None,
) -> tuple[insight_rules.InsightRuleSpec, ...]:
    """The shipped rules a log group gets: none unless it is known to be an access log."""
    if not settings.defaults:
        return ()
    if access_log_format(transformer) is not None:
        fields = TRANSFORMED_ACCESS_LOG_FIELDS
        return insight_rules.json_access_log_rules(
            StructuredLogFields(status_code=fields["status_code"]),
            client_ip=fields["client_ip"],
            path=fields["path"],
        )
    access = settings.access_log
    if access is None:
        return ()
    if access.format == "CLF":
        return insight_rules.clf_access_log_rules(
            client_ip_position=access.client_ip_position,
            request_position=access.request_position,
            status_position=access.status_position,
            failing_status_min=access.failing_status_min,
        )
    status = access.status_code or (structured or StructuredLogFields()).status_code
    return insight_rules.json_access_log_rules(
        StructuredLogFields(status_code=status),
        client_ip=access.client_ip,
        path=access.path,
        failing_status_min=access.failing_status_min,
    )


# ----------------------------------------------------------------- the checks


@dataclass(frozen=True, kw_only=True)
class QueryTarget:
    """A log group of the file as a query reads it."""

    physical_name: str
    log_class: str


@dataclass(frozen=True, kw_only=True)
class FileContext:
    """What the checks of a log group's log intelligence need to know of the whole file."""

    prefix: str
    """``<name>-<stage>``."""
    log_groups: Mapping[str, QueryTarget]
    """Every log group of the file by name, in file order."""
    topics: Sequence[str]
    """The file's topics."""
    place: arns.Place
    """The stack's partition, Region and account, as far as the file says."""
    naming: alarm_settings.AlarmNaming
    """How alarms are named."""


@dataclass(frozen=True, kw_only=True)
class GroupInsights:
    """One log group's log intelligence settings, as the checks read them."""

    name: str
    log_class: str
    structured: StructuredLogFields | None
    transformer: Transformer | None
    field_indexes: FieldIndexSettings | None
    log_alarms: Sequence[LogAlarm]
    scheduled_queries: Sequence[ScheduledQuery]
    contributor_insights: ContributorInsightsSettings | None
    anomaly_alarm: str | None
    """The name of the alarm on its anomalies (before the naming strategy), if any."""


def _camel(location: str) -> str:
    """A rule's snake_case location as the file writes it: ``entries[0].renameTo``."""
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), location)


_PROCESSOR_AT: Final = re.compile(r"processors\[(\d+)\](.*)")


def transformer_file_problems(
    where: str, transformer: Transformer, log_class: str
) -> list[Problem]:
    """The transformer's problems (``rules.transformers.transformer_problems``) at the
    file's places: ``<where>.transformer.processors[1].addKeys.entries[0].key``."""
    at = f"{where}.transformer"
    problems: list[Problem] = []
    for problem in transformer_problems(transformer.to_processors(), log_class=log_class):
        location = problem.location
        found = _PROCESSOR_AT.fullmatch(location)
        if location == "log_class":
            problems.append(Problem(at, problem.message))
        elif transformer.format is not None:
            problems.append(Problem(f"{at}.format", problem.message))
        elif found is None:
            problems.append(Problem(f"{at}.{location}", problem.message))
        else:
            index, rest = int(found[1]), found[2]
            inner = f".{transformer.processors[index].name}{_camel(rest)}" if rest else ""
            problems.append(Problem(f"{at}.processors[{index}]{inner}", problem.message))
    return problems


def field_index_file_problems(
    where: str, policy: FieldIndexPolicy, *, log_class: str | None = None
) -> list[Problem]:
    """An index policy's problems at ``<where>.fields``, ``<where>.facets[0]``..."""
    problems = [Problem(f"{where}.{p.location}", p.message) for p in policy.problems()]
    if message := standard_class_problem(log_class, "field indexes", plural=True):
        problems.insert(0, Problem(where, message))
    return problems


def _read_groups(
    at: str, own: str, names: Sequence[str], file: FileContext
) -> tuple[list[tuple[str, QueryTarget]], list[Problem]]:
    """The log groups a query reads: its own, then the file's ones ``names`` names."""
    read = [(own, file.log_groups[own])]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        where = f"{at}.log_groups[{index}]"
        if name in seen:
            problems.append(
                Problem(where, f"{name!r} is listed already, at log_groups[{seen[name]}]")
            )
        elif name in file.log_groups and name != own:
            read.append((name, file.log_groups[name]))
        elif name not in file.log_groups:
            known = ", ".join(file.log_groups)
            problems.append(
                Problem(
                    where, f"{name!r} is not a log group of this blueprint; log groups: {known}"
                )
            )
        seen.setdefault(name, index)
    return read, problems


def _group_count_message(groups: Sequence[tuple[str, QueryTarget]], kind: str) -> str:
    """Why a query reads too many log groups, counting its own as the file does not list it."""
    most = log_alarm_rules.LOG_GROUPS_PER_QUERY_MAX
    return (
        f"the query reads {len(groups)} log groups, this one and {len(groups) - 1} more; a "
        f"{kind} reads 1 to {most} (LogGroupIdentifiers), so list at most {most - 1}"
    )


def _infrequent_access_problem(
    at: str, query: str, groups: Sequence[tuple[str, QueryTarget]], language: str = "CWLI"
) -> Problem | None:
    """A query using commands that log groups of class INFREQUENT_ACCESS do not run
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData_Classes.html)."""
    infrequent = [name for name, target in groups if target.log_class == "INFREQUENT_ACCESS"]
    if not infrequent or language != "CWLI":
        return None
    try:
        parsed = logs_insights.parse(query)
    except logs_insights.LogsInsightsQueryError:
        return None  # reported with the query
    commands = logs_insights.standard_only_commands(parsed)
    if not commands:
        return None
    return Problem(
        at,
        f"uses {', '.join(commands)}, which Logs Insights does not run on log groups of class "
        f"INFREQUENT_ACCESS ({', '.join(infrequent)}; "
        f"{', '.join(logs_insights.STANDARD_ONLY)} need STANDARD); drop the command or read "
        "STANDARD log groups only",
    )


_LOG_ALARM_KEYS: Final = {
    "window": "window_minutes",
    "ingestion_delay": "ingestion_delay_minutes",
    "warm_up": "warm_up_minutes",
}
"""Where the file writes what ``rules.log_alarms`` locates by the construct's arguments."""


def _log_alarm_problems(at: str, own: str, alarm: LogAlarm, file: FileContext) -> Iterator[Problem]:
    groups, problems = _read_groups(at, own, alarm.log_groups, file)
    yield from problems
    period = log_alarm_rules.rate_seconds(alarm.schedule)
    delay = alarm.ingestion_delay_minutes * 60
    # Without a valid schedule the default window is moot (the schedule is reported).
    window = alarm.window_minutes * 60 if alarm.window_minutes is not None else (period or 300)
    try:
        threshold = float(alarm.threshold)
    except OverflowError:  # no double holds it: said at the threshold (number_problems)
        threshold = 0.0
    settings = log_alarm_rules.LogAlarmSettings(
        query=alarm.query,
        aggregation=alarm.aggregation,
        log_groups=[target.physical_name for _, target in groups],
        schedule=alarm.schedule,
        start_time_offset=window + delay,
        end_time_offset=delay,
        comparison=alarm.comparison,
        threshold=threshold,
        results_to_evaluate=alarm.results_to_evaluate,
        results_to_alarm=alarm.results_to_alarm,
        treat_missing_data=alarm.treat_missing_data,
        log_lines=alarm.log_lines,
        warm_up_minutes=alarm.warm_up_minutes,
    )
    for problem in log_alarm_rules.log_alarm_problems(settings):
        location = problem.location
        if location.startswith("log_groups["):
            continue  # names of the file's log groups: checked with them
        if location == "log_groups":
            yield Problem(f"{at}.log_groups", _group_count_message(groups, "log alarm"))
            continue
        yield Problem(f"{at}.{_LOG_ALARM_KEYS.get(location, location)}", problem.message)
    if infrequent := _infrequent_access_problem(f"{at}.query", alarm.query, groups):
        yield infrequent
    if message := alarm_settings.check_alarm_name(file.naming.name(alarm.name)):
        yield Problem(f"{at}.name", message)
    try:
        alarm_settings.describe(alarm.description, runbook_url=alarm.runbook_url)
    except ValueError as error:
        yield Problem(f"{at}.description", str(error))
    if alarm.actions is not None:
        actions = alarm.actions.to_set()
        for problem in alarm_settings.action_problems(
            actions,
            kind="log",
            topics=file.topics,
            place=file.place,
            keys=alarm_settings.FILE_KEYS,
        ):
            yield Problem(f"{at}.{problem.location}", problem.message)
        yield from runbook_problems(f"{at}.actions", actions)


def _scheduled_query_problems(
    at: str, own: str, query: ScheduledQuery, file: FileContext
) -> Iterator[Problem]:
    groups, problems = _read_groups(at, own, query.log_groups, file)
    yield from problems
    prefix = scheduled_query_prefix(file.prefix, own, query)
    if message := log_alarm_rules.check_s3_prefix(prefix):
        yield Problem(f"{at}.prefix", message)
    name = scheduled_query_name(file.prefix, own, query)
    settings = log_alarm_rules.ScheduledQuerySettings(
        name=name,
        query=query.query,
        language=query.language,
        log_groups=[target.physical_name for _, target in groups],
        schedule=query.schedule,
        start_time_offset=query.window() * 60,
        timezone=query.timezone,
        description=query.description,
        destination=f"s3://{query.bucket}/{prefix}" if prefix else f"s3://{query.bucket}",
    )
    for problem in log_alarm_rules.scheduled_query_problems(settings):
        location = problem.location
        if location.startswith("log_groups["):
            continue  # names of the file's log groups: checked with them
        if location == "log_groups":
            yield Problem(f"{at}.log_groups", _group_count_message(groups, "scheduled query"))
            continue
        if location == "window":
            location = query.window_key
        elif location == "prefix":
            location = "prefix" if query.prefix is not None else "bucket"
        elif location == "name":
            # The name is a logical name of the file: only its length with the prefix fails.
            yield Problem(
                f"{at}.name",
                f"the physical name {cut(name)!r} is {len(name):,} characters; a scheduled "
                f"query name is at most {log_alarm_rules.SCHEDULED_QUERY_NAME_MAX}: shorten "
                "the name",
            )
            continue
        yield Problem(f"{at}.{location}", problem.message)
    infrequent = _infrequent_access_problem(f"{at}.query", query.query, groups, query.language)
    if infrequent is not None:
        yield infrequent


def _contributor_problems(where: str, group: GroupInsights, file: FileContext) -> Iterator[Problem]:
    settings = group.contributor_insights
    if settings is None:
        return
    at = f"{where}.contributor_insights"
    transformer = group.transformer
    known_format = access_log_format(transformer)
    access = settings.access_log
    if access is not None and known_format is not None:
        fields = ", ".join(TRANSFORMED_ACCESS_LOG_FIELDS.values())
        yield Problem(
            f"{at}.access_log",
            f"the transformer's {known_format} parser writes the fields the shipped rules read "
            f"({fields}); remove access_log",
        )
    elif access is not None and access.format == "CLF" and transformer is not None:
        yield Problem(
            f"{at}.access_log",
            "format CLF reads the raw line, but the rules of a log group with a transformer "
            "read the JSON events it makes; use format JSON with the fields the transformer "
            "writes, or remove the transformer",
        )
    elif access is not None and not settings.defaults:
        yield Problem(
            f"{at}.access_log",
            "only the shipped rules read access_log, and defaults is false; remove it, or set "
            "defaults: true",
        )
    shipped = default_insight_rules(settings, transformer, group.structured)
    explicit = "defaults" in settings.model_fields_set
    if settings.defaults and not shipped and (explicit or not settings.rules):
        yield Problem(
            f"{at}.defaults" if explicit else at,
            "the shipped rules (top-client-ips, top-failing-paths) read access logs, and "
            "nothing says this log group holds one: give the transformer a format "
            f"({', '.join(_ACCESS_LOG_FORMATS)}) or give access_log"
            + (", or add rules" if not settings.rules else ", or set defaults: false"),
        )
    if not settings.defaults and not settings.rules:
        yield Problem(at, "no rule: set defaults: true, or add rules")
    prefix = insight_rule_prefix(file.prefix, group.name)
    for spec in shipped:
        if message := insight_rules.check_insight_rule_name(f"{prefix}-{spec.name}"):
            yield Problem(f"{at}.defaults", message)
    taken = {spec.name: "a shipped rule" for spec in shipped}
    log_group_name = file.log_groups[group.name].physical_name
    for index, rule in enumerate(settings.rules):
        here = f"{at}.rules[{index}]"
        if rule.name in taken:
            yield Problem(
                f"{here}.name", f"{rule.name!r} is already the name of {taken[rule.name]}"
            )
        taken.setdefault(rule.name, f"rules[{index}]")
        if message := insight_rules.check_insight_rule_name(f"{prefix}-{rule.name}"):
            yield Problem(f"{here}.name", message)
        if rule.log_format == "CLF" and transformer is not None:
            yield Problem(
                f"{here}.log_format",
                "CLF reads the raw line, but the rules of a log group with a transformer read "
                "the JSON events it makes; use JSON and the fields the transformer writes",
            )
        for problem in insight_rules.rule_spec_problems(rule.to_spec(), [log_group_name]):
            location = "" if problem.location == "body" else f".{problem.location}"
            yield Problem(f"{here}{location}", problem.message)


def log_group_insight_problems(
    where: str, group: GroupInsights, file: FileContext
) -> Iterator[Problem]:
    """Every problem of a log group's transformer, field indexes, log alarms, scheduled
    queries and Contributor Insights rules, at ``<where>.<key>``."""
    if group.transformer is not None:
        yield from transformer_file_problems(where, group.transformer, group.log_class)
    fields = index_fields(group.field_indexes, group.structured)
    if fields is not None:
        policy = FieldIndexPolicy(fields=tuple(fields[0]), facets=tuple(fields[1]))
        yield from field_index_file_problems(
            f"{where}.field_indexes", policy, log_class=group.log_class
        )
    seen: dict[str, int] = {}
    for index, query in enumerate(group.scheduled_queries):
        at = f"{where}.scheduled_queries[{index}]"
        if query.name in seen:
            yield Problem(
                f"{at}.name",
                f"{query.name!r} is already used by scheduled_queries[{seen[query.name]}]; "
                "names must be unique",
            )
        seen.setdefault(query.name, index)
        yield from _scheduled_query_problems(at, group.name, query, file)
    for index, alarm in enumerate(group.log_alarms):
        yield from _log_alarm_problems(f"{where}.log_alarms[{index}]", group.name, alarm, file)
    yield from _contributor_problems(where, group, file)


def log_alarm_name_problems(
    groups: Sequence[GroupInsights], naming: alarm_settings.AlarmNaming
) -> Iterator[Problem]:
    """Log alarms named alike anywhere in the file (each is named ``<prefix>-<name>``
    whatever its log group), or like the alarm of a log group's anomaly detection."""
    first: dict[str, str] = {}
    for index, group in enumerate(groups):
        if group.anomaly_alarm is not None:
            first.setdefault(group.anomaly_alarm, f"the anomaly alarm of log_groups[{index}]")
    for g_index, group in enumerate(groups):
        for a_index, alarm in enumerate(group.log_alarms):
            at = f"log_groups[{g_index}].log_alarms[{a_index}]"
            if alarm.name in first:
                yield Problem(
                    f"{at}.name",
                    f"{alarm.name!r} is already used by {first[alarm.name]}; a log alarm is "
                    f"named {naming.name(alarm.name)!r} whatever its log group, so names must "
                    "be unique in the file",
                )
            first.setdefault(alarm.name, at)


def insights_section_problems(
    section: InsightsSection, *, prefix: str, services: Sequence[str]
) -> Iterator[Problem]:
    """Problems of ``insights:``: the account policy's fields and name, the tables."""
    policy = section.field_index_policy
    if policy is not None:
        fields = default_index_fields() if policy.fields is None else policy.fields
        yield from field_index_file_problems(
            "insights.field_index_policy",
            FieldIndexPolicy(fields=tuple(fields), facets=tuple(policy.facets)),
        )
        if message := check_account_policy_name(field_index_policy_name(section, prefix)):
            yield Problem("insights.field_index_policy.policy_name", message)
    seen: dict[tuple[str, str | None], int] = {}
    for index, table in enumerate(section.dynamodb_tables):
        at = f"insights.dynamodb_tables[{index}]"
        key = (table.table, table.index)
        if key in seen:
            what = f"{table.table!r}" + (f" (index {table.index!r})" if table.index else "")
            yield Problem(
                f"{at}.table", f"{what} is listed already, at dynamodb_tables[{seen[key]}]"
            )
        seen.setdefault(key, index)
        if table.service is not None and table.service not in services:
            yield Problem(
                f"{at}.service",
                f"{table.service!r} is not a service of this blueprint; services: "
                f"{', '.join(services) or 'none'}",
            )
