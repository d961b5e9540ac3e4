"""Static, anomaly and composite alarms, their actions and runbooks."""

from observability_blueprint.alarms._metrics import known_metric
from observability_blueprint.alarms.alarm_actions import ArnAlarmAction, alarm_action_kind
from observability_blueprint.alarms.alarm_options import AlarmOptions, TreatMissingData
from observability_blueprint.alarms.alarm_runbook import AlarmRunbook
from observability_blueprint.alarms.anomaly_alarm import AnomalyAlarm
from observability_blueprint.alarms.composite_alarm import RuleCompositeAlarm
from observability_blueprint.alarms.static_alarm import StaticAlarm

__all__ = [
    "AlarmOptions",
    "AlarmRunbook",
    "AnomalyAlarm",
    "ArnAlarmAction",
    "RuleCompositeAlarm",
    "StaticAlarm",
    "TreatMissingData",
    "alarm_action_kind",
    "known_metric",
]
