"""Helpers shared by the tests: an app with the project's feature flags, synthesis, checks."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
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

    def nag_violations(self) -> list[str]:
        """Findings of the compliance packs (see :func:`compliance_findings`)."""
        return compliance_findings(self.outdir)


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


# ------------------------------------------------------------------ compliance
#
# One definition of "compliant" for every test that synthesizes with
# add_compliance_checks: cdk-nag's AwsSolutions pack reports nothing that is not
# acknowledged, the construct warnings are exactly the ones the test names, and
# cfn-lint reports nothing on any template of the assembly. Nothing is ignored.

LINT_REGIONS = ("us-east-1", "eu-west-1")
"""Regions cfn-lint checks every template for: the two the examples deploy to."""

CONSTRUCT_ANNOTATIONS = "Construct Annotations"
"""The validation report's section for the constructs' own warnings.

They are not compliance findings: the blueprint warns on purpose (a queue it
cannot change, a cluster it does not manage) and the tests of those constructs
assert each message. :func:`assert_compliant` still compares their ids with the
ones the test expects, so an unexpected warning fails it.
"""


def _report(outdir: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(
        (outdir / "validation-report.json").read_text(encoding="utf-8")
    )
    return report


def _violations(outdir: Path) -> list[tuple[str, str, str]]:
    """(plugin, rule, construct path) of every violation in the validation report."""
    return [
        (plugin["pluginName"], violation["ruleName"], construct["constructPath"])
        for plugin in _report(outdir)["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    ]


def compliance_findings(outdir: Path) -> list[str]:
    """Return the unacknowledged findings of every validation plugin but the annotations.

    Each is ``"<plugin>: <rule>: <construct path>"``. A plugin without findings or
    acknowledged ones leaves no section in the report, so an empty list does not
    show the pack ran: ``test_checks.py`` shows the same registration reporting.
    """
    return [
        f"{plugin}: {rule}: {path}"
        for plugin, rule, path in _violations(outdir)
        if plugin != CONSTRUCT_ANNOTATIONS
    ]


def construct_annotations(outdir: Path) -> set[str]:
    """Return the ids of the construct warnings in the validation report."""
    return {rule for plugin, rule, _ in _violations(outdir) if plugin == CONSTRUCT_ANNOTATIONS}


def acknowledged_rules(outdir: Path) -> set[str]:
    """Return the rules whose findings were acknowledged, without their details.

    ``AwsSolutions-IAM5[Resource::*]`` is ``AwsSolutions-IAM5``.
    """
    return {
        violation["ruleName"].split("[")[0]
        for plugin in _report(outdir)["pluginReports"]
        for violation in plugin.get("suppressedViolations", [])
    }


def cfn_lint_findings(
    template: Mapping[str, Any] | str, *, regions: Collection[str] = LINT_REGIONS
) -> list[str]:
    """Return cfn-lint's matches on one template as ``"<rule>: <message>"``, for ``regions``."""
    from cfnlint.api import ManualArgs, lint

    text = template if isinstance(template, str) else json.dumps(template)
    return [
        f"{match.rule.id}: {match.message}"
        for match in lint(text, config=ManualArgs(regions=list(regions)))
    ]


def assert_compliant(
    outdir: Path,
    *,
    nag_error: str | None = None,
    construct_warnings: Collection[str] = (),
) -> None:
    """Assert the assembly in ``outdir`` passes cdk-nag and cfn-lint.

    Parameters
    ----------
    outdir
        Where an app with :func:`add_compliance_checks` was synthesized.
    nag_error
        What synthesis raised, if it raised (cdk-nag findings fail synthesis).
    construct_warnings
        The ids of the construct annotations the app is meant to carry
        (``"Annotation::observability-blueprint:sqs-subscriber-policy"``); any
        other one fails.
    """
    # support.py is not a test module: pytest does not rewrite its asserts, so each
    # one states what it found.
    findings = compliance_findings(outdir)
    assert findings == [], f"cdk-nag findings: {findings}"
    assert nag_error is None, nag_error
    annotations = construct_annotations(outdir)
    assert annotations == set(construct_warnings), (
        f"construct annotations {sorted(annotations)}, expected {sorted(construct_warnings)}"
    )
    templates = sorted(outdir.glob("*.template.json"))
    assert templates, f"no template in {outdir}"
    found = [
        f"{path.name}: {finding}"
        for path in templates
        for finding in cfn_lint_findings(path.read_text(encoding="utf-8"))
    ]
    assert found == [], f"cfn-lint findings: {found}"


def event_entry(
    source: str, detail_type: str, detail: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """An EventBridge PutEvents entry (for events sent through moto)."""
    return {"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail), **extra}


def write_service_blueprint(path: Path, services: int) -> Path:
    """Write a blueprint of ``services`` services (``shop-dev``; ``svc0`` ...): each a log
    group encrypted with the blueprint's key, an error filter on it and an alarm on that,
    notifying one topic. Written as JSON, which is YAML."""
    data: dict[str, Any] = {
        "name": "shop",
        "stage": "dev",
        "env": {"account": "111122223333", "region": "eu-west-1"},
        "notifications": [{"name": "ops", "subscribers": [{"email": "ops@example.com"}]}],
        "default_actions": {"alarm": [{"topic": "ops"}]},
        "log_groups": [
            {
                "name": f"svc{i}",
                "retention_days": 30,
                "encrypted": True,
                "queries": {"defaults": False},
                "anomaly_detection": {"enabled": False},
                "metric_filters": [
                    {
                        "name": f"svc{i}-errors",
                        "pattern": '"ERROR"',
                        "namespace": f"Shop/Svc{i}",
                        "metric": "Errors",
                        "unit": "Count",
                        "default_value": 0,
                    }
                ],
            }
            for i in range(services)
        ],
        "alarms": [
            {
                "name": f"svc{i}-errors",
                "metric": {"filter": f"svc{i}-errors"},
                "threshold": 1,
                "comparison": ">=",
            }
            for i in range(services)
        ],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def write_shard_lock(path: Path, shards: list[list[str]]) -> Path:
    """Write the shard lock file a user would have committed, as obs-blueprint writes it
    (default limits, the units of each shard in order)."""
    path.write_text(
        json.dumps(
            {
                "limits": {"max_resources": 450, "max_template_bytes": 800_000},
                "shards": shards,
                "version": 1,
            },
            indent=2,
            sort_keys=True,
        )
        + "\n",
        encoding="utf-8",
    )
    return path
