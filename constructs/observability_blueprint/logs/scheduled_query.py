"""A Logs Insights query that CloudWatch Logs runs on a schedule, its results kept in S3."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from aws_cdk import Duration, Names, Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from observability_blueprint.logs._query_roles import grant_query, service_role
from observability_blueprint.rules import log_alarms as rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.names import check_bucket_name
from observability_blueprint.security import acknowledge_wildcard_resource

DEFAULT_PREFIX: Final = rules.SCHEDULED_QUERY_PREFIX
"""Where in the bucket results go when no prefix is given."""
_NEW_OBJECTS_REASON: Final = (
    "CloudWatch Logs writes each run's results as a new object whose name it chooses, "
    "under this prefix only"
)


class ScheduledLogQuery(Construct):
    """An ``AWS::Logs::ScheduledQuery`` that delivers its results to S3.

    CloudWatch Logs runs ``query`` on ``log_groups`` on a ``cron()`` schedule (UTC
    unless ``timezone``), over the ``window`` before each run, and writes the
    result rows as JSON objects under ``s3://BUCKET/PREFIX``. CloudFormation
    offers S3 as the only destination (the API also refreshes lookup tables).

    Two roles, as AWS separates them, each assumed by ``logs.amazonaws.com`` for
    this account only: ``execution_role`` may query ``log_groups`` (and decrypt
    with ``encryption_key``), ``delivery_role`` may put objects under the prefix
    (and encrypt with the bucket's key).

    Checked before CloudFormation sees it: the cron expression (six fields, ``?``
    in one day field), the name, language, query length, log group count, time
    zone, window and the S3 URI.

    Parameters
    ----------
    query
        The query each run executes (at most 10,000 characters).
    log_groups
        The 1 to 50 log groups it reads.
    schedule
        ``cron(minute hour day-of-month month day-of-week year)``, such as
        ``cron(0 6 ? * MON-FRI *)`` for 06:00 on weekdays.
    window
        How much log each run reads, ending at the run (1 second to 30 days).
    bucket, prefix
        Where results go. Default prefix: ``scheduled-queries/``.
    language
        ``CWLI`` (Logs Insights), ``PPL`` or ``SQL``. Default: ``CWLI``.
    name
        Physical name (letters, digits and ``_ - / . #``); changing it replaces
        the query. Default: generated from the construct path.
    timezone
        IANA time zone the schedule is read in. Default: UTC.
    description
        At most 1,024 characters.
    enabled
        Default: True.
    encryption_key
        The key that encrypts ``log_groups``; the execution role may decrypt with it.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        query: str,
        log_groups: Sequence[logs.ILogGroup],
        schedule: str,
        window: Duration,
        bucket: s3.IBucket,
        prefix: str = DEFAULT_PREFIX,
        language: rules.QueryLanguage = "CWLI",
        name: str | None = None,
        timezone: str | None = None,
        description: str | None = None,
        enabled: bool = True,
        encryption_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        bucket_name = bucket.bucket_name
        # The URI is checked with a stand-in for a bucket name CloudFormation resolves
        # (and for a wrong name, reported as the bucket's).
        bucket_problem = None
        if not Token.is_unresolved(bucket_name):
            bucket_problem = check_bucket_name(bucket_name)
        shown_bucket = (
            "bucket" if Token.is_unresolved(bucket_name) or bucket_problem else bucket_name
        )
        settings = rules.ScheduledQuerySettings(
            name=name,
            query=query,
            language=language,
            log_groups=[g.log_group_name for g in log_groups],
            schedule=schedule,
            start_time_offset=int(window.to_seconds()),
            timezone=timezone,
            description=description,
            destination=_uri(shown_bucket, prefix),
        )
        problems = [
            Problem(f"{at}.{p.location}", p.message)
            for p in rules.scheduled_query_problems(settings)
        ]
        if message := rules.check_s3_prefix(prefix):
            problems.append(Problem(f"{at}.prefix", message))
        if bucket_problem:
            problems.append(Problem(f"{at}.bucket", bucket_problem))
        if problems:
            raise BlueprintError(problems)

        self.execution_role = service_role(
            self,
            "ExecutionRole",
            service="logs.amazonaws.com",
            description=f"CloudWatch Logs runs the scheduled query {at}",
        )
        """The role CloudWatch Logs assumes to run the query."""
        execution_policy = grant_query(
            self.execution_role, log_groups, encryption_key=encryption_key
        )
        self.delivery_role = service_role(
            self,
            "DeliveryRole",
            service="logs.amazonaws.com",
            description=f"CloudWatch Logs delivers the results of {at} to S3",
        )
        """The role CloudWatch Logs assumes to write the results."""
        objects = bucket.arn_for_objects(f"{prefix}*")
        delivery = self.delivery_role.add_to_principal_policy(
            iam.PolicyStatement(actions=["s3:PutObject"], resources=[objects])
        )
        acknowledge_wildcard_resource(self.delivery_role, objects, reason=_NEW_OBJECTS_REASON)
        if bucket.encryption_key is not None:
            bucket.encryption_key.grant(self.delivery_role, "kms:GenerateDataKey", "kms:Decrypt")
        self.query = logs.CfnScheduledQuery(
            self,
            "Resource",
            name=name
            or Names.unique_resource_name(self, max_length=rules.SCHEDULED_QUERY_NAME_MAX),
            query_language=language,
            query_string=query,
            log_group_identifiers=list(settings.log_groups),
            schedule_expression=schedule,
            timezone=timezone,
            start_time_offset=settings.start_time_offset,
            description=description,
            state="ENABLED" if enabled else "DISABLED",
            execution_role_arn=self.execution_role.role_arn,
            destination_configuration=logs.CfnScheduledQuery.DestinationConfigurationProperty(
                s3_configuration=logs.CfnScheduledQuery.S3ConfigurationProperty(
                    destination_identifier=_uri(bucket_name, prefix),
                    role_arn=self.delivery_role.role_arn,
                )
            ),
        )
        """The ``AWS::Logs::ScheduledQuery``."""
        # The first run may come right after creation: the roles' policies first.
        self.query.node.add_dependency(execution_policy)
        if delivery.policy_dependable is not None:
            self.query.node.add_dependency(delivery.policy_dependable)


def _uri(bucket_name: str, prefix: str) -> str:
    return f"s3://{bucket_name}/{prefix}" if prefix else f"s3://{bucket_name}"
