"""The offline EventBridge pattern engine: documented examples, syntax checks, templates.

Every example below comes from the Amazon EventBridge User Guide ("Event
patterns", "Example events and event patterns", "Matching null values and
empty strings", "Arrays in event patterns", "Content filtering in Amazon
EventBridge event patterns" with its comparison-operator table) or from the
README of aws/event-ruler, the engine EventBridge runs. Each row is the pattern,
an event, and what the documentation says happens.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from observability_blueprint.rules import event_patterns
from observability_blueprint.rules.event_patterns import (
    EventExamples,
    check_pattern,
    example_problems,
    global_services,
    matches,
    needs_us_east_1,
    pattern_problems,
    region_split_problem,
    template_problems,
    wildcard_problem,
)

# The EC2 event of "Event patterns".
EC2_TERMINATED = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "111122223333",
    "time": "2017-12-22T18:43:48Z",
    "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {"instance-id": "i-1234567890abcdef0", "state": "terminated"},
}
# The Auto Scaling event of "Matching null values and empty strings".
AUTOSCALING = {
    "version": "0",
    "id": "3e3c153a-8339-4e30-8c35-687ebef853fe",
    "detail-type": "EC2 Instance Launch Successful",
    "source": "aws.autoscaling",
    "account": "123456789012",
    "time": "2015-11-11T21:31:47Z",
    "region": "us-east-1",
    "resources": [],
    "detail": {"eventVersion": "", "responseElements": None},
}
# The (truncated) Macie event of "Value matching".
MACIE = {
    "detail-type": "Macie Alert",
    "source": "aws.macie",
    "detail": {
        "notification-type": "ALERT_CREATED",
        "tags": ["Custom_Alert", "Insider"],
        "risk-score": 80,
        "trigger": {"alert-type": "basic", "risk": 8},
    },
}
# The example event of the event-ruler README.
RULER = {
    "version": "0",
    "id": "ddddd4-aaaa-7777-4444-345dd43cc333",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "012345679012",
    "time": "2017-10-02T16:24:49Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
    "detail": {
        "c-count": 5,
        "d-count": 3,
        "x-limit": 301.8,
        "source-ip": "10.0.0.33",
        "instance-id": "i-000000aaaaaa00000",
        "state": "running",
    },
}
# The two events of "Exists matching" (older edition) that exists: false matches.
NO_C_COUNT = {
    "detail-type": ["EC2 Instance State-change Notification"],
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],
    "detail": {"state": ["initializing", "running"]},
}
C_COUNT_NOT_A_LEAF = {
    "detail-type": ["EC2 Instance State-change Notification"],
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],
    "detail": {"state": ["initializing", "running"], "c-count": {"c1": 100}},
}
# The two events of "Exists matching" (current edition).
PENDING = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-abcd1111", "state": "pending"},
}
NO_STATE = {
    "detail-type": ["EC2 Instance State-change Notification"],
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],
    "detail": {"c-count": {"c1": 100}},
}
EMPLOYEES = {
    "employees": [
        {"firstName": "John", "lastName": "Doe"},
        {"firstName": "Anna", "lastName": "Smith"},
        {"firstName": "Peter", "lastName": "Jones"},
    ]
}


def detail(**fields: Any) -> dict[str, Any]:
    return {"source": "test", "detail": fields}


DOCUMENTED: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    # --- Event patterns
    (
        "EC2 terminated",
        {
            "source": ["aws.ec2"],
            "detail-type": ["EC2 Instance State-change Notification"],
            "detail": {"state": ["terminated"]},
        },
        EC2_TERMINATED,
        True,
    ),
    (
        "EC2 terminated, event running",
        {"source": ["aws.ec2"], "detail": {"state": ["terminated"]}},
        {**EC2_TERMINATED, "detail": {"state": "running"}},
        False,
    ),
    ("match values: ec2 or fargate", {"source": ["aws.ec2", "aws.fargate"]}, EC2_TERMINATED, True),
    (
        "field missing from the event",
        {"source": ["aws.ec2"], "detail": {"cause": ["x"]}},
        EC2_TERMINATED,
        False,
    ),
    (
        "strings match exactly, no case folding",
        {"source": ["AWS.EC2"]},
        EC2_TERMINATED,
        False,
    ),
    ("numbers by their JSON form: 300 is not 300.0", {"x": [300]}, {"x": 300.0}, False),
    ("numbers: 300 equals 300", {"x": [300]}, {"x": 300}, True),
    # --- Example events and event patterns
    (
        "field matching: responseElements null",
        {
            "source": ["aws.autoscaling"],
            "detail-type": ["EC2 Instance Launch Successful"],
            "detail": {"responseElements": [None]},
        },
        AUTOSCALING,
        True,
    ),
    (
        "value matching: risk-score 80 and trigger risk 8",
        {
            "source": ["aws.macie"],
            "detail-type": ["Macie Alert"],
            "detail": {"risk-score": [80], "trigger": {"risk": [8]}},
        },
        MACIE,
        True,
    ),
    # --- Matching null values and empty strings
    ("empty string", {"detail": {"eventVersion": [""]}}, AUTOSCALING, True),
    ("null", {"detail": {"responseElements": [None]}}, AUTOSCALING, True),
    (
        "empty string does not match null",
        {"detail": {"responseElements": [""]}},
        AUTOSCALING,
        False,
    ),
    (
        "null does not match an empty string",
        {"detail": {"eventVersion": [None]}},
        AUTOSCALING,
        False,
    ),
    # --- Arrays in event patterns
    (
        "arrays: non-empty intersection",
        {
            "resources": [
                "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
                "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
                "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
            ]
        },
        {
            "resources": [
                "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-"
                "b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
                "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
            ]
        },
        True,
    ),
    (
        "arrays: empty intersection",
        {"resources": ["arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"]},
        {"resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]},
        False,
    ),
    # --- Content filtering: prefix
    (
        "prefix on time",
        {"time": [{"prefix": "2017-10-02"}]},
        {"time": "2017-10-02T18:43:48Z"},
        True,
    ),
    ("prefix on time, other day", {"time": [{"prefix": "2017-10-02"}]}, EC2_TERMINATED, False),
    (
        "prefix: Auto Scaling in Europe",
        {"source": ["aws.autoscaling"], "region": [{"prefix": "eu-"}]},
        {**AUTOSCALING, "region": "eu-west-1"},
        True,
    ),
    (
        "prefix: Auto Scaling outside Europe",
        {"source": ["aws.autoscaling"], "region": [{"prefix": "eu-"}]},
        AUTOSCALING,
        False,
    ),
    ("prefix only on strings", {"x": [{"prefix": "1"}]}, {"x": 12}, False),
    (
        "prefix ignoring case",
        {"detail": {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}},
        detail(service="eventbridge"),
        True,
    ),
    (
        "prefix ignoring case, EVENTB",
        {"detail": {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}},
        detail(service="EVENTBRIDGE"),
        True,
    ),
    ("region is in the US", {"Region": [{"prefix": "us-"}]}, {"Region": "us-east-1"}, True),
    # --- suffix
    ("suffix .png", {"FileName": [{"suffix": ".png"}]}, {"FileName": "photo.png"}, True),
    ("suffix .png, a .jpg", {"FileName": [{"suffix": ".png"}]}, {"FileName": "photo.jpg"}, False),
    (
        "suffix ignoring case",
        {"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}},
        detail(FileName="image.PNG"),
        True,
    ),
    (
        "ends with tbridge, any case",
        {"service": [{"suffix": {"equals-ignore-case": "tbridge"}}]},
        {"service": "EVENTBRIDGE"},
        True,
    ),
    ("ruler: suffix ec2", {"source": [{"suffix": "ec2"}]}, RULER, True),
    # --- anything-but
    (
        "anything-but a string",
        {"detail": {"state": [{"anything-but": "initializing"}]}},
        RULER,
        True,
    ),
    (
        "anything-but a string, excluded",
        {"detail": {"state": [{"anything-but": "initializing"}]}},
        detail(state="initializing"),
        False,
    ),
    ("anything-but a number", {"detail": {"x-limit": [{"anything-but": 123}]}}, RULER, True),
    (
        "anything-but a number, excluded",
        {"detail": {"x-limit": [{"anything-but": 123}]}},
        detail(**{"x-limit": 123}),
        False,
    ),
    (
        "anything-but a list of strings",
        {"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}},
        detail(state="overloaded"),
        False,
    ),
    (
        "anything-but a list of strings, other",
        {"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}},
        RULER,
        True,
    ),
    (
        "anything-but a list of numbers",
        {"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}},
        detail(**{"x-limit": 200}),
        False,
    ),
    (
        "anything-but prefix init",
        {"detail": {"state": [{"anything-but": {"prefix": "init"}}]}},
        detail(state="initializing"),
        False,
    ),
    (
        "anything-but prefix init, running",
        {"detail": {"state": [{"anything-but": {"prefix": "init"}}]}},
        RULER,
        True,
    ),
    (
        "all events but CloudTrail API calls",
        {"detail-type": [{"anything-but": "AWS API Call via CloudTrail"}]},
        {"detail-type": "AWS API Call via CloudTrail"},
        False,
    ),
    (
        "all events but EC2 and S3",
        {"source": [{"anything-but": ["aws.ec2", "aws.s3"]}]},
        {"source": "aws.s3"},
        False,
    ),
    (
        "only your own events: source not aws.",
        {"source": [{"anything-but": {"prefix": "aws."}}]},
        {"source": "com.example.shop"},
        True,
    ),
    (
        "only your own events, an AWS one",
        {"source": [{"anything-but": {"prefix": "aws."}}]},
        EC2_TERMINATED,
        False,
    ),
    (
        "region is not in the US",
        {"Region": [{"anything-but": {"prefix": "us-"}}]},
        {"Region": "us-east-1"},
        False,
    ),
    (
        "file name does not end with .png",
        {"FileName": [{"anything-but": {"suffix": ".png"}}]},
        {"FileName": "a.jpg"},
        True,
    ),
    (
        "file name ends with .png, excluded",
        {"FileName": [{"anything-but": {"suffix": ".png"}}]},
        {"FileName": "a.png"},
        False,
    ),
    (
        "anything-but ignoring case",
        {"state": [{"anything-but": {"equals-ignore-case": "initializing"}}]},
        {"state": "INITIALIZING"},
        False,
    ),
    (
        "anything-but a wildcard",
        {"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]},
        {"FilePath": "/usr/lib/x.so"},
        False,
    ),
    (
        "anything-but a wildcard, other path",
        {"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]},
        {"FilePath": "/usr/bin/x"},
        True,
    ),
    (
        "anything-but needs the field",
        {"detail": {"state": [{"anything-but": "initializing"}]}},
        detail(other=1),
        False,
    ),
    # --- numeric
    (
        "numeric: all three conditions hold",
        {
            "detail": {
                "c-count": [{"numeric": [">", 0, "<=", 5]}],
                "d-count": [{"numeric": ["<", 10]}],
                "x-limit": [{"numeric": ["=", 3.018e2]}],
            }
        },
        RULER,
        True,
    ),
    (
        "numeric: c-count out of range",
        {"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}},
        detail(**{"c-count": 6}),
        False,
    ),
    ("numeric: price is 100", {"Price": [{"numeric": ["=", 100]}]}, {"Price": 100}, True),
    (
        "numeric: more than 10, at most 20",
        {"Price": [{"numeric": [">", 10, "<=", 20]}]},
        {"Price": 20},
        True,
    ),
    (
        "numeric: 10 is not more than 10",
        {"Price": [{"numeric": [">", 10, "<=", 20]}]},
        {"Price": 10},
        False,
    ),
    ("numeric only on numbers", {"Price": [{"numeric": [">", 10]}]}, {"Price": "20"}, False),
    # --- IP address
    (
        "cidr 10.0.0.0/24",
        {"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}},
        detail(sourceIPAddress="10.0.0.255"),
        True,
    ),
    (
        "cidr 10.0.0.0/24, outside",
        {"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}},
        detail(sourceIPAddress="10.0.1.1"),
        False,
    ),
    (
        "cidr IPv6",
        {"detail": {"source-ip": [{"cidr": "2001:db8::/32"}]}},
        detail(**{"source-ip": "2001:db8::1"}),
        True,
    ),
    ("ruler: cidr 10.0.0.0/8", {"detail": {"source-ip": [{"cidr": "10.0.0.0/8"}]}}, RULER, True),
    # --- exists
    ("exists false, field absent", {"detail": {"c-count": [{"exists": False}]}}, NO_C_COUNT, True),
    (
        "exists false, c-count is not a leaf",
        {"detail": {"c-count": [{"exists": False}]}},
        C_COUNT_NOT_A_LEAF,
        True,
    ),
    ("exists true, state present", {"detail": {"state": [{"exists": True}]}}, PENDING, True),
    ("exists true, state absent", {"detail": {"state": [{"exists": True}]}}, NO_STATE, False),
    (
        "exists true: events with a description",
        {"detail": {"description": [{"exists": True}]}},
        detail(description="disk full"),
        True,
    ),
    ("exists false, field present", {"detail": {"c-count": [{"exists": False}]}}, RULER, False),
    # --- complex
    (
        "complex example",
        {
            "time": [{"prefix": "2017-10-02"}],
            "detail": {
                "state": [{"anything-but": "initializing"}],
                "c-count": [{"numeric": [">", 0, "<=", 5]}],
                "d-count": [{"numeric": ["<", 10]}],
                "x-limit": [{"anything-but": [100, 200, 300]}],
                "source-ip": [{"cidr": "10.0.0.0/8"}],
            },
        },
        RULER,
        True,
    ),
    # --- equals-ignore-case, empty, equals, or (operator table)
    ("equals ignoring case", {"Name": [{"equals-ignore-case": "alice"}]}, {"Name": "Alice"}, True),
    (
        "ruler: equals-ignore-case EC2",
        {"source": [{"equals-ignore-case": "EC2"}]},
        {"source": "ec2"},
        True,
    ),
    ("last name is empty", {"LastName": [""]}, {"LastName": ""}, True),
    ("name is Alice", {"Name": ["Alice"]}, {"Name": "Alice"}, True),
    (
        "payment type credit or debit",
        {"PaymentType": ["Credit", "Debit"]},
        {"PaymentType": "Debit"},
        True,
    ),
    (
        "location New York or day Monday",
        {"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]},
        {"Location": "Boston", "Day": "Monday"},
        True,
    ),
    (
        "location New York or day Monday, neither",
        {"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]},
        {"Location": "Boston", "Day": "Sunday"},
        False,
    ),
    (
        "and: location and day",
        {"Location": ["New York"], "Day": ["Monday"]},
        {"Location": "New York", "Day": "Sunday"},
        False,
    ),
    (
        "weather anything but raining",
        {"Weather": [{"anything-but": ["Raining"]}]},
        {"Weather": "Sunny"},
        True,
    ),
    ("user id is null", {"UserID": [None]}, {"UserID": None}, True),
    ("product name exists", {"ProductName": [{"exists": True}]}, {"ProductName": "Shoe"}, True),
    ("product name does not exist", {"ProductName": [{"exists": False}]}, {"Other": 1}, True),
    # --- wildcard
    (
        "wildcard: a .png in dir",
        {"FileName": [{"wildcard": "dir/*.png"}]},
        {"FileName": "dir/a.png"},
        True,
    ),
    (
        "wildcard: a .png elsewhere",
        {"FileName": [{"wildcard": "dir/*.png"}]},
        {"FileName": "other/a.png"},
        False,
    ),
    (
        "ruler: wildcard Simple*Service",
        {"source": [{"wildcard": "Simple*Service"}]},
        {"source": "SimpleQueueService"},
        True,
    ),
    ("wildcard: escaped star", {"x": [{"wildcard": "a\\*b"}]}, {"x": "a*b"}, True),
    ("wildcard: escaped star is literal", {"x": [{"wildcard": "a\\*b"}]}, {"x": "axxb"}, False),
    # --- ruler: $or
    (
        "ruler: source and (metricName or namespace)",
        {
            "source": ["aws.cloudwatch"],
            "$or": [
                {"metricName": ["CPUUtilization", "ReadLatency"]},
                {"namespace": ["AWS/EC2", "AWS/ES"]},
            ],
        },
        {"source": "aws.cloudwatch", "namespace": "AWS/ES"},
        True,
    ),
    (
        "ruler: parallel or",
        {
            "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}],
            "detail": {
                "$or": [
                    {"source": ["aws.cloudwatch"]},
                    {"detail-type": ["CloudWatch Alarm State Change"]},
                ]
            },
        },
        {"namespace": "AWS/EC2", "detail": {"source": "other"}},
        False,
    ),
    (
        "ruler: nested or and and",
        {
            "source": ["aws.cloudwatch"],
            "$or": [
                {"metricName": ["CPUUtilization", "ReadLatency"]},
                {
                    "metricType": ["MetricType"],
                    "namespace": ["AWS/EC2", "AWS/ES"],
                    "$or": [{"metricId": [1234]}, {"spaceId": [1000]}],
                },
                {"scope": ["Service"]},
            ],
        },
        {
            "source": "aws.cloudwatch",
            "metricType": "MetricType",
            "namespace": "AWS/EC2",
            "spaceId": 1000,
        },
        True,
    ),
    # --- ruler: arrays of objects
    ("ruler: employees, Anna", {"employees": {"firstName": ["Anna"]}}, EMPLOYEES, True),
    (
        "ruler: employees, Anna Jones is no one",
        {"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}},
        EMPLOYEES,
        False,
    ),
    (
        "ruler: nested arrays",
        {"employees": {"firstName": ["Peter"]}},
        {"employees": [[EMPLOYEES["employees"][0]], [EMPLOYEES["employees"][2]]]},
        True,
    ),
    (
        "ruler: simple matching",
        {
            "detail-type": ["EC2 Instance State-change Notification"],
            "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
            "detail": {"state": ["initializing", "running"]},
        },
        RULER,
        True,
    ),
]


@pytest.mark.parametrize(
    ("pattern", "event", "expected"),
    [pytest.param(p, e, x, id=name) for name, p, e, x in DOCUMENTED],
)
def test_documented_examples(
    pattern: dict[str, Any], event: dict[str, Any], expected: bool
) -> None:
    assert pattern_problems(pattern) == []
    assert matches(pattern, event) is expected


def test_every_documented_operator_is_covered() -> None:
    used = {key for _, pattern, _, _ in DOCUMENTED for key in _operators(pattern)}
    assert used >= {
        "prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but",
        "numeric", "cidr", "exists", "$or",
    }  # fmt: skip


def _operators(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$or",) or key in {
                "prefix",
                "suffix",
                "equals-ignore-case",
                "wildcard",
                "anything-but",
                "numeric",
                "cidr",
                "exists",
            }:
                found.add(key)
            found |= _operators(value)
    elif isinstance(node, list):
        for item in node:
            found |= _operators(item)
    return found


# ------------------------------------------------------------------- syntax

BAD_PATTERNS: list[tuple[Any, str]] = [
    (
        {"source": "aws.ec2"},
        r'^source: "aws.ec2" must be an array of values, such as \["aws.ec2"\]',
    ),
    (
        {"detail": {"state": "stopped"}},
        r'^detail.state: "stopped" must be an array of values',
    ),
    (
        {"detail": {"state": [{"prefx": "run"}]}},
        r"^detail.state\[0\]: unknown operator 'prefx'; did you mean 'prefix'\? EventBridge "
        r"knows prefix, suffix",
    ),
    ({"x": [{"nummeric": [">", 1]}]}, r"unknown operator 'nummeric'; did you mean 'numeric'"),
    ({"x": [{"numeric": [">", "5"]}]}, r'^x\[0\].numeric: "5" after \'>\' is not a number'),
    ({"x": [{"numeric": ["~", 5]}]}, r'"~" is not a numeric operator; use one of =, <, <=, >, >='),
    ({"x": [{"numeric": [">", 5, "<", 1]}]}, r"is an empty range: 5 is not below 1"),
    ({"x": [{"numeric": ["<", 5, ">", 1]}]}, r"give the lower bound first"),
    ({"x": [{"numeric": ["=", 5, "<", 9]}]}, r'"=" stands alone'),
    ({"x": [{"numeric": [">", 6e9]}]}, r"outside the range numeric matching supports"),
    ({"x": [{"numeric": 5}]}, r"5 is not a numeric condition"),
    ({"x": [{"anything-but": True}]}, r"true cannot be excluded"),
    ({"x": [{"anything-but": ["a", 1]}]}, r"mixes kinds"),
    (
        {"x": [{"anything-but": {"prefix": 5}}]},
        r"^x\[0\].anything-but: 5: anything-but prefix takes a string or a list of strings$",
    ),
    (
        {"x": [{"anything-but": {"prefix": ""}}]},
        r'^x\[0\].anything-but: "": an empty anything-but prefix would exclude every string; '
        r"give a non-empty prefix$",
    ),
    (
        {"x": [{"anything-but": {"suffix": ["a", ""]}}]},
        r'^x\[0\].anything-but: \["a", ""\]: an empty anything-but suffix would exclude every '
        r"string; give a non-empty suffix$",
    ),
    (
        {"$or": [{"numeric": [">", 0]}, {"cidr": ["10.0.0.0/8"]}]},
        r"^\$or\[0\].numeric: 'numeric' is an operator name, which EventBridge does not take as "
        r"a field name inside \$or; each alternative is a pattern of fields, such as "
        r'\{"state": \[\{"prefix": "run"\}\]\}$',
    ),
    (
        {"detail": {"$or": [{"a": ["x"]}, {"b": {"prefix": ["y"]}}]}},
        r"^detail.\$or\[1\].b.prefix: 'prefix' is an operator name",
    ),
    (
        {"x": [{"equals-ignore-case": "go \U0001f600"}]},
        r"^x\[0\].equals-ignore-case: 'go \U0001f600' holds '\U0001f600' \(U\+1F600\); "
        r"EventBridge compares ignoring case one UTF-16 unit at a time and never matches a "
        r"character above U\+FFFF that way: match it exactly, or with prefix, suffix or wildcard$",
    ),
    (
        {"x": [{"suffix": {"equals-ignore-case": "\U0001f600"}}]},
        r"^x\[0\].suffix: '\U0001f600' holds",
    ),
    (
        {"x": [{"anything-but": {"equals-ignore-case": ["a", "\U0001f600"]}}]},
        r"^x\[0\].anything-but: '\U0001f600' holds",
    ),
    ({"x": [{"anything-but": {"numeric": [">", 1]}}]}, r"anything-but takes one of prefix"),
    ({"x": [{"wildcard": "a**b"}]}, r"consecutive \* are not allowed"),
    ({"x": [{"wildcard": "a\\b"}]}, r"a backslash escapes only \* or another backslash"),
    ({"x": [{"cidr": "10.0.0.0/33"}]}, r"is not an IPv4 or IPv6 CIDR block"),
    ({"x": [{"exists": "yes"}]}, r'^x\[0\].exists: "yes" is not true or false'),
    ({"x": [{"prefix": "a", "suffix": "b"}]}, r"exactly one key, the operator"),
    ({"x": [["a"]]}, r"arrays do not nest"),
    ({"x": []}, r"an empty array matches nothing"),
    ({"x": {}}, r"an empty object matches nothing"),
    ({"$or": [{"a": ["b"]}]}, r"^\$or: \$or takes an array of two or more objects"),
    ({}, r"the pattern is empty"),
    (["aws.ec2"], r"is not an event pattern"),
    ({"x": [{"prefix": 5}]}, r"^x\[0\].prefix: 5 is not a prefix"),
    ({"x": [{"equals-ignore-case": 5}]}, r"5 is not a string"),
]


@pytest.mark.parametrize(("pattern", "message"), BAD_PATTERNS)
def test_bad_patterns_are_refused_with_the_path(pattern: Any, message: str) -> None:
    first = check_pattern(pattern)
    assert first is not None
    import re

    assert re.search(message, first), first


def test_a_pattern_longer_than_eventbridge_allows_is_refused() -> None:
    pattern = {"detail": {"id": [f"value-{i:05d}" for i in range(400)]}}
    assert check_pattern(pattern) is not None
    assert "EventBridge allows at most 4096" in str(check_pattern(pattern))


def test_every_problem_is_reported_at_once() -> None:
    problems = pattern_problems({"source": "aws.ec2", "detail": {"a": [{"prefx": "b"}]}})
    assert [p.location for p in problems] == ["source", "detail.a[0]"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("a*b*c", None), ("\\\\", None), ("\\*x", None), ("a**", "consecutive"), ("\\n", "backslash")],
)
def test_wildcard_syntax(text: str, message: str | None) -> None:
    problem = wildcard_problem(text)
    assert (problem is None) if message is None else (message in str(problem))


# ----------------------------------------------------------------- examples


def test_examples_report_each_disagreement() -> None:
    pattern = {"source": ["aws.ec2"], "detail": {"state": ["stopped"]}}
    examples = EventExamples(
        match=({"source": "aws.ec2", "detail": {"state": "running"}},),
        no_match=({"source": "aws.ec2", "detail": {"state": "stopped"}},),
    )
    problems = example_problems(pattern, examples)
    assert [str(p) for p in problems] == [
        'match[0]: the pattern does not match this event: {"detail":{"state":"running"},'
        '"source":"aws.ec2"}',
        'no_match[0]: the pattern matches this event, which it should not: {"detail":'
        '{"state":"stopped"},"source":"aws.ec2"}',
    ]


def test_agreeing_examples_report_nothing() -> None:
    pattern = {"source": ["aws.ec2"]}
    assert (
        example_problems(pattern, EventExamples(({"source": "aws.ec2"},), ({"source": "x"},))) == []
    )


# ----------------------------------------------------------- global services


@pytest.mark.parametrize(
    ("pattern", "services"),
    [
        ({"source": ["aws.iam"], "detail-type": ["AWS API Call via CloudTrail"]}, ("IAM",)),
        ({"source": ["aws.sts"]}, ("STS",)),
        (
            {"source": ["aws.signin"], "detail-type": ["AWS Console Sign In via CloudTrail"]},
            ("console sign-in",),
        ),
        ({"detail": {"eventSource": ["iam.amazonaws.com", "ec2.amazonaws.com"]}}, ("IAM",)),
        ({"source": ["aws.ec2"]}, ()),
        ({"source": [{"prefix": "aws.i"}]}, ()),
    ],
)
def test_rules_on_global_services_need_us_east_1(
    pattern: dict[str, Any], services: tuple[str, ...]
) -> None:
    assert global_services(pattern) == services
    assert needs_us_east_1(pattern) is bool(services)


# --------------------------------------------------------------- templates


def test_every_placeholder_must_be_an_input_path() -> None:
    problems = template_problems(
        "Instance <instance> is <state>", {"instance": "$.detail.instance-id"}
    )
    assert [str(p) for p in problems] == [
        "message: <state> is not an input path; define it under input_paths (defined: instance)"
    ]


def test_reserved_placeholders_need_no_input_path() -> None:
    assert template_problems("Rule <aws.events.rule-name> fired", {}) == []


def test_input_paths_must_be_json_paths() -> None:
    problems = template_problems("<x>", {"x": "detail.state"})
    assert [str(p) for p in problems] == [
        "input_paths.x: 'detail.state' is not a JSON path into the event; use $.detail.instance-id"
    ]


# ------------------------------------------------ ignoring case, as event-ruler

# Each row: the pattern's text, an event value, whether event-ruler matches. The
# choices per character are Java's toLowerCase/toUpperCase(Locale.ROOT) of that
# character alone (EqualsIgnoreCaseParser); the expectations are written from
# Unicode's case mappings, not computed.
IGNORE_CASE = [
    ("aBc", "ABC", True),
    ("aBc", "abcd", False),
    ("\u00df", "\u00df", True),  # ß
    ("\u00df", "SS", True),  # ß upper-cases to two letters
    ("\u00df", "ss", False),  # ... but lower-cases to itself: "ss" is neither
    ("\u00df", "Ss", False),
    ("SS", "\u00df", False),
    ("SS", "sS", True),
    ("stra\u00dfe", "STRASSE", True),
    ("\u0149", "\u02bcN", True),  # U+0149 upper-cases to U+02BC N
    ("\u0149", "\u0149", True),
    ("\u0149", "\u02bcn", False),
    ("\u0130", "i\u0307", True),  # İ lower-cases to i + combining dot
    ("\u0130", "i", False),
    ("12\u2c65", "12\u023a", True),  # ⱥ / Ⱥ differ in UTF-8 length (ByteMachineTest)
    ("\u01c5", "\u01c4", True),  # ǅ (title case): its lower ǆ or upper Ǆ ...
    ("\u01c5", "\u01c5", False),  # ... not itself
    (
        "\u03a3",
        "\u03c3",
        True,
    ),  # capital sigma alone lower-cases to the medial form, not the final one
    ("\u03a3", "\u03c2", False),
]


@pytest.mark.parametrize(("text", "value", "expected"), IGNORE_CASE)
def test_equals_ignore_case_follows_event_ruler(text: str, value: str, expected: bool) -> None:
    pattern = {"x": [{"equals-ignore-case": text}]}
    assert pattern_problems(pattern) == []
    assert matches(pattern, {"x": value}) is expected
    excluded = {"x": [{"anything-but": {"equals-ignore-case": [text]}}]}
    assert matches(excluded, {"x": value}) is not expected


@pytest.mark.parametrize(
    ("operator", "text", "value", "expected"),
    [
        ("prefix", "stra\u00df", "STRASSE-1", True),
        ("prefix", "stra\u00df", "STRAsSE-1", False),
        ("prefix", "\u00df", "S", False),
        ("suffix", "\u00df", "GROSS", True),
        ("suffix", "\u00df", "GROSs", False),
        ("suffix", "\u0149", "x\u02bcN", True),
        ("suffix", ".PNG", "a.png", True),
        ("suffix", ".png", "png", False),
    ],
)
def test_prefix_and_suffix_ignoring_case_follow_event_ruler(
    operator: str, text: str, value: str, expected: bool
) -> None:
    pattern = {"x": [{operator: {"equals-ignore-case": text}}]}
    assert pattern_problems(pattern) == []
    assert matches(pattern, {"x": value}) is expected


def test_anything_but_prefix_and_suffix_take_lists() -> None:
    pattern = {"x": [{"anything-but": {"prefix": ["init", "stop"]}}]}
    assert pattern_problems(pattern) == []
    assert matches(pattern, {"x": "running"})
    assert not matches(pattern, {"x": "stopped"})
    suffixes = {"x": [{"anything-but": {"suffix": [".png", ".jpg"]}}]}
    assert not matches(suffixes, {"x": "a.jpg"})
    assert matches(suffixes, {"x": "a.gif"})


def test_or_alternatives_with_ordinary_names_are_kept() -> None:
    pattern = {"$or": [{"state": [{"prefix": "run"}]}, {"code": [{"numeric": [">", 5]}]}]}
    assert pattern_problems(pattern) == []
    assert matches(pattern, {"state": "running"})


# ---------------------------------------------------- wildcards in linear time


@pytest.mark.parametrize(
    ("wildcard", "value", "expected"),
    [
        ("*a*a*a*a*a*a*b", "a" * 5000, False),
        ("*a*a*a*a*a*a*b", "a" * 5000 + "b", True),
        ("a*a", "a", False),  # the two ends cannot share the "a"
        ("a*a", "aa", True),
        ("*", "", True),
        ("a\\*b*", "a*bc", True),
        ("a\\*b*", "axbc", False),
        ("a\\\\*", "a\\x", True),
        ("*.png", "x.png.gif", False),
        ("*/lib/*", "/usr/lib/x", True),
    ],
)
def test_wildcards_match_without_backtracking(wildcard: str, value: str, expected: bool) -> None:
    pattern = {"x": [{"wildcard": wildcard}]}
    assert pattern_problems(pattern) == []
    assert matches(pattern, {"x": value}) is expected


def test_a_hostile_wildcard_example_finishes() -> None:
    """A child process with a generous timeout: a hang fails the test, not the suite."""
    script = (
        "from observability_blueprint.rules.event_patterns import matches\n"
        "p = {'x': [{'wildcard': '*a' * 40 + '*b'}]}\n"
        "print(matches(p, {'x': 'a' * 100000}), matches(p, {'x': 'a' * 100000 + 'b'}))\n"
    )
    root = str(Path(event_patterns.__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PYTHONPATH": root},
    )
    assert done.stdout.split() == ["False", "True"]


def test_a_top_level_or_is_read_alternative_by_alternative_for_global_services() -> None:
    """A rule whose alternatives name IAM must be forwarded from us-east-1 too."""
    iam_or_sts = {"$or": [{"source": ["aws.iam"]}, {"source": ["aws.sts"]}]}
    assert global_services(iam_or_sts) == ("IAM", "STS")
    assert region_split_problem(iam_or_sts) is None
    sign_in = {
        "source": ["aws.signin"],
        "$or": [{"detail-type": ["AWS Console Sign In via CloudTrail"]}],
    }
    assert "console sign-in" in global_services(sign_in)


def test_alternatives_mixing_global_and_regional_sources_are_refused_at_or() -> None:
    problem = region_split_problem({"$or": [{"source": ["aws.iam"]}, {"source": ["aws.ec2"]}]})
    assert problem is not None
    assert problem.location == "$or"
    assert problem.message == (
        "names aws.iam, whose events reach EventBridge only in us-east-1, with aws.ec2, whose "
        "events arrive in their own Region: no one rule sees both; split it into two rules"
    )


def test_a_message_longer_than_an_input_template_takes_is_refused() -> None:
    """EventBridge takes an InputTemplate of at most 8,192 characters (issue 12, A4)."""
    [problem] = template_problems("a" * 8191, {})
    assert problem.location == "message"
    assert problem.message == (
        f"{'a' * 60!r}… is 8,193 characters as EventBridge receives it (a JSON string); an "
        "input template takes at most 8,192"
    )
    assert template_problems("a" * 8190, {}) == []
