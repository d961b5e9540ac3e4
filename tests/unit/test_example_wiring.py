"""The full example's wiring, asserted field by field, and its logical IDs pinned.

Flow logs and container insights were only covered by the snapshot of
examples/full.yaml; these tests name each value by hand, from the example file.
The `full` fixture (tests/conftest.py) synthesizes the example once per run.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match

from support import Synthesized

MAIN = "payments-prod-observability"
US_EAST_1 = "payments-prod-observability-us-east-1"
MONITORS_US_EAST_1 = "payments-prod-monitors-us-east-1"
ACCOUNT = "111122223333"
KEY = {"Fn::GetAtt": ["BlueprintKeyEAC8D5C0", "Arn"]}
TAGS = [
    {"Key": "cost-center", "Value": "4711"},
    {"Key": "data-classification", "Value": "confidential"},
    {"Key": "project", "Value": "payments"},
]


def resource(full: Synthesized, logical_id: str) -> dict[str, Any]:
    found: dict[str, Any] = full.template_json()["Resources"][logical_id]
    return found


def untagged(full: Synthesized, logical_id: str) -> dict[str, Any]:
    """A resource's Properties without the blueprint's tags (asserted apart)."""
    props = dict(resource(full, logical_id)["Properties"])
    assert props.pop("Tags", TAGS) == TAGS
    return props


def test_the_stacks_of_the_example(full: Synthesized) -> None:
    assert [stack.artifact_id for stack in full.stacks] == [MAIN, US_EAST_1, MONITORS_US_EAST_1]


# --------------------------------------------------------------- flow logs

FLOW_LOG_GROUP = "BlueprintNetworkmainLogGroup8AC4A1EB"
FLOW_ROLE = "BlueprintNetworkmainDeliveryRole35D495ED"
FLOW_LOG_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} "
    "${subnet-id} ${instance-id} ${tcp-flags} ${flow-direction} ${traffic-path}"
)
FLOW_PARSE = (
    'parse @message "* * * * * * * * * * * * * * * * * * * *" as version, account_id, '
    "interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, "
    "action, log_status, vpc_id, subnet_id, instance_id, tcp_flags, flow_direction, traffic_path"
)


@pytest.mark.parametrize(
    ("logical_id", "resource_id", "resource_type"),
    [
        ("BlueprintNetworkmainvpc0123456789abcdef04D5B1AC1", "vpc-0123456789abcdef0", "VPC"),
        (
            "BlueprintNetworkmainsubnet0123456789abcdef09CD2CBB3",
            "subnet-0123456789abcdef0",
            "Subnet",
        ),
        (
            "BlueprintNetworkmaineni0123456789abcdef059AB55BD",
            "eni-0123456789abcdef0",
            "NetworkInterface",
        ),
    ],
)
def test_one_flow_log_per_listed_resource(
    full: Synthesized, logical_id: str, resource_id: str, resource_type: str
) -> None:
    assert untagged(full, logical_id) == {
        "ResourceId": resource_id,
        "ResourceType": resource_type,
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "LogGroupName": {"Ref": FLOW_LOG_GROUP},
        "LogFormat": FLOW_LOG_FORMAT,
        "MaxAggregationInterval": 60,
        "DeliverLogsPermissionArn": {"Fn::GetAtt": [FLOW_ROLE, "Arn"]},
    }


def test_three_flow_logs(full: Synthesized) -> None:
    full.template().resource_count_is("AWS::EC2::FlowLog", 3)


def test_flow_log_group_retention_key_and_removal(full: Synthesized) -> None:
    group = resource(full, FLOW_LOG_GROUP)
    assert (group["DeletionPolicy"], group["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert untagged(full, FLOW_LOG_GROUP) == {
        "LogGroupClass": "STANDARD",
        "LogGroupName": "/network/vpc-flow-logs/main",
        "RetentionInDays": 90,
        "KmsKeyId": KEY,
    }


def test_the_key_admits_the_flow_log_group(full: Synthesized) -> None:
    statements = resource(full, "BlueprintKeyEAC8D5C0")["Properties"]["KeyPolicy"]["Statement"]
    [logs] = [s for s in statements if s.get("Sid") == "CloudWatchLogsForBlueprintLogGroups"]
    assert logs["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    assert (
        "arn:aws:logs:eu-west-1:111122223333:log-group:/network/vpc-flow-logs/main"
        in logs["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]
    )


def test_only_this_accounts_flow_logs_may_assume_the_delivery_role(full: Synthesized) -> None:
    assert untagged(full, FLOW_ROLE)["AssumeRolePolicyDocument"] == {
        "Statement": [
            {
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnLike": {
                        "aws:SourceArn": "arn:aws:ec2:eu-west-1:111122223333:vpc-flow-log/*"
                    },
                },
                "Effect": "Allow",
                "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
            }
        ],
        "Version": "2012-10-17",
    }


def test_the_delivery_role_may_only_write_to_its_log_group(full: Synthesized) -> None:
    props = untagged(full, FLOW_ROLE)
    assert props["Policies"] == [
        {
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": [
                            "logs:CreateLogStream",
                            "logs:DescribeLogStreams",
                            "logs:PutLogEvents",
                        ],
                        "Effect": "Allow",
                        "Resource": {"Fn::GetAtt": [FLOW_LOG_GROUP, "Arn"]},
                    }
                ],
                "Version": "2012-10-17",
            },
            "PolicyName": "DeliverToLogGroup",
        }
    ]
    assert "ManagedPolicyArns" not in props
    # Inline only: no separate AWS::IAM::Policy names the role.
    full.template().all_resources_properties(
        "AWS::IAM::Policy", {"Roles": Match.not_(Match.array_with([{"Ref": FLOW_ROLE}]))}
    )


@pytest.mark.parametrize(
    ("logical_id", "name", "query"),
    [
        (
            "BlueprintNetworkmaintoptalkers8751AA05",
            "payments-prod/vpc-flow-logs/main/top-talkers",
            f"{FLOW_PARSE}\n"
            "| stats sum(bytes) as total_bytes, sum(packets) as total_packets by srcaddr, dstaddr\n"
            "| sort total_bytes desc\n"
            "| limit 25",
        ),
        (
            "BlueprintNetworkmainrejectedtrafficE6DF6655",
            "payments-prod/vpc-flow-logs/main/rejected-traffic",
            f"{FLOW_PARSE}\n"
            '| filter action = "REJECT"\n'
            "| stats count(*) as rejected_flows by srcaddr, dstaddr, dstport, protocol\n"
            "| sort rejected_flows desc\n"
            "| limit 25",
        ),
        (
            "BlueprintNetworkmaintrafficbyport19D04BE7",
            "payments-prod/vpc-flow-logs/main/traffic-by-port",
            f"{FLOW_PARSE}\n"
            "| stats sum(bytes) as total_bytes, sum(packets) as total_packets, count(*) as flows "
            "by dstport, protocol\n"
            "| sort total_bytes desc\n"
            "| limit 25",
        ),
    ],
)
def test_saved_flow_log_queries(full: Synthesized, logical_id: str, name: str, query: str) -> None:
    assert resource(full, logical_id) == {
        "Type": "AWS::Logs::QueryDefinition",
        "Properties": {
            "LogGroupNames": [{"Ref": FLOW_LOG_GROUP}],
            "Name": name,
            "QueryString": query,
        },
    }


def test_rejected_ssh_rdp_filter_and_alarm(full: Synthesized) -> None:
    assert untagged(full, "BlueprintNetworkmainLogGrouprejectedsshrdp013CAD16") == {
        "FilterName": "payments-prod-main-rejected-ssh-rdp",
        "FilterPattern": (
            "[version, account_id, interface_id, srcaddr, dstaddr, srcport, "
            "dstport = 22 || dstport = 3389, protocol = 6, packets, bytes, start, end, "
            'action = "REJECT", log_status, vpc_id, subnet_id, instance_id, tcp_flags, '
            "flow_direction, traffic_path]"
        ),
        "LogGroupName": {"Ref": FLOW_LOG_GROUP},
        "MetricTransformations": [
            {
                "DefaultValue": 0,
                "MetricName": "RejectedSshRdp-main",
                "MetricNamespace": "payments-prod",
                "MetricValue": "1",
                "Unit": "Count",
            }
        ],
    }
    assert untagged(full, "BlueprintNetworkmainRejectedSshRdpD056EAC8") == {
        "AlarmActions": [{"Ref": "BlueprintNotificationssecurity40A47D3D"}],
        "AlarmDescription": (
            "Rejected SSH or RDP connection attempts in the main VPC\n"
            "Runbook: https://wiki.example.com/runbooks/rejected-ssh-rdp"
        ),
        "AlarmName": "payments-prod-main-rejected-ssh-rdp",
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "DatapointsToAlarm": 1,
        "EvaluationPeriods": 1,
        "MetricName": "RejectedSshRdp-main",
        "Namespace": "payments-prod",
        "Period": 300,
        "Statistic": "Sum",
        "Threshold": 10,
        "TreatMissingData": "notBreaching",
    }


# -------------------------------------------------------------- containers

PROD_ROLE = "BlueprintContainersEkspaymentsprodRole115052BE"
LEGACY_ROLE = "BlueprintContainersEkspaymentslegacyRole541FEA8B"
OIDC_ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


def managed_policy(name: str) -> dict[str, Any]:
    return {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::aws:policy/{name}"]]}


def test_eks_addon_with_pod_identity(full: Synthesized) -> None:
    addon = resource(full, "BlueprintContainersEkspaymentsprodAddon6CBC9BF1")
    assert untagged(full, "BlueprintContainersEkspaymentsprodAddon6CBC9BF1") == {
        "AddonName": "amazon-cloudwatch-observability",
        "AddonVersion": "v4.1.0-eksbuild.1",
        "ClusterName": "payments-prod",
        "ConfigurationValues": '{"containerLogs":{"enabled":true}}',
    }
    # The log groups first (or the agents make them without retention), credentials before
    # the agents start.
    assert sorted(addon["DependsOn"]) == [
        "BlueprintContainersEkspaymentsprodApplication6C697250",
        "BlueprintContainersEkspaymentsprodDataplane0BC7F780",
        "BlueprintContainersEkspaymentsprodHost7B0A7708",
        "BlueprintContainersEkspaymentsprodPerformance331EAD9B",
        "BlueprintContainersEkspaymentsprodPodIdentityAgentC993FB09",
        "BlueprintContainersEkspaymentsprodPodIdentityAssociationF7BE589C",
    ]


def test_pod_identity_agent_addon(full: Synthesized) -> None:
    assert untagged(full, "BlueprintContainersEkspaymentsprodPodIdentityAgentC993FB09") == {
        "AddonName": "eks-pod-identity-agent",
        "ClusterName": "payments-prod",
    }


def test_pod_identity_association_for_the_agent(full: Synthesized) -> None:
    assert untagged(full, "BlueprintContainersEkspaymentsprodPodIdentityAssociationF7BE589C") == {
        "ClusterName": "payments-prod",
        "Namespace": "amazon-cloudwatch",
        "ServiceAccount": "cloudwatch-agent",
        "RoleArn": {"Fn::GetAtt": [PROD_ROLE, "Arn"]},
    }
    full.template().resource_count_is("AWS::EKS::PodIdentityAssociation", 1)


def test_pod_identity_role(full: Synthesized) -> None:
    assert untagged(full, PROD_ROLE) == {
        "AssumeRolePolicyDocument": {
            "Statement": [
                {
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                    "Condition": {
                        "StringEquals": {
                            "aws:RequestTag/eks-cluster-name": "payments-prod",
                            "aws:RequestTag/kubernetes-namespace": "amazon-cloudwatch",
                            "aws:RequestTag/kubernetes-service-account": "cloudwatch-agent",
                            "aws:SourceAccount": "111122223333",
                        }
                    },
                    "Effect": "Allow",
                    "Principal": {"Service": "pods.eks.amazonaws.com"},
                }
            ],
            "Version": "2012-10-17",
        },
        "Description": "CloudWatch agent and Fluent Bit on EKS cluster payments-prod",
        "ManagedPolicyArns": [
            managed_policy("CloudWatchAgentServerPolicy"),
            managed_policy("AWSXrayWriteOnlyAccess"),
        ],
    }


def test_eks_addon_with_irsa(full: Synthesized) -> None:
    addon = resource(full, "BlueprintContainersEkspaymentslegacyAddonE4671786")
    assert untagged(full, "BlueprintContainersEkspaymentslegacyAddonE4671786") == {
        "AddonName": "amazon-cloudwatch-observability",
        "ClusterName": "payments-legacy",
        "ServiceAccountRoleArn": {"Fn::GetAtt": [LEGACY_ROLE, "Arn"]},
    }
    assert sorted(addon["DependsOn"]) == [
        "BlueprintContainersEkspaymentslegacyApplicationC14544E3",
        "BlueprintContainersEkspaymentslegacyDataplaneC411FE4E",
        "BlueprintContainersEkspaymentslegacyHost6B0A1E01",
        "BlueprintContainersEkspaymentslegacyPerformance4A326690",
    ]


def test_irsa_role_trusts_the_agent_service_account(full: Synthesized) -> None:
    assert untagged(full, LEGACY_ROLE) == {
        "AssumeRolePolicyDocument": {
            "Statement": [
                {
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            f"{OIDC_ISSUER}:sub": (
                                "system:serviceaccount:amazon-cloudwatch:cloudwatch-agent"
                            ),
                            f"{OIDC_ISSUER}:aud": "sts.amazonaws.com",
                        }
                    },
                    "Effect": "Allow",
                    "Principal": {
                        "Federated": f"arn:aws:iam::111122223333:oidc-provider/{OIDC_ISSUER}"
                    },
                }
            ],
            "Version": "2012-10-17",
        },
        "Description": "CloudWatch agent and Fluent Bit on EKS cluster payments-legacy",
        # application_signals: false, so no X-Ray policy.
        "ManagedPolicyArns": [managed_policy("CloudWatchAgentServerPolicy")],
    }


@pytest.mark.parametrize(
    ("logical_id", "name", "retention", "encrypted"),
    [
        (
            "BlueprintContainersEkspaymentsprodApplication6C697250",
            "/aws/containerinsights/payments-prod/application",
            365,
            True,
        ),
        (
            "BlueprintContainersEkspaymentsprodHost7B0A7708",
            "/aws/containerinsights/payments-prod/host",
            365,
            True,
        ),
        (
            "BlueprintContainersEkspaymentsprodDataplane0BC7F780",
            "/aws/containerinsights/payments-prod/dataplane",
            365,
            True,
        ),
        (
            "BlueprintContainersEkspaymentsprodPerformance331EAD9B",
            "/aws/containerinsights/payments-prod/performance",
            30,
            True,
        ),
        (
            "BlueprintContainersEkspaymentslegacyApplicationC14544E3",
            "/aws/containerinsights/payments-legacy/application",
            365,
            False,
        ),
        (
            "BlueprintContainersEkspaymentslegacyHost6B0A1E01",
            "/aws/containerinsights/payments-legacy/host",
            365,
            False,
        ),
        (
            "BlueprintContainersEkspaymentslegacyDataplaneC411FE4E",
            "/aws/containerinsights/payments-legacy/dataplane",
            365,
            False,
        ),
        (
            "BlueprintContainersEkspaymentslegacyPerformance4A326690",
            "/aws/containerinsights/payments-legacy/performance",
            30,
            False,
        ),
        (
            "BlueprintContainersEcspaymentsbatchPerformance84D94424",
            "/aws/ecs/containerinsights/payments-batch/performance",
            30,
            False,
        ),
    ],
)
def test_container_insights_log_groups_are_made_first_with_retention(
    full: Synthesized, logical_id: str, name: str, retention: int, encrypted: bool
) -> None:
    group = resource(full, logical_id)
    assert (group["DeletionPolicy"], group["UpdateReplacePolicy"]) == ("Retain", "Retain")
    expected: dict[str, Any] = {
        "LogGroupClass": "STANDARD",
        "LogGroupName": name,
        "RetentionInDays": retention,
    }
    if encrypted:
        expected["KmsKeyId"] = KEY
    assert untagged(full, logical_id) == expected


def test_the_key_admits_the_encrypted_container_log_groups(full: Synthesized) -> None:
    statements = resource(full, "BlueprintKeyEAC8D5C0")["Properties"]["KeyPolicy"]["Statement"]
    [logs] = [s for s in statements if s.get("Sid") == "CloudWatchLogsForBlueprintLogGroups"]
    admitted = logs["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]
    prefix = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/containerinsights/"
    assert [a for a in admitted if a.startswith(prefix)] == [
        f"{prefix}payments-prod/application",
        f"{prefix}payments-prod/host",
        f"{prefix}payments-prod/dataplane",
        f"{prefix}payments-prod/performance",
    ]


def test_an_ecs_cluster_by_name_is_warned_about_not_changed(full: Synthesized) -> None:
    full.template().resource_count_is("AWS::ECS::Cluster", 0)
    metadata = json.loads((full.outdir / f"{MAIN}.metadata.json").read_text())
    [warning] = [
        entry["data"]
        for entry in metadata[f"/{MAIN}/Blueprint/Containers/Ecs/payments-batch"]
        if entry["type"] == "aws:cdk:warning"
    ]
    assert warning == (
        "Container Insights is a setting of ECS cluster payments-batch, which this stack does "
        "not manage, so CloudFormation cannot turn it on; this stack only pre-creates its "
        "performance log group. Turn it on where the cluster is defined (ClusterSettings: "
        "containerInsights=enhanced) or run: aws ecs update-cluster-settings --cluster "
        "payments-batch --settings name=containerInsights,value=enhanced "
        "[ack: observability-blueprint:ecs-container-insights-by-name]"
    )


# ------------------------------------------------------------- logical IDs

# The logical ID of every resource of examples/full.yaml, per stack. Construct IDs
# are public API: CloudFormation replaces a resource whose logical ID changes (a new
# log group, alarm, role... and the old one deleted or, if retained, orphaned), in
# every account that deployed the blueprint. Changing these lists means replacing
# resources in users' accounts: do it on purpose, and say so in the changelog.
MAIN_LOGICAL_IDS = (
    "BlueprintAlarmscarddeclines717C00FA",
    "BlueprintAlarmscarddeclinesInvokePermission1545752B6",
    "BlueprintAlarmscarddeclinesRunbookAlarm4DeadLettersE2113BC4",
    "BlueprintAlarmscarddeclinesRunbookAlarm4DeadLettersPolicy9CE4AEE4",
    "BlueprintAlarmscarddeclinesRunbookAlarm4Role413A1DB5",
    "BlueprintAlarmscarddeclinesRunbookAlarm4RoleAutomation87E389D3",
    "BlueprintAlarmscarddeclinesRunbookAlarm4RoleAutomationDefaultPolicyB5AAF887",
    "BlueprintAlarmscarddeclinesRunbookAlarm4RoleDefaultPolicy40D17EF6",
    "BlueprintAlarmscarddeclinesRunbookAlarm4RuleD2A71434",
    "BlueprintAlarmscheckout5xxrateC9BB97F8",
    "BlueprintAlarmscheckoutdegradedA13929DC",
    "BlueprintAlarmscheckoutlatency3C4FA693",
    "BlueprintAlarmscheckoutlatencyDetector60172E54",
    "BlueprintAlarmsledgerhosthung5EC8B43B",
    "BlueprintAlarmsledgerhoststatus96959071",
    "BlueprintAlarmsmaintenancemode515353F1",
    "BlueprintAlarmspaymentsdown164C9AFA",
    "BlueprintAlarmspaymentsdownInvokePermission1DE294CAB",
    "BlueprintAlarmsworkersbusyEF940914",
    "BlueprintAuditCiscis41542456BE4",
    "BlueprintAuditCiscloudwatch10C48AE0FE",
    "BlueprintAuditCiscloudwatch11F8E77719",
    "BlueprintAuditCiscloudwatch126752E98F",
    "BlueprintAuditCiscloudwatch137848C67C",
    "BlueprintAuditCiscloudwatch14B189D60F",
    "BlueprintAuditCiscloudwatch1E23A692F",
    "BlueprintAuditCiscloudwatch23CD9917A",
    "BlueprintAuditCiscloudwatch360DACFA9",
    "BlueprintAuditCiscloudwatch477892FA6",
    "BlueprintAuditCiscloudwatch55A5D53F8",
    "BlueprintAuditCiscloudwatch6F69C6CF1",
    "BlueprintAuditCiscloudwatch7995B2FD2",
    "BlueprintAuditCiscloudwatch8AEA6D3A0",
    "BlueprintAuditCiscloudwatch9708DEAC6",
    "BlueprintAuditInsightsconsoleloginsbyipF1F92663",
    "BlueprintAuditInsightstopcallersF960B9B1",
    "BlueprintAuditInsightstoperrorsE0AC95BE",
    "BlueprintAuditSignInAlertsFailuresEB8AEECD",
    "BlueprintAuditSignInAlertsRootF181EBE2",
    "BlueprintAuditSignInDeliveryAlarmC915F852",
    "BlueprintAuditSignInDeliveryQueueE4D4DA2E",
    "BlueprintAuditSignInDeliveryQueuePolicy52949A92",
    "BlueprintAuditTrail8E70A4E3",
    "BlueprintAuditTrailAccessLogs48041462",
    "BlueprintAuditTrailAccessLogsPolicy8C8128FA",
    "BlueprintAuditTrailBucket3FDDC944",
    "BlueprintAuditTrailBucketPolicyF93023E4",
    "BlueprintAuditTrailKey04ED901B",
    "BlueprintAuditTrailLogsEB3D8244",
    "BlueprintAuditTrailLogsRole0C22F168",
    "BlueprintAuditTrailLogsRoleDefaultPolicy63F237AD",
    "BlueprintAuditTrailLogsciscis415927FDE6D",
    "BlueprintAuditTrailLogsciscloudwatch10D1B67A8D",
    "BlueprintAuditTrailLogsciscloudwatch119EAED8BC",
    "BlueprintAuditTrailLogsciscloudwatch12761447F5",
    "BlueprintAuditTrailLogsciscloudwatch1332828735",
    "BlueprintAuditTrailLogsciscloudwatch1456725A1B",
    "BlueprintAuditTrailLogsciscloudwatch1A08D75E7",
    "BlueprintAuditTrailLogsciscloudwatch291A12908",
    "BlueprintAuditTrailLogsciscloudwatch367DC7386",
    "BlueprintAuditTrailLogsciscloudwatch425A73EB4",
    "BlueprintAuditTrailLogsciscloudwatch56F861894",
    "BlueprintAuditTrailLogsciscloudwatch61BAD19EE",
    "BlueprintAuditTrailLogsciscloudwatch7D93B29EB",
    "BlueprintAuditTrailLogsciscloudwatch884311039",
    "BlueprintAuditTrailLogsciscloudwatch9C31E4CA3",
    "BlueprintContainersEcspaymentsbatchPerformance84D94424",
    "BlueprintContainersEkspaymentslegacyAddonE4671786",
    "BlueprintContainersEkspaymentslegacyApplicationC14544E3",
    "BlueprintContainersEkspaymentslegacyDataplaneC411FE4E",
    "BlueprintContainersEkspaymentslegacyHost6B0A1E01",
    "BlueprintContainersEkspaymentslegacyPerformance4A326690",
    "BlueprintContainersEkspaymentslegacyRole541FEA8B",
    "BlueprintContainersEkspaymentsprodAddon6CBC9BF1",
    "BlueprintContainersEkspaymentsprodApplication6C697250",
    "BlueprintContainersEkspaymentsprodDataplane0BC7F780",
    "BlueprintContainersEkspaymentsprodHost7B0A7708",
    "BlueprintContainersEkspaymentsprodPerformance331EAD9B",
    "BlueprintContainersEkspaymentsprodPodIdentityAgentC993FB09",
    "BlueprintContainersEkspaymentsprodPodIdentityAssociationF7BE589C",
    "BlueprintContainersEkspaymentsprodRole115052BE",
    "BlueprintCrossAccountCentralization4D9D138C",
    "BlueprintCrossAccountSinkE036E776",
    "BlueprintCrossAccountTelemetryvpcflowlogsBA0CE8F2",
    "BlueprintDashboardsalarmsE35267DA",
    "BlueprintDashboardshosts1DE72FD5",
    "BlueprintDashboardsservicesE2CA593F",
    "BlueprintEventsAlertsalarmsfiringRuleAF8E201F",
    "BlueprintEventsAlertsasgfailuresRule2030F0BF",
    "BlueprintEventsAlertsec2stateRuleCE82B224",
    "BlueprintEventsAlertsecstaskstoppedRule3C93D901",
    "BlueprintEventsAlertsguarddutyhighRule876B22C0",
    "BlueprintEventsAlertshealthRule6E25308E",
    "BlueprintEventsAlertsiampolicychangesRule82E5D5DD",
    "BlueprintEventsAlertsrootconsoleloginRuleC39C8F86",
    "BlueprintEventsAlertssecuritygroupchangesRuleBB09EE68",
    "BlueprintEventsDeliveryalarmsfiringAlarmE7FF6770",
    "BlueprintEventsDeliveryalarmsfiringQueueC375C869",
    "BlueprintEventsDeliveryalarmsfiringQueuePolicyF4111458",
    "BlueprintEventsDeliveryarchivesweepAlarm9437B0E5",
    "BlueprintEventsDeliveryarchivesweepQueueB0130052",
    "BlueprintEventsDeliveryarchivesweepQueuePolicyC7DD5126",
    "BlueprintEventsDeliveryasgfailuresAlarm99A0EF67",
    "BlueprintEventsDeliveryasgfailuresQueue916B67DE",
    "BlueprintEventsDeliveryasgfailuresQueuePolicy2644E2BB",
    "BlueprintEventsDeliveryec2stateAlarm92B4CCBC",
    "BlueprintEventsDeliveryec2stateQueue20D60B72",
    "BlueprintEventsDeliveryec2stateQueuePolicy2C6B1FF8",
    "BlueprintEventsDeliveryecstaskstoppedAlarm87E17FA1",
    "BlueprintEventsDeliveryecstaskstoppedQueueBD7B5AAC",
    "BlueprintEventsDeliveryecstaskstoppedQueuePolicy7B3537F8",
    "BlueprintEventsDeliveryguarddutyhighAlarmDBE57758",
    "BlueprintEventsDeliveryguarddutyhighQueue02AC6C02",
    "BlueprintEventsDeliveryguarddutyhighQueuePolicyC50EC819",
    "BlueprintEventsDeliveryhealthAlarm7F142E96",
    "BlueprintEventsDeliveryhealthQueue392BD806",
    "BlueprintEventsDeliveryhealthQueuePolicyD288F4BA",
    "BlueprintEventsDeliveryiampolicychangesAlarmC3F2CBD6",
    "BlueprintEventsDeliveryiampolicychangesQueue52F5D99F",
    "BlueprintEventsDeliveryiampolicychangesQueuePolicy253BC10E",
    "BlueprintEventsDeliveryledgerrestartAlarmEE8D7C72",
    "BlueprintEventsDeliveryledgerrestartQueueCFDFB1CF",
    "BlueprintEventsDeliveryledgerrestartQueuePolicy8E702344",
    "BlueprintEventsDeliveryledgerrestartonfailureAlarm08A286BD",
    "BlueprintEventsDeliveryledgerrestartonfailureQueue9363D7A8",
    "BlueprintEventsDeliveryledgerrestartonfailureQueuePolicyE5A9B15B",
    "BlueprintEventsDeliverynightlyimagesAlarmCE5E3B5D",
    "BlueprintEventsDeliverynightlyimagesQueue42B22E95",
    "BlueprintEventsDeliverynightlyimagesQueuePolicyF88E6ADA",
    "BlueprintEventsDeliveryquarantineAlarmA6FA1092",
    "BlueprintEventsDeliveryquarantineQueue8F667120",
    "BlueprintEventsDeliveryquarantineQueuePolicy7A04379A",
    "BlueprintEventsDeliveryrootconsoleloginAlarmCBE3E96A",
    "BlueprintEventsDeliveryrootconsoleloginQueue1683A974",
    "BlueprintEventsDeliveryrootconsoleloginQueuePolicy77D5B1C9",
    "BlueprintEventsDeliveryrotateexportsAlarmED92A193",
    "BlueprintEventsDeliveryrotateexportsQueueD5D6A2D4",
    "BlueprintEventsDeliveryrotateexportsQueuePolicy18D49931",
    "BlueprintEventsDeliverysecuritygroupchangesAlarm30688536",
    "BlueprintEventsDeliverysecuritygroupchangesQueueBD033FB8",
    "BlueprintEventsDeliverysecuritygroupchangesQueuePolicy1FEEB7A9",
    "BlueprintEventsDeliveryunexpectedstopAlarm1F8B23BC",
    "BlueprintEventsDeliveryunexpectedstopQueueBA0DB5AC",
    "BlueprintEventsDeliveryunexpectedstopQueuePolicyF0F6C148",
    "BlueprintEventsDeliveryweeklypatchingAlarm5D0D385C",
    "BlueprintEventsDeliveryweeklypatchingQueueCA8FF706",
    "BlueprintEventsDeliveryweeklypatchingQueuePolicy7E19D966",
    "BlueprintEventsResponsesledgerrestartonfailureAction0RoleAutomation0CFB72F8",
    "BlueprintEventsResponsesledgerrestartonfailureAction0RoleAutomationDefaultPolicy013C98AD",
    "BlueprintEventsResponsesledgerrestartonfailureAction0RoleDefaultPolicy81BFDB2F",
    "BlueprintEventsResponsesledgerrestartonfailureAction0RoleEA36A8B5",
    "BlueprintEventsResponsesledgerrestartonfailureRule51061DF2",
    "BlueprintEventsResponsesquarantineAction0Role1487E9E2",
    "BlueprintEventsResponsesquarantineAction0RoleDefaultPolicy48D7542E",
    "BlueprintEventsResponsesquarantineRuleCF6F0542",
    "BlueprintEventsResponsesunexpectedstopAction0Role3D89AC81",
    "BlueprintEventsResponsesunexpectedstopAction0RoleDefaultPolicy5E01871C",
    "BlueprintEventsResponsesunexpectedstopAction1RoleAutomation60983EE2",
    "BlueprintEventsResponsesunexpectedstopAction1RoleAutomationDefaultPolicyB60439A3",
    "BlueprintEventsResponsesunexpectedstopAction1RoleDefaultPolicyFB41563C",
    "BlueprintEventsResponsesunexpectedstopAction1RoleFC0D6412",
    "BlueprintEventsResponsesunexpectedstopAction2InvokePermission0933615E",
    "BlueprintEventsResponsesunexpectedstopRule0D70219A",
    "BlueprintEventsSchedulesarchivesweepRoleDefaultPolicyF5F473CE",
    "BlueprintEventsSchedulesarchivesweepRoleFB5440C5",
    "BlueprintEventsSchedulesarchivesweepScheduleD15FE95B",
    "BlueprintEventsSchedulesledgerrestartRole5572398A",
    "BlueprintEventsSchedulesledgerrestartRoleAutomation1D5A1EFA",
    "BlueprintEventsSchedulesledgerrestartRoleAutomationDefaultPolicy92F4BE83",
    "BlueprintEventsSchedulesledgerrestartRoleDefaultPolicy4E6A2CBE",
    "BlueprintEventsSchedulesledgerrestartScheduleC12CCF57",
    "BlueprintEventsSchedulesnightlyimagesRole21E5735A",
    "BlueprintEventsSchedulesnightlyimagesRoleAutomation30B7265A",
    "BlueprintEventsSchedulesnightlyimagesRoleAutomationDefaultPolicy9FDF5BE5",
    "BlueprintEventsSchedulesnightlyimagesRoleDefaultPolicy55EE445F",
    "BlueprintEventsSchedulesnightlyimagesSchedule9BA79A08",
    "BlueprintEventsSchedulesrotateexportsRoleAutomation5629960F",
    "BlueprintEventsSchedulesrotateexportsRoleAutomationDefaultPolicy811065A3",
    "BlueprintEventsSchedulesrotateexportsRoleDefaultPolicyF3CE6A23",
    "BlueprintEventsSchedulesrotateexportsRoleF0586F9A",
    "BlueprintEventsSchedulesrotateexportsSchedule19B3F0FB",
    "BlueprintEventsSchedulesweeklypatchingRole7E21E094",
    "BlueprintEventsSchedulesweeklypatchingRoleDefaultPolicyDF22741A",
    "BlueprintEventsSchedulesweeklypatchingSchedule0C304F18",
    "BlueprintFieldIndexPolicy6E84C120",
    "BlueprintForwardedAlarmsActionsAlarm4A2315DC",
    "BlueprintGrafana4F08BA44",
    "BlueprintGrafanaRole3AEDB1C8",
    "BlueprintGrafanaRoleDefaultPolicy68E9AC27",
    "BlueprintHostsComputeOptimizerAutomationBE79523A",
    "BlueprintHostsEndpointsec2AB5BED92",
    "BlueprintHostsEndpointsec2messages635B0C0A",
    "BlueprintHostsEndpointslogsFBB201AB",
    "BlueprintHostsEndpointsmonitoring9A4ABA28",
    "BlueprintHostsEndpointss393946E1F",
    "BlueprintHostsEndpointsssmBF4370B2",
    "BlueprintHostsEndpointsssmmessages4F657E18",
    "BlueprintHostsFleetsbastionAgentDocumentBE751B48",
    "BlueprintHostsFleetsbastionAgentFD7AD981",
    "BlueprintHostsFleetsbastionAgentParameter899CC138",
    "BlueprintHostsFleetsbranchserversAgent63DF7178",
    "BlueprintHostsFleetsbranchserversAgentDocumentDF763A65",
    "BlueprintHostsFleetsbranchserversAgentParameter005A0FA3",
    "BlueprintHostsFleetsbranchserversposEEDF75BD",
    "BlueprintHostsFleetsbranchserverssystem6CAE7276",
    "BlueprintHostsFleetsreportingAgent907AF2FD",
    "BlueprintHostsFleetsreportingAgentDocument37BAD3D7",
    "BlueprintHostsFleetsreportingAgentParameter6162C8AE",
    "BlueprintHostsFleetswebAgentB64547F3",
    "BlueprintHostsFleetswebAgentDocument2A54E71D",
    "BlueprintHostsFleetswebAgentParameter218165F5",
    "BlueprintHostsFleetswebapp8D5C58CF",
    "BlueprintHostsFleetswebnginxaccess6BAF5CD8",
    "BlueprintHostsIdentityHybridRole90C7FD32",
    "BlueprintHostsIdentityHybridRoleCommandOutput067D0F08",
    "BlueprintHostsIdentityHybridRoleDefaultPolicy634D31C9",
    "BlueprintHostsIdentityInstanceProfileAB625ED9",
    "BlueprintHostsIdentityInstanceRole5EB4E966",
    "BlueprintHostsIdentityInstanceRoleCommandOutput2204CFFA",
    "BlueprintHostsIdentityInstanceRoleDefaultPolicy9754A886",
    "BlueprintKeyEAC8D5C0",
    "BlueprintNetworkmainDeliveryRole35D495ED",
    "BlueprintNetworkmainLogGroup8AC4A1EB",
    "BlueprintNetworkmainLogGrouprejectedsshrdp013CAD16",
    "BlueprintNetworkmainRejectedSshRdpD056EAC8",
    "BlueprintNetworkmaineni0123456789abcdef059AB55BD",
    "BlueprintNetworkmainrejectedtrafficE6DF6655",
    "BlueprintNetworkmainsubnet0123456789abcdef09CD2CBB3",
    "BlueprintNetworkmaintoptalkers8751AA05",
    "BlueprintNetworkmaintrafficbyport19D04BE7",
    "BlueprintNetworkmainvpc0123456789abcdef04D5B1AC1",
    "BlueprintNotificationsoncall8C18CC76",
    "BlueprintNotificationsoncallPolicy83B08C36",
    "BlueprintNotificationsoncallSubscriber07A7C837F",
    "BlueprintNotificationsoncallSubscriber13092D14C",
    "BlueprintNotificationsoncallSubscriber2F89C94DD",
    "BlueprintNotificationsoncallSubscriber344CE3A4A",
    "BlueprintNotificationsoncallSubscriber3InvokePermission7E6A6199",
    "BlueprintNotificationssecurity40A47D3D",
    "BlueprintNotificationssecurityPolicy50682DB8",
    "BlueprintNotificationssecuritySubscriber0F93EDF16",
    "BlueprintPrometheusAdotEkspaymentslegacyAddonFAA1C9E0",
    "BlueprintPrometheusAdotEkspaymentslegacyRoleA101F1E9",
    "BlueprintPrometheusAdotEkspaymentslegacyRoleDefaultPolicyFEB57AC2",
    "BlueprintPrometheusAdotweb7D73DF86",
    "BlueprintPrometheusAdotwebDocumentA8E66313",
    "BlueprintPrometheusAdotwebParameterCA8943DA",
    "BlueprintPrometheusOTelEnrichment76AFE788",
    "BlueprintPrometheusRulesFilepaymentsledgerB017CB28",
    "BlueprintPrometheusRulesbatch3E66A56D",
    "BlueprintPrometheusRulescheckout8223BA99",
    "BlueprintPrometheusRulesedgeFD9258C4",
    "BlueprintPrometheusRulesweb6AD967D5",
    "BlueprintPrometheusScraper79DCFC8B",
    "BlueprintPrometheusScraperSourceRole68562429",
    "BlueprintPrometheusScraperSourceRoleDefaultPolicy0751E860",
    "BlueprintPrometheusScraperTargetRole118F6791",
    "BlueprintPrometheusScraperTargetRoleDefaultPolicyB89726C3",
    "BlueprintPrometheusWorkspaceA1F2DA00",
    "BlueprintPrometheusWorkspaceLogs4EE4D1AE",
    "BlueprintServicesbatchHealth2580BA12",
    "BlueprintServicesbatchResourcesecspaymentsbatchsettlementcpuutilization8A7CFF37",
    "BlueprintServicesbatchResourcesecspaymentsbatchsettlementmemoryutilization1995EDB8",
    "BlueprintServicesbatchResourcesecspaymentsbatchsettlementrunningbelowdesired0BA2F77C",
    "BlueprintServicesbatchResourcesecspaymentsbatchsettlementrunningtaskcountE09FFD99",
    "BlueprintServicesbatchResourcesecspaymentsbatchsettlementtaskcpuutilizationB9A7C943",
    "BlueprintServicesbatchResourcesecspaymentsbatchsettlementtaskephemeralstorageutilization8169F3BB",
    "BlueprintServicesbatchResourcesecspaymentsbatchsettlementtaskmemoryutilization2DE58F2E",
    "BlueprintServicesbatchResourcessfnpaymentssettlementexecutionsfailed4111A496",
    "BlueprintServicesbatchResourcessfnpaymentssettlementexecutionstimedoutB38180A4",
    "BlueprintServicesbatchResourcessfnpaymentssettlementexecutionthrottled3E8AF94E",
    "BlueprintServicesbatchResourcesstreampaymentseventsgetrecordsiteratorage1888D53D",
    "BlueprintServicesbatchResourcesstreampaymentseventsgetrecordssuccess3F8C22A7",
    "BlueprintServicesbatchResourcesstreampaymentseventsputrecordsfailedrecords1DE1C9E8",
    "BlueprintServicesbatchResourcesstreampaymentseventsputrecordsuccessBDE39270",
    "BlueprintServicesbatchResourcesstreampaymentseventsreadprovisionedthroughputexceededB1249E47",
    "BlueprintServicesbatchResourcesstreampaymentseventswriteprovisionedthroughputexceededA85CF80B",
    "BlueprintServicesbatchbatcharchive1501A6C3",
    "BlueprintServicesbatchbatcharchiveQuerieserrorsbystatus2CC96D21",
    "BlueprintServicesbatchbatcharchiveQueriesfailedrequests78DFEFCC",
    "BlueprintServicesbatchbatcharchiveQuerieslatencypercentilesE1CF5A73",
    "BlueprintServicesbatchbatcharchiveQueriesonetrace11114A5D",
    "BlueprintServicesbatchbatcharchiveQueriesslowestrequests5E565200",
    "BlueprintServicescheckout77D07CFA",
    "BlueprintServicescheckoutHealth77826767",
    "BlueprintServicescheckoutResourceslambdapaymentscheckoutconcurrentexecutionsCD8D335E",
    "BlueprintServicescheckoutResourceslambdapaymentscheckoutduration4C3D67B0",
    "BlueprintServicescheckoutResourceslambdapaymentscheckouterrors297E2CE1",
    "BlueprintServicescheckoutResourceslambdapaymentscheckoutthrottles86FA6DE5",
    "BlueprintServicescheckoutResourcesqueuepaymentscheckoutjobsapproximateageofoldestmessageD2E7D666",
    "BlueprintServicescheckoutResourcesqueuepaymentscheckoutjobsapproximatenumberofmessagesnotvisibleAD198B7B",
    "BlueprintServicescheckoutResourcesqueuepaymentscheckoutjobsapproximatenumberofmessagesvisibleA6E012F3",
    "BlueprintServicescheckoutResourcesqueuepaymentscheckoutjobsdlqapproximatenumberofmessagesnotvisible9BA57A84",
    "BlueprintServicescheckoutResourcesqueuepaymentscheckoutjobsdlqdeadletterqueueage5B806AC2",
    "BlueprintServicescheckoutResourcesqueuepaymentscheckoutjobsdlqdeadletterqueuenotemptyB4F20517",
    "BlueprintServicescheckoutResourcesrestapipaymentscheckoutprod4xxerrorB95402E8",
    "BlueprintServicescheckoutResourcesrestapipaymentscheckoutprod5xxerror7B9C8392",
    "BlueprintServicescheckoutResourcesrestapipaymentscheckoutprodlatencystageE5202EEC",
    "BlueprintServicescheckoutResourcestablepaymentsordersreadthrottleevents97532555",
    "BlueprintServicescheckoutResourcestablepaymentsordersreadthrottleeventsgsibycustomerEE3BBAB0",
    "BlueprintServicescheckoutResourcestablepaymentsorderssystemerrorsCBC34D1A",
    "BlueprintServicescheckoutResourcestablepaymentsorderswritethrottleeventsA53D4808",
    "BlueprintServicescheckoutResourcestablepaymentsorderswritethrottleeventsgsibycustomerC8178642",
    "BlueprintServicescheckoutSubscription048D8D5E4",
    "BlueprintServicescheckoutSubscription0InvokePermission96D85084",
    "BlueprintServicescheckoutSubscription1E033BFAB",
    "BlueprintServicescheckoutSubscription1Policy3224718A",
    "BlueprintServicescheckoutSubscription1Role13EFFA7C",
    "BlueprintServicescheckoutcarddeclinedDBAB6583",
    "BlueprintServicescheckoutcheckoutAnomaliesAlarm2D429726",
    "BlueprintServicescheckoutcheckoutAnomaliesDetector4BE9381B",
    "BlueprintServicescheckoutcheckoutContributorstopdecliningmerchantsF2785B8B",
    "BlueprintServicescheckoutcheckoutLogAlarmpaymentfailuresusersDAE2FD0A",
    "BlueprintServicescheckoutcheckoutLogAlarmpaymentfailuresusersQueryRole5B241E5D",
    "BlueprintServicescheckoutcheckoutLogAlarmpaymentfailuresusersQueryRoleDefaultPolicy8E2B6B10",
    "BlueprintServicescheckoutcheckoutMetricsFailedRequests8FB72EE4",
    "BlueprintServicescheckoutcheckoutQuerieserrorsbystatus9A0AF2C2",
    "BlueprintServicescheckoutcheckoutQuerieslatencypercentilesA710C470",
    "BlueprintServicescheckoutcheckoutQueriesonetrace03408D07",
    "BlueprintServicescheckoutcheckoutQueriesslowestrequests5BE81183",
    "BlueprintServicescheckoutcheckoutQueriesslowperhourFED20469",
    "BlueprintServicescheckoutcheckoutQueriestoperrormessages824B1E93",
    "BlueprintServicescheckoutcheckoutScheduleddailydeclines557468CC",
    "BlueprintServicescheckoutcheckoutScheduleddailydeclinesDeliveryRole410B2357",
    "BlueprintServicescheckoutcheckoutScheduleddailydeclinesDeliveryRoleDefaultPolicyE3F5140E",
    "BlueprintServicescheckoutcheckoutScheduleddailydeclinesExecutionRoleDefaultPolicy2C653E99",
    "BlueprintServicescheckoutcheckoutScheduleddailydeclinesExecutionRoleFE67113F",
    "BlueprintServicescheckoutdataprotectionaudit48D690EF",
    "BlueprintServicescheckoutdataprotectionauditAnomaliesAlarmC3B4C0B1",
    "BlueprintServicescheckoutdataprotectionauditAnomaliesDetector5D65E67D",
    "BlueprintServicescheckoutdataprotectionauditQuerieserrorsbystatusA97CEEA7",
    "BlueprintServicescheckoutdataprotectionauditQueriesfailedrequests0E1D0546",
    "BlueprintServicescheckoutdataprotectionauditQuerieslatencypercentiles21E74568",
    "BlueprintServicescheckoutdataprotectionauditQueriesonetraceBE8A03B0",
    "BlueprintServicescheckoutdataprotectionauditQueriesslowestrequests30B7824D",
    "BlueprintServicescheckoutdataprotectionauditQueriestoperrormessages172CED3B",
    "BlueprintServicescheckoutdataprotectionauditmaskedfindingsDA0BE9DB",
    "BlueprintServicescheckouterrors8CB900C3",
    "BlueprintServicescheckoutlatencyBE11D35C",
    "BlueprintServicescheckoutresponsebytes2A4044E7",
    "BlueprintServicescheckoutstatus4xxE5D6B1ED",
    "BlueprintServicescheckoutstatus5xx637B4FA2",
    "BlueprintServicesedgeedgeaccess60C3F6F6",
    "BlueprintServicesedgeedgeaccessAnomaliesAlarm1B7559A5",
    "BlueprintServicesedgeedgeaccessAnomaliesDetector72DB4694",
    "BlueprintServicesedgeedgeaccessQuerieserrorsbystatusF1515D31",
    "BlueprintServicesedgeedgeaccessQueriesfailedrequestsEAA0DAB4",
    "BlueprintServicesedgeedgeaccessQuerieslatencypercentiles2CFCC979",
    "BlueprintServicesedgeedgeaccessQueriesonetraceFB307B0B",
    "BlueprintServicesedgeedgeaccessQueriesslowestrequestsADAE9CC4",
    "BlueprintServicesedgeedgeaccessQueriestoperrormessagesD8B5133B",
    "BlueprintServicesedgeedgeaccessSubscription0C38E1C60",
    "BlueprintServicesedgeedgeaccessSubscription16D527A25",
    "BlueprintServicesedgeedgeaccessedge5xx65B88BD0",
    "BlueprintServicesedgeedgeaccessedgebytesC779FB22",
    "BlueprintServiceswebForwardedHealthActionsAlarm410C7E68",
    "BlueprintServiceswebForwardedHealthActionsInsufficientData30284B47",
    "BlueprintServiceswebForwardedHealthActionsOk65C93B62",
    "BlueprintServiceswebForwardedHealthDeliveryAlarm8A8710BE",
    "BlueprintServiceswebForwardedHealthDeliveryQueue639BEC2D",
    "BlueprintServiceswebForwardedHealthDeliveryQueuePolicy83D4C92C",
    "BlueprintServiceswebHealthA05DE28C",
    "BlueprintServiceswebResourcesalbapppaymentsweb50dc6c495c0c9188elb5xxrate7B2382AA",
    "BlueprintServiceswebResourcesalbapppaymentsweb50dc6c495c0c9188rejectedconnections66D57462",
    "BlueprintServiceswebResourcesalbapppaymentsweb50dc6c495c0c9188target5xxrate22E1772B",
    "BlueprintServiceswebResourcesalbapppaymentsweb50dc6c495c0c9188targetresponsetimeE0CD2A96",
    "BlueprintServiceswebResourcestgtargetgrouppaymentsweb73e2d6bc24d8a067nohealthyhostsC8E329D0",
    "BlueprintServiceswebResourcestgtargetgrouppaymentsweb73e2d6bc24d8a067unhealthyhostsF94CCFA4",
    "BlueprintServiceswebwebaccessAnomaliesAlarm0C278652",
    "BlueprintServiceswebwebaccessAnomaliesDetectorAAF21838",
    "BlueprintServiceswebwebaccessC763444D",
    "BlueprintServiceswebwebaccessContributorstopclientips8CAC938C",
    "BlueprintServiceswebwebaccessContributorstopfailingpathsDEC3C438",
    "BlueprintServiceswebwebaccessQuerieserrorsbystatusAFAEC174",
    "BlueprintServiceswebwebaccessQueriesfailedrequestsC86DF9DC",
    "BlueprintServiceswebwebaccessQuerieslatencypercentilesBEBB3D7F",
    "BlueprintServiceswebwebaccessQueriesonetraceEF387FEF",
    "BlueprintServiceswebwebaccessQueriesslowestrequestsC398188F",
    "BlueprintServiceswebwebaccessQueriestoperrormessagesF661F1E3",
    "BlueprintServiceswebwebaccessTransformer9F7983CA",
    "BlueprintServiceswebwebaccessweb5xxE1C06553",
    "BlueprintTracingDeliveryAlarmED3078B9",
    "BlueprintTracingDeliveryQueue7C207FF9",
    "BlueprintTracingDeliveryQueuePolicyD8C03D50",
    "BlueprintTracingGroupsbatch4FBDE0B7",
    "BlueprintTracingGroupscheckout657F1754",
    "BlueprintTracingGroupsedgeE0608604",
    "BlueprintTracingGroupswebDD623C29",
    "BlueprintTracingInsightsbatchRuleBF88112B",
    "BlueprintTracingInsightscheckoutRule811B38BD",
    "BlueprintTracingInsightsedgeRuleD1D0947F",
    "BlueprintTracingInsightswebRule379C18EB",
    "BlueprintTracingSamplingRulespaymentscheckout44B2D7D2",
    "BlueprintTracingTransactionSearch550078EF",
    "BlueprintTracingTransactionSearchLogsPolicyB59302EB",
    "SharedResourceAlarmsaccountprovisionedreadcapacityutilization8C63E7DD",
    "SharedResourceAlarmsaccountprovisionedwritecapacityutilization2AF21EE3",
)
US_EAST_1_LOGICAL_IDS = (
    "DeliveryAlarm81E35BD4",
    "DeliveryQueue6A0D8ED9",
    "DeliveryQueuePolicy7346FE3E",
    "ForwarderRoleDD76EF76",
    "ForwarderRoleDefaultPolicy29B080A0",
    "ForwarderforwardalarmsB9CB5FB8",
    "Forwarderforwardsignin3D4FFFCC",
)
MONITORS_US_EAST_1_LOGICAL_IDS = (
    "DeliveryAlarm81E35BD4",
    "DeliveryQueue6A0D8ED9",
    "DeliveryQueuePolicy7346FE3E",
    "ForwarderRoleDD76EF76",
    "ForwarderRoleDefaultPolicy29B080A0",
    "Forwarderforwardhealth318C3923",
    "ServiceswebHealth0E2A9016",
    "ServiceswebResourcescloudfrontE2QWRUHAPOMQZL5xxerrorrate9FBB7537",
)


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        (MAIN, MAIN_LOGICAL_IDS),
        (US_EAST_1, US_EAST_1_LOGICAL_IDS),
        (MONITORS_US_EAST_1, MONITORS_US_EAST_1_LOGICAL_IDS),
    ],
)
def test_logical_ids_of_the_full_example_are_stable(
    full: Synthesized, stack: str, expected: tuple[str, ...]
) -> None:
    [synthesized] = [s for s in full.stacks if s.artifact_id == stack]
    actual = sorted(full.template_json(synthesized)["Resources"])
    added = sorted(set(actual) - set(expected))
    removed = sorted(set(expected) - set(actual))
    assert (added, removed) == ([], []), "logical IDs changed: resources would be replaced"
    assert tuple(actual) == expected  # the literal stays sorted and free of duplicates
