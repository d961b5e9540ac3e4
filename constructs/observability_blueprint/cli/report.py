"""The synth report: what each stack holds, measured against CloudFormation's limits.

Pure module: reads a cloud assembly directory (``cdk.out``), no aws_cdk import.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observability_blueprint.rules import compute_optimizer, limits, prices
from observability_blueprint.rules.service_health import RECOMMENDED_ALARM_METADATA


@dataclass(frozen=True)
class StackReport:
    """What one synthesized stack contains."""

    name: str
    environment: str
    resources: dict[str, int]
    template_bytes: int
    warnings: tuple[str, ...]
    cost_items: tuple[tuple[str, dict[str, Any]], ...] = ()
    """The template's resources (logical id, resource), for the account-wide estimate."""

    @property
    def total(self) -> int:
        """Number of resources in the template."""
        return sum(self.resources.values())


def read_assembly(outdir: str | Path) -> list[StackReport]:
    """Read every stack of the cloud assembly in ``outdir``."""
    root = Path(outdir)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    reports = []
    for name, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        template_path = root / artifact["properties"]["templateFile"]
        body = template_path.read_bytes()
        template = json.loads(body)
        resources = Counter(r["Type"] for r in template.get("Resources", {}).values())
        metadata = dict(artifact.get("metadata", {}))
        if "additionalMetadataFile" in artifact:
            extra = root / artifact["additionalMetadataFile"]
            metadata.update(json.loads(extra.read_text(encoding="utf-8")))
        warnings = tuple(
            f"{path}: {entry['data']}"
            for path, entries in metadata.items()
            for entry in entries
            if entry.get("type") == "aws:cdk:warning"
        )
        reports.append(
            StackReport(
                name=artifact.get("displayName", name),
                environment=artifact.get("environment", ""),
                resources=dict(sorted(resources.items())),
                template_bytes=len(body),
                warnings=warnings,
                cost_items=tuple(
                    (f"{name}/{logical_id}", resource)
                    for logical_id, resource in template.get("Resources", {}).items()
                ),
            )
        )
    return reports


CHECKS_FILE = "observability-blueprint.json"
"""Written into the cloud assembly by app.py: which compliance packs ran."""


def record_checks(outdir: str | Path, *, ran: bool) -> None:
    """Note in the assembly whether cdk-nag's AwsSolutions pack ran at synthesis.

    A validation report without findings looks the same whether the pack passed
    or never ran; this note tells them apart for the report.
    """
    packs = ["AwsSolutions"] if ran else []
    (Path(outdir) / CHECKS_FILE).write_text(json.dumps({"compliance_packs": packs}))


SHARDS_FILE = "observability-blueprint-shards.json"
"""Written into the cloud assembly by app.py: each blueprint's stacks and their units."""


def record_shards(outdir: str | Path, placements: dict[str, Any]) -> None:
    """Note in the assembly where each blueprint placed its units.

    ``placements`` maps the blueprint's first stack to its
    :class:`~observability_blueprint.rules.shard_plan.Placement` (any object with its
    ``shards``, ``limits`` and ``warnings``), so the report can show each shard's units
    and headroom. Nothing is written for a blueprint of one stack.
    """
    data = {
        first: {
            "limits": {
                "max_resources": placement.limits.max_resources,
                "max_template_bytes": placement.limits.max_template_bytes,
            },
            "shards": [
                {
                    "name": shard.name(first.removesuffix("-observability")),
                    "units": list(shard.units),
                }
                for shard in placement.shards
            ],
            "warnings": list(placement.warnings),
        }
        for first, placement in placements.items()
        if len(placement.shards) > 1 or placement.warnings
    }
    (Path(outdir) / SHARDS_FILE).write_text(json.dumps(data, indent=1), encoding="utf-8")


def read_shards(outdir: str | Path) -> dict[str, Any]:
    """Return what :func:`record_shards` noted (empty when nothing was)."""
    path = Path(outdir) / SHARDS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def shard_lines(reports: list[StackReport], shards: dict[str, Any]) -> list[str]:
    """Each sharded blueprint's stacks with their units and their headroom, measured on
    the synthesized templates against the limits they are filled to."""
    by_name = {r.name: r for r in reports}
    lines: list[str] = []
    for first, placed in shards.items():
        soft = placed["limits"]
        lines.append(
            f"Shards of {first} (filled to {soft['max_resources']} resources and "
            f"{soft['max_template_bytes']:,} template bytes; CloudFormation's limits "
            f"{limits.STACK_RESOURCES_MAX} and {limits.TEMPLATE_BODY_S3_MAX:,})"
        )
        for shard in placed["shards"]:
            report = by_name.get(shard["name"])
            units = len(shard["units"])
            if report is None:
                lines.append(f"  {shard['name']}: {units} unit(s), not synthesized")
                continue
            left = soft["max_resources"] - report.total
            bytes_left = soft["max_template_bytes"] - report.template_bytes
            lines.append(
                f"  {shard['name']}: {units} unit(s), {report.total} resources "
                f"({left} left), {report.template_bytes:,} bytes ({bytes_left:,} left)"
                + ("; above the fill limits" if left < 0 or bytes_left < 0 else "")
            )
        lines.extend(f"  warning: {w}" for w in placed.get("warnings", []))
    return lines


def compliance_findings(outdir: str | Path) -> list[str] | None:
    """Return cdk-nag's findings from the assembly (None: the checks did not run)."""
    marker = Path(outdir) / CHECKS_FILE
    if not marker.exists() or not json.loads(marker.read_text())["compliance_packs"]:
        return None
    path = Path(outdir) / "validation-report.json"
    if not path.exists():
        return None
    report = json.loads(path.read_text(encoding="utf-8"))
    return [
        f"{violation['ruleName']}: {construct['constructPath']}"
        for plugin in report.get("pluginReports", [])
        if plugin.get("pluginName") == "AwsSolutions"
        for violation in plugin.get("violations", [])
        for construct in violation.get("violatingConstructs", [])
    ]


def render(
    reports: list[StackReport],
    *,
    findings: list[str] | None = None,
    shards: dict[str, Any] | None = None,
) -> str:
    """Return the report as plain text tables, one per stack, then the shards
    (:func:`read_shards`) and the whole assembly's figures."""
    lines: list[str] = []
    for report in reports:
        env = report.environment.removeprefix("aws://")
        env = "environment-agnostic" if env == "unknown-account/unknown-region" else env
        lines.append(f"Stack {report.name} ({env})")
        width = max([len(t) for t in report.resources] + [len("resources")])
        for resource_type, count in report.resources.items():
            lines.append(f"  {resource_type:<{width}}  {count:>5}")
        lines.append(f"  {'-' * width}  -----")
        lines.append(
            f"  {'resources':<{width}}  {report.total:>5}  of {limits.STACK_RESOURCES_MAX} "
            f"({_percent(report.total, limits.STACK_RESOURCES_MAX)})"
        )
        lines.append(
            f"  {'template':<{width}}  {report.template_bytes:>5,} bytes: "
            f"{_percent(report.template_bytes, limits.TEMPLATE_BODY_INLINE_MAX)} of the "
            f"{limits.TEMPLATE_BODY_INLINE_MAX:,}-byte inline limit, "
            f"{_percent(report.template_bytes, limits.TEMPLATE_BODY_S3_MAX)} of the "
            f"{limits.TEMPLATE_BODY_S3_MAX:,}-byte limit from S3"
        )
        if report.template_bytes > limits.TEMPLATE_BODY_INLINE_MAX:
            lines.append(
                f"  {'':<{width}}  over the inline limit: cdk deploy uploads it to the "
                "bootstrap bucket, so the account must be bootstrapped"
            )
        if report.warnings:
            lines.append(f"  warnings ({len(report.warnings)}):")
            lines.extend(f"    {w}" for w in report.warnings)
        else:
            lines.append("  warnings: none")
        lines.append("")
    lines.extend(shard_lines(reports, shards or {}))
    # One estimate for the whole assembly: the free tier is the account's, once.
    lines.append("All stacks")
    lines.extend(prices.render(prices.estimate(dict(i for r in reports for i in r.cost_items))))
    if findings is None:
        lines.append("compliance (cdk-nag AwsSolutions): not run")
    else:
        lines.append(
            f"compliance (cdk-nag AwsSolutions): {len(findings)} unacknowledged finding(s)"
            if findings
            else "compliance (cdk-nag AwsSolutions): no unacknowledged findings"
        )
        lines.extend(f"  {f}" for f in findings)
    lines.extend(resource_alarm_lines(reports))
    lines.extend(compute_optimizer_reminders(reports))
    largest = max(reports, key=lambda r: r.template_bytes, default=None)
    if largest:
        lines.append(
            f"{len(reports)} stack(s); largest template {largest.name}, "
            f"{largest.template_bytes:,} bytes"
        )
    return "\n".join(lines)


def _percent(value: int, limit: int) -> str:
    return f"{100 * value / limit:.1f}%"


def resource_alarm_lines(reports: list[StackReport]) -> list[str]:
    """Return how many recommended alarms the resources got, whose they are, and the
    thresholds the blueprint derived (ours: worth a look before the first page)."""
    marked = [
        (path, resource["Metadata"][RECOMMENDED_ALARM_METADATA])
        for r in reports
        for path, resource in r.cost_items
        if RECOMMENDED_ALARM_METADATA in resource.get("Metadata", {})
    ]
    if not marked:
        return []
    sources = Counter(str(m.get("source")) for _, m in marked)
    origins = Counter(str(m.get("threshold_from")) for _, m in marked)
    resources = {str(m.get("resource")) for _, m in marked} - {"shared by the stack"}
    lines = [
        f"resource alarms: {len(marked)} on {len(resources)} resource(s), AWS's recommended "
        f"{sources.get('aws', 0)}, ours {sources.get('ours', 0)}; thresholds as AWS states "
        f"{origins.get('aws', 0)}, from the file {origins.get('file', 0)}, derived "
        f"{origins.get('derived', 0)}"
    ]
    lines += [
        f"  derived: {m.get('alarm')} on {m.get('resource')}: {m.get('threshold'):g}"
        for _, m in marked
        if m.get("threshold_from") == "derived"
    ]
    return lines


def compute_optimizer_reminders(reports: list[StackReport]) -> list[str]:
    """Return what to do outside CloudFormation for Compute Optimizer, and what its rules delete.

    Enrollment is an API call that synthesis cannot check offline; an automation
    rule needs Automation's own enrollment, and one that deletes volumes says so.
    """
    fleets = [
        path
        for r in reports
        for path, resource in r.cost_items
        if compute_optimizer.FLEET_METADATA in resource.get("Metadata", {})
    ]
    rules = [
        (path, resource)
        for r in reports
        for path, resource in r.cost_items
        if resource.get("Type") == "AWS::ComputeOptimizer::AutomationRule"
    ]
    lines: list[str] = []
    if fleets:
        lines.append(
            f"compute optimizer: {len(fleets)} fleet(s) publish memory for it; enrollment cannot "
            f"be checked offline: run `{compute_optimizer.ENROLLMENT_COMMAND}` once per account "
            f"(add {compute_optimizer.ORGANIZATION_FLAG} from the management account)"
        )
    for path, resource in rules:
        properties = resource.get("Properties", {})
        lines.append(
            f"compute optimizer automation rule {properties.get('Name', path)}: "
            f"{', '.join(properties.get('RecommendedActionTypes', []))}; needs "
            f"`{compute_optimizer.AUTOMATION_ENROLLMENT_COMMAND}` (not checked offline)"
        )
        if compute_optimizer.DELETES_VOLUMES_METADATA in resource.get("Metadata", {}) or (
            "SnapshotAndDeleteUnattachedEbsVolume" in properties.get("RecommendedActionTypes", [])
        ):
            scope = "" if properties.get("Criteria") else " (no criteria: every Region, any tags)"
            lines.append(
                f"  DESTRUCTIVE: it deletes unattached EBS volumes after taking a snapshot{scope}"
            )
    return lines
