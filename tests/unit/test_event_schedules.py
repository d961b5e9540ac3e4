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
    check_schedule,
    has_no_resource_level,
    instance_ids,
    permission_problems,
)
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
    ("cron(0 10-5 * * ? *)", "hours '10-5': the range 10-5 runs backwards"),
    ("cron(0 8 ? * FRI-MON *)", "day-of-week 'FRI-MON': the range FRI-MON runs backwards"),
    ("cron(0 24 * * ? *)", "hours '24': 24 is out of range 0-23"),
    ("cron(60 0 * * ? *)", "minutes '60': 60 is out of range 0-59"),
    ("cron(0 0 32 * ? *)", "day-of-month '32': 32 is out of range 1-31"),
    ("cron(0 0 * 13 ? *)", "month '13': 13 is out of range 1-12"),
    ("cron(0 0 ? * 8 *)", "day-of-week '8': 8 is out of range 1-7"),
    ("cron(0 0 * * ? 1969)", "year '1969': 1969 is out of range 1970-2199"),
    ("cron(0 0 ? * 2#6 *)", "the week of the month after # must be 1-5"),
    ("cron(0 0 L * ? *)", None),
    ("cron(0 0 ? * MON#1,5W *)", "day-of-week takes L"),
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


def test_schedules_take_no_opsitem_or_topic() -> None:
    [problem] = action_problems(OpsItemAction(title="t", description="d"), on_schedule=True)
    assert "a schedule cannot take an OpsItem action" in problem.message
    [problem] = action_problems(NotifyAction(topic="ops"), on_schedule=True)
    assert "a schedule cannot take a topic action" in problem.message


def test_lambda_arn_and_opsitem_values_are_checked() -> None:
    [problem] = action_problems(LambdaAction(function_arn="my-function"), on_schedule=True)
    assert problem.message.startswith("'my-function' is not a Lambda function ARN")
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
