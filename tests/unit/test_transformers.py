"""Transformers and field index policies as data: the rules, the CloudFormation form, the engine.

Pure: no synthesis. The engine's expected outputs are the ones the CloudWatch
Logs guide prints for its samples ("Configurable parser-type processors" and
"Processors that you can use"), written out here by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, get_args

import botocore.session
import pytest

from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.field_indexes import (
    FieldIndexPolicy,
    check_account_policy_name,
    default_index_fields,
)
from observability_blueprint.rules.filter_patterns import parse
from observability_blueprint.rules.metric_filters import (
    MetricFilterSpec,
    PatternExamples,
    metric_filter_problems,
)
from observability_blueprint.rules.placement import AccountClaim, single_owner_problems
from observability_blueprint.rules.structured_logs import (
    DEFAULT_ERROR_LEVELS,
    StructuredLogFields,
    structured_log_filters,
)
from observability_blueprint.rules.transformers import (
    ADD_KEY_VALUE_MAX,
    CSV_COLUMNS_MAX,
    GROK_MATCH_MAX,
    KEY_MAX,
    LOG_FORMATS,
    PROCESSORS_MAX,
    SHIPPED_PARSERS,
    AddKey,
    AddKeys,
    Csv,
    DeleteKeys,
    Grok,
    LowerCaseString,
    OfflineUnsupportedError,
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
    applies_on_transformed_logs,
    apply,
    cfn_transformer_config,
    grok_problems,
    offline_transform,
    transformed_examples,
    transformed_filter_problems,
    transformer_problems,
    unsupported_offline,
    with_transformed_examples,
)

APACHE_LINE = '127.0.0.1 - - [03/Aug/2023:12:34:56 +0000] "GET /page.html HTTP/1.1" 200 1234'
NGINX_LINE = (
    '192.168.1.100 - Foo [03/Aug/2023:12:34:56 +0000] "GET /account/login.html HTTP/1.1" 200 42 '
    '"https://www.amazon.com/" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"'
)
SYSLOG5424_LINE = (
    "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 "
    'iut="3" eventSource= "Application" eventID="1011"][examplePriority@32473 class="high"]'
)
SYSLOG3164_LINE = "Oct 11 22:14:15 mymachine su[230]: 'su root' failed for lonvick on /dev/pts/8"


def messages(problems: Sequence[Problem]) -> list[str]:
    return [str(p) for p in problems]


# -- the rules of a transformer ---------------------------------------------------


def test_every_shipped_parser_is_a_valid_transformer() -> None:
    assert set(SHIPPED_PARSERS) == set(LOG_FORMATS)
    for processors in SHIPPED_PARSERS.values():
        assert transformer_problems(processors) == []


def test_more_processors_than_allowed() -> None:
    processors = [ParseJSON(), *[TrimString(with_keys=["message"])] * 20]
    assert messages(transformer_problems(processors)) == [
        "processors: 21 processors; a transformer takes 1 to 20, applied in order"
    ]
    assert messages(transformer_problems([])) == [
        "processors: 0 processors; a transformer takes 1 to 20, applied in order"
    ]


def test_infrequent_access_log_group() -> None:
    assert messages(transformer_problems([ParseJSON()], log_class="INFREQUENT_ACCESS")) == [
        "log_class: a log group of class INFREQUENT_ACCESS cannot have a transformer (only "
        "STANDARD log groups can); set log_class: STANDARD or remove it. The class cannot be "
        "changed after the log group is created"
    ]
    assert transformer_problems([ParseJSON()], log_class=None) == []  # not known: not checked


def test_the_first_processor_is_a_parser() -> None:
    processors = [LowerCaseString(with_keys=["level"]), ParseJSON()]
    assert messages(transformer_problems(processors)) == [
        "processors[0]: lowerCaseString comes first; the first processor of a transformer must "
        "be a parser (parseJSON, parseKeyValue, csv, grok, parseToOCSF or a parser for AWS "
        "vended logs): put the parser first"
    ]


def test_at_most_five_parsers() -> None:
    processors = [ParseJSON(), *[ParseKeyValue(source="kv")] * 5]
    assert messages(transformer_problems(processors)) == [
        "processors: 6 parsers (parseJSON, parseKeyValue, parseKeyValue, parseKeyValue, "
        "parseKeyValue, parseK...); a transformer takes at most 5"
    ]


def test_a_vended_log_parser_comes_first() -> None:
    processors = [ParseJSON(), VendedLogParser(log_type="vpc")]
    assert messages(transformer_problems(processors)) == [
        "processors[1]: parseVPC is processor 2; a parser for AWS vended logs must be the first "
        "processor, and a transformer takes only one"
    ]
    assert transformer_problems([VendedLogParser(log_type="vpc")]) == []


def test_one_grok_and_one_add_keys() -> None:
    add = AddKeys(entries=[AddKey(key="env", value="prod")])
    processors = [Grok(match="%{WORD:a}"), add, Grok(source="a", match="%{WORD:b}"), add]
    assert messages(transformer_problems(processors)) == [
        "processors[2]: a second grok (the first is processors[0]); a transformer takes only "
        "one grok: merge them",
        "processors[3]: a second addKeys (the first is processors[1]); a transformer takes only "
        "one addKeys: merge them",
    ]


def test_each_processor_is_checked_where_it_is() -> None:
    processors: list[Processor] = [
        ParseJSON(destination="--"),
        AddKeys(entries=[AddKey(key="k" * 129, value="v" * 257), AddKey(key="a", value="b")] * 3),
        DeleteKeys(with_keys=["a", "a"]),
        UpperCaseString(with_keys=[f"k{i}" for i in range(11)]),
        TypeConverter(entries=[TypeConversion(key="status", type="int")]),  # type: ignore[arg-type]
    ]
    assert messages(transformer_problems(processors)) == [
        "processors[0].destination: '--' has no letter or digit; CloudFormation requires one in "
        "this field",
        "processors[1].entries: 6 entries; addKeys takes 1 to 5",
        "processors[1].entries[0].key: '" + "k" * 77 + "...' is 129 characters; CloudWatch Logs "
        "takes 1 to 128",
        "processors[1].entries[0].value: '" + "v" * 77 + "...' is 257 characters; CloudWatch "
        "Logs takes 1 to 256",
        "processors[1].entries[2].key: '" + "k" * 77 + "...' is 129 characters; CloudWatch Logs "
        "takes 1 to 128",
        "processors[1].entries[2].value: '" + "v" * 77 + "...' is 257 characters; CloudWatch "
        "Logs takes 1 to 256",
        "processors[1].entries[4].key: '" + "k" * 77 + "...' is 129 characters; CloudWatch Logs "
        "takes 1 to 128",
        "processors[1].entries[4].value: '" + "v" * 77 + "...' is 257 characters; CloudWatch "
        "Logs takes 1 to 256",
        "processors[1].entries[2].key: '" + "k" * 77 + "...' is listed twice; list each key once",
        "processors[1].entries[3].key: 'a' is listed twice; list each key once",
        "processors[1].entries[4].key: '" + "k" * 77 + "...' is listed twice; list each key once",
        "processors[1].entries[5].key: 'a' is listed twice; list each key once",
        "processors[2].with_keys[1]: 'a' is listed twice; list each key once",
        "processors[3].with_keys: 11 entries; upperCaseString takes 1 to 10",
        "processors[4].entries[0].type: 'int' is not a type; use boolean, integer, double, string",
    ]


def test_type_converter_takes_five_entries_as_the_api_does() -> None:
    # The guide says 10; PutTransformer and the CloudFormation schema refuse a sixth.
    entries = [TypeConversion(key=f"k{i}", type="integer") for i in range(6)]
    assert messages(TypeConverter(entries=entries).problems()) == [
        "entries: 6 entries; typeConverter takes 1 to 5"
    ]


def test_csv_and_ocsf_options() -> None:
    assert messages(
        Csv(delimiter=";;", quote_character="''", columns=[f"c{i}" for i in range(101)]).problems()
    ) == [
        "delimiter: ';;' is not a csv delimiter; use one character, or \\t for a tab or \\s for "
        "a space",
        "quote_character: \"''\" is not one character; a csv quote is one character",
        "columns: 101 columns; the csv processor takes at most 100",
    ]
    assert Csv(delimiter="\\t").problems() == []
    ocsf = ParseToOCSF(event_source="VPCFlow", ocsf_version="V1.1", mapping_version="v1.5.0")
    assert messages(ocsf.problems()) == [
        "mapping_version: 'v1.5.0' cannot be combined with OCSF V1.1; remove it or use V1.5"
    ]
    assert messages(
        ParseToOCSF(event_source="VPCFlow", ocsf_version="V1.5", mapping_version="1.5").problems()
    ) == ["mapping_version: '1.5' is not a mapping version; write it like v1.5.0"]


@pytest.fixture(scope="module")
def logs_model() -> Any:
    return botocore.session.get_session().get_service_model("logs")


def test_limits_match_the_botocore_model(logs_model: Any) -> None:
    def most(shape: str) -> int:
        return int(logs_model.shape_for(shape).metadata["max"])

    assert most("Processors") == PROCESSORS_MAX
    assert most("GrokMatch") == GROK_MATCH_MAX
    assert most("AddKeyValue") == ADD_KEY_VALUE_MAX
    assert most("Key") == most("Target") == most("Column") == KEY_MAX
    assert most("Columns") == CSV_COLUMNS_MAX
    assert set(logs_model.shape_for("Type").enum) == set(get_args(ValueType))


ENTRY_LISTS: list[tuple[str, Callable[[int], Processor]]] = [
    (
        "AddKeyEntries",
        lambda n: AddKeys(entries=[AddKey(key=f"k{i}", value="v") for i in range(n)]),
    ),
    ("DeleteWithKeys", lambda n: DeleteKeys(with_keys=[f"k{i}" for i in range(n)])),
    (
        "RenameKeyEntries",
        lambda n: RenameKeys(entries=[RenameKey(key=f"k{i}", rename_to=f"r{i}") for i in range(n)]),
    ),
    ("LowerCaseStringWithKeys", lambda n: LowerCaseString(with_keys=[f"k{i}" for i in range(n)])),
    ("UpperCaseStringWithKeys", lambda n: UpperCaseString(with_keys=[f"k{i}" for i in range(n)])),
    ("TrimStringWithKeys", lambda n: TrimString(with_keys=[f"k{i}" for i in range(n)])),
    (
        "TypeConverterEntries",
        lambda n: TypeConverter(
            entries=[TypeConversion(key=f"k{i}", type="string") for i in range(n)]
        ),
    ),
]


@pytest.mark.parametrize(("shape", "make"), ENTRY_LISTS, ids=[shape for shape, _ in ENTRY_LISTS])
def test_entry_counts_match_the_botocore_model(
    logs_model: Any, shape: str, make: Callable[[int], Processor]
) -> None:
    most = int(logs_model.shape_for(shape).metadata["max"])
    assert make(most).problems() == []
    assert [p.location for p in make(most + 1).problems()] == [
        "with_keys" if "WithKeys" in shape else "entries"
    ]
    assert [p.location for p in make(0).problems()] == [
        "with_keys" if "WithKeys" in shape else "entries"
    ]


# -- grok ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("match", "expected"),
    [
        (
            "%{IPORHOST:client} %{NUMBR:bytes}",
            [
                "%{NUMBR} is not a grok pattern CloudWatch Logs supports (custom patterns are "
                "not allowed); did you mean %{NUMBER}?"
            ],
        ),
        (
            "%{NUMBER:bytes:int}",
            [
                "%{NUMBER:bytes:int} converts the type (int); CloudWatch Logs grok does not: "
                "drop ':int' and cast with a typeConverter processor"
            ],
        ),
        (
            "%{WORD:a} %{WORD:b",
            [
                "the %{ at column 11 of '%{WORD:a} %{WORD:b' is not closed; write patterns as "
                "%{PATTERN} or %{PATTERN:field}"
            ],
        ),
        (
            "status=500",
            [
                "'status=500' uses no grok pattern; write patterns as %{PATTERN:field}, such as "
                "%{IPORHOST:client} or %{NGINX_ACCESS_LOG}"
            ],
        ),
        (
            " ".join(["%{INT}"] * 21),
            [
                "21 grok patterns in one match; CloudWatch Logs combines at most 20",
                "%{INT} is used 21 times; CloudWatch Logs allows it at most 20 times in one match",
            ],
        ),
        (
            " ".join(["%{NOTSPACE}"] * 6),
            ["%{NOTSPACE} is used 6 times; CloudWatch Logs allows it at most 5 times in one match"],
        ),
        (
            "%{DATA:a} %{DATA:b} %{URI:c} %{SPACE} %{URIPARAM:d} %{GREEDYDATA:e}",
            [
                "URI, URIPARAM, URIPATHPARAM, SPACE, DATA, GREEDYDATA and GREEDYDATA_MULTILINE "
                "are used 6 times together; CloudWatch Logs allows at most 5 in one match"
            ],
        ),
        (
            "%{GREEDYDATA_MULTILINE:a}%{GREEDYDATA_MULTILINE:b}",
            [
                "%{GREEDYDATA_MULTILINE} is used 2 times; CloudWatch Logs allows it at most once "
                "in one match"
            ],
        ),
        (
            "%{NGINX_ACCESS_LOG} %{NUMBER:num}",
            [
                "%{NGINX_ACCESS_LOG} is followed by %{NUMBER}; only one DATA, GREEDYDATA or "
                "GREEDYDATA_MULTILINE may follow a common log pattern"
            ],
        ),
        (
            "%{GREEDYDATA:logMsg} %{SYSLOG5424}",
            [
                "%{SYSLOG5424} comes after %{GREEDYDATA}; a common log pattern must be the first "
                "pattern of the match"
            ],
        ),
        (
            "%{APACHE_ACCESS_LOG} %{SYSLOG5424}",
            [
                "2 common log patterns (APACHE_ACCESS_LOG, NGINX_ACCESS_LOG, SYSLOG5424); a "
                "match takes only one"
            ],
        ),
    ],
)
def test_grok_matches_cloudwatch_logs_refuses(match: str, expected: list[str]) -> None:
    assert grok_problems(match) == expected


@pytest.mark.parametrize(
    "match",
    [
        # The guide's valid examples.
        "%{NGINX_ACCESS_LOG} %{DATA}",
        "%{SYSLOG5424}%{DATA:logMsg}",
        "%{APACHE_ACCESS_LOG} %{GREEDYDATA:logMsg}",
        "%{NUMBER:timestamp} [%{NUMBER:db} %{IP:client_ip}:%{NUMBER:client_port}] "
        "%{GREEDYDATA:data}",
    ],
)
def test_grok_matches_the_guide_shows_as_valid(match: str) -> None:
    assert grok_problems(match) == []


def test_a_grok_match_over_512_characters() -> None:
    assert Grok(match="%{WORD:w}" + " " * 504).problems() == [
        Problem("match", "the grok match is 513 characters; CloudWatch Logs takes 1 to 512")
    ]


# -- CloudFormation -----------------------------------------------------------------


def test_the_cloudformation_form() -> None:
    processors: list[Processor] = [
        Grok(match="%{APACHE_ACCESS_LOG}"),
        ParseKeyValue(source="query", destination="params", field_delimiter="&"),
        Csv(columns=["a", "b"], delimiter="\\t", source="row"),
        AddKeys(entries=[AddKey(key="env", value="prod", overwrite_if_exists=True)]),
        RenameKeys(entries=[RenameKey(key="remote_host", rename_to="client_ip")]),
        DeleteKeys(with_keys=["http_version"]),
        LowerCaseString(with_keys=["http_method"]),
        TypeConverter(entries=[TypeConversion(key="params.page", type="integer")]),
    ]
    assert cfn_transformer_config(processors) == [
        {"Grok": {"Match": "%{APACHE_ACCESS_LOG}"}},
        {"ParseKeyValue": {"Source": "query", "Destination": "params", "FieldDelimiter": "&"}},
        {"Csv": {"Columns": ["a", "b"], "Delimiter": "\\t", "Source": "row"}},
        {"AddKeys": {"Entries": [{"Key": "env", "Value": "prod", "OverwriteIfExists": True}]}},
        {"RenameKeys": {"Entries": [{"Key": "remote_host", "RenameTo": "client_ip"}]}},
        {"DeleteKeys": {"WithKeys": ["http_version"]}},
        {"LowerCaseString": {"WithKeys": ["http_method"]}},
        {"TypeConverter": {"Entries": [{"Key": "params.page", "Type": "integer"}]}},
    ]
    assert cfn_transformer_config([ParseJSON(), VendedLogParser(log_type="waf")]) == [
        {"ParseJSON": {}},
        {"ParseWAF": {}},
    ]
    ocsf = ParseToOCSF(event_source="CloudTrail", ocsf_version="V1.5", mapping_version="v1.5.0")
    assert ocsf.to_cfn() == {
        "ParseToOCSF": {
            "EventSource": "CloudTrail",
            "OcsfVersion": "V1.5",
            "MappingVersion": "v1.5.0",
        }
    }


# -- the engine, on the guide's samples ---------------------------------------------


def test_apache_common_log_format() -> None:
    assert apply(SHIPPED_PARSERS["apache_common"], APACHE_LINE) == {
        "request": "/page.html",
        "http_method": "GET",
        "status_code": 200,
        "http_version": "1.1",
        "response_size": 1234,
        "remote_host": "127.0.0.1",
        "timestamp": "2023-08-03T12:34:56Z",
    }


def test_combined_access_log_format() -> None:
    expected = {
        "request": "/account/login.html",
        "referrer": "https://www.amazon.com/",
        "agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
        "http_method": "GET",
        "status_code": 200,
        "auth_user": "Foo",
        "http_version": "1.1",
        "response_size": 42,
        "remote_host": "192.168.1.100",
        "timestamp": "2023-08-03T12:34:56Z",
    }
    assert apply(SHIPPED_PARSERS["nginx_combined"], NGINX_LINE) == expected
    assert apply(SHIPPED_PARSERS["apache_combined"], NGINX_LINE) == expected


def test_access_log_times_are_converted_to_utc() -> None:
    line = '10.0.0.1 - - [03/Aug/2023:14:34:56 +0200] "POST /pay HTTP/2.0" 503 -'
    assert apply(SHIPPED_PARSERS["apache_common"], line) == {
        "remote_host": "10.0.0.1",
        "timestamp": "2023-08-03T12:34:56Z",
        "http_method": "POST",
        "request": "/pay",
        "http_version": "2.0",
        "status_code": 503,
    }


def test_syslog_rfc5424() -> None:
    assert apply(SHIPPED_PARSERS["syslog_rfc5424"], SYSLOG5424_LINE) == {
        "pri": 165,
        "version": 1,
        "timestamp": "2003-10-11T22:14:15.003Z",
        "hostname": "mymachine.example.com",
        "app": "evntslog",
        "msg_id": "ID47",
        "structured_data": 'exampleSDID@32473 iut="3" eventSource= "Application" eventID="1011"',
        "message": '[examplePriority@32473 class="high"]',
    }


def test_syslog_rfc3164() -> None:
    assert apply(SHIPPED_PARSERS["syslog_rfc3164"], SYSLOG3164_LINE) == {
        "timestamp": "Oct 11 22:14:15",
        "hostname": "mymachine",
        "process": "su[230]",
        "program": "su",
        "pid": "230",
        "message": "'su root' failed for lonvick on /dev/pts/8",
    }
    assert apply(SHIPPED_PARSERS["syslog_rfc3164"], "Feb  3 01:02:03 10.0.0.7 cron: job done") == {
        "timestamp": "Feb  3 01:02:03",
        "hostname": "10.0.0.7",
        "process": "cron",
        "program": "cron",
        "message": "job done",
    }


def test_json_and_key_value_lines() -> None:
    assert apply(SHIPPED_PARSERS["json"], '{"level": "ERROR", "http": {"status": 502}}') == {
        "level": "ERROR",
        "http": {"status": 502},
    }
    assert apply(SHIPPED_PARSERS["key_value"], "level=error  service=checkout latency_ms=12") == {
        "level": "error",
        "service": "checkout",
        "latency_ms": "12",
    }


@pytest.mark.parametrize(
    ("processors", "line", "expected"),
    [
        (
            [
                Grok(
                    match="%{NUMBER:version} %{HOSTNAME:hostname} %{NOTSPACE:status} "
                    "%{QUOTEDSTRING:logMsg}"
                )
            ],
            '293750 server-01.internal-network.local OK "[Thread-000] token generated"',
            {
                "version": "293750",
                "hostname": "server-01.internal-network.local",
                "status": "OK",
                "logMsg": "[Thread-000] token generated",
            },
        ),
        (
            [Grok(match="%{HTTPDATE:timestamp} %{IPORHOST:clientip} %{NUMBER:response_status}")],
            "23/Nov/2024:10:25:15 -0900 172.16.0.1 200",
            {
                "timestamp": "23/Nov/2024:10:25:15 -0900",
                "clientip": "172.16.0.1",
                "response_status": "200",
            },
        ),
        (
            [
                ParseJSON(),
                Grok(
                    source="logMsg",
                    match="%{WORD:http_method} %{NOTSPACE:request} HTTP/%{NUMBER:http_version}",
                ),
            ],
            '{"timestamp": "2024-11-23T16:03:12Z", "level": "ERROR", '
            '"logMsg": "GET /page.html HTTP/1.1"}',
            {
                "timestamp": "2024-11-23T16:03:12Z",
                "level": "ERROR",
                "logMsg": "GET /page.html HTTP/1.1",
                "http_method": "GET",
                "request": "/page.html",
                "http_version": "1.1",
            },
        ),
        (
            [
                Grok(
                    match="%{IP:client.ip} %{WORD:method} %{URIPATHPARAM:request.uri} "
                    "%{NUMBER:response.status} %{NUMBER:response.bytes}"
                )
            ],
            "192.168.1.1 GET /index.html?param=value 200 1234",
            {
                "client": {"ip": "192.168.1.1"},
                "method": "GET",
                "request": {"uri": "/index.html?param=value"},
                "response": {"status": "200", "bytes": "1234"},
            },
        ),
        ([Grok(match="%{DATA:x} %{DATA:y}")], "abc def ghi", {"x": "abc", "y": "def ghi"}),
        (
            [Grok(match="%{GREEDYDATA:x} %{GREEDYDATA:y}")],
            "abc def ghi",
            {"x": "abc def", "y": "ghi"},
        ),
        (
            [Grok(match="%{HOSTPORT:ip}")],
            "192.168.1.1:8080",
            {"ip": "192.168.1.1:8080", "PORT": "8080"},
        ),
        (
            [Grok(match="%{URIHOST:host} %{URIHOST:ip}")],
            "example.com:443 10.0.0.1",
            {"host": "example.com:443", "port": "443", "ip": "10.0.0.1"},
        ),
        (
            [Grok(match="%{SYSLOGFACILITY:syslog}")],
            "<13.6>",
            {"syslog": "<13.6>", "facility": "13", "priority": "6"},
        ),
        (
            [Grok(match="%{TIMESTAMP_ISO8601:timestamp}")],
            "23-5-1T1:25+5:30",
            {"timestamp": "23-5-1T1:25+5:30"},
        ),
        (
            [Csv(delimiter=":", quote_character="'")],
            "'Akua Mansa':28:'New York: USA'",
            {"column_1": "Akua Mansa", "column_2": "28", "column_3": "New York: USA"},
        ),
        (
            [
                ParseKeyValue(
                    destination="new_key",
                    field_delimiter="!",
                    key_value_delimiter=":",
                    non_match_value="defaultValue",
                    key_prefix="parsed_",
                )
            ],
            "key1:value1!key2:value2!key3:value3!key4",
            {
                "new_key": {
                    "parsed_key1": "value1",
                    "parsed_key2": "value2",
                    "parsed_key3": "value3",
                    "parsed_key4": "defaultValue",
                }
            },
        ),
        (
            [ParseJSON(destination="new_key")],
            '{"outer_key": {"inner_key": "inner_value"}}',
            {"new_key": {"outer_key": {"inner_key": "inner_value"}}},
        ),
        (
            [ParseJSON(), UpperCaseString(with_keys=["outer_key.inner_key"])],
            '{"outer_key": {"inner_key": "inner_value"}}',
            {"outer_key": {"inner_key": "INNER_VALUE"}},
        ),
        (
            [ParseJSON(), TrimString(with_keys=["outer_key.inner_key"])],
            '{"outer_key": {"inner_key": "   inner_value  "}}',
            {"outer_key": {"inner_key": "inner_value"}},
        ),
        (
            [ParseJSON(), AddKeys(entries=[AddKey(key="outer_key.new_key", value="new_value")])],
            '{"outer_key": {"inner_key": "inner_value"}}',
            {"outer_key": {"inner_key": "inner_value", "new_key": "new_value"}},
        ),
        (
            [ParseJSON(), DeleteKeys(with_keys=["outer_key.inner_key"])],
            '{"outer_key": {"inner_key": "inner_value"}}',
            {"outer_key": {}},
        ),
        (
            [ParseJSON(), RenameKeys(entries=[RenameKey(key="outer_key", rename_to="new_key")])],
            '{"outer_key": {"inner_key": "inner_value"}}',
            {"new_key": {"inner_key": "inner_value"}},
        ),
        (
            [ParseJSON(), TypeConverter(entries=[TypeConversion(key="status", type="integer")])],
            '{"name": "value", "status": "200"}',
            {"name": "value", "status": 200},
        ),
    ],
)
def test_the_guide_samples(
    processors: list[Processor], line: str, expected: dict[str, object]
) -> None:
    assert apply(processors, line) == expected


def test_mutators_leave_what_they_cannot_change() -> None:
    processors: list[Processor] = [
        ParseJSON(),
        AddKeys(entries=[AddKey(key="env", value="test")]),  # exists: kept
        RenameKeys(entries=[RenameKey(key="a", rename_to="env")]),  # target exists: kept
        TypeConverter(
            entries=[
                TypeConversion(key="n", type="integer"),  # not a number: kept
                TypeConversion(key="d", type="double"),
                TypeConversion(key="b", type="boolean"),
                TypeConversion(key="s", type="string"),
                TypeConversion(key="missing", type="integer"),
            ]
        ),
        LowerCaseString(with_keys=["s"]),
    ]
    line = '{"env": "prod", "a": 1, "n": "n/a", "d": "2.5", "b": "TRUE", "s": 42}'
    assert apply(processors, line) == {
        "env": "prod",
        "a": 1,
        "n": "n/a",
        "d": 2.5,
        "b": True,
        "s": "42",
    }


def test_a_line_the_first_parser_cannot_read_stays_as_it_came() -> None:
    assert apply(SHIPPED_PARSERS["nginx_combined"], "not an access log line") is None
    assert apply(SHIPPED_PARSERS["json"], "[1, 2]") is None
    assert transformed_examples(SHIPPED_PARSERS["json"], ["plain text", '{"a":1}']) == (
        "plain text",
        '{"a":1}',
    )


def test_processors_the_engine_does_not_emulate() -> None:
    assert unsupported_offline([VendedLogParser(log_type="cloudfront")]) == (
        "processors[0] (parseCloudfront) is not emulated offline"
    )
    assert unsupported_offline([Grok(match="%{DATESTAMP_RFC822:when}")]) == (
        "processors[0] uses %{DATESTAMP_RFC822}, which the offline grok engine does not emulate"
    )
    with pytest.raises(OfflineUnsupportedError, match=r"^processors\[0\] \(parseVPC\)"):
        apply([VendedLogParser(log_type="vpc")], "2 123456789010 eni-abc123de")
    assert unsupported_offline(SHIPPED_PARSERS["syslog_rfc3164"]) is None


def test_grok_runs_in_linear_time() -> None:
    grok = [Grok(match="%{DATA:a} %{DATA:b} %{DATA:c} %{DATA:d} %{GREEDYDATA:e}!")]
    line = "a " * 100_000
    started = time.perf_counter()
    assert apply(grok, line) is None
    assert time.perf_counter() - started < 2


# -- metric filters on transformed events ------------------------------------------


def test_filter_patterns_match_the_transformed_lines() -> None:
    server_error = '10.0.0.1 - - [03/Aug/2023:14:34:56 +0000] "GET /pay HTTP/1.1" 503 12'
    events = transformed_examples(SHIPPED_PARSERS["apache_common"], [server_error, APACHE_LINE])
    pattern = parse("{ $.status_code >= 500 }")
    assert [pattern.matches(e) for e in events] == [True, False]
    slow_login = parse('{ $.request = "/account/*" && $.auth_user = "Foo" }')
    assert slow_login.matches(
        transformed_examples(SHIPPED_PARSERS["nginx_combined"], [NGINX_LINE])[0]
    )
    kv = transformed_examples(SHIPPED_PARSERS["key_value"], ["level=ERROR service=checkout"])
    assert parse('{ $.level = "ERROR" && $.service = "checkout" }').matches(kv[0])
    syslog = transformed_examples(SHIPPED_PARSERS["syslog_rfc3164"], [SYSLOG3164_LINE])
    assert parse('{ $.program = "su" && $.message = "*failed*" }').matches(syslog[0])


def test_metric_filter_examples_written_as_raw_lines() -> None:
    spec = MetricFilterSpec(
        name="server-errors",
        pattern="{ $.status_code >= 500 }",
        namespace="Shop/Web",
        metric_name="ServerErrors",
        examples=PatternExamples(
            match=('10.0.0.1 - - [03/Aug/2023:14:34:56 +0000] "GET / HTTP/1.1" 502 0',),
            no_match=(APACHE_LINE,),
        ),
    )
    # As raw lines, a JSON pattern never matches: the examples fail without the transformer.
    assert [p.location for p in metric_filter_problems(spec)] == ["examples.match[0]"]
    transformed = with_transformed_examples(spec, SHIPPED_PARSERS["apache_common"])
    assert metric_filter_problems(transformed) == []
    wrong = with_transformed_examples(
        MetricFilterSpec(
            name="x",
            pattern="{ $.status_code >= 500 }",
            namespace="Shop/Web",
            metric_name="X",
            examples=PatternExamples(match=(APACHE_LINE,)),
        ),
        SHIPPED_PARSERS["apache_common"],
    )
    assert messages(metric_filter_problems(wrong)) == [
        "examples.match[0]: the pattern '{ $.status_code >= 500 }' does not match this event, "
        'which it should: \'{"remote_host":"127.0.0.1","timestamp":"2023-08-03T12:34:56Z",'
        '"http_method":"...\''
    ]


def _status_5xx(match: tuple[str, ...], no_match: tuple[str, ...] = ()) -> MetricFilterSpec:
    """The 5xx filter StructuredLogMetrics makes, with raw key=value lines as examples."""
    specs = structured_log_filters(
        namespace="Shop/App", fields=StructuredLogFields(), error_levels=DEFAULT_ERROR_LEVELS
    )
    spec = next(s for s in specs if s.name == "status-5xx")
    return MetricFilterSpec(
        name=spec.name,
        pattern=spec.pattern,
        namespace=spec.namespace,
        metric_name=spec.metric_name,
        dimensions=spec.dimensions,
        examples=PatternExamples(match=match, no_match=no_match),
    )


def test_structured_log_filters_on_raw_key_value_lines() -> None:
    failed = "level=ERROR service=checkout status_code=503 latency_ms=12"
    served = "level=INFO service=checkout status_code=200 latency_ms=3"
    typed = [
        ParseKeyValue(field_delimiter=" ", key_value_delimiter="="),
        TypeConverter(entries=[TypeConversion(key="status_code", type="integer")]),
    ]
    assert transformed_filter_problems(_status_5xx((failed,), (served,)), typed) == []
    # parseKeyValue alone gives the status as text, which no numeric comparison matches.
    assert messages(
        transformed_filter_problems(_status_5xx((failed,)), SHIPPED_PARSERS["key_value"])
    ) == [
        "examples.match[0]: the pattern '{ $.status_code >= 500 && $.status_code <= 599 }' does "
        "not match this line, which it should: 'level=ERROR service=checkout status_code=503 "
        'latency_ms=12\'; after the transformer, $.status_code is "503"'
    ]


def test_a_filter_on_raw_lines_or_without_a_transformer_matches_them_as_they_are() -> None:
    spec = _status_5xx(("level=ERROR status_code=503",))
    raw_message = (
        "examples.match[0]: the pattern '{ $.status_code >= 500 && $.status_code <= 599 }' does "
        "not match this event, which it should: 'level=ERROR status_code=503'"
    )
    assert messages(transformed_filter_problems(spec, None)) == [raw_message]
    off = replace(spec, apply_on_transformed_logs=False)
    assert messages(transformed_filter_problems(off, SHIPPED_PARSERS["key_value"])) == [raw_message]
    assert applies_on_transformed_logs(spec, has_transformer=True) is True
    assert applies_on_transformed_logs(spec, has_transformer=False) is False
    assert applies_on_transformed_logs(off, has_transformer=True) is False


def test_examples_already_transformed_are_matched_as_they_are() -> None:
    spec = MetricFilterSpec(
        name="errors",
        pattern='{ $.level = "ERROR" }',
        namespace="Shop/App",
        metric_name="Errors",
        examples=PatternExamples(match=('{"level":"ERROR"}',), transformed=True),
    )
    # Not parsed again (grok would not read JSON), and no emulation needed.
    assert transformed_filter_problems(spec, SHIPPED_PARSERS["nginx_combined"]) == []
    assert transformed_filter_problems(spec, [VendedLogParser(log_type="vpc")]) == []


def test_a_pattern_with_selectors_the_message_cannot_resolve_shows_the_event() -> None:
    spec = MetricFilterSpec(
        name="x",
        pattern='{ $.tags[0] = "slow" }',
        namespace="Shop/App",
        metric_name="X",
        examples=PatternExamples(match=("level=INFO",)),
    )
    assert messages(transformed_filter_problems(spec, SHIPPED_PARSERS["key_value"])) == [
        "examples.match[0]: the pattern '{ $.tags[0] = \"slow\" }' does not match this line, "
        "which it should: 'level=INFO'; the transformer makes it '{\"level\":\"INFO\"}'"
    ]


def test_the_offline_transform_a_filter_sees() -> None:
    transform = offline_transform(SHIPPED_PARSERS["key_value"])
    assert transform("level=ERROR service=checkout") == '{"level":"ERROR","service":"checkout"}'
    assert transform("no pairs here") is None


# -- field index policies ------------------------------------------------------------


def test_field_index_policy_documents() -> None:
    assert FieldIndexPolicy(fields=["requestId"]).document() == {"Fields": ["requestId"]}
    policy = FieldIndexPolicy(fields=["TransactionId"], facets=["StatusCode"])
    assert policy.document_text() == (
        '{"Fields":["TransactionId"],"FieldsV2":{"StatusCode":{"type":"FACET"}}}'
    )
    assert policy.problems() == []


def test_field_index_policy_limits() -> None:
    too_many = FieldIndexPolicy(fields=[f"f{i}" for i in range(15)], facets=["f1", *"abcde"])
    assert messages(too_many.problems()) == [
        "fields: 21 fields; an index policy takes 1 to 20, facets included (indexes of "
        "@logStream, @aws.region, @aws.account, @source.log and traceId come free)",
        "facets[0]: 'f1' is already fields[1]; name each field once (a facet is also an index)",
    ]
    assert messages(FieldIndexPolicy(fields=["x" * 101, ""]).problems()) == [
        "fields[0]: '" + "x" * 77 + "...' is 101 characters; a field name is 1 to 100",
        "fields[1]: '' is 0 characters; a field name is 1 to 100",
    ]
    assert messages(FieldIndexPolicy().problems())[0].startswith("fields: 0 fields;")


def test_the_fields_indexed_by_default_follow_the_structured_log_names() -> None:
    assert default_index_fields() == ("request_id", "xray_trace_id", "service")
    names = StructuredLogFields(request_id="requestId", xray_trace_id="trace.id")
    assert default_index_fields(names) == ("requestId", "trace.id", "service")


def test_account_policy_names() -> None:
    assert check_account_policy_name("observability-field-indexes") is None
    assert check_account_policy_name("a:b") == (
        "'a:b' is not an account policy name; use 1 to 256 characters without ':' or '*'"
    )
    assert check_account_policy_name("aws/mine") == (
        "'aws/mine' starts with aws/, which AWS reserves; use another prefix"
    )


def test_one_owner_per_account_and_region() -> None:
    claims = [
        AccountClaim("dev", "111122223333", "eu-west-1"),
        AccountClaim("prod", "444455556666", "eu-west-1"),
        AccountClaim("dev-us", "111122223333", "us-east-1"),
        AccountClaim("shard-2", "111122223333", "eu-west-1"),
        AccountClaim("anywhere", None, None),
    ]
    assert messages(single_owner_problems("the account-level field index policy", claims)) == [
        "shard-2: the account-level field index policy is one per account and Region; dev "
        "already creates it in account 111122223333, Region eu-west-1, where this one (account "
        "111122223333, Region eu-west-1) could deploy too: let one stack own it (remove it "
        "here), or give the stacks different accounts or Regions",
        "anywhere: the account-level field index policy is one per account and Region; dev "
        "already creates it in account 111122223333, Region eu-west-1, where this one (any "
        "account, any Region) could deploy too: let one stack own it (remove it here), or give "
        "the stacks different accounts or Regions",
    ]
