"""The offline EventBridge matcher against the test suite of aws/event-ruler.

event-ruler is the matcher EventBridge runs (https://github.com/aws/event-ruler).
Its tests are the reference here: ``event_ruler/byte_machine.json`` is extracted
from ByteMachineTest.java by ``event_ruler/extract.py``; ``ruler_and_compiler.json``
is transcribed from RulerTest.java and JsonRuleCompilerTest.java. Every case must
agree, except those listed with their reason in ``differences.json``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from observability_blueprint.rules.event_patterns import matches, pattern_problems

HERE = Path(__file__).parent / "event_ruler"


@cache
def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / name).read_text(encoding="utf-8"))
    return data


def _match_cases() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for name in ("byte_machine.json", "ruler_and_compiler.json"):
        data = _load(name)
        for case in data["cases"]:
            found.append((case.get("source", data.get("source", "")), case["test"], case))
    return found


def _differences(kind: str) -> dict[tuple[str, str], str]:
    listed = _load("differences.json")[kind]
    key = "rule" if kind == "syntax" else "case"
    return {(d["test"], json.dumps(d[key], sort_keys=True)): d["reason"] for d in listed}


MATCH_CASES = _match_cases()
SYNTAX_CASES = _load("ruler_and_compiler.json")["syntax"]


def _decides(case: dict[str, Any]) -> bool | str:
    """Our answer: whether the pattern matches, or the first problem when it is refused."""
    problems = pattern_problems(case["pattern"])
    if problems:
        return str(problems[0])
    return matches(case["pattern"], case["event"])


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=f"{test}-{index}") for index, (_, test, case) in enumerate(MATCH_CASES)],
)
def test_a_match_case_agrees_with_event_ruler(case: dict[str, Any]) -> None:
    reason = _differences("cases").get((case["test"], json.dumps(case, sort_keys=True)))
    ours = _decides(case)
    if reason is None:
        assert ours is case["matches"], (case, ours)
    else:
        assert ours is not case["matches"], f"listed as differing but agrees: {reason}"


def _valid(rule: str) -> bool:
    try:
        parsed = json.loads(rule)
    except ValueError:
        return False  # the blueprint's parser refuses the file before the engine sees it
    return not pattern_problems(parsed)


@pytest.mark.parametrize(
    "case", [pytest.param(case, id=f"{case['test']}-{i}") for i, case in enumerate(SYNTAX_CASES)]
)
def test_a_rule_is_refused_when_event_ruler_refuses_it(case: dict[str, Any]) -> None:
    reason = _differences("syntax").get((case["test"], json.dumps(case["rule"], sort_keys=True)))
    if reason is None:
        assert _valid(case["rule"]) is case["valid"], case["rule"]
    else:
        assert _valid(case["rule"]) is not case["valid"], (
            f"listed as differing but agrees: {reason}"
        )


def test_the_corpus_is_large_and_agreement_is_counted() -> None:
    """The numbers the issue asks for; a shrinking corpus fails here."""
    agreeing = sum(_decides(case) is case["matches"] for _, _, case in MATCH_CASES)
    syntax_agreeing = sum(_valid(case["rule"]) is case["valid"] for case in SYNTAX_CASES)
    assert (len(MATCH_CASES), agreeing) == (2152, 2152)
    assert (len(SYNTAX_CASES), syntax_agreeing) == (166, 164)
    assert len(_load("differences.json")["syntax"]) == len(SYNTAX_CASES) - syntax_agreeing
    assert _load("byte_machine.json")["not_imported"] == []


def test_every_source_test_is_named() -> None:
    sources = {source for source, _, _ in MATCH_CASES} | {c["source"] for c in SYNTAX_CASES}
    assert all(s.startswith("src/test/") for s in sources)
    tests = {test for _, test, _ in MATCH_CASES}
    assert len(tests) >= 150
