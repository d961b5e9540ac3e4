"""Many environments from one blueprint: the fan-out, its overrides and its problems."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Template

from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.config.environments import (
    Environment,
    environment_blueprints,
    environment_problems,
)
from observability_blueprint.rules.errors import BlueprintError
from observability_blueprint.rules.placement import AccountClaim, single_owner_problems

BASE: dict[str, Any] = {
    "name": "shop",
    "stage": "prod",
    "env": {"account": "111122223333"},
    "notifications": [{"name": "oncall", "subscribers": [{"email": "eu@example.com"}]}],
    "log_groups": [
        {
            "name": "app",
            "metric_filters": [
                {"name": "errors", "pattern": "ERROR", "namespace": "Shop", "metric": "Errors"}
            ],
        }
    ],
    "alarms": [
        {
            "name": "errors",
            "metric": {"filter": "errors"},
            "threshold": 5,
            "comparison": ">=",
            "actions": {"alarm": [{"topic": "oncall"}]},
        }
    ],
    "services": [
        {
            "name": "checkout",
            "resources": [
                {
                    "lambda_function": "checkout-api",
                    "timeout_seconds": 30,
                    "alarms": {
                        "errors": {"threshold": 1},
                        "throttles": {"threshold": 1},
                        "claimed_account_concurrency": False,
                    },
                }
            ],
        }
    ],
}

EU = {"name": "eu", "region": "eu-west-1"}
US = {
    "name": "us",
    "account": "444455556666",
    "region": "us-east-2",
    "overrides": {
        "alarms": {"errors": {"threshold": 50}},
        "services": {"checkout": {"checkout-api": {"errors": {"threshold": 3}}}},
        "notifications": {"oncall": {"subscribers": [{"email": "us@example.com"}]}},
        "log_groups": {"app": {"retention_days": 30}},
        "tags": {"team": "us-ops"},
    },
}


def base() -> Blueprint:
    return Blueprint.from_dict(BASE)


def environments(*items: dict[str, Any]) -> list[Environment]:
    return [Environment.model_validate(item) for item in items]


def fan_out(*items: dict[str, Any]) -> dict[str, Blueprint]:
    return {
        placed.environment.name: blueprint
        for placed, blueprint in environment_blueprints(base(), environments(*items))
    }


def problems(*items: dict[str, Any]) -> list[str]:
    with pytest.raises(BlueprintError) as caught:
        environment_blueprints(base(), environments(*items))
    return [str(p) for p in caught.value.problems]


# ------------------------------------------------------------------ fan-out


def test_one_blueprint_per_environment_in_its_account_and_region() -> None:
    built = fan_out(EU, US)

    assert list(built) == ["eu", "us"]
    assert (built["eu"].env.account, built["eu"].env.region) == ("111122223333", "eu-west-1")  # type: ignore[union-attr]
    assert (built["us"].env.account, built["us"].env.region) == ("444455556666", "us-east-2")  # type: ignore[union-attr]


def test_overrides_apply_to_their_environment_only() -> None:
    built = fan_out(EU, US)
    eu, us = built["eu"], built["us"]

    assert eu.alarms[0].threshold == 5
    assert us.alarms[0].threshold == 50
    assert us.services[0].resources[0].alarms["errors"].threshold == 3
    assert eu.services[0].resources[0].alarms["errors"].threshold == 1
    assert [s.endpoint for s in eu.notifications[0].subscribers] == ["eu@example.com"]
    assert [s.endpoint for s in us.notifications[0].subscribers] == ["us@example.com"]
    assert eu.log_groups[0].retention_days == 365
    assert us.log_groups[0].retention_days == 30
    assert us.tags == {"team": "us-ops"}
    assert eu.tags == {}


def test_the_physical_names_are_the_same_in_every_environment() -> None:
    built = fan_out(EU, US)

    assert built["eu"].prefix == built["us"].prefix == "shop-prod"
    assert built["eu"].log_groups[0].physical_name(built["eu"]) == "/shop/prod/app"


def test_retention_null_keeps_events_forever_in_that_environment() -> None:
    built = fan_out(
        {
            "name": "eu",
            "region": "eu-west-1",
            "overrides": {"log_groups": {"app": {"retention_days": None}}},
        }
    )

    assert built["eu"].log_groups[0].retention_days is None


# ------------------------------------------------------------------ problems


def test_two_environments_of_one_account_and_region_are_refused() -> None:
    found = problems(EU, {"name": "eu-again", "account": "111122223333", "region": "eu-west-1"})

    assert found == [
        "environments[1].region: account 111122223333, Region 'eu-west-1' is environments[0] "
        "('eu') already; each environment needs its own account and Region pair (its stacks "
        "would replace the other's resources of the same names)"
    ]


def test_two_environments_of_one_name_are_refused() -> None:
    found = problems(EU, {"name": "eu", "region": "eu-central-1"})

    assert found == [
        "environments[1].name: 'eu' is the name of environments[0] too; give each environment "
        "its own name (it is part of the stack ids)"
    ]


def test_an_environment_without_a_region_and_no_default_is_refused() -> None:
    found = problems({"name": "eu"})

    assert found == [
        "environments[0]: environment 'eu' has no region; give region here, or in env: as the "
        "default of every environment"
    ]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"alarms": {"erors": {"threshold": 1}}},
            "environments[0].overrides.alarms.erors: 'erors' is not a alarm of the file; "
            "name one of: 'errors'",
        ),
        (
            {"services": {"payments": {"x": {"errors": {"threshold": 1}}}}},
            "environments[0].overrides.services.payments: 'payments' is not a service of the "
            "file; name one of: 'checkout'",
        ),
        (
            {"services": {"checkout": {"checkout-web": {"errors": {"threshold": 1}}}}},
            "environments[0].overrides.services.checkout.checkout-web: 'checkout-web' is not a "
            "resource of service 'checkout' of the file; name one of: 'checkout-api'",
        ),
        (
            {"notifications": {"pager": {"subscribers": []}}},
            "environments[0].overrides.notifications.pager: 'pager' is not a topic of the file; "
            "name one of: 'oncall'",
        ),
        (
            {"log_groups": {"web": {"retention_days": 7}}},
            "environments[0].overrides.log_groups.web: 'web' is not a log group of the file; "
            "name one of: 'app'",
        ),
    ],
)
def test_an_override_naming_what_the_file_lacks_is_refused(
    overrides: dict[str, Any], expected: str
) -> None:
    assert problems({**EU, "overrides": overrides}) == [expected]


def test_an_override_value_the_rules_refuse_is_reported_at_the_override() -> None:
    found = problems({**EU, "overrides": {"log_groups": {"app": {"retention_days": 31}}}})

    assert len(found) == 1
    assert found[0].startswith("environments[0].overrides.log_groups.app.retention_days: ")
    assert "31" in found[0]
    assert "30" in found[0]
    assert "60" in found[0]


def test_a_bad_subscriber_in_an_override_is_reported_at_the_override() -> None:
    overrides = {"notifications": {"oncall": {"subscribers": [{"email": "not-an-address"}]}}}

    found = problems({**EU, "overrides": overrides})

    assert len(found) == 1
    assert found[0].startswith("environments[0].overrides.notifications.oncall.subscribers[0]")
    assert "not-an-address" in found[0]


def test_a_rule_that_depends_on_the_account_names_the_environment() -> None:
    data = {
        **BASE,
        "notifications": [
            {
                "name": "oncall",
                "subscribers": [{"lambda": "arn:aws:lambda:eu-west-1:111122223333:function:page"}],
            }
        ],
    }

    with pytest.raises(BlueprintError) as caught:
        environment_blueprints(
            Blueprint.from_dict(data), environments({"name": "us", "region": "us-east-2"})
        )

    message = str(caught.value)
    assert message.startswith("environments[0]: in environment 'us' (account 111122223333, ")
    assert "notifications[0].subscribers[0].lambda" in message
    assert "us-east-2" in message


def test_an_environment_name_must_be_a_name_part() -> None:
    with pytest.raises(ValueError, match="'EU_West' is not allowed; use lowercase letters"):
        Environment.model_validate({"name": "EU_West"})


def test_an_environment_name_of_33_characters_is_refused() -> None:
    with pytest.raises(ValueError, match="is 33 characters; an environment name may be at most 32"):
        Environment.model_validate({"name": "a" * 33})


def test_environment_problems_are_none_for_distinct_pairs() -> None:
    assert list(environment_problems(base(), environments(EU, US))) == []


def test_an_extra_stack_in_another_environments_place_is_refused() -> None:
    data = {
        **BASE,
        "services": [
            {
                "name": "edge",
                "resources": [
                    {
                        "cloudfront_distribution": "E2ABCDEFGHIJKL",
                        "region": "us-east-1",
                        "alarms": {"5xx_error_rate": {"threshold": 5}},
                    }
                ],
            }
        ],
    }
    blueprint = Blueprint.from_dict(
        {**data, "env": {"account": "111122223333", "region": "eu-west-1"}}
    )

    with pytest.raises(BlueprintError) as caught:
        environment_blueprints(
            blueprint,
            environments({"name": "eu"}, {"name": "virginia", "region": "us-east-1"}),
        )

    assert [str(p) for p in caught.value.problems] == [
        "environments[1]: environment 'virginia' deploys the blueprint's stack to account "
        "111122223333, Region us-east-1, where environments[0] ('eu') deploys the alarms of the "
        "services' resources in us-east-1: the same names would be made twice there; give the "
        "two environments different accounts"
    ]


def test_account_level_settings_have_one_owner_per_environment() -> None:
    """The environments are distinct account and Region pairs, so each one's stack owns
    its pair's account-level settings (field index policy, Transaction Search)."""
    built = environment_blueprints(base(), environments(EU, US))
    claims = [
        AccountClaim(f"{p.where}/Blueprint", b.env.account, b.env.region)  # type: ignore[union-attr]
        for p, b in built
    ]

    assert single_owner_problems("the account-level field index policy", claims) == []


# ------------------------------------------------------------------ wired


def test_the_file_refuses_an_environment_of_the_same_pair() -> None:
    with pytest.raises(BlueprintError, match=r"environments\[1\]\.region: account 111122223333"):
        Blueprint.from_dict({**BASE, "environments": [EU, {"name": "x", "region": "eu-west-1"}]})


@pytest.fixture(scope="module")
def two_environments() -> dict[str, list[Stack]]:
    from observability_blueprint.blueprint.environments import build_environments
    from observability_blueprint.blueprint.stacks import build

    app = App()
    config = Blueprint.from_dict({**BASE, "environments": [EU, US]})
    return build_environments(app, config, build=build)


def test_each_environment_gets_its_own_stack_in_its_account_and_region(
    two_environments: dict[str, list[Stack]],
) -> None:
    eu, us = two_environments["eu"], two_environments["us"]

    assert [s.stack_name for s in eu] == ["shop-prod-eu-observability"]
    assert [s.stack_name for s in us] == ["shop-prod-us-observability"]
    assert (eu[0].account, eu[0].region) == ("111122223333", "eu-west-1")
    assert (us[0].account, us[0].region) == ("444455556666", "us-east-2")


def test_the_environments_stacks_are_independent(
    two_environments: dict[str, list[Stack]],
) -> None:
    for stacks in two_environments.values():
        for stack in stacks:
            assert stack.dependencies == []
            template = Template.from_stack(stack).to_json()
            assert "Fn::ImportValue" not in str(template)
            assert "Outputs" not in template or not any(
                "Export" in o for o in template["Outputs"].values()
            )


def test_the_overrides_reach_the_templates(two_environments: dict[str, list[Stack]]) -> None:
    eu = Template.from_stack(two_environments["eu"][0])
    us = Template.from_stack(two_environments["us"][0])

    eu.has_resource_properties(
        "AWS::Logs::LogGroup", {"LogGroupName": "/shop/prod/app", "RetentionInDays": 365}
    )
    us.has_resource_properties(
        "AWS::Logs::LogGroup", {"LogGroupName": "/shop/prod/app", "RetentionInDays": 30}
    )
    eu.has_resource_properties(
        "AWS::CloudWatch::Alarm", {"AlarmName": "shop-prod-errors", "Threshold": 5}
    )
    us.has_resource_properties(
        "AWS::CloudWatch::Alarm", {"AlarmName": "shop-prod-errors", "Threshold": 50}
    )
    us.has_resource_properties("AWS::SNS::Subscription", {"Endpoint": "us@example.com"})


def test_each_environment_places_its_units_with_a_lock_file_of_its_own(tmp_path: Path) -> None:
    from observability_blueprint.blueprint.stacks import build, write_locks

    config = Blueprint.from_dict({**BASE, "environments": [EU, US]})
    stacks = build(App(), config, lock_file=tmp_path / "shop.shards.json")
    assert sorted(p.name for p in write_locks(stacks)) == [
        "shop.eu.shards.json",
        "shop.us.shards.json",
    ]
    assert not (tmp_path / "shop.shards.json").exists()
    eu = json.loads((tmp_path / "shop.eu.shards.json").read_text())
    assert eu["shards"][0][:2] == ["area:core", "service:app"]
