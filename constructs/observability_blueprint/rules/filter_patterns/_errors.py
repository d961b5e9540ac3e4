"""The error raised for a filter pattern that CloudWatch Logs would reject."""

from __future__ import annotations

from observability_blueprint.rules.text_syntax import TextSyntaxError, caret_lines


class FilterPatternError(TextSyntaxError):
    """A filter pattern that does not follow the CloudWatch Logs syntax.

    The message shows the pattern with a caret under the offending column::

        expected a comparison operator (=, !=, <, <=, >, >=, IS, NOT EXISTS) after selector $.level
          { $.level "ERROR" }
                    ^

    ``pattern`` is the pattern as given; ``position``, ``reason`` and ``expected``
    are those of :class:`TextSyntaxError`.
    """

    @property
    def pattern(self) -> str:
        """The filter pattern as given."""
        return self.text


__all__ = ["FilterPatternError", "caret_lines"]
