"""Errors of the payments domain."""

from __future__ import annotations

from enum import StrEnum

from apps.core.errors import DomainError, describe


class PaymentErrorCode(StrEnum):
    INVALID_SIGNATURE = "INVALID_SIGNATURE"
    INVALID_PAYLOAD = "INVALID_PAYLOAD"
    ORDER_NOT_FOUND = "ORDER_NOT_FOUND"
    ORDER_NOT_PAYABLE = "ORDER_NOT_PAYABLE"
    PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE"
    PAYMENT_NOT_FOUND = "PAYMENT_NOT_FOUND"


describe(
    PaymentErrorCode,
    {
        PaymentErrorCode.INVALID_SIGNATURE: (
            "A webhook's signature is bad, missing or stale."
        ),
        PaymentErrorCode.INVALID_PAYLOAD: "A signed webhook's body cannot be read.",
        PaymentErrorCode.ORDER_NOT_FOUND: (
            "No order has this ID, or it is another customer's."
        ),
        PaymentErrorCode.ORDER_NOT_PAYABLE: (
            "The order is not awaiting payment, or its payment window closed."
        ),
        PaymentErrorCode.PROVIDER_UNAVAILABLE: (
            "The provider did not answer; retry shortly (same idempotencyKey)."
        ),
        PaymentErrorCode.PAYMENT_NOT_FOUND: "No payment has this ID.",
    },
)


class SignatureError(DomainError):
    """The webhook is not provably from the provider: bad, missing, stale."""

    def __init__(self, message: str) -> None:
        super().__init__(PaymentErrorCode.INVALID_SIGNATURE, message)


class PayloadError(DomainError):
    """A correctly signed webhook whose body we cannot read."""

    def __init__(self, message: str) -> None:
        super().__init__(PaymentErrorCode.INVALID_PAYLOAD, message)


class PaymentError(DomainError):
    """A payment request that cannot be honoured (see code)."""


class ProviderUnavailableError(DomainError):
    """The provider did not answer; the same call may succeed later."""

    retryable = True

    def __init__(self, message: str) -> None:
        super().__init__(PaymentErrorCode.PROVIDER_UNAVAILABLE, message)
