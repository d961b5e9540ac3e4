"""The CloudWatch agent's host metrics, named once for Linux and Windows.

Pure module: no aws_cdk import. The agent configuration (what the agent
collects) and the host dashboard (what is graphed) both read this table, so a
metric name is written in one place. Linux agents publish
``<section>_<measurement>`` (``mem_used_percent``); Windows agents publish
``<object> <counter>`` (``Memory % Committed Bytes In Use``), both in the
``CWAgent`` namespace. Source: the CloudWatch agent configuration reference
("Manually create or edit the CloudWatch agent configuration file").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from observability_blueprint.rules.errors import cut

NAMESPACE: Final = "CWAgent"
OperatingSystem = Literal["linux", "windows"]


@dataclass(frozen=True)
class OsMetric:
    """How one operating system's agent collects and names a metric.

    Parameters
    ----------
    section
        Linux: the ``metrics_collected`` section (``mem``, ``disk``). Windows: the
        performance object (``Memory``, ``LogicalDisk``).
    measurement
        Linux: the measurement (``mem_used_percent``). Windows: the counter
        (``% Committed Bytes In Use``).
    dimensions
        Dimensions the agent adds beyond the appended ones (``path`` for disks).
    instances
        Windows: the counter instances to collect (``_Total``). Linux: the
        resources (``*`` for every disk or core).
    """

    section: str
    measurement: str
    dimensions: tuple[str, ...] = ()
    instances: tuple[str, ...] = ()
    os: OperatingSystem = "linux"
    title: str | None = None
    """What the number is on this OS, when it differs from the metric's title."""

    @property
    def metric_name(self) -> str:
        """The metric name the agent publishes in the CWAgent namespace."""
        if self.os == "windows":
            return f"{self.section} {self.measurement}"
        prefix = f"{self.section}_"
        if self.measurement.startswith(prefix):
            return self.measurement
        return prefix + self.measurement


@dataclass(frozen=True)
class AgentMetric:
    """One host metric, with how each OS's agent collects and names it."""

    key: str
    title: str
    unit: str
    linux: OsMetric | None
    windows: OsMetric | None
    aliases: tuple[str, ...] = field(default=())
    default: bool = True
    """Collected when a fleet names no metrics; False: only when asked for (or needed,
    such as Compute Optimizer's Windows memory counter)."""

    def on(self, os: OperatingSystem) -> OsMetric | None:
        """Return how ``os`` collects this metric, or None when it has no equivalent."""
        return self.linux if os == "linux" else self.windows

    def title_on(self, os: OperatingSystem) -> str:
        """What a graph of this metric on ``os`` shows (Windows' counters differ)."""
        collected = self.on(os)
        return (collected.title if collected is not None else None) or self.title


def _linux(section: str, measurement: str, *dims: str, instances: tuple[str, ...] = ()) -> OsMetric:
    return OsMetric(section, measurement, tuple(dims), instances, "linux")


def _windows(
    obj: str,
    counter: str,
    *dims: str,
    instances: tuple[str, ...] = (),
    title: str | None = None,
) -> OsMetric:
    return OsMetric(obj, counter, tuple(dims), instances, "windows", title)


HOST_METRICS: Final[tuple[AgentMetric, ...]] = (
    AgentMetric(
        "memory_used_percent",
        "Memory used %",
        "Percent",
        _linux("mem", "mem_used_percent"),
        # Committed bytes count the page file too: not the memory in use.
        _windows("Memory", "% Committed Bytes In Use", title="Memory committed %"),
    ),
    AgentMetric(
        "memory_available_mb",
        "Memory available (MB)",
        "Megabytes",
        None,
        # What Compute Optimizer prefers on Windows (compute_optimizer: true adds it).
        _windows("Memory", "Available MBytes"),
        default=False,
    ),
    AgentMetric(
        "cpu_active_percent",
        "CPU utilisation %",
        "Percent",
        _linux("cpu", "usage_active", "cpu", instances=("cpu-total",)),
        _windows("Processor", "% Processor Time", "instance", instances=("_Total",)),
    ),
    AgentMetric(
        "cpu_iowait_percent",
        "CPU I/O wait %",
        "Percent",
        _linux("cpu", "usage_iowait", "cpu", instances=("cpu-total",)),
        None,
    ),
    AgentMetric(
        "disk_used_percent",
        "Disk used %",
        "Percent",
        _linux("disk", "used_percent", "path", "device", "fstype", instances=("*",)),
        # The logical disk counter is the free space, not the used space.
        _windows("LogicalDisk", "% Free Space", "instance", instances=("*",), title="Disk free %"),
    ),
    AgentMetric(
        "disk_inodes_free",
        "Free inodes",
        "Count",
        _linux("disk", "inodes_free", "path", "device", "fstype", instances=("*",)),
        None,
    ),
    AgentMetric(
        "disk_io_time",
        "Disk I/O time",
        "Milliseconds",
        _linux("diskio", "io_time", "name", instances=("*",)),
        _windows("PhysicalDisk", "% Disk Time", "instance", instances=("*",), title="Disk busy %"),
    ),
    AgentMetric(
        "network_bytes_in",
        "Network in (bytes)",
        "Bytes",
        _linux("net", "bytes_recv", "interface", instances=("*",)),
        _windows(
            "Network Interface",
            "Bytes Received/sec",
            "instance",
            instances=("*",),
            title="Network in (bytes/s)",
        ),
    ),
    AgentMetric(
        "network_bytes_out",
        "Network out (bytes)",
        "Bytes",
        _linux("net", "bytes_sent", "interface", instances=("*",)),
        _windows(
            "Network Interface",
            "Bytes Sent/sec",
            "instance",
            instances=("*",),
            title="Network out (bytes/s)",
        ),
    ),
    AgentMetric(
        "tcp_established",
        "TCP connections established",
        "Count",
        _linux("netstat", "tcp_established"),
        _windows("TCPv4", "Connections Established"),
    ),
    AgentMetric(
        "tcp_time_wait",
        "TCP connections in TIME_WAIT",
        "Count",
        _linux("netstat", "tcp_time_wait"),
        None,
    ),
    AgentMetric(
        "processes_total",
        "Processes",
        "Count",
        _linux("processes", "total"),
        _windows("System", "Processes"),
    ),
)
"""Every host metric the blueprint knows, in dashboard order."""

BY_KEY: Final[Mapping[str, AgentMetric]] = {m.key: m for m in HOST_METRICS}

DASHBOARD_KEYS: Final[tuple[str, ...]] = (
    "memory_used_percent",
    "cpu_active_percent",
    "disk_io_time",
    "tcp_established",
    "disk_used_percent",
    "network_bytes_in",
    "network_bytes_out",
)
"""What the host dashboard graphs, in order."""

APPENDED_DIMENSIONS: Final[tuple[str, ...]] = (
    "InstanceId",
    "AutoScalingGroupName",
    "ImageId",
    "InstanceType",
)
"""Dimensions the agent config appends to every metric (``append_dimensions``)."""


def metric(key: str) -> AgentMetric:
    """Return the host metric named ``key``; raise KeyError naming the known keys."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"{cut(key)!r} is not a host metric; known: {', '.join(BY_KEY)}") from None
