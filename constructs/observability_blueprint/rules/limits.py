"""Service limits and valid values the blueprint checks before CloudFormation does.

Pure data: no aws_cdk import. Each figure names its source; the botocore service
models are the source for patterns and lengths (a test compares them).
"""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

# CloudWatch Logs (botocore `logs` model, shape `Days`).
RETENTION_DAYS: Final[tuple[int, ...]] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
    731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

LOG_GROUP_NAME_MAX: Final = 512
LOG_GROUP_NAME_RE: Final = re.compile(r"[.\-_/#A-Za-z0-9]+")
LogClass = Literal["STANDARD", "INFREQUENT_ACCESS"]
"""A log group class the blueprint makes (DELIVERY groups belong to services)."""
LOG_GROUP_CLASSES: Final[tuple[LogClass, ...]] = get_args(LogClass)

# Metric filters (CloudWatch Logs quotas; botocore shapes FilterName, MetricName,
# MetricNamespace, MetricValue, FilterPattern, Dimensions).
METRIC_FILTERS_PER_LOG_GROUP: Final = 100
METRIC_FILTER_DIMENSIONS_MAX: Final = 3
FILTER_PATTERN_MAX: Final = 1024
FILTER_NAME_MAX: Final = 512
FILTER_NAME_RE: Final = re.compile(r"[^:*]+")
METRIC_NAME_MAX: Final = 255
METRIC_NAME_RE: Final = re.compile(r"[^:*$]+")
METRIC_VALUE_MAX: Final = 100
DIMENSION_KEY_MAX: Final = 255
DIMENSION_VALUE_MAX: Final = 255
SUBSCRIPTION_FILTERS_PER_LOG_GROUP: Final = 2

# CloudWatch StandardUnit (botocore `cloudwatch` model).
METRIC_UNITS: Final[tuple[str, ...]] = (
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes",
    "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits",
    "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
    "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
    "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
)  # fmt: skip

# CloudFormation quotas.
STACK_RESOURCES_MAX: Final = 500
REGEX_PATTERNS_PER_LOG_GROUP: Final = 5
"""Regular expressions in the filter patterns of one log group, metric and subscription
filters together (botocore logs PutMetricFilter / PutSubscriptionFilter docs)."""
TEMPLATE_BODY_INLINE_MAX: Final = 51_200
TEMPLATE_BODY_S3_MAX: Final = 1_000_000
STACK_OUTPUTS_MAX: Final = 200
"""Outputs of one template (CloudFormation quotas page)."""
BLUEPRINT_RESOURCES_MAX: Final = 20_000
"""Resources one blueprint file places, in stacks of at most 450 by default (about 45
stacks). Ours, not CloudFormation's: building more takes many minutes; a file that
large is several workloads, best kept in several files."""

# Managed data identifiers for log-group data protection policies, as CloudWatch
# Logs names them (aws-cdk-lib's DataIdentifier constants; a test keeps them equal).
MANAGED_DATA_IDENTIFIERS: Final[tuple[str, ...]] = (
    "Address", "AwsSecretKey", "BankAccountNumber-DE", "BankAccountNumber-ES",
    "BankAccountNumber-FR", "BankAccountNumber-GB", "BankAccountNumber-IT",
    "BankAccountNumber-US", "CepCode-BR", "Cnpj-BR", "CpfCode-BR",
    "CreditCardExpiration", "CreditCardNumber", "CreditCardSecurityCode",
    "DriversLicense-AT", "DriversLicense-AU", "DriversLicense-BE", "DriversLicense-BG",
    "DriversLicense-CA", "DriversLicense-CY", "DriversLicense-CZ", "DriversLicense-DE",
    "DriversLicense-DK", "DriversLicense-EE", "DriversLicense-ES", "DriversLicense-FI",
    "DriversLicense-FR", "DriversLicense-GB", "DriversLicense-GR", "DriversLicense-HR",
    "DriversLicense-HU", "DriversLicense-IE", "DriversLicense-IT", "DriversLicense-LT",
    "DriversLicense-LU", "DriversLicense-LV", "DriversLicense-MT", "DriversLicense-NL",
    "DriversLicense-PL", "DriversLicense-PT", "DriversLicense-RO", "DriversLicense-SE",
    "DriversLicense-SI", "DriversLicense-SK", "DriversLicense-US",
    "DrugEnforcementAgencyNumber-US", "ElectoralRollNumber-GB",
    "EmailAddress", "HealthcareProcedureCode-US", "HealthInsuranceCardNumber-EU",
    "HealthInsuranceClaimNumber-US", "HealthInsuranceNumber-FR",
    "IndividualTaxIdentificationNumber-US", "InseeCode-FR", "IpAddress", "LatLong",
    "MedicareBeneficiaryNumber-US", "Name", "NationalDrugCode-US",
    "NationalIdentificationNumber-DE", "NationalIdentificationNumber-ES",
    "NationalIdentificationNumber-IT", "NationalInsuranceNumber-GB",
    "NationalProviderId-US", "NhsNumber-GB", "NieNumber-ES", "NifNumber-ES",
    "OpenSshPrivateKey", "PassportNumber-CA", "PassportNumber-DE", "PassportNumber-ES",
    "PassportNumber-FR", "PassportNumber-GB", "PassportNumber-IT", "PassportNumber-US",
    "PermanentResidenceNumber-CA", "PersonalHealthNumber-CA", "PgpPrivateKey",
    "PhoneNumber-BR", "PhoneNumber-DE", "PhoneNumber-ES", "PhoneNumber-FR",
    "PhoneNumber-GB", "PhoneNumber-IT", "PhoneNumber-US", "PkcsPrivateKey",
    "PostalCode-CA", "PuttyPrivateKey", "RgNumber-BR", "SocialInsuranceNumber-CA",
    "Ssn-ES", "Ssn-US", "TaxId-DE", "TaxId-ES", "TaxId-FR", "TaxId-GB",
    "VehicleIdentificationNumber", "ZipCode-US",
)  # fmt: skip

# What a data protection policy masks when the user names no identifiers:
# contact details and credentials, the usual accidental leaks into logs.
DEFAULT_DATA_IDENTIFIERS: Final[tuple[str, ...]] = (
    "EmailAddress",
    "AwsSecretKey",
    "OpenSshPrivateKey",
    "PgpPrivateKey",
    "PkcsPrivateKey",
    "PuttyPrivateKey",
)


def closest(value: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """Return the choice most like ``value`` (for "did you mean"), or None."""
    import difflib

    lowered = {choice.lower(): choice for choice in choices}
    if value.lower() in lowered:
        return lowered[value.lower()]
    starts = [choice for choice in choices if choice.lower().startswith(value.lower())]
    if value and len(starts) == 1:
        return starts[0]
    matches = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def nearest_retention(days: int) -> tuple[int, ...]:
    """Return the valid retentions just below and above ``days`` (one or two values)."""
    below = [d for d in RETENTION_DAYS if d < days]
    above = [d for d in RETENTION_DAYS if d > days]
    return tuple(x for x in (below[-1] if below else None, above[0] if above else None) if x)
