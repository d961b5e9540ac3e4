"""Helpers shared by the tests: an app with the project's feature flags, synthesis."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import App, Stack
from aws_cdk.assertions import Template

from observability_blueprint import Blueprint, BlueprintStack, add_compliance_checks, build
from observability_blueprint.cli.report import record_checks

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {
    "blueprint.yaml": ROOT / "blueprint.yaml",
    "examples/full.yaml": ROOT / "examples" / "full.yaml",
}


def cdk_context() -> dict[str, Any]:
    """The feature flags of cdk.json, so tests synthesize what `cdk synth` does."""
    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    context.pop("blueprint", None)
    return dict(context)


def new_app(outdir: Path | None = None, **context: Any) -> App:
    """Return an App with the project's feature flags (plus ``context``)."""
    return App(context={**cdk_context(), **context}, outdir=str(outdir) if outdir else None)


def new_stack(name: str = "Test", **stack_kwargs: Any) -> tuple[App, Stack]:
    """Return a fresh app and an environment-agnostic stack in it."""
    app = new_app()
    return app, Stack(app, name, **stack_kwargs)


def assert_blueprint_warns(data: dict[str, Any], pattern: str) -> None:
    """Build a blueprint from ``data`` in a test stack; assert it warns matching ``pattern``."""
    from aws_cdk.assertions import Annotations, Match

    from observability_blueprint import ObservabilityBlueprint

    _, stack = new_stack()
    ObservabilityBlueprint(stack, "Blueprint", config=Blueprint.from_dict(data))
    Annotations.from_stack(stack).has_warning("/Test/Blueprint", Match.string_like_regexp(pattern))


def resources(template: Template, resource_type: str) -> dict[str, Any]:
    """Return the resources of one type, by logical id."""
    return dict(template.find_resources(resource_type))


def properties(template: Template, resource_type: str) -> list[dict[str, Any]]:
    """Return the Properties of every resource of one type."""
    return [r.get("Properties", {}) for r in resources(template, resource_type).values()]


@dataclass
class Synthesized:
    """One example file, synthesized with the compliance checks registered."""

    config: Blueprint
    stacks: list[Stack]
    outdir: Path
    nag_error: str | None

    @property
    def stack(self) -> BlueprintStack:
        stack = self.stacks[0]
        assert isinstance(stack, BlueprintStack)
        return stack

    def template(self, stack: Stack | None = None) -> Template:
        # From the files already written: Template.from_stack would synthesize again.
        return Template.from_json(self.template_json(stack))

    def template_json(self, stack: Stack | None = None) -> dict[str, Any]:
        name = (stack or self.stack).artifact_id
        data: dict[str, Any] = json.loads((self.outdir / f"{name}.template.json").read_text())
        return data

    def nag_violations(self) -> list[dict[str, Any]]:
        """Findings of cdk-nag's AwsSolutions pack (construct warnings are reported apart)."""
        report = json.loads((self.outdir / "validation-report.json").read_text())
        return [
            violation
            for plugin in report["pluginReports"]
            if plugin["pluginName"] != "Construct Annotations"
            for violation in plugin["violations"]
        ]


def synthesize(path: Path, outdir: Path) -> Synthesized:
    config = Blueprint.from_yaml(path)
    app = new_app(outdir)
    stacks = build(app, config)
    add_compliance_checks(app)
    nag_error = None
    try:
        app.synth()
    except RuntimeError as error:  # cdk-nag findings fail synthesis
        nag_error = str(error)
    else:
        record_checks(outdir, ran=True)  # as app.py does
    return Synthesized(config, stacks, outdir, nag_error)
