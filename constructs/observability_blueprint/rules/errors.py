"""The one exception type bad input becomes, and how it reads.

Pure module: no aws_cdk import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

CUT_LIMIT: Final = 80
"""Characters of a user's value a message echoes, at most (see :func:`cut`)."""


def cut(text: str, limit: int = CUT_LIMIT) -> str:
    """Return ``text`` cut to at most ``limit`` characters, ending in ``...`` when cut.

    Messages echo the value they refuse, and a value may be megabytes long (a
    pasted log event, a hostile file): echo ``cut(value)``, never the value.
    """
    if len(text) <= limit:
        return text
    return text[: max(limit - 3, 0)] + "..."


@dataclass(frozen=True)
class Problem:
    """One bad value: where it is, what is wrong, and what is allowed.

    Parameters
    ----------
    location
        A config path (``log_groups[1].retention_days``) or a construct path.
    message
        What is wrong and what to do, written to follow the location and a colon.
    """

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class BlueprintError(ValueError):
    """Bad input found before anything reaches CloudFormation.

    Holds every problem found, so a user fixes a file in one pass. ``str()`` is the
    message printed to the user: one line per problem, each naming its location,
    the bad value and what is allowed.
    """

    def __init__(self, problems: Sequence[Problem], *, source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self._render())

    @classmethod
    def at(cls, location: str, message: str) -> BlueprintError:
        """Build an error with a single problem."""
        return cls([Problem(location, message)])

    def with_source(self, source: str) -> BlueprintError:
        """Return the same problems, each prefixed with the file they come from."""
        return BlueprintError(self.problems, source=source)

    def _render(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join(f"{prefix}{problem}" for problem in self.problems)
