"""Reading a blueprint file as YAML, with messages a person can act on, within bounds.

Pure module: no aws_cdk import. Duplicate keys are errors (plain PyYAML keeps the
last one silently, which hides a mistake in a long file); keys a merge (``<<:``)
brings in may be overridden, as YAML intends.

A hostile or broken file must not hang synthesis or exhaust memory, so the file
is read within bounds stated here: its size, how deep it nests, and how many
values it holds once its aliases (``*name``) are expanded. A few hundred bytes
of nested aliases can otherwise stand for billions of values. The bounds are
checked on the composed node graph, before any value is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import yaml

from observability_blueprint.rules.errors import BlueprintError, Problem

MAX_FILE_BYTES: Final = 2 * 1024 * 1024
"""A blueprint file is at most 2 MiB (about 5,000 services described in full)."""
MAX_DEPTH: Final = 32
"""Mappings and lists nest at most 32 deep (a blueprint needs about 8)."""
MAX_VALUES: Final = 500_000
"""At most 500,000 values once aliases are expanded."""

_MERGE_TAG: Final = "tag:yaml.org,2002:merge"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys in a mapping."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    # Only the keys written in this mapping must be unique; a merge brings in
    # defaults that they override.
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue
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
    loader.flatten_mapping(node)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(path: Path) -> object:
    """Parse ``path``; raise BlueprintError (naming the file and line) if it is not YAML."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BlueprintError([Problem("", _too_large(size))], source=source)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BlueprintError([Problem("", "no such file")], source=source) from None
    except UnicodeDecodeError as exc:
        raise BlueprintError(
            [Problem(_position(path.read_bytes(), exc.start), f"not UTF-8: {exc.reason}")],
            source=source,
        ) from None
    except OSError as exc:
        raise BlueprintError([Problem("", f"cannot be read: {exc}")], source=source) from None
    return parse_yaml(text, source=source)


def parse_yaml(text: str, *, source: str = "<string>") -> object:
    """Parse YAML text within the bounds above.

    Raises BlueprintError naming the line and column of a syntax error, or the
    bound a file exceeds.
    """
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise BlueprintError([Problem("", _too_large(len(text.encode("utf-8"))))], source=source)
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if problem := _bound_problem(node):
            raise BlueprintError([problem], source=source)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        what = exc.problem or str(exc)
        raise BlueprintError([Problem(where, f"not valid YAML: {what}")], source=source) from None
    except yaml.YAMLError as exc:
        raise BlueprintError([Problem("", f"not valid YAML: {exc}")], source=source) from None
    except RecursionError:
        raise BlueprintError(
            [Problem("", f"nests too deep; a blueprint nests at most {MAX_DEPTH} levels")],
            source=source,
        ) from None
    finally:
        loader.dispose()


def _too_large(size: int) -> str:
    return (
        f"is {size:,} bytes; a blueprint file is at most {MAX_FILE_BYTES:,} bytes "
        "(split a large workload into several files)"
    )


def _position(data: bytes, offset: int) -> str:
    """Line and column (1-based) of a byte offset."""
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return f"line {line}, column {column}"


def _bound_problem(root: yaml.Node) -> Problem | None:
    """Return the first bound ``root`` exceeds, without expanding its aliases.

    An alias is the same node object as its anchor, so each node's expanded size
    and depth are computed once (children first, without recursion) and reused.
    """
    sizes: dict[int, tuple[int, int]] = {}  # node id -> (values, depth), expanded
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children = _children(node)
        where = f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"
        if not children_done:
            if key in sizes:
                continue
            open_nodes.add(key)
            stack.append((node, True))
            for child in children:
                if id(child) in open_nodes:
                    return Problem(where, "an alias refers to a value that contains it")
                if id(child) not in sizes:
                    stack.append((child, False))
            continue
        open_nodes.discard(key)
        values = 1 + sum(sizes[id(child)][0] for child in children)
        depth = 1 + max((sizes[id(child)][1] for child in children), default=0)
        sizes[key] = (values, depth)
        if depth > MAX_DEPTH:
            return Problem(
                where, f"nests {depth} levels deep; a blueprint nests at most {MAX_DEPTH}"
            )
        if values > MAX_VALUES:
            return Problem(
                where,
                f"stands for {values:,} values once its aliases are expanded; a blueprint "
                f"holds at most {MAX_VALUES:,}",
            )
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
