"""``obs-blueprint grafana push``: the blueprint's dashboards into its Grafana workspace.

The dashboards are those of the dashboard plan that draws the CloudWatch
dashboards: one per service (when ``dashboards.services`` is on) and the alarm
and host overviews, as Grafana dashboards
(:mod:`observability_blueprint.grafana.dashboards`). With a ``prometheus:``
section whose shipped rules are on, each service's dashboard also gets a
Prometheus row that reads the series those rules record (request rate, error
ratio, p50/p90/p99 latency). :func:`observability_blueprint.grafana.provisioning.push`
does the rest: a short-lived service-account token, the folder, the data
sources, the dashboards; it changes nothing it did not create.

The workspace id and the Prometheus endpoint come from the deployed main
stack's outputs (``GrafanaWorkspaceId``, ``PrometheusEndpoint``);
``--workspace-id`` names another workspace (one made outside the blueprint,
for example).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
from collections.abc import Sequence
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
    aws_error,
    boto3_session,
    call,
    open_session,
    read_blueprint,
    standalone_parser,
    unit_stack_name,
)
from observability_blueprint.rules.errors import cut

if TYPE_CHECKING:
    from observability_blueprint.grafana.provisioning import PushResult

WORKSPACE_OUTPUT: Final = "GrafanaWorkspaceId"
"""The main stack's output with the Grafana workspace's id (``GRAFANA_WORKSPACE_OUTPUT`` of
blueprint/prometheus.py, which loads aws-cdk-lib; a test keeps the two equal)."""
PROMETHEUS_ENDPOINT_OUTPUT: Final = "PrometheusEndpoint"
"""The main stack's output with the Prometheus workspace's endpoint."""

USAGE: Final = """\
obs-blueprint grafana push [FILE] [--workspace-id g-...] [--profile P] [--region R]
         [--prune] [--json]"""
DESCRIPTION: Final = """\
Push the blueprint's Grafana dashboards and data sources into its Amazon
Managed Grafana workspace.

The dashboards follow the CloudWatch dashboards of FILE (default
./blueprint.yaml): one per service and the alarm and host overviews, in the
folder "<name>-<stage> (observability-blueprint)". With prometheus: in the file
and its shipped rules on, each service's dashboard gets a Prometheus row
(request rate, error ratio, p50/p90/p99 latency from the recorded series).

The workspace is the deployed stack's GrafanaWorkspaceId output unless
--workspace-id names one; the Prometheus data source reads the stack's
PrometheusEndpoint. Push uses a workspace service account "obs-blueprint"
(ADMIN, created when missing) and a token that lives 10 minutes and is deleted
when it ends. It creates or updates only what it created: a dashboard, data
source or folder with one of its uids that it did not make is left alone and
reported as refused.
"""
EPILOG: Final = """\
Region: --region, else the file's env.region, else the profile's.

--prune also deletes the blueprint's dashboards (its tag, in its folder) that
the file no longer makes; nothing else is ever deleted.

exit status:
  0  pushed: everything created, updated or unchanged
  1  something was refused (listed), or Grafana or AWS refused a call
  2  it cannot run: no boto3, no credentials or Region, an unreadable file, no
     deployed stack or output, a bad argument
"""


HELP: Final = CommandHelp(USAGE, DESCRIPTION, EPILOG)


def add_grafana_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``grafana`` (with its subcommand ``push``) to the ``obs-blueprint`` parser."""
    add_subcommand(
        commands,
        group=("grafana", "Amazon Managed Grafana: push the dashboards"),
        command=("push", "push the dashboards and data sources into the workspace"),
        text=HELP,
        add_arguments=add_push_arguments,
    )


def add_push_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``obs-blueprint grafana push`` to ``parser``."""
    add_file_and_aws_arguments(parser)
    parser.add_argument(
        "--workspace-id",
        metavar="g-...",
        help="the Grafana workspace (default: the deployed stack's GrafanaWorkspaceId output)",
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="delete the blueprint's dashboards that the file no longer makes",
    )
    parser.add_argument("--json", action="store_true", help="print what was done as JSON")


def build_push_parser() -> argparse.ArgumentParser:
    """Return a parser of the arguments that follow ``obs-blueprint grafana push``."""
    return standalone_parser("obs-blueprint grafana push", HELP, add_push_arguments)


def push_main(argv: Sequence[str], **options: Any) -> int:
    """Parse ``argv`` (what follows ``grafana push``) and run it; see :func:`run_push`."""
    return run_push(build_push_parser().parse_args(list(argv)), **options)


def run_grafana_command(args: argparse.Namespace) -> int:
    """Run the ``grafana`` subcommand ``args`` names."""
    return run_push(args)


# ------------------------------------------------------------------ the run


def run_push(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = boto3_session,
    grafana_url: str | None = None,
    timeout: float | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run ``obs-blueprint grafana push`` with parsed ``args``; return the exit status.

    Parameters
    ----------
    args
        What :func:`add_push_arguments` parses.
    session_factory
        Makes the AWS session from (profile, region).
    grafana_url
        The workspace's address. Default: ``https://`` and its endpoint (DescribeWorkspace).
    timeout
        Each Grafana request's timeout, in seconds. Default: push's.
    stdout, stderr
        Where the result and the messages go (default: ``sys.stdout``, ``sys.stderr``).
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    try:
        return _push(args, session_factory, grafana_url, timeout, out, err)
    except CommandError as error:
        err.write(f"obs-blueprint grafana push: {error}\n")
        return error.exit_code


def _push(
    args: argparse.Namespace,
    session_factory: SessionFactory,
    grafana_url: str | None,
    timeout: float | None,
    out: TextIO,
    err: TextIO,
) -> int:
    from observability_blueprint.blueprint.grafana_dashboards import (
        grafana_dashboards,
        reads_prometheus,
    )
    from observability_blueprint.grafana.dashboards import GrafanaNames
    from observability_blueprint.grafana.provisioning import (
        GrafanaApiError,
        PrometheusSource,
        push,
    )
    from observability_blueprint.rules.errors import BlueprintError
    from observability_blueprint.rules.grafana_model import check_workspace_id

    if args.workspace_id is not None and (problem := check_workspace_id(args.workspace_id)):
        raise CommandError(f"--workspace-id: {problem}", EXIT_CANNOT_RUN)
    config = read_blueprint(args.file)
    with_prometheus = reads_prometheus(config)
    if config.prometheus is not None and not with_prometheus:
        err.write(
            "obs-blueprint grafana push: note: grafana.data_sources leaves out PROMETHEUS, so "
            "no Prometheus data source or panels are pushed\n"
        )
    # No AWS call yet: a file whose dashboards cannot be built stops before any.
    session, region = open_session(session_factory, args.profile, args.region or config.home_region)
    try:
        dashboards = grafana_dashboards(config, region=region, prometheus=with_prometheus)
    except ValueError as error:  # BlueprintError, or a plan over CloudWatch's limits
        raise CommandError(
            f"cannot build the dashboards of {args.file}:\n{error}", EXIT_FAILED
        ) from None
    workspace_id = args.workspace_id
    endpoint: str | None = None
    if workspace_id is None or with_prometheus:
        stack = DeployedStack(
            call(
                "create a CloudFormation client",
                session.client,
                "cloudformation",
                failed=EXIT_CANNOT_RUN,
            ),
            unit_stack_name(config, args.file, "area:grafana"),
            source=args.file,
            account=config.env.account if config.env else None,
            instead="pass --workspace-id" if workspace_id is None else "",
        )
        if workspace_id is None:
            workspace_id = stack.require_output(
                WORKSPACE_OUTPUT,
                "deploy the file with its grafana: section first, or pass --workspace-id"
                if config.grafana is not None
                else f"{args.file} has no grafana: section; add one and deploy it, or pass "
                "--workspace-id",
            )
        if with_prometheus:
            endpoint = stack.require_output(
                PROMETHEUS_ENDPOINT_OUTPUT,
                f"the Prometheus data source reads it; deploy {args.file} with its "
                "prometheus: section first",
            )
    names = GrafanaNames(config.prefix)
    client = call("create a Grafana client", session.client, "grafana", failed=EXIT_CANNOT_RUN)
    options: dict[str, Any] = {"timeout": timeout} if timeout is not None else {}
    try:
        result = push(
            workspace_id=workspace_id,
            names=names,
            dashboards=dashboards,
            region=region,
            prometheus=PrometheusSource(endpoint, region) if endpoint else None,
            prune=args.prune,
            client=client,
            grafana_url=grafana_url,
            **options,
        )
    except BlueprintError as error:
        raise CommandError(str(error), EXIT_FAILED) from None
    except GrafanaApiError as error:
        raise CommandError(f"Grafana refused a request: {error}", EXIT_FAILED) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise CommandError(
            f"cannot reach the Grafana workspace {workspace_id}: {cut(str(reason), 200)} "
            "(is its network access limited to other addresses?)",
            EXIT_FAILED,
        ) from None
    except Exception as error:
        translated = aws_error(error, f"provision Grafana workspace {workspace_id}", EXIT_FAILED)
        if translated is None:
            raise
        raise translated from None
    _print(
        result,
        out,
        workspace_id=workspace_id,
        region=region,
        dashboards=len(dashboards),
        as_json=args.json,
    )
    if not result.ok:
        err.write(
            f"obs-blueprint grafana push: {len(result.refused)} "
            f"{'item was' if len(result.refused) == 1 else 'items were'} refused: what holds "
            "their uid or name in Grafana is not the blueprint's\n"
        )
        return EXIT_FAILED
    return EXIT_OK


def _print(
    result: PushResult,
    out: TextIO,
    *,
    workspace_id: str,
    region: str,
    dashboards: int,
    as_json: bool,
) -> None:
    if as_json:
        document = {
            "workspace_id": workspace_id,
            "region": region,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "deleted": result.deleted,
            "refused": result.refused,
        }
        out.write(json.dumps(document, indent=2) + "\n")
        return
    if rendered := result.render():
        out.write(rendered + "\n")
    counts = ", ".join(
        f"{len(items)} {verb}"
        for verb, items in (
            ("created", result.created),
            ("updated", result.updated),
            ("unchanged", result.unchanged),
            ("deleted", result.deleted),
            ("refused", result.refused),
        )
    )
    out.write(
        f"{dashboards} {'dashboard' if dashboards == 1 else 'dashboards'} pushed to "
        f"{workspace_id} in {region}: {counts}\n"
    )
