"""Amazon Resource Names: parsed once, here, and checked where an API needs one kind.

Pure module: no aws_cdk import. Everything that takes an ARN from a user (alarm
actions, composite rules and suppressors, subscription destinations) parses it
with :func:`parse_arn` and checks it with :func:`arn_problem`: the service and
resource type (an SQS queue given as a topic), the partition (nothing in AWS
reaches across partitions) and, where the API reference asks for it, the Region
and account.

Sources: the ARN format,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
(``arn:partition:service:region:account-id:resource-id``, ``...:resource-type/resource-id``
or ``...:resource-type:resource-id``); partitions and their Region names, botocore's
``partitions.json`` (a test keeps :data:`PARTITION_REGIONS` equal to it); partitions
are isolated from each other,
https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html.

Unresolved CDK values (tokens such as ``${Token[AWS.Region.12]}``) are never
judged: a field that holds one passes every check, and a text that is a token as
a whole is not parsed at all. A synthesized template read back as text (the
deploy rules) writes what CloudFormation resolves as ``${...}`` placeholders
(``arn:${AWS::Partition}:sns:${AWS::Region}:...``); :func:`parse_arn` takes those
only when asked (``placeholders=True``), since in a user's value ``${AWS::Region}``
is no placeholder at all and reaches CloudFormation as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from observability_blueprint.rules.errors import cut

# botocore partitions.json, "regionRegex" of each partition, as written there.
PARTITION_REGIONS: Final[dict[str, re.Pattern[str]]] = {
    "aws": re.compile(r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$", re.ASCII),
    "aws-cn": re.compile(r"^cn\-\w+\-\d+$", re.ASCII),
    "aws-eusc": re.compile(r"^eusc\-(de)\-\w+\-\d+$", re.ASCII),
    "aws-iso": re.compile(r"^us\-iso\-\w+\-\d+$", re.ASCII),
    "aws-iso-b": re.compile(r"^us\-isob\-\w+\-\d+$", re.ASCII),
    "aws-iso-e": re.compile(r"^eu\-isoe\-\w+\-\d+$", re.ASCII),
    "aws-iso-f": re.compile(r"^us\-isof\-\w+\-\d+$", re.ASCII),
    "aws-us-gov": re.compile(r"^us\-gov\-\w+\-\d+$", re.ASCII),
}
"""Each AWS partition and the form of its Region names."""

ARN_FORM: Final = "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"
SHOWN_MAX: Final = 120
"""Echoed ARNs are cut to this many characters."""

# aws-cdk-lib encodes an unresolved string as ${Token[...]} and a list element as
# #{Token[...]}; neither holds a colon, so an ARN made of tokens still splits.
_TOKEN: Final = re.compile(r"[$#]\{Token\[[^\]]*\]\}")
PLACEHOLDER: Final = re.compile(r"\$\{[^}]*\}")
"""A value a CloudFormation template resolves at deploy time, as a template read back
as text writes it: ``${AWS::Region}``, ``${Topic}``, ``${Function.Arn}``, ``${?}``."""
# Placeholders may hold colons and slashes (${AWS::Region}); they are hidden while an
# ARN is split, one character for another, so positions do not move.
_HIDE: Final = str.maketrans({":": "\0", "/": "\1"})
_SHOW: Final = str.maketrans({"\0": ":", "\1": "/"})
_SERVICE: Final = re.compile(r"[a-z0-9][a-z0-9-]*")
_ACCOUNT: Final = re.compile(r"[0-9]{12}")
# Resources without a type: the whole resource part is the name (a bucket and key,
# a topic, a queue).
_UNTYPED_SERVICES: Final = frozenset({"s3", "sns", "sqs"})
# Accounts that are not account ids: AWS-managed resources (arn:aws:iam::aws:policy/...)
# and the EC2 alarm actions (arn:aws:automate:REGION:ec2:stop).
_SPECIAL_ACCOUNTS: Final = {"aws": frozenset({"iam"}), "ec2": frozenset({"automate"})}


def is_unresolved(text: str) -> bool:
    """True when ``text`` holds an unresolved CDK value (a token)."""
    return _TOKEN.search(text) is not None


def shown(text: str) -> str:
    """Return ``text`` quoted for a message, cut to a readable length."""
    return repr(cut(text, SHOWN_MAX))


def partition_of_region(region: str | None) -> str | None:
    """Return the partition a Region belongs to; None when unknown or unresolved."""
    if region is None or is_unresolved(region):
        return None
    return next((p for p, form in PARTITION_REGIONS.items() if form.fullmatch(region)), None)


class ArnError(ValueError):
    """A text that is not an ARN; the message says why and shows the ARN form.

    ``str()`` is the text (cut) followed by :attr:`reason`.
    """

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        """Why, written to follow the text: ``is not an ARN (arn:PARTITION:...)``."""
        super().__init__(f"{shown(text)} {reason}")


@dataclass(frozen=True)
class Arn:
    """An ARN split into its parts.

    ``resource_type`` is empty for resources without one (an SNS topic, an SQS
    queue, an S3 bucket) and for resources given without a type; ``resource_id``
    is what follows the type's ``/`` or ``:`` (``function:name:alias`` gives the
    type ``function`` and the id ``name:alias``). A part may be a CDK token.
    """

    partition: str
    service: str
    region: str
    account: str
    resource_type: str
    resource_id: str
    text: str
    """The ARN as given."""
    placeholders: bool = False
    """Parsed from a template's text, where ``${...}`` is resolved at deploy time."""

    def __str__(self) -> str:
        return self.text

    def known(self, part: str) -> bool:
        """True when ``part`` (one of this ARN's fields) holds nothing unresolved."""
        return not (is_unresolved(part) or (self.placeholders and PLACEHOLDER.search(part)))


def parse_arn(text: str, *, placeholders: bool = False) -> Arn:
    """Split ``text`` into an :class:`Arn`.

    Parameters
    ----------
    text
        The ARN.
    placeholders
        Read ``${...}`` as a value CloudFormation resolves (:data:`PLACEHOLDER`):
        its colons do not split, and a part that holds one passes as unresolved.
        For a template read back as text, never for a user's value.

    Raises
    ------
    ArnError
        When ``text`` is not of the form ``arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE``
        with a known partition, a service name, a Region name or nothing, a
        12-digit account or nothing, and a resource; the message names the part.
    """

    def unresolved(part: str) -> bool:
        return is_unresolved(part) or (placeholders and PLACEHOLDER.search(part) is not None)

    if not text.startswith("arn:"):
        raise ArnError(text, f"is not an ARN ({ARN_FORM})")
    hidden = PLACEHOLDER.sub(lambda m: m[0].translate(_HIDE), text) if placeholders else text
    hidden_parts = hidden.split(":", 5)
    if len(hidden_parts) < 6:
        raise ArnError(
            text, f"has {len(hidden_parts)} of the 6 colon-separated parts of an ARN ({ARN_FORM})"
        )
    parts = [part.translate(_SHOW) for part in hidden_parts] if placeholders else hidden_parts
    _, partition, service, region, account, resource = parts
    if not (partition in PARTITION_REGIONS or unresolved(partition)):
        raise ArnError(
            text,
            f"is not an ARN: {cut(partition)!r} is not an AWS partition; use one of "
            + ", ".join(PARTITION_REGIONS),
        )
    if not (_SERVICE.fullmatch(service) or unresolved(service)):
        raise ArnError(
            text,
            f"is not an ARN: {cut(service)!r} is not a service namespace "
            "(lowercase letters, digits and hyphens, such as sns or lambda)",
        )
    if region and not unresolved(region) and partition_of_region(region) is None:
        raise ArnError(
            text,
            f"is not an ARN: {cut(region)!r} is not a Region name (such as eu-west-1) "
            "and not empty",
        )
    if (
        account
        and not _ACCOUNT.fullmatch(account)
        and not unresolved(account)
        and service not in _SPECIAL_ACCOUNTS.get(account, frozenset())
    ):
        raise ArnError(
            text, f"is not an ARN: the account {cut(account)!r} is not a 12-digit account id"
        )
    if not resource:
        raise ArnError(text, f"is not an ARN: it names no resource ({ARN_FORM})")
    resource_type, resource_id = "", resource
    if service not in _UNTYPED_SERVICES:
        hidden_resource = hidden_parts[5]
        found = (hidden_resource.find("/"), hidden_resource.find(":"))
        split = min((i for i in found if i >= 0), default=-1)
        if split > 0:
            resource_type, resource_id = resource[:split], resource[split + 1 :]
    return Arn(
        partition=partition,
        service=service,
        region=region,
        account=account,
        resource_type=resource_type,
        resource_id=resource_id,
        text=text,
        placeholders=placeholders,
    )


@dataclass(frozen=True)
class ArnKind:
    """One kind of resource an API takes by ARN: its service, resource type and form.

    Parameters
    ----------
    label
        What it is, with its article, for messages: ``an SNS topic``.
    service, resource_type
        The ARN's service namespace and resource type (empty when it has none).
    form
        The ARN as the API reference writes it, for messages.
    resource_id
        The form of the resource id, when the reference gives one.
    account
        A fixed account field (``ec2`` in ``arn:aws:automate:REGION:ec2:stop``).
    regional, in_account
        Whether the ARN names a Region and an account (True) or leaves the field
        empty (False): ``arn:aws:s3:::BUCKET`` has neither, an IAM role no Region.
        None leaves it to the caller.
    """

    label: str
    service: str
    resource_type: str
    form: str
    resource_id: re.Pattern[str] | None = None
    account: str | None = None
    regional: bool | None = True
    in_account: bool | None = True

    def matches(self, arn: Arn) -> bool:
        """True when ``arn`` is of this kind (its service and resource type; tokens pass)."""
        return (
            (arn.service == self.service or not arn.known(arn.service))
            and (arn.resource_type == self.resource_type or not arn.known(arn.resource_type))
            and (self.account is None or arn.account == self.account or not arn.known(arn.account))
        )

    def id_reason(self, arn: Arn) -> str | None:
        """Say why ``arn`` (of this kind) is malformed, to follow the ARN; None when it is not.

        Its resource id, and whether it names a Region and an account as this kind does.
        """
        for value, wanted in ((arn.region, self.regional), (arn.account, self.in_account)):
            if wanted is not None and bool(value) != wanted:
                return f"is not {self.label} ARN: use {self.form}"
        if self.resource_id is None or not arn.known(arn.resource_id):
            return None
        if self.resource_id.fullmatch(arn.resource_id):
            return None
        return f"is not {self.label} ARN: use {self.form}"

    def id_problem(self, arn: Arn) -> str | None:
        """Return why ``arn`` (of this kind) is malformed, or None (see :meth:`id_reason`)."""
        reason = self.id_reason(arn)
        return None if reason is None else f"{shown(arn.text)} {reason}"


SNS_TOPIC: Final = ArnKind(
    "an SNS topic",
    "sns",
    "",
    "arn:aws:sns:REGION:ACCOUNT:NAME",
    re.compile(r"[A-Za-z0-9_-]{1,256}(?:\.fifo)?"),
)
# CreateQueue QueueName: "up to 80 characters ... alphanumeric characters, hyphens (-),
# and underscores (_). A FIFO queue name must end with the .fifo suffix."
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
SQS_QUEUE: Final = ArnKind(
    "an SQS queue",
    "sqs",
    "",
    "arn:aws:sqs:REGION:ACCOUNT:NAME",
    re.compile(r"(?=.{1,80}$)[A-Za-z0-9_-]+(?:\.fifo)?", re.DOTALL),
)
S3_RESOURCE: Final = ArnKind(
    "an S3 bucket or object",
    "s3",
    "",
    "arn:aws:s3:::BUCKET/KEY",
    regional=False,
    in_account=False,
)
# Bucket naming rules: 3 to 63 lowercase letters, digits, dots and hyphens, starting
# and ending with a letter or digit, no two adjacent periods,
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
S3_BUCKET: Final = ArnKind(
    "an S3 bucket",
    "s3",
    "",
    "arn:aws:s3:::BUCKET (no Region, no account, no key)",
    re.compile(r"(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
    regional=False,
    in_account=False,
)
KMS_KEY: Final = ArnKind(
    "a KMS key",
    "kms",
    "key",
    "arn:aws:kms:REGION:ACCOUNT:key/KEY-ID (a multi-Region key's id starts with mrk-)",
    re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}"),
)
# An EKS cluster's IAM OIDC identity provider: its URL is the cluster's issuer,
# https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html
OIDC_PROVIDER: Final = ArnKind(
    "an EKS OIDC provider",
    "iam",
    "oidc-provider",
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID",
    re.compile(r"oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/id/[A-Za-z0-9]+"),
    regional=False,
)
LAMBDA_FUNCTION: Final = ArnKind(
    "a Lambda function",
    "lambda",
    "function",
    "arn:aws:lambda:REGION:ACCOUNT:function:NAME, with :VERSION or :ALIAS if wanted",
    re.compile(r"[A-Za-z0-9_-]{1,64}(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?"),
)
CLOUDWATCH_ALARM: Final = ArnKind(
    "a CloudWatch alarm",
    "cloudwatch",
    "alarm",
    "arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME",
    re.compile(r".{1,255}", re.DOTALL),
    # rules/alarm_rules.py says which of the Region and account a child alarm lacks.
    regional=None,
    in_account=None,
)
KINESIS_STREAM: Final = ArnKind(
    "a Kinesis data stream",
    "kinesis",
    "stream",
    "arn:aws:kinesis:REGION:ACCOUNT:stream/NAME",
    re.compile(r"[A-Za-z0-9_.-]{1,128}"),
)
FIREHOSE_STREAM: Final = ArnKind(
    "a Firehose delivery stream",
    "firehose",
    "deliverystream",
    "arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME",
    re.compile(r"[A-Za-z0-9_.-]{1,64}"),
)
LOGS_DESTINATION: Final = ArnKind(
    "a CloudWatch Logs destination",
    "logs",
    "destination",
    "arn:aws:logs:REGION:ACCOUNT:destination:NAME",
    re.compile(r"[^:*]{1,512}"),
)
LOG_GROUP: Final = ArnKind(
    "a log group", "logs", "log-group", "arn:aws:logs:REGION:ACCOUNT:log-group:NAME"
)
IAM_ROLE: Final = ArnKind(
    "an IAM role",
    "iam",
    "role",
    "arn:aws:iam::ACCOUNT:role/NAME",
    re.compile(r"[\w+=,.@/-]{1,512}", re.ASCII),
    regional=False,
)
# PutMetricAlarm AlarmActions (EC2 Auto Scaling); the Application Auto Scaling form
# (resource/...) is the PolicyARN PutScalingPolicy returns, which the step scaling
# guide puts in --alarm-actions:
# https://docs.aws.amazon.com/autoscaling/application/userguide/step-scaling-policy-overview.html
AUTOSCALING_POLICY: Final = ArnKind(
    "an Auto Scaling policy",
    "autoscaling",
    "scalingPolicy",
    "arn:aws:autoscaling:REGION:ACCOUNT:scalingPolicy:ID:autoScalingGroupName/GROUP:"
    "policyName/NAME",
    re.compile(r"[0-9a-f-]+:(?:autoScalingGroupName/[^:]+|resource/.+):policyName/.+"),
)
SSM_OPSITEM: Final = ArnKind(
    "a Systems Manager OpsItem action",
    "ssm",
    "opsitem",
    "arn:aws:ssm:REGION:ACCOUNT:opsitem:SEVERITY (1 to 4), with #CATEGORY=CATEGORY if wanted",
    re.compile(r"[1-4](?:#CATEGORY=(?:Availability|Cost|Performance|Recovery|Security))?"),
)
INCIDENT_RESPONSE_PLAN: Final = ArnKind(
    "an Incident Manager response plan",
    "ssm-incidents",
    "responseplan",
    "arn:aws:ssm-incidents::ACCOUNT:responseplan/NAME",
    re.compile(r"[A-Za-z0-9_-]{1,200}"),
    regional=False,
)
EC2_ACTION: Final = ArnKind(
    "an EC2 action",
    "automate",
    "",
    "arn:aws:automate:REGION:ec2:stop, terminate, reboot or recover",
    re.compile(r"stop|terminate|reboot|recover"),
    account="ec2",
)
SWF_EC2_ACTION: Final = ArnKind(
    "an EC2 action",
    "swf",
    "action",
    "arn:aws:swf:REGION:ACCOUNT:action/actions/AWS_EC2.InstanceId.Stop/1.0 (or Terminate, "
    "Reboot, Recover)",
    re.compile(r"actions/AWS_EC2\.InstanceId\.(?:Stop|Terminate|Reboot|Recover)/1\.0"),
)
INVESTIGATION_GROUP: Final = ArnKind(
    "a CloudWatch investigation group",
    "aiops",
    "investigation-group",
    "arn:aws:aiops:REGION:ACCOUNT:investigation-group:ID",
)

KNOWN_KINDS: Final[tuple[ArnKind, ...]] = (
    SNS_TOPIC,
    SQS_QUEUE,
    S3_RESOURCE,
    KMS_KEY,
    OIDC_PROVIDER,
    LAMBDA_FUNCTION,
    CLOUDWATCH_ALARM,
    KINESIS_STREAM,
    FIREHOSE_STREAM,
    LOGS_DESTINATION,
    LOG_GROUP,
    IAM_ROLE,
    AUTOSCALING_POLICY,
    SSM_OPSITEM,
    INCIDENT_RESPONSE_PLAN,
    EC2_ACTION,
    SWF_EC2_ACTION,
    INVESTIGATION_GROUP,
)
"""The kinds messages can name when an ARN is of the wrong one."""


def describe(arn: Arn) -> str:
    """Say what ``arn`` is, with its article: ``an SQS queue``, ``an s3 resource``."""
    if not (arn.known(arn.service) and arn.known(arn.resource_type)):
        return "an unresolved resource"
    kind = next((k for k in KNOWN_KINDS if k.matches(arn)), None)
    if kind is not None:
        return kind.label
    what = f"{arn.service} {arn.resource_type}" if arn.resource_type else f"{arn.service} resource"
    return f"{'an' if what[0] in 'aeiou' else 'a'} {what}"


def one_of(kinds: Sequence[ArnKind]) -> str:
    """Say which kinds are allowed: ``an SNS topic (arn:...) or a Lambda function (arn:...)``."""
    return " or ".join(f"{k.label} ({k.form})" for k in kinds)


@dataclass(frozen=True)
class Place:
    """Where an ARN is used from: the partition, Region and account of the stack.

    Each part is None when unknown (an environment-agnostic stack); checks that
    need an unknown part are skipped.
    """

    partition: str | None = None
    region: str | None = None
    account: str | None = None

    @classmethod
    def of(cls, *, region: str | None = None, account: str | None = None) -> Place:
        """Return the place of a stack in ``region`` and ``account`` (tokens count as unknown)."""
        region = None if region is None or is_unresolved(region) else region
        account = None if account is None or is_unresolved(account) else account
        return cls(partition=partition_of_region(region), region=region, account=account)


def place_reason(
    arn: Arn,
    place: Place,
    *,
    same_region: str | None = None,
    same_account: str | None = None,
) -> str | None:
    """Say why ``arn`` cannot be used from ``place``, to follow the ARN; None when it can.

    The partition must always be the place's. ``same_region`` and ``same_account``
    say why the API needs the same Region or account (None: it does not); the
    message quotes them.
    """
    if place.partition and arn.known(arn.partition) and arn.partition != place.partition:
        return (
            f"is in the partition {arn.partition}, this stack in {place.partition}: nothing in "
            f"AWS reaches across partitions; use an ARN that starts arn:{place.partition}:"
        )
    if (
        same_region is not None
        and place.region
        and arn.region
        and arn.known(arn.region)
        and arn.region != place.region
    ):
        return (
            f"is in the Region {arn.region}; {same_region}, so it must be in this stack's "
            f"Region, {place.region}"
        )
    if (
        same_account is not None
        and place.account
        and arn.account
        and arn.known(arn.account)
        and arn.account != place.account
    ):
        return (
            f"is in the account {arn.account}; {same_account}, so it must be in this stack's "
            f"account, {place.account}"
        )
    return None


def place_problem(
    arn: Arn,
    place: Place,
    *,
    same_region: str | None = None,
    same_account: str | None = None,
) -> str | None:
    """Return why ``arn`` cannot be used from ``place``, or None (see :func:`place_reason`)."""
    reason = place_reason(arn, place, same_region=same_region, same_account=same_account)
    return None if reason is None else f"{shown(arn.text)} {reason}"


def arn_problem(
    text: str,
    kinds: Sequence[ArnKind],
    *,
    place: Place | None = None,
    same_region: str | None = None,
    same_account: str | None = None,
) -> str | None:
    """Return why ``text`` is not an ARN of one of ``kinds`` usable from ``place``, or None.

    Parameters
    ----------
    text
        The ARN as given; a text that is an unresolved token as a whole passes.
    kinds
        What the API takes there.
    place
        Where it is used from; None skips the partition, Region and account checks.
    same_region, same_account
        Why the API needs the ARN in the same Region or account (see :func:`place_problem`).
    """
    if not text.startswith("arn:") and is_unresolved(text):
        return None
    try:
        arn = parse_arn(text)
    except ArnError as error:
        return f"{error}; expected {one_of(kinds)}"
    kind = next((k for k in kinds if k.matches(arn)), None)
    if kind is None:
        return f"{shown(text)} is {describe(arn)} ARN; expected {one_of(kinds)}"
    if message := kind.id_problem(arn):
        return message
    if place is None:
        return None
    return place_problem(arn, place, same_region=same_region, same_account=same_account)


def other_kind(text: str, kinds: Sequence[ArnKind]) -> str | None:
    """Say what ``text`` is (``an SQS queue``) when it is an ARN of none of ``kinds``.

    None when it is not an ARN or is of one of ``kinds``: for a message that names
    what was expected and adds what was given (``... (it is an SQS queue ARN)``).
    """
    try:
        arn = parse_arn(text)
    except ArnError:
        return None
    if any(k.matches(arn) for k in kinds):
        return None
    return describe(arn)


def kind_of(text: str, kinds: Sequence[ArnKind]) -> ArnKind | None:
    """Return which of ``kinds`` the ARN ``text`` is; None when none or not an ARN."""
    try:
        arn = parse_arn(text)
    except ArnError:
        return None
    return next((k for k in kinds if k.matches(arn)), None)


# ----------------------------------------------------- subscription destinations

SUBSCRIPTION_DESTINATIONS: Final[tuple[ArnKind, ...]] = (
    LAMBDA_FUNCTION,
    KINESIS_STREAM,
    FIREHOSE_STREAM,
    LOGS_DESTINATION,
)
"""What a subscription filter delivers to (PutSubscriptionFilter destinationArn)."""


def subscription_destination_problem(text: str, place: Place | None = None) -> str | None:
    """Return why ``text`` cannot be the destination of a subscription filter from ``place``.

    PutSubscriptionFilter takes a Lambda function, a Kinesis data stream or a
    Firehose delivery stream "belonging to the same account as the subscription
    filter", and a CloudWatch Logs destination of any account
    (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html).
    A Lambda function must also be in the log group's Region: the subscription
    walkthrough creates it there and grants ``logs.REGION.amazonaws.com``
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html).
    Kinesis and Firehose streams are checked for the account only.
    """
    kind = kind_of(text, SUBSCRIPTION_DESTINATIONS)
    same_account = (
        None
        if kind is LOGS_DESTINATION
        else "CloudWatch Logs delivers to a Lambda function, Kinesis or Firehose stream of "
        "the log group's own account (a CloudWatch Logs destination reaches other accounts)"
    )
    same_region = (
        "CloudWatch Logs invokes a subscription's Lambda function in the log group's Region"
        if kind is LAMBDA_FUNCTION
        else None
    )
    return arn_problem(
        text,
        SUBSCRIPTION_DESTINATIONS,
        place=place,
        same_region=same_region,
        same_account=same_account,
    )
