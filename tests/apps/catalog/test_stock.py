from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalog.models import Stock
from apps.catalog.stock import (
    InsufficientStockError,
    StockErrorCode,
    StockLine,
    sale_product_parts_by_ids,
    sale_variant_parts_by_ids,
    sale_variants_assemble,
    sale_variants_by_ids,
    stock_commit,
    stock_release,
    stock_reserve,
)
from tests.factories.catalog import ProductFactory, VariantFactory, stocked_variant


def _quantities(variant) -> tuple[int, int]:
    row = Stock.objects.get(pk=variant.pk)
    return row.quantity_on_hand, row.quantity_reserved


@pytest.mark.django_db
def test_reserving_holds_units_without_removing_them():
    a, b = stocked_variant(on_hand=5), stocked_variant(on_hand=3, reserved=1)

    stock_reserve(
        lines=[
            StockLine(variant_id=a.pk, quantity=5),
            StockLine(variant_id=b.pk, quantity=2),
        ]
    )

    assert (_quantities(a), _quantities(b)) == ((5, 5), (3, 3))


@pytest.mark.django_db
def test_a_short_line_reserves_nothing_at_all():
    a, b, c = (
        stocked_variant(on_hand=5),
        stocked_variant(on_hand=1),
        VariantFactory.create(),
    )

    with pytest.raises(InsufficientStockError) as excinfo:
        stock_reserve(
            lines=[
                StockLine(variant_id=a.pk, quantity=2),
                StockLine(variant_id=b.pk, quantity=2),
                StockLine(variant_id=c.pk, quantity=1),
            ]
        )

    assert excinfo.value.code == StockErrorCode.INSUFFICIENT_STOCK
    assert excinfo.value.variant_ids == tuple(sorted([b.pk, c.pk]))
    assert (_quantities(a), _quantities(b)) == ((5, 0), (1, 0))


@pytest.mark.django_db
def test_lines_of_one_variant_are_added_together():
    variant = stocked_variant(on_hand=3)

    with pytest.raises(InsufficientStockError):
        stock_reserve(
            lines=[
                StockLine(variant_id=variant.pk, quantity=2),
                StockLine(variant_id=variant.pk, quantity=2),
            ]
        )

    assert _quantities(variant) == (3, 0)


@pytest.mark.django_db
def test_releasing_returns_reserved_units_and_never_goes_below_zero():
    variant = stocked_variant(on_hand=5, reserved=3)

    stock_release(lines=[StockLine(variant_id=variant.pk, quantity=2)])
    assert _quantities(variant) == (5, 1)
    stock_release(lines=[StockLine(variant_id=variant.pk, quantity=2)])
    assert _quantities(variant) == (5, 0)


@pytest.mark.django_db
def test_committing_sells_reserved_units():
    variant = stocked_variant(on_hand=5, reserved=3)

    stock_commit(lines=[StockLine(variant_id=variant.pk, quantity=2)])

    assert _quantities(variant) == (3, 1)


@pytest.mark.django_db
def test_committing_more_than_is_reserved_changes_nothing():
    variant = stocked_variant(on_hand=5, reserved=1)

    with pytest.raises(InsufficientStockError):
        stock_commit(lines=[StockLine(variant_id=variant.pk, quantity=2)])

    assert _quantities(variant) == (5, 1)


@pytest.mark.django_db
def test_sale_variants_include_unpublished_ones_with_their_price_and_availability():
    hidden = stocked_variant(
        on_hand=4, reserved=1, product=ProductFactory.create(is_published=False)
    )
    unstocked = VariantFactory.create()

    found = sale_variants_by_ids([hidden.pk, unstocked.pk, 0])

    assert set(found) == {hidden.pk, unstocked.pk}
    assert found[hidden.pk].is_published is False
    assert found[hidden.pk].available == 3
    assert found[hidden.pk].price == hidden.product.base_price
    assert found[unstocked.pk].available == 0


@pytest.mark.django_db
def test_sale_variants_assembled_from_loaded_parts_equal_the_service_read():
    variants = [
        stocked_variant(
            on_hand=4, reserved=1, product=ProductFactory.create(is_published=False)
        ),
        VariantFactory.create(price_override="19.99"),
        stocked_variant(on_hand=2),
    ]
    ids = [variant.pk for variant in variants] + [0]
    parts = sale_variant_parts_by_ids(ids)
    products = sale_product_parts_by_ids(part.product_id for part in parts.values())
    available = {
        row.variant_id: row.quantity_on_hand - row.quantity_reserved
        for row in Stock.objects.filter(variant_id__in=ids)
    }

    assembled = sale_variants_assemble(parts.values(), products, available)

    assert assembled == sale_variants_by_ids(ids)


@pytest.mark.django_db
def test_many_lines_are_reserved_released_and_committed_each_in_one_update():
    variants = [stocked_variant(on_hand=10) for _ in range(5)]
    lines = [StockLine(variant_id=v.pk, quantity=n + 1) for n, v in enumerate(variants)]

    with CaptureQueriesContext(connection) as captured:
        stock_reserve(lines=lines)
    stock_release(lines=lines[:2])
    stock_commit(lines=lines[2:])

    updates = [q for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert [_quantities(v) for v in variants] == [
        (10, 0),
        (10, 0),
        (7, 0),
        (6, 0),
        (5, 0),
    ]
