"""The schedule checker against every expression the EventBridge cron and rate reference shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from observability_blueprint.rules.event_schedules import check_schedule

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "eventbridge_schedules.json").read_text(encoding="utf-8")
)["cases"]


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=f"{c['section']}: {c['expression']}") for c in CASES]
)
def test_the_reference_examples_are_judged_as_the_page_says(case: dict[str, Any]) -> None:
    problem = check_schedule(case["expression"])
    assert (problem is None) is case["valid"], problem


def test_every_case_agrees() -> None:
    agreeing = sum((check_schedule(c["expression"]) is None) is c["valid"] for c in CASES)
    assert (len(CASES), agreeing) == (29, 29)
