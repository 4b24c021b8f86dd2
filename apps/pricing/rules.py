"""What staff set, read for one address: its tax rates and its shipping offers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from apps.catalog.models import Category
from apps.pricing.models import (
    ShippingMethod,
    ShippingRate,
    ShippingWeightBand,
    ShippingZone,
    TaxRate,
)
from apps.pricing.totals import ZERO


@dataclass(frozen=True, slots=True)
class TaxTable:
    """One country's rates: the standard one and those of categories."""

    standard: Decimal
    by_category: Mapping[int, Decimal]

    def rate_for(self, category_ids: Iterable[int]) -> Decimal:
        """The rate of the nearest category that has one, else the standard."""
        for category_id in category_ids:
            if category_id in self.by_category:
                return self.by_category[category_id]
        return self.standard


def tax_table(country: str) -> TaxTable:
    """The country's rates; a country with none is a no-tax zone (0 %)."""
    standard, by_category = ZERO, {}
    for row in TaxRate.objects.filter(country=country):
        if row.category_id is None:
            standard = row.rate
        else:
            by_category[row.category_id] = row.rate
    return TaxTable(standard=standard, by_category=by_category)


def category_lineage(category_id: int) -> tuple[int, ...]:
    """The category and its ancestors, nearest first (a reduced rate is inherited)."""
    return category_lineages([category_id])[category_id]


def category_lineages(category_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Each category's lineage (itself, then its ancestors), one query for all."""
    wanted = set(category_ids)
    if not wanted:
        return {}
    parents = dict(Category.objects.values_list("id", "parent_id"))
    lineages = {}
    for category_id in wanted:
        lineage: list[int] = []
        current: int | None = category_id
        while current is not None and current not in lineage:
            lineage.append(current)
            current = parents.get(current)
        lineages[category_id] = tuple(lineage)
    return lineages


@dataclass(frozen=True, slots=True, kw_only=True)
class ShippingOffer:
    """A method that serves the address, priced for this basket."""

    method_id: int
    name: str
    zone: str
    price: Decimal
    min_days: int
    max_days: int


def shipping_offers(
    *, country: str, currency: str, subtotal: Decimal, weight_grams: int = 0
) -> list[ShippingOffer]:
    """The active methods of the zones holding `country` that price `currency`.

    `subtotal` is the basket after discounts: a rate with `free_above` at or
    below it costs nothing. A method with weight bands in the currency is
    priced by the lightest band holding `weight_grams`, and left out when
    none does. Cheapest first.
    """
    # Zones are few and their countries a JSON list: filtered here, the same
    # on SQLite (no JSON containment) and PostgreSQL.
    zones = [z.pk for z in ShippingZone.objects.all() if country in z.countries]
    methods = (
        ShippingMethod.objects.filter(zone_id__in=zones, is_active=True)
        .select_related("zone")
        .prefetch_related("rates", "weight_bands")
    )
    offers = []
    for method in methods:
        price = _method_price(method, currency, subtotal, weight_grams)
        if price is None:
            continue
        offers.append(
            ShippingOffer(
                method_id=method.pk,
                name=method.name,
                zone=method.zone.name,
                price=price,
                min_days=method.min_days,
                max_days=method.max_days,
            )
        )
    return sorted(
        offers, key=lambda offer: (offer.price, offer.max_days, offer.method_id)
    )


def _method_price(
    method: ShippingMethod, currency: str, subtotal: Decimal, weight_grams: int
) -> Decimal | None:
    """The method's price for this basket, or None when it cannot ship it."""
    rate: ShippingRate | None = next(
        (r for r in method.rates.all() if r.currency == currency), None
    )
    if rate is None:
        return None
    bands: list[ShippingWeightBand] = [
        b for b in method.weight_bands.all() if b.currency == currency
    ]
    price: Decimal = rate.price
    if bands:
        band = next((b for b in bands if weight_grams <= b.up_to_grams), None)
        if band is None:
            return None  # heavier than its heaviest band
        price = band.price
    if rate.free_above is not None and subtotal >= rate.free_above:
        return ZERO
    return price


def prices_include_tax() -> bool:
    """Whether catalog prices are entered gross (PRICES_INCLUDE_TAX)."""
    return bool(settings.PRICES_INCLUDE_TAX)
