"""HostIdentity (instance role and profile, hybrid activation role) and VpcEndpoints.

One stack holds every variant and is synthesized once for the module; another,
with the compliance checks registered, shows the acknowledgements are needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_iam as iam

from observability_blueprint import add_compliance_checks
from observability_blueprint.hosts.host_identity import MANAGED_POLICIES, HostIdentity
from observability_blueprint.hosts.vpc_endpoints import VpcEndpoints
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.rules.ssm_schedules import CommandOutput
from support import compliance_findings, new_app, new_stack

PARTITION = {"Ref": "AWS::Partition"}
REGION = {"Ref": "AWS::Region"}
ACCOUNT = {"Ref": "AWS::AccountId"}
VPC = "vpc-0123456789abcdef0"
SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
SECURITY_GROUPS = ["sg-0123456789abcdef0"]
ROUTE_TABLES = ["rtb-0123456789abcdef0", "rtb-0123456789abcdef1"]


def managed(name: str) -> dict[str, Any]:
    return {"Fn::Join": ["", ["arn:", PARTITION, f":iam::aws:policy/{name}"]]}


@dataclass
class Built:
    stack: Stack
    template: dict[str, Any]
    ec2_only: HostIdentity
    both: HostIdentity
    endpoints: VpcEndpoints
    minimal_endpoints: VpcEndpoints

    def props(self, construct: Any) -> dict[str, Any]:
        node = construct.node.default_child if hasattr(construct, "node") else construct
        if node is None:
            node = construct
        props: dict[str, Any] = self.template["Resources"][self.stack.get_logical_id(node)][
            "Properties"
        ]
        return props

    def of_type(self, resource_type: str) -> list[dict[str, Any]]:
        return [r for r in self.template["Resources"].values() if r["Type"] == resource_type]


@pytest.fixture(scope="module")
def built() -> Built:
    app, stack = new_stack()
    ec2_only = HostIdentity(stack, "Ec2")
    both = HostIdentity(
        stack,
        "Both",
        hybrid_role=True,
        command_outputs=[
            CommandOutput("payments-ssm-output", "ssm/web/"),
            CommandOutput("payments-ssm-output", "ssm/win/"),
        ],
    )
    endpoints = VpcEndpoints(
        stack,
        "Endpoints",
        vpc_id=VPC,
        subnet_ids=SUBNETS,
        security_group_ids=SECURITY_GROUPS,
        route_table_ids=ROUTE_TABLES,
    )
    minimal = VpcEndpoints(
        stack,
        "Minimal",
        vpc_id=VPC,
        subnet_ids=SUBNETS[:1],
        security_group_ids=SECURITY_GROUPS,
        services=["ssm", "ec2"],
        s3_gateway=False,
    )
    template = app.synth().get_stack_by_name(stack.stack_name).template
    return Built(stack, template, ec2_only, both, endpoints, minimal)


# --------------------------------------------------------------------- roles


def test_instance_role_is_for_ec2_with_the_two_managed_policies(built: Built) -> None:
    role = built.ec2_only.instance_role
    assert role is not None
    props = built.props(role)
    assert props["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
        }
    ]
    assert props["ManagedPolicyArns"] == [
        managed("AmazonSSMManagedInstanceCore"),
        managed("CloudWatchAgentServerPolicy"),
    ]
    assert "RoleName" not in props  # generated: stacks can be replaced safely
    assert built.ec2_only.hybrid_role is None


def test_instance_profile_holds_the_role(built: Built) -> None:
    profile = built.ec2_only.instance_profile
    role = built.ec2_only.instance_role
    assert profile is not None
    assert role is not None
    props = built.props(profile)
    assert props["Roles"] == [{"Ref": built.stack.get_logical_id(role.node.default_child)}]  # type: ignore[arg-type]


def test_hybrid_role_trusts_only_this_accounts_systems_manager(built: Built) -> None:
    role = built.both.hybrid_role
    assert role is not None
    props = built.props(role)
    assert props["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "ssm.amazonaws.com"},
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "ArnLike": {
                    "aws:SourceArn": {
                        "Fn::Join": ["", ["arn:", PARTITION, ":ssm:", REGION, ":", ACCOUNT, ":*"]]
                    }
                },
            },
        }
    ]
    assert props["ManagedPolicyArns"] == [managed(name) for name in MANAGED_POLICIES]
    assert built.both.roles == [built.both.instance_role, role]


def test_command_output_permission_is_put_object_under_the_prefixes_only(built: Built) -> None:
    def s3(path: str) -> dict[str, Any]:
        return {"Fn::Join": ["", ["arn:", PARTITION, f":s3:::{path}"]]}

    policies = [
        p
        for p in built.of_type("AWS::IAM::Policy")
        if "CommandOutput" in p["Properties"]["PolicyName"]
    ]
    assert len(policies) == 2  # one per role of the "Both" identity
    for policy in policies:
        assert policy["Properties"]["PolicyDocument"]["Statement"] == [
            {
                "Sid": "WriteCommandOutput",
                "Action": "s3:PutObject",
                "Effect": "Allow",
                "Resource": [
                    s3("payments-ssm-output/ssm/web/*"),
                    s3("payments-ssm-output/ssm/win/*"),
                ],
            },
            {
                "Sid": "ReadBucketEncryption",
                "Action": "s3:GetEncryptionConfiguration",
                "Effect": "Allow",
                "Resource": s3("payments-ssm-output"),
            },
        ]
    # Without output locations, no inline policy at all.
    assert all(
        "Ec2" not in p["Properties"]["PolicyName"] for p in built.of_type("AWS::IAM::Policy")
    )


def test_identity_rejects_bad_input() -> None:
    _, stack = new_stack()
    with pytest.raises(
        BlueprintError,
        match=r"^Test/None\.instance_role: nothing to create: ask for the instance role, the "
        r"hybrid role or both$",
    ):
        HostIdentity(stack, "None", instance_role=False)
    with pytest.raises(
        BlueprintError, match=r"^Test/Bad\.command_outputs\[0\]: 'My_Bucket' is not an S3 bucket"
    ):
        HostIdentity(stack, "Bad", command_outputs=[CommandOutput("My_Bucket", "ssm/")])


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        (
            "",
            r"give a key prefix for the output in 'payments-ssm-output', such as ssm/agent/: "
            r"the servers may write only under it, and without one they could overwrite any "
            r"object in the bucket$",
        ),
        (
            "ssm/*",
            r"'ssm/\*' holds \*, which IAM reads as a wildcard or a policy variable: the servers "
            r"could write outside the prefix\. Give a literal prefix such as ssm/agent/$",
        ),
        ("ssm/?/", r"'ssm/\?/' holds \?, which IAM reads as a wildcard"),
        ("ssm/${aws:userid}/", r"'ssm/\$\{aws:userid\}/' holds \$\{, which IAM reads"),
    ],
)
def test_output_prefix_that_would_open_the_whole_bucket_is_rejected(
    prefix: str, message: str
) -> None:
    """The instance role may write under the prefix only: ``<bucket>/<prefix>*``."""
    _, stack = new_stack()
    with pytest.raises(BlueprintError, match=rf"^Test/Wide\.command_outputs\[0\]: {message}"):
        HostIdentity(stack, "Wide", command_outputs=[CommandOutput("payments-ssm-output", prefix)])


def test_managed_policies_are_acknowledged_for_cdk_nag(tmp_path: Path) -> None:
    """Negative control: the same role without the acknowledgements is reported (IAM4)."""
    app = new_app(tmp_path)
    stack = Stack(app, "Nag")
    HostIdentity(
        stack, "Identity", hybrid_role=True, command_outputs=[CommandOutput("b-u-c", "ssm/")]
    )
    iam.Role(
        stack,
        "Unacknowledged",
        assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")
        ],
    )
    add_compliance_checks(app)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    assert compliance_findings(tmp_path) == [
        "AwsSolutions: AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
        "AmazonSSMManagedInstanceCore]: Nag/Unacknowledged/Resource"
    ]


# ------------------------------------------------------------------ endpoints


def test_interface_endpoints_for_systems_manager_and_cloudwatch(built: Built) -> None:
    endpoints = built.endpoints.interface_endpoints
    assert list(endpoints) == ["ssm", "ssmmessages", "ec2messages", "logs", "monitoring"]
    for service, endpoint in endpoints.items():
        assert built.props(endpoint) == {
            "ServiceName": {"Fn::Join": ["", ["com.amazonaws.", REGION, f".{service}"]]},
            "VpcId": VPC,
            "VpcEndpointType": "Interface",
            "SubnetIds": SUBNETS,
            "SecurityGroupIds": SECURITY_GROUPS,
            "PrivateDnsEnabled": True,
        }


def test_s3_gateway_endpoint_on_the_route_tables(built: Built) -> None:
    gateway = built.endpoints.s3_gateway
    assert gateway is not None
    assert built.props(gateway) == {
        "ServiceName": {"Fn::Join": ["", ["com.amazonaws.", REGION, ".s3"]]},
        "VpcId": VPC,
        "VpcEndpointType": "Gateway",
        "RouteTableIds": ROUTE_TABLES,
    }


def test_services_can_be_chosen_and_the_gateway_left_out(built: Built) -> None:
    assert list(built.minimal_endpoints.interface_endpoints) == ["ssm", "ec2"]
    assert built.minimal_endpoints.s3_gateway is None
    assert len(built.of_type("AWS::EC2::VPCEndpoint")) == 6 + 2


def test_endpoints_reject_bad_ids_and_settings() -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as error:
        VpcEndpoints(
            stack,
            "Bad",
            vpc_id="my-vpc",
            subnet_ids=["subnet-1"],
            security_group_ids=[],
            services=["ssm", "sqs", "ssm"],
        )
    assert [str(p) for p in error.value.problems] == [
        "Test/Bad.vpc_id: 'my-vpc' not an id of this kind; give ids such as "
        "vpc-0123456789abcdef0 (no lookups: synthesis uses the ids as given)",
        "Test/Bad.subnet_ids: 'subnet-1' not an id of this kind; give ids such as "
        "subnet-0123456789abcdef0 (no lookups: synthesis uses the ids as given)",
        "Test/Bad.security_group_ids: give 1 to 5 security groups that allow HTTPS from the "
        "servers (got 0)",
        "Test/Bad.services: 'sqs': use ssm, ssmmessages, ec2messages, logs, monitoring, ec2, kms",
        "Test/Bad.services: a service is listed twice",
        "Test/Bad.route_table_ids: the S3 gateway endpoint needs the route tables of the "
        "servers' subnets; give route_table_ids or s3_gateway=False",
    ]
