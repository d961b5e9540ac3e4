"""Reading a blueprint file as YAML, with messages a person can act on, within bounds.

Pure module: no aws_cdk import. Duplicate keys are errors (plain PyYAML keeps the
last one silently, which hides a mistake in a long file); keys a merge (``<<:``)
brings in may be overridden, as YAML intends. Every key is text: a key YAML
reads as a number, a boolean, null, a date, a list or a mapping is refused at
its line and column (a config path is made of text keys).

A hostile or broken file must not hang synthesis or exhaust memory, so the file
is read within bounds stated here: its size, how deep it nests, how many values
it holds once its aliases (``*name``) are expanded, and how many digits a number
has. A few hundred bytes of nested aliases can otherwise stand for billions of
values. The bounds are checked on the composed node graph, before any value is
built.

The file is read as YAML 1.1, as PyYAML reads it: ``no`` is false, ``0123`` an
octal number, ``1e5`` text. So that messages quote what the user wrote rather
than what YAML made of it, :func:`read_yaml` keeps the source text of every
value (:meth:`YamlDocument.source_text`).
"""

from __future__ import annotations

import unicodedata
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from observability_blueprint.rules import errors
from observability_blueprint.rules.errors import BlueprintError, Problem

MAX_FILE_BYTES: Final = 2 * 1024 * 1024
"""A blueprint file is at most 2 MiB (about 5,000 services described in full)."""
MAX_DEPTH: Final = 32
"""Mappings and lists nest at most 32 deep (a blueprint needs about 8)."""
MAX_VALUES: Final = 500_000
"""At most 500,000 values once aliases are expanded."""
MAX_NUMBER_DIGITS: Final = 100
"""A number is written with at most 100 digits (no setting takes more than 16;
Python refuses to read whole numbers of more than 4,300)."""
SHOWN_CHARACTERS: Final = 60
"""Source text longer than this is echoed cut."""

_MERGE_TAG: Final = "tag:yaml.org,2002:merge"
_STR_TAG: Final = "tag:yaml.org,2002:str"
_KEY_KINDS: Final = {
    "tag:yaml.org,2002:int": "is a number",
    "tag:yaml.org,2002:float": "is a number",
    "tag:yaml.org,2002:bool": "is read as true or false (YAML 1.1 reads yes, no, on, off too)",
    "tag:yaml.org,2002:null": "is read as null (no value)",
    "tag:yaml.org,2002:timestamp": "is read as a date",
}


class _NodeError(yaml.MarkedYAMLError):
    """A value or key that is valid YAML but not a blueprint's: located by its node."""

    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(problem=message, problem_mark=node.start_mark)
        self.node = node


def cut(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """Return the first line of ``text``, cut to ``limit`` characters (``...`` when cut)."""
    first, _, rest = text.strip().replace("\r\n", "\n").partition("\n")
    return errors.cut(first, limit) if not rest else f"{errors.cut(first, limit - 3)}..."


def _source(node: yaml.Node, text: str) -> str:
    """The text that wrote ``node`` in the file."""
    start, end = node.start_mark, node.end_mark
    if start is not None and end is not None and 0 <= start.index <= end.index <= len(text):
        return text[start.index : end.index]
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "?"


# libyaml's parser when PyYAML has it: ten times faster than PyYAML's own on a large
# file, with the same resolver and constructor (so the same values).
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[misc]
    """SafeLoader that refuses duplicate and non-text keys, surrogates and endless numbers."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    # Only the keys written in this mapping must be unique; a merge brings in
    # defaults that they override.
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue
        _check_key(key_node, loader.text)
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise _NodeError(
                key_node,
                f"the key {key!r} is written twice in this mapping (first on line {seen[key]}); "
                "a key appears once: remove one",
            )
        seen[key] = line
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


def _check_key(node: yaml.Node, source: str) -> None:
    if isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG:
        return
    text = cut(_source(node, source))
    if isinstance(node, yaml.ScalarNode):
        what = _KEY_KINDS.get(node.tag, f"has the tag {node.tag}")
        raise _NodeError(
            node,
            f'the key {text} {what}; a key is text: write it in quotes ("{text}") or name '
            "a key the blueprint takes",
        )
    kind = "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
    raise _NodeError(
        node,
        f"the key {text} is {kind}; a key is text, such as name or log_groups "
        "(a `? ` line starts a complex key: remove it)",
    )


def _int(loader: _StrictLoader, node: yaml.ScalarNode) -> int:
    digits = sum(c.isalnum() for c in node.value)
    if digits > MAX_NUMBER_DIGITS:
        raise _NodeError(
            node,
            f"{cut(node.value, 24)} is a number of {digits:,} digits; no setting takes more "
            f"than {MAX_NUMBER_DIGITS} (the largest whole number AWS takes exactly is "
            "9,007,199,254,740,992)",
        )
    value: int = loader.construct_yaml_int(node)
    return value


def _str(loader: _StrictLoader, node: yaml.ScalarNode) -> str:
    value: str = loader.construct_yaml_str(node)
    surrogate = next((c for c in value if 0xD800 <= ord(c) <= 0xDFFF), None)
    if surrogate is not None:
        raise _NodeError(
            node,
            f"{cut(_source(node, loader.text))} holds U+{ord(surrogate):04X}, half of a "
            "surrogate pair, which is not a Unicode character and cannot be written as "
            "UTF-8; escape the whole character (\\U0001F600), or remove it",
        )
    return value


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _int)
_StrictLoader.add_constructor("tag:yaml.org,2002:str", _str)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed file: its data, and the source text of each value for messages."""

    data: object
    root: yaml.Node | None = None
    text: str = ""

    def node_at(self, path: Sequence[int | str]) -> yaml.Node | None:
        """The node at a config path (keys and list indexes), or None."""
        node = self.root
        for part in path:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                # The last pair wins, as when the mapping was built (merged keys first).
                node = next(
                    (v for k, v in reversed(node.value) if getattr(k, "value", None) == part),
                    None,
                )
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                node = node.value[part] if 0 <= part < len(node.value) else None
            else:
                return None
        return node

    def source_text(self, path: Sequence[int | str]) -> str | None:
        """What the file wrote at ``path`` (cut to a line), or None if it is not there."""
        node = self.node_at(path)
        return None if node is None else cut(_source(node, self.text))

    def written_plain(self, path: Sequence[int | str]) -> bool:
        """Whether the value at ``path`` is a scalar written without quotes."""
        node = self.node_at(path)
        return isinstance(node, yaml.ScalarNode) and not node.style


def load_yaml(path: Path) -> object:
    """Parse ``path``; raise BlueprintError (naming the file and line) if it is not YAML."""
    return read_yaml(path).data


def read_yaml(path: Path) -> YamlDocument:
    """Parse ``path`` into a :class:`YamlDocument`; raise BlueprintError if it is not YAML."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BlueprintError([Problem("", _too_large(size))], source=source)
        data = path.read_bytes()
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise BlueprintError([Problem("", "no such file")], source=source) from None
    except UnicodeDecodeError as exc:
        raise BlueprintError([_not_utf8(data, exc)], source=source) from None
    except OSError as exc:
        raise BlueprintError([Problem("", f"cannot be read: {exc}")], source=source) from None
    return parse_yaml_document(text, source=source)


def parse_yaml(text: str, *, source: str = "<string>") -> object:
    """Parse YAML text within the bounds above; return the data.

    Raises BlueprintError naming the line and column of a syntax error, or the
    bound a file exceeds.
    """
    return parse_yaml_document(text, source=source).data


def parse_yaml_document(text: str, *, source: str = "<string>") -> YamlDocument:
    """Parse YAML text within the bounds above into a :class:`YamlDocument`."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        size = len(text.encode("utf-8", "surrogatepass"))
        raise BlueprintError([Problem("", _too_large(size))], source=source)
    loader: _StrictLoader | None = None
    node: yaml.Node | None = None
    try:
        loader = _StrictLoader(text)
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None)
        if problem := _bound_problem(node):
            raise BlueprintError([problem], source=source)
        return YamlDocument(loader.construct_document(node), node, text)
    except _NodeError as exc:
        where = _path_to(node, exc.node) if node is not None else None
        mark = exc.node.start_mark
        at = f"line {mark.line + 1}, column {mark.column + 1}"
        location = f"{where} ({at})" if where else at
        raise BlueprintError([Problem(location, str(exc.problem))], source=source) from None
    except yaml.MarkedYAMLError as exc:
        raise BlueprintError([_syntax_problem(exc, text)], source=source) from None
    except yaml.reader.ReaderError as exc:
        raise BlueprintError([_reader_problem(text, exc)], source=source) from None
    except yaml.YAMLError as exc:
        raise BlueprintError([Problem("", f"not valid YAML: {exc}")], source=source) from None
    except RecursionError:
        raise BlueprintError(
            [Problem("", f"nests too deep; a blueprint nests at most {MAX_DEPTH} levels")],
            source=source,
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def _too_large(size: int) -> str:
    return (
        f"is {size:,} bytes; a blueprint file is at most {MAX_FILE_BYTES:,} bytes "
        "(split a large workload into several files)"
    )


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> Problem:
    byte = data[exc.start]
    bom = (
        " (the file starts with a UTF-16 byte order mark)"
        if data[:2]
        in (
            b"\xff\xfe",
            b"\xfe\xff",
        )
        else ""
    )
    return Problem(
        _position(data, exc.start),
        f"not UTF-8: the byte 0x{byte:02x} cannot be read as UTF-8 text ({exc.reason}){bom}; "
        "save the file as UTF-8",
    )


def _position(data: bytes | str, offset: int) -> str:
    """Line and column (1-based) of an offset into the file's bytes or text."""
    before = data[:offset]
    newline = b"\n" if isinstance(before, bytes) else "\n"
    line = before.count(newline) + 1  # type: ignore[arg-type]
    column = offset - (before.rfind(newline) + 1) + 1  # type: ignore[arg-type]
    return f"line {line}, column {column}"


def _reader_problem(text: str, exc: yaml.reader.ReaderError) -> Problem:
    character = exc.character if isinstance(exc.character, str) else chr(exc.character)
    code = ord(character)
    name = unicodedata.name(character, "") or {0: "NUL", 7: "BEL", 0x1B: "ESC"}.get(code, "")
    label = f"U+{code:04X}" + (f" ({name})" if name else "")
    return Problem(
        _position(text, exc.position),
        f"the control character {label} is not allowed in a YAML file; only printable "
        "characters, tabs and line breaks are. Write it escaped in double quotes "
        f'("\\x{code:02x}") or remove it',
    )


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = exc.problem_mark
    problem = exc.problem or str(exc)
    at = mark.index if mark is not None else -1
    line_start = text.rfind("\n", 0, max(at, 0)) + 1
    if problem.startswith("found character") and 0 <= at < len(text) and text[at] == "\t":
        message = "a tab: YAML indents with spaces, never tabs; replace the tab with spaces"
    elif (
        problem == "found unexpected end of stream"
        and exc.context_mark is not None
        and ("quoted scalar" in (exc.context or ""))
    ):
        mark = exc.context_mark
        opening = text[mark.index] if mark.index < len(text) else '"'
        start = text[mark.index : mark.index + 80].splitlines()
        message = (
            f"the quoted value {cut(start[0] if start else opening)} is never "
            f"closed: add the closing {opening} at its end (a {opening} inside it is written "
            + ('\\")' if opening == '"' else "'')")
        )
    elif (
        problem
        in (
            "could not find expected ':'",
            "mapping values are not allowed in this context",
        )
        and at - line_start > 1024
    ):
        mark = exc.context_mark if exc.context_mark is not None else mark
        message = (
            f"{cut(text[line_start : line_start + 200])} is a key longer than the 1,024 "
            "characters YAML allows; use a key the blueprint takes, such as log_groups"
        )
    elif problem == "found invalid Unicode character escape code":
        # libyaml's reading of an escaped lone surrogate (PyYAML's own reads it, and
        # _str refuses it where it is).
        backslash = text.rfind("\\", line_start, at + 1)
        escape = text[backslash : backslash + 6] if backslash >= 0 else "the escape"
        message = (
            f"{escape} is half of a surrogate pair, which is not a Unicode character and cannot "
            "be written as UTF-8; escape the whole character (\\U0001F600), or remove it"
        )
    elif problem == "exceeded maximum nesting depth":
        message = f"nests too deep; a blueprint nests at most {MAX_DEPTH} levels"
    elif problem == "but found another document":
        message = (
            "a second YAML document starts here (---); a blueprint file holds one document: "
            "remove this line and what follows, or move it to a file of its own"
        )
    elif problem.startswith("could not determine a constructor for the tag"):
        tag = problem.rsplit(" ", 1)[-1].strip("'")
        message = (
            f"the tag {tag} is not one a blueprint takes; write plain values (text, numbers, "
            "lists, mappings) without !! or ! tags"
        )
    else:
        context = f"{exc.context}: " if exc.context else ""
        message = f"not valid YAML: {context}{problem}"
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return Problem(where, message)


def _path_to(root: yaml.Node, target: yaml.Node) -> str | None:
    """The config path of ``target`` (the first way to it from ``root``), or None."""
    seen: set[int] = set()
    queue: deque[tuple[yaml.Node, str]] = deque([(root, "")])
    while queue:
        node, path = queue.popleft()
        if node is target:
            return path
        if id(node) in seen:
            continue
        seen.add(id(node))
        for part, child in _parts(node):
            if child is target and isinstance(part, str) and _is_key(node, child):
                return path or None  # a key: its mapping's path
            step = f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
            queue.append((child, path + step))
    return None


def _is_key(node: yaml.Node, child: yaml.Node) -> bool:
    return isinstance(node, yaml.MappingNode) and any(k is child for k, _ in node.value)


def _parts(node: yaml.Node) -> Iterator[tuple[int | str, yaml.Node]]:
    if isinstance(node, yaml.SequenceNode):
        yield from enumerate(node.value)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else "?"
            yield name, key
            yield name, value


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
