"""Two shards of one blueprint deployed in order through moto's CloudFormation.

The second stack reads the first one's key and topic with ``Fn::GetStackOutput``
(weak references, docs/sharding.md). moto 5.2.5 resolves ``Fn::ImportValue`` but not
``Fn::GetStackOutput`` (moto/cloudformation/parsing.py), so here each read is
replaced by the output as the first stack's ``describe_stacks`` gives it: what
CloudFormation does when it creates the second stack. cfn-lint checks the
unreplaced templates (test_sharding.py).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from observability_blueprint import Blueprint, build
from observability_blueprint.blueprint.stacks import synthesize
from support import new_app, write_shard_lock

ACCOUNT = "111122223333"
REGION = "eu-west-1"
FIRST = "shop-dev-observability"
SECOND = "shop-dev-observability-2"


def _with_outputs(value: Any, outputs: dict[str, dict[str, str]]) -> Any:
    """``value`` with every ``Fn::GetStackOutput`` replaced by the output it reads."""
    if isinstance(value, dict):
        if set(value) == {"Fn::GetStackOutput"}:
            read = value["Fn::GetStackOutput"]
            assert read.get("Region", REGION) == REGION, read
            return outputs[read["StackName"]][read["OutputName"]]
        return {k: _with_outputs(v, outputs) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_outputs(v, outputs) for v in value]
    return value


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("shards")
    data = {
        "name": "shop",
        "stage": "dev",
        "env": {"account": ACCOUNT, "region": REGION},
        "notifications": [{"name": "ops", "subscribers": [{"email": "ops@example.com"}]}],
        "default_actions": {"alarm": [{"topic": "ops"}]},
        "log_groups": [
            {"name": name, "retention_days": 30, "queries": {"defaults": False}, "encrypted": True}
            for name in ("checkout", "search")
        ],
    }
    path = root / "shop.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")
    lock = root / "shop.shards.json"
    write_shard_lock(lock, [["area:core", "service:checkout"], ["service:search"]])
    app = new_app(root / "out")
    stacks = build(app, Blueprint.from_yaml(path), lock_file=lock)
    synthesize(app)
    return {
        s.stack_name: json.loads((root / "out" / f"{s.artifact_id}.template.json").read_text())
        for s in stacks
    }


def test_two_shards_deploy_in_order_and_the_second_uses_the_firsts_key(
    templates: dict[str, dict[str, Any]], moto_tools: Any
) -> None:
    assert sorted(templates) == [FIRST, SECOND]
    assert (moto_tools.account, moto_tools.region) == (ACCOUNT, REGION)
    strip, stripped, create_stack = moto_tools.strip, moto_tools.stripped, moto_tools.create_stack
    with moto_tools.moto_account():
        moto_tools.bootstrap(REGION)
        warnings = create_stack(
            FIRST, strip(templates[FIRST], FIRST, REGION, stripped).template, REGION
        )
        cloudformation = boto3.client("cloudformation", region_name=REGION)
        [first] = cloudformation.describe_stacks(StackName=FIRST)["Stacks"]
        assert first["StackStatus"] == "CREATE_COMPLETE"
        outputs = {FIRST: {o["OutputKey"]: o["OutputValue"] for o in first["Outputs"]}}
        second_template = _with_outputs(templates[SECOND], outputs)
        warnings += create_stack(
            SECOND, strip(second_template, SECOND, REGION, stripped).template, REGION
        )
        [second] = cloudformation.describe_stacks(StackName=SECOND)["Stacks"]
        assert second["StackStatus"] == "CREATE_COMPLETE"
        keys = boto3.client("kms", region_name=REGION).list_keys()["Keys"]
        groups = {
            g["logGroupName"]: g
            for g in boto3.client("logs", region_name=REGION).describe_log_groups()["logGroups"]
        }
    assert set(groups) >= {"/shop/dev/checkout", "/shop/dev/search"}, sorted(groups)
    [key] = keys
    # The first stack outputs its key's ARN and its topic's (the second stack's log
    # anomaly alarm notifies it); the second stack's log group is encrypted with that
    # key (moto's CloudFormation drops KmsKeyId when it creates a log group, so the
    # template it was handed is read instead).
    assert sorted(outputs[FIRST].values()) == sorted(
        [key["KeyArn"], f"arn:aws:sns:{REGION}:{ACCOUNT}:shop-dev-ops"]
    )
    [search] = [
        r for r in second_template["Resources"].values() if r["Type"] == "AWS::Logs::LogGroup"
    ]
    assert search["Properties"]["KmsKeyId"] == key["KeyArn"]
    assert not [w for w in warnings if "GetStackOutput" in w]
