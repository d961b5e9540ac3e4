"""The Amazon Managed Grafana workspace: its template, its role, and what it refuses."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from observability_blueprint import add_compliance_checks
from observability_blueprint.grafana import GrafanaSaml, GrafanaWorkspace
from observability_blueprint.rules.errors import BlueprintError
from support import assert_compliant, new_app, new_stack, resources

AMP = "arn:aws:aps:eu-west-1:111122223333:workspace/ws-0123abcd-4567"
SAML = GrafanaSaml(
    role_attribute="role",
    admin_role_values=["grafana-admins"],
    editor_role_values=["grafana-editors"],
    idp_metadata_url="https://idp.example.com/saml/metadata",
    email_attribute="mail",
    login_validity_minutes=480,
)

# What AmazonGrafanaCloudWatchAccess and AWSXrayReadOnlyAccess grant that IAM cannot
# scope to a resource (Service Authorization Reference), written out by hand.
UNSCOPED = {
    "cloudwatch:DescribeAlarmsForMetric",
    "cloudwatch:GetMetricData",
    "cloudwatch:GetMetricStatistics",
    "cloudwatch:ListMetrics",
    "ec2:DescribeInstances",
    "ec2:DescribeRegions",
    "ec2:DescribeTags",
    "logs:DescribeLogGroups",
    "logs:StopQuery",
    "oam:ListSinks",
    "tag:GetResources",
    "xray:BatchGetTraceSummaryById",
    "xray:BatchGetTraces",
    "xray:GetDistinctTraceGraphs",
    "xray:GetGroups",
    "xray:GetInsight",
    "xray:GetInsightEvents",
    "xray:GetInsightImpactGraph",
    "xray:GetInsightSummaries",
    "xray:GetServiceGraph",
    "xray:GetTimeSeriesServiceStatistics",
    "xray:GetTraceGraph",
    "xray:GetTraceSummaries",
}


class Built:
    """Three workspaces in one app, synthesized once with the compliance checks."""

    def __init__(self, outdir: Path) -> None:
        app = new_app(outdir)
        self.stack = Stack(app, "Grafana")
        key = kms.Key(self.stack, "TopicKey", enable_key_rotation=True)
        self.topic = sns.Topic(self.stack, "Alerts", master_key=key, enforce_ssl=True)
        self.log_group = logs.LogGroup(self.stack, "Api", log_group_name="/shop/dev/api")
        self.full = GrafanaWorkspace(
            self.stack,
            "Full",
            workspace_name="shop-dev",
            description="Shop dashboards",
            grafana_version="10.4",
            authentication=["AWS_SSO", "SAML"],
            saml=SAML,
            prometheus_workspace_arns=[AMP],
            log_groups=[self.log_group],
            notification_topics=[self.topic],
        )
        self.plain = GrafanaWorkspace(self.stack, "Plain")
        self.traces = GrafanaWorkspace(self.stack, "Traces", data_sources=["XRAY"])
        add_compliance_checks(app)
        self.nag_error: str | None = None
        try:
            app.synth()
        except RuntimeError as error:
            self.nag_error = str(error)
        self.outdir = outdir
        self.template = Template.from_json(
            json.loads((outdir / "Grafana.template.json").read_text())
        )

    def workspace(self, id: str) -> dict[str, Any]:
        found: list[dict[str, Any]] = [
            r["Properties"]
            for logical, r in resources(self.template, "AWS::Grafana::Workspace").items()
            if logical.startswith(id)
        ]
        assert len(found) == 1, found
        return found[0]

    def statements(self, id: str) -> list[dict[str, Any]]:
        [policy] = [
            r["Properties"]["PolicyDocument"]["Statement"]
            for logical, r in resources(self.template, "AWS::IAM::Policy").items()
            if logical.startswith(f"{id}Role")
        ]
        return list(policy)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(tmp_path_factory.mktemp("grafana"))


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def _refused(build: Callable[[], object], message: str) -> None:
    with pytest.raises(BlueprintError, match=f"^{re.escape(message)}$"):
        build()


# ------------------------------------------------------------ what is built


def test_the_workspace_reads_this_account_with_a_role_of_its_own(built: Built) -> None:
    full = built.workspace("Full")
    assert full["AccountAccessType"] == "CURRENT_ACCOUNT"
    assert full["PermissionType"] == "CUSTOMER_MANAGED"
    role, attribute = full["RoleArn"]["Fn::GetAtt"]
    assert role.startswith("FullRole")
    assert attribute == "Arn"
    assert full["AuthenticationProviders"] == ["AWS_SSO", "SAML"]
    assert full["GrafanaVersion"] == "10.4"
    assert full["Name"] == "shop-dev"
    assert full["NotificationDestinations"] == ["SNS"]
    assert "DataSources" not in full  # documented as for internal use only


def test_the_saml_settings_reach_the_template(built: Built) -> None:
    assert built.workspace("Full")["SamlConfiguration"] == {
        "IdpMetadata": {"Url": "https://idp.example.com/saml/metadata"},
        "AssertionAttributes": {"Role": "role", "Email": "mail"},
        "RoleValues": {"Admin": ["grafana-admins"], "Editor": ["grafana-editors"]},
        "LoginValidityDuration": 480,
    }


def test_a_plain_workspace_signs_in_with_identity_center_and_sends_nothing(built: Built) -> None:
    plain = built.workspace("Plain")
    assert plain["AuthenticationProviders"] == ["AWS_SSO"]
    assert "NotificationDestinations" not in plain
    assert "SamlConfiguration" not in plain
    assert "GrafanaVersion" not in plain


def test_the_role_trusts_grafana_for_this_account_only(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "grafana.amazonaws.com"},
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
                        },
                    }
                ]
            }
        },
    )


def test_only_actions_without_resource_level_permissions_get_a_wildcard(built: Built) -> None:
    statements = built.statements("Full")
    [unscoped] = [s for s in statements if s["Resource"] == "*"]
    assert _actions(unscoped) == UNSCOPED
    scoped = {
        action: json.dumps(s["Resource"])
        for s in statements
        if s["Resource"] != "*"
        for action in _actions(s)
    }
    assert ":alarm:*" in scoped["cloudwatch:DescribeAlarms"]
    assert ":insight-rule/*" in scoped["cloudwatch:GetInsightRuleReport"]
    assert ":sink/*" in scoped["oam:ListAttachedLinks"]
    assert ":group/*" in scoped["xray:GetGroup"]


def test_logs_insights_reads_the_given_log_groups_only(built: Built) -> None:
    [query] = [s for s in built.statements("Full") if s.get("Sid") == "QueryLogGroups"]
    assert _actions(query) == {
        "logs:GetLogEvents",
        "logs:GetLogGroupFields",
        "logs:GetQueryResults",
        "logs:StartQuery",
    }
    assert query["Resource"]["Fn::GetAtt"][0].startswith("Api")
    [default] = [s for s in built.statements("Plain") if s.get("Sid") == "QueryLogGroups"]
    assert default["Resource"]["Fn::Join"][1][-1] == ":log-group:*"


def test_prometheus_is_queried_on_the_given_workspace_only(built: Built) -> None:
    [prometheus] = [s for s in built.statements("Full") if s.get("Sid") == "QueryPrometheus"]
    assert _actions(prometheus) == {
        "aps:GetLabels",
        "aps:GetMetricMetadata",
        "aps:GetSeries",
        "aps:QueryMetrics",
    }
    assert prometheus["Resource"] == AMP
    assert not any(s.get("Sid") == "QueryPrometheus" for s in built.statements("Plain"))


def test_alerts_publish_to_the_given_topic_and_use_its_key(built: Built) -> None:
    statements = built.statements("Full")
    [publish] = [s for s in statements if s.get("Sid") == "PublishAlerts"]
    assert publish["Action"] == "sns:Publish"
    assert publish["Resource"]["Ref"].startswith("Alerts")
    [key] = [s for s in statements if "kms:Decrypt" in _actions(s)]
    assert _actions(key) == {"kms:Decrypt", "kms:GenerateDataKey"}
    assert key["Resource"]["Fn::GetAtt"][0].startswith("TopicKey")


def test_an_xray_only_workspace_gets_no_cloudwatch_permissions(built: Built) -> None:
    actions = {a for s in built.statements("Traces") for a in _actions(s)}
    assert {a.split(":")[0] for a in actions} == {"xray"}
    assert built.traces.data_sources == ("XRAY",)


def test_the_attributes_name_the_workspace_and_its_https_address(built: Built) -> None:
    stack = built.stack
    separator, (scheme, endpoint) = stack.resolve(built.full.endpoint)["Fn::Join"]
    assert (separator, scheme) == ("", "https://")
    assert endpoint["Fn::GetAtt"][1] == "Endpoint"
    assert stack.resolve(built.full.workspace_id)["Fn::GetAtt"][1] == "Id"
    assert built.full.data_sources == ("CLOUDWATCH", "XRAY", "PROMETHEUS")


def test_the_workspaces_pass_cdk_nag_and_cfn_lint(built: Built) -> None:
    assert_compliant(built.outdir, nag_error=built.nag_error)


# --------------------------------------------------------------------- refusals


def _workspace(**kwargs: Any) -> Callable[[], object]:
    _, stack = new_stack()
    return lambda: GrafanaWorkspace(stack, "Grafana", **kwargs)


def test_an_authentication_type_that_does_not_exist_is_refused() -> None:
    _refused(
        _workspace(authentication=["AWS_SSO", "OKTA"]),
        "Test/Grafana.authentication[1]: 'OKTA' is not a Grafana authentication type; use "
        "AWS_SSO (IAM Identity Center) or SAML",
    )


def test_a_data_source_that_does_not_exist_is_refused() -> None:
    _refused(
        _workspace(data_sources=["CLOUDWATCH", "ELASTICSEARCH"]),
        "Test/Grafana.data_sources[1]: 'ELASTICSEARCH' is not an Amazon Managed Grafana data "
        "source; the documented ones are AMAZON_OPENSEARCH_SERVICE, ATHENA, CLOUDWATCH, "
        "PROMETHEUS, REDSHIFT, SITEWISE, TIMESTREAM, TWINMAKER, XRAY",
    )


def test_a_documented_data_source_the_role_does_not_cover_is_refused() -> None:
    _refused(
        _workspace(data_sources=["ATHENA"]),
        "Test/Grafana.data_sources[0]: ATHENA is an Amazon Managed Grafana data source the "
        "blueprint does not grant; choose from CLOUDWATCH, PROMETHEUS, XRAY, and add ATHENA's "
        "permissions to the workspace's role yourself",
    )


@pytest.mark.parametrize("version", ["8.4", "8.0"])
def test_a_grafana_version_older_than_9_is_refused(version: str) -> None:
    _refused(
        _workspace(grafana_version=version),
        f"Test/Grafana.grafana_version: Grafana {version} is older than 9, which "
        "service-account tokens need; use 9.4, 10.4, 12.4 or later",
    )


def test_a_version_that_is_not_major_minor_is_refused() -> None:
    _refused(
        _workspace(grafana_version="latest"),
        "Test/Grafana.grafana_version: 'latest' is not a Grafana version; give major.minor, "
        "such as 9.4, 10.4, 12.4 (ListVersions lists a Region's)",
    )


def test_saml_authentication_without_its_settings_is_refused() -> None:
    _refused(
        _workspace(authentication=["SAML"]),
        "Test/Grafana.saml: SAML authentication needs saml=GrafanaSaml(...): the IdP's "
        "metadata, the role attribute and the admin role values",
    )


def test_saml_settings_without_saml_authentication_are_refused() -> None:
    _refused(
        _workspace(saml=SAML),
        "Test/Grafana.saml: given, but authentication does not list SAML; add it or leave saml out",
    )


def test_every_bad_saml_value_is_named() -> None:
    saml = GrafanaSaml(
        role_attribute="r" * 257,
        admin_role_values=[],
        idp_metadata_url="http://idp.example.com/metadata",
        login_validity_minutes=0,
    )
    _refused(
        _workspace(authentication=["SAML"], saml=saml),
        "\n".join(
            [
                "Test/Grafana.saml.idp_metadata_url: 'http://idp.example.com/metadata' is not an "
                "IdP metadata URL; give the https:// address of the identity provider's SAML "
                "metadata (up to 2,048 characters)",
                "Test/Grafana.saml.admin_role_values: empty; give at least one value of the role "
                "attribute that makes a Grafana Admin (SAML users matching no role value are "
                "viewers)",
                f"Test/Grafana.saml.role_attribute: '{'r' * 77}...' is not a SAML assertion "
                "attribute name; give 1 to 256 characters",
                "Test/Grafana.saml.login_validity_minutes: 0 is not a login validity; give a "
                "whole number of minutes above 0",
            ]
        ),
    )


def test_saml_needs_exactly_one_form_of_metadata() -> None:
    both = GrafanaSaml(
        role_attribute="role",
        admin_role_values=["admins"],
        idp_metadata_url="https://idp.example.com/metadata",
        idp_metadata_xml="<EntityDescriptor/>",
    )
    _refused(
        _workspace(authentication=["SAML"], saml=both),
        "Test/Grafana.saml: give the identity provider's metadata as idp_metadata_url or "
        "idp_metadata_xml (one of them)",
    )


def test_prometheus_without_a_workspace_is_refused() -> None:
    _refused(
        _workspace(data_sources=["PROMETHEUS"]),
        "Test/Grafana.prometheus_workspace_arns: empty; the PROMETHEUS data source reads the "
        "Amazon Managed Service for Prometheus workspaces given here (their ARNs), and no other",
    )


def test_a_prometheus_workspace_arn_of_another_kind_is_refused() -> None:
    with pytest.raises(BlueprintError) as raised:
        _workspace(prometheus_workspace_arns=["arn:aws:sns:eu-west-1:111122223333:alerts"])()
    assert str(raised.value).startswith(
        "Test/Grafana.prometheus_workspace_arns[0]: 'arn:aws:sns:eu-west-1:111122223333:alerts'"
    )
    assert "expected an Amazon Managed Service for Prometheus workspace" in str(raised.value)


def test_a_workspace_name_with_spaces_is_refused() -> None:
    _refused(
        _workspace(workspace_name="shop dev"),
        "Test/Grafana.workspace_name: 'shop dev' is not a workspace name; use 1 to 255 "
        "letters, digits and . _ ~ -",
    )
