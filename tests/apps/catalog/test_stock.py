from __future__ import annotations

import pytest

from apps.catalog.models import Stock
from apps.catalog.stock import (
    InsufficientStockError,
    StockErrorCode,
    StockLine,
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
