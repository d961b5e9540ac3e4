"""Cross-account observability: OAM sink and links, organization rules, the file section."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import botocore
import pytest
from aws_cdk import Environment, Stack
from aws_cdk.assertions import Template
from pydantic import ValidationError

from observability_blueprint.config.blueprint import problems_from
from observability_blueprint.config.crossaccount import (
    CrossAccount,
    LinkSettings,
    SinkSettings,
    crossaccount_problems,
    plan_for,
)
from observability_blueprint.crossaccount import (
    MonitoringSink,
    OrganizationCentralizationRule,
    OrganizationTelemetryRule,
    SourceLink,
)
from observability_blueprint.rules import crossaccount as rules
from observability_blueprint.rules.errors import BlueprintError
from support import cfn_lint_findings, new_app, properties

MONITORING = "111122223333"
SOURCE = "444455556666"
OTHER = "777788889999"
ORG = "o-a1b2c3d4e5"
OU = "ou-ab12-11111111"
SINK_ARN = "arn:aws:oam:eu-west-1:111122223333:sink/a1b2c3d4-5678-90ab-cdef-111122223333"
SHARED = ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup", "AWS::XRay::Trace"]
BOTOCORE = Path(botocore.__file__).parent / "data"


def _model(service: str) -> dict[str, Any]:
    [path] = (BOTOCORE / service).glob("*/service-2.json.gz")
    with gzip.open(path) as handle:
        shapes: dict[str, Any] = json.load(handle)["shapes"]
    return shapes


def _env(account: str) -> Environment:
    return Environment(account=account, region="eu-west-1")


class Built:
    """One app with every construct, synthesized once."""

    def __init__(self, outdir: Path) -> None:
        app = new_app(outdir)
        self.monitoring = Stack(app, "Monitoring", env=_env(MONITORING))
        self.sink = MonitoringSink(
            self.monitoring,
            "Sink",
            sink_name="shop-observability",
            resource_types=SHARED,
            accounts=[SOURCE, OTHER],
            organization_id=ORG,
        )
        self.telemetry = OrganizationTelemetryRule(
            self.monitoring,
            "FlowLogs",
            rule_name="vpc-flow-logs",
            resource_type="AWS::EC2::VPC",
            telemetry_type="Logs",
            telemetry_source_types=["VPC_FLOW_LOGS"],
            retention_days=30,
            traffic_type="REJECT",
            max_aggregation_interval=60,
            all_regions=True,
        )
        self.central = OrganizationCentralizationRule(
            self.monitoring,
            "Central",
            rule_name="copy-lambda-logs",
            source_regions=["eu-west-1", "us-east-1"],
            destination_region="eu-west-1",
            destination_account=MONITORING,
            log_group_filter="LogGroupName LIKE '/aws/lambda/%'",
            log_group_name_pattern="${source.accountId}/${source.logGroup}",
            kms_key_arn="arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            backup_region="eu-central-1",
        )
        self.units = Stack(app, "Units", env=Environment(account=OTHER, region="eu-west-1"))
        MonitoringSink(
            self.units,
            "Sink",
            sink_name="by-ou",
            resource_types=["AWS::CloudWatch::Metric"],
            organization_id=ORG,
            organizational_units=[OU, "ou-ab12-22222222"],
        )
        self.source = Stack(app, "Source", env=_env(SOURCE))
        SourceLink(
            self.source,
            "Link",
            sink_arn=SINK_ARN,
            resource_types=SHARED,
            label_template="shop $AccountName",
            log_group_filter="LogGroupName NOT IN ('secret', 'audit')",
            metric_filter="Namespace NOT LIKE 'AWS/%' OR Namespace = 'AWS/Lambda'",
        )
        self.plain = Stack(app, "Plain", env=_env(OTHER))
        SourceLink(self.plain, "Link", sink_arn=SINK_ARN, resource_types=["AWS::XRay::Trace"])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(tmp_path_factory.mktemp("crossaccount"))


def _template(stack: Stack) -> Template:
    return Template.from_stack(stack)


# ------------------------------------------------------------------ sink


def test_the_sink_policy_names_accounts_and_the_organization_and_shares_only_what_is_listed(
    built: Built,
) -> None:
    [sink] = properties(_template(built.monitoring), "AWS::Oam::Sink")
    shared = {"ForAllValues:StringEquals": {"oam:ResourceTypes": SHARED}}
    assert sink == {
        "Name": "shop-observability",
        "Policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "SourceAccounts",
                    "Effect": "Allow",
                    "Action": ["oam:CreateLink", "oam:UpdateLink"],
                    "Resource": "*",
                    "Principal": {"AWS": [SOURCE, OTHER]},
                    "Condition": shared,
                },
                {
                    "Sid": "Organization",
                    "Effect": "Allow",
                    "Action": ["oam:CreateLink", "oam:UpdateLink"],
                    "Resource": "*",
                    "Principal": "*",
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG}, **shared},
                },
            ],
        },
    }


def test_organizational_units_are_matched_by_their_path_at_any_depth(built: Built) -> None:
    [sink] = properties(_template(built.units), "AWS::Oam::Sink")
    assert sink["Policy"]["Statement"] == [
        {
            "Sid": "OrganizationalUnits",
            "Effect": "Allow",
            "Action": ["oam:CreateLink", "oam:UpdateLink"],
            "Resource": "*",
            "Principal": "*",
            "Condition": {
                "ForAnyValue:StringLike": {
                    "aws:PrincipalOrgPaths": [
                        "o-a1b2c3d4e5/*/ou-ab12-11111111/*",
                        "o-a1b2c3d4e5/*/ou-ab12-22222222/*",
                    ]
                },
                "ForAllValues:StringEquals": {"oam:ResourceTypes": ["AWS::CloudWatch::Metric"]},
            },
        }
    ]


def test_the_sink_arn_is_an_output_for_the_source_accounts(built: Built) -> None:
    outputs = _template(built.monitoring).to_json()["Outputs"]
    [output] = [v for k, v in outputs.items() if k.startswith("SinkSinkArn")]
    [sink] = _template(built.monitoring).find_resources("AWS::Oam::Sink")
    assert output["Value"] == {"Fn::GetAtt": [sink, "Arn"]}


def test_a_root_id_pins_the_ou_under_the_root() -> None:
    assert rules.organization_path(ORG, OU, "r-ab12") == "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"


def _refused(build: Any) -> str:
    app = new_app()
    stack = Stack(app, "S", env=_env(MONITORING))
    with pytest.raises(BlueprintError) as caught:
        build(stack)
    return str(caught.value)


def test_a_monitoring_account_listing_itself_as_a_source_is_refused() -> None:
    message = _refused(
        lambda s: MonitoringSink(
            s, "Sink", sink_name="obs", resource_types=SHARED, accounts=[SOURCE, MONITORING]
        )
    )
    assert message == (
        "S/Sink.accounts[1]: 111122223333 is the monitoring account itself; a monitoring "
        "account sees its own data without a link (and OAM refuses a link to its own sink): "
        "list only source accounts"
    )


def test_ids_in_the_wrong_format_are_refused_with_the_form_allowed() -> None:
    message = _refused(
        lambda s: MonitoringSink(
            s,
            "Sink",
            sink_name="obs sink",
            resource_types=["AWS::CloudWatch::Metrics"],
            accounts=["12345"],
            organization_id="o-ABC",
            organizational_units=["ou-1"],
        )
    )
    assert message.splitlines() == [
        "S/Sink.sink_name: 'obs sink' cannot name a sink; use 1 to 255 letters, digits, '_', "
        "'.' or '-'",
        "S/Sink.resource_types: 'AWS::CloudWatch::Metrics' is not a resource type a link shares "
        "(did you mean AWS::CloudWatch::Metric?); use " + ", ".join(rules.RESOURCE_TYPES),
        "S/Sink.accounts[0]: '12345' is not an AWS account id; use its 12 digits, quoted (for "
        "example '111122223333')",
        "S/Sink.organization_id: 'o-ABC' is not an organization id; use o- and 10 to 32 "
        "lower-case letters or digits (for example o-a1b2c3d4e5)",
        "S/Sink.organizational_units[0]: 'ou-1' is not an organizational unit id; use ou-, 4 to "
        "32 lower-case letters or digits (the root's), -, and 8 to 32 more (for example "
        "ou-ab12-11111111)",
    ]


def test_ous_without_the_organization_and_no_sources_at_all_are_refused() -> None:
    message = _refused(
        lambda s: MonitoringSink(
            s, "Sink", sink_name="obs", resource_types=SHARED, organizational_units=[OU]
        )
    )
    assert message == (
        "S/Sink.organizational_units: OUs are matched by their path in the organization: set "
        "organization_id too"
    )
    message = _refused(lambda s: MonitoringSink(s, "Sink", sink_name="obs", resource_types=SHARED))
    assert message == (
        "S/Sink: name the sources: accounts, organization_id, or organizational_units"
    )


def test_a_second_sink_in_the_same_account_and_region_is_refused() -> None:
    def build(stack: Stack) -> None:
        MonitoringSink(stack, "One", sink_name="a", resource_types=SHARED, accounts=[SOURCE])
        MonitoringSink(stack, "Two", sink_name="b", resource_types=SHARED, accounts=[SOURCE])

    message = _refused(build)
    assert message.startswith("S/Two: An OAM sink is one per account and Region; S/One already")


# ------------------------------------------------------------------ links


def test_a_link_names_the_sink_the_types_the_label_and_the_filters(built: Built) -> None:
    [link] = properties(_template(built.source), "AWS::Oam::Link")
    assert link == {
        "SinkIdentifier": SINK_ARN,
        "ResourceTypes": SHARED,
        "LabelTemplate": "shop $AccountName",
        "LinkConfiguration": {
            "LogGroupConfiguration": {"Filter": "LogGroupName NOT IN ('secret', 'audit')"},
            "MetricConfiguration": {
                "Filter": "Namespace NOT LIKE 'AWS/%' OR Namespace = 'AWS/Lambda'"
            },
        },
    }
    [plain] = properties(_template(built.plain), "AWS::Oam::Link")
    assert plain == {
        "SinkIdentifier": SINK_ARN,
        "ResourceTypes": ["AWS::XRay::Trace"],
        "LabelTemplate": "$AccountName",
    }


def test_a_link_to_its_own_account_or_another_region_is_refused() -> None:
    message = _refused(lambda s: SourceLink(s, "Link", sink_arn=SINK_ARN, resource_types=SHARED))
    assert message == (
        "S/Link.sink_arn: the sink is in this link's own account 111122223333; a monitoring "
        "account sees its own data without a link: link only source accounts"
    )
    other = SINK_ARN.replace("111122223333:sink", "444455556666:sink").replace(
        "eu-west-1", "us-east-1"
    )
    assert _refused(lambda s: SourceLink(s, "Link", sink_arn=other, resource_types=SHARED)) == (
        "S/Link.sink_arn: the sink is in us-east-1 and this link in eu-west-1; links are per "
        "Region: use the sink of eu-west-1"
    )


def test_bad_link_settings_are_refused_naming_the_value_and_what_is_allowed() -> None:
    message = _refused(
        lambda s: SourceLink(
            s,
            "Link",
            sink_arn="arn:aws:logs:eu-west-1:444455556666:destination:x",
            resource_types=["AWS::XRay::Trace"],
            label_template="$AccountId",
            log_group_filter="LogGroupName LIKE '%lambda%'",
            metric_filter="namespace = 'AWS/EC2'",
        )
    )
    assert message.splitlines() == [
        "S/Link.sink_arn: 'arn:aws:logs:eu-west-1:444455556666:destination:x' is not the ARN of "
        "an OAM sink; use the SinkArn output of the monitoring account's stack, "
        "arn:aws:oam:REGION:ACCOUNT:sink/ID (for example "
        "arn:aws:oam:eu-west-1:111122223333:sink/a1b2c3d4-5678-90ab-cdef-111122223333)",
        "S/Link.label_template: '$AccountId' uses '$AccountId', which is not a label variable; "
        "use $AccountName, $AccountEmail, $AccountEmailNoDomain or custom text",
        "S/Link.log_group_filter: \"LogGroupName LIKE '%lambda%'\": LIKE '%lambda%' is not a "
        "prefix search; LIKE takes a prefix ending in %, with no other %; write conditions such "
        "as LogGroupName LIKE '/aws/lambda/%' OR LogGroupName IN ('app', 'web')",
        "S/Link.log_group_filter: filters what AWS::Logs::LogGroup shares, which this link does "
        "not share: add AWS::Logs::LogGroup or drop the filter",
        "S/Link.metric_filter: \"namespace = 'AWS/EC2'\": a condition starts with 'namespace'; "
        "this filter's conditions start with Namespace (case-sensitive); write conditions such "
        "as Namespace NOT LIKE 'AWS/%' OR Namespace = 'AWS/EC2'",
        "S/Link.metric_filter: filters what AWS::CloudWatch::Metric shares, which this link "
        "does not share: add AWS::CloudWatch::Metric or drop the filter",
    ]


@pytest.mark.parametrize(
    "text",
    [
        # The API reference's own examples (LogGroupConfiguration, MetricConfiguration).
        "LogGroupName IN ('This-Log-Group', 'Other-Log-Group')",
        "LogGroupName NOT IN ('Private-Log-Group', 'Private-Log-Group-2')",
        "LogGroupName LIKE 'aws/lambda/%' OR LogGroupName LIKE 'AWSLogs%'",
    ],
)
def test_the_documented_log_group_filters_pass(text: str) -> None:
    assert rules.check_link_filter(text, "LogGroupName") is None


@pytest.mark.parametrize(
    "text",
    [
        "Namespace NOT LIKE 'AWS/%'",
        "Namespace IN ('AWS/EC2', 'AWS/ELB', 'AWS/S3')",
        "Namespace = 'AWS/EC2' OR Namespace NOT LIKE 'AWS/%'",
    ],
)
def test_the_documented_metric_filters_pass(text: str) -> None:
    assert rules.check_link_filter(text, "Namespace") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*", "'*' only deletes a filter on update; leave the filter out to share everything"),
        (
            " OR ".join(["Namespace = 'a'"] * 7),
            "joins conditions with 6 AND/OR; a link filter takes at most 5 (use IN (...) for "
            "many names)",
        ),
        ("Namespace = AWS/EC2", "a name in single quotes should follow"),
        ("Namespace = 'AWS/EC2", '"\'" is not part of a filter (a quote never closed?)'),
        ("Namespace IN ('a', 'b'", "IN's list is never closed with ')'"),
        ("Namespace = 'a' Namespace = 'b'", "'Namespace' follows a complete condition"),
        ("x" * 2001, "the filter is 2001 characters; a link filter has 1 to 2000"),
    ],
)
def test_bad_metric_filters_are_refused(text: str, expected: str) -> None:
    message = rules.check_link_filter(text, "Namespace")
    assert message is not None
    assert expected in message


# --------------------------------------------------------- organization rules


def test_the_telemetry_rule_turns_on_flow_logs_everywhere(built: Built) -> None:
    [rule] = properties(
        _template(built.monitoring), "AWS::ObservabilityAdmin::OrganizationTelemetryRule"
    )
    assert rule == {
        "RuleName": "vpc-flow-logs",
        "Rule": {
            "ResourceType": "AWS::EC2::VPC",
            "TelemetryType": "Logs",
            "TelemetrySourceTypes": ["VPC_FLOW_LOGS"],
            "AllRegions": True,
            "DestinationConfiguration": {
                "DestinationType": "cloud-watch-logs",
                "RetentionInDays": 30,
                "VPCFlowLogParameters": {"TrafficType": "REJECT", "MaxAggregationInterval": 60},
            },
        },
    }


def test_bad_telemetry_rules_are_refused() -> None:
    message = _refused(
        lambda s: OrganizationTelemetryRule(
            s,
            "Rule",
            rule_name="eks_logs",
            resource_type="AWS::EKS::Cluster",
            telemetry_type="Traces",
            telemetry_source_types=["EKS_AUDIT"],
            retention_days=4000,
            traffic_type="ALL",
            regions=["eu-west-1"],
            all_regions=True,
        )
    )
    assert message.splitlines() == [
        "S/Rule.rule_name: 'eks_logs' cannot name a rule; use 1 to 100 letters, digits or '-'",
        "S/Rule.telemetry_type: 'Traces' is not a telemetry type of organization telemetry "
        "rules; use Logs, Metrics",
        "S/Rule.retention_days: 4000 days is out of range; retention takes 1 to 3,653 days",
        "S/Rule.telemetry_source_types[0]: 'EKS_AUDIT' is not a telemetry source type (did you "
        "mean EKS_AUDIT_LOGS?); use " + ", ".join(rules.TELEMETRY_SOURCE_TYPES),
        "S/Rule: flow log settings apply to AWS::EC2::VPC rules, not AWS::EKS::Cluster; drop "
        "traffic_type, max_aggregation_interval and log_format",
        "S/Rule.regions: regions and all_regions exclude each other; keep one",
    ]


def test_the_centralization_rule_copies_selected_log_groups_into_the_monitoring_account(
    built: Built,
) -> None:
    [rule] = properties(
        _template(built.monitoring), "AWS::ObservabilityAdmin::OrganizationCentralizationRule"
    )
    assert rule == {
        "RuleName": "copy-lambda-logs",
        "Rule": {
            "Source": {
                "Regions": ["eu-west-1", "us-east-1"],
                "SourceLogsConfiguration": {
                    "EncryptedLogGroupStrategy": "SKIP",
                    "LogGroupSelectionCriteria": "LogGroupName LIKE '/aws/lambda/%'",
                },
            },
            "Destination": {
                "Region": "eu-west-1",
                "Account": MONITORING,
                "DestinationLogsConfiguration": {
                    "LogGroupNameConfiguration": {
                        "LogGroupNamePattern": "${source.accountId}/${source.logGroup}"
                    },
                    "LogsEncryptionConfiguration": {
                        "EncryptionStrategy": "CUSTOMER_MANAGED",
                        "KmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/"
                        "1234abcd-12ab-34cd-56ef-1234567890ab",
                    },
                    "BackupConfiguration": {"Region": "eu-central-1"},
                },
            },
        },
    }


def test_bad_centralization_rules_are_refused() -> None:
    message = _refused(
        lambda s: OrganizationCentralizationRule(
            s,
            "Central",
            rule_name="copy",
            source_regions=["eu-west-9"],
            destination_region="eu-west-1",
            destination_account="1111",
            encrypted_log_groups="DENY",
            kms_key_arn="arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            backup_region="eu-west-1",
        )
    )
    lines = message.splitlines()
    assert lines[0] == (
        "S/Central.destination_account: '1111' is not an AWS account id; use its 12 digits, "
        "quoted (for example '111122223333')"
    )
    assert lines[1] == (
        "S/Central.encrypted_log_groups: 'DENY' is not a strategy for encrypted log groups; use "
        "ALLOW, SKIP"
    )
    assert lines[2].startswith("S/Central.source_regions[0]: 'eu-west-9' is not an AWS Region")
    assert lines[3:] == [
        "S/Central.kms_key_arn: the key is in Region us-east-1, the copies in eu-west-1; use a "
        "key of the destination Region",
        "S/Central.backup_region: eu-west-1 is the destination Region; a backup goes to another "
        "Region",
    ]


# ----------------------------------------------------------------- the enums


def test_resource_types_are_botocores() -> None:
    assert tuple(_model("oam")["ResourceType"]["enum"]) == rules.RESOURCE_TYPES


def test_id_patterns_are_the_organizations_apis() -> None:
    shapes = _model("organizations")
    for shape, pattern in (
        ("AccountId", rules.ACCOUNT_ID_RE),
        ("OrganizationId", rules.ORGANIZATION_ID_RE),
        ("OrganizationalUnitId", rules.OU_ID_RE),
        ("RootId", rules.ROOT_ID_RE),
    ):
        assert shapes[shape]["pattern"] == f"^{pattern.pattern}$".replace("\\d", "\\d")


def test_telemetry_enums_are_within_the_apis() -> None:
    shapes = _model("observabilityadmin")
    assert set(rules.TELEMETRY_RESOURCE_TYPES) <= set(shapes["ResourceType"]["enum"])
    assert set(rules.TELEMETRY_TYPES) <= set(shapes["TelemetryType"]["enum"])
    assert tuple(shapes["TelemetrySourceType"]["enum"]) == rules.TELEMETRY_SOURCE_TYPES


# ----------------------------------------------------------------- the file


SECTION: dict[str, Any] = {
    "monitoring_account": MONITORING,
    "sources": {"accounts": [SOURCE], "organization_id": ORG},
    "share": ["metrics", "logs", "traces", "application_signals"],
    "filters": {"metrics": "Namespace NOT LIKE 'AWS/%'"},
    "sink_arns": {"eu-west-1": SINK_ARN},
    "organization_telemetry": [
        {
            "name": "vpc-flow-logs",
            "resource_type": "AWS::EC2::VPC",
            "source_types": ["VPC_FLOW_LOGS"],
            "retention_days": 30,
        }
    ],
    "centralization": {
        "name": "copy-logs",
        "source_regions": ["eu-west-1"],
        "destination_region": "eu-west-1",
    },
}


def load(data: dict[str, Any]) -> CrossAccount:
    try:
        return CrossAccount.model_validate(data)
    except ValidationError as error:
        raise BlueprintError(problems_from(error)) from None


def problems(data: dict[str, Any]) -> list[str]:
    return [str(p) for p in crossaccount_problems(load(data))]


def test_a_full_section_has_no_problems() -> None:
    assert problems(SECTION) == []


def test_the_file_refuses_the_monitoring_account_as_a_source_and_a_foreign_sink() -> None:
    data = {
        **SECTION,
        "sources": {"accounts": [SOURCE, MONITORING]},
        "sink_arns": {"eu-west-1": SINK_ARN.replace("111122223333", OTHER)},
        "filters": {"log_groups": "LogGroupName = 'a'"},
        "share": ["metrics"],
    }
    assert problems(data) == [
        "cross_account.sources.accounts[1]: 111122223333 is the monitoring account itself; a "
        "monitoring account sees its own data without a link (and OAM refuses a link to its own "
        "sink): list only source accounts",
        "cross_account.filters.log_groups: filters logs, which share does not list: add logs or "
        "drop it",
        "cross_account.sink_arns.eu-west-1: the ARN names a sink in account 777788889999, not "
        "the monitoring account 111122223333",
    ]


def test_the_file_refuses_ids_in_the_wrong_format_and_unknown_shares() -> None:
    data = {
        **SECTION,
        "monitoring_account": "1111-2222-3333",
        "sources": {"organization_id": "org-1", "organizational_units": ["ou-AB12-1"]},
        "share": ["metric", "logs"],
    }
    with pytest.raises(BlueprintError) as caught:
        load(data)
    text = str(caught.value)
    for expected in (
        "monitoring_account: '1111-2222-3333' is not an AWS account id",
        "sources.organization_id: 'org-1' is not an organization id; use o- and 10 to 32",
        "sources.organizational_units[0]: 'ou-AB12-1' is not an organizational unit id",
        "share: 'metric' is not something a link shares (did you mean metrics?); use metrics, "
        "logs, traces, application_insights, internet_monitor, application_signals",
    ):
        assert expected in text, text


def test_the_monitoring_account_gets_the_sink_and_the_rules() -> None:
    section = load(SECTION)
    plan = plan_for(section, account=MONITORING, region="eu-west-1")
    assert plan.sink == SinkSettings(
        sink_name="observability",
        resource_types=(
            "AWS::CloudWatch::Metric",
            "AWS::Logs::LogGroup",
            "AWS::XRay::Trace",
            "AWS::ApplicationSignals::Service",
            "AWS::ApplicationSignals::ServiceLevelObjective",
        ),
        accounts=(SOURCE,),
        organization_id=ORG,
    )
    assert plan.link is None
    assert [r.name for r in plan.telemetry_rules] == ["vpc-flow-logs"]
    assert plan.centralization is not None


def test_a_source_gets_a_link_where_its_regions_sink_is_known() -> None:
    section = load(SECTION)
    plan = plan_for(section, account=SOURCE, region="eu-west-1")
    assert plan.sink is None
    assert plan.link == LinkSettings(
        sink_arn=SINK_ARN,
        resource_types=(
            "AWS::CloudWatch::Metric",
            "AWS::Logs::LogGroup",
            "AWS::XRay::Trace",
            "AWS::ApplicationSignals::Service",
            "AWS::ApplicationSignals::ServiceLevelObjective",
        ),
        label_template="$AccountName",
        metric_filter="Namespace NOT LIKE 'AWS/%'",
    )
    assert plan.telemetry_rules == ()
    elsewhere = plan_for(section, account=SOURCE, region="us-east-1")
    assert elsewhere.link is None
    assert elsewhere.notes == (
        "no link in 444455556666 us-east-1 yet: deploy the monitoring account 111122223333 in "
        "us-east-1, then set cross_account.sink_arns.us-east-1 to its SinkArn output",
    )


def test_an_account_that_is_no_source_gets_nothing() -> None:
    section = load({**SECTION, "sources": {"accounts": [SOURCE]}})
    assert (
        plan_for(section, account=OTHER, region="eu-west-1")
        == type(plan_for(section, account=OTHER, region="eu-west-1"))()
    )


def test_the_templates_pass_cfn_lint(built: Built) -> None:
    for stack in (built.monitoring, built.units, built.source, built.plain):
        assert cfn_lint_findings(_template(stack).to_json()) == []
