"""The blueprint file's ``grafana:`` section: an Amazon Managed Grafana workspace.

The checks are :mod:`observability_blueprint.rules.grafana_model`'s, so the file and
the ``GrafanaWorkspace`` construct refuse the same.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Self

from pydantic import model_validator

from observability_blueprint.config.base import StrictModel, checked, fail
from observability_blueprint.rules import grafana_model as rules
from observability_blueprint.rules.errors import Problem, cut


def _check_role_value(value: str) -> str | None:
    return rules.check_saml_value(value, "a role value")


def _check_attribute(value: str) -> str | None:
    return rules.check_saml_value(value, "a SAML assertion attribute name")


def _check_authentication(providers: list[str]) -> str | None:
    if not providers:
        return "[] names no sign-in; give AWS_SSO (IAM Identity Center), SAML or both"
    return None


def _check_count(count: int) -> str | None:
    if count < 0:
        return f"{count} is below 0; give how many people (0 or more)"
    return None


class Saml(StrictModel):
    """Sign-in with SAML 2.0: who is an Admin or an Editor comes from an assertion
    attribute (everyone else is a Viewer)."""

    idp_metadata_url: Annotated[str, checked(rules.check_idp_metadata_url)] | None = None
    """The identity provider's metadata address (https://)."""
    idp_metadata_xml: str | None = None
    """The identity provider's metadata XML, written here (instead of the address)."""
    role_attribute: Annotated[str, checked(_check_attribute)]
    """The assertion attribute that carries the user's roles or groups."""
    admin_role_values: list[Annotated[str, checked(_check_role_value)]]
    """Values of that attribute that make a Grafana Admin (at least one)."""
    editor_role_values: list[Annotated[str, checked(_check_role_value)]] = []
    """Values that make a Grafana Editor."""
    email_attribute: Annotated[str, checked(_check_attribute)] | None = None
    """The assertion attribute with the user's e-mail address."""
    login_attribute: Annotated[str, checked(_check_attribute)] | None = None
    """The assertion attribute with the user's login name."""
    name_attribute: Annotated[str, checked(_check_attribute)] | None = None
    """The assertion attribute with the user's display name."""
    login_validity_minutes: Annotated[int, checked(rules.check_login_validity)] | None = None
    """How long a sign-in lasts. Default: Amazon Managed Grafana's."""

    @model_validator(mode="after")
    def _one_metadata(self) -> Self:
        if self.idp_metadata_url is None and self.idp_metadata_xml is None:
            raise fail(
                "neither idp_metadata_url nor idp_metadata_xml is given; give the identity "
                "provider's metadata as one of them (its https:// address, or the XML)"
            )
        if self.idp_metadata_url is not None and self.idp_metadata_xml is not None:
            raise fail(
                f"both idp_metadata_url {cut(self.idp_metadata_url)!r} and idp_metadata_xml "
                "are given; give one of them",
                at="idp_metadata_xml",
            )
        if self.idp_metadata_xml is not None and not self.idp_metadata_xml.strip():
            raise fail(
                f"{cut(self.idp_metadata_xml)!r} is empty; give the identity provider's SAML "
                "metadata XML",
                at="idp_metadata_xml",
            )
        if not self.admin_role_values:
            raise fail(
                "[] names no admin; give at least one value of role_attribute that makes a "
                "Grafana Admin (someone must administer the workspace)",
                at="admin_role_values",
            )
        return self


class Users(StrictModel):
    """Who will use the workspace, for the cost estimate (billed per active user a month)."""

    editors: Annotated[int, checked(_check_count)] = 1
    """Editors and admins. Default: 1 (every workspace is billed at least one)."""
    viewers: Annotated[int, checked(_check_count)] = 0
    """Viewers. Default: 0."""


class Grafana(StrictModel):
    """An Amazon Managed Grafana workspace, its role, and the dashboards
    ``obs-blueprint grafana push`` provisions into it."""

    version: Annotated[str, checked(rules.check_grafana_version)] = rules.GRAFANA_VERSIONS[-1]
    """Grafana version, 9 or later. Default: the newest Amazon Managed Grafana offers here."""
    authentication: Annotated[
        list[Annotated[str, checked(rules.check_authentication_provider)]],
        checked(_check_authentication),
    ] = ["AWS_SSO"]
    """AWS_SSO (IAM Identity Center) and/or SAML. Default: AWS_SSO."""
    saml: Saml | None = None
    """SAML settings (with SAML in authentication)."""
    data_sources: list[Annotated[str, checked(rules.check_data_source)]] | None = None
    """What the workspace's role may read: CLOUDWATCH, PROMETHEUS, XRAY. Default:
    CloudWatch and X-Ray, and the blueprint's Prometheus workspace when there is one."""
    notify: list[str] = []
    """Topics of notifications Grafana alerts may publish to."""
    users: Users = Users()
    """Users, for the cost estimate."""


def grafana_problems(
    grafana: Grafana, *, topics: Sequence[str], prometheus: bool | None = None
) -> Iterator[Problem]:
    """Every problem of the section that needs the whole file (``grafana.`` paths).

    ``prometheus`` is whether the file has a ``prometheus:`` section, the workspace
    the PROMETHEUS data source reads (None: not checked).
    """
    at = "grafana"
    shown = ", ".join(grafana.authentication)
    if "SAML" in grafana.authentication and grafana.saml is None:
        yield Problem(
            f"{at}.saml",
            f"authentication is [{shown}], but saml: is missing; give saml: with the identity "
            "provider's metadata (idp_metadata_url or idp_metadata_xml), role_attribute and "
            "admin_role_values",
        )
    if grafana.saml is not None and "SAML" not in grafana.authentication:
        yield Problem(
            f"{at}.authentication",
            f"[{shown}] has no SAML, but saml: is given; add SAML to authentication, or "
            "remove saml:",
        )
    for index, provider in enumerate(grafana.authentication):
        if provider in grafana.authentication[:index]:
            yield Problem(
                f"{at}.authentication[{index}]",
                f"{provider} is listed twice; give each of AWS_SSO and SAML once",
            )
    if prometheus is False and "PROMETHEUS" in (grafana.data_sources or ()):
        index = (grafana.data_sources or []).index("PROMETHEUS")
        yield Problem(
            f"{at}.data_sources[{index}]",
            "PROMETHEUS reads the blueprint's Prometheus workspace, and the file has no "
            "prometheus: section; add one, or choose from CLOUDWATCH, XRAY",
        )
    if grafana.data_sources is not None and "CLOUDWATCH" not in grafana.data_sources:
        yield Problem(
            f"{at}.data_sources",
            f"[{', '.join(grafana.data_sources)}] leaves out CLOUDWATCH, which every dashboard "
            "obs-blueprint grafana push provisions reads (the blueprint's metrics and logs); "
            "add CLOUDWATCH",
        )
    for index, topic in enumerate(grafana.notify):
        if topic not in topics:
            yield Problem(
                f"{at}.notify[{index}]",
                f"{cut(topic)!r} is not a topic of notifications; use one of "
                + (", ".join(map(repr, topics)) or "the topics you add to notifications"),
            )
