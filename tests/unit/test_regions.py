"""The Region list in rules/ is botocore's, and Region fields of the file are checked with it."""

from __future__ import annotations

import json
from pathlib import Path

import botocore
import pytest

from observability_blueprint import Blueprint, BlueprintError
from observability_blueprint.rules.regions import (
    ALL_REGIONS,
    OPT_IN_REGIONS,
    REGIONS,
    check_region,
    partition_of,
)

BOTOCORE_DATA = Path(botocore.__file__).parent / "data"


def _botocore_regions(name: str, key: str) -> dict[str, set[str]]:
    data = json.loads((BOTOCORE_DATA / name).read_text(encoding="utf-8"))
    return {
        partition[key]: {r for r in partition["regions"] if not r.endswith("-global")}
        for partition in data["partitions"]
    }


def test_the_list_is_botocores_partitions_data() -> None:
    """A failure here names the Regions to add to (or drop from) rules/regions.py."""
    listed = {partition: set(names) for partition, names in REGIONS.items()}
    assert listed == _botocore_regions("partitions.json", "id")


def test_every_region_of_botocores_endpoints_is_listed() -> None:
    for partition, names in _botocore_regions("endpoints.json", "partition").items():
        assert names <= set(REGIONS[partition]), partition


def test_opt_in_regions_are_regions_of_the_aws_partition() -> None:
    assert set(REGIONS["aws"]) >= OPT_IN_REGIONS
    assert check_region("il-central-1") is None
    assert check_region("ap-southeast-7") is None


@pytest.mark.parametrize(
    ("region", "partition"),
    [("eu-west-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")],
)
def test_regions_of_every_partition_are_accepted(region: str, partition: str) -> None:
    assert region in ALL_REGIONS
    assert check_region(region) is None
    assert partition_of(region) == partition


def test_a_name_that_is_not_a_region_is_refused_with_a_suggestion() -> None:
    assert check_region("eu-mars-1") == (
        "'eu-mars-1' is not an AWS Region (did you mean eu-west-1?); use a Region name such as "
        "eu-west-1 or us-east-1 (the 48 Regions of botocore's partitions, opt-in Regions "
        "included)"
    )
    assert "did you mean eu-west-1?" in (check_region("EU-WEST-1") or "")
    assert partition_of("eu-mars-1") is None


def test_a_long_name_is_echoed_cut() -> None:
    message = check_region("x" * 5000) or ""
    assert message.startswith(f"'{'x' * 40}...' is not an AWS Region;")
    assert len(message) < 200


def _problems(data: dict[str, object]) -> list[str]:
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict({"name": "shop", "stage": "dev", **data})
    return [str(p) for p in caught.value.problems]


def test_env_region_must_be_a_region() -> None:
    [problem] = _problems({"env": {"region": "eu-mars-1"}})
    assert problem.startswith("env.region: 'eu-mars-1' is not an AWS Region (did you mean")


def test_every_field_named_region_is_checked() -> None:
    """hosts.fleets[].region has its own shape check; the Region list applies to it too."""
    fleet = {"name": "web", "mode": "onPremise", "region": "us-moon-1"}
    fleet["targets"] = [{"tag": "role", "values": ["web"]}]  # type: ignore[assignment]
    [problem] = _problems({"hosts": {"fleets": [fleet]}})
    assert problem.startswith("hosts.fleets[0].region: 'us-moon-1' is not an AWS Region;")


def test_the_region_of_an_arn_is_checked_wherever_the_arn_is() -> None:
    sqs = "arn:aws:sqs:eu-mars-1:111122223333:alerts"
    [problem] = _problems({"notifications": [{"name": "ops", "subscribers": [{"sqs": sqs}]}]})
    assert problem.startswith(
        f"notifications[0].subscribers[0].sqs: the ARN '{sqs}' names a Region that is not one: "
        "'eu-mars-1' is not an AWS Region (did you mean eu-west-1?)"
    )


def test_arns_without_a_region_or_with_a_wildcard_are_left_to_their_own_rules() -> None:
    from observability_blueprint.config.base import _arn_region_problem

    assert _arn_region_problem("arn:aws:iam::111122223333:role/x") is None
    assert _arn_region_problem(["arn:aws:ec2:*:111122223333:instance/*"]) is None
    assert _arn_region_problem({"a": ["arn:aws:sns:cn-north-1:111122223333:t"]}) is None
    assert "'us-moon-1' is not an AWS Region" in (
        _arn_region_problem({"a": ["arn:aws:sns:us-moon-1:111122223333:t"]}) or ""
    )
