"""The ``audit_trail:`` section: its model, cross-checks, warnings and example snippets."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from observability_blueprint.config.audit import (
    AuditTrail,
    audit_problems,
    audit_warnings,
    signin_stack_needed,
)
from observability_blueprint.config.base import StrictModel
from observability_blueprint.config.blueprint import problems_from
from observability_blueprint.rules.errors import Problem

# The snippet for blueprint.yaml: deployable into any account.
SMALL = """
audit_trail:
  # A multi-Region trail (encrypted, validated, into a retained bucket and a
  # one-year log group) and the CIS / Security Hub CloudWatch.1-14 alarms.
  cis: {topic: ops}
"""

# The snippet for examples/full.yaml: every option (placeholder ids).
FULL = """
audit_trail:
  trail:
    name: payments-prod-audit           # default: <name>-<stage>-audit
    multi_region: true                  # the CIS alarms need it
    organization: false                 # true only from the management or delegated admin account
    # organization_id: o-a1b2c3d4e5     # needed with organization: true
    management_events: all              # all, read_only, write_only, none
    data_events:                        # billed per event
      s3: ["arn:aws:s3:::payments-uploads/incoming/"]
      lambda: [all]
      read_write: write_only
    # kms_key: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    bucket:
      # existing: arn:aws:s3:::central-cloudtrail-111122223333  # synthesis prints its policy
      # access_logs_bucket: payments-access-logs-111122223333
      lifecycle:
        glacier_after_days: 90
        expire_after_days: 2557         # seven years; null keeps log files forever
    log_group:
      name: /payments/prod/cloudtrail   # the default
      retention_days: 365
      encrypted: true
    removal_policy: retain
  # Or attach to a trail that exists (Control Tower), instead of `trail:`:
  # existing_log_group: aws-controltower/CloudTrailLogs
  cis:
    topic: security
    standard: security-hub              # or cis-1.4 / cis-1.2: older CloudWatch.4 and .13
    namespace: LogMetrics
    claim_compliance: true              # changed patterns and disabled controls warn
    disabled: []                        # such as [CloudWatch.14]
    overrides:
      CloudWatch.1: {metric: RootUserActivity}
  insights:
    top_callers: true
    top_errors: true
    rules:
      - name: console-logins-by-ip
        keys: [$.sourceIPAddress]
        filters: [{Match: $.eventName, In: [ConsoleLogin]}]
  signin_alerts:                        # from us-east-1, where the events arrive
    topic: security
    root: true
    failures: true
"""


class _File(StrictModel):
    audit_trail: AuditTrail


def load(data: dict[str, Any] | str) -> AuditTrail:
    """Validate a section as the blueprint file does, raising with config paths."""
    data = yaml.safe_load(data) if isinstance(data, str) else {"audit_trail": data}
    return _File.model_validate(data).audit_trail


def errors(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load(data)
    return [str(p) for p in problems_from(caught.value)]


def problems(data: dict[str, Any], topics: tuple[str, ...] = ("ops",)) -> list[str]:
    return [str(p) for p in audit_problems(load(data), topics=topics)]


# ------------------------------------------------------------------ snippets


def test_small_snippet_is_a_trail_and_the_cis_pack() -> None:
    section = load(SMALL)
    assert list(audit_problems(section, topics=["ops"])) == []
    assert list(audit_warnings(section)) == []
    trail = section.created_trail()
    assert trail is not None
    assert trail.multi_region
    assert trail.management_events == "all"
    assert trail.log_group.retention_days == 365
    assert trail.log_group.encrypted
    assert trail.bucket.lifecycle.glacier_after_days == 90
    assert trail.bucket.lifecycle.expire_after_days is None
    assert trail.removal_policy == "retain"
    assert section.log_group_name("shop", "dev") == "/shop/dev/cloudtrail"
    assert section.trail_name("shop", "dev") == "shop-dev-audit"
    assert section.cis is not None
    assert section.cis.namespace == "LogMetrics"
    assert section.cis.standard == "security-hub"


def test_full_snippet_is_valid_and_quiet() -> None:
    section = load(FULL)
    assert list(audit_problems(section, topics=["oncall", "security"])) == []
    assert list(audit_warnings(section)) == []  # renaming a metric keeps compliance
    assert section.trail_name("payments", "prod") == "payments-prod-audit"
    assert signin_stack_needed(section, "eu-west-1")


def test_existing_log_group_replaces_the_trail() -> None:
    section = load(
        {"existing_log_group": "aws-controltower/CloudTrailLogs", "cis": {"topic": "ops"}}
    )
    assert section.created_trail() is None
    assert section.log_group_name("shop", "dev") == "aws-controltower/CloudTrailLogs"
    assert problems({"existing_log_group": "aws-controltower/CloudTrailLogs"}) == []


@pytest.mark.parametrize(
    ("region", "expected"), [("eu-west-1", True), ("us-east-1", False), (None, False)]
)
def test_signin_stack_needed_outside_us_east_1(region: str | None, expected: bool) -> None:
    assert signin_stack_needed(load({"signin_alerts": {"topic": "ops"}}), region) is expected
    assert not signin_stack_needed(load({}), region)


# ------------------------------------------------------------ field rules


def test_retention_must_be_a_cloudwatch_logs_value() -> None:
    assert errors({"trail": {"log_group": {"retention_days": 42}}}) == [
        "audit_trail.trail.log_group.retention_days: 42 is not a CloudWatch Logs retention; use "
        "one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, "
        "2557, 2922, 3288, 3653 (nearest: 30 or 60), or null to keep events forever"
    ]


def test_existing_bucket_as_malformed_arn() -> None:
    assert errors({"trail": {"bucket": {"existing": "arn:aws:s3:eu-west-1::audit-logs"}}}) == [
        "audit_trail.trail.bucket.existing: 'arn:aws:s3:eu-west-1::audit-logs' is not an S3 "
        "bucket ARN; use arn:aws:s3:::BUCKET (no Region, no account, no key) or the bucket name "
        "alone"
    ]
    assert load({"trail": {"bucket": {"existing": "arn:aws:s3:::audit-logs"}}})
    assert load({"trail": {"bucket": {"existing": "audit-logs"}}})


def test_an_arn_of_another_kind_says_what_it_is() -> None:
    found = errors(
        {
            "trail": {
                "kms_key": "arn:aws:kms:eu-west-1:111122223333:alias/trail",
                "bucket": {"existing": "arn:aws:sqs:eu-west-1:111122223333:audit"},
                "data_events": {"lambda": ["arn:aws:sns:eu-west-1:111122223333:fn"]},
            },
        }
    )
    assert sorted(found) == [
        "audit_trail.trail.bucket.existing: 'arn:aws:sqs:eu-west-1:111122223333:audit' is not "
        "an S3 bucket ARN; use arn:aws:s3:::BUCKET (no Region, no account, no key) or the "
        "bucket name alone; this is an SQS queue ARN",
        "audit_trail.trail.data_events.lambda[0]: 'arn:aws:sns:eu-west-1:111122223333:fn' is "
        "not a Lambda data event resource; use 'all' or a function ARN "
        "(arn:aws:lambda:REGION:ACCOUNT:function:NAME); this is an SNS topic ARN",
        "audit_trail.trail.kms_key: 'arn:aws:kms:eu-west-1:111122223333:alias/trail' is not a "
        "KMS key ARN; use arn:aws:kms:REGION:ACCOUNT:key/KEY-ID (a multi-Region key's id starts "
        "with mrk-); this is a kms alias ARN",
    ]


def test_s3_data_resources_are_bucket_arns_with_a_slash() -> None:
    assert load({"trail": {"data_events": {"s3": ["arn:aws:s3:::my.bucket/logs/..x"]}}})
    assert errors({"trail": {"data_events": {"s3": ["arn:aws:s3:::my..bucket/"]}}}) == [
        "audit_trail.trail.data_events.s3[0]: 'arn:aws:s3:::my..bucket/' is not an S3 data event "
        "resource; use 'all' or a bucket ARN followed by '/' and an optional key prefix "
        "(arn:aws:s3:::my-bucket/ or arn:aws:s3:::my-bucket/logs/)"
    ]


def test_other_field_rules() -> None:
    found = errors(
        {
            "trail": {
                "name": "a",
                "organization_id": "org-1",
                "kms_key": "arn:aws:kms:eu-west-1:111122223333:alias/trail",
                "management_events": "writes",
                "data_events": {"s3": ["arn:aws:s3:::bucket"], "lambda": ["my-function"]},
            },
            "cis": {"topic": "ops", "standard": "cis-1.3", "namespace": "AWS/CIS"},
            "signin_alerts": {"topic": "ops", "root": False, "failures": False},
            "audit": {},
        }
    )
    text = "\n".join(found)
    assert "audit_trail.trail.name: 'a' is not a trail name" in text
    assert "audit_trail.trail.organization_id: 'org-1' is not an organization id" in text
    assert (
        "audit_trail.trail.kms_key: 'arn:aws:kms:eu-west-1:111122223333:alias/trail' is not" in text
    )
    assert "audit_trail.trail.management_events: 'writes' is not valid" in text
    assert (
        "audit_trail.trail.data_events.s3[0]: 'arn:aws:s3:::bucket' is not an S3 data event" in text
    )
    assert (
        "audit_trail.trail.data_events.lambda[0]: 'my-function' is not a Lambda data event" in text
    )
    assert (
        "audit_trail.cis.standard: 'cis-1.3' is not a CIS pattern set; did you mean 'cis-1.4'?"
    ) in text
    assert "audit_trail.cis.namespace: 'AWS/CIS' is not a custom metric namespace" in text
    assert "audit_trail.signin_alerts: root and failures are both false" in text
    assert "audit_trail.audit: unknown key" in text  # the hint comes once Blueprint has it


# ------------------------------------------------------------ cross-checks


def test_unknown_disabled_control_with_did_you_mean() -> None:
    assert problems(
        {"cis": {"topic": "ops", "disabled": ["CloudWatch.1", "CloudWatch.2", "Cloudwatch.11"]}}
    ) == [
        "audit_trail.cis.disabled[2]: 'Cloudwatch.11' is not a CIS alarm control; did you mean "
        "'CloudWatch.11'? known controls: CloudWatch.1, CloudWatch.2, CloudWatch.3, "
        "CloudWatch.4, CloudWatch.5, CloudWatch.6, CloudWatch.7, CloudWatch.8, CloudWatch.9, "
        "CloudWatch.10, CloudWatch.11, CloudWatch.12, CloudWatch.13, CloudWatch.14, CIS 4.15"
    ]


def test_changed_pattern_while_claiming_compliance_is_a_warning() -> None:
    data = {
        "cis": {
            "topic": "ops",
            "overrides": {"CloudWatch.4": {"pattern": '{ $.eventSource = "iam.amazonaws.com" }'}},
        }
    }
    assert problems(data) == []
    assert list(audit_warnings(load(data))) == [
        Problem(
            "audit_trail.cis.overrides.CloudWatch.4.pattern",
            "changes the published pattern of CloudWatch.4: Security Hub looks for the exact "
            "pattern and will report control CloudWatch.4 as FAILED. Keep the published pattern, "
            "or set claim_compliance: false if the pack is not meant to pass Security Hub",
        )
    ]
    data["cis"]["claim_compliance"] = False
    assert list(audit_warnings(load(data))) == []


def test_bad_override_pattern_is_a_field_error() -> None:
    [message] = errors(
        {"cis": {"topic": "ops", "overrides": {"CloudWatch.4": {"pattern": "{ $.a ="}}}}
    )
    assert message.startswith("audit_trail.cis.overrides.CloudWatch.4.pattern: ")


def test_lifecycle_days_in_the_wrong_order() -> None:
    assert problems(
        {"trail": {"bucket": {"lifecycle": {"glacier_after_days": 400, "expire_after_days": 365}}}}
    ) == [
        "audit_trail.trail.bucket.lifecycle.glacier_after_days: 400 is not before "
        "expire_after_days (365): objects would expire before they reach Glacier; move them to "
        "Glacier earlier, expire them later, or set glacier_after_days: null"
    ]
    assert (
        problems(
            {
                "trail": {
                    "bucket": {"lifecycle": {"glacier_after_days": None, "expire_after_days": 30}}
                }
            }
        )
        == []
    )


def test_unknown_topics() -> None:
    assert problems({"cis": {"topic": "sec"}, "signin_alerts": {"topic": "pager"}}) == [
        "audit_trail.cis.topic: topic 'sec' is not a blueprint topic; known topics: ops",
        "audit_trail.signin_alerts.topic: topic 'pager' is not a blueprint topic; known "
        "topics: ops",
    ]


def test_the_cis_pack_needs_a_trail_that_feeds_it() -> None:
    found = problems(
        {
            "trail": {"multi_region": False, "management_events": "read_only"},
            "cis": {"topic": "ops"},
        }
    )
    assert [f.split(":")[0] for f in found] == [
        "audit_trail.trail.multi_region",
        "audit_trail.trail.management_events",
    ]
    assert "Security Hub reports CloudWatch.1-14 as FAILED" in found[0]
    # Without the pack, a single-Region read-only trail is a choice, not an error.
    assert problems({"trail": {"multi_region": False, "management_events": "read_only"}}) == []


def test_trail_cross_checks() -> None:
    assert problems({"trail": {"organization": True}}) == [
        "audit_trail.trail.organization_id: is required for an organization trail: the bucket "
        "policy must let CloudTrail write under AWSLogs/<organization id>/ (find it with "
        "`aws organizations describe-organization`)"
    ]
    assert problems({"trail": {"organization_id": "o-a1b2c3d4e5"}}) == [
        "audit_trail.trail.organization_id: is only used by an organization trail; set "
        "organization: true or remove it"
    ]
    assert problems({"trail": {"management_events": "none"}}) == [
        "audit_trail.trail.management_events: 'none' without data events: the trail would "
        "record nothing; record management events or add data events"
    ]
    assert problems({"trail": {"data_events": {"s3": ["all", "arn:aws:s3:::b-1/"]}}}) == [
        "audit_trail.trail.data_events.s3: 'all' already selects every resource; list nothing else"
    ]
    assert problems(
        {"trail": {"bucket": {"existing": "central", "access_logs_bucket": "logs-1"}}}
    ) == [
        "audit_trail.trail.bucket.access_logs_bucket: applies to a bucket the blueprint creates; "
        "an existing bucket keeps its own server access logging"
    ]
    assert problems({"trail": {}, "existing_log_group": "aws-controltower/CloudTrailLogs"}) == [
        "audit_trail.trail: give either trail (the blueprint creates one) or existing_log_group "
        "(attach to a trail that exists, such as Control Tower's), not both"
    ]


def test_insight_rule_checks() -> None:
    found = problems(
        {
            "insights": {
                "top_callers": False,
                "top_errors": False,
                "rules": [
                    {"name": "wide", "keys": ["$.a", "$.b", "$.c", "$.d", "$.e"]},
                    {"name": "top-errors", "keys": ["errorCode"], "aggregate_on": "Sum"},
                ],
            }
        }
    )
    assert found == [
        "audit_trail.insights.rules[0].keys: 5 keys; a Contributor Insights rule takes 1 to 4",
        "audit_trail.insights.rules[1].name: 'top-errors' is already used by a built-in rule",
        "audit_trail.insights.rules[1].value_of: is needed with aggregate_on: Sum, and only then",
        "audit_trail.insights.rules[1].keys[0]: 'errorCode' is not a JSON field; use $.field.name",
    ]
    assert problems({"insights": {"top_callers": False, "top_errors": False}}) == [
        "audit_trail.insights: no rule: enable top_callers or top_errors, or add rules"
    ]
