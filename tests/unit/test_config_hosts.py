"""The ``hosts:`` section: the YAML users write, its defaults, and every rule with its path.

Pure tests: the section is validated as the blueprint file will validate it
(pydantic errors rendered by the config's own renderer, then the whole-section
rules of ``hosts_problems``), with paths prefixed ``hosts.``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from observability_blueprint.cli.main import main
from observability_blueprint.config.blueprint import problems_from
from observability_blueprint.config.hosts import (
    DEFAULT_SCHEDULE,
    INTERFACE_ENDPOINT_SERVICES,
    Hosts,
    hosts_problems,
    hosts_warnings,
)
from observability_blueprint.rules.agent_config import AgentConfig, check_parameter_name
from observability_blueprint.rules.errors import Problem

# The snippet for examples/full.yaml: every option, placeholder ids.
FULL_YAML = """
hosts:
  instance_role: true          # EC2 instance role + profile (SSM core + CloudWatch agent)
  on_premises: true            # service role for an SSM hybrid activation
  vpc_endpoints:               # private subnets: reach SSM and CloudWatch without NAT
    vpc_id: vpc-0123456789abcdef0
    subnet_ids: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
    security_group_ids: [sg-0123456789abcdef0]     # must allow 443 from the servers
    route_table_ids: [rtb-0123456789abcdef0]       # for the S3 gateway endpoint
    services: [ssm, ssmmessages, ec2messages, logs, monitoring, ec2]
    s3_gateway: true
  fleets:
    - name: web
      os: linux
      mode: ec2
      targets:                                     # one kind per fleet: tag, ids or group
        - {tag: role, values: [web, api]}
      schedule: cron(0 3 ? * SUN *)                # State Manager's dialect, UTC
      association_name: payments-prod-web-cloudwatch-agent
      parameter_name: AmazonCloudWatch-payments-prod-web
      compliance_severity: HIGH
      max_concurrency: "25%"
      max_errors: "1"
      output: {bucket: payments-ssm-output, prefix: ssm/cloudwatch-agent/}
      agent_version: 1.300050.0
      metrics: [memory_used_percent, cpu_active_percent, cpu_iowait_percent, disk_used_percent,
                disk_inodes_free, disk_io_time, network_bytes_in, network_bytes_out,
                tcp_established, tcp_time_wait, processes_total]
      cpu_per_core: true
      metrics_collection_interval: 60
      append_dimensions: [InstanceId, AutoScalingGroupName, ImageId, InstanceType]
      aggregation_dimensions: [[InstanceId], [AutoScalingGroupName]]
      compute_optimizer: true      # memory as Compute Optimizer reads it (enrol the account)
      ignore_file_system_types: [devtmpfs, overlay, squashfs, sysfs, tmpfs]
      run_as_user: cwagent
      log_files:
        - name: nginx-access
          file_path: /var/log/nginx/access.log
          timestamp_format: "%d/%b/%Y:%H:%M:%S %z"
          timezone: UTC
          retention_days: 30
          encrypted: true
        - name: app
          file_path: /var/log/payments/*.log
          log_group_name: /payments/prod/web-app
          log_stream_name: "{instance_id}-{hostname}"
          multi_line_start_pattern: "{timestamp_format}"
          timestamp_format: "%Y-%m-%dT%H:%M:%S.%f%z"
          encoding: utf-8
          removal_policy: retain
    - name: bastion                                # by instance id
      os: linux
      mode: ec2
      targets:
        - {instance_ids: [i-0123456789abcdef0]}
      schedule: rate(1 day)
      metrics: [memory_used_percent, disk_used_percent]
    - name: reporting                              # by resource group
      os: linux
      mode: ec2
      targets:
        - {resource_group: payments-reporting}
      schedule: rate(1 day)
      metrics: [memory_used_percent, cpu_active_percent]
    - name: branch-servers
      os: windows
      mode: onPremise
      region: eu-west-1
      targets:
        - {tag: site, values: [branch]}
      schedule: rate(1 day)
      metrics: [memory_used_percent, cpu_active_percent, disk_used_percent]
      log_files:
        - name: pos
          file_path: C:\\ProgramData\\Payments\\logs\\*.log
          retention_days: 90
      windows_events:
        - name: system
          event_name: System
          event_levels: [CRITICAL, ERROR]
          event_format: xml
          retention_days: 90
  compute_optimizer_automation:  # AWS::ComputeOptimizer::AutomationRule, EBS volumes only
    name: payments-prod-ebs
    actions: [upgrade_volume_type]  # snapshot_and_delete_unattached_volumes DELETES volumes
    schedule: "30 2 * * *"       # cron fields, at most daily; needs Automation enrollment
    timezone: Europe/Paris
    window_minutes: 120
    regions: [eu-west-1]
    tags: {environment: [prod]}
    status: Active
    description: Upgrade previous-generation EBS volumes
"""

# The snippet for blueprint.yaml: no ids of the user's, servers opt in by tag.
SMALL_YAML = """
hosts:
  fleets:
    - name: servers
      targets:
        - {tag: cloudwatch-agent, values: [shop-dev]}
      log_files:
        - name: syslog
          file_path: /var/log/messages
          retention_days: 30
"""


def section(text: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(text)["hosts"]
    return data


def errors(data: dict[str, Any], *, name: str = "payments", stage: str = "prod") -> list[str]:
    """Validate like the blueprint file does; return every problem as it is printed."""
    try:
        hosts = Hosts.model_validate(data)
    except ValidationError as exc:
        return [str(Problem(f"hosts.{p.location}", p.message)) for p in problems_from(exc)]
    return [str(p) for p in hosts_problems(hosts, name=name, stage=stage)]


def fleet(**fields: Any) -> dict[str, Any]:
    return {"fleets": [{"name": "web", "targets": [{"tag": "role", "values": ["web"]}], **fields}]}


# ------------------------------------------------------------------- snippets


@pytest.mark.parametrize("text", [FULL_YAML, SMALL_YAML], ids=["full", "small"])
def test_snippets_are_valid(text: str) -> None:
    assert errors(section(text)) == []


def test_full_snippet_sets_every_option() -> None:
    """A key missing from the snippet is an option users do not see in examples/full.yaml."""
    data = section(FULL_YAML)
    hosts = Hosts.model_validate(data)
    assert set(data) == set(Hosts.model_fields)
    assert set(data["vpc_endpoints"]) == set(type(hosts.vpc_endpoints).model_fields)
    given = {key for fleet in data["fleets"] for key in fleet}
    assert given == set(type(hosts.fleets[0]).model_fields)
    file_keys = {k for f in data["fleets"] for entry in f.get("log_files", []) for k in entry}
    assert file_keys == set(type(hosts.fleets[0].log_files[0]).model_fields)
    event_keys = set(data["fleets"][-1]["windows_events"][0])
    assert event_keys | {"log_group_name", "encrypted", "removal_policy", "log_stream_name"} == set(
        type(hosts.fleets[-1].windows_events[0]).model_fields
    )


def test_defaults_are_safe_and_documented() -> None:
    hosts = Hosts.model_validate(section(SMALL_YAML))
    assert hosts.instance_role is True
    assert hosts.on_premises is False
    assert hosts.vpc_endpoints is None
    web = hosts.fleets[0]
    assert (web.os, web.mode, web.schedule) == ("linux", "ec2", DEFAULT_SCHEDULE)
    assert (web.compliance_severity, web.max_concurrency, web.max_errors) == (
        "MEDIUM",
        "10%",
        "10%",
    )
    assert web.log_files[0].removal_policy == "retain"
    assert web.physical_association_name("shop-dev") == "shop-dev-servers-cloudwatch-agent"
    assert web.parameter_base("shop-dev") == "AmazonCloudWatch-shop-dev-servers"
    config = web.agent_config(name="shop", stage="dev")
    # Every other setting is the default; the fleet name becomes the Fleet dimension.
    assert config == AgentConfig(log_files=config.log_files, fleet="servers")
    [log_file] = config.log_files
    assert log_file.log_group_name == "/shop/dev/hosts/servers/syslog"
    assert log_file.log_stream_name == "{instance_id}"


def test_full_snippet_config() -> None:
    hosts = Hosts.model_validate(section(FULL_YAML))
    web, bastion, reporting, branch = hosts.fleets
    config = web.agent_config(name="payments", stage="prod")
    assert config.cpu_per_core is True
    assert config.run_as_user == "cwagent"
    assert [f.log_group_name for f in config.log_files] == [
        "/payments/prod/hosts/web/nginx-access",
        "/payments/prod/web-app",
    ]
    windows = branch.agent_config(name="payments", stage="prod")
    assert windows.os == "windows"
    assert windows.region == "eu-west-1"
    assert {f.log_stream_name for f in windows.log_files} == {"{hostname}"}
    # One target per fleet, one of each kind across the fleets.
    assert [[t.to_target().key for t in f.targets] for f in (web, bastion, reporting)] == [
        ["tag:role"],
        ["InstanceIds"],
        ["resource-groups:Name"],
    ]
    assert hosts.vpc_endpoints is not None
    assert set(INTERFACE_ENDPOINT_SERVICES) < set(hosts.vpc_endpoints.services)
    assert check_parameter_name(web.parameter_base("payments-prod") + "-0123456789") is None


# ------------------------------------------------------------------ bad input


def test_parameter_name_instances_cannot_read() -> None:
    [message] = errors(fleet(parameter_name="cloudwatch-web"))
    assert message.startswith("hosts.fleets[0].parameter_name: 'cloudwatch-web-")
    assert (
        "is a name instances cannot read: the managed policy CloudWatchAgentServerPolicy allows "
        "ssm:GetParameter only on arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"
    ) in message


def test_config_larger_than_the_advanced_tier() -> None:
    files = [
        {"name": f"service-{i:03d}", "file_path": f"/var/log/service-{i:03d}/application.log"}
        for i in range(90)
    ]
    [message] = errors(fleet(log_files=files))
    assert message.startswith("hosts.fleets[0]: the agent configuration is ")
    assert "at most 4,096 bytes (Standard tier) or 8,192 bytes (Advanced tier)" in message


def test_association_name_not_matching_the_pattern() -> None:
    assert errors(fleet(association_name="web agent")) == [
        "hosts.fleets[0].association_name: 'web agent' is not an association name; use 3 to "
        "128 letters, digits and _ - . (it is 9 characters)"
    ]
    [long] = errors(fleet(association_name="a" * 129))
    assert long.startswith("hosts.fleets[0].association_name: 'aaaa")
    assert long.endswith("(it is 129 characters)")
    # The default name always fits: prefix (30) + fleet (64) + suffix stays under 128.
    widest = {"fleets": [{**fleet()["fleets"][0], "name": "w" * 64}]}
    assert errors(widest, name="a" * 14, stage="b" * 15) == []


def test_targets_state_manager_cannot_combine() -> None:
    """One association, one target (Systems Manager User Guide, "Understanding targets and
    rate controls in State Manager associations")."""
    mixed = [
        {"tag": "role", "values": ["web"]},
        {"instance_ids": ["i-0123456789abcdef0"]},
        {"resource_group": "payments-web"},
    ]
    assert errors(fleet(targets=mixed)) == [
        "hosts.fleets[0].targets[1]: instance_ids ['i-0123456789abcdef0'] cannot be combined "
        "with targets[0] (tag 'role'): an association targets by one of a tag, instance ids or "
        "a resource group, never a mix. Give these servers an association (a fleet) of their "
        "own, or tag them and target the tag",
        "hosts.fleets[0].targets[2]: resource_group 'payments-web' cannot be combined with "
        "targets[0] (tag 'role'): an association targets by one of a tag, instance ids or a "
        "resource group, never a mix. Give these servers an association (a fleet) of their "
        "own, or tag them and target the tag",
    ]
    two_keys = [{"tag": "role", "values": ["web"]}, {"tag": "env", "values": ["prod"]}]
    assert errors(fleet(targets=two_keys)) == [
        "hosts.fleets[0].targets[1]: tag 'env' is a second tag target after targets[0] (tag "
        "'role'): an association targets one tag key, and a node with any of its values "
        "matches. Put every value under one tag key, or, to require several tags, create a "
        "resource group with a tag query and target the group"
    ]
    same_key = [{"tag": "role", "values": ["web"]}, {"tag": "role", "values": ["api"]}]
    assert errors(fleet(targets=same_key)) == [
        "hosts.fleets[0].targets[1]: tag 'role' repeats the tag key of targets[0]; put all its "
        "values in targets[0] (a node with any of them matches)"
    ]
    groups = [{"resource_group": "web"}, {"resource_group": "api"}]
    assert errors(fleet(targets=groups)) == [
        "hosts.fleets[0].targets[1]: resource_group 'api' is a second resource group target "
        "after targets[0] (resource_group 'web'): an association targets one resource group "
        "only (several or nested groups are not supported); make one group that holds them all"
    ]
    ids = [{"instance_ids": ["i-0123456789abcdef0"]}, {"instance_ids": ["i-0fedcba9876543210"]}]
    assert errors(fleet(targets=ids)) == [
        "hosts.fleets[0].targets[1]: instance_ids ['i-0fedcba9876543210'] is a second instance "
        "ids target after targets[0] (instance_ids ['i-0123456789abcdef0']): give every "
        "instance id in one list"
    ]


def test_target_tag_key_with_a_plus() -> None:
    """EC2 tag keys may hold +, State Manager's TargetKey pattern may not."""
    assert errors(fleet(targets=[{"tag": "cost+center", "values": ["42"]}])) == [
        "hosts.fleets[0].targets[0]: 'cost+center' is not a tag key a State Manager target "
        "takes; use 1 to 128 letters, digits, spaces and _ . : / = - @ (no +), not starting "
        "with aws:"
    ]


def test_upper_case_instance_id_target() -> None:
    [message] = errors(fleet(targets=[{"instance_ids": ["i-0123456789ABCDEF0"]}]))
    assert message == (
        "hosts.fleets[0].targets[0]: 'i-0123456789ABCDEF0' not valid here: give instance ids "
        "(i-0123456789abcdef0, mi-0123456789abcdef0 for servers; lower case) or only '*' for "
        "every managed node"
    )


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (
            {"bucket": "payments-ssm-output"},
            "give a key prefix for the output in 'payments-ssm-output', such as ssm/agent/: the "
            "servers may write only under it, and without one they could overwrite any object "
            "in the bucket",
        ),
        (
            {"bucket": "payments-ssm-output", "prefix": "*"},
            "'*' holds *, which IAM reads as a wildcard or a policy variable: the servers could "
            "write outside the prefix. Give a literal prefix such as ssm/agent/",
        ),
        (
            {"bucket": "payments-ssm-output", "prefix": "ssm/?"},
            "'ssm/?' holds ?, which IAM reads as a wildcard or a policy variable: the servers "
            "could write outside the prefix. Give a literal prefix such as ssm/agent/",
        ),
    ],
    ids=["empty", "star", "question-mark"],
)
def test_output_prefix_that_would_open_the_whole_bucket(
    output: dict[str, str], message: str
) -> None:
    assert errors(fleet(output=output)) == [f"hosts.fleets[0].output: {message}"]


def test_rate_under_thirty_minutes() -> None:
    assert errors(fleet(schedule="rate(10 minutes)")) == [
        "hosts.fleets[0].schedule: 'rate(10 minutes)' is too frequent: State Manager "
        "associations run at most every 30 minutes (use rate(30 minutes) or longer)"
    ]


def test_eventbridge_cron() -> None:
    [message] = errors(fleet(schedule="cron(0 12 * * ? *)"))
    assert message.startswith(
        "hosts.fleets[0].schedule: 'cron(0 12 * * ? *)' is EventBridge's form of a daily "
        "schedule ('?' in day-of-week); State Manager's dialect puts '?' in day-of-month"
    )
    assert "write cron(0 12 ? * * *)" in message


def test_unknown_metric_with_did_you_mean() -> None:
    [message] = errors(fleet(metrics=["disk_used_percnt"]))
    assert message.startswith(
        "hosts.fleets[0].metrics[0]: 'disk_used_percnt' is not a metric the blueprint's agent "
        "table knows; did you mean 'disk_used_percent'?"
    )


def test_relative_log_file_path() -> None:
    [message] = errors(fleet(log_files=[{"name": "app", "file_path": "app/logs/app.log"}]))
    assert message.startswith(
        "hosts.fleets[0].log_files[0].file_path: 'app/logs/app.log' is a relative path"
    )
    [windows] = errors(
        fleet(os="windows", log_files=[{"name": "app", "file_path": "logs\\app.log"}])
    )
    assert windows.startswith("hosts.fleets[0].log_files[0].file_path: 'logs\\\\app.log' is not")


def test_target_needs_exactly_one_kind() -> None:
    both = errors(fleet(targets=[{"tag": "role", "values": ["web"], "resource_group": "web"}]))
    assert both == [
        "hosts.fleets[0].targets[0]: give exactly one of tag (with values), instance_ids, "
        "resource_group (got tag, resource_group)"
    ]
    assert errors(fleet(targets=[{"tag": "role"}])) == [
        "hosts.fleets[0].targets[0]: tag 'role' needs values: the tag values of the servers"
    ]
    [bad_id] = errors(fleet(targets=[{"instance_ids": ["i-123"]}]))
    assert bad_id.startswith("hosts.fleets[0].targets[0]: 'i-123' not valid here")
    assert errors(fleet(targets=[])) == [
        "hosts.fleets[0].targets: give one target: a tag with values, instance_ids or a "
        "resource_group"
    ]


def test_other_field_rules() -> None:
    found = errors(
        fleet(
            max_concurrency="0",
            max_errors="x",
            agent_version="latest",
            region="Europe",
            output={"bucket": "Bad_Bucket"},
            log_files=[{"name": "a", "file_path": "/a", "retention_days": 42}],
        )
    )
    locations = [m.split(": ", 1)[0] for m in found]
    assert locations == [
        "hosts.fleets[0].max_concurrency",
        "hosts.fleets[0].max_errors",
        "hosts.fleets[0].output",
        "hosts.fleets[0].agent_version",
        "hosts.fleets[0].region",
        "hosts.fleets[0].log_files[0].retention_days",
    ]


def test_names_and_log_groups_are_unique() -> None:
    data = {
        "fleets": [
            {
                "name": "web",
                "targets": [{"tag": "role", "values": ["web"]}],
                "log_files": [
                    {"name": "app", "file_path": "/a.log"},
                    {"name": "app", "file_path": "/b.log", "log_group_name": "/shared"},
                ],
            },
            {
                "name": "web",
                "association_name": "payments-prod-web-cloudwatch-agent",
                "targets": [{"tag": "role", "values": ["api"]}],
                "log_files": [{"name": "x", "file_path": "/c.log", "log_group_name": "/shared"}],
            },
        ]
    }
    assert errors(data) == [
        "hosts.fleets[0].log_files[1].name: 'app' is already used by "
        "hosts.fleets[0].log_files[0]; names of log sources must be unique in a fleet",
        "hosts.fleets[1].name: 'web' is already used by hosts.fleets[0]; names must be unique",
        "hosts.fleets[1].association_name: 'payments-prod-web-cloudwatch-agent' is already the "
        "association of hosts.fleets[0]",
        "hosts.fleets[1].log_files[0].log_group_name: '/shared' is already the log group of "
        "hosts.fleets[0].log_files[1]; the blueprint creates one log group per source",
    ]


def test_windows_events_on_linux() -> None:
    assert errors(fleet(windows_events=[{"name": "system", "event_name": "System"}])) == [
        "hosts.fleets[0].windows_events: Windows event logs exist only on Windows; set os: "
        "windows or remove them"
    ]


def test_vpc_endpoint_ids_and_route_tables() -> None:
    bad = errors(
        {
            "vpc_endpoints": {
                "vpc_id": "vpc-123",
                "subnet_ids": ["subnet-0123456789abcdef0"],
                "security_group_ids": ["sg-0123456789abcdef0"],
            }
        }
    )
    assert bad == [
        "hosts.vpc_endpoints.vpc_id: 'vpc-123' is not a VPC id; give one such as "
        "vpc-0123456789abcdef0"
    ]
    no_routes = errors(
        {
            "vpc_endpoints": {
                "vpc_id": "vpc-0123456789abcdef0",
                "subnet_ids": ["subnet-0123456789abcdef0"],
                "security_group_ids": ["sg-0123456789abcdef0"],
            }
        }
    )
    assert no_routes == [
        "hosts.vpc_endpoints.route_table_ids: the S3 gateway endpoint needs the route tables of "
        "the servers' subnets; give route_table_ids or set s3_gateway: false"
    ]


def test_unknown_keys_are_errors() -> None:
    [message] = errors(fleet(schedules="rate(1 day)"))
    # Under Blueprint.hosts the renderer adds "did you mean 'schedule'?".
    assert message.startswith("hosts.fleets[0].schedules: unknown key")


# ------------------------------------------------------------------- warnings

CREDENTIAL_YAML = """
name: shop
stage: dev
hosts:
  fleets:
    - name: web
      targets: [{tag: role, values: [web]}]
      log_files:
        - {name: syslog, file_path: /var/log/messages}
        - {name: keys, file_path: /home/*/.ssh/*}
    - name: pos
      os: windows
      targets: [{tag: role, values: [pos]}]
      log_files:
        - {name: aws, file_path: 'C:\\Users\\*\\.aws\\credentials'}
"""


def test_log_files_that_hold_credentials_are_valid_with_a_warning() -> None:
    data = section(CREDENTIAL_YAML)
    assert errors(data) == []
    assert [str(w) for w in hosts_warnings(Hosts.model_validate(data))] == [
        "hosts.fleets[0].log_files[1].file_path: '/home/*/.ssh/*' can match "
        "/home/USER/.ssh/id_rsa, which holds an SSH private key: the agent would send it to "
        "CloudWatch Logs, where everyone who may read the log group reads it. Collect only "
        "log files, or narrow the path",
        "hosts.fleets[1].log_files[0].file_path: 'C:\\\\Users\\\\*\\\\.aws\\\\credentials' can "
        "match C:\\Users\\USER\\.aws\\credentials, which holds AWS access keys: the agent "
        "would send it to CloudWatch Logs, where everyone who may read the log group reads "
        "it. Collect only log files, or narrow the path",
    ]


@pytest.mark.parametrize("text", [FULL_YAML, SMALL_YAML], ids=["full", "small"])
def test_the_snippets_do_not_warn(text: str) -> None:
    assert list(hosts_warnings(Hosts.model_validate(section(text)))) == []


def test_validate_prints_the_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``obs-blueprint validate`` says valid, then names each path on stderr."""
    path = tmp_path / "blueprint.yaml"
    path.write_text(CREDENTIAL_YAML)
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{path}: valid\n"
    # validate's own lines (aws-cdk-lib's may be printed too when jsii started earlier
    # in this process, as in a test run).
    lines = [line for line in err.splitlines() if line.startswith(f"{path}: ")]
    assert [line.split(": ")[1:3] for line in lines] == [
        ["warning", "hosts.fleets[0].log_files[1].file_path"],
        ["warning", "hosts.fleets[1].log_files[0].file_path"],
    ]
    assert lines[0].startswith(f"{path}: warning: hosts.fleets[0].log_files[1].file_path: ")
