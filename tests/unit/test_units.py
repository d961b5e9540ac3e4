"""The units of a blueprint and their estimated sizes, against a synthesis of each example."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from observability_blueprint import Blueprint, build
from observability_blueprint.blueprint.units import tag_bytes, unit_paths, units_of
from observability_blueprint.rules.shard_plan import Unit
from support import EXAMPLES, new_app

BYTES_TOLERANCE = 0.15
SMALL_UNIT_BYTES = 300
"""A unit of one alarm may be off by more than 15%: a few hundred bytes are nothing next to
a shard's 800,000."""
PATH_METADATA: dict[str, Any] = {"aws:cdk:enable-path-metadata": True}


def _bytes(logical_id: str, resource: dict[str, Any]) -> int:
    """Bytes the resource takes in the template file (indented by one, two levels deep)."""
    text = json.dumps({logical_id: resource}, indent=1)
    return len(text) + 2 * text.count("\n")


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[Unit], Any]]:
    """Each example synthesized once, with path metadata (as `cdk synth` writes it)."""
    out: dict[str, tuple[list[Unit], Any]] = {}
    for name, path in EXAMPLES.items():
        outdir: Path = tmp_path_factory.mktemp("units")
        config = Blueprint.from_yaml(path)
        app = new_app(outdir, **PATH_METADATA)
        stack = build(app, config)[0]
        app.synth()
        template = json.loads((outdir / f"{stack.artifact_id}.template.json").read_text())
        out[name] = (units_of(config), template)
    return out


def _actual(template: dict[str, Any], unit_id: str) -> tuple[int, int]:
    prefixes = tuple(f"{p}/" for p in unit_paths(unit_id))
    found = [
        (lid, r)
        for lid, r in template["Resources"].items()
        if r["Metadata"]["aws:cdk:path"].split("/", 1)[1].startswith(prefixes)
    ]
    return len(found), sum(_bytes(lid, r) for lid, r in found)


def test_unit_ids_core_services_in_order_then_areas() -> None:
    config = Blueprint.from_yaml(EXAMPLES["examples/full.yaml"])
    assert [u.id for u in units_of(config)] == [
        "area:core",
        "service:checkout",
        # Alarms follow the service whose filter they watch (card-declines, latency),
        # composites their first such child's service, and the composites' other
        # children follow them (checkout-5xx-rate, ledger-host-status); the rest come
        # after the services, in file order.
        "alarm:card-declines",
        "alarm:checkout-5xx-rate",
        "alarm:checkout-latency",
        "alarm:ledger-host-status",
        "alarm:checkout-degraded",
        "alarm:payments-down",
        "service:edge",
        "service:web",
        "service:batch",
        "alarm:ledger-host-hung",
        "alarm:workers-busy",
        "alarm:maintenance-mode",
        "area:network",
        "area:containers",
        "area:shared_resource_alarms",
        "dashboard:services",
        "dashboard:alarms",
        "dashboard:hosts",
        "area:hosts",
        "area:audit",
        "area:events",
        "area:tracing",
        "area:prometheus",
        "area:grafana",
        "area:cross_account",
    ]


def test_unit_paths() -> None:
    assert unit_paths("service:checkout") == ("Blueprint/Services/checkout",)
    assert unit_paths("alarm:errors") == ("Blueprint/Alarms/errors",)
    assert unit_paths("area:shared_resource_alarms") == ("SharedResourceAlarms",)


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_resource_estimates_are_exact(
    synthesized: dict[str, tuple[list[Unit], Any]], example: str
) -> None:
    units, template = synthesized[example]
    estimated = {u.id: u.resources for u in units}
    actual = {u.id: _actual(template, u.id)[0] for u in units}
    assert estimated == actual


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_byte_estimates_are_within_15_percent_or_300_bytes(
    synthesized: dict[str, tuple[list[Unit], Any]], example: str
) -> None:
    units, template = synthesized[example]
    off = {}
    for unit in units:
        if unit.id.startswith("dashboard:"):
            continue  # from above: see the next test
        actual = _actual(template, unit.id)[1]
        if abs(unit.template_bytes - actual) > max(BYTES_TOLERANCE * actual, SMALL_UNIT_BYTES):
            off[unit.id] = (unit.template_bytes, actual)
    assert off == {}


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_dashboards_are_estimated_from_above_within_three_times(
    synthesized: dict[str, tuple[list[Unit], Any]], example: str
) -> None:
    """A body's share of its estimate runs from 0.47 to 1.2: never under, at most 3x."""
    units, template = synthesized[example]
    boards = {u.id: (u.template_bytes, _actual(template, u.id)[1]) for u in units}
    boards = {k: v for k, v in boards.items() if k.startswith("dashboard:")}
    assert boards
    assert {k: v for k, v in boards.items() if not v[1] <= v[0] <= 3 * v[1]} == {}


def test_tag_bytes_are_what_the_tags_add_to_a_resource() -> None:
    tags = {"project": "shop", "owner": "platform-team"}

    def with_tags(value: object) -> int:
        return _bytes("Q", {"Type": "T", "Properties": {"Name": "q", "Tags": value}})

    bare = _bytes("Q", {"Type": "T", "Properties": {"Name": "q"}})
    listed = with_tags([{"Key": k, "Value": v} for k, v in tags.items()])
    assert tag_bytes("AWS::SQS::Queue", tags) == listed - bare
    assert tag_bytes("AWS::SSM::Parameter", tags) == with_tags(tags) - bare
    assert tag_bytes("AWS::IAM::Policy", tags) == 0
    assert tag_bytes("AWS::SQS::Queue", {}) == 0


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_units_cover_every_resource_of_the_stack(
    synthesized: dict[str, tuple[list[Unit], Any]], example: str
) -> None:
    """Every resource of the stack belongs to a unit."""
    units, template = synthesized[example]
    prefixes = tuple(f"{p}/" for u in units for p in unit_paths(u.id))
    left = Counter(
        "/".join(r["Metadata"]["aws:cdk:path"].split("/")[1:3])
        for r in template["Resources"].values()
        if not r["Metadata"]["aws:cdk:path"].split("/", 1)[1].startswith(prefixes)
    )
    assert left == {}


# ------------------------------------------------------------ variations of the file

BASE: dict[str, Any] = {
    "name": "shop",
    "stage": "dev",
    "notifications": [{"name": "ops", "subscribers": [{"email": "ops@example.com"}]}],
    "log_groups": [{"name": "api"}, {"name": "worker"}],
}
ACCOUNT = "111122223333"
OIDC_PROVIDER = (
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/"
    "EXAMPLED539D4633E53DE1B71EXAMPLE"
)
SINK = "arn:aws:oam:eu-west-1:111122223333:sink/abcd1234-a123-4567-8abc-def123456789"
EC2_STATE = {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}


def _fleet(name: str, *log_files: str, **settings: Any) -> dict[str, Any]:
    return {
        "name": name,
        "targets": [{"tag": "role", "values": [name]}],
        "log_files": [{"name": f, "file_path": f"/var/log/{f}.log"} for f in log_files],
        **settings,
    }


VARIANTS: dict[str, dict[str, Any]] = {
    # Two fleets (one writing command output), both roles, two interface endpoints and no
    # gateway; ADOT on both fleets (a policy on each host role) and on two EKS clusters
    # (IRSA with the add-on, Pod Identity without it); rule files only; Grafana.
    "two_fleets_with_collectors": {
        "containers": {
            "eks": [
                {"cluster": "legacy", "oidc_provider_arn": OIDC_PROVIDER},
                {"cluster": "modern"},
            ]
        },
        "hosts": {
            "instance_role": True,
            "on_premises": True,
            "vpc_endpoints": {
                "vpc_id": "vpc-0123456789abcdef0",
                "subnet_ids": ["subnet-0123456789abcdef0"],
                "security_group_ids": ["sg-0123456789abcdef0"],
                "services": ["ssm", "logs"],
                "s3_gateway": False,
            },
            "fleets": [
                _fleet("web", "access", "app", output={"bucket": "shop-ssm", "prefix": "agent/"}),
                _fleet("batch", "jobs"),
            ],
        },
        "prometheus": {
            "scrape_jobs": [{"job_name": "node", "static_targets": ["10.0.0.1:9100"]}],
            "rules": {
                "defaults": False,
                "files": [
                    {
                        "name": "mine",
                        "content": "groups:\n  - name: g\n    rules:\n"
                        "      - record: job:up:sum\n        expr: sum(up)\n",
                    }
                ],
            },
            "adot": {
                "fleets": ["web", "batch"],
                "eks": ["legacy", {"cluster": "modern", "install_addon": False}],
            },
        },
        "grafana": {"data_sources": ["CLOUDWATCH"]},
    },
    # The CIS pack on an existing trail's log group, two controls disabled; one built-in
    # Contributor Insights rule and one of the file's; root sign-ins only.
    "existing_trail_some_cis_controls": {
        "audit_trail": {
            "existing_log_group": "aws-controltower/CloudTrailLogs",
            "cis": {"topic": "ops", "disabled": ["CloudWatch.3", "CloudWatch.14"]},
            "insights": {
                "top_errors": False,
                "rules": [{"name": "by-ip", "keys": ["$.sourceIPAddress"]}],
            },
            "signin_alerts": {"topic": "ops", "failures": False},
        },
    },
    # A trail with its own key and access-log bucket and no CIS alarms; more event rules
    # with one shared delivery: every kind of action, a runbook with its own automation
    # role, a global rule (a us-east-1 stack and the forwarded alarm's rule in core).
    "trail_without_cis_more_event_rules": {
        "env": {"region": "eu-west-1"},
        "audit_trail": {
            "trail": {
                "kms_key": "arn:aws:kms:eu-west-1:111122223333:key/"
                "1234abcd-12ab-34cd-56ef-1234567890ab",
                "bucket": {"access_logs_bucket": "shop-access-logs"},
            }
        },
        "events": {
            "delivery": {"alarm_topic": "ops"},
            "alerts": [
                {"name": "ec2-state", "pattern": EC2_STATE, "topics": ["ops"]},
                {"name": "health", "pattern": {"source": ["aws.health"]}, "topics": ["ops"]},
                {
                    "name": "root-login",
                    "pattern": {
                        "source": ["aws.signin"],
                        "detail-type": ["AWS Console Sign In via CloudTrail"],
                    },
                    "topics": ["ops"],
                },
            ],
            "responses": [
                {
                    "name": "restart",
                    "pattern": EC2_STATE,
                    "input_paths": {"instance": "$.detail.instance-id"},
                    "actions": [
                        {
                            "runbook": {
                                "document": "AWS-StartEC2Instance",
                                "parameters": {
                                    "InstanceId": ["<instance>"],
                                    "AutomationAssumeRole": [
                                        "arn:aws:iam::111122223333:role/automation"
                                    ],
                                },
                            }
                        },
                        {
                            "runbook": {
                                "document": "Shop-Cleanup",
                                "permissions": [
                                    {
                                        "actions": ["s3:GetObject"],
                                        "resources": ["arn:aws:s3:::shop-bucket/x"],
                                    }
                                ],
                            }
                        },
                        {"opsitem": {"title": "stopped", "description": "an instance stopped"}},
                        {"lambda": {"arn": "arn:aws:lambda:eu-west-1:111122223333:function:f"}},
                        {"topic": {"name": "ops"}},
                    ],
                },
                {
                    "name": "quarantine",
                    "pattern": {"source": ["aws.guardduty"]},
                    "actions": [
                        {
                            "run_command": {
                                "document": "AWS-RunShellScript",
                                "parameters": {"commands": ["true"]},
                                "targets": {"tag": "Quarantine", "values": ["on"]},
                            }
                        }
                    ],
                },
            ],
            "schedules": [
                {
                    "name": "images",
                    "schedule": "rate(1 day)",
                    "runbook": {
                        "document": "AWS-CreateImage",
                        "target_parameter": "InstanceId",
                        "targets": {"tag": "Backup", "values": ["nightly"]},
                    },
                },
                {
                    "name": "patch",
                    "schedule": "rate(7 days)",
                    "run_command": {
                        "document": "AWS-RunPatchBaseline",
                        "targets": {"tag": "Patch", "values": ["a"]},
                    },
                },
                {
                    "name": "sweep",
                    "schedule": "rate(1 hour)",
                    "lambda": {"arn": "arn:aws:lambda:eu-west-1:111122223333:function:sweep"},
                },
            ],
        },
    },
    # Groups that notify (a rule each and one delivery), two sampling rules and no
    # Transaction Search; a source account that is also the rules account (a link and
    # two telemetry rules, no sink).
    "tracing_and_a_source_account": {
        "env": {"account": "444455556666", "region": "eu-west-1"},
        "tracing": {
            "groups": {"insights": True, "notify": "ops"},
            "sampling_rules": [
                {"name": "a", "priority": 10, "fixed_rate": 0.1},
                {"name": "b", "priority": 20, "fixed_rate": 0.5},
            ],
        },
        "cross_account": {
            "monitoring_account": ACCOUNT,
            "rules_account": "444455556666",
            "sources": {"accounts": ["444455556666"]},
            "sink_arns": {"eu-west-1": SINK},
            "organization_telemetry": [
                {"name": n, "resource_type": "AWS::EC2::VPC", "source_types": ["VPC_FLOW_LOGS"]}
                for n in ("flows", "more-flows")
            ],
        },
    },
}


@pytest.fixture(scope="module")
def variants() -> dict[str, tuple[list[Unit], Any]]:
    """Each variation built from a dict and synthesized once (under a second each)."""
    out: dict[str, tuple[list[Unit], Any]] = {}
    for name, data in VARIANTS.items():
        config = Blueprint.from_dict({**BASE, **data})
        app = new_app(**PATH_METADATA)
        stack = build(app, config)[0]
        template = app.synth().get_stack_artifact(stack.artifact_id).template
        out[name] = (units_of(config), template)
    return out


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_resource_estimates_are_exact_when_the_file_varies(
    variants: dict[str, tuple[list[Unit], Any]], variant: str
) -> None:
    units, template = variants[variant]
    estimated = {u.id: u.resources for u in units}
    actual = {u.id: _actual(template, u.id)[0] for u in units}
    assert estimated == actual
    assert sum(actual.values()) == len(template["Resources"])


def test_area_units_follow_the_sections_present(
    variants: dict[str, tuple[list[Unit], Any]],
) -> None:
    areas = {
        name: [u.id for u in units if u.id.startswith("area:") and u.id != "area:core"]
        for name, (units, _) in variants.items()
    }
    assert areas == {
        "two_fleets_with_collectors": [
            "area:containers",
            "area:hosts",
            "area:prometheus",
            "area:grafana",
        ],
        "existing_trail_some_cis_controls": ["area:audit"],
        "trail_without_cis_more_event_rules": ["area:audit", "area:events"],
        "tracing_and_a_source_account": [
            "area:tracing",
            "area:cross_account",
        ],
    }


def test_sizes_of_some_areas(variants: dict[str, tuple[list[Unit], Any]]) -> None:
    """Counted by hand from the variations above."""
    sizes = {
        (name, u.id): u.resources
        for name, (units, _) in variants.items()
        for u in units
        if u.id in ("area:hosts", "area:audit", "area:tracing", "area:cross_account")
    }
    # 2 roles + profile + 2 output policies + 2 ADOT policies + 2 endpoints
    # + 3 log groups + 2 x (parameter, document, association)
    assert sizes["two_fleets_with_collectors", "area:hosts"] == 18
    # 13 of the 15 CIS controls x (filter + alarm) + 2 insight rules + 1 sign-in rule
    # + delivery (3)
    assert sizes["existing_trail_some_cis_controls", "area:audit"] == 32
    # trail bucket + policy + log group + role + policy + trail (key and access logs given)
    assert sizes["trail_without_cis_more_event_rules", "area:audit"] == 6
    # 2 groups + 2 insight rules + delivery (3) + 2 sampling rules
    assert sizes["tracing_and_a_source_account", "area:tracing"] == 9
    # link + 2 telemetry rules
    assert sizes["tracing_and_a_source_account", "area:cross_account"] == 3
