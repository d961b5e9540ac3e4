"""Plain data written as block-style YAML text, without PyYAML.

Pure module: no aws_cdk, pydantic or yaml import (rules/ may not import yaml).
Prometheus rule files, scrape configurations and collector configurations are
YAML read by Go (``gopkg.in/yaml``, YAML 1.2) and by PyYAML (YAML 1.1) in the
tests, so a text value is written unquoted only when both read it back as the
same text: it starts with a letter, an underscore or a slash, or is a duration
such as ``30s``, and is not a word either version reads as a boolean or null.
Anything else is written double-quoted with JSON's escapes, which YAML's
double-quoted style shares.

Examples
--------
>>> print(yaml_text({"groups": [{"name": "api", "interval": "1m", "rules": []}]}), end="")
groups:
  - name: api
    interval: 1m
    rules: []
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Final

_PLAIN: Final = re.compile(r"(?:[A-Za-z_/][A-Za-z0-9_./:-]*|(?:[0-9]+(?:ms|s|m|h|d|w|y))+)")
# Words YAML 1.1 (PyYAML) or YAML 1.2 (Go) reads as something other than text.
_RESERVED: Final = frozenset(
    {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}
)


def yaml_text(value: object) -> str:
    """Return ``value`` (mappings with text keys, lists, text, numbers, booleans, None)
    as a YAML document ending in a line break."""
    return "\n".join(_lines(value)) + "\n"


def scalar(value: object) -> str:
    """Return one scalar as YAML writes it: text plain or double-quoted, numbers as numbers."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"{value} cannot be written to YAML as a number")
        written = repr(value)
        # PyYAML reads a float only with a dot in it (1.0e-07, not 1e-07).
        return written.replace("e", ".0e") if "e" in written and "." not in written else written
    if isinstance(value, str):
        plain = (
            _PLAIN.fullmatch(value) is not None
            and value.lower() not in _RESERVED
            and not value.endswith(":")
        )
        return value if plain else json.dumps(value)
    raise TypeError(f"{type(value).__name__} cannot be written to YAML")


def _lines(value: object) -> list[str]:
    if isinstance(value, Mapping):
        if not value:
            return ["{}"]
        lines: list[str] = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"YAML keys written here are text, not {type(key).__name__}")
            name = scalar(key)
            if _is_block(item):
                lines.append(f"{name}:")
                lines.extend(f"  {line}" for line in _lines(item))
            else:
                lines.append(f"{name}: {_inline(item)}")
        return lines
    if isinstance(value, Sequence) and not isinstance(value, str):
        if not value:
            return ["[]"]
        lines = []
        for item in value:
            inner = _lines(item) if _is_block(item) else [_inline(item)]
            lines.append(f"- {inner[0]}")
            lines.extend(f"  {line}" for line in inner[1:])
        return lines
    return [scalar(value)]


def _is_block(value: object) -> bool:
    """Whether ``value`` is a non-empty mapping or list (written on lines of its own)."""
    if isinstance(value, Mapping):
        return bool(value)
    return isinstance(value, Sequence) and not isinstance(value, str) and bool(value)


def _inline(value: object) -> str:
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[]"
    return scalar(value)
