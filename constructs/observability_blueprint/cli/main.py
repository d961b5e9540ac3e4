"""The ``obs-blueprint`` command: report, validate, schema, test-pattern."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit code."""
    parser = argparse.ArgumentParser(prog="obs-blueprint", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="summarize a synthesized cloud assembly")
    report.add_argument("outdir", nargs="?", default="cdk.out")
    validate = commands.add_parser("validate", help="check a blueprint file without synthesizing")
    validate.add_argument("file", nargs="?", default="blueprint.yaml")
    commands.add_parser("schema", help="print the JSON Schema of the blueprint file")
    commands.add_parser(
        "test-pattern",
        help="test a metric filter pattern against log lines",
        add_help=False,
    )
    args, rest = parser.parse_known_args(argv)
    if args.command == "test-pattern":
        from observability_blueprint.cli.test_pattern import test_pattern_main

        return test_pattern_main(list(rest), sys.stdin, sys.stdout, sys.stderr)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "report":
        from observability_blueprint.cli.report import compliance_findings, read_assembly, render

        print(render(read_assembly(args.outdir), findings=compliance_findings(args.outdir)))
        return 0
    if args.command == "validate":
        from observability_blueprint.config.blueprint import Blueprint
        from observability_blueprint.rules.errors import BlueprintError

        try:
            Blueprint.from_yaml(args.file)
        except BlueprintError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"{args.file}: valid")
        return 0
    from observability_blueprint.config.schema import blueprint_schema

    print(json.dumps(blueprint_schema(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
