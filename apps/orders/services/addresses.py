"""Shipping addresses: the shared address rules (apps.core.addresses), as order errors."""

from __future__ import annotations

from apps.core.addresses import Address, address_field_problems, address_normalised
from apps.orders.errors import ErrorDetail, OrderErrorCode

ShippingAddress = Address

__all__ = ["ShippingAddress", "address_normalised", "address_problems"]


def address_problems(address: ShippingAddress) -> list[ErrorDetail]:
    """Return a problem for each blank, over-long or invalid field."""
    return [
        ErrorDetail(
            code=OrderErrorCode.INVALID_ADDRESS,
            message=message,
            field=f"shipping_address.{name}",
        )
        for name, message in address_field_problems(address)
    ]
