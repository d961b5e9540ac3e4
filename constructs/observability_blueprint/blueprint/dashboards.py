"""Every dashboard a blueprint file asks for, as one construct."""

from __future__ import annotations

from collections.abc import Callable

from aws_cdk import Stack
from constructs import Construct

from observability_blueprint.blueprint.dashboard_plan import plan_dashboards
from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.dashboards.blueprint_dashboard import BlueprintDashboard
from observability_blueprint.rules.alarm_settings import AlarmNaming


class BlueprintDashboards(Construct):
    """The services, one-service, alarms and hosts dashboards of a blueprint, by plan key.

    The dashboards reference alarms and log groups by name only, so this
    construct can live in the blueprint's stack or in a stack of its own (which
    ``build`` chooses when the dashboards would crowd the template).

    Parameters
    ----------
    config
        The validated blueprint file.
    alarm_naming
        The strategy the alarms were named with. Default: ``<name>-<stage>-<alarm>``.
    parent_of
        Where each dashboard is built, by plan key, when the blueprint spans several
        stacks: a ``Dashboards`` construct in that stack's ``Blueprint`` (None: here),
        so a dashboard's logical id is the same in any stack. Default: here.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Blueprint,
        alarm_naming: AlarmNaming | None = None,
        parent_of: Callable[[str], Construct | None] | None = None,
    ) -> None:
        super().__init__(scope, id)
        plans = plan_dashboards(config, region=Stack.of(self).region, alarm_naming=alarm_naming)
        self.dashboards: dict[str, BlueprintDashboard] = {
            plan.key: BlueprintDashboard(
                (parent_of(plan.key) if parent_of else None) or self, plan.key, plan=plan
            )
            for plan in plans
        }
        """The dashboards (or numbered parts), by plan key."""
