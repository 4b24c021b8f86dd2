"""Orders are counted by currency when their transaction commits, never before."""

from __future__ import annotations

import pytest
from django.db import transaction

from apps.core.money import CURRENCIES
from tests.factories.orders import placed_order
from tests.support.metrics import sample

pytestmark = pytest.mark.django_db
PLACED = "fashionistar_orders_placed_total"
AMOUNT = "fashionistar_orders_placed_amount_total"


def _counts() -> dict[str, float]:
    return {currency: sample(PLACED, currency=currency) for currency in CURRENCIES}


def test_a_placed_order_is_counted_with_its_total_once_committed(
    django_capture_on_commit_callbacks,
):
    before = _counts()
    amounts = {currency: sample(AMOUNT, currency=currency) for currency in CURRENCIES}

    with django_capture_on_commit_callbacks(execute=True):
        order = placed_order()

    assert _counts() == {**before, order.currency: before[order.currency] + 1}
    assert sample(AMOUNT, currency=order.currency) == pytest.approx(
        amounts[order.currency] + float(order.total)
    )


def test_an_order_rolled_back_is_not_counted(django_capture_on_commit_callbacks):
    before = _counts()

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                placed_order()
                raise RuntimeError("the caller fails after placing")
        except RuntimeError:
            pass

    assert _counts() == before
