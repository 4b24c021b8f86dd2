from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from apps.catalog import models
from apps.demo import catalog, catalog_data
from tests.factories.catalog import ProductFactory

pytestmark = pytest.mark.django_db

PRODUCTS = 50


def seed(*args: str, **options: object) -> str:
    out = StringIO()
    call_command("seed_demo", *args, no_progress=True, stdout=out, **options)
    return out.getvalue()


def catalog_snapshot() -> list[tuple[object, ...]]:
    return list(
        models.Stock.objects.order_by("variant__sku").values_list(
            "variant__sku",
            "variant__size",
            "variant__colour",
            "variant__price_override",
            "variant__product__name",
            "variant__product__slug",
            "variant__product__brand",
            "variant__product__base_price",
            "variant__product__is_published",
            "variant__product__category__slug",
            "quantity_on_hand",
            "quantity_reserved",
        )
    )


def test_creates_the_requested_products_each_with_3_to_6_stocked_variants():
    seed(products=PRODUCTS)

    assert models.Product.objects.count() == PRODUCTS
    for product in models.Product.objects.prefetch_related("variants__stock"):
        variants = list(product.variants.all())
        assert 3 <= len(variants) <= 6
        assert all(variant.stock is not None for variant in variants)


def test_prints_a_one_line_summary():
    output = seed(products=PRODUCTS)

    assert output.count("\n") == 1
    assert f"{PRODUCTS} products" in output


def test_same_seed_gives_identical_data():
    seed(products=PRODUCTS, seed=7)
    first = catalog_snapshot()
    models.Product.objects.all().delete()

    seed(products=PRODUCTS, seed=7)

    assert catalog_snapshot() == first


def test_different_seed_gives_different_data():
    seed(products=PRODUCTS, seed=7)
    first = catalog_snapshot()
    models.Product.objects.all().delete()

    seed(products=PRODUCTS, seed=8)
    second = catalog_snapshot()

    names, prices, stock = slice(4, 5), slice(7, 8), slice(10, 12)
    for field in (names, prices, stock):
        assert [row[field] for row in first] != [row[field] for row in second]


def test_product_generator_does_not_depend_on_the_product_count():
    specs = [catalog_data.product_spec(seed=42, index=i) for i in range(3)]

    assert catalog_data.product_spec(seed=42, index=2) == specs[2]


def test_generator_output_is_pinned_for_seed_42():
    # Fails if a change to catalog_data (or to Python's random) alters the
    # catalog everyone's local database was seeded with.
    spec = catalog_data.product_spec(seed=42, index=0)

    assert (spec.name, spec.brand, spec.base_price, spec.category_slug) == (
        "Kyoto Cable-Knit Jumper",
        "Linden & Hart",
        Decimal("205.00"),
        "women-tops-knitwear",
    )
    assert [
        (v.sku, v.quantity_on_hand, v.quantity_reserved) for v in spec.variants
    ] == [
        ("LDH-42-00001-TRC-M", 103, 0),
        ("LDH-42-00001-TRC-L", 64, 0),
        ("LDH-42-00001-TRC-XL", 24, 0),
    ]


def test_sku_colour_codes_are_unique():
    codes = list(catalog_data.COLOUR_CODES.values())

    assert len(codes) == len(set(codes))


def test_running_twice_creates_no_duplicates():
    seed(products=PRODUCTS)
    before = catalog_snapshot()

    output = seed(products=PRODUCTS)

    assert catalog_snapshot() == before
    assert models.Product.objects.count() == PRODUCTS
    assert models.Category.objects.count() == len(catalog_data.CATEGORIES)
    assert "0 products" in output


def test_larger_count_adds_only_the_missing_products():
    seed(products=PRODUCTS)
    before = dict(models.Product.objects.values_list("slug", "id"))

    result = catalog.demo_catalog_seed(products=PRODUCTS + 20, seed=42)

    assert result.products_created == 20
    assert result.products_existing == PRODUCTS
    assert models.Product.objects.count() == PRODUCTS + 20
    after = dict(models.Product.objects.values_list("slug", "id"))
    assert {slug: after[slug] for slug in before} == before


def test_some_variants_are_sold_out_and_some_nearly():
    seed(products=PRODUCTS)
    stock = models.Stock.objects.alias(
        left=F("quantity_on_hand") - F("quantity_reserved")
    )

    assert stock.filter(left=0).exists()
    assert stock.filter(left__range=(1, 5)).exists()
    assert stock.filter(left__gt=5).count() > stock.count() / 2
    assert stock.filter(quantity_reserved__gt=0).exists()


def test_stock_never_reserves_more_than_on_hand():
    seed(products=PRODUCTS)

    assert models.Stock.objects.count() == models.ProductVariant.objects.count()
    assert not models.Stock.objects.filter(
        quantity_reserved__gt=F("quantity_on_hand")
    ).exists()


def test_category_tree_has_a_depth_of_at_least_two():
    seed(products=PRODUCTS)

    assert models.Category.objects.filter(parent__parent__isnull=False).exists()
    assert models.Category.objects.filter(parent__isnull=True).count() >= 3


def test_products_are_filed_under_leaf_categories():
    seed(products=PRODUCTS)

    assert not models.Product.objects.filter(category__children__isnull=False).exists()


def test_prices_are_usd_with_two_decimal_places():
    seed(products=PRODUCTS)

    products = models.Product.objects.all()
    assert {product.currency for product in products} == {"USD"}
    assert all(
        product.base_price == product.base_price.quantize(Decimal("0.01"))
        and product.base_price > 0
        for product in products
    )


def test_most_products_are_published_and_a_few_are_not():
    seed(products=200)

    unpublished = models.Product.objects.filter(is_published=False).count()

    assert 0 < unpublished < 200 * 0.2


def test_created_at_is_spread_over_the_past_year():
    started = timezone.now()

    seed(products=PRODUCTS)

    created = list(models.Product.objects.values_list("created_at", flat=True))
    assert all(started - timedelta(days=366) <= when <= started for when in created)
    assert max(created) - min(created) > timedelta(days=180)


def test_if_empty_skips_when_products_exist():
    ProductFactory.create()

    output = seed("--if-empty", products=PRODUCTS)

    assert models.Product.objects.count() == 1
    assert "not seeded" in output


def test_if_empty_seeds_an_empty_catalog():
    seed("--if-empty", products=PRODUCTS)

    assert models.Product.objects.count() == PRODUCTS


def test_rejects_a_negative_product_count():
    with pytest.raises(ValueError, match="products and seed must be >= 0"):
        catalog.demo_catalog_seed(products=-1, seed=42)
