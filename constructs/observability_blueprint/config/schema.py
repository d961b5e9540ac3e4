"""The JSON Schema of the blueprint file, generated from the config model.

Shipped as ``blueprint.schema.json`` so editors (the YAML language server)
complete and check blueprint files; a test keeps the shipped file equal to this.
"""

from __future__ import annotations

from typing import Any

from observability_blueprint.config.blueprint import Blueprint


def blueprint_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a blueprint file."""
    schema = Blueprint.model_json_schema(mode="validation", by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
    }
