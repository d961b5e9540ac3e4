"""The shipped examples, deployed through moto's CloudFormation.

Every stack of both example files (``blueprint.yaml`` and ``examples/full.yaml``,
whose alerts on global services go to a us-east-1 stack) is deployed as it was
synthesized for the session, with ``create_stack`` and a ``TemplateURL`` in
moto's S3, the way ``cdk deploy`` hands over a template too big for a
``TemplateBody`` (51,200 bytes; the main stack of full.yaml is larger). Before
that:

- what the examples name only by ARN or id is created in moto (see
  :func:`create_named_resources`), in account 111122223333, the account
  full.yaml pins (``MOTO_ACCOUNT_ID``), with the CDK bootstrap version parameter
  each template's ``BootstrapVersion`` parameter reads;
- exactly what :data:`STRIPPED` lists is taken out of the templates. A kept
  resource that reads the ``Arn`` of a stripped alarm gets the ARN CloudWatch
  gives that alarm (its name is in the template); any other read of something
  stripped stops the deployment, so that nothing is lost without a decision.

A deployed stack can be updated to the template of a changed file
(:func:`update_examples`, with ``update_stack``), through the same strip list;
a changed resource of a type moto cannot update is handed over as created, and
only the types :data:`UPDATED_AS_CREATED` lists.

No AWS account is contacted: moto intercepts every call, credentials are fake.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import json
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args
from unittest import mock

import boto3
import pytest
from aws_cdk import Token
from moto import mock_aws
from moto.cloudformation.parsing import get_model_map

from observability_blueprint import Blueprint
from support import Synthesized

ACCOUNT: Final = "111122223333"
"""The account examples/full.yaml pins; blueprint.yaml deploys into any, so here too."""
REGION: Final = "eu-west-1"
"""Where the environment-agnostic blueprint.yaml is deployed (full.yaml pins it too)."""
US_EAST_1_STACK: Final = "payments-prod-observability-us-east-1"

Strip = tuple[str, str | None, str | None]
"""(resource type, property or None for the whole resource, stack name or None for any)."""

STRIPPED: Final[dict[Strip, str]] = {
    # Resource types moto's CloudFormation has no model for: it would skip them with a
    # warning and fail on any Fn::GetAtt of one. What they do is checked in the unit tests.
    ("AWS::CloudTrail::Trail", None, None): "no moto CloudFormation model for trails",
    ("AWS::CloudWatch::Alarm", None, None): "no moto CloudFormation model for metric alarms",
    ("AWS::CloudWatch::AnomalyDetector", None, None): "no moto CloudFormation model",
    ("AWS::CloudWatch::CompositeAlarm", None, None): "no moto CloudFormation model",
    ("AWS::CloudWatch::InsightRule", None, None): "no moto CloudFormation model",
    ("AWS::CloudWatch::LogAlarm", None, None): "no moto CloudFormation model for log alarms",
    ("AWS::EKS::Addon", None, None): "no moto CloudFormation model (nor the clusters)",
    ("AWS::EKS::PodIdentityAssociation", None, None): "no moto CloudFormation model",
    ("AWS::Logs::MetricFilter", None, None): "no moto CloudFormation model for metric filters",
    ("AWS::Logs::QueryDefinition", None, None): "no moto CloudFormation model",
    ("AWS::Logs::AccountPolicy", None, None): "no moto CloudFormation model",
    ("AWS::Logs::ScheduledQuery", None, None): "no moto CloudFormation model",
    ("AWS::Logs::Transformer", None, None): "no moto CloudFormation model",
    ("AWS::Logs::SubscriptionFilter", None, None): "no moto CloudFormation model",
    ("AWS::S3::BucketPolicy", None, None): "no moto CloudFormation model",
    ("AWS::SNS::Subscription", None, None): "no moto CloudFormation model for subscriptions",
    ("AWS::SNS::TopicPolicy", None, None): "no moto CloudFormation model",
    ("AWS::SQS::QueuePolicy", None, None): "no moto CloudFormation model",
    ("AWS::SSM::Association", None, None): "no moto CloudFormation model for associations",
    ("AWS::Scheduler::Schedule", None, None): "no moto CloudFormation model for schedules",
    ("AWS::XRay::Group", None, None): "no moto CloudFormation model for X-Ray groups",
    ("AWS::Logs::LogAnomalyDetector", None, None): "no moto CloudFormation model",
    ("AWS::XRay::SamplingRule", None, None): "no moto CloudFormation model for sampling rules",
    ("AWS::XRay::TransactionSearchConfig", None, None): "no moto CloudFormation model",
    ("AWS::APS::Workspace", None, None): "no moto CloudFormation model for Prometheus",
    ("AWS::APS::RuleGroupsNamespace", None, None): "no moto CloudFormation model",
    ("AWS::APS::Scraper", None, None): "no moto CloudFormation model",
    ("AWS::Grafana::Workspace", None, None): "no moto CloudFormation model for Grafana",
    ("AWS::ComputeOptimizer::AutomationRule", None, None): "no moto CloudFormation model",
    ("AWS::Oam::Sink", None, None): "no moto CloudFormation model for OAM",
    ("AWS::ObservabilityAdmin::OrganizationTelemetryRule", None, None): "no moto model",
    ("AWS::ObservabilityAdmin::OrganizationCentralizationRule", None, None): "no moto model",
    ("AWS::CloudWatch::OTelEnrichment", None, None): "no moto CloudFormation model",
    # Properties moto mishandles.
    ("AWS::KMS::Key", "Tags", None): (
        "moto gives CloudFormation's Key/Value tags to KMS, which reads TagKey: KeyError"
    ),
    ("AWS::SSM::Parameter", "Tags", None): (
        "the tags of a parameter are a map; moto reads a list of Key/Value: TypeError"
    ),
}
"""Everything taken out of the templates before deploying them, each with why."""

_ALARM_TYPES: Final = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
_WORKSPACE_ID: Final = "ws-moto0000-0000-0000-0000-000000000000"
_STAND_INS: Final[dict[tuple[str, str], Callable[[dict[str, Any], str], str]]] = {
    **{
        (kind, "Arn"): lambda stripped, region: (
            f"arn:aws:cloudwatch:{region}:{ACCOUNT}:alarm:{stripped['Properties']['AlarmName']}"
        )
        for kind in _ALARM_TYPES
    },
    # What CloudFormation gives a workspace: its ARN and endpoint (the remote-write and
    # query URLs are made from it), and a Grafana workspace's id.
    # What CloudFormation gives a sink: an ARN with a random id.
    ("AWS::Oam::Sink", "Arn"): lambda _, region: (
        f"arn:aws:oam:{region}:{ACCOUNT}:sink/a1b2c3d4-5678-90ab-cdef-{ACCOUNT}"
    ),
    ("AWS::APS::Workspace", "Arn"): lambda _, region: (
        f"arn:aws:aps:{region}:{ACCOUNT}:workspace/{_WORKSPACE_ID}"
    ),
    ("AWS::APS::Workspace", "PrometheusEndpoint"): lambda _, region: (
        f"https://aps-workspaces.{region}.amazonaws.com/workspaces/{_WORKSPACE_ID}/"
    ),
    ("AWS::Grafana::Workspace", "Id"): lambda _, region: "g-0123456789",
}
"""The attributes of stripped resources others may read, with the value CloudFormation
would give them; reading any other attribute of a stripped resource stops the deployment."""
_Capability = Literal["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
_CDK_CAPABILITIES: Final[list[_Capability]] = list(get_args(_Capability))


@dataclass
class StrippedTemplate:
    """A template with the entries of a strip list applied, and what they took out."""

    template: dict[str, Any]
    removed: list[tuple[Strip, str]] = field(default_factory=list)
    """(strip entry, logical id) for each resource or property taken out."""
    stand_ins: set[tuple[str, str, str]] = field(default_factory=set)
    """(reading resource type, stripped resource type, attribute) given a stand-in."""


def strip(
    template: dict[str, Any], stack_name: str, region: str, entries: dict[Strip, str]
) -> StrippedTemplate:
    """Apply ``entries`` to a copy of ``template``."""
    result = StrippedTemplate(copy.deepcopy(template))
    resources: dict[str, Any] = result.template["Resources"]
    gone: dict[str, dict[str, Any]] = {}
    for logical_id, resource in list(resources.items()):
        for entry in entries:
            resource_type, prop, stack = entry
            if resource["Type"] != resource_type or stack not in (None, stack_name):
                continue
            if prop is None:
                gone[logical_id] = resources.pop(logical_id)
                result.removed.append((entry, logical_id))
                break
            if prop in resource.get("Properties", {}):
                del resource["Properties"][prop]
                result.removed.append((entry, logical_id))

    def resolve(value: Any, reader: str) -> Any:
        if isinstance(value, dict):
            if value.get("Ref") in gone:
                raise AssertionError(f"a {reader} refers to stripped {value['Ref']}")
            if "Fn::GetAtt" in value and value["Fn::GetAtt"][0] in gone:
                target, attribute = value["Fn::GetAtt"]
                stripped = gone[target]
                stand_in = _STAND_INS.get((stripped["Type"], attribute))
                if stand_in is None:
                    raise AssertionError(f"a {reader} reads {attribute} of stripped {target}")
                result.stand_ins.add((reader, stripped["Type"], attribute))
                return stand_in(stripped, region)
            return {key: resolve(item, reader) for key, item in value.items()}
        if isinstance(value, list):
            return [resolve(item, reader) for item in value]
        return value

    for resource in resources.values():
        if "Properties" in resource:
            resource["Properties"] = resolve(resource["Properties"], resource["Type"])
        depends = resource.get("DependsOn")
        if depends is not None:
            kept = [
                d for d in ([depends] if isinstance(depends, str) else depends) if d not in gone
            ]
            if kept:
                resource["DependsOn"] = kept
            else:
                del resource["DependsOn"]
    if "Outputs" in result.template:
        result.template["Outputs"] = resolve(result.template["Outputs"], "Output")
    return result


@dataclass
class DeployedStack:
    """One stack of an example, deployed."""

    example: str
    name: str
    region: str
    config: Blueprint
    synthesized: dict[str, Any]
    deployed: dict[str, Any]

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """The synthesized resources of one type, by logical id."""
        return {
            logical_id: resource
            for logical_id, resource in self.synthesized["Resources"].items()
            if resource["Type"] == resource_type
        }

    def physical_ids(self, resource_type: str) -> dict[str, str]:
        """The physical ids moto gave the resources of one type, by logical id."""
        cloudformation = boto3.client("cloudformation", region_name=self.region)
        pages = cloudformation.get_paginator("list_stack_resources").paginate(StackName=self.name)
        return {
            summary["LogicalResourceId"]: summary["PhysicalResourceId"]
            for page in pages
            for summary in page["StackResourceSummaries"]
            if summary["ResourceType"] == resource_type
        }

    def outputs(self) -> dict[str, str]:
        cloudformation = boto3.client("cloudformation", region_name=self.region)
        [stack] = cloudformation.describe_stacks(StackName=self.name)["Stacks"]
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


@dataclass
class Deployment:
    """The examples deployed into moto, and what was stripped on the way."""

    stacks: list[DeployedStack]
    strip_list: dict[Strip, str]
    removed: list[tuple[str, Strip, str]]
    """(stack name, strip entry, logical id)."""
    stand_ins: set[tuple[str, str, str]]
    warnings: list[str]
    """What moto warned about while creating the stacks."""

    def stack(self, name: str) -> DeployedStack:
        [found] = [s for s in self.stacks if s.name == name]
        return found


def _pinned_id(module: str, function: str, value: str) -> Any:
    """Make moto's EC2 give the next resource of a kind the id the example names."""
    return mock.patch(f"moto.ec2.models.{module}.{function}", return_value=value)


def create_named_resources() -> None:
    """Create what the examples name but do not make, in account 111122223333.

    Only examples/full.yaml names such things (blueprint.yaml deploys into any
    account). Left out: the Logs destination of account 999988887777, the
    Incident Manager response plan, the Auto Scaling policy and the EKS and ECS
    clusters, which only stripped resources read.
    """
    iam = boto3.client("iam", region_name=REGION)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
            for service in ("lambda.amazonaws.com", "logs.amazonaws.com")
        ],
    }
    role = iam.create_role(
        RoleName="payments-functions", AssumeRolePolicyDocument=json.dumps(trust)
    )
    firehose_role = iam.create_role(
        RoleName="cwlogs-to-firehose", AssumeRolePolicyDocument=json.dumps(trust)
    )
    iam.create_open_id_connect_provider(
        Url="https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
    )
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    functions = boto3.client("lambda", region_name=REGION)
    for name in (
        "payments-chat-notifier",
        "log-shipper",
        "payments-archive-sweep",
        "payments-stop-audit",
    ):
        functions.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="index.handler",
            Code={"ZipFile": code.getvalue()},
        )
    boto3.client("sqs", region_name=REGION).create_queue(QueueName="payments-alert-archive")
    boto3.client("sns", region_name=REGION).create_topic(Name="payments-status-page")
    boto3.client("kinesis", region_name=REGION).create_stream(
        StreamName="central-logs", ShardCount=1
    )
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in (
        "payments-uploads",
        "payments-exports-111122223333",
        "payments-ssm-output",
        "edge-archive-111122223333",
    ):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    boto3.client("firehose", region_name=REGION).create_delivery_stream(
        DeliveryStreamName="edge-archive",
        ExtendedS3DestinationConfiguration={
            "RoleARN": firehose_role["Role"]["Arn"],
            "BucketARN": "arn:aws:s3:::edge-archive-111122223333",
        },
    )
    # The VPC of the flow logs and the interface endpoints, with the ids full.yaml names.
    ec2 = boto3.client("ec2", region_name=REGION)
    with _pinned_id("vpcs", "random_vpc_id", "vpc-0123456789abcdef0"):
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for index in range(2):
        with _pinned_id("subnets", "random_subnet_id", f"subnet-0123456789abcdef{index}"):
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{index}.0/24")
    with _pinned_id("elastic_network_interfaces", "random_eni_id", "eni-0123456789abcdef0"):
        ec2.create_network_interface(SubnetId="subnet-0123456789abcdef0")
    with _pinned_id("security_groups", "random_security_group_id", "sg-0123456789abcdef0"):
        ec2.create_security_group(GroupName="endpoints", Description="443 in", VpcId=vpc)
    with _pinned_id("route_tables", "random_route_table_id", "rtb-0123456789abcdef0"):
        ec2.create_route_table(VpcId=vpc)


def _bootstrap(region: str) -> str:
    """What ``cdk bootstrap`` leaves that a deployment reads; return the assets bucket."""
    boto3.client("ssm", region_name=region).put_parameter(
        Name="/cdk-bootstrap/hnb659fds/version", Value="27", Type="String"
    )
    bucket = f"cdk-hnb659fds-assets-{ACCOUNT}-{region}"
    s3 = boto3.client("s3", region_name=region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    return bucket


def stack_region(synthesized: Synthesized, index: int) -> str:
    region = synthesized.stacks[index].region
    return REGION if Token.is_unresolved(region) else region


def _upload(name: str, template: dict[str, Any], region: str) -> str:
    """Put a template into the region's assets bucket, as ``cdk deploy`` does; return its URL."""
    bucket = f"cdk-hnb659fds-assets-{ACCOUNT}-{region}"
    body = json.dumps(template).encode()
    key = f"{name}-{hashlib.sha256(body).hexdigest()[:16]}.template.json"
    boto3.client("s3", region_name=region).put_object(Bucket=bucket, Key=key, Body=body)
    return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"


def create_stack(name: str, template: dict[str, Any], region: str) -> list[str]:
    """Create one stack from a template in the region's assets bucket; return moto's warnings."""
    url = _upload(name, template, region)
    cloudformation = boto3.client("cloudformation", region_name=region)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cloudformation.create_stack(StackName=name, TemplateURL=url, Capabilities=_CDK_CAPABILITIES)
    return [str(w.message) for w in caught]


def deploy_examples(
    examples: dict[str, Synthesized],
    *,
    only: str | None = None,
    keep: Strip | None = None,
) -> Deployment:
    """Deploy every stack of both examples (or the stack ``only``) into the active moto.

    ``keep``: a :data:`STRIPPED` entry not to apply.
    """
    entries = {entry: why for entry, why in STRIPPED.items() if entry != keep}
    create_named_resources()
    regions = sorted({stack_region(s, i) for s in examples.values() for i in range(len(s.stacks))})
    for region in regions:
        _bootstrap(region)
    deployment = Deployment([], entries, [], set(), [])
    for example, synthesized in sorted(examples.items()):
        for index, stack in enumerate(synthesized.stacks):
            name, region = stack.stack_name, stack_region(synthesized, index)
            if only is not None and name != only:
                continue
            template = synthesized.template_json(stack)
            stripped = strip(template, name, region, entries)
            deployment.removed += [(name, entry, lid) for entry, lid in stripped.removed]
            deployment.stand_ins |= stripped.stand_ins
            deployment.warnings += create_stack(name, stripped.template, region)
            deployment.stacks.append(
                DeployedStack(
                    example, name, region, synthesized.config, template, stripped.template
                )
            )
    return deployment


UPDATED_AS_CREATED: Final[dict[str, str]] = {
    "AWS::Logs::LogGroup": (
        "no moto update for log groups: a changed one drops out of the stack's resources"
        " and keeps its old settings"
    ),
}
"""Types whose changed resources an update hands to moto as they were created, each with why.

CloudFormation updates them in place; moto has no ``update_from_cloudformation_json``
for them and would replace the resource in the stack with nothing. What changed
is checked in the templates instead (test_moto_update.py).
"""


@dataclass
class StackUpdate:
    """One stack of an example after :func:`update_examples`."""

    before: DeployedStack
    after: DeployedStack
    """The stack as it now is; ``after.deployed`` is the template moto was given."""
    updated: bool
    """False when the changed file leaves the template as it was (``cdk deploy`` skips it)."""
    as_created: list[str] = field(default_factory=list)
    """Logical ids of changed resources handed to moto as created (:data:`UPDATED_AS_CREATED`)."""
    warnings: list[str] = field(default_factory=list)


def _moto_updates(resource_type: str) -> bool:
    model = get_model_map()[resource_type]
    return not hasattr(model.update_from_cloudformation_json, "__isabstractmethod__")


def update_stack(
    stack: DeployedStack, config: Blueprint, template: dict[str, Any], entries: dict[Strip, str]
) -> StackUpdate:
    """Update one deployed stack in the active moto to ``template``, synthesized from ``config``.

    The template goes through ``entries``, the strip list the stack was created with. A changed
    resource of a type in :data:`UPDATED_AS_CREATED` is given as created; any other
    change moto cannot make, and the removal of a retained resource (moto deletes
    it, CloudFormation keeps it), stops the update, so that nothing is lost
    without a decision.
    """
    after = DeployedStack(stack.example, stack.name, stack.region, config, template, {})
    if template == stack.synthesized:
        after.deployed = stack.deployed
        return StackUpdate(stack, after, updated=False)
    stripped = strip(template, stack.name, stack.region, entries).template
    result = StackUpdate(stack, after, updated=True)
    old: dict[str, Any] = stack.deployed["Resources"]
    new: dict[str, Any] = stripped["Resources"]
    for logical_id, resource in old.items():
        if logical_id not in new and resource.get("DeletionPolicy") == "Retain":
            raise AssertionError(f"moto would delete retained {logical_id} on update")
    for logical_id, resource in new.items():
        if logical_id not in old or old[logical_id] == resource:
            continue
        if resource["Type"] in UPDATED_AS_CREATED:
            new[logical_id] = old[logical_id]
            result.as_created.append(logical_id)
        elif not _moto_updates(resource["Type"]):
            raise AssertionError(f"moto cannot update {resource['Type']} {logical_id}")
    after.deployed = stripped
    url = _upload(stack.name, stripped, stack.region)
    cloudformation = boto3.client("cloudformation", region_name=stack.region)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cloudformation.update_stack(
            StackName=stack.name, TemplateURL=url, Capabilities=_CDK_CAPABILITIES
        )
    result.warnings = [str(w.message) for w in caught]
    return result


def update_examples(
    deployment: Deployment, changed: dict[str, Synthesized]
) -> dict[str, StackUpdate]:
    """Update every deployed stack to the template of its changed file, by stack name."""
    templates = {
        stack.stack_name: (synthesized.config, synthesized.template_json(stack))
        for synthesized in changed.values()
        for stack in synthesized.stacks
    }
    assert set(templates) == {s.name for s in deployment.stacks}, "the stacks are kept"
    return {
        stack.name: update_stack(stack, *templates[stack.name], deployment.strip_list)
        for stack in deployment.stacks
    }


@contextmanager
def moto_account() -> Iterator[None]:
    """A fresh moto for account 111122223333 (without the AMI catalogue it loads per region)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOTO_ACCOUNT_ID", ACCOUNT)
        patch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        with mock_aws():
            yield


@dataclass(frozen=True)
class MotoTools:
    """The deploy helpers, for modules that deploy templates of their own."""

    account: str = ACCOUNT
    region: str = REGION
    stripped: dict[Strip, str] = field(default_factory=lambda: dict(STRIPPED))
    bootstrap: Callable[[str], str] = _bootstrap
    create_stack: Callable[[str, dict[str, Any], str], list[str]] = create_stack
    moto_account: Callable[[], Any] = moto_account
    strip: Callable[..., StrippedTemplate] = strip


@pytest.fixture(scope="session")
def moto_tools() -> MotoTools:
    """:class:`MotoTools` (test modules cannot import this conftest by name)."""
    return MotoTools()


@pytest.fixture(scope="session")
def strip_list() -> dict[Strip, str]:
    """:data:`STRIPPED` (test modules cannot import this conftest by name)."""
    return dict(STRIPPED)


@pytest.fixture(scope="session")
def stripped_examples(examples: dict[str, Synthesized]) -> dict[str, StrippedTemplate]:
    """Every stack's template with :data:`STRIPPED` applied, by stack name (nothing deployed)."""
    return {
        stack.stack_name: strip(
            synthesized.template_json(stack),
            stack.stack_name,
            stack_region(synthesized, index),
            STRIPPED,
        )
        for synthesized in examples.values()
        for index, stack in enumerate(synthesized.stacks)
    }


@pytest.fixture(scope="module")
def deployment(examples: dict[str, Synthesized]) -> Iterator[Deployment]:
    """Both examples deployed, once for the module that asks: tests must leave it as found
    (test_moto_update.py changes it, but only in module-scoped steps its tests read).

    A module that uses it must not use ``fresh_moto`` (moto would not start afresh).
    """
    with moto_account():
        yield deploy_examples(examples)


@pytest.fixture(scope="session")
def update_list() -> dict[str, str]:
    """:data:`UPDATED_AS_CREATED`."""
    return dict(UPDATED_AS_CREATED)


@pytest.fixture(scope="session")
def stack_updater() -> Callable[[Deployment, dict[str, Synthesized]], dict[str, StackUpdate]]:
    """:func:`update_examples`, for the module that updates its ``deployment``."""
    return update_examples


@pytest.fixture
def fresh_moto() -> Iterator[None]:
    """An empty moto for account 111122223333, for one test."""
    with moto_account():
        yield


@pytest.fixture
def moto_deploy(examples: dict[str, Synthesized], fresh_moto: None) -> Callable[..., Deployment]:
    """:func:`deploy_examples` into a fresh moto, for tests that change what they deploy."""
    return functools.partial(deploy_examples, examples)
