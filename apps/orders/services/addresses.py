"""Shipping addresses: their fields, their rules, and the country list."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import pycountry

from apps.orders.errors import ErrorDetail, OrderErrorCode


@dataclass(frozen=True, slots=True, kw_only=True)
class ShippingAddress:
    """Where the order ships; `country` is an ISO 3166-1 alpha-2 code."""

    full_name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""
    phone: str = ""


# field -> (required, max length)
_ADDRESS_RULES = {
    "full_name": (True, 200),
    "line1": (True, 200),
    "line2": (False, 200),
    "city": (True, 100),
    "postal_code": (True, 20),
    "country": (True, 2),
    "phone": (False, 32),
}


def address_normalised(address: ShippingAddress) -> ShippingAddress:
    """Return the address with its country code trimmed and in capitals."""
    return replace(address, country=address.country.strip().upper())


def address_problems(address: ShippingAddress) -> list[ErrorDetail]:
    """Return a problem for each blank, over-long or invalid field."""
    details = []
    for name, (required, max_length) in _ADDRESS_RULES.items():
        value: str = getattr(address, name)
        message = None
        if required and not value.strip():
            message = "This field is required."
        elif len(value) > max_length:
            message = f"At most {max_length} characters."
        elif name == "country" and value not in _iso_countries():
            message = "A two-letter ISO 3166-1 country code, e.g. GB."
        if message:
            details.append(
                ErrorDetail(
                    code=OrderErrorCode.INVALID_ADDRESS,
                    message=message,
                    field=f"shipping_address.{name}",
                )
            )
    return details


@cache
def _iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes in use, from pycountry's copy of the standard.

    Neither `UK` (reserved, not assigned: the code is GB) nor user-assigned
    codes such as `ZZ` or `QM` are in it.
    """
    return frozenset(country.alpha_2 for country in pycountry.countries)
