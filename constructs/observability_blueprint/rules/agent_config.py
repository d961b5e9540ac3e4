"""The CloudWatch agent's configuration file, as a typed model rendered to JSON.

Pure module: no aws_cdk import. The metrics come from the shared table in
:mod:`observability_blueprint.rules.agent_metrics` (the host dashboard graphs the same
names); this module decides how a chosen set of them is written in the agent's
JSON (``metrics_collected`` sections, resources, per-core CPU), adds the log
files and Windows event logs to collect, and checks what the agent would
otherwise reject or silently ignore. Field names follow the agent's
configuration reference ("Manually create or edit the CloudWatch agent
configuration file", Amazon CloudWatch User Guide).

The rendered JSON is stored in an SSM parameter that instances read with the
managed policy CloudWatchAgentServerPolicy: :func:`check_parameter_name` and
:func:`parameter_tier` keep the name and the size within what that policy and
Parameter Store allow.

Typical use::

    config = AgentConfig(os="linux", log_files=(LogFile(file_path="/var/log/app.log",
                                                       log_group_name="/shop/dev/app"),))
    problems = config.problems()        # [] when the agent accepts it
    value = config.to_json()            # the parameter's value
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from observability_blueprint.rules import compute_optimizer as co
from observability_blueprint.rules import limits
from observability_blueprint.rules import log_groups as log_group_rules
from observability_blueprint.rules.agent_metrics import (
    APPENDED_DIMENSIONS,
    BY_KEY,
    HOST_METRICS,
    NAMESPACE,
    AgentMetric,
    OperatingSystem,
    OsMetric,
)
from observability_blueprint.rules.credential_paths import credential_path_warning
from observability_blueprint.rules.errors import BlueprintError, Problem, cut

DEFAULT_METRICS_COLLECTION_INTERVAL: Final = 60
"""Seconds between two samples: one-minute, standard-resolution metrics."""
FLEET_DIMENSION: Final = "Fleet"
"""Dimension naming the fleet of a host's metrics (a section-level append_dimensions)."""
DEFAULT_AGGREGATION_DIMENSIONS: Final[tuple[tuple[str, ...], ...]] = (
    ("InstanceId",),
    ("AutoScalingGroupName",),
)
"""Besides the full dimension set, publish each metric per instance and per group."""
DEFAULT_IGNORED_FILE_SYSTEMS: Final[tuple[str, ...]] = (
    "devtmpfs",
    "overlay",
    "squashfs",
    "sysfs",
    "tmpfs",
)
"""Linux file systems left out of disk metrics: pseudo and container layers, one
metric each would cost money and say nothing about free space."""
DEFAULT_LOG_STREAM_NAME: Final = "{instance_id}"
"""One log stream per instance."""
LOG_STREAM_PLACEHOLDERS: Final[tuple[str, ...]] = (
    "{instance_id}",
    "{hostname}",
    "{local_hostname}",
    "{ip_address}",
)
"""Placeholders the agent fills in a log stream name."""
TIMESTAMP_DIRECTIVES: Final[tuple[str, ...]] = (
    "%Y", "%y", "%B", "%b", "%m", "%-m", "%A", "%a", "%d", "%-d", "%H", "%I", "%-I",
    "%M", "%-M", "%S", "%-S", "%f", "%p", "%Z", "%z",
)  # fmt: skip
"""strftime directives the agent translates (its TimeFormatMap); any other is
copied literally and the timestamp never matches."""
EVENT_LEVELS: Final[tuple[str, ...]] = ("CRITICAL", "ERROR", "WARNING", "INFORMATION", "VERBOSE")
"""Windows event levels the agent can filter on."""
INTERVAL_MAX: Final = 172_800
"""The agent's longest collection interval, in seconds (two days)."""
AGGREGATION_SET_MAX: Final = 30
"""At most this many dimensions in one aggregation set."""

STANDARD_TIER_MAX_BYTES: Final = 4_096
"""Largest value of a Standard-tier SSM parameter (4 KB)."""
ADVANCED_TIER_MAX_BYTES: Final = 8_192
"""Largest value of an Advanced-tier SSM parameter (8 KB)."""
PARAMETER_NAME_PREFIX: Final = "AmazonCloudWatch-"
"""Configuration parameters start with this, or instances cannot read them."""
AGENT_POLICY: Final = "CloudWatchAgentServerPolicy"
"""The AWS managed policy that lets the agent read its configuration."""
AGENT_POLICY_PARAMETER_RESOURCE: Final = "arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"
"""The only parameters that policy allows ``ssm:GetParameter`` on (a test compares it
with the policy document moto ships)."""
PARAMETER_NAME_MAX: Final = 1_011
"""Parameter Store caps a name, with its ARN, at 1,011 characters."""
_PARAMETER_NAME_RE: Final = re.compile(r"[A-Za-z0-9_.\-/]+")
_PLACEHOLDER_RE: Final = re.compile(r"\{[^{}]*\}")
_DIRECTIVE_RE: Final = re.compile(r"%-?.")
_WINDOWS_PATH_RE: Final = re.compile(r"(?:[A-Za-z]:\\|\\\\[^\\]+\\)")

Tier = Literal["Standard", "Advanced"]
Timezone = Literal["UTC", "Local"]
EventFormat = Literal["xml", "text"]


@dataclass(frozen=True, kw_only=True)
class LogFile:
    """A log file the agent tails into a log group.

    Parameters
    ----------
    file_path
        Absolute path; the agent accepts ``*`` wildcards (the newest match is read).
    log_group_name
        The log group events go to (the blueprint creates it with its retention).
    log_stream_name
        Stream per source; placeholders ``{instance_id}``, ``{hostname}``,
        ``{local_hostname}``, ``{ip_address}``. Default: ``{instance_id}``.
    timestamp_format
        strftime-style format of the timestamp at the start of each event, such as
        ``%Y-%m-%d %H:%M:%S``. Default: events carry the time the agent read them.
    timezone
        ``UTC`` or ``Local``, for timestamps without a zone. Default: Local.
    multi_line_start_pattern
        Regular expression that starts a new event (``{timestamp_format}`` uses
        the timestamp). Default: one event per line.
    encoding
        File encoding, such as ``utf-8`` or ``gbk``. Default: utf-8.
    """

    file_path: str
    log_group_name: str
    log_stream_name: str = DEFAULT_LOG_STREAM_NAME
    timestamp_format: str | None = None
    timezone: Timezone | None = None
    multi_line_start_pattern: str | None = None
    encoding: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the ``collect_list`` entry."""
        data: dict[str, Any] = {
            "file_path": self.file_path,
            "log_group_name": self.log_group_name,
            "log_stream_name": self.log_stream_name,
        }
        for key in ("timestamp_format", "timezone", "multi_line_start_pattern", "encoding"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LogFile:
        """Read a ``collect_list`` entry written by :meth:`to_dict`."""
        return cls(
            file_path=data["file_path"],
            log_group_name=data["log_group_name"],
            log_stream_name=data.get("log_stream_name", DEFAULT_LOG_STREAM_NAME),
            timestamp_format=data.get("timestamp_format"),
            timezone=data.get("timezone"),
            multi_line_start_pattern=data.get("multi_line_start_pattern"),
            encoding=data.get("encoding"),
        )

    def problems(self, os: OperatingSystem) -> Iterator[Problem]:
        """Yield what the agent would reject or silently mishandle."""
        if message := check_file_path(self.file_path, os):
            yield Problem("file_path", message)
        if message := log_group_rules.check_log_group_name(self.log_group_name):
            yield Problem("log_group_name", message)
        if message := check_log_stream_name(self.log_stream_name):
            yield Problem("log_stream_name", message)
        if self.timestamp_format is not None and (
            message := check_timestamp_format(self.timestamp_format)
        ):
            yield Problem("timestamp_format", message)
        if self.multi_line_start_pattern is not None and (
            message := check_multi_line_start_pattern(self.multi_line_start_pattern)
        ):
            yield Problem("multi_line_start_pattern", message)


@dataclass(frozen=True, kw_only=True)
class WindowsEventLog:
    """A Windows event log the agent forwards into a log group.

    Parameters
    ----------
    event_name
        The event log, such as ``System``, ``Application`` or ``Security``.
    event_levels
        Which levels to forward. Default: CRITICAL, ERROR and WARNING.
    log_group_name
        The log group events go to.
    log_stream_name
        Default: ``{instance_id}``.
    event_format
        ``xml`` (every field) or ``text``. Default: the agent's (text).
    """

    event_name: str
    log_group_name: str
    event_levels: tuple[str, ...] = ("CRITICAL", "ERROR", "WARNING")
    log_stream_name: str = DEFAULT_LOG_STREAM_NAME
    event_format: EventFormat | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the ``windows_events.collect_list`` entry."""
        data: dict[str, Any] = {
            "event_name": self.event_name,
            "event_levels": list(self.event_levels),
            "log_group_name": self.log_group_name,
            "log_stream_name": self.log_stream_name,
        }
        if self.event_format is not None:
            data["event_format"] = self.event_format
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WindowsEventLog:
        """Read an entry written by :meth:`to_dict`."""
        return cls(
            event_name=data["event_name"],
            log_group_name=data["log_group_name"],
            event_levels=tuple(data["event_levels"]),
            log_stream_name=data.get("log_stream_name", DEFAULT_LOG_STREAM_NAME),
            event_format=data.get("event_format"),
        )

    def problems(self, os: OperatingSystem) -> Iterator[Problem]:
        """Yield what the agent would reject."""
        if os != "windows":
            yield Problem(
                "event_name",
                f"{cut(self.event_name)!r}: Windows event logs exist only on Windows; set os: "
                "windows or collect a log file instead",
            )
        if not self.event_name.strip() or self.event_name == "Forwarded Events":
            yield Problem(
                "event_name",
                f"{cut(self.event_name)!r} cannot be collected; name an event log such as System, "
                "Application or Security",
            )
        unknown = [level for level in self.event_levels if level not in EVENT_LEVELS]
        if unknown or not self.event_levels:
            yield Problem(
                "event_levels",
                f"{', '.join(map(repr, unknown)) or 'no level'}: give one or more of "
                + ", ".join(EVENT_LEVELS),
            )
        if message := log_group_rules.check_log_group_name(self.log_group_name):
            yield Problem("log_group_name", message)
        if message := check_log_stream_name(self.log_stream_name):
            yield Problem("log_stream_name", message)


@dataclass(frozen=True, kw_only=True)
class AgentConfig:
    """What the CloudWatch agent collects on one operating system.

    Parameters
    ----------
    os
        ``linux`` (the agent's ``metrics_collected`` sections) or ``windows``
        (performance counters). Default: linux.
    metrics
        Keys of :data:`~observability_blueprint.rules.agent_metrics.HOST_METRICS`
        (``memory_used_percent``) or the names the agent publishes on this OS
        (``mem_used_percent``). Default (None): every metric the table has for
        this OS. An empty tuple collects logs only.
    cpu_per_core
        Also publish CPU metrics per core (one metric per core: more cost).
        Default: only the total.
    metrics_collection_interval
        Seconds between samples; under 60 publishes high-resolution metrics.
        Default: 60.
    append_dimensions
        Which of InstanceId, AutoScalingGroupName, ImageId, InstanceType the agent
        adds to every metric. Default: all four.
    aggregation_dimensions
        Extra dimension sets each metric is also published with. Default:
        per InstanceId and per AutoScalingGroupName.
    ignore_file_system_types
        Linux file systems left out of disk metrics. Default: pseudo file systems.
    log_files
        Log files to collect.
    windows_events
        Windows event logs to collect (Windows only).
    run_as_user
        Linux user the agent runs as (``cwagent``); it must be able to read the
        log files. Default: root.
    region
        Region the agent sends to; needed on servers outside AWS when their
        credentials profile names none. Default: the instance's region.
    fleet
        Adds the dimension ``Fleet=<this>`` to every metric, so the host dashboard
        finds a tagged fleet's instances with a SEARCH expression. Default: none.
    compute_optimizer
        Publish memory the way AWS Compute Optimizer reads it: the memory metrics
        it reads on this OS are collected whatever ``metrics`` says (Linux
        ``mem_used_percent``; Windows ``Memory Available MBytes`` and ``Memory %
        Committed Bytes In Use``), and a setting that would hide them from it
        (no ``InstanceId`` appended, no ``[InstanceId]`` aggregation) is a
        problem. Default: False.
    """

    os: OperatingSystem = "linux"
    metrics: tuple[str, ...] | None = None
    cpu_per_core: bool = False
    metrics_collection_interval: int = DEFAULT_METRICS_COLLECTION_INTERVAL
    append_dimensions: tuple[str, ...] = APPENDED_DIMENSIONS
    aggregation_dimensions: tuple[tuple[str, ...], ...] = DEFAULT_AGGREGATION_DIMENSIONS
    ignore_file_system_types: tuple[str, ...] = DEFAULT_IGNORED_FILE_SYSTEMS
    log_files: tuple[LogFile, ...] = ()
    windows_events: tuple[WindowsEventLog, ...] = ()
    run_as_user: str | None = None
    region: str | None = None
    fleet: str | None = None
    compute_optimizer: bool = False

    # ------------------------------------------------------------- metrics

    def metric_keys(self) -> tuple[str, ...]:
        """Return the known metrics chosen, as table keys in table order."""
        if self.metrics is None:
            chosen = set(default_metrics(self.os))
        else:
            chosen = {resolve_metric(name, self.os) for name in self.metrics}
        if self.compute_optimizer:
            # Opting in is asking for memory: added, not a problem, so a fleet that
            # lists only CPU still gives Compute Optimizer what it needs.
            chosen |= set(COMPUTE_OPTIMIZER_METRICS[self.os])
        return tuple(m.key for m in HOST_METRICS if m.key in chosen and m.on(self.os))

    def published_metric_names(self) -> tuple[str, ...]:
        """Return the metric names the agent publishes in the CWAgent namespace."""
        return tuple(_on(BY_KEY[key], self.os).metric_name for key in self.metric_keys())

    # ------------------------------------------------------------ checking

    def problems(self) -> list[Problem]:
        """Return every setting the agent would reject or mishandle (locations are field names)."""
        problems: list[Problem] = []
        seen: set[str] = set()
        for index, name in enumerate(self.metrics or ()):
            if message := check_metric(name, self.os):
                problems.append(Problem(f"metrics[{index}]", message))
                continue
            key = resolve_metric(name, self.os)
            if key in seen:
                problems.append(Problem(f"metrics[{index}]", f"{cut(name)!r} is listed twice"))
            seen.add(key)
        if not 1 <= self.metrics_collection_interval <= INTERVAL_MAX:
            problems.append(
                Problem(
                    "metrics_collection_interval",
                    f"{self.metrics_collection_interval} is not a collection interval; use 1 to "
                    f"{INTERVAL_MAX:,} seconds (60 for standard-resolution metrics)",
                )
            )
        for index, name in enumerate(self.append_dimensions):
            if name not in APPENDED_DIMENSIONS:
                problems.append(
                    Problem(
                        f"append_dimensions[{index}]",
                        f"{cut(name)!r} cannot be appended; the agent appends only "
                        + ", ".join(APPENDED_DIMENSIONS),
                    )
                )
        problems += self._aggregation_problems()
        if self.compute_optimizer:
            problems += self._compute_optimizer_problems()
        if self.os == "windows" and self.run_as_user is not None:
            problems.append(
                Problem("run_as_user", "run_as_user applies to Linux only; remove it on Windows")
            )
        if self.os == "windows" and self.ignore_file_system_types != DEFAULT_IGNORED_FILE_SYSTEMS:
            problems.append(
                Problem("ignore_file_system_types", "file system types apply to Linux only")
            )
        for index, log_file in enumerate(self.log_files):
            problems += [
                Problem(f"log_files[{index}].{p.location}", p.message)
                for p in log_file.problems(self.os)
            ]
        for index, events in enumerate(self.windows_events):
            problems += [
                Problem(f"windows_events[{index}].{p.location}", p.message)
                for p in events.problems(self.os)
            ]
        nothing = not self.metric_keys() and not self.log_files and not self.windows_events
        if nothing and not any(p.location.startswith("metrics[") for p in problems):
            problems.append(
                Problem("metrics", "the agent needs at least one metric, log file or event log")
            )
        return problems

    def _aggregation_problems(self) -> Iterator[Problem]:
        allowed = sorted(
            set(self.append_dimensions)
            | {d for key in self.metric_keys() for d in _on(BY_KEY[key], self.os).dimensions}
        )
        for index, names in enumerate(self.aggregation_dimensions):
            where = f"aggregation_dimensions[{index}]"
            if len(names) > AGGREGATION_SET_MAX or len(set(names)) != len(names):
                yield Problem(
                    where,
                    f"a set holds at most {AGGREGATION_SET_MAX} distinct dimensions; got "
                    + ", ".join(names),
                )
            for name in names:
                if name not in allowed:
                    hint = limits.closest(name, allowed)
                    yield Problem(
                        where,
                        f"{cut(name)!r} is not a dimension of these metrics"
                        + (f"; did you mean {hint!r}?" if hint else "")
                        + f" Known: {', '.join(allowed)}",
                    )

    def _compute_optimizer_problems(self) -> Iterator[Problem]:
        # The namespace (CWAgent) and the metric names are not settings of a fleet,
        # so only the dimensions can hide memory from Compute Optimizer. Settings the
        # user wrote that contradict it are problems rather than silently changed, so
        # the file says what the agent publishes; the defaults satisfy it.
        # https://docs.aws.amazon.com/compute-optimizer/latest/ug/ec2-metrics-analyzed.html
        instance = co.INSTANCE_DIMENSION
        if instance not in self.append_dimensions:
            yield Problem(
                "append_dimensions",
                f"{list(self.append_dimensions)!r} leaves out {instance}; Compute Optimizer "
                f"reads memory only from {co.MEMORY_NAMESPACE} metrics with the {instance} "
                f"dimension (compute_optimizer: true): add {instance}",
            )
        if (instance,) not in self.aggregation_dimensions:
            yield Problem(
                "aggregation_dimensions",
                f"{[list(s) for s in self.aggregation_dimensions]!r} has no [{instance}] set; "
                f"Compute Optimizer reads memory per instance, as AWS's example configuration "
                f"publishes it ({instance} as the only dimension): add [{instance}]",
            )

    def warnings(self) -> list[Problem]:
        """Return what the agent would do although it accepts it: log files that hold
        credentials (locations ``log_files[i].file_path``).

        See :func:`~observability_blueprint.rules.credential_paths.credential_path_warning`.
        """
        return [
            Problem(f"log_files[{index}].file_path", message)
            for index, log_file in enumerate(self.log_files)
            if (message := credential_path_warning(log_file.file_path, self.os))
        ]

    def check(self, location: str) -> None:
        """Raise :class:`BlueprintError` listing every problem, prefixed with ``location``."""
        problems = self.problems()
        if problems:
            raise BlueprintError([Problem(f"{location}.{p.location}", p.message) for p in problems])

    # ----------------------------------------------------------- rendering

    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as a JSON-ready mapping (check :meth:`problems` first)."""
        agent: dict[str, Any] = {"metrics_collection_interval": self.metrics_collection_interval}
        if self.run_as_user is not None:
            agent["run_as_user"] = self.run_as_user
        if self.region is not None:
            agent["region"] = self.region
        data: dict[str, Any] = {"agent": agent}
        collected = self._metrics_collected()
        if collected:
            metrics: dict[str, Any] = {"namespace": NAMESPACE}
            if self.append_dimensions:
                metrics["append_dimensions"] = {
                    name: "${aws:" + name + "}" for name in self.append_dimensions
                }
            if self.aggregation_dimensions:
                metrics["aggregation_dimensions"] = [list(s) for s in self.aggregation_dimensions]
            metrics["metrics_collected"] = collected
            data["metrics"] = metrics
        logs: dict[str, Any] = {}
        if self.log_files:
            logs["files"] = {"collect_list": [f.to_dict() for f in self.log_files]}
        if self.windows_events:
            logs["windows_events"] = {"collect_list": [e.to_dict() for e in self.windows_events]}
        if logs:
            data["logs"] = {"logs_collected": logs}
        return data

    def _metrics_collected(self) -> dict[str, Any]:
        sections: dict[str, dict[str, Any]] = {}
        for key in self.metric_keys():
            os_metric = _on(BY_KEY[key], self.os)
            section = sections.setdefault(os_metric.section, {"measurement": []})
            section["measurement"].append(os_metric.measurement)
            resources = self._resources(os_metric)
            if resources:
                known = section.setdefault("resources", [])
                known += [r for r in resources if r not in known]
        if "cpu" in sections and self.os == "linux":
            sections["cpu"]["totalcpu"] = True
        if "disk" in sections and self.os == "linux" and self.ignore_file_system_types:
            sections["disk"]["ignore_file_system_types"] = list(self.ignore_file_system_types)
        if self.fleet is not None:
            for section in sections.values():
                section["append_dimensions"] = {FLEET_DIMENSION: self.fleet}
        return sections

    def _resources(self, os_metric: OsMetric) -> list[str]:
        if os_metric.os == "linux" and os_metric.section == "cpu":
            # cpu-total comes from totalcpu; "*" adds one series per core.
            return ["*"] if self.cpu_per_core else []
        if os_metric.os == "windows" and os_metric.section == "Processor" and self.cpu_per_core:
            return ["*"]
        return list(os_metric.instances)

    def to_json(self) -> str:
        """Return the configuration as compact JSON, the SSM parameter's value."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> AgentConfig:
        """Read a configuration written by :meth:`to_json`."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise BlueprintError.at("", "the agent configuration must be a JSON object")
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AgentConfig:
        """Read a configuration written by :meth:`to_dict` (metrics of the shared table only).

        Raises
        ------
        BlueprintError
            When a measurement is not in the shared metric table.
        """
        agent = data.get("agent", {})
        metrics = data.get("metrics", {})
        collected: Mapping[str, Any] = metrics.get("metrics_collected", {})
        logs = data.get("logs", {}).get("logs_collected", {})
        os: OperatingSystem = (
            "windows"
            if "windows_events" in logs or any(s in _WINDOWS_SECTIONS for s in collected)
            else "linux"
        )
        keys: set[str] = set()
        for section, settings in collected.items():
            for measurement in settings.get("measurement", []):
                name = measurement["name"] if isinstance(measurement, dict) else measurement
                key = _measurement_key(section, name, os)
                if key is None:
                    raise BlueprintError.at(
                        f"metrics.metrics_collected.{section}",
                        f"{cut(name)!r} is not a metric of the shared table (agent_metrics)",
                    )
                keys.add(key)
        ordered = tuple(m.key for m in HOST_METRICS if m.key in keys)
        cpu_section = "cpu" if os == "linux" else "Processor"
        disk = collected.get("disk", {})
        return cls(
            os=os,
            metrics=None if ordered == default_metrics(os) else ordered,
            cpu_per_core=collected.get(cpu_section, {}).get("resources") == ["*"],
            metrics_collection_interval=agent.get(
                "metrics_collection_interval", DEFAULT_METRICS_COLLECTION_INTERVAL
            ),
            append_dimensions=tuple(metrics.get("append_dimensions", {})),
            aggregation_dimensions=tuple(
                tuple(names) for names in metrics.get("aggregation_dimensions", [])
            ),
            ignore_file_system_types=tuple(
                disk.get("ignore_file_system_types", DEFAULT_IGNORED_FILE_SYSTEMS)
            ),
            log_files=tuple(
                LogFile.from_dict(entry) for entry in logs.get("files", {}).get("collect_list", [])
            ),
            windows_events=tuple(
                WindowsEventLog.from_dict(entry)
                for entry in logs.get("windows_events", {}).get("collect_list", [])
            ),
            run_as_user=agent.get("run_as_user"),
            region=agent.get("region"),
            fleet=next(
                (
                    s["append_dimensions"][FLEET_DIMENSION]
                    for s in collected.values()
                    if FLEET_DIMENSION in s.get("append_dimensions", {})
                ),
                None,
            ),
        )


# ------------------------------------------------------------------ metrics


_WINDOWS_SECTIONS: Final = frozenset(m.windows.section for m in HOST_METRICS if m.windows)

COMPUTE_OPTIMIZER_METRICS: Final[Mapping[OperatingSystem, tuple[str, ...]]] = {
    "linux": ("memory_used_percent",),
    "windows": ("memory_available_mb", "memory_used_percent"),
}
"""Table keys of the memory metrics Compute Optimizer reads, per OS (its order of preference)."""


def _on(metric: AgentMetric, os: OperatingSystem) -> OsMetric:
    os_metric = metric.on(os)
    assert os_metric is not None, f"{metric.key} has no {os} equivalent"  # checked first
    return os_metric


def default_metrics(os: OperatingSystem) -> tuple[str, ...]:
    """Return the metrics collected on ``os`` when a fleet names none, in table order."""
    return tuple(m.key for m in HOST_METRICS if m.on(os) is not None and m.default)


def known_metrics(os: OperatingSystem) -> tuple[str, ...]:
    """Return every metric the shared table has for ``os``, in table order."""
    return tuple(m.key for m in HOST_METRICS if m.on(os) is not None)


def _names(os: OperatingSystem) -> dict[str, str]:
    """Every name a metric may be given by on ``os``: key, alias or published name."""
    names: dict[str, str] = {}
    for metric in HOST_METRICS:
        names[metric.key] = metric.key
        for alias in metric.aliases:
            names[alias] = metric.key
        os_metric = metric.on(os)
        if os_metric is not None:
            names[os_metric.metric_name] = metric.key
    return names


def resolve_metric(name: str, os: OperatingSystem) -> str:
    """Return the table key ``name`` stands for on ``os`` (itself when unknown)."""
    return _names(os).get(name, name)


def check_metric(name: str, os: OperatingSystem) -> str | None:
    """Return why the agent table has no metric ``name`` on ``os`` (with "did you mean")."""
    names = _names(os)
    key = names.get(name)
    if key is None:
        hint = limits.closest(name, list(names))
        return (
            f"{cut(name)!r} is not a metric the blueprint's agent table knows"
            + (f"; did you mean {hint!r}?" if hint else ";")
            + f" Known on {os.capitalize()}: {', '.join(known_metrics(os))}"
        )
    if BY_KEY[key].on(os) is None:
        return (
            f"{cut(name)!r} has no {os.capitalize()} equivalent in the agent table; remove it or "
            f"use one of {', '.join(known_metrics(os))}"
        )
    return None


def _measurement_key(section: str, measurement: str, os: OperatingSystem) -> str | None:
    for metric in HOST_METRICS:
        os_metric = metric.on(os)
        if os_metric is None or os_metric.section != section:
            continue
        if measurement in (os_metric.measurement, os_metric.metric_name):
            return metric.key
        if os == "linux" and f"{section}_{measurement}" == os_metric.metric_name:
            return metric.key
    return None


# ------------------------------------------------------------- log settings


def check_file_path(path: str, os: OperatingSystem) -> str | None:
    """Return why ``path`` cannot be a log file path on ``os``: it must be absolute."""
    if os == "linux" and not path.startswith("/"):
        return (
            f"{cut(path, 120)!r} is a relative path; the agent resolves it against its own working "
            "directory, not yours: give an absolute path such as /var/log/app/*.log"
        )
    if os == "windows" and not _WINDOWS_PATH_RE.match(path):
        return (
            f"{cut(path, 120)!r} is not an absolute Windows path; give one such as "
            "C:\\ProgramData\\App\\logs\\*.log"
        )
    return None


def check_log_stream_name(name: str) -> str | None:
    """Return why ``name`` cannot name the agent's log streams."""
    if not 1 <= len(name) <= 512 or ":" in name or "*" in name:
        return f"{cut(name)!r} is not a log stream name: 1 to 512 characters without ':' or '*'"
    unknown = [p for p in _PLACEHOLDER_RE.findall(name) if p not in LOG_STREAM_PLACEHOLDERS]
    if unknown:
        return (
            f"{', '.join(unknown)} in {cut(name)!r} is not a placeholder the agent fills; use "
            + ", ".join(LOG_STREAM_PLACEHOLDERS)
        )
    return None


def check_timestamp_format(text: str) -> str | None:
    """Return why the agent would not find timestamps with ``text``, or None."""
    directives = _DIRECTIVE_RE.findall(text)
    unknown = [d for d in directives if d not in TIMESTAMP_DIRECTIVES]
    if unknown:
        hints = [hint for d in unknown if (hint := limits.closest(d, TIMESTAMP_DIRECTIVES))]
        return (
            f"{', '.join(dict.fromkeys(unknown))} in {cut(text)!r} is not a directive the agent "
            "reads (it would look for the characters literally and use the read time "
            f"instead); use {' '.join(TIMESTAMP_DIRECTIVES)}"
            + (f" (did you mean {hints[0]!r}?)" if hints else "")
        )
    if not directives:
        return (
            f"{cut(text)!r} has no % directive; write the timestamp's shape, such as "
            "%Y-%m-%dT%H:%M:%S"
        )
    return None


def check_multi_line_start_pattern(pattern: str) -> str | None:
    """Return why ``pattern`` is not a regular expression (or ``{timestamp_format}``)."""
    if pattern == "{timestamp_format}":
        return None
    try:
        re.compile(pattern)
    except re.error as error:
        return f"{cut(pattern)!r} is not a regular expression: {error}"
    return None


# ------------------------------------------------------------ SSM parameter


def parameter_size(value: str) -> int:
    """Return the size Parameter Store counts: the value's UTF-8 bytes."""
    return len(value.encode("utf-8"))


def parameter_tier(value: str) -> Tier | None:
    """Return the cheapest tier that holds ``value``, or None when none does."""
    size = parameter_size(value)
    if size <= STANDARD_TIER_MAX_BYTES:
        return "Standard"
    if size <= ADVANCED_TIER_MAX_BYTES:
        return "Advanced"
    return None


def check_parameter_value(value: str) -> str | None:
    """Return why ``value`` does not fit an SSM parameter of any tier."""
    size = parameter_size(value)
    if size > ADVANCED_TIER_MAX_BYTES:
        return (
            f"the agent configuration is {size:,} bytes; an SSM parameter holds at most "
            f"{STANDARD_TIER_MAX_BYTES:,} bytes (Standard tier) or {ADVANCED_TIER_MAX_BYTES:,} "
            "bytes (Advanced tier): collect fewer log files or metrics, or split the hosts "
            "into two fleets"
        )
    return None


def parameter_arn_path(name: str) -> str:
    """Return the resource part of a parameter's ARN: ``parameter/NAME`` (one leading / dropped)."""
    return "parameter/" + (name[1:] if name.startswith("/") else name)


def iam_pattern_matches(pattern: str, value: str) -> bool:
    """Match like an IAM Resource: ``*`` any run of characters, ``?`` one; case-sensitive."""
    regex = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


def check_parameter_name(name: str) -> str | None:
    """Return why instances could not read an agent configuration stored under ``name``."""
    if not _PARAMETER_NAME_RE.fullmatch(name) or len(name) > PARAMETER_NAME_MAX:
        return (
            f"{cut(name)!r} is not a parameter name: use up to {PARAMETER_NAME_MAX:,} letters, "
            "digits and _ . - /"
        )
    if "/" in name and not name.startswith("/"):
        return (
            f"{cut(name)!r} is not a parameter name: a name with / must start with / (a hierarchy)"
        )
    if re.match(r"/?(aws|ssm)", name, flags=re.IGNORECASE):
        return f"{cut(name)!r} is not a parameter name: names cannot start with aws or ssm"

    arn = f"arn:aws:ssm:us-east-1:111122223333:{parameter_arn_path(name)}"
    if not iam_pattern_matches(AGENT_POLICY_PARAMETER_RESOURCE, arn):
        return (
            f"{cut(name)!r} is a name instances cannot read: the managed policy {AGENT_POLICY} "
            f"allows ssm:GetParameter only on {AGENT_POLICY_PARAMETER_RESOURCE}, so the agent's "
            "configure step would fail with AccessDenied; start the name with "
            f"{PARAMETER_NAME_PREFIX} (a leading / is allowed, a path before it is not)"
        )
    return None


def config_digest(value: str, length: int = 10) -> str:
    """Return a short content hash of a configuration value."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:length]


def hashed_parameter_name(base: str, value: str) -> str:
    """Return ``<base>-<hash of value>``: a new name, so a new association run, per change."""
    return f"{base}-{config_digest(value)}"
