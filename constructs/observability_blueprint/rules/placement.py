"""Settings an account has once per Region, and the one stack that may own each.

Pure module: no aws_cdk import. An account-level field index policy or X-Ray
Transaction Search is one setting per account and Region: two stacks that both
create it would overwrite each other (or the second fails), so exactly one may own it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from observability_blueprint.rules.errors import Problem


@dataclass(frozen=True)
class AccountClaim:
    """A stack that creates a one-per-account-and-Region setting.

    ``account`` and ``region`` are None when the stack does not fix them
    (environment-agnostic): it may then land anywhere, so it collides with any
    other claim that agrees on what is known.
    """

    location: str
    account: str | None
    region: str | None

    def overlaps(self, other: AccountClaim) -> bool:
        """True when both could be deployed to the same account and Region."""
        return all(
            mine is None or theirs is None or mine == theirs
            for mine, theirs in ((self.account, other.account), (self.region, other.region))
        )


def single_owner_problems(setting: str, claims: Sequence[AccountClaim]) -> list[Problem]:
    """Refuse every claim after the first that could land in the same account and Region.

    Parameters
    ----------
    setting
        What is claimed, for the message ("the account-level field index policy").
    claims
        Who creates it, in order; the first of each account and Region owns it.
    """
    problems: list[Problem] = []
    owners: list[AccountClaim] = []
    for claim in claims:
        owner = next((o for o in owners if o.overlaps(claim)), None)
        if owner is None:
            owners.append(claim)
            continue
        problems.append(
            Problem(
                claim.location,
                f"{setting} is one per account and Region; {owner.location} already creates "
                f"it in {_place(owner)}, where this one ({_place(claim)}) could deploy too: "
                "let one stack own it (remove it here), or give the stacks different accounts or "
                "Regions",
            )
        )
    return problems


def _place(claim: AccountClaim) -> str:
    account = f"account {claim.account}" if claim.account else "any account"
    region = f"Region {claim.region}" if claim.region else "any Region"
    return f"{account}, {region}"
