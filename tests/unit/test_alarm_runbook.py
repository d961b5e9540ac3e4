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

from observability_blueprint import AlarmRunbook, BlueprintError, add_compliance_checks
from observability_blueprint.rules.event_schedules import Permission
from support import new_app, resources

ENV = Environment(account="111122223333", region="eu-west-1")
LEDGER_ALARM_ARN = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:ledger-down"
STATUS_TOPIC = "arn:aws:sns:eu-west-1:111122223333:status"
OWN_ROLE = "arn:aws:iam::111122223333:role/payments-automation"
RETRY_POLICY = {"MaximumEventAgeInSeconds": 7200, "MaximumRetryAttempts": 3}
EVENTS_TRUST = {
    "Statement": [
        {
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}},
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
        }
    ],
    "Version": "2012-10-17",
}
# https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-iam.html
AUTOMATION_TRUST = {
    "Statement": [
        {
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": "111122223333"},
                "ArnLike": {
                    "aws:SourceArn": "arn:aws:ssm:eu-west-1:111122223333:automation-execution/*"
                },
            },
            "Effect": "Allow",
            "Principal": {"Service": "ssm.amazonaws.com"},
        }
    ],
    "Version": "2012-10-17",
}
PASS_TO_SSM = {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}}


def with_role(before: str, role: Any) -> dict[str, Any]:
    """A target input: the parameters, then the automation role the runbook runs with."""
    return {
        "Fn::Join": [
            "",
            [before + '"AutomationAssumeRole":["', {"Fn::GetAtt": [role, "Arn"]}, '"]}'],
        ]
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
    notify = AlarmRunbook(
        stack,
        "Recovered",
        alarm=ledger,
        state="OK",
        document="Payments-Notify",
        permissions=[Permission(actions=("sns:Publish",), resources=(STATUS_TOPIC,))],
    )
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
        parameters={"InstanceId": ["i-0123456789abcdef0"]},
    )
    # A runbook given its own automation role keeps it.
    AlarmRunbook(
        agnostic,
        "OwnRole",
        alarm=cloudwatch.Alarm.from_alarm_name(agnostic, "Other", "shop-api-other"),
        state="ALARM",
        document="Payments-Notify",
        parameters={"AutomationAssumeRole": [OWN_ROLE]},
        permissions=[Permission(actions=("sns:Publish",), resources=(STATUS_TOPIC,))],
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


def test_one_rule_a_starting_role_and_an_automation_role_per_runbook(built: Built) -> None:
    template = built.template()
    template.resource_count_is("AWS::Events::Rule", 4)
    template.resource_count_is("AWS::IAM::Role", 8)
    template.resource_count_is("AWS::IAM::Policy", 8)
    assert built.restart.rule.node.path == "Test/Restart/Rule"
    assert built.restart.role.node.path == "Test/Restart/Role"
    assert built.restart.automation_role is not None
    assert built.restart.automation_role.node.path == "Test/Restart/Role/Automation"


# ----------------------------------------------------------- the target


def test_target_starts_the_default_version_of_the_document(built: Built) -> None:
    assert built.resource("RestartRule7182D92D")["Properties"]["Targets"] == [
        {
            "Arn": (
                "arn:aws:ssm:eu-west-1:111122223333:automation-definition/"
                "AWS-RestartEC2Instance:$DEFAULT"
            ),
            "Id": "Target0",
            "Input": with_role(
                '{"InstanceId":["i-0123456789abcdef0"],', "RestartRoleAutomation04BEE33E"
            ),
            # A state change it could not start the runbook for is kept (issue 12, B8).
            "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["RestartDeadLetters04DD9312", "Arn"]}},
            "RetryPolicy": RETRY_POLICY,
            "RoleArn": {"Fn::GetAtt": ["RestartRole8527ABAC", "Arn"]},
        }
    ]


def test_no_parameters_is_an_input_with_only_the_automation_role(built: Built) -> None:
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
                    "Input": with_role("{", "RecoveredRoleAutomationFCC3F9A2"),
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
                        "Input": with_role(
                            '{"TopicArn":["arn:aws:sns:eu-west-1:111122223333:status"],'
                            '"Message":["No data from","the \\"api\\" service"],',
                            Match.string_like_regexp("^StatusRoleAutomation"),
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
            "Targets": [
                Match.object_like(
                    {
                        "Input": with_role(
                            '{"InstanceId":["i-0123456789abcdef0"],',
                            Match.string_like_regexp("^CopiedRoleAutomation"),
                        )
                    }
                )
            ],
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


def test_the_role_may_start_only_its_document_and_pass_only_its_automation_role(
    built: Built,
) -> None:
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
                },
                {
                    "Action": "iam:PassRole",
                    "Condition": PASS_TO_SSM,
                    "Effect": "Allow",
                    "Resource": {"Fn::GetAtt": ["RestartRoleAutomation04BEE33E", "Arn"]},
                },
            ],
            "Version": "2012-10-17",
        },
        "PolicyName": "RestartRoleDefaultPolicyA3E63110",
        "Roles": [{"Ref": "RestartRole8527ABAC"}],
    }


def test_the_automation_runs_with_a_role_only_ssm_may_assume_for_this_account(
    built: Built,
) -> None:
    """Issue 12, B7: without it the automation had only ssm:StartAutomationExecution."""
    assert built.resource("RestartRoleAutomation04BEE33E") == {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": AUTOMATION_TRUST,
            "Description": "Systems Manager Automation runs AWS-RestartEC2Instance with this role",
        },
    }


def test_the_automation_role_holds_what_a_known_document_does_on_the_named_instance(
    built: Built,
) -> None:
    statements = built.resource("RestartRoleAutomationDefaultPolicy952931A0")["Properties"][
        "PolicyDocument"
    ]["Statement"]
    assert statements == [
        {
            "Action": ["ec2:StartInstances", "ec2:StopInstances"],
            "Effect": "Allow",
            "Resource": "arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0",
        },
        {"Action": "ec2:DescribeInstanceStatus", "Effect": "Allow", "Resource": "*"},
    ]


def test_publish_sns_notification_may_publish_only_to_its_topic(built: Built) -> None:
    [policy] = [
        p
        for logical_id, p in resources(built.template(), "AWS::IAM::Policy").items()
        if logical_id.startswith("StatusRoleAutomation")
    ]
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {"Action": "sns:Publish", "Effect": "Allow", "Resource": STATUS_TOPIC}
    ]


def test_an_unknown_document_gets_the_permissions_given(built: Built) -> None:
    statements = built.resource("RecoveredRoleAutomationDefaultPolicyACCD711B")["Properties"][
        "PolicyDocument"
    ]["Statement"]
    assert statements == [{"Action": "sns:Publish", "Effect": "Allow", "Resource": STATUS_TOPIC}]


def test_a_runbook_given_its_own_role_passes_that_role_and_makes_none(built: Built) -> None:
    template = built.template_json("Agnostic")
    own = {k: v for k, v in template["Resources"].items() if k.startswith("OwnRole")}
    assert sorted(v["Type"] for v in own.values()) == [
        "AWS::Events::Rule",
        "AWS::IAM::Policy",
        "AWS::IAM::Role",
        "AWS::SQS::Queue",
        "AWS::SQS::QueuePolicy",
    ]
    [policy] = [v for v in own.values() if v["Type"] == "AWS::IAM::Policy"]
    assert policy["Properties"]["PolicyDocument"]["Statement"][1] == {
        "Action": "iam:PassRole",
        "Condition": PASS_TO_SSM,
        "Effect": "Allow",
        "Resource": OWN_ROLE,
    }
    [rule] = [v for v in own.values() if v["Type"] == "AWS::Events::Rule"]
    assert rule["Properties"]["Targets"][0]["Input"] == json.dumps(
        {"AutomationAssumeRole": [OWN_ROLE]}, separators=(",", ":")
    )


def _errors_alarm() -> tuple[Stack, cloudwatch.IAlarm]:
    stack = Stack(new_app(), "Refused", env=ENV)
    return stack, cloudwatch.Alarm.from_alarm_name(stack, "Errors", "shop-api-errors")


def test_an_unknown_document_without_permissions_is_refused() -> None:
    stack, alarm = _errors_alarm()
    with pytest.raises(BlueprintError) as caught:
        AlarmRunbook(stack, "Notify", alarm=alarm, state="ALARM", document="Payments-Notify")
    assert str(caught.value) == (
        "Refused/Notify.permissions: the blueprint does not know what Payments-Notify does; "
        "list the actions and resources it needs under permissions (the runbook runs with "
        "exactly those), or use one of AWS-RestartEC2Instance, AWS-StopEC2Instance, "
        "AWS-StartEC2Instance, AWS-CreateImage, AWS-PublishSNSNotification"
    )


def test_publish_sns_notification_without_a_topic_is_refused() -> None:
    stack, alarm = _errors_alarm()
    with pytest.raises(BlueprintError) as caught:
        AlarmRunbook(
            stack,
            "Status",
            alarm=alarm,
            state="ALARM",
            document="AWS-PublishSNSNotification",
            parameters={"Message": ["hello"]},
        )
    assert str(caught.value) == (
        "Refused/Status.parameters.TopicArn: AWS-PublishSNSNotification needs TopicArn: "
        "its automation role may sns:Publish only on the ARNs given there"
    )


def test_an_instance_runbook_without_instance_ids_is_refused_rather_than_widened() -> None:
    stack, alarm = _errors_alarm()
    with pytest.raises(BlueprintError) as caught:
        AlarmRunbook(
            stack, "Restart", alarm=alarm, state="ALARM", document="AWS-RestartEC2Instance"
        )
    message = str(caught.value)
    assert message.startswith("Refused/Restart.parameters.InstanceId: AWS-RestartEC2Instance")
    assert "instance ids (i-0123456789abcdef0)" in message


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
                    },
                    Match.object_like({"Action": "iam:PassRole"}),
                ]
            }
        },
    )
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like(
                {
                    "Statement": [
                        Match.object_like(
                            {
                                "Condition": {
                                    "StringEquals": {
                                        "aws:SourceAccount": {"Ref": "AWS::AccountId"}
                                    },
                                    "ArnLike": {
                                        "aws:SourceArn": {
                                            "Fn::Join": [
                                                "",
                                                [
                                                    "arn:",
                                                    {"Ref": "AWS::Partition"},
                                                    ":ssm:",
                                                    {"Ref": "AWS::Region"},
                                                    ":",
                                                    {"Ref": "AWS::AccountId"},
                                                    ":automation-execution/*",
                                                ],
                                            ]
                                        }
                                    },
                                },
                                "Principal": {"Service": "ssm.amazonaws.com"},
                            }
                        )
                    ]
                }
            )
        },
    )


def test_the_dead_letter_queue_admits_only_its_rule_and_is_kept(built: Built) -> None:
    queue = built.resource("RestartDeadLetters04DD9312")
    assert queue["DeletionPolicy"] == "Retain"
    assert queue["Properties"] == {"MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True}
    [policy] = [
        r
        for r in built.template_json()["Resources"].values()
        if r["Type"] == "AWS::SQS::QueuePolicy"
        and r["Properties"]["Queues"] == [{"Ref": "RestartDeadLetters04DD9312"}]
    ]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    [send] = [s for s in statements if s["Effect"] == "Allow"]
    assert send["Principal"] == {"Service": "events.amazonaws.com"}
    assert send["Condition"] == {
        "ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["RestartRule7182D92D", "Arn"]}}
    }


def test_a_runbook_input_longer_than_eventbridge_takes_is_refused() -> None:
    stack, alarm = _errors_alarm()
    with pytest.raises(BlueprintError) as caught:
        AlarmRunbook(
            stack,
            "Status",
            alarm=alarm,
            state="ALARM",
            document="AWS-PublishSNSNotification",
            parameters={"TopicArn": [STATUS_TOPIC], "Message": ["x" * 9000]},
        )
    message = str(caught.value)
    assert message.startswith("Refused/Status.parameters: ")
    # 9,073 characters of JSON (14 + a 41-character ARN + 15 + 9,000 + 3), plus 150 for
    # the automation role's ARN.
    assert "makes a target input of about 9,223 characters; EventBridge takes at most 8,192" in (
        message
    )
