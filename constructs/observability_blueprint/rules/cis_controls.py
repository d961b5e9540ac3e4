"""The CIS / Security Hub CloudWatch alarm controls: load, select, override, validate.

Pure module: no aws_cdk import. The patterns live in one data file,
``data/cis_controls.json``, keyed by standard version with their source, and
reach the template byte for byte: Security Hub looks for the exact pattern on
the trail's log group, so a reformatted pattern fails its control.

Typical use::

    controls, problems, warnings = select_controls(
        "security-hub", disabled=["CloudWatch.12"], overrides={}
    )
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any, Final

from observability_blueprint.rules import limits
from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.metric_filters import PatternExamples, check_pattern
from observability_blueprint.rules.metric_names import check_custom_namespace

DATA_FILE: Final = "cis_controls.json"


@cache
def _data() -> dict[str, Any]:
    text = (
        resources.files("observability_blueprint.rules")
        .joinpath("data", DATA_FILE)
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


DEFAULT_STANDARD: Final = "security-hub"
"""The current Security Hub CloudWatch.1-14 patterns plus CIS 4.15."""
DEFAULT_NAMESPACE: Final = "LogMetrics"
"""Namespace of the CIS metrics, as Security Hub's remediation uses it."""
DEFAULT_METRIC_VALUE: Final = "1"
"""Each matching event counts one."""


@dataclass(frozen=True, kw_only=True)
class CisControl:
    """One alarm control: the events it counts and where the pattern comes from.

    Parameters
    ----------
    id
        Control id as Security Hub (``CloudWatch.4``) or CIS (``CIS 4.15``) names it.
    subject
        What it watches, in a few words.
    cis
        Benchmark section by benchmark version (``{"1.2": "3.4", "1.4": "4.4"}``).
    metric_name
        Metric the filter publishes.
    pattern
        The metric filter pattern, exactly as published.
    source
        Where the pattern is published.
    examples
        Minimal CloudTrail records the pattern must (not) match.
    published
        The pattern is the published one (False once overridden).
    """

    id: str
    subject: str
    cis: Mapping[str, str]
    metric_name: str
    pattern: str
    source: str
    examples: PatternExamples | None = None
    published: bool = True

    @property
    def slug(self) -> str:
        """A name for construct IDs and physical names: ``cloudwatch-4``, ``cis-4-15``."""
        return re.sub(r"[^a-z0-9]+", "-", self.id.lower()).strip("-")

    def describe(self) -> str:
        """Return the alarm description: the control id first, then what it watches."""
        sections = ", ".join(f"CIS {version} {section}" for version, section in self.cis.items())
        text = f"{self.id}: {self.subject}"
        if sections:
            text += f" ({sections})"
        if self.published:
            return (
                f"{text}. Counts CloudTrail events matching the published pattern ({self.source})."
            )
        return (
            f"{text}. Counts CloudTrail events matching a pattern changed from the published one."
        )


@dataclass(frozen=True, kw_only=True)
class ControlOverride:
    """Changes to one control: another pattern and/or metric name.

    Changing the pattern of a control means Security Hub no longer finds the
    pattern it checks: the control fails.
    """

    pattern: str | None = None
    metric_name: str | None = None


def standards() -> tuple[str, ...]:
    """Return the standard versions the data file holds (aliases included)."""
    data = _data()
    return (*data["standards"], *data["aliases"])


def standard_source(standard: str) -> str:
    """Return where the patterns of ``standard`` are published."""
    data = _data()
    return str(data["standards"][data["aliases"].get(standard, standard)]["source"])


def check_standard(standard: str) -> str | None:
    """Return why ``standard`` is not a known standard version, or None."""
    known = standards()
    if standard in known:
        return None
    suggestion = limits.closest(standard, known)
    hint = f"did you mean {suggestion!r}? " if suggestion else ""
    return f"{cut(standard)!r} is not a CIS pattern set; {hint}use one of {', '.join(known)}"


def load_controls(standard: str = DEFAULT_STANDARD) -> tuple[CisControl, ...]:
    """Return the controls of a standard version, in the order they are published.

    Raises
    ------
    KeyError
        For an unknown standard (use :func:`check_standard` first).
    """
    return _load(standard)


@cache
def _load(standard: str) -> tuple[CisControl, ...]:
    data = _data()
    name = data["aliases"].get(standard, standard)
    entry = data["standards"][name]
    if "extends" in entry:
        base = {c.id: c for c in _load(entry["extends"])}
        for control_id, change in entry["replace"].items():
            base[control_id] = replace(
                base[control_id],
                pattern=change["pattern"],
                source=change["source"],
                examples=_examples(change.get("examples")),
            )
        return tuple(base.values())
    return tuple(
        CisControl(
            id=item["id"],
            subject=item["subject"],
            cis=dict(item["cis"]),
            metric_name=item["metric"],
            pattern=item["pattern"],
            source=item["source"],
            examples=_examples(item.get("examples")),
        )
        for item in entry["controls"]
    )


def _examples(data: Mapping[str, Sequence[str]] | None) -> PatternExamples | None:
    if not data:
        return None
    return PatternExamples(tuple(data.get("match", ())), tuple(data.get("no_match", ())))


def _unknown(value: str, known: Sequence[str]) -> str:
    suggestion = limits.closest(value, list(known))
    hint = f"did you mean {suggestion!r}? " if suggestion else ""
    return f"{cut(value)!r} is not a CIS alarm control; {hint}known controls: {', '.join(known)}"


@dataclass(frozen=True)
class Selection:
    """The controls a pack creates, what is wrong, and what Security Hub will fail.

    ``problems`` are errors (locations relative: ``disabled[2]``,
    ``overrides.CloudWatch.4.pattern``); ``warnings`` name the controls Security Hub
    will report as failed.
    """

    controls: tuple[CisControl, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def select_controls(
    standard: str = DEFAULT_STANDARD,
    *,
    disabled: Sequence[str] = (),
    overrides: Mapping[str, ControlOverride] | None = None,
    claim_compliance: bool = True,
) -> Selection:
    """Return the controls left after disabling and overriding, with problems and warnings.

    Parameters
    ----------
    standard
        A standard version of the data file. Default: the current Security Hub set.
    disabled
        Control ids to leave out.
    overrides
        Control id to its changes.
    claim_compliance
        The pack is meant to pass Security Hub's controls: a changed pattern or a
        disabled control is then reported as a warning naming the control that
        Security Hub will fail.
    """
    overrides = dict(overrides or {})
    message = check_standard(standard)
    if message:
        return Selection((), (Problem("standard", message),), ())
    controls = load_controls(standard)
    known = [c.id for c in controls]
    problems: list[Problem] = []
    warnings: list[Problem] = []
    seen: dict[str, int] = {}
    for index, control_id in enumerate(disabled):
        where = f"disabled[{index}]"
        if control_id not in known:
            problems.append(Problem(where, _unknown(control_id, known)))
        elif control_id in seen:
            problems.append(
                Problem(
                    where,
                    f"{cut(control_id)!r} is already listed at disabled[{seen[control_id]}]",
                )
            )
        elif control_id in overrides:
            problems.append(
                Problem(
                    where,
                    f"{cut(control_id)!r} is both disabled and overridden; keep one of the two",
                )
            )
        elif claim_compliance:
            warnings.append(
                Problem(
                    where,
                    f"{control_id} is disabled: Security Hub will report control {control_id} "
                    "as FAILED (no metric filter and alarm for it)",
                )
            )
        seen.setdefault(control_id, index)
    by_id = {c.id: c for c in controls}
    for control_id, change in overrides.items():
        where = f"overrides.{control_id}"
        if control_id not in by_id:
            problems.append(Problem(where, _unknown(control_id, known)))
            continue
        if change.pattern is not None:
            if message := check_pattern(change.pattern):
                problems.append(Problem(f"{where}.pattern", message))
            elif change.pattern != by_id[control_id].pattern and claim_compliance:
                warnings.append(
                    Problem(
                        f"{where}.pattern",
                        f"changes the published pattern of {control_id}: Security Hub looks for "
                        f"the exact pattern and will report control {control_id} as FAILED. "
                        "Keep the published pattern, or set claim_compliance: false if the pack "
                        "is not meant to pass Security Hub",
                    )
                )
        if change.metric_name is not None and (
            not change.metric_name
            or len(change.metric_name) > limits.METRIC_NAME_MAX
            or not limits.METRIC_NAME_RE.fullmatch(change.metric_name)
        ):
            problems.append(
                Problem(
                    f"{where}.metric",
                    f"{cut(change.metric_name)!r} is not a metric name; use 1 to "
                    f"{limits.METRIC_NAME_MAX} characters without ':', '*' or '$'",
                )
            )
    if problems:
        return Selection((), tuple(problems), tuple(warnings))
    selected: list[CisControl] = []
    for control in controls:
        if control.id in disabled:
            continue
        wanted = overrides.get(control.id)
        if wanted is not None:
            changed = wanted.pattern is not None and wanted.pattern != control.pattern
            control = replace(
                control,
                pattern=wanted.pattern if wanted.pattern is not None else control.pattern,
                metric_name=wanted.metric_name or control.metric_name,
                examples=None if changed else control.examples,
                published=not changed,
            )
        selected.append(control)
    return Selection(tuple(selected), (), tuple(warnings))


check_namespace = check_custom_namespace
"""The pack publishes its metrics: a custom namespace (one rule for every filter)."""
