"""What a rule target may carry: EventBridge's limits, checked before aws-cdk-lib binds it."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_events as events
from aws_cdk.interfaces.aws_events import IRuleRef

from observability_blueprint.rules.errors import BlueprintError

INPUT_MAX = 8192
"""EventBridge takes a target's Input and an input transformer's InputTemplate of at most
8,192 characters (botocore's events model: TargetInput, TransformerInput)."""
_TOKEN_ALLOWANCE = 100
"""Characters counted for each reference (an ARN, a name) resolved at deploy time."""


def check_target_input(rule: IRuleRef, target_input: events.RuleTargetInput) -> None:
    """Raise :class:`BlueprintError` when ``target_input`` is longer than EventBridge takes.

    Call it before ``rule.add_target``: an error raised while aws-cdk-lib binds a
    target reaches the caller through jsii as a ``RuntimeError``.
    """
    bound = target_input.bind(rule)
    stack = Stack.of(rule)
    for field, value in (("input", bound.input), ("input_template", bound.input_template)):
        if value is None:
            continue
        size, shown = _resolved_size(stack.resolve(value))
        if size > INPUT_MAX:
            raise BlueprintError.at(
                f"{rule.node.path}.targets.{field}",
                f"{shown[:60]!r}… is about {size:,} characters; EventBridge takes a target "
                f"input of at most {INPUT_MAX:,}: shorten the message or parameters",
            )


def _resolved_size(value: Any) -> tuple[int, str]:
    """The length of a resolved string, counting each deploy-time reference generously."""
    if isinstance(value, str):
        return len(value), value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        texts = [p if isinstance(p, str) else "x" * _TOKEN_ALLOWANCE for p in parts]
        joined = str(separator).join(texts)
        return len(joined), joined
    return _TOKEN_ALLOWANCE, ""
