"""The CIS alarm pack: its data file, its patterns byte for byte, and CisAlarmPack.

The patterns are compared with the tests' own transcription of the published
ones (``tests/unit/reference/cis_cloudwatch_patterns.py``: Security Hub user guide,
CloudWatch.1-14, and CIS 4.15), kept apart from the data file the package reads,
and evaluated with the offline filter pattern engine against the realistic
CloudTrail records of ``tests/unit/filter_patterns/test_cis_patterns.py``.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match, Template

from observability_blueprint import BlueprintError, ManagedLogGroup
from observability_blueprint.audit.cis_alarm_pack import CisAlarmPack
from observability_blueprint.rules.alarm_settings import PrefixNaming
from observability_blueprint.rules.audit import TrailSettings
from observability_blueprint.rules.cis_controls import (
    DEFAULT_NAMESPACE,
    DEFAULT_STANDARD,
    ControlOverride,
    load_controls,
    select_controls,
    standard_source,
    standards,
)
from observability_blueprint.rules.filter_patterns import parse
from observability_blueprint.rules.metric_filters import MetricFilterSpec, pattern_problems
from support import ROOT, new_stack, properties, resources
from unit.reference import cis_cloudwatch_patterns as published

DATA = ROOT / "constructs" / "observability_blueprint" / "rules" / "data" / "cis_controls.json"


def _records_module() -> ModuleType:
    """The CloudTrail records of the filter-pattern tests, loaded without collecting them."""
    path = Path(__file__).parent / "filter_patterns" / "test_cis_patterns.py"
    spec = importlib.util.spec_from_file_location("cis_records_for_pack", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RECORDS = _records_module()


# ------------------------------------------------------------- the data file


def test_the_data_file_names_its_default_and_sources() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert data["default"] == DEFAULT_STANDARD == "security-hub"
    assert data["namespace"] == DEFAULT_NAMESPACE == published.NAMESPACE
    assert data["metric_value"] == published.METRIC_VALUE
    for name in standards():
        assert "Security Hub" in standard_source(name) or "CIS" in standard_source(name)
    assert all(control.source for control in load_controls())


def test_the_current_set_holds_the_fifteen_controls_in_order() -> None:
    ids = [c.id for c in load_controls()]
    assert ids == [f"CloudWatch.{n}" for n in range(1, 15)] + ["CIS 4.15"]
    assert ids == list(published.CURRENT)
    assert len({c.metric_name for c in load_controls()}) == 15


def test_current_patterns_equal_the_published_ones_byte_for_byte() -> None:
    for control in load_controls(DEFAULT_STANDARD):
        assert control.pattern.encode() == published.CURRENT[control.id].encode(), control.id


@pytest.mark.parametrize("standard", ["cis-1.4", "cis-1.2"])
def test_the_older_set_has_the_patterns_before_the_event_source_clause(standard: str) -> None:
    older = {**published.CURRENT, **published.BEFORE_EVENT_SOURCE}
    controls = load_controls(standard)
    assert [c.id for c in controls] == list(published.CURRENT)
    for control in controls:
        assert control.pattern.encode() == older[control.id].encode(), control.id
    changed = {c.id for c in controls if c.pattern != published.CURRENT[c.id]}
    assert changed == {"CloudWatch.4", "CloudWatch.13"}


@pytest.mark.parametrize("standard", ["security-hub", "cis-1.4"])
def test_cis_sections_are_the_published_ones(standard: str) -> None:
    assert {c.id: dict(c.cis) for c in load_controls(standard)} == published.CIS_SECTIONS


# ---------------------------------------------- the patterns on CloudTrail records


def _current_cases() -> list[Any]:
    return [
        pytest.param(control, record, counted, id=f"{control}: {label}")
        for control, label, record, counted in RECORDS.CASES
        if "(old)" not in control
    ]


@pytest.mark.parametrize(("control", "record", "counted"), _current_cases())
def test_current_patterns_on_cloudtrail_records(control: str, record: str, counted: bool) -> None:
    pattern = {c.id: c.pattern for c in load_controls()}[control]
    assert parse(pattern).matches(record) is counted


@pytest.mark.parametrize(
    ("control", "record", "counted"),
    [
        pytest.param(control.removesuffix(" (old)"), record, counted, id=f"{control}: {label}")
        for control, label, record, counted in RECORDS.CASES
        if control.startswith(("CloudWatch.4", "CloudWatch.13"))
        and (control.endswith("(old)") or counted)
    ],
)
def test_older_patterns_on_cloudtrail_records(control: str, record: str, counted: bool) -> None:
    # What the current pattern counts the older one counts too, and more (other sources).
    pattern = {c.id: c.pattern for c in load_controls("cis-1.4")}[control]
    assert parse(pattern).matches(record) is counted


@pytest.mark.parametrize("standard", ["security-hub", "cis-1.4"])
def test_every_control_meets_its_own_examples(standard: str) -> None:
    for control in load_controls(standard):
        assert control.examples is not None
        assert control.examples.match
        assert control.examples.no_match
        spec = MetricFilterSpec(
            name="x",
            pattern=control.pattern,
            namespace="LogMetrics",
            metric_name=control.metric_name,
            examples=control.examples,
        )
        assert pattern_problems(spec) == [], control.id


# --------------------------------------------------------- selecting controls


def test_unknown_disabled_control_suggests_the_near_one() -> None:
    selection = select_controls(disabled=["CloudWatch.3", "Cloudwatch.12", "CloudWatch.99"])
    assert [p.location for p in selection.problems] == ["disabled[1]", "disabled[2]"]
    assert selection.problems[0].message.startswith(
        "'Cloudwatch.12' is not a CIS alarm control; did you mean 'CloudWatch.12'?"
    )
    assert "known controls: CloudWatch.1, CloudWatch.2" in selection.problems[1].message
    assert selection.controls == ()


def test_disabled_controls_are_left_out_and_warned_about() -> None:
    selection = select_controls(disabled=["CloudWatch.12", "CIS 4.15"])
    assert len(selection.controls) == 13
    assert "CloudWatch.12" not in {c.id for c in selection.controls}
    assert [w.location for w in selection.warnings] == ["disabled[0]", "disabled[1]"]
    assert "Security Hub will report control CloudWatch.12 as FAILED" in (
        selection.warnings[0].message
    )
    quiet = select_controls(disabled=["CloudWatch.12"], claim_compliance=False)
    assert quiet.warnings == ()


def test_a_changed_pattern_warns_naming_the_control_security_hub_fails() -> None:
    pattern = '{ $.eventSource = "iam.amazonaws.com" }'
    selection = select_controls(overrides={"CloudWatch.4": ControlOverride(pattern=pattern)})
    [warning] = selection.warnings
    assert warning.location == "overrides.CloudWatch.4.pattern"
    assert "will report control CloudWatch.4 as FAILED" in warning.message
    changed = {c.id: c for c in selection.controls}["CloudWatch.4"]
    assert changed.pattern == pattern
    assert not changed.published
    assert changed.examples is None  # the published examples describe the published pattern
    assert "changed from the published one" in changed.describe()
    assert (
        select_controls(
            overrides={"CloudWatch.4": ControlOverride(pattern=pattern)}, claim_compliance=False
        ).warnings
        == ()
    )


def test_renaming_a_metric_keeps_compliance() -> None:
    selection = select_controls(overrides={"CloudWatch.1": ControlOverride(metric_name="Root")})
    assert selection.warnings == ()
    control = selection.controls[0]
    assert control.metric_name == "Root"
    assert control.published


def test_bad_overrides_are_errors() -> None:
    selection = select_controls(
        disabled=["CloudWatch.2"],
        overrides={
            "CloudWatch.2": ControlOverride(metric_name="X"),
            "CloudWatch.20": ControlOverride(metric_name="X"),
            "CloudWatch.5": ControlOverride(pattern="{ $.a = "),
            "CloudWatch.6": ControlOverride(metric_name="a:b"),
        },
    )
    messages = {p.location: p.message for p in selection.problems}
    assert messages["disabled[0]"] == (
        "'CloudWatch.2' is both disabled and overridden; keep one of the two"
    )
    assert messages["overrides.CloudWatch.20"].startswith(
        "'CloudWatch.20' is not a CIS alarm control; did you mean 'CloudWatch.2'?"
    )
    assert "overrides.CloudWatch.5.pattern" in messages
    assert messages["overrides.CloudWatch.6.metric"].startswith("'a:b' is not a metric name")


def test_unknown_standard() -> None:
    [problem] = select_controls("cis-1.5").problems
    assert problem.location == "standard"
    assert problem.message.startswith("'cis-1.5' is not a CIS pattern set; did you mean")


# ------------------------------------------------------------ the construct


@dataclass
class Built:
    stack: Stack
    template: Template
    pack: CisAlarmPack
    imported: CisAlarmPack
    imported_stack: Stack
    imported_template: Template
    trail_logs: ManagedLogGroup
    topic: sns.Topic


@pytest.fixture(scope="module")
def built() -> Built:
    app, stack = new_stack()
    topic = sns.Topic(stack, "Ops")
    trail_logs = ManagedLogGroup(stack, "TrailLogs", log_group_name="/shop/dev/cloudtrail")
    pack = CisAlarmPack(
        stack,
        "Cis",
        log_group=trail_logs,
        topics=[topic],
        alarm_naming=PrefixNaming("shop-dev"),
        filter_name_prefix="shop-dev",
        trail_settings=TrailSettings(),
    )
    other = Stack(app, "Other")
    imported = CisAlarmPack(
        other,
        "Cis",
        log_group=logs.LogGroup.from_log_group_name(
            other, "ControlTower", "aws-controltower/CloudTrailLogs"
        ),
        standard="cis-1.4",
        disabled=["CloudWatch.12"],
        overrides={"CloudWatch.1": ControlOverride(pattern='{ $.userIdentity.type = "Root" }')},
        namespace="Security/CIS",
        topics=[sns.Topic(other, "Sec")],
    )
    return Built(
        stack,
        Template.from_stack(stack),
        pack,
        imported,
        other,
        Template.from_stack(other),
        trail_logs,
        topic,
    )


def _filters(template: Template) -> dict[str, dict[str, Any]]:
    """Metric filters by physical name or metric name."""
    return {
        r["Properties"]["MetricTransformations"][0]["MetricName"]: r["Properties"]
        for r in resources(template, "AWS::Logs::MetricFilter").values()
    }


# Physical name suffix, control and metric name of each filter and alarm: the
# metric names are public (alarms and dashboards refer to them).
NAMES = {
    "cloudwatch-1": ("CloudWatch.1", "RootAccountUsage"),
    "cloudwatch-2": ("CloudWatch.2", "UnauthorizedApiCalls"),
    "cloudwatch-3": ("CloudWatch.3", "ConsoleSignInWithoutMfa"),
    "cloudwatch-4": ("CloudWatch.4", "IamPolicyChanges"),
    "cloudwatch-5": ("CloudWatch.5", "CloudTrailChanges"),
    "cloudwatch-6": ("CloudWatch.6", "ConsoleSignInFailures"),
    "cloudwatch-7": ("CloudWatch.7", "KmsKeyDisableOrDeletion"),
    "cloudwatch-8": ("CloudWatch.8", "S3BucketPolicyChanges"),
    "cloudwatch-9": ("CloudWatch.9", "ConfigChanges"),
    "cloudwatch-10": ("CloudWatch.10", "SecurityGroupChanges"),
    "cloudwatch-11": ("CloudWatch.11", "NetworkAclChanges"),
    "cloudwatch-12": ("CloudWatch.12", "NetworkGatewayChanges"),
    "cloudwatch-13": ("CloudWatch.13", "RouteTableChanges"),
    "cloudwatch-14": ("CloudWatch.14", "VpcChanges"),
    "cis-4-15": ("CIS 4.15", "OrganizationsChanges"),
}


def test_template_patterns_equal_the_published_ones_byte_for_byte(built: Built) -> None:
    filters = {p["FilterName"]: p for p in properties(built.template, "AWS::Logs::MetricFilter")}
    assert sorted(filters) == sorted(f"shop-dev-cis-{suffix}" for suffix in NAMES)
    for suffix, (control, metric) in NAMES.items():
        props = filters[f"shop-dev-cis-{suffix}"]
        assert props["FilterPattern"].encode() == published.CURRENT[control].encode(), control
        assert props["MetricTransformations"] == [
            {"MetricName": metric, "MetricNamespace": "LogMetrics", "MetricValue": "1"}
        ]


def test_filters_join_the_trail_log_group(built: Built) -> None:
    log_group_id = built.stack.resolve(built.trail_logs.log_group.log_group_name)["Ref"]
    for props in _filters(built.template).values():
        assert props["LogGroupName"] == {"Ref": log_group_id}


def test_each_control_has_an_alarm_that_notifies_the_topic(built: Built) -> None:
    alarms = properties(built.template, "AWS::CloudWatch::Alarm")
    topic = built.stack.resolve(built.topic.topic_arn)
    by_name = {a["AlarmName"]: a for a in alarms}
    assert sorted(by_name) == sorted(f"shop-dev-cis-{suffix}" for suffix in NAMES)
    for suffix, (control, metric) in NAMES.items():
        props = by_name[f"shop-dev-cis-{suffix}"]
        assert props["MetricName"] == metric
        assert props["AlarmDescription"].startswith(f"{control}: ")
        assert props["Namespace"] == "LogMetrics"
        assert props["Statistic"] == "Sum"
        assert props["Period"] == 300
        assert props["EvaluationPeriods"] == 1
        assert props["Threshold"] == 1
        assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert props["TreatMissingData"] == "notBreaching"
        assert props["AlarmActions"] == [topic]


def test_no_warning_when_everything_is_published(built: Built) -> None:
    assert built.pack.warnings == ()
    Annotations.from_stack(built.stack).has_no_warning("*", Match.any_value())
    Annotations.from_stack(built.stack).has_no_info("*", Match.any_value())


def test_on_an_existing_trail_log_group(built: Built) -> None:
    by_metric = _filters(built.imported_template)
    assert len(by_metric) == 14
    assert "NetworkGatewayChanges" not in by_metric
    for props in by_metric.values():
        assert props["LogGroupName"] == "aws-controltower/CloudTrailLogs"
        assert props["MetricTransformations"][0]["MetricNamespace"] == "Security/CIS"
    old_iam = published.BEFORE_EVENT_SOURCE["CloudWatch.4"]
    assert by_metric["IamPolicyChanges"]["FilterPattern"] == old_iam
    assert by_metric["RootAccountUsage"]["FilterPattern"] == '{ $.userIdentity.type = "Root" }'
    paths = {f.node.path for f in built.imported.metric_filters.values()}
    assert "Other/Cis/Filters/cis-cloudwatch-1" in paths


def test_existing_trail_requirements_are_stated(built: Built) -> None:
    annotations = Annotations.from_stack(built.imported_stack)
    annotations.has_info("/Other/Cis", Match.string_like_regexp("multi-Region"))
    annotations.has_warning(
        "/Other/Cis",
        Match.string_like_regexp(
            r"overrides\.CloudWatch\.1\.pattern: changes the published pattern of "
            r"CloudWatch\.1: .*will report control CloudWatch\.1 as FAILED"
        ),
    )
    annotations.has_warning(
        "/Other/Cis", Match.string_like_regexp("control CloudWatch.12 as FAILED")
    )


def test_a_trail_that_starves_the_alarms_is_an_error() -> None:
    _, stack = new_stack()
    log_group = ManagedLogGroup(stack, "Logs")
    with pytest.raises(BlueprintError) as caught:
        CisAlarmPack(
            stack,
            "Cis",
            log_group=log_group,
            trail_settings=TrailSettings(multi_region=False, management_events="write_only"),
        )
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(
        "Test/Cis.trail_settings.multi_region: false: the CIS alarms need a multi-Region trail"
    )
    assert lines[1].startswith(
        "Test/Cis.trail_settings.management_events: 'write_only': the CIS alarms need read and "
        "write management events"
    )


def test_unknown_disabled_control_stops_the_construct() -> None:
    _, stack = new_stack()
    with pytest.raises(
        BlueprintError,
        match=r"^Test/Cis\.disabled\[0\]: 'cloudwatch\.4' is not a CIS alarm control; "
        r"did you mean 'CloudWatch\.4'\?",
    ):
        CisAlarmPack(stack, "Cis", log_group=ManagedLogGroup(stack, "L"), disabled=["cloudwatch.4"])


def test_bad_namespace_and_missing_topic() -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError, match=r"Test/Cis\.namespace: 'AWS/Logs' is not a custom"):
        CisAlarmPack(stack, "Cis", log_group=ManagedLogGroup(stack, "L"), namespace="AWS/Logs")
    pack = CisAlarmPack(stack, "Quiet", log_group=ManagedLogGroup(stack, "L2"))
    assert [w.location for w in pack.warnings] == ["Test/Quiet.actions"]
    assert "SNS action" in pack.warnings[0].message
