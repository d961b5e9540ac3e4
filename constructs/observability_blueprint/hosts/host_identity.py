"""The IAM identity servers need for Systems Manager and the CloudWatch agent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from aws_cdk import Aws, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.ssm_schedules import CommandOutput
from observability_blueprint.security import (
    acknowledge_managed_policy,
    acknowledge_wildcard_resource,
)

MANAGED_POLICIES: Final[tuple[str, ...]] = (
    "AmazonSSMManagedInstanceCore",
    "CloudWatchAgentServerPolicy",
)
"""What a managed node with the CloudWatch agent needs: Systems Manager's core
(association and Run Command messages, inventory) and the agent's (PutMetricData,
log delivery, GetParameter on ``AmazonCloudWatch-*`` parameters)."""

_POLICY_REASONS: Final = {
    "AmazonSSMManagedInstanceCore": (
        "AWS's documented minimum for a Systems Manager managed node; AWS keeps it in step "
        "with the SSM Agent's needs (its wildcards are message channels without ARNs)"
    ),
    "CloudWatchAgentServerPolicy": (
        "AWS's documented policy for the CloudWatch agent; it limits ssm:GetParameter to "
        "AmazonCloudWatch-* parameters, and PutMetricData/PutLogEvents take no narrower resource"
    ),
}


class HostIdentity(Construct):
    """The roles servers run the SSM Agent and the CloudWatch agent with.

    For EC2, an instance role and its instance profile (attach the profile to
    instances or launch templates). For servers outside AWS, the service role
    an SSM hybrid activation hands to the servers it registers; CloudFormation
    has no activation resource, so the activation itself is created with the
    CLI (``aws ssm create-activation --iam-role <hybrid role name>``). Both roles
    carry AmazonSSMManagedInstanceCore and CloudWatchAgentServerPolicy, and may
    write Run Command output to the given S3 locations. Roles get no physical
    names, so a stack can be replaced without name clashes.

    Parameters
    ----------
    instance_role
        Create the EC2 instance role and instance profile. Default: yes.
    hybrid_role
        Create the hybrid activation's service role. Default: no.
    command_outputs
        S3 locations the roles may write association output to (``s3:PutObject``
        under the prefix only). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        instance_role: bool = True,
        hybrid_role: bool = False,
        command_outputs: Sequence[CommandOutput] = (),
    ) -> None:
        super().__init__(scope, id)
        problems = [
            Problem(f"{self.node.path}.command_outputs[{index}]", message)
            for index, output in enumerate(command_outputs)
            if (message := output.check())
        ]
        if not instance_role and not hybrid_role:
            problems.append(
                Problem(
                    f"{self.node.path}.instance_role",
                    "nothing to create: ask for the instance role, the hybrid role or both",
                )
            )
        if problems:
            raise BlueprintError(problems)
        self._outputs = tuple(dict.fromkeys(command_outputs))

        self.instance_role: iam.Role | None = None
        """The EC2 instance role (trusted by ec2.amazonaws.com)."""
        self.instance_profile: iam.InstanceProfile | None = None
        """The instance profile holding :attr:`instance_role`."""
        self.hybrid_role: iam.Role | None = None
        """The service role of SSM hybrid activations (trusted by ssm.amazonaws.com)."""

        if instance_role:
            self.instance_role = self._role(
                "InstanceRole",
                iam.ServicePrincipal("ec2.amazonaws.com"),
                "EC2 instances managed by Systems Manager, running the CloudWatch agent",
            )
            self.instance_profile = iam.InstanceProfile(
                self, "InstanceProfile", role=self.instance_role
            )
        if hybrid_role:
            stack = Stack.of(self)
            # The confused-deputy guard of AWS's documented trust policy: only
            # Systems Manager acting for this account and Region may assume it.
            principal = iam.ServicePrincipal("ssm.amazonaws.com").with_conditions(
                {
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": f"arn:{Aws.PARTITION}:ssm:{stack.region}:{stack.account}:*"
                    },
                }
            )
            self.hybrid_role = self._role(
                "HybridRole",
                principal,
                "Servers outside AWS registered by an SSM hybrid activation",
            )

    def _role(self, id: str, principal: iam.IPrincipal, description: str) -> iam.Role:
        role = iam.Role(
            self,
            id,
            assumed_by=principal,
            description=description,
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(name) for name in MANAGED_POLICIES
            ],
        )
        for name in MANAGED_POLICIES:
            acknowledge_managed_policy(role, name, reason=_POLICY_REASONS[name])
        if self._outputs:
            policy = iam.Policy(self, f"{id}CommandOutput", statements=self._output_statements())
            policy.attach_to_role(role)
            for output in self._outputs:
                acknowledge_wildcard_resource(
                    policy,
                    _object_arn(output),
                    reason=(
                        "each node writes its command output under its own key below this "
                        "prefix; the keys are not known in advance"
                    ),
                )
        return role

    def _output_statements(self) -> list[iam.PolicyStatement]:
        return [
            iam.PolicyStatement(
                sid="WriteCommandOutput",
                actions=["s3:PutObject"],
                resources=[_object_arn(output) for output in self._outputs],
            ),
            iam.PolicyStatement(
                sid="ReadBucketEncryption",
                actions=["s3:GetEncryptionConfiguration"],
                resources=sorted(
                    {f"arn:{Aws.PARTITION}:s3:::{output.bucket}" for output in self._outputs}
                ),
            ),
        ]

    @property
    def roles(self) -> list[iam.Role]:
        """Every role created."""
        return [role for role in (self.instance_role, self.hybrid_role) if role is not None]


def _object_arn(output: CommandOutput) -> str:
    return f"arn:{Aws.PARTITION}:s3:::{output.bucket}/{output.prefix}*"
