"""The CloudWatch agent on EC2 and on-premises servers, installed by Systems Manager."""

from observability_blueprint.hosts.agent_association import (
    AgentAssociation,
    AgentMode,
    command_association,
)
from observability_blueprint.hosts.compute_optimizer import EbsAutomationRule
from observability_blueprint.hosts.host_identity import HostIdentity
from observability_blueprint.hosts.vpc_endpoints import VpcEndpoints

__all__ = [
    "AgentAssociation",
    "AgentMode",
    "EbsAutomationRule",
    "HostIdentity",
    "VpcEndpoints",
    "command_association",
]
