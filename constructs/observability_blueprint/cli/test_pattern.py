"""``obs-blueprint test-pattern``: a filter pattern against log lines, like the console's test."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from observability_blueprint.rules.filter_patterns._errors import FilterPatternError
from observability_blueprint.rules.filter_patterns._pattern import FilterPattern, parse

USAGE = "usage: obs-blueprint test-pattern [--] PATTERN [FILE|-]"
HELP = f"""{USAGE}

Test a CloudWatch Logs filter pattern against log events, one per line, offline.

positional arguments:
  PATTERN   the filter pattern, e.g. '{{ $.level = "ERROR" }}' or '[ip, ..., status=5*, size]'
  FILE      a file of log events, one per line; - or nothing reads standard input

Prints each matching line (and, for a space-delimited pattern, the fields it
extracts), then "N of M lines matched". Blank lines are skipped: CloudWatch Logs
does not accept empty events. Put -- before a pattern that starts with -.

exit status: 0 when a line matched, 1 when none did, 2 for an invalid pattern or
unreadable input.
"""

EXIT_MATCHED = 0
EXIT_NO_MATCH = 1
EXIT_USAGE = 2


def test_pattern_main(argv: list[str], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """Run ``obs-blueprint test-pattern PATTERN [FILE|-]``.

    Parameters
    ----------
    argv
        The arguments after ``test-pattern``.
    stdin, stdout, stderr
        The streams to read events from (with ``-``) and to report on.

    Returns
    -------
    int
        0 when at least one line matched, 1 when none did, 2 on a syntax error,
        a usage error or unreadable input.
    """
    arguments = list(argv)
    if arguments[:1] in (["-h"], ["--help"]):
        stdout.write(HELP)
        return EXIT_MATCHED
    if arguments[:1] == ["--"]:
        arguments = arguments[1:]
    if not 1 <= len(arguments) <= 2:
        stderr.write(
            f"{USAGE}\nobs-blueprint test-pattern: expected a PATTERN and at most one FILE\n"
        )
        return EXIT_USAGE
    source = arguments[1] if len(arguments) == 2 else "-"
    try:
        pattern = parse(arguments[0])
    except FilterPatternError as error:
        stderr.write(f"obs-blueprint test-pattern: invalid filter pattern: {error}\n")
        return EXIT_USAGE
    for warning in pattern.warnings:
        stderr.write(f"obs-blueprint test-pattern: note: {warning}\n")
    if source == "-":
        return _report(pattern, stdin, stdout)
    try:
        # Opened outside a with-block so that only opening errors count as bad input.
        lines = open(source, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as error:
        stderr.write(f"obs-blueprint test-pattern: cannot read {source}: {error.strerror}\n")
        return EXIT_USAGE
    with lines:
        return _report(pattern, lines, stdout)


def _report(pattern: FilterPattern, lines: Iterable[str], stdout: TextIO) -> int:
    show_fields = pattern.kind == "space"
    total = matched = 0
    for line in lines:
        event = line.rstrip("\r\n")
        if not event.strip():
            continue
        total += 1
        if not pattern.matches(event):
            continue
        matched += 1
        stdout.write(event + "\n")
        if show_fields:
            values = pattern.extract(event) or {}
            shown = " ".join(f"{key}={_shown(value)}" for key, value in values.items())
            stdout.write(f"  {shown}\n")
    stdout.write(f"{matched} of {total} lines matched\n")
    return EXIT_MATCHED if matched else EXIT_NO_MATCH


def _shown(value: str) -> str:
    """Quote a value with blanks (or none at all) so the key=value list stays readable."""
    if value and not any(char.isspace() or char == '"' for char in value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
