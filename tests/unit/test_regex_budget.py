"""CloudWatch Logs takes at most five regular expressions per log group.

Metric and subscription filters count together (botocore logs PutMetricFilter and
PutSubscriptionFilter: "a quota of two regular expression patterns within a single
filter pattern. There is also a quota of five regular expression patterns per log
group"); the two per pattern are checked by the filter-pattern engine.
"""

from __future__ import annotations

from typing import Any

import pytest

from observability_blueprint import Blueprint, BlueprintError, ManagedLogGroup, MetricFilterSpec
from observability_blueprint.rules.filter_patterns import parse
from support import new_stack

LAMBDA = "arn:aws:lambda:eu-west-1:111122223333:function:shipper"
SIXTH = (
    "brings the log group's regular expressions to 6; CloudWatch Logs allows at most 5 per "
    "log group (metric and subscription filters together): match with terms, JSON or "
    "space-delimited conditions"
)


def test_the_engine_counts_regexes() -> None:
    assert parse('"ERROR"').regex_count == 0
    assert parse("%ERR[A-Z]+%").regex_count == 1
    assert parse("[a=%x%, b=%y%, c]").regex_count == 2


def test_the_file_refuses_the_sixth_regex_pattern_across_filter_kinds() -> None:
    filters = [
        {
            "name": f"f{i}",
            "pattern": f"%fail{i}%",
            "namespace": "Shop",
            "metric": f"F{i}",
        }
        for i in range(2)
    ]
    filters.append(
        {"name": "two", "pattern": "[a=%x%, b=%y%, c]", "namespace": "Shop", "metric": "T"}
    )
    filters.append({"name": "plain", "pattern": '"ERROR"', "namespace": "Shop", "metric": "E"})
    data: dict[str, Any] = {
        "name": "shop",
        "stage": "dev",
        "log_groups": [
            {
                "name": "api",
                "metric_filters": filters,
                "subscriptions": [
                    {"destination_arn": LAMBDA, "pattern": "%timeout%"},
                    {"destination_arn": LAMBDA, "pattern": "%panic%"},
                ],
            }
        ],
    }
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict(data)
    assert [str(p) for p in caught.value.problems] == [
        f"log_groups[0].subscriptions[1].pattern: {SIXTH}"
    ]


def test_the_python_api_refuses_it_too() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Logs", log_group_name="/shop/api")
    for i in range(2):
        group.add_metric_filter(
            MetricFilterSpec(name=f"f{i}", pattern=f"%fail{i}%", namespace="Shop", metric_name="F")
        )
    group.add_metric_filter(
        MetricFilterSpec(name="two", pattern="[a=%x%, b=%y%, c]", namespace="Shop", metric_name="T")
    )
    group.add_metric_filter(
        MetricFilterSpec(name="plain", pattern='"ERROR"', namespace="Shop", metric_name="E")
    )
    group.add_subscription("S0", destination_arn=LAMBDA, pattern="%timeout%")
    with pytest.raises(BlueprintError) as caught:
        group.add_subscription("S1", destination_arn=LAMBDA, pattern="%panic%")
    assert str(caught.value) == f"Test/Logs/S1.pattern: {SIXTH}"
