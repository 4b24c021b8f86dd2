"""The demo seeds shipping to GB, DE, NG and US (two methods each) and their tax."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.demo.pricing import demo_pricing_seed
from apps.pricing.models import DiscountType, Voucher
from apps.pricing.rules import shipping_offers, tax_table

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("country", "currency"),
    [("GB", "GBP"), ("DE", "EUR"), ("NG", "NGN"), ("US", "USD")],
)
def test_each_demo_country_is_offered_two_methods(country, currency):
    demo_pricing_seed()

    offers = shipping_offers(country=country, currency=currency, subtotal=Decimal("10"))

    assert [offer.name for offer in offers] == ["Standard", "Express"]


@pytest.mark.parametrize(
    ("country", "rate"),
    [("GB", "20.00"), ("DE", "19.00"), ("NG", "7.50"), ("US", "0.00")],
)
def test_each_demo_country_has_its_standard_tax_rate(country, rate):
    demo_pricing_seed()

    assert tax_table(country).standard == Decimal(rate)


def test_seeding_again_adds_nothing():
    first = demo_pricing_seed()

    assert first > 0
    assert demo_pricing_seed() == 0


def test_welcome10_takes_ten_percent_with_no_usage_limit():
    demo_pricing_seed()

    voucher = Voucher.objects.get(code="WELCOME10")
    assert (voucher.discount_type, voucher.value, voucher.usage_limit) == (
        DiscountType.PERCENTAGE,
        Decimal("10.00"),
        None,
    )
