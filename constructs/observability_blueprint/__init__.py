"""observability-blueprint: a workload's whole observability baseline as CDK constructs.

Every public construct and the value types their arguments take are importable
from here and listed in ``__all__``; nothing else in the package is public API.

The package is layered, one folder a floor (see the README's Development section):
``rules/`` (pure logic), ``config/`` (the blueprint file), the construct areas
(``logs/``, ``alarms/``, ``dashboards/``, ``audit/``, ``hosts/``, ``network/``,
``containers/``, ``events/``, ``notifications/``, ``security/``), ``blueprint/``
(composition) and ``cli/``. Names are imported on first use, so the pure
modules and the command line load without starting aws-cdk-lib's jsii runtime.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from observability_blueprint.alarms import (
        AlarmOptions,
        AlarmRunbook,
        AnomalyAlarm,
        ArnAlarmAction,
        RuleCompositeAlarm,
        StaticAlarm,
        TreatMissingData,
    )
    from observability_blueprint.audit import (
        AuditTrail,
        CisAlarmPack,
        SignInAlerts,
        TrailContributorInsights,
    )
    from observability_blueprint.blueprint.audit import AuditResources
    from observability_blueprint.blueprint.dashboards import BlueprintDashboards
    from observability_blueprint.blueprint.events import EventsUnit
    from observability_blueprint.blueprint.hosts import BuiltHosts
    from observability_blueprint.blueprint.observability_blueprint import (
        ObservabilityBlueprint,
        ServiceUnit,
    )
    from observability_blueprint.blueprint.stacks import (
        BlueprintStack,
        DashboardsStack,
        GlobalEventsStack,
        add_compliance_checks,
        build,
        synthesize,
    )
    from observability_blueprint.config.blueprint import Blueprint
    from observability_blueprint.containers import EcsContainerInsights, EksObservability
    from observability_blueprint.dashboards import BlueprintDashboard
    from observability_blueprint.deploy_rules import DeployRulesPack, add_deploy_checks
    from observability_blueprint.events import (
        AutomatedResponse,
        EventAlert,
        EventDelivery,
        EventForwarder,
        EventRuleConstruct,
        ForwardedAlarmActions,
        ScheduledAction,
        ScheduledTask,
        TemplateInput,
    )
    from observability_blueprint.hosts import (
        AgentAssociation,
        AgentMode,
        HostIdentity,
        VpcEndpoints,
    )
    from observability_blueprint.logs import (
        AccountFieldIndexPolicy,
        ContributorInsights,
        DataProtectionSettings,
        FieldIndexes,
        LogAnomalyDetection,
        LogInsightsAlarm,
        LogStorage,
        LogTransformer,
        ManagedLogGroup,
        SavedQueries,
        ScheduledLogQuery,
        StructuredLogMetrics,
    )
    from observability_blueprint.network import RejectedRemoteAccessAlarm, VpcFlowLogs
    from observability_blueprint.notifications import NotificationTopic, TopicSubscriber
    from observability_blueprint.rules.agent_config import AgentConfig, LogFile, WindowsEventLog
    from observability_blueprint.rules.alarm_rules import AlarmRuleError
    from observability_blueprint.rules.alarm_settings import (
        Action,
        ActionSet,
        ActionSpec,
        AlarmKind,
        AlarmNaming,
        AlarmState,
        AnomalyDirection,
        Comparison,
        PrefixNaming,
    )
    from observability_blueprint.rules.audit import (
        DataEventSelection,
        InsightRuleSpec,
        ManagementEvents,
        TrailSettings,
    )
    from observability_blueprint.rules.cis_controls import ControlOverride
    from observability_blueprint.rules.containers import EcsMode
    from observability_blueprint.rules.contributor_insights import (
        clf_access_log_rules,
        dynamodb_contributor_insights_command,
        json_access_log_rules,
    )
    from observability_blueprint.rules.dashboard_model import DashboardPlan
    from observability_blueprint.rules.errors import BlueprintError, Problem
    from observability_blueprint.rules.event_patterns import EventExamples
    from observability_blueprint.rules.event_schedules import (
        CommandAction,
        InstanceTargets,
        LambdaAction,
        NotifyAction,
        OpsItemAction,
        Permission,
        RunbookAction,
    )
    from observability_blueprint.rules.filter_patterns import FilterPatternError
    from observability_blueprint.rules.flow_log_fields import TrafficType
    from observability_blueprint.rules.limits import LogClass
    from observability_blueprint.rules.logs_insights import LogsInsightsQueryError
    from observability_blueprint.rules.metric_filters import (
        MetricFilterSpec,
        PatternExamples,
        TextPattern,
    )
    from observability_blueprint.rules.ssm_schedules import (
        AssociationTarget,
        CommandOutput,
        ComplianceSeverity,
    )
    from observability_blueprint.rules.structured_logs import StructuredLogFields
    from observability_blueprint.rules.subscribers import SubscriberProtocol
    from observability_blueprint.rules.transformers import (
        AddKey,
        AddKeys,
        Csv,
        DeleteKeys,
        Grok,
        LowerCaseString,
        ParseJSON,
        ParseKeyValue,
        ParseToOCSF,
        Processor,
        RenameKey,
        RenameKeys,
        TrimString,
        TypeConversion,
        TypeConverter,
        UpperCaseString,
        VendedLogParser,
    )
    from observability_blueprint.security import BlueprintKey
    from observability_blueprint.tracing import (
        SamplingRateBoost,
        SamplingRule,
        TracingGroup,
        TransactionSearch,
    )

_EXPORTS: dict[str, str] = {
    "AccountFieldIndexPolicy": "logs",
    "Action": "rules.alarm_settings",
    "ActionSet": "rules.alarm_settings",
    "ActionSpec": "rules.alarm_settings",
    "AddKey": "rules.transformers",
    "AddKeys": "rules.transformers",
    "AgentAssociation": "hosts",
    "AgentConfig": "rules.agent_config",
    "AgentMode": "hosts",
    "AlarmKind": "rules.alarm_settings",
    "AlarmNaming": "rules.alarm_settings",
    "AlarmOptions": "alarms",
    "AlarmRuleError": "rules.alarm_rules",
    "AlarmRunbook": "alarms",
    "AlarmState": "rules.alarm_settings",
    "AnomalyAlarm": "alarms",
    "AnomalyDirection": "rules.alarm_settings",
    "ArnAlarmAction": "alarms",
    "AssociationTarget": "rules.ssm_schedules",
    "AuditResources": "blueprint.audit",
    "AuditTrail": "audit",
    "AutomatedResponse": "events",
    "Blueprint": "config.blueprint",
    "BlueprintDashboard": "dashboards",
    "BlueprintDashboards": "blueprint.dashboards",
    "BlueprintError": "rules.errors",
    "BlueprintKey": "security",
    "BlueprintStack": "blueprint.stacks",
    "BuiltHosts": "blueprint.hosts",
    "CisAlarmPack": "audit",
    "CommandAction": "rules.event_schedules",
    "CommandOutput": "rules.ssm_schedules",
    "Comparison": "rules.alarm_settings",
    "ComplianceSeverity": "rules.ssm_schedules",
    "ContributorInsights": "logs",
    "ControlOverride": "rules.cis_controls",
    "Csv": "rules.transformers",
    "DashboardPlan": "rules.dashboard_model",
    "DashboardsStack": "blueprint.stacks",
    "DataEventSelection": "rules.audit",
    "DataProtectionSettings": "logs",
    "DeleteKeys": "rules.transformers",
    "DeployRulesPack": "deploy_rules",
    "EcsContainerInsights": "containers",
    "EcsMode": "rules.containers",
    "EksObservability": "containers",
    "EventAlert": "events",
    "EventDelivery": "events",
    "EventExamples": "rules.event_patterns",
    "EventForwarder": "events",
    "EventRuleConstruct": "events",
    "EventsUnit": "blueprint.events",
    "FieldIndexes": "logs",
    "FilterPatternError": "rules.filter_patterns",
    "ForwardedAlarmActions": "events",
    "GlobalEventsStack": "blueprint.stacks",
    "Grok": "rules.transformers",
    "HostIdentity": "hosts",
    "InsightRuleSpec": "rules.audit",
    "InstanceTargets": "rules.event_schedules",
    "LambdaAction": "rules.event_schedules",
    "LogAnomalyDetection": "logs",
    "LogClass": "rules.limits",
    "LogFile": "rules.agent_config",
    "LogInsightsAlarm": "logs",
    "LogStorage": "logs",
    "LogTransformer": "logs",
    "LogsInsightsQueryError": "rules.logs_insights",
    "LowerCaseString": "rules.transformers",
    "ManagedLogGroup": "logs",
    "ManagementEvents": "rules.audit",
    "MetricFilterSpec": "rules.metric_filters",
    "NotificationTopic": "notifications",
    "NotifyAction": "rules.event_schedules",
    "ObservabilityBlueprint": "blueprint.observability_blueprint",
    "OpsItemAction": "rules.event_schedules",
    "ParseJSON": "rules.transformers",
    "ParseKeyValue": "rules.transformers",
    "ParseToOCSF": "rules.transformers",
    "PatternExamples": "rules.metric_filters",
    "Permission": "rules.event_schedules",
    "PrefixNaming": "rules.alarm_settings",
    "Problem": "rules.errors",
    "Processor": "rules.transformers",
    "RejectedRemoteAccessAlarm": "network",
    "RenameKey": "rules.transformers",
    "RenameKeys": "rules.transformers",
    "RuleCompositeAlarm": "alarms",
    "RunbookAction": "rules.event_schedules",
    "SamplingRateBoost": "tracing",
    "SamplingRule": "tracing",
    "SavedQueries": "logs",
    "ScheduledAction": "events",
    "ScheduledLogQuery": "logs",
    "ScheduledTask": "events",
    "ServiceUnit": "blueprint.observability_blueprint",
    "SignInAlerts": "audit",
    "StaticAlarm": "alarms",
    "StructuredLogFields": "rules.structured_logs",
    "StructuredLogMetrics": "logs",
    "SubscriberProtocol": "rules.subscribers",
    "TemplateInput": "events",
    "TextPattern": "rules.metric_filters",
    "TopicSubscriber": "notifications",
    "TracingGroup": "tracing",
    "TrafficType": "rules.flow_log_fields",
    "TrailContributorInsights": "audit",
    "TrailSettings": "rules.audit",
    "TransactionSearch": "tracing",
    "TreatMissingData": "alarms",
    "TrimString": "rules.transformers",
    "TypeConversion": "rules.transformers",
    "TypeConverter": "rules.transformers",
    "UpperCaseString": "rules.transformers",
    "VendedLogParser": "rules.transformers",
    "VpcEndpoints": "hosts",
    "VpcFlowLogs": "network",
    "WindowsEventLog": "rules.agent_config",
    "add_compliance_checks": "blueprint.stacks",
    "add_deploy_checks": "deploy_rules",
    "build": "blueprint.stacks",
    "clf_access_log_rules": "rules.contributor_insights",
    "dynamodb_contributor_insights_command": "rules.contributor_insights",
    "json_access_log_rules": "rules.contributor_insights",
    "synthesize": "blueprint.stacks",
}
"""Public name -> the module (under this package) that defines it."""

__all__ = [
    "AccountFieldIndexPolicy",
    "Action",
    "ActionSet",
    "ActionSpec",
    "AddKey",
    "AddKeys",
    "AgentAssociation",
    "AgentConfig",
    "AgentMode",
    "AlarmKind",
    "AlarmNaming",
    "AlarmOptions",
    "AlarmRuleError",
    "AlarmRunbook",
    "AlarmState",
    "AnomalyAlarm",
    "AnomalyDirection",
    "ArnAlarmAction",
    "AssociationTarget",
    "AuditResources",
    "AuditTrail",
    "AutomatedResponse",
    "Blueprint",
    "BlueprintDashboard",
    "BlueprintDashboards",
    "BlueprintError",
    "BlueprintKey",
    "BlueprintStack",
    "BuiltHosts",
    "CisAlarmPack",
    "CommandAction",
    "CommandOutput",
    "Comparison",
    "ComplianceSeverity",
    "ContributorInsights",
    "ControlOverride",
    "Csv",
    "DashboardPlan",
    "DashboardsStack",
    "DataEventSelection",
    "DataProtectionSettings",
    "DeleteKeys",
    "DeployRulesPack",
    "EcsContainerInsights",
    "EcsMode",
    "EksObservability",
    "EventAlert",
    "EventDelivery",
    "EventExamples",
    "EventForwarder",
    "EventRuleConstruct",
    "EventsUnit",
    "FieldIndexes",
    "FilterPatternError",
    "ForwardedAlarmActions",
    "GlobalEventsStack",
    "Grok",
    "HostIdentity",
    "InsightRuleSpec",
    "InstanceTargets",
    "LambdaAction",
    "LogAnomalyDetection",
    "LogClass",
    "LogFile",
    "LogInsightsAlarm",
    "LogStorage",
    "LogTransformer",
    "LogsInsightsQueryError",
    "LowerCaseString",
    "ManagedLogGroup",
    "ManagementEvents",
    "MetricFilterSpec",
    "NotificationTopic",
    "NotifyAction",
    "ObservabilityBlueprint",
    "OpsItemAction",
    "ParseJSON",
    "ParseKeyValue",
    "ParseToOCSF",
    "PatternExamples",
    "Permission",
    "PrefixNaming",
    "Problem",
    "Processor",
    "RejectedRemoteAccessAlarm",
    "RenameKey",
    "RenameKeys",
    "RuleCompositeAlarm",
    "RunbookAction",
    "SamplingRateBoost",
    "SamplingRule",
    "SavedQueries",
    "ScheduledAction",
    "ScheduledLogQuery",
    "ScheduledTask",
    "ServiceUnit",
    "SignInAlerts",
    "StaticAlarm",
    "StructuredLogFields",
    "StructuredLogMetrics",
    "SubscriberProtocol",
    "TemplateInput",
    "TextPattern",
    "TopicSubscriber",
    "TracingGroup",
    "TrafficType",
    "TrailContributorInsights",
    "TrailSettings",
    "TransactionSearch",
    "TreatMissingData",
    "TrimString",
    "TypeConversion",
    "TypeConverter",
    "UpperCaseString",
    "VendedLogParser",
    "VpcEndpoints",
    "VpcFlowLogs",
    "WindowsEventLog",
    "add_compliance_checks",
    "add_deploy_checks",
    "build",
    "clf_access_log_rules",
    "dynamodb_contributor_insights_command",
    "json_access_log_rules",
    "synthesize",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'observability_blueprint' has no attribute {name!r}")
    value = getattr(import_module(f"observability_blueprint.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
