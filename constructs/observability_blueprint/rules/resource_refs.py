"""Which AWS resource a blueprint names: a name or ARN, per monitored resource type.

Pure module: no aws_cdk import. A service in the blueprint lists the resources it
runs on under the data file's type keys (``lambda_function``, ``sqs_queue`` ...,
see :data:`~observability_blueprint.rules.recommended_alarms.RESOURCE_TYPES`), by
name or by ARN. :func:`identify` reads one such entry into a
:class:`ResourceIdentity`: the CloudWatch dimension values the type's alarms and
graphs use, and the Region and account the resource lives in. It refuses, with one
message naming the value and what is allowed, a value that is not a name or ARN of
the type: an ARN of a service the blueprint does not monitor, or of another
monitored type (a queue ARN under ``dynamodb_table``: the message names the key it
belongs under).

Sources: ARN formats, the Service Authorization Reference's resource types per
service (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
and the data file's ``arn_pattern``; name rules, botocore's ``service-2.json``
(pattern, min, max) and the documentation of the create call quoted beside each
rule; dimension names, the data file's alarms (a test keeps
:data:`RESOURCE_DIMENSIONS` equal to them).

Unresolved CDK values (``${Token[...]}``) are taken as they are: a token name is
the dimension value itself (the construct passes the attribute CloudWatch wants,
such as a load balancer's ``loadBalancerFullName`` or a state machine's
``stateMachineArn``), and an ARN whose parts are tokens is split without checking
those parts.

Typical use::

    identity = identify("sqs_queue", "arn:aws:sqs:eu-west-1:111122223333:orders")
    identity.dimensions  # {"QueueName": "orders"}
    region_problem(identity, stack_region="us-east-1", said_region=None)  # a message
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Final
from urllib.parse import quote

from observability_blueprint.rules.arns import (
    Arn,
    ArnError,
    describe,
    is_unresolved,
    parse_arn,
    shown,
)
from observability_blueprint.rules.recommended_alarms import RESOURCE_TYPES
from observability_blueprint.rules.regions import check_region, partition_of

RESOURCE_DIMENSIONS: Final[Mapping[str, tuple[str, ...]]] = {
    # Lambda Insights (namespace LambdaInsights) names the function function_name.
    "lambda_function": ("FunctionName", "function_name"),
    "api_gateway_rest_api": ("ApiName", "Stage"),
    "api_gateway_http_api": ("ApiId", "Stage"),
    "application_load_balancer": ("LoadBalancer",),
    "network_load_balancer": ("LoadBalancer",),
    "elb_target_group": ("TargetGroup", "LoadBalancer"),
    "dynamodb_table": ("TableName",),
    "sqs_queue": ("QueueName",),
    "sns_topic": ("TopicName",),
    "kinesis_stream": ("StreamName",),
    "step_functions_state_machine": ("StateMachineArn",),
    "ecs_service": ("ClusterName", "ServiceName"),
    "eks_cluster": ("ClusterName",),
    "rds_db_instance": ("DBInstanceIdentifier",),
    "rds_db_cluster": ("DBClusterIdentifier",),
    "autoscaling_group": ("AutoScalingGroupName",),
    "cloudfront_distribution": ("DistributionId", "Region"),
}
"""Per resource type, the CloudWatch dimensions :func:`identify` fills.

Alarms with more dimensions (a GSI, a route, a container) add theirs; Region-wide
alarms use none. A state machine named without its ARN lacks ``StateMachineArn``
until :func:`with_stack_arn` builds it."""

RESOURCE_LABELS: Final[Mapping[str, str]] = {
    "lambda_function": "a Lambda function",
    "api_gateway_rest_api": "an API Gateway REST API",
    "api_gateway_http_api": "an API Gateway HTTP API",
    "application_load_balancer": "an Application Load Balancer",
    "network_load_balancer": "a Network Load Balancer",
    "elb_target_group": "a load balancer target group",
    "dynamodb_table": "a DynamoDB table",
    "sqs_queue": "an SQS queue",
    "sns_topic": "an SNS topic",
    "kinesis_stream": "a Kinesis data stream",
    "step_functions_state_machine": "a Step Functions state machine",
    "ecs_service": "an ECS service",
    "eks_cluster": "an EKS cluster",
    "rds_db_instance": "an RDS DB instance",
    "rds_db_cluster": "an RDS DB cluster",
    "autoscaling_group": "an EC2 Auto Scaling group",
    "cloudfront_distribution": "a CloudFront distribution",
}
"""What each resource type is, with its article, for messages and headings."""

CLOUDFRONT_REGION: Final = "us-east-1"
"""Where CloudFront publishes its metrics (dimension ``Region=Global``): "CloudFront
metrics are available only in the US East (N. Virginia) Region",
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html"""
CLOUDFRONT_GLOBAL: Final = "Global"
"""The ``Region`` dimension value of CloudFront's distribution metrics."""
HTTP_API_DEFAULT_STAGE: Final = "$default"
"""The stage an HTTP API gets when none is named; its metrics carry ``Stage=$default``."""

# Options that only some types take.
_STAGE_TYPES: Final = ("api_gateway_rest_api", "api_gateway_http_api")
_OPTION_TYPES: Final[Mapping[str, tuple[str, ...]]] = {
    "stage": _STAGE_TYPES,
    "load_balancer": ("elb_target_group",),
    "cluster": ("ecs_service",),
}


class ResourceRefError(ValueError):
    """A name or ARN that is not one of the resource type's; ``str()`` is the message.

    The message names the value (cut to a readable length) and what is allowed; the
    caller adds the place (a config path or a construct path).
    """


@dataclass(frozen=True)
class ResourceIdentity:
    """One monitored resource: what CloudWatch's dimensions call it, and where it is.

    Parameters
    ----------
    resource_type
        The data file's key (``sqs_queue``).
    name
        A short, human name: the function or queue name, ``cluster/service`` for an
        ECS service, ``app/NAME/ID`` for a load balancer, the distribution id.
    dimensions
        The CloudWatch dimension values the type's alarms use, by dimension name
        (:data:`RESOURCE_DIMENSIONS`).
    region
        From the ARN (or queue URL), or the entry's ``region``; None: the stack's
        Region. Always ``us-east-1`` for a CloudFront distribution.
    account
        From the ARN (or queue URL); None: the stack's account.
    arn
        The ARN as given, else None.
    partition
        From the ARN; None when not given by ARN (the stack's partition).
    needs_stack_arn
        A state machine named without its ARN: ``StateMachineArn`` is missing from
        ``dimensions`` until :func:`with_stack_arn` builds it from the stack's
        partition, Region and account (the construct passes them, tokens allowed).
    """

    resource_type: str
    name: str
    dimensions: Mapping[str, str] = field(default_factory=dict)
    region: str | None = None
    account: str | None = None
    arn: str | None = None
    partition: str | None = None
    needs_stack_arn: bool = False


# --------------------------------------------------------------------- name rules

# CreateFunction FunctionName: "If you specify only the function name, it is limited
# to 64 characters in length"; the name part of botocore's pattern is [a-zA-Z0-9-_]+.
# https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
_LAMBDA_NAME: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
# CreateStage stageName: "Stage names can only contain alphanumeric characters,
# hyphens, and underscores. Maximum length is 128 characters."
# https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html
_STAGE: Final = re.compile(r"[A-Za-z0-9_-]{1,128}")
# An HTTP API's id, as API Gateway generates it: 10 lowercase letters and digits
# (CreateApi's ApiId, e.g. a1b2c3d4e5 in
# https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html).
_HTTP_API_ID: Final = re.compile(r"[a-z0-9]{10}")
# The dimension a REST API's metrics name it by: any text CloudWatch takes as a
# dimension value (botocore DimensionValue: 1 to 1024 characters).
_DIMENSION_VALUE_MAX: Final = 1024
# CreateLoadBalancer / CreateTargetGroup Name: "a maximum of 32 characters, must
# contain only alphanumeric characters or hyphens, must not begin or end with a
# hyphen" (and a load balancer's "must not begin with internal-"); the ARN suffix
# CloudWatch's LoadBalancer and TargetGroup dimensions take adds a 16-hex-digit id:
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
_ELB_NAME: Final = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?"
_LB_SUFFIX: Final = re.compile(rf"(app|net)/({_ELB_NAME})/([0-9a-f]{{16}})")
_TG_SUFFIX: Final = re.compile(rf"targetgroup/({_ELB_NAME})/([0-9a-f]{{16}})")
_SUFFIX_SHAPE: Final = re.compile(r"(app|net|gwy|targetgroup)/[^/]*/[^/]*")
# botocore dynamodb TableName: [a-zA-Z0-9_.-]+, 3 to 255.
_TABLE_NAME: Final = re.compile(r"[A-Za-z0-9_.-]{3,255}")
# CreateQueue QueueName: "up to 80 characters ... alphanumeric characters, hyphens
# (-), and underscores (_). A FIFO queue name must end with the .fifo suffix."
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
_QUEUE_NAME: Final = re.compile(r"(?=.{1,80}$)[A-Za-z0-9_-]+(?:\.fifo)?", re.DOTALL)
# A queue URL (GetQueueUrl): https://sqs.REGION.amazonaws.com/ACCOUNT/NAME, and the
# legacy https://REGION.queue.amazonaws.com/ACCOUNT/NAME; .cn in China.
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html
_QUEUE_URL: Final = re.compile(
    r"https://(?:sqs\.([a-z0-9-]+)|([a-z0-9-]+)\.queue)\.amazonaws\.com(?:\.cn)?/"
    r"([0-9]{12})/([^/?#]+)"
)
# CreateTopic Name: "uppercase and lowercase ASCII letters, numbers, underscores, and
# hyphens, and must be between 1 and 256 characters long. For a FIFO ... .fifo suffix."
# https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
_TOPIC_NAME: Final = re.compile(r"(?=.{1,256}$)[A-Za-z0-9_-]+(?:\.fifo)?", re.DOTALL)
# botocore kinesis StreamName: [a-zA-Z0-9_.-]+, 1 to 128.
_STREAM_NAME: Final = re.compile(r"[A-Za-z0-9_.-]{1,128}")
# CreateStateMachine name: 1 to 80 characters, none of white space, < > { } [ ],
# ? *, " # % \ ^ | ~ ` $ & , ; : /, control characters.
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html
_STATE_MACHINE_NAME: Final = re.compile(
    r"[^\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f\ufffe\uffff]{1,80}"
)
# CreateCluster clusterName / CreateService serviceName: "Up to 255 letters (uppercase
# and lowercase), numbers, underscores, and hyphens are allowed."
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
_ECS_NAME: Final = re.compile(r"[A-Za-z0-9_-]{1,255}")
# botocore eks CreateCluster name: ^[0-9A-Za-z][A-Za-z0-9\-_]*, 1 to 100.
_EKS_NAME: Final = re.compile(r"[0-9A-Za-z][A-Za-z0-9_-]{0,99}")
# CreateDBInstance DBInstanceIdentifier / CreateDBCluster DBClusterIdentifier: "1 to
# 63 letters, numbers, or hyphens. First character must be a letter. Can't end with a
# hyphen or contain two consecutive hyphens." Stored as a lowercase string (so the
# dimension value is lowercase). https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
_RDS_ID: Final = re.compile(r"(?!.*--)[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# CreateAutoScalingGroup AutoScalingGroupName: 1 to 255, "any ASCII character 33 to
# 126 ... You cannot use a colon (:) in the name."
# https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html
_ASG_NAME: Final = re.compile(r"[!-9;-~]{1,255}")
_ASG_ARN_ID: Final = re.compile(r"([0-9a-f-]{36}):autoScalingGroupName/(.+)", re.DOTALL)
# CloudFront ids have no documented format (botocore: a plain string). AWS's own
# examples are E + 13 or 14 uppercase letters and digits (EDFDVBD6EXAMPLE,
# E1234ABCDEF567) and the CLI's get-distribution example is S11A16G5KZMEQD, so any
# 10 to 20 uppercase letters and digits pass; a domain name (d111.cloudfront.net)
# or a lowercase value does not.
_DISTRIBUTION_ID: Final = re.compile(r"[A-Z0-9]{10,20}")
_CLOUDFRONT_DOMAIN: Final = re.compile(r"[a-z0-9]+\.cloudfront\.net\.?", re.IGNORECASE)

_ALLOWED: Final[Mapping[str, str]] = {
    "lambda_function": "give a function name (1 to 64 letters, digits, '-' and '_') or "
    "its ARN arn:aws:lambda:REGION:ACCOUNT:function:NAME",
    "api_gateway_rest_api": "give the API's name (CloudWatch's ApiName dimension is the "
    "name, not the id) and its stage",
    "api_gateway_http_api": "give the API's id (10 lowercase letters and digits, such as "
    "a1b2c3d4e5) or its ARN arn:aws:apigateway:REGION::/apis/ID",
    "application_load_balancer": "give its ARN arn:aws:elasticloadbalancing:REGION:ACCOUNT:"
    "loadbalancer/app/NAME/ID or the suffix app/NAME/ID (ID: 16 hex digits)",
    "network_load_balancer": "give its ARN arn:aws:elasticloadbalancing:REGION:ACCOUNT:"
    "loadbalancer/net/NAME/ID or the suffix net/NAME/ID (ID: 16 hex digits)",
    "elb_target_group": "give its ARN arn:aws:elasticloadbalancing:REGION:ACCOUNT:"
    "targetgroup/NAME/ID or the suffix targetgroup/NAME/ID (ID: 16 hex digits)",
    "dynamodb_table": "give a table name (3 to 255 letters, digits, '_', '-' and '.') or "
    "its ARN arn:aws:dynamodb:REGION:ACCOUNT:table/NAME",
    "sqs_queue": "give a queue name (1 to 80 letters, digits, '-' and '_', ending .fifo "
    "for a FIFO queue), its ARN arn:aws:sqs:REGION:ACCOUNT:NAME or its URL "
    "https://sqs.REGION.amazonaws.com/ACCOUNT/NAME",
    "sns_topic": "give a topic name (1 to 256 letters, digits, '-' and '_', ending .fifo "
    "for a FIFO topic) or its ARN arn:aws:sns:REGION:ACCOUNT:NAME",
    "kinesis_stream": "give a stream name (1 to 128 letters, digits, '_', '-' and '.') or "
    "its ARN arn:aws:kinesis:REGION:ACCOUNT:stream/NAME",
    "step_functions_state_machine": "give a state machine name (1 to 80 characters, no "
    'white space, brackets, wildcards or " # % \\ ^ | ~ ` $ & , ; : /) or its ARN '
    "arn:aws:states:REGION:ACCOUNT:stateMachine:NAME",
    "ecs_service": "give CLUSTER/SERVICE, a service name with cluster, or its ARN "
    "arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE (names: 1 to 255 letters, "
    "digits, '-' and '_')",
    "eks_cluster": "give a cluster name (1 to 100 letters, digits, '-' and '_', starting "
    "with a letter or digit) or its ARN arn:aws:eks:REGION:ACCOUNT:cluster/NAME",
    "rds_db_instance": "give a DB instance identifier (1 to 63 letters, digits and "
    "hyphens, starting with a letter, no '--', not ending with '-') or its ARN "
    "arn:aws:rds:REGION:ACCOUNT:db:IDENTIFIER",
    "rds_db_cluster": "give a DB cluster identifier (1 to 63 letters, digits and "
    "hyphens, starting with a letter, no '--', not ending with '-') or its ARN "
    "arn:aws:rds:REGION:ACCOUNT:cluster:IDENTIFIER",
    "autoscaling_group": "give a group name (1 to 255 printable ASCII characters, no "
    "':' and no space) or its ARN arn:aws:autoscaling:REGION:ACCOUNT:autoScalingGroup:"
    "UUID:autoScalingGroupName/NAME",
    "cloudfront_distribution": "give a distribution id (uppercase letters and digits, "
    "such as E1234ABCDEF567) or its ARN arn:aws:cloudfront::ACCOUNT:distribution/ID",
}


def _refuse(resource_type: str, text: str, why: str | None = None) -> ResourceRefError:
    what = why or f"is not {RESOURCE_LABELS[resource_type]} name or ARN"
    return ResourceRefError(f"{shown(text)} {what}; {_ALLOWED[resource_type]}")


def _check(resource_type: str, value: str, pattern: re.Pattern[str], text: str) -> None:
    """Refuse ``text`` unless ``value`` (its name part) matches ``pattern``."""
    if is_unresolved(value) or pattern.fullmatch(value):
        return
    raise _refuse(resource_type, text)


# -------------------------------------------------------------- what an ARN is


def _arn_key(arn: Arn) -> tuple[str | None, str]:
    """Return the resource type ``arn`` is listed under (None: not monitored) and what it is."""
    service, kind, rest = arn.service, arn.resource_type, arn.resource_id
    if service == "lambda" and kind == "function":
        return "lambda_function", RESOURCE_LABELS["lambda_function"]
    if service == "apigateway":
        if rest.startswith("/restapis/"):
            return "api_gateway_rest_api", RESOURCE_LABELS["api_gateway_rest_api"]
        if rest.startswith("/apis/"):
            return "api_gateway_http_api", "an API Gateway HTTP or WebSocket API"
    if service == "elasticloadbalancing":
        if kind == "loadbalancer":
            prefix = rest.split("/", 1)[0]
            if prefix == "app":
                return "application_load_balancer", RESOURCE_LABELS["application_load_balancer"]
            if prefix == "net":
                return "network_load_balancer", RESOURCE_LABELS["network_load_balancer"]
            if prefix == "gwy":
                return None, "a Gateway Load Balancer"
            return None, "a Classic Load Balancer"
        if kind == "targetgroup":
            return "elb_target_group", RESOURCE_LABELS["elb_target_group"]
    if service == "dynamodb" and kind == "table":
        if "/" in rest:
            return None, "a DynamoDB index or stream"
        return "dynamodb_table", RESOURCE_LABELS["dynamodb_table"]
    if service == "sqs":
        return "sqs_queue", RESOURCE_LABELS["sqs_queue"]
    if service == "sns":
        if ":" in rest:
            return None, "an SNS subscription"
        return "sns_topic", RESOURCE_LABELS["sns_topic"]
    if service == "kinesis" and kind == "stream":
        if "/" in rest:
            return None, "a Kinesis stream consumer"
        return "kinesis_stream", RESOURCE_LABELS["kinesis_stream"]
    simple = {
        ("states", "stateMachine"): "step_functions_state_machine",
        ("ecs", "service"): "ecs_service",
        ("eks", "cluster"): "eks_cluster",
        ("rds", "db"): "rds_db_instance",
        ("rds", "cluster"): "rds_db_cluster",
        ("autoscaling", "autoScalingGroup"): "autoscaling_group",
        ("cloudfront", "distribution"): "cloudfront_distribution",
    }
    key = simple.get((service, kind))
    if key is not None:
        return key, RESOURCE_LABELS[key]
    return None, describe(arn)


def _wrong_key(resource_type: str, text: str, key: str | None, what: str) -> ResourceRefError:
    if key is not None:
        return ResourceRefError(
            f"{shown(text)} is {what} ARN: list it under {key}, not under {resource_type}"
        )
    return ResourceRefError(
        f"{shown(text)} is {what} ARN, which the blueprint does not monitor; under "
        f"{resource_type} {_ALLOWED[resource_type]} (the monitored types are "
        f"{', '.join(RESOURCE_TYPES)})"
    )


def _text_key(text: str) -> tuple[str | None, str]:
    """Which type a plain value (not an ARN) belongs to, when its shape says so."""
    prefix = text.split("/", 1)[0] if _SUFFIX_SHAPE.fullmatch(text) else ""
    if prefix == "app":
        return "application_load_balancer", RESOURCE_LABELS["application_load_balancer"]
    if prefix == "net":
        return "network_load_balancer", RESOURCE_LABELS["network_load_balancer"]
    if prefix == "targetgroup":
        return "elb_target_group", RESOURCE_LABELS["elb_target_group"]
    if prefix == "gwy":
        return None, "a Gateway Load Balancer"
    if _QUEUE_URL.match(text):
        return "sqs_queue", "an SQS queue URL"
    return None, ""


# ------------------------------------------------------------------ per type


@dataclass(frozen=True)
class _Read:
    """What a type's reader found: the name, the dimensions, where (when it says)."""

    name: str
    dimensions: dict[str, str]
    region: str | None = None
    account: str | None = None
    needs_stack_arn: bool = False


@dataclass(frozen=True)
class _Options:
    stage: str | None
    load_balancer: str | None
    cluster: str | None


_Reader = Callable[[str, Arn | None, _Options], _Read]


def _lambda(text: str, arn: Arn | None, options: _Options) -> _Read:
    name = text if arn is None else arn.resource_id
    if arn is not None and ":" in name:
        function, qualifier = name.split(":", 1)
        raise ResourceRefError(
            f"{shown(text)} names the version or alias {qualifier!r} of a Lambda function; "
            "its alarms watch the whole function (the FunctionName dimension): give "
            f"{function!r} or arn:...:function:{function} without the qualifier"
        )
    _check("lambda_function", name, _LAMBDA_NAME, text)
    return _Read(name, {"FunctionName": name, "function_name": name})


def _stage(resource_type: str, stage: str) -> str:
    if not (is_unresolved(stage) or _STAGE.fullmatch(stage) or stage == HTTP_API_DEFAULT_STAGE):
        raise ResourceRefError(
            f"the stage {shown(stage)} is not a stage name; use 1 to 128 letters, digits, "
            "'-' and '_'"
            + (f" or {HTTP_API_DEFAULT_STAGE}" if resource_type == "api_gateway_http_api" else "")
        )
    return stage


def _rest_api(text: str, arn: Arn | None, options: _Options) -> _Read:
    if arn is not None:
        raise ResourceRefError(
            f"{shown(text)} is a REST API's ARN, which holds its id, not its name; API "
            "Gateway publishes REST API metrics by name (the ApiName dimension): give the "
            "API's name and its stage"
        )
    if len(text) > _DIMENSION_VALUE_MAX or not text.strip():
        raise _refuse("api_gateway_rest_api", text, "is not a REST API name")
    if options.stage is None:
        raise ResourceRefError(
            f"the REST API {shown(text)} has no stage; a REST API publishes its metrics per "
            "stage (the Stage dimension) and nothing without one: add its stage, such as prod"
        )
    return _Read(text, {"ApiName": text, "Stage": _stage("api_gateway_rest_api", options.stage)})


def _http_api(text: str, arn: Arn | None, options: _Options) -> _Read:
    api_id, stage = text, options.stage
    if arn is not None:
        # /apis/ID or /apis/ID/stages/STAGE
        parts = arn.resource_id.split("/")
        if len(parts) == 3 or (len(parts) == 5 and parts[3] == "stages"):
            api_id = parts[2]
        else:
            raise _refuse("api_gateway_http_api", text)
        if len(parts) == 5:
            if stage is not None and stage != parts[4]:
                raise ResourceRefError(
                    f"{shown(text)} names the stage {parts[4]!r} and stage says {stage!r}; "
                    "give one of them"
                )
            stage = parts[4]
    _check("api_gateway_http_api", api_id, _HTTP_API_ID, text)
    stage = _stage("api_gateway_http_api", stage or HTTP_API_DEFAULT_STAGE)
    return _Read(api_id, {"ApiId": api_id, "Stage": stage})


def _lb_suffix(resource_type: str, text: str, arn: Arn | None) -> str:
    """The ARN suffix (``app/NAME/ID``) CloudWatch's LoadBalancer dimension takes."""
    suffix = text if arn is None else arn.resource_id
    if is_unresolved(suffix):
        return suffix
    found = _LB_SUFFIX.fullmatch(suffix)
    if found is None or found[2].startswith("internal-"):
        raise _refuse(resource_type, text)
    return suffix


def _load_balancer(resource_type: str) -> _Reader:
    def read(text: str, arn: Arn | None, options: _Options) -> _Read:
        suffix = _lb_suffix(resource_type, text, arn)
        return _Read(suffix, {"LoadBalancer": suffix})

    return read


def _target_group(text: str, arn: Arn | None, options: _Options) -> _Read:
    suffix = text if arn is None else arn.resource_id
    if arn is not None:
        suffix = f"targetgroup/{suffix}"
    _check("elb_target_group", suffix, _TG_SUFFIX, text)
    balancer = options.load_balancer
    if balancer is None:
        raise ResourceRefError(
            f"the target group {shown(text)} has no load_balancer; its metrics (healthy and "
            "unhealthy host counts among them) are published per target group and load "
            "balancer: add load_balancer, its ARN or suffix app/NAME/ID or net/NAME/ID"
        )
    balancer_arn = None
    if balancer.startswith("arn:"):
        try:
            balancer_arn = parse_arn(balancer)
        except ArnError as error:
            raise ResourceRefError(
                f"load_balancer {error}; give its ARN or suffix app/NAME/ID or net/NAME/ID"
            ) from None
        key, what = _arn_key(balancer_arn)
        if balancer_arn.known(balancer_arn.service) and key not in (
            "application_load_balancer",
            "network_load_balancer",
        ):
            raise ResourceRefError(
                f"load_balancer {shown(balancer)} is {what} ARN; give an Application or "
                "Network Load Balancer's ARN or suffix app/NAME/ID or net/NAME/ID"
            )
    try:
        lb = _lb_suffix("application_load_balancer", balancer, balancer_arn)
    except ResourceRefError:
        raise ResourceRefError(
            f"load_balancer {shown(balancer)} is not a load balancer's ARN or suffix; give "
            "arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID or the suffix "
            "app/NAME/ID or net/NAME/ID (ID: 16 hex digits)"
        ) from None
    return _Read(suffix, {"TargetGroup": suffix, "LoadBalancer": lb})


def _named(resource_type: str, dimension: str, pattern: re.Pattern[str]) -> _Reader:
    """A type whose ARN ends in its name: table/NAME, stream/NAME, cluster/NAME, NAME."""

    def read(text: str, arn: Arn | None, options: _Options) -> _Read:
        name = text if arn is None else arn.resource_id
        _check(resource_type, name, pattern, text)
        return _Read(name, {dimension: name})

    return read


def _queue(text: str, arn: Arn | None, options: _Options) -> _Read:
    url = _QUEUE_URL.fullmatch(text)
    if url is not None:
        name = url[4]
        _check("sqs_queue", name, _QUEUE_NAME, text)
        return _Read(name, {"QueueName": name}, region=url[1] or url[2], account=url[3])
    if text.startswith("https://"):
        raise _refuse("sqs_queue", text, "is not a queue URL")
    return _named("sqs_queue", "QueueName", _QUEUE_NAME)(text, arn, options)


def _state_machine(text: str, arn: Arn | None, options: _Options) -> _Read:
    if arn is None:
        if is_unresolved(text):  # the construct passes the state machine's ARN
            return _Read(text, {"StateMachineArn": text})
        _check("step_functions_state_machine", text, _STATE_MACHINE_NAME, text)
        return _Read(text, {}, needs_stack_arn=True)
    name = arn.resource_id
    if ":" in name:
        machine, qualifier = name.split(":", 1)
        raise ResourceRefError(
            f"{shown(text)} names the version or alias {qualifier!r} of a state machine; "
            "its alarms watch the state machine: give arn:...:stateMachine:"
            f"{machine} without the qualifier"
        )
    _check("step_functions_state_machine", name, _STATE_MACHINE_NAME, text)
    return _Read(name, {"StateMachineArn": text})


def _ecs_service(text: str, arn: Arn | None, options: _Options) -> _Read:
    path = text if arn is None else arn.resource_id
    parts = path.split("/")
    cluster = options.cluster
    if len(parts) == 2:
        if cluster is not None and cluster != parts[0]:
            raise ResourceRefError(
                f"{shown(text)} is in the cluster {parts[0]!r} and cluster says {cluster!r}; "
                "give one of them"
            )
        cluster, service = parts
    elif len(parts) == 1:
        service = parts[0]
        if cluster is None:
            old = " (an ARN of the old format, service/NAME, has none)" if arn else ""
            raise ResourceRefError(
                f"{shown(text)} names no cluster{old}; ECS publishes service metrics per "
                "cluster and service: give CLUSTER/SERVICE, add cluster, or give the ARN "
                "arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE"
            )
    else:
        raise _refuse("ecs_service", text)
    for part in (cluster, service):
        _check("ecs_service", part, _ECS_NAME, text)
    return _Read(f"{cluster}/{service}", {"ClusterName": cluster, "ServiceName": service})


def _rds(resource_type: str, dimension: str) -> _Reader:
    def read(text: str, arn: Arn | None, options: _Options) -> _Read:
        name = text if arn is None else arn.resource_id
        _check(resource_type, name, _RDS_ID, text)
        # RDS stores identifiers in lowercase; CloudWatch's dimension holds that.
        name = name if is_unresolved(name) else name.lower()
        return _Read(name, {dimension: name})

    return read


def _autoscaling_group(text: str, arn: Arn | None, options: _Options) -> _Read:
    name = text
    if arn is not None:
        found = _ASG_ARN_ID.fullmatch(arn.resource_id)
        if found is None and arn.known(arn.resource_id):
            raise _refuse("autoscaling_group", text)
        name = found[2] if found is not None else arn.resource_id
    _check("autoscaling_group", name, _ASG_NAME, text)
    return _Read(name, {"AutoScalingGroupName": name})


def _distribution(text: str, arn: Arn | None, options: _Options) -> _Read:
    distribution = text if arn is None else arn.resource_id
    if arn is None and _CLOUDFRONT_DOMAIN.fullmatch(text):
        raise _refuse(
            "cloudfront_distribution", text, "is a distribution's domain name, not its id"
        )
    _check("cloudfront_distribution", distribution, _DISTRIBUTION_ID, text)
    return _Read(
        distribution,
        {"DistributionId": distribution, "Region": CLOUDFRONT_GLOBAL},
        region=CLOUDFRONT_REGION,
    )


_READERS: Final[Mapping[str, _Reader]] = {
    "lambda_function": _lambda,
    "api_gateway_rest_api": _rest_api,
    "api_gateway_http_api": _http_api,
    "application_load_balancer": _load_balancer("application_load_balancer"),
    "network_load_balancer": _load_balancer("network_load_balancer"),
    "elb_target_group": _target_group,
    "dynamodb_table": _named("dynamodb_table", "TableName", _TABLE_NAME),
    "sqs_queue": _queue,
    "sns_topic": _named("sns_topic", "TopicName", _TOPIC_NAME),
    "kinesis_stream": _named("kinesis_stream", "StreamName", _STREAM_NAME),
    "step_functions_state_machine": _state_machine,
    "ecs_service": _ecs_service,
    "eks_cluster": _named("eks_cluster", "ClusterName", _EKS_NAME),
    "rds_db_instance": _rds("rds_db_instance", "DBInstanceIdentifier"),
    "rds_db_cluster": _rds("rds_db_cluster", "DBClusterIdentifier"),
    "autoscaling_group": _autoscaling_group,
    "cloudfront_distribution": _distribution,
}


def _known(value: str | None) -> str | None:
    """``value`` when it is given and resolved, else None."""
    return value if value and not is_unresolved(value) else None


def identify(
    resource_type: str,
    text: str,
    *,
    stage: str | None = None,
    load_balancer: str | None = None,
    cluster: str | None = None,
    region: str | None = None,
) -> ResourceIdentity:
    """Read one resource entry: a name or ARN of ``resource_type``.

    Parameters
    ----------
    resource_type
        The data file's key the entry is listed under (``sqs_queue``).
    text
        The resource's name or ARN (an SQS queue also by URL; a load balancer or
        target group by ARN or ARN suffix; an ECS service as ``CLUSTER/SERVICE``).
    stage
        API Gateway only: the stage. Required for a REST API; an HTTP API's default
        is ``$default``.
    load_balancer
        Target groups only, and required: the load balancer's ARN or suffix (host
        counts are published per target group and load balancer).
    cluster
        ECS services only: the cluster, when ``text`` is a service name alone.
    region
        The entry's ``region``: where the resource is when its ARN does not say
        (None: the stack's Region). A CloudFront distribution is always in
        ``us-east-1``.

    Raises
    ------
    ResourceRefError
        When ``text`` is not a name or ARN of ``resource_type``: the message names
        the value and what is allowed, and for an ARN of another monitored type the
        key it belongs under.
    """
    if resource_type not in _READERS:
        raise ResourceRefError(
            f"{shown(resource_type)} is not a monitored resource type; use one of "
            + ", ".join(RESOURCE_TYPES)
        )
    options = _Options(stage=stage, load_balancer=load_balancer, cluster=cluster)
    for option, types in _OPTION_TYPES.items():
        if getattr(options, option) is not None and resource_type not in types:
            raise ResourceRefError(
                f"{option} is set on {RESOURCE_LABELS[resource_type]}, which has none; "
                f"{option} applies only to {' and '.join(types)}"
            )
    if region is not None and not is_unresolved(region) and (message := check_region(region)):
        raise ResourceRefError(f"region {message}")
    if not text.strip():
        raise _refuse(resource_type, text, f"is not {RESOURCE_LABELS[resource_type]}")
    arn: Arn | None = None
    if text.startswith("arn:"):
        try:
            arn = parse_arn(text)
        except ArnError as error:
            raise ResourceRefError(f"{error}; {_ALLOWED[resource_type]}") from None
        if arn.known(arn.service) and arn.known(arn.resource_type):
            key, what = _arn_key(arn)
            if key != resource_type:
                raise _wrong_key(resource_type, text, key, what)
    elif not is_unresolved(text):
        key, what = _text_key(text)
        if what and key is None:
            raise ResourceRefError(
                f"{shown(text)} is {what}, which the blueprint does not monitor; "
                f"{_ALLOWED[resource_type]}"
            )
        if key is not None and key != resource_type:
            raise ResourceRefError(
                f"{shown(text)} is {what}: list it under {key}, not under {resource_type}"
            )
    read = _READERS[resource_type](text, arn, options)
    where = read.region or (_known(arn.region) if arn is not None else None)
    if where is None:
        where = _known(region)
    elif region is not None and _known(region) and region != where:
        if resource_type == "cloudfront_distribution":
            raise ResourceRefError(
                f"region {shown(region)} is set on a CloudFront distribution; its metrics "
                f"exist only in {CLOUDFRONT_REGION}: leave region out or set {CLOUDFRONT_REGION}"
            )
        raise ResourceRefError(
            f"{shown(text)} is in the Region {where} and region says {region}; give one "
            "Region (the ARN's)"
        )
    account = read.account or (_known(arn.account) if arn is not None else None)
    partition = _known(arn.partition) if arn is not None else None
    return ResourceIdentity(
        resource_type=resource_type,
        name=read.name,
        dimensions=read.dimensions,
        region=where,
        account=account,
        arn=text if arn is not None else None,
        partition=partition,
        needs_stack_arn=read.needs_stack_arn,
    )


def with_stack_arn(
    identity: ResourceIdentity, *, partition: str, region: str, account: str
) -> ResourceIdentity:
    """Return ``identity`` with the ARN built from the stack's values, where it needs one.

    A state machine named without its ARN (``needs_stack_arn``) gets
    ``arn:PARTITION:states:REGION:ACCOUNT:stateMachine:NAME`` as its ARN and its
    ``StateMachineArn`` dimension; the entry's own Region, when it said one, wins
    over ``region``. The values may be CDK tokens (``Aws.PARTITION`` ...). Any
    other identity is returned as it is.
    """
    if not identity.needs_stack_arn:
        return identity
    where = identity.region or region
    arn = f"arn:{partition}:states:{where}:{account}:stateMachine:{identity.name}"
    return replace(
        identity,
        dimensions={**identity.dimensions, "StateMachineArn": arn},
        arn=arn,
        needs_stack_arn=False,
    )


# ------------------------------------------------------------ Region and links


def region_problem(
    identity: ResourceIdentity, *, stack_region: str | None, said_region: str | None
) -> str | None:
    """Say why ``identity``'s alarms cannot live in a stack in ``stack_region``; None if they can.

    CloudWatch alarms watch only metrics of their own Region (the cross-Region
    ability is for dashboards, not alarms:
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Cross-Account-Cross-Region.html),
    so a resource whose ARN names another Region than the stack's must be listed
    with ``region: <its Region>`` (``said_region``): the blueprint then places
    its alarms in a stack in that Region, whose health alarm notifies through the
    home Region. A CloudFront distribution's metrics exist only in ``us-east-1``,
    so one listed in a stack elsewhere needs ``region: us-east-1``. Nothing is
    said when the stack's Region or the resource's is unknown (an
    environment-agnostic stack, a name, a token).
    """
    where = identity.region
    stack = _known(stack_region)
    if where is None or stack is None or where == stack or said_region == where:
        return None
    shown_name = shown(identity.arn or identity.name)
    if identity.resource_type == "cloudfront_distribution":
        return (
            f"the CloudFront distribution {shown_name} publishes its metrics only in "
            f"{CLOUDFRONT_REGION} and this stack is in {stack}; CloudWatch alarms only watch "
            f"metrics of their own Region: say region: {CLOUDFRONT_REGION} (its alarms then go "
            f"to a stack in {CLOUDFRONT_REGION} that notifies through {stack})"
        )
    return (
        f"{shown_name} is in the Region {where} and this stack in {stack}; CloudWatch alarms "
        f"only watch metrics of their own Region: say region: {where} (its alarms then go to "
        f"a stack in {where} that notifies through {stack}), or list it in a blueprint homed "
        f"in {where}"
    )


# Console hosts per partition; the aws partition's consoles answer on a Region's own
# host (https://REGION.console.aws.amazon.com), as the consoles themselves redirect to.
_CONSOLE_HOSTS: Final[Mapping[str, str]] = {
    "aws": "console.aws.amazon.com",
    "aws-cn": "console.amazonaws.cn",
    "aws-us-gov": "console.amazonaws-us-gov.com",
}


def _q(text: str) -> str:
    """``text`` escaped for a console address; a token is left whole (it resolves later)."""
    return text if is_unresolved(text) else quote(text, safe="")


def _queue_url(identity: ResourceIdentity, region: str) -> str | None:
    if identity.account is None:
        return None
    suffix = ".cn" if partition_of(region) == "aws-cn" else ""
    return f"https://sqs.{region}.amazonaws.com{suffix}/{identity.account}/{identity.name}"


def _console_path(identity: ResourceIdentity, r: str) -> str:
    """The console page of ``identity`` in Region ``r``, as a path on the console host."""
    d, name, arn = identity.dimensions, identity.name, identity.arn
    match identity.resource_type:
        case "lambda_function":
            return f"/lambda/home?region={r}#/functions/{_q(name)}"
        case "api_gateway_rest_api":
            # The console addresses a REST API by id, which its name does not give.
            return f"/apigateway/main/apis?region={r}"
        case "api_gateway_http_api":
            return f"/apigateway/main/api-detail?api={_q(name)}&region={r}"
        case "application_load_balancer" | "network_load_balancer":
            if arn:
                return f"/ec2/home?region={r}#LoadBalancer:loadBalancerArn={arn}"
            return f"/ec2/home?region={r}#LoadBalancers:search={_q(name.split('/')[1])}"
        case "elb_target_group":
            if arn:
                return f"/ec2/home?region={r}#TargetGroup:targetGroupArn={arn}"
            return f"/ec2/home?region={r}#TargetGroups:search={_q(name.split('/')[1])}"
        case "dynamodb_table":
            return f"/dynamodbv2/home?region={r}#table?name={_q(name)}"
        case "sqs_queue":
            url = _queue_url(identity, r)
            return f"/sqs/v3/home?region={r}#/queues" + (f"/{_q(url)}" if url else "")
        case "sns_topic":
            return f"/sns/v3/home?region={r}#/" + (f"topic/{arn}" if arn else "topics")
        case "kinesis_stream":
            return f"/kinesis/home?region={r}#/streams/details/{_q(name)}/monitoring"
        case "step_functions_state_machine":
            target = d.get("StateMachineArn")
            if target:
                return f"/states/home?region={r}#/statemachines/view/{_q(target)}"
            return f"/states/home?region={r}#/statemachines"
        case "ecs_service":
            cluster, service = _q(d["ClusterName"]), _q(d["ServiceName"])
            return f"/ecs/v2/clusters/{cluster}/services/{service}/health?region={r}"
        case "eks_cluster":
            return f"/eks/home?region={r}#/clusters/{_q(name)}"
        case "rds_db_instance":
            return f"/rds/home?region={r}#database:id={_q(name)};is-cluster=false"
        case "rds_db_cluster":
            return f"/rds/home?region={r}#database:id={_q(name)};is-cluster=true"
        case "autoscaling_group":
            return f"/ec2/home?region={r}#AutoScalingGroupDetails:id={_q(name)};view=details"
        case "cloudfront_distribution":
            return f"/cloudfront/v4/home?region={r}#/distributions/{_q(name)}"
    raise ValueError(f"{identity.resource_type!r} is not a monitored resource type")


def console_url(identity: ResourceIdentity, *, region: str) -> str:
    """Return the address of the resource's page in the AWS console.

    Parameters
    ----------
    identity
        The resource; its own Region (from its ARN or entry, always ``us-east-1``
        for CloudFront) wins over ``region``, since a console shows one Region.
    region
        The Region of the stack whose dashboard links to it; "" or a token when
        unknown at synthesis.

    A partition without a public console (the ISO partitions) or an unknown Region
    gives a path on the console's own host (``/lambda/home#/functions/NAME``), which
    a CloudWatch dashboard opens in the console's current Region. The routes after
    the host are the consoles' own addresses, not documented interfaces; a
    resource the console addresses by something the entry does not give (a REST
    API's id, a queue's account) opens the service's list of resources.
    """
    where = identity.region or _known(region)
    partition = identity.partition or (partition_of(where) if where else None)
    host = _CONSOLE_HOSTS.get(partition or "")
    if where is None or host is None:
        path = _console_path(identity, "")
        return re.sub(r"[?&]region=(?=#|$)", "", path)
    if partition == "aws":
        host = f"{where}.{host}"
    return f"https://{host}{_console_path(identity, where)}"


def log_group_names(identity: ResourceIdentity) -> tuple[str, ...]:
    """Return the log groups AWS writes for the resource, where a convention names them.

    A Lambda function logs to ``/aws/lambda/NAME`` unless its logging config names
    another group (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html);
    an EKS cluster's control-plane logs, when turned on, go to
    ``/aws/eks/NAME/cluster`` (https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html).
    Other types log where their owner chooses (an ECS task definition, API
    Gateway access logs, a state machine's logging config) or to a group named by
    what the entry does not give (a REST API's execution logs use its id): empty.
    """
    match identity.resource_type:
        case "lambda_function":
            return (f"/aws/lambda/{identity.name}",)
        case "eks_cluster":
            return (f"/aws/eks/{identity.name}/cluster",)
    return ()
