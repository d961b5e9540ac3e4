"""VPC endpoints through which servers in private subnets reach Systems Manager and CloudWatch."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, get_args

from aws_cdk import Aws
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.host_defaults import (
    INTERFACE_ENDPOINT_SERVICES,
    EndpointService,
)

KNOWN_INTERFACE_SERVICES: Final[tuple[EndpointService, ...]] = get_args(EndpointService)
"""Services this construct can create interface endpoints for: the default five,
plus ``ec2`` (the agent reads the AutoScalingGroupName tag and EBS volume ids
through it) and ``kms`` (encrypted parameters and sessions)."""

_ID_RE: Final = {
    "vpc_id": re.compile(r"vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?"),
    "subnet_ids": re.compile(r"subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?"),
    "security_group_ids": re.compile(r"sg-[0-9a-f]{8}(?:[0-9a-f]{9})?"),
    "route_table_ids": re.compile(r"rtb-[0-9a-f]{8}(?:[0-9a-f]{9})?"),
}
_SECURITY_GROUPS_MAX: Final = 5


class VpcEndpoints(Construct):
    """Interface endpoints for Systems Manager and CloudWatch, and the S3 gateway endpoint.

    Without a NAT gateway, a managed node in a private subnet reaches Systems
    Manager (``ssm``, ``ssmmessages``, ``ec2messages``), CloudWatch Logs
    (``logs``) and CloudWatch metrics (``monitoring``) only through interface
    endpoints with private DNS, and downloads the agent package from S3 through
    the gateway endpoint. Everything is given by id (no lookups), so synthesis
    needs no AWS account.

    Parameters
    ----------
    vpc_id
        The servers' VPC.
    subnet_ids
        One subnet per Availability Zone for the interface endpoints.
    security_group_ids
        Security groups of the interface endpoints (1 to 5); they must allow
        HTTPS (TCP 443) from the servers.
    route_table_ids
        Route tables of the servers' subnets, for the S3 gateway endpoint.
    services
        Interface endpoints to create. Default: ssm, ssmmessages, ec2messages,
        logs, monitoring.
    s3_gateway
        Create the S3 gateway endpoint. Default: yes (it needs route tables).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc_id: str,
        subnet_ids: Sequence[str],
        security_group_ids: Sequence[str],
        route_table_ids: Sequence[str] = (),
        services: Sequence[EndpointService] = INTERFACE_ENDPOINT_SERVICES,
        s3_gateway: bool = True,
    ) -> None:
        super().__init__(scope, id)
        self._check(
            vpc_id=vpc_id,
            subnet_ids=subnet_ids,
            security_group_ids=security_group_ids,
            route_table_ids=route_table_ids,
            services=services,
            s3_gateway=s3_gateway,
        )
        self.interface_endpoints: dict[str, ec2.CfnVPCEndpoint] = {}
        """Interface endpoints, by service (``ssm``, ``logs``...)."""
        for service in services:
            self.interface_endpoints[service] = ec2.CfnVPCEndpoint(
                self,
                service,
                vpc_id=vpc_id,
                service_name=f"com.amazonaws.{Aws.REGION}.{service}",
                vpc_endpoint_type="Interface",
                subnet_ids=list(subnet_ids),
                security_group_ids=list(security_group_ids),
                private_dns_enabled=True,
            )
        self.s3_gateway: ec2.CfnVPCEndpoint | None = None
        """The S3 gateway endpoint, when created."""
        if s3_gateway:
            self.s3_gateway = ec2.CfnVPCEndpoint(
                self,
                "s3",
                vpc_id=vpc_id,
                service_name=f"com.amazonaws.{Aws.REGION}.s3",
                vpc_endpoint_type="Gateway",
                route_table_ids=list(route_table_ids),
            )

    def _check(
        self,
        *,
        vpc_id: str,
        subnet_ids: Sequence[str],
        security_group_ids: Sequence[str],
        route_table_ids: Sequence[str],
        services: Sequence[str],
        s3_gateway: bool,
    ) -> None:
        at = self.node.path
        problems: list[Problem] = []
        given = {
            "vpc_id": [vpc_id],
            "subnet_ids": list(subnet_ids),
            "security_group_ids": list(security_group_ids),
            "route_table_ids": list(route_table_ids),
        }
        for argument, values in given.items():
            bad = [v for v in values if not _ID_RE[argument].fullmatch(v)]
            if bad:
                example = _ID_RE[argument].pattern.split("-")[0] + "-0123456789abcdef0"
                problems.append(
                    Problem(
                        f"{at}.{argument}",
                        f"{', '.join(map(repr, bad))} not an id of this kind; give ids such as "
                        f"{example} (no lookups: synthesis uses the ids as given)",
                    )
                )
        if not subnet_ids and services:
            problems.append(
                Problem(f"{at}.subnet_ids", "interface endpoints need at least one subnet")
            )
        if services and not 1 <= len(security_group_ids) <= _SECURITY_GROUPS_MAX:
            problems.append(
                Problem(
                    f"{at}.security_group_ids",
                    f"give 1 to {_SECURITY_GROUPS_MAX} security groups that allow HTTPS from "
                    f"the servers (got {len(security_group_ids)})",
                )
            )
        unknown = [s for s in services if s not in KNOWN_INTERFACE_SERVICES]
        if unknown:
            problems.append(
                Problem(
                    f"{at}.services",
                    f"{', '.join(map(repr, unknown))}: use " + ", ".join(KNOWN_INTERFACE_SERVICES),
                )
            )
        if len(set(services)) != len(services):
            problems.append(Problem(f"{at}.services", "a service is listed twice"))
        if s3_gateway and not route_table_ids:
            problems.append(
                Problem(
                    f"{at}.route_table_ids",
                    "the S3 gateway endpoint needs the route tables of the servers' subnets; "
                    "give route_table_ids or s3_gateway=False",
                )
            )
        if problems:
            raise BlueprintError(problems)
