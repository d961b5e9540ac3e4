"""VPC flow logs: the pure format, pattern and query logic, and the VpcFlowLogs construct.

The construct stacks are synthesized once for the module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from aws_cdk import Duration, Stack, Token
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from observability_blueprint import BlueprintError, BlueprintKey
from observability_blueprint.blueprint.stacks import add_compliance_checks
from observability_blueprint.network.vpc_flow_logs import RejectedRemoteAccessAlarm, VpcFlowLogs
from observability_blueprint.rules import flow_log_fields as flf
from observability_blueprint.rules.alarm_settings import ActionSet, ActionSpec
from observability_blueprint.rules.errors import Problem
from observability_blueprint.rules.filter_patterns import parse
from observability_blueprint.rules.metric_filters import (
    MetricFilterSpec,
    PatternExamples,
    pattern_problems,
)
from support import assert_compliant, new_app, new_stack, properties, resources

VPC = "vpc-0123456789abcdef0"
SUBNET = "subnet-0123456789abcdef0"
ENI = "eni-0123456789abcdef0"
DEFAULT_LOG_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
)
# A version 5 custom format in another order (after the flow log record examples of the
# VPC user guide), to show the pattern and queries follow the format.
CUSTOM = (
    "version", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "start", "end", "type",
    "packets", "bytes", "account-id", "vpc-id", "subnet-id", "instance-id", "interface-id",
    "region", "az-id", "sublocation-type", "sublocation-id", "action", "tcp-flags",
    "pkt-srcaddr", "pkt-dstaddr", "pkt-src-aws-service", "pkt-dst-aws-service",
    "traffic-path", "flow-direction", "log-status",
)  # fmt: skip

# Records in the default format, as in the VPC user guide's flow log record examples.
ACCEPTED_SSH = (
    "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
    "1418530010 1418530070 ACCEPT OK"
)
REJECTED_RDP = (
    "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 "
    "1418530010 1418530070 REJECT OK"
)
REJECTED_SSH = (
    "2 123456789010 eni-1235b8ca123456789 185.220.101.4 172.31.9.12 40122 22 6 1 60 "
    "1418530010 1418530070 REJECT OK"
)
NO_DATA = "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA"
SKIP_DATA = "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA"
# The server's reply leaves from port 22; a rejected reply is not an attempt on SSH.
REJECTED_REPLY_FROM_SSH = (
    "2 123456789010 eni-1235b8ca123456789 172.31.9.12 185.220.101.4 22 40122 6 1 60 "
    "1418530010 1418530070 REJECT OK"
)
REJECTED_HTTPS = (
    "2 123456789010 eni-1235b8ca123456789 185.220.101.4 172.31.9.12 40122 443 6 1 60 "
    "1418530010 1418530070 REJECT OK"
)
REJECTED_UDP_3389 = (
    "2 123456789010 eni-1235b8ca123456789 185.220.101.4 172.31.9.12 40122 3389 17 1 60 "
    "1418530010 1418530070 REJECT OK"
)


# ------------------------------------------------------------ pure: formats


def test_default_format_is_the_version_2_fields_in_order() -> None:
    assert flf.render_format(flf.DEFAULT_FORMAT) == DEFAULT_LOG_FORMAT
    assert flf.parse_format(DEFAULT_LOG_FORMAT) == flf.DEFAULT_FORMAT
    assert flf.format_version(flf.DEFAULT_FORMAT) == 2


def test_the_field_table_has_versions_2_to_8() -> None:
    assert len(flf.FIELDS) == 40
    assert sorted({f.version for f in flf.FIELDS}) == [2, 3, 4, 5, 7, 8]
    assert flf.KNOWN_FIELDS["reject-reason"].version == 8
    assert flf.KNOWN_FIELDS["ecs-task-id"].version == 7
    assert flf.format_version(CUSTOM) == 5
    assert flf.format_version(["srcaddr", "ecs-cluster-name"]) == 7


def test_parse_format_refuses_text_that_is_not_a_format() -> None:
    with pytest.raises(ValueError, match="is not a flow log format"):
        flf.parse_format("${version} srcaddr")


def test_unknown_field_suggests_the_nearest() -> None:
    assert flf.field_problems(["version", "dst-port", "srcaddr"]) == [
        Problem(
            "[1]",
            "'dst-port' is not a flow log field; did you mean 'dstport'? known fields: "
            + ", ".join(flf.FIELD_NAMES),
        )
    ]
    [problem] = flf.field_problems(["account_id"])
    assert "did you mean 'account-id'?" in problem.message


def test_format_field_mistakes() -> None:
    assert flf.field_problems(["${srcaddr}"]) == [
        Problem("[0]", "'${srcaddr}': write the field name without ${}: 'srcaddr'")
    ]
    assert flf.field_problems(["srcaddr", "dstaddr", "srcaddr"]) == [
        Problem("[2]", "'srcaddr' is already field [0]; name each field once")
    ]
    assert flf.field_problems([]) == [Problem("", "a custom format needs at least one field")]
    [problem] = flf.field_problems("${version} ${srcaddr}")
    assert "is one string; give the format as a list of field names" in problem.message
    assert flf.field_problems(CUSTOM) == []


def test_settings_checks() -> None:
    assert flf.check_aggregation_interval(300) == (
        "300 is not an aggregation interval; flow logs aggregate over 60 or 600 seconds "
        "(one or ten minutes)"
    )
    assert flf.check_aggregation_interval(60) is None
    assert flf.check_traffic_type("DENY") == (
        "'DENY' is not a traffic type; use one of ALL, ACCEPT, REJECT"
    )
    assert flf.check_ports([22, 22]) == "22, 22: name each port once"
    assert flf.check_ports([70000]) == "70000: a port is a number from 0 to 65535"
    assert flf.check_ports([]) == "name at least one port (SSH is 22, RDP is 3389)"


def test_settings_match_the_botocore_ec2_model() -> None:
    ec2 = botocore.session.get_session().get_service_model("ec2")
    assert set(flf.TRAFFIC_TYPES) == set(ec2.shape_for("TrafficType").enum)
    kinds = {resource_type for resource_type, _ in flf.RESOURCE_KINDS.values()}
    assert kinds <= set(ec2.shape_for("FlowLogsResourceType").enum)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("vpc-123", "vpc"),
        ("vpc-0123456789ABCDEF0", "vpc"),
        ("vpc-0123456789abcdef0a", "vpc"),
        (SUBNET, "vpc"),
        ("subnet-xyz12345", "subnet"),
        ("eni-", "eni"),
    ],
)
def test_malformed_resource_ids(value: str, kind: str) -> None:
    message = flf.check_resource_id(value, kind)
    assert message is not None
    assert message.startswith(f"{value!r} is not a ")
    assert f"use '{kind}-' and 8 or 17 lowercase hex digits" in message


def test_resource_ids_and_types() -> None:
    for value, kind, resource_type in (
        (VPC, "vpc", "VPC"),
        ("vpc-0123abcd", "vpc", "VPC"),
        (SUBNET, "subnet", "Subnet"),
        (ENI, "eni", "NetworkInterface"),
    ):
        assert flf.check_resource_id(value, kind) is None
        assert flf.resource_type(value) == resource_type
    assert flf.resource_type("sg-0123abcd") is None


def test_records_are_built_and_split_by_the_format() -> None:
    record = flf.example_record(CUSTOM, dstport=22, action="REJECT")
    fields = flf.parse_record(CUSTOM, record)
    assert fields["version"] == "5"
    assert fields["dstport"] == "22"
    assert fields["action"] == "REJECT"
    assert fields["pkt_src_aws_service"] == "-"
    assert flf.parse_record(flf.DEFAULT_FORMAT, REJECTED_RDP)["dstport"] == "3389"
    with pytest.raises(ValueError, match="the record has 13 values; the format has 14 fields"):
        flf.parse_record(flf.DEFAULT_FORMAT, REJECTED_RDP.rsplit(" ", 1)[0])
    with pytest.raises(ValueError, match="not fields of this format: vpc_id"):
        flf.example_record(flf.DEFAULT_FORMAT, vpc_id=VPC)


# ---------------------------------------------------- pure: SSH/RDP pattern


def test_pattern_for_the_default_format() -> None:
    assert flf.rejected_remote_access_pattern(flf.DEFAULT_FORMAT) == (
        "[version, account_id, interface_id, srcaddr, dstaddr, srcport, "
        "dstport = 22 || dstport = 3389, protocol = 6, packets, bytes, start, end, "
        'action = "REJECT", log_status]'
    )


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (REJECTED_SSH, True),
        (REJECTED_RDP, True),
        (ACCEPTED_SSH, False),
        (REJECTED_REPLY_FROM_SSH, False),
        (REJECTED_HTTPS, False),
        (REJECTED_UDP_3389, False),
        (NO_DATA, False),
        (SKIP_DATA, False),
    ],
)
def test_pattern_against_realistic_default_format_records(record: str, expected: bool) -> None:
    pattern = parse(flf.rejected_remote_access_pattern(flf.DEFAULT_FORMAT))
    assert pattern.matches(record) is expected


def test_pattern_follows_a_custom_field_order() -> None:
    pattern_text = flf.rejected_remote_access_pattern(CUSTOM)
    assert pattern_text.startswith(
        "[version, srcaddr, dstaddr, srcport, dstport = 22 || dstport = 3389, protocol = 6, "
    )
    pattern = parse(pattern_text)
    # A version 5 record from the user guide's examples, turned into a rejected RDP attempt.
    record = (
        "5 52.95.128.179 10.0.0.71 80 3389 6 1616729292 1616729349 IPv4 14 15044 123456789012 "
        "vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b "
        "eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - REJECT 2 52.95.128.179 10.0.0.71 "
        "S3 - - ingress OK"
    )
    assert pattern.matches(record)
    assert not pattern.matches(record.replace(" REJECT ", " ACCEPT "))
    # The default-format pattern does not line up with these records.
    assert not parse(flf.rejected_remote_access_pattern(flf.DEFAULT_FORMAT)).matches(record)


@pytest.mark.parametrize("fields", [flf.DEFAULT_FORMAT, CUSTOM, flf.FIELD_NAMES])
def test_builtin_examples_pass_the_offline_engine(fields: tuple[str, ...]) -> None:
    spec = MetricFilterSpec(
        name="rejected-ssh-rdp",
        pattern=flf.rejected_remote_access_pattern(fields),
        namespace="N",
        metric_name="M",
        examples=flf.rejected_remote_access_examples(fields),
    )
    assert len(spec.pattern) <= 1024
    assert pattern_problems(spec) == []


def test_builtin_examples_catch_a_wrong_pattern() -> None:
    """Negative control: a pattern testing the source port fails the built-in examples."""
    fields = flf.DEFAULT_FORMAT
    swapped = list(fields)
    swapped[5], swapped[6] = swapped[6], swapped[5]
    wrong = flf.rejected_remote_access_pattern(swapped)
    spec = MetricFilterSpec(
        name="f",
        pattern=wrong,
        namespace="N",
        metric_name="M",
        examples=flf.rejected_remote_access_examples(fields),
    )
    assert [p.location for p in pattern_problems(spec)] == [
        "examples.match[0]",
        "examples.match[1]",
    ]


def test_pattern_needs_its_fields() -> None:
    with pytest.raises(ValueError, match="the format lacks dstport, action"):
        flf.rejected_remote_access_pattern(["srcaddr", "protocol"])


# ------------------------------------------------------------ pure: queries


PARSE_DEFAULT = (
    'parse @message "* * * * * * * * * * * * * *" as version, account_id, interface_id, '
    "srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, "
    "log_status"
)
TOP_TALKERS = (
    "| stats sum(bytes) as total_bytes, sum(packets) as total_packets by srcaddr, dstaddr\n"
    "| sort total_bytes desc\n"
    "| limit 25"
)
DEFAULT_QUERIES = {
    "top-talkers": f"{PARSE_DEFAULT}\n{TOP_TALKERS}",
    "rejected-traffic": (
        f"{PARSE_DEFAULT}\n"
        '| filter action = "REJECT"\n'
        "| stats count(*) as rejected_flows by srcaddr, dstaddr, dstport, protocol\n"
        "| sort rejected_flows desc\n"
        "| limit 25"
    ),
    "traffic-by-port": (
        f"{PARSE_DEFAULT}\n"
        "| stats sum(bytes) as total_bytes, sum(packets) as total_packets, count(*) as flows "
        "by dstport, protocol\n"
        "| sort total_bytes desc\n"
        "| limit 25"
    ),
}


def test_queries_for_the_default_format() -> None:
    queries = {q.name: q.render() for q in flf.flow_log_queries(flf.DEFAULT_FORMAT)}
    assert queries == DEFAULT_QUERIES


def test_queries_parse_a_custom_format_field_by_field() -> None:
    [query, *_] = flf.flow_log_queries(CUSTOM)
    stars, names = query.parse.split(" as ")
    assert stars.count("*") == len(CUSTOM)
    assert names.split(", ")[:5] == ["version", "srcaddr", "dstaddr", "srcport", "dstport"]
    assert "pkt_src_aws_service" in names


def test_queries_need_their_fields() -> None:
    fields = ["srcaddr", "dstaddr", "bytes", "packets"]
    assert flf.query_problems(fields) == [
        "the rejected-traffic query needs srcaddr, dstaddr, dstport, protocol, action; the "
        "format lacks dstport, protocol, action",
        "the traffic-by-port query needs dstport, protocol, bytes, packets; the format lacks "
        "dstport, protocol",
    ]
    with pytest.raises(ValueError, match="the rejected-traffic query needs"):
        flf.flow_log_queries(fields)


# ---------------------------------------------------------------- construct


@dataclass
class Built:
    stack: Stack
    template: Template
    flow: VpcFlowLogs
    custom: VpcFlowLogs

    def resource(self, construct: Any) -> dict[str, Any]:
        logical_id = self.stack.get_logical_id(construct)
        found: dict[str, Any] = self.template.to_json()["Resources"][logical_id]
        return found


@pytest.fixture(scope="module")
def built() -> Built:
    _, stack = new_stack()
    topic = sns.Topic(stack, "Ops", enforce_ssl=True)
    flow = VpcFlowLogs(
        stack,
        "Flow",
        vpc_ids=[VPC],
        subnet_ids=[SUBNET],
        network_interface_ids=[ENI],
        log_group_name="/shop/dev/vpc-flow-logs/main",
        retention_days=90,
        query_name_prefix="shop-dev/vpc-flow-logs/main",
        rejected_remote_access_alarm=RejectedRemoteAccessAlarm(
            threshold=5,
            period=Duration.minutes(10),
            alarm_name="shop-dev-main-rejected-ssh-rdp",
            filter_name="shop-dev-main-rejected-ssh-rdp",
            actions=ActionSet(alarm=(ActionSpec(topic="ops"),)),
        ),
        named_topics={"ops": topic},
    )
    custom = VpcFlowLogs(
        stack,
        "Custom",
        vpc_ids=["vpc-0fedcba9876543210"],
        traffic_type="REJECT",
        log_format=CUSTOM,
        aggregation_interval=Duration.minutes(1),
    )
    return Built(stack, Template.from_stack(stack), flow, custom)


def test_one_flow_log_per_resource_with_the_full_format(built: Built) -> None:
    flow_logs = {p["ResourceId"]: p for p in properties(built.template, "AWS::EC2::FlowLog")}
    assert {k: v["ResourceType"] for k, v in flow_logs.items()} == {
        VPC: "VPC",
        SUBNET: "Subnet",
        ENI: "NetworkInterface",
        "vpc-0fedcba9876543210": "VPC",
    }
    log_group = built.stack.get_logical_id(built.flow.log_group.log_group.node.default_child)  # type: ignore[arg-type]
    role = built.stack.get_logical_id(built.flow.role.node.default_child)  # type: ignore[arg-type]
    assert flow_logs[VPC] == {
        "ResourceId": VPC,
        "ResourceType": "VPC",
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "LogGroupName": {"Ref": log_group},
        "DeliverLogsPermissionArn": {"Fn::GetAtt": [role, "Arn"]},
        "LogFormat": DEFAULT_LOG_FORMAT,
        "MaxAggregationInterval": 600,
    }
    custom = flow_logs["vpc-0fedcba9876543210"]
    assert custom["LogFormat"] == (
        "${version} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${start} ${end} "
        "${type} ${packets} ${bytes} ${account-id} ${vpc-id} ${subnet-id} ${instance-id} "
        "${interface-id} ${region} ${az-id} ${sublocation-type} ${sublocation-id} ${action} "
        "${tcp-flags} ${pkt-srcaddr} ${pkt-dstaddr} ${pkt-src-aws-service} "
        "${pkt-dst-aws-service} ${traffic-path} ${flow-direction} ${log-status}"
    )
    assert (custom["TrafficType"], custom["MaxAggregationInterval"]) == ("REJECT", 60)
    assert built.custom.log_format == custom["LogFormat"]


def test_flow_logs_are_keyed_by_resource_id(built: Built) -> None:
    assert list(built.flow.flow_logs) == [VPC, SUBNET, ENI]
    assert built.flow.flow_logs[VPC].node.path == f"Test/Flow/{VPC}"


def test_log_group_has_retention_and_is_retained(built: Built) -> None:
    resource = built.resource(built.flow.log_group.log_group.node.default_child)
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["Properties"]["LogGroupName"] == "/shop/dev/vpc-flow-logs/main"
    assert resource["Properties"]["RetentionInDays"] == 90
    custom = built.resource(built.custom.log_group.log_group.node.default_child)
    assert custom["Properties"]["RetentionInDays"] == 365


def test_delivery_role_may_only_write_to_its_log_group(built: Built) -> None:
    role = built.resource(built.flow.role.node.default_child)["Properties"]
    log_group = built.stack.get_logical_id(built.flow.log_group.log_group.node.default_child)  # type: ignore[arg-type]
    assert role["Policies"] == [
        {
            "PolicyName": "DeliverToLogGroup",
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": [
                            "logs:CreateLogStream",
                            "logs:DescribeLogStreams",
                            "logs:PutLogEvents",
                        ],
                        "Resource": {"Fn::GetAtt": [log_group, "Arn"]},
                    }
                ],
            },
        }
    ]
    assert "ManagedPolicyArns" not in role
    assert resources(built.template, "AWS::IAM::Policy") == {}


def test_only_this_accounts_flow_logs_may_assume_the_role(built: Built) -> None:
    role = built.resource(built.flow.role.node.default_child)["Properties"]
    [statement] = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"]["StringEquals"] == {
        "aws:SourceAccount": {"Ref": "AWS::AccountId"}
    }
    source_arn = statement["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::Join"][1]
    assert source_arn[-1] == ":vpc-flow-log/*"
    assert source_arn[2] == ":ec2:"


def test_saved_queries(built: Built) -> None:
    log_group = built.stack.get_logical_id(built.flow.log_group.log_group.node.default_child)  # type: ignore[arg-type]
    queries = {
        p["Name"]: p
        for p in properties(built.template, "AWS::Logs::QueryDefinition")
        if p["Name"].startswith("shop-dev/")
    }
    assert sorted(queries) == [
        "shop-dev/vpc-flow-logs/main/rejected-traffic",
        "shop-dev/vpc-flow-logs/main/top-talkers",
        "shop-dev/vpc-flow-logs/main/traffic-by-port",
    ]
    for name, query in DEFAULT_QUERIES.items():
        saved = queries[f"shop-dev/vpc-flow-logs/main/{name}"]
        assert saved["QueryString"] == query
        assert saved["LogGroupNames"] == [{"Ref": log_group}]
    custom = built.custom.queries["top-talkers"]
    assert custom.node.path == "Test/Custom/top-talkers"
    saved = built.resource(custom.node.default_child)["Properties"]
    assert saved["Name"] == "Test/Custom/top-talkers"
    parse_line, rest = saved["QueryString"].split("\n", 1)
    assert parse_line.startswith('parse @message "' + " ".join(["*"] * len(CUSTOM)) + '" as ')
    assert rest == TOP_TALKERS


def test_rejected_ssh_rdp_filter_and_alarm(built: Built) -> None:
    assert built.flow.metric_filter is not None
    assert built.flow.alarm is not None
    metric_filter = built.resource(built.flow.metric_filter.node.default_child)["Properties"]
    assert metric_filter["FilterPattern"] == flf.rejected_remote_access_pattern(flf.DEFAULT_FORMAT)
    assert metric_filter["FilterName"] == "shop-dev-main-rejected-ssh-rdp"
    assert metric_filter["MetricTransformations"] == [
        {
            "MetricNamespace": "VpcFlowLogs",
            "MetricName": "RejectedSshRdp",
            "MetricValue": "1",
            "DefaultValue": 0,
            "Unit": "Count",
        }
    ]
    alarm = built.resource(built.flow.alarm.alarm.node.default_child)["Properties"]
    topic = built.stack.get_logical_id(built.stack.node.find_child("Ops").node.default_child)  # type: ignore[arg-type]
    assert alarm == {
        "AlarmName": "shop-dev-main-rejected-ssh-rdp",
        "AlarmDescription": (
            "At least 5 rejected TCP connection attempts to ports 22, 3389 in 600 seconds "
            "(VPC flow logs of Test/Flow)"
        ),
        "Namespace": "VpcFlowLogs",
        "MetricName": "RejectedSshRdp",
        "Statistic": "Sum",
        "Period": 600,
        "Threshold": 5,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "EvaluationPeriods": 1,
        "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": topic}],
    }


def test_alarm_and_filter_are_opt_in(built: Built) -> None:
    assert built.custom.alarm is None
    assert built.custom.metric_filter is None
    assert len(resources(built.template, "AWS::CloudWatch::Alarm")) == 1
    assert len(resources(built.template, "AWS::Logs::MetricFilter")) == 1


def test_queries_can_be_left_out() -> None:
    _, stack = new_stack()
    VpcFlowLogs(stack, "Flow", vpc_ids=[VPC], log_format=["srcaddr", "dstaddr"], queries=False)
    Template.from_stack(stack).resource_count_is("AWS::Logs::QueryDefinition", 0)


# ------------------------------------------------------------- bad input


def _build(**kwargs: Any) -> None:
    _, stack = new_stack()
    VpcFlowLogs(stack, "Flow", **{"vpc_ids": [VPC], **kwargs})


def test_unknown_field_is_refused_with_a_suggestion() -> None:
    with pytest.raises(BlueprintError) as error:
        _build(log_format=["version", "srcaddr", "dstadr"])
    assert str(error.value).startswith(
        "Test/Flow.log_format[2]: 'dstadr' is not a flow log field; did you mean 'dstaddr'? "
        "known fields: version, account-id,"
    )


def test_aggregation_interval_must_be_60_or_600() -> None:
    with pytest.raises(
        BlueprintError,
        match=r"^Test/Flow.aggregation_interval: 120 is not an aggregation interval; flow logs "
        r"aggregate over 60 or 600 seconds",
    ):
        _build(aggregation_interval=Duration.seconds(120))


@pytest.mark.parametrize(
    ("arg", "value", "kind", "prefix"),
    [
        ("vpc_ids", "vpc-12345", "VPC", "vpc"),
        ("subnet_ids", "subnet-0123456789ABCDEF0", "subnet", "subnet"),
        ("network_interface_ids", VPC, "network interface", "eni"),
    ],
)
def test_malformed_ids_are_refused(arg: str, value: str, kind: str, prefix: str) -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as error:
        VpcFlowLogs(stack, "Flow", **{arg: [value]})
    assert str(error.value) == (
        f"Test/Flow.{arg}[0]: {value!r} is not a {kind} id; use '{prefix}-' and 8 or 17 "
        f"lowercase hex digits, such as {prefix}-0123456789abcdef0"
    )


def test_references_and_empty_or_repeated_ids_are_refused() -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as error:
        VpcFlowLogs(stack, "Flow", vpc_ids=[Token.as_string({"Ref": "Vpc"})])
    assert "Test/Flow.vpc_ids[0]: is a reference; give the id as plain text" in str(error.value)
    with pytest.raises(
        BlueprintError, match="name at least one of vpc_ids, subnet_ids, network_interface_ids"
    ):
        _build(vpc_ids=[])
    with pytest.raises(BlueprintError, match=f"Test/Flow: {VPC} listed more than once"):
        _build(vpc_ids=[VPC, VPC])
    with pytest.raises(BlueprintError, match="'DENY' is not a traffic type"):
        _build(traffic_type="DENY")
    with pytest.raises(BlueprintError, match=r"Test/Flow\.retention_days: 42 is not a CloudWatch"):
        _build(retention_days=42)


def test_queries_need_fields_the_format_lacks() -> None:
    with pytest.raises(BlueprintError) as error:
        _build(log_format=["srcaddr", "dstaddr", "dstport", "protocol", "action"])
    assert str(error.value).splitlines() == [
        "Test/Flow.queries: the top-talkers query needs srcaddr, dstaddr, bytes, packets; the "
        "format lacks bytes, packets; add them to log_format or set queries=False",
        "Test/Flow.queries: the traffic-by-port query needs dstport, protocol, bytes, packets; "
        "the format lacks bytes, packets; add them to log_format or set queries=False",
    ]


def test_the_alarm_needs_fields_the_format_lacks() -> None:
    with pytest.raises(BlueprintError) as error:
        _build(
            log_format=["srcaddr", "dstaddr", "dstport"],
            queries=False,
            rejected_remote_access_alarm=RejectedRemoteAccessAlarm(),
        )
    assert str(error.value) == (
        "Test/Flow.rejected_remote_access_alarm: the rejected SSH/RDP filter tests dstport, "
        "protocol, action; the format lacks protocol, action: add them to log_format"
    )


def test_alarm_examples_are_checked_against_the_format() -> None:
    with pytest.raises(BlueprintError) as error:
        _build(
            rejected_remote_access_alarm=RejectedRemoteAccessAlarm(
                ports=(22,),
                examples=PatternExamples(
                    match=(REJECTED_SSH, REJECTED_RDP), no_match=(ACCEPTED_SSH, "2 too short")
                ),
            )
        )
    where = "Test/Flow.rejected_remote_access_alarm.examples"
    assert str(error.value).splitlines() == [
        f"{where}.match[1]: the rejected SSH/RDP filter does not match this record, which it "
        f"should: {REJECTED_RDP!r}",
        f"{where}.no_match[1]: the record has 3 values; the format has 14 fields: '2 too short'",
    ]


def test_alarm_ports_are_checked() -> None:
    with pytest.raises(BlueprintError) as error:
        _build(rejected_remote_access_alarm=RejectedRemoteAccessAlarm(ports=()))
    assert str(error.value) == (
        "Test/Flow.rejected_remote_access_alarm.ports: name at least one port (SSH is 22, RDP is "
        "3389)"
    )


# ------------------------------------------------------------- compliance


def test_cdk_nag_and_cfn_lint_find_nothing(tmp_path: Path) -> None:
    app = new_app(tmp_path)
    stack = Stack(app, "Flow")
    key = BlueprintKey(stack, "Key")
    VpcFlowLogs(
        stack,
        "Flow",
        vpc_ids=[VPC],
        subnet_ids=[SUBNET],
        log_format=flf.FIELD_NAMES,
        log_group_name="/shop/dev/vpc-flow-logs/main",
        encryption_key=key,
        rejected_remote_access_alarm=RejectedRemoteAccessAlarm(),
    )
    add_compliance_checks(app)
    app.synth()  # raises on an unacknowledged finding
    assert_compliant(tmp_path)  # and no construct warning either
