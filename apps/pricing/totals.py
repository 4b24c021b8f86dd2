"""The one pricing calculation: lines, discounts, shipping and tax into five totals.

Tax is computed per line and rounded half-up to the cent; every total is the
sum of its lines, so what a customer sees line by line adds up. Prices are
entered net or gross by one setting (PRICES_INCLUDE_TAX). Either way the
totals are reported so that

    subtotal - discountTotal + shippingTotal + taxTotal = total

holds to the cent: `subtotal`, `discountTotal` and `shippingTotal` are net of
tax, `taxTotal` is the tax, `total` what is paid. With gross prices, each
line's tax is taken out of its gross amount (rate / (100 + rate)).

Pure functions over Decimals: the caller loads the rates (apps.pricing.rules)
and records what was charged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def cents(amount: Decimal) -> Decimal:
    """`amount` rounded half-up to the cent (0.125 is 0.13, as tax authorities count)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True, kw_only=True)
class LineToPrice:
    """A line as the customer asked for it, with its tax rate and its discount."""

    key: int  # the variant's id: how the caller finds the line again
    unit_price: Decimal  # as entered: net or gross by PRICES_INCLUDE_TAX
    quantity: int
    tax_rate: Decimal  # percent
    discount: Decimal = ZERO  # as entered, never more than the line


@dataclass(frozen=True, slots=True, kw_only=True)
class PricedLine:
    """One line's money, net of tax but for `total`."""

    key: int
    quantity: int
    unit_price: Decimal
    tax_rate: Decimal
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    """The five totals, their lines, and the shipping's own tax."""

    subtotal: Decimal
    discount_total: Decimal
    shipping_total: Decimal
    tax_total: Decimal
    total: Decimal
    shipping_tax: Decimal = ZERO
    lines: tuple[PricedLine, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class _Split:
    net: Decimal
    tax: Decimal


def _split(amount: Decimal, rate: Decimal, *, gross: bool) -> _Split:
    """Tax of an amount entered net or gross, rounded per line."""
    if gross:
        tax = cents(amount * rate / (HUNDRED + rate))
        return _Split(net=amount - tax, tax=tax)
    return _Split(net=amount, tax=cents(amount * rate / HUNDRED))


def line_priced(line: LineToPrice, *, gross: bool) -> PricedLine:
    """One line: its amount, less its discount, split into net and tax."""
    amount = cents(line.unit_price * line.quantity)
    discount = min(cents(line.discount), amount)
    after = _split(amount - discount, line.tax_rate, gross=gross)
    # The discount reported net, the way the subtotal is: the two differ by
    # exactly the net amount charged, so the identity holds per line.
    discount_net = _split(discount, line.tax_rate, gross=gross).net
    return PricedLine(
        key=line.key,
        quantity=line.quantity,
        unit_price=line.unit_price,
        tax_rate=line.tax_rate,
        subtotal=after.net + discount_net,
        discount=discount_net,
        tax=after.tax,
        total=after.net + after.tax,
    )


def totals(
    lines: Sequence[LineToPrice],
    *,
    shipping: Decimal = ZERO,
    shipping_tax_rate: Decimal = ZERO,
    gross: bool,
) -> Totals:
    """Price the lines and the shipping (entered like the prices) into totals."""
    priced = tuple(line_priced(line, gross=gross) for line in lines)
    carriage = _split(cents(shipping), shipping_tax_rate, gross=gross)
    subtotal = sum((line.subtotal for line in priced), ZERO)
    discount = sum((line.discount for line in priced), ZERO)
    tax = sum((line.tax for line in priced), ZERO) + carriage.tax
    total = sum((line.total for line in priced), ZERO) + carriage.net + carriage.tax
    result = Totals(
        subtotal=subtotal,
        discount_total=discount,
        shipping_total=carriage.net,
        tax_total=tax,
        total=total,
        shipping_tax=carriage.tax,
        lines=priced,
    )
    assert subtotal - discount + carriage.net + tax == total, result
    return result
