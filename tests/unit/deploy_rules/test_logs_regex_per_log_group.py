"""OBS-LogsRegexPerLogGroup: two regexes per pattern, five per log group, filters together."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_logs as logs
from deploy_support import HOME, Synthesized, synthesize

from observability_blueprint.deploy_rules.logs_regex_per_log_group import regexes_in

RULE = "OBS-LogsRegexPerLogGroup"
SHIPPER = "arn:aws:lambda:eu-west-1:111122223333:function:shipper"


def _filters(stack: Stack, group: str, patterns: list[str], *, subscribe_last: bool) -> None:
    log_group = logs.LogGroup(stack, group)
    for index, pattern in enumerate(patterns):
        if subscribe_last and index == len(patterns) - 1:
            logs.CfnSubscriptionFilter(
                stack,
                f"{group}Sub{index}",
                log_group_name=log_group.log_group_name,
                filter_pattern=pattern,
                destination_arn=SHIPPER,
            )
        else:
            log_group.add_metric_filter(
                f"Filter{index}",
                filter_pattern=logs.FilterPattern.literal(pattern),
                metric_name=f"M{index}",
                metric_namespace="Shop",
            )


def _app(make_app: Callable[[], App]) -> tuple[App, Stack]:
    app = make_app()
    stack = Stack(app, "Logs", env=HOME)
    # Five regexes on one log group: the quota, not over it.
    _filters(stack, "AtQuota", ["%a% %b%", "%c% %d%", "%e%"], subscribe_last=True)
    # The sixth comes from a subscription filter: both kinds count together.
    _filters(stack, "OverQuota", ["%a% %b%", "%c% %d%", "%e%", "%f%"], subscribe_last=True)
    _filters(stack, "ThreeInOne", ["%a% %b% %c%"], subscribe_last=False)
    return app, stack


@pytest.fixture(scope="module")
def result(make_app: Callable[[], App]) -> Synthesized:
    app, _ = _app(make_app)
    return synthesize(app)


def test_a_log_group_at_five_regexes_passes(result: Synthesized) -> None:
    assert not [f for f in result.of(RULE) if "/AtQuota" in f.path]


def test_the_filter_that_brings_the_sixth_regex_fails_synthesis(result: Synthesized) -> None:
    over = [f for f in result.of(RULE) if "OverQuotaSub3" in f.path]

    assert result.error is not None
    assert [f.path for f in over] == ["Logs/OverQuotaSub3"]
    message = over[0].description
    assert message.startswith("Logs/OverQuotaSub3 (OverQuotaSub3")
    assert "Properties/FilterPattern: '%f%' brings log group ${OverQuota" in message
    assert "to 6 regular expressions" in message
    assert "at most 5 per log group, metric and subscription filters together" in message
    assert "allowed: at most 5 %regex% terms across the log group's filters" in message


def test_a_pattern_with_three_regexes_fails(result: Synthesized) -> None:
    three = [f for f in result.of(RULE) if "/ThreeInOne" in f.path]

    assert [f.path for f in three] == ["Logs/ThreeInOne/Filter0/Resource"]
    assert (
        "Properties/FilterPattern: '%a% %b% %c%' holds 3 regular expressions; CloudWatch Logs "
        "takes at most 2 in one filter pattern; allowed: at most 2 %regex% terms"
    ) in three[0].description


def test_nothing_else_is_reported(result: Synthesized) -> None:
    assert len(result.findings) == 2


def test_an_acknowledged_finding_passes(make_app: Callable[[], App]) -> None:
    app, stack = _app(make_app)
    Validations.of(stack).acknowledge(
        Acknowledgment(id=f"ObservabilityBlueprint::{RULE}", reason="test: known to AWS support")
    )

    result = synthesize(app)

    assert result.error is None
    assert result.findings == []
    assert {f.rule for f in result.acknowledged} == {RULE}


@pytest.mark.parametrize(
    ("pattern", "count"),
    [
        ('"ERROR"', 0),
        ("%ERR[A-Z]+%", 1),
        ("[a=%x%, b=%y%, c]", 2),
        ("%a% %b% %c%", 3),  # the parser refuses it: counted by its % signs
        ('"100%" %a% %b% %c%', 3),  # a % inside quotes is text
    ],
)
def test_regexes_are_counted_in_valid_and_refused_patterns(pattern: str, count: int) -> None:
    assert regexes_in(pattern) == count
