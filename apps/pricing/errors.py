"""Voucher error codes."""

from __future__ import annotations

from enum import StrEnum

from apps.core.errors import DomainError, describe


class VoucherErrorCode(StrEnum):
    INVALID_CODE = "INVALID_CODE"
    CODE_TAKEN = "CODE_TAKEN"
    INVALID_VALUE = "INVALID_VALUE"
    CURRENCY_REQUIRED = "CURRENCY_REQUIRED"
    INVALID_CURRENCY = "INVALID_CURRENCY"
    INVALID_LIMIT = "INVALID_LIMIT"
    INVALID_WINDOW = "INVALID_WINDOW"
    UNKNOWN_SCOPE = "UNKNOWN_SCOPE"
    VOUCHER_NOT_FOUND = "VOUCHER_NOT_FOUND"
    VOUCHER_NOT_ACTIVE = "VOUCHER_NOT_ACTIVE"
    VOUCHER_USED_UP = "VOUCHER_USED_UP"
    VOUCHER_LIMIT_PER_CUSTOMER = "VOUCHER_LIMIT_PER_CUSTOMER"
    MINIMUM_NOT_MET = "MINIMUM_NOT_MET"
    WRONG_CURRENCY = "WRONG_CURRENCY"


describe(
    VoucherErrorCode,
    {
        VoucherErrorCode.INVALID_CODE: (
            "A code is 3 to 32 letters, digits, `-` or `_` (stored in capitals)."
        ),
        VoucherErrorCode.CODE_TAKEN: "Another voucher has this code (in any case).",
        VoucherErrorCode.INVALID_VALUE: (
            "PERCENTAGE takes more than 0 and at most 100, FIXED more than 0, "
            "and neither more than the money columns hold."
        ),
        VoucherErrorCode.CURRENCY_REQUIRED: (
            "FIXED amounts and a minimum subtotal are in a currency: give one."
        ),
        VoucherErrorCode.INVALID_CURRENCY: "Not a currency the shop sells in.",
        VoucherErrorCode.INVALID_LIMIT: "Usage limits are at least 1.",
        VoucherErrorCode.INVALID_WINDOW: "endsAt is not after startsAt.",
        VoucherErrorCode.UNKNOWN_SCOPE: (
            "A category or product the voucher should apply to does not exist."
        ),
        VoucherErrorCode.VOUCHER_NOT_FOUND: "No voucher has this code.",
        VoucherErrorCode.VOUCHER_NOT_ACTIVE: (
            "The voucher's validity window has not started or has ended."
        ),
        VoucherErrorCode.VOUCHER_USED_UP: "The voucher reached its usage limit.",
        VoucherErrorCode.VOUCHER_LIMIT_PER_CUSTOMER: (
            "This customer (by email) used the voucher as often as it allows."
        ),
        VoucherErrorCode.MINIMUM_NOT_MET: (
            "The basket is below the voucher's minimum subtotal."
        ),
        VoucherErrorCode.WRONG_CURRENCY: "The voucher is for another currency.",
    },
)


class VoucherError(DomainError):
    """A voucher that cannot be created, or cannot be used now."""
