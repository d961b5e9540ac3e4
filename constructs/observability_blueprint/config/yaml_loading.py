"""Reading a blueprint file as YAML, with messages a person can act on.

Pure module: no aws_cdk import. Duplicate keys are errors (plain PyYAML keeps the
last one silently, which hides a mistake in a long file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from observability_blueprint.rules.errors import BlueprintError, Problem


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys in a mapping."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(path: Path) -> object:
    """Parse ``path``; raise BlueprintError (naming the file and line) if it is not YAML."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BlueprintError([Problem("", "no such file")], source=source) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BlueprintError([Problem("", f"cannot be read: {exc}")], source=source) from None
    return parse_yaml(text, source=source)


def parse_yaml(text: str, *, source: str = "<string>") -> object:
    """Parse YAML text; raise BlueprintError naming the line and column of a syntax error."""
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        what = exc.problem or str(exc)
        raise BlueprintError([Problem(where, f"not valid YAML: {what}")], source=source) from None
    except yaml.YAMLError as exc:
        raise BlueprintError([Problem("", f"not valid YAML: {exc}")], source=source) from None
