"""A CloudTrail trail into CloudWatch Logs, with a bucket and key that keep the record safe."""

from __future__ import annotations

import json
from typing import Any, Unpack

import jsii
from aws_cdk import (
    Acknowledgment,
    Annotations,
    Aspects,
    Duration,
    IAspect,
    Names,
    RemovalPolicy,
    Stack,
    Token,
    Validations,
)
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct, IConstruct

from observability_blueprint.logs import LogStorage, ManagedLogGroup, storage_problems
from observability_blueprint.rules import audit as audit_rules
from observability_blueprint.rules.audit import DataEventSelection, ManagementEvents, TrailSettings
from observability_blueprint.rules.errors import BlueprintError, Problem

DEFAULT_GLACIER_AFTER = Duration.days(90)
"""Log files move to S3 Glacier Flexible Retrieval after 90 days."""
DEFAULT_EXPIRE_AFTER: Duration | None = None
"""Log files are never deleted unless an expiry is given."""
DEFAULT_REMOVAL_POLICY = RemovalPolicy.RETAIN
"""The bucket, the key and the log group outlive the stack: the audit record is kept."""

_READ_WRITE = {
    "all": cloudtrail.ReadWriteType.ALL,
    "read_only": cloudtrail.ReadWriteType.READ_ONLY,
    "write_only": cloudtrail.ReadWriteType.WRITE_ONLY,
    "none": cloudtrail.ReadWriteType.NONE,
}
_PLACEHOLDERS = {"account": "<ACCOUNT_ID>", "region": "<REGION>", "partition": "<PARTITION>"}


@jsii.implements(IAspect)
class _OneTrailOnly:
    """Bind CloudTrail's statements in the trail bucket's policy to this one trail.

    aws-cdk-lib's ``Trail`` lets ``cloudtrail.amazonaws.com`` read the bucket's ACL
    and write log files with no ``aws:SourceArn``, so any trail of any account
    could write into the bucket (the confused deputy). The CloudTrail user guide
    writes both statements with ``aws:SourceArn`` naming the trail:
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    The ARN is built from the trail's name (a reference would make the bucket
    policy and the trail depend on each other). Applied once every statement is
    in, to the policy as synthesized.
    """

    def __init__(self, trail_arn: str) -> None:
        self._trail_arn = trail_arn

    def visit(self, node: IConstruct) -> None:
        """Add the condition to every statement whose principal is CloudTrail."""
        if not isinstance(node, s3.CfnBucketPolicy):
            return
        document = Stack.of(node).resolve(node.policy_document)
        for statement in document.get("Statement", []):
            if statement.get("Principal") == {"Service": audit_rules.CLOUDTRAIL_PRINCIPAL}:
                condition = statement.setdefault("Condition", {})
                condition.setdefault("StringEquals", {})["aws:SourceArn"] = self._trail_arn
        node.policy_document = document


class AuditTrail(Construct):
    """A CloudTrail trail delivering to S3 and to a CloudWatch Logs log group.

    By default: multi-Region, global service events included, log-file
    validation on, read and write management events, log files encrypted with a
    new customer-managed key (rotated; its policy lets this trail encrypt and
    the account decrypt, only under a CloudTrail encryption context), delivered
    to a new bucket that blocks public access, refuses plain HTTP, is versioned,
    logs its server access to a second bucket and moves log files to Glacier
    after 90 days. Events also go to a :class:`ManagedLogGroup` (one year)
    through a role that may only write to that log group. Bucket, key and log
    group are retained when the stack is deleted.

    An existing bucket or key can be used instead (``existing_bucket``,
    ``trail_key``). CDK cannot change the policy of a resource this
    stack does not manage, so :meth:`required_policy_statements` returns what
    their policies must allow, and a warning prints it at synthesis.

    Parameters
    ----------
    trail_name
        Default: derived from the construct path (a literal, so the key policy
        can name the trail without a dependency cycle).
    multi_region
        Record events of every Region. Default: True.
    organization
        An organization trail (only from the management account or a delegated
        administrator account). Default: False.
    organization_id
        The organization id (``o-...``); the created bucket's policy needs it for
        an organization trail.
    management_events
        ``all``, ``read_only``, ``write_only`` or ``none``. Default: ``all``.
    data_events
        S3 object and Lambda data events to record too. Default: none.
    log_group_name
        Default: generated. Required when ``encryption_key`` is a BlueprintKey.
    existing_bucket
        A bucket name or ``arn:aws:s3:::NAME`` to deliver to. Default: a bucket is created.
    access_log_bucket
        Name or ARN of the bucket receiving the created bucket's server access
        logs. Default: a bucket is created for them.
    trail_key
        An existing key for the log files (``kms.Key.from_key_arn(...)``); its
        policy must let CloudTrail use it (:meth:`required_policy_statements`).
        Default: a key is created with that policy.
    glacier_after, expire_after
        Lifecycle of the created buckets' objects, in whole days. Default: Glacier
        after 90 days, never deleted.
    storage
        ``retention_days``, ``encryption_key``, ``removal_policy`` of the log group:
        see :class:`LogStorage` (default: a year, AWS-owned key, retained). The
        removal policy applies to the created bucket and key too.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        trail_name: str | None = None,
        multi_region: bool = True,
        organization: bool = False,
        organization_id: str | None = None,
        management_events: ManagementEvents = "all",
        data_events: DataEventSelection | None = None,
        log_group_name: str | None = None,
        existing_bucket: str | None = None,
        access_log_bucket: str | None = None,
        trail_key: kms.IKey | None = None,
        glacier_after: Duration | None = DEFAULT_GLACIER_AFTER,
        expire_after: Duration | None = DEFAULT_EXPIRE_AFTER,
        **storage: Unpack[LogStorage],
    ) -> None:
        super().__init__(scope, id)
        removal_policy = storage.get("removal_policy", DEFAULT_REMOVAL_POLICY)
        # Server access logs are granted through the bucket policy (ACLs stay
        # disabled) whatever feature flags the surrounding app has: without the
        # flag aws-cdk-lib would ask for an ACL that BucketOwnerEnforced forbids.
        self.node.set_context("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", True)
        data_events = data_events or DataEventSelection()
        glacier_days = _whole_days(glacier_after)
        expire_days = _whole_days(expire_after)
        existing_key_arn = (
            None
            if trail_key is None or Token.is_unresolved(trail_key.key_arn)
            else trail_key.key_arn
        )
        self._check(
            trail_name=trail_name,
            organization=organization,
            organization_id=organization_id,
            management_events=management_events,
            data_events=data_events,
            storage_problems=storage_problems(
                self.node.path, storage, log_group_names=[log_group_name]
            ),
            existing_bucket=existing_bucket,
            access_log_bucket=access_log_bucket,
            existing_key_arn=existing_key_arn,
            glacier_after_days=glacier_days,
            expire_after_days=expire_days,
        )
        glacier_after_days = None if glacier_days is None else int(glacier_days)
        expire_after_days = None if expire_days is None else int(expire_days)
        stack = Stack.of(self)
        self.settings = TrailSettings(
            multi_region=multi_region,
            management_events=management_events,
            organization=organization,
        )
        """What the trail records (the CIS alarm pack checks it)."""
        self.trail_name: str = trail_name or Names.unique_resource_name(
            self, max_length=128, separator="-"
        )
        """The trail's name."""
        self.trail_arn: str = audit_rules.trail_arn(
            partition=stack.partition,
            region=stack.region,
            account=stack.account,
            trail_name=self.trail_name,
        )
        """The trail's ARN, built from its name."""
        self._organization_id = organization_id
        self._existing_bucket = existing_bucket
        self._existing_key = trail_key

        self.key: kms.IKey
        """The key encrypting the log files."""
        if trail_key is not None:
            self.key = trail_key
            # A key this stack manages (a BlueprintKey, a kms.Key) takes the statements
            # here; an imported one must already have them (a warning lists them).
            added = [
                trail_key.add_to_resource_policy(
                    iam.PolicyStatement.from_json(statement), allow_no_op=True
                ).statement_added
                for statement in self._key_statements(placeholders=False)
            ]
            if all(added):
                self._existing_key = None
        else:
            key = kms.Key(
                self,
                "Key",
                description=f"CloudTrail log files of {self.trail_name}",
                enable_key_rotation=True,
                removal_policy=removal_policy,
            )
            for statement in self._key_statements(placeholders=False):
                key.add_to_resource_policy(iam.PolicyStatement.from_json(statement))
            self.key = key

        self.access_log_bucket: s3.IBucket | None = None
        """The bucket receiving the created bucket's server access logs (None with an
        existing trail bucket)."""
        self.bucket: s3.IBucket
        """The bucket the log files are delivered to."""
        if existing_bucket is not None:
            name = audit_rules.bucket_name_of(existing_bucket)
            assert name is not None  # checked above
            self.bucket = s3.Bucket.from_bucket_name(self, "Bucket", name)
        else:
            self.bucket = self._bucket(
                access_log_bucket=access_log_bucket,
                glacier_after_days=glacier_after_days,
                expire_after_days=expire_after_days,
                removal_policy=removal_policy,
            )

        self.log_group = ManagedLogGroup(
            self,
            "Logs",
            log_group_name=log_group_name,
            **storage,
        )
        """The log group the trail delivers events to."""

        self.trail = cloudtrail.Trail(
            self,
            "Resource",
            trail_name=self.trail_name,
            bucket=self.bucket,
            encryption_key=self.key,
            enable_file_validation=True,
            is_multi_region_trail=multi_region,
            include_global_service_events=True,
            is_organization_trail=organization,
            org_id=organization_id,
            management_events=_READ_WRITE[management_events],
            send_to_cloud_watch_logs=True,
            cloud_watch_log_group=self.log_group.log_group,
        )
        """The underlying aws-cdk-lib trail."""
        self._data_events(data_events)
        self._drop_redundant_dependency()
        if isinstance(self.bucket, s3.Bucket) and self.bucket.policy is not None:
            bucket_policy = self.bucket.policy.node.default_child
            assert isinstance(bucket_policy, s3.CfnBucketPolicy)
            Aspects.of(bucket_policy).add(_OneTrailOnly(self.trail_arn))
        if organization:
            Annotations.of(self).add_info(
                "An organization trail can only be created from the organization's management "
                "account or a delegated administrator account for CloudTrail; deployed "
                "anywhere else the stack fails. It records the events of every member account "
                "into this account's bucket and log group."
            )
        required = self.required_policy_statements()
        if required:
            Annotations.of(self).add_warning_v2(
                "observability-blueprint:trail-imported-policies",
                "CDK cannot change the policy of a bucket or key this stack does not manage; "
                "add these statements before deploying, or CloudTrail cannot deliver: "
                + json.dumps(required, sort_keys=True),
            )

    # ------------------------------------------------------------ checks

    def _check(
        self,
        *,
        trail_name: str | None,
        organization: bool,
        organization_id: str | None,
        management_events: str,
        data_events: DataEventSelection,
        storage_problems: list[Problem],
        existing_bucket: str | None,
        access_log_bucket: str | None,
        existing_key_arn: str | None,
        glacier_after_days: float | None,
        expire_after_days: float | None,
    ) -> None:
        at = self.node.path
        problems: list[Problem] = list(storage_problems)

        def add(where: str, message: str | None) -> None:
            if message:
                problems.append(Problem(f"{at}.{where}", message))

        if trail_name is not None and not Token.is_unresolved(trail_name):
            add("trail_name", audit_rules.check_trail_name(trail_name))
        for where, reference in (
            ("existing_bucket", existing_bucket),
            ("access_log_bucket", access_log_bucket),
        ):
            if reference is not None:
                add(where, audit_rules.check_bucket_reference(reference))
        if existing_key_arn is not None:
            add("trail_key", audit_rules.check_kms_key_arn(existing_key_arn))
        if organization_id is not None:
            add("organization_id", audit_rules.check_organization_id(organization_id))
        if organization and organization_id is None and existing_bucket is None:
            add(
                "organization_id",
                "is required for an organization trail: the bucket policy must let CloudTrail "
                "write under AWSLogs/<organization id>/",
            )
        if existing_bucket is not None and access_log_bucket is not None:
            add(
                "access_log_bucket",
                "applies to a bucket this construct creates; an existing bucket keeps its own "
                "server access logging",
            )
        for problem in audit_rules.management_event_problems(
            management_events, data_events=not data_events.is_empty()
        ):
            add(problem.location, problem.message)
        for where, values, kind in (
            ("data_events.s3", data_events.s3, "s3"),
            ("data_events.lambda_functions", data_events.lambda_functions, "lambda"),
        ):
            for problem in audit_rules.data_resource_problems(values, kind=kind):
                add(where + problem.location, problem.message)
        for where, days in (
            ("glacier_after", glacier_after_days),
            ("expire_after", expire_after_days),
        ):
            if days is not None and not float(days).is_integer():
                add(where, f"{days:g} days; S3 lifecycle rules count whole days")
        for problem in audit_rules.lifecycle_problems(
            glacier_after_days=None if glacier_after_days is None else int(glacier_after_days),
            expire_after_days=None if expire_after_days is None else int(expire_after_days),
        ):
            add(problem.location.removesuffix("_days"), problem.message)
        if problems:
            raise BlueprintError(problems)

    # ------------------------------------------------------------ pieces

    def _bucket(
        self,
        *,
        access_log_bucket: str | None,
        glacier_after_days: int | None,
        expire_after_days: int | None,
        removal_policy: RemovalPolicy,
    ) -> s3.Bucket:
        lifecycle = _lifecycle_rules(glacier_after_days, expire_after_days)
        target: s3.IBucket
        if access_log_bucket is not None:
            name = audit_rules.bucket_name_of(access_log_bucket)
            assert name is not None  # checked above
            target = s3.Bucket.from_bucket_name(self, "AccessLogs", name)
            Annotations.of(self).add_warning_v2(
                "observability-blueprint:trail-access-log-bucket",
                f"The bucket {name} receives the trail bucket's server access logs: its policy "
                "must allow s3:PutObject by logging.s3.amazonaws.com (CDK cannot change the "
                "policy of a bucket this stack does not manage).",
            )
        else:
            created = s3.Bucket(
                self,
                "AccessLogs",
                encryption=s3.BucketEncryption.S3_MANAGED,  # log delivery takes SSE-S3 only
                enforce_ssl=True,
                block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
                object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
                versioned=True,
                lifecycle_rules=lifecycle,
                removal_policy=removal_policy,
            )
            Validations.of(created).acknowledge(
                Acknowledgment(
                    id="AwsSolutions::AwsSolutions-S1",
                    reason="This bucket receives the trail bucket's server access logs; "
                    "logging its own access would write a log entry for every log entry.",
                )
            )
            target = created
        self.access_log_bucket = target
        return s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,  # log files carry their own SSE-KMS
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=True,
            server_access_logs_bucket=target,
            server_access_logs_prefix="cloudtrail-bucket/",
            lifecycle_rules=lifecycle,
            removal_policy=removal_policy,
        )

    def _drop_redundant_dependency(self) -> None:
        # aws-cdk-lib makes the trail depend on its logs role explicitly although the
        # role's ARN already orders them (cfn-lint W3005); keep the policy dependencies.
        cfn = self.trail.node.default_child
        assert isinstance(cfn, cloudtrail.CfnTrail)
        stack = Stack.of(self)
        policies = [self.trail.node.find_child("LogsRole").node.find_child("DefaultPolicy")]
        if isinstance(self.bucket, s3.Bucket) and self.bucket.policy is not None:
            policies.append(self.bucket.policy)
        cfn.add_override(
            "DependsOn",
            [stack.get_logical_id(p.node.default_child) for p in policies],  # type: ignore[arg-type]
        )

    def _data_events(self, selection: DataEventSelection) -> None:
        stack = Stack.of(self)
        read_write = _READ_WRITE[selection.read_write]
        for kind, values, everything in (
            (cloudtrail.DataResourceType.S3_OBJECT, selection.s3, f"arn:{stack.partition}:s3"),
            (
                cloudtrail.DataResourceType.LAMBDA_FUNCTION,
                selection.lambda_functions,
                f"arn:{stack.partition}:lambda",
            ),
        ):
            if values:
                self.trail.add_event_selector(
                    kind,
                    [everything] if "all" in values else list(values),
                    include_management_events=False,
                    read_write_type=read_write,
                )

    def _value(self, name: str, value: str, placeholders: bool) -> str:
        return _PLACEHOLDERS[name] if placeholders and Token.is_unresolved(value) else value

    def _key_statements(self, *, placeholders: bool) -> list[dict[str, Any]]:
        stack = Stack.of(self)
        partition = self._value("partition", stack.partition, placeholders)
        account = self._value("account", stack.account, placeholders)
        region = self._value("region", stack.region, placeholders)
        return audit_rules.key_policy_statements(
            partition=partition,
            account=account,
            trail_arn=audit_rules.trail_arn(
                partition=partition, region=region, account=account, trail_name=self.trail_name
            ),
        )

    def required_policy_statements(self) -> dict[str, list[dict[str, Any]]]:
        """Return the statements an existing bucket's or key's policy must hold.

        Keys: ``bucket`` (with an existing bucket) and ``key`` (with an existing
        key), each a list of IAM policy statements as JSON-able dicts. Account,
        Region and partition are placeholders (``<ACCOUNT_ID>``) when the stack is
        environment-agnostic. Empty when this construct created both.
        """
        required: dict[str, list[dict[str, Any]]] = {}
        stack = Stack.of(self)
        if self._existing_bucket is not None:
            partition = self._value("partition", stack.partition, True)
            account = self._value("account", stack.account, True)
            region = self._value("region", stack.region, True)
            name = audit_rules.bucket_name_of(self._existing_bucket)
            assert name is not None
            required["bucket"] = audit_rules.bucket_policy_statements(
                bucket_name=name,
                partition=partition,
                account=account,
                trail_arn=audit_rules.trail_arn(
                    partition=partition,
                    region=region,
                    account=account,
                    trail_name=self.trail_name,
                ),
                organization_id=self._organization_id,
            )
        if self._existing_key is not None:
            required["key"] = self._key_statements(placeholders=True)
        return required


def _whole_days(duration: Duration | None) -> float | None:
    """Days of a lifecycle ``Duration`` (checked to be whole: S3 counts whole days)."""
    return None if duration is None else duration.to_days(integral=False)


def _lifecycle_rules(
    glacier_after_days: int | None, expire_after_days: int | None
) -> list[s3.LifecycleRule]:
    if glacier_after_days is None and expire_after_days is None:
        return []
    glacier = (
        [
            s3.Transition(
                storage_class=s3.StorageClass.GLACIER,
                transition_after=Duration.days(glacier_after_days),
            )
        ]
        if glacier_after_days is not None
        else None
    )
    noncurrent_glacier = (
        [
            s3.NoncurrentVersionTransition(
                storage_class=s3.StorageClass.GLACIER,
                transition_after=Duration.days(glacier_after_days),
            )
        ]
        if glacier_after_days is not None
        else None
    )
    expiry = Duration.days(expire_after_days) if expire_after_days is not None else None
    return [
        s3.LifecycleRule(
            id="archive-and-expire",
            transitions=glacier,
            noncurrent_version_transitions=noncurrent_glacier,
            expiration=expiry,
            noncurrent_version_expiration=expiry,
            abort_incomplete_multipart_upload_after=Duration.days(7),
        )
    ]
