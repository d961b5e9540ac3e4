"""Tags, as CloudFormation and the tagging APIs take them.

Pure module: no aws_cdk import. A key is 1 to 128 characters, a value 0 to 256,
both of Unicode letters, separators (spaces) and numbers plus ``_ . : / = + - @``
(the pattern ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*`` of the tagging APIs), and a key
may not start with ``aws:`` (reserved for AWS).
"""

from __future__ import annotations

import unicodedata
from typing import Final

from observability_blueprint.rules.errors import cut

TAG_KEY_MAX: Final = 128
TAG_VALUE_MAX: Final = 256
_PUNCTUATION: Final = frozenset("_.:/=+-@")
_RULE: Final = "letters, digits, spaces and _ . : / = + - @"


def _allowed(char: str) -> bool:
    return char in _PUNCTUATION or unicodedata.category(char)[0] in "LZN"


def _shown(value: str) -> str:
    return repr(cut(value, 60))


def check_tag_key(key: str) -> str | None:
    """Return why ``key`` cannot be a tag key, or None."""
    if not 1 <= len(key) <= TAG_KEY_MAX or not all(map(_allowed, key)):
        return f"{_shown(key)} is not a tag key; use 1 to {TAG_KEY_MAX} {_RULE}"
    if key.lower().startswith("aws:"):
        return f"{_shown(key)} starts with aws:, which AWS reserves for its own tags"
    return None


def check_tag_value(key: str, value: str) -> str | None:
    """Return why ``value`` cannot be the value of tag ``key``, or None."""
    if len(value) > TAG_VALUE_MAX:
        return f"the value of tag {_shown(key)} is {len(value)} characters; at most {TAG_VALUE_MAX}"
    bad = sorted({c for c in value if not _allowed(c)})
    if bad:
        return (
            f"the value of tag {_shown(key)} has characters a tag cannot have "
            f"({', '.join(repr(c) for c in bad)}); use {_RULE}"
        )
    return None
