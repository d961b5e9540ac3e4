#!/usr/bin/env python3
"""The CDK app: synthesizes the blueprint file named by the `blueprint` context.

cdk synth -c blueprint=examples/full.yaml     # default: blueprint.yaml
"""

import sys

from aws_cdk import App

from observability_blueprint import Blueprint, BlueprintError
from observability_blueprint.blueprint_stack import add_compliance_checks, build
from observability_blueprint.report import record_checks


def main() -> int:
    """Build and synthesize the app; print bad input as one message, no traceback."""
    app = App()
    path = app.node.try_get_context("blueprint") or "blueprint.yaml"
    try:
        config = Blueprint.from_yaml(path)
        build(app, config)
    except BlueprintError as error:
        print(error if error.source else f"{path}: {error}", file=sys.stderr)
        return 1
    checks = app.node.try_get_context("compliance_checks") not in (False, "false")
    if checks:
        add_compliance_checks(app)
    try:
        app.synth()
    except RuntimeError as error:
        text = str(error)
        if "ValidationFailed" in text:
            # cdk-nag has printed its findings above; the traceback adds nothing.
            print(f"{path}: compliance checks failed: {text}", file=sys.stderr)
            return 1
        if "TooManyResourcesInStack" in text:
            print(
                f"{path}: {text.split('TooManyResourcesInStack: ')[-1].splitlines()[0]}. "
                "CloudFormation takes at most 500 resources per stack: split the workload "
                "into several blueprint files (one per team or service group)",
                file=sys.stderr,
            )
            return 1
        raise
    record_checks(app.outdir, ran=checks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
