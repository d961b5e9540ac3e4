"""SignInAlerts: root sign-ins and console sign-in failures, notified or forwarded from us-east-1.

The rules' event patterns are matched against console sign-in records (the
CloudTrail records of ``tests/unit/filter_patterns/test_cis_patterns.py``, in
the EventBridge envelope) with a small matcher of EventBridge's rules for the
operators used; the input transformer is applied the way EventBridge applies it.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from aws_cdk import Environment, Stack
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match, Template

from observability_blueprint import BlueprintError
from observability_blueprint.audit.signin_alerts import SignInAlerts
from support import new_app, new_stack, resources

ACCOUNT = "111122223333"


def _records_module() -> ModuleType:
    path = Path(__file__).parent / "filter_patterns" / "test_cis_patterns.py"
    spec = importlib.util.spec_from_file_location("cis_records_for_signin", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RECORDS = _records_module()


def envelope(record: str) -> dict[str, Any]:
    """A console sign-in CloudTrail record as EventBridge delivers it."""
    return {
        "version": "0",
        "id": "6f87d04b-9f74-4f04-a780-7acf4b0a9b38",
        "detail-type": "AWS Console Sign In via CloudTrail",
        "source": "aws.signin",
        "account": RECORDS.ACCOUNT,
        "time": "2024-05-02T09:14:03Z",
        "region": "us-east-1",
        "resources": [],
        "detail": json.loads(record),
    }


ROOT_SUCCESS = envelope(RECORDS.console_login(RECORDS._root(), mfa_used="Yes"))
ROOT_FAILURE = envelope(RECORDS.console_login(RECORDS._root(), success=False))
USER_SUCCESS = envelope(RECORDS.console_login(RECORDS._iam_user()))
USER_FAILURE = envelope(RECORDS.console_login(RECORDS._iam_user("bob"), success=False))
SSO_SUCCESS = envelope(RECORDS.console_login(RECORDS._assumed_role()))
NOT_A_SIGN_IN = {**USER_FAILURE, "detail-type": "AWS API Call via CloudTrail"}


def matches(pattern: dict[str, Any], event: Any) -> bool:
    """EventBridge matching for the operators these rules use: values and anything-but."""
    if not isinstance(event, dict):
        return False
    for key, expected in pattern.items():
        if key not in event:
            return False
        value = event[key]
        if isinstance(expected, dict):
            if not matches(expected, value):
                return False
            continue
        values = value if isinstance(value, list) else [value]
        if not any(_matches_one(option, v) for option in expected for v in values):
            return False
    return True


def _matches_one(option: Any, value: Any) -> bool:
    if isinstance(option, dict):
        [(operator, operand)] = option.items()
        assert operator == "anything-but", operator
        return value != operand
    return bool(option == value)


def transform(target: dict[str, Any], event: dict[str, Any]) -> str:
    """Apply an InputTransformer to an event, as EventBridge does for a string template."""
    transformer = target["InputTransformer"]
    values = {}
    for name, path in transformer["InputPathsMap"].items():
        value: Any = event
        for part in path.removeprefix("$.").split("."):
            value = value.get(part) if isinstance(value, dict) else None
        values[name] = value
    template: str = transformer["InputTemplate"]
    text = re.sub(r"<([^<>]+)>", lambda m: str(values[m.group(1)]), template)
    decoded: str = json.loads(text)
    return decoded


@dataclass
class Built:
    templates: dict[str, Template]
    stacks: dict[str, Stack]

    def rules(self, name: str) -> dict[str, dict[str, Any]]:
        """Rules of a stack by their name's end: root-sign-in, sign-in-failures."""
        return {
            r["Properties"]["Name"].removeprefix("shop-dev-"): r["Properties"]
            for r in resources(self.templates[name], "AWS::Events::Rule").values()
        }


@pytest.fixture(scope="module")
def built() -> Built:
    app = new_app()
    stacks = {
        "East": Stack(app, "East", env=Environment(account=ACCOUNT, region="us-east-1")),
        "Home": Stack(app, "Home", env=Environment(account=ACCOUNT, region="eu-west-1")),
        "Forward": Stack(app, "Forward", env=Environment(account=ACCOUNT, region="us-east-1")),
        "Agnostic": Stack(app, "Agnostic"),
        "FailuresOnly": Stack(
            app, "FailuresOnly", env=Environment(account=ACCOUNT, region="us-east-1")
        ),
    }
    for name in ("East", "Home", "Agnostic"):
        SignInAlerts(
            stacks[name],
            "SignIn",
            topics=[sns.Topic(stacks[name], "Topic")],
            rule_name_prefix="shop-dev",
        )
    SignInAlerts(
        stacks["Forward"], "SignIn", forward_to_region="eu-west-1", rule_name_prefix="shop-dev"
    )
    SignInAlerts(
        stacks["FailuresOnly"],
        "SignIn",
        topics=[sns.Topic(stacks["FailuresOnly"], "Topic")],
        root=False,
        rule_name_prefix="shop-dev",
    )
    return Built({name: Template.from_stack(stack) for name, stack in stacks.items()}, stacks)


# ------------------------------------------------------------ the patterns


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (ROOT_SUCCESS, True),
        (ROOT_FAILURE, True),
        (USER_SUCCESS, False),
        (USER_FAILURE, False),
        (SSO_SUCCESS, False),
    ],
    ids=["root success", "root failure", "user success", "user failure", "sso"],
)
def test_root_rule(built: Built, event: dict[str, Any], expected: bool) -> None:
    assert matches(built.rules("East")["root-sign-in"]["EventPattern"], event) is expected


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (USER_FAILURE, True),
        (USER_SUCCESS, False),
        (SSO_SUCCESS, False),
        (ROOT_FAILURE, False),  # the root rule reports it: one notification, not two
        (NOT_A_SIGN_IN, False),
    ],
    ids=["user failure", "user success", "sso", "root failure", "api call"],
)
def test_failure_rule(built: Built, event: dict[str, Any], expected: bool) -> None:
    assert matches(built.rules("East")["sign-in-failures"]["EventPattern"], event) is expected


def test_without_the_root_rule_failures_include_root(built: Built) -> None:
    rules = built.rules("FailuresOnly")
    assert set(rules) == {"sign-in-failures"}
    assert matches(rules["sign-in-failures"]["EventPattern"], ROOT_FAILURE)


# ------------------------------------------------------------ the messages


def test_root_message_reads_well(built: Built) -> None:
    [target] = built.rules("East")["root-sign-in"]["Targets"]
    assert transform(target, ROOT_SUCCESS) == (
        f"Root user console sign-in to AWS account {RECORDS.ACCOUNT}: Success at "
        "2024-05-02T09:14:03Z from 198.51.100.23 (MFA used: Yes; user agent: "
        f"{RECORDS.USER_AGENT_BROWSER}). If nobody expected this, treat the root credentials "
        "as compromised."
    )


def test_failure_message_reads_well(built: Built) -> None:
    [target] = built.rules("East")["sign-in-failures"]["Targets"]
    assert transform(target, USER_FAILURE) == (
        f"Failed console sign-in to AWS account {RECORDS.ACCOUNT} at 2024-05-02T09:14:03Z: "
        "user bob (IAMUser) from 198.51.100.23: Failed authentication."
    )


def test_topic_mode_publishes_to_the_topic(built: Built) -> None:
    stack = built.stacks["East"]
    topic = stack.resolve(stack.node.find_child("Topic").node.default_child.ref)  # type: ignore[union-attr]
    for rule in built.rules("East").values():
        [target] = rule["Targets"]
        assert target["Arn"] == topic
        assert "RoleArn" not in target
    built.templates["East"].has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "sns:Publish",
                                "Principal": {"Service": "events.amazonaws.com"},
                            }
                        )
                    ]
                )
            }
        },
    )


# ------------------------------------------------------------ forwarding


def test_forwarding_rules_send_the_events_to_the_home_bus(built: Built) -> None:
    bus = f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/default"
    rules = built.rules("Forward")
    assert set(rules) == {"root-sign-in", "sign-in-failures"}
    home = built.rules("Home")
    for name, rule in rules.items():
        [target] = rule["Targets"]
        assert target["Arn"] == bus
        assert "InputTransformer" not in target  # forwarded unchanged; the home rule formats
        assert "RoleArn" in target
        # The home rule matches what is forwarded.
        assert rule["EventPattern"] == home[name]["EventPattern"]
    [policy] = [
        r["Properties"]["PolicyDocument"]["Statement"]
        for r in resources(built.templates["Forward"], "AWS::IAM::Policy").values()
    ]
    assert policy == [{"Action": "events:PutEvents", "Effect": "Allow", "Resource": bus}]
    built.templates["Forward"].resource_count_is("AWS::SNS::Topic", 0)


# ------------------------------------------------------------ Regions


def test_a_home_region_rule_says_where_the_events_come_from(built: Built) -> None:
    Annotations.from_stack(built.stacks["Home"]).has_info(
        "/Home/SignIn", Match.string_like_regexp(r"forward_to_region='eu-west-1'")
    )
    Annotations.from_stack(built.stacks["Agnostic"]).has_warning(
        "/Agnostic/SignIn", Match.string_like_regexp("reach EventBridge only in us-east-1")
    )
    east = Annotations.from_stack(built.stacks["East"])
    east.has_no_info("/East/SignIn", Match.any_value())
    east.has_no_warning("/East/SignIn", Match.any_value())


@pytest.mark.parametrize(
    ("region", "kwargs", "message"),
    [
        (
            "us-east-1",
            {},
            "Test/SignIn: give exactly one of topics (notify them) and forward_to_region",
        ),
        (
            "us-east-1",
            {"forward_to_region": "europe"},
            "Test/SignIn.forward_to_region: 'europe' is not an AWS Region",
        ),
        (
            "us-east-1",
            {"forward_to_region": "us-east-1"},
            "Test/SignIn.forward_to_region: us-east-1: the events are delivered there already",
        ),
        (
            "eu-west-1",
            {"forward_to_region": "eu-central-1"},
            "Test/SignIn.forward_to_region: forwarding rules belong in a us-east-1 stack",
        ),
        (
            "us-east-1",
            {"forward_to_region": "eu-west-1", "root": False, "failures": False},
            "Test/SignIn: root and failures are both False: nothing to alert on",
        ),
        (
            "us-east-1",
            {"forward_to_region": "eu-west-1", "rule_name_prefix": "x" * 50},
            "Test/SignIn.rule_name_prefix: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' "
            "makes the rule name",
        ),
    ],
)
def test_bad_input_is_refused(region: str, kwargs: dict[str, Any], message: str) -> None:
    _, stack = new_stack(env=Environment(account=ACCOUNT, region=region))
    with pytest.raises(BlueprintError) as caught:
        SignInAlerts(stack, "SignIn", **kwargs)
    assert str(caught.value).startswith(message)
