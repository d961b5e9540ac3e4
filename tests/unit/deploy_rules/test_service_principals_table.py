"""The exemption table and condition reading of rules/service_principals.py (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from observability_blueprint.rules.service_principals import (
    DOCUMENTED,
    EXEMPTIONS,
    GENERAL_GUIDE,
    condition_pages,
    exemption_for,
    has_source_condition,
    normalize_principal,
    pod_identity_conditions,
    unconditioned_principals,
)


@pytest.mark.parametrize(
    ("principal", "normal"),
    [
        ("logs.eu-west-1.amazonaws.com", "logs.amazonaws.com"),
        ("logs.${AWS::Region}.amazonaws.com", "logs.amazonaws.com"),
        ("logs.cn-north-1.amazonaws.com.cn", "logs.amazonaws.com.cn"),
        ("lambda.alarms.cloudwatch.amazonaws.com", "lambda.alarms.cloudwatch.amazonaws.com"),
        ("pods.eks.amazonaws.com", "pods.eks.amazonaws.com"),
    ],
)
def test_regional_principals_lose_their_region(principal: str, normal: str) -> None:
    assert normalize_principal(principal) == normal


@pytest.mark.parametrize(
    ("condition", "bound"),
    [
        ({"StringEquals": {"aws:SourceAccount": "111122223333"}}, True),
        ({"ArnLike": {"AWS:SOURCEARN": "arn:aws:events:*:111122223333:rule/*"}}, True),
        ({"StringEquals": {"aws:SourceOrgID": "o-abc"}}, True),
        ({"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]}}}, True),
        ({"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}, False),
        ({"StringNotEquals": {"aws:SourceAccount": "111122223333"}}, False),
        ({"StringLike": {"aws:SourceArn": "*"}}, False),
        ({"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}, False),
        ({"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:*"}}, False),
        (None, False),
    ],
)
def test_only_a_restricting_source_key_binds_a_statement(condition: Any, bound: bool) -> None:
    assert has_source_condition(condition, "trust") is bound


def test_an_encryption_context_binds_a_key_statement() -> None:
    condition = {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:*:1:log-group:*"}}
    assert has_source_condition(condition, "kms-key")


def test_an_exemption_covers_only_its_principal_kind_and_actions() -> None:
    assert exemption_for("events.amazonaws.com", "kms-key", ["kms:Decrypt"]) is not None
    assert exemption_for("events.amazonaws.com", "kms-key", ["kms:Decrypt", "kms:Encrypt"]) is None
    assert exemption_for("events.amazonaws.com", "trust", ["sts:AssumeRole"]) is None
    assert exemption_for("ec2.amazonaws.com", "trust", ["sts:AssumeRole"]) is not None
    assert exemption_for("ec2.amazonaws.com", "sns-topic", ["sns:Publish"]) is None


def test_every_exemption_and_documented_condition_cites_an_aws_page() -> None:
    pages = [e.url for e in EXEMPTIONS] + [page for cited in DOCUMENTED.values() for page in cited]
    assert all(page.startswith("https://docs.aws.amazon.com/") for page in pages)
    assert all(DOCUMENTED.values())
    assert all(e.reason for e in EXEMPTIONS)
    # A principal is either exempt or documented with a condition for a kind, never both.
    assert not {(e.principal, e.kind) for e in EXEMPTIONS} & set(DOCUMENTED)


def test_deny_statements_and_aws_principals_are_not_read() -> None:
    deny = {"Effect": "Deny", "Principal": {"Service": "events.amazonaws.com"}, "Action": "*"}
    account = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "*"}
    assert unconditioned_principals(deny, "sns-topic") == []
    assert unconditioned_principals(account, "sns-topic") == []


def test_each_unconditioned_principal_of_a_statement_is_named() -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
        "Action": "sns:Publish",
    }
    found = unconditioned_principals(statement, "sns-topic")
    assert [u.principal for u in found] == ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    assert found[0].actions == ("sns:Publish",)


def test_systems_manager_trust_cites_automation_and_hybrid_activation_pages() -> None:
    # An Automation service role and a hybrid activation's service role both trust
    # ssm.amazonaws.com; each page shows aws:SourceAccount and aws:SourceArn.
    assert condition_pages("ssm.amazonaws.com", "trust") == (
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-iam.html",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
        "hybrid-multicloud-service-role.html",
    )


def test_pod_identity_is_no_longer_exempt_and_its_conditions_bind_a_source() -> None:
    # The EKS Best Practices Guide documents a source key EKS Pod Identity passes.
    assert exemption_for("pods.eks.amazonaws.com", "trust", ["sts:AssumeRole"]) is None
    conditions = pod_identity_conditions(
        account="111122223333", cluster_name="shop", namespace="adot", service_account="collector"
    )
    assert conditions == {
        "StringEquals": {
            "aws:SourceAccount": "111122223333",
            "aws:RequestTag/eks-cluster-name": "shop",
            "aws:RequestTag/kubernetes-namespace": "adot",
            "aws:RequestTag/kubernetes-service-account": "collector",
        }
    }
    assert has_source_condition(conditions, "trust")
    assert condition_pages("pods.eks.amazonaws.com", "trust") == (
        "https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html",
        "https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html",
    )


def test_a_pair_without_a_page_points_at_the_general_guide() -> None:
    assert condition_pages("backup.amazonaws.com", "backup-vault") == (GENERAL_GUIDE,)
    assert GENERAL_GUIDE == "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"
