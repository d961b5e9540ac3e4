"""A CloudWatch dashboard built from a plan, row by row."""

from __future__ import annotations

import re
from typing import Any

from aws_cdk import Aws, Duration, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from observability_blueprint.rules.dashboard_model import (
    DashboardPlan,
    PlotExpression,
    PlotMetric,
    Widget,
    check_dashboard_name,
    variable_problems,
)
from observability_blueprint.rules.errors import BlueprintError, Problem


class BlueprintDashboard(Construct):
    """A dashboard whose widgets and layout come from a :class:`DashboardPlan`.

    Each planned row becomes one ``add_widgets`` call, so aws-cdk-lib places the
    widgets exactly where the plan computed them. Alarms are referenced by name
    (their ARNs are built, not looked up), so a dashboard can live in another
    stack than its alarms. The plan's variables become pattern variables with a
    menu of their values (``DashboardVariable``, ``VariableType.PATTERN``,
    ``VariableInputType.SELECT``), checked against the dashboard body's limits
    (at most 25 variables, 1 to 500 values of up to 255 characters each).

    Parameters
    ----------
    plan
        The planned dashboard (see ``dashboard_plan.plan_dashboards``).
    """

    def __init__(self, scope: Construct, id: str, *, plan: DashboardPlan) -> None:
        super().__init__(scope, id)
        if not Token.is_unresolved(plan.name) and (message := check_dashboard_name(plan.name)):
            raise BlueprintError.at(f"{self.node.path}.name", message)
        if problems := variable_problems(plan.variables):
            raise BlueprintError(
                [Problem(f"{self.node.path}.{place}", message) for place, message in problems]
            )
        self.plan = plan
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Resource",
            dashboard_name=plan.name,
            start=plan.start,
            period_override=(
                cloudwatch.PeriodOverride.AUTO
                if plan.period_override == "auto"
                else cloudwatch.PeriodOverride.INHERIT
            ),
            variables=[
                cloudwatch.DashboardVariable(
                    id=v.id,
                    type=cloudwatch.VariableType.PATTERN,
                    input_type=cloudwatch.VariableInputType.SELECT,
                    value=v.pattern,
                    label=v.label or None,
                    values=cloudwatch.Values.from_values(
                        *(cloudwatch.VariableValue(value=value) for value in v.values)
                    ),
                    default_value=cloudwatch.DefaultValue.value(v.default_value),
                )
                for v in plan.variables
            ]
            or None,
        )
        """The underlying aws-cdk-lib dashboard."""
        self._alarms: dict[str, cloudwatch.IAlarm] = {}
        for row in plan.rows:
            self.dashboard.add_widgets(*(self._widget(w) for w in row))

    def _alarm(self, name: str) -> cloudwatch.IAlarm:
        if name not in self._alarms:
            self._alarms[name] = cloudwatch.Alarm.from_alarm_name(
                self, f"Alarm{len(self._alarms)}", name
            )
        return self._alarms[name]

    def _widget(self, widget: Widget) -> cloudwatch.IWidget:
        width, height = widget.width, widget.height
        if widget.kind == "text":
            return cloudwatch.TextWidget(markdown=widget.markdown, width=width, height=height)
        if widget.kind == "alarm_status":
            return cloudwatch.AlarmStatusWidget(
                title=widget.title,
                alarms=[self._alarm(name) for name in widget.alarms],
                sort_by=cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
                width=width,
                height=height,
            )
        if widget.kind == "insight":
            return ContributorInsightsWidget(
                title=widget.title,
                rule_name=widget.insight_rule,
                contributors=widget.contributors,
                period=widget.period,
                width=width,
                height=height,
            )
        if widget.kind == "log_query":
            return cloudwatch.LogQueryWidget(
                title=widget.title,
                log_group_names=list(widget.log_groups),
                query_string=widget.query,
                view=cloudwatch.LogQueryVisualizationType.TABLE,
                width=width,
                height=height,
            )
        metrics = _metrics(widget)
        period = Duration.seconds(widget.period) if widget.period else None
        if widget.kind == "single_value":
            return cloudwatch.SingleValueWidget(
                title=widget.title, metrics=metrics, period=period, width=width, height=height
            )
        axis = (
            cloudwatch.YAxisProps(min=widget.y_min, label=widget.y_label or None)
            if widget.y_min is not None or widget.y_label
            else None
        )
        return cloudwatch.GraphWidget(
            title=widget.title,
            left=metrics,
            left_annotations=[
                cloudwatch.HorizontalAnnotation(value=t.value, label=t.label)
                for t in widget.thresholds
            ]
            or None,
            left_y_axis=axis,
            region=widget.region,
            period=period,
            width=width,
            height=height,
        )


class ContributorInsightsWidget(cloudwatch.ConcreteWidget):
    """A graph of a Contributor Insights rule's top contributors (aws-cdk-lib has none).

    A metric widget whose ``insightRule`` names the rule, as the dashboard body
    takes it (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
    the ``contributors`` largest by their sum, one line each, in this stack's Region.
    """

    def __init__(
        self,
        *,
        title: str,
        rule_name: str,
        contributors: int,
        period: int | None,
        width: int,
        height: int,
    ) -> None:
        super().__init__(width, height)
        self._properties: dict[str, Any] = {
            "title": title,
            "view": "timeSeries",
            "region": Aws.REGION,
            "insightRule": {
                "ruleName": rule_name,
                "maxContributorCount": contributors,
                "orderBy": "Sum",
            },
            "legend": {"position": "bottom"},
        }
        if period is not None:
            self._properties["period"] = period

    def to_json(self) -> list[Any]:
        """Return the widget as the dashboard body's JSON."""
        return [
            {
                "type": "metric",
                "width": self.width,
                "height": self.height,
                "x": self._x,
                "y": self._y,
                "properties": self._properties,
            }
        ]


def _metrics(widget: Widget) -> list[cloudwatch.IMetric]:
    by_id: dict[str, cloudwatch.Metric] = {}
    out: list[cloudwatch.IMetric] = []
    period = Duration.seconds(widget.period) if widget.period else None
    for plotted in widget.metrics:
        if isinstance(plotted, PlotMetric):
            metric = _metric(plotted, period, widget.region)
            if plotted.id is not None:
                by_id[plotted.id] = metric
            out.append(metric)
            continue
        assert isinstance(plotted, PlotExpression)
        used = {i: m for i, m in by_id.items() if re.search(rf"\b{i}\b", plotted.expression)}
        # Inputs of the expression alone: aws-cdk-lib lists them hidden ("visible": false).
        used.update(
            {m.id: _metric(m, period, widget.region) for m in plotted.inputs if m.id is not None}
        )
        out.append(
            cloudwatch.MathExpression(
                expression=plotted.expression,
                label=plotted.label,
                using_metrics=used,
                period=period,
                search_region=widget.region if "SEARCH(" in plotted.expression else None,
            )
        )
    return out


def _metric(plotted: PlotMetric, period: Duration | None, region: str | None) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace=plotted.namespace,
        metric_name=plotted.name,
        dimensions_map=dict(plotted.dimensions) or None,
        statistic=plotted.statistic,
        label=plotted.label,
        period=period,
        region=region,
    )
