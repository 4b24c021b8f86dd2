"""Which shipping methods serve an address, at what price; which tax rate applies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.catalog.models import Category
from apps.pricing.models import (
    ShippingMethod,
    ShippingRate,
    ShippingWeightBand,
    ShippingZone,
    TaxRate,
)
from apps.pricing.rules import category_lineage, shipping_offers, tax_table

pytestmark = pytest.mark.django_db
D = Decimal


def _method(zone: ShippingZone, name: str, price: str, free_above: str | None = None):
    method = ShippingMethod.objects.create(zone=zone, name=name, min_days=1, max_days=3)
    ShippingRate.objects.create(
        method=method,
        currency="GBP",
        price=D(price),
        free_above=D(free_above) if free_above else None,
    )
    return method


def test_only_the_methods_of_zones_holding_the_country_are_offered():
    uk = ShippingZone.objects.create(name="United Kingdom", countries=["GB"])
    eu = ShippingZone.objects.create(name="Europe", countries=["DE", "FR"])
    _method(uk, "Royal Mail", "3.99")
    _method(eu, "DHL", "9.99")

    offers = shipping_offers(country="GB", currency="GBP", subtotal=D("20.00"))

    assert [(o.name, o.price) for o in offers] == [("Royal Mail", D("3.99"))]


def test_a_method_is_free_from_its_threshold_on():
    uk = ShippingZone.objects.create(name="United Kingdom", countries=["GB"])
    _method(uk, "Standard", "3.99", free_above="50.00")

    below = shipping_offers(country="GB", currency="GBP", subtotal=D("49.99"))
    at = shipping_offers(country="GB", currency="GBP", subtotal=D("50.00"))

    assert (below[0].price, at[0].price) == (D("3.99"), D("0.00"))


def test_a_method_without_a_price_in_the_currency_is_not_offered():
    uk = ShippingZone.objects.create(name="United Kingdom", countries=["GB"])
    _method(uk, "Standard", "3.99")

    assert shipping_offers(country="GB", currency="USD", subtotal=D("10.00")) == []


def test_a_category_rate_covers_its_subcategories_and_others_get_the_standard():
    children = Category.objects.create(name="Children", slug="children")
    shoes = Category.objects.create(
        name="Kids' shoes", slug="kids-shoes", parent=children
    )
    women = Category.objects.create(name="Women", slug="women")
    TaxRate.objects.create(country="GB", rate=D("20"))
    TaxRate.objects.create(country="GB", category=children, rate=D("0"))

    table = tax_table("GB")

    assert table.rate_for(category_lineage(shoes.pk)) == D("0")
    assert table.rate_for(category_lineage(women.pk)) == D("20")
    assert tax_table("US").rate_for(category_lineage(women.pk)) == D("0")


def test_a_zone_needs_real_country_codes():
    zone = ShippingZone(name="Nowhere", countries=["UK"])

    with pytest.raises(ValidationError):
        zone.full_clean()


def _banded(zone: ShippingZone) -> ShippingMethod:
    method: ShippingMethod = _method(zone, "Parcel", "5.00", free_above="100.00")
    for up_to, price in ((1000, "5.00"), (5000, "9.00")):
        ShippingWeightBand.objects.create(
            method=method, currency="GBP", up_to_grams=up_to, price=D(price)
        )
    return method


@pytest.mark.parametrize(
    ("grams", "price"), [(0, "5.00"), (1000, "5.00"), (1001, "9.00"), (5000, "9.00")]
)
def test_weight_bands_price_the_basket_by_its_weight(grams, price):
    _banded(ShippingZone.objects.create(name="United Kingdom", countries=["GB"]))

    (offer,) = shipping_offers(
        country="GB", currency="GBP", subtotal=D("20.00"), weight_grams=grams
    )

    assert offer.price == D(price)


def test_a_basket_heavier_than_every_band_is_not_offered_the_method():
    _banded(ShippingZone.objects.create(name="United Kingdom", countries=["GB"]))

    assert (
        shipping_offers(
            country="GB", currency="GBP", subtotal=D("20.00"), weight_grams=5001
        )
        == []
    )


def test_free_above_still_applies_to_a_banded_method():
    _banded(ShippingZone.objects.create(name="United Kingdom", countries=["GB"]))

    (offer,) = shipping_offers(
        country="GB", currency="GBP", subtotal=D("100.00"), weight_grams=3000
    )

    assert offer.price == D("0.00")
