"""Order error codes, and the error that carries several problems at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from apps.core.errors import DomainError, describe


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
    TOO_MANY_LINES = "TOO_MANY_LINES"
    EMAIL_NOT_VERIFIED = "EMAIL_NOT_VERIFIED"
    THROTTLED = "THROTTLED"
    PRICE_CHANGED = "PRICE_CHANGED"
    SHIPPING_METHOD_REQUIRED = "SHIPPING_METHOD_REQUIRED"
    SHIPPING_METHOD_NOT_AVAILABLE = "SHIPPING_METHOD_NOT_AVAILABLE"


describe(
    OrderErrorCode,
    {
        OrderErrorCode.EMPTY_ORDER: "The order has no lines.",
        OrderErrorCode.INVALID_QUANTITY: "A line's quantity is below 1.",
        OrderErrorCode.DUPLICATE_LINE: (
            "A variant already appears on an earlier line."
        ),
        OrderErrorCode.UNKNOWN_VARIANT: "No variant has this ID.",
        OrderErrorCode.NOT_PUBLISHED: "The variant's product is not for sale.",
        OrderErrorCode.INSUFFICIENT_STOCK: (
            "Fewer units are available than asked; the message says how many."
        ),
        OrderErrorCode.MIXED_CURRENCY: (
            "The products are sold in different currencies."
        ),
        OrderErrorCode.INVALID_ADDRESS: (
            "A shipping address field is blank, too long, or (country) not an "
            "ISO 3166-1 alpha-2 code."
        ),
        OrderErrorCode.LINE_LIMIT_EXCEEDED: (
            "A line asks for more than {ORDERS_MAX_UNITS_PER_LINE} units."
        ),
        OrderErrorCode.OPEN_UNITS_LIMIT_EXCEEDED: (
            "The customer's unpaid orders would hold more than "
            "{ORDERS_MAX_OPEN_UNITS_PER_CUSTOMER} units ("
            "{ORDERS_MAX_OPEN_UNITS_UNVERIFIED} for an unverified email, where "
            "allowed). Orders the customer cancelled or let expire count until "
            "their payment window plus a cool-down has passed."
        ),
        OrderErrorCode.CUSTOMER_NOT_FOUND: "The signed-in account is no longer active.",
        OrderErrorCode.ORDER_NOT_FOUND: (
            "No order has this ID, or it belongs to another customer (the two "
            "are indistinguishable)."
        ),
        OrderErrorCode.ILLEGAL_TRANSITION: (
            "The order's status does not allow this (e.g. cancelling a paid order)."
        ),
        OrderErrorCode.NOT_PERMITTED: (
            "The viewer may not do this (an interface answers FORBIDDEN)."
        ),
        OrderErrorCode.STOCK_BUSY: (
            "The items are locked by other orders right now; nothing was written "
            "and the same request (same idempotency key) may be retried."
        ),
        OrderErrorCode.INVALID_TRACKING_NUMBER: (
            "The tracking number is not 4 to 40 letters, digits or hyphens "
            "(spaces are ignored)."
        ),
        OrderErrorCode.INVALID_CARRIER: (
            "The carrier is not 2 to 50 letters, digits, spaces or . & ' - "
            "starting with a letter or digit."
        ),
        OrderErrorCode.TOO_MANY_LINES: (
            "The order has more than {ORDERS_MAX_LINES} lines; nothing else was "
            "checked."
        ),
        OrderErrorCode.EMAIL_NOT_VERIFIED: (
            "The account's email address is not verified, and this shop "
            "reserves stock only for verified accounts."
        ),
        OrderErrorCode.THROTTLED: (
            "The customer placed too many orders recently; the message says "
            "after how many seconds to try again (also in Retry-After)."
        ),
        OrderErrorCode.PRICE_CHANGED: (
            "A variant's price changed since it was put in the checkout; the "
            "message gives the new price. Set the line again "
            "(checkoutLinesUpdate) to accept it."
        ),
        OrderErrorCode.SHIPPING_METHOD_REQUIRED: (
            "Choose one of the checkout's availableShippingMethods first."
        ),
        OrderErrorCode.SHIPPING_METHOD_NOT_AVAILABLE: (
            "The chosen shipping method does not serve this address, basket or "
            "currency (or none does)."
        ),
    },
)


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


class OrderThrottledError(DomainError):
    """The customer placed too many orders recently; nothing was written."""

    retryable = True

    def __init__(self, *, retry_after_seconds: int) -> None:
        super().__init__(
            OrderErrorCode.THROTTLED,
            "Too many orders placed recently. "
            f"Try again in {retry_after_seconds} seconds.",
        )
        self.retry_after_seconds = retry_after_seconds
