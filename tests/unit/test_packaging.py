"""The package layout, the shipped schema and the limits' sources."""

from __future__ import annotations

import json
from pathlib import Path

import botocore.session
import pytest

from observability_blueprint.config.schema import blueprint_schema
from observability_blueprint.rules import limits
from support import ROOT


def test_import_constructs_is_the_installed_library() -> None:
    """`constructs/` is our source root and must never shadow the library."""
    import constructs

    assert hasattr(constructs, "Construct")
    assert Path(constructs.__file__).resolve().parent != (ROOT / "constructs").resolve()
    assert "site-packages" in Path(constructs.__file__).parts
    assert not (ROOT / "constructs" / "__init__.py").exists()


def test_package_is_typed() -> None:
    import observability_blueprint

    assert (Path(observability_blueprint.__file__).parent / "py.typed").exists()


def test_shipped_schema_equals_the_model() -> None:
    shipped = json.loads((ROOT / "blueprint.schema.json").read_text())
    assert shipped == blueprint_schema(), "run `make schema` and commit blueprint.schema.json"


def test_examples_point_editors_at_the_schema() -> None:
    assert (
        (ROOT / "blueprint.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=./blueprint.schema.json")
    )
    assert (
        (ROOT / "examples" / "full.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=../blueprint.schema.json")
    )


def test_schema_describes_the_fields() -> None:
    log_group = blueprint_schema()["$defs"]["LogGroup"]
    assert log_group["additionalProperties"] is False
    assert "retained" in log_group["properties"]["removal_policy"]["description"].lower() or (
        "retain" in log_group["properties"]["removal_policy"]["description"]
    )


@pytest.fixture(scope="module")
def models() -> dict[str, object]:
    session = botocore.session.get_session()
    return {name: session.get_service_model(name) for name in ("logs", "cloudwatch")}


def test_limits_match_the_botocore_models(models: dict[str, object]) -> None:
    logs = models["logs"]
    cloudwatch = models["cloudwatch"]
    shape = logs.shape_for("LogGroupName")  # type: ignore[attr-defined]
    assert shape.metadata["max"] == limits.LOG_GROUP_NAME_MAX
    assert shape.metadata["pattern"] == r"[\.\-_/#A-Za-z0-9]+"
    assert logs.shape_for("FilterPattern").metadata["max"] == limits.FILTER_PATTERN_MAX  # type: ignore[attr-defined]
    assert logs.shape_for("MetricName").metadata["max"] == limits.METRIC_NAME_MAX  # type: ignore[attr-defined]
    assert logs.shape_for("MetricValue").metadata["max"] == limits.METRIC_VALUE_MAX  # type: ignore[attr-defined]
    assert logs.shape_for("FilterName").metadata["max"] == limits.FILTER_NAME_MAX  # type: ignore[attr-defined]
    classes = logs.shape_for("LogGroupClass").enum  # type: ignore[attr-defined]
    assert set(limits.LOG_GROUP_CLASSES) <= set(classes)
    assert list(limits.METRIC_UNITS) == cloudwatch.shape_for("StandardUnit").enum  # type: ignore[attr-defined]


def test_data_identifiers_match_aws_cdk_lib() -> None:
    from aws_cdk import aws_logs

    names = {
        getattr(aws_logs.DataIdentifier, attr).name
        for attr in dir(aws_logs.DataIdentifier)
        if attr.isupper()
    }
    assert names == set(limits.MANAGED_DATA_IDENTIFIERS)
