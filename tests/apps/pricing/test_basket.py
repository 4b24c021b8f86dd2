"""basket_price: which lines a voucher discounts, free shipping, refusals, tax by category."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.catalog.models import Category
from apps.demo.pricing import demo_pricing_seed
from apps.pricing.basket import BasketLine, basket_price
from apps.pricing.models import DiscountType, TaxRate
from apps.pricing.vouchers import VoucherSpec, voucher_create
from tests.factories.catalog import ProductFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def tree():
    women = Category.objects.create(name="Women", slug="women")
    shoes = Category.objects.create(name="Shoes", slug="shoes", parent=women)
    kids = Category.objects.create(name="Kids", slug="kids")
    return women, shoes, kids


def _line(variant_id: int, category: Category, price: str, quantity: int = 1):
    return BasketLine(
        variant_id=variant_id,
        product_id=10_000 + variant_id,  # never a real product here
        category_id=category.pk,
        unit_price=D(price),
        quantity=quantity,
    )


def _price(lines, code="", country="GB", method=None):
    return basket_price(
        lines=lines,
        currency="GBP",
        country=country,
        now=timezone.now(),
        voucher_code=code,
        shipping_method_id=method,
    )


def test_a_category_voucher_discounts_only_that_category_and_its_subcategories(tree):
    women, shoes, kids = tree
    voucher_create(
        VoucherSpec(
            code="WOMEN20",
            discount_type=DiscountType.PERCENTAGE,
            value=D("20"),
            category_ids=(women.pk,),
        )
    )

    priced = _price([_line(1, shoes, "50.00"), _line(2, kids, "30.00")], code="women20")

    assert [line.discount for line in priced.totals.lines] == [D("10.00"), D("0.00")]


def test_a_product_voucher_discounts_only_that_product(tree):
    _, shoes, kids = tree
    product = ProductFactory.create()
    voucher_create(
        VoucherSpec(
            code="ONEPRODUCT",
            discount_type=DiscountType.FIXED,
            value=D("5.00"),
            currency="GBP",
            product_ids=(product.pk,),
        )
    )
    mine = BasketLine(
        variant_id=1,
        product_id=product.pk,
        category_id=shoes.pk,
        unit_price=D("20.00"),
        quantity=1,
    )

    priced = _price([mine, _line(2, kids, "30.00")], code="ONEPRODUCT")

    assert [line.discount for line in priced.totals.lines] == [D("5.00"), D("0.00")]


def test_a_free_shipping_voucher_zeroes_the_shipping(tree):
    demo_pricing_seed()
    _, shoes, _ = tree
    voucher_create(
        VoucherSpec(code="SHIPFREE", discount_type=DiscountType.FREE_SHIPPING)
    )
    lines = [_line(1, shoes, "10.00")]
    method = _price(lines).offers[0].method_id

    without = _price(lines, method=method)
    with_code = _price(lines, code="SHIPFREE", method=method)

    assert without.totals.shipping_total > 0
    assert with_code.totals.shipping_total == D("0.00")
    assert with_code.totals.discount_total == D("0.00")


def test_an_expired_voucher_is_refused_and_the_basket_priced_without_it(tree):
    _, shoes, _ = tree
    start = timezone.now() - timedelta(days=10)
    voucher_create(
        VoucherSpec(
            code="OLD",
            discount_type=DiscountType.PERCENTAGE,
            value=D("50"),
            starts_at=start,
            ends_at=start + timedelta(days=1),
        )
    )

    priced = _price([_line(1, shoes, "10.00")], code="OLD")

    assert priced.voucher is None
    assert priced.voucher_error is not None
    assert priced.voucher_error.code == "VOUCHER_NOT_ACTIVE"
    assert priced.totals.discount_total == D("0.00")


def test_a_reduced_rate_for_a_category_is_inherited_by_its_subcategories(tree):
    women, shoes, kids = tree
    TaxRate.objects.create(country="GB", category=None, rate=D("20"))
    TaxRate.objects.create(country="GB", category=women, rate=D("5"))

    priced = _price([_line(1, shoes, "100.00"), _line(2, kids, "100.00")])

    assert [line.tax for line in priced.totals.lines] == [D("5.00"), D("20.00")]


def test_an_unknown_country_is_a_no_tax_zone_with_no_shipping_offers(tree):
    _, shoes, _ = tree
    TaxRate.objects.create(country="GB", category=None, rate=D("20"))

    priced = _price([_line(1, shoes, "100.00")], country="JP")

    assert priced.totals.tax_total == D("0.00")
    assert priced.offers == ()
