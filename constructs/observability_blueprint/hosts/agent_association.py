"""The CloudWatch agent on a fleet: its configuration parameter and the association that applies it.

State Manager runs separate associations in no guaranteed order, so installing
the agent and configuring it are two steps of one Command document of the
blueprint's own (``aws:runDocument`` of ``AWS-ConfigureAWSPackage``, then of
``AmazonCloudWatch-ManageAgent``), run by one association. The configuration
parameter's name ends with a hash of its content: a changed configuration is a
changed association parameter, and State Manager applies an updated
association at once, so the configure step runs again.

:func:`build_hosts` builds the whole ``hosts:`` section of the blueprint file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

from aws_cdk import Annotations, Names, Token
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from constructs import Construct, IConstruct

from observability_blueprint.rules import ssm_schedules as rules
from observability_blueprint.rules.agent_config import (
    PARAMETER_NAME_PREFIX,
    AgentConfig,
    check_parameter_name,
    check_parameter_value,
    hashed_parameter_name,
    parameter_tier,
)
from observability_blueprint.rules.compute_optimizer import FLEET_METADATA
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.host_defaults import (
    DEFAULT_COMPLIANCE_SEVERITY,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_ERRORS,
    DEFAULT_SCHEDULE,
)

AgentMode = Literal["ec2", "onPremise", "auto"]

INSTALL_DOCUMENT: Final = "AWS-ConfigureAWSPackage"
"""AWS's document that installs a Distributor package."""
MANAGE_DOCUMENT: Final = "AmazonCloudWatch-ManageAgent"
"""AWS's document that configures, starts and stops the CloudWatch agent."""
AGENT_PACKAGE: Final = "AmazonCloudWatchAgent"
"""The agent's Distributor package."""
AGENT_MODES: Final[tuple[str, ...]] = ("ec2", "onPremise", "auto")
CREDENTIAL_LOG_PATH_WARNING: Final = "observability-blueprint:credential-log-path"
"""Id of the warning on a log file path that would ship credentials to CloudWatch Logs."""
_VERSION_RE: Final = r"^\d+(?:\.\d+){1,4}$"


def document_content() -> dict[str, Any]:
    """Return the Command document: install the agent, then configure and restart it.

    Everything that varies per fleet is a parameter, so the document never
    changes with the configuration; the association passes the parameters under
    the names the two AWS documents use.
    """
    return {
        "schemaVersion": "2.2",
        "description": (
            "Installs the Amazon CloudWatch agent, then configures it from an SSM parameter and "
            "restarts it (observability-blueprint)."
        ),
        "parameters": {
            "version": {
                "type": "String",
                "default": "",
                "description": "Agent version to install; empty installs the latest.",
            },
            "mode": {
                "type": "String",
                "default": "ec2",
                "allowedValues": list(AGENT_MODES),
                "description": "ec2 on EC2 instances, onPremise on servers of a hybrid activation.",
            },
            "optionalConfigurationSource": {
                "type": "String",
                "default": "ssm",
                "allowedValues": ["ssm"],
                "description": "Where the configuration comes from: an SSM parameter.",
            },
            "optionalConfigurationLocation": {
                "type": "String",
                "allowedPattern": r"^/?AmazonCloudWatch-[a-zA-Z0-9_.\-/]+$",
                "description": "Name of the SSM parameter holding the agent configuration.",
            },
            "optionalRestart": {
                "type": "String",
                "default": "yes",
                "allowedValues": ["yes", "no"],
                "description": "Restart the agent so the configuration takes effect.",
            },
        },
        "mainSteps": [
            {
                "action": "aws:runDocument",
                "name": "installAgent",
                "inputs": {
                    "documentType": "SSMDocument",
                    "documentPath": INSTALL_DOCUMENT,
                    "documentParameters": {
                        "action": "Install",
                        "name": AGENT_PACKAGE,
                        "version": "{{ version }}",
                    },
                    # Configuring an agent that failed to install only adds noise.
                    "onFailure": "exit",
                },
            },
            {
                "action": "aws:runDocument",
                "name": "configureAgent",
                "inputs": {
                    "documentType": "SSMDocument",
                    "documentPath": MANAGE_DOCUMENT,
                    "documentParameters": {
                        "action": "configure",
                        "mode": "{{ mode }}",
                        "optionalConfigurationSource": "{{ optionalConfigurationSource }}",
                        "optionalConfigurationLocation": "{{ optionalConfigurationLocation }}",
                        "optionalRestart": "{{ optionalRestart }}",
                    },
                },
            },
        ],
    }


class AgentAssociation(Construct):
    """A fleet's CloudWatch agent: configuration parameter, Command document, association.

    The configuration is checked (metric names, absolute log paths, timestamp
    formats...), rendered to compact JSON and stored in a String parameter of
    the cheapest tier that holds it (Standard up to 4 KB, Advanced up to 8 KB),
    named ``<parameter_name>-<content hash>`` where the managed policy
    CloudWatchAgentServerPolicy lets instances read it. One association runs
    the blueprint's document on the targets: install ``AmazonCloudWatchAgent``,
    then ``configure`` from the parameter (``optionalRestart: yes``).

    Parameters
    ----------
    config
        What the agent collects.
    targets
        Which managed nodes: one target, by tag (one key, any of its values),
        instance ids or a resource group. State Manager takes no mix of kinds.
    mode
        ``ec2``, ``onPremise`` (servers of a hybrid activation) or ``auto``.
        Default: ec2.
    association_name
        Default: none (State Manager shows the association id).
    parameter_name
        The parameter's name before the hash; it must start with
        ``AmazonCloudWatch-``. Default: ``AmazonCloudWatch-<unique construct id>``.
    schedule
        When to re-apply, in State Manager's dialect (``rate(7 days)``,
        ``cron(15 13 ? * MON *)``). Default: ``rate(7 days)``.
    compliance_severity
        Default: MEDIUM.
    max_concurrency, max_errors
        Rollout control: a count or a percentage. Default: 10% each.
    output
        S3 location for each node's command output, under a literal, non-empty
        prefix (the nodes may write there only). Default: none.
    agent_version
        Agent version to install. Default: the latest.
    log_groups
        The log groups the configuration writes to: the association waits for
        them, so the agent does not create them first without retention.

    A log file whose path holds credentials (``~/.ssh``, ``~/.aws``, ``/root``,
    ``/etc/shadow``, key files) is shipped as asked, with a construct warning
    :data:`CREDENTIAL_LOG_PATH_WARNING` (acknowledge it if that is intended).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: AgentConfig,
        targets: Sequence[rules.AssociationTarget],
        mode: AgentMode = "ec2",
        association_name: str | None = None,
        parameter_name: str | None = None,
        schedule: str = DEFAULT_SCHEDULE,
        compliance_severity: rules.ComplianceSeverity = DEFAULT_COMPLIANCE_SEVERITY,
        max_concurrency: str = DEFAULT_MAX_CONCURRENCY,
        max_errors: str = DEFAULT_MAX_ERRORS,
        output: rules.CommandOutput | None = None,
        agent_version: str | None = None,
        log_groups: Sequence[logs.ILogGroup] = (),
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        problems: list[Problem] = [
            Problem(f"{at}.config.{p.location}", p.message) for p in config.problems()
        ]
        self.config_value: str = config.to_json()
        """The agent configuration, as stored in the parameter."""
        base = parameter_name or f"{PARAMETER_NAME_PREFIX}{Names.unique_id(self)}"
        self.parameter_name: str = hashed_parameter_name(base, self.config_value)
        """The parameter's full name, content hash included (what the agent reads)."""
        checks: dict[str, str | None] = {
            "parameter_name": check_parameter_name(self.parameter_name),
            "config": None if problems else check_parameter_value(self.config_value),
            "schedule": rules.check_association_schedule(schedule),
            "association_name": (
                rules.check_association_name(association_name) if association_name else None
            ),
            "compliance_severity": rules.check_compliance_severity(compliance_severity),
            "max_concurrency": rules.check_max_concurrency(max_concurrency),
            "max_errors": rules.check_max_errors(max_errors),
            "output": output.check() if output else None,
            "mode": (
                None
                if mode in AGENT_MODES
                else f"{mode!r} is not a mode; use {', '.join(AGENT_MODES)}"
            ),
            "config.compute_optimizer": (
                "Compute Optimizer analyses EC2 instances only, and servers outside AWS have no "
                "InstanceId: set compute_optimizer=False, or mode 'ec2' or 'auto'"
                if config.compute_optimizer and mode == "onPremise"
                else None
            ),
        }
        # Values only known at deploy time (tokens) are left to CloudFormation.
        literal = {
            "schedule": schedule,
            "association_name": association_name,
            "compliance_severity": compliance_severity,
            "max_concurrency": max_concurrency,
            "max_errors": max_errors,
        }
        problems += [
            Problem(f"{at}.{arg}", message)
            for arg, message in checks.items()
            if message and not Token.is_unresolved(literal.get(arg))
        ]
        problems += [
            Problem(f"{at}.{p.location}", p.message) for p in rules.target_problems(targets)
        ]
        if agent_version is not None and not _matches(_VERSION_RE, agent_version):
            problems.append(
                Problem(
                    f"{at}.agent_version",
                    f"{agent_version!r} is not an agent version; give one such as 1.300050.0, "
                    "or none for the latest",
                )
            )
        if problems:
            raise BlueprintError(problems)
        for warning in config.warnings():
            Annotations.of(self).add_warning_v2(
                CREDENTIAL_LOG_PATH_WARNING, f"config.{warning.location}: {warning.message}"
            )
        tier = parameter_tier(self.config_value)
        assert tier is not None  # checked above
        self.tier: str = tier
        """The parameter tier: Standard, or Advanced when the value exceeds 4 KB."""

        self.parameter = ssm.StringParameter(
            self,
            "Parameter",
            parameter_name=self.parameter_name,
            string_value=self.config_value,
            tier=ssm.ParameterTier.STANDARD if tier == "Standard" else ssm.ParameterTier.ADVANCED,
            description=f"CloudWatch agent configuration ({config.os}), made by {at}",
        )
        """The SSM parameter holding the configuration."""
        if config.compute_optimizer:
            parameter = self.parameter.node.default_child
            assert isinstance(parameter, ssm.CfnParameter)
            parameter.add_metadata(FLEET_METADATA, config.os)
        parameters: dict[str, list[str]] = {
            "mode": [mode],
            "optionalConfigurationSource": ["ssm"],
            "optionalConfigurationLocation": [self.parameter_name],
            "optionalRestart": ["yes"],
        }
        if agent_version is not None:
            parameters = {"version": [agent_version], **parameters}
        # The name is a literal (so the template shows what the agent reads): the
        # parameter and the log groups must exist before the association first runs.
        self.document, self.association = command_association(
            self,
            content=document_content(),
            association_name=association_name,
            parameters=parameters,
            targets=targets,
            schedule=schedule,
            compliance_severity=compliance_severity,
            max_concurrency=max_concurrency,
            max_errors=max_errors,
            output=output,
            after=[self.parameter, *log_groups],
        )
        """The Command document (install, then configure and restart) and the State
        Manager association that runs it."""


def command_association(
    scope: Construct,
    *,
    content: Mapping[str, Any],
    association_name: str | None,
    parameters: Mapping[str, Sequence[str]],
    targets: Sequence[rules.AssociationTarget],
    schedule: str,
    compliance_severity: str,
    max_concurrency: str,
    max_errors: str,
    output: rules.CommandOutput | None,
    after: Sequence[IConstruct] = (),
) -> tuple[ssm.CfnDocument, ssm.CfnAssociation]:
    """A Command document (``scope/Document``) and the State Manager association
    (``scope/Resource``) that runs it on ``targets`` on a schedule, with its rollout
    and its output in S3, created after ``after``.

    Shared by the collectors State Manager installs (the CloudWatch agent, ADOT); the
    arguments are checked by their constructs.
    """
    document = ssm.CfnDocument(
        scope, "Document", content=content, document_type="Command", document_format="JSON"
    )
    association = ssm.CfnAssociation(
        scope,
        "Resource",
        name=document.ref,
        association_name=association_name,
        parameters={key: list(values) for key, values in parameters.items()},
        targets=[
            ssm.CfnAssociation.TargetProperty(key=t.key, values=list(t.values)) for t in targets
        ],
        schedule_expression=schedule,
        compliance_severity=compliance_severity,
        max_concurrency=max_concurrency,
        max_errors=max_errors,
        output_location=(
            ssm.CfnAssociation.InstanceAssociationOutputLocationProperty(
                s3_location=ssm.CfnAssociation.S3OutputLocationProperty(
                    output_s3_bucket_name=output.bucket,
                    output_s3_key_prefix=output.prefix or None,
                )
            )
            if output
            else None
        ),
    )
    for dependency in after:
        association.node.add_dependency(dependency)
    return document, association


def _matches(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value) is not None
