"""The blueprint file's ``prometheus:`` section: Amazon Managed Service for Prometheus.

A workspace (alias ``<name>-<stage>``), its rule groups namespaces (the shipped
rules per service and rule files of your own, in Prometheus' own rule-file YAML),
the alert manager routing to a topic of the file, and three ways in: the AWS
managed scraper for an EKS cluster, the ADOT collector on fleets of ``hosts:``
and on EKS clusters of ``containers:``. Rule files and scrape jobs are checked
with :mod:`observability_blueprint.rules.prometheus_rules` and
:mod:`observability_blueprint.rules.scrape_config`, as the constructs check them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Self

import yaml
from pydantic import Discriminator, PrivateAttr, Tag, ValidationInfo, model_validator

from observability_blueprint.config.base import LogicalName, StrictModel, checked, fail
from observability_blueprint.rules import arns, containers, prometheus_rules, scrape_config
from observability_blueprint.rules import log_groups as log_group_rules
from observability_blueprint.rules.errors import BlueprintError, Problem, cut
from observability_blueprint.rules.text_syntax import caret_lines

RULE_FILE_MAX_BYTES: Final = 1024 * 1024
"""A rule file the blueprint reads is at most 1 MiB (AMP takes at most 1 MB of rule
data per namespace: ``Data`` of CreateRuleGroupsNamespace)."""
ALIAS_MAX: Final = 100
"""Characters of a workspace alias (``Alias`` of AWS::APS::Workspace)."""
DEFAULT_LOG_RETENTION_DAYS: Final = 365


_ALIAS_RE: Final = re.compile(r"[A-Za-z0-9._#/-]+")
"""The characters of a log group name: the workspace logs to
``/aws/vendedlogs/prometheus/<alias>`` (the PrometheusWorkspace construct checks the same)."""


def _check_alias(alias: str) -> str | None:
    if not 1 <= len(alias) <= ALIAS_MAX or not _ALIAS_RE.fullmatch(alias):
        return (
            f"{cut(alias)!r} is not a workspace alias the blueprint can use; give 1 to "
            f"{ALIAS_MAX} letters, digits and . _ - # / (the workspace logs to the log group "
            f"/aws/vendedlogs/prometheus/<alias>; it is {len(alias)} characters)"
        )
    return None


def _check_active_series(count: int) -> str | None:
    if count < 0:
        return f"{count} is below 0; give the number of time series scraped (0 or more)"
    return None


def _check_sample_interval(seconds: int) -> str | None:
    if seconds < 1:
        return (
            f"{seconds} is not an interval; give the seconds between two samples of a series "
            "(1 or more, such as 30)"
        )
    return None


class Workspace(StrictModel):
    """The workspace: no fee of its own (ingestion, storage and queries are billed)."""

    alias: Annotated[str, checked(_check_alias)] | None = None
    """The workspace's alias. Default: <name>-<stage>."""
    encrypted: bool = False
    """Encrypt with the blueprint's customer-managed key. Set it when the workspace is
    created: the key cannot be added later without replacing the workspace (and its data)."""
    log_retention_days: Annotated[int, checked(log_group_rules.check_retention)] = (
        DEFAULT_LOG_RETENTION_DAYS
    )
    """Days of the workspace's rule and alert manager logs. Default: 365."""
    alert_topic: str | None = None
    """A topic of notifications: the alert manager publishes every alert there.
    Default: no alert manager."""


class RuleFile(StrictModel):
    """A rule groups namespace: a Prometheus rule file (``groups:`` of recording and
    alerting rules), from a file or written here."""

    name: Annotated[str, checked(prometheus_rules.check_namespace_name)]
    """The namespace's name, 1 to 64 characters."""
    path: str | None = None
    """The rule file, relative to the blueprint file's folder."""
    content: str | None = None
    """The rule file's YAML, written here (a block scalar: content: |)."""
    _text: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _read(self, info: ValidationInfo) -> Self:
        if self.path is None and self.content is None:
            raise fail(
                "neither path: nor content: is given; give path: (a rule file, relative to "
                "the blueprint file's folder) or content: (the rule file's YAML, written here)"
            )
        if self.path is not None and self.content is not None:
            raise fail(
                f"both path: {cut(self.path)!r} and content: are given; give one of them "
                "(path: reads a rule file, content: is the rule file written here)",
                at="content",
            )
        if self.content is not None:
            self._text = self.content
            return self
        assert self.path is not None
        folder = Path((info.context or {}).get("directory") or Path.cwd())
        self._text = _read_rule_file(folder, self.path)
        return self

    @property
    def text(self) -> str:
        """The rule file's YAML."""
        return self._text

    def source(self, where: str) -> str:
        """How messages name the rule file: its path as written, or its place in this file."""
        return self.path if self.path is not None else f"{where}.content"


def _read_rule_file(folder: Path, shown: str) -> str:
    """Read a rule file within bounds; fail at ``path`` with what is wrong and what is allowed."""
    path = folder / shown
    try:
        if path.is_dir():
            raise fail(
                f"{cut(shown)!r} is a folder; give the path of a rule file (YAML with groups:), "
                "relative to the blueprint file's folder",
                at="path",
            )
        if not path.is_file():
            raise fail(
                f"{cut(shown)!r}: no such file in {cut(str(folder))}; give the path of a rule "
                "file relative to the blueprint file's folder",
                at="path",
            )
        size = path.stat().st_size
        if size > RULE_FILE_MAX_BYTES:
            raise fail(
                f"{cut(shown)!r} is {size:,} bytes; a rule file is at most "
                f"{RULE_FILE_MAX_BYTES:,} bytes (split it into several namespaces)",
                at="path",
            )
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        bad = error.object[error.start : error.start + 1].hex()
        raise fail(
            f"{cut(shown)!r} is not UTF-8 text (byte {error.start + 1:,} is 0x{bad}); save the "
            "rule file as UTF-8",
            at="path",
        ) from None
    except OSError as error:
        raise fail(
            f"{cut(shown)!r} cannot be read ({error.strerror}); give a readable rule file",
            at="path",
        ) from None


class Rules(StrictModel):
    """Recording and alerting rules."""

    defaults: bool = True
    """The shipped rules per service: request rate, error ratio and latency quantiles
    (p50, p90, p99) recorded from the OpenTelemetry HTTP server histogram
    (http_server_request_duration_seconds), with alerts on the error ratio and p99.
    Default: true."""
    error_ratio_threshold: float = 0.05
    """The error ratio (5xx of all requests) the shipped alert fires above. Default: 0.05."""
    p99_latency_seconds: float = 1.0
    """The p99 latency the shipped alert fires above, in seconds. Default: 1."""
    service_label: str = "job"
    """The label that names the service in your metrics. Default: job."""
    files: list[RuleFile] = []
    """Rule files of your own, one namespace each."""


class Authorization(StrictModel):
    """The Authorization header of a job's scrapes, as Prometheus writes it.

    The credentials come from a file on the scraping host, never from this file: a
    secret written here would end up in the template and the collector's parameter."""

    type: str = "Bearer"
    """The header's scheme. Default: Bearer."""
    credentials_file: str
    """The file holding the credentials, on the scraping host. The managed scraper takes
    only its service account token, /var/run/secrets/kubernetes.io/serviceaccount/token
    (to scrape the kubelet and cAdvisor)."""


class ScrapeJob(StrictModel):
    """A Prometheus scrape job (a <scrape_config>)."""

    job_name: str
    """The job's name, unique; Prometheus sets it as the job label."""
    scrape_interval: str | None = None
    """How often to scrape (30s, 1m). Default: 30s (the managed scraper takes 30s or more)."""
    scrape_timeout: str | None = None
    """How long a scrape may take, at most the interval. Default: 10s."""
    metrics_path: str | None = None
    """The HTTP path of the metrics. Default: /metrics."""
    scheme: Literal["http", "https"] | None = None
    """http or https. Default: http."""
    static_targets: list[str] = []
    """host:port targets (the managed scraper takes IP addresses only)."""
    static_labels: dict[str, str] = {}
    """Labels added to the static targets."""
    kubernetes_sd_roles: list[
        Literal["node", "service", "pod", "endpoints", "endpointslice", "ingress"]
    ] = []
    """Kubernetes service discovery, one role each."""
    relabel_configs: list[dict[str, Any]] = []
    """Prometheus relabel rules, as Prometheus writes them."""
    metric_relabel_configs: list[dict[str, Any]] = []
    """Relabel rules applied to the scraped samples."""
    authorization: Authorization | None = None
    """The Authorization header of the scrapes. Default: none."""

    def to_job(self) -> scrape_config.ScrapeJob:
        """Return the pure settings."""
        return scrape_config.ScrapeJob(
            job_name=self.job_name,
            scrape_interval=self.scrape_interval,
            scrape_timeout=self.scrape_timeout,
            metrics_path=self.metrics_path,
            scheme=self.scheme,
            static_targets=tuple(self.static_targets),
            static_labels=dict(self.static_labels),
            kubernetes_sd_roles=tuple(self.kubernetes_sd_roles),
            relabel_configs=tuple(self.relabel_configs),
            metric_relabel_configs=tuple(self.metric_relabel_configs),
            authorization=(
                {
                    "type": self.authorization.type,
                    "credentials_file": self.authorization.credentials_file,
                }
                if self.authorization is not None
                else None
            ),
        )


class Scraper(StrictModel):
    """The AWS managed scraper for an EKS cluster: no collector to run.

    Synthesis looks nothing up, so the cluster's facts are written here. The
    scraper gets access to the cluster through an EKS access entry, which needs
    the API authentication mode; it reaches the cluster through its private endpoint.
    """

    cluster_arn: str
    """The EKS cluster's ARN, arn:aws:eks:REGION:ACCOUNT:cluster/NAME.

    In the blueprint's Region and account, like the scraper and the workspace."""
    subnet_ids: list[str]
    """At least two subnets of the cluster, in two Availability Zones."""
    security_group_ids: list[str] = []
    """Security groups of the scraper's network interfaces. Default: the VPC's default."""
    authentication_mode: Literal["API", "API_AND_CONFIG_MAP", "CONFIG_MAP"]
    """The cluster's authentication mode, API or API_AND_CONFIG_MAP for the scraper.

    As aws eks describe-cluster shows it (accessConfig); a cluster on CONFIG_MAP alone
    is refused: CloudFormation cannot give the scraper access to it."""
    endpoint_private_access: bool
    """Whether the cluster's private endpoint access is on: true, as the scraper needs.

    As aws eks describe-cluster shows it (resourcesVpcConfig.endpointPrivateAccess)."""
    jobs: list[str] | None = None
    """Names of scrape_jobs this scraper runs. Default: all of them."""


class AdotEksCluster(StrictModel):
    """An EKS cluster that runs the collector, with the blueprint's part in its ``adot`` add-on."""

    cluster: str
    """The cluster's name, as containers.eks names it."""
    install_addon: bool = True
    """Whether the blueprint installs the adot add-on (the ADOT operator). cert-manager
    must be on the cluster before the deploy: the add-on needs it when CloudFormation
    creates it. Default: true; false when the cluster has the add-on already."""
    addon_version: Annotated[str, checked(containers.check_addon_version)] | None = None
    """The add-on version, such as v0.109.0-eksbuild.1 (aws eks describe-addon-versions
    --addon-name adot). Default: the latest for the cluster's Kubernetes version."""

    @model_validator(mode="after")
    def _version_of_an_installed_addon(self) -> Self:
        if self.addon_version is not None and not self.install_addon:
            raise fail(
                f"{self.addon_version!r} is the version of an add-on the blueprint does not "
                "install (install_addon is false); remove addon_version, or set install_addon "
                "to true",
                at="addon_version",
            )
        return self


def _eks_entry_kind(value: Any) -> str:
    # A mapping is read as the model, anything else as a name: the errors are then the
    # model's own, or "... this is text" quoting the value.
    return "dict" if isinstance(value, dict) else "str"


AdotEksEntry = Annotated[
    Annotated[str, Tag("str")] | Annotated[AdotEksCluster, Tag("dict")],
    Discriminator(_eks_entry_kind),
]
"""A cluster of ``adot.eks``: its name (the add-on at its latest version), or a mapping."""


class Adot(StrictModel):
    """The AWS Distro for OpenTelemetry collector, remote-writing to the workspace."""

    fleets: list[LogicalName] = []
    """Fleets of hosts: (by name) that run the collector, installed by State Manager."""
    eks: list[AdotEksEntry] = []
    """Clusters of containers.eks that run a collector: a name, or a mapping with cluster:.

    A name alone is {cluster: NAME}: the blueprint installs the adot add-on, latest
    version; the mapping also takes install_addon and addon_version."""
    jobs: list[str] | None = None
    """Names of scrape_jobs the collectors run. Default: all of them."""

    def eks_clusters(self) -> list[AdotEksCluster]:
        """The clusters of ``eks``, a plain name read as {cluster: NAME}."""
        return [
            AdotEksCluster(cluster=entry) if isinstance(entry, str) else entry for entry in self.eks
        ]


class Usage(StrictModel):
    """What the cost estimate assumes (Managed Prometheus bills per sample)."""

    active_series: Annotated[int, checked(_check_active_series)] = 0
    """Time series scraped. Default: 0 (ingestion not estimated)."""
    scrape_interval_seconds: Annotated[int, checked(_check_sample_interval)] = 30
    """Seconds between samples of a series. Default: 30."""


class Prometheus(StrictModel):
    """Amazon Managed Service for Prometheus: a workspace, its rules and alert manager,
    and the collectors that fill it."""

    workspace: Workspace = Workspace()
    """The workspace."""
    rules: Rules = Rules()
    """Recording and alerting rules. Default: the shipped ones per service."""
    scrape_jobs: list[ScrapeJob] = []
    """What the scraper and the collectors scrape."""
    scraper: Scraper | None = None
    """The AWS managed scraper for an EKS cluster. Default: none."""
    adot: Adot | None = None
    """ADOT collectors on fleets and EKS clusters. Default: none."""
    usage: Usage = Usage()
    """Volume assumptions for the cost estimate."""
    otel_enrichment: bool = False
    """CloudWatch's vended metrics labelled with their resource's ARN and tags and
    queryable with PromQL, from Grafana too (AWS::CloudWatch::OTelEnrichment). One per
    account and Region; the account must have resource tags on telemetry turned on.
    Default: off."""

    def jobs(self, names: Sequence[str] | None) -> list[scrape_config.ScrapeJob]:
        """The scrape jobs named (all when ``names`` is None), in file order."""
        return [job.to_job() for job in self.scrape_jobs if names is None or job.job_name in names]


def rule_file_problems(where: str, rule_file: RuleFile) -> list[Problem]:
    """The problems of one rule file, at ``where`` and the file's line and column."""
    source = rule_file.source(where)
    try:
        node = yaml.compose(rule_file.text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        found = [_with_line(prometheus_rules.yaml_error_problem(error, source=source), rule_file)]
    else:
        found = prometheus_rules.rule_file_problems(
            node, source=source, text=rule_file.text, namespace=rule_file.name
        )
    if rule_file.path is None:
        return found
    return [Problem(f"{where}.path ({p.location})", p.message) for p in found]


def _with_line(problem: Problem, rule_file: RuleFile) -> Problem:
    """The problem with the line it is on quoted and a caret under its column."""
    found = re.search(r":(\d+):(\d+)$", problem.location)
    lines = rule_file.text.splitlines()
    if found is None or not 0 < int(found.group(1)) <= len(lines):
        return problem
    shown = caret_lines(lines[int(found.group(1)) - 1], int(found.group(2)) - 1)
    return Problem(problem.location, f"{problem.message}\n{shown}")


def prometheus_problems(
    prometheus: Prometheus,
    *,
    topics: Sequence[str],
    fleets: Sequence[str],
    eks_clusters: Sequence[str],
    host_roles: bool,
    region: str | None,
    account: str | None,
    services: Sequence[str] | None = None,
) -> Iterator[Problem]:
    """Every problem of the section that needs the whole file (``prometheus.`` paths).

    ``services`` are the blueprint's services: with ``rules.defaults`` each one's
    shipped rules take the rule groups namespace of its name, so no rule file may
    (None: not checked).
    """
    at = "prometheus"
    topic = prometheus.workspace.alert_topic
    if topic is not None and topic not in topics:
        yield Problem(
            f"{at}.workspace.alert_topic",
            f"{cut(topic)!r} is not a topic of notifications; use one of "
            + (", ".join(map(repr, topics)) or "the topics you add to notifications"),
        )
    yield from _rules_problems(f"{at}.rules", prometheus.rules, services)
    jobs = prometheus.scrape_jobs
    names = [job.job_name for job in jobs]
    # Every job as Prometheus (and an ADOT collector) takes it; the scraper's own
    # limits follow, each reported once at the job's place in scrape_jobs.
    general = _job_problems(list(enumerate(jobs)), managed_scraper=False) if jobs else []
    yield from general
    reported = {(p.location, p.message) for p in general}
    scraper = prometheus.scraper
    if scraper is not None:
        yield from _scraper_problems(f"{at}.scraper", scraper, region, account)
        yield from _named_jobs(f"{at}.scraper.jobs", scraper.jobs, names)
        chosen = _chosen(jobs, scraper.jobs)
        if chosen:
            yield from (
                p
                for p in _job_problems(chosen, managed_scraper=True)
                if (p.location, p.message) not in reported
            )
        else:
            yield from _no_jobs(f"{at}.scraper", "the scraper has", scraper.jobs, names)
    adot = prometheus.adot
    if adot is not None:
        yield from _named_jobs(f"{at}.adot.jobs", adot.jobs, names)
        clusters = [entry.cluster for entry in adot.eks_clusters()]
        for kind, given, known, section in (
            ("fleets", adot.fleets, fleets, "hosts.fleets"),
            ("eks", clusters, eks_clusters, "containers.eks"),
        ):
            what = "a fleet of hosts.fleets" if kind == "fleets" else "a cluster of containers.eks"
            seen: dict[str, int] = {}
            for index, name in enumerate(given):
                place = f"{at}.adot.{kind}[{index}]"
                if kind == "eks" and not isinstance(adot.eks[index], str):
                    place += ".cluster"
                if name not in known:
                    yield Problem(
                        place,
                        f"{cut(name)!r} is not {what}; use one of "
                        + (", ".join(map(repr, known)) or f"the names you add to {section}"),
                    )
                elif name in seen:
                    yield Problem(
                        place,
                        f"{cut(name)!r} is also adot.{kind}[{seen[name]}]; name each once (one "
                        "collector each)",
                    )
                seen.setdefault(name, index)
        if adot.fleets and not host_roles:
            yield Problem(
                f"{at}.adot.fleets",
                "the collectors remote-write with the hosts' role, which the blueprint makes "
                "only with hosts.instance_role or hosts.on_premises; turn one on, or grant "
                "aps:RemoteWrite to your instances' role and run the collector yourself",
            )
        if (adot.fleets or adot.eks) and not _chosen(jobs, adot.jobs):
            yield from _no_jobs(f"{at}.adot", "the collectors have", adot.jobs, names)


def _rules_problems(where: str, rules: Rules, services: Sequence[str] | None) -> Iterator[Problem]:
    try:
        # The shipped rules check their own settings: build them for a stand-in service.
        prometheus_rules.default_service_rules(
            "service",
            service_label=rules.service_label,
            error_ratio_threshold=rules.error_ratio_threshold,
            p99_latency_seconds=rules.p99_latency_seconds,
        )
    except BlueprintError as error:
        for problem in error.problems:
            yield Problem(f"{where}.{problem.location}", problem.message)
    shipped = list(services or ()) if rules.defaults else []
    seen: dict[str, int] = {}
    for index, rule_file in enumerate(rules.files):
        here = f"{where}.files[{index}]"
        name = rule_file.name
        if name in seen:
            yield Problem(
                f"{here}.name",
                f"{cut(name)!r} is already the name of rules.files[{seen[name]}]; each rule "
                "file is a namespace of the workspace and needs a name of its own",
            )
        elif name in shipped:
            yield Problem(
                f"{here}.name",
                f"{cut(name)!r} is the namespace of the shipped rules of the service {name!r}; "
                "give the rule file another name (or set rules.defaults to false)",
            )
        seen.setdefault(name, index)
        yield from rule_file_problems(here, rule_file)


_JOB_REFERENCE: Final = re.compile(r"(?<![\w.\[])jobs\[(\d+)\]")
"""``jobs[1]`` as :func:`scrape_config.scrape_job_problems` names a job, not ``scrape_jobs[1]``."""


def _job_problems(jobs: Sequence[tuple[int, ScrapeJob]], *, managed_scraper: bool) -> list[Problem]:
    """The problems of some of scrape_jobs (with their places in it), located in the file."""
    places = [index for index, _ in jobs]

    def in_file(text: str) -> str:
        def place(match: re.Match[str]) -> str:
            number = int(match.group(1))
            return f"scrape_jobs[{places[number]}]" if number < len(places) else match.group()

        return _JOB_REFERENCE.sub(place, text)

    return [
        Problem(f"prometheus.{in_file(p.location)}", in_file(p.message))
        for p in scrape_config.scrape_job_problems(
            [job.to_job() for _, job in jobs], managed_scraper=managed_scraper
        )
    ]


def _chosen(jobs: Sequence[ScrapeJob], names: Sequence[str] | None) -> list[tuple[int, ScrapeJob]]:
    """The jobs ``names`` selects (all when None), with their places in scrape_jobs."""
    return [(i, job) for i, job in enumerate(jobs) if names is None or job.job_name in names]


def _no_jobs(
    where: str, who: str, selection: Sequence[str] | None, names: Sequence[str]
) -> Iterator[Problem]:
    """Why a scraper or collectors run no job (names that match none are reported apart)."""
    if not names:
        yield Problem(
            f"{where}.jobs" if selection is not None else where,
            f"{who} nothing to scrape: scrape_jobs is empty; add a scrape job to scrape_jobs",
        )
    elif selection is not None and not selection:
        yield Problem(
            f"{where}.jobs",
            f"{who} nothing to scrape: jobs is [], which names none of scrape_jobs; name some "
            f"of {', '.join(map(repr, names))}, or leave jobs out to run them all",
        )


def _named_jobs(where: str, names: list[str] | None, known: list[str]) -> Iterator[Problem]:
    for index, name in enumerate(names or []):
        if name not in known:
            yield Problem(
                f"{where}[{index}]",
                f"{cut(name)!r} is not a job of scrape_jobs; use one of "
                + (", ".join(map(repr, known)) or "the jobs you add to scrape_jobs"),
            )


def _scraper_problems(
    where: str, scraper: Scraper, region: str | None, account: str | None
) -> Iterator[Problem]:
    for problem in scrape_config.scraper_cluster_problems(
        cluster_arn=scraper.cluster_arn,
        subnet_ids=scraper.subnet_ids,
        security_group_ids=scraper.security_group_ids,
        authentication_mode=scraper.authentication_mode,
        endpoint_private_access=scraper.endpoint_private_access,
        place=arns.Place.of(region=region, account=account),
    ):
        yield Problem(f"{where}.{problem.location}", problem.message)
