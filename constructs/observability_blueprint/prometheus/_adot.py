"""The ADOT collector configuration both collectors deploy, with deploy-time values.

The workspace's remote-write URL (and, in an environment-agnostic stack, the
Region) are known only at deploy time: the configuration deployed holds them as
references. It is checked and measured as rendered with stand-ins of the longest
form those values take.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import yaml
from aws_cdk import Stack, Token
from constructs import Construct

from observability_blueprint.prometheus.prometheus_workspace import IPrometheusWorkspace
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.regions import ALL_REGIONS
from observability_blueprint.rules.scrape_config import (
    ScrapeJob,
    adot_collector_config,
    collector_pipeline_problems,
    scrape_job_problems,
)

REGION_STAND_IN: Final = max(sorted(ALL_REGIONS), key=len)
"""Stands for an unknown Region while the configuration is measured: the longest name."""
URL_STAND_IN: Final = (
    f"https://aps-workspaces.{REGION_STAND_IN}.amazonaws.com.cn/workspaces/"
    "ws-00000000-0000-0000-0000-000000000000/api/v1/remote_write"
)
"""Stands for an unknown remote-write URL: a workspace id is ``ws-`` and a UUID."""


@dataclass(frozen=True)
class CollectorConfig:
    """An ADOT collector configuration, as deployed and as measured."""

    jobs: tuple[ScrapeJob, ...]
    text: str
    """The YAML with the deploy-time values (may hold CDK tokens)."""
    measured: str
    """The YAML with stand-ins for the tokens of ``text`` (equal to it when it has none)."""
    identity: str
    """What the configuration depends on, in a stable form (for a content hash)."""
    remote_write_url: str
    region: str

    @property
    def literal(self) -> bool:
        """True when ``text`` holds no token (an imported workspace in a known Region)."""
        return self.text == self.measured

    def with_values(self, *, remote_write_url: str, region: str) -> str:
        """Return the configuration for these values (raises BlueprintError on bad ones)."""
        return adot_collector_config(self.jobs, remote_write_url=remote_write_url, region=region)


def collector_config(
    scope: Construct, workspace: IPrometheusWorkspace, jobs: Sequence[ScrapeJob]
) -> tuple[CollectorConfig | None, list[Problem]]:
    """Render the configuration that scrapes ``jobs`` into ``workspace``; or its problems.

    Locations are relative to the construct (``jobs[1].scrape_timeout``, ``config...``).
    """
    problems = scrape_job_problems(jobs, managed_scraper=False)
    if problems:
        return None, problems
    stack = Stack.of(scope)
    url = workspace.remote_write_url
    region = stack.region
    try:
        text = adot_collector_config(jobs, remote_write_url=url, region=region)
        measured = adot_collector_config(
            jobs,
            remote_write_url=URL_STAND_IN if Token.is_unresolved(url) else url,
            region=REGION_STAND_IN if Token.is_unresolved(region) else region,
        )
    except BlueprintError as error:
        return None, [Problem(f"config.{p.location}", p.message) for p in error.problems]
    parsed: Any = yaml.safe_load(measured)
    problems = [
        Problem(f"config.{p.location}", p.message)
        for p in collector_pipeline_problems(parsed if isinstance(parsed, dict) else {})
    ]
    if problems:
        return None, problems
    config = CollectorConfig(
        jobs=tuple(jobs),
        text=text,
        measured=measured,
        identity=json.dumps(stack.resolve([url, region]), sort_keys=True),
        remote_write_url=url,
        region=region,
    )
    return config, []
