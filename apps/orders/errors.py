"""Order error codes, and the error that carries several problems at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from apps.core.errors import DomainError


class OrderErrorCode(StrEnum):
    EMPTY_ORDER = "EMPTY_ORDER"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    DUPLICATE_LINE = "DUPLICATE_LINE"
    UNKNOWN_VARIANT = "UNKNOWN_VARIANT"
    NOT_PUBLISHED = "NOT_PUBLISHED"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    MIXED_CURRENCY = "MIXED_CURRENCY"
    INVALID_ADDRESS = "INVALID_ADDRESS"
    LINE_LIMIT_EXCEEDED = "LINE_LIMIT_EXCEEDED"
    OPEN_UNITS_LIMIT_EXCEEDED = "OPEN_UNITS_LIMIT_EXCEEDED"
    CUSTOMER_NOT_FOUND = "CUSTOMER_NOT_FOUND"
    ORDER_NOT_FOUND = "ORDER_NOT_FOUND"
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    NOT_PERMITTED = "NOT_PERMITTED"
    STOCK_BUSY = "STOCK_BUSY"
    INVALID_TRACKING_NUMBER = "INVALID_TRACKING_NUMBER"
    INVALID_CARRIER = "INVALID_CARRIER"


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorDetail:
    """One problem: a machine code, a human message, the input path it concerns.

    `field` is a dotted path into the service's arguments, with 0-based list
    indexes: `lines.2.quantity`, `shipping_address.city`; None for the whole
    request. The GraphQL layer converts each segment to its input name.
    """

    code: StrEnum
    message: str
    field: str | None = None


class OrderValidationError(DomainError):
    """Every problem found in a request, reported together.

    Behaves as a DomainError of its first problem for callers that only read
    one `code`; `details` holds them all, in input order.
    """

    def __init__(self, details: Sequence[ErrorDetail]) -> None:
        assert details, "an OrderValidationError needs at least one detail"
        first = details[0]
        super().__init__(first.code, first.message, field=first.field)
        self.details = tuple(details)


class OrderNotFoundError(DomainError):
    """No order with this id is visible to the viewer."""

    def __init__(self) -> None:
        super().__init__(
            OrderErrorCode.ORDER_NOT_FOUND, "No order has this ID.", field="order_id"
        )


class IllegalTransitionError(DomainError):
    """The order's current status does not allow the requested change."""

    def __init__(self, *, current: str, target: str) -> None:
        super().__init__(
            OrderErrorCode.ILLEGAL_TRANSITION,
            f"An order that is {current} cannot become {target}.",
        )
        self.current = current
        self.target = target


class OrderPermissionError(DomainError):
    """The viewer may not perform this action or read this list."""

    def __init__(self, message: str) -> None:
        super().__init__(OrderErrorCode.NOT_PERMITTED, message)


class OrderBusyError(DomainError):
    """Stock rows stayed locked by other orders: the request may be retried."""

    retryable = True

    def __init__(self) -> None:
        super().__init__(
            OrderErrorCode.STOCK_BUSY,
            "These items are being updated by other orders; please retry.",
        )
