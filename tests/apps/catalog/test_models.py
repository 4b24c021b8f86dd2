from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from apps.catalog import models
from tests.factories.catalog import (
    CategoryFactory,
    ProductFactory,
    StockFactory,
    VariantFactory,
)


@pytest.mark.django_db
def test_stock_cannot_reserve_more_than_is_on_hand():
    variant = VariantFactory.create()

    with pytest.raises(IntegrityError), transaction.atomic():
        StockFactory.create(variant=variant, quantity_on_hand=2, quantity_reserved=3)


@pytest.mark.django_db
def test_a_conditional_update_cannot_push_available_below_zero():
    stock = StockFactory.create(quantity_on_hand=1, quantity_reserved=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        models.Stock.objects.filter(pk=stock.pk).update(
            quantity_reserved=F("quantity_reserved") + 1
        )


@pytest.mark.django_db
def test_product_price_cannot_be_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory.create(base_price=Decimal("-0.01"))


@pytest.mark.django_db
def test_a_product_has_one_variant_per_size_and_colour():
    variant = VariantFactory.create(size="M", colour="Red")

    with pytest.raises(IntegrityError), transaction.atomic():
        VariantFactory.create(product=variant.product, size="M", colour="Red")


@pytest.mark.django_db
def test_skus_are_unique_across_the_catalog():
    VariantFactory.create(sku="DUP-1")

    with pytest.raises(IntegrityError), transaction.atomic():
        VariantFactory.create(sku="DUP-1")


def test_available_is_on_hand_minus_reserved():
    assert models.Stock(quantity_on_hand=7, quantity_reserved=2).available == 5


@pytest.mark.django_db
def test_a_product_takes_no_variant_past_the_bound_the_api_prices():
    product = ProductFactory.create()
    VariantFactory.create_batch(models.MAX_VARIANTS_PER_PRODUCT, product=product)
    extra = models.ProductVariant(product=product, sku="X-1", size="XXL", colour="Teal")

    with pytest.raises(ValidationError, match="at most 50 variants"):
        extra.full_clean()


@pytest.mark.django_db
def test_a_variant_at_the_bound_can_still_be_edited():
    product = ProductFactory.create()
    variants = VariantFactory.create_batch(
        models.MAX_VARIANTS_PER_PRODUCT, product=product
    )

    variants[0].full_clean()


@pytest.mark.django_db
def test_a_category_takes_no_subcategory_past_the_bound_the_api_prices():
    parent = CategoryFactory.create()
    CategoryFactory.create_batch(models.MAX_SUBCATEGORIES, parent=parent)
    extra = models.Category(name="One more", slug="one-more", parent=parent)

    with pytest.raises(ValidationError, match="at most 50 subcategories"):
        extra.full_clean()
