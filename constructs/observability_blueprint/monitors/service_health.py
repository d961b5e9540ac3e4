"""One alarm per service that says whether it is healthy: a composite of its alarms."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.alarms import RuleCompositeAlarm
from observability_blueprint.rules import alarm_rules
from observability_blueprint.rules import alarm_settings as rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.service_health import any_in_alarm, groups_for


class ServiceHealth(Construct):
    """A composite alarm in ALARM while any of a service's alarms is.

    The children stay quiet (give them no actions): the composite carries the
    service's actions, so one incident pages once. A composite alarm takes at most
    100 children and a rule of 10,240 characters; a service with more gets one
    composite per group (``Part1``, ``Part2`` ...) under the top one, which is
    still ``alarm``.

    Parameters
    ----------
    alarms
        The service's alarms, by their physical names (the rule names them; the
        template refers to them by ARN, so they are created first).
    alarm_name
        The composite's physical name. Default: generated (and the parts' names are
        then generated too).
    description, actions, named_topics
        As for :class:`~observability_blueprint.alarms.RuleCompositeAlarm`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        alarms: Mapping[str, cloudwatch.IAlarm],
        alarm_name: str | None = None,
        description: str | None = None,
        actions: rules.ActionSet | None = None,
        named_topics: Mapping[str, sns.ITopic] | None = None,
    ) -> None:
        super().__init__(scope, id)
        if not alarms:
            raise BlueprintError(
                [Problem(f"{self.node.path}.alarms", "no alarms: a service's health needs one")]
            )
        groups = groups_for(list(alarms), arn_length=alarm_rules.worst_case_alarm_arn_length)
        children: dict[str, cloudwatch.IAlarm] = dict(alarms)
        self.parts: list[RuleCompositeAlarm] = []
        """The composites of each group of children, when there is more than one group."""
        if len(groups) > 1:
            children = {}
            for number, group in enumerate(groups, start=1):
                part_name = f"{alarm_name}-part{number}" if alarm_name else f"part{number}"
                part = RuleCompositeAlarm(
                    self,
                    f"Part{number}",
                    rule=any_in_alarm(group),
                    alarms={name: alarms[name] for name in group},
                    alarm_name=part_name if alarm_name else None,
                    description=f"Part {number} of {len(groups)} of {alarm_name or id}.",
                )
                self.parts.append(part)
                children[part_name] = part
        self.composite = RuleCompositeAlarm(
            self,
            "Resource",
            rule=any_in_alarm(list(children)),
            alarms=children,
            alarm_name=alarm_name,
            description=description,
            actions=actions,
            named_topics=named_topics,
        )
        """The service's composite alarm."""

    @property
    def alarm(self) -> cloudwatch.IAlarm:
        """The composite alarm (an ``IAlarm``)."""
        return self.composite.alarm
