"""Buyers racing for a voucher's last uses, on PostgreSQL: each use counted once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.pricing.errors import VoucherError, VoucherErrorCode
from apps.pricing.models import DiscountType, Voucher, VoucherUse
from apps.pricing.vouchers import VoucherSpec, voucher_create, voucher_use
from tests.apps.core.threads import race

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_ten_buyers_racing_for_three_uses_get_exactly_three(transactional_db):
    voucher_create(
        VoucherSpec(
            code="LAST3",
            discount_type=DiscountType.PERCENTAGE,
            value=Decimal("10"),
            usage_limit=3,
        )
    )

    outcome = race(
        10,
        lambda i: (
            voucher_use(
                code="LAST3",
                email=f"buyer{i}@example.com",
                customer_id=None,
                currency="GBP",
                subtotal=Decimal("40.00"),
            ).pk
        ),
    )

    assert len(outcome.results) == 3
    assert len(outcome.errors) == 7
    assert all(
        isinstance(e, VoucherError) and e.code == VoucherErrorCode.VOUCHER_USED_UP
        for e in outcome.errors.values()
    )
    assert Voucher.objects.get().used == 3
    assert VoucherUse.objects.count() == 3
