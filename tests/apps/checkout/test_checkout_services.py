"""Checkout services: completion, emails, purge, saved addresses, limits."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from apps.accounts.models import Address as SavedAddress
from apps.catalog.models import Stock
from apps.checkout import services
from apps.checkout.errors import CheckoutError, CheckoutErrorCode, CheckoutNotFoundError
from apps.checkout.models import Checkout
from apps.demo.pricing import demo_pricing_seed
from apps.orders import tasks
from apps.orders.errors import OrderValidationError
from apps.orders.services import LineInput
from apps.pricing.models import DiscountType, ShippingMethod
from apps.pricing.vouchers import VoucherSpec, voucher_create
from tests.factories.catalog import stocked_variant
from tests.factories.orders import address, customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    demo_pricing_seed()
    return stocked_variant(on_hand=10, product__base_price=Decimal("50.00"))


def _ready(variant, *, email="guest@example.com", viewer_id=None, code=""):
    checkout = services.checkout_create(
        viewer_id=viewer_id,
        email=email,
        lines=[LineInput(variant_id=variant.pk, quantity=2)],
        shipping_address=address(),
    )
    offers = services.checkout_get(
        token=checkout.token, viewer_id=viewer_id
    ).price.offers
    services.checkout_shipping_method_update(
        token=checkout.token,
        viewer_id=viewer_id,
        shipping_method_id=offers[0].method_id,
    )
    if code:
        services.checkout_promo_code_add(
            token=checkout.token, viewer_id=viewer_id, promo_code=code
        )
    return checkout


def test_the_guest_order_email_breaks_the_totals_down_and_links_the_order(shop):
    checkout = _ready(shop, code="WELCOME10")
    order = services.checkout_complete(
        token=checkout.token, viewer_id=None, idempotency_key="k"
    )

    tasks.order_received_email_send_task.call(order_id=order.pk)

    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["guest@example.com"]
    for label, amount in [
        ("Subtotal", order.subtotal),
        ("Discount (WELCOME10)", -order.discount_total),
        ("Tax", order.tax_total),
        ("Total", order.total),
    ]:
        assert f"{label}: {amount} USD" in body
    assert f"/orders/{checkout.token}" in body


def test_the_order_records_what_was_charged_line_by_line(shop):
    checkout = _ready(shop, code="WELCOME10")

    order = services.checkout_complete(
        token=checkout.token, viewer_id=None, idempotency_key="k"
    )

    line = order.lines.get()
    assert (line.line_total, line.discount, line.tax_rate) == (
        Decimal("100.00"),
        Decimal("10.00"),
        Decimal("20.00"),
    )
    assert line.tax == Decimal("18.00")  # 20 % of 90.00, the line after its discount
    assert (
        order.subtotal - order.discount_total + order.shipping_total + order.tax_total
        == order.total
    )


def test_a_rate_changed_after_the_sale_changes_nothing_sold(shop):
    checkout = _ready(shop)
    order = services.checkout_complete(
        token=checkout.token, viewer_id=None, idempotency_key="k"
    )
    before = order.total

    ShippingMethod.objects.update(is_active=False)
    order.refresh_from_db()

    assert order.total == before


def test_abandoned_checkouts_are_purged_after_the_configured_days(shop):
    old = _ready(shop)
    fresh = _ready(shop)
    Checkout.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - timedelta(days=31)
    )

    with override_settings(CHECKOUT_ABANDONED_DAYS=30):
        purged = services.checkouts_purge()

    assert purged == 1
    assert list(Checkout.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_a_customer_ships_to_a_saved_address(shop):
    buyer = customer()
    saved = SavedAddress.objects.create(
        user=buyer,
        full_name="Grace Hopper",
        line1="1 Navy Way",
        city="Berlin",
        postal_code="10115",
        country="DE",
    )
    checkout = services.checkout_create(
        viewer_id=buyer.pk, email=None, lines=[], shipping_address=None
    )

    services.checkout_shipping_address_update(
        token=checkout.token, viewer_id=buyer.pk, saved_address_id=saved.pk
    )

    view = services.checkout_get(token=checkout.token, viewer_id=buyer.pk)
    assert view.shipping_address is not None
    assert view.shipping_address.country == "DE"
    assert view.checkout.email == buyer.email


def test_another_customers_saved_address_is_not_found(shop):
    owner, other = customer(), customer()
    saved = SavedAddress.objects.create(
        user=owner, full_name="A", line1="B", city="C", postal_code="D", country="GB"
    )
    checkout = services.checkout_create(
        viewer_id=other.pk, email=None, lines=[], shipping_address=None
    )

    with pytest.raises(CheckoutError) as raised:
        services.checkout_shipping_address_update(
            token=checkout.token, viewer_id=other.pk, saved_address_id=saved.pk
        )

    assert raised.value.code == CheckoutErrorCode.ADDRESS_NOT_FOUND


def test_adding_a_variant_already_in_the_checkout_adds_its_units(shop):
    checkout = _ready(shop)

    services.checkout_lines_add(
        token=checkout.token,
        viewer_id=None,
        lines=[LineInput(variant_id=shop.pk, quantity=3)],
    )

    assert checkout.lines.get().quantity == 5


def test_lines_beyond_stock_are_refused_when_added(shop):
    with pytest.raises(OrderValidationError) as raised:
        services.checkout_create(
            viewer_id=None,
            email=None,
            lines=[LineInput(variant_id=shop.pk, quantity=11)],
            shipping_address=None,
        )

    assert [d.code for d in raised.value.details] == ["INSUFFICIENT_STOCK"]


def test_a_completed_checkout_cannot_be_completed_under_another_key(shop):
    checkout = _ready(shop)
    services.checkout_complete(
        token=checkout.token, viewer_id=None, idempotency_key="a"
    )

    with pytest.raises(CheckoutNotFoundError):
        services.checkout_complete(
            token=checkout.token, viewer_id=None, idempotency_key="b"
        )


def test_a_voucher_used_up_since_it_was_added_refuses_completion_and_writes_nothing(
    shop,
):
    voucher_create(
        VoucherSpec(
            code="ONCE",
            discount_type=DiscountType.PERCENTAGE,
            value=Decimal("5"),
            usage_limit=1,
        )
    )
    first = _ready(shop, email="a@example.com", code="ONCE")
    second = _ready(shop, email="b@example.com", code="ONCE")
    services.checkout_complete(token=first.token, viewer_id=None, idempotency_key="k")

    with pytest.raises(OrderValidationError) as raised:
        services.checkout_complete(
            token=second.token, viewer_id=None, idempotency_key="k"
        )

    assert [(d.code, d.field) for d in raised.value.details] == [
        ("VOUCHER_USED_UP", "promo_code")
    ]
    assert Checkout.objects.filter(pk=second.pk).exists()
    assert Stock.objects.get(variant=shop).quantity_reserved == 2  # the first order


def test_an_invalid_email_is_a_typed_error(shop):
    with pytest.raises(CheckoutError) as raised:
        services.checkout_create(
            viewer_id=None, email="not-an-email", lines=[], shipping_address=None
        )

    assert raised.value.code == CheckoutErrorCode.INVALID_EMAIL


def test_adding_zero_units_is_an_invalid_quantity(shop):
    checkout = _ready(shop)

    with pytest.raises(OrderValidationError) as raised:
        services.checkout_lines_add(
            token=checkout.token,
            viewer_id=None,
            lines=[LineInput(variant_id=shop.pk, quantity=0)],
        )

    assert [(d.code, d.field) for d in raised.value.details] == [
        ("INVALID_QUANTITY", "lines.0.quantity")
    ]


def test_a_negative_quantity_in_an_update_is_refused_not_removed(shop):
    checkout = _ready(shop)

    with pytest.raises(OrderValidationError) as raised:
        services.checkout_lines_update(
            token=checkout.token,
            viewer_id=None,
            lines=[LineInput(variant_id=shop.pk, quantity=-1)],
        )

    assert [d.code for d in raised.value.details] == ["INVALID_QUANTITY"]
    assert checkout.lines.get().quantity == 2
