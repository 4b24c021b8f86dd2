"""Postal addresses: their fields, their rules, and the country list.

One shape for every address the shop keeps: an order's shipping address and
the ones a customer saves in their address book.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import pycountry


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """A postal address; `country` is an ISO 3166-1 alpha-2 code."""

    full_name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""
    phone: str = ""


# field -> (required, max length); the address book's columns use these too.
ADDRESS_RULES = {
    "full_name": (True, 200),
    "line1": (True, 200),
    "line2": (False, 200),
    "city": (True, 100),
    "postal_code": (True, 20),
    "country": (True, 2),
    "phone": (False, 32),
}


def address_normalised(address: Address) -> Address:
    """Return the address with its country code trimmed and in capitals."""
    return replace(address, country=address.country.strip().upper())


def address_field_problems(address: Address) -> list[tuple[str, str]]:
    """Return (field, message) for each blank, over-long or invalid field."""
    problems = []
    for name, (required, max_length) in ADDRESS_RULES.items():
        value: str = getattr(address, name)
        if required and not value.strip():
            problems.append((name, "This field is required."))
        elif len(value) > max_length:
            problems.append((name, f"At most {max_length} characters."))
        elif name == "country" and value not in iso_countries():
            problems.append((name, "A two-letter ISO 3166-1 country code, e.g. GB."))
    return problems


@cache
def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes in use, from pycountry's copy of the standard.

    Neither `UK` (reserved, not assigned: the code is GB) nor user-assigned
    codes such as `ZZ` or `QM` are in it.
    """
    return frozenset(country.alpha_2 for country in pycountry.countries)
