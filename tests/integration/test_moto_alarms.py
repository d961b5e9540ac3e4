"""Create the examples' static alarms with boto3 from the synthesized properties.

moto's CloudFormation skips alarms, so the properties go straight to
PutMetricAlarm and are read back with DescribeAlarms.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from support import EXAMPLES, Synthesized

pytestmark = pytest.mark.integration
REGION = "eu-west-1"
_FIELDS = (
    "AlarmName",
    "AlarmDescription",
    "Namespace",
    "MetricName",
    "Statistic",
    "ExtendedStatistic",
    "Dimensions",
    "Period",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
    "AlarmActions",
    "OKActions",
    "InsufficientDataActions",
)


@pytest.fixture(params=sorted(EXAMPLES))
def template(request: pytest.FixtureRequest, examples: dict[str, Synthesized]) -> Any:
    """The main stack's template of each example (synthesized once for the run)."""
    return examples[request.param].template_json()


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def _resolve(value: Any, refs: dict[str, str]) -> Any:
    if isinstance(value, dict) and "Ref" in value:
        return refs[value["Ref"]]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return "-".join(value["Fn::GetAtt"])  # a stand-in name, such as a queue's
    if isinstance(value, dict):
        return {k: _resolve(v, refs) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, refs) for v in value]
    return value


@pytest.mark.usefixtures("aws")
def test_static_alarms_round_trip_through_the_cloudwatch_api(template: Any) -> None:
    sns = boto3.client("sns", region_name=REGION)
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    refs = {
        logical_id: sns.create_topic(Name=resource["Properties"]["TopicName"])["TopicArn"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::SNS::Topic"
    }
    static = [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::CloudWatch::Alarm" and "MetricName" in r["Properties"]
    ]
    assert static, "the example has static alarms"
    for props in static:
        cloudwatch.put_metric_alarm(
            **{k: _resolve(props[k], refs) for k in _FIELDS if k in props},
        )
    described = {a["AlarmName"]: a for a in cloudwatch.describe_alarms()["MetricAlarms"]}
    for props in static:
        alarm = described[props["AlarmName"]]
        assert alarm["Namespace"] == props["Namespace"]
        assert alarm["MetricName"] == props["MetricName"]
        assert alarm["Threshold"] == props["Threshold"]
        assert alarm["ComparisonOperator"] == props["ComparisonOperator"]
        assert alarm["Period"] == props["Period"]
        assert alarm["EvaluationPeriods"] == props["EvaluationPeriods"]
        assert alarm.get("Dimensions", []) == _resolve(props.get("Dimensions", []), refs)
        assert alarm["AlarmActions"] == _resolve(props.get("AlarmActions", []), refs)
        assert alarm.get("OKActions", []) == _resolve(props.get("OKActions", []), refs)
        assert alarm.get("DatapointsToAlarm") == props.get("DatapointsToAlarm")
        assert alarm.get("TreatMissingData", "missing") == props.get("TreatMissingData", "missing")
