"""The names CloudWatch metrics are published under: namespaces, metric and dimension names.

Pure module: no aws_cdk import. From botocore's ``cloudwatch`` model (Namespace,
MetricName, DimensionName: 1 to 255 characters) and the PutMetricData reference:
a namespace, metric name or dimension name must contain only ASCII characters,
no namespace may start with ``AWS/`` (reserved for AWS services) and no
dimension name may start with a colon.
"""

from __future__ import annotations

import re
from typing import Final

from observability_blueprint.rules.errors import cut

NAME_MAX: Final = 255
"""Namespaces, metric names and dimension names are at most 255 characters."""
DIMENSION_VALUE_MAX: Final = 255
"""aws-cdk-lib refuses longer dimension values (CloudWatch's own limit is 1,024)."""
_FORBIDDEN: Final = re.compile(r"[:*$]")


def _ascii(value: str) -> bool:
    return value.isascii() and value.isprintable()


def _shown(value: str) -> str:
    return repr(cut(value, 60))


def check_custom_namespace(namespace: str) -> str | None:
    """Return why metrics cannot be published under ``namespace``, or None."""
    if not namespace or len(namespace) > NAME_MAX:
        return f"{_shown(namespace)} is {len(namespace)} characters; a namespace is 1 to {NAME_MAX}"
    if not _ascii(namespace) or _FORBIDDEN.search(namespace) or namespace.startswith("AWS/"):
        return (
            f"{_shown(namespace)} is not a custom metric namespace; use printable ASCII "
            "without ':', '*' or '$', not starting with AWS/ (reserved for AWS services)"
        )
    return None


def check_metric_name(name: str) -> str | None:
    """Return why ``name`` cannot be a metric name, or None."""
    if not name or len(name) > NAME_MAX:
        return f"{_shown(name)} is {len(name)} characters; a metric name is 1 to {NAME_MAX}"
    if not _ascii(name) or _FORBIDDEN.search(name):
        return f"{_shown(name)} is not a metric name; use printable ASCII without ':', '*' or '$'"
    return None


def check_dimension_name(name: str) -> str | None:
    """Return why ``name`` cannot be a dimension name, or None."""
    if not name or len(name) > NAME_MAX:
        return f"{_shown(name)} is {len(name)} characters; a dimension name is 1 to {NAME_MAX}"
    if not _ascii(name) or not name.strip() or name.startswith(":"):
        return (
            f"{_shown(name)} is not a dimension name; use printable ASCII with at least one "
            "character that is not a space, not starting with ':'"
        )
    return None


def check_dimension_value(value: str) -> str | None:
    """Return why ``value`` cannot be a dimension value of an alarm's metric, or None."""
    if not value or len(value) > DIMENSION_VALUE_MAX:
        return (
            f"{_shown(value)} is {len(value)} characters; a dimension value is 1 to "
            f"{DIMENSION_VALUE_MAX}"
        )
    return None
