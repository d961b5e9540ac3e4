"""A local stub of Grafana's HTTP API, for the tests of ``grafana push``.

:class:`StubGrafana` listens on 127.0.0.1 on a free port, in a thread that
:func:`serve_grafana` stops, and behaves like Grafana's API where push depends on
it (grafana/grafana docs/sources/developers/http_api/folder.md, data_source.md,
dashboard.md): 401 for a missing or wrong bearer token, 409 for a duplicate
folder or data source, 412 ``version-mismatch`` and ``name-exists`` when saving
a dashboard, 404 on a GET of an unknown uid. It records every request, so the
tests can show that nothing push did not create is changed. The ``grafana``
fixture (tests/unit/conftest.py) serves one per test.
"""

from __future__ import annotations

import copy
import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "glsa_stub_token"
"""The one token the stub accepts."""
REQUEST_TIMEOUT = 5.0
"""Seconds a request (either side) may take."""


class StubGrafana:
    """Grafana's folder, data source, dashboard and search API, in memory."""

    def __init__(self) -> None:
        self.token = TOKEN
        self.folders: dict[str, dict[str, Any]] = {}
        self.datasources: dict[str, dict[str, Any]] = {}
        self.dashboards: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, Any]] = []
        self.edits_before_save: dict[str, int] = {}
        """Dashboard uid -> how many saves by someone else to slip in before ours."""
        self.appear_before_save: dict[str, dict[str, Any]] = {}
        """Dashboard uid -> a dashboard someone else creates just before our first save."""
        self._ids = 100
        self._lock = threading.Lock()

    def next_id(self) -> int:
        self._ids += 1
        return self._ids

    # ---------------------------------------------------------------- seeding

    def seed_dashboard(self, model: dict[str, Any], folder: str | None) -> None:
        """Put a dashboard in as someone else would have saved it."""
        self.dashboards[model["uid"]] = {
            "dashboard": {**model, "id": self.next_id(), "version": 1},
            "folderUid": folder,
        }

    def mutations(self) -> list[tuple[str, str]]:
        """Every request that could change something: (method, path)."""
        return [(m, p) for m, p, _ in self.requests if m != "GET"]

    # --------------------------------------------------------------- handling

    def handle(self, method: str, path: str, auth: str | None, body: Any) -> tuple[int, Any]:
        with self._lock:
            self.requests.append((method, path, copy.deepcopy(body)))
            if auth != f"Bearer {self.token}":
                return 401, {"message": "Unauthorized"}
            route = urllib.parse.urlsplit(path)
            parts = route.path.strip("/").split("/")
            handler = getattr(self, f"_{method.lower()}_{'_'.join(parts[1:2])}", None)
            if parts[0] != "api" or handler is None:
                return 404, {"message": "Not found"}
            result: tuple[int, Any] = handler(parts[2:], body, urllib.parse.parse_qs(route.query))
            return result

    def _get_folders(self, rest: list[str], body: Any, query: Any) -> tuple[int, Any]:
        folder = self.folders.get(rest[0]) if rest else None
        return (200, folder) if folder else (404, {"message": "folder not found"})

    def _post_folders(self, rest: list[str], body: Any, query: Any) -> tuple[int, Any]:
        clash = body["uid"] in self.folders or any(
            f["title"] == body["title"] for f in self.folders.values()
        )
        if clash:
            return 409, {"message": "a folder with the same name already exists"}
        folder = {"id": self.next_id(), "uid": body["uid"], "title": body["title"], "version": 1}
        self.folders[body["uid"]] = folder
        return 200, folder

    def _get_datasources(self, rest: list[str], body: Any, query: Any) -> tuple[int, Any]:
        source = self.datasources.get(rest[1]) if rest[:1] == ["uid"] else None
        return (200, source) if source else (404, {"message": "Data source not found"})

    def _post_datasources(self, rest: list[str], body: Any, query: Any) -> tuple[int, Any]:
        if body.get("uid") in self.datasources or any(
            s["name"] == body["name"] for s in self.datasources.values()
        ):
            return 409, {"message": "data source with the same name already exists"}
        source = {**body, "id": self.next_id(), "version": 1, "readOnly": False}
        self.datasources[body["uid"]] = source
        return 200, {"datasource": source, "id": source["id"], "message": "Datasource added"}

    def _put_datasources(self, rest: list[str], body: Any, query: Any) -> tuple[int, Any]:
        current = self.datasources.get(rest[1])
        if current is None:
            return 404, {"message": "Data source not found"}
        if body.get("version") and body["version"] < current["version"]:
            return 409, {"message": "Datasource has already been updated by someone else"}
        updated = {**body, "id": current["id"], "version": current["version"] + 1}
        self.datasources[rest[1]] = updated
        return 200, {"datasource": updated, "message": "Datasource updated"}

    def _get_dashboards(self, rest: list[str], body: Any, query: Any) -> tuple[int, Any]:
        stored = self.dashboards.get(rest[1]) if rest[:1] == ["uid"] else None
        if stored is None:
            return 404, {"message": "Dashboard not found"}
        return 200, {
            "dashboard": copy.deepcopy(stored["dashboard"]),
            "meta": {"folderUid": stored["folderUid"], "url": f"/d/{rest[1]}"},
        }

    def _delete_dashboards(self, rest: list[str], body: Any, query: Any) -> tuple[int, Any]:
        stored = self.dashboards.pop(rest[1], None)
        if stored is None:
            return 404, {"message": "Dashboard not found"}
        return 200, {"title": stored["dashboard"]["title"], "message": "Dashboard deleted"}

    def _post_dashboards(self, rest: list[str], body: Any, query: Any) -> tuple[int, Any]:
        dashboard = body["dashboard"]
        uid = dashboard["uid"]
        if uid in self.appear_before_save:
            self.seed_dashboard(self.appear_before_save.pop(uid), None)
        if self.edits_before_save.get(uid, 0) > 0 and uid in self.dashboards:
            self.edits_before_save[uid] -= 1
            self.dashboards[uid]["dashboard"]["version"] += 1
        stored = self.dashboards.get(uid)
        same_title = [
            u
            for u, d in self.dashboards.items()
            if u != uid
            and d["folderUid"] == body.get("folderUid")
            and d["dashboard"]["title"] == dashboard["title"]
        ]
        if same_title:
            return 412, {
                "message": "A dashboard with the same name in the folder already exists",
                "status": "name-exists",
            }
        if stored is not None and not body.get("overwrite"):
            if dashboard.get("version") is None:
                return 412, {
                    "message": "A dashboard with the same uid already exists",
                    "status": "name-exists",
                }
            if dashboard["version"] != stored["dashboard"]["version"]:
                return 412, {
                    "message": "The dashboard has been changed by someone else",
                    "status": "version-mismatch",
                }
        version = 1 if stored is None else stored["dashboard"]["version"] + 1
        ident = self.next_id() if stored is None else stored["dashboard"]["id"]
        self.dashboards[uid] = {
            "dashboard": {**dashboard, "id": ident, "version": version},
            "folderUid": body.get("folderUid"),
        }
        return 200, {"id": ident, "uid": uid, "status": "success", "version": version}

    def _get_search(self, rest: list[str], body: Any, query: Any) -> tuple[int, Any]:
        tags = query.get("tag", [])
        return 200, [
            {
                "uid": uid,
                "title": d["dashboard"]["title"],
                "type": "dash-db",
                "tags": d["dashboard"].get("tags", []),
                "folderUid": d["folderUid"],
            }
            for uid, d in self.dashboards.items()
            if all(t in d["dashboard"].get("tags", []) for t in tags)
        ]


def _handler(stub: StubGrafana) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = REQUEST_TIMEOUT  # a stuck client cannot hold the server

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            status, answer = stub.handle(
                self.command, self.path, self.headers.get("Authorization"), body
            )
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815 - http.server's names

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serve_grafana() -> Iterator[tuple[StubGrafana, str]]:
    """Run a stub Grafana on 127.0.0.1 (free port); yield it and its address; stop it."""
    stub = StubGrafana()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield stub, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=REQUEST_TIMEOUT)
