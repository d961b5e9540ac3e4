"""The blueprint file: pydantic models per section, loading, error rendering, JSON Schema.

Imports rules/ only. The whole file is :class:`Blueprint`
(``observability_blueprint.config.blueprint``).
"""
