"""Who a topic notifies: the subscription protocols the blueprint offers and their endpoints.

Pure module: no aws_cdk import.
"""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

from observability_blueprint.rules import arns
from observability_blueprint.rules.errors import cut

SubscriberProtocol = Literal["email", "https", "sqs", "lambda"]
"""How a topic reaches a subscriber."""
PROTOCOLS: Final[tuple[SubscriberProtocol, ...]] = get_args(SubscriberProtocol)

ENDPOINT_PATTERNS: Final[dict[SubscriberProtocol, str]] = {
    "email": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    "https": r"^https://\S+$",
    "sqs": r"^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:\S+$",
    "lambda": r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:\S+$",
}
"""What each protocol's endpoint looks like, for the blueprint file's schema (editors
check a value as it is typed). The checks go further: an ARN is checked by
:mod:`observability_blueprint.rules.arns` (its partition, Region, account and name)."""
_ENDPOINTS: Final[dict[str, str]] = {
    "email": "an e-mail address",
    "https": "an https:// URL",
    "sqs": "an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)",
    "lambda": "a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)",
}
_ARN_KINDS: Final[dict[str, arns.ArnKind]] = {
    "sqs": arns.SQS_QUEUE,
    "lambda": arns.LAMBDA_FUNCTION,
}


def check_subscriber(protocol: str, endpoint: str) -> str | None:
    """Return why ``endpoint`` cannot be subscribed with ``protocol``, or None."""
    if protocol not in ENDPOINT_PATTERNS:
        return (
            f"{cut(protocol)!r} is not a protocol the blueprint subscribes; use one of "
            + ", ".join(PROTOCOLS)
        )
    kind = _ARN_KINDS.get(protocol)
    if kind is None:
        valid = re.fullmatch(ENDPOINT_PATTERNS[protocol].strip("^$"), endpoint) is not None
    else:
        valid = arns.arn_problem(endpoint, [kind]) is None
    if valid:
        return None
    other = None if kind is None else arns.other_kind(endpoint, [kind])
    return f"{arns.shown(endpoint)} is not {_ENDPOINTS[protocol]}" + (
        f"; this is {other} ARN" if other else ""
    )
