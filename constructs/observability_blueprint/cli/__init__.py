"""The faces: the ``obs-blueprint`` command and the synth report."""

from observability_blueprint.cli.main import main

__all__ = ["main"]
