"""Regexes run on RE2: hostile patterns finish, and give the answer a backtracking engine would.

No wall-clock assertion: each hostile case runs in a child process with a generous
timeout, so an engine that backtracks fails the test instead of hanging the suite.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from observability_blueprint.rules import filter_patterns
from observability_blueprint.rules.filter_patterns import FilterPatternError, parse

SOURCE_ROOT = str(Path(filter_patterns.__file__).resolve().parents[3])

# (pattern, event, expected): exponential or high-polynomial for a backtracking
# engine on a near miss, linear for RE2.
HOSTILE = [
    ("%a*a*a*a*a*a*a*a*a*a*b%", "a" * 5000, False),
    ("%a*a*a*a*a*a*a*a*a*a*b%", "a" * 5000 + "b", True),
    ("%^\\w*\\w*\\w*\\w*\\w*\\w*\\w*\\w*x$%", "a" * 5000 + "!", False),
    ("{ $.msg = %.*.*.*.*.*.*.*=x% }", '{"msg": "' + "=" * 5000 + '"}', False),
    ("[a = %^[a-z]*[a-z]*[a-z]*[a-z]*1$%, ...]", "b" * 5000 + " rest", False),
    ("%[ab]*a[ab]{20}c%", "ab" * 3000, False),
]


@pytest.mark.parametrize(("pattern", "event", "expected"), HOSTILE)
def test_a_hostile_regex_finishes_with_the_right_answer(
    pattern: str, event: str, expected: bool
) -> None:
    script = textwrap.dedent(
        """
        import sys
        from observability_blueprint.rules.filter_patterns import parse
        pattern, event = sys.argv[1], sys.argv[2]
        print(parse(pattern).matches(event))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, pattern, event],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PYTHONPATH": SOURCE_ROOT},
    )
    assert done.stdout.strip() == str(expected)


@pytest.mark.parametrize(
    ("pattern", "event", "expected"),
    [
        ("%a$%", "xa", True),
        ("%a$%", "xa\n", False),  # "$" is the end of the message, not before a final newline
        ("%^b%", "a\nb", False),  # "^" is the start of the message, not of a line
        ("%a.b%", "a\nb", True),  # "." matches a newline too
        ("%caf.%", "café", True),  # "." is one character, not one byte
        ("%\\x2D%", "a-b", True),
        ("%[\\x41-\\x43]x%", "Bx", True),
        ("%[.]%", "a", False),
        ("%\\d+%", "٣", False),  # \d is [0-9] only
        ("%a{2,}?%", "aa", True),
        ("%[Ee]rror|[Ff]ail%", "Failure", True),  # the page's own example
    ],
)
def test_the_translation_keeps_cloudwatch_semantics(
    pattern: str, event: str, expected: bool
) -> None:
    assert parse(pattern).matches(event) is expected


def test_a_regex_too_large_to_match_quickly_is_refused_with_its_size() -> None:
    with pytest.raises(FilterPatternError) as caught:
        parse("%" + "\\w{1000}" * 2 + "%")

    first = str(caught.value).split("\n")[0]
    assert first.startswith("this regex compiles to ")
    assert "instructions; the offline matcher takes at most 5,000" in first
    assert "lower the repetition counts" in first
    assert caught.value.position == 0


def test_a_long_but_ordinary_regex_is_accepted() -> None:
    uuid = "%[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}%"
    assert parse(uuid).matches("id=0f8fad5b-d9cb-469f-a165-70867728950e")
    assert parse("%.{500}x%").matches("y" * 600 + "x")


BLUEPRINT_SCRIPT = """
from observability_blueprint import Blueprint
long = "a" * 5000
Blueprint.from_dict({
    "name": "shop",
    "stage": "dev",
    "notifications": [{"name": "oncall", "subscribers": [{"email": "ops@example.com"}]}],
    "log_groups": [{"name": "api", "metric_filters": [{
        "name": "f", "pattern": "%a*a*a*a*a*a*a*a*a*a*b%", "namespace": "Shop", "metric": "F",
        "examples": {"match": [long + "b"], "no_match": [long]},
    }]}],
    "events": {"delivery": {"alarm_topic": "oncall"}, "alerts": [{
        "name": "w", "topics": ["oncall"],
        "pattern": {"source": ["aws.ec2"], "detail": {"state": [{"wildcard": "*a*a*a*a*a*a*a*b"}]}},
        "examples": {
            "match": [{"source": "aws.ec2", "detail": {"state": long + "b"}}],
            "no_match": [{"source": "aws.ec2", "detail": {"state": long}}],
        },
    }]},
})
print("valid")
"""


def test_the_blueprint_checks_hostile_examples_and_finishes() -> None:
    """The file path (validate and synthesis load it alike) with a %regex% and a wildcard."""
    done = subprocess.run(
        [sys.executable, "-c", BLUEPRINT_SCRIPT],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={"PYTHONPATH": SOURCE_ROOT},
    )
    assert done.stdout.strip() == "valid"
