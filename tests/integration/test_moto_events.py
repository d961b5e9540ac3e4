"""The synthesized rule patterns on a moto event bus: which events reach an SQS target.

Each rule of the example snippets is created on a moto bus with its pattern as
synthesized and an SQS queue as target; events are put on the bus and the
queues read. What arrives is compared with what the offline matcher
(``event_patterns.matches``) predicts, so the two engines check each other.
moto's own matcher is a test-time reference, not a runtime dependency.
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from aws_cdk import Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk.assertions import Template
from moto import mock_aws

from observability_blueprint.blueprint.events import build_events
from observability_blueprint.config.events import EventsSection
from observability_blueprint.notifications.notification_topic import NotificationTopic
from observability_blueprint.rules.alarm_settings import PrefixNaming
from observability_blueprint.rules.event_patterns import matches
from observability_blueprint.security.blueprint_key import BlueprintKey
from support import event_entry, new_app

pytestmark = pytest.mark.integration
# moto delivers to targets through its input-transformer code, which needs the
# jsonpath_ng package (the moto[events] extra, a dev dependency): fail, not skip.
import jsonpath_ng  # noqa: E402, F401

REGION = "eu-west-1"
_SNIPPETS = runpy.run_path(str(Path(__file__).parent.parent / "unit" / "test_config_events.py"))


@pytest.fixture(scope="module")
def rules() -> dict[str, dict[str, Any]]:
    """Every rule of both snippets (regional and us-east-1 placements), as synthesized."""
    app = new_app()
    stacks: list[Stack] = []
    for index, (text, placement) in enumerate(
        [
            (_SNIPPETS["FULL"], "regional"),
            (_SNIPPETS["FULL"], "us-east-1"),
            (_SNIPPETS["SMALL"], "regional"),
        ]
    ):
        stack = Stack(app, f"Events{index}")
        key = BlueprintKey(stack, "Key")
        topics = {
            name: NotificationTopic(stack, name, encryption_key=key).topic
            for name in ("oncall", "security", "ops")
        }
        build_events(
            stack,
            EventsSection.model_validate(yaml.safe_load(text)["events"]),
            prefix="payments-prod",
            topics=topics,
            alarms={
                "ledger-host-status": cloudwatch.Alarm.from_alarm_name(
                    stack, "Ledger", "payments-prod-ledger-host-status"
                )
            },
            alarm_naming=PrefixNaming("payments-prod"),
            placement=placement,  # type: ignore[arg-type]
        )
        stacks.append(stack)
    found: dict[str, dict[str, Any]] = {}
    for index, stack in enumerate(stacks):
        for resource in Template.from_stack(stack).find_resources("AWS::Events::Rule").values():
            props = resource["Properties"]
            found[f"{index}-{props['Name']}"] = props
    return found


EC2 = "EC2 Instance State-change Notification"
CLOUDTRAIL = "AWS API Call via CloudTrail"
EVENTS: dict[str, dict[str, Any]] = {
    "ec2-stopped": event_entry(
        "aws.ec2", EC2, {"instance-id": "i-0123456789abcdef0", "state": "stopped"}
    ),
    "ec2-running": event_entry(
        "aws.ec2", EC2, {"instance-id": "i-0123456789abcdef0", "state": "running"}
    ),
    "ec2-terminated": event_entry(
        "aws.ec2", EC2, {"instance-id": "i-0fedcba9876543210", "state": "terminated"}
    ),
    "asg-launch-failed": event_entry(
        "aws.autoscaling",
        "EC2 Instance Launch Unsuccessful",
        {"AutoScalingGroupName": "workers", "StatusMessage": "InsufficientInstanceCapacity"},
    ),
    "health-issue": event_entry(
        "aws.health", "AWS Health Event", {"eventTypeCategory": "issue", "service": "EC2"}
    ),
    "health-billing": event_entry(
        "aws.health", "AWS Health Event", {"eventTypeCategory": "issue", "service": "BILLING"}
    ),
    "alarm-ledger": event_entry(
        "aws.cloudwatch",
        "CloudWatch Alarm State Change",
        {"alarmName": "payments-prod-ledger-host-status", "state": {"value": "ALARM"}},
    ),
    "alarm-ok": event_entry(
        "aws.cloudwatch",
        "CloudWatch Alarm State Change",
        {"alarmName": "payments-prod-ledger-host-status", "state": {"value": "OK"}},
    ),
    "alarm-other-workload": event_entry(
        "aws.cloudwatch",
        "CloudWatch Alarm State Change",
        {"alarmName": "shop-dev-api-errors", "state": {"value": "ALARM"}},
    ),
    "guardduty-high": event_entry(
        "aws.guardduty",
        "GuardDuty Finding",
        {"severity": 8.0, "type": "Backdoor:EC2/C&CActivity.B"},
    ),
    "guardduty-low": event_entry(
        "aws.guardduty", "GuardDuty Finding", {"severity": 2.0, "type": "Recon:EC2/PortProbe"}
    ),
    "ecs-crashed": event_entry(
        "aws.ecs",
        "ECS Task State Change",
        {"lastStatus": "STOPPED", "stoppedReason": "Essential container in task exited"},
    ),
    "ecs-scaled-in": event_entry(
        "aws.ecs",
        "ECS Task State Change",
        {"lastStatus": "STOPPED", "stoppedReason": "Scaling activity initiated by deployment"},
    ),
    "sg-change-console": event_entry(
        "aws.ec2",
        CLOUDTRAIL,
        {
            "eventSource": "ec2.amazonaws.com",
            "eventName": "AuthorizeSecurityGroupIngress",
            "sourceIPAddress": "198.51.100.7",
            "userAgent": "Console.AmazonAWS.com",
        },
    ),
    "sg-change-from-office": event_entry(
        "aws.ec2",
        CLOUDTRAIL,
        {
            "eventSource": "ec2.amazonaws.com",
            "eventName": "RevokeSecurityGroupEgress",
            "sourceIPAddress": "203.0.113.9",
            "userAgent": "aws-cli/2.15",
        },
    ),
    "sg-change-failed": event_entry(
        "aws.ec2",
        CLOUDTRAIL,
        {
            "eventSource": "ec2.amazonaws.com",
            "eventName": "CreateSecurityGroup",
            "sourceIPAddress": "203.0.113.9",
            "errorCode": "UnauthorizedOperation",
        },
    ),
    "vpc-change": event_entry(
        "aws.ec2",
        CLOUDTRAIL,
        {
            "eventSource": "ec2.amazonaws.com",
            "eventName": "CreateVpc",
            "sourceIPAddress": "203.0.113.9",
        },
    ),
    "root-sign-in": event_entry(
        "aws.signin",
        "AWS Console Sign In via CloudTrail",
        {"userIdentity": {"type": "Root"}, "sourceIPAddress": "198.51.100.1"},
    ),
    "user-sign-in": event_entry(
        "aws.signin",
        "AWS Console Sign In via CloudTrail",
        {"userIdentity": {"type": "IAMUser"}, "sourceIPAddress": "198.51.100.1"},
    ),
    "iam-put-policy": event_entry(
        "aws.iam", CLOUDTRAIL, {"eventSource": "iam.amazonaws.com", "eventName": "PutRolePolicy"}
    ),
    "iam-attach": event_entry(
        "aws.iam", CLOUDTRAIL, {"eventSource": "iam.amazonaws.com", "eventName": "AttachUserPolicy"}
    ),
    "iam-create-user": event_entry(
        "aws.iam", CLOUDTRAIL, {"eventSource": "iam.amazonaws.com", "eventName": "CreateUser"}
    ),
    "quarantine": event_entry(
        "aws.guardduty",
        "GuardDuty Finding",
        {"severity": 5.0, "type": "Backdoor:EC2/DenialOfService.Tcp"},
    ),
}


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def _as_delivered(entry: dict[str, Any]) -> dict[str, Any]:
    """The event EventBridge builds from a PutEvents entry (the fields the patterns read)."""
    return {
        "version": "0",
        "detail-type": entry["DetailType"],
        "source": entry["Source"],
        "account": "123456789012",
        "region": REGION,
        "resources": entry.get("Resources", []),
        "detail": json.loads(entry["Detail"]),
    }


@pytest.mark.usefixtures("aws")
def test_events_reach_the_rules_the_offline_matcher_predicts(
    rules: dict[str, dict[str, Any]],
) -> None:
    events = boto3.client("events", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    queues: dict[str, str] = {}
    for index, (name, props) in enumerate(sorted(rules.items())):
        url = sqs.create_queue(QueueName=f"rule-{index}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        events.put_rule(Name=f"rule-{index}", EventPattern=json.dumps(props["EventPattern"]))
        events.put_targets(Rule=f"rule-{index}", Targets=[{"Id": "queue", "Arn": arn}])
        queues[name] = url

    expected: dict[str, set[str]] = {name: set() for name in rules}
    for label, entry in EVENTS.items():
        events.put_events(Entries=[entry])
        for name, props in rules.items():
            if matches(props["EventPattern"], _as_delivered(entry)):
                expected[name].add(label)

    labels = {json.dumps(json.loads(e["Detail"]), sort_keys=True): k for k, e in EVENTS.items()}
    arrived: dict[str, set[str]] = {}
    for name, url in queues.items():
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        arrived[name] = {
            labels[json.dumps(json.loads(m["Body"])["detail"], sort_keys=True)] for m in messages
        }
    assert arrived == expected
    # The comparison is not vacuous: most rules receive something, and not everything.
    assert sum(bool(v) for v in arrived.values()) >= len(rules) - 1
    assert all(len(v) < len(EVENTS) for v in arrived.values())


@pytest.mark.usefixtures("aws")
def test_the_alert_message_reads_as_written(rules: dict[str, dict[str, Any]]) -> None:
    [props] = [
        p for n, p in rules.items() if n.startswith("0-") and p["Name"].endswith("-ec2-state")
    ]
    [target] = props["Targets"]
    events = boto3.client("events", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="messages")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events.put_rule(Name="ec2-state", EventPattern=json.dumps(props["EventPattern"]))
    events.put_targets(
        Rule="ec2-state",
        Targets=[{"Id": "queue", "Arn": arn, "InputTransformer": target["InputTransformer"]}],
    )
    events.put_events(Entries=[EVENTS["ec2-stopped"], EVENTS["ec2-running"]])
    [message] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert json.loads(message["Body"]) == (
        f"EC2 instance i-0123456789abcdef0 in {REGION} is now stopped."
    )
