"""An X-Ray sampling rule: how many of the matching requests are traced."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TypedDict

from aws_cdk import Annotations, Names, Token
from aws_cdk import aws_xray as xray
from constructs import Construct

from observability_blueprint.core.placement import others_of_kind, same_place, where
from observability_blueprint.rules import xray as rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.xray import SamplingRateBoost, SamplingRuleSpec


class _MatchFields(TypedDict):
    """What a rule matches; the names are the same in the spec and in aws-cdk-lib."""

    service_name: str
    service_type: str
    host: str
    http_method: str
    url_path: str
    resource_arn: str


SDK_WARNING = "observability-blueprint:xray-sampling-rule-sdk"
"""Warning id: the rule matches on what the X-Ray SDKs cannot see (resource ARN, attributes)."""


class SamplingRule(Construct):
    """An X-Ray sampling rule (``AWS::XRay::SamplingRule``), checked against the API's limits.

    Recorders (X-Ray SDKs, API Gateway, the CloudWatch agent and ADOT with X-Ray
    remote sampling) fetch the rules, try them from priority 1 up and apply the
    first that matches: ``reservoir_size`` requests per second are recorded
    (shared by every instance, X-Ray hands out the quota), then ``fixed_rate`` of
    the rest. The match fields take ``*`` (any characters) and ``?`` (one
    character); the default ``*`` matches everything. Anything no rule matches
    falls to the built-in ``Default`` rule (priority 10,000: one request per
    second and 5%).
    https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html

    A rule that matches on ``resource_arn`` or ``attributes`` is ignored by the
    X-Ray SDKs; it warns.

    Parameters
    ----------
    priority
        1 to 9,999; lower is tried first.
    fixed_rate
        Fraction of matching requests recorded after the reservoir, 0 to 1 (0.05 is 5%).
    reservoir_size
        Requests per second recorded before the fixed rate applies, 0 or more.
    rule_name
        Physical name, 1 to 32 characters, unique in the account and Region.
        Default: generated from the construct path.
    service_name
        The service name its segments record (at most 64 characters). Default: ``*``.
    service_type
        The service's ``origin``, such as ``AWS::ECS::Container`` (at most 64).
        Default: ``*``.
    host
        The request's host name (at most 64). Default: ``*``.
    http_method
        The request's method (at most 10). Default: ``*``.
    url_path
        The request's URL path (at most 128). Default: ``*``.
    resource_arn
        The ARN of the resource running the service (at most 500). Default: ``*``.
    attributes
        Segment attributes to match, such as request headers for API Gateway (at
        most 5; keys and values 1 to 32 characters).
    rate_boost
        Let X-Ray raise the rate up to ``max_rate`` when it sees anomalies.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        priority: int,
        fixed_rate: float,
        reservoir_size: int,
        rule_name: str | None = None,
        service_name: str = "*",
        service_type: str = "*",
        host: str = "*",
        http_method: str = "*",
        url_path: str = "*",
        resource_arn: str = "*",
        attributes: Mapping[str, str] | None = None,
        rate_boost: SamplingRateBoost | None = None,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        name = rule_name or Names.unique_resource_name(
            self, max_length=rules.RULE_NAME_MAX, separator="-"
        )
        match: _MatchFields = {
            "service_name": service_name,
            "service_type": service_type,
            "host": host,
            "http_method": http_method,
            "url_path": url_path,
            "resource_arn": resource_arn,
        }
        spec = SamplingRuleSpec(
            rule_name=name,
            priority=priority,
            fixed_rate=fixed_rate,
            reservoir_size=reservoir_size,
            attributes=dict(attributes or {}),
            rate_boost=rate_boost,
            **match,
        )
        problems = [
            Problem(f"{at}.{p.location}", p.message)
            for p in rules.sampling_rule_problems(_known_parts(spec))
        ]
        problems += self._duplicate_problems(name)
        if problems:
            raise BlueprintError(problems)
        for note in rules.sampling_rule_notes(_known_parts(spec)):
            Annotations.of(self).add_warning_v2(SDK_WARNING, note)

        self.rule_name = name
        """The rule's name."""
        self.spec = spec
        """The rule as checked."""
        boost = (
            xray.CfnSamplingRule.SamplingRateBoostProperty(
                max_rate=rate_boost.max_rate,
                cooldown_window_minutes=rate_boost.cooldown_minutes,
            )
            if rate_boost is not None
            else None
        )
        self.rule = xray.CfnSamplingRule(
            self,
            "Resource",
            sampling_rule=xray.CfnSamplingRule.SamplingRuleProperty(
                rule_name=name,
                priority=priority,
                fixed_rate=fixed_rate,
                reservoir_size=reservoir_size,
                attributes=dict(attributes) if attributes else None,
                version=rules.SAMPLING_RULE_VERSION,
                sampling_rate_boost=boost,
                **match,
            ),
        )
        """The ``AWS::XRay::SamplingRule``."""
        self.rule_arn: str = self.rule.attr_rule_arn
        """The rule's ARN."""

    def _duplicate_problems(self, name: str) -> list[Problem]:
        if Token.is_unresolved(name):
            return []
        for other in others_of_kind(self, SamplingRule, built="rule_name"):
            if other.rule_name == name and same_place(self, other):
                return [
                    Problem(
                        f"{self.node.path}.rule_name",
                        f"{name!r} is already the name of {other.node.path} in {where(self)}; "
                        "sampling rule names are unique per account and Region",
                    )
                ]
        return []


_STAND_INS: dict[str, object] = {
    "rule_name": "unresolved",
    "priority": rules.PRIORITY_MIN,
    "fixed_rate": 0.0,
    "reservoir_size": 0,
    **dict.fromkeys(rules.MATCH_FIELD_MAX, "*"),
}
"""A valid value for each field, standing in for one known only at deployment."""


def _known_parts(spec: SamplingRuleSpec) -> SamplingRuleSpec:
    """``spec`` with every value known only at deployment replaced by a valid stand-in."""
    unresolved = {
        name: value
        for name, value in _STAND_INS.items()
        if Token.is_unresolved(getattr(spec, name))
    }
    return replace(spec, **unresolved)  # type: ignore[arg-type]
