"""The flow_logs: and containers: sections: field rules and whole-file checks (no synthesis)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from observability_blueprint.config.base import StrictModel
from observability_blueprint.config.blueprint import problems_from
from observability_blueprint.config.network import Containers, FlowLogs, network_problems
from observability_blueprint.rules import flow_log_fields as flf
from observability_blueprint.rules.containers import eks_log_group_names, oidc_issuer
from observability_blueprint.rules.errors import BlueprintError, Problem

VPC = "vpc-0123456789abcdef0"
OIDC = (
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/"
    "EXAMPLED539D4633E53DE1B71EXAMPLE"
)


class Sections(StrictModel):
    """The two sections as the blueprint file holds them."""

    flow_logs: list[FlowLogs] = []
    containers: Containers | None = None


def load(data: dict[str, Any]) -> Sections:
    try:
        return Sections.model_validate(data)
    except ValidationError as error:
        raise BlueprintError(problems_from(error)) from None


def problems(data: dict[str, Any], **kwargs: Any) -> list[str]:
    sections = load(data)
    options: dict[str, Any] = {"name": "shop", "stage": "dev", "topics": ["ops"], **kwargs}
    return [str(p) for p in network_problems(sections.flow_logs, sections.containers, **options)]


FULL: dict[str, Any] = {
    "flow_logs": [
        {
            "name": "main",
            "vpc_ids": [VPC],
            "subnet_ids": ["subnet-0123456789abcdef0"],
            "eni_ids": ["eni-0123456789abcdef0"],
            "traffic_type": "ALL",
            "log_format": [*flf.DEFAULT_FORMAT, "vpc-id", "flow-direction"],
            "aggregation_interval": 60,
            "log_group_name": "/network/flow-logs/main",
            "retention_days": 90,
            "encrypted": True,
            "removal_policy": "retain",
            "queries": True,
            "rejected_ssh_rdp_alarm": {
                "ports": [22, 3389],
                "threshold": 5,
                "period": 300,
                "evaluation_periods": 2,
                "datapoints_to_alarm": 1,
                "description": "Someone knocks on SSH or RDP",
                "runbook_url": "https://wiki.example.com/runbooks/ssh-rdp",
                "actions": {"alarm": [{"topic": "ops"}]},
                "examples": {
                    "match": [
                        "2 111122223333 eni-0123456789abcdef0 203.0.113.9 10.0.1.5 51000 22 6 "
                        "1 60 1735689600 1735689660 REJECT OK vpc-0123456789abcdef0 ingress"
                    ],
                    "no_match": [
                        "2 111122223333 eni-0123456789abcdef0 203.0.113.9 10.0.1.5 51000 22 6 "
                        "1 60 1735689600 1735689660 ACCEPT OK vpc-0123456789abcdef0 ingress"
                    ],
                },
            },
        }
    ],
    "containers": {
        "eks": [
            {
                "cluster": "shop-prod",
                "addon_version": "v4.1.0-eksbuild.1",
                "configuration": {"containerLogs": {"enabled": True}},
                "application_signals": True,
                "pod_identity_agent": True,
                "retention_days": 365,
                "performance_retention_days": 30,
                "encrypted": False,
                "removal_policy": "retain",
            },
            {"cluster": "legacy", "oidc_provider_arn": OIDC, "application_signals": False},
        ],
        "ecs": [{"cluster": "batch", "mode": "enabled", "retention_days": 14}],
    },
}


def test_every_option_loads_and_passes() -> None:
    sections = load(FULL)
    assert problems(FULL) == []
    [entry] = sections.flow_logs
    assert entry.fields[-2:] == ("vpc-id", "flow-direction")
    assert entry.physical_log_group_name("shop", "dev") == "/network/flow-logs/main"
    assert entry.alarm_key() == "main-rejected-ssh-rdp"
    assert sections.containers is not None
    assert sections.containers.eks[1].oidc_provider_arn == OIDC


def test_defaults() -> None:
    sections = load({"flow_logs": [{"name": "main", "vpc_ids": [VPC]}], "containers": {}})
    [entry] = sections.flow_logs
    assert entry.fields == flf.DEFAULT_FORMAT
    assert (entry.traffic_type, entry.aggregation_interval, entry.retention_days) == (
        "ALL",
        600,
        365,
    )
    assert entry.queries is True
    assert entry.rejected_ssh_rdp_alarm is None
    assert entry.physical_log_group_name("shop", "dev") == "/shop/dev/vpc-flow-logs/main"
    eks = load({"containers": {"eks": [{"cluster": "c"}]}}).containers
    assert eks is not None
    assert (eks.eks[0].retention_days, eks.eks[0].performance_retention_days) == (365, 30)
    ecs = load({"containers": {"ecs": [{"cluster": "c"}]}}).containers
    assert ecs is not None
    assert (ecs.ecs[0].mode, ecs.ecs[0].retention_days) == ("enhanced", 30)


def test_pure_helpers() -> None:
    assert eks_log_group_names("c")["dataplane"] == "/aws/containerinsights/c/dataplane"
    assert (
        oidc_issuer(OIDC) == "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    )
    with pytest.raises(ValueError, match="is not an EKS OIDC provider ARN"):
        oidc_issuer("arn:aws:iam::111122223333:role/x")


# ----------------------------------------------------------- field rules


def _error(data: dict[str, Any]) -> list[str]:
    with pytest.raises(BlueprintError) as error:
        load(data)
    return [str(p) for p in error.value.problems]


def _flow(**entry: Any) -> dict[str, Any]:
    return {"flow_logs": [{"name": "main", "vpc_ids": [VPC], **entry}]}


def test_unknown_field_with_did_you_mean() -> None:
    [message] = _error(_flow(log_format=["version", "srcadr", "dstaddr"]))
    assert message.startswith(
        "flow_logs[0].log_format[1]: 'srcadr' is not a flow log field; did you mean 'srcaddr'? "
        "known fields: version, account-id, interface-id,"
    )
    assert message.endswith("ecs-task-id, reject-reason")


def test_format_field_given_twice_or_wrapped() -> None:
    assert _error(_flow(log_format=["srcaddr", "srcaddr"])) == [
        "flow_logs[0].log_format: [1]: 'srcaddr' is already field [0]; name each field once"
    ]
    assert _error(_flow(log_format=["${srcaddr}"])) == [
        "flow_logs[0].log_format[0]: '${srcaddr}': write the field name without ${}: 'srcaddr'"
    ]
    assert _error(_flow(log_format=[])) == [
        "flow_logs[0].log_format: a custom format needs at least one field"
    ]


@pytest.mark.parametrize("interval", [0, 120, 300, 3600])
def test_aggregation_interval_is_60_or_600(interval: int) -> None:
    assert _error(_flow(aggregation_interval=interval)) == [
        f"flow_logs[0].aggregation_interval: {interval} is not an aggregation interval; flow logs "
        "aggregate over 60 or 600 seconds (one or ten minutes)"
    ]


def test_traffic_type() -> None:
    assert _error(_flow(traffic_type="DENY")) == [
        "flow_logs[0].traffic_type: 'DENY' is not a traffic type; use one of ALL, ACCEPT, REJECT"
    ]


@pytest.mark.parametrize(
    ("key", "value", "kind", "prefix"),
    [
        ("vpc_ids", "vpc-12", "VPC", "vpc"),
        ("vpc_ids", "subnet-0123456789abcdef0", "VPC", "vpc"),
        ("subnet_ids", "subnet-0123456789ABCDEF0", "subnet", "subnet"),
        ("eni_ids", "eni-0123abc", "network interface", "eni"),
    ],
)
def test_malformed_ids(key: str, value: str, kind: str, prefix: str) -> None:
    entry: dict[str, Any] = {"name": "main", key: [value]}
    assert _error({"flow_logs": [entry]}) == [
        f"flow_logs[0].{key}[0]: {value!r} is not a {kind} id; use '{prefix}-' and 8 or 17 "
        f"lowercase hex digits, such as {prefix}-0123456789abcdef0"
    ]


@pytest.mark.parametrize(
    ("name", "shown"),
    [("-shop", "'-shop'"), ("shop prod", "'shop prod'"), ("a" * 101, "'" + "a" * 77 + "...'")],
)
def test_invalid_eks_cluster_name(name: str, shown: str) -> None:
    assert _error({"containers": {"eks": [{"cluster": name}]}}) == [
        f"containers.eks[0].cluster: {shown} is not an EKS cluster name; use 1 to 100 letters, "
        "digits, '-' and '_', starting with a letter or digit"
    ]


def test_container_field_rules() -> None:
    assert _error(
        {
            "containers": {
                "eks": [{"cluster": "c", "oidc_provider_arn": "arn:x", "addon_version": "latest"}],
                "ecs": [{"cluster": "a/b", "mode": "on"}],
            }
        }
    ) == [
        "containers.eks[0].oidc_provider_arn: 'arn:x' is not an EKS OIDC provider ARN; use the "
        "form arn:aws:iam::111122223333:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID",
        "containers.eks[0].addon_version: 'latest' is not an add-on version; use the form "
        "v4.1.0-eksbuild.1",
        "containers.ecs[0].cluster: 'a/b' is not an ECS cluster name; use 1 to 255 letters, "
        "digits, '-' and '_' (the name, not the ARN)",
        "containers.ecs[0].mode: 'on' is not valid: use 'enhanced' or 'enabled'",
    ]


def test_alarm_ports_and_unknown_keys() -> None:
    assert _error(_flow(rejected_ssh_rdp_alarm={"ports": [22, 99999]})) == [
        "flow_logs[0].rejected_ssh_rdp_alarm.ports: 99999: a port is a number from 0 to 65535"
    ]
    [message] = _error(_flow(retension_days=30))
    # The key hint needs the Blueprint model; here the section is checked alone.
    assert message.startswith("flow_logs[0].retension_days: unknown key")


# ------------------------------------------------------- whole-entry rules


def test_queries_need_fields_the_format_lacks() -> None:
    assert problems(_flow(log_format=["srcaddr", "dstaddr", "bytes", "packets", "dstport"])) == [
        "flow_logs[0].queries: the rejected-traffic query needs srcaddr, dstaddr, dstport, "
        "protocol, action; the format lacks protocol, action; add them to log_format or set "
        "queries: false",
        "flow_logs[0].queries: the traffic-by-port query needs dstport, protocol, bytes, "
        "packets; the format lacks protocol; add them to log_format or set queries: false",
    ]
    assert problems(_flow(log_format=["srcaddr"], queries=False)) == []


def test_the_alarm_needs_fields_the_format_lacks() -> None:
    data = _flow(log_format=["srcaddr", "dstport"], queries=False, rejected_ssh_rdp_alarm={})
    assert problems(data) == [
        "flow_logs[0].rejected_ssh_rdp_alarm: the rejected SSH/RDP filter tests dstport, "
        "protocol, action; the format lacks protocol, action: add them to log_format or remove "
        "the alarm"
    ]


def test_alarm_examples_and_settings() -> None:
    record = "2 1 eni-0123abcd 203.0.113.9 10.0.1.5 51000 22 6 1 60 1 2 ACCEPT OK"
    data = _flow(
        rejected_ssh_rdp_alarm={
            "period": 30,
            "actions": {"alarm": [{"topic": "pager"}]},
            "examples": {"match": [record], "no_match": ["2 1 eni-0123abcd"]},
        }
    )
    assert problems(data) == [
        "flow_logs[0].rejected_ssh_rdp_alarm.examples.match[0]: the rejected SSH/RDP filter does "
        f"not match this record, which it should: {record!r}",
        "flow_logs[0].rejected_ssh_rdp_alarm.examples.no_match[0]: the record has 3 values; the "
        "format has 14 fields: '2 1 eni-0123abcd'",
        "flow_logs[0].rejected_ssh_rdp_alarm.period: 30 seconds is shorter than a metric "
        "filter's one-minute data: the alarm would sit in INSUFFICIENT_DATA at three times the "
        "price; use 60 or more",
        "flow_logs[0].rejected_ssh_rdp_alarm.actions.alarm[0].topic: 'pager' is not a blueprint "
        "topic; known topics: ops",
    ]


def test_entries_need_resources_and_unique_names() -> None:
    data = {
        "flow_logs": [
            {"name": "main"},
            {"name": "main", "vpc_ids": [VPC, VPC]},
        ]
    }
    assert problems(data) == [
        "flow_logs[0]: name at least one of vpc_ids, subnet_ids, eni_ids",
        "flow_logs[1].name: 'main' is already used by flow_logs[0]; names must be unique",
        f"flow_logs[1]: {VPC} listed more than once",
        "flow_logs[1].log_group_name: log group '/shop/dev/vpc-flow-logs/main' is already made "
        "by flow_logs[0].log_group_name",
    ]


def test_log_groups_may_not_collide_with_the_files_others() -> None:
    data = {
        "flow_logs": [{"name": "main", "vpc_ids": [VPC], "log_group_name": "/shop/dev/api"}],
        "containers": {
            "eks": [{"cluster": "c"}, {"cluster": "c"}],
            "ecs": [{"cluster": "e"}],
        },
    }
    found = problems(
        data,
        log_group_names=["/shop/dev/api", "/aws/ecs/containerinsights/e/performance"],
    )
    assert found == [
        "flow_logs[0].log_group_name: log group '/shop/dev/api' is already made by log_groups",
        *(
            f"containers.eks[1].cluster: log group '/aws/containerinsights/c/{kind}' is already "
            "made by containers.eks[0].cluster"
            for kind in ("application", "host", "dataplane", "performance")
        ),
        "containers.ecs[0].cluster: log group '/aws/ecs/containerinsights/e/performance' is "
        "already made by log_groups",
    ]


def test_pod_identity_needs_a_recent_addon() -> None:
    old = "v2.6.0-eksbuild.1"
    assert problems({"containers": {"eks": [{"cluster": "c", "addon_version": old}]}}) == [
        f"containers.eks[0].addon_version: add-on {old} takes no EKS Pod Identity (v3.1.0 or "
        "later does); use a later version, or IRSA by giving oidc_provider_arn"
    ]
    irsa = {"cluster": "c", "addon_version": old, "oidc_provider_arn": OIDC}
    assert problems({"containers": {"eks": [irsa]}}) == []


def test_problems_are_plain_problems() -> None:
    sections = load(_flow(log_format=["srcaddr"]))
    found = network_problems(sections.flow_logs, None, name="a", stage="b", topics=[])
    assert all(isinstance(p, Problem) for p in found)
    assert {p.location for p in found} == {"flow_logs[0].queries"}


def test_the_flow_log_alarm_name_must_be_free() -> None:
    data = _flow(rejected_ssh_rdp_alarm={})
    assert problems(data, alarm_names=["main-rejected-ssh-rdp"]) == [
        "flow_logs[0].name: the alarm of these flow logs is named 'main-rejected-ssh-rdp', like "
        "an alarm of alarms:; rename one of them"
    ]
    assert problems(_flow(), alarm_names=["main-rejected-ssh-rdp"]) == []
