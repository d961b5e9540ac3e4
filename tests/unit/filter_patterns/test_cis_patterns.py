"""The CIS / Security Hub CloudWatch metric filter patterns against realistic CloudTrail records.

The patterns are the tests' transcription of the published ones
(``tests/unit/reference/cis_cloudwatch_patterns.py``: Security Hub user guide,
CloudWatch.1-14, and CIS 4.15). Each one meets at least one CloudTrail record it
must count and one near miss it must not.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from observability_blueprint.rules.filter_patterns import parse
from unit.reference import cis_cloudwatch_patterns as published

# (control, pattern): the current versions, then the versions before AWS narrowed
# CloudWatch.4 and CloudWatch.13 with $.eventSource, from the tests' transcription.
CIS_PATTERNS = list(published.CURRENT.items())
OLD_CIS_PATTERNS = [
    (f"{control} (old)", pattern) for control, pattern in published.BEFORE_EVENT_SOURCE.items()
]

PATTERNS = dict(CIS_PATTERNS + OLD_CIS_PATTERNS)
ACCOUNT = "123456789012"
USER_AGENT_CLI = "aws-cli/2.15.40 Python/3.11.8 Linux/6.1.84 exe/x86_64.amzn.2023 prompt/off"
USER_AGENT_BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/124.0.0.0 Safari/537.36"
)


def _iam_user(name: str = "alice") -> dict[str, Any]:
    return {
        "type": "IAMUser",
        "principalId": "AIDAJ45Q7YFFAREXAMPLE",
        "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}",
        "accountId": ACCOUNT,
        "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
        "userName": name,
    }


def _root(**extra: Any) -> dict[str, Any]:
    return {
        "type": "Root",
        "principalId": ACCOUNT,
        "arn": f"arn:aws:iam::{ACCOUNT}:root",
        "accountId": ACCOUNT,
        "accessKeyId": "ASIAIOSFODNN7EXAMPLE",
        **extra,
    }


def _assumed_role() -> dict[str, Any]:
    return {
        "type": "AssumedRole",
        "principalId": "AROAEXAMPLEID:alice@example.com",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com",
        "accountId": ACCOUNT,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLEID",
                "arn": f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/"
                "AWSReservedSSO_Admin_0123",
                "accountId": ACCOUNT,
                "userName": "AWSReservedSSO_Admin_0123",
            },
            "webIdFederationData": {},
            "attributes": {"creationDate": "2024-05-02T09:10:41Z", "mfaAuthenticated": "false"},
        },
    }


def api_call(
    event_source: str,
    event_name: str,
    *,
    identity: dict[str, Any] | None = None,
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    read_only: bool = False,
    **extra: Any,
) -> str:
    """A CloudTrail management event record as CloudTrail writes it to CloudWatch Logs."""
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": identity or _iam_user(),
        "eventTime": "2024-05-02T09:14:03Z",
        "eventSource": event_source,
        "eventName": event_name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.10",
        "userAgent": USER_AGENT_CLI,
        "requestParameters": request,
        "responseElements": response,
        "requestID": "c9b2f6ae-3d4e-4f0a-9a51-2b7c1d8e6f90",
        "eventID": "5e1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8",
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
        "tlsDetails": {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": event_source,
        },
    }
    record.update(extra)
    return json.dumps(record)


def console_login(
    identity: dict[str, Any], *, success: bool = True, mfa_used: str = "No", **extra: Any
) -> str:
    """A ConsoleLogin record; a failed one carries errorMessage "Failed authentication"."""
    additional = {
        "LoginTo": "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true",
        "MobileVersion": "No",
        "MFAUsed": mfa_used,
    }
    if mfa_used == "Yes":
        additional["MFAIdentifier"] = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": identity,
        "eventTime": "2024-05-02T09:14:03Z",
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.23",
        "userAgent": USER_AGENT_BROWSER,
        "requestParameters": None,
        "responseElements": {"ConsoleLogin": "Success" if success else "Failure"},
        "additionalEventData": additional,
        "eventID": "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
        "readOnly": False,
        "eventType": "AwsConsoleSignIn",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
        "tlsDetails": {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": "signin.aws.amazon.com",
        },
    }
    if not success:
        record["errorMessage"] = "Failed authentication"
    record.update(extra)
    return json.dumps(record)


def ec2(event_name: str, **kwargs: Any) -> str:
    return api_call("ec2.amazonaws.com", event_name, **kwargs)


# A PutRolePolicy record carries the policy as a JSON string: escaped quotes.
POLICY_DOCUMENT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
)

# (control, label, record, counted)
CASES = [
    # CloudWatch.1: root user activity.
    ("CloudWatch.1", "root console sign-in", console_login(_root(), mfa_used="Yes"), True),
    (
        "CloudWatch.1",
        "root creates an access key",
        api_call(
            "iam.amazonaws.com",
            "CreateAccessKey",
            identity=_root(),
            response={"accessKey": {"userName": "root", "status": "Active"}},
        ),
        True,
    ),
    (
        "CloudWatch.1",
        "root call invoked by a service",
        api_call(
            "kms.amazonaws.com",
            "Decrypt",
            identity=_root(invokedBy="cloudformation.amazonaws.com"),
            read_only=True,
        ),
        False,
    ),
    (
        "CloudWatch.1",
        "root AwsServiceEvent",
        api_call(
            "sts.amazonaws.com",
            "RenewRole",
            identity=_root(),
            eventType="AwsServiceEvent",
        ),
        False,
    ),
    ("CloudWatch.1", "IAM user call", api_call("iam.amazonaws.com", "CreateAccessKey"), False),
    # CloudWatch.2: unauthorized API calls.
    (
        "CloudWatch.2",
        "EC2 UnauthorizedOperation",
        ec2(
            "RunInstances",
            errorCode="Client.UnauthorizedOperation",
            errorMessage="You are not authorized to perform this operation.",
        ),
        True,
    ),
    (
        "CloudWatch.2",
        "S3 AccessDenied",
        api_call(
            "s3.amazonaws.com",
            "GetBucketPolicy",
            request={"bucketName": "audit-logs", "Host": "audit-logs.s3.amazonaws.com"},
            errorCode="AccessDenied",
            errorMessage="Access Denied",
            read_only=True,
        ),
        True,
    ),
    (
        "CloudWatch.2",
        "KMS AccessDeniedException",
        api_call("kms.amazonaws.com", "Decrypt", errorCode="AccessDeniedException"),
        True,
    ),
    ("CloudWatch.2", "EC2 dry run", ec2("RunInstances", errorCode="Client.DryRunOperation"), False),
    (
        "CloudWatch.2",
        "throttled call",
        ec2("DescribeInstances", errorCode="ThrottlingException"),
        False,
    ),
    ("CloudWatch.2", "successful call", ec2("DescribeInstances", read_only=True), False),
    # CloudWatch.3: console sign-in without MFA.
    ("CloudWatch.3", "IAM user, no MFA", console_login(_iam_user()), True),
    ("CloudWatch.3", "IAM user with MFA", console_login(_iam_user(), mfa_used="Yes"), False),
    (
        "CloudWatch.3",
        "failed sign-in without MFA",
        console_login(_iam_user(), success=False),
        False,
    ),
    ("CloudWatch.3", "root without MFA", console_login(_root()), False),
    ("CloudWatch.3", "SSO role sign-in", console_login(_assumed_role()), False),
    # CloudWatch.4: IAM policy changes.
    (
        "CloudWatch.4",
        "PutRolePolicy",
        api_call(
            "iam.amazonaws.com",
            "PutRolePolicy",
            request={
                "roleName": "app-reader",
                "policyName": "read-objects",
                "policyDocument": POLICY_DOCUMENT,
            },
        ),
        True,
    ),
    (
        "CloudWatch.4",
        "AttachRolePolicy",
        api_call(
            "iam.amazonaws.com",
            "AttachRolePolicy",
            request={
                "roleName": "app-reader",
                "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
            },
        ),
        True,
    ),
    ("CloudWatch.4", "GetRolePolicy", api_call("iam.amazonaws.com", "GetRolePolicy"), False),
    (
        "CloudWatch.4",
        "Organizations CreatePolicy",
        api_call("organizations.amazonaws.com", "CreatePolicy"),
        False,
    ),
    # CloudWatch.5: CloudTrail changes.
    ("CloudWatch.5", "CreateTrail", api_call("cloudtrail.amazonaws.com", "CreateTrail"), True),
    ("CloudWatch.5", "StopLogging", api_call("cloudtrail.amazonaws.com", "StopLogging"), True),
    (
        "CloudWatch.5",
        "DescribeTrails",
        api_call("cloudtrail.amazonaws.com", "DescribeTrails", read_only=True),
        False,
    ),
    (
        "CloudWatch.5",
        "LookupEvents",
        api_call("cloudtrail.amazonaws.com", "LookupEvents", read_only=True),
        False,
    ),
    # CloudWatch.6: console authentication failures.
    ("CloudWatch.6", "failed sign-in", console_login(_iam_user(), success=False), True),
    ("CloudWatch.6", "successful sign-in", console_login(_iam_user()), False),
    (
        "CloudWatch.6",
        "unknown user name",
        console_login(
            {"type": "IAMUser", "accountId": ACCOUNT, "accessKeyId": "", "userName": "HIDDEN"},
            success=False,
            errorMessage="No username found in supplied account",
        ),
        False,
    ),
    # CloudWatch.7: customer managed keys disabled or scheduled for deletion.
    ("CloudWatch.7", "DisableKey", api_call("kms.amazonaws.com", "DisableKey"), True),
    (
        "CloudWatch.7",
        "ScheduleKeyDeletion",
        api_call(
            "kms.amazonaws.com",
            "ScheduleKeyDeletion",
            request={"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "pendingWindowInDays": 30},
        ),
        True,
    ),
    ("CloudWatch.7", "EnableKey", api_call("kms.amazonaws.com", "EnableKey"), False),
    ("CloudWatch.7", "CreateKey", api_call("kms.amazonaws.com", "CreateKey"), False),
    # CloudWatch.8: S3 bucket policy changes.
    ("CloudWatch.8", "PutBucketPolicy", api_call("s3.amazonaws.com", "PutBucketPolicy"), True),
    ("CloudWatch.8", "DeleteBucketCors", api_call("s3.amazonaws.com", "DeleteBucketCors"), True),
    (
        "CloudWatch.8",
        "GetBucketPolicy",
        api_call("s3.amazonaws.com", "GetBucketPolicy", read_only=True),
        False,
    ),
    ("CloudWatch.8", "PutBucketTagging", api_call("s3.amazonaws.com", "PutBucketTagging"), False),
    # CloudWatch.9: AWS Config changes.
    (
        "CloudWatch.9",
        "StopConfigurationRecorder",
        api_call("config.amazonaws.com", "StopConfigurationRecorder"),
        True,
    ),
    (
        "CloudWatch.9",
        "PutDeliveryChannel",
        api_call("config.amazonaws.com", "PutDeliveryChannel"),
        True,
    ),
    (
        "CloudWatch.9",
        "StartConfigurationRecorder",
        api_call("config.amazonaws.com", "StartConfigurationRecorder"),
        False,
    ),
    # CloudWatch.10: security group changes.
    (
        "CloudWatch.10",
        "AuthorizeSecurityGroupIngress",
        ec2(
            "AuthorizeSecurityGroupIngress",
            request={
                "groupId": "sg-0123456789abcdef0",
                "ipPermissions": {
                    "items": [
                        {
                            "ipProtocol": "tcp",
                            "fromPort": 22,
                            "toPort": 22,
                            "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]},
                        }
                    ]
                },
            },
        ),
        True,
    ),
    ("CloudWatch.10", "DeleteSecurityGroup", ec2("DeleteSecurityGroup"), True),
    ("CloudWatch.10", "ModifySecurityGroupRules", ec2("ModifySecurityGroupRules"), False),
    (
        "CloudWatch.10",
        "DescribeSecurityGroups",
        ec2("DescribeSecurityGroups", read_only=True),
        False,
    ),
    # CloudWatch.11: network ACL changes.
    ("CloudWatch.11", "CreateNetworkAclEntry", ec2("CreateNetworkAclEntry"), True),
    ("CloudWatch.11", "ReplaceNetworkAclAssociation", ec2("ReplaceNetworkAclAssociation"), True),
    ("CloudWatch.11", "DescribeNetworkAcls", ec2("DescribeNetworkAcls", read_only=True), False),
    # CloudWatch.12: network gateway changes.
    ("CloudWatch.12", "AttachInternetGateway", ec2("AttachInternetGateway"), True),
    ("CloudWatch.12", "CreateCustomerGateway", ec2("CreateCustomerGateway"), True),
    ("CloudWatch.12", "CreateNatGateway", ec2("CreateNatGateway"), False),
    # CloudWatch.13: route table changes.
    ("CloudWatch.13", "EC2 CreateRoute", ec2("CreateRoute"), True),
    ("CloudWatch.13", "DisassociateRouteTable", ec2("DisassociateRouteTable"), True),
    (
        "CloudWatch.13",
        "API Gateway CreateRoute",
        api_call("apigateway.amazonaws.com", "CreateRoute"),
        False,
    ),
    ("CloudWatch.13", "DescribeRouteTables", ec2("DescribeRouteTables", read_only=True), False),
    # CloudWatch.14: VPC changes.
    ("CloudWatch.14", "CreateVpc", ec2("CreateVpc"), True),
    ("CloudWatch.14", "ModifyVpcAttribute", ec2("ModifyVpcAttribute"), True),
    ("CloudWatch.14", "CreateVpcPeeringConnection", ec2("CreateVpcPeeringConnection"), True),
    ("CloudWatch.14", "CreateVpcEndpoint", ec2("CreateVpcEndpoint"), False),
    ("CloudWatch.14", "DescribeVpcs", ec2("DescribeVpcs", read_only=True), False),
    # CIS 4.15: AWS Organizations changes.
    ("CIS 4.15", "CreateAccount", api_call("organizations.amazonaws.com", "CreateAccount"), True),
    (
        "CIS 4.15",
        "LeaveOrganization",
        api_call("organizations.amazonaws.com", "LeaveOrganization"),
        True,
    ),
    (
        "CIS 4.15",
        "DescribeOrganization",
        api_call("organizations.amazonaws.com", "DescribeOrganization", read_only=True),
        False,
    ),
    # The old CloudWatch.4 and .13 counted the same eventName from any service.
    (
        "CloudWatch.4 (old)",
        "Organizations CreatePolicy",
        api_call("organizations.amazonaws.com", "CreatePolicy"),
        True,
    ),
    (
        "CloudWatch.13 (old)",
        "API Gateway CreateRoute",
        api_call("apigateway.amazonaws.com", "CreateRoute"),
        True,
    ),
]


def test_the_table_holds_the_fifteen_current_controls() -> None:
    assert len(CIS_PATTERNS) == 15
    assert len(dict(CIS_PATTERNS)) == 15


@pytest.mark.parametrize(("control", "pattern"), CIS_PATTERNS + OLD_CIS_PATTERNS)
def test_every_pattern_is_a_valid_json_pattern(control: str, pattern: str) -> None:
    compiled = parse(pattern)

    assert compiled.kind == "json", control
    assert not compiled.warnings
    assert compiled.can_supply("1")


@pytest.mark.parametrize(("control", "pattern"), CIS_PATTERNS)
def test_every_current_pattern_meets_a_match_and_a_near_miss(control: str, pattern: str) -> None:
    outcomes = {counted for name, _, _, counted in CASES if name == control}

    assert outcomes == {True, False}


@pytest.mark.parametrize(
    ("control", "label", "record", "counted"),
    [pytest.param(*case, id=f"{case[0]}: {case[1]}") for case in CASES],
)
def test_cloudtrail_records(control: str, label: str, record: str, counted: bool) -> None:
    assert parse(PATTERNS[control]).matches(record) is counted


@pytest.mark.parametrize(
    ("control", "label", "record", "counted"),
    [pytest.param(*case, id=f"{case[0]}: {case[1]}") for case in CASES],
)
def test_escaped_characters_elsewhere_in_the_record_change_nothing(
    control: str, label: str, record: str, counted: bool
) -> None:
    # A backslash anywhere makes the engine decode the record instead of ruling it
    # out by its raw text first; both roads must agree.
    escaped = record[:-1] + ', "note": "line\\nbreak \\u0041 \\/path"}'

    assert parse(PATTERNS[control]).matches(escaped) is counted


def test_selectors_list_what_the_root_pattern_tests() -> None:
    assert parse(PATTERNS["CloudWatch.1"]).selectors == (
        "$.userIdentity.type",
        "$.userIdentity.invokedBy",
        "$.eventType",
    )
    assert parse(PATTERNS["CloudWatch.10"]).selectors == ("$.eventName",)
