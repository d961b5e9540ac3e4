"""BlueprintDashboard, through the construct API: a hand-written plan becomes the body.

The stack with the dashboards is synthesized once for the module.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import Aws, Environment, Stack
from aws_cdk.assertions import Template

from observability_blueprint import BlueprintDashboard, BlueprintError, DashboardPlan
from observability_blueprint.rules.dashboard_model import (
    PatternVariable,
    PlotExpression,
    PlotMetric,
    Threshold,
    Widget,
)
from support import new_stack

ENV = Environment(account="111122223333", region="eu-west-1")
ALB = (("LoadBalancer", "app/shop/50dc6c495c0c9188"),)
ALARM_ARN = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:"

PLAN = DashboardPlan(
    key="overview",
    name="shop-dev-overview",
    start="-PT6H",
    period_override="inherit",
    rows=(
        (Widget(kind="text", title="Header", width=24, height=1, markdown="# Shop (dev)"),),
        (
            Widget(
                kind="graph",
                title="Errors",
                width=12,
                height=6,
                metrics=(
                    PlotMetric("Shop/Api", "Errors", (("Service", "api"),), "Sum", label="api"),
                ),
                thresholds=(Threshold(5, "api-errors threshold"),),
            ),
            Widget(
                kind="single_value",
                title="Requests",
                width=12,
                height=6,
                period=3600,
                metrics=(PlotMetric("AWS/ApplicationELB", "RequestCount", ALB, "Sum"),),
            ),
        ),
        (
            Widget(
                kind="alarm_status",
                title="Alarms",
                width=8,
                height=4,
                alarms=("shop-api-errors", "shop-api-latency"),
            ),
            Widget(
                kind="log_query",
                title="Latest errors",
                width=16,
                height=4,
                log_groups=("/shop/api",),
                query="fields @timestamp, @message | limit 20",
            ),
        ),
        (
            Widget(
                kind="graph",
                title="5xx rate",
                width=16,
                height=6,
                period=60,
                metrics=(
                    PlotMetric(
                        "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ALB, "Sum", id="errors"
                    ),
                    PlotMetric("AWS/ApplicationELB", "RequestCount", ALB, "Sum", id="requests"),
                    PlotExpression("100 * errors / requests", "5xx rate (%)"),
                ),
            ),
            Widget(
                kind="alarm_status",
                title="Errors alarm",
                width=8,
                height=6,
                alarms=("shop-api-errors",),
            ),
        ),
    ),
)
"""Four rows: text; graph and single value; alarms and logs; math and alarms again."""


@dataclass
class Built:
    stack: Stack
    template: Template
    overview: BlueprintDashboard

    def body(self, logical_id: str) -> dict[str, Any]:
        """The dashboard's body, with the Region token replaced by REGION."""
        body = self.template.to_json()["Resources"][logical_id]["Properties"]["DashboardBody"]
        if isinstance(body, dict):
            parts = body["Fn::Join"][1]
            assert {json.dumps(p) for p in parts if not isinstance(p, str)} <= {
                '{"Ref": "AWS::Region"}'
            }
            body = "".join(p if isinstance(p, str) else "REGION" for p in parts)
        parsed: dict[str, Any] = json.loads(body)
        return parsed

    def widgets(self) -> list[dict[str, Any]]:
        widgets: list[dict[str, Any]] = self.body("OverviewE5622D8D")["widgets"]
        return widgets


@pytest.fixture(scope="module")
def built() -> Built:
    _, stack = new_stack(env=ENV)
    overview = BlueprintDashboard(stack, "Overview", plan=PLAN)
    BlueprintDashboard(
        stack,
        "Defaults",
        plan=DashboardPlan(
            key="defaults",
            name="shop-dev-defaults",
            rows=((Widget(kind="text", title="Note", width=6, height=2, markdown="Hello"),),),
        ),
    )
    # A name with a token (the Region) is checked by CloudFormation, not here.
    BlueprintDashboard(
        stack,
        "Regional",
        plan=DashboardPlan(key="regional", name=f"shop-dev-{Aws.REGION}-regional", rows=()),
    )
    return Built(stack, Template.from_stack(stack), overview)


# ----------------------------------------------------------------- layout


def test_widgets_sit_where_the_plan_puts_them(built: Built) -> None:
    assert [(w["type"], w["x"], w["y"], w["width"], w["height"]) for w in built.widgets()] == [
        ("text", 0, 0, 24, 1),
        ("metric", 0, 1, 12, 6),
        ("metric", 12, 1, 12, 6),
        ("alarm", 0, 7, 8, 4),
        ("log", 8, 7, 16, 4),
        ("metric", 0, 11, 16, 6),
        ("alarm", 16, 11, 8, 6),
    ]


def test_the_plan_computes_the_same_positions() -> None:
    assert [(p.widget.title, p.x, p.y) for p in PLAN.placed()] == [
        ("Header", 0, 0),
        ("Errors", 0, 1),
        ("Requests", 12, 1),
        ("Alarms", 0, 7),
        ("Latest errors", 8, 7),
        ("5xx rate", 0, 11),
        ("Errors alarm", 16, 11),
    ]


def test_name_and_time_settings(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::CloudWatch::Dashboard", {"DashboardName": "shop-dev-overview"}
    )
    body = built.body("OverviewE5622D8D")
    assert (body["start"], body["periodOverride"]) == ("-PT6H", "inherit")


def test_plan_defaults_are_three_hours_and_each_graphs_own_period(built: Built) -> None:
    assert built.body("DefaultsE2ABB243") == {
        "start": "-PT3H",
        "periodOverride": "inherit",
        "widgets": [
            {
                "type": "text",
                "width": 6,
                "height": 2,
                "x": 0,
                "y": 0,
                "properties": {"markdown": "Hello"},
            }
        ],
    }


def test_a_token_in_the_name_is_left_to_cloudformation(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::CloudWatch::Dashboard",
        {"DashboardName": {"Fn::Join": ["", ["shop-dev-", {"Ref": "AWS::Region"}, "-regional"]]}},
    )
    built.template.resource_count_is("AWS::CloudWatch::Dashboard", 3)


def test_the_dashboard_is_exposed(built: Built) -> None:
    assert built.overview.plan is PLAN
    assert built.stack.get_logical_id(built.overview.dashboard.node.default_child) == (  # type: ignore[arg-type]
        "OverviewE5622D8D"
    )


# ---------------------------------------------------------------- widgets


def test_text_widget(built: Built) -> None:
    assert built.widgets()[0]["properties"] == {"markdown": "# Shop (dev)"}


def test_graph_with_a_threshold_line(built: Built) -> None:
    assert built.widgets()[1]["properties"] == {
        "view": "timeSeries",
        "title": "Errors",
        "region": "REGION",
        "metrics": [["Shop/Api", "Errors", "Service", "api", {"label": "api", "stat": "Sum"}]],
        "annotations": {
            "horizontal": [{"value": 5, "label": "api-errors threshold", "yAxis": "left"}]
        },
        "yAxis": {},
    }


def test_single_value_with_its_period(built: Built) -> None:
    assert built.widgets()[2]["properties"] == {
        "view": "singleValue",
        "title": "Requests",
        "region": "REGION",
        "metrics": [
            [
                "AWS/ApplicationELB",
                "RequestCount",
                "LoadBalancer",
                "app/shop/50dc6c495c0c9188",
                {"period": 3600, "stat": "Sum"},
            ]
        ],
        "period": 3600,
    }


def test_alarm_status_names_alarms_by_arn(built: Built) -> None:
    assert built.widgets()[3]["properties"] == {
        "title": "Alarms",
        "alarms": [f"{ALARM_ARN}shop-api-errors", f"{ALARM_ARN}shop-api-latency"],
        "sortBy": "stateUpdatedTimestamp",
    }
    assert built.widgets()[6]["properties"]["alarms"] == [f"{ALARM_ARN}shop-api-errors"]


def test_logs_insights_table(built: Built) -> None:
    assert built.widgets()[4]["properties"] == {
        "view": "table",
        "title": "Latest errors",
        "region": "REGION",
        "query": "SOURCE '/shop/api' | fields @timestamp, @message | limit 20",
    }


def test_metric_math_uses_the_metrics_it_names(built: Built) -> None:
    lb = ["LoadBalancer", "app/shop/50dc6c495c0c9188"]
    assert built.widgets()[5]["properties"] == {
        "view": "timeSeries",
        "title": "5xx rate",
        "region": "REGION",
        "metrics": [
            [
                "AWS/ApplicationELB",
                "HTTPCode_Target_5XX_Count",
                *lb,
                {"id": "errors", "period": 60, "stat": "Sum"},
            ],
            [
                "AWS/ApplicationELB",
                "RequestCount",
                *lb,
                {"id": "requests", "period": 60, "stat": "Sum"},
            ],
            [{"label": "5xx rate (%)", "expression": "100 * errors / requests", "period": 60}],
        ],
        "yAxis": {},
        "period": 60,
    }


# ----------------------------------------------------------------- checks


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("shop dev", "'shop dev'"),
        ("shop/dev", "'shop/dev'"),
        ("shop.dev", "'shop.dev'"),
        ("", "''"),
        # A long name is echoed cut to 80 characters: 77 of it and "...".
        ("a" * 256, f"'{'a' * 77}...'"),
    ],
)
def test_bad_names_are_refused(name: str, shown: str) -> None:
    _, stack = new_stack()
    message = (
        f"Test/Dashboard.name: {shown} is not a dashboard name; use 1 to 255 letters, "
        "digits, '-' and '_'"
    )
    with pytest.raises(BlueprintError, match=f"^{re.escape(message)}$"):
        BlueprintDashboard(stack, "Dashboard", plan=DashboardPlan(key="k", name=name, rows=()))


def test_a_name_of_255_characters_is_accepted() -> None:
    _, stack = new_stack()
    BlueprintDashboard(stack, "Dashboard", plan=DashboardPlan(key="k", name="a" * 255, rows=()))
    assert [c.node.id for c in stack.node.children] == ["Dashboard"]


# ------------------------------------------------ axes, Regions, hidden inputs


def test_axis_region_and_expression_inputs_in_the_body() -> None:
    _, stack = new_stack(env=ENV)
    dims = (("FunctionName", "checkout"),)
    rate = Widget(
        kind="graph",
        title="Error rate (%)",
        width=8,
        height=6,
        period=60,
        y_min=0,
        y_label="%",
        region="us-east-1",
        metrics=(
            PlotExpression(
                "100 * FILL(e, 0) / i",
                "errors %",
                inputs=(
                    PlotMetric("AWS/Lambda", "Errors", dims, "Sum", id="e"),
                    PlotMetric("AWS/Lambda", "Invocations", dims, "Sum", id="i"),
                ),
            ),
        ),
    )
    BlueprintDashboard(
        stack, "Rates", plan=DashboardPlan(key="rates", name="shop-dev-rates", rows=((rate,),))
    )
    [resource] = Template.from_stack(stack).find_resources("AWS::CloudWatch::Dashboard").values()
    body = resource["Properties"]["DashboardBody"]
    text = body if isinstance(body, str) else "".join(p for p in body["Fn::Join"][1])
    [widget] = json.loads(text)["widgets"]
    properties = widget["properties"]
    assert properties["yAxis"] == {"left": {"min": 0, "label": "%"}}
    assert properties["region"] == "us-east-1"
    assert properties["metrics"] == [
        [{"label": "errors %", "expression": "100 * FILL(e, 0) / i", "period": 60}],
        [
            "AWS/Lambda",
            "Errors",
            "FunctionName",
            "checkout",
            {"region": "us-east-1", "period": 60, "stat": "Sum", "visible": False, "id": "e"},
        ],
        [
            "AWS/Lambda",
            "Invocations",
            "FunctionName",
            "checkout",
            {"region": "us-east-1", "period": 60, "stat": "Sum", "visible": False, "id": "i"},
        ],
    ]


def test_a_graph_without_axis_settings_has_no_y_axis(built: Built) -> None:
    errors = next(w for w in built.widgets() if w["properties"].get("title") == "Errors")
    assert "yAxis" not in errors["properties"] or errors["properties"]["yAxis"] == {}


# ------------------------------------------------------------- variables


def _variable(**changes: Any) -> PatternVariable:
    fields: dict[str, Any] = {
        "id": "service",
        "pattern": "__service__",
        "values": ("api", "orders"),
        "label": "Service",
    }
    return PatternVariable(**{**fields, **changes})


SWITCHED = Widget(
    kind="graph",
    title="Errors",
    width=24,
    height=6,
    period=300,
    metrics=(
        PlotExpression(
            "SEARCH('{shop-dev/__service__,Service} MetricName=\"Errors\"', 'Sum', 300)", "Errors"
        ),
    ),
)


def test_a_pattern_variable_in_the_body() -> None:
    _, stack = new_stack(env=ENV)
    plan = DashboardPlan(
        key="service",
        name="shop-dev-service",
        rows=((SWITCHED,),),
        variables=(_variable(values=("api", "orders", "billing"), default="orders"),),
    )
    BlueprintDashboard(stack, "Service", plan=plan)
    [resource] = Template.from_stack(stack).find_resources("AWS::CloudWatch::Dashboard").values()
    parts = resource["Properties"]["DashboardBody"]["Fn::Join"][1]
    body = json.loads("".join(p if isinstance(p, str) else "REGION" for p in parts))
    assert "__service__" in body["widgets"][0]["properties"]["metrics"][0][0]["expression"]
    assert body["variables"] == [
        {
            "type": "pattern",
            "pattern": "__service__",
            "inputType": "select",
            "id": "service",
            "label": "Service",
            "defaultValue": "orders",
            "values": [{"value": "api"}, {"value": "orders"}, {"value": "billing"}],
        }
    ]


def test_the_default_is_the_first_value_and_the_label_optional() -> None:
    _, stack = new_stack(env=ENV)
    plan = DashboardPlan(
        key="service", name="shop-dev-service", rows=(), variables=(_variable(label=""),)
    )
    BlueprintDashboard(stack, "Service", plan=plan)
    [resource] = Template.from_stack(stack).find_resources("AWS::CloudWatch::Dashboard").values()
    [variable] = json.loads(resource["Properties"]["DashboardBody"])["variables"]
    assert variable["defaultValue"] == "api"
    assert "label" not in variable


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            (_variable(id="the service"),),
            "Test/Dashboard.variables[0].id: 'the service' is not a variable id; use 1 to 32 "
            "letters, digits, '-' and '_'",
        ),
        (
            (_variable(id="s" * 33),),
            f"Test/Dashboard.variables[0].id: '{'s' * 33}' is not a variable id; use 1 to 32 "
            "letters, digits, '-' and '_'",
        ),
        (
            (_variable(), _variable()),
            "Test/Dashboard.variables[1].id: 'service' is the id of another variable; use another",
        ),
        (
            (_variable(label="The service whose graphs to show"),),
            "Test/Dashboard.variables[0].label: 'The service whose graphs to show' is 32 "
            "characters; a variable label takes at most 30",
        ),
        (
            (_variable(pattern=""),),
            "Test/Dashboard.variables[0].pattern: '' replaces nothing; give the text to replace",
        ),
        (
            (_variable(values=()),),
            "Test/Dashboard.variables[0].values: 0 values; a variable takes 1 to 500",
        ),
        (
            (_variable(values=tuple(f"s{i}" for i in range(501))),),
            "Test/Dashboard.variables[0].values: 501 values; a variable takes 1 to 500",
        ),
        (
            (_variable(values=("api", "x" * 256)),),
            f"Test/Dashboard.variables[0].values[1]: '{'x' * 77}...' is 256 characters; a value "
            "takes 1 to 255",
        ),
        (
            (_variable(default="billing"),),
            "Test/Dashboard.variables[0].default: 'billing' is not one of the values; choose one "
            "of: api, orders",
        ),
        (
            tuple(_variable(id=f"v{i}") for i in range(26)),
            "Test/Dashboard.variables: 26 variables; a dashboard takes at most 25",
        ),
    ],
    ids=[
        "id with a space",
        "id of 33",
        "same id twice",
        "label of 32",
        "empty pattern",
        "no values",
        "501 values",
        "value of 256",
        "default not a value",
        "26 variables",
    ],
)
def test_bad_variables_are_refused(variables: tuple[PatternVariable, ...], message: str) -> None:
    _, stack = new_stack()
    plan = DashboardPlan(key="k", name="shop-dev-k", rows=(), variables=variables)
    with pytest.raises(BlueprintError, match=f"^{re.escape(message)}$"):
        BlueprintDashboard(stack, "Dashboard", plan=plan)


def test_limits_of_variables_are_accepted() -> None:
    _, stack = new_stack()
    variables = (
        _variable(id="s" * 32, label="L" * 30, values=tuple(f"{i:0255}" for i in range(500))),
        *(_variable(id=f"v{i}") for i in range(24)),
    )
    plan = DashboardPlan(key="k", name="shop-dev-k", rows=(), variables=variables)
    BlueprintDashboard(stack, "Dashboard", plan=plan)
    [resource] = Template.from_stack(stack).find_resources("AWS::CloudWatch::Dashboard").values()
    assert len(json.loads(resource["Properties"]["DashboardBody"])["variables"]) == 25
