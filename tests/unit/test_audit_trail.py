"""The audit trail: its security properties, existing resources, insights and cdk-nag.

One app holds every variant and is synthesized once for the module, with
cdk-nag's AwsSolutions pack registered:

* ``Home`` (eu-west-1): ``build_audit`` with a trail, the CIS pack, insights and
  sign-in alerts, as the blueprint builds them;
* ``SignIn`` (us-east-1): ``SignInAlerts`` forwarding to the home Region;
* ``Imported``: a trail into an existing bucket and key, as an organization trail;
* ``Attached``: the CIS pack and insights on an existing trail's log group.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Duration, Environment, Stack
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Annotations, Match, Template

from observability_blueprint import (
    BlueprintError,
    BlueprintKey,
    NotificationTopic,
    SignInAlerts,
    TopicSubscriber,
    add_compliance_checks,
)
from observability_blueprint.audit.audit_trail import AuditTrail
from observability_blueprint.audit.trail_insights import TrailContributorInsights
from observability_blueprint.blueprint.audit import (
    AuditResources,
    build_audit,
)
from observability_blueprint.config.audit import AuditTrail as AuditSection
from observability_blueprint.rules.alarm_settings import PrefixNaming
from observability_blueprint.rules.audit import DataEventSelection, InsightRuleSpec
from support import assert_compliant, new_app, new_stack, resources

ACCOUNT = "111122223333"
KEY_ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
HOME = {
    "trail": {
        "data_events": {
            "s3": ["arn:aws:s3:::shop-uploads/incoming/"],
            "lambda": ["all"],
            "read_write": "write_only",
        },
        "bucket": {"lifecycle": {"glacier_after_days": 90, "expire_after_days": 2557}},
        "log_group": {"retention_days": 400},
    },
    "cis": {"topic": "security"},
    "insights": {
        "rules": [
            {
                "name": "console-logins",
                "keys": ["$.sourceIPAddress"],
                "filters": [{"Match": "$.eventName", "In": ["ConsoleLogin"]}],
            }
        ]
    },
    "signin_alerts": {"topic": "security"},
}
ATTACHED = {
    "existing_log_group": "aws-controltower/CloudTrailLogs",
    "cis": {"topic": "security"},
    "insights": {"top_errors": False},
}


@dataclass
class Built:
    outdir: Path
    stacks: dict[str, Stack]
    home: AuditResources
    attached: AuditResources
    imported: AuditTrail
    nag_error: str | None

    def json(self, name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (self.outdir / f"{self.stacks[name].artifact_id}.template.json").read_text()
        )
        return data

    def template(self, name: str) -> Template:
        return Template.from_json(self.json(name))

    def logical_id(self, name: str, value: str) -> str:
        resolved = self.stacks[name].resolve(value)
        return str(resolved.get("Ref") or resolved["Fn::GetAtt"][0])

    def annotations(self, name: str) -> Annotations:
        return Annotations.from_stack(self.stacks[name])


def _topics(stack: Stack, key: BlueprintKey) -> dict[str, NotificationTopic]:
    return {
        "security": NotificationTopic(
            stack,
            "Security",
            encryption_key=key,
            subscribers=[TopicSubscriber("email", "security@example.com")],
        )
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    outdir = tmp_path_factory.mktemp("audit")
    app = new_app(outdir)
    home = Stack(app, "Home", env=Environment(account=ACCOUNT, region="eu-west-1"))
    key = BlueprintKey(home, "Key")
    home_audit = build_audit(
        home,
        AuditSection.model_validate(HOME),
        name="shop",
        stage="dev",
        encryption_key=key,
        topics=_topics(home, key),
        alarm_naming=PrefixNaming("shop-dev"),
        home_region="eu-west-1",
    )
    signin = Stack(app, "SignIn", env=Environment(account=ACCOUNT, region="us-east-1"))
    SignInAlerts(
        signin, "SignInForwarder", forward_to_region="eu-west-1", rule_name_prefix="shop-dev"
    )
    imported_stack = Stack(app, "Imported")
    imported = AuditTrail(
        imported_stack,
        "Trail",
        trail_name="org-audit",
        organization=True,
        organization_id="o-a1b2c3d4e5",
        existing_bucket="arn:aws:s3:::central-audit-logs",
        trail_key=BlueprintKey.from_key_arn(imported_stack, "TrailKey", KEY_ARN),
    )
    attached_stack = Stack(app, "Attached")
    attached_key = BlueprintKey(attached_stack, "Key")
    attached = build_audit(
        attached_stack,
        AuditSection.model_validate(ATTACHED),
        name="shop",
        stage="prod",
        encryption_key=None,
        topics=_topics(attached_stack, attached_key),
        alarm_naming=PrefixNaming("shop-prod"),
        home_region=None,
    )
    add_compliance_checks(app)
    nag_error = None
    try:
        app.synth()
    except RuntimeError as error:
        nag_error = str(error)
    stacks = {
        "Home": home,
        "SignIn": signin,
        "Imported": imported_stack,
        "Attached": attached_stack,
    }
    return Built(outdir, stacks, home_audit, attached, imported, nag_error)


# -------------------------------------------------------------- the trail


def test_trail_is_multi_region_validated_and_encrypted(built: Built) -> None:
    trail = built.home.trail
    assert trail is not None
    [props] = [
        r["Properties"]
        for r in resources(built.template("Home"), "AWS::CloudTrail::Trail").values()
    ]
    assert props["TrailName"] == "shop-dev-audit"
    assert props["IsMultiRegionTrail"] is True
    assert props["IncludeGlobalServiceEvents"] is True
    assert props["EnableLogFileValidation"] is True
    assert props["IsLogging"] is True
    assert props["IsOrganizationTrail"] is False
    assert props["KMSKeyId"] == {"Fn::GetAtt": [built.logical_id("Home", trail.key.key_arn), "Arn"]}
    assert props["S3BucketName"] == {"Ref": built.logical_id("Home", trail.bucket.bucket_name)}
    log_group_id = built.logical_id("Home", trail.log_group.log_group_name)
    assert props["CloudWatchLogsLogGroupArn"] == {"Fn::GetAtt": [log_group_id, "Arn"]}


def test_management_and_data_events(built: Built) -> None:
    [props] = [
        r["Properties"]
        for r in resources(built.template("Home"), "AWS::CloudTrail::Trail").values()
    ]
    selectors = props["EventSelectors"]
    assert selectors[0] == {"IncludeManagementEvents": True, "ReadWriteType": "All"}
    assert selectors[1] == {
        "DataResources": [
            {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::shop-uploads/incoming/"]}
        ],
        "IncludeManagementEvents": False,
        "ReadWriteType": "WriteOnly",
    }
    assert selectors[2]["DataResources"] == [
        {"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}
    ]


def test_key_policy_lets_cloudtrail_encrypt_and_the_account_decrypt(built: Built) -> None:
    trail = built.home.trail
    assert trail is not None
    key = built.json("Home")["Resources"][built.logical_id("Home", trail.key.key_arn)]
    assert key["DeletionPolicy"] == "Retain"
    assert key["Properties"]["EnableKeyRotation"] is True
    statements = {s.get("Sid"): s for s in key["Properties"]["KeyPolicy"]["Statement"]}
    trail_arn = f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/shop-dev-audit"
    context = {
        "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"
    }
    assert statements["AllowCloudTrailToEncryptLogs"] == {
        "Sid": "AllowCloudTrailToEncryptLogs",
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "kms:GenerateDataKey*",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}, "StringLike": context},
    }
    assert statements["AllowCloudTrailToDescribeKey"]["Action"] == "kms:DescribeKey"
    assert statements["AllowCloudTrailToDescribeKey"]["Condition"] == {
        "StringEquals": {"aws:SourceArn": trail_arn}
    }
    decrypt = statements["AllowAccountToDecryptLogFiles"]
    assert decrypt["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert decrypt["Action"] == ["kms:Decrypt", "kms:ReEncryptFrom"]
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:CallerAccount": ACCOUNT},
        "StringLike": context,
    }


def test_logs_role_may_only_write_to_the_one_log_group(built: Built) -> None:
    template = built.json("Home")["Resources"]
    trail = built.home.trail
    assert trail is not None
    log_group_id = built.logical_id("Home", trail.log_group.log_group_name)
    [(role_id, role)] = [
        (k, r)
        for k, r in template.items()
        if r["Type"] == "AWS::IAM::Role"
        and r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
        == {"Service": "cloudtrail.amazonaws.com"}
    ]
    assert "ManagedPolicyArns" not in role["Properties"]
    assert "Policies" not in role["Properties"]
    policies = [
        r["Properties"]["PolicyDocument"]["Statement"]
        for r in template.values()
        if r["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in r["Properties"]["Roles"]
    ]
    assert policies == [
        [
            {
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Effect": "Allow",
                "Resource": {"Fn::GetAtt": [log_group_id, "Arn"]},
            }
        ]
    ]


def test_log_group_retention_encryption_and_retention_on_delete(built: Built) -> None:
    trail = built.home.trail
    assert trail is not None
    log_group = built.json("Home")["Resources"][
        built.logical_id("Home", trail.log_group.log_group_name)
    ]
    assert log_group["DeletionPolicy"] == "Retain"
    assert log_group["Properties"]["LogGroupName"] == "/shop/dev/cloudtrail"
    assert log_group["Properties"]["RetentionInDays"] == 400
    assert "KmsKeyId" in log_group["Properties"]


def test_default_retention_is_one_year() -> None:
    _, stack = new_stack()
    trail = AuditTrail(stack, "Trail")
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 365})
    assert trail.trail_name.startswith("Test-Trail")


def test_an_encrypted_log_group_needs_the_blueprint_key() -> None:
    _, stack = new_stack()
    with pytest.raises(
        BlueprintError,
        match=r"^audit_trail\.trail\.log_group\.encrypted: the blueprint has no key",
    ):
        build_audit(
            stack,
            AuditSection.model_validate({}),
            name="shop",
            stage="dev",
            encryption_key=None,
            topics={},
            alarm_naming=PrefixNaming("shop-dev"),
            home_region=None,
        )


def test_an_organization_trail_bucket_admits_the_organization_path() -> None:
    _, stack = new_stack()
    AuditTrail(stack, "Trail", organization=True, organization_id="o-a1b2c3d4e5")
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::CloudTrail::Trail", {"IsOrganizationTrail": True})
    policy = json.dumps(resources(template, "AWS::S3::BucketPolicy"))
    assert "/AWSLogs/o-a1b2c3d4e5/*" in policy
    Annotations.from_stack(stack).has_info(
        "/Test/Trail", Match.string_like_regexp("organization trail can only be created")
    )


# ------------------------------------------------------------- the bucket


def _bucket(built: Built, bucket_id: str) -> dict[str, Any]:
    resource: dict[str, Any] = built.json("Home")["Resources"][bucket_id]
    return resource


def _bucket_policy(built: Built, bucket_id: str) -> list[dict[str, Any]]:
    for resource in built.json("Home")["Resources"].values():
        if resource["Type"] == "AWS::S3::BucketPolicy" and resource["Properties"]["Bucket"] == {
            "Ref": bucket_id
        }:
            statements: list[dict[str, Any]] = resource["Properties"]["PolicyDocument"]["Statement"]
            return statements
    raise AssertionError(f"no policy for {bucket_id}")


def _bucket_ids(built: Built) -> tuple[str, str]:
    trail = built.home.trail
    assert trail is not None
    assert trail.access_log_bucket is not None
    return (
        built.logical_id("Home", trail.bucket.bucket_name),
        built.logical_id("Home", trail.access_log_bucket.bucket_name),
    )


@pytest.mark.parametrize("which", [0, 1], ids=["trail bucket", "access log bucket"])
def test_buckets_block_public_access_require_tls_and_are_kept(built: Built, which: int) -> None:
    bucket_id = _bucket_ids(built)[which]
    bucket = _bucket(built, bucket_id)
    assert bucket["DeletionPolicy"] == "Retain"
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    [deny] = [s for s in _bucket_policy(built, bucket_id) if s["Effect"] == "Deny"]
    assert deny["Action"] == "s3:*"
    assert deny["Principal"] == {"AWS": "*"}
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert props["LifecycleConfiguration"]["Rules"] == [
        {
            "Id": "archive-and-expire",
            "Status": "Enabled",
            "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 90}],
            "NoncurrentVersionTransitions": [{"StorageClass": "GLACIER", "TransitionInDays": 90}],
            "ExpirationInDays": 2557,
            "NoncurrentVersionExpiration": {"NoncurrentDays": 2557},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
        }
    ]


def test_trail_bucket_logs_its_access_and_admits_cloudtrail(built: Built) -> None:
    trail_bucket, access_logs = _bucket_ids(built)
    props = _bucket(built, trail_bucket)["Properties"]
    assert props["LoggingConfiguration"] == {
        "DestinationBucketName": {"Ref": access_logs},
        "LogFilePrefix": "cloudtrail-bucket/",
    }
    allowed = {
        s["Action"]: s
        for s in _bucket_policy(built, trail_bucket)
        if s["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    }
    assert set(allowed) == {"s3:GetBucketAcl", "s3:PutObject"}
    # Both bound to this one trail, as the CloudTrail user guide writes them (issue 12, C12).
    trail = f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/shop-dev-audit"
    assert allowed["s3:PutObject"]["Condition"] == {
        "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail}
    }
    assert allowed["s3:GetBucketAcl"]["Condition"] == {"StringEquals": {"aws:SourceArn": trail}}
    assert allowed["s3:PutObject"]["Resource"]["Fn::Join"][1][-1] == f"/AWSLogs/{ACCOUNT}/*"
    logging = [
        s
        for s in _bucket_policy(built, access_logs)
        if s["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    ]
    assert len(logging) == 1
    assert "SSEAlgorithm" in json.dumps(
        _bucket(built, access_logs)["Properties"]["BucketEncryption"]
    )


# ------------------------------------------------ existing bucket and key


def test_existing_bucket_and_key_are_not_created(built: Built) -> None:
    template = built.template("Imported")
    template.resource_count_is("AWS::S3::Bucket", 0)
    template.resource_count_is("AWS::KMS::Key", 0)
    template.has_resource_properties(
        "AWS::CloudTrail::Trail",
        {"S3BucketName": "central-audit-logs", "KMSKeyId": KEY_ARN, "IsOrganizationTrail": True},
    )


def test_existing_resources_get_the_statements_to_add(built: Built) -> None:
    required = built.imported.required_policy_statements()
    assert set(required) == {"bucket", "key"}
    trail_arn = "arn:<PARTITION>:cloudtrail:<REGION>:<ACCOUNT_ID>:trail/org-audit"
    bucket = {s["Sid"]: s for s in required["bucket"]}
    assert bucket["AWSCloudTrailAclCheck"]["Resource"] == "arn:<PARTITION>:s3:::central-audit-logs"
    assert bucket["AWSCloudTrailWrite"]["Resource"] == (
        "arn:<PARTITION>:s3:::central-audit-logs/AWSLogs/<ACCOUNT_ID>/*"
    )
    assert bucket["AWSCloudTrailOrganizationWrite"]["Resource"] == (
        "arn:<PARTITION>:s3:::central-audit-logs/AWSLogs/o-a1b2c3d4e5/*"
    )
    for statement in bucket.values():
        assert statement["Condition"]["StringEquals"]["aws:SourceArn"] == trail_arn
    assert [s["Sid"] for s in required["key"]] == [
        "AllowCloudTrailToEncryptLogs",
        "AllowCloudTrailToDescribeKey",
        "AllowAccountToDecryptLogFiles",
    ]
    assert json.loads(json.dumps(required)) == required  # JSON-able as it is


def test_existing_resources_warn_with_the_statements(built: Built) -> None:
    annotations = built.annotations("Imported")
    annotations.has_warning(
        "/Imported/Trail",
        Match.string_like_regexp(r"add these statements before deploying.*AWSCloudTrailWrite"),
    )
    annotations.has_info(
        "/Imported/Trail",
        Match.string_like_regexp("management account or a delegated administrator account"),
    )


def test_a_created_bucket_and_key_need_no_statements(built: Built) -> None:
    assert built.home.trail is not None
    assert built.home.trail.required_policy_statements() == {}


# ------------------------------------------------------------- insights


def _insight_bodies(built: Built, stack: str) -> dict[str, dict[str, Any]]:
    return {
        r["Properties"]["RuleName"]: json.loads(r["Properties"]["RuleBody"])
        for r in resources(built.template(stack), "AWS::CloudWatch::InsightRule").values()
    }


def test_insight_rules_on_the_trail_log_group(built: Built) -> None:
    bodies = _insight_bodies(built, "Home")
    assert set(bodies) == {"shop-dev-top-callers", "shop-dev-top-errors", "shop-dev-console-logins"}
    callers = bodies["shop-dev-top-callers"]
    assert callers == {
        "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
        "LogGroupNames": ["/shop/dev/cloudtrail"],
        "LogFormat": "JSON",
        "Contribution": {"Keys": ["$.userIdentity.arn", "$.eventName"], "Filters": []},
        "AggregateOn": "Count",
    }
    errors = bodies["shop-dev-top-errors"]["Contribution"]
    assert errors == {
        "Keys": ["$.errorCode", "$.userIdentity.arn"],
        "Filters": [{"Match": "$.errorCode", "IsPresent": True}],
    }
    assert bodies["shop-dev-console-logins"]["Contribution"]["Filters"] == [
        {"Match": "$.eventName", "In": ["ConsoleLogin"]}
    ]


def test_attached_to_an_existing_trail_log_group(built: Built) -> None:
    assert built.attached.trail is None
    template = built.template("Attached")
    template.resource_count_is("AWS::CloudTrail::Trail", 0)
    template.resource_count_is("AWS::Logs::LogGroup", 0)
    template.resource_count_is("AWS::Logs::MetricFilter", 15)
    template.all_resources_properties(
        "AWS::Logs::MetricFilter", {"LogGroupName": "aws-controltower/CloudTrailLogs"}
    )
    bodies = _insight_bodies(built, "Attached")
    assert set(bodies) == {"shop-prod-top-callers"}
    assert bodies["shop-prod-top-callers"]["LogGroupNames"] == ["aws-controltower/CloudTrailLogs"]


def test_insight_rule_limits() -> None:
    _, stack = new_stack()
    too_many = InsightRuleSpec(
        name="wide",
        keys=("$.a", "$.b", "$.c", "$.d", "$.e"),
        filters=tuple({"Match": f"$.f{i}", "IsPresent": True} for i in range(5)),
    )
    huge = InsightRuleSpec(
        name="huge", keys=("$.a",), filters=({"Match": "$.b", "In": ["x" * 8200]},)
    )
    with pytest.raises(BlueprintError) as caught:
        TrailContributorInsights(stack, "Rules", log_group_name="/trail", rules=[too_many, huge])
    assert str(caught.value).splitlines() == [
        "Test/Rules.rules[0].keys: 5 keys; a Contributor Insights rule takes 1 to 4",
        "Test/Rules.rules[0].filters: 5 filters; a Contributor Insights rule takes at most 4",
        "Test/Rules.rules[1].body: the rule body is 8407 characters; Contributor Insights "
        "allows at most 8192",
    ]


def test_insight_body_counts_an_unresolved_name_at_its_longest() -> None:
    _, stack = new_stack()
    trail = AuditTrail(stack, "Trail")
    near = InsightRuleSpec(
        name="near", keys=("$.a",), filters=({"Match": "$.b", "In": ["x" * 7600]},)
    )
    TrailContributorInsights(stack, "Fits", log_group_name="/trail", rules=[near])
    with pytest.raises(BlueprintError, match=r"rules\[0\]\.body: the rule body is 8\d{3}"):
        TrailContributorInsights(
            stack, "Long", log_group_name=trail.log_group.log_group_name, rules=[near]
        )


# ------------------------------------------------------------------ cdk-nag


def test_cdk_nag_and_cfn_lint_find_nothing(built: Built) -> None:
    # The one warning: the imported bucket and key need statements added where they live.
    assert_compliant(
        built.outdir,
        nag_error=built.nag_error,
        construct_warnings={"Annotation::observability-blueprint:trail-imported-policies"},
    )


def test_every_acknowledgement_carries_a_reason(built: Built) -> None:
    acknowledged = {
        construct.node.path: entry.data
        for stack in built.stacks.values()
        for construct in stack.node.find_all()
        for entry in construct.node.metadata
        if entry.type == "aws:cdk:acknowledged-rules"
    }
    # The access log bucket's own access logging (S1), and that the sign-in alerts'
    # dead-letter queues have no dead-letter queue of their own (SQS3).
    assert {path: set(rules) for path, rules in acknowledged.items()} == {
        "Home/Audit/Trail/AccessLogs": {"AwsSolutions::AwsSolutions-S1"},
        "Home/Audit/SignInDelivery/Queue": {"AwsSolutions::AwsSolutions-SQS3"},
        "SignIn/SignInForwarder/Delivery/Queue": {"AwsSolutions::AwsSolutions-SQS3"},
    }
    for rules in acknowledged.values():
        assert all(len(reason) > 40 for reason in rules.values())


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"retention_days": 42},
            "Test/Trail.retention_days: 42 is not a CloudWatch Logs retention; use one of 1, 3,",
        ),
        (
            {"glacier_after": Duration.days(400), "expire_after": Duration.days(365)},
            "Test/Trail.glacier_after: 400 is not before expire_after_days (365): objects "
            "would expire before they reach Glacier",
        ),
        (
            {"expire_after": Duration.days(0)},
            "Test/Trail.expire_after: 0 must be at least 1 day (or null for never)",
        ),
        (
            {"glacier_after": Duration.hours(36)},
            "Test/Trail.glacier_after: 1.5 days; S3 lifecycle rules count whole days",
        ),
        (
            {"existing_bucket": "arn:aws:s3:eu-west-1:111122223333:my-bucket"},
            "Test/Trail.existing_bucket: 'arn:aws:s3:eu-west-1:111122223333:my-bucket' is not an "
            "S3 bucket ARN; use arn:aws:s3:::BUCKET",
        ),
        (
            {"existing_bucket": "My_Bucket"},
            "Test/Trail.existing_bucket: 'My_Bucket' is not an S3 bucket name",
        ),
        (
            {"organization": True},
            "Test/Trail.organization_id: is required for an organization trail",
        ),
        (
            {"organization_id": "123"},
            "Test/Trail.organization_id: '123' is not an organization id",
        ),
        (
            {"management_events": "none"},
            "Test/Trail.management_events: 'none' without data events: the trail would record "
            "nothing",
        ),
        (
            {"data_events": DataEventSelection(s3=("arn:aws:s3:::bucket",))},
            "Test/Trail.data_events.s3[0]: 'arn:aws:s3:::bucket' is not an S3 data event resource",
        ),
        (
            {"trail_name": "my--trail"},
            "Test/Trail.trail_name: 'my--trail' is not a trail name",
        ),
        (
            {"existing_bucket": "central", "access_log_bucket": "logs-bucket"},
            "Test/Trail.access_log_bucket: applies to a bucket this construct creates",
        ),
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, Any], message: str) -> None:
    _, stack = new_stack()
    with pytest.raises(BlueprintError) as caught:
        AuditTrail(stack, "Trail", **kwargs)
    assert str(caught.value).startswith(message)


def test_a_trail_key_given_by_alias_arn_is_refused() -> None:
    _, stack = new_stack()
    alias = kms.Key.from_key_arn(stack, "Alias", "arn:aws:kms:eu-west-1:111122223333:alias/trail")
    with pytest.raises(BlueprintError) as caught:
        AuditTrail(stack, "Trail", trail_key=alias)
    assert str(caught.value).startswith(
        "Test/Trail.trail_key: 'arn:aws:kms:eu-west-1:111122223333:alias/trail' is not a KMS "
        "key ARN"
    )
