"""What is stripped from the examples before moto deploys them, and that it still must be.

The list is ``STRIPPED`` in this folder's conftest.py. Growing it is a decision
this module makes visible: the expected set below has to change with it, and
each entry has to keep earning its place (moto still has no model for the
type, still fails on the property, the template bug is still there).

The same holds for ``UPDATED_AS_CREATED``, the types whose changed resources
an update hands to moto as they were created (test_moto_update.py shows each
entry is needed by the changed examples).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError
from moto.cloudformation.parsing import get_model_map

from support import Synthesized

pytestmark = pytest.mark.integration

US_EAST_1_STACK = "payments-prod-observability-us-east-1"
Strip = tuple[str, str | None, str | None]

EXPECTED: set[Strip] = {
    ("AWS::CloudTrail::Trail", None, None),
    ("AWS::CloudWatch::Alarm", None, None),
    ("AWS::CloudWatch::AnomalyDetector", None, None),
    ("AWS::CloudWatch::CompositeAlarm", None, None),
    ("AWS::CloudWatch::InsightRule", None, None),
    ("AWS::CloudWatch::LogAlarm", None, None),
    ("AWS::EKS::Addon", None, None),
    ("AWS::EKS::PodIdentityAssociation", None, None),
    ("AWS::Logs::MetricFilter", None, None),
    ("AWS::Logs::QueryDefinition", None, None),
    ("AWS::Logs::AccountPolicy", None, None),
    ("AWS::Logs::ScheduledQuery", None, None),
    ("AWS::Logs::Transformer", None, None),
    ("AWS::Logs::SubscriptionFilter", None, None),
    ("AWS::S3::BucketPolicy", None, None),
    ("AWS::SNS::Subscription", None, None),
    ("AWS::SNS::TopicPolicy", None, None),
    ("AWS::SQS::QueuePolicy", None, None),
    ("AWS::SSM::Association", None, None),
    ("AWS::Scheduler::Schedule", None, None),
    ("AWS::XRay::Group", None, None),
    ("AWS::Logs::LogAnomalyDetector", None, None),
    ("AWS::XRay::SamplingRule", None, None),
    ("AWS::XRay::TransactionSearchConfig", None, None),
    ("AWS::APS::Workspace", None, None),
    ("AWS::APS::RuleGroupsNamespace", None, None),
    ("AWS::APS::Scraper", None, None),
    ("AWS::Grafana::Workspace", None, None),
    ("AWS::ComputeOptimizer::AutomationRule", None, None),
    ("AWS::Oam::Sink", None, None),
    ("AWS::ObservabilityAdmin::OrganizationTelemetryRule", None, None),
    ("AWS::ObservabilityAdmin::OrganizationCentralizationRule", None, None),
    ("AWS::CloudWatch::OTelEnrichment", None, None),
    ("AWS::KMS::Key", "Tags", None),
    ("AWS::SSM::Parameter", "Tags", None),
}

EXPECTED_AS_CREATED = {"AWS::Logs::LogGroup"}


def test_the_strip_list_is_the_expected_one(strip_list: dict[Strip, str]) -> None:
    assert set(strip_list) == EXPECTED
    for entry, reason in strip_list.items():
        assert reason.strip(), entry
        assert "\n" not in reason, entry


def test_every_entry_strips_something_from_the_examples(
    stripped_examples: dict[str, Any], strip_list: dict[Strip, str]
) -> None:
    used = {entry for stripped in stripped_examples.values() for entry, _ in stripped.removed}
    assert used == set(strip_list)


def test_only_the_listed_attributes_of_stripped_resources_are_read(
    stripped_examples: dict[str, Any],
) -> None:
    used = set().union(*(s.stand_ins for s in stripped_examples.values()))
    assert used == {
        ("AWS::Events::Rule", "AWS::CloudWatch::Alarm", "Arn"),  # on_alarm responses, runbooks
        # A regional stack forwards its health alarms' state changes home.
        ("AWS::Events::Rule", "AWS::CloudWatch::CompositeAlarm", "Arn"),
        ("AWS::Lambda::Permission", "AWS::CloudWatch::Alarm", "Arn"),  # alarm -> Lambda
        ("AWS::Lambda::Permission", "AWS::CloudWatch::CompositeAlarm", "Arn"),
        # The Prometheus workspace: remote-write and query grants, the collectors'
        # configuration and the stack outputs.
        ("AWS::IAM::Policy", "AWS::APS::Workspace", "Arn"),
        ("AWS::SSM::Parameter", "AWS::APS::Workspace", "PrometheusEndpoint"),
        ("Output", "AWS::APS::Workspace", "PrometheusEndpoint"),
        ("Output", "AWS::Grafana::Workspace", "Id"),
        ("Output", "AWS::Oam::Sink", "Arn"),  # SinkArn, for the sources' links
    }


def test_moto_still_has_no_model_for_the_stripped_types(strip_list: dict[Strip, str]) -> None:
    types = {t for t, prop, stack in strip_list if prop is None and stack is None}
    assert not types & set(get_model_map()), "moto deploys these now: stop stripping them"


def _refers_to_resources(value: Any) -> bool:
    if isinstance(value, dict):
        if "Fn::GetAtt" in value:
            return True
        if isinstance(value.get("Ref"), str) and not value["Ref"].startswith("AWS::"):
            return True
        return any(_refers_to_resources(v) for v in value.values())
    if isinstance(value, list):
        return any(_refers_to_resources(v) for v in value)
    return False


def _standalone(examples: dict[str, Synthesized], resource_type: str, prop: str) -> Any:
    """The first resource of the examples of that type with that property and no references."""
    for synthesized in examples.values():
        for stack in synthesized.stacks:
            for resource in synthesized.template_json(stack)["Resources"].values():
                properties = resource.get("Properties", {})
                if (
                    resource["Type"] == resource_type
                    and prop in properties
                    and not _refers_to_resources(properties)
                ):
                    return resource
    raise AssertionError(f"no {resource_type} with {prop} to try")


def _create(name: str, resource: dict[str, Any]) -> str:
    """Create a stack of one resource; return its status, or the error moto raised."""
    cloudformation = boto3.client("cloudformation", region_name="eu-west-1")
    try:
        cloudformation.create_stack(
            StackName=name, TemplateBody=json.dumps({"Resources": {"Probe": resource}})
        )
    except (ClientError, ResponseParserError, KeyError, TypeError) as error:
        return f"{type(error).__name__}: {error}"
    [stack] = cloudformation.describe_stacks(StackName=name)["Stacks"]
    return str(stack["StackStatus"])


def _property_entries() -> Iterator[tuple[str, str]]:
    for resource_type, prop, stack in sorted(EXPECTED, key=str):
        if prop is not None and stack is None:
            yield resource_type, prop


@pytest.mark.parametrize(("resource_type", "prop"), list(_property_entries()))
@pytest.mark.usefixtures("fresh_moto")
def test_moto_still_fails_on_the_stripped_property(
    examples: dict[str, Synthesized], resource_type: str, prop: str
) -> None:
    resource = _standalone(examples, resource_type, prop)
    without = {**resource, "Properties": dict(resource["Properties"])}
    del without["Properties"][prop]
    assert _create("without", without) == "CREATE_COMPLETE"
    boto3.client("cloudformation", region_name="eu-west-1").delete_stack(StackName="without")
    assert _create("with", resource) != "CREATE_COMPLETE", "moto takes it now: stop stripping it"


def test_the_us_east_1_stack_only_forwards_and_deploys(
    moto_deploy: Callable[..., Any],
) -> None:
    """Issue 12, A1: no topic copies, so no Lambda permission for another Region's function
    (aws-cdk issues 10924 and 11826) and no second subscription confirmation."""
    deployment = moto_deploy(only=US_EAST_1_STACK)
    cloudformation = boto3.client("cloudformation", region_name="us-east-1")
    [stack] = cloudformation.describe_stacks(StackName=US_EAST_1_STACK)["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    [deployed] = deployment.stacks
    types = {r["Type"] for r in deployed.synthesized["Resources"].values()}
    assert types == {
        "AWS::CloudWatch::Alarm",
        "AWS::Events::Rule",
        "AWS::IAM::Policy",
        "AWS::IAM::Role",
        "AWS::SQS::Queue",
        "AWS::SQS::QueuePolicy",
    }
    # Only what moto has no model for was taken out: nothing the strip list calls a bug.
    assert {entry[0] for _, entry, _ in deployment.removed} <= {
        "AWS::CloudWatch::Alarm",
        "AWS::SQS::QueuePolicy",
    }


def test_the_types_updated_as_created_are_the_expected_ones(update_list: dict[str, str]) -> None:
    assert set(update_list) == EXPECTED_AS_CREATED
    for resource_type, reason in update_list.items():
        assert reason.strip(), resource_type
        assert "\n" not in reason, resource_type


@pytest.mark.usefixtures("fresh_moto")
def test_moto_still_cannot_update_a_log_group(examples: dict[str, Synthesized]) -> None:
    resource = _standalone(examples, "AWS::Logs::LogGroup", "RetentionInDays")
    name = resource["Properties"]["LogGroupName"]
    days = 1 if resource["Properties"]["RetentionInDays"] != 1 else 3
    changed = {**resource, "Properties": {**resource["Properties"], "RetentionInDays": days}}
    assert _create("probe", resource) == "CREATE_COMPLETE"
    cloudformation = boto3.client("cloudformation", region_name="eu-west-1")
    cloudformation.update_stack(
        StackName="probe", TemplateBody=json.dumps({"Resources": {"Probe": changed}})
    )
    [summary] = cloudformation.list_stack_resources(StackName="probe")["StackResourceSummaries"]
    logs = boto3.client("logs", region_name="eu-west-1")
    [group] = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert (summary["PhysicalResourceId"], group.get("retentionInDays")) != (name, days), (
        "moto updates log groups now: stop handing them over as created"
    )
