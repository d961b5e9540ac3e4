"""The blueprint file's ``tracing:`` section: X-Ray groups, sampling, Transaction Search.

The checks are :mod:`observability_blueprint.rules.xray`'s, so the file and the
constructs (``TracingGroup``, ``SamplingRule``, ``TransactionSearch``) refuse the same.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from observability_blueprint.config.base import StrictModel, checked
from observability_blueprint.rules import xray
from observability_blueprint.rules.errors import Problem


class TracingGroups(StrictModel):
    """An X-Ray group per service (the services of ``log_groups``), named
    ``<name>-<stage>-<service>``, whose filter selects the traces worth a look."""

    errors: bool = True
    """Traces with an error (4xx). Default: true."""
    faults: bool = True
    """Traces with a fault (5xx). Default: true."""
    latency_above_seconds: Annotated[float, checked(xray.check_latency_bound)] | None = None
    """Traces slower than this many seconds. Default: none."""
    insights: bool = False
    """X-Ray Insights on the group ($1 per million traces processed). Default: false."""
    notify: str | None = None
    """A topic of this blueprint told of each insight (needs insights). Default: none."""


class SamplingRule(StrictModel):
    """An X-Ray sampling rule: ``reservoir_size`` requests a second, then ``fixed_rate``."""

    name: Annotated[str, checked(xray.check_rule_name)]
    """Rule name, 1 to 32 characters, not Default."""
    priority: Annotated[int, checked(xray.check_priority)]
    """1 to 9,999; lower is evaluated first."""
    fixed_rate: Annotated[float, checked(xray.check_fixed_rate)]
    """Fraction of matching requests recorded after the reservoir, 0 to 1."""
    reservoir_size: Annotated[int, checked(xray.check_reservoir_size)] = 1
    """Requests per second recorded before the fixed rate applies. Default: 1."""
    service_name: str = "*"
    """Service name to match (* and ? wildcards). Default: any."""
    http_method: str = "*"
    """HTTP method to match. Default: any."""
    url_path: str = "*"
    """URL path to match. Default: any."""
    host: str = "*"
    """Host to match. Default: any."""

    def to_spec(self) -> xray.SamplingRuleSpec:
        """Return the pure settings."""
        return xray.SamplingRuleSpec(
            rule_name=self.name,
            priority=self.priority,
            fixed_rate=self.fixed_rate,
            reservoir_size=self.reservoir_size,
            service_name=self.service_name,
            http_method=self.http_method,
            url_path=self.url_path,
            host=self.host,
        )


class TransactionSearchSettings(StrictModel):
    """Transaction Search: spans into CloudWatch Logs, a share of them indexed.

    One per account and Region: only one blueprint (one environment) may own it.
    """

    indexing_percentage: Annotated[float, checked(xray.check_indexing_percentage)] = (
        xray.FREE_INDEXING_PERCENTAGE
    )
    """Share of spans indexed as trace summaries, 0 to 100. Default: 1 (free)."""


class Tracing(StrictModel):
    """X-Ray for the workload's services."""

    groups: TracingGroups | None = TracingGroups()
    """An X-Ray group per service; null for none. Default: errors and faults."""
    sampling_rules: list[SamplingRule] = Field(default=[], max_length=25)
    """Sampling rules (X-Ray takes 25 per account and Region)."""
    transaction_search: TransactionSearchSettings | None = None
    """Transaction Search, an account and Region setting. Default: off."""


def tracing_problems(
    section: Tracing, *, services: list[str], prefix: str, topics: list[str]
) -> list[Problem]:
    """Whole-file problems of ``tracing:``: group names, the insight topic, rule names."""
    problems: list[Problem] = []
    groups = section.groups
    if groups is not None:
        for service in services:
            name = f"{prefix}-{service}"
            if message := xray.check_group_name(name):
                problems.append(
                    Problem(
                        "tracing.groups",
                        f"the group of service {service!r} would be named {name!r}: {message}; "
                        "shorten the blueprint's name, stage or service",
                    )
                )
        if groups.notify is not None:
            if not groups.insights:
                problems.append(
                    Problem(
                        "tracing.groups.notify",
                        "insight notifications need insights: set insights: true",
                    )
                )
            if groups.notify not in topics:
                listed = ", ".join(topics) or "none"
                problems.append(
                    Problem(
                        "tracing.groups.notify",
                        f"{groups.notify!r} is not a blueprint topic; known topics: {listed}",
                    )
                )
    seen: dict[str, int] = {}
    for index, rule in enumerate(section.sampling_rules):
        where = f"tracing.sampling_rules[{index}]"
        if rule.name in seen:
            problems.append(
                Problem(
                    f"{where}.name",
                    f"{rule.name!r} is already the name of sampling_rules[{seen[rule.name]}]",
                )
            )
        seen.setdefault(rule.name, index)
        # The field checks ran on the file's values already; these are the rule's own
        # (match fields' lengths and wildcards), located at the file's key names.
        named = {"name", "priority", "fixed_rate", "reservoir_size"}
        for problem in xray.sampling_rule_problems(rule.to_spec()):
            key = "name" if problem.location == "rule_name" else problem.location
            if key not in named:
                problems.append(Problem(f"{where}.{key}" if key else where, problem.message))
    return problems
