"""Changing the example files and deploying them again: created, updated, deleted in moto.

Both examples are deployed into moto's CloudFormation once for this module
(this folder's conftest.py), then each file is changed as an operator would
change it (a log group and an alarm added, a retention changed, an alarm
removed, a topic's subscriber changed; names and stages kept, so the stacks
keep their names), synthesized again and given to ``update_stack`` through the
same strip list, and at last every stack is deleted. What exists is read
through the service APIs after each step, once, and the tests compare those
readings; they can run in any order.

What moto cannot show is said where it is checked instead:

- moto has no update for log groups: a changed one is handed over as created
  (``UPDATED_AS_CREATED`` in conftest.py), so a changed retention is checked in
  the template, together with CloudFormation's own rule that it is changed in
  place (the property is not create-only in the resource type's schema, the
  one cfn-lint ships);
- alarms and subscriptions are stripped (moto has no model for them): an
  added or removed alarm is seen on the alarms dashboard moto keeps, a changed
  subscriber in the template;
- moto deletes a retained resource that an update removes (CloudFormation
  keeps it), so these changes remove nothing retained and the update helper
  refuses one that does.

No AWS account is contacted: moto intercepts every call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import yaml
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER  # type: ignore[import-untyped]

from support import EXAMPLES, Synthesized, synthesize

pytestmark = pytest.mark.integration

ACCOUNT = "111122223333"
REGIONS = ("eu-west-1", "us-east-1")
SMALL, FULL = "shop-dev-observability", "payments-prod-observability"
US_EAST_1 = "payments-prod-observability-us-east-1"
MONITORS = "payments-prod-monitors-us-east-1"
"""The CloudFront distribution's alarms: its metrics are in us-east-1 only."""


def _change_small(data: dict[str, Any]) -> None:
    data["log_groups"].append({"name": "audit", "retention_days": 60})
    [worker] = [g for g in data["log_groups"] if g["name"] == "worker"]
    worker["retention_days"] = 7
    data["alarms"] = [a for a in data["alarms"] if a["name"] != "shop-unhealthy"]
    data["alarms"].append(
        {
            "name": "worker-errors",
            "metric": {"namespace": "Shop/Worker", "name": "Errors"},
            "threshold": 1,
            "comparison": ">=",
        }
    )
    [ops] = data["notifications"]
    ops["subscribers"] = [{"email": "oncall@example.com"}]


def _change_full(data: dict[str, Any]) -> None:
    data["log_groups"].append({"name": "refunds", "service": "refunds", "retention_days": 60})
    [edge] = [g for g in data["log_groups"] if g["name"] == "edge-access"]
    edge["retention_days"] = 60
    data["alarms"] = [a for a in data["alarms"] if a["name"] != "workers-busy"]
    data["alarms"].append(
        {
            "name": "refund-errors",
            "metric": {"namespace": "Payments/Refunds", "name": "Errors"},
            "threshold": 1,
            "comparison": ">=",
        }
    )
    [security] = [n for n in data["notifications"] if n["name"] == "security"]
    security["subscribers"] = [{"email": "secops@example.com"}]


CHANGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "blueprint.yaml": _change_small,
    "examples/full.yaml": _change_full,
}

# What the changes above mean, as an operator reading them expects it.
ADDED_LOG_GROUPS: dict[str, int | None] = {"/shop/dev/audit": 60, "/payments/prod/refunds": 60}
CHANGED_RETENTION: dict[str, tuple[int, int]] = {
    "/shop/dev/worker": (14, 7),
    "/payments/prod/edge-access": (30, 60),
}
REMOVED_ALARMS = {"shop-dev-shop-unhealthy", "payments-prod-workers-busy"}
ADDED_ALARMS = {
    "shop-dev-worker-errors",
    "payments-prod-refund-errors",
    # The added log groups get anomaly detection, with its alarm, by default.
    "shop-dev-audit-log-anomalies",
    "payments-prod-refunds-log-anomalies",
}
# stack -> (old endpoint, new endpoint): a new endpoint is a new subscription to confirm.
CHANGED_SUBSCRIBERS = {
    SMALL: ("ops@example.com", "oncall@example.com"),
    FULL: ("security@example.com", "secops@example.com"),
}
# The one log group a file marks `removal_policy: destroy` (examples/full.yaml).
DESTROYED_LOG_GROUPS = {"/payments/prod/data-protection-audit"}
RETAINED_TYPES = ("AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::S3::Bucket", "AWS::SQS::Queue")


@dataclass
class World:
    """What exists in moto at one step, read through the service APIs."""

    stacks: dict[str, str]
    """Stack name -> status."""
    resources: dict[str, dict[str, tuple[str, str]]]
    """Stack name -> logical id -> (type, physical id), for the stacks not deleted."""
    log_groups: dict[str, int | None]
    """Log group name -> retention in days (None: never expire)."""
    keys: set[str]
    queues: set[str]
    """Queue names."""
    buckets: set[str]
    dashboards: dict[str, str]
    """Dashboard name -> body."""
    topics: set[str]
    rules: set[str]
    parameters: set[str]


def _world(names: list[str]) -> World:
    world = World({}, {}, {}, set(), set(), set(), {}, set(), set(), set())
    for region in REGIONS:
        cloudformation = boto3.client("cloudformation", region_name=region)
        for summary in cloudformation.list_stacks()["StackSummaries"]:
            if summary["StackName"] in names:
                world.stacks[summary["StackName"]] = summary["StackStatus"]
                if summary["StackStatus"] == "DELETE_COMPLETE":
                    continue
                pages = cloudformation.get_paginator("list_stack_resources").paginate(
                    StackName=summary["StackName"]
                )
                world.resources[summary["StackName"]] = {
                    s["LogicalResourceId"]: (s["ResourceType"], s["PhysicalResourceId"])
                    for page in pages
                    for s in page["StackResourceSummaries"]
                }
        logs = boto3.client("logs", region_name=region)
        for page in logs.get_paginator("describe_log_groups").paginate():
            for group in page["logGroups"]:
                assert group["logGroupName"] not in world.log_groups, group["logGroupName"]
                world.log_groups[group["logGroupName"]] = group.get("retentionInDays")
        world.keys |= {
            k["KeyId"] for k in boto3.client("kms", region_name=region).list_keys()["Keys"]
        }
        urls = boto3.client("sqs", region_name=region).list_queues().get("QueueUrls", [])
        world.queues |= {url.rsplit("/", 1)[1] for url in urls}
        cloudwatch = boto3.client("cloudwatch", region_name=region)
        for entry in cloudwatch.list_dashboards()["DashboardEntries"]:
            name = entry["DashboardName"]
            world.dashboards[name] = cloudwatch.get_dashboard(DashboardName=name)["DashboardBody"]
        topics = boto3.client("sns", region_name=region).list_topics()["Topics"]
        world.topics |= {t["TopicArn"] for t in topics}
        rules = boto3.client("events", region_name=region).list_rules()["Rules"]
        world.rules |= {r["Arn"] for r in rules}
        parameters = boto3.client("ssm", region_name=region).describe_parameters()["Parameters"]
        world.parameters |= {f"{region}:{p['Name']}" for p in parameters}
    world.buckets = {b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]}
    return world


@dataclass
class Updated:
    """The update step: what was done to each stack, and what exists after it."""

    stacks: dict[str, Any]
    """Stack name -> conftest's StackUpdate."""
    world: World


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synthesized]:
    """Both example files, changed by :data:`CHANGES` and synthesized once."""
    found = {}
    for name, path in EXAMPLES.items():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        CHANGES[name](data)
        folder = tmp_path_factory.mktemp("changed-" + name.replace("/", "-"))
        copy = folder / path.name
        copy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        # The files the example names (Prometheus rule files) go with it.
        for rule_file in (data.get("prometheus") or {}).get("rules", {}).get("files", []):
            if "path" in rule_file:
                target = folder / rule_file["path"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes((path.parent / rule_file["path"]).read_bytes())
        found[name] = synthesize(copy, folder / "cdk.out")
        assert found[name].nag_error is None, found[name].nag_error
    return found


@pytest.fixture(scope="module")
def names(deployment: Any) -> list[str]:
    return [stack.name for stack in deployment.stacks]


@pytest.fixture(scope="module")
def created(deployment: Any, names: list[str]) -> World:
    return _world(names)


@pytest.fixture(scope="module")
def updated(
    deployment: Any,
    created: World,
    changed: dict[str, Synthesized],
    stack_updater: Callable[..., dict[str, Any]],
    names: list[str],
) -> Updated:
    return Updated(stack_updater(deployment, changed), _world(names))


@pytest.fixture(scope="module")
def deleted(deployment: Any, updated: Updated, names: list[str]) -> World:
    for stack in deployment.stacks:
        cloudformation = boto3.client("cloudformation", region_name=stack.region)
        cloudformation.delete_stack(StackName=stack.name)
    return _world(names)


def _alarm_arn(name: str) -> str:
    return f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:{name}"


def _by_name(template: dict[str, Any], resource_type: str, prop: str) -> dict[str, str]:
    """Logical ids of one type by the value of a (plain) name property."""
    return {
        resource["Properties"][prop]: logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type and isinstance(resource["Properties"][prop], str)
    }


def _alarm_names(template: dict[str, Any]) -> set[str]:
    return {
        resource["Properties"]["AlarmName"]
        for resource in template["Resources"].values()
        if resource["Type"] in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
    }


# ------------------------------------------------------------------ the update


def test_the_changed_stacks_are_updated_and_the_other_one_is_left_alone(
    created: World, updated: Updated
) -> None:
    assert created.stacks == dict.fromkeys([SMALL, FULL, US_EAST_1, MONITORS], "CREATE_COMPLETE")
    assert updated.world.stacks == {
        SMALL: "UPDATE_COMPLETE",
        FULL: "UPDATE_COMPLETE",
        # Nothing they hold changed: the template is the same, and `cdk deploy` skips it.
        US_EAST_1: "CREATE_COMPLETE",
        MONITORS: "CREATE_COMPLETE",
    }
    assert {name: u.updated for name, u in updated.stacks.items()} == {
        SMALL: True,
        FULL: True,
        US_EAST_1: False,
        MONITORS: False,
    }
    for name, update in updated.stacks.items():
        # What the stack holds now is what the changed template has (less what is stripped).
        assert {
            logical_id: resource_type
            for logical_id, (resource_type, _) in updated.world.resources[name].items()
        } == {
            logical_id: resource["Type"]
            for logical_id, resource in update.after.deployed["Resources"].items()
        }, name
        assert [w for w in update.warnings if "not supported by moto" in w] == [], name


def test_added_log_groups_exist_with_their_retention(created: World, updated: Updated) -> None:
    assert not set(ADDED_LOG_GROUPS) & set(created.log_groups)
    assert {name: updated.world.log_groups.get(name) for name in ADDED_LOG_GROUPS} == (
        ADDED_LOG_GROUPS
    )
    # Each is a new resource of an updated stack, with its name as the physical id.
    added = {
        physical_id
        for name in (SMALL, FULL)
        for resource_type, physical_id in updated.world.resources[name].values()
        if resource_type == "AWS::Logs::LogGroup"
    } - {
        physical_id
        for name in (SMALL, FULL)
        for resource_type, physical_id in created.resources[name].values()
        if resource_type == "AWS::Logs::LogGroup"
    }
    assert added == set(ADDED_LOG_GROUPS)
    # Every other log group is as it was (moto keeps the changed ones as created: below).
    assert {k: v for k, v in updated.world.log_groups.items() if k not in ADDED_LOG_GROUPS} == (
        created.log_groups
    )


def test_a_changed_retention_is_an_in_place_change_moto_is_not_asked_to_make(
    updated: Updated, update_list: dict[str, str]
) -> None:
    checked = set()
    for update in updated.stacks.values():
        before = _by_name(update.before.synthesized, "AWS::Logs::LogGroup", "LogGroupName")
        after = _by_name(update.after.synthesized, "AWS::Logs::LogGroup", "LogGroupName")
        for group in set(CHANGED_RETENTION) & set(before):
            # The same resource (same logical id), with the new retention.
            assert after[group] == before[group], group
            old = update.before.synthesized["Resources"][before[group]]["Properties"]
            new = update.after.synthesized["Resources"][after[group]]["Properties"]
            assert (old["RetentionInDays"], new["RetentionInDays"]) == CHANGED_RETENTION[group]
            # CloudFormation changes it in place: nothing create-only differs.
            assert _create_only_changes("AWS::Logs::LogGroup", old, new) == set(), group
            checked.add(group)
    assert checked == set(CHANGED_RETENTION)
    # Exactly those log groups were handed to moto as created, which keeps them (with
    # their old retention: test_added_log_groups_exist_with_their_retention), and every
    # entry of the list was needed.
    handed_over = {
        (resource["Type"], resource["Properties"]["LogGroupName"])
        for update in updated.stacks.values()
        for resource in (update.after.synthesized["Resources"][i] for i in update.as_created)
    }
    assert handed_over == {("AWS::Logs::LogGroup", group) for group in CHANGED_RETENTION}
    assert {resource_type for resource_type, _ in handed_over} == set(update_list)


def _pointer(properties: dict[str, Any], pointer: str) -> Any:
    value: Any = properties
    for part in pointer.split("/")[2:]:  # "/properties/A/B"
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _create_only_changes(resource_type: str, old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """The create-only properties (CloudFormation replaces the resource) that differ."""
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("eu-west-1", resource_type).schema
    return {
        pointer
        for pointer in schema.get("createOnlyProperties", [])
        if _pointer(old, pointer) != _pointer(new, pointer)
    }


def test_nothing_is_replaced_but_the_subscription_of_a_changed_subscriber(
    created: World, updated: Updated
) -> None:
    for name in (SMALL, FULL, US_EAST_1):
        before, after = created.resources[name], updated.world.resources[name]
        # In moto: every resource the update kept has the physical id it had.
        kept = set(before) & set(after)
        assert {lid: after[lid] for lid in kept} == {lid: before[lid] for lid in kept}, name
        # Only what the update added or removed differs.
        update = updated.stacks[name]
        assert set(after) - set(before) == (
            set(update.after.deployed["Resources"]) - set(update.before.deployed["Resources"])
        )
        assert set(before) - set(after) == set(), name
    # In CloudFormation: of all the changed resources (stripped ones too), only the
    # changed subscriptions change a create-only property, so only they are replaced.
    replaced = {}
    for name, update in updated.stacks.items():
        old, new = update.before.synthesized["Resources"], update.after.synthesized["Resources"]
        for logical_id in set(old) & set(new):
            if old[logical_id] == new[logical_id]:
                continue
            resource_type = new[logical_id]["Type"]
            assert resource_type == old[logical_id]["Type"], logical_id
            changes = _create_only_changes(
                resource_type,
                old[logical_id].get("Properties", {}),
                new[logical_id].get("Properties", {}),
            )
            if changes:
                replaced[name] = (
                    resource_type,
                    changes,
                    old[logical_id]["Properties"]["Endpoint"],
                    new[logical_id]["Properties"]["Endpoint"],
                )
    assert replaced == {
        name: ("AWS::SNS::Subscription", {"/properties/Endpoint"}, *endpoints)
        for name, endpoints in CHANGED_SUBSCRIBERS.items()
    }


def test_alarm_dashboards_drop_the_removed_alarm_and_show_the_added_one(
    created: World, updated: Updated
) -> None:
    before = set().union(*(_alarm_names(u.before.synthesized) for u in updated.stacks.values()))
    after = set().union(*(_alarm_names(u.after.synthesized) for u in updated.stacks.values()))
    assert (before - after, after - before) == (REMOVED_ALARMS, ADDED_ALARMS)
    # moto has no CloudFormation model for alarms: none was ever created, so the
    # alarms dashboard, which moto updates, is where the change shows.
    assert (
        boto3.client("cloudwatch", region_name="eu-west-1").describe_alarms()["MetricAlarms"] == []
    )
    for prefix, removed, added in (
        ("shop-dev", "shop-dev-shop-unhealthy", "shop-dev-worker-errors"),
        ("payments-prod", "payments-prod-workers-busy", "payments-prod-refund-errors"),
    ):
        dashboard = f"{prefix}-eu-west-1-alarms"
        old, new = created.dashboards[dashboard], updated.world.dashboards[dashboard]
        assert _alarm_arn(removed) in old, dashboard
        assert _alarm_arn(removed) not in new, dashboard
        assert _alarm_arn(added) not in old, dashboard
        assert _alarm_arn(added) in new, dashboard
    assert set(updated.world.dashboards) == set(created.dashboards)


# ------------------------------------------------------------------ the delete


def test_deleting_the_updated_stacks_keeps_what_the_files_retain(
    updated: Updated, deleted: World
) -> None:
    assert deleted.stacks == dict.fromkeys([SMALL, FULL, US_EAST_1, MONITORS], "DELETE_COMPLETE")
    # What the templates retain: log groups (but one), keys, queues, buckets.
    retained = {
        (resource["Type"], resource.get("DeletionPolicy"))
        for update in updated.stacks.values()
        for resource in update.after.synthesized["Resources"].values()
        if resource["Type"] in RETAINED_TYPES
    }
    assert retained == {(t, "Retain") for t in RETAINED_TYPES} | {("AWS::Logs::LogGroup", "Delete")}
    # Log groups outlive the stacks with their retention, the added ones too.
    assert deleted.log_groups == {
        name: days
        for name, days in updated.world.log_groups.items()
        if name not in DESTROYED_LOG_GROUPS
    }
    assert set(ADDED_LOG_GROUPS) <= set(deleted.log_groups)
    physical = {
        resource_type: {
            physical_id
            for resources in updated.world.resources.values()
            for kind, physical_id in resources.values()
            if kind == resource_type
        }
        for resource_type in RETAINED_TYPES
    }
    queues = {url.rsplit("/", 1)[1] for url in physical["AWS::SQS::Queue"]}
    for kept, left in (
        (physical["AWS::KMS::Key"], deleted.keys),
        (queues, deleted.queues),
        (physical["AWS::S3::Bucket"], deleted.buckets),
    ):
        assert kept
        assert kept <= left
    # Dashboards, topics, rules and parameters go with their stacks.
    assert updated.world.dashboards
    assert deleted.dashboards == {}
    assert deleted.topics == {f"arn:aws:sns:eu-west-1:{ACCOUNT}:payments-status-page"}
    assert updated.world.rules
    assert deleted.rules == set()
    assert deleted.parameters == {f"{r}:/cdk-bootstrap/hnb659fds/version" for r in REGIONS}
