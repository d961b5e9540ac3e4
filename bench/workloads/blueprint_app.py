"""Variant (a): the reference workload as a blueprint file, synthesized as ``app.py`` does.

python bench/workloads/blueprint_app.py N OUTDIR [FILE]

Reads FILE (without one, first writes the generated file of N services to
``OUTDIR/../bench-N.yaml``), builds the blueprint's stacks, registers the same
checks as ``app.py`` (the deploy rules, and cdk-nag's AwsSolutions pack unless
``BENCH_COMPLIANCE=0``) and synthesizes into OUTDIR. Set ``BENCH_REPORT`` /
``BENCH_PROFILE`` for phase times, jsii call counts and profiles (see
:mod:`phases`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Before aws_cdk: it counts jsii calls.
from phases import PHASES

with PHASES.phase("import"):
    from observability_blueprint.cli.node import use_installed_node

    use_installed_node()  # before aws_cdk starts jsii

    from aws_cdk import App

    from observability_blueprint import Blueprint
    from observability_blueprint.blueprint.stacks import add_checks, build, synthesize


def write_file(services: int, path: Path) -> None:
    """Write the generated blueprint file of ``services`` services to ``path``."""
    import yaml
    from reference import blueprint_config

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(blueprint_config(services), sort_keys=False))


def main(argv: list[str]) -> int:
    """Synthesize variant (a) into OUTDIR."""
    services, outdir = int(argv[1]), Path(argv[2])
    path = Path(argv[3]) if len(argv) > 3 else outdir.parent / f"bench-{services}.yaml"
    if len(argv) <= 3:
        write_file(services, path)
    with PHASES.phase("read+validate"):
        config = Blueprint.from_yaml(path)
    with PHASES.phase("build"):
        app = App(outdir=str(outdir))
        build(app, config)
        add_checks(app, compliance=os.environ.get("BENCH_COMPLIANCE", "1") != "0")
    with PHASES.phase("synth"):
        synthesize(app)
    PHASES.write()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
