"""AgentAssociation, State Manager's schedule dialect, and build_hosts with cdk-nag and cfn-lint.

One stack holds every association variant and is synthesized once for the module;
the composed hosts section is synthesized once with the compliance checks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import CfnParameter, Stack
from aws_cdk.assertions import Annotations, Match

from observability_blueprint import add_compliance_checks
from observability_blueprint.blueprint.hosts import BuiltHosts, build_hosts
from observability_blueprint.config.hosts import Hosts
from observability_blueprint.hosts.agent_association import (
    AGENT_PACKAGE,
    CREDENTIAL_LOG_PATH_WARNING,
    INSTALL_DOCUMENT,
    MANAGE_DOCUMENT,
    AgentAssociation,
    document_content,
)
from observability_blueprint.logs.managed_log_group import ManagedLogGroup
from observability_blueprint.rules.agent_config import AgentConfig, LogFile, check_parameter_name
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.rules.ssm_schedules import (
    AssociationTarget,
    CommandOutput,
    check_association_name,
    check_association_schedule,
    rate_minutes,
    target_problems,
)
from observability_blueprint.security.blueprint_key import BlueprintKey
from support import assert_compliant, new_app, new_stack

LINUX_CONFIG = AgentConfig(
    log_files=(LogFile(file_path="/var/log/nginx/error.log", log_group_name="/shop/dev/nginx"),)
)
TAG = AssociationTarget.tag("role", "web", "api")


def big_config() -> AgentConfig:
    return AgentConfig(
        log_files=tuple(
            LogFile(
                file_path=f"/var/log/service-{i:03d}/application-events.log",
                log_group_name=f"/payments/prod/hosts/fleet/service-{i:03d}",
                timestamp_format="%Y-%m-%dT%H:%M:%S.%f%z",
            )
            for i in range(30)
        )
    )


@dataclass
class Built:
    stack: Stack
    template: dict[str, Any]
    agents: dict[str, AgentAssociation]

    def resource(self, construct: Any) -> dict[str, Any]:
        logical_id = self.stack.get_logical_id(construct)
        resource: dict[str, Any] = self.template["Resources"][logical_id]
        return resource

    def association(self, name: str) -> dict[str, Any]:
        props: dict[str, Any] = self.resource(self.agents[name].association)["Properties"]
        return props

    def parameter(self, name: str) -> dict[str, Any]:
        node = self.agents[name].parameter.node.default_child
        props: dict[str, Any] = self.resource(node)["Properties"]
        return props


@pytest.fixture(scope="module")
def built() -> Built:
    app, stack = new_stack()
    log_group = ManagedLogGroup(stack, "Nginx", log_group_name="/shop/dev/nginx")
    agents = {
        "linux": AgentAssociation(
            stack,
            "Linux",
            config=LINUX_CONFIG,
            targets=[TAG],
            association_name="shop-dev-web-cloudwatch-agent",
            parameter_name="AmazonCloudWatch-shop-dev-web",
            schedule="cron(15 13 ? * MON *)",
            compliance_severity="HIGH",
            max_concurrency="2",
            max_errors="0",
            output=CommandOutput("payments-ssm-output", "ssm/agent/"),
            agent_version="1.300050.0",
            log_groups=[log_group],
        ),
        "onprem": AgentAssociation(
            stack,
            "OnPrem",
            config=AgentConfig(os="windows"),
            targets=[AssociationTarget.instance_ids("mi-0123456789abcdef0")],
            mode="onPremise",
        ),
        "big": AgentAssociation(
            stack, "Big", config=big_config(), targets=[AssociationTarget.instance_ids("*")]
        ),
        "group": AgentAssociation(
            stack,
            "Group",
            config=AgentConfig(),
            targets=[AssociationTarget.resource_group("web-servers")],
        ),
        "ids": AgentAssociation(
            stack,
            "Ids",
            config=AgentConfig(),
            targets=[AssociationTarget.instance_ids("i-0123456789abcdef0", "i-0fedcba9876543210")],
        ),
    }
    template = app.synth().get_stack_by_name(stack.stack_name).template
    return Built(stack, template, agents)


# ---------------------------------------------------------------- association


def test_association_runs_the_blueprint_document_with_the_agents_parameter_names(
    built: Built,
) -> None:
    agent = built.agents["linux"]
    props = built.association("linux")
    assert props["Name"] == {"Ref": built.stack.get_logical_id(agent.document)}
    assert props["Parameters"] == {
        "version": ["1.300050.0"],
        "mode": ["ec2"],
        "optionalConfigurationSource": ["ssm"],
        "optionalConfigurationLocation": [agent.parameter_name],
        "optionalRestart": ["yes"],
    }
    assert props["AssociationName"] == "shop-dev-web-cloudwatch-agent"
    assert props["ScheduleExpression"] == "cron(15 13 ? * MON *)"
    assert props["ComplianceSeverity"] == "HIGH"
    assert props["MaxConcurrency"] == "2"
    assert props["MaxErrors"] == "0"
    assert props["OutputLocation"] == {
        "S3Location": {
            "OutputS3BucketName": "payments-ssm-output",
            "OutputS3KeyPrefix": "ssm/agent/",
        }
    }


def test_targets_by_tag_instance_ids_or_resource_group(built: Built) -> None:
    assert built.association("linux")["Targets"] == [{"Key": "tag:role", "Values": ["web", "api"]}]
    assert built.association("big")["Targets"] == [{"Key": "InstanceIds", "Values": ["*"]}]
    assert built.association("group")["Targets"] == [
        {"Key": "resource-groups:Name", "Values": ["web-servers"]}
    ]
    assert built.association("ids")["Targets"] == [
        {"Key": "InstanceIds", "Values": ["i-0123456789abcdef0", "i-0fedcba9876543210"]}
    ]


def test_defaults_and_on_premises_mode(built: Built) -> None:
    props = built.association("onprem")
    assert props["Parameters"]["mode"] == ["onPremise"]
    assert "version" not in props["Parameters"]  # the document's default: latest
    assert props["ScheduleExpression"] == "rate(7 days)"
    assert props["ComplianceSeverity"] == "MEDIUM"
    assert (props["MaxConcurrency"], props["MaxErrors"]) == ("10%", "10%")
    assert "OutputLocation" not in props
    assert "AssociationName" not in props


def test_association_waits_for_its_parameter_and_log_groups(built: Built) -> None:
    agent = built.agents["linux"]
    depends = built.resource(agent.association)["DependsOn"]
    assert built.stack.get_logical_id(agent.parameter.node.default_child) in depends  # type: ignore[arg-type]
    nginx = built.stack.node.find_child("Nginx")
    assert isinstance(nginx, ManagedLogGroup)
    assert built.stack.get_logical_id(nginx.log_group.node.default_child) in depends  # type: ignore[arg-type]


# ------------------------------------------------------------------ document


def test_document_installs_then_configures_in_one_command_document(built: Built) -> None:
    document = built.resource(built.agents["linux"].document)["Properties"]
    assert document["DocumentType"] == "Command"
    assert document["DocumentFormat"] == "JSON"
    content = document["Content"]
    assert content == document_content()
    assert content["schemaVersion"] == "2.2"
    install, configure = content["mainSteps"]
    assert [install["action"], configure["action"]] == ["aws:runDocument", "aws:runDocument"]
    assert install["inputs"]["documentPath"] == INSTALL_DOCUMENT == "AWS-ConfigureAWSPackage"
    assert install["inputs"]["documentParameters"] == {
        "action": "Install",
        "name": AGENT_PACKAGE,
        "version": "{{ version }}",
    }
    assert install["inputs"]["onFailure"] == "exit"
    assert configure["inputs"]["documentPath"] == MANAGE_DOCUMENT
    assert configure["inputs"]["documentParameters"] == {
        "action": "configure",
        "mode": "{{ mode }}",
        "optionalConfigurationSource": "{{ optionalConfigurationSource }}",
        "optionalConfigurationLocation": "{{ optionalConfigurationLocation }}",
        "optionalRestart": "{{ optionalRestart }}",
    }


def test_every_association_parameter_is_a_document_parameter(built: Built) -> None:
    declared = document_content()["parameters"]
    for name in built.agents:
        assert set(built.association(name)["Parameters"]) <= set(declared)
    # Every placeholder in the steps is declared.
    steps = json.dumps(document_content()["mainSteps"])
    for parameter in declared:
        assert "{{ " + parameter + " }}" in steps
    allowed = declared["optionalConfigurationLocation"]["allowedPattern"]
    for name in built.agents:
        assert re.fullmatch(allowed, built.agents[name].parameter_name)


# ------------------------------------------------------------ credential paths


def test_a_log_file_that_holds_credentials_is_shipped_with_a_warning() -> None:
    """Valid (the agent reads it), but CloudWatch Logs would then hold the keys."""
    _, stack = new_stack()
    AgentAssociation(
        stack,
        "Keys",
        config=AgentConfig(
            log_files=(
                LogFile(file_path="/var/log/messages", log_group_name="/shop/dev/messages"),
                LogFile(file_path="/home/*/.ssh/*", log_group_name="/shop/dev/ssh"),
            )
        ),
        targets=[TAG],
    )
    annotations = Annotations.from_stack(stack)
    warnings = annotations.find_warning("*", Match.any_value())
    assert [(w.id, w.entry.data) for w in warnings] == [
        (
            "/Test/Keys",
            "config.log_files[1].file_path: '/home/*/.ssh/*' can match /home/USER/.ssh/id_rsa, "
            "which holds an SSH private key: the agent would send it to CloudWatch Logs, where "
            "everyone who may read the log group reads it. Collect only log files, or narrow "
            "the path [ack: observability-blueprint:credential-log-path]",
        )
    ]
    assert CREDENTIAL_LOG_PATH_WARNING == "observability-blueprint:credential-log-path"


def test_ordinary_log_files_raise_no_warning(built: Built) -> None:
    assert Annotations.from_stack(built.stack).find_warning("*", Match.any_value()) == []


# ----------------------------------------------------------------- parameter


def test_parameter_holds_the_config_under_a_hashed_readable_name(built: Built) -> None:
    agent = built.agents["linux"]
    props = built.parameter("linux")
    assert props["Name"] == agent.parameter_name
    assert agent.parameter_name.startswith("AmazonCloudWatch-shop-dev-web-")
    assert check_parameter_name(agent.parameter_name) is None
    assert props["Type"] == "String"
    assert props["Tier"] == "Standard"
    assert AgentConfig.from_json(props["Value"]) == LINUX_CONFIG
    default_name = built.agents["onprem"].parameter_name
    assert default_name.startswith("AmazonCloudWatch-TestOnPrem")  # unique construct id
    assert check_parameter_name(default_name) is None


def test_large_config_takes_the_advanced_tier(built: Built) -> None:
    assert built.parameter("big")["Tier"] == "Advanced"
    assert built.agents["big"].tier == "Advanced"


def test_changed_config_changes_the_parameter_name() -> None:
    """A new name is a new association parameter: State Manager re-runs the configure step."""
    _, stack = new_stack()
    a = AgentAssociation(
        stack, "A", config=AgentConfig(), targets=[TAG], parameter_name="AmazonCloudWatch-x"
    )
    b = AgentAssociation(
        stack,
        "B",
        config=AgentConfig(cpu_per_core=True),
        targets=[TAG],
        parameter_name="AmazonCloudWatch-x",
    )
    c = AgentAssociation(
        stack, "C", config=AgentConfig(), targets=[TAG], parameter_name="AmazonCloudWatch-x"
    )
    assert a.parameter_name != b.parameter_name
    assert a.parameter_name == c.parameter_name


# ------------------------------------------------------------------ bad input


def _associate(**overrides: Any) -> None:
    _, stack = new_stack()
    arguments: dict[str, Any] = {"config": AgentConfig(), "targets": [TAG], **overrides}
    AgentAssociation(stack, "Agent", **arguments)


def test_unreadable_parameter_name_is_rejected() -> None:
    with pytest.raises(
        BlueprintError,
        match=r"^Test/Agent\.parameter_name: 'cwagent-web-[0-9a-f]{10}' is a name instances cannot "
        r"read: the managed policy CloudWatchAgentServerPolicy allows ssm:GetParameter only on "
        r"arn:aws:ssm:\*:\*:parameter/AmazonCloudWatch-\*",
    ):
        _associate(parameter_name="cwagent-web")


def test_config_larger_than_the_advanced_tier_is_rejected() -> None:
    huge = AgentConfig(
        log_files=tuple(
            LogFile(file_path=f"/var/log/s{i:03d}/events.log", log_group_name=f"/a/b/s{i:03d}")
            for i in range(120)
        )
    )
    with pytest.raises(
        BlueprintError,
        match=r"^Test/Agent\.config: the agent configuration is [\d,]+ bytes; an SSM parameter "
        r"holds at most 4,096 bytes \(Standard tier\) or 8,192 bytes \(Advanced tier\)",
    ):
        _associate(config=huge)


def test_bad_association_name_is_rejected() -> None:
    with pytest.raises(
        BlueprintError,
        match=r"^Test/Agent\.association_name: 'web agent' is not an association name; use 3 to "
        r"128 letters, digits and _ - \.",
    ):
        _associate(association_name="web agent")


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        (
            [TAG, AssociationTarget.instance_ids("i-0123456789abcdef0")],
            "Test/Agent.targets[1]: 'InstanceIds=i-0123456789abcdef0' cannot be combined with "
            "targets[0] ('tag:role=web,api'): an association targets by one of a tag, instance "
            "ids or a resource group, never a mix. Give these servers an association (a fleet) "
            "of their own, or tag them and target the tag",
        ),
        (
            [AssociationTarget.resource_group("web"), TAG],
            "Test/Agent.targets[1]: 'tag:role=web,api' cannot be combined with targets[0] "
            "('resource-groups:Name=web'): an association targets by one of a tag, instance ids "
            "or a resource group, never a mix. Give these servers an association (a fleet) of "
            "their own, or tag them and target the tag",
        ),
        (
            [TAG, AssociationTarget.tag("env", "prod")],
            "Test/Agent.targets[1]: 'tag:env=prod' is a second tag target after targets[0] "
            "('tag:role=web,api'): an association targets one tag key, and a node with any of "
            "its values matches. Put every value under one tag key, or, to require several "
            "tags, create a resource group with a tag query and target the group",
        ),
        (
            [TAG, AssociationTarget.tag("role", "batch")],
            "Test/Agent.targets[1]: 'tag:role=batch' repeats the tag key of targets[0]; put all "
            "its values in targets[0] (a node with any of them matches)",
        ),
        (
            [
                AssociationTarget.instance_ids("i-0123456789abcdef0"),
                AssociationTarget.instance_ids("i-0fedcba9876543210"),
            ],
            "Test/Agent.targets[1]: 'InstanceIds=i-0fedcba9876543210' is a second instance ids "
            "target after targets[0] ('InstanceIds=i-0123456789abcdef0'): give every instance id "
            "in one list",
        ),
        (
            [AssociationTarget.resource_group("web"), AssociationTarget.resource_group("api")],
            "Test/Agent.targets[1]: 'resource-groups:Name=api' is a second resource group target "
            "after targets[0] ('resource-groups:Name=web'): an association targets one resource "
            "group only (several or nested groups are not supported); make one group that holds "
            "them all",
        ),
    ],
    ids=["tag+ids", "group+tag", "two-tag-keys", "same-tag-twice", "two-id-lists", "two-groups"],
)
def test_targets_state_manager_cannot_combine_are_rejected(
    targets: list[AssociationTarget], message: str
) -> None:
    """One association, one target: a tag key, a list of ids, or a resource group."""
    with pytest.raises(BlueprintError) as error:
        _associate(targets=targets)
    assert str(error.value) == message


def test_six_targets_report_each_one_that_cannot_join_the_first() -> None:
    targets = [AssociationTarget.tag(f"k{i}", "v") for i in range(6)]
    with pytest.raises(BlueprintError) as error:
        _associate(targets=targets)
    assert [p.location for p in error.value.problems] == [
        f"Test/Agent.targets[{i}]" for i in range(1, 6)
    ]


def test_rate_under_thirty_minutes_is_rejected() -> None:
    with pytest.raises(
        BlueprintError,
        match=r"^Test/Agent\.schedule: 'rate\(15 minutes\)' is too frequent: State Manager "
        r"associations run at most every 30 minutes",
    ):
        _associate(schedule="rate(15 minutes)")


def test_eventbridge_cron_is_rejected_with_state_managers_form() -> None:
    with pytest.raises(BlueprintError) as error:
        _associate(schedule="cron(0 12 * * ? *)")
    assert str(error.value) == (
        "Test/Agent.schedule: 'cron(0 12 * * ? *)' is EventBridge's form of a daily schedule "
        "('?' in day-of-week); State Manager's dialect puts '?' in day-of-month and '*' or a "
        "weekday in day-of-week: write cron(0 12 ? * * *) for every day at 12:00 UTC, or "
        "cron(0 12 ? * MON *) for Mondays"
    )


def test_every_bad_setting_is_reported_at_once() -> None:
    with pytest.raises(BlueprintError) as error:
        _associate(
            config=AgentConfig(metrics=("mem_used_prcent",)),
            compliance_severity="SEVERE",
            max_concurrency="0",
            max_errors="101%",
            output=CommandOutput("Bad_Bucket", "ssm/"),
            mode="cloud",
            agent_version="latest",
        )
    locations = [p.location for p in error.value.problems]
    assert locations == [
        "Test/Agent.config.metrics[0]",
        "Test/Agent.compliance_severity",
        "Test/Agent.max_concurrency",
        "Test/Agent.max_errors",
        "Test/Agent.output",
        "Test/Agent.mode",
        "Test/Agent.agent_version",
    ]
    assert "did you mean 'mem_used_percent'?" in error.value.problems[0].message


# --------------------------------------------------------- State Manager rules


@pytest.mark.parametrize(
    "expression",
    [
        "rate(30 minutes)",
        "rate(1 hour)",
        "rate(5 hours)",
        "rate(1 day)",
        "rate(30 days)",
        "cron(0/30 * * * ? *)",
        "cron(0 */30 * * * ? *)",
        "cron(0 0/1 * * ? *)",
        "cron(0 0/2 * * ? *)",
        "cron(0 0/4 * * ? *)",
        "cron(0 0/8 * * ? *)",
        "cron(0 0/12 * * ? *)",
        "cron(15 13 ? * * *)",
        "cron(15 13 ? * MON *)",
        "cron(0 0 ? * THU#2 *)",
        "cron(0 15 13 ? * 2 *)",
    ],
)
def test_documented_association_schedules_are_accepted(expression: str) -> None:
    assert check_association_schedule(expression) is None


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("rate(29 minutes)", "is too frequent"),
        ("rate(31 days)", "is too long: an association's rate must be under 31 days"),
        ("rate(1 days)", "write rate(1 day)"),
        ("rate(2 hour)", "write rate(2 hours)"),
        ("rate(0 minutes)", "has a zero interval"),
        ("rate(1 week)", "is not a rate"),
        ("cron(0 12 * * ? *)", "is EventBridge's form of a daily schedule"),
        ("cron(0 12 * * *)", "has 5 fields, like a Unix crontab"),
        ("cron(0 0/3 * * ? *)", "accepts only these cron forms"),
        ("cron(0/15 * * * ? *)", "accepts only these cron forms"),
        ("cron(0 12 1 * ? *)", "accepts only these cron forms"),
        ("cron(0 12 ? JAN MON *)", "names a month or year"),
        ("cron(30 0 12 ? * * *)", "optional seconds field can only be 0"),
        ("cron(0 12 ? * MON-FRI *)", "names several weekdays in day-of-week ('MON-FRI')"),
        ("cron(0 0 ? * THU#2#3 *)", "accepts only these cron forms"),
        ("at(2026-01-01T00:00:00)", "is not an association schedule"),
        (" rate(1 day)", "without spaces around"),
    ],
)
def test_schedules_state_manager_rejects(expression: str, message: str) -> None:
    result = check_association_schedule(expression)
    assert result is not None
    assert message in result


# State Manager's association forms ("Reference: Cron and rate expressions for Systems
# Manager", section "Cron and rate expressions for associations"): every day or every
# week at a time, one nth weekday (THU#2), or every 1/2, 1, 2, 4, 8 or 12 hours.


@pytest.mark.parametrize("expression", ["cron(0 0 ? * THU#1,FRI#3 *)", "cron(0 0 ? * 3#1,6#3 *)"])
def test_more_than_one_hash_expression_in_day_of_week_is_refused(expression: str) -> None:
    day_of_week = expression.split()[4]
    assert check_association_schedule(expression) == (
        f"{expression!r} has 2 expressions in day-of-week ({day_of_week!r}); with # an "
        "association's cron takes a single one, such as THU#2 (the second Thursday of the "
        "month): create one association per weekday"
    )


def test_several_weekdays_are_refused() -> None:
    assert check_association_schedule("cron(15 13 ? * MON,WED *)") == (
        "'cron(15 13 ? * MON,WED *)' names several weekdays in day-of-week ('MON,WED'); an "
        "association's cron runs every day (*) or on one weekday, such as "
        "cron(15 13 ? * MON *): create one association per weekday, or run every day"
    )


def test_an_hour_range_wrapping_past_midnight_is_refused() -> None:
    # EventBridge's cron examples run cron(0/30 20-2 ? * MON-FRI *); no association form
    # takes an hour range, wrapping or not.
    assert check_association_schedule("cron(0 20-2 ? * * *)") == (
        "'cron(0 20-2 ? * * *)' runs in the hours '20-2'; an association's cron takes no range "
        "or list of hours, even one that wraps past midnight: it runs at one time of day, such "
        "as cron(15 13 ? * * *), or every 1, 2, 4, 8 or 12 hours, such as cron(0 0/4 * * ? *). "
        "Use a rate, or one association per time of day"
    )


@pytest.mark.parametrize("hours", ["8-17", "8,20", "0-23/2"])
def test_any_hour_range_or_list_is_refused(hours: str) -> None:
    message = check_association_schedule(f"cron(0 {hours} * * ? *)")
    assert message == (
        f"'cron(0 {hours} * * ? *)' runs in the hours {hours!r}; an association's cron takes no "
        "range or list of hours: it runs at one time of day, such as cron(15 13 ? * * *), or "
        "every 1, 2, 4, 8 or 12 hours, such as cron(0 0/4 * * ? *). Use a rate, or one "
        "association per time of day"
    )


def test_a_long_schedule_is_cut_in_the_message() -> None:
    expression = "cron(0 0 ? * " + "MON," * 1000 + "TUE *)"
    message = check_association_schedule(expression)
    assert message is not None
    assert message.startswith(f"{expression[:77] + '...'!r} names several weekdays")
    assert len(message) < 400


def test_rate_minutes() -> None:
    assert rate_minutes("rate(2 hours)") == 120
    assert rate_minutes("cron(0 0/1 * * ? *)") is None


def test_targets_are_checked_one_by_one() -> None:
    problems = list(
        target_problems(
            [
                AssociationTarget.instance_ids("i-123", "*"),
                AssociationTarget.tag("aws:role", "x"),
                AssociationTarget.tag("role"),
                AssociationTarget("Owner", ("me",)),
                AssociationTarget.resource_group("web servers"),
            ]
        )
    )
    own = [p for p in problems if "cannot be combined" not in p.message]
    assert [p.location for p in own] == [f"targets[{i}]" for i in range(5)]
    assert own[0].message.startswith("'i-123' not valid here: give instance ids")
    assert own[2].message == "tag:role has 0 values; give 1 to 50"
    assert "is not a target State Manager accepts" in own[3].message
    assert [str(p) for p in target_problems([])] == [
        "targets: an association needs one target (a tag with values, instance ids or a "
        "resource group)"
    ]


@pytest.mark.parametrize(
    "key",
    ["role", "Patch Group", "team:app/tier=web", "a_b.c-d@e", "Rôle", "役割", "k" * 128],
)
def test_tag_keys_a_target_key_takes(key: str) -> None:
    """botocore ssm TargetKey: ^[\\p{L}\\p{Z}\\p{N}_.:/=\\-@]*$ after tag:."""
    assert AssociationTarget.tag(key, "v").check() is None


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("cost+center", "'cost+center'"),
        ("aws:role", "'aws:role'"),
        ("AWS:x", "'AWS:x'"),
        ("", "''"),
        ("k" * 129, "'" + "k" * 77 + "...'"),  # a long key is cut in the message
        ("a*b", "'a*b'"),
    ],
)
def test_tag_keys_a_target_key_refuses(key: str, shown: str) -> None:
    message = AssociationTarget.tag(key, "v").check()
    assert message == (
        f"{shown} is not a tag key a State Manager target takes; use 1 to 128 letters, "
        "digits, spaces and _ . : / = - @ (no +), not starting with aws:"
    )


@pytest.mark.parametrize(
    "ids",
    [("i-0123456789ABCDEF0",), ("i-0123456789abcdef",), ("mi-0123456789ABCDEF0",), ("i-01234_67",)],
)
def test_instance_ids_no_node_has_are_refused(ids: tuple[str, ...]) -> None:
    """The API's pattern takes \\w (upper case, _), but such an id targets nothing."""
    message = AssociationTarget.instance_ids(*ids).check()
    assert message == (
        f"{ids[0]!r} not valid here: give instance ids (i-0123456789abcdef0, "
        "mi-0123456789abcdef0 for servers; lower case) or only '*' for every managed node"
    )


def test_association_names() -> None:
    assert check_association_name("shop-dev_web.agent") is None
    assert check_association_name("ab") is not None
    assert check_association_name("x" * 129) is not None


# ---------------------------------------------------- the whole hosts section


FULL_SECTION: dict[str, Any] = {
    "instance_role": True,
    "on_premises": True,
    "vpc_endpoints": {
        "vpc_id": "vpc-0123456789abcdef0",
        "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        "security_group_ids": ["sg-0123456789abcdef0"],
        "route_table_ids": ["rtb-0123456789abcdef0"],
        "services": ["ssm", "ssmmessages", "ec2messages", "logs", "monitoring", "ec2"],
    },
    "fleets": [
        {
            "name": "web",
            "targets": [{"tag": "role", "values": ["web"]}],
            "output": {"bucket": "payments-ssm-output", "prefix": "ssm/"},
            "log_files": [
                {
                    "name": "nginx-error",
                    "file_path": "/var/log/nginx/error.log",
                    "retention_days": 30,
                    "encrypted": True,
                    "timestamp_format": "%Y/%m/%d %H:%M:%S",
                }
            ],
        },
        {
            "name": "branch-servers",
            "os": "windows",
            "mode": "onPremise",
            "targets": [{"instance_ids": ["mi-0123456789abcdef0"]}],
            "windows_events": [{"name": "system", "event_name": "System"}],
        },
    ],
}


@dataclass
class Composed:
    built: BuiltHosts
    template: dict[str, Any]
    outdir: Path
    nag_error: str | None


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Composed:
    outdir = tmp_path_factory.mktemp("hosts")
    app = new_app(outdir)
    stack = Stack(app, "Hosts")
    key = BlueprintKey(stack, "Key")
    built = build_hosts(
        stack, Hosts.model_validate(FULL_SECTION), name="shop", stage="dev", encryption_key=key
    )
    add_compliance_checks(app)
    nag_error = None
    try:
        app.synth()
    except RuntimeError as error:
        nag_error = str(error)
    template = json.loads((outdir / "Hosts.template.json").read_text())
    return Composed(built, template, outdir, nag_error)


def test_build_hosts_creates_each_part_under_stable_ids(composed: Composed) -> None:
    built = composed.built
    assert built.scope.node.path == "Hosts/Hosts"
    assert built.identity is not None
    assert built.identity.node.path == "Hosts/Hosts/Identity"
    assert built.endpoints is not None
    assert built.endpoints.node.path == "Hosts/Hosts/Endpoints"
    assert built.agents["web"].node.path == "Hosts/Hosts/Fleets/web/Agent"
    assert built.log_groups["web"]["nginx-error"].node.path == "Hosts/Hosts/Fleets/web/nginx-error"
    types = [r["Type"] for r in composed.template["Resources"].values()]
    assert types.count("AWS::SSM::Association") == 2
    assert types.count("AWS::EC2::VPCEndpoint") == 7
    outputs = composed.template["Outputs"]
    assert {o["Description"] for o in outputs.values()} == {
        "Attach this instance profile to the fleets' EC2 instances",
        "aws ssm create-activation --iam-role <this name>",
    }


def test_build_hosts_log_groups_have_retention_and_encryption(composed: Composed) -> None:
    groups = {
        r["Properties"]["LogGroupName"]: r
        for r in composed.template["Resources"].values()
        if r["Type"] == "AWS::Logs::LogGroup"
    }
    nginx = groups["/shop/dev/hosts/web/nginx-error"]
    assert nginx["Properties"]["RetentionInDays"] == 30
    assert "KmsKeyId" in nginx["Properties"]
    assert nginx["DeletionPolicy"] == "Retain"
    system = groups["/shop/dev/hosts/branch-servers/system"]
    assert system["Properties"]["RetentionInDays"] == 365


def test_build_hosts_config_points_at_its_log_groups(composed: Composed) -> None:
    agent = composed.built.agents["branch-servers"]
    config = AgentConfig.from_json(agent.config_value)
    [events] = config.windows_events
    assert events.log_group_name == "/shop/dev/hosts/branch-servers/system"
    assert events.log_stream_name == "{hostname}"  # servers outside AWS have no instance id


def test_build_hosts_passes_cdk_nag_and_cfn_lint(composed: Composed) -> None:
    assert_compliant(composed.outdir, nag_error=composed.nag_error)


def test_encrypted_source_without_key_is_rejected() -> None:
    _, stack = new_stack()
    with pytest.raises(
        BlueprintError, match=r"nginx-error\.encrypted: an encrypted log group needs"
    ):
        build_hosts(stack, Hosts.model_validate(FULL_SECTION), name="shop", stage="dev")


def test_deploy_time_values_are_left_to_cloudformation() -> None:
    app, stack = new_stack()
    schedule = CfnParameter(stack, "Schedule", default="rate(1 day)")
    agent = AgentAssociation(
        stack, "Agent", config=AgentConfig(), targets=[TAG], schedule=schedule.value_as_string
    )
    template = app.synth().get_stack_by_name(stack.stack_name).template
    props = template["Resources"][stack.get_logical_id(agent.association)]["Properties"]
    assert props["ScheduleExpression"] == {"Ref": "Schedule"}
