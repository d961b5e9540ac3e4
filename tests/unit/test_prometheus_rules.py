"""Prometheus rule files checked as Prometheus' rule loader checks them, offline.

Valid and invalid examples come from Prometheus itself (prometheus/prometheus at
d15adb9): the documentation pages docs/configuration/recording_rules.md,
docs/configuration/alerting_rules.md and docs/querying/*.md (expressions placed in
a minimal rule file), and the loader's test data model/rulefmt/testdata/*.yaml
(test data rather than documentation: named as such). Each case names its source.
Expected messages, lines and columns are written by hand.
"""

from __future__ import annotations

import doctest
import textwrap

import pytest
import yaml

from observability_blueprint.rules import prometheus_rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.prometheus_rules import (
    check_duration,
    default_service_rules,
    parse_duration,
    rule_file_problems,
    unclosed_template,
    yaml_error_problem,
)


def _problems(text: str, source: str = "rules.yaml", **kwargs: str) -> list[Problem]:
    text = textwrap.dedent(text)
    return rule_file_problems(yaml.compose(text), source=source, text=text, **kwargs)


def _record(expr: str, name: str = "job:example:rate5m") -> str:
    """A rule file with one recording rule (expressions from the querying pages)."""
    return (
        f"groups:\n  - name: example\n    rules:\n      - record: {name}\n        expr: {expr!r}\n"
    )


# ----------------------------------------------------------------- valid examples

TESTDATA_TEST_YAML = """\
groups:
  - name: my-group-name
    interval: 30s # defaults to global interval
    rules:
      - alert: HighErrors
        expr: |
          sum without(instance) (rate(errors_total[5m]))
          /
          sum without(instance) (rate(requests_total[5m]))
        for: 5m
        labels:
          severity: critical
        annotations:
          description: "stuff's happening with {{ $.labels.service }}"

      # Mix recording rules in the same list
      - record: "new_metric"
        expr: |
          sum without(instance) (rate(errors_total[5m]))
          /
          sum without(instance) (rate(requests_total[5m]))
        labels:
          abc: edf
          uvw: xyz

  - name: my-another-name
    interval: 30s # defaults to global interval
    rules:
      - alert: HighErrors
        expr: |
          sum without(instance) (rate(errors_total[5m]))
          /
          sum without(instance) (rate(requests_total[5m]))
        for: 5m
        labels:
          severity: critical
"""

TESTDATA_TEST_ALIASES_YAML = """\
groups:
  - name: my-group-name
    interval: 30s # defaults to global interval
    rules:
      - &highalert
        alert: &alertname HighAlert
        expr: &expr |
          sum without(instance) (rate(errors_total[5m]))
          /
          sum without(instance) (rate(requests_total[5m]))
        for: 5m
        labels:
          severity: &severity critical
        annotations:
          description: &description "stuff's happening with {{ $.labels.service }}"

      # Mix recording rules in the same list
      - record: &recordname "new_metric"
        expr: *expr
        labels:
          abc: edf
          uvw: xyz

      - alert: *alertname
        expr: *expr
        for: 5m
        labels:
          severity: *severity
        annotations:
          description: *description

      - <<: *highalert
        alert: HighAlert2

  - name: my-another-name
    interval: 30s # defaults to global interval
    rules:
      - record: *recordname
        expr: *expr
"""

VALID = [
    ("model/rulefmt/testdata/test.yaml", TESTDATA_TEST_YAML),
    (
        "model/rulefmt/testdata/test_aliases.yaml (anchors, aliases, merge keys)",
        TESTDATA_TEST_ALIASES_YAML,
    ),
    (
        "model/rulefmt/testdata/legacy_validation_annotation.good.yaml",
        """\
        groups:
          - name: yolo
            rules:
              - alert: hola
                expr: 1
                annotations:
                  ins_tance: localhost
        """,
    ),
    (
        "docs/configuration/recording_rules.md: simple example",
        """\
        groups:
          - name: example
            rules:
            - record: code:prometheus_http_requests_total:sum
              expr: sum by (code) (prometheus_http_requests_total)
        """,
    ),
    (
        "docs/configuration/alerting_rules.md: templating example",
        """\
        groups:
        - name: example
          rules:

          # Alert for any instance that is unreachable for >5 minutes.
          - alert: InstanceDown
            expr: up == 0
            for: 5m
            labels:
              severity: page
            annotations:
              summary: "Instance {{ $labels.instance }} down"
              description: "{{ $labels.instance }} of job {{ $labels.job }} has been down for more than 5 minutes."

          # Alert for any instance that has a median request latency >1s.
          - alert: APIHighRequestLatency
            expr: api_http_request_latencies_second{quantile="0.5"} > 1
            for: 10m
            annotations:
              summary: "High request latency on {{ $labels.instance }}"
              description: "{{ $labels.instance }} has a median request latency above 1s (current value: {{ $value }}s)"
        """,  # noqa: E501 (copied as the page shows it)
    ),
    (
        "docs/configuration/alerting_rules.md: HighRequestLatency without group labels",
        """\
        groups:
        - name: example
          rules:
          - alert: HighRequestLatency
            expr: job:request_latency_seconds:mean5m{job="myjob"} > 0.5
            for: 10m
            keep_firing_for: 5m
            labels:
              severity: page
            annotations:
              summary: High request latency
        """,
    ),
    ("docs/querying/examples.md: rate", _record("rate(http_requests_total[5m])")),
    (
        "docs/querying/examples.md: sum by job",
        _record("sum by (job) (rate(http_requests_total[5m]))", "job:http_requests:rate5m"),
    ),
    (
        "docs/querying/examples.md: unused memory",
        _record(
            "(instance_memory_limit_bytes - instance_memory_usage_bytes) / 1024 / 1024",
            "instance:memory_unused:mib",
        ),
    ),
    (
        "docs/querying/examples.md: top 3 CPU users",
        _record(
            "topk(3, sum by (app, proc) (rate(instance_cpu_time_ns[5m])))", "app_proc:cpu:top3"
        ),
    ),
    (
        "docs/querying/examples.md: count by app",
        _record("count by (app) (instance_cpu_time_ns)", "app:instances:count"),
    ),
    (
        "docs/querying/examples.md: regular expression",
        _record('http_requests_total{job=~".*server"}', "server:http_requests:total"),
    ),
    (
        "docs/querying/examples.md: subquery",
        _record("max_over_time(deriv(rate(distance_covered_total[5s])[30s:5s])[10m:])"),
    ),
    ("docs/querying/functions.md: absent", _record('absent(nonexistent{job="myjob"})')),
    ("docs/querying/functions.md: delta", _record('delta(cpu_temp_celsius{host="zeus"}[2h])')),
    (
        "docs/querying/functions.md: increase",
        _record('increase(http_requests_total{job="api-server"}[5m])'),
    ),
    (
        "docs/querying/functions.md: histogram_quantile",
        _record(
            "histogram_quantile(0.9, sum by (job, le) "
            "(rate(http_request_duration_seconds_bucket[10m])))",
            "job:http_request_duration_seconds:p90",
        ),
    ),
    (
        "docs/querying/functions.md: label_replace",
        _record(
            'label_replace(up{job="api-server",service="a:c"}, "foo", "$1", "service", "(.*):.*")',
            "up:relabelled",
        ),
    ),
    (
        "docs/querying/operators.md: ignoring",
        _record(
            'method_code:http_errors:rate5m{code="500"} / ignoring(code) '
            "method:http_requests:rate5m",
            "method:http_errors_500:ratio_rate5m",
        ),
    ),
    (
        "docs/querying/operators.md: group_left",
        _record(
            "method_code:http_errors:rate5m / ignoring(code) group_left "
            "method:http_requests:rate5m",
            "method_code:http_errors:ratio_rate5m",
        ),
    ),
    (
        "docs/querying/operators.md: sum without",
        _record("sum without (instance) (memory_consumption_bytes)", "job:memory:sum"),
    ),
    (
        "docs/querying/operators.md: count_values",
        _record('count_values("version", build_version)', "version:builds:count"),
    ),
]


@pytest.mark.parametrize(("source", "text"), VALID, ids=[s for s, _ in VALID])
def test_prometheus_own_valid_rule_files_pass(source: str, text: str) -> None:
    assert _problems(text, source=source) == []


def test_there_are_at_least_twenty_valid_examples() -> None:
    assert len(VALID) >= 20


# --------------------------------------------------------------- invalid examples

INVALID = [
    # (source, file, location, start of the message)
    (
        "model/rulefmt/testdata/bad_expr.bad.yaml",
        """\
        groups:
          - name: yolo
            rules:
              - record: yolo
                expr: rate(hi)
        """,
        "5:15",
        'group "yolo", rule 1 "yolo": expr: could not parse expression: not valid PromQL: '
        "expected type matrix in call to function 'rate', got vector",
    ),
    (
        "model/rulefmt/testdata/bad_field.bad.yaml",
        """\
        groups:
          - name: yolo
            rules:
              - alert: hola
                expr: 1
                labels:
                  instance: localhost
                annotation:
                  summary: annotations is written without s above
        """,
        "8:9",
        "group \"yolo\", rule 1: unknown key 'annotation' (did you mean 'annotations'?); the keys "
        "are record, alert, expr, for, keep_firing_for, labels, annotations",
    ),
    (
        "model/rulefmt/testdata/duplicate_grp.bad.yaml",
        """\
        groups:
          - name: yolo
          - name: yolo
        """,
        "3:11",
        'group name "yolo" is used twice in this file (first on line 2); group names are unique',
    ),
    (
        "model/rulefmt/testdata/invalid_label_name.bad.yaml",
        """\
        groups:
          - name: yolo
            rules:
              - record: hola
                expr: 1
                labels:
                  __name__: anything
        """,
        "7:11",
        'group "yolo", rule 1 "hola": label \'__name__\' is not a valid label name; __name__ is '
        "the metric name",
    ),
    (
        "model/rulefmt/testdata/invalid_record_name.bad.yaml",
        """\
        groups:
          - name: yolo
            rules:
              - record: strawberry{flavor="sweet"}
                expr: 1
        """,
        "4:17",
        'group "yolo", rule 1 "strawberry{flavor=\\"sweet\\"}": braces in the recording rule name '
        '"strawberry{flavor=\\"sweet\\"}": should they be in expr?',
    ),
    (
        "model/rulefmt/testdata/no_rec_alert.bad.yaml",
        """\
        groups:
          - name: yolo
            rules:
              - expr: 1
        """,
        "4:9",
        'group "yolo", rule 1: a rule needs record: (the metric name a recording rule writes) or '
        "alert: (the name of an alerting rule)",
    ),
    (
        "model/rulefmt/testdata/noexpr.bad.yaml",
        """\
        groups:
          - name: yolo
            rules:
              - record: ylo
        """,
        "4:9",
        'group "yolo", rule 1 "ylo": the rule has no expr:; every rule needs a PromQL expression',
    ),
    (
        "model/rulefmt/testdata/record_and_alert.bad.yaml",
        """\
        groups:
          - name: yolo
            rules:
              - record: Hi
                alert: Hello
                expr: 1
        """,
        "4:9",
        'group "yolo", rule 1 "Hello": a rule sets either record: (a recording rule) or alert: '
        "(an alerting rule), not both",
    ),
    (
        "model/rulefmt/testdata/record_and_for.bad.yaml",
        """\
        groups:
          - name: yolo
            rules:
              - record: Hello
                expr: 1
                for: 1m
        """,
        "6:9",
        'group "yolo", rule 1 "Hello": a recording rule has no for: (it applies to alerts)',
    ),
    (
        "model/rulefmt/testdata/record_and_keep_firing_for.bad.yaml",
        """\
        groups:
          - name: yolo
            rules:
              - record: Hello
                expr: 1
                keep_firing_for: 1m
        """,
        "6:9",
        'group "yolo", rule 1 "Hello": a recording rule has no keep_firing_for: (it applies to '
        "alerts)",
    ),
    (
        "model/rulefmt/testdata/legacy_validation_annotation.bad.yaml",
        """\
        groups:
          - name: yolo
            rules:
              - alert: hola
                expr: 1
                annotations:
                  ins-tance: localhost
        """,
        "7:11",
        'group "yolo", rule 1 "hola": annotation \'ins-tance\' is not a valid annotation name',
    ),
    (
        # Valid for Prometheus 3 with UTF-8 names; the legacy scheme (AMP) refuses it.
        "model/rulefmt/testdata/utf-8_lname.good.yaml",
        """\
        groups:
          - name: yolo
            rules:
              - record: hola
                expr: 1
                labels:
                  ins-tance: localhost
        """,
        "7:11",
        'group "yolo", rule 1 "hola": label \'ins-tance\' is not a valid label name; a label '
        "name is letters, digits and _, not starting with a digit",
    ),
    (
        # Group labels are Prometheus 3.0; AMP does not document them.
        "docs/configuration/alerting_rules.md: first example (group labels)",
        """\
        groups:
        - name: example
          labels:
            team: myteam
          rules:
          - alert: HighRequestLatency
            expr: job:request_latency_seconds:mean5m{job="myjob"} > 0.5
            for: 10m
        """,
        "3:3",
        'group "example": group labels arrived in Prometheus 3.0 and Amazon Managed Service for '
        "Prometheus does not document them; put the labels under each rule's labels: instead",
    ),
]


@pytest.mark.parametrize(
    ("source", "text", "where", "message"), INVALID, ids=[s for s, *_ in INVALID]
)
def test_prometheus_own_invalid_rule_files_are_refused(
    source: str, text: str, where: str, message: str
) -> None:
    problems = _problems(text, source="r.yaml")
    assert problems, source
    first = problems[0]
    assert first.location == f"r.yaml:{where}"
    assert first.message.startswith(message), first.message


def test_there_are_at_least_ten_invalid_examples() -> None:
    assert len(INVALID) >= 10


# --------------------------------------------------- the bad inputs, in full


def test_invalid_yaml_is_reported_at_its_line_and_column() -> None:
    text = "groups:\n  - name: api\n    rules: [\n"
    with pytest.raises(yaml.MarkedYAMLError) as raised:
        yaml.compose(text)
    problem = yaml_error_problem(raised.value, source="rules/api.yaml")
    assert problem.location == "rules/api.yaml:4:1"
    assert problem.message == (
        "not valid YAML: while parsing a flow node: expected the node content, but found "
        "'<stream end>'; write valid YAML here: indent with spaces, close every quote, bracket "
        "and brace, and quote a value that holds ': '"
    )


def test_a_tab_and_a_second_document_get_their_own_words() -> None:
    with pytest.raises(yaml.MarkedYAMLError) as raised:
        yaml.compose("groups:\n\t- name: api\n")
    assert yaml_error_problem(raised.value, source="r.yaml") == Problem(
        "r.yaml:2:1", "a tab: YAML indents with spaces, never tabs; replace the tab with spaces"
    )
    with pytest.raises(yaml.MarkedYAMLError) as raised:
        yaml.compose("groups: []\n---\ngroups: []\n")
    problem = yaml_error_problem(raised.value, source="r.yaml")
    assert problem.location == "r.yaml:2:1"
    assert problem.message.startswith("a second YAML document starts here (---)")


def test_an_error_without_a_mark_is_located_at_the_file() -> None:
    assert yaml_error_problem(ValueError("broken"), source="r.yaml") == Problem(
        "r.yaml", f"not valid YAML: broken; {prometheus_rules.YAML_RULE}"
    )


def test_a_rule_without_expr() -> None:
    assert _problems(
        """\
        groups:
          - name: api
            rules:
              - alert: Down
                for: 5m
        """
    ) == [
        Problem(
            "rules.yaml:4:9",
            'group "api", rule 1 "Down": the rule has no expr:; every rule needs a PromQL '
            "expression\n        - alert: Down\n          ^",
        )
    ]


def test_a_promql_syntax_error_names_file_group_rule_and_shows_a_caret() -> None:
    assert _problems(
        """\
        groups:
          - name: api
            rules:
              - record: job:http_requests:rate5m
                expr: sum(rate(http_requests_total[5m]) by (job)
        """
    ) == [
        Problem(
            "rules.yaml:5:18",
            'group "api", rule 1 "job:http_requests:rate5m": expr: could not parse expression: '
            "not valid PromQL: unclosed left parenthesis; write expr: in PromQL, closing every "
            "( [ and { it opens (https://prometheus.io/docs/prometheus/latest/querying/basics/)\n"
            "  sum(rate(http_requests_total[5m]) by (job)\n"
            "     ^",
        )
    ]


def test_an_experimental_function_in_a_rule_is_refused_at_its_column() -> None:
    assert _problems(
        """\
        groups:
          - name: api
            rules:
              - record: job:top:limitk
                expr: limitk(5, sum by (job) (rate(http_requests_total[5m])))
        """
    ) == [
        Problem(
            "rules.yaml:5:15",
            'group "api", rule 1 "job:top:limitk": expr: not PromQL of Prometheus 2 without '
            "feature flags, the PromQL checked for Amazon Managed Service for Prometheus: limitk "
            "is an experimental aggregation, which Prometheus evaluates only with "
            "--enable-feature=promql-experimental-functions; write the query with the stable "
            "functions of https://prometheus.io/docs/prometheus/latest/querying/functions/"
            "\n  limitk(5, sum by (job) (rate(http_requests_total[5m])))\n  ^",
        )
    ]


def test_a_promql_error_in_a_block_is_located_on_its_own_line() -> None:
    problems = _problems(
        """\
        groups:
          - name: api
            rules:
              - alert: Slow
                expr: |
                  histogram_quantile(0.99, rate(x_bucket[5m]))
                    > 1h30
        """
    )
    assert [p.location for p in problems] == ["rules.yaml:7:15"]
    assert "bad number or duration syntax: 1h30;" in problems[0].message


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("5 m", "it has a space; write each number and its unit together (5m)"),
        ("1h30", "the number 30 at the end has no unit"),
    ],
)
def test_durations_prometheus_refuses(value: str, reason: str) -> None:
    problems = _problems(
        f"""\
        groups:
          - name: api
            interval: {value}
            rules:
              - alert: Down
                expr: up == 0
                for: {value}
        """
    )
    assert [p.location for p in problems] == ["rules.yaml:3:15", "rules.yaml:7:14"]
    allowed = (
        "a Prometheus duration is whole numbers each followed by a unit (ms, s, m, h, d, w, y), "
        "largest unit first and no spaces, such as 30s, 5m or 1h30m"
    )
    assert problems[0].message.startswith(
        f'group "api": interval: {value!r} is not a duration: {reason}; {allowed}\n'
    )
    assert problems[1].message.startswith(
        f'group "api", rule 1 "Down": for: {value!r} is not a duration: {reason}; {allowed}\n'
    )


def test_a_recording_rule_name_that_is_not_a_metric_name() -> None:
    (problem,) = _problems(_record("sum(up)", "job-up:sum"))
    assert problem.location == "rules.yaml:4:17"
    assert problem.message == (
        'group "example", rule 1 "job-up:sum": \'job-up:sum\' is not a valid recording rule '
        "name; a metric name is letters, digits, _ and :, not starting with a digit (such as "
        "job:http_requests:rate5m)\n"
        "        - record: job-up:sum\n"
        "                  ^"
    )


def test_an_alert_label_that_is_not_a_label_name() -> None:
    (problem,) = _problems(
        """\
        groups:
          - name: api
            rules:
              - alert: Down
                expr: up == 0
                labels:
                  1severity: page
        """
    )
    assert problem == Problem(
        "rules.yaml:7:11",
        'group "api", rule 1 "Down": label \'1severity\' is not a valid label name; a label '
        "name is letters, digits and _, not starting with a digit (such as severity)\n"
        "            1severity: page\n"
        "            ^",
    )


# ----------------------------------------------------------------- more of the port


def test_without_text_messages_carry_no_quoted_line() -> None:
    text = "groups:\n  - name: api\n    rules:\n      - record: ylo\n"
    assert rule_file_problems(yaml.compose(text), source="r.yaml") == [
        Problem(
            "r.yaml:4:9",
            'group "api", rule 1 "ylo": the rule has no expr:; every rule needs a PromQL '
            "expression",
        )
    ]


def test_an_empty_file_and_a_file_without_groups() -> None:
    assert rule_file_problems(None, source="r.yaml") == [
        Problem(
            "r.yaml:1:1",
            "the rule file is empty; a rule file is a mapping with groups:, a list of rule groups "
            "(https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/)",
        )
    ]
    problems = _problems("group:\n  - name: api\n")
    assert [p.location for p in problems] == ["rules.yaml:1:1", "rules.yaml:1:1"]
    assert problems[0].message.startswith(
        "the rule file: unknown key 'group' (did you mean 'groups'?); the keys are groups"
    )
    assert problems[1].message.startswith("the rule file has no groups:")
    assert _problems("groups: []\n")[0].message.startswith("groups: holds no rule group")
    assert _problems("- name: a\n")[0].message.startswith(
        "a rule file is a mapping with groups:, not a list"
    )


def test_a_key_written_twice_is_refused() -> None:
    problems = _problems(
        """\
        groups:
          - name: api
            rules:
              - alert: Down
                expr: up == 0
                expr: up == 1
        """
    )
    assert [p.location for p in problems] == ["rules.yaml:6:9"]
    assert problems[0].message.startswith(
        "group \"api\", rule 1: the key 'expr' is written twice in this mapping (first on line 5); "
        "write it once"
    )


def test_query_offset_is_refused_with_the_workspace_setting_named() -> None:
    (problem,) = _problems("groups:\n  - name: api\n    query_offset: 1m\n    rules: []\n")
    assert problem.location == "rules.yaml:3:5"
    assert "WorkspaceConfiguration RuleQueryOffsetInSeconds" in problem.message


def test_group_name_interval_and_limit() -> None:
    problems = _problems(
        """\
        groups:
          - name: ""
            interval: 1m1h
            limit: ten
            rules: []
        """
    )
    assert [(p.location, p.message.split("\n")[0]) for p in problems] == [
        (
            "rules.yaml:2:11",
            "groups[0]: the group name must not be empty; write name: with a name unique in the "
            "file",
        ),
        (
            "rules.yaml:3:15",
            "groups[0]: interval: '1m1h' is not a duration: its units must go from largest to "
            "smallest, each once (1h30m, not 30m1h); a Prometheus duration is whole numbers each "
            "followed by a unit (ms, s, m, h, d, w, y), largest unit first and no spaces, such as "
            "30s, 5m or 1h30m",
        ),
        (
            "rules.yaml:4:12",
            "groups[0]: limit 'ten' is not a whole number; limit is how many series or alerts a "
            "rule may produce (0 for no limit)",
        ),
    ]


def test_a_recording_rule_with_annotations_and_a_mapping_as_expr() -> None:
    problems = _problems(
        """\
        groups:
          - name: api
            rules:
              - record: job:up:sum
                expr: {sum: up}
                annotations:
                  summary: no
        """
    )
    assert [p.message.split("\n")[0] for p in problems] == [
        'group "api", rule 1: expr must be text, not a mapping',
        'group "api", rule 1 "job:up:sum": a recording rule has no annotations (they describe '
        "alerts); remove them or make the rule an alert:",
    ]


def test_alert_templates_must_close_their_actions() -> None:
    problems = _problems(
        """\
        groups:
          - name: api
            rules:
              - alert: Down
                expr: up == 0
                labels:
                  owner: "{{ $labels.team"
                annotations:
                  summary: "{{ $labels.instance }} is down {{ $value"
                  runbook: "}} is only text"
        """
    )
    assert [(p.location, p.message.split("\n")[0]) for p in problems] == [
        (
            "rules.yaml:7:18",
            'group "api", rule 1 "Down": label "owner": the template action {{ at column 1 of the '
            "value is never closed with }}; Prometheus reads alert labels and annotations as Go "
            "templates ({{ $labels.job }}, {{ $value }})",
        ),
        (
            "rules.yaml:9:20",
            'group "api", rule 1 "Down": annotation "summary": the template action {{ at column '
            "32 of the value is never closed with }}; Prometheus reads alert labels and "
            "annotations as Go templates ({{ $labels.job }}, {{ $value }})",
        ),
    ]


def test_recording_rule_labels_are_not_templates() -> None:
    assert (
        _problems(
            "groups:\n  - name: a\n    rules:\n      - record: a:b\n        expr: up\n"
            "        labels:\n          note: '{{ not a template'\n"
        )
        == []
    )


def test_unclosed_template() -> None:
    assert unclosed_template("{{ $value }} and {{ $labels.job }}") is None
    assert unclosed_template("}} {{") == 3
    assert unclosed_template("{{ a {{ b }}") == 0


def test_the_namespace_and_group_name_fit_721_bytes() -> None:
    text = "groups:\n  - name: " + "g" * 700 + "\n    rules: []\n"
    assert _problems(text, namespace="n" * 21) == []
    (problem,) = _problems(text, namespace="n" * 22)
    assert problem.location == "rules.yaml:2:11"
    assert (
        "are 722 UTF-8 bytes together; Amazon Managed Service for Prometheus takes at most 721"
        in problem.message
    )


# ------------------------------------------------------------------------ durations


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0", 0.0),
        ("0s", 0.0),
        ("30s", 30.0),
        ("5m", 300.0),
        ("1h30m", 5400.0),
        ("500ms", 0.5),
        ("1d", 86400.0),
        ("1w", 604800.0),
        ("1y", 31536000.0),
        ("2h45m30s250ms", 9930.25),
    ],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds
    assert check_duration(text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "it is empty"),
        ("5 m", "it has a space; write each number and its unit together (5m)"),
        ("1h30", "the number 30 at the end has no unit"),
        ("30", "the number 30 at the end has no unit"),
        ("1.5h", "it has a decimal point; write whole numbers (1h30m rather than 1.5h)"),
        ("-5m", "it has a sign; durations are written without + or -"),
        ("5min", "'min' is not a unit"),
        ("5M", "'M' is not a unit"),
        ("30m1h", "its units must go from largest to smallest, each once (1h30m, not 30m1h)"),
        ("1m1m", "its units must go from largest to smallest, each once (1h30m, not 30m1h)"),
        ("300y", "it is longer than Prometheus can hold (about 292 years)"),
        ("m", "it is not a number followed by a unit"),
    ],
)
def test_check_duration(text: str, reason: str) -> None:
    assert parse_duration(text) is None
    assert check_duration(text) == (
        f"{text!r} is not a duration: {reason}; a Prometheus duration is whole numbers each "
        "followed by a unit (ms, s, m, h, d, w, y), largest unit first and no spaces, such as "
        "30s, 5m or 1h30m"
    )


# ------------------------------------------------------------------ shipped defaults


def test_the_shipped_rules_are_valid() -> None:
    text = default_service_rules("checkout")
    assert rule_file_problems(yaml.compose(text), source="defaults", text=text) == []


def test_the_shipped_rules_record_rate_errors_and_quantiles_and_alert_on_them() -> None:
    (group,) = yaml.safe_load(default_service_rules("checkout"))["groups"]
    assert group["name"] == "checkout-http"
    rules = {
        (r.get("record") or r["alert"], r.get("labels", {}).get("quantile")): r
        for r in group["rules"]
    }
    assert rules[("job:http_server_requests:rate5m", None)]["expr"] == (
        'sum by (job) (rate(http_server_request_duration_seconds_count{job="checkout"}[5m]))'
    )
    assert rules[("job:http_server_request_errors:ratio_rate5m", None)]["expr"] == (
        "sum by (job) (rate(http_server_request_duration_seconds_count"
        '{job="checkout",http_response_status_code=~"5.."}[5m])) / '
        'sum by (job) (rate(http_server_request_duration_seconds_count{job="checkout"}[5m]))'
    )
    for quantile in ("0.5", "0.9", "0.99"):
        rule = rules[
            ("job:http_server_request_duration_seconds:histogram_quantile_rate5m", quantile)
        ]
        assert rule["expr"] == (
            f"histogram_quantile({quantile}, sum by (job, le) "
            '(rate(http_server_request_duration_seconds_bucket{job="checkout"}[5m])))'
        )
    errors = rules[("HttpServerErrorRatioHigh", None)]
    assert errors["expr"] == 'job:http_server_request_errors:ratio_rate5m{job="checkout"} > 0.05'
    assert errors["for"] == "5m"
    assert errors["labels"] == {"severity": "critical"}
    latency = rules[("HttpServerLatencyP99High", None)]
    assert latency["expr"] == (
        'job:http_server_request_duration_seconds:histogram_quantile_rate5m{job="checkout",'
        'quantile="0.99"} > 1'
    )
    assert latency["annotations"]["summary"] == "{{ $labels.job }}: p99 HTTP latency above 1s"
    assert len(group["rules"]) == 7


def test_the_shipped_rules_take_their_settings() -> None:
    text = default_service_rules(
        'pay"ments',
        service_label="service",
        window="10m",
        error_ratio_threshold=0.001,
        p99_latency_seconds=0.25,
        alert_for="15m",
        severity="warning",
        interval="30s",
    )
    assert rule_file_problems(yaml.compose(text), source="defaults", text=text) == []
    (group,) = yaml.safe_load(text)["groups"]
    assert group["interval"] == "30s"
    alerts = [r for r in group["rules"] if "alert" in r]
    assert alerts[0]["expr"] == (
        'service:http_server_request_errors:ratio_rate10m{service="pay\\"ments"} > 0.001'
    )
    assert alerts[1]["expr"].endswith(" > 0.25")
    assert {a["for"] for a in alerts} == {"15m"}
    assert {a["labels"]["severity"] for a in alerts} == {"warning"}


def test_the_shipped_rules_refuse_settings_they_cannot_use() -> None:
    with pytest.raises(BlueprintError) as raised:
        default_service_rules(
            "",
            service_label="service-name",
            window="5 m",
            error_ratio_threshold=5,
            p99_latency_seconds=0,
        )
    assert [p.location for p in raised.value.problems] == [
        "service",
        "service_label",
        "window",
        "error_ratio_threshold",
        "p99_latency_seconds",
    ]
    assert str(raised.value).splitlines()[3] == (
        "error_ratio_threshold: 5 is not a share of requests; use a number above 0 and at most 1 "
        "(0.05 for 5%)"
    )


@pytest.mark.parametrize(
    ("label", "why"),
    [
        ("__name__", "'__name__' is reserved: label names starting with __ are Prometheus' own"),
        ("__meta_service", "'__meta_service' is reserved: label names starting with __"),
        ("le", "'le' is a label the shipped rules use themselves (the histogram's bucket bound"),
        ("quantile", "'quantile' is a label the shipped rules use themselves (written by"),
        (
            "http_response_status_code",
            "'http_response_status_code' is a label the shipped rules use themselves (the "
            "status code",
        ),
        ("severity", "'severity' is a label the shipped rules use themselves (set by"),
    ],
)
def test_the_service_label_cannot_be_one_prometheus_or_the_rules_own(label: str, why: str) -> None:
    with pytest.raises(BlueprintError) as raised:
        default_service_rules("checkout", service_label=label)
    (problem,) = raised.value.problems
    assert problem.location == "service_label"
    assert problem.message.startswith(why)
    assert "give the label your series carry the service in, such as job or service" in (
        problem.message
    )


def test_the_module_examples_hold() -> None:
    result = doctest.testmod(prometheus_rules, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_odd_shapes_are_reported_not_raised() -> None:
    cases = {
        "groups:\n  - &r\n    <<: *r\n    name: a\n": [],
        "groups:\n  - name: a\n    limit: -1\n": [
            'group "a": limit -1 is below 0; limit is how many series or alerts a rule may '
            "produce (0 for no limit)"
        ],
        "? [a]\n: b\n": [
            "the rule file has no groups:; write groups: with at least one group",
            "the rule file: a key must be text, not a list",
        ],
        "groups: 5\n": ["groups must be a list, not text"],
        "groups:\n  - name: a\n    rules:\n      - null\n      - [record, a]\n": [
            'group "a", rule 1 is empty; a rule has record: or alert:, and expr:',
            'group "a", rule 2 must be a mapping, not a list',
        ],
    }
    for text, messages in cases.items():
        problems = rule_file_problems(yaml.compose(text), source="f")
        assert [p.message for p in problems] == messages, text


def test_a_merged_rule_is_reported_once() -> None:
    text = (
        "groups:\n  - name: a\n    rules:\n"
        "      - &base\n        alert: A\n        expr: up\n        severity: page\n"
        "      - <<: *base\n        alert: B\n"
    )
    problems = rule_file_problems(yaml.compose(text), source="f")
    assert [p.location for p in problems] == ["f:7:9"]
    assert problems[0].message.startswith("group \"a\", rule 1: unknown key 'severity'")
