"""The largest numbers AWS takes, and how a number too large for them is shown.

Pure module: no aws_cdk import.

Every whole number of a blueprint reaches an AWS API through CloudFormation,
either as a setting the API types ``Integer`` or as part of a JSON value (an
event payload, a threshold the API types ``Double``):

- an API ``Integer`` is a 32-bit signed number (the Smithy ``integer`` of the
  botocore service models): at most 2,147,483,647, whatever the setting;
- a JSON number, and a ``Double``, holds whole numbers exactly only up to
  2**53 (9,007,199,254,740,992): a larger one reaches AWS as another number.

Settings whose API documents a tighter bound name it in :data:`ALARM_PERIOD_MAX`
and the like. Numbers are echoed cut (:func:`shown`), so a number of thousands
of digits never fills a message.
"""

from __future__ import annotations

from typing import Final

API_INTEGER_MAX: Final = 2**31 - 1
"""The largest value of an API ``Integer`` (32-bit signed)."""
API_INTEGER_MIN: Final = -(2**31)
"""The smallest value of an API ``Integer``."""
EXACT_INTEGER_MAX: Final = 2**53
"""The largest whole number a JSON number (an IEEE double) holds exactly."""
ALARM_PERIOD_MAX: Final = 604_800
"""An alarm's period times its evaluation periods is at most seven days, so a period is
at most 604,800 seconds (PutMetricAlarm, ``Period`` and ``EvaluationPeriods``:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html)."""
DIGITS_SHOWN: Final = 40
"""Numbers with more digits are echoed cut to their first and last digits."""


def shown(number: int | float) -> str:
    """Return ``number`` as a message shows it: in full, or cut when it is very long."""
    text = str(number)
    digits = text.lstrip("-")
    if len(digits) <= DIGITS_SHOWN:
        return text
    sign = "-" if text.startswith("-") else ""
    return f"{sign}{digits[:12]}...{digits[-4:]} ({len(digits):,} digits)"


def check_api_integer(number: int) -> str | None:
    """Return why ``number`` is not an API ``Integer`` (32-bit signed), or None."""
    if API_INTEGER_MIN <= number <= API_INTEGER_MAX:
        return None
    return (
        f"{shown(number)} is beyond any whole number AWS takes here: the API's integers run "
        f"from {API_INTEGER_MIN:,} to {API_INTEGER_MAX:,}"
    )


def check_exact_integer(number: int) -> str | None:
    """Return why ``number`` cannot reach AWS unchanged as a JSON number or double, or None."""
    if -EXACT_INTEGER_MAX <= number <= EXACT_INTEGER_MAX:
        return None
    return (
        f"{shown(number)} cannot reach AWS as written: numbers travel as JSON doubles, which "
        f"hold whole numbers exactly up to {EXACT_INTEGER_MAX:,} (2**53); give a smaller "
        "number, or a decimal such as 1.0e+30 where an approximate value is meant"
    )


def check_alarm_period(seconds: int) -> str | None:
    """Return why ``seconds`` is longer than any alarm period, or None."""
    if seconds <= ALARM_PERIOD_MAX:
        return None
    return (
        f"{shown(seconds)} seconds is longer than an alarm period can be: at most "
        f"{ALARM_PERIOD_MAX:,} (seven days), and 10, 20, 30 or a multiple of 60"
    )
