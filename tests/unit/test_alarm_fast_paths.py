"""Fast paths of the alarm constructs give what reading the facts back from Node gives.

Metrics built with ``known_metric`` carry their facts in Python, a stack's place is
computed once, and composite alarms know the alarms made here without asking Node
(issue 16, part 4). Each test compares with the slow path: aws-cdk-lib's own answer.
"""

from __future__ import annotations

import json

import pytest
from aws_cdk import Duration, Environment, Stack, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk.assertions import Template

from observability_blueprint.alarms._metrics import known_metric, metric_facts, read_metric_facts
from observability_blueprint.alarms.alarm_actions import stack_place
from observability_blueprint.alarms.alarm_options import alarm_arn, literal_alarm_name
from observability_blueprint.alarms.anomaly_alarm import AnomalyAlarm
from observability_blueprint.alarms.composite_alarm import RuleCompositeAlarm
from observability_blueprint.alarms.static_alarm import StaticAlarm
from observability_blueprint.rules import arns
from observability_blueprint.rules.alarm_settings import ActionSet, ActionSpec
from support import new_stack

STATISTICS = [
    None,
    "Average",
    "Sum",
    "SampleCount",
    "Minimum",
    "Maximum",
    "avg",
    "sum",
    "n",
    "p99",
    "P99",
    "p99.9",
    "tm90",
    "TM90",
    "tm(10%:90%)",
    "TC(10:20)",
    "IQM",
    "pr(:300)",
]


@pytest.mark.parametrize("statistic", STATISTICS)
@pytest.mark.parametrize(
    ("period", "dimensions"),
    [(60, None), (300, {"Service": "api"}), (3600, {"b": "2", "A": "1", "Stage": "dev"})],
)
def test_known_metric_facts_are_what_node_reports(
    statistic: str | None, period: int, dimensions: dict[str, str] | None
) -> None:
    metric = known_metric(
        namespace="Shop/Api",
        metric_name="Latency",
        statistic=statistic,
        period=period,
        dimensions=dimensions,
    )
    assert metric_facts(metric) == read_metric_facts(metric)


def test_known_metric_facts_need_no_jsii_read(monkeypatch: pytest.MonkeyPatch) -> None:
    metric = known_metric(namespace="N", metric_name="M", statistic="p99", period=300)

    def refuse(self: object) -> None:
        raise AssertionError("read back from Node")

    monkeypatch.setattr(cloudwatch.Metric, "to_metric_config", refuse)
    facts = metric_facts(metric)
    assert (facts.namespace, facts.metric_name, facts.statistic, facts.period) == (
        "N",
        "M",
        "p99",
        300,
    )


def test_foreign_metrics_are_still_read() -> None:
    made = known_metric(namespace="N", metric_name="M", statistic="Sum", period=60)
    changed = made.with_(period=Duration.minutes(5))  # a new object: not known
    assert metric_facts(changed).period == 300
    plain = cloudwatch.Metric(namespace="N", metric_name="M", period=Duration.minutes(1))
    assert metric_facts(plain).statistic == "Average"


def _alarms(stack: Stack, *, known: bool) -> None:
    def metric(name: str, statistic: str) -> cloudwatch.Metric:
        if known:
            return known_metric(
                namespace="Shop/Api",
                metric_name=name,
                statistic=statistic,
                period=300,
                dimensions={"Service": "api"},
            )
        return cloudwatch.Metric(
            namespace="Shop/Api",
            metric_name=name,
            statistic=statistic,
            period=Duration.minutes(5),
            dimensions_map={"Service": "api"},
        )

    errors = StaticAlarm(
        stack,
        "Errors",
        metric=metric("Errors", "Sum"),
        threshold=1,
        comparison=">=",
        evaluation_periods=3,
        alarm_name="shop-errors",
        actions=ActionSet(
            alarm=(ActionSpec(opsitem_severity=2), ActionSpec(incident_response_plan="p")),
        ),
    )
    slow = AnomalyAlarm(stack, "Slow", metric=metric("Latency", "P99"), direction="above")
    RuleCompositeAlarm(
        stack,
        "Health",
        rule="ALARM(errors) OR ALARM(slow)",
        alarms={"errors": errors.alarm, "slow": slow.alarm},
        alarm_name="shop-health",
    )


def test_alarms_on_known_metrics_synthesize_the_same_template() -> None:
    templates = []
    for known in (False, True):
        _, stack = new_stack(env=Environment(account="111122223333", region="eu-west-1"))
        _alarms(stack, known=known)
        templates.append(json.dumps(Template.from_stack(stack).to_json(), sort_keys=True))
    assert templates[0] == templates[1]
    assert "opsitem:2" in templates[1]  # two actions of one state, in order
    assert templates[1].index("opsitem:2") < templates[1].index("responseplan/p")


def test_alarms_on_known_metrics_same_template_agnostic() -> None:
    templates = []
    for known in (False, True):
        _, stack = new_stack()
        errors_metric = (
            known_metric(namespace="N", metric_name="E", statistic="Sum", period=60)
            if known
            else cloudwatch.Metric(
                namespace="N", metric_name="E", statistic="Sum", period=Duration.minutes(1)
            )
        )
        errors = StaticAlarm(
            stack, "Errors", metric=errors_metric, threshold=1, comparison=">", alarm_name="e"
        )
        slow = AnomalyAlarm(
            stack,
            "Slow",
            metric=(
                known_metric(namespace="N", metric_name="L", statistic="P99", period=60)
                if known
                else cloudwatch.Metric(
                    namespace="N", metric_name="L", statistic="P99", period=Duration.minutes(1)
                )
            ),
            alarm_name="s",
        )
        RuleCompositeAlarm(
            stack,
            "Both",
            rule="ALARM(e) AND ALARM(s)",
            alarms={"e": errors.alarm, "s": slow.alarm},
        )
        templates.append(json.dumps(Template.from_stack(stack).to_json(), sort_keys=True))
    assert templates[0] == templates[1]
    assert '"Stat": "p99"' in templates[1]  # as aws-cdk-lib normalizes P99


def test_stack_place_is_each_stacks_own() -> None:
    app, home = new_stack("Home", env=Environment(account="111122223333", region="eu-west-1"))
    other = Stack(app, "Other", env=Environment(account="444455556666", region="us-east-1"))
    agnostic = Stack(app, "Agnostic")
    for stack, region, account in (
        (home, "eu-west-1", "111122223333"),
        (other, "us-east-1", "444455556666"),
    ):
        first = cloudwatch.Alarm(
            stack,
            "A",
            metric=cloudwatch.Metric(namespace="N", metric_name="M"),
            threshold=1,
            evaluation_periods=1,
        )
        assert stack_place(first) == arns.Place.of(region=region, account=account)
        assert stack_place(first) is stack_place(stack)
    assert stack_place(agnostic) == arns.Place.of(region=agnostic.region, account=agnostic.account)
    assert stack_place(agnostic).region is None


def test_own_alarm_names_are_tokens_as_node_says() -> None:
    _, stack = new_stack()
    metric = cloudwatch.Metric(namespace="N", metric_name="M", period=Duration.minutes(1))
    named = StaticAlarm(stack, "Named", metric=metric, threshold=1, comparison=">", alarm_name="x")
    unnamed = StaticAlarm(stack, "Unnamed", metric=metric, threshold=1, comparison=">")
    anomaly = AnomalyAlarm(stack, "Odd", metric=metric, alarm_name="odd")
    composite = RuleCompositeAlarm(
        stack, "Both", rule="ALARM(a)", alarms={"a": named.alarm}, alarm_name="both"
    )
    for alarm in (named.alarm, unnamed.alarm, anomaly.alarm, composite.alarm):
        assert Token.is_unresolved(alarm.alarm_name)  # what Node says
        assert literal_alarm_name(alarm) is None
        assert alarm_arn(alarm) == alarm.alarm_arn
        assert alarm_arn(alarm) == alarm_arn(alarm)
    imported = cloudwatch.Alarm.from_alarm_arn(
        stack, "Imported", "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:theirs"
    )
    assert literal_alarm_name(imported) == "theirs"
    assert alarm_arn(imported) == "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:theirs"
