"""Every Python example in the README runs as written and does what the README says.

Each block is run, then its result is checked against literal values: what the
template holds, which error is raised. An example that shows an error
(``try: ... except BlueprintError as error:``) must raise it; a block without a
check here fails ``test_every_python_block_has_a_check``.
"""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk.assertions import Template

from support import ROOT, properties

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def _run(block: str, name: str) -> dict[str, Any]:
    """Run a README block and return its names.

    A top-level ``try`` must take its ``except`` branch: its body is run expecting
    the handler's exception, then the handler with the exception bound.
    """
    namespace: dict[str, Any] = {}
    for statement in ast.parse(block).body:
        if not isinstance(statement, ast.Try):
            _exec([statement], namespace, name)
            continue
        [handler] = statement.handlers
        assert handler.type is not None
        assert handler.name is not None
        expected = eval(compile(ast.Expression(handler.type), name, "eval"), namespace)
        with pytest.raises(expected) as caught:
            _exec(statement.body, namespace, name)
        namespace[handler.name] = caught.value
        _exec(handler.body, namespace, name)
    return namespace


def _exec(statements: list[ast.stmt], namespace: dict[str, Any], name: str) -> None:
    module = ast.Module(body=statements, type_ignores=[])
    exec(compile(module, name, "exec"), namespace)


# ------------------------------------------------------------ the checks


def _alarms(names: dict[str, Any]) -> None:
    template = Template.from_stack(names["stack"])
    [alarm] = properties(template, "AWS::CloudWatch::Alarm")
    assert (alarm["MetricName"], alarm["Threshold"], alarm["EvaluationPeriods"]) == (
        "CPUUtilization",
        95,
        3,
    )
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["AlarmActions"][0]["Fn::Join"][1][-1] == ":ec2:reboot"
    stack = names["stack"]
    hot = stack.get_logical_id(names["hot"].alarm.node.default_child)
    pager = stack.get_logical_id(names["pager"].node.default_child)
    [page] = properties(template, "AWS::CloudWatch::CompositeAlarm")
    rule = page["AlarmRule"]["Fn::Join"][1]
    assert rule[:3] == ["ALARM(", {"Fn::GetAtt": [hot, "Arn"]}, ") AND NOT ALARM(arn:"]
    assert rule[-1] == ":alarm:maintenance)"
    assert page["AlarmActions"] == [{"Ref": pager}]


def _logs(names: dict[str, Any]) -> None:
    template: Template = names["template"]
    [group] = properties(template, "AWS::Logs::LogGroup")
    assert (group["LogGroupName"], group["RetentionInDays"]) == ("/checkout/prod/api", 90)
    assert "KmsKeyId" in group
    metrics = {
        t["MetricName"]: t["MetricNamespace"]
        for props in properties(template, "AWS::Logs::MetricFilter")
        for t in props["MetricTransformations"]
    }
    assert metrics == {
        "Timeouts": "Checkout",
        "Errors": "Checkout/Api",
        "Latency": "Checkout/Api",
        "ServerErrors": "Checkout/Api",
        "ClientErrors": "Checkout/Api",
        "ResponseBytes": "Checkout/Api",
    }
    [subscription] = properties(template, "AWS::SNS::Subscription")
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", "oncall@example.com")
    [topic] = properties(template, "AWS::SNS::Topic")
    assert "KmsMasterKeyId" in topic


def _blueprint(names: dict[str, Any]) -> None:
    assert names["stack"].stack_name == "shop-dev-observability"


def _error(names: dict[str, Any]) -> None:
    assert str(names["error"]).startswith(
        "Demo/Logs.retention_days: 42 is not a CloudWatch Logs retention; use one of 1, 3,"
    )


def _transformed(names: dict[str, Any]) -> None:
    template = Template.from_stack(names["stack"])
    [transformer] = properties(template, "AWS::Logs::Transformer")
    assert transformer["TransformerConfig"] == [{"Grok": {"Match": "%{NGINX_ACCESS_LOG}"}}]
    [metric_filter] = properties(template, "AWS::Logs::MetricFilter")
    assert metric_filter["ApplyOnTransformedLogs"] is True
    assert metric_filter["FilterPattern"] == "{ $.status_code >= 500 }"


def _deploy_rules(names: dict[str, Any]) -> None:
    message = str(names["error"])
    assert "OBS-LogsRegexPerLogGroup" in message
    assert "Api/Logs/Filter5" in message


def _discovered(names: dict[str, Any]) -> None:
    template = Template.from_stack(names["shop"])
    stack = names["shop"]
    worker = stack.get_logical_id(names["worker"].node.default_child)
    jobs = stack.get_logical_id(names["jobs"].node.default_child)
    alarms = properties(template, "AWS::CloudWatch::Alarm")
    errors = [a for a in alarms if a.get("MetricName") == "Errors"]
    assert [e["Dimensions"] for e in errors] == [
        [{"Name": "FunctionName", "Value": {"Ref": worker}}]
    ]
    ages = [a for a in alarms if a.get("MetricName") == "ApproximateAgeOfOldestMessage"]
    assert ages[0]["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [jobs, "QueueName"]}}
    ]
    assert ages[0]["Threshold"] == 600
    # 0.8 of the 30 s timeout, in milliseconds (AWS: "a percentage of the timeout").
    [duration] = [a for a in alarms if a.get("MetricName") == "Duration"]
    assert duration["Threshold"] == 24_000
    [health] = properties(template, "AWS::CloudWatch::CompositeAlarm")
    pager = stack.get_logical_id(names["pager"].node.default_child)
    assert health["AlarmActions"] == [{"Ref": pager}]
    assert all("AlarmActions" not in a for a in alarms)


# A marker that names the block (a line only it has) and the check of its result.
CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "RuleCompositeAlarm(": _alarms,
    "StructuredLogMetrics(stack": _logs,
    'Blueprint.from_yaml("blueprint.yaml")': _blueprint,
    "retention_days=42": _error,
    "target=shop,": _discovered,
    'add_transformer(log_format="nginx_combined")': _transformed,
    "add_deploy_checks(app)": _deploy_rules,
}


def _check(block: str) -> Callable[[dict[str, Any]], None]:
    [check] = [check for marker, check in CHECKS.items() if marker in block]
    return check


def test_every_python_block_has_a_check() -> None:
    assert [[marker for marker in CHECKS if marker in block] for block in BLOCKS] == [
        [marker] for marker in CHECKS
    ]


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs_and_does_what_it_says(
    index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    names = _run(BLOCKS[index], f"README.md python block {index + 1}")
    _check(BLOCKS[index])(names)


def test_the_two_commands_of_the_readme_are_make_targets() -> None:
    commands = re.findall(r"^make (\w+) ", README, flags=re.MULTILINE)
    assert commands[:2] == ["synth", "test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in commands[:2]:
        assert re.search(rf"^{target}:", makefile, flags=re.MULTILINE), target


def test_readme_test_pattern_example_runs() -> None:
    """The first shell line of the test-pattern example, run as written."""
    block = next(
        b for b in re.findall(r"```sh\n(.*?)```", README, re.DOTALL) if "test-pattern" in b
    )
    command = block.split("\n.venv/bin/obs-blueprint test-pattern '[")[0]
    result = subprocess.run(
        ["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert '{"level":"ERROR","service":"checkout"}' in result.stdout
    assert '"INFO"' not in result.stdout
