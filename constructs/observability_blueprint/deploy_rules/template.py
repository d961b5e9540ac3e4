"""A synthesized CloudFormation template as the deploy rules read it.

Pure module: no aws_cdk import. The rules read the template a stack synthesizes
to, so they work on any CDK stack (or any template), not only the blueprint's.
Values CloudFormation resolves at deploy time are rendered as text with
``${...}`` placeholders (``arn:${AWS::Partition}:sns:${AWS::Region}:...``); a
reference to a resource of the same stack, or to ``AWS::Region``, is in the
stack's own Region. The text is parsed as an ARN by the package's one ARN parser
(``rules.arns.parse_arn`` with ``placeholders=True``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from observability_blueprint.rules.arns import Arn, ArnError, parse_arn

UNKNOWN: Final = "${?}"
"""How a value CloudFormation computes in a way the rules do not follow is rendered."""
OWN: Final = "own"
"""A Region or account that is the stack's own (``AWS::Region``, a same-stack resource)."""

_PSEUDO_REGION: Final = "${AWS::Region}"
_PSEUDO_ACCOUNT: Final = "${AWS::AccountId}"
_WHOLE_REFERENCE_RE: Final = re.compile(r"\$\{(?P<name>[A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


def render(value: Any) -> str | None:
    """Render a template value as text, with ``${...}`` for what CloudFormation resolves.

    ``{"Ref": "X"}`` is ``${X}``, ``{"Fn::GetAtt": ["X", "Arn"]}`` is ``${X.Arn}``,
    ``Fn::Join`` and ``Fn::Sub`` are joined and substituted, anything else computed is
    ``${?}``. Returns None for a value that is not a string (a number, a list, a map).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    ((function, argument),) = value.items()
    if function == "Ref" and isinstance(argument, str):
        return f"${{{argument}}}"
    if function == "Fn::GetAtt":
        parts = argument.split(".", 1) if isinstance(argument, str) else argument
        if isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) for p in parts):
            return f"${{{parts[0]}.{parts[1]}}}"
        return UNKNOWN
    if function == "Fn::Join":
        return _join(argument)
    if function == "Fn::Sub":
        return _sub(argument)
    return UNKNOWN


def _join(argument: Any) -> str:
    if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)):
        return UNKNOWN
    separator: str = argument[0]
    parts = argument[1]
    if not isinstance(parts, list):
        return UNKNOWN
    return separator.join(render(part) or UNKNOWN for part in parts)


def _sub(argument: Any) -> str:
    if isinstance(argument, str):
        return argument
    if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)):
        return UNKNOWN
    text: str = argument[0]
    variables = argument[1]
    if isinstance(variables, Mapping):
        for name, variable in variables.items():
            text = text.replace(f"${{{name}}}", render(variable) or UNKNOWN)
    return text


def arn_of(text: str) -> Arn | None:
    """Parse rendered text as an ARN whose ``${...}`` are resolved at deploy time.

    None when ``text`` is not an ARN. A part holding a placeholder is unknown
    (``Arn.known`` is false for it), so no rule judges it.
    """
    try:
        return parse_arn(text, placeholders=True)
    except ArnError:
        return None


@dataclass(frozen=True)
class TemplateResource:
    """One resource of a template, with where it comes from."""

    logical_id: str
    type: str
    properties: Mapping[str, Any]
    path: str | None = None
    """The construct path that made it, when known."""

    @property
    def where(self) -> str:
        """The construct path and logical ID, or the logical ID alone."""
        return f"{self.path} ({self.logical_id})" if self.path else self.logical_id


@dataclass(frozen=True)
class StackTemplate:
    """A stack's synthesized template and the environment it deploys to.

    Parameters
    ----------
    name
        The stack's name (or the template file's).
    template
        The template as parsed JSON.
    region, account
        The stack's Region and account; None for an environment-agnostic stack.
    paths
        Logical ID -> construct path, for messages; optional.
    """

    name: str
    template: Mapping[str, Any]
    region: str | None = None
    account: str | None = None
    paths: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_file(
        cls,
        path: str,
        *,
        region: str | None = None,
        account: str | None = None,
        paths: Mapping[str, str] | None = None,
    ) -> StackTemplate:
        """Read a template file."""
        file = Path(path)
        template = json.loads(file.read_text(encoding="utf-8"))
        name = file.name.removesuffix(".template.json")
        return cls(name, template, region=region, account=account, paths=dict(paths or {}))

    @property
    def _resources(self) -> Mapping[str, Any]:
        resources = self.template.get("Resources", {})
        return resources if isinstance(resources, Mapping) else {}

    def resources(self, *types: str) -> Iterator[TemplateResource]:
        """Yield the resources of the given types (of every type when none is given)."""
        for logical_id, body in self._resources.items():
            if not isinstance(body, Mapping):
                continue
            kind = str(body.get("Type", ""))
            if types and kind not in types:
                continue
            properties = body.get("Properties", {})
            yield TemplateResource(
                logical_id,
                kind,
                properties if isinstance(properties, Mapping) else {},
                self.paths.get(logical_id),
            )

    def type_of(self, logical_id: str) -> str | None:
        """Return the resource type of a logical ID of this template, or None."""
        body = self._resources.get(logical_id)
        return str(body.get("Type")) if isinstance(body, Mapping) else None

    def referenced_resource(self, text: str) -> str | None:
        """Return the type of the same-stack resource ``text`` wholly refers to, or None.

        ``${Topic}`` and ``${Function.Arn}`` refer to the resources ``Topic`` and
        ``Function`` when this template has them.
        """
        match = _WHOLE_REFERENCE_RE.fullmatch(text)
        return self.type_of(match["name"]) if match else None

    def region_of(self, text: str) -> str | None:
        """Return the Region an ARN is in: a Region name, :data:`OWN`, or None when unknown.

        A whole reference to a resource of this stack and ``${AWS::Region}`` are
        :data:`OWN`; a global ARN with no Region (IAM, S3) is None.
        """
        if self.referenced_resource(text) is not None:
            return OWN
        arn = arn_of(text)
        if arn is None:
            return None
        if arn.region == _PSEUDO_REGION:
            return OWN
        return arn.region if arn.region and arn.known(arn.region) else None

    def account_of(self, text: str) -> str | None:
        """Return the account of an ARN: an account ID, :data:`OWN`, or None when unknown."""
        if self.referenced_resource(text) is not None:
            return OWN
        arn = arn_of(text)
        if arn is None:
            return None
        if arn.account == _PSEUDO_ACCOUNT:
            return OWN
        known = arn.account and arn.known(arn.account) and arn.account.isdigit()
        return arn.account if known else None

    def other_region(self, text: str) -> str | None:
        """Return the Region an ARN is in when it is known not to be this stack's."""
        region = self.region_of(text)
        if region in (None, OWN) or self.region is None:
            return None
        return region if region != self.region else None

    def other_account(self, text: str) -> str | None:
        """Return the account of an ARN when it is known not to be this stack's."""
        account = self.account_of(text)
        if account in (None, OWN) or self.account is None:
            return None
        return account if account != self.account else None
