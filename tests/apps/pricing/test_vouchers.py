"""Vouchers: what staff may create, when a basket may use one, and how it is shared."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.pricing.errors import VoucherError, VoucherErrorCode
from apps.pricing.models import DiscountType, Voucher, VoucherUse
from apps.pricing.vouchers import (
    VoucherSpec,
    discounts_split,
    voucher_create,
    voucher_use,
)

pytestmark = pytest.mark.django_db
D = Decimal


def _spec(**fields) -> VoucherSpec:
    defaults = {
        "code": "welcome10",
        "discount_type": DiscountType.PERCENTAGE,
        "value": D("10"),
    }
    return VoucherSpec(**{**defaults, **fields})


def _use(code: str = "WELCOME10", email: str = "ada@example.com", **basket):
    basket = {"currency": "GBP", "subtotal": D("50.00"), **basket}
    return voucher_use(code=code, email=email, customer_id=None, **basket)


def test_a_code_is_stored_in_capitals_and_unique_in_any_case():
    voucher_create(_spec())

    with pytest.raises(VoucherError) as refused:
        voucher_create(_spec(code="Welcome10"))

    assert Voucher.objects.get().code == "WELCOME10"
    assert refused.value.code == VoucherErrorCode.CODE_TAKEN


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"code": "a b"}, VoucherErrorCode.INVALID_CODE),
        ({"value": D("0")}, VoucherErrorCode.INVALID_VALUE),
        ({"value": D("100.01")}, VoucherErrorCode.INVALID_VALUE),
        (
            {"discount_type": DiscountType.FIXED, "value": D("5")},
            VoucherErrorCode.CURRENCY_REQUIRED,
        ),
        ({"usage_limit": 0}, VoucherErrorCode.INVALID_LIMIT),
        (
            {"ends_at": timezone.now() - timedelta(days=1)},
            VoucherErrorCode.INVALID_WINDOW,
        ),
    ],
    ids=[
        "code",
        "zero",
        "over 100 %",
        "fixed without currency",
        "limit 0",
        "ends before start",
    ],
)
def test_a_voucher_that_breaks_a_rule_is_refused_with_its_code(fields, code):
    with pytest.raises(VoucherError) as refused:
        voucher_create(_spec(**fields))

    assert refused.value.code == code
    assert not Voucher.objects.exists()


def test_each_use_is_counted_and_the_last_one_is_refused():
    voucher_create(_spec(usage_limit=2))

    _use(email="a@example.com")
    _use(email="b@example.com")
    with pytest.raises(VoucherError) as refused:
        _use(email="c@example.com")

    assert refused.value.code == VoucherErrorCode.VOUCHER_USED_UP
    assert Voucher.objects.get().uses_left == 0
    assert VoucherUse.objects.count() == 2


def test_a_customer_limit_counts_by_email_in_any_case():
    voucher_create(_spec(usage_limit_per_customer=1))
    _use(email="ada@example.com")

    with pytest.raises(VoucherError) as refused:
        _use(email="ADA@example.com")

    assert refused.value.code == VoucherErrorCode.VOUCHER_LIMIT_PER_CUSTOMER


def test_a_voucher_outside_its_window_is_not_active():
    voucher_create(_spec(starts_at=timezone.now() + timedelta(days=1)))

    with pytest.raises(VoucherError) as refused:
        _use()

    assert refused.value.code == VoucherErrorCode.VOUCHER_NOT_ACTIVE


def test_a_minimum_subtotal_is_in_the_vouchers_currency():
    voucher_create(_spec(minimum_subtotal=D("60.00"), currency="GBP"))

    with pytest.raises(VoucherError) as low:
        _use(subtotal=D("59.99"))
    with pytest.raises(VoucherError) as other:
        _use(subtotal=D("100.00"), currency="EUR")

    assert (low.value.code, other.value.code) == (
        VoucherErrorCode.MINIMUM_NOT_MET,
        VoucherErrorCode.WRONG_CURRENCY,
    )


def test_a_percentage_is_taken_from_each_eligible_line():
    voucher = voucher_create(_spec(value=D("10")))

    assert discounts_split(
        voucher, [D("24.99"), D("10.05"), D("8.00")], [True, True, False]
    ) == [
        D("2.50"),
        D("1.01"),  # 1.005, half-up
        D("0.00"),
    ]


def test_a_fixed_amount_is_shared_to_the_cent():
    voucher = voucher_create(
        _spec(discount_type=DiscountType.FIXED, value=D("10.00"), currency="GBP")
    )

    shares = discounts_split(voucher, [D("10.00"), D("10.00"), D("10.00")], [True] * 3)

    assert sum(shares) == D("10.00")
    assert sorted(shares) == [D("3.33"), D("3.33"), D("3.34")]


def test_a_fixed_amount_never_exceeds_what_it_applies_to():
    voucher = voucher_create(
        _spec(discount_type=DiscountType.FIXED, value=D("50.00"), currency="GBP")
    )

    assert discounts_split(voucher, [D("12.00"), D("5.00")], [True, False]) == [
        D("12.00"),
        D("0.00"),
    ]
