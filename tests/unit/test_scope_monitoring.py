"""Discovery: a CDK scope's supported resources get their recommended alarms (issue 15, 2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from aws_cdk import App, CfnResource, Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template
from constructs import Construct

from observability_blueprint.monitors import AlarmOverride
from observability_blueprint.monitors.scope_monitoring import (
    UNSET_WARNING,
    ScopeMonitoring,
)
from observability_blueprint.rules.alarm_settings import ActionSet
from observability_blueprint.rules.errors import BlueprintError

# Thresholds the tests give to alarms whose threshold depends on the workload.
TABLE_THROTTLES = {
    "read_throttle_events": AlarmOverride(threshold=5),
    "read_throttle_events_gsi": AlarmOverride(threshold=5),
}


class Workload(Stack):
    """The issue's sample: a function, a queue, a table and a REST API with a method."""

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.function = lambda_.Function(
            self,
            "Orders",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context): pass"),
            timeout=Duration.seconds(10),
        )
        self.queue = sqs.Queue(self, "Jobs")
        self.table = dynamodb.Table(
            self,
            "Customers",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        )
        self.table.add_global_secondary_index(
            index_name="byEmail",
            partition_key=dynamodb.Attribute(name="email", type=dynamodb.AttributeType.STRING),
        )
        self.api = apigw.RestApi(self, "Api", rest_api_name="orders-api")
        self.api.root.add_method("GET", apigw.LambdaIntegration(self.function))


def _monitored(stack: Workload | None = None, **options: Any) -> tuple[Workload, ScopeMonitoring]:
    stack = stack or Workload(App(), "Shop")
    return stack, ScopeMonitoring(stack, "Monitoring", target=stack, **options)


@pytest.fixture(scope="module")
def sample() -> tuple[Workload, ScopeMonitoring, dict[str, Any]]:
    stack, monitoring = _monitored(alarms={"dynamodb_table": TABLE_THROTTLES})
    return stack, monitoring, dict(Template.from_stack(stack).to_json())


def _logical_id(stack: Stack, construct: Construct) -> str:
    child = construct.node.default_child
    assert isinstance(child, CfnResource)
    return stack.resolve(child.logical_id)  # type: ignore[no-any-return]


def _alarms(template: dict[str, Any], metric: str) -> list[dict[str, Any]]:
    return [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::CloudWatch::Alarm" and r["Properties"].get("MetricName") == metric
    ]


# ------------------------------------------------------------------ what is found


def test_discovery_finds_exactly_the_four_resources_and_the_stage(
    sample: tuple[Workload, ScopeMonitoring, dict[str, Any]],
) -> None:
    # Given the stack (a function, a queue, a table, a REST API with a method)
    _, monitoring, _ = sample
    # Then discovery takes those four (the API by its stage) and nothing else: not the
    # function's role, nor the API's deployment, account, method or CloudWatch role
    found = {(r.resource_type, r.path) for r in monitoring.resources.values()}
    assert found == {
        ("lambda_function", "Shop/Orders"),
        ("sqs_queue", "Shop/Jobs"),
        ("dynamodb_table", "Shop/Customers"),
        ("api_gateway_rest_api", "Shop/Api/DeploymentStage.prod"),
    }
    assert set(monitoring.monitors) == {"Orders", "Jobs", "Customers", "Api--DeploymentStage.prod"}


def test_dimension_values_are_references_to_the_resources(
    sample: tuple[Workload, ScopeMonitoring, dict[str, Any]],
) -> None:
    stack, _, template = sample
    function = _logical_id(stack, stack.function)
    queue = _logical_id(stack, stack.queue)
    table = _logical_id(stack, stack.table)
    # Lambda: FunctionName is Ref (aws-cdk-lib Function.functionName)
    (duration,) = _alarms(template, "Duration")
    assert duration["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function}}]
    # SQS: QueueName is GetAtt QueueName (Ref is the queue URL)
    (not_visible,) = _alarms(template, "ApproximateNumberOfMessagesNotVisible")
    assert not_visible["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}
    ]
    # DynamoDB: TableName is Ref; the GSI read from the table is a sub-resource
    throttles = _alarms(template, "ReadThrottleEvents")
    assert {"Name": "TableName", "Value": {"Ref": table}} in throttles[0]["Dimensions"]
    dimension_sets = sorted(
        (d["Name"], str(d["Value"])) for a in throttles for d in a["Dimensions"]
    )
    assert ("GlobalSecondaryIndexName", "byEmail") in dimension_sets
    # API Gateway REST: ApiName is the API's Name property, Stage the stage's name
    (errors_5xx,) = _alarms(template, "5XXError")
    assert sorted(errors_5xx["Dimensions"], key=lambda d: d["Name"]) == [
        {"Name": "ApiName", "Value": "orders-api"},
        {"Name": "Stage", "Value": "prod"},
    ]


def test_facts_come_from_the_resource_properties(
    sample: tuple[Workload, ScopeMonitoring, dict[str, Any]],
) -> None:
    _, monitoring, template = sample
    assert monitoring.resources["Orders"].facts.timeout_seconds == 10
    assert monitoring.resources["Jobs"].facts.retention_seconds == 345_600  # CFN default
    # The duration alarm is derived from the 10 s timeout: 0.8 x 10 000 ms
    (duration,) = _alarms(template, "Duration")
    assert duration["Threshold"] == 8000


def test_health_composite_over_every_alarm(
    sample: tuple[Workload, ScopeMonitoring, dict[str, Any]],
) -> None:
    _, monitoring, template = sample
    composites = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::CompositeAlarm"
    ]
    assert len(composites) == 1
    alarms = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert len(monitoring.alarm_list) == len(alarms)
    assert monitoring.health is not None


def test_dead_letter_queue_found_from_the_redrive_policy() -> None:
    app = App()
    stack = Stack(app, "S")
    dead = sqs.Queue(stack, "Dead")
    sqs.Queue(stack, "Work", dead_letter_queue=sqs.DeadLetterQueue(queue=dead, max_receive_count=3))
    monitoring = ScopeMonitoring(stack, "Monitoring", target=stack)
    assert monitoring.resources["Dead"].facts.is_dead_letter_queue is True
    assert monitoring.resources["Work"].facts.is_dead_letter_queue is False
    # The dead-letter alarm of ours is on the DLQ only
    assert "dead-letter-queue-not-empty" in monitoring.monitors["Dead"].alarms
    assert "dead-letter-queue-not-empty" not in monitoring.monitors["Work"].alarms


def test_an_l1_queue_is_found_too() -> None:
    stack = Stack(App(), "S")
    sqs.CfnQueue(stack, "Raw", fifo_queue=True, queue_name="raw.fifo")
    CfnResource(
        stack, "Generic", type="AWS::SQS::Queue", properties={"MessageRetentionPeriod": 600}
    )
    monitoring = ScopeMonitoring(stack, "Monitoring", target=stack)
    assert set(monitoring.resources) == {"Raw", "Generic"}
    assert monitoring.resources["Raw"].facts.is_fifo is True
    assert monitoring.resources["Generic"].facts.retention_seconds == 600


def test_own_resources_are_not_monitored() -> None:
    # A topic under the monitoring construct (or any observability-blueprint construct)
    stack = Stack(App(), "S")
    sqs.Queue(stack, "Jobs")
    monitoring = ScopeMonitoring(stack, "Monitoring", target=stack, health_alarm=False)
    sns.Topic(monitoring, "Own")
    monitoring.discover()
    assert set(monitoring.resources) == {"Jobs"}
    assert monitoring.health is None


# ------------------------------------------------------------------ filters


def test_resource_types_filter() -> None:
    _, monitoring = _monitored(resource_types=["sqs_queue", "lambda_function"])
    assert {r.resource_type for r in monitoring.resources.values()} == {
        "sqs_queue",
        "lambda_function",
    }


def test_include_by_path_glob_and_exclude_by_type() -> None:
    _, monitoring = _monitored(include=["*/Api", "Shop/Orders", "Shop/Jobs"], exclude=["sqs_queue"])
    # */Api matches the stage through its API's path; exclude wins over include
    assert set(monitoring.monitors) == {"Api--DeploymentStage.prod", "Orders"}


def test_exclude_by_path_covers_everything_below() -> None:
    _, monitoring = _monitored(exclude=["Shop/Api"])
    assert "Api--DeploymentStage.prod" not in monitoring.monitors
    assert len(monitoring.monitors) == 3


def test_unknown_type_and_unmatched_glob_stop_with_the_place() -> None:
    with pytest.raises(BlueprintError) as raised:
        _monitored(resource_types=["lambda"], include=["queue"])
    text = str(raised.value)
    assert "Shop/Monitoring.resource_types" in text
    assert "'lambda' is not a monitored resource type; use one of lambda_function" in text
    assert "Shop/Monitoring.include[0]" in text
    assert "'queue' is neither a resource type nor a construct-path glob" in text
    with pytest.raises(BlueprintError, match=r"exclude\[0\]: 'Shop/Nope\*' matches no supported"):
        _monitored(exclude=["Shop/Nope*"])


# ------------------------------------------------------------------ thresholds


def test_unset_workload_thresholds_are_left_out_with_one_warning() -> None:
    stack, monitoring = _monitored()
    # Lambda Errors' threshold depends on the workload: no alarm, a warning that says how
    assert "errors" not in monitoring.monitors["Orders"].alarms
    assert "lambda.errors" in monitoring.left_out["Orders"]
    annotations = Annotations.from_stack(stack)
    warnings = annotations.find_warning("/Shop/Monitoring/Orders", Match.any_value())
    assert len(warnings) == 1
    text = str(warnings[0].entry.data)
    assert UNSET_WARNING in text
    assert "Shop/Orders (lambda_function)" in text
    assert "lambda.errors, lambda.throttles" in text
    assert 'alarms={"lambda_function": {"errors": AlarmOverride(threshold=1)' in text


def test_overrides_by_type_and_path_create_the_alarm() -> None:
    _, monitoring = _monitored(
        alarms={
            "lambda_function": {"errors": AlarmOverride(threshold=1)},
            "Shop/Orders": {"throttles": AlarmOverride(threshold=2)},
        }
    )
    alarms = monitoring.monitors["Orders"].alarms
    assert alarms["errors"].threshold == 1
    assert alarms["throttles"].threshold == 2
    assert "lambda.errors" not in monitoring.left_out["Orders"]


def test_a_bad_override_stops_with_the_place_value_and_allowed() -> None:
    with pytest.raises(BlueprintError) as raised:
        _monitored(alarms={"lambda_function": {"errors": AlarmOverride(statistic="p99")}})
    text = str(raised.value)
    assert "Shop/Orders.alarms.errors.statistic" in text
    assert "'p99' is a percentile statistic" in text
    with pytest.raises(BlueprintError, match=r"'errorz' is not an alarm of lambda_function"):
        _monitored(alarms={"lambda_function": {"errorz": AlarmOverride(threshold=1)}})


def test_actions_go_on_the_health_composite() -> None:
    stack = Workload(App(), "Shop")
    topic = sns.Topic(stack, "Pager")
    _, monitoring = _monitored(stack, exclude=["Shop/Pager"], actions=ActionSet(alarm=(topic,)))
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::CloudWatch::CompositeAlarm",
        {"AlarmActions": [{"Ref": _logical_id(stack, topic)}]},
    )
    assert "Pager" not in monitoring.monitors


# ------------------------------------------------------------------ stability and order


def _alarm_ids(template: Mapping[str, Any]) -> set[str]:
    return {
        k for k, r in template["Resources"].items() if r["Type"].startswith("AWS::CloudWatch::")
    }


def test_logical_ids_are_stable_across_runs_and_additions(
    sample: tuple[Workload, ScopeMonitoring, dict[str, Any]],
) -> None:
    _, _, first = sample
    again, _ = _monitored(alarms={"dynamodb_table": TABLE_THROTTLES})
    assert _alarm_ids(Template.from_stack(again).to_json()) == _alarm_ids(first)
    # Another resource added before discovery keeps the others' ids
    stack = Workload(App(), "Shop")
    sqs.Queue(stack, "Another")
    _monitored(stack, alarms={"dynamodb_table": TABLE_THROTTLES})
    grown = _alarm_ids(Template.from_stack(stack).to_json())
    assert _alarm_ids(first) - {k for k in _alarm_ids(first) if "Health" in k} <= grown


def test_resources_added_after_discovery_stop_synthesis() -> None:
    app = App()
    stack, _ = _monitored(Workload(app, "Shop"))
    sqs.Queue(stack, "Late")
    with pytest.raises(Exception, match=r"Shop/Late \(sqs_queue\) were added to Shop after"):
        app.synth()


def test_discover_again_takes_the_late_resources() -> None:
    app = App()
    stack, monitoring = _monitored(Workload(app, "Shop"))
    sqs.Queue(stack, "Late")
    made = monitoring.discover()
    assert [m.node.id for m in made] == ["Late"]
    app.synth()  # no validation error


def test_deep_construct_paths_still_give_alarm_names_cloudwatch_takes() -> None:
    stack = Stack(App(), "S")
    scope: Construct = stack
    for level in range(8):
        scope = Construct(scope, f"AVeryLongConstructNameForLevel{level}OfTheApp")
    sqs.CfnQueue(scope, "Jobs")
    monitoring = ScopeMonitoring(
        stack,
        "Monitoring",
        target=stack,
        alarm_name_prefix="shop-prod",
        alarms={
            "sqs_queue": {
                "approximate_age_of_oldest_message": AlarmOverride(threshold=600),
                "approximate_number_of_messages_visible": AlarmOverride(threshold=100),
            }
        },
    )
    names = [
        props["Properties"]["AlarmName"]
        for props in Template.from_stack(stack).find_resources("AWS::CloudWatch::Alarm").values()
    ]
    assert names
    assert all(len(name) <= 255 for name in names), max(map(len, names))
    assert all(name.startswith("shop-prod-AVeryLongConstructNameForLevel0") for name in names)
    (monitor_id,) = monitoring.monitors
    assert len(monitor_id) > 255  # the id keeps the whole path; only names are shortened
