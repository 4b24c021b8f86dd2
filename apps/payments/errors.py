"""Errors of the payments domain."""

from __future__ import annotations

from enum import StrEnum

from apps.core.errors import DomainError


class PaymentErrorCode(StrEnum):
    INVALID_SIGNATURE = "INVALID_SIGNATURE"
    INVALID_PAYLOAD = "INVALID_PAYLOAD"
    ORDER_NOT_FOUND = "ORDER_NOT_FOUND"
    ORDER_NOT_PAYABLE = "ORDER_NOT_PAYABLE"
    PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE"
    PAYMENT_NOT_FOUND = "PAYMENT_NOT_FOUND"


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
