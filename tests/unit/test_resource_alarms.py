"""From recommended alarms and a user's overrides to the alarms to create (issue 15, part 1).

Expected numbers are computed by hand in the comments beside them, and the
expected alarm sets per type are read off the data file's entries by hand.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from observability_blueprint.rules.alarm_settings import ALARM_DESCRIPTION_MAX
from observability_blueprint.rules.recommended_alarms import RESOURCE_TYPES, alarms_for
from observability_blueprint.rules.resource_alarms import (
    APPLIES_TO,
    DERIVED_FROM,
    DERIVED_THRESHOLDS,
    FEATURES,
    NOT_DERIVED,
    REQUIRES,
    SUB_RESOURCES,
    AlarmOverride,
    ResolvedAlarm,
    ResourceFacts,
    alarm_ids,
    is_short_name,
    resolve_alarms,
)

WHERE = "services[0].resources[1]"

IDENTITY: Mapping[str, Mapping[str, str]] = {
    "lambda_function": {"FunctionName": "checkout"},
    "api_gateway_rest_api": {"ApiName": "shop", "Stage": "prod"},
    "api_gateway_http_api": {"ApiId": "a1b2c3", "Stage": "$default"},
    "application_load_balancer": {"LoadBalancer": "app/web/50dc6c495c0c9188"},
    "network_load_balancer": {"LoadBalancer": "net/edge/50dc6c495c0c9188"},
    "elb_target_group": {
        "TargetGroup": "targetgroup/web/73e2d6bc24d8a067",
        "LoadBalancer": "app/web/50dc6c495c0c9188",
    },
    "dynamodb_table": {"TableName": "orders"},
    "sqs_queue": {"QueueName": "orders"},
    "sns_topic": {"TopicName": "events"},
    "kinesis_stream": {"StreamName": "clicks"},
    "step_functions_state_machine": {
        "StateMachineArn": "arn:aws:states:eu-west-1:111122223333:stateMachine:flow"
    },
    "ecs_service": {"ClusterName": "main", "ServiceName": "api"},
    "eks_cluster": {"ClusterName": "k8s"},
    "rds_db_instance": {"DBInstanceIdentifier": "db1"},
    "rds_db_cluster": {"DBClusterIdentifier": "aurora1"},
    "autoscaling_group": {"AutoScalingGroupName": "fleet"},
    "cloudfront_distribution": {"DistributionId": "E2QWRUHAPOMQZL"},
}


def resolve(
    resource_type: str,
    overrides: Mapping[str, AlarmOverride] | None = None,
    facts: ResourceFacts | None = None,
    dimensions: Mapping[str, str] | None = None,
) -> tuple[list[ResolvedAlarm], list[str]]:
    alarms, problems = resolve_alarms(
        resource_type,
        dimensions=IDENTITY[resource_type] if dimensions is None else dimensions,
        overrides=overrides or {},
        facts=facts or ResourceFacts(),
        where=WHERE,
    )
    return alarms, [str(p) for p in problems]


def by_id(alarms: list[ResolvedAlarm]) -> dict[str, ResolvedAlarm]:
    return {a.alarm_id: a for a in alarms}


def only(alarms: list[ResolvedAlarm], alarm_id: str) -> ResolvedAlarm:
    found = [a for a in alarms if a.alarm_id == alarm_id]
    assert len(found) == 1, [a.alarm_id for a in alarms]
    return found[0]


# ------------------------------------------------------------ the tables cover the data file


def test_every_requires_text_of_the_data_file_is_mapped_to_known_features() -> None:
    texts = {a.requires for t in RESOURCE_TYPES for a in alarms_for(t) if a.requires}
    assert texts - set(REQUIRES) == set()
    assert set(REQUIRES) - texts == set(), "a mapped text the data file no longer has"
    for features in REQUIRES.values():
        assert set(features) <= set(FEATURES)


def test_every_applies_to_text_of_the_data_file_is_mapped() -> None:
    texts = {a.applies_to for t in RESOURCE_TYPES for a in alarms_for(t) if a.applies_to}
    assert texts == set(APPLIES_TO)


def test_every_derive_rule_is_implemented_or_says_why_not() -> None:
    derived = {
        a.id
        for t in RESOURCE_TYPES
        for a in alarms_for(t)
        if a.default_threshold is not None and a.default_threshold.derive
    }
    assert derived == set(DERIVED_THRESHOLDS) | set(NOT_DERIVED)
    assert not set(DERIVED_THRESHOLDS) & set(NOT_DERIVED)
    assert set(DERIVED_FROM) == set(DERIVED_THRESHOLDS)


def test_every_sub_resource_alarm_says_where_its_parts_are_listed() -> None:
    for resource_type in RESOURCE_TYPES:
        for alarm in alarms_for(resource_type):
            if alarm.scope != "sub_resource":
                assert alarm.id not in SUB_RESOURCES
                continue
            sub = SUB_RESOURCES[alarm.id]
            assert set(sub.dimensions) <= set(alarm.dimensions), alarm.id


def test_alarm_ids_are_the_data_files_in_order() -> None:
    assert alarm_ids("sqs_queue") == (
        "sqs.approximate_age_of_oldest_message",
        "sqs.approximate_number_of_messages_not_visible",
        "sqs.approximate_number_of_messages_visible",
        "sqs.number_of_messages_sent",
        "sqs.ours.dead_letter_queue_not_empty",
        "sqs.ours.dead_letter_queue_age",
    )


# ------------------------------------------------------------ defaults per type


# Alarms on by default whose threshold is fixed (AWS's or ours), with no prerequisite or
# applicability: what a resource gets with no facts at all. Read off the data file.
DEFAULTS_WITHOUT_FACTS: Mapping[str, tuple[str, ...]] = {
    "api_gateway_rest_api": (
        "apigw_rest.4xx_error",
        "apigw_rest.5xx_error",
        "apigw_rest.latency_stage",
    ),
    "api_gateway_http_api": ("apigw_http.latency_stage", "apigw_http.4xx", "apigw_http.5xx"),
    "application_load_balancer": (
        "alb.ours.elb_5xx_rate",
        "alb.ours.target_5xx_rate",
        "alb.ours.target_response_time",
        "alb.ours.rejected_connections",
    ),
    "network_load_balancer": ("nlb.ours.port_allocation_errors",),
    "elb_target_group": ("tg.ours.no_healthy_hosts", "tg.ours.unhealthy_hosts"),
    "step_functions_state_machine": (
        "sfn.ours.executions_failed",
        "sfn.ours.executions_timed_out",
        "sfn.ours.execution_throttled",
    ),
    "ecs_service": ("ecs.cpu_utilization", "ecs.memory_utilization"),
    "eks_cluster": (
        "eks.ours.apiserver_5xx",
        "eks.ours.unschedulable_pods",
        "eks.ours.etcd_storage_size",
    ),
    "rds_db_instance": ("rds.cpu_utilization",),  # replication_stopped: read replicas only
    "rds_db_cluster": (),
    "autoscaling_group": ("asg.ours.status_check_failed",),
}


# On by default for every engine, with a workload-dependent threshold and no facts to derive it.
UNSET_WITHOUT_FACTS: Mapping[str, tuple[str, ...]] = {
    "rds_db_instance": (
        "rds.database_connections",
        "rds.freeable_memory",
        "rds.read_latency",
        "rds.write_latency",
    ),
}


@pytest.mark.parametrize("resource_type", sorted(DEFAULTS_WITHOUT_FACTS))
def test_defaults_with_no_facts(resource_type: str) -> None:
    alarms, problems = resolve(resource_type)
    assert tuple(a.alarm_id for a in alarms) == DEFAULTS_WITHOUT_FACTS[resource_type]
    assert [p.split(": ", 1)[0] for p in problems] == [
        f"{WHERE}.alarms.{alarm_id}.threshold"
        for alarm_id in UNSET_WITHOUT_FACTS.get(resource_type, ())
    ]


@pytest.mark.parametrize("resource_type", RESOURCE_TYPES)
def test_every_created_alarm_carries_the_data_files_values(resource_type: str) -> None:
    thresholds = {a.id: AlarmOverride(threshold=7.0) for a in alarms_for(resource_type)}
    entries = {a.id: a for a in alarms_for(resource_type)}
    facts = ResourceFacts(features=frozenset(FEATURES), load_balancer_kind="application")
    alarms, _ = resolve(resource_type, overrides=thresholds, facts=facts)
    assert alarms, resource_type
    for alarm in alarms:
        entry = entries[alarm.alarm_id]
        assert alarm.metric == entry.metric
        assert alarm.statistic == entry.statistic
        assert alarm.expression == entry.expression
        assert alarm.inputs == entry.inputs
        assert alarm.period == entry.period
        assert alarm.evaluation_periods == entry.evaluation_periods
        assert alarm.datapoints_to_alarm == entry.datapoints_to_alarm
        assert alarm.treat_missing_data == entry.treat_missing_data
        assert alarm.comparison == (entry.comparison_override or entry.comparison)
        assert alarm.source == entry.source
        assert alarm.scope == entry.scope
        assert tuple(alarm.dimensions) == (() if entry.scope == "region" else entry.dimensions)
        assert len(alarm.description) <= ALARM_DESCRIPTION_MAX
        assert is_short_name(alarm.short_name), alarm.short_name


def test_a_lambda_function_with_its_thresholds_set() -> None:
    overrides = {
        "lambda.claimed_account_concurrency": AlarmOverride(threshold=900),
        "errors": AlarmOverride(threshold=1),
        "throttles": AlarmOverride(threshold=1),
        "duration": AlarmOverride(threshold=2500),
    }
    alarms, problems = resolve("lambda_function", overrides=overrides)
    assert problems == []
    assert [a.alarm_id for a in alarms] == [
        "lambda.claimed_account_concurrency",
        "lambda.errors",
        "lambda.throttles",
        "lambda.duration",
    ]
    errors = only(alarms, "lambda.errors")
    assert errors.dimensions == {"FunctionName": "checkout"}
    assert (errors.statistic, errors.comparison, errors.period) == ("Sum", ">", 60)
    assert (errors.evaluation_periods, errors.datapoints_to_alarm) == (3, 3)
    assert (errors.threshold, errors.threshold_from) == (1, "file")
    assert errors.short_name == "errors"
    assert "Threshold 1: set in the blueprint." in errors.description


def test_an_aws_threshold_is_taken_as_the_page_states_it() -> None:
    alarms, _ = resolve("api_gateway_rest_api")
    latency = only(alarms, "apigw_rest.latency_stage")
    assert (latency.threshold, latency.threshold_from, latency.statistic) == (2500, "aws", "p90")
    assert latency.comparison == ">="
    assert latency.dimensions == {"ApiName": "shop", "Stage": "prod"}
    assert "Threshold 2500: as AWS recommends." in latency.description
    assert "Best_Practice_Recommended_Alarms_AWS_Services.html" in latency.description


def test_the_page_anomaly_comparison_is_replaced_by_ours() -> None:
    # The page says LESS_THAN_OR_EQUAL_TO_THRESHOLD 80 on service-level TaskMemoryUtilization.
    facts = ResourceFacts(features=frozenset({"enhanced_observability"}))
    alarms, problems = resolve("ecs_service", facts=facts)
    assert problems == []
    assert only(alarms, "ecs_ci_enh.task_memory_utilization").comparison == ">"


# ------------------------------------------------------------ prerequisites


def test_an_alarm_needing_a_feature_is_made_only_when_the_feature_is_known_on() -> None:
    overrides = {"ecs_ci.ephemeral_storage_utilized": AlarmOverride(enabled=False)}
    without, _ = resolve("ecs_service", overrides=overrides)
    assert "ecs_ci.running_task_count" not in by_id(without)
    facts = ResourceFacts(features=frozenset({"container_insights"}))
    with_ci, problems = resolve("ecs_service", overrides=overrides, facts=facts)
    assert problems == []
    assert {"ecs_ci.running_task_count", "ecs.ours.running_below_desired"} <= set(by_id(with_ci))
    assert "ecs_ci_enh.task_cpu_utilization" not in by_id(with_ci)


def test_enhanced_observability_implies_container_insights() -> None:
    facts = ResourceFacts(features=frozenset({"enhanced_observability"}))
    alarms, _ = resolve("ecs_service", facts=facts)
    assert {"ecs_ci.running_task_count", "ecs_ci_enh.task_cpu_utilization"} <= set(by_id(alarms))


def test_an_alarm_needing_two_features_needs_both() -> None:
    # "Container Insights on the cluster; Fargate"
    ci = ResourceFacts(features=frozenset({"container_insights"}), ephemeral_storage_gib=20)
    assert "ecs_ci.ephemeral_storage_utilized" not in by_id(resolve("ecs_service", facts=ci)[0])
    both = ResourceFacts(
        features=frozenset({"container_insights", "fargate"}), ephemeral_storage_gib=20
    )
    alarms, problems = resolve("ecs_service", facts=both)
    assert problems == []
    assert "ecs_ci.ephemeral_storage_utilized" in by_id(alarms)


def test_enabled_true_makes_an_alarm_whose_prerequisite_is_not_known() -> None:
    overrides = {"insights_memory_utilization": AlarmOverride(enabled=True)}
    alarms, problems = resolve(
        "lambda_function",
        overrides=overrides
        | {
            "claimed_account_concurrency": AlarmOverride(enabled=False),
            "errors": AlarmOverride(enabled=False),
            "throttles": AlarmOverride(enabled=False),
            "duration": AlarmOverride(enabled=False),
        },
    )
    assert problems == []
    insights = only(alarms, "lambda.insights_memory_utilization")
    # LambdaInsights names the dimension function_name; the identity gives FunctionName.
    assert insights.namespace == "LambdaInsights"
    assert insights.dimensions == {"function_name": "checkout"}


def test_enabled_false_drops_a_default_alarm() -> None:
    alarms, problems = resolve(
        "api_gateway_rest_api", overrides={"apigw_rest.4xx_error": AlarmOverride(enabled=False)}
    )
    assert problems == []
    assert "apigw_rest.4xx_error" not in by_id(alarms)


def test_dead_letter_queue_alarms_only_on_dead_letter_queues() -> None:
    overrides = {"approximate_age_of_oldest_message": AlarmOverride(threshold=900)}
    queue, problems = resolve("sqs_queue", overrides=overrides)
    assert problems == []
    assert "sqs.ours.dead_letter_queue_not_empty" not in by_id(queue)
    dlq = ResourceFacts(is_dead_letter_queue=True, retention_seconds=1_209_600)
    alarms, problems = resolve("sqs_queue", overrides=overrides, facts=dlq)
    assert problems == []
    assert {"sqs.ours.dead_letter_queue_not_empty", "sqs.ours.dead_letter_queue_age"} <= set(
        by_id(alarms)
    )


def test_rds_engine_decides_which_engine_alarms_are_made() -> None:
    facts = ResourceFacts(
        engine="postgres", max_connections=100, memory_gib=8, allocated_storage_gib=100
    )
    overrides = {"read_latency": AlarmOverride(threshold=0.02)}
    overrides |= {"write_latency": AlarmOverride(threshold=0.02)}
    alarms, problems = resolve("rds_db_instance", overrides=overrides, facts=facts)
    assert problems == []
    made = set(by_id(alarms))
    assert {"rds.free_storage_space", "rds.maximum_used_transaction_ids"} <= made
    assert {"rds.buffer_cache_hit_ratio", "rds.rollback_segment_history_list_length"} & made == (
        set()
    )
    assert "rds.replica_lag" not in made  # not known to be a read replica
    aurora = ResourceFacts(engine="aurora-mysql", memory_gib=8)
    alarms, _ = resolve("rds_db_instance", overrides=overrides, facts=aurora)
    made = set(by_id(alarms))
    assert {"rds.buffer_cache_hit_ratio", "rds.rollback_segment_history_list_length"} <= made
    assert "rds.free_storage_space" not in made


def test_an_eks_cluster_gets_its_control_plane_alarms_without_features() -> None:
    # The Kubernetes 1.28+ prerequisite holds for every EKS cluster (REQUIRES maps it to ()).
    alarms, _ = resolve("eks_cluster")
    assert "eks.ours.apiserver_5xx" in by_id(alarms)


# ------------------------------------------------------------ overrides of each kind


def test_each_override_kind_is_applied() -> None:
    overrides = {
        "lambda.duration": AlarmOverride(
            threshold=5000,
            statistic="p99",
            period=300,
            evaluation_periods=4,
            datapoints_to_alarm=2,
            treat_missing_data="breaching",
        )
    }
    alarms, problems = resolve(
        "lambda_function",
        overrides=overrides | {"errors": AlarmOverride(threshold=1)},
        facts=ResourceFacts(account_concurrency_limit=1000),
    )
    assert [p for p in problems if "duration" in p] == []
    duration = only(alarms, "lambda.duration")
    assert (duration.threshold, duration.statistic, duration.period) == (5000, "p99", 300)
    assert (duration.evaluation_periods, duration.datapoints_to_alarm) == (4, 2)
    assert duration.treat_missing_data == "breaching"


def test_datapoints_follow_evaluation_periods_when_only_those_are_set() -> None:
    # AWS's 5XXError is 3 of 3; with evaluation_periods 6 it stays N of N: 6 of 6.
    alarms, problems = resolve(
        "api_gateway_rest_api", overrides={"5xx_error": AlarmOverride(evaluation_periods=6)}
    )
    assert problems == []
    error = only(alarms, "apigw_rest.5xx_error")
    assert (error.evaluation_periods, error.datapoints_to_alarm) == (6, 6)


def test_an_override_by_full_and_short_id_of_one_alarm_is_refused() -> None:
    _, problems = resolve(
        "api_gateway_rest_api",
        overrides={
            "apigw_rest.4xx_error": AlarmOverride(threshold=0.1),
            "4xx_error": AlarmOverride(threshold=0.2),
        },
    )
    assert problems == [
        f"{WHERE}.alarms.4xx_error: '4xx_error' and 'apigw_rest.4xx_error' both set "
        "apigw_rest.4xx_error; keep one"
    ]


# ------------------------------------------------------------ problems


def test_an_override_for_an_alarm_the_type_does_not_have_names_its_alarms() -> None:
    overrides = {
        "errors": AlarmOverride(threshold=1),
        "approximate_age_of_oldest_message": AlarmOverride(threshold=900),
    }
    _, problems = resolve("sqs_queue", overrides=overrides)
    assert problems == [
        f"{WHERE}.alarms.errors: 'errors' is not an alarm of sqs_queue; its alarms are "
        "sqs.approximate_age_of_oldest_message, sqs.approximate_number_of_messages_not_visible, "
        "sqs.approximate_number_of_messages_visible, sqs.number_of_messages_sent, "
        "sqs.ours.dead_letter_queue_not_empty, sqs.ours.dead_letter_queue_age (the part after "
        "the first dot is enough when it names one alarm: approximate_age_of_oldest_message)"
    ]


def test_a_workload_dependent_threshold_left_unset_says_what_to_write() -> None:
    _, problems = resolve("sqs_queue")
    assert len(problems) == 1
    problem = problems[0]
    assert problem.startswith(
        f"{WHERE}.alarms.sqs.approximate_age_of_oldest_message.threshold: AWS's threshold for "
        "ApproximateAgeOfOldestMessage depends on the workload (The recommended threshold "
    )
    assert problem.endswith(
        "; set it, e.g. alarms: {sqs.approximate_age_of_oldest_message: {threshold: 900}}, or "
        "disable it with enabled: false"
    )


def test_an_unset_threshold_that_facts_could_derive_says_which_facts() -> None:
    _, problems = resolve(
        "lambda_function",
        overrides={
            "claimed_account_concurrency": AlarmOverride(enabled=False),
            "errors": AlarmOverride(threshold=1),
            "throttles": AlarmOverride(threshold=1),
        },
    )
    assert len(problems) == 1
    assert problems[0].startswith(
        f"{WHERE}.alarms.lambda.duration.threshold: AWS's threshold for Duration depends on "
        "the workload (The threshold for the duration depends"
    )
    assert problems[0].endswith(
        "set it, e.g. alarms: {lambda.duration: {threshold: <number>}}, or disable it with "
        "enabled: false; or give the function's timeout, from which it is derived"
    )


def test_our_fixed_suggestion_is_never_used_silently() -> None:
    alarms, problems = resolve("sns_topic")
    assert "sns.number_of_notifications_failed" not in by_id(alarms)
    assert any("sns.number_of_notifications_failed.threshold" in p for p in problems)


def test_a_percentile_on_a_metric_without_is_refused() -> None:
    _, problems = resolve(
        "api_gateway_rest_api", overrides={"4xx_error": AlarmOverride(statistic="p99")}
    )
    assert problems == [
        f"{WHERE}.alarms.4xx_error.statistic: 'p99' is a percentile statistic and 4XXError of "
        "api_gateway_rest_api has none: use Average, Maximum, Minimum, SampleCount, Sum; "
        "percentiles exist for IntegrationLatency, Latency"
    ]


def test_a_statistic_cloudwatch_does_not_know_is_refused() -> None:
    _, problems = resolve(
        "api_gateway_rest_api", overrides={"4xx_error": AlarmOverride(statistic="Mean")}
    )
    assert problems == [
        f"{WHERE}.alarms.4xx_error.statistic: 'Mean' is not a statistic; use SampleCount, "
        "Average, Sum, Minimum, Maximum, a percentile such as p99 or p99.9, or tm90, "
        "TM(10%:90%), wm99, IQM"
    ]


def test_a_metric_math_alarm_refuses_a_statistic() -> None:
    _, problems = resolve(
        "application_load_balancer", overrides={"ours.elb_5xx_rate": AlarmOverride(statistic="Sum")}
    )
    assert problems == [
        f"{WHERE}.alarms.ours.elb_5xx_rate.statistic: 'Sum': alb.ours.elb_5xx_rate is metric "
        "math (100 * elb5xx / requests) and each of its metrics has its own statistic "
        "(elb5xx: HTTPCode_ELB_5XX_Count Sum, requests: RequestCount Sum); it takes no statistic"
    ]


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (
            AlarmOverride(period=45),
            "alarms.5xx_error.period: 45 is not an alarm period; use 10, 20 or 30 (high "
            "resolution) or a multiple of 60 seconds",
        ),
        (
            AlarmOverride(period=30),
            "alarms.5xx_error.period: 30 seconds is shorter than the one-minute resolution "
            "AWS/ApiGateway publishes at: the alarm would have no data; use 60 or a multiple "
            "of 60",
        ),
        (
            AlarmOverride(evaluation_periods=1500),
            "alarms.5xx_error.evaluation_periods: 1500 periods of 60 s is 90000 s; CloudWatch "
            "allows at most 86400 s (one day) for periods under an hour",
        ),
        (
            AlarmOverride(datapoints_to_alarm=4),
            "alarms.5xx_error.datapoints_to_alarm: 4 must be between 1 and evaluation_periods (3)",
        ),
        (
            AlarmOverride(treat_missing_data="zero"),
            "alarms.5xx_error.treat_missing_data: 'zero' is not a missing-data treatment; use one "
            "of breaching, notBreaching, ignore, missing",
        ),
        (
            AlarmOverride(threshold=float("nan")),
            "alarms.5xx_error.threshold: nan is not a number; use a finite one",
        ),
    ],
)
def test_a_bad_override_value_is_refused(override: AlarmOverride, expected: str) -> None:
    alarms, problems = resolve("api_gateway_rest_api", overrides={"5xx_error": override})
    assert problems == [f"{WHERE}.{expected}"]
    assert "apigw_rest.5xx_error" not in by_id(alarms)


def test_an_override_of_a_disabled_alarm_is_still_checked() -> None:
    _, problems = resolve(
        "api_gateway_rest_api",
        overrides={"count_stage": AlarmOverride(enabled=False, period=45)},
    )
    assert problems == [
        f"{WHERE}.alarms.count_stage.period: 45 is not an alarm period; use 10, 20 or 30 (high "
        "resolution) or a multiple of 60 seconds"
    ]


def test_a_needed_dimension_that_is_not_given_is_a_problem() -> None:
    _, problems = resolve(
        "elb_target_group",
        dimensions={"TargetGroup": "targetgroup/web/73e2d6bc24d8a067"},
        facts=ResourceFacts(load_balancer_kind="application"),
    )
    assert problems == [
        f"{WHERE}: tg.ours.no_healthy_hosts needs the dimension LoadBalancer, which the "
        "resource does not give (it gives TargetGroup)",
        f"{WHERE}: tg.ours.unhealthy_hosts needs the dimension LoadBalancer, which the "
        "resource does not give (it gives TargetGroup)",
    ]


def test_a_target_groups_namespace_follows_its_load_balancer() -> None:
    alarms, problems = resolve("elb_target_group")
    assert problems == []
    assert {a.namespace for a in alarms} == {"AWS/ApplicationELB"}
    network = {"TargetGroup": "targetgroup/tcp/1", "LoadBalancer": "net/edge/2"}
    alarms, _ = resolve("elb_target_group", dimensions=network)
    assert only(alarms, "tg.ours.no_healthy_hosts").namespace == "AWS/NetworkELB"
    token = {"TargetGroup": "${Token[TOKEN.1]}", "LoadBalancer": "${Token[TOKEN.2]}"}
    alarms, _ = resolve(
        "elb_target_group", dimensions=token, facts=ResourceFacts(load_balancer_kind="network")
    )
    assert only(alarms, "tg.ours.unhealthy_hosts").namespace == "AWS/NetworkELB"
    _, problems = resolve("elb_target_group", dimensions=token)
    assert problems[0] == (
        f"{WHERE}: tg.ours.no_healthy_hosts watches HealthyHostCount in AWS/ApplicationELB | "
        "AWS/NetworkELB, which one depends on the target group's load balancer, and its "
        "LoadBalancer dimension '${Token[TOKEN.2]}' does not say: give the load balancer kind "
        "(application or network)"
    )


# ------------------------------------------------------------ derived thresholds


@pytest.mark.parametrize(
    ("resource_type", "alarm_id", "facts", "overrides", "expected"),
    [
        # 0.8 x 30 s = 24 s = 24000 ms
        ("lambda_function", "lambda.duration", ResourceFacts(timeout_seconds=30), {}, 24000),
        # 0.9 x 1000 = 900
        (
            "lambda_function",
            "lambda.claimed_account_concurrency",
            ResourceFacts(account_concurrency_limit=1000),
            {},
            900,
        ),
        # 0.9 x reserved 50 = 45 (the account quota is not the limit then)
        (
            "lambda_function",
            "lambda.concurrent_executions",
            ResourceFacts(reserved_concurrency=50, account_concurrency_limit=1000),
            {"concurrent_executions": AlarmOverride(enabled=True)},
            45,
        ),
        # 0.8 x 120,000 in flight = 96000, FIFO or not
        (
            "sqs_queue",
            "sqs.approximate_number_of_messages_not_visible",
            ResourceFacts(is_fifo=True),
            {},
            96000,
        ),
        # 0.75 x 14 days (1,209,600 s) = 907,200 s
        (
            "sqs_queue",
            "sqs.ours.dead_letter_queue_age",
            ResourceFacts(is_dead_letter_queue=True, retention_seconds=1_209_600),
            {},
            907200,
        ),
        # min(1 h, half of 24 h) = 1 h = 3,600,000 ms
        (
            "kinesis_stream",
            "kinesis.get_records_iterator_age",
            ResourceFacts(stream_retention_hours=24),
            {},
            3_600_000,
        ),
        # min(1 h, half of 1 h = 1,800,000 ms) = 1,800,000 ms
        (
            "kinesis_stream",
            "kinesis.get_records_iterator_age",
            ResourceFacts(stream_retention_hours=1),
            {},
            1_800_000,
        ),
        # 0.8 x 600 s = 480 s = 480000 ms
        (
            "step_functions_state_machine",
            "sfn.ours.execution_time",
            ResourceFacts(timeout_seconds=600),
            {"execution_time": AlarmOverride(enabled=True)},
            480000,
        ),
        # 0.9 x 20 GiB = 18
        (
            "ecs_service",
            "ecs_ci.ephemeral_storage_utilized",
            ResourceFacts(
                features=frozenset({"container_insights", "fargate"}), ephemeral_storage_gib=20
            ),
            {},
            18,
        ),
        # 0.9 x 1000 connections = 900
        (
            "rds_db_instance",
            "rds.database_connections",
            ResourceFacts(max_connections=1000),
            {},
            900,
        ),
        # 0.25 x 16 GiB = 4 GiB = 4,294,967,296 bytes
        (
            "rds_db_instance",
            "rds.freeable_memory",
            ResourceFacts(engine="mysql", memory_gib=16),
            {},
            4_294_967_296,
        ),
        # Aurora: 0.05 x 16 GiB = 0.8 GiB = 858,993,459.2 bytes
        (
            "rds_db_instance",
            "rds.freeable_memory",
            ResourceFacts(engine="aurora-postgresql", memory_gib=16),
            {},
            858_993_459.2,
        ),
        # 0.1 x 100 GiB = 10 GiB = 10,737,418,240 bytes
        (
            "rds_db_instance",
            "rds.free_storage_space",
            ResourceFacts(engine="postgres", allocated_storage_gib=100),
            {},
            10_737_418_240,
        ),
        # DB load above the class's 4 vCPUs
        (
            "rds_db_instance",
            "rds.db_load",
            ResourceFacts(features=frozenset({"performance_insights"}), vcpus=4),
            {},
            4,
        ),
        # in service below MinSize 2
        (
            "autoscaling_group",
            "asg.group_in_service_capacity",
            ResourceFacts(features=frozenset({"group_metrics"}), min_size=2),
            {},
            2,
        ),
        # 0.8 x 30 s = 24000 ms
        (
            "cloudfront_distribution",
            "cloudfront.origin_latency",
            ResourceFacts(
                features=frozenset({"cloudfront_additional_metrics"}),
                origin_response_timeout_seconds=30,
            ),
            {},
            24000,
        ),
        # 0.8 x 100 USD = 80
        (
            "sns_topic",
            "sns.sms_month_to_date_spent_usd",
            ResourceFacts(sms_spend_limit_usd=100),
            {"sms_month_to_date_spent_usd": AlarmOverride(enabled=True)},
            80,
        ),
    ],
)
def test_a_derive_rule_computes_the_threshold_from_the_facts(
    resource_type: str,
    alarm_id: str,
    facts: ResourceFacts,
    overrides: Mapping[str, AlarmOverride],
    expected: float,
) -> None:
    alarms, problems = resolve(resource_type, overrides=overrides, facts=facts)
    assert [p for p in problems if alarm_id in p] == []
    alarm = only(alarms, alarm_id)
    assert alarm.threshold == pytest.approx(expected)
    assert alarm.threshold_from == "derived"
    assert "derived (ours): " in alarm.description


def test_a_users_threshold_wins_over_a_derived_one() -> None:
    alarms, _ = resolve(
        "lambda_function",
        overrides={"duration": AlarmOverride(threshold=1000)},
        facts=ResourceFacts(timeout_seconds=30),
    )
    duration = only(alarms, "lambda.duration")
    assert (duration.threshold, duration.threshold_from) == (1000, "file")


# ------------------------------------------------------------ scopes


def test_a_region_alarm_has_no_dimensions_and_a_region_key() -> None:
    alarms, _ = resolve("dynamodb_table")
    read = only(alarms, "ddb.account_provisioned_read_capacity_utilization")
    assert read.dimensions == {}
    assert read.region_key == "ddb.account_provisioned_read_capacity_utilization"
    assert read.shared_key == read.region_key
    other, _ = resolve("dynamodb_table", dimensions={"TableName": "other"})
    assert only(other, read.alarm_id).shared_key == read.shared_key


def test_a_cluster_alarm_keeps_only_the_cluster_dimension() -> None:
    alarms, problems = resolve(
        "ecs_service", overrides={"cpu_reservation": AlarmOverride(enabled=True)}
    )
    assert problems == []
    reservation = only(alarms, "ecs.cpu_reservation")
    assert reservation.dimensions == {"ClusterName": "main"}
    assert reservation.region_key is None
    other, _ = resolve(
        "ecs_service",
        overrides={"cpu_reservation": AlarmOverride(enabled=True)},
        dimensions={"ClusterName": "main", "ServiceName": "worker"},
    )
    assert only(other, "ecs.cpu_reservation").shared_key == reservation.shared_key
    assert only(alarms, "ecs.cpu_utilization").shared_key is None


def test_fixed_dimension_values_come_from_the_data_file() -> None:
    alarms, _ = resolve("rds_db_cluster", facts=ResourceFacts(engine="aurora-postgresql"))
    assert only(alarms, "aurora.engine_uptime_writer").dimensions == {
        "DBClusterIdentifier": "aurora1",
        "Role": "WRITER",
    }
    cloudfront, _ = resolve(
        "cloudfront_distribution", overrides={"5xx_error_rate": AlarmOverride(threshold=5)}
    )
    assert only(cloudfront, "cloudfront.5xx_error_rate").dimensions == {
        "DistributionId": "E2QWRUHAPOMQZL",
        "Region": "Global",
    }


def test_a_sub_resource_alarm_is_made_per_listed_part() -> None:
    facts = ResourceFacts(sub_resources={"global_secondary_index": ("byEmail", "byDate")})
    overrides = {
        name: AlarmOverride(threshold=5)
        for name in (
            "read_throttle_events",
            "read_throttle_events_gsi",
            "write_throttle_events",
            "write_throttle_events_gsi",
            "system_errors",
        )
    } | {"replication_latency": AlarmOverride(threshold=180000)}
    alarms, problems = resolve("dynamodb_table", overrides=overrides, facts=facts)
    assert problems == []
    gsi = [a for a in alarms if a.alarm_id == "ddb.read_throttle_events_gsi"]
    assert [(a.sub_resource, a.short_name) for a in gsi] == [
        ("byEmail", "read-throttle-events-gsi-byemail"),
        ("byDate", "read-throttle-events-gsi-bydate"),
    ]
    assert gsi[0].dimensions == {"TableName": "orders", "GlobalSecondaryIndexName": "byEmail"}
    # No replica Region listed: no replication alarm, and no problem (it is on by default).
    assert "ddb.replication_latency" not in by_id(alarms)


def test_two_parts_with_the_same_slug_get_distinct_short_names() -> None:
    facts = ResourceFacts(sub_resources={"global_secondary_index": ("by-email", "by_email")})
    alarms, _ = resolve(
        "dynamodb_table",
        overrides={"read_throttle_events_gsi": AlarmOverride(threshold=5)},
        facts=facts,
    )
    names = [a.short_name for a in alarms if a.alarm_id == "ddb.read_throttle_events_gsi"]
    assert len(set(names)) == 2
    assert all(n.startswith("read-throttle-events-gsi-by-email-") for n in names)


def test_a_route_is_split_into_method_and_resource() -> None:
    alarms, problems = resolve(
        "api_gateway_rest_api",
        overrides={"latency_method": AlarmOverride(enabled=True)},
        facts=ResourceFacts(sub_resources={"method": ("GET /pets/{id}",)}),
    )
    assert problems == []
    method = only(alarms, "apigw_rest.latency_method")
    assert method.dimensions == {
        "ApiName": "shop",
        "Stage": "prod",
        "Resource": "/pets/{id}",
        "Method": "GET",
    }
    assert method.short_name == "latency-method-get-pets-id"


def test_a_sub_resource_alarm_enabled_with_no_parts_known_says_where_to_list_them() -> None:
    _, problems = resolve(
        "api_gateway_rest_api", overrides={"latency_method": AlarmOverride(enabled=True)}
    )
    assert problems == [
        f"{WHERE}.alarms.latency_method: apigw_rest.latency_method is made per method and none "
        "are known: list them under method (written like 'GET /pets')"
    ]


def test_a_badly_written_part_is_refused() -> None:
    _, problems = resolve(
        "api_gateway_rest_api",
        overrides={"latency_method": AlarmOverride(enabled=True)},
        facts=ResourceFacts(sub_resources={"method": ("GET",)}),
    )
    assert problems == [f"{WHERE}.method[0]: 'GET' is not written like 'GET /pets'"]


def _all_parts() -> dict[str, tuple[str, ...]]:
    parts: dict[str, tuple[str, ...]] = {}
    for sub in SUB_RESOURCES.values():
        parts[sub.key] = (sub.form, sub.form.upper() + "2")
    return parts


@pytest.mark.parametrize("resource_type", RESOURCE_TYPES)
def test_short_names_are_unique_per_resource_with_every_alarm_on(resource_type: str) -> None:
    overrides = {
        a.id: AlarmOverride(enabled=True, threshold=1.0) for a in alarms_for(resource_type)
    }
    dimensions = {d: "x" for a in alarms_for(resource_type) for d in a.dimensions} | dict(
        IDENTITY[resource_type]
    )
    facts = ResourceFacts(sub_resources=_all_parts())
    alarms, problems = resolve(
        resource_type, overrides=overrides, facts=facts, dimensions=dimensions
    )
    assert problems == []
    names = [a.short_name for a in alarms]
    assert len(names) == len(set(names)), names
    assert all(is_short_name(n) for n in names), names
    expected = sum(2 if a.scope == "sub_resource" else 1 for a in alarms_for(resource_type))
    assert len(alarms) == expected


# ------------------------------------------------------------ descriptions


def test_a_description_is_cut_to_cloudwatchs_limit_keeping_the_thresholds_origin() -> None:
    alarms, _ = resolve("api_gateway_rest_api")
    for alarm in alarms:
        assert len(alarm.description) <= ALARM_DESCRIPTION_MAX
        assert alarm.description.endswith(
            f"AWS recommended alarm {alarm.alarm_id}: https://docs.aws.amazon.com/"
            "AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html"
        )


def test_our_alarm_says_it_is_ours() -> None:
    alarms, _ = resolve("step_functions_state_machine")
    failed = only(alarms, "sfn.ours.executions_failed")
    assert failed.source == "ours"
    assert failed.description.endswith(
        "Threshold 0: our choice. Our alarm sfn.ours.executions_failed; AWS recommends none."
    )


def test_tuning_an_alarm_that_is_off_by_default_turns_it_on() -> None:
    # Count below a floor is off by default (APIs without constant traffic); a user
    # who gives its threshold asks for it.
    alarms, problems = resolve(
        "api_gateway_rest_api", overrides={"count_stage": AlarmOverride(threshold=10)}
    )
    assert problems == []
    (count,) = [a for a in alarms if a.alarm_id == "apigw_rest.count_stage"]
    assert (count.threshold, count.threshold_from) == (10.0, "file")
