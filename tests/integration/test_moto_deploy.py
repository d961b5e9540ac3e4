"""Both examples deployed through moto's CloudFormation, read back through the service APIs.

Every stack of blueprint.yaml and examples/full.yaml is created once for this
module (this folder's conftest.py: what the examples name by ARN is created
first, what moto cannot deploy is stripped by a listed decision). The tests
read what CloudFormation made of the templates (names, retention, encryption,
rule states and targets, permissions) and send events through the deployed
rules. No AWS account is contacted: moto intercepts every call.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from observability_blueprint.rules.event_patterns import GLOBAL_SOURCES, matches
from support import event_entry

pytestmark = pytest.mark.integration

ACCOUNT = "111122223333"

# What an operator reading the two files expects: log group name -> retention in days
# (None: never expire). Default retention where a file says nothing.
RETENTION: dict[str, int | None] = {
    # blueprint.yaml
    "/shop/dev/api": 30,
    "/shop/dev/worker": 14,
    "/shop/dev/hosts/servers/syslog": 30,
    "/shop/dev/cloudtrail": 365,
    # examples/full.yaml
    "/aws/lambda/payments-prod-checkout": 90,
    "/payments/prod/edge-access": 30,
    "/payments/prod/web-access": 30,
    "/aws/vendedlogs/prometheus/payments-prod": 90,
    "/payments/prod/batch-archive": None,
    "/payments/prod/data-protection-audit": 365,
    "/network/vpc-flow-logs/main": 90,
    "/payments/prod/cloudtrail": 365,
    "/aws/containerinsights/payments-prod/application": 365,
    "/aws/containerinsights/payments-prod/host": 365,
    "/aws/containerinsights/payments-prod/dataplane": 365,
    "/aws/containerinsights/payments-prod/performance": 30,
    "/aws/containerinsights/payments-legacy/application": 365,
    "/aws/containerinsights/payments-legacy/host": 365,
    "/aws/containerinsights/payments-legacy/dataplane": 365,
    "/aws/containerinsights/payments-legacy/performance": 30,
    "/aws/ecs/containerinsights/payments-batch/performance": 30,
    "/payments/prod/hosts/web/nginx-access": 30,
    "/payments/prod/web-app": 365,
    "/payments/prod/hosts/branch-servers/pos": 90,
    "/payments/prod/hosts/branch-servers/system": 90,
}


def _log_groups(region: str) -> dict[str, dict[str, Any]]:
    logs = boto3.client("logs", region_name=region)
    return {
        group["logGroupName"]: group
        for page in logs.get_paginator("describe_log_groups").paginate()
        for group in page["logGroups"]
    }


def test_every_stack_is_created_with_every_resource_it_keeps(deployment: Any) -> None:
    assert sorted(s.name for s in deployment.stacks) == [
        "payments-prod-monitors-us-east-1",
        "payments-prod-observability",
        "payments-prod-observability-us-east-1",
        "shop-dev-observability",
    ]
    for stack in deployment.stacks:
        cloudformation = boto3.client("cloudformation", region_name=stack.region)
        [described] = cloudformation.describe_stacks(StackName=stack.name)["Stacks"]
        assert described["StackStatus"] == "CREATE_COMPLETE", stack.name
        pages = cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack.name)
        created = {
            s["LogicalResourceId"]: s["ResourceStatus"]
            for page in pages
            for s in page["StackResourceSummaries"]
        }
        assert created == dict.fromkeys(stack.deployed["Resources"], "CREATE_COMPLETE")
    # Every type not stripped has a moto model: nothing was skipped with a warning.
    assert [w for w in deployment.warnings if "not supported by moto" in w] == []


def test_log_groups_have_the_retention_the_files_ask_for(deployment: Any) -> None:
    groups = _log_groups("eu-west-1")
    declared = {
        resource["Properties"]["LogGroupName"]
        for stack in deployment.stacks
        for resource in stack.of_type("AWS::Logs::LogGroup").values()
    }
    assert set(groups) == declared == set(RETENTION)
    assert {name: g.get("retentionInDays") for name, g in groups.items()} == RETENTION


def test_topics_are_encrypted_with_a_key_of_their_stack(deployment: Any) -> None:
    found: dict[str, str] = {}
    for stack in deployment.stacks:
        sns = boto3.client("sns", region_name=stack.region)
        keys = set(stack.physical_ids("AWS::KMS::Key").values())
        for arn in stack.physical_ids("AWS::SNS::Topic").values():
            attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
            assert attributes["KmsMasterKeyId"].rsplit("/", 1)[1] in keys, arn
            found[arn] = attributes["DisplayName"]
    assert found == {
        "arn:aws:sns:eu-west-1:111122223333:shop-dev-ops": "Shop operations",
        "arn:aws:sns:eu-west-1:111122223333:payments-prod-oncall": "Payments on-call",
        "arn:aws:sns:eu-west-1:111122223333:payments-prod-security": "",
    }
    # The keys exist in KMS, in the stack's Region.
    for stack in deployment.stacks:
        listed = {
            k["KeyId"] for k in boto3.client("kms", region_name=stack.region).list_keys()["Keys"]
        }
        assert set(stack.physical_ids("AWS::KMS::Key").values()) <= listed


def test_dashboard_bodies_resolve_to_json_with_widgets(deployment: Any) -> None:
    cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
    names = {d["DashboardName"] for d in cloudwatch.list_dashboards()["DashboardEntries"]}
    assert names == {
        f"{prefix}-eu-west-1-{dashboard}"
        for prefix in ("shop-dev", "payments-prod")
        for dashboard in ("services", "alarms", "hosts")
    }
    for name in names:
        body = json.loads(cloudwatch.get_dashboard(DashboardName=name)["DashboardBody"])
        assert body["widgets"], name


@dataclass
class Rule:
    """An EventBridge rule as deployed."""

    region: str
    name: str
    arn: str
    pattern: dict[str, Any]
    enabled: bool


def _rules(deployment: Any) -> list[Rule]:
    found = []
    for stack in deployment.stacks:
        events = boto3.client("events", region_name=stack.region)
        for name in stack.physical_ids("AWS::Events::Rule").values():
            rule = events.describe_rule(Name=name)
            found.append(
                Rule(
                    stack.region,
                    name,
                    rule["Arn"],
                    json.loads(rule["EventPattern"]),
                    rule["State"] == "ENABLED",
                )
            )
    return found


def _named(rules: list[Rule], name: str) -> Rule:
    [rule] = [r for r in rules if r.name == name]
    return rule


def test_rules_are_enabled_as_the_files_say(deployment: Any) -> None:
    rules = _rules(deployment)
    checked = 0
    for stack in deployment.stacks:
        events = stack.config.events
        if events is None or stack.name.endswith("-us-east-1"):
            continue
        prefix = f"{stack.config.name}-{stack.config.stage}"
        for item in [*events.alerts, *events.responses]:
            assert _named(rules, f"{prefix}-{item.name}").enabled is item.enabled, item.name
            checked += 1
    # blueprint.yaml: one alert; full.yaml: nine alerts and three responses.
    assert checked == 1 + 9 + 3
    assert not _named(rules, "payments-prod-iam-policy-changes").enabled


def _exists(arn: str) -> bool:
    """Whether the resource an ARN names exists (in the ARN's Region and account)."""
    _, _, service, region, account, resource = arn.split(":", 5)
    assert account in ("", ACCOUNT), arn
    try:
        if service == "sns":
            boto3.client("sns", region_name=region).get_topic_attributes(TopicArn=arn)
        elif service == "sqs":
            boto3.client("sqs", region_name=region).get_queue_url(QueueName=resource)
        elif service == "lambda":
            boto3.client("lambda", region_name=region).get_function(FunctionName=arn)
        elif service == "events":
            kind, name = resource.split("/", 1)
            assert kind == "event-bus", arn
            boto3.client("events", region_name=region).describe_event_bus(Name=name)
        elif service == "iam":
            kind, name = resource.split("/", 1)
            assert kind == "role", arn
            boto3.client("iam").get_role(RoleName=name)
        else:
            raise AssertionError(f"cannot look up {arn}")
    except ClientError:
        return False
    return True


def _aws_owned(arn: str) -> bool:
    """ARNs that name no resource of the account: OpsCenter, AWS-owned SSM documents."""
    resource = arn.split(":", 5)[5]
    return arn.split(":")[2] == "ssm" and (
        resource == "opsitem" or resource.split("/", 1)[1].startswith("AWS-")
    )


def test_every_rule_target_dead_letter_queue_and_role_exists(deployment: Any) -> None:
    named: set[str] = set()
    for rule in _rules(deployment):
        events = boto3.client("events", region_name=rule.region)
        for target in events.list_targets_by_rule(Rule=rule.name)["Targets"]:
            arns = [
                target["Arn"],
                target.get("RoleArn"),
                target.get("DeadLetterConfig", {}).get("Arn"),
            ]
            for arn in filter(None, arns):
                named.add(arn.split(":")[2])
                assert _aws_owned(arn) or _exists(arn), f"{rule.name}: {arn}"
    assert named == {"sns", "sqs", "lambda", "events", "iam", "ssm"}


def test_lambda_targets_let_their_rules_invoke_them(deployment: Any) -> None:
    checked = 0
    for rule in _rules(deployment):
        events = boto3.client("events", region_name=rule.region)
        for target in events.list_targets_by_rule(Rule=rule.name)["Targets"]:
            if target["Arn"].split(":")[2] != "lambda":
                continue
            functions = boto3.client("lambda", region_name=target["Arn"].split(":")[3])
            policy = json.loads(functions.get_policy(FunctionName=target["Arn"])["Policy"])
            allowed = {
                s.get("Condition", {}).get("ArnLike", {}).get("AWS:SourceArn")
                for s in policy["Statement"]
                if s["Principal"] == {"Service": "events.amazonaws.com"}
            }
            assert rule.arn in allowed, rule.name
            checked += 1
    assert checked == 1  # unexpected-stop -> payments-stop-audit


# Events sent through the deployed rules. Each rule's targets are swapped for an SQS
# queue for the test (moto delivers to SQS, event buses and log groups only) and put
# back after it. Events of global services are sent in us-east-1, where EventBridge
# receives them; the rest in eu-west-1.


def _alarm_event(alarm: str, region: str = "eu-west-1", state: str = "ALARM") -> dict[str, Any]:
    return event_entry(
        "aws.cloudwatch",
        "CloudWatch Alarm State Change",
        {"alarmName": alarm, "state": {"value": state, "reason": "Threshold Crossed"}},
        Resources=[f"arn:aws:cloudwatch:{region}:{ACCOUNT}:alarm:{alarm}"],
    )


SIGN_IN = "AWS Console Sign In via CloudTrail"
EXTRA_EVENTS: dict[str, dict[str, Any]] = {
    "root-sign-in": event_entry(
        "aws.signin",
        SIGN_IN,
        {"userIdentity": {"type": "Root"}, "responseElements": {"ConsoleLogin": "Success"}},
    ),
    "user-sign-in-failed": event_entry(
        "aws.signin",
        SIGN_IN,
        {"userIdentity": {"type": "IAMUser"}, "responseElements": {"ConsoleLogin": "Failure"}},
    ),
    "user-sign-in": event_entry(
        "aws.signin",
        SIGN_IN,
        {"userIdentity": {"type": "IAMUser"}, "responseElements": {"ConsoleLogin": "Success"}},
    ),
    "ledger-host-status-alarm": _alarm_event("payments-prod-ledger-host-status"),
    "card-declines-alarm": _alarm_event("payments-prod-card-declines"),
    # The us-east-1 stack's alarm: forwarded home, where the home topic is told. moto
    # forwards an event without its resources (real EventBridge keeps them), so the
    # event as it arrives home is also sent there directly.
    "forwarding-alarm": _alarm_event(
        "payments-prod-us-east-1-forwarding-undelivered", region="us-east-1"
    ),
    "forwarding-alarm-arrived": _alarm_event(
        "payments-prod-us-east-1-forwarding-undelivered", region="us-east-1"
    ),
    # The web service's health alarm in the us-east-1 monitors stack (its CloudFront
    # distribution): forwarded home, where a rule per state notifies the web topics.
    "web-health-alarm": _alarm_event("payments-prod-web-health-us-east-1", region="us-east-1"),
    "web-health-alarm-arrived": _alarm_event(
        "payments-prod-web-health-us-east-1", region="us-east-1"
    ),
    "web-health-ok-arrived": _alarm_event(
        "payments-prod-web-health-us-east-1", region="us-east-1", state="OK"
    ),
    "web-health-insufficient-data-arrived": _alarm_event(
        "payments-prod-web-health-us-east-1", region="us-east-1", state="INSUFFICIENT_DATA"
    ),
    "asg-launch-failed": event_entry(
        "aws.autoscaling",
        "EC2 Instance Launch Unsuccessful",
        {"AutoScalingGroupName": "payments-workers", "StatusMessage": "No capacity"},
    ),
    "health-issue": event_entry(
        "aws.health", "AWS Health Event", {"eventTypeCategory": "issue", "service": "EC2"}
    ),
    "health-billing": event_entry(
        "aws.health", "AWS Health Event", {"eventTypeCategory": "issue", "service": "BILLING"}
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
    "sg-change-from-office": event_entry(
        "aws.ec2",
        "AWS API Call via CloudTrail",
        {
            "eventSource": "ec2.amazonaws.com",
            "eventName": "AuthorizeSecurityGroupIngress",
            "sourceIPAddress": "203.0.113.9",
        },
    ),
    "sg-change-failed": event_entry(
        "aws.ec2",
        "AWS API Call via CloudTrail",
        {
            "eventSource": "ec2.amazonaws.com",
            "eventName": "CreateSecurityGroup",
            "sourceIPAddress": "203.0.113.9",
            "errorCode": "UnauthorizedOperation",
        },
    ),
    "backdoor-finding": event_entry(
        "aws.guardduty",
        "GuardDuty Finding",
        {"severity": 5.0, "type": "Backdoor:EC2/DenialOfService.Tcp"},
    ),
    **{
        f"xray-insight-{service}": event_entry(
            "aws.xray",
            "AWS X-Ray Insight Update",
            {
                "GroupName": f"payments-prod-{service}",
                "State": "ACTIVE",
                "InsightId": "7a3b9c",
                "Summary": "Fault rate rose",
            },
        )
        for service in ("checkout", "edge", "web", "batch")
    },
    "iam-put-policy": event_entry(
        "aws.iam",
        "AWS API Call via CloudTrail",
        {"eventSource": "iam.amazonaws.com", "eventName": "PutRolePolicy"},
    ),
}


def _from_example(event: dict[str, Any]) -> dict[str, Any]:
    return event_entry(
        event["source"],
        event["detail-type"],
        event.get("detail", {}),
        **({"Resources": event["resources"]} if "resources" in event else {}),
    )


def _example_events(deployment: Any) -> dict[str, tuple[str, dict[str, Any], bool]]:
    """label -> (rule name, event, whether the file says it matches) for the files' examples."""
    found = {}
    for stack in deployment.stacks:
        if stack.config.events is None or stack.name.endswith("-us-east-1"):
            continue
        prefix = f"{stack.config.name}-{stack.config.stage}"
        for item in [*stack.config.events.alerts, *stack.config.events.responses]:
            if item.examples is None:
                continue
            for should, examples in ((True, item.examples.match), (False, item.examples.no_match)):
                for index, example in enumerate(examples):
                    label = f"{prefix}-{item.name}/{'match' if should else 'no_match'}-{index}"
                    found[label] = (f"{prefix}-{item.name}", _from_example(example), should)
    return found


def _labelled(entries: dict[str, dict[str, Any]]) -> dict[str, tuple[str, dict[str, Any]]]:
    """label -> (Region it is sent in, entry whose detail carries the label)."""
    labelled = {}
    for label, entry in entries.items():
        detail = {**json.loads(entry["Detail"]), "test-label": label}
        in_us_east_1 = entry["Source"] in GLOBAL_SOURCES or any(
            ":us-east-1:" in arn for arn in entry.get("Resources", [])
        )
        region = "us-east-1" if in_us_east_1 and not label.endswith("-arrived") else "eu-west-1"
        labelled[label] = (region, {**entry, "Detail": json.dumps(detail)})
    return labelled


def _as_delivered(entry: dict[str, Any], region: str) -> dict[str, Any]:
    """The event EventBridge builds from a PutEvents entry (the fields patterns read)."""
    return {
        "version": "0",
        "detail-type": entry["DetailType"],
        "source": entry["Source"],
        "account": ACCOUNT,
        "region": region,
        "resources": entry.get("Resources", []),
        "detail": json.loads(entry["Detail"]),
    }


def _bus_region(arn: str) -> str | None:
    """The Region of an event bus ARN, None for any other ARN."""
    parts = arn.split(":")
    return parts[3] if parts[2] == "events" and parts[5].startswith("event-bus/") else None


Key = tuple[str, str]  # (Region, rule name)


@contextmanager
def _probed(rules: list[Rule]) -> Iterator[dict[Key, str]]:
    """Give each enabled rule an SQS queue in place of its targets (event buses stay).

    A disabled rule loses its targets for the while (moto ignores the state and
    would deliver). Every rule gets its targets back afterwards.
    """
    saved: dict[Key, list[dict[str, Any]]] = {}
    queues: dict[Key, str] = {}
    try:
        for index, rule in enumerate(rules):
            key = (rule.region, rule.name)
            events = boto3.client("events", region_name=rule.region)
            targets = events.list_targets_by_rule(Rule=rule.name)["Targets"]
            saved[key] = [t for t in targets if _bus_region(t["Arn"]) is None]
            if saved[key]:
                events.remove_targets(Rule=rule.name, Ids=[t["Id"] for t in saved[key]])
            if rule.enabled:
                sqs = boto3.client("sqs", region_name=rule.region)
                queues[key] = sqs.create_queue(QueueName=f"probe-{index}")["QueueUrl"]
                arn = sqs.get_queue_attributes(QueueUrl=queues[key], AttributeNames=["QueueArn"])
                probe = {"Id": "probe", "Arn": arn["Attributes"]["QueueArn"]}
                events.put_targets(Rule=rule.name, Targets=[probe])
        yield queues
    finally:
        for (region, name), targets in saved.items():
            events = boto3.client("events", region_name=region)
            if (region, name) in queues:
                events.remove_targets(Rule=name, Ids=["probe"])
                boto3.client("sqs", region_name=region).delete_queue(
                    QueueUrl=queues[(region, name)]
                )
            if targets:
                events.put_targets(Rule=name, Targets=targets)


def _received(region: str, url: str) -> set[str]:
    sqs = boto3.client("sqs", region_name=region)
    labels = set()
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        labels |= {json.loads(m["Body"])["detail"]["test-label"] for m in messages}
    return labels


def test_events_reach_the_deployed_rules_as_the_offline_matcher_and_the_files_say(
    deployment: Any,
) -> None:
    rules = _rules(deployment)
    forwarders = [
        (rule, bus)
        for rule in rules
        for target in boto3.client("events", region_name=rule.region).list_targets_by_rule(
            Rule=rule.name
        )["Targets"]
        if (bus := _bus_region(target["Arn"])) is not None
    ]
    assert sorted((r.region, r.name, bus) for r, bus in forwarders) == [
        ("us-east-1", "payments-prod-forward-alarms", "eu-west-1"),
        ("us-east-1", "payments-prod-forward-signin", "eu-west-1"),
        ("us-east-1", "payments-prod-monitors-forward-health", "eu-west-1"),
    ]
    examples = _example_events(deployment)
    events = _labelled({**EXTRA_EVENTS, **{k: v[1] for k, v in examples.items()}})

    with _probed(rules) as queues:
        for region, entry in events.values():
            [sent] = boto3.client("events", region_name=region).put_events(Entries=[entry])[
                "Entries"
            ]
            assert "EventId" in sent, sent
        arrived = {key: _received(key[0], url) for key, url in queues.items()}

    expected: dict[Key, set[str]] = {key: set() for key in arrived}
    for label, (region, entry) in events.items():
        # (Region, the entry as it arrives there): moto forwards without the resources.
        arrivals = [(region, entry)] + [
            (bus, {**entry, "Resources": []})
            for rule, bus in forwarders
            if rule.region == region and matches(rule.pattern, _as_delivered(entry, region))
        ]
        for rule in rules:
            key = (rule.region, rule.name)
            if key in expected and any(
                rule.region == where and matches(rule.pattern, _as_delivered(delivered, where))
                for where, delivered in arrivals
            ):
                expected[key].add(label)
    assert arrived == expected

    # What the files promise, as moto's own matcher sees it on the deployed rules.
    for label, (rule_name, _, should) in examples.items():
        [key] = [k for k in arrived if k[1] == rule_name]
        assert (label in arrived[key]) is should, label
    # A root sign-in is seen in us-east-1 and forwarded, once, to the rules in eu-west-1.
    assert "root-sign-in" in arrived[("us-east-1", "payments-prod-forward-signin")]
    assert "root-sign-in" in arrived[("eu-west-1", "payments-prod-root-console-login")]
    assert "root-sign-in" in arrived[("eu-west-1", "payments-prod-root-sign-in")]
    assert "user-sign-in-failed" in arrived[("eu-west-1", "payments-prod-sign-in-failures")]
    assert "user-sign-in" not in set().union(*arrived.values())
    # The us-east-1 alarm's state change reaches the home rule that notifies the topic.
    assert arrived[("us-east-1", "payments-prod-forward-alarms")] == {"forwarding-alarm"}
    assert arrived[("eu-west-1", "payments-prod-forwarded-alarm")] == {"forwarding-alarm-arrived"}
    # So does the health alarm of the web service's CloudFront distribution, per state.
    assert arrived[("us-east-1", "payments-prod-monitors-forward-health")] == {"web-health-alarm"}
    for state in ("alarm", "ok", "insufficient-data"):
        assert arrived[("eu-west-1", f"payments-prod-web-health-{state}")] == {
            f"web-health-{state}-arrived"
        }
    # The alarm response matches its alarm by the ARN CloudWatch gives it.
    response = ("eu-west-1", "payments-prod-ledger-restart-on-failure")
    assert arrived[response] == {"ledger-host-status-alarm"}
    # Not vacuous: every enabled rule receives something, none receives everything.
    assert [key for key, labels in arrived.items() if not labels] == []
    assert all(len(labels) < len(events) for labels in arrived.values())
