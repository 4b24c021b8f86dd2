"""Vouchers: created by staff, checked against a basket, used exactly once each time.

A use locks the voucher's row, checks every rule again and counts itself, in
the caller's transaction: of buyers racing for the last use, one gets it and
the others VOUCHER_USED_UP, however many there are (tested like the last
units of stock). A database constraint (`used <= usage_limit`) stands behind
the lock.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.catalog.models import Category, Product
from apps.core.money import CURRENCIES, MONEY_MAX
from apps.pricing.errors import VoucherError, VoucherErrorCode
from apps.pricing.models import DiscountType, Voucher, VoucherUse
from apps.pricing.totals import CENT, ZERO, cents

_CODE = re.compile(r"^[A-Z0-9_-]{3,32}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherSpec:
    """What staff ask for (voucherCreate's input)."""

    code: str
    discount_type: DiscountType
    value: Decimal = ZERO
    currency: str = ""
    minimum_subtotal: Decimal | None = None
    usage_limit: int | None = None
    usage_limit_per_customer: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    category_ids: tuple[int, ...] = ()  # none: the whole catalog
    product_ids: tuple[int, ...] = ()


def voucher_create(spec: VoucherSpec) -> Voucher:
    """Create a voucher after checking every rule; the code is stored in capitals.

    Raises:
        VoucherError: INVALID_CODE, CODE_TAKEN, INVALID_VALUE, CURRENCY_REQUIRED,
            INVALID_LIMIT, INVALID_WINDOW, UNKNOWN_SCOPE.
    """
    code = spec.code.strip().upper()
    if not _CODE.match(code):
        raise VoucherError(
            VoucherErrorCode.INVALID_CODE,
            "3 to 32 letters, digits, - or _.",
            field="code",
        )
    _value_check(spec)
    for name in ("usage_limit", "usage_limit_per_customer"):
        limit = getattr(spec, name)
        if limit is not None and limit < 1:
            raise VoucherError(
                VoucherErrorCode.INVALID_LIMIT, "At least 1.", field=name
            )
    starts_at = spec.starts_at or timezone.now()
    if spec.ends_at is not None and spec.ends_at <= starts_at:
        raise VoucherError(
            VoucherErrorCode.INVALID_WINDOW,
            "endsAt must be after startsAt.",
            field="ends_at",
        )
    taken = VoucherError(
        VoucherErrorCode.CODE_TAKEN, "Another voucher has this code.", field="code"
    )
    if Voucher.objects.filter(code=code).exists():
        raise taken
    _scope_check(spec)
    try:
        with transaction.atomic():
            voucher = Voucher.objects.create(
                code=code,
                discount_type=spec.discount_type,
                value=spec.value
                if spec.discount_type != DiscountType.FREE_SHIPPING
                else ZERO,
                currency=spec.currency,
                minimum_subtotal=spec.minimum_subtotal,
                usage_limit=spec.usage_limit,
                usage_limit_per_customer=spec.usage_limit_per_customer,
                starts_at=starts_at,
                ends_at=spec.ends_at,
            )
            voucher.categories.set(spec.category_ids)
            voucher.products.set(spec.product_ids)
            return voucher
    except IntegrityError:  # created meanwhile by another request
        raise taken from None


def _scope_check(spec: VoucherSpec) -> None:
    """Refuse category or product IDs that name nothing."""
    for name, kind, model, ids in (
        ("categories", "category", Category, spec.category_ids),
        ("products", "product", Product, spec.product_ids),
    ):
        found = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        for position, pk in enumerate(ids):
            if pk not in found:
                raise VoucherError(
                    VoucherErrorCode.UNKNOWN_SCOPE,
                    f"No {kind} has this ID.",
                    field=f"{name}.{position}",
                )


def _value_check(spec: VoucherSpec) -> None:
    value = spec.value
    if spec.discount_type == DiscountType.PERCENTAGE and not ZERO < value <= 100:
        raise VoucherError(
            VoucherErrorCode.INVALID_VALUE,
            "More than 0 and at most 100.",
            field="value",
        )
    if spec.discount_type == DiscountType.FIXED and not ZERO < value <= MONEY_MAX:
        raise VoucherError(
            VoucherErrorCode.INVALID_VALUE,
            "More than 0 and within range.",
            field="value",
        )
    if value != cents(value) or value > MONEY_MAX:
        raise VoucherError(
            VoucherErrorCode.INVALID_VALUE, "At most 2 decimals.", field="value"
        )
    if spec.currency and spec.currency not in CURRENCIES:
        raise VoucherError(
            VoucherErrorCode.INVALID_CURRENCY,
            f"One of {', '.join(CURRENCIES)}.",
            field="currency",
        )
    needs_currency = spec.discount_type == DiscountType.FIXED or spec.minimum_subtotal
    if needs_currency and not spec.currency:
        raise VoucherError(
            VoucherErrorCode.CURRENCY_REQUIRED, "Give the currency.", field="currency"
        )
    if (
        spec.minimum_subtotal is not None
        and not ZERO <= spec.minimum_subtotal <= MONEY_MAX
    ):
        raise VoucherError(
            VoucherErrorCode.INVALID_VALUE, "Within range.", field="minimum_subtotal"
        )


def voucher_use(
    *,
    code: str,
    email: str,
    customer_id: int | None,
    currency: str,
    subtotal: Decimal,
    now: datetime | None = None,
) -> Voucher:
    """Count one use of the voucher `code` for this basket, or refuse it.

    Call inside the transaction that records what the voucher paid for: a
    rollback gives the use back.

    Raises:
        VoucherError: VOUCHER_NOT_FOUND, VOUCHER_NOT_ACTIVE, WRONG_CURRENCY,
            MINIMUM_NOT_MET, VOUCHER_USED_UP, VOUCHER_LIMIT_PER_CUSTOMER.
    """
    now = now or timezone.now()
    with transaction.atomic():
        voucher = (
            Voucher.objects.select_for_update()
            .filter(code=code.strip().upper())
            .first()
        )
        if voucher is None:
            raise VoucherError(
                VoucherErrorCode.VOUCHER_NOT_FOUND, "No voucher has this code."
            )
        voucher_check(voucher, currency=currency, subtotal=subtotal, now=now)
        if voucher.usage_limit is not None and voucher.used >= voucher.usage_limit:
            raise VoucherError(
                VoucherErrorCode.VOUCHER_USED_UP, "This voucher is used up."
            )
        normalised = email.strip().lower()
        per_customer = voucher.usage_limit_per_customer
        if (
            per_customer is not None
            and VoucherUse.objects.filter(voucher=voucher, email=normalised).count()
            >= per_customer
        ):
            raise VoucherError(
                VoucherErrorCode.VOUCHER_LIMIT_PER_CUSTOMER,
                "You have used this voucher as often as it allows.",
            )
        VoucherUse.objects.create(
            voucher=voucher, email=normalised, customer_id=customer_id, created_at=now
        )
        Voucher.objects.filter(pk=voucher.pk).update(used=F("used") + 1)
        voucher.used += 1
    return voucher


def voucher_check(
    voucher: Voucher, *, currency: str, subtotal: Decimal, now: datetime
) -> None:
    """Refuse a voucher this basket cannot use now (limits aside).

    Raises:
        VoucherError: VOUCHER_NOT_ACTIVE, WRONG_CURRENCY, MINIMUM_NOT_MET.
    """
    if now < voucher.starts_at or (
        voucher.ends_at is not None and now >= voucher.ends_at
    ):
        raise VoucherError(
            VoucherErrorCode.VOUCHER_NOT_ACTIVE, "This voucher is not valid now."
        )
    priced_in_currency = (
        voucher.discount_type == DiscountType.FIXED or voucher.minimum_subtotal
    )
    if priced_in_currency and voucher.currency and voucher.currency != currency:
        raise VoucherError(
            VoucherErrorCode.WRONG_CURRENCY,
            f"This voucher is for {voucher.currency} baskets.",
        )
    if voucher.minimum_subtotal is not None and subtotal < voucher.minimum_subtotal:
        raise VoucherError(
            VoucherErrorCode.MINIMUM_NOT_MET,
            f"Spend at least {voucher.minimum_subtotal} {voucher.currency} to use it.",
        )


def discounts_split(
    voucher: Voucher, amounts: Sequence[Decimal], eligible: Sequence[bool]
) -> list[Decimal]:
    """Each line's share of the voucher's discount, in cents, summing exactly.

    A percentage is taken from each eligible line, rounded half-up. A fixed
    amount (at most the eligible total) is shared in proportion, rounded
    down, the cents left over going to the lines that lost most to rounding.
    Free shipping discounts no line.
    """
    if voucher.discount_type == DiscountType.PERCENTAGE:
        return [
            cents(amount * voucher.value / 100) if ok else ZERO
            for amount, ok in zip(amounts, eligible, strict=True)
        ]
    if voucher.discount_type != DiscountType.FIXED:
        return [ZERO] * len(amounts)
    base = sum((a for a, ok in zip(amounts, eligible, strict=True) if ok), ZERO)
    if base == ZERO:
        return [ZERO] * len(amounts)
    off = min(voucher.value, base)
    exact = [
        off * a / base if ok else ZERO for a, ok in zip(amounts, eligible, strict=True)
    ]
    shares = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    left = int((off - sum(shares, ZERO)) / CENT)
    by_loss = sorted(range(len(shares)), key=lambda n: (shares[n] - exact[n], n))
    for n in by_loss[:left]:
        shares[n] += CENT
    return shares
