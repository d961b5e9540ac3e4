"""Defaults of the agent's State Manager association and the hosts' VPC endpoints."""

from __future__ import annotations

from typing import Final, Literal

EndpointService = Literal["ssm", "ssmmessages", "ec2messages", "logs", "monitoring", "ec2", "kms"]
"""Services a VPC endpoint of the hosts section can be created for."""

DEFAULT_SCHEDULE = "rate(7 days)"
"""How often the association re-applies install and configuration. Every run
restarts the agent, so weekly; new instances that match the targets, and any
change of the configuration, run it at once regardless."""
DEFAULT_MAX_CONCURRENCY = "10%"
"""Roll out to a tenth of the fleet at a time (at least one node)."""
DEFAULT_MAX_ERRORS = "10%"
"""Stop the rollout once a tenth of the nodes failed."""
DEFAULT_COMPLIANCE_SEVERITY: Final[Literal["MEDIUM"]] = "MEDIUM"
"""Severity of a node where the agent could not be applied."""
INTERFACE_ENDPOINT_SERVICES: Final[tuple[EndpointService, ...]] = (
    "ssm",
    "ssmmessages",
    "ec2messages",
    "logs",
    "monitoring",
)
"""Interface endpoints Systems Manager and the agent need in a private subnet."""
