"""CDK plumbing the construct areas share (below the areas, above rules/)."""

from observability_blueprint.core.delegation import (
    AlarmInterface,
    KeyInterface,
    LogGroupInterface,
    TopicInterface,
    implements_by_delegation,
)
from observability_blueprint.core.targets import INPUT_MAX, check_target_input

__all__ = [
    "INPUT_MAX",
    "AlarmInterface",
    "KeyInterface",
    "LogGroupInterface",
    "TopicInterface",
    "check_target_input",
    "implements_by_delegation",
]
