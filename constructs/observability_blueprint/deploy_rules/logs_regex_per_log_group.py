"""OBS-LogsRegexPerLogGroup: at most 2 regexes in a filter pattern, 5 per log group.

PutMetricFilter and PutSubscriptionFilter: "a quota of two regular expression
patterns within a single filter pattern" and "a quota of five regular expression
patterns per log group", metric and subscription filters together. The sixth is
refused at deploy time, after every resource before it was created.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from observability_blueprint.deploy_rules.rule import Finding, Rule
from observability_blueprint.deploy_rules.template import (
    StackTemplate,
    TemplateResource,
    render,
)
from observability_blueprint.rules.limits import REGEX_PATTERNS_PER_LOG_GROUP
from observability_blueprint.rules.metric_filters import check_pattern, regex_count

REGEXES_PER_PATTERN: Final = 2
"""Regular expressions in one filter pattern (the same pages)."""
FILTER_TYPES: Final = frozenset({"AWS::Logs::MetricFilter", "AWS::Logs::SubscriptionFilter"})
SOURCE: Final = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html"
)


def regexes_in(pattern: str) -> int:
    """How many ``%regex%`` a filter pattern holds, also when it does not parse.

    A valid pattern is counted by the filter-pattern parser; one it refuses (a
    third regex is one reason) by its ``%`` signs outside double quotes.
    """
    if check_pattern(pattern) is None:
        return regex_count(pattern)
    signs = 0
    quoted = escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "%" and not quoted:
            signs += 1
    return signs // 2


def _pattern(resource: TemplateResource) -> str | None:
    return render(resource.properties.get("FilterPattern"))


def check(resource: TemplateResource, template: StackTemplate) -> Sequence[Finding]:
    """Refuse a pattern over two regexes, and the filter that takes its log group past five."""
    pattern = _pattern(resource)
    if pattern is None:
        return []
    findings: list[Finding] = []
    count = regexes_in(pattern)
    if count > REGEXES_PER_PATTERN:
        findings.append(
            Finding(
                "Properties/FilterPattern",
                pattern,
                f"holds {count} regular expressions; CloudWatch Logs takes at most "
                f"{REGEXES_PER_PATTERN} in one filter pattern",
                f"at most {REGEXES_PER_PATTERN} %regex% terms; match the rest with terms, "
                "JSON or space-delimited conditions",
            )
        )
    log_group = render(resource.properties.get("LogGroupName"))
    if count == 0 or log_group is None:
        return findings
    siblings = [
        (other, regexes_in(other_pattern))
        for other in template.resources(*FILTER_TYPES)
        if render(other.properties.get("LogGroupName")) == log_group
        and (other_pattern := _pattern(other)) is not None
    ]
    total = 0
    for other, other_count in siblings:
        total += other_count
        if other.logical_id == resource.logical_id:
            break
    if total > REGEX_PATTERNS_PER_LOG_GROUP:
        earlier = [
            other.logical_id
            for other, other_count in siblings
            if other_count and other.logical_id != resource.logical_id
        ]
        findings.append(
            Finding(
                "Properties/FilterPattern",
                pattern,
                f"brings log group {log_group} to {total} regular expressions; CloudWatch "
                f"Logs takes at most {REGEX_PATTERNS_PER_LOG_GROUP} per log group, metric "
                "and subscription filters together (the others with one: "
                f"{', '.join(earlier)})",
                f"at most {REGEX_PATTERNS_PER_LOG_GROUP} %regex% terms across the log group's "
                "filters; match with terms, JSON or space-delimited conditions instead",
            )
        )
    return findings


RULE: Final = Rule(
    id="OBS-LogsRegexPerLogGroup",
    info="A filter pattern holds at most 2 regular expressions, a log group at most 5.",
    explanation=(
        "CloudWatch Logs refuses the metric or subscription filter that takes a pattern past "
        "two %regex% terms or its log group past five, at deploy time."
    ),
    source=SOURCE,
    resource_types=FILTER_TYPES,
    check=check,
)
