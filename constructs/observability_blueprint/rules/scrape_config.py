"""Prometheus scrape jobs: checked, and written for the managed scraper or an ADOT collector.

Pure module: no aws_cdk, pydantic or yaml import. A blueprint file lists scrape
jobs once; they become either the scrape configuration of an Amazon Managed
Service for Prometheus managed scraper (``AWS::APS::Scraper``
``ScrapeConfiguration.ConfigurationBlob``) or the ``prometheus`` receiver of an
AWS Distro for OpenTelemetry (ADOT) collector that remote-writes to the workspace.

:func:`scrape_job_problems` checks the jobs as Prometheus' configuration loader
does (prometheus/prometheus ``config/config.go``: durations, a timeout no longer
than the interval, unique job names, no URL as a target, relabel rules from
``model/relabel/relabel.go``), plus, for the managed scraper, the limits of
https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html
("Scraper configuration"):

- only the sections ``<global>``, ``<scrape_config>``, ``<static_config>``,
  ``<relabel_config>``, ``<metric_relabel_configs>`` and ``<kubernetes_sd_config>``
  (no other service discovery, no TLS, basic auth, OAuth 2.0 or proxy settings);
- a scrape interval of at least 30 seconds;
- static targets given by IP address, ``kubernetes.default.svc`` being the only
  name it resolves;
- authorization omitted, or ``Bearer`` with the service account's token file.

:func:`collector_pipeline_problems` reads a collector configuration parsed back
from YAML and checks that it is a complete pipeline.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, get_args
from urllib.parse import urlsplit

import re2

from observability_blueprint.rules import arns
from observability_blueprint.rules.arns import is_unresolved
from observability_blueprint.rules.errors import BlueprintError, Problem, cut
from observability_blueprint.rules.prometheus_rules import (
    LABEL_NAME_RE,
    LABEL_NAME_RULE,
    check_duration,
    duration_ms,
)
from observability_blueprint.rules.regions import check_region
from observability_blueprint.rules.yaml_text import yaml_text

DEFAULT_SCRAPE_INTERVAL: Final = "30s"
"""The global scrape interval written into both configurations: the managed scraper's
minimum, and the interval of the AWS documentation's sample configurations
(Prometheus' own default is 1m)."""
DEFAULT_SCRAPE_TIMEOUT_MS: Final = 10_000
"""Prometheus' default scrape timeout (10s), capped at the interval."""
MANAGED_MIN_INTERVAL_MS: Final = 30_000
"""The managed scraper "can't specify a scrape interval of less than 30 seconds"."""
SERVICE_ACCOUNT_TOKEN: Final = "/var/run/secrets/kubernetes.io/serviceaccount/token"
"""The only credentials file the managed scraper accepts (``authorization`` must be
``Bearer`` with this ``credentials_file``)."""
MANAGED_HOST_NAME: Final = "kubernetes.default.svc"
"""The only host name the managed scraper resolves; other targets are IP addresses."""
KUBERNETES_ROLES: Final = ("node", "service", "pod", "endpoints", "endpointslice", "ingress")
"""The roles of ``kubernetes_sd_configs`` (Prometheus configuration reference)."""
SCHEMES: Final = ("http", "https")
RELABEL_ACTIONS: Final = (
    "replace",
    "keep",
    "drop",
    "keepequal",
    "dropequal",
    "hashmod",
    "labelmap",
    "labeldrop",
    "labelkeep",
    "lowercase",
    "uppercase",
)
"""Relabel actions of Prometheus (``model/relabel/relabel.go``), read case-insensitively."""
RELABEL_KEYS: Final = (
    "source_labels",
    "separator",
    "regex",
    "modulus",
    "target_label",
    "replacement",
    "action",
)
SCRAPE_CONFIG_KEYS: Final = frozenset(
    {
        "job_name",
        "honor_labels",
        "honor_timestamps",
        "track_timestamps_staleness",
        "params",
        "scrape_interval",
        "scrape_timeout",
        "scrape_protocols",
        "fallback_scrape_protocol",
        "scrape_native_histograms",
        "always_scrape_classic_histograms",
        "convert_classic_histograms_to_nhcb",
        "scrape_failure_log_file",
        "metrics_path",
        "scheme",
        "enable_compression",
        "body_size_limit",
        "sample_limit",
        "target_limit",
        "label_limit",
        "label_name_length_limit",
        "label_value_length_limit",
        "native_histogram_bucket_limit",
        "native_histogram_min_bucket_factor",
        "keep_dropped_targets",
        "metric_name_validation_scheme",
        "metric_name_escaping_scheme",
        "extra_scrape_metrics",
        "relabel_configs",
        "metric_relabel_configs",
        # The HTTP client settings Prometheus inlines into a scrape config.
        "basic_auth",
        "authorization",
        "oauth2",
        "bearer_token",
        "bearer_token_file",
        "tls_config",
        "proxy_url",
        "no_proxy",
        "proxy_from_environment",
        "proxy_connect_header",
        "follow_redirects",
        "enable_http2",
        "http_headers",
        "static_configs",
    }
)
"""The keys of Prometheus' ``<scrape_config>`` (``config/config.go`` ``ScrapeConfig`` and
the inlined ``HTTPClientConfig``); any ``*_sd_configs`` key is a service discovery."""
MANAGED_EXTRA_KEYS: Final = frozenset(
    {
        "honor_labels",
        "honor_timestamps",
        "track_timestamps_staleness",
        "params",
        "scrape_protocols",
        "fallback_scrape_protocol",
        "enable_compression",
        "body_size_limit",
        "sample_limit",
        "target_limit",
        "label_limit",
        "label_name_length_limit",
        "label_value_length_limit",
        "keep_dropped_targets",
        "bearer_token_file",
    }
)
"""The scrape-config options beyond the typed fields that the managed scraper's allowed
sections hold: plain options of ``<scrape_config>`` itself, and ``bearer_token_file``
(the AWS sample configuration uses it, with the service account's token)."""
_TYPED_KEYS: Final = frozenset(
    {
        "job_name",
        "scrape_interval",
        "scrape_timeout",
        "metrics_path",
        "scheme",
        "static_configs",
        "kubernetes_sd_configs",
        "relabel_configs",
        "metric_relabel_configs",
        "authorization",
    }
)


def _re2_options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # a refused pattern is reported as a problem, not logged
    return options


_RE2_OPTIONS: Final = _re2_options()
_TARGET: Final = re.compile(
    r"\[(?P<ip6>[^\]]+)\](?::(?P<port6>[0-9]+))?|(?P<host>[^:\[\]/]+)(?::(?P<port>[0-9]+))?"
)
_TARGET_LABEL_WITH_VARS: Final = re.compile(r"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+")
_RELABEL_TEXT_KEYS: Final = ("separator", "regex", "target_label", "replacement")
"""Relabel settings Prometheus reads as text."""


@dataclass(frozen=True)
class ScrapeJob:
    """One Prometheus ``scrape_config`` as the blueprint file gives it (plain data).

    Attributes
    ----------
    job_name
        The job's name, unique among the jobs; Prometheus sets it as the ``job`` label.
    scrape_interval, scrape_timeout
        Prometheus durations (``30s``, ``1m``); default the global interval (30s) and
        the smaller of 10s and the interval.
    metrics_path
        The HTTP path of the metrics (default ``/metrics``).
    scheme
        ``http`` (the default) or ``https``.
    static_targets
        ``host:port`` targets (``static_configs``); the managed scraper takes IP
        addresses and ``kubernetes.default.svc`` only.
    static_labels
        Labels added to the static targets.
    kubernetes_sd_roles
        Kubernetes service discovery roles (``kubernetes_sd_configs``), one config each.
    relabel_configs, metric_relabel_configs
        Prometheus relabel rules, as mappings (``source_labels``, ``regex``, ``action``...).
    authorization
        Prometheus' ``authorization`` mapping (``type``, ``credentials_file``), if any.
    extra
        Other ``<scrape_config>`` options, written as given (``honor_labels``,
        ``params``, ``sample_limit``...).
    """

    job_name: str
    scrape_interval: str | None = None
    scrape_timeout: str | None = None
    metrics_path: str | None = None
    scheme: str | None = None
    static_targets: tuple[str, ...] = ()
    static_labels: Mapping[str, str] = field(default_factory=dict)
    kubernetes_sd_roles: tuple[str, ...] = ()
    relabel_configs: tuple[Mapping[str, object], ...] = ()
    metric_relabel_configs: tuple[Mapping[str, object], ...] = ()
    authorization: Mapping[str, object] | None = None
    extra: Mapping[str, object] = field(default_factory=dict)

    def to_prometheus(self) -> dict[str, object]:
        """Return the job as a Prometheus ``<scrape_config>`` mapping (unset options left out)."""
        config: dict[str, object] = {"job_name": self.job_name}
        for key in ("scrape_interval", "scrape_timeout", "metrics_path", "scheme"):
            if (value := getattr(self, key)) is not None:
                config[key] = value
        if self.authorization is not None:
            config["authorization"] = dict(self.authorization)
        if self.static_targets:
            static: dict[str, object] = {"targets": list(self.static_targets)}
            if self.static_labels:
                static["labels"] = dict(self.static_labels)
            config["static_configs"] = [static]
        if self.kubernetes_sd_roles:
            config["kubernetes_sd_configs"] = [{"role": role} for role in self.kubernetes_sd_roles]
        if self.relabel_configs:
            config["relabel_configs"] = [dict(rule) for rule in self.relabel_configs]
        if self.metric_relabel_configs:
            config["metric_relabel_configs"] = [dict(rule) for rule in self.metric_relabel_configs]
        config.update(self.extra)
        return config


# --- Checking jobs -------------------------------------------------------------


def scrape_job_problems(
    jobs: Sequence[ScrapeJob],
    *,
    managed_scraper: bool,
    global_interval: str = DEFAULT_SCRAPE_INTERVAL,
) -> list[Problem]:
    """Return every problem of ``jobs`` (locations such as ``jobs[1].scrape_timeout``).

    Parameters
    ----------
    jobs
        The scrape jobs, in file order.
    managed_scraper
        Whether they go to the AWS managed scraper (its limits apply) rather than to
        an ADOT collector (any Prometheus scrape configuration).
    global_interval
        The global scrape interval the configuration is written with, which jobs
        without their own interval use.
    """
    problems: list[Problem] = []
    if not jobs:
        problems.append(Problem("jobs", "no scrape job; give at least one job with targets"))
    global_ms = duration_ms(global_interval) or 60_000
    first: dict[str, int] = {}
    for index, job in enumerate(jobs):
        where = f"jobs[{index}]"
        problems += _job_problems(job, where, managed_scraper=managed_scraper, global_ms=global_ms)
        if job.job_name in first:
            problems.append(
                Problem(
                    f"{where}.job_name",
                    f"{cut(job.job_name)!r} is also the name of jobs[{first[job.job_name]}]; "
                    "job names are unique (Prometheus refuses multiple scrape configs with one "
                    "job name)",
                )
            )
        elif job.job_name:
            first[job.job_name] = index
    return problems


def _job_problems(
    job: ScrapeJob, where: str, *, managed_scraper: bool, global_ms: int
) -> list[Problem]:
    problems: list[Problem] = []
    if not job.job_name.strip():
        problems.append(
            Problem(f"{where}.job_name", "is empty; a scrape job needs a name (its job label)")
        )
    interval_ms = global_ms
    if job.scrape_interval is not None:
        if message := check_duration(job.scrape_interval):
            problems.append(Problem(f"{where}.scrape_interval", message))
        else:
            interval_ms = duration_ms(job.scrape_interval) or global_ms
    if managed_scraper and interval_ms < MANAGED_MIN_INTERVAL_MS:
        shown = job.scrape_interval if job.scrape_interval is not None else "the global interval"
        problems.append(
            Problem(
                f"{where}.scrape_interval",
                f"{shown} is shorter than the managed scraper allows; it scrapes at most every "
                "30s (scrape_interval: 30s or longer)",
            )
        )
    if job.scrape_timeout is not None:
        if message := check_duration(job.scrape_timeout):
            problems.append(Problem(f"{where}.scrape_timeout", message))
        elif (duration_ms(job.scrape_timeout) or 0) > interval_ms:
            source = (
                f"scrape_interval {job.scrape_interval}"
                if job.scrape_interval is not None and duration_ms(job.scrape_interval)
                else f"global scrape interval {_shown_ms(global_ms)}"
            )
            problems.append(
                Problem(
                    f"{where}.scrape_timeout",
                    f"{job.scrape_timeout} is longer than the {source}; Prometheus refuses a "
                    "scrape timeout greater than the scrape interval: use at most "
                    f"{_shown_ms(interval_ms)}, or scrape less often",
                )
            )
    if job.metrics_path is not None and not job.metrics_path.startswith("/"):
        problems.append(
            Problem(
                f"{where}.metrics_path",
                f"{cut(job.metrics_path)!r} is not a path; it starts with / (default /metrics)",
            )
        )
    if job.scheme is not None and job.scheme not in SCHEMES:
        problems.append(
            Problem(f"{where}.scheme", f"{cut(job.scheme)!r} is not a scheme; use http or https")
        )
    problems += _target_problems(job, where, managed_scraper=managed_scraper)
    for index, rule in enumerate(job.relabel_configs):
        problems += relabel_problems(rule, f"{where}.relabel_configs[{index}]")
    for index, rule in enumerate(job.metric_relabel_configs):
        problems += relabel_problems(rule, f"{where}.metric_relabel_configs[{index}]")
    problems += _authorization_problems(job, where, managed_scraper=managed_scraper)
    problems += _extra_problems(job, where, managed_scraper=managed_scraper)
    return problems


def _shown_ms(milliseconds: int) -> str:
    if milliseconds % 60_000 == 0:
        return f"{milliseconds // 60_000}m"
    if milliseconds % 1000 == 0:
        return f"{milliseconds // 1000}s"
    return f"{milliseconds}ms"


def _target_problems(job: ScrapeJob, where: str, *, managed_scraper: bool) -> list[Problem]:
    problems: list[Problem] = []
    other_discovery = any(key.endswith("_sd_configs") for key in job.extra)
    if not job.static_targets and not job.kubernetes_sd_roles and not other_discovery:
        problems.append(
            Problem(
                where,
                f"job {cut(job.job_name)!r} has no targets; give static_targets (host:port) or "
                "kubernetes_sd_roles (" + ", ".join(KUBERNETES_ROLES) + ")",
            )
        )
    for index, target in enumerate(job.static_targets):
        if message := check_target(target, managed_scraper=managed_scraper):
            problems.append(Problem(f"{where}.static_targets[{index}]", message))
    for name in job.static_labels:
        if not LABEL_NAME_RE.fullmatch(name):
            problems.append(
                Problem(
                    f"{where}.static_labels",
                    f"{cut(name)!r} is not a label name; {LABEL_NAME_RULE}",
                )
            )
    for index, role in enumerate(job.kubernetes_sd_roles):
        if role not in KUBERNETES_ROLES:
            problems.append(
                Problem(
                    f"{where}.kubernetes_sd_roles[{index}]",
                    f"{cut(role)!r} is not a Kubernetes discovery role; use one of "
                    + ", ".join(KUBERNETES_ROLES),
                )
            )
    return problems


def check_target(target: str, *, managed_scraper: bool) -> str | None:
    """Return what is wrong with a static target (``host:port``), or None."""
    if "/" in target:
        return (
            f"{cut(target)!r} is not a valid host name; a target is host:port without a scheme "
            "or path (set scheme: and metrics_path: on the job)"
        )
    match = _TARGET.fullmatch(target)
    if not target or match is None:
        return f"{cut(target)!r} is not a target; write host:port, such as 10.0.1.15:9100"
    port = match.group("port") or match.group("port6")
    if port is not None and not 1 <= int(port) <= 65535:
        return f"{cut(target)!r} has port {port}; a port is 1 to 65535"
    host = match.group("ip6") or match.group("host") or ""
    if not managed_scraper or host == MANAGED_HOST_NAME:
        return None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return (
            f"{cut(target)!r} names a host; the managed scraper takes static targets by IP "
            f"address only ({MANAGED_HOST_NAME} is the one name it resolves): write the IP "
            "address, or find the targets with kubernetes_sd_roles"
        )
    return None


def relabel_problems(rule: Mapping[str, object], where: str) -> list[Problem]:
    """Return what Prometheus would refuse in one relabel rule (``model/relabel/relabel.go``).

    Keys, the action (one of :data:`RELABEL_ACTIONS`, any case), the text of
    ``regex``, ``separator``, ``replacement`` and ``target_label``, label names in
    ``source_labels`` and ``target_label``, the fields each action needs or refuses,
    and the ``regex`` compiled as Prometheus compiles it (:func:`check_relabel_regex`).
    """
    problems: list[Problem] = []
    for key in rule:
        if key not in RELABEL_KEYS:
            problems.append(
                Problem(
                    f"{where}.{key}",
                    f"unknown key {cut(str(key))!r}; a relabel rule has " + ", ".join(RELABEL_KEYS),
                )
            )
    for key in _RELABEL_TEXT_KEYS:
        if key in rule and not isinstance(rule[key], str):
            problems.append(
                Problem(
                    f"{where}.{key}",
                    f"{cut(repr(rule[key]))} is not text; {key} is a string (quote it in YAML: "
                    f'{key}: "...")',
                )
            )
    raw_action = rule.get("action", "replace")
    action = raw_action.lower() if isinstance(raw_action, str) else ""
    if action not in RELABEL_ACTIONS:
        problems.append(
            Problem(
                f"{where}.action",
                f"{cut(repr(raw_action))} is not a relabel action; use one of "
                + ", ".join(RELABEL_ACTIONS),
            )
        )
        return problems
    sources = rule.get("source_labels", [])
    if not isinstance(sources, Sequence) or isinstance(sources, str):
        problems.append(
            Problem(
                f"{where}.source_labels",
                f"{cut(repr(sources))} is not a list; source_labels is a list of label names, "
                "such as [__meta_kubernetes_pod_label_app]",
            )
        )
    else:
        for index, name in enumerate(sources):
            if not isinstance(name, str) or not LABEL_NAME_RE.fullmatch(name):
                problems.append(
                    Problem(
                        f"{where}.source_labels[{index}]",
                        f"{cut(repr(name))} is not a label name; {LABEL_NAME_RULE}",
                    )
                )
    regex = rule.get("regex")
    if isinstance(regex, str) and (message := check_relabel_regex(regex)):
        problems.append(Problem(f"{where}.regex", message))
    target = rule.get("target_label", "")
    target = target if isinstance(target, str) else ""
    needs_target = ("replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal")
    if action in needs_target and "target_label" not in rule:
        problems.append(
            Problem(where, f"the {action} action needs a target_label (the label it writes)")
        )
    elif action in needs_target and isinstance(rule.get("target_label"), str) and not target:
        problems.append(
            Problem(
                f"{where}.target_label",
                f"is empty; the {action} action writes a label: give its name ({LABEL_NAME_RULE})",
            )
        )
    elif target and action == "replace" and not _TARGET_LABEL_WITH_VARS.fullmatch(target):
        problems.append(
            Problem(
                f"{where}.target_label",
                f"{cut(target)!r} is not a label name (with $1 or ${{name}} groups); "
                + LABEL_NAME_RULE,
            )
        )
    elif target and action in needs_target[1:] and not LABEL_NAME_RE.fullmatch(target):
        problems.append(
            Problem(
                f"{where}.target_label", f"{cut(target)!r} is not a label name; {LABEL_NAME_RULE}"
            )
        )
    replacement = rule.get("replacement")
    if (
        action == "labelmap"
        and isinstance(replacement, str)
        and not _TARGET_LABEL_WITH_VARS.fullmatch(replacement)
    ):
        problems.append(
            Problem(
                f"{where}.replacement",
                f"{cut(replacement)!r} is not a label name (with $1 or ${{name}} groups); the "
                f"labelmap action writes labels named by its replacement: {LABEL_NAME_RULE}",
            )
        )
    modulus = rule.get("modulus")
    if action == "hashmod" and (
        not isinstance(modulus, int) or isinstance(modulus, bool) or modulus <= 0
    ):
        problems.append(Problem(f"{where}.modulus", "the hashmod action needs a modulus above 0"))
    if action in ("labeldrop", "labelkeep"):
        extra = sorted(k for k in rule if k not in ("regex", "action"))
        if extra:
            problems.append(
                Problem(
                    where,
                    f"the {action} action takes only regex; remove " + ", ".join(extra),
                )
            )
    if action in ("keepequal", "dropequal", "lowercase", "uppercase") and "replacement" in rule:
        problems.append(
            Problem(f"{where}.replacement", f"the {action} action takes no replacement")
        )
    if action in ("keepequal", "dropequal"):
        extra = sorted(k for k in rule if k in ("regex", "modulus", "separator"))
        if extra:
            problems.append(
                Problem(
                    where,
                    f"the {action} action takes only source_labels and target_label; remove "
                    + ", ".join(extra),
                )
            )
    return problems


def check_relabel_regex(regex: str) -> str | None:
    """Return why Prometheus would not compile a relabel ``regex``, or None.

    Prometheus compiles it with Go's ``regexp`` (RE2 syntax), anchored at both ends:
    ``^(?s:REGEX)$`` (``model/relabel/relabel.go`` ``NewRegexp``; ``^(?:REGEX)$``
    before 3.0, which compiles alike). So Perl's lookarounds (``(?=``, ``(?!``,
    ``(?<=``), backreferences (``\\1``), possessive and atomic forms are refused
    (https://github.com/google/re2/wiki/Syntax). A pattern only RE2's memory bound
    refuses passes: Go's compiler has other limits.
    """
    try:
        re2.compile(f"^(?s:{regex})$", _RE2_OPTIONS)
    except re2.error as error:
        detail = error.args[0] if error.args else error
        text = detail.decode() if isinstance(detail, bytes) else str(detail)
        if "too large" in text:
            return None
        return (
            f"{cut(regex)!r} is not a regular expression Prometheus compiles ({text}); "
            "relabel regexes are RE2 syntax, anchored at both ends: no lookarounds such as "
            "(?=...) or (?!...), no backreferences such as \\1 "
            "(https://github.com/google/re2/wiki/Syntax)"
        )
    return None


def _authorization_problems(job: ScrapeJob, where: str, *, managed_scraper: bool) -> list[Problem]:
    """Check ``authorization`` as Prometheus' HTTP client settings do (prometheus/common
    ``config/http_config.go`` ``Validate``), then the managed scraper's one form."""
    auth = job.authorization
    if auth is None:
        return []
    at = f"{where}.authorization"
    problems: list[Problem] = []
    for key in auth:
        if key not in ("type", "credentials", "credentials_file"):
            problems.append(
                Problem(
                    f"{at}.{key}",
                    f"unknown key {cut(str(key))!r}; authorization has type, credentials, "
                    "credentials_file",
                )
            )
    for key in ("type", "credentials", "credentials_file"):
        if key in auth and not isinstance(auth[key], str):
            problems.append(
                Problem(f"{at}.{key}", f"{cut(repr(auth[key]))} is not text; {key} is a string")
            )
    kind = auth.get("type", "Bearer")
    kind = (kind.strip() or "Bearer") if isinstance(kind, str) else "Bearer"
    if kind.lower() == "basic":
        problems.append(
            Problem(
                f"{at}.type",
                f"{kind!r}: Prometheus refuses authorization of type Basic; use basic_auth "
                "(username, password_file) instead",
            )
        )
    if "credentials" in auth and "credentials_file" in auth:
        problems.append(Problem(at, "give credentials or credentials_file, not both"))
    elif auth.get("credentials_file") == "":
        problems.append(
            Problem(f"{at}.credentials_file", "is empty; give the path of the credentials file")
        )
    clashing = [key for key in ("bearer_token", "bearer_token_file") if key in job.extra]
    if clashing:
        problems.append(
            Problem(
                at,
                "Prometheus refuses authorization together with "
                + " and ".join(clashing)
                + "; keep authorization (type: Bearer, credentials_file) and remove "
                + " and ".join(clashing),
            )
        )
    others = [key for key in ("basic_auth", "oauth2") if key in job.extra]
    if others:
        problems.append(
            Problem(
                at,
                "Prometheus takes at most one of basic_auth, oauth2 and authorization; remove "
                + " and ".join(others)
                + " or authorization",
            )
        )
    if managed_scraper and (
        kind != "Bearer"
        or "credentials" in auth
        or auth.get("credentials_file") != SERVICE_ACCOUNT_TOKEN
    ):
        given = ", ".join(
            f"{key} {cut(str(auth[key]))!r}" if key != "credentials" else "credentials"
            for key in ("type", "credentials", "credentials_file")
            if key in auth
        )
        problems.append(
            Problem(
                at,
                f"{given or 'an empty mapping'}: the managed scraper takes authorization only as "
                f"type: Bearer with credentials_file: {SERVICE_ACCOUNT_TOKEN} (the scraper's "
                "service account token); remove authorization if the target needs none",
            )
        )
    return problems


def _extra_problems(job: ScrapeJob, where: str, *, managed_scraper: bool) -> list[Problem]:
    problems: list[Problem] = []
    for key, value in job.extra.items():
        place = f"{where}.{key}"
        if key in _TYPED_KEYS:
            problems.append(
                Problem(place, f"set {key} with the job's own field, not among the extra options")
            )
        elif key.endswith("_sd_configs"):
            if managed_scraper:
                problems.append(
                    Problem(
                        place,
                        "the managed scraper discovers targets with kubernetes_sd_configs only "
                        "(Amazon EKS is its only source); use kubernetes_sd_roles",
                    )
                )
        elif key not in SCRAPE_CONFIG_KEYS:
            problems.append(
                Problem(
                    place, f"unknown key {cut(key)!r}; it is not a Prometheus scrape_config option"
                )
            )
        elif managed_scraper and key not in MANAGED_EXTRA_KEYS:
            problems.append(
                Problem(
                    place,
                    f"the managed scraper does not take {key}; its configuration holds only the "
                    "global, scrape_config, static_config, relabel_config, "
                    "metric_relabel_configs and kubernetes_sd_config sections",
                )
            )
        elif managed_scraper and key == "bearer_token_file" and value != SERVICE_ACCOUNT_TOKEN:
            problems.append(
                Problem(
                    place,
                    f"the managed scraper reads only the service account token "
                    f"({SERVICE_ACCOUNT_TOKEN})",
                )
            )
    return problems


# --- Writing configurations ------------------------------------------------------


def scraper_configuration(
    jobs: Sequence[ScrapeJob], *, global_interval: str = DEFAULT_SCRAPE_INTERVAL
) -> str:
    """Return the scrape configuration YAML an AWS::APS::Scraper holds (before base64).

    Check the jobs with ``scrape_job_problems(jobs, managed_scraper=True)`` first. The
    managed scraper reads ``$`` as written (no ``$$`` escaping, unlike a collector).
    """
    return yaml_text(_prometheus_config(jobs, global_interval))


def _prometheus_config(jobs: Sequence[ScrapeJob], global_interval: str) -> dict[str, object]:
    return {
        "global": {"scrape_interval": global_interval},
        "scrape_configs": [job.to_prometheus() for job in jobs],
    }


SIGV4_EXTENSION: Final = "sigv4auth"
REMOTE_WRITE_EXPORTER: Final = "prometheusremotewrite"
BATCH_PROCESSOR: Final = "batch/metrics"


def adot_collector_config(
    jobs: Sequence[ScrapeJob],
    *,
    remote_write_url: str,
    region: str,
    global_interval: str = DEFAULT_SCRAPE_INTERVAL,
    batch_timeout: str = "60s",
) -> str:
    """Return an ADOT collector configuration scraping ``jobs`` into Managed Prometheus.

    The pipeline is the one of the ADOT documentation
    (https://aws-otel.github.io/docs/getting-started/prometheus-remote-write-exporter):
    the ``prometheus`` receiver with the jobs, a ``batch`` processor, and the
    ``prometheusremotewrite`` exporter signing with the ``sigv4auth`` extension for the
    service ``aps`` ("It is mandatory that customers specify the service to be 'aps'").
    The collector expands ``$`` in its configuration, so every ``$`` of the jobs (relabel
    replacements such as ``$1``) is written ``$$``.

    Parameters
    ----------
    jobs
        Checked with ``scrape_job_problems(jobs, managed_scraper=False)`` first.
    remote_write_url
        The workspace's remote-write URL (``https://aps-workspaces.REGION.amazonaws.com/
        workspaces/ID/api/v1/remote_write``); an unresolved CDK token is written as it is.
    region
        The workspace's Region, for SigV4 (an unresolved token is written as it is).

    Raises
    ------
    BlueprintError
        When the URL is not an https URL or the Region is not one (tokens are not read).
    """
    problems: list[Problem] = []
    if not is_unresolved(remote_write_url):
        parts = urlsplit(remote_write_url)
        if parts.scheme != "https" or not parts.netloc:
            problems.append(
                Problem(
                    "remote_write_url",
                    f"{cut(remote_write_url)!r} is not an https URL; use the workspace's "
                    "remote-write URL (https://aps-workspaces.REGION.amazonaws.com/workspaces/"
                    "ID/api/v1/remote_write)",
                )
            )
    if not is_unresolved(region) and (message := check_region(region)):
        problems.append(Problem("region", message))
    for where, value in (("global_interval", global_interval), ("batch_timeout", batch_timeout)):
        if message := check_duration(value):
            problems.append(Problem(where, message))
    if problems:
        raise BlueprintError(problems)
    config: dict[str, object] = {
        "extensions": {SIGV4_EXTENSION: {"region": region, "service": "aps"}},
        "receivers": {
            "prometheus": {"config": _escape_dollars(_prometheus_config(jobs, global_interval))}
        },
        "processors": {BATCH_PROCESSOR: {"timeout": batch_timeout}},
        "exporters": {
            REMOTE_WRITE_EXPORTER: {
                "endpoint": remote_write_url,
                "auth": {"authenticator": SIGV4_EXTENSION},
            }
        },
        "service": {
            "extensions": [SIGV4_EXTENSION],
            "pipelines": {
                "metrics": {
                    "receivers": ["prometheus"],
                    "processors": [BATCH_PROCESSOR],
                    "exporters": [REMOTE_WRITE_EXPORTER],
                }
            },
        },
    }
    return yaml_text(config)


def _escape_dollars(value: object) -> object:
    if isinstance(value, str):
        return value.replace("$", "$$")
    if isinstance(value, Mapping):
        return {key: _escape_dollars(item) for key, item in value.items()}
    if isinstance(value, Sequence):
        return [_escape_dollars(item) for item in value]
    return value


# --- Checking a collector configuration -----------------------------------------

_SECTIONS: Final = ("receivers", "processors", "exporters")


def collector_pipeline_problems(config: Mapping[str, object]) -> list[Problem]:
    """Return what keeps a parsed collector configuration from being a complete pipeline.

    Checks, as the OpenTelemetry Collector does when it starts, that every receiver,
    processor, exporter and extension that ``service`` names is defined in its
    section, that each exporter's ``auth.authenticator`` is an extension the service
    enables, and that at least one metrics pipeline runs from a receiver to an
    exporter. Locations are paths into the configuration
    (``service.pipelines.metrics.exporters[0]``).
    """
    problems: list[Problem] = []
    service = config.get("service")
    if not isinstance(service, Mapping):
        return [Problem("service", "the configuration has no service: section with pipelines")]
    defined = {section: _names(config.get(section)) for section in (*_SECTIONS, "extensions")}
    enabled = service.get("extensions", [])
    enabled_names = (
        [name for name in enabled if isinstance(name, str)] if isinstance(enabled, list) else []
    )
    if not isinstance(enabled, list):
        problems.append(Problem("service.extensions", "is a list of extension names"))
    for index, name in enumerate(enabled_names):
        if name not in defined["extensions"]:
            problems.append(
                Problem(
                    f"service.extensions[{index}]",
                    f"{cut(name)!r} is not defined under extensions:",
                )
            )
    pipelines = service.get("pipelines")
    if not isinstance(pipelines, Mapping) or not pipelines:
        return [*problems, Problem("service.pipelines", "the service has no pipelines")]
    complete = False
    used_exporters: set[str] = set()
    for pipeline, body in pipelines.items():
        where = f"service.pipelines.{pipeline}"
        if not isinstance(body, Mapping):
            problems.append(
                Problem(where, "a pipeline is a mapping of receivers, processors, exporters")
            )
            continue
        counts: dict[str, int] = {}
        for section in _SECTIONS:
            names = body.get(section, [])
            if not isinstance(names, list):
                problems.append(Problem(f"{where}.{section}", "is a list of component names"))
                continue
            counts[section] = len(names)
            for index, name in enumerate(names):
                if name not in defined[section]:
                    problems.append(
                        Problem(
                            f"{where}.{section}[{index}]",
                            f"{cut(str(name))!r} is not defined under {section}:",
                        )
                    )
                elif section == "exporters":
                    used_exporters.add(str(name))
        for section in ("receivers", "exporters"):
            if not counts.get(section):
                problems.append(Problem(where, f"the pipeline has no {section}"))
        kind = str(pipeline).split("/", 1)[0]
        if kind == "metrics" and counts.get("receivers") and counts.get("exporters"):
            complete = True
    if not complete:
        problems.append(
            Problem(
                "service.pipelines",
                "no metrics pipeline runs from a receiver to an exporter; add "
                "metrics: {receivers: [prometheus], exporters: [prometheusremotewrite]}",
            )
        )
    exporters = config.get("exporters")
    for name in sorted(used_exporters):
        settings = exporters.get(name) if isinstance(exporters, Mapping) else None
        problems += _exporter_problems(name, settings, enabled_names, config.get("extensions"))
    return problems


def _names(section: object) -> set[str]:
    return {str(name) for name in section} if isinstance(section, Mapping) else set()


def _exporter_problems(
    name: str, settings: object, enabled: list[str], extensions: object
) -> list[Problem]:
    where = f"exporters.{name}"
    problems: list[Problem] = []
    if not isinstance(settings, Mapping):
        settings = {}
    auth = settings.get("auth")
    if isinstance(auth, Mapping):
        authenticator = auth.get("authenticator")
        if authenticator not in enabled:
            problems.append(
                Problem(
                    f"{where}.auth.authenticator",
                    f"{cut(str(authenticator))!r} is not an extension the service enables; add it "
                    "to extensions: and service.extensions",
                )
            )
        elif str(authenticator).split("/", 1)[0] == SIGV4_EXTENSION:
            signing = extensions.get(authenticator) if isinstance(extensions, Mapping) else None
            service = signing.get("service") if isinstance(signing, Mapping) else None
            if name.split("/", 1)[0] == REMOTE_WRITE_EXPORTER and service != "aps":
                problems.append(
                    Problem(
                        f"extensions.{authenticator}.service",
                        f"{cut(str(service))!r} is not aps; writes to Amazon Managed Service for "
                        "Prometheus are signed for the service aps",
                    )
                )
    if name.split("/", 1)[0] == REMOTE_WRITE_EXPORTER:
        if not settings.get("endpoint"):
            problems.append(
                Problem(f"{where}.endpoint", "the remote-write exporter needs an endpoint")
            )
        if not isinstance(auth, Mapping):
            problems.append(
                Problem(
                    f"{where}.auth",
                    "Amazon Managed Service for Prometheus takes only SigV4-signed writes; set "
                    f"auth: {{authenticator: {SIGV4_EXTENSION}}}",
                )
            )
    return problems


# ------------------------------------------------- the managed scraper's cluster

AuthenticationMode = Literal["API", "API_AND_CONFIG_MAP", "CONFIG_MAP"]
"""An EKS cluster's ``accessConfig.authenticationMode``."""

AUTHENTICATION_MODES: Final[tuple[AuthenticationMode, ...]] = get_args(AuthenticationMode)

API_MODES: Final[tuple[AuthenticationMode, ...]] = ("API", "API_AND_CONFIG_MAP")
"""The modes in which Managed Prometheus creates the scraper's EKS access entry itself."""

SUBNETS_MIN: Final = 2
""""You must include at least two subnets, in at least two availability zones"

(AMP-collector-how-to; the API and the CloudFormation schema take one: the guide wins)."""

SUBNETS_MAX: Final = 5
"""CreateScraper ``subnetIds``: at most 5 (botocore ``amp`` SubnetIds)."""

SECURITY_GROUPS_MAX: Final = 5

_SUBNET_RE: Final = re.compile(r"subnet-[0-9a-z]+")

_SECURITY_GROUP_RE: Final = re.compile(r"sg-[0-9a-z]+")
# EKS CreateCluster name: 1 to 100 letters, digits, - and _, starting with a letter or
# digit (see rules.containers.check_eks_cluster_name).
EKS_CLUSTER: Final = arns.ArnKind(
    "an EKS cluster",
    "eks",
    "cluster",
    "arn:aws:eks:REGION:ACCOUNT:cluster/NAME",
    re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,99}"),
)

GUIDE: Final = "https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html"

CONFIG_MAP_MESSAGE: Final = (
    "'CONFIG_MAP' is an authentication mode the managed scraper cannot use from "
    "CloudFormation. The scraper reaches the cluster with a role that Managed Prometheus "
    "creates when the scraper is created; in API or API_AND_CONFIG_MAP mode it also creates "
    "the EKS access entry that lets that role read metrics, but a cluster on the aws-auth "
    "ConfigMap alone needs the role mapped in that ConfigMap, by kubectl, after the scraper "
    "exists, and CloudFormation cannot edit a ConfigMap. Set the cluster's authentication "
    "mode to API_AND_CONFIG_MAP (aws eks update-cluster-config --name CLUSTER "
    "--access-config authenticationMode=API_AND_CONFIG_MAP; existing aws-auth entries keep "
    "working, and the change cannot be undone) and give authentication_mode "
    "'API_AND_CONFIG_MAP'"
)

PRIVATE_ACCESS_MESSAGE: Final = (
    "is false: the cluster's private endpoint access is off; the managed scraper reaches the "
    "API server through the cluster's private endpoint, so Managed Prometheus requires it "
    "(public access may stay on). Turn it on (aws eks update-cluster-config --name CLUSTER "
    "--resources-vpc-config endpointPrivateAccess=true) and set endpoint_private_access to true"
)


def scraper_cluster_problems(
    *,
    cluster_arn: str,
    subnet_ids: Sequence[str],
    security_group_ids: Sequence[str],
    authentication_mode: str | None,
    endpoint_private_access: bool | None,
    place: arns.Place,
) -> list[Problem]:
    """Return why a managed scraper cannot scrape the cluster as stated (locations relative).

    Pure (no CDK): the blueprint file's checks can call it too. ``place`` is where
    the scraper is deployed (its stack's Region and account; unknown parts skip
    those checks). Values that are CDK tokens as a whole pass.
    """
    problems: list[Problem] = []
    if not cluster_arn:
        problems.append(
            Problem(
                "cluster_arn",
                f"is empty; give the cluster's ARN, {EKS_CLUSTER.form} (aws eks describe-cluster "
                "--name CLUSTER --query cluster.arn)",
            )
        )
    elif message := arns.arn_problem(
        cluster_arn,
        [EKS_CLUSTER],
        place=place,
        same_region="the cluster, the scraper and the workspace must be in one Region",
        same_account=(
            "a scraper for a cluster of another account needs a role in that account "
            f"({GUIDE}, Cross-account setup), which this construct does not make"
        ),
    ):
        problems.append(Problem("cluster_arn", message))
    if authentication_mode is None:
        problems.append(
            Problem(
                "authentication_mode",
                "is not given; state the cluster's authentication mode (API or "
                "API_AND_CONFIG_MAP; aws eks describe-cluster --name CLUSTER --query "
                "cluster.accessConfig.authenticationMode): synthesis looks nothing up, and "
                "the scraper needs API authentication",
            )
        )
    elif authentication_mode == "CONFIG_MAP":
        problems.append(Problem("authentication_mode", CONFIG_MAP_MESSAGE))
    elif authentication_mode not in API_MODES:
        problems.append(
            Problem(
                "authentication_mode",
                f"{cut(str(authentication_mode))!r} is not an EKS authentication mode; use "
                + ", ".join(AUTHENTICATION_MODES)
                + " (the scraper needs API or API_AND_CONFIG_MAP)",
            )
        )
    if endpoint_private_access is None:
        problems.append(
            Problem(
                "endpoint_private_access",
                "is not given; state whether the cluster's private endpoint access is on "
                "(aws eks describe-cluster --name CLUSTER --query "
                "cluster.resourcesVpcConfig.endpointPrivateAccess): the scraper needs it on",
            )
        )
    elif not endpoint_private_access:
        problems.append(Problem("endpoint_private_access", PRIVATE_ACCESS_MESSAGE))
    problems += _id_list_problems(
        "subnet_ids",
        subnet_ids,
        pattern=_SUBNET_RE,
        example="subnet-0a1b2c3d",
        minimum=SUBNETS_MIN,
        maximum=SUBNETS_MAX,
        why=(
            "the scraper needs at least two of the cluster's subnets, in at least two "
            "Availability Zones"
        ),
    )
    if security_group_ids:
        problems += _id_list_problems(
            "security_group_ids",
            security_group_ids,
            pattern=_SECURITY_GROUP_RE,
            example="sg-0a1b2c3d",
            minimum=1,
            maximum=SECURITY_GROUPS_MAX,
            why="give the cluster's security groups",
        )
    return problems


def _id_list_problems(
    location: str,
    ids: Sequence[str],
    *,
    pattern: re.Pattern[str],
    example: str,
    minimum: int,
    maximum: int,
    why: str,
) -> list[Problem]:
    """Return the problems of a list of subnet or security group ids."""
    if not minimum <= len(ids) <= maximum:
        return [
            Problem(
                location,
                f"has {len(ids)} id{'' if len(ids) == 1 else 's'}; give {minimum} to {maximum}: "
                f"{why}",
            )
        ]
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, value in enumerate(ids):
        if arns.is_unresolved(value):
            continue
        if not pattern.fullmatch(value):
            problems.append(
                Problem(
                    f"{location}[{index}]",
                    f"{cut(value)!r} is not an id of this kind; give one such as {example}",
                )
            )
        elif value in seen:
            problems.append(Problem(f"{location}[{index}]", f"{value!r} is given twice"))
        seen.add(value)
    return problems
