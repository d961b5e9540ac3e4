"""The file's ``prometheus:`` and ``grafana:`` sections (issue 14).

Every refusal is checked for its place (the config path, or the rule file's path
with line and column), the value the file gives and what is allowed. The values
and limits are stated from the issue and the references the sections cite, not
read from the code under test.
"""

from __future__ import annotations

import copy
import textwrap
from pathlib import Path
from typing import Any

import pytest

from observability_blueprint import Blueprint, BlueprintError
from observability_blueprint.config.grafana import Grafana, grafana_problems
from observability_blueprint.config.prometheus import (
    AdotEksCluster,
    Prometheus,
    prometheus_problems,
)
from observability_blueprint.rules.errors import Problem
from support import ROOT

BASE: dict[str, Any] = {
    "name": "shop",
    "stage": "dev",
    "env": {"account": "111122223333", "region": "eu-west-1"},
    "notifications": [{"name": "ops"}, {"name": "oncall"}],
    "log_groups": [{"name": "api", "structured_logs": {}}],
}
CLUSTER_ARN = "arn:aws:eks:eu-west-1:111122223333:cluster/payments"
SCRAPER: dict[str, Any] = {
    "cluster_arn": CLUSTER_ARN,
    "subnet_ids": ["subnet-0a1b2c3d", "subnet-0a1b2c3e"],
    "authentication_mode": "API_AND_CONFIG_MAP",
    "endpoint_private_access": True,
}
NODE_JOB: dict[str, Any] = {"job_name": "node", "static_targets": ["10.0.1.15:9100"]}
GOOD_RULES = """\
groups:
  - name: api
    rules:
      - record: job:http_requests:rate5m
        expr: sum by (job) (rate(http_requests_total[5m]))
"""
DURATION_RULE = (
    "a Prometheus duration is whole numbers each followed by a unit (ms, s, m, h, d, w, y), "
    "largest unit first and no spaces, such as 30s, 5m or 1h30m"
)


def data(**top: Any) -> dict[str, Any]:
    found = copy.deepcopy(BASE)
    found.update(top)
    return found


def problems_of(value: dict[str, Any], **kwargs: Any) -> list[Problem]:
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_dict(value, **kwargs)
    return list(caught.value.problems)


def only(value: dict[str, Any], **kwargs: Any) -> Problem:
    found = problems_of(value, **kwargs)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def assert_names(problem: Problem, place: str, value: str, *allowed: str) -> None:
    """The problem is at ``place``, quotes ``value`` and says what is allowed."""
    assert problem.location == place, str(problem)
    assert value in problem.message, str(problem)
    for part in allowed:
        assert part in problem.message, f"{part!r} not in {problem}"


def rule_files(*files: dict[str, Any]) -> dict[str, Any]:
    return data(prometheus={"rules": {"files": list(files)}})


def inline(content: str, name: str = "api-rules") -> dict[str, Any]:
    return rule_files({"name": name, "content": textwrap.dedent(content)})


# ------------------------------------------------------------- a valid file


def test_the_full_example_has_both_sections() -> None:
    blueprint = Blueprint.from_yaml(ROOT / "examples" / "full.yaml")
    prometheus = blueprint.prometheus
    assert prometheus is not None
    assert prometheus.workspace.encrypted is True
    assert prometheus.workspace.alert_topic == "oncall"
    (rule_file,) = prometheus.rules.files
    assert rule_file.name == "payments-ledger"
    assert rule_file.path == "prometheus/payments-rules.yaml"
    # Read relative to the blueprint file's folder, whatever the current folder is.
    written = (ROOT / "examples" / "prometheus" / "payments-rules.yaml").read_text("utf-8")
    assert rule_file.text == written
    assert [job.job_name for job in prometheus.scrape_jobs] == ["kubernetes-pods", "ledger"]
    assert prometheus.scraper is not None
    assert prometheus.scraper.authentication_mode == "API_AND_CONFIG_MAP"
    assert [job.job_name for job in prometheus.jobs(prometheus.scraper.jobs)] == ["kubernetes-pods"]
    assert prometheus.adot is not None
    assert prometheus.adot.fleets == ["web"]
    assert prometheus.adot.eks_clusters() == [
        AdotEksCluster(cluster="payments-legacy", addon_version="v0.109.0-eksbuild.1")
    ]
    assert [job.job_name for job in prometheus.jobs(prometheus.adot.jobs)] == ["ledger"]
    grafana = blueprint.grafana
    assert grafana is not None
    assert grafana.version == "10.4"
    assert grafana.authentication == ["AWS_SSO"]
    assert grafana.notify == ["oncall"]
    assert (grafana.users.editors, grafana.users.viewers) == (2, 10)


def test_the_small_example_has_neither_section() -> None:
    blueprint = Blueprint.from_yaml(ROOT / "blueprint.yaml")
    assert blueprint.prometheus is None
    assert blueprint.grafana is None


def test_a_section_with_rules_only_needs_no_scrape_job() -> None:
    """Metrics may arrive by other ways (remote write from elsewhere): no job is needed."""
    blueprint = Blueprint.from_dict(data(prometheus={}))
    assert blueprint.prometheus is not None
    assert blueprint.prometheus.scrape_jobs == []
    assert Blueprint.from_dict(inline(GOOD_RULES)).prometheus is not None


def test_a_rule_file_is_read_from_the_blueprint_files_folder(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "api.yaml").write_text(GOOD_RULES, encoding="utf-8")
    value = rule_files({"name": "api-rules", "path": "rules/api.yaml"})
    blueprint = Blueprint.from_dict(value, directory=tmp_path)
    assert blueprint.prometheus is not None
    assert blueprint.prometheus.rules.files[0].text == GOOD_RULES


# ------------------------------------------------------------- rule files


def test_a_missing_rule_file(tmp_path: Path) -> None:
    problem = only(rule_files({"name": "api", "path": "rules/nope.yaml"}), directory=tmp_path)
    assert_names(
        problem,
        "prometheus.rules.files[0].path",
        "'rules/nope.yaml'",
        "no such file in ",
        "relative to the blueprint file's folder",
    )


def test_a_folder_is_not_a_rule_file(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    problem = only(rule_files({"name": "api", "path": "rules"}), directory=tmp_path)
    assert problem == Problem(
        "prometheus.rules.files[0].path",
        "'rules' is a folder; give the path of a rule file (YAML with groups:), relative to "
        "the blueprint file's folder",
    )


def test_a_rule_file_over_one_mebibyte(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_bytes(b"#" * (1024 * 1024 + 1))
    problem = only(rule_files({"name": "api", "path": "big.yaml"}), directory=tmp_path)
    assert problem == Problem(
        "prometheus.rules.files[0].path",
        "'big.yaml' is 1,048,577 bytes; a rule file is at most 1,048,576 bytes (split it into "
        "several namespaces)",
    )


def test_a_rule_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "latin.yaml").write_bytes("groups: café\n".encode("latin-1"))
    problem = only(rule_files({"name": "api", "path": "latin.yaml"}), directory=tmp_path)
    assert problem == Problem(
        "prometheus.rules.files[0].path",
        "'latin.yaml' is not UTF-8 text (byte 12 is 0xe9); save the rule file as UTF-8",
    )


def test_a_rule_file_with_both_path_and_content() -> None:
    problem = only(rule_files({"name": "api", "path": "rules/api.yaml", "content": GOOD_RULES}))
    assert_names(
        problem,
        "prometheus.rules.files[0].content",
        "'rules/api.yaml'",
        "both path: ",
        "give one of them",
    )


def test_a_rule_file_with_neither_path_nor_content() -> None:
    problem = only(rule_files({"name": "api"}))
    assert problem == Problem(
        "prometheus.rules.files[0]",
        "neither path: nor content: is given; give path: (a rule file, relative to the "
        "blueprint file's folder) or content: (the rule file's YAML, written here)",
    )


def test_broken_promql_in_a_rule_file_names_the_file_the_rule_and_a_caret(
    tmp_path: Path,
) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "api.yaml").write_text(
        GOOD_RULES.replace("(rate(http_requests_total[5m]))", "(rate(http_requests_total[5m])"),
        encoding="utf-8",
    )
    blueprint = tmp_path / "blueprint.yaml"
    blueprint.write_text(
        "name: shop\nstage: dev\nprometheus:\n  rules:\n    files:\n"
        "      - {name: api-rules, path: rules/api.yaml}\n",
        encoding="utf-8",
    )
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_yaml(blueprint)
    (problem,) = caught.value.problems
    # The path as the file writes it, the line and column in the rule file, the
    # group and the rule, and a caret under the unclosed parenthesis.
    assert problem.location == "prometheus.rules.files[0].path (rules/api.yaml:5:28)"
    assert problem.message.splitlines() == [
        'group "api", rule 1 "job:http_requests:rate5m": expr: could not parse expression: '
        "not valid PromQL: unclosed left parenthesis; write expr: in PromQL, closing every "
        "( [ and { it opens (https://prometheus.io/docs/prometheus/latest/querying/basics/)",
        "  sum by (job) (rate(http_requests_total[5m])",
        "               ^",
    ]


def test_rule_file_yaml_that_does_not_parse_is_quoted_with_a_caret() -> None:
    problem = only(inline("groups:\n  - name: api\n   rules: []\n"))
    assert problem.location == "prometheus.rules.files[0].content:3:4"
    lines = problem.message.splitlines()
    assert lines[0].startswith("not valid YAML: ")
    assert lines[0].endswith(
        "write valid YAML here: indent with spaces, close every quote, bracket and brace, "
        "and quote a value that holds ': '"
    )
    assert lines[1:] == ["     rules: []", "     ^"]


@pytest.mark.parametrize(
    ("content", "place", "value", "allowed"),
    [
        pytest.param(
            """\
            groups:
              - name: api
                rules:
                  - record: job:http_requests:rate5m
            """,
            "prometheus.rules.files[0].content:4:9",
            '"job:http_requests:rate5m"',
            "every rule needs a PromQL expression",
            id="a rule without expr",
        ),
        pytest.param(
            """\
            groups:
              - name: api
                rules:
                  - alert: ApiDown
                    expr: up{job="api"} == 0
                    for: 5 m
            """,
            "prometheus.rules.files[0].content:6:14",
            "'5 m'",
            DURATION_RULE,
            id="for: 5 m",
        ),
        pytest.param(
            """\
            groups:
              - name: api
                interval: 1h30
                rules:
                  - alert: ApiDown
                    expr: up{job="api"} == 0
            """,
            "prometheus.rules.files[0].content:3:15",
            "'1h30'",
            "the number 30 at the end has no unit; " + DURATION_RULE,
            id="interval: 1h30",
        ),
        pytest.param(
            """\
            groups:
              - name: api
                rules:
                  - record: job-http-requests-rate5m
                    expr: sum(rate(http_requests_total[5m]))
            """,
            "prometheus.rules.files[0].content:4:17",
            "'job-http-requests-rate5m' is not a valid recording rule name",
            "a metric name is letters, digits, _ and :, not starting with a digit",
            id="a recording rule name that is not a metric name",
        ),
        pytest.param(
            """\
            groups:
              - name: api
                rules:
                  - alert: ApiDown
                    expr: up{job="api"} == 0
                    labels:
                      team-name: payments
            """,
            "prometheus.rules.files[0].content:7:11",
            "label 'team-name' is not a valid label name",
            "a label name is letters, digits and _, not starting with a digit",
            id="an alert label that is not a label name",
        ),
    ],
)
def test_the_issues_bad_rule_files(content: str, place: str, value: str, allowed: str) -> None:
    problem = only(inline(content))
    assert_names(problem, place, value, allowed)
    # The offending line is quoted with a caret under it.
    quoted, caret = problem.message.splitlines()[-2:]
    column = int(place.rsplit(":", 1)[1])
    assert caret == "  " + " " * (column - 1) + "^"
    assert quoted.startswith("  ")


def test_two_rule_files_with_one_namespace_name() -> None:
    problem = only(
        rule_files(
            {"name": "payments", "content": GOOD_RULES},
            {"name": "payments", "content": GOOD_RULES},
        )
    )
    assert problem == Problem(
        "prometheus.rules.files[1].name",
        "'payments' is already the name of rules.files[0]; each rule file is a namespace of the "
        "workspace and needs a name of its own",
    )


def test_a_namespace_name_that_cloudformation_refuses() -> None:
    problem = only(rule_files({"name": "payments rules", "content": GOOD_RULES}))
    assert_names(
        problem,
        "prometheus.rules.files[0].name",
        "'payments rules'",
        "1 to 64 letters, digits and - . _, starting with a letter or digit",
    )
    long = "a" * 65
    assert_names(
        only(rule_files({"name": long, "content": GOOD_RULES})),
        "prometheus.rules.files[0].name",
        "it is 65 characters",
        "1 to 64",
    )


def test_a_rule_file_named_like_a_service_with_shipped_rules() -> None:
    section = Prometheus.model_validate(
        {"rules": {"files": [{"name": "api", "content": GOOD_RULES}]}}
    )
    found = list(
        prometheus_problems(
            section,
            topics=["ops"],
            fleets=[],
            eks_clusters=[],
            host_roles=False,
            region="eu-west-1",
            account="111122223333",
            services=["api", "worker"],
        )
    )
    assert found == [
        Problem(
            "prometheus.rules.files[0].name",
            "'api' is the namespace of the shipped rules of the service 'api'; give the rule file "
            "another name (or set rules.defaults to false)",
        )
    ]
    section = Prometheus.model_validate(
        {"rules": {"defaults": False, "files": [{"name": "api", "content": GOOD_RULES}]}}
    )
    found = list(
        prometheus_problems(
            section,
            topics=["ops"],
            fleets=[],
            eks_clusters=[],
            host_roles=False,
            region="eu-west-1",
            account="111122223333",
            services=["api"],
        )
    )
    assert found == []


@pytest.mark.parametrize(
    ("rules", "place", "value", "allowed"),
    [
        (
            {"error_ratio_threshold": 5},
            "prometheus.rules.error_ratio_threshold",
            "5.0",
            "a number above 0 and at most 1",
        ),
        (
            {"p99_latency_seconds": -1},
            "prometheus.rules.p99_latency_seconds",
            "-1.0",
            "seconds above 0",
        ),
        (
            {"service_label": "service.name"},
            "prometheus.rules.service_label",
            "'service.name'",
            "a label name is letters, digits and _",
        ),
        (
            {"service_label": "__name__"},
            "prometheus.rules.service_label",
            "'__name__' is reserved",
            "such as job or service",
        ),
        (
            {"service_label": "le"},
            "prometheus.rules.service_label",
            "'le' is a label the shipped rules use themselves",
            "not le, quantile, http_response_status_code, severity",
        ),
    ],
)
def test_the_shipped_rules_settings(
    rules: dict[str, Any], place: str, value: str, allowed: str
) -> None:
    assert_names(only(data(prometheus={"rules": rules})), place, value, allowed)


def test_the_alert_topic_must_be_a_topic_of_the_file() -> None:
    problem = only(data(prometheus={"workspace": {"alert_topic": "on-call"}}))
    assert problem == Problem(
        "prometheus.workspace.alert_topic",
        "'on-call' is not a topic of notifications; use one of 'ops', 'oncall'",
    )


def test_a_workspace_alias_that_cannot_name_its_log_group() -> None:
    problem = only(data(prometheus={"workspace": {"alias": "shop dev"}}))
    assert_names(
        problem,
        "prometheus.workspace.alias",
        "'shop dev'",
        "1 to 100 letters, digits and . _ - # /",
        "/aws/vendedlogs/prometheus/<alias>",
    )


def test_the_usage_assumptions_are_not_negative() -> None:
    found = problems_of(
        data(prometheus={"usage": {"active_series": -5, "scrape_interval_seconds": 0}})
    )
    assert found == [
        Problem(
            "prometheus.usage.active_series",
            "-5 is below 0; give the number of time series scraped (0 or more)",
        ),
        Problem(
            "prometheus.usage.scrape_interval_seconds",
            "0 is not an interval; give the seconds between two samples of a series (1 or more, "
            "such as 30)",
        ),
    ]


# ------------------------------------------------------------- scrape jobs


def jobs(*given: dict[str, Any], **section: Any) -> dict[str, Any]:
    return data(prometheus={"scrape_jobs": list(given), **section})


def test_a_scrape_timeout_longer_than_the_interval() -> None:
    problem = only(jobs({**NODE_JOB, "scrape_interval": "30s", "scrape_timeout": "45s"}))
    assert problem == Problem(
        "prometheus.scrape_jobs[0].scrape_timeout",
        "45s is longer than the scrape_interval 30s; Prometheus refuses a scrape timeout "
        "greater than the scrape interval: use at most 30s, or scrape less often",
    )


def test_a_scrape_timeout_longer_than_the_global_interval() -> None:
    problem = only(jobs({**NODE_JOB, "scrape_timeout": "1m"}))
    assert_names(
        problem,
        "prometheus.scrape_jobs[0].scrape_timeout",
        "1m is longer than the global scrape interval 30s",
        "use at most 30s",
    )


def test_scrape_durations_prometheus_rejects() -> None:
    found = problems_of(jobs({**NODE_JOB, "scrape_interval": "1h30", "scrape_timeout": "5 m"}))
    assert [p.location for p in found] == [
        "prometheus.scrape_jobs[0].scrape_interval",
        "prometheus.scrape_jobs[0].scrape_timeout",
    ]
    assert found[0].message.startswith("'1h30' is not a duration")
    assert found[1].message.startswith("'5 m' is not a duration: it has a space")
    assert all(p.message.endswith(DURATION_RULE) for p in found)


def test_a_relabel_regex_prometheus_cannot_compile_is_reported_at_its_rule() -> None:
    pods = {
        "job_name": "pods",
        "kubernetes_sd_roles": ["pod"],
        "relabel_configs": [
            {"source_labels": ["__meta_kubernetes_pod_label_app"], "action": "keep"},
            {"source_labels": ["__address__"], "regex": "(.*):(?=9100)", "target_label": "a"},
        ],
        "metric_relabel_configs": [{"action": "labeldrop", "regex": 5}],
    }
    found = problems_of(jobs(NODE_JOB, pods))
    assert [p.location for p in found] == [
        "prometheus.scrape_jobs[1].relabel_configs[1].regex",
        "prometheus.scrape_jobs[1].metric_relabel_configs[0].regex",
    ]
    assert_names(
        found[0],
        "prometheus.scrape_jobs[1].relabel_configs[1].regex",
        "'(.*):(?=9100)' is not a regular expression Prometheus compiles",
        "RE2 syntax, anchored at both ends: no lookarounds",
    )
    assert_names(
        found[1],
        "prometheus.scrape_jobs[1].metric_relabel_configs[0].regex",
        "5 is not text",
        'quote it in YAML: regex: "..."',
    )


KUBELET_JOB: dict[str, Any] = {
    "job_name": "kubelet",
    "scheme": "https",
    "kubernetes_sd_roles": ["node"],
    "authorization": {
        "type": "Bearer",
        "credentials_file": "/var/run/secrets/kubernetes.io/serviceaccount/token",
    },
}


def test_the_scraper_reads_the_kubelet_with_its_service_account_token() -> None:
    blueprint = Blueprint.from_dict(jobs(KUBELET_JOB, scraper=SCRAPER))
    assert blueprint.prometheus is not None
    (job,) = blueprint.prometheus.jobs(None)
    assert job.to_prometheus()["authorization"] == {
        "type": "Bearer",
        "credentials_file": "/var/run/secrets/kubernetes.io/serviceaccount/token",
    }


def test_the_scraper_refuses_another_credentials_file() -> None:
    given = {**KUBELET_JOB, "authorization": {"credentials_file": "/etc/token"}}
    assert_names(
        only(jobs(given, scraper=SCRAPER)),
        "prometheus.scrape_jobs[0].authorization",
        "credentials_file '/etc/token'",
        "type: Bearer with credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token",
    )
    # A collector reads any file on its host.
    assert Blueprint.from_dict(jobs(given)).prometheus is not None


def test_authorization_has_no_inline_credentials_and_no_basic_type() -> None:
    inline = {**KUBELET_JOB, "authorization": {"credentials": "s3cret", "credentials_file": "/t"}}
    assert only(jobs(inline)).location == "prometheus.scrape_jobs[0].authorization.credentials"
    basic = {**KUBELET_JOB, "authorization": {"type": "Basic", "credentials_file": "/t"}}
    assert_names(
        only(jobs(basic)),
        "prometheus.scrape_jobs[0].authorization.type",
        "'Basic'",
        "use basic_auth",
    )


def test_two_jobs_with_one_name_are_reported_once_at_the_second() -> None:
    second = {"job_name": "node", "static_targets": ["10.0.1.16:9100"]}
    expected = Problem(
        "prometheus.scrape_jobs[1].job_name",
        "'node' is also the name of scrape_jobs[0]; job names are unique (Prometheus refuses "
        "multiple scrape configs with one job name)",
    )
    assert problems_of(jobs(NODE_JOB, second)) == [expected]
    # The scraper runs both: still once, not again for the scraper.
    assert problems_of(jobs(NODE_JOB, second, scraper=SCRAPER)) == [expected]


def test_the_scrapers_limits_are_reported_at_the_job_in_scrape_jobs() -> None:
    given = [
        {"job_name": "a", "scrape_interval": "60s", "static_targets": ["10.0.1.1:9100"]},
        {"job_name": "b", "scrape_interval": "10s", "static_targets": ["10.0.1.2:9100"]},
        {"job_name": "c", "scrape_interval": "15s", "static_targets": ["nodes.internal:9100"]},
    ]
    # The scraper runs c only: its limits apply to c, at scrape_jobs[2].
    found = problems_of(jobs(*given, scraper={**SCRAPER, "jobs": ["c"]}))
    assert found == [
        Problem(
            "prometheus.scrape_jobs[2].scrape_interval",
            "15s is shorter than the managed scraper allows; it scrapes at most every 30s "
            "(scrape_interval: 30s or longer)",
        ),
        Problem(
            "prometheus.scrape_jobs[2].static_targets[0]",
            "'nodes.internal:9100' names a host; the managed scraper takes static targets by IP "
            "address only (kubernetes.default.svc is the one name it resolves): write the IP "
            "address, or find the targets with kubernetes_sd_roles",
        ),
    ]
    # Without a scraper (ADOT or nothing) the same jobs are fine.
    assert Blueprint.from_dict(jobs(*given)).prometheus is not None


def test_a_problem_of_every_job_is_not_repeated_for_the_scraper() -> None:
    timed_out = {**NODE_JOB, "scrape_interval": "30s", "scrape_timeout": "40s"}
    found = problems_of(jobs(timed_out, scraper=SCRAPER))
    assert [p.location for p in found] == ["prometheus.scrape_jobs[0].scrape_timeout"]


def test_a_scraper_must_have_a_job_to_run() -> None:
    assert only(data(prometheus={"scraper": SCRAPER})) == Problem(
        "prometheus.scraper",
        "the scraper has nothing to scrape: scrape_jobs is empty; add a scrape job to scrape_jobs",
    )
    assert only(jobs(NODE_JOB, scraper={**SCRAPER, "jobs": []})) == Problem(
        "prometheus.scraper.jobs",
        "the scraper has nothing to scrape: jobs is [], which names none of scrape_jobs; name "
        "some of 'node', or leave jobs out to run them all",
    )
    assert only(jobs(NODE_JOB, scraper={**SCRAPER, "jobs": ["nodes"]})) == Problem(
        "prometheus.scraper.jobs[0]", "'nodes' is not a job of scrape_jobs; use one of 'node'"
    )


# ------------------------------------------------------------- the scraper's cluster


def scraper(**changes: Any) -> dict[str, Any]:
    settings = {**SCRAPER, **changes}
    return jobs(NODE_JOB, scraper={k: v for k, v in settings.items() if v is not None})


def test_a_cluster_on_the_config_map_alone_is_refused() -> None:
    problem = only(scraper(authentication_mode="CONFIG_MAP"))
    assert_names(
        problem,
        "prometheus.scraper.authentication_mode",
        "'CONFIG_MAP'",
        "API_AND_CONFIG_MAP",
        "CloudFormation cannot edit a ConfigMap",
    )


def test_a_cluster_without_private_endpoint_access_is_refused() -> None:
    problem = only(scraper(endpoint_private_access=False))
    assert_names(
        problem,
        "prometheus.scraper.endpoint_private_access",
        "private endpoint access is off",
        "endpointPrivateAccess=true",
    )


def test_a_scraper_needs_two_subnets() -> None:
    assert only(scraper(subnet_ids=["subnet-0a1b2c3d"])) == Problem(
        "prometheus.scraper.subnet_ids",
        "has 1 id; give 2 to 5: the scraper needs at least two of the cluster's subnets, in at "
        "least two Availability Zones",
    )
    missing = only(scraper(subnet_ids=None))
    assert_names(
        missing, "prometheus.scraper.subnet_ids", "required but missing", "at least two subnets"
    )
    assert only(scraper(subnet_ids=["subnet-0a1b2c3d", "sg-0a1b2c3d"])) == Problem(
        "prometheus.scraper.subnet_ids[1]",
        "'sg-0a1b2c3d' is not an id of this kind; give one such as subnet-0a1b2c3d",
    )


def test_a_scraper_without_the_clusters_authentication_mode() -> None:
    problem = only(scraper(authentication_mode=None))
    assert_names(
        problem,
        "prometheus.scraper.authentication_mode",
        "required but missing",
        "API or API_AND_CONFIG_MAP",
    )


def test_a_cluster_arn_that_is_not_a_cluster() -> None:
    nodegroup = "arn:aws:eks:eu-west-1:111122223333:nodegroup/payments/ng/1"
    assert_names(
        only(scraper(cluster_arn=nodegroup)),
        "prometheus.scraper.cluster_arn",
        repr(nodegroup),
        "arn:aws:eks:REGION:ACCOUNT:cluster/NAME",
    )
    elsewhere = CLUSTER_ARN.replace("eu-west-1", "us-east-1")
    assert_names(
        only(scraper(cluster_arn=elsewhere)),
        "prometheus.scraper.cluster_arn",
        "us-east-1",
        "must be in one Region",
        "eu-west-1",
    )


# ------------------------------------------------------------- ADOT collectors

HOSTS: dict[str, Any] = {
    "instance_role": False,
    "fleets": [{"name": "web", "targets": [{"tag": "role", "values": ["web"]}]}],
}


def test_adot_on_fleets_and_clusters_the_file_does_not_have() -> None:
    found = problems_of(jobs(NODE_JOB, adot={"fleets": ["db"], "eks": ["payments"]}))
    assert found == [
        Problem(
            "prometheus.adot.fleets[0]",
            "'db' is not a fleet of hosts.fleets; use one of the names you add to hosts.fleets",
        ),
        Problem(
            "prometheus.adot.eks[0]",
            "'payments' is not a cluster of containers.eks; use one of the names you add to "
            "containers.eks",
        ),
        Problem(
            "prometheus.adot.fleets",
            "the collectors remote-write with the hosts' role, which the blueprint makes only "
            "with hosts.instance_role or hosts.on_premises; turn one on, or grant "
            "aps:RemoteWrite to your instances' role and run the collector yourself",
        ),
    ]


def test_adot_on_a_fleet_without_the_hosts_role() -> None:
    value = jobs(NODE_JOB, adot={"fleets": ["web"]})
    value["hosts"] = HOSTS
    assert_names(
        only(value),
        "prometheus.adot.fleets",
        "the hosts' role",
        "hosts.instance_role or hosts.on_premises",
    )
    value["hosts"] = {**HOSTS, "on_premises": True}
    assert Blueprint.from_dict(value).prometheus is not None


def test_adot_names_known_fleets_and_clusters() -> None:
    value = jobs(NODE_JOB, adot={"fleets": ["wbe"], "eks": ["payment"]})
    value["hosts"] = {**HOSTS, "instance_role": True}
    value["containers"] = {"eks": [{"cluster": "payments"}]}
    assert [str(p) for p in problems_of(value)] == [
        "prometheus.adot.fleets[0]: 'wbe' is not a fleet of hosts.fleets; use one of 'web'",
        "prometheus.adot.eks[0]: 'payment' is not a cluster of containers.eks; use one of "
        "'payments'",
    ]


def test_adot_collectors_need_a_job() -> None:
    value = data(prometheus={"adot": {"eks": ["payments"]}})
    value["containers"] = {"eks": [{"cluster": "payments"}]}
    assert only(value) == Problem(
        "prometheus.adot",
        "the collectors have nothing to scrape: scrape_jobs is empty; add a scrape job to "
        "scrape_jobs",
    )
    value["prometheus"] = {"scrape_jobs": [NODE_JOB], "adot": {"eks": ["payments"], "jobs": []}}
    assert_names(only(value), "prometheus.adot.jobs", "jobs is []", "'node'")


def eks_collectors(*entries: Any) -> dict[str, Any]:
    value = jobs(NODE_JOB, adot={"eks": list(entries)})
    value["containers"] = {
        "eks": [{"cluster": "payments"}, {"cluster": "ledger"}, {"cluster": "legacy"}]
    }
    return value


def test_adot_on_eks_takes_names_and_mappings_with_the_addon_settings() -> None:
    config = Blueprint.from_dict(
        eks_collectors(
            "payments",
            {"cluster": "ledger", "install_addon": False},
            {"cluster": "legacy", "addon_version": "v0.109.0-eksbuild.1"},
        )
    )
    assert config.prometheus is not None
    assert config.prometheus.adot is not None
    assert [
        (c.cluster, c.install_addon, c.addon_version) for c in config.prometheus.adot.eks_clusters()
    ] == [
        ("payments", True, None),
        ("ledger", False, None),
        ("legacy", True, "v0.109.0-eksbuild.1"),
    ]


def test_the_blueprint_installs_the_adot_addon_as_each_cluster_says() -> None:
    from aws_cdk import Stack
    from aws_cdk.assertions import Template

    from observability_blueprint import ObservabilityBlueprint
    from support import new_app

    config = Blueprint.from_dict(
        eks_collectors(
            "payments",
            {"cluster": "ledger", "install_addon": False},
            {"cluster": "legacy", "addon_version": "v0.109.0-eksbuild.1"},
        )
    )
    stack = Stack(new_app(), "Test")
    built = ObservabilityBlueprint(stack, "Blueprint", config=config)
    assert built.prometheus is not None
    collectors = built.prometheus.eks_collectors
    assert collectors["ledger"].addon is None
    addons = {
        props["ClusterName"]: props
        for props in (
            body["Properties"]
            for body in Template.from_stack(stack)
            .find_resources("AWS::EKS::Addon", {"Properties": {"AddonName": "adot"}})
            .values()
        )
    }
    assert addons == {
        "payments": {"AddonName": "adot", "ClusterName": "payments"},
        "legacy": {
            "AddonName": "adot",
            "ClusterName": "legacy",
            "AddonVersion": "v0.109.0-eksbuild.1",
        },
    }


@pytest.mark.parametrize(
    ("entry", "place", "value", "allowed"),
    [
        (
            {"cluster": "payments", "install_addon": False, "addon_version": "v0.109.0-eksbuild.1"},
            "prometheus.adot.eks[0].addon_version",
            "'v0.109.0-eksbuild.1' is the version of an add-on the blueprint does not install",
            "remove addon_version, or set install_addon to true",
        ),
        (
            {"cluster": "payments", "addon_version": "latest"},
            "prometheus.adot.eks[0].addon_version",
            "'latest' is not an add-on version",
            "v4.1.0-eksbuild.1",
        ),
        (
            {"cluster": "paymnets"},
            "prometheus.adot.eks[0].cluster",
            "'paymnets' is not a cluster of containers.eks",
            "'payments', 'ledger', 'legacy'",
        ),
        (
            {"install_addon": False},
            "prometheus.adot.eks[0].cluster",
            "is required but missing",
            "",
        ),
        (
            ["payments"],
            "prometheus.adot.eks[0]",
            "['payments'] is a list; this is text",
            "a name, or a mapping with cluster:",
        ),
    ],
)
def test_bad_adot_eks_entries(entry: Any, place: str, value: str, allowed: str) -> None:
    assert_names(only(eks_collectors(entry)), place, value, allowed)


def test_a_cluster_named_twice_in_adot_eks() -> None:
    assert only(eks_collectors("payments", {"cluster": "payments"})) == Problem(
        "prometheus.adot.eks[1].cluster",
        "'payments' is also adot.eks[0]; name each once (one collector each)",
    )


# ------------------------------------------------------------- grafana


def grafana(**section: Any) -> dict[str, Any]:
    return data(grafana=section)


SAML: dict[str, Any] = {
    "idp_metadata_url": "https://idp.example.com/metadata",
    "role_attribute": "groups",
    "admin_role_values": ["grafana-admins"],
}


def test_grafana_older_than_9() -> None:
    assert only(grafana(version="8.4")) == Problem(
        "grafana.version",
        "Grafana 8.4 is older than 9, which service-account tokens need; use 9.4, 10.4, 12.4 "
        "or later",
    )
    assert_names(
        only(grafana(version="latest")), "grafana.version", "'latest'", "major.minor", "10.4"
    )


def test_an_authentication_type_that_does_not_exist() -> None:
    assert only(grafana(authentication=["COGNITO"])) == Problem(
        "grafana.authentication[0]",
        "'COGNITO' is not a Grafana authentication type; use AWS_SSO (IAM Identity Center) or SAML",
    )


def test_no_authentication_or_one_twice() -> None:
    # AuthenticationProviders: minItems 1, uniqueItems (CloudFormation schema).
    assert only(grafana(authentication=[])) == Problem(
        "grafana.authentication",
        "[] names no sign-in; give AWS_SSO (IAM Identity Center), SAML or both",
    )
    assert only(grafana(authentication=["AWS_SSO", "AWS_SSO"])) == Problem(
        "grafana.authentication[1]", "AWS_SSO is listed twice; give each of AWS_SSO and SAML once"
    )


def test_a_data_source_that_does_not_exist() -> None:
    problem = only(grafana(data_sources=["LOKI"]))
    assert_names(
        problem,
        "grafana.data_sources[0]",
        "'LOKI' is not an Amazon Managed Grafana data source",
        "CLOUDWATCH",
        "PROMETHEUS",
        "XRAY",
    )


def test_a_data_source_the_blueprint_does_not_grant() -> None:
    assert only(grafana(data_sources=["ATHENA"])) == Problem(
        "grafana.data_sources[0]",
        "ATHENA is an Amazon Managed Grafana data source the blueprint does not grant; choose "
        "from CLOUDWATCH, PROMETHEUS, XRAY, and add ATHENA's permissions to the workspace's role "
        "yourself",
    )


def test_the_prometheus_data_source_needs_a_prometheus_section() -> None:
    section = Grafana.model_validate({"data_sources": ["CLOUDWATCH", "PROMETHEUS"]})
    assert list(grafana_problems(section, topics=[], prometheus=False)) == [
        Problem(
            "grafana.data_sources[1]",
            "PROMETHEUS reads the blueprint's Prometheus workspace, and the file has no "
            "prometheus: section; add one, or choose from CLOUDWATCH, XRAY",
        )
    ]
    assert list(grafana_problems(section, topics=[], prometheus=True)) == []


def test_the_dashboards_need_the_cloudwatch_data_source() -> None:
    section = Grafana.model_validate({"data_sources": ["XRAY"]})
    assert list(grafana_problems(section, topics=[])) == [
        Problem(
            "grafana.data_sources",
            "[XRAY] leaves out CLOUDWATCH, which every dashboard obs-blueprint grafana push "
            "provisions reads (the blueprint's metrics and logs); add CLOUDWATCH",
        )
    ]


def test_saml_without_its_settings() -> None:
    problem = only(grafana(authentication=["AWS_SSO", "SAML"]))
    assert problem == Problem(
        "grafana.saml",
        "authentication is [AWS_SSO, SAML], but saml: is missing; give saml: with the "
        "identity provider's metadata (idp_metadata_url or idp_metadata_xml), role_attribute "
        "and admin_role_values",
    )


def test_saml_settings_without_saml() -> None:
    assert only(grafana(saml=SAML)) == Problem(
        "grafana.authentication",
        "[AWS_SSO] has no SAML, but saml: is given; add SAML to authentication, or remove saml:",
    )
    assert Blueprint.from_dict(grafana(authentication=["SAML"], saml=SAML)).grafana is not None


@pytest.mark.parametrize(
    ("changes", "place", "value", "allowed"),
    [
        (
            {"idp_metadata_url": None},
            "grafana.saml",
            "neither idp_metadata_url nor idp_metadata_xml",
            "give the identity provider's metadata as one of them",
        ),
        (
            {"idp_metadata_xml": "<EntityDescriptor/>"},
            "grafana.saml.idp_metadata_xml",
            "'https://idp.example.com/metadata'",
            "give one of them",
        ),
        (
            {"idp_metadata_url": "http://idp.example.com/metadata"},
            "grafana.saml.idp_metadata_url",
            "'http://idp.example.com/metadata'",
            "https://",
        ),
        (
            {"idp_metadata_url": None, "idp_metadata_xml": "  "},
            "grafana.saml.idp_metadata_xml",
            "'  ' is empty",
            "the identity provider's SAML metadata XML",
        ),
        (
            {"admin_role_values": []},
            "grafana.saml.admin_role_values",
            "[]",
            "at least one value of role_attribute",
        ),
        (
            {"role_attribute": ""},
            "grafana.saml.role_attribute",
            "''",
            "1 to 256 characters",
        ),
        (
            {"email_attribute": "e" * 257},
            "grafana.saml.email_attribute",
            "eee",
            "1 to 256 characters",
        ),
    ],
)
def test_bad_saml_settings(changes: dict[str, Any], place: str, value: str, allowed: str) -> None:
    settings = {k: v for k, v in {**SAML, **changes}.items() if v is not None}
    assert_names(only(grafana(authentication=["SAML"], saml=settings)), place, value, allowed)


def test_grafana_notifies_topics_of_the_file() -> None:
    assert only(grafana(notify=["oncal"])) == Problem(
        "grafana.notify[0]", "'oncal' is not a topic of notifications; use one of 'ops', 'oncall'"
    )


def test_grafana_users_are_not_negative() -> None:
    assert only(grafana(users={"viewers": -1})) == Problem(
        "grafana.users.viewers", "-1 is below 0; give how many people (0 or more)"
    )
