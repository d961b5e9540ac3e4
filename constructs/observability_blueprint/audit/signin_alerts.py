"""Real-time notifications of root sign-ins and failed console sign-ins.

Console sign-in events (like IAM and STS events) reach EventBridge only in
us-east-1, and an SNS target must live in its rule's Region. So a blueprint
homed elsewhere gets two halves of the same construct:

* in a us-east-1 stack, ``SignInAlerts(forward_to_region=HOME)``: rules that
  forward the matching events, unchanged, to the home Region's default event
  bus (a cross-Region bus target, through a role that may only put events on
  that one bus, with a dead-letter queue: see
  :mod:`observability_blueprint.events.event_forwarder`);
* in the home stack, ``SignInAlerts(topics=[...])``: the same rules on the home
  default bus, which notify the blueprint's topic with a readable message
  (each target retries, then dead-letters).

Why forwarding rather than a second topic in us-east-1: subscribers stay in one
place (an e-mail address confirms one subscription, a webhook is configured
once), no second KMS key is needed for a second encrypted topic, and the home
rules also catch any sign-in event recorded in the home Region itself. A
blueprint homed in us-east-1 needs only the topic half.

EventBridge receives "via CloudTrail" events only while a trail logs in the
account: a multi-Region trail (``AuditTrail``, or an organization's) must exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Annotations, Stack, Token
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from constructs import Construct

from observability_blueprint.events import (
    DeliveredTarget,
    EventDelivery,
    add_topic_target,
    default_bus_arn,
    forwarding_role,
)
from observability_blueprint.rules.audit import SIGNIN_EVENTS_REGION
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.regions import check_region

SIGNIN_DETAIL_TYPE = "AWS Console Sign In via CloudTrail"
"""The detail-type EventBridge gives console sign-in events."""
RULE_NAME_MAX = 64


def root_sign_in_pattern() -> dict[str, Any]:
    """Return the event pattern of every root user console sign-in, successful or not."""
    return {
        "source": ["aws.signin"],
        "detail-type": [SIGNIN_DETAIL_TYPE],
        "detail": {"userIdentity": {"type": ["Root"]}},
    }


def sign_in_failure_pattern(*, except_root: bool) -> dict[str, Any]:
    """Return the event pattern of failed console sign-ins.

    ``except_root`` leaves out the root user's, which the root rule reports already.
    """
    detail: dict[str, Any] = {"responseElements": {"ConsoleLogin": ["Failure"]}}
    if except_root:
        detail["userIdentity"] = {"type": [{"anything-but": "Root"}]}
    return {"source": ["aws.signin"], "detail-type": [SIGNIN_DETAIL_TYPE], "detail": detail}


def _field(path: str) -> str:
    return events.EventField.from_path(path)


def root_sign_in_message() -> events.RuleTargetInput:
    """Return the readable notification of a root sign-in."""
    return events.RuleTargetInput.from_text(
        f"Root user console sign-in to AWS account {_field('$.account')}: "
        f"{_field('$.detail.responseElements.ConsoleLogin')} at {_field('$.time')} "
        f"from {_field('$.detail.sourceIPAddress')} "
        f"(MFA used: {_field('$.detail.additionalEventData.MFAUsed')}; "
        f"user agent: {_field('$.detail.userAgent')}). "
        "If nobody expected this, treat the root credentials as compromised."
    )


def sign_in_failure_message() -> events.RuleTargetInput:
    """Return the readable notification of a failed console sign-in."""
    return events.RuleTargetInput.from_text(
        f"Failed console sign-in to AWS account {_field('$.account')} at {_field('$.time')}: "
        f"user {_field('$.detail.userIdentity.userName')} "
        f"({_field('$.detail.userIdentity.type')}) "
        f"from {_field('$.detail.sourceIPAddress')}: {_field('$.detail.errorMessage')}."
    )


class SignInAlerts(Construct):
    """EventBridge rules on root sign-ins and failed console sign-ins.

    Give exactly one destination: ``topics`` (the rules notify them with a readable
    message: the account, time, source IP, result, MFA) or ``forward_to_region``
    (the rules forward the events to that Region's default event bus, for a
    stack deployed in us-east-1; see the module docstring for why). Failed
    root sign-ins are reported once, by the root rule.

    Parameters
    ----------
    topics
        The topics to notify, in this stack's Region. A topic encrypted with a
        :class:`BlueprintKey` (``NotificationTopic``) lets EventBridge publish.
    forward_to_region
        The home Region whose default bus receives the events.
    root
        Report root user sign-ins. Default: True.
    failures
        Report failed console sign-ins. Default: True.
    rule_name_prefix
        Rule names are ``<prefix>-root-sign-in`` and ``<prefix>-sign-in-failures``.
        Default: generated.
    delivery
        Retries and the dead-letter queue of every target. Default: a queue of
        its own, whose alarm notifies ``topics`` (none when forwarding: forward
        its state changes with an ``EventForwarder``).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        topics: Sequence[sns.ITopic] = (),
        forward_to_region: str | None = None,
        root: bool = True,
        failures: bool = True,
        rule_name_prefix: str | None = None,
        delivery: EventDelivery | None = None,
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        self._check(topics, forward_to_region, root, failures, rule_name_prefix, stack.region)
        self.rules: dict[str, events.Rule] = {}
        """The rules, by what they report: ``root`` and ``failures``."""
        self.forwarding_role: iam.Role | None = None
        """The role EventBridge uses to put events on the home bus (forwarding only)."""
        self.delivery = (
            delivery if delivery is not None else EventDelivery(self, "Delivery", topics=topics)
        )
        """Retries and the dead-letter queue of the targets."""
        target: events.IRuleTarget | None = None
        if forward_to_region is not None:
            bus_arn = default_bus_arn(self, forward_to_region)
            self.forwarding_role = forwarding_role(
                self,
                "ForwardingRole",
                bus_arn=bus_arn,
                description=f"EventBridge forwards sign-in events to {forward_to_region}",
            )
            target = DeliveredTarget(
                bus_arn, delivery=self.delivery, role=self.forwarding_role, retry=False
            )
        wanted = (
            ("root", root, "Root", root_sign_in_pattern(), root_sign_in_message, "root-sign-in"),
            (
                "failures",
                failures,
                "Failures",
                sign_in_failure_pattern(except_root=root),
                sign_in_failure_message,
                "sign-in-failures",
            ),
        )
        for key, enabled, construct_id, pattern, message, suffix in wanted:
            if not enabled:
                continue
            rule = events.Rule(
                self,
                construct_id,
                rule_name=f"{rule_name_prefix}-{suffix}" if rule_name_prefix else None,
                description=(
                    f"Forwards console sign-in events ({key}) to {forward_to_region}"
                    if forward_to_region
                    else f"Notifies console sign-in events ({key})"
                ),
                event_pattern=events.EventPattern(
                    source=pattern["source"],
                    detail_type=pattern["detail-type"],
                    detail=pattern["detail"],
                ),
            )
            for topic in topics:
                add_topic_target(self, rule, topic, delivery=self.delivery, input=message())
            if not topics:
                assert target is not None
                rule.add_target(target)
            self.rules[key] = rule
        if topics and stack.region != SIGNIN_EVENTS_REGION:
            if Token.is_unresolved(stack.region):
                Annotations.of(self).add_warning_v2(
                    "observability-blueprint:signin-region",
                    "Console sign-in events reach EventBridge only in us-east-1: these rules "
                    "see them only if this stack deploys there, or if a SignInAlerts with "
                    "forward_to_region in a us-east-1 stack forwards them to this stack's "
                    "Region. Give the stack a Region to make that explicit.",
                )
            else:
                Annotations.of(self).add_info(
                    f"These rules see console sign-in events of {stack.region} and those "
                    "forwarded from us-east-1 (where EventBridge delivers them): deploy a "
                    f"SignInAlerts(forward_to_region='{stack.region}') in a us-east-1 stack."
                )

    def _check(
        self,
        topics: Sequence[sns.ITopic],
        forward_to_region: str | None,
        root: bool,
        failures: bool,
        rule_name_prefix: str | None,
        region: str,
    ) -> None:
        at = self.node.path
        problems: list[Problem] = []
        if bool(topics) == (forward_to_region is not None):
            problems.append(
                Problem(
                    at,
                    "give exactly one of topics (notify them) and forward_to_region (forward the "
                    "events from us-east-1 to that Region's default event bus)",
                )
            )
        if forward_to_region is not None:
            if message := check_region(forward_to_region):
                problems.append(Problem(f"{at}.forward_to_region", message))
            elif forward_to_region == SIGNIN_EVENTS_REGION:
                problems.append(
                    Problem(
                        f"{at}.forward_to_region",
                        f"{forward_to_region}: the events are delivered there already; give "
                        "topics instead to notify them directly",
                    )
                )
            if not Token.is_unresolved(region) and region != SIGNIN_EVENTS_REGION:
                problems.append(
                    Problem(
                        f"{at}.forward_to_region",
                        f"forwarding rules belong in a us-east-1 stack (where EventBridge "
                        f"delivers sign-in events), not in {region}",
                    )
                )
        if not (root or failures):
            problems.append(Problem(at, "root and failures are both False: nothing to alert on"))
        if rule_name_prefix is not None:
            longest = f"{rule_name_prefix}-sign-in-failures"
            if len(longest) > RULE_NAME_MAX:
                problems.append(
                    Problem(
                        f"{at}.rule_name_prefix",
                        f"{rule_name_prefix!r} makes the rule name {longest!r} "
                        f"{len(longest)} characters; EventBridge allows {RULE_NAME_MAX}",
                    )
                )
        if problems:
            raise BlueprintError(problems)
