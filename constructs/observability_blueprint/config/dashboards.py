"""The ``dashboards:`` section of the blueprint file.

Pure module: no aws_cdk import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Literal, Self

from pydantic import Field, model_validator

from observability_blueprint.config.base import LogicalName, StrictModel, fail
from observability_blueprint.rules.errors import Problem

_DURATION_RE = re.compile(r"-P(?:\d+W|\d+D|(?:\d+D)?T(?:\d+H)?(?:\d+M)?(?:\d+S)?)")


def check_start(value: str) -> str | None:
    """Return why ``value`` is not a dashboard's relative start time."""
    if not _DURATION_RE.fullmatch(value) or value.endswith("T"):
        return (
            f"{value!r} is not a relative time; use an ISO 8601 duration before now, such as "
            "-PT3H (three hours), -P1D (one day) or -P1W (one week)"
        )
    return None


class HostFleet(StrictModel):
    """An Auto Scaling group whose instances run the CloudWatch agent, graphed together.

    Fleets of the ``hosts:`` section get their section automatically (their agent
    config adds ``Fleet=<fleet>`` to every metric); list Auto Scaling groups here.
    """

    name: LogicalName
    """Title of the section."""
    auto_scaling_group: str
    """Graph the instances of this Auto Scaling group (AutoScalingGroupName dimension)."""
    os: Literal["linux", "windows"] = "linux"
    """Which agent's metric names to use."""


class Dashboards(StrictModel):
    """Which dashboards the blueprint creates and their defaults."""

    services: bool = True
    """One dashboard with a section per service: errors, latency, key numbers, latest errors."""
    alarms: bool = True
    """An alarm-status overview of every alarm, grouped by composite."""
    hosts: list[HostFleet] = []
    """Auto Scaling groups for the host dashboard, besides the fleets of ``hosts:``."""
    start: str = Field(default="-PT3H")
    """Default time range, relative to now. Default: the last three hours."""
    period: int = Field(default=300, ge=60, multiple_of=60)
    """Period of graphs, in seconds. Default: 300."""
    titles: dict[str, str] = {}
    """Section titles by service name (default: the service name)."""

    @model_validator(mode="after")
    def _start(self) -> Self:
        message = check_start(self.start)
        if message:
            raise fail(message)
        return self


def dashboard_problems(
    section: Dashboards,
    *,
    services: Sequence[str],
    fleets: Sequence[str] = (),
    where: str = "dashboards",
) -> Iterator[Problem]:
    """Return problems that need the rest of the file: titles of unknown services."""
    for service in section.titles:
        if service not in services:
            yield Problem(
                f"{where}.titles.{service}",
                f"{service!r} is not a service of this blueprint; services: "
                + (", ".join(services) or "none"),
            )
    names = [h.name for h in section.hosts]
    for index, name in enumerate(names):
        if names.index(name) != index:
            yield Problem(
                f"{where}.hosts[{index}].name",
                f"{name!r} is already used by hosts[{names.index(name)}]; names must be unique",
            )
        elif name in fleets:
            yield Problem(
                f"{where}.hosts[{index}].name",
                f"{name!r} is the name of a fleet of hosts:, whose section is made "
                "automatically; give the Auto Scaling group another name",
            )
