"""``grafana push`` against a local stub of Grafana's HTTP API, and the token calls.

The stub (:class:`StubGrafana`, tests/grafana_stub.py; the ``grafana`` fixture of
tests/unit/conftest.py serves one) listens on 127.0.0.1 on a free port, in a thread
the fixture stops, and behaves like Grafana's API where push depends on it
(grafana/grafana docs/sources/developers/http_api/folder.md, data_source.md,
dashboard.md): 401 for a missing or wrong bearer token, 409 for a duplicate
folder or data source, 412 ``version-mismatch`` and ``name-exists`` when saving
a dashboard, 404 on a GET of an unknown uid. It records every request, so the
tests can show that nothing push did not create is changed.

The boto3 ``grafana`` calls go through botocore's Stubber: moto has no Grafana
backend (checked below).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from grafana_stub import REQUEST_TIMEOUT, TOKEN, StubGrafana
from observability_blueprint.grafana import (
    DASHBOARD_TAG,
    GrafanaApi,
    GrafanaApiError,
    GrafanaNames,
    PrometheusSource,
    provision,
    push,
)
from observability_blueprint.rules.errors import BlueprintError

NAMES = GrafanaNames("shop-dev")
REGION = "eu-west-1"
WORKSPACE = "g-0123456789"
AMP = PrometheusSource("https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0123/", REGION)


def _api(url: str, token: str = TOKEN) -> GrafanaApi:
    return GrafanaApi(url, token, timeout=REQUEST_TIMEOUT)


def _dashboard(uid: str, title: str, panel_title: str = "Errors") -> dict[str, Any]:
    return {
        "uid": uid,
        "title": title,
        "tags": [DASHBOARD_TAG],
        "time": {"from": "now-3h", "to": "now"},
        "templating": {"list": []},
        "annotations": {"list": []},
        "schemaVersion": 36,
        "panels": [
            {
                "id": 1,
                "type": "text",
                "title": panel_title,
                "gridPos": {"x": 0, "y": 0, "w": 24, "h": 2},
            }
        ],
    }


CHECKOUT = _dashboard("shop-dev-checkout", "shop-dev checkout")
WEB = _dashboard("shop-dev-web", "shop-dev web")


def _push(url: str, dashboards: list[dict[str, Any]], **kwargs: Any) -> Any:
    return provision(_api(url), names=NAMES, dashboards=dashboards, region=REGION, **kwargs)


# ------------------------------------------------------------------ the token


def test_a_missing_token_is_rejected(grafana: tuple[StubGrafana, str]) -> None:
    stub, url = grafana
    status, body = _api(url, token="").request("GET", "/api/folders/anything")
    assert (status, body) == (401, {"message": "Unauthorized"})
    assert stub.requests == [("GET", "/api/folders/anything", None)]


def test_a_wrong_token_stops_push_before_anything_changes(grafana: tuple[StubGrafana, str]) -> None:
    stub, url = grafana
    with pytest.raises(
        GrafanaApiError, match=r"^GET /api/folders/obs-shop-dev: HTTP 401: Unauthorized$"
    ):
        provision(_api(url, "glsa_wrong"), names=NAMES, dashboards=[CHECKOUT], region=REGION)
    assert stub.mutations() == []


def test_only_https_or_this_machine_is_spoken_to() -> None:
    with pytest.raises(ValueError, match="is not an https:// Grafana address"):
        GrafanaApi("http://grafana.example.com", TOKEN)


# ------------------------------------------------------------ create, update


def test_a_first_push_creates_the_folder_the_data_sources_and_the_dashboards(
    grafana: tuple[StubGrafana, str],
) -> None:
    stub, url = grafana
    result = _push(url, [CHECKOUT, WEB], prometheus=AMP)
    assert result.created == [
        "folder obs-shop-dev",
        "data source obs-shop-dev-cloudwatch (shop-dev CloudWatch)",
        "data source obs-shop-dev-prometheus (shop-dev Prometheus)",
        "dashboard shop-dev-checkout",
        "dashboard shop-dev-web",
    ]
    assert result.ok
    assert stub.folders["obs-shop-dev"]["title"] == "shop-dev (observability-blueprint)"
    assert stub.dashboards["shop-dev-checkout"]["folderUid"] == "obs-shop-dev"
    prometheus = stub.datasources["obs-shop-dev-prometheus"]
    assert prometheus["url"] == AMP.endpoint
    assert prometheus["jsonData"] == {
        "httpMethod": "POST",
        "sigV4Auth": True,
        "sigV4AuthType": "ec2_iam_role",
        "sigV4Region": "eu-west-1",
        "observabilityBlueprint": "shop-dev",
    }
    assert stub.datasources["obs-shop-dev-cloudwatch"]["jsonData"]["defaultRegion"] == REGION
    [create] = [b for m, p, b in stub.requests if p == "/api/dashboards/db"][:1]
    assert create["overwrite"] is False
    assert create["dashboard"]["id"] is None


def test_pushing_again_changes_nothing(grafana: tuple[StubGrafana, str]) -> None:
    stub, url = grafana
    _push(url, [CHECKOUT], prometheus=AMP)
    before = len(stub.requests)
    result = _push(url, [CHECKOUT], prometheus=AMP)
    assert result.created == result.updated == []
    assert len(result.unchanged) == 4
    assert [m for m, _, _ in stub.requests[before:]] == ["GET"] * 4


def test_a_changed_dashboard_is_saved_over_the_version_it_read(
    grafana: tuple[StubGrafana, str],
) -> None:
    stub, url = grafana
    _push(url, [CHECKOUT])
    result = _push(url, [_dashboard("shop-dev-checkout", "shop-dev checkout", "Faults")])
    assert result.updated == ["dashboard shop-dev-checkout"]
    [save] = [b for m, p, b in stub.requests if p == "/api/dashboards/db"][1:]
    assert (save["dashboard"]["version"], save["overwrite"]) == (1, False)
    stored = stub.dashboards["shop-dev-checkout"]["dashboard"]
    assert (stored["version"], stored["panels"][0]["title"]) == (2, "Faults")


def test_a_version_mismatch_is_read_again_and_retried_once(
    grafana: tuple[StubGrafana, str],
) -> None:
    stub, url = grafana
    _push(url, [CHECKOUT])
    stub.edits_before_save["shop-dev-checkout"] = 1  # someone saves just before us
    result = _push(url, [_dashboard("shop-dev-checkout", "shop-dev checkout", "Faults")])
    assert result.updated == ["dashboard shop-dev-checkout"]
    saves = [
        b["dashboard"].get("version") for _, p, b in stub.requests if p == "/api/dashboards/db"
    ]
    assert saves == [None, 1, 2]  # create, the stale save (412), the retry
    assert stub.dashboards["shop-dev-checkout"]["dashboard"]["version"] == 3


def test_a_second_version_mismatch_stops_push(grafana: tuple[StubGrafana, str]) -> None:
    stub, url = grafana
    _push(url, [CHECKOUT])
    stub.edits_before_save["shop-dev-checkout"] = 2
    with pytest.raises(
        GrafanaApiError,
        match=r"^POST /api/dashboards/db: HTTP 412: The dashboard has been changed by someone",
    ):
        _push(url, [_dashboard("shop-dev-checkout", "shop-dev checkout", "Faults")])
    saves = [p for m, p, _ in stub.requests if p == "/api/dashboards/db"]
    assert len(saves) == 3  # the create, then two tries: no third


def test_a_changed_data_source_of_ours_is_updated(grafana: tuple[StubGrafana, str]) -> None:
    stub, url = grafana
    _push(url, [CHECKOUT])
    result = provision(_api(url), names=NAMES, dashboards=[CHECKOUT], region="us-east-1")
    assert result.updated == ["data source obs-shop-dev-cloudwatch (shop-dev CloudWatch)"]
    [put] = [b for m, p, b in stub.requests if m == "PUT"]
    assert put["version"] == 1
    assert stub.datasources["obs-shop-dev-cloudwatch"]["jsonData"]["defaultRegion"] == "us-east-1"


# ----------------------------------------------- what it did not create stays


def test_a_dashboard_with_our_uid_that_is_not_ours_is_left_alone(
    grafana: tuple[StubGrafana, str],
) -> None:
    stub, url = grafana
    theirs = {**_dashboard("shop-dev-checkout", "Their checkout"), "tags": ["team-a"]}
    stub.seed_dashboard(theirs, folder=None)
    result = _push(url, [CHECKOUT, WEB])
    assert result.refused == [
        "dashboard shop-dev-checkout: a dashboard with this uid exists outside folder "
        "obs-shop-dev or without the 'observability-blueprint' tag; push did not create it "
        "and leaves it alone"
    ]
    assert not result.ok
    assert stub.dashboards["shop-dev-checkout"]["dashboard"]["title"] == "Their checkout"
    saved = [b["dashboard"]["uid"] for m, p, b in stub.requests if p == "/api/dashboards/db"]
    assert saved == ["shop-dev-web"]


def test_a_tagged_dashboard_in_another_folder_is_not_ours(grafana: tuple[StubGrafana, str]) -> None:
    stub, url = grafana
    stub.seed_dashboard(_dashboard("shop-dev-checkout", "Copied"), folder="team-a")
    result = _push(url, [CHECKOUT])
    assert [r.split(":")[0] for r in result.refused] == ["dashboard shop-dev-checkout"]
    assert stub.dashboards["shop-dev-checkout"]["folderUid"] == "team-a"


def test_a_uid_taken_between_reading_and_saving_is_left_alone(
    grafana: tuple[StubGrafana, str],
) -> None:
    stub, url = grafana
    stub.appear_before_save["shop-dev-checkout"] = {
        **_dashboard("shop-dev-checkout", "Raced"),
        "tags": [],
    }
    result = _push(url, [CHECKOUT])
    assert [r.split(":")[0] for r in result.refused] == ["dashboard shop-dev-checkout"]
    answers = [p for m, p, _ in stub.requests if p == "/api/dashboards/db"]
    assert len(answers) == 1  # the 412 name-exists; no overwrite follows
    assert stub.dashboards["shop-dev-checkout"]["dashboard"]["title"] == "Raced"


def test_a_data_source_name_taken_by_someone_else_is_refused(
    grafana: tuple[StubGrafana, str],
) -> None:
    stub, url = grafana
    stub.datasources["team-cw"] = {
        "uid": "team-cw",
        "name": "shop-dev CloudWatch",
        "type": "cloudwatch",
        "jsonData": {},
        "version": 3,
    }
    result = _push(url, [CHECKOUT])
    assert result.refused == [
        "data source obs-shop-dev-cloudwatch (shop-dev CloudWatch): Grafana has a data source "
        "with this name or uid that push did not create (data source with the same name "
        "already exists); rename or remove it"
    ]
    assert stub.datasources["team-cw"]["version"] == 3
    assert ("PUT", "/api/datasources/uid/team-cw") not in stub.mutations()


def test_a_data_source_with_our_uid_but_without_our_mark_is_left_alone(
    grafana: tuple[StubGrafana, str],
) -> None:
    stub, url = grafana
    stub.datasources["obs-shop-dev-cloudwatch"] = {
        "uid": "obs-shop-dev-cloudwatch",
        "name": "Someone's CloudWatch",
        "type": "cloudwatch",
        "jsonData": {"defaultRegion": "us-west-2"},
        "version": 7,
    }
    result = _push(url, [CHECKOUT])
    assert [r.split(":")[0] for r in result.refused] == [
        "data source obs-shop-dev-cloudwatch (shop-dev CloudWatch)"
    ]
    assert stub.datasources["obs-shop-dev-cloudwatch"]["version"] == 7
    assert not any(p.startswith("/api/datasources") for _, p in stub.mutations())


def test_a_folder_title_taken_by_another_uid_stops_push(grafana: tuple[StubGrafana, str]) -> None:
    stub, url = grafana
    stub.folders["team-a"] = {
        "id": 1,
        "uid": "team-a",
        "title": "shop-dev (observability-blueprint)",
        "version": 1,
    }
    with pytest.raises(GrafanaApiError, match=r"^POST /api/folders: HTTP 409: a folder with"):
        _push(url, [CHECKOUT])
    assert stub.mutations() == [("POST", "/api/folders")]


def test_prune_deletes_only_the_blueprints_own_dashboards(grafana: tuple[StubGrafana, str]) -> None:
    stub, url = grafana
    _push(url, [CHECKOUT, WEB])
    stub.seed_dashboard(_dashboard("team-a-tagged", "Tagged elsewhere"), folder="team-a")
    stub.seed_dashboard({**_dashboard("notes-in-our-folder", "Notes"), "tags": []}, "obs-shop-dev")
    result = _push(url, [CHECKOUT], prune=True)
    assert result.deleted == ["dashboard shop-dev-web"]
    assert sorted(stub.dashboards) == ["notes-in-our-folder", "shop-dev-checkout", "team-a-tagged"]
    deletes = [p for m, p in stub.mutations() if m == "DELETE"]
    assert deletes == ["/api/dashboards/uid/shop-dev-web"]


def test_without_prune_nothing_is_deleted(grafana: tuple[StubGrafana, str]) -> None:
    stub, url = grafana
    _push(url, [CHECKOUT, WEB])
    _push(url, [CHECKOUT])
    assert "shop-dev-web" in stub.dashboards
    assert [m for m, _ in stub.mutations() if m == "DELETE"] == []


def test_every_change_push_makes_is_to_a_uid_of_its_own(grafana: tuple[StubGrafana, str]) -> None:
    stub, url = grafana
    stub.seed_dashboard({**_dashboard("shop-dev-web", "Theirs"), "tags": []}, folder=None)
    stub.seed_dashboard(_dashboard("team-a-tagged", "Tagged elsewhere"), folder="team-a")
    stub.datasources["team-cw"] = {"uid": "team-cw", "name": "CW", "type": "cloudwatch"}
    _push(url, [CHECKOUT, WEB], prometheus=AMP)
    _push(url, [CHECKOUT], prometheus=AMP, prune=True)
    ours = {
        "/api/folders",
        "/api/datasources",
        "/api/dashboards/db",
        "/api/datasources/uid/obs-shop-dev-cloudwatch",
        "/api/datasources/uid/obs-shop-dev-prometheus",
    }
    assert {p for _, p in stub.mutations()} <= ours
    saved = {b["dashboard"]["uid"] for m, p, b in stub.requests if p == "/api/dashboards/db"}
    assert saved == {"shop-dev-checkout"}
    assert stub.dashboards["shop-dev-web"]["dashboard"]["title"] == "Theirs"


def test_a_dashboard_outside_grafanas_model_is_refused_before_any_request(
    grafana: tuple[StubGrafana, str],
) -> None:
    stub, url = grafana
    bad = {**_dashboard("x" * 41, "Too long a uid"), "tags": []}
    with pytest.raises(BlueprintError) as raised:
        _push(url, [bad])
    assert str(raised.value) == "\n".join(
        [
            f"dashboards[0]: uid: '{'x' * 41}' is not a Grafana uid; use 8 to 40 letters, "
            "digits, '-' and '_'",
            "dashboards[0].tags: no 'observability-blueprint' tag; push manages only "
            "dashboards with it",
        ]
    )
    assert stub.requests == []


# ---------------------------------------------------- the token, with boto3


def test_moto_has_no_grafana_backend_so_the_token_calls_use_stubber() -> None:
    from moto.backend_index import backend_url_patterns

    assert "grafana" not in {name for name, _ in backend_url_patterns}


@pytest.fixture
def client() -> Iterator[tuple[Any, Stubber]]:
    """A boto3 grafana client whose every queued answer must be used."""
    grafana_client = boto3.client("grafana", region_name=REGION)
    with Stubber(grafana_client) as stubber:
        yield grafana_client, stubber
        stubber.assert_no_pending_responses()


def _token_calls(stubber: Stubber, key: str, *, account: dict[str, Any] | None) -> None:
    listed = [account] if account else []
    stubber.add_response(
        "list_workspace_service_accounts",
        {"serviceAccounts": listed, "workspaceId": WORKSPACE},
        {"workspaceId": WORKSPACE},
    )
    if account is None:
        stubber.add_response(
            "create_workspace_service_account",
            {
                "id": "sa-9",
                "name": "obs-blueprint",
                "grafanaRole": "ADMIN",
                "workspaceId": WORKSPACE,
            },
            {"workspaceId": WORKSPACE, "name": "obs-blueprint", "grafanaRole": "ADMIN"},
        )
    account_id = account["id"] if account else "sa-9"
    stubber.add_response(
        "create_workspace_service_account_token",
        {
            "serviceAccountToken": {"id": "tok-1", "name": "obs-blueprint-push", "key": key},
            "serviceAccountId": account_id,
            "workspaceId": WORKSPACE,
        },
        {
            "workspaceId": WORKSPACE,
            "serviceAccountId": account_id,
            "name": ANY,
            "secondsToLive": 600,
        },
    )
    stubber.add_response(
        "delete_workspace_service_account_token",
        {"serviceAccountId": account_id, "tokenId": "tok-1", "workspaceId": WORKSPACE},
        {"workspaceId": WORKSPACE, "serviceAccountId": account_id, "tokenId": "tok-1"},
    )


ACCOUNT = {"id": "sa-1", "name": "obs-blueprint", "grafanaRole": "ADMIN", "isDisabled": "false"}


def test_push_uses_a_short_lived_token_and_deletes_it(
    grafana: tuple[StubGrafana, str], client: tuple[Any, Stubber]
) -> None:
    _, url = grafana
    grafana_client, stubber = client
    _token_calls(stubber, TOKEN, account=ACCOUNT)
    result = push(
        workspace_id=WORKSPACE,
        names=NAMES,
        dashboards=[CHECKOUT],
        region=REGION,
        client=grafana_client,
        grafana_url=url,
        timeout=REQUEST_TIMEOUT,
    )
    assert "dashboard shop-dev-checkout" in result.created


def test_push_creates_its_service_account_when_missing(
    grafana: tuple[StubGrafana, str], client: tuple[Any, Stubber]
) -> None:
    _, url = grafana
    grafana_client, stubber = client
    _token_calls(stubber, TOKEN, account=None)
    push(
        workspace_id=WORKSPACE,
        names=NAMES,
        dashboards=[CHECKOUT],
        region=REGION,
        client=grafana_client,
        grafana_url=url,
    )


def test_the_token_is_deleted_even_when_grafana_refuses_it(
    grafana: tuple[StubGrafana, str], client: tuple[Any, Stubber]
) -> None:
    stub, url = grafana
    grafana_client, stubber = client
    _token_calls(stubber, "glsa_revoked", account=ACCOUNT)
    with pytest.raises(GrafanaApiError, match="HTTP 401"):
        push(
            workspace_id=WORKSPACE,
            names=NAMES,
            dashboards=[CHECKOUT],
            region=REGION,
            client=grafana_client,
            grafana_url=url,
        )
    assert stub.mutations() == []
    # the fixture asserts the DeleteWorkspaceServiceAccountToken answer was used


def test_a_service_account_without_admin_rights_is_refused(client: tuple[Any, Stubber]) -> None:
    grafana_client, stubber = client
    stubber.add_response(
        "list_workspace_service_accounts",
        {"serviceAccounts": [{**ACCOUNT, "grafanaRole": "VIEWER"}], "workspaceId": WORKSPACE},
        {"workspaceId": WORKSPACE},
    )
    with pytest.raises(BlueprintError) as raised:
        push(
            workspace_id=WORKSPACE,
            names=NAMES,
            dashboards=[CHECKOUT],
            region=REGION,
            client=grafana_client,
            grafana_url="http://127.0.0.1:9",
        )
    assert str(raised.value) == (
        "workspace_id: the service account 'obs-blueprint' of g-0123456789 is VIEWER; push "
        "needs it enabled and ADMIN (data sources need admin rights): change it, or delete it "
        "and push again"
    )


def test_a_workspace_older_than_grafana_9_is_refused_before_any_token(
    client: tuple[Any, Stubber],
) -> None:
    grafana_client, stubber = client
    stubber.add_response(
        "describe_workspace",
        {
            "workspace": {
                "authentication": {"providers": ["AWS_SSO"]},
                "created": "2024-01-01T00:00:00Z",
                "dataSources": [],
                "endpoint": "g-0123456789.grafana-workspace.eu-west-1.amazonaws.com",
                "grafanaVersion": "8.4",
                "id": WORKSPACE,
                "modified": "2024-01-01T00:00:00Z",
                "status": "ACTIVE",
            }
        },
        {"workspaceId": WORKSPACE},
    )
    with pytest.raises(BlueprintError) as raised:
        push(
            workspace_id=WORKSPACE,
            names=NAMES,
            dashboards=[CHECKOUT],
            region=REGION,
            client=grafana_client,
        )
    assert str(raised.value) == (
        "workspace_id: g-0123456789 runs Grafana 8.4; service-account tokens need 9 or later "
        "(update the workspace's version)"
    )


def test_a_workspace_id_of_the_wrong_form_is_refused() -> None:
    with pytest.raises(BlueprintError) as raised:
        push(workspace_id="shop-dev", names=NAMES, dashboards=[CHECKOUT], region=REGION)
    assert str(raised.value) == (
        "workspace_id: 'shop-dev' is not a Grafana workspace id; it reads g- and 10 hex digits "
        "(g-0123456789)"
    )
