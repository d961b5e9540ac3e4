"""ARNs: parsed in one place, checked for kind, partition, Region and account.

Expected forms come from the IAM User Guide's ARN reference and the API references
of the calls that take them (PutMetricAlarm, PutCompositeAlarm, PutSubscriptionFilter).
"""

from __future__ import annotations

import pytest

from observability_blueprint.rules.arns import (
    CLOUDWATCH_ALARM,
    EC2_ACTION,
    IAM_ROLE,
    KMS_KEY,
    LAMBDA_FUNCTION,
    OIDC_PROVIDER,
    PARTITION_REGIONS,
    S3_BUCKET,
    SNS_TOPIC,
    SQS_QUEUE,
    Arn,
    ArnError,
    ArnKind,
    Place,
    arn_problem,
    describe,
    is_unresolved,
    kind_of,
    other_kind,
    parse_arn,
    partition_of_region,
    place_problem,
    shown,
    subscription_destination_problem,
)
from observability_blueprint.rules.subscribers import check_subscriber

HERE = Place(partition="aws", region="eu-west-1", account="111122223333")


# --------------------------------------------------------------------- parse


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "arn:aws:lambda:eu-west-1:111122223333:function:notify:live",
            ("aws", "lambda", "eu-west-1", "111122223333", "function", "notify:live"),
        ),
        (
            "arn:aws:sns:eu-west-1:111122223333:ops",
            ("aws", "sns", "eu-west-1", "111122223333", "", "ops"),
        ),
        ("arn:aws:s3:::bucket/key/part", ("aws", "s3", "", "", "", "bucket/key/part")),
        (
            "arn:aws-us-gov:iam::111122223333:role/path/to/role",
            ("aws-us-gov", "iam", "", "111122223333", "role", "path/to/role"),
        ),
        (
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            ("aws", "iam", "", "aws", "policy", "ReadOnlyAccess"),
        ),
        (
            # PutMetricAlarm's EC2 action: "ec2" stands where the account goes.
            "arn:aws:automate:eu-west-1:ec2:reboot",
            ("aws", "automate", "eu-west-1", "ec2", "", "reboot"),
        ),
        (
            "arn:aws:ssm:eu-west-1:111122223333:opsitem:2#CATEGORY=Cost",
            ("aws", "ssm", "eu-west-1", "111122223333", "opsitem", "2#CATEGORY=Cost"),
        ),
        (
            "arn:aws:ssm-incidents::111122223333:responseplan/critical",
            ("aws", "ssm-incidents", "", "111122223333", "responseplan", "critical"),
        ),
        (
            # Alarm names may hold colons and slashes: the first separator ends the type.
            "arn:aws-cn:cloudwatch:cn-north-1:111122223333:alarm:a/b:c",
            ("aws-cn", "cloudwatch", "cn-north-1", "111122223333", "alarm", "a/b:c"),
        ),
    ],
)
def test_parse_splits_the_parts(text: str, parts: tuple[str, ...]) -> None:
    arn = parse_arn(text)
    assert (
        arn.partition,
        arn.service,
        arn.region,
        arn.account,
        arn.resource_type,
        arn.resource_id,
    ) == parts
    assert str(arn) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("my-topic", "'my-topic' is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)"),
        (
            "arn:aws:sns:eu-west-1:ops",
            "'arn:aws:sns:eu-west-1:ops' has 5 of the 6 colon-separated parts of an ARN "
            "(arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)",
        ),
        (
            "arn:amazon:sns:eu-west-1:111122223333:ops",
            "'arn:amazon:sns:eu-west-1:111122223333:ops' is not an ARN: 'amazon' is not an AWS "
            "partition; use one of aws, aws-cn, aws-eusc, aws-iso, aws-iso-b, aws-iso-e, "
            "aws-iso-f, aws-us-gov",
        ),
        (
            "arn:aws:SNS:eu-west-1:111122223333:ops",
            "'arn:aws:SNS:eu-west-1:111122223333:ops' is not an ARN: 'SNS' is not a service "
            "namespace (lowercase letters, digits and hyphens, such as sns or lambda)",
        ),
        (
            "arn:aws:sns:Ireland:111122223333:ops",
            "'arn:aws:sns:Ireland:111122223333:ops' is not an ARN: 'Ireland' is not a Region "
            "name (such as eu-west-1) and not empty",
        ),
        (
            "arn:aws:sns:eu-west-1:1111-2222-3333:ops",
            "'arn:aws:sns:eu-west-1:1111-2222-3333:ops' is not an ARN: the account "
            "'1111-2222-3333' is not a 12-digit account id",
        ),
        (
            "arn:aws:sns:eu-west-1:111122223333:",
            "'arn:aws:sns:eu-west-1:111122223333:' is not an ARN: it names no resource "
            "(arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)",
        ),
    ],
)
def test_parse_says_which_part_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ArnError) as caught:
        parse_arn(text)
    assert str(caught.value) == message


def test_the_ec2_account_is_only_the_automate_actions() -> None:
    with pytest.raises(ArnError, match="the account 'ec2' is not a 12-digit account id"):
        parse_arn("arn:aws:sns:eu-west-1:ec2:ops")


def test_a_long_value_is_cut_in_messages() -> None:
    text = "x" * 500
    with pytest.raises(ArnError) as caught:
        parse_arn(text)
    assert str(caught.value) == f"{'x' * 117 + '...'!r} is not an ARN " + (
        "(arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)"
    )
    assert shown("short") == "'short'"


# --------------------------------------------------------------------- tokens


def test_tokens_are_recognized_as_aws_cdk_lib_writes_them() -> None:
    assert is_unresolved("${Token[TOKEN.45]}")
    assert is_unresolved("arn:${Token[AWS.Partition.12]}:sns:eu-west-1:111122223333:t")
    assert is_unresolved("#{Token[TOKEN.7]}")
    assert not is_unresolved("arn:aws:sns:eu-west-1:111122223333:${name}")


def test_a_whole_token_is_not_judged() -> None:
    assert arn_problem("${Token[TOKEN.45]}", [SNS_TOPIC], place=HERE) is None


def test_token_parts_pass_and_the_written_parts_are_checked() -> None:
    partition, region, account = (
        "${Token[AWS.Partition.1]}",
        "${Token[AWS.Region.2]}",
        "${Token[AWS.AccountId.3]}",
    )
    topic = f"arn:{partition}:sns:{region}:{account}:ops"
    queue = f"arn:{partition}:sqs:{region}:{account}:ops"
    assert parse_arn(topic).service == "sns"
    assert arn_problem(topic, [SNS_TOPIC], place=HERE) is None
    assert arn_problem(queue, [SNS_TOPIC], place=HERE) == (
        f"{queue!r} is an SQS queue ARN; expected an SNS topic (arn:aws:sns:REGION:ACCOUNT:NAME)"
    )


def test_place_of_a_stack_with_tokens_knows_nothing() -> None:
    assert Place.of(region="${Token[AWS.Region.2]}", account="${Token[AWS.AccountId.3]}") == (
        Place()
    )
    assert Place.of(region="cn-northwest-1", account="111122223333") == Place(
        partition="aws-cn", region="cn-northwest-1", account="111122223333"
    )


def test_template_placeholders_are_read_only_when_asked() -> None:
    text = "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:ops"
    # In a user's value ${AWS::Region} is no placeholder: CloudFormation gets it as written.
    with pytest.raises(ArnError) as caught:
        parse_arn(text)
    assert str(caught.value) == (
        f"{text!r} is not an ARN: '${{AWS' is not an AWS partition; use one of aws, aws-cn, "
        "aws-eusc, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-us-gov"
    )
    arn = parse_arn(text, placeholders=True)
    assert (arn.partition, arn.service, arn.region, arn.account, arn.resource_id) == (
        "${AWS::Partition}",
        "sns",
        "${AWS::Region}",
        "${AWS::AccountId}",
        "ops",
    )
    assert not arn.known(arn.partition)
    assert arn.known(arn.service)
    assert SNS_TOPIC.matches(arn)
    assert place_problem(arn, HERE, same_region="r", same_account="a") is None


def test_a_placeholder_passes_only_in_its_part() -> None:
    queue = parse_arn("arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:q", placeholders=True)
    assert not SNS_TOPIC.matches(queue)
    assert describe(queue) == "an SQS queue"
    unknown = parse_arn("arn:aws:${Service}:eu-west-1:111122223333:x", placeholders=True)
    assert describe(unknown) == "an unresolved resource"
    with pytest.raises(ArnError, match="'Ireland' is not a Region name"):
        parse_arn("arn:${AWS::Partition}:sns:Ireland:111122223333:ops", placeholders=True)


def test_an_error_keeps_its_reason_apart_from_the_value() -> None:
    with pytest.raises(ArnError) as caught:
        parse_arn("my-topic")
    assert caught.value.reason == "is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)"
    assert caught.value.text == "my-topic"


def test_a_long_part_is_cut_in_messages() -> None:
    with pytest.raises(ArnError) as caught:
        parse_arn(f"arn:{'p' * 300}:sns:eu-west-1:111122223333:ops")
    assert f"{'p' * 77 + '...'!r} is not an AWS partition" in str(caught.value)
    assert len(str(caught.value)) < 400


# ---------------------------------------------------------------- partitions


def test_partitions_and_region_forms_match_botocore() -> None:
    from botocore.loaders import Loader  # a dev dependency (boto3, moto): never skipped

    partitions = Loader().load_data("partitions")["partitions"]
    assert {p["id"]: p["regionRegex"] for p in partitions} == {
        name: form.pattern for name, form in PARTITION_REGIONS.items()
    }
    for partition in partitions:
        for region in partition["regions"]:
            if not region.endswith("-global"):
                assert partition_of_region(region) == partition["id"], region


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("eu-west-1", "aws"),
        ("us-gov-west-1", "aws-us-gov"),
        ("cn-north-1", "aws-cn"),
        ("us-isob-east-1", "aws-iso-b"),
        ("eusc-de-east-1", "aws-eusc"),
        ("mars-1", None),
        (None, None),
        ("${Token[AWS.Region.2]}", None),
    ],
)
def test_partition_of_region(region: str | None, partition: str | None) -> None:
    assert partition_of_region(region) == partition


# --------------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("arn:aws:sqs:eu-west-1:111122223333:q", "an SQS queue"),
        ("arn:aws:sns:eu-west-1:111122223333:t", "an SNS topic"),
        ("arn:aws:cloudwatch:eu-west-1:111122223333:alarm:a", "a CloudWatch alarm"),
        ("arn:aws:logs:eu-west-1:111122223333:log-group:/a:*", "a log group"),
        ("arn:aws:s3:::bucket", "an S3 bucket or object"),
        ("arn:aws:ec2:eu-west-1:111122223333:instance/i-1", "an ec2 instance"),
        ("arn:aws:dynamodb:eu-west-1:111122223333:table/orders", "a dynamodb table"),
    ],
)
def test_describe_names_what_an_arn_is(text: str, what: str) -> None:
    assert describe(parse_arn(text)) == what


def test_a_kind_checks_the_resource_id_when_the_reference_gives_its_form() -> None:
    assert arn_problem(
        "arn:aws:lambda:eu-west-1:111122223333:function:bad name", [LAMBDA_FUNCTION]
    ) == (
        "'arn:aws:lambda:eu-west-1:111122223333:function:bad name' is not a Lambda function "
        "ARN: use arn:aws:lambda:REGION:ACCOUNT:function:NAME, with :VERSION or :ALIAS if wanted"
    )
    assert arn_problem("arn:aws:automate:eu-west-1:ec2:hibernate", [EC2_ACTION]) == (
        "'arn:aws:automate:eu-west-1:ec2:hibernate' is not an EC2 action ARN: use "
        "arn:aws:automate:REGION:ec2:stop, terminate, reboot or recover"
    )


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        (
            # A Lambda function lives in a Region and an account.
            "arn:aws:lambda::111122223333:function:f",
            LAMBDA_FUNCTION,
            "is not a Lambda function ARN: use arn:aws:lambda:REGION:ACCOUNT:function:NAME, with "
            ":VERSION or :ALIAS if wanted",
        ),
        (
            # An IAM role has no Region.
            "arn:aws:iam:eu-west-1:111122223333:role/r",
            IAM_ROLE,
            "is not an IAM role ARN: use arn:aws:iam::ACCOUNT:role/NAME",
        ),
        (
            # A bucket ARN names no Region, no account and no key.
            "arn:aws:s3:eu-west-1:111122223333:bucket",
            S3_BUCKET,
            "is not an S3 bucket ARN: use arn:aws:s3:::BUCKET (no Region, no account, no key)",
        ),
        (
            "arn:aws:s3:::bucket/key",
            S3_BUCKET,
            "is not an S3 bucket ARN: use arn:aws:s3:::BUCKET (no Region, no account, no key)",
        ),
        (
            # CreateQueue: up to 80 letters, digits, - and _, .fifo at the end of a FIFO queue.
            "arn:aws:sqs:eu-west-1:111122223333:" + "q" * 81,
            SQS_QUEUE,
            "is not an SQS queue ARN: use arn:aws:sqs:REGION:ACCOUNT:NAME",
        ),
        (
            "arn:aws:kms:eu-west-1:111122223333:key/not-a-key-id",
            KMS_KEY,
            "is not a KMS key ARN: use arn:aws:kms:REGION:ACCOUNT:key/KEY-ID (a multi-Region "
            "key's id starts with mrk-)",
        ),
        (
            "arn:aws:iam::111122223333:oidc-provider/accounts.google.com",
            OIDC_PROVIDER,
            "is not an EKS OIDC provider ARN: use "
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID",
        ),
    ],
)
def test_a_kind_checks_where_the_arn_is(text: str, kind: ArnKind, message: str) -> None:
    assert arn_problem(text, [kind]) == f"{text!r} {message}"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("arn:aws:sqs:eu-west-1:111122223333:orders.fifo", SQS_QUEUE),
        ("arn:aws:sqs:eu-west-1:111122223333:" + "q" * 80, SQS_QUEUE),
        ("arn:aws:s3:::my.bucket-1", S3_BUCKET),
        ("arn:aws:kms:eu-west-1:111122223333:key/mrk-" + "0" * 32, KMS_KEY),
        (
            "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            KMS_KEY,
        ),
        (
            "arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/A1",
            OIDC_PROVIDER,
        ),
    ],
)
def test_arns_of_each_kind_that_pass(text: str, kind: ArnKind) -> None:
    assert arn_problem(text, [kind]) is None


def test_other_kind_says_what_an_arn_of_another_kind_is() -> None:
    assert other_kind("arn:aws:sns:eu-west-1:111122223333:t", [SQS_QUEUE]) == "an SNS topic"
    assert other_kind("arn:aws:sqs:eu-west-1:111122223333:t", [SQS_QUEUE]) is None
    assert other_kind("not an arn", [SQS_QUEUE]) is None


def test_several_kinds_are_offered_in_the_message() -> None:
    assert arn_problem("arn:aws:sqs:eu-west-1:111122223333:q", [SNS_TOPIC, LAMBDA_FUNCTION]) == (
        "'arn:aws:sqs:eu-west-1:111122223333:q' is an SQS queue ARN; expected an SNS topic "
        "(arn:aws:sns:REGION:ACCOUNT:NAME) or a Lambda function "
        "(arn:aws:lambda:REGION:ACCOUNT:function:NAME, with :VERSION or :ALIAS if wanted)"
    )


def test_kind_of() -> None:
    assert kind_of(
        "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:a", [SNS_TOPIC, CLOUDWATCH_ALARM]
    ) is (CLOUDWATCH_ALARM)
    assert kind_of("arn:aws:sqs:eu-west-1:111122223333:q", [SNS_TOPIC]) is None
    assert kind_of("not an arn", [SNS_TOPIC]) is None


# ----------------------------------------------------------------- placement


def test_another_partition_is_always_refused_when_the_place_is_known() -> None:
    text = "arn:aws-cn:sns:cn-north-1:111122223333:ops"
    assert arn_problem(text, [SNS_TOPIC]) is None
    assert arn_problem(text, [SNS_TOPIC], place=Place()) is None
    assert arn_problem(text, [SNS_TOPIC], place=HERE) == (
        f"{text!r} is in the partition aws-cn, this stack in aws: nothing in AWS reaches "
        "across partitions; use an ARN that starts arn:aws:"
    )


def test_region_and_account_are_checked_only_where_the_api_needs_them() -> None:
    text = "arn:aws:sns:us-east-1:999988887777:ops"
    assert arn_problem(text, [SNS_TOPIC], place=HERE) is None
    assert arn_problem(text, [SNS_TOPIC], place=HERE, same_region="the API says so") == (
        f"{text!r} is in the Region us-east-1; the API says so, so it must be in this stack's "
        "Region, eu-west-1"
    )
    assert arn_problem(text, [SNS_TOPIC], place=HERE, same_account="the API says so") == (
        f"{text!r} is in the account 999988887777; the API says so, so it must be in this "
        "stack's account, 111122223333"
    )


# ---------------------------------------------------- subscription destinations


@pytest.mark.parametrize(
    "text",
    [
        "arn:aws:lambda:eu-west-1:111122223333:function:shipper",
        "arn:aws:kinesis:eu-west-1:111122223333:stream/central",
        "arn:aws:kinesis:us-east-1:111122223333:stream/central",
        "arn:aws:firehose:eu-west-1:111122223333:deliverystream/archive",
        # A CloudWatch Logs destination is how logs reach another account.
        "arn:aws:logs:eu-west-1:999988887777:destination:central",
    ],
)
def test_subscription_destinations_that_deliver(text: str) -> None:
    assert subscription_destination_problem(text, HERE) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "arn:aws:lambda:us-east-1:111122223333:function:shipper",
            "'arn:aws:lambda:us-east-1:111122223333:function:shipper' is in the Region "
            "us-east-1; CloudWatch Logs invokes a subscription's Lambda function in the log "
            "group's Region, so it must be in this stack's Region, eu-west-1",
        ),
        (
            "arn:aws:lambda:eu-west-1:999988887777:function:shipper",
            "'arn:aws:lambda:eu-west-1:999988887777:function:shipper' is in the account "
            "999988887777; CloudWatch Logs delivers to a Lambda function, Kinesis or Firehose "
            "stream of the log group's own account (a CloudWatch Logs destination reaches other "
            "accounts), so it must be in this stack's account, 111122223333",
        ),
        (
            "arn:aws:kinesis:eu-west-1:999988887777:stream/central",
            "'arn:aws:kinesis:eu-west-1:999988887777:stream/central' is in the account "
            "999988887777; CloudWatch Logs delivers to a Lambda function, Kinesis or Firehose "
            "stream of the log group's own account (a CloudWatch Logs destination reaches other "
            "accounts), so it must be in this stack's account, 111122223333",
        ),
        (
            "arn:aws-cn:logs:cn-north-1:999988887777:destination:central",
            "'arn:aws-cn:logs:cn-north-1:999988887777:destination:central' is in the partition "
            "aws-cn, this stack in aws: nothing in AWS reaches across partitions; use an ARN that "
            "starts arn:aws:",
        ),
        (
            "arn:aws:sqs:eu-west-1:111122223333:q",
            "'arn:aws:sqs:eu-west-1:111122223333:q' is an SQS queue ARN; expected a Lambda "
            "function (arn:aws:lambda:REGION:ACCOUNT:function:NAME, with :VERSION or :ALIAS if "
            "wanted) or a Kinesis data stream (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME) or a "
            "Firehose delivery stream (arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME) or a "
            "CloudWatch Logs destination (arn:aws:logs:REGION:ACCOUNT:destination:NAME)",
        ),
    ],
)
def test_subscription_destinations_that_cannot(text: str, message: str) -> None:
    assert subscription_destination_problem(text, HERE) == message


def test_an_environment_agnostic_log_group_checks_the_kind_only() -> None:
    assert (
        subscription_destination_problem("arn:aws:lambda:us-east-1:999988887777:function:f") is None
    )


def test_arn_is_a_frozen_value() -> None:
    arn = parse_arn("arn:aws:sns:eu-west-1:111122223333:ops")
    assert arn == Arn("aws", "sns", "eu-west-1", "111122223333", "", "ops", arn.text)
    with pytest.raises(AttributeError):
        arn.service = "sqs"  # type: ignore[misc]


# ------------------------------------------------------------ what reads ARNs


@pytest.mark.parametrize(
    ("protocol", "endpoint", "message"),
    [
        (
            "sqs",
            "arn:aws:sns:eu-west-1:111122223333:alerts",
            "'arn:aws:sns:eu-west-1:111122223333:alerts' is not an SQS queue ARN "
            "(arn:aws:sqs:REGION:ACCOUNT:NAME); this is an SNS topic ARN",
        ),
        (
            "sqs",
            "arn:aws:sqs:eu-west-1:111122223333:bad name",
            "'arn:aws:sqs:eu-west-1:111122223333:bad name' is not an SQS queue ARN "
            "(arn:aws:sqs:REGION:ACCOUNT:NAME)",
        ),
        (
            "lambda",
            "arn:aws:lambda::111122223333:function:notify",
            "'arn:aws:lambda::111122223333:function:notify' is not a Lambda function ARN "
            "(arn:aws:lambda:REGION:ACCOUNT:function:NAME)",
        ),
    ],
)
def test_subscriber_arns_are_read_by_the_one_parser(
    protocol: str, endpoint: str, message: str
) -> None:
    assert check_subscriber(protocol, endpoint) == message


def test_subscriber_arns_that_pass() -> None:
    assert check_subscriber("sqs", "arn:aws:sqs:eu-west-1:111122223333:alerts.fifo") is None
    assert (
        check_subscriber("lambda", "arn:aws-cn:lambda:cn-north-1:111122223333:function:f") is None
    )
    # A reference made in the app (a token) is judged by CloudFormation, not here.
    assert check_subscriber("sqs", "${Token[TOKEN.12]}") is None
