"""Report error codes: why a sales report cannot be made as asked."""

from __future__ import annotations

from enum import StrEnum

from apps.core.errors import DomainError, describe


class ReportErrorCode(StrEnum):
    NOT_PERMITTED = "NOT_PERMITTED"
    INVALID_RANGE = "INVALID_RANGE"
    RANGE_TOO_LONG = "RANGE_TOO_LONG"
    TOO_MANY_BUCKETS = "TOO_MANY_BUCKETS"
    UNKNOWN_CURRENCY = "UNKNOWN_CURRENCY"


describe(
    ReportErrorCode,
    {
        ReportErrorCode.NOT_PERMITTED: (
            "The viewer is not staff (an interface answers FORBIDDEN)."
        ),
        ReportErrorCode.INVALID_RANGE: "`to` is before `from`.",
        ReportErrorCode.RANGE_TOO_LONG: "Over two years.",
        ReportErrorCode.TOO_MANY_BUCKETS: "Too many buckets for the grouping.",
        ReportErrorCode.UNKNOWN_CURRENCY: "Not a currency the shop sells in.",
    },
)


class ReportError(DomainError):
    """A report that cannot be made as asked."""
