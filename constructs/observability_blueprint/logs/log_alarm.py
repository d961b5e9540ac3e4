"""An alarm on a Logs Insights query that CloudWatch runs on a schedule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, cast

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.alarms import AlarmRunbook, TreatMissingData, alarm_action_kind
from observability_blueprint.core import AlarmInterface, implements_by_delegation
from observability_blueprint.logs._query_roles import grant_query, service_role
from observability_blueprint.rules import alarm_settings as alarm_rules
from observability_blueprint.rules import arns
from observability_blueprint.rules import log_alarms as rules
from observability_blueprint.rules.errors import BlueprintError, Problem

DEFAULT_SCHEDULE: Final = rules.DEFAULT_LOG_ALARM_SCHEDULE
"""How often the query runs when no schedule is given."""
DEFAULT_INGESTION_DELAY = Duration.minutes(rules.DEFAULT_INGESTION_DELAY_MINUTES)
"""How far each window ends before the run (see ``rules.DEFAULT_INGESTION_DELAY_MINUTES``)."""

_STATE_VALUES: Final[Mapping[str, alarm_rules.AlarmState]] = {
    "alarm": "ALARM",
    "ok": "OK",
    "insufficient_data": "INSUFFICIENT_DATA",
}


@implements_by_delegation(cloudwatch.IAlarm, to="alarm")
class LogInsightsAlarm(Construct, AlarmInterface):
    """An ``AWS::CloudWatch::LogAlarm``: a Logs Insights condition that can page.

    CloudWatch runs ``query`` on ``log_groups`` at the ``schedule``'s rate over the
    last ``window`` (ending ``ingestion_delay`` before each run), reduces the
    results with ``aggregation`` and compares each value with ``threshold``;
    ``results_to_alarm`` breaching results among the last ``results_to_evaluate``
    set ALARM. "More than 10 distinct users saw PaymentFailed in 15 minutes"::

        LogInsightsAlarm(
            self, "PaymentFailures",
            query='filter event = "PaymentFailed" | stats count_distinct(user) as users',
            aggregation="max(users)", comparison=">", threshold=10,
            log_groups=[api_logs], window=Duration.minutes(15),
        )

    Checked before CloudFormation sees it: the ``rate()`` schedule, the windows
    (no gap between two runs), the aggregation expression (count, avg, sum, min,
    max; at most 5 ``by`` fields), the M-of-N settings, and the actions a log
    alarm takes (PutLogAlarm: SNS and Lambda in every state, an OpsItem with a
    severity and no category on ALARM; runbooks start through EventBridge).

    A role that ``logs.amazonaws.com`` assumes for this account runs the query,
    allowed on ``log_groups`` only; with ``log_lines`` a second role, which
    ``cloudwatch.amazonaws.com`` assumes, reads the lines notifications carry.

    It is an ``IAlarm`` (built from the alarm's ARN): pass it to composite alarms
    and alarm widgets. PutCompositeAlarm documents metric and composite alarms as
    a composite's children and does not name log alarms.

    Parameters
    ----------
    query
        The Logs Insights query each run executes (at most 10,000 characters).
    log_groups
        The 1 to 50 log groups it reads.
    aggregation
        How the results become the numbers compared, such as ``count(*)`` or
        ``avg(latency) by endpoint``; with ``by`` each group alarms on its own.
        Default: ``count(*)``.
    comparison, threshold
        ``>``, ``>=``, ``<`` or ``<=`` and the value compared with.
    schedule
        A ``rate()`` expression. Default: ``rate(5 minutes)``.
    window
        How much log each run reads. Default: the schedule's interval.
    ingestion_delay
        How long before each run the window ends. Default: two minutes.
    results_to_evaluate, results_to_alarm
        N and M of the M-of-N evaluation. Default: 1 and N.
    treat_missing_data
        ``breaching``, ``notBreaching``, ``ignore`` or ``missing``. Default: missing.
    alarm_name, description, runbook_url
        As for the other alarms. Default name: generated.
    actions, named_topics
        As for the other alarms (``rules.alarm_settings.ACCEPTED_ACTIONS["log"]``).
    log_lines
        Log lines an SNS e-mail notification carries, 0 to 50. They may hold
        sensitive data. Default: 0.
    warm_up
        How long the alarm stays in INSUFFICIENT_DATA without acting after it is
        created or changed, 1 minute to 2 days. Default: none.
    encryption_key
        The key that encrypts ``log_groups``; the query role may decrypt with it.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        query: str,
        log_groups: Sequence[logs.ILogGroup],
        comparison: alarm_rules.Comparison,
        threshold: float,
        aggregation: str = "count(*)",
        schedule: str = DEFAULT_SCHEDULE,
        window: Duration | None = None,
        ingestion_delay: Duration = DEFAULT_INGESTION_DELAY,
        results_to_evaluate: int = 1,
        results_to_alarm: int | None = None,
        treat_missing_data: TreatMissingData | None = None,
        alarm_name: str | None = None,
        description: str | None = None,
        runbook_url: str | None = None,
        actions: alarm_rules.ActionSet | None = None,
        named_topics: Mapping[str, sns.ITopic] | None = None,
        log_lines: int = 0,
        warm_up: Duration | None = None,
        encryption_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        actions = actions or alarm_rules.ActionSet()
        named_topics = named_topics or {}
        place = _place(self)
        period = rules.rate_seconds(schedule)
        delay = int(ingestion_delay.to_seconds())
        # Without a valid schedule the default window is moot (the schedule is reported).
        span = int(window.to_seconds()) if window is not None else (period or 300)
        warm_up_minutes = None if warm_up is None else warm_up.to_seconds() / 60
        settings = rules.LogAlarmSettings(
            query=query,
            aggregation=aggregation,
            log_groups=[g.log_group_name for g in log_groups],
            schedule=schedule,
            start_time_offset=span + delay,
            end_time_offset=delay,
            comparison=comparison,
            threshold=threshold,
            results_to_evaluate=results_to_evaluate,
            results_to_alarm=results_to_alarm,
            treat_missing_data=treat_missing_data,
            log_lines=log_lines,
            warm_up_minutes=None if warm_up_minutes is None else int(warm_up_minutes),
        )
        problems = [
            Problem(f"{at}.{p.location}", p.message) for p in rules.log_alarm_problems(settings)
        ]
        if warm_up is not None and warm_up.to_seconds() % 60:
            problems.append(
                Problem(
                    f"{at}.warm_up",
                    f"{rules.duration_text(int(warm_up.to_seconds()))} is not whole minutes; "
                    "a warm-up lasts 1 to 2,880 whole minutes",
                )
            )
        if alarm_name is not None and (message := alarm_rules.check_alarm_name(alarm_name)):
            problems.append(Problem(f"{at}.alarm_name", message))
        alarm_description: str | None = None
        try:
            alarm_description = alarm_rules.describe(description, runbook_url=runbook_url)
        except ValueError as error:
            problems.append(Problem(f"{at}.description", str(error)))
        problems += [
            Problem(f"{at}.{p.location}", p.message)
            for p in alarm_rules.action_problems(
                actions,
                kind="log",
                topics=list(named_topics),
                kind_of=alarm_action_kind,
                place=place,
            )
        ]
        if problems:
            raise BlueprintError(problems)

        self.query_role = service_role(
            self,
            "QueryRole",
            service="logs.amazonaws.com",
            description=f"CloudWatch Logs runs the query of {at}",
        )
        """The role CloudWatch Logs assumes to run the query."""
        query_policy = grant_query(self.query_role, log_groups, encryption_key=encryption_key)
        self.log_lines_role: iam.Role | None = None
        """The role CloudWatch assumes to read the log lines notifications carry."""
        if log_lines:
            self.log_lines_role = service_role(
                self,
                "LogLinesRole",
                service="cloudwatch.amazonaws.com",
                description=f"CloudWatch reads the log lines notifications of {at} carry",
            )
            grant_query(
                self.log_lines_role,
                log_groups,
                actions=["logs:GetQueryResults"],
                encryption_key=encryption_key,
            )
        self.resource = cloudwatch.CfnLogAlarm(
            self,
            "Resource",
            alarm_name=alarm_name,
            alarm_description=alarm_description,
            comparison_operator=alarm_rules.COMPARISONS[comparison],
            threshold=threshold,
            query_results_to_evaluate=results_to_evaluate,
            query_results_to_alarm=results_to_alarm or results_to_evaluate,
            treat_missing_data=treat_missing_data,
            scheduled_query_configuration=cloudwatch.CfnLogAlarm.ScheduledQueryConfigurationProperty(
                query_string=query,
                aggregation_expression=aggregation,
                log_group_identifiers=settings.log_groups,
                scheduled_query_role_arn=self.query_role.role_arn,
                schedule_configuration=cloudwatch.CfnLogAlarm.ScheduleConfigurationProperty(
                    schedule_expression=schedule,
                    start_time_offset=settings.start_time_offset,
                    end_time_offset=settings.end_time_offset,
                ),
            ),
            action_log_line_count=log_lines or None,
            action_log_line_role_arn=self.log_lines_role.role_arn if self.log_lines_role else None,
            warm_up_configuration=(
                None
                if warm_up_minutes is None
                else cloudwatch.CfnLogAlarm.WarmUpConfigurationProperty(
                    warm_up_period_duration_in_minutes=int(warm_up_minutes)
                )
            ),
        )
        """The ``AWS::CloudWatch::LogAlarm``."""
        # CloudWatch starts the query as soon as the alarm exists: the role's policy first.
        self.resource.node.add_dependency(query_policy)
        self.alarm: cloudwatch.IAlarm = cloudwatch.Alarm.from_alarm_arn(
            self, "Alarm", self.resource.attr_arn
        )
        """The alarm as an ``IAlarm`` (from its ARN), what composites and widgets take."""
        self.runbooks: list[AlarmRunbook] = self._bind(actions, named_topics, place)
        """EventBridge rules that start runbooks on state changes."""

    def apply_removal_policy(self, policy: RemovalPolicy) -> None:
        """Apply ``policy`` to the log alarm."""
        self.resource.apply_removal_policy(policy)

    def _bind(
        self,
        actions: alarm_rules.ActionSet,
        named_topics: Mapping[str, sns.ITopic],
        place: arns.Place,
    ) -> list[AlarmRunbook]:
        """Put each action's ARN in the alarm's lists; return the runbooks' rules."""
        runbooks: list[AlarmRunbook] = []
        by_state: dict[str, list[str]] = {state: [] for state in _STATE_VALUES}
        invoked: list[str] = []
        problems: list[Problem] = []
        for state, specs in actions.by_state().items():
            for index, spec in enumerate(specs):
                if isinstance(spec, alarm_rules.ActionSpec) and spec.runbook is not None:
                    runbooks.append(
                        AlarmRunbook(
                            self,
                            f"Runbook{_STATE_VALUES[state].title().replace('_', '')}{index}",
                            alarm=self.alarm,
                            state=_STATE_VALUES[state],
                            document=spec.runbook,
                            parameters=spec.runbook_parameters,
                            permissions=spec.runbook_permissions,
                        )
                    )
                    continue
                arn = self._arn_of(spec, named_topics)
                if message := alarm_rules.action_arn_problem(
                    arn, kind="log", state=state, place=place
                ):
                    problems.append(Problem(f"{self.node.path}.actions.{state}[{index}]", message))
                by_state[state].append(arn)
                lambda_arn = spec.lambda_arn if isinstance(spec, alarm_rules.ActionSpec) else None
                if lambda_arn is not None and lambda_arn not in invoked:
                    invoked.append(lambda_arn)
                    lambda_.CfnPermission(
                        self,
                        f"InvokePermission{len(invoked)}",
                        action="lambda:InvokeFunction",
                        function_name=lambda_arn,
                        principal="lambda.alarms.cloudwatch.amazonaws.com",
                        source_arn=self.resource.attr_arn,
                        source_account=Stack.of(self).account,
                    )
        if problems:
            raise BlueprintError(problems)
        self.resource.alarm_actions = by_state["alarm"] or None
        self.resource.ok_actions = by_state["ok"] or None
        self.resource.insufficient_data_actions = by_state["insufficient_data"] or None
        return runbooks

    def _arn_of(self, action: alarm_rules.Action, named_topics: Mapping[str, sns.ITopic]) -> str:
        """The ARN an action puts in the alarm's action list."""
        if isinstance(action, alarm_rules.ActionSpec):
            if action.topic is not None:
                if action.topic.startswith("arn:"):
                    return action.topic
                return named_topics[action.topic].topic_arn
            if action.lambda_arn is not None:
                return action.lambda_arn
            if action.opsitem_severity is not None:
                stack = Stack.of(self)
                return (
                    f"arn:{stack.partition}:ssm:{stack.region}:{stack.account}:opsitem:"
                    f"{action.opsitem_severity}"
                )
            raise ValueError(f"a log alarm takes no {action.kind} action")  # refused above
        if hasattr(action, "topic_arn"):
            return cast(alarm_rules.TopicLike, action).topic_arn
        # aws-cdk-lib's own action (SnsAction, LambdaAction, SsmAction): bound as
        # AlarmBase.addAlarmAction binds it.
        config = cast(cloudwatch.IAlarmAction, action).bind(self, self.alarm)
        return config.alarm_action_arn


def _place(scope: Construct) -> arns.Place:
    stack = Stack.of(scope)
    return arns.Place.of(region=stack.region, account=stack.account)
