"""The alarms section of the blueprint file: each bad input and its message."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from observability_blueprint import Blueprint, BlueprintError
from observability_blueprint.config.alarms import alarm_problems
from observability_blueprint.rules.alarm_settings import ActionSpec

LAMBDA = "arn:aws:lambda:eu-west-1:111122223333:function:notify"
POLICY = (
    "arn:aws:autoscaling:eu-west-1:111122223333:scalingPolicy:1f2e3d4c-5b6a-4789-8abc-"
    "def012345678:autoScalingGroupName/workers:policyName/scale-out"
)

BASE: dict[str, Any] = {
    "name": "shop",
    "stage": "dev",
    "notifications": [{"name": "ops"}],
    "log_groups": [
        {
            "name": "api",
            "structured_logs": {},
            "metric_filters": [
                {"name": "timeouts", "pattern": "timeout", "namespace": "Shop", "metric": "T"}
            ],
        }
    ],
}
CPU = {"namespace": "AWS/EC2", "name": "CPUUtilization", "dimensions": {"InstanceId": "i-1"}}


def static(**settings: Any) -> dict[str, Any]:
    return {
        "name": "cpu",
        "metric": CPU,
        "threshold": 90,
        "comparison": ">",
        **settings,
    }


def with_alarms(*alarms: dict[str, Any], **top: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["alarms"] = list(alarms)
    data.update(top)
    return data


def error_of(data: dict[str, Any]) -> str:
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict(data)
    return str(caught.value)


def test_a_valid_set_of_every_kind() -> None:
    blueprint = Blueprint.from_dict(
        with_alarms(
            static(),
            {
                "name": "latency",
                "type": "anomaly",
                "metric": {"filter": "latency", "dimensions": {"Service": "api"}},
            },
            {"name": "health", "type": "composite", "rule": "ALARM(cpu) OR ALARM(latency)"},
        )
    )
    assert [a.type for a in blueprint.alarms] == ["static", "anomaly", "composite"]


def test_anomaly_alarm_with_a_plain_comparison_points_at_the_comparison() -> None:
    alarm = {"name": "lat", "type": "anomaly", "metric": CPU, "comparison": ">"}
    assert error_of(with_alarms(alarm)) == (
        "alarms[0].comparison: comparison '>' is not used by anomaly alarms; an anomaly alarm "
        "compares with its band: use direction (above, below, both)"
    )


def test_a_misplaced_key_does_not_hide_the_whole_file_problems_of_the_alarm() -> None:
    # The key is left out and the file checked again: the unknown filter shows too.
    alarm = {"name": "lat", "type": "anomaly", "metric": {"filter": "nope"}, "comparison": "<"}
    lines = error_of(with_alarms(alarm)).splitlines()
    assert lines[0] == (
        "alarms[0].comparison: comparison '<' is not used by anomaly alarms; an anomaly alarm "
        "compares with its band: use direction (above, below, both)"
    )
    assert lines[1].startswith("alarms[0].metric.filter: 'nope' is not a metric filter")


def test_anomaly_alarm_without_a_metric() -> None:
    alarm = {"name": "lat", "type": "anomaly"}
    assert error_of(with_alarms(alarm)) == "alarms[0]: an anomaly alarm needs a metric"


def test_ec2_action_on_a_metric_that_is_not_one_instance() -> None:
    alarm = static(
        metric={"namespace": "AWS/EC2", "name": "CPUUtilization"},
        actions={"alarm": [{"ec2": "stop"}]},
    )
    assert error_of(with_alarms(alarm)).startswith(
        "alarms[0].actions.alarm[0]: ec2 stop acts on the one instance whose metric the alarm "
        "watches; this alarm's metric is not one instance's"
    )


def test_ec2_action_on_one_instance_is_fine() -> None:
    blueprint = Blueprint.from_dict(with_alarms(static(actions={"alarm": [{"ec2": "reboot"}]})))
    assert [action.ec2 for action in blueprint.alarms[0].actions.alarm] == ["reboot"]


def test_autoscaling_action_on_an_anomaly_alarm() -> None:
    alarm = {
        "name": "lat",
        "type": "anomaly",
        "metric": CPU,
        "actions": {"alarm": [{"autoscaling": POLICY}]},
    }
    assert error_of(with_alarms(alarm)).startswith(
        "alarms[0].actions.alarm[0]: an anomaly alarm cannot take an autoscaling action on ALARM"
    )


def test_action_naming_an_unknown_topic() -> None:
    alarm = static(actions={"alarm": [{"topic": "opz"}]})
    assert error_of(with_alarms(alarm)) == (
        "alarms[0].actions.alarm[0].topic: 'opz' is not a blueprint topic; known topics: ops"
    )


def test_default_action_naming_an_unknown_topic() -> None:
    data = with_alarms(static(), default_actions={"ok": [{"topic": "pager"}]})
    assert error_of(data) == (
        "default_actions.ok[0].topic: 'pager' is not a blueprint topic; known topics: ops"
    )


@pytest.mark.parametrize(
    ("action", "kind"),
    [({"ec2": "stop"}, "ec2"), ({"autoscaling": POLICY}, "autoscaling")],
)
def test_ec2_or_autoscaling_action_on_a_composite(action: dict[str, str], kind: str) -> None:
    composite = {
        "name": "health",
        "type": "composite",
        "rule": "ALARM(cpu)",
        "actions": {"alarm": [action]},
    }
    assert error_of(with_alarms(static(), composite)) == (
        f"alarms[1].actions.alarm[0]: a composite alarm cannot take an {kind} action on ALARM; "
        "on ALARM it takes topic, lambda, opsitem (a severity, no category) and incident, and "
        "runbooks (started through EventBridge)"
    )


def test_composite_takes_only_sns_and_lambda_on_ok() -> None:
    composite = {
        "name": "health",
        "type": "composite",
        "rule": "ALARM(cpu)",
        "actions": {"ok": [{"opsitem": {"severity": 2}}]},
    }
    assert error_of(with_alarms(static(), composite)) == (
        "alarms[1].actions.ok[0]: a composite alarm cannot take an opsitem action on OK; on OK "
        "it takes topic and lambda, and runbooks (started through EventBridge)"
    )


@pytest.mark.parametrize("period", [0, 45, 90, 15])
def test_period_not_10_20_30_or_a_multiple_of_60(period: int) -> None:
    assert error_of(with_alarms(static(period=period))) == (
        f"alarms[0].period: {period} is not an alarm period; use 10, 20 or 30 (high "
        "resolution) or a multiple of 60 seconds"
    )


def test_evaluation_window_over_one_day_for_short_periods() -> None:
    assert error_of(with_alarms(static(period=60, evaluation_periods=1441))) == (
        "alarms[0].evaluation_periods: 1441 periods of 60 s is 86460 s; CloudWatch allows at "
        "most 86400 s (one day) for periods under an hour"
    )


def test_evaluation_window_over_seven_days_for_hourly_periods() -> None:
    assert error_of(with_alarms(static(period=3600, evaluation_periods=169))) == (
        "alarms[0].evaluation_periods: 169 periods of 3600 s is 608400 s; CloudWatch allows at "
        "most 604800 s (seven days) for periods of an hour or more"
    )


def test_datapoints_to_alarm_above_evaluation_periods() -> None:
    assert error_of(with_alarms(static(evaluation_periods=3, datapoints_to_alarm=4))) == (
        "alarms[0].datapoints_to_alarm: 4 must be between 1 and evaluation_periods (3)"
    )


def test_metric_math_over_ten_metrics() -> None:
    metrics = {f"m{i}": {"namespace": "App", "name": f"M{i}"} for i in range(11)}
    alarm = {
        "name": "sum",
        "expression": " + ".join(metrics),
        "metrics": metrics,
        "threshold": 1,
        "comparison": ">",
    }
    assert error_of(with_alarms(alarm)) == (
        "alarms[0].metrics: 11 metrics; a metric-math alarm takes at most 10"
    )


def test_dimension_count_over_thirty() -> None:
    metric = {"namespace": "App", "name": "M", "dimensions": {f"D{i}": "x" for i in range(31)}}
    assert error_of(with_alarms(static(metric=metric))) == (
        "alarms[0].metric: 31 dimensions; a CloudWatch metric has at most 30"
    )


def test_sub_minute_period_on_a_metric_filter_metric() -> None:
    alarm = static(metric={"filter": "timeouts"}, period=10)
    assert error_of(with_alarms(alarm)) == (
        "alarms[0].period: 10 seconds is shorter than a metric filter's one-minute data: the "
        "alarm would sit in INSUFFICIENT_DATA at three times the price; use 60 or more"
    )


def test_high_resolution_period_on_another_metric_is_fine() -> None:
    blueprint = Blueprint.from_dict(with_alarms(static(period=10)))
    assert blueprint.alarms[0].period == 10


def test_filter_metric_needs_a_value_for_every_dimension() -> None:
    alarm = static(metric={"filter": "errors"})
    assert error_of(with_alarms(alarm)) == (
        "alarms[0].metric.dimensions: the filter 'errors' publishes with dimensions Service; "
        "give a value for Service, or the alarm watches a metric that never has data"
    )


def test_filter_metric_with_a_dimension_the_filter_does_not_publish() -> None:
    alarm = static(metric={"filter": "timeouts", "dimensions": {"Host": "a"}})
    assert error_of(with_alarms(alarm)) == (
        "alarms[0].metric.dimensions: the filter 'timeouts' publishes no dimension Host"
    )


def test_unknown_filter() -> None:
    alarm = static(metric={"filter": "timeout"})
    message = error_of(with_alarms(alarm))
    assert message.startswith(
        "alarms[0].metric.filter: 'timeout' is not a metric filter of this blueprint; known "
        "filters: errors, latency"
    )


def test_more_than_ten_excluded_ranges() -> None:
    ranges = [
        {"start": f"2026-12-{d:02}T00:00:00", "end": f"2026-12-{d:02}T01:00:00"}
        for d in range(1, 12)
    ]
    alarm = {"name": "lat", "type": "anomaly", "metric": CPU, "excluded_periods": ranges}
    assert error_of(with_alarms(alarm)) == (
        "alarms[0].excluded_periods: 11 excluded periods; an anomaly detector takes at most 10"
    )


def test_excluded_range_that_ends_before_it_starts() -> None:
    ranges = [{"start": "2026-12-02T00:00:00", "end": "2026-12-01T00:00:00"}]
    alarm = {"name": "lat", "type": "anomaly", "metric": CPU, "excluded_periods": ranges}
    assert error_of(with_alarms(alarm)) == (
        "alarms[0].excluded_periods[0]: the range ends (2026-12-01T00:00:00) before it starts "
        "(2026-12-02T00:00:00)"
    )


def test_unknown_time_zone() -> None:
    alarm = {"name": "lat", "type": "anomaly", "metric": CPU, "timezone": "Europe/Atlantis"}
    assert error_of(with_alarms(alarm)).startswith(
        "alarms[0].timezone: 'Europe/Atlantis' is not an IANA time zone"
    )


def test_composite_referencing_itself() -> None:
    composite = {"name": "health", "type": "composite", "rule": "ALARM(cpu) OR ALARM(health)"}
    message = error_of(with_alarms(static(), composite))
    assert message.startswith("alarms[1].rule: ")
    assert "health" in message
    assert "itself" in message


def test_composite_referencing_a_missing_alarm() -> None:
    composite = {"name": "health", "type": "composite", "rule": "ALARM(cpu) OR ALARM(dsik)"}
    message = error_of(with_alarms(static(), composite))
    assert message.startswith("alarms[1].rule: ")
    assert "'dsik'" in message


def test_composite_cycle() -> None:
    alarms = [
        static(),
        {"name": "a", "type": "composite", "rule": "ALARM(b) OR ALARM(cpu)"},
        {"name": "b", "type": "composite", "rule": "ALARM(a)"},
    ]
    assert error_of(with_alarms(*alarms)) == (
        "alarms[1].rule: composite alarms refer to each other (by rule or suppressor) in a "
        "cycle: a -> b -> a"
    )


def test_rule_syntax_error_shows_the_position() -> None:
    composite = {"name": "health", "type": "composite", "rule": "ALARM(cpu AND OK(cpu)"}
    message = error_of(with_alarms(static(), composite))
    lines = message.splitlines()
    assert lines[0].startswith("alarms[1].rule: ")
    assert any(line.strip() == "^" for line in lines)


def test_alarm_actions_over_five_per_state() -> None:
    alarm = static(actions={"alarm": [{"lambda": LAMBDA}] * 6})
    assert error_of(with_alarms(alarm)).startswith(
        "alarms[0].actions.alarm: 6 actions; CloudWatch allows at most 5 per state"
    )


def test_action_needs_exactly_one_kind() -> None:
    alarm = static(actions={"alarm": [{"topic": "ops", "ec2": "stop"}]})
    assert error_of(with_alarms(alarm)) == (
        "alarms[0].actions.alarm[0]: give exactly one of topic, lambda, ec2, autoscaling, "
        "opsitem, incident, runbook (got 2: topic, ec2)"
    )


def test_static_alarm_needs_threshold_and_comparison() -> None:
    assert error_of(with_alarms({"name": "cpu", "metric": CPU})) == (
        "alarms[0]: a static alarm needs threshold and comparison"
    )


def test_suppressor_must_be_an_alarm() -> None:
    composite = {
        "name": "health",
        "type": "composite",
        "rule": "ALARM(cpu)",
        "suppressor": {"alarm": "maintenance"},
    }
    assert error_of(with_alarms(static(), composite)) == (
        "alarms[1].suppressor.alarm: 'maintenance' is not an alarm of this blueprint (or give "
        "an alarm ARN)"
    )


def test_duplicate_alarm_names() -> None:
    assert error_of(with_alarms(static(), static())) == (
        "alarms[1].name: 'cpu' is already used by alarms[0]; names must be unique"
    )


def test_expression_metric_not_used() -> None:
    alarm = {
        "name": "rate",
        "expression": "100 * errors / requests",
        "metrics": {
            "errors": {"namespace": "A", "name": "E"},
            "requests": {"namespace": "A", "name": "R"},
            "other": {"namespace": "A", "name": "O"},
        },
        "threshold": 1,
        "comparison": ">",
    }
    assert error_of(with_alarms(alarm)) == (
        "alarms[0].metrics.other: 'other' is not used by the expression '100 * errors / requests'"
    )


def test_bad_statistic() -> None:
    assert error_of(with_alarms(static(statistic="Mean"))).startswith(
        "alarms[0].statistic: 'Mean' is not a statistic"
    )


def test_rule_too_long_once_names_become_worst_case_arns() -> None:
    names = [f"{'disk-full-on-a-very-long-host-name-for-this-test'}-{i:03}" for i in range(80)]
    children = [static(name=n, threshold=i) for i, n in enumerate(names)]
    rule = " OR ".join(f"ALARM({n})" for n in names)
    assert len(rule) < 10_240
    composite = {"name": "any-disk", "type": "composite", "rule": rule}
    message = error_of(with_alarms(*children, composite))
    assert message.startswith("alarms[80].rule: ")
    assert "10240" in message.replace(",", "")


def test_suppressor_cycle() -> None:
    alarms = [
        static(),
        {"name": "x", "type": "composite", "rule": "ALARM(cpu)", "suppressor": {"alarm": "y"}},
        {"name": "y", "type": "composite", "rule": "ALARM(x)"},
    ]
    assert error_of(with_alarms(*alarms)) == (
        "alarms[1].rule: composite alarms refer to each other (by rule or suppressor) in a "
        "cycle: x -> y -> x"
    )


def test_description_with_runbook_over_1024_characters() -> None:
    alarm = static(description="d" * 900, runbook_url="https://wiki.example.com/" + "r" * 200)
    assert error_of(with_alarms(alarm)) == (
        "alarms[0].description: the description with its runbook link is 1135 characters; "
        "CloudWatch allows 1024"
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"type": "composite", "rule": "TRUE", "period": 60},
            "alarms[0].period: period 60 is not used by composite alarms",
        ),
        (
            {"type": "composite", "rule": "TRUE", "evaluation_periods": 2},
            "alarms[0].evaluation_periods: evaluation_periods 2 is not used by composite alarms",
        ),
        ({"band": 3}, "alarms[0].band: band 3.0 is not used by static alarms"),
        (
            {"direction": "above"},
            "alarms[0].direction: direction 'above' is not used by static alarms",
        ),
        (
            {"children_keep_actions": True},
            "alarms[0].children_keep_actions: children_keep_actions True is not used by static "
            "alarms",
        ),
        (
            {"suppressor": {"alarm": "x"}},
            "alarms[0].suppressor: suppressor is not used by static alarms",
        ),
    ],
)
def test_settings_of_another_alarm_type_are_refused_at_their_key(
    settings: dict[str, Any], message: str
) -> None:
    alarm = static(**settings)
    if alarm.get("type") == "composite":
        for unused in ("metric", "threshold", "comparison"):
            alarm.pop(unused)
    assert error_of(with_alarms(alarm)) == message


def test_default_action_no_alarm_takes() -> None:
    data = with_alarms(static(), default_actions={"ok": [{"opsitem": {"severity": 2}}]})
    assert error_of(data) == (
        "default_actions.ok[0]: no alarm takes opsitem actions on OK, so this default would be "
        "dropped everywhere; on OK alarms take autoscaling, ec2, lambda, topic"
    )


def test_two_anomaly_alarms_on_one_model() -> None:
    alarms = [
        {"name": "up", "type": "anomaly", "metric": CPU, "direction": "above"},
        {"name": "down", "type": "anomaly", "metric": CPU, "direction": "below"},
    ]
    assert error_of(with_alarms(*alarms)).startswith(
        "alarms[1].metric: alarms[0] already has the anomaly model of this metric and statistic"
    )


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_threshold_must_be_finite(value: float) -> None:
    message = error_of(with_alarms(static(threshold=value)))
    assert message == f"alarms[0].threshold: {value!r} is not a finite number; give a number"


# ------------------------------------- action forms and ARNs of the right kind


HERE = {"region": "eu-west-1", "account": "111122223333"}


def composite(**settings: Any) -> dict[str, Any]:
    return {"name": "health", "type": "composite", "rule": "ALARM(cpu)", **settings}


def problems_in(data: dict[str, Any], **env: str) -> list[str]:
    """The whole-file alarm problems of a valid file, for a stack in ``env``."""
    blueprint = Blueprint.from_dict(data)
    return [
        str(problem)
        for problem in alarm_problems(
            blueprint.alarms,
            filters=blueprint.all_filters(),
            topics=[t.name for t in blueprint.notifications],
            default_actions=blueprint.default_actions,
            naming=blueprint.alarm_naming(),
            **env,
        )
    ]


def test_composite_opsitem_takes_no_category() -> None:
    # PutCompositeAlarm documents arn:aws:ssm:REGION:ACCOUNT:opsitem:SEVERITY only.
    opsitem = {"opsitem": {"severity": 1, "category": "Availability"}}
    data = with_alarms(static(), composite(actions={"alarm": [opsitem]}))
    assert error_of(data) == (
        "alarms[1].actions.alarm[0].opsitem.category: a composite alarm's OpsItem action takes "
        "a severity only (arn:aws:ssm:REGION:ACCOUNT:opsitem:SEVERITY, without #CATEGORY=, as "
        "PutCompositeAlarm documents it): remove the category 'Availability', which only metric "
        "alarms take"
    )


def test_composite_opsitem_with_a_severity_only_is_fine() -> None:
    data = with_alarms(static(), composite(actions={"alarm": [{"opsitem": {"severity": 1}}]}))
    assert Blueprint.from_dict(data).alarms[1].actions is not None


def test_metric_alarms_take_an_opsitem_category() -> None:
    opsitem = {"opsitem": {"severity": 3, "category": "Performance"}}
    anomaly = {"name": "lat", "type": "anomaly", "metric": CPU, "actions": {"alarm": [opsitem]}}
    blueprint = Blueprint.from_dict(with_alarms(static(actions={"alarm": [opsitem]}), anomaly))
    assert [a.type for a in blueprint.alarms] == ["static", "anomaly"]


def test_a_default_opsitem_loses_its_category_on_composites_only() -> None:
    opsitem = {"opsitem": {"severity": 2, "category": "Security"}}
    blueprint = Blueprint.from_dict(with_alarms(static(), default_actions={"alarm": [opsitem]}))
    assert blueprint.default_actions is not None
    defaults = blueprint.default_actions.to_set()
    [on_composite] = defaults.only_accepted("composite").alarm
    [on_static] = defaults.only_accepted("static").alarm
    assert isinstance(on_composite, ActionSpec)
    assert isinstance(on_static, ActionSpec)
    assert (on_composite.opsitem_severity, on_composite.opsitem_category) == (2, None)
    assert (on_static.opsitem_severity, on_static.opsitem_category) == (2, "Security")


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (
            {"topic": "arn:aws:sqs:eu-west-1:111122223333:alerts"},
            "topic: 'arn:aws:sqs:eu-west-1:111122223333:alerts' is an SQS queue ARN; expected an "
            "SNS topic (arn:aws:sns:REGION:ACCOUNT:NAME)",
        ),
        (
            {"lambda": "arn:aws:sns:eu-west-1:111122223333:ops"},
            "lambda: 'arn:aws:sns:eu-west-1:111122223333:ops' is an SNS topic ARN; expected a "
            "Lambda function (arn:aws:lambda:REGION:ACCOUNT:function:NAME, with :VERSION or "
            ":ALIAS if wanted)",
        ),
        (
            {"autoscaling": LAMBDA},
            f"autoscaling: {LAMBDA!r} is a Lambda function ARN; expected an Auto Scaling policy "
            "(arn:aws:autoscaling:REGION:ACCOUNT:scalingPolicy:ID:autoScalingGroupName/GROUP:"
            "policyName/NAME)",
        ),
        (
            {"topic": "arn:aws:sns:eu-west-1:111122223333"},
            "topic: 'arn:aws:sns:eu-west-1:111122223333' has 5 of the 6 colon-separated parts of "
            "an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE); expected an SNS topic "
            "(arn:aws:sns:REGION:ACCOUNT:NAME)",
        ),
    ],
)
def test_action_arn_of_the_wrong_kind(action: dict[str, str], message: str) -> None:
    data = with_alarms(static(actions={"alarm": [action]}))
    assert error_of(data) == f"alarms[0].actions.alarm[0].{message}"


def test_suppressor_that_is_a_topic() -> None:
    topic = "arn:aws:sns:eu-west-1:111122223333:ops"
    data = with_alarms(static(), composite(suppressor={"alarm": topic}))
    assert error_of(data) == (
        f"alarms[1].suppressor.alarm: {topic!r} is an SNS topic ARN; expected a CloudWatch alarm "
        "(arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME)"
    )


def test_rule_naming_a_topic_by_arn() -> None:
    topic = "arn:aws:sns:eu-west-1:111122223333:ops"
    data = with_alarms(static(), composite(rule=f"ALARM(cpu) OR ALARM({topic})"))
    assert error_of(data) == (
        f"alarms[1].rule: {topic!r} is an SNS topic ARN; expected a CloudWatch alarm "
        "(arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME)"
    )


def test_an_arn_of_another_partition_is_refused_where_the_stack_region_is_known() -> None:
    china = "arn:aws-cn:lambda:cn-north-1:111122223333:function:notify"
    data = with_alarms(static(actions={"alarm": [{"lambda": china}]}))
    assert problems_in(data) == []  # environment-agnostic: the partition is unknown
    assert problems_in(data, **HERE) == [
        f"alarms[0].actions.alarm[0].lambda: {china!r} is in the partition aws-cn, this stack in "
        "aws: nothing in AWS reaches across partitions; use an ARN that starts arn:aws:"
    ]


def test_a_suppressor_of_another_partition_is_refused() -> None:
    gov = "arn:aws-us-gov:cloudwatch:us-gov-west-1:111122223333:alarm:maintenance"
    data = with_alarms(static(), composite(suppressor={"alarm": gov}))
    assert problems_in(data, **HERE) == [
        f"alarms[1].suppressor.alarm: {gov!r} is in the partition aws-us-gov, this stack in "
        "aws: nothing in AWS reaches across partitions; use an ARN that starts arn:aws:"
    ]


def test_composite_children_by_arn_are_in_its_region_and_account() -> None:
    elsewhere = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:db"
    foreign = "arn:aws:cloudwatch:eu-west-1:999988887777:alarm:db"
    local = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:db"
    rule = f"ALARM(cpu) OR ALARM({elsewhere}) OR ALARM({foreign}) OR ALARM({local})"
    data = with_alarms(static(), composite(rule=rule))
    assert problems_in(data) == []
    assert problems_in(data, **HERE) == [
        f"alarms[1].rule: {elsewhere!r} is in the Region us-east-1; a composite alarm watches "
        "only alarms of its own Region and account, so it must be in this stack's Region, "
        "eu-west-1",
        f"alarms[1].rule: {foreign!r} is in the account 999988887777; a composite alarm watches "
        "only alarms of its own Region and account, so it must be in this stack's account, "
        "111122223333",
    ]


# ------------------------------------------ runbooks run with a role of their own (B7)


def _runbook(**runbook: Any) -> dict[str, Any]:
    return static(actions={"alarm": [{"runbook": runbook}]})


def test_an_unknown_runbook_without_permissions_is_refused_at_its_place() -> None:
    assert error_of(with_alarms(_runbook(document="Payments-Notify"))) == (
        "alarms[0].actions.alarm[0].runbook.permissions: the blueprint does not know what "
        "Payments-Notify does; list the actions and resources it needs under permissions (the "
        "runbook runs with exactly those), or use one of AWS-RestartEC2Instance, "
        "AWS-StopEC2Instance, AWS-StartEC2Instance, AWS-CreateImage, AWS-PublishSNSNotification"
    )


def test_an_unknown_runbook_with_permissions_is_taken_and_they_are_checked() -> None:
    good = _runbook(
        document="Payments-Notify",
        permissions=[{"actions": ["sns:Publish"], "resources": ["arn:aws:sns:eu-west-1:1:t"]}],
    )
    Blueprint.from_dict(with_alarms(good))
    bad = _runbook(
        document="Payments-Notify",
        permissions=[{"actions": ["iam:PassRole"], "resources": ["arn:aws:iam::1:role/x"]}],
    )
    assert error_of(with_alarms(bad)) == (
        "alarms[0].actions.alarm[0].runbook.permissions[0].actions: 'iam:PassRole' would let "
        "the task grant itself more than it is given; a task role never gets IAM write "
        "actions, iam:PassRole or sts:AssumeRole"
    )


def test_publish_sns_notification_needs_its_topic() -> None:
    assert error_of(
        with_alarms(_runbook(document="AWS-PublishSNSNotification", parameters={"Message": ["x"]}))
    ) == (
        "alarms[0].actions.alarm[0].runbook.parameters.TopicArn: AWS-PublishSNSNotification "
        "needs TopicArn: its automation role may sns:Publish only on the ARNs given there"
    )


def test_an_instance_runbook_on_an_alarm_must_name_its_instance() -> None:
    message = error_of(with_alarms(_runbook(document="AWS-RestartEC2Instance")))
    assert message.startswith(
        "alarms[0].actions.alarm[0].runbook.parameters.InstanceId: AWS-RestartEC2Instance"
    )


def test_runbook_parameters_longer_than_a_target_input_are_refused_at_their_place() -> None:
    big = _runbook(
        document="AWS-PublishSNSNotification",
        parameters={"TopicArn": ["arn:aws:sns:eu-west-1:111122223333:t"], "Message": ["x" * 9000]},
    )
    message = error_of(with_alarms(big))
    # 9,068 characters of JSON, plus 150 for the automation role's ARN.
    assert message.startswith("alarms[0].actions.alarm[0].runbook.parameters: ")
    assert "makes a target input of about 9,218 characters; EventBridge takes at most 8,192" in (
        message
    )


def test_runbook_arn_parameters_are_checked_for_their_kind() -> None:
    """The automation role and the topic are granted on these values: they must be ARNs."""
    bad = _runbook(
        document="AWS-PublishSNSNotification",
        parameters={
            "TopicArn": ["arn:aws:sqs:eu-west-1:111122223333:q"],
            "AutomationAssumeRole": ["not-a-role"],
        },
    )
    assert error_of(with_alarms(bad)).splitlines() == [
        "alarms[0].actions.alarm[0].runbook.parameters.AutomationAssumeRole[0]: 'not-a-role' is "
        "not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE); expected an IAM role "
        "(arn:aws:iam::ACCOUNT:role/NAME)",
        "alarms[0].actions.alarm[0].runbook.parameters.TopicArn[0]: "
        "'arn:aws:sqs:eu-west-1:111122223333:q' is an SQS queue ARN; expected an SNS topic "
        "(arn:aws:sns:REGION:ACCOUNT:NAME)",
    ]
