from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from apps.jobs.models import Job
from apps.orders import models
from apps.orders.errors import (
    IllegalTransitionError,
    OrderErrorCode,
    OrderValidationError,
)
from apps.orders.services import order_fulfil, order_mark_paid
from apps.orders.status import OrderStatus
from tests.factories.orders import placed_order, staff

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _paid_order() -> models.Order:
    order = placed_order()
    order_mark_paid(order_id=order.pk)
    mail.outbox.clear()
    return order


@pytest.mark.django_db
def test_a_paid_order_is_fulfilled_with_its_shipment_recorded():
    order = _paid_order()
    clerk = staff()

    order_fulfil(
        order_id=order.pk,
        tracking_number="1Z999AA10123456784",
        carrier="UPS",
        actor_id=clerk.pk,
        now=NOW,
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    assert (order.tracking_number, order.carrier, order.fulfilled_at) == (
        "1Z999AA10123456784",
        "UPS",
        NOW,
    )
    change = order.status_changes.order_by("id").reverse()[0]
    assert (change.to_status, change.actor_id, change.reason) == (
        OrderStatus.FULFILLED,
        clerk.pk,
        "fulfilled",
    )


@pytest.mark.django_db
def test_label_spaces_are_dropped_and_a_known_carrier_gets_its_spelling():
    order = _paid_order()

    order_fulfil(
        order_id=order.pk, tracking_number="ab 1234 5678 9gb", carrier=" royal  mail "
    )

    order.refresh_from_db()
    assert (order.tracking_number, order.carrier) == ("AB123456789GB", "Royal Mail")


@pytest.mark.django_db
def test_the_shipped_email_carries_the_tracking_link_once(
    django_capture_on_commit_callbacks,
):
    order = _paid_order()

    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil(order_id=order.pk, tracking_number="AB123456789GB", carrier="DHL")
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil(order_id=order.pk, tracking_number="AB123456789GB", carrier="DHL")

    (message,) = mail.outbox
    link = (
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html"
        "?submit=1&tracking-id=AB123456789GB"
    )
    assert message.subject == f"Your order {order.number} is on its way"
    assert f"Track it here: {link}" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    ((html, mime),) = message.alternatives
    assert mime == "text/html"
    assert f'<a href="{link.replace("&", "&amp;")}">AB123456789GB</a>' in str(html)
    assert Job.objects.filter(key=f"order-shipped-email:{order.pk}").count() == 1
    assert models.OrderEmail.objects.filter(
        order=order, kind=models.OrderEmail.Kind.SHIPPED
    ).exists()


@pytest.mark.django_db
def test_a_carrier_without_a_tracking_page_gets_an_email_without_a_link(
    django_capture_on_commit_callbacks,
):
    order = _paid_order()

    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil(
            order_id=order.pk, tracking_number="PX-20391", carrier="Parcel Express"
        )

    (message,) = mail.outbox
    assert "is on its way with Parcel Express." in message.body
    assert "Tracking number: PX-20391" in message.body
    assert "Track it here" not in message.body
    assert isinstance(message, EmailMultiAlternatives)
    assert "<a href" not in str(message.alternatives[0][0])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tracking_number", "carrier", "expected"),
    [
        ("", "UPS", [(OrderErrorCode.INVALID_TRACKING_NUMBER, "tracking_number")]),
        ("1Z9", "UPS", [(OrderErrorCode.INVALID_TRACKING_NUMBER, "tracking_number")]),
        (
            "1" * 41,
            "UPS",
            [(OrderErrorCode.INVALID_TRACKING_NUMBER, "tracking_number")],
        ),
        (
            "<script>1</script>",
            "UPS",
            [(OrderErrorCode.INVALID_TRACKING_NUMBER, "tracking_number")],
        ),
        ("1Z999AA1", "", [(OrderErrorCode.INVALID_CARRIER, "carrier")]),
        ("1Z999AA1", "X" * 51, [(OrderErrorCode.INVALID_CARRIER, "carrier")]),
        ("1Z999AA1", "DHL\x00", [(OrderErrorCode.INVALID_CARRIER, "carrier")]),
        (
            "",
            "",
            [
                (OrderErrorCode.INVALID_TRACKING_NUMBER, "tracking_number"),
                (OrderErrorCode.INVALID_CARRIER, "carrier"),
            ],
        ),
    ],
    ids=[
        "empty_number_case",
        "short_number_case",
        "long_number_case",
        "markup_number_case",
        "empty_carrier_case",
        "long_carrier_case",
        "nul_carrier_case",
        "both_case",
    ],
)
def test_a_bad_shipment_is_refused_field_by_field_and_changes_nothing(
    tracking_number, carrier, expected
):
    order = _paid_order()

    with pytest.raises(OrderValidationError) as excinfo:
        order_fulfil(
            order_id=order.pk, tracking_number=tracking_number, carrier=carrier
        )

    assert [(d.code, d.field) for d in excinfo.value.details] == expected
    assert all(
        tracking_number not in d.message or not tracking_number
        for d in excinfo.value.details
    )
    order.refresh_from_db()
    assert (order.status, order.tracking_number, order.fulfilled_at) == (
        OrderStatus.PAID,
        "",
        None,
    )


@pytest.mark.django_db
def test_fulfilling_again_with_another_shipment_is_an_illegal_transition():
    order = _paid_order()
    order_fulfil(order_id=order.pk, tracking_number="1Z999AA1", carrier="UPS")

    with pytest.raises(IllegalTransitionError) as excinfo:
        order_fulfil(order_id=order.pk, tracking_number="1Z999AA2", carrier="UPS")

    assert (
        excinfo.value.message == "An order that is FULFILLED cannot become FULFILLED."
    )
    order.refresh_from_db()
    assert order.tracking_number == "1Z999AA1"


@pytest.mark.django_db
def test_an_unpaid_order_cannot_be_fulfilled():
    order = placed_order()

    with pytest.raises(IllegalTransitionError):
        order_fulfil(order_id=order.pk, tracking_number="1Z999AA1", carrier="UPS")

    order.refresh_from_db()
    assert (order.status, order.tracking_number) == (OrderStatus.PENDING_PAYMENT, "")
