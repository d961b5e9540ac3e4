"""A composite alarm whose rule is written as AWS writes it."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.alarms.alarm_actions import (
    alarm_action_kind,
    bind_actions,
    stack_place,
)
from observability_blueprint.alarms.alarm_options import (
    alarm_arn,
    describe,
    literal_alarm_name,
    own_alarm,
)
from observability_blueprint.alarms.alarm_runbook import AlarmRunbook
from observability_blueprint.core import AlarmInterface, implements_by_delegation
from observability_blueprint.rules import alarm_rules, arns
from observability_blueprint.rules import alarm_settings as rules
from observability_blueprint.rules.errors import BlueprintError, Problem

DEFAULT_SUPPRESSOR_PERIOD = Duration.seconds(60)
"""The suppressor's wait and extension periods when none are given (also the least
the blueprint file takes)."""
_LEAST_SUPPRESSOR_SECONDS = 60
"""``DEFAULT_SUPPRESSOR_PERIOD`` in seconds, without asking Node each time."""


@implements_by_delegation(cloudwatch.IAlarm, to="alarm")
class RuleCompositeAlarm(Construct, AlarmInterface):
    """A composite alarm from a rule such as ``ALARM(errors) AND NOT OK(db)``.

    The rule is parsed (syntax errors show the position); names of alarms in
    ``alarms`` become those alarms' ARNs in the template, so CloudFormation
    creates the children first (a rule naming alarms by plain name fails the
    first deploy); ARNs of other alarms are kept as written.

    It is an ``IAlarm``: pass it wherever aws-cdk-lib takes one (alarm widgets,
    ``AlarmRule.from_alarm``, composite alarms); ``alarm`` is the L2 it wraps.

    Parameters
    ----------
    rule
        ALARM(), OK(), INSUFFICIENT_DATA(), TRUE, FALSE, AT_LEAST(...), AND, OR, NOT.
    alarms
        Alarms the rule may name, by name. Like the ARNs the rule names, those
        imported by ARN must be CloudWatch alarms of this Region and account (a
        composite alarm watches no other).
    suppressor
        While this alarm is in ALARM, the composite's actions are suppressed. An
        alarm imported by ARN must be a CloudWatch alarm of this partition.
    suppressor_wait_period, suppressor_extension_period
        How long to wait for the suppressor to go into ALARM, and how long actions
        stay suppressed after it leaves ALARM. Default: one minute each (the least).
    alarm_name, description, runbook_url
        As for the other alarms.
    actions
        SNS, Lambda, OpsItem (a severity, no category), Incident Manager and
        investigations on ALARM; SNS and Lambda otherwise; runbooks through
        EventBridge (``rules.alarm_settings.ACCEPTED_ACTIONS``).
    named_topics
        Topics that actions name (``ActionSpec(topic="pager")``), by name. Topic
        objects can go in the actions directly instead.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        rule: str,
        alarms: Mapping[str, cloudwatch.IAlarm],
        suppressor: cloudwatch.IAlarm | None = None,
        suppressor_wait_period: Duration = DEFAULT_SUPPRESSOR_PERIOD,
        suppressor_extension_period: Duration = DEFAULT_SUPPRESSOR_PERIOD,
        alarm_name: str | None = None,
        description: str | None = None,
        runbook_url: str | None = None,
        actions: rules.ActionSet | None = None,
        named_topics: Mapping[str, sns.ITopic] | None = None,
    ) -> None:
        super().__init__(scope, id)
        actions = actions or rules.ActionSet()
        named_topics = named_topics or {}
        at = self.node.path
        place = stack_place(self)
        problems = [
            Problem(f"{at}.rule", message)
            for message in alarm_rules.check_rule(
                rule,
                known=list(alarms),
                own_name=alarm_name or id,
                arn_length=lambda name: alarm_rules.worst_case_alarm_arn_length(
                    literal_alarm_name(alarms[name]) or name if name in alarms else name
                ),
                place=place,
            )
        ]
        problems += _imported_alarm_problems(at, rule, alarms, suppressor, place)
        if alarm_name is not None and (message := rules.check_alarm_name(alarm_name)):
            problems.append(Problem(f"{at}.alarm_name", message))
        problems += [
            Problem(f"{at}.{p.location}", p.message)
            for p in rules.action_problems(
                actions,
                kind="composite",
                topics=list(named_topics),
                kind_of=alarm_action_kind,
                place=place,
            )
        ]
        for name, period in (
            ("suppressor_wait_period", suppressor_wait_period),
            ("suppressor_extension_period", suppressor_extension_period),
        ):
            seconds = period.to_seconds()
            if seconds < _LEAST_SUPPRESSOR_SECONDS:
                problems.append(Problem(f"{at}.{name}", f"{seconds} s is under the least, 60 s"))
        description = describe(at, description, runbook_url, problems)
        if problems:
            raise BlueprintError(problems)
        parsed = alarm_rules.parse(rule)
        self.children = tuple(r for r in alarm_rules.references(parsed) if r in alarms)
        """Names of the blueprint alarms the rule refers to."""
        with_arns = alarm_rules.substitute(
            parsed, {name: alarm_arn(alarms[name]) for name in self.children}
        )
        self.alarm = own_alarm(
            cloudwatch.CompositeAlarm(
                self,
                "Resource",
                alarm_rule=cloudwatch.AlarmRule.from_string(alarm_rules.render(with_arns)),
                composite_alarm_name=alarm_name,
                alarm_description=description,
                actions_suppressor=suppressor,
                actions_suppressor_wait_period=suppressor_wait_period if suppressor else None,
                actions_suppressor_extension_period=(
                    suppressor_extension_period if suppressor else None
                ),
            )
        )
        """The underlying aws-cdk-lib composite alarm."""
        self.runbooks: list[AlarmRunbook] = bind_actions(
            self.alarm, actions, scope=self, named_topics=named_topics, kind="composite"
        )
        """EventBridge rules that start runbooks on state changes."""


def _imported_alarm_problems(
    at: str,
    rule: str,
    alarms: Mapping[str, cloudwatch.IAlarm],
    suppressor: cloudwatch.IAlarm | None,
    place: arns.Place,
) -> list[Problem]:
    """What is wrong with the alarms given by object whose ARN is known at synthesis.

    An alarm imported with ``Alarm.from_alarm_arn`` carries whatever ARN it was
    given: a topic's, or an alarm of another Region, which CloudWatch refuses.
    """
    problems: list[Problem] = []
    try:
        named = set(alarm_rules.references(alarm_rules.parse(rule)))
    except alarm_rules.AlarmRuleError:
        named = set()  # reported with the rule
    for name in sorted(named & set(alarms)):
        message = arns.arn_problem(
            alarm_arn(alarms[name]),
            [arns.CLOUDWATCH_ALARM],
            place=place,
            same_region=alarm_rules.CHILDREN_SAME_PLACE,
            same_account=alarm_rules.CHILDREN_SAME_PLACE,
        )
        if message:
            problems.append(Problem(f"{at}.alarms.{name}", message))
    if suppressor is not None and (
        message := arns.arn_problem(suppressor.alarm_arn, [arns.CLOUDWATCH_ALARM], place=place)
    ):
        problems.append(Problem(f"{at}.suppressor", message))
    return problems
