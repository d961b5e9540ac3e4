"""Recording and alerting rules that Managed Prometheus evaluates, checked before they ship."""

from __future__ import annotations

from typing import cast

import yaml
from aws_cdk import Token
from aws_cdk import aws_aps as aps
from constructs import Construct

from observability_blueprint.prometheus.prometheus_workspace import IPrometheusWorkspace
from observability_blueprint.rules import prometheus_rules as rule_files
from observability_blueprint.rules.errors import BlueprintError, Problem


class PrometheusRules(Construct):
    """An ``AWS::APS::RuleGroupsNamespace``: one Prometheus rule file on a workspace.

    The rule file is Prometheus' own YAML (``groups:`` of recording and alerting
    rules), given as text, or the defaults shipped for a service (request rate,
    error ratio and latency quantiles from standard HTTP histograms, and alerts
    on them)::

        PrometheusRules(self, "CheckoutRules", workspace=workspace, name="checkout",
                        service="checkout")

    Synthesis stops on what Prometheus' rule loader would refuse: invalid YAML,
    unknown keys, a rule without ``expr``, an expression that does not parse
    (with a caret under the error), durations such as ``5 m``, recording rule
    names that are not metric names, label names that are not label names. Each
    message names the construct, the rule file (``source``) with the line and
    column, the group and the rule.

    Parameters
    ----------
    workspace
        The workspace that evaluates the rules.
    name
        The namespace's name: 1 to 64 letters, digits and ``- . _``, starting with
        a letter or digit. Changing it replaces the namespace.
    rules
        The rule file's text.
    service
        Instead of ``rules``: use the shipped rules for this service (its
        ``service`` label value).
    source
        Where ``rules`` came from, for messages (the file's path). Default: ``rules``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        workspace: IPrometheusWorkspace,
        name: str,
        rules: str | None = None,
        service: str | None = None,
        source: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        problems: list[Problem] = []
        if (rules is None) == (service is None):
            raise BlueprintError.at(
                at,
                "give the rule file's text as rules, or a service for the shipped rules, "
                "not both and not neither",
            )
        if rules is not None:
            text = rules
        else:
            try:
                text = rules_for_service(service or "")
            except BlueprintError as error:
                raise BlueprintError(
                    [Problem(f"{at}.service", p.message) for p in error.problems]
                ) from None
        problems += name_problems(at, name)
        checked = check_rule_file(
            text,
            source=source or f"{at}.rules",
            namespace=None if Token.is_unresolved(name) or problems else name,
        )
        # Without a source the locations are the construct's (Stack/Rules.rules:3:7);
        # with one, the file's, after the construct's path.
        problems += [Problem(f"{at}: {p.location}", p.message) if source else p for p in checked]
        if problems:
            raise BlueprintError(problems)
        self.name = name
        """The namespace's name."""
        self.rules_text: str = text
        """The rule file as deployed."""
        self.resource = aps.CfnRuleGroupsNamespace(
            self, "Resource", name=name, data=text, workspace=workspace.workspace_arn
        )
        """The ``AWS::APS::RuleGroupsNamespace``."""


def rules_for_service(service: str) -> str:
    """Return the shipped rule file for ``service`` (see ``rules.prometheus_rules``)."""
    return rule_files.default_service_rules(service)


def check_rule_file(text: str, *, source: str, namespace: str | None = None) -> list[Problem]:
    """Return every problem of a rule file, each located in ``source`` with line and column.

    With ``namespace``, each group name is also checked against the 721-byte limit
    of namespace and group name together (CreateRuleGroupsNamespace).
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        return [rule_files.yaml_error_problem(error, source=source)]
    # PyYAML's nodes are read duck-typed (every node class has its ``id``).
    return rule_files.rule_file_problems(
        cast("rule_files.YamlNode | None", node), source=source, text=text, namespace=namespace
    )


def name_problems(at: str, name: str) -> list[Problem]:
    """Return why ``name`` cannot name a rule groups namespace (CloudFormation's limits)."""
    if Token.is_unresolved(name):
        return []
    if message := rule_files.check_namespace_name(name):
        return [Problem(f"{at}.name", message)]
    return []
