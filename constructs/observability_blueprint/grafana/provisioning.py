"""``obs-blueprint grafana push``: data sources, a folder and dashboards into a workspace.

No aws_cdk and no new dependency: the Grafana HTTP API is called with urllib,
and boto3 (the ``aws`` extra) is imported only by :func:`push`, which makes the
short-lived token.

What it touches, and nothing else:

- the folder ``names.folder_uid`` (created when missing, never changed or deleted);
- the data sources ``names.cloudwatch_uid`` and, with a Prometheus workspace,
  ``names.prometheus_uid``: created, or updated when they carry the blueprint's
  mark (``jsonData.observabilityBlueprint`` = the prefix);
- dashboards whose uid it is given: created, or updated when the one in Grafana
  is ours (tagged ``observability-blueprint`` *and* in our folder); with
  ``prune``, ours that are no longer given are deleted.

Anything else with one of those uids is left alone and reported as refused. An
update sends the version it read; when Grafana answers 412 ``version-mismatch``
(someone saved in between) it reads again and retries once. Every request has a
timeout, redirects are not followed (they would carry the token elsewhere), and
the token is deleted in ``finally``.

Grafana's API: https://grafana.com/docs/grafana/latest/developers/http_api/
(grafana/grafana docs/sources/developers/http_api/folder.md, data_source.md,
dashboard.md); the token API: ``CreateWorkspaceServiceAccountToken``,
https://docs.aws.amazon.com/grafana/latest/APIReference/API_CreateWorkspaceServiceAccountToken.html.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from observability_blueprint.grafana.dashboards import (
    CLOUDWATCH_TYPE,
    DASHBOARD_TAG,
    PROMETHEUS_TYPE,
    GrafanaNames,
)
from observability_blueprint.rules.errors import BlueprintError, Problem, cut
from observability_blueprint.rules.grafana_model import (
    GRAFANA_MAJOR_MIN,
    check_workspace_id,
    grafana_dashboard_problems,
)

MARK: Final = "observabilityBlueprint"
"""The ``jsonData`` key that marks a data source as the blueprint's (value: the prefix)."""
SERVICE_ACCOUNT: Final = "obs-blueprint"
"""The workspace service account push uses; ADMIN, since creating data sources needs it."""
TOKEN_SECONDS: Final = 600
"""How long the push token lives (the API allows 1 to 2,592,000 seconds)."""
TIMEOUT_SECONDS: Final = 10.0
"""Each HTTP request's timeout."""
COMMIT_MESSAGE: Final = "obs-blueprint grafana push"

GrafanaClient = Any
"""A boto3 ``grafana`` client (no type stubs for it are installed)."""


class GrafanaApiError(RuntimeError):
    """Grafana answered a request in a way push cannot carry on from."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        message = body.get("message") if isinstance(body, Mapping) else body
        super().__init__(f"{method} {path}: HTTP {status}: {cut(str(message or ''), 200)}")


@dataclass
class PushResult:
    """What push did, by item (``dashboard shop-dev-checkout``)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """Items left alone because what holds their uid or name is not the blueprint's."""

    @property
    def ok(self) -> bool:
        """True when nothing was refused."""
        return not self.refused

    def render(self) -> str:
        """One line per item, refusals last."""
        lines = [
            f"{verb:9} {item}"
            for verb, items in (
                ("created", self.created),
                ("updated", self.updated),
                ("unchanged", self.unchanged),
                ("deleted", self.deleted),
            )
            for item in items
        ]
        return "\n".join([*lines, *(f"refused   {item}" for item in self.refused)])


@dataclass(frozen=True)
class PrometheusSource:
    """An Amazon Managed Service for Prometheus workspace for the Prometheus data source.

    Parameters
    ----------
    endpoint
        The workspace's Prometheus endpoint, ``https://aps-workspaces.REGION.amazonaws.com/workspaces/ID/``
        (the ``PrometheusEndpoint`` attribute).
    region
        Its Region, for SigV4 signing.
    """

    endpoint: str
    region: str


class GrafanaApi:
    """A Grafana HTTP API client: JSON in and out, a bearer token, bounded, no redirects.

    Parameters
    ----------
    base_url
        ``https://`` and the workspace endpoint; ``http://`` only on this machine
        (127.0.0.1, localhost), for tests.
    token
        A service-account token (``Authorization: Bearer``).
    timeout
        Seconds each request may take.
    """

    def __init__(self, base_url: str, token: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        local = parsed.hostname in ("127.0.0.1", "localhost", "::1")
        if parsed.scheme != "https" and not (parsed.scheme == "http" and local):
            raise ValueError(f"{cut(base_url)!r} is not an https:// Grafana address")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirect())

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """Send one request; return the status and the decoded JSON body (None when empty)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self._token}",
                "Accept": "application/json",
                "Content-Type": "application/json",
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status, _decode(response.read())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, _decode(error.read())

    def expect(
        self, method: str, path: str, body: Any = None, *, ok: Sequence[int] = (200,)
    ) -> tuple[int, Any]:
        """Like :meth:`request`; raise :class:`GrafanaApiError` unless the status is in ``ok``."""
        status, answer = self.request(method, path, body)
        if status not in ok:
            raise GrafanaApiError(method, path, status, answer)
        return status, answer


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would send the bearer token on to the new address."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _decode(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def data_sources(
    names: GrafanaNames, *, region: str, prometheus: PrometheusSource | None = None
) -> list[dict[str, Any]]:
    """Return the data sources push creates: CloudWatch, and Prometheus with SigV4 when given.

    Both read with the workspace's own role (``ec2_iam_role``: the credentials of
    the host Grafana runs on, the workspace role in Amazon Managed Grafana). The
    field names are the CloudWatch and Prometheus data sources' provisioning
    settings (grafana.com/docs/grafana/latest/datasources/aws-cloudwatch/ and
    .../prometheus/); the ``ec2_iam_role`` choice for a workspace role is common
    practice, not a value the Amazon Managed Grafana guide spells out.
    """
    out = [
        {
            "uid": names.cloudwatch_uid,
            "name": names.cloudwatch_name,
            "type": CLOUDWATCH_TYPE,
            "access": "proxy",
            "jsonData": {
                "authType": "ec2_iam_role",
                "defaultRegion": region,
                MARK: names.prefix,
            },
        }
    ]
    if prometheus is not None:
        out.append(
            {
                "uid": names.prometheus_uid,
                "name": names.prometheus_name,
                "type": PROMETHEUS_TYPE,
                "access": "proxy",
                "url": prometheus.endpoint,
                "jsonData": {
                    "httpMethod": "POST",
                    "sigV4Auth": True,
                    "sigV4AuthType": "ec2_iam_role",
                    "sigV4Region": prometheus.region,
                    MARK: names.prefix,
                },
            }
        )
    return out


def provision(
    api: GrafanaApi,
    *,
    names: GrafanaNames,
    dashboards: Sequence[Mapping[str, Any]],
    region: str,
    prometheus: PrometheusSource | None = None,
    prune: bool = False,
) -> PushResult:
    """Create or update the folder, data sources and ``dashboards`` through ``api``.

    The Grafana half of :func:`push`, for a token you already hold. Dashboards are
    checked against Grafana's JSON model first and must carry the
    ``observability-blueprint`` tag (every dashboard of :mod:`.dashboards` does).
    """
    _check_dashboards(dashboards)
    result = PushResult()
    _ensure_folder(api, names, result)
    for source in data_sources(names, region=region, prometheus=prometheus):
        _ensure_data_source(api, names, source, result)
    for model in dashboards:
        _ensure_dashboard(api, names, model, result)
    if prune:
        _prune(api, names, {str(m["uid"]) for m in dashboards}, result)
    return result


def push(
    *,
    workspace_id: str,
    names: GrafanaNames,
    dashboards: Sequence[Mapping[str, Any]],
    region: str,
    prometheus: PrometheusSource | None = None,
    prune: bool = False,
    client: GrafanaClient | None = None,
    grafana_url: str | None = None,
    token_seconds: int = TOKEN_SECONDS,
    timeout: float = TIMEOUT_SECONDS,
) -> PushResult:
    """Push the blueprint's data sources and dashboards into a Grafana workspace.

    Finds (or creates) the workspace's ``obs-blueprint`` service account (ADMIN),
    creates a token that lives ``token_seconds``, calls :func:`provision` with it,
    and deletes the token in ``finally``, whatever happened.

    Parameters
    ----------
    workspace_id
        The workspace (``g-`` and ten hex digits; ``GrafanaWorkspace.workspace_id``).
    names
        The blueprint's names in the workspace.
    dashboards
        Dashboard JSON models (:func:`.dashboards.service_dashboards`).
    region
        The workspace's Region, and the CloudWatch data source's default Region.
    prometheus
        A Prometheus workspace for the Prometheus data source. Default: none.
    prune
        Delete the blueprint's dashboards (tag and folder) that are not in ``dashboards``.
    client
        A boto3 ``grafana`` client. Default: boto3's, for ``region``.
    grafana_url
        The workspace's address. Default: ``https://`` and its endpoint (DescribeWorkspace).
    token_seconds
        The token's lifetime. Default: 600.
    timeout
        Each HTTP request's timeout, in seconds.
    """
    if message := check_workspace_id(workspace_id):
        raise BlueprintError([Problem("workspace_id", message)])
    if client is None:
        import boto3  # the aws extra: only this command needs it

        client = boto3.client("grafana", region_name=region)
    if grafana_url is None:
        workspace = client.describe_workspace(workspaceId=workspace_id)["workspace"]
        major = str(workspace.get("grafanaVersion", "")).split(".", 1)[0]
        if major.isdigit() and int(major) < GRAFANA_MAJOR_MIN:
            raise BlueprintError.at(
                "workspace_id",
                f"{workspace_id} runs Grafana {workspace['grafanaVersion']}; service-account "
                f"tokens need {GRAFANA_MAJOR_MIN} or later (update the workspace's version)",
            )
        grafana_url = f"https://{workspace['endpoint']}"
    account = _service_account(client, workspace_id)
    token = client.create_workspace_service_account_token(
        workspaceId=workspace_id,
        serviceAccountId=account,
        name=f"{SERVICE_ACCOUNT}-push-{int(time.time())}-{secrets.token_hex(3)}",
        secondsToLive=token_seconds,
    )["serviceAccountToken"]
    try:
        api = GrafanaApi(grafana_url, token["key"], timeout=timeout)
        return provision(
            api,
            names=names,
            dashboards=dashboards,
            region=region,
            prometheus=prometheus,
            prune=prune,
        )
    finally:
        client.delete_workspace_service_account_token(
            workspaceId=workspace_id, serviceAccountId=account, tokenId=token["id"]
        )


def _service_account(client: GrafanaClient, workspace_id: str) -> str:
    """Return the id of the workspace's ``obs-blueprint`` account, creating it when missing."""
    kwargs: dict[str, Any] = {"workspaceId": workspace_id}
    while True:
        page = client.list_workspace_service_accounts(**kwargs)
        for account in page["serviceAccounts"]:
            if account["name"] != SERVICE_ACCOUNT:
                continue
            disabled = str(account["isDisabled"]).lower() == "true"
            if account["grafanaRole"] != "ADMIN" or disabled:
                state = f"{account['grafanaRole']}{' and disabled' if disabled else ''}"
                raise BlueprintError.at(
                    "workspace_id",
                    f"the service account {SERVICE_ACCOUNT!r} of {workspace_id} is {state}; "
                    "push needs it enabled and ADMIN (data sources need admin rights): "
                    "change it, or delete it and push again",
                )
            return str(account["id"])
        if not page.get("nextToken"):
            break
        kwargs["nextToken"] = page["nextToken"]
    created = client.create_workspace_service_account(
        workspaceId=workspace_id, name=SERVICE_ACCOUNT, grafanaRole="ADMIN"
    )
    return str(created["id"])


def _check_dashboards(dashboards: Sequence[Mapping[str, Any]]) -> None:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, model in enumerate(dashboards):
        at = f"dashboards[{index}]"
        problems += [Problem(at, message) for message in grafana_dashboard_problems(model)]
        if DASHBOARD_TAG not in (model.get("tags") or []):
            problems.append(
                Problem(
                    f"{at}.tags", f"no {DASHBOARD_TAG!r} tag; push manages only dashboards with it"
                )
            )
        uid = str(model.get("uid"))
        if uid in seen:
            problems.append(Problem(f"{at}.uid", f"{uid!r} is the uid of an earlier dashboard"))
        seen.add(uid)
    if problems:
        raise BlueprintError(problems)


def _ensure_folder(api: GrafanaApi, names: GrafanaNames, result: PushResult) -> None:
    item = f"folder {names.folder_uid}"
    path = f"/api/folders/{names.folder_uid}"
    status, _ = api.expect("GET", path, ok=(200, 404))
    if status == 200:
        result.unchanged.append(item)
        return
    status, body = api.expect(
        "POST",
        "/api/folders",
        {"uid": names.folder_uid, "title": names.folder_title},
        ok=(200, 409),
    )
    if status == 200:
        result.created.append(item)
        return
    # 409: the uid appeared since the GET, or another folder has the title.
    status, _ = api.request("GET", path)
    if status != 200:
        raise GrafanaApiError("POST", "/api/folders", 409, body)
    result.unchanged.append(item)


def _same(current: Mapping[str, Any], desired: Mapping[str, Any]) -> bool:
    return all(current.get(key) == value for key, value in desired.items())


def _ensure_data_source(
    api: GrafanaApi, names: GrafanaNames, source: Mapping[str, Any], result: PushResult
) -> None:
    uid = source["uid"]
    item = f"data source {uid} ({source['name']})"
    path = f"/api/datasources/uid/{uid}"
    status, current = api.expect("GET", path, ok=(200, 404))
    if status == 404:
        status, body = api.expect("POST", "/api/datasources", source, ok=(200, 409))
        if status == 200:
            result.created.append(item)
        else:
            result.refused.append(
                f"{item}: Grafana has a data source with this name or uid that push did not "
                f"create ({cut(str((body or {}).get('message', '')), 80)}); rename or remove it"
            )
        return
    if (current.get("jsonData") or {}).get(MARK) != names.prefix:
        result.refused.append(
            f"{item}: a data source with this uid exists without the blueprint's mark "
            f"(jsonData.{MARK}); push did not create it and leaves it alone"
        )
        return
    if _same(current, source):
        result.unchanged.append(item)
        return
    api.expect("PUT", path, {**source, "version": current.get("version")})
    result.updated.append(item)


def _ours(answer: Any, names: GrafanaNames) -> bool:
    """True when a ``GET /api/dashboards/uid`` answer is a dashboard push made."""
    dashboard = answer.get("dashboard") or {}
    meta = answer.get("meta") or {}
    return (
        DASHBOARD_TAG in (dashboard.get("tags") or []) and meta.get("folderUid") == names.folder_uid
    )


def _without_ids(model: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in model.items() if k not in ("id", "version")}


def _ensure_dashboard(
    api: GrafanaApi, names: GrafanaNames, model: Mapping[str, Any], result: PushResult
) -> None:
    uid = str(model["uid"])
    item = f"dashboard {uid}"
    path = f"/api/dashboards/uid/{uid}"
    status, current = api.expect("GET", path, ok=(200, 404))
    if status == 404:
        status, body = _save(api, names, _without_ids(model), None)
        if status == 200:
            result.created.append(item)
            return
        # 412 name-exists: the uid was taken since the GET; read it once more.
        status, current = api.expect("GET", path, ok=(200, 404))
        if status == 404:
            raise GrafanaApiError("POST", "/api/dashboards/db", 412, body)
    for attempt in (1, 2):
        if not _ours(current, names):
            result.refused.append(
                f"{item}: a dashboard with this uid exists outside folder {names.folder_uid} "
                f"or without the {DASHBOARD_TAG!r} tag; push did not create it and leaves it alone"
            )
            return
        if _without_ids(current["dashboard"]) == _without_ids(model):
            result.unchanged.append(item)
            return
        status, body = _save(api, names, _without_ids(model), current["dashboard"])
        if status == 200:
            result.updated.append(item)
            return
        if attempt == 2 or (body or {}).get("status") != "version-mismatch":
            raise GrafanaApiError("POST", "/api/dashboards/db", status, body)
        # Someone saved it in between: read the new version and try once more.
        _, current = api.expect("GET", path)


def _save(
    api: GrafanaApi,
    names: GrafanaNames,
    model: Mapping[str, Any],
    current: Mapping[str, Any] | None,
) -> tuple[int, Any]:
    dashboard = dict(model)
    if current is None:
        dashboard["id"] = None
    else:
        dashboard["id"] = current.get("id")
        dashboard["version"] = current.get("version")
    return api.expect(
        "POST",
        "/api/dashboards/db",
        {
            "dashboard": dashboard,
            "folderUid": names.folder_uid,
            "message": COMMIT_MESSAGE,
            "overwrite": False,
        },
        ok=(200, 412),
    )


def _prune(api: GrafanaApi, names: GrafanaNames, keep: set[str], result: PushResult) -> None:
    query = urllib.parse.urlencode({"type": "dash-db", "tag": DASHBOARD_TAG})
    _, hits = api.expect("GET", f"/api/search?{query}")
    for hit in hits or []:
        uid = str(hit.get("uid"))
        if hit.get("folderUid") != names.folder_uid or uid in keep:
            continue
        path = f"/api/dashboards/uid/{uid}"
        status, current = api.expect("GET", path, ok=(200, 404))
        if status == 200 and _ours(current, names):
            api.expect("DELETE", path)
            result.deleted.append(f"dashboard {uid}")
