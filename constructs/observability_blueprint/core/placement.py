"""Where a construct deploys: enough to refuse two of a kind in one account and Region.

Names that must be unique in an account and Region (X-Ray groups, sampling rules)
are compared with :func:`same_place`: only stacks that surely share one clash.
Settings an account has once (:func:`claim_of` with
:func:`~observability_blueprint.rules.placement.single_owner_problems`) are
stricter: an environment-agnostic stack could land anywhere, so it clashes with
any other owner.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from aws_cdk import Stack, Token
from constructs import Construct

from observability_blueprint.rules.placement import AccountClaim

_T = TypeVar("_T", bound=Construct)


def _known(stack: Stack) -> bool:
    return not Token.is_unresolved(stack.account) and not Token.is_unresolved(stack.region)


def same_place(first: Construct, second: Construct) -> bool:
    """Whether ``first`` and ``second`` surely deploy to the same account and Region.

    True for the same stack, and for stacks whose account and Region are both known
    at synthesis and equal. Environment-agnostic stacks cannot be compared: two of
    them may go to different accounts.
    """
    one, other = Stack.of(first), Stack.of(second)
    if one is other:
        return True
    return (
        _known(one)
        and _known(other)
        and (one.account, one.region)
        == (
            other.account,
            other.region,
        )
    )


def others_of_kind(construct: Construct, kind: type[_T], *, built: str) -> Iterator[_T]:
    """Yield every other construct of ``kind`` in the app that was built completely.

    ``built`` names an attribute the constructor sets once its checks passed: one that
    refused its arguments stays in the tree, half made, and must not count.
    """
    for node in construct.node.root.node.find_all():
        if isinstance(node, kind) and node is not construct and hasattr(node, built):
            yield node


def where(construct: Construct) -> str:
    """The account and Region of a construct's stack, as a message shows them."""
    stack = Stack.of(construct)
    if _known(stack):
        return f"account {stack.account} in {stack.region}"
    return f"stack {stack.node.path}"


def claim_of(construct: Construct) -> AccountClaim:
    """The account and Region ``construct`` claims, None where its stack does not fix them."""
    stack = Stack.of(construct)
    account, region = stack.account, stack.region
    return AccountClaim(
        construct.node.path,
        None if Token.is_unresolved(account) else account,
        None if Token.is_unresolved(region) else region,
    )
