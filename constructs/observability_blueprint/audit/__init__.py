"""CloudTrail into CloudWatch Logs, the CIS alarm pack, Contributor Insights, sign-in alerts."""

from observability_blueprint.audit.audit_trail import AuditTrail
from observability_blueprint.audit.cis_alarm_pack import CisAlarmPack
from observability_blueprint.audit.signin_alerts import SignInAlerts
from observability_blueprint.audit.trail_insights import TrailContributorInsights

__all__ = ["AuditTrail", "CisAlarmPack", "SignInAlerts", "TrailContributorInsights"]
