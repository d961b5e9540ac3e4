"""How a service's alarms roll up into one composite alarm: the rule, split to fit.

Pure module: no aws_cdk import. A composite alarm takes at most 100 child alarms
and an ``AlarmRule`` of at most 10,240 characters (PutCompositeAlarm; botocore's
``cloudwatch`` model, shape ``AlarmRule``; CloudWatch quotas page,
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html).
A service with more alarms than fit gets one composite per group of children and
a top composite over the groups, so the service still has one alarm that says
whether it is healthy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

from observability_blueprint.rules.alarm_rules import ALARM_RULE_MAX_LENGTH
from observability_blueprint.rules.arns import is_unresolved
from observability_blueprint.rules.resource_alarms import ResolvedAlarm

CHILDREN_PER_COMPOSITE_MAX: Final = 100
"""Child alarms one composite alarm may have (CloudWatch quotas)."""
HEALTH_SUFFIX: Final = "health"
"""A service's composite alarm is ``<service>-health`` in the blueprint's naming."""
SHARED_ALARMS: Final = "shared"
"""Alarms on Region-wide metrics and whole clusters are named ``<name>-<stage>-shared-<id>``."""

RECOMMENDED_ALARM_METADATA: Final = "observability-blueprint:recommended-alarm"
"""Template metadata key on each resource alarm: its id, source and where its threshold
came from, for the synth report."""

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


def construct_id(text: str) -> str:
    """Return ``text`` with every run of characters construct ids and names avoid as ``-``."""
    return _ID_UNSAFE.sub("-", text)


def shared_alarm_id(alarm: ResolvedAlarm) -> str | None:
    """Return the id of an alarm made once per stack or cluster, or None when it is the
    resource's own.

    Region-wide alarms (Lambda's claimed account concurrency, DynamoDB's account
    capacity) are shared by their short name; a cluster's alarms (ECS cluster
    reservation) by cluster and short name. A cluster known only as a CDK token has
    no stable name to share by, so its alarms stay each resource's own.
    """
    if alarm.shared_key is None:
        return None
    if alarm.scope == "cluster":
        values = "-".join(alarm.dimensions[k] for k in sorted(alarm.dimensions))
        if is_unresolved(values):
            return None
        return construct_id(f"{values}-{alarm.short_name}")
    return construct_id(alarm.short_name)


def any_in_alarm(references: Sequence[str]) -> str:
    """Return the rule ``ALARM("a") OR ALARM("b") ...``: in ALARM when any child is."""
    return " OR ".join(f'ALARM("{reference}")' for reference in references)


def groups_for(
    names: Sequence[str],
    *,
    arn_length: Callable[[str], int],
    max_children: int = CHILDREN_PER_COMPOSITE_MAX,
    max_rule: int = ALARM_RULE_MAX_LENGTH,
) -> list[list[str]]:
    """Split alarm names into groups one composite each can watch.

    Each group has at most ``max_children`` names and its rule, with every name
    replaced by its longest possible ARN (``arn_length``), fits ``max_rule``
    characters. Order is kept; one group when everything fits.
    """
    groups: list[list[str]] = [[]]
    length = 0
    for name in names:
        # ALARM("<arn>") plus " OR " between terms.
        term = len('ALARM("")') + arn_length(name) + (len(" OR ") if groups[-1] else 0)
        if groups[-1] and (len(groups[-1]) >= max_children or length + term > max_rule):
            groups.append([])
            term -= len(" OR ")
            length = 0
        groups[-1].append(name)
        length += term
    return [g for g in groups if g]


def alarm_metadata(alarm: ResolvedAlarm, resource: str) -> dict[str, object]:
    """Return what the synth report needs of one resource alarm."""
    return {
        "alarm": alarm.alarm_id,
        "resource": resource,
        "source": alarm.source,
        "threshold": alarm.threshold,
        "threshold_from": alarm.threshold_from,
    }
