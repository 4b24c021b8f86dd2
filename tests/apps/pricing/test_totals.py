"""Totals computed by hand, to the cent: UK 20 %, DE 19 %, NG 7.5 %, no tax.

Two lines (2 x 24.99 and 1 x 10.00) and 4.99 shipping, prices net unless
said otherwise; tax per line, half-up to the cent.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.pricing.totals import LineToPrice, cents, line_priced, totals

D = Decimal


def _basket(rate: str) -> list[LineToPrice]:
    return [
        LineToPrice(key=1, unit_price=D("24.99"), quantity=2, tax_rate=D(rate)),
        LineToPrice(key=2, unit_price=D("10.00"), quantity=1, tax_rate=D(rate)),
    ]


@pytest.mark.parametrize(
    ("rate", "line_taxes", "shipping_tax", "tax_total", "total"),
    [
        # 49.98 x 20 % = 9.996 -> 10.00; 10.00 -> 2.00; 4.99 -> 0.998 -> 1.00
        ("20", ["10.00", "2.00"], "1.00", "13.00", "77.97"),
        # 49.98 x 19 % = 9.4962 -> 9.50; 1.90; 4.99 -> 0.9481 -> 0.95
        ("19", ["9.50", "1.90"], "0.95", "12.35", "77.32"),
        # 49.98 x 7.5 % = 3.7485 -> 3.75; 0.75; 4.99 -> 0.37425 -> 0.37
        ("7.5", ["3.75", "0.75"], "0.37", "4.87", "69.84"),
        # a country without a rate: no tax at all
        ("0", ["0.00", "0.00"], "0.00", "0.00", "64.97"),
    ],
    ids=["GB 20%", "DE 19%", "NG 7.5%", "no tax"],
)
def test_net_prices_get_tax_per_line_rounded_half_up(
    rate, line_taxes, shipping_tax, tax_total, total
):
    result = totals(
        _basket(rate), shipping=D("4.99"), shipping_tax_rate=D(rate), gross=False
    )

    assert [str(line.tax) for line in result.lines] == line_taxes
    assert str(result.shipping_tax) == shipping_tax
    assert (str(result.subtotal), str(result.shipping_total)) == ("59.98", "4.99")
    assert (str(result.tax_total), str(result.total)) == (tax_total, total)


def test_half_a_cent_rounds_up_not_to_even():
    line = LineToPrice(key=1, unit_price=D("3.00"), quantity=1, tax_rate=D("7.5"))

    assert line_priced(line, gross=False).tax == D("0.23")  # 0.225, not 0.22


def test_gross_prices_have_their_tax_taken_out():
    line = LineToPrice(key=1, unit_price=D("24.00"), quantity=1, tax_rate=D("20"))

    result = totals([line], shipping=D("6.00"), shipping_tax_rate=D("20"), gross=True)

    assert (result.subtotal, result.tax_total, result.shipping_total) == (
        D("20.00"),
        D("5.00"),  # 4.00 of the line, 1.00 of the shipping
        D("5.00"),
    )
    assert result.total == D("30.00")  # what the shelf said, plus shipping


def test_a_discount_lowers_the_taxed_amount():
    line = LineToPrice(
        key=1, unit_price=D("50.00"), quantity=2, tax_rate=D("20"), discount=D("10.00")
    )

    result = totals([line], gross=False)

    assert (result.subtotal, result.discount_total) == (D("100.00"), D("10.00"))
    assert (result.tax_total, result.total) == (D("18.00"), D("108.00"))


def test_a_discount_never_exceeds_its_line():
    line = LineToPrice(
        key=1, unit_price=D("5.00"), quantity=1, tax_rate=D("20"), discount=D("9.00")
    )

    result = totals([line], gross=False)

    assert (result.discount_total, result.tax_total, result.total) == (
        D("5.00"),
        D("0.00"),
        D("0.00"),
    )


_money = st.decimals(min_value=D("0.00"), max_value=D("9999.99"), places=2)
_rate = st.sampled_from([D("0"), D("5"), D("7.5"), D("19"), D("20"), D("21")])


@given(
    lines=st.lists(
        st.tuples(_money, st.integers(1, 20), _rate, _money), min_size=1, max_size=8
    ),
    shipping=_money,
    shipping_rate=_rate,
    gross=st.booleans(),
)
def test_the_totals_always_add_up_to_the_cent(lines, shipping, shipping_rate, gross):
    priced = [
        LineToPrice(key=n, unit_price=p, quantity=q, tax_rate=r, discount=d)
        for n, (p, q, r, d) in enumerate(lines)
    ]

    result = totals(
        priced, shipping=shipping, shipping_tax_rate=shipping_rate, gross=gross
    )

    assert (
        result.subtotal
        - result.discount_total
        + result.shipping_total
        + result.tax_total
        == result.total
    )
    assert (
        result.tax_total == sum(line.tax for line in result.lines) + result.shipping_tax
    )
    assert all(amount == cents(amount) for amount in (result.total, result.tax_total))
