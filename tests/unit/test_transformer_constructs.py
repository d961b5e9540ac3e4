"""LogTransformer, FieldIndexes and AccountFieldIndexPolicy, through the construct API.

One stack holds the valid variants and is synthesized once for the module; each
bad input gets its own small stack.
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Environment, Stack
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Match, Template

from observability_blueprint import BlueprintError, ManagedLogGroup
from observability_blueprint.logs.field_indexes import AccountFieldIndexPolicy, FieldIndexes
from observability_blueprint.logs.transformer import LogTransformer
from observability_blueprint.rules.transformers import (
    Grok,
    LowerCaseString,
    ParseJSON,
    TypeConversion,
    TypeConverter,
)
from support import new_stack, resources

EU = Environment(account="111122223333", region="eu-west-1")


@pytest.fixture(scope="module")
def template() -> Template:
    _, stack = new_stack()
    access = ManagedLogGroup(stack, "Access", log_group_name="/shop/dev/access")
    LogTransformer(stack, "AccessParser", log_group=access, log_format="nginx_combined")
    FieldIndexes(
        stack, "AccessIndexes", log_group=access, fields=["request"], facets=["status_code"]
    )
    api = logs.LogGroup(stack, "Api", log_group_name="/shop/dev/api")
    FieldIndexes(stack, "ApiIndexes", log_group=api)
    imported = logs.LogGroup.from_log_group_name(stack, "Legacy", "/legacy/app")
    LogTransformer(
        stack,
        "LegacyParser",
        log_group=imported,
        processors=[
            Grok(match="%{LOGLEVEL:level} %{NUMBER:latency_ms} %{GREEDYDATA:message}"),
            LowerCaseString(with_keys=["level"]),
            TypeConverter(entries=[TypeConversion(key="latency_ms", type="double")]),
        ],
        log_class="STANDARD",
    )
    AccountFieldIndexPolicy(stack, "AccountIndexes", fields=["requestId", "traceId"])
    return Template.from_stack(stack)


def _logical_id(template: Template, resource_type: str, **properties: Any) -> str:
    found = template.find_resources(resource_type, {"Properties": properties})
    assert len(found) == 1
    return next(iter(found))


def test_a_shipped_parser_on_a_managed_log_group(template: Template) -> None:
    log_group = _logical_id(template, "AWS::Logs::LogGroup", LogGroupName="/shop/dev/access")
    template.has_resource_properties(
        "AWS::Logs::Transformer",
        {
            "LogGroupIdentifier": {"Ref": log_group},
            "TransformerConfig": [{"Grok": {"Match": "%{NGINX_ACCESS_LOG}"}}],
        },
    )


def test_own_processors_on_an_imported_log_group(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Logs::Transformer",
        {
            "LogGroupIdentifier": "/legacy/app",
            "TransformerConfig": [
                {"Grok": {"Match": "%{LOGLEVEL:level} %{NUMBER:latency_ms} %{GREEDYDATA:message}"}},
                {"LowerCaseString": {"WithKeys": ["level"]}},
                {"TypeConverter": {"Entries": [{"Key": "latency_ms", "Type": "double"}]}},
            ],
        },
    )
    assert len(resources(template, "AWS::Logs::Transformer")) == 2


def test_field_indexes_go_on_the_log_group_resource(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Logs::LogGroup",
        {
            "LogGroupName": "/shop/dev/access",
            "FieldIndexPolicies": [
                {"Fields": ["request"], "FieldsV2": {"status_code": {"type": "FACET"}}}
            ],
        },
    )
    template.has_resource_properties(
        "AWS::Logs::LogGroup",
        {
            "LogGroupName": "/shop/dev/api",
            "FieldIndexPolicies": [{"Fields": ["request_id", "xray_trace_id", "service"]}],
        },
    )


def test_the_account_field_index_policy(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Logs::AccountPolicy",
        {
            "PolicyName": "observability-blueprint-field-indexes",
            "PolicyType": "FIELD_INDEX_POLICY",
            "PolicyDocument": '{"Fields":["requestId","traceId"]}',
            "Scope": Match.absent(),
        },
    )


# -- bad input ---------------------------------------------------------------------


def test_a_transformer_with_more_processors_than_allowed() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Group")
    with pytest.raises(BlueprintError) as raised:
        LogTransformer(
            stack,
            "Parser",
            log_group=group,
            processors=[ParseJSON(), *[LowerCaseString(with_keys=["level"])] * 20],
        )
    assert str(raised.value) == (
        "Test/Parser.processors: 21 processors; a transformer takes 1 to 20, applied in order"
    )


def test_a_transformer_on_an_infrequent_access_log_group() -> None:
    _, stack = new_stack()
    archive = ManagedLogGroup(stack, "Archive", log_class="INFREQUENT_ACCESS")
    expected = (
        "a log group of class INFREQUENT_ACCESS cannot have a transformer (only STANDARD log "
        "groups can); set log_class: STANDARD or remove it. The class cannot be changed after "
        "the log group is created"
    )
    with pytest.raises(BlueprintError) as raised:
        LogTransformer(stack, "Parser", log_group=archive, log_format="json")
    assert str(raised.value) == f"Test/Parser.log_class: {expected}"
    imported = logs.LogGroup.from_log_group_name(stack, "Imported", "/old/archive")
    with pytest.raises(BlueprintError) as raised:
        LogTransformer(
            stack,
            "ImportedParser",
            log_group=imported,
            log_format="json",
            log_class="INFREQUENT_ACCESS",
        )
    assert str(raised.value) == f"Test/ImportedParser.log_class: {expected}"


def test_a_parser_that_is_not_first_and_a_grok_cloudwatch_logs_lacks() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Group")
    with pytest.raises(BlueprintError) as raised:
        LogTransformer(
            stack,
            "Parser",
            log_group=group,
            processors=[LowerCaseString(with_keys=["level"]), Grok(match="%{APACHE_LOG}")],
        )
    assert str(raised.value).splitlines() == [
        "Test/Parser.processors[0]: lowerCaseString comes first; the first processor of a "
        "transformer must be a parser (parseJSON, parseKeyValue, csv, grok, parseToOCSF or a "
        "parser for AWS vended logs): put the parser first",
        "Test/Parser.processors[1].match: %{APACHE_LOG} is not a grok pattern CloudWatch Logs "
        "supports (custom patterns are not allowed); did you mean %{APACHE_ACCESS_LOG}?",
    ]


def test_processors_or_a_log_format() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Group")
    with pytest.raises(BlueprintError) as raised:
        LogTransformer(stack, "Neither", log_group=group)
    assert str(raised.value) == (
        "Test/Neither.processors: give the processors or a log_format (one of json, key_value, "
        "apache_common, apache_combined, nginx_combined, syslog_rfc3164, syslog_rfc5424), not "
        "neither"
    )
    with pytest.raises(BlueprintError) as raised:
        LogTransformer(stack, "Unknown", log_group=group, log_format="iis")  # type: ignore[arg-type]
    assert str(raised.value) == (
        "Test/Unknown.log_format: 'iis' is not a format the blueprint ships a parser for; use one "
        "of json, key_value, apache_common, apache_combined, nginx_combined, syslog_rfc3164, "
        "syslog_rfc5424, or give the processors"
    )


def test_a_second_transformer_on_one_log_group() -> None:
    _, stack = new_stack()
    group = ManagedLogGroup(stack, "Group")
    LogTransformer(stack, "First", log_group=group, log_format="json")
    with pytest.raises(BlueprintError) as raised:
        LogTransformer(stack, "Second", log_group=group.log_group, log_format="key_value")
    assert str(raised.value) == (
        "Test/Second.log_group: Test/Group/Resource already has a transformer (Test/First); a "
        "log group takes one: put all the processors in one LogTransformer"
    )


def test_field_indexes_on_a_log_group_the_app_does_not_define() -> None:
    _, stack = new_stack()
    imported = logs.LogGroup.from_log_group_name(stack, "Imported", "/old/app")
    with pytest.raises(BlueprintError) as raised:
        FieldIndexes(stack, "Indexes", log_group=imported)
    assert str(raised.value) == (
        "Test/Indexes.log_group: Test/Imported is not a log group this app defines; "
        "CloudFormation sets a log group's field indexes only on its own AWS::Logs::LogGroup: "
        "define the log group here (ManagedLogGroup), or use AccountFieldIndexPolicy"
    )


def test_field_indexes_bad_input() -> None:
    _, stack = new_stack()
    archive = ManagedLogGroup(stack, "Archive", log_class="INFREQUENT_ACCESS")
    with pytest.raises(BlueprintError) as raised:
        FieldIndexes(stack, "Indexes", log_group=archive, fields=[f"f{i}" for i in range(21)])
    assert str(raised.value).splitlines() == [
        "Test/Indexes.fields: 21 fields; an index policy takes 1 to 20, facets included (indexes "
        "of @logStream, @aws.region, @aws.account, @source.log and traceId come free)",
        "Test/Indexes.log_group: a log group of class INFREQUENT_ACCESS cannot have field "
        "indexes (only STANDARD log groups can); set log_class: STANDARD or remove them. The "
        "class cannot be changed after the log group is created",
    ]
    group = ManagedLogGroup(stack, "Group")
    FieldIndexes(stack, "First", log_group=group, fields=["requestId"])
    with pytest.raises(BlueprintError) as raised:
        FieldIndexes(stack, "Second", log_group=group, fields=["traceId"])
    assert str(raised.value) == (
        "Test/Second.log_group: Test/Group already has a field index policy ([{'Fields': "
        "['requestId']}]); a log group takes one: list all its fields in one FieldIndexes"
    )


def test_a_second_account_field_index_policy_in_the_same_account_and_region() -> None:
    app, stack = new_stack()
    AccountFieldIndexPolicy(stack, "Indexes")
    shard = Stack(app, "Shard2", env=EU)
    with pytest.raises(BlueprintError) as raised:
        AccountFieldIndexPolicy(shard, "Indexes", policy_name="shard-2:indexes")
    assert str(raised.value).splitlines() == [
        "Shard2/Indexes.policy_name: 'shard-2:indexes' is not an account policy name; use 1 to "
        "256 characters without ':' or '*'",
        "Shard2/Indexes: the account-level field index policy is one per account and Region; "
        "Test/Indexes already creates it in any account, any Region, where this one (account "
        "111122223333, Region eu-west-1) could deploy too: let one stack own it (remove it "
        "here), or give the stacks different accounts or Regions",
    ]


def test_account_policies_in_different_accounts_or_regions() -> None:
    app, stack = new_stack("Dev", env=EU)
    AccountFieldIndexPolicy(stack, "Indexes")
    other_region = Stack(app, "DevUs", env=Environment(account="111122223333", region="us-east-1"))
    AccountFieldIndexPolicy(other_region, "Indexes")
    other_account = Stack(app, "Prod", env=Environment(account="444455556666", region="eu-west-1"))
    AccountFieldIndexPolicy(other_account, "Indexes")
    for one in (stack, other_region, other_account):
        assert len(resources(Template.from_stack(one), "AWS::Logs::AccountPolicy")) == 1
