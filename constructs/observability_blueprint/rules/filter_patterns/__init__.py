"""An offline engine for CloudWatch Logs filter patterns: parse, validate, match, extract.

CloudWatch Logs only checks a pattern online (TestMetricFilter), and a wrong
pattern deploys fine and never counts anything. This package implements the
syntax of the CloudWatch Logs user guide page "Filter pattern syntax for metric
filters, subscription filters, filter log events, and Live Tail": terms,
``%regex%``, JSON and space-delimited patterns.

Examples
--------
>>> from observability_blueprint.rules.filter_patterns import parse
>>> pattern = parse('{ $.eventSource = "kms.amazonaws.com" && $.eventName = DisableKey }')
>>> pattern.matches('{"eventSource": "kms.amazonaws.com", "eventName": "DisableKey"}')
True
"""

from observability_blueprint.rules.filter_patterns._compiled import PatternKind
from observability_blueprint.rules.filter_patterns._errors import FilterPatternError
from observability_blueprint.rules.filter_patterns._pattern import (
    MAX_PATTERN_LENGTH,
    FilterPattern,
    parse,
)

__all__ = ["MAX_PATTERN_LENGTH", "FilterPattern", "FilterPatternError", "PatternKind", "parse"]
