"""Amazon Managed Grafana's valid values, and Grafana's dashboard JSON model, checked.

Pure module: no aws_cdk import. Two halves:

- **Workspace values** (``AWS::Grafana::Workspace`` and the Grafana API's
  ``CreateWorkspace``): authentication providers, data source names, Grafana
  versions, names and the SAML settings' lengths, read from the API reference
  (botocore's ``grafana`` model, 2020-08-18) and the CloudFormation schema.
  Where they differ the documentation wins: the API documents ``TWINMAKER`` as a
  data source, the CloudFormation schema does not list it.
- **Dashboards**: :func:`grafana_dashboard_problems` checks a dashboard against
  Grafana's documented JSON model (grafana/grafana
  ``docs/sources/dashboards/build-dashboards/view-dashboard-json-model/index.md``,
  https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/),
  written from that page rather than from the library that builds the dashboards,
  so a test of one against the other means something.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from observability_blueprint.rules.arns import ArnKind, arn_problem
from observability_blueprint.rules.errors import cut

# ------------------------------------------------------------------ workspace

AUTHENTICATION_PROVIDERS: Final = ("AWS_SSO", "SAML")
"""``AuthenticationProviders`` values: IAM Identity Center and SAML 2.0
(https://docs.aws.amazon.com/grafana/latest/APIReference/API_CreateWorkspace.html)."""

DATA_SOURCES: Final = (
    "AMAZON_OPENSEARCH_SERVICE",
    "ATHENA",
    "CLOUDWATCH",
    "PROMETHEUS",
    "REDSHIFT",
    "SITEWISE",
    "TIMESTREAM",
    "TWINMAKER",
    "XRAY",
)
"""The AWS data sources Amazon Managed Grafana documents (``DataSourceType``,
https://docs.aws.amazon.com/grafana/latest/APIReference/API_CreateWorkspace.html).
The CloudFormation schema lacks ``TWINMAKER``; the API reference wins."""

GRANTED_DATA_SOURCES: Final = ("CLOUDWATCH", "PROMETHEUS", "XRAY")
"""The data sources whose read permissions the blueprint's workspace role holds."""

GRAFANA_MAJOR_MIN: Final = 9
"""Service accounts and their tokens, which provisioning uses, exist from Grafana 9
("Only available for workspaces compatible with Grafana version 9 and above",
https://docs.aws.amazon.com/grafana/latest/APIReference/API_CreateWorkspaceServiceAccount.html)."""

GRAFANA_VERSIONS: Final = ("9.4", "10.4", "12.4")
"""Versions Amazon Managed Grafana is documented with: 9.4 and 10.4 in the API
reference's examples (``UpdateWorkspaceConfiguration``: "from 8.4 to 9.4";
``CreateWorkspace``: "for example, 10.4"), 12.4 in the CloudWatch PromQL guide
(https://docs.aws.amazon.com/grafana/latest/userguide/cloudwatch-promql.html).
``ListVersions`` gives a Region's list; a later version is accepted."""

_VERSION_RE: Final = re.compile(r"(\d{1,4})\.(\d{1,4})")
_WORKSPACE_NAME_RE: Final = re.compile(r"[a-zA-Z0-9._~-]{1,255}")
WORKSPACE_DESCRIPTION_MAX: Final = 2048
SAML_VALUE_MAX: Final = 256
"""Assertion attribute names, role values and organizations: 1 to 256 characters."""
IDP_METADATA_URL_MAX: Final = 2048
_WORKSPACE_ID_RE: Final = re.compile(r"g-[0-9a-f]{10}")

PROMETHEUS_WORKSPACE: Final = ArnKind(
    "an Amazon Managed Service for Prometheus workspace",
    "aps",
    "workspace",
    "arn:aws:aps:REGION:ACCOUNT:workspace/ID",
    re.compile(r"[a-zA-Z0-9-]+"),
)
"""The workspace ARN, as ``AWS::APS::RuleGroupsNamespace`` takes it
(``^arn:(aws|aws-us-gov|aws-cn):aps:[a-z0-9-]+:[0-9]+:workspace/[a-zA-Z0-9-]+$``)."""


def check_authentication_provider(value: str) -> str | None:
    """Return why ``value`` is not an authentication provider of a workspace, or None."""
    if value in AUTHENTICATION_PROVIDERS:
        return None
    return (
        f"{cut(value)!r} is not a Grafana authentication type; use AWS_SSO (IAM Identity "
        "Center) or SAML"
    )


def check_data_source(value: str) -> str | None:
    """Return why the workspace role cannot be given ``value``'s permissions, or None."""
    if value in GRANTED_DATA_SOURCES:
        return None
    if value in DATA_SOURCES:
        return (
            f"{value} is an Amazon Managed Grafana data source the blueprint does not grant; "
            f"choose from {', '.join(GRANTED_DATA_SOURCES)}, and add {value}'s permissions "
            "to the workspace's role yourself"
        )
    return (
        f"{cut(value)!r} is not an Amazon Managed Grafana data source; the documented ones "
        f"are {', '.join(DATA_SOURCES)}"
    )


def check_grafana_version(value: str) -> str | None:
    """Return why ``value`` is not a Grafana version the blueprint can use, or None."""
    match = _VERSION_RE.fullmatch(value)
    known = ", ".join(GRAFANA_VERSIONS)
    if match is None:
        return (
            f"{cut(value)!r} is not a Grafana version; give major.minor, such as {known} "
            "(ListVersions lists a Region's)"
        )
    if int(match.group(1)) < GRAFANA_MAJOR_MIN:
        return (
            f"Grafana {value} is older than {GRAFANA_MAJOR_MIN}, which service-account "
            f"tokens need; use {known} or later"
        )
    return None


def check_workspace_name(value: str) -> str | None:
    """Return why ``value`` cannot name a workspace, or None."""
    if _WORKSPACE_NAME_RE.fullmatch(value):
        return None
    return f"{cut(value)!r} is not a workspace name; use 1 to 255 letters, digits and . _ ~ -"


def check_workspace_description(value: str) -> str | None:
    """Return why ``value`` cannot describe a workspace, or None."""
    if len(value) <= WORKSPACE_DESCRIPTION_MAX:
        return None
    return (
        f"the description has {len(value):,} characters; a workspace description has at "
        f"most {WORKSPACE_DESCRIPTION_MAX:,}"
    )


def check_saml_value(value: str, what: str) -> str | None:
    """Return why ``value`` cannot be a SAML ``what`` (attribute, role value...), or None."""
    if 1 <= len(value) <= SAML_VALUE_MAX:
        return None
    return f"{cut(value)!r} is not {what}; give 1 to {SAML_VALUE_MAX} characters"


def check_idp_metadata_url(value: str) -> str | None:
    """Return why ``value`` cannot be the address of a SAML IdP's metadata, or None."""
    if not value.startswith("https://") or len(value) > IDP_METADATA_URL_MAX:
        return (
            f"{cut(value)!r} is not an IdP metadata URL; give the https:// address of the "
            f"identity provider's SAML metadata (up to {IDP_METADATA_URL_MAX:,} characters)"
        )
    return None


def check_login_validity(minutes: int) -> str | None:
    """Return why ``minutes`` cannot be a SAML session's lifetime, or None."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        return (
            f"{cut(repr(minutes))} is not a login validity; give a whole number of minutes above 0"
        )
    return None


def check_workspace_id(value: str) -> str | None:
    """Return why ``value`` is not a Grafana workspace id (``g-`` and ten hex digits), or None."""
    if _WORKSPACE_ID_RE.fullmatch(value):
        return None
    return (
        f"{cut(value)!r} is not a Grafana workspace id; it reads g- and 10 hex digits "
        "(g-0123456789)"
    )


def check_prometheus_workspace_arn(value: str) -> str | None:
    """Return why ``value`` is not a Prometheus workspace ARN, or None (tokens pass)."""
    return arn_problem(value, [PROMETHEUS_WORKSPACE])


# ----------------------------------------------------------------------- uids

UID_MAX: Final = 40
"""A dashboard's, folder's or data source's uid: at most 40 characters (the HTTP API,
docs/sources/developers/http_api/dashboard.md "The uid can have a maximum length of
40 characters"; folder.md says the same)."""
UID_MIN: Final = 8
"""The JSON model page gives the uid as "string (8-40)"."""
_UID_RE: Final = re.compile(r"[a-zA-Z0-9_-]+")
"""Grafana's legacy uid pattern (pkg/util/shortid_generator.go ``validUIDPattern``)."""


def check_uid(uid: str) -> str | None:
    """Return why ``uid`` cannot be a Grafana uid, or None."""
    if not UID_MIN <= len(uid) <= UID_MAX or not _UID_RE.fullmatch(uid):
        return (
            f"{cut(uid)!r} is not a Grafana uid; use {UID_MIN} to {UID_MAX} letters, digits, "
            "'-' and '_'"
        )
    return None


def make_uid(*parts: str) -> str:
    """Return a uid for ``parts`` joined by ``-``: lowercase letters, digits and ``-``.

    Other characters become ``-``. A uid over 40 characters keeps its first 31 and
    ends in 8 hex digits of its SHA-256, so two long names still get two uids; one
    under 8 characters gets the digest too. Lowercase and a leading letter keep it
    a valid Kubernetes name, which Grafana's newer uids must be.
    """
    text = "-".join(parts)
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug[:1].isalpha():
        slug = f"g-{slug}".rstrip("-")
    if UID_MIN <= len(slug) <= UID_MAX:
        return slug
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{slug[: UID_MAX - 9].rstrip('-')}-{digest}"


# ------------------------------------------------------------------ dashboards

GRID_COLUMNS: Final = 24
"""The dashboard is 24 columns wide; a panel's ``gridPos.w`` is 1 to 24."""
GRAPH_TOOLTIPS: Final = (0, 1, 2)
"""``graphTooltip``: 0 none, 1 shared crosshair, 2 shared crosshair and tooltip."""
_REQUIRED: Final[tuple[tuple[str, Any], ...]] = (
    ("uid", str),
    ("title", str),
    ("tags", list),
    ("time", Mapping),
    ("templating", Mapping),
    ("annotations", Mapping),
    ("schemaVersion", int),
    ("panels", list),
)
"""The fields of a new dashboard that the blueprint relies on, with their JSON types."""
_OPTIONAL: Final[tuple[tuple[str, Any], ...]] = (
    ("id", (int, type(None))),
    ("timezone", str),
    ("editable", bool),
    ("graphTooltip", int),
    ("timepicker", Mapping),
    ("refresh", (str, bool)),
    ("version", int),
    ("links", list),
)
_TYPE_NAMES: Final = {
    str: "a string",
    list: "a list",
    Mapping: "an object",
    int: "a whole number",
    bool: "true or false",
}


def _type_name(kind: Any) -> str:
    if isinstance(kind, tuple):
        return " or ".join("null" if k is type(None) else _TYPE_NAMES[k] for k in kind)
    return _TYPE_NAMES[kind]


def _is(value: Any, kind: Any) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        return False  # JSON true is not a number
    return isinstance(value, kinds)


def grafana_dashboard_problems(model: Mapping[str, Any]) -> list[str]:
    """Return what in ``model`` does not follow Grafana's dashboard JSON model; [] when fine.

    Checked, from the documented model: the fields of a new dashboard and their
    types (``uid`` 8 to 40 characters, ``graphTooltip`` 0, 1 or 2, ``time`` with
    ``from`` and ``to``, ``templating`` and ``annotations`` each ``{"list": [...]}``,
    ``schemaVersion`` an integer); and each panel (rows' panels too): a ``type``, a
    ``title``, an ``id`` unique in the dashboard, and a ``gridPos`` of whole
    numbers inside the 24 columns (``w`` 1 to 24, ``x + w`` at most 24) that
    overlaps no other panel. Each problem reads ``<path>: <what is wrong>``.
    """
    problems: list[str] = []
    for key, kind in _REQUIRED:
        if key not in model:
            problems.append(f"{key}: missing; a dashboard has {_type_name(kind)} here")
        elif not _is(model[key], kind):
            problems.append(f"{key}: {_shown(model[key])} is not {_type_name(kind)}")
    for key, kind in _OPTIONAL:
        if key in model and not _is(model[key], kind):
            problems.append(f"{key}: {_shown(model[key])} is not {_type_name(kind)}")
    uid = model.get("uid")
    if isinstance(uid, str) and (message := check_uid(uid)):
        problems.append(f"uid: {message}")
    if isinstance(model.get("title"), str) and not model["title"].strip():
        problems.append("title: empty; a dashboard has a title")
    tags = model.get("tags")
    if isinstance(tags, list):
        problems += [
            f"tags[{i}]: {_shown(tag)} is not a string"
            for i, tag in enumerate(tags)
            if not _is(tag, str)
        ]
    tooltip = model.get("graphTooltip")
    if _is(tooltip, int) and tooltip not in GRAPH_TOOLTIPS:
        problems.append(
            f"graphTooltip: {tooltip} is not a tooltip mode; use 0 (none), 1 (shared "
            "crosshair) or 2 (shared crosshair and tooltip)"
        )
    time = model.get("time")
    if isinstance(time, Mapping):
        problems += [
            f"time.{end}: missing or not a string; give a time such as now-6h or now"
            for end in ("from", "to")
            if not _is(time.get(end), str)
        ]
    for key in ("templating", "annotations"):
        problems += _list_holder(model.get(key), key)
    panels = model.get("panels")
    if isinstance(panels, list):
        problems += _panel_problems(panels)
    return problems


def _shown(value: Any) -> str:
    return cut(repr(value), 40)


def _list_holder(value: Any, key: str) -> list[str]:
    if not isinstance(value, Mapping):
        return []
    items = value.get("list")
    if not isinstance(items, list):
        return [f'{key}.list: missing; {key} is {{"list": [...]}}']
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            out.append(f"{key}.list[{index}]: {_shown(item)} is not an object")
        elif not _is(item.get("name"), str):
            out.append(f"{key}.list[{index}].name: missing or not a string")
        elif key == "templating" and not _is(item.get("type"), str):
            out.append(
                f"{key}.list[{index}].type: missing; a variable has a type (query, custom...)"
            )
    return out


def _all_panels(
    panels: Sequence[Any], path: str = "panels", *, nested: bool = False
) -> Iterable[tuple[str, Any, bool]]:
    """Yield every panel with its path, and whether it sits in a (collapsed) row."""
    for index, panel in enumerate(panels):
        yield f"{path}[{index}]", panel, nested
        if isinstance(panel, Mapping) and isinstance(panel.get("panels"), list):
            yield from _all_panels(panel["panels"], f"{path}[{index}].panels", nested=True)


def _panel_problems(panels: Sequence[Any]) -> list[str]:
    problems: list[str] = []
    ids: dict[int, str] = {}
    cells: dict[tuple[int, int], str] = {}
    for path, panel, nested in _all_panels(panels):
        if not isinstance(panel, Mapping):
            problems.append(f"{path}: {_shown(panel)} is not an object")
            continue
        if not _is(panel.get("type"), str) or not panel["type"]:
            problems.append(f"{path}.type: missing; a panel has a type (timeseries, text...)")
        if "title" in panel and not _is(panel["title"], str):
            problems.append(f"{path}.title: {_shown(panel['title'])} is not a string")
        panel_id: Any = panel.get("id")
        if not _is(panel_id, int):
            problems.append(f"{path}.id: {_shown(panel_id)} is not a whole number")
        elif panel_id in ids:
            problems.append(f"{path}.id: {panel_id} is already the id of {ids[panel_id]}")
        else:
            ids[panel_id] = path
        # A collapsed row's panels keep positions of their own, shown when it opens.
        problems += _grid_problems(path, panel.get("gridPos"), {} if nested else cells)
    return problems


def _grid_problems(path: str, grid: Any, cells: dict[tuple[int, int], str]) -> list[str]:
    if not isinstance(grid, Mapping):
        return [f"{path}.gridPos: missing; a panel has gridPos {{x, y, w, h}}"]
    bad = [k for k in ("x", "y", "w", "h") if not _is(grid.get(k), int)]
    if bad:
        return [f"{path}.gridPos.{k}: {_shown(grid.get(k))} is not a whole number" for k in bad]
    x, y, w, h = (int(grid[k]) for k in ("x", "y", "w", "h"))
    problems = []
    if not 1 <= w <= GRID_COLUMNS:
        problems.append(f"{path}.gridPos.w: {w} is not a width; use 1 to {GRID_COLUMNS} columns")
    elif x < 0 or x + w > GRID_COLUMNS:
        problems.append(
            f"{path}.gridPos.x: {x} with width {w} leaves the {GRID_COLUMNS} columns; "
            f"x + w is at most {GRID_COLUMNS}"
        )
    if y < 0 or h < 1:
        problems.append(f"{path}.gridPos: y {y} and height {h}; y is 0 or more, h 1 or more")
    if problems:
        return problems
    for row in range(y, y + h):
        for column in range(x, x + w):
            other = cells.setdefault((column, row), path)
            if other != path:
                return [f"{path}.gridPos: overlaps {other} at x {column}, y {row}"]
    return []
