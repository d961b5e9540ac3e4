"""``obs-blueprint test-pattern PATTERN [FILE|-]``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from observability_blueprint.cli.test_pattern import test_pattern_main as run_test_pattern

ACCESS_LOG = (
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326\n'
    '10.0.0.7 - - [10/Oct/2000:13:55:40 -0700] "GET /index.html HTTP/1.0" 200 1043\n'
    "\n"
    '10.0.0.8 - bob [10/Oct/2000:13:56:02 -0700] "POST /login HTTP/1.1" 403 12\n'
)


def _run(argv: list[str], stdin_text: str = "") -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_test_pattern(argv, io.StringIO(stdin_text), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_space_delimited_matches_are_printed_with_their_fields(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text(ACCESS_LOG, encoding="utf-8")

    code, out, err = _run(["[ip, user, ..., status_code = 4*, size]", str(log)])

    assert code == 0
    assert err == ""
    assert out == (
        '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326\n'
        '  ip=127.0.0.1 user=- 3=frank 4="10/Oct/2000:13:55:36 -0700"'
        ' 5="GET /apache_pb.gif HTTP/1.0" status_code=404 size=2326\n'
        '10.0.0.8 - bob [10/Oct/2000:13:56:02 -0700] "POST /login HTTP/1.1" 403 12\n'
        '  ip=10.0.0.8 user=- 3=bob 4="10/Oct/2000:13:56:02 -0700"'
        ' 5="POST /login HTTP/1.1" status_code=403 size=12\n'
        "2 of 3 lines matched\n"
    )


def test_standard_input_is_read_when_no_file_is_given() -> None:
    events = '{"level": "ERROR", "latency_ms": 730}\n{"level": "INFO", "latency_ms": 12}\n'

    code, out, _ = _run(['{ $.level = "ERROR" && $.latency_ms > 500 }'], events)

    assert code == 0
    assert out == '{"level": "ERROR", "latency_ms": 730}\n1 of 2 lines matched\n'


def test_a_dash_reads_standard_input_too() -> None:
    code, out, _ = _run(["ERROR", "-"], "ERROR one\nINFO two\r\n")

    assert code == 0
    assert out == "ERROR one\n1 of 2 lines matched\n"


def test_no_match_exits_with_one() -> None:
    code, out, _ = _run(["%FATAL%"], "ERROR one\nINFO two\n")

    assert code == 1
    assert out == "0 of 2 lines matched\n"


def test_a_syntax_error_prints_the_caret_message_and_exits_with_two() -> None:
    code, out, err = _run(['{ $.level "ERROR" }'], "ignored\n")

    assert code == 2
    assert out == ""
    assert err == (
        "obs-blueprint test-pattern: invalid filter pattern: expected a comparison operator"
        " (=, !=, <, <=, >, >=, IS, NOT EXISTS) after selector $.level\n"
        '  { $.level "ERROR" }\n'
        "            ^\n"
    )
    assert "Traceback" not in err


def test_a_pattern_starting_with_a_dash_follows_a_double_dash() -> None:
    code, out, _ = _run(["--", "-DEBUG"], "DEBUG one\nINFO two\n")

    assert code == 0
    assert out == "INFO two\n1 of 2 lines matched\n"


def test_ignored_question_mark_terms_are_noted_on_stderr() -> None:
    code, _, err = _run(["?ERROR ?WARN REQUEST"], "GET REQUEST\n")

    assert code == 0
    assert "note: the ?terms are ignored" in err


def test_an_unreadable_file_exits_with_two(tmp_path: Path) -> None:
    missing = tmp_path / "missing.log"

    code, out, err = _run(["ERROR", str(missing)])

    assert code == 2
    assert out == ""
    assert err == f"obs-blueprint test-pattern: cannot read {missing}: No such file or directory\n"


@pytest.mark.parametrize("argv", [[], ["a", "b", "c"], ["--"]])
def test_a_wrong_number_of_arguments_prints_the_usage(argv: list[str]) -> None:
    code, out, err = _run(argv)

    assert code == 2
    assert out == ""
    assert err.startswith("usage: obs-blueprint test-pattern [--] PATTERN [FILE|-]\n")


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_goes_to_stdout(flag: str) -> None:
    code, out, err = _run([flag])

    assert code == 0
    assert out.startswith("usage: obs-blueprint test-pattern")
    assert "N of M lines matched" in out
    assert err == ""
