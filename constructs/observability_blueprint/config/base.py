"""Shared pieces of the config model: the strict base model and rule adapters.

Pure module: no aws_cdk import.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Annotated, Any, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from observability_blueprint.rules import arns, integer_bounds, names, regions
from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.metric_filters import PatternExamples

ERROR_TYPE = "blueprint"


def fail(message: str, *, at: int | str | None = None) -> PydanticCustomError:
    """Return the error a validator raises for a bad value.

    ``at`` names the key or index inside the validated value that is wrong (the
    tag ``team`` of ``tags``): the message then points there (``tags.team``).
    """
    # The message goes in the context: pydantic would read braces in a template.
    return PydanticCustomError(ERROR_TYPE, "{message}", {"message": message, "at": at})


def checked(check: Callable[[Any], str | None]) -> AfterValidator:
    """Turn a pure check (value -> message or None) into a field validator."""

    def validate(value: Any) -> Any:
        message = check(value)
        if message:
            raise fail(message)
        return value

    return AfterValidator(validate)


LogicalName = Annotated[str, checked(names.check_logical)]


# Bounds an API documents for one setting, tighter than its type's (see
# rules.integer_bounds); every other whole number gets its type's bound.
_SETTING_BOUNDS: dict[tuple[str, str], Callable[[int], str | None]] = {
    ("Alarm", "period"): integer_bounds.check_alarm_period,
    ("RejectedSshRdpAlarm", "period"): integer_bounds.check_alarm_period,
}


class StrictModel(BaseModel):
    """Strict base: unknown keys are errors, YAML types are not coerced.

    Every setting named ``region`` is checked against the AWS Regions; every
    whole number against what AWS takes for it (:func:`number_problems`).
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        populate_by_name=True,
        use_attribute_docstrings=True,
        # YAML's .nan and .inf are never a threshold, value or band.
        allow_inf_nan=False,
    )

    @field_validator("*", mode="after")
    @classmethod
    def _regions(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name == "region" and isinstance(value, str):
            if message := regions.check_region(value):
                raise fail(message)
        elif message := _arn_region_problem(value):
            raise fail(message)
        return value


_REGION_SHAPE = re.compile(r"[a-z]{2,}(?:-[a-z]+)+-\d+")


def _arn_region_problem(value: Any) -> str | None:
    """Why an ARN in ``value`` (a string, or strings in lists and mappings) names a Region
    that is not one, or None. Wildcards and empty Regions are left to the ARN's own rules."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not item.startswith("arn:"):
                continue
            try:
                region = arns.parse_arn(item).region
            except arns.ArnError:
                continue  # the setting's own rule says what is wrong with it
            if _REGION_SHAPE.fullmatch(region) and (message := regions.check_region(region)):
                return f"the ARN {arns.shown(item)} names a Region that is not one: {message}"
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return None


def number_problems(model: BaseModel, where: str = "") -> Iterator[Problem]:
    """Yield every whole number of ``model`` (and the models in it) beyond what AWS takes.

    A last resort, after the model's own rules: the file's checks run first and
    say more (a setting's own range), so the caller reports these only at places
    nothing else names.
    """
    stack: list[tuple[BaseModel, str]] = [(model, where)]
    while stack:
        current, path = stack.pop()
        numeric, nested = _field_kinds(type(current))
        for name, key in nested:
            at = f"{path}.{key}" if path else key
            stack.extend(
                (child, child_path) for child_path, child in _models_in(getattr(current, name), at)
            )
        for name, key in numeric:
            for message in _number_problems(type(current), name, getattr(current, name)):
                yield Problem(f"{path}.{key}" if path else key, message)
                break


@cache
def _field_kinds(
    model: type[BaseModel],
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(field, key) pairs of a model: those that may hold numbers, those that may hold models."""
    numeric: list[tuple[str, str]] = []
    nested: list[tuple[str, str]] = []
    for name, field in model.model_fields.items():
        leaves = _leaves(field.annotation)
        key = field.alias or name
        if any(leaf in (int, float, Any) for leaf in leaves):
            numeric.append((name, key))
        if any(isinstance(leaf, type) and issubclass(leaf, BaseModel) for leaf in leaves):
            nested.append((name, key))
    return tuple(numeric), tuple(nested)


def _leaves(annotation: Any) -> list[Any]:
    """The plain types a (possibly nested, union or annotated) annotation is made of."""
    leaves: list[Any] = []
    stack = [annotation]
    while stack:
        current = stack.pop()
        origin, args = get_origin(current), get_args(current)
        if origin is Annotated:
            stack.append(args[0])
        elif origin is not None and args:
            stack.extend(args)
        else:
            leaves.append(current)
    return leaves


def _models_in(value: Any, path: str) -> Iterator[tuple[str, BaseModel]]:
    if isinstance(value, BaseModel):
        yield path, value
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if isinstance(item, BaseModel):
                yield f"{path}[{index}]", item
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, BaseModel):
                yield f"{path}.{key}", item


def _number_problems(model: type[BaseModel], field: str, value: Any) -> Iterator[str]:
    check = _SETTING_BOUNDS.get((model.__name__, field))
    if check is None:
        exact = _takes_decimals_or_json(model, field)
        check = integer_bounds.check_exact_integer if exact else integer_bounds.check_api_integer
    for number in _numbers(value):
        if isinstance(number, float):
            if not math.isfinite(number):
                yield f"{number} is not a finite number; JSON has no infinity or NaN"
        elif message := check(number):
            yield message


def _numbers(value: Any) -> Iterator[int | float]:
    """The numbers in a value, nested lists and mappings included (not in models:
    they check their own)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, bool | str | BaseModel) or item is None:
            continue
        if isinstance(item, int | float):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


@cache
def _takes_decimals_or_json(model: type[BaseModel], field: str) -> bool:
    """Whether a field's numbers are doubles or JSON (not an API integer)."""
    leaves = _leaves(model.model_fields[field].annotation)
    return float in leaves or Any in leaves


class LogEventExamples(StrictModel):
    """Log events the pattern must and must not match, checked at synthesis.

    For flow logs, records in the entry's format.
    """

    match: list[str] = []
    no_match: list[str] = []

    def to_examples(self) -> PatternExamples:
        """Return the pure example set."""
        return PatternExamples(tuple(self.match), tuple(self.no_match))
