"""ManagedLogGroup, BlueprintKey and their options, through the construct API.

One stack holds every variant and is synthesized once for the module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import Environment, Fn, RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_logs_destinations as logs_destinations
from aws_cdk.assertions import Match, Template

from observability_blueprint import (
    BlueprintError,
    BlueprintKey,
    DataProtectionSettings,
    ManagedLogGroup,
    MetricFilterSpec,
    PatternExamples,
)
from observability_blueprint.rules.limits import METRIC_UNITS
from observability_blueprint.rules.log_groups import check_subscription_destination
from support import new_stack, properties, resources

LAMBDA_ARN = "arn:aws:lambda:eu-west-1:111122223333:function:shipper"
KINESIS_ARN = "arn:aws:kinesis:eu-west-1:111122223333:stream/central"
FIREHOSE_ARN = "arn:aws:firehose:eu-west-1:111122223333:deliverystream/archive"
ROLE_ARN = "arn:aws:iam::111122223333:role/to-firehose"
DESTINATION_ARN = "arn:aws:logs:eu-west-1:999988887777:destination:central"


@dataclass
class Built:
    stack: Stack
    template: Template
    groups: dict[str, ManagedLogGroup]

    def log_group(self, name: str) -> dict[str, Any]:
        logical_id = self.stack.get_logical_id(self.groups[name].log_group.node.default_child)  # type: ignore[arg-type]
        resource: dict[str, Any] = self.template.to_json()["Resources"][logical_id]
        return resource


@pytest.fixture(scope="module")
def built() -> Built:
    _, stack = new_stack()
    key = BlueprintKey(stack, "Key")
    groups = {
        "plain": ManagedLogGroup(stack, "Plain"),
        "named": ManagedLogGroup(stack, "Named", log_group_name="/app/named", retention_days=30),
        "forever": ManagedLogGroup(stack, "Forever", retention_days=None),
        "destroy": ManagedLogGroup(stack, "Destroy", removal_policy=RemovalPolicy.DESTROY),
        "protected": ManagedLogGroup(stack, "Protected", deletion_protection=True),
        "archive": ManagedLogGroup(stack, "Archive", log_class="INFREQUENT_ACCESS"),
        "enc1": ManagedLogGroup(stack, "Enc1", log_group_name="/app/enc1", encryption_key=key),
        "enc2": ManagedLogGroup(stack, "Enc2", log_group_name="/app/enc2", encryption_key=key),
        "masked": ManagedLogGroup(
            stack,
            "Masked",
            data_protection=DataProtectionSettings(
                identifiers=("EmailAddress",), custom={"OrderId": "ORD-[0-9]{6}"}
            ),
        ),
    }
    metrics = groups["plain"]
    metrics.add_metric_filter(
        MetricFilterSpec(
            name="errors",
            pattern='{ $.level = "ERROR" }',
            namespace="App",
            metric_name="Errors",
            default_value=0,
            unit="Count",
            filter_name="app-errors",
        )
    )
    metrics.add_metric_filter(
        MetricFilterSpec(
            name="bytes",
            pattern="[ip, user, status, bytes]",
            namespace="App",
            metric_name="Bytes",
            metric_value="$bytes",
            unit="Bytes/Second",
            dimensions={"Status": "$status"},
        )
    )
    subs = groups["named"]
    subs.add_subscription("ToLambda", destination_arn=LAMBDA_ARN, pattern="ERROR")
    subs.add_subscription("ToKinesis", destination_arn=KINESIS_ARN)
    groups["protected"].add_subscription(
        "ToFirehose", destination_arn=FIREHOSE_ARN, role_arn=ROLE_ARN
    )
    groups["destroy"].add_subscription("ToDestination", destination_arn=DESTINATION_ARN)
    return Built(stack, Template.from_stack(stack), groups)


# ----------------------------------------------------------------- defaults


def test_retained_on_stack_delete_by_default(built: Built) -> None:
    resource = built.log_group("plain")
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"


def test_one_year_retention_by_default(built: Built) -> None:
    assert built.log_group("plain")["Properties"]["RetentionInDays"] == 365


def test_retention_and_name(built: Built) -> None:
    props = built.log_group("named")["Properties"]
    assert props["RetentionInDays"] == 30
    assert props["LogGroupName"] == "/app/named"


def test_no_retention_keeps_events_forever(built: Built) -> None:
    assert "RetentionInDays" not in built.log_group("forever")["Properties"]


def test_destroy_is_an_explicit_opt_out(built: Built) -> None:
    assert built.log_group("destroy")["DeletionPolicy"] == "Delete"


def test_deletion_protection(built: Built) -> None:
    assert built.log_group("protected")["Properties"]["DeletionProtectionEnabled"] is True
    assert "DeletionProtectionEnabled" not in built.log_group("plain")["Properties"]


def test_log_class(built: Built) -> None:
    assert built.log_group("archive")["Properties"]["LogGroupClass"] == "INFREQUENT_ACCESS"
    assert built.log_group("plain")["Properties"]["LogGroupClass"] == "STANDARD"


# --------------------------------------------------------------- encryption


def test_one_key_for_all_encrypted_log_groups(built: Built) -> None:
    keys = resources(built.template, "AWS::KMS::Key")
    assert len(keys) == 1
    key_id = next(iter(keys))
    for name in ("enc1", "enc2"):
        assert built.log_group(name)["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    key = keys[key_id]
    assert key["DeletionPolicy"] == "Retain"
    assert key["Properties"]["EnableKeyRotation"] is True


def test_key_policy_scoped_to_the_log_groups_by_encryption_context(built: Built) -> None:
    key = next(iter(resources(built.template, "AWS::KMS::Key").values()))
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    logs_statement = next(
        s for s in statements if s.get("Sid") == "CloudWatchLogsForBlueprintLogGroups"
    )
    assert logs_statement["Principal"] == {
        "Service": {"Fn::Join": ["", ["logs.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}
    }
    arns = logs_statement["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]
    suffixes = [arn["Fn::Join"][1][-1] for arn in arns]
    assert suffixes == [":log-group:/app/enc1", ":log-group:/app/enc2"]


def test_key_and_log_groups_do_not_depend_on_each_other(built: Built) -> None:
    key = next(iter(resources(built.template, "AWS::KMS::Key").values()))
    assert "DependsOn" not in key
    assert "Ref" not in str(key["Properties"]["KeyPolicy"]).replace("'Ref': 'AWS::", "")


def test_encrypting_with_a_blueprint_key_needs_a_literal_name() -> None:
    _, stack = new_stack()
    key = BlueprintKey(stack, "Key")
    with pytest.raises(BlueprintError, match=r"Test/Logs\.log_group_name: a log group encrypted"):
        ManagedLogGroup(stack, "Logs", encryption_key=key)


def test_any_kms_key_can_be_used_as_is() -> None:
    _, stack = new_stack()
    key = kms.Key(stack, "Own")
    ManagedLogGroup(stack, "Logs", encryption_key=key)
    Template.from_stack(stack).has_resource_properties(
        "AWS::Logs::LogGroup",
        {"KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^Own"), "Arn"]}},
    )


# ---------------------------------------------------------- data protection


def test_data_protection_masks_managed_and_custom_identifiers(built: Built) -> None:
    policy = built.log_group("masked")["Properties"]["DataProtectionPolicy"]
    redact = next(s for s in policy["Statement"] if "Deidentify" in s["Operation"])
    rendered = str(redact["DataIdentifier"])
    assert "data-identifier/EmailAddress" in rendered
    assert "OrderId" in rendered
    assert policy["Configuration"]["CustomDataIdentifier"] == [
        {"Name": "OrderId", "Regex": "ORD-[0-9]{6}"}
    ]


def test_unknown_data_identifier_is_refused() -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError, match=r"Test/Logs\.data_protection\.identifiers: 'Emails'"):
        ManagedLogGroup(
            stack, "Logs", data_protection=DataProtectionSettings(identifiers=("Emails",))
        )


# ----------------------------------------------------------- metric filters


def test_metric_filter_properties(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Logs::MetricFilter",
        {
            "FilterName": "app-errors",
            "FilterPattern": '{ $.level = "ERROR" }',
            "MetricTransformations": [
                {
                    "MetricNamespace": "App",
                    "MetricName": "Errors",
                    "MetricValue": "1",
                    "DefaultValue": 0,
                    "Unit": "Count",
                }
            ],
        },
    )
    built.template.has_resource_properties(
        "AWS::Logs::MetricFilter",
        {
            "FilterPattern": "[ip, user, status, bytes]",
            "MetricTransformations": [
                {
                    "MetricValue": "$bytes",
                    "Unit": "Bytes/Second",
                    "Dimensions": [{"Key": "Status", "Value": "$status"}],
                    "DefaultValue": Match.absent(),
                }
            ],
        },
    )


def test_published_metrics_are_recorded(built: Built) -> None:
    published = built.groups["plain"].published_metrics
    assert [(m.metric_name, m.dimension_keys) for m in published] == [
        ("Errors", frozenset()),
        ("Bytes", frozenset({"Status"})),
    ]


def test_every_cloudwatch_unit_reaches_the_template_as_written() -> None:
    # METRIC_UNITS is PutMetricFilter's unit enum (test_packaging compares it with botocore).
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs")
    for index, unit in enumerate(METRIC_UNITS):
        group.add_metric_filter(_spec(name=f"f{index}", metric_name=f"M{index}", unit=unit))
    transformations = [
        props["MetricTransformations"][0]
        for props in properties(Template.from_stack(stack), "AWS::Logs::MetricFilter")
    ]
    units = {t["MetricName"]: t["Unit"] for t in transformations}
    assert units == {f"M{index}": unit for index, unit in enumerate(METRIC_UNITS)}


def _spec(**settings: Any) -> MetricFilterSpec:
    base: dict[str, Any] = {
        "name": "errors",
        "pattern": "ERROR",
        "namespace": "App",
        "metric_name": "Errors",
    }
    return MetricFilterSpec(**{**base, **settings})


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"dimensions": {"A": "$.a", "B": "$.b", "C": "$.c", "D": "$.d"}},
            r"Test/Logs/errors\.dimensions: 4 dimensions \(A, B, C, D\); "
            r"a metric filter takes at most 3",
        ),
        (
            {"default_value": 0.0, "dimensions": {"A": "$.a"}},
            r"Test/Logs/errors\.default_value: 0 cannot be combined with dimensions \(A\)",
        ),
        (
            {"pattern": "x" * 1025},
            r"Test/Logs/errors\.pattern: the pattern is 1025 characters; "
            r"CloudWatch Logs allows at most 1024",
        ),
        ({"unit": "Secs"}, r"Test/Logs/errors\.unit: 'Secs' is not a CloudWatch unit"),
    ],
)
def test_bad_metric_filters_are_refused(settings: dict[str, Any], message: str) -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs")
    with pytest.raises(BlueprintError, match=message):
        group.add_metric_filter(_spec(**settings))


def test_metric_filter_on_infrequent_access_is_refused() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs", log_class="INFREQUENT_ACCESS")
    with pytest.raises(
        BlueprintError, match=r"Test/Logs\.metric_filters: a log group of class INFREQUENT_ACCESS"
    ):
        group.add_metric_filter(_spec())


def test_the_101st_metric_filter_is_refused() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs")
    for i in range(100):
        group.add_metric_filter(_spec(name=f"f{i}", metric_name=f"M{i}"))
    with pytest.raises(
        BlueprintError, match=r"Test/Logs\.metric_filters: 101 metric filters on one log group"
    ):
        group.add_metric_filter(_spec(name="f100"))


# ------------------------------------------------------- bad construct input


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"retention_days": 42},
            r"Test/Logs\.retention_days: 42 is not a CloudWatch Logs retention",
        ),
        ({"log_group_name": "bad name"}, r"Test/Logs\.log_group_name: 'bad name' has characters"),
        ({"log_class": "COLD"}, r"Test/Logs\.log_class: 'COLD' is not a log class"),
    ],
)
def test_bad_log_group_settings_are_refused(settings: dict[str, Any], message: str) -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError, match=message):
        ManagedLogGroup(stack, "Logs", **settings)


# ------------------------------------------------------------ subscriptions


def test_lambda_subscription_gets_invoke_permission(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": LAMBDA_ARN,
            "Principal": "logs.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": [Match.string_like_regexp("^Named"), "Arn"]},
        },
    )
    subscription = next(
        r
        for r in resources(built.template, "AWS::Logs::SubscriptionFilter").values()
        if r["Properties"]["DestinationArn"] == LAMBDA_ARN
    )
    assert subscription["Properties"]["FilterPattern"] == "ERROR"
    assert "RoleArn" not in subscription["Properties"]
    assert any("InvokePermission" in d for d in subscription["DependsOn"])


def test_kinesis_subscription_gets_a_least_privilege_role(built: Built) -> None:
    subscription = next(
        r
        for r in resources(built.template, "AWS::Logs::SubscriptionFilter").values()
        if r["Properties"]["DestinationArn"] == KINESIS_ARN
    )
    role_id = subscription["Properties"]["RoleArn"]["Fn::GetAtt"][0]
    role = built.template.to_json()["Resources"][role_id]
    statement = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": "logs.amazonaws.com"}
    assert "aws:SourceArn" in statement["Condition"]["ArnLike"]
    built.template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": ["kinesis:PutRecord", "kinesis:PutRecords"],
                        "Effect": "Allow",
                        "Resource": KINESIS_ARN,
                    }
                ]
            },
            "Roles": [{"Ref": role_id}],
        },
    )
    assert subscription["Properties"]["FilterPattern"] == ""


def test_firehose_subscription_uses_the_given_role(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Logs::SubscriptionFilter",
        {"DestinationArn": FIREHOSE_ARN, "RoleArn": ROLE_ARN},
    )


def test_cross_account_destination_needs_no_role(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::Logs::SubscriptionFilter",
        {"DestinationArn": DESTINATION_ARN, "RoleArn": Match.absent()},
    )


def test_third_subscription_is_refused() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs")
    group.add_subscription("A", destination_arn=LAMBDA_ARN)
    group.add_subscription("B", destination_arn=KINESIS_ARN)
    with pytest.raises(BlueprintError, match=r"Test/Logs/C: CloudWatch Logs allows at most 2"):
        group.add_subscription("C", destination_arn=FIREHOSE_ARN)


def test_subscription_to_an_unknown_destination_is_refused() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs")
    with pytest.raises(
        BlueprintError,
        match=r"Test/Logs/S\.destination_arn: 'arn:aws:sqs:eu-west-1:111122223333:q' is an SQS "
        r"queue ARN; expected a Lambda function \(arn:aws:lambda:REGION:ACCOUNT:function:NAME, "
        r".*\) or a CloudWatch Logs destination \(arn:aws:logs:REGION:ACCOUNT:destination:NAME\)$",
    ):
        group.add_subscription("S", destination_arn="arn:aws:sqs:eu-west-1:111122223333:q")


@pytest.mark.parametrize(
    ("role_arn", "message"),
    [
        (
            "arn:aws:sqs:eu-west-1:111122223333:q",
            "'arn:aws:sqs:eu-west-1:111122223333:q' is not an IAM role ARN "
            "(arn:aws:iam::ACCOUNT:role/NAME); this is an SQS queue ARN",
        ),
        (
            # An IAM role ARN names no Region.
            "arn:aws:iam:eu-west-1:111122223333:role/logs",
            "'arn:aws:iam:eu-west-1:111122223333:role/logs' is not an IAM role ARN "
            "(arn:aws:iam::ACCOUNT:role/NAME)",
        ),
        ("logs-role", "'logs-role' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"),
    ],
)
def test_a_subscription_role_must_be_an_iam_role(role_arn: str, message: str) -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs")
    with pytest.raises(BlueprintError) as caught:
        group.add_subscription("S", destination_arn=FIREHOSE_ARN, role_arn=role_arn)
    assert message in str(caught.value)


def test_a_destination_of_another_kind_says_what_it_is() -> None:
    assert check_subscription_destination("arn:aws:s3:::bucket") == (
        "'arn:aws:s3:::bucket' is not a subscription destination; use the ARN of a Lambda "
        "function, a Kinesis data stream, a Firehose delivery stream or a CloudWatch Logs "
        "destination (arn:aws:logs:REGION:ACCOUNT:destination:NAME); this is an S3 bucket or "
        "object ARN"
    )
    assert check_subscription_destination("arn:aws:lambda:eu-west-1:111122223333:function:f") is (
        None
    )


def test_pattern_is_checked_against_its_examples_at_synth() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs")
    spec = _spec(
        pattern="{ $.status >= 500 }",
        examples=PatternExamples(match=('{"status": 503}',), no_match=('{"status": 500}',)),
    )
    with pytest.raises(
        BlueprintError,
        match=r"Test/Logs/errors\.examples\.no_match\[0\]: the pattern '\{ \$\.status >= 500 \}' "
        r"matches this event, which it should not",
    ):
        group.add_metric_filter(spec)


def test_a_long_example_event_is_cut_in_the_message() -> None:
    # A pasted log event may be thousands of characters; the message shows its start.
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs")
    event = '{"status": 200, "body": "' + "x" * 5000 + '"}'
    spec = _spec(pattern="{ $.status >= 500 }", examples=PatternExamples(match=(event,)))
    with pytest.raises(BlueprintError) as caught:
        group.add_metric_filter(spec)
    assert str(caught.value) == (
        "Test/Logs/errors.examples.match[0]: the pattern '{ $.status >= 500 }' does not match "
        "this event, which it should: "
        '\'{"status": 200, "body": "' + "x" * 52 + "...'"
    )


def test_long_values_are_cut_in_metric_filter_messages() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs")
    with pytest.raises(BlueprintError) as caught:
        group.add_metric_filter(_spec(metric_value="$." + "a" * 2000))
    assert str(caught.value) == (
        "Test/Logs/errors.value: '$." + "a" * 75 + "...' is not a metric value; use a number "
        "such as 1, a JSON selector such as $.latency_ms, or a field of a space-delimited "
        "pattern such as $bytes"
    )

    pattern = "[ip, status, " + ", ".join(f"field{i}" for i in range(60)) + "]"
    with pytest.raises(BlueprintError) as caught:
        group.add_metric_filter(_spec(pattern=pattern, metric_value="$" + "b" * 90))
    assert str(caught.value) == (
        "Test/Logs/errors.value: '$" + "b" * 76 + "...' cannot come from the space pattern "
        # 77 characters of each, then ...
        "'[ip, status, field0, field1, field2, field3, field4, field5, field6, field7, ...'; "
        "use a field the pattern names ($ip, $status, $field0, $field1, $field2, $field3, "
        "$field4, $field5, $field6, ...) or its position ($1, $2...)"
    )


def test_pattern_syntax_error_names_the_construct() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs")
    with pytest.raises(BlueprintError, match=r"(?s)Test/Logs/errors\.pattern: .*\^"):
        group.add_metric_filter(_spec(pattern="[ip, status = ]"))


def test_subscription_pattern_syntax_error_names_the_construct() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs")
    with pytest.raises(BlueprintError, match=r"Test/Logs/S\.pattern: "):
        group.add_subscription("S", destination_arn=LAMBDA_ARN, pattern="{ $.a = ")


# ------------------------------------------- subscription destinations by ARN

IRELAND = Environment(account="111122223333", region="eu-west-1")


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        (
            "arn:aws:lambda:us-east-1:111122223333:function:shipper",
            "'arn:aws:lambda:us-east-1:111122223333:function:shipper' is in the Region "
            "us-east-1; CloudWatch Logs invokes a subscription's Lambda function in the log "
            "group's Region, so it must be in this stack's Region, eu-west-1",
        ),
        (
            "arn:aws:kinesis:eu-west-1:999988887777:stream/central",
            "'arn:aws:kinesis:eu-west-1:999988887777:stream/central' is in the account "
            "999988887777; CloudWatch Logs delivers to a Lambda function, Kinesis or Firehose "
            "stream of the log group's own account (a CloudWatch Logs destination reaches other "
            "accounts), so it must be in this stack's account, 111122223333",
        ),
        (
            "arn:aws-cn:firehose:cn-north-1:111122223333:deliverystream/archive",
            "'arn:aws-cn:firehose:cn-north-1:111122223333:deliverystream/archive' is in the "
            "partition aws-cn, this stack in aws: nothing in AWS reaches across partitions; use "
            "an ARN that starts arn:aws:",
        ),
    ],
)
def test_subscription_destination_out_of_reach_is_refused(arn: str, message: str) -> None:
    _, stack = new_stack(env=IRELAND)
    group = ManagedLogGroup(stack, "Logs")
    with pytest.raises(BlueprintError) as caught:
        group.add_subscription("S", destination_arn=arn)
    assert str(caught.value) == f"Test/Logs/S.destination_arn: {message}"


def test_a_logs_destination_of_another_account_is_how_logs_leave_the_account() -> None:
    _, stack = new_stack(env=IRELAND)
    ManagedLogGroup(stack, "Logs").add_subscription("S", destination_arn=DESTINATION_ARN)


def test_a_destination_arn_that_is_a_token_as_a_whole_is_refused_by_add_subscription() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs")
    with pytest.raises(
        BlueprintError,
        match=r"^Test/Logs/S\.destination_arn: '\$\{Token\[TOKEN\.\d+\]\}' is unresolved at "
        r"synthesis, so the kind of destination \(which decides the role or permission "
        r"CloudWatch Logs needs\) is unknown; .* or use add_subscription_filter with "
        r"aws-cdk-lib's LambdaDestination",
    ):
        group.add_subscription("S", destination_arn=Fn.get_att("X", "Arn").to_string())


def test_add_subscription_filter_checks_the_destinations_arn() -> None:
    _, stack = new_stack(env=IRELAND)
    group = ManagedLogGroup(stack, "Logs")
    elsewhere = lambda_.Function.from_function_arn(
        stack, "Elsewhere", "arn:aws:lambda:us-east-1:111122223333:function:shipper"
    )
    with pytest.raises(BlueprintError) as caught:
        group.add_subscription_filter(
            "S",
            destination=logs_destinations.LambdaDestination(elsewhere),
            filter_pattern=logs.FilterPattern.all_events(),
        )
    assert str(caught.value) == (
        "Test/Logs/S.destination: 'arn:aws:lambda:us-east-1:111122223333:function:shipper' is "
        "in the Region us-east-1; CloudWatch Logs invokes a subscription's Lambda function in "
        "the log group's Region, so it must be in this stack's Region, eu-west-1"
    )


def test_add_subscription_filter_passes_a_destination_made_in_the_app() -> None:
    _, stack = new_stack(env=IRELAND)
    function = lambda_.Function(
        stack,
        "Shipper",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
    )
    ManagedLogGroup(stack, "Logs").add_subscription_filter(
        "S",
        destination=logs_destinations.LambdaDestination(function),
        filter_pattern=logs.FilterPattern.all_events(),
    )
    Template.from_stack(stack).resource_count_is("AWS::Logs::SubscriptionFilter", 1)
