"""``obs-blueprint prometheus manifest``: the ADOT collector of an EKS cluster, for kubectl.

CloudFormation makes the ``adot`` add-on and the collector's role for each
cluster of ``prometheus.adot.eks``; the collector itself is Kubernetes objects
that it cannot apply to a cluster it does not define
(:class:`observability_blueprint.prometheus.AdotEksCollector`). This command
builds the file's app in this process (as ``obs-blueprint validate`` does,
writing no templates), fills in what the deployed stack knows (its
``PrometheusRemoteWriteUrl`` output, its Region and, with IRSA, the collector
role's ARN from ``DescribeStackResource``) and prints the manifest::

    obs-blueprint prometheus manifest --cluster payments-legacy > collector.yaml
    kubectl apply -f collector.yaml
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO

from observability_blueprint.cli.deployed import (
    EXIT_CANNOT_RUN,
    EXIT_FAILED,
    EXIT_OK,
    CommandError,
    CommandHelp,
    DeployedStack,
    SessionFactory,
    add_file_and_aws_arguments,
    add_subcommand,
    boto3_session,
    build_stacks,
    call,
    open_session,
    read_blueprint,
    standalone_parser,
)
from observability_blueprint.rules.errors import cut

if TYPE_CHECKING:
    from aws_cdk import Stack

    from observability_blueprint.config.blueprint import Blueprint
    from observability_blueprint.prometheus import AdotEksCollector

REMOTE_WRITE_OUTPUT: Final = "PrometheusRemoteWriteUrl"
"""The main stack's output with the remote-write URL (``PROMETHEUS_REMOTE_WRITE_OUTPUT`` of
blueprint/prometheus.py)."""

USAGE: Final = "obs-blueprint prometheus manifest --cluster NAME [FILE] [--profile P] [--region R]"
DESCRIPTION: Final = """\
Print the Kubernetes manifest of the ADOT collector for an EKS cluster of
prometheus.adot.eks in FILE (default ./blueprint.yaml): the namespace, the
service account (with IRSA, annotated with the collector role's ARN), the
OpenTelemetryCollector (Prometheus receiver with the file's scrape jobs,
sigv4auth, prometheusremotewrite to the workspace) and the ClusterRole and
binding its service discovery needs.

The remote-write URL comes from the deployed stack's PrometheusRemoteWriteUrl
output, the role's ARN from the stack's resources: deploy the file first. The
adot add-on (and cert-manager before it) must be on the cluster. Apply it with
kubectl apply -f.
"""
EPILOG: Final = """\
Region: --region, else the file's env.region, else the profile's.

exit status:
  0  the manifest is printed
  1  a value of the deployed stack is not one the manifest can use, or AWS
     refused a call
  2  it cannot run: no boto3, no credentials or Region, an unreadable file, a
     cluster not in prometheus.adot.eks, no deployed stack or output
"""


HELP: Final = CommandHelp(USAGE, DESCRIPTION, EPILOG)


def add_prometheus_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``prometheus`` (with its subcommand ``manifest``) to the ``obs-blueprint`` parser."""
    add_subcommand(
        commands,
        group=("prometheus", "Amazon Managed Service for Prometheus: the ADOT collector manifest"),
        command=("manifest", "print the Kubernetes manifest of an EKS cluster's ADOT collector"),
        text=HELP,
        add_arguments=add_manifest_arguments,
    )


def add_manifest_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``obs-blueprint prometheus manifest`` to ``parser``."""
    parser.add_argument(
        "--cluster", required=True, metavar="NAME", help="an EKS cluster of prometheus.adot.eks"
    )
    add_file_and_aws_arguments(parser)


def build_manifest_parser() -> argparse.ArgumentParser:
    """Return a parser of the arguments that follow ``obs-blueprint prometheus manifest``."""
    return standalone_parser("obs-blueprint prometheus manifest", HELP, add_manifest_arguments)


def manifest_main(argv: Sequence[str], **options: Any) -> int:
    """Parse ``argv`` (what follows ``prometheus manifest``); see :func:`run_manifest`."""
    return run_manifest(build_manifest_parser().parse_args(list(argv)), **options)


def run_prometheus_command(args: argparse.Namespace) -> int:
    """Run the ``prometheus`` subcommand ``args`` names."""
    return run_manifest(args)


def run_manifest(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = boto3_session,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run ``obs-blueprint prometheus manifest`` with parsed ``args``; return the exit status.

    Parameters
    ----------
    args
        What :func:`add_manifest_arguments` parses.
    session_factory
        Makes the AWS session from (profile, region).
    stdout, stderr
        Where the manifest and the messages go (default: ``sys.stdout``, ``sys.stderr``).
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    try:
        manifest = _manifest(args, session_factory)
    except CommandError as error:
        err.write(f"obs-blueprint prometheus manifest: {error}\n")
        return error.exit_code
    out.write(manifest)
    err.write(
        f"obs-blueprint prometheus manifest: the ADOT collector of EKS cluster {args.cluster}; "
        "apply it with kubectl apply -f (the adot add-on must be active on the cluster)\n"
    )
    return EXIT_OK


def eks_clusters(config: Blueprint) -> list[str]:
    """The clusters of ``prometheus.adot.eks``: those a manifest can be made for."""
    adot = config.prometheus.adot if config.prometheus is not None else None
    return [c.cluster for c in adot.eks_clusters()] if adot is not None else []


def _manifest(args: argparse.Namespace, session_factory: SessionFactory) -> str:
    from observability_blueprint.rules.errors import BlueprintError

    config = read_blueprint(args.file)
    clusters = eks_clusters(config)
    if args.cluster not in clusters:
        allowed = (
            f"the clusters there: {', '.join(clusters)}"
            if clusters
            else "it names none; add the cluster to containers.eks and prometheus.adot.eks, "
            "and deploy"
        )
        raise CommandError(
            f"--cluster: {cut(args.cluster)!r} is not a cluster of prometheus.adot.eks in "
            f"{args.file}; {allowed}",
            EXIT_CANNOT_RUN,
        )
    # The app first (no AWS call): the collector, and the logical ids to look up.
    from aws_cdk import Stack as CdkStack  # loaded by now: build_stacks started it

    from observability_blueprint.config.shard_lock import lock_path

    main_stack = build_stacks(config, lock_file=lock_path(Path(args.file)))[0]
    collector = _collector(main_stack, args.cluster)
    stack = CdkStack.of(collector)  # the shard that holds the prometheus: section
    session, region = open_session(session_factory, args.profile, args.region or config.home_region)
    deployed = DeployedStack(
        call("create a CloudFormation client", session.client, "cloudformation"),
        stack.stack_name,
        source=args.file,
        account=config.env.account if config.env else None,
    )
    remote_write_url = deployed.require_output(
        REMOTE_WRITE_OUTPUT,
        f"deploy {args.file} with its prometheus: section first",
        logical_id=_output_logical_id(stack, REMOTE_WRITE_OUTPUT),
    )
    role_arn = _role_arn(deployed, stack, collector) if collector.irsa else None
    try:
        return collector.manifest(
            remote_write_url=remote_write_url, region=region, role_arn=role_arn
        )
    except BlueprintError as error:
        raise CommandError(
            f"the deployed stack {deployed.name} gives values the manifest cannot use:\n{error}",
            EXIT_FAILED,
        ) from None


def _collector(stack: Stack, cluster: str) -> AdotEksCollector:
    """The collector the main stack's blueprint made for ``cluster``."""
    built = getattr(stack, "blueprint", None)
    prometheus = getattr(built, "prometheus", None)
    collectors = getattr(prometheus, "eks_collectors", {})
    if cluster not in collectors:
        raise CommandError(
            f"the app built from the file has no ADOT collector for {cluster!r} (please report it)",
            EXIT_FAILED,
        )
    collector: AdotEksCollector = collectors[cluster]
    return collector


def _output_logical_id(stack: Stack, name: str) -> str | None:
    """The logical id of the blueprint's stack output ``name``, as synthesis names it."""
    built = getattr(stack, "blueprint", None)
    output = built.node.try_find_child(name) if built is not None else None
    if output is None:
        return None
    return str(stack.resolve(output.logical_id))


def _role_arn(deployed: DeployedStack, stack: Stack, collector: AdotEksCollector) -> str:
    """The ARN of the collector's deployed role (its IRSA annotation).

    ``DescribeStackResource`` gives the role's name (an ``AWS::IAM::Role``'s
    physical id); the stack's ARN gives the partition and account, and the role
    has the path the template gives it (``/`` by default).
    """
    from aws_cdk import aws_iam as iam

    cfn_role = collector.role.node.default_child
    assert isinstance(cfn_role, iam.CfnRole)
    logical_id = str(stack.resolve(cfn_role.logical_id))
    name = deployed.physical_id(
        logical_id, f"role of the ADOT collector of {collector.cluster_name}"
    )
    partition, account = deployed.arn_parts()
    path = cfn_role.path or "/"
    return f"arn:{partition}:iam::{account}:role{path}{name}"
