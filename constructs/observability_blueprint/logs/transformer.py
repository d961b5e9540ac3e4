"""A transformer on one log group: its lines become JSON fields at ingestion."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Protocol, get_args, runtime_checkable

from aws_cdk import Stack, Token
from aws_cdk import aws_logs as logs
from constructs import Construct, IConstruct

from observability_blueprint.rules.errors import BlueprintError, Problem, cut
from observability_blueprint.rules.transformers import (
    SHIPPED_PARSERS,
    LogFormat,
    Processor,
    cfn_transformer_config,
    transformer_problems,
)


def log_group_resource(log_group: logs.ILogGroup) -> logs.CfnLogGroup | None:
    """The ``AWS::Logs::LogGroup`` behind ``log_group``, when this app defines it.

    Follows default children from an L2 log group or a construct wrapping one
    (such as ``ManagedLogGroup``); None for an imported log group.
    """
    node: IConstruct = log_group
    for _ in range(4):
        if isinstance(node, logs.CfnLogGroup):
            return node
        child = node.node.default_child
        if child is None:
            return None
        node = child
    return None


def known_log_class(resource: logs.CfnLogGroup | None, given: str | None) -> str | None:
    """The log group's class: the resource's when it is known at synthesis, else ``given``.

    A resource without a class is STANDARD (CloudFormation's default).
    """
    if resource is None:
        return given
    value = resource.log_group_class
    if value is not None and Token.is_unresolved(value):
        return given
    return value or "STANDARD"


@runtime_checkable
class TransformableLogGroup(Protocol):
    """A log group construct that keeps its transformer, such as ``ManagedLogGroup``.

    A :class:`LogTransformer` on it is recorded in ``transformer``, so the
    metric filters added afterwards follow it; ``new_transformer_problems`` says
    what a transformer added now would break.
    """

    transformer: LogTransformer | None

    def new_transformer_problems(self, at: str) -> list[Problem]:
        """The problems of adding the transformer at construct path ``at``."""
        ...


class LogTransformer(Construct):
    """A CloudWatch Logs transformer on one log group, checked before deploy.

    At ingestion CloudWatch Logs turns each event into JSON with the processors,
    in order, so Logs Insights queries, field indexes and metric filters see
    fields in lines that are not JSON (access logs, syslog, ``key=value``).
    A metric filter matches the transformed event only when created with
    ``apply_on_transformed_logs=True``; the offline engine
    (``rules.transformers.transformed_examples``) shows what it sees, so
    filter examples can be written as raw lines.

    On a :class:`ManagedLogGroup` (``log_group.add_transformer(...)`` makes one)
    the transformer is recorded as the log group's ``transformer``: its metric
    filters added afterwards match the transformed events unless they set
    ``apply_on_transformed_logs=False``, and their examples are transformed
    offline before they are matched. Add the transformer before the filters.

    The processors are checked as CloudWatch Logs would: 1 to 20, a parser
    first, at most 5 parsers, one grok and one addKeys, a vended-log parser
    only first, each processor's own limits (grok patterns and their counts,
    entries, key lengths); and the log group must be of the STANDARD class.
    A log group takes one transformer, and it replaces any account-level one.

    Parameters
    ----------
    log_group
        The log group to transform: one this app defines (its class is read
        from it), or an imported one.
    processors
        The processors, first a parser. Give these or ``log_format``.
    log_format
        A format the blueprint ships a parser for: ``json``, ``key_value``
        (logfmt), ``apache_common``, ``apache_combined``, ``nginx_combined``,
        ``syslog_rfc3164``, ``syslog_rfc5424``.
    log_class
        The class of an imported log group, when known. Default: unknown (not
        checked); ignored when this app defines the log group.
    """

    _target: str | None = None
    """What the transformed log group is (see ``_target_of``), once the checks passed."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        log_group: logs.ILogGroup,
        processors: Sequence[Processor] | None = None,
        log_format: LogFormat | None = None,
        log_class: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        resource = log_group_resource(log_group)
        target = self._target_of(log_group, resource)
        self.processors: tuple[Processor, ...] = self._check(
            log_group, target, processors, log_format, known_log_class(resource, log_class)
        )
        """The processors, in order."""
        self._target = target
        self.log_group = log_group
        """The transformed log group."""
        if isinstance(log_group, TransformableLogGroup):
            log_group.transformer = self
        self.resource = logs.CfnTransformer(
            self,
            "Resource",
            log_group_identifier=log_group.log_group_name,
            transformer_config=[],
        )
        """The ``AWS::Logs::Transformer``."""
        # jsii maps processor structs by their Python names and drops unknown keys,
        # so the CloudFormation form of each processor goes in verbatim.
        self.resource.add_property_override(
            "TransformerConfig", cfn_transformer_config(self.processors)
        )

    def _target_of(self, log_group: logs.ILogGroup, resource: logs.CfnLogGroup | None) -> str:
        """What identifies the log group: its resource, or its name within this stack."""
        if resource is not None:
            return resource.node.path
        stack = Stack.of(self)
        name = json.dumps(stack.resolve(log_group.log_group_name), sort_keys=True)
        return f"{stack.node.path}:{name}"

    def _check(
        self,
        log_group: logs.ILogGroup,
        target: str,
        processors: Sequence[Processor] | None,
        log_format: LogFormat | None,
        log_class: str | None,
    ) -> tuple[Processor, ...]:
        at = self.node.path
        problems: list[Problem] = []
        chosen: tuple[Processor, ...] | None = None
        if (processors is None) == (log_format is None):
            problems.append(
                Problem(
                    f"{at}.processors",
                    "give the processors or a log_format (one of "
                    f"{', '.join(get_args(LogFormat))}), not "
                    + ("both" if processors is not None else "neither"),
                )
            )
        elif processors is not None:
            chosen = tuple(processors)
        elif log_format is not None and log_format in SHIPPED_PARSERS:
            chosen = SHIPPED_PARSERS[log_format]
        else:
            problems.append(
                Problem(
                    f"{at}.log_format",
                    f"{cut(str(log_format))!r} is not a format the blueprint ships a parser for; "
                    f"use one of {', '.join(get_args(LogFormat))}, or give the processors",
                )
            )
        if chosen is not None:
            problems += [
                Problem(f"{at}.{p.location}", p.message)
                for p in transformer_problems(chosen, log_class=log_class)
            ]
        other = next(
            (
                c
                for c in self.node.root.node.find_all()
                if isinstance(c, LogTransformer) and c._target == target
            ),
            None,
        )
        if other is not None:
            problems.append(
                Problem(
                    f"{at}.log_group",
                    f"{log_group.node.path} already has a transformer ({other.node.path}); a "
                    "log group takes one: put all the processors in one LogTransformer",
                )
            )
        if isinstance(log_group, TransformableLogGroup) and other is None:
            problems += log_group.new_transformer_problems(at)
        if problems or chosen is None:
            raise BlueprintError(problems)
        return chosen
