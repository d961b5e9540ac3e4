"""The ``obs-blueprint`` command: report, validate, schema, test-pattern, query, grafana push,
prometheus manifest."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from observability_blueprint.config.blueprint import Blueprint
    from observability_blueprint.rules.errors import Problem


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit code."""
    parser = argparse.ArgumentParser(prog="obs-blueprint", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="summarize a synthesized cloud assembly")
    report.add_argument("outdir", nargs="?", default="cdk.out")
    validate = commands.add_parser(
        "validate",
        help="check a blueprint file as synthesis does (it builds the app, writing no templates)",
    )
    validate.add_argument("file", nargs="?", default="blueprint.yaml")
    validate.add_argument(
        "--no-compliance-checks",
        action="store_true",
        help="skip cdk-nag's AwsSolutions pack (not the deploy rules), as "
        "`cdk synth -c compliance_checks=false` does",
    )
    commands.add_parser("schema", help="print the JSON Schema of the blueprint file")
    commands.add_parser(
        "test-pattern",
        help="test a metric filter pattern against log lines",
        add_help=False,
    )
    _add_query(commands)
    _add_grafana_and_prometheus(commands)
    args, rest = parser.parse_known_args(argv)
    if args.command == "test-pattern":
        from observability_blueprint.cli.test_pattern import test_pattern_main

        return test_pattern_main(list(rest), sys.stdin, sys.stdout, sys.stderr)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "report":
        from observability_blueprint.cli.report import (
            compliance_findings,
            read_assembly,
            read_shards,
            render,
        )

        try:
            reports = read_assembly(args.outdir)
        except (FileNotFoundError, ValueError, KeyError) as error:
            print(
                f"{args.outdir}: not a cloud assembly ({type(error).__name__}: "
                f"{str(error)[:200]}); run `make synth` or `cdk synth` first",
                file=sys.stderr,
            )
            return 2
        print(
            render(
                reports,
                findings=compliance_findings(args.outdir),
                shards=read_shards(args.outdir),
            )
        )
        return 0
    if args.command == "validate":
        return _validate(args.file, compliance_checks=not args.no_compliance_checks)
    if args.command == "query":
        from observability_blueprint.cli.query import run_query_command

        return run_query_command(args)
    if args.command == "grafana":
        from observability_blueprint.cli.grafana import run_grafana_command

        return run_grafana_command(args)
    if args.command == "prometheus":
        from observability_blueprint.cli.prometheus import run_prometheus_command

        return run_prometheus_command(args)
    from observability_blueprint.config.schema import blueprint_schema

    print(json.dumps(blueprint_schema(), indent=2))
    return 0


def _add_query(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``obs-blueprint query``: its arguments, help and exit codes live in cli/query.py."""
    from observability_blueprint.cli.query import add_query_parser

    add_query_parser(commands)


def _add_grafana_and_prometheus(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """``grafana push`` and ``prometheus manifest``: cli/grafana.py and cli/prometheus.py."""
    from observability_blueprint.cli.grafana import add_grafana_parser
    from observability_blueprint.cli.prometheus import add_prometheus_parser

    add_grafana_parser(commands)
    add_prometheus_parser(commands)


def _validate(path: str, *, compliance_checks: bool) -> int:
    from observability_blueprint.rules.errors import BlueprintError

    try:
        warnings = validate_file(path, compliance_checks=compliance_checks)
    except BlueprintError as error:
        print(error if error.source else error.with_source(path), file=sys.stderr)
        return 1
    print(f"{path}: valid")
    for warning in warnings:
        print(f"{path}: warning: {warning}", file=sys.stderr)
    return 0


def validate_file(path: str | Path, *, compliance_checks: bool = True) -> list[str]:
    """Make every check synthesis makes on a blueprint file; return its warnings.

    The file is read and validated, then the app is built and synthesized as
    ``cdk synth -c blueprint=PATH`` does it (``app.py``: the same stacks, the
    deploy rules, the compliance pack unless ``compliance_checks`` is false, the
    feature flags of ``./cdk.json`` when there is one), into a temporary directory that is then
    removed. So a file that synthesis refuses (more than 500 resources in a
    stack, a value a construct refuses) is refused here too, with the same
    message. Raises :class:`BlueprintError`.

    Returns the warnings: those of the file (``hosts.fleets[0]...: ...``), then
    those of the synthesized stacks (``/stack/construct: ...``).
    """
    from observability_blueprint.config.blueprint import Blueprint

    config = Blueprint.from_yaml(path)
    file_warnings = _file_warnings(config)
    warnings = [str(w) for w in file_warnings]
    with tempfile.TemporaryDirectory(prefix="obs-blueprint-validate-") as outdir:
        _synthesize(config, outdir, compliance_checks=compliance_checks, source=str(path))
        from observability_blueprint.cli.report import read_assembly

        for report in read_assembly(outdir):
            # A construct's warning that says what the file's warning says is said once,
            # at the file's place.
            warnings += [
                w for w in report.warnings if not any(f.message in w for f in file_warnings)
            ]
    return warnings


def _file_warnings(config: Blueprint) -> list[Problem]:
    """What the file holds that is valid but unwise (synthesis warns on its constructs)."""
    if config.hosts is None:
        return []
    from observability_blueprint.config.hosts import hosts_warnings

    return list(hosts_warnings(config.hosts))


def _synthesize(config: Blueprint, outdir: str, *, compliance_checks: bool, source: str) -> None:
    """Build and synthesize ``config`` as app.py does; raise BlueprintError on any failure."""
    from observability_blueprint.cli.node import use_installed_node

    use_installed_node()  # before aws_cdk starts jsii
    from aws_cdk import App

    from observability_blueprint.blueprint.stacks import add_checks, build, synthesize
    from observability_blueprint.cli.deployed import HeldOutput, cdk_context
    from observability_blueprint.config.shard_lock import lock_path
    from observability_blueprint.rules.errors import BlueprintError, Problem

    app = App(context=cdk_context(), outdir=outdir)
    node_output = HeldOutput()
    real_stderr, sys.stderr = sys.stderr, node_output
    try:
        # The lock file is followed (as app.py does), never written: validating changes no file.
        build(app, config, lock_file=lock_path(Path(source)))
        add_checks(app, compliance=compliance_checks)  # as app.py does
        synthesize(app)
    except BlueprintError:
        # What aws-cdk-lib printed (the validation report) holds the findings' details.
        sys.stderr = real_stderr
        print(node_output.text(), end="", file=sys.stderr)
        raise
    except Exception as error:  # jsii's errors: a message, not a traceback
        first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise BlueprintError(
            [
                Problem(
                    "",
                    f"synthesis failed in aws-cdk-lib although the file passed the blueprint's "
                    f"checks (please report it): {first[:500]}",
                )
            ],
            source=source,
        ) from None
    finally:
        # On success the report repeats the warnings validate prints from the assembly.
        sys.stderr = real_stderr


if __name__ == "__main__":
    sys.exit(main())
