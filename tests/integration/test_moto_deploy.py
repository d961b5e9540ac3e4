"""Deploy synthesized log groups into moto's CloudFormation and read them back with boto3.

No AWS account is contacted: moto intercepts every call, credentials are fake.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from aws_cdk import DefaultStackSynthesizer, RemovalPolicy, Stack
from moto import mock_aws

from observability_blueprint import ManagedLogGroup, MetricFilterSpec
from support import new_app

pytestmark = pytest.mark.integration
REGION = "eu-west-1"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    app = new_app()
    # moto has no bootstrap SSM parameter, so no bootstrap-version rule.
    stack = Stack(
        app,
        "Logs",
        synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )
    kept = ManagedLogGroup(stack, "Kept", log_group_name="/shop/dev/kept", retention_days=30)
    kept.add_metric_filter(
        MetricFilterSpec(name="errors", pattern="ERROR", namespace="Shop", metric_name="Errors")
    )
    ManagedLogGroup(
        stack,
        "Scratch",
        log_group_name="/shop/dev/scratch",
        retention_days=1,
        removal_policy=RemovalPolicy.DESTROY,
    )
    ManagedLogGroup(stack, "Forever", log_group_name="/shop/dev/forever", retention_days=None)
    data: dict[str, Any] = app.synth().get_stack_by_name("Logs").template
    return data


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def _log_groups() -> dict[str, dict[str, Any]]:
    logs = boto3.client("logs", region_name=REGION)
    groups = logs.describe_log_groups(logGroupNamePrefix="/shop/dev/")["logGroups"]
    return {g["logGroupName"]: g for g in groups}


@pytest.mark.usefixtures("aws")
def test_retention_reads_back_as_synthesized(template: dict[str, Any]) -> None:
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    cloudformation.create_stack(StackName="shop-logs", TemplateBody=json.dumps(template))
    status = cloudformation.describe_stacks(StackName="shop-logs")["Stacks"][0]["StackStatus"]
    assert status == "CREATE_COMPLETE"
    groups = _log_groups()
    assert groups["/shop/dev/kept"]["retentionInDays"] == 30
    assert groups["/shop/dev/scratch"]["retentionInDays"] == 1
    assert "retentionInDays" not in groups["/shop/dev/forever"]


@pytest.mark.usefixtures("aws")
def test_deleting_the_stack_keeps_retained_log_groups(template: dict[str, Any]) -> None:
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    cloudformation.create_stack(StackName="shop-logs", TemplateBody=json.dumps(template))
    cloudformation.delete_stack(StackName="shop-logs")
    remaining = set(_log_groups())
    assert "/shop/dev/kept" in remaining
    assert "/shop/dev/forever" in remaining
    assert "/shop/dev/scratch" not in remaining
