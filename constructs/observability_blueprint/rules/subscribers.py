"""Who a topic notifies: the subscription protocols the blueprint offers and their endpoints.

Pure module: no aws_cdk import.
"""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

SubscriberProtocol = Literal["email", "https", "sqs", "lambda"]
"""How a topic reaches a subscriber."""
PROTOCOLS: Final[tuple[SubscriberProtocol, ...]] = get_args(SubscriberProtocol)

ENDPOINT_PATTERNS: Final[dict[SubscriberProtocol, str]] = {
    "email": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    "https": r"^https://\S+$",
    "sqs": r"^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:\S+$",
    "lambda": r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:\S+$",
}
"""What each protocol's endpoint looks like (the blueprint file's schema uses the same)."""
_ENDPOINTS: Final[dict[str, str]] = {
    "email": "an e-mail address",
    "https": "an https:// URL",
    "sqs": "an SQS queue ARN",
    "lambda": "a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)",
}


def check_subscriber(protocol: str, endpoint: str) -> str | None:
    """Return why ``endpoint`` cannot be subscribed with ``protocol``, or None."""
    if protocol not in ENDPOINT_PATTERNS:
        return f"{protocol!r} is not a protocol the blueprint subscribes; use one of " + ", ".join(
            PROTOCOLS
        )
    if not re.fullmatch(ENDPOINT_PATTERNS[protocol].strip("^$"), endpoint):
        return f"{endpoint!r} is not {_ENDPOINTS[protocol]}"
    return None
