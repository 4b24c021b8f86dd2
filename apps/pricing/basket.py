"""Price a basket for an address: offers, voucher, tax and the five totals.

The one place checkout reads, order placement, emails and reports get their
money from: it loads the rates (apps.pricing.rules), shares a voucher's
discount between the lines (apps.pricing.vouchers) and sums them
(apps.pricing.totals). It reads and never writes: a voucher's use is counted
by `voucher_use` when an order is placed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from apps.pricing import rules
from apps.pricing.errors import VoucherError, VoucherErrorCode
from apps.pricing.models import DiscountType, Voucher
from apps.pricing.totals import ZERO, LineToPrice, Totals, cents, totals
from apps.pricing.vouchers import discounts_split, voucher_check


@dataclass(frozen=True, slots=True, kw_only=True)
class BasketLine:
    """A line to price: the variant's own facts and how many."""

    variant_id: int
    product_id: int
    category_id: int | None
    unit_price: Decimal
    quantity: int
    weight_grams: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class BasketPrice:
    """What the basket costs, and what could not be applied and why."""

    totals: Totals
    offers: tuple[rules.ShippingOffer, ...]
    shipping: rules.ShippingOffer | None  # the chosen method, if it is offered
    voucher: Voucher | None  # applied; None when absent or refused
    voucher_error: VoucherError | None  # why a given code was refused


def basket_price(
    *,
    lines: Sequence[BasketLine],
    currency: str,
    country: str | None,
    now: datetime,
    shipping_method_id: int | None = None,
    voucher_code: str = "",
    with_offers: bool = True,
) -> BasketPrice:
    """Price the lines shipped to `country` (None: not known yet, no tax).

    A refused voucher prices the basket without it and says why; a method
    not offered for the address prices no shipping (`shipping` is None).
    `with_offers=False` skips shipping altogether (orderCreate has none).
    """
    amounts = [cents(line.unit_price * line.quantity) for line in lines]
    voucher, voucher_error = _voucher(voucher_code, currency, sum(amounts, ZERO), now)
    discounts = (
        discounts_split(voucher, amounts, _eligible(voucher, lines))
        if voucher is not None
        else [ZERO] * len(lines)
    )
    after_discount = sum(amounts, ZERO) - sum(discounts, ZERO)
    offers = (
        tuple(
            rules.shipping_offers(
                country=country,
                currency=currency,
                subtotal=after_discount,
                weight_grams=sum(line.weight_grams * line.quantity for line in lines),
            )
        )
        if country and with_offers
        else ()
    )
    chosen = next((o for o in offers if o.method_id == shipping_method_id), None)
    free = voucher is not None and voucher.discount_type == DiscountType.FREE_SHIPPING
    table = rules.tax_table(country) if country else rules.TaxTable(ZERO, {})
    # Only a category's own rate needs the tree: one read of it, else none.
    lineages = (
        rules.category_lineages(
            line.category_id for line in lines if line.category_id is not None
        )
        if table.by_category
        else {}
    )
    priced = totals(
        [
            LineToPrice(
                key=line.variant_id,
                unit_price=line.unit_price,
                quantity=line.quantity,
                tax_rate=table.rate_for(lineages.get(line.category_id or 0, ())),
                discount=discount,
            )
            for line, discount in zip(lines, discounts, strict=True)
        ],
        shipping=ZERO if chosen is None or free else chosen.price,
        shipping_tax_rate=table.standard,
        gross=rules.prices_include_tax(),
    )
    return BasketPrice(
        totals=priced,
        offers=offers,
        shipping=chosen,
        voucher=voucher,
        voucher_error=voucher_error,
    )


def _voucher(
    code: str, currency: str, subtotal: Decimal, now: datetime
) -> tuple[Voucher | None, VoucherError | None]:
    """The voucher for `code` if this basket may use it now, else why not."""
    if not code:
        return None, None
    voucher = (
        Voucher.objects.filter(code=code.strip().upper())
        .prefetch_related("categories", "products")
        .first()
    )
    if voucher is None:
        return None, VoucherError(
            VoucherErrorCode.VOUCHER_NOT_FOUND, "No voucher has this code."
        )
    try:
        voucher_check(voucher, currency=currency, subtotal=subtotal, now=now)
    except VoucherError as error:
        return None, error
    if voucher.usage_limit is not None and voucher.used >= voucher.usage_limit:
        return None, VoucherError(
            VoucherErrorCode.VOUCHER_USED_UP, "This voucher is used up."
        )
    return voucher, None


def _eligible(voucher: Voucher, lines: Sequence[BasketLine]) -> list[bool]:
    """Which lines the voucher applies to: all, or its products and categories.

    A chosen category covers its subcategories.
    """
    products = {p.pk for p in voucher.products.all()}
    categories = {c.pk for c in voucher.categories.all()}
    if not products and not categories:
        return [True] * len(lines)
    lineages = rules.category_lineages(
        line.category_id for line in lines if line.category_id is not None
    )
    return [
        line.product_id in products
        or bool(categories.intersection(lineages.get(line.category_id or 0, ())))
        for line in lines
    ]
