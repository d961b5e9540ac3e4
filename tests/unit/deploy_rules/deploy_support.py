"""Synthesize small apps with the deploy rules and read what the validation report says.

Imported by the tests of this folder (its conftest puts the folder on the path).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import App, Environment

from observability_blueprint.deploy_rules import PACK_NAME, add_deploy_checks

ACCOUNT = "111122223333"
HOME = Environment(account=ACCOUNT, region="eu-west-1")
"""The environment of the test stacks: the rules compare Regions and accounts with it."""


@dataclass(frozen=True)
class Reported:
    """One finding of the pack in the validation report."""

    rule: str
    path: str
    description: str


@dataclass(frozen=True)
class Synthesized:
    """What synthesizing an app with the deploy rules gave."""

    error: str | None
    report: dict[str, Any]
    outdir: Path

    def template(self, stack: str) -> dict[str, Any]:
        """The synthesized template of the stack with artifact id ``stack``."""
        file = self.outdir / f"{stack}.template.json"
        template: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
        return template

    def _section(self, key: str) -> list[Reported]:
        return [
            Reported(violation["ruleName"], construct["constructPath"], violation["description"])
            for plugin in self.report.get("pluginReports", [])
            if plugin["pluginName"] == PACK_NAME
            for violation in plugin.get(key, [])
            for construct in violation["violatingConstructs"]
        ]

    @property
    def findings(self) -> list[Reported]:
        """The unacknowledged findings."""
        return self._section("violations")

    @property
    def acknowledged(self) -> list[Reported]:
        """The acknowledged findings."""
        return self._section("suppressedViolations")

    def of(self, rule: str) -> list[Reported]:
        """The unacknowledged findings of one rule."""
        return [found for found in self.findings if found.rule == rule]


def synthesize(app: App) -> Synthesized:
    """Add the deploy rules to ``app``, synthesize it and read the report."""
    add_deploy_checks(app)
    error = None
    try:
        app.synth()
    except RuntimeError as raised:  # a finding fails synthesis
        error = str(raised)
    outdir = Path(app.outdir)
    report_file = outdir / "validation-report.json"
    report = json.loads(report_file.read_text(encoding="utf-8")) if report_file.exists() else {}
    return Synthesized(error, report, outdir)
