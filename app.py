#!/usr/bin/env python3
"""The CDK app: synthesizes the blueprint file named by the `blueprint` context.

cdk synth -c blueprint=examples/full.yaml     # default: blueprint.yaml
cdk synth -c replan=true                      # place every unit afresh (moves units)

A blueprint larger than one stack is placed into several; where each unit is goes to
the lock file beside the blueprint (blueprint.shards.json), written after a successful
synthesis: commit it (docs/sharding.md).
"""

import sys
from pathlib import Path

from observability_blueprint.cli.node import use_installed_node

use_installed_node()  # before aws_cdk starts jsii

from aws_cdk import App  # noqa: E402

from observability_blueprint import Blueprint, BlueprintError  # noqa: E402
from observability_blueprint.blueprint.stacks import (  # noqa: E402
    add_checks,
    build,
    placements,
    synthesize,
    write_locks,
)
from observability_blueprint.cli.report import record_checks, record_shards  # noqa: E402
from observability_blueprint.config.shard_lock import lock_path  # noqa: E402


def main() -> int:
    """Build and synthesize the app; print bad input as one message, no traceback."""
    app = App()
    path = app.node.try_get_context("blueprint") or "blueprint.yaml"
    checks = app.node.try_get_context("compliance_checks") not in (False, "false")
    replan = app.node.try_get_context("replan") in (True, "true")
    lock_file = lock_path(Path(path))
    try:
        config = Blueprint.from_yaml(path)
        stacks = build(app, config, lock_file=lock_file, replan=replan)
        add_checks(app, compliance=checks)
        synthesize(app)
    except BlueprintError as error:
        print(error if error.source else error.with_source(path), file=sys.stderr)
        return 1
    for placement in placements(stacks).values():
        for warning in placement.warnings:
            print(f"{path}: warning: {warning}", file=sys.stderr)
    for written in write_locks(stacks):
        print(f"{written}: written (commit it beside {path})", file=sys.stderr)
    record_checks(app.outdir, ran=checks)
    record_shards(app.outdir, dict(placements(stacks)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
