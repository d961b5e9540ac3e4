"""``obs-blueprint grafana push``: the file's dashboards into the deployed Grafana workspace.

CloudFormation (DescribeStacks) and the workspace token calls are played with
botocore's Stubber (moto has no Grafana backend: test_grafana_provisioning.py
checks it); the Grafana HTTP API is the local stub of tests/grafana_stub.py on
127.0.0.1. Nothing reaches AWS: tests/conftest.py fails any connection that
leaves this machine.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from grafana_stub import REQUEST_TIMEOUT, TOKEN, StubGrafana
from observability_blueprint.blueprint.grafana_dashboards import service_queries
from observability_blueprint.cli import grafana as grafana_cli
from observability_blueprint.cli.deployed import main_stack_name
from observability_blueprint.cli.grafana import push_main
from observability_blueprint.cli.main import main
from observability_blueprint.config.blueprint import Blueprint

REGION = "eu-west-1"
STACK = "shop-dev-observability"
WORKSPACE = "g-0123456789"
ENDPOINT = "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0123/"
# The keys aws-cdk-lib gives the outputs of the blueprint construct ("Blueprint"):
# the construct path and 8 hex digits of its hash, as a deployed stack lists them.
WORKSPACE_KEY = "BlueprintGrafanaWorkspaceId3D908317"
ENDPOINT_KEY = "BlueprintPrometheusEndpoint8A760E16"
ACCOUNT = {"id": "sa-1", "name": "obs-blueprint", "grafanaRole": "ADMIN", "isDisabled": "false"}

FILE = """\
name: shop
stage: dev
env: {region: eu-west-1}
notifications:
  - name: ops
log_groups:
  - name: checkout
    structured_logs: {}
  - name: web
alarms:
  - name: checkout-errors
    metric: {filter: errors, dimensions: {Service: checkout}}
    threshold: 5
    comparison: ">="
"""
PROMETHEUS = """\
prometheus:
  rules:
    service_label: service
"""
GRAFANA = "grafana: {}\n"


# ------------------------------------------------------------------ helpers


class FakeSession:
    """A boto3 session stand-in: its Region, and clients the test stubbed."""

    def __init__(self, region: str | None, clients: dict[str, Any]) -> None:
        self.region_name = region
        self.clients = clients

    def client(self, service_name: str) -> Any:
        return self.clients[service_name]


class Aws:
    """Stubbed CloudFormation and Grafana clients, and the sessions asked for."""

    def __init__(self, region: str = REGION) -> None:
        self.region = region
        self.cloudformation = boto3.client("cloudformation", region_name=region)
        self.grafana = boto3.client("grafana", region_name=region)
        self.cfn_stub = Stubber(self.cloudformation)
        self.grafana_stub = Stubber(self.grafana)
        self.asked: list[tuple[str | None, str | None]] = []

    def factory(self, profile: str | None, region: str | None) -> FakeSession:
        self.asked.append((profile, region))
        return FakeSession(
            region or self.region,
            {"cloudformation": self.cloudformation, "grafana": self.grafana},
        )

    def stack(self, outputs: dict[str, str], *, status: str = "UPDATE_COMPLETE") -> None:
        self.cfn_stub.add_response(
            "describe_stacks",
            {
                "Stacks": [
                    {
                        "StackName": STACK,
                        "StackId": f"arn:aws:cloudformation:{REGION}:111122223333:stack/"
                        f"{STACK}/0f0e0d0c",
                        "CreationTime": datetime(2026, 5, 1, tzinfo=UTC),
                        "StackStatus": status,
                        "Outputs": [
                            {"OutputKey": key, "OutputValue": value}
                            for key, value in outputs.items()
                        ],
                    }
                ]
            },
            {"StackName": STACK},
        )

    def no_stack(self) -> None:
        self.cfn_stub.add_client_error(
            "describe_stacks",
            service_error_code="ValidationError",
            service_message=f"Stack with id {STACK} does not exist",
            http_status_code=400,
            expected_params={"StackName": STACK},
        )

    def token(self, key: str = TOKEN) -> None:
        self.grafana_stub.add_response(
            "list_workspace_service_accounts",
            {"serviceAccounts": [ACCOUNT], "workspaceId": WORKSPACE},
            {"workspaceId": WORKSPACE},
        )
        self.grafana_stub.add_response(
            "create_workspace_service_account_token",
            {
                "serviceAccountToken": {"id": "tok-1", "name": "obs-blueprint-push", "key": key},
                "serviceAccountId": "sa-1",
                "workspaceId": WORKSPACE,
            },
            {
                "workspaceId": WORKSPACE,
                "serviceAccountId": "sa-1",
                "name": ANY,
                "secondsToLive": 600,
            },
        )
        self.grafana_stub.add_response(
            "delete_workspace_service_account_token",
            {"serviceAccountId": "sa-1", "tokenId": "tok-1", "workspaceId": WORKSPACE},
            {"workspaceId": WORKSPACE, "serviceAccountId": "sa-1", "tokenId": "tok-1"},
        )


@pytest.fixture
def aws() -> Iterator[Aws]:
    """Stubbed clients; every queued answer must be used, and nothing else called."""
    stubbed = Aws()
    with stubbed.cfn_stub, stubbed.grafana_stub:
        yield stubbed
        stubbed.cfn_stub.assert_no_pending_responses()
        stubbed.grafana_stub.assert_no_pending_responses()


class Result:
    """What one run printed and returned."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code = code
        self.stdout = stdout
        self.stderr = stderr


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "blueprint.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(argv: list[str], aws: Aws | None, url: str | None = None) -> Result:
    """Run ``obs-blueprint grafana push ARGV`` with the stubbed clients and the stub Grafana."""
    out, err = io.StringIO(), io.StringIO()

    def refuse(profile: str | None, region: str | None) -> Any:
        raise AssertionError("the command asked for an AWS session although it must not")

    code = push_main(
        argv,
        session_factory=aws.factory if aws is not None else refuse,
        grafana_url=url,
        timeout=REQUEST_TIMEOUT,
        stdout=out,
        stderr=err,
    )
    return Result(code, out.getvalue(), err.getvalue())


# ------------------------------------------------------------------ a first push


def test_a_push_reads_the_stack_and_lists_what_it_created(
    tmp_path: Path, aws: Aws, grafana: tuple[StubGrafana, str]
) -> None:
    stub, url = grafana
    path = write(tmp_path, FILE + PROMETHEUS + GRAFANA)
    aws.stack({WORKSPACE_KEY: WORKSPACE, ENDPOINT_KEY: ENDPOINT, "Other": "x"})
    aws.token()
    result = run([path], aws, url)
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "created   folder obs-shop-dev",
        "created   data source obs-shop-dev-cloudwatch (shop-dev CloudWatch)",
        "created   data source obs-shop-dev-prometheus (shop-dev Prometheus)",
        "created   dashboard shop-dev-service-checkout",
        "created   dashboard shop-dev-service-web",
        "created   dashboard shop-dev-alarms",
        "3 dashboards pushed to g-0123456789 in eu-west-1: 6 created, 0 updated, "
        "0 unchanged, 0 deleted, 0 refused",
    ]
    assert aws.asked == [(None, REGION)]  # the file's env.region
    assert stub.datasources["obs-shop-dev-prometheus"]["url"] == ENDPOINT
    assert stub.datasources["obs-shop-dev-cloudwatch"]["jsonData"]["defaultRegion"] == REGION


def test_each_service_gets_a_prometheus_row_from_the_recorded_series(
    tmp_path: Path, aws: Aws, grafana: tuple[StubGrafana, str]
) -> None:
    stub, url = grafana
    aws.stack({WORKSPACE_KEY: WORKSPACE, ENDPOINT_KEY: ENDPOINT})
    aws.token()
    assert run([write(tmp_path, FILE + PROMETHEUS + GRAFANA)], aws, url).code == 0
    panels = stub.dashboards["shop-dev-service-checkout"]["dashboard"]["panels"]
    queries = {
        panel["title"]: [(t["legendFormat"], t["expr"]) for t in panel["targets"]]
        for panel in panels
        if panel.get("datasource", {}).get("uid") == "obs-shop-dev-prometheus"
    }
    series = "service:http_server_request_duration_seconds:histogram_quantile_rate5m"
    assert queries == {
        "Request rate": [("requests/s", 'service:http_server_requests:rate5m{service="checkout"}')],
        "Error ratio": [
            ("errors", 'service:http_server_request_errors:ratio_rate5m{service="checkout"}')
        ],
        "Latency": [
            ("p50", series + '{service="checkout",quantile="0.5"}'),
            ("p90", series + '{service="checkout",quantile="0.9"}'),
            ("p99", series + '{service="checkout",quantile="0.99"}'),
        ],
    }
    assert [p["title"] for p in panels if p["type"] == "row"] == ["Prometheus"]
    alarms = stub.dashboards["shop-dev-alarms"]["dashboard"]["panels"]
    assert all(p.get("type") != "row" for p in alarms)  # the overviews get none


def test_without_the_shipped_rules_there_is_no_prometheus_row_but_the_data_source(
    tmp_path: Path, aws: Aws, grafana: tuple[StubGrafana, str]
) -> None:
    stub, url = grafana
    text = FILE + "prometheus:\n  rules:\n    defaults: false\n" + GRAFANA
    aws.stack({WORKSPACE_KEY: WORKSPACE, ENDPOINT_KEY: ENDPOINT})
    aws.token()
    assert run([write(tmp_path, text)], aws, url).code == 0
    assert "obs-shop-dev-prometheus" in stub.datasources
    panels = stub.dashboards["shop-dev-service-checkout"]["dashboard"]["panels"]
    assert not [p for p in panels if p["type"] == "row"]


def test_a_workspace_role_without_prometheus_gets_neither_its_data_source_nor_panels(
    tmp_path: Path, aws: Aws, grafana: tuple[StubGrafana, str]
) -> None:
    stub, url = grafana
    text = FILE + PROMETHEUS + "grafana:\n  data_sources: [CLOUDWATCH]\n"
    aws.stack({WORKSPACE_KEY: WORKSPACE, ENDPOINT_KEY: ENDPOINT})
    aws.token()
    result = run([write(tmp_path, text)], aws, url)
    assert result.code == 0
    assert result.stderr == (
        "obs-blueprint grafana push: note: grafana.data_sources leaves out PROMETHEUS, so no "
        "Prometheus data source or panels are pushed\n"
    )
    assert sorted(stub.datasources) == ["obs-shop-dev-cloudwatch"]


def test_json_lists_what_was_done(
    tmp_path: Path, aws: Aws, grafana: tuple[StubGrafana, str]
) -> None:
    _, url = grafana
    aws.stack({WORKSPACE_KEY: WORKSPACE})
    aws.token()
    result = run([write(tmp_path, FILE + GRAFANA), "--json"], aws, url)
    assert result.code == 0
    assert json.loads(result.stdout) == {
        "workspace_id": WORKSPACE,
        "region": REGION,
        "created": [
            "folder obs-shop-dev",
            "data source obs-shop-dev-cloudwatch (shop-dev CloudWatch)",
            "dashboard shop-dev-service-checkout",
            "dashboard shop-dev-service-web",
            "dashboard shop-dev-alarms",
        ],
        "updated": [],
        "unchanged": [],
        "deleted": [],
        "refused": [],
    }


def test_region_comes_from_the_option_first(
    tmp_path: Path, grafana: tuple[StubGrafana, str]
) -> None:
    _, url = grafana
    aws = Aws(region="us-west-2")
    with aws.cfn_stub, aws.grafana_stub:
        aws.token()
        result = run(
            [write(tmp_path, FILE), "--workspace-id", WORKSPACE, "--region", "us-west-2"],
            aws,
            url,
        )
    assert result.code == 0
    assert aws.asked == [(None, "us-west-2")]
    assert "pushed to g-0123456789 in us-west-2" in result.stdout


def test_an_output_key_without_a_hash_is_found_too(
    tmp_path: Path, aws: Aws, grafana: tuple[StubGrafana, str]
) -> None:
    _, url = grafana
    aws.stack({"GrafanaWorkspaceId": WORKSPACE})
    aws.token()
    assert run([write(tmp_path, FILE + GRAFANA)], aws, url).code == 0


def test_a_given_workspace_without_prometheus_needs_no_stack(
    tmp_path: Path, aws: Aws, grafana: tuple[StubGrafana, str]
) -> None:
    _, url = grafana
    aws.token()  # and no DescribeStacks: the Stubber would refuse an unqueued call
    result = run([write(tmp_path, FILE), "--workspace-id", WORKSPACE], aws, url)
    assert result.code == 0


def test_prune_deletes_a_dashboard_the_file_no_longer_makes(
    tmp_path: Path, aws: Aws, grafana: tuple[StubGrafana, str]
) -> None:
    stub, url = grafana
    aws.token()
    aws.token()
    first = run([write(tmp_path, FILE), "--workspace-id", WORKSPACE], aws, url)
    assert first.code == 0
    without_web = FILE.replace("  - name: web\n", "")
    result = run([write(tmp_path, without_web), "--workspace-id", WORKSPACE, "--prune"], aws, url)
    assert result.code == 0
    assert "deleted   dashboard shop-dev-service-web" in result.stdout.splitlines()
    assert sorted(stub.dashboards) == ["shop-dev-alarms", "shop-dev-service-checkout"]


# ------------------------------------------------------------------ refused, failed


def test_what_push_did_not_create_is_refused_and_the_exit_status_is_1(
    tmp_path: Path, aws: Aws, grafana: tuple[StubGrafana, str]
) -> None:
    stub, url = grafana
    stub.seed_dashboard(
        {
            "uid": "shop-dev-service-web",
            "title": "Their web",
            "tags": ["team-a"],
            "panels": [],
            "schemaVersion": 36,
        },
        folder=None,
    )
    aws.token()
    result = run([write(tmp_path, FILE), "--workspace-id", WORKSPACE], aws, url)
    assert result.code == 1
    assert result.stdout.splitlines()[-2:] == [
        "refused   dashboard shop-dev-service-web: a dashboard with this uid exists outside folder "
        "obs-shop-dev or without the 'observability-blueprint' tag; push did not create it "
        "and leaves it alone",
        "3 dashboards pushed to g-0123456789 in eu-west-1: 4 created, 0 updated, 0 unchanged, "
        "0 deleted, 1 refused",
    ]
    assert result.stderr == (
        "obs-blueprint grafana push: 1 item was refused: what holds their uid or name in "
        "Grafana is not the blueprint's\n"
    )
    assert stub.dashboards["shop-dev-service-web"]["dashboard"]["title"] == "Their web"


def test_a_token_grafana_rejects_is_exit_status_1_and_is_deleted(
    tmp_path: Path, aws: Aws, grafana: tuple[StubGrafana, str]
) -> None:
    stub, url = grafana
    aws.token(key="glsa_revoked")  # the fixture checks the delete call was made
    result = run([write(tmp_path, FILE), "--workspace-id", WORKSPACE], aws, url)
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == (
        "obs-blueprint grafana push: Grafana refused a request: GET /api/folders/obs-shop-dev: "
        "HTTP 401: Unauthorized\n"
    )
    assert stub.mutations() == []


def test_grafana_out_of_reach_is_exit_status_1(tmp_path: Path, aws: Aws) -> None:
    aws.token()
    # A loopback port nothing listens on (the discard port): the connection is refused.
    result = run([write(tmp_path, FILE), "--workspace-id", WORKSPACE], aws, "http://127.0.0.1:9")
    assert result.code == 1
    assert result.stderr.startswith(
        "obs-blueprint grafana push: cannot reach the Grafana workspace g-0123456789: "
    )


def test_a_service_account_without_admin_rights_is_exit_status_1(tmp_path: Path, aws: Aws) -> None:
    aws.grafana_stub.add_response(
        "list_workspace_service_accounts",
        {"serviceAccounts": [{**ACCOUNT, "grafanaRole": "VIEWER"}], "workspaceId": WORKSPACE},
        {"workspaceId": WORKSPACE},
    )
    result = run([write(tmp_path, FILE), "--workspace-id", WORKSPACE], aws, "http://127.0.0.1:9")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == (
        "obs-blueprint grafana push: workspace_id: the service account 'obs-blueprint' of "
        "g-0123456789 is VIEWER; push needs it enabled and ADMIN (data sources need admin "
        "rights): change it, or delete it and push again\n"
    )


def test_a_refused_token_call_is_exit_status_2(tmp_path: Path, aws: Aws) -> None:
    aws.grafana_stub.add_client_error(
        "list_workspace_service_accounts",
        service_error_code="AccessDeniedException",
        service_message="User is not authorized to perform: grafana:ListWorkspaceServiceAccounts",
        http_status_code=403,
    )
    # An address, so push skips DescribeWorkspace; no request reaches it.
    result = run([write(tmp_path, FILE), "--workspace-id", WORKSPACE], aws, "http://127.0.0.1:9")
    assert result.code == 2
    assert result.stderr == (
        "obs-blueprint grafana push: AWS refused the credentials or their permissions to "
        "provision Grafana workspace g-0123456789 (AccessDeniedException: User is not "
        "authorized to perform: grafana:ListWorkspaceServiceAccounts)\n"
    )


# ------------------------------------------------------------------ cannot run


def test_a_missing_stack_says_deploy_first_or_pass_the_workspace(tmp_path: Path, aws: Aws) -> None:
    path = write(tmp_path, FILE + GRAFANA)
    aws.no_stack()
    result = run([path], aws)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"obs-blueprint grafana push: no stack shop-dev-observability in eu-west-1 for these "
        f"credentials: deploy {path} first (cdk deploy -c blueprint={path}), or check --region "
        "and --profile, or pass --workspace-id\n"
    )


def test_the_account_the_file_names_is_in_the_missing_stack_message(
    tmp_path: Path, aws: Aws
) -> None:
    text = FILE.replace(
        "env: {region: eu-west-1}", 'env: {account: "111122223333", region: eu-west-1}'
    )
    aws.no_stack()
    result = run([write(tmp_path, text + GRAFANA)], aws)
    assert result.code == 2
    assert "for these credentials (the file deploys to account 111122223333): " in result.stderr


def test_a_missing_workspace_output_says_deploy_the_grafana_section(
    tmp_path: Path, aws: Aws
) -> None:
    aws.stack({"SomethingElse": "x"}, status="UPDATE_ROLLBACK_COMPLETE")
    result = run([write(tmp_path, FILE + GRAFANA)], aws)
    assert result.code == 2
    assert result.stderr == (
        "obs-blueprint grafana push: stack shop-dev-observability in eu-west-1 "
        "(UPDATE_ROLLBACK_COMPLETE) has no output GrafanaWorkspaceId: deploy the file with its "
        "grafana: section first, or pass --workspace-id\n"
    )


def test_a_file_without_grafana_needs_a_workspace_id(tmp_path: Path, aws: Aws) -> None:
    path = write(tmp_path, FILE)
    aws.stack({})
    result = run([path], aws)
    assert result.code == 2
    assert result.stderr == (
        "obs-blueprint grafana push: stack shop-dev-observability in eu-west-1 "
        f"(UPDATE_COMPLETE) has no output GrafanaWorkspaceId: {path} has no grafana: section; "
        "add one and deploy it, or pass --workspace-id\n"
    )


def test_a_missing_prometheus_endpoint_output_stops_push(tmp_path: Path, aws: Aws) -> None:
    path = write(tmp_path, FILE + PROMETHEUS + GRAFANA)
    aws.stack({WORKSPACE_KEY: WORKSPACE})
    result = run([path], aws)
    assert result.code == 2
    assert result.stderr == (
        "obs-blueprint grafana push: stack shop-dev-observability in eu-west-1 "
        "(UPDATE_COMPLETE) has no output PrometheusEndpoint: the Prometheus data source reads "
        f"it; deploy {path} with its prometheus: section first\n"
    )


def test_two_outputs_named_alike_are_refused(tmp_path: Path, aws: Aws) -> None:
    aws.stack({WORKSPACE_KEY: WORKSPACE, "OtherGrafanaWorkspaceId0123ABCD": "g-9999999999"})
    result = run([write(tmp_path, FILE + GRAFANA)], aws)
    assert result.code == 2
    assert result.stderr == (
        "obs-blueprint grafana push: stack shop-dev-observability has 2 outputs named like "
        "GrafanaWorkspaceId (BlueprintGrafanaWorkspaceId3D908317, "
        "OtherGrafanaWorkspaceId0123ABCD); the blueprint makes one\n"
    )


def test_no_credentials_is_exit_status_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    out, err = io.StringIO(), io.StringIO()
    code = push_main([write(tmp_path, FILE + GRAFANA)], stdout=out, stderr=err)
    assert code == 2
    assert err.getvalue() == (
        "obs-blueprint grafana push: no AWS credentials found (Unable to locate credentials); "
        "configure them (aws configure, aws sso login, AWS_PROFILE or AWS_ACCESS_KEY_ID) or "
        "pass --profile\n"
    )


def test_without_boto3_it_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 raises ImportError
    out, err = io.StringIO(), io.StringIO()
    code = push_main([write(tmp_path, FILE + GRAFANA)], stdout=out, stderr=err)
    assert code == 2
    assert err.getvalue() == (
        "obs-blueprint grafana push: boto3 is not installed; this command needs it: "
        "pip install 'observability-blueprint[aws]'\n"
    )


def test_an_unreadable_file_stops_before_any_aws_call(tmp_path: Path) -> None:
    result = run([str(tmp_path / "missing.yaml")], None)
    assert result.code == 2
    assert result.stderr.startswith(
        f"obs-blueprint grafana push: cannot use {tmp_path / 'missing.yaml'}:\n"
    )


def test_a_workspace_id_of_the_wrong_form_stops_before_any_aws_call(tmp_path: Path) -> None:
    result = run([write(tmp_path, FILE), "--workspace-id", "shop-dev"], None)
    assert result.code == 2
    assert result.stderr == (
        "obs-blueprint grafana push: --workspace-id: 'shop-dev' is not a Grafana workspace id; "
        "it reads g- and 10 hex digits (g-0123456789)\n"
    )


def test_no_region_anywhere_is_exit_status_2(tmp_path: Path) -> None:
    text = FILE.replace("env: {region: eu-west-1}\n", "")
    out, err = io.StringIO(), io.StringIO()
    code = push_main(
        [write(tmp_path, text), "--workspace-id", WORKSPACE],
        session_factory=lambda profile, region: FakeSession(None, {}),
        stdout=out,
        stderr=err,
    )
    assert code == 2
    assert err.getvalue() == (
        "obs-blueprint grafana push: no AWS Region given: pass --region, set env.region in "
        "the file, set AWS_REGION, or give the profile a region\n"
    )


# ------------------------------------------------------------------ wiring


def test_obs_blueprint_runs_grafana_push(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["grafana", "push", str(tmp_path / "missing.yaml")]) == 2
    assert "obs-blueprint grafana push: cannot use " in capsys.readouterr().err


def test_the_names_are_those_the_blueprint_deploys() -> None:
    from observability_blueprint.blueprint.prometheus import (
        GRAFANA_WORKSPACE_OUTPUT,
        PROMETHEUS_ENDPOINT_OUTPUT,
    )
    from observability_blueprint.blueprint.stacks import stack_id

    assert grafana_cli.WORKSPACE_OUTPUT == GRAFANA_WORKSPACE_OUTPUT
    assert grafana_cli.PROMETHEUS_ENDPOINT_OUTPUT == PROMETHEUS_ENDPOINT_OUTPUT
    config = Blueprint.from_dict({"name": "shop", "stage": "dev", "log_groups": []})
    assert main_stack_name(config) == stack_id(config) == STACK


def test_the_workspace_is_looked_up_in_the_stack_the_lock_places_it_in(tmp_path: Path) -> None:
    from observability_blueprint.cli.deployed import unit_stack_name
    from support import write_shard_lock

    config = Blueprint.from_dict({"name": "shop", "stage": "dev", "log_groups": []})
    source = str(tmp_path / "shop.yaml")
    assert unit_stack_name(config, source, "area:grafana") == STACK  # no lock: one stack
    write_shard_lock(
        tmp_path / "shop.shards.json", [["area:core", "area:grafana"], ["service:a"], ["service:b"]]
    )
    # Grafana stays with the topics (pinned); a unit of a later shard is looked up there.
    assert unit_stack_name(config, source, "area:grafana") == STACK
    assert unit_stack_name(config, source, "service:b") == f"{STACK}-3"


def test_a_service_name_is_quoted_as_a_promql_string() -> None:
    queries = service_queries('web "v2"', service_label="job")
    assert queries.request_rate == 'job:http_server_requests:rate5m{job="web \\"v2\\""}'
