"""ContributorInsights, the shipped access-log rules and DynamoDB Contributor Insights.

One stack holds the valid variants and is synthesized once for the module; each
bad input gets its own small stack.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Template

from observability_blueprint.logs.contributor_insights import ContributorInsights
from observability_blueprint.rules.contributor_insights import (
    InsightRuleSpec,
    clf_access_log_rules,
    dynamodb_contributor_insights_command,
    insight_rule_problems,
    json_access_log_rules,
)
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.rules.structured_logs import StructuredLogFields
from support import new_stack, resources

SCHEMA = {"Name": "CloudWatchLogRule", "Version": 1}


@pytest.fixture(scope="module")
def template() -> Template:
    _, stack = new_stack()
    access = logs.LogGroup(stack, "Access", log_group_name="/shop/dev/access")
    ContributorInsights(
        stack,
        "AccessInsights",
        log_groups=[access],
        rules=json_access_log_rules(StructuredLogFields(status_code="status")),
        rule_name_prefix="shop-dev-access",
    )
    nginx = logs.LogGroup(stack, "Nginx")  # name unknown until deployment
    orders = dynamodb.Table(
        stack,
        "Orders",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
    )
    carts = dynamodb.CfnTable(
        stack,
        "Carts",
        key_schema=[dynamodb.CfnTable.KeySchemaProperty(attribute_name="id", key_type="HASH")],
        attribute_definitions=[
            dynamodb.CfnTable.AttributeDefinitionProperty(attribute_name="id", attribute_type="S")
        ],
        billing_mode="PAY_PER_REQUEST",
    )
    ContributorInsights(
        stack,
        "NginxInsights",
        log_groups=[nginx],
        rules=clf_access_log_rules(),
        rule_name_prefix="shop-dev-nginx",
        enabled=False,
        dynamodb_tables=[orders, carts],
    )
    return Template.from_stack(stack)


def _rules(template: Template) -> dict[str, dict[str, Any]]:
    return {
        r["Properties"]["RuleName"]: r["Properties"]
        for r in resources(template, "AWS::CloudWatch::InsightRule").values()
    }


# ------------------------------------------------------------------ bodies


def test_json_access_log_rules(template: Template) -> None:
    rules = _rules(template)
    client_ips = rules["shop-dev-access-top-client-ips"]
    assert client_ips["RuleState"] == "ENABLED"
    assert json.loads(client_ips["RuleBody"]) == {
        "Schema": SCHEMA,
        "LogGroupNames": ["/shop/dev/access"],
        "LogFormat": "JSON",
        "Contribution": {"Keys": ["$.client_ip"], "Filters": []},
        "AggregateOn": "Count",
    }
    assert json.loads(rules["shop-dev-access-top-failing-paths"]["RuleBody"]) == {
        "Schema": SCHEMA,
        "LogGroupNames": ["/shop/dev/access"],
        "LogFormat": "JSON",
        "Contribution": {
            "Keys": ["$.path", "$.status"],
            "Filters": [{"Match": "$.status", "GreaterThan": 499}],
        },
        "AggregateOn": "Count",
    }


def test_a_rule_waits_for_the_log_group_it_names(template: Template) -> None:
    access = [k for k in resources(template, "AWS::Logs::LogGroup") if k.startswith("Access")]
    waiting = [
        r["Properties"]["RuleName"]
        for r in resources(template, "AWS::CloudWatch::InsightRule").values()
        if access[0] in r.get("DependsOn", [])
    ]
    assert sorted(waiting) == [
        "shop-dev-access-top-client-ips",
        "shop-dev-access-top-failing-paths",
    ]


def test_clf_rules_read_a_name_known_at_deployment(template: Template) -> None:
    rules = _rules(template)
    assert set(rules) == {
        "shop-dev-access-top-client-ips",
        "shop-dev-access-top-failing-paths",
        "shop-dev-nginx-top-client-ips",
        "shop-dev-nginx-top-failing-paths",
    }
    failing = rules["shop-dev-nginx-top-failing-paths"]
    assert failing["RuleState"] == "DISABLED"
    # The body is joined with the log group's Ref at deployment.
    parts = failing["RuleBody"]["Fn::Join"][1]
    nginx = [k for k in resources(template, "AWS::Logs::LogGroup") if k.startswith("Nginx")]
    assert [{"Ref": nginx[0]}] == [p for p in parts if isinstance(p, dict)]
    text = "".join(p for p in parts if isinstance(p, str))
    assert '"LogFormat":"CLF"' in text
    assert '"Fields":{"1":"ClientIp","5":"Request","6":"Status"}' in text
    assert '"Keys":["Request","Status"]' in text
    assert '"Filters":[{"Match":"Status","GreaterThan":499}]' in text


def test_dynamodb_contributor_insights_on_tables_of_the_stack(template: Template) -> None:
    tables = resources(template, "AWS::DynamoDB::Table")
    assert len(tables) == 2
    for table in tables.values():
        assert table["Properties"]["ContributorInsightsSpecification"] == {"Enabled": True}


def test_trail_rules_read_the_same_as_before() -> None:
    spec = InsightRuleSpec(name="x", keys=("$.a",), aggregate_on="Sum", value_of="$.bytes")
    assert spec.body(["/g"]) == {
        "Schema": SCHEMA,
        "LogGroupNames": ["/g"],
        "LogFormat": "JSON",
        "Contribution": {"Keys": ["$.a"], "Filters": [], "ValueOf": "$.bytes"},
        "AggregateOn": "Sum",
    }


# ------------------------------------------------------------------ DynamoDB


def test_dynamodb_command() -> None:
    assert dynamodb_contributor_insights_command("orders") == (
        "aws dynamodb update-contributor-insights --table-name orders "
        "--contributor-insights-action ENABLE"
    )
    assert dynamodb_contributor_insights_command("orders", index_name="by-customer") == (
        "aws dynamodb update-contributor-insights --table-name orders "
        "--index-name by-customer --contributor-insights-action ENABLE"
    )
    with pytest.raises(ValueError, match=r"^'or ders' is not a DynamoDB table name; use 3 to 255"):
        dynamodb_contributor_insights_command("or ders")


def test_a_table_the_stack_does_not_define_is_refused_with_the_command() -> None:
    app, stack = new_stack()
    group = logs.LogGroup(stack, "Group", log_group_name="/g")
    imported = dynamodb.Table.from_table_name(stack, "Imported", "orders")
    other = Stack(app, "Other")
    elsewhere = dynamodb.Table(
        other,
        "Elsewhere",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
    )
    with pytest.raises(BlueprintError) as caught:
        ContributorInsights(
            stack,
            "Insights",
            log_groups=[group],
            rules=json_access_log_rules(),
            dynamodb_tables=[imported, elsewhere],
        )
    assert str(caught.value).splitlines() == [
        "Test/Insights.dynamodb_tables[0]: table 'orders' is not defined in this stack; "
        "CloudFormation can turn on DynamoDB Contributor Insights only for a table the stack "
        "defines: run aws dynamodb update-contributor-insights --table-name orders "
        "--contributor-insights-action ENABLE",
        "Test/Insights.dynamodb_tables[1]: the table is not defined in this stack; "
        "CloudFormation can turn on DynamoDB Contributor Insights only for a table the stack "
        "defines: pass it to the stack that defines it, or run the command of "
        "dynamodb_contributor_insights_command(TABLE NAME)",
    ]


# ------------------------------------------------------------------ limits


def _refused(**kwargs: Any) -> list[str]:
    _, stack = new_stack()
    groups = kwargs.pop("log_groups", None) or [
        logs.LogGroup(stack, "Group", log_group_name="/shop/dev/api")
    ]
    with pytest.raises(BlueprintError) as caught:
        ContributorInsights(stack, "Insights", log_groups=groups, **kwargs)
    return str(caught.value).splitlines()


def test_too_many_keys_or_filters() -> None:
    wide = InsightRuleSpec(
        name="wide",
        keys=("$.a", "$.b", "$.c", "$.d", "$.e"),
        filters=tuple({"Match": f"$.f{i}", "IsPresent": True} for i in range(5)),
    )
    assert _refused(rules=[wide]) == [
        "Test/Insights.rules[0].keys: 5 keys; a Contributor Insights rule takes 1 to 4",
        "Test/Insights.rules[0].filters: 5 filters; a Contributor Insights rule takes at most 4",
    ]


def test_bad_filters_fields_and_aggregation() -> None:
    rules = [
        InsightRuleSpec(
            name="values",
            keys=("ip",),
            filters=(
                {"Match": "$.method", "In": ["GET"] * 11},
                {"Match": "$.status", "GreaterThan": "499"},
                {"Match": "$.error", "IsPresent": "yes"},
                {"Match": "$.path", "Contains": ["/api"]},
            ),
            aggregate_on="Sum",
        ),
        InsightRuleSpec(
            name="clf",
            keys=("Path",),
            value_of="$.bytes",
            log_format="CLF",
            fields={"1": "ClientIp", "x": "Bad"},
        ),
        InsightRuleSpec(name="json", keys=("$.ip",), fields={"1": "ClientIp"}),
    ]
    assert _refused(rules=rules) == [
        "Test/Insights.rules[0].value_of: is needed with aggregate_on Sum, and only then",
        "Test/Insights.rules[0].keys[0]: 'ip' is not a JSON field; use $.field.name",
        "Test/Insights.rules[0].filters[0].In: ['GET', 'GET', 'GET', 'GET', 'GET', 'GET', "
        "'GET', 'GET', 'GET', 'GET', 'GET']: In takes a list of 1 to 10 strings",
        "Test/Insights.rules[0].filters[1].GreaterThan: '499': GreaterThan takes one number",
        "Test/Insights.rules[0].filters[2].IsPresent: 'yes': IsPresent takes true or false",
        "Test/Insights.rules[0].filters[3]: {'Match': '$.path', 'Contains': ['/api']} is not a "
        "filter; give Match ($.field) and one of In, NotIn, StartsWith, GreaterThan, LessThan, "
        "EqualTo, NotEqualTo, IsPresent",
        "Test/Insights.rules[1].value_of: is needed with aggregate_on Sum, and only then",
        "Test/Insights.rules[1].fields.x: 'Bad' at 'x': a CLF field alias maps a position "
        '("1", "2", ...) to a name of letters, digits and underscores',
        "Test/Insights.rules[1].keys[0]: 'Path' is not a CLF field; use a position "
        '("1" for the first field) or an alias from fields (Bad, ClientIp)',
        "Test/Insights.rules[1].value_of: '$.bytes' is not a CLF field; use a position "
        '("1" for the first field) or an alias from fields (Bad, ClientIp)',
        "Test/Insights.rules[2].fields: names CLF positions; use it with log_format CLF only",
    ]


def test_log_groups_rules_names_and_body_size() -> None:
    _, stack = new_stack()
    many = [logs.LogGroup(stack, f"G{i}", log_group_name=f"/g/{i}") for i in range(21)]
    with pytest.raises(BlueprintError) as caught:
        ContributorInsights(stack, "Insights", log_groups=many, rules=[])
    assert str(caught.value).splitlines() == [
        "Test/Insights.log_groups: 21 log groups; a rule reads 1 to 20",
        "Test/Insights.rules: no rule given; give at least one",
    ]
    twice = InsightRuleSpec(name="ips", keys=("$.ip",))
    huge = InsightRuleSpec(
        name="huge", keys=("$.a",), filters=({"Match": "$.b", "In": ["x" * 8200]},)
    )
    # 214 characters of JSON around the 8,200 x's, with the name /shop/dev/api.
    assert _refused(rules=[twice, twice, huge], rule_name_prefix="p" * 125) == [
        "Test/Insights.rules[0].name: '" + "p" * 77 + "...' is not a Contributor Insights "
        "rule name; use 1 to 128 printable ASCII characters",
        "Test/Insights.rules[1].name: 'ips' is used twice",
        "Test/Insights.rules[1].name: '" + "p" * 77 + "...' is not a Contributor Insights "
        "rule name; use 1 to 128 printable ASCII characters",
        "Test/Insights.rules[2].body: the rule body is 8414 characters; Contributor Insights "
        "allows at most 8192",
        "Test/Insights.rules[2].name: '" + "p" * 77 + "...' is not a Contributor Insights "
        "rule name; use 1 to 128 printable ASCII characters",
    ]


def test_an_unresolved_log_group_name_counts_at_its_longest() -> None:
    _, stack = new_stack()
    near = InsightRuleSpec(
        name="near", keys=("$.a",), filters=({"Match": "$.b", "In": ["x" * 7600]},)
    )
    ContributorInsights(
        stack,
        "Fits",
        log_groups=[logs.LogGroup(stack, "Named", log_group_name="/short")],
        rules=[near],
    )
    with pytest.raises(BlueprintError, match=r"^Test/Long\.rules\[0\]\.body: the rule body is 8"):
        ContributorInsights(stack, "Long", log_groups=[logs.LogGroup(stack, "Any")], rules=[near])


def test_shipped_rules_pass_the_checks() -> None:
    for rule in (*json_access_log_rules(), *clf_access_log_rules()):
        assert insight_rule_problems(rule.body(["/g"])) == [], rule.name
