"""The CloudWatch agent's side of the deployed examples: its configuration and log groups.

Both examples are deployed through moto's CloudFormation (this folder's
conftest.py). moto has no CloudFormation model for State Manager associations,
so the name the agent is given is read from the association in the
synthesized template (``optionalConfigurationLocation``); everything else is
read back from moto as the agent, or whoever sets up the instances, would.
No AWS account is contacted: moto intercepts every call.
"""

from __future__ import annotations

import base64
from typing import Any

import boto3
import pytest
import yaml

from observability_blueprint.rules.agent_config import AgentConfig, check_parameter_name
from observability_blueprint.rules.scrape_config import collector_pipeline_problems

pytestmark = pytest.mark.integration


def _agents(deployment: Any) -> list[tuple[Any, dict[str, Any], AgentConfig]]:
    """(stack, association properties, configuration read by the association's name)."""
    found = []
    for stack in deployment.stacks:
        ssm = boto3.client("ssm", region_name=stack.region)
        for association in stack.of_type("AWS::SSM::Association").values():
            properties = association["Properties"]
            if "optionalConfigurationLocation" not in properties["Parameters"]:
                continue  # another collector (ADOT: see test_the_adot_collector_...)
            [location] = properties["Parameters"]["optionalConfigurationLocation"]
            assert check_parameter_name(location) is None, location
            parameter = ssm.get_parameter(Name=location)["Parameter"]
            assert parameter["Type"] == "String"
            found.append((stack, properties, AgentConfig.from_json(parameter["Value"])))
    return found


def test_every_fleet_reads_a_valid_configuration_by_the_name_its_association_passes(
    deployment: Any,
) -> None:
    agents = _agents(deployment)
    for _, _, config in agents:
        assert config.problems() == [], config.fleet
    assert sorted((stack.name, config.fleet, config.os) for stack, _, config in agents) == [
        ("payments-prod-observability", "bastion", "linux"),
        ("payments-prod-observability", "branch-servers", "windows"),
        ("payments-prod-observability", "reporting", "linux"),
        ("payments-prod-observability", "web", "linux"),
        ("shop-dev-observability", "servers", "linux"),
    ]


def test_each_association_runs_a_command_document_its_stack_created(deployment: Any) -> None:
    for stack, properties, _ in _agents(deployment):
        documents = stack.physical_ids("AWS::SSM::Document")
        created = {
            d["Name"]: d
            for d in boto3.client("ssm", region_name=stack.region).list_documents(
                Filters=[{"Key": "Owner", "Values": ["Self"]}]
            )["DocumentIdentifiers"]
        }
        document = created[documents[properties["Name"]["Ref"]]]
        assert (document["DocumentType"], document["SchemaVersion"]) == ("Command", "2.2")


def test_every_log_group_the_agent_writes_to_exists_with_its_files_retention(
    deployment: Any,
) -> None:
    checked = 0
    for stack, _, config in _agents(deployment):
        assert stack.config.hosts is not None
        [fleet] = [f for f in stack.config.hosts.fleets if f.name == config.fleet]
        logs = boto3.client("logs", region_name=stack.region)
        written = {f.file_path: f.log_group_name for f in config.log_files}
        written |= {e.event_name: e.log_group_name for e in config.windows_events}
        asked = {f.file_path: f.retention_days for f in fleet.log_files}
        asked |= {e.event_name: e.retention_days for e in fleet.windows_events}
        assert set(written) == set(asked), fleet.name
        for source, group in written.items():
            [found] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][:1]
            assert found["logGroupName"] == group
            assert found.get("retentionInDays") == asked[source], group
            checked += 1
    assert checked == 1 + 2 + 2  # servers: syslog; web: nginx-access, app; branch: pos, system


def test_the_instance_profile_output_names_a_profile_whose_role_ec2_can_assume(
    deployment: Any,
) -> None:
    # (moto's CloudFormation drops a role's ManagedPolicyArns: the policies are not checked.)
    iam = boto3.client("iam")
    checked = 0
    for stack in deployment.stacks:
        if not stack.of_type("AWS::IAM::InstanceProfile"):
            continue
        [name] = [v for k, v in stack.outputs().items() if "InstanceProfileName" in k]
        [role] = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Roles"]
        trust = iam.get_role(RoleName=role["RoleName"])["Role"]["AssumeRolePolicyDocument"]
        assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "ec2.amazonaws.com"}]
        checked += 1
    assert checked == 2


def test_the_adot_collector_reads_a_complete_pipeline_by_the_name_its_association_passes(
    deployment: Any,
) -> None:
    # The ADOT association passes its configuration as {{ssm:NAME}}: the parameter
    # holds the collector's YAML, base64-encoded, remote-writing to the workspace.
    found = []
    for stack in deployment.stacks:
        ssm = boto3.client("ssm", region_name=stack.region)
        for association in stack.of_type("AWS::SSM::Association").values():
            parameters = association["Properties"]["Parameters"]
            if "config" not in parameters:
                continue
            [reference] = parameters["config"]
            name = reference.removeprefix("{{ssm:").removesuffix("}}")
            assert reference == f"{{{{ssm:{name}}}}}", reference
            value = ssm.get_parameter(Name=name)["Parameter"]["Value"]
            config = yaml.safe_load(base64.b64decode(value))
            assert collector_pipeline_problems(config) == []
            found.append((stack.name, config["exporters"]["prometheusremotewrite"]["endpoint"]))
    assert found == [
        (
            "payments-prod-observability",
            "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/"
            "ws-moto0000-0000-0000-0000-000000000000/api/v1/remote_write",
        )
    ]
