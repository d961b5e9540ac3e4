"""An X-Ray group per service: its traces, its trace map, and X-Ray Insights on its faults."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Duration, Names, Token
from aws_cdk import aws_xray as xray
from constructs import Construct

from observability_blueprint.core.placement import others_of_kind, same_place, where
from observability_blueprint.rules import xray as rules
from observability_blueprint.rules.errors import BlueprintError, Problem


class TracingGroup(Construct):
    """An X-Ray group (``AWS::XRay::Group``): the traces of one service, with X-Ray Insights.

    A group is a saved filter expression: X-Ray files every incoming trace that
    matches it under the group, which then has its own trace map, its own
    CloudWatch metrics and, with Insights, anomaly detection on its fault rate.
    The expression is built from the typed parts (``service``, ``errors``,
    ``faults``, ``latency_above``; the conditions are joined with OR and apply to
    the service's own segments, wherever it is in a trace) or given whole as
    ``filter_expression``. Either way it is read offline before CloudFormation
    sees it: X-Ray evaluates it only on incoming traces, and "if the service
    encounters an error in qualifying a group, that group is no longer included
    in processing incoming traces"
    (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-filters.html).

    With ``notifications``, X-Ray sends an ``AWS X-Ray Insight Update`` event to
    the default event bus when an insight opens, changes significantly or closes
    (best effort); :meth:`insight_event_pattern` gives the pattern to route them.

    Cost: a group is billed through the traces retrieved with it; Insights costs
    $1.00 per million traces it processes (us-east-1 list price,
    https://aws.amazon.com/xray/pricing/).

    Parameters
    ----------
    service
        The service's name as its segments record it (up to 200 characters).
    errors
        Keep traces where the service answered with a client error (4xx).
    faults
        Keep traces where the service failed (5xx).
    latency_above
        Keep traces where the service took longer than this to respond.
    filter_expression
        A whole filter expression instead of the parts above.
    group_name
        Physical name: 1 to 32 letters, digits and hyphens, unique in the account and
        Region. Default: generated from the construct path.
    insights
        Turn X-Ray Insights on for the group. Default: True.
    notifications
        Send insight events to EventBridge (needs ``insights``). Default: as ``insights``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        service: str | None = None,
        errors: bool = False,
        faults: bool = False,
        latency_above: Duration | None = None,
        filter_expression: str | None = None,
        group_name: str | None = None,
        insights: bool = True,
        notifications: bool | None = None,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        notify = insights if notifications is None else notifications
        name = group_name or Names.unique_resource_name(
            self, max_length=rules.GROUP_NAME_MAX, separator="-"
        )
        problems = self._name_problems(name, explicit=group_name is not None)
        expression, expression_problems = _expression(
            at,
            service=service,
            errors=errors,
            faults=faults,
            latency_above=latency_above,
            filter_expression=filter_expression,
        )
        problems += expression_problems
        if notify and not insights:
            problems.append(
                Problem(
                    f"{at}.notifications",
                    "insight notifications need insights: set insights=True, or leave "
                    "notifications off",
                )
            )
        if problems:
            raise BlueprintError(problems)

        self.group_name = name
        """The group's name (the ``GroupName`` of its insight events)."""
        self.filter_expression = expression
        """The filter expression, as X-Ray receives it."""
        self.insights_enabled = insights
        """Whether X-Ray Insights watches the group."""
        self.notifications_enabled = notify
        """Whether insight events go to EventBridge."""
        self.group = xray.CfnGroup(
            self,
            "Resource",
            group_name=name,
            filter_expression=expression,
            insights_configuration=xray.CfnGroup.InsightsConfigurationProperty(
                insights_enabled=insights, notifications_enabled=notify
            ),
        )
        """The ``AWS::XRay::Group``."""
        self.group_arn: str = self.group.attr_group_arn
        """The group's ARN."""

    def _name_problems(self, name: str, *, explicit: bool) -> list[Problem]:
        at = f"{self.node.path}.group_name"
        if Token.is_unresolved(name):
            return []
        if explicit and (message := rules.check_group_name(name)):
            return [Problem(at, message)]
        for other in others_of_kind(self, TracingGroup, built="group_name"):
            if other.group_name == name and same_place(self, other):
                return [
                    Problem(
                        at,
                        f"{name!r} is already the name of {other.node.path} in "
                        f"{where(self)}; group names are unique per account and Region",
                    )
                ]
        return []

    def insight_event_pattern(self, *, states: Sequence[str] | None = None) -> dict[str, Any]:
        """Return the EventBridge pattern of this group's insight events.

        Route it to the service's alert topic (``EventAlert``);
        :data:`observability_blueprint.rules.xray.INSIGHT_INPUT_PATHS` name the
        fields worth a message.

        Parameters
        ----------
        states
            Only insights in these states (``ACTIVE``, ``CLOSED``). Default: every
            update, closing included.

        Raises
        ------
        BlueprintError
            When the group sends no notifications, or a state is not one of those.
        """
        if not self.notifications_enabled:
            raise BlueprintError.at(
                f"{self.node.path}.notifications",
                "the group sends no insight events; create it with insights and "
                "notifications on to route them",
            )
        try:
            return rules.insight_event_pattern(self.group_name, states=states)
        except ValueError as error:
            raise BlueprintError.at(f"{self.node.path}.states", str(error)) from None


def _expression(
    at: str,
    *,
    service: str | None,
    errors: bool,
    faults: bool,
    latency_above: Duration | None,
    filter_expression: str | None,
) -> tuple[str, list[Problem]]:
    """The filter expression the arguments ask for, or the problems that stop it."""
    parts = service is not None or errors or faults or latency_above is not None
    if filter_expression is not None:
        if parts:
            return "", [
                Problem(
                    f"{at}.filter_expression",
                    "give either a filter expression or its parts (service, errors, faults, "
                    "latency_above), not both",
                )
            ]
        if Token.is_unresolved(filter_expression):
            return filter_expression, []
        if message := rules.check_filter_expression(filter_expression):
            return "", [Problem(f"{at}.filter_expression", message)]
        return filter_expression, []
    if not parts:
        return "", [
            Problem(
                at,
                "a group needs a filter: give service, errors, faults or latency_above, or a "
                "whole filter_expression",
            )
        ]
    problems = []
    if service is not None and (message := rules.check_service_name(service)):
        problems.append(Problem(f"{at}.service", message))
    seconds = None
    if latency_above is not None:
        seconds = latency_above.to_milliseconds(integral=False) / 1000
        if message := rules.check_latency_bound(seconds):
            problems.append(Problem(f"{at}.latency_above", message))
    if problems:
        return "", problems
    return rules.group_filter(
        service=service, errors=errors, faults=faults, latency_above_seconds=seconds
    ), []
