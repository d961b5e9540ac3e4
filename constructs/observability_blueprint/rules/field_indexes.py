"""Field index policies.

Pure module: no aws_cdk import. A field index lets a Logs Insights query that
tests ``field = value`` or ``field IN [...]`` skip the events that cannot match,
so it scans less. A log group takes one index policy (``FieldIndexPolicies`` of
``AWS::Logs::LogGroup``); an account takes one policy for all its log groups
(``AWS::Logs::AccountPolicy`` of type ``FIELD_INDEX_POLICY``), per Region.

Sources: botocore ``logs`` PutIndexPolicy and PutAccountPolicy ("As many as 20
fields can be included in the policy", "Each field name can include as many as
100 characters", "Only log groups in the Standard log class support field index
policies", "You can have one account-level field index policy that applies to
all log groups in the account"), and
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatchLogs-Field-Indexing-Syntax.html
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from observability_blueprint.rules.errors import Problem, cut
from observability_blueprint.rules.structured_logs import StructuredLogFields

FIELDS_MAX: Final = 20
FIELD_NAME_MAX: Final = 100
ACCOUNT_POLICY_NAME_MAX: Final = 256
# CloudFormation schema of AWS::Logs::AccountPolicy, PolicyName: ^[^:*]{1,256}$.
_POLICY_NAME_RE: Final = re.compile(r"[^:*]+")
DEFAULT_INDEXED_FIELDS: Final[tuple[str, ...]] = (
    "@logStream",
    "@aws.region",
    "@aws.account",
    "@source.log",
    "traceId",
)
"""Fields every Standard log group has indexed already, outside the 20 (PutIndexPolicy)."""


@dataclass(frozen=True, kw_only=True)
class FieldIndexPolicy:
    """The fields a policy indexes.

    Parameters
    ----------
    fields
        Field names to index, case-sensitive as they appear in events (dotted for
        nested JSON: ``http.status``).
    facets
        Fields also shown as facets (value counts in the Logs Insights console).
        Together with ``fields`` at most 20 names, none in both.
    """

    fields: Sequence[str] = ()
    facets: Sequence[str] = ()

    def document(self) -> dict[str, Any]:
        """The policy document: ``Fields``, plus ``FieldsV2`` for facets."""
        document: dict[str, Any] = {"Fields": list(self.fields)}
        if self.facets:
            document["FieldsV2"] = {name: {"type": "FACET"} for name in self.facets}
        return document

    def document_text(self) -> str:
        """The policy document as the JSON text AccountPolicy takes."""
        return json.dumps(self.document(), separators=(",", ":"))

    def problems(self) -> list[Problem]:
        """What CloudWatch Logs would refuse; locations ``fields``, ``facets[i]``..."""
        names = [*self.fields, *self.facets]
        problems: list[Problem] = []
        if not 1 <= len(names) <= FIELDS_MAX:
            problems.append(
                Problem(
                    "fields",
                    f"{len(names)} fields; an index policy takes 1 to {FIELDS_MAX}, facets "
                    "included (indexes of @logStream, @aws.region, @aws.account, @source.log "
                    "and traceId come free)",
                )
            )
        seen: dict[str, str] = {}
        for where, values in (("fields", self.fields), ("facets", self.facets)):
            for index, name in enumerate(values):
                at = f"{where}[{index}]"
                if not 1 <= len(name) <= FIELD_NAME_MAX:
                    problems.append(
                        Problem(
                            at,
                            f"{cut(name)!r} is {len(name)} characters; a field name is 1 to "
                            f"{FIELD_NAME_MAX}",
                        )
                    )
                if name in seen:
                    problems.append(
                        Problem(
                            at,
                            f"{cut(name)!r} is already {seen[name]}; name each field once "
                            "(a facet is also an index)",
                        )
                    )
                seen.setdefault(name, at)
        return problems


def default_index_fields(names: StructuredLogFields | None = None) -> tuple[str, ...]:
    """The fields worth indexing in a service's JSON logs: request id, trace id, service."""
    names = names or StructuredLogFields()
    return (names.request_id, names.xray_trace_id, names.service)


def check_account_policy_name(name: str) -> str | None:
    """Why ``name`` cannot name an account policy (None: it can)."""
    if not 1 <= len(name) <= ACCOUNT_POLICY_NAME_MAX or not _POLICY_NAME_RE.fullmatch(name):
        return (
            f"{cut(name)!r} is not an account policy name; use 1 to {ACCOUNT_POLICY_NAME_MAX} "
            "characters without ':' or '*'"
        )
    # PutAccountPolicy: "cannot start with aws/".
    if name.startswith("aws/"):
        return f"{cut(name)!r} starts with aws/, which AWS reserves; use another prefix"
    return None
