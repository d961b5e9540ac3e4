"""Benchmark: every filter pattern the project ships, on generated log lines, on one core.

Run ``python bench/bench_filter_patterns.py`` (``--lines N``, ``--only TEXT`` to
pick patterns whose name or text holds TEXT, ``--profile TEXT`` to print a
cProfile of the first such pattern instead). The patterns are enumerated from the
code, not listed here by hand:

- the structured-log metric filters (``rules.structured_logs``, default field names),
- every CIS / Security Hub control pattern of every standard in ``data/cis_controls.json``,
- the rejected SSH/RDP flow-log pattern, for the default format and for all fields,
- the metric filter and subscription patterns of the shipped blueprint files
  (``blueprint.yaml``, ``examples/*.yaml``),
- a few syntax samples (a JSON, a space-delimited and a term pattern).

Each runs over a corpus that fits it: JSON application logs with Lambda platform
lines, Apache-style access logs, CloudTrail records, or VPC flow log records.
Corpora are seeded, every line is distinct, a realistic share matches (the
report prints it), and nothing is cached across lines: each call decides one
line from scratch. Prints lines per second (best of several runs) for each
pattern; exit status 1 when any pattern decides fewer than 200,000 lines/s.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# Runnable from a checkout without installing the package: constructs/ is the source root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "constructs"))

from observability_blueprint.rules import cis_controls, flow_log_fields, structured_logs
from observability_blueprint.rules.filter_patterns import parse

ROOT = Path(__file__).resolve().parent.parent
LINES = 50_000
REPEATS = 5
REQUIRED_LINES_PER_SECOND = 200_000
SEED = 20240502
BLUEPRINT_FILES = (ROOT / "blueprint.yaml", *sorted((ROOT / "examples").glob("*.yaml")))


@dataclass(frozen=True)
class Case:
    """One pattern to time, and the corpus it runs on."""

    group: str
    name: str
    pattern: str
    corpus: str


# --- the shipped patterns ----------------------------------------------------------


def shipped_cases() -> list[Case]:
    """Every pattern the project ships, each once, with the corpus that fits it."""
    cases: list[Case] = []
    for spec in structured_logs.structured_log_filters(namespace="Bench"):
        cases.append(Case("structured logs", spec.name, spec.pattern_text, "app"))
    by_pattern: dict[str, list[str]] = {}
    for standard in cis_controls.standards():
        for control in cis_controls.load_controls(standard):
            names = by_pattern.setdefault(control.pattern, [])
            if control.id not in names:
                names.append(control.id)
    for pattern, ids in by_pattern.items():
        cases.append(Case("CIS controls", "/".join(ids), pattern, "cloudtrail"))
    for label, fields in (("default format", "flow-default"), ("all fields", "flow-all")):
        cases.append(
            Case(
                "flow logs",
                f"rejected SSH/RDP, {label}",
                flow_log_fields.rejected_remote_access_pattern(_FLOW_FORMATS[fields]),
                fields,
            )
        )
    for path, where, pattern in _file_patterns():
        kind = parse(pattern).kind
        cases.append(
            Case(
                "blueprint files",
                f"{path.name}: {where}",
                pattern,
                "access" if kind == "space" else "app",
            )
        )
    cases += [
        Case("syntax samples", "json", '{ $.level = "ERROR" && $.latency_ms > 500 }', "app"),
        Case("syntax samples", "json, numeric", "{ $.latency_ms > 2000 }", "app"),
        Case(
            "syntax samples",
            "space",
            "[ip, identity, user, timestamp, request, status_code = 5*, bytes]",
            "access",
        ),
        Case("syntax samples", "term", "ERROR -timeout", "app"),
    ]
    seen: set[str] = set()
    unique = []
    for case in cases:
        if case.pattern not in seen:
            seen.add(case.pattern)
            unique.append(case)
    return unique


def _file_patterns() -> Iterator[tuple[Path, str, str]]:
    """Filter patterns (strings under a ``pattern`` key) of metric filters and subscriptions."""

    def walk(node: Any, where: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str) and value.strip():
                    if "metric_filters" in where or "subscriptions" in where:
                        yield where, value
                else:
                    yield from walk(value, f"{where}.{key}" if where else str(key))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, f"{where}[{index}]")

    for path in BLUEPRINT_FILES:
        for where, pattern in walk(yaml.safe_load(path.read_text(encoding="utf-8")), ""):
            yield path, where, pattern


# --- corpora -------------------------------------------------------------------------

_SERVICES = ["orders", "payments", "catalog", "auth", "search"]
_MESSAGES = {
    "DEBUG": ["cache lookup", "feature flag evaluated"],
    "INFO": ["request completed", "cache hit", "order accepted", "user signed in"],
    "WARN": ["slow downstream call", "retrying request", "cache miss storm"],
    "ERROR": ["upstream timeout", "payment declined by provider", "database connection reset"],
    "CRITICAL": ["circuit breaker open", "out of memory"],
}
_PATHS = ["/api/v1/orders", "/api/v1/orders/{}", "/api/v1/cart", "/health", "/static/app.js"]
_ODD_MESSAGES = [
    'client sent "quoted" text',  # escapes: \" in the raw line
    "multi\nline stack trace",
    "Bestellung für Jürgen angenommen ✓",
    "タイムアウト",
]


def _request_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-{rng.getrandbits(16):04x}-" + (
        f"{rng.getrandbits(16):04x}-{rng.getrandbits(48):012x}"
    )


def _timestamp(number: int) -> str:
    return (
        f"2024-05-02T{number // 360000 % 24:02d}:{number // 6000 % 60:02d}:"
        f"{number // 100 % 60:02d}.{number % 1000:03d}Z"
    )


def app_lines(rng: random.Random, count: int) -> list[str]:
    """Powertools-style JSON logs of a Lambda function, with its platform lines.

    8% request summaries (top-level latency_ms, status_code, response_bytes; 6% of
    them 5xx, 9% 4xx), 20% downstream calls carrying the same keys one level down,
    3% payment events, 3% Lambda platform text lines (a few timeouts), about 4%
    ERROR or CRITICAL, 1% odd lines (escapes, unicode, numbers as strings).
    """
    lines = []
    for number in range(count):
        request_id = _request_id(rng)
        roll = rng.random()
        if roll < 0.03:
            kind = rng.choices(["START", "END", "REPORT", "timeout"], weights=[33, 33, 33, 4])[0]
            if kind == "timeout":
                lines.append(f"{_timestamp(number)} {request_id} Task timed out after 3.00 seconds")
            elif kind == "REPORT":
                lines.append(
                    f"REPORT RequestId: {request_id}\tDuration: {rng.uniform(1, 900):.2f} ms\t"
                    f"Billed Duration: {rng.randint(1, 900)} ms\tMemory Size: 512 MB"
                )
            else:
                lines.append(f"{kind} RequestId: {request_id} Version: $LATEST")
            continue
        level = rng.choices(list(_MESSAGES), weights=[5, 76, 15, 3.5, 0.5])[0]
        event: dict[str, Any] = {
            "level": level,
            "location": f"handler:{rng.randint(10, 400)}",
            "message": rng.choice(_MESSAGES[level]),
            "timestamp": _timestamp(number),
            "service": rng.choice(_SERVICES),
            "function_request_id": request_id,
            "xray_trace_id": f"1-{rng.getrandbits(32):08x}-{rng.getrandbits(96):024x}",
        }
        roll = rng.random()
        if roll < 0.08:
            status = rng.choices([200, 201, 404, 429, 500, 503], weights=[80, 5, 6, 3, 4, 2])[0]
            event |= {
                "request_id": f"{rng.getrandbits(64):016x}",
                "path": rng.choice(_PATHS).format(rng.randint(1, 99999)),
                "latency_ms": int(rng.lognormvariate(4.5, 1.0)),
                "status_code": status,
                "response_bytes": 0 if status >= 400 else rng.randint(100, 90000),
            }
        elif roll < 0.28:
            event["downstream"] = {
                "service": rng.choice(["dynamodb", "sqs", "stripe", "inventory"]),
                "latency_ms": int(rng.lognormvariate(3.0, 1.0)),
                "status_code": rng.choice([200, 200, 200, 400, 500]),
            }
        elif roll < 0.31:
            event |= {
                "event": rng.choice(["payment_declined", "card_declined", "payment_accepted"]),
                "amount": round(rng.uniform(0, 300), 2) if rng.random() < 0.9 else 0,
                "currency": rng.choice(["EUR", "USD"]),
            }
        elif roll < 0.32:
            event["message"] = rng.choice(_ODD_MESSAGES)
            event["latency_ms"] = str(rng.randint(1, 999))  # a number written as a string
        lines.append(json.dumps(event, ensure_ascii=rng.random() < 0.5))
    return lines


def access_lines(rng: random.Random, count: int) -> list[str]:
    """Apache combined-style access logs with a realistic status code mix."""
    lines = []
    for number in range(count):
        status = rng.choices([200, 301, 404, 500, 503], weights=[85, 4, 6, 3, 2])[0]
        method = rng.choices(["GET", "POST", "PUT", "HEAD"], weights=[78, 15, 5, 2])[0]
        path = rng.choice(_PATHS).format(rng.randint(1, 99999))
        user = rng.choice(["-", "alice", "bob"])
        size = 0 if method == "HEAD" or status == 301 else rng.randint(1, 50000)
        lines.append(
            f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)} - {user}"
            f" [02/May/2024:{number // 360000 % 24:02d}:{number // 6000 % 60:02d}:"
            f"{number // 100 % 60:02d} +0000]"
            f' "{method} {path} HTTP/1.1" {status} {size}'
        )
    return lines


# CloudTrail: mostly read-only calls; about 35% the writes and sign-ins the CIS
# controls watch, with near misses (the same name from another service, sign-ins
# with MFA or failing, calls by AWS services on the root account's behalf).
_READS = [
    ("ec2.amazonaws.com", "DescribeInstances"),
    ("s3.amazonaws.com", "GetObject"),
    ("sts.amazonaws.com", "AssumeRole"),
    ("kms.amazonaws.com", "Decrypt"),
    ("dynamodb.amazonaws.com", "GetItem"),
    ("lambda.amazonaws.com", "ListFunctions20150331"),
    ("logs.amazonaws.com", "DescribeLogGroups"),
]
_WRITES = {
    "iam.amazonaws.com": [
        "PutRolePolicy",
        "AttachRolePolicy",
        "CreatePolicy",
        "DeletePolicy",
        "CreatePolicyVersion",
        "DetachUserPolicy",
        "CreateRole",
    ],
    "cloudtrail.amazonaws.com": ["CreateTrail", "UpdateTrail", "StopLogging", "StartLogging"],
    "kms.amazonaws.com": ["DisableKey", "ScheduleKeyDeletion", "CreateKey"],
    "s3.amazonaws.com": ["PutBucketPolicy", "PutBucketAcl", "DeleteBucketCors", "PutObject"],
    "config.amazonaws.com": ["StopConfigurationRecorder", "PutDeliveryChannel"],
    "ec2.amazonaws.com": [
        "AuthorizeSecurityGroupIngress",
        "RevokeSecurityGroupEgress",
        "CreateNetworkAclEntry",
        "ReplaceNetworkAclAssociation",
        "AttachInternetGateway",
        "CreateCustomerGateway",
        "CreateRoute",
        "DisassociateRouteTable",
        "CreateVpc",
        "ModifyVpcAttribute",
        "RunInstances",
    ],
    "organizations.amazonaws.com": ["CreateAccount", "AttachPolicy", "CreatePolicy", "MoveAccount"],
}


def cloudtrail_lines(rng: random.Random, count: int) -> list[str]:
    """CloudTrail records as CloudTrail delivers them to CloudWatch Logs, one per line."""
    lines = []
    for number in range(count):
        account = rng.choice(["111122223333", "444455556666"])
        identity_type = rng.choices(
            ["AssumedRole", "IAMUser", "Root", "AWSService"], weights=[80, 14, 3, 3]
        )[0]
        principal = f"AROA{rng.getrandbits(64):016X}"
        identity: dict[str, Any] = {
            "type": identity_type,
            "principalId": f"{principal}:session-{rng.randint(1, 9999)}",
            "arn": f"arn:aws:sts::{account}:assumed-role/app-role/session-{rng.randint(1, 9999)}",
            "accountId": account,
            "accessKeyId": f"ASIA{rng.getrandbits(64):016X}",
        }
        if identity_type == "AssumedRole":
            identity["sessionContext"] = {
                "sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{account}:role/app-role"},
                "attributes": {"creationDate": _timestamp(number), "mfaAuthenticated": "false"},
            }
        if identity_type == "AWSService" or (identity_type == "Root" and rng.random() < 0.3):
            identity["invokedBy"] = rng.choice(
                ["ec2.amazonaws.com", "cloudformation.amazonaws.com"]
            )
        record: dict[str, Any] = {
            "eventVersion": "1.09",
            "userIdentity": identity,
            "eventTime": _timestamp(number)[:19] + "Z",
            "eventSource": "",
            "eventName": "",
            "awsRegion": rng.choice(["eu-west-1", "us-east-1"]),
            "sourceIPAddress": f"198.51.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            "userAgent": rng.choice(["aws-cli/2.15.0", "Boto3/1.34.0", "console.amazonaws.com"]),
            "requestParameters": {"resourceId": f"r-{rng.getrandbits(40):010x}"},
            "responseElements": None,
            "requestID": _request_id(rng),
            "eventID": _request_id(rng),
            "readOnly": True,
            "eventType": "AwsServiceEvent" if identity_type == "AWSService" else "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": account,
            "eventCategory": "Management",
        }
        roll = rng.random()
        if roll < 0.05:
            mfa = rng.choice(["Yes", "No"])
            failed = rng.random() < 0.3
            record |= {
                "eventSource": "signin.amazonaws.com",
                "eventName": "ConsoleLogin",
                "additionalEventData": {
                    "MFAUsed": mfa,
                    "LoginTo": "https://console.aws.amazon.com/",
                },
                "responseElements": {"ConsoleLogin": "Failure" if failed else "Success"},
                "readOnly": False,
            }
            if failed:
                record["errorMessage"] = "Failed authentication"
        elif roll < 0.35:
            source = rng.choice(list(_WRITES))
            record |= {
                "eventSource": source,
                "eventName": rng.choice(_WRITES[source]),
                "readOnly": False,
                "responseElements": {"requestId": _request_id(rng)},
            }
        else:
            record["eventSource"], record["eventName"] = rng.choice(_READS)
        if rng.random() < 0.03:
            record["errorCode"] = rng.choice(
                ["AccessDenied", "Client.UnauthorizedOperation", "ThrottlingException"]
            )
            record["errorMessage"] = "User is not authorized to perform this operation"
        lines.append(json.dumps(record, separators=(",", ":")))
    return lines


_FLOW_FORMATS = {
    "flow-default": flow_log_fields.DEFAULT_FORMAT,
    "flow-all": flow_log_fields.FIELD_NAMES,
}


def flow_lines(rng: random.Random, count: int, fields: tuple[str, ...]) -> list[str]:
    """VPC flow log records in ``fields`` order: 80% accepted, 2% NODATA; about 3% SSH/RDP scans."""
    lines = []
    for number in range(count):
        roll = rng.random()
        if roll < 0.02:
            record = flow_log_fields.no_data_record(fields, rng.choice(["NODATA", "SKIPDATA"]))
            lines.append(record.replace("1735689600", str(1735689600 + number)))
            continue
        values: dict[str, str | int] = {
            "srcaddr": f"203.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            "dstaddr": f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            "srcport": rng.randint(1024, 65535),
            "packets": rng.randint(1, 500),
            "bytes": rng.randint(40, 900000),
            "start": 1735689600 + number,
            "end": 1735689660 + number,
            "interface_id": f"eni-{rng.getrandbits(68):017x}",
        }
        if roll < 0.05:
            values |= {"dstport": rng.choice([22, 3389]), "protocol": 6, "action": "REJECT"}
        else:
            values |= {
                "dstport": rng.choice([443, 80, 5432, 53, 22, rng.randint(1024, 65535)]),
                "protocol": rng.choices([6, 17, 1], weights=[85, 14, 1])[0],
                "action": "ACCEPT" if rng.random() < 0.85 else "REJECT",
            }
        present = {flow_log_fields.KNOWN_FIELDS[name].identifier for name in fields}
        lines.append(
            flow_log_fields.example_record(
                fields, **{key: value for key, value in values.items() if key in present}
            )
        )
    return lines


def corpus(name: str, count: int) -> list[str]:
    """Generate the named corpus, seeded, and check that its lines are distinct."""
    rng = random.Random(f"{SEED}-{name}")
    if name == "app":
        lines = app_lines(rng, count)
    elif name == "access":
        lines = access_lines(rng, count)
    elif name == "cloudtrail":
        lines = cloudtrail_lines(rng, count)
    else:
        lines = flow_lines(rng, count, tuple(_FLOW_FORMATS[name]))
    if len(set(lines)) != len(lines):
        raise AssertionError(f"the {name} corpus repeats lines")
    return lines


# --- timing -------------------------------------------------------------------------


def best_rate(matches: Callable[[str], bool], lines: list[str], repeats: int) -> tuple[float, int]:
    """Return the best lines/s over ``repeats`` runs, and how many lines matched.

    The garbage collector is off while timing, as ``timeit`` does: a collection
    set off by the corpora's millions of objects is not the engine's cost.
    """
    best = float("inf")
    matched = 0
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            matched = sum(map(matches, lines))
            best = min(best, time.perf_counter() - start)
    finally:
        gc.enable()
    return len(lines) / best, matched


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=LINES, help="lines per corpus")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--only", default="", help="time patterns whose name or text holds this")
    parser.add_argument("--profile", default="", help="cProfile the first pattern holding this")
    args = parser.parse_args(argv)
    wanted = args.profile or args.only
    cases = [case for case in shipped_cases() if wanted in case.name or wanted in case.pattern]
    corpora: dict[str, list[str]] = {}
    for case in cases:
        if case.corpus not in corpora:
            corpora[case.corpus] = corpus(case.corpus, args.lines)
    if args.profile:
        case = cases[0]
        matches, lines = parse(case.pattern).matches, corpora[case.corpus]
        profile = cProfile.Profile()
        profile.runcall(lambda: sum(map(matches, lines)))
        print(case.pattern)
        pstats.Stats(profile).sort_stats("tottime").print_stats(12)
        return 0
    print(
        f"{len(cases)} patterns, {args.lines:,} lines per corpus, best of {args.repeats},"
        f" required {REQUIRED_LINES_PER_SECOND:,} lines/s"
    )
    failed = []
    group = ""
    for case in cases:
        if case.group != group:
            group = case.group
            print(f"\n{group}")
        lines = corpora[case.corpus]
        rate, matched = best_rate(parse(case.pattern).matches, lines, args.repeats)
        verdict = "PASS" if rate >= REQUIRED_LINES_PER_SECOND else "FAIL"
        if verdict == "FAIL":
            failed.append(case)
        share = 100 * matched / len(lines)
        shown = case.pattern if len(case.pattern) <= 70 else case.pattern[:67] + "..."
        print(
            f"  {verdict}  {rate:>10,.0f} lines/s  {share:5.1f}% of {case.corpus:<12}"
            f"  {case.name}: {shown}"
        )
    print()
    print(f"FAIL: {len(failed)} below the target" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
