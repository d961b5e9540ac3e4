"""Which events a Region forwards to another, each exactly once.

Pure module: no aws_cdk import.

A blueprint homed outside us-east-1 forwards IAM, STS and console sign-in
events from us-east-1 to its home bus, where its own rules match them. Two
forwarding rules whose patterns overlap would forward one event twice, and
every home rule would then notify twice. So the patterns are merged: those
that could match the same event (they share a ``source``) become one rule
whose pattern is their ``$or``; an event matches a rule once, whatever number
of alternatives it matches. Patterns on different sources cannot match the
same event, so they stay in separate rules, which keeps each rule's pattern
short (EventBridge takes at most 4,096 characters).

``$or`` in event patterns:
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-complex-example-or
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.event_patterns import PATTERN_MAX

_ANY_SOURCE = "*"


@dataclass(frozen=True)
class ForwardingGroup:
    """One forwarding rule: its name (from its sources) and its pattern."""

    name: str
    """``forward-<services>``, e.g. ``forward-signin`` or ``forward-iam-sts``."""
    pattern: dict[str, Any]
    sources: tuple[str, ...]


def _alternatives(pattern: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The pattern as a list of patterns without a top-level ``$or``."""
    if set(pattern) == {"$or"} and isinstance(pattern["$or"], list):
        return [dict(p) for p in pattern["$or"] if isinstance(p, Mapping)]
    return [dict(pattern)]


def _sources(pattern: Mapping[str, Any]) -> set[str]:
    found = pattern.get("source")
    if not isinstance(found, list) or not found:
        return {_ANY_SOURCE}
    return {s if isinstance(s, str) else _ANY_SOURCE for s in found}


def _canonical(pattern: Mapping[str, Any]) -> str:
    return json.dumps(pattern, sort_keys=True, separators=(",", ":"))


def forwarding_groups(patterns: Sequence[Mapping[str, Any]]) -> list[ForwardingGroup]:
    """Merge ``patterns`` into rules that forward each matching event once.

    Identical alternatives are kept once; alternatives that share a source end
    up in one group (an operator in ``source``, or no ``source``, joins every
    group). Groups come out sorted by name, so the rules are stable.
    """
    alternatives: dict[str, dict[str, Any]] = {}
    for pattern in patterns:
        for alternative in _alternatives(pattern):
            alternatives.setdefault(_canonical(alternative), alternative)
    # Union-find over sources: alternatives sharing a source share a group.
    parent: dict[str, str] = {}

    def find(source: str) -> str:
        parent.setdefault(source, source)
        while parent[source] != source:
            parent[source] = parent[parent[source]]
            source = parent[source]
        return source

    wildcard = any(_ANY_SOURCE in _sources(a) for a in alternatives.values())
    for alternative in alternatives.values():
        sources = sorted(_sources(alternative))
        if wildcard:
            sources.append(_ANY_SOURCE)
        for other in sources[1:]:
            parent[find(other)] = find(sources[0])
        find(sources[0])
    grouped: dict[str, list[dict[str, Any]]] = {}
    group_sources: dict[str, set[str]] = {}
    for key in sorted(alternatives):
        alternative = alternatives[key]
        root = find(sorted(_sources(alternative))[0])
        grouped.setdefault(root, []).append(alternative)
        group_sources.setdefault(root, set()).update(_sources(alternative))
    groups = []
    for root, members in grouped.items():
        named = tuple(sorted(group_sources[root]))
        pattern = members[0] if len(members) == 1 else {"$or": members}
        groups.append(ForwardingGroup(_group_name(named), pattern, named))
    return sorted(groups, key=lambda g: g.name)


def _group_name(sources: Sequence[str]) -> str:
    if _ANY_SOURCE in sources:
        return "forward-all"
    services = [s.removeprefix("aws.") for s in sources]
    return "forward-" + "-".join(services)


def group_problems(groups: Sequence[ForwardingGroup]) -> list[Problem]:
    """Report a merged pattern longer than EventBridge takes (with what to do)."""
    problems = []
    for group in groups:
        size = len(json.dumps(group.pattern, separators=(",", ":")))
        if size > PATTERN_MAX:
            problems.append(
                Problem(
                    group.name,
                    f"the rules on {', '.join(group.sources)} events, forwarded from us-east-1 "
                    f"as one rule so that each event is forwarded once, make a pattern of "
                    f"{size:,} characters; EventBridge takes {PATTERN_MAX:,}: merge or shorten "
                    "those rules' patterns",
                )
            )
    return problems
