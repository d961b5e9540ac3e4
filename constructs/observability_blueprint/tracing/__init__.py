"""X-Ray: groups with Insights per service, sampling rules, Transaction Search."""

from observability_blueprint.rules.xray import SamplingRateBoost
from observability_blueprint.tracing.sampling_rule import SamplingRule
from observability_blueprint.tracing.tracing_group import TracingGroup
from observability_blueprint.tracing.transaction_search import TransactionSearch

__all__ = ["SamplingRateBoost", "SamplingRule", "TracingGroup", "TransactionSearch"]
