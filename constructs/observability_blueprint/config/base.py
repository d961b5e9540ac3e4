"""Shared pieces of the config model: the strict base model and rule adapters.

Pure module: no aws_cdk import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

from observability_blueprint.rules import names
from observability_blueprint.rules.metric_filters import PatternExamples

ERROR_TYPE = "blueprint"


def fail(message: str) -> PydanticCustomError:
    # The message goes in the context: pydantic would read braces in a template.
    return PydanticCustomError(ERROR_TYPE, "{message}", {"message": message})


def checked(check: Callable[[Any], str | None]) -> AfterValidator:
    """Turn a pure check (value -> message or None) into a field validator."""

    def validate(value: Any) -> Any:
        message = check(value)
        if message:
            raise fail(message)
        return value

    return AfterValidator(validate)


LogicalName = Annotated[str, checked(names.check_logical)]


class StrictModel(BaseModel):
    """Strict base: unknown keys are errors, YAML types are not coerced."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        populate_by_name=True,
        use_attribute_docstrings=True,
        # YAML's .nan and .inf are never a threshold, value or band.
        allow_inf_nan=False,
    )


class LogEventExamples(StrictModel):
    """Log events the pattern must and must not match, checked at synthesis.

    For flow logs, records in the entry's format.
    """

    match: list[str] = []
    no_match: list[str] = []

    def to_examples(self) -> PatternExamples:
        """Return the pure example set."""
        return PatternExamples(tuple(self.match), tuple(self.no_match))
