"""OTel enrichment: CloudWatch metrics in PromQL, one setting per account and Region."""

from __future__ import annotations

import pytest
from aws_cdk import Environment, Stack
from aws_cdk.assertions import Template

from observability_blueprint import BlueprintError, OTelEnrichment
from support import new_app, new_stack, properties


def test_every_namespace_is_enriched() -> None:
    _, stack = new_stack()
    OTelEnrichment(stack, "Enrichment")
    assert properties(Template.from_stack(stack), "AWS::CloudWatch::OTelEnrichment") == [{}]


def test_a_second_owner_in_the_same_account_and_region_is_refused() -> None:
    app = new_app()
    here = Environment(account="111122223333", region="eu-west-1")
    OTelEnrichment(Stack(app, "One", env=here), "Enrichment")
    OTelEnrichment(
        Stack(app, "Elsewhere", env=Environment(account="111122223333", region="us-east-1")),
        "Enrichment",
    )
    with pytest.raises(BlueprintError) as caught:
        OTelEnrichment(Stack(app, "Two", env=here), "Enrichment")
    assert str(caught.value) == (
        "Two/Enrichment: OTel enrichment is one per account and Region; One/Enrichment already "
        "creates it in account 111122223333, Region eu-west-1, where this one (account "
        "111122223333, Region eu-west-1) could deploy too: let one stack own it (remove it "
        "here), or give the stacks different accounts or Regions"
    )
