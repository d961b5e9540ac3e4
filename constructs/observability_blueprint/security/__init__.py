"""The blueprint's customer-managed KMS key and the cdk-nag acknowledgements areas share."""

from observability_blueprint.security.blueprint_key import BlueprintKey, publishers_statement
from observability_blueprint.security.nag import (
    acknowledge_managed_policy,
    acknowledge_wildcard_resource,
)

__all__ = [
    "BlueprintKey",
    "acknowledge_managed_policy",
    "acknowledge_wildcard_resource",
    "publishers_statement",
]
