"""CloudWatch metrics in PromQL: OTel enrichment of the account's vended metrics."""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from observability_blueprint.core.placement import claim_of
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.rules.placement import single_owner_problems


class OTelEnrichment(Construct):
    """Turns on OTel enrichment (``AWS::CloudWatch::OTelEnrichment``) in the account.

    CloudWatch then labels the vended metrics that name a resource (EC2
    ``CPUUtilization`` by ``InstanceId``, Lambda ``Errors`` by ``FunctionName``...)
    with the resource's ARN, Region, account and tags, and makes them queryable
    with PromQL: a Grafana user queries them from the CloudWatch data source's
    PromQL mode (or a Prometheus data source at CloudWatch's PromQL endpoint,
    Grafana 12.4 or later), filtering and grouping by tag like any Prometheus
    label, beside the workspace's own metrics. The metrics themselves are
    unchanged. The account must have "resource tags on telemetry" turned on first
    (CloudWatch settings). https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-OTelEnrichment.html

    Every namespace is enriched: the resource's ``IncludeFilters`` and
    ``ExcludeFilters`` are in aws-cdk-lib's L1 and cfn-lint's registry schema, but
    aws-cdk-lib's own template validation (run at every synthesis) refuses them,
    so they are not offered until the two agree.

    **One per account and Region**: a second one in the app whose stack could
    deploy to the same place is refused.
    """

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        at = self.node.path
        others = [
            c
            for c in self.node.root.node.find_all()
            if isinstance(c, OTelEnrichment) and hasattr(c, "resource")
        ]
        claims = [claim_of(c) for c in (*others, self)]
        problems = [p for p in single_owner_problems("OTel enrichment", claims) if p.location == at]
        if problems:
            raise BlueprintError(problems)
        self.resource = cloudwatch.CfnOTelEnrichment(self, "Resource")
        """The ``AWS::CloudWatch::OTelEnrichment``."""
