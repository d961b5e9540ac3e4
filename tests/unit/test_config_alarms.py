"""The alarms section of the blueprint file: each bad input and its message."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from observability_blueprint import Blueprint, BlueprintError

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


def test_anomaly_alarm_with_a_plain_comparison() -> None:
    alarm = {"name": "lat", "type": "anomaly", "metric": CPU, "comparison": ">"}
    assert error_of(with_alarms(alarm)) == (
        "alarms[0]: comparison is not used by anomaly alarms; an anomaly alarm compares with "
        "its band: use direction (above, below, both)"
    )


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
        "alarms[0].actions.alarm[0]: topic 'opz' is not a blueprint topic; known topics: ops"
    )


def test_default_action_naming_an_unknown_topic() -> None:
    data = with_alarms(static(), default_actions={"ok": [{"topic": "pager"}]})
    assert error_of(data) == (
        "default_actions.ok[0]: topic 'pager' is not a blueprint topic; known topics: ops"
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
    assert error_of(with_alarms(static(), composite)).startswith(
        f"alarms[1].actions.alarm[0]: a composite alarm cannot take an {kind} action on ALARM; "
        "it accepts incident, lambda, opsitem, topic"
    )


def test_composite_takes_only_sns_and_lambda_on_ok() -> None:
    composite = {
        "name": "health",
        "type": "composite",
        "rule": "ALARM(cpu)",
        "actions": {"ok": [{"opsitem": {"severity": 2}}]},
    }
    assert "cannot take an opsitem action on OK; it accepts lambda, topic" in error_of(
        with_alarms(static(), composite)
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
    ("settings", "key"),
    [
        ({"type": "composite", "rule": "ALARM(x)", "period": 60}, "period"),
        ({"type": "composite", "rule": "ALARM(x)", "evaluation_periods": 2}, "evaluation_periods"),
        ({"band": 3}, "band"),
        ({"direction": "above"}, "direction"),
        ({"children_keep_actions": True}, "children_keep_actions"),
    ],
)
def test_settings_of_another_alarm_type_are_refused(settings: dict[str, Any], key: str) -> None:
    alarm = static(**settings)
    if alarm.get("type") == "composite":
        for unused in ("metric", "threshold", "comparison"):
            alarm.pop(unused)
    kind = alarm.get("type", "static")
    assert error_of(with_alarms(alarm)) == f"alarms[0]: {key} is not used by {kind} alarms"


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
