"""The agent's configuration parameter, created in moto and read back by name as the agent would.

No AWS account is contacted: moto intercepts every call, credentials are fake.
The name the agent reads is the association's ``optionalConfigurationLocation``,
so these tests also prove the association points at the parameter that holds
the configuration.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from aws_cdk import DefaultStackSynthesizer, Stack
from moto import mock_aws

from observability_blueprint.blueprint.hosts import BuiltHosts, build_hosts
from observability_blueprint.config.hosts import Hosts
from observability_blueprint.rules.agent_config import AgentConfig, check_parameter_name
from support import new_app

pytestmark = pytest.mark.integration
REGION = "eu-west-1"

SECTION = {
    "fleets": [
        {
            "name": "web",
            "targets": [{"tag": "role", "values": ["web"]}],
            "log_files": [
                {
                    "name": "nginx-error",
                    "file_path": "/var/log/nginx/error.log",
                    "retention_days": 14,
                    "timestamp_format": "%Y/%m/%d %H:%M:%S",
                }
            ],
        },
        {
            # Enough log files to need the Advanced tier (over 4 KB).
            "name": "batch",
            "targets": [{"tag": "role", "values": ["batch"]}],
            "metrics": [],
            "log_files": [
                {
                    "name": f"job-{i:02d}",
                    "file_path": f"/var/log/batch/job-{i:02d}/events.log",
                    "timestamp_format": "%Y-%m-%dT%H:%M:%S.%f%z",
                    "removal_policy": "destroy",
                }
                for i in range(30)
            ],
        },
    ]
}


@dataclass
class Synthesized:
    built: BuiltHosts
    template: dict[str, Any]

    def of_type(self, resource_type: str) -> list[dict[str, Any]]:
        return [r for r in self.template["Resources"].values() if r["Type"] == resource_type]

    def location(self, fleet: str) -> str:
        """The parameter name the association hands to AmazonCloudWatch-ManageAgent."""
        agent = self.built.agents[fleet]
        logical_id = agent.association.stack.get_logical_id(agent.association)
        association = self.template["Resources"][logical_id]["Properties"]
        [name] = association["Parameters"]["optionalConfigurationLocation"]
        assert isinstance(name, str)
        return name


@pytest.fixture(scope="module")
def synthesized() -> Synthesized:
    app = new_app()
    # moto has no bootstrap SSM parameter, so no bootstrap-version rule.
    stack = Stack(
        app, "Hosts", synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False)
    )
    built = build_hosts(stack, Hosts.model_validate(SECTION), name="shop", stage="dev")
    template: dict[str, Any] = app.synth().get_stack_by_name("Hosts").template
    return Synthesized(built, template)


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def test_parameter_created_with_boto3_reads_back_by_the_agents_name(
    synthesized: Synthesized, aws: None
) -> None:
    ssm = boto3.client("ssm", region_name=REGION)
    for parameter in synthesized.of_type("AWS::SSM::Parameter"):
        props = parameter["Properties"]
        ssm.put_parameter(
            Name=props["Name"], Value=props["Value"], Type=props["Type"], Tier=props["Tier"]
        )
    for fleet in ("web", "batch"):
        name = synthesized.location(fleet)
        assert check_parameter_name(name) is None
        read = ssm.get_parameter(Name=name)["Parameter"]
        assert read["Type"] == "String"
        config = AgentConfig.from_json(read["Value"])
        assert config.to_json() == synthesized.built.agents[fleet].config_value
    tiers = {p["Name"]: p["Tier"] for p in ssm.describe_parameters()["Parameters"]}
    assert tiers == {
        synthesized.location("web"): "Standard",
        synthesized.location("batch"): "Advanced",
    }


def test_stack_deploys_and_the_agent_finds_its_configuration_and_log_groups(
    synthesized: Synthesized, aws: None
) -> None:
    cfn = boto3.client("cloudformation", region_name=REGION)
    cfn.create_stack(
        StackName="hosts",
        TemplateBody=json.dumps(synthesized.template),
        Capabilities=["CAPABILITY_IAM"],
    )
    assert cfn.describe_stacks(StackName="hosts")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"

    ssm = boto3.client("ssm", region_name=REGION)
    web = AgentConfig.from_json(
        ssm.get_parameter(Name=synthesized.location("web"))["Parameter"]["Value"]
    )
    [log_file] = web.log_files
    assert log_file.file_path == "/var/log/nginx/error.log"

    logs = boto3.client("logs", region_name=REGION)
    groups = {
        g["logGroupName"]: g
        for page in logs.get_paginator("describe_log_groups").paginate(
            logGroupNamePrefix="/shop/dev/hosts/"
        )
        for g in page["logGroups"]
    }
    # Every log group the agent writes to exists, with the retention the file asked for.
    assert log_file.log_group_name in groups
    assert groups[log_file.log_group_name]["retentionInDays"] == 14
    batch = AgentConfig.from_json(
        ssm.get_parameter(Name=synthesized.location("batch"))["Parameter"]["Value"]
    )
    assert {f.log_group_name for f in batch.log_files} <= set(groups)

    # Both fleets' Command documents were created (moto cannot describe a document made
    # through CloudFormation; the next test registers the same content with boto3).
    resources = cfn.list_stack_resources(StackName="hosts")["StackResourceSummaries"]
    documents = [r for r in resources if r["ResourceType"] == "AWS::SSM::Document"]
    assert [d["ResourceStatus"] for d in documents] == ["CREATE_COMPLETE"] * 2

    # The instance profile exists for the fleet's instances.
    iam = boto3.client("iam", region_name=REGION)
    profiles = iam.list_instance_profiles()["InstanceProfiles"]
    assert len(profiles) == 1
    assert len(profiles[0]["Roles"]) == 1


def test_document_registers_with_the_parameters_the_association_passes(
    synthesized: Synthesized, aws: None
) -> None:
    [document] = synthesized.of_type("AWS::SSM::Document")[:1]
    ssm = boto3.client("ssm", region_name=REGION)
    ssm.create_document(
        Name="shop-dev-cloudwatch-agent",
        Content=json.dumps(document["Properties"]["Content"]),
        DocumentType="Command",
        DocumentFormat="JSON",
    )
    described = ssm.describe_document(Name="shop-dev-cloudwatch-agent")["Document"]
    assert described["SchemaVersion"] == "2.2"
    declared = {p["Name"]: p for p in described["Parameters"]}
    assert set(declared) == {
        "version",
        "mode",
        "optionalConfigurationSource",
        "optionalConfigurationLocation",
        "optionalRestart",
    }
    for association in synthesized.of_type("AWS::SSM::Association"):
        assert set(association["Properties"]["Parameters"]) <= set(declared)
    assert declared["optionalRestart"]["DefaultValue"] == "yes"
