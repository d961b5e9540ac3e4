"""The file's log intelligence (issue 13, parts 3, 5, 6): per log group ``transformer``,
``field_indexes``, ``log_alarms``, ``scheduled_queries``, ``contributor_insights``; the
top-level ``insights:``. Each refusal is checked for its place, value and what is allowed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from observability_blueprint import Blueprint, BlueprintError
from observability_blueprint.config.insights import processor_names
from observability_blueprint.rules import transformers
from observability_blueprint.rules.contributor_insights import InsightRuleSpec
from observability_blueprint.rules.transformers import (
    AddKey,
    AddKeys,
    Grok,
    ParseKeyValue,
    Processor,
    RenameKey,
    RenameKeys,
    TypeConversion,
    TypeConverter,
    VendedLogParser,
)

BASE: dict[str, Any] = {
    "name": "shop",
    "stage": "dev",
    "notifications": [{"name": "ops"}],
    "log_groups": [
        {"name": "api", "structured_logs": {}},
        {"name": "web"},
    ],
}
NGINX_LINE = (
    '203.0.113.9 - - [03/Aug/2023:12:34:56 +0000] "GET /cart?id=7 HTTP/1.1" {status} 512 '
    '"-" "curl/8.0"'
)
PAYMENT_FAILURES: dict[str, Any] = {
    "name": "payment-failures",
    "query": 'filter event = "PaymentFailed" | stats count_distinct(user_id) as users',
    "aggregation": "max(users)",
    "comparison": ">",
    "threshold": 10,
}
DAILY_ERRORS: dict[str, Any] = {
    "name": "daily-errors",
    "query": 'filter level = "ERROR" | stats count(*) by service',
    "schedule": "cron(0 6 ? * MON-FRI *)",
    "window_hours": 24,
    "bucket": "shop-query-results",
}


def data(**top: Any) -> dict[str, Any]:
    found = copy.deepcopy(BASE)
    found.update(top)
    return found


def with_group(index: int, **settings: Any) -> dict[str, Any]:
    """The base file with ``settings`` on ``log_groups[index]``."""
    found = data()
    found["log_groups"][index].update(copy.deepcopy(settings))
    return found


def log_alarm(**settings: Any) -> dict[str, Any]:
    return {**PAYMENT_FAILURES, **settings}


def scheduled_query(**settings: Any) -> dict[str, Any]:
    return {**DAILY_ERRORS, **settings}


def error_of(value: dict[str, Any]) -> str:
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict(value)
    return str(caught.value)


# ---------------------------------------------------------------- transformers


def test_a_format_is_the_parser_the_blueprint_ships() -> None:
    blueprint = Blueprint.from_dict(with_group(1, transformer={"format": "nginx_combined"}))
    transformer = blueprint.log_groups[1].transformer
    assert transformer is not None
    assert transformer.to_processors() == (Grok(match="%{NGINX_ACCESS_LOG}"),)


def test_processors_are_written_as_the_cloudwatch_logs_guide_writes_them() -> None:
    processors = [
        {"parseKeyValue": {"fieldDelimiter": " ", "keyValueDelimiter": "="}},
        {"addKeys": {"entries": [{"key": "env", "value": "prod", "overwriteIfExists": True}]}},
        {"renameKeys": {"entries": [{"key": "lvl", "renameTo": "level"}]}},
        {"typeConverter": {"entries": [{"key": "latency_ms", "type": "integer"}]}},
    ]
    blueprint = Blueprint.from_dict(with_group(1, transformer={"processors": processors}))
    transformer = blueprint.log_groups[1].transformer
    assert transformer is not None
    assert transformer.to_processors() == (
        ParseKeyValue(field_delimiter=" ", key_value_delimiter="="),
        AddKeys(entries=(AddKey(key="env", value="prod", overwrite_if_exists=True),)),
        RenameKeys(entries=(RenameKey(key="lvl", rename_to="level"),)),
        TypeConverter(entries=(TypeConversion(key="latency_ms", type="integer"),)),
    )


def test_a_vended_log_parser_is_written_with_no_settings() -> None:
    blueprint = Blueprint.from_dict(with_group(1, transformer={"processors": [{"parseVPC": {}}]}))
    transformer = blueprint.log_groups[1].transformer
    assert transformer is not None
    assert transformer.to_processors() == (VendedLogParser(log_type="vpc"),)


def _processor_classes(kind: type[Any]) -> list[type[Any]]:
    """Every public subclass of ``kind``, at any depth."""
    found: list[type[Any]] = []
    subclasses: list[type[Any]] = kind.__subclasses__()
    for sub in subclasses:
        found += [sub] if not sub.__name__.startswith("_") else []
        found += _processor_classes(sub)
    return found


def test_every_processor_the_rules_know_can_be_written_in_the_file() -> None:
    classes = _processor_classes(Processor)
    kinds = {str(cls.kind) for cls in classes if cls is not VendedLogParser}
    vended = {
        VendedLogParser(log_type=t).name
        for t in ("cloudfront", "vpc", "waf", "route53", "postgres")
    }
    assert set(processor_names()) == kinds | vended


def test_an_unknown_processor_names_the_ones_there_are() -> None:
    value = with_group(1, transformer={"processors": [{"grk": {"match": "%{WORD:x}"}}]})
    assert error_of(value) == (
        "log_groups[1].transformer.processors[0].grk: unknown key 'grk'; did you mean 'grok'? "
        "allowed keys: parseJSON, parseKeyValue, csv, grok, parseToOCSF, parseCloudfront, "
        "parseVPC, parseWAF, parseRoute53, parsePostgres, addKeys, deleteKeys, renameKeys, "
        "lowerCaseString, upperCaseString, trimString, typeConverter"
    )


def test_an_unknown_key_of_a_processor_names_its_keys() -> None:
    value = with_group(1, transformer={"processors": [{"parseKeyValue": {"fieldDelimeter": " "}}]})
    assert error_of(value) == (
        "log_groups[1].transformer.processors[0].parseKeyValue.fieldDelimeter: unknown key "
        "'fieldDelimeter'; did you mean 'fieldDelimiter'? allowed keys: source, destination, "
        "fieldDelimiter, keyValueDelimiter, keyPrefix, nonMatchValue, overwriteIfExists"
    )


def test_an_item_names_exactly_one_processor() -> None:
    value = with_group(
        1,
        transformer={
            "processors": [{"grok": {"match": "%{NGINX_ACCESS_LOG}"}, "addKeys": {"entries": []}}]
        },
    )
    message = error_of(value)
    assert message.startswith(
        "log_groups[1].transformer.processors[0]: give exactly one processor, such as "
        "{grok: {match: '%{NGINX_ACCESS_LOG}'}} (got 2: grok, addKeys); processors: parseJSON, "
    )


@pytest.mark.parametrize(
    ("transformer", "word"),
    [({"format": "json", "processors": [{"parseJSON": {}}]}, "both"), ({}, "neither")],
)
def test_a_transformer_takes_a_format_or_processors(transformer: Any, word: str) -> None:
    assert error_of(with_group(1, transformer=transformer)) == (
        "log_groups[1].transformer: give format (one of json, key_value, apache_common, "
        "apache_combined, nginx_combined, syslog_rfc3164, syslog_rfc5424) or processors, not "
        + word
    )


def test_an_unknown_format_lists_the_shipped_ones() -> None:
    assert error_of(with_group(1, transformer={"format": "nginx"})) == (
        "log_groups[1].transformer.format: 'nginx' is not valid (did you mean "
        "'nginx_combined'?): use 'json', 'key_value', "
        "'apache_common', 'apache_combined', 'nginx_combined', 'syslog_rfc3164' or "
        "'syslog_rfc5424'"
    )


def test_more_processors_than_a_transformer_takes_are_refused() -> None:
    processors: list[dict[str, Any]] = [{"parseJSON": {}}]
    processors += [{"trimString": {"withKeys": ["message"]}}] * 20
    assert error_of(with_group(1, transformer={"processors": processors})) == (
        "log_groups[1].transformer.processors: 21 processors; a transformer takes 1 to 20, "
        "applied in order"
    )


def test_a_transformer_on_an_infrequent_access_log_group_is_refused() -> None:
    value = with_group(
        1,
        log_class="INFREQUENT_ACCESS",
        anomaly_detection={"enabled": False},
        transformer={"format": "nginx_combined"},
    )
    assert error_of(value) == (
        "log_groups[1].transformer: a log group of class INFREQUENT_ACCESS cannot have a "
        "transformer (only STANDARD log groups can); set log_class: STANDARD or remove it. "
        "The class cannot be changed after the log group is created"
    )


def test_a_processors_own_limits_are_reported_at_the_files_keys() -> None:
    processors = [
        {"grok": {"match": "%{NGINX_ACCESS_LOG}"}},
        {"renameKeys": {"entries": [{"key": "agent", "renameTo": "x" * 129}]}},
        {"addKeys": {"entries": [{"key": f"k{i}", "value": "v"} for i in range(6)]}},
    ]
    lines = error_of(with_group(1, transformer={"processors": processors})).splitlines()
    assert lines == [
        "log_groups[1].transformer.processors[1].renameKeys.entries[0].renameTo: "
        f"'{'x' * 77}...' is 129 characters; CloudWatch Logs takes 1 to 128",
        "log_groups[1].transformer.processors[2].addKeys.entries: 6 entries; addKeys takes 1 to 5",
    ]


def test_the_first_processor_must_be_a_parser() -> None:
    processors = [{"addKeys": {"entries": [{"key": "env", "value": "prod"}]}}]
    assert error_of(with_group(1, transformer={"processors": processors})) == (
        "log_groups[1].transformer.processors[0]: addKeys comes first; the first processor of "
        "a transformer must be a parser (parseJSON, parseKeyValue, csv, grok, parseToOCSF or a "
        "parser for AWS vended logs): put the parser first"
    )


def test_a_grok_pattern_cloudwatch_logs_lacks_is_refused_at_the_match() -> None:
    value = with_group(1, transformer={"processors": [{"grok": {"match": "%{NOPE:x}"}}]})
    assert error_of(value) == (
        "log_groups[1].transformer.processors[0].grok.match: %{NOPE} is not a grok pattern "
        "CloudWatch Logs supports (custom patterns are not allowed); did you mean %{NOTSPACE}?"
    )


def _five_hundreds(examples: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "name": "server-errors",
        "pattern": "{ $.status_code >= 500 }",
        "namespace": "Shop/Web",
        "metric": "ServerErrors",
        "examples": examples,
    }


def test_metric_filter_examples_on_a_transformed_log_group_are_raw_lines() -> None:
    examples = {
        "match": [NGINX_LINE.format(status=503)],
        "no_match": [NGINX_LINE.format(status=200)],
    }
    Blueprint.from_dict(
        with_group(
            1, transformer={"format": "nginx_combined"}, metric_filters=[_five_hundreds(examples)]
        )
    )


def test_a_raw_line_the_transformed_filter_misses_is_reported_as_written() -> None:
    line = NGINX_LINE.format(status=200)
    value = with_group(
        1,
        transformer={"format": "nginx_combined"},
        metric_filters=[_five_hundreds({"match": [line]})],
    )
    message = error_of(value)
    assert message.startswith(
        "log_groups[1].metric_filters[0].examples.match[0]: the pattern "
        "'{ $.status_code >= 500 }' does not match this line, which it should: "
        '\'203.0.113.9 - - [03/Aug/2023:12:34:56 +0000] "GET /cart?id=7 HTTP/1.1" 200'
    )
    assert message.endswith("$.status_code is 200")


def test_a_filter_on_transformed_events_needs_a_transformer() -> None:
    spec = {**_five_hundreds({}), "apply_on_transformed_logs": True}
    message = error_of(with_group(1, metric_filters=[spec]))
    # The wording is rules.transformers.transformed_filter_problems'; the place is the file's.
    assert message.startswith(
        "log_groups[1].metric_filters[0].apply_on_transformed_logs: True, but this log group "
        "has no transformer"
    )


# --------------------------------------------------------------- field indexes


def test_field_indexes_default_to_the_structured_logs_fields() -> None:
    value = with_group(0, field_indexes={"facets": ["level"]})
    value["log_groups"][0]["structured_logs"] = {"fields": {"request_id": "requestId"}}
    blueprint = Blueprint.from_dict(value)
    assert blueprint.index_fields(blueprint.log_groups[0]) == (
        ["requestId", "xray_trace_id", "service"],
        ["level"],
    )
    assert blueprint.index_fields(blueprint.log_groups[1]) is None


def test_field_indexes_on_an_infrequent_access_log_group_are_refused() -> None:
    value = with_group(
        1, log_class="INFREQUENT_ACCESS", anomaly_detection={"enabled": False}, field_indexes={}
    )
    assert error_of(value) == (
        "log_groups[1].field_indexes: a log group of class INFREQUENT_ACCESS cannot have field "
        "indexes (only STANDARD log groups can); set log_class: STANDARD or remove them. The "
        "class cannot be changed after the log group is created"
    )


def test_more_indexed_fields_than_a_policy_takes_are_refused() -> None:
    value = with_group(
        1, field_indexes={"fields": [f"field{i}" for i in range(19)], "facets": ["a", "b"]}
    )
    assert error_of(value) == (
        "log_groups[1].field_indexes.fields: 21 fields; an index policy takes 1 to 20, facets "
        "included (indexes of @logStream, @aws.region, @aws.account, @source.log and traceId "
        "come free)"
    )


# ------------------------------------------------------------------ log alarms


def test_a_log_alarm_keeps_the_files_settings_and_the_constructs_defaults() -> None:
    blueprint = Blueprint.from_dict(with_group(0, log_alarms=[log_alarm(log_groups=["web"])]))
    [alarm] = blueprint.log_groups[0].log_alarms
    assert (alarm.schedule, alarm.window_minutes, alarm.ingestion_delay_minutes) == (
        "rate(5 minutes)",
        None,
        2,
    )
    assert alarm.log_groups == ["web"]
    assert blueprint.log_alarm_name(alarm) == "shop-dev-payment-failures"
    assert blueprint.log_alarm_names() == ["payment-failures"]


def test_a_log_alarm_on_a_log_group_the_file_lacks_is_refused() -> None:
    value = with_group(0, log_alarms=[log_alarm(log_groups=["web", "checkout"])])
    assert error_of(value) == (
        "log_groups[0].log_alarms[0].log_groups[1]: 'checkout' is not a log group of this "
        "blueprint; log groups: api, web"
    )


def test_a_log_alarm_runs_at_a_rate_not_on_a_cron_schedule() -> None:
    value = with_group(0, log_alarms=[log_alarm(schedule="cron(0/5 * * * ? *)")])
    assert error_of(value) == (
        "log_groups[0].log_alarms[0].schedule: 'cron(0/5 * * * ? *)': a log alarm runs its "
        "query at a rate, not on a cron schedule (PutLogAlarm takes rate() only); use "
        "rate(5 minutes), rate(1 hour) or rate(1 day)"
    )


def test_a_window_shorter_than_the_schedule_leaves_events_unread() -> None:
    value = with_group(0, log_alarms=[log_alarm(schedule="rate(15 minutes)", window_minutes=10)])
    assert error_of(value) == (
        "log_groups[0].log_alarms[0].window_minutes: each run reads 10 minutes of logs but runs "
        "every 15 minutes: the events between two windows are never evaluated; make the window "
        "at least 15 minutes, or run more often"
    )


def test_an_aggregation_a_log_alarm_lacks_is_refused() -> None:
    value = with_group(0, log_alarms=[log_alarm(aggregation="count_distinct(user_id)")])
    assert error_of(value) == (
        "log_groups[0].log_alarms[0].aggregation: 'count_distinct(user_id)': 'count_distinct' "
        "is not an aggregation function of log alarms; use count, avg, sum, min, max"
    )


def test_log_alarm_bounds_are_reported_at_the_files_keys() -> None:
    value = with_group(
        0,
        log_alarms=[
            log_alarm(results_to_evaluate=3, results_to_alarm=4, log_lines=51, warm_up_minutes=3000)
        ],
    )
    assert error_of(value).splitlines() == [
        "log_groups[0].log_alarms[0].results_to_alarm: 4 must be between 1 and "
        "results_to_evaluate (3)",
        "log_groups[0].log_alarms[0].log_lines: 51 log lines; a notification carries 0 to 50 "
        "(ActionLogLineCount)",
        "log_groups[0].log_alarms[0].warm_up_minutes: 3000 minutes; a warm-up lasts 1 to 2,880 "
        "minutes (two days)",
    ]


def test_a_broken_log_alarm_query_stops_with_a_caret() -> None:
    value = with_group(0, log_alarms=[log_alarm(query='filter event = "x | stats count(*)')])
    assert error_of(value).splitlines() == [
        'log_groups[0].log_alarms[0].query: the string opened with " at column 16 is never '
        'closed; close it with " (write \\" for a " inside it)',
        '  filter event = "x | stats count(*)',
        "                 ^",
    ]


def test_a_log_alarm_takes_the_actions_putlogalarm_documents() -> None:
    value = with_group(0, log_alarms=[log_alarm(actions={"alarm": [{"ec2": "stop"}]})])
    assert error_of(value) == (
        "log_groups[0].log_alarms[0].actions.alarm[0]: a log alarm cannot take an ec2 action "
        "on ALARM; on ALARM it takes topic, lambda and opsitem (a severity, no category), and "
        "runbooks (started through EventBridge)"
    )


def test_a_log_alarm_notifies_topics_of_the_file() -> None:
    value = with_group(0, log_alarms=[log_alarm(actions={"ok": [{"topic": "pager"}]})])
    assert error_of(value) == (
        "log_groups[0].log_alarms[0].actions.ok[0].topic: 'pager' is not a blueprint topic; "
        "known topics: ops"
    )


def test_a_query_infrequent_access_cannot_run_is_refused() -> None:
    value = with_group(
        1,
        log_class="INFREQUENT_ACCESS",
        anomaly_detection={"enabled": False},
        log_alarms=[log_alarm(query="pattern @message")],
    )
    assert error_of(value) == (
        "log_groups[1].log_alarms[0].query: uses pattern, which Logs Insights does not run on "
        "log groups of class INFREQUENT_ACCESS (web; diff, filterIndex, pattern, unmask need "
        "STANDARD); drop the command or read STANDARD log groups only"
    )


def test_a_log_alarm_named_like_an_alarm_of_alarms_is_refused() -> None:
    value = with_group(0, log_alarms=[log_alarm()])
    value["alarms"] = [
        {
            "name": "payment-failures",
            "metric": {"namespace": "Shop/Api", "name": "Failures"},
            "threshold": 1,
            "comparison": ">",
        }
    ]
    assert error_of(value) == (
        "log_groups[0].log_alarms[0].name: the alarm 'shop-dev-payment-failures' would also be "
        "made by alarms[0].name; give one of them another name"
    )


def test_log_alarm_names_are_unique_in_the_whole_file() -> None:
    value = with_group(0, log_alarms=[log_alarm()])
    value["log_groups"][1]["log_alarms"] = [log_alarm()]
    assert error_of(value) == (
        "log_groups[1].log_alarms[0].name: 'payment-failures' is already used by "
        "log_groups[0].log_alarms[0]; a log alarm is named 'shop-dev-payment-failures' whatever "
        "its log group, so names must be unique in the file"
    )


def test_a_log_alarm_named_like_an_anomaly_alarm_is_refused() -> None:
    value = with_group(0, log_alarms=[log_alarm(name="web-log-anomalies")])
    assert error_of(value) == (
        "log_groups[0].log_alarms[0].name: 'web-log-anomalies' is already used by the anomaly "
        "alarm of log_groups[1]; a log alarm is named 'shop-dev-web-log-anomalies' whatever its "
        "log group, so names must be unique in the file"
    )


def test_a_composite_alarm_may_name_a_log_alarm() -> None:
    value = with_group(0, log_alarms=[log_alarm()])
    value["alarms"] = [{"name": "checkout", "type": "composite", "rule": "ALARM(payment-failures)"}]
    Blueprint.from_dict(value)


def test_a_composite_alarm_naming_no_alarm_lists_the_log_alarms() -> None:
    value = with_group(0, log_alarms=[log_alarm()])
    value["alarms"] = [{"name": "checkout", "type": "composite", "rule": "ALARM(payment-failure)"}]
    assert error_of(value) == (
        "alarms[0].rule: unknown alarm 'payment-failure' (did you mean 'payment-failures'?): "
        "name an alarm of this blueprint (payment-failures) or give an alarm ARN"
    )


def test_a_response_may_act_on_a_log_alarm() -> None:
    value = with_group(0, log_alarms=[log_alarm()])
    value["events"] = {
        "delivery": {"alarm_topic": "ops"},
        "responses": [
            {
                "name": "page-payments",
                "on_alarm": {"alarm": "payment-failures"},
                "actions": [{"topic": {"name": "ops"}}],
            }
        ],
    }
    Blueprint.from_dict(value)


# ----------------------------------------------------------- scheduled queries


def test_a_scheduled_query_is_named_and_delivered_under_its_own_prefix() -> None:
    blueprint = Blueprint.from_dict(with_group(0, scheduled_queries=[scheduled_query()]))
    group = blueprint.log_groups[0]
    [query] = group.scheduled_queries
    assert query.window() == 1440
    assert blueprint.scheduled_query_name(group, query) == "shop-dev-api-daily-errors"
    assert blueprint.scheduled_query_prefix(group, query) == (
        "scheduled-queries/shop-dev/api/daily-errors/"
    )


def test_a_scheduled_query_with_an_invalid_cron_is_refused() -> None:
    value = with_group(0, scheduled_queries=[scheduled_query(schedule="cron(0 6 * * MON-FRI *)")])
    assert error_of(value) == (
        "log_groups[0].scheduled_queries[0].schedule: 'cron(0 6 * * MON-FRI *)': day-of-month "
        "(*) and day-of-week (MON-FRI) are both set; put ? in exactly one of them, such as "
        "cron(0 6 * * ? *)"
    )


def test_a_scheduled_query_runs_on_a_cron_schedule_not_at_a_rate() -> None:
    value = with_group(0, scheduled_queries=[scheduled_query(schedule="rate(1 day)")])
    assert error_of(value).startswith(
        "log_groups[0].scheduled_queries[0].schedule: 'rate(1 day)': a scheduled query runs "
        "on a cron schedule, not at a rate (CreateScheduledQuery takes a cron expression); use "
        "cron(minutes hours day-of-month month day-of-week year)"
    )


@pytest.mark.parametrize(
    ("window", "got"),
    [
        ({"window_minutes": 30}, "2: window_hours, window_minutes"),
        ({"window_hours": None}, "0: none"),
    ],
)
def test_a_scheduled_query_has_one_window(window: dict[str, Any], got: str) -> None:
    value = with_group(0, scheduled_queries=[scheduled_query(**window)])
    assert error_of(value) == (
        "log_groups[0].scheduled_queries[0]: give the window as window_hours or "
        f"window_minutes, exactly one (got {got})"
    )


def test_a_window_of_more_than_thirty_days_is_refused_at_its_key() -> None:
    value = with_group(0, scheduled_queries=[scheduled_query(window_hours=31 * 24)])
    assert error_of(value) == (
        "log_groups[0].scheduled_queries[0].window_hours: the query starts 2678400 seconds "
        "before each run; use 1 to 2,592,000 (30 days)"
    )


@pytest.mark.parametrize(
    ("bucket", "why"),
    [
        (
            "My_Results",
            "is not an S3 bucket name; use 3 to 63 lowercase letters, digits, '.' and '-', "
            "starting and ending with a letter or digit (the bucket's name, not its ARN)",
        ),
        ("192.168.5.4", "is not an S3 bucket name: it is written like an IP address"),
        ("results..shop", "is not an S3 bucket name: it has two adjacent dots"),
        ("xn--results", "is not an S3 bucket name: S3 reserves the prefix xn--"),
        ("results-s3alias", "is not an S3 bucket name: S3 reserves the suffix -s3alias"),
    ],
)
def test_the_results_bucket_follows_s3s_naming_rules(bucket: str, why: str) -> None:
    value = with_group(0, scheduled_queries=[scheduled_query(bucket=bucket)])
    assert error_of(value) == f"log_groups[0].scheduled_queries[0].bucket: {bucket!r} {why}"


def test_a_prefix_starting_with_a_slash_is_refused() -> None:
    value = with_group(0, scheduled_queries=[scheduled_query(prefix="/results/")])
    assert error_of(value) == (
        "log_groups[0].scheduled_queries[0].prefix: '/results/' starts with /; write the prefix "
        "without it, such as 'results/' (the URI puts one / after the bucket)"
    )


def test_scheduled_query_names_are_unique_within_a_log_group() -> None:
    value = with_group(0, scheduled_queries=[scheduled_query(), scheduled_query()])
    assert error_of(value) == (
        "log_groups[0].scheduled_queries[1].name: 'daily-errors' is already used by "
        "scheduled_queries[0]; names must be unique"
    )


def test_a_scheduled_query_reads_log_groups_of_the_file() -> None:
    value = with_group(0, scheduled_queries=[scheduled_query(log_groups=["web", "ghost"])])
    assert error_of(value) == (
        "log_groups[0].scheduled_queries[0].log_groups[1]: 'ghost' is not a log group of this "
        "blueprint; log groups: api, web"
    )


# -------------------------------------------------------- contributor insights


def test_an_nginx_log_group_gets_rules_on_the_fields_its_parser_writes() -> None:
    value = with_group(1, transformer={"format": "nginx_combined"}, contributor_insights={})
    blueprint = Blueprint.from_dict(value)
    rules = blueprint.insight_rules(blueprint.log_groups[1])
    assert rules == [
        InsightRuleSpec(name="top-client-ips", keys=("$.remote_host",)),
        InsightRuleSpec(
            name="top-failing-paths",
            keys=("$.request", "$.status_code"),
            filters=({"Match": "$.status_code", "GreaterThan": 499},),
        ),
    ]
    # The offline engine writes those fields, the status as a number.
    event = transformers.apply(
        transformers.SHIPPED_PARSERS["nginx_combined"], NGINX_LINE.format(status=503)
    )
    assert event is not None
    assert (event["remote_host"], event["request"], event["status_code"]) == (
        "203.0.113.9",
        "/cart?id=7",
        503,
    )


def test_a_json_access_log_reads_the_structured_status_field() -> None:
    value = with_group(0, contributor_insights={"access_log": {"client_ip": "ip"}})
    value["log_groups"][0]["structured_logs"] = {"fields": {"status_code": "http.status"}}
    blueprint = Blueprint.from_dict(value)
    assert [r.keys for r in blueprint.insight_rules(blueprint.log_groups[0])] == [
        ("$.ip",),
        ("$.path", "$.http.status"),
    ]


def test_a_clf_access_log_reads_positions_and_custom_rules_follow() -> None:
    value = with_group(
        1,
        contributor_insights={
            "access_log": {"format": "CLF", "status_position": 9},
            "rules": [
                {
                    "name": "top-agents",
                    "keys": ["Agent"],
                    "log_format": "CLF",
                    "fields": {"12": "Agent"},
                }
            ],
        },
    )
    blueprint = Blueprint.from_dict(value)
    rules = blueprint.insight_rules(blueprint.log_groups[1])
    assert [r.name for r in rules] == ["top-client-ips", "top-failing-paths", "top-agents"]
    assert rules[1].fields == {"1": "ClientIp", "5": "Request", "9": "Status"}


def test_no_insight_rules_without_contributor_insights() -> None:
    blueprint = Blueprint.from_dict(with_group(1, transformer={"format": "nginx_combined"}))
    assert blueprint.insight_rules(blueprint.log_groups[1]) == []


def test_shipped_rules_need_to_know_the_log_group_is_an_access_log() -> None:
    assert error_of(with_group(1, contributor_insights={})) == (
        "log_groups[1].contributor_insights: the shipped rules (top-client-ips, "
        "top-failing-paths) read access logs, and nothing says this log group holds one: give "
        "the transformer a format (apache_common, apache_combined, nginx_combined) or give "
        "access_log, or add rules"
    )


def test_asking_for_shipped_rules_on_an_unknown_format_is_refused_at_defaults() -> None:
    value = with_group(
        1, contributor_insights={"defaults": True, "rules": [{"name": "x", "keys": ["$.a"]}]}
    )
    assert error_of(value) == (
        "log_groups[1].contributor_insights.defaults: the shipped rules (top-client-ips, "
        "top-failing-paths) read access logs, and nothing says this log group holds one: give "
        "the transformer a format (apache_common, apache_combined, nginx_combined) or give "
        "access_log, or set defaults: false"
    )


def test_access_log_beside_an_access_log_transformer_is_refused() -> None:
    value = with_group(
        1,
        transformer={"format": "nginx_combined"},
        contributor_insights={"access_log": {"client_ip": "ip"}},
    )
    assert error_of(value) == (
        "log_groups[1].contributor_insights.access_log: the transformer's nginx_combined parser "
        "writes the fields the shipped rules read (remote_host, request, status_code); remove "
        "access_log"
    )


def test_a_clf_access_log_on_a_transformed_log_group_is_refused() -> None:
    value = with_group(
        1, transformer={"format": "json"}, contributor_insights={"access_log": {"format": "CLF"}}
    )
    assert error_of(value) == (
        "log_groups[1].contributor_insights.access_log: format CLF reads the raw line, but the "
        "rules of a log group with a transformer read the JSON events it makes; use format JSON "
        "with the fields the transformer writes, or remove the transformer"
    )


def test_access_log_keys_fit_its_format() -> None:
    value = with_group(1, contributor_insights={"access_log": {"format": "CLF", "path": "url"}})
    assert error_of(value) == (
        "log_groups[1].contributor_insights.access_log: path is not used with format CLF, which "
        "takes client_ip_position, request_position, status_position"
    )


def test_too_many_keys_and_filters_are_refused_at_the_rule() -> None:
    rule = {
        "name": "wide",
        "keys": ["$.a", "$.b", "$.c", "$.d", "$.e"],
        "filters": [{"Match": "$.a", "IsPresent": True}] * 5,
    }
    value = with_group(1, contributor_insights={"defaults": False, "rules": [rule]})
    assert error_of(value).splitlines() == [
        "log_groups[1].contributor_insights.rules[0].keys: 5 keys; a Contributor Insights rule "
        "takes 1 to 4",
        "log_groups[1].contributor_insights.rules[0].filters: 5 filters; a Contributor "
        "Insights rule takes at most 4",
    ]


def test_a_filter_with_more_strings_than_in_takes_is_refused() -> None:
    rule = {"name": "f", "keys": ["$.a"], "filters": [{"Match": "$.a", "In": ["x"] * 11}]}
    value = with_group(1, contributor_insights={"defaults": False, "rules": [rule]})
    assert error_of(value) == (
        "log_groups[1].contributor_insights.rules[0].filters[0].In: ['x', 'x', 'x', 'x', 'x', "
        "'x', 'x', 'x', 'x', 'x', 'x']: In takes a list of 1 to 10 strings"
    )


def test_a_rule_named_like_a_shipped_one_is_refused() -> None:
    value = with_group(
        1,
        transformer={"format": "nginx_combined"},
        contributor_insights={"rules": [{"name": "top-client-ips", "keys": ["$.remote_host"]}]},
    )
    assert error_of(value) == (
        "log_groups[1].contributor_insights.rules[0].name: 'top-client-ips' is already the name "
        "of a shipped rule"
    )


def test_a_clf_rule_on_a_transformed_log_group_is_refused() -> None:
    value = with_group(
        1,
        transformer={"format": "nginx_combined"},
        contributor_insights={"rules": [{"name": "clf", "keys": ["1"], "log_format": "CLF"}]},
    )
    assert error_of(value) == (
        "log_groups[1].contributor_insights.rules[0].log_format: CLF reads the raw line, but the "
        "rules of a log group with a transformer read the JSON events it makes; use JSON and the "
        "fields the transformer writes"
    )


def test_no_rule_at_all_is_refused() -> None:
    assert error_of(with_group(1, contributor_insights={"defaults": False})) == (
        "log_groups[1].contributor_insights: no rule: set defaults: true, or add rules"
    )


# --------------------------------------------------------------------- insights:


def test_the_account_policy_and_dynamodb_tables() -> None:
    value = data(
        insights={
            "field_index_policy": {},
            "dynamodb_tables": [{"table": "orders", "index": "by-user", "service": "api"}],
        }
    )
    blueprint = Blueprint.from_dict(value)
    assert blueprint.field_index_policy_name() == "shop-dev-field-indexes"
    assert blueprint.insights is not None
    assert blueprint.insights.dynamodb_tables[0].command() == (
        "aws dynamodb update-contributor-insights --table-name orders --index-name by-user "
        "--contributor-insights-action ENABLE"
    )


def test_an_account_policy_name_aws_reserves_is_refused() -> None:
    value = data(insights={"field_index_policy": {"policy_name": "aws/indexes"}})
    assert error_of(value) == (
        "insights.field_index_policy.policy_name: 'aws/indexes' starts with aws/, which AWS "
        "reserves; use another prefix"
    )


def test_a_dynamodb_table_name_dynamodb_refuses_is_refused() -> None:
    value = data(insights={"dynamodb_tables": [{"table": "o"}]})
    assert error_of(value) == (
        "insights.dynamodb_tables[0].table: 'o' is not a DynamoDB table name; use 3 to 255 "
        "letters, digits, '_', '-' and '.'"
    )


def test_a_dynamodb_table_belongs_to_a_service_of_the_file() -> None:
    value = data(insights={"dynamodb_tables": [{"table": "orders", "service": "checkout"}]})
    assert error_of(value) == (
        "insights.dynamodb_tables[0].service: 'checkout' is not a service of this blueprint; "
        "services: api, web"
    )


def test_a_dynamodb_table_is_listed_once() -> None:
    value = data(insights={"dynamodb_tables": [{"table": "orders"}, {"table": "orders"}]})
    assert error_of(value) == (
        "insights.dynamodb_tables[1].table: 'orders' is listed already, at dynamodb_tables[0]"
    )


# --------------------------------------------------------------- stack size


def test_the_stack_size_bound_counts_log_intelligence() -> None:
    plain = Blueprint.from_dict(data())
    value = with_group(
        1,
        transformer={"format": "nginx_combined"},
        contributor_insights={},
        log_alarms=[log_alarm(log_lines=5)],
        scheduled_queries=[scheduled_query()],
    )
    richer = Blueprint.from_dict(value)
    # A transformer, two rules, a log alarm with two roles (5), a scheduled query (5).
    assert richer._insight_resources(richer.log_groups[1]) == 13
    assert plain._insight_resources(plain.log_groups[1]) == 0


def test_a_log_alarm_counts_its_own_log_group_among_the_fifty() -> None:
    extra = [{"name": f"g{i}"} for i in range(50)]
    value = data(log_groups=[{"name": "api", "log_alarms": [log_alarm()]}, *extra])
    value["log_groups"][0]["log_alarms"][0]["log_groups"] = [f"g{i}" for i in range(50)]

    assert error_of(value) == (
        "log_groups[0].log_alarms[0].log_groups: the query reads 51 log groups, this one and "
        "50 more; a log alarm reads 1 to 50 (LogGroupIdentifiers), so list at most 49"
    )
