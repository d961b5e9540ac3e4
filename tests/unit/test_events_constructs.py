"""Event alerts, scheduled tasks, automated responses and their delivery, as templates."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pytest
import yaml
from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from observability_blueprint import add_compliance_checks
from observability_blueprint.blueprint.events import EventsUnit, build_events
from observability_blueprint.config.events import EventsSection
from observability_blueprint.events.automated_response import AutomatedResponse
from observability_blueprint.events.event_alert import EventAlert
from observability_blueprint.events.event_delivery import EventDelivery
from observability_blueprint.events.scheduled_task import ScheduledTask
from observability_blueprint.notifications.notification_topic import NotificationTopic
from observability_blueprint.rules.alarm_settings import PrefixNaming
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.rules.event_schedules import (
    InstanceTargets,
    NotifyAction,
    RunbookAction,
)
from observability_blueprint.security.blueprint_key import BlueprintKey
from support import acknowledged_rules, assert_compliant, new_app, new_stack, resources

# The blueprint-file snippets live with the config tests; read them from there.
_SNIPPETS = runpy.run_path(str(Path(__file__).with_name("test_config_events.py")))
FULL: str = _SNIPPETS["FULL"]
SMALL: str = _SNIPPETS["SMALL"]


def _section(text: str) -> EventsSection:
    return EventsSection.model_validate(yaml.safe_load(text)["events"])


def _build(stack: Stack, text: str, placement: Any, prefix: str) -> EventsUnit:
    key = BlueprintKey(stack, "Key")
    topics = {
        name: NotificationTopic(
            stack, name, encryption_key=key, topic_name=f"{prefix}-{name}"
        ).topic
        for name in ("oncall", "security", "ops")
    }
    alarms = {
        name: cloudwatch.Alarm.from_alarm_name(stack, f"{name}Alarm", f"{prefix}-{name}")
        for name in ("ledger-host-status",)
    }
    return build_events(
        stack,
        _section(text),
        prefix=prefix,
        topics=topics,
        alarms=alarms,
        alarm_naming=PrefixNaming(prefix),
        encryption_key=key,
        placement=placement,
    )


class Built:
    def __init__(self, outdir: Path) -> None:
        app = new_app(outdir)
        self.full_stack = Stack(app, "Full")
        self.full = _build(self.full_stack, FULL, "regional", "payments-prod")
        self.global_stack = Stack(app, "Global")
        self.global_unit = _build(self.global_stack, FULL, "us-east-1", "payments-prod")
        self.small_stack = Stack(app, "Small")
        self.small = _build(self.small_stack, SMALL, "regional", "shop-dev")
        add_compliance_checks(app)
        self.nag_error = None
        try:
            app.synth()
        except RuntimeError as error:
            self.nag_error = str(error)
        self.outdir = outdir

    def template_json(self, name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.outdir / f"{name}.template.json").read_text())
        return data

    def template(self, name: str) -> Template:
        return Template.from_json(self.template_json(name))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(tmp_path_factory.mktemp("events"))


def _joined_json(value: Any) -> Any:
    """Parse a JSON input that CloudFormation joins around references.

    Each ``Fn::GetAtt`` becomes ``<LogicalIdWithoutHash.Attribute>``.
    """
    if isinstance(value, str):
        return json.loads(value)
    parts = []
    for part in value["Fn::Join"][1]:
        if isinstance(part, str):
            parts.append(part)
        else:
            logical_id, attribute = part["Fn::GetAtt"]
            parts.append(f"<{logical_id[:-8]}.{attribute}>")
    return json.loads("".join(parts))


def rules(template: Template) -> dict[str, dict[str, Any]]:
    return {
        r["Properties"].get("Name", logical): r["Properties"]
        for logical, r in resources(template, "AWS::Events::Rule").items()
    }


# ------------------------------------------------------------ what is built


def test_regional_rules_schedules_and_what_was_left_for_us_east_1(built: Built) -> None:
    template = built.template("Full")
    names = set(rules(template))
    assert "payments-prod-ec2-state" in names
    assert "payments-prod-root-console-login" not in names
    assert len(names) == 7 + 3
    assert built.full.left_out == ("root-console-login", "iam-policy-changes")
    template.resource_count_is("AWS::Scheduler::Schedule", 5)


def test_the_us_east_1_placement_builds_only_the_global_service_rules(built: Built) -> None:
    template = built.template("Global")
    assert set(rules(template)) == {
        "payments-prod-root-console-login",
        "payments-prod-iam-policy-changes",
    }
    template.resource_count_is("AWS::Scheduler::Schedule", 0)
    assert all(a.needs_us_east_1 for a in built.global_unit.alerts.values())
    assert not any(a.needs_us_east_1 for a in built.full.alerts.values())
    assert rules(template)["payments-prod-iam-policy-changes"]["State"] == "DISABLED"


def test_every_rule_target_retries_and_dead_letters(built: Built) -> None:
    for name in ("Full", "Global", "Small"):
        for rule in rules(built.template(name)).values():
            for target in rule["Targets"]:
                assert target["RetryPolicy"] == {
                    "MaximumRetryAttempts": 3,
                    "MaximumEventAgeInSeconds": 7200,
                }
                assert "Fn::GetAtt" in target["DeadLetterConfig"]["Arn"]


def test_every_schedule_retries_and_dead_letters(built: Built) -> None:
    for schedule in resources(built.template("Full"), "AWS::Scheduler::Schedule").values():
        target = schedule["Properties"]["Target"]
        assert target["RetryPolicy"] == {
            "MaximumRetryAttempts": 3,
            "MaximumEventAgeInSeconds": 7200,
        }
        assert "DeadLetterConfig" in target


def test_the_pattern_reaches_the_template_as_written(built: Built) -> None:
    rule = rules(built.template("Full"))["payments-prod-security-group-changes"]
    assert rule["EventPattern"] == yaml.safe_load(FULL)["events"]["alerts"][6]["pattern"]


def test_an_alert_sends_a_readable_message(built: Built) -> None:
    rule = rules(built.template("Full"))["payments-prod-ec2-state"]
    [target] = rule["Targets"]
    assert target["InputTransformer"] == {
        "InputPathsMap": {
            "instance": "$.detail.instance-id",
            "state": "$.detail.state",
            "region": "$.region",
        },
        "InputTemplate": '"EC2 instance <instance> in <region> is now <state>."',
    }
    assert target["Arn"] == {"Ref": _logical(built, "Full", "oncall")}


def test_only_the_rule_may_publish_to_the_topic(built: Built) -> None:
    template = built.template("Full")
    statements = [
        s
        for policy in resources(template, "AWS::SNS::TopicPolicy").values()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Principal") == {"Service": "events.amazonaws.com"}
    ]
    assert statements
    assert all("aws:SourceArn" in s["Condition"]["ArnEquals"] for s in statements)


def test_a_runbook_response_passes_the_event_instance(built: Built) -> None:
    rule = rules(built.template("Full"))["payments-prod-unexpected-stop"]
    opsitem, runbook, function = rule["Targets"]
    assert runbook["InputTransformer"]["InputPathsMap"] == {"instance": "$.detail.instance-id"}
    # The runbook runs with its own automation role (issue 12, B7).
    assert _joined_json(runbook["InputTransformer"]["InputTemplate"]) == {
        "InstanceId": ["<instance>"],
        "AutomationAssumeRole": ["<EventsResponsesunexpectedstopAction1RoleAutomation.Arn>"],
    }
    assert json.dumps(runbook["Arn"]).endswith(
        ':automation-definition/AWS-StartEC2Instance:$DEFAULT"]]}'
    )
    assert "RoleArn" in runbook
    assert function["Arn"] == "arn:aws:lambda:eu-west-1:111122223333:function:payments-stop-audit"
    assert json.loads(
        opsitem["InputTransformer"]["InputTemplate"].replace("<instance>", "i-1")
    ) == {
        "title": "Instance i-1 stopped unexpectedly",
        "description": "EC2 reported i-1 stopped. Check the system log, then resolve.",
        "source": "EventBridge",
        "severity": "2",
        "category": "Availability",
        "operationalData": {
            "/aws/dedup": {
                "type": "SearchableString",
                "value": '{"dedupString": "unexpected-stop"}',
            }
        },
    }
    assert json.dumps(opsitem["Arn"]).endswith(':opsitem"]]}')


def test_a_lambda_target_may_be_invoked_by_its_rule_only(built: Built) -> None:
    template = built.template("Full")
    [permission] = resources(template, "AWS::Lambda::Permission").values()
    assert permission["Properties"]["Principal"] == "events.amazonaws.com"
    assert "SourceArn" in permission["Properties"]


def test_run_command_targets_tagged_instances(built: Built) -> None:
    rule = rules(built.template("Full"))["payments-prod-quarantine"]
    command = rule["Targets"][0]
    assert command["RunCommandParameters"] == {
        "RunCommandTargets": [{"Key": "tag:Quarantine", "Values": ["armed"]}]
    }
    assert json.loads(command["Input"]) == {"commands": ["systemctl stop payments-ledger"]}


def test_on_alarm_watches_the_alarm_by_its_physical_name(built: Built) -> None:
    rule = rules(built.template("Full"))["payments-prod-ledger-restart-on-failure"]
    assert rule["EventPattern"]["detail"] == {
        "alarmName": ["payments-prod-ledger-host-status"],
        "state": {"value": ["ALARM"]},
    }


def test_a_scheduled_runbook_on_tagged_instances_has_rate_control(built: Built) -> None:
    template = built.template("Full")
    schedule = _schedule(template, "payments-prod-nightly-images")
    assert schedule["ScheduleExpression"] == "cron(0 2 * * ? *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Dublin"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 30}
    target = schedule["Target"]
    assert json.dumps(target["Arn"]).endswith(
        ':scheduler:::aws-sdk:ssm:startAutomationExecution"]]}'
    )
    assert _joined_json(target["Input"]) == {
        "DocumentName": "AWS-CreateImage",
        "Parameters": {
            "NoReboot": ["true"],
            "AutomationAssumeRole": ["<EventsSchedulesnightlyimagesRoleAutomation.Arn>"],
        },
        "TargetParameterName": "InstanceId",
        "Targets": [{"Key": "tag:Backup", "Values": ["nightly"]}],
        "MaxConcurrency": "10%",
        "MaxErrors": "1",
    }


def test_a_scheduled_command_and_lambda(built: Built) -> None:
    template = built.template("Full")
    patching = _schedule(template, "payments-prod-weekly-patching")
    assert json.loads(patching["Target"]["Input"])["Targets"] == [
        {"Key": "tag:Patch Group", "Values": ["ledger"]}
    ]
    assert (
        _schedule(template, "payments-prod-archive-sweep")["ScheduleExpressionTimezone"]
        == "Etc/UTC"
    )
    sweep = _schedule(template, "payments-prod-archive-sweep")["Target"]
    assert sweep["Arn"] == "arn:aws:lambda:eu-west-1:111122223333:function:payments-archive-sweep"
    assert json.loads(sweep["Input"]) == {"dry_run": False}
    assert _schedule(template, "payments-prod-ledger-restart")["State"] == "DISABLED"


def _schedule(template: Template, name: str) -> dict[str, Any]:
    [found] = [
        s["Properties"]
        for s in resources(template, "AWS::Scheduler::Schedule").values()
        if s["Properties"]["Name"] == name
    ]
    return found


def _logical(built: Built, stack: str, topic: str) -> str:
    [logical] = [
        k
        for k, v in resources(built.template(stack), "AWS::SNS::Topic").items()
        if v["Properties"]["TopicName"].endswith(f"-{topic}")
    ]
    return logical


# ---------------------------------------------------------------- delivery


def test_dead_letter_queues_are_encrypted_retained_and_per_rule_when_asked(built: Built) -> None:
    full = built.template("Full")
    full.resource_count_is("AWS::SQS::Queue", 10 + 5)
    built.template("Small").resource_count_is("AWS::SQS::Queue", 1)
    for queue in resources(full, "AWS::SQS::Queue").values():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
        assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 86400
        assert queue["DeletionPolicy"] == "Retain"


def test_the_queue_admits_only_its_rules_and_only_over_tls(built: Built) -> None:
    template = built.template("Small")
    [policy] = resources(template, "AWS::SQS::QueuePolicy").values()
    deny, allow = policy["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert allow["Principal"] == {"Service": "events.amazonaws.com"}
    assert allow["Action"] == "sqs:SendMessage"
    [rule_id] = resources(template, "AWS::Events::Rule")
    assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]}}}


def test_an_alarm_fires_when_a_dead_letter_queue_holds_messages(built: Built) -> None:
    template = built.template("Small")
    [alarm] = resources(template, "AWS::CloudWatch::Alarm").values()
    props = alarm["Properties"]
    assert props["AlarmName"] == "shop-dev-events-undelivered"
    assert props["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert props["Namespace"] == "AWS/SQS"
    assert (props["Threshold"], props["ComparisonOperator"]) == (0, "GreaterThanThreshold")
    assert props["TreatMissingData"] == "notBreaching"
    assert props["AlarmActions"] == [{"Ref": _logical(built, "Small", "ops")}]
    names = [
        a["Properties"]["AlarmName"]
        for a in resources(built.template("Full"), "AWS::CloudWatch::Alarm").values()
    ]
    assert "payments-prod-ec2-state-undelivered" in names


# --------------------------------------------------------------------- IAM


def _statements(template: Template) -> list[dict[str, Any]]:
    return [
        s
        for policy in resources(template, "AWS::IAM::Policy").values()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_no_wildcard_actions(built: Built) -> None:
    for name in ("Full", "Global", "Small"):
        for statement in _statements(built.template(name)):
            actions = (
                statement["Action"]
                if isinstance(statement["Action"], list)
                else [statement["Action"]]
            )
            assert not [a for a in actions if "*" in a], statement


def test_wildcard_resources_only_for_unscoped_apis_or_with_a_condition(built: Built) -> None:
    unscoped = {"ec2:DescribeInstanceStatus", "ec2:DescribeImages", "ec2:DescribeInstances",
                "tag:GetResources", "ssm:CreateOpsItem"}  # fmt: skip
    for statement in _statements(built.template("Full")):
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        if statement["Resource"] == "*":
            assert set(actions) <= unscoped, statement


def test_a_scheduled_runbook_role_is_scoped_to_the_tag(built: Built) -> None:
    task = built.full.schedules["nightly-images"]
    statements = Stack.of(task).resolve(
        task.role.node.find_child("DefaultPolicy").document.to_json()
    )["Statement"]
    by_action = {json.dumps(s["Action"]): s for s in statements}
    automation = task.role.node.find_child("Automation").node.find_child("DefaultPolicy")
    runbook_statements = Stack.of(task).resolve(automation.document.to_json())["Statement"]
    create = [
        s for s in runbook_statements if s["Action"] == "ec2:CreateImage" and "Condition" in s
    ]
    assert create[0]["Condition"] == {"StringEquals": {"aws:ResourceTag/Backup": ["nightly"]}}
    assert by_action['"sqs:SendMessage"']["Resource"] == {
        "Fn::GetAtt": [
            Stack.of(task).get_logical_id(
                built.full.deliveries["nightly-images"].queue.node.default_child
            ),
            "Arn",
        ]  # type: ignore[arg-type]
    }


def test_a_command_role_is_scoped_to_the_document_and_tag(built: Built) -> None:
    rule_roles = built.full.responses["quarantine"].roles
    document = Stack.of(rule_roles[0]).resolve(
        rule_roles[0].node.find_child("DefaultPolicy").document.to_json()
    )["Statement"]
    assert document[1]["Condition"] == {"StringEquals": {"ssm:resourceTag/Quarantine": ["armed"]}}
    assert json.dumps(document[0]["Resource"]).endswith('::document/AWS-RunShellScript"]]}')


def test_instance_ids_named_in_parameters_scope_the_role(built: Built) -> None:
    role = built.full.schedules["ledger-restart"].role.node.find_child("Automation")
    statements = Stack.of(role).resolve(role.node.find_child("DefaultPolicy").document.to_json())[
        "Statement"
    ]
    [start_stop] = [
        s for s in statements if s["Action"] == ["ec2:StopInstances", "ec2:StartInstances"]
    ]
    assert json.dumps(start_stop["Resource"]).endswith(':instance/i-0123456789abcdef0"]]}')


# ------------------------------------------------------------ compliance


def test_cdk_nag_and_cfn_lint_find_nothing(built: Built) -> None:
    assert_compliant(built.outdir, nag_error=built.nag_error)
    # cdk-nag ran: what it reports here was acknowledged (wildcard resources of target
    # roles; the dead-letter queues have no dead-letter queue of their own).
    assert acknowledged_rules(built.outdir) == {"AwsSolutions-IAM5", "AwsSolutions-SQS3"}
    linted = {path.name for path in built.outdir.glob("*.template.json")}
    assert linted == {"Full.template.json", "Global.template.json", "Small.template.json"}


# ------------------------------------------------------------- bad input


def _delivery(stack: Stack) -> tuple[EventDelivery, sns.Topic]:
    topic = sns.Topic(stack, "Topic")
    return EventDelivery(stack, "Delivery", topics=[topic]), topic


def test_an_alert_with_more_than_five_topics_is_refused() -> None:
    _, stack = new_stack()
    delivery, _ = _delivery(stack)
    topics = [sns.Topic(stack, f"T{i}") for i in range(6)]
    with pytest.raises(BlueprintError) as caught:
        EventAlert(
            stack, "Alert", pattern={"source": ["aws.ec2"]}, topics=topics, delivery=delivery
        )
    assert str(caught.value) == "Test/Alert.targets: 6 targets; an EventBridge rule has at most 5"


def test_an_alert_with_a_bad_pattern_is_refused_with_the_path() -> None:
    _, stack = new_stack()
    delivery, topic = _delivery(stack)
    with pytest.raises(BlueprintError) as caught:
        EventAlert(
            stack,
            "Alert",
            pattern={"source": "aws.ec2", "detail": {"state": [{"anything": "x"}]}},
            topics=[topic],
            delivery=delivery,
        )
    assert str(caught.value).splitlines() == [
        'Test/Alert.pattern.source: "aws.ec2" must be an array of values, such as ["aws.ec2"] '
        "(EventBridge matches a field against the values of an array)",
        "Test/Alert.pattern.detail.state[0]: unknown operator 'anything'; did you mean "
        "'anything-but'? EventBridge knows prefix, suffix, equals-ignore-case, wildcard, "
        "anything-but, numeric, cidr, exists",
    ]


def test_an_alert_message_with_an_undefined_placeholder_is_refused() -> None:
    _, stack = new_stack()
    delivery, topic = _delivery(stack)
    with pytest.raises(BlueprintError, match=r"^Test/Alert.message: <who> is not an input path"):
        EventAlert(
            stack,
            "Alert",
            pattern={"source": ["aws.ec2"]},
            topics=[topic],
            delivery=delivery,
            message="<who> did it",
        )


def test_a_response_with_six_actions_is_refused() -> None:
    _, stack = new_stack()
    delivery, topic = _delivery(stack)
    with pytest.raises(
        BlueprintError, match=r"^Test/Response.targets: 6 targets; an EventBridge rule"
    ):
        AutomatedResponse(
            stack,
            "Response",
            pattern={"source": ["aws.ec2"]},
            actions=[NotifyAction(topic="ops")] * 6,
            delivery=delivery,
            named_topics={"ops": topic},
        )


def test_an_automation_target_on_tagged_instances_is_refused() -> None:
    _, stack = new_stack()
    delivery, _ = _delivery(stack)
    with pytest.raises(
        BlueprintError, match=r"^Test/Response.actions\[0\].targets: an EventBridge Automation"
    ):
        AutomatedResponse(
            stack,
            "Response",
            pattern={"source": ["aws.ec2"]},
            actions=[
                RunbookAction(
                    document="AWS-RestartEC2Instance",
                    targets=InstanceTargets(tag="Role", values=("web",)),
                )
            ],
            delivery=delivery,
        )


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("cron(0 2 * * * *)", r"^Test/Task.schedule: 'cron\(0 2 \* \* \* \*\)': day-of-month"),
        ("rate(1 hours)", r"^Test/Task.schedule: 'rate\(1 hours\)': with the value 1"),
    ],
)
def test_a_scheduled_task_with_a_bad_schedule_is_refused(schedule: str, message: str) -> None:
    _, stack = new_stack()
    delivery, _ = _delivery(stack)
    with pytest.raises(BlueprintError, match=message):
        ScheduledTask(
            stack,
            "Task",
            schedule=schedule,
            action=RunbookAction(
                document="AWS-RestartEC2Instance",
                parameters={"InstanceId": ("i-0123456789abcdef0",)},
            ),
            delivery=delivery,
        )


def test_a_time_zone_on_a_rate_is_refused() -> None:
    _, stack = new_stack()
    delivery, _ = _delivery(stack)
    with pytest.raises(
        BlueprintError, match=r"^Test/Task.timezone: a rate schedule has no time zone"
    ):
        ScheduledTask(
            stack,
            "Task",
            schedule="rate(1 day)",
            timezone="Europe/Berlin",
            action=RunbookAction(
                document="AWS-RestartEC2Instance",
                parameters={"InstanceId": ("i-0123456789abcdef0",)},
            ),
            delivery=delivery,
        )


def test_delivery_settings_are_checked() -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as caught:
        EventDelivery(
            stack,
            "Delivery",
            retry_attempts=200,
            max_event_age=Duration.seconds(30),
            retention=Duration.days(15),
        )
    assert str(caught.value).splitlines() == [
        "Test/Delivery.retry_attempts: 200 retries; EventBridge allows 0 to 185",
        "Test/Delivery.max_event_age: 30 seconds; EventBridge keeps retrying for 60 to 86,400 "
        "seconds",
        "Test/Delivery.retention: 1,296,000 seconds; SQS keeps messages 1 minute to 14 days",
    ]


# ------------------------------------------- permissions a task must not widen


def test_a_response_on_a_custom_source_may_not_act_on_the_events_instance() -> None:
    """Anyone who may put an event on the bus would choose the instance to stop."""
    _, stack = new_stack()
    delivery, _ = _delivery(stack)
    with pytest.raises(BlueprintError) as caught:
        AutomatedResponse(
            stack,
            "Response",
            pattern={"source": ["com.payments.orders"], "detail-type": ["Stop requested"]},
            input_paths={"instance": "$.detail.instance-id"},
            actions=[
                RunbookAction(
                    document="AWS-StopEC2Instance", parameters={"InstanceId": ("<instance>",)}
                )
            ],
            delivery=delivery,
        )
    assert str(caught.value) == (
        "Test/Response.actions[0].parameters.InstanceId: '<instance>' takes the instance from "
        "the event, but the pattern's source ['com.payments.orders'] is not only AWS "
        "services: anyone who may call events:PutEvents could send such an event naming any "
        "instance, and AWS-StopEC2Instance would act on it. Match AWS service events only "
        "(every source a literal starting with aws., which only AWS services may send), or "
        "name the instance ids"
    )


def test_a_response_on_an_aws_source_acts_on_the_events_instance() -> None:
    _, stack = new_stack()
    delivery, _ = _delivery(stack)
    AutomatedResponse(
        stack,
        "Response",
        pattern={"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]},
        input_paths={"instance": "$.detail.instance-id"},
        actions=[
            RunbookAction(
                document="AWS-StartEC2Instance", parameters={"InstanceId": ("<instance>",)}
            )
        ],
        delivery=delivery,
    )


@pytest.mark.parametrize(
    ("instance", "message"),
    [
        (
            "i-0123456789ABCDEF0",
            "'i-0123456789ABCDEF0' is not an instance id (instance ids are lower case): the role "
            "of AWS-RestartEC2Instance is scoped to the instances named here, and this names "
            "none (it would get every instance). Give instance ids (i-0123456789abcdef0), or "
            "targets to run it on tagged instances",
        ),
        (
            "<instance>",
            "'<instance>': a schedule has no event to fill a placeholder; give instance ids "
            "(i-0123456789abcdef0), or targets to run it on tagged instances",
        ),
    ],
)
def test_a_scheduled_runbook_with_an_instance_that_names_none_is_refused(
    instance: str, message: str
) -> None:
    _, stack = new_stack()
    delivery, _ = _delivery(stack)
    with pytest.raises(BlueprintError) as caught:
        ScheduledTask(
            stack,
            "Task",
            schedule="rate(1 day)",
            action=RunbookAction(
                document="AWS-RestartEC2Instance", parameters={"InstanceId": (instance,)}
            ),
            delivery=delivery,
        )
    assert str(caught.value) == f"Test/Task.action.parameters.InstanceId: {message}"


def test_a_response_with_an_upper_case_instance_id_is_refused() -> None:
    _, stack = new_stack()
    delivery, _ = _delivery(stack)
    with pytest.raises(
        BlueprintError,
        match=r"^Test/Response\.actions\[0\]\.parameters\.InstanceId: 'I-0123456789ABCDEF0' is "
        r"not an instance id \(instance ids are lower case\)",
    ):
        AutomatedResponse(
            stack,
            "Response",
            pattern={"source": ["aws.cloudwatch"]},
            actions=[
                RunbookAction(
                    document="AWS-RestartEC2Instance",
                    parameters={"InstanceId": ("I-0123456789ABCDEF0",)},
                )
            ],
            delivery=delivery,
        )
