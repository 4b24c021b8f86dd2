from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from apps.catalog.models import Stock
from apps.core.idempotency import IdempotencyError, IdempotencyErrorCode
from apps.core.models import IdempotencyRecord
from apps.orders import models
from apps.orders.errors import OrderErrorCode, OrderValidationError
from apps.orders.services import LineInput, order_place
from apps.orders.status import OrderStatus
from tests.factories.catalog import ProductFactory, VariantFactory, stocked_variant
from tests.factories.orders import address, customer, lines, placed_order

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _row_counts() -> dict[str, int]:
    return {
        "orders": models.Order.objects.count(),
        "lines": models.OrderLine.objects.count(),
        "changes": models.OrderStatusChange.objects.count(),
        "idempotency": IdempotencyRecord.objects.count(),
        "reserved": sum(Stock.objects.values_list("quantity_reserved", flat=True)),
    }


def _place(buyer, items, *, key="key-1", shipping=None, now=NOW):
    return order_place(
        customer_id=buyer.pk,
        lines=items,
        shipping_address=shipping or address(),
        idempotency_key=key,
        now=now,
    )


def _problems(excinfo) -> list[tuple[str, str | None]]:
    return [(d.code, d.field) for d in excinfo.value.details]


@pytest.mark.django_db
def test_places_an_order_awaiting_payment_with_its_stock_reserved(settings):
    settings.ORDERS_PAYMENT_WINDOW = timedelta(minutes=30)
    buyer = customer()
    dress = stocked_variant(
        on_hand=5,
        product=ProductFactory.create(name="Wrap dress", base_price=Decimal("49.90")),
        size="S",
        colour="Red",
    )
    scarf = stocked_variant(on_hand=2, price_override=Decimal("15.00"))

    order = _place(buyer, lines((dress, 2), (scarf, 1)))

    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.customer_id == buyer.pk
    assert order.currency == "USD"
    assert order.subtotal == Decimal("114.80")
    assert order.shipping_total == Decimal("0.00")
    assert order.total == Decimal("114.80")
    assert order.expires_at == NOW + timedelta(minutes=30)
    assert order.idempotency_key == "key-1"
    assert order.shipping_address["city"] == "London"
    assert order.number.startswith("FS-")
    assert len(order.number) == 14
    first, second = order.lines.order_by("id")
    assert (first.variant_id, first.quantity) == (dress.pk, 2)
    assert (first.product_name, first.size, first.colour) == ("Wrap dress", "S", "Red")
    assert first.variant_sku == dress.sku
    assert (first.unit_price, first.line_total) == (Decimal("49.90"), Decimal("99.80"))
    assert (second.unit_price, second.line_total) == (
        Decimal("15.00"),
        Decimal("15.00"),
    )
    assert Stock.objects.get(pk=dress.pk).quantity_reserved == 2
    assert Stock.objects.get(pk=scarf.pk).quantity_reserved == 1
    change = models.OrderStatusChange.objects.get(order=order)
    assert (change.from_status, change.to_status) == ("", OrderStatus.PENDING_PAYMENT)
    assert change.actor_id == buyer.pk
    assert change.created_at == NOW


@pytest.mark.django_db
def test_the_snapshot_keeps_the_price_and_name_paid_at_purchase():
    variant = stocked_variant(price_override=Decimal("20.00"))
    order = _place(customer(), lines((variant, 1)))

    variant.price_override = Decimal("99.00")
    variant.save()
    variant.product.name = "Renamed"
    variant.product.save()

    line = order.lines.get()
    assert line.unit_price == Decimal("20.00")
    assert line.product_name != "Renamed"


@pytest.mark.django_db
def test_order_numbers_are_unique(settings):
    settings.ORDERS_PLACE_RATE_COUNT = 20
    buyer = customer()

    numbers = {
        _place(buyer, lines((stocked_variant(), 1)), key=f"k{i}").number
        for i in range(20)
    }

    assert len(numbers) == 20


@pytest.mark.django_db
def test_an_empty_order_is_refused_and_writes_nothing():
    buyer = customer()
    before = _row_counts()

    with pytest.raises(OrderValidationError) as excinfo:
        _place(buyer, [])

    assert _problems(excinfo) == [(OrderErrorCode.EMPTY_ORDER, "lines")]
    assert excinfo.value.details[0].message == "An order needs at least one line."
    assert _row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("quantity", [0, -1], ids=["zero_case", "negative_case"])
def test_a_quantity_below_one_is_refused(quantity):
    buyer = customer()
    variant = stocked_variant()
    before = _row_counts()

    with pytest.raises(OrderValidationError) as excinfo:
        _place(buyer, lines((variant, quantity)))

    assert _problems(excinfo) == [(OrderErrorCode.INVALID_QUANTITY, "lines.0.quantity")]
    assert excinfo.value.details[0].message == "The quantity must be at least 1."
    assert _row_counts() == before


@pytest.mark.django_db
def test_more_units_on_a_line_than_the_cap_are_refused(settings):
    settings.ORDERS_MAX_UNITS_PER_LINE = 3
    variant = stocked_variant(on_hand=100)

    with pytest.raises(OrderValidationError) as excinfo:
        _place(customer(), lines((variant, 4)))

    assert _problems(excinfo) == [
        (OrderErrorCode.LINE_LIMIT_EXCEEDED, "lines.0.quantity")
    ]
    assert excinfo.value.details[0].message == "At most 3 units of one item per order."
    assert Stock.objects.get(pk=variant.pk).quantity_reserved == 0


@pytest.mark.django_db
def test_the_line_cap_defaults_to_fifty():
    variant = stocked_variant(on_hand=100)

    with pytest.raises(OrderValidationError) as excinfo:
        _place(customer(), lines((variant, 51)))

    assert _problems(excinfo) == [
        (OrderErrorCode.LINE_LIMIT_EXCEEDED, "lines.0.quantity"),
        (OrderErrorCode.OPEN_UNITS_LIMIT_EXCEEDED, "lines"),
    ]


@pytest.mark.django_db
def test_open_unpaid_units_per_customer_are_capped(settings):
    settings.ORDERS_MAX_OPEN_UNITS_PER_CUSTOMER = 5
    buyer = customer()
    _place(buyer, lines((stocked_variant(), 4)), key="first")
    before = _row_counts()

    with pytest.raises(OrderValidationError) as excinfo:
        _place(buyer, lines((stocked_variant(), 2)), key="second")

    assert _problems(excinfo) == [(OrderErrorCode.OPEN_UNITS_LIMIT_EXCEEDED, "lines")]
    assert excinfo.value.details[0].message == (
        "At most 5 units may be held in unpaid orders; an order you cancelled or "
        "let expire counts for 60 minutes after you placed it. Pay for an open "
        "order or try again later."
    )
    assert _row_counts() == before


@pytest.mark.django_db
def test_long_expired_and_other_customers_orders_do_not_count_towards_the_open_cap(
    settings,
):
    settings.ORDERS_MAX_OPEN_UNITS_PER_CUSTOMER = 5
    buyer = customer()
    _place(
        buyer, lines((stocked_variant(), 5)), key="old", now=NOW - timedelta(hours=1)
    )
    _place(customer(), lines((stocked_variant(), 5)), key="other")

    order = _place(buyer, lines((stocked_variant(), 5)), key="new")

    assert order.lines.get().quantity == 5


@pytest.mark.django_db
def test_a_variant_on_two_lines_is_refused():
    variant = stocked_variant()

    with pytest.raises(OrderValidationError) as excinfo:
        _place(customer(), lines((variant, 1), (variant, 2)))

    assert _problems(excinfo) == [(OrderErrorCode.DUPLICATE_LINE, "lines.1.variant_id")]
    assert (
        excinfo.value.details[0].message == "This variant is already on another line."
    )


@pytest.mark.django_db
def test_an_unknown_variant_is_refused():
    with pytest.raises(OrderValidationError) as excinfo:
        _place(customer(), [LineInput(variant_id=987654, quantity=1)])

    assert _problems(excinfo) == [
        (OrderErrorCode.UNKNOWN_VARIANT, "lines.0.variant_id")
    ]
    assert excinfo.value.details[0].message == "No product variant has this ID."


@pytest.mark.django_db
def test_an_unpublished_product_is_refused():
    variant = stocked_variant(product=ProductFactory.create(is_published=False))

    with pytest.raises(OrderValidationError) as excinfo:
        _place(customer(), lines((variant, 1)))

    assert _problems(excinfo) == [(OrderErrorCode.NOT_PUBLISHED, "lines.0.variant_id")]
    assert excinfo.value.details[0].message == "This product is not for sale."


@pytest.mark.django_db
def test_more_units_than_available_are_refused_with_the_available_count():
    variant = stocked_variant(on_hand=5, reserved=3)

    with pytest.raises(OrderValidationError) as excinfo:
        _place(customer(), lines((variant, 3)))

    assert _problems(excinfo) == [
        (OrderErrorCode.INSUFFICIENT_STOCK, "lines.0.quantity")
    ]
    assert excinfo.value.details[0].message == "Only 2 units are available."
    assert Stock.objects.get(pk=variant.pk).quantity_reserved == 3


@pytest.mark.django_db
def test_one_unit_left_is_reported_in_the_singular():
    variant = stocked_variant(on_hand=1)

    with pytest.raises(OrderValidationError) as excinfo:
        _place(customer(), lines((variant, 2)))

    assert excinfo.value.details[0].message == "Only 1 unit is available."


@pytest.mark.django_db
def test_a_variant_without_a_stock_row_has_nothing_available():
    variant = VariantFactory.create()

    with pytest.raises(OrderValidationError) as excinfo:
        _place(customer(), lines((variant, 1)))

    assert _problems(excinfo) == [
        (OrderErrorCode.INSUFFICIENT_STOCK, "lines.0.quantity")
    ]
    assert excinfo.value.details[0].message == "Only 0 units are available."


@pytest.mark.django_db
def test_items_in_different_currencies_are_refused():
    usd = stocked_variant(product=ProductFactory.create(currency="USD"))
    eur = stocked_variant(product=ProductFactory.create(currency="EUR"))

    with pytest.raises(OrderValidationError) as excinfo:
        _place(customer(), lines((usd, 1), (eur, 1)))

    assert _problems(excinfo) == [(OrderErrorCode.MIXED_CURRENCY, "lines")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"city": ""}, "shipping_address.city", "This field is required."),
        ({"full_name": "  "}, "shipping_address.full_name", "This field is required."),
        (
            {"postal_code": "1" * 21},
            "shipping_address.postal_code",
            "At most 20 characters.",
        ),
        (
            {"country": "ZZ"},
            "shipping_address.country",
            "A two-letter ISO 3166-1 country code, e.g. GB.",
        ),
        (
            {"country": "UK"},
            "shipping_address.country",
            "A two-letter ISO 3166-1 country code, e.g. GB.",
        ),
        (
            {"country": "Q1"},
            "shipping_address.country",
            "A two-letter ISO 3166-1 country code, e.g. GB.",
        ),
        (
            {"country": "G"},
            "shipping_address.country",
            "A two-letter ISO 3166-1 country code, e.g. GB.",
        ),
    ],
    ids=[
        "blank_city_case",
        "blank_name_case",
        "long_postcode_case",
        "user_assigned_country_case",
        "uk_is_not_the_code_for_britain_case",
        "digit_country_case",
        "short_country_case",
    ],
)
def test_an_invalid_address_is_refused_field_by_field(overrides, field, message):
    with pytest.raises(OrderValidationError) as excinfo:
        _place(customer(), lines((stocked_variant(), 1)), shipping=address(**overrides))

    assert _problems(excinfo) == [(OrderErrorCode.INVALID_ADDRESS, field)]
    assert excinfo.value.details[0].message == message


@pytest.mark.django_db
def test_a_country_code_is_stored_in_capitals_whatever_its_case_in_the_request():
    order = _place(
        customer(), lines((stocked_variant(), 1)), shipping=address(country=" gb")
    )

    assert order.shipping_address["country"] == "GB"


@pytest.mark.django_db
def test_an_inactive_customer_cannot_order():
    buyer = customer(is_active=False)

    with pytest.raises(OrderValidationError) as excinfo:
        _place(buyer, lines((stocked_variant(), 1)))

    assert _problems(excinfo) == [(OrderErrorCode.CUSTOMER_NOT_FOUND, "customer_id")]


@pytest.mark.django_db
def test_every_problem_is_reported_at_once_in_input_order(settings):
    settings.ORDERS_MAX_UNITS_PER_LINE = 10
    fine = stocked_variant(on_hand=10)
    short = stocked_variant(on_hand=1)
    hidden = stocked_variant(product=ProductFactory.create(is_published=False))
    before = _row_counts()

    with pytest.raises(OrderValidationError) as excinfo:
        _place(
            customer(),
            [
                LineInput(variant_id=fine.pk, quantity=1),
                LineInput(variant_id=short.pk, quantity=2),
                LineInput(variant_id=fine.pk, quantity=0),
                LineInput(variant_id=123456789, quantity=11),
                LineInput(variant_id=hidden.pk, quantity=1),
            ],
            shipping=address(city="", country="XXX"),
        )

    assert _problems(excinfo) == [
        (OrderErrorCode.INVALID_ADDRESS, "shipping_address.city"),
        (OrderErrorCode.INVALID_ADDRESS, "shipping_address.country"),
        (OrderErrorCode.INSUFFICIENT_STOCK, "lines.1.quantity"),
        (OrderErrorCode.DUPLICATE_LINE, "lines.2.variant_id"),
        (OrderErrorCode.INVALID_QUANTITY, "lines.2.quantity"),
        (OrderErrorCode.UNKNOWN_VARIANT, "lines.3.variant_id"),
        (OrderErrorCode.LINE_LIMIT_EXCEEDED, "lines.3.quantity"),
        (OrderErrorCode.NOT_PUBLISHED, "lines.4.variant_id"),
    ]
    assert excinfo.value.code == OrderErrorCode.INVALID_ADDRESS
    assert excinfo.value.field == "shipping_address.city"
    assert _row_counts() == before


@pytest.mark.django_db
def test_the_same_key_and_request_return_the_first_order():
    buyer = customer()
    variant = stocked_variant(on_hand=5)

    first = _place(buyer, lines((variant, 2)), key="retry-me")
    again = _place(buyer, lines((variant, 2)), key="retry-me")

    assert again.pk == first.pk
    assert models.Order.objects.count() == 1
    assert Stock.objects.get(pk=variant.pk).quantity_reserved == 2


@pytest.mark.django_db
def test_a_retry_is_answered_even_after_the_stock_ran_out():
    buyer = customer()
    variant = stocked_variant(on_hand=1)
    first = _place(buyer, lines((variant, 1)), key="retry-me")

    again = _place(buyer, lines((variant, 1)), key="retry-me")

    assert again.pk == first.pk


@pytest.mark.django_db
def test_the_same_key_with_another_request_is_refused():
    buyer = customer()
    variant = stocked_variant(on_hand=5)
    _place(buyer, lines((variant, 1)), key="retry-me")
    before = _row_counts()

    with pytest.raises(IdempotencyError) as excinfo:
        _place(buyer, lines((variant, 2)), key="retry-me")

    assert excinfo.value.code == IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED
    assert excinfo.value.field == "idempotency_key"
    assert excinfo.value.message == (
        "This idempotency key was already used for a different request."
    )
    assert _row_counts() == before


@pytest.mark.django_db
def test_keys_are_scoped_per_customer():
    variant = stocked_variant(on_hand=5)

    mine = _place(customer(), lines((variant, 1)), key="same")
    theirs = _place(customer(), lines((variant, 1)), key="same")

    assert mine.pk != theirs.pk
    assert Stock.objects.get(pk=variant.pk).quantity_reserved == 2


@pytest.mark.django_db
def test_a_failed_request_leaves_its_key_free_for_a_corrected_one():
    buyer = customer()
    variant = stocked_variant(on_hand=5)
    with pytest.raises(OrderValidationError):
        _place(buyer, lines((variant, 9)), key="k")

    order = _place(buyer, lines((variant, 2)), key="k")

    assert order.lines.get().quantity == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key", ["", "   ", "x" * 256], ids=["empty_case", "blank_case", "long_case"]
)
def test_a_malformed_key_is_refused(key):
    with pytest.raises(OrderValidationError) as excinfo:
        _place(customer(), lines((stocked_variant(), 1)), key=key)

    assert _problems(excinfo) == [
        (IdempotencyErrorCode.INVALID_IDEMPOTENCY_KEY, "idempotency_key")
    ]
    assert models.Order.objects.count() == 0


@pytest.mark.django_db
def test_an_empty_key_is_reported_with_every_other_problem():
    with pytest.raises(OrderValidationError) as excinfo:
        _place(
            customer(),
            lines((stocked_variant(), 0)),
            key="",
            shipping=address(country="ZZ"),
        )

    assert _problems(excinfo) == [
        (IdempotencyErrorCode.INVALID_IDEMPOTENCY_KEY, "idempotency_key"),
        (OrderErrorCode.INVALID_ADDRESS, "shipping_address.country"),
        (OrderErrorCode.INVALID_QUANTITY, "lines.0.quantity"),
    ]


@pytest.mark.django_db
def test_a_retry_after_the_retention_returns_the_order_the_key_placed():
    buyer = customer()
    variant = stocked_variant(on_hand=5)
    first = _place(buyer, lines((variant, 2)), key="late", now=NOW)

    with time_machine.travel(NOW + timedelta(hours=25), tick=False):
        again = _place(buyer, lines((variant, 2)), key="late", now=None)

    assert again.pk == first.pk
    assert models.Order.objects.count() == 1
    assert Stock.objects.get(pk=variant.pk).quantity_reserved == 2


@pytest.mark.django_db
def test_another_request_under_a_key_past_its_retention_is_refused():
    buyer = customer()
    variant = stocked_variant(on_hand=5)
    _place(buyer, lines((variant, 2)), key="late", now=NOW)
    before = _row_counts()

    with (
        time_machine.travel(NOW + timedelta(hours=25), tick=False),
        pytest.raises(IdempotencyError) as excinfo,
    ):
        _place(buyer, lines((variant, 3)), key="late", now=None)

    assert excinfo.value.code == IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED
    assert excinfo.value.field == "idempotency_key"
    assert excinfo.value.message == (
        "This idempotency key was already used for a different request."
    )
    assert _row_counts() == before


@pytest.mark.django_db
def test_the_order_received_email_is_sent_only_after_commit(
    django_capture_on_commit_callbacks,
):
    buyer = customer(full_name="Ada Lovelace")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = placed_order(buyer=buyer)
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == [buyer.email]
    assert message.subject == f"We received your order {order.number}"
    assert order.number in message.body
    assert "Hello Ada Lovelace" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert isinstance(html, str)
    assert order.number in html


@pytest.mark.django_db
def test_a_replayed_order_sends_no_second_email(django_capture_on_commit_callbacks):
    buyer = customer()
    variant = stocked_variant()

    with django_capture_on_commit_callbacks(execute=True):
        _place(buyer, lines((variant, 1)), key="k")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _place(buyer, lines((variant, 1)), key="k")

    assert callbacks == []
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_placement_sends_no_email(django_capture_on_commit_callbacks):
    buyer, wanted = customer(), lines((stocked_variant(on_hand=0), 1))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(OrderValidationError),
    ):
        _place(buyer, wanted)

    assert callbacks == []
    assert mail.outbox == []
