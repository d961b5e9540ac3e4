#!/usr/bin/env python3
"""The CDK app: synthesizes the blueprint file named by the `blueprint` context.

cdk synth -c blueprint=examples/full.yaml     # default: blueprint.yaml
"""

import sys

from observability_blueprint.cli.node import use_installed_node

use_installed_node()  # before aws_cdk starts jsii

from aws_cdk import App  # noqa: E402

from observability_blueprint import Blueprint, BlueprintError  # noqa: E402
from observability_blueprint.blueprint.stacks import (  # noqa: E402
    add_checks,
    build,
    synthesize,
)
from observability_blueprint.cli.report import record_checks  # noqa: E402


def main() -> int:
    """Build and synthesize the app; print bad input as one message, no traceback."""
    app = App()
    path = app.node.try_get_context("blueprint") or "blueprint.yaml"
    checks = app.node.try_get_context("compliance_checks") not in (False, "false")
    try:
        config = Blueprint.from_yaml(path)
        build(app, config)
        add_checks(app, compliance=checks)
        synthesize(app)
    except BlueprintError as error:
        print(error if error.source else error.with_source(path), file=sys.stderr)
        return 1
    record_checks(app.outdir, ran=checks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
