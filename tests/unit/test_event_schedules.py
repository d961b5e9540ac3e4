"""EventBridge's cron and rate dialect, time zones, and the tasks schedules and rules start."""

from __future__ import annotations

import pytest

from observability_blueprint.rules.event_schedules import (
    CommandAction,
    InstanceTargets,
    LambdaAction,
    NotifyAction,
    OpsItemAction,
    Permission,
    RunbookAction,
    action_problems,
    acts_on_instances,
    check_schedule,
    event_source_problems,
    has_no_resource_level,
    instance_ids,
    instance_parameter_problems,
    permission_problems,
    targets_problems,
)
from observability_blueprint.rules.ssm_schedules import AssociationTarget
from observability_blueprint.rules.time_zones import check_timezone

VALID = [
    "cron(0 2 * * ? *)",  # 02:00 every day
    "cron(15 10 ? * 6L 2022-2023)",  # last Friday of each month, 2022-2023 (user guide)
    "cron(0/15 * * * ? *)",  # every 15 minutes
    "cron(0/10 * ? * MON-FRI *)",  # every 10 minutes on weekdays
    "cron(0/5 8-17 ? * MON-FRI *)",  # every 5 minutes in office hours
    "cron(0 9 ? * 2#1 *)",  # 9:00 on the first Monday of each month
    "cron(0 18 ? * MON-FRI *)",
    "cron(0 8 1 * ? *)",
    "cron(0 12 L * ? *)",
    "cron(0 12 LW * ? *)",
    "cron(0 12 3W * ? *)",
    "cron(0,30 6 ? JAN,jul 1-5 *)",
    # A range may wrap past the end of its field (the reference's own example).
    "cron(0/30 20-2 ? * MON-FRI *)",
    "cron(0 1 ? * FRI-MON *)",
    "cron(0 0 1 NOV-FEB ? *)",
    "cron(50-10 * * * ? *)",
    "rate(1 minute)",
    "rate(5 minutes)",
    "rate(1 hour)",
    "rate(12 hours)",
    "rate(1 day)",
    "rate(7 days)",
]


@pytest.mark.parametrize("expression", VALID)
def test_valid_expressions(expression: str) -> None:
    assert check_schedule(expression) is None


INVALID = [
    (
        "cron(0 12 * * * *)",
        "'cron(0 12 * * * *)': day-of-month (*) and day-of-week (*) are both set; put ? in "
        "exactly one of them, such as cron(0 12 * * ? *)",
    ),
    (
        "cron(0 12 1 * MON *)",
        "day-of-month (1) and day-of-week (MON) are both set; put ? in exactly one of them, "
        "such as cron(0 12 1 * ? *)",
    ),
    (
        "cron(0 12 ? * ? *)",
        "both day-of-month and day-of-week are ?; put ? in exactly one of them, such as "
        "cron(0 12 ? * * *)",
    ),
    (
        "cron(0 12 * * ?)",
        "'cron(0 12 * * ?)' has 5 fields; EventBridge cron has 6: minutes hours day-of-month "
        "month day-of-week year (the year is required, usually *)",
    ),
    ("cron(0 12 * * ? * *)", "has 7 fields; EventBridge cron has 6"),
    (
        "cron(0 0 * * ? 2030-2026)",
        "'cron(0 0 * * ? 2030-2026)': year '2030-2026': the range 2030-2026 runs backwards; "
        "write the earlier year first, such as 2026-2030",
    ),
    (
        "cron(0 0 ? * 3#1,6#3 *)",
        "'cron(0 0 ? * 3#1,6#3 *)': day-of-week '3#1,6#3': with # the day-of-week field "
        "takes a single expression, such as 3#2 (the second Tuesday); use one schedule per "
        "weekday",
    ),
    ("cron(0 24 * * ? *)", "hours '24': 24 is out of range 0-23"),
    ("cron(60 0 * * ? *)", "minutes '60': 60 is out of range 0-59"),
    ("cron(0 0 32 * ? *)", "day-of-month '32': 32 is out of range 1-31"),
    ("cron(0 0 * 13 ? *)", "month '13': 13 is out of range 1-12"),
    ("cron(0 0 ? * 8 *)", "day-of-week '8': 8 is out of range 1-7"),
    ("cron(0 0 * * ? 1969)", "year '1969': 1969 is out of range 1970-2199"),
    ("cron(0 0 ? * 2#6 *)", "the week of the month after # must be 1-5"),
    ("cron(0 0 L * ? *)", None),
    ("cron(0 0 ? * MON#1,5W *)", "with # the day-of-week field takes a single expression"),
    ("cron(0 0 ? * 5W *)", "day-of-week takes L"),
    ("cron(0 ? * * ? *)", "hours '?': ? is only allowed in day-of-month or day-of-week"),
    ("cron(0/0 * * * ? *)", "the increment in '0/0' must be a positive whole number"),
    ("cron(0 0 * FOO ? *)", "'FOO' is not a number"),
    ("cron(0 0 5L * ? *)", "day-of-month takes L (last day), LW or nW"),
    (
        "rate(1 hours)",
        "'rate(1 hours)': with the value 1 the unit is singular; write rate(1 hour)",
    ),
    (
        "rate(5 minute)",
        "'rate(5 minute)': with the value 5 the unit is plural; write rate(5 minutes)",
    ),
    ("rate(1 days)", "write rate(1 day)"),
    ("rate(2 day)", "write rate(2 days)"),
    ("rate(0 minutes)", "the value must be a positive whole number"),
    ("rate(5 weeks)", "'weeks' is not a unit; use minute(s), hour(s) or day(s)"),
    ("rate(five minutes)", "is not a rate; write rate(VALUE UNIT)"),
    ("0 2 * * *", "'0 2 * * *' is not a schedule; use cron(minutes hours"),
    ("at(2026-01-01T00:00:00)", "is not a schedule"),
]


@pytest.mark.parametrize(("expression", "message"), INVALID)
def test_invalid_expressions(expression: str, message: str | None) -> None:
    problem = check_schedule(expression)
    if message is None:
        assert problem is None
    else:
        assert problem is not None
        assert message in problem


def test_an_expression_longer_than_256_characters_is_refused() -> None:
    assert "at most 256" in str(check_schedule("cron(" + "0," * 130 + "0 2 * * ? *)"))


def test_time_zones_are_iana_names() -> None:
    assert check_timezone("Europe/Berlin") is None
    assert check_timezone("UTC") is None
    # Files of the zone database that are not IANA zone names: AWS refuses them.
    for not_a_zone in ("localtime", "posixrules", "Factory", "posix/Europe/Berlin"):
        assert check_timezone(not_a_zone) is not None
    message = check_timezone("Europe/Berln")
    assert message == (
        "'Europe/Berln' is not an IANA time zone (did you mean 'Europe/Berlin'?); "
        "use a name such as Europe/Berlin or UTC"
    )


# -------------------------------------------------------------------- tasks

FLEET = InstanceTargets(tag="Backup", values=("nightly",))


def test_a_known_runbook_on_tagged_instances_is_valid_on_a_schedule() -> None:
    action = RunbookAction(document="AWS-CreateImage", targets=FLEET)
    assert action_problems(action, on_schedule=True) == []


def test_an_automation_target_on_a_rule_cannot_target_by_tag() -> None:
    action = RunbookAction(document="AWS-RestartEC2Instance", targets=FLEET)
    [problem] = action_problems(action, on_schedule=False)
    assert problem.location == "targets"
    assert problem.message.startswith(
        "an EventBridge Automation target starts one execution with fixed parameters"
    )


def test_an_unknown_runbook_needs_its_permissions() -> None:
    [problem] = action_problems(RunbookAction(document="Custom-Cleanup"), on_schedule=True)
    assert problem.location == "permissions"
    assert "the blueprint does not know what Custom-Cleanup does" in problem.message


def test_the_target_parameter_is_filled_per_instance() -> None:
    action = RunbookAction(
        document="AWS-CreateImage",
        targets=FLEET,
        parameters={"InstanceId": ("i-0123456789abcdef0",)},
    )
    [problem] = action_problems(action, on_schedule=True)
    assert problem.location == "parameters.InstanceId"


@pytest.mark.parametrize(
    ("targets", "location", "message"),
    [
        (InstanceTargets(tag="aws:foo", values=("x",)), "targets.tag", "is not a tag key"),
        (InstanceTargets(tag="Role", values=()), "targets.values", "0 values; give 1 to 50"),
        (
            InstanceTargets(tag="Role", values=("x",), max_concurrency="0"),
            "targets.max_concurrency",
            "'0' is not a concurrency",
        ),
        (
            InstanceTargets(tag="Role", values=("x",), max_errors="101%"),
            "targets.max_errors",
            "'101%' is not an error threshold",
        ),
    ],
)
def test_bad_targets(targets: InstanceTargets, location: str, message: str) -> None:
    action = CommandAction(document="AWS-RunPatchBaseline", targets=targets)
    [problem] = action_problems(action, on_schedule=True)
    assert problem.location == location
    assert message in problem.message


@pytest.mark.parametrize("tag", ["cost+center", "aws:role", "", "k" * 129, "a*b"])
def test_a_tag_key_ssm_targets_refuse_is_refused_as_state_manager_does(tag: str) -> None:
    # SSM's TargetKey (SendCommand, StartAutomationExecution, CreateAssociation) has no +,
    # although EC2 tag keys and EventBridge's RunCommandTargetKey take it.
    [problem] = targets_problems(InstanceTargets(tag=tag, values=("x",)))
    assert problem.location == "targets.tag"
    shown = repr(tag) if len(tag) <= 80 else repr(tag[:77] + "...")
    assert problem.message == (
        f"{shown} is not a tag key a Run Command or Automation target takes; use 1 to 128 "
        "letters, digits, spaces and _ . : / = - @ (no +), not starting with aws:"
    )
    assert AssociationTarget.tag(tag, "x").check() is not None


@pytest.mark.parametrize("tag", ["role", "Patch Group", "team:app/tier=web", "Rôle", "k" * 128])
def test_tag_keys_both_checks_take(tag: str) -> None:
    assert list(targets_problems(InstanceTargets(tag=tag, values=("x",)))) == []
    assert AssociationTarget.tag(tag, "x").check() is None


def test_schedules_take_no_opsitem_or_topic() -> None:
    [problem] = action_problems(OpsItemAction(title="t", description="d"), on_schedule=True)
    assert "a schedule cannot take an OpsItem action" in problem.message
    [problem] = action_problems(NotifyAction(topic="ops"), on_schedule=True)
    assert "a schedule cannot take a topic action" in problem.message


def test_lambda_arn_and_opsitem_values_are_checked() -> None:
    [problem] = action_problems(LambdaAction(function_arn="my-function"), on_schedule=True)
    assert problem.message == (
        "'my-function' is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE); expected "
        "a Lambda function (arn:aws:lambda:REGION:ACCOUNT:function:NAME, with :VERSION or "
        ":ALIAS if wanted)"
    )
    problems = action_problems(
        OpsItemAction(title="t", description="d", severity=5, category="Urgent"), on_schedule=False
    )
    assert [p.location for p in problems] == ["severity", "category"]


def test_bad_document_names_are_refused() -> None:
    action = CommandAction(document="bad name!", targets=FLEET)
    [problem] = action_problems(action, on_schedule=True)
    assert problem.location == "document"


# -------------------------------------------------------------- permissions


def test_wildcard_actions_are_refused() -> None:
    problems = list(
        permission_problems([Permission(actions=("ec2:*", "ec2:Describe*"), resources=("*",))])
    )
    assert [p.location for p in problems] == [
        "permissions[0].actions",
        "permissions[0].actions",
        "permissions[0].resources",
    ]
    assert "name each action in full" in problems[0].message


def test_wildcard_resources_only_where_the_api_has_no_resource_level_permissions() -> None:
    assert (
        list(permission_problems([Permission(actions=("ec2:DescribeImages",), resources=("*",))]))
        == []
    )
    [problem] = permission_problems(
        [Permission(actions=("ec2:DescribeImages", "ec2:DeregisterImage"), resources=("*",))]
    )
    assert problem.location == "permissions[0].resources"
    assert "name the resources of ec2:DeregisterImage by ARN" in problem.message


def test_actions_without_resource_level_permissions() -> None:
    assert has_no_resource_level("ec2:DescribeInstances")
    assert has_no_resource_level("ssm:CreateOpsItem")
    assert not has_no_resource_level("ec2:StopInstances")


def test_literal_instance_ids_are_recognised() -> None:
    ids = RunbookAction(
        document="AWS-RestartEC2Instance", parameters={"InstanceId": ("i-0123456789abcdef0",)}
    )
    event = RunbookAction(
        document="AWS-RestartEC2Instance", parameters={"InstanceId": ("<instance>",)}
    )
    assert instance_ids(ids) == ("i-0123456789abcdef0",)
    assert instance_ids(event) == ()


@pytest.mark.parametrize(
    "action",
    [
        "iam:PassRole",
        "iam:CreateUser",
        "iam:AttachRolePolicy",
        "iam:PutRolePolicy",
        "sts:AssumeRole",
    ],
)
def test_privileged_actions_are_never_granted_to_a_task(action: str) -> None:
    arn = "arn:aws:iam::111122223333:role/x"
    assert [
        str(p) for p in permission_problems([Permission(actions=(action,), resources=(arn,))])
    ] == [
        f"permissions[0].actions: {action!r} would let the task grant itself more than it is "
        "given; a task role never gets IAM write actions, iam:PassRole or sts:AssumeRole"
    ]


def test_a_question_mark_is_a_wildcard_resource_too() -> None:
    [problem] = permission_problems(
        [
            Permission(
                actions=("ec2:StopInstances",),
                resources=("arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef?",),
            )
        ]
    )
    assert problem.location == "permissions[0].resources"
    assert problem.message.startswith(
        "'arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef?': a wildcard resource"
    )


# ------------------------------------- instances a runbook's role may act on


def _restart(*values: str) -> RunbookAction:
    return RunbookAction(document="AWS-RestartEC2Instance", parameters={"InstanceId": values})


def test_runbooks_that_act_on_instances() -> None:
    assert acts_on_instances("AWS-RestartEC2Instance")
    assert acts_on_instances("AWS-CreateImage")
    assert not acts_on_instances("AWS-PublishSNSNotification")
    assert not acts_on_instances("Payments-RotateExports")


@pytest.mark.parametrize(
    ("values", "on_schedule"),
    [
        (("i-0123456789abcdef0",), True),
        (("i-01234567", "i-0123456789abcdef0"), True),
        (("i-0123456789abcdef0",), False),
        (("<instance>",), False),
        (("<a>", "<b>"), False),
    ],
)
def test_instance_parameters_that_scope_the_role(
    values: tuple[str, ...], on_schedule: bool
) -> None:
    assert list(instance_parameter_problems(_restart(*values), on_schedule=on_schedule)) == []


@pytest.mark.parametrize(
    ("values", "on_schedule", "start"),
    [
        (
            ("i-0123456789ABCDEF0",),
            True,
            "'i-0123456789ABCDEF0' is not an instance id (instance ids are lower case)",
        ),
        (("i-0123456789abcde",), False, "'i-0123456789abcde' is not an instance id: the role"),
        (("web-1",), True, "'web-1' is not an instance id: the role"),
        ((), True, "AWS-RestartEC2Instance acts on the instances in InstanceId"),
        ((), False, "AWS-RestartEC2Instance acts on the instances in InstanceId"),
        (("<instance>",), True, "'<instance>': a schedule has no event to fill a placeholder"),
        (("i-0123456789abcdef0", "<x>"), False, "'i-0123456789abcdef0', ...: mixes instance ids"),
    ],
)
def test_instance_parameters_that_would_widen_the_role_are_refused(
    values: tuple[str, ...], on_schedule: bool, start: str
) -> None:
    action = _restart(*values)
    [problem] = instance_parameter_problems(action, on_schedule=on_schedule)
    assert problem.location == "parameters.InstanceId"
    assert problem.message.startswith(start)
    # action_problems reports it too, so every caller refuses it.
    assert problem in action_problems(action, on_schedule=on_schedule)


def test_tag_targets_and_unknown_runbooks_are_not_instance_scoped_here() -> None:
    tagged = RunbookAction(
        document="AWS-CreateImage", targets=InstanceTargets(tag="Backup", values=("nightly",))
    )
    assert list(instance_parameter_problems(tagged, on_schedule=True)) == []
    own = RunbookAction(
        document="Payments-Rotate",
        parameters={"InstanceId": ("WEB",)},
        permissions=(Permission(actions=("s3:GetObject",), resources=("arn:aws:s3:::b/k",)),),
    )
    assert list(instance_parameter_problems(own, on_schedule=True)) == []


@pytest.mark.parametrize(
    "pattern",
    [
        {"source": ["aws.ec2"]},
        {"source": ["aws.ec2", "aws.guardduty"], "detail-type": ["GuardDuty Finding"]},
        {"$or": [{"source": ["aws.ec2"]}, {"source": ["aws.health"]}]},
        {"source": ["aws.ec2"], "$or": [{"detail-type": ["a"]}, {"detail-type": ["b"]}]},
    ],
)
def test_aws_service_events_may_name_the_instance(pattern: dict[str, object]) -> None:
    assert list(event_source_problems(_restart("<instance>"), pattern)) == []


@pytest.mark.parametrize(
    "pattern",
    [
        {"source": ["com.shop.orders"]},
        {"source": ["aws.ec2", "com.shop.orders"]},
        {"source": [{"prefix": "aws."}]},
        {"source": [{"anything-but": "com.shop"}]},
        {"source": ["aws.partner/example.com/1/orders"]},
        {"source": []},
        {"detail-type": ["EC2 Instance State-change Notification"]},
        {"$or": [{"source": ["aws.ec2"]}, {"detail-type": ["x"]}]},
    ],
)
def test_forgeable_events_may_not_name_the_instance(pattern: dict[str, object]) -> None:
    [problem] = event_source_problems(_restart("<instance>"), pattern)
    assert problem.location == "parameters.InstanceId"
    assert problem.message.startswith(
        "'<instance>' takes the instance from the event, but the pattern's source "
        f"{pattern.get('source', 'none')} is not only AWS services: anyone who may call "
        "events:PutEvents could send such an event naming any instance, and "
        "AWS-RestartEC2Instance would act on it."
    )


def test_named_instances_and_other_actions_do_not_depend_on_the_source() -> None:
    custom = {"source": ["com.shop.orders"]}
    assert list(event_source_problems(_restart("i-0123456789abcdef0"), custom)) == []
    assert list(event_source_problems(NotifyAction(topic="ops"), custom)) == []
    publish = RunbookAction(
        document="AWS-PublishSNSNotification", parameters={"Message": ("<instance>",)}
    )
    assert list(event_source_problems(publish, custom)) == []
