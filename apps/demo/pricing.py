"""Demo shipping, tax and the WELCOME10 voucher: zones for GB, DE (and neighbours), NG, US.

Every method is priced in every currency the shop sells in, so any demo
basket can ship anywhere served; the rates are round numbers, not quotes.
Idempotent: rows are found by name, and missing ones added.
"""

from __future__ import annotations

from decimal import Decimal

from apps.core.money import CURRENCIES
from apps.pricing.models import (
    DiscountType,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    TaxRate,
    Voucher,
)

# zone -> countries; (method, min days, max days, price in units of each
# currency, free above (same units) or None)
_ZONES = {
    "United Kingdom": ["GB"],
    "Germany and neighbours": ["DE", "AT", "NL", "FR"],
    "Nigeria": ["NG"],
    "United States": ["US"],
}
_METHODS = (
    ("Standard", 3, 5, "4.99", "75.00"),
    ("Express", 1, 2, "12.99", None),
)
# NGN prices are in naira: the same numbers would be pennies.
_SCALE = {"EUR": Decimal(1), "GBP": Decimal(1), "USD": Decimal(1), "NGN": Decimal(1500)}
# Standard rates; the United States is a no-tax zone here (sales tax differs
# by state and is out of this demo's scope).
_TAX = {
    "GB": "20.00",
    "DE": "19.00",
    "AT": "20.00",
    "NL": "21.00",
    "FR": "20.00",
    "NG": "7.50",
}


def demo_pricing_seed() -> int:
    """Create the missing demo zones, methods, rates and tax rates; return rows added."""
    added = 0
    for zone_name, countries in _ZONES.items():
        zone, created = ShippingZone.objects.get_or_create(
            name=zone_name, defaults={"countries": countries}
        )
        added += created
        for name, min_days, max_days, price, free_above in _METHODS:
            method, created = ShippingMethod.objects.get_or_create(
                zone=zone,
                name=name,
                defaults={"min_days": min_days, "max_days": max_days},
            )
            added += created
            for currency in CURRENCIES:
                scale = _SCALE[currency]
                _, created = ShippingRate.objects.get_or_create(
                    method=method,
                    currency=currency,
                    defaults={
                        "price": Decimal(price) * scale,
                        "free_above": Decimal(free_above) * scale
                        if free_above
                        else None,
                    },
                )
                added += created
    for country, rate in _TAX.items():
        _, created = TaxRate.objects.get_or_create(
            country=country, category=None, defaults={"rate": Decimal(rate)}
        )
        added += created
    # A welcome code for any basket: 10 % off, no usage limit.
    _, created = Voucher.objects.get_or_create(
        code="WELCOME10",
        defaults={"discount_type": DiscountType.PERCENTAGE, "value": Decimal("10.00")},
    )
    return added + created
