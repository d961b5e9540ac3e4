"""The blueprint file model: what it accepts, and the message for each bad input."""

from __future__ import annotations

import copy
import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from observability_blueprint import Blueprint, BlueprintError
from observability_blueprint.rules.log_groups import DEFAULT_RETENTION_DAYS
from support import EXAMPLES

BASE: dict[str, Any] = {"name": "shop", "stage": "dev"}


def with_log_group(**settings: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["log_groups"] = [{"name": "api", **settings}]
    return data


def filter_(**settings: Any) -> dict[str, Any]:
    return {
        "name": "errors",
        "pattern": '{ $.level = "ERROR" }',
        "namespace": "Shop",
        "metric": "Errors",
        **settings,
    }


def error_of(data: Any, source: str | None = None) -> str:
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict(data, source=source)
    return str(caught.value)


# --------------------------------------------------------------- what works


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_shipped_examples_are_valid(example: str) -> None:
    blueprint = Blueprint.from_yaml(EXAMPLES[example])
    assert blueprint.log_groups


def test_defaults_are_safe() -> None:
    blueprint = Blueprint.from_dict(with_log_group())
    group = blueprint.log_groups[0]
    assert group.retention_days == DEFAULT_RETENTION_DAYS == 365
    assert group.removal_policy == "retain"
    assert group.log_class == "STANDARD"
    assert group.physical_name(blueprint) == "/shop/dev/api"
    assert blueprint.prefix == "shop-dev"


def test_null_retention_means_never_expire() -> None:
    blueprint = Blueprint.from_dict(with_log_group(retention_days=None))
    assert blueprint.log_groups[0].retention_days is None


def test_exact_log_group_name_is_used_as_given() -> None:
    blueprint = Blueprint.from_dict(with_log_group(log_group_name="/aws/lambda/checkout"))
    assert blueprint.log_groups[0].physical_name(blueprint) == "/aws/lambda/checkout"


def test_structured_logs_add_five_named_filters() -> None:
    blueprint = Blueprint.from_dict(
        with_log_group(structured_logs={}, metric_filters=[filter_(name="custom")])
    )
    specs = blueprint.filter_specs(blueprint.log_groups[0])
    assert [s.name for s in specs] == [
        "custom",
        "errors",
        "latency",
        "status-5xx",
        "status-4xx",
        "response-bytes",
    ]
    assert all(s.filter_name == f"shop-dev-{s.name}" for s in specs)
    assert {s.namespace for s in specs[1:]} == {"shop-dev/api"}


def test_python_api_model_validate_accepts_a_dict() -> None:
    blueprint = Blueprint.model_validate(with_log_group(retention_days=30))
    assert blueprint.log_groups[0].retention_days == 30


# ---------------------------------------------------------------- bad input


def test_retention_not_in_allowed_list() -> None:
    message = error_of(
        {**BASE, "log_groups": [{"name": "a"}, {"name": "b", "retention_days": 42}]},
        source="blueprint.yaml",
    )
    assert message.startswith(
        "blueprint.yaml: log_groups[1].retention_days: 42 is not a CloudWatch Logs retention; "
        "use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, "
        "2192, 2557, 2922, 3288, 3653 (nearest: 30 or 60), or null to keep events forever"
    )
    assert "\n" not in message


def test_log_group_name_too_long() -> None:
    message = error_of(with_log_group(log_group_name="/" + "a" * 512))
    assert message.startswith("log_groups[0].log_group_name: ")
    assert "513 characters; a log group name is 1 to 512 characters" in message


def test_log_group_name_with_illegal_characters() -> None:
    message = error_of(with_log_group(log_group_name="/shop/api logs:v1"))
    assert message == (
        "log_groups[0].log_group_name: '/shop/api logs:v1' has characters a log group name "
        "cannot have (' :'); use letters, digits and . - _ / #"
    )


def test_duplicate_log_group_names() -> None:
    data = {**BASE, "log_groups": [{"name": "api"}, {"name": "api"}]}
    assert "log_groups[1].name: 'api' is already used by log_groups[0]; names must be unique" in (
        error_of(data)
    )


def test_duplicate_physical_log_group_names() -> None:
    data = {
        **BASE,
        "log_groups": [
            {"name": "api", "log_group_name": "/x"},
            {"name": "web", "log_group_name": "/x"},
        ],
    }
    assert error_of(data) == (
        "log_groups[1].log_group_name: '/x' is already used by log_groups[0]; names must be unique"
    )


def test_duplicate_topic_names() -> None:
    data = {**BASE, "notifications": [{"name": "ops"}, {"name": "ops"}]}
    assert error_of(data) == (
        "notifications[1].name: 'ops' is already used by notifications[0]; names must be unique"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "Shop"), ("name", "shop_app"), ("stage", "dev!"), ("stage", "-dev"), ("name", "")],
)
def test_name_or_stage_breaking_the_naming_rule(field: str, value: str) -> None:
    message = error_of({**BASE, field: value})
    assert message == (
        f"{field}: {value!r} is not allowed; use lowercase letters, digits and single hyphens, "
        "starting with a letter (the strictest rule among the names it prefixes: S3 buckets, "
        "SNS topics, dashboards, EventBridge rules)"
    )


def test_prefix_too_long_for_eventbridge_names() -> None:
    message = error_of({"name": "a" * 20, "stage": "production-eu"})
    assert message.startswith("stage: the prefix 'aaaaaaaaaaaaaaaaaaaa-production-eu' is 34 ")
    assert "at most 30" in message


def test_more_than_three_dimensions() -> None:
    dims = {"A": "$.a", "B": "$.b", "C": "$.c", "D": "$.d"}
    message = error_of(with_log_group(metric_filters=[filter_(dimensions=dims)]))
    assert message == (
        "log_groups[0].metric_filters[0].dimensions: 4 dimensions (A, B, C, D); a metric filter "
        "takes at most 3"
    )


def test_default_value_with_dimensions() -> None:
    message = error_of(
        with_log_group(metric_filters=[filter_(default_value=0, dimensions={"S": "$.service"})])
    )
    assert message.startswith(
        "log_groups[0].metric_filters[0].default_value: 0 cannot be combined with dimensions (S)"
    )


def test_metric_filter_on_infrequent_access_log_group() -> None:
    message = error_of(with_log_group(log_class="INFREQUENT_ACCESS", metric_filters=[filter_()]))
    assert message.startswith(
        "log_groups[0].metric_filters: a log group of class INFREQUENT_ACCESS cannot have "
        "metric filters (only STANDARD log groups can)"
    )


def test_structured_logs_on_infrequent_access_log_group() -> None:
    message = error_of(with_log_group(log_class="INFREQUENT_ACCESS", structured_logs={}))
    assert "log_groups[0].structured_logs: a log group of class INFREQUENT_ACCESS" in message


def test_subscription_on_infrequent_access_log_group() -> None:
    arn = "arn:aws:lambda:eu-west-1:111122223333:function:shipper"
    message = error_of(
        with_log_group(log_class="INFREQUENT_ACCESS", subscriptions=[{"destination_arn": arn}])
    )
    assert "log_groups[0].subscriptions: a log group of class INFREQUENT_ACCESS" in message


def test_pattern_over_1024_characters() -> None:
    pattern = "{ " + " || ".join(f'$.code = "E{i:05}"' for i in range(70)) + " }"
    assert len(pattern) > 1024
    message = error_of(with_log_group(metric_filters=[filter_(pattern=pattern)]))
    assert message == (
        f"log_groups[0].metric_filters[0].pattern: the pattern is {len(pattern)} characters; "
        "CloudWatch Logs allows at most 1024"
    )


def test_more_than_100_metric_filters_on_one_log_group() -> None:
    filters = [filter_(name=f"f{i}", metric=f"M{i}") for i in range(101)]
    assert error_of(with_log_group(metric_filters=filters)) == (
        "log_groups[0].metric_filters: 101 metric filters on one log group; CloudWatch Logs "
        "allows at most 100"
    )


def test_structured_filters_count_towards_the_100() -> None:
    filters = [filter_(name=f"f{i}", metric=f"M{i}") for i in range(96)]
    message = error_of(with_log_group(metric_filters=filters, structured_logs={}))
    assert "101 metric filters on one log group" in message


def test_duplicate_filter_names_in_one_log_group() -> None:
    message = error_of(with_log_group(metric_filters=[filter_(), filter_(metric="Other")]))
    assert message == (
        "log_groups[0].metric_filters[1].name: 'errors' is already the name of "
        "metric_filters[0]; filter names must be unique within a log group"
    )


def test_structured_filter_name_clashing_with_own_filter() -> None:
    message = error_of(with_log_group(metric_filters=[filter_(name="latency")], structured_logs={}))
    assert message == (
        "log_groups[0].metric_filters[0].name: 'latency' is the name of a filter "
        "structured_logs adds (errors, latency, status-5xx, status-4xx, response-bytes); give "
        "this filter another name"
    )


@pytest.mark.parametrize(
    ("settings", "where", "expected"),
    [
        ({"metric": "Err:ors"}, "metric", "'Err:ors' is not a metric name; use printable ASCII"),
        ({"namespace": "Shop*"}, "namespace", "'Shop*' is not a custom metric namespace"),
        ({"namespace": "AWS/Lambda"}, "namespace", "not starting with AWS/ (reserved for AWS"),
        ({"metric": "Fehlerü"}, "metric", "is not a metric name; use printable ASCII"),
        ({"value": "lots"}, "value", "'lots' is not a metric value"),
        ({"unit": "Millisecond"}, "unit", "did you mean 'Milliseconds'?"),
        ({"dimensions": {"Service": "api"}}, "dimensions.Service", "'api' is not a dimension"),
    ],
)
def test_metric_filter_fields(settings: dict[str, Any], where: str, expected: str) -> None:
    message = error_of(with_log_group(metric_filters=[filter_(**settings)]))
    assert message.startswith(f"log_groups[0].metric_filters[0].{where}: ")
    assert expected in message


def test_numeric_metric_value_is_accepted() -> None:
    blueprint = Blueprint.from_dict(with_log_group(metric_filters=[filter_(value=2)]))
    assert blueprint.filter_specs(blueprint.log_groups[0])[0].metric_value == "2"


def test_unknown_key_suggests_the_close_one() -> None:
    message = error_of(with_log_group(retension_days=30))
    assert message.startswith(
        "log_groups[0].retension_days: unknown key 'retension_days'; did you mean "
        "'retention_days'? allowed keys: name, log_group_name, service, retention_days"
    )


def test_unknown_top_level_key() -> None:
    message = error_of({**BASE, "log_group": []})
    assert message.startswith("log_group: unknown key 'log_group'; did you mean 'log_groups'?")


def test_unknown_key_without_a_close_match() -> None:
    message = error_of({**BASE, "zzz": 1})
    assert message.startswith("zzz: unknown key 'zzz'; allowed keys: name, stage, env")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            with_log_group(retention_days="30"),
            "log_groups[0].retention_days: '30' is text; give a whole number (days events are "
            "kept; null keeps them forever)",
        ),
        (
            with_log_group(encrypted="yes"),
            "log_groups[0].encrypted: 'yes' is text; give true or false (encrypt with the "
            "blueprint's customer-managed KMS key)",
        ),
        (
            {**BASE, "log_groups": {"name": "api"}},
            "log_groups: {'name': 'api'} is a mapping; give a list (log groups with their "
            "retention, filters and subscriptions)",
        ),
        (
            {**BASE, "env": {"account": 111122223333}},
            'env.account: 111122223333 is a number; this is text: quote it ("111122223333")',
        ),
        ({**BASE, "env": {"region": "Ireland"}}, "env.region: 'Ireland' is not an AWS Region"),
        (
            with_log_group(log_class="ARCHIVE"),
            "log_groups[0].log_class: 'ARCHIVE' is not valid: use 'STANDARD' or "
            "'INFREQUENT_ACCESS'",
        ),
    ],
)
def test_wrong_types(data: dict[str, Any], expected: str) -> None:
    assert expected in error_of(data)


def test_missing_required_keys() -> None:
    assert error_of({"name": "shop"}) == (
        "stage: is required but missing (deployment stage such as dev or prod)"
    )


def test_all_problems_are_reported_at_once() -> None:
    data = {**BASE, "log_groups": [{"name": "a", "retention_days": 42}, {"name": "Bad Name"}]}
    lines = error_of(data).splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "log_groups[0].retention_days",
        "log_groups[1].name",
    ]


def test_subscriber_needs_exactly_one_kind() -> None:
    data = {
        **BASE,
        "notifications": [
            {"name": "ops", "subscribers": [{"email": "a@b.co", "https": "https://x"}]}
        ],
    }
    assert error_of(data) == (
        "notifications[0].subscribers[0]: give exactly one of email, https, sqs, lambda "
        "(got 2: email, https)"
    )


@pytest.mark.parametrize(
    ("subscriber", "expected"),
    [
        ({"email": "not-an-address"}, "'not-an-address' is not an e-mail address"),
        ({"https": "http://insecure"}, "is not an HTTPS URL"),
        ({"sqs": "my-queue"}, "is not an SQS queue ARN"),
        ({"lambda": "fn"}, "is not a Lambda function ARN"),
    ],
)
def test_subscriber_endpoints(subscriber: dict[str, str], expected: str) -> None:
    data = {**BASE, "notifications": [{"name": "ops", "subscribers": [subscriber]}]}
    message = error_of(data)
    key = next(iter(subscriber))
    assert message.startswith(f"notifications[0].subscribers[0].{key}: ")
    assert expected in message


def test_subscription_destination_must_be_a_known_arn() -> None:
    message = error_of(with_log_group(subscriptions=[{"destination_arn": "arn:aws:s3:::bucket"}]))
    assert message.startswith(
        "log_groups[0].subscriptions[0].destination_arn: 'arn:aws:s3:::bucket' is not a "
        "subscription destination; use the ARN of a Lambda function, a Kinesis data stream"
    )


def test_more_than_two_subscriptions() -> None:
    arn = "arn:aws:lambda:eu-west-1:111122223333:function:shipper"
    message = error_of(with_log_group(subscriptions=[{"destination_arn": arn}] * 3))
    assert message.startswith("log_groups[0].subscriptions: ")
    assert "at most 2" in message


def test_unknown_data_identifier() -> None:
    message = error_of(with_log_group(data_protection={"identifiers": ["Email"]}))
    assert message.startswith(
        "log_groups[0].data_protection.identifiers: 'Email' (did you mean 'EmailAddress'?) is "
        "not a managed data identifier"
    )


def test_bad_structured_log_field_name() -> None:
    message = error_of(with_log_group(structured_logs={"fields": {"level": "log level"}}))
    assert message.startswith(
        "log_groups[0].structured_logs.fields.level: 'log level' is not a JSON field name"
    )


def test_reserved_tag_key() -> None:
    message = error_of({**BASE, "tags": {"aws:team": "x"}})
    assert message == (
        "tags.aws:team: 'aws:team' starts with aws:, which AWS reserves for its own tags"
    )


def test_a_tag_value_with_a_line_break_is_refused() -> None:
    """The tagging APIs take letters, separators, numbers and _ . : / = + - @ only."""
    message = error_of({**BASE, "tags": {"team": "pay\nments", "cost-centre": "Zürich 4"}})
    assert message == (
        "tags.team: the value of tag 'team' has characters a tag cannot have ('\\n'); use "
        "letters, digits, spaces and _ . : / = + - @"
    )


# ------------------------------------------------------------ file handling


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "blueprint.yaml"
    path.write_text("# nothing yet\n")
    with pytest.raises(BlueprintError, match=re.escape(f"{path}: the file is empty")):
        Blueprint.from_yaml(path)


def test_file_that_is_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "blueprint.yaml"
    path.write_text("name: shop\nstage: [dev\n")
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_yaml(path)
    assert re.fullmatch(
        rf"{re.escape(str(path))}: line 3, column 1: not valid YAML: .+", str(caught.value)
    )


def test_file_that_is_a_list(tmp_path: Path) -> None:
    path = tmp_path / "blueprint.yaml"
    path.write_text("- name: shop\n")
    with pytest.raises(BlueprintError, match="the top level is a list; a blueprint is a mapping"):
        Blueprint.from_yaml(path)


def test_duplicate_yaml_keys(tmp_path: Path) -> None:
    path = tmp_path / "blueprint.yaml"
    path.write_text("name: shop\nstage: dev\nname: other\n")
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_yaml(path)
    assert str(caught.value) == (
        f"{path}: line 3, column 1: the key 'name' is written twice in this mapping (first on "
        "line 1); a key appears once: remove one"
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BlueprintError, match=r"missing\.yaml: no such file"):
        Blueprint.from_yaml(tmp_path / "missing.yaml")


def test_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "blueprint.yaml"
    path.write_text("name: shop\nstage: dev\nlog_groups:\n  - name: api\n    retention_days: 42\n")
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_yaml(path)
    assert str(caught.value).startswith(f"{path}: log_groups[0].retention_days: 42 is not a")


# ------------------------------------------- patterns checked offline (issue 3)


def test_pattern_syntax_error_shows_the_caret_and_the_path() -> None:
    message = error_of(with_log_group(metric_filters=[filter_(pattern='{ $.level "ERROR" }')]))
    first, *rest = message.splitlines()
    assert first.startswith("log_groups[0].metric_filters[0].pattern: ")
    assert any(line.strip() == '{ $.level "ERROR" }' for line in rest)
    caret_line = next(line for line in rest if line.strip() == "^")
    pattern_line = rest[rest.index(caret_line) - 1]
    assert pattern_line[caret_line.index("^")] == '"'


def test_example_that_should_match_but_does_not() -> None:
    examples = {"match": ['{"level":"WARN"}'], "no_match": []}
    message = error_of(with_log_group(metric_filters=[filter_(examples=examples)]))
    assert message == (
        "log_groups[0].metric_filters[0].examples.match[0]: the pattern "
        "'{ $.level = \"ERROR\" }' does not match this event, which it should: "
        '\'{"level":"WARN"}\''
    )


def test_example_that_should_not_match_but_does() -> None:
    examples = {"match": [], "no_match": ['{"level":"ERROR","msg":"boom"}']}
    message = error_of(with_log_group(metric_filters=[filter_(examples=examples)]))
    assert message.startswith(
        "log_groups[0].metric_filters[0].examples.no_match[0]: the pattern "
        "'{ $.level = \"ERROR\" }' matches this event, which it should not"
    )


def test_metric_value_the_pattern_cannot_supply() -> None:
    message = error_of(
        with_log_group(metric_filters=[filter_(pattern="[ip, user, status]", value="$bytes")])
    )
    assert message == (
        "log_groups[0].metric_filters[0].value: '$bytes' cannot come from the space pattern "
        "'[ip, user, status]'; use a field the pattern names ($ip, $user, $status) or its "
        "position ($1, $2...)"
    )


def test_dimension_from_a_term_pattern() -> None:
    message = error_of(
        with_log_group(metric_filters=[filter_(pattern="ERROR", dimensions={"S": "$.service"})])
    )
    assert message.startswith(
        "log_groups[0].metric_filters[0].dimensions.S: '$.service' cannot come from the term "
        "pattern 'ERROR'; a term pattern extracts no fields"
    )


def test_subscription_pattern_syntax_error() -> None:
    arn = "arn:aws:lambda:eu-west-1:111122223333:function:shipper"
    message = error_of(
        with_log_group(subscriptions=[{"destination_arn": arn, "pattern": "{ $.a = }"}])
    )
    assert message.startswith("log_groups[0].subscriptions[0].pattern: ")
    assert "^" in message


def test_names_two_sections_would_both_create() -> None:
    data = {
        "name": "shop",
        "stage": "dev",
        "notifications": [{"name": "ops"}],
        "log_groups": [{"name": "trail", "log_group_name": "/x/trail"}],
        "audit_trail": {
            "trail": {"log_group": {"name": "/x/trail"}},
            "cis": {"topic": "ops"},
            "signin_alerts": {"topic": "ops"},
        },
        "alarms": [
            {
                "name": "cis-cloudwatch-1",
                "metric": {"namespace": "A", "name": "B"},
                "threshold": 1,
                "comparison": ">",
            }
        ],
        "events": {
            "delivery": {"alarm_topic": "ops"},
            "alerts": [
                {"name": "root-sign-in", "pattern": {"source": ["aws.signin"]}, "topics": ["ops"]}
            ],
        },
    }
    assert error_of(data).splitlines() == [
        "audit_trail.trail.log_group.name: the log group '/x/trail' would also be made by "
        "log_groups[0].log_group_name; give one of them another name",
        "audit_trail.cis: the alarm 'shop-dev-cis-cloudwatch-1' would also be made by "
        "alarms[0].name; give one of them another name",
        "audit_trail.signin_alerts.root: the EventBridge rule 'shop-dev-root-sign-in' would "
        "also be made by events.alerts[0].name; give one of them another name",
    ]


RETENTION_TEXT = (
    "log_groups[0].retention_days: '30' is text; give a whole number (days events are kept; "
    "null keeps them forever)"
)


def test_unquoted_date_and_quoted_number() -> None:
    data = with_log_group(retention_days="30")
    data["alarms"] = [
        {
            "name": "lat",
            "type": "anomaly",
            "metric": {"namespace": "A", "name": "B"},
            "excluded_periods": [
                {"start": __import__("datetime").datetime(2026, 12, 24), "end": "2026-12-25"}
            ],
        }
    ]
    assert error_of(data).splitlines() == [
        RETENTION_TEXT,
        "alarms[0].excluded_periods[0].start: 2026-12-24T00:00:00 is read as a date; this is "
        'text: quote it ("2026-12-24T00:00:00")',
    ]


def test_whole_file_checks_run_despite_a_wrong_field() -> None:
    """All problems at once: a type error elsewhere does not hide a bad reference."""
    data = with_log_group(retention_days="30", structured_logs={})
    data["alarms"] = [
        {
            "name": "a",
            "metric": {"filter": "nope"},
            "threshold": 1,
            "comparison": ">",
            "evaluation_periods": 2,
            "datapoints_to_alarm": 3,
        }
    ]
    assert error_of(data).splitlines() == [
        RETENTION_TEXT,
        "alarms[0].metric.filter: 'nope' is not a metric filter of this blueprint; known "
        "filters: errors, latency, response-bytes, status-4xx, status-5xx",
        "alarms[0].datapoints_to_alarm: 3 must be between 1 and evaluation_periods (2)",
    ]


def test_whole_file_checks_wait_when_a_wrong_field_cannot_be_left_out() -> None:
    data = with_log_group(metric_filters=[filter_(dimensions={"A": "$.a"}, default_value=0)])
    data["log_groups"].append({"retention_days": 30})  # no name: the item cannot stand
    assert error_of(data) == (
        "log_groups[1].name: is required but missing (short name used in construct ids and "
        "physical names)"
    )


def test_problems_around_a_left_out_field_are_not_echoed() -> None:
    data = with_log_group(retention_days="30")
    data["log_groups"].append({"name": "api", "retention_days": 30})
    assert error_of(data).splitlines() == [
        RETENTION_TEXT,
        "log_groups[1].name: 'api' is already used by log_groups[0]; names must be unique",
    ]


# ---------------------------------------------- numbers beyond what AWS takes


def _alarm(**settings: Any) -> dict[str, Any]:
    return {
        "name": "cpu",
        "metric": {"namespace": "AWS/EC2", "name": "CPUUtilization"},
        "threshold": 90,
        "comparison": ">",
        **settings,
    }


def test_a_whole_number_setting_is_an_api_integer() -> None:
    """EvaluationPeriods, ExtensionPeriod, S3 lifecycle Days... are 32-bit in every API."""
    data = {**BASE, "dashboards": {"period": 600_000_000_000}}
    assert error_of(data) == (
        "dashboards.period: 600000000000 is beyond any whole number AWS takes here: the API's "
        "integers run from -2,147,483,648 to 2,147,483,647"
    )


def test_a_number_a_double_carries_is_exact_up_to_2_to_the_53() -> None:
    assert error_of({**BASE, "alarms": [_alarm(threshold=10**26)]}) == (
        "alarms[0].threshold: 100000000000000000000000000 cannot reach AWS as written: numbers "
        "travel as JSON doubles, which hold whole numbers exactly up to 9,007,199,254,740,992 "
        "(2**53); give a smaller number, or a decimal such as 1.0e+30 where an approximate "
        "value is meant"
    )
    # 5 GB as bytes: far above an API integer, and exact as a double.
    Blueprint.from_dict({**BASE, "alarms": [_alarm(threshold=5_000_000_000)]})


def test_numbers_inside_json_payloads_are_checked_too() -> None:
    data = {
        **BASE,
        "notifications": [{"name": "ops"}],
        "events": {
            "delivery": {"alarm_topic": "ops"},
            "schedules": [
                {
                    "name": "sweep",
                    "schedule": "rate(1 day)",
                    "lambda": {
                        "arn": "arn:aws:lambda:eu-west-1:111122223333:function:sweep",
                        "payload": {"limits": [1, 2**60]},
                    },
                }
            ],
        },
    }
    assert error_of(data).startswith(
        "events.schedules[0].lambda.payload: 1152921504606846976 cannot reach AWS as written"
    )


def test_an_alarm_period_is_at_most_seven_days() -> None:
    """PutMetricAlarm: period x evaluation periods <= 604,800 s, so a period is at most that."""
    lines = error_of({**BASE, "alarms": [_alarm(period=60 * 10**20)]}).splitlines()
    assert (
        "alarms[0].period: 6000000000000000000000 seconds is longer than an alarm period can be: "
        "at most 604,800 (seven days), and 10, 20, 30 or a multiple of 60"
    ) in lines


def test_a_settings_own_range_speaks_first() -> None:
    """Ports have their own rule: the generic bound is not added at the same place."""
    data = {
        **BASE,
        "flow_logs": [
            {
                "name": "main",
                "vpc_ids": ["vpc-0123456789abcdef0"],
                "rejected_ssh_rdp_alarm": {"ports": [22, 10**20]},
            }
        ],
    }
    assert error_of(data) == (
        "flow_logs[0].rejected_ssh_rdp_alarm.ports: 100000000000000000000: a port is a number "
        "from 0 to 65535"
    )


def test_a_very_long_number_is_echoed_cut() -> None:
    from observability_blueprint.rules.integer_bounds import shown

    assert shown(10**45) == "100000000000...0000 (46 digits)"
    assert shown(-(10**45)) == "-100000000000...0000 (46 digits)"
    assert shown(2**53) == "9007199254740992"
    message = error_of({**BASE, "alarms": [_alarm(evaluation_periods=10**60)]})
    assert "1000000000000000" * 3 not in message
    assert len(message) < 400


# ------------------------------------------------ pydantic's errors, in our words


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {**BASE, "log_groups": [3]},
            "log_groups[0]: 3 is a number; give a mapping with the keys name, log_group_name, "
            "service, retention_days, log_class, encrypted, removal_policy, deletion_protection, "
            "data_protection, subscriptions, metric_filters, structured_logs, queries, "
            "anomaly_detection, transformer, field_indexes, log_alarms, scheduled_queries, "
            "contributor_insights",
        ),
        (
            {**BASE, "alarms": [_alarm(band=0, type="anomaly", threshold=None, comparison=None)]},
            None,
        ),
        (
            {**BASE, "dashboards": {"period": 90}},
            "dashboards.period: 90 is not valid: give a multiple of 60",
        ),
        (
            {**BASE, "notifications": [{"name": "ops", "display_name": "n" * 101}]},
            f"notifications[0].display_name: {'n' * 60!r}... (101 characters) is 101 "
            "characters; at most 100",
        ),
        (
            with_log_group(
                subscriptions=[
                    {"destination_arn": f"arn:aws:kinesis:eu-west-1:111122223333:stream/s{i}"}
                    for i in range(3)
                ]
            ),
            "log_groups[0].subscriptions: 3 items is not valid: at most 2",
        ),
        (
            with_log_group(metric_filters=[filter_(value=[1])]),
            "log_groups[0].metric_filters[0].value: [1] is a list; give text or a number (what a "
            "matching event adds: a number, a JSON selector ($.latency_ms) or a field ($bytes))",
        ),
        (
            {**BASE, "alarms": [_alarm(evaluation_periods=2.5)]},
            "alarms[0].evaluation_periods: 2.5 is not a whole number; give a whole number "
            "(periods evaluated)",
        ),
        (
            {**BASE, "alarms": [_alarm(comparison="=>")]},
            "alarms[0].comparison: '=>' is not valid (did you mean '>'?): use '>', '>=', '<' or "
            "'<='",
        ),
        (
            {**BASE, "stage": None},
            "stage: None is null (no value); this is text (deployment stage such as dev or prod)",
        ),
    ],
)
def test_every_pydantic_error_reads_in_the_blueprints_words(
    data: dict[str, Any], expected: str | None
) -> None:
    message = error_of(data)
    assert "Input should" not in message
    assert "should have" not in message
    if expected is not None:
        assert message == expected


def test_a_long_value_a_rule_echoes_is_cut() -> None:
    message = error_of({"name": "shop", "stage": "x" * 5000})
    assert len(message) < 400
    assert f"'shop-{'x' * 55}...' (5,005 characters)" in message


# ------------------------------------------------- checks synthesis made alone


def test_structured_logs_namespace_is_a_custom_namespace() -> None:
    assert error_of(with_log_group(structured_logs={"namespace": "AWS/Shop"})) == (
        "log_groups[0].structured_logs.namespace: 'AWS/Shop' is not a custom metric namespace; "
        "use printable ASCII without ':', '*' or '$', not starting with AWS/ (reserved for AWS "
        "services)"
    )


def test_the_filters_structured_logs_makes_meet_the_filter_limits() -> None:
    levels = ["E" * 300] * 5
    assert error_of(with_log_group(structured_logs={"error_levels": levels})).startswith(
        "log_groups[0].structured_logs: the 'errors' filter it makes: pattern: the pattern is "
    )


@pytest.mark.parametrize(
    ("custom", "expected"),
    [
        (
            {"Order": "ORD-[0-9"},
            "the regular expression of 'Order', 'ORD-[0-9', is not a regular expression: "
            "unterminated character set at position 4",
        ),
        (
            {"Order": "ORD-(\\d+)"},
            "the regular expression of 'Order', 'ORD-(\\\\d+)', is not one CloudWatch Logs takes: "
            "1 to 200 characters, letters, digits, spaces and _ # = @ / ; , - with the regex "
            "characters ^ $ ? [ ] { } | \\ * + . (no parentheses)",
        ),
        ({"Order id": "ORD"}, "'Order id' is not a custom identifier name; use 1 to 128 letters"),
        ({"EmailAddress": "x"}, "'EmailAddress' is a managed data identifier"),
        ({f"C{i}": "x" for i in range(11)}, "11 custom identifiers; a data protection policy"),
    ],
)
def test_custom_data_identifiers_as_cloudwatch_logs_takes_them(
    custom: dict[str, str], expected: str
) -> None:
    message = error_of(with_log_group(data_protection={"custom": custom}))
    assert message.startswith(f"log_groups[0].data_protection.custom: {expected}")


def _model_paths() -> list[tuple[tuple[Any, ...], str]]:
    """(path, field) for every field of every section: a path of keys, 0 for list items
    and "k" for mapping entries, ending at the field."""
    from typing import get_args, get_origin

    from pydantic import BaseModel

    found: list[tuple[tuple[Any, ...], str]] = []
    stack: list[tuple[type[BaseModel], tuple[Any, ...]]] = [(Blueprint, ())]
    seen: set[type[BaseModel]] = set()
    while stack:
        model, path = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            key = field.alias or name
            found.append(((*path, key), name))
            todo: list[tuple[Any, tuple[Any, ...]]] = [(field.annotation, (*path, key))]
            while todo:
                annotation, at = todo.pop()
                origin, args = get_origin(annotation), get_args(annotation)
                if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                    stack.append((annotation, at))
                elif origin is list and args:
                    todo.append((args[0], (*at, 0)))
                elif origin is dict and args:
                    todo.append((args[1], (*at, "k")))
                elif args:
                    todo.extend((arg, at) for arg in args)
    return found


def _with_value(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(BASE)
    current: Any = data
    for part, following in itertools.pairwise(path):
        child: Any = [] if following == 0 else {}
        if isinstance(current, list):
            current.append(child)
        else:
            current[part] = child
        current = child
    if isinstance(current, list):
        current.append(value)
    else:
        current[path[-1]] = value
    return data


RAW_WORDING = ("Input should", "should have", "Value error", "valid dictionary", "instance of")


def test_no_setting_answers_a_wrong_type_in_pydantics_words() -> None:
    """Every field of every section, given a value of every wrong kind (D20)."""
    paths = _model_paths()
    assert len(paths) > 300
    raw = []
    for path, _ in paths:
        for bad in ([], {}, 3, 2.5, True, "x", None, "x" * 500):
            try:
                Blueprint.from_dict(_with_value(path, bad))
            except BlueprintError as error:
                text = str(error)
                if any(words in text for words in RAW_WORDING) or len(text) > 20_000:
                    raw.append(f"{path} = {bad!r}: {text[:300]}")
    assert raw == []
