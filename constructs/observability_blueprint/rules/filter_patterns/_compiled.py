"""What each pattern parser hands back: the compiled tests and what the pattern declares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeAlias

PatternKind: TypeAlias = Literal["term", "json", "space"]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A parsed pattern turned into closures.

    Attributes
    ----------
    kind : PatternKind
        ``"term"``, ``"json"`` or ``"space"``.
    matches : Callable[[str], bool]
        Decides one log event message.
    extract : Callable[[str], dict[str, str] | None]
        The extracted values of a matching message, None for another message.
    supplies : Callable[[str], bool]
        Whether a ``$...`` reference can take its value from a matching message.
    selectors : tuple[str, ...]
        JSON selectors used, in order of first appearance.
    fields : tuple[str, ...]
        Named space-delimited fields, in order.
    warnings : tuple[str, ...]
        Valid syntax that does not do what it seems to.
    reference : Callable[[str], bool] or None
        ``matches`` without its shortcuts (no pre-check, no fast path): what the
        differential tests compare ``matches`` with. None when ``matches`` has none.
    """

    kind: PatternKind
    matches: Callable[[str], bool]
    extract: Callable[[str], dict[str, str] | None]
    supplies: Callable[[str], bool]
    selectors: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    reference: Callable[[str], bool] | None = None


def extract_nothing(matches: Callable[[str], bool]) -> Callable[[str], dict[str, str] | None]:
    """Extraction for term and JSON patterns: AWS reports no extracted values for them."""

    def extract(message: str) -> dict[str, str] | None:
        return {} if matches(message) else None

    return extract


def supplies_nothing(reference: str) -> bool:
    """Term patterns name nothing a metric value or dimension could refer to."""
    return False
