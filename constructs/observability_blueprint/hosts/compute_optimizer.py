"""A Compute Optimizer automation rule over EBS volumes (AWS::ComputeOptimizer::AutomationRule)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Token
from aws_cdk import aws_computeoptimizer as computeoptimizer
from constructs import Construct

from observability_blueprint.rules import compute_optimizer as co
from observability_blueprint.rules.errors import BlueprintError, Problem


class EbsAutomationRule(Construct):
    """Apply Compute Optimizer's EBS recommended actions on a schedule.

    One ``AWS::ComputeOptimizer::AutomationRule`` of type ``AccountRule``: a global
    resource that acts in every Region where Compute Optimizer Automation runs,
    unless ``regions`` narrows it. It does nothing until the account is enrolled
    in Automation (``aws compute-optimizer-automation
    update-enrollment-configuration --status Active``), which CloudFormation
    cannot do.

    **Destructive action.** ``snapshot_and_delete_unattached_volumes`` DELETES
    every EBS volume that matches the criteria and has been unattached for 32
    days or more, after taking a snapshot of it
    (https://docs.aws.amazon.com/compute-optimizer/latest/ug/automation-rec.html).
    It runs only when named in ``actions``; it is never a default. Without
    ``regions`` or ``tags`` it applies to every unattached volume of the account.

    Parameters
    ----------
    schedule
        A bare cron expression that runs at most once a day, ``minutes hours
        day_of_month month day_of_week [year]`` with single numbers for minutes
        and hours, such as ``30 12 * * *``.
    actions
        ``upgrade_volume_type`` (previous-generation volumes become gp3 / io2)
        and/or ``snapshot_and_delete_unattached_volumes``. Default: only
        ``upgrade_volume_type``.
    rule_name
        1 to 128 letters, digits, ``_`` and ``-``. Default: the construct's unique id,
        cut to 128 characters.
    timezone
        IANA time zone of the schedule. Default: UTC.
    window_minutes
        Minutes in which a run may start actions, 60 to 1,440. Default: 60.
    regions
        Only volumes in these Regions. Default: every Region.
    tags
        Only volumes with one of the given values of each tag key. Default: any.
    status
        ``Active`` or ``Inactive`` (kept, not run). Default: Active.
    description
        Default: none.

    Attributes
    ----------
    rule
        The L1 resource.
    deletes_volumes
        Whether the rule deletes volumes (after a snapshot).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        schedule: str,
        actions: Sequence[co.EbsAction] = co.DEFAULT_ACTIONS,
        rule_name: str | None = None,
        timezone: str | None = None,
        window_minutes: int = co.DEFAULT_WINDOW_MINUTES,
        regions: Sequence[str] = (),
        tags: Mapping[str, Sequence[str]] | None = None,
        status: co.RuleStatus = "Active",
        description: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        name = rule_name or self.node.addr[: co.RULE_NAME_MAX]
        tag_criteria = dict(tags or {})
        literal = {"name": name, "schedule": schedule, "timezone": timezone}
        problems = [
            Problem(f"{self.node.path}.{p.location}", p.message)
            for p in co.rule_problems(
                name=name,
                actions=list(actions),
                schedule=schedule,
                timezone=timezone,
                window_minutes=window_minutes,
                status=status,
                regions=list(regions),
                tags=tag_criteria,
                description=description,
            )
            # Values only known at deploy time (tokens) are left to CloudFormation.
            if not Token.is_unresolved(literal.get(p.location.split("[")[0]))
        ]
        if problems:
            raise BlueprintError(problems)
        self.deletes_volumes: bool = co.DESTRUCTIVE_ACTION in actions
        """Whether the rule deletes unattached volumes (after a snapshot)."""
        rule = computeoptimizer.CfnAutomationRule
        criteria = (
            rule.CriteriaProperty(
                region=[
                    rule.StringCriteriaConditionProperty(
                        comparison="StringEquals", values=list(regions)
                    )
                ]
                if regions
                else None,
                resource_tag=[
                    rule.ResourceTagsCriteriaConditionProperty(
                        comparison="StringEquals", key=key, values=list(values)
                    )
                    for key, values in tag_criteria.items()
                ]
                or None,
            )
            if regions or tag_criteria
            else None
        )
        self.rule = computeoptimizer.CfnAutomationRule(
            self,
            "Resource",
            name=name,
            rule_type="AccountRule",
            recommended_action_types=co.action_types(actions),
            schedule=computeoptimizer.CfnAutomationRule.ScheduleProperty(
                schedule_expression=schedule,
                schedule_expression_timezone=timezone,
                execution_window_in_minutes=window_minutes,
            ),
            status=status,
            criteria=criteria,
            description=description,
        )
        """The automation rule."""
        if self.deletes_volumes:
            self.rule.add_metadata(
                co.DELETES_VOLUMES_METADATA, co.describe_actions([co.DESTRUCTIVE_ACTION])
            )
