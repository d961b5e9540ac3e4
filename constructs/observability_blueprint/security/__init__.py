"""The blueprint's customer-managed KMS key and the cdk-nag acknowledgements areas share."""

from observability_blueprint.security.blueprint_key import BlueprintKey, publishers_statement
from observability_blueprint.security.nag import (
    acknowledge_managed_policy,
    acknowledge_wildcard_resource,
)
from observability_blueprint.security.runbooks import (
    AUTOMATION_ASSUME_ROLE,
    automation_definition_arn,
    automation_role,
    command_document_arn,
    grant_runbook,
    grant_unscoped,
    service_arn,
)

__all__ = [
    "AUTOMATION_ASSUME_ROLE",
    "BlueprintKey",
    "acknowledge_managed_policy",
    "acknowledge_wildcard_resource",
    "automation_definition_arn",
    "automation_role",
    "command_document_arn",
    "grant_runbook",
    "grant_unscoped",
    "publishers_statement",
    "service_arn",
]
