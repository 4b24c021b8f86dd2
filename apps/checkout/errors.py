"""Checkout error codes (line and completion problems reuse the order's codes)."""

from __future__ import annotations

from enum import StrEnum

from apps.core.errors import DomainError, describe


class CheckoutErrorCode(StrEnum):
    CHECKOUT_NOT_FOUND = "CHECKOUT_NOT_FOUND"
    EMAIL_REQUIRED = "EMAIL_REQUIRED"
    INVALID_EMAIL = "INVALID_EMAIL"
    SHIPPING_ADDRESS_REQUIRED = "SHIPPING_ADDRESS_REQUIRED"
    ADDRESS_NOT_FOUND = "ADDRESS_NOT_FOUND"


describe(
    CheckoutErrorCode,
    {
        CheckoutErrorCode.CHECKOUT_NOT_FOUND: (
            "No checkout has this token, or it belongs to another customer, or "
            "it was completed (the three are indistinguishable)."
        ),
        CheckoutErrorCode.EMAIL_REQUIRED: "Give the email the order is sent to.",
        CheckoutErrorCode.INVALID_EMAIL: "Not an email address (at most 254 characters).",
        CheckoutErrorCode.SHIPPING_ADDRESS_REQUIRED: "Set a shipping address first.",
        CheckoutErrorCode.ADDRESS_NOT_FOUND: (
            "The signed-in customer has no saved address with this ID."
        ),
    },
)


class CheckoutError(DomainError):
    """A checkout that cannot be found or changed as asked."""


class CheckoutNotFoundError(CheckoutError):
    def __init__(self) -> None:
        super().__init__(
            CheckoutErrorCode.CHECKOUT_NOT_FOUND,
            "No checkout has this token.",
            field="token",
        )
