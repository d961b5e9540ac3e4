"""The ``events:`` section of the blueprint file: alerts, schedules, responses, delivery.

Pure module: no aws_cdk import. Field rules live on the models; the checks that
need the whole file (do the topics and alarms exist, does each pattern parse and
agree with its examples, are names unique) are in :func:`events_problems`, which
reports every problem with its config path (``events.alerts[0].pattern.detail``).

A change of system state is an event. The section turns that into:

- ``alerts``: an EventBridge rule on AWS service events that sends a readable
  message to blueprint topics;
- ``schedules``: an operational task (runbook, Run Command on tagged instances,
  Lambda) on a cron or rate schedule, through EventBridge Scheduler;
- ``responses``: a rule that acts (runbook, Run Command, Lambda, OpsItem,
  message) when an event such as an alarm entering ALARM arrives;
- ``delivery``: retries and dead-letter queues for every target, and an alarm
  when a dead-letter queue holds messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Annotated, Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from observability_blueprint.config.alarms import OpsItem, Runbook
from observability_blueprint.config.base import LogicalName, StrictModel, checked, fail
from observability_blueprint.rules import event_patterns, event_schedules
from observability_blueprint.rules.alarm_settings import AlarmState
from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.event_patterns import INPUT_TEMPLATE_MAX, EventExamples
from observability_blueprint.rules.event_schedules import (
    Action,
    CommandAction,
    InstanceTargets,
    LambdaAction,
    NotifyAction,
    OpsItemAction,
    Permission,
    RunbookAction,
    action_templates,
)
from observability_blueprint.rules.time_zones import check_timezone

TARGETS_PER_RULE_MAX = 5
"""EventBridge allows five targets per rule."""
RULE_NAME_MAX = 64
"""Characters in a rule or schedule name (botocore ``events`` and ``scheduler`` models)."""
DEFAULT_RETRY_ATTEMPTS = 3
"""Retries of a failed delivery before the event goes to the dead-letter queue."""
DEFAULT_MAX_EVENT_AGE_SECONDS = 7200
"""An undelivered event is given up (and dead-lettered) after two hours: a runbook
or a restart that starts much later than its cause does more harm than good."""
DEFAULT_DLQ_RETENTION_DAYS = 14
"""Dead-lettered events are kept 14 days, the most SQS allows."""

ALARM_STATES = ("ALARM", "OK", "INSUFFICIENT_DATA")


class EventPatternExamples(StrictModel):
    """Events (JSON objects) the pattern must and must not match, checked at synthesis."""

    match: list[dict[str, Any]] = []
    no_match: list[dict[str, Any]] = []

    def to_examples(self) -> EventExamples:
        """Return the pure example set."""
        return EventExamples(tuple(self.match), tuple(self.no_match))


class Targets(StrictModel):
    """Instances chosen by tag, worked through at a controlled rate."""

    tag: str
    """Tag key."""
    values: list[str] = Field(min_length=1, max_length=50)
    """Tag values; an instance with any of them is targeted."""
    max_concurrency: str = event_schedules.DEFAULT_MAX_CONCURRENCY
    """Instances at a time: a number or a percentage. Default: 10%."""
    max_errors: str = event_schedules.DEFAULT_MAX_ERRORS
    """Failed instances tolerated before stopping. Default: 1."""

    def to_targets(self) -> InstanceTargets:
        """Return the pure settings."""
        return InstanceTargets(
            tag=self.tag,
            values=tuple(self.values),
            max_concurrency=self.max_concurrency,
            max_errors=self.max_errors,
        )


class RunbookTask(Runbook):
    """An SSM Automation runbook, on a schedule or in response to an event."""

    targets: Targets | None = None
    """Schedules only: run once per tagged instance, with rate control."""
    target_parameter: str = event_schedules.DEFAULT_TARGET_PARAMETER
    """The parameter each targeted instance is passed in. Default: InstanceId."""

    def to_action(self) -> RunbookAction:
        """Return the pure settings."""
        return RunbookAction(
            document=self.document,
            parameters={k: tuple(v) for k, v in self.parameters.items()},
            targets=self.targets.to_targets() if self.targets else None,
            target_parameter=self.target_parameter,
            permissions=tuple(
                Permission(actions=tuple(p.actions), resources=tuple(p.resources))
                for p in self.permissions
            ),
        )


class RunCommand(StrictModel):
    """An SSM Command document run on tagged instances (Run Command)."""

    document: str
    """Command document, such as AWS-RunPatchBaseline or AWS-RunShellScript."""
    parameters: dict[str, list[str]] = {}
    """Document parameters."""
    targets: Targets
    """The instances, by tag."""

    def to_action(self) -> CommandAction:
        """Return the pure settings."""
        return CommandAction(
            document=self.document,
            parameters={k: tuple(v) for k, v in self.parameters.items()},
            targets=self.targets.to_targets(),
        )


class LambdaTask(StrictModel):
    """A Lambda function."""

    arn: str
    """Function ARN."""
    payload: dict[str, Any] | None = None
    """JSON payload. Default: the event (rules) or {} (schedules)."""

    @field_validator("payload")
    @classmethod
    def _payload_fits(cls, payload: dict[str, Any] | None) -> dict[str, Any] | None:
        # A rule target's Input and a schedule target's Input take 8,192 characters
        # (botocore's events and scheduler models).
        if payload is not None:
            text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            if len(text) > INPUT_TEMPLATE_MAX:
                raise fail(
                    f"{text[:60]}… is {len(text):,} characters as JSON; EventBridge takes a "
                    f"target input of at most {INPUT_TEMPLATE_MAX:,}"
                )
        return payload

    def to_action(self) -> LambdaAction:
        """Return the pure settings."""
        return LambdaAction(function_arn=self.arn, payload=self.payload)


class OpsItemTask(OpsItem):
    """An OpsCenter OpsItem (responses only)."""

    title: str
    """Title; may use <placeholders>."""
    description: str
    """What happened and what to do; may use <placeholders>."""
    severity: int = Field(default=3, ge=1, le=4)
    """1 (critical) to 4 (low). Default: 3."""
    dedup: str | None = None
    """No second OpsItem opens while one with this string is open. Default: the rule name."""

    def to_action(self) -> OpsItemAction:
        """Return the pure settings."""
        return OpsItemAction(
            title=self.title,
            description=self.description,
            severity=self.severity,
            category=self.category,
            dedup=self.dedup,
        )


class Notify(StrictModel):
    """A message to a blueprint topic (responses only)."""

    name: LogicalName
    """The topic, by its name under notifications."""
    message: str | None = None
    """Message template with <placeholders>. Default: the event as JSON."""

    def to_action(self) -> NotifyAction:
        """Return the pure settings."""
        return NotifyAction(topic=self.name, message=self.message)


_TASK_KEYS = ("runbook", "run_command", "lambda")


class ResponseAction(StrictModel):
    """One thing a response does: exactly one of the keys."""

    runbook: RunbookTask | None = None
    run_command: RunCommand | None = None
    lambda_: LambdaTask | None = Field(default=None, alias="lambda")
    opsitem: OpsItemTask | None = None
    topic: Notify | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = _given(self, ("runbook", "run_command", "lambda_", "opsitem", "topic"))
        if len(given) != 1:
            raise fail(
                "give exactly one of runbook, run_command, lambda, opsitem, topic "
                f"(got {len(given)}: {', '.join(given) or 'none'})"
            )
        return self

    def to_action(self) -> Action:
        """Return the pure settings of the one action given."""
        for key in ("runbook", "run_command", "lambda_", "opsitem", "topic"):
            value = getattr(self, key)
            if value is not None:
                return value.to_action()  # type: ignore[no-any-return]
        raise AssertionError("validated to have one action")


def _given(model: StrictModel, keys: Sequence[str]) -> list[str]:
    return [k.rstrip("_") for k in keys if getattr(model, k) is not None]


class Alert(StrictModel):
    """An EventBridge rule that tells people about an event."""

    name: LogicalName
    """Name in this file; the rule is <name>-<stage>-<this>."""
    description: str | None = Field(default=None, max_length=512)
    """What the alert means."""
    pattern: dict[str, Any]
    """EventBridge event pattern (a mapping; every value an array or a nested mapping)."""
    topics: list[LogicalName] = Field(min_length=1)
    """Blueprint topics to notify, at most 5."""
    input_paths: dict[str, str] = {}
    """Placeholders for the message: name -> JSON path ($.detail.instance-id)."""
    message: str | None = None
    """Readable message with <placeholders>. Default: the event as JSON."""
    examples: EventPatternExamples | None = None
    """Events the pattern must and must not match."""
    enabled: bool = True
    """Create the rule enabled."""


class AlarmTrigger(StrictModel):
    """A blueprint alarm's state change as the trigger of a response."""

    alarm: LogicalName
    """A blueprint alarm, by its name under alarms."""
    state: AlarmState = "ALARM"
    """The state it enters. Default: ALARM."""


class Response(StrictModel):
    """A rule that acts when an event arrives."""

    name: LogicalName
    """Name in this file; the rule is <name>-<stage>-<this>."""
    description: str | None = Field(default=None, max_length=512)
    """What the response does and why."""
    pattern: dict[str, Any] | None = None
    """EventBridge event pattern. Give this or on_alarm."""
    on_alarm: AlarmTrigger | None = None
    """Respond to a blueprint alarm entering a state. Give this or pattern."""
    input_paths: dict[str, str] = {}
    """Placeholders for runbook parameters, OpsItems and messages: name -> JSON path."""
    actions: list[ResponseAction] = Field(min_length=1)
    """What to do, at most 5."""
    examples: EventPatternExamples | None = None
    """Events the pattern must and must not match (with pattern only)."""
    enabled: bool = True
    """Create the rule enabled."""

    @model_validator(mode="after")
    def _one_trigger(self) -> Self:
        if (self.pattern is None) == (self.on_alarm is None):
            raise fail("give either pattern or on_alarm (exactly one)")
        if self.on_alarm is not None and self.examples is not None:
            raise fail(
                "examples check a pattern you write; on_alarm builds its own pattern, "
                "so remove examples or write the pattern"
            )
        return self

    def event_pattern(self, alarm_name: str | None = None) -> dict[str, Any]:
        """Return the pattern, building it for ``on_alarm`` from the alarm's physical name."""
        if self.pattern is not None:
            return self.pattern
        assert self.on_alarm is not None
        return alarm_state_pattern(alarm_name or self.on_alarm.alarm, self.on_alarm.state)


def alarm_state_pattern(alarm_name: str, state: str) -> dict[str, Any]:
    """Return the pattern of one alarm's "CloudWatch Alarm State Change" into ``state``."""
    return {
        "source": ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        "detail": {"alarmName": [alarm_name], "state": {"value": [state]}},
    }


class Schedule(StrictModel):
    """An operational task on a schedule (EventBridge Scheduler)."""

    name: LogicalName
    """Name in this file; the schedule is <name>-<stage>-<this>."""
    description: str | None = Field(default=None, max_length=512)
    """What the task does."""
    schedule: Annotated[str, checked(event_schedules.check_schedule)]
    """cron(0 2 * * ? *) or rate(1 day)."""
    timezone: Annotated[str, checked(check_timezone)] | None = None
    """IANA time zone of a cron schedule (Europe/Berlin). Default: UTC."""
    flexible_window_minutes: int | None = Field(default=None, ge=1, le=1440)
    """Let the task start up to this many minutes late, to spread load. Default: on time."""
    runbook: RunbookTask | None = None
    run_command: RunCommand | None = None
    lambda_: LambdaTask | None = Field(default=None, alias="lambda")
    enabled: bool = True
    """Create the schedule enabled."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = _given(self, ("runbook", "run_command", "lambda_"))
        if len(given) != 1:
            raise fail(
                "give exactly one task: runbook, run_command or lambda "
                f"(got {len(given)}: {', '.join(given) or 'none'})"
            )
        if self.timezone is not None and self.schedule.startswith("rate("):
            raise fail("a rate schedule has no time zone; remove timezone or use cron(...)")
        return self

    def to_action(self) -> Action:
        """Return the pure settings of the task."""
        task = self.runbook or self.run_command or self.lambda_
        assert task is not None
        return task.to_action()


class Delivery(StrictModel):
    """How events reach their targets, and what happens when they do not."""

    dead_letter_queues: Literal["shared", "per_rule"] = "shared"
    """One dead-letter queue for the whole blueprint, or one per rule and schedule."""
    retry_attempts: int = Field(default=DEFAULT_RETRY_ATTEMPTS, ge=0, le=185)
    """Retries of a failed delivery. Default: 3."""
    max_event_age_seconds: int = Field(default=DEFAULT_MAX_EVENT_AGE_SECONDS, ge=60, le=86400)
    """Give up on an event this old (60 to 86,400 seconds). Default: 7,200."""
    retention_days: int = Field(default=DEFAULT_DLQ_RETENTION_DAYS, ge=1, le=14)
    """Days dead-lettered events are kept (1 to 14). Default: 14."""
    alarm_topic: LogicalName | None = None
    """Topic told when a dead-letter queue holds messages. Required with any rule or schedule."""


class EventsSection(StrictModel):
    """Event-driven alerts, scheduled operations and automated responses."""

    alerts: list[Alert] = []
    """Rules that notify topics."""
    schedules: list[Schedule] = []
    """Tasks on a schedule."""
    responses: list[Response] = []
    """Rules that act."""
    delivery: Delivery = Delivery()
    """Retries, dead-letter queues and their alarm."""

    def is_empty(self) -> bool:
        """True when the section defines nothing to build."""
        return not (self.alerts or self.schedules or self.responses)

    def us_east_1_rules(self) -> list[str]:
        """Names of the alerts and responses on IAM, STS or console sign-in events.

        Those events reach EventBridge in us-east-1 only: the rules belong in a
        stack in us-east-1 (with topics of their own there).
        """
        rules: list[tuple[str, dict[str, Any] | None]] = [
            (a.name, a.pattern) for a in self.alerts
        ] + [(r.name, r.pattern) for r in self.responses]
        return [
            name
            for name, pattern in rules
            if pattern is not None
            and not event_patterns.pattern_problems(pattern)
            and event_patterns.needs_us_east_1(pattern)
        ]


# ------------------------------------------------------------- whole section


def events_problems(
    section: EventsSection,
    *,
    topics: Sequence[str],
    alarms: Sequence[str],
    prefix: str | None = None,
    where: str = "events",
) -> Iterator[Problem]:
    """Yield every problem of the section that needs the rest of the file.

    Parameters
    ----------
    topics
        Names of the blueprint's topics.
    alarms
        Names of the blueprint's alarms (for ``on_alarm``).
    prefix
        ``<name>-<stage>``: checks that physical names fit 64 characters.
    where
        The section's config path.
    """
    known_topics = set(topics)
    yield from _unique_names(section, where)
    for index, alert in enumerate(section.alerts):
        yield from _alert_problems(alert, f"{where}.alerts[{index}]", known_topics)
    for index, response in enumerate(section.responses):
        yield from _response_problems(
            response, f"{where}.responses[{index}]", known_topics, set(alarms)
        )
    for index, schedule in enumerate(section.schedules):
        at = f"{where}.schedules[{index}]"
        kind = _given(schedule, ("runbook", "run_command", "lambda_"))[0]
        for problem in event_schedules.action_problems(schedule.to_action(), on_schedule=True):
            yield _under(f"{at}.{kind}", problem)
    if prefix is not None:
        names = [a.name for a in section.alerts] + [r.name for r in section.responses]
        names += [s.name for s in section.schedules]
        for name in names:
            physical = f"{prefix}-{name}"
            if len(physical) > RULE_NAME_MAX:
                yield Problem(
                    where,
                    f"{physical!r} is {len(physical)} characters; rule and schedule names "
                    f"allow {RULE_NAME_MAX}: shorten {name!r}",
                )
    delivery = section.delivery
    if not section.is_empty():
        if delivery.alarm_topic is None:
            listed = ", ".join(sorted(known_topics)) or "none are defined under notifications"
            yield Problem(
                f"{where}.delivery.alarm_topic",
                "name the topic told when events cannot be delivered (a dead-letter queue "
                f"holds messages); topics: {listed}",
            )
        elif delivery.alarm_topic not in known_topics:
            yield _unknown_topic(
                f"{where}.delivery.alarm_topic", delivery.alarm_topic, known_topics
            )


def _under(where: str, problem: Problem) -> Problem:
    return Problem(f"{where}.{problem.location}" if problem.location else where, problem.message)


def _unique_names(section: EventsSection, where: str) -> Iterator[Problem]:
    first: dict[str, str] = {}
    items = [("alerts", a.name) for a in section.alerts]
    items += [("responses", r.name) for r in section.responses]
    items += [("schedules", s.name) for s in section.schedules]
    counters: dict[str, int] = {}
    for kind, name in items:
        index = counters.get(kind, 0)
        counters[kind] = index + 1
        at = f"{where}.{kind}[{index}]"
        if name in first:
            yield Problem(
                f"{at}.name",
                f"{name!r} is already used by {first[name]}; alert, response and schedule "
                "names must be unique (they name the rules)",
            )
        else:
            first[name] = at


def _unknown_topic(where: str, name: str, known: set[str]) -> Problem:
    listed = ", ".join(sorted(known)) or "none are defined under notifications"
    return Problem(where, f"{name!r} is not a blueprint topic; known topics: {listed}")


def _pattern_problems(
    pattern: Mapping[str, Any], examples: EventPatternExamples | None, at: str
) -> Iterator[Problem]:
    problems = event_patterns.pattern_problems(pattern)
    if not problems and (split := event_patterns.region_split_problem(pattern)):
        problems.append(split)
    for problem in problems:
        yield _under(f"{at}.pattern", problem)
    if examples is not None and not problems:
        for problem in event_patterns.example_problems(pattern, examples.to_examples()):
            yield _under(f"{at}.examples", problem)


def _template_problems(
    at: str, template: str, input_paths: Mapping[str, str], *, field_name: str
) -> Iterator[Problem]:
    for problem in event_patterns.template_problems(template, input_paths):
        location = field_name if problem.location == "message" else problem.location
        yield _under(at, Problem(location, problem.message))


def _alert_problems(alert: Alert, at: str, topics: set[str]) -> Iterator[Problem]:
    yield from _pattern_problems(alert.pattern, alert.examples, at)
    if len(alert.topics) > TARGETS_PER_RULE_MAX:
        yield Problem(
            f"{at}.topics",
            f"{len(alert.topics)} topics; a rule has at most {TARGETS_PER_RULE_MAX} targets. "
            "Notify one topic and subscribe the others' endpoints to it",
        )
    for index, topic in enumerate(alert.topics):
        if topic not in topics:
            yield _unknown_topic(f"{at}.topics[{index}]", topic, topics)
    if alert.message is not None:
        yield from _template_problems(at, alert.message, alert.input_paths, field_name="message")
    elif alert.input_paths:
        yield Problem(
            f"{at}.input_paths",
            "input paths fill a message; add a message that uses them, or remove them",
        )


def _response_problems(
    response: Response, at: str, topics: set[str], alarms: set[str]
) -> Iterator[Problem]:
    if response.pattern is not None:
        yield from _pattern_problems(response.pattern, response.examples, at)
    elif response.on_alarm is not None and response.on_alarm.alarm not in alarms:
        listed = ", ".join(sorted(alarms)) or "none are defined under alarms"
        yield Problem(
            f"{at}.on_alarm.alarm",
            f"{response.on_alarm.alarm!r} is not a blueprint alarm; known alarms: {listed}",
        )
    if len(response.actions) > TARGETS_PER_RULE_MAX:
        yield Problem(
            f"{at}.actions",
            f"{len(response.actions)} actions; a rule has at most {TARGETS_PER_RULE_MAX} "
            "targets. Split the response into two rules on the same pattern",
        )
    for index, item in enumerate(response.actions):
        kind = _given(item, ("runbook", "run_command", "lambda_", "opsitem", "topic"))[0]
        where = f"{at}.actions[{index}].{kind}"
        action = item.to_action()
        for problem in event_schedules.action_problems(action, on_schedule=False):
            yield _under(where, problem)
        for problem in event_schedules.event_source_problems(action, response.event_pattern()):
            yield _under(where, problem)
        if isinstance(action, NotifyAction) and action.topic not in topics:
            yield _unknown_topic(f"{where}.name", action.topic, topics)
        for field_name, template in action_templates(action):
            yield from (
                p
                for p in _template_problems(
                    where, template, response.input_paths, field_name=field_name
                )
                if not p.location.startswith(f"{where}.input_paths")
            )
    for name, path in response.input_paths.items():
        for problem in event_patterns.template_problems(f"<{name}>", {name: path}):
            yield _under(at, problem)
