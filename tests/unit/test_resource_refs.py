"""Which AWS resource a blueprint names: names and ARNs per monitored type.

Expected forms come from the ARN formats of the Service Authorization Reference,
the name rules of each service's create call (botocore's service-2.json and the
API references) and the CloudWatch dimensions each service's metrics page lists.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from observability_blueprint.rules.recommended_alarms import RESOURCE_TYPES, alarms_for
from observability_blueprint.rules.resource_refs import (
    RESOURCE_DIMENSIONS,
    RESOURCE_LABELS,
    ResourceIdentity,
    ResourceRefError,
    console_url,
    identify,
    log_group_names,
    region_problem,
    with_stack_arn,
)

ACCOUNT = "111122223333"
LB_ID = "50dc6c495c0c9188"
TG_ID = "73e2d6bc24d8a067"
ASG_UUID = "12345678-90ab-cdef-1234-567890abcdef"
TOKEN = "${Token[TOKEN.123]}"


def quoted(text: str) -> str:
    """``text`` as messages echo it: quoted, cut to 120 characters."""
    return repr(text if len(text) <= 120 else text[:117] + "...")


def refused(resource_type: str, text: str, **options: str) -> str:
    with pytest.raises(ResourceRefError) as caught:
        identify(resource_type, text, **options)
    return str(caught.value)


# ------------------------------------------------------------- the tables


def test_every_monitored_type_has_dimensions_and_a_label() -> None:
    assert set(RESOURCE_DIMENSIONS) == set(RESOURCE_TYPES)
    assert set(RESOURCE_LABELS) == set(RESOURCE_TYPES)


# Dimensions a resource-scope alarm adds beyond the resource's own: DynamoDB's
# Kinesis streaming destination metrics carry the delegated operation.
EXTRA_DIMENSIONS = {"DelegatedOperation"}


@pytest.mark.parametrize("resource_type", RESOURCE_TYPES)
def test_dimensions_are_those_the_data_files_alarms_use(resource_type: str) -> None:
    used: set[str] = set()
    for alarm in alarms_for(resource_type):
        if alarm.scope != "resource":
            continue
        own = set(alarm.dimensions) - set(alarm.dimension_values) - EXTRA_DIMENSIONS
        assert own <= set(RESOURCE_DIMENSIONS[resource_type]), alarm.id
        used |= set(alarm.dimensions)
    assert set(RESOURCE_DIMENSIONS[resource_type]) <= used


# ------------------------------------------------------ each type by name and ARN


IdentifyCase = tuple[str, str, dict[str, str], str, dict[str, str], str | None, str | None]
IDENTIFY_CASES: list[IdentifyCase] = [
    (
        "lambda_function",
        "notify",
        {},
        "notify",
        {"FunctionName": "notify", "function_name": "notify"},
        None,
        None,
    ),
    (
        "lambda_function",
        f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:notify",
        {},
        "notify",
        {"FunctionName": "notify", "function_name": "notify"},
        "eu-west-1",
        ACCOUNT,
    ),
    (
        "api_gateway_rest_api",
        "Shop API",
        {"stage": "prod"},
        "Shop API",
        {"ApiName": "Shop API", "Stage": "prod"},
        None,
        None,
    ),
    (
        "api_gateway_http_api",
        "a1b2c3d4e5",
        {},
        "a1b2c3d4e5",
        {"ApiId": "a1b2c3d4e5", "Stage": "$default"},
        None,
        None,
    ),
    (
        "api_gateway_http_api",
        "arn:aws:apigateway:eu-west-1::/apis/a1b2c3d4e5",
        {"stage": "live"},
        "a1b2c3d4e5",
        {"ApiId": "a1b2c3d4e5", "Stage": "live"},
        "eu-west-1",
        None,
    ),
    (
        "api_gateway_http_api",
        "arn:aws:apigateway:eu-west-1::/apis/a1b2c3d4e5/stages/live",
        {},
        "a1b2c3d4e5",
        {"ApiId": "a1b2c3d4e5", "Stage": "live"},
        "eu-west-1",
        None,
    ),
    (
        "application_load_balancer",
        f"app/web/{LB_ID}",
        {},
        f"app/web/{LB_ID}",
        {"LoadBalancer": f"app/web/{LB_ID}"},
        None,
        None,
    ),
    (
        "application_load_balancer",
        f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/app/web/{LB_ID}",
        {},
        f"app/web/{LB_ID}",
        {"LoadBalancer": f"app/web/{LB_ID}"},
        "eu-west-1",
        ACCOUNT,
    ),
    (
        "network_load_balancer",
        f"net/edge-1/{LB_ID}",
        {},
        f"net/edge-1/{LB_ID}",
        {"LoadBalancer": f"net/edge-1/{LB_ID}"},
        None,
        None,
    ),
    (
        "network_load_balancer",
        f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/net/edge-1/{LB_ID}",
        {},
        f"net/edge-1/{LB_ID}",
        {"LoadBalancer": f"net/edge-1/{LB_ID}"},
        "eu-west-1",
        ACCOUNT,
    ),
    (
        "elb_target_group",
        f"targetgroup/web/{TG_ID}",
        {"load_balancer": f"app/web/{LB_ID}"},
        f"targetgroup/web/{TG_ID}",
        {"TargetGroup": f"targetgroup/web/{TG_ID}", "LoadBalancer": f"app/web/{LB_ID}"},
        None,
        None,
    ),
    (
        "elb_target_group",
        f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:targetgroup/web/{TG_ID}",
        {
            "load_balancer": f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:"
            f"loadbalancer/net/edge/{LB_ID}"
        },
        f"targetgroup/web/{TG_ID}",
        {"TargetGroup": f"targetgroup/web/{TG_ID}", "LoadBalancer": f"net/edge/{LB_ID}"},
        "eu-west-1",
        ACCOUNT,
    ),
    ("dynamodb_table", "orders.v2", {}, "orders.v2", {"TableName": "orders.v2"}, None, None),
    (
        "dynamodb_table",
        f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/orders",
        {},
        "orders",
        {"TableName": "orders"},
        "eu-west-1",
        ACCOUNT,
    ),
    ("sqs_queue", "jobs.fifo", {}, "jobs.fifo", {"QueueName": "jobs.fifo"}, None, None),
    (
        "sqs_queue",
        f"arn:aws:sqs:eu-west-1:{ACCOUNT}:jobs",
        {},
        "jobs",
        {"QueueName": "jobs"},
        "eu-west-1",
        ACCOUNT,
    ),
    (
        "sqs_queue",
        f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/jobs",
        {},
        "jobs",
        {"QueueName": "jobs"},
        "eu-west-1",
        ACCOUNT,
    ),
    (
        "sqs_queue",
        f"https://sqs.cn-north-1.amazonaws.com.cn/{ACCOUNT}/jobs",
        {},
        "jobs",
        {"QueueName": "jobs"},
        "cn-north-1",
        ACCOUNT,
    ),
    ("sns_topic", "alerts", {}, "alerts", {"TopicName": "alerts"}, None, None),
    (
        "sns_topic",
        f"arn:aws:sns:eu-west-1:{ACCOUNT}:alerts.fifo",
        {},
        "alerts.fifo",
        {"TopicName": "alerts.fifo"},
        "eu-west-1",
        ACCOUNT,
    ),
    ("kinesis_stream", "clicks", {}, "clicks", {"StreamName": "clicks"}, None, None),
    (
        "kinesis_stream",
        f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/clicks",
        {},
        "clicks",
        {"StreamName": "clicks"},
        "eu-west-1",
        ACCOUNT,
    ),
    (
        "step_functions_state_machine",
        f"arn:aws:states:eu-west-1:{ACCOUNT}:stateMachine:checkout",
        {},
        "checkout",
        {"StateMachineArn": f"arn:aws:states:eu-west-1:{ACCOUNT}:stateMachine:checkout"},
        "eu-west-1",
        ACCOUNT,
    ),
    (
        "ecs_service",
        "prod/web",
        {},
        "prod/web",
        {"ClusterName": "prod", "ServiceName": "web"},
        None,
        None,
    ),
    (
        "ecs_service",
        "web",
        {"cluster": "prod"},
        "prod/web",
        {"ClusterName": "prod", "ServiceName": "web"},
        None,
        None,
    ),
    (
        "ecs_service",
        f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/prod/web",
        {},
        "prod/web",
        {"ClusterName": "prod", "ServiceName": "web"},
        "eu-west-1",
        ACCOUNT,
    ),
    (
        "ecs_service",
        f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/web",
        {"cluster": "prod"},
        "prod/web",
        {"ClusterName": "prod", "ServiceName": "web"},
        "eu-west-1",
        ACCOUNT,
    ),
    ("eks_cluster", "main", {}, "main", {"ClusterName": "main"}, None, None),
    (
        "eks_cluster",
        f"arn:aws:eks:eu-west-1:{ACCOUNT}:cluster/main",
        {},
        "main",
        {"ClusterName": "main"},
        "eu-west-1",
        ACCOUNT,
    ),
    (
        "rds_db_instance",
        "orders-db",
        {},
        "orders-db",
        {"DBInstanceIdentifier": "orders-db"},
        None,
        None,
    ),
    # RDS stores identifiers in lowercase, so its metrics carry them so.
    (
        "rds_db_instance",
        "Orders-DB",
        {},
        "orders-db",
        {"DBInstanceIdentifier": "orders-db"},
        None,
        None,
    ),
    (
        "rds_db_instance",
        f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:orders-db",
        {},
        "orders-db",
        {"DBInstanceIdentifier": "orders-db"},
        "eu-west-1",
        ACCOUNT,
    ),
    (
        "rds_db_cluster",
        "orders",
        {},
        "orders",
        {"DBClusterIdentifier": "orders"},
        None,
        None,
    ),
    (
        "rds_db_cluster",
        f"arn:aws:rds:eu-west-1:{ACCOUNT}:cluster:orders",
        {},
        "orders",
        {"DBClusterIdentifier": "orders"},
        "eu-west-1",
        ACCOUNT,
    ),
    (
        "autoscaling_group",
        "web-asg.v2",
        {},
        "web-asg.v2",
        {"AutoScalingGroupName": "web-asg.v2"},
        None,
        None,
    ),
    (
        "autoscaling_group",
        f"arn:aws:autoscaling:eu-west-1:{ACCOUNT}:autoScalingGroup:{ASG_UUID}:"
        "autoScalingGroupName/web-asg",
        {},
        "web-asg",
        {"AutoScalingGroupName": "web-asg"},
        "eu-west-1",
        ACCOUNT,
    ),
    (
        "cloudfront_distribution",
        "E1234ABCDEF567",
        {},
        "E1234ABCDEF567",
        {"DistributionId": "E1234ABCDEF567", "Region": "Global"},
        "us-east-1",
        None,
    ),
    (
        "cloudfront_distribution",
        f"arn:aws:cloudfront::{ACCOUNT}:distribution/EDFDVBD6EXAMPLE",
        {},
        "EDFDVBD6EXAMPLE",
        {"DistributionId": "EDFDVBD6EXAMPLE", "Region": "Global"},
        "us-east-1",
        ACCOUNT,
    ),
]


@pytest.mark.parametrize(
    ("resource_type", "text", "options", "name", "dimensions", "region", "account"),
    IDENTIFY_CASES,
)
def test_identify_reads_names_and_arns(
    resource_type: str,
    text: str,
    options: dict[str, str],
    name: str,
    dimensions: Mapping[str, str],
    region: str | None,
    account: str | None,
) -> None:
    identity = identify(resource_type, text, **options)

    assert identity.resource_type == resource_type
    assert identity.name == name
    assert dict(identity.dimensions) == dimensions
    assert identity.region == region
    assert identity.account == account
    assert identity.arn == (text if text.startswith("arn:") else None)
    assert identity.needs_stack_arn is False


def test_every_type_is_covered_by_name_and_by_arn_above() -> None:
    covered = {(case[0], case[1].startswith("arn:")) for case in IDENTIFY_CASES}
    by_name = {t for t, is_arn in covered if not is_arn}
    by_arn = {t for t, is_arn in covered if is_arn}
    assert by_name == set(RESOURCE_TYPES) - {"step_functions_state_machine"}
    assert by_arn == set(RESOURCE_TYPES) - {"api_gateway_rest_api"}


def test_arn_partition_is_kept() -> None:
    identity = identify("lambda_function", f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:f")
    assert identity.partition == "aws-cn"
    assert identify("lambda_function", "f").partition is None


def test_entry_region_applies_to_a_name() -> None:
    identity = identify("sqs_queue", "jobs", region="us-west-2")
    assert identity.region == "us-west-2"


def test_cloudfront_takes_us_east_1_as_its_region() -> None:
    identity = identify("cloudfront_distribution", "E1234ABCDEF567", region="us-east-1")
    assert identity.region == "us-east-1"


# --------------------------------------------------------------- state machines


def test_state_machine_by_name_needs_the_stacks_arn() -> None:
    identity = identify("step_functions_state_machine", "checkout")

    assert identity.name == "checkout"
    assert identity.needs_stack_arn is True
    assert "StateMachineArn" not in identity.dimensions

    built = with_stack_arn(identity, partition="aws", region="eu-west-1", account=ACCOUNT)
    arn = f"arn:aws:states:eu-west-1:{ACCOUNT}:stateMachine:checkout"
    assert dict(built.dimensions) == {"StateMachineArn": arn}
    assert built.arn == arn
    assert built.needs_stack_arn is False


def test_state_machine_arn_uses_the_entrys_region_over_the_stacks() -> None:
    identity = identify("step_functions_state_machine", "checkout", region="us-west-2")
    built = with_stack_arn(identity, partition="aws", region="eu-west-1", account=ACCOUNT)
    assert built.dimensions["StateMachineArn"] == (
        f"arn:aws:states:us-west-2:{ACCOUNT}:stateMachine:checkout"
    )


def test_with_stack_arn_takes_tokens() -> None:
    identity = identify("step_functions_state_machine", "checkout")
    built = with_stack_arn(
        identity,
        partition="${Token[AWS.Partition.1]}",
        region="${Token[AWS.Region.2]}",
        account="${Token[AWS.AccountId.3]}",
    )
    assert built.dimensions["StateMachineArn"] == (
        "arn:${Token[AWS.Partition.1]}:states:${Token[AWS.Region.2]}:"
        "${Token[AWS.AccountId.3]}:stateMachine:checkout"
    )


def test_with_stack_arn_leaves_other_identities_alone() -> None:
    identity = identify("sqs_queue", "jobs")
    assert with_stack_arn(identity, partition="aws", region="eu-west-1", account=ACCOUNT) is (
        identity
    )


# ------------------------------------------------------------------- tokens


@pytest.mark.parametrize(
    ("resource_type", "options", "dimensions"),
    [
        ("lambda_function", {}, {"FunctionName": TOKEN, "function_name": TOKEN}),
        ("api_gateway_rest_api", {"stage": TOKEN}, {"ApiName": TOKEN, "Stage": TOKEN}),
        ("api_gateway_http_api", {}, {"ApiId": TOKEN, "Stage": "$default"}),
        ("application_load_balancer", {}, {"LoadBalancer": TOKEN}),
        ("network_load_balancer", {}, {"LoadBalancer": TOKEN}),
        (
            "elb_target_group",
            {"load_balancer": TOKEN},
            {"TargetGroup": TOKEN, "LoadBalancer": TOKEN},
        ),
        ("dynamodb_table", {}, {"TableName": TOKEN}),
        ("sqs_queue", {}, {"QueueName": TOKEN}),
        ("sns_topic", {}, {"TopicName": TOKEN}),
        ("kinesis_stream", {}, {"StreamName": TOKEN}),
        ("step_functions_state_machine", {}, {"StateMachineArn": TOKEN}),
        ("ecs_service", {"cluster": TOKEN}, {"ClusterName": TOKEN, "ServiceName": TOKEN}),
        ("eks_cluster", {}, {"ClusterName": TOKEN}),
        ("rds_db_instance", {}, {"DBInstanceIdentifier": TOKEN}),
        ("rds_db_cluster", {}, {"DBClusterIdentifier": TOKEN}),
        ("autoscaling_group", {}, {"AutoScalingGroupName": TOKEN}),
        ("cloudfront_distribution", {}, {"DistributionId": TOKEN, "Region": "Global"}),
    ],
)
def test_tokens_pass_as_they_are(
    resource_type: str, options: dict[str, str], dimensions: Mapping[str, str]
) -> None:
    identity = identify(resource_type, TOKEN, **options)
    assert dict(identity.dimensions) == dimensions


def test_an_arn_made_of_tokens_is_split_without_checking_them() -> None:
    text = "arn:${Token[AWS.Partition.3]}:sqs:${Token[AWS.Region.4]}:${Token[AWS.AccountId.5]}:jobs"
    identity = identify("sqs_queue", text)
    assert identity.name == "jobs"
    assert identity.region is None
    assert identity.account is None
    assert identity.partition is None


def test_concatenated_tokens_split_for_ecs() -> None:
    identity = identify("ecs_service", "${Token[A.1]}/${Token[B.2]}")
    assert dict(identity.dimensions) == {
        "ClusterName": "${Token[A.1]}",
        "ServiceName": "${Token[B.2]}",
    }


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("resource_type", "text", "allowed"),
    [
        ("lambda_function", "my function", "1 to 64 letters, digits, '-' and '_'"),
        ("lambda_function", "f" * 65, "1 to 64 letters"),
        ("api_gateway_http_api", "My-Api", "10 lowercase letters and digits"),
        ("application_load_balancer", "app/web/123", "ID: 16 hex digits"),
        ("application_load_balancer", "web", "the suffix app/NAME/ID"),
        ("application_load_balancer", f"app/-web/{LB_ID}", "the suffix app/NAME/ID"),
        ("application_load_balancer", f"app/internal-web/{LB_ID}", "the suffix app/NAME/ID"),
        ("network_load_balancer", f"net/{'n' * 33}/{LB_ID}", "net/NAME/ID"),
        ("dynamodb_table", "ab", "3 to 255 letters, digits, '_', '-' and '.'"),
        ("sqs_queue", "jobs.fifo.fifo", "1 to 80 letters, digits, '-' and '_'"),
        ("sqs_queue", "q" * 81, "1 to 80"),
        ("sns_topic", "alerts!", "1 to 256 letters, digits, '-' and '_'"),
        ("kinesis_stream", "click stream", "1 to 128 letters, digits, '_', '-' and '.'"),
        ("step_functions_state_machine", "check out", "no white space"),
        ("step_functions_state_machine", "a/b", "no white space"),
        ("ecs_service", "prod/web/extra", "CLUSTER/SERVICE"),
        ("ecs_service", "prod/web.v2", "1 to 255 letters, digits, '-' and '_'"),
        ("eks_cluster", "-main", "starting with a letter or digit"),
        ("rds_db_instance", "1db", "starting with a letter"),
        ("rds_db_instance", "orders--db", "no '--'"),
        ("rds_db_instance", "orders-", "not ending with '-'"),
        ("rds_db_cluster", "o" * 64, "1 to 63 letters, digits and hyphens"),
        ("autoscaling_group", "web:asg", "no ':'"),
        ("autoscaling_group", "web asg", "no space"),
        ("cloudfront_distribution", "e1234abcdef567", "uppercase letters and digits"),
    ],
)
def test_bad_names_are_refused_with_the_value_and_what_is_allowed(
    resource_type: str, text: str, allowed: str
) -> None:
    message = refused(resource_type, text)
    assert quoted(text) in message
    assert f"is not {RESOURCE_LABELS[resource_type]} name or ARN" in message
    assert allowed in message


def test_a_long_value_is_cut() -> None:
    message = refused("lambda_function", "x" * 5000)
    assert "x" * 117 + "..." in message
    assert "x" * 121 not in message


def test_an_empty_value_is_refused() -> None:
    message = refused("sqs_queue", "")
    assert "'' is not an SQS queue" in message
    assert "give a queue name" in message


def test_a_qualified_lambda_arn_is_refused() -> None:
    text = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:notify:live"
    message = refused("lambda_function", text)
    assert repr(text) in message
    assert "version or alias 'live'" in message
    assert "alarms watch the whole function" in message
    assert "give 'notify'" in message


def test_a_qualified_state_machine_arn_is_refused() -> None:
    text = f"arn:aws:states:eu-west-1:{ACCOUNT}:stateMachine:checkout:prod"
    message = refused("step_functions_state_machine", text)
    assert "version or alias 'prod'" in message
    assert "stateMachine:checkout without the qualifier" in message


def test_a_rest_api_needs_a_stage() -> None:
    message = refused("api_gateway_rest_api", "shop")
    assert "the REST API 'shop' has no stage" in message
    assert "add its stage" in message


def test_a_rest_api_arn_is_refused_asking_for_the_name() -> None:
    text = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5"
    message = refused("api_gateway_rest_api", text, stage="prod")
    assert repr(text) in message
    assert "holds its id, not its name" in message
    assert "ApiName" in message
    assert "give the API's name and its stage" in message


def test_a_bad_stage_is_refused() -> None:
    message = refused("api_gateway_rest_api", "shop", stage="my stage")
    assert "the stage 'my stage' is not a stage name" in message
    assert "1 to 128 letters, digits, '-' and '_'" in message


def test_an_http_api_arn_and_stage_that_disagree_are_refused() -> None:
    text = "arn:aws:apigateway:eu-west-1::/apis/a1b2c3d4e5/stages/live"
    message = refused("api_gateway_http_api", text, stage="test")
    assert "names the stage 'live' and stage says 'test'" in message


def test_a_target_group_needs_its_load_balancer() -> None:
    message = refused("elb_target_group", f"targetgroup/web/{TG_ID}")
    assert f"'targetgroup/web/{TG_ID}' has no load_balancer" in message
    assert "app/NAME/ID or net/NAME/ID" in message


def test_a_target_groups_load_balancer_must_be_one() -> None:
    message = refused("elb_target_group", f"targetgroup/web/{TG_ID}", load_balancer="web")
    assert "load_balancer 'web' is not a load balancer's ARN or suffix" in message
    text = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:jobs"
    message = refused("elb_target_group", f"targetgroup/web/{TG_ID}", load_balancer=text)
    assert f"load_balancer {text!r} is an SQS queue ARN" in message


def test_an_ecs_service_without_cluster_is_refused() -> None:
    message = refused("ecs_service", "web")
    assert "'web' names no cluster" in message
    assert "give CLUSTER/SERVICE, add cluster" in message


def test_an_old_format_ecs_arn_is_refused_without_cluster() -> None:
    text = f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/web"
    message = refused("ecs_service", text)
    assert repr(text) in message
    assert "old format" in message
    assert "add cluster" in message


def test_an_ecs_cluster_that_disagrees_is_refused() -> None:
    message = refused("ecs_service", "prod/web", cluster="test")
    assert "is in the cluster 'prod' and cluster says 'test'" in message


def test_a_cloudfront_domain_name_is_refused() -> None:
    message = refused("cloudfront_distribution", "d111111abcdef8.cloudfront.net")
    assert "is a distribution's domain name, not its id" in message
    assert "such as E1234ABCDEF567" in message


def test_cloudfront_refuses_another_region() -> None:
    message = refused("cloudfront_distribution", "E1234ABCDEF567", region="eu-west-1")
    assert "region 'eu-west-1'" in message
    assert "only in us-east-1" in message


def test_a_region_that_contradicts_the_arn_is_refused() -> None:
    text = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:jobs"
    message = refused("sqs_queue", text, region="us-east-1")
    assert "is in the Region eu-west-1 and region says us-east-1" in message


def test_an_unknown_region_is_refused() -> None:
    message = refused("sqs_queue", "jobs", region="eu-west-9")
    assert "'eu-west-9' is not an AWS Region" in message


def test_an_option_on_the_wrong_type_is_refused() -> None:
    message = refused("lambda_function", "notify", stage="prod")
    assert "stage is set on a Lambda function" in message
    assert "applies only to api_gateway_rest_api and api_gateway_http_api" in message
    message = refused("sqs_queue", "jobs", cluster="prod")
    assert "cluster applies only to ecs_service" in message
    message = refused("sqs_queue", "jobs", load_balancer=f"app/web/{LB_ID}")
    assert "load_balancer applies only to elb_target_group" in message


def test_an_unknown_type_is_refused() -> None:
    with pytest.raises(ResourceRefError, match=r"'s3_bucket' is not a monitored resource type; "):
        identify("s3_bucket", "logs")


def test_a_malformed_arn_is_refused() -> None:
    message = refused("sqs_queue", "arn:aws:sqs:eu-west-1")
    assert "'arn:aws:sqs:eu-west-1' has 4 of the 6 colon-separated parts" in message
    assert "give a queue name" in message


def test_a_bad_queue_url_is_refused() -> None:
    message = refused("sqs_queue", "https://example.com/jobs")
    assert "'https://example.com/jobs' is not a queue URL" in message
    assert "https://sqs.REGION.amazonaws.com/ACCOUNT/NAME" in message


# --------------------------------------------------------- wrong key for ARNs


@pytest.mark.parametrize(
    ("listed_under", "text", "belongs_under", "what"),
    [
        ("dynamodb_table", f"arn:aws:sqs:eu-west-1:{ACCOUNT}:jobs", "sqs_queue", "an SQS queue"),
        (
            "sqs_queue",
            f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/orders",
            "dynamodb_table",
            "a DynamoDB table",
        ),
        (
            "sns_topic",
            f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:f",
            "lambda_function",
            "a Lambda function",
        ),
        (
            "network_load_balancer",
            f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/app/web/{LB_ID}",
            "application_load_balancer",
            "an Application Load Balancer",
        ),
        (
            "application_load_balancer",
            f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/net/web/{LB_ID}",
            "network_load_balancer",
            "a Network Load Balancer",
        ),
        (
            "application_load_balancer",
            f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:targetgroup/web/{TG_ID}",
            "elb_target_group",
            "a load balancer target group",
        ),
        (
            "api_gateway_rest_api",
            "arn:aws:apigateway:eu-west-1::/apis/a1b2c3d4e5",
            "api_gateway_http_api",
            "an API Gateway HTTP or WebSocket API",
        ),
        (
            "api_gateway_http_api",
            "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5",
            "api_gateway_rest_api",
            "an API Gateway REST API",
        ),
        (
            "rds_db_instance",
            f"arn:aws:rds:eu-west-1:{ACCOUNT}:cluster:orders",
            "rds_db_cluster",
            "an RDS DB cluster",
        ),
        (
            "rds_db_cluster",
            f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:orders",
            "rds_db_instance",
            "an RDS DB instance",
        ),
        (
            "kinesis_stream",
            f"arn:aws:states:eu-west-1:{ACCOUNT}:stateMachine:checkout",
            "step_functions_state_machine",
            "a Step Functions state machine",
        ),
        (
            "eks_cluster",
            f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/prod/web",
            "ecs_service",
            "an ECS service",
        ),
        (
            "ecs_service",
            f"arn:aws:eks:eu-west-1:{ACCOUNT}:cluster/main",
            "eks_cluster",
            "an EKS cluster",
        ),
        (
            "lambda_function",
            f"arn:aws:autoscaling:eu-west-1:{ACCOUNT}:autoScalingGroup:{ASG_UUID}:"
            "autoScalingGroupName/web",
            "autoscaling_group",
            "an EC2 Auto Scaling group",
        ),
        (
            "sns_topic",
            f"arn:aws:cloudfront::{ACCOUNT}:distribution/E1234ABCDEF567",
            "cloudfront_distribution",
            "a CloudFront distribution",
        ),
        (
            "dynamodb_table",
            f"arn:aws:sns:eu-west-1:{ACCOUNT}:alerts",
            "sns_topic",
            "an SNS topic",
        ),
        (
            "sqs_queue",
            f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/clicks",
            "kinesis_stream",
            "a Kinesis data stream",
        ),
    ],
)
def test_an_arn_of_another_type_names_its_key(
    listed_under: str, text: str, belongs_under: str, what: str
) -> None:
    message = refused(listed_under, text)
    assert message == (
        f"{quoted(text)} is {what} ARN: list it under {belongs_under}, not under {listed_under}"
    )


@pytest.mark.parametrize(
    ("listed_under", "text", "belongs_under", "what"),
    [
        (
            "network_load_balancer",
            f"app/web/{LB_ID}",
            "application_load_balancer",
            "an Application Load Balancer",
        ),
        (
            "application_load_balancer",
            f"net/web/{LB_ID}",
            "network_load_balancer",
            "a Network Load Balancer",
        ),
        (
            "application_load_balancer",
            f"targetgroup/web/{TG_ID}",
            "elb_target_group",
            "a load balancer target group",
        ),
        (
            "dynamodb_table",
            f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/jobs",
            "sqs_queue",
            "an SQS queue URL",
        ),
    ],
)
def test_a_suffix_or_url_of_another_type_names_its_key(
    listed_under: str, text: str, belongs_under: str, what: str
) -> None:
    message = refused(listed_under, text)
    assert message == f"{text!r} is {what}: list it under {belongs_under}, not under {listed_under}"


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("arn:aws:s3:::logs-bucket", "an S3 bucket or object"),
        (f"arn:aws:elasticache:eu-west-1:{ACCOUNT}:cluster:cache", "an elasticache cluster"),
        (
            f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/orders/index/by-date",
            "a DynamoDB index or stream",
        ),
        (
            f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/clicks/consumer/app:1",
            "a Kinesis stream consumer",
        ),
        (
            f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/web",
            "a Classic Load Balancer",
        ),
        (
            f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/gwy/web/{LB_ID}",
            "a Gateway Load Balancer",
        ),
        (
            f"arn:aws:sns:eu-west-1:{ACCOUNT}:alerts:6a5b4c3d-1234-5678-9abc-def012345678",
            "an SNS subscription",
        ),
    ],
)
def test_an_unmonitored_arn_names_the_supported_keys(text: str, what: str) -> None:
    message = refused("dynamodb_table", text)
    assert message.startswith(f"{text!r} is {what} ARN, which the blueprint does not monitor; ")
    assert "under dynamodb_table give a table name" in message
    assert "the monitored types are lambda_function, api_gateway_rest_api" in message
    assert "cloudfront_distribution)" in message


def test_a_gateway_load_balancer_suffix_is_not_monitored() -> None:
    message = refused("application_load_balancer", f"gwy/web/{LB_ID}")
    assert (
        f"'gwy/web/{LB_ID}' is a Gateway Load Balancer, which the blueprint does not monitor"
        in (message)
    )


# ------------------------------------------------------------------ Regions


def queue(region: str) -> ResourceIdentity:
    return identify("sqs_queue", f"arn:aws:sqs:{region}:{ACCOUNT}:jobs")


def test_a_resource_in_another_region_must_say_so() -> None:
    message = region_problem(queue("eu-west-1"), stack_region="us-east-1", said_region=None)
    assert message == (
        f"'arn:aws:sqs:eu-west-1:{ACCOUNT}:jobs' is in the Region eu-west-1 and this stack in "
        "us-east-1; CloudWatch alarms only watch metrics of their own Region: say region: "
        "eu-west-1 (its alarms then go to a stack in eu-west-1 that notifies through "
        "us-east-1), or list it in a blueprint homed in eu-west-1"
    )


@pytest.mark.parametrize(
    ("identity", "stack_region", "said_region"),
    [
        (queue("eu-west-1"), "eu-west-1", None),  # same Region
        (queue("eu-west-1"), "us-east-1", "eu-west-1"),  # said
        (queue("eu-west-1"), None, None),  # environment-agnostic stack
        (queue("eu-west-1"), "${Token[AWS.Region.1]}", None),
        (identify("sqs_queue", "jobs"), "us-east-1", None),  # a name: the stack's Region
    ],
)
def test_no_region_problem(
    identity: ResourceIdentity, stack_region: str | None, said_region: str | None
) -> None:
    assert region_problem(identity, stack_region=stack_region, said_region=said_region) is None


def test_a_cloudfront_distribution_outside_us_east_1_must_say_so() -> None:
    identity = identify("cloudfront_distribution", "E1234ABCDEF567")
    message = region_problem(identity, stack_region="eu-west-1", said_region=None)
    assert message is not None
    assert "'E1234ABCDEF567' publishes its metrics only in us-east-1" in message
    assert "this stack is in eu-west-1" in message
    assert "CloudWatch alarms only watch metrics of their own Region" in message
    assert "say region: us-east-1 (its alarms then go to a stack in us-east-1" in message
    assert "that notifies through eu-west-1)" in message
    assert region_problem(identity, stack_region="eu-west-1", said_region="us-east-1") is None
    assert region_problem(identity, stack_region="us-east-1", said_region=None) is None


# ------------------------------------------------------------- console links


CONSOLE_CASES: list[tuple[str, str, dict[str, str], str]] = [
    (
        "lambda_function",
        "notify",
        {},
        "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/notify",
    ),
    (
        "api_gateway_rest_api",
        "Shop API",
        {"stage": "prod"},
        "https://eu-west-1.console.aws.amazon.com/apigateway/main/apis?region=eu-west-1",
    ),
    (
        "api_gateway_http_api",
        "a1b2c3d4e5",
        {},
        "https://eu-west-1.console.aws.amazon.com/apigateway/main/api-detail"
        "?api=a1b2c3d4e5&region=eu-west-1",
    ),
    (
        "application_load_balancer",
        f"app/web/{LB_ID}",
        {},
        "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"
        "#LoadBalancers:search=web",
    ),
    (
        "network_load_balancer",
        f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/net/edge/{LB_ID}",
        {},
        "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"
        f"#LoadBalancer:loadBalancerArn=arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:"
        f"loadbalancer/net/edge/{LB_ID}",
    ),
    (
        "elb_target_group",
        f"targetgroup/web/{TG_ID}",
        {"load_balancer": f"app/web/{LB_ID}"},
        "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"
        "#TargetGroups:search=web",
    ),
    (
        "dynamodb_table",
        "orders",
        {},
        "https://eu-west-1.console.aws.amazon.com/dynamodbv2/home?region=eu-west-1"
        "#table?name=orders",
    ),
    (
        "sqs_queue",
        f"arn:aws:sqs:eu-west-1:{ACCOUNT}:jobs",
        {},
        "https://eu-west-1.console.aws.amazon.com/sqs/v3/home?region=eu-west-1#/queues/"
        f"https%3A%2F%2Fsqs.eu-west-1.amazonaws.com%2F{ACCOUNT}%2Fjobs",
    ),
    (
        "sqs_queue",
        "jobs",
        {},
        "https://eu-west-1.console.aws.amazon.com/sqs/v3/home?region=eu-west-1#/queues",
    ),
    (
        "sns_topic",
        f"arn:aws:sns:eu-west-1:{ACCOUNT}:alerts",
        {},
        "https://eu-west-1.console.aws.amazon.com/sns/v3/home?region=eu-west-1"
        f"#/topic/arn:aws:sns:eu-west-1:{ACCOUNT}:alerts",
    ),
    (
        "sns_topic",
        "alerts",
        {},
        "https://eu-west-1.console.aws.amazon.com/sns/v3/home?region=eu-west-1#/topics",
    ),
    (
        "kinesis_stream",
        "clicks",
        {},
        "https://eu-west-1.console.aws.amazon.com/kinesis/home?region=eu-west-1"
        "#/streams/details/clicks/monitoring",
    ),
    (
        "step_functions_state_machine",
        f"arn:aws:states:eu-west-1:{ACCOUNT}:stateMachine:checkout",
        {},
        "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1"
        f"#/statemachines/view/arn%3Aaws%3Astates%3Aeu-west-1%3A{ACCOUNT}"
        "%3AstateMachine%3Acheckout",
    ),
    (
        "step_functions_state_machine",
        "checkout",
        {},
        "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/statemachines",
    ),
    (
        "ecs_service",
        "prod/web",
        {},
        "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/health"
        "?region=eu-west-1",
    ),
    (
        "eks_cluster",
        "main",
        {},
        "https://eu-west-1.console.aws.amazon.com/eks/home?region=eu-west-1#/clusters/main",
    ),
    (
        "rds_db_instance",
        "orders-db",
        {},
        "https://eu-west-1.console.aws.amazon.com/rds/home?region=eu-west-1"
        "#database:id=orders-db;is-cluster=false",
    ),
    (
        "rds_db_cluster",
        "orders",
        {},
        "https://eu-west-1.console.aws.amazon.com/rds/home?region=eu-west-1"
        "#database:id=orders;is-cluster=true",
    ),
    (
        "autoscaling_group",
        "web-asg",
        {},
        "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"
        "#AutoScalingGroupDetails:id=web-asg;view=details",
    ),
    (
        "cloudfront_distribution",
        "E1234ABCDEF567",
        {},
        "https://us-east-1.console.aws.amazon.com/cloudfront/v4/home?region=us-east-1"
        "#/distributions/E1234ABCDEF567",
    ),
]


@pytest.mark.parametrize(("resource_type", "text", "options", "url"), CONSOLE_CASES)
def test_console_url(resource_type: str, text: str, options: dict[str, str], url: str) -> None:
    identity = identify(resource_type, text, **options)
    assert console_url(identity, region="eu-west-1") == url


def test_console_url_covers_every_type() -> None:
    covered = {case[0] for case in CONSOLE_CASES}
    assert covered == set(RESOURCE_TYPES)


def test_console_url_opens_the_resources_own_region() -> None:
    identity = identify("lambda_function", f"arn:aws:lambda:us-west-2:{ACCOUNT}:function:f")
    assert console_url(identity, region="eu-west-1") == (
        "https://us-west-2.console.aws.amazon.com/lambda/home?region=us-west-2#/functions/f"
    )


@pytest.mark.parametrize(
    ("region", "url"),
    [
        ("cn-north-1", "https://console.amazonaws.cn/lambda/home?region=cn-north-1#/functions/f"),
        (
            "us-gov-west-1",
            "https://console.amazonaws-us-gov.com/lambda/home?region=us-gov-west-1#/functions/f",
        ),
        # No public console: a path on the console host, in its current Region.
        ("us-iso-east-1", "/lambda/home#/functions/f"),
        ("", "/lambda/home#/functions/f"),
        ("${Token[AWS.Region.1]}", "/lambda/home#/functions/f"),
    ],
)
def test_console_url_per_partition(region: str, url: str) -> None:
    assert console_url(identify("lambda_function", "f"), region=region) == url


def test_console_url_of_a_china_queue_uses_its_url() -> None:
    identity = identify("sqs_queue", f"arn:aws-cn:sqs:cn-north-1:{ACCOUNT}:jobs")
    assert console_url(identity, region="cn-north-1") == (
        "https://console.amazonaws.cn/sqs/v3/home?region=cn-north-1#/queues/"
        f"https%3A%2F%2Fsqs.cn-north-1.amazonaws.com.cn%2F{ACCOUNT}%2Fjobs"
    )


def test_console_url_escapes_names_but_keeps_tokens() -> None:
    asg = identify("autoscaling_group", "web#1")
    assert console_url(asg, region="eu-west-1").endswith(
        "#AutoScalingGroupDetails:id=web%231;view=details"
    )
    token = identify("lambda_function", TOKEN)
    assert console_url(token, region="eu-west-1").endswith(f"#/functions/{TOKEN}")


def test_relative_console_paths_keep_their_other_parameters() -> None:
    identity = identify("api_gateway_http_api", "a1b2c3d4e5")
    assert console_url(identity, region="") == "/apigateway/main/api-detail?api=a1b2c3d4e5"


# ----------------------------------------------------------------- log groups


def test_log_group_names() -> None:
    assert log_group_names(identify("lambda_function", "notify")) == ("/aws/lambda/notify",)
    assert log_group_names(identify("eks_cluster", "main")) == ("/aws/eks/main/cluster",)
    assert log_group_names(identify("sqs_queue", "jobs")) == ()
    assert log_group_names(identify("api_gateway_rest_api", "shop", stage="prod")) == ()
