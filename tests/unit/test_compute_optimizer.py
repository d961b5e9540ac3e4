"""Compute Optimizer: memory published the way it reads it, and the EBS automation rule.

The expected names are transcribed from AWS's pages, not computed by the code:
"On Linux instances, Compute Optimizer analyses the ``mem_used_percent`` metric in the
``CWAgent`` namespace [...]. On Windows instances, Compute Optimizer analyses the
``Available MBytes`` metric in the ``CWAgent`` namespace. If both the ``Available
MBytes`` and ``Memory % Committed Bytes In Use`` metrics are configured [...]
Additionally, the namespace must contain the ``InstanceId`` dimension." and AWS's
example configuration appends ``"InstanceId": "${aws:InstanceId}"``
(https://docs.aws.amazon.com/compute-optimizer/latest/ug/ec2-metrics-analyzed.html).
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template
from pydantic import ValidationError

from observability_blueprint.config.blueprint import problems_from
from observability_blueprint.config.hosts import Hosts, hosts_problems
from observability_blueprint.hosts.agent_association import AgentAssociation
from observability_blueprint.hosts.compute_optimizer import EbsAutomationRule
from observability_blueprint.rules import ssm_schedules
from observability_blueprint.rules.agent_config import AgentConfig
from observability_blueprint.rules.errors import BlueprintError, Problem

TARGETS = [ssm_schedules.AssociationTarget.tag("role", "web")]


def errors(data: dict[str, Any]) -> list[str]:
    """Validate a ``hosts:`` section like the blueprint file does; return the printed problems."""
    try:
        hosts = Hosts.model_validate(data)
    except ValidationError as exc:
        return [str(Problem(f"hosts.{p.location}", p.message)) for p in problems_from(exc)]
    return [str(p) for p in hosts_problems(hosts, name="payments", stage="prod")]


def fleet(**fields: Any) -> dict[str, Any]:
    return {"fleets": [{"name": "web", "targets": [{"tag": "role", "values": ["web"]}], **fields}]}


# ------------------------------------------------------------ agent config


def test_linux_fleet_publishes_mem_used_percent_in_cwagent_per_instance() -> None:
    """Given a fleet that lists only CPU, when it opts in, memory is published as CO reads it."""
    config = AgentConfig(os="linux", metrics=("cpu_active_percent",), compute_optimizer=True)

    assert config.problems() == []
    metrics = json.loads(config.to_json())["metrics"]
    assert metrics["namespace"] == "CWAgent"
    assert metrics["append_dimensions"]["InstanceId"] == "${aws:InstanceId}"
    assert ["InstanceId"] in metrics["aggregation_dimensions"]
    assert metrics["metrics_collected"]["mem"] == {"measurement": ["mem_used_percent"]}
    assert config.published_metric_names() == ("mem_used_percent", "cpu_usage_active")


def test_without_the_opt_in_nothing_is_added() -> None:
    config = AgentConfig(os="linux", metrics=("cpu_active_percent",))
    assert "mem" not in json.loads(config.to_json())["metrics"]["metrics_collected"]
    windows = json.loads(AgentConfig(os="windows").to_json())
    assert windows["metrics"]["metrics_collected"]["Memory"] == {
        "measurement": ["% Committed Bytes In Use"]
    }


def test_windows_fleet_publishes_available_mbytes_and_committed_bytes() -> None:
    config = AgentConfig(os="windows", metrics=("cpu_active_percent",), compute_optimizer=True)

    assert config.problems() == []
    metrics = json.loads(config.to_json())["metrics"]
    assert metrics["namespace"] == "CWAgent"
    assert metrics["append_dimensions"]["InstanceId"] == "${aws:InstanceId}"
    assert ["InstanceId"] in metrics["aggregation_dimensions"]
    assert metrics["metrics_collected"]["Memory"] == {
        "measurement": ["% Committed Bytes In Use", "Available MBytes"]
    }
    published = config.published_metric_names()
    assert "Memory Available MBytes" in published
    assert "Memory % Committed Bytes In Use" in published
    # The parameter reads back to the same configuration (the dashboard reads it so).
    assert AgentConfig.from_json(config.to_json()).to_json() == config.to_json()


def test_the_opted_in_fleet_of_the_file_carries_the_flag() -> None:
    hosts = Hosts.model_validate(fleet(os="windows", compute_optimizer=True))
    config = hosts.fleets[0].agent_config(name="payments", stage="prod")
    assert config.compute_optimizer is True
    assert "Memory Available MBytes" in config.published_metric_names()
    assert Hosts.model_validate(fleet()).fleets[0].compute_optimizer is False


def test_append_dimensions_without_instance_id() -> None:
    assert errors(
        fleet(
            compute_optimizer=True,
            append_dimensions=["AutoScalingGroupName"],
            aggregation_dimensions=[["AutoScalingGroupName"]],
        )
    ) == [
        "hosts.fleets[0].append_dimensions: ['AutoScalingGroupName'] leaves out InstanceId; "
        "Compute Optimizer reads memory only from CWAgent metrics with the InstanceId dimension "
        "(compute_optimizer: true): add InstanceId",
        "hosts.fleets[0].aggregation_dimensions: [['AutoScalingGroupName']] has no [InstanceId] "
        "set; Compute Optimizer reads memory per instance, as AWS's example configuration "
        "publishes it (InstanceId as the only dimension): add [InstanceId]",
    ]


def test_aggregation_that_drops_the_per_instance_series() -> None:
    assert errors(fleet(compute_optimizer=True, aggregation_dimensions=[])) == [
        "hosts.fleets[0].aggregation_dimensions: [] has no [InstanceId] set; Compute Optimizer "
        "reads memory per instance, as AWS's example configuration publishes it (InstanceId as "
        "the only dimension): add [InstanceId]"
    ]
    # Without the opt-in the same settings are fine.
    assert errors(fleet(aggregation_dimensions=[])) == []


def test_servers_outside_aws() -> None:
    assert errors(fleet(compute_optimizer=True, mode="onPremise")) == [
        "hosts.fleets[0].compute_optimizer: Compute Optimizer analyses EC2 instances only, and "
        "servers outside AWS have no InstanceId: set compute_optimizer: false, or mode: ec2 or "
        "auto"
    ]


def test_the_python_api_refuses_the_same() -> None:
    stack = cdk.Stack(cdk.App(), "Stack")
    with pytest.raises(BlueprintError) as error:
        AgentAssociation(
            stack,
            "Agent",
            config=AgentConfig(compute_optimizer=True, aggregation_dimensions=()),
            targets=TARGETS,
            mode="onPremise",
        )
    assert str(error.value).splitlines() == [
        "Stack/Agent.config.aggregation_dimensions: [] has no [InstanceId] set; Compute "
        "Optimizer reads memory per instance, as AWS's example configuration publishes it "
        "(InstanceId as the only dimension): add [InstanceId]",
        "Stack/Agent.config.compute_optimizer: Compute Optimizer analyses EC2 instances only, "
        "and servers outside AWS have no InstanceId: set compute_optimizer=False, or mode 'ec2' "
        "or 'auto'",
    ]


def test_an_opted_in_parameter_is_marked_for_the_report() -> None:
    stack = cdk.Stack(cdk.App(), "Stack")
    AgentAssociation(stack, "On", config=AgentConfig(compute_optimizer=True), targets=TARGETS)
    AgentAssociation(stack, "Off", config=AgentConfig(), targets=TARGETS)
    parameters = Template.from_stack(stack).find_resources("AWS::SSM::Parameter")
    marked = {
        logical_id: resource["Metadata"]["observability-blueprint:compute-optimizer"]
        for logical_id, resource in parameters.items()
        if "observability-blueprint:compute-optimizer" in resource.get("Metadata", {})
    }
    assert len(parameters) == 2
    assert list(marked.values()) == ["linux"]
    assert next(iter(marked)).startswith("OnParameter")


# --------------------------------------------------------- automation rule


def test_automation_rule_defaults_to_upgrading_volume_types_only() -> None:
    stack = cdk.Stack(cdk.App(), "Stack")
    rule = EbsAutomationRule(stack, "Ebs", schedule="30 12 * * *", rule_name="ebs-upgrades")

    assert rule.deletes_volumes is False
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::ComputeOptimizer::AutomationRule",
        {
            "Name": "ebs-upgrades",
            "RuleType": "AccountRule",
            "RecommendedActionTypes": ["UpgradeEbsVolumeType"],
            "Schedule": {"ScheduleExpression": "30 12 * * *", "ExecutionWindowInMinutes": 60},
            "Status": "Active",
            "Criteria": Match.absent(),
        },
    )
    [resource] = template.find_resources("AWS::ComputeOptimizer::AutomationRule").values()
    assert "observability-blueprint:deletes-volumes" not in resource.get("Metadata", {})


def test_the_destructive_action_is_named_and_marked() -> None:
    stack = cdk.Stack(cdk.App(), "Stack")
    rule = EbsAutomationRule(
        stack,
        "Ebs",
        schedule="0 3 * * SUN",
        actions=("upgrade_volume_type", "snapshot_and_delete_unattached_volumes"),
        rule_name="ebs-cleanup",
        timezone="Europe/Paris",
        window_minutes=120,
        regions=["eu-west-1"],
        tags={"environment": ["dev", "test"]},
        status="Inactive",
        description="Volumes of dev and test",
    )

    assert rule.deletes_volumes is True
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::ComputeOptimizer::AutomationRule",
        {
            "RecommendedActionTypes": [
                "UpgradeEbsVolumeType",
                "SnapshotAndDeleteUnattachedEbsVolume",
            ],
            "Schedule": {
                "ScheduleExpression": "0 3 * * SUN",
                "ScheduleExpressionTimezone": "Europe/Paris",
                "ExecutionWindowInMinutes": 120,
            },
            "Criteria": {
                "Region": [{"Comparison": "StringEquals", "Values": ["eu-west-1"]}],
                "ResourceTag": [
                    {"Comparison": "StringEquals", "Key": "environment", "Values": ["dev", "test"]}
                ],
            },
            "Status": "Inactive",
            "Description": "Volumes of dev and test",
        },
    )
    [resource] = template.find_resources("AWS::ComputeOptimizer::AutomationRule").values()
    assert (
        "DELETES unattached EBS volumes"
        in (resource["Metadata"]["observability-blueprint:deletes-volumes"])
    )


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (
            {"schedule": "rate(1 day)"},
            "Stack/Ebs.schedule: 'rate(1 day)': automation rules take a bare cron expression "
            "(minutes hours day_of_month month day_of_week year) that runs at most once a day",
        ),
        (
            {"schedule": "*/30 * * * *"},
            "Stack/Ebs.schedule: '*/30 * * * *': minutes and hours must be single numbers (0-59, "
            "0-23), since a rule runs at most once a day",
        ),
        (
            {"schedule": "30 12 * *"},
            "Stack/Ebs.schedule: '30 12 * *' is not a cron expression of 5 or 6 fields",
        ),
        (
            {"window_minutes": 30},
            "Stack/Ebs.window_minutes: 30 is not an execution window; use 60 to 1,440 minutes",
        ),
        (
            {"rule_name": "ebs cleanup"},
            "Stack/Ebs.name: 'ebs cleanup' is not an automation rule name: use 1 to 128 letters, "
            "digits, _ and -",
        ),
        (
            {"timezone": "Europe/Pariss"},
            "Stack/Ebs.timezone: 'Europe/Pariss' is not an IANA time zone (did you mean "
            "'Europe/Paris'?)",
        ),
        (
            {"regions": ["Ireland"]},
            "Stack/Ebs.regions[0]: 'Ireland' is not an AWS Region; use a name such as eu-west-1",
        ),
        (
            {"regions": ["eu-west-1", "eu-west-1"]},
            "Stack/Ebs.regions[1]: 'eu-west-1' is listed already at regions[0]; list each "
            "Region once",
        ),
        (
            {"actions": ("delete_volumes",)},
            "Stack/Ebs.actions[0]: 'delete_volumes' is not an EBS action; use "
            "upgrade_volume_type, snapshot_and_delete_unattached_volumes",
        ),
        (
            {"tags": {"environment": []}},
            "Stack/Ebs.tags.environment: 0 values; give 1 to 20 tag values",
        ),
        (
            {"status": "Enabled"},
            "Stack/Ebs.status: 'Enabled' is not a rule status; use Active or Inactive",
        ),
    ],
)
def test_automation_rule_refuses(arguments: dict[str, Any], expected: str) -> None:
    stack = cdk.Stack(cdk.App(), "Stack")
    given = {"schedule": "30 12 * * *", **arguments}
    with pytest.raises(BlueprintError) as error:
        EbsAutomationRule(stack, "Ebs", **given)
    [line] = str(error.value).splitlines()
    assert line.startswith(expected), line


# ------------------------------------------------------- the file's block


def test_automation_block_is_absent_by_default_and_named_after_the_blueprint() -> None:
    assert Hosts.model_validate({}).compute_optimizer_automation is None
    hosts = Hosts.model_validate({"compute_optimizer_automation": {"schedule": "30 2 * * *"}})
    automation = hosts.compute_optimizer_automation
    assert automation is not None
    assert automation.actions == ["upgrade_volume_type"]
    assert (automation.window_minutes, automation.status) == (60, "Active")
    assert automation.rule_name("payments-prod") == "payments-prod-ebs"
    assert errors({"compute_optimizer_automation": {"schedule": "30 2 * * *"}}) == []


def test_automation_block_problems_name_their_place() -> None:
    found = errors(
        {
            "compute_optimizer_automation": {
                "schedule": "rate(1 day)",
                "window_minutes": 2000,
                "actions": ["delete_unattached_volumes"],
            }
        }
    )
    assert len(found) == 3, found
    assert found[0] == (
        "hosts.compute_optimizer_automation.actions[0]: 'delete_unattached_volumes' is not valid "
        "(did you mean 'snapshot_and_delete_unattached_volumes'?): use 'upgrade_volume_type' or "
        "'snapshot_and_delete_unattached_volumes'"
    )
    assert found[1].startswith(
        "hosts.compute_optimizer_automation.schedule: 'rate(1 day)': automation rules take a "
        "bare cron expression"
    ), found[1]
    assert found[2] == (
        "hosts.compute_optimizer_automation.window_minutes: 2000 is not an execution window; "
        "use 60 to 1,440 minutes (one hour to one day)"
    )


def test_automation_block_whole_block_rules() -> None:
    assert errors(
        {
            "compute_optimizer_automation": {
                "schedule": "30 2 * * *",
                "actions": ["upgrade_volume_type", "upgrade_volume_type"],
                "regions": ["Ireland"],
            }
        }
    ) == [
        "hosts.compute_optimizer_automation.actions[1]: 'upgrade_volume_type' is listed twice",
        "hosts.compute_optimizer_automation.regions[0]: 'Ireland' is not an AWS Region; use a "
        "name such as eu-west-1",
    ]
