"""X-Ray groups, sampling rules and Transaction Search, as templates and as refusals."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import CfnParameter, Duration, Environment, Stack
from aws_cdk.assertions import Annotations, Match, Template

from observability_blueprint import add_compliance_checks
from observability_blueprint.rules import event_patterns
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.tracing import (
    SamplingRateBoost,
    SamplingRule,
    TracingGroup,
    TransactionSearch,
)
from observability_blueprint.tracing.sampling_rule import SDK_WARNING
from support import assert_compliant, new_app, new_stack, resources


class Built:
    """One app holding every kind of resource, synthesized once with the compliance checks."""

    def __init__(self, outdir: Path) -> None:
        app = new_app(outdir)
        self.stack = Stack(app, "Tracing")
        self.checkout = TracingGroup(
            self.stack,
            "CheckoutGroup",
            service="checkout",
            faults=True,
            errors=True,
            latency_above=Duration.millis(2500),
            group_name="shop-dev-checkout",
        )
        self.gold = TracingGroup(
            self.stack,
            "GoldGroup",
            filter_expression='annotation.tenant = "gold" AND fault',
            group_name="shop-dev-gold",
            insights=False,
        )
        self.quiet = TracingGroup(self.stack, "QuietGroup", service="ledger", notifications=False)
        self.rule = SamplingRule(
            self.stack,
            "CheckoutSampling",
            rule_name="shop-dev-checkout-posts",
            priority=100,
            fixed_rate=0.05,
            reservoir_size=1,
            service_name="checkout",
            http_method="POST",
            url_path="/orders/*",
        )
        self.boosted = SamplingRule(
            self.stack,
            "Boosted",
            priority=200,
            fixed_rate=0.01,
            reservoir_size=0,
            rate_boost=SamplingRateBoost(max_rate=0.5, cooldown_minutes=10),
        )
        self.search = TransactionSearch(self.stack, "TransactionSearch", indexing_percentage=5)
        add_compliance_checks(app)
        self.nag_error: str | None = None
        try:
            app.synth()
        except RuntimeError as error:
            self.nag_error = str(error)
        self.outdir = outdir
        self.template = Template.from_json(
            json.loads((outdir / "Tracing.template.json").read_text())
        )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(tmp_path_factory.mktemp("tracing"))


def _refused(build: Any, message: str) -> None:
    """Assert ``build()`` stops with exactly ``message`` (every line, literally)."""
    with pytest.raises(BlueprintError, match=f"^{re.escape(message)}$"):
        build()


# ------------------------------------------------------------ what is built


def test_a_service_group_filters_its_faults_errors_and_slow_responses(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::XRay::Group",
        {
            "GroupName": "shop-dev-checkout",
            "FilterExpression": 'service("checkout") { fault OR error OR responsetime > 2.5 }',
            "InsightsConfiguration": {"InsightsEnabled": True, "NotificationsEnabled": True},
        },
    )
    assert built.checkout.filter_expression == (
        'service("checkout") { fault OR error OR responsetime > 2.5 }'
    )
    assert built.checkout.group_name == "shop-dev-checkout"


def test_a_raw_expression_is_kept_and_insights_can_be_off(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::XRay::Group",
        {
            "GroupName": "shop-dev-gold",
            "FilterExpression": 'annotation.tenant = "gold" AND fault',
            "InsightsConfiguration": {"InsightsEnabled": False, "NotificationsEnabled": False},
        },
    )


def test_a_group_without_a_name_gets_one_that_x_ray_takes(built: Built) -> None:
    name = built.quiet.group_name
    assert re.fullmatch(r"[A-Za-z0-9-]{1,32}", name), name
    built.template.has_resource_properties(
        "AWS::XRay::Group",
        {
            "GroupName": name,
            "FilterExpression": 'service("ledger")',
            "InsightsConfiguration": {"InsightsEnabled": True, "NotificationsEnabled": False},
        },
    )
    built.template.resource_count_is("AWS::XRay::Group", 3)


def test_the_insight_pattern_matches_the_groups_events(built: Built) -> None:
    pattern = built.checkout.insight_event_pattern()

    assert pattern == {
        "source": ["aws.xray"],
        "detail-type": ["AWS X-Ray Insight Update"],
        "detail": {"GroupName": ["shop-dev-checkout"]},
    }
    event = {
        "source": "aws.xray",
        "detail-type": "AWS X-Ray Insight Update",
        "detail": {"GroupName": "shop-dev-checkout", "State": "CLOSED"},
    }
    assert event_patterns.matches(pattern, event)
    assert built.checkout.insight_event_pattern(states=["ACTIVE"])["detail"] == {
        "GroupName": ["shop-dev-checkout"],
        "State": ["ACTIVE"],
    }


def test_a_group_without_notifications_has_no_insight_pattern(built: Built) -> None:
    _refused(
        built.gold.insight_event_pattern,
        "Tracing/GoldGroup.notifications: the group sends no insight events; create it with "
        "insights and notifications on to route them",
    )
    _refused(
        lambda: built.checkout.insight_event_pattern(states=["OPEN"]),
        "Tracing/CheckoutGroup.states: 'OPEN': give insight states among ACTIVE or CLOSED",
    )


def test_a_sampling_rule_carries_every_field_and_version_1(built: Built) -> None:
    built.template.has_resource_properties(
        "AWS::XRay::SamplingRule",
        {
            "SamplingRule": {
                "RuleName": "shop-dev-checkout-posts",
                "Priority": 100,
                "FixedRate": 0.05,
                "ReservoirSize": 1,
                "ServiceName": "checkout",
                "ServiceType": "*",
                "Host": "*",
                "HTTPMethod": "POST",
                "URLPath": "/orders/*",
                "ResourceARN": "*",
                "Version": 1,
            }
        },
    )
    rule = next(
        r
        for r in resources(built.template, "AWS::XRay::SamplingRule").values()
        if r["Properties"]["SamplingRule"]["RuleName"] == "shop-dev-checkout-posts"
    )
    assert set(rule["Properties"]) == {"SamplingRule"}  # no deprecated top-level RuleName
    assert "Attributes" not in rule["Properties"]["SamplingRule"]


def test_a_rate_boost_reaches_the_rule(built: Built) -> None:
    assert re.fullmatch(r".{1,32}", built.boosted.rule_name)
    built.template.has_resource_properties(
        "AWS::XRay::SamplingRule",
        {
            "SamplingRule": Match.object_like(
                {
                    "RuleName": built.boosted.rule_name,
                    "Priority": 200,
                    "FixedRate": 0.01,
                    "ReservoirSize": 0,
                    "SamplingRateBoost": {"MaxRate": 0.5, "CooldownWindowMinutes": 10},
                }
            )
        },
    )


def test_transaction_search_indexes_its_share_after_the_spans_policy_exists(
    built: Built,
) -> None:
    configs = resources(built.template, "AWS::XRay::TransactionSearchConfig")
    policies = resources(built.template, "AWS::Logs::ResourcePolicy")
    assert len(configs) == 1
    assert len(policies) == 1
    (config,) = configs.values()
    ((policy_id, policy),) = policies.items()
    assert config["Properties"] == {"IndexingPercentage": 5}
    assert config["DependsOn"] == [policy_id]
    assert policy["Properties"]["PolicyName"] == "TransactionSearchAccess"


def _rendered(value: Any) -> str:
    """A ``Fn::Join`` of text and pseudo-parameter references, as ``${AWS::Region}`` text."""
    if isinstance(value, str):
        return value
    return "".join(
        part if isinstance(part, str) else "${" + part["Ref"] + "}" for part in value["Fn::Join"][1]
    )


def test_the_spans_policy_lets_only_this_accounts_x_ray_write_spans(built: Built) -> None:
    (policy,) = resources(built.template, "AWS::Logs::ResourcePolicy").values()

    document = json.loads(_rendered(policy["Properties"]["PolicyDocument"]))

    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TransactionSearchXRayAccess",
                "Effect": "Allow",
                "Principal": {"Service": "xray.amazonaws.com"},
                "Action": "logs:PutLogEvents",
                "Resource": [
                    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:"
                    "log-group:aws/spans:*",
                    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:"
                    "log-group:/aws/application-signals/data:*",
                ],
                "Condition": {
                    "ArnLike": {
                        "aws:SourceArn": "arn:${AWS::Partition}:xray:${AWS::Region}:"
                        "${AWS::AccountId}:*"
                    },
                    "StringEquals": {"aws:SourceAccount": "${AWS::AccountId}"},
                },
            }
        ],
    }


def test_the_stack_passes_cdk_nag_cfn_lint_and_the_deploy_rules(built: Built) -> None:
    assert_compliant(built.outdir, nag_error=built.nag_error)


def test_transaction_search_can_leave_the_policy_to_the_account() -> None:
    _, stack = new_stack()
    search = TransactionSearch(stack, "Search", resource_policy=False)

    template = Template.from_stack(stack)

    assert search.resource_policy is None
    template.resource_count_is("AWS::Logs::ResourcePolicy", 0)
    template.has_resource(
        "AWS::XRay::TransactionSearchConfig", {"Properties": {"IndexingPercentage": 1}}
    )


# ------------------------------------------------------------ refusals: sampling rules


def _rule(stack: Stack, **overrides: Any) -> SamplingRule:
    arguments: dict[str, Any] = {"priority": 100, "fixed_rate": 0.05, "reservoir_size": 1}
    return SamplingRule(stack, "Rule", **{**arguments, **overrides})


def test_a_sampling_rate_outside_0_to_1_is_refused() -> None:
    _, stack = new_stack()
    _refused(
        lambda: _rule(stack, fixed_rate=1.5),
        "Test/Rule.fixed_rate: 1.5 is not a fixed rate; give a fraction of requests from 0 to 1, "
        "such as 0.05 for 5%",
    )


@pytest.mark.parametrize("priority", [0, 10_000])
def test_a_priority_outside_1_to_9999_is_refused(priority: int) -> None:
    _, stack = new_stack()
    _refused(
        lambda: _rule(stack, priority=priority),
        f"Test/Rule.priority: {priority} is not a sampling rule priority; give a whole number "
        "from 1 to 9,999 (rules are evaluated from 1 up; the built-in Default rule is 10,000)",
    )


def test_a_negative_reservoir_is_refused() -> None:
    _, stack = new_stack()
    _refused(
        lambda: _rule(stack, reservoir_size=-1),
        "Test/Rule.reservoir_size: -1 is not a reservoir size; give a whole number of requests "
        "per second, from 0 to 2,147,483,647",
    )


def test_a_sampling_rule_name_over_32_characters_is_refused() -> None:
    _, stack = new_stack()
    _refused(
        lambda: _rule(stack, rule_name="shop-production-checkout-api-posts"),
        "Test/Rule.rule_name: 'shop-production-checkout-api-posts' has 34 characters; a sampling "
        "rule name has 1 to 32",
    )


def test_every_problem_of_a_rule_is_reported_at_once() -> None:
    _, stack = new_stack()
    _refused(
        lambda: _rule(
            stack,
            rule_name="Default",
            fixed_rate=-0.5,
            http_method="PROPPATCH-X",
            rate_boost=SamplingRateBoost(max_rate=0.5, cooldown_minutes=0),
        ),
        "Test/Rule.rule_name: 'Default' is the name of the built-in sampling rule; choose another "
        "name (1 to 32 characters)\n"
        "Test/Rule.fixed_rate: -0.5 is not a fixed rate; give a fraction of requests from 0 to "
        "1, such as 0.05 for 5%\n"
        "Test/Rule.http_method: 'PROPPATCH-X' has 11 characters; a HTTP method to match has at "
        "most 10 (* matches any characters, ? one)\n"
        "Test/Rule.rate_boost.cooldown_minutes: 0 is not a cooldown; give a whole number of "
        "minutes, 1 or more",
    )


def test_a_rule_name_used_twice_in_one_place_is_refused() -> None:
    _, stack = new_stack()
    SamplingRule(stack, "First", rule_name="posts", priority=1, fixed_rate=1, reservoir_size=1)
    _refused(
        lambda: _rule(stack, rule_name="posts"),
        "Test/Rule.rule_name: 'posts' is already the name of Test/First in stack Test; sampling "
        "rule names are unique per account and Region",
    )


def test_rules_the_sdks_cannot_use_warn() -> None:
    _, stack = new_stack()
    _rule(stack, resource_arn="arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod")

    Annotations.from_stack(stack).has_warning(
        "/Test/Rule",
        Match.string_like_regexp(
            r"^the X-Ray SDKs use only rules whose resource_arn is \*: this rule reaches API "
            r"Gateway stages .* \[ack: " + re.escape(SDK_WARNING) + r"\]$"
        ),
    )


def test_values_known_only_at_deployment_are_not_checked() -> None:
    _, stack = new_stack()
    arn = CfnParameter(stack, "StageArn").value_as_string
    _rule(stack, resource_arn=arn, service_name=arn)

    Annotations.from_stack(stack).has_no_warning("*", Match.any_value())
    Template.from_stack(stack).has_resource_properties(
        "AWS::XRay::SamplingRule",
        {"SamplingRule": Match.object_like({"ResourceARN": {"Ref": "StageArn"}})},
    )


# ------------------------------------------------------------ refusals: groups


def test_a_filter_expression_with_an_unclosed_parenthesis_is_refused() -> None:
    _, stack = new_stack()
    _refused(
        lambda: TracingGroup(stack, "Group", filter_expression="(fault OR error"),
        "Test/Group.filter_expression: expected AND, OR or ) to close the ( at column 0\n"
        "  (fault OR error\n"
        "                 ^",
    )


def test_a_filter_expression_with_an_unclosed_quote_is_refused() -> None:
    _, stack = new_stack()
    _refused(
        lambda: TracingGroup(
            stack, "Group", filter_expression='http.url CONTAINS "/api/ AND fault'
        ),
        'Test/Group.filter_expression: expected a closing " for the string opened at column 18\n'
        '  http.url CONTAINS "/api/ AND fault\n'
        "                                    ^",
    )


def test_bad_group_parts_are_refused_together() -> None:
    _, stack = new_stack()
    _refused(
        lambda: TracingGroup(
            stack,
            "Group",
            service="checkout(v2)",
            latency_above=Duration.seconds(0),
            group_name="shop_dev_checkout",
            insights=False,
            notifications=True,
        ),
        "Test/Group.group_name: 'shop_dev_checkout' is not an X-Ray group name; use 1 to 32 "
        "letters, digits and hyphens (names are case-sensitive)\n"
        "Test/Group.service: 'checkout(v2)' holds '(', ')'; a service name has letters, digits, "
        "spaces and _ . : / % & # = + - @ (the characters of an X-Ray segment name)\n"
        "Test/Group.latency_above: 0.0 seconds is not a latency bound; give a number of seconds "
        "above 0\n"
        "Test/Group.notifications: insight notifications need insights: set insights=True, or "
        "leave notifications off",
    )


def test_a_group_needs_a_filter_and_not_two() -> None:
    _, stack = new_stack()
    _refused(
        lambda: TracingGroup(stack, "Group"),
        "Test/Group: a group needs a filter: give service, errors, faults or latency_above, or a "
        "whole filter_expression",
    )
    _refused(
        lambda: TracingGroup(stack, "Both", service="checkout", filter_expression="fault"),
        "Test/Both.filter_expression: give either a filter expression or its parts (service, "
        "errors, faults, latency_above), not both",
    )


def test_the_default_group_name_is_refused() -> None:
    _, stack = new_stack()
    _refused(
        lambda: TracingGroup(stack, "Group", faults=True, group_name="Default"),
        "Test/Group.group_name: 'Default' is the name of the built-in group; choose another name "
        "(1 to 32 letters, digits and hyphens)",
    )


def test_a_group_name_used_twice_in_one_account_and_region_is_refused() -> None:
    app = new_app()
    here = Environment(account="111122223333", region="eu-west-1")
    first = Stack(app, "First", env=here)
    second = Stack(app, "Second", env=here)
    elsewhere = Stack(app, "Elsewhere", env=Environment(account="111122223333", region="us-east-1"))
    TracingGroup(first, "Group", faults=True, group_name="shop-dev-checkout")
    TracingGroup(elsewhere, "Group", faults=True, group_name="shop-dev-checkout")

    _refused(
        lambda: TracingGroup(second, "Group", faults=True, group_name="shop-dev-checkout"),
        "Second/Group.group_name: 'shop-dev-checkout' is already the name of First/Group in "
        "account 111122223333 in eu-west-1; group names are unique per account and Region",
    )


def test_an_expression_known_only_at_deployment_is_not_checked() -> None:
    _, stack = new_stack()
    expression = CfnParameter(stack, "Filter").value_as_string

    group = TracingGroup(stack, "Group", filter_expression=expression)

    Template.from_stack(stack).has_resource_properties(
        "AWS::XRay::Group", {"FilterExpression": {"Ref": "Filter"}}
    )
    assert group.filter_expression == expression


# ------------------------------------------------------------ refusals: Transaction Search


def test_an_indexing_percentage_outside_0_to_100_is_refused() -> None:
    _, stack = new_stack()
    _refused(
        lambda: TransactionSearch(stack, "Search", indexing_percentage=150),
        "Test/Search.indexing_percentage: 150 is not an indexing percentage; give a number from "
        "0 to 100 (1% of spans are indexed as trace summaries free of charge)",
    )


def test_a_bad_policy_name_is_refused() -> None:
    _, stack = new_stack()
    _refused(
        lambda: TransactionSearch(stack, "Search", policy_name="xray:spans"),
        "Test/Search.policy_name: 'xray:spans' is not a Logs resource policy name; use 1 to 255 "
        "characters without : or *, with single / between parts",
    )


def test_transaction_search_is_one_per_account_and_region() -> None:
    app = new_app()
    here = Environment(account="111122223333", region="eu-west-1")
    first = Stack(app, "First", env=here)
    TransactionSearch(first, "Search")
    TransactionSearch(
        Stack(app, "Other", env=Environment(account="444455556666", region="eu-west-1")), "Search"
    )

    _refused(
        lambda: TransactionSearch(first, "Again"),
        "First/Again: Transaction Search is one per account and Region; First/Search already "
        "creates it in account 111122223333, Region eu-west-1, where this one (account "
        "111122223333, Region eu-west-1) could deploy too: let one stack own it (remove it "
        "here), or give the stacks different accounts or Regions",
    )
    _refused(
        lambda: TransactionSearch(Stack(app, "Second", env=here), "Search"),
        "Second/Search: Transaction Search is one per account and Region; First/Search already "
        "creates it in account 111122223333, Region eu-west-1, where this one (account "
        "111122223333, Region eu-west-1) could deploy too: let one stack own it (remove it "
        "here), or give the stacks different accounts or Regions",
    )


def test_an_environment_agnostic_stack_could_deploy_beside_any_owner() -> None:
    # It may land in any account and Region, so a second owner is refused, as the
    # account-level field index policy refuses it: one rule for one-per-account settings.
    app = new_app()
    TransactionSearch(Stack(app, "One"), "Search")

    _refused(
        lambda: TransactionSearch(Stack(app, "Two"), "Search"),
        "Two/Search: Transaction Search is one per account and Region; One/Search already "
        "creates it in any account, any Region, where this one (any account, any Region) could "
        "deploy too: let one stack own it (remove it here), or give the stacks different "
        "accounts or Regions",
    )
