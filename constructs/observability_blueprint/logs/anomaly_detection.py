"""Log anomaly detection on one log group, with an alarm on the anomalies it finds."""

from __future__ import annotations

from typing import Unpack

from aws_cdk import ArnFormat, Duration, Names, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from observability_blueprint.alarms import AlarmOptions, StaticAlarm
from observability_blueprint.rules import log_alarms as rules
from observability_blueprint.rules.errors import BlueprintError, Problem

DEFAULT_EVALUATION_FREQUENCY = Duration.minutes(rules.DEFAULT_EVALUATION_MINUTES)
"""How often the detector looks for anomalies when not told: every 15 minutes."""
DEFAULT_VISIBILITY = Duration.days(rules.DEFAULT_VISIBILITY_DAYS)
"""How long an anomaly stays one before it is baselined: three weeks."""


class LogAnomalyDetection(Construct):
    """An ``AWS::Logs::LogAnomalyDetector`` on a log group, and an alarm on its anomalies.

    The detector trains on the last two weeks of the log group's events, then
    every ``evaluation_frequency`` compares new events with the patterns it
    learned; an anomaly left unfixed for ``visibility`` becomes normal. A
    detector watches one log group (CreateLogAnomalyDetector: "You can specify
    only one log group ARN"): make one per log group.

    CloudWatch Logs publishes ``AnomalyCount`` in ``AWS/Logs`` with the
    dimensions ``LogAnomalyDetector`` (the detector's name) and
    ``LogAnomalyPriority``
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/LogsAnomalyDetection-Metrics.html);
    ``alarm`` is a :class:`StaticAlarm` on its sum over each evaluation period,
    at or above ``threshold``, with missing data not breaching (quiet periods
    publish nothing).

    Parameters
    ----------
    log_group
        The log group watched.
    evaluation_frequency
        5, 10, 15, 30 or 60 minutes (CloudFormation does not take the API's one
        minute). Default: 15 minutes.
    visibility
        7 to 90 days. Default: 21 days.
    filter_pattern
        Only events matching this filter pattern are modelled (checked offline).
        Default: every event.
    detector_name
        Physical name, also the alarm's dimension (1 to 255 characters).
        Default: generated from the construct path.
    encryption_key
        Encrypts the detector's model and findings; a key of this stack has its
        policy extended for the account's anomaly detectors, as AWS documents it
        (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/LogsAnomalyDetection-KMS.html).
        AWS cannot change a detector's key: a new key means a new detector.
        Default: CloudWatch Logs' own encryption.
    priority
        Which anomalies the alarm counts: ``HIGH`` (high only), ``MEDIUM`` (high
        and medium) or ``LOW``. Default: ``HIGH``.
    threshold
        Anomalies in one evaluation period that set the alarm off. Default: 1.
    alarm_options
        What static alarms take (``actions``, ``alarm_name``, ``evaluation_periods``,
        ...; see ``AlarmOptions``). Default: missing data not breaching.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        log_group: logs.ILogGroup,
        evaluation_frequency: Duration = DEFAULT_EVALUATION_FREQUENCY,
        visibility: Duration = DEFAULT_VISIBILITY,
        filter_pattern: str | None = None,
        detector_name: str | None = None,
        encryption_key: kms.IKey | None = None,
        priority: rules.AnomalyPriority = "HIGH",
        threshold: int = 1,
        **alarm_options: Unpack[AlarmOptions],
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        minutes = evaluation_frequency.to_seconds() / 60
        problems = [
            Problem(f"{at}.{p.location}", p.message)
            for p in rules.anomaly_detector_problems(
                evaluation_minutes=minutes,
                visibility_days=visibility.to_seconds() / 86_400,
                filter_pattern=filter_pattern,
                detector_name=detector_name,
                priority=priority,
            )
        ]
        if threshold < 1:
            problems.append(
                Problem(f"{at}.threshold", f"{threshold} anomalies; the alarm needs at least 1")
            )
        if problems:
            raise BlueprintError(problems)
        stack = Stack.of(self)
        self.detector_name = detector_name or Names.unique_resource_name(
            self, max_length=rules.DETECTOR_NAME_MAX
        )
        """The detector's name, the ``LogAnomalyDetector`` dimension of its metric."""
        if encryption_key is not None:
            _allow_anomaly_detectors(encryption_key, stack)
        self.detector = logs.CfnLogAnomalyDetector(
            self,
            "Detector",
            detector_name=self.detector_name,
            # The log group's own ARN, without the :* of its streams.
            log_group_arn_list=[
                stack.format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name=log_group.log_group_name,
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
            evaluation_frequency=rules.EVALUATION_FREQUENCIES[int(minutes)],
            anomaly_visibility_time=int(visibility.to_seconds() // 86_400),
            filter_pattern=filter_pattern,
            kms_key_id=encryption_key.key_arn if encryption_key is not None else None,
        )
        """The ``AWS::Logs::LogAnomalyDetector``; a log group of this stack comes first
        (its name is a reference in the ARN)."""
        self.metric = cloudwatch.Metric(
            namespace=rules.ANOMALY_NAMESPACE,
            metric_name=rules.ANOMALY_METRIC,
            dimensions_map={
                rules.DETECTOR_DIMENSION: self.detector_name,
                rules.PRIORITY_DIMENSION: priority,
            },
            statistic="Sum",
            period=evaluation_frequency,
        )
        """Anomalies of ``priority`` the detector found, summed over each evaluation period."""
        options: AlarmOptions = {"treat_missing_data": "notBreaching", **alarm_options}
        self.alarm = StaticAlarm(
            self, "Alarm", metric=self.metric, threshold=threshold, comparison=">=", **options
        )
        """The alarm on :attr:`metric`."""
        self.alarm.node.add_dependency(self.detector)


def _allow_anomaly_detectors(key: kms.IKey, stack: Stack) -> None:
    """Add the key-policy statements AWS documents for anomaly detectors (a key of this stack).

    An imported key's policy cannot be changed here; its owner adds them.
    """
    detectors = stack.format_arn(
        service="logs",
        resource="anomaly-detector",
        resource_name="*",
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )
    logs_service = iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")
    this_account = {"aws:SourceAccount": stack.account}
    for sid, actions, context in (
        (
            "CloudWatchLogsAnomalyDetectors",
            ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
            "kms:EncryptionContext:aws:logs:arn",
        ),
        (
            "CloudWatchLogsAnomalyDetectorsReEncryption",
            ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
            "kms:EncryptionContext:aws-crypto-ec:aws:logs:arn",
        ),
    ):
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid=sid,
                principals=[logs_service],
                actions=actions,
                resources=["*"],
                conditions={
                    "StringEquals": this_account,
                    "StringLike": {context: detectors},
                    "ArnLike": {"aws:SourceArn": detectors},
                },
            )
        )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="CloudWatchLogsAnomalyDetectorsDescribeKey",
            principals=[logs_service],
            actions=["kms:DescribeKey"],
            resources=["*"],
            conditions={"StringEquals": this_account},
        )
    )
