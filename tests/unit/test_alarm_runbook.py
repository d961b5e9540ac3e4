"""AlarmRunbook, through the construct API: the rule, its target and the role.

One app (a stack with an account and Region, and one without) is synthesized
once for the module, with the compliance checks registered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Environment, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk.assertions import Match, Template

from observability_blueprint import AlarmRunbook, add_compliance_checks
from support import new_app, resources

ENV = Environment(account="111122223333", region="eu-west-1")
LEDGER_ALARM_ARN = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:ledger-down"
RETRY_POLICY = {"MaximumEventAgeInSeconds": 7200, "MaximumRetryAttempts": 3}
EVENTS_TRUST = {
    "Statement": [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
        }
    ],
    "Version": "2012-10-17",
}


@dataclass
class Built:
    outdir: Path
    nag_error: str | None
    restart: AlarmRunbook
    notify: AlarmRunbook
    mutated: dict[str, list[str]]

    def template(self, stack: str = "Test") -> Template:
        return Template.from_json(self.template_json(stack))

    def template_json(self, stack: str = "Test") -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.outdir / f"{stack}.template.json").read_text())
        return data

    def resource(self, logical_id: str, stack: str = "Test") -> dict[str, Any]:
        found: dict[str, Any] = self.template_json(stack)["Resources"][logical_id]
        return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    outdir = tmp_path_factory.mktemp("alarm-runbook")
    app = new_app(outdir)
    stack = Stack(app, "Test", env=ENV)
    errors = cloudwatch.Alarm(
        stack,
        "Errors",
        metric=cloudwatch.Metric(namespace="Shop/Api", metric_name="Errors"),
        threshold=1,
        evaluation_periods=1,
    )
    restart = AlarmRunbook(
        stack,
        "Restart",
        alarm=errors,
        state="ALARM",
        document="AWS-RestartEC2Instance",
        parameters={"InstanceId": ("i-0123456789abcdef0",)},
    )
    # An alarm of another stack or account, by ARN; no parameters.
    ledger = cloudwatch.Alarm.from_alarm_arn(stack, "Ledger", LEDGER_ALARM_ARN)
    notify = AlarmRunbook(stack, "Recovered", alarm=ledger, state="OK", document="Payments-Notify")
    # Several parameters, several values, characters JSON must escape.
    AlarmRunbook(
        stack,
        "Status",
        alarm=errors,
        state="INSUFFICIENT_DATA",
        document="AWS-PublishSNSNotification",
        parameters={
            "TopicArn": ["arn:aws:sns:eu-west-1:111122223333:status"],
            "Message": ["No data from", 'the "api" service'],
        },
    )
    # The caller's mapping is copied: changing it afterwards changes nothing.
    mutated = {"InstanceId": ["i-0123456789abcdef0"]}
    AlarmRunbook(
        stack,
        "Copied",
        alarm=errors,
        state="ALARM",
        document="AWS-StopEC2Instance",
        parameters=mutated,
    )
    mutated["InstanceId"].append("i-0fedcba9876543210")
    mutated["Force"] = ["true"]

    agnostic = Stack(app, "Agnostic")
    AlarmRunbook(
        agnostic,
        "Restart",
        alarm=cloudwatch.Alarm.from_alarm_name(agnostic, "Errors", "shop-api-errors"),
        state="ALARM",
        document="AWS-RestartEC2Instance",
    )

    add_compliance_checks(app)
    nag_error = None
    try:
        app.synth()
    except RuntimeError as error:  # cdk-nag findings fail synthesis
        nag_error = str(error)
    return Built(outdir, nag_error, restart, notify, mutated)


# ------------------------------------------------------------- the rule


def test_rule_matches_the_alarms_state_change(built: Built) -> None:
    assert built.resource("RestartRule7182D92D")["Properties"]["EventPattern"] == {
        "source": ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        "resources": [{"Fn::GetAtt": ["ErrorsFA5270DE", "Arn"]}],
        "detail": {"state": {"value": ["ALARM"]}},
    }


def test_rule_on_an_alarm_given_by_arn_and_another_state(built: Built) -> None:
    built.template().has_resource_properties(
        "AWS::Events::Rule",
        {
            "Description": "Start Payments-Notify when Test/Ledger enters OK",
            "EventPattern": {
                "source": ["aws.cloudwatch"],
                "detail-type": ["CloudWatch Alarm State Change"],
                "resources": [LEDGER_ALARM_ARN],
                "detail": {"state": {"value": ["OK"]}},
            },
            "State": "ENABLED",
        },
    )


def test_rule_description_names_document_alarm_and_state(built: Built) -> None:
    assert built.resource("RestartRule7182D92D")["Properties"]["Description"] == (
        "Start AWS-RestartEC2Instance when Test/Errors enters ALARM"
    )


def test_one_rule_and_one_role_per_runbook(built: Built) -> None:
    template = built.template()
    template.resource_count_is("AWS::Events::Rule", 4)
    template.resource_count_is("AWS::IAM::Role", 4)
    template.resource_count_is("AWS::IAM::Policy", 4)
    assert built.restart.rule.node.path == "Test/Restart/Rule"
    assert built.restart.role.node.path == "Test/Restart/Role"


# ----------------------------------------------------------- the target


def test_target_starts_the_default_version_of_the_document(built: Built) -> None:
    assert built.resource("RestartRule7182D92D")["Properties"]["Targets"] == [
        {
            "Arn": (
                "arn:aws:ssm:eu-west-1:111122223333:automation-definition/"
                "AWS-RestartEC2Instance:$DEFAULT"
            ),
            "Id": "Target0",
            "Input": '{"InstanceId":["i-0123456789abcdef0"]}',
            "RetryPolicy": RETRY_POLICY,
            "RoleArn": {"Fn::GetAtt": ["RestartRole8527ABAC", "Arn"]},
        }
    ]


def test_no_parameters_is_an_empty_input(built: Built) -> None:
    built.template().has_resource_properties(
        "AWS::Events::Rule",
        {
            "Description": "Start Payments-Notify when Test/Ledger enters OK",
            "Targets": [
                {
                    "Arn": (
                        "arn:aws:ssm:eu-west-1:111122223333:automation-definition/"
                        "Payments-Notify:$DEFAULT"
                    ),
                    "Id": "Target0",
                    "Input": "{}",
                    "RetryPolicy": RETRY_POLICY,
                    "RoleArn": {"Fn::GetAtt": [Match.string_like_regexp("^RecoveredRole"), "Arn"]},
                }
            ],
        },
    )


def test_parameters_keep_their_order_and_values(built: Built) -> None:
    built.template().has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": Match.object_like(
                {"detail": {"state": {"value": ["INSUFFICIENT_DATA"]}}}
            ),
            "Targets": [
                Match.object_like(
                    {
                        "Input": (
                            '{"TopicArn":["arn:aws:sns:eu-west-1:111122223333:status"],'
                            '"Message":["No data from","the \\"api\\" service"]}'
                        )
                    }
                )
            ],
        },
    )


def test_parameters_are_copied_when_the_runbook_is_made(built: Built) -> None:
    assert built.mutated == {
        "InstanceId": ["i-0123456789abcdef0", "i-0fedcba9876543210"],
        "Force": ["true"],
    }
    built.template().has_resource_properties(
        "AWS::Events::Rule",
        {
            "Description": "Start AWS-StopEC2Instance when Test/Errors enters ALARM",
            "Targets": [Match.object_like({"Input": '{"InstanceId":["i-0123456789abcdef0"]}'})],
        },
    )


# ------------------------------------------------------------- the role


def test_only_eventbridge_may_assume_the_role(built: Built) -> None:
    assert built.resource("RestartRole8527ABAC") == {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": EVENTS_TRUST,
            "Description": "EventBridge starts AWS-RestartEC2Instance for Test/Errors",
        },
    }


def test_the_role_may_start_only_its_document(built: Built) -> None:
    assert built.resource("RestartRoleDefaultPolicyA3E63110")["Properties"] == {
        "PolicyDocument": {
            "Statement": [
                {
                    "Action": "ssm:StartAutomationExecution",
                    "Effect": "Allow",
                    "Resource": (
                        "arn:aws:ssm:eu-west-1:111122223333:automation-definition/"
                        "AWS-RestartEC2Instance:*"
                    ),
                }
            ],
            "Version": "2012-10-17",
        },
        "PolicyName": "RestartRoleDefaultPolicyA3E63110",
        "Roles": [{"Ref": "RestartRole8527ABAC"}],
    }


def test_no_other_policy_names_the_role(built: Built) -> None:
    policies = resources(built.template(), "AWS::IAM::Policy")
    attached = [
        logical_id
        for logical_id, policy in policies.items()
        if {"Ref": "RestartRole8527ABAC"} in policy["Properties"]["Roles"]
    ]
    assert attached == ["RestartRoleDefaultPolicyA3E63110"]


def test_each_role_is_scoped_to_its_own_document(built: Built) -> None:
    statements = sorted(
        statement["Resource"]
        for policy in resources(built.template(), "AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    )
    prefix = "arn:aws:ssm:eu-west-1:111122223333:automation-definition/"
    assert statements == [
        f"{prefix}AWS-PublishSNSNotification:*",
        f"{prefix}AWS-RestartEC2Instance:*",
        f"{prefix}AWS-StopEC2Instance:*",
        f"{prefix}Payments-Notify:*",
    ]


def test_the_wildcard_on_document_versions_is_acknowledged(built: Built) -> None:
    assert built.nag_error is None
    report = json.loads((built.outdir / "validation-report.json").read_text())
    assert [
        violation
        for plugin in report["pluginReports"]
        if plugin["pluginName"] != "Construct Annotations"
        for violation in plugin["violations"]
    ] == []


# ------------------------------------------- a stack without account or Region


def test_arns_use_the_deploy_time_partition_region_and_account(built: Built) -> None:
    def definition(version: str) -> dict[str, Any]:
        return {
            "Fn::Join": [
                "",
                [
                    "arn:",
                    {"Ref": "AWS::Partition"},
                    ":ssm:",
                    {"Ref": "AWS::Region"},
                    ":",
                    {"Ref": "AWS::AccountId"},
                    f":automation-definition/AWS-RestartEC2Instance:{version}",
                ],
            ]
        }

    template = built.template("Agnostic")
    template.has_resource_properties(
        "AWS::Events::Rule", {"Targets": [Match.object_like({"Arn": definition("$DEFAULT")})]}
    )
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": "ssm:StartAutomationExecution",
                        "Effect": "Allow",
                        "Resource": definition("*"),
                    }
                ]
            }
        },
    )
