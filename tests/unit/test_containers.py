"""Container Insights: EksObservability and EcsContainerInsights.

One stack holds the variants and is synthesized once for the module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from aws_cdk import Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Annotations, Match, Template

from observability_blueprint import BlueprintError, BlueprintKey
from observability_blueprint.blueprint.stacks import add_compliance_checks
from observability_blueprint.containers.ecs_container_insights import EcsContainerInsights
from observability_blueprint.containers.eks_observability import EksObservability
from observability_blueprint.rules.containers import (
    check_eks_cluster_name,
    check_oidc_provider_arn,
    oidc_issuer,
)
from support import assert_compliant, new_app, new_stack, resources

OIDC = (
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/"
    "EXAMPLED539D4633E53DE1B71EXAMPLE"
)
ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


def _policy_arn(name: str) -> dict[str, Any]:
    return {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::aws:policy/{name}"]]}


@dataclass
class Built:
    stack: Stack
    template: Template
    pod: EksObservability
    irsa: EksObservability
    named: EcsContainerInsights
    unnamed: EcsContainerInsights
    by_name: EcsContainerInsights
    named_cluster: ecs.Cluster
    unnamed_cluster: ecs.Cluster

    def resource(self, construct: Any) -> dict[str, Any]:
        found: dict[str, Any] = self.template.to_json()["Resources"][self.id(construct)]
        return found

    def id(self, construct: Any) -> str:
        if not hasattr(construct, "logical_id"):
            construct = construct.node.default_child
        return self.stack.get_logical_id(construct)


@pytest.fixture(scope="module")
def built() -> Built:
    _, stack = new_stack()
    pod = EksObservability(
        stack,
        "Shop",
        cluster_name="shop-prod",
        pod_identity_agent=True,
        addon_version="v4.1.0-eksbuild.1",
        configuration_values={"containerLogs": {"enabled": True}},
    )
    irsa = EksObservability(
        stack,
        "Legacy",
        cluster_name="legacy_1",
        oidc_provider_arn=OIDC,
        application_signals=False,
        retention_days=90,
        performance_retention_days=7,
    )
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, subnet_configuration=[])
    named_cluster = ecs.Cluster(
        stack,
        "Named",
        vpc=vpc,
        cluster_name="shop-ecs",
        container_insights_v2=ecs.ContainerInsights.DISABLED,
    )
    unnamed_cluster = ecs.Cluster(stack, "Unnamed", vpc=vpc)
    named = EcsContainerInsights(stack, "NamedInsights", cluster=named_cluster)
    unnamed = EcsContainerInsights(
        stack, "UnnamedInsights", cluster=unnamed_cluster, mode="enabled"
    )
    by_name = EcsContainerInsights(stack, "ByName", cluster="batch", retention_days=14)
    return Built(
        stack,
        Template.from_stack(stack),
        pod,
        irsa,
        named,
        unnamed,
        by_name,
        named_cluster,
        unnamed_cluster,
    )


# ---------------------------------------------------------------------- EKS


def test_container_insights_log_groups_with_retention(built: Built) -> None:
    groups = {kind: built.resource(group.log_group) for kind, group in built.pod.log_groups.items()}
    assert {k: g["Properties"]["LogGroupName"] for k, g in groups.items()} == {
        "application": "/aws/containerinsights/shop-prod/application",
        "host": "/aws/containerinsights/shop-prod/host",
        "dataplane": "/aws/containerinsights/shop-prod/dataplane",
        "performance": "/aws/containerinsights/shop-prod/performance",
    }
    assert {k: g["Properties"]["RetentionInDays"] for k, g in groups.items()} == {
        "application": 365,
        "host": 365,
        "dataplane": 365,
        "performance": 30,
    }
    assert {g["DeletionPolicy"] for g in groups.values()} == {"Retain"}
    legacy = {k: built.resource(g.log_group) for k, g in built.irsa.log_groups.items()}
    assert legacy["application"]["Properties"]["RetentionInDays"] == 90
    assert legacy["performance"]["Properties"]["RetentionInDays"] == 7


def test_addon_comes_after_its_log_groups_and_credentials(built: Built) -> None:
    addon = built.resource(built.pod.addon)
    assert addon["Properties"] == {
        "AddonName": "amazon-cloudwatch-observability",
        "ClusterName": "shop-prod",
        "AddonVersion": "v4.1.0-eksbuild.1",
        "ConfigurationValues": '{"containerLogs":{"enabled":true}}',
    }
    assert sorted(addon["DependsOn"]) == sorted(
        [
            *(built.id(g.log_group) for g in built.pod.log_groups.values()),
            built.id(built.pod.pod_identity_association),
            built.id(built.pod.pod_identity_agent),
        ]
    )
    legacy = built.resource(built.irsa.addon)
    assert sorted(legacy["DependsOn"]) == sorted(
        built.id(g.log_group) for g in built.irsa.log_groups.values()
    )


def test_pod_identity_association_for_the_agent_service_account(built: Built) -> None:
    association = built.resource(built.pod.pod_identity_association)
    assert association["Type"] == "AWS::EKS::PodIdentityAssociation"
    assert association["Properties"] == {
        "ClusterName": "shop-prod",
        "Namespace": "amazon-cloudwatch",
        "ServiceAccount": "cloudwatch-agent",
        "RoleArn": {"Fn::GetAtt": [built.id(built.pod.role), "Arn"]},
    }
    agent = built.resource(built.pod.pod_identity_agent)
    assert agent["Properties"] == {
        "AddonName": "eks-pod-identity-agent",
        "ClusterName": "shop-prod",
    }


def test_pod_identity_role_trusts_only_the_agent_on_this_cluster(built: Built) -> None:
    role = built.resource(built.pod.role)["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {
                "StringEquals": {
                    # An environment-agnostic stack: the account it is deployed in.
                    "aws:SourceAccount": {"Ref": "AWS::AccountId"},
                    "aws:RequestTag/eks-cluster-name": "shop-prod",
                    "aws:RequestTag/kubernetes-namespace": "amazon-cloudwatch",
                    "aws:RequestTag/kubernetes-service-account": "cloudwatch-agent",
                }
            },
        }
    ]
    assert role["ManagedPolicyArns"] == [
        _policy_arn("CloudWatchAgentServerPolicy"),
        _policy_arn("AWSXrayWriteOnlyAccess"),
    ]


def test_irsa_role_and_addon(built: Built) -> None:
    role = built.resource(built.irsa.role)["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Federated": OIDC},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    f"{ISSUER}:sub": "system:serviceaccount:amazon-cloudwatch:cloudwatch-agent",
                    f"{ISSUER}:aud": "sts.amazonaws.com",
                }
            },
        }
    ]
    assert role["ManagedPolicyArns"] == [_policy_arn("CloudWatchAgentServerPolicy")]
    addon = built.resource(built.irsa.addon)["Properties"]
    assert addon == {
        "AddonName": "amazon-cloudwatch-observability",
        "ClusterName": "legacy_1",
        "ServiceAccountRoleArn": {"Fn::GetAtt": [built.id(built.irsa.role), "Arn"]},
    }
    assert built.irsa.pod_identity_association is None
    associations = resources(built.template, "AWS::EKS::PodIdentityAssociation")
    assert list(associations) == [built.id(built.pod.pod_identity_association)]


# ---------------------------------------------------------------------- ECS


def test_ecs_cluster_of_this_app_gets_the_setting_and_waits_for_its_log_group(
    built: Built,
) -> None:
    cluster = built.resource(built.named_cluster)
    assert cluster["Properties"]["ClusterSettings"] == [
        {"Name": "containerInsights", "Value": "enhanced"}
    ]
    assert cluster["DependsOn"] == [built.id(built.named.log_group.log_group)]
    group = built.resource(built.named.log_group.log_group)["Properties"]
    assert group["LogGroupName"] == "/aws/ecs/containerinsights/shop-ecs/performance"
    assert group["RetentionInDays"] == 30
    assert built.named.managed


def test_ecs_cluster_without_a_name(built: Built) -> None:
    cluster = built.resource(built.unnamed_cluster)
    assert cluster["Properties"]["ClusterSettings"] == [
        {"Name": "containerInsights", "Value": "enabled"}
    ]
    assert "DependsOn" not in cluster
    group = built.resource(built.unnamed.log_group.log_group)["Properties"]
    assert group["LogGroupName"] == {
        "Fn::Join": [
            "",
            [
                "/aws/ecs/containerinsights/",
                {"Ref": built.id(built.unnamed_cluster)},
                "/performance",
            ],
        ]
    }
    Annotations.from_stack(built.stack).has_warning(
        "/Test/UnnamedInsights",
        Match.string_like_regexp("the cluster Test/Unnamed has no cluster_name"),
    )


def test_ecs_cluster_by_name_is_only_warned_about(built: Built) -> None:
    group = built.resource(built.by_name.log_group.log_group)["Properties"]
    assert group == {
        "LogGroupName": "/aws/ecs/containerinsights/batch/performance",
        "LogGroupClass": "STANDARD",
        "RetentionInDays": 14,
    }
    assert not built.by_name.managed
    Annotations.from_stack(built.stack).has_warning(
        "/Test/ByName",
        "Container Insights is a setting of ECS cluster batch, which this stack does not "
        "manage, so CloudFormation cannot turn it on; this stack only pre-creates its "
        "performance log group. Turn it on where the cluster is defined (ClusterSettings: "
        "containerInsights=enhanced) or run: aws ecs update-cluster-settings --cluster batch "
        "--settings name=containerInsights,value=enhanced "
        "[ack: observability-blueprint:ecs-container-insights-by-name]",
    )
    assert len(resources(built.template, "AWS::ECS::Cluster")) == 2


def test_other_cluster_settings_are_kept() -> None:
    _, stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, subnet_configuration=[])
    cluster = ecs.Cluster(stack, "Cluster", vpc=vpc, cluster_name="jobs")
    cfn = cluster.node.default_child
    assert isinstance(cfn, ecs.CfnCluster)
    cfn.cluster_settings = [
        ecs.CfnCluster.ClusterSettingsProperty(name="containerInsights", value="disabled"),
        {"name": "futureSetting", "value": "on"},
    ]
    EcsContainerInsights(stack, "Insights", cluster=cluster)
    settings = Template.from_stack(stack).to_json()["Resources"][stack.get_logical_id(cfn)]
    assert settings["Properties"]["ClusterSettings"] == [
        {"Name": "futureSetting", "Value": "on"},
        {"Name": "containerInsights", "Value": "enhanced"},
    ]


def test_an_imported_cluster_is_treated_like_one_given_by_name() -> None:
    _, stack = new_stack()
    imported = ecs.Cluster.from_cluster_arn(
        stack, "Imported", "arn:aws:ecs:eu-west-1:111122223333:cluster/jobs"
    )
    insights = EcsContainerInsights(stack, "Insights", cluster=imported)
    assert not insights.managed
    assert insights.cluster_name == "jobs"
    Annotations.from_stack(stack).has_warning(
        "/Test/Insights", Match.string_like_regexp("cannot turn it on")
    )


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("-shop", "'-shop'"),
        ("shop prod", "'shop prod'"),
        ("a" * 101, "'" + "a" * 77 + "...'"),  # a long value is cut in the message
        ("shop.prod", "'shop.prod'"),
        ("", "''"),
    ],
)
def test_invalid_eks_cluster_names_are_refused(name: str, shown: str) -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as error:
        EksObservability(stack, "Eks", cluster_name=name)
    assert str(error.value) == (
        f"Test/Eks.cluster_name: {shown} is not an EKS cluster name; use 1 to 100 letters, "
        "digits, '-' and '_', starting with a letter or digit"
    )


def test_eks_cluster_name_rule_follows_the_botocore_model() -> None:
    eks = botocore.session.get_session().get_service_model("eks")
    shape = eks.operation_model("CreateAddon").input_shape.members["clusterName"]
    assert shape.metadata == {"min": 1, "max": 100, "pattern": "^[0-9A-Za-z][A-Za-z0-9\\-_]*"}
    for name in ("a", "0shop_prod-1", "a" * 100):
        assert check_eks_cluster_name(name) is None


def test_eks_cluster_name_must_be_plain_text() -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError, match=r"Test/Eks\.cluster_name: is a reference"):
        EksObservability(stack, "Eks", cluster_name=Token.as_string({"Ref": "Cluster"}))


def test_eks_settings_are_checked() -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as error:
        EksObservability(
            stack,
            "Eks",
            cluster_name="shop",
            oidc_provider_arn="arn:aws:iam::111122223333:role/not-a-provider",
            addon_version="4.1.0",
            pod_identity_agent=True,
            performance_retention_days=10,
        )
    assert str(error.value).splitlines() == [
        "Test/Eks.oidc_provider_arn: 'arn:aws:iam::111122223333:role/not-a-provider' is not an "
        "EKS OIDC provider ARN; use the form "
        "arn:aws:iam::111122223333:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID; this is "
        "an IAM role ARN",
        "Test/Eks.addon_version: '4.1.0' is not an add-on version; use the form v4.1.0-eksbuild.1",
        "Test/Eks.pod_identity_agent: the Pod Identity Agent serves Pod Identity; with "
        "oidc_provider_arn the add-on uses IRSA and does not need it",
        "Test/Eks.performance_retention_days: 10 is not a CloudWatch Logs retention; use one of "
        "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, "
        "2922, 3288, 3653 (nearest: 7 or 14), or null to keep events forever",
    ]


def test_an_oidc_provider_given_by_reference_is_refused() -> None:
    # Its issuer goes into the trust policy's condition keys, so it must be text.
    _, stack = new_stack()
    reference = Token.as_string({"Ref": "Provider"})
    with pytest.raises(BlueprintError) as error:
        EksObservability(stack, "Eks", cluster_name="shop", oidc_provider_arn=reference)
    assert str(error.value).startswith("Test/Eks.oidc_provider_arn: '${Token[")
    assert str(error.value).endswith(
        "' is a reference; give the OIDC provider ARN as text: its issuer "
        "(oidc.eks.REGION.amazonaws.com/id/ID) goes into the role's trust policy"
    )


def test_an_oidc_provider_in_another_partition_keeps_its_issuer() -> None:
    china = "arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC"
    assert check_oidc_provider_arn(china) is None
    assert oidc_issuer(china) == "oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC"
    assert check_oidc_provider_arn(
        "arn:aws:iam:eu-west-1:111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/A"
    ) == (
        "'arn:aws:iam:eu-west-1:111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/A' "
        "is not an EKS OIDC provider ARN; use the form "
        "arn:aws:iam::111122223333:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID"
    )


def test_pod_identity_needs_addon_3_1_or_later() -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as error:
        EksObservability(stack, "Eks", cluster_name="shop", addon_version="v2.6.0-eksbuild.1")
    assert str(error.value) == (
        "Test/Eks.addon_version: add-on v2.6.0-eksbuild.1 takes no EKS Pod Identity (v3.1.0 or "
        "later does); use a later version, or IRSA by giving oidc_provider_arn"
    )
    # With IRSA the same version is fine.
    EksObservability(
        stack,
        "Irsa",
        cluster_name="shop",
        addon_version="v2.6.0-eksbuild.1",
        oidc_provider_arn=OIDC,
    )


def test_ecs_settings_are_checked() -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as error:
        EcsContainerInsights(stack, "Ecs", cluster="arn:aws:ecs:eu-west-1:1:cluster/x", mode="on")
    assert str(error.value).splitlines() == [
        "Test/Ecs.cluster: 'arn:aws:ecs:eu-west-1:1:cluster/x' is not an ECS cluster name; use 1 "
        "to 255 letters, digits, '-' and '_' (the name, not the ARN)",
        "Test/Ecs.mode: 'on' is not a Container Insights mode; use one of enhanced, enabled",
    ]


# --------------------------------------------------------------- compliance


def test_cdk_nag_and_cfn_lint_find_nothing(tmp_path: Path) -> None:
    app = new_app(tmp_path)
    stack = Stack(app, "Containers")
    key = BlueprintKey(stack, "Key")
    EksObservability(stack, "Pod", cluster_name="shop-prod", encryption_key=key)
    EksObservability(stack, "Irsa", cluster_name="legacy", oidc_provider_arn=OIDC)
    EcsContainerInsights(stack, "Ecs", cluster="batch", encryption_key=key)
    add_compliance_checks(app)
    app.synth()  # raises on an unacknowledged finding
    # The one warning: cluster "batch" is named, not managed, so Container Insights
    # is turned on where it is defined.
    assert_compliant(
        tmp_path,
        construct_warnings={"Annotation::observability-blueprint:ecs-container-insights-by-name"},
    )
