"""VPC flow logs into CloudWatch Logs, their queries and alarm."""

from observability_blueprint.network.vpc_flow_logs import RejectedRemoteAccessAlarm, VpcFlowLogs

__all__ = ["RejectedRemoteAccessAlarm", "VpcFlowLogs"]
