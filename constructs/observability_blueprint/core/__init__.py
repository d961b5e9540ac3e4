"""CDK plumbing the construct areas share (below the areas, above rules/)."""

from observability_blueprint.core.delegation import (
    AlarmInterface,
    KeyInterface,
    LogGroupInterface,
    TopicInterface,
    implements_by_delegation,
)

__all__ = [
    "AlarmInterface",
    "KeyInterface",
    "LogGroupInterface",
    "TopicInterface",
    "implements_by_delegation",
]
