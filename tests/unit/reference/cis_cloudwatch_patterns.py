"""The published CIS / Security Hub CloudWatch metric filter patterns, transcribed.

An independent copy for the tests. It was transcribed from the published pages
(quoted by the team's AWS facts reference) and checked against the AWS
documentation; it was not copied from the package's data file
(``constructs/observability_blueprint/rules/data/cis_controls.json``). The tests
compare the data file with this module, so a pattern changed in one of the two
fails them. Patterns are kept byte for byte: Security Hub looks for the exact
pattern on the trail's log group.

Sources
-------
``SECURITY_HUB_URL``
    AWS Security Hub CSPM user guide, "Security Hub CSPM controls for Amazon
    CloudWatch": CloudWatch.1-14, current versions (CloudWatch.4 and
    CloudWatch.13 carry a ``$.eventSource`` clause), namespace ``LogMetrics``,
    metric value ``1``.
``SECURITY_HUB_2023_URL``
    The same page as AWS published it on GitHub in March 2023 (the repository is
    archived since): CloudWatch.1-14 before AWS narrowed CloudWatch.4 and
    CloudWatch.13. Its other twelve patterns are byte for byte the current ones.
    Its "Related requirements" give the CIS 1.2 / 1.4 sections.
``CIS_4_15_URL``
    CIS AWS Foundations Benchmark 1.4.0, 4.15 (AWS Organizations changes), which
    Security Hub has no CloudWatch control for, as terraform-aws-modules
    publishes it (written there with escaped quotes).
"""

from __future__ import annotations

SECURITY_HUB_URL = (
    "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html"
)
SECURITY_HUB_2023_URL = (
    "https://github.com/awsdocs/aws-security-hub-user-guide/blob/"
    "bda5bf7ddbdf498557b2ac6a538577528004e6d5/doc_source/cloudwatch-controls.md"
)
CIS_4_15_URL = (
    "https://github.com/terraform-aws-modules/terraform-aws-cloudwatch/blob/master/"
    "modules/cis-alarms/main.tf"
)

NAMESPACE = "LogMetrics"
"""Metric namespace of Security Hub's remediation steps."""
METRIC_VALUE = "1"
"""Metric value of Security Hub's remediation steps."""

# Control -> pattern, current versions, in the order published (SECURITY_HUB_URL,
# CIS 4.15 from CIS_4_15_URL). One literal per line, never reformatted.
# fmt: off
CURRENT: dict[str, str] = {
    'CloudWatch.1': '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',  # noqa: E501
    'CloudWatch.2': '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
    'CloudWatch.3': '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',  # noqa: E501
    'CloudWatch.4': '{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy))}',  # noqa: E501
    'CloudWatch.5': '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}',  # noqa: E501
    'CloudWatch.6': '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
    'CloudWatch.7': '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',  # noqa: E501
    'CloudWatch.8': '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}',  # noqa: E501
    'CloudWatch.9': '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}',  # noqa: E501
    'CloudWatch.10': '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}',  # noqa: E501
    'CloudWatch.11': '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}',  # noqa: E501
    'CloudWatch.12': '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}',  # noqa: E501
    'CloudWatch.13': '{($.eventSource=ec2.amazonaws.com) && (($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable))}',  # noqa: E501
    'CloudWatch.14': '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}',  # noqa: E501
    'CIS 4.15': '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',  # noqa: E501
}
# fmt: on

# CloudWatch.4 and CloudWatch.13 before AWS added the $.eventSource clause
# (SECURITY_HUB_2023_URL; also CIS 1.2.0 3.4 / 3.13 and 1.4.0 4.4 / 4.13). The old
# CloudWatch.13 also counts API Gateway's CreateRoute.
# fmt: off
BEFORE_EVENT_SOURCE: dict[str, str] = {
    'CloudWatch.4': '{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}',  # noqa: E501
    'CloudWatch.13': '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}',  # noqa: E501
}
# fmt: on

# Control -> CIS benchmark version -> section of its monitoring chapter, from the
# "Related requirements" of SECURITY_HUB_2023_URL. Security Hub relates CloudWatch.2
# and CloudWatch.3 to CIS 1.2.0 only; CIS 1.4.0 numbers the same recommendations
# 4.1 and 4.2 (unauthorized API calls; console sign-in without MFA).
CIS_SECTIONS: dict[str, dict[str, str]] = {
    "CloudWatch.1": {"1.2": "3.3", "1.4": "4.3"},
    "CloudWatch.2": {"1.2": "3.1", "1.4": "4.1"},
    "CloudWatch.3": {"1.2": "3.2", "1.4": "4.2"},
    "CloudWatch.4": {"1.2": "3.4", "1.4": "4.4"},
    "CloudWatch.5": {"1.2": "3.5", "1.4": "4.5"},
    "CloudWatch.6": {"1.2": "3.6", "1.4": "4.6"},
    "CloudWatch.7": {"1.2": "3.7", "1.4": "4.7"},
    "CloudWatch.8": {"1.2": "3.8", "1.4": "4.8"},
    "CloudWatch.9": {"1.2": "3.9", "1.4": "4.9"},
    "CloudWatch.10": {"1.2": "3.10", "1.4": "4.10"},
    "CloudWatch.11": {"1.2": "3.11", "1.4": "4.11"},
    "CloudWatch.12": {"1.2": "3.12", "1.4": "4.12"},
    "CloudWatch.13": {"1.2": "3.13", "1.4": "4.13"},
    "CloudWatch.14": {"1.2": "3.14", "1.4": "4.14"},
    "CIS 4.15": {"1.4": "4.15"},
}
