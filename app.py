#!/usr/bin/env python3
"""The CDK app: synthesizes the blueprint file named by the `blueprint` context.

cdk synth -c blueprint=examples/full.yaml     # default: blueprint.yaml
"""

import sys

from aws_cdk import App

from observability_blueprint import Blueprint, BlueprintError
from observability_blueprint.blueprint_stack import add_compliance_checks, build


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
    if app.node.try_get_context("compliance_checks") not in (False, "false"):
        add_compliance_checks(app)
    try:
        app.synth()
    except RuntimeError as error:
        if "ValidationFailed" not in str(error):
            raise
        # cdk-nag has printed its findings above; the traceback adds nothing.
        print(f"{path}: compliance checks failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
