"""``obs-blueprint prometheus manifest``: an EKS cluster's ADOT collector, for kubectl.

The command builds the file's app in this process; CloudFormation's
DescribeStacks and DescribeStackResource are played with botocore's Stubber, so
nothing reaches AWS (tests/conftest.py fails any connection that leaves this
machine). The app of the test file is built once for the module.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.stub import Stubber

from observability_blueprint.cli import deployed
from observability_blueprint.cli import prometheus as prometheus_cli
from observability_blueprint.cli.main import main
from observability_blueprint.cli.prometheus import manifest_main

REGION = "eu-west-1"
STACK = "shop-dev-observability"
STACK_ID = f"arn:aws:cloudformation:{REGION}:111122223333:stack/{STACK}/0f0e0d0c"
REMOTE_WRITE = (
    "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0123/api/v1/remote_write"
)
# The keys aws-cdk-lib gives the output and the IRSA cluster's collector role in the
# stack of FILE (the construct path and 8 hex digits of its hash).
REMOTE_WRITE_KEY = "BlueprintPrometheusRemoteWriteUrl36F175D2"
ROLE_KEY = "BlueprintPrometheusAdotEkslegacyRoleE1CE80CF"
OIDC = (
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/"
    "EXAMPLED539D4633E53DE1B71EXAMPLE"
)

FILE = f"""\
name: shop
stage: dev
env: {{account: "111122223333", region: eu-west-1}}
log_groups:
  - name: checkout
containers:
  eks:
    - cluster: orders          # EKS Pod Identity
    - cluster: legacy          # IRSA
      oidc_provider_arn: {OIDC}
prometheus:
  scrape_jobs:
    - job_name: ledger
      scrape_interval: 60s
      static_targets: ["10.0.12.7:9100"]
  adot:
    eks: [orders, legacy]
"""


# ------------------------------------------------------------------ helpers


class FakeSession:
    """A boto3 session stand-in: its Region and the stubbed CloudFormation client."""

    def __init__(self, region: str | None, client: Any) -> None:
        self.region_name = region
        self._client = client

    def client(self, service_name: str) -> Any:
        assert service_name == "cloudformation"
        return self._client


@pytest.fixture
def cfn() -> Iterator[Stubber]:
    """A stubbed CloudFormation client; every queued answer must be used."""
    client = boto3.client("cloudformation", region_name=REGION)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


_BUILT: dict[tuple[str, str], list[Any]] = {}


@pytest.fixture(autouse=True)
def _build_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build each file's app once for the module (a build takes seconds)."""
    real = deployed.build_stacks

    def cached(config: Any, *, lock_file: Any = None) -> list[Any]:
        key = (config.model_dump_json(), str(lock_file))
        if key not in _BUILT:
            _BUILT[key] = real(config, lock_file=lock_file)
        return _BUILT[key]

    monkeypatch.setattr(prometheus_cli, "build_stacks", cached)


def stack(stubber: Stubber, outputs: dict[str, str]) -> None:
    stubber.add_response(
        "describe_stacks",
        {
            "Stacks": [
                {
                    "StackName": STACK,
                    "StackId": STACK_ID,
                    "CreationTime": datetime(2026, 5, 1, tzinfo=UTC),
                    "StackStatus": "UPDATE_COMPLETE",
                    "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()],
                }
            ]
        },
        {"StackName": STACK},
    )


def role(stubber: Stubber, name: str = "shop-dev-observability-legacyRole-A1B2C3") -> None:
    stubber.add_response(
        "describe_stack_resource",
        {
            "StackResourceDetail": {
                "StackName": STACK,
                "StackId": STACK_ID,
                "LogicalResourceId": ROLE_KEY,
                "PhysicalResourceId": name,
                "ResourceType": "AWS::IAM::Role",
                "LastUpdatedTimestamp": datetime(2026, 5, 1, tzinfo=UTC),
                "ResourceStatus": "CREATE_COMPLETE",
            }
        },
        {"StackName": STACK, "LogicalResourceId": ROLE_KEY},
    )


class Result:
    """What one run printed and returned."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code = code
        self.stdout = stdout
        self.stderr = stderr

    def objects(self) -> dict[str, dict[str, Any]]:
        """The manifest's objects by kind."""
        return {o["kind"]: o for o in yaml.safe_load_all(self.stdout)}


def write(tmp_path: Path, text: str = FILE) -> str:
    path = tmp_path / "blueprint.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(argv: list[str], stubber: Stubber | None, region: str | None = REGION) -> Result:
    """Run ``obs-blueprint prometheus manifest ARGV`` (None: no AWS session may be asked for)."""
    out, err = io.StringIO(), io.StringIO()

    def factory(profile: str | None, asked: str | None) -> FakeSession:
        if stubber is None:
            raise AssertionError("the command asked for an AWS session although it must not")
        return FakeSession(asked or region, stubber.client)

    code = manifest_main(argv, session_factory=factory, stdout=out, stderr=err)
    return Result(code, out.getvalue(), err.getvalue())


# ------------------------------------------------------------------ the manifest


def test_an_irsa_cluster_gets_its_role_arn_from_the_deployed_stack(
    tmp_path: Path, cfn: Stubber
) -> None:
    stack(cfn, {REMOTE_WRITE_KEY: REMOTE_WRITE, "Other": "x"})
    role(cfn)
    result = run(["--cluster", "legacy", write(tmp_path)], cfn)
    assert result.code == 0
    assert result.stderr == (
        "obs-blueprint prometheus manifest: the ADOT collector of EKS cluster legacy; apply it "
        "with kubectl apply -f (the adot add-on must be active on the cluster)\n"
    )
    objects = result.objects()
    assert sorted(objects) == [
        "ClusterRole",
        "ClusterRoleBinding",
        "Namespace",
        "OpenTelemetryCollector",
        "ServiceAccount",
    ]
    assert objects["ServiceAccount"]["metadata"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/"
        "shop-dev-observability-legacyRole-A1B2C3"
    }
    config = yaml.safe_load(objects["OpenTelemetryCollector"]["spec"]["config"])
    assert config["exporters"]["prometheusremotewrite"]["endpoint"] == REMOTE_WRITE
    assert config["extensions"]["sigv4auth"] == {"region": REGION, "service": "aps"}
    [job] = config["receivers"]["prometheus"]["config"]["scrape_configs"]
    assert job["job_name"] == "ledger"


def test_a_pod_identity_cluster_needs_no_role_arn(tmp_path: Path, cfn: Stubber) -> None:
    stack(cfn, {REMOTE_WRITE_KEY: REMOTE_WRITE})  # and no DescribeStackResource
    result = run(["--cluster", "orders", write(tmp_path)], cfn)
    assert result.code == 0
    assert "annotations" not in result.objects()["ServiceAccount"]["metadata"]


def test_the_region_option_reaches_the_session(tmp_path: Path, cfn: Stubber) -> None:
    asked: list[str | None] = []
    stack(cfn, {REMOTE_WRITE_KEY: REMOTE_WRITE})
    out, err = io.StringIO(), io.StringIO()

    def factory(profile: str | None, region: str | None) -> FakeSession:
        asked.append(region)
        return FakeSession(region, cfn.client)

    argv = ["--cluster", "orders", write(tmp_path), "--region", REGION, "--profile", "ops"]
    assert manifest_main(argv, session_factory=factory, stdout=out, stderr=err) == 0
    assert asked == [REGION]


# ------------------------------------------------------------------ refused


def test_a_cluster_not_in_adot_eks_is_refused_with_the_allowed_names(tmp_path: Path) -> None:
    path = write(tmp_path)
    result = run(["--cluster", "payments", path], None)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        "obs-blueprint prometheus manifest: --cluster: 'payments' is not a cluster of "
        f"prometheus.adot.eks in {path}; the clusters there: orders, legacy\n"
    )


def test_a_file_without_adot_eks_says_where_to_add_the_cluster(tmp_path: Path) -> None:
    path = write(tmp_path, "name: shop\nstage: dev\nlog_groups: []\nprometheus: {}\n")
    result = run(["--cluster", "orders", path], None)
    assert result.code == 2
    assert result.stderr == (
        "obs-blueprint prometheus manifest: --cluster: 'orders' is not a cluster of "
        f"prometheus.adot.eks in {path}; it names none; add the cluster to containers.eks and "
        "prometheus.adot.eks, and deploy\n"
    )


def test_a_missing_stack_says_deploy_first(tmp_path: Path, cfn: Stubber) -> None:
    path = write(tmp_path)
    cfn.add_client_error(
        "describe_stacks",
        service_error_code="ValidationError",
        service_message=f"Stack with id {STACK} does not exist",
        http_status_code=400,
        expected_params={"StackName": STACK},
    )
    result = run(["--cluster", "orders", path], cfn)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        "obs-blueprint prometheus manifest: no stack shop-dev-observability in eu-west-1 for "
        "these credentials (the file deploys to account 111122223333): deploy "
        f"{path} first (cdk deploy -c blueprint={path}), or check --region and --profile\n"
    )


def test_a_missing_remote_write_output_says_deploy_the_prometheus_section(
    tmp_path: Path, cfn: Stubber
) -> None:
    path = write(tmp_path)
    stack(cfn, {})
    result = run(["--cluster", "orders", path], cfn)
    assert result.code == 2
    assert result.stderr == (
        "obs-blueprint prometheus manifest: stack shop-dev-observability in eu-west-1 "
        "(UPDATE_COMPLETE) has no output PrometheusRemoteWriteUrl: deploy "
        f"{path} with its prometheus: section first\n"
    )


def test_a_collector_role_not_yet_deployed_says_deploy_again(tmp_path: Path, cfn: Stubber) -> None:
    path = write(tmp_path)
    stack(cfn, {REMOTE_WRITE_KEY: REMOTE_WRITE})
    cfn.add_client_error(
        "describe_stack_resource",
        service_error_code="ValidationError",
        service_message=f"Resource {ROLE_KEY} does not exist for stack {STACK}",
        http_status_code=400,
        expected_params={"StackName": STACK, "LogicalResourceId": ROLE_KEY},
    )
    result = run(["--cluster", "legacy", path], cfn)
    assert result.code == 2
    assert result.stderr == (
        "obs-blueprint prometheus manifest: stack shop-dev-observability in eu-west-1 has no "
        f"role of the ADOT collector of legacy ({ROLE_KEY}): deploy {path} again "
        f"(cdk deploy -c blueprint={path})\n"
    )


def test_a_remote_write_url_the_collector_cannot_use_is_exit_status_1(
    tmp_path: Path, cfn: Stubber
) -> None:
    stack(cfn, {REMOTE_WRITE_KEY: "http://example.com/write"})
    result = run(["--cluster", "orders", write(tmp_path)], cfn)
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.startswith(
        "obs-blueprint prometheus manifest: the deployed stack shop-dev-observability gives "
        "values the manifest cannot use:\n"
    )


def test_no_credentials_is_exit_status_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    out, err = io.StringIO(), io.StringIO()
    code = manifest_main(["--cluster", "orders", write(tmp_path)], stdout=out, stderr=err)
    assert (code, out.getvalue()) == (2, "")
    assert err.getvalue() == (
        "obs-blueprint prometheus manifest: no AWS credentials found (Unable to locate "
        "credentials); configure them (aws configure, aws sso login, AWS_PROFILE or "
        "AWS_ACCESS_KEY_ID) or pass --profile\n"
    )


# ------------------------------------------------------------------ wiring


def test_obs_blueprint_runs_prometheus_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prometheus", "manifest", "--cluster", "x", str(tmp_path / "none.yaml")]) == 2
    assert "obs-blueprint prometheus manifest: cannot use " in capsys.readouterr().err


def test_the_output_name_is_the_one_the_blueprint_deploys() -> None:
    from observability_blueprint.blueprint.prometheus import PROMETHEUS_REMOTE_WRITE_OUTPUT

    assert prometheus_cli.REMOTE_WRITE_OUTPUT == PROMETHEUS_REMOTE_WRITE_OUTPUT
