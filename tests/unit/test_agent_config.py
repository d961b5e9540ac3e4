"""The CloudWatch agent's configuration model: rendering, round trip, checks, SSM parameter rules.

Pure tests (no synthesis). The documented fields below are those of the agent's
configuration reference ("Manually create or edit the CloudWatch agent
configuration file", Amazon CloudWatch User Guide); the managed policy is the
copy of CloudWatchAgentServerPolicy that moto ships.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import pytest

from observability_blueprint.rules.agent_config import (
    ADVANCED_TIER_MAX_BYTES,
    AGENT_POLICY,
    AGENT_POLICY_PARAMETER_RESOURCE,
    DEFAULT_IGNORED_FILE_SYSTEMS,
    STANDARD_TIER_MAX_BYTES,
    TIMESTAMP_DIRECTIVES,
    AgentConfig,
    LogFile,
    WindowsEventLog,
    check_file_path,
    check_log_stream_name,
    check_metric,
    check_multi_line_start_pattern,
    check_parameter_name,
    check_parameter_value,
    check_timestamp_format,
    default_metrics,
    hashed_parameter_name,
    iam_pattern_matches,
    parameter_arn_path,
    parameter_tier,
    resolve_metric,
)
from observability_blueprint.rules.agent_metrics import APPENDED_DIMENSIONS, HOST_METRICS, NAMESPACE
from observability_blueprint.rules.credential_paths import credential_path_warning, glob_matches
from observability_blueprint.rules.errors import BlueprintError

# ----------------------------------------------------- documented schema fields

AGENT_FIELDS = {
    "metrics_collection_interval",
    "region",
    "credentials",
    "debug",
    "logfile",
    "omit_hostname",
    "run_as_user",
    "aws_sdk_log_level",
    "usage_data",
}
METRICS_FIELDS = {
    "namespace",
    "append_dimensions",
    "aggregation_dimensions",
    "metrics_collected",
    "force_flush_interval",
    "credentials",
    "endpoint_override",
}
LINUX_SECTIONS = {
    "collectd", "cpu", "disk", "diskio", "ethtool", "mem", "net", "netstat",
    "nvidia_gpu", "processes", "procstat", "statsd", "swap",
}  # fmt: skip
SECTION_FIELDS = {
    "measurement",
    "resources",
    "totalcpu",
    "metrics_collection_interval",
    "append_dimensions",
    "ignore_file_system_types",
    "drop_device",
}
FILE_FIELDS = {
    "file_path", "log_group_name", "log_stream_name", "log_group_class", "timestamp_format",
    "timezone", "multi_line_start_pattern", "encoding", "auto_removal", "retention_in_days",
    "filters", "trim_timestamp", "publish_multi_logs", "blacklist",
}  # fmt: skip
EVENT_FIELDS = {
    "event_name", "event_levels", "event_ids", "event_format", "filters", "log_group_name",
    "log_stream_name", "log_group_class", "retention_in_days",
}  # fmt: skip
# The agent supports only these fixed append_dimensions pairs.
APPEND_VALUES = {
    "ImageId": "${aws:ImageId}",
    "InstanceId": "${aws:InstanceId}",
    "InstanceType": "${aws:InstanceType}",
    "AutoScalingGroupName": "${aws:AutoScalingGroupName}",
}


def assert_documented(data: dict[str, Any], os: str) -> None:
    """Every key the model writes is one the agent's reference documents."""
    assert set(data) <= {"agent", "metrics", "logs"}
    assert set(data["agent"]) <= AGENT_FIELDS
    if "metrics" in data:
        metrics = data["metrics"]
        assert set(metrics) <= METRICS_FIELDS
        assert metrics["namespace"] == NAMESPACE
        for name, value in metrics["append_dimensions"].items():
            assert APPEND_VALUES[name] == value
        for section, settings in metrics["metrics_collected"].items():
            if os == "linux":
                assert section in LINUX_SECTIONS
            assert set(settings) <= SECTION_FIELDS
            assert settings["measurement"], section
            if section == "cpu":
                assert settings.get("resources", ["*"]) == ["*"]  # the only value allowed
    if "logs" in data:
        assert set(data["logs"]) == {"logs_collected"}
        collected = data["logs"]["logs_collected"]
        assert set(collected) <= {"files", "windows_events"}
        for entry in collected.get("files", {}).get("collect_list", []):
            assert set(entry) <= FILE_FIELDS
            assert {"file_path", "log_group_name"} <= set(entry)
        for entry in collected.get("windows_events", {}).get("collect_list", []):
            assert set(entry) <= EVENT_FIELDS
            assert {"event_name", "event_levels"} <= set(entry)


LINUX = AgentConfig(
    cpu_per_core=True,
    run_as_user="cwagent",
    region="eu-west-1",
    log_files=(
        LogFile(
            file_path="/var/log/nginx/access.log",
            log_group_name="/shop/dev/hosts/web/nginx-access",
            timestamp_format="%d/%b/%Y:%H:%M:%S %z",
            timezone="UTC",
            multi_line_start_pattern="{timestamp_format}",
            encoding="utf-8",
        ),
        LogFile(file_path="/var/log/app/*.log", log_group_name="/shop/dev/hosts/web/app"),
    ),
)
WINDOWS = AgentConfig(
    os="windows",
    metrics=("memory_used_percent", "cpu_active_percent", "disk_used_percent"),
    log_files=(
        LogFile(
            file_path="C:\\ProgramData\\App\\logs\\*.log",
            log_group_name="/shop/dev/hosts/win/app",
            log_stream_name="{hostname}",
        ),
    ),
    windows_events=(
        WindowsEventLog(
            event_name="System",
            log_group_name="/shop/dev/hosts/win/system",
            event_levels=("ERROR", "CRITICAL"),
            event_format="xml",
        ),
    ),
)


# ------------------------------------------------------------------- rendering


def test_linux_defaults_render_every_table_metric_in_its_section() -> None:
    data = AgentConfig().to_dict()
    collected = data["metrics"]["metrics_collected"]
    assert collected == {
        "mem": {"measurement": ["mem_used_percent"]},
        "cpu": {"measurement": ["usage_active", "usage_iowait"], "totalcpu": True},
        "disk": {
            "measurement": ["used_percent", "inodes_free"],
            "resources": ["*"],
            "ignore_file_system_types": list(DEFAULT_IGNORED_FILE_SYSTEMS),
        },
        "diskio": {"measurement": ["io_time"], "resources": ["*"]},
        "net": {"measurement": ["bytes_recv", "bytes_sent"], "resources": ["*"]},
        "netstat": {"measurement": ["tcp_established", "tcp_time_wait"]},
        "processes": {"measurement": ["total"]},
    }
    assert data["agent"] == {"metrics_collection_interval": 60}
    assert data["metrics"]["append_dimensions"] == APPEND_VALUES
    assert data["metrics"]["aggregation_dimensions"] == [["InstanceId"], ["AutoScalingGroupName"]]
    assert "logs" not in data


def test_published_names_are_the_shared_tables() -> None:
    """The dashboard reads agent_metrics; the config must publish exactly those names."""
    names = AgentConfig().published_metric_names()
    assert names == tuple(m.linux.metric_name for m in HOST_METRICS if m.linux)
    assert "mem_used_percent" in names
    assert "netstat_tcp_time_wait" in names
    assert AgentConfig(os="windows").published_metric_names() == tuple(
        m.windows.metric_name for m in HOST_METRICS if m.windows and m.default
    )


def test_windows_uses_performance_counters() -> None:
    collected = WINDOWS.to_dict()["metrics"]["metrics_collected"]
    assert collected == {
        "Memory": {"measurement": ["% Committed Bytes In Use"]},
        "Processor": {"measurement": ["% Processor Time"], "resources": ["_Total"]},
        "LogicalDisk": {"measurement": ["% Free Space"], "resources": ["*"]},
    }


def test_per_core_cpu_adds_every_core() -> None:
    linux = LINUX.to_dict()["metrics"]["metrics_collected"]["cpu"]
    assert linux["resources"] == ["*"]
    assert linux["totalcpu"] is True
    windows = AgentConfig(os="windows", cpu_per_core=True).to_dict()
    assert windows["metrics"]["metrics_collected"]["Processor"]["resources"] == ["*"]


def test_log_files_and_event_logs_render_with_their_groups() -> None:
    files = LINUX.to_dict()["logs"]["logs_collected"]["files"]["collect_list"]
    assert files[0] == {
        "file_path": "/var/log/nginx/access.log",
        "log_group_name": "/shop/dev/hosts/web/nginx-access",
        "log_stream_name": "{instance_id}",
        "timestamp_format": "%d/%b/%Y:%H:%M:%S %z",
        "timezone": "UTC",
        "multi_line_start_pattern": "{timestamp_format}",
        "encoding": "utf-8",
    }
    assert files[1] == {
        "file_path": "/var/log/app/*.log",
        "log_group_name": "/shop/dev/hosts/web/app",
        "log_stream_name": "{instance_id}",
    }
    events = WINDOWS.to_dict()["logs"]["logs_collected"]["windows_events"]["collect_list"]
    assert events == [
        {
            "event_name": "System",
            "event_levels": ["ERROR", "CRITICAL"],
            "log_group_name": "/shop/dev/hosts/win/system",
            "log_stream_name": "{instance_id}",
            "event_format": "xml",
        }
    ]


def test_logs_only_config_has_no_metrics_section() -> None:
    config = AgentConfig(metrics=(), log_files=LINUX.log_files)
    assert config.problems() == []
    assert "metrics" not in config.to_dict()


def test_agent_names_and_keys_select_the_same_metric_in_table_order() -> None:
    by_name = AgentConfig(metrics=("netstat_tcp_established", "mem_used_percent"))
    by_key = AgentConfig(metrics=("memory_used_percent", "tcp_established"))
    assert by_name.problems() == []
    assert by_name.to_json() == by_key.to_json()
    assert by_name.metric_keys() == ("memory_used_percent", "tcp_established")
    assert resolve_metric("Memory % Committed Bytes In Use", "windows") == "memory_used_percent"


def test_json_is_compact() -> None:
    text = AgentConfig().to_json()
    assert ": " not in text
    assert ", " not in text
    assert json.loads(text) == AgentConfig().to_dict()


# ---------------------------------------------------------------- round trip


@pytest.mark.parametrize(
    "config",
    [AgentConfig(), AgentConfig(os="windows"), LINUX, WINDOWS],
    ids=["linux-default", "windows-default", "linux-full", "windows-full"],
)
def test_round_trip_through_the_model_keeps_documented_fields(config: AgentConfig) -> None:
    assert config.problems() == []
    data = json.loads(config.to_json())
    assert_documented(data, config.os)
    again = AgentConfig.from_json(config.to_json())
    assert again == config
    assert again.to_json() == config.to_json()


def test_round_trip_reads_prefixed_and_object_measurements() -> None:
    """The agent accepts ``cpu_usage_active`` and ``{"name": ...}`` as well: so does the reader."""
    data = {
        "metrics": {
            "metrics_collected": {
                "cpu": {"measurement": ["cpu_usage_active", {"name": "usage_iowait"}]},
                "mem": {"measurement": ["used_percent"]},
            }
        }
    }
    config = AgentConfig.from_dict(data)
    assert config.metric_keys() == (
        "memory_used_percent",
        "cpu_active_percent",
        "cpu_iowait_percent",
    )


def test_reading_a_metric_outside_the_table_is_an_error() -> None:
    data = {"metrics": {"metrics_collected": {"swap": {"measurement": ["swap_used_percent"]}}}}
    with pytest.raises(BlueprintError, match=r"'swap_used_percent' is not a metric of the shared"):
        AgentConfig.from_dict(data)


# ------------------------------------------------------------------ bad input


def test_unknown_metric_name_says_did_you_mean() -> None:
    config = AgentConfig(metrics=("mem_used_percnt",))
    [problem] = config.problems()
    assert problem.location == "metrics[0]"
    assert problem.message.startswith(
        "'mem_used_percnt' is not a metric the blueprint's agent table knows; did you mean "
        "'mem_used_percent'? Known on Linux: memory_used_percent, cpu_active_percent"
    )


def test_metric_without_windows_counter_is_reported() -> None:
    message = check_metric("cpu_iowait_percent", "windows")
    assert message is not None
    assert message.startswith("'cpu_iowait_percent' has no Windows equivalent in the agent table")


def test_metric_listed_twice_is_reported() -> None:
    problems = AgentConfig(metrics=("mem_used_percent", "memory_used_percent")).problems()
    assert [str(p) for p in problems] == ["metrics[1]: 'memory_used_percent' is listed twice"]


def test_relative_log_file_path_is_rejected() -> None:
    config = AgentConfig(log_files=(LogFile(file_path="logs/app.log", log_group_name="/a/b"),))
    [problem] = config.problems()
    assert problem.location == "log_files[0].file_path"
    assert problem.message.startswith("'logs/app.log' is a relative path; the agent resolves it")
    assert check_file_path("app\\logs\\x.log", "windows") is not None
    assert check_file_path("D:\\logs\\x.log", "windows") is None
    assert check_file_path("\\\\server\\share\\x.log", "windows") is None
    assert check_file_path("/var/log/x.log", "windows") is not None


def test_timestamp_format_directives_the_agent_does_not_read() -> None:
    message = check_timestamp_format("%Y-%m-%d %-H:%M:%S")
    assert message is not None
    assert message.startswith("%-H in '%Y-%m-%d %-H:%M:%S' is not a directive the agent reads")
    assert "did you mean '%H'?" in message
    assert check_timestamp_format("plain") is not None
    for directive in TIMESTAMP_DIRECTIVES:
        assert check_timestamp_format(f"x {directive} y") is None, directive


def test_log_stream_placeholders() -> None:
    assert check_log_stream_name("{instance_id}-{hostname}") is None
    message = check_log_stream_name("{instance}")
    assert message is not None
    assert message.startswith("{instance} in '{instance}' is not a placeholder the agent fills")
    assert check_log_stream_name("a:b") is not None


def test_multi_line_pattern_must_compile() -> None:
    assert check_multi_line_start_pattern("^\\d{4}-") is None
    message = check_multi_line_start_pattern("^(unclosed")
    assert message is not None
    assert message.startswith("'^(unclosed' is not a regular expression")


def test_windows_events_on_linux_and_unknown_levels() -> None:
    config = AgentConfig(
        windows_events=(
            WindowsEventLog(event_name="System", log_group_name="/a/b", event_levels=("FATAL",)),
        )
    )
    assert [p.location for p in config.problems()] == [
        "windows_events[0].event_name",
        "windows_events[0].event_levels",
    ]
    assert "Windows event logs exist only on Windows" in config.problems()[0].message


def test_other_settings_are_checked() -> None:
    config = AgentConfig(
        metrics_collection_interval=0,
        append_dimensions=("InstanceId", "Hostname"),
        aggregation_dimensions=(("InstanceID",),),
        log_files=(LogFile(file_path="/x", log_group_name="bad name"),),
    )
    messages = {p.location: p.message for p in config.problems()}
    assert messages["metrics_collection_interval"].startswith("0 is not a collection interval")
    assert messages["append_dimensions[1]"].startswith("'Hostname' cannot be appended")
    assert "did you mean 'InstanceId'?" in messages["aggregation_dimensions[0]"]
    assert "log_files[0].log_group_name" in messages
    windows = AgentConfig(os="windows", run_as_user="cwagent").problems()
    assert [str(p) for p in windows] == [
        "run_as_user: run_as_user applies to Linux only; remove it on Windows"
    ]


def test_nothing_to_collect_is_an_error() -> None:
    assert [str(p) for p in AgentConfig(metrics=()).problems()] == [
        "metrics: the agent needs at least one metric, log file or event log"
    ]


def test_check_raises_with_the_callers_location() -> None:
    with pytest.raises(BlueprintError, match=r"^Stack/Agent\.config\.metrics\[0\]: 'nope'"):
        AgentConfig(metrics=("nope",)).check("Stack/Agent.config")


def test_every_default_metric_exists_on_its_os() -> None:
    for os in ("linux", "windows"):
        for key in default_metrics(os):  # type: ignore[arg-type]
            assert check_metric(key, os) is None  # type: ignore[arg-type]
    assert set(APPENDED_DIMENSIONS) == set(APPEND_VALUES)


# ------------------------------------------------------------- SSM parameter


def many_files(count: int) -> AgentConfig:
    return AgentConfig(
        log_files=tuple(
            LogFile(
                file_path=f"/var/log/service-{i:03d}/application-events.log",
                log_group_name=f"/payments/prod/hosts/fleet/service-{i:03d}",
                timestamp_format="%Y-%m-%dT%H:%M:%S.%f%z",
            )
            for i in range(count)
        )
    )


def test_tier_follows_the_size() -> None:
    assert parameter_tier(AgentConfig().to_json()) == "Standard"
    medium = many_files(30).to_json()
    assert STANDARD_TIER_MAX_BYTES < len(medium.encode()) <= ADVANCED_TIER_MAX_BYTES
    assert parameter_tier(medium) == "Advanced"
    assert check_parameter_value(medium) is None
    assert parameter_tier("x" * STANDARD_TIER_MAX_BYTES) == "Standard"
    assert parameter_tier("x" * (STANDARD_TIER_MAX_BYTES + 1)) == "Advanced"
    # Multi-byte characters count as bytes.
    assert parameter_tier("é" * 2100) == "Advanced"


def test_config_larger_than_the_advanced_tier_is_rejected() -> None:
    value = many_files(80).to_json()
    assert parameter_tier(value) is None
    message = check_parameter_value(value)
    assert message is not None
    assert message.startswith(f"the agent configuration is {len(value.encode()):,} bytes; an SSM")
    assert "at most 4,096 bytes (Standard tier) or 8,192 bytes (Advanced tier)" in message


def test_parameter_name_carries_a_hash_of_the_content() -> None:
    a = hashed_parameter_name("AmazonCloudWatch-shop-dev-web", AgentConfig().to_json())
    b = hashed_parameter_name("AmazonCloudWatch-shop-dev-web", LINUX.to_json())
    assert a != b
    assert a == hashed_parameter_name("AmazonCloudWatch-shop-dev-web", AgentConfig().to_json())
    assert a.startswith("AmazonCloudWatch-shop-dev-web-")
    assert len(a) == len(b)


def _managed_policy() -> dict[str, Any]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    policy: dict[str, Any] = json.loads(aws_managed_policies_data)[AGENT_POLICY]
    return policy


def test_parameter_resource_is_the_managed_policys() -> None:
    """The pattern the check uses is the one CloudWatchAgentServerPolicy grants GetParameter on."""
    statements = _managed_policy()["Document"]["Statement"]
    granting = [s for s in statements if "ssm:GetParameter" in s["Action"]]
    assert [s["Resource"] for s in granting] == [AGENT_POLICY_PARAMETER_RESOURCE]


@pytest.mark.parametrize(
    ("name", "readable"),
    [
        ("AmazonCloudWatch-shop-dev-web-0123456789", True),
        ("/AmazonCloudWatch-linux", True),
        ("/AmazonCloudWatch-team/linux", True),
        ("cwagent-linux", False),
        ("/team/AmazonCloudWatch-linux", False),
        ("amazoncloudwatch-linux", False),
        ("AmazonCloudWatch", False),
    ],
)
def test_names_instances_can_read(name: str, readable: bool) -> None:
    policy_resource = _managed_policy()["Document"]["Statement"][1]["Resource"]
    arn = f"arn:aws:ssm:eu-west-1:111122223333:{parameter_arn_path(name)}"
    assert iam_pattern_matches(policy_resource, arn) is readable
    assert (check_parameter_name(name) is None) is readable


def test_unreadable_parameter_name_explains_the_policy() -> None:
    assert check_parameter_name("cwagent-linux") == (
        "'cwagent-linux' is a name instances cannot read: the managed policy "
        "CloudWatchAgentServerPolicy allows ssm:GetParameter only on "
        "arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*, so the agent's configure step would fail "
        "with AccessDenied; start the name with AmazonCloudWatch- (a leading / is allowed, a "
        "path before it is not)"
    )
    assert check_parameter_name("AmazonCloudWatch-a b") is not None
    assert check_parameter_name("AmazonCloudWatch-team/linux") == (
        "'AmazonCloudWatch-team/linux' is not a parameter name: a name with / must start with / "
        "(a hierarchy)"
    )


def test_iam_wildcards() -> None:
    assert iam_pattern_matches("a*c", "abbbc")
    assert iam_pattern_matches("a?c", "abc")
    assert not iam_pattern_matches("a?c", "abbc")
    assert not iam_pattern_matches("a.c", "abc")


# ------------------------------------------------------ credentials in log paths

_SHIPPED = (
    ": the agent would send it to CloudWatch Logs, where everyone who may read the log "
    "group reads it. Collect only log files, or narrow the path"
)


@pytest.mark.parametrize(
    ("path", "why"),
    [
        (
            "/root/.aws/credentials",
            "is /root/.aws/credentials, which holds the root user's AWS access keys",
        ),
        ("/home/*/.ssh/*", "can match /home/USER/.ssh/id_rsa, which holds an SSH private key"),
        (
            "/home/*/.aws/credentials",
            "can match /home/USER/.aws/credentials, which holds AWS access keys",
        ),
        ("/home/*/*", "can match /home/USER/.netrc, which holds saved passwords (.netrc)"),
        ("/etc/shadow", "is /etc/shadow, which holds the password hashes of every user"),
        ("/etc/*", "can match /etc/shadow, which holds the password hashes of every user"),
        ("//etc/./shadow", "is /etc/shadow, which holds the password hashes of every user"),
        (
            "/var/log/../../etc/shadow",
            "is /etc/shadow, which holds the password hashes of every user",
        ),
        ("/**", "can match /root/.ssh/id_rsa, which holds the root user's SSH private key"),
        (
            "/etc/ssh/ssh_host_*_key",
            "can match /etc/ssh/ssh_host_ed25519_key, which holds the server's SSH host key",
        ),
        (
            "/proc/*/environ",
            "can match /proc/1/environ, which holds process environments, which often hold secrets",
        ),
        (
            "/root/app.log",
            "is under /root, the root user's home (its SSH keys and AWS credentials)",
        ),
        ("/etc/ssl/private/*.log", "is under /etc/ssl/private, TLS private keys"),
        (
            "/srv/deploy/.aws/cli/cache/a.json",
            "is in a .aws directory, which holds AWS credentials",
        ),
        ("/opt/app/.gnupg/*", "is in a .gnupg directory, which holds GnuPG keys"),
        ("/opt/app/certs/server.key", "names 'server.key': a private key or password file"),
        ("/opt/app/certs/*.pem", "names '*.pem': a private key or password file"),
        ("/tmp/id_ed25519*", "names 'id_ed25519*': a private key or password file"),
        ("/srv/app/.env", "names '.env': a private key or password file"),
    ],
)
def test_linux_paths_that_hold_credentials_warn(path: str, why: str) -> None:
    config = AgentConfig(log_files=(LogFile(file_path=path, log_group_name="/a/b/c"),))
    assert config.problems() == []  # valid: the agent reads it
    [warning] = config.warnings()
    assert warning.location == "log_files[0].file_path"
    assert warning.message == f"{path!r} {why}{_SHIPPED}"


@pytest.mark.parametrize(
    ("path", "why"),
    [
        (
            r"C:\Users\*\.aws\credentials",
            r"can match C:\Users\USER\.aws\credentials, which "
            "holds AWS access keys",
        ),
        (r"c:\users\bob\.SSH\id_rsa", "is in a .ssh directory, which holds SSH keys"),
        (
            r"C:\Users\*\*",
            r"can match C:\Users\USER\_netrc, which holds saved passwords "
            "(_netrc)",
        ),
        (
            r"C:\Windows\System32\config\SAM",
            r"is C:\Windows\System32\config\SAM, which holds "
            "the SAM registry hive (local password hashes)",
        ),
        (
            r"C:\WINDOWS\system32\config\*",
            r"can match C:\Windows\System32\config\SAM, which "
            "holds the SAM registry hive (local password hashes)",
        ),
        (
            r"C:\Windows\System32\config\RegBack\x.log",
            r"is under C:\Windows\System32\config, "
            "the registry hives (password hashes, LSA secrets)",
        ),
        (r"C:\**", r"can match C:\Users\USER\.aws\credentials, which holds AWS access keys"),
        (r"D:\certs\site.PFX", "names 'site.PFX': a private key or password file"),
        (r"\\fileserver\keys\deploy.ppk", "names 'deploy.ppk': a private key or password file"),
    ],
)
def test_windows_paths_that_hold_credentials_warn(path: str, why: str) -> None:
    config = AgentConfig(
        os="windows", log_files=(LogFile(file_path=path, log_group_name="/a/b/c"),)
    )
    assert config.problems() == []
    assert [(w.location, w.message) for w in config.warnings()] == [
        ("log_files[0].file_path", f"{path!r} {why}{_SHIPPED}")
    ]


@pytest.mark.parametrize(
    ("os", "path"),
    [
        ("linux", "/var/log/messages"),
        ("linux", "/var/log/*"),
        ("linux", "/var/log/**"),
        ("linux", "/var/log/nginx/*.log"),
        ("linux", "/home/*/app/logs/*.log"),
        ("linux", "/home/*/*.log"),
        ("linux", "/var/log/app/credentials.log"),
        ("linux", "/var/log/keys.log"),
        ("linux", "/etc/nginx/*.conf"),
        ("linux", "/opt/rootkit/app.log"),
        ("windows", r"C:\ProgramData\Payments\logs\*.log"),
        ("windows", r"C:\inetpub\logs\LogFiles\*\*.log"),
        ("windows", r"C:\Users\*\AppData\Local\App\logs\*.log"),
    ],
)
def test_ordinary_log_paths_do_not_warn(os: Literal["linux", "windows"], path: str) -> None:
    """A wildcard that could only hit a key by accident (/var/log/*) is not a warning."""
    config = AgentConfig(os=os, log_files=(LogFile(file_path=path, log_group_name="/a/b/c"),))
    assert config.warnings() == []


def test_glob_matching_is_the_agents() -> None:
    assert glob_matches("/var/**/x.log", "/var/x.log")
    assert glob_matches("/var/**/x.log", "/var/a/b/x.log")
    assert glob_matches("/home/*/.ssh/*", "/home/bob/.ssh/id_rsa")
    assert not glob_matches("/home/*/.ssh/*", "/home/bob/x/.ssh/id_rsa")
    assert glob_matches("/home/*/*", "/home/bob/.netrc")  # * takes dot files
    assert glob_matches("/a/id_?sa", "/a/id_rsa")
    assert not glob_matches("/a/*.log", "/a/b/c.log")


def test_glob_matching_stays_fast_on_hostile_paths() -> None:
    """Many ** levels: the level-by-level matching compares each pair once."""
    hostile = "/" + "**/" * 300 + "x"
    assert not glob_matches(hostile, "/" + "a/" * 300 + "y")
    assert credential_path_warning("/" + "*a" * 500 + "/b", "linux") is None
