"""The ``events:`` section: the model, the whole-section checks, and their messages."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from observability_blueprint.config.blueprint import problems_from
from observability_blueprint.config.events import (
    EventsSection,
    alarm_state_pattern,
    events_problems,
)
from observability_blueprint.rules.event_patterns import matches
from observability_blueprint.rules.event_schedules import RunbookAction

# The snippet for examples/full.yaml: every option (topics oncall and security,
# alarm ledger-host-status, as in that file).
FULL = """
events:
  delivery:
    dead_letter_queues: per_rule     # or shared (the default): one queue for the blueprint
    retry_attempts: 3                # 0 to 185
    max_event_age_seconds: 7200      # 60 to 86400
    retention_days: 14               # 1 to 14
    alarm_topic: oncall              # told when an event cannot be delivered
  alerts:
    - name: ec2-state
      description: An EC2 instance stopped or terminated.
      pattern:
        source: [aws.ec2]
        detail-type: [EC2 Instance State-change Notification]
        detail:
          state: [stopped, terminated]
      topics: [oncall]
      input_paths:
        instance: $.detail.instance-id
        state: $.detail.state
        region: $.region
      message: "EC2 instance <instance> in <region> is now <state>."
      examples:
        match:
          - source: aws.ec2
            detail-type: EC2 Instance State-change Notification
            detail: {instance-id: i-0123456789abcdef0, state: stopped}
        no_match:
          - source: aws.ec2
            detail-type: EC2 Instance State-change Notification
            detail: {instance-id: i-0123456789abcdef0, state: running}
    - name: asg-failures
      pattern:
        source: [aws.autoscaling]
        detail-type: [EC2 Instance Launch Unsuccessful, EC2 Instance Terminate Unsuccessful]
      topics: [oncall]
      input_paths:
        group: $.detail.AutoScalingGroupName
        cause: $.detail.StatusMessage
      message: "Auto Scaling group <group> failed: <cause>"
    - name: health
      pattern:
        source: [aws.health]
        detail-type: [AWS Health Event]
        detail:
          eventTypeCategory: [issue, scheduledChange]
          service: [{anything-but: [BILLING]}]
      topics: [oncall]
    - name: alarms-firing
      pattern:
        source: [aws.cloudwatch]
        detail-type: [CloudWatch Alarm State Change]
        detail:
          alarmName: [{prefix: payments-prod-}]
          state: {value: [ALARM]}
      topics: [oncall]
      input_paths:
        alarm: $.detail.alarmName
        reason: $.detail.state.reason
      message: "<alarm> is in ALARM: <reason>"
    - name: guardduty-high
      pattern:
        source: [aws.guardduty]
        detail-type: [GuardDuty Finding]
        detail:
          severity: [{numeric: [">=", 7]}]
      topics: [security]
      input_paths:
        type: $.detail.type
        severity: $.detail.severity
      message: "GuardDuty finding <type> (severity <severity>)"
      examples:
        match:
          - {source: aws.guardduty, detail-type: GuardDuty Finding, detail: {severity: 8.0}}
        no_match:
          - {source: aws.guardduty, detail-type: GuardDuty Finding, detail: {severity: 5.0}}
    - name: ecs-task-stopped
      pattern:
        source: [aws.ecs]
        detail-type: [ECS Task State Change]
        detail:
          lastStatus: [STOPPED]
          stoppedReason: [{anything-but: {prefix: Scaling activity}}]
      topics: [oncall]
      input_paths:
        task: $.detail.taskArn
        reason: $.detail.stoppedReason
      message: "ECS task <task> stopped: <reason>"
    - name: security-group-changes
      pattern:
        source: [aws.ec2]
        detail-type: [AWS API Call via CloudTrail]
        detail:
          eventSource: [ec2.amazonaws.com]
          eventName: [{wildcard: "*SecurityGroup*"}]
          errorCode: [{exists: false}]
          $or:
            - sourceIPAddress: [{cidr: 203.0.113.0/24}]
            - userAgent: [{equals-ignore-case: console.amazonaws.com}]
      topics: [security]
    # IAM, STS and console sign-in events reach EventBridge in us-east-1 only:
    # these two rules go to the blueprint's us-east-1 stack.
    - name: root-console-login
      pattern:
        source: [aws.signin]
        detail-type: [AWS Console Sign In via CloudTrail]
        detail:
          userIdentity: {type: [Root]}
      topics: [security]
      input_paths: {ip: $.detail.sourceIPAddress}
      message: "The root user signed in to the console from <ip>."
    - name: iam-policy-changes
      enabled: false
      pattern:
        source: [aws.iam]
        detail-type: [AWS API Call via CloudTrail]
        detail:
          eventSource: [iam.amazonaws.com]
          eventName: [{suffix: Policy}, {prefix: {equals-ignore-case: attach}}]
      topics: [security]
  schedules:
    - name: nightly-images
      description: An AMI of every instance tagged Backup=nightly, ten percent at a time.
      schedule: cron(0 2 * * ? *)
      timezone: Europe/Dublin
      flexible_window_minutes: 30
      runbook:
        document: AWS-CreateImage
        parameters: {NoReboot: ["true"]}
        target_parameter: InstanceId
        targets: {tag: Backup, values: [nightly], max_concurrency: "10%", max_errors: "1"}
    - name: weekly-patching
      schedule: cron(0 3 ? * SUN *)
      timezone: Europe/Dublin
      run_command:
        document: AWS-RunPatchBaseline
        parameters: {Operation: [Install]}
        targets: {tag: Patch Group, values: [ledger], max_concurrency: "1", max_errors: "0"}
    - name: ledger-restart
      schedule: cron(30 4 ? * 1#1 *)
      enabled: false
      runbook:
        document: AWS-RestartEC2Instance
        parameters: {InstanceId: [i-0123456789abcdef0]}
    - name: archive-sweep
      schedule: rate(1 day)
      lambda:
        arn: arn:aws:lambda:eu-west-1:111122223333:function:payments-archive-sweep
        payload: {dry_run: false}
    - name: rotate-exports
      schedule: rate(12 hours)
      runbook:
        document: Payments-RotateExports
        parameters: {Bucket: [payments-exports-111122223333]}
        permissions:
          - actions: [ec2:DescribeInstances]
            resources: ["*"]
          - actions: [s3:PutObject, s3:GetObject]
            resources: [arn:aws:s3:::payments-exports-111122223333/exports/latest.csv]
  responses:
    - name: ledger-restart-on-failure
      description: The ledger host failed its status check; restart it and say so.
      on_alarm: {alarm: ledger-host-status, state: ALARM}
      input_paths: {alarm: $.detail.alarmName}
      actions:
        - runbook:
            document: AWS-RestartEC2Instance
            parameters: {InstanceId: [i-0123456789abcdef0]}
        - topic: {name: oncall, message: "<alarm>: restarting i-0123456789abcdef0."}
    - name: unexpected-stop
      description: An instance stopped without anyone asking; open an OpsItem and start it.
      pattern:
        source: [aws.ec2]
        detail-type: [EC2 Instance State-change Notification]
        detail:
          state: [stopped]
      input_paths: {instance: $.detail.instance-id}
      actions:
        - opsitem:
            title: "Instance <instance> stopped unexpectedly"
            description: "EC2 reported <instance> stopped. Check the system log, then resolve."
            severity: 2
            category: Availability
            dedup: unexpected-stop
        - runbook:
            document: AWS-StartEC2Instance
            parameters: {InstanceId: ["<instance>"]}
        - lambda:
            arn: arn:aws:lambda:eu-west-1:111122223333:function:payments-stop-audit
            payload: {instance: "<instance>"}
      examples:
        match:
          - source: aws.ec2
            detail-type: EC2 Instance State-change Notification
            detail: {state: stopped}
        no_match:
          - source: aws.ec2
            detail-type: EC2 Instance State-change Notification
            detail: {state: stopping}
    - name: quarantine
      pattern:
        source: [aws.guardduty]
        detail-type: [GuardDuty Finding]
        detail:
          type: [{prefix: "Backdoor:EC2/"}]
      actions:
        - run_command:
            document: AWS-RunShellScript
            parameters: {commands: ["systemctl stop payments-ledger"]}
            targets: {tag: Quarantine, values: ["armed"]}
        - topic: {name: security}
"""

# The snippet for blueprint.yaml: deployable into any account (topic ops).
SMALL = """
events:
  delivery:
    alarm_topic: ops
  alerts:
    - name: ec2-state
      description: An EC2 instance stopped or terminated.
      pattern:
        source: [aws.ec2]
        detail-type: [EC2 Instance State-change Notification]
        detail:
          state: [stopped, terminated]
      topics: [ops]
      input_paths:
        instance: $.detail.instance-id
        state: $.detail.state
      message: "EC2 instance <instance> is now <state>."
      examples:
        match:
          - source: aws.ec2
            detail-type: EC2 Instance State-change Notification
            detail: {state: stopped}
        no_match:
          - source: aws.ec2
            detail-type: EC2 Instance State-change Notification
            detail: {state: running}
  schedules:
    - name: nightly-images
      description: An AMI of every instance tagged Backup=nightly (none tagged, nothing runs).
      schedule: cron(0 2 * * ? *)
      timezone: Europe/Berlin
      runbook:
        document: AWS-CreateImage
        parameters: {NoReboot: ["true"]}
        targets: {tag: Backup, values: [nightly]}
"""

FULL_TOPICS = ["oncall", "security"]
FULL_ALARMS = ["ledger-host-status", "ledger-host-hung"]


def section(text: str) -> EventsSection:
    return EventsSection.model_validate(yaml.safe_load(text)["events"])


def raw(text: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(text)["events"]
    return data


def problems(data: dict[str, Any], topics: list[str] | None = None) -> list[str]:
    model = EventsSection.model_validate(data)
    return [
        str(p)
        for p in events_problems(
            model, topics=FULL_TOPICS if topics is None else topics, alarms=FULL_ALARMS
        )
    ]


def model_errors(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        EventsSection.model_validate(data)
    return [str(p) for p in problems_from(caught.value)]


def test_the_full_snippet_is_valid() -> None:
    model = section(FULL)
    assert (
        list(events_problems(model, topics=FULL_TOPICS, alarms=FULL_ALARMS, prefix="payments-prod"))
        == []
    )
    assert len(model.alerts) == 9
    assert {s.to_action().__class__.__name__ for s in model.schedules} == {
        "RunbookAction",
        "CommandAction",
        "LambdaAction",
    }


def test_the_small_snippet_is_valid() -> None:
    model = section(SMALL)
    assert list(events_problems(model, topics=["ops"], alarms=[], prefix="shop-dev")) == []
    assert model.us_east_1_rules() == []


def test_rules_on_global_services_are_marked_for_us_east_1() -> None:
    assert section(FULL).us_east_1_rules() == ["root-console-login", "iam-policy-changes"]


def test_on_alarm_builds_the_state_change_pattern() -> None:
    response = section(FULL).responses[0]
    pattern = response.event_pattern("payments-prod-ledger-host-status")
    assert pattern == alarm_state_pattern("payments-prod-ledger-host-status", "ALARM")
    event = {
        "source": "aws.cloudwatch",
        "detail-type": "CloudWatch Alarm State Change",
        "detail": {"alarmName": "payments-prod-ledger-host-status", "state": {"value": "ALARM"}},
    }
    assert matches(pattern, event)
    assert not matches(pattern, {**event, "detail": {**event["detail"], "state": {"value": "OK"}}})


def test_defaults() -> None:
    model = section(SMALL)
    assert model.delivery.dead_letter_queues == "shared"
    assert model.delivery.retry_attempts == 3
    assert model.delivery.max_event_age_seconds == 7200
    action = model.schedules[0].to_action()
    assert isinstance(action, RunbookAction)
    assert action.targets is not None
    assert (action.targets.max_concurrency, action.targets.max_errors) == ("10%", "1")


# ------------------------------------------------------------ bad input


def with_alert(**changes: Any) -> dict[str, Any]:
    data = raw(SMALL)
    data["alerts"][0] = {**data["alerts"][0], **changes}
    return data


def test_a_bare_string_where_an_array_is_required() -> None:
    data = with_alert(pattern={"source": "aws.ec2"})
    data["alerts"][0].pop("examples")
    assert problems(data, ["ops"]) == [
        'events.alerts[0].pattern.source: "aws.ec2" must be an array of values, such as '
        '["aws.ec2"] (EventBridge matches a field against the values of an array)'
    ]


def test_an_unknown_operator() -> None:
    data = with_alert(pattern={"source": ["aws.ec2"], "detail": {"state": [{"prefx": "stop"}]}})
    data["alerts"][0].pop("examples")
    assert problems(data, ["ops"]) == [
        "events.alerts[0].pattern.detail.state[0]: unknown operator 'prefx'; did you mean "
        "'prefix'? EventBridge knows prefix, suffix, equals-ignore-case, wildcard, anything-but, "
        "numeric, cidr, exists"
    ]


def test_examples_that_disagree_fail() -> None:
    data = with_alert(pattern={"source": ["aws.ec2"], "detail": {"state": ["terminated"]}})
    [problem] = problems(data, ["ops"])
    assert problem.startswith(
        "events.alerts[0].examples.match[0]: the pattern does not match this event:"
    )


def test_a_placeholder_without_an_input_path() -> None:
    assert problems(with_alert(message="Instance <instance> is <status>"), ["ops"]) == [
        "events.alerts[0].message: <status> is not an input path; define it under input_paths "
        "(defined: instance, state)"
    ]


def test_more_than_five_topics() -> None:
    topics = ["a", "b", "c", "d", "e", "f"]
    [problem] = problems(with_alert(topics=topics), [*topics, "ops"])
    assert problem == (
        "events.alerts[0].topics: 6 topics; a rule has at most 5 targets. Notify one topic and "
        "subscribe the others' endpoints to it"
    )


def test_more_than_five_actions() -> None:
    data = raw(FULL)
    data["responses"][1]["actions"] *= 2
    assert "events.responses[1].actions: 6 actions; a rule has at most 5 targets" in "\n".join(
        problems(data)
    )


def test_unknown_topics_and_alarms() -> None:
    data = raw(FULL)
    data["alerts"][0]["topics"] = ["pager"]
    data["responses"][0]["on_alarm"]["alarm"] = "ledger-down"
    data["delivery"]["alarm_topic"] = "pager"
    assert problems(data) == [
        "events.alerts[0].topics[0]: 'pager' is not a blueprint topic; known topics: oncall, "
        "security",
        "events.responses[0].on_alarm.alarm: 'ledger-down' is not a blueprint alarm; known "
        "alarms: ledger-host-hung, ledger-host-status",
        "events.delivery.alarm_topic: 'pager' is not a blueprint topic; known topics: oncall, "
        "security",
    ]


def test_the_dead_letter_alarm_needs_a_topic() -> None:
    data = raw(SMALL)
    data["delivery"] = {}
    assert problems(data, ["ops"]) == [
        "events.delivery.alarm_topic: name the topic told when events cannot be delivered (a "
        "dead-letter queue holds messages); topics: ops"
    ]


def test_names_are_unique_across_alerts_responses_and_schedules() -> None:
    data = raw(SMALL)
    data["schedules"][0]["name"] = "ec2-state"
    assert problems(data, ["ops"]) == [
        "events.schedules[0].name: 'ec2-state' is already used by events.alerts[0]; alert, "
        "response and schedule names must be unique (they name the rules)"
    ]


def test_physical_names_fit_64_characters() -> None:
    model = section(SMALL)
    [problem] = events_problems(model, topics=["ops"], alarms=[], prefix="x" * 50)
    assert "rule and schedule names allow 64: shorten 'nightly-images'" in str(problem)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (
            "cron(0 2 * * * *)",
            "schedules[0].schedule: 'cron(0 2 * * * *)': day-of-month (*) and "
            "day-of-week (*) are both set; put ? in exactly one of them, such as "
            "cron(0 2 * * ? *)",
        ),
        ("cron(0 2 * *)", "schedules[0].schedule: 'cron(0 2 * *)' has 4 fields"),
        # An hour range may wrap past midnight (20-2); a year range may not.
        ("cron(0 2 * * ? 2030-2026)", "the range 2030-2026 runs backwards"),
        ("rate(1 hours)", "schedules[0].schedule: 'rate(1 hours)': with the value 1"),
        ("rate(5 minute)", "write rate(5 minutes)"),
    ],
)
def test_bad_schedules(schedule: str, message: str) -> None:
    data = raw(SMALL)
    data["schedules"][0]["schedule"] = schedule
    data["schedules"][0].pop("timezone")
    [error] = model_errors(data)
    assert message in error


def test_a_rate_has_no_time_zone() -> None:
    data = raw(SMALL)
    data["schedules"][0]["schedule"] = "rate(1 day)"
    [error] = model_errors(data)
    assert error == (
        "schedules[0]: a rate schedule has no time zone; remove timezone or use cron(...)"
    )


def test_a_bad_time_zone() -> None:
    data = raw(SMALL)
    data["schedules"][0]["timezone"] = "Berlin"
    [error] = model_errors(data)
    assert error.startswith("schedules[0].timezone: 'Berlin' is not an IANA time zone")


def test_a_schedule_runs_exactly_one_task() -> None:
    data = raw(SMALL)
    data["schedules"][0]["lambda"] = {"arn": "arn:aws:lambda:eu-west-1:111122223333:function:f"}
    [error] = model_errors(data)
    assert error == (
        "schedules[0]: give exactly one task: runbook, run_command or lambda "
        "(got 2: runbook, lambda)"
    )


def test_a_response_has_one_trigger() -> None:
    data = raw(FULL)
    data["responses"][0]["pattern"] = {"source": ["aws.ec2"]}
    [error] = model_errors(data)
    assert error == "responses[0]: give either pattern or on_alarm (exactly one)"


def test_an_automation_action_on_a_rule_cannot_target_tags() -> None:
    data = raw(FULL)
    data["responses"][1]["actions"][1]["runbook"]["targets"] = {"tag": "Role", "values": ["web"]}
    problem = problems(data)[0]
    assert problem.startswith(
        "events.responses[1].actions[1].runbook.targets: an EventBridge Automation target starts "
        "one execution with fixed parameters"
    )


def test_runbook_parameters_use_defined_placeholders() -> None:
    data = raw(FULL)
    data["responses"][1]["actions"][1]["runbook"]["parameters"] = {"InstanceId": ["<id>"]}
    assert problems(data) == [
        "events.responses[1].actions[1].runbook.parameters.InstanceId: <id> is not an input "
        "path; define it under input_paths (defined: instance)"
    ]


def test_wildcard_permissions_are_refused() -> None:
    data = raw(FULL)
    data["schedules"][4]["runbook"]["permissions"][1]["resources"] = ["arn:aws:s3:::exports/*"]
    [problem] = problems(data)
    assert problem.startswith(
        "events.schedules[4].runbook.permissions[1].resources: 'arn:aws:s3:::exports/*': a "
        "wildcard resource is only allowed for actions without resource-level permissions"
    )


def test_unknown_keys_are_refused() -> None:
    data = copy.deepcopy(raw(SMALL))
    data["alerts"][0]["topic"] = "ops"
    [error] = model_errors(data)
    assert error.startswith("alerts[0].topic: ")


# ---------------------------------------- whose events may move which instances

_FORGEABLE = (
    " is not only AWS services: anyone who may call events:PutEvents could send such an "
    "event naming any instance, and AWS-StartEC2Instance would act on it. Match AWS service "
    "events only (every source a literal starting with aws., which only AWS services may "
    "send), or name the instance ids"
)


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (["com.payments.orders"], "['com.payments.orders']"),
        (["aws.ec2", "com.payments.orders"], "['aws.ec2', 'com.payments.orders']"),
        ([{"prefix": "aws."}], "[{'prefix': 'aws.'}]"),
        (["aws.partner/example.com/123/orders"], "['aws.partner/example.com/123/orders']"),
        (None, "none"),
    ],
    ids=["custom", "aws-and-custom", "prefix", "partner", "no-source"],
)
def test_a_runbook_on_the_instance_of_a_forgeable_event_is_refused(
    source: list[Any] | None, shown: str
) -> None:
    """An aws.* source can only come from AWS; any other lets a PutEvents caller choose."""
    data = raw(FULL)
    response = data["responses"][1]
    response.pop("examples")
    if source is None:
        response["pattern"].pop("source")
    else:
        response["pattern"]["source"] = source
    assert problems(data) == [
        "events.responses[1].actions[1].runbook.parameters.InstanceId: '<instance>' takes the "
        f"instance from the event, but the pattern's source {shown}{_FORGEABLE}"
    ]


def test_a_runbook_on_the_instance_of_an_aws_event_is_valid() -> None:
    data = raw(FULL)
    response = data["responses"][1]
    response.pop("examples")
    response["pattern"] = {
        "$or": [
            {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]},
            {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]},
        ]
    }
    assert problems(data) == []
    # Named instances do not depend on the event: any source may start them.
    response["pattern"] = {"source": ["com.payments.orders"]}
    response["actions"][1]["runbook"]["parameters"] = {"InstanceId": ["i-0123456789abcdef0"]}
    assert problems(data) == []


def test_an_upper_case_instance_id_is_refused_not_widened() -> None:
    """It matches no instance, so the role would have been scoped to every instance."""
    data = raw(FULL)
    data["schedules"][2]["runbook"]["parameters"] = {"InstanceId": ["i-0123456789ABCDEF0"]}
    data["responses"][0]["actions"][0]["runbook"]["parameters"] = {"InstanceId": ["web-1"]}
    assert problems(data) == [
        "events.responses[0].actions[0].runbook.parameters.InstanceId: 'web-1' is not an "
        "instance id: the role of AWS-RestartEC2Instance is scoped to the instances named "
        "here, and this names none (it would get every instance). Give instance ids "
        "(i-0123456789abcdef0), or one placeholder the event fills (['<instance>'] with "
        "input_paths {instance: $.detail.instance-id})",
        "events.schedules[2].runbook.parameters.InstanceId: 'i-0123456789ABCDEF0' is not an "
        "instance id (instance ids are lower case): the role of AWS-RestartEC2Instance is "
        "scoped to the instances named here, and this names none (it would get every "
        "instance). Give instance ids (i-0123456789abcdef0), or targets to run it on tagged "
        "instances",
    ]


def test_a_scheduled_runbook_must_name_its_instances() -> None:
    data = raw(FULL)
    data["schedules"][2]["runbook"]["parameters"] = {}
    data["schedules"][0]["runbook"].pop("targets")
    assert problems(data) == [
        "events.schedules[0].runbook.parameters.InstanceId: AWS-CreateImage acts on the "
        "instances in InstanceId, and its role may act only on those: give instance ids "
        "(i-0123456789abcdef0), or targets to run it on tagged instances",
        "events.schedules[2].runbook.parameters.InstanceId: AWS-RestartEC2Instance acts on the "
        "instances in InstanceId, and its role may act only on those: give instance ids "
        "(i-0123456789abcdef0), or targets to run it on tagged instances",
    ]
    data["schedules"][0]["runbook"]["parameters"] = {"InstanceId": ["<instance>"]}
    assert problems(data)[0] == (
        "events.schedules[0].runbook.parameters.InstanceId: '<instance>': a schedule has no "
        "event to fill a placeholder; give instance ids (i-0123456789abcdef0), or targets to "
        "run it on tagged instances"
    )


def test_instance_ids_and_placeholders_are_not_mixed() -> None:
    data = raw(FULL)
    runbook = data["responses"][1]["actions"][1]["runbook"]
    runbook["parameters"] = {"InstanceId": ["i-0123456789abcdef0", "<instance>"]}
    assert problems(data) == [
        "events.responses[1].actions[1].runbook.parameters.InstanceId: 'i-0123456789abcdef0', "
        "...: mixes instance ids and placeholders, so the role could only be scoped to every "
        "instance; give instance ids (i-0123456789abcdef0), or one placeholder the event fills "
        "(['<instance>'] with input_paths {instance: $.detail.instance-id})"
    ]
