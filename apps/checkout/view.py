"""A checkout as its buyer sees it: lines at today's prices, totals, offers, problems.

Computed on every read, never stored: prices, stock, rates and vouchers may
change between two reads, and the read must say so. `problems` is what
`checkout_complete` would refuse now, so a storefront can show it before the
buyer presses the button. A constant number of queries at any size.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from apps.catalog import stock
from apps.checkout.errors import CheckoutErrorCode
from apps.checkout.models import Checkout, CheckoutLine
from apps.core.addresses import Address
from apps.orders.errors import ErrorDetail, OrderErrorCode
from apps.orders.services.addresses import address_problems
from apps.orders.services.placement import LineInput, basket_lines
from apps.pricing.basket import BasketPrice, basket_price
from apps.pricing.totals import PricedLine


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckoutLineView:
    """One line: its variant as sold today, and its share of the totals."""

    id: int
    variant_id: int
    quantity: int
    price_seen: Decimal  # the price the buyer agreed to
    variant: stock.SaleVariant
    priced: PricedLine


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckoutView:
    """Everything a read of a checkout returns."""

    checkout: Checkout
    currency: str
    lines: tuple[CheckoutLineView, ...]
    price: BasketPrice
    problems: tuple[ErrorDetail, ...]

    @property
    def shipping_address(self) -> Address | None:
        data = self.checkout.shipping_address
        return Address(**data) if data else None


def checkout_view(checkout: Checkout, *, now: datetime | None = None) -> CheckoutView:
    """Price the checkout now and list what blocks its completion."""
    now = now or timezone.now()
    rows = list(CheckoutLine.objects.filter(checkout=checkout).order_by("id"))
    variants = stock.sale_variants_by_ids(row.variant_id for row in rows)
    rows = [row for row in rows if row.variant_id in variants]
    # An empty checkout's zero totals are in the shop's currency; a checkout
    # takes its lines' currency as soon as it has one.
    currency = variants[rows[0].variant_id].currency if rows else settings.SHOP_CURRENCY
    address = checkout.shipping_address
    price = basket_price(
        lines=basket_lines(
            [LineInput(variant_id=r.variant_id, quantity=r.quantity) for r in rows],
            variants,
        ),
        currency=currency,
        country=address["country"] if address else None,
        now=now,
        shipping_method_id=checkout.shipping_method_id,
        voucher_code=checkout.voucher_code,
    )
    lines = tuple(
        CheckoutLineView(
            id=row.pk,
            variant_id=row.variant_id,
            quantity=row.quantity,
            price_seen=row.price_seen,
            variant=variants[row.variant_id],
            priced=priced,
        )
        for row, priced in zip(rows, price.totals.lines, strict=True)
    )
    view = CheckoutView(
        checkout=checkout, currency=currency, lines=lines, price=price, problems=()
    )
    return replace(view, problems=tuple(_problems(view)))


def _problems(view: CheckoutView) -> list[ErrorDetail]:
    """What completion would refuse now, in the order a buyer fixes them."""
    problems = [*_line_problems(view.lines)]
    checkout = view.checkout
    if not view.lines:
        problems.append(
            ErrorDetail(
                code=OrderErrorCode.EMPTY_ORDER,
                message="The checkout has no lines.",
                field="lines",
            )
        )
    if not checkout.email:
        problems.append(
            ErrorDetail(
                code=CheckoutErrorCode.EMAIL_REQUIRED,
                message="Give the email the order is sent to.",
                field="email",
            )
        )
    address = view.shipping_address
    if address is None:
        problems.append(
            ErrorDetail(
                code=CheckoutErrorCode.SHIPPING_ADDRESS_REQUIRED,
                message="Set a shipping address.",
                field="shipping_address",
            )
        )
    else:
        problems.extend(address_problems(address))
        problems.extend(_shipping_problems(view))
    if view.price.voucher_error is not None:
        error = view.price.voucher_error
        problems.append(
            ErrorDetail(code=error.code, message=error.message, field="promo_code")
        )
    return problems


def _line_problems(lines: tuple[CheckoutLineView, ...]) -> list[ErrorDetail]:
    problems = []
    for index, line in enumerate(lines):
        at = f"lines.{index}"
        if not line.variant.is_published:
            problems.append(
                ErrorDetail(
                    code=OrderErrorCode.NOT_PUBLISHED,
                    message="This product is no longer for sale.",
                    field=f"{at}.variant_id",
                )
            )
        elif line.variant.available < line.quantity:
            available = max(line.variant.available, 0)
            problems.append(
                ErrorDetail(
                    code=OrderErrorCode.INSUFFICIENT_STOCK,
                    message=f"Only {available} available.",
                    field=f"{at}.quantity",
                )
            )
        if line.price_seen != line.variant.price:
            problems.append(
                ErrorDetail(
                    code=OrderErrorCode.PRICE_CHANGED,
                    message=f"The price is now {line.variant.price} "
                    f"{line.variant.currency}.",
                    field=f"{at}.variant_id",
                )
            )
    return problems


def _shipping_problems(view: CheckoutView) -> list[ErrorDetail]:
    if not view.lines:
        return []
    if not view.price.offers:
        return [
            ErrorDetail(
                code=OrderErrorCode.SHIPPING_METHOD_NOT_AVAILABLE,
                message="No shipping method serves this address.",
                field="shipping_address",
            )
        ]
    if view.checkout.shipping_method_id is None:
        return [
            ErrorDetail(
                code=OrderErrorCode.SHIPPING_METHOD_REQUIRED,
                message="Choose one of the available shipping methods.",
                field="shipping_method_id",
            )
        ]
    if view.price.shipping is None:
        return [
            ErrorDetail(
                code=OrderErrorCode.SHIPPING_METHOD_NOT_AVAILABLE,
                message="The chosen shipping method does not serve this "
                "address or basket; choose another.",
                field="shipping_method_id",
            )
        ]
    return []
