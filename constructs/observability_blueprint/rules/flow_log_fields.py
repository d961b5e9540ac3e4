"""VPC flow log records: fields, formats, example records, a filter pattern, queries.

Pure module: no aws_cdk import. Source: Amazon VPC User Guide, "Flow log records"
(the table of available fields, versions 2 to 8) and "Flow log record examples".

A flow log record is one line of space-separated values in the order of the flow
log's format; a value that does not apply is ``-``. The blueprint always writes
the format out (``${version} ${account-id} ...``), even when it is the default,
so the filter pattern and the queries built here line up with the records that
arrive. Field names become ``snake_case`` in patterns and queries
(``account-id`` is ``$account_id`` in a filter and ``account_id`` in a query),
because neither syntax takes hyphens in a name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal, get_args

from observability_blueprint.rules import limits
from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.filter_patterns import parse
from observability_blueprint.rules.metric_filters import PatternExamples


@dataclass(frozen=True)
class FlowLogField:
    """One field a flow log record can carry.

    Parameters
    ----------
    name
        The name in a format string, without ``${}``: ``account-id``.
    version
        The flow log version that introduced it; a record's ``version`` is the
        highest version among the fields of its format.
    example
        A realistic value, for example records.
    """

    name: str
    version: int
    example: str

    @property
    def identifier(self) -> str:
        """The name in filter patterns and Logs Insights queries: ``account_id``."""
        return self.name.replace("-", "_")


# In the order of the user guide's table of available fields; the default
# format is the version 2 fields in this order.
FIELDS: Final[tuple[FlowLogField, ...]] = (
    FlowLogField("version", 2, "2"),
    FlowLogField("account-id", 2, "123456789012"),
    FlowLogField("interface-id", 2, "eni-0123456789abcdef0"),
    FlowLogField("srcaddr", 2, "198.51.100.7"),
    FlowLogField("dstaddr", 2, "10.0.1.25"),
    FlowLogField("srcport", 2, "49152"),
    FlowLogField("dstport", 2, "443"),
    FlowLogField("protocol", 2, "6"),
    FlowLogField("packets", 2, "10"),
    FlowLogField("bytes", 2, "840"),
    FlowLogField("start", 2, "1735689600"),
    FlowLogField("end", 2, "1735689660"),
    FlowLogField("action", 2, "ACCEPT"),
    FlowLogField("log-status", 2, "OK"),
    FlowLogField("vpc-id", 3, "vpc-0123456789abcdef0"),
    FlowLogField("subnet-id", 3, "subnet-0123456789abcdef0"),
    FlowLogField("instance-id", 3, "i-0123456789abcdef0"),
    FlowLogField("tcp-flags", 3, "2"),
    FlowLogField("type", 3, "IPv4"),
    FlowLogField("pkt-srcaddr", 3, "198.51.100.7"),
    FlowLogField("pkt-dstaddr", 3, "10.0.1.25"),
    FlowLogField("region", 4, "eu-west-1"),
    FlowLogField("az-id", 4, "euw1-az1"),
    FlowLogField("sublocation-type", 4, "-"),
    FlowLogField("sublocation-id", 4, "-"),
    FlowLogField("pkt-src-aws-service", 5, "-"),
    FlowLogField("pkt-dst-aws-service", 5, "-"),
    FlowLogField("flow-direction", 5, "ingress"),
    FlowLogField("traffic-path", 5, "-"),
    FlowLogField("ecs-cluster-arn", 7, "-"),
    FlowLogField("ecs-cluster-name", 7, "-"),
    FlowLogField("ecs-container-instance-arn", 7, "-"),
    FlowLogField("ecs-container-instance-id", 7, "-"),
    FlowLogField("ecs-container-id", 7, "-"),
    FlowLogField("ecs-second-container-id", 7, "-"),
    FlowLogField("ecs-service-name", 7, "-"),
    FlowLogField("ecs-task-definition-arn", 7, "-"),
    FlowLogField("ecs-task-arn", 7, "-"),
    FlowLogField("ecs-task-id", 7, "-"),
    FlowLogField("reject-reason", 8, "-"),
)
KNOWN_FIELDS: Final[Mapping[str, FlowLogField]] = {f.name: f for f in FIELDS}
FIELD_NAMES: Final[tuple[str, ...]] = tuple(KNOWN_FIELDS)
DEFAULT_FORMAT: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS if f.version == 2)
"""The default format: the version 2 fields, in the order of the user guide."""

TrafficType = Literal["ALL", "ACCEPT", "REJECT"]
"""Which flow records are kept: all, accepted or rejected traffic."""
TRAFFIC_TYPES: Final[tuple[TrafficType, ...]] = get_args(TrafficType)
AGGREGATION_INTERVALS: Final[tuple[int, ...]] = (60, 600)
DEFAULT_AGGREGATION_INTERVAL: Final = 600
RECORD_SHOWN_MAX: Final = 200
"""Characters of an example record a message shows: a default-format record (about
120) whole, its action and status at the end included."""
"""AWS's default: records aggregate traffic over at most ten minutes."""

# CreateFlowLogs ResourceType per id prefix; ids are the prefix and 8 or 17 hex digits.
RESOURCE_KINDS: Final[Mapping[str, tuple[str, str]]] = {
    "vpc": ("VPC", "VPC"),
    "subnet": ("Subnet", "subnet"),
    "eni": ("NetworkInterface", "network interface"),
}
_RESOURCE_ID_RE: Final = re.compile(r"(vpc|subnet|eni)-(?:[0-9a-f]{8}|[0-9a-f]{17})")

REMOTE_ACCESS_PORTS: Final[tuple[int, ...]] = (22, 3389)
"""SSH and RDP."""
TCP: Final = 6
REMOTE_ACCESS_FIELDS: Final[tuple[str, ...]] = ("dstport", "protocol", "action")
"""What the rejected SSH/RDP pattern tests."""
REMOTE_ACCESS_PORTS_MAX: Final = 10


# ------------------------------------------------------------------ formats


def field_problems(fields: Sequence[str]) -> list[Problem]:
    """Return what is wrong with a custom format, located as ``[i]`` within it.

    Each field must be a known one (with a "did you mean" for a near miss),
    appear once, and be written without ``${}``.
    """
    if isinstance(fields, str):
        return [
            Problem(
                "",
                f"{cut(repr(fields))} is one string; give the format as a list of field names "
                "(version, account-id, ...)",
            )
        ]
    if not fields:
        return [Problem("", "a custom format needs at least one field")]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(fields):
        at = f"[{index}]"
        if name in KNOWN_FIELDS:
            if name in seen:
                problems.append(
                    Problem(
                        at,
                        f"{cut(name)!r} is already field [{seen[name]}]; name each field once",
                    )
                )
            seen.setdefault(name, index)
            continue
        bare = name[2:-1] if name.startswith("${") and name.endswith("}") else None
        if bare is not None and bare in KNOWN_FIELDS:
            problems.append(
                Problem(at, f"{cut(name)!r}: write the field name without ${{}}: {cut(bare)!r}")
            )
            continue
        suggestion = limits.closest(name.replace("_", "-"), FIELD_NAMES)
        hint = f"did you mean {suggestion!r}? " if suggestion else ""
        problems.append(
            Problem(
                at,
                f"{cut(name)!r} is not a flow log field; {hint}known fields: "
                + ", ".join(FIELD_NAMES),
            )
        )
    return problems


def render_format(fields: Sequence[str]) -> str:
    """Return the LogFormat string: ``${version} ${account-id} ...``."""
    return " ".join(f"${{{name}}}" for name in fields)


def parse_format(text: str) -> tuple[str, ...]:
    """Return the field names of a LogFormat string (the reverse of :func:`render_format`)."""
    names = re.findall(r"\$\{([^}]*)\}", text)
    if " ".join(f"${{{n}}}" for n in names) != " ".join(text.split()):
        raise ValueError(
            f"{cut(text)!r} is not a flow log format: ${{field}} names separated by spaces"
        )
    return tuple(names)


def format_version(fields: Sequence[str]) -> int:
    """Return the ``version`` records of this format carry: the highest field version."""
    return max(KNOWN_FIELDS[name].version for name in fields)


def missing_fields(fields: Sequence[str], required: Sequence[str]) -> tuple[str, ...]:
    """Return the required fields the format lacks, in the order given."""
    present = set(fields)
    return tuple(name for name in required if name not in present)


# ----------------------------------------------------------------- settings


def check_traffic_type(value: str) -> str | None:
    """Return why ``value`` is not a traffic type, or None."""
    if value not in TRAFFIC_TYPES:
        return f"{cut(value)!r} is not a traffic type; use one of {', '.join(TRAFFIC_TYPES)}"
    return None


def check_aggregation_interval(value: float) -> str | None:
    """Return why ``value`` (seconds) is not a maximum aggregation interval, or None."""
    if value not in AGGREGATION_INTERVALS:
        return (
            f"{value:g} is not an aggregation interval; flow logs aggregate over 60 or 600 "
            "seconds (one or ten minutes)"
        )
    return None


def resource_type(resource_id: str) -> str | None:
    """Return CreateFlowLogs' ResourceType for an id (``VPC``, ``Subnet``...), or None."""
    match = _RESOURCE_ID_RE.fullmatch(resource_id)
    return RESOURCE_KINDS[match.group(1)][0] if match else None


def check_resource_id(resource_id: str, kind: str) -> str | None:
    """Return why ``resource_id`` is not the id of a ``kind`` (vpc, subnet, eni), or None."""
    match = _RESOURCE_ID_RE.fullmatch(resource_id)
    if match and match.group(1) == kind:
        return None
    label = RESOURCE_KINDS[kind][1]
    example = f"{kind}-0123456789abcdef0"
    return (
        f"{cut(resource_id)!r} is not a {label} id; use '{kind}-' and 8 or 17 lowercase hex "
        f"digits, such as {example}"
    )


def check_ports(ports: Sequence[int]) -> str | None:
    """Return why ``ports`` cannot be the destination ports of the SSH/RDP filter, or None."""
    if not ports:
        return "name at least one port (SSH is 22, RDP is 3389)"
    if len(ports) > REMOTE_ACCESS_PORTS_MAX:
        return f"{len(ports)} ports; the filter takes at most {REMOTE_ACCESS_PORTS_MAX}"
    bad = [p for p in ports if isinstance(p, bool) or not 0 <= p <= 65535]
    if bad:
        return f"{', '.join(map(str, bad))}: a port is a number from 0 to 65535"
    if len(set(ports)) != len(ports):
        return f"{', '.join(map(str, ports))}: name each port once"
    return None


# ------------------------------------------------------------------ records


def example_record(fields: Sequence[str], **values: str | int) -> str:
    """Return a realistic record of this format; ``values`` override fields by identifier.

    >>> example_record(["srcaddr", "dstport", "action"], dstport=22, action="REJECT")
    '198.51.100.7 22 REJECT'
    """
    unknown = set(values) - {KNOWN_FIELDS[n].identifier for n in fields}
    if unknown:
        raise ValueError(f"not fields of this format: {', '.join(sorted(unknown))}")
    out = []
    for name in fields:
        field = KNOWN_FIELDS[name]
        if field.identifier in values:
            out.append(str(values[field.identifier]))
        elif name == "version":
            out.append(str(format_version(fields)))
        else:
            out.append(field.example)
    return " ".join(out)


def no_data_record(fields: Sequence[str], status: str = "NODATA") -> str:
    """Return a NODATA (or SKIPDATA) record: ``-`` for everything about the traffic."""
    kept = {"version", "account-id", "interface-id", "start", "end"}
    values = {
        KNOWN_FIELDS[n].identifier: "-" for n in fields if n not in kept and n != "log-status"
    }
    if "log-status" in fields:
        values["log_status"] = status
    return example_record(fields, **values)


def parse_record(fields: Sequence[str], record: str) -> dict[str, str]:
    """Split a record into its fields, by identifier (``account_id``).

    Raises
    ------
    ValueError
        When the record does not have one value per field of the format.
    """
    values = record.split()
    if len(values) != len(fields):
        raise ValueError(
            f"the record has {len(values)} values; the format has {len(fields)} fields"
        )
    return {
        KNOWN_FIELDS[name].identifier: value for name, value in zip(fields, values, strict=True)
    }


# ----------------------------------------------------- rejected SSH/RDP pattern


def rejected_remote_access_pattern(
    fields: Sequence[str], ports: Sequence[int] = REMOTE_ACCESS_PORTS
) -> str:
    """Return a space-delimited filter pattern for rejected TCP connections to ``ports``.

    Every field of the format gets its name, in order, so the pattern lines up
    with the records whatever the format (all 40 fields with both default ports
    take under 600 of the 1,024 characters a pattern may have).

    Raises
    ------
    ValueError
        When the format lacks dstport, protocol or action.
    """
    missing = missing_fields(fields, REMOTE_ACCESS_FIELDS)
    if missing:
        raise ValueError(f"the format lacks {', '.join(missing)}")
    ports_test = " || ".join(f"dstport = {port}" for port in ports)
    tests = {"dstport": ports_test, "protocol": f"protocol = {TCP}", "action": 'action = "REJECT"'}
    names = [KNOWN_FIELDS[name].identifier for name in fields]
    return f"[{', '.join(tests.get(name, name) for name in names)}]"


def rejected_remote_access_examples(
    fields: Sequence[str], ports: Sequence[int] = REMOTE_ACCESS_PORTS
) -> PatternExamples:
    """Return records the rejected SSH/RDP pattern must and must not match.

    Matches: a rejected TCP connection to each port. Misses: the same connection
    accepted, a rejected connection to HTTPS, a rejected UDP datagram to the
    first port, and NODATA and SKIPDATA records.
    """
    present = {KNOWN_FIELDS[n].identifier for n in fields}

    def record(**values: str | int) -> str:
        return example_record(fields, **{k: v for k, v in values.items() if k in present})

    scan: dict[str, str | int] = {
        "srcaddr": "203.0.113.50",
        "srcport": 51234,
        "packets": 1,
        "bytes": 44,
        "tcp_flags": 2,
    }
    return PatternExamples(
        match=tuple(record(**scan, dstport=port, protocol=TCP, action="REJECT") for port in ports),
        no_match=(
            record(**scan, dstport=ports[0], protocol=TCP, action="ACCEPT"),
            record(
                **scan, dstport=443 if 443 not in ports else 8443, protocol=TCP, action="REJECT"
            ),
            record(**scan, dstport=ports[0], protocol=17, action="REJECT"),
            no_data_record(fields, "NODATA"),
            no_data_record(fields, "SKIPDATA"),
        ),
    )


def record_example_problems(
    fields: Sequence[str], ports: Sequence[int], examples: PatternExamples
) -> list[Problem]:
    """Check a user's example records against the SSH/RDP pattern for this format.

    Each record must have one value per field, and be matched (``match``) or
    not (``no_match``). Locations are relative: ``match[0]``, ``no_match[1]``.
    """
    pattern = parse(rejected_remote_access_pattern(fields, ports))
    problems: list[Problem] = []
    for kind, records, expected in (
        ("match", examples.match, True),
        ("no_match", examples.no_match, False),
    ):
        for index, record in enumerate(records):
            at = f"{kind}[{index}]"
            try:
                parse_record(fields, record)
            except ValueError as error:
                problems.append(Problem(at, f"{error}: {cut(record, RECORD_SHOWN_MAX)!r}"))
                continue
            if pattern.matches(record) != expected:
                verb = "does not match" if expected else "matches"
                problems.append(
                    Problem(
                        at,
                        f"the rejected SSH/RDP filter {verb} this record, which it should"
                        f"{'' if expected else ' not'}: {cut(record, RECORD_SHOWN_MAX)!r}",
                    )
                )
    return problems


# ----------------------------------------------------------- Insights queries


@dataclass(frozen=True)
class FlowLogQuery:
    """A saved Logs Insights query over flow logs, as its clauses.

    ``parse`` names every field of the format (``parse @message "* * *" as a, b, c``):
    Logs Insights discovers flow log fields only in the default format, so the
    query reads its own fields, and works the same for any format.
    """

    name: str
    description: str
    parse: str
    filter: str | None
    stats: str
    sort: str
    limit: int

    def render(self) -> str:
        """Return the query text as aws-cdk-lib's QueryString writes it."""
        clauses = [f"parse {self.parse}"]
        if self.filter:
            clauses.append(f"filter {self.filter}")
        clauses += [f"stats {self.stats}", f"sort {self.sort}", f"limit {self.limit}"]
        return "\n| ".join(clauses)


QUERY_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "top-talkers": ("srcaddr", "dstaddr", "bytes", "packets"),
    "rejected-traffic": ("srcaddr", "dstaddr", "dstport", "protocol", "action"),
    "traffic-by-port": ("dstport", "protocol", "bytes", "packets"),
}
"""The fields each saved query reads; the format must have them all."""
QUERY_LIMIT: Final = 25


def query_problems(fields: Sequence[str]) -> list[str]:
    """Return one message per saved query the format cannot serve (empty when all can)."""
    messages = []
    for name, required in QUERY_FIELDS.items():
        missing = missing_fields(fields, required)
        if missing:
            messages.append(
                f"the {name} query needs {', '.join(required)}; the format lacks "
                f"{', '.join(missing)}"
            )
    return messages


def flow_log_queries(fields: Sequence[str]) -> list[FlowLogQuery]:
    """Return the saved queries (top talkers, rejected traffic, traffic by port).

    Raises
    ------
    ValueError
        When the format lacks a field a query reads (see :func:`query_problems`).
    """
    problems = query_problems(fields)
    if problems:
        raise ValueError("; ".join(problems))
    names = [KNOWN_FIELDS[name].identifier for name in fields]
    parse = f'@message "{" ".join("*" for _ in names)}" as {", ".join(names)}'
    return [
        FlowLogQuery(
            name="top-talkers",
            description="Source and destination pairs that moved the most bytes",
            parse=parse,
            filter=None,
            stats="sum(bytes) as total_bytes, sum(packets) as total_packets by srcaddr, dstaddr",
            sort="total_bytes desc",
            limit=QUERY_LIMIT,
        ),
        FlowLogQuery(
            name="rejected-traffic",
            description="Rejected flows by source, destination, port and protocol",
            parse=parse,
            filter='action = "REJECT"',
            stats="count(*) as rejected_flows by srcaddr, dstaddr, dstport, protocol",
            sort="rejected_flows desc",
            limit=QUERY_LIMIT,
        ),
        FlowLogQuery(
            name="traffic-by-port",
            description="Bytes, packets and flows per destination port and protocol",
            parse=parse,
            filter=None,
            stats=(
                "sum(bytes) as total_bytes, sum(packets) as total_packets, count(*) as flows "
                "by dstport, protocol"
            ),
            sort="total_bytes desc",
            limit=QUERY_LIMIT,
        ),
    ]


def rejected_alarm_traffic_problem(traffic_type: str) -> str | None:
    """Why the rejected SSH/RDP alarm cannot work with ``traffic_type``, or None.

    A flow log of ACCEPT traffic holds no rejected record, so the alarm could
    never fire.
    """
    if traffic_type == "ACCEPT":
        return (
            "counts rejected connections, but traffic_type ACCEPT records none: the alarm "
            "could never fire; use traffic_type ALL or REJECT, or remove the alarm"
        )
    return None
