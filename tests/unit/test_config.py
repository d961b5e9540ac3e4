"""The blueprint file model: what it accepts, and the message for each bad input."""

from __future__ import annotations

import copy
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
            "log_groups[0].retention_days: '30' is text; give a number (without quotes)",
        ),
        (with_log_group(encrypted="yes"), "log_groups[0].encrypted: 'yes' is not valid"),
        ({**BASE, "log_groups": {"name": "api"}}, "log_groups: {'name': 'api'} is not valid"),
        (
            {**BASE, "env": {"account": 111122223333}},
            'env.account: 111122223333 is a number; this is text: quote it ("111122223333")',
        ),
        ({**BASE, "env": {"region": "Ireland"}}, "env.region: 'Ireland' is not an AWS Region"),
        (
            with_log_group(log_class="ARCHIVE"),
            "log_groups[0].log_class: 'ARCHIVE' is not valid: Input should be 'STANDARD' or "
            "'INFREQUENT_ACCESS'",
        ),
    ],
)
def test_wrong_types(data: dict[str, Any], expected: str) -> None:
    assert expected in error_of(data)


def test_missing_required_keys() -> None:
    assert error_of({"name": "shop"}) == "stage: is required but missing"


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
    assert message == "tags: 'aws:team' starts with aws:, which AWS reserves for its own tags"


def test_a_tag_value_with_a_line_break_is_refused() -> None:
    """The tagging APIs take letters, separators, numbers and _ . : / = + - @ only."""
    message = error_of({**BASE, "tags": {"team": "pay\nments", "cost-centre": "Zürich 4"}})
    assert message == (
        "tags: the value of tag 'team' has characters a tag cannot have ('\\n'); use "
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
        f"{path}: line 3, column 1: not valid YAML: duplicate key 'name' (first on line 1)"
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
        "log_groups[0].retention_days: '30' is text; give a number (without quotes)",
        "alarms[0].excluded_periods[0].start: 2026-12-24T00:00:00 was read as a date; this is "
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
        "log_groups[0].retention_days: '30' is text; give a number (without quotes)",
        "alarms[0].metric.filter: 'nope' is not a metric filter of this blueprint; known "
        "filters: errors, latency, response-bytes, status-4xx, status-5xx",
        "alarms[0].datapoints_to_alarm: 3 must be between 1 and evaluation_periods (2)",
    ]


def test_whole_file_checks_wait_when_a_wrong_field_cannot_be_left_out() -> None:
    data = with_log_group(metric_filters=[filter_(dimensions={"A": "$.a"}, default_value=0)])
    data["log_groups"].append({"retention_days": 30})  # no name: the item cannot stand
    assert error_of(data) == "log_groups[1].name: is required but missing"


def test_problems_around_a_left_out_field_are_not_echoed() -> None:
    data = with_log_group(retention_days="30")
    data["log_groups"].append({"name": "api", "retention_days": 30})
    assert error_of(data).splitlines() == [
        "log_groups[0].retention_days: '30' is text; give a number (without quotes)",
        "log_groups[1].name: 'api' is already used by log_groups[0]; names must be unique",
    ]
