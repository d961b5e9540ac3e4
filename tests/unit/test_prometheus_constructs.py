"""The prometheus/ area: workspace, rules, alert manager, managed scraper and ADOT collectors.

One app holds every variant (an account-bound stack and an environment-agnostic
one) and is synthesized once for the module, with cdk-nag and the deploy rules;
bad input is refused in stacks of its own.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from aws_cdk import Environment, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match

from observability_blueprint import add_compliance_checks
from observability_blueprint.notifications import NotificationTopic
from observability_blueprint.prometheus import (
    AdotCollector,
    AdotEksCollector,
    IPrometheusWorkspace,
    PrometheusRules,
    PrometheusScraper,
    PrometheusWorkspace,
    ScrapeJob,
)
from observability_blueprint.prometheus.adot_collector import document_content
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.rules.ssm_schedules import AssociationTarget
from observability_blueprint.security import BlueprintKey
from support import assert_compliant, new_app, new_stack

ACCOUNT = "111122223333"
REGION = "eu-west-1"
ENV = Environment(account=ACCOUNT, region=REGION)
CLUSTER_ARN = f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/shop"
SUBNETS = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
OIDC_PROVIDER = (
    f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.{REGION}.amazonaws.com/id/ABCDEF0123456789"
)
POD_JOBS = [ScrapeJob(job_name="pods", kubernetes_sd_roles=("pod",))]
NODE_JOBS = [
    ScrapeJob(
        job_name="node",
        static_targets=("localhost:9100",),
        relabel_configs=(
            {
                "source_labels": ["__address__"],
                "regex": "(.*):.*",
                "target_label": "host",
                "replacement": "$1",
            },
        ),
    )
]
INLINE_RULES = """\
groups:
  - name: checkout
    rules:
      - record: job:http_requests:rate5m
        expr: sum by (job) (rate(http_requests_total[5m]))
      - alert: CheckoutDown
        expr: up{job="checkout"} == 0
        for: 5m
        labels:
          severity: critical
"""
# What the workspace's PrometheusEndpoint attribute stands for when a template is read back.
ENDPOINT = f"https://aps-workspaces.{REGION}.amazonaws.com/workspaces/ws-0000/"


@dataclass
class Built:
    stack: Stack
    agnostic: Stack
    template: dict[str, Any]
    agnostic_template: dict[str, Any]
    outdir: Path
    nag_error: str | None
    workspace: PrometheusWorkspace
    plain: PrometheusWorkspace
    checkout_rules: PrometheusRules
    inline_rules: PrometheusRules
    scraper: PrometheusScraper
    plain_scraper: PrometheusScraper
    collector: AdotCollector
    imported_collector: AdotCollector
    agnostic_collector: AdotCollector
    eks: AdotEksCollector
    irsa: AdotEksCollector
    host_role: iam.Role
    grafana_role: iam.Role
    imported: IPrometheusWorkspace

    def logical_id(self, construct: Any, stack: Stack | None = None) -> str:
        return (stack or self.stack).get_logical_id(construct)

    def resource(self, construct: Any) -> dict[str, Any]:
        resource: dict[str, Any] = self.template["Resources"][self.logical_id(construct)]
        return resource

    def props(self, construct: Any) -> dict[str, Any]:
        props: dict[str, Any] = self.resource(construct)["Properties"]
        return props

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.template["Resources"].items() if v["Type"] == resource_type}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    outdir = tmp_path_factory.mktemp("prometheus")
    app = new_app(outdir)
    stack = Stack(app, "Prometheus", env=ENV)
    key = BlueprintKey(stack, "Key")
    topic = NotificationTopic(stack, "Ops", encryption_key=key)
    workspace = PrometheusWorkspace(
        stack,
        "Workspace",
        alias="shop-dev",
        encryption_key=key,
        retention_days=30,
        metrics_retention_days=400,
        alert_topic=topic,
    )
    plain = PrometheusWorkspace(stack, "Plain", alias="shop-dev-plain", alert_topic=topic)
    checkout_rules = PrometheusRules(
        stack, "CheckoutRules", workspace=workspace, name="checkout", service="checkout"
    )
    inline_rules = PrometheusRules(
        stack, "InlineRules", workspace=workspace, name="shop-inline", rules=INLINE_RULES
    )
    scraper = PrometheusScraper(
        stack,
        "Scraper",
        workspace=workspace,
        cluster_arn=CLUSTER_ARN,
        subnet_ids=SUBNETS,
        authentication_mode="API_AND_CONFIG_MAP",
        endpoint_private_access=True,
        jobs=POD_JOBS,
    )
    plain_scraper = PrometheusScraper(
        stack,
        "PlainScraper",
        workspace=plain,
        cluster_arn=CLUSTER_ARN,
        subnet_ids=SUBNETS,
        security_group_ids=["sg-0a1b2c3d"],
        authentication_mode="API",
        endpoint_private_access=True,
        alias="shop-dev",
        jobs=POD_JOBS,
    )
    host_role = iam.Role(stack, "HostRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    collector = AdotCollector(
        stack,
        "Collector",
        workspace=workspace,
        host_role=host_role,
        targets=[AssociationTarget.tag("role", "web")],
        jobs=NODE_JOBS,
        association_name="shop-dev-adot",
        collector_version="0.43.3",
    )
    imported = PrometheusWorkspace.from_workspace_id(
        stack, "Imported", "ws-12345678-abcd-1234-abcd-123456789012"
    )
    imported_collector = AdotCollector(
        stack,
        "ImportedCollector",
        workspace=imported,
        host_role=host_role,
        targets=[AssociationTarget.instance_ids("mi-0123456789abcdef0")],
        jobs=NODE_JOBS,
        parameter_name="/shop/dev/adot",
    )
    eks = AdotEksCollector(
        stack, "EksCollector", workspace=workspace, cluster_name="shop", jobs=POD_JOBS
    )
    irsa = AdotEksCollector(
        stack,
        "IrsaCollector",
        workspace=plain,
        cluster_name="shop",
        jobs=POD_JOBS,
        oidc_provider_arn=OIDC_PROVIDER,
        namespace="metrics",
        service_account="collector",
        collector_name="amp",
        install_addon=False,
    )
    grafana_role = iam.Role(
        stack,
        "GrafanaRole",
        assumed_by=iam.ServicePrincipal("grafana.amazonaws.com").with_conditions(
            {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
        ),
    )
    workspace.grant_query(grafana_role)

    agnostic = Stack(app, "Agnostic")
    agnostic_workspace = PrometheusWorkspace(
        agnostic, "Workspace", alias="shop-dev", removal_policy=RemovalPolicy.DESTROY
    )
    agnostic_role = iam.Role(
        agnostic, "HostRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com")
    )
    agnostic_collector = AdotCollector(
        agnostic,
        "Collector",
        workspace=agnostic_workspace,
        host_role=agnostic_role,
        targets=[AssociationTarget.tag("role", "web")],
        jobs=NODE_JOBS,
    )

    add_compliance_checks(app)
    nag_error = None
    try:
        app.synth()
    except RuntimeError as error:
        nag_error = str(error)
    template = json.loads((outdir / "Prometheus.template.json").read_text())
    agnostic_template = json.loads((outdir / "Agnostic.template.json").read_text())
    return Built(
        stack=stack,
        agnostic=agnostic,
        template=template,
        agnostic_template=agnostic_template,
        outdir=outdir,
        nag_error=nag_error,
        workspace=workspace,
        plain=plain,
        checkout_rules=checkout_rules,
        inline_rules=inline_rules,
        scraper=scraper,
        plain_scraper=plain_scraper,
        collector=collector,
        imported_collector=imported_collector,
        agnostic_collector=agnostic_collector,
        eks=eks,
        irsa=irsa,
        host_role=host_role,
        grafana_role=grafana_role,
        imported=imported,
    )


def joined(value: Any, refs: dict[str, str]) -> str:
    """Read a template string back: ``Fn::Join`` joined, references replaced per ``refs``."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(joined(part, refs) for part in parts)
    key = json.dumps(value, sort_keys=True)
    return refs[key]


def ref(logical_id: str) -> str:
    return json.dumps({"Ref": logical_id}, sort_keys=True)


def get_att(logical_id: str, attribute: str) -> str:
    return json.dumps({"Fn::GetAtt": [logical_id, attribute]}, sort_keys=True)


def statements(built: Built, role: iam.Role) -> list[dict[str, Any]]:
    """The statements of a role's default policy."""
    policy = role.node.find_child("DefaultPolicy").node.default_child
    found: list[dict[str, Any]] = built.props(policy)["PolicyDocument"]["Statement"]
    return found


def new_workspace() -> tuple[Stack, PrometheusWorkspace]:
    """A fresh stack in the test account and Region, with a workspace to refuse things on."""
    _, stack = new_stack(env=ENV)
    return stack, PrometheusWorkspace(stack, "Workspace", alias="shop")


def problems_of(error: pytest.ExceptionInfo[BlueprintError]) -> dict[str, str]:
    return {p.location: p.message for p in error.value.problems}


# ----------------------------------------------------------------- compliance


def test_the_stacks_pass_cdk_nag_and_cfn_lint(built: Built) -> None:
    assert_compliant(built.outdir, nag_error=built.nag_error)


# ------------------------------------------------------------------ workspace


def test_workspace_is_encrypted_with_the_key_and_logs_to_a_retained_vended_log_group(
    built: Built,
) -> None:
    props = built.props(built.workspace.resource)
    key_id = built.logical_id(
        built.stack.node.find_child("Key").node.find_child("Resource").node.default_child
    )
    log_group = built.workspace.log_group.log_group.node.default_child
    assert props["Alias"] == "shop-dev"
    assert props["KmsKeyArn"] == {"Fn::GetAtt": [key_id, "Arn"]}
    # AWS::Logs::LogGroup's Arn attribute ends in ":*", the form the API asks for.
    assert props["LoggingConfiguration"] == {
        "LogGroupArn": {"Fn::GetAtt": [built.logical_id(log_group), "Arn"]}
    }
    assert props["WorkspaceConfiguration"] == {"RetentionPeriodInDays": 400}
    group = built.resource(log_group)
    assert group["Properties"]["LogGroupName"] == "/aws/vendedlogs/prometheus/shop-dev"
    assert group["Properties"]["RetentionInDays"] == 30
    assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert group["DeletionPolicy"] == "Retain"
    assert built.resource(built.workspace.resource)["DeletionPolicy"] == "Retain"


def test_removal_policy_applies_to_the_workspace_and_its_log_group(built: Built) -> None:
    workspace = built.agnostic.node.find_child("Workspace")
    assert isinstance(workspace, PrometheusWorkspace)
    resources = built.agnostic_template["Resources"]
    for resource in (workspace.resource, workspace.log_group.log_group.node.default_child):
        logical_id = built.agnostic.get_logical_id(resource)  # type: ignore[arg-type]
        assert resources[logical_id]["DeletionPolicy"] == "Delete"


def test_an_unencrypted_workspace_has_no_key_and_keeps_logs_a_year(built: Built) -> None:
    props = built.props(built.plain.resource)
    assert "KmsKeyArn" not in props
    assert "WorkspaceConfiguration" not in props
    group = built.resource(built.plain.log_group.log_group.node.default_child)
    assert group["Properties"]["LogGroupName"] == "/aws/vendedlogs/prometheus/shop-dev-plain"
    assert group["Properties"]["RetentionInDays"] == 365
    assert not built.plain.encrypted
    assert built.workspace.encrypted


def test_remote_write_and_query_urls_extend_the_prometheus_endpoint(built: Built) -> None:
    workspace_id = built.logical_id(built.workspace.resource)
    endpoint = {"Fn::GetAtt": [workspace_id, "PrometheusEndpoint"]}
    assert built.stack.resolve(built.workspace.remote_write_url) == {
        "Fn::Join": ["", [endpoint, "api/v1/remote_write"]]
    }
    assert built.stack.resolve(built.workspace.query_url) == {
        "Fn::Join": ["", [endpoint, "api/v1/query"]]
    }
    assert built.stack.resolve(built.workspace.workspace_arn) == {
        "Fn::GetAtt": [workspace_id, "Arn"]
    }


def test_grant_query_allows_the_four_read_actions_on_this_workspace_only(built: Built) -> None:
    workspace_id = built.logical_id(built.workspace.resource)
    assert statements(built, built.grafana_role) == [
        {
            "Action": [
                "aps:GetLabels",
                "aps:GetMetricMetadata",
                "aps:GetSeries",
                "aps:QueryMetrics",
            ],
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [workspace_id, "Arn"]},
        }
    ]


def test_an_imported_workspace_is_addressed_by_id(built: Built) -> None:
    imported = built.imported
    workspace_id = "ws-12345678-abcd-1234-abcd-123456789012"
    assert imported.workspace_id == workspace_id
    assert imported.workspace_arn == f"arn:aws:aps:{REGION}:{ACCOUNT}:workspace/{workspace_id}"
    endpoint = f"https://aps-workspaces.{REGION}.amazonaws.com/workspaces/{workspace_id}/"
    assert imported.remote_write_url == endpoint + "api/v1/remote_write"
    assert imported.query_url == endpoint + "api/v1/query"
    assert not imported.encrypted


# -------------------------------------------------------------- alert manager


def test_alert_manager_definition_sends_every_alert_to_the_topic(built: Built) -> None:
    topic_id = built.logical_id(
        built.stack.node.find_child("Ops").node.find_child("Resource").node.default_child
    )
    definition = joined(
        built.props(built.workspace.resource)["AlertManagerDefinition"],
        {ref(topic_id): f"arn:aws:sns:{REGION}:{ACCOUNT}:ops"},
    )
    outer = yaml.safe_load(definition)
    assert list(outer) == ["alertmanager_config"]
    config = yaml.safe_load(outer["alertmanager_config"])
    assert config["route"]["receiver"] == "blueprint-topic"
    assert config["receivers"] == [
        {
            "name": "blueprint-topic",
            "sns_configs": [
                {
                    "topic_arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:ops",
                    "sigv4": {"region": REGION},
                    "subject": "[{{ .Status | toUpper }}] {{ .GroupLabels.alertname }}",
                }
            ],
        }
    ]


def test_topic_policy_lets_only_these_workspaces_of_this_account_publish(built: Built) -> None:
    (policy,) = built.of_type("AWS::SNS::TopicPolicy").values()
    aps = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Principal") == {"Service": "aps.amazonaws.com"}
    ]
    sources = []
    for statement in aps:
        assert statement["Effect"] == "Allow"
        assert sorted(statement["Action"]) == ["sns:GetTopicAttributes", "sns:Publish"]
        assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
        sources.append(statement["Condition"]["ArnEquals"]["aws:SourceArn"])
    assert sources == [
        {"Fn::GetAtt": [built.logical_id(built.workspace.resource), "Arn"]},
        {"Fn::GetAtt": [built.logical_id(built.plain.resource), "Arn"]},
    ]


def test_topic_key_lets_managed_prometheus_encrypt_for_this_account_once(built: Built) -> None:
    (key,) = built.of_type("AWS::KMS::Key").values()
    aps = [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s.get("Principal") == {"Service": "aps.amazonaws.com"}
    ]
    assert aps == [
        {
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            "Effect": "Allow",
            "Principal": {"Service": "aps.amazonaws.com"},
            "Resource": "*",
            "Sid": "ManagedPrometheusAlertsToEncryptedTopics",
        }
    ]


def test_a_fifo_topic_is_refused() -> None:
    _, stack = new_stack(env=ENV)
    fifo = sns.Topic(stack, "Fifo", fifo=True, topic_name="alerts.fifo")
    with pytest.raises(BlueprintError) as error:
        PrometheusWorkspace(stack, "Workspace", alias="shop", alert_topic=fifo)
    message = problems_of(error)["Test/Workspace.alert_topic"]
    assert "is a FIFO topic" in message
    assert "give a Standard topic" in message


def test_a_topic_in_another_region_or_account_is_refused() -> None:
    _, stack = new_stack(env=ENV)
    elsewhere = sns.Topic.from_topic_arn(
        stack, "Elsewhere", "arn:aws:sns:us-east-1:444455556666:ops"
    )
    with pytest.raises(BlueprintError) as error:
        PrometheusWorkspace(stack, "Workspace", alias="shop", alert_topic=elsewhere)
    messages = [p.message for p in error.value.problems]
    assert messages == [
        "'arn:aws:sns:us-east-1:444455556666:ops' is in Region us-east-1, the workspace in "
        "eu-west-1; the alert manager sends only to topics in its own account and Region: give "
        "a topic in eu-west-1",
        "'arn:aws:sns:us-east-1:444455556666:ops' is in account 444455556666, the workspace in "
        "111122223333; the alert manager sends only to topics in its own account and Region: "
        "give a topic in 111122223333",
    ]


def test_an_imported_topic_is_used_with_a_warning_about_its_policy() -> None:
    _, stack = new_stack(env=ENV)
    topic = sns.Topic.from_topic_arn(stack, "Ops", f"arn:aws:sns:{REGION}:{ACCOUNT}:ops")
    PrometheusWorkspace(stack, "Workspace", alias="shop", alert_topic=topic)
    Annotations.from_stack(stack).has_warning(
        "/Test/Workspace",
        Match.string_like_regexp(
            "The topic arn:aws:sns:eu-west-1:111122223333:ops is not managed by this stack: "
            "its policy must let aps.amazonaws.com use sns:Publish"
        ),
    )


@pytest.mark.parametrize(
    ("kwargs", "location", "expected"),
    [
        ({"alias": "x" * 101}, "alias", "is not a workspace alias; use 1 to 100 characters"),
        (
            {"alias": "shop dev"},
            "alias",
            "'shop dev' cannot name the log group (/aws/vendedlogs/prometheus/<alias>): "
            "Managed Prometheus logs only to log groups named with letters, digits and . - _ # /",
        ),
        (
            {"alias": "shop", "metrics_retention_days": 0},
            "metrics_retention_days",
            "0 is not a retention; give at least 1 day",
        ),
        (
            {"alias": "shop", "alert_subject": "Alarm\u00e9 {{ .Status }}"},
            "alert_subject",
            "is not a subject SNS delivers; use printable ASCII characters",
        ),
        (
            {"alias": "shop", "alert_subject": "{{ .Status "},
            "alert_subject",
            "has unbalanced {{ }}",
        ),
    ],
)
def test_bad_workspace_settings_are_refused(
    kwargs: dict[str, Any], location: str, expected: str
) -> None:
    _, stack = new_stack(env=ENV)
    topic = sns.Topic(stack, "Ops")
    with pytest.raises(BlueprintError) as error:
        PrometheusWorkspace(stack, "Workspace", alert_topic=topic, **kwargs)
    assert expected in problems_of(error)[f"Test/Workspace.{location}"]


def test_a_workspace_id_must_be_one() -> None:
    _, stack = new_stack(env=ENV)
    with pytest.raises(BlueprintError, match=r"Test/Bad.workspace_id: 'shop-dev' is not a work"):
        PrometheusWorkspace.from_workspace_id(stack, "Bad", "shop-dev")


# ---------------------------------------------------------------------- rules


def test_rule_namespaces_hold_the_rule_file_on_the_workspace(built: Built) -> None:
    workspace_arn = {"Fn::GetAtt": [built.logical_id(built.workspace.resource), "Arn"]}
    inline = built.props(built.inline_rules.resource)
    assert inline == {"Data": INLINE_RULES, "Name": "shop-inline", "Workspace": workspace_arn}
    shipped = built.props(built.checkout_rules.resource)
    assert shipped["Name"] == "checkout"
    assert shipped["Workspace"] == workspace_arn
    groups = yaml.safe_load(shipped["Data"])["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert any("record" in rule for rule in rules)
    assert any("alert" in rule for rule in rules)
    assert all('"checkout"' in rule["expr"] for rule in rules if "record" in rule)


def test_a_broken_expression_stops_synthesis_at_its_line_and_column() -> None:
    stack, workspace = new_workspace()
    text = INLINE_RULES.replace("[5m]))", "[5m])")
    with pytest.raises(BlueprintError) as error:
        PrometheusRules(stack, "Rules", workspace=workspace, name="shop", rules=text)
    ((location, message),) = problems_of(error).items()
    assert location == "Test/Rules.rules:5:28"
    assert message.startswith(
        'group "checkout", rule 1 "job:http_requests:rate5m": expr: could not parse '
        "expression: not valid PromQL: unclosed left parenthesis; write expr: in PromQL, "
        "closing every ( [ and { it opens "
        "(https://prometheus.io/docs/prometheus/latest/querying/basics/)\n"
        "  sum by (job) (rate(http_requests_total[5m])\n"
    )
    assert message.endswith("^")


def test_a_rule_file_path_is_named_after_the_construct() -> None:
    stack, workspace = new_workspace()
    text = INLINE_RULES.replace("for: 5m", "for: 5 m")
    with pytest.raises(BlueprintError) as error:
        PrometheusRules(
            stack, "Rules", workspace=workspace, name="shop", rules=text, source="rules/shop.yaml"
        )
    ((location, message),) = problems_of(error).items()
    assert location == "Test/Rules: rules/shop.yaml:8:14"
    assert message.startswith(
        'group "checkout", rule 2 "CheckoutDown": for: \'5 m\' is not a duration'
    )


def test_invalid_yaml_is_reported_with_its_position() -> None:
    stack, workspace = new_workspace()
    with pytest.raises(BlueprintError) as error:
        PrometheusRules(stack, "Rules", workspace=workspace, name="shop", rules="groups: [\n")
    ((location, message),) = problems_of(error).items()
    assert location.startswith("Test/Rules.rules:")
    assert "not valid YAML" in message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("x" * 65, "use 1 to 64 letters, digits and - . _, starting with a letter or digit"),
        ("-shop", "'-shop' is not a rule groups namespace name"),
        ("shop dev", "'shop dev' is not a rule groups namespace name"),
    ],
)
def test_bad_namespace_names_are_refused(name: str, expected: str) -> None:
    stack, workspace = new_workspace()
    with pytest.raises(BlueprintError) as error:
        PrometheusRules(stack, "Rules", workspace=workspace, name=name, rules=INLINE_RULES)
    assert expected in problems_of(error)["Test/Rules.name"]


def test_namespace_and_group_names_share_721_bytes() -> None:
    stack, workspace = new_workspace()
    text = INLINE_RULES.replace("name: checkout", "name: " + "g" * 700)
    with pytest.raises(BlueprintError) as error:
        PrometheusRules(stack, "Rules", workspace=workspace, name="n" * 30, rules=text)
    ((location, message),) = problems_of(error).items()
    assert location == "Test/Rules.rules:2:11"
    assert "721" in message


def test_rules_or_service_exactly_one() -> None:
    stack, workspace = new_workspace()
    with pytest.raises(BlueprintError, match="give the rule file's text as rules, or a service"):
        PrometheusRules(stack, "Rules", workspace=workspace, name="shop")


# -------------------------------------------------------------------- scraper


def test_scraper_reads_the_cluster_and_writes_to_the_workspace(built: Built) -> None:
    props = built.props(built.plain_scraper.resource)
    assert props["Source"] == {
        "EksConfiguration": {
            "ClusterArn": CLUSTER_ARN,
            "SubnetIds": SUBNETS,
            "SecurityGroupIds": ["sg-0a1b2c3d"],
        }
    }
    assert props["Destination"] == {
        "AmpConfiguration": {
            "WorkspaceArn": {"Fn::GetAtt": [built.logical_id(built.plain.resource), "Arn"]}
        }
    }
    assert props["Alias"] == "shop-dev"
    assert "RoleConfiguration" not in props
    blob = base64.b64decode(props["ScrapeConfiguration"]["ConfigurationBlob"]).decode()
    config = yaml.safe_load(blob)
    assert config["global"] == {"scrape_interval": "30s"}
    assert config["scrape_configs"] == [
        {"job_name": "pods", "kubernetes_sd_configs": [{"role": "pod"}]}
    ]


def test_scraper_of_an_encrypted_workspace_writes_through_two_scoped_roles(built: Built) -> None:
    scraper = built.scraper
    assert scraper.source_role is not None
    assert scraper.target_role is not None
    source_id = built.logical_id(scraper.source_role.node.default_child)
    target_id = built.logical_id(scraper.target_role.node.default_child)
    props = built.props(scraper.resource)
    assert props["RoleConfiguration"] == {
        "SourceRoleArn": {"Fn::GetAtt": [source_id, "Arn"]},
        "TargetRoleArn": {"Fn::GetAtt": [target_id, "Arn"]},
    }
    scrapers = f"arn:aws:aps:{REGION}:{ACCOUNT}:scraper/*"
    assert built.resource(scraper.source_role.node.default_child)["Properties"][
        "AssumeRolePolicyDocument"
    ]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {
                "ArnLike": {"aws:SourceArn": scrapers},
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
            },
            "Effect": "Allow",
            "Principal": {"Service": "scraper.aps.amazonaws.com"},
        }
    ]
    assert built.resource(scraper.target_role.node.default_child)["Properties"][
        "AssumeRolePolicyDocument"
    ]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {"StringLike": {"sts:ExternalId": scrapers}},
            "Effect": "Allow",
            "Principal": {"AWS": {"Fn::GetAtt": [source_id, "Arn"]}},
        }
    ]
    assert statements(built, scraper.source_role) == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [target_id, "Arn"]},
        }
    ]
    assert statements(built, scraper.target_role) == [
        {
            "Action": "aps:RemoteWrite",
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [built.logical_id(built.workspace.resource), "Arn"]},
        }
    ]
    # The roles are referenced; their policies are waited for.
    depends = built.resource(scraper.resource)["DependsOn"]
    assert sorted(depends) == sorted(
        built.logical_id(role.node.find_child("DefaultPolicy").node.default_child)
        for role in (scraper.source_role, scraper.target_role)
    )


def scraper_problems(**overrides: Any) -> dict[str, str]:
    stack, workspace = new_workspace()
    settings: dict[str, Any] = {
        "cluster_arn": CLUSTER_ARN,
        "subnet_ids": SUBNETS,
        "authentication_mode": "API",
        "endpoint_private_access": True,
        "jobs": POD_JOBS,
        **overrides,
    }
    with pytest.raises(BlueprintError) as error:
        PrometheusScraper(stack, "Scraper", workspace=workspace, **settings)
    return problems_of(error)


def test_a_cluster_on_the_aws_auth_config_map_is_refused_with_the_fix() -> None:
    found = scraper_problems(authentication_mode="CONFIG_MAP")
    message = found["Test/Scraper.authentication_mode"]
    assert message.startswith(
        "'CONFIG_MAP' is an authentication mode the managed scraper cannot use from CloudFormation."
    )
    assert "in API or API_AND_CONFIG_MAP mode it also creates the EKS access entry" in message
    assert "CloudFormation cannot edit a ConfigMap" in message
    assert "--access-config authenticationMode=API_AND_CONFIG_MAP" in message
    assert message.endswith("give authentication_mode 'API_AND_CONFIG_MAP'")
    assert list(found) == ["Test/Scraper.authentication_mode"]


def test_a_cluster_without_private_endpoint_access_is_refused_with_the_fix() -> None:
    found = scraper_problems(endpoint_private_access=False)
    assert found == {
        "Test/Scraper.endpoint_private_access": (
            "is false: the cluster's private endpoint access is off; the managed scraper reaches "
            "the API server through the cluster's private endpoint, so Managed Prometheus "
            "requires it (public access may stay on). Turn it on (aws eks update-cluster-config "
            "--name CLUSTER --resources-vpc-config endpointPrivateAccess=true) and set "
            "endpoint_private_access to true"
        )
    }


def test_a_cluster_given_without_the_details_it_needs_is_refused() -> None:
    found = scraper_problems(
        cluster_arn="", subnet_ids=[], authentication_mode=None, endpoint_private_access=None
    )
    assert found["Test/Scraper.cluster_arn"].startswith(
        "is empty; give the cluster's ARN, arn:aws:eks:REGION:ACCOUNT:cluster/NAME"
    )
    assert found["Test/Scraper.authentication_mode"].startswith(
        "is not given; state the cluster's authentication mode (API or API_AND_CONFIG_MAP;"
    )
    assert "synthesis looks nothing up" in found["Test/Scraper.authentication_mode"]
    assert found["Test/Scraper.endpoint_private_access"].startswith(
        "is not given; state whether the cluster's private endpoint access is on"
    )
    assert found["Test/Scraper.subnet_ids"] == (
        "has 0 ids; give 2 to 5: the scraper needs at least two of the cluster's subnets, in at "
        "least two Availability Zones"
    )


@pytest.mark.parametrize(
    ("overrides", "location", "expected"),
    [
        (
            {"subnet_ids": ["subnet-0a1b2c3d"]},
            "subnet_ids",
            "has 1 id; give 2 to 5",
        ),
        (
            {"subnet_ids": ["subnet-0a1b2c3d", "subnet-0a1b2c3d"]},
            "subnet_ids[1]",
            "'subnet-0a1b2c3d' is given twice",
        ),
        (
            {"subnet_ids": ["subnet-0a1b2c3d", "vpc-0a1b2c3d"]},
            "subnet_ids[1]",
            "'vpc-0a1b2c3d' is not an id of this kind; give one such as subnet-0a1b2c3d",
        ),
        (
            {"security_group_ids": ["sg-1", "subnet-2"]},
            "security_group_ids[1]",
            "'subnet-2' is not an id of this kind; give one such as sg-0a1b2c3d",
        ),
        (
            {"authentication_mode": "IAM"},
            "authentication_mode",
            "'IAM' is not an EKS authentication mode; use API, API_AND_CONFIG_MAP, CONFIG_MAP",
        ),
        (
            {"cluster_arn": f"arn:aws:iam::{ACCOUNT}:role/shop"},
            "cluster_arn",
            "expected an EKS cluster",
        ),
        (
            {"cluster_arn": f"arn:aws:eks:us-east-1:{ACCOUNT}:cluster/shop"},
            "cluster_arn",
            "is in the Region us-east-1; the cluster, the scraper and the workspace must be in "
            "one Region, so it must be in this stack's Region, eu-west-1",
        ),
        (
            {"cluster_arn": f"arn:aws:eks:{REGION}:444455556666:cluster/shop"},
            "cluster_arn",
            "is in the account 444455556666; a scraper for a cluster of another account needs",
        ),
        (
            {"alias": "my scraper"},
            "alias",
            "'my scraper' is not a scraper alias; use 1 to 100 letters, digits and - . _",
        ),
        (
            {
                "jobs": [
                    ScrapeJob(job_name="fast", scrape_interval="15s", kubernetes_sd_roles=("pod",))
                ]
            },
            "jobs[0].scrape_interval",
            "15s is shorter than the managed scraper allows",
        ),
        (
            {
                "jobs": [
                    ScrapeJob(
                        job_name="slow",
                        scrape_interval="30s",
                        scrape_timeout="1m",
                        kubernetes_sd_roles=("pod",),
                    )
                ]
            },
            "jobs[0].scrape_timeout",
            "1m is longer than the scrape_interval 30s",
        ),
        (
            {"jobs": [ScrapeJob(job_name="web", static_targets=("web.internal:80",))]},
            "jobs[0].static_targets[0]",
            "the managed scraper takes static targets by IP address only",
        ),
    ],
)
def test_bad_scraper_settings_are_refused(
    overrides: dict[str, Any], location: str, expected: str
) -> None:
    assert expected in scraper_problems(**overrides)[f"Test/Scraper.{location}"]


# -------------------------------------------------------- ADOT on EC2 / on-prem


def parameter_props(built: Built, collector: AdotCollector, stack: Stack | None = None) -> Any:
    stack = stack or built.stack
    template = built.template if stack is built.stack else built.agnostic_template
    node = collector.parameter.node.default_child
    return template["Resources"][stack.get_logical_id(node)]["Properties"]  # type: ignore[arg-type]


def assert_complete_pipeline(config: dict[str, Any], *, endpoint: str, region: str) -> None:
    """The pipeline runs receiver -> processor -> exporter, the exporter signing with SigV4."""
    pipeline = config["service"]["pipelines"]["metrics"]
    assert pipeline == {
        "receivers": ["prometheus"],
        "processors": ["batch/metrics"],
        "exporters": ["prometheusremotewrite"],
    }
    assert set(config["receivers"]) == {"prometheus"}
    assert set(config["processors"]) == {"batch/metrics"}
    exporter = config["exporters"]["prometheusremotewrite"]
    assert exporter == {"endpoint": endpoint, "auth": {"authenticator": "sigv4auth"}}
    assert config["service"]["extensions"] == ["sigv4auth"]
    assert config["extensions"]["sigv4auth"] == {"region": region, "service": "aps"}


def test_collector_configuration_parsed_back_is_a_complete_pipeline(built: Built) -> None:
    props = parameter_props(built, built.collector)
    assert props["Type"] == "String"
    assert props["Tier"] == "Standard"
    workspace_id = built.logical_id(built.workspace.resource)
    text = joined(
        props["Value"]["Fn::Base64"], {get_att(workspace_id, "PrometheusEndpoint"): ENDPOINT}
    )
    config = yaml.safe_load(text)
    assert_complete_pipeline(config, endpoint=ENDPOINT + "api/v1/remote_write", region=REGION)
    (job,) = config["receivers"]["prometheus"]["config"]["scrape_configs"]
    assert job["static_configs"] == [{"targets": ["localhost:9100"]}]
    # The collector expands $ in its configuration: relabel groups are written $$1.
    assert job["relabel_configs"][0]["replacement"] == "$$1"


def test_a_literal_configuration_is_stored_base64_encoded(built: Built) -> None:
    props = parameter_props(built, built.imported_collector)
    config = yaml.safe_load(base64.b64decode(props["Value"]).decode())
    assert_complete_pipeline(
        config,
        endpoint=(
            f"https://aps-workspaces.{REGION}.amazonaws.com/workspaces/"
            "ws-12345678-abcd-1234-abcd-123456789012/api/v1/remote_write"
        ),
        region=REGION,
    )
    assert props["Name"].startswith("/shop/dev/adot-")
    assert props["Name"] == built.imported_collector.parameter_name


def test_an_environment_agnostic_stack_signs_in_its_own_region(built: Built) -> None:
    collector = built.agnostic_collector
    props = parameter_props(built, collector, built.agnostic)
    workspace = built.agnostic.node.find_child("Workspace")
    assert isinstance(workspace, PrometheusWorkspace)
    text = joined(
        props["Value"]["Fn::Base64"],
        {
            get_att(built.agnostic.get_logical_id(workspace.resource), "PrometheusEndpoint"): (
                ENDPOINT
            ),
            ref("AWS::Region"): "ap-southeast-2",
        },
    )
    assert_complete_pipeline(
        yaml.safe_load(text), endpoint=ENDPOINT + "api/v1/remote_write", region="ap-southeast-2"
    )


def test_collector_parameter_name_carries_a_content_hash(built: Built) -> None:
    name = built.collector.parameter_name
    assert name.startswith("AdotCollector-")
    digest = name.rsplit("-", 1)[1]
    assert len(digest) == 10
    assert all(c in "0123456789abcdef" for c in digest)
    assert parameter_props(built, built.collector)["Name"] == name
    # Same jobs, another workspace: another name (the association runs again).
    assert built.imported_collector.parameter_name.rsplit("-", 1)[1] != digest


def test_association_runs_the_document_with_the_parameter_reference(built: Built) -> None:
    collector = built.collector
    resource = built.resource(collector.association)
    props = resource["Properties"]
    assert props["Name"] == {"Ref": built.logical_id(collector.document)}
    assert props["Parameters"] == {
        "version": ["0.43.3"],
        "config": [f"{{{{ssm:{collector.parameter_name}}}}}"],
    }
    assert props["Targets"] == [{"Key": "tag:role", "Values": ["web"]}]
    assert props["AssociationName"] == "shop-dev-adot"
    assert props["ScheduleExpression"] == "rate(7 days)"
    depends = resource["DependsOn"]
    assert built.logical_id(collector.parameter.node.default_child) in depends
    host_policy = built.host_role.node.find_child("DefaultPolicy").node.default_child
    assert built.logical_id(host_policy) in depends


def test_host_role_may_remote_write_to_the_workspaces_only(built: Built) -> None:
    assert statements(built, built.host_role) == [
        {
            "Action": "aps:RemoteWrite",
            "Effect": "Allow",
            "Resource": [
                f"arn:aws:aps:{REGION}:{ACCOUNT}:workspace/ws-12345678-abcd-1234-abcd-123456789012",
                {"Fn::GetAtt": [built.logical_id(built.workspace.resource), "Arn"]},
            ],
        }
    ]


def test_document_installs_the_package_with_ssm_config_then_writes_the_config(
    built: Built,
) -> None:
    document = built.props(built.collector.document)
    assert document["DocumentType"] == "Command"
    install, linux, windows = document["Content"]["mainSteps"]
    assert install == {
        "action": "aws:configurePackage",
        "name": "installCollector",
        "inputs": {
            "name": "AWSDistroOTel-Collector",
            "action": "Install",
            "version": "{{ version }}",
            "additionalArguments": {"SSM_CONFIG": "{{ config }}"},
            "onFailure": "exit",
        },
    }
    assert linux["precondition"] == {"StringEquals": ["platformType", "Linux"]}
    # What the step does is run below (test_the_linux_step_...).
    assert "{{ config }}" in linux["inputs"]["runCommand"]
    assert windows["precondition"] == {"StringEquals": ["platformType", "Windows"]}
    assert "FromBase64String" in "\n".join(windows["inputs"]["runCommand"])


# aws-otel-collector-ctl's start with a local -c as releases before v0.34.0 wrote it
# (tools/ctl/linux/aws-otel-collector-ctl.sh, aoc_config_local_uri: an unconditional cp
# under set -e), its folders beside this script; "running.yaml" stands for what the
# restarted collector reads, and ctl.log records each call.
CTL_STUB = """\
#!/bin/sh
set -eu
CONFDIR="$(dirname "$0")/../etc"
printf '%s\\n' "$*" >> "$CONFDIR/ctl.log"
[ -z "${CTL_EXIT:-}" ] || exit "$CTL_EXIT"
action='' config=''
while getopts "a:c:" opt; do
  case "$opt" in a) action=$OPTARG ;; c) config=$OPTARG ;; *) exit 2 ;; esac
done
[ "$action" = start ]
if [ -n "$config" ]; then
  [ -f "$config" ] || { echo "File $config does not exist"; exit 1; }
  cp "$config" "$CONFDIR/config.yaml"
fi
cp "$CONFDIR/config.yaml" "$CONFDIR/running.yaml"
"""
LINUX_DIR = "/opt/aws/aws-otel-collector"


def _run_linux_step(tmp_path: Path, config: str, *, ctl_exit: str = "") -> tuple[int, str, Path]:
    """Run the document's Linux step as SSM does (sh on a script file), with the
    collector's folder moved under ``tmp_path``; return (status, stderr, that folder)."""
    (step,) = [s for s in document_content()["mainSteps"] if s["name"] == "configureCollectorLinux"]
    lines = step["inputs"]["runCommand"]
    home = tmp_path / "aws-otel-collector"
    assert lines.count(f"dir={LINUX_DIR}") == 1
    script = "\n".join(f"dir={home}" if line == f"dir={LINUX_DIR}" else line for line in lines)
    assert LINUX_DIR not in script  # every path goes through $dir
    script = script.replace("{{ config }}", base64.b64encode(config.encode()).decode())
    (home / "bin").mkdir(parents=True)
    (home / "etc").mkdir()
    (tmp_path / "tmp").mkdir()
    ctl = home / "bin" / "aws-otel-collector-ctl"
    ctl.write_text(CTL_STUB)
    ctl.chmod(0o755)
    installed = home / "etc" / "config.yaml"
    installed.write_text("# the package's own configuration\n")
    installed.chmod(0o640)
    (tmp_path / "_script.sh").write_text(script + "\n")
    result = subprocess.run(
        [str(SH), "_script.sh"],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "TMPDIR": str(tmp_path / "tmp"), "CTL_EXIT": ctl_exit},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.returncode, result.stderr, home


SH = shutil.which("sh")


@pytest.mark.skipif(
    SH is None or shutil.which("base64") is None or shutil.which("mktemp") is None,
    reason="needs a POSIX shell with base64 and mktemp",
)
def test_the_linux_step_hands_the_configuration_to_the_ctl_and_restarts(tmp_path: Path) -> None:
    config = 'receivers: {prometheus: {config: {scrape_configs: [{job_name: "a$$1`x`"}]}}}\n'

    status, stderr, home = _run_linux_step(tmp_path, config)

    assert status == 0, stderr
    assert (home / "etc" / "running.yaml").read_text() == config
    installed = home / "etc" / "config.yaml"
    assert installed.read_text() == config
    assert stat.S_IMODE(installed.stat().st_mode) == 0o640  # copied over, not replaced
    (call,) = (home / "etc" / "ctl.log").read_text().splitlines()
    flag, given, *rest = call.split(" ")
    assert (flag, rest) == ("-c", ["-a", "start"])
    assert Path(given).parent == tmp_path / "tmp"  # a file of its own, not config.yaml
    assert list((tmp_path / "tmp").iterdir()) == []  # and removed afterwards


@pytest.mark.skipif(
    SH is None or shutil.which("base64") is None or shutil.which("mktemp") is None,
    reason="needs a POSIX shell with base64 and mktemp",
)
def test_the_linux_step_fails_when_the_ctl_fails_and_leaves_no_file(tmp_path: Path) -> None:
    status, _, home = _run_linux_step(tmp_path, "receivers: {}\n", ctl_exit="3")

    assert status == 3
    assert not (home / "etc" / "running.yaml").exists()
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_configuration_too_long_for_the_install_arguments_is_refused() -> None:
    stack, workspace = new_workspace()
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    jobs = [
        ScrapeJob(
            job_name=f"service-{i:03d}", static_targets=(f"10.0.{i}.1:9100", f"10.0.{i}.2:9100")
        )
        for i in range(60)
    ]
    with pytest.raises(BlueprintError) as error:
        AdotCollector(
            stack,
            "Collector",
            workspace=workspace,
            host_role=role,
            targets=[AssociationTarget.tag("role", "web")],
            jobs=jobs,
        )
    message = problems_of(error)["Test/Collector.jobs"]
    assert "characters in base64; the package's install arguments hold at most 4,086" in message


@pytest.mark.parametrize(
    ("overrides", "location", "expected"),
    [
        ({"jobs": []}, "jobs", "no scrape job; give at least one job with targets"),
        (
            {
                "jobs": [
                    ScrapeJob(
                        job_name="node",
                        scrape_interval="10s",
                        scrape_timeout="20s",
                        static_targets=("localhost:9100",),
                    )
                ]
            },
            "jobs[0].scrape_timeout",
            "20s is longer than the scrape_interval 10s",
        ),
        (
            {
                "jobs": [
                    ScrapeJob(
                        job_name="node",
                        static_targets=("localhost:9100",),
                        relabel_configs=({"regex": "(a)\\1", "target_label": "b"},),
                    )
                ]
            },
            "jobs[0].relabel_configs[0].regex",
            "'(a)\\\\1' is not a regular expression Prometheus compiles",
        ),
        ({"targets": []}, "targets", "an association needs one target"),
        ({"schedule": "rate(5 minutes)"}, "schedule", "rate(5 minutes)"),
        ({"collector_version": "latest"}, "collector_version", "'latest' is not a collector"),
        ({"parameter_name": "aws-adot"}, "parameter_name", "'aws-adot' is not a parameter name"),
    ],
)
def test_bad_collector_settings_are_refused(
    overrides: dict[str, Any], location: str, expected: str
) -> None:
    stack, workspace = new_workspace()
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    settings: dict[str, Any] = {
        "targets": [AssociationTarget.tag("role", "web")],
        "jobs": NODE_JOBS,
        **overrides,
    }
    with pytest.raises(BlueprintError) as error:
        AdotCollector(stack, "Collector", workspace=workspace, host_role=role, **settings)
    assert expected in problems_of(error)[f"Test/Collector.{location}"]


# ------------------------------------------------------------------ ADOT on EKS


def test_eks_collector_makes_the_adot_addon_and_a_pod_identity_role(built: Built) -> None:
    eks = built.eks
    assert eks.addon is not None
    assert built.props(eks.addon) == {"AddonName": "adot", "ClusterName": "shop"}
    role_id = built.logical_id(eks.role.node.default_child)
    assert eks.pod_identity_association is not None
    assert built.props(eks.pod_identity_association) == {
        "ClusterName": "shop",
        "Namespace": "adot-collector",
        "RoleArn": {"Fn::GetAtt": [role_id, "Arn"]},
        "ServiceAccount": "adot-collector",
    }
    trust = built.props(eks.role.node.default_child)["AssumeRolePolicyDocument"]["Statement"]
    assert trust == [
        {
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {
                "StringEquals": {
                    "aws:SourceAccount": ACCOUNT,
                    "aws:RequestTag/eks-cluster-name": "shop",
                    "aws:RequestTag/kubernetes-namespace": "adot-collector",
                    "aws:RequestTag/kubernetes-service-account": "adot-collector",
                }
            },
            "Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"},
        }
    ]
    assert statements(built, eks.role) == [
        {
            "Action": "aps:RemoteWrite",
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [built.logical_id(built.workspace.resource), "Arn"]},
        }
    ]


def test_irsa_collector_trusts_its_service_account_only(built: Built) -> None:
    irsa = built.irsa
    assert irsa.addon is None
    assert irsa.pod_identity_association is None
    trust = built.props(irsa.role.node.default_child)["AssumeRolePolicyDocument"]["Statement"]
    issuer = f"oidc.eks.{REGION}.amazonaws.com/id/ABCDEF0123456789"
    assert trust == [
        {
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    f"{issuer}:sub": "system:serviceaccount:metrics:collector",
                    f"{issuer}:aud": "sts.amazonaws.com",
                }
            },
            "Effect": "Allow",
            "Principal": {"Federated": OIDC_PROVIDER},
        }
    ]


def test_manifest_deploys_the_collector_with_a_complete_pipeline(built: Built) -> None:
    url = f"https://aps-workspaces.{REGION}.amazonaws.com/workspaces/ws-0000/api/v1/remote_write"
    namespace, account, collector, cluster_role, binding = yaml.safe_load_all(
        built.eks.manifest(remote_write_url=url)
    )
    assert namespace == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "adot-collector"},
    }
    assert account["kind"] == "ServiceAccount"
    assert "annotations" not in account["metadata"]  # Pod Identity
    assert collector["apiVersion"] == "opentelemetry.io/v1alpha1"
    assert collector["kind"] == "OpenTelemetryCollector"
    assert collector["metadata"] == {"name": "adot-collector", "namespace": "adot-collector"}
    assert collector["spec"]["mode"] == "deployment"
    assert collector["spec"]["serviceAccount"] == "adot-collector"
    assert_complete_pipeline(
        yaml.safe_load(collector["spec"]["config"]), endpoint=url, region=REGION
    )
    assert cluster_role["kind"] == "ClusterRole"
    verbs = {v for rule in cluster_role["rules"] for v in rule["verbs"]}
    assert verbs == {"get", "list", "watch"}  # read-only
    assert binding["roleRef"]["name"] == cluster_role["metadata"]["name"]
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "adot-collector", "namespace": "adot-collector"}
    ]


def test_irsa_manifest_annotates_the_service_account(built: Built) -> None:
    url = f"https://aps-workspaces.{REGION}.amazonaws.com/workspaces/ws-0000/api/v1/remote_write"
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/collector"
    docs = list(yaml.safe_load_all(built.irsa.manifest(remote_write_url=url, role_arn=role_arn)))
    account = docs[1]
    assert account["metadata"] == {
        "name": "collector",
        "namespace": "metrics",
        "annotations": {"eks.amazonaws.com/role-arn": role_arn},
    }


def test_manifest_asks_for_what_only_the_deploy_knows(built: Built) -> None:
    with pytest.raises(BlueprintError) as error:
        built.irsa.manifest()
    found = problems_of(error)
    assert found == {
        "Prometheus/IrsaCollector.manifest.remote_write_url": (
            "is known only after the deploy; give the workspace's remote-write URL "
            "(.../workspaces/ws-ID/api/v1/remote_write)"
        ),
        "Prometheus/IrsaCollector.manifest.role_arn": (
            "is known only after the deploy; give the ARN of the collector's role (its IRSA "
            "annotation)"
        ),
    }
    with pytest.raises(BlueprintError, match=r"manifest.remote_write_url: 'http://x' is not an"):
        built.eks.manifest(remote_write_url="http://x")


@pytest.mark.parametrize(
    ("overrides", "location", "expected"),
    [
        ({"cluster_name": "-shop"}, "cluster_name", "'-shop' is not an EKS cluster name"),
        ({"namespace": "Metrics"}, "namespace", "'Metrics' is not a Kubernetes name"),
        ({"addon_version": "0.88"}, "addon_version", "'0.88' is not an add-on version"),
        (
            {"oidc_provider_arn": f"arn:aws:iam::{ACCOUNT}:role/x"},
            "oidc_provider_arn",
            "is not an EKS OIDC provider ARN",
        ),
    ],
)
def test_bad_eks_collector_settings_are_refused(
    overrides: dict[str, Any], location: str, expected: str
) -> None:
    stack, workspace = new_workspace()
    settings: dict[str, Any] = {"cluster_name": "shop", "jobs": POD_JOBS, **overrides}
    with pytest.raises(BlueprintError) as error:
        AdotEksCollector(stack, "Collector", workspace=workspace, **settings)
    assert expected in problems_of(error)[f"Test/Collector.{location}"]
