"""The composed blueprint: both example files, synthesized once for the run."""

from __future__ import annotations

from collections import Counter

import pytest
from aws_cdk.assertions import Annotations, Match

from observability_blueprint import Blueprint, ObservabilityBlueprint
from support import (
    EXAMPLES,
    Synthesized,
    assert_blueprint_warns,
    new_stack,
    properties,
    resources,
)


def test_stack_name_and_environment(full: Synthesized, small: Synthesized) -> None:
    assert full.stack.stack_name == "payments-prod-observability"
    assert full.stack.account == "111122223333"
    assert full.stack.region == "eu-west-1"
    assert small.stack.stack_name == "shop-dev-observability"
    assert small.stack.resolve(small.stack.account) == {"Ref": "AWS::AccountId"}


def test_units_group_log_groups_by_service(full: Synthesized) -> None:
    blueprint = full.stack.blueprint
    assert {name: sorted(unit.log_groups) for name, unit in blueprint.services.items()} == {
        "checkout": ["checkout", "data-protection-audit"],
        "edge": ["edge-access"],
        "web": ["web-access"],
        "batch": ["batch-archive"],
    }
    assert blueprint.services["checkout"].node.path == (
        "payments-prod-observability/Blueprint/Services/checkout"
    )


def test_logical_ids_are_stable(small: Synthesized) -> None:
    """Construct IDs are public API: a change here replaces resources in users' accounts.

    Resources that existed when this list was written keep their logical ids;
    features added since add resources of their own.
    """
    assert set(small.template_json()["Resources"]) >= {
        "BlueprintAlarmsapierrorsC1B9077B",
        "BlueprintAlarmsapilatency1D7C2607",
        "BlueprintAlarmsapilatencyDetectorD3CADFED",
        "BlueprintAlarmsshopunhealthyD19DD523",
        "BlueprintAlarmsworkertimeoutsEE5E024C",
        "BlueprintDashboardsalarmsE35267DA",
        "BlueprintDashboardsservicesE2CA593F",
        "BlueprintKeyEAC8D5C0",
        "BlueprintNotificationsopsBCA42F90",
        "BlueprintNotificationsopsPolicy7B533F43",
        "BlueprintNotificationsopsSubscriber05AC4BDB2",
        "BlueprintServicesapi77CA8E41",
        "BlueprintServicesapiapiMetricsFailedRequestsAB5F1DC1",
        "BlueprintServicesapierrors52765DD9",
        "BlueprintServicesapilatency2AEEE7B1",
        "BlueprintServicesapipaymentdeclinedDD0872F8",
        "BlueprintServicesapiresponsebytes336EE160",
        "BlueprintServicesapistatus4xx505FDE51",
        "BlueprintServicesapistatus5xxAD2B6A20",
        "BlueprintServicesworker678C97FE",
        "BlueprintServicesworkerworkertimeouts65271451",
    }


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_nothing_is_lost_on_stack_deletion(examples: dict[str, Synthesized], example: str) -> None:
    synthesized = examples[example]
    kept = ("AWS::Logs::LogGroup", "AWS::KMS::Key", "AWS::S3::Bucket", "AWS::SQS::Queue")
    checked = 0
    for stack in synthesized.stacks:
        for logical_id, resource in synthesized.template_json(stack)["Resources"].items():
            if resource["Type"] not in kept:
                continue
            checked += 1
            if logical_id.startswith("BlueprintServicescheckoutdataprotectionaudit"):
                assert resource["DeletionPolicy"] == "Delete"  # removal_policy: destroy
            else:
                assert resource["DeletionPolicy"] == "Retain", logical_id
                assert resource["UpdateReplacePolicy"] == "Retain", logical_id
    assert checked >= 5


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_tags_reach_every_taggable_resource(examples: dict[str, Synthesized], example: str) -> None:
    synthesized = examples[example]
    expected = {  # the files' tags:, sorted by key as CloudFormation receives them
        "blueprint.yaml": [
            {"Key": "owner", "Value": "platform-team"},
            {"Key": "project", "Value": "shop"},
        ],
        "examples/full.yaml": [
            {"Key": "cost-center", "Value": "4711"},
            {"Key": "data-classification", "Value": "confidential"},
            {"Key": "project", "Value": "payments"},
        ],
    }[example]
    taggable = (
        "AWS::Logs::LogGroup",
        "AWS::KMS::Key",
        "AWS::SNS::Topic",
        "AWS::IAM::Role",
        "AWS::SQS::Queue",
        "AWS::Events::Rule",
    )
    checked = 0
    for stack in synthesized.stacks:
        for resource in synthesized.template_json(stack)["Resources"].values():
            if resource["Type"] in taggable:
                assert resource["Properties"]["Tags"] == expected, resource["Type"]
                checked += 1
    assert checked >= 4


def test_topics_are_encrypted_with_the_blueprint_key(full: Synthesized) -> None:
    template = full.template()
    key_id = next(iter(resources(template, "AWS::KMS::Key")))
    topics = resources(template, "AWS::SNS::Topic")
    assert {t["Properties"]["TopicName"] for t in topics.values()} == {
        "payments-prod-oncall",
        "payments-prod-security",
    }
    for topic in topics.values():
        assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_key_policy_lets_alarms_and_rules_publish(full: Synthesized) -> None:
    key = next(iter(resources(full.template(), "AWS::KMS::Key").values()))
    statement = next(
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s.get("Sid") == "AlarmAndRulePublishersToEncryptedTopics"
    )
    assert statement["Principal"]["Service"] == ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    assert statement["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]


def test_topics_deny_publishing_without_tls(full: Synthesized) -> None:
    policies = resources(full.template(), "AWS::SNS::TopicPolicy")
    assert len(policies) == 2
    for policy in policies.values():
        statement = policy["Properties"]["PolicyDocument"]["Statement"][0]
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_every_subscriber_kind(full: Synthesized) -> None:
    subscriptions = sorted(
        (p["Protocol"], p["Endpoint"])
        for p in (
            r["Properties"] for r in resources(full.template(), "AWS::SNS::Subscription").values()
        )
    )
    assert [protocol for protocol, _ in subscriptions] == [
        "email",
        "email",
        "https",
        "lambda",
        "sqs",
    ]
    full.template().has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "FunctionName": "arn:aws:lambda:eu-west-1:111122223333:function:payments-chat-notifier",
            "Principal": "sns.amazonaws.com",
        },
    )


def test_sqs_subscriber_warns_about_the_queue_policy(full: Synthesized) -> None:
    Annotations.from_stack(full.stack).has_warning(
        "*", Match.string_like_regexp("must allow sns:SendMessage from this topic")
    )


def test_audit_log_group_of_the_blueprint_is_referenced(full: Synthesized) -> None:
    template = full.template_json()
    checkout = next(
        r
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Logs::LogGroup"
        and r["Properties"]["LogGroupName"] == "/aws/lambda/payments-prod-checkout"
    )
    audit = next(
        s
        for s in checkout["Properties"]["DataProtectionPolicy"]["Statement"]
        if "Audit" in s["Operation"]
    )
    destination = audit["Operation"]["Audit"]["FindingsDestination"]["CloudWatchLogs"]["LogGroup"]
    assert destination["Ref"].startswith("BlueprintServicescheckoutdataprotectionaudit")


def test_structured_logs_with_custom_nested_fields(full: Synthesized) -> None:
    template = full.template()
    template.has_resource_properties(
        "AWS::Logs::MetricFilter",
        {
            "FilterName": "payments-prod-status-5xx",
            "FilterPattern": "{ $.http.status >= 500 && $.http.status <= 599 }",
            "MetricTransformations": [
                {
                    "MetricNamespace": "Payments/Checkout",
                    "MetricName": "ServerErrors",
                    "Dimensions": [{"Key": "Service", "Value": "$.service"}],
                    "DefaultValue": Match.absent(),
                }
            ],
        },
    )
    template.has_resource_properties(
        "AWS::Logs::MetricFilter",
        {
            "FilterPattern": '{ $.level = "ERROR" || $.level = "CRITICAL" || $.level = "FATAL" }',
        },
    )
    template.has_resource_properties(
        "AWS::Logs::QueryDefinition",
        {
            "Name": "payments-prod/checkout/failed-requests",
            "QueryString": Match.string_like_regexp("function_request_id, xray_trace_id"),
        },
    )


# Metric filters per namespace, counted from the example files by hand: a log
# group's own filters, 5 per structured_logs (errors, latency, 5xx, 4xx, response
# bytes), 1 per flow log rejected SSH/RDP alarm, 15 for the CIS pack.
EXPECTED_FILTERS = {
    "blueprint.yaml": {
        "shop-dev-observability": {
            "Shop/Api": 1 + 5,  # api: payment-declined + structured
            "Shop/Worker": 1,  # worker: worker-timeouts
            "LogMetrics": 15,  # audit_trail.cis: CloudWatch.1-14 and CIS 4.15
        },
    },
    "examples/full.yaml": {
        "payments-prod-observability": {
            "Payments/Checkout": 1 + 5,  # checkout: card-declined + structured
            "Payments/Edge": 2,  # edge-access: edge-5xx, edge-bytes
            "Payments/Web": 1,  # web-access: web-5xx
            "Payments/DataProtection": 1,  # data-protection-audit: masked-findings
            "payments-prod": 1,  # flow_logs main: rejected_ssh_rdp_alarm
            "LogMetrics": 15,  # audit_trail.cis, nothing disabled
        },
        "payments-prod-observability-us-east-1": {},
        "payments-prod-monitors-us-east-1": {},
    },
}


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_filter_count_matches_the_config(examples: dict[str, Synthesized], example: str) -> None:
    synthesized = examples[example]
    found = {
        stack.stack_name: Counter(
            t["MetricNamespace"]
            for props in properties(synthesized.template(stack), "AWS::Logs::MetricFilter")
            for t in props["MetricTransformations"]
        )
        for stack in synthesized.stacks
    }
    assert found == EXPECTED_FILTERS[example]
    assert (
        sum(found[synthesized.stack.stack_name].values())
        == {
            "blueprint.yaml": 22,
            "examples/full.yaml": 26,
        }[example]
    )


def test_colliding_metrics_are_reported_as_a_warning() -> None:
    assert_blueprint_warns(
        {
            "name": "shop",
            "stage": "dev",
            "log_groups": [
                {
                    "name": name,
                    "metric_filters": [
                        {
                            "name": "errors",
                            "pattern": "ERROR",
                            "namespace": "Shop",
                            "metric": "Errors",
                        }
                    ],
                }
                for name in ("api", "web")
            ],
        },
        r"^Test/Blueprint/Services/web/web/errors: publishes Shop/Errors "
        r"\(no dimensions\) like Test/Blueprint/Services/api/api/errors; "
        r"their values add up in one metric",
    )


def test_no_key_when_nothing_needs_one() -> None:
    config = Blueprint.from_dict({"name": "shop", "stage": "dev", "log_groups": [{"name": "api"}]})
    _, stack = new_stack()
    blueprint = ObservabilityBlueprint(stack, "Blueprint", config=config)
    assert blueprint.key is None
