"""The deployed stack of a blueprint file, as the commands that act on it read it.

``obs-blueprint grafana push`` and ``obs-blueprint prometheus manifest`` need
values the stack knows only once deployed (the Grafana workspace's id, the
Prometheus endpoint, the remote-write URL, a role's ARN). They read them from
the main stack ``<name>-<stage>-observability`` with CloudFormation's
``DescribeStacks`` (outputs) and ``DescribeStackResource`` (a resource's
physical id), in the Region ``--region`` names, else the file's ``env.region``,
else the profile's.

boto3 is imported only when a command runs (``pip install
'observability-blueprint[aws]'``), and sessions come from a factory, so tests
hand in clients with botocore's Stubber and nothing reaches AWS. The exit
statuses are those of ``obs-blueprint query``: 0 done, 1 something was refused
or failed, 2 the command cannot run (no boto3, no credentials or Region, an
unreadable file, no stack, a bad argument).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar, cast

from observability_blueprint.cli.query import (
    CREDENTIAL_CODES,
    EXIT_CANNOT_RUN,
    EXIT_FAILED,
    EXIT_OK,
)
from observability_blueprint.rules.errors import cut

if TYPE_CHECKING:
    from aws_cdk import Stack
    from mypy_boto3_cloudformation.client import CloudFormationClient
    from mypy_boto3_cloudformation.type_defs import StackTypeDef

    from observability_blueprint.config.blueprint import Blueprint

__all__ = [
    "EXIT_CANNOT_RUN",
    "EXIT_FAILED",
    "EXIT_OK",
    "AwsSession",
    "CommandError",
    "CommandHelp",
    "DeployedStack",
    "HeldOutput",
    "SessionFactory",
    "add_file_and_aws_arguments",
    "add_subcommand",
    "aws_error",
    "boto3_session",
    "build_stacks",
    "call",
    "cdk_context",
    "main_stack_name",
    "open_session",
    "read_blueprint",
    "standalone_parser",
]

NO_BOTO3: Final = (
    "boto3 is not installed; this command needs it: pip install 'observability-blueprint[aws]'"
)
_T = TypeVar("_T")
# A CfnOutput with id NAME in a construct below the stack gets the logical id
# <path without the stack><NAME><8 hex digits of a hash of the path>.
_HASH_SUFFIX: Final = "[0-9A-F]{8}"


class CommandError(Exception):
    """Why a command stops, and the exit status that says so."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class AwsSession(Protocol):
    """What the commands use of a ``boto3.Session``."""

    @property
    def region_name(self) -> str | None:
        """The session's Region (the one asked for, else the profile's, else None)."""

    def client(self, service_name: str) -> Any:
        """A client of ``service_name`` in the session's Region."""


SessionFactory = Callable[[str | None, str | None], AwsSession]
"""(profile, region) -> a session; None leaves each to boto3's defaults."""


def boto3_session(profile: str | None, region: str | None) -> AwsSession:
    """Return a boto3 session for ``profile`` and ``region``."""
    try:
        import boto3
    except ImportError:
        raise CommandError(NO_BOTO3, EXIT_CANNOT_RUN) from None
    # boto3-stubs types client() per service name; the protocol takes any name.
    return cast(AwsSession, boto3.Session(profile_name=profile, region_name=region))


def main_stack_name(config: Blueprint) -> str:
    """The main stack's name, ``<name>-<stage>-observability``.

    As ``blueprint.stacks.stack_id`` names it (that module loads aws-cdk-lib, which
    ``grafana push`` does not need); a test keeps the two equal.
    """
    return f"{config.prefix}-observability"


def unit_stack_name(config: Blueprint, source: str, unit: str) -> str:
    """The stack that holds ``unit`` (``area:grafana``): the main stack, or the shard the
    lock file beside the blueprint places it in (docs/sharding.md)."""
    from observability_blueprint.config.shard_lock import lock_path, read_lock
    from observability_blueprint.rules.shard_plan import shard_name

    lock = read_lock(lock_path(Path(source)))
    index = lock.unit_shards().get(unit, 0) if lock is not None else 0
    return shard_name(config.prefix, index)


def read_blueprint(path: str) -> Blueprint:
    """Return the validated blueprint file at ``path``; a file that is not is exit status 2."""
    from observability_blueprint.config.blueprint import Blueprint
    from observability_blueprint.rules.errors import BlueprintError

    try:
        return Blueprint.from_yaml(path)
    except BlueprintError as error:
        shown = error if error.source else error.with_source(path)
        raise CommandError(f"cannot use {path}:\n{shown}", EXIT_CANNOT_RUN) from None


def open_session(
    factory: SessionFactory, profile: str | None, region: str | None
) -> tuple[AwsSession, str]:
    """Return the session and its Region; no Region at all is exit status 2."""
    session = call("start an AWS session", factory, profile, region)
    if not session.region_name:
        raise CommandError(
            "no AWS Region given: pass --region, set env.region in the file, set AWS_REGION, "
            "or give the profile a region",
            EXIT_CANNOT_RUN,
        )
    return session, session.region_name


def call(
    action: str,
    function: Callable[..., _T],
    /,
    *args: Any,
    failed: int = EXIT_FAILED,
    **kwargs: Any,
) -> _T:
    """Return ``function(*args, **kwargs)``; what botocore raises becomes a
    :class:`CommandError` that says what could not be done (``action``).

    ``failed`` is the exit status of a refused call that is not about
    credentials, permissions or a missing resource (those are 2).
    """
    try:
        return function(*args, **kwargs)
    except CommandError:
        raise
    except Exception as error:
        translated = aws_error(error, action, failed)
        if translated is None:
            raise
        raise translated from None


def aws_error(error: Exception, action: str, failed: int = EXIT_FAILED) -> CommandError | None:
    """The :class:`CommandError` for what botocore raised; None for anything else."""
    try:
        from botocore import exceptions
    except ImportError:
        return None
    if isinstance(error, exceptions.NoCredentialsError | exceptions.PartialCredentialsError):
        return CommandError(
            f"no AWS credentials found ({error}); configure them (aws configure, "
            "aws sso login, AWS_PROFILE or AWS_ACCESS_KEY_ID) or pass --profile",
            EXIT_CANNOT_RUN,
        )
    if isinstance(error, exceptions.ProfileNotFound):
        return CommandError(
            f"{error}; name a profile of ~/.aws/config with --profile", EXIT_CANNOT_RUN
        )
    if isinstance(error, exceptions.NoRegionError):
        return CommandError(
            "no AWS Region given: pass --region, set AWS_REGION, or give the profile a region",
            EXIT_CANNOT_RUN,
        )
    if isinstance(error, exceptions.BotoCoreError):
        return CommandError(f"cannot {action}: {error}", EXIT_CANNOT_RUN)
    if not isinstance(error, exceptions.ClientError):
        return None
    code = str(error.response.get("Error", {}).get("Code", ""))
    message = cut(str(error.response.get("Error", {}).get("Message", "")), 300)
    if code in CREDENTIAL_CODES or code.startswith("AccessDenied"):
        return CommandError(
            f"AWS refused the credentials or their permissions to {action} ({code}: {message})",
            EXIT_CANNOT_RUN,
        )
    if code == "ResourceNotFoundException":
        return CommandError(f"cannot {action}: {message}", EXIT_CANNOT_RUN)
    return CommandError(f"cannot {action}: {code}: {message}", failed)


def _translated(error: Exception, action: str) -> Exception:
    return aws_error(error, action, EXIT_CANNOT_RUN) or error


class DeployedStack:
    """A deployed stack: its outputs and resources, read once.

    Parameters
    ----------
    client
        A CloudFormation client in the stack's Region.
    name
        The stack's name (``<name>-<stage>-observability``).
    source
        The blueprint file, for messages.
    account
        The account the file deploys to (``env.account``), for the message when
        there is no such stack.
    instead
        What else to do when there is no such stack (``pass --workspace-id``).
    """

    def __init__(
        self,
        client: CloudFormationClient,
        name: str,
        *,
        source: str,
        account: str | None = None,
        instead: str = "",
    ) -> None:
        self.client = client
        self.name = name
        self.source = source
        self.region = str(client.meta.region_name)
        self.stack = self._describe(account, instead)

    def _describe(self, account: str | None, instead: str) -> StackTypeDef:
        from botocore.exceptions import ClientError

        try:
            stacks = self.client.describe_stacks(StackName=self.name)["Stacks"]
        except ClientError as error:
            # A stack that does not exist: ValidationError "Stack with id NAME does not
            # exist" (what CloudFormation answers; see boto/boto3#2807).
            message = str(error.response.get("Error", {}).get("Message", ""))
            if error.response.get("Error", {}).get("Code") != "ValidationError" or (
                "does not exist" not in message
            ):
                raise _translated(error, f"read stack {self.name}") from None
            where = f" (the file deploys to account {account})" if account else ""
            raise CommandError(
                f"no stack {self.name} in {self.region} for these credentials{where}: deploy "
                f"{self.source} first (cdk deploy -c blueprint={self.source}), or check "
                f"--region and --profile{f', or {instead}' if instead else ''}",
                EXIT_CANNOT_RUN,
            ) from None
        except Exception as error:
            raise _translated(error, f"read stack {self.name}") from None
        if not stacks:
            raise CommandError(f"no stack {self.name} in {self.region}", EXIT_CANNOT_RUN)
        return stacks[0]

    @property
    def status(self) -> str:
        """The stack's status (UPDATE_COMPLETE, ROLLBACK_COMPLETE, ...)."""
        return str(self.stack.get("StackStatus", ""))

    @property
    def outputs(self) -> dict[str, str]:
        """The stack's outputs, by key (the output's logical id)."""
        return {
            str(o["OutputKey"]): str(o.get("OutputValue", ""))
            for o in self.stack.get("Outputs", [])
            if "OutputKey" in o
        }

    def output(self, name: str, *, logical_id: str | None = None) -> str | None:
        """The value of the output ``name``, or None when the stack has none.

        ``logical_id`` is the output's key when known (from the app built in this
        process); otherwise the key is ``name`` itself, or the key aws-cdk-lib
        derives from an output with id ``name`` in a construct: ``...NAME`` and
        eight hex digits. Two such keys make the name ambiguous (exit status 2).
        """
        outputs = self.outputs
        for key in (logical_id, name):
            if key is not None and key in outputs:
                return outputs[key]
        pattern = re.compile(f"[A-Za-z0-9]*{re.escape(name)}{_HASH_SUFFIX}")
        found = sorted(key for key in outputs if pattern.fullmatch(key))
        if len(found) > 1:
            raise CommandError(
                f"stack {self.name} has {len(found)} outputs named like {name} "
                f"({', '.join(found)}); the blueprint makes one",
                EXIT_CANNOT_RUN,
            )
        return outputs[found[0]] if found else None

    def require_output(self, name: str, why: str, *, logical_id: str | None = None) -> str:
        """The value of the output ``name``; its absence is exit status 2, with ``why``."""
        value = self.output(name, logical_id=logical_id)
        if value:
            return value
        raise CommandError(
            f"stack {self.name} in {self.region} ({self.status}) has no output {name}: {why}",
            EXIT_CANNOT_RUN,
        )

    def physical_id(self, logical_id: str, what: str) -> str:
        """The physical id of the resource ``logical_id`` (a role's name, for a role)."""
        from botocore.exceptions import ClientError

        try:
            detail = self.client.describe_stack_resource(
                StackName=self.name, LogicalResourceId=logical_id
            )["StackResourceDetail"]
        except ClientError as error:
            message = str(error.response.get("Error", {}).get("Message", ""))
            if "does not exist" in message:
                raise CommandError(
                    f"stack {self.name} in {self.region} has no {what} ({logical_id}): deploy "
                    f"{self.source} again (cdk deploy -c blueprint={self.source})",
                    EXIT_CANNOT_RUN,
                ) from None
            raise _translated(error, f"read the {what} of stack {self.name}") from None
        except Exception as error:
            raise _translated(error, f"read the {what} of stack {self.name}") from None
        physical = detail.get("PhysicalResourceId")
        if not physical:
            raise CommandError(
                f"the {what} of stack {self.name} ({logical_id}) is "
                f"{detail.get('ResourceStatus', 'not created')}: wait for the deploy to "
                "finish, or deploy again",
                EXIT_CANNOT_RUN,
            )
        return str(physical)

    def arn_parts(self) -> tuple[str, str]:
        """(partition, account) of the stack, from its id (a CloudFormation stack ARN)."""
        parts = str(self.stack.get("StackId", "")).split(":")
        if len(parts) < 6 or parts[0] != "arn":
            raise CommandError(
                f"stack {self.name} has no ARN as its id ({cut(str(self.stack.get('StackId')))})",
                EXIT_FAILED,
            )
        return parts[1], parts[4]


def build_stacks(config: Blueprint, *, lock_file: Path | None = None) -> list[Stack]:
    """Build the file's app in this process, as ``obs-blueprint validate`` does, without
    synthesizing it; return its stacks (the main one first).

    The app has the feature flags of ``./cdk.json`` when there is one. What
    aws-cdk-lib prints while building is held back, and shown only when the
    build fails.
    """
    from observability_blueprint.cli.node import use_installed_node

    use_installed_node()  # before aws_cdk starts jsii
    from aws_cdk import App

    from observability_blueprint.blueprint.stacks import build
    from observability_blueprint.rules.errors import BlueprintError

    held = HeldOutput()
    real_stderr, sys.stderr = sys.stderr, held
    try:
        return build(App(context=cdk_context()), config, lock_file=lock_file)
    except BlueprintError as error:
        sys.stderr = real_stderr
        print(held.text(), end="", file=sys.stderr)
        raise CommandError(f"cannot build the app of the file:\n{error}", EXIT_CANNOT_RUN) from None
    finally:
        sys.stderr = real_stderr


class HeldOutput(io.TextIOWrapper):
    """What building prints, held back: jsii writes Node's output to ``sys.stderr.buffer``."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", errors="replace", write_through=True)

    def text(self) -> str:
        """Everything written so far."""
        self.flush()
        raw = self.buffer
        assert isinstance(raw, io.BytesIO)
        return raw.getvalue().decode("utf-8", "replace")


def cdk_context(path: Path = Path("cdk.json")) -> dict[str, Any]:
    """The context of ``cdk.json`` (feature flags) without ``blueprint``; empty without one."""
    if not path.is_file():
        return {}
    try:
        context = json.loads(path.read_text(encoding="utf-8")).get("context", {})
    except (OSError, ValueError, AttributeError):
        return {}
    if not isinstance(context, dict):
        return {}
    return {key: value for key, value in context.items() if key != "blueprint"}


# ------------------------------------------------------------ the command line


@dataclass(frozen=True)
class CommandHelp:
    """What a subcommand's ``--help`` says."""

    usage: str
    description: str
    epilog: str


def add_subcommand(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    group: tuple[str, str],
    command: tuple[str, str],
    text: CommandHelp,
    add_arguments: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Add ``obs-blueprint GROUP COMMAND`` (each a (name, help) pair) to the parser."""
    parser = commands.add_parser(group[0], help=group[1])
    actions = parser.add_subparsers(dest=f"{group[0]}_command", required=True, metavar=command[0])
    add_arguments(
        actions.add_parser(
            command[0],
            help=command[1],
            usage=text.usage,
            description=text.description,
            epilog=text.epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
    )


def standalone_parser(
    prog: str, text: CommandHelp, add_arguments: Callable[[argparse.ArgumentParser], None]
) -> argparse.ArgumentParser:
    """A parser of the arguments that follow ``prog`` (for tests and scripts)."""
    parser = argparse.ArgumentParser(
        prog=prog,
        usage=text.usage,
        description=text.description,
        epilog=text.epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    return parser


def add_file_and_aws_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the blueprint file, ``--profile`` and ``--region`` every deployed-stack command takes."""
    parser.add_argument(
        "file", nargs="?", default="blueprint.yaml", help="the blueprint file (./blueprint.yaml)"
    )
    parser.add_argument("--profile", help="the AWS profile (default: boto3's chain)")
    parser.add_argument(
        "--region", help="the AWS Region (default: the file's env.region, then the profile's)"
    )
