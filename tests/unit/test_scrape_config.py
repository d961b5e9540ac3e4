"""Scrape jobs checked as Prometheus' configuration loader and the AWS managed scraper check
them, the configurations written for both, and an ADOT pipeline parsed back and checked.

The managed scraper's limits are those of
https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html
("Scraper configuration"); expected documents are written by hand.
"""

from __future__ import annotations

import doctest
from typing import Any

import pytest
import yaml

from observability_blueprint.rules import yaml_text as yaml_text_module
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.scrape_config import (
    SERVICE_ACCOUNT_TOKEN,
    ScrapeJob,
    adot_collector_config,
    check_target,
    collector_pipeline_problems,
    relabel_problems,
    scrape_job_problems,
    scraper_configuration,
)
from observability_blueprint.rules.yaml_text import yaml_text

NODE_EXPORTER = ScrapeJob(
    "node",
    static_targets=("10.0.1.15:9100", "[2001:db8::1]:9100"),
    static_labels={"env": "prod"},
)
PODS = ScrapeJob(
    "pods",
    scrape_interval="1m",
    scrape_timeout="20s",
    kubernetes_sd_roles=("pod",),
    relabel_configs=(
        {
            "source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"],
            "action": "keep",
            "regex": "true",
        },
        {
            "source_labels": ["__address__"],
            "regex": "(.+?)(\\:\\d+)?",
            "target_label": "__address__",
            "replacement": "$1:10249",
        },
    ),
)
CADVISOR = ScrapeJob(
    "cadvisor",
    scheme="https",
    metrics_path="/metrics/cadvisor",
    authorization={"type": "Bearer", "credentials_file": SERVICE_ACCOUNT_TOKEN},
    kubernetes_sd_roles=("node",),
    static_targets=("kubernetes.default.svc:443",),
    metric_relabel_configs=({"action": "labeldrop", "regex": "id"},),
    extra={"honor_labels": True},
)


# --------------------------------------------------------------------- valid jobs


@pytest.mark.parametrize("managed", [True, False])
def test_valid_jobs_pass(managed: bool) -> None:
    assert scrape_job_problems([NODE_EXPORTER, PODS, CADVISOR], managed_scraper=managed) == []


def test_an_adot_job_may_use_any_prometheus_option() -> None:
    job = ScrapeJob(
        "ec2",
        scrape_interval="10s",
        extra={
            "ec2_sd_configs": [{"region": "eu-west-1"}],
            "tls_config": {"insecure_skip_verify": False},
            "sample_limit": 1000,
        },
    )
    assert scrape_job_problems([job], managed_scraper=False) == []


# ------------------------------------------------------------- what Prometheus refuses


def test_a_scrape_timeout_longer_than_the_interval() -> None:
    jobs = [
        NODE_EXPORTER,
        ScrapeJob(
            "app", scrape_interval="30s", scrape_timeout="1m", static_targets=("10.0.0.1:80",)
        ),
    ]
    assert scrape_job_problems(jobs, managed_scraper=False) == [
        Problem(
            "jobs[1].scrape_timeout",
            "1m is longer than the scrape_interval 30s; Prometheus refuses a scrape timeout "
            "greater than the scrape interval: use at most 30s, or scrape less often",
        )
    ]


def test_a_scrape_timeout_longer_than_the_global_interval() -> None:
    job = ScrapeJob("app", scrape_timeout="45s", static_targets=("10.0.0.1:80",))
    assert scrape_job_problems([job], managed_scraper=False) == [
        Problem(
            "jobs[0].scrape_timeout",
            "45s is longer than the global scrape interval 30s; Prometheus refuses a scrape "
            "timeout greater than the scrape interval: use at most 30s, or scrape less often",
        )
    ]
    assert scrape_job_problems([job], managed_scraper=False, global_interval="1m") == []


def test_durations_names_and_targets() -> None:
    jobs = [
        ScrapeJob("", scrape_interval="5 m", static_targets=("http://10.0.0.1:80/metrics",)),
        ScrapeJob("web", scrape_timeout="1h30", metrics_path="metrics", scheme="ftp"),
        ScrapeJob("web", static_targets=("10.0.0.1:99999",), kubernetes_sd_roles=("pods",)),
    ]
    problems = scrape_job_problems(jobs, managed_scraper=False)
    assert [(p.location, p.message.split(";")[0]) for p in problems] == [
        ("jobs[0].job_name", "is empty"),
        ("jobs[0].scrape_interval", "'5 m' is not a duration: it has a space"),
        (
            "jobs[0].static_targets[0]",
            "'http://10.0.0.1:80/metrics' is not a valid host name",
        ),
        (
            "jobs[1].scrape_timeout",
            "'1h30' is not a duration: the number 30 at the end has no unit",
        ),
        ("jobs[1].metrics_path", "'metrics' is not a path"),
        ("jobs[1].scheme", "'ftp' is not a scheme"),
        (
            "jobs[1]",
            "job 'web' has no targets",
        ),
        ("jobs[2].static_targets[0]", "'10.0.0.1:99999' has port 99999"),
        (
            "jobs[2].kubernetes_sd_roles[0]",
            "'pods' is not a Kubernetes discovery role",
        ),
        ("jobs[2].job_name", "'web' is also the name of jobs[1]"),
    ]


def test_no_job_at_all() -> None:
    assert scrape_job_problems([], managed_scraper=True) == [
        Problem("jobs", "no scrape job; give at least one job with targets")
    ]


def test_unknown_options() -> None:
    job = ScrapeJob(
        "a", static_targets=("10.0.0.1:80",), extra={"scrape_intervall": "1m", "job_name": "b"}
    )
    assert [p.location for p in scrape_job_problems([job], managed_scraper=False)] == [
        "jobs[0].scrape_intervall",
        "jobs[0].job_name",
    ]


@pytest.mark.parametrize(
    ("rule", "location", "message"),
    [
        ({"action": "Keep", "regex": "a"}, None, None),
        ({"action": "explode"}, "r.action", "'explode' is not a relabel action"),
        ({"source_labels": ["a"]}, "r", "the replace action needs a target_label"),
        ({"target_label": "1x", "replacement": "y"}, "r.target_label", "'1x' is not a label name"),
        ({"target_label": "${1}_name"}, None, None),
        ({"action": "hashmod", "target_label": "shard"}, "r.modulus", "the hashmod action needs"),
        (
            {"action": "labeldrop", "regex": "a", "separator": ","},
            "r",
            "the labeldrop action takes",
        ),
        (
            {"action": "lowercase", "target_label": "a", "replacement": "b"},
            "r.replacement",
            "the lowercase action takes no",
        ),
        (
            {"source_labels": ["a-b"], "target_label": "x"},
            "r.source_labels[0]",
            "'a-b' is not a label name",
        ),
        ({"regexp": "a", "target_label": "x"}, "r.regexp", "unknown key 'regexp'"),
    ],
)
def test_relabel_rules(rule: dict[str, Any], location: str | None, message: str | None) -> None:
    problems = relabel_problems(rule, "r")
    if location is None:
        assert problems == []
    else:
        assert [p.location for p in problems] == [location]
        assert problems[0].message.startswith(message or "")


@pytest.mark.parametrize(
    ("rule", "location", "message"),
    [
        (
            {"source_labels": ["a"], "regex": "(?=x).*", "target_label": "b"},
            "r.regex",
            "'(?=x).*' is not a regular expression Prometheus compiles (invalid perl operator: "
            "(?=); relabel regexes are RE2 syntax, anchored at both ends: no lookarounds such as "
            "(?=...) or (?!...), no backreferences such as \\1 "
            "(https://github.com/google/re2/wiki/Syntax)",
        ),
        (
            {"source_labels": ["a"], "regex": "(a)\\1", "target_label": "b"},
            "r.regex",
            "'(a)\\\\1' is not a regular expression Prometheus compiles (invalid escape "
            "sequence: \\1); ",
        ),
        (
            {"action": "keep", "source_labels": ["a"], "regex": "[a-"},
            "r.regex",
            "'[a-' is not a regular expression Prometheus compiles (invalid character class range",
        ),
        (
            {"source_labels": ["a"], "regex": 200, "target_label": "b"},
            "r.regex",
            '200 is not text; regex is a string (quote it in YAML: regex: "...")',
        ),
        (
            {"source_labels": ["a", "b"], "separator": 1, "target_label": "c"},
            "r.separator",
            '1 is not text; separator is a string (quote it in YAML: separator: "...")',
        ),
        (
            {"source_labels": ["a"], "target_label": "b", "replacement": True},
            "r.replacement",
            "True is not text; replacement is a string",
        ),
        (
            {"source_labels": ["a"], "target_label": 7},
            "r.target_label",
            "7 is not text; target_label is a string",
        ),
        (
            {"source_labels": ["a"], "target_label": ""},
            "r.target_label",
            "is empty; the replace action writes a label: give its name (a label name is "
            "letters, digits and _",
        ),
        (
            {"source_labels": "app", "target_label": "b"},
            "r.source_labels",
            "'app' is not a list; source_labels is a list of label names",
        ),
        (
            {"action": ["keep"]},
            "r.action",
            "['keep'] is not a relabel action; use one of replace, keep, drop, keepequal, "
            "dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase",
        ),
        (
            {"action": "labelmap", "regex": "__meta_(.+)", "replacement": "k8s.$1"},
            "r.replacement",
            "'k8s.$1' is not a label name (with $1 or ${name} groups); the labelmap action "
            "writes labels named by its replacement",
        ),
        ({"action": "labelmap", "regex": "__meta_kubernetes_pod_label_(.+)"}, None, None),
        ({"source_labels": ["a"], "regex": "(?i)web-(\\d+)|api", "target_label": "b"}, None, None),
        # Prometheus anchors by concatenation, so this compiles there too: ^(?s:a)|(b)$.
        ({"source_labels": ["a"], "regex": "a)|(b", "target_label": "b"}, None, None),
    ],
)
def test_relabel_values_are_text_and_regexes_compile_as_prometheus_compiles(
    rule: dict[str, Any], location: str | None, message: str | None
) -> None:
    problems = relabel_problems(rule, "r")
    if location is None:
        assert problems == []
    else:
        assert [p.location for p in problems] == [location]
        assert problems[0].message.startswith(message or "")


def test_a_bad_relabel_regex_is_reported_at_its_job_and_rule() -> None:
    jobs = [
        ScrapeJob("ok", static_targets=("10.0.0.1:80",)),
        ScrapeJob(
            "pods",
            kubernetes_sd_roles=("pod",),
            relabel_configs=(
                {"source_labels": ["__meta_kubernetes_pod_label_app"], "action": "keep"},
                {"source_labels": ["a"], "regex": "(?!x)", "action": "drop"},
            ),
            metric_relabel_configs=({"action": "labeldrop", "regex": "(?<=a)b"},),
        ),
    ]
    problems = scrape_job_problems(jobs, managed_scraper=True)
    assert [p.location for p in problems] == [
        "jobs[1].relabel_configs[1].regex",
        "jobs[1].metric_relabel_configs[0].regex",
    ]
    assert problems[0].message.startswith("'(?!x)' is not a regular expression Prometheus compiles")


# ------------------------------------------------------------ the managed scraper


def test_the_managed_scraper_scrapes_at_most_every_30_seconds() -> None:
    jobs = [ScrapeJob("fast", scrape_interval="15s", kubernetes_sd_roles=("pod",))]
    assert scrape_job_problems(jobs, managed_scraper=True) == [
        Problem(
            "jobs[0].scrape_interval",
            "15s is shorter than the managed scraper allows; it scrapes at most every 30s "
            "(scrape_interval: 30s or longer)",
        )
    ]
    assert scrape_job_problems(jobs, managed_scraper=False) == []


@pytest.mark.parametrize(
    ("target", "managed", "ok"),
    [
        ("10.0.1.15:9100", True, True),
        ("[2001:db8::1]:9100", True, True),
        ("kubernetes.default.svc:443", True, True),
        ("10.0.1.15", True, True),
        ("node-exporter.monitoring.svc:9100", True, False),
        ("node-exporter.monitoring.svc:9100", False, True),
        ("localhost:9090", False, True),
        ("", False, False),
    ],
)
def test_static_targets(target: str, managed: bool, ok: bool) -> None:
    assert (check_target(target, managed_scraper=managed) is None) is ok


def test_a_host_name_target_says_what_the_scraper_resolves() -> None:
    assert check_target("app.internal:8080", managed_scraper=True) == (
        "'app.internal:8080' names a host; the managed scraper takes static targets by IP address "
        "only (kubernetes.default.svc is the one name it resolves): write the IP address, or find "
        "the targets with kubernetes_sd_roles"
    )


def test_the_managed_scraper_takes_only_the_service_account_bearer_token() -> None:
    jobs = [
        ScrapeJob(
            "a",
            kubernetes_sd_roles=("pod",),
            authorization={"credentials_file": SERVICE_ACCOUNT_TOKEN},
        ),
        ScrapeJob(
            "b", kubernetes_sd_roles=("pod",), authorization={"type": "Basic", "credentials": "x"}
        ),
        ScrapeJob("c", kubernetes_sd_roles=("pod",), extra={"bearer_token_file": "/etc/token"}),
    ]
    problems = scrape_job_problems(jobs, managed_scraper=True)
    assert [p.location for p in problems] == [
        "jobs[1].authorization.type",
        "jobs[1].authorization",
        "jobs[2].bearer_token_file",
    ]
    # The credentials themselves are not echoed.
    assert problems[1].message == (
        "type 'Basic', credentials: the managed scraper takes authorization only as type: "
        "Bearer with credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token (the "
        "scraper's service account token); remove authorization if the target needs none"
    )
    assert [p.location for p in scrape_job_problems(jobs[1:2], managed_scraper=False)] == [
        "jobs[0].authorization.type"
    ]


def test_the_managed_scraper_refuses_another_token_file_naming_it() -> None:
    job = ScrapeJob(
        "kubelet",
        kubernetes_sd_roles=("node",),
        scheme="https",
        authorization={"type": "Bearer", "credentials_file": "/etc/prometheus/token"},
    )
    (problem,) = scrape_job_problems([job], managed_scraper=True)
    assert problem == Problem(
        "jobs[0].authorization",
        "type 'Bearer', credentials_file '/etc/prometheus/token': the managed scraper takes "
        "authorization only as type: Bearer with credentials_file: "
        "/var/run/secrets/kubernetes.io/serviceaccount/token (the scraper's service account "
        "token); remove authorization if the target needs none",
    )
    assert scrape_job_problems([job], managed_scraper=False) == []


@pytest.mark.parametrize(
    ("authorization", "extra", "location", "message"),
    [
        (
            {"type": "basic", "credentials_file": "/t"},
            {},
            "jobs[0].authorization.type",
            "'basic': Prometheus refuses authorization of type Basic; use basic_auth "
            "(username, password_file) instead",
        ),
        (
            {"credentials_file": "/t"},
            {"bearer_token_file": "/u"},
            "jobs[0].authorization",
            "Prometheus refuses authorization together with bearer_token_file; keep "
            "authorization (type: Bearer, credentials_file) and remove bearer_token_file",
        ),
        (
            {"credentials_file": "/t"},
            {"basic_auth": {"username": "a"}},
            "jobs[0].authorization",
            "Prometheus takes at most one of basic_auth, oauth2 and authorization; remove "
            "basic_auth or authorization",
        ),
        (
            {"credentials_file": ""},
            {},
            "jobs[0].authorization.credentials_file",
            "is empty; give the path of the credentials file",
        ),
        (
            {"credentials_file": 7},
            {},
            "jobs[0].authorization.credentials_file",
            "7 is not text; credentials_file is a string",
        ),
        (
            {"credentials_file": "/t", "token": "x"},
            {},
            "jobs[0].authorization.token",
            "unknown key 'token'; authorization has type, credentials, credentials_file",
        ),
    ],
)
def test_authorization_is_checked_as_prometheus_checks_it(
    authorization: dict[str, Any], extra: dict[str, Any], location: str, message: str
) -> None:
    job = ScrapeJob("a", static_targets=("10.0.0.1:80",), authorization=authorization, extra=extra)
    assert scrape_job_problems([job], managed_scraper=False) == [Problem(location, message)]


def test_the_managed_scraper_takes_only_its_sections() -> None:
    job = ScrapeJob(
        "a",
        kubernetes_sd_roles=("pod",),
        extra={"tls_config": {"ca_file": "/ca"}, "ec2_sd_configs": [{}], "sample_limit": 10},
    )
    assert scrape_job_problems([job], managed_scraper=True) == [
        Problem(
            "jobs[0].tls_config",
            "the managed scraper does not take tls_config; its configuration holds only the "
            "global, scrape_config, static_config, relabel_config, metric_relabel_configs and "
            "kubernetes_sd_config sections",
        ),
        Problem(
            "jobs[0].ec2_sd_configs",
            "the managed scraper discovers targets with kubernetes_sd_configs only (Amazon EKS is "
            "its only source); use kubernetes_sd_roles",
        ),
    ]


# ------------------------------------------------------------ the scraper's YAML


def test_the_scraper_configuration_is_prometheus_yaml() -> None:
    text = scraper_configuration([NODE_EXPORTER, PODS])
    assert yaml.safe_load(text) == {
        "global": {"scrape_interval": "30s"},
        "scrape_configs": [
            {
                "job_name": "node",
                "static_configs": [
                    {"targets": ["10.0.1.15:9100", "[2001:db8::1]:9100"], "labels": {"env": "prod"}}
                ],
            },
            {
                "job_name": "pods",
                "scrape_interval": "1m",
                "scrape_timeout": "20s",
                "kubernetes_sd_configs": [{"role": "pod"}],
                "relabel_configs": [
                    {
                        "source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"],
                        "action": "keep",
                        "regex": "true",
                    },
                    {
                        "source_labels": ["__address__"],
                        "regex": "(.+?)(\\:\\d+)?",
                        "target_label": "__address__",
                        "replacement": "$1:10249",
                    },
                ],
            },
        ],
    }


# ---------------------------------------------------------------- the ADOT collector

REMOTE_WRITE = (
    "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234/api/v1/remote_write"
)


def _adot(**kwargs: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {"remote_write_url": REMOTE_WRITE, "region": "eu-west-1"}
    arguments.update(kwargs)
    parsed: dict[str, Any] = yaml.safe_load(
        adot_collector_config([NODE_EXPORTER, PODS], **arguments)
    )
    return parsed


def test_the_adot_configuration_parses_back_to_a_complete_pipeline() -> None:
    config = _adot()
    assert collector_pipeline_problems(config) == []
    pipeline = config["service"]["pipelines"]["metrics"]
    assert pipeline == {
        "receivers": ["prometheus"],
        "processors": ["batch/metrics"],
        "exporters": ["prometheusremotewrite"],
    }
    assert config["processors"] == {"batch/metrics": {"timeout": "60s"}}
    assert config["exporters"] == {
        "prometheusremotewrite": {"endpoint": REMOTE_WRITE, "auth": {"authenticator": "sigv4auth"}}
    }
    assert config["extensions"] == {"sigv4auth": {"region": "eu-west-1", "service": "aps"}}
    assert config["service"]["extensions"] == ["sigv4auth"]
    jobs = config["receivers"]["prometheus"]["config"]["scrape_configs"]
    assert [job["job_name"] for job in jobs] == ["node", "pods"]
    assert config["receivers"]["prometheus"]["config"]["global"] == {"scrape_interval": "30s"}


def test_the_collector_reads_dollars_doubled() -> None:
    config = _adot()
    pods = config["receivers"]["prometheus"]["config"]["scrape_configs"][1]
    assert pods["relabel_configs"][1]["replacement"] == "$$1:10249"
    # The managed scraper reads them as written.
    scraper = yaml.safe_load(scraper_configuration([PODS]))
    assert scraper["scrape_configs"][0]["relabel_configs"][1]["replacement"] == "$1:10249"


def test_tokens_pass_through_unchanged() -> None:
    url = "${Token[TOKEN.123]}api/v1/remote_write"
    config = _adot(remote_write_url=url, region="${Token[AWS.Region.4]}")
    assert config["exporters"]["prometheusremotewrite"]["endpoint"] == url
    assert config["extensions"]["sigv4auth"]["region"] == "${Token[AWS.Region.4]}"


def test_the_adot_configuration_refuses_a_url_or_region_it_cannot_use() -> None:
    with pytest.raises(BlueprintError) as raised:
        _adot(remote_write_url="http://aps-workspaces.example/remote_write", region="eu-west-9")
    assert [p.location for p in raised.value.problems] == ["remote_write_url", "region"]
    assert raised.value.problems[0].message.startswith(
        "'http://aps-workspaces.example/remote_write' is not an https URL"
    )


def _pipeline() -> dict[str, Any]:
    return _adot()


@pytest.mark.parametrize(
    ("change", "location", "message"),
    [
        (
            lambda c: c["service"]["pipelines"]["metrics"]["processors"].append("batch"),
            "service.pipelines.metrics.processors[1]",
            "'batch' is not defined under processors:",
        ),
        (
            lambda c: c["service"].update(extensions=[]),
            "exporters.prometheusremotewrite.auth.authenticator",
            "'sigv4auth' is not an extension the service enables; add it to extensions: and "
            "service.extensions",
        ),
        (
            lambda c: c["service"]["extensions"].append("health_check"),
            "service.extensions[1]",
            "'health_check' is not defined under extensions:",
        ),
        (
            lambda c: c["exporters"]["prometheusremotewrite"].pop("auth"),
            "exporters.prometheusremotewrite.auth",
            "Amazon Managed Service for Prometheus takes only SigV4-signed writes; set auth: "
            "{authenticator: sigv4auth}",
        ),
        (
            lambda c: c["exporters"]["prometheusremotewrite"].pop("endpoint"),
            "exporters.prometheusremotewrite.endpoint",
            "the remote-write exporter needs an endpoint",
        ),
        (
            lambda c: c["extensions"]["sigv4auth"].update(service="execute-api"),
            "extensions.sigv4auth.service",
            "'execute-api' is not aps; writes to Amazon Managed Service for Prometheus are signed "
            "for the service aps",
        ),
        (
            lambda c: c["service"]["pipelines"]["metrics"].update(receivers=[]),
            "service.pipelines.metrics",
            "the pipeline has no receivers",
        ),
        (
            lambda c: c.pop("service"),
            "service",
            "the configuration has no service: section with pipelines",
        ),
    ],
)
def test_an_incomplete_pipeline_is_refused(change: Any, location: str, message: str) -> None:
    config = _pipeline()
    change(config)
    problems = collector_pipeline_problems(config)
    assert Problem(location, message) in problems


def test_a_pipeline_of_traces_only_is_not_a_metrics_pipeline() -> None:
    config = _pipeline()
    pipelines = config["service"]["pipelines"]
    pipelines["traces"] = pipelines.pop("metrics")
    assert collector_pipeline_problems(config) == [
        Problem(
            "service.pipelines",
            "no metrics pipeline runs from a receiver to an exporter; add metrics: {receivers: "
            "[prometheus], exporters: [prometheusremotewrite]}",
        )
    ]


# -------------------------------------------------------------- YAML written by hand


@pytest.mark.parametrize(
    "value",
    [
        {"a": "yes", "b": "no", "c": "on", "d": "null", "e": "~", "f": "1e5", "g": "0x1F"},
        {"durations": ["30s", "1h30m", "500ms", "5"], "numbers": [1, 2.5, 1e-07, -3, True, None]},
        {"text": 'a "quoted" \\ back\nslash', "colon": "a: b", "hash": "a #b", "lead": "-x"},
        {"empty": {}, "none": [], "nested": [[1, [2]], {"k": [{"x": 1}]}]},
        {"unicode": "café ☕", "key with space": "v", "": "empty key", "/path": "/metrics"},
        ["- a", "? b", "! c", "& d", "* e", "% f", "@ g", "` h", "{i}", "[j]", "'k'"],
    ],
)
def test_yaml_text_round_trips(value: Any) -> None:
    assert yaml.safe_load(yaml_text(value)) == value


def test_yaml_text_writes_block_style() -> None:
    assert yaml_text({"a": [{"b": 1, "c": [1, 2]}, "d"], "e": {}}) == (
        "a:\n  - b: 1\n    c:\n      - 1\n      - 2\n  - d\ne: {}\n"
    )


def test_yaml_text_refuses_what_it_cannot_write() -> None:
    with pytest.raises(TypeError):
        yaml_text({1: "a"})
    with pytest.raises(ValueError, match="cannot be written"):
        yaml_text({"a": float("nan")})


def test_the_yaml_text_examples_hold() -> None:
    result = doctest.testmod(yaml_text_module)
    assert result.attempted > 0
    assert result.failed == 0
