"""Deleting the deployed examples keeps what the files retain and removes the rest.

Both examples are deployed into a fresh moto (this folder's conftest.py),
then every stack is deleted through moto's CloudFormation, which honours
``DeletionPolicy``. No AWS account is contacted: moto intercepts every call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest

pytestmark = pytest.mark.integration

# The one log group a file marks `removal_policy: destroy` (examples/full.yaml).
DESTROYED_LOG_GROUPS = {"/payments/prod/data-protection-audit"}


def _log_groups() -> dict[str, int | None]:
    logs = boto3.client("logs", region_name="eu-west-1")
    return {
        group["logGroupName"]: group.get("retentionInDays")
        for page in logs.get_paginator("describe_log_groups").paginate()
        for group in page["logGroups"]
    }


def test_deleting_the_stacks_keeps_logs_keys_queues_and_buckets(
    moto_deploy: Callable[..., Any],
) -> None:
    deployment = moto_deploy()
    groups = _log_groups()
    assert set(groups) > DESTROYED_LOG_GROUPS
    retained = [
        (stack.region, resource_type, physical_id)
        for stack in deployment.stacks
        for resource_type in ("AWS::KMS::Key", "AWS::SQS::Queue", "AWS::S3::Bucket")
        for physical_id in stack.physical_ids(resource_type).values()
    ]
    assert sorted({(region, kind) for region, kind, _ in retained}) == [
        ("eu-west-1", "AWS::KMS::Key"),
        ("eu-west-1", "AWS::S3::Bucket"),
        ("eu-west-1", "AWS::SQS::Queue"),
        ("us-east-1", "AWS::SQS::Queue"),
    ]

    for stack in deployment.stacks:
        cloudformation = boto3.client("cloudformation", region_name=stack.region)
        cloudformation.delete_stack(StackName=stack.name)
        statuses = {
            s["StackName"]: s["StackStatus"] for s in cloudformation.list_stacks()["StackSummaries"]
        }
        assert statuses[stack.name] == "DELETE_COMPLETE"

    # Log groups outlive the stack with their retention, unless the file said destroy.
    assert _log_groups() == {
        name: days for name, days in groups.items() if name not in DESTROYED_LOG_GROUPS
    }
    # So do the keys that encrypt them, the dead-letter queues and the trail's buckets.
    for region, resource_type, physical_id in retained:
        if resource_type == "AWS::KMS::Key":
            keys = boto3.client("kms", region_name=region).list_keys()["Keys"]
            assert physical_id in {k["KeyId"] for k in keys}
        elif resource_type == "AWS::SQS::Queue":
            sqs = boto3.client("sqs", region_name=region)
            sqs.get_queue_url(QueueName=physical_id.rsplit("/", 1)[-1])
        else:
            boto3.client("s3", region_name=region).head_bucket(Bucket=physical_id)
    # Topics, rules and the agents' parameters go with their stacks.
    for region in ("eu-west-1", "us-east-1"):
        topics = boto3.client("sns", region_name=region).list_topics()["Topics"]
        assert {t["TopicArn"].rsplit(":", 1)[1] for t in topics} <= {"payments-status-page"}
        assert boto3.client("events", region_name=region).list_rules()["Rules"] == []
        parameters = boto3.client("ssm", region_name=region).describe_parameters()
        assert [p["Name"] for p in parameters["Parameters"]] == ["/cdk-bootstrap/hnb659fds/version"]
