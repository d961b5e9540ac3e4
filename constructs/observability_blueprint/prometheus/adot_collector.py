"""The ADOT collector on EC2 and on-premises hosts: scrape jobs into Managed Prometheus.

Installed and configured the way the CloudWatch agent is (``hosts/agent_association.py``):
a Command document of the blueprint's own, run by one State Manager association,
with the configuration in an SSM parameter whose name ends with a hash of its
content. Installing the Distributor package ``AWSDistroOTel-Collector`` with
``SSM_CONFIG`` writes the configuration only when the package is installed: the
SSM agent skips the install of a version already installed (amazon-ssm-agent,
``agent/plugins/configurepackage``: "if it is already installed and the cache is
the same, do not execute install"). So a second step writes the configuration
and restarts the collector on every run, and a changed configuration (a new
parameter name, so an updated association, which State Manager applies at once)
reaches hosts that already run the collector.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from typing import Any, Final

from aws_cdk import Fn, Names, Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from observability_blueprint.hosts import command_association
from observability_blueprint.prometheus._adot import collector_config
from observability_blueprint.prometheus.prometheus_workspace import IPrometheusWorkspace
from observability_blueprint.rules import ssm_schedules as schedules
from observability_blueprint.rules.agent_config import (
    PARAMETER_NAME_MAX,
    hashed_parameter_name,
    parameter_tier,
)
from observability_blueprint.rules.errors import BlueprintError, Problem, cut
from observability_blueprint.rules.host_defaults import (
    DEFAULT_COMPLIANCE_SEVERITY,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_ERRORS,
    DEFAULT_SCHEDULE,
)
from observability_blueprint.rules.scrape_config import ScrapeJob

PACKAGE: Final = "AWSDistroOTel-Collector"
"""The ADOT collector's Distributor package
(https://aws-otel.github.io/docs/setup/ec2, "Install ... using AWS Systems Manager Distributor")."""
CONFIG_ARGUMENT: Final = "SSM_CONFIG"
"""The package's install script decodes this argument (base64) into its config.yaml."""
ADDITIONAL_ARGUMENTS_MAX: Final = 4_096
"""``aws:configurePackage`` ``additionalArguments``: "a 4096 character limit. This limit
includes all of the keys and values you define" (Systems Manager document plugin reference,
https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-command-ssm-plugin-reference.html)."""
CONFIG_VALUE_MAX: Final = ADDITIONAL_ARGUMENTS_MAX - len(CONFIG_ARGUMENT)
"""Characters the base64 configuration may have."""
PARAMETER_PREFIX: Final = "AdotCollector-"
LINUX_DIR: Final = "/opt/aws/aws-otel-collector"
_PARAMETER_NAME_RE: Final = re.compile(r"[A-Za-z0-9_.\-/]+")
_VERSION_RE: Final = re.compile(r"\d+(?:\.\d+){1,3}")
_END: Final = "OBS_BLUEPRINT_ADOT_CONFIG"


def document_content() -> dict[str, Any]:
    """Return the Command document: install the collector, then write its configuration.

    The configuration arrives as the ``config`` parameter (base64; the association
    passes ``{{ssm:NAME}}``). The scripts read it from a quoted here-document, so
    no character of it is interpreted by the shell.
    """
    # "aws-otel-collector-ctl -c FILE -a start" copies FILE over etc/config.yaml ("cp"
    # under "set -e"), points etc/.env at etc/config.yaml (replacing a remote URI an
    # earlier -c left there) and restarts the service. Before v0.34.0 it copied even a
    # FILE that is etc/config.yaml itself, which GNU cp refuses ("are the same file"),
    # so the configuration is decoded to a temporary file of its own: that works with
    # every version and keeps config.yaml's owner (the collector's user) and mode.
    # (aws-observability/aws-otel-collector tools/ctl/linux/aws-otel-collector-ctl.sh)
    linux = [
        "set -eu",
        f"dir={LINUX_DIR}",
        "conf=$(mktemp)",
        "trap 'rm -f \"$conf\"' EXIT",
        f"base64 -d > \"$conf\" <<'{_END}'",
        "{{ config }}",
        _END,
        '"$dir/bin/aws-otel-collector-ctl" -c "$conf" -a start',
    ]
    windows = [
        "$ErrorActionPreference = 'Stop'",
        '$dir = "$Env:ProgramFiles\\Amazon\\AWSOTelCollector"',
        "$config = @'",
        "{{ config }}",
        "'@",
        "$text = [System.Text.Encoding]::UTF8.GetString("
        "[System.Convert]::FromBase64String($config.Trim()))",
        '[System.IO.File]::WriteAllText("$dir\\config.yaml", $text, '
        "(New-Object System.Text.UTF8Encoding $False))",
        '& "$dir\\aws-otel-collector-ctl.ps1" -a stop',
        '& "$dir\\aws-otel-collector-ctl.ps1" -a start',
    ]
    return {
        "schemaVersion": "2.2",
        "description": (
            "Installs the AWS Distro for OpenTelemetry collector, then writes its configuration "
            "from an SSM parameter and restarts it (observability-blueprint)."
        ),
        "parameters": {
            "version": {
                "type": "String",
                "default": "",
                "description": "Collector version to install; empty installs the latest.",
            },
            "config": {
                "type": "String",
                "description": "The collector configuration, base64-encoded ({{ssm:NAME}}).",
            },
        },
        "mainSteps": [
            {
                "action": "aws:configurePackage",
                "name": "installCollector",
                "inputs": {
                    "name": PACKAGE,
                    "action": "Install",
                    "version": "{{ version }}",
                    "additionalArguments": {CONFIG_ARGUMENT: "{{ config }}"},
                    # Configuring a collector that failed to install only adds noise.
                    "onFailure": "exit",
                },
            },
            {
                "action": "aws:runShellScript",
                "name": "configureCollectorLinux",
                "precondition": {"StringEquals": ["platformType", "Linux"]},
                "inputs": {"runCommand": linux},
            },
            {
                "action": "aws:runPowerShellScript",
                "name": "configureCollectorWindows",
                "precondition": {"StringEquals": ["platformType", "Windows"]},
                "inputs": {"runCommand": windows},
            },
        ],
    }


class AdotCollector(Construct):
    """The ADOT collector on a fleet of EC2 instances or on-premises servers.

    It scrapes ``jobs`` with the collector's Prometheus receiver and sends the
    samples, batched, to ``workspace`` with the ``prometheusremotewrite``
    exporter, signed by the ``sigv4auth`` extension for ``aps``
    (:func:`~observability_blueprint.rules.scrape_config.adot_collector_config`);
    ``host_role`` (the hosts' instance role, or a hybrid activation's role) may
    ``aps:RemoteWrite`` to that workspace only::

        AdotCollector(self, "Collector", workspace=workspace, host_role=hosts.role,
                      targets=[AssociationTarget.tag("role", "web")],
                      jobs=[ScrapeJob(job_name="node", static_targets=("localhost:9100",))])

    The configuration is stored base64-encoded (the package takes it so,
    https://aws-otel.github.io/docs/setup/ec2) in a String parameter named
    ``<parameter_name>-<content hash>``. One association runs the blueprint's
    Command document (:func:`document_content`) on the targets: install
    ``AWSDistroOTel-Collector`` with ``SSM_CONFIG`` set from the parameter, then
    write the configuration and restart the collector (Linux and Windows), so a
    changed configuration also reaches hosts that run the collector already.
    The package's ``additionalArguments`` hold at most 4,096 characters, so the
    encoded configuration may have at most :data:`CONFIG_VALUE_MAX` (a Standard
    parameter holds it). The hosts need the SSM agent 2.3.1550.0 or later and
    AmazonSSMManagedInstanceCore.

    Parameters
    ----------
    workspace
        Where the samples go.
    host_role
        The hosts' role: it gets ``aps:RemoteWrite`` on the workspace.
    targets
        Which managed nodes: one target, by tag, instance ids or resource group.
    jobs
        The scrape jobs (``$`` in relabel replacements is written ``$$`` for the collector).
    parameter_name
        The parameter's name before the hash. Default: ``AdotCollector-<unique id>``.
    collector_version
        The package version to install. Default: the latest.
    association_name, schedule, compliance_severity, max_concurrency, max_errors, output
        As for :class:`~observability_blueprint.hosts.AgentAssociation`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        workspace: IPrometheusWorkspace,
        host_role: iam.IGrantable,
        targets: Sequence[schedules.AssociationTarget],
        jobs: Sequence[ScrapeJob],
        parameter_name: str | None = None,
        collector_version: str | None = None,
        association_name: str | None = None,
        schedule: str = DEFAULT_SCHEDULE,
        compliance_severity: schedules.ComplianceSeverity = DEFAULT_COMPLIANCE_SEVERITY,
        max_concurrency: str = DEFAULT_MAX_CONCURRENCY,
        max_errors: str = DEFAULT_MAX_ERRORS,
        output: schedules.CommandOutput | None = None,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        config, found = collector_config(self, workspace, jobs)
        problems = [Problem(f"{at}.{p.location}", p.message) for p in found]
        problems += _association_problems(
            at,
            targets=targets,
            schedule=schedule,
            association_name=association_name,
            compliance_severity=compliance_severity,
            max_concurrency=max_concurrency,
            max_errors=max_errors,
            output=output,
        )
        if collector_version is not None and not _VERSION_RE.fullmatch(collector_version):
            problems.append(
                Problem(
                    f"{at}.collector_version",
                    f"{cut(collector_version)!r} is not a collector version; give one such as "
                    "0.43.3, or none for the latest",
                )
            )
        base = parameter_name or f"{PARAMETER_PREFIX}{Names.unique_id(self)}"
        if message := _check_parameter_name(base):
            problems.append(Problem(f"{at}.parameter_name", message))
        if config is not None:
            encoded = _encode(config.measured)
            if len(encoded) > CONFIG_VALUE_MAX:
                problems.append(
                    Problem(
                        f"{at}.jobs",
                        f"the collector configuration is {len(encoded):,} characters in base64; "
                        f"the package's install arguments hold at most {CONFIG_VALUE_MAX:,} "
                        f"(a 4,096-character limit with the key {CONFIG_ARGUMENT}): scrape fewer "
                        "jobs or shorten their relabelling, or split the hosts into two fleets",
                    )
                )
        if problems:
            raise BlueprintError(problems)
        assert config is not None  # no problems
        self.config: str = config.text
        """The collector configuration (YAML; may hold references resolved at deploy time)."""
        self.parameter_name: str = hashed_parameter_name(
            base, config.measured + "\n" + config.identity
        )
        """The parameter's full name, content hash included."""
        value = _encode(config.text) if config.literal else Fn.base64(config.text)
        tier = parameter_tier(_encode(config.measured)) or "Advanced"
        self.tier: str = tier
        """The parameter tier: Standard (the configuration's size limit keeps it there)."""
        self.parameter = ssm.StringParameter(
            self,
            "Parameter",
            parameter_name=self.parameter_name,
            string_value=value,
            tier=ssm.ParameterTier.STANDARD if tier == "Standard" else ssm.ParameterTier.ADVANCED,
            description=f"ADOT collector configuration (base64), made by {at}",
        )
        """The SSM parameter holding the configuration, base64-encoded."""
        self.grant = workspace.grant_remote_write(host_role)
        """``aps:RemoteWrite`` on the workspace for ``host_role``."""
        parameters: dict[str, list[str]] = {"config": [f"{{{{ssm:{self.parameter_name}}}}}"]}
        if collector_version is not None:
            parameters = {"version": [collector_version], **parameters}
        # The parameter must exist when the association first resolves {{ssm:...}}, and
        # the role its permission before the collector first writes.
        self.document, self.association = command_association(
            self,
            content=document_content(),
            parameters=parameters,
            after=[self.parameter],
            targets=targets,
            association_name=association_name,
            output=output,
            schedule=schedule,
            max_concurrency=max_concurrency,
            max_errors=max_errors,
            compliance_severity=compliance_severity,
        )
        """The Command document (install, then configure and restart) and the State
        Manager association that runs it."""
        self.grant.apply_before(self.association)


def _encode(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _check_parameter_name(name: str) -> str | None:
    """Return why ``name`` (before its hash) cannot name the parameter, or None."""
    if Token.is_unresolved(name):
        return "is a reference; give the parameter's name as text (a hash is appended to it)"
    if (
        not _PARAMETER_NAME_RE.fullmatch(name)
        or len(name) > PARAMETER_NAME_MAX - 11
        or ("/" in name and not name.startswith("/"))
        or re.match(r"/?(aws|ssm)", name, flags=re.IGNORECASE)
    ):
        return (
            f"{cut(name)!r} is not a parameter name; use up to {PARAMETER_NAME_MAX - 11:,} "
            "letters, digits and _ . - / (a name with / starts with /), not starting with aws "
            "or ssm"
        )
    return None


def _association_problems(
    at: str,
    *,
    targets: Sequence[schedules.AssociationTarget],
    schedule: str,
    association_name: str | None,
    compliance_severity: str,
    max_concurrency: str,
    max_errors: str,
    output: schedules.CommandOutput | None,
) -> list[Problem]:
    """Return why State Manager would refuse the association's settings (tokens pass)."""
    checks: dict[str, tuple[str | None, str | None]] = {
        "schedule": (schedule, schedules.check_association_schedule(schedule)),
        "association_name": (
            association_name,
            schedules.check_association_name(association_name) if association_name else None,
        ),
        "compliance_severity": (
            compliance_severity,
            schedules.check_compliance_severity(compliance_severity),
        ),
        "max_concurrency": (max_concurrency, schedules.check_max_concurrency(max_concurrency)),
        "max_errors": (max_errors, schedules.check_max_errors(max_errors)),
        "output": (None, output.check() if output else None),
    }
    problems = [
        Problem(f"{at}.{arg}", message)
        for arg, (value, message) in checks.items()
        if message and not Token.is_unresolved(value)
    ]
    problems += [
        Problem(f"{at}.{p.location}", p.message) for p in schedules.target_problems(targets)
    ]
    return problems
